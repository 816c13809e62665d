#!/usr/bin/env bash
# debug.sh MODE [ARGS] - what `forksize instrument` does with debug info
# (docs/instrumentation.md, "Debug info"), checked with llvm-dwarfdump-14
# and WABT as oracles.
#
# MODES
#   sections
#       debug/dbg.c built with clang-14 -g for wasm32 (compile, then link
#       apart: clang's link step would run wasm-opt, which rewrites the
#       DWARF), plus a sourceMappingURL custom section appended by hand.
#       Without a flag: every debug section forksize cannot rewrite is
#       gone from the output (wasm-objdump -h) and named in exactly one
#       warning on stderr, with its reason, and so are .debug_abbrev and
#       .debug_str, which only serve them; .debug_line is rewritten
#       (llvm-dwarfdump-14 reads it, the "lines" mode checks its rows);
#       sourceMappingURL is kept with a warning that its map is stale; the
#       warnings appear with -q too.  With --keep-stale-debug: every
#       section is there, its payload byte for byte the input's, and each
#       one holding code addresses is named in a "stale" warning.  Both
#       outputs pass wasm-validate and both Binaryens read them
#       (wasm-opt 108 and 132, which validate on read; 132 also writes the
#       rewritten DWARF back with -g).
#   lines
#       The line-table check (linecheck.mjs) on dbg.c, built with DWARF 4
#       (-g) and with -gdwarf-5 (then .debug_line_str must stay): every row of the
#       input, as (file, line, column, flags), is in the same function of
#       the output, in the same order, on the same instruction; no output
#       row lies outside every function; sequences end where they should.
#       The rows, with the opcode under each before and after, must equal
#       the golden file debug/dbg.lines, whose comments check each one by
#       hand against dbg.c (FORKSIZE_REGEN_GOLDEN=1 rewrites its rows and
#       keeps the comments: check them again).
#   ruby
#       The same check on the corpus module ruby (full DWARF, 422,660 rows
#       in 9,774 functions); prints the time of each step.
#   malformed
#       dbg.c's .debug_line broken four ways (unit_length past the section,
#       version 9, 64-bit DWARF, an extended opcode's length past the
#       table): forksize instrument still writes a valid module, exit 0,
#       without .debug_line, and one warning names the section, the kind
#       (malformed, or cannot rewrite) and the exact file offset.
#   selftest
#       the checks of "sections" reject a doctored output (a .debug_line
#       copied through stale) and a missing warning; linecheck rejects the
#       stale line table of --keep-stale-debug.
#
# Environment (tests/CMakeLists.txt): FORKSIZE, WASM_OBJDUMP,
# WASM_VALIDATE, WASM_OPT, WASM_OPT_132, CLANG, LLVM_DWARFDUMP, NODE,
# FI_SRC, FORKSIZE_CORPUS_DIR, FORKSIZE_REGEN_GOLDEN.
set -euo pipefail
export LC_ALL=C

FORKSIZE=${FORKSIZE:-forksize}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
WASM_VALIDATE=${WASM_VALIDATE:-wasm-validate}
WASM_OPT=${WASM_OPT:-wasm-opt}
WASM_OPT_132=${WASM_OPT_132:-}
CLANG=${CLANG:-clang-14}
LLVM_DWARFDUMP=${LLVM_DWARFDUMP:-llvm-dwarfdump-14}
NODE=${NODE:-node}
corpus_dir=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
FI_SRC=${FI_SRC:-$(cd "$(dirname "$0")" && pwd)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-debug.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
t_init debug
note() { echo "debug: $*"; }

ROOT=import:env.fork
# The sections dbg.c gets from clang-14 -O1 -g (checked, so that a change
# of compiler output is noticed rather than silently testing less).
ADDR_SECTIONS=".debug_info .debug_loc .debug_ranges"
# Of those with addresses, the ones forksize rewrites (the others are dropped).
REWRITTEN=".debug_line"
SERVING_SECTIONS=".debug_abbrev .debug_str"

# build_fixture OUT [CFLAG]: dbg.c -> OUT (-g, or CFLAG such as
# -gdwarf-5), with a sourceMappingURL section.
build_fixture() {
    local out=$1
    "$CLANG" --target=wasm32-wasi -O1 "${2:--g}" -c "$FI_SRC/debug/dbg.c" -o "$tmp/dbg.o" \
        || fail "clang-14 failed on dbg.c"
    "$CLANG" --target=wasm32-wasi -nostdlib -Wl,--no-entry -Wl,--export=work \
        -o "$tmp/dbg.plain.wasm" "$tmp/dbg.o" || fail "wasm-ld failed on dbg.o"
    # custom section: id 0, size, name (16 "sourceMappingURL"), then the URL
    # as a vector of bytes (7 "dbg.map"): 1 + 16 + 1 + 7 = 25 bytes
    { cat "$tmp/dbg.plain.wasm"; printf '\000\031\020sourceMappingURL\007dbg.map'; } > "$out"
}

# sections FILE: the custom section names of FILE, one a line.
sections() {
    "$WASM_OBJDUMP" -h "$1" > "$tmp/h.txt" || fail "wasm-objdump -h $1 failed"
    sed -n 's/.*Custom .*"\(.*\)"$/\1/p' "$tmp/h.txt"
}

# payload FILE NAME OUT: the payload of custom section NAME (after its name).
payload() {
    "$WASM_OBJDUMP" -h "$1" > "$tmp/h.txt"
    local line start end
    line=$(grep "\"$2\"\$" "$tmp/h.txt") || { : > "$3"; return; }
    start=$(sed 's/.*start=0x\([0-9a-f]*\).*/\1/' <<< "$line")
    end=$(sed 's/.*end=0x\([0-9a-f]*\).*/\1/' <<< "$line")
    # wasm-objdump's start is the payload's start: skip the name (1-byte
    # length: every name here is shorter than 128)
    tail -c +$((16#$start + 1 + 1 + ${#2})) "$1" | head -c $((16#$end - 16#$start - 1 - ${#2})) > "$3"
}

# warned ERRFILE SECTION WORD: exactly one warning names SECTION, with WORD.
warned() {
    local n
    n=$(grep -c "warning: $2: " "$1" || true)
    [ "$n" = 1 ] || { fail "$2: $n warnings on stderr, want 1"; return; }
    grep "warning: $2: " "$1" > "$tmp/w.txt"
    if grep -q -- "$3" "$tmp/w.txt"; then ok; else fail "$2: warning does not say '$3': $(cat "$tmp/w.txt")"; fi
}

# readable OUT: wasm-validate and both Binaryens accept OUT.
readable() {
    "$WASM_VALIDATE" --enable-all "$1" 2> "$tmp/v.err" || fail "wasm-validate rejects $1: $(head -3 "$tmp/v.err")"
    # Binaryen 108 validates on read; it cannot *write* DWARF with
    # multi-value blocks, which forkinstr's wraps are, so no -o.
    "$WASM_OPT" --all-features "$1" 2> "$tmp/b.err" || fail "wasm-opt 108 rejects $1: $(head -3 "$tmp/b.err")"
    if [ -n "$WASM_OPT_132" ] && [ -x "$WASM_OPT_132" ]; then
        "$WASM_OPT_132" --all-features -g "$1" -o "$tmp/b132.wasm" 2> "$tmp/b.err" \
            || fail "wasm-opt 132 cannot read and write $1: $(head -3 "$tmp/b.err")"
    else
        fail "Binaryen 132 not found (WASM_OPT_132='$WASM_OPT_132'): run scripts/npm-deps.sh"
    fi
    ok
}

check_sections() {
    local in=$1 out=$2 err=$3 stale=$4 s
    sections "$in" > "$tmp/in.sec"
    sections "$out" > "$tmp/out.sec"
    for s in $ADDR_SECTIONS $SERVING_SECTIONS .debug_line sourceMappingURL; do
        grep -qx -- "$s" "$tmp/in.sec" || fail "the fixture lacks $s: clang-14's output changed"
    done
    if [ "$stale" = 1 ]; then
        for s in $ADDR_SECTIONS .debug_line $SERVING_SECTIONS sourceMappingURL; do
            payload "$in" "$s" "$tmp/p.in"
            payload "$out" "$s" "$tmp/p.out"
            [ -s "$tmp/p.out" ] || { fail "--keep-stale-debug: $s missing from the output"; continue; }
            cmp -s "$tmp/p.in" "$tmp/p.out" || fail "--keep-stale-debug: $s changed"
        done
        for s in $ADDR_SECTIONS .debug_line; do warned "$err" "$s" "stale"; done
        for s in $SERVING_SECTIONS; do
            if grep -q "warning: $s: " "$err"; then fail "$s: warned about, though it holds no address"; fi
        done
    else
        for s in $ADDR_SECTIONS .debug_line $SERVING_SECTIONS; do
            case " $REWRITTEN " in *" $s "*) continue ;; esac
            if grep -qx -- "$s" "$tmp/out.sec"; then fail "$s is still in the output"; fi
            warned "$err" "$s" "dropped: "
        done
        for s in $REWRITTEN; do
            # rewritten: present, different, readable by the oracle, no warning
            grep -qx -- "$s" "$tmp/out.sec" || fail "$s missing: it should be rewritten"
            payload "$in" "$s" "$tmp/p.in"
            payload "$out" "$s" "$tmp/p.out"
            if cmp -s "$tmp/p.in" "$tmp/p.out"; then fail "$s copied as it was (stale)"; fi
            if grep -q "warning: $s: " "$err"; then fail "$s rewritten yet warned about"; fi
        done
        "$LLVM_DWARFDUMP" --debug-line "$out" > "$tmp/dl.txt" 2> "$tmp/dl.err" \
            || fail "llvm-dwarfdump-14 --debug-line fails on the output"
        if [ -s "$tmp/dl.err" ]; then fail "llvm-dwarfdump-14 complains: $(head -3 "$tmp/dl.err")"; fi
        case " $REWRITTEN " in
            *" .debug_line "*) ;;
            *) if grep -q '^debug_line\[' "$tmp/dl.txt"; then fail "the oracle still finds a line table"; fi ;;
        esac
    fi
    grep -qx sourceMappingURL "$tmp/out.sec" || fail "sourceMappingURL dropped"
    warned "$err" sourceMappingURL "source map .* stale"
}

mode_sections() {
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed: $(cat "$tmp/err")"
    check_sections "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/err" 0
    readable "$tmp/out.wasm"
    "$FORKSIZE" instrument -q "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/outq.wasm" 2> "$tmp/errq" \
        || fail "forksize instrument -q failed"
    cmp -s "$tmp/out.wasm" "$tmp/outq.wasm" || fail "-q changed the output"
    check_sections "$tmp/dbg.wasm" "$tmp/outq.wasm" "$tmp/errq" 0
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --keep-stale-debug --root "$ROOT" -o "$tmp/outk.wasm" \
        2> "$tmp/errk" || fail "forksize instrument --keep-stale-debug failed"
    check_sections "$tmp/dbg.wasm" "$tmp/outk.wasm" "$tmp/errk" 1
    readable "$tmp/outk.wasm"
    note "$(grep -c warning "$tmp/err") warnings without the flag, $(grep -c warning "$tmp/errk") with it"
}

mode_selftest() {
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed"
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --keep-stale-debug --root "$ROOT" -o "$tmp/outk.wasm" \
        2> /dev/null || fail "forksize instrument --keep-stale-debug failed"
    # a stale output passed off as rewritten, and a warning gone missing
    grep -v "warning: .debug_loc: " "$tmp/err" > "$tmp/err.doctored" || true
    local base=$T_FAILS
    ( t_init inner; check_sections "$tmp/dbg.wasm" "$tmp/outk.wasm" "$tmp/err" 0 > "$tmp/st1" 2>&1; t_done ) \
        && fail "selftest: a stale .debug_line passed" || ok
    ( t_init inner; check_sections "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/err.doctored" 0 > "$tmp/st2" 2>&1; t_done ) \
        > /dev/null && fail "selftest: a missing warning passed" || ok
    grep -q "\.debug_line \(is still in the output\|copied as it was\)" "$tmp/st1" \
        || fail "selftest: the stale copy was caught, but not for .debug_line: $(head -3 "$tmp/st1")"
    grep -q ".debug_loc: 0 warnings" "$tmp/st2" || fail "selftest: the missing warning was not the failure: $(head -3 "$tmp/st2")"
    # linecheck on a stale copy of the line table must fail
    "$LLVM_DWARFDUMP" --debug-line "$tmp/dbg.wasm" > "$tmp/in.lines"
    "$LLVM_DWARFDUMP" --debug-line "$tmp/outk.wasm" > "$tmp/stale.lines"
    if "$NODE" "$FI_SRC/linecheck.mjs" "$tmp/dbg.wasm" "$tmp/in.lines" "$tmp/outk.wasm" \
        "$tmp/stale.lines" > "$tmp/lc.out" 2> "$tmp/lc.err"; then
        fail "selftest: linecheck accepts the stale line table"
    else
        ok "linecheck rejects the stale table: $(head -1 "$tmp/lc.err")"
    fi
    [ "$T_FAILS" = "$base" ] && note "OK: the checks reject a stale .debug_line and a missing warning"
}

# linecheck IN OUT [ROWS]: llvm-dwarfdump-14 on both, then linecheck.mjs.
linecheck() {
    "$LLVM_DWARFDUMP" --debug-line "$1" > "$tmp/in.lines" 2> "$tmp/dd.err" \
        || fail "llvm-dwarfdump-14 fails on $1: $(head -3 "$tmp/dd.err")"
    "$LLVM_DWARFDUMP" --debug-line "$2" > "$tmp/out.lines" 2> "$tmp/dd.err" \
        || fail "llvm-dwarfdump-14 fails on $2: $(head -3 "$tmp/dd.err")"
    if [ -s "$tmp/dd.err" ]; then fail "llvm-dwarfdump-14 complains: $(head -3 "$tmp/dd.err")"; fi
    "$NODE" "$FI_SRC/linecheck.mjs" "$1" "$tmp/in.lines" "$2" "$tmp/out.lines" ${3:+"$3"} \
        > "$tmp/lc.out" 2> "$tmp/lc.err" || { cat "$tmp/lc.err" >&2; fail "linecheck failed"; return; }
    cat "$tmp/lc.out"
    ok
}

mode_lines() {
    local golden=$FI_SRC/debug/dbg.lines
    # DWARF 5 (file names in .debug_line_str, which must stay) first
    build_fixture "$tmp/dbg.wasm" -gdwarf-5
    "$FORKSIZE" instrument -q "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed (DWARF 5)"
    if grep -q "warning: .debug_line" "$tmp/err"; then fail "DWARF 5: $(grep .debug_line "$tmp/err")"; fi
    sections "$tmp/out.wasm" > "$tmp/out.sec"
    grep -qx .debug_line_str "$tmp/out.sec" || fail "DWARF 5: .debug_line_str dropped, yet the line table names its files there"
    linecheck "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/rows5.raw"
    sed 's|^\(d[0-9]*\) [^ ]*/\([^/ :]*\):|\1 \2:|' "$tmp/rows5.raw" > "$tmp/rows5"
    # then the default (DWARF 4, as ruby has it), against the golden file
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument -q "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed"
    linecheck "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/rows.raw"
    # the source path is wherever the tree is: keep the file's name
    sed 's|^\(d[0-9]*\) [^ ]*/\([^/ :]*\):|\1 \2:|' "$tmp/rows.raw" > "$tmp/rows"
    if t_regen; then
        { grep '^#' "$golden" 2>/dev/null || true; cat "$tmp/rows"; } > "$tmp/golden.new"
        mv "$tmp/golden.new" "$golden"
        note "wrote $golden: check its rows by hand against dbg.c"
        return
    fi
    grep -v '^#' "$golden" > "$tmp/want" || fail "$golden is empty"
    local v
    for v in rows rows5; do
        if diff -u "$tmp/want" "$tmp/$v" > "$tmp/rows.diff"; then
            ok "$(wc -l < "$tmp/$v") rows equal the hand-checked golden file ($v)"
        else
            cat "$tmp/rows.diff"
            fail "the rows ($v) differ from $golden"
        fi
    done
}

mode_ruby() {
    local module=$corpus_dir/ruby.wasm t0 t1 t2
    t_module "$module"
    t0=$(date +%s.%N)
    "$FORKSIZE" instrument -q "$module" --root 'import:*' -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument ruby failed: $(tail -3 "$tmp/err")"
    t1=$(date +%s.%N)
    grep -q "warning: .debug_line" "$tmp/err" && fail ".debug_line not rewritten: $(grep .debug_line "$tmp/err")"
    linecheck "$module" "$tmp/out.wasm"
    t2=$(date +%s.%N)
    note "$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "forksize instrument %.1f s; dwarfdump x2 + linecheck %.1f s", b - a, c - b }')"
}

# patch FILE OFFSET HEXBYTES: overwrite bytes at OFFSET.
patch() {
    printf "$(sed 's/\(..\)/\\x\1/g' <<< "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

mode_malformed() {
    build_fixture "$tmp/dbg.wasm"
    "$WASM_OBJDUMP" -h "$tmp/dbg.wasm" > "$tmp/h.txt"
    local start data prog case off want
    start=$(grep '".debug_line"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    data=$((16#$start + 1 + 11))        # after the name (1-byte length + ".debug_line")
    # the program: after unit_length (4), version (2), header_length (4) and the header
    prog=$(od -An -tu4 -j $((data + 6)) -N4 "$tmp/dbg.wasm" | tr -d ' ')
    prog=$((data + 10 + prog))
    for case in length version dwarf64 extended; do
        cp "$tmp/dbg.wasm" "$tmp/bad.wasm"
        case $case in
            length)   patch "$tmp/bad.wasm" "$data" 00ffff7f; off=$data; want="malformed.*unit_length" ;;
            version)  patch "$tmp/bad.wasm" $((data + 4)) 0900; off=$((data + 4)); want="forksize cannot rewrite.*version" ;;
            dwarf64)  patch "$tmp/bad.wasm" "$data" ffffffff; off=$data; want="forksize cannot rewrite.*64-bit" ;;
            extended) # the program opens with DW_LNE_set_address: 00 05 02 ADDR
                      [ "$(od -An -tx1 -j "$prog" -N3 "$tmp/bad.wasm" | tr -d ' ')" = 000502 ] \
                          || fail "dbg.c's line program does not open with DW_LNE_set_address"
                      patch "$tmp/bad.wasm" $((prog + 1)) 7f; off=$prog; want="malformed.*extended" ;;
        esac
        if ! "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err"; then
            fail "$case: forksize instrument failed: $(tail -2 "$tmp/err")"
            continue
        fi
        warned "$tmp/err" .debug_line "dropped: $want"
        warned "$tmp/err" .debug_line "at file offset $(printf '0x%x' "$off"):"
        sections "$tmp/out.wasm" > "$tmp/out.sec"
        if grep -qx .debug_line "$tmp/out.sec"; then fail "$case: .debug_line still in the output"; fi
        "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" || fail "$case: output invalid"
        note "$case: $(grep 'warning: .debug_line' "$tmp/err" | sed 's/.*warning: //')"
    done
}

case ${1:-} in
    sections) mode_sections ;;
    malformed) mode_malformed ;;
    lines) mode_lines ;;
    ruby) mode_ruby ;;
    selftest) mode_selftest ;;
    *) echo "usage: debug.sh sections|lines|ruby|malformed|selftest" >&2; exit 2 ;;
esac
t_done
