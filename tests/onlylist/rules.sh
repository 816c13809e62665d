#!/bin/bash
# rules.sh MODULE RULES
#
# How Binaryen 108 reads an Asyncify list file, and whether check-onlylist
# reads it the same way.  RULES (rules.list) holds lists and the functions
# wasm-opt 108 selects from each; for every one this checks three things
# agree: the expectation, wasm-opt (its "only-list to 1" log lines, mapped
# to indices through --print-function-map), and forksize check-onlylist
# (every function of MODULE is in the closure, so the functions it does not
# report missing are the ones the list selects).  Lists wasm-opt aborts on
# must make check-onlylist exit 2; a list with no entry is ignored by
# wasm-opt, and check-onlylist must say so and exit 1.
# Also: the entries check-onlylist reports as matching nothing are as many
# as wasm-opt's warnings about non-existing names and non-matching patterns.
set -u
export BINARYEN_CORES=1
FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT=${WASM_OPT:-wasm-opt}
[ $# -eq 2 ] || { echo "usage: rules.sh MODULE RULES" >&2; exit 2; }
module=$1 rules=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

"$WASM_OPT" --all-features --print-function-map "$module" 2>/dev/null |
    awk '/^[0-9]+:/ { i = index($0, ":"); printf "%s\t%s\n", substr($0, 1, i - 1), substr($0, i + 1) }' >"$tmp/map"
nfuncs=$(wc -l <"$tmp/map")
[ "$nfuncs" -eq 12 ] || { echo "rules.sh: expected 12 functions in $module, wasm-opt lists $nfuncs" >&2; exit 2; }

pass=0 fail=0
while IFS='|' read -r name contents want; do
    case $name in '#'*|'') continue;; esac
    list=$tmp/$name.txt
    printf '%b' "$contents" >"$list"
    bad=
    "$FORKSIZE" check-onlylist "$module" "$list" --root 'import:*' --indirect asyncify \
        >"$tmp/f.out" 2>"$tmp/f.err"
    fst=$?
    "$WASM_OPT" --all-features --print-function-map --asyncify --pass-arg=asyncify-verbose \
        "--pass-arg=asyncify-onlylist@@$list" "$module" -o /dev/null >"$tmp/b.log" 2>"$tmp/b.err"
    bst=$?
    case $want in
    fatal)
        [ $bst -ne 0 ] && grep -q '^Fatal: ' "$tmp/b.err" || bad+=" wasm-opt did not abort (status $bst);"
        [ $fst -eq 2 ] || bad+=" check-onlylist exited $fst, not 2;"
        got=fatal;;
    nolist)
        ! grep -q "based on the only-list" "$tmp/b.log" || bad+=" wasm-opt used the list;"
        grep -q '^the list has no entry' "$tmp/f.out" || bad+=" check-onlylist did not say the list is empty;"
        [ $fst -eq 1 ] || bad+=" check-onlylist exited $fst, not 1;"
        got=nolist;;
    *)
        [ $bst -eq 0 ] || bad+=" wasm-opt failed (status $bst);"
        # wasm-opt's selection, by index
        sed -n "s/^\[asyncify\] \(.*\)'s state is set based on the only-list to 1\$/\1/p" "$tmp/b.log" |
            awk -F'\t' 'NR == FNR { idx[$2] = $1; next } { print ($0 in idx) ? idx[$0] : "?" $0 }' "$tmp/map" - |
            sort -n | tr '\n' ' ' | sed 's/ $//' >"$tmp/b.sel"
        # check-onlylist's: every defined function not reported missing
        awk '/^missing from the list:/ { on = 1; next } /^[a-z]/ { on = 0 }
             on && match($0, /^  .* \[[0-9]+\]  list entry: /) {
                 s = substr($0, 1, RLENGTH); sub(/\]  list entry: $/, "", s); sub(/.*\[/, "", s); print s }' \
            "$tmp/f.out" | sort -n >"$tmp/f.missing"
        seq 2 11 | awk -v miss="$(tr '\n' ' ' <"$tmp/f.missing")" \
            'BEGIN { n = split(miss, m, " "); for (i = 1; i <= n; i++) gone[m[i]] } !($1 in gone)' |
            tr '\n' ' ' | sed 's/ $//' >"$tmp/f.sel"
        w=$want; [ "$w" = none ] && w=
        [ "$(cat "$tmp/b.sel")" = "$w" ] || bad+=" wasm-opt selected [$(cat "$tmp/b.sel")];"
        [ "$(cat "$tmp/f.sel")" = "$w" ] || bad+=" check-onlylist selected [$(cat "$tmp/f.sel")];"
        xst=1; [ "$w" = "2 3 4 5 6 7 8 9 10 11" ] && xst=0
        [ $fst -eq $xst ] || bad+=" check-onlylist exited $fst, not $xst;"
        nwarn=$(grep -c -e 'non-existing function name' -e 'non-matching pattern' "$tmp/b.err")
        nun=$(sed -n 's/^entries matching no function: //p' "$tmp/f.out")
        [ "$nwarn" = "$nun" ] || bad+=" wasm-opt warned about $nwarn entries, check-onlylist reports ${nun:-?} unmatched;"
        got=$(cat "$tmp/b.sel");;
    esac
    if [ -z "$bad" ]; then
        pass=$((pass + 1)); echo "ok   $name: ${got:-none}"
    else
        fail=$((fail + 1)); echo "FAIL $name (want $want):$bad"
        sed 's/^/    /' "$tmp/f.out" "$tmp/f.err"
    fi
done <"$rules"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
