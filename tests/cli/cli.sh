#!/usr/bin/env bash
# CLI behaviour: exit codes, messages, atomic output, formats agreeing.
# Usage: cli.sh CASE   (env: FORKSIZE, JSONCHECK, WAT2WASM, MODULE = a module
# with a fork root; progress: GLUE = the corpus module glue.wasm)
set -euo pipefail
: "${FORKSIZE:?}" "${MODULE:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/lib.sh"
t_init "cli.sh $1" --fatal

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
keep)
  # docs/cli.md: with -o FILE (or --onlylist FILE), exit statuses 2, 3 and 4
  # leave an existing FILE untouched and no temporary behind.  Every command
  # that writes a file, with every status it can end in.
  : "${WAT2WASM:?}"
  cd "$tmp"
  cp "$MODULE" m.wasm
  head -c 40 m.wasm >trunc.wasm                                   # malformed: 2
  printf '(module (import "env" "fork" (func $f)) (func $b (call $f)))' >nomem.wat
  "$WAT2WASM" nomem.wat -o nomem.wasm                             # forkinstr refuses: 4
  printf '(module (import "env" "fork" (func $f)) (memory 1) (func $b (return_call $f)))' >tail.wat
  "$WAT2WASM" --enable-tail-call tail.wat -o tail.wasm            # Asyncify refuses: 4
  N=(--root import:env.nothing)                                   # no root: 3
  A=(--root 'import:*' --apply asyncify)
  n=0
  # keep STATUS FLAG ARGS...: forksize ARGS FLAG o.out must exit STATUS and
  # leave o.out as it was.
  keep() {
    local want=$1 flag=$2 got=0; shift 2
    printf 'kept %s\n' "$n" >o.out
    "$FORKSIZE" "$@" "$flag" o.out >/dev/null 2>err || got=$?
    [ "$got" = "$want" ] || fail "forksize $* $flag o.out: exit $got, want $want: $(head -c 300 err)"
    [ "$(cat o.out)" = "kept $n" ] || fail "forksize $* $flag o.out (exit $got) changed o.out"
    [ -z "$(ls | grep '\.tmp\.')" ] || fail "forksize $* $flag o.out left a temporary file"
    n=$((n + 1))
  }
  keep 2 -o trunc.wasm;                              keep 3 -o m.wasm "${N[@]}"
  keep 4 -o tail.wasm "${A[@]}";                     keep 4 -o nomem.wasm --apply forkinstr
  keep 2 -o --format json trunc.wasm;                keep 4 -o --format json tail.wasm "${A[@]}"
  keep 3 -o --stats --whatif m.wasm "${N[@]}";       keep 2 -o --stats --whatif trunc.wasm
  keep 2 -o closure trunc.wasm;                      keep 3 -o closure m.wasm "${N[@]}"
  keep 2 --onlylist closure trunc.wasm;              keep 3 --onlylist closure m.wasm "${N[@]}"
  keep 2 -o opcodes trunc.wasm
  keep 2 -o culprits trunc.wasm;                     keep 3 -o culprits m.wasm "${N[@]}"
  keep 2 -o diff trunc.wasm m.wasm;                  keep 3 -o diff m.wasm m.wasm "${N[@]}"
  keep 4 -o diff m.wasm tail.wasm "${A[@]}"
  keep 2 -o compare m.wasm --indirect nope           # an error row still writes the table
  keep 2 -o instrument trunc.wasm;                   keep 3 -o instrument m.wasm "${N[@]}"
  keep 4 -o instrument nomem.wasm
  # The same commands succeed and replace the file: the -o above was used.
  for c in "" "closure" "opcodes" "culprits" "compare" "instrument"; do
    echo stale >o.out
    # shellcheck disable=SC2086
    "$FORKSIZE" $c m.wasm -o o.out 2>/dev/null || fail "forksize $c m.wasm -o o.out failed"
    [ "$(cat o.out)" != stale ] || fail "forksize $c m.wasm -o o.out did not write"
  done
  echo "cli.sh keep: $n failing commands kept o.out"
  ;;
devfull)
  # A write error is exit 2 with a message naming the file and the error,
  # for every command and format that writes a report.
  cd "$tmp"
  cp "$MODULE" m.wasm
  full() {
    local got=0
    "$FORKSIZE" "$@" >/dev/null 2>err || got=$?
    [ "$got" = 2 ] || fail "forksize $*: exit $got, want 2"
    grep -Eq '^forksize: /dev/full: (write error|write failed|cannot write the output)' err &&
      [ "$(wc -l <err)" = 1 ] || fail "forksize $*: stderr: $(head -c 300 err)"
    grep -q 'No space left on device' err || echo "  note: forksize $*: $(cat err)"
  }
  for f in text json csv md; do
    full m.wasm --format $f -o /dev/full
    full --stats --whatif m.wasm --format $f -o /dev/full
  done
  for f in text json; do
    full closure m.wasm --format $f -o /dev/full
    full opcodes m.wasm --format $f -o /dev/full
    full culprits m.wasm --format $f -o /dev/full
  done
  full closure m.wasm --onlylist /dev/full
  for f in text json md; do full diff m.wasm m.wasm --format $f -o /dev/full; done
  for f in text md csv json svg; do full compare m.wasm --format $f -o /dev/full; done
  full instrument m.wasm -o /dev/full
  ;;
symbols)
  # Names for a stripped module from a symbol map (--symbols).  The map is
  # Binaryen 132's --print-function-map of the named module (the format
  # emcc --emit-symbol-map writes: INDEX:NAME); the stripped copy is WABT's
  # wasm-strip.  Every row must get back the name it has in the named
  # module, marked name_source "symbol_map"; a name root must match there.
  : "${WASM_OPT_132:?}" "${JFLAT:?}"
  "$WASM_OPT_132" --print-function-map "$MODULE" >"$tmp/map" 2>/dev/null
  [ -s "$tmp/map" ] || fail "wasm-opt 132 printed no function map"
  "${WASM_STRIP:-wasm-strip}" "$MODULE" -o "$tmp/stripped.wasm"
  "$FORKSIZE" --stats "$MODULE" --root 'import:*' --format json -o "$tmp/named.json"
  "$FORKSIZE" --stats "$tmp/stripped.wasm" --root 'import:*' --symbols "$tmp/map" --format json -o "$tmp/sym.json"
  "$FORKSIZE" --stats "$tmp/stripped.wasm" --root 'import:*' --format json -o "$tmp/bare.json"
  # (flattened into files first: grep -q on a pipe under pipefail races
  # with the writer's SIGPIPE)
  for j in named sym bare; do "$JFLAT" "$tmp/$j.json" >"$tmp/$j.flat"; done
  names() { awk -F= '/^functions\[[0-9]+\]\.name=/ { sub(/^[^=]*=/, ""); print }' "$1"; }
  names "$tmp/named.flat" >"$tmp/n1"
  names "$tmp/sym.flat" >"$tmp/n2"
  names "$tmp/bare.flat" >"$tmp/n0"
  [ -s "$tmp/n1" ] && cmp -s "$tmp/n1" "$tmp/n2" || fail "names from the map differ from the name section's"
  grep -qv '^null$' "$tmp/n0" && fail "the stripped module still has names (the test proves nothing)"
  nrows=$(wc -l <"$tmp/n1")
  nsrc=$(grep -c '^functions\[[0-9]*\]\.name_source=symbol_map$' "$tmp/sym.flat" || true)
  [ "$nsrc" = "$nrows" ] || fail "$nsrc rows say name_source symbol_map, want $nrows"
  grep -qx "module.symbol_map.named=$(wc -l <"$tmp/map")" "$tmp/sym.flat" || fail "module.symbol_map.named"
  grep -q 'name_source' "$tmp/named.flat" && fail "name_source without --symbols"
  # a name root works on the stripped module through the map
  expect 0 EMPTY -- "$FORKSIZE" --stats "$tmp/stripped.wasm" --symbols "$tmp/map" --root func:main -q
  expect 3 'no root matched' -- "$FORKSIZE" --stats "$tmp/stripped.wasm" --root func:main -q
  # a malformed map: exit 2 naming the file and the line
  printf '0:a\nnot a line\n' >"$tmp/bad.map"
  expect 2 "bad.map: line 2: expected INDEX:NAME" -- "$FORKSIZE" --stats "$tmp/stripped.wasm" --symbols "$tmp/bad.map"
  printf '999999:x\n' >"$tmp/far.map"
  expect 2 "far.map: line 1: function 999999 does not exist" -- "$FORKSIZE" --stats "$tmp/stripped.wasm" --symbols "$tmp/far.map"
  expect 2 "cannot read the symbol map" -- "$FORKSIZE" --stats "$tmp/stripped.wasm" --symbols "$tmp/none.map"
  ;;
progress)
  # Progress lines on a terminal (docs/cli.md): run under a pty (script).
  # --apply asyncify rewrites "Binaryen running ..., N s" once a second and
  # erases it before the report; compare counts the modules done; -q and a
  # stderr that is not a terminal show none.  glue.wasm: Binaryen takes
  # several seconds on it, so at least one line is due.
  : "${GLUE:?}"
  t_module "$GLUE"
  cd "$tmp"
  cp "$GLUE" glue.wasm
  cp "$MODULE" m.wasm
  st=0
  script -qec "'$FORKSIZE' --stats glue.wasm --root 'import:*' --indirect asyncify --apply asyncify --top 3" \
    /dev/null >tty.txt || st=$?
  [ "$st" = 0 ] || fail "stats under a pty: exit $st"
  # The pty writes \r\n for \n; progress lines start with \r.
  awk 'BEGIN { RS = "\r"; n = 0; ok = 1 }
       /^forksize: glue\.wasm: Binaryen running \(baseline and asyncify\), [0-9]+ s $/ { n++; next }
       NR == 1 && $0 == "" { next }
       /^\033\[K/ { erased = 1; sub(/^\033\[K/, ""); if ($0 !~ /^forksize [0-9.]+  glue\.wasm$/) ok = 0; exit }
       { ok = 0; exit }
       END { exit !(ok && erased && n >= 1) }' tty.txt ||
    fail "stats: progress lines, then an erase, then the report: $(head -c 600 tty.txt | cat -A)"
  [ "$(grep -c '^roots ' tty.txt)" = 1 ] || fail "the report is not on the terminal once"
  script -qec "'$FORKSIZE' --stats glue.wasm --root 'import:*' --indirect asyncify --apply asyncify -q -o r.txt" \
    /dev/null >tty.txt || fail "stats -q under a pty failed"
  [ ! -s tty.txt ] || fail "-q still wrote: $(head -c 300 tty.txt | cat -A)"
  grep -q '^closure ' r.txt || fail "-q -o r.txt: no report"
  # compare: "K of N modules done", one line rewritten, erased at the end.
  script -qec "'$FORKSIZE' compare m.wasm m.wasm m.wasm --apply model -j 1 -o c.txt" /dev/null >tty.txt ||
    fail "compare under a pty failed"
  [ "$(printf '\rforksize: compare: 1 of 3 modules done \rforksize: compare: 2 of 3 modules done \rforksize: compare: 3 of 3 modules done \r\033[K')" = "$(cat tty.txt)" ] ||
    fail "compare progress: $(cat -A tty.txt)"
  script -qec "'$FORKSIZE' compare m.wasm m.wasm --apply model -q -o c.txt" /dev/null >tty.txt ||
    fail "compare -q under a pty failed"
  [ ! -s tty.txt ] || fail "compare -q still wrote: $(cat -A tty.txt)"
  # Not a terminal: no progress, even without -q.
  "$FORKSIZE" compare m.wasm m.wasm --apply model -o c.txt 2>err
  [ ! -s err ] || fail "compare wrote progress to a file: $(cat -A err)"
  ;;
check)
  # forksize check: outcomes per instrumenter against the real Binaryens.
  # $tmp/tc.wasm: env.fork reached from $a; $b, outside the closure, makes a
  # tail call.  Asyncify scans every function and stops at a tail call, so
  # both versions abort although $b is never instrumented.
  : "${WAT2WASM:?}" "${WASM_OPT:?}" "${WASM_OPT_132:?}" "${JFLAT:?}"
  "$FORKSIZE" check --help >"$tmp/h"
  for w in --wasm-opt --pass-arg --top refused traps aborts invalid predicted; do
    grep -q -- "$w" "$tmp/h" || fail "check --help does not mention $w"
  done
  expect 2 'no module given' -- "$FORKSIZE" check
  expect 2 "knows Asyncify's arguments only" -- "$FORKSIZE" check "$MODULE" --pass-arg memory
  expect 2 "needs a value" -- "$FORKSIZE" check "$MODULE" --wasm-opt
  expect 4 "$tmp/no-such-wasm-opt" -- "$FORKSIZE" check "$MODULE" --wasm-opt "$tmp/no-such-wasm-opt"
  cat >"$tmp/tc.wat" <<'WAT'
(module
  (import "env" "fork" (func $fork (result i32)))
  (memory 1)
  (func $a (export "a") (result i32) (call $fork))
  (func $b (export "b") (param i32) (result i32) (return_call $c (local.get 0)))
  (func $c (param i32) (result i32) (local.get 0)))
WAT
  "$WAT2WASM" --enable-tail-call --debug-names "$tmp/tc.wat" -o "$tmp/tc.wasm"
  for w in "$WASM_OPT" "$WASM_OPT_132"; do
    st=0
    "$w" --all-features --asyncify --pass-arg=asyncify-imports@env.fork "$tmp/tc.wasm" \
      -o "$tmp/tc.out.wasm" 2>"$tmp/bn.err" || st=$?
    [ "$st" != 0 ] && grep -q 'tail calls not yet supported' "$tmp/bn.err" ||
      fail "$w: the oracle no longer aborts on the tail call (status $st): $(head -c 200 "$tmp/bn.err")"
  done
  "$FORKSIZE" check "$tmp/tc.wasm" --root import:env.fork --wasm-opt "$WASM_OPT_132" \
    --pass-arg asyncify-imports@env.fork --pass-arg asyncify-memory@memory \
    --pass-arg asyncify-ignore-unwind-from-catch --format json -o "$tmp/c.json"
  "$JFLAT" "$tmp/c.json" >"$tmp/c.flat"
  want() { grep -qxF -- "$1" "$tmp/c.flat" || fail "check JSON lacks '$1'"; }
  want 'schema=forksize/check@1'
  want 'module.closure_functions=1'
  want 'instrumenters[0].name=forkinstr'
  want 'instrumenters[0].outcome=ok'
  want 'instrumenters[1].name=Asyncify 108'
  want 'instrumenters[1].outcome=aborts'
  want 'instrumenters[2].name=Asyncify 132'
  want 'instrumenters[2].outcome=aborts'
  want 'functions[0].name=b'
  want 'functions[0].in_closure=false'
  want 'functions[0].outcomes[1].reason=tail calls'
  want 'instrumenters[1].pass_args_without_effect[0].arg=asyncify-memory@memory'
  want 'instrumenters[1].pass_args_without_effect[1].arg=asyncify-ignore-unwind-from-catch'
  want "instrumenters[2].pass_args_without_effect[0].why=documented in Asyncify.cpp's header, but never read"
  ! grep -q '^functions\[1\]' "$tmp/c.flat" || fail "check lists more than the tail-calling function"
  ! grep -q 'pass_args_without_effect.*arg=asyncify-imports' "$tmp/c.flat" ||
    fail "asyncify-imports is read by both versions"
  # The --apply asyncify precheck uses the same rules: exit 4 before
  # Binaryen runs, naming the function outside the closure.
  expect 4 "Binaryen 108's Asyncify cannot instrument this module: 1 function uses tail calls \(b\)" \
    -- "$FORKSIZE" --stats --root import:env.fork --apply asyncify "$tmp/tc.wasm"
  "$FORKSIZE" check "$tmp/tc.wasm" --root import:env.fork >"$tmp/c.txt"
  grep -q '^Asyncify 108  aborts: 1 function it cannot instrument' "$tmp/c.txt" ||
    fail "text: $(cat "$tmp/c.txt")"
  grep -q '^  b  (not in the closure)$' "$tmp/c.txt" || fail "text rows: $(cat "$tmp/c.txt")"
  ;;
*)
  fail "unknown case $1"
  ;;
esac
echo "cli.sh $1: ok"
