#!/bin/bash
# roundtrip.sh [--full] [--json TOOL] [--expect WAT] MODULE [closure options...]
#
# Writes MODULE's closure as an Asyncify only-list with
#   forksize closure MODULE OPTIONS --onlylist LIST
# (OPTIONS default to --root 'import:*' --indirect asyncify), gives it to
#   wasm-opt --asyncify --pass-arg=asyncify-onlylist@@LIST --pass-arg=asyncify-verbose
# and checks that Binaryen selects exactly the closure, by function index:
#   - the closure comes from `forksize --stats --format csv` (in_closure),
#     another path through forksize than the list writer;
#   - Binaryen's selection is its log line "NAME's state is set based on the
#     only-list to 1", one line per defined function, mapped to indices
#     through the function map (--print-function-map) of the same run;
#   - functions forksize announced as selected beyond the closure (patterns
#     standing in for names a list cannot hold) must be exactly the extra
#     ones; wasm-opt must not warn about the list, except about the
#     no-such-function entry when forksize said it wrote one.
# --full: also run the real pass and check the functions it rewrote (their
# body reads $__asyncify_state) are the same set.  Without it wasm-opt is
# stopped as soon as every function has its only-list line (the rewrite of
# a large module takes long, and php_8_3's aborts).
# --json TOOL: also check `forksize closure --format json` with TOOL
# (json_names.c): the same members, and each one's binaryen_name is the
# name wasm-opt's function map gives it.
# --expect WAT: the fixture states the answer, known by construction:
#   ;; expect-closure POLICY: INDEX...   the closure
#   ;; expect-over POLICY: INDEX...      functions selected beyond it
#   ;; expect-decoy POLICY               the list ends on a no-such-function entry
# where POLICY is the --indirect value.
#
# Exit: 0 pass, 1 mismatch or MODULE missing (naming scripts/fetch-corpus.sh),
# 2 a tool failed.
set -u
. "$(dirname "$0")/../lib/lib.sh"
t_init roundtrip.sh --fatal
export BINARYEN_CORES=1
FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT=${WASM_OPT:-wasm-opt}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}

die() { echo "roundtrip.sh: $*" >&2; exit 2; }

full=0 wat= jsontool=
while [ $# -gt 0 ]; do
    case $1 in
    --full) full=1; shift;;
    --json) jsontool=$2; shift 2;;
    --expect) wat=$2; shift 2;;
    *) break;;
    esac
done
[ $# -ge 1 ] || die "usage: roundtrip.sh [--full] [--expect WAT] MODULE [closure options...]"
module=$1; shift
t_module "$module"
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--root 'import:*' --indirect asyncify)
policy=typed
for ((i = 0; i < ${#opts[@]}; i++)); do
    [ "${opts[$i]}" = --indirect ] && policy=${opts[$((i + 1))]}
done

tmp=$(mktemp -d) || die "mktemp failed"
wpid=
trap '[ -z "$wpid" ] || kill "$wpid" 2>/dev/null; rm -rf "$tmp"' EXIT

# --- forksize: the list, and the closure by index --------------------------
"$FORKSIZE" closure "$module" "${opts[@]}" --onlylist "$tmp/list" 2>"$tmp/list.err" ||
    { cat "$tmp/list.err" >&2; die "forksize closure failed"; }
"$FORKSIZE" --stats "$module" "${opts[@]}" --format csv -q >"$tmp/f.csv" ||
    die "forksize --stats failed"
# index is the first column; a quoted name may hold commas and line breaks,
# so in_closure is counted from the end of the record.
awk '
    NR == 1 { n = split($0, h, ","); for (i = 1; i <= n; i++) if (h[i] == "in_closure") back = n - i; next }
    { rec = (pend == "") ? $0 : pend "\n" $0
      if (gsub(/"/, "\"", rec) % 2) { pend = rec; next }
      pend = ""; k = split(rec, f, ",")
      if (f[k - back] == "true") print f[1] }
' "$tmp/f.csv" | sort -n >"$tmp/closure"
grep 'selected too' "$tmp/list.err" | grep -o '\[[0-9]*\]' | tr -d '[]' | sort -n >"$tmp/over"
decoy=$(grep -c 'note: the list ends on a name no function has' "$tmp/list.err")
sort -n -u "$tmp/closure" "$tmp/over" >"$tmp/want"

# --- Binaryen ----------------------------------------------------------------
ndefined=$("$WASM_OBJDUMP" -h "$module" 2>/dev/null |
           awk '$1 == "Function" { for (i = 1; i <= NF; i++) if ($i == "count:") print $(i+1) }')
[ -n "$ndefined" ] || ndefined=0
pass=(--asyncify "--pass-arg=asyncify-onlylist@@$tmp/list" --pass-arg=asyncify-verbose)
if [ $full = 1 ]; then
    "$WASM_OPT" --all-features --print-function-map "${pass[@]}" "$module" -S -o "$tmp/out.wat" \
        >"$tmp/log" 2>"$tmp/err" || { tail -5 "$tmp/err" >&2; die "wasm-opt failed"; }
else
    : >"$tmp/log"
    stdbuf -oL "$WASM_OPT" --all-features --no-validation --print-function-map "${pass[@]}" \
        "$module" >"$tmp/log" 2>"$tmp/err" &
    wpid=$!
    while kill -0 "$wpid" 2>/dev/null; do
        if [ "$(grep -c "'s state is set based on the only-list to " "$tmp/log")" -ge "$ndefined" ]; then
            kill "$wpid" 2>/dev/null
            break
        fi
        sleep 0.1
    done
    wait "$wpid"
    wpid=
fi
nonly=$(grep -c "'s state is set based on the only-list to " "$tmp/log")
[ "$nonly" -eq "$ndefined" ] ||
    { tail -5 "$tmp/err" >&2; die "wasm-opt decided $nonly of $ndefined functions by the list"; }
awk '/^\[asyncify\]/ { exit } /^[0-9]+:/ { i = index($0, ":"); printf "%s\t%s\n", substr($0, 1, i - 1), substr($0, i + 1) }' \
    "$tmp/log" >"$tmp/map"
to_index() {   # Binaryen names on stdin -> sorted indices
    awk -F'\t' 'NR == FNR { idx[$2] = $1; next }
                !($0 in idx) { print "roundtrip.sh: \"" $0 "\" is not in the function map" > "/dev/stderr"; bad = 1; next }
                { print idx[$0] } END { exit bad }' "$tmp/map" - | sort -n -u
}
sed -n "s/^\[asyncify\] \(.*\)'s state is set based on the only-list to 1\$/\1/p" "$tmp/log" |
    to_index >"$tmp/selected" || die "cannot map Binaryen's names"

status=0
check() {   # LABEL WANT GOT
    if ! cmp -s "$2" "$3"; then
        echo "MISMATCH $1"
        echo "  want: $(tr '\n' ' ' <"$2")"
        echo "  got:  $(tr '\n' ' ' <"$3")"
        status=1
    fi
}
echo "module: $module (forksize closure ${opts[*]})"
echo "closure: $(wc -l <"$tmp/closure"), announced beyond it: $(wc -l <"$tmp/over"), list: $(wc -c <"$tmp/list") bytes"
echo "binaryen selected: $(wc -l <"$tmp/selected") of $ndefined"
check "Binaryen's selection vs closure + announced extras" "$tmp/want" "$tmp/selected"

# wasm-opt's own complaints about the list: none, but the decoy's.
grep 'warning: Asyncify' "$tmp/err" >"$tmp/warn"
if [ "$decoy" -gt 0 ]; then
    grep -v 'non-existing function name: forksize:no-such-function' "$tmp/warn" >"$tmp/warn2"
    [ "$(wc -l <"$tmp/warn")" -eq 1 ] || { echo "MISMATCH expected one warning for the decoy entry"; status=1; }
    mv "$tmp/warn2" "$tmp/warn"
fi
if [ -s "$tmp/warn" ]; then
    echo "MISMATCH wasm-opt warned about the list:"; sed 's/^/  /' "$tmp/warn"; status=1
fi

if [ -n "$jsontool" ]; then
    "$FORKSIZE" closure "$module" "${opts[@]}" --format json -q >"$tmp/c.json" ||
        die "forksize closure --format json failed"
    "$jsontool" "$tmp/c.json" >"$tmp/c.tsv" || { echo "MISMATCH the closure's JSON is malformed"; status=1; }
    cut -f1 "$tmp/c.tsv" >"$tmp/json.set"
    check "JSON members vs closure" "$tmp/closure" "$tmp/json.set"
    awk -F'\t' 'NR == FNR { name[$1] = $2; next }
                 name[$1] != $2 { if (++n <= 5) print "  function " $1 ": forksize says " $2 ", wasm-opt " name[$1]; bad = 1 }
                 END { exit bad }' "$tmp/map" "$tmp/c.tsv" ||
        { echo "MISMATCH binaryen_name vs wasm-opt's function map"; status=1; }
fi

if [ $full = 1 ]; then
    # A function header is " (func $NAME ..." (Binaryen's escaped names hold
    # no spaces; an empty name prints as "$").
    awk '/^ \(func \$/ { name = substr($2, 2); open = 1 }
         /global\.get \$__asyncify_state\)/ && open { print name; open = 0 }' "$tmp/out.wat" |
        grep -Ev '^asyncify_(start|stop)_(un|re)wind$|^asyncify_get_state$' |
        to_index >"$tmp/rewritten" || die "cannot map rewritten functions"
    echo "binaryen rewrote: $(wc -l <"$tmp/rewritten")"
    check "functions rewritten vs closure + announced extras" "$tmp/want" "$tmp/rewritten"
fi

if [ -n "$wat" ]; then
    expect() { sed -n "s/^;; expect-$1 $policy:\(.*\)\$/\1/p" "$wat" | tr ' ' '\n' | sed '/^$/d' | sort -n; }
    [ "$(grep -c "^;; expect-closure $policy:" "$wat")" -eq 1 ] || die "$wat: no expect-closure $policy line"
    expect closure >"$tmp/x.closure"
    expect over >"$tmp/x.over"
    check "closure vs the fixture's expect-closure" "$tmp/x.closure" "$tmp/closure"
    check "announced extras vs the fixture's expect-over" "$tmp/x.over" "$tmp/over"
    xdecoy=$(grep -c "^;; expect-decoy $policy\$" "$wat")
    [ "$xdecoy" -eq "$decoy" ] || { echo "MISMATCH decoy entry: fixture says $xdecoy, forksize wrote $decoy"; status=1; }
fi
[ $status = 0 ] && echo PASS || echo FAIL
exit $status
