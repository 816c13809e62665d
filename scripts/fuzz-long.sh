#!/usr/bin/env bash
# fuzz-long.sh - the long fuzz run: each target until it has executed a
# number of inputs, one target at a time (the fuzzers take a core each).
#
#   scripts/fuzz-long.sh [INSTRUMENT_RUNS] [DECODE_RUNS] [DIFF_RUNS]
#
# Defaults: 1 000 000 for instrument, 10 000 000 for decode, 1 000 000 for
# diff (hours on one core).  Uses scripts/fuzz.sh (same build tree, seeds,
# limits and checks); a crash does not end the run: its reproducer stays in
# build-fuzz/work/crashes/TARGET/, is copied to build-fuzz/work/long-crashes/
# and the target is restarted from its corpus until its executions add up.
# Progress goes to stdout; run it as
#
#   nohup scripts/fuzz-long.sh > fuzz-long.log 2>&1 &
#
# and read the "fuzz-long:" lines.  Exits 1 when anything crashed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_BUILD_DIR:-$root/build-fuzz}/work
status=0
run_target() {   # run_target TARGET RUNS
    local t=$1 want=$2 done_=0 cov=? rounds=0 crashes=0
    while [ "$done_" -lt "$want" ] && [ "$rounds" -lt 50 ]; do
        rounds=$((rounds + 1))
        local left=$((want - done_))
        out=$(FUZZ_EXTRA="-runs=$left" "$root/scripts/fuzz.sh" 0 "$t" 2>&1)
        rc=$?
        echo "$out" | tail -n 15
        line=$(echo "$out" | grep "^fuzz_$t: " | tail -1)
        n=$(echo "$line" | sed -n 's/^fuzz_[a-z]*: \([0-9]*\) executions.*/\1/p')
        c=$(echo "$line" | sed -n 's/.*cov \([0-9]*\) edges.*/\1/p')
        [ -n "$c" ] && cov=$c
        done_=$((done_ + ${n:-0}))
        if [ "$rc" != 0 ]; then
            status=1
            crashes=$((crashes + 1))
            mkdir -p "$work/long-crashes/$t"
            cp "$work/crashes/$t"/* "$work/long-crashes/$t/" 2>/dev/null
            rm -f "$work/crashes/$t"/*
        fi
        echo "fuzz-long: $(date -u +%H:%M:%S) fuzz_$t: $done_ of $want executions, cov $cov edges, $crashes crashing rounds"
        [ -z "$n" ] && break      # the build or the seeds failed: do not spin
    done
}
run_target instrument "${1:-1000000}"
run_target decode "${2:-10000000}"
run_target diff "${3:-1000000}"
echo "fuzz-long: finished $(date -u +%H:%M:%S), status $status"
exit $status
