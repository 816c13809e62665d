#!/usr/bin/env bash
# Installs the project's npm packages, pinned by the top-level
# package-lock.json, with `npm ci` into node_modules/:
#   binaryen@132.0.0   the current Binaryen (node_modules/.bin/wasm-opt runs
#                      under node): an oracle and a peer beside Debian's 108
#   wabt@1.0.39        WABT's JavaScript build (tests/lib/wabt.mjs)
#   wasmoon, @sqlite.org/sqlite-wasm  the real programs tests/workloads runs
#
# npm ci runs only when node_modules is missing or older than its lock file,
# so a second call costs nothing.  It needs node and npm (scripts/deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in .; do
  lock=$dir/package-lock.json
  stamp=$dir/node_modules/.forksize-lock.sha256
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then continue; fi
  echo "npm-deps: npm ci in $dir" >&2
  # --ignore-scripts: nothing these packages would run at install is needed.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done
