/* stackbound.c - longest frame-weighted path, or the cycle that makes it
 * unbounded, in one iterative depth-first walk.
 *
 * Nodes are the functions plus one virtual node per canonical type: an
 * indirect site that can unwind leads to its type's node, which leads to
 * every address-taken closure function of that type (or a subtype).  The
 * virtual node weighs nothing, and it keeps the walk linear where a
 * table has thousands of targets and thousands of sites call through it.
 * The post-order of the walk is a topological order of what it reached
 * (when no back edge was seen), so the longest path from each node is
 * computed as the node is finished.
 */
#include "stackbound.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fs_stack_frames_estimate(const fs_wasm_module *m, const fs_closure *c, uint32_t *frame)
{
    static const uint32_t bytes[FS_VK_COUNT] = { 4, 8, 4, 8, 16, 0 };
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        frame[f] = 0;
        if (f < m->nfunc_imports || !c->in[f])
            continue;
        uint64_t b = 4;
        for (int k = 0; k < FS_VK_COUNT; k++)
            b += (uint64_t)bytes[k] * m->funcs[f].nlocals_kind[k];
        frame[f] = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
    }
}

typedef struct walk {
    const fs_closure *c;
    const fs_graph   *g;
    const fs_wasm_module *m;
    const uint32_t   *frame;
    uint32_t  n;            /* functions + canonical-type nodes */
    uint32_t *t_off, *t_fn; /* type node -> address-taken closure functions */
    uint8_t  *color;        /* 0 unseen, 1 on the stack, 2 finished */
    uint64_t *best;         /* heaviest path from the node */
    uint32_t *bnext;        /* its next node, or UINT32_MAX */
    uint32_t *stk, *pos;    /* the DFS stack: node and its next edge */
    uint32_t  depth;
} walk;

/* The type nodes' target lists (counting sort by canonical type). */
static int type_targets(walk *w)
{
    const fs_wasm_module *m = w->m;
    w->t_off = calloc((size_t)m->ntypes + 2, sizeof *w->t_off);
    if (!w->t_off)
        return -1;
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
            if (!w->c->in[f] || !(m->funcs[f].flags & FS_FUNC_ADDRESS_TAKEN))
                continue;
            for (uint32_t t = m->funcs[f].type; t != UINT32_MAX; t = m->types[t].super) {
                uint32_t k = m->types[t].canon;
                if (pass == 0) {
                    w->t_off[k + 1]++;
                    total++;
                } else {
                    w->t_fn[w->t_off[k]++] = f;
                }
            }
        }
        if (pass == 0) {
            for (uint32_t k = 0; k < m->ntypes; k++)
                w->t_off[k + 1] += w->t_off[k];
            w->t_fn = malloc((total + 1) * sizeof *w->t_fn);
            if (!w->t_fn)
                return -1;
        }
    }
    /* The second pass advanced every start to the next list's start. */
    memmove(w->t_off + 1, w->t_off, (size_t)m->ntypes * sizeof *w->t_off);
    w->t_off[0] = 0;
    return 0;
}

/* The next successor of node V from edge position *p, or UINT32_MAX. */
static uint32_t next_succ(const walk *w, uint32_t v, uint32_t *p)
{
    const fs_wasm_module *m = w->m;
    if (v >= m->nfuncs) {
        uint32_t k = v - m->nfuncs;
        if (w->t_off[k] + *p < w->t_off[k + 1])
            return w->t_fn[w->t_off[k] + (*p)++];
        return UINT32_MAX;
    }
    const fs_func *fn = &m->funcs[v];
    while (*p < fn->ncalls) {
        uint32_t s = fn->calls + (*p)++;
        if (!fs_closure_site_unwinds(w->c, w->g, s))
            continue;
        const fs_call *call = &m->calls[s];
        if (fs_call_is_indirect(call->kind)) {
            uint32_t k = m->types[call->target].canon;
            if (w->t_off[k] < w->t_off[k + 1])
                return m->nfuncs + k;
        } else if (w->c->in[call->target]) {
            return call->target;
        }
    }
    return UINT32_MAX;
}

/* Node S (finished) is a successor of V: keep the heavier. */
static void relax(walk *w, uint32_t v, uint32_t s)
{
    if (w->bnext[v] == UINT32_MAX || w->best[s] > w->best[v]) {
        w->best[v] = w->best[s];
        w->bnext[v] = s;
    }
}

static int push_path(uint32_t **arr, uint32_t *n, uint32_t cap)
{
    *arr = malloc(((size_t)cap + 1) * sizeof **arr);
    *n = 0;
    return *arr ? 0 : -1;
}

/* Depth-first from ROOT.  Returns 1 when a cycle was found (out filled),
 * 0 otherwise, -1 without memory. */
static int dfs(walk *w, uint32_t root, fs_stack_bound *out)
{
    uint32_t nf = w->m->nfuncs;
    w->depth = 0;
    w->stk[w->depth] = root;
    w->pos[w->depth++] = 0;
    w->color[root] = 1;
    while (w->depth) {
        uint32_t v = w->stk[w->depth - 1];
        uint32_t s = next_succ(w, v, &w->pos[w->depth - 1]);
        if (s == UINT32_MAX) {
            /* Finished: every successor is finished too. */
            w->color[v] = 2;
            w->best[v] += v < nf ? w->frame[v] : 0;
            w->depth--;
            if (w->depth)
                relax(w, w->stk[w->depth - 1], v);
            continue;
        }
        if (w->color[s] == 1) {
            /* A back edge: the stack from s up to v is the cycle, and
             * below s the path that reaches it. */
            uint32_t at = w->depth - 1;
            while (w->stk[at] != s)
                at--;
            if (push_path(&out->cycle, &out->ncycle, w->depth - at) ||
                push_path(&out->path, &out->npath, at + 1))
                return -1;
            for (uint32_t i = at; i < w->depth; i++)
                if (w->stk[i] < nf)
                    out->cycle[out->ncycle++] = w->stk[i];
            for (uint32_t i = 0; i <= at; i++)
                if (w->stk[i] < nf)
                    out->path[out->npath++] = w->stk[i];
            out->unbounded = 1;
            return 1;
        }
        if (w->color[s] == 0) {
            w->color[s] = 1;
            w->stk[w->depth] = s;
            w->pos[w->depth++] = 0;
            continue;
        }
        relax(w, v, s);   /* s was finished before */
    }
    return 0;
}

static int is_entry(const fs_wasm_module *m, const fs_closure *c, uint32_t f, const uint8_t *top)
{
    return c->in[f] && ((m->funcs[f].flags & FS_FUNC_EXPORTED) || m->start == f || top[f]);
}

int fs_stack_bound_compute(const fs_closure *c, const fs_graph *g, const uint32_t *frame,
                           fs_stack_bound *out, fs_error *err)
{
    const fs_wasm_module *m = g->m;
    memset(out, 0, sizeof *out);
    walk w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.g = g;
    w.m = m;
    w.frame = frame;
    w.n = m->nfuncs + m->ntypes;
    w.color = calloc((size_t)w.n + 1, 1);
    w.best = calloc((size_t)w.n + 1, sizeof *w.best);
    w.bnext = malloc(((size_t)w.n + 1) * sizeof *w.bnext);
    w.stk = malloc(((size_t)w.n + 1) * sizeof *w.stk);
    w.pos = malloc(((size_t)w.n + 1) * sizeof *w.pos);
    uint8_t *top = calloc((size_t)m->nfuncs + 1, 1);
    int st = FS_OK;
    if (!w.color || !w.best || !w.bnext || !w.stk || !w.pos || !top || type_targets(&w)) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    memset(w.bnext, 0xff, ((size_t)w.n + 1) * sizeof *w.bnext);
    /* Closure functions a runtime-top function calls are where the
     * unwind stops: entries, as exports are. */
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (c->runtime[f] != FS_RUNTIME_TOP)
            continue;
        const fs_func *fn = &m->funcs[f];
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++)
            if (!fs_call_is_indirect(m->calls[s].kind))
                top[m->calls[s].target] = 1;
    }
    uint32_t worst = UINT32_MAX;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (!is_entry(m, c, f, top))
            continue;
        out->entries++;
        if (w.color[f] == 0) {
            int r = dfs(&w, f, out);
            if (r < 0) {
                st = FS_ERR_NOMEM;
                goto done;
            }
            if (r > 0)
                goto done;
        }
        if (worst == UINT32_MAX || w.best[f] > w.best[worst])
            worst = f;
    }
    if (worst != UINT32_MAX) {
        out->bytes = w.best[worst];
        uint32_t len = 0;
        for (uint32_t v = worst; v != UINT32_MAX; v = w.bnext[v])
            len++;
        if (push_path(&out->path, &out->npath, len)) {
            st = FS_ERR_NOMEM;
            goto done;
        }
        for (uint32_t v = worst; v != UINT32_MAX; v = w.bnext[v])
            if (v < m->nfuncs)
                out->path[out->npath++] = v;
    }
done:
    free(w.t_off);
    free(w.t_fn);
    free(w.color);
    free(w.best);
    free(w.bnext);
    free(w.stk);
    free(w.pos);
    free(top);
    if (st) {
        fs_stack_bound_free(out);
        memset(err, 0, sizeof *err);
        snprintf(err->msg, sizeof err->msg, "out of memory computing the stack bound");
    }
    return st;
}

void fs_stack_bound_free(fs_stack_bound *b)
{
    free(b->path);
    free(b->cycle);
    memset(b, 0, sizeof *b);
}
