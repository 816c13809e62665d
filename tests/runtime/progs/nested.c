/*
 * nested: fork inside if, inside while, inside switch, inside while.
 *
 * machine(10) walks i = 0..9 through a switch on i % 4; case 1 runs an inner
 * while over k = 0..2, and at i == 5, k == 1 an if forks.  Hand trace (acc):
 *   i=0 case0 +0 -> 0     i=1 case1 +0+1+2 -> 3   i=2 case2 *2 -> 6
 *   i=3 default -1 -> 5   i=4 case0 +4 -> 9
 *   i=5 case1 +0, fork: +100 (child) / +200 (parent), +2 -> 111 / 211
 *   i=6 *2 -> 222 / 422   i=7 -1 -> 221 / 421     i=8 +8 -> 229 / 429
 *   i=9 case1 +0+1+2 -> 232 / 432
 * The parent exits with status 4 (after reaping the child), the child with 0.
 */
#include "forkcompat.h"

#include <stdlib.h>

NOINLINE static int machine(int steps) {
  int acc = 0, pid = -1, i = 0;
  while (i < steps) {
    switch (i % 4) {
    case 0:
      acc += i;
      break;
    case 1: {
      int k = 0;
      while (k < 3) {
        if (i == 5 && k == 1) {
          pid = flushed_fork();
          acc += pid == 0 ? 100 : 200;
        } else {
          acc += k;
        }
        k++;
      }
      break;
    }
    case 2:
      acc *= 2;
      break;
    default:
      acc -= 1;
      break;
    }
    i++;
  }
  printf("%s: acc=%d\n", who(pid), acc);
  return pid;
}

int main(void) {
  if (machine(10) == 0) return 0;
  wait_children();
  exit(4);
}
