#!/usr/bin/env bash
# One workload correctness check: run WORKLOAD on one variant of its module and
# require exactly the output of the reference.
#
# Usage: run.sh WORKLOAD VARIANT_DIR VARIANT
#   WORKLOAD  lua | sqlite (the script WORKLOAD.mjs beside this file)
#   VARIANT   original | o2 | asyncify-o2 | forkinstr-naive | forkinstr-cse | forkinstr-live
# The reference for `original` is expected/WORKLOAD.out, the output of the
# shipped module as its own package runs it (the real program is the oracle).
# Every other variant must print exactly what `original` prints, run here
# again, so a wrong expected file cannot hide a wrong variant.  No timing is
# asserted: the workload's timing line on stderr is only checked to exist, so
# the timer path the benchmark reads keeps working.
set -euo pipefail
wl=$1 dir=$2 variant=$3
here=$(cd "$(dirname "$0")" && pwd)
node=${NODE:-node}
fail() { echo "workloads/run.sh: $wl.$variant: FAILED: $*" >&2; exit 1; }
nm=$(cd "$here/../.." && pwd)/node_modules
[ -d "$nm/wasmoon" ] || fail "no $nm/wasmoon: run scripts/npm-deps.sh (npm ci)"
m=$dir/$variant.wasm
[ -f "$m" ] || fail "missing $m (the variants fixture did not run)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

runwl() { # MODULE OUT ERR
  local st=0
  timeout 300 "$node" "$here/$wl.mjs" "$1" 2 >"$2" 2>"$3" || st=$?
  [ $st -eq 0 ] || { cat "$3" >&2; fail "node $wl.mjs $(basename "$1") exited $st"; }
  grep -q "\"workload\":\"$wl\"" "$3" || fail "no timing line on stderr for $(basename "$1")"
}

runwl "$m" "$tmp/v.out" "$tmp/v.err"
if [ "$variant" = original ]; then
  want=$here/expected/$wl.out
else
  want=$tmp/o.out
  runwl "$dir/original.wasm" "$want" "$tmp/o.err"
fi
if ! cmp -s "$want" "$tmp/v.out"; then
  diff "$want" "$tmp/v.out" >&2 || true
  fail "output differs from $( [ "$variant" = original ] && echo "$want" || echo "the original's")"
fi
lines=$(wc -l <"$tmp/v.out")
[ "$lines" -ge 4 ] || fail "only $lines result lines"
echo "ok: $wl.$variant: $lines result lines equal"
