#!/usr/bin/env bash
# diff.sh MODE - the forksize diff tests (tests/diff/CMakeLists.txt).
# Env: FORKSIZE, WASM_OBJDUMP, WASM_OPT, JFLAT, DIFF_FIX (built fixtures),
# DIFF_SRC (this folder), DIFF_BX (the binaryen area's built fixtures),
# FORKSIZE_BUNDLED (corpus/forksh.wasm); FORKSIZE_REGEN_GOLDEN=1 (only 1)
# rewrites expected/base_new.txt.
set -u
mode=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib=$DIFF_SRC/../lib
. "$lib/lib.sh"
t_init "diff.sh $mode"

# run EXPECTED_STATUS ARGS...: forksize diff ARGS, stdout to $work/out,
# stderr to $work/err; checks the exit status.
run() {
    local want=$1; shift
    "$FORKSIZE" diff "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "forksize diff $*: exit $got, want $want"; sed 's/^/  stderr: /' "$work/err"
        return 1
    fi
    ok "forksize diff $* -> exit $got"
    return 0
}
has()   { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
hasnt() { ! grep -qF -- "$2" "$1" || fail "$1 should not contain: $2"; }
# flat [FILE]: FILE (default: the last stdout) flattened by jflat into
# $work/flat.  A reader that fails is a failure, and leaves $work/flat
# empty, so every check on it fails too.
flat() {
    if ! "$JFLAT" "${1:-$work/out}" >"$work/flat"; then
        fail "jflat could not read ${1:-$work/out}"
        : >"$work/flat"
    fi
}
# want LABEL LINE...: each LINE is a line of $work/flat.
want() {
    local label=$1 w; shift
    for w in "$@"; do grep -qxF -- "$w" "$work/flat" || fail "$label json lacks $w"; done
}
# Exactly one line on stderr.
one_line() { [ "$(wc -l <"$work/err")" = 1 ] || { fail "stderr is not one line:"; cat "$work/err"; }; }

# Code section payload size by wasm-objdump -h, in decimal.
code_size() {
    local hex
    hex=$("$WASM_OBJDUMP" -h "$1" | sed -n 's/^ *Code .*(size=0x\([0-9a-fA-F]*\)).*/\1/p')
    [ -n "$hex" ] && echo $((16#$hex))
}

cd "$DIFF_FIX" || exit 1
M=(--root import:env.fork --model 50,10,1)

case $mode in
text)
    run 0 base.wasm new.wasm "${M[@]}" --top 3 || exit 1
    cb=$(code_size base.wasm); cn=$(code_size new.wasm)
    [ -n "$cb" ] && [ -n "$cn" ] || { fail "no code section size from wasm-objdump"; t_done; }
    ver=$("$FORKSIZE" --version | awk '{ print $2 }')
    sb=$(sha256sum base.wasm | awk '{ print $1 }'); sn=$(sha256sum new.wasm | awk '{ print $1 }')
    code=$(printf '%-22s %12d %12d %+10d  %s\n' "code bytes before" "$cb" "$cn" $((cn - cb)) measured
           printf '%-22s %12d %12d %+10d  %s\n' "code bytes after" $((cb + 241)) $((cn + 263)) \
                  $((cn + 263 - cb - 241)) estimated)
    growth=$(awk -v b="$cb" -v n="$cn" 'BEGIN { gb = 241 / b; gn = 263 / n;
        printf "%-22s %11.2f%% %11.2f%% %+7.2f pp  %s\n", "growth", gb * 100, gn * 100,
               (gn - gb) * 100, "estimated" }')
    if t_regen; then
        # Back to placeholders; the derivation (the '#' lines) is kept.
        { grep '^#' "$DIFF_SRC/expected/base_new.txt"
          awk -v sb="$sb" -v sn="$sn" -v ver="$ver" '
            /^code bytes before / { print "@CODE_LINES@"; next }
            /^code bytes after / { next }
            /^growth / { print "@GROWTH_LINE@"; next }
            { gsub(sb, "@BASE_SHA@"); gsub(sn, "@NEW_SHA@")
              gsub("forksize " ver, "forksize @VERSION@"); print }' "$work/out"
        } >"$work/regen" && mv "$work/regen" "$DIFF_SRC/expected/base_new.txt"
        echo "diff.sh: wrote $DIFF_SRC/expected/base_new.txt"
        exit 0
    fi
    grep -v '^#' "$DIFF_SRC/expected/base_new.txt" |
        awk -v code="$code" -v growth="$growth" -v sb="$sb" -v sn="$sn" -v ver="$ver" '
            $0 == "@CODE_LINES@" { print code; next }
            $0 == "@GROWTH_LINE@" { print growth; next }
            { gsub(/@BASE_SHA@/, sb); gsub(/@NEW_SHA@/, sn); gsub(/@VERSION@/, ver); print }' \
        >"$work/expected"
    if diff -u "$work/expected" "$work/out"; then ok "text matches expected/base_new.txt"
    else fail "text differs from expected/base_new.txt"; fi
    [ -s "$work/err" ] && fail "unexpected stderr: $(cat "$work/err")"
    # md carries the same facts
    run 0 base.wasm new.wasm "${M[@]}" --top 3 --format md || exit 1
    has "$work/out" "| joiner [3] | 0 | 60 | +60 | +50 | +10 | +0 |"
    has "$work/out" "| terms: total | 241 | 263 | +22 | estimated |"
    has "$work/out" "- in:    multi [4] at #1"
    # -o writes the same text atomically
    run 0 base.wasm new.wasm "${M[@]}" --top 3 -o "$work/o.txt" || exit 1
    cmp -s "$work/o.txt" "$work/expected" || fail "-o output differs from stdout"
    [ -s "$work/out" ] && fail "-o still wrote to stdout"
    ;;
json)
    run 0 base.wasm new.wasm "${M[@]}" --top 3 --format json || exit 1
    flat
    cb=$(code_size base.wasm); cn=$(code_size new.wasm)
    for want in \
        "schema=forksize/diff@1" "identical_input=false" "options.indirect=typed" \
        "options.roots[0]=import:env.fork" "options.model[0]=50" "options.model[1]=10" \
        "options.model[2]=1" "options_differ=[]" "cost.metric=cost.total" "cost.label=estimated" \
        "matching.by_name=5" "matching.by_index=0" "matching.added=0" "matching.removed=0" \
        "totals.label=estimated" \
        "totals.code_bytes_before.base=$cb" "totals.code_bytes_before.new=$cn" \
        "totals.code_bytes_after.base=$((cb + 241))" "totals.code_bytes_after.new=$((cn + 263))" \
        "totals.added_bytes.base=241" "totals.added_bytes.new=263" "totals.added_bytes.change=22" \
        "terms.fixed.change=0" "terms.callsite.base=40" "terms.callsite.new=60" \
        "terms.callsite.change=20" "terms.local.base=1" "terms.local.new=3" "terms.local.change=2" \
        "terms.total.change=22" "closure.functions.base=4" "closure.functions.new=4" \
        "closure.entered[0].name=joiner" "closure.entered[0].base_index=3" \
        "closure.entered[0].status=paired" "closure.left[0].name=leaver" \
        "changes[0].fn.name=joiner" "changes[0].cost.base=0" "changes[0].cost.new=60" \
        "changes[0].fixed.change=50" "changes[0].callsite.change=10" \
        "changes[1].fn.name=leaver" "changes[1].cost.change=-60" \
        "changes[2].fn.name=multi" "changes[2].callsite.base=10" "changes[2].callsite.new=30" \
        "changes[2].local.change=0" "changes[3].fn.name=locs" "changes[3].local.base=1" \
        "changes[3].local.new=3" "changes[3].callsite.change=0" \
        "top.n=3" "top.changed=true" "top.in[0].fn.name=multi" "top.in[0].rank=1" \
        "top.out[0].fn.name=leaver" "top.out[0].rank=3" \
        "top.moved[0].fn.name=locs" "top.moved[0].base_rank=1" "top.moved[0].new_rank=2" \
        "top.moved[1].fn.name=steady" "top.moved[1].base_rank=2" "top.moved[1].new_rank=3" \
        "gate.tripped=false" "gate.reason=null" "gate.fail_above_pct=null"; do
        grep -qxF -- "$want" "$work/flat" || fail "json lacks $want"
    done
    # exactly these: one entered, one left, four changes, one in, one out, two moved
    for arr in "closure.entered" "closure.left" "changes" "top.in" "top.out" "top.moved"; do
        grep -o "^${arr//./\\.}\[[0-9]*\]" "$work/flat" | sort -u | wc -l
    done | tr '\n' ' ' >"$work/counts"
    [ "$(cat "$work/counts")" = "1 1 4 1 1 2 " ] || fail "array sizes $(cat "$work/counts"), want 1 1 4 1 1 2"
    ;;
gate)
    # --model 40,10,0: base adds 4*40 + 4*10 = 200 bytes, new 4*40 + 6*10 = 220:
    # +20 bytes, exactly +10%.  Strictly above trips; equal passes.
    G=(--root import:env.fork --model 40,10,0)
    run 0 base.wasm new.wasm "${G[@]}" --fail-above 10 && [ ! -s "$work/err" ] || fail "stderr on no trip"
    run 1 base.wasm new.wasm "${G[@]}" --fail-above 9.99 && one_line &&
        has "$work/err" "forksize: diff gate: added bytes grew 10.0% (+20 bytes), above --fail-above 9.99"
    has "$work/out" "added bytes                     200          220        +20  estimated"
    run 0 base.wasm new.wasm "${G[@]}" --fail-above-bytes 20
    run 1 base.wasm new.wasm "${G[@]}" --fail-above-bytes 19 && one_line &&
        has "$work/err" "forksize: diff gate: added bytes grew 10.0% (+20 bytes), above --fail-above-bytes 19"
    run 0 base.wasm new.wasm "${G[@]}" --fail-above 10 --fail-above-bytes 20
    run 1 base.wasm new.wasm "${G[@]}" --fail-above 50 --fail-above-bytes 0 && one_line
    # json records the gate
    run 1 base.wasm new.wasm "${G[@]}" --fail-above-bytes 19 --format json
    flat
    want gate "gate.tripped=true" "gate.fail_above_bytes=19"
    # the other way round the added bytes shrink: nothing trips at 0
    run 0 new.wasm base.wasm "${G[@]}" --fail-above 0 --fail-above-bytes 0
    has "$work/out" "added bytes                     220          200        -20  estimated"
    # same module: +0 never trips a 0 gate
    run 0 base.wasm base.wasm "${G[@]}" --fail-above 0 --fail-above-bytes 0
    run 2 base.wasm new.wasm "${G[@]}" --fail-above -1
    run 2 base.wasm new.wasm "${G[@]}" --fail-above-bytes 1.5
    ;;
npgate)
    # forkinstr's normal-path proxy: both sides simulate, so both carry it.
    # A saved report, and a copy whose loops count is one higher (a
    # change that lengthens the normal path and adds no byte).
    # The diff fixtures have no memory (forkinstr refuses them): forksh.
    S=(--root 'import:*' --apply simulate)
    "$FORKSIZE" --stats "$FORKSIZE_BUNDLED" "${S[@]}" --format json -o "$work/b.json" ||
        { fail "stats"; t_done; }
    flat "$work/b.json"
    read -r e s l < <(awk -F= '/^instrumentation\.forkinstr\.normal_path\.(entry|sites|loops)=/ { printf "%s ", $2 }' "$work/flat")
    [ -n "$l" ] || { fail "base report has no normal_path"; t_done; }
    tot=$((e + s + l))
    awk '!done && /"loops":/ { sub(/"loops":[ \t]*[0-9]+/, "\"loops\":\t" ('"$l"' + 1)); done = 1 } { print }' \
        "$work/b.json" > "$work/n.json"
    run 0 "$work/b.json" "$work/b.json" --fail-above 0 || t_done
    run 1 "$work/b.json" "$work/n.json" --fail-above 0 && one_line &&
        has "$work/err" "forksize: diff gate: normal-path instructions grew $(awk -v t="$tot" 'BEGIN { printf "%.1f", 100 / t }')% (+1), above --fail-above 0"
    has "$work/out" "$(printf '%-22s %12d %12d %+10d  %s' "normal path: loops" "$l" $((l + 1)) 1 exact)"
    # the byte gate alone does not look at it; the reverse shrinks it
    run 0 "$work/b.json" "$work/n.json" --fail-above-bytes 0
    run 0 "$work/n.json" "$work/b.json" --fail-above 0
    run 1 "$work/b.json" "$work/n.json" --fail-above 0 --format json
    flat
    want npgate "normal_path.loops.base=$l" "normal_path.loops.new=$((l + 1))" \
        "normal_path.total.change=1" "normal_path.label=exact" "gate.tripped=true"
    ;;
self)
    # a module against its own saved report (both ways): identical, no change
    "$FORKSIZE" --stats base.wasm "${M[@]}" --format json -o "$work/base.json" ||
        { fail "stats"; t_done; }
    for pair in "base.wasm $work/base.json" "$work/base.json base.wasm" \
                "$work/base.json $work/base.json"; do
        # shellcheck disable=SC2086
        run 0 $pair "${M[@]}" --fail-above 0 --fail-above-bytes 0 || continue
        has "$work/out" "identical input: both sides are the same module (sha256 $(sha256sum base.wasm | awk '{print $1}'))"
        has "$work/out" "functions: 5 paired (5 by name, 0 by body, 0 by body order, 0 by fingerprint, 0 by index); unpaired: 0 base (removed), 0 new (added)"
        has "$work/out" "entered the closure: 0"
        has "$work/out" "left the closure: 0"
        has "$work/out" "largest first: 0"
        has "$work/out" "top 20 by estimated cost: unchanged"
        has "$work/out" "terms: total                    241          241         +0  estimated"
    done
    has "$work/out" "base: $work/base.json  [report,"
    run 0 base.wasm "$work/base.json" "${M[@]}" --format json
    flat
    want self "identical_input=true" "changes=[]" \
        "closure.entered=[]" "closure.left=[]" "top.changed=false" "base.source=wasm" \
        "new.source=report" "totals.added_bytes.change=0"
    ;;
options)
    "$FORKSIZE" --stats base.wasm "${M[@]}" --format json -o "$work/typed.json" &&
    "$FORKSIZE" --stats new.wasm "${M[@]}" --indirect asyncify --format json -o "$work/async.json" ||
        { fail "stats"; t_done; }
    run 2 "$work/typed.json" "$work/async.json" && one_line &&
        has "$work/err" "options differ: indirect typed vs asyncify"
    [ -s "$work/out" ] && fail "refused diff wrote output"
    run 0 "$work/typed.json" "$work/async.json" --force &&
        has "$work/out" "warning: options differ (compared anyway, --force): indirect typed vs asyncify"
    has "$work/err" "forksize: warning: options differ: indirect typed vs asyncify"
    run 0 "$work/typed.json" "$work/async.json" --force -q --format json
    flat
    want options "options_differ[0]=indirect typed vs asyncify"
    # a .wasm side is analyzed with diff's options: a typed report vs an asyncify analysis
    run 2 "$work/typed.json" new.wasm "${M[@]}" --indirect asyncify &&
        has "$work/err" "indirect typed vs asyncify"
    # several differences are all named
    run 2 "$work/typed.json" new.wasm --root import:env.fork --model 40,10,1 --indirect none &&
        has "$work/err" "options differ: indirect typed vs none; model 50,10,1 vs 40,10,1"
    run 2 "$work/typed.json" new.wasm --model 50,10,1 &&
        has "$work/err" "options differ: roots import:env.fork vs "
    # a different tool version is only a warning
    sed 's/"version":[^,]*/"version":\t"0.0.1-test"/' "$work/typed.json" >"$work/old.json"
    run 0 "$work/old.json" "$work/typed.json" &&
        has "$work/err" "warning: tool versions differ: 0.0.1-test vs"
    ;;
badinput)
    printf 'hello\n' >"$work/text.txt"
    run 2 "$work/text.txt" new.wasm "${M[@]}" && one_line && has "$work/err" "neither a WebAssembly module"
    printf '{"schema": "other@1"}' >"$work/other.json"
    run 2 "$work/other.json" new.wasm "${M[@]}" && has "$work/err" "not a forksize/stats@2 report"
    printf '{"schema": "forksize/stats@1", ' >"$work/cut.json"
    run 2 "$work/cut.json" new.wasm "${M[@]}" && has "$work/err" "not a JSON object"
    printf '\0asm\1\0\0\0\1' >"$work/bad.wasm"
    run 2 "$work/bad.wasm" new.wasm "${M[@]}" && has "$work/err" "offset 0x"
    run 2 base.wasm "$work/missing.wasm" "${M[@]}"
    run 2 base.wasm
    run 2 base.wasm new.wasm --format svg
    run 2 base.wasm new.wasm --pair-by
    # no root matched: 3, like stats, unless --allow-empty
    run 3 base.wasm new.wasm --root import:env.nothing && has "$work/err" "no root matched"
    run 0 base.wasm new.wasm --root import:env.nothing --allow-empty &&
        has "$work/out" "closure: 0 -> 0 functions (+0)"
    "$FORKSIZE" --stats base.wasm --root import:env.nothing --allow-empty --format json \
        -o "$work/empty.json" || fail "stats --allow-empty"
    run 3 "$work/empty.json" "$work/empty.json"
    ;;
corpus)
    # the bundled module against itself, as .wasm and as a saved report
    "$FORKSIZE" --stats "$FORKSIZE_BUNDLED" --format json -o "$work/forksh.json" ||
        { fail "stats"; t_done; }
    sha=$(sha256sum "$FORKSIZE_BUNDLED" | awk '{ print $1 }')
    for b in "$FORKSIZE_BUNDLED" "$work/forksh.json"; do
        run 0 "$b" "$FORKSIZE_BUNDLED" --fail-above 0 --fail-above-bytes 0 || continue
        has "$work/out" "identical input: both sides are the same module (sha256 $sha)"
        has "$work/out" "entered the closure: 0"
        has "$work/out" "left the closure: 0"
        has "$work/out" "largest first: 0"
        has "$work/out" "top 20 by exact (dry run) cost: unchanged"   # the default, forkinstr's dry run
        hasnt "$work/out" "warning"
    done
    ;;
pairing)
    # dup_base.wat and dup_new.wat derive every figure.  By default unique
    # names pair by name wherever they moved, and the two "dup"s (a repeated
    # name is no key) by their bodies: nothing is added or removed.
    run 0 dup_base.wasm dup_new.wasm "${M[@]}" || exit 1
    has "$work/out" "functions: 4 paired (2 by name, 2 by body, 0 by body order, 0 by fingerprint, 0 by index); unpaired: 0 base (removed), 0 new (added)"
    has "$work/out" "entered the closure: 0"
    has "$work/out" "left the closure: 0"
    has "$work/out" "  z [4 -> 1]                           60       70      +10       +0      +10       +0"
    hasnt "$work/out" "  dup ["
    run 0 dup_base.wasm dup_new.wasm "${M[@]}" --format json || exit 1
    flat
    want pairing "matching.by_name=2" "matching.by_body=2" "matching.by_index=0" \
        "matching.added=0" "matching.removed=0" "matching.stages[0]=name" \
        "matching.stages[1]=body" "matching.stages[2]=fingerprint" "matching.bodies=true" \
        "changes[0].fn.name=z" "changes[0].fn.paired_by=name" "changes[0].cost.change=10"
    # The old way, asked for: the rest by index (then "dup" [2] finds NEW [2]
    # taken by a: removed; NEW [4] added).
    run 0 dup_base.wasm dup_new.wasm "${M[@]}" --pair-by name,index || exit 1
    has "$work/out" "functions: 3 paired (2 by name, 0 by body, 0 by body order, 0 by fingerprint, 1 by index); unpaired: 1 base (removed), 1 new (added)"
    has "$work/out" "added bytes                     180          190        +10  estimated"
    has "$work/out" "  dup [2] (removed)                    60        0      -60      -50      -10       +0"
    has "$work/out" "  dup [3]                               0       60      +60      +50      +10       +0"
    has "$work/out" "  z [4 -> 1]                           60       70      +10       +0      +10       +0"
    hasnt "$work/out" "  a [1 -> 2]     "        # paired by name across indices, unchanged
    run 0 dup_base.wasm dup_new.wasm "${M[@]}" --pair-by name,index --format json || exit 1
    flat
    want pairing "matching.by_name=2" "matching.by_index=1" "matching.added=1" "matching.removed=1" \
        "closure.entered[0].name=dup" "closure.entered[0].base_index=3" \
        "closure.entered[0].new_index=3" "closure.entered[0].status=paired" \
        "closure.entered[0].paired_by=index" \
        "closure.left[0].base_index=2" "closure.left[0].new_index=null" \
        "closure.left[0].status=removed" "closure.left[0].paired_by=null" \
        "changes[0].fn.base_index=2" "changes[0].fn.new_index=null" "changes[0].fn.status=removed" \
        "changes[0].cost.change=-60" \
        "changes[1].fn.base_index=3" "changes[1].fn.new_index=3" "changes[1].cost.change=60" \
        "changes[2].fn.name=z" "changes[2].fn.base_index=4" "changes[2].fn.new_index=1" \
        "changes[2].cost.base=60" "changes[2].cost.new=70" "totals.added_bytes.change=10"
    [ "$(grep -c '^changes\[[0-9]*\]\.fn\.name=' "$work/flat")" = 3 ] || fail "pairing: not 3 changes"
    # Without a name section, by index when asked (here the same pairs as
    # by name: base.wat and new.wat keep their indices).
    run 0 base_noname.wasm new_noname.wasm "${M[@]}" --pair-by index || exit 1
    has "$work/out" "functions: 5 paired (0 by name, 0 by body, 0 by body order, 0 by fingerprint, 5 by index); unpaired: 0 base (removed), 0 new (added)"
    has "$work/out" "added bytes                     241          263        +22  estimated"
    has "$work/out" "  func[3]                               0       60      +60      +50      +10       +0"
    has "$work/out" "  func[2]                              60        0      -60      -50      -10       +0"
    ;;
stages)
    # Two builds of one program; prog_v1.wat lists the true pairing.  The
    # CSV has one line per function: base index, new index, name, status,
    # method.
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" --format csv || exit 1
    cut -d, -f1-5 "$work/out" >"$work/pairs"
    printf '%s\n' "base_index,new_index,name,status,paired_by" \
        '2,8,parse,paired,name' '3,6,util_new,paired,body' \
        '4,5,func[5],paired,fingerprint' '5,3,func[3],paired,body_order' \
        '6,,gone,removed,' '7,7,func[7],paired,body_order' \
        '8,4,func[4],paired,fingerprint' ',2,extra,added,' >"$work/want"
    if diff -u "$work/want" "$work/pairs"; then ok "the true pairing, each by its stage"
    else fail "pairing of prog_v1/prog_v2 differs from the truth"; fi
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" || exit 1
    has "$work/out" "functions: 6 paired (1 by name, 1 by body, 2 by body order, 2 by fingerprint, 0 by index); unpaired: 1 base (removed), 1 new (added)"
    has "$work/out" "pairing: name, body, fingerprint; fingerprint: 2 rounds, left 0 ambiguous, 0 below the bar"
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" --format json || exit 1
    flat
    want stages "matching.by_name=1" "matching.by_body=1" "matching.by_body_order=2" \
        "matching.by_fingerprint=2" "matching.by_index=0" "matching.added=1" \
        "matching.removed=1" "matching.fingerprint.rounds=2" "matching.fingerprint.ambiguous=0" \
        "matching.body_duplicate_groups=0"
    # Without the fingerprint, compute and main stay unpaired.
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" --pair-by name,body || exit 1
    has "$work/out" "functions: 4 paired (1 by name, 1 by body, 2 by body order, 0 by fingerprint, 0 by index); unpaired: 3 base (removed), 3 new (added)"
    # A saved report has no bodies: names alone pair, and the output says so.
    "$FORKSIZE" --stats prog_v1.wasm "${M[@]}" --format json -o "$work/v1.json" || fail "stats"
    run 0 "$work/v1.json" prog_v2.wasm "${M[@]}" || exit 1
    has "$work/out" "functions: 1 paired (1 by name, 0 by body, 0 by body order, 0 by fingerprint, 0 by index); unpaired: 6 base (removed), 6 new (added)"
    has "$work/out" "pairing: name, body, fingerprint; body and fingerprint skipped: a side is a saved report"
    ;;
index)
    # --pair-by index: every function by its index, whatever moved.
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" --pair-by index --format csv || exit 1
    cut -d, -f1,2,4,5 "$work/out" >"$work/pairs"
    printf '%s\n' "base_index,new_index,status,paired_by" 2,2,paired,index 3,3,paired,index \
        4,4,paired,index 5,5,paired,index 6,6,paired,index 7,7,paired,index \
        8,8,paired,index >"$work/want"
    if diff -u "$work/want" "$work/pairs"; then ok "--pair-by index pairs by index only"
    else fail "--pair-by index pairing differs"; fi
    run 0 prog_v1.wasm prog_v2.wasm "${M[@]}" --pair-by index --format json || exit 1
    flat
    want index "matching.by_index=7" "matching.by_name=0" "matching.by_body=0" \
        "matching.by_fingerprint=0" "matching.added=0" "matching.removed=0" \
        "matching.stages[0]=index"
    grep -qxF "matching.stages[1]=name" "$work/flat" && fail "index: a second stage ran"
    # bad lists
    run 2 prog_v1.wasm prog_v2.wasm --pair-by size && has "$work/err" "--pair-by: unknown stage 'size'"
    run 2 prog_v1.wasm prog_v2.wasm --pair-by name,name && has "$work/err" "--pair-by: 'name' given twice"
    run 2 prog_v1.wasm prog_v2.wasm --pair-by name,
    ;;
lg2)
    # Two stripped builds of one program from one package: lg2 and its
    # Asyncify build.  Most functions pair by body or fingerprint.
    L=${FORKSIZE_CORPUS_DIR:-}/lg2.wasm LA=${FORKSIZE_CORPUS_DIR:-}/lg2_async.wasm
    t_module "$L"; t_module "$LA"
    run 0 "$L" "$LA" --root 'import:*' --top 3 --format json -q || exit 1
    flat
    get() { sed -n "s/^$1=//p" "$work/flat"; }
    run 0 "$L" "$LA" --root 'import:*' --format csv -q || exit 1
    rows=$(awk 'END { print NR - 1 }' "$work/out")
    base=$(awk -F, 'NR > 1 && $1 != "" { n++ } END { print n + 0 }' "$work/out")
    body=$(get matching.by_body); order=$(get matching.by_body_order)
    fp=$(get matching.by_fingerprint); named=$(get matching.by_name); idx=$(get matching.by_index)
    echo "lg2 -> lg2_async: $base base functions ($rows rows): body $body, body_order $order," \
         "fingerprint $fp, name $named, index $idx, removed $(get matching.removed)," \
         "added $(get matching.added)"
    [ "$named" = 0 ] && [ "$idx" = 0 ] || fail "lg2: stripped modules paired by name or index"
    [ $(( (body + order + fp) * 100 )) -ge $(( base * 85 )) ] &&
        ok "lg2: $((body + order + fp)) of $base pair by body or fingerprint (>= 85%)" ||
        fail "lg2: only $((body + order + fp)) of $base paired by body or fingerprint"
    # --top limits the entered and left lists of the text (not the JSON)
    run 0 "$L" "$LA" --root 'import:*' --top 3 -q || exit 1
    ne=$(get 'closure.entered\[[0-9]*\].new_index' | wc -l)
    [ "$ne" -gt 3 ] || fail "lg2: want more than 3 entered in the JSON, got $ne"
    has "$work/out" "entered the closure: $ne (the 3 costliest shown; --top 0 lists all)"
    has "$work/out" "  ... $((ne - 3)) more"
    awk '/^entered the closure/ { on = 1; next } /^left the closure/ { on = 0 } on' "$work/out" >"$work/ent"
    [ "$(wc -l <"$work/ent")" = 4 ] || fail "lg2: entered list is not 3 lines and '... more'"
    # The truth known: Binaryen's Asyncify keeps every function at its index
    # (it appends its own), so there a pair is right when the indices agree.
    "$WASM_OPT" "$L" --asyncify --enable-bulk-memory --enable-mutable-globals \
        --enable-sign-ext --enable-nontrapping-float-to-int -o "$work/lg2_bn.wasm" 2>"$work/bn.err" ||
        { fail "wasm-opt --asyncify lg2"; cat "$work/bn.err"; t_done; }
    run 0 "$L" "$work/lg2_bn.wasm" --root 'import:*' --format csv -q || exit 1
    awk -F, 'NR > 1 && $4 == "paired" { n++; if ($1 != $2) bad++ }
             NR > 1 && $1 != "" { base++ }
             END { printf "%d %d %d\n", base, n, bad }' "$work/out" >"$work/truth"
    read -r tb tp tw <"$work/truth"
    echo "lg2 -> Binaryen asyncify: $tb base functions, $tp paired, $tw of them wrong"
    [ $((tp * 100)) -ge $((tb * 85)) ] && ok "lg2/asyncify: $tp of $tb paired" ||
        fail "lg2/asyncify: only $tp of $tb paired"
    [ $((tw * 100)) -le "$tp" ] && ok "lg2/asyncify: $tw wrong (<= 1%)" ||
        fail "lg2/asyncify: $tw of $tp pairs wrong (> 1%)"
    ;;
asyncify)
    # Both sides --apply asyncify: the cost is the measured delta_bytes.
    # The oracle: wasm-opt's own A/B (no passes vs --asyncify, i.e. -O0),
    # read by wasm-objdump (tests/lib/bn_deltas.sh).  With root import:* and
    # --indirect asyncify forksize passes Binaryen no list at all.
    A=(--root 'import:*' --indirect asyncify --apply asyncify -O 0)
    bash "$lib/bn_deltas.sh" base.wasm "$work/bnb" >"$work/bnb.txt" 2>/dev/null || fail "wasm-opt on base"
    bash "$lib/bn_deltas.sh" new.wasm "$work/bnn" >"$work/bnn.txt" 2>/dev/null || fail "wasm-opt on new"
    run 0 base.wasm new.wasm "${A[@]}" -q || exit 1
    has "$work/out" "cost per function: delta_bytes (measured: --apply asyncify on both sides)"
    has "$work/out" "cost changes (measured delta_bytes; terms estimated), largest first: 4"
    run 0 base.wasm new.wasm "${A[@]}" -q --format json || exit 1
    flat
    cp "$work/flat" "$work/wasm.flat"
    read -r _ bb ba <"$work/bnb.txt"; read -r _ nb na <"$work/bnn.txt"
    want asyncify "cost.metric=delta_bytes" "cost.label=measured" "totals.label=measured" \
        "base.label=measured" "new.label=measured" \
        "totals.code_bytes_before.base=$bb" "totals.code_bytes_after.base=$ba" \
        "totals.code_bytes_before.new=$nb" "totals.code_bytes_after.new=$na" \
        "totals.added_bytes.change=$(( (na - nb) - (ba - bb) ))"
    # Every change row against the two oracles (a row may also be there for
    # an estimated term's change alone, as locs's); every function whose
    # oracle delta differs has a row.
    awk -v fb="$work/bnb.txt" -v fn="$work/bnn.txt" '
        BEGIN {
            while ((getline l < fb) > 0) if (split(l, f, " ") == 3 && f[1] == "fn") b[f[2]] = f[3]
            while ((getline l < fn) > 0) if (split(l, f, " ") == 3 && f[1] == "fn") n[f[2]] = f[3]
            for (k in b) if (b[k] != n[k]) want[k] = 1
        }
        { e = index($0, "="); key = substr($0, 1, e - 1); v = substr($0, e + 1) }
        key ~ /^changes\[[0-9]+\]\.fn\.name$/ { i = key; gsub(/[^0-9]/, "", i); name[i] = v; nrow++ }
        key ~ /^changes\[[0-9]+\]\.cost\.(base|new|change)$/ {
            i = key; sub(/^changes\[/, "", i); sub(/\].*/, "", i); fld = key; sub(/.*\./, "", fld); c[i, fld] = v }
        END {
            bad = 0
            for (i in name) {
                k = name[i]; seen[k] = 1
                if (!(k in b) || !(k in n)) { print "row " k ": not in the oracle"; bad = 1; continue }
                if (c[i, "base"] != b[k] || c[i, "new"] != n[k] || c[i, "change"] != n[k] - b[k]) {
                    print k ": " c[i, "base"] " -> " c[i, "new"] " (" c[i, "change"] "), wasm-opt " b[k] " -> " n[k]; bad = 1 }
            }
            for (k in want) if (!(k in seen)) { print k ": no change row, wasm-opt " b[k] " -> " n[k]; bad = 1 }
            if (nrow != 4) { print nrow " change rows, want 4 (leaver, joiner, multi; locs by its local term)"; bad = 1 }
            exit bad
        }' "$work/flat" && ok "every measured change equals wasm-opt's (objdump)" ||
        fail "measured changes differ from wasm-opt's"
    # Saved --apply asyncify reports give the same changes.
    for s in base new; do
        "$FORKSIZE" --stats $s.wasm "${A[@]}" -q --format json -o "$work/$s.json" ||
            fail "stats --apply asyncify $s.wasm"
    done
    run 0 "$work/base.json" "$work/new.json" -q --format json || exit 1
    flat
    cmp -s <(grep '^changes\[' "$work/flat") <(grep '^changes\[' "$work/wasm.flat") &&
        ok "reports: the same changes" || fail "reports give other changes than the modules"
    # One side measured, the other estimated: different options (exit 2).
    run 2 "$work/base.json" new.wasm --root 'import:*' --indirect asyncify
    has "$work/err" "options differ: apply asyncify vs model"
    # A side Binaryen's Asyncify refuses (a tail call): exit 4, no output.
    cp "$DIFF_BX/tail_call.wasm" "$work/tail_call.wasm"
    run 4 base.wasm "$work/tail_call.wasm" "${A[@]}" && one_line
    has "$work/err" "tail_call.wasm: Binaryen 108's Asyncify cannot instrument this module: 1 closure function uses tail calls (b)"
    [ -s "$work/out" ] && fail "a refused diff wrote output"
    run 4 "$work/base.json" "$work/tail_call.wasm" "${A[@]}"
    ;;
*)
    echo "unknown mode $mode"; exit 2 ;;
esac
t_done
