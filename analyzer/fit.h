/* fit.h - ordinary least squares for explaining measured instrumentation
 * growth per function, e.g.
 *
 *   delta_bytes ~ A + B*callsites + C*locals
 *   delta_bytes ~ A + B*callsites + C32*i32 + C64*i64 + Cf32*f32 + Cf64*f64 + Cv*v128
 *
 * The caller builds the design matrix (one row per function, one column
 * per term, a column of ones for the intercept), so both models above are
 * just different X.  Analysis layer: prints nothing, reports through
 * fs_error and the FS_* status codes of wasm.h.
 *
 * Definitions used in the result (all exact, so tests can check them):
 *
 *   residual e_i   y_i - sum_j X[i][j]*coef[j]
 *   rank           number of columns kept.  Columns are examined left to
 *                  right; a column whose part orthogonal to the columns
 *                  kept so far is below 1e-9 of its own norm (e.g. an
 *                  all-zero column, a copy of an earlier column, or any
 *                  column beyond the n-th independent one) is dropped:
 *                  coef 0, se NAN, dropped[j] = 1, rank_deficient = 1.
 *                  The others are the exact least-squares fit without it.
 *   dof            nobs - rank
 *   s^2            RSS / dof; se[j] = sqrt(s^2 * ((X'X)^-1)[j][j]) over the
 *                  kept columns.  When dof == 0 (in particular nobs <= np
 *                  with full rank) every se is NAN.
 *   r2             1 - RSS/TSS with TSS = sum (y_i - mean y)^2, NAN when
 *                  TSS == 0.  It is the centred R^2, so without an
 *                  intercept column it can be negative.
 *   resid_median   of the sorted |e| (ascending) a_1..a_n: a_{(n+1)/2} when
 *                  n is odd, (a_{n/2} + a_{n/2+1})/2 when n is even.
 *   resid_p90      nearest rank: a_k with k = ceil(0.9*n) (k >= 1).
 *   worst          the min(n, FS_FIT_WORST) observations with the largest
 *                  |e|, largest first, equal |e| by ascending index.
 *   share[j]       coef[j] * sum_i X[i][j] / sum_i y_i (NAN if sum y == 0);
 *                  with an intercept column the shares sum to 1 (OLS
 *                  residuals then sum to 0).
 *
 * nobs <= np is accepted, not an error: the first independent columns
 * (at most nobs of them) give an exact interpolating solution, the rest
 * are dropped as above, and se is NAN throughout.
 *
 * The result depends on the order of the observations only through
 * rounding (~1e-15 relative) and through tie-breaking in worst.
 */
#ifndef FS_FIT_H
#define FS_FIT_H

#include <stdint.h>

#include "wasm.h"

#define FS_FIT_MAXP 8
#define FS_FIT_WORST 10

typedef struct fs_fit {
    unsigned nobs, nparams;
    double   coef[FS_FIT_MAXP];    /* least-squares estimates */
    double   se[FS_FIT_MAXP];      /* standard errors, see above; NAN when dof == 0 or dropped */
    double   r2;                   /* 1 - RSS/TSS (NAN when TSS == 0) */
    double   resid_median;         /* median of |residual| */
    double   resid_p90;            /* 90th percentile of |residual| (nearest-rank) */
    unsigned nworst;
    uint32_t worst[FS_FIT_WORST];  /* observation indices with the largest |residual|, largest first, ties by index */
    double   worst_resid[FS_FIT_WORST]; /* their signed residuals (y - fitted) */
    double   share[FS_FIT_MAXP];   /* term j's share of the total of y: coef[j]*sum_i X[i][j] / sum_i y[i] (NAN if sum y == 0) */
    int      rank_deficient;       /* X'X singular (e.g. a column is all zero): coefs of dependent columns set to 0, se NAN */

    /* Extras. */
    unsigned rank;                 /* columns kept */
    unsigned dof;                  /* nobs - rank */
    double   rss, tss;             /* residual and centred total sums of squares */
    double   s2;                   /* RSS/dof, NAN when dof == 0 */
    unsigned char dropped[FS_FIT_MAXP]; /* 1 for a column dropped as dependent */
} fs_fit;

/* Ordinary least squares of y (nobs) on X (nobs x np, row-major, the
 * caller includes the intercept column of ones if wanted).
 *
 * Returns FS_OK, FS_ERR_USAGE (nobs == 0, np == 0 or > FS_FIT_MAXP, NULL
 * arrays, a non-finite value in X or y; err says which) or FS_ERR_NOMEM.
 * Needs O(nobs*np) scratch memory.  err may be NULL. */
int fs_fit_ols(const double *X, const double *y, unsigned nobs, unsigned np, fs_fit *out, fs_error *err);

#endif
