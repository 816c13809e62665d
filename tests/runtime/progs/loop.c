/*
 * loop: fork inside a loop while i64, f32, f64 and v128 values are live.
 *
 * The four accumulators are plain scalars (never address-taken), so clang keeps
 * them in wasm locals of types i64, f32, f64 and v128 (build.sh checks that the
 * function calling fork declares all four).  The fork happens in iteration 3 of
 * 6; afterwards the child perturbs every accumulator differently from the
 * parent, so both the values restored by the rewind and the values computed
 * after it show up in the output.  Floating point is printed as bit patterns
 * (exact), and both builds use -ffp-contract=off so no FMA changes a rounding.
 *
 * v128 is wasm_simd128.h's v128_t in wasm and a GCC vector of four uint32_t
 * natively; both wrap on overflow.
 */
#include "forkcompat.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#ifdef __wasm__
#include <wasm_simd128.h>
typedef v128_t vec;
#define VEC(a, b, c, d) wasm_u32x4_make(a, b, c, d)
#define VSPLAT(s) wasm_i32x4_splat((int32_t)(s))
#define VADD(x, y) wasm_i32x4_add(x, y)
#define VMUL(x, y) wasm_i32x4_mul(x, y)
#define VLANE(x, i) ((uint32_t)wasm_i32x4_extract_lane(x, i))
#else
typedef uint32_t vec __attribute__((vector_size(16)));
#define VEC(a, b, c, d) ((vec){a, b, c, d})
#define VSPLAT(s) ((vec){(uint32_t)(s), (uint32_t)(s), (uint32_t)(s), (uint32_t)(s)})
#define VADD(x, y) ((x) + (y))
#define VMUL(x, y) ((x) * (y))
#define VLANE(x, i) ((uint32_t)(x)[i])
#endif

static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }
static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

NOINLINE static int run(int iters, int fork_at) {
  uint64_t a = 0x0123456789abcdefULL;
  float b = 1.5f;
  double c = 2.25;
  vec v = VEC(1, 2, 3, 0x80000000u);
  int pid = -1;
  for (int i = 0; i < iters; i++) {
    a = a * 0x9e3779b97f4a7c15ULL + (uint64_t)i;
    b = b * 1.25f + (float)i;
    c = c * 0.75 + (double)i;
    v = VADD(VMUL(v, VSPLAT(3)), VSPLAT(i));
    if (i == fork_at) {
      pid = flushed_fork();
      printf("%s: forked at i=%d\n", who(pid), i);
    }
    if (pid == 0) {
      a ^= 0x5555aaaa5555aaaaULL;
      b -= 0.5f;
      c += 0.125;
      v = VADD(v, VSPLAT(100));
    }
  }
  printf("%s: a=%016" PRIx64 " b=%08" PRIx32 " (%g) c=%016" PRIx64 " (%g)\n", who(pid), a,
         fbits(b), (double)b, dbits(c), c);
  printf("%s: v=%08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n", who(pid), VLANE(v, 0),
         VLANE(v, 1), VLANE(v, 2), VLANE(v, 3));
  return pid;
}

int main(void) {
  int pid = run(6, 3);
  if (pid == 0) return 0;
  wait_children();
  return 0;
}
