// forksh workload: corpus/forksh.wasm (a small shell that forks once per
// pipeline stage, corpus/forksh/forksh.c) runs shell scripts under the node
// host of tests/runtime (host.mjs: env.fork through the Asyncify ABI, plus
// env.pipe, env.wait and env.exit_child).
//
// Usage: node forksh.mjs MODULE.wasm [ITERATIONS]   one variant, in the host
//        node forksh.mjs --native BIN                the native build (real fork)
//
// Two parts:
// - nofork: lone commands, which forksh runs in the shell process without
//   forking (builtins over 200 KB of input, a 2000-line script, the error
//   paths).  Every variant runs it, the original and Binaryen -O2 included:
//   this is forksh's normal path.
// - pipe: pipelines, each stage a forked child, connected by pipes, the shell
//   waiting for every child.  Only a module with the asyncify_* exports can
//   fork: the original and Binaryen -O2 alone cannot (env.fork would trap), so
//   for them the part prints one "pipe: not run" line instead.
//
// Output (first iteration only): per script, its exit status, its stdout
// (each line when it has at most 6, else a summary: line count, bytes, first
// and last line, and the sum when every line is an integer) and its stderr.
// Every later iteration must print the same, or the run fails.  The expected
// output, expected/forksh.out, was derived from the scripts below (each
// derivation is in the comment beside it); workloads.forksh.native checks it
// against the native build too.
//
// In the host, each pipe script's fork count must equal the number of stages
// of its multi-stage pipelines (forksh forks one child per stage; a lone
// command forks none), derived beside each script.
//
// Timing (stderr, one JSON line): first_ms and later_ms time the nofork part
// (the workload's normal path, comparable with the original); pipes has the
// pipe part's times per iteration, its forks and its pipelines.
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { loadModule, Host } from '../runtime/host.mjs';

const argv = process.argv.slice(2);
const native = argv[0] === '--native';
const [target, itersArg] = native ? argv.slice(1) : argv;
if (!target) {
  console.error('usage: node forksh.mjs MODULE.wasm [ITERATIONS] | --native BIN');
  process.exit(2);
}
const iters = native ? 1 : Number(itersArg ?? 1);

// stdin texts.  lines(N): "line 1\n" ... "line N\n".  For N = 20000 the
// digits of 1..20000 number 9*1 + 90*2 + 900*3 + 9000*4 + 10001*5 = 88894,
// so the text has 20000 lines, 40000 words and 20000*6 + 88894 = 208894 bytes.
const N = 20000;
const lines = Array.from({ length: N }, (_, i) => `line ${i + 1}\n`).join('');
// numbers(N): "1\n" ... "20000\n", 88894 + 20000 = 108894 bytes.
const numbers = Array.from({ length: N }, (_, i) => `${i + 1}\n`).join('');

// A 2000-line script of lone commands: "echo wI x; true # I" for I = 1..2000.
// stdout: 2000 lines "wI x"; digits of 1..2000: 9 + 180 + 2700 + 1001*4 =
// 6893; each line adds "w", " x" and "\n": 2000*4 + 6893 = 14893 bytes.
const script2000 = Array.from({ length: 2000 }, (_, i) => `echo w${i + 1} x; true # ${i + 1}`).join('\n');

// 25 words of 36 characters ("w00" twelve times, ... "w24" twelve times):
// 25*36 + 24 spaces = 924 characters, so echo writes 925 bytes with its
// newline.  The line "echo ... | rev | wc" is 940 bytes: the words fill most
// of run_line's 1025-byte buffer on the shell's stack, so a child that does
// not get the parent's __stack_pointer overwrites them with its own frames.
const long = Array.from({ length: 25 }, (_, i) => `w${String(i).padStart(2, '0')}`.repeat(12)).join(' ');

// 100 lines "seq 1 I | sum", I = 1..100: each prints T(I) = I(I+1)/2, so
// first 1, last 5050, and the sum is 100*101*102/6 = 171700.  T(1..3) have 1
// digit, T(4..13) 2 (T(4) = 10, T(13) = 91), T(14..44) 3 (T(44) = 990),
// T(45..100) 4: 3 + 20 + 93 + 224 = 340 digits + 100 newlines = 440 bytes.
// Two stages each: 200 forks.
const loop100 = Array.from({ length: 100 }, (_, i) => `seq 1 ${i + 1} | sum`).join('\n');

const nofork = [
  // seq: 20000 lines, 108894 bytes, 1 .. 20000, sum 20000*20001/2 = 200010000.
  { name: 'nofork.seq', script: `seq 1 ${N}` },
  // wc counts lines(N): "20000 40000 208894".
  { name: 'nofork.wc', script: 'wc', stdin: lines },
  // upper and rev keep the length: 20000 lines, 208894 bytes;
  // first/last "LINE 1"/"LINE 20000" and "1 enil"/"00002 enil".
  { name: 'nofork.upper', script: 'upper', stdin: lines },
  { name: 'nofork.rev', script: 'rev', stdin: lines },
  // sum of 1..20000: "200010000".
  { name: 'nofork.sum', script: 'sum', stdin: numbers },
  // head 3: "line 1", "line 2", "line 3".
  { name: 'nofork.head', script: 'head 3', stdin: lines },
  // the 2000-line script (above): status of the last command, true: 0.
  { name: 'nofork.script', script: script2000 },
  // an unknown command: status 127, "forksh: nosuch: not found" on stderr.
  { name: 'nofork.notfound', script: 'nosuch a b' },
  // two lines, the status is the last one's: seq's usage error, 2.
  { name: 'nofork.usage', script: 'nosuch\nseq x' },
  // false alone: status 1, no output.
  { name: 'nofork.false', script: 'false' },
  // a pipeline with an empty stage is refused while parsing, before any fork:
  // status 2, "forksh: syntax error: empty pipeline stage".
  { name: 'nofork.emptystage', script: 'echo a |' },
  // 17 stages: at the 16th '|' there is no room (MAX_STAGES = 16), refused
  // before any fork: status 2, "forksh: syntax error near '|'".
  { name: 'nofork.seventeen', script: ['seq 3', ...Array(16).fill('cat')].join(' | ') },
];

const pipe = [
  // "a"; 2 forks.
  { name: 'pipe.echo_cat', script: 'echo a | cat', forks: 2, pipelines: 1 },
  // "Hello World" upper-cased and reversed: "DLROW OLLEH"; 3 forks.
  { name: 'pipe.three', script: 'echo Hello World | upper | rev', forks: 3, pipelines: 1 },
  // 1 + ... + 10 = 55; 2 forks.
  { name: 'pipe.sum', script: 'seq 10 | sum', forks: 2, pipelines: 1 },
  // the first 5 of 1..100 summed: 15; 3 forks.
  { name: 'pipe.head', script: 'seq 1 100 | head 5 | sum', forks: 3, pipelines: 1 },
  // "one two three\n": "1 3 14"; 2 forks.
  { name: 'pipe.wc', script: 'echo one two three | wc', forks: 2, pipelines: 1 },
  // rev twice is the identity, sum of 1..50 = 1275, upper and cat keep it; 6 forks.
  { name: 'pipe.six', script: 'seq 1 50 | rev | rev | sum | upper | cat', forks: 6, pipelines: 1 },
  // 16 stages, the most forksh allows: 1+2+3+4+5 = 15; 16 forks.
  { name: 'pipe.sixteen', script: ['seq 1 5', ...Array(14).fill('cat'), 'sum'].join(' | '), forks: 16, pipelines: 1 },
  // the last stage's status: false, 1; no output; 2 forks.
  { name: 'pipe.false', script: 'echo x | false', forks: 2, pipelines: 1 },
  // the last stage's status: true, 0, whatever the first; 2 forks.
  { name: 'pipe.true', script: 'false | true', forks: 2, pipelines: 1 },
  // an unknown last stage: status 127 and its message, from the child; 2 forks.
  { name: 'pipe.notfound', script: 'echo x | nosuch', forks: 2, pipelines: 1 },
  // quotes keep '|' and ';' inside a word: "a | b c;d"; 2 forks.
  { name: 'pipe.quotes', script: `echo 'a | b' "c;d" | cat`, forks: 2, pipelines: 1 },
  // the first stage reads the shell's stdin "abc\ndef\n": "ABC", "DEF"; 2 forks.
  { name: 'pipe.stdin', script: 'cat | upper', stdin: 'abc\ndef\n', forks: 2, pipelines: 1 },
  // four pipelines in order over three lines: "A", "b", "3 3 6" (seq 3 is
  // "1\n2\n3\n": 3 lines, 3 words, 6 bytes); the last, false | cat, has
  // cat's status 0; 2+2+2+2 = 8 forks.
  { name: 'pipe.lines', script: 'echo a | upper; echo b | cat\nseq 3 | wc\nfalse | cat', forks: 8, pipelines: 4 },
  // the 940-byte line (above): "1 25 925"; 3 forks.
  { name: 'pipe.longline', script: `echo ${long} | rev | wc`, forks: 3, pipelines: 1 },
  // the loop of 100 pipelines (above): 200 forks.
  { name: 'pipe.loop', script: loop100, forks: 200, pipelines: 100 },
];

// The report of one run.
function report(name, status, out, err) {
  const L = [`${name}: status ${status}`];
  const split = (s) => {
    const ls = s.split('\n');
    const nl = ls[ls.length - 1] === '';
    if (nl) ls.pop();
    return [ls, nl];
  };
  const [ol, onl] = split(out);
  if (ol.length <= 6) {
    for (const l of ol) L.push(`${name}: out | ${l}`);
  } else {
    const ints = ol.every((l) => /^-?[0-9]+$/.test(l));
    const sum = ints ? `, sum ${ol.reduce((a, l) => a + Number(l), 0)}` : '';
    L.push(`${name}: out ${ol.length} lines, ${Buffer.byteLength(out)} bytes, first "${ol[0]}", last "${ol[ol.length - 1]}"${sum}`);
  }
  if (out !== '' && !onl) L.push(`${name}: out (no newline at the end)`);
  const [el] = split(err);
  for (const l of el) L.push(`${name}: err | ${l}`);
  return L.join('\n');
}

let loaded = null;
if (!native) loaded = loadModule(target);
const canFork = native || loaded.exportKinds.get('asyncify_start_unwind') === 'function';

// Runs one script; returns its report and the forks the host counted.
function runScript(s) {
  if (native) {
    const r = spawnSync(target, ['-c', s.script], { input: s.stdin ?? '', encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    // killed by a signal: 128 + its number, as a shell reports it
    const status = r.status ?? 128 + (constants.signals[r.signal] ?? 0);
    return { text: report(s.name, status, r.stdout, r.stderr), forks: null };
  }
  const chunks = { 1: [], 2: [] };
  const diag = [];
  const host = new Host(loaded, {
    args: ['-c', s.script],
    stdin: Buffer.from(s.stdin ?? ''),
    write: (fd, buf) => chunks[fd].push(buf),
    diag: (m) => diag.push(m),
  });
  const status = host.run();
  if (diag.length) throw new Error(`${s.name}: the host reported: ${diag.join('; ')}`);
  const text = report(s.name, status, Buffer.concat(chunks[1]).toString(), Buffer.concat(chunks[2]).toString());
  return { text, forks: host.forks };
}

function runPart(scripts, it, first) {
  const t0 = performance.now();
  const texts = [];
  let forks = 0;
  for (const s of scripts) {
    const r = runScript(s);
    if (!native && s.forks !== undefined && r.forks !== s.forks)
      throw new Error(`${s.name}: the host counted ${r.forks} forks, the script has ${s.forks} pipeline stages`);
    if (!native && s.forks === undefined && r.forks !== 0) throw new Error(`${s.name}: a lone command forked`);
    forks += r.forks ?? 0;
    texts.push(r.text);
  }
  const ms = performance.now() - t0;
  const text = texts.join('\n');
  if (it === 0) console.log(text);
  else if (text !== first) throw new Error(`iteration ${it + 1} printed something else than the first`);
  return { ms, text, forks };
}

const times = [], pipeTimes = [];
let firstNo = null, firstPipe = null, forks = 0;
try {
  for (let it = 0; it < iters; it++) {
    const a = runPart(nofork, it, firstNo);
    if (it === 0) firstNo = a.text;
    times.push(a.ms);
    if (!canFork) {
      if (it === 0) console.log('pipe: not run: the module has no asyncify_* exports, so env.fork cannot unwind');
      continue;
    }
    const b = runPart(pipe, it, firstPipe);
    if (it === 0) firstPipe = b.text;
    pipeTimes.push(b.ms);
    forks = b.forks;
  }
} catch (e) {
  console.error(`forksh.mjs: ${e.message}`);
  process.exit(1);
}
if (!native) {
  const pipelines = pipe.reduce((n, s) => n + s.pipelines, 0);
  console.error(JSON.stringify({
    workload: 'forksh', first_ms: times[0], later_ms: times.slice(1),
    pipes: canFork ? { forks, pipelines, first_ms: pipeTimes[0], later_ms: pipeTimes.slice(1) } : null,
  }));
}
