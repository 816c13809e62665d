/*
 * multivalue: a struct of two scalars returned by value along the fork path.
 *
 * Built for wasm with -mmultivalue -Xclang -target-abi -Xclang experimental-mv,
 * split() has the wasm type (i32) -> (i64, f64) (build.sh checks for such a
 * type), and each recursive level receives both results of the call that
 * leads to the fork.  Natively it is an ordinary struct return.
 *   split(0) = {1, 0.5} (child) / {2, 0.25} (parent)
 *   split(n) = {split(n-1).a + n, 2 * split(n-1).b}
 *   split(5): a = 1 + 15 = 16 / 2 + 15 = 17;  b = 0.5 * 32 = 16 / 0.25 * 32 = 8
 */
#include "forkcompat.h"

#include <inttypes.h>
#include <stdint.h>

struct pair {
  int64_t a;
  double b;
};

NOINLINE static struct pair split(int n) {
  if (n == 0) {
    int pid = flushed_fork();
    return (struct pair){pid == 0 ? 1 : 2, pid == 0 ? 0.5 : 0.25};
  }
  struct pair p = split(n - 1);
  p.a += n;
  p.b *= 2;
  return p;
}

int main(void) {
  struct pair p = split(5);
  int child = p.a == 16;
  printf("%s: a=%" PRId64 " b=%g\n", child ? "child" : "parent", p.a, p.b);
  if (child) return 0;
  wait_children();
  return 0;
}
