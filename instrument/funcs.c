/* funcs.c - plan and emit every function, on every core.
 *
 * Functions are planned and emitted independently of each other but for
 * one shared thing: the function types that wraps need and the module
 * lacks are appended to the type table, and their indices are bytes of
 * the output.  They must be appended in the order a sequential run would
 * append them.  So the work goes in three passes:
 *
 *   1. The defined functions are cut into chunks of consecutive functions
 *      of about equal weight, which worker threads take in any order,
 *      each chunk written into its own buffer, with the type table frozen
 *      (read-only, so shared without locks).  A type that is not there
 *      yet is recorded with the chunk, in the order asked for, and the
 *      index it would get as the next one appended is written meanwhile.
 *   2. One thread goes through the recorded types in function order and
 *      appends them: exactly the appends, in the same order, of a
 *      sequential run.  A function whose guessed indices were not its
 *      final ones is marked for a redo: for a real run, every function
 *      that guessed; for a dry run, only one where a final index needs a
 *      longer LEB than its guess (the sizes are all a dry run keeps).
 *   3. The marked functions are emitted again, in parallel, with the
 *      table complete, and the chunks are joined in order with the redone
 *      bodies in place.
 *
 * Finding a type that was already there does not depend on what was
 * appended after it, and every sum is taken in index order, so the output
 * and the report are byte for byte those of a single-threaded run, for
 * any number of threads.  One thread runs pass 1 alone, table thawed.
 */#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fi_int.h"

/* Below this much closure code one thread does it all: starting threads
 * would cost more than they save. */
#define FI_PARALLEL_MIN_BYTES (256u * 1024u)
#define FI_MAX_THREADS 16u
#define FI_CHUNKS_PER_THREAD 16u

typedef struct chunk {
    uint32_t  from, to;         /* function indices [from, to) */
    fi_buf    out;
    fi_misses miss;             /* pass 1: types not in the frozen table */
    int       st;               /* FS_OK or the first error in the chunk */
} chunk;

typedef struct job {
    fi_module   *fm;
    unsigned     stage;
    int          frozen;        /* pass 1 runs with the table frozen */
    int          pass;          /* 1, or 3: only the functions marked redo */
    chunk       *chunks;  uint32_t nchunks;
    atomic_uint  next;          /* next chunk to take */
    fs_fi_func  *funcs;         /* r->funcs */
    uint32_t    *slot;          /* per function: its r->funcs index, or FI_NONE */
    size_t      *start, *end;   /* per function: its bytes in its chunk's buffer */
    uint8_t     *redo;          /* per function: emit again in pass 3 */
    fi_buf     **rbuf;          /* per function: the bytes of its redo */
} job;

/* Function F into OUT: copied when outside the closure, else planned and
 * emitted. */
static int one(const job *j, fi_plan *p, uint32_t f, fi_misses *miss, fi_buf *out)
{
    const fs_wasm_module *m = j->fm->m;
    const fs_func *fn = &m->funcs[f];
    if (j->slot[f] == FI_NONE) {
        fi_put_u32(out, fn->body_size);
        fi_put_bytes(out, m->bytes + fn->body_off, fn->body_size);
        return out->oom ? FS_ERR_NOMEM : FS_OK;
    }
    int st = fi_plan_function(p, j->fm, f, j->stage);
    if (st)
        return st;
    fs_fi_func *fr = &j->funcs[j->slot[f]];
    uint32_t rw = j->fm->hot_rw ? j->fm->hot_rw[f] : FI_NONE;
    if (rw == FI_NONE)
        return fi_emit_function(p, j->fm, miss, FI_NONE, out, fr);
    /* A hot function (HOT COPIES in forkinstr.h): the usual body is the
     * rewind copy, kept apart until the code section's end; the
     * normal-path copy, emitted last so that the address map and the hints
     * describe it, takes the function's place. */
    fi_buf *hb = &j->fm->hot_body[f];
    free(hb->p);
    memset(hb, 0, sizeof *hb);
    hb->count_only = out->count_only;
    if ((st = fi_emit_function(p, j->fm, miss, FI_NONE, hb, fr)))
        return st;
    fs_fi_func normal;
    size_t before = out->n;
    if ((st = fi_emit_function(p, j->fm, miss, rw, out, &normal)))
        return st;
    fr->hot_bytes = out->n - before;
    return hb->oom ? FS_ERR_NOMEM : FS_OK;
}

static void run_chunk(const job *j, fi_plan *p, chunk *c)
{
    for (uint32_t f = c->from; f < c->to && !c->st; f++) {
        if (j->pass == 1) {
            c->miss.func = f;
            j->start[f] = c->out.n;
            c->st = one(j, p, f, j->frozen ? &c->miss : NULL, &c->out);
            j->end[f] = c->out.n;
            if (c->miss.oom || c->out.oom)
                c->st = FS_ERR_NOMEM;
        } else if (j->redo[f]) {
            fi_buf *b = calloc(1, sizeof *b);
            if (!b) {
                c->st = FS_ERR_NOMEM;
                break;
            }
            b->count_only = c->out.count_only;
            j->rbuf[f] = b;
            c->st = one(j, p, f, NULL, b);
            if (!c->st && b->oom)
                c->st = FS_ERR_NOMEM;
        }
    }
}

static void *worker(void *arg)
{
    job *j = arg;
    fi_plan p;
    memset(&p, 0, sizeof p);
    for (;;) {
        unsigned k = atomic_fetch_add(&j->next, 1);
        if (k >= j->nchunks)
            break;
        run_chunk(j, &p, &j->chunks[k]);
    }
    fi_plan_free(&p);
    return NULL;
}

/* Runs the current pass over every chunk on NT threads (this one too);
 * returns the first error in chunk order. */
static int run_pass(job *j, unsigned nt)
{
    pthread_t th[FI_MAX_THREADS];
    unsigned started = 0;
    atomic_store(&j->next, 0);
    for (unsigned t = 1; t < nt; t++) {
        if (pthread_create(&th[started], NULL, worker, j) != 0)
            break;
        started++;
    }
    worker(j);
    for (unsigned t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    for (uint32_t k = 0; k < j->nchunks; k++)
        if (j->chunks[k].st)
            return j->chunks[k].st;
    return FS_OK;
}

/* THREADS as asked (tests ask for several even on a small module), or
 * one per core when 0 and there is enough work. */
static unsigned thread_count(unsigned threads, uint64_t work)
{
    if (!threads) {
        if (work < FI_PARALLEL_MIN_BYTES)
            return 1;
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    return threads < FI_MAX_THREADS ? threads : FI_MAX_THREADS;
}

/* Cuts [lo, hi) into chunks of about equal weight: a closure function
 * weighs its body bytes, a copied one a sixteenth of them. */
static uint32_t cut(const job *j, uint32_t lo, uint32_t hi, uint64_t total, uint32_t want,
                    chunk *chunks)
{
    const fs_wasm_module *m = j->fm->m;
    uint64_t per = total / want + 1, acc = 0;
    uint32_t n = 0, from = lo;
    for (uint32_t f = lo; f < hi; f++) {
        uint32_t sz = m->funcs[f].body_size;
        acc += j->slot[f] != FI_NONE ? sz : sz / 16 + 1;
        if (acc >= per || f + 1 == hi) {
            chunks[n].from = from;
            chunks[n].to = f + 1;
            n++;
            from = f + 1;
            acc = 0;
        }
    }
    return n;
}

static void copy(fi_buf *code, const uint8_t *p, size_t n)
{
    if (code->count_only)
        code->n += n;
    else
        fi_put_bytes(code, p, n);
}

/* Appends chunk C to CODE, with the redone bodies in their places. */
static void join(const job *j, const chunk *c, fi_buf *code)
{
    size_t done = 0;
    for (uint32_t f = c->from; f < c->to; f++) {
        if (!j->redo[f])
            continue;
        copy(code, AT(c->out.p, done), j->start[f] - done);
        copy(code, j->rbuf[f]->p, j->rbuf[f]->n);
        done = j->end[f];
    }
    copy(code, AT(c->out.p, done), c->out.n - done);
}

/* Size of a block type index as an s33 LEB. */
static unsigned s33_size(uint32_t v)
{
    unsigned n = 1;
    while (v >= 0x40) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Pass 2: appends the recorded types in function order and marks the
 * functions to emit again. */
static int resolve(job *j, int dry)
{
    for (uint32_t k = 0; k < j->nchunks; k++) {
        const fi_misses *ms = &j->chunks[k].miss;
        for (uint32_t i = 0; i < ms->n; i++) {
            const fi_miss *e = &ms->e[i];
            const fs_valtype *v = ms->vals + e->vals;
            uint32_t t;
            if (fi_functype(j->fm, v, e->np, v + e->np, e->nr, &t))
                return FS_ERR_NOMEM;
            if (!dry || s33_size(t) != s33_size(e->guess))
                j->redo[e->func] = 1;
        }
    }
    return FS_OK;
}

int fi_run_funcs(fi_module *fm, unsigned stage, fi_buf *code, fs_fi_result *r,
                 unsigned threads)
{
    const fs_wasm_module *m = fm->m;
    const fs_closure *c = fm->c;
    uint32_t lo = m->nfunc_imports, hi = m->nfuncs;
    job j;
    memset(&j, 0, sizeof j);
    j.fm = fm;
    j.stage = stage;
    j.funcs = r->funcs;
    j.slot = malloc((size_t)(hi + 1) * sizeof *j.slot);
    j.start = malloc((size_t)(hi + 1) * sizeof *j.start);
    j.end = malloc((size_t)(hi + 1) * sizeof *j.end);
    j.redo = calloc((size_t)hi + 1, 1);
    j.rbuf = calloc((size_t)hi + 1, sizeof *j.rbuf);
    int st = FS_OK;
    if (!j.slot || !j.start || !j.end || !j.redo || !j.rbuf) {
        st = FS_ERR_NOMEM;
        goto out;
    }
    uint64_t work = 0, weight = 0;
    for (uint32_t f = lo; f < hi; f++) {
        j.slot[f] = FI_NONE;
        uint32_t sz = m->funcs[f].body_size;
        if (c->in[f]) {
            j.slot[f] = r->nfuncs++;
            work += sz;
        }
        weight += c->in[f] ? sz : sz / 16 + 1;
    }
    unsigned nt = thread_count(threads, work);
    uint32_t want = nt > 1 ? nt * FI_CHUNKS_PER_THREAD : 1;
    j.chunks = calloc(want + 1, sizeof *j.chunks);
    if (!j.chunks) {
        st = FS_ERR_NOMEM;
        goto out;
    }
    j.nchunks = hi > lo ? cut(&j, lo, hi, weight, want, j.chunks) : 0;
    for (uint32_t k = 0; k < j.nchunks; k++)
        j.chunks[k].out.count_only = code->count_only;

    /* pass 1: everything, the table frozen when shared */
    j.frozen = fm->frozen = nt > 1;
    j.pass = 1;
    st = run_pass(&j, nt);
    fm->frozen = 0;
    /* pass 2: the missing types appended in order */
    if (!st && j.frozen)
        st = resolve(&j, code->count_only);
    /* pass 3: the functions whose guesses were off, table complete */
    int any = 0;
    for (uint32_t f = lo; f < hi && !any; f++)
        any = j.redo[f];
    if (!st && any) {
        fm->frozen = 1;
        j.pass = 3;
        st = run_pass(&j, nt);
        fm->frozen = 0;
    }
    for (uint32_t k = 0; k < j.nchunks && !st; k++) {
        join(&j, &j.chunks[k], code);
        free(j.chunks[k].out.p);
        j.chunks[k].out.p = NULL;
    }
    if (!st && code->oom)
        st = FS_ERR_NOMEM;
    if (st)
        goto out;

    /* The sums, in index order. */
    for (uint32_t k = 0; k < r->nfuncs; k++) {
        const fs_fi_func *ff = &r->funcs[k];
        if (ff->refused) {
            r->refused++;
            r->guard_bytes += ff->guard;
        } else if (!ff->sites) {
            r->untouched++;
        } else {
            r->instrumented++;
            r->sites += ff->sites;
            r->wraps += ff->wraps;
            r->levels += ff->levels;
            r->tail_calls += ff->tail_calls;
            r->hot_functions += ff->hot_bytes != 0;
            r->hot_bytes += ff->hot_bytes;
            for (int t = 0; t < FS_FI_NTERMS; t++)
                r->term[t] += ff->term[t];
            for (int t = 0; t < FS_FI_NNP; t++)
                r->np[t] += ff->np[t];
        }
    }
out:
    if (j.chunks)
        for (uint32_t k = 0; k < j.nchunks; k++) {
            free(j.chunks[k].out.p);
            free(j.chunks[k].miss.e);
            free(j.chunks[k].miss.vals);
        }
    if (j.rbuf)
        for (uint32_t f = lo; f < hi; f++)
            if (j.rbuf[f]) {
                free(j.rbuf[f]->p);
                free(j.rbuf[f]);
            }
    free(j.chunks);
    free(j.slot);
    free(j.start);
    free(j.end);
    free(j.redo);
    free(j.rbuf);
    return st;
}
