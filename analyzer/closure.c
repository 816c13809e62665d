/* closure.c - reverse reachability from the roots under a policy.
 *
 * `unwinds` marks functions a call to which may unwind: the closure plus
 * root imports.  When such a function is address-taken, indirect call
 * sites may reach it too: under `table` every indirect site becomes live,
 * under `typed` only sites whose type is one of its (canonical) supertypes.
 * Live sites pull their containing functions in, which may make further
 * types live, and so on until nothing changes.
 *
 * Two rules follow Binaryen's Asyncify, so that `--indirect asyncify`
 * yields exactly the functions it instruments: its own control imports
 * (asyncify.start_unwind and friends) mark runtime functions that are
 * never rewritten, and the asyncify policy ignores call_ref.
 *
 * Stack switching (resume, resume_throw, resume_throw_ref, switch,
 * suspend) adds no edges and no unwind points, under every policy: a
 * continuation runs on its own stack, which an unwind into linear memory
 * can neither reach nor save, and cont.bind lets a continuation's
 * function differ in type from what its resume names.  Bodies that use
 * them carry FS_FEAT_STACK_SWITCH and forkinstr refuses them (see
 * docs/roots-and-policies.md, "Stack switching").
 */
#include "closure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fs_policy_name[4] = { "asyncify", "table", "typed", "none" };

int fs_policy_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, fs_policy_name[i]))
            return i;
    return -1;
}

typedef struct work {
    fs_closure *c;
    const fs_graph *g;
    uint32_t *queue;
    uint32_t head, tail;
} work;

static void enter(work *w, uint32_t f, fs_via via, uint32_t next, uint32_t site)
{
    fs_closure *c = w->c;
    const fs_wasm_module *m = w->g->m;
    if (c->unwinds[f] || c->runtime[f] == FS_RUNTIME_TOP)
        return;
    c->unwinds[f] = 1;
    c->via[f] = (uint8_t)via;
    c->next[f] = next;
    c->site[f] = site;
    /* Asyncify's own runtime: a function that starts the unwind (or ends
     * the rewind) passes it on to its callers but keeps no frame itself. */
    if (f >= m->nfunc_imports && c->runtime[f] != FS_RUNTIME_BOTTOM) {
        c->in[f] = 1;
        c->size++;
    }
    w->queue[w->tail++] = f;
}

/* Functions that call Asyncify's control imports directly, as Binaryen's
 * Asyncify classifies them: calling asyncify.start_unwind/stop_rewind
 * makes a function the bottom of the runtime, calling stop_unwind or
 * start_rewind makes it the top (the host-side driver, never rewritten). */
static void classify_runtime(fs_closure *c, const fs_wasm_module *m)
{
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        const fs_func *fn = &m->funcs[f];
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++) {
            const fs_call *call = &m->calls[s];
            if (fs_call_is_indirect(call->kind) || call->target >= m->nfunc_imports)
                continue;
            const fs_import *im = &m->imports[m->funcs[call->target].import];
            if (im->module_len != 8 || memcmp(im->module, "asyncify", 8))
                continue;
            if ((im->field_len == 12 && !memcmp(im->field, "start_unwind", 12)) ||
                (im->field_len == 11 && !memcmp(im->field, "stop_rewind", 11))) {
                if (c->runtime[f] != FS_RUNTIME_TOP)
                    c->runtime[f] = FS_RUNTIME_BOTTOM;
            } else if ((im->field_len == 11 && !memcmp(im->field, "stop_unwind", 11)) ||
                       (im->field_len == 12 && !memcmp(im->field, "start_rewind", 12))) {
                c->runtime[f] = FS_RUNTIME_TOP;
            }
        }
    }
}

/* Every function holding an indirect site of canonical type T. */
static void make_type_live(work *w, uint32_t t, uint32_t from)
{
    fs_closure *c = w->c;
    const fs_graph *g = w->g;
    if (c->type_live[t])
        return;
    c->type_live[t] = 1;
    for (uint32_t i = g->ind_off[t]; i < g->ind_off[t + 1]; i++)
        enter(w, g->owner[g->ind[i]], FS_VIA_INDIRECT, from, g->ind[i]);
}

static void reached_by_indirect(work *w, uint32_t f)
{
    fs_closure *c = w->c;
    const fs_wasm_module *m = w->g->m;
    switch (c->policy) {
    case FS_POLICY_TABLE:
        if (!c->any_live) {
            c->any_live = 1;
            for (uint32_t t = 0; t < m->ntypes; t++)
                make_type_live(w, t, f);
        }
        break;
    case FS_POLICY_TYPED:
        c->any_live = 1;
        for (uint32_t t = m->funcs[f].type; t != UINT32_MAX; t = m->types[t].super)
            make_type_live(w, m->types[t].canon, f);
        break;
    default:
        break;
    }
}

int fs_closure_compute(fs_closure *c, const fs_graph *g, fs_root_spec *specs, unsigned nspecs,
                       fs_policy policy, fs_error *err)
{
    const fs_wasm_module *m = g->m;
    uint32_t n = m->nfuncs;
    memset(c, 0, sizeof *c);
    c->policy = policy;
    c->is_root = calloc((size_t)n + 1, 1);
    c->in = calloc((size_t)n + 1, 1);
    c->unwinds = calloc((size_t)n + 1, 1);
    c->via = calloc((size_t)n + 1, 1);
    c->next = malloc(((size_t)n + 1) * sizeof *c->next);
    c->site = malloc(((size_t)n + 1) * sizeof *c->site);
    c->callsites = calloc((size_t)n + 1, sizeof *c->callsites);
    c->type_live = calloc((size_t)m->ntypes + 1, 1);
    c->runtime = calloc((size_t)n + 1, 1);
    c->site_root = calloc((size_t)m->ncalls + 1, 1);
    work w = { c, g, malloc(((size_t)n + 1) * sizeof *w.queue), 0, 0 };
    if (!c->is_root || !c->in || !c->unwinds || !c->via || !c->next || !c->site ||
        !c->callsites || !c->type_live || !c->runtime || !c->site_root || !w.queue) {
        free(w.queue);
        fs_closure_free(c);
        memset(err, 0, sizeof *err);
        snprintf(err->msg, sizeof err->msg, "out of memory computing the closure");
        return FS_ERR_NOMEM;
    }
    classify_runtime(c, m);
    c->nroots = fs_roots_match(m, specs, nspecs, c->is_root);
    for (uint32_t f = 0; f < n; f++)
        if (c->is_root[f])
            enter(&w, f, FS_VIA_ROOT, UINT32_MAX, UINT32_MAX);
    /* A call-site root: its caller joins as if it called an unwinding
     * function there (the path ends at the callee, which stays out). */
    c->nsite_roots = fs_roots_match_sites(m, specs, nspecs, c->site_root);
    if (c->nsite_roots == UINT32_MAX) {
        free(w.queue);
        fs_closure_free(c);
        memset(err, 0, sizeof *err);
        snprintf(err->msg, sizeof err->msg, "out of memory computing the closure");
        return FS_ERR_NOMEM;
    }
    for (uint32_t s = 0; c->nsite_roots && s < m->ncalls; s++) {
        uint32_t f = g->owner[s];
        if (!c->site_root[s])
            continue;
        if (!c->is_root[f] && !c->unwinds[f] && c->runtime[f] != FS_RUNTIME_TOP)
            c->nroots++;
        enter(&w, f, FS_VIA_CALL, m->calls[s].target, s);
    }
    /* Asyncify's rule: any call_indirect may unwind, whatever it calls.
     * Binaryen's analysis does not look at call_ref at all, so neither
     * does this policy (the report counts what it leaves out). */
    if (policy == FS_POLICY_ASYNCIFY)
        for (uint32_t i = 0; i < g->nind; i++) {
            uint32_t s = g->ind[i];
            if (m->calls[s].kind >= FS_CALL_REF)
                c->ignored_ref_sites++;
            else
                enter(&w, g->owner[s], FS_VIA_POLICY, UINT32_MAX, s);
        }

    while (w.head < w.tail) {
        uint32_t f = w.queue[w.head++];
        for (uint32_t i = g->rev_off[f]; i < g->rev_off[f + 1]; i++)
            enter(&w, g->owner[g->rev[i]], FS_VIA_CALL, f, g->rev[i]);
        if (m->funcs[f].flags & FS_FUNC_ADDRESS_TAKEN)
            reached_by_indirect(&w, f);
    }
    free(w.queue);

    for (uint32_t f = m->nfunc_imports; f < n; f++) {
        if (!c->in[f])
            continue;
        const fs_func *fn = &m->funcs[f];
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++)
            if (fs_closure_site_unwinds(c, g, s))
                c->callsites[f]++;
    }
    return FS_OK;
}

int fs_closure_site_unwinds(const fs_closure *c, const fs_graph *g, uint32_t call)
{
    const fs_wasm_module *m = g->m;
    const fs_call *s = &m->calls[call];
    if (!fs_call_is_indirect(s->kind)) {
        if (c->unwinds[s->target] || c->site_root[call])
            return 1;
        /* A root function's own calls to imports are its unwind points. */
        return s->target < m->nfunc_imports && c->is_root[g->owner[call]] &&
               g->owner[call] >= m->nfunc_imports;
    }
    switch (c->policy) {
    case FS_POLICY_ASYNCIFY: return s->kind < FS_CALL_REF;
    case FS_POLICY_TABLE:    return c->any_live;
    case FS_POLICY_TYPED:    return c->type_live[m->types[s->target].canon];
    case FS_POLICY_NONE:     return 0;
    }
    return 0;
}

void fs_closure_free(fs_closure *c)
{
    free(c->is_root);
    free(c->in);
    free(c->unwinds);
    free(c->via);
    free(c->next);
    free(c->site);
    free(c->callsites);
    free(c->type_live);
    free(c->runtime);
    free(c->site_root);
    memset(c, 0, sizeof *c);
}
