#!/usr/bin/env bash
# regen-golden.sh [BUILD_DIR]
#
# Rewrites tests/golden/expected/*.golden from the current forksize:
# configures BUILD_DIR (default: a temporary directory, removed after)
# with -DFORKSIZE_REGEN_GOLDEN=ON, builds forksize and the fixtures, runs
# the golden tests (which then write instead of compare), and finally
# switches BUILD_DIR back to compare mode and runs them once more.
#
# Stale expectations are removed first, so a renamed variant leaves no
# orphan.  A regenerated file is only as right as forksize: read `git
# diff tests/golden/expected` and check each changed number against the
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
(cd "$build" && ctest -R '^golden\.' -E '^golden\.orphans$' --output-on-failure)

# Never leave a build directory that silently rewrites goldens.
cmake -S "$root" -B "$build" -DFORKSIZE_REGEN_GOLDEN=OFF >/dev/null
(cd "$build" && ctest -R '^golden\.' --output-on-failure)

n=$(ls "$root"/tests/golden/expected/*.golden | wc -l)
echo "regen-golden: $n expected files written; review: git diff -- tests/golden/expected"
