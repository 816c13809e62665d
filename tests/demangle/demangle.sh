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
#            --no-demangle shows the raw names
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
    # 62 functions, 59 of them mangled: counted from fixture.cpp's sources
    # (a change there must update these)
    same "$(wc -l <"$work/fx.names")" 62 "fixture functions named"
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
    same "$(awk -F'\t' '$2 == "PLAIN"' "$work/all.tsv" | wc -l)" 3 "plain names (__cxa_atexit, __cxx_global_array_dtor, run)"

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
*)
    echo "demangle.sh: unknown case $case_" >&2
    exit 2
    ;;
esac
t_done
