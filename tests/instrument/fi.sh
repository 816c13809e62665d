#!/usr/bin/env bash
# fi.sh MODE ARGS - forkinstr (forksize instrument, --apply forkinstr|simulate)
# checked against WABT, Binaryen and hand-derived fixtures.
#
# MODES
#   exact MODULE [ROOT]
#       At each stage (naive, cse, live): `forksize instrument MODULE` (root
#       ROOT, default 'import:*') and `forksize --stats --apply forkinstr
#       --format csv`, then wasm-objdump -x (the oracle) on input and output.
#       Per function, with growth = (after + LEB(after)) - (before + LEB(before))
#       from WABT's body sizes:
#         label measured   growth == CSV total (dispatch included), and
#                          fixed + callsite + local <= total;
#         out of closure   growth == 0, and the body bytes are identical
#                          (same index in both modules: indices are kept);
#         label estimated  (refused) the output body is the input body with
#                          whole guards inserted and nothing else, at least
#                          one: guard = global.get $state; if; unreachable;
#                          end = 23 LEB($state) 04 40 00 0b, where $state is
#                          the first global after the input's (imported +
#                          defined); so growth == guards x guard size (+ the
#                          size-LEB growth).  Where the input itself holds the
#                          guard's bytes at the same point they are matched as
#                          original bytes first (a misalignment then fails:
#                          the check can be too strict, never too lax).
#       Module: exactly 5 more functions (function and code sections), at the
#       indices after the last one, exported as asyncify_start_unwind,
#       stop_unwind, start_rewind, stop_rewind, get_state in that order, the
#       last of which returns $state (00 23 LEB($state) 0b); the code section
#       grows by exactly the per-function growths + the 5 new bodies (with
#       their size LEBs) + the growth of the count LEB; the stderr summary
#       agrees with the CSV (closure size, instrumented + no-site = measured
#       rows, refused = estimated rows = "not instrumented" lines) and with
#       WABT (code BEFORE -> AFTER); so does the text report (--stats
#       --apply forkinstr): its code line's BEFORE -> AFTER, its "N of it
#       module-level and guards" (= code growth - measured totals), and the
#       guard bytes it reports (= the refused bodies' growth).
#       Stages: from naive to cse to live no function measured at both
#       stages may cost more, and the bytes added to the module (code
#       section growth, wasm-objdump -h) must not increase, unless a
#       function changed label (refused at cse, instrumented at live: its
#       real cost then replaces its guards; no fixture has one since
#       reference locals are saved).
#       Prints one line of numbers per stage.
#   simulate MODULE STAGE|all [ROOT]
#       At STAGE (all: each one): the CSV of --apply simulate equals the CSV
#       of --apply forkinstr but for the label column (measured <-> "exact (dry run)",
#       estimated and empty unchanged); the text reports' `code` lines are
#       the same but for the label, and their BEFORE -> AFTER are the code
#       section sizes of the input and of `forksize instrument`'s output
#       (wasm-objdump -h).
#   valid MODULE STAGE [ROOT]
#       The output at STAGE passes wasm-validate --enable-all and Binaryen's
#       validator (wasm-opt --all-features OUT, which validates on read; no
#       -o: Binaryen 108 cannot *write* a module with DWARF and multi-value
#       blocks, which ruby's output is, and writing is not the question).
#       Binaryen must accept every output, with one listed exception
#       (bn_cannot_read below): fixtures/params.wat, because Binaryen 108
#       reads no block with params; for it, Binaryen must reject the input
#       and the output with exactly the listed message (offsets aside).  (The
#       corpus needs no such exception: Binaryen 108 reads php_8_3, whose
#       exception handling included, and every output.)
#   refusal       fixtures/refuse.wat: reasons, guards (wasm-objdump -d), validity
#   module_refusal  no memory: exit 4, nothing written; -o never
#                 overwrites the input (exit 2)
#   hand          fixtures/hand.wat: the per-term bytes and $f's whole body,
#                 derived by hand in the fixture's comments
#   normal_path   fixtures/shapes.wat: the normal-path instructions of
#                 $leaf, $arms, $loop and $switch as its comments derive them, the
#                 totals as their sums, the same in CSV and in the text line
#   selftest      the exact checks reject a doctored CSV, doctored bodies and
#                 a doctored text report
#
# MODULE: a corpus name ($FORKSIZE_CORPUS_DIR/NAME.wasm), a .wasm path, or a
# .wat path (assembled with wat2wasm --enable-exceptions --debug-names).
# Environment (tests/CMakeLists.txt): FORKSIZE, WAT2WASM, WASM_OBJDUMP,
# WASM_VALIDATE, WASM_OPT, FORKSIZE_CORPUS_DIR; FIBYTES (fibytes.c), FI_SRC
# (this folder).  Exit status 0 pass, 1 fail, 2 usage.  The helpers and the
# per-stage checks of mode exact are in checks.sh (sourced).
set -euo pipefail
export LC_ALL=C

FORKSIZE=${FORKSIZE:-forksize}
WAT2WASM=${WAT2WASM:-wat2wasm}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
WASM_VALIDATE=${WASM_VALIDATE:-wasm-validate}
WASM_OPT=${WASM_OPT:-wasm-opt}
FIBYTES=${FIBYTES:-fibytes}
FI_SRC=${FI_SRC:-$(cd "$(dirname "$0")" && pwd)}
corpus_dir=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
STAGES="naive cse live"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-fi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
t_init fi --fatal
note() { echo "fi: $*"; }

. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

mode_exact() {
    resolve "$1"
    local root=${2:-import:*} st t0 t1 prev="" name
    name=$(basename "$module" .wasm)
    : > "$tmp/numbers"
    rm -f "$tmp/in.list"
    # trampoline is exact as well, but it is a trade (fewer tests on the
    # normal path for more bytes), so it is left out of the size order.
    for st in $STAGES trampoline; do
        t0=$(date +%s.%N)
        instrument "$module" "$tmp/out.wasm" "$st" "$root" "$tmp/err"
        run_fs "$tmp/fi.csv" "$tmp/csv.err" --stats "$module" --root "$root" --apply forkinstr --stages "$st" --format csv
        check_stage "$module" "$tmp/out.wasm" "$tmp/fi.csv" "$tmp/err" "$name $st"
        run_fs "$tmp/fi.txt" "$tmp/txt.err" --stats "$module" --root "$root" --apply forkinstr --stages "$st"
        check_text "$tmp/fi.txt" "$name $st"
        t1=$(date +%s.%N)
        note "$(tail -1 "$tmp/numbers") ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"
        awk -F'\t' '{ print $1, $6, $7 }' "$tmp/rows.tsv" > "$tmp/rows.$st"
        sed 's/.* added=\([0-9]*\) .*/\1/' <<< "$(tail -1 "$tmp/numbers")" > "$tmp/added.$st"
        # Stages are cumulative and only remove bytes: per function (measured
        # at both stages) and for the module, the bytes added must not grow.
        # A function refused at the earlier stage and instrumented at the
        # later one (live can save fewer locals, e.g. a dead externref) adds
        # its real cost there: then only the per-function check applies.
        if [ -n "$prev" ] && [ "$st" != trampoline ]; then
            awk -v a="$prev" -v b="$st" -v tag="$name" -v aa="$(cat "$tmp/added.$prev")" -v bb="$(cat "$tmp/added.$st")" '
            FNR == 1 { f++ }
            f == 1 { t[$1] = $2; l[$1] = $3; next }
            {
                if ($3 == "measured" && l[$1] == "measured") { both++; if ($2 > t[$1]) { if (up++ < 10) print "fi: " tag ": func[" $1 "] " a " " t[$1] " -> " b " " $2 > "/dev/stderr" } }
                if ($3 != l[$1]) changed++
            }
            END {
                if (up) { print "fi: " tag ": " up " functions cost more at " b " than at " a > "/dev/stderr"; exit 1 }
                if (!changed && bb > aa) { print "fi: " tag ": " b " adds " bb " bytes, more than " a " (" aa ")" > "/dev/stderr"; exit 1 }
                printf "fi: %s: %s -> %s: %d -> %d bytes added; %d functions instrumented at both, none costs more%s\n", tag, a, b, aa, bb, both, changed ? "; " changed " changed label (module total not compared)" : ""
            }' "$tmp/rows.$prev" "$tmp/rows.$st" || fail "$name: stage $st adds more than $prev"
        fi
        prev=$st
    done
    note "OK: exact at every stage; no stage up to live adds more than the one before"
}

# ---------------------------------------------------------------- simulate

mode_simulate() {
    resolve "$1"
    local stages=$2 root=${3:-import:*} st
    [ "$stages" != all ] || stages="$STAGES trampoline"
    headers "$module" "$tmp/in.h"
    local cin; cin=$(section "$tmp/in.h" Code size)
    for st in $stages; do
        run_fs "$tmp/a.csv" "$tmp/e" --stats "$module" --root "$root" --apply forkinstr --stages "$st" --format csv
        run_fs "$tmp/s.csv" "$tmp/e" --stats "$module" --root "$root" --apply simulate --stages "$st" --format csv
        # Same header; then every field equal but the label, which maps.
        head -1 "$tmp/a.csv" > "$tmp/ah"; head -1 "$tmp/s.csv" > "$tmp/sh"
        cmp -s "$tmp/ah" "$tmp/sh" || fail "$st: the CSV headers differ"
        local lab
        lab=$(tr ',' '\n' < "$tmp/ah" | grep -n '^label$' | cut -d: -f1)
        [ -n "$lab" ] || fail "no label column"
        csv_cols "$tmp/a.csv" $(tr ',' ' ' < "$tmp/ah") > "$tmp/a.tsv"
        csv_cols "$tmp/s.csv" $(tr ',' ' ' < "$tmp/sh") > "$tmp/s.tsv"
        [ "$(wc -l < "$tmp/a.tsv")" -gt 0 ] || fail "$st: empty CSV"
        paste -d '\n' "$tmp/a.tsv" "$tmp/s.tsv" | awk -F'\t' -v lab="$lab" -v st="$st" '
        NR % 2 { split($0, a, "\t"); n = NF; next }
        {
            if (NF != n) { print "fi: " st ": row " NR / 2 ": field counts differ" > "/dev/stderr"; bad++; next }
            for (i = 1; i <= n; i++) {
                if (i == lab) {
                    want = a[i] == "measured" ? "exact (dry run)" : a[i]
                    if (a[i] == "exact (dry run)") want = "-"   # never in forkinstr output
                    if ($i != want && bad++ < 20) print "fi: " st ": row " NR / 2 ": label \"" a[i] "\" -> \"" $i "\"" > "/dev/stderr"
                    labels[a[i]]++
                } else if ($i != a[i] && bad++ < 20)
                    print "fi: " st ": row " NR / 2 " field " i ": forkinstr \"" a[i] "\", simulate \"" $i "\"" > "/dev/stderr"
            }
        }
        END { if (!labels["measured"]) { print "fi: " st ": no measured row" > "/dev/stderr"; bad++ } exit bad > 0 }' ||
            fail "$st: simulate and forkinstr CSVs differ"

        run_fs "$tmp/a.txt" "$tmp/e" --stats "$module" --root "$root" --apply forkinstr --stages "$st" --format text --top 0
        run_fs "$tmp/s.txt" "$tmp/e" --stats "$module" --root "$root" --apply simulate --stages "$st" --format text --top 0
        local ca cs
        ca=$(grep -E '^code +[0-9]' "$tmp/a.txt" | sed 's/ *\[[^]]*\]$//')
        cs=$(grep -E '^code +[0-9]' "$tmp/s.txt" | sed 's/ *\[[^]]*\]$//')
        [ -n "$ca" ] || fail "$st: no code line in the text report"
        [ "$ca" = "$cs" ] || fail "$st: code lines differ: forkinstr '$ca', simulate '$cs'"
        grep -qE '^code .*\[measured\]$' "$tmp/a.txt" || fail "$st: forkinstr's code line is not labelled measured"
        grep -qE '^code .*\[exact \(dry run\)\]$' "$tmp/s.txt" || fail "$st: simulate's code line is not labelled exact (dry run)"
        instrument "$module" "$tmp/out.wasm" "$st" "$root" "$tmp/err"
        headers "$tmp/out.wasm" "$tmp/out.h"
        local cout b a
        cout=$(section "$tmp/out.h" Code size)
        read -r b a <<< "$(sed -E 's/^code +([0-9]+) -> ([0-9]+) bytes.*/\1 \2/' <<< "$ca")"
        [ "$b" = "$cin" ] && [ "$a" = "$cout" ] ||
            fail "$st: the code line says $b -> $a, WABT measures $cin -> $cout"
        note "$st: simulate = forkinstr ($(($(wc -l < "$tmp/a.tsv"))) rows); $ca"
    done
    note "OK: simulate equals forkinstr ($stages)"
}

# ---------------------------------------------------------------- valid

binaryen_ok() {   # FILE -> 0/1, message in $tmp/bn.err
    "$WASM_OPT" --all-features "$1" > /dev/null 2> "$tmp/bn.err"
}
# Binaryen's message without its "(at 0:OFFSET)", which differs between an
# input and its instrumented output.
bn_msg() { grep -v '^warning: ' "$tmp/bn.err" | sed 's/ *(at [0-9]*:[0-9]*)//' | head -3; }

# The only inputs Binaryen 108 may fail to read, by fixture name, with the
# message it must give for both the input and the output.
declare -A bn_cannot_read=(
    [params]="[parse exception: Block requires more values than are available]"
)

mode_valid() {
    local tag; tag=$(basename "$1"); tag=${tag%.wat}; tag=${tag%.wasm}
    resolve "$1"
    local st=$2 root=${3:-import:*} t0 t1 t2
    instrument "$module" "$tmp/out.wasm" "$st" "$root" "$tmp/err"
    t0=$(date +%s.%N)
    "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" > "$tmp/v.err" 2>&1 ||
        { head -20 "$tmp/v.err" >&2; fail "$st: wasm-validate --enable-all rejects the output"; }
    t1=$(date +%s.%N)
    if binaryen_ok "$tmp/out.wasm"; then
        t2=$(date +%s.%N)
        note "OK: $st output valid for WABT ($(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s) and Binaryen ($(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}') s)"
        return 0
    fi
    local outmsg; outmsg=$(bn_msg)
    local known=${bn_cannot_read[$tag]:-}
    if [ -z "$known" ]; then
        echo "$outmsg" >&2
        fail "$st: Binaryen rejects the output (and $tag is not a module Binaryen 108 is known not to read)"
    fi
    [ "$(head -1 <<< "$outmsg")" = "$known" ] ||
        fail "$st: Binaryen rejects the output with '$(head -1 <<< "$outmsg")', not the known '$known'"
    if binaryen_ok "$module"; then
        fail "$st: Binaryen rejects the output but accepts the input"
    fi
    local inmsg; inmsg=$(bn_msg)
    [ "$(head -1 <<< "$inmsg")" = "$known" ] ||
        fail "$st: Binaryen rejects the input with '$(head -1 <<< "$inmsg")', not the known '$known'"
    note "OK: $st output valid for WABT; Binaryen rejects $tag's input and output alike, as it is known to: $known"
}

# ---------------------------------------------------------------- refusal

EH_WHY='a fork inside a catch_all arm that rethrows, of a try that a delegate targets'
REF_WHY='a reference-typed value is on the operand stack at an unwind point (of a type no local or call_ref of the closure has)'

mode_refusal() {
    resolve "$FI_SRC/fixtures/refuse.wat"
    local st want
    for st in $STAGES; do
        instrument "$module" "$tmp/out.wasm" "$st" import:env.fork "$tmp/err"
        { echo "with_eh: $EH_WHY"; echo "with_ref: $REF_WHY"; } | sort > "$tmp/want"
        sed -n 's/^forksize: .*: not instrumented: //p' "$tmp/err" | sort > "$tmp/got"
        diff "$tmp/want" "$tmp/got" >&2 || fail "$st: refused functions and reasons (< wanted, > got)"
        "$WASM_VALIDATE" --enable-all "$tmp/out.wasm" >&2 || fail "$st: wasm-validate rejects the output"
        binaryen_ok "$tmp/out.wasm" || { bn_msg >&2; fail "$st: Binaryen rejects the output"; }
        run_fs "$tmp/r.csv" "$tmp/e" --stats "$module" --root import:env.fork --apply forkinstr --stages "$st" --format csv
        csv_cols "$tmp/r.csv" name label > "$tmp/labels"
        for want in with_eh with_ref; do
            grep -qx "$want	estimated" "$tmp/labels" || fail "$st: $want is not labelled estimated"
        done
        for want in leaf main ref_dead; do
            grep -qx "$want	measured" "$tmp/labels" || fail "$st: $want is not labelled measured"
        done
        # Guards, from the disassembly: the fixture has one imported and one
        # defined global, so $state is global 2.  In a refused function every
        # call to a closure member (fork, leaf, with_eh, with_ref, ref_dead)
        # is followed by global.get 2; if; unreachable; end, and no call to
        # env.log is; the guards per function are as refuse.wat counts them.
        "$WASM_OBJDUMP" -d "$tmp/out.wasm" > "$tmp/dis"
        awk -v st="$st" -v refused="with_eh with_ref" '
        function bad(m) { print "fi: " st ": " m > "/dev/stderr"; nbad++ }
        BEGIN {
            n = split(refused, r, " "); for (i = 1; i <= n; i++) isref[r[i]] = 1
            # by index (refuse.wat): 0 env.fork, 2 leaf, 3 with_eh, 4 with_ref,
            # 5 ref_dead unwind; 1 env.log does not
            split("0 2 3 4 5", u, " "); for (i in u) unw[u[i]] = 1
            want["with_eh"] = 3; want["with_ref"] = 1; want["ref_dead"] = 1
        }
        /^[0-9a-f]+ func\[[0-9]+\] <.*>:$/ { fn = $0; sub(/.*</, "", fn); sub(/>:$/, "", fn); ni = 0; next }
        /\|/ { ins = $0; sub(/^[^|]*\| */, "", ins); sub(/ +$/, "", ins); if (fn in isref) { body[fn, ++ni] = ins; cnt[fn] = ni } }
        END {
            for (f in isref) {
                if (!(f in cnt)) { bad("no function " f " in the disassembly"); continue }
                g = 0
                for (i = 1; i <= cnt[f]; i++) {
                    if (body[f, i] !~ /^call [0-9]+( |$)/) continue
                    callee = body[f, i]; sub(/^call /, "", callee); sub(/ .*/, "", callee)
                    guarded = body[f, i + 1] == "global.get 2" && body[f, i + 2] == "if" &&
                              body[f, i + 3] == "unreachable" && body[f, i + 4] == "end"
                    if (unw[callee] && !guarded) bad(f ": call to func[" callee "] without the guard after it")
                    if (!unw[callee] && body[f, i + 1] == "global.get 2") bad(f ": a guard after the call to func[" callee "], which cannot unwind")
                    g += guarded
                }
                if (g != want[f]) bad(f ": " g " guards, expected " want[f])
                total += g
            }
            print "fi: " st ": " total " guards in the refused functions"
            exit nbad > 0
        }' "$tmp/dis" || fail "$st: guards (above)"
        note "$st: refused and guarded as expected"
    done
    note "OK: refusal"
}

mode_module_refusal() {
    local d=$tmp/m st
    mkdir -p "$d"
    # No memory: refused whole, exit 4, nothing written.  (memory64 is
    # instrumented: tests/runtime/progs/mem64.wat runs it.)
    cat > "$d/nomem.wat" <<'EOF'
(module
  (import "env" "fork" (func $fork (result i32)))
  (func (export "f") (result i32) call $fork))
EOF
    "$WAT2WASM" "$d/nomem.wat" -o "$d/nomem.wasm"
    local m why
    for m in nomem; do
        why='needs a linear memory'
        mkdir -p "$d/out"
        st=0
        "$FORKSIZE" instrument "$d/$m.wasm" -o "$d/out/x.wasm" --root import:env.fork 2> "$d/err" || st=$?
        [ "$st" -eq 4 ] || { cat "$d/err" >&2; fail "$m: exit $st, expected 4"; }
        grep -q "^forksize: $d/$m.wasm: .*$why" "$d/err" || { cat "$d/err" >&2; fail "$m: no clear message ('$why')"; }
        [ -z "$(ls -A "$d/out")" ] || fail "$m: something was written: $(ls -A "$d/out")"
        # an existing OUT is left as it was
        echo keep > "$d/out/x.wasm"
        st=0
        "$FORKSIZE" instrument "$d/$m.wasm" -o "$d/out/x.wasm" --root import:env.fork 2> "$d/err" || st=$?
        [ "$st" -eq 4 ] || fail "$m: exit $st over an existing OUT, expected 4"
        [ "$(cat "$d/out/x.wasm")" = keep ] || fail "$m: the existing OUT was changed"
        [ "$(ls -A "$d/out")" = x.wasm ] || fail "$m: stray files: $(ls -A "$d/out")"
        rm -rf "$d/out"
        # --stats --apply forkinstr agrees: exit 4
        st=0
        "$FORKSIZE" --stats "$d/$m.wasm" --root import:env.fork --apply forkinstr > /dev/null 2> "$d/err" || st=$?
        [ "$st" -eq 4 ] || { cat "$d/err" >&2; fail "$m: --stats --apply forkinstr exit $st, expected 4"; }
        note "$m: refused whole (exit 4): $(head -1 "$d/err")"
    done
    # -o naming the input, directly or by another path: exit 2, input intact.
    resolve "$FI_SRC/fixtures/hand.wat"
    cp "$module" "$d/in.wasm"; cp "$module" "$d/orig.wasm"
    ln -s in.wasm "$d/sym.wasm"; ln "$d/in.wasm" "$d/hard.wasm"; mkdir -p "$d/sub"
    local o
    for o in "$d/in.wasm" "$d/./in.wasm" "$d/sub/../in.wasm" "$d/sym.wasm" "$d/hard.wasm"; do
        st=0
        "$FORKSIZE" instrument "$d/in.wasm" -o "$o" --root import:env.fork 2> "$d/err" || st=$?
        [ "$st" -eq 2 ] || { cat "$d/err" >&2; fail "-o $o: exit $st, expected 2"; }
        grep -q 'input' "$d/err" || { cat "$d/err" >&2; fail "-o $o: the message does not say why"; }
        cmp -s "$d/in.wasm" "$d/orig.wasm" || fail "-o $o: the input was changed"
        [ -L "$d/sym.wasm" ] || fail "-o $o: the symlink was replaced"
        [ "$(ls -A "$d" | grep -c tmp || true)" -eq 0 ] || fail "-o $o: stray temp files"
    done
    note "-o over the input (5 spellings): exit 2, input intact: $(head -1 "$d/err")"
    # --save-memory: an index the module lacks is a usage error (exit 2, the
    # file and the count named, nothing written); 0 is the default, byte for
    # byte, and a one-memory module gets no forkinstr_save_memory export.
    mkdir -p "$d/out"
    for cmd in instrument stats; do
        st=0
        if [ $cmd = instrument ]; then
            "$FORKSIZE" instrument "$d/in.wasm" -o "$d/out/x.wasm" --root import:env.fork \
                --save-memory 1 2> "$d/err" || st=$?
        else
            "$FORKSIZE" --stats "$d/in.wasm" --root import:env.fork --save-memory 1 \
                > /dev/null 2> "$d/err" || st=$?
        fi
        [ "$st" -eq 2 ] || { cat "$d/err" >&2; fail "$cmd --save-memory 1: exit $st, expected 2"; }
        grep -qF "in.wasm: --save-memory 1: the module has 1 memory (indices 0 to 0)" "$d/err" ||
            { cat "$d/err" >&2; fail "$cmd --save-memory 1: the message does not say why"; }
    done
    [ -z "$(ls -A "$d/out")" ] || fail "--save-memory 1: something was written"
    "$FORKSIZE" instrument "$d/in.wasm" -o "$d/out/a.wasm" --root import:env.fork -q || fail "instrument"
    "$FORKSIZE" instrument "$d/in.wasm" -o "$d/out/b.wasm" --root import:env.fork -q \
        --save-memory 0 || fail "instrument --save-memory 0"
    cmp -s "$d/out/a.wasm" "$d/out/b.wasm" || fail "--save-memory 0 is not the default"
    ! grep -qF forkinstr_save_memory "$d/out/a.wasm" || fail "a one-memory module names its save memory"
    note "--save-memory past the memories: exit 2: $(head -1 "$d/err")"
    note "OK: module refusal"
}

# ---------------------------------------------------------------- hot

# forksize instrument --hot: a copy per closure function named, counted
# and measured exactly; nothing else moves.
mode_hot() {
    resolve "$1"
    local d=$tmp/hot st
    mkdir -p "$d"
    # bad specs: exit 2, named, nothing written
    for spec in 'index:999999' 'func:no_such_function_*' 'import:*' 'call:a->b'; do
        st=0
        "$FORKSIZE" instrument "$module" -o "$d/bad.wasm" --root 'import:*' --hot "$spec" \
            2> "$d/err" || st=$?
        [ "$st" -eq 2 ] || { cat "$d/err" >&2; fail "--hot $spec: exit $st, expected 2"; }
        grep -qF -e "--hot $spec" "$d/err" || { cat "$d/err" >&2; fail "--hot $spec: not named"; }
        [ ! -e "$d/bad.wasm" ] || fail "--hot $spec: something was written"
    done
    note "bad --hot SPECs exit 2: $(head -1 "$d/err")"
    "$FORKSIZE" instrument "$module" -o "$d/plain.wasm" --root 'import:*' 2> "$d/plain.err" ||
        fail "instrument failed"
    "$FORKSIZE" instrument "$module" -o "$d/all.wasm" --root 'import:*' --hot all 2> "$d/all.err" ||
        fail "instrument --hot all failed"
    "$FORKSIZE" --stats "$module" --root 'import:*' --apply forkinstr --format json \
        -o "$d/s.json" || fail "--stats failed"
    "$JFLAT" "$d/s.json" > "$d/flat" || fail "cannot read the JSON report"
    local inst
    inst=$(awk -F= '$1 == "instrumentation.forkinstr.instrumented" { print $2 }' "$d/flat")
    [ -n "$inst" ] && [ "$inst" -gt 0 ] || fail "no instrumented count in the report"
    # the line names every instrumented function, and B bytes
    local line n b
    line=$(grep -e '--hot: ' "$d/all.err") || { cat "$d/all.err" >&2; fail "--hot all: no line"; }
    n=$(sed -E 's/.*--hot: ([0-9]+) closure functions.*/\1/' <<<"$line")
    b=$(sed -E 's/.*\(\+([0-9]+) bytes beside.*/\1/' <<<"$line")
    [ "$n" = "$inst" ] || fail "--hot all copied $n functions, --stats instruments $inst"
    # the output: N functions more than without --hot, and B more code bytes
    local fp fa cp ca
    fp=$("$WASM_OBJDUMP" -h "$d/plain.wasm" | awk '$1 == "Function" { sub(/.*count: /, ""); print $1 }')
    fa=$("$WASM_OBJDUMP" -h "$d/all.wasm" | awk '$1 == "Function" { sub(/.*count: /, ""); print $1 }')
    [ "$fa" -eq $((fp + n)) ] || fail "--hot all: $fa functions, expected $fp + $n"
    cp=$("$WASM_OBJDUMP" -h "$d/plain.wasm" | awk '$1 == "Code" { sub(/.*size=/, ""); sub(/\).*/, ""); print }')
    ca=$("$WASM_OBJDUMP" -h "$d/all.wasm" | awk '$1 == "Code" { sub(/.*size=/, ""); sub(/\).*/, ""); print }')
    [ $((ca - cp)) -ge "$b" ] && [ $((ca - cp)) -le $((b + 5)) ] ||
        fail "--hot all: code grew by $((ca - cp)) bytes, the line says $b (+ the count's LEB)"
    "$WASM_VALIDATE" --enable-all "$d/all.wasm" || fail "--hot all: WABT rejects the output"
    "$WASM_OPT" --all-features "$d/all.wasm" -o "$d/bn.wasm" || fail "--hot all: Binaryen rejects it"
    note "--hot all: $n copies, $fp -> $fa functions, code +$((ca - cp)) bytes (the line: $b)"
    # a function outside the closure: no copy, the same bytes as without --hot
    local outside
    "$FORKSIZE" closure "$module" --root 'import:*' --format json -o "$d/c.json" ||
        fail "closure failed"
    "$JFLAT" "$d/c.json" | awk -F= '$1 ~ /^\[[0-9]+\]\.index$/ { print $2 }' > "$d/in.idx"
    outside=$(awk 'NR == FNR { c[$1] = 1; next } END { for (k = 0; k in c; k++); print k }' \
        "$d/in.idx" /dev/null)
    if [ -n "$outside" ]; then
        "$FORKSIZE" instrument "$module" -o "$d/out1.wasm" --root 'import:*' --hot "index:$outside" \
            2> "$d/o.err" || fail "--hot index:$outside failed"
        cmp -s "$d/plain.wasm" "$d/out1.wasm" || fail "--hot on a function outside the closure changed the output"
        note "--hot index:$outside (outside the closure): output unchanged"
    fi
    note "OK: hot"
}

# ---------------------------------------------------------------- hand

mode_hand() {
    resolve "$FI_SRC/fixtures/hand.wat"
    local st want
    # index name fixed callsite local total label per stage, from hand.wat
    cat > "$tmp/want.naive" <<'TSV'
1	f	81	11	0	92	measured
2	g	83	11	20	114	measured
3	h	81	11	20	112	measured
TSV
    cat > "$tmp/want.cse" <<'TSV'
1	f	76	11	0	87	measured
2	g	78	11	14	103	measured
3	h	76	11	14	101	measured
TSV
    cat > "$tmp/want.live" <<'TSV'
1	f	76	11	0	87	measured
2	g	78	11	14	103	measured
3	h	76	11	0	87	measured
TSV
    # Whole bodies, size LEB first, as hand.wat derives them: $f at naive
    # and at cse (= live), and the five runtime functions.
    hexstr() { tr -d ' \n'; }
    local f_naive f_cse B helpers
    f_naive=$(hexstr <<'HEX'
61
01 01 7f
23 00 41 02 46 04 40
23 01 23 01 28 02 00 41 04 6b 36 02 00
23 01 28 02 00 28 02 00 21 00
0b
02 40 02 40
10 00
23 00 04 40 41 01 21 00 0c 02 0b
1a
0b 0f 0b
23 01 28 02 00 41 04 6a 23 01 28 02 04 4b 04 40 00 0b
23 01 28 02 00 20 00 36 02 00
23 01 23 01 28 02 00 41 04 6a 36 02 00
0b
HEX
)
    f_cse=$(hexstr <<'HEX'
5c
01 02 7f
23 00 41 02 46 04 40
23 01 23 01 28 02 00 41 04 6b 22 01 36 02 00
20 01 28 02 00 21 00
0b
02 40 02 40
10 00
23 00 04 40 41 01 21 00 0c 02 0b
1a
0b 0f 0b
23 01 28 02 00 22 01 41 04 6a 23 01 28 02 04 4b 04 40 00 0b
20 01 20 00 36 02 00
23 01 20 01 41 04 6a 36 02 00
0b
HEX
)
    B=230128020023012802044b0440000b
    helpers="19 0041012400200024 01${B}0b
15 0041002400${B}0b
19 0041022400200024 01${B}0b
15 0041002400${B}0b
04 0023000b"
    helpers=$(tr -d ' ' <<< "$helpers")
    for st in $STAGES; do
        run_fs "$tmp/h.csv" "$tmp/e" --stats "$module" --root import:env.fork --apply forkinstr --stages "$st" --format csv
        csv_cols "$tmp/h.csv" index name fixed callsite local total label > "$tmp/got"
        diff "$tmp/want.$st" "$tmp/got" >&2 || fail "$st: per-term bytes differ from the hand derivation (< hand, > forksize)"
        awk -F'\t' -v st="$st" '{ printf "fi: %s %s: fixed %d callsite %d local %d dispatch %d total %d\n", st, $2, $3, $4, $5, $6 - $3 - $4 - $5, $6 }' "$tmp/got"
        instrument "$module" "$tmp/out.wasm" "$st" import:env.fork "$tmp/err"
        headers "$tmp/out.wasm" "$tmp/out.h"
        code_list "$tmp/out.wasm" "$tmp/out.list"
        offsets "$tmp/out.list" "$tmp/out.h" "$tmp/out.off"
        local sizes
        sizes=$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }' "$tmp/out.list")
        case $st in
        naive) want="97 121 120 25 21 25 21 4" ;;
        cse)   want="92 110 109 25 21 25 21 4" ;;
        live)  want="92 110 95 25 21 25 21 4" ;;
        esac
        [ "$sizes" = "$want" ] || fail "$st: body sizes $sizes, hand-derived $want"
        # bodies with their size LEB (one byte here: the byte before the body)
        awk '{ print $1, $2 - 1, $3 + 1 }' "$tmp/out.off" | "$FIBYTES" hex "$tmp/out.wasm" > "$tmp/bodies"
        if [ "$st" = naive ]; then want=$f_naive; else want=$f_cse; fi
        [ "$(awk '$1 == 1 { print $2 }' "$tmp/bodies")" = "$want" ] ||
            fail "$st: \$f is $(awk '$1 == 1 { print $2 }' "$tmp/bodies"), hand-derived $want"
        [ "$(awk '$1 >= 4 { print $2 }' "$tmp/bodies")" = "$helpers" ] ||
            fail "$st: the runtime functions are
$(awk '$1 >= 4 { print $2 }' "$tmp/bodies")
hand-derived
$helpers"
        note "$st: terms, body sizes, \$f's and the runtime functions' bytes as derived by hand"
    done
    note "OK: hand"
}

# ---------------------------------------------------------------- selftest

# The exact checks must reject a wrong total and a body changed beyond guards.
mode_selftest() {
    resolve "$FI_SRC/fixtures/refuse.wat"
    instrument "$module" "$tmp/out.wasm" naive import:env.fork "$tmp/err"
    run_fs "$tmp/fi.csv" "$tmp/e" --stats "$module" --root import:env.fork --apply forkinstr --stages naive --format csv
    ( check_stage "$module" "$tmp/out.wasm" "$tmp/fi.csv" "$tmp/err" "selftest: unaltered" ) ||
        fail "the unaltered run does not pass"
    # expect_fail TAG PATTERN CSV OUT: check_stage must fail, for that reason
    expect_fail() {
        if ( check_stage "$module" "$4" "$3" "$tmp/err" "selftest: $1" ) 2> "$tmp/st.err" > /dev/null; then
            fail "selftest: $1: accepted"
        fi
        grep -q -- "$2" "$tmp/st.err" || { cat "$tmp/st.err" >&2; fail "selftest: $1: failed for another reason"; }
        note "selftest: $1: rejected ($(grep -m1 -- "$2" "$tmp/st.err"))"
    }
    # 1. one measured total off by one
    awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "total") t = i }
        NR > 1 && !done && $0 ~ /,measured,/ { $t = $t + 1; done = 1 } { print }' "$tmp/fi.csv" > "$tmp/bad1.csv"
    cmp -s "$tmp/fi.csv" "$tmp/bad1.csv" && fail "selftest: could not doctor the CSV"
    expect_fail "total+1" 'but CSV total' "$tmp/bad1.csv" "$tmp/out.wasm"
    # 2. the function outside the closure ($pure) claimed refused: no guard
    awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "in_closure") c = i; if ($i == "label") l = i } }
        NR > 1 && $2 == "pure" { $c = "true"; $l = "estimated" } { print }' "$tmp/fi.csv" > "$tmp/bad2.csv"
    cmp -s "$tmp/fi.csv" "$tmp/bad2.csv" && fail "selftest: could not doctor the CSV"
    expect_fail "pure as refused" 'no guard after any call' "$tmp/bad2.csv" "$tmp/out.wasm"
    # 3. a byte of refused $with_eh (func 3) changed in the output: its
    # i32.const 1 (the byte after the locals byte) becomes i32.const 5
    code_list "$tmp/out.wasm" "$tmp/ol"; headers "$tmp/out.wasm" "$tmp/oh"
    offsets "$tmp/ol" "$tmp/oh" "$tmp/oo"
    local off
    off=$(awk '$1 == 3 { print $2 + 2 }' "$tmp/oo")
    cp "$tmp/out.wasm" "$tmp/bad.wasm"
    printf '\005' | dd of="$tmp/bad.wasm" bs=1 seek="$off" conv=notrunc status=none
    cmp -s "$tmp/out.wasm" "$tmp/bad.wasm" && fail "selftest: could not doctor the module"
    expect_fail "changed byte" 'other than by a guard' "$tmp/fi.csv" "$tmp/bad.wasm"
    # 4. a body outside the closure changed: $pure's i32.const 1 -> 5
    off=$(awk '$1 == 7 { print $2 + 4 }' "$tmp/oo")
    cp "$tmp/out.wasm" "$tmp/bad.wasm"
    printf '\005' | dd of="$tmp/bad.wasm" bs=1 seek="$off" conv=notrunc status=none
    cmp -s "$tmp/out.wasm" "$tmp/bad.wasm" && fail "selftest: could not doctor the module"
    expect_fail "changed pure" 'bodies outside the closure changed' "$tmp/fi.csv" "$tmp/bad.wasm"
    # 5. the text report's guard total off by one
    ( check_stage "$module" "$tmp/out.wasm" "$tmp/fi.csv" "$tmp/err" "selftest: unaltered" ) > /dev/null ||
        fail "the unaltered run does not pass"
    run_fs "$tmp/fi.txt" "$tmp/e" --stats "$module" --root import:env.fork --apply forkinstr --stages naive
    ( check_text "$tmp/fi.txt" "selftest: text" ) > /dev/null || fail "selftest: the unaltered text does not pass"
    sed -E 's/guards ([0-9]+)\)/guards 1\1)/' "$tmp/fi.txt" > "$tmp/bad.txt"
    cmp -s "$tmp/fi.txt" "$tmp/bad.txt" && fail "selftest: could not doctor the text"
    if ( check_text "$tmp/bad.txt" "selftest: guards" ) 2> "$tmp/st.err" > /dev/null; then
        fail "selftest: a wrong guard total was accepted"
    fi
    grep -q 'the refused bodies grew by' "$tmp/st.err" || { cat "$tmp/st.err" >&2; fail "selftest: guards: failed for another reason"; }
    note "selftest: guards: rejected ($(grep -m1 'refused bodies' "$tmp/st.err"))"
    note "OK: the exact checks reject what they must"
}

# ---------------------------------------------------------------- normal_path

mode_normal_path() {
    resolve "$FI_SRC/fixtures/shapes.wat"
    "$FORKSIZE" --stats "$module" --root import:env.fork --apply simulate --format json \
        -o "$tmp/s.json" || fail "forksize --stats failed"
    "$FORKSIZE" --stats "$module" --root import:env.fork --apply simulate --format csv \
        -o "$tmp/s.csv" || fail "forksize --stats --format csv failed"
    "$FORKSIZE" --stats "$module" --root import:env.fork --apply simulate \
        > "$tmp/s.txt" || fail "forksize --stats failed"
    # name entry sites loops, as shapes.wat derives them
    printf '%s\n' 'leaf 5 2 0' 'arms 15 7 0' 'loop 5 0 5' 'switch 5 0 13' > "$tmp/want"
    "$JFLAT" "$tmp/s.json" > "$tmp/flat" || fail "cannot read the JSON report"
    local name idx e s l got sum_e=0 sum_s=0 sum_l=0
    while read -r name e s l; do
        idx=$(awk -F= -v n="$name" '$1 ~ /^functions\[[0-9]+\]\.name$/ && $2 == n { sub(/\.name$/, "", $1); print $1 }' "$tmp/flat")
        [ -n "$idx" ] || fail "no function named $name in the report"
        got=$(awk -F= -v p="$idx.normal_path." 'index($1, p) == 1 { v[substr($1, length(p) + 1)] = $2 }
              END { print v["entry"], v["sites"], v["loops"] }' "$tmp/flat")
        [ "$got" = "$e $s $l" ] || fail "$name: normal path (entry sites loops) $got, hand-derived $e $s $l"
        # the CSV row of the same function: its last three columns
        got=$(awk -F, -v n="$name" '$2 == n { print $(NF-2), $(NF-1), $NF }' "$tmp/s.csv")
        [ "$got" = "$e $s $l" ] || fail "$name: CSV np columns $got, hand-derived $e $s $l"
        note "$name: entry $e, sites $s, loops $l as derived"
    done < "$tmp/want"
    # the totals are the sums over the functions
    read -r sum_e sum_s sum_l < <(awk -F= '$1 ~ /^functions\[[0-9]+\]\.normal_path\./ {
            k = $1; sub(/.*\./, "", k); t[k] += $2 } END { print t["entry"] + 0, t["sites"] + 0, t["loops"] + 0 }' "$tmp/flat")
    got=$(awk -F= '$1 ~ /^instrumentation\.forkinstr\.normal_path\./ { k = $1; sub(/.*\./, "", k); v[k] = $2 }
          END { print v["entry"], v["sites"], v["loops"], v["total"], v["label"] }' "$tmp/flat")
    [ "$got" = "$sum_e $sum_s $sum_l $((sum_e + sum_s + sum_l)) exact" ] \
        || fail "totals $got, the functions sum to $sum_e $sum_s $sum_l"
    grep -q "^normal path +$((sum_e + sum_s + sum_l)) instructions when nobody forks: $sum_e at entries, $sum_s at sites, $sum_l inside loops" "$tmp/s.txt" \
        || { grep '^normal path' "$tmp/s.txt" >&2; fail "the text line disagrees with the JSON totals"; }
    note "OK: normal path (totals $sum_e/$sum_s/$sum_l in JSON and text)"
}

# ---------------------------------------------------------------- main

[ $# -ge 1 ] || { echo "usage: $0 exact|simulate|valid|refusal|module_refusal|hand|normal_path|hot|selftest ..." >&2; exit 2; }
mode=$1; shift
case $mode in
exact)          [ $# -ge 1 ] || exit 2; mode_exact "$@" ;;
simulate)       [ $# -ge 2 ] || exit 2; mode_simulate "$@" ;;
valid)          [ $# -ge 2 ] || exit 2; mode_valid "$@" ;;
refusal)        mode_refusal ;;
module_refusal) mode_module_refusal ;;
hand)           mode_hand ;;
normal_path)    mode_normal_path ;;
hot)            [ $# -ge 1 ] || exit 2; mode_hot "$1" ;;
selftest)       mode_selftest ;;
*)              echo "fi.sh: unknown mode $mode" >&2; exit 2 ;;
esac
