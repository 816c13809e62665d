/*
 * nofork: a program that imports fork, has it on a reachable path, and never
 * calls it (that path needs more than 100 arguments).  Its functions are
 * instrumented like any other, and its output must match the native build
 * byte for byte: stdout, stderr (one line) and exit status 3.  It also echoes
 * its arguments (args_sizes_get/args_get) without argv[0], which differs.
 *   primes below 50: 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 (15 of them)
 *   fib(30) = 832040;  sum of 1/k for k=1..10 = 7381/2520 = 2.928968...
 */
#include "forkcompat.h"

NOINLINE static int maybe_fork(int argc) {
  if (argc > 100) return flushed_fork();
  return -1;
}

NOINLINE static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %d: [%s]\n", i, argv[i]);
  int count = 0;
  printf("primes:");
  for (int n = 2; n < 50; n++) {
    int prime = 1;
    for (int d = 2; d * d <= n; d++)
      if (n % d == 0) prime = 0;
    if (prime) {
      printf(" %d", n);
      count++;
    }
  }
  printf(" (%d)\n", count);
  printf("fib(30)=%d\n", fib(30));
  double h = 0;
  for (int k = 1; k <= 10; k++) h += 1.0 / k;
  printf("harmonic(10)=%.6f\n", h);
  printf("fork: %d\n", maybe_fork(argc));
  fprintf(stderr, "nofork: done\n");
  return 3;
}
