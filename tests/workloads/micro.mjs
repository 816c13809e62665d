// micro.mjs - fork latency and recursion depth of one variant of micro/depth.c,
// through the Asyncify ABI (the same protocol as tests/runtime/host.mjs, cut
// down to one process: the "fork" is an unwind to the host and a rewind back).
//
// Usage: node micro.mjs MODULE.wasm fork DEPTH REPS   -> JSON line
//        node micro.mjs MODULE.wasm maxdepth          -> JSON line
//
// fork: times REPS rounds of down_to(DEPTH, 1), each one unwind from the
// bottom frame plus one rewind back into it, and REPS rounds of the same call
// on the normal path (down_to(DEPTH, 0)).  Reports the median of each, in
// microseconds, and the save-area bytes the unwind used, per frame.  An
// uninstrumented module has no unwind: only its normal-path time is given.
// maxdepth: the deepest down_to(N, 0) that returns before V8 throws
// RangeError (stack overflow), by doubling then bisection.
import { readFileSync } from 'node:fs';

const [file, mode, ...rest] = process.argv.slice(2);
if (!file || !['fork', 'maxdepth'].includes(mode)) {
  console.error('usage: node micro.mjs MODULE.wasm fork DEPTH REPS | maxdepth');
  process.exit(2);
}
let ex;
let rewinding = false;
const imports = {
  env: {
    fork() {
      if (rewinding) { ex.asyncify_stop_rewind(); rewinding = false; return 0; }
      const data = ex.save_area();
      const dv = new DataView(ex.memory.buffer);
      dv.setInt32(data, data + 8, true);
      dv.setInt32(data + 4, data + (1 << 20), true);
      ex.asyncify_start_unwind(data);
      return 0;
    },
  },
};
const { instance } = await WebAssembly.instantiate(readFileSync(file), imports);
ex = instance.exports;
const instrumented = typeof ex.asyncify_start_unwind === 'function';

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const ns = () => process.hrtime.bigint();

if (mode === 'maxdepth') {
  const ok = (n) => { try { ex.down_to(n, 0); return true; } catch (e) { if (e instanceof RangeError) return false; throw e; } };
  let lo = 1, hi = 2;
  while (ok(hi)) { lo = hi; hi *= 2; if (hi > 1 << 26) break; }
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (ok(mid)) lo = mid; else hi = mid; }
  console.log(JSON.stringify({ mode, instrumented, max_depth: lo }));
} else {
  const depth = Number(rest[0]), reps = Number(rest[1] ?? 200);
  const normal = [], fork = [];
  let bytes = null, check = null;
  for (let r = 0; r < reps; r++) {
    let t = ns();
    const want = ex.down_to(depth, 0);
    normal.push(Number(ns() - t) / 1000);
    if (!instrumented) continue;
    const data = ex.save_area();
    t = ns();
    ex.down_to(depth, 1);                       // unwinds from the bottom frame
    ex.asyncify_stop_unwind();
    const used = new DataView(ex.memory.buffer).getInt32(data, true) - (data + 8);
    ex.asyncify_start_rewind(data);
    rewinding = true;
    const got = ex.down_to(depth, 1);           // rewinds, fork returns 0
    fork.push(Number(ns() - t) / 1000);
    if (rewinding || got !== want) throw new Error(`rewind gave ${got}, the normal path ${want}`);
    bytes = used; check = got;
  }
  console.log(JSON.stringify({
    mode, instrumented, depth, reps, normal_us: median(normal),
    fork_us: instrumented ? median(fork) : null,
    save_bytes: bytes, save_bytes_per_frame: bytes === null ? null : bytes / (depth + 1), checksum: check,
  }));
}
