#!/usr/bin/env bash
# fuzz.sh - build forksize's libFuzzer targets and run each for a while.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]
#
# SECONDS per target (default 60; 0 = no time limit, for FUZZ_EXTRA=-runs=N
# as scripts/fuzz-long.sh uses it); TARGET is decode, instrument, diff or
# demangle (default: all four, one after the other: one fuzzer at a time).
#
# Builds in its own tree (build-fuzz/, clang-14, every library compiled
# with -fsanitize=fuzzer-no-link,address,undefined).  Seeds are made
# fresh each run from the test fixtures (.wat assembled by wat2wasm), the
# bundled corpus/forksh.wasm, and, for diff, forksize's own JSON reports of
# them; nothing binary is committed.  What libFuzzer finds is kept in
# build-fuzz/work/corpus/TARGET across runs.
#
# Prints each target's executions and coverage ("cov:" edges) and exits 1
# when any target crashed, leaked, timed out or went over the memory
# limits; the reproducer is left in build-fuzz/work/crashes/TARGET/ (replay
# it with build-fuzz/tests/fuzz/fuzz_TARGET FILE).  The instrument target
# saves a sample of forkinstr's outputs, which are checked with
# `wasm-validate --enable-all` after the run: an output WABT rejects when
# it accepts the input is a failure too.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_EXTRA (more
# libFuzzer flags, e.g. -runs=1000000), FUZZ_SAVE_EVERY (instrument: one
# output in N is validated, default 64), FUZZ_MAX_LEN (longest input:
# default 8192 bytes for modules, which truncates the 20 KB forksh.wasm
# seed but keeps the fuzzers several times faster, 16384 for reports).
set -euo pipefail

secs=${1:-60}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
work=$build/work
targets=(decode instrument diff demangle)
if [[ -n $only ]]; then
    case $only in decode|instrument|diff|demangle) targets=("$only") ;;
    *) echo "fuzz.sh: unknown target '$only' (decode, instrument, diff or demangle)" >&2; exit 2 ;;
    esac
fi
[[ $secs =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number" >&2; exit 2; }

for tool in clang-14 wat2wasm wasm-validate; do
    command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/deps.sh)" >&2; exit 2; }
done

# -O1 keeps the sanitizers' reports readable and the fuzzer fast enough;
# -g for the stack traces.
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=Debug \
    -DFORKSIZE_FUZZ=ON -DCMAKE_C_FLAGS="$san -O1 -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j2 --target forksize "${targets[@]/#/fuzz_}" >/dev/null

# ---- seeds, made fresh every run ---------------------------------------
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds/wasm" "$seeds/json" "$seeds/names"
# demangle: one mangled name a file, from tests/demangle's lists
k=0
while IFS= read -r name; do
    [[ -z $name || $name == \#* ]] && continue
    k=$((k + 1))
    printf '%s' "$name" >"$seeds/names/n$k"
done < <(cat "$root"/tests/demangle/names.list "$root"/tests/demangle/legacy.list \
             "$root"/tests/demangle/refused.list)
cp "$root/corpus/forksh.wasm" "$seeds/wasm/"
n=0
while IFS= read -r wat; do
    out=$seeds/wasm/$(basename "$(dirname "$wat")")-$(basename "$wat" .wat).wasm
    # Most fixtures use a proposal or two; one that needs more than
    # these flags (or is malformed on purpose) is simply not a seed.
    if wat2wasm --enable-all --debug-names "$wat" -o "$out" 2>/dev/null ||
       wat2wasm --enable-exceptions --enable-tail-call --enable-threads --enable-memory64 \
           --enable-multi-memory --debug-names "$wat" -o "$out" 2>/dev/null; then
        n=$((n + 1))
    fi
done < <(find "$root/tests" -name '*.wat' | sort)
# A branch hint section (tests/instrument/fixtures/hinted.wat): WABT 1.0.32
# does not read its annotations, Binaryen 132 (the project's npm
# wasm-opt, when installed) does.
if [ -x "$root/node_modules/.bin/wasm-opt" ] &&
   "$root/node_modules/.bin/wasm-opt" --all-features "$root/tests/instrument/fixtures/hinted.wat" \
       -o "$seeds/wasm/hinted.wasm" 2>/dev/null; then
    n=$((n + 1))
fi
# DWARF 4 and 5 (tests/instrument/debug/dbg.c, compiled and linked apart so
# that no wasm-opt touches it): forksize instrument's debug-section rewrite.
for g in -g -gdwarf-5; do
    if clang-14 --target=wasm32-wasi -O1 "$g" -c "$root/tests/instrument/debug/dbg.c" \
           -o "$seeds/dbg.o" 2>/dev/null &&
       clang-14 --target=wasm32-wasi -nostdlib -Wl,--no-entry -Wl,--export=work \
           -o "$seeds/wasm/dwarf$g.wasm" "$seeds/dbg.o" 2>/dev/null; then
        n=$((n + 1))
    fi
    rm -f "$seeds/dbg.o"
done
for w in "$seeds"/wasm/*.wasm; do
    b=$(basename "$w" .wasm)
    "$build/forksize" --stats --allow-empty --format json --root 'import:*' \
        -o "$seeds/json/$b.json" "$w" 2>/dev/null || true
    "$build/forksize" --stats --allow-empty --format json --apply model \
        -o "$seeds/json/$b.model.json" "$w" 2>/dev/null || true
done
echo "fuzz.sh: $((n + 1)) module seeds, $(ls "$seeds/json" | wc -l) report seeds"

# ---- dictionary: the hand-written part plus every opcode ---------------
dict=$work/wasm.dict
{
    cat "$root/tests/fuzz/wasm.dict"
    # FS_OP(ID, PREFIX, CODE, "mnemonic", ...): prefix byte, then the code
    # as a u32 LEB (one byte for the plain opcodes).
    grep '^FS_OP(' "$root/analyzer/opcodes.def" | tr -d ' ' | awk -F'[(,]' '
        function num(h,   v, i) {     # "0xFB" or "12" (mawk has no strtonum)
            if (h !~ /^0[xX]/) return h + 0
            v = 0
            for (i = 3; i <= length(h); i++)
                v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
            return v }
        { id = $2; pre = num($3); code = num($4); s = ""
          if (pre) s = sprintf("\\x%02x", pre)
          do { b = code % 128; code = int(code / 128); if (code) b += 128
               s = s sprintf("\\x%02x", b) } while (code)
          printf "op_%s=\"%s\"\n", tolower(id), s }'
} > "$dict"

# ---- run ----------------------------------------------------------------
status=0
summary=()
for t in "${targets[@]}"; do
    corpus=$work/corpus/$t
    crashes=$work/crashes/$t
    saved=$work/saved/$t
    mkdir -p "$corpus" "$crashes"
    rm -rf "$saved"
    case $t in
        diff) seed=$seeds/json; d=$root/tests/fuzz/json.dict; maxlen=${FUZZ_MAX_LEN:-16384} ;;
        demangle) seed=$seeds/names; d=$root/tests/fuzz/mangle.dict; maxlen=${FUZZ_MAX_LEN:-2048} ;;
        *)    seed=$seeds/wasm; d=$dict; maxlen=${FUZZ_MAX_LEN:-8192} ;;
    esac
    env=()
    if [[ $t == instrument ]]; then
        mkdir -p "$saved"
        env=(FUZZ_SAVE_DIR="$saved")
    fi
    log=$work/$t.log
    echo "fuzz.sh: fuzz_$t for ${secs}s ${FUZZ_EXTRA:-} (log $log)"
    # rss/malloc limits tie memory to the input: 32 KiB inputs may not
    # make the decoder ask for 256 MiB at once or hold 1 GiB.
    limit=()
    [[ $secs != 0 ]] && limit=(-max_total_time="$secs")
    rc=0
    env "${env[@]}" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$build/tests/fuzz/fuzz_$t" "${limit[@]}" -timeout=10 -rss_limit_mb=1024 \
        -malloc_limit_mb=256 -max_len="$maxlen" -dict="$d" -print_final_stats=1 \
        -artifact_prefix="$crashes/" ${FUZZ_EXTRA:-} "$corpus" "$seed" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    line="fuzz_$t: ${execs:-?} executions, cov ${cov:-?} edges"
    if [[ $rc != 0 ]]; then
        status=1
        line="$line, FAILED (exit $rc): reproducer in $crashes/"
        grep -m5 -E 'ERROR|SUMMARY|fuzz_(decode|instrument|diff|demangle):|==[0-9]+==' "$log" >&2 || true
    fi
    if [[ $t == instrument ]]; then
        # WABT's validator, outside the hot loop, on the sampled outputs.
        nv=0 nbad=0
        for src in "$saved"/*.in.wasm; do
            [[ -e $src ]] || break
            out=${src%.in.wasm}.out.wasm
            wasm-validate --enable-all "$src" >/dev/null 2>&1 || continue
            nv=$((nv + 1))
            if ! wasm-validate --enable-all "$out" >"$out.txt" 2>&1; then
                nbad=$((nbad + 1))
                cp "$src" "$out" "$out.txt" "$crashes/"
            fi
        done
        line="$line; wasm-validate: $nv sampled outputs of valid inputs, $nbad rejected"
        if [[ $nbad != 0 ]]; then
            status=1
            line="$line (pairs in $crashes/)"
        fi
    fi
    summary+=("$line")
done
printf '%s\n' "${summary[@]}"
exit $status
