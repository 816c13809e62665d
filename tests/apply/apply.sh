#!/usr/bin/env bash
# --apply asyncify against independent oracles.
# Usage: apply.sh CASE MODULE [POLICY]   (env: FORKSIZE, WASM_OPT, WASM_OBJDUMP, JSONCHECK, JFLAT)
#   codesize  (--indirect POLICY: asyncify, the default, or none, which is
#             Asyncify's ignore-indirect)
#             before/after equal the code sections that the wasm-opt CLI writes
#             for -O2 and --asyncify -O2 on the same file, and every
#             function's delta_bytes equals its body sizes in those two files
#             (wasm-objdump; tests/lib/bn_deltas.sh and check_deltas.sh);
#             JSON contract holds
#   precheck  a module Asyncify cannot handle: exit 4 naming the construct,
#             without calling Binaryen
#   crash     the same with --no-precheck: Binaryen aborts (SIGABRT, on its
#             own UNREACHABLE in Asyncify.cpp) in its child process and
#             forksize survives, exit 4 with Binaryen's last words; any other
#             signal or message (a sanitizer's, say) fails
set -euo pipefail
: "${FORKSIZE:?}" "${WASM_OPT:?}" "${WASM_OBJDUMP:?}"
case_=$1 m=$2 policy=${3:-asyncify}
lib=$(dirname "$0")/../lib
. "$lib/lib.sh"
t_init apply.sh --fatal
t_module "$m"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$case_" in
codesize)
  : "${JSONCHECK:?}"
  bnargs=()
  # The command line's bare --pass-arg gives the argument the value "1";
  # Binaryen 108 ignores indirect calls only when the value is not empty.
  [ "$policy" = none ] && bnargs=(--pass-arg=asyncify-ignore-indirect)
  "$FORKSIZE" --stats --root 'import:*' --indirect "$policy" --apply asyncify -O2 \
    --format json -o "$tmp/r.json" "$m"
  "$JSONCHECK" "$tmp/r.json"
  bash "$lib/bn_deltas.sh" "$m" "$tmp/bn" "${bnargs[@]}" -O2 >"$tmp/bn.txt" ||
    fail "wasm-opt's A/B failed"
  bash "$lib/check_deltas.sh" "$tmp/r.json" "$tmp/bn.txt" ||
    fail "--apply asyncify differs from wasm-opt -O2 / --asyncify -O2 read by wasm-objdump"
  ;;
precheck)
  st=0
  "$FORKSIZE" --stats --root 'import:*' --indirect asyncify --apply asyncify "$m" \
    >"$tmp/out" 2>"$tmp/err" || st=$?
  [ "$st" = 4 ] || fail "exit $st, want 4: $(cat "$tmp/err")"
  grep -Eq "Binaryen 108's Asyncify cannot instrument this module: [0-9]+ closure functions? uses? exception handling \(" "$tmp/err" \
    || fail "message: $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "printed a report"
  ;;
crash)
  st=0
  "$FORKSIZE" --stats --root 'import:*' --indirect asyncify --apply asyncify --no-precheck "$m" \
    >"$tmp/out" 2>"$tmp/err" || st=$?
  [ "$st" = 4 ] || fail "exit $st, want 4: $(cat "$tmp/err")"
  # Binaryen 108 aborts on a try in an instrumented function, at its own
  # UNREACHABLE in Asyncify.cpp: signal 6 with those last words.
  grep -Eq "Binaryen crashed \(signal 6, Aborted\): UNREACHABLE executed at [^ ]*src/passes/Asyncify\.cpp:[0-9]+!\$" \
    "$tmp/err" || fail "message: $(cat "$tmp/err")"
  [ "$(wc -l <"$tmp/err")" = 1 ] || fail "more than Binaryen's last words: $(cat "$tmp/err")"
  ! grep -qi 'sanitizer' "$tmp/err" || fail "a sanitizer report: $(cat "$tmp/err")"
  ;;
names)
  # $m is a .wat fixture: see tests/apply/fixtures/odd_names.wat.
  : "${WAT2WASM:?}"
  bash "$(dirname "$0")/../binaryen/build-fixture.sh" "$WAT2WASM" "$m" "$tmp/m.wasm"
  for p in asyncify typed; do
    "$FORKSIZE" --stats --root import:env.fork --indirect "$p" --apply asyncify -O0 \
      -q -o "$tmp/$p.txt" "$tmp/m.wasm"
  done
  grep -q ' 3 functions measured, 0 inlined or removed by -O0' "$tmp/typed.txt" \
    || fail "typed: $(grep '^asyncify' "$tmp/typed.txt")"
  a=$(grep '^code' "$tmp/asyncify.txt"); t=$(grep '^code' "$tmp/typed.txt")
  [ "$a" = "$t" ] || fail "onlylist instrumented differently: asyncify '$a', typed '$t'"
  ;;
*)
  fail "unknown case $case_"
  ;;
esac
echo "apply.sh $case_ $(basename "$m"): ok"
