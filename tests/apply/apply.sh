#!/usr/bin/env bash
# --apply asyncify against independent oracles.
# Usage: apply.sh CASE MODULE   (env: FORKSIZE, WASM_OPT, WASM_OBJDUMP, JSONCHECK)
#   codesize  before/after equal the code sections that the wasm-opt CLI writes
#             for -O2 and --asyncify -O2 on the same file; JSON contract holds
#   precheck  a module Asyncify cannot handle: exit 4 naming the construct,
#             without calling Binaryen
#   crash     the same with --no-precheck: Binaryen aborts in its child process
#             and forksize survives, exit 4 with Binaryen's last words
set -euo pipefail
: "${FORKSIZE:?}" "${WASM_OPT:?}" "${WASM_OBJDUMP:?}"
case_=$1 m=$2
[ -f "$m" ] || { echo "apply.sh: missing $m: run scripts/fetch-corpus.sh" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "apply.sh: FAILED: $*" >&2; exit 1; }

code_size() {   # payload size of the Code section, from WABT (hex -> decimal in bash: mawk has no strtonum)
  local hex
  hex=$("$WASM_OBJDUMP" -h "$1" | awk '$1 == "Code" { sub(/.*size=/, ""); sub(/\).*/, ""); print }')
  [ -n "$hex" ] || fail "no Code section in $1"
  printf '%d\n' "$hex"
}

case "$case_" in
codesize)
  : "${JSONCHECK:?}"
  "$FORKSIZE" --stats --root 'import:*' --indirect asyncify --apply asyncify -O2 \
    --format json -o "$tmp/r.json" "$m"
  "$JSONCHECK" "$tmp/r.json"
  "$WASM_OPT" --all-features -O2 "$m" -o "$tmp/a.wasm"
  "$WASM_OPT" --all-features --asyncify -O2 "$m" -o "$tmp/b.wasm"
  want_a=$(code_size "$tmp/a.wasm"); want_b=$(code_size "$tmp/b.wasm")
  got_a=$(awk -F'[:,]' '/"code_bytes_before"/ { gsub(/[ \t]/, "", $2); print $2 }' "$tmp/r.json")
  got_b=$(awk -F'[:,]' '/"code_bytes_after"/ { gsub(/[ \t]/, "", $2); print $2 }' "$tmp/r.json")
  echo "baseline: forksize $got_a, wasm-opt -O2 $want_a; asyncify: forksize $got_b, wasm-opt --asyncify -O2 $want_b"
  [ "$got_a" = "$want_a" ] || fail "baseline code section $got_a != $want_a"
  [ "$got_b" = "$want_b" ] || fail "asyncified code section $got_b != $want_b"
  ;;
precheck)
  st=0
  "$FORKSIZE" --stats --root 'import:*' --indirect asyncify --apply asyncify "$m" \
    >"$tmp/out" 2>"$tmp/err" || st=$?
  [ "$st" = 4 ] || fail "exit $st, want 4: $(cat "$tmp/err")"
  grep -Eq "Binaryen's Asyncify cannot instrument this module: [0-9]+ closure functions? uses? exception handling \(" "$tmp/err" \
    || fail "message: $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "printed a report"
  ;;
crash)
  st=0
  "$FORKSIZE" --stats --root 'import:*' --indirect asyncify --apply asyncify --no-precheck "$m" \
    >"$tmp/out" 2>"$tmp/err" || st=$?
  [ "$st" = 4 ] || fail "exit $st, want 4: $(cat "$tmp/err")"
  grep -Eq "Binaryen (crashed \(signal [0-9]+|failed \(exit [0-9]+)" "$tmp/err" || fail "message: $(cat "$tmp/err")"
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
