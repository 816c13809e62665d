// linecheck.mjs IN.wasm IN.lines OUT.wasm OUT.lines [ROWS.txt]
//
// The line-table check of issue 12, with oracles that are not forksize:
// IN.lines and OUT.lines are `llvm-dwarfdump-14 --debug-line` of the
// input and of `forksize instrument`'s output, and the function bodies
// come from this script's own reading of each module's code section
// (DWARF for wasm counts addresses from the start of its payload).
//
//   - Every row of the input that lies in a function is found in the
//     output, in the same function (defined functions keep their order),
//     as (file, line, column, flags), in the same order: per function the
//     two row lists are equal.
//   - Each such row's output address holds the same instruction: the
//     opcode byte there equals the input's (a tail call that can unwind
//     became the plain call, 0x12 -> 0x10, 0x13 -> 0x11; a function's
//     first row sits on its local declarations, which forkinstr extends).
//   - No output row points outside every function, and no output
//     sequence runs from one function into another.  Where an input
//     sequence ends exactly at its function's end, the output's ends at the
//     new end of that function; where it ends earlier (Binaryen-processed
//     DWARF does), the output's ends on the same instruction.
//
// ROWS.txt (optional) gets one line per input row inside a function, for
// the golden test: "d<defined index> <file>:<line>:<column> in=<opcode>
// out=<opcode> <flags>".  Prints one summary line; exit 1 on a failure.
import { readFileSync, writeFileSync } from 'node:fs';
import { bodies, funcOf } from './wasmcode.mjs';

const [inWasm, inLines, outWasm, outLines, rowsOut] = process.argv.slice(2);
if (!outLines) {
    console.error('usage: linecheck.mjs IN.wasm IN.lines OUT.wasm OUT.lines [ROWS.txt]');
    process.exit(2);
}
let failures = 0;
function fail(msg) {
    if (failures++ < 20) console.error(`linecheck: FAIL: ${msg}`);
}

// Units of llvm-dwarfdump's --debug-line: sequences of rows, each row
// {a, file (directory/name), line, col, flags, end}.
function rows(file) {
    const text = readFileSync(file, 'utf8').split('\n');
    const out = [];
    let dirs = [], files = [], cur = null;
    const rowRe = /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/;
    for (const line of text) {
        let m;
        if (line.startsWith('debug_line[')) {
            dirs = ['']; files = [''];
        } else if ((m = /^include_directories\[\s*(\d+)\] = (?:.*= )?"(.*)"$/.exec(line))) {
            dirs[+m[1]] = m[2];
        } else if ((m = /^file_names\[\s*(\d+)\]:$/.exec(line))) {
            cur = +m[1];
            files[cur] = { name: '', dir: 0 };
        } else if (cur !== null && (m = /^\s+name: (?:.*= )?"(.*)"$/.exec(line))) {
            files[cur].name = m[1];
        } else if (cur !== null && (m = /^\s+dir_index: (\d+)$/.exec(line))) {
            files[cur].dir = +m[1];
        } else if ((m = rowRe.exec(line))) {
            cur = null;
            const f = files[+m[4]];
            const name = f ? (f.dir && dirs[f.dir] ? dirs[f.dir] + '/' : '') + f.name : `#${m[4]}`;
            const flags = m[7].trim();
            out.push({ a: parseInt(m[1], 16), file: name, line: +m[2], col: +m[3],
                       flags: flags.replace(/\s*end_sequence/, ''),
                       end: /end_sequence/.test(flags) });
        }
    }
    return out;
}

const min = bodies(inWasm), mout = bodies(outWasm);
if (min.funcs.length + 5 !== mout.funcs.length)
    fail(`output has ${mout.funcs.length} functions, want the input's ${min.funcs.length} + 5`);
const rin = rows(inLines), rout = rows(outLines);

// Per defined function: its rows in address order (stable).
function perFunc(m, rs, side) {
    const per = new Map(), ends = new Map();
    let outside = 0, prevF = -1, seqs = 0;
    for (const r of rs) {
        if (r.end) {
            seqs++;
            if (prevF >= 0) {
                // how the sequence ends: at its function's end, or on an opcode
                const [b, e] = m.funcs[prevF];
                const how = r.a === e ? 'end' : r.a > b && r.a < e ? `op ${op(m, r.a)}` : `outside 0x${r.a.toString(16)}`;
                if (!ends.has(prevF)) ends.set(prevF, []);
                ends.get(prevF).push(how);
            }
            prevF = -1;
            continue;
        }
        const f = funcOf(m, r.a);
        if (f < 0) {
            outside++;
            if (side === 'out') fail(`output row at 0x${r.a.toString(16)} (${r.file}:${r.line}) lies in no function`);
            continue;
        }
        if (side === 'out' && prevF >= 0 && f !== prevF)
            fail(`output sequence runs from function d${prevF} into d${f}`);
        prevF = f;
        if (!per.has(f)) per.set(f, []);
        per.get(f).push(r);
    }
    for (const list of per.values()) list.sort((x, y) => x.a - y.a);
    return { per, outside, seqs, ends };
}

const op = (m, a) => m.bytes[m.base + a];
const pin = perFunc(min, rin, 'in'), pout = perFunc(mout, rout, 'out');
let endsChecked = 0;
for (const [f, list] of pin.ends) {
    const got = (pout.ends.get(f) || []).join(', '), want = list.join(', ');
    if (got !== want)
        fail(`function d${f}: input sequences end [${want}], output sequences [${got}]`);
    else
        endsChecked += list.length;
}
const sameOp = (x, y) => x === y || (x === 0x12 && y === 0x10) || (x === 0x13 && y === 0x11);
let checked = 0;
const lines = [];
for (const [f, list] of [...pin.per.entries()].sort((x, y) => x[0] - y[0])) {
    const got = pout.per.get(f) || [];
    if (got.length !== list.length)
        fail(`function d${f}: ${list.length} rows in the input, ${got.length} in the output`);
    for (let i = 0; i < list.length; i++) {
        const r = list[i], o = got[i];
        const oi = op(min, r.a), oo = o ? op(mout, o.a) : undefined;
        lines.push(`d${f} ${r.file}:${r.line}:${r.col} in=${oi.toString(16).padStart(2, '0')} out=${oo === undefined ? '--' : oo.toString(16).padStart(2, '0')}${r.flags ? ' ' + r.flags : ''}`);
        if (!o) continue;
        if (o.file !== r.file || o.line !== r.line || o.col !== r.col || o.flags !== r.flags) {
            fail(`function d${f} row ${i}: ${r.file}:${r.line}:${r.col} [${r.flags}] became ${o.file}:${o.line}:${o.col} [${o.flags}]`);
            continue;
        }
        const first = r.a === min.funcs[f][0];
        if (first ? o.a !== mout.funcs[f][0] : !sameOp(oi, oo)) {
            fail(`function d${f} row ${i} (${r.file}:${r.line}:${r.col}): opcode 0x${oi.toString(16)} at 0x${r.a.toString(16)}, but 0x${(oo ?? 0).toString(16)} at its new address 0x${o.a.toString(16)}`);
            continue;
        }
        checked++;
    }
}
for (const f of pout.per.keys())
    if (!pin.per.has(f)) fail(`function d${f} has rows in the output only`);
if (rowsOut) writeFileSync(rowsOut, lines.join('\n') + '\n');
const total = [...pin.per.values()].reduce((s, l) => s + l.length, 0);
const atEnd = [...pin.ends.values()].flat().filter(h => h === 'end').length;
console.log(`linecheck: ${checked} of ${total} rows checked in ${pin.per.size} functions ` +
            `(${pin.outside} input rows lie in no function); sequences ${pin.seqs} -> ${pout.seqs}, ` +
            `${endsChecked} ends checked (${atEnd} at a function's end)`);
process.exit(failures ? 1 : 0);
