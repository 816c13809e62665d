#!/usr/bin/env bash
# b132.sh - what the current Binaryen (binaryen@132.0.0 from npm, its
# wasm-opt run under node) writes, read by forksize.
#
#   b132.sh MODULE     (env: FORKSIZE, WASM_OPT_132, JFLAT, TESTLIB)
#
# wasm-opt 132 --all-features -O2 MODULE writes the compact import section
# (0x7E and 0x7F groups under one module name).  Checks:
#   - the output really has a compact group (else this proves nothing);
#   - forksize --stats reads it, and its import and defined-function counts
#     equal what Binaryen's own printer lists for the same file;
#   - forksize instrument's output (the import section copied as it is) is
#     read back by Binaryen 132 and by forksize, with the same imports.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "${TESTLIB:-$here/../lib}/lib.sh"
t_init "binaryen/b132.sh"
mod=${1:?usage: b132.sh MODULE}
: "${FORKSIZE:?}" "${JFLAT:?}"
b132=${WASM_OPT_132:-}
[ -n "$b132" ] && [ -x "$b132" ] || { fail "no Binaryen 132 at '${b132}': run scripts/npm-deps.sh (npm ci)"; t_done; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$b132" --all-features -O2 "$mod" -o "$work/o2.wasm" || { fail "wasm-opt 132 -O2 failed"; t_done; }
hex=$(od -An -tx1 -v "$work/o2.wasm" | tr -d ' \n')
# a module name, then the empty item name 00 and 7e or 7f
if grep -qE '00(7e|7f)(00|01|02|03|04)' <<<"${hex:0:4000}"; then ok "Binaryen 132 wrote a compact import group"; else fail "no compact import group in Binaryen 132's output"; fi

count_b132() {   # FILE -> "imports defined" as Binaryen 132 prints them
    "$b132" --all-features "$1" --print 2>/dev/null |
        awk '/^ \(import / { i++ } /^ \(func / { f++ } END { print i + 0, f + 0 }'
}
count_fs() {     # FILE -> "imports defined" from forksize's JSON report
    "$FORKSIZE" --stats "$1" --root 'import:*' --format json -q -o "$work/r.json" || return 1
    "$JFLAT" "$work/r.json" | awk -F= '$1 == "module.imports" { i = $2 } $1 == "module.functions" { f = $2 } END { print i, f }'
}
want=$(count_b132 "$work/o2.wasm")
got=$(count_fs "$work/o2.wasm") || { fail "forksize --stats failed on Binaryen 132's output"; t_done; }
same "$got" "$want" "imports and defined functions: forksize vs Binaryen 132"

"$FORKSIZE" instrument "$work/o2.wasm" -o "$work/fi.wasm" --root 'import:*' -q ||
    { fail "forksize instrument failed on Binaryen 132's output"; t_done; }
"$b132" --all-features "$work/fi.wasm" -o "$work/back.wasm" ||
    fail "Binaryen 132 rejects forksize instrument's output"
read -r wi _ <<<"$want"
read -r gi _ <<<"$(count_b132 "$work/fi.wasm")"
same "$gi" "$wi" "imports of the instrumented module, as Binaryen 132 reads them"
read -r fi_ _ <<<"$(count_fs "$work/fi.wasm")"
same "$fi_" "$wi" "imports of the instrumented module, as forksize reads them"
t_done
