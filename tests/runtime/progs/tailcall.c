/*
 * tailcall: fork below a tail call.
 *
 * relay() counts its argument into a global and tail-calls bottom(), which
 * forks.  relay's own frame is gone by then, so forkinstr turns that tail
 * call into a call followed by return: relay becomes a site like any other,
 * and a rewind skips straight back into bottom.  Left as a tail call, the
 * rewind would run relay again from the top with dummy arguments (n = 0):
 * it would not reach bottom, and the host would stop the process.
 *
 * argv[1] is "alpha", so relay(5, 100): count = 5, then bottom(5, 100)
 * returns (100 + 5) * 10 + (1 in the child): parent r=1050, child r=1051,
 * count=5 in both (10 if relay's count ran twice).
 */
#include <string.h>

#include "forkcompat.h"

static int count;

NOINLINE int bottom(int n, int acc) {
  int pid = flushed_fork();
  return (acc + n) * 10 + (pid == 0);
}

NOINLINE int relay(int n, int acc) {
  count += n;
  if (n > 0)
    MUSTTAIL return bottom(n, acc);
  return acc;
}

int main(int argc, char **argv) {
  int r = relay(argc > 1 ? (int)strlen(argv[1]) : 0, 100);
  printf("%s: r=%d count=%d\n", r % 10 ? "child" : "parent", r, count);
  wait_children();
  return 0;
}
