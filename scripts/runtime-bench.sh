#!/usr/bin/env bash
# The run-time benchmark: what fork instrumentation costs a running program.
#
# Usage: scripts/runtime-bench.sh [--reps N] [--iters K] [--out DIR] [--workloads LIST]
#   --reps N        rounds; in each, every variant runs once, alternating (default 5)
#   --iters K       iterations of the workload inside one process (default 4):
#                   the first is reported apart from the steady state
#   --out DIR       where to write runtime.json, runtime.md and the variants
#                   (default: a new folder under ${TMPDIR:-/tmp})
#   --workloads L   comma-separated: lua, sqlite, forksh, c-PROG (a C program
#                   of tests/runtime/progs; c-hot is the one made for it)
#                   (default lua,sqlite,forksh,c-hot)
# Env: FORKSIZE (default build/forksize, built by scripts/build.sh if missing),
#      WASM_OPT (default wasm-opt), FORKSIZE_CORPUS_DIR, CLANG (clang-14).
#
# For each workload module (glue.wasm for lua, sqlite3.wasm for sqlite,
# corpus/forksh.wasm for forksh, the wasm32-wasi build of
# tests/runtime/progs/PROG.c by tests/runtime/build.sh for c-PROG) it
# builds the variants of tests/workloads/variants.sh (original, Binaryen -O2,
# Asyncify -O2, forkinstr naive/cse/live/trampoline and live with
# --branch-hints; roots import:*, --indirect asyncify),
# timing each instrumenting command and its peak RSS, builds the
# micro-workload tests/workloads/micro/depth.c the same ways, and runs
# tests/workloads/bench.mjs, which measures: normal-path time (first iteration
# and steady state, as ratios to the original), engine compile time, the share
# of profiled wasm time spent in closure functions (is the instrumented path
# really running?), the top 5 functions by self time, fork latency at call
# depths 10, 100 and 1000 with save-area bytes per frame, and the deepest
# recursion before V8's stack overflows.  forksh also gives its pipelines'
# time per fork, per pipeline and forks per second, on the variants that can
# fork (Asyncify -O2 and forkinstr; the original and -O2 alone cannot).
# Every figure is measured; nothing here is a test, and nothing asserts a
# timing.
#
# The last recorded run in test-runs/ (runtime.json) is compared with this one
# when there is one: the change in each steady-state median ratio is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
reps=5 iters=4 out= workloads=lua,sqlite,forksh,c-hot
while [ $# -gt 0 ]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --iters) iters=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "runtime-bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $reps$iters in *[!0-9]*|'') echo "runtime-bench.sh: --reps and --iters take whole numbers" >&2; exit 2 ;; esac
[ "$iters" -ge 2 ] || { echo "runtime-bench.sh: --iters must be at least 2 (first run + steady state)" >&2; exit 2; }

forksize=${FORKSIZE:-$root/build/forksize}
[ -x "$forksize" ] || scripts/build.sh >/dev/null
export FORKSIZE=$forksize
wasm_opt=${WASM_OPT:-wasm-opt}
corpus=$(scripts/fetch-corpus.sh --print-dir)
scripts/fetch-corpus.sh 2>/dev/null
scripts/npm-deps.sh
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/forksize-runtime.XXXXXX")
mkdir -p "$out"
wl_dir=$root/tests/workloads

times=$out/instrument-times.txt
: >"$times"
entries=
for w in ${workloads//,/ }; do
  extra=
  case $w in
    lua) mod=glue src=$corpus/glue.wasm ;;
    sqlite) mod=sqlite3 src=$corpus/sqlite3.wasm ;;
    forksh) mod=forksh src=$root/corpus/forksh.wasm ;;
    c-*)
      prog=${w#c-}
      [ -f "$root/tests/runtime/progs/$prog.c" ] || { echo "runtime-bench.sh: no tests/runtime/progs/$prog.c" >&2; exit 2; }
      CLANG=${CLANG:-clang-14} "$root/tests/runtime/build.sh" "$out/cprogs" "$prog" >&2
      mod=$w src=$out/cprogs/wasm/$prog.wasm
      extra=",\"script\":\"cprog.mjs\",\"args\":[\"$prog\"]" ;;
    *) echo "runtime-bench.sh: unknown workload $w (lua, sqlite, forksh, c-PROG)" >&2; exit 2 ;;
  esac
  echo "runtime-bench: building the variants of $mod.wasm" >&2
  : >"$out/$mod.times"
  WL_TIMES=$out/$mod.times WASM_OPT=$wasm_opt "$wl_dir/variants.sh" "$src" "$out/$mod" 2>/dev/null
  sed "s/^/$mod /" "$out/$mod.times" >>"$times"
  "$forksize" closure "$src" --root 'import:*' --indirect asyncify --format json -o "$out/$mod.closure.json"
  entries="$entries${entries:+,}{\"name\":\"$w\",\"module\":\"$mod.wasm\",\"dir\":\"$out/$mod\",\"closure\":\"$out/$mod.closure.json\"$extra}"
done

echo "runtime-bench: building the micro-workload" >&2
clang=${CLANG:-clang-14}
mkdir -p "$out/micro"
"$clang" --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/micro/original.wasm" "$wl_dir/micro/depth.c"
"$wasm_opt" --asyncify -O2 "$out/micro/original.wasm" -o "$out/micro/asyncify-o2.wasm"
for s in naive cse live trampoline; do
  "$forksize" instrument "$out/micro/original.wasm" -o "$out/micro/forkinstr-$s.wasm" --root 'import:*' --stages "$s" 2>/dev/null
done

instr=$(awk 'BEGIN { printf "[" } { printf "%s{\"module\":\"%s.wasm\",\"variant\":\"%s\",\"seconds\":%s,\"rss_kb\":%s}", (NR>1?",":""), $1, $2, $3, $4 } END { printf "]" }' "$times")
fs_version=$("$forksize" --version 2>/dev/null | head -n 1 || echo unknown)
cat >"$out/config.json" <<JSON
{ "reps": $reps, "iters": $iters,
  "variants": ["original","o2","asyncify-o2","forkinstr-naive","forkinstr-cse","forkinstr-live","forkinstr-trampoline","forkinstr-hints","forkinstr-hot","forkinstr-hotall"],
  "workloads": [$entries],
  "micro": { "dir": "$out/micro", "depths": [10, 100, 1000], "reps": 200,
             "variants": ["original","asyncify-o2","forkinstr-naive","forkinstr-cse","forkinstr-live","forkinstr-trampoline"] },
  "instrument": $instr,
  "meta": { "node": "$(node --version)", "v8": "$(node -p process.versions.v8)", "cores": $(nproc),
            "forksize": "$fs_version", "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo none)",
            "wasm_opt": "$("$wasm_opt" --version | head -n 1)", "roots": "import:*", "policy": "--indirect asyncify",
            "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)" } }
JSON
node "$wl_dir/bench.mjs" "$out/config.json" "$out"
cat "$out/runtime.md"

# The change against the last recorded run, if any (timings are too noisy
# for a gate: this is for the reader).
last=$(ls -d test-runs/*/runtime.json 2>/dev/null | sort | tail -n 1 || true)
if [ -n "$last" ]; then
  echo "## Change of the steady-state median ratio against $last"
  node -e '
    const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
    for (const w of b.workloads) { const o = a.workloads.find((x) => x.name === w.name); if (!o) continue;
      for (const [v, e] of Object.entries(w.variants)) { const p = o.variants[v]; if (!p) continue;
        const d = e.steady_ratio.median - p.steady_ratio.median;
        console.log(`- ${w.name} ${v}: ×${p.steady_ratio.median.toFixed(2)} -> ×${e.steady_ratio.median.toFixed(2)} (${d >= 0 ? "+" : ""}${d.toFixed(2)})`); } }' "$last" "$out/runtime.json"
fi
echo "runtime-bench: wrote $out/runtime.json and $out/runtime.md" >&2
