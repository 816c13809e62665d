#!/usr/bin/env bash
# One workload correctness check: run WORKLOAD on one variant of its module and
# require exactly the output of the reference.
#
# Usage: run.sh WORKLOAD VARIANT_DIR VARIANT
#   WORKLOAD  lua | sqlite | forksh (the script WORKLOAD.mjs beside this file)
#   VARIANT   original | o2 | asyncify-o2 | forkinstr-naive | forkinstr-cse | forkinstr-live |
#             forkinstr-trampoline | forkinstr-hints | forkinstr-hot |
#             forkinstr-hotall (node runs every variant with
#             --experimental-wasm-branch-hinting, which only a module with a hint
#             section notices)
#             (forksh also: native)
#   c-PROG    a C program of tests/runtime/progs run by cprog.mjs (VARIANT_DIR
#             from variants.sh on its wasm build); the original is held to
#             tests/runtime/progs/PROG.expected, the others to the original
# The reference for `original` is expected/WORKLOAD.out, the output of the
# shipped module as its own package runs it (the real program is the oracle).
# Every other variant must print exactly what `original` prints, run here
# again, so a wrong expected file cannot hide a wrong variant.  No timing is
# asserted: the workload's timing line on stderr is only checked to exist, so
# the timer path the benchmark reads keeps working.
#
# forksh is different: its pipelines fork, and only a module with the
# asyncify_* exports can fork.  So every variant is held to
# expected/forksh.out, derived by hand from forksh.mjs's scripts: the
# instrumented ones (asyncify-o2, forkinstr-*) exactly; the original and
# Binaryen -O2 alone, which cannot fork, to its nofork lines followed by
# forksh.mjs's "pipe: not run" line.  VARIANT native builds forksh natively
# (corpus/forksh/build.sh --native, real fork/pipe/waitpid, $NATIVE_CC) into
# VARIANT_DIR and holds it to the whole file: the oracle of the oracle.
set -euo pipefail
wl=$1 dir=$2 variant=$3
here=$(cd "$(dirname "$0")" && pwd)
node=${NODE:-node}
fail() { echo "workloads/run.sh: $wl.$variant: FAILED: $*" >&2; exit 1; }
repo=$(cd "$here/../.." && pwd)
case $wl in
lua|sqlite)
  [ -d "$repo/node_modules/wasmoon" ] || fail "no $repo/node_modules/wasmoon: run scripts/npm-deps.sh (npm ci)" ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$wl" = forksh ] && [ "$variant" = native ]; then
  mkdir -p "$dir"
  CC=${NATIVE_CC:-cc} "$repo/corpus/forksh/build.sh" --native "$dir/forksh-native" 2>"$tmp/build.err" ||
    { cat "$tmp/build.err" >&2; fail "corpus/forksh/build.sh --native failed"; }
  st=0
  timeout 300 "$node" "$here/forksh.mjs" --native "$dir/forksh-native" >"$tmp/v.out" 2>"$tmp/v.err" || st=$?
  [ $st -eq 0 ] || { cat "$tmp/v.err" >&2; fail "node forksh.mjs --native exited $st"; }
  if ! cmp -s "$here/expected/forksh.out" "$tmp/v.out"; then
    diff "$here/expected/forksh.out" "$tmp/v.out" >&2 || true
    fail "the native build's output differs from expected/forksh.out"
  fi
  echo "ok: forksh.native: $(wc -l <"$tmp/v.out") result lines equal expected/forksh.out"
  exit 0
fi
m=$dir/$variant.wasm
[ -f "$m" ] || fail "missing $m (the variants fixture did not run)"

runwl() { # MODULE OUT ERR
  local st=0
  local script=$here/$wl.mjs extra=()
  case $wl in c-*) script=$here/cprog.mjs extra=("${wl#c-}") ;; esac
  timeout 300 "$node" --experimental-wasm-branch-hinting "$script" "$1" 2 "${extra[@]}" >"$2" 2>"$3" || st=$?
  [ $st -eq 0 ] || { cat "$3" >&2; fail "node $wl.mjs $(basename "$1") exited $st"; }
  grep -q "\"workload\":\"$wl\"" "$3" || fail "no timing line on stderr for $(basename "$1")"
}

runwl "$m" "$tmp/v.out" "$tmp/v.err"
if [ "$wl" = forksh ]; then
  want=$tmp/want.out
  case $variant in
  original|o2)   # cannot fork: the nofork part only
    grep -v '^pipe\.' "$here/expected/forksh.out" >"$want"
    echo 'pipe: not run: the module has no asyncify_* exports, so env.fork cannot unwind' >>"$want"
    ;;
  *) cp "$here/expected/forksh.out" "$want" ;;
  esac
elif [ "${wl#c-}" != "$wl" ] && [ "$variant" = original ]; then
  # A C program of tests/runtime: its .expected there, derived by hand, in
  # cprog.mjs's format (this holds for programs with nothing on stderr).
  exp=$repo/tests/runtime/progs/${wl#c-}.expected
  want=$tmp/want.out
  { echo "status $(awk '/^# exit / { print $3 }' "$exp")"; echo '--- stdout'; grep -v '^#' "$exp"; echo '--- stderr'; } >"$want"
elif [ "$variant" = original ]; then
  want=$here/expected/$wl.out
else
  want=$tmp/o.out
  runwl "$dir/original.wasm" "$want" "$tmp/o.err"
fi
if ! cmp -s "$want" "$tmp/v.out"; then
  diff "$want" "$tmp/v.out" >&2 || true
  case $wl.$variant in
  forksh.*) fail "output differs from expected/forksh.out$(case $variant in original|o2) echo ' (its nofork part)' ;; esac)" ;;
  *.original) fail "output differs from $want" ;;
  *) fail "output differs from the original's" ;;
  esac
fi
lines=$(wc -l <"$tmp/v.out")
[ "$lines" -ge 4 ] || fail "only $lines result lines"
echo "ok: $wl.$variant: $lines result lines equal"
