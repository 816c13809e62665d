#!/usr/bin/env bash
# The fit on a module of known structure: functions f_C_L with C calls to
# env.fork (C = 0..5) and L extra i32 locals kept live (L = 0..6), so
# every closure member differs from its neighbours by exactly one call
# site or one local.  Asyncify at -O0 (no inlining) instruments them, and
# the fit must recover B and C as the byte differences measured directly
# between neighbours, with R2 near 1.
# Usage: fitgrid.sh   (env: FORKSIZE, WAT2WASM)
set -euo pipefail
: "${FORKSIZE:?}" "${WAT2WASM:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/lib.sh"
t_init fitgrid.sh --fatal

{
  echo '(module'
  echo '  (import "env" "fork" (func $fork (result i32)))'
  echo '  (memory 1)'
  for c in 0 1 2 3 4 5; do
    for l in 0 1 2 3 4 5 6; do
      # The first call site is always there, so every function is in the
      # closure; locals are summed after the calls so they stay live.
      printf '  (func $f_%d_%d (export "f_%d_%d") (result i32)' "$c" "$l" "$c" "$l"
      for k in $(seq 1 "$l"); do printf ' (local $x%d i32)' "$k"; done
      echo
      for k in $(seq 1 "$l"); do printf '    (local.set $x%d (i32.load (i32.const %d)))\n' "$k" $((k * 4)); done
      printf '    (drop (call $fork))\n'
      for k in $(seq 1 "$c"); do printf '    (drop (call $fork))\n'; done
      printf '    (i32.const 0)\n'
      for k in $(seq 1 "$l"); do printf '    (local.get $x%d) (i32.add)\n' "$k"; done
      echo '  )'
    done
  done
  echo ')'
} >"$tmp/grid.wat"
"$WAT2WASM" --debug-names "$tmp/grid.wat" -o "$tmp/grid.wasm"
"$FORKSIZE" --stats --root import:env.fork --indirect asyncify --apply asyncify -O0 \
  --format csv -o "$tmp/g.csv" "$tmp/grid.wasm"
"$FORKSIZE" --stats --root import:env.fork --indirect asyncify --apply asyncify -O0 \
  --top 0 -o "$tmp/g.txt" "$tmp/grid.wasm"

# Measured deltas by (c, l); callsites = c + 1, locals = l.
awk -F, 'NR > 1 && $2 ~ /^f_[0-9]+_[0-9]+$/ { split($2, p, "_"); print p[2], p[3], $20 }' \
  "$tmp/g.csv" >"$tmp/d"
[ "$(wc -l <"$tmp/d")" = 42 ] || fail "expected 42 measured functions, got $(wc -l <"$tmp/d")"
# Direct neighbour differences: the median step in c and in l.
step() {  # step c|l: the median difference between neighbours along c or l
  awk -v dim="$1" '{ d[$1 "," $2] = $3 } END {
    for (c = 0; c <= 5; c++) for (l = 0; l <= 6; l++) {
      if (dim == "c" && c < 5) print d[(c + 1) "," l] - d[c "," l]
      if (dim == "l" && l < 6) print d[c "," (l + 1)] - d[c "," l]
    }
  }' "$tmp/d" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
bstep=$(step c); cstep=$(step l)
read -r b bse < <(awk '$1 == "B" && $2 == "=" { print $3, $5 }' "$tmp/g.txt")
read -r c cse < <(awk '$1 == "C" && $2 == "=" { print $3, $5 }' "$tmp/g.txt")
r2=$(awk '$1 == "R2" { print $2; exit }' "$tmp/g.txt" | tr -d ';')
echo "fit: B = $b +- $bse (neighbour step $bstep), C = $c +- $cse (neighbour step $cstep), R2 $r2"
awk -v b="$b" -v s="$bstep" 'BEGIN { exit !(b - s < 1.0 && s - b < 1.0) }' || fail "B $b far from step $bstep"
awk -v c="$c" -v s="$cstep" 'BEGIN { exit !(c - s < 1.0 && s - c < 1.0) }' || fail "C $c far from step $cstep"
awk -v r="$r2" 'BEGIN { exit !(r >= 0.99) }' || fail "R2 $r2 < 0.99"
grep -q '\[fitted\]' "$tmp/g.txt" || fail "fit not labelled fitted"
echo "fitgrid.sh: ok"
