// Lua workload: wasmoon's own JS glue runs a given glue.wasm (original or
// instrumented) through Lua scripts that cover recursion, tables and strings,
// coroutines, closures and pcall/error.
//
// Usage: node lua.mjs MODULE.wasm [ITERATIONS]
// Prints one deterministic result line per script (first iteration only),
// then, on stderr, a JSON line of timings: the first iteration (compile,
// instantiate and tier-up included) apart from the later ones.
import { LuaFactory } from 'wasmoon';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const [wasm, itersArg] = process.argv.slice(2);
if (!wasm) { console.error('usage: node lua.mjs MODULE.wasm [ITERATIONS]'); process.exit(2); }
const iters = Number(itersArg ?? 1);
const scripts = ['recursion', 'tables', 'coroutines', 'closures'];
const sources = scripts.map((s) => readFileSync(join(here, 'lua', `${s}.lua`), 'utf8'));

const times = [];
for (let it = 0; it < iters; it++) {
  const t0 = performance.now();
  // A new factory per iteration on the first only: the steady state reuses
  // the compiled module, as a long-running program would.
  if (it === 0) globalThis.__luaFactory = new LuaFactory(resolve(wasm));
  const lua = await globalThis.__luaFactory.createEngine();
  try {
    for (let i = 0; i < scripts.length; i++) {
      const out = await lua.doString(sources[i]);
      if (it === 0) console.log(`${scripts[i]}: ${out}`);
    }
  } finally {
    lua.global.close();
  }
  times.push(performance.now() - t0);
}
console.error(JSON.stringify({ workload: 'lua', first_ms: times[0], later_ms: times.slice(1) }));
