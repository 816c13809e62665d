#!/usr/bin/env bash
# commands.sh - every command of the forksize test run "corpus" (2026-11-22),
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
[ $# -eq 1 ] || { echo "usage: bash commands.sh OUT_DIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
repo=${FORKSIZE_REPO:-$(cd "$here/../.." && pwd)}
[ -f "$repo/scripts/test-run.sh" ] || repo=/work/main
fs=${FORKSIZE:-$repo/build/forksize}
corpus=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
in=$(mktemp -d "${TMPDIR:-/tmp}/forksize-run.XXXXXX")
trap 'rm -rf "$in"' EXIT
t0=$(date +%s.%N)

# input NAME FILE SHA256: link FILE into $in as NAME.wasm, if its sha256 matches.
input() {
  local got
  [ -f "$2" ] || { echo "commands.sh: $2: missing" >&2; exit 2; }
  got=$(sha256sum "$2" | cut -d' ' -f1)
  [ "$got" = "$3" ] || { echo "commands.sh: $2: sha256 $got, want $3" >&2; exit 2; }
  ln -s "$2" "$in/$1.wasm"
}
# run CMD...: runs it, and logs it with the seconds since the start on stderr.
run() {
  "$@"
  logline "$@"
}
# logline CMD...: the log line of a command that has run.
logline() {
  echo "[$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%7.1f s", b - a }')] forksize ${*:2}" >&2
}
# may_refuse ERRFILE CMD...: like run, but exit status 4 (Asyncify cannot
# instrument this module) is a result: it goes into ERRFILE with the message.
may_refuse() {
  local err=$1 st=0
  shift
  "$@" 2>"$err" || st=$?
  logline "$@"
  if [ "$st" = 4 ]; then echo "exit status 4" >>"$err"; elif [ "$st" != 0 ]; then cat "$err" >&2; exit "$st"; fi
  [ -s "$err" ] || rm -f "$err"
}
# md_top N: keeps the summary of a --stats --format md report and the N
# closure functions with the largest total (ties by index).
md_top() {
  awk -v n="$1" '
    function col(s,   t, k) { t = s; gsub(/\\\|/, "\001", t); k = split(t, c, "|"); return k }
    !tab && /^\| index \|/ { tab = 1; col($0); for (i in c) if (c[i] ~ /^ total $/) tc = i; print; next }
    !tab { print; next }
    /^\|---/ { print; next }
    { col($0); if (c[tc + 0] + 0 > 0) printf "%d\t%d\t%s\n", c[tc] + 0, c[2] + 0, $0 | "sort -t \"\t\" -k1,1nr -k2,2n | head -n " n " | cut -f3-" }'
}

input php_8_3 "$corpus"/php_8_3.wasm 7a99d38c7b816498f427533947a9164b2e2e9fefff81f6cf44bdecaae52d26fb
input ruby "$corpus"/ruby.wasm 22fe0f3bafa09c96f055819919cf0534711834a67347eb9969f0050559680d04
input lg2 "$corpus"/lg2.wasm 5cd5df122c066f63c1a940e66fb126a0a35f44b7c0f1c9801b1c1007078eb0f9
input lg2_async "$corpus"/lg2_async.wasm 390a8baf2f50352b33e3aafdef7393ae7eb9b278077979289e2ce809639e73b7
input sqlite3 "$corpus"/sqlite3.wasm 2d34bf9279985db154f98bfab9ffa289b014821873ed188b67e3a4c5d1b7faec
input glue "$corpus"/glue.wasm 95f3f19ddb740125883bc41d5ec670cd0828e7b58c8bdad385323cbff497b55c
input forksh "$repo"/corpus/forksh.wasm a051fcec41b12acd496522c3ba21f29f3033e723836f7bd8595d4701e362a239
cd "$in"

# Every module at once: forkinstr (measured) and the model (estimated).
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --root 'import:*' --indirect typed --apply forkinstr -j 2 --format json -o "$out/compare-forkinstr.json"
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --root 'import:*' --indirect typed --apply forkinstr -j 2 --format md --no-timing -o "$out/compare-forkinstr.md"
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --root 'import:*' --indirect typed --apply forkinstr -j 2 --format svg --no-timing -o "$out/compare-forkinstr.svg"
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --root 'import:*' --indirect typed --apply model -j 2 --format json -o "$out/compare-model.json"
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --root 'import:*' --indirect typed --apply model -j 2 --format md --no-timing -o "$out/compare-model.md"
# The same with forksize's default roots (import:*fork, func:fork, ...): which modules
# have a fork root of their own.
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --indirect typed --apply forkinstr -j 2 --format json -o "$out/compare-default-roots.json"
run "$fs" compare php_8_3.wasm ruby.wasm lg2.wasm lg2_async.wasm sqlite3.wasm glue.wasm forksh.wasm --indirect typed --apply forkinstr -j 2 --format md --no-timing -o "$out/compare-default-roots.md"

# php_8_3
mkdir -p "$out/php_8_3"
run "$fs" --stats php_8_3.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/php_8_3/stats.json"
run "$fs" --stats php_8_3.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/php_8_3/stats.txt"
run "$fs" --stats php_8_3.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/php_8_3/stats.md"
run "$fs" --stats --whatif php_8_3.wasm --root 'import:*' --indirect asyncify --format json -o "$out/php_8_3/whatif.json"
run "$fs" --stats --whatif php_8_3.wasm --root 'import:*' --indirect asyncify --format md -o "$out/php_8_3/whatif.md"
run "$fs" culprits php_8_3.wasm --root 'import:*' --indirect typed --format json -o "$out/php_8_3/culprits.json"
run "$fs" culprits php_8_3.wasm --root 'import:*' --indirect typed -o "$out/php_8_3/culprits.txt"
may_refuse "$out/php_8_3/asyncify.stderr" "$fs" --stats php_8_3.wasm --root 'import:*' --indirect typed --apply asyncify -O 2 --format json -o "$out/php_8_3/asyncify.json"

# ruby
mkdir -p "$out/ruby"
run "$fs" --stats ruby.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/ruby/stats.json"
run "$fs" --stats ruby.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/ruby/stats.txt"
run "$fs" --stats ruby.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/ruby/stats.md"
run "$fs" --stats --whatif ruby.wasm --root 'import:*' --indirect asyncify --format json -o "$out/ruby/whatif.json"
run "$fs" --stats --whatif ruby.wasm --root 'import:*' --indirect asyncify --format md -o "$out/ruby/whatif.md"
run "$fs" culprits ruby.wasm --root 'import:*' --indirect typed --format json -o "$out/ruby/culprits.json"
run "$fs" culprits ruby.wasm --root 'import:*' --indirect typed -o "$out/ruby/culprits.txt"

# lg2
mkdir -p "$out/lg2"
run "$fs" --stats lg2.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/lg2/stats.json"
run "$fs" --stats lg2.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/lg2/stats.txt"
run "$fs" --stats lg2.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/lg2/stats.md"
run "$fs" --stats --whatif lg2.wasm --root 'import:*' --indirect asyncify --format json -o "$out/lg2/whatif.json"
run "$fs" --stats --whatif lg2.wasm --root 'import:*' --indirect asyncify --format md -o "$out/lg2/whatif.md"
run "$fs" culprits lg2.wasm --root 'import:*' --indirect typed --format json -o "$out/lg2/culprits.json"
run "$fs" culprits lg2.wasm --root 'import:*' --indirect typed -o "$out/lg2/culprits.txt"
may_refuse "$out/lg2/asyncify.stderr" "$fs" --stats lg2.wasm --root 'import:*' --indirect typed --apply asyncify -O 2 --format json -o "$out/lg2/asyncify.json"

# lg2_async
mkdir -p "$out/lg2_async"
run "$fs" --stats lg2_async.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/lg2_async/stats.json"
run "$fs" --stats lg2_async.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/lg2_async/stats.txt"
run "$fs" --stats lg2_async.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/lg2_async/stats.md"
run "$fs" --stats --whatif lg2_async.wasm --root 'import:*' --indirect asyncify --format json -o "$out/lg2_async/whatif.json"
run "$fs" --stats --whatif lg2_async.wasm --root 'import:*' --indirect asyncify --format md -o "$out/lg2_async/whatif.md"
run "$fs" culprits lg2_async.wasm --root 'import:*' --indirect typed --format json -o "$out/lg2_async/culprits.json"
run "$fs" culprits lg2_async.wasm --root 'import:*' --indirect typed -o "$out/lg2_async/culprits.txt"

# sqlite3
mkdir -p "$out/sqlite3"
run "$fs" --stats sqlite3.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/sqlite3/stats.json"
run "$fs" --stats sqlite3.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/sqlite3/stats.txt"
run "$fs" --stats sqlite3.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/sqlite3/stats.md"
run "$fs" --stats --whatif sqlite3.wasm --root 'import:*' --indirect asyncify --format json -o "$out/sqlite3/whatif.json"
run "$fs" --stats --whatif sqlite3.wasm --root 'import:*' --indirect asyncify --format md -o "$out/sqlite3/whatif.md"
run "$fs" culprits sqlite3.wasm --root 'import:*' --indirect typed --format json -o "$out/sqlite3/culprits.json"
run "$fs" culprits sqlite3.wasm --root 'import:*' --indirect typed -o "$out/sqlite3/culprits.txt"
may_refuse "$out/sqlite3/asyncify.stderr" "$fs" --stats sqlite3.wasm --root 'import:*' --indirect typed --apply asyncify -O 2 --format json -o "$out/sqlite3/asyncify.json"

# glue
mkdir -p "$out/glue"
run "$fs" --stats glue.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/glue/stats.json"
run "$fs" --stats glue.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/glue/stats.txt"
run "$fs" --stats glue.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/glue/stats.md"
run "$fs" --stats --whatif glue.wasm --root 'import:*' --indirect asyncify --format json -o "$out/glue/whatif.json"
run "$fs" --stats --whatif glue.wasm --root 'import:*' --indirect asyncify --format md -o "$out/glue/whatif.md"
run "$fs" culprits glue.wasm --root 'import:*' --indirect typed --format json -o "$out/glue/culprits.json"
run "$fs" culprits glue.wasm --root 'import:*' --indirect typed -o "$out/glue/culprits.txt"
may_refuse "$out/glue/asyncify.stderr" "$fs" --stats glue.wasm --root 'import:*' --indirect typed --apply asyncify -O 2 --format json -o "$out/glue/asyncify.json"

# forksh
mkdir -p "$out/forksh"
run "$fs" --stats forksh.wasm --root 'import:*' --indirect typed --apply forkinstr --format json -o "$out/forksh/stats.json"
run "$fs" --stats forksh.wasm --root 'import:*' --indirect typed --apply forkinstr --top 25 -o "$out/forksh/stats.txt"
run "$fs" --stats forksh.wasm --root 'import:*' --indirect typed --apply forkinstr --format md | md_top 25 >"$out/forksh/stats.md"
run "$fs" --stats --whatif forksh.wasm --root 'import:*' --indirect asyncify --format json -o "$out/forksh/whatif.json"
run "$fs" --stats --whatif forksh.wasm --root 'import:*' --indirect asyncify --format md -o "$out/forksh/whatif.md"
run "$fs" culprits forksh.wasm --root 'import:*' --indirect typed --format json -o "$out/forksh/culprits.json"
run "$fs" culprits forksh.wasm --root 'import:*' --indirect typed -o "$out/forksh/culprits.txt"
may_refuse "$out/forksh/asyncify.stderr" "$fs" --stats forksh.wasm --root 'import:*' --indirect typed --apply asyncify -O 2 --format json -o "$out/forksh/asyncify.json"
