// wasmcode.mjs - what linecheck.mjs and infocheck.mjs both read from a
// module: its function bodies as [start, end) offsets from the start of the
// code section's payload (the addresses DWARF for wasm uses), read with
// their own small LEB reader so that no forksize code is the oracle.
import { readFileSync } from 'node:fs';

export function uleb(b, pos) {
    let v = 0, shift = 0, byte;
    do {
        byte = b[pos.p++];
        v += (byte & 0x7f) * 2 ** shift;
        shift += 7;
    } while (byte & 0x80);
    return v;
}

// Bodies of the defined functions: [start, end) from the code payload.
export function bodies(file) {
    const b = readFileSync(file);
    const pos = { p: 8 };
    while (pos.p < b.length) {
        const id = b[pos.p++];
        const size = uleb(b, pos);
        const start = pos.p;
        if (id === 10) {
            const n = uleb(b, pos);
            const fs = [];
            for (let i = 0; i < n; i++) {
                const sz = uleb(b, pos);
                fs.push([pos.p - start, pos.p - start + sz]);
                pos.p += sz;
            }
            return { bytes: b, base: start, funcs: fs };
        }
        pos.p = start + size;
    }
    throw new Error(`${file}: no code section`);
}

// The function whose body holds address A, or -1.  With END_INCLUSIVE an
// address equal to a body's end counts too (a high_pc, one past the end).
export function funcOf(m, a, endInclusive = false) {
    let lo = 0, hi = m.funcs.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (m.funcs[mid][0] <= a) lo = mid + 1; else hi = mid;
    }
    if (!lo)
        return -1;
    const end = m.funcs[lo - 1][1];
    return a < end || (endInclusive && a === end) ? lo - 1 : -1;
}
