// pngcount.js PNG [--from-y N] [#rrggbb...] - what a screenshot shows, in numbers.
//
// Decodes an 8-bit RGB or RGBA PNG (non-interlaced, as Chromium writes
// its screenshots) with node's own zlib, and prints on one line:
//   width height nonwhite count(#rrggbb) ...
// where nonwhite counts pixels with any channel below 245, and each colour
// count is the pixels within 8 per channel of that colour.  Exits 2 when
// the file is not such a PNG.  --from-y N counts only rows N and below
// (to leave out a chart's legend, say).
'use strict';
const fs = require('fs');
const zlib = require('zlib');

function fail(msg) {
  process.stderr.write('pngcount: ' + msg + '\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let fromY = 0;
const at = args.indexOf('--from-y');
if (at >= 0) {
  fromY = Number(args[at + 1]);
  if (!Number.isInteger(fromY) || fromY < 0) fail('--from-y needs a row number');
  args.splice(at, 2);
}
const [file, ...colours] = args;
if (!file) fail('usage: pngcount.js PNG [--from-y N] [#rrggbb...]');
const buf = fs.readFileSync(file);
if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) fail(file + ': not a PNG');

let pos = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
const idat = [];
while (pos + 8 <= buf.length) {
  const len = buf.readUInt32BE(pos), kind = buf.toString('latin1', pos + 4, pos + 8);
  const data = buf.subarray(pos + 8, pos + 8 + len);
  if (kind === 'IHDR') {
    width = data.readUInt32BE(0);
    height = data.readUInt32BE(4);
    depth = data[8];
    type = data[9];
    interlace = data[12];
  } else if (kind === 'IDAT') {
    idat.push(data);
  } else if (kind === 'IEND') {
    break;
  }
  pos += 12 + len;
}
if (depth !== 8 || (type !== 2 && type !== 6) || interlace !== 0)
  fail(`${file}: unsupported PNG (depth ${depth}, colour type ${type}, interlace ${interlace})`);
const bpp = type === 6 ? 4 : 3, stride = width * bpp;
const raw = zlib.inflateSync(Buffer.concat(idat));
if (raw.length < height * (stride + 1)) fail(file + ': image data cut short');

// Undo the per-row filters (PNG spec, section 9).
const px = Buffer.alloc(height * stride);
for (let y = 0; y < height; y++) {
  const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
  for (let x = 0; x < stride; x++) {
    const a = x >= bpp ? px[dst + x - bpp] : 0;
    const b = y > 0 ? px[dst - stride + x] : 0;
    const c = x >= bpp && y > 0 ? px[dst - stride + x - bpp] : 0;
    let v = raw[src + x];
    if (f === 1) v += a;
    else if (f === 2) v += b;
    else if (f === 3) v += (a + b) >> 1;
    else if (f === 4) {
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    } else if (f !== 0) fail(`${file}: bad filter ${f} in row ${y}`);
    px[dst + x] = v & 0xff;
  }
}

const want = colours.map((h) => {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(h);
  if (!m) fail('bad colour ' + h);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
});
const counts = want.map(() => 0);
let nonwhite = 0;
for (let i = Math.min(fromY, height) * stride; i < px.length; i += bpp) {
  const r = px[i], g = px[i + 1], b = px[i + 2];
  if (r < 245 || g < 245 || b < 245) nonwhite++;
  want.forEach(([wr, wg, wb], k) => {
    if (Math.abs(r - wr) <= 8 && Math.abs(g - wg) <= 8 && Math.abs(b - wb) <= 8) counts[k]++;
  });
}
console.log([width, height, nonwhite, ...counts].join(' '));
