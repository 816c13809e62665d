# checks.sh - helpers of fi.sh (sourced): inputs, WABT readers, and the
# exact checks of one instrumented output (check_stage, check_text), which
# fi.sh's header describes.  Needs fail, note, $tmp and the tool variables
# that fi.sh sets.

# ---------------------------------------------------------------- inputs

# resolve MODULE -> sets $module (a .wasm file)
resolve() {
    case $1 in
    *.wat)
        [ -f "$1" ] || fail "$1: no such fixture"
        module=$tmp/$(basename "$1" .wat).wasm
        "$WAT2WASM" --enable-exceptions --debug-names "$1" -o "$module" || fail "$1: wat2wasm failed"
        ;;
    */* | *.wasm)
        module=$1
        [ -f "$module" ] || fail "$module: no such module"
        ;;
    *)
        module=$corpus_dir/$1.wasm
        [ -f "$module" ] || fail "corpus module '$1' is not cached ($module): run scripts/fetch-corpus.sh"
        ;;
    esac
}

# run_fs OUTFILE ERRFILE ARGS...: forksize, which must exit 0.
run_fs() {
    local out=$1 err=$2 st=0; shift 2
    "$FORKSIZE" "$@" > "$out" 2> "$err" || st=$?
    [ "$st" -eq 0 ] || { cat "$err" >&2; fail "forksize $* exited $st"; }
}

# instrument IN OUT STAGE ROOT ERRFILE
instrument() {
    local st=0
    "$FORKSIZE" instrument "$1" -o "$2" --root "$4" --stages "$3" 2> "$5" || st=$?
    [ "$st" -eq 0 ] || { cat "$5" >&2; fail "forksize instrument $1 --stages $3 exited $st"; }
    [ -s "$2" ] || fail "forksize instrument wrote no $2"
}

# csv_cols CSV COL...: tab-separated columns (by header name) of forksize's
# RFC 4180 CSV; quoted fields may hold commas, doubled quotes, line breaks.
csv_cols() {
    local csv=$1; shift
    awk -v want="$*" '
    function split_csv(rec, f,    n, i, c, q, cur, len) {
        n = 0; cur = ""; q = 0; len = length(rec)
        for (i = 1; i <= len; i++) {
            c = substr(rec, i, 1)
            if (q) {
                if (c == "\"") {
                    if (substr(rec, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0
                } else cur = cur c
            } else if (c == "\"") q = 1
            else if (c == ",") { f[++n] = cur; cur = "" }
            else cur = cur c
        }
        f[++n] = cur
        return n
    }
    {
        rec = (held != "") ? held "\n" $0 : $0
        t = rec
        if (gsub(/"/, "", t) % 2) { held = rec; next }
        held = ""
        n = split_csv(rec, f)
        if (!seen++) {
            for (i = 1; i <= n; i++) col[f[i]] = i
            nw = split(want, w, " ")
            for (i = 1; i <= nw; i++)
                if (!(w[i] in col)) { print "fi: no column " w[i] " in the CSV" > "/dev/stderr"; exit 1 }
            next
        }
        line = ""
        for (i = 1; i <= nw; i++) line = line (i > 1 ? "\t" : "") f[col[w[i]]]
        print line
    }' "$csv"
}

# ---------------------------------------------------------------- WABT

# code_list WASM OUT: "index size" per body, from wasm-objdump -x -j Code.
code_list() {
    "$WASM_OBJDUMP" -x -j Code "$1" > "$tmp/od.txt" || fail "wasm-objdump -x $1 failed"
    sed -n 's/^ - func\[\([0-9]*\)\] size=\([0-9]*\).*/\1 \2/p' "$tmp/od.txt" > "$2"
}

# headers WASM HDR: wasm-objdump -h into HDR; section HDR NAME FIELD: FIELD
# start|size|count of
# section NAME (decimal; empty when the section is absent).
headers() { "$WASM_OBJDUMP" -h "$1" > "$2" || fail "wasm-objdump -h $1 failed"; }
section() {
    local v
    v=$(awk -v name="$2" -v field="$3" '
    $1 == name {
        for (i = 2; i <= NF; i++) {
            if (field == "start" && $i ~ /^start=0x/) { print substr($i, 9); exit }
            if (field == "size" && $i ~ /^\(size=0x/) { v = substr($i, 9); sub(/\)$/, "", v); print v; exit }
            if (field == "count" && $i == "count:") { print "d" $(i + 1); exit }
        }
    }' "$1")
    case $v in
    "") ;;
    d*) echo "${v#d}" ;;
    *)  echo $((16#$v)) ;;
    esac
}

leb_size() { local v=$1 n=1; while [ "$v" -ge 128 ]; do v=$((v >> 7)); n=$((n + 1)); done; echo $n; }
leb_hex() {
    local v=$1 out="" b
    while :; do
        b=$((v & 127)); v=$((v >> 7))
        if [ "$v" -gt 0 ]; then out=$out$(printf '%02x' $((b | 128))); else out=$out$(printf '%02x' $b); break; fi
    done
    echo "$out"
}

# offsets LIST HDR OUT: "index body_start size" (body_start: first byte
# after the size LEB) by walking the code section with WABT's sizes; the
# walk must end exactly at the section's end (minimal LEBs throughout).
offsets() {
    local start size count
    start=$(section "$2" Code start); size=$(section "$2" Code size); count=$(section "$2" Code count)
    [ -n "$start" ] || fail "no code section in $2"
    awk -v start="$start" -v size="$size" -v count="$count" -v out="$3" '
    function leb(v,  n) { n = 1; while (v >= 128) { v = int(v / 128); n++ } return n }
    BEGIN { pos = start + leb(count) }
    { pos += leb($2); print $1, pos, $2 > out; pos += $2; n++ }
    END {
        if (n != count) { print "fi: " n " bodies listed, code section count " count > "/dev/stderr"; exit 1 }
        if (pos != start + size) { print "fi: code section walk ends at " pos ", section ends at " start + size > "/dev/stderr"; exit 1 }
    }' "$1" || fail "the code section of $2 is not laid out as its body sizes say"
}

# globals_total WASM: imported + defined globals (forkinstr's $state index).
globals_total() {
    local imp def
    imp=$("$WASM_OBJDUMP" -x -j Import "$1" 2> /dev/null | grep -c '^ - global\[' || true)
    def=$(section "$2" Global count)
    echo $((imp + ${def:-0}))
}

# ---------------------------------------------------------------- exact

# check_stage IN OUT CSV ERR TAG: the per-function and module checks of
# mode exact on one instrumented output.  Prints the stage's numbers line
# to $tmp/numbers.  Returns (exits) 1 on a mismatch.
check_stage() {
    local in=$1 out=$2 csv=$3 err=$4 tag=$5
    headers "$in" "$tmp/in.h"; headers "$out" "$tmp/out.h"
    [ -s "$tmp/in.list" ] || code_list "$in" "$tmp/in.list"
    code_list "$out" "$tmp/out.list"
    offsets "$tmp/in.list" "$tmp/in.h" "$tmp/in.off"
    offsets "$tmp/out.list" "$tmp/out.h" "$tmp/out.off"
    csv_cols "$csv" index in_closure fixed callsite local total label > "$tmp/rows.tsv" ||
        fail "$tag: cannot read the CSV"

    # state global and guard
    local state guard glen
    state=$(globals_total "$in" "$tmp/in.h")
    guard=23$(leb_hex "$state")0440000b
    glen=$(( ${#guard} / 2 ))

    # Per function.  rows.tsv: index in_closure fixed callsite local total label
    awk -F'\t' -v tag="$tag" -v inoff="$tmp/in.off" -v outoff="$tmp/out.off" \
        -v refused="$tmp/refused.ranges" -v same="$tmp/same.ranges" -v sums="$tmp/sums" '
    function leb(v,  n) { n = 1; while (v >= 128) { v = int(v / 128); n++ } return n }
    function bad(msg) { if (nbad++ < 20) print "fi: " tag ": " msg > "/dev/stderr" }
    BEGIN {
        while ((getline l < inoff) > 0) { split(l, a, " "); ib[a[1]] = a[2]; is[a[1]] = a[3]; nin++; if (a[1] > maxin) maxin = a[1]; if (nin == 1 || a[1] < minin) minin = a[1] }
        while ((getline l < outoff) > 0) { split(l, a, " "); ob[a[1]] = a[2]; os[a[1]] = a[3]; nout++ }
    }
    {
        i = $1; seen[i] = 1; rows++
        if (!(i in is)) { bad("func[" i "] is in the CSV, not in the input code section"); next }
        if (!(i in os)) { bad("func[" i "] is missing from the output (indices must be kept)"); next }
        g = (os[i] + leb(os[i])) - (is[i] + leb(is[i]))
        growth += g
        if ($2 == "true") closure++
        if ($7 == "measured") {
            measured++
            if ($2 != "true") bad("func[" i "] measured but not in the closure")
            if (g != $6) bad("func[" i "]: body growth " g " (WABT) but CSV total " $6)
            if ($3 + $4 + $5 > $6) bad("func[" i "]: fixed+callsite+local " $3 + $4 + $5 " > total " $6)
            if (g > 0) grew++
            added += $6
        } else if ($7 == "estimated") {
            est++
            if ($2 != "true") bad("func[" i "] estimated but not in the closure")
            print i, ib[i], is[i], ob[i], os[i] > refused
            gsum += g
        } else if ($7 == "") {
            if ($2 != "false") bad("func[" i "] in the closure without a label")
            if (g != 0) bad("func[" i "] is outside the closure but its body grew by " g)
            print i, ib[i], ob[i], is[i] > same
        } else bad("func[" i "]: unexpected label \"" $7 "\"")
    }
    END {
        for (i in is) if (!(i in seen)) bad("func[" i "] has no CSV row")
        if (nout != nin + 5) bad("the output has " nout " bodies, the input " nin ": expected 5 more")
        for (k = 1; k <= 5; k++) if (!((maxin + k) in os)) bad("no new function func[" maxin + k "]")
        newb = 0
        for (k = 1; k <= 5; k++) newb += os[maxin + k] + leb(os[maxin + k])
        printf "%d %d %d %d %d %d %d %d\n", closure, measured, est, grew, growth, newb, added, gsum > sums
        exit nbad > 0
    }' "$tmp/rows.tsv" || fail "$tag: per-function mismatches (above)"
    read -r closure measured est grew growth newb added gsum < "$tmp/sums"

    # Out of the closure: byte-identical bodies at the same index.
    if [ -s "$tmp/same.ranges" ]; then
        "$FIBYTES" cmp "$in" "$out" < "$tmp/same.ranges" > "$tmp/same.bad" || fail "$tag: fibytes cmp failed"
        [ ! -s "$tmp/same.bad" ] || fail "$tag: bodies outside the closure changed: func[$(head -5 "$tmp/same.bad" | paste -sd, -)]"
    fi

    # Refused: input body + whole guards, nothing else.
    if [ -s "$tmp/refused.ranges" ]; then
        awk '{ print $1, $2, $3 }' "$tmp/refused.ranges" | "$FIBYTES" hex "$in" > "$tmp/ref.in" || fail "fibytes hex"
        awk '{ print $1, $4, $5 }' "$tmp/refused.ranges" | "$FIBYTES" hex "$out" > "$tmp/ref.out" || fail "fibytes hex"
        awk -v tag="$tag" -v G="$guard" -v outhex="$tmp/ref.out" '
        function bad(msg) { if (nbad++ < 20) print "fi: " tag ": " msg > "/dev/stderr" }
        BEGIN { while ((getline l < outhex) > 0) { split(l, a, " "); o[a[1]] = a[2] } gl = length(G) }
        {
            id = $1; x = $2; y = o[id]; i = 1; j = 1; k = 0; lx = length(x); ly = length(y)
            while (i <= ly) {
                if (substr(y, i, gl) == G && substr(x, j, gl) != G) { i += gl; k++; continue }
                if (j > lx || substr(y, i, 2) != substr(x, j, 2)) break
                i += 2; j += 2
            }
            if (i <= ly || j <= lx) bad("refused func[" id "]: output differs from the input at body byte " (i - 1) / 2 " other than by a guard")
            else if (k == 0) bad("refused func[" id "]: no guard after any call")
            guards += k
        }
        END { print guards + 0 > "/dev/stderr"; exit nbad > 0 }' "$tmp/ref.in" 2> "$tmp/guards" ||
            { grep '^fi:' "$tmp/guards" >&2 || true; fail "$tag: refused bodies are not the input plus guards"; }
        nguards=$(grep -v '^fi:' "$tmp/guards" | tail -1)
    else
        nguards=0
    fi

    # Module level: function count, code section growth, exports, get_state.
    local fin fout cin cout ncin ncout
    fin=$(section "$tmp/in.h" Function count); fout=$(section "$tmp/out.h" Function count)
    [ "$fout" -eq $((fin + 5)) ] || fail "$tag: function section count $fin -> $fout, expected +5"
    cin=$(section "$tmp/in.h" Code size); cout=$(section "$tmp/out.h" Code size)
    ncin=$(section "$tmp/in.h" Code count); ncout=$(section "$tmp/out.h" Code count)
    local want=$((growth + newb + $(leb_size "$ncout") - $(leb_size "$ncin")))
    [ $((cout - cin)) -eq "$want" ] ||
        fail "$tag: code section grew by $((cout - cin)), per-function growths + new bodies + count LEB = $want"
    local iin
    iin=$("$WASM_OBJDUMP" -x -j Import "$in" 2> /dev/null | grep -c '^ - func\[' || true)
    local base=$((iin + fin))
    "$WASM_OBJDUMP" -x -j Export "$out" > "$tmp/exp.txt"
    local k=0 name
    for name in asyncify_start_unwind asyncify_stop_unwind asyncify_start_rewind asyncify_stop_rewind asyncify_get_state; do
        grep -q "^ - func\[$((base + k))\] .*-> \"$name\"\$" "$tmp/exp.txt" ||
            fail "$tag: $name is not exported as func[$((base + k))]"
        [ "$(grep -c -- "-> \"$name\"\$" "$tmp/exp.txt")" -eq 1 ] || fail "$tag: $name exported more than once"
        k=$((k + 1))
    done
    local last
    last=$(awk -v b=$((base + 4)) '$1 == b { print $1, $2, $3 }' "$tmp/out.off" | "$FIBYTES" hex "$out" | awk '{ print $2 }')
    [ "$last" = "0023$(leb_hex "$state")0b" ] ||
        fail "$tag: asyncify_get_state is $last, expected global.get $state (the input has $state globals)"

    # The summary on stderr against the CSV and WABT.
    local sum
    sum=$(grep -E 'forkinstr \((naive|cse|live|trampoline)\): ' "$err" | tail -1)
    [ -n "$sum" ] || { cat "$err" >&2; fail "$tag: no summary line on stderr"; }
    local s_ins s_clo s_ref s_none s_before s_after
    read -r s_ins s_clo s_ref s_none s_before s_after <<< "$(sed -E \
        's/.*: ([0-9]+) of ([0-9]+) closure functions instrumented, ([0-9]+) refused, ([0-9]+) with no site reached; code ([0-9]+) -> ([0-9]+) bytes.*/\1 \2 \3 \4 \5 \6/' <<< "$sum")"
    [ "$s_clo" = "$closure" ] || fail "$tag: stderr says $s_clo closure functions, the CSV $closure"
    [ $((s_ins + s_none)) = "$measured" ] || fail "$tag: stderr says $s_ins instrumented + $s_none without site, the CSV $measured measured"
    [ "$s_ref" = "$est" ] || fail "$tag: stderr says $s_ref refused, the CSV $est estimated"
    [ "$(grep -c ': not instrumented: ' "$err" || true)" = "$est" ] || fail "$tag: 'not instrumented' lines != $est"
    [ "$s_before" = "$cin" ] && [ "$s_after" = "$cout" ] ||
        fail "$tag: stderr says code $s_before -> $s_after, WABT $cin -> $cout"

    echo "$cin $cout $added $gsum" > "$tmp/measured"
    local pct
    pct=$(awk -v a=$((cout - cin)) -v b="$cin" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
    echo "$tag closure=$closure instrumented=$s_ins no_site=$s_none refused=$est guards=$nguards added=$((cout - cin)) growth=$pct% code=$cin->$cout functions_terms=$added helpers=$newb" \
        >> "$tmp/numbers"
}

# check_text TXT TAG: the text report's code line (and, while the report
# has it, the guard total of its forkinstr line) against what check_stage
# measured with WABT: "N of it module-level and guards" is the code growth
# minus the measured functions' totals, i.e. the runtime functions, the
# guards of the refused functions and the LEB growths outside any function.
check_text() {
    local line b a other cin cout added gsum
    read -r cin cout added gsum < "$tmp/measured"
    line=$(grep -E '^code +[0-9]' "$1") || fail "$2: no code line in the text report"
    read -r b a other <<< "$(sed -E 's/^code +([0-9]+) -> ([0-9]+) bytes \(\+[0-9]+, [^;]*; ([0-9]+) of it module-level and guards\).*/\1 \2 \3/' <<< "$line")"
    [[ "$other" =~ ^[0-9]+$ ]] || fail "$2: cannot read the code line: $line"
    [ "$b" = "$cin" ] && [ "$a" = "$cout" ] || fail "$2: text code line $b -> $a, WABT $cin -> $cout"
    [ "$other" -eq $((cout - cin - added)) ] ||
        fail "$2: text says $other bytes module-level and guards, WABT: $((cout - cin)) - $added (measured functions) = $((cout - cin - added))"
    local g
    g=$(sed -nE 's/^forkinstr .*refused \(estimated [0-9]+ bytes, guards ([0-9]+)\).*/\1/p' "$1")
    if [ -n "$g" ]; then
        [ "$g" -eq "$gsum" ] || fail "$2: text says guards $g bytes, the refused bodies grew by $gsum (WABT)"
    else
        note "$2: (the forkinstr line has no guard total: not compared)"
    fi
}

