#!/usr/bin/env bash
# baseline.sh - keep forkinstr's wins: compare the current build with the
# committed baseline of one module, at every stage, through forksize's own
# diff gate.
#
#   baseline.sh check  NAME   gate NAME (a corpus module, or forksh) against
#                             forkinstr/NAME.STAGE.json, STAGE naive, cse, live,
#                             trampoline
#   baseline.sh update NAME   rewrite those files from the current build
#
# Each baseline is `forksize --stats MODULE --root 'import:*' --stages STAGE
# --format json --summary`: forkinstr's exact bytes (code section, terms) and
# its normal-path proxy, all deterministic.  check runs the same command on
# the current build and `forksize diff BASELINE CURRENT --fail-above 0`: more
# added bytes, or more normal-path instructions, than the baseline fails
# with diff's one-line reason.  Fewer passes, with a note that the baseline
# can be lowered.  Updating is a deliberate commit that says why
# (scripts/update-baseline.sh runs update for every module).
#
# Env: FORKSIZE, FORKSIZE_CORPUS_DIR, FORKSIZE_BUNDLED, BASELINE_DIR (default:
# the forkinstr/ folder beside this script), TESTLIB.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "${TESTLIB:-$here/../lib}/lib.sh"
[ $# -eq 2 ] || { echo "usage: baseline.sh check|update NAME" >&2; exit 2; }
what=$1 name=$2
t_init "baseline.$name"
dir=${BASELINE_DIR:-$here/forkinstr}
: "${FORKSIZE:?}"
if [ "$name" = forksh ]; then
    mod=${FORKSIZE_BUNDLED:-$here/../../corpus/forksh.wasm}
else
    mod=${FORKSIZE_CORPUS_DIR:?}/$name.wasm
    t_module "$mod"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The module is named by its file name only, so a baseline does not carry
# the path of whoever wrote it.
cp "$mod" "$work/$name.wasm" || { fail "cannot copy $mod"; t_done; }

for stage in naive cse live trampoline; do
    base=$dir/$name.$stage.json
    cur=$work/$name.$stage.json
    if ! (cd "$work" && "$FORKSIZE" --stats "$name.wasm" --root 'import:*' --stages "$stage" \
            --format json --summary -q -o "$cur"); then
        fail "$stage: forksize --stats failed"
        continue
    fi
    if [ "$what" = update ]; then
        mkdir -p "$dir" && cp "$cur" "$base" && ok "$stage: wrote $base"
        continue
    fi
    [ -f "$base" ] || { fail "$stage: no baseline $base (scripts/update-baseline.sh writes it)"; continue; }
    st=0
    "$FORKSIZE" diff "$base" "$cur" --fail-above 0 --format json -q -o "$work/d.json" \
        2>"$work/err" || st=$?
    case $st in
    0)
        # the numbers the gate compared, for the log
        "$JFLAT" "$work/d.json" >"$work/flat" || { fail "$stage: cannot read diff's JSON"; continue; }
        ab=$(awk -F= '$1 == "totals.added_bytes.change" { print $2 }' "$work/flat")
        np=$(awk -F= '$1 == "normal_path.total.change" { print $2 }' "$work/flat")
        [ -n "$ab" ] && [ -n "$np" ] || { fail "$stage: diff's JSON lacks the added bytes or the normal path"; continue; }
        if [ "$ab" -lt 0 ] || [ "$np" -lt 0 ]; then
            ok "$stage: below the baseline (added bytes $ab, normal path $np): scripts/update-baseline.sh keeps the win"
        else
            ok "$stage: at the baseline (added bytes $ab, normal path $np)"
        fi
        ;;
    1) fail "$stage: $(cat "$work/err") (baseline $base)" ;;
    *) fail "$stage: forksize diff exit $st: $(cat "$work/err")" ;;
    esac
done
t_done
