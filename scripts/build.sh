#!/usr/bin/env bash
# README command 1: install what is missing, build forksize (Release, in
# build/), and run it on the module bundled in corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)"
echo "+ build/forksize --stats corpus/forksh.wasm" >&2
build/forksize --stats corpus/forksh.wasm
