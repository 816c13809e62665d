// minihost.js - host.mjs's fork protocol, cut down to what the wat programs
// use (fd_write to stdout, env.fork, env.box, env.unbox), for a browser:
// node 20's V8 reads typed function references only in their pre-standard
// encoding, so a program with them runs in chromium (chromium.sh).  Same
// ABI as host.mjs: the save area is a page the first process adds to
// memory, {i32 current, i32 end} at its start; a child is a new instance
// with the parent's memory, exported mutable globals and exported tables
// (an exported function of the parent's becomes the child's of the same
// export name, so the program exports the functions it keeps references
// to).  Everything printed, by every process, goes to the page's output
// element line by line, then "exit N" with the first process's status.
'use strict';
const PAGE = 65536;
async function runModule(bytes) {
  const mod = await WebAssembly.compile(bytes);
  const lines = [];
  const queue = [];
  let nextPid = 1;
  const exportsOf = (kind) => WebAssembly.Module.exports(mod).filter((e) => e.kind === kind).map((e) => e.name);
  function newProc() {
    const p = { pid: nextPid++, forkResult: 0, text: '', rewindFirst: false, dataAddr: 0 };
    const env = {
      fork() {
        const ex = p.ex;
        const state = ex.asyncify_get_state();
        if (state === 2) { ex.asyncify_stop_rewind(); return p.forkResult; }
        if (state !== 0) throw new Error(`env.fork in state ${state}`);
        const dv = new DataView(ex.memory.buffer);
        dv.setUint32(p.dataAddr, p.dataAddr + 8, true);
        dv.setUint32(p.dataAddr + 4, p.dataAddr + PAGE, true);
        ex.asyncify_start_unwind(p.dataAddr);
        return 0;
      },
      box: (n) => ({ boxed: n }),
      unbox: (x) => (x !== null && typeof x === 'object' && 'boxed' in x ? x.boxed : -1),
    };
    const wasi = {
      fd_write(fd, iovs, n, nwritten) {
        const dv = new DataView(p.ex.memory.buffer);
        let total = 0;
        for (let i = 0; i < n; i++) {
          const ptr = dv.getUint32(iovs + 8 * i, true), len = dv.getUint32(iovs + 8 * i + 4, true);
          p.text += new TextDecoder().decode(new Uint8Array(p.ex.memory.buffer, ptr, len));
          total += len;
        }
        dv.setUint32(nwritten, total, true);
        return 0;
      },
    };
    const imports = {};
    for (const imp of WebAssembly.Module.imports(mod)) {
      const known = { env, wasi_snapshot_preview1: wasi }[imp.module]?.[imp.name];
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] = known ?? (() => { throw new Error(`unimplemented ${imp.module}.${imp.name}`); });
    }
    p.ex = new WebAssembly.Instance(mod, imports).exports;
    return p;
  }
  function spawn(parent) {
    const c = newProc();
    const src = new Uint8Array(parent.ex.memory.buffer);
    const missing = (src.length - c.ex.memory.buffer.byteLength) / PAGE;
    if (missing > 0) c.ex.memory.grow(missing);
    new Uint8Array(c.ex.memory.buffer).set(src);
    for (const name of exportsOf('global')) {
      try { c.ex[name].value = parent.ex[name].value; } catch { /* immutable */ }
    }
    const map = new Map(exportsOf('function').map((n) => [parent.ex[n], c.ex[n]]));
    for (const name of exportsOf('table')) {
      const from = parent.ex[name], to = c.ex[name];
      if (to.length < from.length) to.grow(from.length - to.length);
      for (let i = 0; i < from.length; i++) {
        const v = from.get(i);
        to.set(i, map.has(v) ? map.get(v) : v);
      }
    }
    c.dataAddr = parent.dataAddr;
    c.rewindFirst = true;
    return c;
  }
  function run(p) {
    let rewind = p.rewindFirst;
    try {
      for (;;) {
        if (rewind) p.ex.asyncify_start_rewind(p.dataAddr);
        p.ex._start();
        if (p.ex.asyncify_get_state() === 0) return 0;
        p.ex.asyncify_stop_unwind();
        const c = spawn(p);
        queue.push(c);
        p.forkResult = c.pid;
        rewind = true;
      }
    } catch (e) {
      p.text += `trap: ${e.message}\n`;
      return 134;
    }
  }
  const first = newProc();
  first.dataAddr = first.ex.memory.grow(1) * PAGE;
  queue.push(first);
  let status = -1;
  while (queue.length) {
    const p = queue.shift();
    const st = run(p);
    if (status < 0) status = st;
    lines.push(...p.text.split('\n').filter((l) => l !== ''));
  }
  lines.push(`exit ${status}`);
  return lines;
}
window.addEventListener('load', async () => {
  const out = document.getElementById('forkout');
  try {
    const b64 = document.getElementById('wasm').textContent.trim();
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    out.textContent = (await runModule(bytes)).join('\n');
  } catch (e) {
    out.textContent = `host error: ${e.message}`;
  }
  document.title = 'done';
});
