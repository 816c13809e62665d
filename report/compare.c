/* compare.c - runs the pipeline over several modules and keeps one
 * summary row per module (compare.h).
 *
 * Each worker takes the next module index from a shared counter, so a
 * big module does not hold up the small ones behind it, and writes only
 * its own row: the rows come out in the order given whatever the number
 * of jobs.  fs_analysis_run keeps no global state (the report's sort
 * context and the SHA-NI probe are thread-safe), so analyses run side by
 * side on threads.  --apply asyncify is the exception: each analysis
 * forks Binaryen children, and a fork while other threads run can leave
 * the child a lock that no one will release (sanitizer allocators do
 * hang there), so those analyses run in worker processes instead
 * (compare_procs.c), each single-threaded when it forks.
 */
#include "compare.h"
#include "compare_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double fs_compare_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct pool {
    fs_compare             *c;
    const fs_analysis_opts *o;
    pthread_mutex_t         lock;
    unsigned                next, done;
    fs_compare_progress_fn  progress;
    void                   *ctx;
} pool;

/* The file's hash and size for an error row, when it can be read at all:
 * it identifies exactly which bytes failed. */
static void hash_file(fs_compare_row *row)
{
    fs_wasm_module m;
    fs_error ignored;
    memset(&m, 0, sizeof m);
    if (fs_wasm_map(&m, row->path, &ignored) == FS_OK) {
        fs_sha256_hex(m.bytes, m.size, row->sha256);
        row->has_sha256 = 1;
        row->bytes = m.size;
    }
    fs_wasm_free(&m);
}

void fs_compare_fail_row(fs_compare_row *row, int st, const char *msg)
{
    free(row->warnings);
    row->warnings = NULL;
    row->nwarnings = 0;
    fs_groups_free(&row->groups);
    row->status = FS_CMP_ERROR;
    row->err_status = st;
    memset(&row->err, 0, sizeof row->err);
    snprintf(row->err.msg, sizeof row->err.msg, "%s", msg);
}

static double part(uint64_t x, uint64_t whole)
{
    return whole ? (double)x / (double)whole : NAN;
}

/* Copies what the emitters need out of the report, which points into the
 * analysis and dies with it. */
static void take(fs_compare_row *row, const fs_report *r)
{
    memcpy(row->sha256, r->sha256, sizeof row->sha256);
    row->has_sha256 = 1;
    row->bytes = r->bytes;
    row->functions = r->functions;
    row->roots_matched = r->roots_matched;
    row->status = r->roots_matched ? FS_CMP_OK : FS_CMP_NO_ROOT;
    row->closure_functions = r->closure_functions;
    row->closure_fraction = r->closure_fraction;
    row->code_before = r->code_bytes_before;
    row->code_after = r->code_bytes_after;
    row->growth = r->growth;
    /* forkinstr's growth leaves its refused functions out: say so */
    row->refused = r->fi_applied && r->fi ? r->fi->refused : 0;
    snprintf(row->label, sizeof row->label, "%s%s", r->label, row->refused ? ", partial" : "");
    snprintf(row->mode, sizeof row->mode, "%s", r->mode);
    snprintf(row->binaryen, sizeof row->binaryen, "%s",
             r->applied && r->binaryen_version ? r->binaryen_version : "");
    row->terms = r->terms;
    /* forkinstr counts its own terms (with a fourth, dispatch); every
     * other mode splits by the model. */
    snprintf(row->terms_label, sizeof row->terms_label, "%s",
             r->fi_applied ? r->label : "estimated");
    row->has_dispatch = r->fi_applied;
    for (int k = 0; r->fi_applied && r->fi && k < FS_FI_NNP; k++)
        row->np[k] = r->fi->np[k];
    row->share[0] = part(r->terms.fixed, r->terms.total);
    row->share[1] = part(r->terms.callsite, r->terms.total);
    row->share[2] = part(r->terms.local, r->terms.total);
    row->share[3] = part(r->terms.dispatch, r->terms.total);
    row->stack_unbounded = r->stack_unbounded;
    row->stack_bytes = r->stack_bytes;
    snprintf(row->stack_label, sizeof row->stack_label, "%s", r->stack_label ? r->stack_label : "");
    row->has_fit = r->has_fit;
    if (r->has_fit) {
        row->fit_nobs = r->fit.nobs;
        for (int k = 0; k < 3; k++) {
            row->fit_coef[k] = r->fit.coef[k];
            row->fit_se[k] = r->fit.se[k];
            row->fit_share[k] = r->fit.share[k];
        }
        row->fit_r2 = r->fit.r2;
    }
    if (r->nwarnings) {
        row->warnings = malloc(r->nwarnings * sizeof *row->warnings);
        if (!row->warnings) {
            fs_compare_fail_row(row, FS_ERR_NOMEM, "out of memory");
            return;
        }
        memcpy(row->warnings, r->warnings, r->nwarnings * sizeof *row->warnings);
        row->nwarnings = r->nwarnings;
    }
}

void fs_compare_run_one(const fs_analysis_opts *o, fs_compare_row *row)
{
    double t0 = fs_compare_now();
    fs_analysis *a = malloc(sizeof *a);
    if (!a) {
        fs_compare_fail_row(row, FS_ERR_NOMEM, "out of memory");
    } else {
        fs_error err;
        int st = fs_analysis_run(a, row->path, o, &err);
        if (st == FS_OK) {
            take(row, &a->report);
            if (a->report.groups) {     /* the row owns them from here */
                row->groups = a->groups;
                memset(&a->groups, 0, sizeof a->groups);
            }
        } else {
            fs_compare_fail_row(row, st, "");
            row->err = err;
        }
        fs_analysis_free(a);
        free(a);
        if (row->status == FS_CMP_ERROR)
            hash_file(row);
    }
    row->seconds = fs_compare_now() - t0;
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        unsigned i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->c->nrows)
            break;
        fs_compare_run_one(p->o, &p->c->rows[i]);
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->progress)
            p->progress(p->ctx, p->done, p->c->nrows);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

/* The calling thread is one of the workers; a thread that cannot be
 * created just leaves more modules to the others.  Returns the number
 * of workers. */
static unsigned run_threads(fs_compare *c, const fs_analysis_opts *o, unsigned jobs,
                            fs_compare_progress_fn progress, void *ctx)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.o = o;
    p.progress = progress;
    p.ctx = ctx;
    pthread_mutex_init(&p.lock, NULL);
    pthread_t *th = jobs > 1 ? calloc(jobs - 1, sizeof *th) : NULL;
    unsigned started = 0;
    for (unsigned k = 0; th && k + 1 < jobs; k++)
        if (pthread_create(&th[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (unsigned k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    free(th);
    pthread_mutex_destroy(&p.lock);
    return started + 1;
}

static const char *apply_name(fs_apply a)
{
    switch (a) {
    case FS_APPLY_MODEL:    return "model";
    case FS_APPLY_ASYNCIFY: return "asyncify";
    case FS_APPLY_FORKINSTR: return "forkinstr";
    case FS_APPLY_SIMULATE: return "simulate";
    default:                return "?";
    }
}

int fs_compare_run(fs_compare *c, const char *const *paths, unsigned n,
                   const fs_analysis_opts *o, unsigned jobs,
                   fs_compare_progress_fn progress, void *ctx, fs_error *err)
{
    memset(c, 0, sizeof *c);
    memset(err, 0, sizeof *err);
    if (o->progress || o->nroots > FS_COMPARE_MAX_ROOTS) {
        snprintf(err->msg, sizeof err->msg, "internal: compare options");
        return FS_ERR_USAGE;
    }
    double t0 = fs_compare_now();
    c->tool_version = o->tool_version;
    for (unsigned i = 0; i < o->nroots; i++)
        c->roots[i] = o->roots[i].text;
    c->nroots = o->nroots;
    c->roots_default = o->roots_default;
    c->policy = fs_policy_name[o->policy];
    c->opt_level = o->opt_level;
    c->profile = *o->profile;
    c->rows = calloc(n ? n : 1, sizeof *c->rows);
    if (!c->rows) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    c->nrows = n;
    for (unsigned i = 0; i < n; i++)
        c->rows[i].path = paths[i];

    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (unsigned)cores : 1;
    }
    if (jobs > n)
        jobs = n ? n : 1;
    if (o->apply == FS_APPLY_ASYNCIFY && jobs > 1)
        c->jobs = fs_compare_run_procs(c, o, jobs, progress, ctx);
    else
        c->jobs = run_threads(c, o, jobs, progress, ctx);

    /* The mode asked for; each row's report says what was done (the
     * default mode falls back to the model where forkinstr refuses). */
    snprintf(c->apply, sizeof c->apply, "%s", apply_name(o->apply));
    for (unsigned i = 0; i < n; i++) {
        switch (c->rows[i].status) {
        case FS_CMP_OK:      c->nok++; break;
        case FS_CMP_NO_ROOT: c->nno_root++; break;
        case FS_CMP_ERROR:   c->nerror++; break;
        }
    }
    c->wall_seconds = fs_compare_now() - t0;
    return FS_OK;
}

void fs_compare_free(fs_compare *c)
{
    for (unsigned i = 0; c->rows && i < c->nrows; i++) {
        free(c->rows[i].warnings);
        fs_groups_free(&c->rows[i].groups);
    }
    free(c->rows);
    memset(c, 0, sizeof *c);
}

const char *fs_compare_row_error(const fs_compare_row *row, char *buf, size_t cap)
{
    if (row->err.has_offset)
        snprintf(buf, cap, "offset 0x%llx: %s", (unsigned long long)row->err.offset,
                 row->err.msg);
    else
        snprintf(buf, cap, "%s", row->err.msg);
    return buf;
}

const char *fs_compare_no_root_text(const fs_compare *c, char *buf, size_t cap)
{
    size_t used = (size_t)snprintf(buf, cap, "no root matched (");
    for (unsigned i = 0; i < c->nroots && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", c->roots[i]);
    if (used < cap)
        snprintf(buf + used, cap - used, "%s): the fork path is not active in this module",
                 c->roots_default ? ", the defaults" : "");
    return buf;
}

const char *fs_compare_terms_label(const fs_compare *c)
{
    const char *lab = NULL;
    for (unsigned i = 0; i < c->nrows; i++) {
        if (c->rows[i].status != FS_CMP_OK)
            continue;
        if (!lab)
            lab = c->rows[i].terms_label;
        else if (strcmp(lab, c->rows[i].terms_label))
            return "estimated or measured";
    }
    return lab ? lab : "estimated";
}

const char *fs_compare_binaryen(const fs_compare *c)
{
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].status == FS_CMP_OK && c->rows[i].binaryen[0])
            return c->rows[i].binaryen;     /* one peer ran every row */
    return NULL;
}

int fs_compare_has_dispatch(const fs_compare *c)
{
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].status == FS_CMP_OK && c->rows[i].has_dispatch)
            return 1;
    return 0;
}

int fs_compare_format_parse(const char *s)
{
    static const char *const names[] = { "text", "md", "csv", "json", "svg" };
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

int fs_compare_emit(const fs_compare *c, fs_compare_format fmt, int timing, FILE *out,
                    fs_error *err)
{
    switch (fmt) {
    case FS_CMP_FMT_TEXT: return fs_compare_emit_text(c, timing, out, err);
    case FS_CMP_FMT_MD:   return fs_compare_emit_md(c, timing, out, err);
    case FS_CMP_FMT_CSV:  return fs_compare_emit_csv(c, timing, out, err);
    case FS_CMP_FMT_JSON: return fs_compare_emit_json(c, timing, out, err);
    case FS_CMP_FMT_SVG:  return fs_compare_emit_svg(c, timing, out, err);
    }
    return FS_ERR_USAGE;
}
