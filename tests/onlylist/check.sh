#!/bin/bash
# check.sh MODULE LIST EXPECTED_OUTPUT EXPECTED_STATUS [options...]
#
# Runs `forksize check-onlylist MODULE LIST [options]` in a scratch
# directory holding copies of both (so the report names them by their
# base names) and compares its standard output with EXPECTED_OUTPUT, a
# file written by hand from the fixture, and its exit status.  With
# FORKSIZE_REGEN_GOLDEN=1 (only 1) EXPECTED_OUTPUT is rewritten instead:
# check it against the fixture by hand before committing.
set -u
. "$(dirname "$0")/../lib/lib.sh"
FORKSIZE=${FORKSIZE:-forksize}
[ $# -ge 4 ] || { echo "usage: check.sh MODULE LIST EXPECTED_OUTPUT EXPECTED_STATUS [options...]" >&2; exit 2; }
module=$1 list=$2 golden=$3 want=$4; shift 4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cp "$module" "$list" "$tmp/" || exit 2
(cd "$tmp" && "$FORKSIZE" check-onlylist "$(basename "$module")" "$(basename "$list")" "$@" >out 2>err)
st=$?
if t_regen; then
    cp "$tmp/out" "$golden" && echo "check.sh: wrote $golden"
    exit
fi
status=0
if ! diff -u "$golden" "$tmp/out"; then
    echo "FAIL: output differs from $golden"; status=1
fi
if [ $st -ne "$want" ]; then
    echo "FAIL: exit status $st, expected $want"; cat "$tmp/err"; status=1
fi
[ $status = 0 ] && echo "PASS (exit $st)"
exit $status
