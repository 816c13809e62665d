/*
 * hot: a normal path that runs long inside the fork closure, and never forks
 * (fork needs more than 100 arguments), so the original module and Binaryen
 * -O2 alone run it too.  It is the C program the runtime benchmark times
 * (tests/workloads/cprog.mjs): a bytecode loop whose every pass calls mod7,
 * which can reach fork, so forkinstr and Asyncify instrument both the loop
 * and the callee, and nobody forks.
 *
 * The program "imaj", run with i = 0, acc = 0 and n = 700000:
 *   i: i += 1        m: t = mod7(i) = i % 7 (a call that can unwind)
 *   a: acc += t      j: back to the start while i < n
 * i runs 1..700000, 100000 whole weeks of residues 1+2+3+4+5+6+0 = 21:
 *   acc = 100000 * 21 = 2100000, with 700000 calls of mod7, 2800000 ops.
 * Output "hot: sum=2100000 calls=700000 ops=2800000", "fork: -1"; exit 0.
 */
#include "forkcompat.h"

static int g_argc, calls;

NOINLINE static int mod7(int x) {
  calls++;
  if (g_argc > 100) flushed_fork();
  return x % 7;
}

NOINLINE static long run(const char *prog, int n, long *ops) {
  int i = 0, t = 0;
  long acc = 0;
  for (const char *p = prog; *p; p++) {
    ++*ops;
    switch (*p) {
    case 'i': i++; break;
    case 'm': t = mod7(i); break;
    case 'a': acc += t; break;
    case 'j': if (i < n) p = prog - 1; break;
    default: return -1;
    }
  }
  return acc;
}

NOINLINE static int maybe_fork(int argc) {
  if (argc > 100) return flushed_fork();
  return -1;
}

int main(int argc, char **argv) {
  (void)argv;
  long ops = 0;
  g_argc = argc;
  long acc = run("imaj", 700000, &ops);
  printf("hot: sum=%ld calls=%d ops=%ld\n", acc, calls, ops);
  printf("fork: %d\n", maybe_fork(argc));
  return 0;
}
