#!/usr/bin/env bash
# group.sh CASE - forksize --group-by (report/group.c) and the DWARF reader
# (analyzer/dwarf_info.c) against hand-worked expectations and independent
# oracles:
#
#   cfix      the C fixture (fixture/: three files, two directories) built
#             here with clang-14 -g, DWARF 4 and 5: the groups' membership
#             against expected/cfix.txt (worked out by hand from the sources);
#             every column of --group-by file against the per-function rows
#             summed by llvm-dwarfdump-14's own compile-unit/low_pc mapping;
#             the groups add up to the module's totals
#   names     the fixture without its name section: every function gets its
#             name from DWARF (name_source "dwarf"), the same names; a module
#             that has names reads no DWARF
#   prefix    prefix.wat (a name section, no DWARF): expected/prefix.csv, by hand
#   namespace namespace.wat: expected/namespace.csv, by hand
#   malformed the fixture with a broken .debug_info / .debug_abbrev: a warning
#             naming the section and the offset, exit 0, no source groups
#   mutate    random bytes changed in the fixture's DWARF sections: exit 0,
#             never a crash (run it under ASan), the groups still add up
#   views     compare and diff with --group-by read the same groups as --stats
#   srcmap    srcmap.wat (no DWARF) and the Source Map v3 Binaryen 132
#             writes for it, with a "sourceRoot": --group-by file with
#             --source-map: membership as worked out by hand (srcmap.wat),
#             every column against the per-function rows summed by the
#             map's own decoding (tests/instrument/srcmapcheck.mjs sources:
#             the source of each body's lowest mapped byte), the groups
#             add up to the module's totals; dir likewise; compare and
#             diff take --source-map the same way; without the map, every
#             function is in "(no source)"; a broken map exits 2 naming it
#   ruby      ruby.wasm (corpus): --group-by file and dir add up exactly, the
#             costliest sourced groups are Ruby's own C files, and the per-file
#             function counts match llvm-dwarfdump-14's
set -euo pipefail
. "$TESTLIB/lib.sh"
case_=${1:?usage: group.sh CASE}
t_init "group.$case_"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FS=$FORKSIZE
CLANG=${CLANG:-clang-14}
WASM_LD=${WASM_LD:-wasm-ld-14}
DWARFDUMP=${DWARFDUMP:-llvm-dwarfdump-14}
OBJCOPY=${OBJCOPY:-llvm-objcopy-14}
NODE=${NODE:-node}
WASM_OPT_132=${WASM_OPT_132:-wasm-opt}

# The fixture, compiled from its own directory (CU names relative, comp_dir
# the source directory) and with that directory mapped to /src, so the
# paths do not depend on where the tree is.  $1: the DWARF version.
build_fixture() {
    local v=$1 out=$work/cfix$1.wasm
    (cd "$here/fixture" &&
     for f in main.c util.c sys/proc.c; do
         "$CLANG" --target=wasm32-wasi -O1 -gdwarf-"$v" -fdebug-prefix-map="$here/fixture"=/src \
             -c "$f" -o "$work/$(basename "$f" .c).$v.o"
     done)
    "$WASM_LD" --no-entry -o "$out" "$work/main.$v.o" "$work/util.$v.o" "$work/proc.$v.o"
    echo "$out"
}

code_start() {  # the code section's payload offset, from WABT
    "$WASM_OBJDUMP" -h "$1" >"$work/h.txt"
    printf '%d\n' "$(sed -n 's/.* Code start=\(0x[0-9a-f]*\).*/\1/p' "$work/h.txt")"
}

# "BODY_OFFSET FILE" for every subprogram with an address, by
# llvm-dwarfdump: the file is its compile unit's name (before a rustc
# "/@/"), under comp_dir when relative.
dwarf_map() {
    local cs
    cs=$(code_start "$1")
    "$DWARFDUMP" --debug-info "$1" | awk -v cs="$cs" '
        function val(s) { sub(/^[^(]*\("/, "", s); sub(/"\)$/, "", s); return s }
        /DW_TAG_compile_unit/ { incu = 1; name = ""; dir = ""; insub = 0; next }
        /DW_TAG_/ { if (incu) { f = name; sub(/\/@\/.*/, "", f)
                                if (f !~ /^\// && dir != "") f = dir (dir ~ /\/$/ ? "" : "/") f
                                file = f }
                    incu = 0; insub = ($0 ~ /DW_TAG_subprogram/); next }
        incu && /DW_AT_name/ { name = val($0) }
        incu && /DW_AT_comp_dir/ { dir = val($0) }
        function hex(s,   i, v) { v = 0; s = tolower(s)
                                   for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
                                   return v }
        insub && /DW_AT_low_pc/ && /\(0x/ { s = $0; sub(/.*\(0x/, "", s); sub(/\).*/, "", s)
                                          printf "%d %s\n", hex(s) + cs, file }'
}

# The per-function CSV summed per group of MAP: the columns of the group CSV
# but share, sorted (NO is the name of the no-source group).
oracle_sum() {  # MAP FUNCS.csv NO
    awk -F, -v no="$3" '
        NR == FNR { i = index($0, " "); file[substr($0, 1, i - 1)] = substr($0, i + 1); next }
        FNR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
        { g = ($(col["body_offset"]) in file) ? file[$(col["body_offset"])] : no
          n[g]++; c[g] += $(col["in_closure"]) == "true"; b[g] += $(col["body_bytes"])
          if ($(col["in_closure"]) == "true" && $(col["refused"]) == "") {
              fx[g] += $(col["fixed"]); cl[g] += $(col["callsite"]); lo[g] += $(col["local"])
              di[g] += $(col["dispatch"]); to[g] += $(col["total"]) } }
        END { for (g in n) printf "%s,%s,%d,%d,%d,%d,%d,%d,%d,%d\n", g, g == no ? "true" : "false",
                  n[g], c[g], b[g], fx[g], cl[g], lo[g], di[g], to[g] }' "$1" "$2" | LC_ALL=C sort
}

ours_sorted() {  # GROUPS.csv: without the header and the share column
    tail -n +2 "$1" | awk -F, 'BEGIN { OFS = "," } { NF = NF - 1; print }' | LC_ALL=C sort
}

# The groups' total row in JSON against the module's own figures.
adds_up() {  # REPORT.json LABEL
    "$JFLAT" "$1" >"$work/flat.txt"
    local k want got
    for k in fixed callsite local dispatch total; do
        want=$(jv "terms.$k" "$work/flat.txt")
        got=$(jv "groups.total.cost.$k" "$work/flat.txt")
        same "$got" "${want:-0}" "$2: groups' $k = the module's terms.$k"
    done
    same "$(jv groups.total.functions "$work/flat.txt")" "$(jv module.functions "$work/flat.txt")" \
         "$2: functions"
    same "$(jv groups.total.closure_functions "$work/flat.txt")" \
         "$(jv closure.functions "$work/flat.txt")" "$2: closure functions"
    # and the rows add up to the total row, column by column
    same "$(jsum 'groups\.rows\[[0-9]+\]\.cost\.total' "$work/flat.txt")" \
         "$(jv groups.total.cost.total "$work/flat.txt")" "$2: rows sum to the total"
    same "$(jsum 'groups\.rows\[[0-9]+\]\.body_bytes' "$work/flat.txt")" \
         "$(jv groups.total.body_bytes "$work/flat.txt")" "$2: body bytes sum"
    same "$(jsum 'groups\.rows\[[0-9]+\]\.functions' "$work/flat.txt")" \
         "$(jv groups.total.functions "$work/flat.txt")" "$2: functions sum"
}

# jflat's KEY=VALUE lines: one value, or the sum of the keys matching a regex.
jv() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$2"; }
jsum() { awk -v re="^$1=" '$0 ~ re { sub(/^[^=]*=/, ""); s += $0 } END { print s + 0 }' "$2"; }

expected_block() {  # NAME: the lines of expected/cfix.txt under NAME
    awk -v n="$1" '/^#/ { next } /^[a-z0-9]+$/ { on = ($0 == n); next } on' "$here/expected/cfix.txt"
}

case $case_ in
cfix)
    for v in 4 5; do
        m=$(build_fixture $v)
        for k in file dir dir1 cu; do
            by=$k; extra=()
            [ "$k" != dir1 ] || { by=dir; extra=(--depth 1); }
            "$FS" --stats "$m" --group-by "$by" "${extra[@]}" --format csv -o "$work/g.csv"
            tail -n +2 "$work/g.csv" | cut -d, -f1-4 >"$work/got.txt"
            expected_block "$k" >"$work/want.txt"
            if diff -u "$work/want.txt" "$work/got.txt"; then ok "DWARF $v: --group-by $k as worked out by hand"
            else fail "DWARF $v: --group-by $k differs from expected/cfix.txt"; fi
        done
        # every column, against llvm-dwarfdump's mapping and the function rows
        "$FS" --stats "$m" --format csv -o "$work/f.csv"
        "$FS" --stats "$m" --group-by file --format csv -o "$work/g.csv"
        dwarf_map "$m" >"$work/map.txt"
        same "$(wc -l <"$work/map.txt")" 5 "DWARF $v: llvm-dwarfdump sees 5 functions with code"
        oracle_sum "$work/map.txt" "$work/f.csv" "(no source)" >"$work/want.txt"
        ours_sorted "$work/g.csv" >"$work/got.txt"
        if diff -u "$work/want.txt" "$work/got.txt"; then ok "DWARF $v: every column = llvm-dwarfdump's mapping summed"
        else fail "DWARF $v: group columns differ from the oracle's sums"; fi
        for by in file dir cu; do
            "$FS" --stats "$m" --group-by "$by" --format json -o "$work/g.json"
            adds_up "$work/g.json" "DWARF $v --group-by $by"
            same "$(jv groups.source "$work/flat.txt")" dwarf "DWARF $v --group-by $by: JSON says dwarf"
        done
        # the text and Markdown views show the same total row
        "$FS" --stats "$m" --group-by file -o "$work/g.txt"
        "$FS" --stats "$m" --group-by file --format md -o "$work/g.md"
        tot=$(awk -F, 'NR > 1 { s += $10 } END { print s }' "$work/g.csv")
        awk -v t="$tot" '/^  \(all groups\)/ && $(NF - 1) == t { f = 1 } END { exit !f }' "$work/g.txt" \
            && ok "text total row" || fail "DWARF $v: text has no total row of $tot"
        awk -F'|' -v t="$tot" '/\(all groups\)/ && $10 + 0 == t { f = 1 } END { exit !f }' "$work/g.md" \
            && ok "md total row" || fail "DWARF $v: Markdown has no total row of $tot"
    done
    ;;
names)
    m=$(build_fixture 5)
    "$OBJCOPY" --remove-section=name "$m" "$work/stripped.wasm"
    "$FS" --stats "$work/stripped.wasm" --format json -o "$work/s.json"
    "$FS" --stats "$m" --format json -o "$work/n.json"
    "$JFLAT" "$work/s.json" >"$work/s.flat"
    "$JFLAT" "$work/n.json" >"$work/n.flat"
    grep -E '^functions\[[0-9]+\]\.name=' "$work/s.flat" >"$work/s.names"
    grep -E '^functions\[[0-9]+\]\.name=' "$work/n.flat" >"$work/n.names"
    same "$(wc -l <"$work/s.names")" 5 "five named functions in the stripped module"
    if diff -u "$work/n.names" "$work/s.names"; then ok "DWARF gives the name section's names"
    else fail "names from DWARF differ from the name section's"; fi
    same "$(grep -cE '^functions\[[0-9]+\]\.name_source=dwarf$' "$work/s.flat")" 5 \
         "name_source is dwarf for each"
    same "$(jv module.dwarf.named "$work/s.flat")" 5 "module.dwarf.named"
    # named already: DWARF is not read at all
    same "$(grep -c '^module\.dwarf\.' "$work/n.flat" || true)" 0 "a fully named module reads no DWARF"
    "$FS" --stats "$work/stripped.wasm" -o "$work/s.txt"
    grep -q '^names       5 functions named from DWARF' "$work/s.txt" && ok "text says where names came from" \
        || fail "the text report does not say names came from DWARF"
    grep -q ' proc_child ' "$work/s.txt" && ok "text table shows a DWARF name" || fail "no DWARF name in the table"
    ;;
prefix)
    "$WAT2WASM" --debug-names "$here/prefix.wat" -o "$work/p.wasm"
    "$FS" --stats "$work/p.wasm" --root import:env.fork --apply model --group-by prefix \
        --format csv -o "$work/p.csv"
    if diff -u "$here/expected/prefix.csv" "$work/p.csv"; then ok "prefix groups as worked out by hand"
    else fail "prefix groups differ from expected/prefix.csv"; fi
    "$FS" --stats "$work/p.wasm" --root import:env.fork --group-by prefix --format json -o "$work/p.json"
    adds_up "$work/p.json" "prefix (forkinstr)"
    "$FS" --stats "$work/p.wasm" --root import:env.fork --apply model --group-by prefix --format json -o "$work/p.json"
    adds_up "$work/p.json" "prefix (model)"
    # no DWARF: --group-by file says so, and everything is one no-source group
    "$FS" --stats "$work/p.wasm" --root import:env.fork --group-by file --format csv -o "$work/f.csv" 2>"$work/err"
    grep -q 'no DWARF .debug_info' "$work/err" && ok "warns without DWARF" || fail "no warning without DWARF"
    same "$(tail -n +2 "$work/f.csv" | cut -d, -f1-3)" "(no source),true,16" "one no-source group"
    # --depth is for dir only
    set +e
    "$FS" --stats "$work/p.wasm" --root import:env.fork --group-by prefix --depth 2 2>"$work/err" >/dev/null
    st=$?
    set -e
    same "$st" 2 "--depth without --group-by dir: exit 2"
    grep -q -- '--depth goes with --group-by dir' "$work/err" && ok "and says why" || fail "no reason for --depth"
    ;;
namespace)
    # expected/namespace.csv was checked by hand against the rules in
    # docs/cli.md (namespace.wat says which name is which kind)
    "$WAT2WASM" --debug-names "$here/namespace.wat" -o "$work/n.wasm"
    "$FS" --stats "$work/n.wasm" --root import:env.fork --apply model --group-by namespace \
        --format csv -o "$work/n.csv"
    if diff -u "$here/expected/namespace.csv" "$work/n.csv"; then ok "namespace groups as worked out by hand"
    else fail "namespace groups differ from expected/namespace.csv"; fi
    "$FS" --stats "$work/n.wasm" --root import:env.fork --group-by namespace --format json -o "$work/n.json"
    adds_up "$work/n.json" "namespace"
    ;;
malformed)
    m=$(build_fixture 4)
    "$WASM_OBJDUMP" -h "$m" >"$work/h.txt"
    cs=$(printf '%d' "$(sed -n 's/.*start=\(0x[0-9a-f]*\).*"\.debug_info".*/\1/p' "$work/h.txt")")
    data=$((cs + 1 + 11))                                 # after the name ".debug_info"
    # 1. the first unit's length runs far past the section
    cp "$m" "$work/bad1.wasm"
    printf '\xf0\xff\xff\x7f' | dd of="$work/bad1.wasm" bs=1 seek=$data conv=notrunc status=none
    # 2. the first unit's DWARF version is 9
    cp "$m" "$work/bad2.wasm"
    printf '\x09\x00' | dd of="$work/bad2.wasm" bs=1 seek=$((data + 4)) conv=notrunc status=none
    # 3. the first DIE's abbreviation code is one its table lacks (0x7f)
    cp "$m" "$work/bad3.wasm"
    printf '\x7f' | dd of="$work/bad3.wasm" bs=1 seek=$((data + 11)) conv=notrunc status=none
    for k in 1 2 3; do
        set +e
        "$FS" --stats "$work/bad$k.wasm" --group-by file --format csv -o "$work/g.csv" 2>"$work/err"
        st=$?
        set -e
        same "$st" 0 "bad$k: exit 0 (the analysis goes on without DWARF)"
        grep -q 'warning: malformed DWARF in .debug_info at byte [0-9]* (file offset [0-9]*)' "$work/err" \
            && ok "bad$k: warning names the section and offsets" || { cat "$work/err"; fail "bad$k: no warning"; }
        same "$(tail -n +2 "$work/g.csv" | cut -d, -f1-3)" "(no source),true,5" "bad$k: every function has no source"
    done
    off=$(sed -n 's/.*at byte \([0-9]*\) (file offset \([0-9]*\)).*/\1 \2/p' <(
        "$FS" --stats "$work/bad1.wasm" --group-by file -o /dev/null 2>&1))
    same "$off" "0 $data" "bad1: the offset is the unit's first byte"
    # 4, 5. a section the units point into is missing altogether: the
    # reader must bound its reads by an empty section, not compute from a
    # null one (fuzz_decode found both under UBSan, which the sanitizer
    # build of this test would report).
    for sec in abbrev str; do
        "$OBJCOPY" --remove-section=.debug_$sec "$m" "$work/no$sec.wasm"
        set +e
        "$FS" --stats "$work/no$sec.wasm" --group-by file --format csv -o "$work/g.csv" 2>"$work/err"
        st=$?
        set -e
        same "$st" 0 "no .debug_$sec: exit 0 (the analysis goes on without DWARF)"
        grep -q "warning: malformed DWARF in .debug_\(info\|$sec\) at byte" "$work/err" \
            && ok "no .debug_$sec: a warning names the section" || { cat "$work/err"; fail "no .debug_$sec: no warning"; }
    done
    ;;
mutate)
    # Random byte changes in the DWARF sections (a fixed seed): never a crash,
    # always exit 0 (the analysis goes on without what could not be read).
    for v in 4 5; do
        m=$(build_fixture $v)
        "$WASM_OBJDUMP" -h "$m" >"$work/h.txt"
        # the payload ranges (after the name) of the .debug_* sections read
        ranges=$(awk '/"\.debug_(info|abbrev|str|str_offsets|addr|line_str)"/ {
                   s = $0; sub(/.*start=/, "", s); sub(/ .*/, "", s)
                   e = $0; sub(/.*end=/, "", e); sub(/ .*/, "", e)
                   n = $0; sub(/.*"/, "", n); n = $NF; gsub(/"/, "", n)
                   print s, e, length(n) }' "$work/h.txt")
        RANDOM=$((1234 + v))
        warned=0
        for i in $(seq 1 60); do
            cp "$m" "$work/mut.wasm"
            while read -r s e nl; do
                s=$(( s + 1 + nl )); e=$(( e ))
                [ "$e" -gt "$s" ] || continue
                for j in 1 2 3; do
                    at=$(( s + (RANDOM * 32768 + RANDOM) % (e - s) ))
                    printf "\\x$(printf '%02x' $((RANDOM % 256)))" |
                        dd of="$work/mut.wasm" bs=1 seek=$at conv=notrunc status=none
                done
            done <<<"$ranges"
            set +e
            "$FS" --stats "$work/mut.wasm" --group-by file --format csv -o "$work/g.csv" 2>"$work/err"
            st=$?
            set -e
            [ "$st" = 0 ] || { cat "$work/err"; fail "DWARF $v mutation $i: exit $st"; continue; }
            ! grep -q 'malformed DWARF' "$work/err" || warned=$((warned + 1))
            # whatever was read, the groups still add up to the module
            "$FS" --stats "$work/mut.wasm" --group-by cu --format json -o "$work/g.json" 2>/dev/null
            "$JFLAT" "$work/g.json" >"$work/flat.txt"
            [ "$(jv groups.total.cost.total "$work/flat.txt")" = "$(jv terms.total "$work/flat.txt")" ] \
                || fail "DWARF $v mutation $i: groups do not add up"
        done
        # the mutations must reach the reader, or the case proves nothing
        [ "$warned" -gt 0 ] || fail "DWARF $v: no mutation was noticed as malformed"
        ok "DWARF $v: 60 mutated modules, exit 0, groups add up; $warned warned of malformed DWARF"
    done
    ;;
views)
    m4=$(build_fixture 4)
    m5=$(build_fixture 5)
    "$FS" --stats "$m4" --group-by file --format csv -o "$work/a.csv"
    "$FS" --stats "$m5" --group-by file --format csv -o "$work/b.csv"
    "$FS" compare "$m4" "$m5" --group-by file --format csv --no-timing -o "$work/c.csv"
    { head -1 "$work/c.csv"
      tail -n +2 "$work/a.csv" | sed "s|^|$m4,|"
      tail -n +2 "$work/b.csv" | sed "s|^|$m5,|"; } >"$work/want.csv"
    same "$(head -1 "$work/c.csv")" "module,$(head -1 "$work/a.csv")" "compare csv header"
    if diff -u "$work/want.csv" "$work/c.csv"; then ok "compare csv = each module's stats groups"
    else fail "compare --group-by csv differs from --stats"; fi
    "$FS" compare "$m4" "$m5" --group-by file --format json --no-timing -o "$work/c.json"
    "$JFLAT" "$work/c.json" >"$work/c.flat"
    same "$(jv 'modules[1].groups.total.cost.total' "$work/c.flat")" \
         "$(awk -F, 'NR > 1 { s += $10 } END { print s }' "$work/b.csv")" "compare json group total"
    # diff: a saved report with groups against a module; and the refusal
    "$FS" --stats "$m4" --group-by file --format json -o "$work/base.json"
    "$FS" diff "$work/base.json" "$m5" --group-by file --format json -o "$work/d.json"
    "$JFLAT" "$work/d.json" >"$work/d.flat"
    same "$(grep -E '^groups\.rows\[[0-9]+\]\.change=' "$work/d.flat" | grep -vc '=0$' || true)" 0 \
         "DWARF 4 vs 5 of one program: no group changes"
    same "$(grep -cE '^groups\.rows\[[0-9]+\]\.group=' "$work/d.flat")" 3 "three groups paired"
    set +e
    "$FS" diff "$work/base.json" "$m5" --group-by prefix -o "$work/d.txt" 2>"$work/err"
    st=$?
    set -e
    same "$st" 2 "diff: a saved report without those groups is refused"
    grep -q 'has no groups by prefix' "$work/err" && ok "and says why" || fail "no reason given"
    ;;
srcmap)
    m=$work/sm.wasm
    "$WASM_OPT_132" "$here/srcmap.wat" -g -o "$m" --output-source-map "$work/bn.map" 2>"$work/bn.err" ||
        { cat "$work/bn.err"; fail "wasm-opt 132 could not build srcmap.wat"; t_done; }
    "$NODE" -e 'const fs = require("fs"); const m = JSON.parse(fs.readFileSync(process.argv[1]));
                m.sourceRoot = "/src"; fs.writeFileSync(process.argv[2], JSON.stringify(m));' \
        "$work/bn.map" "$work/sm.map"
    R=(--root import:env.fork)
    "$FS" --stats "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" --format csv -o "$work/g.csv"
    tail -n +2 "$work/g.csv" | cut -d, -f1-4 | LC_ALL=C sort >"$work/got.txt"
    # by hand from srcmap.wat: group, no_source, functions, closure functions
    # ($a2 and $main reach fork; $mixed is b.c, its operands come first)
    printf '%s\n' "(no source),true,1,0" "/src/lib/a.c,false,2,1" "/src/lib/b.c,false,1,0" \
        "/src/main.c,false,1,1" "/src/sys/io/c.c,false,1,0" | LC_ALL=C sort >"$work/want.txt"
    if diff -u "$work/want.txt" "$work/got.txt"; then ok "--group-by file from the map, as worked out by hand"
    else fail "--group-by file --source-map differs from srcmap.wat's header"; fi
    "$NODE" "$here/../instrument/srcmapcheck.mjs" sources "$m" "$work/sm.map" >"$work/map.txt"
    same "$(wc -l <"$work/map.txt")" 5 "the oracle's sourced functions"
    "$FS" --stats "$m" "${R[@]}" --format csv -o "$work/funcs.csv"
    oracle_sum "$work/map.txt" "$work/funcs.csv" "(no source)" >"$work/want.txt"
    ours_sorted "$work/g.csv" >"$work/got.txt"
    if diff -u "$work/want.txt" "$work/got.txt"; then ok "file: every column = the oracle's per-function sums"
    else fail "file: the groups differ from the per-function rows summed by the map"; fi
    "$FS" --stats "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" -o "$work/g.txt"
    grep -c "^top 5 of 5 groups by file (from the source map; 5 of 6 functions have that information):\$" \
        "$work/g.txt" >"$work/n.txt" || true
    same "$(cat "$work/n.txt")" 1 "text: the groups say they came from the map"
    "$FS" --stats "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" --format json -o "$work/g.json"
    adds_up "$work/g.json" "srcmap file"
    same "$(jv groups.source "$work/flat.txt")" source_map "json: the groups say they came from the map"
    "$FS" --stats "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" --format md -o "$work/g.md"
    grep -c "^### by file (from the source map; 5 groups)\$" "$work/g.md" >"$work/n.txt" || true
    same "$(cat "$work/n.txt")" 1 "md: the groups say they came from the map"
    # dir: the oracle's files cut to their directory
    "$FS" --stats "$m" "${R[@]}" --group-by dir --source-map "$work/sm.map" --format csv -o "$work/d.csv"
    sed 's|/[^/]*$||' "$work/map.txt" >"$work/dmap.txt"
    oracle_sum "$work/dmap.txt" "$work/funcs.csv" "(no source)" >"$work/want.txt"
    ours_sorted "$work/d.csv" >"$work/got.txt"
    if diff -u "$work/want.txt" "$work/got.txt"; then ok "dir: every column = the oracle's per-function sums"
    else fail "dir: the groups differ"; fi
    # compare and diff read the same groups
    "$FS" compare "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" --format csv \
        --no-timing -o "$work/c.csv"
    { head -1 "$work/c.csv"; tail -n +2 "$work/g.csv" | sed "s|^|$m,|"; } >"$work/want.csv"
    if diff -u "$work/want.csv" "$work/c.csv"; then ok "compare --source-map = --stats"
    else fail "compare --group-by file --source-map differs from --stats"; fi
    "$FS" diff "$work/g.json" "$m" "${R[@]}" --group-by file --source-map "$work/sm.map" \
        --format json -o "$work/diff.json"
    "$JFLAT" "$work/diff.json" >"$work/diff.flat"
    same "$(grep -cE '^groups\.rows\[[0-9]+\]\.group=' "$work/diff.flat")" 5 "diff: five groups paired"
    same "$(grep -E '^groups\.rows\[[0-9]+\]\.change=' "$work/diff.flat" | grep -vc '=0$' || true)" 0 \
         "diff: no group changes against itself"
    # without the map: one no-source group and the warning
    "$FS" --stats "$m" "${R[@]}" --group-by file --format csv -o "$work/n.csv" 2>"$work/n.err"
    same "$(tail -n +2 "$work/n.csv" | cut -d, -f1-3)" "(no source),true,6" "no map: all in (no source)"
    # a broken map: exit 2, the map and the place named
    printf '{"version":3,"sources":["a.c"],"mappings":"AAAA,A*"}' >"$work/bad.map"
    set +e
    "$FS" --stats "$m" "${R[@]}" --group-by file --source-map "$work/bad.map" >"$work/o.txt" 2>"$work/err"
    st=$?
    set -e
    same "$st" 2 "broken map: exit 2"
    same "$(cat "$work/err")" \
        "forksize: $m: --source-map $work/bad.map: source map: \"mappings\"[6]: '*' is not a base64 digit" \
        "broken map: message"
    ;;
ruby)
    m=$FORKSIZE_CORPUS_DIR/ruby.wasm
    t_module "$m"
    for by in file dir; do
        "$FS" --stats "$m" --root 'import:*' --group-by "$by" --format json -o "$work/r.json"
        adds_up "$work/r.json" "ruby --group-by $by"
    done
    "$FS" --stats "$m" --root 'import:*' --group-by file --format csv -o "$work/g.csv"
    # the five costliest groups that have a source are Ruby's own C files
    awk -F, 'NR > 1 && $2 == "false" && ++n <= 5' "$work/g.csv" >"$work/top.txt"
    same "$(grep -c '^/home/me/build/build/checkouts/3\.4/.*\.c,' "$work/top.txt")" 5 \
         "the top 5 sourced groups are Ruby's own sources"
    # every column against llvm-dwarfdump's mapping of the same functions
    "$FS" --stats "$m" --root 'import:*' --format csv -o "$work/f.csv"
    dwarf_map "$m" >"$work/map.txt"
    oracle_sum "$work/map.txt" "$work/f.csv" "(no source)" >"$work/want.txt"
    ours_sorted "$work/g.csv" >"$work/got.txt"
    same "$(wc -l <"$work/got.txt")" "$(wc -l <"$work/want.txt")" "as many file groups as the oracle"
    if cmp -s "$work/want.txt" "$work/got.txt"; then ok "every group's columns = llvm-dwarfdump's mapping summed"
    else diff "$work/want.txt" "$work/got.txt" >"$work/d.txt" || true; head -20 "$work/d.txt"; fail "ruby groups differ from the oracle"; fi
    ;;
*)
    echo "group.sh: unknown case $case_" >&2
    exit 2
    ;;
esac
t_done
