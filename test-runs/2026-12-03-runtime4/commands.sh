#!/usr/bin/env bash
# commands.sh - the runtime benchmark of the test run "runtime4" (2026-12-03), written by
# scripts/test-run.sh --runtime.  Its figures are timings: running it again gives
# new ones (the benchmark prints their change against the newest recorded run).
#   bash commands.sh OUT_DIR     FORKSIZE, WASM_OPT and FORKSIZE_REPO as for a corpus run
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bash commands.sh OUT_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=${FORKSIZE_REPO:-$(cd "$here/../.." && pwd)}
[ -f "$repo/scripts/runtime-bench.sh" ] || repo=/work/main
FORKSIZE=${FORKSIZE:-$repo/build/forksize} "$repo/scripts/runtime-bench.sh" --reps 5 --iters 8 --out "$1"
