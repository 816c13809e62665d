/* code.c - the code section: local declarations, then every body.
 *
 * Two passes.  The first is sequential and cheap: body sizes and local
 * declarations.  The second walks the instructions, and on a large module
 * splits the bodies into two byte-balanced halves decoded on two threads,
 * each into its own sink, merged in file order afterwards.  Pass 1 stops
 * at its first error without raising it, pass 2 decodes the bodies before
 * that point, and the earliest error in file order is the one reported:
 * the one a sequential walk would have met first, whatever the schedule.
 */
#include "decode_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pass 1 for one body: its size and local declarations. */
static void scan_body(fs_reader *r, fs_wasm_module *m, uint32_t fi)
{
    fs_func *f = &m->funcs[fi];
    const uint8_t *sat = r->p, *sec_end = r->end;
    uint32_t size = fs_read_u32(r);
    if (size > fs_reader_left(r))
        fs_reader_fail(r, sat, "function %u body size %u exceeds the %zu bytes that remain",
                       fi, size, fs_reader_left(r));
    f->body_off = fs_reader_off(r, r->p);
    f->body_size = size;
    r->end = r->p + size;
    f->locals_off = f->body_off;
    const fs_type *t = &m->types[f->type];
    uint64_t total = t->nparams;
    for (uint32_t p = 0; p < t->nparams; p++)
        f->nlocals_kind[fs_wasm_valkind(m->valtypes[t->params + p])]++;
    uint32_t nruns = fs_read_count(r, 2, "local declaration");
    for (uint32_t j = 0; j < nruns; j++) {
        const uint8_t *lat = r->p;
        uint32_t cnt = fs_read_u32(r);
        total += cnt;
        if (total > FS_MAX_LOCALS)
            fs_reader_fail(r, lat, "function %u declares more than %u locals", fi, FS_MAX_LOCALS);
        fs_valtype lt = fs_decode_valtype(r, m);
        f->nlocals_kind[fs_wasm_valkind(lt)] += cnt;
        m->ext_types |= fs_xt_of_hflags(lt.hflags);   /* pass 1 runs on one thread */
    }
    f->nlocals = (uint32_t)total;
    f->code_off = fs_reader_off(r, r->p);
    r->p = r->end;
    r->end = sec_end;
}

static void scan_bodies(fs_reader *r, fs_wasm_module *m, uint32_t n, uint32_t *done)
{
    for (uint32_t i = 0; i < n; i++) {
        scan_body(r, m, m->nfunc_imports + i);
        *done = i + 1;
    }
}

/* Pass 1 with its own jump target: returns a status and, in *DONE, how
 * many bodies were read completely before any error. */
__attribute__((noinline))
static int guarded_scan(fs_wasm_module *m, const uint8_t *p, const uint8_t *end, uint32_t n,
                        uint32_t *done, fs_error *err)
{
    jmp_buf jb;
    fs_reader r = { m->bytes, p, end, err, &jb };
    int status = setjmp(jb);
    if (status == 0)
        scan_bodies(&r, m, n, done);
    return status;
}

/* Bodies [from, to) into SINK; each function's calls range is relative
 * to the sink until the sinks are merged. */
static void decode_bodies(fs_reader *r, fs_wasm_module *m, fs_body_sink *sink,
                          uint32_t from, uint32_t to)
{
    for (uint32_t fi = from; fi < to; fi++) {
        fs_func *f = &m->funcs[fi];
        r->p = m->bytes + f->code_off;
        r->end = m->bytes + f->body_off + f->body_size;
        f->calls = sink->ncalls;
        fs_decode_expr(r, m, sink, fi);
        if (r->p != r->end)
            fs_reader_fail(r, r->p, "function %u: %zu bytes after the final end",
                           fi, (size_t)(r->end - r->p));
        f->ncalls = sink->ncalls - f->calls;
    }
}

/* The second half of the bodies, decoded on its own thread. */
typedef struct body_job {
    fs_wasm_module *m;
    uint32_t        from, to;
    fs_body_sink   *sink;
    fs_error        err;
    int             status;
} body_job;

/* Decodes a range with its own jump target, so a failure in it comes
 * back as a status to whichever thread ran it.  Kept out of line so no
 * caller's locals live across the setjmp. */
__attribute__((noinline))
static int guarded_bodies(fs_wasm_module *m, fs_body_sink *sink, uint32_t from, uint32_t to,
                          fs_error *err)
{
    jmp_buf jb;
    fs_reader r = { m->bytes, NULL, NULL, err, &jb };
    int status = setjmp(jb);
    if (status == 0)
        decode_bodies(&r, m, sink, from, to);
    return status;
}

static void *body_thread(void *p)
{
    body_job *j = p;
    j->status = guarded_bodies(j->m, j->sink, j->from, j->to, &j->err);
    return NULL;
}

static void free_sink(fs_body_sink *s)
{
    if (s) {
        free(s->calls);
        free(s->refs);
        free(s);
    }
}

/* Appends B's findings to A's; B's call ranges move up by A's count.
 * Returns 0, or -1 when out of memory (A and B then unchanged). */
static int merge_sinks(fs_wasm_module *m, fs_body_sink *a, const fs_body_sink *b,
                       uint32_t from, uint32_t to)
{
    if (b->ncalls) {
        uint32_t total = a->ncalls + b->ncalls;
        fs_call *nc = realloc(a->calls, (size_t)total * sizeof *nc);
        if (!nc)
            return -1;
        memcpy(nc + a->ncalls, b->calls, (size_t)b->ncalls * sizeof *nc);
        a->calls = nc;
        a->calls_cap = total;
    }
    for (uint32_t fi = from; fi < to; fi++)
        m->funcs[fi].calls += a->ncalls;
    a->ncalls += b->ncalls;
    for (uint32_t i = 0; i < FS_OP_COUNT; i++)
        a->op_counts[i] += b->op_counts[i];
    for (unsigned i = 0; i < 256; i++)
        a->byte_counts[i] += b->byte_counts[i];
    for (uint32_t i = 0; i < b->nrefs; i++)
        m->funcs[b->refs[i]].flags |= FS_FUNC_REF_FUNC | FS_FUNC_ADDRESS_TAKEN;
    if (b->first_data_use < a->first_data_use)
        a->first_data_use = b->first_data_use;
    return 0;
}

/* Below this many code bytes a second thread costs more than it saves. */
#define PARALLEL_MIN_BYTES (512u * 1024u)

void fs_decode_code(fs_reader *r, fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint32_t n = fs_read_count(r, 2, "function body");
    if (n != fs_wasm_ndefined(m))
        fs_reader_fail(r, at, "code section has %u bodies but the function section declares %u",
                       n, fs_wasm_ndefined(m));
    /* Pass 1 stops at its first error without raising it: a bad
     * instruction in an earlier body comes first in the file. */
    const uint8_t *sec_end = r->end, *first = r->p;
    fs_error err_scan;
    memset(&err_scan, 0, sizeof err_scan);
    uint32_t scanned = 0;
    int scan_status = guarded_scan(m, first, sec_end, n, &scanned, &err_scan);

    /* Pass 2: instructions, split in two byte-balanced halves when large.
     * Errors stay deterministic: the first half's error wins, exactly the
     * one a sequential walk would have met first. */
    uint32_t lo = m->nfunc_imports, hi = lo + scanned, split = hi;
    size_t bytes = (size_t)(sec_end - first);
    if (bytes >= PARALLEL_MIN_BYTES && n > 1) {
        uint32_t half = (uint32_t)(fs_reader_off(r, first) + bytes / 2);
        for (split = lo; split < hi && m->funcs[split].body_off < half; split++)
            ;
    }
    fs_body_sink *sa = calloc(1, sizeof *sa), *sb = calloc(1, sizeof *sb);
    if (!sa || !sb) {
        free_sink(sa);
        free_sink(sb);
        fs_decode_nomem(r);
    }
    sa->first_data_use = sb->first_data_use = UINT32_MAX;
    body_job job = { m, split, hi, sb, { 0, 0, { 0 } }, 0 };
    pthread_t th;
    int threaded = split < hi && pthread_create(&th, NULL, body_thread, &job) == 0;

    fs_error err_a;
    memset(&err_a, 0, sizeof err_a);
    int status = guarded_bodies(m, sa, lo, threaded ? split : hi, &err_a);
    if (threaded)
        pthread_join(th, NULL);
    if (!status && threaded && job.status) {
        status = job.status;
        err_a = job.err;
    }
    if (!status && scan_status) {
        status = scan_status;
        err_a = err_scan;
    }
    if (!status && merge_sinks(m, sa, sb, split, hi) != 0) {
        status = FS_ERR_NOMEM;
        snprintf(err_a.msg, sizeof err_a.msg, "out of memory");
    }
    free_sink(sb);
    if (status) {
        free_sink(sa);
        *r->err = err_a;
        longjmp(*r->jump, status);
    }
    m->first_data_use = sa->first_data_use;
    m->calls = sa->calls;
    m->ncalls = sa->ncalls;
    m->calls_cap = sa->calls_cap;
    memcpy(m->op_counts, sa->op_counts, sizeof m->op_counts);
    memcpy(m->byte_counts, sa->byte_counts, sizeof m->byte_counts);
    for (uint32_t i = 0; i < sa->nrefs; i++)
        m->funcs[sa->refs[i]].flags |= FS_FUNC_REF_FUNC | FS_FUNC_ADDRESS_TAKEN;
    free(sa->refs);
    free(sa);
    /* The bodies must fill the section: bytes after the last one are a
     * size mismatch, not padding. */
    const uint8_t *last = n ? m->bytes + m->funcs[m->nfuncs - 1].body_off +
                              m->funcs[m->nfuncs - 1].body_size : first;
    if (last != sec_end)
        fs_reader_fail(r, last, "section 10 ends %zu bytes before its declared size",
                       (size_t)(sec_end - last));
    r->p = sec_end;
}

