#!/usr/bin/env bash
# Installs the project's npm packages, pinned by package-lock.json, with
# `npm ci`, into each folder that has a lock file:
#   tests/workloads/   the real programs the workloads run (wasmoon, sqlite-wasm)
#
# npm ci runs only when node_modules is missing or older than its lock file,
# so a second call costs nothing.  It needs node and npm (scripts/deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tests/workloads; do
  lock=$dir/package-lock.json
  stamp=$dir/node_modules/.forksize-lock.sha256
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then continue; fi
  echo "npm-deps: npm ci in $dir" >&2
  # --ignore-scripts: nothing these packages would run at install is needed.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done
