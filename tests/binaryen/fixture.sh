#!/bin/bash
# fixture.sh [--analysis-only] WASM WAT VARIANT [wasm-opt flags...]
#
# Runs closure.sh on a fixture twice -- analysis only, then the full rewrite
# (skipped with --analysis-only, for modules the rewrite aborts on) -- and
# checks both tools' sets against the list written in the fixture (known
# by construction, independent of either tool):
#   ;; expect VARIANT: NAME...          functions by their $id
#   ;; expect-index VARIANT: INDEX...   functions by index (for odd names)
# Exit 0 only when both runs agree and match the list.
set -u
here=$(cd "$(dirname "$0")" && pwd)
modes="analysis full"
if [ "${1:-}" = --analysis-only ]; then modes=analysis; shift; fi
[ $# -ge 3 ] || { echo "usage: fixture.sh [--analysis-only] WASM WAT VARIANT [wasm-opt flags...]" >&2; exit 2; }
wasm=$1 wat=$2 variant=$3; shift 3

byname=$(sed -n "s/^;; expect $variant:\(.*\)$/\1/p" "$wat")
byindex=$(sed -n "s/^;; expect-index $variant:\(.*\)$/\1/p" "$wat")
n=$(grep -c -e "^;; expect $variant:" -e "^;; expect-index $variant:" "$wat")
[ "$n" -eq 1 ] || { echo "fixture.sh: $wat has $n expectations for '$variant' (want 1)" >&2; exit 2; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for mode in $modes; do
    mkdir -p "$tmp/$mode"
    echo "=== $mode"
    if [ $mode = full ]; then flag=--full; else flag=; fi
    CLOSURE_OUT_DIR=$tmp/$mode "$here/closure.sh" $flag "$wasm" "$@"
    st=$?
    [ $st -le 1 ] || exit $st
    [ $st -eq 0 ] || status=1

    # The expected indices, through forksize's own rows for names (fixture
    # names are unique $ids, read the same by both tools).
    if [ -n "$byname" ] || [ -z "$byindex" ]; then
        for name in $byname; do
            idx=$(awk -F'\t' -v n="$name" '$3 == n { print $1 }' "$tmp/$mode/f.rows")
            [ -n "$idx" ] || { echo "fixture.sh: no function named '$name'" >&2; exit 2; }
            echo "$idx"
        done
    else
        printf '%s\n' $byindex
    fi | sort -n >"$tmp/$mode/want"
    for tool in forksize binaryen; do
        set_file=$tmp/$mode/${tool:0:1}.set
        if ! cmp -s "$tmp/$mode/want" "$set_file"; then
            echo "expected ($variant): $(tr '\n' ' ' <"$tmp/$mode/want")"
            echo "$tool gave:    $(tr '\n' ' ' <"$set_file")"
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "PASS: both tools match the fixture's list" || echo "FAIL"
exit $status
