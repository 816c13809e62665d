/*
 * interp: a fork inside one case of a switch in a loop (a tiny bytecode
 * interpreter), with calls that can unwind in other cases.  clang lowers the
 * switch to a br_table in a nest of blocks; forkinstr opens each case's
 * re-entry tests after its block (deferred wraps), so the rewind must leave
 * the inner blocks from its exit dispatch to reach the fork's case.
 *
 * The program "a2fa3pcp" with acc starting at 1 (argc = 3 adds nothing):
 *   a: acc += step(acc)  (step(x) = x + 1)  1 -> 1 + 2 = 3
 *   2: acc *= 2                             6
 *   f: fork; acc += 10 (child) or 20 (parent)   16 / 26
 *   a:                                      16 + 17 = 33 / 26 + 27 = 53
 *   3: acc *= 3                             99 / 159
 *   p: print                                "child: acc=99" / "parent: acc=159"
 *   c: acc -= step(0)                       98 / 158
 *   p:                                      "child: acc=98" / "parent: acc=158"
 * Exit status acc % 7: the child's 98 gives 0, the parent's 158 gives 4;
 * the parent's is what the caller sees.
 */
#include "forkcompat.h"

static int pid = -1;

/* Reaches fork (never taken here), so every call to it is a site. */
__attribute__((noinline)) static int step(int x) {
  if (x < -1000)
    flushed_fork();
  return x + 1;
}

__attribute__((noinline)) static int run(const char *prog, int acc) {
  for (const char *p = prog; *p; p++) {
    switch (*p) {
    case 'a': acc += step(acc); break;
    case 'c': acc -= step(0); break;
    case 'f': pid = flushed_fork(); acc += pid == 0 ? 10 : 20; break;
    case 'p': printf("%s: acc=%d\n", who(pid), acc); break;
    case '2': acc *= 2; break;
    case '3': acc *= 3; break;
    case 'n': acc = -acc; break;
    default: return -1;
    }
  }
  return acc;
}

int main(int argc, char **argv) {
  (void)argv;
  int acc = run("a2fa3pcp", argc - 2);
  wait_children();
  return acc % 7;
}
