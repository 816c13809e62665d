#!/usr/bin/env bash
# One runtime test: instrument a wasm program for env.fork, run it under
# host.mjs and compare the run with the same program built natively (real fork).
#
# Usage: run.sh MODE PROG [ARGS...]
#   MODE asyncify   wasm-opt --asyncify --pass-arg=asyncify-imports@env.fork -O1
#        forkinstr  $FORKSIZE instrument IN -o OUT --root import:env.fork ARGS, then
#                   wasm-validate --enable-all OUT and Binaryen's validator
# Env: RT_OUT (build.sh's output dir), RT_SRC (this folder), NODE, WASM_OPT,
#      WASM_OPT_132, WASM_VALIDATE, FORKSIZE, CHROMIUM
#
# Multi-memory programs (mmem*) run in Chromium (chromium-host.sh: node 20
# cannot run them), and Binaryen 132 validates them (108 cannot read more
# than one memory).
#
# Asserts, for the instrumented module run as `node host.mjs M.wasm alpha 'beta gamma'`
# and the native binary run with the same arguments:
#   - the exit statuses are equal (the host reports the first process's);
#   - stdout is equal: line for line for nofork (one process), as a sorted line
#     set for the others (native processes interleave; the host runs them one
#     after another);
#   - stderr is equal the same way (empty except nofork's one line; any host
#     trap message makes it differ);
#   - where progs/PROG.expected exists (values derived by hand in PROG.c), the
#     native run matches it too, so the oracle itself is checked.
# A program written in wat (progs/PROG.wat: features C cannot express, such
# as exception handling) has no native build: its PROG.expected, derived by
# hand in PROG.wat, stands in for the native run.
set -euo pipefail
: "${RT_OUT:?}" "${RT_SRC:?}" "${NODE:?}"
mode=$1 prog=$2
shift 2
inst_args=("$@")
. "$(dirname "$0")/../lib/lib.sh"
t_init "runtime/run.sh: $mode.$prog${inst_args[*]:+ ${inst_args[*]}}" --fatal

in=$RT_OUT/wasm/$prog.wasm
native=$RT_OUT/native/$prog
exp=$RT_SRC/progs/$prog.expected
wat=0
[ -f "$RT_SRC/progs/$prog.wat" ] && wat=1
if [ $wat = 1 ]; then
  [ -f "$exp" ] || fail "$prog.wat has no $exp, its only oracle"
  native=$exp
fi
[ -f "$in" ] && [ -e "$native" ] || fail "missing $in or $native (the runtime.build fixture did not run)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inst=$tmp/$prog.wasm

# The Asyncify modes run what forksize check predicts for that Binaryen:
# "aborts" or "invalid" must make wasm-opt fail, "traps" must run and then
# differ from the oracle (a fork from a catch body fails on rewind), "ok"
# must match it.  So every program runs in every mode, and each run checks
# check's rules against the real Binaryen.
predicted=ok
case $mode in
asyncify|asyncify132)
  : "${WASM_OPT:?}" "${FORKSIZE:?}" "${JFLAT:?}"
  wopt=$WASM_OPT want="Asyncify 108"
  if [ $mode = asyncify132 ]; then
    : "${WASM_OPT_132:?}"
    wopt=$WASM_OPT_132 want="Asyncify 132"
    "$FORKSIZE" check "$in" --root import:env.fork --wasm-opt "$WASM_OPT_132" --format json \
      -o "$tmp/check.json" || fail "forksize check failed"
  else
    "$FORKSIZE" check "$in" --root import:env.fork --format json -o "$tmp/check.json" \
      || fail "forksize check failed"
  fi
  "$JFLAT" "$tmp/check.json" >"$tmp/check.flat"
  i=$(sed -n "s/^instrumenters\[\([0-9]*\)\]\.name=$want\$/\1/p" "$tmp/check.flat")
  [ -n "$i" ] || fail "forksize check has no $want column"
  predicted=$(sed -n "s/^instrumenters\[$i\]\.outcome=//p" "$tmp/check.flat")
  # Features (simd128, multivalue, mutable-globals) come from the module's
  # target_features section, which wasm-opt reads by default; the wat
  # programs have none, so they enable all.
  feats=()
  [ $wat = 1 ] && feats=(--all-features)
  st_o=0
  "$wopt" "${feats[@]}" --asyncify --pass-arg=asyncify-imports@env.fork -O1 "$in" -o "$inst" \
    2>"$tmp/wopt.err" || st_o=$?
  case $predicted in
  aborts|invalid)
    [ $st_o != 0 ] || fail "forksize check predicted '$predicted' for $want, but wasm-opt succeeded"
    echo "runtime $mode.$prog: $want: predicted '$predicted', and wasm-opt failed (status $st_o): $(head -c 200 "$tmp/wopt.err")"
    exit 0 ;;
  ok|traps)
    [ $st_o = 0 ] || fail "wasm-opt --asyncify failed, forksize check predicted '$predicted': $(head -c 300 "$tmp/wopt.err")" ;;
  *) fail "forksize check's outcome for $want: '$predicted'" ;;
  esac
  ;;
forkinstr|forkinstr-naive|forkinstr-cse|forkinstr-trampoline)
  : "${FORKSIZE:?}" "${WASM_VALIDATE:?}" "${WASM_OPT:?}"
  stage=live
  case $mode in forkinstr-*) stage=${mode#forkinstr-} ;; esac
  "$FORKSIZE" instrument "$in" -o "$inst" --root import:env.fork --stages "$stage" \
    "${inst_args[@]}" 2>"$tmp/inst.err" || fail "forksize instrument failed (status $?): $(head -c 300 "$tmp/inst.err")"
  # --hot: the run below goes through the copies only if there are some
  case " ${inst_args[*]-} " in *" --hot "*)
    grep -E -e '--hot: [1-9][0-9]* closure functions got a normal-path copy' "$tmp/inst.err" >/dev/null \
      || fail "--hot made no normal-path copy: $(head -c 300 "$tmp/inst.err")" ;;
  esac
  # WABT 1.0.32 reads an older draft of the branch hint section under
  # --enable-all and rejects today's; 1.0.39 (npm) reads it.
  wv=$WASM_VALIDATE
  case " ${inst_args[*]-} " in *" --branch-hints "*) wv=${WABT_VALIDATE_139:?} ;; esac
  "$wv" --enable-all "$inst" || fail "forksize instrument wrote an invalid module ($wv)"
  # Binaryen validates what it reads: a second, independent validator.
  bopt=$WASM_OPT
  case $prog in mmem*) : "${WASM_OPT_132:?}"; bopt=$WASM_OPT_132 ;; esac
  "$bopt" --all-features "$inst" -o "$tmp/binaryen-check.wasm" \
    || fail "Binaryen's validator ($bopt) rejects forksize's output"
  ;;
*) fail "unknown mode $mode" ;;
esac

args=(alpha 'beta gamma')
st_w=0; st_n=0
# memory64 programs: node 20 needs the flag, the host the wider header
node_flags=() host_flags=()
case $prog in mem64*) node_flags=(--experimental-wasm-memory64) host_flags=(--memory64) ;; esac
# forksize instrument --branch-hints: node 20 reads the hints only when told
case " ${inst_args[*]-} " in *" --branch-hints "*) node_flags+=(--experimental-wasm-branch-hinting) ;; esac
host=("$NODE" "${node_flags[@]}" "$RT_SRC/host.mjs")
case $prog in mmem*) host=(bash "$RT_SRC/chromium-host.sh") ;; esac
timeout 150 "${host[@]}" "${host_flags[@]}" "$inst" "${args[@]}" >"$tmp/w.out" 2>"$tmp/w.err" || st_w=$?
if [ $wat = 1 ]; then
  grep -v '^#' "$exp" >"$tmp/n.out" || true
  : >"$tmp/n.err"
  st_n=$(awk '/^# exit / { print $3 }' "$exp")
else
  # Natively in $tmp, so a stray file or core dump stays out of the way.
  (cd "$tmp" && timeout 60 "$native" "${args[@]}" >"$tmp/n.out" 2>"$tmp/n.err") || st_n=$?
fi

if [ "$prog" = nofork ]; then
  how="line for line"
  norm() { cat "$1"; }
else
  how="as sorted line sets"
  norm() { LC_ALL=C sort "$1"; }
fi

show() { echo "--- wasm ${1}:"; cat "$tmp/w.$1"; echo "--- native ${1}:"; cat "$tmp/n.$1"; }

if [ $wat = 0 ] && [ -f "$exp" ]; then
  want_st=$(awk '/^# exit / { print $3 }' "$exp")
  grep -v '^#' "$exp" >"$tmp/e.out" || true
  norm "$tmp/e.out" >"$tmp/e.norm"
  norm "$tmp/n.out" >"$tmp/n.norm"
  cmp -s "$tmp/e.norm" "$tmp/n.norm" || { diff "$tmp/e.norm" "$tmp/n.norm" >&2 || true; fail "native stdout differs from $exp"; }
  [ "$st_n" = "$want_st" ] || fail "native exit status $st_n, $exp says $want_st"
fi

[ -s "$tmp/n.out" ] || fail "the native run printed nothing"
mismatch=""
[ "$st_w" = "$st_n" ] || mismatch="exit status: wasm $st_w, native $st_n"
for s in out err; do
  norm "$tmp/w.$s" >"$tmp/w.$s.norm"
  norm "$tmp/n.$s" >"$tmp/n.$s.norm"
  [ -n "$mismatch" ] || cmp -s "$tmp/w.$s.norm" "$tmp/n.$s.norm" ||
    mismatch="std$s differs from the native run (compared $how)"
done
if [ "$predicted" = traps ]; then
  [ -n "$mismatch" ] || fail "forksize check predicted 'traps' (a fork that fails on rewind), but the run matched the oracle"
  echo "runtime $mode.$prog: predicted 'traps', and the run failed as predicted: $mismatch; $(grep -m1 '^host:' "$tmp/w.err" || true)"
  exit 0
fi
if [ -n "$mismatch" ]; then
  show out >&2; show err >&2
  fail "$mismatch"
fi
echo "runtime $mode.$prog: $(wc -l <"$tmp/w.out") lines and exit status $st_w match the native run ($how)"
