#!/bin/bash
# binary.sh - hand-written binary modules (binary/*.hex) through
# `forksize --stats`: the binary format's rules one at a time, and the
# inputs the fuzzers crashed on (tests/fuzz/).
#
#   binary.sh DIR     (environment: FORKSIZE; WASM_VALIDATE optional)
#
# A fixture is hex text: two hex digits a byte, white space ignored,
# '#' starts a comment.  Header comments say what to expect:
#
#   # expect: 2          exit status; "0|3" allows either (3 = no root)
#   # offset: 0x1a       for expect 2: the offset the message must name
#   # args: --root ...   extra arguments (before the module)
#   # stdout: TEXT       for expect 0: a line of the text report must start
#                        with TEXT (repeatable)
#   # binaryen132: ok|error  what Binaryen 132 (npm, WASM_OPT_132) says when it
#                        reads the module with --all-features; checked when
#                        WASM_OPT_132 is set
#   # wabt: ok|error     what wasm-validate --enable-all (WABT 1.0.32) says;
#                        checked when WASM_VALIDATE is set, and a
#                        disagreement with forksize is allowed only where
#                        the fixture says so ("# wabt: error" on a module
#                        forksize accepts means WABT is stricter: invalid,
#                        not malformed, or a proposal WABT lacks)
#
# An exit of 2 must come with "offset 0x..." inside the file.
set -u
FORKSIZE=${FORKSIZE:?FORKSIZE must name the forksize binary}
DIR=${1:?usage: binary.sh DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
bad() { fail=$((fail + 1)); echo "FAIL $1: $2" >&2; }

for hex in "$DIR"/*.hex; do
    name=$(basename "$hex" .hex)
    wasm=$tmp/$name.wasm
    # hex text to bytes with printf alone (xxd is not a test dependency)
    printf '%b' "$(sed 's/#.*//' "$hex" | tr -d ' \t\n\r' | sed 's/../\\x&/g')" >"$wasm"
    expect=$(sed -n 's/^# *expect: *//p' "$hex" | head -1)
    offset=$(sed -n 's/^# *offset: *//p' "$hex" | head -1)
    args=$(sed -n 's/^# *args: *//p' "$hex" | head -1)
    wabt=$(sed -n 's/^# *wabt: *\([a-z]*\).*/\1/p' "$hex" | head -1)
    if [ -z "$expect" ]; then
        bad "$name" "no '# expect:' line"
        continue
    fi
    # shellcheck disable=SC2086  # args are words by design
    timeout 20 "$FORKSIZE" --stats $args "$wasm" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    msg=$(head -c 400 "$tmp/err")
    if ! [[ "|$expect|" == *"|$rc|"* ]]; then
        bad "$name" "exit $rc, expected $expect: $msg"
        continue
    fi
    if [ "$rc" = 2 ]; then
        got=$(grep -o 'offset 0x[0-9a-f]*' "$tmp/err" | head -1 | cut -d' ' -f2)
        size=$(stat -c %s "$wasm")
        if [ -z "$got" ] || [ $((got)) -gt "$size" ]; then
            bad "$name" "exit 2 without an offset inside the file: $msg"
            continue
        fi
        if [ -n "$offset" ] && [ $((got)) != $((offset)) ]; then
            bad "$name" "offset $got, expected $offset: $msg"
            continue
        fi
    fi
    missing=
    while IFS= read -r want; do
        [ -n "$want" ] || continue
        grep -qF -- "$want" <(cut -c1-${#want} "$tmp/out") || missing=$want
    done < <(sed -n 's/^# *stdout: *//p' "$hex")
    if [ -n "$missing" ]; then
        bad "$name" "no report line starts with '$missing'"
        continue
    fi
    b132=$(sed -n 's/^# *binaryen132: *\([a-z]*\).*/\1/p' "$hex" | head -1)
    if [ -n "${WASM_OPT_132:-}" ] && [ -n "$b132" ]; then
        if "$WASM_OPT_132" --all-features "$wasm" -o "$tmp/b132.wasm" >/dev/null 2>&1; then w=ok; else w=error; fi
        if [ "$w" != "$b132" ]; then
            bad "$name" "Binaryen 132 says $w, the fixture says $b132"
            continue
        fi
    fi
    if [ -n "${WASM_VALIDATE:-}" ] && [ -n "$wabt" ]; then
        if "$WASM_VALIDATE" --enable-all "$wasm" >/dev/null 2>&1; then w=ok; else w=error; fi
        if [ "$w" != "$wabt" ]; then
            bad "$name" "wasm-validate says $w, the fixture says $wabt"
            continue
        fi
    fi
    pass=$((pass + 1))
done
echo "binary fixtures: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
