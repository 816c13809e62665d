/*
 * twoforks: two forks in a row, four processes.
 *
 * Tags are first-fork result, second-fork result.  x is live across both:
 *   x = 10;  x = 3x + (1 child / 2 parent)  -> 31 / 32
 *            x = 5x + (1 child / 2 parent)  -> child-child 156, child-parent 157,
 *                                              parent-child 161, parent-parent 162
 * Every process exits with its own status (parent-parent 0, parent-child 1,
 * child-parent 2, child-child 3); only the first one's reaches the caller.
 */
#include "forkcompat.h"

int main(void) {
  int x = 10;
  printf("start: x=%d\n", x);
  int p1 = flushed_fork();
  x = 3 * x + (p1 == 0 ? 1 : 2);
  printf("%s: between x=%d\n", who(p1), x);
  int p2 = flushed_fork();
  x = 5 * x + (p2 == 0 ? 1 : 2);
  printf("%s-%s: x=%d\n", who(p1), who(p2), x);
  wait_children();
  return (p1 == 0 ? 2 : 0) + (p2 == 0 ? 1 : 0);
}
