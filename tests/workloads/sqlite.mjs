// SQLite workload: @sqlite.org/sqlite-wasm's own JS glue runs a given
// sqlite3.wasm (original or instrumented) through the oo1 API, in memory:
// bulk insert in a transaction, two indexes, aggregates, a join and a
// recursive CTE.
//
// Usage: node sqlite.mjs MODULE.wasm [ITERATIONS]
// Prints deterministic result lines (first iteration only), then on stderr a
// JSON line of timings: the first iteration (compile, instantiate and
// tier-up included) apart from the later ones.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [wasm, itersArg] = process.argv.slice(2);
if (!wasm) { console.error('usage: node sqlite.mjs MODULE.wasm [ITERATIONS]'); process.exit(2); }
const iters = Number(itersArg ?? 1);

// This build expects a browser or worker: it reads self and self.location,
// and fetches its .wasm.  A shim gives it both, and instantiateWasm hands it
// the module we were told to run instead of the packaged one.
globalThis.self = globalThis;
globalThis.location = { href: pathToFileURL(resolve(wasm)).href, pathname: resolve(wasm) };
const bytes = readFileSync(wasm);
const { default: sqlite3InitModule } = await import('@sqlite.org/sqlite-wasm');

let sqlite3;
function work(db, print) {
  db.exec('CREATE TABLE item(id INTEGER PRIMARY KEY, cat INTEGER, name TEXT, price REAL)');
  db.exec('CREATE TABLE cat(id INTEGER PRIMARY KEY, label TEXT)');
  db.exec('BEGIN');
  const ins = db.prepare('INSERT INTO item(cat, name, price) VALUES (?, ?, ?)');
  let x = 7;
  for (let i = 0; i < 20000; i++) {
    x = (x * 48271) % 2147483647; // Lehmer: every residue class is hit
    ins.bind([x % 50, 'n' + (x % 9973), (x % 100000) / 100]).stepReset();
  }
  ins.finalize();
  for (let c = 0; c < 50; c++) db.exec({ sql: 'INSERT INTO cat VALUES (?, ?)', bind: [c, 'cat' + c] });
  db.exec('COMMIT');
  db.exec('CREATE INDEX item_cat ON item(cat)');
  db.exec('CREATE INDEX item_name ON item(name, price)');
  const q = (sql) => db.exec({ sql, rowMode: 'array', returnValue: 'resultRows' });
  const agg = q('SELECT cat, count(*), round(sum(price), 2), round(avg(price), 4) FROM item GROUP BY cat ORDER BY cat LIMIT 5');
  const join = q(`SELECT c.label, count(*) AS n, max(i.price) FROM item i JOIN cat c ON c.id = i.cat
                  WHERE i.name LIKE 'n1%' GROUP BY c.label ORDER BY n DESC, c.label LIMIT 3`);
  const cte = q(`WITH RECURSIVE r(n, f) AS (SELECT 1, 1 UNION ALL SELECT n + 1, (f * (n + 1)) % 1000003 FROM r WHERE n < 5000)
                 SELECT count(*), sum(f), max(f) FROM r`);
  const idx = q(`SELECT count(*), min(price), max(price) FROM item WHERE name BETWEEN 'n200' AND 'n300'`);
  if (print) {
    console.log('agg: ' + JSON.stringify(agg));
    console.log('join: ' + JSON.stringify(join));
    console.log('cte: ' + JSON.stringify(cte));
    console.log('idx: ' + JSON.stringify(idx));
  }
}

const times = [];
for (let it = 0; it < iters; it++) {
  const t0 = performance.now();
  if (it === 0) {
    sqlite3 = await sqlite3InitModule({
      print: () => {}, printErr: (s) => console.error(s),
      instantiateWasm(imports, onSuccess) {
        WebAssembly.instantiate(bytes, imports).then((r) => onSuccess(r.instance, r.module));
        return {};
      },
    });
  }
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try { work(db, it === 0); } finally { db.close(); }
  times.push(performance.now() - t0);
}
console.error(JSON.stringify({ workload: 'sqlite', first_ms: times[0], later_ms: times.slice(1) }));
