#!/usr/bin/env bash
# Installs what forksize needs to build and test, when it is missing.
#
# Usage: scripts/deps.sh [build|test]
#   build  the compiler toolchain, CMake, cJSON and libbinaryen
#   test   build + the oracles and runtimes the tests use (WABT, Binaryen,
#          clang-14 for wasm32-wasi, node and npm for the corpus)
#
# Every need is checked by the command or library it provides, so a tool
# that is already there (from Debian or elsewhere) is never reinstalled.
# Packages go in with --no-install-recommends, so anything a tool merely
# recommends (gcc -> libc6-dev) is listed here explicitly.
# Only Debian packages are installed, with apt-get, as root or via sudo.
set -euo pipefail

mode=${1:-test}

# command-or-check|debian package
build_needs='
cc|gcc
file:/usr/include/stdio.h|libc6-dev
make|make
cmake|cmake
pkg-config|pkg-config
lib:libcjson|libcjson-dev
file:/usr/include/binaryen-c.h|binaryen
'
test_needs='
clang-14|clang-14
wasm-ld-14|lld-14
wat2wasm|wabt
wasm-objdump|wabt
wasm-opcodecnt|wabt
wasm-validate|wabt
wasm-opt|binaryen
node|nodejs
npm|npm
sha256sum|coreutils
file:/usr/bin/time|time
file:/usr/include/wasm32-wasi/stdio.h|wasi-libc
clangrt-wasm32|libclang-rt-14-dev-wasm32
clangrt-asan|libclang-rt-14-dev
file:/usr/lib/llvm-14/bin/llvm-symbolizer|llvm-14
c++filt|binutils
chromium|chromium
script|bsdutils
'

have() {
  case "$1" in
    lib:*) pkg-config --exists "${1#lib:}" 2>/dev/null ;;
    file:*) [ -e "${1#file:}" ] ;;
    clangrt-wasm32) compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null ;;
    clangrt-asan) compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a' >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

needs=$build_needs
[ "$mode" = test ] && needs="$build_needs$test_needs"

missing=()
while IFS='|' read -r check pkg; do
  [ -n "$check" ] || continue
  if ! have "$check"; then
    case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
  fi
done <<< "$needs"

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "deps: missing ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

# Check again: a package that installed but did not provide what we need
# should fail here, not three steps later.
still=()
while IFS='|' read -r check pkg; do
  [ -n "$check" ] || continue
  have "$check" || still+=("$check ($pkg)")
done <<< "$needs"
if [ ${#still[@]} -ne 0 ]; then
  echo "deps: still missing after install: ${still[*]}" >&2
  exit 1
fi
