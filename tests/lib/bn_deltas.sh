#!/usr/bin/env bash
# bn_deltas.sh MODULE OUT_DIR [wasm-opt flags...] - Binaryen's Asyncify A/B
# through the wasm-opt command line, read back with wasm-objdump: the
# independent oracle of forksize's --apply asyncify per-function figures.
#
# Writes OUT_DIR/a.wasm (wasm-opt FLAGS without --asyncify) and
# OUT_DIR/b.wasm (with --asyncify before FLAGS), both with -g so that the
# name section survives (it does not change the code section), then
# prints, from wasm-objdump -x of the two:
#   code BEFORE AFTER            the code section payload sizes of A and B
#   fn NAME DELTA                per defined function of A, paired with the
#                                same position in B (names checked equal):
#                                body size + its LEB in B minus the same in A
#   helpers N BYTES              B's functions beyond A's count (Asyncify's
#                                runtime), bodies with their LEBs
# NAME is the function's name in Binaryen's output: the input's name, or
# for an unnamed function its position among the defined functions.
# Env: WASM_OPT, WASM_OBJDUMP.  Exit 1 when a tool fails or B's functions
# do not line up with A's.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bn_deltas.sh MODULE OUT_DIR [wasm-opt flags...]" >&2; exit 2; }
m=$1 out=$2; shift 2
WASM_OPT=${WASM_OPT:-wasm-opt}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
mkdir -p "$out"
BINARYEN_CORES=1 "$WASM_OPT" --all-features -g "$@" "$m" -o "$out/a.wasm"
BINARYEN_CORES=1 "$WASM_OPT" --all-features -g --asyncify "$@" "$m" -o "$out/b.wasm"
"$WASM_OBJDUMP" -h "$out/a.wasm" >"$out/a.h"
"$WASM_OBJDUMP" -h "$out/b.wasm" >"$out/b.h"
"$WASM_OBJDUMP" -x "$out/a.wasm" >"$out/a.x"
"$WASM_OBJDUMP" -x "$out/b.wasm" >"$out/b.x"
hex() { awk '$1 == "Code" { sub(/.*size=/, ""); sub(/\).*/, ""); print }' "$1"; }
printf 'code %d %d\n' "$(hex "$out/a.h")" "$(hex "$out/b.h")"
# "- func[N] size=S <name>" lines of the Code section, in order.
bodies() {
    awk '/^Code\[/ { on = 1; next } on && /^[A-Z]/ { on = 0 }
         on && /^ - func\[/ {
             s = $0; sub(/.* size=/, "", s); sub(/ .*/, "", s)
             n = ""; if (match($0, /<.*>$/)) n = substr($0, RSTART + 1, RLENGTH - 2)
             print s "\t" n }' "$1"
}
bodies "$out/a.x" >"$out/a.bodies"
bodies "$out/b.x" >"$out/b.bodies"
awk -F'\t' '
    function leb(v,   k) { k = 1; while (v >= 128) { v = int(v / 128); k++ } return k }
    NR == FNR { as[NR] = $1; an[NR] = $2; na = NR; next }
    { bs[FNR] = $1; bn[FNR] = $2; nb = FNR }
    END {
        if (nb < na) { print "bn_deltas: B has fewer functions than A" > "/dev/stderr"; exit 1 }
        for (k = 1; k <= na; k++) {
            if (an[k] != bn[k]) { print "bn_deltas: function " k " is " an[k] " in A, " bn[k] " in B" > "/dev/stderr"; exit 1 }
            print "fn " an[k] " " (bs[k] + leb(bs[k])) - (as[k] + leb(as[k]))
        }
        h = 0; for (k = na + 1; k <= nb; k++) h += bs[k] + leb(bs[k])
        print "helpers " nb - na " " h
    }' "$out/a.bodies" "$out/b.bodies"
