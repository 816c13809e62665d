#!/usr/bin/env bash
# demangle.sh CASE - analyzer/demangle.c against independent demanglers:
#
#   oracle   the mangled names of fixture.cpp (built here by clang-14 for
#            wasm32, linked with --no-demangle, read from the name section
#            by WABT's wasm-objdump) and names.list: each is demangled to
#            exactly what llvm-cxxfilt-14 prints; refused.list is refused,
#            every name of it (llvm-cxxfilt-14 does demangle them, so the
#            refusals are deliberate) and no other; legacy.list (Rust legacy)
#            matches GNU c++filt less the hash
#   mutate   random mutations of those names: no crash, no leak (ASan
#            build), and every mutant that is demangled matches
#            llvm-cxxfilt-14; the built-in hostile inputs are refused
#   e2e      the fixture stripped of its name section, named by a symbol
#            map (--symbols): rows show the demangled names and keep the
#            raw ones (JSON linkage_name); --group-by namespace groups the
#            demangled names and the groups add up to the totals;
#            --no-demangle shows the raw names; --root func: and closure
#            --onlylist use the raw names
set -euo pipefail
. "$TESTLIB/lib.sh"
case_=${1:?usage: demangle.sh CASE}
t_init "demangle.$case_"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CLANG=${CLANG:-clang-14}
WASM_LD=${WASM_LD:-wasm-ld-14}
CXXFILT=${CXXFILT:-llvm-cxxfilt-14}
GNU_CXXFILT=${GNU_CXXFILT:-c++filt}
DMTOOL=${DMTOOL:?DMTOOL: the dmtool binary}

# The fixture's function names in index order, by wasm-objdump.
build_fixture() {
    "$CLANG" --target=wasm32-wasi -nostdlib -fno-exceptions -fno-rtti -fno-threadsafe-statics \
        -O0 -c "$here/fixture.cpp" -o "$work/fx.o"
    "$WASM_LD" --no-entry --export=run --no-demangle -o "$work/fx.wasm" "$work/fx.o"
    "$WASM_OBJDUMP" -x -j name "$work/fx.wasm" >"$work/objdump.txt"
    sed -n 's/^ - func\[\([0-9]*\)\] <\(.*\)>$/\1 \2/p' "$work/objdump.txt" >"$work/fx.map"
    cut -d' ' -f2 "$work/fx.map" >"$work/fx.names"
}

# FILE of names -> FILE.mine (STATUS<TAB>text) and FILE.oracle
run_both() {
    "$DMTOOL" names <"$1" >"$1.mine"
    "$CXXFILT" <"$1" >"$1.oracle"
}

case $case_ in
oracle)
    build_fixture
    # 63 functions (one imported), 59 of them mangled: counted from
    # fixture.cpp's sources (a change there must update these)
    same "$(wc -l <"$work/fx.names")" 63 "fixture functions named"
    same "$(grep -c '^_Z' "$work/fx.names")" 59 "fixture names mangled"
    grep -v '^#' "$here/names.list" >"$work/hand.names"
    cat "$work/fx.names" "$work/hand.names" >"$work/all.names"
    run_both "$work/all.names"
    paste "$work/all.names" "$work/all.names.mine" "$work/all.names.oracle" >"$work/all.tsv"
    awk -F'\t' '$2 == "OK" && $3 != $4 { print "  " $1 ": got " $3 ", llvm " $4 }' \
        "$work/all.tsv" >"$work/wrong.txt"
    if [ -s "$work/wrong.txt" ]; then fail "demangled differently from $CXXFILT:"; cat "$work/wrong.txt"
    else ok "every demangled name equals $CXXFILT's"; fi
    awk -F'\t' '$2 == "REFUSED" { print $1 }' "$work/all.tsv" >"$work/refused.txt"
    if [ -s "$work/refused.txt" ]; then fail "refused, not on refused.list:"; cat "$work/refused.txt"
    else ok "no fixture or names.list name refused"; fi
    # a plain name is one llvm leaves alone too
    awk -F'\t' '$2 == "PLAIN" && $1 != $4 { print $1 }' "$work/all.tsv" >"$work/plain.txt"
    if [ -s "$work/plain.txt" ]; then fail "taken as plain, but llvm demangles:"; cat "$work/plain.txt"
    else ok "plain names are plain for $CXXFILT too"; fi
    same "$(awk -F'\t' '$2 == "OK"' "$work/all.tsv" | wc -l)" $((59 + $(wc -l <"$work/hand.names"))) \
        "names demangled (all mangled ones)"
    same "$(awk -F'\t' '$2 == "PLAIN"' "$work/all.tsv" | wc -l)" 4 \
        "plain names (host_fork, __cxa_atexit, __cxx_global_array_dtor, run)"

    grep -v '^#' "$here/refused.list" >"$work/ref.names"
    run_both "$work/ref.names"
    paste "$work/ref.names" "$work/ref.names.mine" "$work/ref.names.oracle" >"$work/ref.tsv"
    same "$(awk -F'\t' '$2 == "REFUSED" && $3 == $1 && $4 != $1' "$work/ref.tsv" | wc -l)" 13 \
        "refused.list: refused, left raw, and demangled by $CXXFILT"
    same "$(wc -l <"$work/ref.names")" 13 "refused.list entries"

    grep -v '^#' "$here/legacy.list" >"$work/leg.names"
    "$DMTOOL" names <"$work/leg.names" >"$work/leg.mine"
    "$GNU_CXXFILT" <"$work/leg.names" | sed 's/::h[0-9a-f]\{16\}$//' >"$work/leg.oracle"
    paste "$work/leg.mine" "$work/leg.oracle" >"$work/leg.tsv"
    same "$(awk -F'\t' '$1 == "OK" && $2 == $3' "$work/leg.tsv" | wc -l)" "$(wc -l <"$work/leg.names")" \
        "Rust legacy names as $GNU_CXXFILT reads them, without the hash"
    awk -F'\t' '!($1 == "OK" && $2 == $3)' "$work/leg.tsv"
    ;;
mutate)
    build_fixture
    { grep '^_[ZR]' "$work/fx.names"; grep -v '^#' "$here/names.list"; } >"$work/seed.names"
    for seed in 1 2 3; do
        "$DMTOOL" mutate "$seed" 400 print <"$work/seed.names" >"$work/mut.names" 2>"$work/mut.counts"
        run_both "$work/mut.names"
        paste "$work/mut.names" "$work/mut.names.mine" "$work/mut.names.oracle" |
            awk -F'\t' '$2 == "OK" && $3 != $4' >"$work/mut.wrong"
        n_ok=$(awk -F'\t' '$1 == "OK"' "$work/mut.names.mine" | wc -l)
        if [ -s "$work/mut.wrong" ]; then fail "seed $seed: mutants demangled wrongly:"; head -20 "$work/mut.wrong"
        else ok "seed $seed: $n_ok mutants demangled, all as $CXXFILT ($(cat "$work/mut.counts"))"; fi
        [ "$n_ok" -gt 100 ] || fail "seed $seed: only $n_ok mutants demangled: the check is too weak"
    done
    # more mutants, every byte value, no oracle: only crashes and leaks count
    if "$DMTOOL" mutate 9 3000 <"$work/seed.names" >"$work/many.txt"; then ok "$(cat "$work/many.txt")"
    else fail "dmtool mutate failed"; fi
    if "$DMTOOL" hostile >"$work/hostile.txt"; then ok "$(cat "$work/hostile.txt")"
    else fail "hostile inputs: $(cat "$work/hostile.txt")"; fi
    ;;
e2e)
    build_fixture
    # the module without its name section, and the names as a symbol map
    "$OBJCOPY" --remove-section=name "$work/fx.wasm" "$work/stripped.wasm"
    "$WASM_OBJDUMP" -x -j name "$work/stripped.wasm" >"$work/none.txt" 2>&1 || true
    if grep -q 'func\[' "$work/none.txt"; then fail "the name section is still there"; else ok "stripped"; fi
    sed 's/ /:/' "$work/fx.map" >"$work/fx.symbols"
    args=(--stats "$work/stripped.wasm" --symbols "$work/fx.symbols" --root import:env.fork)
    "$FORKSIZE" "${args[@]}" --group-by namespace --format json -o "$work/r.json"
    "$JFLAT" "$work/r.json" >"$work/r.flat"
    # every defined function: its raw name kept, its demangled name that of llvm-cxxfilt-14
    awk -F= '/^functions\[[0-9]+\]\.name=/ { print $2 }' "$work/r.flat" >"$work/raw.txt"
    awk -F= '/^functions\[[0-9]+\]\.demangled_name=/ { sub(/^[^=]*=/, ""); print }' \
        "$work/r.flat" >"$work/dem.txt"
    sed -n 's/^[0-9]*://p' "$work/fx.symbols" | tail -n +2 >"$work/want_raw.txt"  # less the import
    if cmp -s "$work/raw.txt" "$work/want_raw.txt"; then ok "JSON name: the symbol map's raw names"
    else fail "JSON names differ from the symbol map"; fi
    "$CXXFILT" <"$work/want_raw.txt" >"$work/want_dem.txt"
    paste "$work/want_raw.txt" "$work/want_dem.txt" |
        awk -F'\t' '{ print ($1 == $2 ? "null" : $2) }' >"$work/want_dem2.txt"
    if diff -u "$work/want_dem2.txt" "$work/dem.txt" >"$work/dem.diff"; then
        ok "JSON demangled_name: $CXXFILT's for the 59 mangled names, null for the others"
    else fail "demangled_name differs:"; head -20 "$work/dem.diff"; fi
    same "$(grep -c '^functions\[[0-9]*\]\.name_source=symbol_map$' "$work/r.flat")" 62 "name_source symbol_map"
    same "$(awk -F= '$1 == "module.demangle.mangled" { print $2 }' "$work/r.flat")" 59 "module.demangle.mangled"
    same "$(awk -F= '$1 == "module.demangle.demangled" { print $2 }' "$work/r.flat")" 59 "module.demangle.demangled"
    # CSV and text show the demangled names
    "$FORKSIZE" "${args[@]}" --format csv -o "$work/r.csv"
    if grep -qF '"geo::detail::Box<int>::as<double>(double) const"' "$work/r.csv" \
        || grep -qF 'double geo::detail::Box<int>::as<double>(double) const' "$work/r.csv"; then
        ok "CSV shows demangled names"
    else fail "CSV: no demangled name"; fi
    "$FORKSIZE" "${args[@]}" --format md -o "$work/r.md"
    if grep -qF '`geo::Vec::operator\|(' "$work/r.md" || grep -qF '`geo::area(int, int)`' "$work/r.md"; then
        ok "Markdown shows demangled names"
    else fail "Markdown: no demangled name"; fi
    "$FORKSIZE" "${args[@]}" --top 0 >"$work/r.txt"
    if grep -qF '(anonymous namespace)::hidden(in' "$work/r.txt"; then ok "text shows demangled names"
    else fail "text: no demangled name"; fi
    if grep -qF 'names       59 mangled: 59 shown demangled, 0 left as they are' "$work/r.txt"; then
        ok "text header counts them"; else fail "text header: no demangle count"; fi
    # --group-by namespace: each group's members and sums, from
    # expected/namespace.tsv and the rows themselves
    awk -F'\t' 'NR == FNR { if ($0 !~ /^#/) ns[$1] = $2; next }
                /^functions\[[0-9]+\]\.name=/ { split($0, a, "="); name = a[2] }
                /^functions\[[0-9]+\]\.cost\.total=/ { split($0, a, "="); g = ns[name];
                    if (g == "") g = "MISSING:" name; n[g]++; t[g] += a[2] }
                END { for (g in n) print g "\t" n[g] "\t" t[g] }' \
        FS='\t' "$here/expected/namespace.tsv" FS='\n' "$work/r.flat" | sort >"$work/want_groups.txt"
    awk '/^groups\.rows\[[0-9]+\]\.group=/ { sub(/^[^=]*=/, ""); g = $0 }
         /^groups\.rows\[[0-9]+\]\.functions=/ { sub(/^[^=]*=/, ""); f = $0 }
         /^groups\.rows\[[0-9]+\]\.cost\.total=/ { sub(/^[^=]*=/, ""); print g "\t" f "\t" $0 }' \
        "$work/r.flat" | sort >"$work/got_groups.txt"
    if diff -u "$work/want_groups.txt" "$work/got_groups.txt"; then
        ok "namespace groups: members and totals as worked out by hand ($(wc -l <"$work/got_groups.txt") groups)"
    else fail "namespace groups differ from expected/namespace.tsv"; fi
    total=$(awk -F= '$1 == "terms.total" { print $2 }' "$work/r.flat")
    same "$(awk -F'\t' '{ s += $3 } END { print s }' "$work/got_groups.txt")" "$total" "groups add up to terms.total"
    [ "$total" -gt 0 ] || fail "no cost at all: the groups check is empty"
    same "$(awk -F= '$1 == "groups.total.cost.total" { print $2 }' "$work/r.flat")" "$total" "groups.total"
    # --no-demangle: raw names shown, no demangled_name, the same groups
    "$FORKSIZE" "${args[@]}" --no-demangle --group-by namespace --format json -o "$work/n.json"
    "$JFLAT" "$work/n.json" >"$work/n.flat"
    same "$(grep -c 'demangled_name=' "$work/n.flat" || true)" 0 "--no-demangle: no demangled_name"
    same "$(awk -F= '$1 == "module.demangle.enabled" { print $2 }' "$work/n.flat")" false "--no-demangle: enabled false"
    same "$(grep '^groups\.' "$work/n.flat")" "$(grep '^groups\.' "$work/r.flat")" "--no-demangle: the same groups"
    "$FORKSIZE" "${args[@]}" --no-demangle --top 0 >"$work/n.txt"
    if grep -qF '_ZN12_GLOBAL__N_16hiddenEi' "$work/n.txt"; then ok "--no-demangle: text shows raw names"
    else fail "--no-demangle: text shows no raw name"; fi
    # Binaryen's list of the unstripped module holds the raw names
    "$FORKSIZE" closure "$work/fx.wasm" --root import:env.fork --onlylist "$work/only.txt"
    tr ',' '\n' <"$work/only.txt" >"$work/only.lines"
    if grep -qxF '_ZN3geo4areaEii' "$work/only.lines" && ! grep -qF 'geo::' "$work/only.lines"; then
        ok "closure --onlylist: raw names ($(wc -l <"$work/only.lines") entries)"
    else fail "closure --onlylist: not the raw names: $(head -c 300 "$work/only.txt")"; fi
    # --root func: matches the raw (linkage) name, which Binaryen knows
    "$FORKSIZE" --stats "$work/stripped.wasm" --symbols "$work/fx.symbols" \
        --root func:_ZN3geo4areaEii --format json -o "$work/root.json"
    "$JFLAT" "$work/root.json" >"$work/root.flat"
    same "$(awk -F= '$1 == "roots[0].matched" { print $2 }' "$work/root.flat")" 1 "--root func:RAW matches"
    ;;
*)
    echo "demangle.sh: unknown case $case_" >&2
    exit 2
    ;;
esac
t_done
