#!/usr/bin/env bash
# Speed and memory of forksize beside the peer tools, on the corpus.
#
# Usage: scripts/bench.sh [-n RUNS] [MODULE...]
#   default modules: every module of corpus/modules.list, then the bundled
#   corpus/forksh.wasm
#   FORKSIZE   the binary to measure (default build/forksize)
#   BENCH_ASYNCIFY=1  also time forksize instrument beside Binaryen's
#              --asyncify (slow: Binaryen runs for real)
#
# Each forksize command runs RUNS times (default 5) after one warm-up, the
# peers (slower) 3 times.  Tables give the median wall time in ms and, for
# forksize, the largest peak RSS (/usr/bin/time -f %M, in separate runs so
# it does not skew the clock).  Wall time depends on what else the machine runs: the
# header prints the core count and the load average, and only medians of
# runs taken side by side in one invocation should be compared.
#
# Goals (issue 9 section 3), reported, never checked (timed tests flake):
#   stats     forksize --stats --root 'import:*' --format json (the default
#             pricing: forkinstr's dry run)   <= 0.10 x wasm-opcodecnt
#   memory    peak RSS of that run            <= 1.5 x file size + 16 MB
#   scaling   stats ms per MB of code, flat within +-30% over the corpus
#   group-by  --group-by file < 2 x the same --stats (issue 12), within the
#             same memory budget
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
peer_runs=$(( runs < 3 ? runs : 3 ))
forksize=${FORKSIZE:-build/forksize}
[ -x "$forksize" ] || { echo "bench: build first (scripts/build.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
for t in wasm-opcodecnt wasm-validate wasm-opt wasm-objdump; do
  command -v "$t" >/dev/null || { echo "bench: needs $t (scripts/deps.sh test)" >&2; exit 1; }
done
corpus=$(scripts/fetch-corpus.sh --print-dir)
if [ $# -eq 0 ]; then
  while IFS='|' read -r name _; do
    case $name in ''|'#'*) continue ;; esac
    set -- "$@" "$corpus/$name"
  done < corpus/modules.list
  set -- "$@" corpus/forksh.wasm
fi
for m in "$@"; do
  [ -f "$m" ] || { echo "bench: missing $m (scripts/fetch-corpus.sh)" >&2; exit 1; }
done
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT

# measure N CMD...: prints "median_ms max_rss_kb" of N runs.  Wall time
# from nanosecond timestamps (GNU time's %e has 10 ms steps).  With
# NORSS=1 (the peers) no RSS runs and no warm-up (forksize's runs of the
# same module warmed the page cache), since wasm-opt takes seconds.
measure() {
  local n=$1; shift
  local times=() rss=0 t0 t1 kb
  [ "${NORSS:-0}" = 1 ] || "$@" >/dev/null 2>&1 || true   # warm the page cache
  for _ in $(seq "$n"); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")              # microseconds
    [ "${NORSS:-0}" = 1 ] && continue
    /usr/bin/time -o "$tmpd/rss" -f '%M' "$@" >/dev/null 2>&1 || true
    kb=$(tail -1 "$tmpd/rss")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" '
    { a[NR] = $1 } END { printf "%.1f %d\n", a[int((NR + 1) / 2)] / 1000, rss }'
}

code_bytes() {   # mawk has no strtonum: bash does the hex
  local h
  h=$(wasm-objdump -h "$1" | sed -n 's/^ *Code .*(size=0x\([0-9a-f]*\)).*/\1/p')
  echo $((16#${h:-0}))
}

echo "# forksize benchmark"
echo
echo "$(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Median wall ms of $runs runs (peers: $peer_runs); RSS is the largest peak of those runs."
echo "stats = \`--stats --root 'import:*' --format json -o /dev/null\` (default --apply simulate);"
echo "model = the same with \`--apply model\`; instrument = \`instrument --root 'import:*'\` to a file."
echo
echo "| module | MB | code MB | stats | model | instrument | wasm-opcodecnt | wasm-validate | wasm-opt --metrics | stats / opcodecnt | stats ms per code MB | RSS MB | RSS budget MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
: > "$tmpd/scaling"
for m in "$@"; do
  bytes=$(stat -c %s "$m")
  code=$(code_bytes "$m")
  read -r st_ms st_kb < <(measure "$runs" "$forksize" --stats --root 'import:*' --format json -o /dev/null "$m")
  read -r mo_ms _ < <(measure "$runs" "$forksize" --stats --root 'import:*' --apply model --format json -o /dev/null "$m")
  read -r in_ms _ < <(measure "$runs" "$forksize" instrument -q --root 'import:*' "$m" -o "$tmpd/out.wasm")
  read -r cnt_ms _ < <(NORSS=1 measure "$peer_runs" wasm-opcodecnt --enable-all "$m" -o "$tmpd/cnt.txt")
  read -r val_ms _ < <(NORSS=1 measure "$peer_runs" wasm-validate --enable-all "$m")
  read -r met_ms _ < <(NORSS=1 measure "$peer_runs" wasm-opt --all-features --metrics "$m")
  echo "$(basename "$m") $code $st_ms" >> "$tmpd/scaling"
  awk -v m="$(basename "$m")" -v b="$bytes" -v c="$code" -v st="$st_ms" -v mo="$mo_ms" \
      -v in_="$in_ms" -v cnt="$cnt_ms" -v val="$val_ms" -v met="$met_ms" -v kb="$st_kb" 'BEGIN {
    ratio = cnt > 0 ? sprintf("%.3f", st / cnt) : "-"
    permb = c > 0 ? sprintf("%.1f", st / (c / 1048576)) : "-"
    budget = (1.5 * b + 16 * 1048576) / 1048576
    printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %.1f%s | %.1f |\n",
           m, b / 1048576, c / 1048576, st, mo, in_, cnt, val, met, ratio, permb, kb / 1024,
           (kb / 1024 > budget ? " (over)" : ""), budget }'
done

# Time per MB of code of the stats run: flat means every module within
# +-30% of the median.  Modules under 1 MB of code are listed but left out
# of the verdict: a fixed start-up cost dominates their time.
echo
awk '{ if ($2 >= 1048576) { n++; v[n] = $3 / ($2 / 1048576) } }
  END {
    if (n == 0) { print "scaling: no module with 1 MB of code or more"; exit }
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    med = v[int((n + 1) / 2)]
    printf "scaling (modules with >= 1 MB of code): stats ms per code MB from %.1f to %.1f, median %.1f: %+.0f%% .. %+.0f%%\n",
           v[1], v[n], med, 100 * (v[1] / med - 1), 100 * (v[n] / med - 1) }' "$tmpd/scaling"

# forksize compare over the whole list at once (threads over modules).
read -r cmp_ms cmp_kb < <(measure "$runs" "$forksize" compare --root 'import:*' "$@" -o "$tmpd/cmp.txt")
echo
echo "compare over the $# modules: $cmp_ms ms median, peak RSS $(awk -v k="$cmp_kb" 'BEGIN{printf "%.1f", k/1024}') MB"

# --group-by (issue 12): grouping by source reads the DWARF, which the
# default run never touches.  Goals, reported: --group-by file < 2 x the
# same --stats without it, and its peak RSS within 1.5 x file size + 16 MB.
echo
echo "| module | DWARF | stats ms | --group-by file ms | ratio | --group-by prefix ms | group-by file RSS MB | RSS budget MB |"
echo "|---|---|---|---|---|---|---|---|"
for m in "$@"; do
  bytes=$(stat -c %s "$m")
  dwarf=no
  wasm-objdump -h "$m" >"$tmpd/h.txt"
  grep -q '"\.debug_info"' "$tmpd/h.txt" && dwarf=yes
  read -r st_ms _ < <(measure "$runs" "$forksize" --stats --root 'import:*' --format json -o /dev/null "$m")
  read -r gf_ms gf_kb < <(measure "$runs" "$forksize" --stats --root 'import:*' --group-by file --format json -o /dev/null "$m")
  read -r gp_ms _ < <(measure "$runs" "$forksize" --stats --root 'import:*' --group-by prefix --format json -o /dev/null "$m")
  awk -v m="$(basename "$m")" -v d="$dwarf" -v b="$bytes" -v st="$st_ms" -v gf="$gf_ms" -v gp="$gp_ms" \
      -v kb="$gf_kb" 'BEGIN {
    budget = (1.5 * b + 16 * 1048576) / 1048576
    ratio = (st > 0) ? gf / st : 0
    over = (ratio >= 2) ? " (over)" : ""
    mem = kb / 1024
    mover = (mem > budget) ? " (over)" : ""
    printf "| %s | %s | %.1f | %.1f | %.2f%s | %.1f | %.1f%s | %.1f |\n", m, d, st, gf,
           ratio, over, gp, mem, mover, budget }'
done
if [ "${BENCH_ASYNCIFY:-0}" = 1 ]; then
echo
# Instrumentation time: forksize instrument (forkinstr, all stages) beside
# Binaryen's Asyncify pass on the same closure (every import a root, the
# asyncify policy, which is Binaryen's own rule), without -O on either side.
# Where Binaryen cannot run (php: exception handling aborts it; ruby: already
# asyncified), its time is lg2's scaled by code-section size; target 1/10.
echo
echo "| module | code MB | forksize instrument ms | Binaryen --asyncify ms | ratio |"
echo "|---|---|---|---|---|"
lg2_ms= lg2_code=
irruns=$runs
ordered=()                      # lg2 first: the others may be scaled from it
for m in "$@"; do case $(basename "$m") in lg2.wasm) ordered=("$m" "${ordered[@]}") ;; *) ordered+=("$m") ;; esac; done
for m in "${ordered[@]}"; do
  code=$(code_bytes "$m")
  read -r fi_ms _ < <(measure "$runs" "$forksize" instrument -q --root 'import:*' --indirect asyncify "$m" -o "$tmpd/fi.wasm")
  runs=3
  if BINARYEN_CORES=1 wasm-opt --all-features --asyncify "$m" -o "$tmpd/bn.wasm" >/dev/null 2>&1; then
    read -r bn_ms _ < <(measure "$runs" env BINARYEN_CORES=1 wasm-opt --all-features --asyncify "$m" -o "$tmpd/bn.wasm")
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
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
