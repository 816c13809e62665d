/* mf_util.c - builder, decode wrappers and the accepted-module checks. */
#include "mf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "closure.h"
#include "cost.h"
#include "graph.h"
#include "roots.h"

unsigned mf_passed, mf_failed;

int mf_check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        mf_passed++;
        return 1;
    }
    /* One systematic fault can fail thousands of truncations: show the
     * first ones only, the count says the rest. */
    if (++mf_failed > 60) {
        if (mf_failed == 61)
            fprintf(stderr, "(further failures are counted but not shown)\n");
        return 0;
    }
    fprintf(stderr, "FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 0;
}

/* ---- decoding ------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *status_name(int st)
{
    switch (st) {
    case FS_OK: return "FS_OK";
    case FS_ERR_IO: return "FS_ERR_IO";
    case FS_ERR_MALFORMED: return "FS_ERR_MALFORMED";
    case FS_ERR_NOMEM: return "FS_ERR_NOMEM";
    case FS_ERR_USAGE: return "FS_ERR_USAGE";
    case FS_ERR_UNSUPPORTED: return "FS_ERR_UNSUPPORTED";
    default: return "?";
    }
}

int mf_decode(const char *name, const uint8_t *bytes, size_t n, fs_error *err,
              fs_wasm_module *m)
{
    /* Decode from a private heap copy of exactly N bytes, so that ASan
     * flags any read past the end of the input. */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) {
        fprintf(stderr, "out of memory in the test itself\n");
        exit(1);
    }
    if (n)
        memcpy(copy, bytes, n);
    double t0 = now_s();
    int st = fs_wasm_decode(m, copy, n, name, err);
    double dt = now_s() - t0;
    if (dt > 1.0)
        mf_check(0, name, "one decode of %zu bytes took %.2f s", n, dt);
    if (st == FS_OK) {
        mf_check_accepted(name, m);
    }
    fs_wasm_free(m);
    free(copy);
    return st;
}

void mf_expect_malformed_at(const char *name, const uint8_t *bytes, size_t n, uint64_t offset)
{
    fs_error err;
    fs_wasm_module m;
    int st = mf_decode(name, bytes, n, &err, &m);
    if (st != FS_ERR_MALFORMED) {
        mf_check(0, name, "expected FS_ERR_MALFORMED at offset 0x%llx, got %s (%s)",
                 (unsigned long long)offset, status_name(st), err.msg);
        return;
    }
    mf_check(err.has_offset && err.offset == offset && err.msg[0], name,
             "expected offset 0x%llx, got %s0x%llx: %s", (unsigned long long)offset,
             err.has_offset ? "" : "(no offset) ", (unsigned long long)err.offset, err.msg);
}

void mf_expect_ok(const char *name, const uint8_t *bytes, size_t n)
{
    fs_error err;
    fs_wasm_module m;
    int st = mf_decode(name, bytes, n, &err, &m);
    mf_check(st == FS_OK, name, "expected FS_OK, got %s at 0x%llx: %s", status_name(st),
             (unsigned long long)err.offset, err.msg);
}

/* ---- what an accepted module must look like ------------------------- */

typedef struct runs_ctx {
    uint32_t next;                 /* expected first index of the next run */
    uint32_t kinds[FS_VK_COUNT];
    int      bad;
} runs_ctx;

static void count_run(void *p, uint32_t first, uint32_t count, fs_valkind kind)
{
    runs_ctx *c = p;
    if (first < c->next || kind >= FS_VK_COUNT)
        c->bad = 1;
    else
        c->kinds[kind] += count;
    c->next = first + count;
}

static const char *module_problem(const fs_wasm_module *m)
{
    static char why[200];
    if (m->nfunc_imports > m->nfuncs)
        return "more function imports than functions";
    for (uint32_t i = 0; i < m->nsections; i++)
        if ((uint64_t)m->sections[i].offset + m->sections[i].size > m->size)
            return "a section extends past the end of the file";
    for (uint32_t t = 0; t < m->ntypes; t++) {
        const fs_type *ty = &m->types[t];
        if ((ty->super != UINT32_MAX && ty->super >= t) || ty->canon > t || ty->rec_start > t)
            return "a type refers forward (super, canon or rec group)";
        if (ty->kind == FS_COMP_FUNC &&
            (uint64_t)ty->params + ty->nparams + ty->nresults > m->nvaltypes)
            return "a function type's values lie outside valtypes";
    }
    if (m->start != UINT32_MAX && m->start >= m->nfuncs)
        return "start function out of range";
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == FS_EXT_FUNC && m->exports[i].index >= m->nfuncs)
            return "exported function out of range";
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        const fs_func *fn = &m->funcs[f];
        if (fn->type >= m->ntypes || m->types[fn->type].kind != FS_COMP_FUNC)
            return "a function's type is not a function type in range";
        if (f < m->nfunc_imports)
            continue;
        /* A body holds at least its local count and its final end. */
        if ((uint64_t)fn->body_off + fn->body_size > m->size || fn->body_size < 2 ||
            fn->code_off <= fn->body_off || fn->code_off >= fn->body_off + fn->body_size ||
            m->bytes[fn->body_off + fn->body_size - 1] != 0x0B) {
            snprintf(why, sizeof why, "function %u: body bounds or final end are wrong", f);
            return why;
        }
        uint64_t sum = 0;
        for (int k = 0; k < FS_VK_COUNT; k++)
            sum += fn->nlocals_kind[k];
        if (sum != fn->nlocals) {
            snprintf(why, sizeof why, "function %u: locals by kind do not add up", f);
            return why;
        }
        runs_ctx rc = { 0, { 0 }, 0 };
        fs_wasm_local_runs(m, f, count_run, &rc);
        if (rc.bad || rc.next != fn->nlocals ||
            memcmp(rc.kinds, fn->nlocals_kind, sizeof rc.kinds) != 0) {
            snprintf(why, sizeof why, "function %u: fs_wasm_local_runs disagrees with nlocals", f);
            return why;
        }
        if ((uint64_t)fn->calls + fn->ncalls > m->ncalls)
            return "a function's call sites lie outside calls";
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++)
            if (m->calls[s].offset < fn->code_off ||
                m->calls[s].offset >= fn->body_off + fn->body_size)
                return "a call site lies outside its function's body";
    }
    for (uint32_t s = 0; s < m->ncalls; s++) {
        const fs_call *c = &m->calls[s];
        int ok;
        switch (c->kind) {
        case FS_CALL_DIRECT: case FS_CALL_TAIL:
            ok = c->target < m->nfuncs;
            break;
        case FS_CALL_INDIRECT: case FS_CALL_TAIL_INDIRECT:
            ok = c->target < m->ntypes && c->table < m->ntables;
            break;
        case FS_CALL_REF: case FS_CALL_TAIL_REF:
            ok = c->target < m->ntypes;
            break;
        default:
            ok = 0;
        }
        if (!ok) {
            snprintf(why, sizeof why, "call site %u: kind %u target %u out of range", s,
                     c->kind, c->target);
            return why;
        }
    }
    return NULL;
}

int mf_check_accepted(const char *name, const fs_wasm_module *m)
{
    const char *why = module_problem(m);
    if (!mf_check(why == NULL, name, "accepted module is inconsistent: %s", why))
        return 0;

    /* The later stages trust the decoder; an accepted module (however
     * odd) must go through them too.  Roots as wide as possible. */
    static const char *const specs[] = { "import:*", "func:*", "export:*", "index:0" };
    fs_root_spec roots[4];
    fs_error err;
    for (int i = 0; i < 4; i++)
        if (fs_roots_parse(specs[i], &roots[i], &err))
            return mf_check(0, name, "root spec %s: %s", specs[i], err.msg);
    fs_graph g;
    int st = fs_graph_build(&g, m, &err);
    if (!mf_check(st == FS_OK, name, "fs_graph_build failed (%d): %s", st, err.msg)) {
        fs_graph_free(&g);
        return 0;
    }
    int ok = 1;
    fs_cost *costs = calloc((size_t)m->nfuncs + 1, sizeof *costs);
    uint32_t *unsaveable = calloc((size_t)m->nfuncs + 1, sizeof *unsaveable);
    for (int pol = FS_POLICY_ASYNCIFY; pol <= FS_POLICY_NONE && costs && unsaveable; pol++) {
        fs_closure c;
        st = fs_closure_compute(&c, &g, roots, 4, (fs_policy)pol, &err);
        if (!mf_check(st == FS_OK, name, "fs_closure_compute(%s) failed: %s",
                      fs_policy_name[pol], err.msg)) {
            ok = 0;
            break;
        }
        fs_cost_estimate(m, &c, &fs_cost_seed, costs, unsaveable);
        fs_closure_free(&c);
    }
    free(costs);
    free(unsaveable);
    fs_graph_free(&g);
    return ok;
}
