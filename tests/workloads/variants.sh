#!/usr/bin/env bash
# Builds every variant of one module that the workloads run, all with the
# same roots and indirect-call policy, so that they differ only in the
# instrumentation:
#   original         the module as shipped
#   o2               wasm-opt -O2 alone: Binaryen's re-encoding, the baseline
#                    that separates Asyncify's cost from Binaryen's own
#   asyncify-o2      wasm-opt --asyncify -O2 (Binaryen's instrumented set
#                    equals forksize's closure for these roots and policy)
#   forkinstr-naive, forkinstr-cse, forkinstr-live, forkinstr-trampoline
#                    forksize instrument at each stage
#   forkinstr-hints  stage live with --branch-hints (node reads the hints
#                    only with --experimental-wasm-branch-hinting; run.sh
#                    and bench.mjs give every variant that flag)
#   forkinstr-hot    stage live with --hot for the module's profile-hot
#                    functions (hot.list); --hot all for a module not listed
#   forkinstr-hotall stage live with --hot all: every closure function has
#                    a normal-path copy and a rewind copy
#
# Usage: variants.sh IN.wasm OUTDIR
# Env:   FORKSIZE (forksize binary), WASM_OPT (default wasm-opt),
#        WASM_VALIDATE (default wasm-validate), WL_STAGES (default naive cse live trampoline),
#        WL_TIMES (a file: each instrumenting command appends a line
#        "VARIANT SECONDS PEAK_RSS_KB", from /usr/bin/time)
# Roots: import:* with --indirect asyncify.  That is plain `wasm-opt
# --asyncify`: any import may unwind and indirect calls reach every table
# function, which is the only closure Asyncify can be told without a list.
set -euo pipefail
in=$1 out=$2
: "${FORKSIZE:?set FORKSIZE to the forksize binary}"
wasm_opt=${WASM_OPT:-wasm-opt}
wasm_validate=${WASM_VALIDATE:-wasm-validate}
stages=${WL_STAGES:-naive cse live trampoline}
mkdir -p "$out"
fail() { echo "variants.sh: $(basename "$in"): $*" >&2; exit 1; }
[ -f "$in" ] || fail "missing module $in: run scripts/fetch-corpus.sh"

# timed VARIANT CMD...: run CMD, and with WL_TIMES record its wall time and
# peak RSS (what the benchmark reports as instrumentation cost).
timed() {
  local v=$1; shift
  if [ -n "${WL_TIMES:-}" ]; then
    /usr/bin/time -f "$v %e %M" -a -o "$WL_TIMES" "$@"
  else
    "$@"
  fi
}

cp "$in" "$out/original.wasm"
# --all-features: these modules carry no target_features section, and
# Binaryen must accept whatever they use; -O2 adds no feature on its own.
timed o2 "$wasm_opt" --all-features -O2 "$in" -o "$out/o2.wasm" || fail "wasm-opt -O2 failed"
timed asyncify-o2 "$wasm_opt" --all-features --asyncify -O2 "$in" -o "$out/asyncify-o2.wasm" \
  || fail "wasm-opt --asyncify -O2 failed"
for s in $stages; do
  o=$out/forkinstr-$s.wasm
  timed "forkinstr-$s" "$FORKSIZE" instrument "$in" -o "$o" --root 'import:*' --indirect asyncify --stages "$s" \
    || fail "forksize instrument --stages $s failed"
  "$wasm_validate" --enable-all "$o" || fail "forkinstr-$s output does not validate (WABT)"
done
o=$out/forkinstr-hints.wasm
timed forkinstr-hints "$FORKSIZE" instrument "$in" -o "$o" --root 'import:*' --indirect asyncify \
  --stages live --branch-hints -q || fail "forksize instrument --branch-hints failed"
# WABT 1.0.32 reads an older draft of the hint section: validate without it
# (tests/instrument/hints.sh validates the section with WABT 1.0.39).
"$wasm_validate" "$o" || fail "forkinstr-hints output does not validate (WABT)"
# --hot: the module's line of hot.list (or all), and all
spec=$(awk -v m="$(basename "$in")" '$1 == m { $1 = ""; print }' "$(dirname "$0")/hot.list")
hot=()
for s in ${spec:-all}; do hot+=(--hot "$s"); done
for v in hot hotall; do
  o=$out/forkinstr-$v.wasm
  [ $v = hotall ] && hot=(--hot all)
  timed "forkinstr-$v" "$FORKSIZE" instrument "$in" -o "$o" --root 'import:*' --indirect asyncify \
    --stages live "${hot[@]}" -q || fail "forksize instrument ${hot[*]} failed"
  "$wasm_validate" --enable-all "$o" || fail "forkinstr-$v output does not validate (WABT)"
done
