#!/usr/bin/env bash
# chromium.sh - runs an instrumented wat program under minihost.js in
# headless chromium and prints what its processes wrote, one line each,
# then "exit N".  For programs node 20 cannot load (typed function
# references in their standard encoding).
# Usage: chromium.sh MODULE.wasm
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wasm=$1
chromium=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo '<!doctype html><html><head><title>running</title></head><body><pre id="forkout"></pre>'
  printf '<script id="wasm" type="application/octet-stream">%s</script>\n' "$(base64 -w0 "$wasm")"
  echo '<script>'; cat "$here/minihost.js"; echo '</script></body></html>'
} >"$tmp/page.html"
# --virtual-time-budget lets the page's promises settle before the dump.
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
  --virtual-time-budget=10000 --dump-dom "file://$tmp/page.html" >"$tmp/dom.html" 2>"$tmp/chromium.err" ||
  { cat "$tmp/chromium.err" >&2; exit 1; }
sed -n '/<pre id="forkout">/,/<\/pre>/p' "$tmp/dom.html" | sed -e 's/.*<pre id="forkout">//' -e 's/<\/pre>.*//' |
  sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
