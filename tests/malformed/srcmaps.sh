#!/bin/bash
# srcmaps.sh - broken source maps (srcmaps/NAME.map) given to `forksize
# instrument --source-map`: each must be refused with exit 2 before the
# module is analyzed, with exactly one line on stderr, "forksize: MAP: " and
# then NAME.want: what is wrong and where (a byte offset into the JSON, or
# the index of the character in "mappings"), worked out from the bytes of
# the .map by hand; nothing on stdout, and neither output file written.
#
#   srcmaps.sh DIR MODULE.wasm     (environment: FORKSIZE)
set -u
FORKSIZE=${FORKSIZE:?FORKSIZE must name the forksize binary}
DIR=${1:?usage: srcmaps.sh DIR MODULE.wasm}
MODULE=${2:?usage: srcmaps.sh DIR MODULE.wasm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
n=0
for map in "$DIR"/*.map; do
    n=$((n + 1))
    name=$(basename "$map" .map)
    timeout 10 "$FORKSIZE" instrument "$MODULE" -o "$tmp/out.wasm" --source-map "$map" \
        --source-map-out "$tmp/out.map" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want="forksize: $map: $(cat "$DIR/$name.want")"
    if [ "$rc" != 2 ] || [ "$(cat "$tmp/err")" != "$want" ] || [ -s "$tmp/out" ] ||
       [ -e "$tmp/out.wasm" ] || [ -e "$tmp/out.map" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc, stderr: $(head -c 300 "$tmp/err")" >&2
        echo "     want exit 2, stderr: $want, no output file" >&2
    else
        pass=$((pass + 1))
    fi
    rm -f "$tmp/out.wasm" "$tmp/out.map"
done
# every .map has its .want and the other way round; an empty DIR tests nothing
nwant=$(ls "$DIR"/*.want | wc -l)
if [ "$n" -lt 20 ] || [ "$nwant" != "$n" ]; then
    fail=$((fail + 1))
    echo "FAIL: $n maps and $nwant .want files in $DIR (want the same number, at least 20)" >&2
fi
echo "broken source maps: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
