#!/usr/bin/env bash
# regen-golden.sh [BUILD_DIR]
#
# Rewrites every golden file from the current forksize: the tests labelled
# `golden` (tests/golden/expected/*.golden, tests/compare/expected/,
# tests/diff/expected/base_new.txt, tests/onlylist/expected/).  It
# configures BUILD_DIR (default: a temporary directory, removed after) with
# -DFORKSIZE_REGEN_GOLDEN=ON, the one switch (ctest then passes
# FORKSIZE_REGEN_GOLDEN=1 to those tests, which write instead of compare),
# builds, runs them, and finally switches BUILD_DIR back to compare mode
# and runs them once more.
#
# Stale tests/golden expectations are removed first, so a renamed variant
# leaves no orphan.  A regenerated file is only as right as forksize: read
# `git diff tests/*/expected` and check each changed number against the
# hand derivation in the fixture's comment before committing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
    build=$1
    cleanup=
else
    build=$(mktemp -d "${TMPDIR:-/tmp}/forksize-regen-golden.XXXXXX")
    cleanup=$build
fi
trap '[ -z "$cleanup" ] || rm -rf "$cleanup"' EXIT

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DFORKSIZE_REGEN_GOLDEN=ON >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null

rm -f "$root"/tests/golden/expected/*.golden
(cd "$build" && ctest -L golden -E '^golden\.orphans$' --no-tests=error --output-on-failure)

# Never leave a build directory that silently rewrites goldens.
cmake -S "$root" -B "$build" -DFORKSIZE_REGEN_GOLDEN=OFF >/dev/null
(cd "$build" && ctest -L golden --no-tests=error --output-on-failure)

echo "regen-golden: golden files rewritten; review: git diff -- tests/*/expected"
