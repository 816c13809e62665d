// Branch hint sections (metadata.code.branch_hint) read on their own, to
// check what forksize instrument writes.
//
//   node hints.mjs check IN.wasm OUT.wasm ADDED
//       OUT's hints: each on an if (0x04) or br_if (0x0d) opcode of its body;
//       every hint of IN found in OUT on an instruction with the same 4
//       bytes before it (forkinstr copies original code byte for byte; an
//       end it put right before the instruction is skipped) and the same
//       value; OUT has exactly ADDED hints more than IN, all of
//       them 0 (unlikely) and on an if.  Prints the counts.
//   node hints.mjs strip IN.wasm OUT.wasm
//       OUT = IN without its hint section (nothing else changes).
//   node hints.mjs corrupt IN.wasm OUT.wasm
//       OUT = IN with the first hinted function's index set to 127 (not a
//       function); prints the file offset of that byte.
import { readFileSync, writeFileSync } from 'node:fs';

const NAME = 'metadata.code.branch_hint';
const fail = (m) => { console.error(`hints.mjs: ${m}`); process.exit(1); };

function leb(b, o) {
  let v = 0, s = 0, x;
  do { x = b[o++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return [v, o];
}

function sections(b) {
  const out = [];
  let o = 8;
  while (o < b.length) {
    const id = b[o], start = o;
    let size;
    [size, o] = leb(b, o + 1);
    const payload = o;
    let name = null, data = payload;
    if (id === 0) {
      let n;
      [n, data] = leb(b, payload);
      name = b.subarray(data, data + n).toString('latin1');
      data += n;
    }
    out.push({ id, start, payload, data, end: payload + size, name });
    o = payload + size;
  }
  return out;
}

// Function index -> [body start (after the size LEB), body end], file offsets.
function bodies(b, secs) {
  let imports = 0;
  const imp = secs.find((s) => s.id === 2);
  if (imp) {
    let [n, o] = leb(b, imp.payload);
    for (let i = 0; i < n; i++) {
      let l;
      [l, o] = leb(b, o); o += l;
      [l, o] = leb(b, o); o += l;
      const kind = b[o++];
      if (kind === 0) { [, o] = leb(b, o); imports++; }
      else if (kind === 1) { o++; const f = b[o++]; [, o] = leb(b, o); if (f & 1) [, o] = leb(b, o); }
      else if (kind === 2) { const f = b[o++]; [, o] = leb(b, o); if (f & 1) [, o] = leb(b, o); }
      else if (kind === 3) { o++; o++; }
      else if (kind === 4) { o++; [, o] = leb(b, o); }
      else fail(`import kind ${kind} not handled by this checker`);
    }
  }
  const code = secs.find((s) => s.id === 10);
  const map = new Map();
  let [n, o] = leb(b, code.payload);
  for (let i = 0; i < n; i++) {
    let size;
    [size, o] = leb(b, o);
    map.set(imports + i, [o, o + size]);
    o += size;
  }
  return map;
}

function hints(b) {
  const secs = sections(b);
  const hs = secs.filter((s) => s.name === NAME);
  if (hs.length > 1) fail('more than one hint section');
  const list = [];
  if (!hs.length) return { list, secs, sec: null };
  const body = bodies(b, secs);
  const sec = hs[0];
  if (sec.start > secs.find((s) => s.id === 10).start) fail('the hint section comes after the code section');
  let [nf, o] = leb(b, sec.data);
  for (let i = 0; i < nf; i++) {
    let f, nh;
    [f, o] = leb(b, o);
    [nh, o] = leb(b, o);
    const [lo, hi] = body.get(f) ?? fail(`hint for function ${f}, which has no body`);
    for (let k = 0; k < nh; k++) {
      let off, size;
      [off, o] = leb(b, o);
      [size, o] = leb(b, o);
      if (size !== 1) fail(`function ${f}: hint size ${size}`);
      const value = b[o++];
      if (lo + off >= hi) fail(`function ${f}: offset ${off} past its body`);
      // The 4 bytes before the instruction, past any end (0x0b) right
      // before it: a wrap whose item is this if ends there.
      let e = lo + off;
      while (e > lo && b[e - 1] === 0x0b) e--;
      list.push({ f, off, value, op: b[lo + off], before: b.subarray(e - 4, e).toString('hex') });
    }
  }
  if (o !== sec.end) fail('bytes left in the hint section');
  return { list, secs, sec };
}

const [cmd, a, c, extra] = process.argv.slice(2);
const A = readFileSync(a);
if (cmd === 'check') {
  const hin = hints(A).list, hout = hints(readFileSync(c)).list;
  for (const h of hout)
    if (h.op !== 0x04 && h.op !== 0x0d) fail(`function ${h.f}: hint at ${h.off} is on opcode 0x${h.op.toString(16)}`);
  const pool = hout.slice();
  for (const h of hin) {
    const i = pool.findIndex((x) => x.f === h.f && x.value === h.value && x.op === h.op && x.before === h.before);
    if (i < 0) fail(`the input's hint in function ${h.f} at ${h.off} (${h.before} ${h.op.toString(16)}) is not in the output`);
    pool.splice(i, 1);
  }
  if (pool.length !== Number(extra)) fail(`${pool.length} hints added, forksize said ${extra}`);
  for (const h of pool)
    if (h.value !== 0 || h.op !== 0x04) fail(`an added hint in function ${h.f} at ${h.off} is not an unlikely if`);
  console.log(`hints.mjs: ${hin.length} input hints found on the same instructions, ${pool.length} added, all unlikely ifs`);
} else if (cmd === 'strip') {
  const { sec } = hints(A);
  if (!sec) fail('no hint section to strip');
  writeFileSync(c, Buffer.concat([A.subarray(0, sec.start), A.subarray(sec.end)]));
} else if (cmd === 'corrupt') {
  const { sec } = hints(A);
  if (!sec) fail('no hint section');
  let [, o] = leb(A, sec.data);         // the function count; the first index follows
  if (A[o] & 0x80) fail('the first function index is not one byte');
  const B = Buffer.from(A);
  B[o] = 127;
  writeFileSync(c, B);
  console.log(`0x${o.toString(16)}`);
} else {
  fail(`unknown command ${cmd}`);
}
