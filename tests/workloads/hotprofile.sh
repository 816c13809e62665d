#!/usr/bin/env bash
# hotprofile.sh MODULE - forksize instrument --hot-profile end to end, on
# tests/runtime/progs/hot.c's module (its loop is run()):
#   - a `node --cpu-prof` profile of the original under cprog.mjs makes run
#     the hottest pick, and a normal-path copy is made;
#   - the output prints exactly what the original prints;
#   - the same profile against another build of the module (the
#     instrumented one, whose bodies moved), a file that is not a profile,
#     and --hot-share outside 1..100 all exit 2, writing nothing.
# Env: FORKSIZE, NODE.
set -euo pipefail
m=${1:?usage: hotprofile.sh MODULE}
: "${FORKSIZE:?}" "${NODE:?}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "workloads/hotprofile.sh: FAIL: $*" >&2; exit 1; }
[ -f "$m" ] || fail "missing $m (the runtime.build fixture builds it)"

"$NODE" --cpu-prof --cpu-prof-dir="$tmp/prof" "$here/cprog.mjs" "$m" 4 hot >"$tmp/orig.out" 2>/dev/null ||
  fail "the profiling run failed"
prof=$(ls "$tmp"/prof/*.cpuprofile)
"$FORKSIZE" instrument "$m" -o "$tmp/hot.wasm" --root 'import:*' --indirect asyncify \
  --hot-profile "$prof" 2>"$tmp/hot.err" || { cat "$tmp/hot.err" >&2; fail "instrument --hot-profile failed"; }
first=$(grep -m1 -e '--hot-profile: ' "$tmp/hot.err" || true)
case $first in
  *"--hot-profile: run (index "*) ;;
  *) cat "$tmp/hot.err" >&2; fail "the hottest pick is not run(): '$first'" ;;
esac
grep -E -e '--hot: [1-9][0-9]* closure functions got a normal-path copy' "$tmp/hot.err" >/dev/null ||
  { cat "$tmp/hot.err" >&2; fail "no normal-path copy was made"; }
"$NODE" "$here/cprog.mjs" "$tmp/hot.wasm" 4 hot >"$tmp/hot.out" 2>/dev/null || fail "the output did not run"
cmp -s "$tmp/orig.out" "$tmp/hot.out" || { diff "$tmp/orig.out" "$tmp/hot.out" >&2 || true; fail "the output prints otherwise"; }
echo "ok: $first; output equal to the original's"

bad() { # WHAT EXPECTED-TEXT ARGS...
  local what=$1 want=$2 st=0
  shift 2
  "$FORKSIZE" instrument "$@" -o "$tmp/bad.wasm" --root 'import:*' 2>"$tmp/bad.err" || st=$?
  [ "$st" -eq 2 ] || { cat "$tmp/bad.err" >&2; fail "$what: exit $st, expected 2"; }
  grep -qF -e "$want" "$tmp/bad.err" || { cat "$tmp/bad.err" >&2; fail "$what: the message does not say '$want'"; }
  [ ! -e "$tmp/bad.wasm" ] || fail "$what: something was written"
  echo "ok: $what: exit 2: $(head -1 "$tmp/bad.err")"
}
bad "another build's profile" "was it taken on another build" "$tmp/hot.wasm" --hot-profile "$prof"
echo '{"nodes": 3}' >"$tmp/not.cpuprofile"
bad "not a profile" "not a CPU profile" "$m" --hot-profile "$tmp/not.cpuprofile"
bad "--hot-share 0" "a whole percentage, 1 to 100" "$m" --hot-profile "$prof" --hot-share 0
