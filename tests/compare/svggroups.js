// svggroups.js CHART.svg COMPARE.json - a chart split by group (compare
// --group-by --format svg) against compare's own JSON of the same run.
//
// Worked out here, independently of compare_svg.c:
//   - which keys get a colour: the 8 keys (no-source groups aside) with
//     the largest share summed over all modules, ties by key;
//   - for each module, the segments its bar must have: one per coloured
//     group with its bytes, one "N other groups" with the rest, and the
//     no-source group, each with the legend's colour for it.
// Every segment of the chart must be one of these and every one of these
// must be drawn, with exactly the JSON's bytes.  Prints one line per
// module; exits 1 on the first difference.
'use strict';
const fs = require('fs');

const [svgPath, jsonPath] = process.argv.slice(2);
const svg = fs.readFileSync(svgPath, 'utf8');
const doc = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&amp;/g, '&');
let bad = 0;
const fail = (m) => { console.log('FAIL: ' + m); bad = 1; };

// The legend: swatches without a title, each followed by its text.
const legend = new Map();
for (const m of svg.matchAll(/<rect [^>]*height="14" fill="(#[0-9a-f]{6})"\/><text [^>]*>([^<]*)<\/text>/g))
  legend.set(unxml(m[2]), m[1]);

// The colours, from the JSON.
const mods = doc.modules.filter((m) => m.groups && m.groups.total.cost.total > 0);
const sum = new Map();
for (const m of mods)
  for (const g of m.groups.rows)
    if (!g.no_source && g.cost.total > 0)
      sum.set(g.group, (sum.get(g.group) || 0) + g.cost.total / m.groups.total.cost.total);
const ranked = [...sum.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const coloured = ranked.slice(0, 8).map((e) => e[0]);
const want = [...coloured];
if (ranked.length > 8) want.push('other groups');
const nosrc = mods.flatMap((m) => m.groups.rows).find((g) => g.no_source && g.cost.total > 0);
if (nosrc) want.push(nosrc.group);
if (JSON.stringify([...legend.keys()]) !== JSON.stringify(want))
  fail(`legend ${JSON.stringify([...legend.keys()])}, want ${JSON.stringify(want)}`);
if (new Set(legend.values()).size !== legend.size) fail('two legend entries share a colour');

// The segments drawn: name: what P% of the added bytes (B bytes, label).
const drawn = [];
for (const m of svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)) {
  const t = unxml(m[2]).match(/^(.*?): (.*) ([0-9.]+)% of the added bytes \(([0-9]+) bytes, (.*)\)$/);
  if (!t) { fail('unreadable segment title: ' + m[2]); continue; }
  drawn.push({ colour: m[1], name: t[1], what: t[2], bytes: Number(t[4]), used: false });
}
for (const m of mods) {
  const name = m.path.replace(/.*\//, '');
  const expect = [];
  let rest = 0, nrest = 0;
  for (const g of m.groups.rows) {
    if (g.cost.total === 0) continue;
    if (g.no_source) expect.push({ what: g.group, bytes: g.cost.total, colour: legend.get(g.group) });
    else if (coloured.includes(g.group))
      expect.push({ what: g.group, bytes: g.cost.total, colour: legend.get(g.group) });
    else { rest += g.cost.total; nrest++; }
  }
  if (nrest)
    expect.push({ what: `${nrest} other group${nrest === 1 ? '' : 's'}`, bytes: rest,
                  colour: legend.get('other groups') });
  let total = 0;
  for (const e of expect) {
    const d = drawn.find((x) => !x.used && x.name === name && x.what === e.what);
    if (!d) { fail(`${name}: no segment for ${e.what}`); continue; }
    d.used = true;
    if (d.bytes !== e.bytes) fail(`${name}: ${e.what} is ${d.bytes} bytes, JSON says ${e.bytes}`);
    if (d.colour !== e.colour) fail(`${name}: ${e.what} is ${d.colour}, legend says ${e.colour}`);
    total += d.bytes;
  }
  if (total !== m.groups.total.cost.total)
    fail(`${name}: segments add up to ${total} bytes, the groups' total is ${m.groups.total.cost.total}`);
  console.log(`  ${name}: ${expect.length} segments, ${total} bytes`);
}
for (const d of drawn)
  if (!d.used) fail(`segment nobody expects: ${d.name}: ${d.what}`);
process.exit(bad);
