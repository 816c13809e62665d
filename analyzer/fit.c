/* fit.c - ordinary least squares by Householder QR.
 *
 * Why QR and not the normal equations: forming X'X squares the condition
 * number.  Our columns are counts up to ~1e5 next to a column of ones,
 * over ~2e4 rows, so X'X holds entries near 1e14 beside entries near 1e4
 * and cond(X'X) = cond(X)^2 can eat most of a double's 16 digits.  QR
 * works on X itself and loses only cond(X).  Householder reflections
 * (rather than Gram-Schmidt) keep Q orthogonal to working precision
 * whatever the data.
 *
 * Rank deficiency (an all-zero v128 column is the common case) is found
 * during the factorisation itself: columns are taken left to right, and a
 * column whose remaining part after the reflections of the columns kept
 * so far is negligible lies in their span.  It is skipped: no reflection
 * is built for it, so the factorisation of the kept columns is exactly
 * the QR of X with that column removed, which is the "drop it and refit"
 * the report wants, in one pass.  No column pivoting: keeping the user's
 * column order means the intercept and callsites are never the ones
 * dropped, and the choice is deterministic.
 *
 * Memory: one column-major copy of X (n*p), the transformed y, and |e|
 * for the percentiles; never anything n*n (Q is kept implicitly as the
 * Householder vectors stored below R's diagonal).
 */
#include "fit.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A column is dependent when the part of it orthogonal to the kept
 * columns is below this fraction of its own norm.  Rounding in the
 * reflections leaves ~n*eps (about 5e-12 at n = 2e4) of an exactly
 * dependent column; genuinely independent count columns leave far more
 * than 1e-9.  A column that independent only at the 1e-9 level would
 * have a meaningless coefficient anyway. */
#define FIT_RANK_TOL 1e-9

static int fail(fs_error *err, int code, const char *msg)
{
    if (err) {
        err->has_offset = 0;
        err->offset = 0;
        snprintf(err->msg, sizeof err->msg, "%s", msg);
    }
    return code;
}

/* Euclidean norm of v[k..n), scaled by the largest magnitude so that the
 * squares can neither overflow nor underflow. */
static double tail_norm(const double *v, unsigned k, unsigned n)
{
    double amax = 0.0;
    for (unsigned i = k; i < n; i++)
        if (fabs(v[i]) > amax)
            amax = fabs(v[i]);
    if (amax == 0.0)
        return 0.0;
    double s = 0.0;
    for (unsigned i = k; i < n; i++) {
        double t = v[i] / amax;
        s += t * t;
    }
    return amax * sqrt(s);
}

/* Applies H = I - v v' / denom to c[k..n), where v = hv[k..n). */
static void reflect(const double *hv, double denom, double *c, unsigned k, unsigned n)
{
    double s = 0.0;
    for (unsigned i = k; i < n; i++)
        s += hv[i] * c[i];
    double f = s / denom;
    for (unsigned i = k; i < n; i++)
        c[i] -= f * hv[i];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Keeps the FS_FIT_WORST largest |e| seen so far, largest first.  Rows
 * arrive in increasing index, so a later row displaces an entry only
 * when strictly larger: equal |e| stay in index order. */
static void worst_add(fs_fit *f, uint32_t idx, double e)
{
    unsigned pos = f->nworst;
    while (pos > 0 && fabs(e) > fabs(f->worst_resid[pos - 1]))
        pos--;
    if (pos >= FS_FIT_WORST)
        return;
    unsigned last = f->nworst < FS_FIT_WORST ? f->nworst : FS_FIT_WORST - 1;
    for (unsigned i = last; i > pos; i--) {
        f->worst[i] = f->worst[i - 1];
        f->worst_resid[i] = f->worst_resid[i - 1];
    }
    f->worst[pos] = idx;
    f->worst_resid[pos] = e;
    if (f->nworst < FS_FIT_WORST)
        f->nworst++;
}

int fs_fit_ols(const double *X, const double *y, unsigned nobs, unsigned np, fs_fit *out, fs_error *err)
{
    if (!out)
        return fail(err, FS_ERR_USAGE, "fit: no result structure");
    memset(out, 0, sizeof *out);
    out->nobs = nobs;
    out->nparams = np;
    if (nobs == 0)
        return fail(err, FS_ERR_USAGE, "fit: no observations");
    if (np == 0 || np > FS_FIT_MAXP)
        return fail(err, FS_ERR_USAGE, "fit: number of parameters must be 1..8");
    if (!X || !y)
        return fail(err, FS_ERR_USAGE, "fit: missing X or y");
    /* n*p doubles must be addressable; checked by division so the test
     * itself cannot overflow. */
    if ((size_t)nobs > SIZE_MAX / sizeof(double) / np)
        return fail(err, FS_ERR_NOMEM, "fit: design matrix too large");
    size_t n = nobs;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            return fail(err, FS_ERR_USAGE, "fit: non-finite value in y");
        for (unsigned j = 0; j < np; j++)
            if (!isfinite(X[i * np + j]))
                return fail(err, FS_ERR_USAGE, "fit: non-finite value in X");
    }

    double *A = malloc(n * np * sizeof *A);   /* column-major copy, becomes R + Householder vectors */
    double *qty = malloc(n * sizeof *qty);    /* Q'y */
    double *absr = malloc(n * sizeof *absr);  /* |e|, sorted for the percentiles */
    if (!A || !qty || !absr) {
        free(A);
        free(qty);
        free(absr);
        return fail(err, FS_ERR_NOMEM, "fit: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        for (unsigned j = 0; j < np; j++)
            A[j * n + i] = X[i * np + j];
        qty[i] = y[i];
    }

    /* Factorisation.  kept[k] is the column behind row k of R; rdiag[k]
     * its diagonal entry; denom[k] the reflector's scale; R's off-diagonal
     * R[k][c] ends up in A[c*n + k]. */
    unsigned kept[FS_FIT_MAXP], k = 0;
    double rdiag[FS_FIT_MAXP], denom[FS_FIT_MAXP];
    for (unsigned j = 0; j < np; j++) {
        double *col = A + (size_t)j * n;
        /* The reflections so far are orthogonal: they keep the column's
         * norm (the reference for the rank test), with rows 0..k-1 now
         * holding its part in the span of the kept columns and rows k..
         * the part orthogonal to them. */
        double norm0 = tail_norm(col, 0, nobs);
        double norm = k < nobs ? tail_norm(col, k, nobs) : 0.0;
        if (norm0 == 0.0 || norm <= FIT_RANK_TOL * norm0) {
            out->dropped[j] = 1;
            out->rank_deficient = 1;
            continue;
        }
        /* Reflect col[k..n) onto alpha*e_k, alpha's sign opposite to
         * col[k] so that v_k = col[k] - alpha involves no cancellation. */
        double x0 = col[k];
        double alpha = x0 >= 0.0 ? -norm : norm;
        col[k] = x0 - alpha;
        denom[k] = norm * (fabs(x0) + norm); /* = v'v / 2 */
        rdiag[k] = alpha;
        for (unsigned c = j + 1; c < np; c++)
            reflect(col, denom[k], A + (size_t)c * n, k, nobs);
        reflect(col, denom[k], qty, k, nobs);
        kept[k++] = j;
    }
    unsigned rank = k;
    out->rank = rank;
    out->dof = nobs - rank;

    /* Back substitution R b = (Q'y)[0..rank). */
    double b[FS_FIT_MAXP];
    for (unsigned a = rank; a-- > 0;) {
        double s = qty[a];
        for (unsigned c = a + 1; c < rank; c++)
            s -= A[(size_t)kept[c] * n + a] * b[c];
        b[a] = s / rdiag[a];
    }
    for (unsigned j = 0; j < np; j++) {
        out->coef[j] = 0.0;
        out->se[j] = NAN;
    }
    for (unsigned a = 0; a < rank; a++)
        out->coef[kept[a]] = b[a];

    /* Residuals from the original data, not from the tail of Q'y: that
     * tail carries rounding of the reflections, while y - X b is what a
     * reader of the report would recompute.  Sums use the input order. */
    double rss = 0.0, sumy = 0.0, colsum[FS_FIT_MAXP] = { 0 };
    for (size_t i = 0; i < n; i++) {
        const double *row = X + i * np;
        double fitted = 0.0;
        for (unsigned j = 0; j < np; j++) {
            fitted += row[j] * out->coef[j];
            colsum[j] += row[j];
        }
        double e = y[i] - fitted;
        rss += e * e;
        sumy += y[i];
        absr[i] = fabs(e);
        worst_add(out, (uint32_t)i, e);
    }
    /* Two-pass TSS: subtracting the mean first avoids the cancellation
     * of sum(y^2) - n*mean^2 when y is large and nearly constant. */
    double mean = sumy / (double)n, tss = 0.0;
    for (size_t i = 0; i < n; i++)
        tss += (y[i] - mean) * (y[i] - mean);
    out->rss = rss;
    out->tss = tss;
    out->r2 = tss > 0.0 ? 1.0 - rss / tss : NAN;
    for (unsigned j = 0; j < np; j++)
        out->share[j] = sumy != 0.0 ? out->coef[j] * colsum[j] / sumy : NAN;

    /* Standard errors: (X'X)^-1 over the kept columns is R^-1 R^-T, so
     * its diagonal is the squared row norms of R^-1.  R^-1 is at most
     * 8x8 and upper triangular, solved column by column. */
    if (out->dof > 0) {
        out->s2 = rss / (double)out->dof;
        double Ri[FS_FIT_MAXP][FS_FIT_MAXP] = { { 0 } };
        for (unsigned c = 0; c < rank; c++) {
            Ri[c][c] = 1.0 / rdiag[c];
            for (unsigned a = c; a-- > 0;) {
                double s = 0.0;
                for (unsigned m = a + 1; m <= c; m++)
                    s += A[(size_t)kept[m] * n + a] * Ri[m][c];
                Ri[a][c] = -s / rdiag[a];
            }
        }
        for (unsigned a = 0; a < rank; a++) {
            double d = 0.0;
            for (unsigned c = a; c < rank; c++)
                d += Ri[a][c] * Ri[a][c];
            out->se[kept[a]] = sqrt(out->s2 * d);
        }
    } else {
        out->s2 = NAN;
    }

    /* Percentiles of |e| as defined in fit.h. */
    qsort(absr, n, sizeof *absr, cmp_double);
    out->resid_median = n % 2 ? absr[n / 2] : (absr[n / 2 - 1] + absr[n / 2]) / 2.0;
    size_t k90 = n - n / 10; /* = ceil(0.9 n), 1-based, without overflow */
    out->resid_p90 = absr[k90 - 1];

    free(A);
    free(qty);
    free(absr);
    return FS_OK;
}
