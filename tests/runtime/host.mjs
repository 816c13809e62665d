// host.mjs - run a WASI command module whose env.fork is implemented with the
// Asyncify ABI (unwind the stack, copy the process, rewind both copies), with
// the process calls a shell needs: env.pipe, env.wait and env.exit_child.
//
// Usage: node host.mjs [--memory64] MODULE.wasm [args...]
//
// --memory64: the memory holding the data struct is 64-bit, so the struct
// is {i64 current, i64 end} and asyncify_start_unwind/start_rewind take an
// i64 (a BigInt), as Asyncify has it for wasm64.  Node 20 runs such a module
// only with --experimental-wasm-memory64.
//
// The module must be instrumented for env.fork (Binaryen's --asyncify or an
// emitter with the same ABI) and must export `memory` and `_start`.  The
// data struct and the saved frames go to memory 0 (`memory`), or to the
// memory the module exports as `forkinstr_save_memory` (forksize instrument
// --save-memory, multi-memory modules).  A child gets a copy of every
// memory.  Node 20 cannot run multi-memory modules: chromium-host.sh runs
// this host in Chromium.
// README.md describes the protocol.
//
// Processes run one at a time, never concurrently.  A fork queues the child
// and the parent carries on.  A queued process runs when the one before it
// ends, or earlier, from inside a call that would block: env.wait on a child
// that has not ended, or fd_read on an empty pipe whose write end is still
// open.  Only env.fork is an unwind point, so a blocked process cannot be
// set aside; the host runs queued processes (first in, first out) from inside
// the blocked call until it can return.  If none is left, the call would block
// forever, and it traps.  The exit status is the first process's; a trap
// prints "host: pid N: ..." on stderr and gives that process status 134.
// Host usage errors exit 2.
//
// The same machinery is a library (tests/workloads/forksh.mjs uses it):
// loadModule() compiles a module once, new Host(...).run() runs one command
// with its stdin from a buffer and its output sent to a callback.
//
// Only node's standard library is used (node 20, ESM).

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const PAGE = 65536;
// The Asyncify data struct {i32 current, i32 end} and the save area after it
// live in one page that the host adds to linear memory before _start runs
// (see reserveSaveArea): 8 bytes of header, then PAGE - 8 bytes of saved
// frames.  Children inherit the page with the rest of memory.
const SAVE_AREA_SIZE = PAGE;

// WASI errno values used here.
const ESUCCESS = 0, EBADF = 8, EINVAL = 28, EPIPE = 64, ESPIPE = 70;
// WASI filetypes: stdio looks like a terminal; a pipe has no type of its own
// in preview1, so it is "unknown", as wasi-libc expects of one.
const FILETYPE_UNKNOWN = 0, FILETYPE_CHARACTER_DEVICE = 2;
// Rights of a character device: everything except fd_seek (bit 2) and
// fd_tell (bit 5), which is what wasi-libc's isatty() expects.
const TTY_RIGHTS = 0xffffffffffffffffn & ~((1n << 2n) | (1n << 5n));
const RIGHT_FD_READ = 1n << 1n, RIGHT_FD_WRITE = 1n << 6n;
// More open fds than any test needs: a runaway loop of env.pipe gets -1.
const MAX_FDS = 1024;

class ProcExit {
  constructor(code) { this.code = code; }
}

class HostTrap extends Error {}

export class HostUsageError extends Error {}

// ---- module preparation ---------------------------------------------------

// A forked child gets the parent's mutable globals, but JavaScript sees only
// exported ones (clang's __stack_pointer is exported only with
// -Wl,--export=__stack_pointer; corpus/forksh.wasm does not export it).  So
// the host adds an export for every mutable i32/i64/f32/f64 global that has
// none, before compiling: code and globals are untouched, only the export
// section grows.  A multi-memory module's unexported memories get one the
// same way, since the child needs every memory.  Anything this parser does
// not know leaves the module as it is (those globals and memories are then
// not copied, as before).
// Likewise a child gets the parent's exported tables (forkinstr's reference
// save area among them, docs/abi.md), and a function reference must then
// name the child's own function, not the parent's: when the module exports
// a table, the host exports every function as __host_func_<index> too, to
// map one instance's functions to the other's.
function readU(b, p) {
  let v = 0, shift = 0, byte;
  do {
    if (p >= b.length) throw new Error('truncated LEB');
    byte = b[p++];
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [v, p];
}
function skipLeb(b, p) {
  while (p < b.length && b[p] & 0x80) p++;
  if (p >= b.length) throw new Error('truncated LEB');
  return p + 1;
}
function encU(v) {
  const out = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
// The end of a constant expression starting at p (just past its 0x0B).
function skipConstExpr(b, p) {
  for (;;) {
    const op = b[p++];
    switch (op) {
      case 0x0b: return p;
      case 0x41: case 0x42: case 0x23: case 0xd2: p = skipLeb(b, p); break; // i32/i64.const, global.get, ref.func
      case 0xd0: p = skipLeb(b, p); break; // ref.null heaptype
      case 0x43: p += 4; break;
      case 0x44: p += 8; break;
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: break; // extended const
      case 0xfd: { // v128.const only
        let sub;
        [sub, p] = readU(b, p);
        if (sub !== 12) throw new Error('unknown constant');
        p += 16;
        break;
      }
      default: throw new Error('unknown constant');
    }
    if (p > b.length) throw new Error('truncated constant');
  }
}
function exportMutableGlobals(bytes, importedGlobals) {
  const b = bytes;
  let p = 8, globalsAt = -1, memoriesAt = -1, exportAt = -1, exportEnd = -1, nfuncs = 0;
  while (p < b.length) {
    const id = b[p];
    let size, body;
    [size, body] = readU(b, p + 1);
    if (id === 5) memoriesAt = body;
    if (id === 6) globalsAt = body;
    if (id === 3) nfuncs += readU(b, body)[0];
    if (id === 2) {
      let q = body, ni;
      [ni, q] = readU(b, body);
      for (let i = 0; i < ni; i++) {
        for (let k = 0; k < 2; k++) { let len; [len, q] = readU(b, q); q += len; }
        const kind = b[q++];
        if (kind !== 0) throw new Error('non-function import');
        nfuncs++;
        q = skipLeb(b, q);
      }
    }
    if (id === 7) { exportAt = p; exportEnd = body + size; }
    p = body + size;
  }
  if (exportAt < 0) return null;
  const mutable = [];
  let n = 0;
  if (globalsAt >= 0) [n, p] = readU(b, globalsAt);
  for (let i = 0; i < n; i++) {
    const vt = b[p++];
    if (vt === 0x63 || vt === 0x64) p = skipLeb(b, p);
    const mut = b[p++];
    p = skipConstExpr(b, p);
    if (mut === 1 && vt >= 0x7c && vt <= 0x7f) mutable.push(importedGlobals + i);
  }
  let memories = 0; // no memory imports (loadModule checks)
  if (memoriesAt >= 0) [memories] = readU(b, memoriesAt);
  let body;
  [, body] = readU(b, exportAt + 1);
  [n, p] = readU(b, body);
  const entriesAt = p;
  const names = new Set(), exported = new Set(), exportedMem = new Set();
  let tables = false;
  for (let i = 0; i < n; i++) {
    let len, idx;
    [len, p] = readU(b, p);
    names.add(Buffer.from(b.subarray(p, p + len)).toString());
    p += len;
    const kind = b[p++];
    [idx, p] = readU(b, p);
    if (kind === 3) exported.add(idx);
    if (kind === 2) exportedMem.add(idx);
    if (kind === 1) tables = true;
  }
  const add = mutable.filter((g) => !exported.has(g));
  const mems = [];
  for (let m = 0; memories > 1 && m < memories; m++)
    if (!exportedMem.has(m)) mems.push(m);
  const funcs = tables ? nfuncs : 0;
  if (add.length === 0 && mems.length === 0 && funcs === 0) return null;
  const entries = [];
  const entry = (stem, kind, i) => {
    let name = `${stem}${i}`;
    while (names.has(name)) name = `_${name}`;
    const nb = Buffer.from(name);
    entries.push(...encU(nb.length), ...nb, kind, ...encU(i));
  };
  for (const g of add) entry('__host_global_', 3, g);
  for (const m of mems) entry('__host_memory_', 2, m);
  for (let f = 0; f < funcs; f++) entry('__host_func_', 0, f);
  const payload = Buffer.concat([Buffer.from(encU(n + add.length + mems.length + funcs)), b.subarray(entriesAt, exportEnd), Buffer.from(entries)]);
  return Buffer.concat([b.subarray(0, exportAt), Buffer.from([7, ...encU(payload.length)]), payload, b.subarray(exportEnd)]);
}

// Compiles a module for the host; throws HostUsageError for what the host
// cannot run (the CLI turns it into exit status 2).
export function loadModule(modPath, { memory64 = false } = {}) {
  let bytes, mod;
  try {
    bytes = fs.readFileSync(modPath);
    mod = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new HostUsageError(`${modPath}: ${e.message}`);
  }
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (imp.kind !== 'function')
      throw new HostUsageError(`${modPath}: imports ${imp.kind} ${imp.module}.${imp.name}; only function imports are supported`);
  }
  let rewritten = null;
  try {
    rewritten = exportMutableGlobals(bytes, 0); // no global imports (checked above)
  } catch {
    rewritten = null;
  }
  if (rewritten) mod = new WebAssembly.Module(rewritten);
  const exportKinds = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
  if (exportKinds.get('memory') !== 'memory') throw new HostUsageError(`${modPath}: does not export "memory"`);
  if (exportKinds.get('_start') !== 'function') throw new HostUsageError(`${modPath}: does not export "_start"`);
  return { path: modPath, module: mod, exportKinds, memory64 };
}

// ---- file descriptions: what an fd refers to, shared across forks ----------

// A pipe: bytes written and not yet read, and how many fds (in all
// processes) refer to each end.  Writes never block (the buffer grows);
// a read blocks while it is empty and some write end is open.
class Pipe {
  constructor() {
    this.chunks = [];
    this.size = 0;
    this.readers = 0;
    this.writers = 0;
  }
  read(dst) {
    let n = 0;
    while (n < dst.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const k = Math.min(c.length, dst.length - n);
      dst.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return n;
  }
}

// A description: {kind: 'stdin' | 'stdout' | 'stderr' | 'pipe-r' | 'pipe-w', pipe?}.
function retain(d) {
  if (d.kind === 'pipe-r') d.pipe.readers++;
  else if (d.kind === 'pipe-w') d.pipe.writers++;
}
function release(d) {
  if (d.kind === 'pipe-r') d.pipe.readers--;
  else if (d.kind === 'pipe-w') d.pipe.writers--;
}

// ---- the host ---------------------------------------------------------------

// memory.grow(pages), returning the old size in pages as a Number.  The JS
// API of a 64-bit memory takes and returns a BigInt in engines that ship
// memory64 (Chromium); node 20's experimental memory64 takes a Number.
function growMemory(mem, pages) {
  try {
    return Number(mem.grow(pages));
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return Number(mem.grow(BigInt(pages)));
  }
}

function writeAllFd(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

// One run of a command: its processes, their queue and their fds.
//   loaded    what loadModule returned
//   args      the program's arguments (argv[0] is the module's file name)
//   stdin     a Buffer (read by every process that reads fd 0, from one
//             shared offset), or undefined for the host's own stdin
//   write     (fd, Buffer) for output to fd 1 and 2; default: the host's
//   diag      (message) for the host's own messages; default: stderr
export class Host {
  constructor(loaded, { args = [], stdin, write, diag } = {}) {
    this.loaded = loaded;
    this.wasmModule = loaded.module;
    this.exportKinds = loaded.exportKinds;
    this.memory64 = loaded.memory64;
    this.header = this.memory64 ? 16 : 8;
    this.argvBytes = [path.basename(loaded.path), ...args].map((a) => Buffer.from(`${a}\0`));
    this.stdin = stdin === undefined ? null : { buf: Buffer.from(stdin), pos: 0 };
    this.write = write ?? writeAllFd;
    this.diag = diag ?? ((m) => process.stderr.write(`host: ${m}\n`));
    this.nextPid = 1;
    this.queue = [];
    this.forks = 0; // children created
  }

  ptr(n) {
    return this.memory64 ? BigInt(n) : n;
  }
  setField(dv, at, v) {
    if (this.memory64) dv.setBigUint64(at, BigInt(v), true);
    else dv.setUint32(at, v, true);
  }
  getField(dv, at) {
    return this.memory64 ? Number(dv.getBigUint64(at, true)) : dv.getUint32(at, true);
  }

  // Runs the command to the end of every process; returns the first
  // process's exit status (0..255).
  run() {
    let first;
    try {
      first = new Proc(this, null);
      for (const [fd, kind] of [[0, 'stdin'], [1, 'stdout'], [2, 'stderr']]) first.fds.set(fd, { kind });
      // The first process reserves the save area; children inherit it.
      first.dataAddr = growMemory(first.saveMemory, SAVE_AREA_SIZE / PAGE) * PAGE;
      this.queue.push(first);
    } catch (e) {
      this.diag(`${this.loaded.path}: ${e.message}`);
      return 134;
    }
    while (this.runNext()) {}
    return first.status & 0xff;
  }

  // Runs the process at the head of the queue to its end; false if none.
  runNext() {
    const proc = this.queue.shift();
    if (!proc) return false;
    proc.state = 'running';
    proc.status = this.runProc(proc);
    proc.state = 'done';
    for (const d of proc.fds.values()) release(d);
    proc.fds.clear();
    return true;
  }

  // Run one process until it ends; returns its exit status.
  runProc(proc) {
    let rewind = proc.rewindFirst;
    for (;;) {
      try {
        if (rewind) proc.asyncify('start_rewind')(this.ptr(proc.dataAddr));
        proc.exports._start();
      } catch (e) {
        if (e instanceof ProcExit) return e.code;
        this.diag(e instanceof HostTrap ? e.message : `pid ${proc.pid}: trap: ${e.message}`);
        return 134;
      }
      const getState = proc.exports.asyncify_get_state;
      const state = typeof getState === 'function' ? getState() : 0;
      if (state === 0) return 0; // _start returned normally
      if (state === 2) {
        this.diag(`pid ${proc.pid}: the rewind returned from _start without reaching env.fork`);
        return 134;
      }
      // state 1: a fork is unwinding.  Check the save area before Binaryen's own
      // check turns an overflow into a bare "unreachable".
      const dv = proc.saveView();
      const cur = this.getField(dv, proc.dataAddr);
      const end = this.getField(dv, proc.dataAddr + this.header / 2);
      if (cur > end) {
        this.diag(`pid ${proc.pid}: asyncify save area overflow (${cur - proc.dataAddr} > ${end - proc.dataAddr} bytes)`);
        return 134;
      }
      proc.asyncify('stop_unwind')();
      let child;
      try {
        child = this.spawnChild(proc);
      } catch (e) {
        this.diag(e.message);
        return 134;
      }
      this.queue.push(child);
      proc.children.set(child.pid, child);
      proc.forkResult = child.pid;
      rewind = true;
    }
  }

  // The child: a fresh instance whose memory and mutable globals are the
  // parent's as they stand after the unwind (so the save area holds the
  // unwound frames and __stack_pointer is where the fork happened), and
  // whose fds refer to the parent's descriptions.
  spawnChild(parent) {
    const child = new Proc(this, parent);
    const copied = new Set(); // a memory exported under two names is copied once
    for (const [name, kind] of this.exportKinds) {
      if (kind !== 'memory' || copied.has(parent.exports[name])) continue;
      copied.add(parent.exports[name]);
      const src = new Uint8Array(parent.exports[name].buffer);
      const missing = (src.length - child.exports[name].buffer.byteLength) / PAGE;
      if (missing > 0) growMemory(child.exports[name], missing);
      new Uint8Array(child.exports[name].buffer).set(src);
    }
    for (const [name, kind] of this.exportKinds) {
      if (kind !== 'global') continue;
      let value;
      try {
        value = parent.exports[name].value;
      } catch (e) {
        throw parent.trap(`cannot copy global ${name} into the child: ${e.message}`);
      }
      // Immutable globals are equal in both instances; only mutable ones differ.
      if (!Object.is(child.exports[name].value, value)) child.exports[name].value = value;
    }
    this.copyTables(parent, child);
    for (const [fd, d] of parent.fds) {
      child.fds.set(fd, d);
      retain(d);
    }
    child.dataAddr = parent.dataAddr;
    child.forkResult = 0;
    child.rewindFirst = true;
    this.forks++;
    return child;
  }

  // Every exported table, entry by entry: an externref (or any value that is
  // no function of the parent's instance) as it is, a function of the
  // parent's instance as the child's function of the same index.
  copyTables(parent, child) {
    const tables = [...this.exportKinds].filter(([, kind]) => kind === 'table').map(([name]) => name);
    if (tables.length === 0) return;
    const index = new Map(), childFunc = new Map();
    for (const [name, kind] of this.exportKinds) {
      const m = kind === 'function' && /^_*__host_func_(\d+)$/.exec(name);
      if (!m) continue;
      index.set(parent.exports[name], m[1]);
      childFunc.set(m[1], child.exports[name]);
    }
    for (const name of tables) {
      const from = parent.exports[name], to = child.exports[name];
      try {
        let readable = true;
        try {
          if (from.length) from.get(0);
        } catch {
          readable = false;
        }
        if (!readable) {
          copyOpaqueTable(from, to);
          continue;
        }
        if (to.length < from.length) to.grow(from.length - to.length);
        for (let i = 0; i < from.length; i++) {
          const v = from.get(i);
          const f = typeof v === 'function' && index.has(v) ? childFunc.get(index.get(v)) : v;
          if (to.get(i) !== f) to.set(i, f);
        }
      } catch (e) {
        throw parent.trap(`cannot copy table ${name} into the child: ${e.message}`);
      }
    }
  }

  // Runs queued processes until done() holds; traps naming `what` if the
  // queue runs dry first (the call would block forever).
  blockUntil(proc, done, what) {
    while (!done()) {
      if (!this.runNext()) throw proc.trap(`${what} would block forever: no other process can run`);
    }
  }
}

// A table JavaScript cannot read: exnref (an exception reference never
// crosses into JavaScript; forkinstr saves live ones in such a table).
// Wasm copies it: this module imports both tables as exnref tables, grows
// the child's to the parent's size and runs table.copy.  Tags belong to
// their instance, so in the child such an exception still carries the
// parent's tag: a catch of the child's tag does not match it, a catch_all
// does (docs/instrumentation.md).
const EXNREF_COPIER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00, // type: (func (param i32))
  0x02, 0x15, 0x02, // imports: t.src and t.dst, (table 0 exnref)
  0x01, 0x74, 0x03, 0x73, 0x72, 0x63, 0x01, 0x69, 0x00, 0x00,
  0x01, 0x74, 0x03, 0x64, 0x73, 0x74, 0x01, 0x69, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x00, // export "copy"
  0x0a, 0x23, 0x01, 0x21, 0x00,
  0x20, 0x00, 0xfc, 0x10, 0x01, 0x4b, 0x04, 0x40, // if n > table.size dst
  0xd0, 0x69, 0x20, 0x00, 0xfc, 0x10, 0x01, 0x6b, 0xfc, 0x0f, 0x01, 0x1a, // grow dst by the rest
  0x0b,
  0x41, 0x00, 0x41, 0x00, 0x20, 0x00, 0xfc, 0x0e, 0x01, 0x00, // table.copy dst src 0 0 n
  0x0b,
]);
function copyOpaqueTable(from, to) {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(EXNREF_COPIER), { t: { src: from, dst: to } });
  inst.exports.copy(from.length);
}

// One process: an instance plus what the fork protocol remembers about it.
class Proc {
  constructor(host, parent) {
    this.host = host;
    this.pid = host.nextPid++;
    this.parent = parent;
    this.children = new Map(); // pid -> Proc, until waited for
    this.fds = new Map(); // fd -> description
    this.state = 'queued';
    this.status = undefined;
    this.dataAddr = 0; // address of the Asyncify data struct
    this.forkResult = 0; // what env.fork returns once the rewind reaches it
    this.rewindFirst = false; // a child starts by rewinding
    this.instance = new WebAssembly.Instance(host.wasmModule, buildImports(this));
    this.exports = this.instance.exports;
    this.memory = this.exports.memory;
    // The Asyncify data struct and the frames: in memory 0 (exported as
    // "memory"), or where forkinstr says it put them (--save-memory).
    this.saveMemory = this.exports.forkinstr_save_memory ?? this.memory;
  }

  trap(msg) {
    return new HostTrap(`pid ${this.pid}: ${msg}`);
  }

  saveView() {
    return new DataView(this.saveMemory.buffer);
  }

  view() {
    return new DataView(this.memory.buffer);
  }

  bytes(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  asyncify(name) {
    const f = this.exports[`asyncify_${name}`];
    if (typeof f !== 'function')
      throw this.trap(`env.fork needs the export asyncify_${name}: instrument the module for env.fork first`);
    return f;
  }

  // The lowest fd not in use, as POSIX gives it.
  newFd(d) {
    for (let fd = 0; fd < MAX_FDS; fd++) {
      if (!this.fds.has(fd)) {
        this.fds.set(fd, d);
        retain(d);
        return fd;
      }
    }
    return -1;
  }
}

// env.fork.  State 0: a fresh call, so start unwinding (the return value is
// ignored; every instrumented frame returns at once and _start returns to
// runProc).  State 2: the rewind of this process has arrived back at the call,
// so stop rewinding and hand over the result chosen for this process.
function envFork(proc) {
  const state = proc.asyncify('get_state')();
  if (state === 2) {
    proc.asyncify('stop_rewind')();
    return proc.forkResult;
  }
  if (state !== 0) throw proc.trap(`env.fork called in asyncify state ${state}`);
  const host = proc.host;
  const dv = proc.saveView();
  host.setField(dv, proc.dataAddr, proc.dataAddr + host.header); // current: first free byte
  host.setField(dv, proc.dataAddr + host.header / 2, proc.dataAddr + SAVE_AREA_SIZE); // end
  proc.asyncify('start_unwind')(host.ptr(proc.dataAddr));
  return 0;
}

// env.wait(pid): the exit status of child pid once it has ended (running
// queued processes until it has), or -1 if pid is not a child not yet
// waited for.
function envWait(proc, pid) {
  const child = proc.children.get(pid);
  if (!child) return -1;
  proc.host.blockUntil(proc, () => {
    if (child.state === 'running') throw proc.trap(`env.wait(${pid}) would block forever: the child is blocked below this process`);
    return child.state === 'done';
  }, `env.wait(${pid})`);
  proc.children.delete(pid);
  return child.status & 0xff;
}

// env.pipe(fds): a new pipe, its read end at fds[0] and its write end at
// fds[1] (the two lowest free fds); 0, or -1 if the fd table is full.
function envPipe(proc, fdsPtr) {
  const pipe = new Pipe();
  const r = proc.newFd({ kind: 'pipe-r', pipe });
  if (r < 0) return -1;
  const w = proc.newFd({ kind: 'pipe-w', pipe });
  if (w < 0) {
    release(proc.fds.get(r));
    proc.fds.delete(r);
    return -1;
  }
  const dv = proc.view();
  dv.setInt32(fdsPtr, r, true);
  dv.setInt32(fdsPtr + 4, w, true);
  return 0;
}

// ---- WASI preview1, just enough for wasi-libc programs on stdio and pipes ----

function buildImports(proc) {
  const host = proc.host;
  const iovecs = (iovs, iovsLen) => {
    const dv = proc.view();
    const out = [];
    for (let i = 0; i < iovsLen; i++)
      out.push([dv.getUint32(iovs + 8 * i, true), dv.getUint32(iovs + 8 * i + 4, true)]);
    return out;
  };
  // Reads from the host's stdin, or from the stdin buffer, into dst.
  const readStdin = (dst) => {
    if (host.stdin) {
      const s = host.stdin;
      const n = Math.min(dst.length, s.buf.length - s.pos);
      dst.set(s.buf.subarray(s.pos, s.pos + n));
      s.pos += n;
      return n;
    }
    try {
      return fs.readSync(0, dst, 0, dst.length, null);
    } catch (e) {
      if (e.code === 'EOF') return 0;
      throw e;
    }
  };
  const wasi = {
    args_sizes_get(argcPtr, bufSizePtr) {
      const dv = proc.view();
      dv.setUint32(argcPtr, host.argvBytes.length, true);
      dv.setUint32(bufSizePtr, host.argvBytes.reduce((n, b) => n + b.length, 0), true);
      return ESUCCESS;
    },
    args_get(argvPtr, bufPtr) {
      const dv = proc.view();
      host.argvBytes.forEach((b, i) => {
        dv.setUint32(argvPtr + 4 * i, bufPtr, true);
        proc.bytes(bufPtr, b.length).set(b);
        bufPtr += b.length;
      });
      return ESUCCESS;
    },
    // An empty environment: the output must not depend on the caller's.
    environ_sizes_get(countPtr, bufSizePtr) {
      const dv = proc.view();
      dv.setUint32(countPtr, 0, true);
      dv.setUint32(bufSizePtr, 0, true);
      return ESUCCESS;
    },
    environ_get() {
      return ESUCCESS;
    },
    fd_write(fd, iovs, iovsLen, nwrittenPtr) {
      const d = proc.fds.get(fd);
      if (!d || (d.kind !== 'stdout' && d.kind !== 'stderr' && d.kind !== 'pipe-w')) return EBADF;
      // No reader left: natively SIGPIPE would end the writer; here the
      // write fails with EPIPE and the program decides.
      if (d.kind === 'pipe-w' && d.pipe.readers === 0) return EPIPE;
      let total = 0;
      for (const [ptr, len] of iovecs(iovs, iovsLen)) {
        const buf = Buffer.from(proc.bytes(ptr, len)); // a copy: memory may change
        if (d.kind === 'pipe-w') {
          d.pipe.chunks.push(buf);
          d.pipe.size += len;
        } else {
          host.write(d.kind === 'stdout' ? 1 : 2, buf);
        }
        total += len;
      }
      proc.view().setUint32(nwrittenPtr, total, true);
      return ESUCCESS;
    },
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      const d = proc.fds.get(fd);
      if (!d || (d.kind !== 'stdin' && d.kind !== 'pipe-r')) return EBADF;
      const vecs = iovecs(iovs, iovsLen);
      let total = 0;
      if (d.kind === 'pipe-r') {
        // Block (run other processes) while empty with a write end open.
        const p = d.pipe;
        host.blockUntil(proc, () => p.size > 0 || p.writers === 0, `fd_read(${fd}) on an empty pipe`);
        for (const [ptr, len] of vecs) {
          const n = p.read(proc.bytes(ptr, len));
          total += n;
          if (n < len) break;
        }
      } else {
        for (const [ptr, len] of vecs) {
          const n = readStdin(proc.bytes(ptr, len));
          total += n;
          if (n < len) break;
        }
      }
      proc.view().setUint32(nreadPtr, total, true);
      return ESUCCESS;
    },
    fd_fdstat_get(fd, statPtr) {
      const d = proc.fds.get(fd);
      if (!d) return EBADF;
      const dv = proc.view();
      proc.bytes(statPtr, 24).fill(0);
      if (d.kind === 'pipe-r' || d.kind === 'pipe-w') {
        dv.setUint8(statPtr, FILETYPE_UNKNOWN);
        dv.setBigUint64(statPtr + 8, d.kind === 'pipe-r' ? RIGHT_FD_READ : RIGHT_FD_WRITE, true);
      } else {
        dv.setUint8(statPtr, FILETYPE_CHARACTER_DEVICE);
        dv.setBigUint64(statPtr + 8, TTY_RIGHTS, true); // rights_base
      }
      dv.setBigUint64(statPtr + 16, 0n, true); // rights_inheriting
      return ESUCCESS;
    },
    fd_close(fd) {
      const d = proc.fds.get(fd);
      if (!d) return EBADF;
      proc.fds.delete(fd);
      release(d);
      return ESUCCESS;
    },
    fd_seek(fd) {
      return proc.fds.has(fd) ? ESPIPE : EBADF;
    },
    // No preopened directories: wasi-libc stops enumerating at the first EBADF.
    fd_prestat_get() {
      return EBADF;
    },
    fd_prestat_dir_name() {
      return EBADF;
    },
    clock_time_get(id, precision, timePtr) {
      if (id < 0 || id > 3) return EINVAL;
      const ns = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
      proc.view().setBigUint64(timePtr, ns, true);
      return ESUCCESS;
    },
    random_get(buf, len) {
      crypto.randomFillSync(proc.bytes(buf, len));
      return ESUCCESS;
    },
    sched_yield() {
      return ESUCCESS;
    },
    proc_exit(code) {
      throw new ProcExit(code >>> 0);
    },
  };
  const env = {
    fork: () => envFork(proc),
    wait: (pid) => envWait(proc, pid),
    pipe: (fdsPtr) => envPipe(proc, fdsPtr),
    exit_child: (status) => {
      throw new ProcExit(status >>> 0);
    },
    // For the programs that keep a reference across a fork: a host object
    // holding N, and N back from one (-1 for anything else).
    box: (n) => ({ boxed: n }),
    unbox: (x) => (x !== null && typeof x === 'object' && 'boxed' in x ? x.boxed : -1),
  };
  const known = { wasi_snapshot_preview1: wasi, env };
  // Every import resolves; the ones this host lacks trap when called, so a
  // program that merely links them still runs.
  const imports = {};
  for (const imp of WebAssembly.Module.imports(host.wasmModule)) {
    const impl = known[imp.module]?.[imp.name];
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = impl ?? (() => {
      throw proc.trap(`unimplemented import ${imp.module}.${imp.name}`);
    });
  }
  return imports;
}
// ---- main (when run as a script) ----

function usage(msg) {
  process.stderr.write(`host: ${msg}\nusage: node host.mjs [--memory64] MODULE.wasm [args...]\n`);
  process.exit(2);
}

const isMain = () => {
  try {
    return fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
};
if (process.argv[1] && isMain()) {
  let hostArgs = process.argv.slice(2);
  const memory64 = hostArgs[0] === '--memory64';
  if (memory64) hostArgs = hostArgs.slice(1);
  const [modPath, ...progArgs] = hostArgs;
  if (!modPath) usage('missing MODULE.wasm');
  let loaded;
  try {
    loaded = loadModule(modPath, { memory64 });
  } catch (e) {
    if (e instanceof HostUsageError) usage(e.message);
    throw e;
  }
  process.exitCode = new Host(loaded, { args: progArgs }).run();
}
