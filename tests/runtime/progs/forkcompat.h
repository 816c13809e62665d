/*
 * forkcompat.h - what the runtime test programs share.
 *
 * Each program is built twice: natively, where fork() is the real one, and for
 * wasm32-wasi, where fork is the env.fork import that tests/runtime/host.mjs
 * implements with Asyncify unwind/rewind.  Everything a program prints must
 * come out the same from both builds, so:
 *   - every line is tagged by what fork returned (child/parent), never a pid;
 *   - stdout is flushed before each fork (a buffered line would be copied into
 *     the child and printed twice, natively and in wasm alike);
 *   - a parent reaps its children before it ends (natively; in wasm the host
 *     runs processes one after another, so there is nothing to wait for).
 */
#ifndef RUNTIME_FORKCOMPAT_H
#define RUNTIME_FORKCOMPAT_H

#ifdef __wasm__
__attribute__((import_module("env"), import_name("fork"))) int fork(void);
static inline void wait_children(void) {}
#else
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
static inline void wait_children(void) {
  while (wait(0) > 0) {}
}
#endif

#include <stdio.h>

#define NOINLINE __attribute__((noinline))

/* A tail call the compiler must make (wasm: return_call with -mtail-call);
 * natively, where only clang knows the attribute, a plain call. */
#ifdef __clang__
#define MUSTTAIL __attribute__((musttail))
#else
#define MUSTTAIL
#endif

/* fork() with stdout flushed first; the result is an int in both builds. */
static inline int flushed_fork(void) {
  fflush(stdout);
  return (int)fork();
}

static inline const char *who(int pid) { return pid == 0 ? "child" : "parent"; }

#endif
