#!/usr/bin/env bash
# README command 2: the whole test suite, as CI runs it.
#
#  1. install what is missing (scripts/deps.sh test)
#  2. fetch the real corpus into the cache (scripts/fetch-corpus.sh) and
#     install the workloads' npm packages with npm ci (scripts/npm-deps.sh)
#  3. build with gcc (Release) and run every test
#  4. build with clang-14 under AddressSanitizer + UndefinedBehaviorSanitizer
#     and run every test again
#  5. an 80 s fuzzing smoke of the four libFuzzer targets (scripts/fuzz.sh 20)
#  6. build (only) with gcc at -O0 with sanitizers, for its own warnings
#
# Build trees: build-test-gcc/ and build-test-asan/ (FORKSIZE_TEST_BUILDS
# moves them).  Extra arguments go to both ctest runs, e.g.
# scripts/test.sh -R oracle.  ctest runs with --no-tests=error, so a
# selection that matches nothing fails instead of passing empty.
set -euo pipefail
ctest_args=("$@")
cd "$(dirname "$0")/.."
root=$(pwd)
builds=${FORKSIZE_TEST_BUILDS:-$root}
jobs=$(nproc)

scripts/deps.sh test
scripts/fetch-corpus.sh
scripts/npm-deps.sh

status=0
run() {
  local name=$1; shift
  local dir="$builds/build-test-$name"
  echo "== $name: configure and build ($dir)" >&2
  cmake -S "$root" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $name: ctest" >&2
  if ! (cd "$dir" && ctest --output-on-failure --no-tests=error -j"$jobs" \
          ${ctest_args[@]+"${ctest_args[@]}"}); then
    status=1
  fi
}

run gcc -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc
# Any sanitizer report must fail its test, not scroll by as a warning.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Reports with file and line, not bare addresses (llvm-14 ships it).
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
run asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang-14 -DFORKSIZE_SANITIZE=ON

# A short fuzzing smoke (issue 13): 20 s for each of the three libFuzzer
# targets, on seeds made from the fixtures; any crash, leak, timeout or
# WABT-rejected output fails the run.  scripts/fuzz.sh runs longer ones.
# Only for the whole suite: a selection (scripts/test.sh -R X) skips it.
if [ ${#ctest_args[@]} -eq 0 ]; then
  echo "== fuzz: smoke (scripts/fuzz.sh 20)" >&2
  FUZZ_BUILD_DIR="$builds/build-test-fuzz" scripts/fuzz.sh 20 || status=1
fi

# gcc at -O0 warns about things -O2 and clang do not (format truncation):
# build that configuration too, without running the tests again.
echo "== gcc-debug: build only (warnings are errors)" >&2
cmake -S "$root" -B "$builds/build-test-gcc-debug" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=gcc -DFORKSIZE_SANITIZE=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$builds/build-test-gcc-debug" -j"$jobs" || status=1

if [ $status -ne 0 ]; then
  echo "test.sh: FAILED" >&2
else
  echo "test.sh: all test runs passed" >&2
fi
exit $status
