#!/usr/bin/env bash
# forksize's measured Asyncify growth on lg2.wasm against the real Emscripten
# Asyncify build of the same program, lg2_async.wasm (both from the npm package
# wasm-git 0.0.17).  See docs/asyncify-measurement.md, section "lg2".
# Usage: lg2_real.sh CORPUS_DIR [WASM_OPT BAND_PCT]   (env: FORKSIZE, WASM_OBJDUMP)
#   With WASM_OPT, step 4 measures with that wasm-opt (--wasm-opt) and the
#   band is +-BAND_PCT% (the current Binaryen is held to 3%, 108 to 10%).
#
# Oracles, all read from the two files with WABT, none from forksize:
#   1. the real growth: the code sections of lg2.wasm and lg2_async.wasm;
#   2. the imports Emscripten let unwind: in lg2_async.wasm, exactly the calls
#      to those imports are followed by a test of Asyncify's state global;
#   3. the functions Emscripten instrumented: those that touch that global.
#      The functions it left alone must be, in number and in bytes, the ones
#      outside forksize's closure for the replicated roots.
# Then forksize measures the growth with those roots, and it must lie within
# +-10% (relative) of the real growth.
#
# The replicated roots.  Import names are minified and differ between the two
# builds; the JS glue shipped beside each module names them:
#   lg2_async.js lets 5 imports unwind: its Asyncify import pattern
#   ^(emscriptenhttp_do_get|emscriptenhttp_do_read|emscriptenhttp_do_post|...)$
#   (a.T, a.J, a.z) and the library functions it marks isAsync,
#   ___syscall_poll (a.E) and _fd_sync (a.W).
#   In lg2.js, ___syscall_poll is a.C and _fd_sync is a.T.  lg2.wasm has no
#   emscriptenhttp_do_* imports: there the same three calls are EM_ASM blocks,
#   which call _emscripten_asm_const_int, a.d (4 call sites: connect GET, read,
#   connect POST, and write, which stays synchronous in lg2_async).
# So the roots are import:a.C, import:a.T and import:a.d; oracle 3 checks that
# they give exactly the instrumented set.
set -euo pipefail
: "${FORKSIZE:?}" "${WASM_OBJDUMP:?}"
dir=$1
plain=$dir/lg2.wasm async=$dir/lg2_async.wasm
. "$(dirname "$0")/../lib/lib.sh"
t_init lg2_real.sh --fatal
for m in "$plain" "$async"; do t_module "$m"; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ROOTS=(--root import:a.C --root import:a.T --root import:a.d)
PEER=() BAND=10
if [ $# -ge 3 ]; then PEER=(--wasm-opt "$2"); BAND=$3; fi
OPT=-O3   # wasm-git's release builds are -O3 (README of the package)

section() {   # section payload size or count, from `wasm-objdump -h`: section field
  local v
  v=$("$WASM_OBJDUMP" -h "$1" | awk -v s="$2" -v f="$3" '$1 == s {
        if (f == "size") { sub(/.*size=/, ""); sub(/\).*/, "") } else { sub(/.*count: /, "") }
        print }')
  [ -n "$v" ] || fail "no $2 section in $1"
  printf '%d\n' "$v"   # hex -> decimal in bash: mawk has no strtonum
}
sizes() {     # "index size" of every defined function, from `wasm-objdump -x`
  "$WASM_OBJDUMP" -x -j Code "$1" | awk '/^ - func\[/ {
      i = $2; sub(/^func\[/, "", i); sub(/\].*/, "", i)
      for (k = 3; k <= NF; k++) if ($k ~ /^size=/) { s = $k; sub(/^size=/, "", s) }
      print i, s }'
}

# 1. The real growth, in basis points (integer arithmetic).
before=$(section "$plain" Code size) after=$(section "$async" Code size)
real_bp=$(( (after - before) * 10000 / before ))
echo "real: code $before -> $after (+$((after - before)) bytes, +$((real_bp / 100)).$(printf %02d $((real_bp % 100)))%)"

# 2. Asyncify's state global G is the one of the rewind test that opens every
#    instrumented function: global.get G; i32.const 2; i32.eq.  A call to an
#    import that may unwind is followed (within a few instructions, before any
#    other call or branch) by global.get G.
"$WASM_OBJDUMP" -d "$async" > "$tmp/async.dis"
nimp=$(section "$async" Import count)
G=$(awk -F'|' '{ ins = $2; sub(/^ +/, "", ins); sub(/ +$/, "", ins)
        if (p2 ~ /^global.get / && p1 == "i32.const 2" && ins == "i32.eq") { g = p2; sub(/^global.get /, "", g); n[g]++ }
        p2 = p1; p1 = ins }
      END { for (g in n) if (n[g] > best) { best = n[g]; G = g } print G }' "$tmp/async.dis")
[ -n "$G" ] || fail "no Asyncify rewind test in $async"
awk -F'|' -v N="$nimp" -v G="$G" '
  /^[0-9a-f]+ func\[/ { pend = 0; next }
  NF > 1 {
    ins = $2; sub(/^ +/, "", ins); sub(/ +$/, "", ins)
    if (ins ~ /^local\[/) next
    if (pend) {
      if (ins == "global.get " G) { chk[t]++; pend = 0 }
      else if (--left == 0 || ins ~ /^(call|call_indirect|return|br|br_if|br_table|if|else|end|block|loop)( |$)/) { unchk[t]++; pend = 0 }
    }
    if (ins ~ /^call [0-9]+( |$)/) { split(ins, w, " "); if (w[2] + 0 < N) { t = w[2] + 0; pend = 1; left = 4 } }
  }
  END { for (i = 0; i < N; i++) print i, chk[i] + 0, unchk[i] + 0 }' "$tmp/async.dis" > "$tmp/imports"
# An import is either always followed by the test or never.
mixed=$(awk '$2 > 0 && $3 > 0' "$tmp/imports")
[ -z "$mixed" ] || fail "imports with checked and unchecked calls: $mixed"
nasync=$(awk '$2 > 0' "$tmp/imports" | wc -l)
echo "lg2_async: state global $G; $nasync of $nimp imports may unwind (func index: $(awk '$2 > 0 { printf "%s ", $1 }' "$tmp/imports"))"
[ "$nasync" = 5 ] || fail "$nasync imports may unwind in lg2_async.wasm, want 5 (3 emscriptenhttp_do_*, __syscall_poll, fd_sync)"

# 3. The functions Emscripten instrumented touch G; the others it left alone.
awk -F'|' -v G="$G" '
  /^[0-9a-f]+ func\[/ { f = $0; sub(/^[0-9a-f]+ func\[/, "", f); sub(/\].*/, "", f); next }
  NF > 1 { ins = $2; sub(/^ +/, "", ins); sub(/ +$/, "", ins)
           if (ins == "global.get " G || ins == "global.set " G) print f }' "$tmp/async.dis" | sort -u > "$tmp/touched"
sizes "$async" > "$tmp/async.sizes"
read -r a_n a_bytes < <(awk 'NR == FNR { t[$1] = 1; next } !($1 in t) { n++; b += $2 } END { print n + 0, b + 0 }' \
  "$tmp/touched" "$tmp/async.sizes")
"$FORKSIZE" closure "$plain" "${ROOTS[@]}" --indirect asyncify > "$tmp/closure"
odd=$(grep -v '^func\[[0-9]*\]$' "$tmp/closure" || true)
[ -z "$odd" ] || fail "closure lines not of the form func[N]: $odd"
sed 's/^func\[\([0-9]*\)\]$/\1/' "$tmp/closure" > "$tmp/closure.idx"
sizes "$plain" > "$tmp/plain.sizes"
read -r p_n p_bytes < <(awk 'NR == FNR { t[$1] = 1; next } !($1 in t) { n++; b += $2 } END { print n + 0, b + 0 }' \
  "$tmp/closure.idx" "$tmp/plain.sizes")
echo "closure: $(wc -l < "$tmp/closure") functions; left alone: lg2_async $a_n functions ($a_bytes bytes), lg2 outside the closure $p_n ($p_bytes bytes)"
[ "$a_n" = "$p_n" ] && [ "$a_bytes" = "$p_bytes" ] \
  || fail "forksize's closure is not the set Emscripten instrumented: $p_n/$p_bytes outside vs $a_n/$a_bytes untouched"

# 4. forksize's measurement with the replicated roots, and the band.
"$FORKSIZE" --stats "${ROOTS[@]}" --indirect asyncify --apply asyncify "$OPT" "${PEER[@]}" -q \
  --format json -o "$tmp/r.json" "$plain"
mb=$(awk -F'[:,]' '/"code_bytes_before"/ { gsub(/[ \t]/, "", $2); print $2 }' "$tmp/r.json")
ma=$(awk -F'[:,]' '/"code_bytes_after"/ { gsub(/[ \t]/, "", $2); print $2 }' "$tmp/r.json")
[ -n "$mb" ] && [ -n "$ma" ] && [ "$mb" -gt 0 ] || fail "no code sizes in the report"
meas_bp=$(( (ma - mb) * 10000 / mb ))
diff_bp=$(( meas_bp > real_bp ? meas_bp - real_bp : real_bp - meas_bp ))
echo "measured ($OPT): code $mb -> $ma (+$((ma - mb)) bytes, +$((meas_bp / 100)).$(printf %02d $((meas_bp % 100)))%);" \
  "off by $((diff_bp / 100)).$(printf %02d $((diff_bp % 100))) points, band +-$((real_bp * BAND / 10000)).$(printf %02d $((real_bp * BAND / 100 % 100))) (${BAND}%)"
[ $((diff_bp * 100)) -le $((real_bp * BAND)) ] || fail "measured growth outside +-${BAND}% of the real growth"
echo "lg2_real.sh: ok"
