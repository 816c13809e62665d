#!/bin/bash
# expect-abort.sh MODULE REGEX [wasm-opt flags...]
#
# Documents a module Binaryen 108's Asyncify cannot process: the real pass
# (wasm-opt --all-features --asyncify MODULE) must fail, with output
# matching REGEX (grep -E), while forksize analyses the same module (with
# the closure.sh options) and succeeds.  When Binaryen is upgraded and the
# pass succeeds, this fails: compare the module with closure.sh instead.
#
# Exit 0 as described, 1 otherwise (a missing MODULE fails too, naming
# scripts/fetch-corpus.sh).
set -u
. "$(dirname "$0")/../lib/lib.sh"
t_init expect-abort.sh --fatal
FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT=${WASM_OPT:-wasm-opt}
export BINARYEN_CORES=1
[ $# -ge 2 ] || { echo "usage: expect-abort.sh MODULE REGEX [wasm-opt flags...]" >&2; exit 2; }
module=$1 regex=$2; shift 2
t_module "$module"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
"$WASM_OPT" --all-features --asyncify "$@" "$module" -o "$tmp/out.wasm" >"$tmp/log" 2>&1
st=$?
end=$(date +%s.%N)
echo "wasm-opt --asyncify $*: status $st after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')s"
tail -3 "$tmp/log"
status=0
if [ $st -eq 0 ]; then
    echo "FAIL: wasm-opt succeeded; this module can now be compared with closure.sh"
    status=1
elif ! grep -Eq -- "$regex" "$tmp/log"; then
    echo "FAIL: wasm-opt failed, but its output does not match /$regex/"
    status=1
fi
if ! "$FORKSIZE" --stats "$module" --root 'import:*' --indirect asyncify --format csv \
        --allow-empty -q -o "$tmp/f.csv"; then
    echo "FAIL: forksize could not analyse the module"
    status=1
fi
[ $status -eq 0 ] && echo "PASS: Binaryen aborts as documented; forksize analyses the module"
exit $status
