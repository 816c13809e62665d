/*
 * recurse: fork at the bottom of a recursion with pending operands.
 *
 * sum(n) = weight(n) + sum(n - 1): weight(n) is evaluated first, so in the
 * wasm code its result sits on the operand stack while the recursive call
 * runs (clang emits `call weight ... call sum; i32.add`).  Only the base case
 * forks, so when fork returns, N frames are live, each with a pending addend
 * (and its `depth` local): the unwind must save them and the rewind restore
 * them, in both processes.
 *   weight(n) = n*n, sum of squares 1..12 = 12*13*25/6 = 650
 *   child:  sum(12) = 650 + 1000 = 1650      parent: 650 + 2000 = 2650
 *   depth at the fork = 12 in both.
 * The child exits with status 9 and the parent with 0, so the host must report
 * the first process's status, not the last one's.
 *
 * disable_tail_calls keeps LLVM from turning the accumulating recursion into a
 * loop (there would be no frames left to unwind).
 */
#include "forkcompat.h"

#if defined(__has_attribute)
#if __has_attribute(disable_tail_calls)
#define NO_TAIL_CALLS __attribute__((disable_tail_calls))
#endif
#endif
#ifndef NO_TAIL_CALLS
#define NO_TAIL_CALLS
#endif

static int depth_at_fork = -1;

NOINLINE static int weight(int n) { return n * n; }

NOINLINE NO_TAIL_CALLS static int sum(int n, int depth) {
  if (n == 0) {
    depth_at_fork = depth;
    int pid = flushed_fork();
    return pid == 0 ? 1000 : 2000;
  }
  return weight(n) + sum(n - 1, depth + 1);
}

int main(void) {
  printf("before fork\n");
  int r = sum(12, 0);
  int child = r < 2000;
  printf("%s: sum=%d depth=%d\n", child ? "child" : "parent", r, depth_at_fork);
  if (child) return 9;
  wait_children();
  printf("parent: done\n");
  return 0;
}
