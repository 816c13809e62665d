#!/usr/bin/env bash
# host.mjs's own error paths (the fork path itself is proven by run.sh).
# Usage: hostcheck.sh CASE    Env: RT_OUT, RT_SRC, NODE, WAT2WASM
#   uninstrumented  recurse.wasm straight from clang (no asyncify_* exports):
#                   its output up to the fork comes out, then env.fork traps
#                   naming the missing export; exit status 134
#   unknown_import  fixtures/unknown_import.wat: stdout "hello", then a trap
#                   naming wasi_snapshot_preview1.path_open; exit status 134
#   usage           no module / a file that is not wasm: exit status 2
#   pipe_block      fixtures/pipe_block.wat: env.wait on a non-child is -1, a
#                   pipe is fds 3 and 4 and carries "ping", then a read of the
#                   empty pipe whose write end the reader holds traps (134)
set -euo pipefail
: "${RT_OUT:?}" "${RT_SRC:?}" "${NODE:?}"
case_=$1
. "$(dirname "$0")/../lib/lib.sh"
t_init "runtime/hostcheck.sh: $case_" --fatal
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
host=$RT_SRC/host.mjs

run() {   # MODULE [args]: sets st, fills $tmp/out and $tmp/err
  st=0
  "$NODE" "$host" "$@" >"$tmp/out" 2>"$tmp/err" || st=$?
}
expect() {   # STATUS STDOUT ERR-REGEX
  [ "$st" = "$1" ] || fail "exit status $st, want $1; stderr: $(cat "$tmp/err")"
  [ "$(cat "$tmp/out")" = "$2" ] || fail "stdout [$(cat "$tmp/out")], want [$2]"
  grep -Eq "$3" "$tmp/err" || fail "stderr [$(cat "$tmp/err")] does not match /$3/"
}

case $case_ in
uninstrumented)
  run "$RT_OUT/wasm/recurse.wasm"
  expect 134 "before fork" '^host: pid 1: env\.fork needs the export asyncify_get_state: instrument the module'
  ;;
unknown_import)
  : "${WAT2WASM:?}"
  "$WAT2WASM" "$RT_SRC/fixtures/unknown_import.wat" -o "$tmp/u.wasm"
  run "$tmp/u.wasm"
  expect 134 "hello" '^host: pid 1: unimplemented import wasi_snapshot_preview1\.path_open$'
  ;;
pipe_block)
  : "${WAT2WASM:?}"
  "$WAT2WASM" "$RT_SRC/fixtures/pipe_block.wat" -o "$tmp/p.wasm"
  run "$tmp/p.wasm"
  expect 134 "ping" '^host: pid 1: fd_read\(3\) on an empty pipe would block forever: no other process can run$'
  ;;
usage)
  run
  expect 2 "" '^host: missing MODULE\.wasm'
  printf 'not wasm' >"$tmp/bad.wasm"
  run "$tmp/bad.wasm"
  expect 2 "" "^host: $tmp/bad\.wasm: "
  ;;
*) fail "unknown case" ;;
esac
echo "runtime host.$case_: ok"
