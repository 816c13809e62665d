#!/usr/bin/env bash
# Build the bundled corpus module corpus/forksh.wasm from corpus/forksh/forksh.c.
#
# Usage: corpus/forksh/build.sh              -> writes corpus/forksh.wasm (atomically)
#        corpus/forksh/build.sh --native OUT -> builds a native binary OUT with $CC (default cc)
#
# Toolchain (Debian): clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32.
# Overrides: CLANG (default clang-14), WASM_LD (default wasm-ld-14, else wasm-ld),
#            WASI_SYSROOT (default /usr: headers in include/wasm32-wasi, libs in lib/wasm32-wasi).
#
# Compile and link are separate steps on purpose: when clang links with -O2 it
# also runs wasm-opt if one is on PATH, which drops the name section and makes
# the output depend on the binaryen version.  wasm-ld is called directly with
# --strip-debug (Debian's libc.a carries DWARF) and without -s, so the "name"
# section stays.  env.* imports come from import_module/import_name attributes,
# so no --allow-undefined is needed: any other undefined symbol is an error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/forksh.c"
die() { echo "forksh/build.sh: $*" >&2; exit 1; }

if [ "${1:-}" = "--native" ]; then
  [ $# -eq 2 ] || die "usage: build.sh --native OUT"
  cc=${CC:-cc}
  command -v "$cc" >/dev/null 2>&1 || die "host C compiler '$cc' not found (set CC)"
  out=$2
  tmp="$out.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  "$cc" -std=c11 -O2 -Wall -Wextra -o "$tmp" "$src"
  mv -f "$tmp" "$out"
  echo "forksh/build.sh: wrote $out" >&2
  exit 0
fi
[ $# -eq 0 ] || die "usage: build.sh [--native OUT]"

clang=${CLANG:-clang-14}
command -v "$clang" >/dev/null 2>&1 || die "$clang not found (apt-get install clang-14, or set CLANG)"
if [ -n "${WASM_LD:-}" ]; then wasm_ld=$WASM_LD
elif command -v wasm-ld-14 >/dev/null 2>&1; then wasm_ld=wasm-ld-14
else wasm_ld=wasm-ld; fi
command -v "$wasm_ld" >/dev/null 2>&1 || die "$wasm_ld not found; need wasm-ld-14 or wasm-ld (apt-get install lld-14, or set WASM_LD)"
sysroot=${WASI_SYSROOT:-/usr}
libdir="$sysroot/lib/wasm32-wasi"
for f in "$sysroot/include/wasm32-wasi/unistd.h" "$libdir/libc.a" "$libdir/crt1-command.o"; do
  [ -f "$f" ] || die "wasi-libc not found: no $f (apt-get install wasi-libc, or set WASI_SYSROOT)"
done
rt=$("$clang" --target=wasm32-wasi -print-libgcc-file-name)
[ -f "$rt" ] || die "compiler-rt builtins $rt not found (apt-get install libclang-rt-14-dev-wasm32)"

out="$here/../forksh.wasm"
work=$(mktemp -d)
trap 'rm -rf "$work" "$out.tmp.$$"' EXIT
# -g0: no DWARF from our object; names still come from the linker's name section.
"$clang" --target=wasm32-wasi --sysroot="$sysroot" -std=c11 -O2 -g0 -Wall -Wextra \
  -c "$src" -o "$work/forksh.o"
"$wasm_ld" -m wasm32 --strip-debug -L"$libdir" "$libdir/crt1-command.o" "$work/forksh.o" \
  -lc "$rt" -o "$work/forksh.wasm"
# Copy next to the target first (same filesystem), then rename: readers never see a partial file.
cp "$work/forksh.wasm" "$out.tmp.$$"
chmod 644 "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
echo "forksh/build.sh: wrote $(cd "$(dirname "$out")" && pwd)/forksh.wasm ($(wc -c < "$out") bytes)" >&2
