#!/usr/bin/env bash
# chromium-host.sh [--memory64] MODULE.wasm [args...] - host.mjs in Chromium.
#
# The same run as `node host.mjs [--memory64] MODULE.wasm args...` (stdout,
# stderr and exit status), for modules node 20's V8 cannot run: multi-memory,
# and later exnref.  Debian's chromium ships a current V8.
#
# host.mjs itself runs unchanged: a page maps the node: modules it imports
# (fs, path, crypto, url) to small shims through an import map, gives it
# `process` and `Buffer`, and embeds the module's bytes.  Its output is
# collected in memory and written into the page as one line, "STATUS
# OUT ERR" (the streams in base64), which --dump-dom prints.  Processes run
# one after another inside one synchronous call, as under node, so the page
# is complete when it loads.  stdin is empty.
#
# Env: CHROMIUM (default: chromium on PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$chromium" ] || { echo "chromium-host: chromium not found (scripts/deps.sh test installs it)" >&2; exit 2; }
mem64=false
if [ "${1:-}" = --memory64 ]; then mem64=true; shift; fi
[ $# -ge 1 ] || { echo "usage: chromium-host.sh [--memory64] MODULE.wasm [args...]" >&2; exit 2; }
mod=$1; shift
[ -r "$mod" ] || { echo "chromium-host: cannot read $mod" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
b64() { base64 -w0 "$@"; }
js_url() { printf 'data:text/javascript;base64,%s' "$(printf '%s' "$1" | b64)"; }

# The shims: only what host.mjs calls.
fs_js='const out = globalThis.__hostOut;
export default {
  readFileSync(p) { const f = globalThis.__hostFiles[p]; if (!f) throw new Error(`no such file ${p}`); return f; },
  writeSync(fd, buf, off = 0, len = buf.length - off) { out[fd === 2 ? 2 : 1].push(buf.slice(off, off + len)); return len; },
  readSync() { return 0; },
  realpathSync(p) { return p; },
};'
path_js='export default { basename: (p) => p.replace(/.*\//, "") };'
crypto_js='export default { randomFillSync(a) { for (let i = 0; i < a.length; i += 65536) globalThis.crypto.getRandomValues(a.subarray(i, i + 65536)); return a; } };'
url_js='export function fileURLToPath(u) { return String(u); }'

args_json=$("${NODE:-node}" -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' -- "$@" 2>/dev/null ||
            printf '[]')
name=$(basename "$mod")
cat >"$tmp/page.html" <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script type="importmap">
{ "imports": {
  "node:fs": "$(js_url "$fs_js")",
  "node:path": "$(js_url "$path_js")",
  "node:crypto": "$(js_url "$crypto_js")",
  "node:url": "$(js_url "$url_js")"
} }
</script>
<script>
// What host.mjs expects of node's globals.
globalThis.__hostOut = { 1: [], 2: [] };
class Buffer extends Uint8Array {
  static from(x) {
    if (typeof x === 'string') { const e = new TextEncoder().encode(x); const b = new Buffer(e.length); b.set(e); return b; }
    const b = new Buffer(x.length); b.set(x); return b;
  }
  static concat(list) {
    const b = new Buffer(list.reduce((n, x) => n + x.length, 0));
    let at = 0; for (const x of list) { b.set(x, at); at += x.length; }
    return b;
  }
  toString() { return new TextDecoder().decode(this); }
}
globalThis.Buffer = Buffer;
globalThis.process = {
  argv: [], env: {},
  stderr: { write(s) { globalThis.__hostOut[2].push(Buffer.from(String(s))); return true; } },
  stdout: { write(s) { globalThis.__hostOut[1].push(Buffer.from(String(s))); return true; } },
  hrtime: { bigint: () => BigInt(Math.round(performance.now() * 1e6)) },
  exit(c) { throw new Error('process.exit(' + c + ')'); },
};
const bin = atob("$(b64 "$mod")");
const bytes = new Uint8Array(bin.length);
for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
globalThis.__hostFiles = { "$name": bytes };
</script>
<script type="module">
import { loadModule, Host, HostUsageError } from "$(js_url "$(cat "$here/host.mjs")")";
const enc = (list) => { let s = ''; for (const b of list) for (const c of b) s += String.fromCharCode(c); return btoa(s); };
let status;
try {
  status = new Host(loadModule("$name", { memory64: $mem64 }), { args: $args_json }).run();
} catch (e) {
  status = e instanceof HostUsageError ? 2 : 134;
  process.stderr.write('host: ' + e.message + '\n');
}
const r = document.createElement('pre');
r.id = 'result';
r.textContent = status + ' ' + (enc(__hostOut[1]) || '-') + ' ' + (enc(__hostOut[2]) || '-');
document.body.appendChild(r);
</script>
</head><body></body></html>
EOF
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
  --virtual-time-budget=60000 --dump-dom "file://$tmp/page.html" >"$tmp/dom" 2>"$tmp/chromium.err" || true
line=$(sed -n 's/.*<pre id="result">\([0-9]* [A-Za-z0-9+/=-]* [A-Za-z0-9+/=-]*\)<\/pre>.*/\1/p' "$tmp/dom")
if [ -z "$line" ]; then
  echo "chromium-host: the page printed no result; chromium said:" >&2
  head -c 2000 "$tmp/chromium.err" >&2
  exit 125
fi
read -r status out err <<<"$line"
[ "$out" = - ] || printf '%s' "$out" | base64 -d
[ "$err" = - ] || printf '%s' "$err" | base64 -d >&2
exit "$status"
