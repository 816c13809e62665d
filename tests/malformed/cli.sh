#!/bin/bash
# cli.sh - malformed input through the forksize command line.
#
#   cli.sh FORKSH.wasm        (environment: FORKSIZE, WASM_OBJDUMP)
#
# For each broken input: exit status exactly 2 within the time limit, one
# line on stderr "forksize: PATH: offset 0xOFF: message" with the offset
# known by construction (written by hand below, or read from
# wasm-objdump for the real module), nothing on stdout, and no output
# file (nor a leftover temporary) when -o is given.  Then the file-level
# failures (missing, directory, empty) and -o naming the input itself.
set -u
FORKSIZE=${FORKSIZE:?FORKSIZE must name the forksize binary}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
FORKSH=${1:?usage: cli.sh FORKSH.wasm}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() {   # check COND-STATUS NAME MESSAGE
    if [ "$1" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $2: $3" >&2
    fi
}

# run NAME ARGS...: runs forksize with a time limit; sets rc, out, err.
run() {
    local name=$1
    shift
    timeout 10 "$FORKSIZE" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    out=$(cat "$tmp/stdout")
    err=$(cat "$tmp/stderr")
    [ "$rc" -ne 124 ]
    check $? "$name" "did not finish within 10 s"
}

# expect_offset NAME FILE OFFSET: every way of reading FILE must fail the
# same way, at byte OFFSET.
expect_offset() {
    local name=$1 file=$2 want
    want=$(printf '0x%x' "$3")
    local mode
    for mode in stats stats-o opcodes opcodes-o; do
        local args=() outfile="$tmp/out.json"
        rm -f "$outfile" "$outfile".tmp.*
        case $mode in
        stats)     args=(--stats "$file") ;;
        stats-o)   args=(--stats "$file" --format json -o "$outfile") ;;
        opcodes)   args=(opcodes "$file") ;;
        opcodes-o) args=(opcodes "$file" -o "$outfile") ;;
        esac
        run "$name ($mode)" "${args[@]}"
        [ "$rc" -eq 2 ]
        check $? "$name ($mode)" "exit status $rc, expected 2 (stderr: $err)"
        [ -z "$out" ]
        check $? "$name ($mode)" "wrote to stdout: $(head -c 200 <<<"$out")"
        local lines
        lines=$(wc -l <"$tmp/stderr")
        [ "$lines" -eq 1 ]
        check $? "$name ($mode)" "expected one line on stderr, got $lines: $err"
        local re='^forksize: (.*): offset (0x[0-9a-f]+): (.+)$'
        if [[ $err =~ $re ]]; then
            [ "${BASH_REMATCH[1]}" = "$file" ]
            check $? "$name ($mode)" "stderr names '${BASH_REMATCH[1]}', expected '$file'"
            [ "${BASH_REMATCH[2]}" = "$want" ]
            check $? "$name ($mode)" "offset ${BASH_REMATCH[2]}, expected $want: $err"
        else
            check 1 "$name ($mode)" "stderr does not match 'forksize: FILE: offset 0x..: ...': $err"
        fi
        if [[ $mode == *-o ]]; then
            ! ls "$outfile" "$outfile".tmp.* >/dev/null 2>&1
            check $? "$name ($mode)" "an output file was left behind: $(ls "$tmp")"
        fi
    done
}

header='\x00\x61\x73\x6d\x01\x00\x00\x00'
# type section: one type [] -> []   (offsets 8..13)
types='\x01\x04\x01\x60\x00\x00'
# function section: one function of type 0   (offsets 14..17)
funcs='\x03\x02\x01\x00'

printf '\x00\x61\x73\x6e\x01\x00\x00\x00' >"$tmp/bad-magic.wasm"
expect_offset "bad magic" "$tmp/bad-magic.wasm" 0

printf '\x00\x61\x73\x6d\x02\x00\x00\x00' >"$tmp/bad-version.wasm"
expect_offset "bad version" "$tmp/bad-version.wasm" 4

: >"$tmp/empty.wasm"
expect_offset "empty file" "$tmp/empty.wasm" 0

printf '\x00\x61\x73' >"$tmp/short-header.wasm"
expect_offset "3-byte file" "$tmp/short-header.wasm" 0

# type section claiming 0x7F bytes: its size LEB is at offset 9
printf "$header"'\x01\x7f\x01\x60' >"$tmp/section-size.wasm"
expect_offset "section size past the end" "$tmp/section-size.wasm" 9

# function section with count 0xFFFFFFFF (5-byte LEB at offset 16)
printf "$header$types"'\x03\x06\xff\xff\xff\xff\x0f\x00' >"$tmp/huge-count.wasm"
expect_offset "function count 0xFFFFFFFF" "$tmp/huge-count.wasm" 16

# code section (id at 18): count, body size, no locals, 0xFF at 23, end
printf "$header$types$funcs"'\x0a\x05\x01\x03\x00\xff\x0b' >"$tmp/bad-opcode.wasm"
expect_offset "unknown opcode 0xFF" "$tmp/bad-opcode.wasm" 23

# the same body without its end: the body stops at offset 23
printf "$header$types$funcs"'\x0a\x03\x01\x01\x00' >"$tmp/no-end.wasm"
expect_offset "body without its final end" "$tmp/no-end.wasm" 23

# a section id that does not exist (15), at offset 8
printf "$header"'\x0f\x00' >"$tmp/bad-id.wasm"   # 15: 14 is stringref's literals
expect_offset "unknown section id" "$tmp/bad-id.wasm" 8

# The real module, cut inside its code section: the error is at the code
# section's size LEB, located with wasm-objdump (an independent reader).
cut=10000
head -c $cut "$FORKSH" >"$tmp/forksh-cut.wasm"
# (POSIX awk: no strtonum, so hex is converted by hand.)
hexfn='function hex(s,  i, v) { v = 0; for (i = 1; i <= length(s); i++)
           v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }'
size_at=$("$WASM_OBJDUMP" -h "$FORKSH" | awk -v cut=$cut "$hexfn"'
    /start=0x/ {
        match($0, /start=0x[0-9a-f]+/); s = hex(substr($0, RSTART + 8, RLENGTH - 8))
        match($0, /end=0x[0-9a-f]+/);   e = hex(substr($0, RSTART + 6, RLENGTH - 6))
        if (s <= cut && cut < e) {
            n = 1; for (v = e - s; v >= 128; v = int(v / 128)) n++
            print s - n
        }
    }')
[ -n "$size_at" ]
check $? "forksh cut" "wasm-objdump found no section holding offset $cut"
[ -n "$size_at" ] && expect_offset "forksh.wasm cut at $cut bytes" "$tmp/forksh-cut.wasm" "$size_at"

# The real module with one instruction (midway through the disassembly)
# replaced by 0xFF: the error is at that instruction's offset.
op_at=$("$WASM_OBJDUMP" -d "$FORKSH" | awk "$hexfn"'
    /^ [0-9a-f]+: / && !/local\[/ { ops[n++] = hex(substr($1, 1, length($1) - 1)) }
    END { if (n) print ops[int(n / 2)] }')
cp "$FORKSH" "$tmp/forksh-op.wasm"
printf '\xff' | dd of="$tmp/forksh-op.wasm" bs=1 seek="$op_at" conv=notrunc status=none
expect_offset "forksh.wasm with 0xFF at instruction $op_at" "$tmp/forksh-op.wasm" "$op_at"

# ---- failures that are about the file, not its bytes -----------------

file_error() {   # file_error NAME PATH: exit 2, stderr names PATH, no stdout
    local name=$1 path=$2
    run "$name" --stats "$path"
    [ "$rc" -eq 2 ]
    check $? "$name" "exit status $rc, expected 2 (stderr: $err)"
    [ -z "$out" ]
    check $? "$name" "wrote to stdout"
    [[ $err == "forksize: $path: "* ]]
    check $? "$name" "stderr does not start with 'forksize: $path: ': $err"
}
file_error "nonexistent file" "$tmp/no-such-file.wasm"
mkdir "$tmp/a-directory.wasm"
file_error "directory" "$tmp/a-directory.wasm"

# -o naming the input: refused, input unchanged.  The positive control
# first: the same module with another -o does produce the file.
cp "$FORKSH" "$tmp/input.wasm"
run "-o elsewhere" --stats "$tmp/input.wasm" --format csv -o "$tmp/report.csv"
[ "$rc" -eq 0 ] && [ -s "$tmp/report.csv" ]
check $? "-o elsewhere" "exit $rc or no report written (control for the -o checks): $err"
for cmd in --stats opcodes; do
    for target in "$tmp/input.wasm" "$tmp/./input.wasm"; do
        before=$(sha256sum <"$tmp/input.wasm")
        run "$cmd -o input" "$cmd" "$tmp/input.wasm" -o "$target"
        [ "$rc" -eq 2 ]
        check $? "$cmd -o input ($target)" "exit status $rc, expected 2: $err"
        [ -z "$out" ]
        check $? "$cmd -o input ($target)" "wrote to stdout"
        [ -n "$err" ]
        check $? "$cmd -o input ($target)" "no message on stderr"
        [ "$(sha256sum <"$tmp/input.wasm")" = "$before" ]
        check $? "$cmd -o input ($target)" "the input module was modified"
        ! ls "$tmp"/input.wasm.tmp.* >/dev/null 2>&1
        check $? "$cmd -o input ($target)" "a temporary file was left behind"
    done
done
ln -s input.wasm "$tmp/link.wasm"
before=$(sha256sum <"$tmp/input.wasm")
run "-o symlink to input" --stats "$tmp/input.wasm" -o "$tmp/link.wasm"
[ "$rc" -eq 2 ] && [ "$(sha256sum <"$tmp/input.wasm")" = "$before" ] && [ -L "$tmp/link.wasm" ]
check $? "-o symlink to input" "exit $rc, or the input or the link changed: $err"
# A corrupt input named as its own output: still exit 2, still untouched.
cp "$tmp/bad-opcode.wasm" "$tmp/bad-self.wasm"
before=$(sha256sum <"$tmp/bad-self.wasm")
run "corrupt -o itself" --stats "$tmp/bad-self.wasm" -o "$tmp/bad-self.wasm"
[ "$rc" -eq 2 ] && [ "$(sha256sum <"$tmp/bad-self.wasm")" = "$before" ]
check $? "corrupt -o itself" "exit $rc or the input changed: $err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
