#!/usr/bin/env bash
# Build every runtime test program twice, into OUT (the CTest binary dir):
#   OUT/native/PROG       with $NATIVE_CC; fork() is the real one
#   OUT/wasm/PROG.wasm    with $CLANG --target=wasm32-wasi; fork is the env.fork import
# and check that each wasm build has the shape its test relies on (clang could
# otherwise optimize the interesting part away and the test would prove less).
#
# Usage: build.sh OUT [PROG...]     (default: every progs/*.c)
# Env:   CLANG (clang-14), NATIVE_CC (cc), WASM_OBJDUMP (wasm-objdump)
#
# Compile and link are separate steps: clang runs wasm-opt itself when it
# links with -O, and the instrumentation must see clang's own output.
# --strip-debug drops the DWARF that Debian's libc.a carries (Binaryen refuses
# DWARF + multivalue); the name section stays, for the shape checks.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "runtime/build.sh: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: build.sh OUT [PROG...]"
out=$1; shift
clang=${CLANG:-clang-14}
cc=${NATIVE_CC:-cc}
objdump=${WASM_OBJDUMP:-wasm-objdump}
command -v "$clang" >/dev/null 2>&1 || die "$clang not found (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)"
command -v "$cc" >/dev/null 2>&1 || die "native C compiler '$cc' not found"
command -v "$objdump" >/dev/null 2>&1 || die "$objdump not found (apt-get install wabt)"

progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
  for f in "$here"/progs/*.c; do progs+=("$(basename "$f" .c)"); done
fi
wat2wasm=${WAT2WASM:-wat2wasm}

mkdir -p "$out/native" "$out/wasm" "$out/obj"
# -ffp-contract=off: no fused multiply-add natively (wasm has none), so float
# results round the same way in both builds.
common=(-std=c11 -O2 -g0 -Wall -Wextra -Werror -ffp-contract=off)

# per-program wasm features: wasm_flags PROG
. "$here/wasm_flags.sh"

# Disassembly of one function (from its header to the next one).
func_body() {
  "$objdump" -d "$1" | awk -v f="<$2>:" '
    / func\[[0-9]+\] </ { on = (index($0, f) > 0) }
    on'
}

check_shape() {   # PROG WASM
  local p=$1 w=$2 dis
  "$objdump" -x -j Import "$w" | grep -q '<- env\.fork$' || die "$p: no env.fork import in $w"
  "$objdump" -x -j Export "$w" | grep -q -- '-> "__stack_pointer"' || die "$p: __stack_pointer is not exported"
  case $p in
    recurse)   # sum calls weight, then itself: a real recursion with a pending result
      dis=$(func_body "$w" sum)
      grep -q 'call [0-9]* <sum>' <<<"$dis" || die "$p: sum is not recursive any more"
      grep -q 'call [0-9]* <weight>' <<<"$dis" || die "$p: sum does not call weight"
      ;;
    loop)      # run keeps i64, f32, f64 and v128 locals, and calls fork
      dis=$(func_body "$w" run)
      for t in i64 f32 f64 v128; do
        grep -q "type=$t\$" <<<"$dis" || die "$p: run has no $t local"
      done
      grep -q 'call [0-9]* <fork>' <<<"$dis" || die "$p: run does not call fork itself"
      ;;
    indirect)  # the fork path is indirect only
      dis=$("$objdump" -d "$w")
      if grep -Eq 'call [0-9]+ <(op_fork|apply_stage)>' <<<"$dis"; then
        die "$p: op_fork or apply_stage is called directly"
      fi
      [ "$(grep -c 'call_indirect' <<<"$dis")" -ge 2 ] || die "$p: fewer than 2 call_indirect"
      ;;
    twoforks)
      [ "$(func_body "$w" __original_main | grep -c 'call [0-9]* <fork>')" -eq 2 ] \
        || die "$p: main does not call fork twice"
      ;;
    after)     # main calls fork, then step (a site) after a printf in a branch
      dis=$(func_body "$w" main)
      grep -q 'call [0-9]* <fork>' <<<"$dis" || die "$p: main does not call fork itself"
      grep -q 'call [0-9]* <step>' <<<"$dis" || die "$p: main does not call step"
      grep -q 'br_if' <<<"$dis" || die "$p: main has no branch around step any more"
      ;;
    interp)    # run is a loop around a br_table, and calls fork and step itself
      dis=$(func_body "$w" run)
      grep -q 'br_table' <<<"$dis" || die "$p: run has no br_table (the switch is gone)"
      grep -q 'loop' <<<"$dis" || die "$p: run has no loop"
      grep -q 'call [0-9]* <fork>' <<<"$dis" || die "$p: run does not call fork itself"
      grep -q 'call [0-9]* <step>' <<<"$dis" || die "$p: run does not call step"
      ;;
    hot)       # run is a loop around a br_table that calls mod7, which calls fork
      dis=$(func_body "$w" run)
      grep -q 'br_table' <<<"$dis" || die "$p: run has no br_table (the switch is gone)"
      grep -q 'call [0-9]* <mod7>' <<<"$dis" || die "$p: run does not call mod7"
      func_body "$w" mod7 | grep -q 'call [0-9]* <fork>' || die "$p: mod7 does not call fork"
      ;;
    tailcall)  # relay tail-calls bottom (objdump names no return_call target)
      local b
      b=$("$objdump" -d "$w" | sed -n 's/^[0-9a-f]* func\[\([0-9]*\)\] <bottom>:$/\1/p')
      [ -n "$b" ] || die "$p: no function bottom"
      func_body "$w" relay | grep -Eq "return_call $b\$" || die "$p: relay does not tail-call bottom"
      ;;
    tailind)   # relay tail-calls through a table: return_call_indirect
      func_body "$w" relay | grep -q "return_call_indirect" || die "$p: relay has no return_call_indirect"
      ;;
    multivalue)   # split returns (i64, f64) as two wasm results
      local ty
      ty=$("$objdump" -x -j Function "$w" | awk '/<split>/ { sub(/.*sig=/, ""); sub(/ .*/, ""); print }')
      [ -n "$ty" ] || die "$p: no split function"
      "$objdump" -x -j Type "$w" | grep -q "type\[$ty\] (i32) -> (i64, f64)" \
        || die "$p: split is not (i32) -> (i64, f64): multivalue ABI not in effect"
      ;;
  esac
}

for p in "${progs[@]}"; do
  if [ -f "$here/progs/$p.wat" ]; then
    # A wat program holds module fields only; progs/prelude.wat (imports,
    # memory, output helpers) goes in front.  No native build: its
    # .expected is the oracle.
    command -v "$wat2wasm" >/dev/null 2>&1 || die "$wat2wasm not found (apt-get install wabt)"
    # A file that opens with "(module" (after its comments) stands alone.
    if grep -v '^;;' "$here/progs/$p.wat" | grep -q '^(module'; then
      cp "$here/progs/$p.wat" "$out/obj/$p.wat"
    else
      # its own imports must precede the prelude's functions
      { echo "(module"; grep '^ *(import ' "$here/progs/$p.wat" || true
        cat "$here/progs/prelude.wat"; grep -v '^ *(import ' "$here/progs/$p.wat" || true
        echo ")"; } >"$out/obj/$p.wat"
    fi
    "$wat2wasm" --enable-exceptions --enable-memory64 --enable-multi-memory \
      --enable-function-references "$out/obj/$p.wat" -o "$out/wasm/$p.wasm.tmp"
    "$objdump" -x -j Import "$out/wasm/$p.wasm.tmp" | grep -q '<- env\.fork$' || die "$p: no env.fork import"
    mv -f "$out/wasm/$p.wasm.tmp" "$out/wasm/$p.wasm"
    continue
  fi
  src="$here/progs/$p.c"
  [ -f "$src" ] || die "no such program: $src"
  # shellcheck disable=SC2046  # wasm_flags is a word list on purpose
  "$clang" --target=wasm32-wasi "${common[@]}" -mmutable-globals $(wasm_flags "$p") \
    -c "$src" -o "$out/obj/$p.o"
  "$clang" --target=wasm32-wasi "$out/obj/$p.o" -o "$out/wasm/$p.wasm.tmp" \
    -Wl,--export=__stack_pointer -Wl,--strip-debug
  check_shape "$p" "$out/wasm/$p.wasm.tmp"
  mv -f "$out/wasm/$p.wasm.tmp" "$out/wasm/$p.wasm"
  "$cc" "${common[@]}" -o "$out/native/$p" "$src"
done
echo "runtime/build.sh: built ${#progs[@]} programs in $out"
