#!/usr/bin/env bash
# Speed and memory of forksize beside the peer tools, on the corpus.
#
# Usage: scripts/bench.sh [-n RUNS] [MODULE...]   (default: every corpus module)
#   FORKSIZE   the binary to measure (default build/forksize)
#
# For each module, each command runs RUNS times (default 7) after one
# warm-up; the table gives the median wall time and the largest peak RSS
# (from /usr/bin/time).  Targets, from the analyzer issue:
#   forksize --stats --format json -o /dev/null  <= 1/20 of wasm-opcodecnt
#   peak RSS                                     <= 1.5 x file size + 16 MB
# The numbers are measurements on this machine, printed with its core
# count; they are not checked here (timed tests are flaky), only reported.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=7
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
forksize=${FORKSIZE:-build/forksize}
[ -x "$forksize" ] || { echo "bench: build first (scripts/build.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
corpus=$(scripts/fetch-corpus.sh --print-dir)
if [ $# -eq 0 ]; then
  set -- "$corpus"/php_8_3.wasm "$corpus"/ruby.wasm "$corpus"/lg2.wasm "$corpus"/sqlite3.wasm \
         "$corpus"/glue.wasm corpus/forksh.wasm
fi

# measure CMD...: prints "median_ms max_rss_kb" of RUNS runs.  Wall time
# comes from nanosecond timestamps (GNU time's %e has 10 ms steps); peak
# RSS from /usr/bin/time in separate runs, so it does not skew the clock.
measure() {
  local times=() rss=0 tf t0 t1 kb
  tf=$(mktemp)
  "$@" >/dev/null 2>&1 || true                      # warm the page cache
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")              # microseconds
    /usr/bin/time -o "$tf" -f '%M' "$@" >/dev/null 2>&1 || true
    kb=$(tail -1 "$tf")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  rm -f "$tf"
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" '
    { a[NR] = $1 } END { printf "%.1f %d\n", a[int((NR + 1) / 2)] / 1000, rss }'
}

echo "# forksize benchmark ($(nproc) cores, $(date -u +%Y-%m-%d), $runs runs, median wall ms)"
echo
echo "| module | MB | forksize stats json | forksize opcodes | wasm-opcodecnt | wasm-opt parse | ratio vs opcodecnt | RSS MB | RSS budget MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in "$@"; do
  [ -f "$m" ] || { echo "bench: missing $m (scripts/fetch-corpus.sh)" >&2; exit 1; }
  bytes=$(stat -c %s "$m")
  # the analyzer alone (the model); forkinstr's emitter is timed in the second table
  read -r fs_ms fs_kb < <(measure "$forksize" --stats --root 'import:*' --apply model --format json -o /dev/null "$m")
  read -r op_ms _ < <(measure "$forksize" opcodes -o /dev/null "$m")
  read -r cnt_ms _ < <(measure wasm-opcodecnt --enable-all "$m" -o /dev/null)
  # wasm-opt only parses and validates here (no passes, no output).
  read -r opt_ms _ < <(measure wasm-opt --all-features "$m")
  awk -v m="$(basename "$m")" -v b="$bytes" -v fs="$fs_ms" -v op="$op_ms" -v c="$cnt_ms" \
      -v o="$opt_ms" -v kb="$fs_kb" 'BEGIN {
    ratio = fs > 0 ? sprintf("1/%.1f", c / fs) : "-"
    printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.1f |\n", m, b / 1048576, fs,
           op, c, o, ratio, kb / 1024, (1.5 * b + 16 * 1048576) / 1048576 }'
done

# Instrumentation time: forksize instrument (forkinstr, all stages) beside
# Binaryen's Asyncify pass on the same closure (every import a root, the
# asyncify policy, which is Binaryen's own rule), without -O on either side.
# Where Binaryen cannot run (php: exception handling aborts it; ruby: already
# asyncified), its time is lg2's scaled by code-section size; target 1/10.
code_bytes() {   # mawk has no strtonum: bash does the hex
  local h
  h=$(wasm-objdump -h "$1" | sed -n 's/^ *Code .*(size=0x\([0-9a-f]*\)).*/\1/p')
  echo $((16#$h))
}
echo
echo "| module | code MB | forksize instrument ms | Binaryen --asyncify ms | ratio |"
echo "|---|---|---|---|---|"
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
lg2_ms= lg2_code=
irruns=$runs
ordered=()                      # lg2 first: the others may be scaled from it
for m in "$@"; do case $(basename "$m") in lg2.wasm) ordered=("$m" "${ordered[@]}") ;; *) ordered+=("$m") ;; esac; done
for m in "${ordered[@]}"; do
  code=$(code_bytes "$m")
  read -r fi_ms _ < <(measure "$forksize" instrument -q --root 'import:*' --indirect asyncify "$m" -o "$tmpd/fi.wasm")
  runs=3
  if BINARYEN_CORES=1 wasm-opt --all-features --asyncify "$m" -o "$tmpd/bn.wasm" >/dev/null 2>&1; then
    read -r bn_ms _ < <(measure env BINARYEN_CORES=1 wasm-opt --all-features --asyncify "$m" -o "$tmpd/bn.wasm")
    how=measured
    case $(basename "$m") in lg2.wasm) lg2_ms=$bn_ms lg2_code=$code ;; esac
  else
    bn_ms=; how="fails here"
  fi
  runs=$irruns
  if [ -z "$bn_ms" ] && [ -n "$lg2_ms" ]; then
    bn_ms=$(awk -v t="$lg2_ms" -v c="$code" -v l="$lg2_code" 'BEGIN{printf "%.1f", t * c / l}')
    how="lg2 scaled by code size"
  fi
  awk -v m="$(basename "$m")" -v c="$code" -v f="$fi_ms" -v b="${bn_ms:-0}" -v how="$how" 'BEGIN {
    bs = (b > 0) ? sprintf("%.1f", b) : "-"
    rs = (b > 0 && f > 0) ? sprintf("1/%.0f", b / f) : "-"
    printf "| %s | %.1f | %.1f | %s (%s) | %s |\n", m, c / 1048576, f, bs, how, rs }'
done
