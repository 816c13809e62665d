/* test_culprits.c - every culprit against brute force.
 *
 * usage: test_culprits MODULE POLICY STRIDE ROOT...   (a missing MODULE
 * fails, naming scripts/fetch-corpus.sh; STRIDE > 1 checks every
 * STRIDE-th edge candidate)
 *
 * The oracle recomputes the closure here, independently of closure.c and
 * culprits.c: a worklist over call sites where an indirect site of type T
 * becomes live, under typed, when some unwinding address-taken function's
 * type fs_wasm_type_matches T (declared types, not canonical ids), under
 * table when any address-taken function unwinds, and under asyncify for
 * every call_indirect; Asyncify's runtime functions (callers of
 * asyncify.start_unwind/stop_rewind keep no frame, of stop_unwind/
 * start_rewind never join) follow closure.h.  Then, for each decision,
 * the closure is recomputed without it, and what leaves must be exactly
 * what fs_culprits_compute says the decision alone accounts for:
 *   - every root function: the closure without that root;
 *   - every canonical type with indirect sites: without those sites;
 *   - every (caller, callee) pair of direct calls and every (caller,
 *     type) pair of indirect calls: without those sites; a pair whose
 *     removal drops nothing must have no culprit, and a pair that drops
 *     something must have one with the same count and bytes.
 * The baseline itself must equal the closure, and the culprit graph must
 * agree with it (mismatch 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "culprits.h"


#define NONE UINT32_MAX

typedef struct skip {
    uint32_t root;      /* a root function left out */
    uint32_t type;      /* canonical type whose sites cannot unwind */
    uint32_t caller;    /* with callee or ctype: that caller's sites */
    uint32_t callee;
    uint32_t ctype;
    const uint8_t *sites; /* call: root sites left out */
} skip;

static const skip no_skip = { NONE, NONE, NONE, NONE, NONE, NULL };

typedef struct oracle {
    const fs_wasm_module *m;
    fs_policy policy;
    const uint8_t *is_root;
    const uint8_t *site_root; /* call: roots' sites (roots.c matches them) */
    uint8_t *runtime;       /* 1 bottom, 2 top */
    uint8_t *unw, *live_t;  /* live_t: per raw type index */
    uint8_t *done;          /* address-taken function already made its types live */
} oracle;

static int is_asyncify(const fs_wasm_module *m, uint32_t f, const char *field)
{
    const fs_import *im = &m->imports[m->funcs[f].import];
    return im->module_len == 8 && !memcmp(im->module, "asyncify", 8) &&
           im->field_len == strlen(field) && !memcmp(im->field, field, im->field_len);
}

static void classify(oracle *o)
{
    const fs_wasm_module *m = o->m;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        for (uint32_t s = m->funcs[f].calls; s < m->funcs[f].calls + m->funcs[f].ncalls; s++) {
            const fs_call *c = &m->calls[s];
            if (c->kind >= FS_CALL_INDIRECT || c->target >= m->nfunc_imports)
                continue;
            if (is_asyncify(m, c->target, "stop_unwind") ||
                is_asyncify(m, c->target, "start_rewind"))
                o->runtime[f] = 2;
            else if ((is_asyncify(m, c->target, "start_unwind") ||
                      is_asyncify(m, c->target, "stop_rewind")) && o->runtime[f] != 2)
                o->runtime[f] = 1;
        }
}

static int site_skipped(const oracle *o, const skip *k, uint32_t f, uint32_t s)
{
    const fs_call *c = &o->m->calls[s];
    if (c->kind < FS_CALL_INDIRECT)
        return f == k->caller && c->target == k->callee;
    uint32_t canon = o->m->types[c->target].canon;
    return canon == k->type || (f == k->caller && canon == k->ctype);
}

/* Does site S (in F) unwind under the current marks? */
static int site_unwinds(const oracle *o, const skip *k, uint32_t f, uint32_t s)
{
    const fs_call *c = &o->m->calls[s];
    if (site_skipped(o, k, f, s))
        return 0;
    if (c->kind < FS_CALL_INDIRECT)
        return o->unw[c->target] || (o->site_root[s] && !(k->sites && k->sites[s]));
    switch (o->policy) {
    case FS_POLICY_ASYNCIFY: return c->kind < FS_CALL_REF;
    case FS_POLICY_NONE:     return 0;
    default:                 return o->live_t[c->target];
    }
}

/* The closure without K: fills o->unw; returns closure size. */
static uint32_t closure(oracle *o, const skip *k)
{
    const fs_wasm_module *m = o->m;
    memset(o->unw, 0, m->nfuncs);
    memset(o->live_t, 0, m->ntypes);
    memset(o->done, 0, m->nfuncs);
    /* Fixpoint by sweeps: simple and plainly right; the modules here are
     * small or sampled. */
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (o->is_root[f] && f != k->root && o->runtime[f] != 2)
            o->unw[f] = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        /* Types made live by unwinding address-taken functions. */
        if (o->policy == FS_POLICY_TYPED || o->policy == FS_POLICY_TABLE)
            for (uint32_t g = 0; g < m->nfuncs; g++) {
                if (!o->unw[g] || o->done[g] || !(m->funcs[g].flags & FS_FUNC_ADDRESS_TAKEN))
                    continue;
                o->done[g] = 1;
                for (uint32_t t = 0; t < m->ntypes; t++)
                    if (!o->live_t[t] && m->types[t].kind == FS_COMP_FUNC &&
                        (o->policy == FS_POLICY_TABLE ||
                         fs_wasm_type_matches(m, m->funcs[g].type, t))) {
                        o->live_t[t] = 1;
                        changed = 1;
                    }
            }
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
            if (o->unw[f] || o->runtime[f] == 2)
                continue;
            const fs_func *fn = &m->funcs[f];
            for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++)
                if (site_unwinds(o, k, f, s)) {
                    o->unw[f] = 1;
                    changed = 1;
                    break;
                }
        }
    }
    uint32_t n = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        n += o->unw[f] && o->runtime[f] != 1;
    return n;
}

/* What leaves relative to BASE (closure members), and its weight. */
static void leaving(const oracle *o, const uint8_t *base, const uint64_t *w, uint32_t *n,
                    int64_t *bytes)
{
    *n = 0;
    *bytes = 0;
    for (uint32_t f = o->m->nfunc_imports; f < o->m->nfuncs; f++)
        if (base[f] && !(o->unw[f] && o->runtime[f] != 1)) {
            (*n)++;
            *bytes += (int64_t)w[f];
        }
}

static const fs_culprit *find(const fs_culprits *cu, int kind, uint32_t a, uint32_t b)
{
    for (uint32_t i = cu->kind_off[kind]; i < cu->kind_off[kind + 1]; i++)
        if (cu->items[i].a == a && (b == NONE || cu->items[i].b == b))
            return &cu->items[i];
    return NULL;
}

static void expect(const fs_culprits *cu, int kind, uint32_t a, uint32_t b, uint32_t n,
                   int64_t bytes, int must_exist, const char *what)
{
    const fs_culprit *x = find(cu, kind, a, b);
    if (!x) {
        CHECK_MSG(!n && !must_exist, "%s %u/%u: brute force drops %u, no culprit", what, a, b, n);
        return;
    }
    CHECK_MSG(x->functions == n && x->bytes == bytes, "%s %u/%u: culprit %u functions %lld bytes, "
          "brute force %u %lld", what, a, b, x->functions, (long long)x->bytes, n,
          (long long)bytes);
}

static int run(const char *path, fs_policy policy, uint32_t stride, char **roots, int nroots)
{
    fs_wasm_module m;
    fs_graph g;
    fs_closure c;
    fs_error err;
    fs_root_spec specs[16];
    if (fs_wasm_load(&m, path, &err)) {
        fs_wasm_free(&m);
        printf("FAIL %s: %s\n", path, err.msg);
        return 1;
    }
    for (int i = 0; i < nroots && i < 16; i++)
        if (fs_roots_parse(roots[i], &specs[i], &err)) {
            printf("FAIL root %s: %s\n", roots[i], err.msg);
            return 1;
        }
    fs_graph_build(&g, &m, &err);
    fs_closure_compute(&c, &g, specs, (unsigned)nroots, policy, &err);
    fs_cost *costs = calloc(m.nfuncs + 1, sizeof *costs);
    uint64_t *w = calloc(m.nfuncs + 1, sizeof *w);
    fs_cost_estimate(&m, &c, &fs_cost_seed, costs, NULL);
    for (uint32_t f = 0; f < m.nfuncs; f++)
        w[f] = costs[f].total;
    fs_culprits cu;
    fs_culprits_input in = { &g, &c, specs, (unsigned)nroots, w, &fs_cost_seed, NULL, NULL };
    CHECK_MSG(fs_culprits_compute(&in, &cu, &err) == FS_OK, "compute: %s", err.msg);
    CHECK_MSG(cu.mismatch == 0, "%s: culprit graph disagrees with the closure on %u", path,
          cu.mismatch);

    oracle o = { &m, policy, c.is_root, c.site_root, calloc(m.nfuncs + 1, 1), calloc(m.nfuncs + 1, 1),
                 calloc(m.ntypes + 1, 1), calloc(m.nfuncs + 1, 1) };
    classify(&o);
    uint32_t size = closure(&o, &no_skip);
    CHECK_MSG(size == c.size, "%s: oracle closure %u, closure.c %u", path, size, c.size);
    for (uint32_t f = 0; f < m.nfuncs; f++)
        CHECK_MSG(!!o.unw[f] == !!c.unwinds[f], "%s: function %u unwinds: oracle %d, closure %d",
              path, f, o.unw[f], c.unwinds[f]);
    const uint8_t *base = c.in;
    uint32_t n, checked = 0;
    int64_t bytes;
    for (uint32_t r = 0; r < m.nfuncs; r++) {
        if (!c.is_root[r] || o.runtime[r] == 2)
            continue;
        skip k = no_skip;
        k.root = r;
        closure(&o, &k);
        leaving(&o, base, w, &n, &bytes);
        expect(&cu, FS_CULPRIT_ROOT, r, NONE, n, bytes, 1, "root");
        checked++;
    }
    uint8_t *mark = calloc(m.ncalls + 1, 1);
    for (int i = 0; i < nroots; i++) {
        if (specs[i].kind != FS_ROOT_CALL)
            continue;
        fs_root_spec one;
        fs_roots_copy(&one, &specs[i], 1);
        memset(mark, 0, m.ncalls);
        fs_roots_match_sites(&m, &one, 1, mark);
        skip k = no_skip;
        k.sites = mark;
        closure(&o, &k);
        leaving(&o, base, w, &n, &bytes);
        expect(&cu, FS_CULPRIT_CALLROOT, (uint32_t)i, NONE, n, bytes, 1, "call: root");
        checked++;
    }
    free(mark);
    uint8_t *seen_t = calloc(m.ntypes + 1, 1);
    for (uint32_t s = 0; s < m.ncalls; s++) {
        const fs_call *call = &m.calls[s];
        if (call->kind < FS_CALL_INDIRECT || seen_t[m.types[call->target].canon])
            continue;
        uint32_t t = m.types[call->target].canon;
        seen_t[t] = 1;
        skip k = no_skip;
        k.type = t;
        closure(&o, &k);
        leaving(&o, base, w, &n, &bytes);
        expect(&cu, FS_CULPRIT_TYPE, t, NONE, n, bytes, 0, "type");
        checked++;
    }
    /* Pairs: each (caller in the closure, callee or type) once. */
    uint32_t cand = 0;
    for (uint32_t u = m.nfunc_imports; u < m.nfuncs; u++) {
        if (!c.in[u])
            continue;
        const fs_func *fn = &m.funcs[u];
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++) {
            const fs_call *call = &m.calls[s];
            int indirect = call->kind >= FS_CALL_INDIRECT;
            uint32_t b = indirect ? m.types[call->target].canon : call->target;
            int dup = 0;    /* an earlier site of the same pair */
            for (uint32_t e = fn->calls; e < s && !dup; e++) {
                const fs_call *ce = &m.calls[e];
                int ie = ce->kind >= FS_CALL_INDIRECT;
                dup = ie == indirect && (ie ? m.types[ce->target].canon : ce->target) == b;
            }
            if (dup || !fs_closure_site_unwinds(&c, &g, s) || cand++ % stride)
                continue;
            skip k = no_skip;
            k.caller = u;
            if (indirect)
                k.ctype = b;
            else
                k.callee = b;
            closure(&o, &k);
            leaving(&o, base, w, &n, &bytes);
            expect(&cu, indirect ? FS_CULPRIT_EDGE_TYPE : FS_CULPRIT_EDGE, u, b, n, bytes, 0,
                   indirect ? "indirect edge" : "edge");
            checked++;
        }
    }
    printf("%s --indirect %s: closure %u, %u decisions checked by brute force, %u culprits\n",
           path, fs_policy_name[policy], c.size, checked, cu.n);
    free(seen_t);
    free(o.runtime);
    free(o.unw);
    free(o.live_t);
    free(o.done);
    fs_culprits_free(&cu);
    free(costs);
    free(w);
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: test_culprits MODULE POLICY STRIDE ROOT...\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        printf("FAIL: %s is missing: run scripts/fetch-corpus.sh\n", argv[1]);
        return 1;
    }
    fclose(fp);
    int p = fs_policy_parse(argv[2]);
    uint32_t stride = (uint32_t)strtoul(argv[3], NULL, 10);
    if (p < 0 || !stride) {
        fprintf(stderr, "bad policy or stride\n");
        return 2;
    }
    run(argv[1], (fs_policy)p, stride, argv + 4, argc - 4);
    return t_summary();
}
