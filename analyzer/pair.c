/* pair.c - functions of two modules paired in stages (see pair.h). */
#include "pair.h"

#include <stdlib.h>
#include <string.h>

#include "opcode.h"
#include "walk.h"

#define NONE UINT32_MAX

const char *const fs_pair_method_name[FS_PAIR_NMETHODS] = {
    "none", "name", "body", "body_order", "fingerprint", "index"
};

/* The fingerprint's weights and its bar.  Callees and constants say the
 * most about what a function does; size and locals drift when a build
 * changes optimisation or instrumentation (Asyncify doubles a body), so
 * they weigh less.  A pair needs THRESH, and a lead of MARGIN over the
 * second-best candidate on both sides: near-ties are left unpaired rather
 * than guessed. */
#define W_CALLS  0.30
#define W_COUNTS 0.15
#define W_CONSTS 0.30
#define W_SIZE   0.15
#define W_LOCALS 0.10
#define THRESH   0.60
#define MARGIN   0.05
/* Candidates scored per group at most (base x new): a larger one is split
 * (fp_runs) or left unpaired rather than made quadratic. */
#define MAX_BLOCK (1u << 22)
#define MAX_ROUNDS 64

void fs_pair_stages_default(fs_pair_stages *s)
{
    s->stage[0] = FS_PAIR_NAME;
    s->stage[1] = FS_PAIR_BODY;
    s->stage[2] = FS_PAIR_FINGERPRINT;
    s->n = 3;
}

int fs_pair_stages_parse(fs_pair_stages *s, const char *text, fs_error *err)
{
    static const struct { const char *name; uint8_t m; } known[] = {
        { "name", FS_PAIR_NAME }, { "body", FS_PAIR_BODY },
        { "fingerprint", FS_PAIR_FINGERPRINT }, { "index", FS_PAIR_INDEX },
    };
    memset(s, 0, sizeof *s);
    const char *p = text;
    for (;;) {
        size_t len = strcspn(p, ",");
        unsigned k = 0;
        while (k < 4 && (strlen(known[k].name) != len || memcmp(known[k].name, p, len)))
            k++;
        if (k == 4)
            return fs_error_setf(err, FS_ERR_USAGE, "--pair-by: unknown stage '%.*s' (name, "
                                 "body, fingerprint, index)", (int)(len < 40 ? len : 40), p);
        for (unsigned i = 0; i < s->n; i++)
            if (s->stage[i] == known[k].m)
                return fs_error_setf(err, FS_ERR_USAGE, "--pair-by: '%s' given twice",
                                     known[k].name);
        s->stage[s->n++] = known[k].m;
        if (!p[len])
            return FS_OK;
        p += len + 1;
    }
}

void fs_pairing_free(fs_pairing *p)
{
    free(p->b2n);
    free(p->n2b);
    free(p->how_b);
    memset(p, 0, sizeof *p);
}

static void link_pair(fs_pairing *p, uint32_t b, uint32_t n, fs_pair_method how)
{
    p->b2n[b] = n;
    p->n2b[n] = b;
    p->how_b[b] = (uint8_t)how;
    p->count[how]++;
}

/* ------------------------------------------------------------ by name */

typedef struct named {
    const char *name;
    uint32_t    pos;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static named *names_left(const fs_pair_side *s, const uint32_t *partner, uint32_t *cnt)
{
    named *v = malloc(((size_t)s->n + 1) * sizeof *v);
    *cnt = 0;
    if (!v)
        return NULL;
    for (uint32_t i = 0; s->names && i < s->n; i++)
        if (s->names[i] && partner[i] == NONE)
            v[(*cnt)++] = (named){ s->names[i], i };
    qsort(v, *cnt, sizeof *v, cmp_named);
    return v;
}

static int by_name(fs_pairing *p, const fs_pair_side *b, const fs_pair_side *n)
{
    uint32_t nb, nn;
    named *vb = names_left(b, p->b2n, &nb), *vn = names_left(n, p->n2b, &nn);
    if (!vb || !vn) {
        free(vb);
        free(vn);
        return FS_ERR_NOMEM;
    }
    uint32_t i = 0, j = 0;
    while (i < nb && j < nn) {
        int c = strcmp(vb[i].name, vn[j].name);
        if (c) {
            c < 0 ? i++ : j++;
            continue;
        }
        uint32_t ci = 1, cj = 1;
        while (i + ci < nb && !strcmp(vb[i + ci].name, vb[i].name))
            ci++;
        while (j + cj < nn && !strcmp(vn[j + cj].name, vn[j].name))
            cj++;
        if (ci == 1 && cj == 1)       /* a repeated name is no key */
            link_pair(p, vb[i].pos, vn[j].pos, FS_PAIR_NAME);
        i += ci;
        j += cj;
    }
    free(vb);
    free(vn);
    return FS_OK;
}

/* ------------------------------------------------------------ by body */

typedef struct hashed {
    uint64_t h;
    uint32_t pos;
} hashed;

static int cmp_hashed(const void *a, const void *b)
{
    const hashed *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* FNV-1a over 8 bytes at a time, then the tail: a key to sort by; equal
 * keys are confirmed with memcmp. */
static uint64_t hash_bytes(const uint8_t *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h ^ (uint64_t)len;
}

static const uint8_t *body_of(const fs_pair_side *s, uint32_t pos, uint32_t *len)
{
    const fs_func *f = &s->m->funcs[s->m->nfunc_imports + pos];
    *len = f->body_size;
    return s->m->bytes + f->body_off;
}

static hashed *bodies_left(const fs_pair_side *s, const uint32_t *partner, uint32_t *cnt)
{
    hashed *v = malloc(((size_t)s->n + 1) * sizeof *v);
    *cnt = 0;
    if (!v)
        return NULL;
    for (uint32_t i = 0; i < s->n; i++)
        if (partner[i] == NONE) {
            uint32_t len;
            const uint8_t *body = body_of(s, i, &len);
            v[(*cnt)++] = (hashed){ hash_bytes(body, len), i };
        }
    qsort(v, *cnt, sizeof *v, cmp_hashed);
    return v;
}

/* Every body of the run v[0..k) equals v[0]'s. */
static int same_bodies(const fs_pair_side *s, const hashed *v, uint32_t k, const uint8_t *ref,
                       uint32_t rlen)
{
    for (uint32_t i = 0; i < k; i++) {
        uint32_t len;
        const uint8_t *body = body_of(s, v[i].pos, &len);
        if (len != rlen || memcmp(body, ref, len))
            return 0;
    }
    return 1;
}

static int by_body(fs_pairing *p, const fs_pair_side *b, const fs_pair_side *n)
{
    uint32_t nb, nn;
    hashed *vb = bodies_left(b, p->b2n, &nb), *vn = bodies_left(n, p->n2b, &nn);
    if (!vb || !vn) {
        free(vb);
        free(vn);
        return FS_ERR_NOMEM;
    }
    uint32_t i = 0, j = 0;
    while (i < nb && j < nn) {
        if (vb[i].h != vn[j].h) {
            vb[i].h < vn[j].h ? i++ : j++;
            continue;
        }
        uint32_t ci = 1, cj = 1;
        while (i + ci < nb && vb[i + ci].h == vb[i].h)
            ci++;
        while (j + cj < nn && vn[j + cj].h == vn[j].h)
            cj++;
        uint32_t rlen;
        const uint8_t *ref = body_of(b, vb[i].pos, &rlen);
        /* A hash collision would show as a run with different bodies:
         * such a run is left to the fingerprint. */
        if (same_bodies(b, vb + i, ci, ref, rlen) && same_bodies(n, vn + j, cj, ref, rlen)) {
            if (ci == cj) {
                /* Equal copies on both sides: in index order (the run is
                 * sorted by position), a guess the method records. */
                for (uint32_t k = 0; k < ci; k++)
                    link_pair(p, vb[i + k].pos, vn[j + k].pos,
                              ci == 1 ? FS_PAIR_BODY : FS_PAIR_BODY_ORDER);
            } else {
                p->body_dup_groups++;
            }
        }
        i += ci;
        j += cj;
    }
    free(vb);
    free(vn);
    return FS_OK;
}

/* ------------------------------------------------------- by fingerprint */

/* What the fingerprint knows of one function.  The arrays are sorted sets,
 * slices of one pool per side. */
typedef struct feat {
    uint64_t sig;                 /* params and results */
    uint32_t size, locals;
    uint32_t callee, ncallee;     /* defined callees, by position */
    uint32_t caller, ncaller;     /* defined callers, by position */
    uint32_t pcallee, pcaller;    /* this round: how many of them are paired */
    uint32_t imp, nimp;           /* hashes of the imports called: into pool64 */
    uint32_t cst, ncst;           /* hashes of the integer constants: into pool64 */
} feat;

typedef struct fside {
    const fs_pair_side *s;
    feat     *f;                  /* per position (only unpaired ones filled) */
    uint32_t *pool32;  size_t n32, cap32;
    uint64_t *pool64;  size_t n64, cap64;
    uint32_t  maxlist;            /* the longest callee or caller set */
    int       nomem;
} fside;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts V[0..N) and drops repeats; returns the new length. */
#define UNIQ(name, T, cmp)                          \
    static uint32_t name(T *v, uint32_t n)          \
    {                                               \
        qsort(v, n, sizeof *v, cmp);                \
        uint32_t k = 0;                             \
        for (uint32_t i = 0; i < n; i++)            \
            if (!k || v[k - 1] != v[i])             \
                v[k++] = v[i];                      \
        return k;                                   \
    }
UNIQ(uniq32, uint32_t, cmp_u32)
UNIQ(uniq64, uint64_t, cmp_u64)

static int push64(fside *fs, uint64_t v)
{
    if (grow((void **)&fs->pool64, &fs->cap64, fs->n64 + 1, sizeof *fs->pool64))
        return fs->nomem = 1;
    fs->pool64[fs->n64++] = v;
    return 0;
}

static int on_const(void *ctx, const fs_instr *in)
{
    fside *fs = ctx;
    if (in->op == FS_OP_I32_CONST || in->op == FS_OP_I64_CONST)
        /* spread so that small values do not cluster; the op keeps an
         * i32 and an i64 of one value apart */
        return push64(fs, ((uint64_t)in->value * 0x9e3779b97f4a7c15ull) ^ (uint64_t)in->op);
    return 0;
}

static uint64_t sig_hash(const fs_wasm_module *m, uint32_t type)
{
    const fs_type *t = &m->types[type];
    uint64_t h = 0x84222325cbf29ce4ull ^ ((uint64_t)t->nparams << 32 | t->nresults);
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) {
        fs_valtype v = m->valtypes[t->params + i];
        /* a concrete heap type is an index into this module's types: only
         * whether there is one can be compared across modules */
        int32_t heap = v.heap >= 0 ? 0x7fffffff : v.heap;
        h = (h ^ ((uint64_t)v.code << 32 | (uint32_t)heap)) * 0x100000001b3ull;
    }
    return h;
}

/* The callers of each unpaired function (any defined function may call
 * one), as sorted sets in pool32, counted first, then filled. */
static int callers(fside *fs, const uint32_t *partner)
{
    const fs_pair_side *s = fs->s;
    const fs_wasm_module *m = s->m;
    size_t total = 0;
    for (uint32_t g = 0; g < s->n; g++) {
        const fs_func *fn = &m->funcs[m->nfunc_imports + g];
        for (uint32_t k = 0; k < fn->ncalls; k++) {
            const fs_call *c = &m->calls[fn->calls + k];
            if ((c->kind == FS_CALL_DIRECT || c->kind == FS_CALL_TAIL) &&
                c->target >= m->nfunc_imports && partner[c->target - m->nfunc_imports] == NONE) {
                fs->f[c->target - m->nfunc_imports].ncaller++;
                total++;
            }
        }
    }
    if (grow((void **)&fs->pool32, &fs->cap32, fs->n32 + total, sizeof *fs->pool32))
        return FS_ERR_NOMEM;
    size_t at = fs->n32;
    for (uint32_t i = 0; i < s->n; i++) {
        fs->f[i].caller = (uint32_t)at;
        at += fs->f[i].ncaller;
        fs->f[i].ncaller = 0;
    }
    for (uint32_t g = 0; g < s->n; g++) {
        const fs_func *fn = &m->funcs[m->nfunc_imports + g];
        for (uint32_t k = 0; k < fn->ncalls; k++) {
            const fs_call *c = &m->calls[fn->calls + k];
            if ((c->kind == FS_CALL_DIRECT || c->kind == FS_CALL_TAIL) &&
                c->target >= m->nfunc_imports && partner[c->target - m->nfunc_imports] == NONE) {
                feat *f = &fs->f[c->target - m->nfunc_imports];
                fs->pool32[f->caller + f->ncaller++] = g;
            }
        }
    }
    fs->n32 = at;
    for (uint32_t i = 0; i < s->n; i++) {
        feat *f = &fs->f[i];
        f->ncaller = uniq32(fs->pool32 + f->caller, f->ncaller);
        fs->maxlist = f->ncaller > fs->maxlist ? f->ncaller : fs->maxlist;
        fs->maxlist = f->ncallee > fs->maxlist ? f->ncallee : fs->maxlist;
    }
    return FS_OK;
}

static int features(fside *fs, const uint32_t *partner)
{
    const fs_pair_side *s = fs->s;
    const fs_wasm_module *m = s->m;
    fs->f = calloc((size_t)s->n + 1, sizeof *fs->f);
    /* never NULL, so that an empty slice is still a valid pointer */
    if (!fs->f || grow((void **)&fs->pool32, &fs->cap32, 1, sizeof *fs->pool32) ||
        grow((void **)&fs->pool64, &fs->cap64, 1, sizeof *fs->pool64))
        return FS_ERR_NOMEM;
    for (uint32_t i = 0; i < s->n; i++) {
        if (partner[i] != NONE)
            continue;
        uint32_t fi = m->nfunc_imports + i;
        const fs_func *fn = &m->funcs[fi];
        feat *f = &fs->f[i];
        f->sig = sig_hash(m, fn->type);
        f->size = fn->body_size;
        f->locals = fn->nlocals - m->types[fn->type].nparams;
        if (grow((void **)&fs->pool32, &fs->cap32, fs->n32 + fn->ncalls, sizeof *fs->pool32))
            return FS_ERR_NOMEM;
        f->callee = (uint32_t)fs->n32;
        f->imp = (uint32_t)fs->n64;
        for (uint32_t k = 0; k < fn->ncalls; k++) {
            const fs_call *c = &m->calls[fn->calls + k];
            if (c->kind != FS_CALL_DIRECT && c->kind != FS_CALL_TAIL)
                continue;
            if (c->target >= m->nfunc_imports) {
                fs->pool32[fs->n32++] = c->target - m->nfunc_imports;
            } else {
                const fs_import *im = &m->imports[m->funcs[c->target].import];
                uint64_t h = hash_bytes((const uint8_t *)im->module, im->module_len);
                h = h * 31 + hash_bytes((const uint8_t *)im->field, im->field_len);
                if (push64(fs, h))
                    return FS_ERR_NOMEM;
            }
        }
        f->ncallee = uniq32(fs->pool32 + f->callee, (uint32_t)(fs->n32 - f->callee));
        fs->n32 = f->callee + f->ncallee;
        f->nimp = uniq64(fs->pool64 + f->imp, (uint32_t)(fs->n64 - f->imp));
        fs->n64 = f->imp + f->nimp;
        f->cst = (uint32_t)fs->n64;
        fs_error err;
        if (fs_walk_body(m, fi, on_const, fs, &err) != FS_OK || fs->nomem)
            return fs->nomem ? FS_ERR_NOMEM : FS_ERR_MALFORMED;
        f->ncst = uniq64(fs->pool64 + f->cst, (uint32_t)(fs->n64 - f->cst));
        fs->n64 = f->cst + f->ncst;
    }
    return callers(fs, partner);
}

/* How many elements two sorted sets share. */
#define COMMON(name, T)                                                   \
    static uint32_t name(const T *a, uint32_t na, const T *b, uint32_t nb) \
    {                                                                     \
        uint32_t i = 0, j = 0, k = 0;                                     \
        while (i < na && j < nb) {                                        \
            if (a[i] == b[j])                                             \
                k++, i++, j++;                                            \
            else                                                          \
                a[i] < b[j] ? i++ : j++;                                  \
        }                                                                 \
        return k;                                                         \
    }
COMMON(common32, uint32_t)
COMMON(common64, uint64_t)

static double ratio(uint32_t a, uint32_t b)
{
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    return hi ? (double)lo / hi : 1.0;
}

/* Base function A's neighbours mapped into the new side's positions
 * (sorted): callees MC[0..NMC), callers MR[0..NMR). */
typedef struct mapped {
    const uint32_t *mc, *mr;
    uint32_t        nmc, nmr;
} mapped;

/* The score of base function A against new function C, in [0, 1].
 * Neighbours only count once paired: of A's paired callees and callers
 * and C's, the share that are partners (Jaccard), imports called by name.
 * With no paired neighbour and no import on either side the calls say
 * nothing, and score a neutral half.  How many callees and callers each
 * has is compared as a ratio.  Constants count by how much of the smaller
 * set the other holds, half, and by Jaccard, half: an instrumented build
 * adds constants of its own but keeps the program's. */
static double score(const fside *fb, const fside *fn, uint32_t a, uint32_t c, const mapped *mp)
{
    const feat *x = &fb->f[a], *y = &fn->f[c];
    uint32_t m = common32(mp->mc, mp->nmc, fn->pool32 + y->callee, y->ncallee) +
                 common32(mp->mr, mp->nmr, fn->pool32 + y->caller, y->ncaller) +
                 common64(fb->pool64 + x->imp, x->nimp, fn->pool64 + y->imp, y->nimp);
    uint32_t u = mp->nmc + mp->nmr + x->nimp + y->pcallee + y->pcaller + y->nimp - m;
    double calls = u ? (double)m / u : 0.5;
    double counts = 0.5 * ratio(x->ncallee + x->nimp + 1, y->ncallee + y->nimp + 1) +
                    0.5 * ratio(x->ncaller + 1, y->ncaller + 1);
    uint32_t mc = common64(fb->pool64 + x->cst, x->ncst, fn->pool64 + y->cst, y->ncst);
    uint32_t lo = x->ncst < y->ncst ? x->ncst : y->ncst;
    double consts = !x->ncst && !y->ncst ? 1.0
                  : !lo ? 0.0
                  : 0.5 * mc / lo + 0.5 * mc / (x->ncst + y->ncst - mc);
    return W_CALLS * calls + W_COUNTS * counts + W_CONSTS * consts +
           W_SIZE * ratio(x->size, y->size) + W_LOCALS * ratio(x->locals + 1, y->locals + 1);
}

typedef struct sigpos {
    uint64_t sig;
    uint32_t pos;
} sigpos;

static int cmp_sigpos(const void *a, const void *b)
{
    const sigpos *x = a, *y = b;
    if (x->sig != y->sig)
        return x->sig < y->sig ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static uint32_t unpaired_by_sig(const fside *fs, const uint32_t *partner, sigpos *v)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < fs->s->n; i++)
        if (partner[i] == NONE)
            v[k++] = (sigpos){ fs->f[i].sig, i };
    qsort(v, k, sizeof *v, cmp_sigpos);
    return k;
}

typedef struct best {
    uint32_t who;
    double   top, second;
} best;

static void offer(best *b, uint32_t who, double s)
{
    if (s > b->top) {
        b->second = b->top;
        b->top = s;
        b->who = who;
    } else if (s > b->second) {
        b->second = s;
    }
}

/* Maps the set LIST[0..N) of base positions through B2N into OUT, sorted,
 * dropping those not paired yet. */
static uint32_t map_set(const uint32_t *list, uint32_t n, const uint32_t *b2n, uint32_t *out)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (b2n[list[i]] != NONE)
            out[k++] = b2n[list[i]];
    qsort(out, k, sizeof *out, cmp_u32);
    return k;
}

static uint32_t count_paired(const uint32_t *list, uint32_t n, const uint32_t *n2b)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += n2b[list[i]] != NONE;
    return k;
}

/* What one round works with. */
typedef struct round {
    fs_pairing  *p;
    const fside *fb, *fn;
    best        *bb, *bn;
    uint32_t    *mc, *mr;
    sigpos      *found;       /* the round's pairs: (new, base) */
    uint32_t     made;
} round;

/* Scores every base function of VB[0..CI) against every new one of
 * VN[0..CJ) and keeps the mutual, unique, good-enough bests. */
static void fp_block(round *r, const sigpos *vb, uint32_t ci, const sigpos *vn, uint32_t cj)
{
    fs_pairing *p = r->p;
    const fside *fb = r->fb, *fn = r->fn;
    best *bb = r->bb, *bn = r->bn;
    for (uint32_t y = 0; y < cj; y++)
        bn[y] = (best){ NONE, -1.0, -1.0 };
    for (uint32_t x = 0; x < ci; x++) {
        uint32_t a = vb[x].pos;
        const feat *fa = &fb->f[a];
        mapped mp = { r->mc, r->mr, map_set(fb->pool32 + fa->callee, fa->ncallee, p->b2n, r->mc),
                      map_set(fb->pool32 + fa->caller, fa->ncaller, p->b2n, r->mr) };
        bb[x] = (best){ NONE, -1.0, -1.0 };
        for (uint32_t y = 0; y < cj; y++) {
            double s = score(fb, fn, a, vn[y].pos, &mp);
            offer(&bb[x], y, s);
            offer(&bn[y], x, s);
        }
    }
    for (uint32_t x = 0; x < ci; x++) {
        uint32_t y = bb[x].who;
        if (y == NONE)
            continue;
        if (bn[y].who != x || bb[x].top - bb[x].second < MARGIN ||
            bn[y].top - bn[y].second < MARGIN)
            p->fp_ambiguous++;
        else if (bb[x].top < THRESH)
            p->fp_weak++;
        else    /* linked after the round: every score of a round sees the same pairs */
            r->found[r->made++] = (sigpos){ vn[y].pos, vb[x].pos };
    }
}

/* Runs of equal .sig in both sorted arrays, each pair of runs handed to
 * fp_block; a run pair too large to score is split once more by how many
 * distinct functions each calls (SPLIT), or else left unpaired. */
static void fp_runs(round *r, sigpos *vb, uint32_t nb, sigpos *vn, uint32_t nn, int split)
{
    uint32_t i = 0, j = 0;
    while (i < nb && j < nn) {
        if (vb[i].sig != vn[j].sig) {
            vb[i].sig < vn[j].sig ? i++ : j++;
            continue;
        }
        uint32_t ci = 1, cj = 1;
        while (i + ci < nb && vb[i + ci].sig == vb[i].sig)
            ci++;
        while (j + cj < nn && vn[j + cj].sig == vn[j].sig)
            cj++;
        if ((uint64_t)ci * cj <= MAX_BLOCK) {
            fp_block(r, vb + i, ci, vn + j, cj);
        } else if (split) {
            /* An instrumented build keeps the calls: their count is a key
             * that survives where size and locals do not. */
            for (uint32_t k = 0; k < ci; k++) {
                const feat *f = &r->fb->f[vb[i + k].pos];
                vb[i + k].sig = (uint64_t)f->ncallee + f->nimp;
            }
            for (uint32_t k = 0; k < cj; k++) {
                const feat *f = &r->fn->f[vn[j + k].pos];
                vn[j + k].sig = (uint64_t)f->ncallee + f->nimp;
            }
            qsort(vb + i, ci, sizeof *vb, cmp_sigpos);
            qsort(vn + j, cj, sizeof *vn, cmp_sigpos);
            fp_runs(r, vb + i, ci, vn + j, cj, 0);
        } else {
            r->p->fp_skipped += ci + cj;
        }
        i += ci;
        j += cj;
    }
}

/* One round over every signature group; returns the pairs it made. */
static uint32_t fp_round(round *r, sigpos *vb, sigpos *vn)
{
    fs_pairing *p = r->p;
    fside *fn = (fside *)r->fn;
    uint32_t nb = unpaired_by_sig(r->fb, p->b2n, vb), nn = unpaired_by_sig(fn, p->n2b, vn);
    p->fp_ambiguous = p->fp_weak = p->fp_skipped = 0;
    for (uint32_t k = 0; k < nn; k++) {
        feat *f = &fn->f[vn[k].pos];
        f->pcallee = count_paired(fn->pool32 + f->callee, f->ncallee, p->n2b);
        f->pcaller = count_paired(fn->pool32 + f->caller, f->ncaller, p->n2b);
    }
    r->made = 0;
    fp_runs(r, vb, nb, vn, nn, 1);
    for (uint32_t k = 0; k < r->made; k++)
        link_pair(p, r->found[k].pos, (uint32_t)r->found[k].sig, FS_PAIR_FINGERPRINT);
    return r->made;
}

static int by_fingerprint(fs_pairing *p, const fs_pair_side *b, const fs_pair_side *n)
{
    fside fb, fn;
    memset(&fb, 0, sizeof fb);
    memset(&fn, 0, sizeof fn);
    fb.s = b;
    fn.s = n;
    size_t most = b->n > n->n ? b->n : n->n;
    sigpos *vb = malloc(((size_t)b->n + 1) * sizeof *vb), *vn = malloc(((size_t)n->n + 1) * sizeof *vn);
    best *bb = malloc((most + 1) * sizeof *bb), *bn = malloc((most + 1) * sizeof *bn);
    uint32_t *mc = NULL, *mr = NULL;
    sigpos *found = malloc((most + 1) * sizeof *found);   /* a round's pairs: (new, base) */
    int st = !vb || !vn || !bb || !bn || !found ? FS_ERR_NOMEM : FS_OK;
    if (!st)
        st = features(&fb, p->b2n);
    if (!st)
        st = features(&fn, p->n2b);
    if (!st && (!(mc = malloc(((size_t)fb.maxlist + 1) * sizeof *mc)) ||
                !(mr = malloc(((size_t)fb.maxlist + 1) * sizeof *mr))))
        st = FS_ERR_NOMEM;
    /* A round's pairs change the neighbour sets the next round compares. */
    round r = { p, &fb, &fn, bb, bn, mc, mr, found, 0 };
    while (!st && p->fp_rounds < MAX_ROUNDS) {
        p->fp_rounds++;
        if (!fp_round(&r, vb, vn))
            break;
    }
    free(fb.f);
    free(fb.pool32);
    free(fb.pool64);
    free(fn.f);
    free(fn.pool32);
    free(fn.pool64);
    free(vb);
    free(vn);
    free(bb);
    free(bn);
    free(mc);
    free(mr);
    free(found);
    return st;
}

/* ------------------------------------------------------------ by index */

static int by_index(fs_pairing *p, const fs_pair_side *b, const fs_pair_side *n)
{
    uint32_t top = 0;
    for (uint32_t k = 0; k < n->n; k++)
        top = n->index[k] > top ? n->index[k] : top;
    uint32_t *at = malloc(((size_t)top + 1) * sizeof *at);
    if (!at)
        return FS_ERR_NOMEM;
    for (uint32_t k = 0; k <= top; k++)
        at[k] = NONE;
    for (uint32_t k = 0; k < n->n; k++)
        if (p->n2b[k] == NONE && at[n->index[k]] == NONE)
            at[n->index[k]] = k;
    for (uint32_t k = 0; k < b->n; k++) {
        uint32_t idx = b->index[k];
        if (p->b2n[k] == NONE && idx <= top && at[idx] != NONE) {
            link_pair(p, k, at[idx], FS_PAIR_INDEX);
            at[idx] = NONE;
        }
    }
    free(at);
    return FS_OK;
}

/* ------------------------------------------------------------ driver */

int fs_pair_run(fs_pairing *p, const fs_pair_side *bside, const fs_pair_side *nside,
                const fs_pair_stages *stages, fs_error *err)
{
    /* a module whose defined functions are not the side's n is no module */
    fs_pair_side sb = *bside, sn = *nside;
    if (sb.m && fs_wasm_ndefined(sb.m) != sb.n)
        sb.m = NULL;
    if (sn.m && fs_wasm_ndefined(sn.m) != sn.n)
        sn.m = NULL;
    const fs_pair_side *b = &sb, *n = &sn;
    memset(p, 0, sizeof *p);
    p->nb = b->n;
    p->nn = n->n;
    p->b2n = malloc(((size_t)b->n + 1) * sizeof *p->b2n);
    p->n2b = malloc(((size_t)n->n + 1) * sizeof *p->n2b);
    p->how_b = calloc((size_t)b->n + 1, 1);
    if (!p->b2n || !p->n2b || !p->how_b) {
        fs_pairing_free(p);
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory");
    }
    memset(p->b2n, 0xff, (size_t)b->n * sizeof *p->b2n);
    memset(p->n2b, 0xff, (size_t)n->n * sizeof *p->n2b);
    int st = FS_OK;
    for (unsigned k = 0; !st && k < stages->n; k++) {
        switch (stages->stage[k]) {
        case FS_PAIR_NAME:
            st = by_name(p, b, n);
            break;
        case FS_PAIR_BODY:
        case FS_PAIR_FINGERPRINT:
            if (p->count[FS_PAIR_NAME] + p->count[FS_PAIR_BODY] + p->count[FS_PAIR_BODY_ORDER] +
                p->count[FS_PAIR_FINGERPRINT] + p->count[FS_PAIR_INDEX] ==
                (b->n < n->n ? b->n : n->n))
                break;      /* one side has nothing left to pair */
            if (!b->m || !n->m) {
                p->no_bodies = 1;
                break;
            }
            st = stages->stage[k] == FS_PAIR_BODY ? by_body(p, b, n) : by_fingerprint(p, b, n);
            break;
        case FS_PAIR_INDEX:
            st = by_index(p, b, n);
            break;
        default:
            break;
        }
    }
    if (st) {
        fs_pairing_free(p);
        return fs_error_setf(err, st, st == FS_ERR_NOMEM ? "out of memory"
                                                         : "pairing: a body does not decode");
    }
    for (uint32_t k = 0; k < b->n; k++)
        p->unpaired_base += p->b2n[k] == NONE;
    for (uint32_t k = 0; k < n->n; k++)
        p->unpaired_new += p->n2b[k] == NONE;
    return FS_OK;
}
