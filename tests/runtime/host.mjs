// host.mjs - run a WASI command module whose env.fork is implemented with the
// Asyncify ABI (unwind the stack, copy the process, rewind both copies).
//
// Usage: node host.mjs [--memory64] MODULE.wasm [args...]
//
// --memory64: memory 0 is 64-bit, so the data struct is {i64 current, i64
// end} and asyncify_start_unwind/start_rewind take an i64 (a BigInt), as
// Asyncify has it for wasm64.  Node 20 runs such a module only with
// --experimental-wasm-memory64.
//
// The module must be instrumented for env.fork (Binaryen's --asyncify or an
// emitter with the same ABI) and must export `memory`, `_start` and, if it
// uses a shadow stack, its mutable globals (clang: -mmutable-globals
// -Wl,--export=__stack_pointer).  README.md describes the protocol.
//
// Processes run one after another, never concurrently: a fork queues the child
// and the parent carries on; the child runs once the parent has ended.  The
// exit status is the first process's; a trap prints "host: pid N: ..." on
// stderr and gives that process status 134.  Host usage errors exit 2.
//
// Only node's standard library is used (node 20, ESM).

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const PAGE = 65536;
// The Asyncify data struct {i32 current, i32 end} and the save area after it
// live in one page that the host adds to linear memory before _start runs
// (see reserveSaveArea): 8 bytes of header, then PAGE - 8 bytes of saved
// frames.  Children inherit the page with the rest of memory.
const SAVE_AREA_SIZE = PAGE;

// WASI errno values used here.
const ESUCCESS = 0, EBADF = 8, EINVAL = 28, ESPIPE = 70;
// WASI filetype: character device (stdio looks like a terminal).
const FILETYPE_CHARACTER_DEVICE = 2;
// Rights of a character device: everything except fd_seek (bit 2) and
// fd_tell (bit 5), which is what wasi-libc's isatty() expects.
const TTY_RIGHTS = 0xffffffffffffffffn & ~((1n << 2n) | (1n << 5n));

class ProcExit {
  constructor(code) { this.code = code; }
}

class HostTrap extends Error {}

function usage(msg) {
  process.stderr.write(`host: ${msg}\nusage: node host.mjs [--memory64] MODULE.wasm [args...]\n`);
  process.exit(2);
}

let hostArgs = process.argv.slice(2);
const memory64 = hostArgs[0] === '--memory64';
if (memory64) hostArgs = hostArgs.slice(1);
const [modPath, ...progArgs] = hostArgs;
// The data struct's fields and the pointer the asyncify_* functions take.
const HEADER = memory64 ? 16 : 8;
const ptr = (n) => (memory64 ? BigInt(n) : n);
function setField(dv, at, v) {
  if (memory64) dv.setBigUint64(at, BigInt(v), true);
  else dv.setUint32(at, v, true);
}
function getField(dv, at) {
  return memory64 ? Number(dv.getBigUint64(at, true)) : dv.getUint32(at, true);
}
if (!modPath) usage('missing MODULE.wasm');
let wasmModule;
try {
  wasmModule = new WebAssembly.Module(fs.readFileSync(modPath));
} catch (e) {
  usage(`${modPath}: ${e.message}`);
}
for (const imp of WebAssembly.Module.imports(wasmModule)) {
  if (imp.kind !== 'function')
    usage(`${modPath}: imports ${imp.kind} ${imp.module}.${imp.name}; only function imports are supported`);
}
const exportKinds = new Map(WebAssembly.Module.exports(wasmModule).map((e) => [e.name, e.kind]));
if (exportKinds.get('memory') !== 'memory') usage(`${modPath}: does not export "memory"`);
if (exportKinds.get('_start') !== 'function') usage(`${modPath}: does not export "_start"`);

// argv as the program sees it: argv[0] is the module's file name.
const argvBytes = [path.basename(modPath), ...progArgs].map((a) => Buffer.from(`${a}\0`));

let nextPid = 1;
const queue = [];

// One process: an instance plus what the fork protocol remembers about it.
class Proc {
  constructor() {
    this.pid = nextPid++;
    this.dataAddr = 0; // address of the Asyncify data struct
    this.forkResult = 0; // what env.fork returns once the rewind reaches it
    this.rewindFirst = false; // a child starts by rewinding
    this.instance = new WebAssembly.Instance(wasmModule, buildImports(this));
    this.exports = this.instance.exports;
    this.memory = this.exports.memory;
  }

  trap(msg) {
    return new HostTrap(`pid ${this.pid}: ${msg}`);
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
}

// The first process reserves the save area; children inherit it.
function reserveSaveArea(proc) {
  const pages = SAVE_AREA_SIZE / PAGE;
  proc.dataAddr = proc.memory.grow(pages) * PAGE;
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
  const dv = proc.view();
  setField(dv, proc.dataAddr, proc.dataAddr + HEADER); // current: first free byte
  setField(dv, proc.dataAddr + HEADER / 2, proc.dataAddr + SAVE_AREA_SIZE); // end
  proc.asyncify('start_unwind')(ptr(proc.dataAddr));
  return 0;
}

// The child: a fresh instance whose memory and exported mutable globals are
// the parent's as they stand after the unwind (so the save area holds the
// unwound frames and __stack_pointer is where the fork happened).
function spawnChild(parent) {
  const child = new Proc();
  const src = new Uint8Array(parent.memory.buffer);
  const missing = (src.length - child.memory.buffer.byteLength) / PAGE;
  if (missing > 0) child.memory.grow(missing);
  new Uint8Array(child.memory.buffer).set(src);
  for (const [name, kind] of exportKinds) {
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
  child.dataAddr = parent.dataAddr;
  child.forkResult = 0;
  child.rewindFirst = true;
  return child;
}

// Run one process to its end; returns its exit status.
function runProc(proc) {
  let rewind = proc.rewindFirst;
  for (;;) {
    try {
      if (rewind) proc.asyncify('start_rewind')(ptr(proc.dataAddr));
      proc.exports._start();
    } catch (e) {
      if (e instanceof ProcExit) return e.code;
      const msg = e instanceof HostTrap ? e.message : `pid ${proc.pid}: trap: ${e.message}`;
      process.stderr.write(`host: ${msg}\n`);
      return 134;
    }
    const getState = proc.exports.asyncify_get_state;
    const state = typeof getState === 'function' ? getState() : 0;
    if (state === 0) return 0; // _start returned normally
    if (state === 2) {
      process.stderr.write(`host: pid ${proc.pid}: the rewind returned from _start without reaching env.fork\n`);
      return 134;
    }
    // state 1: a fork is unwinding.  Check the save area before Binaryen's own
    // check turns an overflow into a bare "unreachable".
    const dv = proc.view();
    const cur = getField(dv, proc.dataAddr);
    const end = getField(dv, proc.dataAddr + HEADER / 2);
    if (cur > end) {
      process.stderr.write(`host: pid ${proc.pid}: asyncify save area overflow (${cur - proc.dataAddr} > ${end - proc.dataAddr} bytes)\n`);
      return 134;
    }
    proc.asyncify('stop_unwind')();
    let child;
    try {
      child = spawnChild(proc);
    } catch (e) {
      process.stderr.write(`host: ${e.message}\n`);
      return 134;
    }
    queue.push(child);
    proc.forkResult = child.pid;
    rewind = true;
  }
}

// ---- WASI preview1, just enough for wasi-libc programs writing to stdio ----

function writeAll(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function buildImports(proc) {
  const wasi = {
    args_sizes_get(argcPtr, bufSizePtr) {
      const dv = proc.view();
      dv.setUint32(argcPtr, argvBytes.length, true);
      dv.setUint32(bufSizePtr, argvBytes.reduce((n, b) => n + b.length, 0), true);
      return ESUCCESS;
    },
    args_get(argvPtr, bufPtr) {
      const dv = proc.view();
      argvBytes.forEach((b, i) => {
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
      if (fd !== 1 && fd !== 2) return EBADF;
      const dv = proc.view();
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovs + 8 * i, true);
        const len = dv.getUint32(iovs + 8 * i + 4, true);
        writeAll(fd, Buffer.from(proc.bytes(ptr, len)));
        total += len;
      }
      dv.setUint32(nwrittenPtr, total, true);
      return ESUCCESS;
    },
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) return EBADF;
      const dv = proc.view();
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovs + 8 * i, true);
        const len = dv.getUint32(iovs + 8 * i + 4, true);
        let n;
        try {
          n = fs.readSync(0, proc.bytes(ptr, len), 0, len, null);
        } catch (e) {
          if (e.code === 'EOF') n = 0;
          else throw e;
        }
        total += n;
        if (n < len) break;
      }
      dv.setUint32(nreadPtr, total, true);
      return ESUCCESS;
    },
    fd_fdstat_get(fd, statPtr) {
      if (fd > 2) return EBADF;
      const dv = proc.view();
      proc.bytes(statPtr, 24).fill(0);
      dv.setUint8(statPtr, FILETYPE_CHARACTER_DEVICE);
      dv.setBigUint64(statPtr + 8, TTY_RIGHTS, true); // rights_base
      dv.setBigUint64(statPtr + 16, 0n, true); // rights_inheriting
      return ESUCCESS;
    },
    fd_close(fd) {
      return fd <= 2 ? ESUCCESS : EBADF;
    },
    fd_seek(fd) {
      return fd <= 2 ? ESPIPE : EBADF;
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
  const env = { fork: () => envFork(proc) };
  const known = { wasi_snapshot_preview1: wasi, env };
  // Every import resolves; the ones this host lacks trap when called, so a
  // program that merely links them still runs.
  const imports = {};
  for (const imp of WebAssembly.Module.imports(wasmModule)) {
    const impl = known[imp.module]?.[imp.name];
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = impl ?? (() => {
      throw proc.trap(`unimplemented import ${imp.module}.${imp.name}`);
    });
  }
  return imports;
}

// ---- main ----

let firstStatus;
try {
  const first = new Proc();
  reserveSaveArea(first);
  queue.push(first);
} catch (e) {
  process.stderr.write(`host: ${modPath}: ${e.message}\n`);
  process.exit(134);
}
while (queue.length > 0) {
  const proc = queue.shift();
  const status = runProc(proc);
  if (firstStatus === undefined) firstStatus = status;
}
process.exitCode = firstStatus & 0xff;
