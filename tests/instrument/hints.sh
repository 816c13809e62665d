#!/usr/bin/env bash
# hints.sh MODE - branch hints (metadata.code.branch_hint) through forksize
# instrument (fi_hints.h), with Binaryen 132 and hints.mjs as the oracles.
#
# MODES
#   added
#       corpus/forksh.wasm at stage live, with and without --branch-hints:
#       the two outputs differ only by the hint section (hints.mjs strip, then
#       cmp); the note's count of added hints equals the hints hints.mjs reads,
#       each an unlikely hint on an if opcode, and the annotations Binaryen 132
#       prints, each followed by an if; WABT 1.0.39 validates.  The same at
#       stage trampoline.
#   moved
#       fixtures/hinted.wat, assembled by Binaryen 132 with four hints of its
#       own (two likely, two unlikely, on ifs and a br_if), instrumented
#       without and with --branch-hints: every input hint is found in the
#       output on an instruction with the same four bytes before it and the
#       same value (hints.mjs check), and Binaryen 132 prints 4 and then 4 +
#       the added count annotations.
#   malformed
#       the fixture with its first hinted function index made 127: exit 0, a
#       warning naming metadata.code.branch_hint and the file offset of that
#       byte, and an output with no hint section; with --branch-hints only
#       forkinstr's own.
#
# Environment: FORKSIZE, WASM_OPT_132, WABT_VALIDATE_139, NODE, FI_SRC.
set -euo pipefail
export LC_ALL=C

FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT_132=${WASM_OPT_132:?WASM_OPT_132 must name Binaryen 132 wasm-opt}
WABT_VALIDATE_139=${WABT_VALIDATE_139:?WABT_VALIDATE_139 must name WABT 1.0.39 wasm-validate}
NODE=${NODE:-node}
FI_SRC=${FI_SRC:-$(cd "$(dirname "$0")" && pwd)}
H=$FI_SRC/hints.mjs

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-hints.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
t_init hints

# annotations FILE: how many hints Binaryen 132 prints, and how many of them
# the next line shows on an if or br_if ("N M").
annotations() {
    "$WASM_OPT_132" --all-features "$1" --print 2>/dev/null > "$tmp/print.wat" ||
        { fail "Binaryen 132 cannot read $1"; echo "0 0"; return; }
    awk '/@metadata.code.branch_hint/ { n++; want = 1; next }
         want { if ($1 ~ /^\((if|br_if)/) on++; want = 0 }
         END { print n + 0, on + 0 }' "$tmp/print.wat"
}

# added_of ERRFILE: the count in forksize's note ("N added by --branch-hints").
added_of() {
    grep -o '[0-9][0-9]* added by --branch-hints' "$1" | cut -d' ' -f1 || true
}

mode_added() {
    local st
    for st in live trampoline; do
        "$FORKSIZE" instrument "$FI_SRC/../../corpus/forksh.wasm" -o "$tmp/a.wasm" --root 'import:*' \
            --stages $st -q 2> "$tmp/a.err" || fail "$st: instrument without --branch-hints failed"
        "$FORKSIZE" instrument "$FI_SRC/../../corpus/forksh.wasm" -o "$tmp/b.wasm" --root 'import:*' \
            --stages $st --branch-hints 2> "$tmp/b.err" || fail "$st: instrument --branch-hints failed"
        grep -q branch_hint "$tmp/a.err" && fail "$st: a note about hints without --branch-hints"
        local n; n=$(added_of "$tmp/b.err")
        [ -n "$n" ] && [ "$n" -gt 0 ] || { cat "$tmp/b.err" >&2; fail "$st: no count of added hints"; continue; }
        "$NODE" "$H" strip "$tmp/b.wasm" "$tmp/b-stripped.wasm" || fail "$st: no hint section to strip"
        cmp -s "$tmp/a.wasm" "$tmp/b-stripped.wasm" && ok "$st: --branch-hints adds the section and nothing else" ||
            fail "$st: with the hint section removed, the output differs from the one without --branch-hints"
        "$NODE" "$H" check "$tmp/a.wasm" "$tmp/b.wasm" "$n" && ok "$st: $n hints, each an unlikely if" ||
            fail "$st: hints.mjs check"
        local an; an=$(annotations "$tmp/b.wasm")
        [ "$an" = "$n $n" ] && ok "$st: Binaryen 132 prints $n annotations, each on an if" ||
            fail "$st: Binaryen 132 prints '$an' (annotations, on an if/br_if), forksize added $n"
        "$WABT_VALIDATE_139" --enable-all "$tmp/b.wasm" && ok "$st: WABT 1.0.39 validates" ||
            fail "$st: WABT 1.0.39 rejects the output"
    done
}

build_fixture() {
    "$WASM_OPT_132" --all-features "$FI_SRC/fixtures/hinted.wat" -o "$tmp/in.wasm" 2> "$tmp/bn.err" ||
        { cat "$tmp/bn.err" >&2; fail "Binaryen 132 cannot assemble fixtures/hinted.wat"; t_done; }
    [ "$(annotations "$tmp/in.wasm")" = "4 4" ] || fail "the fixture does not carry its 4 hints"
}

mode_moved() {
    build_fixture
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/a.wasm" --root import:env.fork 2> "$tmp/a.err" ||
        fail "instrument failed"
    grep -q 'metadata.code.branch_hint: 4 hints moved with their instructions; ' "$tmp/a.err" &&
        ok "the note says 4 moved" || { cat "$tmp/a.err" >&2; fail "no note of 4 hints moved"; }
    "$NODE" "$H" check "$tmp/in.wasm" "$tmp/a.wasm" 0 && ok "the 4 hints are on the same instructions" ||
        fail "hints.mjs check (moved)"
    [ "$(annotations "$tmp/a.wasm")" = "4 4" ] && ok "Binaryen 132 prints the 4" ||
        fail "Binaryen 132 prints '$(annotations "$tmp/a.wasm")' for the output"
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/b.wasm" --root import:env.fork --branch-hints 2> "$tmp/b.err" ||
        fail "instrument --branch-hints failed"
    local n; n=$(added_of "$tmp/b.err")
    grep -q 'metadata.code.branch_hint: 4 hints moved with their instructions, ' "$tmp/b.err" ||
        { cat "$tmp/b.err" >&2; fail "no note of 4 moved and some added"; }
    "$NODE" "$H" check "$tmp/in.wasm" "$tmp/b.wasm" "$n" && ok "4 moved and $n added" ||
        fail "hints.mjs check (moved and added)"
    [ "$(annotations "$tmp/b.wasm")" = "$((n + 4)) $((n + 4))" ] && ok "Binaryen 132 prints $((n + 4))" ||
        fail "Binaryen 132 prints '$(annotations "$tmp/b.wasm")', want $((n + 4))"
}

mode_malformed() {
    build_fixture
    local at; at=$("$NODE" "$H" corrupt "$tmp/in.wasm" "$tmp/bad.wasm") || fail "hints.mjs corrupt"
    local st=0
    "$FORKSIZE" instrument "$tmp/bad.wasm" -o "$tmp/a.wasm" --root import:env.fork 2> "$tmp/a.err" || st=$?
    [ $st = 0 ] || fail "exit $st on a malformed hint section (want 0: the section is dropped)"
    grep -q "warning: metadata.code.branch_hint: dropped: malformed at file offset $at " "$tmp/a.err" &&
        ok "warned at $at" || { cat "$tmp/a.err" >&2; fail "no warning naming file offset $at"; }
    [ "$(annotations "$tmp/a.wasm")" = "0 0" ] && ok "no hint section written" || fail "hints written from a malformed section"
    "$FORKSIZE" instrument "$tmp/bad.wasm" -o "$tmp/b.wasm" --root import:env.fork --branch-hints 2> "$tmp/b.err" ||
        fail "instrument --branch-hints failed on a malformed hint section"
    local n; n=$(added_of "$tmp/b.err")
    [ -n "$n" ] && [ "$(annotations "$tmp/b.wasm")" = "$n $n" ] && ok "only forkinstr's $n hints written" ||
        fail "with --branch-hints: '$(annotations "$tmp/b.wasm")' annotations, note says '$n'"
}

case ${1:-} in
added)     mode_added ;;
moved)     mode_moved ;;
malformed) mode_malformed ;;
*) echo "hints.sh: unknown mode '${1:-}' (added, moved, malformed)" >&2; exit 2 ;;
esac
t_done
