#!/usr/bin/env bash
# assemble.sh WAT2WASM FIXTURE.wat OUT.wasm
#
# Assembles one golden fixture.  The fixture's header says how:
#   ;; WAT2WASM: <flags>       flags for wat2wasm (e.g. --debug-names)
#   ;; APPEND-HEX: <bytes>     optional; hex bytes appended to the module
#                              (a hand-made custom section that WAT cannot
#                              spell, such as a malformed "name" section)
set -euo pipefail
set -f                       # flags are split on spaces, never globbed

wat2wasm=$1 wat=$2 out=$3

flags_line=$(grep -m1 -E '^;; WAT2WASM:' "$wat" || true)
if [ -z "$flags_line" ]; then
    echo "assemble.sh: $wat has no ';; WAT2WASM:' line" >&2
    exit 1
fi
read -r -a flags <<< "${flags_line#*:}"

tmp="$out.tmp"
"$wat2wasm" "${flags[@]}" "$wat" -o "$tmp"

{ grep -E '^;; APPEND-HEX:' "$wat" || true; } | while IFS= read -r line; do
    for byte in ${line#*:}; do
        case $byte in
        [0-9a-fA-F][0-9a-fA-F]) printf "\\x$byte" ;;
        *) echo "assemble.sh: $wat: bad hex byte '$byte'" >&2; exit 1 ;;
        esac
    done >> "$tmp"
done
mv "$tmp" "$out"
