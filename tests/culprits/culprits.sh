#!/usr/bin/env bash
# culprits.sh TEST - forksize culprits, call-site roots and the stack bound
# on fixtures whose answers are derived by hand in their comments
# (tests/culprits/fixtures/*.wat).  Environment: FORKSIZE, CUL_FIX (the
# assembled fixtures), JFLAT (tests/lib/jflat.c: JSON -> path=value lines), FORKSIZE_CORPUS_DIR.
set -euo pipefail
: "${FORKSIZE:?}" "${CUL_FIX:?}" "${JFLAT:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/lib.sh"
t_init "culprits.sh $1"

# field FILE KEY: the value of path KEY in the flattened JSON FILE.
field() { "$JFLAT" "$1" | awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

# The item of SECTION whose KEY is VALUE, as "functions bytes sites".
item() {
    "$JFLAT" "$1" | awk -v s="$2" -v k="$3" -v v="$4" '
        index($0, s "[") == 1 {
            eq = index($0, "="); p = substr($0, 1, eq - 1); val = substr($0, eq + 1)
            rest = substr(p, length(s) + 2); rb = index(rest, "]")
            idx = substr(rest, 1, rb - 1); f = substr(rest, rb + 2)
            rec[idx, f] = val
            if (f == k && val == v && hit == "") hit = idx
        }
        END { if (hit != "") print rec[hit, "functions"], rec[hit, "bytes"], rec[hit, "sites"] }'
}

# bytes CSV NAME...: the sum of the stats "total" column over NAMEs.
bytes() {
    local csv=$1; shift
    awk -F, -v names=" $* " 'NR > 1 && index(names, " " $2 " ") { s += $17 } END { print s + 0 }' "$csv"
}

rank() {
    local w=$CUL_FIX/rank.wasm r=(--root import:env.fork --root import:env.wait)
    "$FORKSIZE" culprits "$w" "${r[@]}" --format json --top 0 -o "$work/r.json"
    "$FORKSIZE" --stats "$w" "${r[@]}" --format csv -o "$work/r.csv"
    same "$(field "$work/r.json" closure.functions)" 8 "closure"
    local b
    b=$(bytes "$work/r.csv" spawn daemon cb_fork dispatch user)
    same "$(item "$work/r.json" roots root import:env.fork)" "5 $b 1" "root env.fork"
    same "$(item "$work/r.json" roots root import:env.wait)" "1 $(bytes "$work/r.csv" waiter) 1" \
        "root env.wait"
    same "$(item "$work/r.json" types type 0)" "2 $(bytes "$work/r.csv" dispatch user) 1" "type \$cb"
    same "$(field "$work/r.json" types[0].examples[0])" dispatch "type \$cb example"
    same "$(item "$work/r.json" edges caller spawn)" "5 $b 1" "edge spawn->env.fork"
    same "$(item "$work/r.json" edges caller cb_fork)" "3 $(bytes "$work/r.csv" cb_fork dispatch user) 1" \
        "edge cb_fork->spawn"
    same "$(item "$work/r.json" edges caller dispatch)" "2 $(bytes "$work/r.csv" dispatch user) 1" \
        "indirect edge dispatch"
    for u in daemon waiter user; do
        same "$(item "$work/r.json" edges caller $u)" "1 $(bytes "$work/r.csv" $u) 1" "edge $u"
    done
    same "$(item "$work/r.json" edges caller main)" "" "no edge for main"
    same "$(item "$work/r.json" edges caller both)" "" "no edge for both"
    same "$(field "$work/r.json" totals.edges)" 6 "edge count"
    # The policy row re-prices the whole closure: under none, dispatch and
    # user leave and nothing else changes.
    same "$(item "$work/r.json" policies policy none)" "2 $(bytes "$work/r.csv" dispatch user) 0" \
        "--indirect none"
    same "$(field "$work/r.json" policies[0].suggestion)" \
        "\`--indirect none\` drops 2 functions ($(awk -v b="$(bytes "$work/r.csv" dispatch user)" 'BEGIN { printf "%+d B", -b }'))" \
        "policy suggestion"
    # Text: ranked by bytes, the biggest edge first.
    "$FORKSIZE" culprits "$w" "${r[@]}" --top 1 >"$work/r.txt"
    grep -q "top 1 of 5:" "$work/r.txt" && ok || fail "text: --top 1 of 5 edges"
    grep -A2 '^edges' "$work/r.txt" | grep -q '`spawn -> env.fork` (1 site)' && ok ||
        fail "text: spawn -> env.fork first"
    # --indirect table: the same dominators (cb_fork is the only unwinding
    # address-taken function); none has no type culprit at all.
    "$FORKSIZE" culprits "$w" "${r[@]}" --indirect none --format json -o "$work/n.json"
    same "$(field "$work/n.json" closure.functions)" 6 "none: closure"
    same "$(field "$work/n.json" types)" "[]" "none: no types"
    same "$(field "$work/n.json" policies)" "[]" "none: nothing stricter"
}

closure_list() { "$FORKSIZE" closure "$CUL_FIX/syscall.wasm" "$@" | tr '\n' ' '; }

syscall() {
    same "$(closure_list --root import:env.syscall)" \
        "_Fork fork do_write do_read logger reader _start " "import root"
    same "$(closure_list --root 'call:_Fork->env.syscall')" "_Fork fork _start " "call-site root"
    same "$(closure_list --root 'call:_F*->env.sys*')" "_Fork fork _start " "globs"
    same "$(closure_list --root 'call:*->env.syscall')" \
        "_Fork fork do_write do_read logger reader _start " "every caller"
    same "$(closure_list --root 'call:fork->_Fork')" "fork _start " "function callee"
    same "$(closure_list --root 'call:do_read->env.syscall' --root 'call:_Fork->env.syscall')" \
        "_Fork fork do_read reader _start " "two call-site roots"
    # Unwind-capable sites: _start's call to do_write and its own syscall
    # stay plain under the call-site root.
    "$FORKSIZE" --stats "$CUL_FIX/syscall.wasm" --root 'call:_Fork->env.syscall' --format csv \
        -o "$work/s.csv"
    same "$(awk -F, '$2 == "_start" || $2 == "_Fork" { printf "%s=%s ", $2, $5 }' "$work/s.csv")" \
        "_Fork=1 _start=1 " "call-site root sites"
    "$FORKSIZE" --stats "$CUL_FIX/syscall.wasm" --root import:env.syscall --format csv \
        -o "$work/i.csv"
    same "$(awk -F, '$2 == "_start" { print $5 }' "$work/i.csv")" 3 "import root: _start sites"
    grep -q 'call:_Fork->env.syscall=1' <("$FORKSIZE" "$CUL_FIX/syscall.wasm" \
        --root 'call:_Fork->env.syscall') && ok || fail "roots line counts sites"
    # culprits suggests the call-site root, with exactly what leaves.
    "$FORKSIZE" culprits "$CUL_FIX/syscall.wasm" --root import:env.syscall --format json \
        -o "$work/c.json"
    same "$(item "$work/c.json" call_site_roots root 'call:_Fork->env.syscall')" \
        "4 $(bytes "$work/i.csv" do_write do_read logger reader) 1" "suggestion"
    same "$(field "$work/c.json" call_site_roots[0].instead_of)" import:env.syscall "instead of"
    # Bad specs are usage errors.
    local st=0
    "$FORKSIZE" "$CUL_FIX/syscall.wasm" --root 'call:_Fork' 2>"$work/e" || st=$?
    same "$st" 2 "call: without ->"
    grep -q "must be call:CALLER->CALLEE" "$work/e" && ok || fail "message for call: without ->"
}

stack() {
    local w=$CUL_FIX/stack.wasm
    local st=0
    "$FORKSIZE" "$w" -q >"$work/out" || st=$?
    same "$st" 0 "typed text: exit status"
    same "$(grep '^stack' "$work/out")" "stack       unwind save area <= 80 bytes along via_tab -> leaf (2 frames); fits Emscripten's default 4096 [estimated]" "typed text"
    "$FORKSIZE" "$w" -q --format json -o "$work/s.json"
    same "$(field "$work/s.json" stack_bound.bytes)" 80 "typed bytes"
    same "$(field "$work/s.json" stack_bound.unbounded)" false "typed bounded"
    same "$(field "$work/s.json" stack_bound.path[0]),$(field "$work/s.json" stack_bound.path[1])" \
        "via_tab,leaf" "typed path"
    same "$(field "$work/s.json" stack_bound.cycle)" "[]" "typed no cycle"
    same "$(field "$work/s.json" stack_bound.label)" estimated "label"
    same "$(field "$work/s.json" stack_bound.entries)" 3 "entries"
    same "$(field "$work/s.json" stack_bound.fits_default)" true "fits"
    "$FORKSIZE" "$w" -q --indirect none --format json -o "$work/n.json"
    same "$(field "$work/n.json" stack_bound.bytes)" 64 "none bytes"
    same "$("$JFLAT" "$work/n.json" | awk -F= '/^stack_bound.path\[/ { printf "%s ", $2 }')" \
        "main mid leaf " "none path"
}

recurse() {
    local w=$CUL_FIX/recurse.wasm
    local st=0
    "$FORKSIZE" "$w" -q >"$work/out" || st=$?
    same "$st" 0 "text: exit status"
    same "$(grep '^stack' "$work/out")" "stack       unbounded: recursion can unwind at any depth, cycle a -> b -> a (path from an entry: main -> a); no fixed save area fits [estimated]" "text"
    "$FORKSIZE" "$w" -q --format json -o "$work/r.json"
    same "$(field "$work/r.json" stack_bound.bytes)" null "bytes null"
    same "$(field "$work/r.json" stack_bound.unbounded)" true "unbounded"
    same "$("$JFLAT" "$work/r.json" | awk -F= '/^stack_bound.cycle\[/ { printf "%s ", $2 }')" \
        "a b " "cycle"
    same "$("$JFLAT" "$work/r.json" | awk -F= '/^stack_bound.path\[/ { printf "%s ", $2 }')" \
        "main a " "path"
    same "$(field "$work/r.json" stack_bound.fits_default)" false "does not fit"
}

cli() {
    local st w=$CUL_FIX/rank.wasm
    st=0; "$FORKSIZE" culprits 2>/dev/null || st=$?; same "$st" 2 "no module"
    st=0; "$FORKSIZE" culprits "$w" --format csv 2>/dev/null || st=$?; same "$st" 2 "csv refused"
    st=0; "$FORKSIZE" culprits "$w" --top x 2>/dev/null || st=$?; same "$st" 2 "bad --top"
    st=0; "$FORKSIZE" culprits "$w" --bogus 2>/dev/null || st=$?; same "$st" 2 "unknown option"
    st=0; "$FORKSIZE" culprits "$w" --root func:nothing 2>"$work/e" || st=$?
    same "$st" 3 "no root matched"
    st=0; "$FORKSIZE" culprits "$work/missing.wasm" 2>/dev/null || st=$?; same "$st" 2 "missing file"
    "$FORKSIZE" culprits --help | grep -q '^usage: forksize culprits' && ok || fail "--help"
    "$FORKSIZE" culprits "$w" --root import:env.fork -o "$work/o.txt"
    grep -q '^roots (what leaves without each root), 1 of 1:' "$work/o.txt" && ok || fail "-o text"
    same "$(ls "$work" | grep -c '^\.\?o\.txt\.' || true)" 0 "no temporary left"
    "$FORKSIZE" culprits "$w" --root import:env.fork --format json -o "$work/o.json"
    same "$(field "$work/o.json" schema)" forksize/culprits@1 "schema"
    same "$(field "$work/o.json" bytes_label)" estimated "bytes label"
    same "$(field "$work/o.json" measured_label)" none "measured label"
}

corpus() {
    local d=${FORKSIZE_CORPUS_DIR:-}
    for m in php_8_3 ruby; do
        t_module "$d/$m.wasm"
        "$FORKSIZE" culprits "$d/$m.wasm" --root 'import:*' --format json -o "$work/$m.json" \
            2>"$work/$m.err"
        grep -q 'disagrees' "$work/$m.err" && fail "$m: culprit graph disagrees" || ok
        local n
        n=$(field "$work/$m.json" totals.roots)
        [ "${n:-0}" -gt 0 ] && ok || fail "$m: no root culprits"
        echo "$m: culprits $(field "$work/$m.json" timing.culprits_ms) ms," \
             "analysis $(field "$work/$m.json" timing.analysis_ms) ms"
    done
}

"$1"
t_done
