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
#       Without a flag, DWARF 4: .debug_line, .debug_info, .debug_loc and
#       .debug_ranges are rewritten (present, changed, no warning;
#       llvm-dwarfdump-14 --verify finds no error; "lines" checks them),
#       .debug_abbrev and .debug_str kept byte for byte.  DWARF 5 the same
#       with .debug_addr, .debug_rnglists and .debug_loclists rewritten and
#       .debug_str_offsets and .debug_line_str kept.
#       DWARF 4 without .debug_line (llvm-objcopy-14 removes it): .debug_info
#       is still rewritten (infocheck --strict), the verifier's complaints
#       (a stmt_list naming nothing) are the input's;
#       sourceMappingURL is kept with a warning that its map is stale; the
#       warnings appear with -q too.  --keep-stale-debug changes neither
#       output (everything was rewritten; malformed5 checks what it keeps).
#       The outputs pass wasm-validate and both Binaryens
#       read them (wasm-opt 108 and 132, which validate on read; 132 also
#       writes the rewritten DWARF back with -g).
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
#       Then infocheck.mjs --strict: every code address of .debug_info and
#       its lists (low_pc, high_pc, ranges, location lists) on the same
#       instruction of the same function, stmt_list on the new line table,
#       for DWARF 4 and for DWARF 5 (whose list offsets move: each maps
#       one to one, in order), with dbg.c's exact counts for DWARF 5.
#   progs5
#       The C programs of tests/runtime built with -gdwarf-5 against
#       wasi-libc (DWARF 4 units too): no debug section warned about,
#       --verify clean, linecheck and infocheck --strict pass.
#   malformed5
#       dbg.c at DWARF 5 with .debug_rnglists' unit_length past the section,
#       one byte short (a list without its end), its offset count 0 (every
#       rnglistx index past it), and with .debug_addr cut to its header: the .debug_info family
#       dropped, one warning naming the section and the exact file offset;
#       with --keep-stale-debug the family is kept, each section "stale".
#   ruby
#       The same checks on the corpus module ruby (full DWARF, 422,660 rows
#       in 9,774 functions; infocheck without --strict, since Binaryen made
#       its DWARF and some addresses are no instruction's start), and
#       llvm-dwarfdump --verify finds the same errors, kind by kind, in the
#       output as in the input; prints the time of each step.  A missing
#       corpus module fails the test (tests/lib/lib.sh: never a skip).
#   malformed
#       dbg.c's .debug_line broken four ways (unit_length past the section,
#       version 9, 64-bit DWARF, an extended opcode's length past the
#       table): forksize instrument still writes a valid module, exit 0,
#       without .debug_line, and one warning names the section, the kind
#       (malformed, or cannot rewrite) and the exact file offset.  Then its
#       .debug_info's unit_length past the section: .debug_info goes with
#       its lists and the sections only it reads, each warned about, the
#       offset named; .debug_line is still rewritten.
#   selftest
#       the checks of "sections" reject a doctored output (a .debug_line
#       copied through stale) and a missing warning; linecheck and
#       infocheck reject an output whose .debug_line and .debug_info are the
#       input's (put back with llvm-objcopy-14), as forksize wrote it before;
#       infocheck rejects a DWARF 5 output with the input's .debug_addr,
#       .debug_rnglists or .debug_loclists put back.
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
. "$(dirname "${BASH_SOURCE[0]}")/../runtime/wasm_flags.sh"
t_init debug
note() { echo "debug: $*"; }

ROOT=import:env.fork
# What forksize does with each section of dbg.c's build (checked, so that
# a change of clang's output is noticed rather than silently testing
# less).  DWARF 4 (-g) and DWARF 5 (-gdwarf-5): everything rewritten or
# kept.
V4_REWRITTEN=".debug_line .debug_info .debug_loc .debug_ranges"
V4_KEPT=".debug_abbrev .debug_str"
V4_DROPPED=""
V5_REWRITTEN=".debug_line .debug_info .debug_loclists .debug_rnglists .debug_addr"
V5_KEPT=".debug_line_str .debug_str .debug_abbrev .debug_str_offsets"
V5_DROPPED=""
# DWARF 5 whose .debug_rnglists is broken (debug.sh malformed), with
# --keep-stale-debug: what would be dropped is kept as it was, with a stale
# warning for each section that holds addresses; .debug_line is rewritten
V5_STALE=".debug_info .debug_loclists .debug_rnglists .debug_addr"
V5_STALE_KEPT=".debug_line_str .debug_str .debug_abbrev .debug_str_offsets"
V5_STALE_REWRITTEN=".debug_line"

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

# check_sections IN OUT ERR VARIANT: OUT's debug sections as VARIANT (v4,
# v5, or v5stale: v5 with --keep-stale-debug) says, and the warnings in ERR.
check_sections() {
    local in=$1 out=$2 err=$3 variant=$4 s rewritten kept dropped stale=""
    case $variant in
        v4) rewritten=$V4_REWRITTEN kept=$V4_KEPT dropped=$V4_DROPPED ;;
        v5) rewritten=$V5_REWRITTEN kept=$V5_KEPT dropped=$V5_DROPPED ;;
        v5stale) rewritten=$V5_STALE_REWRITTEN kept=$V5_STALE_KEPT dropped="" stale=$V5_STALE ;;
    esac
    sections "$in" > "$tmp/in.sec"
    sections "$out" > "$tmp/out.sec"
    for s in $rewritten $kept $dropped $stale sourceMappingURL; do
        grep -qx -- "$s" "$tmp/in.sec" || fail "the fixture lacks $s: clang-14's output changed"
    done
    [ "$(grep -c '^\.debug_' "$tmp/in.sec")" = "$(echo $rewritten $kept $dropped $stale | wc -w)" ] \
        || fail "the fixture has debug sections this test does not list: $(grep '^\.debug_' "$tmp/in.sec" | tr '\n' ' ')"
    for s in $kept $stale; do
        payload "$in" "$s" "$tmp/p.in"
        payload "$out" "$s" "$tmp/p.out"
        [ -s "$tmp/p.out" ] || { fail "$variant: $s missing from the output"; continue; }
        cmp -s "$tmp/p.in" "$tmp/p.out" || fail "$variant: $s changed"
    done
    for s in $stale; do warned "$err" "$s" "kept as it was, stale (--keep-stale-debug): "; done
    for s in $dropped; do
        if grep -qx -- "$s" "$tmp/out.sec"; then fail "$s is still in the output"; fi
        warned "$err" "$s" "dropped: "
    done
    for s in $rewritten; do
        # rewritten: present, different, no warning (the oracle reads it below)
        grep -qx -- "$s" "$tmp/out.sec" || fail "$s missing: it should be rewritten"
        payload "$in" "$s" "$tmp/p.in"
        payload "$out" "$s" "$tmp/p.out"
        if cmp -s "$tmp/p.in" "$tmp/p.out"; then fail "$s copied as it was (stale)"; fi
        if grep -q "warning: $s: " "$err"; then fail "$s rewritten yet warned about"; fi
    done
    for s in $kept; do
        if grep -q "warning: $s: " "$err"; then fail "$s kept yet warned about"; fi
    done
    "$LLVM_DWARFDUMP" --debug-line "$out" > "$tmp/dl.txt" 2> "$tmp/dl.err" \
        || fail "llvm-dwarfdump-14 --debug-line fails on the output"
    if [ -s "$tmp/dl.err" ]; then fail "llvm-dwarfdump-14 complains: $(head -3 "$tmp/dl.err")"; fi
    # the oracle's own consistency checks (line tables, DIE ranges,
    # lists); a stale .debug_info is not expected to pass them
    if [ -z "$stale" ]; then
        "$LLVM_DWARFDUMP" --verify "$out" > "$tmp/verify.txt" 2>&1 \
            || fail "$variant: llvm-dwarfdump-14 --verify finds errors: $(grep -m3 error: "$tmp/verify.txt")"
    fi
    grep -qx sourceMappingURL "$tmp/out.sec" || fail "sourceMappingURL dropped"
    warned "$err" sourceMappingURL "source map .* stale"
}

mode_sections() {
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed: $(cat "$tmp/err")"
    check_sections "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/err" v4
    readable "$tmp/out.wasm"
    "$FORKSIZE" instrument -q "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/outq.wasm" 2> "$tmp/errq" \
        || fail "forksize instrument -q failed"
    cmp -s "$tmp/out.wasm" "$tmp/outq.wasm" || fail "-q changed the output"
    check_sections "$tmp/dbg.wasm" "$tmp/outq.wasm" "$tmp/errq" v4
    # DWARF 4: forksize rewrites every section, so the flag changes nothing
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --keep-stale-debug --root "$ROOT" -o "$tmp/outk.wasm" \
        2> "$tmp/errk" || fail "forksize instrument --keep-stale-debug failed"
    cmp -s "$tmp/out.wasm" "$tmp/outk.wasm" || fail "DWARF 4: --keep-stale-debug changed the output"
    build_fixture "$tmp/dbg5.wasm" -gdwarf-5
    "$FORKSIZE" instrument "$tmp/dbg5.wasm" --root "$ROOT" -o "$tmp/out5.wasm" 2> "$tmp/err5" \
        || fail "forksize instrument failed (DWARF 5): $(cat "$tmp/err5")"
    check_sections "$tmp/dbg5.wasm" "$tmp/out5.wasm" "$tmp/err5" v5
    readable "$tmp/out5.wasm"
    "$FORKSIZE" instrument "$tmp/dbg5.wasm" --keep-stale-debug --root "$ROOT" -o "$tmp/outk.wasm" \
        2> "$tmp/errk" || fail "forksize instrument --keep-stale-debug failed (DWARF 5)"
    cmp -s "$tmp/out5.wasm" "$tmp/outk.wasm" || fail "DWARF 5: --keep-stale-debug changed the output"
    # .debug_info without .debug_line (llvm-objcopy removes it): still
    # rewritten, DW_AT_stmt_list left naming nothing, as in the input
    local objcopy=${LLVM_DWARFDUMP%dwarfdump-14}objcopy-14
    "$objcopy" --remove-section=.debug_line "$tmp/dbg.wasm" "$tmp/noline.wasm" \
        || fail "$objcopy cannot remove .debug_line"
    "$FORKSIZE" instrument "$tmp/noline.wasm" --root "$ROOT" -o "$tmp/outn.wasm" 2> "$tmp/errn" \
        || fail "forksize instrument failed (no .debug_line): $(cat "$tmp/errn")"
    if grep -q "warning: .debug_info" "$tmp/errn"; then fail "no .debug_line: $(grep .debug_info "$tmp/errn")"; fi
    infocheck "$tmp/noline.wasm" "$tmp/outn.wasm" --strict
    "$LLVM_DWARFDUMP" --verify "$tmp/noline.wasm" 2>&1 | grep error: | sort > "$tmp/vn.in" || true
    "$LLVM_DWARFDUMP" --verify "$tmp/outn.wasm" 2>&1 | grep error: | sort > "$tmp/vn.out" || true
    cmp -s "$tmp/vn.in" "$tmp/vn.out" || fail "no .debug_line: the verifier's errors changed: $(diff "$tmp/vn.in" "$tmp/vn.out" | head -3)"
    note "warnings: $(grep -c warning "$tmp/err") (DWARF 4), $(grep -c warning "$tmp/err5") (DWARF 5)"
}

mode_selftest() {
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed"
    # a stale output, as forksize wrote it before it handled DWARF: the
    # output with the input's .debug_line and .debug_info put back
    local objcopy=${LLVM_DWARFDUMP%dwarfdump-14}objcopy-14
    "$objcopy" --dump-section=.debug_line="$tmp/line.bin" --dump-section=.debug_info="$tmp/info.bin" \
        "$tmp/dbg.wasm" "$tmp/junk.wasm" || fail "$objcopy cannot dump sections"
    "$objcopy" --remove-section=.debug_line --remove-section=.debug_info "$tmp/out.wasm" "$tmp/cut.wasm" &&
    "$objcopy" --add-section=.debug_line="$tmp/line.bin" --add-section=.debug_info="$tmp/info.bin" \
        "$tmp/cut.wasm" "$tmp/outk.wasm" || fail "$objcopy cannot make the stale output"
    # a stale output passed off as rewritten, and a warning gone missing
    grep -v "warning: sourceMappingURL: " "$tmp/err" > "$tmp/err.doctored" || true
    local base=$T_FAILS
    ( t_init inner; check_sections "$tmp/dbg.wasm" "$tmp/outk.wasm" "$tmp/err" v4 > "$tmp/st1" 2>&1; t_done ) \
        && fail "selftest: a stale .debug_line passed" || ok
    ( t_init inner; check_sections "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/err.doctored" v4 > "$tmp/st2" 2>&1; t_done ) \
        > /dev/null && fail "selftest: a missing warning passed" || ok
    grep -q "\.debug_line \(is still in the output\|copied as it was\)" "$tmp/st1" \
        || fail "selftest: the stale copy was caught, but not for .debug_line: $(head -3 "$tmp/st1")"
    grep -q "sourceMappingURL: 0 warnings" "$tmp/st2" || fail "selftest: the missing warning was not the failure: $(head -3 "$tmp/st2")"
    # linecheck on a stale copy of the line table must fail
    "$LLVM_DWARFDUMP" --debug-line "$tmp/dbg.wasm" > "$tmp/in.lines"
    "$LLVM_DWARFDUMP" --debug-line "$tmp/outk.wasm" > "$tmp/stale.lines"
    if "$NODE" "$FI_SRC/linecheck.mjs" "$tmp/dbg.wasm" "$tmp/in.lines" "$tmp/outk.wasm" \
        "$tmp/stale.lines" > "$tmp/lc.out" 2> "$tmp/lc.err"; then
        fail "selftest: linecheck accepts the stale line table"
    else
        ok "linecheck rejects the stale table: $(head -1 "$tmp/lc.err")"
    fi
    # infocheck on a stale .debug_info must fail
    "$LLVM_DWARFDUMP" --debug-info "$tmp/dbg.wasm" > "$tmp/in.info"
    "$LLVM_DWARFDUMP" --debug-info "$tmp/outk.wasm" > "$tmp/stale.info"
    if "$NODE" "$FI_SRC/infocheck.mjs" "$tmp/dbg.wasm" "$tmp/in.info" "$tmp/outk.wasm" \
        "$tmp/stale.info" --strict > "$tmp/ic.out" 2> "$tmp/ic.err"; then
        fail "selftest: infocheck accepts the stale .debug_info"
    else
        ok "infocheck rejects the stale .debug_info: $(head -1 "$tmp/ic.err")"
    fi
    # DWARF 5: the output with the input's .debug_addr and lists put back
    # (the rewritten .debug_info kept) must fail infocheck
    build_fixture "$tmp/dbg5.wasm" -gdwarf-5
    "$FORKSIZE" instrument -q "$tmp/dbg5.wasm" --root "$ROOT" -o "$tmp/out5.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed (DWARF 5)"
    local sec
    for sec in .debug_addr .debug_rnglists .debug_loclists; do
        "$objcopy" --dump-section=$sec="$tmp/sec.bin" "$tmp/dbg5.wasm" "$tmp/junk.wasm" &&
        "$objcopy" --remove-section=$sec "$tmp/out5.wasm" "$tmp/cut.wasm" &&
        "$objcopy" --add-section=$sec="$tmp/sec.bin" "$tmp/cut.wasm" "$tmp/stale5.wasm" \
            || { fail "$objcopy cannot put $sec back"; continue; }
        "$LLVM_DWARFDUMP" --debug-info "$tmp/dbg5.wasm" > "$tmp/in.info"
        "$LLVM_DWARFDUMP" --debug-info "$tmp/stale5.wasm" > "$tmp/stale.info" 2> /dev/null || true
        if "$NODE" "$FI_SRC/infocheck.mjs" "$tmp/dbg5.wasm" "$tmp/in.info" "$tmp/stale5.wasm" \
            "$tmp/stale.info" --strict > "$tmp/ic.out" 2> "$tmp/ic.err"; then
            fail "selftest: infocheck accepts the input's $sec (DWARF 5)"
        else
            ok "infocheck rejects the input's $sec: $(head -1 "$tmp/ic.err")"
        fi
    done
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

# infocheck IN OUT [--strict]: llvm-dwarfdump-14 --debug-info on both, then
# infocheck.mjs.
infocheck() {
    "$LLVM_DWARFDUMP" --debug-info "$1" > "$tmp/in.info" 2> "$tmp/dd.err" \
        || fail "llvm-dwarfdump-14 --debug-info fails on $1: $(head -3 "$tmp/dd.err")"
    "$LLVM_DWARFDUMP" --debug-info "$2" > "$tmp/out.info" 2> "$tmp/dd.err" \
        || fail "llvm-dwarfdump-14 --debug-info fails on $2: $(head -3 "$tmp/dd.err")"
    "$NODE" "$FI_SRC/infocheck.mjs" "$1" "$tmp/in.info" "$2" "$tmp/out.info" ${3:+"$3"} \
        > "$tmp/ic.out" 2> "$tmp/ic.err" || { cat "$tmp/ic.err" >&2; fail "infocheck failed"; return; }
    cat "$tmp/ic.out"
    rm -f "$tmp/in.info" "$tmp/out.info"
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
    # .debug_info 5 with .debug_addr and the re-encoded lists, every
    # address on its instruction; the counts are dbg.c's: 7 function starts
    # (work's and helper's low_pc, the CU's two ranges, the three location
    # lists opening at work's first byte), 4 ends (two high_pc, two ranges),
    # 8 list offsets (2 rnglistx, 4 loclistx, the two *_base)
    infocheck "$tmp/dbg.wasm" "$tmp/out.wasm" --strict > "$tmp/ic5.txt"
    cat "$tmp/ic5.txt"
    grep -q "(7 function starts, 4 function ends, 0 not on the same opcode byte, 0 between functions);.* 1 stmt_list; 8 list offsets; 0 call_pc in their function$" \
        "$tmp/ic5.txt" || fail "DWARF 5: infocheck's counts are not dbg.c's: $(cat "$tmp/ic5.txt")"
    # then the default (DWARF 4, as ruby has it), against the golden file
    build_fixture "$tmp/dbg.wasm"
    "$FORKSIZE" instrument -q "$tmp/dbg.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument failed"
    linecheck "$tmp/dbg.wasm" "$tmp/out.wasm" "$tmp/rows.raw"
    infocheck "$tmp/dbg.wasm" "$tmp/out.wasm" --strict
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
    local module=$corpus_dir/ruby.wasm t0 t1 t2 t3 t4
    t_module "$module"
    t0=$(date +%s.%N)
    "$FORKSIZE" instrument -q "$module" --root 'import:*' -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "forksize instrument ruby failed: $(tail -3 "$tmp/err")"
    t1=$(date +%s.%N)
    if grep -q "warning: .debug_" "$tmp/err"; then fail "a debug section not rewritten: $(grep warning: "$tmp/err")"; fi
    linecheck "$module" "$tmp/out.wasm"
    t2=$(date +%s.%N)
    infocheck "$module" "$tmp/out.wasm"
    t3=$(date +%s.%N)
    # ruby's DWARF (Binaryen-processed) already fails llvm-dwarfdump's
    # verifier 33,414 times; the output must fail it the same way, kind by
    # kind, and no more
    "$LLVM_DWARFDUMP" --verify "$module" > "$tmp/v.in" 2>&1 || true
    "$LLVM_DWARFDUMP" --verify "$tmp/out.wasm" > "$tmp/v.out" 2>&1 || true
    grep 'error:' "$tmp/v.in" | sed 's/0x[0-9a-f]*/X/g' | sort | uniq -c > "$tmp/v.in.kinds" || true
    grep 'error:' "$tmp/v.out" | sed 's/0x[0-9a-f]*/X/g' | sort | uniq -c > "$tmp/v.out.kinds" || true
    if diff "$tmp/v.in.kinds" "$tmp/v.out.kinds" > "$tmp/v.diff"; then
        ok "llvm-dwarfdump --verify: the same $(grep -c error: "$tmp/v.out" || true) errors as the input's, kind by kind"
    else
        cat "$tmp/v.diff"
        fail "llvm-dwarfdump --verify finds other errors in the output than in the input"
    fi
    t4=$(date +%s.%N)
    note "$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" 'BEGIN { printf "forksize instrument %.1f s; dwarfdump x2 + linecheck %.1f s; infocheck %.1f s; verify %.1f s", b - a, c - b, d - c, e - d }')"
}

# patch FILE OFFSET HEXBYTES: overwrite bytes at OFFSET.
patch() {
    printf "$(sed 's/\(..\)/\\x\1/g' <<< "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

mode_malformed() {
    build_fixture "$tmp/dbg.wasm"
    "$WASM_OBJDUMP" -h "$tmp/dbg.wasm" > "$tmp/h.txt"
    local start data prog case off want istart idata
    start=$(grep '".debug_line"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    istart=$(grep '".debug_info"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    idata=$((16#$istart + 1 + 11))
    data=$((16#$start + 1 + 11))        # after the name (1-byte length + ".debug_line")
    # the program: after unit_length (4), version (2), header_length (4) and the header
    prog=$(od -An -tu4 -j $((data + 6)) -N4 "$tmp/dbg.wasm" | tr -d ' ')
    prog=$((data + 10 + prog))
    for case in length version dwarf64 extended info; do
        cp "$tmp/dbg.wasm" "$tmp/bad.wasm"
        case $case in
            length)   patch "$tmp/bad.wasm" "$data" 00ffff7f; off=$data; want="malformed.*unit_length" ;;
            version)  patch "$tmp/bad.wasm" $((data + 4)) 0900; off=$((data + 4)); want="forksize cannot rewrite.*version" ;;
            dwarf64)  patch "$tmp/bad.wasm" "$data" ffffffff; off=$data; want="forksize cannot rewrite.*64-bit" ;;
            extended) # the program opens with DW_LNE_set_address: 00 05 02 ADDR
                      [ "$(od -An -tx1 -j "$prog" -N3 "$tmp/bad.wasm" | tr -d ' ')" = 000502 ] \
                          || fail "dbg.c's line program does not open with DW_LNE_set_address"
                      patch "$tmp/bad.wasm" $((prog + 1)) 7f; off=$prog; want="malformed.*extended" ;;
            info)     # .debug_info's unit_length past its end: the line table stays
                      patch "$tmp/bad.wasm" "$idata" 00ffff7f
                      "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
                          || { fail "info: forksize instrument failed: $(tail -2 "$tmp/err")"; continue; }
                      warned "$tmp/err" .debug_info "dropped: malformed at file offset $(printf '0x%x' "$idata"): compile unit"
                      for s in .debug_loc .debug_ranges .debug_abbrev .debug_str; do warned "$tmp/err" "$s" "dropped"; done
                      if grep -q "warning: .debug_line" "$tmp/err"; then fail "info: .debug_line warned about"; fi
                      "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" || fail "info: output invalid"
                      note "info: $(grep 'warning: .debug_info' "$tmp/err" | sed 's/.*warning: //')"
                      continue ;;
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

# DWARF 5: dbg.c built with -gdwarf-5, its .debug_rnglists unit_length
# past the section, and its .debug_addr cut to a header (every addrx index
# past it).  Each time the .debug_info family is dropped, warned about with
# the section and the offset, .debug_line still rewritten, the module
# valid; with --keep-stale-debug the family is kept as it was, each section
# in a "stale" warning.
mode_malformed5() {
    build_fixture "$tmp/dbg5.wasm" -gdwarf-5
    "$WASM_OBJDUMP" -h "$tmp/dbg5.wasm" > "$tmp/h.txt"
    local rstart rdata istart idata objcopy=${LLVM_DWARFDUMP%dwarfdump-14}objcopy-14 s
    rstart=$(grep '".debug_rnglists"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    rdata=$((16#$rstart + 1 + 15))       # after the name (1-byte length + ".debug_rnglists")
    cp "$tmp/dbg5.wasm" "$tmp/bad.wasm"
    patch "$tmp/bad.wasm" "$rdata" 00ffff7f
    "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "rnglists: forksize instrument failed: $(tail -2 "$tmp/err")"
    warned "$tmp/err" .debug_info "dropped: malformed at file offset $(printf '0x%x' "$rdata"): a .debug_rnglists unit's length"
    for s in .debug_rnglists .debug_loclists .debug_addr .debug_abbrev .debug_str_offsets; do
        warned "$tmp/err" "$s" "dropped"
    done
    if grep -q "warning: .debug_line" "$tmp/err"; then fail "rnglists: .debug_line warned about"; fi
    sections "$tmp/out.wasm" > "$tmp/out.sec"
    if grep -qx .debug_rnglists "$tmp/out.sec"; then fail "rnglists: .debug_rnglists still in the output"; fi
    "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" || fail "rnglists: output invalid"
    note "rnglists: $(grep 'warning: .debug_info' "$tmp/err" | sed 's/.*warning: //')"
    "$FORKSIZE" instrument "$tmp/bad.wasm" --keep-stale-debug --root "$ROOT" -o "$tmp/outk.wasm" \
        2> "$tmp/errk" || fail "forksize instrument --keep-stale-debug failed (DWARF 5)"
    check_sections "$tmp/bad.wasm" "$tmp/outk.wasm" "$tmp/errk" v5stale
    readable "$tmp/outk.wasm"
    # the unit one byte shorter: its last list loses its end_of_list,
    # named at the unit's new end
    local len
    len=$(od -An -tu4 -j "$rdata" -N4 "$tmp/dbg5.wasm" | tr -d ' ')
    cp "$tmp/dbg5.wasm" "$tmp/bad.wasm"
    patch "$tmp/bad.wasm" "$rdata" "$(printf '%08x' $((len - 1)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')"
    "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "rnglists cut: forksize instrument failed: $(tail -2 "$tmp/err")"
    warned "$tmp/err" .debug_info "dropped: malformed at file offset $(printf '0x%x' $((rdata + 4 + len - 1))): a .debug_rnglists list has no end_of_list"
    note "rnglists cut: $(grep 'warning: .debug_info' "$tmp/err" | sed 's/.*warning: //')"
    # its offset_entry_count 0: the DIEs' rnglistx indexes name nothing
    cp "$tmp/dbg5.wasm" "$tmp/bad.wasm"
    patch "$tmp/bad.wasm" $((rdata + 8)) 00000000
    "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "rnglistx: forksize instrument failed: $(tail -2 "$tmp/err")"
    # named at the CU's DW_AT_ranges: unit header 12 bytes, abbreviation
    # code 1, then producer (strx1), language (data2), name (strx1),
    # str_offsets_base and stmt_list (sec_offset), comp_dir (strx1),
    # low_pc (addr): 0xc + 1 + 1 + 2 + 1 + 4 + 4 + 1 + 4 = 0x1e
    [ "$("$LLVM_DWARFDUMP" --debug-info "$tmp/dbg5.wasm" | sed -n '/^0x0000000c:/,/DW_AT_ranges/p' | grep -o 'DW_AT_[a-z_]*' | tr '\n' ' ')" = \
      "DW_AT_producer DW_AT_language DW_AT_name DW_AT_str_offsets_base DW_AT_stmt_list DW_AT_comp_dir DW_AT_low_pc DW_AT_ranges " ] \
        || fail "dbg.c's compile unit DIE has other attributes before DW_AT_ranges: clang-14's output changed"
    "$WASM_OBJDUMP" -h "$tmp/dbg5.wasm" > "$tmp/h.txt"
    istart=$(grep '".debug_info"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    warned "$tmp/err" .debug_info "dropped: malformed at file offset $(printf '0x%x' $((16#$istart + 1 + 11 + 0x1e))): a rnglistx index past the unit's .debug_rnglists offsets"
    "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" || fail "rnglistx: output invalid"
    note "rnglistx: $(grep 'warning: .debug_info' "$tmp/err" | sed 's/.*warning: //')"
    # .debug_addr cut to its 8-byte header (unit_length 4, version 5,
    # address size 4, no segment): the first address index is work's
    # low_pc, the first attribute of the DIE at 0x2b (llvm-dwarfdump
    # --debug-info), after its 1-byte abbreviation code
    [ "$("$LLVM_DWARFDUMP" --debug-info "$tmp/dbg5.wasm" | grep -A1 '^0x0000002b:' | tail -1 | tr -s ' \t' ' ')" = " DW_AT_low_pc (0x00000002)" ] \
        || fail "dbg.c's DIE at 0x2b does not open with work's low_pc: clang-14's output changed"
    printf '\004\000\000\000\005\000\004\000' > "$tmp/addr.bin"
    "$objcopy" --remove-section=.debug_addr "$tmp/dbg5.wasm" "$tmp/cut.wasm" &&
    "$objcopy" --add-section=.debug_addr="$tmp/addr.bin" "$tmp/cut.wasm" "$tmp/bad.wasm" \
        || fail "$objcopy cannot replace .debug_addr"
    "$WASM_OBJDUMP" -h "$tmp/bad.wasm" > "$tmp/h.txt"
    istart=$(grep '".debug_info"$' "$tmp/h.txt" | sed 's/.*start=0x\([0-9a-f]*\).*/\1/')
    idata=$((16#$istart + 1 + 11))
    "$FORKSIZE" instrument "$tmp/bad.wasm" --root "$ROOT" -o "$tmp/out.wasm" 2> "$tmp/err" \
        || fail "addr: forksize instrument failed: $(tail -2 "$tmp/err")"
    warned "$tmp/err" .debug_info "dropped: malformed at file offset $(printf '0x%x' $((idata + 0x2c))): an address index past the end of .debug_addr"
    for s in .debug_rnglists .debug_loclists .debug_addr; do warned "$tmp/err" "$s" "dropped"; done
    if grep -q "warning: .debug_line" "$tmp/err"; then fail "addr: .debug_line warned about"; fi
    "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" || fail "addr: output invalid"
    note "addr: $(grep 'warning: .debug_info' "$tmp/err" | sed 's/.*warning: //')"
}

# The C programs of tests/runtime (their fork closures instrumented), built
# with -gdwarf-5 and linked with wasi-libc (whose own units are DWARF 4, so
# both kinds meet in one module): forksize instrument warns about no debug
# section; llvm-dwarfdump-14 --verify finds no error in the output;
# linecheck and infocheck --strict pass.
mode_progs5() {
    local src p flags n=0
    for src in "$FI_SRC"/../runtime/progs/*.c; do
        p=$(basename "$src" .c)
        flags=$(wasm_flags "$p")   # the features tests/runtime/build.sh gives them
        # shellcheck disable=SC2086  # flags is a word list on purpose
        "$CLANG" --target=wasm32-wasi -std=c11 -O2 -gdwarf-5 -mmutable-globals $flags -c "$src" \
            -o "$tmp/$p.o" || { fail "$p: clang-14 failed"; continue; }
        "$CLANG" --target=wasm32-wasi "$tmp/$p.o" -o "$tmp/$p.wasm" -Wl,--export=__stack_pointer \
            || { fail "$p: wasm-ld failed"; continue; }
        "$LLVM_DWARFDUMP" --debug-info "$tmp/$p.wasm" > "$tmp/v5.info"
        grep -q "version = 0x0005, unit_type = DW_UT_compile" "$tmp/v5.info" \
            || fail "$p: the build has no DWARF 5 unit"
        "$FORKSIZE" instrument -q "$tmp/$p.wasm" --root "$ROOT" -o "$tmp/$p.out.wasm" 2> "$tmp/err" \
            || { fail "$p: forksize instrument failed: $(tail -2 "$tmp/err")"; continue; }
        if grep -q "warning: .debug_" "$tmp/err"; then fail "$p: $(grep -m2 warning: "$tmp/err")"; fi
        "$LLVM_DWARFDUMP" --verify "$tmp/$p.out.wasm" > "$tmp/verify.txt" 2>&1 \
            || fail "$p: llvm-dwarfdump-14 --verify finds errors: $(grep -m3 error: "$tmp/verify.txt")"
        linecheck "$tmp/$p.wasm" "$tmp/$p.out.wasm" > "$tmp/lc5.txt"      # not in $( ): its
        infocheck "$tmp/$p.wasm" "$tmp/$p.out.wasm" --strict > "$tmp/ic5.txt"   # fail must count
        note "$p: $(head -1 "$tmp/lc5.txt")"
        note "$p: $(head -1 "$tmp/ic5.txt")"
        n=$((n + 1))
    done
    [ "$n" -ge 10 ] || fail "only $n programs checked"
}

case ${1:-} in
    sections) mode_sections ;;
    progs5) mode_progs5 ;;
    malformed5) mode_malformed5 ;;
    malformed) mode_malformed ;;
    lines) mode_lines ;;
    ruby) mode_ruby ;;
    selftest) mode_selftest ;;
    *) echo "usage: debug.sh sections|lines|ruby|malformed|malformed5|progs5|selftest" >&2; exit 2 ;;
esac
t_done
