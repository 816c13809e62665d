/* check.h - the pass/fail accounting of the C tests (header only: each
 * test program is one translation unit that includes it once).
 *
 *   CHECK(cond)                 records COND; prints it when it fails
 *   CHECK_EQ(a, b)              integers, both values printed on failure
 *   CHECK_NEAR(a, b, tol)       doubles within TOL
 *   CHECK_MSG(cond, fmt, ...)   COND with a printf-style message
 *   t_summary()                 prints "N passed, M failed"; 0 or 1 for main
 */
#ifndef TESTLIB_CHECK_H
#define TESTLIB_CHECK_H

#include <math.h>
#include <stdio.h>

static unsigned t_pass, t_fail;

#define CHECK(cond) do { if (cond) t_pass++; else { t_fail++; \
    fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) t_pass++; else { t_fail++; \
    fprintf(stderr, "%s:%d: FAILED: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, \
            a_, b_); } } while (0)

#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    if (fabs(a_ - b_) <= (tol)) t_pass++; else { t_fail++; \
    fprintf(stderr, "%s:%d: FAILED: %s ~ %s (%.17g vs %.17g, tolerance %g)\n", __FILE__, \
            __LINE__, #a, #b, a_, b_, (double)(tol)); } } while (0)

#define CHECK_MSG(cond, ...) do { if (cond) t_pass++; else { t_fail++; \
    printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

static inline int t_summary(void)
{
    printf("%u passed, %u failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}

#endif
