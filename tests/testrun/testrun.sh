#!/usr/bin/env bash
# testrun.sh MODE - the tests of scripts/test-run.sh (tests/testrun/CMakeLists.txt).
# Env: FORKSIZE, WASM_OBJDUMP, WASM_OPT, JFLAT (tests/lib/jflat.c, run with --mask), TESTRUN_SCRIPT,
# TESTRUN_DIR (this binary folder: fixtures/ holds chain.wasm and
# indirect.wasm; runs go to runs/), FORKSIZE_BUNDLED (corpus/forksh.wasm).
#
# Masked as wall-clock times (jflat --mask and the script's --mask): members
# named timing (whole), *_ms, seconds* and wall_seconds.  Nothing else.
set -u
mode=$1
runs=$TESTRUN_DIR/runs
fx=$TESTRUN_DIR/fixtures
work=$(mktemp -d "$TESTRUN_DIR/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/lib.sh"
t_init "testrun.$mode"
finish() { t_done; }

# jget FILE PATH: the value of one leaf, as jflat --mask prints it.
jget() { "$JFLAT" --mask "$1" | awk -v p="$2=" 'index($0, p) == 1 { print substr($0, length(p) + 1) }'; }
# The code section payload by wasm-objdump -h, in decimal.
code_size() {
  local hex
  hex=$("$WASM_OBJDUMP" -h "$1" | sed -n 's/^ *Code .*(size=0x\([0-9a-fA-F]*\)).*/\1/p')
  [ -n "$hex" ] && echo $((16#$hex))
}

# The one set of options of the runs: three small modules, Binaryen's
# Asyncify on two of them (chain and forksh: about a second).
RUNARGS=(--module "$fx/chain.wasm" --module "$fx/indirect.wasm" --module "$FORKSIZE_BUNDLED"
         --asyncify chain,forksh --forksize "$FORKSIZE" --force)
MODS=(chain indirect forksh)

case $mode in
runs)
  rm -rf "$runs" && mkdir -p "$runs"
  for r in r1 r2; do
    t0=$(date +%s)
    if "$TESTRUN_SCRIPT" small "${RUNARGS[@]}" --out "$runs/$r" 2>"$work/err"; then
      ok "run $r in $(( $(date +%s) - t0 )) s"
    else
      fail "scripts/test-run.sh small ... --out $runs/$r"; cat "$work/err"
    fi
  done
  [ ! -e "$runs/r1.partial" ] || fail "a .partial folder was left behind"
  ;;

repro)
  # Two runs: the same set of files, every JSON equal once the timings are
  # masked, every Markdown and SVG byte for byte.
  (cd "$runs/r1" && find . -type f ! -name log.txt ! -name manifest.txt | LC_ALL=C sort) >"$work/f1"
  (cd "$runs/r2" && find . -type f ! -name log.txt ! -name manifest.txt | LC_ALL=C sort) >"$work/f2"
  cmp -s "$work/f1" "$work/f2" && ok "both runs wrote the same $(wc -l <"$work/f1") files" ||
    { fail "the runs wrote different files"; diff "$work/f1" "$work/f2"; }
  njson=0
  while read -r f; do
    case $f in
      *.json)
        njson=$((njson + 1))
        "$JFLAT" --mask "$runs/r1/$f" >"$work/a" || fail "$f: jflat --mask failed"
        "$JFLAT" --mask "$runs/r2/$f" >"$work/b"
        [ -s "$work/a" ] || fail "$f: empty after masking"
        cmp -s "$work/a" "$work/b" || { fail "$f differs between the runs (timings masked)"; diff "$work/a" "$work/b" | head; }
        # The script's own mask (line-based) must agree.
        cmp -s <("$TESTRUN_SCRIPT" --mask "$runs/r1/$f") <("$TESTRUN_SCRIPT" --mask "$runs/r2/$f") ||
          fail "$f: the script's --mask sees a difference that jflat --mask does not"
        ;;
      *.md | *.svg | *.stderr)
        cmp -s "$runs/r1/$f" "$runs/r2/$f" || fail "$f is not byte-identical between the runs" ;;
      ./commands.sh)   # the same commands; only the date in its header may differ
        cmp -s <(grep -v "^# commands.sh - " "$runs/r1/$f") <(grep -v "^# commands.sh - " "$runs/r2/$f") ||
          fail "commands.sh differs between the runs" ;;
    esac
  done <"$work/f1"
  [ "$njson" = $((3 + 3 * 3 + 2)) ] && ok "$njson JSON documents equal apart from timings" || fail "only $njson JSON documents"
  # Timing is really there and really masked: stats (timing, seconds),
  # asyncify (seconds_baseline/asyncify), compare (timing), culprits (timing).
  "$JFLAT" --masked "$runs/r1/chain/asyncify.json" >"$work/m"
  for p in timing instrumentation.binaryen.seconds_baseline instrumentation.binaryen.seconds_asyncify; do
    grep -qx "$p" "$work/m" || fail "chain/asyncify.json: $p was not masked"
  done
  grep -qx 'timing' <("$JFLAT" --masked "$runs/r1/chain/stats.json") || fail "chain/stats.json: timing was not masked"
  # No member with a masked name survives anywhere, whatever its place.
  while read -r f; do
    case $f in *.json) ;; *) continue ;; esac
    if "$JFLAT" --mask "$runs/r1/$f" | grep -E '(^|[.])(timing|wall_seconds|seconds[A-Za-z0-9_]*|[A-Za-z0-9_]*_ms)(=|[.[])'; then
      fail "$f: a time survived the mask"
    fi
  done <"$work/f1"
  grep -qx 'modules\[0\].timing' <("$JFLAT" --masked "$runs/r1/compare-forkinstr.json") ||
    fail "compare-forkinstr.json: modules[0].timing was not masked"
  # Negative controls: a changed byte figure is seen by both masks, a
  # changed time by neither.
  cp "$runs/r1/chain/stats.json" "$work/t.json"
  sed 's/"code_bytes_after":\([^0-9]*\)\([0-9]\)/"code_bytes_after":\11\2/' "$work/t.json" >"$work/num.json"
  sed 's/"analyze_ms":\([^0-9]*\)[0-9.e+-]*/"analyze_ms":\199999/' "$work/t.json" >"$work/time.json"
  cmp -s "$work/t.json" "$work/num.json" && fail "negative control: sed changed nothing"
  cmp -s "$work/t.json" "$work/time.json" && fail "negative control: sed changed no time"
  cmp -s <("$JFLAT" --mask "$work/t.json") <("$JFLAT" --mask "$work/num.json") && fail "jflat --mask misses a changed code_bytes_after"
  cmp -s <("$TESTRUN_SCRIPT" --mask "$work/t.json") <("$TESTRUN_SCRIPT" --mask "$work/num.json") &&
    fail "--mask misses a changed code_bytes_after"
  cmp -s <("$JFLAT" --mask "$work/t.json") <("$JFLAT" --mask "$work/time.json") || fail "jflat --mask sees a changed analyze_ms"
  cmp -s <("$TESTRUN_SCRIPT" --mask "$work/t.json") <("$TESTRUN_SCRIPT" --mask "$work/time.json") ||
    fail "--mask sees a changed analyze_ms"
  [ "$T_FAILS" = 0 ] && ok "masks: a changed byte count is a difference, a changed time is not"
  ;;

content)
  # The outputs hold what the inputs imply: sizes from wasm-objdump,
  # sha256 from sha256sum, closures from the fixtures' construction.
  r=$runs/r1
  i=0
  for m in "${MODS[@]}"; do
    src=$fx/$m.wasm; [ "$m" = forksh ] && src=$FORKSIZE_BUNDLED
    [ "$(jget "$r/compare-forkinstr.json" "modules[$i].path")" = "$m.wasm" ] ||
      fail "compare-forkinstr.json: module $i is not $m.wasm (paths must not depend on the machine)"
    cs=$(code_size "$src")
    for d in compare-forkinstr compare-model; do
      [ "$(jget "$r/$d.json" "modules[$i].code_bytes_before.value")" = "$cs" ] ||
        fail "$d.json: $m code_bytes_before is not wasm-objdump's $cs"
    done
    sha=$(sha256sum "$src" | cut -d' ' -f1)
    for d in stats whatif culprits; do
      [ "$(jget "$r/$m/$d.json" module.sha256)" = "$sha" ] || fail "$m/$d.json: sha256 is not $sha"
    done
    [ "$(jget "$r/$m/stats.json" instrumentation.mode)" = forkinstr ] || fail "$m/stats.json: not --apply forkinstr"
    [ "$(jget "$r/$m/stats.json" module.code_section_bytes)" = "$cs" ] || fail "$m/stats.json: code section"
    i=$((i + 1))
  done
  [ "$(jget "$r/compare-forkinstr.json" 'modules[3].path')" = "" ] || fail "compare lists more than the 3 modules given"
  # Closures by construction (chain.wat, indirect.wat).
  [ "$(jget "$r/compare-forkinstr.json" 'modules[0].closure_functions.value')" = 2 ] || fail "chain: closure is not 2"
  [ "$(jget "$r/compare-forkinstr.json" 'modules[1].closure_functions.value')" = 3 ] || fail "indirect: closure is not 3"
  [ "$(jget "$r/compare-model.json" 'modules[1].closure_functions.value')" = 3 ] || fail "indirect (model): closure is not 3"
  # Default roots (import:*fork, ...): chain imports env.fork, indirect has no fork root.
  [ "$(jget "$r/compare-default-roots.json" 'modules[0].closure_functions.value')" = 2 ] || fail "default roots: chain's closure is not 2"
  [ "$(jget "$r/compare-default-roots.json" 'modules[1].status')" = no_root ] || fail "default roots: indirect has a root"
  steps=$("$JFLAT" --mask "$r/indirect/whatif.json" | sed -n 's/^steps\[[0-9]*\]\.closure=//p' | tr '\n' ' ')
  [ "$steps" = "4 4 4 4 3 3 " ] && ok "indirect what-if closures: $steps" || fail "indirect what-if closures are '$steps', want 4 4 4 4 3 3"
  [ "$(jget "$r/indirect/whatif.json" 'steps[0].indirect')" = asyncify ] || fail "the what-if does not start from asyncify"
  # The last step is stage trampoline, emitted under the last policy and measured.
  [ "$(jget "$r/indirect/whatif.json" 'steps[5].stage')/$(jget "$r/indirect/whatif.json" 'steps[5].indirect')/$(jget "$r/indirect/whatif.json" 'steps[5].label')" = trampoline/typed/measured ] ||
    fail "the what-if's last step is not stage trampoline, under typed, measured"
  # Asyncify A/B where asked, and nowhere else.
  for m in chain forksh; do
    [ "$(jget "$r/$m/asyncify.json" instrumentation.mode)" = asyncify ] || fail "$m/asyncify.json is not an Asyncify A/B"
    [ "$(jget "$r/$m/asyncify.json" instrumentation.binaryen.opt_level)" = 2 ] || fail "$m/asyncify.json: not -O2"
  done
  [ ! -e "$r/indirect/asyncify.json" ] || fail "indirect was not in --asyncify, yet has an asyncify.json"
  # stats.md: the summary, then the closure functions by total, cut to --top.
  for m in "${MODS[@]}"; do
    closure=$(jget "$r/$m/stats.json" closure.functions)
    want=$(( closure < 25 ? closure : 25 ))
    awk -F'|' '/^\| index \|/ { for (i = 1; i <= NF; i++) if ($i == " total ") t = i; tab = 1; next }
               tab && /^\| [0-9]/ { print $t + 0, $5 }' "$r/$m/stats.md" >"$work/rows"
    [ "$(wc -l <"$work/rows")" = "$want" ] || fail "$m/stats.md: $(wc -l <"$work/rows") rows, want $want"
    sort -s -k1,1nr "$work/rows" | cmp -s - "$work/rows" || fail "$m/stats.md: rows are not by total, largest first"
    grep -qv ' true $' "$work/rows" && fail "$m/stats.md: a row outside the closure"
    grep -q '^| code section before |' "$r/$m/stats.md" || fail "$m/stats.md: the summary table is missing"
  done
  grep -q '^<svg' "$r/compare-forkinstr.svg" && grep -q '</svg>' "$r/compare-forkinstr.svg" ||
    fail "compare-forkinstr.svg is not an SVG document"
  [ "$T_FAILS" = 0 ] && ok "outputs agree with wasm-objdump, sha256sum and the fixtures"
  ;;

manifest)
  mf=$runs/r1/manifest.txt
  val() { awk -v k="$1" '$1 == k { sub(/^[^ ]* /, ""); print; exit }' "$mf"; }
  [ "$(val forksize_version)" = "$("$FORKSIZE" --version | head -n 1)" ] || fail "forksize_version"
  [ "$(val forksize_binary_sha256)" = "$(sha256sum "$FORKSIZE" | cut -d' ' -f1)" ] || fail "forksize_binary_sha256"
  [ "$(val binaryen)" = "$("$WASM_OPT" --version | head -n 1)" ] || fail "binaryen: '$(val binaryen)'"
  [ "$(val wabt)" = "$("$WASM_OBJDUMP" --version | head -n 1)" ] || fail "wabt: '$(val wabt)'"
  if command -v node >/dev/null; then
    [ "$(val node)" = "$(node --version)" ] || fail "node: '$(val node)'"
  fi
  repo=$(cd "$(dirname "$TESTRUN_SCRIPT")/.." && pwd)
  if head=$(git -C "$repo" rev-parse HEAD 2>/dev/null); then
    [ "$(val forksize_commit)" = "$head" ] || fail "forksize_commit is not git's HEAD $head"
  else
    [ "$(val forksize_commit)" = unknown ] || fail "forksize_commit without git"
  fi
  for m in "${MODS[@]}"; do
    src=$fx/$m.wasm; [ "$m" = forksh ] && src=$FORKSIZE_BUNDLED
    line=$(awk -v m="$m" '$1 == "module" && $2 == m' "$mf")
    [ "$(echo "$line" | awk '{ print $5 }')" = "$(sha256sum "$src" | cut -d' ' -f1)" ] || fail "module $m: sha256"
    [ "$(echo "$line" | awk '{ print $7 }')" = "$(stat -c %s "$src")" ] || fail "module $m: bytes"
  done
  grep -qx 'module forksh repo:corpus/forksh.wasm .*' "$mf" || fail "forksh's source is not repo:corpus/forksh.wasm"
  # a build tree inside the repository (as scripts/test.sh makes) gives
  # the fixtures a repo: source, one outside it a path: source
  want="path:$fx/chain.wasm"
  rfx=$(cd "$fx" && pwd)
  case $rfx in "$repo"/*) want="repo:${rfx#"$repo"/}/chain.wasm" ;; esac
  grep -qx "module chain $want .*" "$mf" || fail "chain's source is not $want"
  for o in 'root import:*' 'indirect typed' 'whatif_indirect asyncify' 'opt_level 2' 'asyncify chain,forksh' 'top 25'; do
    grep -qxF "option $o" "$mf" || fail "manifest lacks 'option $o'"
  done
  # commands.sh holds every command that ran: one log line each.
  nc=$(grep -c '^run \|^may_refuse ' "$runs/r1/commands.sh")
  nl=$(grep -c '^\[ *[0-9.]* s\] forksize ' "$runs/r1/log.txt")
  [ "$nc" = "$nl" ] && [ "$nc" = $((7 + 3 * 7 + 2)) ] && ok "commands.sh: $nc commands, all logged" ||
    fail "commands.sh has $nc commands, log.txt $nl lines, want $((7 + 3 * 7 + 2))"
  [ "$T_FAILS" = 0 ] && ok "manifest agrees with sha256sum, the tools and git"
  ;;

rerun)
  # commands.sh re-run as it stands, and --from the manifest.
  rm -rf "$runs/r3" "$runs/r4" "$runs/t" "$runs/t2"
  FORKSIZE=$FORKSIZE bash "$runs/r1/commands.sh" "$runs/r3" 2>"$work/err" || { fail "commands.sh failed"; cat "$work/err"; }
  n=0
  while read -r f; do
    n=$((n + 1))
    cmp -s <("$JFLAT" --mask "$runs/r1/$f") <("$JFLAT" --mask "$runs/r3/$f") || fail "commands.sh: $f differs"
  done < <(cd "$runs/r1" && find . -name '*.json')
  ok "commands.sh reproduced $n JSON documents"
  if FORKSIZE=$FORKSIZE "$TESTRUN_SCRIPT" --from "$runs/r1/manifest.txt" --out "$runs/r4" 2>"$work/err"; then
    grep -q 'reproduced: ' "$work/err" && ok "--from: $(grep 'reproduced' "$work/err")" || fail "--from said nothing"
  else
    fail "--from did not reproduce"; cat "$work/err"
  fi
  # --from must fail when the recorded numbers differ...
  cp -r "$runs/r1" "$runs/t"
  sed -i 's/"code_bytes_after":\([^0-9]*\)\([0-9]\)/"code_bytes_after":\11\2/' "$runs/t/indirect/stats.json"
  FORKSIZE=$FORKSIZE "$TESTRUN_SCRIPT" --from "$runs/t/manifest.txt" --out "$runs/t2" >/dev/null 2>"$work/err"
  st=$?
  [ "$st" = 1 ] && grep -q 'indirect/stats.json differs' "$work/err" && ok "--from finds a changed number (exit 1)" ||
    { fail "--from on a changed run: exit $st"; cat "$work/err"; }
  # ...and refuse an input whose sha256 is not the recorded one.
  sed -i 's/^\(module chain .* sha256 \)[0-9a-f]/\1x/' "$runs/t/manifest.txt"
  FORKSIZE=$FORKSIZE "$TESTRUN_SCRIPT" --from "$runs/t/manifest.txt" --out "$runs/t2" >/dev/null 2>"$work/err"
  st=$?
  [ "$st" = 2 ] && grep -q 'module chain: .* has sha256' "$work/err" && ok "--from refuses a changed input (exit 2)" ||
    { fail "--from with a wrong sha256: exit $st"; cat "$work/err"; }
  rm -rf "$runs/t" "$runs/t2"
  ;;

usage)
  expect() {   # STATUS TEXT ARGS...
    local want=$1 text=$2; shift 2
    "$TESTRUN_SCRIPT" "$@" >/dev/null 2>"$work/err"
    local st=$?
    [ "$st" = "$want" ] && grep -qF -- "$text" "$work/err" && ok "test-run.sh $* -> $st" ||
      { fail "test-run.sh $*: exit $st, want $want with '$text'"; cat "$work/err"; }
  }
  expect 2 'usage:'
  expect 2 'unknown option --bogus' x --bogus
  expect 2 'exists (--force replaces it)' small --module "$fx/chain.wasm" --out "$runs/r1" --forksize "$FORKSIZE"
  expect 2 'two modules are named chain' x --module "$fx/chain.wasm" --module "$fx/chain.wasm" --out "$work/o"
  expect 2 'no such module' x --module "$work/none.wasm" --out "$work/o"
  expect 2 '--top, -j and -O take a number' x --top many
  expect 2 'no forksize binary' x --module "$fx/chain.wasm" --out "$work/o" --forksize "$work/none"
  expect 2 '--out may not be the recorded run' --from "$runs/r1/manifest.txt" --out "$runs/r1"
  [ -d "$runs/r1/chain" ] || fail "a refused --out removed the recorded run"
  [ ! -e "$work/o" ] || fail "a refused run left $work/o"
  ;;
runtime)
  # --runtime records scripts/runtime-bench.sh: the smallest real run (forksh
  # only, one round of two iterations: the plumbing, not the figures).
  # Not under runs/: testrun.runs empties that folder, and may run meanwhile.
  rt=$TESTRUN_DIR/rt
  rm -rf "$rt" "$rt.partial"
  t0=$(date +%s)
  if WASM_OPT=$WASM_OPT "$TESTRUN_SCRIPT" rt --runtime --reps 1 --iters 2 --workloads forksh \
       --forksize "$FORKSIZE" --out "$rt" 2>"$work/err"; then
    ok "runtime run in $(( $(date +%s) - t0 )) s"
  else
    fail "scripts/test-run.sh rt --runtime ..."; cat "$work/err"; tail -n 20 "$rt.partial/log.txt" 2>/dev/null
    finish; exit 1
  fi
  [ ! -e "$rt.partial" ] || fail "a .partial folder was left behind"
  (cd "$rt" && ls | LC_ALL=C sort | tr '\n' ' ') >"$work/files"
  [ "$(cat "$work/files")" = "README.md commands.sh log.txt manifest.txt runtime.json runtime.md " ] ||
    fail "the run holds: $(cat "$work/files")"
  mf=$rt/manifest.txt
  val() { awk -v k="$1" '$1 == k { sub(/^[^ ]* /, ""); print; exit }' "$mf"; }
  [ "$(val kind)" = runtime ] || fail "manifest: kind is not runtime"
  [ "$(val node)" = "$(node --version)" ] || fail "manifest node: '$(val node)'"
  [ "$(val v8)" = "$(node -p process.versions.v8)" ] || fail "manifest v8: '$(val v8)'"
  [ "$(val binaryen)" = "$("$WASM_OPT" --version | head -n 1)" ] || fail "manifest binaryen: '$(val binaryen)'"
  [ "$(val host)" = "$(uname -sm), $(nproc) cores" ] || fail "manifest host: '$(val host)'"
  [ "$(val forksize_binary_sha256)" = "$(sha256sum "$FORKSIZE" | cut -d' ' -f1)" ] || fail "manifest forksize_binary_sha256"
  repo=$(cd "$(dirname "$TESTRUN_SCRIPT")/.." && pwd)
  if head=$(git -C "$repo" rev-parse HEAD 2>/dev/null); then
    [ "$(val forksize_commit)" = "$head" ] || fail "manifest forksize_commit is not git's HEAD $head"
  fi
  for o in 'reps 1' 'iters 2' 'workloads forksh'; do
    grep -qxF "option $o" "$mf" || fail "manifest lacks 'option $o'"
  done
  grep -qx "module forksh repo:corpus/forksh.wasm sha256 $(sha256sum "$FORKSIZE_BUNDLED" | cut -d' ' -f1) bytes $(stat -c %s "$FORKSIZE_BUNDLED")" "$mf" ||
    fail "manifest: forksh's module line does not match sha256sum and stat"
  # The report is the benchmark's own, with the same versions.
  j=$rt/runtime.json
  [ "$(jget "$j" schema)" = forksize/runtime-bench@1 ] || fail "runtime.json: schema"
  [ "$(jget "$j" label)" = measured ] || fail "runtime.json: not labelled measured"
  [ "$(jget "$j" meta.node)" = "$(val node)" ] || fail "runtime.json: meta.node differs from the manifest"
  [ "$(jget "$j" meta.v8)" = "$(val v8)" ] || fail "runtime.json: meta.v8 differs from the manifest"
  [ "$(jget "$j" 'workloads[0].name')" = forksh ] || fail "runtime.json: the workload is not forksh"
  # forksh.mjs's pipe scripts have 255 stages in multi-stage pipelines, and
  # only the instrumented variants can fork.
  for v in asyncify-o2 forkinstr-naive forkinstr-cse forkinstr-live; do
    [ "$(jget "$j" "workloads[0].variants.$v.pipes.forks")" = 255 ] || fail "runtime.json: $v did not fork 255 times"
  done
  "$JFLAT" --mask "$j" | grep -q '^workloads\[0\]\.variants\.original\.pipes' && fail "runtime.json: the original has pipeline figures"
  grep -q '^| forksh | forkinstr-live | 255 / 117 |' "$rt/runtime.md" || fail "runtime.md: no pipeline row for forkinstr-live"
  grep -q 'runtime-bench: wrote ' "$rt/log.txt" || fail "log.txt is not the benchmark's output"
  grep -qF 'scripts/runtime-bench.sh" --reps 1 --iters 2 --workloads forksh --out "$1"' "$rt/commands.sh" ||
    fail "commands.sh does not run the same benchmark"
  # --from refuses it; a bad option is a usage error.
  "$TESTRUN_SCRIPT" --from "$mf" --out "$work/o" >/dev/null 2>"$work/err"
  st=$?
  [ "$st" = 2 ] && grep -q 'a runtime run records timings' "$work/err" || { fail "--from on a runtime run: exit $st"; cat "$work/err"; }
  "$TESTRUN_SCRIPT" x --runtime --iters 1 --out "$work/o" >/dev/null 2>"$work/err"
  st=$?
  [ "$st" = 2 ] && grep -q -- '--iters must be at least 2' "$work/err" || fail "--runtime --iters 1: exit $st"
  "$TESTRUN_SCRIPT" x --runtime --module "$FORKSIZE_BUNDLED" --out "$work/o" >/dev/null 2>"$work/err"
  st=$?
  [ "$st" = 2 ] && grep -q 'do not apply to --runtime' "$work/err" || fail "--runtime --module: exit $st"
  [ ! -e "$work/o" ] || fail "a refused runtime run left $work/o"
  [ "$T_FAILS" = 0 ] && ok "the runtime run: files, manifest (node, V8, Binaryen, host, commit, sha256) and report agree"
  ;;
*) echo "testrun.sh: unknown mode $mode"; exit 2 ;;
esac
finish
