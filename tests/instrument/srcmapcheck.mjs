// srcmapcheck.mjs - checks a source map that forksize instrument mapped
// onto its output, with its own VLQ decoder and module reader (no forksize
// code is the oracle).
//
//   node srcmapcheck.mjs map IN.wasm IN.map OUT.wasm OUT.map
//       Every segment of IN.map, as (source, line, column, name) or "-" (a
//       segment with no source), with the byte under it, must be in OUT.map
//       in the same function (defined index), in the same order, on the
//       same byte; no OUT.map segment lies outside every function body;
//       every key but "mappings" is the same.  Prints "segments N
//       functions F" for the caller to compare with forksize's summary.
//   node srcmapcheck.mjs annot IN.txt OUT.txt
//       IN.txt and OUT.txt: Binaryen 132's --print of each module read with
//       its map.  Each function shows the same set of source locations
//       (;;@ FILE:LINE:COL) in both: none lost, none from another function.
//       Prints "locations N".
//   node srcmapcheck.mjs edgemap IN.wasm MAP
//       Writes MAP: segments on bytes that are no instruction of IN.wasm
//       (source "edge.c"): the file's first byte (line 0), the code
//       section's count (line 1), then per defined function F the last
//       byte of its size LEB (line 10 + 2F) and its body's first byte, the
//       local declarations (line 11 + 2F).  Prints "functions N".
//   node srcmapcheck.mjs edgecheck IN.wasm OUT.wasm OUT.map
//       Only the body-start segments are left, each on its function's
//       new first byte (forksize drops what lies in no function body).
//   node srcmapcheck.mjs sources WASM MAP
//       "BODY_OFFSET FILE" per function that has a segment with a source:
//       its body's file offset, and the source ("sourceRoot" + "/" +
//       source) of the segment at the lowest byte inside its body: the
//       rule forksize's --group-by file|dir uses for a module with a map.
import { readFileSync, writeFileSync } from 'node:fs';
import { bodies, funcOf } from './wasmcode.mjs';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decode(map) {
    const segs = [];
    const st = [0, 0, 0, 0, 0];
    if (map.mappings === '') return segs;
    for (const text of map.mappings.split(',')) {
        const f = [];
        let v = 0, shift = 0;
        for (const ch of text) {
            const d = B64.indexOf(ch);
            if (d < 0) throw new Error(`bad base64 '${ch}'`);
            v += (d & 31) * 2 ** shift;
            shift += 5;
            if (!(d & 32)) {
                f.push(v % 2 ? -Math.floor(v / 2) : v / 2);
                v = 0;
                shift = 0;
            }
        }
        f.forEach((x, k) => { st[k] += x; });
        const key = f.length === 1 ? '-'
            : `${map.sources[st[1]]}:${st[2]}:${st[3]}` + (f.length === 5 ? `:${map.names[st[4]]}` : '');
        segs.push({ col: st[0], key, src: f.length === 1 ? undefined : st[1] });
    }
    return segs;
}

// Per defined function: its segments as "key @byte", in map order.
function perFunc(wasm, mapFile, label, errors) {
    const m = bodies(wasm);
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    const out = new Map();
    let n = 0;
    for (const s of decode(map)) {
        n++;
        const f = funcOf(m, s.col - m.base);
        if (f < 0) {
            errors.push(`${label}: segment ${s.key} at file offset ${s.col} lies in no function`);
            continue;
        }
        if (!out.has(f)) out.set(f, []);
        out.get(f).push(`${s.key} @${m.bytes[s.col].toString(16)}`);
    }
    return { map, funcs: out, n };
}

function checkMap([inW, inM, outW, outM]) {
    const errors = [];
    const a = perFunc(inW, inM, 'input', errors), b = perFunc(outW, outM, 'output', errors);
    for (const k of new Set([...Object.keys(a.map), ...Object.keys(b.map)]))
        if (k !== 'mappings' && JSON.stringify(a.map[k]) !== JSON.stringify(b.map[k]))
            errors.push(`key "${k}" differs`);
    for (const f of new Set([...a.funcs.keys(), ...b.funcs.keys()])) {
        const x = a.funcs.get(f) || [], y = b.funcs.get(f) || [];
        if (JSON.stringify(x) !== JSON.stringify(y))
            errors.push(`function ${f}: input ${JSON.stringify(x)}\n   output ${JSON.stringify(y)}`);
    }
    if (a.n !== b.n) errors.push(`segments: ${a.n} in, ${b.n} out`);
    return [errors, `segments ${a.n} functions ${a.funcs.size}`];
}

// Per function: the distinct source locations Binaryen printed in it.
// (Its printer leaves out a location equal to the one printed just
// before, so counting them would measure the tree's shape, not the map.)
function annotations(file) {
    const per = new Map();
    let fn = null;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
        const t = line.trim();
        const m = /^\(func (\$\S+)/.exec(t);
        if (m) { fn = m[1]; per.set(fn, new Set()); continue; }
        const loc = t.startsWith(';;@') ? t.slice(3).trim() : '';
        if (loc) {
            if (!fn) throw new Error(`${file}: ${t} before any function`);
            per.get(fn).add(loc);
        }
    }
    return per;
}

function checkAnnot([inT, outT]) {
    const errors = [];
    const a = annotations(inT), b = annotations(outT);
    let n = 0;
    for (const fn of new Set([...a.keys(), ...b.keys()])) {
        const x = [...(a.get(fn) || [])].sort(), y = [...(b.get(fn) || [])].sort();
        n += x.length;
        if (JSON.stringify(x) !== JSON.stringify(y))
            errors.push(`${fn}: input ${JSON.stringify(x)}, output ${JSON.stringify(y)}`);
    }
    return [errors, `locations ${n}`];
}

function sources([wasm, mapFile]) {
    const m = bodies(wasm);
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
    const best = new Map();
    for (const s of decode(map)) {
        if (s.src === undefined) continue;
        const f = funcOf(m, s.col - m.base);
        if (f >= 0 && (!best.has(f) || s.col < best.get(f).col)) best.set(f, s);
    }
    const lines = [];
    for (const [f, s] of best) {
        const name = map.sources[s.src];
        if (name === null) continue;
        const file = root && !root.endsWith('/') ? `${root}/${name}` : root + name;
        lines.push(`${m.base + m.funcs[f][0]} ${file}`);
    }
    return [[], lines.join('\n')];
}

function vlq(x) {
    let v = x < 0 ? -x * 2 + 1 : x * 2, out = '';
    do {
        const d = v % 32;
        v = Math.floor(v / 32);
        out += B64[d | (v ? 32 : 0)];
    } while (v);
    return out;
}

function edgemap([wasm, mapFile]) {
    const m = bodies(wasm);
    const segs = [[0, 0, 0, 0], [m.base, 0, 1, 0]];
    m.funcs.forEach(([start], f) => {
        segs.push([m.base + start - 1, 0, 10 + 2 * f, 0]);   // the size LEB's last byte
        segs.push([m.base + start, 0, 11 + 2 * f, 0]);
    });
    let prev = [0, 0, 0, 0];
    const text = segs.map((s) => { const t = s.map((x, k) => vlq(x - prev[k])).join(''); prev = s; return t; });
    writeFileSync(mapFile, JSON.stringify({ version: 3, sources: ['edge.c'], names: [], mappings: text.join(',') }));
    return [[], `functions ${m.funcs.length}`];
}

function edgecheck([inWasm, wasm, mapFile]) {
    const n = bodies(inWasm).funcs.length, m = bodies(wasm), errors = [];
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    const got = decode(map).map((s) => s.key + ' @' + s.col).join('\n');
    const want = m.funcs.slice(0, n).map(([start], f) => `edge.c:${11 + 2 * f}:0 @${m.base + start}`)
        .join('\n');
    if (got !== want) errors.push(`got\n${got}\nwant\n${want}`);
    return [errors, `body starts ${n}`];
}

const [mode, ...args] = process.argv.slice(2);
const modes = { map: checkMap, annot: checkAnnot, sources, edgemap, edgecheck };
const [errors, summary] = modes[mode](args);
for (const e of errors) console.log(`FAIL: ${e}`);
console.log(summary);
process.exit(errors.length ? 1 : 0);
