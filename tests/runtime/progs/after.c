/*
 * after: sites in a construct that runs after a fork has finished.
 *
 * forkinstr's rewind leaves the frame's site index set to the fork's site
 * for the rest of main.  The `if` below is entered after that and holds a
 * site (step) behind code that is not one (printf); its re-entry test must
 * not mistake the leftover index for a rewind and skip the printf.
 *
 * argc is 3 (run.sh passes two arguments), so x = 30 in both processes:
 *   inside: x = 30;  after: x = (30 + 1) * 2 = 62
 * The parent exits 0 and the child 1; only the first one's reaches the caller.
 */
#include "forkcompat.h"

/* Reaches fork (never taken here), so it is a site of main. */
__attribute__((noinline)) static int step(int x) {
  if (x < 0)
    flushed_fork();
  return x + 1;
}

int main(int argc, char **argv) {
  (void)argv;
  int p = flushed_fork();
  int x = 10 * argc;
  if (argc > 1) {
    printf("%s: inside x=%d\n", who(p), x);
    x = step(x) * 2;
  }
  printf("%s: after x=%d\n", who(p), x);
  wait_children();
  return p == 0 ? 1 : 0;
}
