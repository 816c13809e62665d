/* culprits.c - the reachability graph of culprits.h, its dominator tree
 * (Lengauer-Tarjan, simple version: path compression without balancing),
 * and the decisions read off it.
 *
 * Everything works in DFS-preorder numbers once the graph is walked: the
 * immediate dominator of a node precedes it in preorder, so subtree sums
 * are one backward sweep.
 */
#include "culprits.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* The explicit graph: successors and predecessors in CSR form. */
typedef struct dg {
    uint32_t  n, m;
    uint32_t *src, *dst;    /* edge list while building (NULL: counting) */
    uint32_t *off, *adj;    /* successors */
    uint32_t *poff, *padj;  /* predecessors */
} dg;

typedef struct ctx {
    const fs_culprits_input *in;
    const fs_wasm_module *m;
    const fs_closure *c;
    const fs_graph *g;
    uint32_t nf, tbase, any, ebase, ne;
    uint32_t *e_val;        /* E node j: root function, or call: spec index */
    uint8_t  *e_spec;       /* E node j is a call: spec */
    uint8_t **spec_sites;   /* per spec: its call sites (call: specs only) */
    dg        d;
} ctx;

static void edge(dg *d, uint32_t a, uint32_t b)
{
    if (d->src) {
        d->src[d->m] = a;
        d->dst[d->m] = b;
    }
    d->m++;
}

static uint32_t fnode(uint32_t f)
{
    return 1 + f;
}

/* Emits every edge (culprits.h has the list). */
static void emit_edges(ctx *x)
{
    const fs_wasm_module *m = x->m;
    const fs_closure *c = x->c;
    const fs_graph *g = x->g;
    dg *d = &x->d;
    d->m = 0;
    for (uint32_t j = 0; j < x->ne; j++) {
        edge(d, 0, x->ebase + j);
        if (!x->e_spec[j]) {
            edge(d, x->ebase + j, fnode(x->e_val[j]));
            continue;
        }
        const uint8_t *sites = x->spec_sites[x->e_val[j]];
        for (uint32_t s = 0; s < m->ncalls; s++)
            if (sites[s] && c->runtime[g->owner[s]] != FS_RUNTIME_TOP)
                edge(d, x->ebase + j, fnode(g->owner[s]));
    }
    for (uint32_t k = 0; k < m->ntypes; k++) {
        if (g->ind_off[k] == g->ind_off[k + 1] || c->policy == FS_POLICY_NONE)
            continue;
        int any = 0;
        for (uint32_t i = g->ind_off[k]; i < g->ind_off[k + 1]; i++) {
            uint32_t s = g->ind[i];
            if (c->runtime[g->owner[s]] == FS_RUNTIME_TOP ||
                (c->policy == FS_POLICY_ASYNCIFY && m->calls[s].kind >= FS_CALL_REF))
                continue;
            edge(d, x->tbase + k, fnode(g->owner[s]));
            any = 1;
        }
        if (c->policy == FS_POLICY_ASYNCIFY && any)
            edge(d, 0, x->tbase + k);
        if (c->policy == FS_POLICY_TABLE)
            edge(d, x->any, x->tbase + k);
    }
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        if (c->runtime[f] == FS_RUNTIME_TOP)
            continue;   /* never entered, so it leads nowhere */
        for (uint32_t i = g->rev_off[f]; i < g->rev_off[f + 1]; i++) {
            uint32_t s = g->rev[i];
            if (c->runtime[g->owner[s]] != FS_RUNTIME_TOP)
                edge(d, fnode(f), fnode(g->owner[s]));
        }
        if (!(m->funcs[f].flags & FS_FUNC_ADDRESS_TAKEN))
            continue;
        if (c->policy == FS_POLICY_TABLE)
            edge(d, fnode(f), x->any);
        else if (c->policy == FS_POLICY_TYPED)
            for (uint32_t t = m->funcs[f].type; t != UINT32_MAX; t = m->types[t].super)
                if (g->ind_off[m->types[t].canon] < g->ind_off[m->types[t].canon + 1])
                    edge(d, fnode(f), x->tbase + m->types[t].canon);
    }
}

/* Counting sort of the edge list into OFF/ADJ by KEY. */
static int csr(uint32_t n, uint32_t mm, const uint32_t *key, const uint32_t *val, uint32_t **off,
               uint32_t **adj)
{
    *off = calloc((size_t)n + 2, sizeof **off);
    *adj = malloc(((size_t)mm + 1) * sizeof **adj);
    if (!*off || !*adj)
        return -1;
    for (uint32_t e = 0; e < mm; e++)
        (*off)[key[e] + 2]++;
    for (uint32_t v = 0; v < n; v++)
        (*off)[v + 2] += (*off)[v + 1];
    for (uint32_t e = 0; e < mm; e++)
        (*adj)[(*off)[key[e] + 1]++] = val[e];
    return 0;
}

static int build_graph(ctx *x)
{
    dg *d = &x->d;
    d->n = x->ebase + x->ne;
    emit_edges(x);
    d->src = malloc(((size_t)d->m + 1) * sizeof *d->src);
    d->dst = malloc(((size_t)d->m + 1) * sizeof *d->dst);
    if (!d->src || !d->dst)
        return -1;
    emit_edges(x);
    int st = csr(d->n, d->m, d->src, d->dst, &d->off, &d->adj) |
             csr(d->n, d->m, d->dst, d->src, &d->poff, &d->padj);
    free(d->src);
    free(d->dst);
    d->src = d->dst = NULL;
    return st;
}

/* Dominator data in preorder numbers. */
typedef struct dom {
    uint32_t  cnt;          /* reachable nodes */
    uint32_t *dfn;          /* node -> preorder, or NONE */
    uint32_t *vert;         /* preorder -> node */
    uint32_t *parent, *semi, *label, *anc, *idom, *bhead, *bnext, *stk;
    uint32_t *tin, *tout;   /* dominator-tree intervals, by preorder */
} dom;

static void dom_free(dom *t)
{
    free(t->dfn);
    free(t->vert);
    free(t->parent);
    free(t->semi);
    free(t->label);
    free(t->anc);
    free(t->idom);
    free(t->bhead);
    free(t->bnext);
    free(t->stk);
    free(t->tin);
    free(t->tout);
}

static int dfs(const dg *d, dom *t)
{
    size_t n = (size_t)d->n + 1;
    uint32_t **arrs[] = { &t->dfn, &t->vert, &t->parent, &t->semi, &t->label, &t->anc,
                          &t->idom, &t->bhead, &t->bnext, &t->stk, &t->tin, &t->tout };
    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++)
        if (!(*arrs[i] = malloc(n * sizeof **arrs[i])))
            return -1;
    uint32_t *pos = t->tin;     /* edge cursor per stack entry, reused */
    memset(t->dfn, 0xff, n * sizeof *t->dfn);
    uint32_t sp = 0;
    t->cnt = 0;
    t->dfn[0] = t->cnt;
    t->vert[t->cnt] = 0;
    t->parent[t->cnt++] = NONE;
    t->stk[sp] = 0;
    pos[sp++] = d->off[0];
    while (sp) {
        uint32_t v = t->stk[sp - 1];
        if (pos[sp - 1] == d->off[v + 1]) {
            sp--;
            continue;
        }
        uint32_t w = d->adj[pos[sp - 1]++];
        if (t->dfn[w] != NONE)
            continue;
        t->dfn[w] = t->cnt;
        t->vert[t->cnt] = w;
        t->parent[t->cnt++] = t->dfn[v];
        t->stk[sp] = w;
        pos[sp++] = d->off[w];
    }
    return 0;
}

static uint32_t eval(dom *t, uint32_t v)
{
    if (t->anc[v] == NONE)
        return v;
    uint32_t sp = 0, x = v;
    while (t->anc[t->anc[x]] != NONE) {
        t->stk[sp++] = x;
        x = t->anc[x];
    }
    while (sp) {
        uint32_t y = t->stk[--sp], a = t->anc[y];
        if (t->semi[t->label[a]] < t->semi[t->label[y]])
            t->label[y] = t->label[a];
        t->anc[y] = t->anc[a];
    }
    return t->label[v];
}

static void lengauer_tarjan(const dg *d, dom *t)
{
    uint32_t n = t->cnt;
    for (uint32_t i = 0; i < n; i++) {
        t->semi[i] = t->label[i] = i;
        t->anc[i] = t->bhead[i] = NONE;
    }
    for (uint32_t i = n; i-- > 1;) {
        uint32_t w = t->vert[i];
        for (uint32_t e = d->poff[w]; e < d->poff[w + 1]; e++) {
            uint32_t p = t->dfn[d->padj[e]];
            if (p == NONE)
                continue;
            uint32_t u = eval(t, p);
            if (t->semi[u] < t->semi[i])
                t->semi[i] = t->semi[u];
        }
        t->bnext[i] = t->bhead[t->semi[i]];
        t->bhead[t->semi[i]] = i;
        uint32_t par = t->parent[i];
        t->anc[i] = par;
        for (uint32_t v = t->bhead[par]; v != NONE; v = t->bnext[v]) {
            uint32_t u = eval(t, v);
            t->idom[v] = t->semi[u] < t->semi[v] ? u : par;
        }
        t->bhead[par] = NONE;
    }
    t->idom[0] = NONE;
    for (uint32_t i = 1; i < n; i++)
        if (t->idom[i] != t->semi[i])
            t->idom[i] = t->idom[t->idom[i]];
}

/* Intervals of the dominator tree: Y is in X's subtree iff
 * tin[x] <= tin[y] && tin[y] <= tout[x].  Children lists reuse
 * bhead/bnext (free after Lengauer-Tarjan). */
static void intervals(dom *t)
{
    uint32_t n = t->cnt, clock = 0, sp = 0;
    for (uint32_t i = 0; i < n; i++)
        t->bhead[i] = NONE;
    for (uint32_t i = n; i-- > 1;) {
        t->bnext[i] = t->bhead[t->idom[i]];
        t->bhead[t->idom[i]] = i;
    }
    t->stk[sp++] = 0;
    t->tin[0] = clock++;
    while (sp) {
        uint32_t v = t->stk[sp - 1];
        uint32_t ch = t->bhead[v];
        if (ch == NONE) {
            t->tout[v] = clock - 1;
            sp--;
            continue;
        }
        t->bhead[v] = t->bnext[ch];   /* consume the child */
        t->tin[ch] = clock++;
        t->stk[sp++] = ch;
    }
}

static int add(fs_culprits *cu, const fs_culprit *one)
{
    if (cu->n == cu->cap) {
        uint32_t cap = cu->cap ? cu->cap * 2 : 256;
        fs_culprit *ni = realloc(cu->items, (size_t)cap * sizeof *ni);
        if (!ni)
            return -1;
        cu->items = ni;
        cu->cap = cap;
    }
    cu->items[cu->n++] = *one;
    return 0;
}

/* Subtree sums over closure functions, by preorder. */
typedef struct sums {
    uint32_t *fn, *mfn;
    int64_t  *bytes, *meas;
} sums;

static int subtree_sums(const ctx *x, const dom *t, sums *s)
{
    uint32_t n = t->cnt;
    s->fn = calloc((size_t)n + 1, sizeof *s->fn);
    s->mfn = calloc((size_t)n + 1, sizeof *s->mfn);
    s->bytes = calloc((size_t)n + 1, sizeof *s->bytes);
    s->meas = calloc((size_t)n + 1, sizeof *s->meas);
    if (!s->fn || !s->mfn || !s->bytes || !s->meas)
        return -1;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = t->vert[i];
        if (v < 1 || v > x->nf || !x->c->in[v - 1])
            continue;
        uint32_t f = v - 1;
        s->fn[i] = 1;
        s->bytes[i] = (int64_t)x->in->weight[f];
        if (x->in->measured && x->in->measured[f]) {
            s->mfn[i] = 1;
            s->meas[i] = x->in->delta[f];
        }
    }
    for (uint32_t i = n; i-- > 1;) {
        uint32_t p = t->idom[i];
        s->fn[p] += s->fn[i];
        s->mfn[p] += s->mfn[i];
        s->bytes[p] += s->bytes[i];
        s->meas[p] += s->meas[i];
    }
    return 0;
}

static void fill(fs_culprit *o, const sums *s, uint32_t i)
{
    o->functions = s->fn[i];
    o->bytes = s->bytes[i];
    o->measured = s->meas[i];
    o->measured_functions = s->mfn[i];
}

/* Roots, call: specs, types and edges, off the dominator tree. */
static int tree_decisions(const ctx *x, const dom *t, const sums *s, fs_culprits *cu)
{
    const fs_wasm_module *m = x->m;
    const fs_graph *g = x->g;
    for (uint32_t j = 0; j < x->ne; j++) {
        uint32_t i = t->dfn[x->ebase + j];
        if (i == NONE)
            continue;
        fs_culprit o = { 0 };
        o.kind = x->e_spec[j] ? FS_CULPRIT_CALLROOT : FS_CULPRIT_ROOT;
        o.a = x->e_val[j];
        if (x->e_spec[j])
            o.sites = x->in->specs[o.a].matched;
        else
            o.sites = g->rev_off[o.a + 1] - g->rev_off[o.a];
        fill(&o, s, i);
        if (add(cu, &o))
            return -1;
    }
    for (uint32_t k = 0; k < m->ntypes; k++) {
        uint32_t i = t->dfn[x->tbase + k];
        if (i == NONE)
            continue;
        fs_culprit o = { 0 };
        o.kind = FS_CULPRIT_TYPE;
        o.a = k;
        o.sites = (uint32_t)(x->d.off[x->tbase + k + 1] - x->d.off[x->tbase + k]);
        /* owners: distinct closure functions among the edge targets */
        uint32_t last = NONE;
        for (uint32_t e = x->d.off[x->tbase + k]; e < x->d.off[x->tbase + k + 1]; e++) {
            uint32_t f = x->d.adj[e] - 1;
            if (f != last && x->c->in[f])
                o.owners++;
            last = f;
        }
        fill(&o, s, i);
        if (add(cu, &o))
            return -1;
    }
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        uint32_t u = fnode(f), iu = t->dfn[u];
        if (iu == NONE || !x->c->in[f])
            continue;
        uint32_t first = NONE;
        int unique = 1, via_spec = 0;
        for (uint32_t e = x->d.poff[u]; e < x->d.poff[u + 1] && unique; e++) {
            uint32_t p = x->d.padj[e], ip = t->dfn[p];
            if (ip == NONE || (t->tin[iu] <= t->tin[ip] && t->tin[ip] <= t->tout[iu]))
                continue;   /* unreached, or inside u's own subtree */
            if (p >= x->ebase && x->e_spec[p - x->ebase]) {
                via_spec = 1;   /* a call: root's sites in u: checked below */
                continue;
            }
            if (first == NONE)
                first = p;
            else if (p != first)
                unique = 0;
        }
        if (!unique || first == NONE || first == 0 || first >= x->any)
            continue;       /* several ways in, or a root's own edge */
        /* A call: root whose sites in u all call the same callee is the
         * same edge: removing u's calls to it removes both reasons. */
        for (uint32_t e = x->d.poff[u]; via_spec && e < x->d.poff[u + 1] && unique; e++) {
            uint32_t p = x->d.padj[e];
            if (p < x->ebase || !x->e_spec[p - x->ebase] || t->dfn[p] == NONE)
                continue;
            const uint8_t *sites = x->spec_sites[x->e_val[p - x->ebase]];
            const fs_func *fu = &m->funcs[f];
            for (uint32_t c = fu->calls; c < fu->calls + fu->ncalls; c++)
                if (sites[c] && (first > x->nf || m->calls[c].target != first - 1))
                    unique = 0;
        }
        if (!unique)
            continue;
        fs_culprit o = { 0 };
        o.a = f;
        const fs_func *fn = &m->funcs[f];
        if (first <= x->nf) {
            o.kind = FS_CULPRIT_EDGE;
            o.b = first - 1;
            for (uint32_t c = fn->calls; c < fn->calls + fn->ncalls; c++)
                o.sites += !fs_call_is_indirect(m->calls[c].kind) && m->calls[c].target == o.b;
        } else {
            o.kind = FS_CULPRIT_EDGE_TYPE;
            o.b = first - x->tbase;
            for (uint32_t c = fn->calls; c < fn->calls + fn->ncalls; c++)
                o.sites += fs_call_is_indirect(m->calls[c].kind) &&
                           m->types[m->calls[c].target].canon == o.b;
        }
        fill(&o, s, iu);
        if (add(cu, &o))
            return -1;
    }
    return 0;
}

/* The stricter policies, each recomputed and re-priced. */
static int policy_decisions(const ctx *x, fs_culprits *cu, fs_error *err)
{
    const fs_wasm_module *m = x->m;
    const fs_culprits_input *in = x->in;
    fs_root_spec *specs = malloc(((size_t)in->nspecs + 1) * sizeof *specs);
    fs_cost *costs = malloc(((size_t)m->nfuncs + 1) * sizeof *costs);
    if (!specs || !costs) {
        free(specs);
        free(costs);
        return FS_ERR_NOMEM;
    }
    int st = FS_OK;
    for (int p = (int)x->c->policy + 1; p <= FS_POLICY_NONE && st == FS_OK; p++) {
        fs_roots_copy(specs, in->specs, in->nspecs);
        fs_closure c2;
        if ((st = fs_closure_compute(&c2, x->g, specs, in->nspecs, (fs_policy)p, err)))
            break;
        fs_cost_estimate(m, &c2, in->profile, costs, NULL);
        fs_culprit o = { 0 };
        o.kind = FS_CULPRIT_POLICY;
        o.a = (uint32_t)p;
        int64_t after = 0;
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
            if (c2.in[f])
                after += (int64_t)costs[f].total;
            if (c2.in[f] && !x->c->in[f])
                o.joined++;
            if (!c2.in[f] && x->c->in[f]) {
                o.functions++;
                if (in->measured && in->measured[f]) {
                    o.measured_functions++;
                    o.measured += in->delta[f];
                }
            }
        }
        o.bytes = (int64_t)cu->closure_bytes - after;
        fs_closure_free(&c2);
        if (add(cu, &o))
            st = FS_ERR_NOMEM;
    }
    free(specs);
    free(costs);
    return st;
}

static int named_like_fork(const fs_func *fn)
{
    for (uint32_t i = 0; fn->name && i + 4 <= fn->name_len; i++)
        if (tolower((unsigned char)fn->name[i]) == 'f' &&
            tolower((unsigned char)fn->name[i + 1]) == 'o' &&
            tolower((unsigned char)fn->name[i + 2]) == 'r' &&
            tolower((unsigned char)fn->name[i + 3]) == 'k')
            return 1;
    return 0;
}

#define MAX_SITEROOTS 32

/* call:CALLER->IMPORT instead of an import root, for callers named like
 * fork: reachability again, without S -> E_r and with the caller as a
 * source. */
static int siteroot_decisions(const ctx *x, fs_culprits *cu)
{
    const fs_wasm_module *m = x->m;
    const fs_graph *g = x->g;
    const dg *d = &x->d;
    uint8_t *seen = malloc((size_t)d->n + 1);
    uint32_t *queue = malloc(((size_t)d->n + 1) * sizeof *queue);
    uint32_t *stamp = calloc((size_t)m->nfuncs + 1, sizeof *stamp);
    int st = (seen && queue && stamp) ? 0 : -1;
    uint32_t made = 0;
    for (uint32_t j = 0; j < x->ne && st == 0 && made < MAX_SITEROOTS; j++) {
        uint32_t r = x->e_val[j];
        if (x->e_spec[j] || r >= m->nfunc_imports)
            continue;
        for (uint32_t i = g->rev_off[r]; i < g->rev_off[r + 1] && made < MAX_SITEROOTS; i++) {
            uint32_t u = g->owner[g->rev[i]];
            if (stamp[u] == j + 1 || !x->c->in[u] || !named_like_fork(&m->funcs[u]))
                continue;
            stamp[u] = j + 1;
            memset(seen, 0, d->n);
            uint32_t head = 0, tail = 0;
            seen[0] = seen[x->ebase + j] = 1;
            queue[tail++] = 0;
            if (!seen[fnode(u)]) {
                seen[fnode(u)] = 1;
                queue[tail++] = fnode(u);
            }
            while (head < tail) {
                uint32_t v = queue[head++];
                for (uint32_t e = d->off[v]; e < d->off[v + 1]; e++)
                    if (!seen[d->adj[e]]) {
                        seen[d->adj[e]] = 1;
                        queue[tail++] = d->adj[e];
                    }
            }
            fs_culprit o = { 0 };
            o.kind = FS_CULPRIT_SITEROOT;
            o.a = u;
            o.b = r;
            const fs_func *fn = &m->funcs[u];
            for (uint32_t c = fn->calls; c < fn->calls + fn->ncalls; c++)
                o.sites += !fs_call_is_indirect(m->calls[c].kind) && m->calls[c].target == r;
            for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
                if (!x->c->in[f] || seen[fnode(f)])
                    continue;
                o.functions++;
                o.bytes += (int64_t)x->in->weight[f];
                if (x->in->measured && x->in->measured[f]) {
                    o.measured_functions++;
                    o.measured += x->in->delta[f];
                }
            }
            made++;
            if (add(cu, &o))
                st = -1;
        }
    }
    free(seen);
    free(queue);
    free(stamp);
    return st;
}

static int by_rank(const void *pa, const void *pb)
{
    const fs_culprit *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    if (a->functions != b->functions)
        return a->functions > b->functions ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* The E nodes: one per root function, one per call: spec. */
static int layout(ctx *x)
{
    const fs_wasm_module *m = x->m;
    const fs_closure *c = x->c;
    x->nf = m->nfuncs;
    x->tbase = 1 + x->nf;
    x->any = x->tbase + m->ntypes;
    x->ebase = x->any + 1;
    size_t cap = (size_t)m->nfuncs + x->in->nspecs + 1;
    x->e_val = malloc(cap * sizeof *x->e_val);
    x->e_spec = calloc(cap, 1);
    x->spec_sites = calloc((size_t)x->in->nspecs + 1, sizeof *x->spec_sites);
    if (!x->e_val || !x->e_spec || !x->spec_sites)
        return -1;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (c->is_root[f] && c->runtime[f] != FS_RUNTIME_TOP)
            x->e_val[x->ne++] = f;
    for (unsigned i = 0; i < x->in->nspecs; i++) {
        if (x->in->specs[i].kind != FS_ROOT_CALL)
            continue;
        fs_root_spec one;
        fs_roots_copy(&one, &x->in->specs[i], 1);
        if (!(x->spec_sites[i] = calloc((size_t)m->ncalls + 1, 1)))
            return -1;
        if (fs_roots_match_sites(m, &one, 1, x->spec_sites[i]) == UINT32_MAX)
            return -1;
        x->e_spec[x->ne] = 1;
        x->e_val[x->ne++] = i;
    }
    return 0;
}

int fs_culprits_compute(const fs_culprits_input *in, fs_culprits *out, fs_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    ctx x;
    memset(&x, 0, sizeof x);
    x.in = in;
    x.g = in->g;
    x.m = in->g->m;
    x.c = in->c;
    dom t;
    memset(&t, 0, sizeof t);
    sums s;
    memset(&s, 0, sizeof s);
    int st = FS_ERR_NOMEM;
    for (uint32_t f = x.m->nfunc_imports; f < x.m->nfuncs; f++)
        if (x.c->in[f]) {
            out->closure++;
            out->closure_bytes += in->weight[f];
        }
    if (layout(&x) || build_graph(&x) || dfs(&x.d, &t))
        goto done;
    out->nodes = x.d.n;
    out->edges = x.d.m;
    for (uint32_t f = 0; f < x.nf; f++)
        out->mismatch += (t.dfn[fnode(f)] != NONE) != (x.c->unwinds[f] != 0);
    lengauer_tarjan(&x.d, &t);
    intervals(&t);
    if (subtree_sums(&x, &t, &s) || tree_decisions(&x, &t, &s, out) ||
        siteroot_decisions(&x, out))
        goto done;
    if ((st = policy_decisions(&x, out, err)))
        goto done;
    qsort(out->items, out->n, sizeof *out->items, by_rank);
    for (uint32_t i = 0, k = 0; k <= FS_CULPRIT_NKINDS; k++) {
        while (i < out->n && out->items[i].kind < k)
            i++;
        out->kind_off[k] = i;
    }
    st = FS_OK;
done:
    dom_free(&t);
    free(s.fn);
    free(s.mfn);
    free(s.bytes);
    free(s.meas);
    free(x.d.off);
    free(x.d.adj);
    free(x.d.poff);
    free(x.d.padj);
    free(x.d.src);
    free(x.d.dst);
    for (unsigned i = 0; x.spec_sites && i < in->nspecs; i++)
        free(x.spec_sites[i]);
    free(x.spec_sites);
    free(x.e_val);
    free(x.e_spec);
    if (st) {
        fs_culprits_free(out);
        if (!err->msg[0])
            snprintf(err->msg, sizeof err->msg, "out of memory ranking the culprits");
    }
    return st;
}

void fs_culprits_free(fs_culprits *cu)
{
    free(cu->items);
    memset(cu, 0, sizeof *cu);
}
