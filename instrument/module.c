/* module.c - forkinstr's byte buffers and the function types it needs.
 *
 * Wraps need block types such as (param i32) (result i32 i64), which the
 * binary format can only express as a function type index.  A module
 * usually has the signature already: a plain, final function type alone
 * in its recursion group is interchangeable with any other of the same
 * signature, so those are reused; anything else is appended once to the
 * type section.  Dry runs and real runs look types up the same way, so
 * they agree byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "fi_int.h"

/* ---- buffers ----------------------------------------------------------- */

void fi_buf_reserve(fi_buf *b, size_t more)
{
    if (b->oom || b->count_only || b->n + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

void fi_put_bytes(fi_buf *b, const void *src, size_t n)
{
    if (!n)
        return;
    if (!b->count_only) {
        fi_buf_reserve(b, n);
        if (b->oom)
            return;
        memcpy(b->p + b->n, src, n);
    }
    b->n += n;
}

void fi_put_u32(fi_buf *b, uint32_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        fi_put(b, v ? byte | 0x80 : byte);
    } while (v);
}

void fi_put_s64(fi_buf *b, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7F;
        v >>= 7;   /* arithmetic shift: gcc and clang define it for signed values */
        int done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        fi_put(b, done ? byte : byte | 0x80);
        if (done)
            return;
    }
}

void fi_put_valtype(fi_buf *b, uint8_t code, int32_t heap)
{
    fi_put(b, code);
    if (code == FS_VT_REF_NULL || code == FS_VT_REF)
        fi_put_s64(b, heap);
}

/* ---- the signature table ------------------------------------------------- */

static uint32_t sig_hash(const fs_valtype *p, uint32_t np, const fs_valtype *r, uint32_t nr)
{
    uint32_t h = 2166136261u;
#define MIX(x) (h = (h ^ (uint32_t)(x)) * 16777619u)
    MIX(np);
    MIX(nr);
    for (uint32_t i = 0; i < np; i++) { MIX(p[i].code); MIX(p[i].heap); }
    for (uint32_t i = 0; i < nr; i++) { MIX(r[i].code); MIX(r[i].heap); }
#undef MIX
    return h;
}

static int same(const fs_valtype *a, const fs_valtype *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].code != b[i].code ||
            ((a[i].code == FS_VT_REF_NULL || a[i].code == FS_VT_REF) && a[i].heap != b[i].heap))
            return 0;
    return 1;
}

static int rehash(fi_module *fm, uint32_t cap)
{
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    for (uint32_t t = 0; t < fm->nsigs; t++) {
        const struct fi_sig *s = &fm->sigs[t];
        if (s->off == FI_NONE)
            continue;
        const fs_valtype *v = fm->sigvals + s->off;
        uint32_t i = sig_hash(v, s->np, v + s->np, s->nr) & (cap - 1);
        while (h[i])
            i = (i + 1) & (cap - 1);
        h[i] = t + 1;
    }
    free(fm->hash);
    fm->hash = h;
    fm->hash_cap = cap;
    return 0;
}

static int add_sig(fi_module *fm, const fs_valtype *p, uint32_t np, const fs_valtype *r,
                   uint32_t nr, int usable)
{
    if (fm->nsigs == fm->sigs_cap) {
        uint32_t cap = fm->sigs_cap ? fm->sigs_cap * 2 : 64;
        struct fi_sig *n = realloc(fm->sigs, cap * sizeof *n);
        if (!n)
            return -1;
        fm->sigs = n;
        fm->sigs_cap = cap;
    }
    struct fi_sig *s = &fm->sigs[fm->nsigs++];
    s->np = np;
    s->nr = nr;
    s->off = FI_NONE;
    if (!usable)
        return 0;
    if (fm->nsigvals + np + nr > fm->sigvals_cap) {
        uint32_t cap = fm->sigvals_cap ? fm->sigvals_cap * 2 : 256;
        while (cap < fm->nsigvals + np + nr)
            cap *= 2;
        fs_valtype *n = realloc(fm->sigvals, cap * sizeof *n);
        if (!n)
            return -1;
        fm->sigvals = n;
        fm->sigvals_cap = cap;
    }
    s->off = fm->nsigvals;
    if (np)
        memcpy(fm->sigvals + fm->nsigvals, p, np * sizeof *p);
    if (nr)
        memcpy(fm->sigvals + fm->nsigvals + np, r, nr * sizeof *r);
    fm->nsigvals += np + nr;
    if (fm->nsigs * 2 > fm->hash_cap)
        return rehash(fm, fm->hash_cap ? fm->hash_cap * 2 : 1024);
    uint32_t i = sig_hash(p, np, r, nr) & (fm->hash_cap - 1);
    while (fm->hash[i])
        i = (i + 1) & (fm->hash_cap - 1);
    fm->hash[i] = fm->nsigs;
    return 0;
}

int fi_module_init(fi_module *fm, const fs_wasm_module *m, const fs_graph *g,
                   const fs_closure *c)
{
    memset(fm, 0, sizeof *fm);
    fm->m = m;
    fm->g = g;
    fm->c = c;
    fm->state_global = m->nglobals;
    fm->data_global = m->nglobals + 1;
    fm->mem64 = m->nmemories && m->memory64[0];
    fm->first_new = m->ntypes;
    if (rehash(fm, 1024))
        return FS_ERR_NOMEM;
    for (uint32_t t = 0; t < m->ntypes; t++) {
        const fs_type *ty = &m->types[t];
        int alone = ty->rec_start == t && (t + 1 == m->ntypes || m->types[t + 1].rec_start != t);
        int usable = ty->kind == FS_COMP_FUNC && ty->super == UINT32_MAX && ty->final && alone;
        const fs_valtype *v = m->valtypes + ty->params;
        if (add_sig(fm, v, usable ? ty->nparams : 0, v + ty->nparams,
                    usable ? ty->nresults : 0, usable))
            return FS_ERR_NOMEM;
    }
    return fi_refs_init(fm);
}

void fi_module_free(fi_module *fm)
{
    fi_refs_free(fm);
    free(fm->sigs);
    free(fm->sigvals);
    free(fm->hash);
    memset(fm, 0, sizeof *fm);
}

int fi_functype(fi_module *fm, const fs_valtype *params, uint32_t np,
                const fs_valtype *results, uint32_t nr, uint32_t *out)
{
    uint32_t i = sig_hash(params, np, results, nr) & (fm->hash_cap - 1);
    for (; fm->hash[i]; i = (i + 1) & (fm->hash_cap - 1)) {
        const struct fi_sig *s = &fm->sigs[fm->hash[i] - 1];
        const fs_valtype *v = fm->sigvals + s->off;
        if (s->np == np && s->nr == nr && same(v, params, np) && same(v + np, results, nr)) {
            *out = fm->hash[i] - 1;
            return FS_OK;
        }
    }
    if (fm->frozen)                 /* workers only read the table */
        return FI_MISSING;
    if (add_sig(fm, params, np, results, nr, 1))
        return FS_ERR_NOMEM;
    *out = fm->nsigs - 1;
    return FS_OK;
}

static int miss_add(fi_misses *ms, const fs_valtype *v, uint32_t np, uint32_t nr,
                    uint32_t guess)
{
    if (ms->n == ms->cap) {
        uint32_t cap = ms->cap ? ms->cap * 2 : 16;
        fi_miss *e = realloc(ms->e, cap * sizeof *e);
        if (!e)
            return FS_ERR_NOMEM;
        ms->e = e;
        ms->cap = cap;
    }
    if (ms->nvals + np + nr > ms->vals_cap) {
        uint32_t cap = ms->vals_cap ? ms->vals_cap * 2 : 64;
        while (cap < ms->nvals + np + nr)
            cap *= 2;
        fs_valtype *nv = realloc(ms->vals, cap * sizeof *nv);
        if (!nv)
            return FS_ERR_NOMEM;
        ms->vals = nv;
        ms->vals_cap = cap;
    }
    fi_miss *e = &ms->e[ms->n++];
    e->func = ms->func;
    e->np = np;
    e->nr = nr;
    e->vals = ms->nvals;
    e->guess = guess;
    if (np + nr)
        memcpy(ms->vals + ms->nvals, v, (np + nr) * sizeof *v);
    ms->nvals += np + nr;
    return FS_OK;
}

int fi_blocktype(fi_module *fm, fi_misses *miss, const fi_val *params, uint32_t np,
                 const fi_val *results, uint32_t nr, int64_t *out)
{
    if (!np && !nr) {
        *out = (int64_t)FS_BT_EMPTY_BYTE - 128; /* the empty block type as an s7 */
        return FS_OK;
    }
    if (!np && nr == 1 && results[0].code != FS_VT_REF_NULL &&
        results[0].code != FS_VT_REF) {
        *out = (int64_t)results[0].code - 128;  /* the value type byte as an s7 */
        return FS_OK;
    }
    fs_valtype small[32];
    fs_valtype *v = np + nr <= 32 ? small : malloc((np + nr) * sizeof *v);
    if (!v)
        return FS_ERR_NOMEM;
    for (uint32_t i = 0; i < np; i++)
        v[i] = (fs_valtype){ .code = params[i].code, .heap = params[i].heap };
    for (uint32_t i = 0; i < nr; i++)
        v[np + i] = (fs_valtype){ .code = results[i].code, .heap = results[i].heap };
    uint32_t t;
    int st = fi_functype(fm, v, np, v + np, nr, &t);
    if (st == FI_MISSING && miss) {
        t = fm->nsigs;              /* the next index: the smallest it can get */
        st = miss_add(miss, v, np, nr, t);
    }
    if (v != small)
        free(v);
    *out = t;
    return st;
}
