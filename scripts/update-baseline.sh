#!/usr/bin/env bash
# update-baseline.sh [BUILD_DIR] - rewrite tests/baseline/forkinstr/ from the
# current forksize: every corpus module (corpus/modules.list) and forksh, at
# stages naive, cse, live and trampoline (tests/baseline/baseline.sh update).
#
# The baseline is what CI holds forkinstr to (tests/baseline): updating it
# is a deliberate commit whose message says why the numbers moved.  Read
# `git diff --stat tests/baseline` and the totals before committing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
forksize=$build/forksize
[ -x "$forksize" ] || { echo "update-baseline: no $forksize (build first: scripts/build.sh)" >&2; exit 1; }
jflat=$(find "$build" -name test_jflat -type f -perm -u+x | head -1)
[ -n "$jflat" ] || { echo "update-baseline: no test_jflat under $build" >&2; exit 1; }
corpus=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
names=$(grep -v '^#' "$root/corpus/modules.list" | sed -n 's/^\([A-Za-z0-9_.-]*\)\.wasm|.*/\1/p')
for n in $names forksh; do
    FORKSIZE=$forksize JFLAT=$jflat FORKSIZE_CORPUS_DIR=$corpus \
        FORKSIZE_BUNDLED=$root/corpus/forksh.wasm TESTLIB=$root/tests/lib \
        bash "$root/tests/baseline/baseline.sh" update "$n"
done
echo "update-baseline: wrote $(ls "$root/tests/baseline/forkinstr" | wc -l) files; review git diff tests/baseline"
