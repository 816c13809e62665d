#!/bin/bash
# reports.sh - broken saved reports (reports/*.json) as `forksize diff`'s
# input: each is diffed against itself and must be refused with exit 2
# and one message naming the file, never read into a wrong diff.
#
#   reports.sh DIR     (environment: FORKSIZE)
set -u
FORKSIZE=${FORKSIZE:?FORKSIZE must name the forksize binary}
DIR=${1:?usage: reports.sh DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for json in "$DIR"/*.json; do
    name=$(basename "$json" .json)
    timeout 20 "$FORKSIZE" diff "$json" "$json" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" != 2 ] || ! grep -q "^forksize: $json: " "$tmp/err" || [ -s "$tmp/out" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc (expected 2 and one message naming the file): $(head -c 300 "$tmp/err")" >&2
    else
        pass=$((pass + 1))
    fi
done
echo "broken reports: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
