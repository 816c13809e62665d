#!/usr/bin/env bash
# run_chromium.sh STAGE PROG - a wat program with typed function references
# or try_table/exnref (progs/PROG.wat, prelude in front as build.sh does
# it), assembled by Binaryen 132's wasm-as (WABT 1.0.32 and 1.0.39 cannot
# parse or read (ref null $t) in the standard encoding, node 20 reads only
# the pre-standard one and has no exnref), instrumented by `forksize instrument` at STAGE,
# validated by Binaryen 132 (the only validator here that reads it), then
# run by host.mjs in headless chromium (chromium-host.sh) and compared with
# progs/PROG.expected as a sorted line set, exit status included.
set -euo pipefail
stage=$1 prog=$2
: "${FORKSIZE:?}" "${WASM_OPT_132:?}" "${RT_SRC:?}"
fail() { echo "runtime.chromium.$stage.$prog: FAIL: $*" >&2; exit 1; }
wasm_as=$(dirname "$WASM_OPT_132")/wasm-as
command -v "${CHROMIUM:-chromium}" >/dev/null || fail "chromium not found (scripts/deps.sh installs it)"
src=$RT_SRC/progs/$prog.wat exp=$RT_SRC/progs/$prog.expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ echo "(module"; grep '^ *(import ' "$src" || true
  cat "$RT_SRC/progs/prelude.wat"; grep -v '^ *(import ' "$src" || true
  echo ")"; } >"$tmp/$prog.wat"
"$wasm_as" --all-features "$tmp/$prog.wat" -o "$tmp/in.wasm" || fail "wasm-as failed"
"$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/out.wasm" --root import:env.fork --stages "$stage" \
  >"$tmp/instr.out" 2>&1 || fail "forksize instrument failed: $(cat "$tmp/instr.out")"
grep -q ', 0 refused' "$tmp/instr.out" || fail "a function was refused: $(cat "$tmp/instr.out")"
"$WASM_OPT_132" --all-features "$tmp/out.wasm" -o "$tmp/check.wasm" ||
  fail "Binaryen 132's validator rejects forksize's output"
st=0
bash "$RT_SRC/chromium-host.sh" "$tmp/out.wasm" alpha 'beta gamma' >"$tmp/run.out" 2>"$tmp/run.err" || st=$?
[ "$st" != 125 ] || fail "chromium did not run: $(cat "$tmp/run.err")"
[ ! -s "$tmp/run.err" ] || fail "stderr: $(cat "$tmp/run.err")"
{ grep -v '^#' "$exp"; awk '/^# exit / { print "exit " $3 }' "$exp"; } | LC_ALL=C sort >"$tmp/want"
{ cat "$tmp/run.out"; echo "exit $st"; } | LC_ALL=C sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got" >&2 || true; fail "output differs from $exp"; }
echo "runtime.chromium.$stage.$prog: $(wc -l <"$tmp/got") lines (exit status included) match $exp"
