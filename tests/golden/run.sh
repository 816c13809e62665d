#!/usr/bin/env bash
# run.sh FIXTURE.wat VARIANT EXPECTED_DIR
#
# One golden test: runs `forksize --stats FIXTURE.wasm ARGS` from the
# current directory (where the build put FIXTURE.wasm), with ARGS taken
# from the fixture's line
#   ;; RUN VARIANT: ARGS
# (split on spaces; no quoting, and globs are passed through literally).
# The status, stderr and stdout are written into one text and compared
# with EXPECTED_DIR/FIXTURE.VARIANT.golden (diff -u; exit 1 on mismatch).
# With FORKSIZE_REGEN_GOLDEN=1 (only that value; ctest passes 0 or 1 from
# -DFORKSIZE_REGEN_GOLDEN), the expected file is rewritten instead.
#
# Reproducibility: the module is named by a relative path, so the path
# in the output does not depend on the build directory, and the members
# of the JSON "timing" object (analyze_ms and other wall-clock times) are
# dropped.  The sha256 and byte sizes are kept: wat2wasm 1.0.32 output
# is deterministic.  Another wat2wasm version may encode the fixtures
# differently (section order, LEB padding, name-section contents); then
# the sha256, module and code-section sizes and body bytes change, and
# the goldens must be regenerated and each number re-checked against the
# fixture's comment.  The tool version is written as VERSION.
set -euo pipefail
set -f

# run.sh --orphans FIXTURE_DIR EXPECTED_DIR: every expected file must
# belong to a fixture's RUN line (a renamed variant leaves a stale file).
if [ "${1:-}" = --orphans ] && [ $# -eq 3 ]; then
    bad=0
    set +f                   # this loop needs the glob
    for f in "$3"/*.golden; do
        [ -e "$f" ] || continue
        base=$(basename "$f" .golden)
        fx=${base%%.*} var=${base#*.}
        if ! grep -q -E "^;; RUN $var:" "$2/$fx.wat" 2>/dev/null; then
            echo "run.sh: $f belongs to no fixture variant ($fx.wat has no RUN $var)" >&2
            bad=1
        fi
    done
    exit $bad
fi
if [ $# -ne 3 ]; then
    echo "usage: run.sh FIXTURE.wat VARIANT EXPECTED_DIR" >&2
    exit 2
fi
wat=$1 variant=$2 expdir=$3
fixture=$(basename "$wat" .wat)
: "${FORKSIZE:?FORKSIZE must name the forksize binary}"

line=$(grep -m1 -E "^;; RUN $variant:" "$wat" || true)
if [ -z "$line" ]; then
    echo "run.sh: $wat has no ';; RUN $variant:' line" >&2
    exit 2
fi
read -r -a args <<< "${line#*"$variant:"}"
if [ ! -f "$fixture.wasm" ]; then
    echo "run.sh: $PWD/$fixture.wasm is missing (build the golden_fixtures target)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$("$FORKSIZE" --version | awk '{ print $2 }')
status=0
"$FORKSIZE" --stats "$fixture.wasm" "${args[@]}" >"$work/stdout" 2>"$work/stderr" || status=$?
{
    printf ';; forksize --stats %s.wasm %s\n' "$fixture" "${args[*]}"
    printf ';; exit status: %d\n' "$status"
    printf ';; stderr:\n'
    cat "$work/stderr"
    printf ';; stdout:\n'
    # JSON: keep the "timing" object but drop its members (wall-clock
    # times such as analyze_ms).  The tool version becomes VERSION, so a
    # release bump does not rewrite every golden.  The rest is compared
    # as is.
    awk -v text="forksize $version " -v json="\"version\":\t\"$version\"" '
        function swap(s, from, to,   i) {
            i = index(s, from)
            return i ? substr(s, 1, i - 1) to substr(s, i + length(from)) : s
        }
        skip && /^[[:space:]]*}/ { skip = 0 }
        !skip {
            if (index($0, text) == 1)
                $0 = swap($0, text, "forksize VERSION ")
            print swap($0, json, "\"version\":\t\"VERSION\"")
        }
        /"timing":[[:space:]]*\{[[:space:]]*$/ { skip = 1 }' "$work/stdout"
} > "$work/actual"

expected="$expdir/$fixture.$variant.golden"
. "$(dirname "$0")/../lib/lib.sh"
if t_regen; then
    mkdir -p "$expdir"
    cp "$work/actual" "$expected"
    echo "run.sh: wrote $expected"
    exit 0
fi

if [ ! -f "$expected" ]; then
    echo "run.sh: $expected is missing; run scripts/regen-golden.sh and check it by hand" >&2
    exit 1
fi
if ! diff -u --label "expected/$fixture.$variant.golden" --label actual "$expected" "$work/actual"; then
    echo "run.sh: golden mismatch for $fixture.$variant (see the fixture's comment for the hand-derived values)" >&2
    exit 1
fi
