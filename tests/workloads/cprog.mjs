// cprog workload: one C program of tests/runtime/progs (built for wasm32-wasi
// by tests/runtime/build.sh), run ITERATIONS times in one node process under
// the host of tests/runtime (host.mjs as a library: the module is compiled
// once, each run is a fresh instance, as `node host.mjs` would make it).
//
// Usage: node cprog.mjs MODULE.wasm [ITERATIONS] [NAME]
// Prints the first run's exit status, stdout and stderr (every later run must
// print the same, or this fails), then on stderr a JSON line of timings: the
// first run (compile, instantiate and tier-up included) apart from the later
// ones.  The programs are run as tests/runtime/run.sh runs them, with the
// arguments alpha 'beta gamma'.  A program that forks runs only on a variant
// with the asyncify_* exports; on the others its env.fork traps, and the host's
// message makes this fail.
import { basename } from 'node:path';
import { loadModule, Host } from '../runtime/host.mjs';

const [wasm, itersArg, nameArg] = process.argv.slice(2);
if (!wasm) {
  console.error('usage: node cprog.mjs MODULE.wasm [ITERATIONS] [NAME]');
  process.exit(2);
}
const iters = Number(itersArg ?? 1);
const name = nameArg ?? basename(wasm, '.wasm');
const loaded = loadModule(wasm);

const times = [];
let first = null;
for (let it = 0; it < iters; it++) {
  const out = { 1: [], 2: [] };
  const diag = [];
  const t0 = performance.now();
  const status = new Host(loaded, {
    args: ['alpha', 'beta gamma'],
    stdin: Buffer.alloc(0),
    write: (fd, b) => out[fd].push(b),
    diag: (m) => diag.push(m),
  }).run();
  times.push(performance.now() - t0);
  if (diag.length) {
    console.error(`cprog.mjs: ${name}: the host reported: ${diag.join('; ')}`);
    process.exit(1);
  }
  const text = `status ${status}\n--- stdout\n${Buffer.concat(out[1])}--- stderr\n${Buffer.concat(out[2])}`;
  if (it === 0) {
    first = text;
    process.stdout.write(text);
  } else if (text !== first) {
    console.error(`cprog.mjs: ${name}: run ${it + 1} printed something else than the first`);
    process.exit(1);
  }
}
console.error(JSON.stringify({ workload: `c-${name}`, first_ms: times[0], later_ms: times.slice(1) }));
