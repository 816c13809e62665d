/* diff.c - two forksize results compared (diff.h).  Prints nothing. */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static char *dup_mem(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

#define fail fs_error_setf

void fs_diff_side_free(fs_diff_side *s)
{
    free(s->path);
    free(s->tool_version);
    free(s->sha256);
    free(s->mode);
    free(s->label);
    free(s->indirect);
    free(s->apply);
    free(s->binaryen_version);
    for (unsigned i = 0; i < s->nroots; i++)
        free(s->roots[i]);
    free(s->roots);
    for (uint32_t i = 0; i < s->nrows; i++)
        free(s->rows[i].name);
    free(s->rows);
    memset(s, 0, sizeof *s);
}

int fs_diff_side_from_report(fs_diff_side *s, const fs_report *r, fs_error *err)
{
    memset(s, 0, sizeof *s);
    int bad = !(s->path = dup_str(r->path)) || !(s->tool_version = dup_str(r->tool_version)) ||
              !(s->sha256 = dup_str(r->sha256)) || !(s->mode = dup_str(r->mode)) ||
              !(s->label = dup_str(r->label)) || !(s->indirect = dup_str(r->policy)) ||
              !(s->apply = dup_str(r->apply_requested)) ||
              !(s->roots = calloc(r->nroots + 1, sizeof *s->roots)) ||
              !(s->rows = calloc((size_t)r->nrows + 1, sizeof *s->rows));
    for (unsigned i = 0; !bad && i < r->nroots; i++, s->nroots++) {
        bad = !(s->roots[i] = dup_str(r->roots[i].spec));
        s->roots_matched += r->roots[i].matched;
    }
    s->has_opt_level = s->apply && !strcmp(s->apply, "asyncify");
    s->opt_level = r->opt_level;
    if (s->has_opt_level && r->binaryen_version && !(s->binaryen_version = dup_str(r->binaryen_version)))
        bad = 1;
    s->model[0] = r->profile.fixed;
    s->model[1] = r->profile.callsite;
    s->model[2] = r->profile.local_i32;
    s->code_before = r->code_bytes_before;
    s->code_after = r->code_bytes_after;
    s->growth = r->growth;
    s->terms = r->terms;
    if (r->fi_applied && r->fi) {
        s->has_np = 1;
        for (int i = 0; i < FS_FI_NNP; i++)
            s->np[i] = r->fi->np[i];
    }
    s->closure_functions = r->closure_functions;
    for (uint32_t i = 0; !bad && i < r->nrows; i++, s->nrows++) {
        const fs_row *row = &r->rows[i];
        fs_diff_row *d = &s->rows[i];
        d->index = row->index;
        d->in_closure = row->in_closure;
        d->cost = row->cost;
        d->measured = row->measured;
        d->delta = row->delta;
        bad = row->name && !(d->name = dup_mem(row->name, row->name_len));
    }
    if (bad) {
        fs_diff_side_free(s);
        return fail(err, FS_ERR_NOMEM, "out of memory");
    }
    return FS_OK;
}

/* ---------------------------------------------------------------- pairing */

/* Pairs every row of both sides (analyzer/pair.c) into d->pairing and
 * returns the list: base rows in order (paired or removed), then the added
 * ones, in *OUT; fills d->paired/added/removed.  FS_OK, or a status with ERR. */
static int pair(fs_diff *d, fs_diff_fn **out, uint32_t *npairs, fs_error *err)
{
    const fs_diff_side *b = d->base, *n = d->new_;
    const char **names[2] = { malloc(((size_t)b->nrows + 1) * sizeof *names[0]),
                              malloc(((size_t)n->nrows + 1) * sizeof *names[1]) };
    uint32_t *index[2] = { malloc(((size_t)b->nrows + 1) * sizeof *index[0]),
                           malloc(((size_t)n->nrows + 1) * sizeof *index[1]) };
    fs_diff_fn *p = malloc(((size_t)b->nrows + n->nrows + 1) * sizeof *p);
    uint32_t np = 0;
    int st = !names[0] || !names[1] || !index[0] || !index[1] || !p ? FS_ERR_NOMEM : FS_OK;
    if (st)
        fail(err, st, "out of memory");
    fs_pair_side ps[2];
    for (int k = 0; !st && k < 2; k++) {
        const fs_diff_side *s = k ? n : b;
        for (uint32_t i = 0; i < s->nrows; i++) {
            names[k][i] = s->rows[i].name;
            index[k][i] = s->rows[i].index;
        }
        ps[k] = (fs_pair_side){ s->module, s->nrows, names[k], index[k] };
    }
    /* Body and fingerprint read the modules.  A .wasm side's module is
     * decoded again only now, and only when the stages before the first of
     * them (names, say) leave functions unpaired on both sides: a diff that
     * names settle never holds a module. */
    fs_wasm_module mod[2];
    memset(mod, 0, sizeof mod);
    fs_pair_stages first = d->stages;
    first.n = 0;
    while (first.n < d->stages.n && d->stages.stage[first.n] != FS_PAIR_BODY &&
           d->stages.stage[first.n] != FS_PAIR_FINGERPRINT)
        first.n++;
    int want_bodies = first.n < d->stages.n && (!ps[0].m || !ps[1].m) &&
                      (b->module || !b->from_json) && (n->module || !n->from_json);
    if (!st && want_bodies) {
        st = fs_pair_run(&d->pairing, &ps[0], &ps[1], &first, err);
        want_bodies = !st && d->pairing.unpaired_base && d->pairing.unpaired_new;
        fs_pairing_free(&d->pairing);
        for (int k = 0; !st && want_bodies && k < 2; k++)
            if (!ps[k].m) {
                st = fs_wasm_load(&mod[k], k ? n->path : b->path, err);
                ps[k].m = &mod[k];
            }
    }
    if (!st)
        st = fs_pair_run(&d->pairing, &ps[0], &ps[1], &d->stages, err);
    fs_wasm_free(&mod[0]);
    fs_wasm_free(&mod[1]);
    /* The same module on both sides: its indices are its functions. */
    if (!st && d->identical_input && b->nrows == n->nrows)
        for (uint32_t i = 0; i < b->nrows; i++)
            if (d->pairing.b2n[i] == NONE && d->pairing.n2b[i] == NONE &&
                b->rows[i].index == n->rows[i].index) {
                d->pairing.b2n[i] = i;
                d->pairing.n2b[i] = i;
                d->pairing.how_b[i] = FS_PAIR_INDEX;
                d->pairing.count[FS_PAIR_INDEX]++;
                d->pairing.unpaired_base--;
                d->pairing.unpaired_new--;
            }
    if (!st) {
        for (uint32_t i = 0; i < b->nrows; i++) {
            uint32_t m = d->pairing.b2n[i];
            p[np++] = (fs_diff_fn){ i, m, d->pairing.how_b[i] };
            if (m == NONE)
                d->removed++;
            else
                d->paired++;
        }
        for (uint32_t k = 0; k < n->nrows; k++)
            if (d->pairing.n2b[k] == NONE) {
                p[np++] = (fs_diff_fn){ NONE, k, FS_PAIR_NONE };
                d->added++;
            }
    }
    free(names[0]);
    free(names[1]);
    free(index[0]);
    free(index[1]);
    if (st) {
        free(p);
        p = NULL;
    }
    *out = p;
    *npairs = np;
    return st;
}

/* ---------------------------------------------------------------- compare */

const char *fs_diff_fn_name(const fs_diff *d, fs_diff_fn f, char *buf, size_t cap)
{
    const fs_diff_row *rn = f.n != NONE ? &d->new_->rows[f.n] : NULL;
    const fs_diff_row *rb = f.b != NONE ? &d->base->rows[f.b] : NULL;
    if (rn && rn->name)
        return rn->name;
    if (rb && rb->name)
        return rb->name;
    return fs_func_display_name(NULL, 0, rn ? rn->index : rb->index, buf, cap);
}

static const fs_diff *sort_ctx;   /* qsort has no context argument in C11 */

static int cmp_fn(fs_diff_fn x, fs_diff_fn y)
{
    char bx[32], by[32];
    int c = strcmp(fs_diff_fn_name(sort_ctx, x, bx, sizeof bx),
                   fs_diff_fn_name(sort_ctx, y, by, sizeof by));
    if (c)
        return c;
    uint32_t ix = x.n != NONE ? sort_ctx->new_->rows[x.n].index : sort_ctx->base->rows[x.b].index;
    uint32_t iy = y.n != NONE ? sort_ctx->new_->rows[y.n].index : sort_ctx->base->rows[y.b].index;
    return (ix > iy) - (ix < iy);
}

static int64_t metric(const fs_diff *d, const fs_diff_row *r);

/* Entered: the highest new cost first; left: the highest base cost first
 * (so that --top keeps the ones that matter); ties by name, then index. */
static int cmp_by_cost(fs_diff_fn x, fs_diff_fn y, int newside)
{
    const fs_diff_side *s = newside ? sort_ctx->new_ : sort_ctx->base;
    uint32_t px = newside ? x.n : x.b, py = newside ? y.n : y.b;
    int64_t cx = metric(sort_ctx, &s->rows[px]), cy = metric(sort_ctx, &s->rows[py]);
    if (cx != cy)
        return cx < cy ? 1 : -1;
    return cmp_fn(x, y);
}

static int cmp_entered(const void *a, const void *b)
{
    return cmp_by_cost(*(const fs_diff_fn *)a, *(const fs_diff_fn *)b, 1);
}

static int cmp_left(const void *a, const void *b)
{
    return cmp_by_cost(*(const fs_diff_fn *)a, *(const fs_diff_fn *)b, 0);
}

static int cmp_change(const void *a, const void *b)
{
    const fs_diff_change *x = a, *y = b;
    int64_t dx = x->cost[1] - x->cost[0], dy = y->cost[1] - y->cost[0];
    uint64_t ax = dx < 0 ? (uint64_t)-dx : (uint64_t)dx, ay = dy < 0 ? (uint64_t)-dy : (uint64_t)dy;
    if (ax != ay)
        return ax < ay ? 1 : -1;
    return cmp_fn(x->fn, y->fn);
}

static int64_t metric(const fs_diff *d, const fs_diff_row *r)
{
    if (!r)
        return 0;
    if (d->measured)
        return r->measured ? r->delta : 0;
    return (int64_t)r->cost.total;
}

/* Rank (from 1) of each row of side S among its top closure functions. */
typedef struct rank_key {
    int64_t  cost;
    uint32_t index, pos;
} rank_key;

static int cmp_rank(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

static uint32_t *ranks(const fs_diff *d, const fs_diff_side *s, unsigned top)
{
    uint32_t *rank = calloc((size_t)s->nrows + 1, sizeof *rank);
    rank_key *k = malloc(((size_t)s->nrows + 1) * sizeof *k);
    if (!rank || !k) {
        free(rank);
        free(k);
        return NULL;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nrows; i++)
        if (s->rows[i].in_closure)
            k[n++] = (rank_key){ metric(d, &s->rows[i]), s->rows[i].index, i };
    qsort(k, n, sizeof *k, cmp_rank);
    for (uint32_t i = 0; i < n && (!top || i < top); i++)
        rank[k[i].pos] = i + 1;
    free(k);
    return rank;
}

static int cmp_in(const void *a, const void *b)
{
    const fs_diff_rank *x = a, *y = b;
    return (x->new_rank > y->new_rank) - (x->new_rank < y->new_rank);
}

static int cmp_out(const void *a, const void *b)
{
    const fs_diff_rank *x = a, *y = b;
    return (x->base_rank > y->base_rank) - (x->base_rank < y->base_rank);
}

static void option_diffs(fs_diff *d)
{
    const fs_diff_side *b = d->base, *n = d->new_;
    char *o = d->options_differ;
    size_t cap = sizeof d->options_differ, len = 0;
#define ADD(...) (len += (size_t)snprintf(o + len, len < cap ? cap - len : 0, __VA_ARGS__), \
                  len = len < cap ? len : cap - 1)
    int roots_eq = b->nroots == n->nroots;
    for (unsigned i = 0; roots_eq && i < b->nroots; i++)
        roots_eq = !strcmp(b->roots[i], n->roots[i]);
    if (!roots_eq) {
        ADD("%sroots ", len ? "; " : "");
        for (unsigned i = 0; i < b->nroots; i++)
            ADD("%s%s", i ? "," : "", b->roots[i]);
        ADD(" vs ");
        for (unsigned i = 0; i < n->nroots; i++)
            ADD("%s%s", i ? "," : "", n->roots[i]);
    }
    if (strcmp(b->indirect, n->indirect))
        ADD("%sindirect %s vs %s", len ? "; " : "", b->indirect, n->indirect);
    if (strcmp(b->apply, n->apply))
        ADD("%sapply %s vs %s", len ? "; " : "", b->apply, n->apply);
    else if (b->has_opt_level && n->has_opt_level && b->opt_level != n->opt_level)
        ADD("%sopt_level %d vs %d", len ? "; " : "", b->opt_level, n->opt_level);
    /* Binaryen versions instrument differently: different peers, not a change */
    if (b->binaryen_version && n->binaryen_version &&
        strcmp(b->binaryen_version, n->binaryen_version))
        ADD("%sbinaryen %s vs %s", len ? "; " : "", b->binaryen_version, n->binaryen_version);
    if (memcmp(b->model, n->model, sizeof b->model))
        ADD("%smodel %g,%g,%g vs %g,%g,%g", len ? "; " : "", b->model[0], b->model[1],
            b->model[2], n->model[0], n->model[1], n->model[2]);
#undef ADD
}

int fs_diff_compute(fs_diff *d, const fs_diff_side *base, const fs_diff_side *new_,
                    unsigned top, const fs_pair_stages *stages, fs_error *err)
{
    memset(d, 0, sizeof *d);
    d->base = base;
    d->new_ = new_;
    d->top = top;
    if (stages)
        d->stages = *stages;
    else
        fs_pair_stages_default(&d->stages);
    d->measured = !strcmp(base->mode, "asyncify") && !strcmp(new_->mode, "asyncify");
    /* cost.total and the terms are forkinstr's exact bytes when both sides
     * ran it the same way, otherwise the model's estimate */
    int fib = !strcmp(base->mode, "forkinstr") || !strcmp(base->mode, "simulate");
    int fin = !strcmp(new_->mode, "forkinstr") || !strcmp(new_->mode, "simulate");
    d->cost_label = fib && fin && !strcmp(base->label, new_->label) ? base->label : "estimated";
    d->identical_input = !strcmp(base->sha256, new_->sha256);
    d->tool_versions_differ = strcmp(base->tool_version, new_->tool_version) != 0;
    option_diffs(d);

    uint32_t np = 0;
    fs_diff_fn *p;
    int st = pair(d, &p, &np, err);
    if (st) {
        fs_diff_free(d);
        return st;
    }
    uint32_t *rb = ranks(d, base, top), *rn = ranks(d, new_, top);
    size_t cap = (size_t)np + 1;
    d->all = malloc(cap * sizeof *d->all);
    d->entered = malloc(cap * sizeof *d->entered);
    d->left = malloc(cap * sizeof *d->left);
    d->changes = malloc(cap * sizeof *d->changes);
    d->top_in = malloc(cap * sizeof *d->top_in);
    d->top_out = malloc(cap * sizeof *d->top_out);
    d->top_moved = malloc(cap * sizeof *d->top_moved);
    if (!rb || !rn || !d->all || !d->entered || !d->left || !d->changes || !d->top_in ||
        !d->top_out || !d->top_moved) {
        free(p);
        free(rb);
        free(rn);
        fs_diff_free(d);
        return fail(err, FS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < np; i++) {
        fs_diff_fn f = p[i];
        const fs_diff_row *xb = f.b != NONE ? &base->rows[f.b] : NULL;
        const fs_diff_row *xn = f.n != NONE ? &new_->rows[f.n] : NULL;
        int inb = xb && xb->in_closure, inn = xn && xn->in_closure;
        if (!inb && inn)
            d->entered[d->nentered++] = f;
        if (inb && !inn)
            d->left[d->nleft++] = f;
        fs_diff_change c = { f, { metric(d, xb), metric(d, xn) }, { { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
                             { xb && xb->measured, xn && xn->measured } };
        if (xb)
            c.est[0] = xb->cost;
        if (xn)
            c.est[1] = xn->cost;
        d->all[d->nall++] = c;
        if (c.cost[0] != c.cost[1] || memcmp(&c.est[0], &c.est[1], sizeof c.est[0]))
            d->changes[d->nchanges++] = c;
        uint32_t kb = xb ? rb[f.b] : 0, kn = xn ? rn[f.n] : 0;
        fs_diff_rank r = { f, kb, kn };
        if (kn && !kb)
            d->top_in[d->ntop_in++] = r;
        else if (kb && !kn)
            d->top_out[d->ntop_out++] = r;
        else if (kb && kn && kb != kn)
            d->top_moved[d->ntop_moved++] = r;
    }
    free(p);
    free(rb);
    free(rn);
    sort_ctx = d;
    qsort(d->entered, d->nentered, sizeof *d->entered, cmp_entered);
    qsort(d->left, d->nleft, sizeof *d->left, cmp_left);
    qsort(d->changes, d->nchanges, sizeof *d->changes, cmp_change);
    qsort(d->top_in, d->ntop_in, sizeof *d->top_in, cmp_in);
    qsort(d->top_out, d->ntop_out, sizeof *d->top_out, cmp_out);
    qsort(d->top_moved, d->ntop_moved, sizeof *d->top_moved, cmp_in);
    sort_ctx = NULL;
    return FS_OK;
}

void fs_diff_free(fs_diff *d)
{
    fs_pairing_free(&d->pairing);
    free(d->all);
    free(d->entered);
    free(d->left);
    free(d->changes);
    free(d->top_in);
    free(d->top_out);
    free(d->top_moved);
    memset(d, 0, sizeof *d);
}

int fs_diff_gate(const fs_diff *d, double fail_pct, int64_t fail_bytes, char *reason, size_t cap)
{
    int64_t ab = (int64_t)d->base->code_after - (int64_t)d->base->code_before;
    int64_t an = (int64_t)d->new_->code_after - (int64_t)d->new_->code_before;
    int64_t grew = an - ab;
    /* Strictly above the limit trips: a change exactly at it passes. */
    int pct_trip = fail_pct >= 0 &&
                   (ab > 0 ? (double)grew * 100.0 > fail_pct * (double)ab : grew > 0);
    int bytes_trip = fail_bytes >= 0 && grew > fail_bytes;
    if (!pct_trip && !bytes_trip) {
        /* forkinstr's normal path: the same percentage, on its total */
        if (fail_pct < 0 || !d->base->has_np || !d->new_->has_np)
            return 0;
        int64_t pb = 0, pn = 0;
        for (int i = 0; i < FS_FI_NNP; i++) {
            pb += (int64_t)d->base->np[i];
            pn += (int64_t)d->new_->np[i];
        }
        int64_t more = pn - pb;
        if (!(pb > 0 ? (double)more * 100.0 > fail_pct * (double)pb : more > 0))
            return 0;
        snprintf(reason, cap, "diff gate: normal-path instructions grew %.1f%% (%+lld), above "
                 "--fail-above %g", pb > 0 ? (double)more * 100.0 / (double)pb : 100.0,
                 (long long)more, fail_pct);
        return 1;
    }
    char how[64];
    if (ab > 0)
        snprintf(how, sizeof how, "%.1f%%", (double)grew * 100.0 / (double)ab);
    else
        snprintf(how, sizeof how, "from %lld", (long long)ab);
    if (pct_trip)
        snprintf(reason, cap, "diff gate: added bytes grew %s (%+lld bytes), above --fail-above %g",
                 how, (long long)grew, fail_pct);
    else
        snprintf(reason, cap, "diff gate: added bytes grew %s (%+lld bytes), above "
                 "--fail-above-bytes %lld", how, (long long)grew, (long long)fail_bytes);
    return 1;
}
