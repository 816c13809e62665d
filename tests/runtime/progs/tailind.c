/*
 * tailind: fork below a tail call through a function pointer
 * (return_call_indirect).
 *
 * relay() counts its argument into a global and tail-calls *hop, which main
 * points at bottom(); bottom forks.  As in tailcall.c, forkinstr turns the
 * tail call into call_indirect followed by return, so relay is a site and a
 * rewind goes back through the same table slot (the index is saved like a
 * pending operand).  Left as a tail call, the rewind would run relay again
 * from the top with dummy arguments and never reach bottom.
 *
 * argv[1] is "alpha", so relay(5, 100): count = 5, then bottom(5, 100)
 * returns (100 + 5) * 10 + 2 + (1 in the child): parent r=1052, child
 * r=1053, count=5 in both (10 if relay's count ran twice; r ends in 0 or 1
 * if the rewind went to other()).
 */
#include <string.h>

#include "forkcompat.h"

static int count;

NOINLINE int bottom(int n, int acc) {
  int pid = flushed_fork();
  return (acc + n) * 10 + 2 + (pid == 0);
}

NOINLINE int other(int n, int acc) {
  int pid = flushed_fork();
  return (acc + n) * 10 + (pid == 0);
}

/* Set by main, so the compiler cannot see the target. */
static int (*volatile hop)(int, int) = other;

NOINLINE int relay(int n, int acc) {
  int (*h)(int, int) = hop;
  count += n;
  if (n > 0)
    MUSTTAIL return h(n, acc);
  return acc;
}

int main(int argc, char **argv) {
  if (argc > 1)
    hop = bottom;
  int r = relay(argc > 1 ? (int)strlen(argv[1]) : 0, 100);
  printf("%s: r=%d count=%d\n", r % 2 ? "child" : "parent", r, count);
  wait_children();
  return 0;
}
