#!/usr/bin/env bash
# scripts/test-run.sh - one recorded, reproducible run of forksize over the
# corpus, written to test-runs/<date>-<NAME>/ (see test-runs/README.md).
#
#   scripts/test-run.sh NAME [options]          make a run
#   scripts/test-run.sh --from RUN/manifest.txt [--out DIR] [--forksize BIN]
#                                               re-run it and compare
#   scripts/test-run.sh --mask FILE.json        FILE with its timings masked
#   scripts/test-run.sh NAME --runtime [--reps N] [--iters K] [--workloads L]
#                                               record a run of scripts/runtime-bench.sh
#
# A run folder holds commands.sh (every command of the run, re-runnable as
# it stands: `bash commands.sh OUT_DIR`), manifest.txt (forksize's version,
# git commit and binary sha256, the options, every module's sha256, the
# versions of Binaryen, WABT and node), and the outputs: compare over all
# modules (--apply forkinstr: JSON, Markdown, SVG; --apply model: JSON,
# Markdown), and per module the forkinstr stats (JSON, text and Markdown of
# the top functions), the what-if steps (JSON, Markdown), culprits (JSON,
# text) and, where Binaryen can run, the Asyncify A/B (JSON).
#
# Reproducibility: every JSON output is identical from run to run except
# for wall-clock times, which --from (and the test in tests/testrun/) mask:
# members named `timing` (whole object), `*_ms`, `seconds*` and
# `wall_seconds`.  Markdown and SVG outputs carry no time and must be
# byte-identical.  Text outputs (*.txt) and log.txt hold times and are not
# compared.
#
# A runtime run (--runtime) records scripts/runtime-bench.sh instead: its
# runtime.json and runtime.md, its log, a commands.sh that runs the same
# benchmark again, and a manifest with the node and V8 versions, the
# wasm-opt versions, clang, forksize's commit and binary, the machine's
# cores and every workload module's sha256.  Its figures are timings, so
# --from does not apply: it refuses such a manifest.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prog=test-run

usage() {
  cat <<'EOF'
usage: scripts/test-run.sh NAME [options]
       scripts/test-run.sh --from RUN/manifest.txt [--out DIR] [--forksize BIN]
       scripts/test-run.sh --mask FILE.json

Runs forksize over the corpus (the modules of corpus/modules.list, which
scripts/fetch-corpus.sh fetches, plus corpus/forksh.wasm) and writes test-runs/<UTC date>-NAME/.

  --module FILE        analyse FILE instead of the corpus (repeatable); the
                       module is named by its file name without .wasm
  --out DIR            write the run to DIR instead of test-runs/<date>-NAME
  --force              replace an existing run folder
  --root SPEC          root spec (repeatable; default import:*)
  --indirect POLICY    policy of every analysis (default typed)
  --whatif-indirect P  policy the what-if starts from (default asyncify: its
                       steps then include the tighter policies)
  -O N                 Binaryen level of the Asyncify A/B (default 2)
  --asyncify LIST      modules (names, comma-separated) given Binaryen's
                       Asyncify A/B, or none (default php_8_3,lg2,sqlite3,
                       glue,forksh; a refusal, exit 4, is recorded)
  --top N              rows of the top-function tables (default 25)
  -j N                 jobs of forksize compare (default 2)
  --forksize BIN       the forksize binary (default $FORKSIZE, else build/forksize)
  --from MANIFEST      re-run the run that MANIFEST describes (same modules,
                       checked by sha256, same options) into --out (default:
                       a new temporary folder) and compare the outputs with
                       the recorded ones; exit 1 if any differs
  --mask FILE          print FILE with the timing members masked (what --from
                       compares)
  --runtime            record a run of scripts/runtime-bench.sh instead
                       (runtime.json, runtime.md, log.txt, commands.sh and a
                       manifest with the node and V8 versions); with it:
  --reps N             the benchmark's rounds (default 5)
  --iters K            iterations inside each process (default 4)
  --workloads LIST     the benchmark's workloads (default: its own,
                       lua,sqlite,forksh,c-hot)
exit status: 0 done (and, with --from, reproduced); 1 --from found a
difference; 2 usage error, a missing or changed input, or a failed command.
EOF
}

die() { echo "$prog: $*" >&2; exit 2; }

# Masks wall-clock times in a cJSON-printed document (one member per line,
# function rows one object per line): a `timing` member is replaced whole,
# `*_ms`, `seconds*` and `wall_seconds` members get the value (masked).
mask() {
  awk '
    skip { if (substr($0, 1, length(ind) + 1) == ind "}") skip = 0; next }
    /^[ \t]*"timing":[ \t]*\{[ \t]*$/ {
      match($0, /^[ \t]*/); ind = substr($0, 1, RLENGTH)
      print ind "\"timing\": (masked)"; skip = 1; next }
    /^[ \t]*"([A-Za-z0-9_]*_ms|seconds[A-Za-z0-9_]*|wall_seconds|timing)":/ {
      sub(/":.*/, "\": (masked)"); print; next }
    { print }' "$1"
}

# The forksize binary made absolute, and the run's folder: $out, or
# test-runs/DATE-NAME, written as $out.partial until the run is complete.
# Every kind of run (corpus or --runtime) starts here.
prepare_out() {
  [ -x "$fs" ] || die "$fs: no forksize binary (scripts/build.sh, or --forksize BIN)"
  fs=$(cd "$(dirname "$fs")" && pwd)/$(basename "$fs")
  date=$(date -u +%Y-%m-%d)
  [ -n "$out" ] || out=$repo/test-runs/$date-$name
  if [ -e "$out" ] && [ "$force" = 0 ]; then die "$out exists (--force replaces it)"; fi
  mkdir -p "$(dirname "$out")"
  out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
  part=$out.partial
  rm -rf "$part"
  mkdir -p "$part"
}

# A tool's version line, or nothing when it is missing.
ver() { "$@" 2>/dev/null | head -n 1 || true; }

# The manifest lines every kind of run shares: when, how long, and which
# forksize (version, commit, uncommitted files, the binary's hash).
manifest_forksize() {
  local commit=unknown dirty=unknown
  if git -C "$repo" rev-parse HEAD >/dev/null 2>&1; then
    commit=$(git -C "$repo" rev-parse HEAD)
    dirty=$(git -C "$repo" status --porcelain --untracked-files=no | wc -l)
  fi
  echo "created $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "elapsed_seconds $elapsed"
  echo "forksize_version $(ver "$fs" --version)"
  echo "forksize_commit $commit"
  echo "forksize_tree_modified_files $dirty"
  echo "forksize_binary_sha256 $(sha256sum "$fs" | cut -d' ' -f1)"
}

# Quotes a word for the generated shell script, readably.
q() {
  case $1 in
    '' | *[!A-Za-z0-9_./:=,+@%-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
    *) printf '%s' "$1" ;;
  esac
}

name= out= from= force=0 top=25 jobs=2 opt=2 indirect=typed whatif_indirect=asyncify
runtime=0 rt_reps=5 rt_iters=4 rt_workloads=
asyncify_list=php_8_3,lg2,sqlite3,glue,forksh
fs=${FORKSIZE:-$repo/build/forksize}
modules=() roots=()
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --mask) [ $# -eq 2 ] || die "--mask takes one file"; mask "$2"; exit 0 ;;
    --module) [ $# -ge 2 ] || die "$1 needs a value"; modules+=("$2"); shift 2 ;;
    --out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift 2 ;;
    --force) force=1; shift ;;
    --root) [ $# -ge 2 ] || die "$1 needs a value"; roots+=("$2"); shift 2 ;;
    --indirect) [ $# -ge 2 ] || die "$1 needs a value"; indirect=$2; shift 2 ;;
    --whatif-indirect) [ $# -ge 2 ] || die "$1 needs a value"; whatif_indirect=$2; shift 2 ;;
    -O) [ $# -ge 2 ] || die "$1 needs a value"; opt=$2; shift 2 ;;
    -O[0-4]) opt=${1#-O}; shift ;;
    --asyncify) [ $# -ge 2 ] || die "$1 needs a value"; asyncify_list=$2; shift 2 ;;
    --top) [ $# -ge 2 ] || die "$1 needs a value"; top=$2; shift 2 ;;
    -j) [ $# -ge 2 ] || die "$1 needs a value"; jobs=$2; shift 2 ;;
    --forksize) [ $# -ge 2 ] || die "$1 needs a value"; fs=$2; shift 2 ;;
    --from) [ $# -ge 2 ] || die "$1 needs a value"; from=$2; shift 2 ;;
    --runtime) runtime=1; shift ;;
    --reps) [ $# -ge 2 ] || die "$1 needs a value"; rt_reps=$2; shift 2 ;;
    --iters) [ $# -ge 2 ] || die "$1 needs a value"; rt_iters=$2; shift 2 ;;
    --workloads) [ $# -ge 2 ] || die "$1 needs a value"; rt_workloads=$2; shift 2 ;;
    -*) die "unknown option $1 (scripts/test-run.sh --help)" ;;
    *) [ -z "$name" ] || die "one NAME only (got '$name' and '$1')"; name=$1; shift ;;
  esac
done
for v in "$top" "$jobs" "$opt"; do
  case $v in '' | *[!0-9]*) die "--top, -j and -O take a number (got '$v')" ;; esac
done
[ "$opt" -le 4 ] || die "-O takes 0 to 4"
[ "$jobs" -ge 1 ] || die "-j takes 1 or more"
case $asyncify_list in *[!A-Za-z0-9_.,-]*) die "--asyncify takes module names separated by commas" ;; esac

corpus_dir=$("$repo/scripts/fetch-corpus.sh" --print-dir)

# --- a runtime run: scripts/runtime-bench.sh, recorded ----------------------
if [ "$runtime" = 1 ]; then
  [ -z "$from" ] || die "--from re-runs a corpus run; a runtime run is timings (re-run its commands.sh)"
  [ -n "$name" ] || { usage >&2; exit 2; }
  case $name in *[!A-Za-z0-9_.-]*) die "NAME may only hold letters, digits, '_', '.' and '-'" ;; esac
  [ ${#modules[@]} -eq 0 ] && [ ${#roots[@]} -eq 0 ] ||
    die "--module and --root do not apply to --runtime (the benchmark's workloads choose their modules)"
  for v in "$rt_reps" "$rt_iters"; do
    case $v in '' | *[!0-9]*) die "--reps and --iters take a number (got '$v')" ;; esac
  done
  [ "$rt_iters" -ge 2 ] || die "--iters must be at least 2 (first run + steady state)"
  [ "$rt_reps" -ge 1 ] || die "--reps takes 1 or more"
  case $rt_workloads in *[!A-Za-z0-9_,-]*) die "--workloads takes names separated by commas" ;; esac
  prepare_out
  # The variants the benchmark builds are large and rebuilt from the inputs:
  # they go to a temporary folder, and only its reports are kept.
  work=$(mktemp -d "${TMPDIR:-/tmp}/forksize-runtime.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  bargs=(--reps "$rt_reps" --iters "$rt_iters")
  [ -z "$rt_workloads" ] || bargs+=(--workloads "$rt_workloads")
  wasm_opt=${WASM_OPT:-wasm-opt}
  {
    echo "#!/usr/bin/env bash"
    echo "# commands.sh - the runtime benchmark of the test run \"$name\" ($date), written by"
    echo "# scripts/test-run.sh --runtime.  Its figures are timings: running it again gives"
    echo "# new ones (the benchmark prints their change against the newest recorded run)."
    echo "#   bash commands.sh OUT_DIR     FORKSIZE, WASM_OPT and FORKSIZE_REPO as for a corpus run"
    echo 'set -euo pipefail'
    echo '[ $# -eq 1 ] || { echo "usage: bash commands.sh OUT_DIR" >&2; exit 2; }'
    echo 'here=$(cd "$(dirname "$0")" && pwd)'
    echo 'repo=${FORKSIZE_REPO:-$(cd "$here/../.." && pwd)}'
    echo "[ -f \"\$repo/scripts/runtime-bench.sh\" ] || repo=$(q "$repo")"
    echo 'FORKSIZE=${FORKSIZE:-$repo/build/forksize} "$repo/scripts/runtime-bench.sh" '"${bargs[*]}"' --out "$1"'
  } >"$part/commands.sh"
  echo "$prog: running scripts/runtime-bench.sh ${bargs[*]} into $out" >&2
  t_start=$(date +%s)
  if ! FORKSIZE=$fs WASM_OPT=$wasm_opt FORKSIZE_CORPUS_DIR=$corpus_dir \
       "$repo/scripts/runtime-bench.sh" "${bargs[@]}" --out "$work" >"$part/log.txt" 2>&1; then
    tail -n 20 "$part/log.txt" >&2
    die "the benchmark failed; its log is in $part/log.txt"
  fi
  elapsed=$(( $(date +%s) - t_start ))
  cp "$work/runtime.json" "$work/runtime.md" "$part/"
  wls=${rt_workloads:-$(node -p 'require(process.argv[1]).workloads.map((w) => w.name).join(",")' "$part/runtime.json")}
  {
    echo "# forksize runtime test run manifest, written by scripts/test-run.sh --runtime: one \"key value\" per line."
    echo "# Its figures are timings: bash commands.sh OUT_DIR measures again (--from does not apply)."
    echo "name $name"
    echo "kind runtime"
    echo "date $date"
    manifest_forksize
    echo "node $(ver node --version)"
    echo "v8 $(ver node -p process.versions.v8)"
    echo "binaryen $(ver "$wasm_opt" --version)"
    if [ -x "$repo/node_modules/.bin/wasm-opt" ]; then
      echo "binaryen_npm $(ver "$repo/node_modules/.bin/wasm-opt" --version)"
    fi
    echo "clang $(ver "${CLANG:-clang-14}" --version)"
    echo "host $(uname -sm), $(nproc) cores"
    echo "option reps $rt_reps"
    echo "option iters $rt_iters"
    echo "option workloads $wls"
    echo "# module NAME SOURCE sha256 SHA256 bytes BYTES (the workloads' original modules)"
    for w in ${wls//,/ }; do
      case $w in
        lua) f=$corpus_dir/glue.wasm src=corpus:glue.wasm ;;
        sqlite) f=$corpus_dir/sqlite3.wasm src=corpus:sqlite3.wasm ;;
        forksh) f=$repo/corpus/forksh.wasm src=repo:corpus/forksh.wasm ;;
        c-*) f=$repo/tests/runtime/progs/${w#c-}.c src=repo:tests/runtime/progs/${w#c-}.c ;;
        *) continue ;;
      esac
      echo "module $w $src sha256 $(sha256sum "$f" | cut -d' ' -f1) bytes $(stat -c %s "$f")"
    done
    f=$repo/tests/workloads/micro/depth.c
    echo "module micro repo:tests/workloads/micro/depth.c sha256 $(sha256sum "$f" | cut -d' ' -f1) bytes $(stat -c %s "$f")"
  } >"$part/manifest.txt"
  {
    echo "# forksize runtime test run \`$name\`"
    echo
    echo "Made by \`scripts/test-run.sh $name --runtime\`: \`scripts/runtime-bench.sh ${bargs[*]}\`."
    echo "\`manifest.txt\` has the node and V8 versions, the wasm-opt and clang versions,"
    echo "forksize's commit and binary, the machine's cores and each workload module's sha256."
    echo
    echo "| file | what |"
    echo "|---|---|"
    echo "| \`runtime.json\` | the benchmark's report (schema \`forksize/runtime-bench@1\`); every figure measured |"
    echo "| \`runtime.md\` | the same as tables |"
    echo "| \`log.txt\` | the benchmark's output, with its change against the run recorded before |"
    echo "| \`commands.sh\` | \`bash commands.sh OUT_DIR\` measures again |"
    echo
    echo "Timings depend on the machine and its load: say what else ran when citing them."
  } >"$part/README.md"
  rm -rf "$out"
  mv "$part" "$out"
  echo "$prog: wrote $out in ${elapsed} s" >&2
  exit 0
fi

# --- modules: name|source|path ------------------------------------------
# source is corpus:FILE (in the fetch-corpus cache), repo:PATH (in this
# repository) or path:ABSOLUTE; commands.sh finds each module from it.
entries=()
add_module() {   # FILE
  local f=$1 abs base src
  [ -f "$f" ] || die "$f: no such module (scripts/fetch-corpus.sh fetches the corpus)"
  abs=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
  case $abs in *[[:space:]]*) die "$f: a module path may not hold white space" ;; esac
  base=$(basename "$f"); base=${base%.wasm}
  case $base in '' | *[!A-Za-z0-9_.-]*) die "$f: a module name may only hold letters, digits, '_', '.' and '-'" ;; esac
  for e in "${entries[@]+"${entries[@]}"}"; do
    [ "${e%%|*}" != "$base" ] || die "two modules are named $base"
  done
  case $abs in
    "$corpus_dir"/*) src=corpus:${abs#"$corpus_dir"/} ;;
    "$repo"/*) src=repo:${abs#"$repo"/} ;;
    *) src=path:$abs ;;
  esac
  entries+=("$base|$src|$abs")
}

if [ -n "$from" ]; then
  # Everything but --out and --forksize comes from the manifest.
  [ -f "$from" ] || die "$from: no such manifest"
  [ -z "$name" ] && [ ${#modules[@]} -eq 0 ] && [ ${#roots[@]} -eq 0 ] ||
    die "--from takes its NAME, modules and options from the manifest"
  orig=$(cd "$(dirname "$from")" && pwd)
  name=$(awk '$1 == "name" { print $2 }' "$from")
  [ -n "$name" ] || die "$from: not a test-run manifest (no name line)"
  ! grep -qx 'kind runtime' "$from" ||
    die "$from: a runtime run records timings, which --from cannot reproduce (bash its commands.sh OUT_DIR to measure again)"
  while read -r key val; do
    case $key in
      root) roots+=("$val") ;;
      indirect) indirect=$val ;;
      whatif_indirect) whatif_indirect=$val ;;
      opt_level) opt=$val ;;
      asyncify) asyncify_list=$val ;;
      top) top=$val ;;
      jobs) jobs=$val ;;
    esac
  done < <(sed -n 's/^option //p' "$from")
  while read -r mname src sha; do
    case $src in
      corpus:*) f=$corpus_dir/${src#corpus:} ;;
      repo:*) f=$repo/${src#repo:} ;;
      path:*) f=${src#path:} ;;
      *) die "$from: module $mname: unknown source $src" ;;
    esac
    [ -f "$f" ] || die "module $mname: $f is missing (scripts/fetch-corpus.sh fetches the corpus)"
    got=$(sha256sum "$f" | cut -d' ' -f1)
    [ "$got" = "$sha" ] || die "module $mname: $f has sha256 $got, the manifest says $sha"
    add_module "$f"
  done < <(awk '$1 == "module" { print $2, $3, $5 }' "$from")
  [ ${#entries[@]} -gt 0 ] || die "$from: no module lines"
  [ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/forksize-rerun.XXXXXX")/$(basename "$orig")
  [ "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/$(basename "$out")" != "$orig" ] || die "--out may not be the recorded run"
  force=1
else
  [ -n "$name" ] || { usage >&2; exit 2; }
  case $name in *[!A-Za-z0-9_.-]*) die "NAME may only hold letters, digits, '_', '.' and '-'" ;; esac
  if [ ${#modules[@]} -eq 0 ]; then
    # The corpus: corpus/modules.list, the list scripts/fetch-corpus.sh fetches.
    while IFS='|' read -r file _; do
      [ -n "$file" ] || continue
      [ -f "$corpus_dir/$file" ] || die "$corpus_dir/$file is missing: run scripts/fetch-corpus.sh"
      modules+=("$corpus_dir/$file")
    done < <(grep -v '^[[:space:]]*#' "$repo/corpus/modules.list")
    [ ${#modules[@]} -gt 0 ] || die "corpus/modules.list lists no module"
    modules+=("$repo/corpus/forksh.wasm")
  fi
  for m in "${modules[@]}"; do add_module "$m"; done
fi
[ ${#roots[@]} -gt 0 ] || roots=('import:*')
prepare_out

in_list() { case ",$asyncify_list," in *,"$1",*) return 0 ;; esac; return 1; }

# --- commands.sh ----------------------------------------------------------
A=""   # the analysis options every command shares
for r in "${roots[@]}"; do A+=" --root $(q "$r")"; done
A+=" --indirect $(q "$indirect")"
W=""
for r in "${roots[@]}"; do W+=" --root $(q "$r")"; done
W+=" --indirect $(q "$whatif_indirect")"
M=""
for e in "${entries[@]}"; do M+=" ${e%%|*}.wasm"; done

{
  cat <<EOF
#!/usr/bin/env bash
# commands.sh - every command of the forksize test run "$name" ($date),
# written by scripts/test-run.sh.  Running it again reproduces the outputs:
#
#   bash commands.sh OUT_DIR
#
#   FORKSIZE             the forksize binary (default: build/forksize of the repository)
#   FORKSIZE_CORPUS_DIR  the fetched corpus (default: scripts/fetch-corpus.sh's cache)
#   FORKSIZE_REPO        the repository, for corpus/forksh.wasm (default: two
#                        folders up, else where the run was made)
#
# Each input is checked against its sha256 and linked into a temporary
# folder under its short name, so that the paths in the outputs do not
# depend on the machine.  JSON outputs then differ from the recorded ones
# only in wall-clock times (members timing, *_ms, seconds*, wall_seconds);
# Markdown and SVG are byte-identical.
set -euo pipefail
[ \$# -eq 1 ] || { echo "usage: bash commands.sh OUT_DIR" >&2; exit 2; }
mkdir -p "\$1"
out=\$(cd "\$1" && pwd)
here=\$(cd "\$(dirname "\$0")" && pwd)
repo=\${FORKSIZE_REPO:-\$(cd "\$here/../.." && pwd)}
[ -f "\$repo/scripts/test-run.sh" ] || repo=$(q "$repo")
fs=\${FORKSIZE:-\$repo/build/forksize}
corpus=\${FORKSIZE_CORPUS_DIR:-\${XDG_CACHE_HOME:-\$HOME/.cache}/forksize/corpus}
in=\$(mktemp -d "\${TMPDIR:-/tmp}/forksize-run.XXXXXX")
trap 'rm -rf "\$in"' EXIT
t0=\$(date +%s.%N)

# input NAME FILE SHA256: link FILE into \$in as NAME.wasm, if its sha256 matches.
input() {
  local got
  [ -f "\$2" ] || { echo "commands.sh: \$2: missing" >&2; exit 2; }
  got=\$(sha256sum "\$2" | cut -d' ' -f1)
  [ "\$got" = "\$3" ] || { echo "commands.sh: \$2: sha256 \$got, want \$3" >&2; exit 2; }
  ln -s "\$2" "\$in/\$1.wasm"
}
# run CMD...: runs it, and logs it with the seconds since the start on stderr.
run() {
  "\$@"
  logline "\$@"
}
# logline CMD...: the log line of a command that has run.
logline() {
  echo "[\$(awk -v a="\$t0" -v b="\$(date +%s.%N)" 'BEGIN { printf "%7.1f s", b - a }')] forksize \${*:2}" >&2
}
# may_refuse ERRFILE CMD...: like run, but exit status 4 (Asyncify cannot
# instrument this module) is a result: it goes into ERRFILE with the message.
may_refuse() {
  local err=\$1 st=0
  shift
  "\$@" 2>"\$err" || st=\$?
  logline "\$@"
  if [ "\$st" = 4 ]; then echo "exit status 4" >>"\$err"; elif [ "\$st" != 0 ]; then cat "\$err" >&2; exit "\$st"; fi
  [ -s "\$err" ] || rm -f "\$err"
}
# md_top N: keeps the summary of a --stats --format md report and the N
# closure functions with the largest total (ties by index).
md_top() {
  awk -v n="\$1" '
    function col(s,   t, k) { t = s; gsub(/\\\\\\|/, "\\001", t); k = split(t, c, "|"); return k }
    !tab && /^\\| index \\|/ { tab = 1; col(\$0); for (i in c) if (c[i] ~ /^ total \$/) tc = i; print; next }
    !tab { print; next }
    /^\\|---/ { print; next }
    { col(\$0); if (c[tc + 0] + 0 > 0) printf "%d\\t%d\\t%s\\n", c[tc] + 0, c[2] + 0, \$0 | "sort -t \\"\\t\\" -k1,1nr -k2,2n | head -n " n " | cut -f3-" }'
}

EOF
  for e in "${entries[@]}"; do
    IFS='|' read -r n src abs <<<"$e"
    case $src in
      corpus:*) f="\"\$corpus\"/$(q "${src#corpus:}")" ;;
      repo:*) f="\"\$repo\"/$(q "${src#repo:}")" ;;
      path:*) f=$(q "${src#path:}") ;;
    esac
    echo "input $n $f $(sha256sum "$abs" | cut -d' ' -f1)"
  done
  echo 'cd "$in"'
  echo
  echo "# Every module at once: forkinstr (measured) and the model (estimated)."
  for fmt in json md svg; do
    nt=""; [ $fmt = json ] || nt=" --no-timing"
    echo "run \"\$fs\" compare$M$A --apply forkinstr -j $jobs --format $fmt$nt -o \"\$out/compare-forkinstr.$fmt\""
  done
  for fmt in json md; do
    nt=""; [ $fmt = json ] || nt=" --no-timing"
    echo "run \"\$fs\" compare$M$A --apply model -j $jobs --format $fmt$nt -o \"\$out/compare-model.$fmt\""
  done
  echo "# The same with forksize's default roots (import:*fork, func:fork, ...): which modules"
  echo "# have a fork root of their own."
  for fmt in json md; do
    nt=""; [ $fmt = json ] || nt=" --no-timing"
    echo "run \"\$fs\" compare$M --indirect $(q "$indirect") --apply forkinstr -j $jobs --format $fmt$nt -o \"\$out/compare-default-roots.$fmt\""
  done
  for e in "${entries[@]}"; do
    n=${e%%|*}
    echo
    echo "# $n"
    echo "mkdir -p \"\$out/$n\""
    echo "run \"\$fs\" --stats $n.wasm$A --apply forkinstr --format json -o \"\$out/$n/stats.json\""
    echo "run \"\$fs\" --stats $n.wasm$A --apply forkinstr --top $top -o \"\$out/$n/stats.txt\""
    echo "run \"\$fs\" --stats $n.wasm$A --apply forkinstr --format md | md_top $top >\"\$out/$n/stats.md\""
    echo "run \"\$fs\" --stats --whatif $n.wasm$W --format json -o \"\$out/$n/whatif.json\""
    echo "run \"\$fs\" --stats --whatif $n.wasm$W --format md -o \"\$out/$n/whatif.md\""
    echo "run \"\$fs\" culprits $n.wasm$A --format json -o \"\$out/$n/culprits.json\""
    echo "run \"\$fs\" culprits $n.wasm$A -o \"\$out/$n/culprits.txt\""
    if in_list "$n"; then
      echo "may_refuse \"\$out/$n/asyncify.stderr\" \"\$fs\" --stats $n.wasm$A --apply asyncify -O $opt --format json -o \"\$out/$n/asyncify.json\""
    fi
  done
} >"$part/commands.sh"

# --- run it ---------------------------------------------------------------
echo "$prog: running $(grep -c '^run \|^may_refuse ' "$part/commands.sh") commands over ${#entries[@]} modules into $out" >&2
t_start=$(date +%s)
if ! FORKSIZE=$fs FORKSIZE_CORPUS_DIR=$corpus_dir FORKSIZE_REPO=$repo \
     bash "$part/commands.sh" "$part" 2>"$part/log.txt"; then
  tail -n 20 "$part/log.txt" >&2
  die "a command failed; the partial run is in $part"
fi
elapsed=$(( $(date +%s) - t_start ))

# --- manifest.txt -----------------------------------------------------------
{
  echo "# forksize test run manifest, written by scripts/test-run.sh: one \"key value\" per line."
  echo "# scripts/test-run.sh --from THIS_FILE re-runs the run and compares the outputs."
  echo "name $name"
  echo "date $date"
  manifest_forksize
  echo "binaryen $(ver wasm-opt --version)"
  echo "wabt $(ver wasm-objdump --version)"
  echo "node $(ver node --version)"
  echo "host $(uname -sm), $(nproc) cores"
  for r in "${roots[@]}"; do echo "option root $r"; done
  echo "option indirect $indirect"
  echo "option whatif_indirect $whatif_indirect"
  echo "option opt_level $opt"
  echo "option asyncify $asyncify_list"
  echo "option top $top"
  echo "option jobs $jobs"
  echo "# module NAME SOURCE sha256 SHA256 bytes BYTES"
  for e in "${entries[@]}"; do
    IFS='|' read -r n src abs <<<"$e"
    echo "module $n $src sha256 $(sha256sum "$abs" | cut -d' ' -f1) bytes $(stat -c %s "$abs")"
  done
} >"$part/manifest.txt"

# --- README.md (no date or time in it: it is compared like the outputs) ---
{
  echo "# forksize test run \`$name\`"
  echo
  echo "Made by \`scripts/test-run.sh\`. \`manifest.txt\` has the tool versions, the git"
  echo "commit, the options and each module's sha256; \`commands.sh\` has every command."
  echo "Modules:$(for e in "${entries[@]}"; do printf ' `%s`' "${e%%|*}"; done)."
  echo
  echo "| file | what |"
  echo "|---|---|"
  echo "| \`compare-forkinstr.json\`, \`.md\`, \`.svg\` | every module: closure, code before and after forkinstr (stage live), growth and the measured term split |"
  echo "| \`compare-model.json\`, \`.md\` | the same closures priced by the cost model (estimated) |"
  echo "| \`compare-default-roots.json\`, \`.md\` | forksize's default roots (\`import:*fork\`, \`func:fork\`, ...): which modules have a fork root of their own |"
  echo "| \`MODULE/stats.json\` | \`--stats --apply forkinstr\`: every function, its measured terms, and \`stack_bound\` |"
  echo "| \`MODULE/stats.txt\`, \`stats.md\` | the same: summary and the top $top closure functions by bytes added |"
  echo "| \`MODULE/whatif.json\`, \`.md\` | \`--whatif\` from \`--indirect $whatif_indirect\`: naive, + cse, + live, + each tighter policy (measured), trampoline (estimated) |"
  echo "| \`MODULE/culprits.json\`, \`.txt\` | what pulls functions into the closure, and what leaving it would save (estimated) |"
  echo "| \`MODULE/asyncify.json\` | Binaryen's Asyncify, -O$opt A/B on the same closure (measured; fit: fitted) |"
  echo "| \`MODULE/asyncify.stderr\` | Binaryen's Asyncify refused the module (exit 4): forksize's message |"
  echo "| \`log.txt\` | each command with the seconds since the start |"
  echo
  echo "Reproduce: \`scripts/test-run.sh --from PATH/manifest.txt\` re-runs every command into"
  echo "a temporary folder and compares (exit 0: reproduced); or \`bash commands.sh OUT_DIR\`."
  echo "JSON outputs are compared with their wall-clock times masked (\`timing\`, \`*_ms\`,"
  echo "\`seconds*\`, \`wall_seconds\`); Markdown, SVG and \`asyncify.stderr\` byte for byte."
} >"$part/README.md"

rm -rf "$out"
mv "$part" "$out"
echo "$prog: wrote $out in ${elapsed} s" >&2

# --- --from: compare with the recorded run ---------------------------------
if [ -n "$from" ]; then
  for key in forksize_version forksize_commit forksize_binary_sha256 binaryen wabt; do
    a=$(awk -v k="$key" '$1 == k { $1 = ""; print }' "$from")
    b=$(awk -v k="$key" '$1 == k { $1 = ""; print }' "$out/manifest.txt")
    [ "$a" = "$b" ] || echo "$prog: note: $key differs:$a (recorded) vs$b (now)" >&2
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-cmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  files=0 differ=0
  while IFS= read -r rel; do
    files=$((files + 1))
    if [ ! -f "$out/$rel" ]; then echo "$prog: $rel: not made by the re-run" >&2; differ=$((differ + 1)); continue; fi
    case $rel in
      *.json) mask "$orig/$rel" >"$tmp/a"; mask "$out/$rel" >"$tmp/b" ;;
      *) cp "$orig/$rel" "$tmp/a"; cp "$out/$rel" "$tmp/b" ;;
    esac
    if ! cmp -s "$tmp/a" "$tmp/b"; then
      differ=$((differ + 1))
      echo "$prog: $rel differs:" >&2
      diff "$tmp/a" "$tmp/b" | head -n 10 | cut -c1-200 >&2 || true
    fi
  done < <(cd "$orig" && find . -type f \( -name '*.json' -o -name '*.md' -o -name '*.svg' -o -name '*.stderr' \) \
             | sed 's|^\./||' | LC_ALL=C sort)
  if [ "$differ" -gt 0 ]; then
    echo "$prog: $differ of $files outputs differ from $orig (timings masked)" >&2
    exit 1
  fi
  echo "$prog: reproduced: $files outputs (JSON with timings masked, Markdown, SVG) equal $orig" >&2
fi
