#!/usr/bin/env bash
# proposals.sh - instructions of current proposals, as forksize decodes them
# against Binaryen 132 (npm binaryen@132.0.0), the oracle that knows them.
#
#   proposals.sh FIXTURE.wat PATTERN [ROOT REFUSAL]
#                                      (env: FORKSIZE, WASM_OPT_132, TESTLIB)
#
# Binaryen 132's wasm-as assembles FIXTURE.wat (WABT 1.0.32 knows none of
# these proposals); then:
#   - Binaryen 132 reads the module back (wasm-opt, no passes: it validates);
#   - forksize's size of every function body equals the one in the code
#     section Binaryen 132 wrote (read by tests/instrument/wasmcode.mjs);
#   - for every mnemonic matching PATTERN (an ERE), forksize opcodes counts
#     it exactly as often as Binaryen 132's wasm-dis prints it, and the two
#     lists name the same instructions (none missing, none extra);
#   - the module cut inside its code section is malformed input: exit 2 and
#     a byte offset;
#   - with ROOT and REFUSAL: forkinstr, rooted at ROOT (the module assembled
#     with its names), refuses the closure functions that use the proposal
#     with the reason REFUSAL (or, for REFUSAL "-", refuses none), counts
#     them as refused, and writes a module Binaryen 132 validates; and `forksize check` says Asyncify 108 aborts
#     on the module, as the Debian Binaryen 108 (when installed) cannot
#     read it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "${TESTLIB:-$here/../lib}/lib.sh"
fixture=${1:?usage: proposals.sh FIXTURE.wat PATTERN}
pattern=${2:?usage: proposals.sh FIXTURE.wat PATTERN}
t_init "binaryen/proposals.sh $(basename "$fixture")"
: "${FORKSIZE:?}"
b132=${WASM_OPT_132:-}
[ -n "$b132" ] && [ -x "$b132" ] || { fail "no Binaryen 132 at '${b132}': run scripts/npm-deps.sh (npm ci)"; t_done; }
bin=$(dirname "$b132")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/wasm-as" --all-features "$fixture" -o "$work/m.wasm" || { fail "Binaryen 132 cannot assemble $fixture"; t_done; }
"$b132" --all-features "$work/m.wasm" -o "$work/back.wasm" || fail "Binaryen 132 does not read its own output back"
"$bin/wasm-dis" --all-features "$work/m.wasm" |
    grep -oE "\\(($pattern)( |\\)|$)" | sed -E 's/^\(//; s/[ )]$//' | sort | uniq -c |
    awk '{ print $2 ": " $1 }' | sort >"$work/bn"
"$FORKSIZE" opcodes "$work/m.wasm" >"$work/op" || { fail "forksize opcodes failed"; t_done; }
sed -n 's/^\([a-z0-9_.]*\): \([0-9]*\)$/\1: \2/p' "$work/op" | grep -E "^($pattern): " | sort >"$work/fs"
[ -s "$work/bn" ] || fail "Binaryen printed none of the instructions (pattern '$pattern')"
if diff "$work/bn" "$work/fs" >"$work/d"; then
    ok "$(wc -l <"$work/bn") instructions, counted as Binaryen 132 counts them"
else
    fail "counts differ from Binaryen 132's (< Binaryen, > forksize):"; cat "$work/d" >&2
fi

# every body decoded to its end: forksize's body sizes (stats, body_bytes,
# by function index) against the code section as Binaryen 132 wrote it,
# read by wasmcode.mjs's own LEB reader
"$FORKSIZE" stats "$work/m.wasm" --allow-empty --format csv >"$work/st" ||
    { fail "forksize stats failed"; t_done; }
awk -F, 'NR > 1 { print $1, $3 }' "$work/st" | sort -n | cut -d' ' -f2 >"$work/fs_sizes"
node --input-type=module -e "import { bodies } from '$here/../instrument/wasmcode.mjs';
for (const [a, b] of bodies(process.argv[1]).funcs) console.log(b - a);" "$work/m.wasm" \
    >"$work/bn_sizes" || fail "wasmcode.mjs cannot read the code section"
if [ -s "$work/bn_sizes" ] && diff "$work/bn_sizes" "$work/fs_sizes" >"$work/d"; then
    ok "$(wc -l <"$work/bn_sizes") body sizes, as in Binaryen 132's code section"
else
    fail "body sizes differ (< code section, > forksize):"; cat "$work/d" >&2
fi

# malformed: the module cut three bytes before its end (inside the last body)
size=$(wc -c <"$work/m.wasm")
head -c $((size - 3)) "$work/m.wasm" >"$work/cut.wasm"
"$FORKSIZE" opcodes "$work/cut.wasm" >/dev/null 2>"$work/e"
same "$?" 2 "a cut module: exit status"
grep -q "cut.wasm: offset 0x[0-9a-f]*: " "$work/e" && ok "the error names the file and an offset" || fail "message: $(cat "$work/e")"

if [ $# -ge 4 ]; then
    root=$3 refusal=$4
    "$bin/wasm-as" -g --all-features "$fixture" -o "$work/g.wasm" || fail "Binaryen 132 cannot assemble $fixture with names"
    "$FORKSIZE" instrument "$work/g.wasm" --root "$root" -o "$work/fi.wasm" >/dev/null 2>"$work/fe"
    same "$?" 0 "forkinstr rooted at $root: exit status"
    grep -F "not instrumented: " "$work/fe" >"$work/refused"
    if [ "$refusal" = - ]; then
        [ ! -s "$work/refused" ] && ok "no function refused" || fail "refusals: $(cat "$work/fe")"
    elif [ -s "$work/refused" ] && ! grep -vF ": $refusal" "$work/refused" >/dev/null; then
        ok "$(wc -l <"$work/refused") function(s) refused: $refusal"
    else
        fail "refusals: $(cat "$work/fe")"
    fi
    n=$(wc -l <"$work/refused")
    grep -E "[0-9]+ of [0-9]+ closure functions instrumented, $n refused" "$work/fe" >/dev/null &&
        ok "the summary counts $n refused" || fail "summary: $(cat "$work/fe")"
    "$b132" --all-features "$work/fi.wasm" -o "$work/fiback.wasm" 2>"$work/fv" &&
        ok "Binaryen 132 validates forkinstr's output" || fail "forkinstr's output: $(head -c 400 "$work/fv")"
    "$FORKSIZE" check "$work/g.wasm" --root "$root" >"$work/ck" 2>&1
    grep -E "^Asyncify 108 +aborts: .*Binaryen 108 cannot read" "$work/ck" >/dev/null &&
        ok "check: Asyncify 108 aborts (cannot read the proposal)" || fail "check: $(cat "$work/ck")"
    wasm-opt --version >"$work/v108" 2>/dev/null
    if grep "version 108" "$work/v108" >/dev/null; then
        if wasm-opt --all-features "$work/m.wasm" -o "$work/b108.wasm" >/dev/null 2>&1; then
            fail "Binaryen 108 reads the module, so check's 'aborts' is wrong"
        else
            ok "Binaryen 108 cannot read the module"
        fi
    fi
fi
t_done
