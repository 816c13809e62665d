/*
 * indirect: fork reached only through function pointers (call_indirect).
 *
 * main calls a stage through `stages` and the stage calls an operation through
 * `ops`; both tables are volatile, so clang cannot devirtualize and every call
 * on the fork path is a call_indirect (build.sh checks that no direct call to
 * op_fork or apply_stage exists).  apply_stage keeps x*10 pending across the
 * indirect call.
 *   x = 3
 *   k=0 op_double: 30 + 6                           = 36
 *   k=1 op_fork:   360 + 37 (child) / 38 (parent)   = 397 / 398
 *   k=2 op_square: 3970 + 397^2 = 161579            / 3980 + 398^2 = 162384
 */
#include "forkcompat.h"

typedef int (*op_fn)(int);
typedef int (*stage_fn)(op_fn, int);

NOINLINE static int op_double(int x) { return 2 * x; }
NOINLINE static int op_square(int x) { return x * x; }
NOINLINE static int op_fork(int x) {
  int pid = flushed_fork();
  printf("%s: in op_fork x=%d\n", who(pid), x);
  return pid == 0 ? x + 1 : x + 2;
}

NOINLINE static int apply_stage(op_fn f, int x) { return x * 10 + f(x); }

static op_fn volatile ops[3] = {op_double, op_fork, op_square};
static stage_fn volatile stages[1] = {apply_stage};

int main(void) {
  int x = 3;
  int forked_child = 0;
  for (int k = 0; k < 3; k++) {
    x = stages[0](ops[k], x);
    if (k == 1) forked_child = x % 10 == 7;
  }
  printf("%s: x=%d\n", forked_child ? "child" : "parent", x);
  if (forked_child) return 0;
  wait_children();
  return 0;
}
