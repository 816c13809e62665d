#!/usr/bin/env bash
# CLI behaviour: exit codes, messages, atomic output, formats agreeing.
# Usage: cli.sh CASE   (env: FORKSIZE, JSONCHECK, MODULE = a module with a fork root)
set -euo pipefail
: "${FORKSIZE:?}" "${MODULE:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "cli.sh: FAILED: $*" >&2; exit 1; }

# expect STATUS PATTERN -- command...: exit status and a stderr regex
# (PATTERN EMPTY: stderr must be empty)
expect() {
  local want=$1 pat=$2; shift 3
  local got=0
  "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  [ "$got" = "$want" ] || fail "'$*' exited $got, want $want; stderr: $(head -c 400 "$tmp/err")"
  if [ "$pat" = EMPTY ]; then
    [ ! -s "$tmp/err" ] || fail "'$*' wrote to stderr: $(head -c 400 "$tmp/err")"
  else
    grep -Eq -- "$pat" "$tmp/err" || fail "'$*' stderr does not match /$pat/: $(head -c 400 "$tmp/err")"
  fi
}

case "$1" in
help)
  "$FORKSIZE" --help >"$tmp/h"
  for opt in --stats --root --indirect --model --format --output --top --allow-empty --quiet \
             --version import: func: export: index: asyncify table typed none opcodes; do
    grep -q -- "$opt" "$tmp/h" || fail "--help does not mention $opt"
  done
  "$FORKSIZE" --version | grep -Eq '^forksize [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version format"
  ;;
usage)
  expect 2 'no module given' -- "$FORKSIZE" --stats
  expect 2 "unknown option '--frobnicate'" -- "$FORKSIZE" --frobnicate "$MODULE"
  expect 2 "unknown --indirect policy 'sometimes'" -- "$FORKSIZE" --indirect sometimes "$MODULE"
  expect 2 "must start with import:, func:, export: or index:" -- "$FORKSIZE" --root fork "$MODULE"
  expect 2 "unknown --format 'xml'" -- "$FORKSIZE" --format xml "$MODULE"
  expect 2 'needs a whole number' -- "$FORKSIZE" --top -1 "$MODULE"
  expect 2 'three non-negative numbers' -- "$FORKSIZE" --model 1,2 "$MODULE"
  expect 2 'more than one module' -- "$FORKSIZE" "$MODULE" "$MODULE"
  expect 2 "forksize: $tmp/missing.wasm: cannot open" -- "$FORKSIZE" "$tmp/missing.wasm"
  expect 2 "forksize: $tmp: not a regular file" -- "$FORKSIZE" "$tmp"
  ;;
noroot)
  expect 3 'no root matched \(import:env.nothing\)' -- \
    "$FORKSIZE" --root import:env.nothing "$MODULE"
  [ ! -s "$tmp/out" ] || fail "exit 3 must not print a report"
  expect 0 EMPTY -- "$FORKSIZE" --root import:env.nothing --allow-empty "$MODULE"
  grep -q 'closure     0 of' "$tmp/out" || fail "--allow-empty report shows an empty closure"
  ;;
atomic)
  "$FORKSIZE" --format json "$MODULE" | grep -v analyze_ms | grep -v _ms >"$tmp/stdout.json"
  "$FORKSIZE" --format json -o "$tmp/r.json" "$MODULE"
  grep -v _ms "$tmp/r.json" | cmp -s - "$tmp/stdout.json" || fail "-o output differs from stdout"
  [ -z "$(ls "$tmp" | grep '\.tmp\.')" ] || fail "temporary file left behind"
  # Overwrite an existing file: replaced, not appended to.
  echo stale >"$tmp/r.csv"
  "$FORKSIZE" --format csv -o "$tmp/r.csv" "$MODULE"
  head -1 "$tmp/r.csv" | grep -q '^index,name,' || fail "existing -o file not replaced"
  # A directory that does not exist: error, nothing created.
  expect 2 'cannot create a file beside the output' -- \
    "$FORKSIZE" -o "$tmp/nodir/r.json" "$MODULE"
  [ ! -e "$tmp/nodir" ] || fail "created a directory"
  # Never over the input, even through another name.
  cp "$MODULE" "$tmp/m.wasm"; ln -s "$tmp/m.wasm" "$tmp/link.wasm"
  sum=$(sha256sum <"$tmp/m.wasm")
  expect 2 'refusing to write over the input module' -- \
    "$FORKSIZE" -o "$tmp/link.wasm" "$tmp/m.wasm"
  [ "$(sha256sum <"$tmp/m.wasm")" = "$sum" ] || fail "the input changed"
  ;;
fifo)
  # A FIFO (like /dev/null or a pipe) is written in place, never renamed over.
  mkfifo "$tmp/pipe"
  cat "$tmp/pipe" >"$tmp/got" &
  reader=$!
  "$FORKSIZE" --format csv -o "$tmp/pipe" "$MODULE"
  wait "$reader"
  [ -p "$tmp/pipe" ] || fail "the FIFO was replaced by a regular file"
  "$FORKSIZE" --format csv "$MODULE" | cmp -s - "$tmp/got" || fail "FIFO output differs"
  ;;
formats)
  : "${JSONCHECK:?}"
  "$FORKSIZE" --format json -o "$tmp/r.json" "$MODULE"
  "$JSONCHECK" "$tmp/r.json"
  "$FORKSIZE" --format csv -o "$tmp/r.csv" "$MODULE"
  "$FORKSIZE" --top 0 -o "$tmp/r.txt" "$MODULE"
  "$FORKSIZE" --format md -o "$tmp/r.md" "$MODULE"
  # CSV and text agree on the closure and the total.
  read -r members total < <(awk -F, 'NR > 1 && $4 == "true" { n++; t += $17 } END { print n+0, t+0 }' "$tmp/r.csv")
  grep -Eq "^closure +$members of " "$tmp/r.txt" || fail "text closure size != csv ($members)"
  # The default, forkinstr's dry run, also reports module-level bytes (the
  # runtime functions, guards) apart from the per-function terms.
  read -r grown modlevel < <(sed -n 's/^code .*(+\([0-9]*\), [^;]*; \([0-9]*\) of it module-level.*/\1 \2/p' "$tmp/r.txt")
  [ -n "$grown" ] || fail "no forkinstr code line in the text report"
  [ $((grown - modlevel)) = "$total" ] || fail "text total $grown - $modlevel != csv ($total)"
  "$FORKSIZE" --format csv --apply model -o "$tmp/m.csv" "$MODULE"
  "$FORKSIZE" --top 0 --apply model -o "$tmp/m.txt" "$MODULE"
  mtotal=$(awk -F, 'NR > 1 && $4 == "true" { t += $17 } END { print t+0 }' "$tmp/m.csv")
  grep -Eq "^code .*\(\+$mtotal, " "$tmp/m.txt" || fail "model: text total != csv ($mtotal)"
  # Text lists exactly the closure with --top 0; md lists every function.
  rows=$(awk '/^ *index  name/ { on = 1; next } on && NF && $4 == "yes"' "$tmp/r.txt" | wc -l)
  [ "$rows" = "$members" ] || fail "text rows $rows != closure $members"
  defined=$(($(wc -l <"$tmp/r.csv") - 1))
  mdrows=$(grep -c '^| [0-9]' "$tmp/r.md")
  [ "$mdrows" = "$defined" ] || fail "md rows $mdrows != functions $defined"
  ;;
*)
  fail "unknown case $1"
  ;;
esac
echo "cli.sh $1: ok"
