#!/bin/bash
# why.sh MODULE EXPECTED_OUTPUT EXPECTED_STATUS [closure options...]
#
# Runs `forksize closure MODULE [options]` (options hold --why FUNC) in a
# scratch directory holding a copy of MODULE, and checks:
#   - its standard output, then its standard error, against
#     EXPECTED_OUTPUT (written by hand from the fixture), with every
#     "at offset 0x..." written "at offset 0x?" in both;
#   - every call it shows against WABT's disassembly (wasm-objdump -d):
#     the instruction at that offset lies in the function shown above it,
#     is the kind of call shown (direct = call, tail = return_call,
#     indirect = call_indirect, ref = call_ref, ...), a direct call's
#     callee is the next function on the path, and an indirect call's type
#     immediate is the type shown;
#   - its exit status.
# With FORKSIZE_REGEN_GOLDEN=1 (only 1) EXPECTED_OUTPUT is rewritten from
# the output first (the other checks still run): check it by hand.
set -u
. "$(dirname "$0")/../lib/lib.sh"
FORKSIZE=${FORKSIZE:-forksize}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
[ $# -ge 3 ] || { echo "usage: why.sh MODULE EXPECTED_OUTPUT EXPECTED_STATUS [options...]" >&2; exit 2; }
module=$1 golden=$2 want=$3; shift 3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cp "$module" "$tmp/" || exit 2
base=$(basename "$module")
(cd "$tmp" && "$FORKSIZE" closure "$base" "$@" >out 2>err)
st=$?
status=0

cat "$tmp/out" "$tmp/err" | sed 's/at offset 0x[0-9a-f]*/at offset 0x?/' >"$tmp/got"
if t_regen; then
    cp "$tmp/got" "$golden" && echo "why.sh: wrote $golden"
fi
if ! diff -u "$golden" "$tmp/got"; then
    echo "FAIL: output differs from $golden"; status=1
fi
if [ $st -ne "$want" ]; then
    echo "FAIL: exit status $st, expected $want"; status=1
fi

"$WASM_OBJDUMP" -d "$tmp/$base" >"$tmp/dis" 2>/dev/null || { echo "wasm-objdump failed"; exit 2; }
awk '
    function hex(s) { s = tolower(s); sub(/^0x/, "", s); sub(/^0+/, "", s); return s }
    FILENAME == ARGV[1] {
        if (match($0, /^[0-9a-f]+ func\[[0-9]+\]/)) { f = $2; gsub(/[^0-9]/, "", f); cur = f; next }
        if (match($0, /^ [0-9a-f]+: .*\| /)) {
            off = hex(substr($1, 1, length($1) - 1))
            text = $0; sub(/^[^|]*\| /, "", text)
            in_func[off] = cur; instr[off] = text
        }
        next
    }
    # forksize: "  NAME [IDX]..." then "    -> KIND ... at offset 0xHEX"
    /^  [^ ]/ && match($0, /\[[0-9]+\]/) {
        idx = substr($0, RSTART + 1, RLENGTH - 2)
        if (pending != "") check(pending, idx)
        pending = ""; owner = idx; next
    }
    /^    -> / { pending = $0; next }
    END {
        if (pending != "") check(pending, "")
        if (!checked) { print "why.sh: no call to check" > "/dev/stderr" }
        exit bad
    }
    function check(line, next_idx,    kind, off, t, want, words, n, ty) {
        checked++
        kind = line; sub(/^    -> /, "", kind); sub(/ (\(type|at offset).*$/, "", kind)
        off = line; sub(/^.* at offset /, "", off); sub(/[^0-9a-fx].*$/, "", off); off = hex(off)
        want = kind; gsub(/ /, "_", want)
        if (want == "direct") want = "call"; else if (want == "tail") want = "return_call"
        else if (want == "indirect") want = "call_indirect"
        else if (want == "tail_indirect") want = "return_call_indirect"
        else if (want == "ref") want = "call_ref"; else if (want == "tail_ref") want = "return_call_ref"
        if (!(off in instr)) { print "no instruction at offset 0x" off ": " line; bad = 1; return }
        n = split(instr[off], words, " ")
        if (in_func[off] != owner) { print "offset 0x" off " is in func " in_func[off] ", not " owner; bad = 1 }
        if (words[1] != want) { print "offset 0x" off " holds " instr[off] ", not " want; bad = 1 }
        if ((want == "call" || want == "return_call") && next_idx != "" && words[2] != next_idx) {
            print "offset 0x" off ": " instr[off] " does not call " next_idx; bad = 1
        }
        if (want ~ /indirect/ && match(line, /\(type [0-9]+:/)) {
            t = substr(line, RSTART + 6, RLENGTH - 7)
            ty = instr[off]
            # "call_indirect TABLE (type N <name>)", or the immediates as
            # encoded, type first: "return_call_indirect TYPE TABLE"
            if (match(ty, /\(type [0-9]+/)) ty = substr(ty, RSTART + 6, RLENGTH - 6); else ty = words[2]
            if (ty != t) { print "offset 0x" off ": " instr[off] " is not type " t; bad = 1 }
        }
    }
' "$tmp/dis" "$tmp/out" || { echo "FAIL: a call shown does not match the disassembly"; status=1; }
[ $status = 0 ] && echo "PASS (exit $st)"
exit $status
