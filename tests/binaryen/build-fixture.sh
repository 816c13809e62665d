#!/bin/bash
# build-fixture.sh WAT2WASM IN.wat OUT.wasm
#
# Assembles a fixture.  Directives in the .wat's comments:
#   ;; wat2wasm: FLAGS       extra wat2wasm flags (features)
#   ;; name N TEXT          give function N the name TEXT (printf %b escapes,
#                           so any byte but NUL can be written)
# Without "name" lines the $ids become the name section (--debug-names).
# With them, the module is assembled without names and a "name" custom
# section holding exactly those entries is appended: WAT identifiers cannot
# hold spaces, commas, quotes, line breaks or duplicates, real name sections
# can, and Binaryen renames such names on reading.
set -eu
wat2wasm=$1 in=$2 out=$3

flags=$(sed -n 's/^;; wat2wasm: //p' "$in")
names=$(grep -c '^;; name [0-9]' "$in" || true)

if [ "$names" -eq 0 ]; then
    # shellcheck disable=SC2086  # FLAGS is a word list
    exec "$wat2wasm" --debug-names $flags "$in" -o "$out"
fi

# An unsigned LEB128, as printf escapes.
leb() {
    local v=$1 s="" b
    while :; do
        b=$((v & 127)); v=$((v >> 7))
        if [ "$v" -ne 0 ]; then s+=$(printf '\\x%02x' $((b | 128))); else s+=$(printf '\\x%02x' $b); break; fi
    done
    printf '%s' "$s"
}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
"$wat2wasm" $flags "$in" -o "$tmp/m.wasm"

# Subsection 1 (function names): count, then (index, name) in index order.
printf "$(leb "$names")" >"$tmp/sub"
while read -r _ _ idx text; do
    printf '%b' "$text" >"$tmp/name"
    printf "$(leb "$idx")" >>"$tmp/sub"
    printf "$(leb "$(wc -c <"$tmp/name")")" >>"$tmp/sub"
    cat "$tmp/name" >>"$tmp/sub"
done < <(grep '^;; name [0-9]' "$in" | sort -n -k3)
{ printf '\x04name\x01'; printf "$(leb "$(wc -c <"$tmp/sub")")"; cat "$tmp/sub"; } >"$tmp/sec"
{ cat "$tmp/m.wasm"; printf '\x00'; printf "$(leb "$(wc -c <"$tmp/sec")")"; cat "$tmp/sec"; } >"$tmp/out"
mv "$tmp/out" "$out"
