#!/usr/bin/env bash
# oracle.sh MODE MODULE - check forksize's decoder against WABT on one module.
#
# MODULE is a corpus name (looked up as $FORKSIZE_CORPUS_DIR/NAME.wasm, the
# cache scripts/fetch-corpus.sh fills) or a path to a .wasm file.
#
# MODE:
#   bodies       defined functions and body sizes (and names) vs wasm-objdump -x
#   opcodes      `forksize opcodes` vs wasm-opcodecnt: total and per-opcode counts
#   calls        per-function call instructions vs wasm-objdump -d
#   calls_total  module-wide call instructions vs wasm-opcodecnt (for modules
#                where wasm-objdump -d is too slow for a per-function check)
#   validate     wasm-validate accepts the module (the premise of every other
#                check) and forksize decodes it with status 0 and no warning
#   selftest     proves the comparisons can fail: altered copies of real lists
#                (MODULE should be a small module, e.g. corpus/forksh.wasm)
#   selftest_missing  a module absent from the cache must fail, naming
#                scripts/fetch-corpus.sh (MODULE: a corpus name)
#
# Environment (set by tests/CMakeLists.txt): FORKSIZE, WASM_OBJDUMP,
# WASM_OPCODECNT, WASM_VALIDATE, FORKSIZE_CORPUS_DIR.
# Exit status: 0 when forksize agrees with WABT, 1 otherwise (a diff of the first
# 20 differing lines is printed), 2 on usage errors.
set -euo pipefail
export LC_ALL=C   # byte-wise sort and awk, whatever the caller's locale

me=$0
usage() { echo "usage: $me bodies|opcodes|calls|calls_total|validate|selftest|selftest_missing MODULE" >&2; exit 2; }
[ $# -eq 2 ] || usage
mode=$1
module_arg=$2

FORKSIZE=${FORKSIZE:-forksize}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
WASM_OPCODECNT=${WASM_OPCODECNT:-wasm-opcodecnt}
WASM_VALIDATE=${WASM_VALIDATE:-wasm-validate}
# Same default as scripts/fetch-corpus.sh.
corpus_dir=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-oracle.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/../lib/lib.sh"
t_init oracle --fatal

# The call instructions, by WABT's names; forksize's `calls` column counts
# exactly these kinds.
CALL_OPS='call call_indirect return_call return_call_indirect call_ref return_call_ref'

# ---------------------------------------------------------------- comparison

# compare LABEL WANT GOT: WANT is the oracle's list, GOT forksize's. Both must
# already be normalized (same line format, same order).  Returns 1 and prints
# the first 20 differing lines when they differ.
compare() {
    local label=$1 want=$2 got=$3
    if cmp -s "$want" "$got"; then
        echo "oracle: $label: OK ($(wc -l < "$want") lines agree)"
        return 0
    fi
    # diff exits 1 when the files differ: keep its output in a file rather than
    # a pipe so that pipefail and an early-closing head cannot mask anything.
    diff "$want" "$got" > "$tmp/diff.out" || true
    local only_want only_got
    only_want=$(grep -c '^<' "$tmp/diff.out" || true)
    only_got=$(grep -c '^>' "$tmp/diff.out" || true)
    {
        echo "oracle: $label: MISMATCH ($(wc -l < "$want") lines from WABT, $(wc -l < "$got") from forksize;" \
             "$only_want only in WABT, $only_got only in forksize)"
        echo "oracle: first 20 differing lines ('<' WABT, '>' forksize):"
        grep '^[<>]' "$tmp/diff.out" | head -n 20 || true
    } >&2
    return 1
}

# ---------------------------------------------------------------- the module

module=
resolve_module() {
    case $1 in
    */* | *.wasm)
        module=$1
        [ -f "$module" ] || fail "$module: no such module file"
        ;;
    *)
        module=$corpus_dir/$1.wasm
        if [ ! -f "$module" ]; then
            fail "corpus module '$1' is not cached ($module is missing):" \
                 "run scripts/fetch-corpus.sh to download it (FORKSIZE_CORPUS_DIR=$corpus_dir)"
        fi
        ;;
    esac
}

# ---------------------------------------------------------------- extraction

# forksize's CSV (every defined function) -> $tmp/fs.csv
forksize_csv() {
    local st=0
    "$FORKSIZE" --stats --allow-empty --root 'import:*' --format csv "$module" \
        > "$tmp/fs.csv" 2> "$tmp/fs.err" || st=$?
    [ "$st" -eq 0 ] || { cat "$tmp/fs.err" >&2; fail "$module: forksize --stats exited $st"; }
}

# csv_columns CSV OUT COLUMN...: tab-separated chosen columns, by header name,
# from forksize's RFC 4180 CSV (only names are ever quoted, but parse any field
# and records whose quoted field spans lines).  The name column has forksize's
# placeholder `func[N]` (for a function without a name) turned into "" so
# that "no name" is explicit.
csv_columns() {
    local csv=$1 out=$2; shift 2
    awk -v want="$*" '
    function parse(rec, f,    n, i, c, inq, cur, len) {
        if (index(rec, "\"") == 0)
            return split(rec, f, ",")
        n = 0; cur = ""; inq = 0; len = length(rec)
        for (i = 1; i <= len; i++) {
            c = substr(rec, i, 1)
            if (inq) {
                if (c == "\"") {
                    if (substr(rec, i + 1, 1) == "\"") { cur = cur "\""; i++ }
                    else inq = 0
                } else cur = cur c
            } else if (c == "\"") inq = 1
            else if (c == ",") { f[++n] = cur; cur = "" }
            else cur = cur c
        }
        f[++n] = cur
        return n
    }
    {
        rec = pending != "" ? pending "\n" $0 : $0
        copy = rec
        if (gsub(/"/, "", copy) % 2) { pending = rec; next }   # quoted line break
        pending = ""
        n = parse(rec, f)
        if (!header) {
            header = 1
            for (i = 1; i <= n; i++) col[f[i]] = i
            nw = split(want, w, " ")
            for (i = 1; i <= nw; i++)
                if (!(w[i] in col)) { print "no column " w[i] " in CSV header" > "/dev/stderr"; bad = 1; exit 1 }
            if (!("index" in col)) { print "no index column in CSV header" > "/dev/stderr"; bad = 1; exit 1 }
            next
        }
        line = ""
        for (i = 1; i <= nw; i++) {
            v = f[col[w[i]]]
            if (w[i] == "name" && v == "func[" f[col["index"]] "]") v = ""
            line = line (i > 1 ? "\t" : "") v
        }
        print line
    }
    END { if (bad) exit 1; if (pending != "") { print "unterminated quoted CSV field" > "/dev/stderr"; exit 1 } }
    ' "$csv" > "$out" || fail "$csv: cannot read forksize's CSV"
}

# objdump_code: `wasm-objdump -x -j Code` -> $tmp/od.sizes ("index size"),
# $tmp/od.names ("index<TAB>name" for the functions objdump names) and
# $tmp/od.declared (the Code[N] count).
objdump_code() {
    "$WASM_OBJDUMP" -x -j Code "$module" > "$tmp/od.txt" 2> "$tmp/od.err" ||
        { cat "$tmp/od.err" >&2; fail "$module: wasm-objdump -x -j Code failed"; }
    awk -v sizes="$tmp/od.sizes" -v names="$tmp/od.names" -v decl="$tmp/od.declared" '
    /^Code\[[0-9]+\]:$/ { s = $0; sub(/^Code\[/, "", s); sub(/\]:$/, "", s); print s > decl; next }
    /^ - func\[[0-9]+\] size=[0-9]+/ {
        s = $0; sub(/^ - func\[/, "", s)
        idx = substr(s, 1, index(s, "]") - 1)
        s = substr(s, index(s, "] size=") + 7)
        sp = index(s, " ")
        size = sp ? substr(s, 1, sp - 1) : s
        print idx " " size > sizes
        # " <name>" follows when objdump knows a name (name section, export
        # or import; see the names check below).
        if (sp && substr(s, sp, 2) == " <" && substr(s, length(s), 1) == ">")
            print idx "\t" substr(s, sp + 2, length(s) - sp - 2) > names
    }' "$tmp/od.txt" || fail "$module: cannot read wasm-objdump's Code listing"
    touch "$tmp/od.sizes" "$tmp/od.names" "$tmp/od.declared"
}

# objdump_namesec: the function names the "name" custom section itself holds,
# from `wasm-objdump -x -j name` -> $tmp/ns.names ("index<TAB>name").
objdump_namesec() {
    : > "$tmp/ns.names"
    "$WASM_OBJDUMP" -h "$module" > "$tmp/od.h" || fail "$module: wasm-objdump -h failed"
    grep -q '^ *Custom .*"name"$' "$tmp/od.h" || return 0
    "$WASM_OBJDUMP" -x -j name "$module" > "$tmp/ns.txt" 2> "$tmp/ns.err" ||
        { cat "$tmp/ns.err" >&2; fail "$module: wasm-objdump -x -j name failed"; }
    # Function entries only: local names print as " - func[N] local[M] <x>".
    awk '/^ - func\[[0-9]+\] </ {
        s = $0; sub(/^ - func\[/, "", s)
        idx = substr(s, 1, index(s, "]") - 1)
        s = substr(s, index(s, "] <") + 3)
        if (substr(s, length(s), 1) != ">") { print "odd name line: " $0 > "/dev/stderr"; exit 1 }
        print idx "\t" substr(s, 1, length(s) - 1)
    }' "$tmp/ns.txt" > "$tmp/ns.names" || fail "$module: cannot read wasm-objdump's name section"
}

# opcode_block FILE OUT MAP: the "Total opcodes" line and the "Opcode counts:"
# block (up to its first blank line) of a wasm-opcodecnt style report, as
# "total N" followed by sorted "name: count" lines.  With MAP=1, WABT 1.0.32's
# two older relaxed-SIMD names become the current ones (and nothing else).
# Exits when the report cannot be read; returns 1 (lists still written, so
# they can be compared) when the block does not add up to the total.
opcode_block() {
    local file=$1 out=$2 map=$3 rc=0
    awk -v map="$map" -v lines="$out.unsorted" '
    /^Total opcodes: [0-9]+$/ && !seen_total { total = $3; seen_total = 1; next }
    /^Opcode counts:$/ && !done { inblock = 1; next }
    inblock && /^$/ { inblock = 0; done = 1; next }
    inblock {
        if ($0 !~ /^[^ :]+: [0-9]+$/) { print "odd opcode line: " $0 > "/dev/stderr"; bad = 1; exit 1 }
        name = substr($0, 1, index($0, ":") - 1)
        if (map) {
            if (name == "i16x8.dot_i8x16_i7x16_s") name = "i16x8.relaxed_dot_i8x16_i7x16_s"
            else if (name == "i32x4.dot_i8x16_i7x16_add_s") name = "i32x4.relaxed_dot_i8x16_i7x16_add_s"
        }
        print name ": " $NF > lines
        sum += $NF; n++
    }
    END {
        if (bad) exit 1
        if (!seen_total) { print "no \"Total opcodes\" line" > "/dev/stderr"; exit 1 }
        if (!n) { print "no \"Opcode counts:\" block" > "/dev/stderr"; exit 1 }
        print "total " total
        if (sum != total) { print "oracle: opcode counts add up to " sum ", not to the total " total > "/dev/stderr"; exit 3 }
    }' "$file" > "$out.total" || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "$file: cannot read its opcode report"
    touch "$out.unsorted"
    sort "$out.unsorted" > "$out.lines"
    rm -f "$out.unsorted"
    [ "$rc" -eq 0 ]
}

# Sum of the call instructions in an opcode_block list.
call_total() {
    awk -v ops="$CALL_OPS" 'BEGIN { n = split(ops, o, " "); for (i = 1; i <= n; i++) k[o[i] ":"] = 1 }
        $1 in k { s += $2 } END { print s + 0 }' "$1"
}

wabt_opcodes() {
    "$WASM_OPCODECNT" --enable-all "$module" -o "$tmp/oc.txt" > "$tmp/oc.log" 2>&1 ||
        { cat "$tmp/oc.log" >&2; fail "$module: wasm-opcodecnt failed"; }
    opcode_block "$tmp/oc.txt" "$tmp/want" 1 || { echo "oracle: ...in wasm-opcodecnt's report" >&2; return 1; }
}

forksize_opcodes() {
    local st=0
    "$FORKSIZE" opcodes "$module" > "$tmp/fsop.txt" 2> "$tmp/fsop.err" || st=$?
    [ "$st" -eq 0 ] || { cat "$tmp/fsop.err" >&2; fail "$module: forksize opcodes exited $st"; }
    opcode_block "$tmp/fsop.txt" "$tmp/got" 0 || { echo "oracle: ...in forksize's report" >&2; return 1; }
}

# objdump_calls: per-function call instruction counts from the disassembly,
# "index count" for every function body -> $tmp/od.calls.  Streams: the
# disassembly of a 1.6 MB module is ~50 MB of text.
objdump_calls() {
    "$WASM_OBJDUMP" -d "$module" 2> "$tmp/odd.err" | awk -v ops="$CALL_OPS" '
    BEGIN { n = split(ops, o, " "); for (i = 1; i <= n; i++) k[o[i]] = 1 }
    # A body starts with "OFFSET func[N] <name>:", instructions with a space.
    /^[0-9a-f]+ func\[[0-9]+\]/ {
        if (cur != "") print cur " " c
        s = $2; sub(/^func\[/, "", s); sub(/\].*/, "", s)
        cur = s; c = 0; next
    }
    /call/ {
        p = index($0, " | "); if (!p) next
        s = substr($0, p + 3); sub(/^ +/, "", s)
        sp = index(s, " "); if (sp) s = substr(s, 1, sp - 1)
        if (s in k) c++
    }
    END { if (cur != "") print cur " " c }' > "$tmp/od.calls" ||
        { cat "$tmp/odd.err" >&2; fail "$module: wasm-objdump -d failed"; }
}

# ---------------------------------------------------------------- modes

check_bodies() {
    forksize_csv
    objdump_code
    csv_columns "$tmp/fs.csv" "$tmp/fs.cols" index body_bytes name
    cut -f1,2 "$tmp/fs.cols" | tr '\t' ' ' > "$tmp/fs.sizes"
    local declared listed nfs st=0
    declared=$(cat "$tmp/od.declared")
    listed=$(wc -l < "$tmp/od.sizes")
    nfs=$(wc -l < "$tmp/fs.sizes")
    echo "oracle: $module: defined functions: WABT Code[$declared], $listed listed; forksize $nfs rows"
    if [ -z "$declared" ] || [ "$declared" -ne "$listed" ]; then
        fail "$module: wasm-objdump declares Code[$declared] but lists $listed bodies"
    fi
    echo "$declared" > "$tmp/count.want"
    echo "$nfs" > "$tmp/count.got"
    compare "number of defined functions" "$tmp/count.want" "$tmp/count.got" || st=1
    compare "(index, body size) of every defined function" "$tmp/od.sizes" "$tmp/fs.sizes" || st=1

    # Names.  forksize reports name-section names only.  wasm-objdump's Code
    # listing also shows a name taken from an export or import when the name
    # section has none (its prepass records names from imports, exports and
    # then the name section, the last one winning), so where forksize has no
    # name that listing is no oracle.  Two checks, therefore:
    #  (a) where both print a name, they are equal.  objdump prints the raw
    #      bytes: it does not demangle (C++ names in the corpus are stored
    #      demangled by the toolchain) and does not shorten long names; the
    #      one truncation is at an embedded NUL (the Code listing prints a C
    #      string), which no corpus name contains - (b) would still see it;
    #  (b) the full set of forksize's names equals the name section's own
    #      function entries (wasm-objdump -x -j name) for defined functions.
    # A name-section name spelled exactly `func[N]` for its own index N cannot
    # be told from forksize's placeholder in CSV; both sides count it as none.
    # The name is the last column: keep any tab inside it.
    awk '{ p = index($0, "\t"); r = substr($0, p + 1); n = substr(r, index(r, "\t") + 1)
        if (n != "") print substr($0, 1, p - 1) "\t" n }' "$tmp/fs.cols" > "$tmp/fs.names"
    awk -F'\t' 'FILENAME == ARGV[1] { fs[$1] = $0; next } ($1 in fs) { print }' \
        "$tmp/fs.names" "$tmp/od.names" > "$tmp/both.want"
    awk -F'\t' 'FILENAME == ARGV[1] { od[$1] = 1; next } ($1 in od) { print }' \
        "$tmp/od.names" "$tmp/fs.names" > "$tmp/both.got"
    echo "oracle: $module: names: objdump shows $(wc -l < "$tmp/od.names"), forksize has $(wc -l < "$tmp/fs.names"), both $(wc -l < "$tmp/both.got")"
    compare "names where objdump -x -j Code and forksize both name a function" \
        "$tmp/both.want" "$tmp/both.got" || st=1
    objdump_namesec
    awk -F'\t' 'FILENAME == ARGV[1] { split($0, a, " "); defined[a[1]] = 1; next }
        { n = substr($0, length($1) + 2) }
        ($1 in defined) && n != "" && n != "func[" $1 "]" { print }' \
        "$tmp/od.sizes" "$tmp/ns.names" > "$tmp/ns.want"
    compare "function names: name section (objdump -x -j name) vs forksize" \
        "$tmp/ns.want" "$tmp/fs.names" || st=1
    #  (c) the names objdump shows and forksize lacks are export names (the
    #      explanation above, checked rather than assumed).
    "$WASM_OBJDUMP" -x -j Export "$module" > "$tmp/ex.txt" 2>&1 || : > "$tmp/ex.txt"
    awk -F'\t' '
        FILENAME == ARGV[1] { if ($0 ~ /^ - func\[[0-9]+\].* -> "/) {
                s = $0; sub(/^ - func\[/, "", s); i = substr(s, 1, index(s, "]") - 1)
                e = substr($0, index($0, " -> \"") + 5); e = substr(e, 1, length(e) - 1)
                ex[i "\t" e] = 1 }
            next }
        FILENAME == ARGV[2] { fs[$1] = 1; next }
        !($1 in fs) && !($0 in ex) { print }' \
        "$tmp/ex.txt" "$tmp/fs.names" "$tmp/od.names" > "$tmp/unexplained"
    : > "$tmp/empty"
    compare "objdump names forksize lacks that are not export names" \
        "$tmp/unexplained" "$tmp/empty" || st=1
    return $st
}

check_opcodes() {
    local st=0
    wabt_opcodes || st=1
    forksize_opcodes || st=1
    compare "Total opcodes" "$tmp/want.total" "$tmp/got.total" || st=1
    compare "Opcode counts (as a set of 'name: count' lines)" "$tmp/want.lines" "$tmp/got.lines" || st=1
    return $st
}

check_calls() {
    forksize_csv
    csv_columns "$tmp/fs.csv" "$tmp/fs.cols" index calls
    tr '\t' ' ' < "$tmp/fs.cols" > "$tmp/fs.calls"
    objdump_calls
    local total
    total=$(awk '{ s += $2 } END { print s + 0 }' "$tmp/od.calls")
    echo "oracle: $module: $(wc -l < "$tmp/od.calls") bodies disassembled, $total call instructions ($CALL_OPS)"
    compare "(index, call instructions) of every defined function" "$tmp/od.calls" "$tmp/fs.calls"
}

check_calls_total() {
    local st=0
    forksize_csv
    csv_columns "$tmp/fs.csv" "$tmp/fs.cols" calls
    wabt_opcodes || st=1
    call_total "$tmp/want.lines" > "$tmp/want.calls"
    awk '{ s += $1 } END { print s + 0 }' "$tmp/fs.cols" > "$tmp/got.calls"
    echo "oracle: $module: per-function check skipped (wasm-objdump -d is too slow here); module-wide total only"
    compare "module-wide call instructions: wasm-opcodecnt vs sum of forksize's calls column" \
        "$tmp/want.calls" "$tmp/got.calls" || st=1
    return $st
}

check_validate() {
    "$WASM_VALIDATE" --enable-all "$module" > "$tmp/v.out" 2>&1 ||
        { head -n 20 "$tmp/v.out" >&2; fail "$module: wasm-validate --enable-all rejects it, so WABT is no oracle for it"; }
    echo "oracle: $module: wasm-validate --enable-all accepts it"
    forksize_csv
    if [ -s "$tmp/fs.err" ]; then
        head -n 20 "$tmp/fs.err" >&2
        fail "$module: forksize warned about a module WABT validates"
    fi
    echo "oracle: $module: forksize decodes it with status 0 and no warning"
}

# expect_mismatch LABEL WANT GOT: the comparison must fail and say so.
expect_mismatch() {
    local out=$tmp/expect.out
    if compare "$1" "$2" "$3" > "$out" 2>&1; then
        cat "$out"
        echo "oracle: selftest: '$1' was accepted although the lists differ" >&2
        return 1
    fi
    if ! grep -q MISMATCH "$out" || ! grep -q '^[<>]' "$out"; then
        cat "$out"
        echo "oracle: selftest: '$1' failed without printing a diff" >&2
        return 1
    fi
    echo "oracle: selftest: altered '$1' rejected as it must be: $(grep -m1 '^[<>]' "$out")"
}

selftest() {
    local st=0
    # The real lists of a small module agree (or no alteration proves much).
    check_bodies > "$tmp/self.log" 2>&1 || { cat "$tmp/self.log"; fail "selftest: bodies of $module do not agree to begin with"; }
    if [ ! -s "$tmp/od.sizes" ] || [ ! -s "$tmp/fs.names" ]; then
        fail "selftest: $module needs functions and names"
    fi
    objdump_calls
    csv_columns "$tmp/fs.csv" "$tmp/fs.c2" index calls
    tr '\t' ' ' < "$tmp/fs.c2" > "$tmp/fs.calls"
    compare "calls" "$tmp/od.calls" "$tmp/fs.calls" > "$tmp/self.log" 2>&1 ||
        { cat "$tmp/self.log"; fail "selftest: calls of $module do not agree to begin with"; }

    # One body size one byte larger, one body missing, one extra body.
    awk 'NR == 1 { $2 = $2 + 1 } { print }' "$tmp/od.sizes" > "$tmp/alt1"
    expect_mismatch "a body size off by one" "$tmp/alt1" "$tmp/fs.sizes" || st=1
    sed '$d' "$tmp/od.sizes" > "$tmp/alt2"
    expect_mismatch "one function fewer" "$tmp/alt2" "$tmp/fs.sizes" || st=1
    { cat "$tmp/od.sizes"; echo "999999 1"; } > "$tmp/alt3"
    expect_mismatch "one function more" "$tmp/alt3" "$tmp/fs.sizes" || st=1
    # A name one character longer, and two names swapped.
    awk -F'\t' 'NR == 2 { $2 = $2 "x" } { print $1 "\t" $2 }' "$tmp/fs.names" > "$tmp/alt4"
    expect_mismatch "a name altered" "$tmp/alt4" "$tmp/fs.names" || st=1
    awk -F'\t' '{ i[NR] = $1; n[NR] = $2 } END { t = n[1]; n[1] = n[2]; n[2] = t
        for (k = 1; k <= NR; k++) print i[k] "\t" n[k] }' "$tmp/fs.names" > "$tmp/alt5"
    expect_mismatch "two names swapped" "$tmp/alt5" "$tmp/fs.names" || st=1
    # One function with one call more.
    awk 'NR == 1 { $2 = $2 + 1 } { print }' "$tmp/od.calls" > "$tmp/alt6"
    expect_mismatch "a call count off by one" "$tmp/alt6" "$tmp/fs.calls" || st=1

    # Opcodes: the real reports agree; one count altered does not.
    wabt_opcodes || fail "selftest: wasm-opcodecnt's report of $module does not add up"
    forksize_opcodes || fail "selftest: forksize's opcode report of $module does not add up"
    compare "opcodes" "$tmp/want.lines" "$tmp/got.lines" > "$tmp/self.log" 2>&1 ||
        { cat "$tmp/self.log"; fail "selftest: opcodes of $module do not agree to begin with"; }
    awk 'NR == 1 { $2 = $2 + 1 } { print }' "$tmp/want.lines" > "$tmp/alt7"
    expect_mismatch "an opcode count off by one" "$tmp/alt7" "$tmp/got.lines" || st=1
    sed '1d' "$tmp/want.lines" > "$tmp/alt8"
    expect_mismatch "an opcode missing" "$tmp/alt8" "$tmp/got.lines" || st=1

    # The relaxed-SIMD renaming maps exactly WABT's two old names.
    printf 'Total opcodes: 3\n\nOpcode counts:\ni16x8.dot_i8x16_i7x16_s: 1\ni32x4.dot_i8x16_i7x16_add_s: 1\ni32x4.dot_i16x8_s: 1\n\n' > "$tmp/syn.wabt"
    printf 'Total opcodes: 3\n\nOpcode counts:\ni16x8.relaxed_dot_i8x16_i7x16_s: 1\ni32x4.relaxed_dot_i8x16_i7x16_add_s: 1\ni32x4.dot_i16x8_s: 1\n' > "$tmp/syn.ours"
    opcode_block "$tmp/syn.wabt" "$tmp/syn.want" 1
    opcode_block "$tmp/syn.ours" "$tmp/syn.got" 0
    compare "relaxed-SIMD names mapped" "$tmp/syn.want.lines" "$tmp/syn.got.lines" || st=1
    printf 'Total opcodes: 3\n\nOpcode counts:\ni16x8.relaxed_dot_i8x16_i7x16_s: 1\ni32x4.relaxed_dot_i8x16_i7x16_add_s: 1\ni32x4.relaxed_dot_i16x8_s: 1\n' > "$tmp/syn.over"
    opcode_block "$tmp/syn.over" "$tmp/syn.over" 0
    expect_mismatch "a non-relaxed dot renamed" "$tmp/syn.want.lines" "$tmp/syn.over.lines" || st=1
    printf 'Total opcodes: 2\n\nOpcode counts:\ni32.add: 1\n\n' > "$tmp/syn.bad"
    if (opcode_block "$tmp/syn.bad" "$tmp/syn.bad" 0) 2> /dev/null; then
        echo "oracle: selftest: an opcode block not adding up to its total was accepted" >&2; st=1
    else
        echo "oracle: selftest: an opcode block not adding up to its total is rejected"
    fi

    # The CSV reader: quoted names with commas, doubled quotes, a line break;
    # the placeholder func[N] (for its own index only) means "no name".
    printf 'index,name,body_bytes\n3,"a,""b""",7\n4,func[4],8\n5,func[4],9\n6,"x\ny",10\n7,plain,11\n' > "$tmp/syn.csv"
    csv_columns "$tmp/syn.csv" "$tmp/syn.cols" index name body_bytes
    printf '3\ta,"b"\t7\n4\t\t8\n5\tfunc[4]\t9\n6\tx\ny\t10\n7\tplain\t11\n' > "$tmp/syn.cols.want"
    compare "CSV reader on quoted fields" "$tmp/syn.cols.want" "$tmp/syn.cols" || st=1
    [ $st -eq 0 ] && echo "oracle: selftest: every altered list was rejected"
    return $st
}

selftest_missing() {
    local empty=$tmp/empty-cache out=$tmp/missing.out st=0
    mkdir "$empty"
    FORKSIZE_CORPUS_DIR=$empty bash "$me" bodies "$module_arg" > "$out" 2>&1 || st=$?
    cat "$out"
    [ "$st" -ne 0 ] || fail "selftest_missing: a missing '$module_arg' did not fail the check (status 0)"
    grep -q 'scripts/fetch-corpus\.sh' "$out" ||
        fail "selftest_missing: the failure does not tell the user to run scripts/fetch-corpus.sh"
    echo "oracle: selftest_missing: status $st and the message names scripts/fetch-corpus.sh"
}

case $mode in
bodies)      resolve_module "$module_arg"; check_bodies ;;
opcodes)     resolve_module "$module_arg"; check_opcodes ;;
calls)       resolve_module "$module_arg"; check_calls ;;
calls_total) resolve_module "$module_arg"; check_calls_total ;;
validate)    resolve_module "$module_arg"; check_validate ;;
selftest)    resolve_module "$module_arg"; selftest ;;
selftest_missing) selftest_missing ;;
*) usage ;;
esac
