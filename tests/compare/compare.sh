#!/usr/bin/env bash
# compare.sh MODE - the forksize compare tests (see CMakeLists.txt here).
# Env: FORKSIZE, WASM_OBJDUMP, JCHECK, CMP_FIX (built fixtures), CMP_SRC
# (this folder), FORKSIZE_BUNDLED, FORKSIZE_CORPUS_DIR, CORPUS_MODULES,
# CHROMIUM, NODE; FORKSIZE_REGEN_GOLDEN=1 (and only 1) rewrites expected/.
set -u
mode=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/lib.sh"
t_init "compare.sh $mode"
has()   { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
hasnt() { ! grep -qF -- "$2" "$1" || fail "$1 should not contain: $2"; }

# run EXPECTED_STATUS ARGS...: forksize compare ARGS, stdout to $work/out,
# stderr to $work/err; checks the exit status.
run() {
    local want=$1; shift
    "$FORKSIZE" compare "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "forksize compare $*: exit $got, want $want"; sed 's/^/  stderr: /' "$work/err"
        return 1
    fi
    ok "forksize compare $* -> exit $got"
    return 0
}

# Code section payload size by wasm-objdump -h, in decimal.
code_size() {
    local hex
    hex=$("$WASM_OBJDUMP" -h "$1" | sed -n 's/^ *Code .*(size=0x\([0-9a-fA-F]*\)).*/\1/p')
    [ -n "$hex" ] && echo $((16#$hex))
}

# The fixtures, copied so that paths in the output are the bare names;
# truncated.wasm is alpha's first 12 bytes (alpha.wat explains the error).
cd "$work" || exit 1
cp "$CMP_FIX"/alpha.wasm "$CMP_FIX"/beta.wasm "$CMP_FIX"/noroot.wasm . || exit 1
head -c 12 alpha.wasm >truncated.wasm
G=(alpha.wasm beta.wasm noroot.wasm truncated.wasm)
# --apply model: the goldens are the model's figures, derived by hand.
M=(--root import:env.fork --model 50,10,1 --apply model)
TRUNC_ERR="forksize: truncated.wasm: offset 0x9: section 1 size 12 exceeds the 2 bytes that remain"
ver=$("$FORKSIZE" --version | awk '{ print $2 }')

# Golden files hold @VERSION@, @SHA:FILE@ and @BYTES:FILE@ where the output
# has the version, a file's sha256 and its size: filled in from
# forksize --version, sha256sum and wc -c (independent of compare).
fill() {
    local subst=() f
    subst+=("@VERSION@" "$ver")
    for f in "${G[@]}"; do
        subst+=("@SHA:$f@" "$(sha256sum "$f" | awk '{ print $1 }')" "@BYTES:$f@" "$(wc -c <"$f" | tr -d ' ')")
    done
    PAIRS=$(printf '%s\n' "${subst[@]}") awk '
        function rep(s, from, to,   i, out) {
            out = ""
            while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
            return out s
        }
        BEGIN { n = split(ENVIRON["PAIRS"], p, "\n") }
        { for (k = 1; k + 1 <= n; k += 2) $0 = rep($0, p[k], p[k + 1]); print }'
}

# The reverse, for FORKSIZE_REGEN_GOLDEN: values back to placeholders.
unfill() {
    local fmt=$1 subst=() f
    for f in "${G[@]}"; do
        subst+=("$(sha256sum "$f" | awk '{ print $1 }')" "@SHA:$f@")
    done
    PAIRS=$(printf '%s\n' "${subst[@]}") awk -v ver="$ver" -v fmt="$fmt" '
        function rep(s, from, to,   i, out) {
            out = ""
            while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
            return out s
        }
        BEGIN { n = split(ENVIRON["PAIRS"], p, "\n"); FS = "," }
        {
            for (k = 1; k + 1 <= n; k += 2) $0 = rep($0, p[k], p[k + 1])
            $0 = rep($0, "forksize " ver " ", "forksize @VERSION@ ")
            if ($0 == "- tool: forksize " ver) $0 = "- tool: forksize @VERSION@"
            $0 = rep($0, "\"version\":\t\"" ver "\"", "\"version\":\t\"@VERSION@\"")
            if (fmt == "json") {
                if (match($0, /"path":\t"[^"]*"/)) path = substr($0, RSTART + 9, RLENGTH - 10)
                if ($0 ~ /"bytes":\t\{/) inbytes = 1
                else if (inbytes && $0 ~ /"value":\t[0-9]+/) {
                    sub(/[0-9]+/, "@BYTES:" path "@"); inbytes = 0
                }
            }
            if (fmt == "csv" && NR > 1 && $4 != "") {
                line = $1 "," $2 "," $3 ",@BYTES:" $1 "@"
                for (k = 5; k <= NF; k++) line = line "," $k
                $0 = line
            }
            print
        }'
}

golden() {
    local fmt=$1 exp="$CMP_SRC/expected/fixtures.$1"
    run 2 "${G[@]}" "${M[@]}" --no-timing --format "$fmt" || return
    [ "$(cat "$work/err")" = "$TRUNC_ERR" ] || { fail "stderr is not the one error line:"; cat "$work/err"; }
    if t_regen; then
        unfill "$fmt" <"$work/out" >"$exp" && ok "regenerated $exp"
        return
    fi
    fill <"$exp" >"$work/want" || { fail "cannot read $exp"; return; }
    if diff -u "$work/want" "$work/out"; then ok "$fmt matches expected/fixtures.$fmt"
    else fail "$fmt differs from expected/fixtures.$fmt"; fi
}

# stats_json OUT MODULE ARGS...: forksize --stats --format json.
stats_json() {
    local out=$1 m=$2; shift 2
    "$FORKSIZE" --stats "$m" "$@" --format json -o "$out" 2>/dev/null ||
        fail "forksize --stats $m $* failed"
}

# crosscheck LIST ARGS...: compare's JSON against stats of each module.
crosscheck() {
    local -n mods=$1; shift
    run 0 "${mods[@]}" "$@" --format json -q -o "$work/c.json" || return
    local s=() i=0 m
    for m in "${mods[@]}"; do
        stats_json "$work/s$i.json" "$m" "$@"
        s+=("$work/s$i.json"); i=$((i + 1))
    done
    if "$JCHECK" "$work/c.json" "${s[@]}"; then ok "compare rows equal stats ($*)"
    else fail "compare rows differ from stats ($*)"; fi
}

# svg_geometry SVG: every bar's length is in proportion to its row's growth
# (the "+G% label" text at its end), the same scale for every row, and each
# term's rect is its share of the row: its bytes (from its title) over the
# row's bytes.  Prints one line per row.
svg_geometry() {
    awk -F'"' '
        /<rect .*<title>/ {
            y = $4 + 0; w = $6 + 0; t = $0; sub(/.*\(/, "", t); sub(/ bytes.*/, "", t)
            if (!(y in rw)) ys[++ny] = y
            rw[y] += w; rb[y] += t; n[y]++; rect_w[y, n[y]] = w; rect_b[y, n[y]] = t
        }
        /<text [^>]*>[+-][0-9.]+% [a-z]/ {
            g = $0; sub(/^[^>]*>/, "", g); sub(/%.*/, "", g); growth[$4 - 13] = g + 0
        }
        END {
            bad = 0; scale = 0
            for (k = 1; k <= ny; k++) {
                y = ys[k]
                if (!(y in growth)) { print "row at y=" y ": no growth label"; bad = 1; continue }
                s = rw[y] / growth[y]
                if (scale == 0) scale = s
                if (s < scale * 0.995 || s > scale * 1.005) { print "row at y=" y ": scale " s ", first row " scale; bad = 1 }
                for (i = 1; i <= n[y]; i++)
                    if (rb[y] > 0 && (rect_w[y, i] / rw[y] - rect_b[y, i] / rb[y]) ^ 2 > 0.001 ^ 2) {
                        print "row at y=" y ", rect " i ": width share " rect_w[y, i] / rw[y] ", bytes share " rect_b[y, i] / rb[y]; bad = 1 }
                print "  row at y=" y ": " n[y] " terms, " rb[y] " bytes, growth " growth[y] "%, " rw[y] " px"
            }
            if (ny == 0) { print "no bars"; bad = 1 }
            exit bad
        }' "$1"
}

# svg_render SVG [FROM_Y]: headless Chromium draws it; every term colour
# covers about its rects' area below the legend (rows FROM_Y and below,
# default 120), and a blank page of the same size fails the same check.
svg_render() {
    local svg=$1 from=${2:-120} h colours=() want=() line
    h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$svg")
    while read -r line; do colours+=("${line% *}"); want+=("${line#* }"); done < <(
        awk -F'"' '/<rect .*<title>/ { a[$10] += $6 * $8; n++ } END { for (c in a) print c, a[c] }' "$svg" | sort)
    local nrects; nrects=$(grep -c '<rect .*<title>' "$svg")
    local png=${svg%.svg}.png blank=${svg%.svg}-blank
    printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="960" height="%s"><rect width="960" height="%s" fill="#ffffff"/></svg>\n' "$h" "$h" >"$blank.svg"
    local f got
    for f in "$svg" "$blank.svg"; do
        rm -f "${f%.svg}.png"
        timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
            --force-device-scale-factor=1 --user-data-dir="$work/chrome" \
            --screenshot="${f%.svg}.png" --window-size=960,"$h" "file://$work/$f" >/dev/null 2>&1
        [ -s "${f%.svg}.png" ] || { fail "chromium wrote no ${f%.svg}.png"; return; }
    done
    for f in "$png" "$blank.png"; do
        got=$("$NODE" "$CMP_SRC/pngcount.js" "$f" --from-y "$from" "${colours[@]}") || { fail "pngcount $f"; continue; }
        echo "  $f: $got (want ${want[*]} for ${colours[*]})"
        if awk -v got="$got" -v want="${want[*]}" -v n="$nrects" 'BEGIN {
                split(got, g, " "); k = split(want, w, " "); slack = 2 * 18 * n; tot = 0
                for (i = 1; i <= k; i++) {
                    tot += w[i]
                    if ((g[3 + i] - w[i]) ^ 2 > (0.15 * w[i] + slack) ^ 2) exit 1
                }
                exit !(g[3] >= tot && tot > 0) }'; then
            [ "$f" = "$png" ] && ok "chromium draws every term of $svg" || fail "a blank page passes the check"
        else
            [ "$f" = "$png" ] && fail "the rendered $svg is blank or wrong" || ok "a blank page fails the check"
        fi
    done
}

case $mode in
golden-text)
    golden text
    # The hand-derived code sizes (alpha.wat, beta.wat) against WABT.
    [ "$(code_size alpha.wasm)" = 19 ] || fail "alpha's code section is not 19 bytes"
    [ "$(code_size beta.wasm)" = 24 ] || fail "beta's code section is not 24 bytes"
    ;;
golden-md|golden-csv|golden-json)
    golden "${mode#golden-}"
    ;;
crosscheck)
    L=(alpha.wasm beta.wasm "$FORKSIZE_BUNDLED")
    crosscheck L "${M[@]}"
    crosscheck L                                   # the default roots and model
    crosscheck L --indirect asyncify --model 90,20,3 --apply model
    # forkinstr's dry run: its own terms (with dispatch) and label
    S=("$FORKSIZE_BUNDLED")
    crosscheck S --apply simulate
    # forkinstr on threads: the same rows for any number of jobs.  alpha and
    # beta have no memory, which forkinstr needs: two error rows, exit 2.
    S=("$FORKSIZE_BUNDLED" alpha.wasm "$FORKSIZE_BUNDLED" beta.wasm)
    "$FORKSIZE" compare "${S[@]}" --apply simulate --no-timing --format json -j 1 >j1 2>e1
    s1=$?
    "$FORKSIZE" compare "${S[@]}" --apply simulate --no-timing --format json -j 4 >j4 2>e4
    s4=$?
    [ $s1 = 2 ] && [ $s4 = 2 ] || fail "simulate: exit $s1 and $s4, want 2 (two error rows)"
    has e1 "forksize: alpha.wasm: forkinstr needs a linear memory for the unwind frames, and the module has none"
    [ "$(wc -l <e1)" = 2 ] || fail "simulate: stderr is not the two error lines: $(cat e1)"
    cmp -s j1 j4 && cmp -s e1 e4 && ok "simulate: -j 1 and -j 4 identical" ||
        fail "simulate: -j 1 and -j 4 differ"
    # a defined root that calls no import: a warning the row must carry
    W=(alpha.wasm)
    crosscheck W --root import:env.fork --root func:leaf
    "$FORKSIZE" compare alpha.wasm --root import:env.fork --root func:leaf --no-timing \
        >/dev/null 2>"$work/err"
    has "$work/err" "forksize: alpha.wasm: warning: root func:leaf matches 1 function that calls no import"
    "$FORKSIZE" compare alpha.wasm --root import:env.fork --root func:leaf -q >/dev/null 2>"$work/err"
    [ -s "$work/err" ] && fail "-q still wrote: $(cat "$work/err")"
    ;;
asyncify)
    L=(alpha.wasm beta.wasm "$FORKSIZE_BUNDLED")
    crosscheck L --apply asyncify --root 'import:*'
    # Several jobs run these analyses in worker processes (compare_procs.c).
    A=(alpha.wasm "$FORKSIZE_BUNDLED" beta.wasm truncated.wasm alpha.wasm)
    run 2 "${A[@]}" --apply asyncify -j 3 || exit 1
    has "$work/out" "3 jobs"
    awk '/^alpha.wasm|^beta.wasm|forksh.wasm/ && !/ measured /' "$work/out" | grep -q . &&
        fail "a row is not labelled measured"
    has "$work/out" "(of Binaryen's baseline build at -O2)"
    has "$work/out" "[fitted]"
    grep -qE '^module .* A +B +C +stack +time$' "$work/out" || fail "no A B C columns"
    has "$work/err" "forksize: alpha.wasm: warning: no fit: no closure function survived -O2"
    # The same rows, warnings included, as one job in this process.
    "$FORKSIZE" compare "${A[@]}" --apply asyncify --format json --no-timing -j 1 >j1 2>e1
    s1=$?
    "$FORKSIZE" compare "${A[@]}" --apply asyncify --format json --no-timing -j 3 >j3 2>e3
    s3=$?
    [ $s1 = 2 ] && [ $s3 = 2 ] || fail "asyncify: exit $s1 and $s3, want 2"
    if cmp -s j1 j3 && cmp -s e1 e3; then ok "asyncify: -j 1 and -j 3 identical"
    else fail "asyncify: -j 1 and -j 3 differ"; diff j1 j3 | head; diff e1 e3 | head; fi
    # --group-by: workers send each module's groups back through a file
    # (compare_procs.c); they equal --stats --group-by of the same module,
    # measured columns included, and -j 1 (no worker) gives the same bytes.
    G=(alpha.wasm "$FORKSIZE_BUNDLED" beta.wasm --apply asyncify --root 'import:*'
       --group-by prefix --format json --no-timing -q)
    "$FORKSIZE" compare "${G[@]}" -j 3 >g3 || fail "compare --group-by -j 3"
    "$FORKSIZE" compare "${G[@]}" -j 1 >g1 || fail "compare --group-by -j 1"
    cmp -s g1 g3 && ok "asyncify --group-by: -j 1 and -j 3 identical" ||
        fail "asyncify --group-by: -j 1 and -j 3 differ"
    "$JFLAT" g3 >g3.flat
    i=0
    for m in alpha.wasm "$FORKSIZE_BUNDLED" beta.wasm; do
        stats_json "gs$i.json" "$m" --apply asyncify --root 'import:*' --group-by prefix -q
        "$JFLAT" "gs$i.json" | grep '^groups\.' >gs$i.flat
        sed -n "s/^modules\[$i\]\.groups\./groups./p" g3.flat >gc$i.flat
        if [ -s gs$i.flat ] && cmp -s gs$i.flat gc$i.flat; then
            ok "$m: compare's groups equal --stats ($(grep -c '\.group=' gc$i.flat) groups)"
        else
            fail "$m: compare's groups differ from --stats"; diff gs$i.flat gc$i.flat | head
        fi
        i=$((i + 1))
    done
    grep -q '^modules\[1\]\.groups\.total\.measured=[1-9]' g3.flat ||
        fail "forksh's groups carry no measured functions"
    ;;
corpus)
    L=()
    for m in $CORPUS_MODULES; do
        f="$FORKSIZE_CORPUS_DIR/$m.wasm"
        t_module "$f"
        L+=("$f")
    done
    L+=("$FORKSIZE_BUNDLED")
    crosscheck L --root 'import:*' --apply model
    ;;
jobs)
    L=(alpha.wasm beta.wasm noroot.wasm truncated.wasm "$FORKSIZE_BUNDLED" beta.wasm alpha.wasm)
    for m in lg2 glue sqlite3; do
        t_module "$FORKSIZE_CORPUS_DIR/$m.wasm"
        L+=("$FORKSIZE_CORPUS_DIR/$m.wasm")
    done
    for fmt in text md csv json svg; do
        "$FORKSIZE" compare "${L[@]}" --apply model --no-timing --format $fmt -j 1 >"$work/j1" \
            2>"$work/e1"
        s1=$?
        "$FORKSIZE" compare "${L[@]}" --apply model --no-timing --format $fmt -j 4 >"$work/j4" \
            2>"$work/e4"
        s4=$?
        [ $s1 = 2 ] && [ $s4 = 2 ] || fail "$fmt: exit $s1 and $s4, want 2 (an error row)"
        if cmp -s "$work/j1" "$work/j4" && cmp -s "$work/e1" "$work/e4"; then
            ok "$fmt: -j 1 and -j 4 identical"
        else
            fail "$fmt: -j 1 and -j 4 differ"; diff "$work/j1" "$work/j4" | head -20
        fi
    done
    # rows in the order given
    "$FORKSIZE" compare "${L[@]}" --apply model --format csv -j 4 2>/dev/null |
        awk -F, 'NR > 1 { print $1 }' >"$work/order"
    printf '%s\n' "${L[@]}" >"$work/given"
    cmp -s "$work/order" "$work/given" && ok "rows in the order given" || fail "row order"
    # four workers really ran, and the spellings of -j all work
    run 2 "${L[@]}" --apply model -j 4 || exit 1
    has "$work/out" "4 jobs"
    run 2 "${L[@]}" --apply model -j4 && has "$work/out" "4 jobs"
    run 2 "${L[@]}" --apply model --jobs=3 && has "$work/out" "3 jobs"
    run 0 alpha.wasm beta.wasm --apply model --jobs 8 && has "$work/out" "2 jobs"  # <= modules
    run 0 alpha.wasm --apply model -j 1 && has "$work/out" "1 job"
    ;;
errors)
    # one bad module: its row says why, the others finish, exit 2
    run 2 alpha.wasm truncated.wasm beta.wasm "${M[@]}" || exit 1
    [ "$(cat "$work/err")" = "$TRUNC_ERR" ] || fail "stderr: $(cat "$work/err")"
    has "$work/out" "truncated.wasm  error: offset 0x9: section 1 size 12 exceeds the 2 bytes that remain"
    grep -q '^alpha.wasm .* +689.5% ' "$work/out" || fail "alpha's row is missing"
    grep -q '^beta.wasm .* +508.3% ' "$work/out" || fail "beta's row is missing"
    has "$work/out" "3 modules: 2 ok, 0 without an active root, 1 error"
    # a missing file and a directory
    run 2 alpha.wasm nosuch.wasm "$work" "${M[@]}" --format csv --no-timing || exit 1
    # every other field of an error row is empty
    awk -F, -v n="$(head -1 "$work/out" | awk -F, '{ print NF }')" '$1 == "nosuch.wasm" {
            e = 0; for (k = 3; k < NF; k++) e += $k != ""
            print NF == n && e == 0 && $2 == "error" ? "good" : "bad: " $0 }' "$work/out" >"$work/r"
    [ "$(cat "$work/r")" = good ] || fail "nosuch.wasm's csv row: $(cat "$work/r")"
    has "$work/out" ",error: cannot open: No such file or directory"
    has "$work/err" "forksize: nosuch.wasm: cannot open: No such file or directory"
    grep -q "^$work,error,.*not a regular file" "$work/out" || fail "directory row"
    # JSON error row: message and offset apart
    run 2 truncated.wasm --format json || exit 1
    has "$work/out" '"message":	"section 1 size 12 exceeds the 2 bytes that remain"'
    has "$work/out" '"offset":	9'
    # no root is a row, not an error
    run 0 noroot.wasm alpha.wasm "${M[@]}" || exit 1
    has "$work/out" "noroot.wasm       1       0  0.0%  no root matched (import:env.fork): the fork path is not active in this module"
    [ -s "$work/err" ] && fail "unexpected stderr: $(cat "$work/err")"
    run 0 noroot.wasm || exit 1
    has "$work/out" "no root matched (import:*fork, func:fork, func:vfork, func:_Fork, func:__fork, func:__syscall_fork, the defaults)"
    # -o: written atomically, even with an error row; never over an input
    run 2 alpha.wasm truncated.wasm "${M[@]}" --no-timing -o "$work/t.txt" || exit 1
    [ -s "$work/out" ] && fail "-o still wrote to stdout"
    "$FORKSIZE" compare alpha.wasm truncated.wasm "${M[@]}" --no-timing >"$work/t2.txt" 2>/dev/null
    cmp -s "$work/t.txt" "$work/t2.txt" || fail "-o output differs from stdout"
    cp beta.wasm beta.orig
    run 2 alpha.wasm beta.wasm -o beta.wasm || exit 1
    has "$work/err" "forksize: beta.wasm: refusing to write over the input module"
    cmp -s beta.wasm beta.orig || fail "beta.wasm was overwritten"
    ls "$work" | grep -q '\.tmp\.' && fail "a temporary file was left behind"
    # usage errors: exit 2, nothing on stdout
    run 2 || true;                     has "$work/err" "compare needs at least one MODULE.wasm"
    run 2 alpha.wasm -j 0;             has "$work/err" "-j needs a number of jobs from 1 to 256"
    run 2 alpha.wasm -j;               has "$work/err" "-j needs a number"
    run 2 alpha.wasm --format pdf;     has "$work/err" "compare writes text, md, csv, json or svg, not 'pdf'"
    run 2 alpha.wasm --bogus;          has "$work/err" "unknown option '--bogus' for compare"
    run 2 alpha.wasm -;                has "$work/err" "modules must be files, not standard input"
    run 2 alpha.wasm --indirect nope;  has "$work/err" "unknown --indirect policy 'nope'"
    ;;
help)
    run 0 --help || exit 1
    cp "$work/out" "$work/help"
    has "$work/help" "usage: forksize compare MODULE.wasm... [options]"
    has "$work/help" "Exit status: 0 every row analyzed"
    has "$work/help" "2 a module had an error row"
    # Every option the help lists is accepted (with a value where it says so;
    # "-j, --jobs N": -j takes the N too).
    awk '/^  -/ {
            line = $0; sub(/   +.*/, "", line)         # the options, not the description
            n = split(line, part, ", ")
            for (k = n; k >= 1; k--) {
                opt = part[k]; sub(/^ +/, "", opt); sub(/,$/, "", opt)
                if (opt == "") continue
                sp = index(opt, " ")
                if (sp) { val = substr(opt, sp + 1); opt = substr(opt, 1, sp - 1) }
                else if (k < n && last != "") val = last
                else val = ""
                last = val
                print opt "\t" val
            }
        }' "$work/help" >"$work/opts"
    [ "$(wc -l <"$work/opts")" -ge 14 ] || { fail "found too few options in --help"; cat "$work/opts"; }
    while IFS=$'\t' read -r opt val; do
        case $val in
            "") args=("$opt") ;;
            SPEC) args=("$opt" import:env.fork) ;;
            POLICY) args=("$opt" typed) ;;
            A,B,C) args=("$opt" 50,10,1) ;;
            MODE) args=("$opt" model) ;;
            N) args=("$opt" 2) ;;
            FMT) args=("$opt" csv) ;;
            FILE) args=("$opt" "$work/h.out") ;;
            LIST) args=("$opt" live) ;;
            PATH) args=("$opt" /bin/false) ;;   # used by --apply asyncify only
            KEY) args=("$opt" prefix) ;;   # needs no DWARF, so no warning
            *) fail "--help shows $opt with an unknown value '$val'"; continue ;;
        esac
        [ "$opt" != --depth ] || args=(--group-by dir -q "${args[@]}")   # --depth goes with dir
        if [ "$opt" = --source-map ]; then      # a map goes with --group-by file|dir
            printf '{"version":3,"sources":[],"mappings":""}' >"$work/empty.map"
            args=(--group-by file -q "$opt" "$work/empty.map")
        fi
        "$FORKSIZE" compare alpha.wasm --apply model "${args[@]}" >/dev/null 2>"$work/err"
        st=$?
        if [ $st = 0 ] && [ ! -s "$work/err" ]; then ok "--help's $opt ${val:+$val }is accepted"
        else fail "--help's ${args[*]}: exit $st: $(cat "$work/err")"; fi
    done <"$work/opts"
    # the options these tests use are all in --help
    for o in --root --indirect --model --apply -O --no-precheck -j --jobs --format -o --output \
             --no-timing -q --quiet -h --help; do
        grep -q -- "^$o	" "$work/opts" || fail "--help does not list $o"
    done
    # every format it names works
    for fmt in text md csv json svg; do
        grep -q "$fmt" "$work/help" || fail "--help does not name $fmt"
        run 0 alpha.wasm --format "$fmt" >/dev/null && [ -s "$work/out" ] || fail "--format $fmt wrote nothing"
    done
    "$FORKSIZE" --help | grep -q "forksize compare MODULE" || fail "forksize --help does not list compare"
    ;;
svg)
    [ -x "${CHROMIUM:-}" ] || { echo "FAIL: chromium not found (scripts/deps.sh test installs it)"; exit 1; }
    [ -x "${NODE:-}" ] || { echo "FAIL: node not found"; exit 1; }
    run 2 "${G[@]}" "${M[@]}" --format svg --no-timing -o chart.svg || exit 1
    head -1 chart.svg | grep -q '^<?xml version="1.0" encoding="UTF-8"?>$' || fail "no XML declaration"
    has chart.svg '<svg xmlns="http://www.w3.org/2000/svg"'
    [ "$(tail -1 chart.svg)" = "</svg>" ] || fail "does not end with </svg>"
    has chart.svg "Bar length: code growth, ESTIMATED by the cost model."
    has chart.svg "Split by term: each term's share of the added bytes, ESTIMATED (the model's split)."
    hasnt chart.svg "dispatch"
    for t in "fixed (A per function)" "call-site (B per unwind-capable call site)" \
             "local (C per saved local)" ">+689.5% estimated<" ">+508.3% estimated<" \
             "error: offset 0x9: section 1 size 12 exceeds the 2 bytes that remain" \
             ">no root matched (import:env.fork): the fork path is not active in this module<" ">0%<" ">800%<" \
             "code growth, % of the code section bytes before instrumentation"; do
        has chart.svg "$t"
    done
    hasnt chart.svg '>-'
    # Geometry: the bars' lengths are in the ratio of the growths
    # (131/19 : 122/24) and each bar is split in the ratio of its terms.
    awk -F'"' '/<rect .*<title>/ {
            w = $6; t = $0; sub(/.*<title>/, "", t); name = t; sub(/:.*/, "", name)
            term = t; sub(/^[^:]*: /, "", term); sub(/ .*/, "", term)
            tot[name] += w; part[name, term] = w
        }
        END {
            want = (131 / 19) / (122 / 24); got = tot["alpha.wasm"] / tot["beta.wasm"]
            if (got < want * 0.999 || got > want * 1.001) { print "bar ratio " got ", want " want; bad = 1 }
            split("alpha.wasm 100 30 1 131 beta.wasm 100 20 2 122", v, " ")
            for (m = 0; m < 2; m++) {
                n = v[1 + 5 * m]
                if (part[n, "fixed"] / tot[n] - v[2 + 5 * m] / v[5 + 5 * m] > 0.001 ||
                    part[n, "call-site"] / tot[n] - v[3 + 5 * m] / v[5 + 5 * m] > 0.001 ||
                    part[n, "local"] / tot[n] - v[4 + 5 * m] / v[5 + 5 * m] > 0.001) {
                    print n " split wrong"; bad = 1
                }
            }
            exit bad
        }' chart.svg && ok "bar lengths and splits match the fixtures" || fail "chart geometry"
    # Render it.  Pixels expected per term colour: the rects' areas.
    read -r fx cx lx nrects < <(awk -F'"' '/<rect .*<title>/ {
            a[$10] += $6 * $8; n++ } END { print a["#4e79a7"] + 0, a["#f28e2b"] + 0, a["#59a14f"] + 0, n }' chart.svg)
    h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' chart.svg)
    render() {
        rm -f "$2"
        timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
            --force-device-scale-factor=1 --user-data-dir="$work/chrome" \
            --screenshot="$2" --window-size=960,"$h" "file://$work/$1" >/dev/null 2>&1
        [ -s "$2" ] || { fail "chromium wrote no $2"; return 1; }
    }
    # check_png PNG: the bars are drawn (below the legend, y >= 120), each
    # colour close to its rects' area (edges may be antialiased).
    check_png() {
        local w hh nonwhite cf cc cl
        read -r w hh nonwhite cf cc cl < <("$NODE" "$CMP_SRC/pngcount.js" "$1" --from-y 120 \
                                           '#4e79a7' '#f28e2b' '#59a14f') || return 1
        echo "  $1: ${w}x$hh, $nonwhite non-white below the legend; fixed $cf (want ~$fx)," \
             "call-site $cc (~$cx), local $cl (~$lx)"
        awk -v nw="$nonwhite" -v cf="$cf" -v cc="$cc" -v cl="$cl" -v fx="$fx" -v cx="$cx" \
            -v lx="$lx" -v n="$nrects" -v w="$w" -v h="$hh" 'BEGIN {
                slack = 2 * 18 * n            # two antialiased columns per rect
                bad = nw < (fx + cx + lx) || nw < 0.02 * w * h
                bad = bad || (cf - fx) ^ 2 > (0.15 * fx + slack) ^ 2
                bad = bad || (cc - cx) ^ 2 > (0.15 * cx + slack) ^ 2
                bad = bad || (cl - lx) ^ 2 > (0.15 * lx + slack) ^ 2
                exit bad }'
    }
    render chart.svg chart.png || exit 1
    if check_png chart.png; then ok "chromium renders the bars"; else fail "the rendered chart is blank or wrong"; fi
    # The same check must reject a blank page of the same size.
    printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="960" height="%s"><rect width="960" height="%s" fill="#ffffff"/></svg>\n' "$h" "$h" >blank.svg
    render blank.svg blank.png || exit 1
    if check_png blank.png; then fail "a blank chart passes the check"; else ok "a blank chart fails the check"; fi
    ;;
refused)
    # forkinstr's refusals get a column, and the growth's label says it is
    # partial.  refuse.wat (tests/instrument) has two functions forkinstr
    # refuses at stage live, chain.wasm none; the count to match is the one
    # `forksize instrument` lists, function by function.
    "$WAT2WASM" --enable-exceptions "$CMP_SRC/../instrument/fixtures/refuse.wat" -o refuse.wasm \
        || { fail "wat2wasm refuse.wat"; exit 1; }
    cp "$CMP_FIX"/chain.wasm . || exit 1
    "$FORKSIZE" instrument refuse.wasm -o refuse.fi.wasm --root import:env.fork 2>inst.err
    nref=$(grep -c ': not instrumented: ' inst.err)
    [ "$nref" = 2 ] || fail "forksize instrument lists $nref refused functions, refuse.wat says 2"
    args=(refuse.wasm chain.wasm --root 'import:env.fork' --apply simulate --no-timing)
    run 0 "${args[@]}" || exit 1
    has "$work/out" "refused: closure functions forkinstr left unchanged"
    awk -v n="$nref" '$1 == "refuse.wasm" {
            found = 1
            if ($0 !~ /exact \(dry run\), partial +[0-9]/) { print "refuse.wasm: label not partial: " $0; bad = 1 }
            if ($0 !~ ("partial +" n " ")) { print "refuse.wasm: refused is not " n ": " $0; bad = 1 } }
        $1 == "chain.wasm" {
            if ($0 ~ /partial/ || $0 !~ /exact \(dry run\) +0 /) { print "chain.wasm: " $0; bad = 1 } }
        END { exit bad || !found }' "$work/out" || fail "text rows"
    run 0 "${args[@]}" --format json || exit 1
    "$JFLAT" "$work/out" >flat
    has flat "modules[0].refused_functions.value=$nref"
    has flat "modules[0].growth.label=exact (dry run), partial"
    has flat "modules[1].refused_functions.value=0"
    has flat "modules[1].growth.label=exact (dry run)"
    run 0 "${args[@]}" --format csv || exit 1
    # refused_functions is the last column before message (empty here); the
    # label has a comma, so CSV quotes it
    head -1 "$work/out" | grep -q ',after_label,.*,refused_functions,message$' || fail "CSV header"
    grep -q "^refuse.wasm,.*,\"exact (dry run), partial\",.*,$nref,\$" "$work/out" || fail "CSV refuse.wasm row"
    grep -q '^chain.wasm,.*,exact (dry run),.*,0,$' "$work/out" || fail "CSV chain.wasm row"
    ;;
svg-forkinstr|svg-measured)
    # The other two kinds of chart: forkinstr's measured four-term split
    # (dispatch included), and Binaryen's measured bars with the model's
    # split.  Fixtures with memory: tests/testrun's chain and indirect.
    [ -x "${CHROMIUM:-}" ] || { echo "FAIL: chromium not found (scripts/deps.sh test installs it)"; exit 1; }
    [ -x "${NODE:-}" ] || { echo "FAIL: node not found"; exit 1; }
    cp "$CMP_FIX"/chain.wasm "$CMP_FIX"/indirect.wasm . || exit 1
    if [ "$mode" = svg-forkinstr ]; then
        args=(indirect.wasm chain.wasm --root 'import:*' --apply forkinstr --no-timing)
        run 0 "${args[@]}" --format svg -o chart.svg || exit 1
        has chart.svg "Bar length: code growth, MEASURED (--apply forkinstr)."
        has chart.svg "Split by term: each term's share of the added bytes, MEASURED."
        has chart.svg "dispatch (rewind re-entry)"
        has chart.svg "indirect.wasm: dispatch "
        [ "$(grep -c '<rect .*<title>' chart.svg)" = 8 ] || fail "not four terms for each of two modules"
    else
        args=(indirect.wasm "$FORKSIZE_BUNDLED" --root 'import:*' --apply asyncify --no-timing -q)
        run 0 "${args[@]}" --format svg -o chart.svg || exit 1
        has chart.svg "Bar length: code growth, MEASURED (Binaryen's Asyncify run for real, -O2 A/B)."
        has chart.svg "Split by term: each term's share of the added bytes, ESTIMATED (the model's split)."
        hasnt chart.svg "dispatch"
        [ "$(grep -c '<rect .*<title>' chart.svg)" = 6 ] || fail "not three terms for each of two modules"
    fi
    # The bar labels are the rows' growth as compare's JSON has it (whose rows
    # the crosscheck and asyncify modes check against --stats).
    run 0 "${args[@]}" --format json -q -o chart.json || exit 1
    "$JFLAT" chart.json | awk -F= '/^modules\[[0-9]+\]\.growth\.(value|label)=/ { print $2 }' |
        paste - - | awk '{ printf ">%+.1f%% %s<\n", 100 * $1, $2 }' >labels
    [ "$(wc -l <labels)" = 2 ] || fail "JSON: not two rows with a growth"
    while read -r l; do has chart.svg "$l"; done <labels
    if svg_geometry chart.svg; then ok "bar lengths and splits match the rows"; else fail "chart geometry"; fi
    svg_render chart.svg
    ;;
svg-group)
    # --group-by splits each bar by group: the colours go to the 8 keys with
    # the largest summed share (svggroups.js works them out from compare's
    # JSON on its own), the rest of a bar is "other groups", and functions
    # without a name (a copy of indirect.wat assembled without its names)
    # are the no-name group.  prefix needs no DWARF.
    [ -x "${CHROMIUM:-}" ] || { echo "FAIL: chromium not found (scripts/deps.sh test installs it)"; exit 1; }
    [ -x "${NODE:-}" ] || { echo "FAIL: node not found"; exit 1; }
    cp "$CMP_FIX"/chain.wasm "$CMP_FIX"/indirect.wasm . || exit 1
    "$WAT2WASM" "$CMP_SRC/../testrun/fixtures/indirect.wat" -o stripped.wasm || exit 1
    args=(indirect.wasm chain.wasm stripped.wasm "$FORKSIZE_BUNDLED" --root 'import:*'
          --apply forkinstr --group-by prefix --no-timing -q)
    run 0 "${args[@]}" --format svg -o chart.svg || exit 1
    has chart.svg "Bar length: code growth, MEASURED (--apply forkinstr)."
    has chart.svg "Split by group (--group-by prefix): each group's share of the added bytes, MEASURED."
    has chart.svg ">other groups<"
    has chart.svg ">(no name)<"
    hasnt chart.svg "(rewind re-entry)"        # no term legend
    run 0 "${args[@]}" --format json -o chart.json || exit 1
    if "$NODE" "$CMP_SRC/svggroups.js" chart.svg chart.json; then
        ok "every group segment has its JSON bytes and its legend colour"
    else
        fail "group segments differ from compare's JSON"
    fi
    # indirect.wasm and forksh both have a "run" group: one colour for both
    [ "$(grep -c '<title>[^<]*: run [0-9.]*% of the added bytes' chart.svg)" = 2 ] ||
        fail "not one run segment in each of indirect.wasm and forksh.wasm"
    if svg_geometry chart.svg; then ok "bar lengths and splits match the rows"; else fail "chart geometry"; fi
    # the legend wraps to a second line here; count below the first bar's top
    y0=$(awk -F'"' '/<rect .*<title>/ { print int($4) - 2; exit }' chart.svg)
    svg_render chart.svg "$y0"
    ;;
*)
    echo "unknown mode $mode"; exit 2 ;;
esac

t_done
