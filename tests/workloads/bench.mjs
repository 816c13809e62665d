// bench.mjs - the run-time benchmark behind scripts/runtime-bench.sh.
//
// Usage: node bench.mjs CONFIG.json OUT_DIR
// CONFIG (written by runtime-bench.sh):
//   { reps, iters, variants: [names], workloads: [{name, module, dir, closure, script?, args?}],
//     micro: {dir, depths: [..], reps}, instrument: [{module, variant, seconds, rss_kb}],
//     meta: {...} }
// Writes OUT_DIR/runtime.json (schema forksize/runtime-bench@1) and
// OUT_DIR/runtime.md.  Every figure is measured on this machine; ratios are
// to the original module of the same workload.
//
// Method:
// - normal path: each workload script runs ITERS iterations in one process
//   and reports the first (compile, instantiate, tier-up) apart from the
//   later ones (steady state: their median).  The variants alternate inside
//   each of REPS rounds, so that drift of the machine spreads over all of them.
// - engine compile: WebAssembly.compile in a fresh node, default flags
//   (Liftoff, lazy tier-up) and with --no-liftoff (TurboFan for every function).
// - active path: one `node --cpu-prof` run of each variant.  Samples in wasm
//   functions are mapped to function indices; the share of wasm samples that
//   fall in closure functions shows the instrumented code really ran (on the
//   original and forkinstr, whose function indices are the same).  The top 5
//   functions by self time are listed per variant.
// - forksh: its timing line also has `pipes` (the pipeline part, which only a
//   variant with the asyncify_* exports can run): forks and pipelines per
//   iteration and the part's times, from which the time per fork, per
//   pipeline and forks per second follow (ratios to Asyncify -O2, since the
//   original cannot fork).  Its normal path (first_ms, later_ms) is the
//   lone-command part, which every variant runs.
// - a workload's `script` (default NAME.mjs) and `args` say how to run it:
//   the C programs of tests/runtime run through cprog.mjs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [cfgPath, outDir] = process.argv.slice(2);
if (!cfgPath || !outDir) { console.error('usage: node bench.mjs CONFIG.json OUT_DIR'); process.exit(2); }
const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
const node = process.execPath;
const median = (a) => { if (!a.length) return null; const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stat = (a) => ({ median: median(a), min: Math.min(...a), max: Math.max(...a), n: a.length });
const log = (s) => process.stderr.write(`runtime-bench: ${s}\n`);
// The node arguments that run one workload's script (before MODULE ITERS ARGS).
// Node 20 reads a branch hint section (forkinstr-hints) only with this flag;
// every variant gets it, and a module without the section is not affected.
const HINTS = '--experimental-wasm-branch-hinting';
const wlCommand = (wl) => [HINTS, join(here, wl.script ?? `${wl.name}.mjs`)];

function run(args, what) {
  const r = spawnSync(node, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}):\n${r.stderr}`);
  return r;
}

// ---- normal path --------------------------------------------------------
const results = { schema: 'forksize/runtime-bench@1', label: 'measured', meta: cfg.meta, workloads: [] };
for (const wl of cfg.workloads) {
  const per = Object.fromEntries(cfg.variants.map((v) => [v, { first: [], steady: [], pipes: [] }]));
  let reference = null;
  // forksh's pipeline lines exist only where the module can fork: the
  // variants are compared on the rest (run.sh checks the pipelines).
  const comparable = (out) => (wl.name === 'forksh' ? out.split('\n').filter((l) => !l.startsWith('pipe')).join('\n') : out);
  for (let rep = 0; rep < cfg.reps; rep++) {
    for (const v of cfg.variants) {
      const r = run([...wlCommand(wl), join(wl.dir, `${v}.wasm`), String(cfg.iters), ...(wl.args ?? [])], `${wl.name} ${v}`);
      if (reference === null) reference = comparable(r.stdout);
      if (comparable(r.stdout) !== reference) throw new Error(`${wl.name} ${v}: output differs from the original's`);
      const t = JSON.parse(r.stderr.trim().split('\n').filter((l) => l.startsWith('{"workload"')).pop());
      per[v].first.push(t.first_ms);
      per[v].steady.push(median(t.later_ms));
      if (t.pipes) per[v].pipes.push(t.pipes);
    }
    log(`${wl.name}: round ${rep + 1}/${cfg.reps}`);
  }
  const base = { first: median(per.original.first), steady: median(per.original.steady) };
  const variants = {};
  for (const v of cfg.variants) {
    const ratio = (k) => per[v][k].map((x) => x / base[k]);
    variants[v] = {
      first_ms: stat(per[v].first), steady_ms: stat(per[v].steady),
      first_ratio: stat(ratio('first')), steady_ratio: stat(ratio('steady')),
      bytes: readFileSync(join(wl.dir, `${v}.wasm`)).length,
    };
    const p = per[v].pipes;
    if (p.length) {
      // per iteration of the pipeline part, steady state (median of the later ones)
      const steady = p.map((x) => median(x.later_ms));
      variants[v].pipes = {
        forks: p[0].forks, pipelines: p[0].pipelines,
        first_ms: stat(p.map((x) => x.first_ms)), steady_ms: stat(steady),
        us_per_fork: stat(steady.map((ms) => (1000 * ms) / p[0].forks)),
        us_per_pipeline: stat(steady.map((ms) => (1000 * ms) / p[0].pipelines)),
        forks_per_s: stat(steady.map((ms) => p[0].forks / (ms / 1000))),
      };
    }
  }
  const pb = variants['asyncify-o2']?.pipes;
  if (pb) for (const v of cfg.variants) {
    const e = variants[v].pipes;
    if (e) e.steady_ratio_to_asyncify = stat(per[v].pipes.map((x) => median(x.later_ms) / pb.steady_ms.median));
  }
  results.workloads.push({ name: wl.name, module: wl.module, iters: cfg.iters, reps: cfg.reps, variants });
}

// ---- engine compile time --------------------------------------------------
const compileSrc = `const b=require('fs').readFileSync(process.argv[1]);const t=process.hrtime.bigint();
WebAssembly.compile(b).then(()=>console.log(Number(process.hrtime.bigint()-t)/1e6));`;
for (const w of results.workloads) {
  const dir = cfg.workloads.find((x) => x.name === w.name).dir;
  for (const v of cfg.variants) {
    const d = [], o = [];
    for (let i = 0; i < Math.max(3, cfg.reps); i++) {
      d.push(Number(run([HINTS, '-e', compileSrc, join(dir, `${v}.wasm`)], 'compile').stdout));
      o.push(Number(run([HINTS, '--no-liftoff', '-e', compileSrc, join(dir, `${v}.wasm`)], 'compile').stdout));
    }
    w.variants[v].compile_ms = stat(d);
    w.variants[v].compile_turbofan_ms = stat(o);
  }
  log(`${w.name}: compile times`);
}

// ---- active path and top functions (node --cpu-prof) ---------------------
function profile(wl, wasm) {
  const dir = mkdtempSync(join(tmpdir(), 'fs-prof-'));
  try {
    run(['--cpu-prof', `--cpu-prof-dir=${dir}`, ...wlCommand(wl), wasm, String(cfg.iters), ...(wl.args ?? [])], 'cpu-prof');
    const p = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map();
    for (let i = 0; i < p.samples.length; i++) {
      const cf = byId.get(p.samples[i]).callFrame;
      // Node's own module loader and V8's pseudo-frames are not the program.
      if (cf.url.startsWith('node:') || cf.functionName.startsWith('(')) continue;
      const k = cf.url.startsWith('wasm://') ? cf.functionName : `js:${cf.functionName || '(anonymous)'}`;
      self.set(k, (self.get(k) || 0) + p.timeDeltas[i] / 1000);
    }
    return self;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
const wasmIndex = (k) => { const m = /^wasm-function\[(\d+)\]$/.exec(k) || /^\$?func(\d+)$/.exec(k); return m ? Number(m[1]) : null; };
for (const w of results.workloads) {
  const wl = cfg.workloads.find((x) => x.name === w.name);
  const rows = JSON.parse(readFileSync(wl.closure, 'utf8'));
  const closure = new Set(rows.map((r) => r.index));
  // A module with a name section (forksh, the C programs) is profiled by
  // function name: map the closure's names back to their indices.
  const byName = new Map(rows.filter((r) => r.name).map((r) => [r.name, r.index]));
  let baseTop = null;
  for (const v of cfg.variants) {
    const self = profile(wl, join(wl.dir, `${v}.wasm`));
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([fn, ms]) => ({ fn, self_ms: Math.round(ms) }));
    const entry = { top5: top };
    if (v === 'original' || v.startsWith('forkinstr')) {
      // Function indices are the original's in these variants (forkinstr
      // appends its runtime functions after the module's own).
      let wasmMs = 0, inClosure = 0; const hit = new Set();
      for (const [fn, ms] of self) {
        if (fn.startsWith('js:') || fn.startsWith('wasm-to-js:') || fn.startsWith('js-to-wasm:')) continue;
        wasmMs += ms;
        const i = wasmIndex(fn) ?? byName.get(fn) ?? null;
        if (i !== null && closure.has(i)) { inClosure += ms; hit.add(i); }
      }
      entry.active = { closure_functions: closure.size, closure_functions_sampled: hit.size,
        wasm_self_ms: Math.round(wasmMs), closure_self_ms: Math.round(inClosure),
        closure_share: wasmMs ? inClosure / wasmMs : 0 };
    }
    const names = top.map((t) => t.fn);
    if (baseTop === null) baseTop = names;
    entry.top5_changed = names.join() !== baseTop.join();
    w.variants[v].profile = entry;
  }
  log(`${w.name}: profiles`);
}

// ---- fork latency and recursion depth (micro/depth.c) --------------------
results.micro = { depths: cfg.micro.depths, variants: {} };
for (const v of cfg.micro.variants) {
  const m = join(cfg.micro.dir, `${v}.wasm`);
  const e = { by_depth: {} };
  for (const d of cfg.micro.depths)
    e.by_depth[d] = JSON.parse(run([join(here, 'micro.mjs'), m, 'fork', String(d), String(cfg.micro.reps)], 'micro fork').stdout);
  e.max_depth = JSON.parse(run([join(here, 'micro.mjs'), m, 'maxdepth'], 'micro maxdepth').stdout).max_depth;
  e.bytes = readFileSync(m).length;
  results.micro.variants[v] = e;
}
log('micro: fork latency and depth');
results.instrument = cfg.instrument;

writeFileSync(join(outDir, 'runtime.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(outDir, 'runtime.md'), markdown(results));
log(`wrote ${join(outDir, 'runtime.json')} and runtime.md`);

function markdown(r) {
  const f = (x, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));
  const L = [];
  L.push(`# Run-time cost of fork instrumentation [measured]`, '');
  L.push(`node ${r.meta.node}, V8 ${r.meta.v8}; ${r.meta.cores} cores; ${r.meta.forksize} (${r.meta.commit}); ${r.meta.wasm_opt}; ` +
    `roots ${r.meta.roots}, ${r.meta.policy}; ${cfg.reps} rounds × ${cfg.iters} iterations. ` +
    'Ratios are to the original module: median (min–max) over the rounds.', '');
  L.push('## Normal path (nobody forks)', '');
  L.push('| workload | variant | bytes | steady ×orig | first run ×orig | steady ms | compile ms (Liftoff) | compile ms (TurboFan) | closure share of wasm samples |');
  L.push('|---|---|---:|---|---|---:|---:|---:|---:|');
  for (const w of r.workloads) for (const [v, e] of Object.entries(w.variants)) {
    const a = e.profile && e.profile.active;
    L.push(`| ${w.name} | ${v} | ${e.bytes} | ${f(e.steady_ratio.median)} (${f(e.steady_ratio.min)}–${f(e.steady_ratio.max)}) | ` +
      `${f(e.first_ratio.median)} (${f(e.first_ratio.min)}–${f(e.first_ratio.max)}) | ${f(e.steady_ms.median, 0)} | ` +
      `${f(e.compile_ms.median, 1)} | ${f(e.compile_turbofan_ms.median, 1)} | ${a ? `${(100 * a.closure_share).toFixed(0)}% (${a.closure_functions_sampled} of ${a.closure_functions})` : '–'} |`);
  }
  const pw = r.workloads.filter((w) => Object.values(w.variants).some((e) => e.pipes));
  if (pw.length) {
    L.push('', '## forksh pipelines (a fork per stage; only variants with the asyncify_* exports can fork)', '');
    L.push('Steady state: the median of the later iterations of the pipeline part; median (min–max) over the rounds. ' +
      'The original and Binaryen -O2 alone cannot fork, so ratios are to Asyncify -O2.', '');
    L.push('| workload | variant | forks / pipelines per iteration | steady ms | µs per fork | µs per pipeline | forks per second | ×asyncify-o2 |');
    L.push('|---|---|---:|---:|---:|---:|---:|---|');
    for (const w of pw) for (const [v, e] of Object.entries(w.variants)) {
      const p = e.pipes;
      if (!p) { L.push(`| ${w.name} | ${v} | cannot fork | – | – | – | – | – |`); continue; }
      const sr = p.steady_ratio_to_asyncify;
      L.push(`| ${w.name} | ${v} | ${p.forks} / ${p.pipelines} | ${f(p.steady_ms.median, 1)} (${f(p.steady_ms.min, 1)}–${f(p.steady_ms.max, 1)}) | ` +
        `${f(p.us_per_fork.median, 0)} | ${f(p.us_per_pipeline.median, 0)} | ${f(p.forks_per_s.median, 0)} | ` +
        `${sr ? `${f(sr.median)} (${f(sr.min)}–${f(sr.max)})` : '–'} |`);
    }
  }
  L.push('', '## Top 5 functions by self time', '');
  for (const w of r.workloads) for (const [v, e] of Object.entries(w.variants))
    L.push(`- ${w.name} ${v}${e.profile.top5_changed ? ' (set differs from the original)' : ''}: ` +
      e.profile.top5.map((t) => `${t.fn} ${t.self_ms} ms`).join(', '));
  L.push('', '## Fork latency (one unwind + rewind) and recursion depth, micro/depth.c', '');
  L.push(`| variant | bytes | ${r.micro.depths.map((d) => `fork µs @${d}`).join(' | ')} | ${r.micro.depths.map((d) => `normal µs @${d}`).join(' | ')} | save bytes/frame | max depth | depth ×orig |`);
  L.push(`|---|---:|${r.micro.depths.map(() => '---:|').join('')}${r.micro.depths.map(() => '---:|').join('')}---:|---:|---:|`);
  const od = r.micro.variants.original.max_depth;
  for (const [v, e] of Object.entries(r.micro.variants)) {
    const bd = r.micro.depths.map((d) => e.by_depth[d]);
    L.push(`| ${v} | ${e.bytes} | ${bd.map((x) => f(x.fork_us, 1)).join(' | ')} | ${bd.map((x) => f(x.normal_us, 1)).join(' | ')} | ` +
      `${f(bd[bd.length - 1].save_bytes_per_frame, 1)} | ${e.max_depth} | ${f(e.max_depth / od)} |`);
  }
  L.push('', '## Instrumentation time and peak memory', '');
  L.push('| module | tool | seconds | peak RSS MB |', '|---|---|---:|---:|');
  for (const i of r.instrument) L.push(`| ${i.module} | ${i.variant} | ${f(i.seconds)} | ${f(i.rss_kb / 1024, 1)} |`);
  return L.join('\n') + '\n';
}
