/* test_fit.c - checks analyzer/fit.c (least squares by Householder QR).
 *
 * Every expected value is known by construction: exact linear data whose
 * coefficients we chose, residuals we planted (a design whose only column
 * is dropped leaves residuals equal to y), or an independent computation
 * in this file (normal equations in long double with an explicit 3x3
 * adjugate inverse, and the hat matrix built from it).  argv[1] (WABT's
 * validator) is ignored.
 */
#include "../../analyzer/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmbuild.h"

/* Deterministic pseudo-noise: a 64-bit LCG (Knuth's MMIX constants),
 * top 53 bits as a double in [0, 1). */
static uint64_t lcg_state;
static double lcg01(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* Test-side reference: (X'X)^-1 for 3 columns via the adjugate, in long
 * double, from sums accumulated directly. */
static void inv3_xtx(const double *X, unsigned n, long double inv[3][3])
{
    long double m[3][3] = { { 0 } };
    for (unsigned i = 0; i < n; i++)
        for (unsigned a = 0; a < 3; a++)
            for (unsigned b = 0; b < 3; b++)
                m[a][b] += (long double)X[i * 3 + a] * X[i * 3 + b];
    long double c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1];
    long double c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2];
    long double c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0];
    long double det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02;
    inv[0][0] = c00 / det;
    inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    inv[1][0] = c01 / det;
    inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    inv[2][0] = c02 / det;
    inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
}

/* The 10 x 13 grid c = 0..9, l = 0..12 with y = 110 + 27c + 14l. */
#define GRID_N 130
static void grid(double *X, double *y)
{
    unsigned i = 0;
    for (unsigned c = 0; c < 10; c++)
        for (unsigned l = 0; l < 13; l++, i++) {
            X[i * 3 + 0] = 1.0;
            X[i * 3 + 1] = c;
            X[i * 3 + 2] = l;
            y[i] = 110.0 + 27.0 * c + 14.0 * l;
        }
}

static void test_exact(void)
{
    double X[GRID_N * 3], y[GRID_N];
    grid(X, y);
    fs_fit f;
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(X, y, GRID_N, 3, &f, &err), FS_OK);
    CHECK_EQ(f.nobs, GRID_N);
    CHECK_EQ(f.nparams, 3);
    CHECK_NEAR(f.coef[0], 110.0, 1e-9);
    CHECK_NEAR(f.coef[1], 27.0, 1e-9);
    CHECK_NEAR(f.coef[2], 14.0, 1e-9);
    CHECK_NEAR(f.r2, 1.0, 1e-12);
    CHECK_EQ(f.rank_deficient, 0);
    CHECK_EQ(f.rank, 3);
    CHECK_EQ(f.dof, GRID_N - 3);
    CHECK_EQ(f.nworst, FS_FIT_WORST);
    CHECK_NEAR(f.worst_resid[0], 0.0, 1e-9);   /* the largest |residual| */
    CHECK_NEAR(f.resid_median, 0.0, 1e-9);
    CHECK_NEAR(f.resid_p90, 0.0, 1e-9);
    for (unsigned j = 0; j < 3; j++)
        CHECK(f.se[j] >= 0.0 && f.se[j] < 1e-9);
    /* Shares by construction: sum 1 = 130, sum c = 13*45, sum l = 10*78. */
    double sumy = 110.0 * 130 + 27.0 * 585 + 14.0 * 780;
    CHECK_NEAR(f.share[0], 110.0 * 130 / sumy, 1e-12);
    CHECK_NEAR(f.share[1], 27.0 * 585 / sumy, 1e-12);
    CHECK_NEAR(f.share[2], 14.0 * 780 / sumy, 1e-12);
    CHECK_NEAR(f.share[0] + f.share[1] + f.share[2], 1.0, 1e-9);

    /* Deterministic: same input, bit-identical output. */
    fs_fit g;
    CHECK_EQ(fs_fit_ols(X, y, GRID_N, 3, &g, &err), FS_OK);
    CHECK(memcmp(&f, &g, sizeof f) == 0);
}

/* Large counts (up to 1e5) over 20000 rows: the regime where the normal
 * equations in double would lose most of their digits. */
static void test_exact_large(void)
{
    const unsigned n = 20000;
    double *X = malloc(n * 3 * sizeof *X), *y = malloc(n * sizeof *y);
    if (!X || !y)
        abort();
    lcg_state = 42;
    for (unsigned i = 0; i < n; i++) {
        double c = floor(lcg01() * 1000.0), l = floor(lcg01() * 100000.0);
        X[i * 3 + 0] = 1.0;
        X[i * 3 + 1] = c;
        X[i * 3 + 2] = l;
        y[i] = 110.0 + 27.0 * c + 14.0 * l;
    }
    fs_fit f;
    CHECK_EQ(fs_fit_ols(X, y, n, 3, &f, NULL), FS_OK);
    CHECK_NEAR(f.coef[0], 110.0, 1e-7);
    CHECK_NEAR(f.coef[1], 27.0, 1e-10);
    CHECK_NEAR(f.coef[2], 14.0, 1e-12);
    CHECK_NEAR(f.r2, 1.0, 1e-12);
    CHECK_NEAR(f.worst_resid[0], 0.0, 1e-6);
    CHECK_EQ(f.rank_deficient, 0);
    free(X);
    free(y);
}

static void test_noisy(void)
{
    const unsigned n = 5000;
    double *X = malloc(n * 3 * sizeof *X), *y = malloc(n * sizeof *y);
    double *Xr = malloc(n * 3 * sizeof *Xr), *yr = malloc(n * sizeof *yr);
    if (!X || !y || !Xr || !yr)
        abort();
    lcg_state = 7;
    for (unsigned i = 0; i < n; i++) {
        double c = floor(lcg01() * 60.0), l = floor(lcg01() * 400.0);
        X[i * 3 + 0] = 1.0;
        X[i * 3 + 1] = c;
        X[i * 3 + 2] = l;
        y[i] = 110.0 + 27.0 * c + 14.0 * l + (lcg01() - 0.5) * 4.0; /* noise in [-2, 2) */
    }
    fs_fit f;
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(X, y, n, 3, &f, &err), FS_OK);

    /* Noise of amplitude 2 averaged over 5000 rows: the estimates sit
     * well inside these bounds, and within a few standard errors. */
    CHECK_NEAR(f.coef[0], 110.0, 0.2);
    CHECK_NEAR(f.coef[1], 27.0, 0.005);
    CHECK_NEAR(f.coef[2], 14.0, 0.001);
    for (unsigned j = 0; j < 3; j++)
        CHECK(fabs(f.coef[j] - (j == 0 ? 110.0 : j == 1 ? 27.0 : 14.0)) < 5.0 * f.se[j]);
    CHECK(f.r2 > 0.99);
    CHECK(f.resid_p90 <= 2.0 && f.resid_median <= 2.0 && f.resid_median < f.resid_p90);
    CHECK(fabs(f.worst_resid[0]) <= 2.0 + 0.2);

    /* Independent reference: b = (X'X)^-1 X'y and se from the same
     * inverse, in long double. */
    long double inv[3][3], xty[3] = { 0 }, b[3] = { 0 };
    inv3_xtx(X, n, inv);
    for (unsigned i = 0; i < n; i++)
        for (unsigned a = 0; a < 3; a++)
            xty[a] += (long double)X[i * 3 + a] * y[i];
    for (unsigned a = 0; a < 3; a++)
        for (unsigned c = 0; c < 3; c++)
            b[a] += inv[a][c] * xty[c];
    long double rss = 0;
    for (unsigned i = 0; i < n; i++) {
        long double e = y[i] - (b[0] + b[1] * X[i * 3 + 1] + b[2] * X[i * 3 + 2]);
        rss += e * e;
    }
    long double s2 = rss / (n - 3);
    for (unsigned j = 0; j < 3; j++) {
        CHECK_NEAR(f.coef[j], (double)b[j], 1e-9 * fabs((double)b[j]));
        CHECK_NEAR(f.se[j], (double)sqrtl(s2 * inv[j][j]), 1e-9 * f.se[j]);
    }
    CHECK_NEAR(f.rss, (double)rss, 1e-9 * (double)rss);
    CHECK_NEAR(f.share[0] + f.share[1] + f.share[2], 1.0, 1e-9);

    /* Order independence: the rows reversed give the same fit up to
     * rounding. */
    for (unsigned i = 0; i < n; i++) {
        memcpy(Xr + i * 3, X + (n - 1 - i) * 3, 3 * sizeof *X);
        yr[i] = y[n - 1 - i];
    }
    fs_fit g;
    CHECK_EQ(fs_fit_ols(Xr, yr, n, 3, &g, &err), FS_OK);
    for (unsigned j = 0; j < 3; j++) {
        CHECK_NEAR(g.coef[j], f.coef[j], 1e-11 * fabs(f.coef[j]));
        CHECK_NEAR(g.se[j], f.se[j], 1e-9 * f.se[j]);
    }
    CHECK_NEAR(g.r2, f.r2, 1e-12);
    CHECK_NEAR(g.resid_median, f.resid_median, 1e-9);
    CHECK_NEAR(g.resid_p90, f.resid_p90, 1e-9);
    CHECK_EQ(g.worst[0], n - 1 - f.worst[0]);
    free(X);
    free(y);
    free(Xr);
    free(yr);
}

/* Typed model [1, callsites, i32, i64, f32, f64, v128] with no v128
 * locals anywhere: v128 is dropped and the others are fitted as if it had
 * never been there. */
static void test_zero_column(void)
{
    enum { N = 300, P = 7 };
    static const double truth[P] = { 40.0, 27.0, 14.0, 16.0, 13.0, 17.0, 0.0 };
    static double X[N * P], y[N], yn[N], Xs[N * (P - 1)];
    lcg_state = 99;
    for (unsigned i = 0; i < N; i++) {
        X[i * P + 0] = 1.0;
        for (unsigned j = 1; j < 6; j++)
            X[i * P + j] = floor(lcg01() * (j == 1 ? 50.0 : 30.0));
        X[i * P + 6] = 0.0;
        y[i] = 0.0;
        for (unsigned j = 0; j < P; j++)
            y[i] += truth[j] * X[i * P + j];
        yn[i] = y[i] + (lcg01() - 0.5) * 2.0;
        for (unsigned j = 0; j < P - 1; j++)
            Xs[i * (P - 1) + j] = X[i * P + j];
    }
    fs_fit f;
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(X, y, N, P, &f, &err), FS_OK);
    CHECK_EQ(f.rank_deficient, 1);
    CHECK_EQ(f.rank, P - 1);
    CHECK_EQ(f.dof, N - (P - 1));
    CHECK_EQ(f.dropped[6], 1);
    CHECK(f.coef[6] == 0.0);
    CHECK(isnan(f.se[6]));
    CHECK(f.share[6] == 0.0);
    for (unsigned j = 0; j < 6; j++) {
        CHECK_EQ(f.dropped[j], 0);
        CHECK_NEAR(f.coef[j], truth[j], 1e-9);
        CHECK(!isnan(f.se[j]) && f.se[j] < 1e-9);
    }
    CHECK_NEAR(f.r2, 1.0, 1e-12);

    /* With noise: identical to fitting without the column at all. */
    fs_fit g, h;
    CHECK_EQ(fs_fit_ols(X, yn, N, P, &g, &err), FS_OK);
    CHECK_EQ(fs_fit_ols(Xs, yn, N, P - 1, &h, &err), FS_OK);
    CHECK_EQ(h.rank_deficient, 0);
    for (unsigned j = 0; j < 6; j++) {
        CHECK_NEAR(g.coef[j], h.coef[j], 1e-12 * fabs(h.coef[j]) + 1e-12);
        CHECK_NEAR(g.se[j], h.se[j], 1e-12 * h.se[j]);
    }
    CHECK(g.coef[6] == 0.0 && isnan(g.se[6]));
    CHECK_NEAR(g.r2, h.r2, 1e-14);

    /* The zero column in the middle: the columns after it are still
     * fitted (the factorisation must not lose its place). */
    static double Xm[N * 3], ym[N];
    for (unsigned i = 0; i < N; i++) {
        Xm[i * 3 + 0] = 1.0;
        Xm[i * 3 + 1] = 0.0;
        Xm[i * 3 + 2] = X[i * P + 1];
        ym[i] = 110.0 + 27.0 * Xm[i * 3 + 2];
    }
    CHECK_EQ(fs_fit_ols(Xm, ym, N, 3, &f, &err), FS_OK);
    CHECK_EQ(f.rank_deficient, 1);
    CHECK(f.dropped[1] == 1 && f.dropped[0] == 0 && f.dropped[2] == 0);
    CHECK_NEAR(f.coef[0], 110.0, 1e-9);
    CHECK(f.coef[1] == 0.0 && isnan(f.se[1]));
    CHECK_NEAR(f.coef[2], 27.0, 1e-9);

    /* An exactly dependent column (total locals next to its parts): the
     * later one is dropped, the parts keep their coefficients. */
    static double Xd[N * 4], yd[N];
    for (unsigned i = 0; i < N; i++) {
        Xd[i * 4 + 0] = 1.0;
        Xd[i * 4 + 1] = X[i * P + 2];
        Xd[i * 4 + 2] = X[i * P + 3];
        Xd[i * 4 + 3] = X[i * P + 2] + X[i * P + 3];
        yd[i] = 5.0 + 14.0 * Xd[i * 4 + 1] + 16.0 * Xd[i * 4 + 2];
    }
    CHECK_EQ(fs_fit_ols(Xd, yd, N, 4, &f, &err), FS_OK);
    CHECK_EQ(f.rank_deficient, 1);
    CHECK(f.dropped[3] == 1 && f.coef[3] == 0.0 && isnan(f.se[3]));
    CHECK_NEAR(f.coef[0], 5.0, 1e-9);
    CHECK_NEAR(f.coef[1], 14.0, 1e-9);
    CHECK_NEAR(f.coef[2], 16.0, 1e-9);
}

/* Two outliers planted in exact data.  The clean part lies in the column
 * space, so the residuals are e = d - H d for the outlier vector d, with
 * the hat matrix H = X (X'X)^-1 X' computed independently here. */
static void test_worst(void)
{
    double X[GRID_N * 3], y[GRID_N];
    grid(X, y);
    const unsigned ia = 17, ib = 93;
    y[ia] += 50.0;
    y[ib] -= 80.0;
    long double inv[3][3];
    inv3_xtx(X, GRID_N, inv);
    double e[GRID_N];
    for (unsigned i = 0; i < GRID_N; i++) {
        long double ha = 0, hb = 0;
        for (unsigned a = 0; a < 3; a++)
            for (unsigned b = 0; b < 3; b++) {
                ha += X[i * 3 + a] * inv[a][b] * X[ia * 3 + b];
                hb += X[i * 3 + a] * inv[a][b] * X[ib * 3 + b];
            }
        e[i] = (double)((i == ia ? 50.0L : 0) + (i == ib ? -80.0L : 0) - 50.0L * ha + 80.0L * hb);
    }
    fs_fit f;
    CHECK_EQ(fs_fit_ols(X, y, GRID_N, 3, &f, NULL), FS_OK);
    CHECK_EQ(f.nworst, FS_FIT_WORST);
    CHECK_EQ(f.worst[0], ib);
    CHECK_EQ(f.worst[1], ia);
    CHECK(f.worst_resid[0] < -70.0 && f.worst_resid[1] > 40.0);
    CHECK_NEAR(f.worst_resid[0], e[ib], 1e-9);
    CHECK_NEAR(f.worst_resid[1], e[ia], 1e-9);
    /* The third is the largest of the rest. */
    double third = 0.0;
    for (unsigned i = 0; i < GRID_N; i++)
        if (i != ia && i != ib && fabs(e[i]) > third)
            third = fabs(e[i]);
    CHECK_NEAR(fabs(f.worst_resid[2]), third, 1e-9);
    for (unsigned w = 0; w < FS_FIT_WORST; w++)
        CHECK_NEAR(f.worst_resid[w], e[f.worst[w]], 1e-9);
}

/* A design whose only column is zero is dropped entirely: coef 0 and the
 * residuals are y itself, exactly, so percentiles and ties are exact. */
static void fit_residuals(const double *r, unsigned n, fs_fit *f)
{
    static double Z[64];
    memset(Z, 0, sizeof Z);
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(Z, r, n, 1, f, &err), FS_OK);
    CHECK(f->rank == 0 && f->rank_deficient == 1 && f->coef[0] == 0.0);
}

static void test_percentiles_and_ties(void)
{
    fs_fit f;
    /* |r| = 1..10 scrambled with signs: median (5+6)/2, p90 at rank
     * ceil(9) = 9. */
    static const double r10[10] = { -7, 3, 10, -1, 5, -9, 2, 8, -6, 4 };
    fit_residuals(r10, 10, &f);
    CHECK(f.resid_median == 5.5);
    CHECK(f.resid_p90 == 9.0);
    /* n = 11 (1..11): median a_6, p90 rank ceil(9.9) = 10. */
    static const double r11[11] = { 11, -2, 6, 9, -4, 1, 10, -8, 3, 7, -5 };
    fit_residuals(r11, 11, &f);
    CHECK(f.resid_median == 6.0);
    CHECK(f.resid_p90 == 10.0);
    /* n = 20 (0.5..10 in steps of 0.5): median (a_10+a_11)/2 = 5.25,
     * p90 rank 18 = 9. */
    double r20[20];
    for (unsigned i = 0; i < 20; i++)
        r20[i] = (i % 2 ? -0.5 : 0.5) * (double)((i * 7) % 20 + 1);
    fit_residuals(r20, 20, &f);
    CHECK(f.resid_median == 5.25);
    CHECK(f.resid_p90 == 9.0);
    /* n = 1. */
    static const double r1[1] = { -3.0 };
    fit_residuals(r1, 1, &f);
    CHECK(f.resid_median == 3.0 && f.resid_p90 == 3.0);
    CHECK_EQ(f.nworst, 1);
    CHECK(f.worst[0] == 0 && f.worst_resid[0] == -3.0);

    /* Ties in |e| go by ascending index; the list stops at FS_FIT_WORST. */
    static const double rt[14] = { 3, -5, 5, 1, -3, 5, 2, -2, 3, 0, -5, 4, 1, 3 };
    static const uint32_t want[FS_FIT_WORST] = { 1, 2, 5, 10, 11, 0, 4, 8, 13, 6 };
    fit_residuals(rt, 14, &f);
    CHECK_EQ(f.nworst, FS_FIT_WORST);
    for (unsigned w = 0; w < FS_FIT_WORST; w++) {
        CHECK_EQ(f.worst[w], want[w]);
        CHECK(f.worst_resid[w] == rt[want[w]]);
    }
    /* Fewer observations than FS_FIT_WORST. */
    static const double r4[4] = { 1, -4, 4, 2 };
    fit_residuals(r4, 4, &f);
    CHECK_EQ(f.nworst, 4);
    CHECK(f.worst[0] == 1 && f.worst[1] == 2 && f.worst[2] == 3 && f.worst[3] == 0);
}

static void test_shares_nan(void)
{
    /* y = 2c - 9 over c = 0..9 sums to 0: shares are undefined. */
    double X[20], y[10];
    for (unsigned c = 0; c < 10; c++) {
        X[c * 2] = 1.0;
        X[c * 2 + 1] = c;
        y[c] = 2.0 * c - 9.0;
    }
    fs_fit f;
    CHECK_EQ(fs_fit_ols(X, y, 10, 2, &f, NULL), FS_OK);
    CHECK_NEAR(f.coef[0], -9.0, 1e-12);
    CHECK_NEAR(f.coef[1], 2.0, 1e-12);
    CHECK(isnan(f.share[0]) && isnan(f.share[1]));
    /* Constant y: TSS = 0, so r2 is NAN. */
    for (unsigned c = 0; c < 10; c++)
        y[c] = 7.0;
    CHECK_EQ(fs_fit_ols(X, y, 10, 2, &f, NULL), FS_OK);
    CHECK(isnan(f.r2));
    CHECK_NEAR(f.coef[0], 7.0, 1e-12);
    CHECK_NEAR(f.coef[1], 0.0, 1e-12);
}

/* nobs <= np is accepted (documented in fit.h): an exact solution from
 * the first independent columns, se NAN throughout. */
static void test_underdetermined(void)
{
    /* n == p == 3, full rank: the unique interpolant. */
    static const double X3[9] = { 1, 0, 0, 1, 1, 2, 1, 3, 1 };
    double y3[3];
    for (unsigned i = 0; i < 3; i++)
        y3[i] = 110.0 + 27.0 * X3[i * 3 + 1] + 14.0 * X3[i * 3 + 2];
    fs_fit f;
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(X3, y3, 3, 3, &f, &err), FS_OK);
    CHECK_EQ(f.rank_deficient, 0);
    CHECK_EQ(f.rank, 3);
    CHECK_EQ(f.dof, 0);
    CHECK_NEAR(f.coef[0], 110.0, 1e-9);
    CHECK_NEAR(f.coef[1], 27.0, 1e-9);
    CHECK_NEAR(f.coef[2], 14.0, 1e-9);
    for (unsigned j = 0; j < 3; j++)
        CHECK(isnan(f.se[j]));
    CHECK(isnan(f.s2));

    /* n = 2 < p = 3: the third column is dropped, the first two
     * interpolate: 1*a + 1*b = 10, 1*a + 3*b = 16 -> a = 7, b = 3. */
    static const double X2[6] = { 1, 1, 2, 1, 3, 5 };
    static const double y2[2] = { 10, 16 };
    CHECK_EQ(fs_fit_ols(X2, y2, 2, 3, &f, &err), FS_OK);
    CHECK_EQ(f.rank_deficient, 1);
    CHECK_EQ(f.rank, 2);
    CHECK(f.dropped[2] == 1 && f.coef[2] == 0.0);
    CHECK_NEAR(f.coef[0], 7.0, 1e-12);
    CHECK_NEAR(f.coef[1], 3.0, 1e-12);
    CHECK_NEAR(f.worst_resid[0], 0.0, 1e-12);
    for (unsigned j = 0; j < 3; j++)
        CHECK(isnan(f.se[j]));
}

static void test_usage(void)
{
    double X[4] = { 1, 2, 3, 4 }, y[2] = { 1, 2 };
    fs_fit f;
    fs_error err = { 0 };
    CHECK_EQ(fs_fit_ols(X, y, 0, 2, &f, &err), FS_ERR_USAGE);
    CHECK(err.msg[0] != '\0');
    err.msg[0] = '\0';
    CHECK_EQ(fs_fit_ols(X, y, 2, 0, &f, &err), FS_ERR_USAGE);
    CHECK(err.msg[0] != '\0');
    CHECK_EQ(fs_fit_ols(X, y, 1, FS_FIT_MAXP + 1, &f, &err), FS_ERR_USAGE);
    CHECK_EQ(fs_fit_ols(NULL, y, 2, 2, &f, &err), FS_ERR_USAGE);
    CHECK_EQ(fs_fit_ols(X, y, 2, 2, NULL, &err), FS_ERR_USAGE);
    X[3] = NAN;
    err.msg[0] = '\0';
    CHECK_EQ(fs_fit_ols(X, y, 2, 2, &f, &err), FS_ERR_USAGE);
    CHECK(strstr(err.msg, "non-finite") != NULL);
    X[3] = 4;
    y[1] = INFINITY;
    CHECK_EQ(fs_fit_ols(X, y, 2, 2, &f, NULL), FS_ERR_USAGE);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_exact();
    test_exact_large();
    test_noisy();
    test_zero_column();
    test_worst();
    test_percentiles_and_ties();
    test_shares_nan();
    test_underdetermined();
    test_usage();
    return t_summary();
}
