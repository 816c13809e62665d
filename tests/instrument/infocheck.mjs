// infocheck.mjs IN.wasm IN.info OUT.wasm OUT.info [--strict]
//
// The code addresses of .debug_info and the lists it points to, checked
// after `forksize instrument`.  IN.info and OUT.info are
// `llvm-dwarfdump-14 --debug-info` of the input and the output (the
// oracle: it follows DW_AT_ranges and location lists, and prints high_pc
// as an address); the function bodies come from this script's own reading
// of each code section.  forksize patches these sections in place, so a
// DIE keeps its offset: the two dumps are compared DIE by DIE, address by
// address, in order.  For each address of the input:
//   - at a function's first byte: the output's is that function's new
//     first byte; at its end: the new end;
//   - inside a function: the output's lies inside the same function and,
//     with --strict, holds the same opcode byte (the same instruction);
//     without it, an address whose byte differs is counted (Binaryen-made
//     DWARF has ends that are no instruction's start);
//   - between two functions (Binaryen-made DWARF has such addresses): the
//     new end of the function before (+1 for an empty list entry, which
//     forksize keeps from becoming the (0, 0) end of its list);
//   - outside the code (a CU's base 0, tombstones of discarded code):
//     unchanged.
// DW_AT_stmt_list must name each line table at its new offset, in the
// same order (one input offset, one output offset); so must every offset
// into the range and location list sections (DWARF 5 re-encodes them: a
// DW_AT_ranges or location's list, DW_AT_rnglists_base/loclists_base), per
// section.  Every other DIE and
// attribute line must be equal.
// Prints one summary line; exit 1 on a failure.
import { createReadStream } from 'node:fs';
import { bodies, funcOf } from './wasmcode.mjs';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const [inWasm, inInfo, outWasm, outInfo] = args.filter(a => a !== '--strict');
if (!outInfo) {
    console.error('usage: infocheck.mjs IN.wasm IN.info OUT.wasm OUT.info [--strict]');
    process.exit(2);
}
let failures = 0;
function fail(msg) {
    if (failures++ < 20) console.error(`infocheck: FAIL: ${msg}`);
}


const min = bodies(inWasm), mout = bodies(outWasm);

// The dumps' lines, side by side: each line's addresses are compared
// when the rest of the line (addresses masked) is the same.
const a = createInterface({ input: createReadStream(inInfo) })[Symbol.asyncIterator]();
const b = createInterface({ input: createReadStream(outInfo) })[Symbol.asyncIterator]();
let lines = 0, checked = 0, starts = 0, ends = 0, kept = 0, loose = 0, gaps = 0;
// lines whose addresses are code addresses: low_pc, high_pc, entry_pc,
// call_return_pc (the instruction after a call, which forkinstr copies),
// and the [begin, end) of range and location list entries.  Not call_pc:
// a tail call's return_call is rewritten into another instruction.
const pcLine = /DW_AT_(low_pc|high_pc|entry_pc|call_return_pc)\s+\((0x[0-9a-f]+)\)/;
const callPcLine = /DW_AT_call_pc\s+\((0x[0-9a-f]+)\)/;
const rangeLine = /^\s*\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/;
const stmtLine = /DW_AT_stmt_list\s+\((0x[0-9a-f]+)\)/;
const stmt = new Map(), stmtOut = new Set();
// offsets into .debug_ranges/.debug_rnglists (r) and .debug_loc/.debug_loclists (l):
// "rangelist = 0x..", "loclist = 0x..", a *_base, or a bare offset that opens a list
const listLine = [
    [/(rangelist|loclist) = (0x[0-9a-f]+)/, m => m[1][0]],
    [/DW_AT_(rnglists|loclists)_base\s+\((0x[0-9a-f]+)\)/, m => m[1][0]],
    [/DW_AT_(ranges)\s+\((0x[0-9a-f]+)$/, () => 'r'],
    [/DW_AT_(\w+)\s+\((0x[0-9a-f]+): $/, () => 'l'],
];
// per section: DWARF 5 units' lists are in .debug_rnglists/.debug_loclists
const listMap = {}, listOut = {};
for (const k of ['r4', 'l4', 'r5', 'l5']) { listMap[k] = new Map(); listOut[k] = new Set(); }
let listRefs = 0, callPcs = 0, deadLow = false, version = 4;
function listOffset(line) {
    for (const [re, kind] of listLine) {
        const m = re.exec(line);
        if (m) return { kind: kind(m) + (version >= 5 ? '5' : '4'), off: m[2], rest: line.replace(m[2], 'X') };
    }
    return null;
}
for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    if (x.done || y.done) {
        if (!x.done || !y.done) fail('the dumps have different lengths');
        break;
    }
    lines++;
    const l = x.value, r = y.value;
    if (l.includes('file format')) continue;
    const sl = stmtLine.exec(l), sr = stmtLine.exec(r);
    if (sl && sr) {
        // .debug_line was re-encoded: the same table, at its new offset
        const i = parseInt(sl[1], 16), o = parseInt(sr[1], 16);
        if (stmt.has(i) ? stmt.get(i) !== o : stmtOut.has(o)) fail(`line ${lines}: stmt_list ${sl[1]} -> ${sr[1]} disagrees with an earlier one`);
        stmt.set(i, o);
        stmtOut.add(o);
        continue;
    }
    // a DIE of discarded code: low_pc is the linker's tombstone, and a
    // high_pc length after it wraps around to look like a code address
    if (/^0x[0-9a-f]+:/.test(l)) deadLow = false;
    const unit = /Compile Unit: .* version = (0x[0-9a-f]+)/.exec(l);
    if (unit) version = parseInt(unit[1], 16);
    if (/DW_AT_low_pc\s+\(dead code\)/.test(l)) deadLow = true;
    if (deadLow && /DW_AT_high_pc/.test(l)) {
        if (l !== r) fail(`line ${lines}: the high_pc of discarded code changed: '${l.trim()}' / '${r.trim()}'`);
        kept++;
        continue;
    }
    const ol = listOffset(l), or = listOffset(r);
    if (ol && or && ol.kind === or.kind && ol.rest === or.rest) {
        // the same list, at its new offset: one input offset, one output offset
        const i = parseInt(ol.off, 16), o = parseInt(or.off, 16), M = listMap[ol.kind];
        if (M.has(i) ? M.get(i) !== o : listOut[ol.kind].has(o)) fail(`line ${lines}: list offset ${ol.off} -> ${or.off} disagrees with an earlier one`);
        M.set(i, o);
        listOut[ol.kind].add(o);
        listRefs++;
        continue;
    }
    const cl = callPcLine.exec(l), cr = callPcLine.exec(r);
    if (cl && cr) {
        // a call's own address: forkinstr may rewrite the call (a tail
        // call becomes a call and a return), so only the function is checked
        const ai = parseInt(cl[1], 16), ao = parseInt(cr[1], 16), f = funcOf(min, ai, false);
        callPcs++;
        if (f < 0) {
            if (ai !== ao) fail(`line ${lines}: call_pc ${cl[1]} lies in no function yet became ${cr[1]}`);
        } else if (ao < mout.funcs[f][0] || ao >= mout.funcs[f][1]) {
            fail(`line ${lines}: call_pc ${cl[1]} in d${f} became ${cr[1]}, outside it`);
        }
        continue;
    }
    let ml = pcLine.exec(l) || rangeLine.exec(l), mr = pcLine.exec(r) || rangeLine.exec(r);
    if (!ml || !mr) {
        if (l !== r) fail(`line ${lines} differs: '${l.trim()}' / '${r.trim()}'`);
        continue;
    }
    const ia = ml[0] === ml.input.match(pcLine)?.[0] ? [ml[2]] : [ml[1], ml[2]];
    const oa = mr[0] === mr.input.match(pcLine)?.[0] ? [mr[2]] : [mr[1], mr[2]];
    let rl = l, rr = r;
    for (const v of ia) rl = rl.replace(v, 'X');
    for (const v of oa) rr = rr.replace(v, 'X');
    if (rl !== rr || ia.length !== oa.length) {
        fail(`line ${lines} differs beyond its addresses: '${l.trim()}' / '${r.trim()}'`);
        continue;
    }
    for (let i = 0; i < ia.length; i++) {
        const ai = parseInt(ia[i], 16), ao = parseInt(oa[i], 16);
        const f = funcOf(min, ai, true);
        if (f < 0) {
            const n = min.funcs.length;
            if (n && ai > min.funcs[0][0] && ai < min.funcs[n - 1][1]) {
                // between two functions (a size LEB): the end of the one before;
                // one more for an empty list entry, which (0, 0) would end
                let g = 0;
                while (min.funcs[g + 1][0] <= ai) g++;
                gaps++;
                if (ao !== mout.funcs[g][1] && ao !== mout.funcs[g][1] + 1)
                    fail(`line ${lines}: ${ia[i]} after d${g} became ${oa[i]}, not its new end 0x${mout.funcs[g][1].toString(16)}`);
                continue;
            }
            kept++;
            if (ai !== ao) fail(`line ${lines}: ${ia[i]} lies outside the code yet became ${oa[i]}`);
            continue;
        }
        checked++;
        const [bi, ei] = min.funcs[f], [bo, eo] = mout.funcs[f];
        if (ai === bi) {
            starts++;
            if (ao !== bo) fail(`line ${lines}: ${ia[i]} starts d${f}, ${oa[i]} is not its new start 0x${bo.toString(16)}`);
        } else if (ai === ei) {
            ends++;
            if (ao !== eo) fail(`line ${lines}: ${ia[i]} ends d${f}, ${oa[i]} is not its new end 0x${eo.toString(16)}`);
        } else if (ao <= bo || ao > eo) {
            fail(`line ${lines}: ${ia[i]} in d${f} became ${oa[i]}, outside it [0x${bo.toString(16)}, 0x${eo.toString(16)}]`);
        } else if (min.bytes[min.base + ai] !== mout.bytes[mout.base + ao]) {
            loose++;
            if (strict || process.env.INFOCHECK_SHOW && loose < 8) fail(`line ${lines}: d${f}+0x${(ai - bi).toString(16)}: opcode 0x${min.bytes[min.base + ai].toString(16)} at ${ia[i]}, 0x${mout.bytes[mout.base + ao].toString(16)} at ${oa[i]}`);
        }
    }
}
// the line tables keep their order: stmt_list offsets map increasingly
const sorted = [...stmt.entries()].sort((x, y) => x[0] - y[0]);
for (let i = 1; i < sorted.length; i++)
    if (sorted[i][1] <= sorted[i - 1][1]) fail(`stmt_list ${sorted[i][0]} -> ${sorted[i][1]} out of order`);
for (const k of Object.keys(listMap)) {
    const e = [...listMap[k].entries()].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < e.length; i++)
        if (e[i][1] <= e[i - 1][1]) fail(`list offset ${e[i][0]} -> ${e[i][1]} out of order`);
}
console.log(`infocheck: ${checked} code addresses checked on ${lines} lines (${starts} function starts, ` +
            `${ends} function ends, ${loose} not on the same opcode byte, ${gaps} between functions); ` +
            `${kept} outside the code, unchanged; ` +
            `${stmt.size} stmt_list; ${listRefs} list offsets; ${callPcs} call_pc in their function`);
process.exit(failures ? 1 : 0);
