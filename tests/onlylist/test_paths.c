/* test_paths.c - --why's paths are shortest, and Binaryen's rules in C.
 *
 * usage: test_paths MODULE...   (a missing module fails, naming
 * scripts/fetch-corpus.sh)
 *
 * For every module, root set and policy, distances to the roots are
 * computed here independently of closure.c: Bellman-Ford style relaxation
 * (repeat until nothing changes) over every call site, where an indirect
 * site may reach, under typed, any address-taken function whose type
 * fs_wasm_type_matches its type, and under table any address-taken
 * function; roots (and under asyncify every function holding a
 * call_indirect) are at distance 0.  Then:
 *   - the closure is exactly the defined functions at a finite distance
 *     (less Asyncify's runtime);
 *   - for every member, fs_path_find's path has exactly that many calls,
 *     and each step is a real edge: the site lies in the function, a
 *     direct call calls the next function, an indirect one may reach it,
 *     and the path ends on a root or (asyncify) on a call_indirect.
 * Plus unit checks of names_bn's escaping, wildcard and list splitting,
 * with the answers wasm-opt 108 gave (tests/onlylist/rules.list and the
 * fixtures check the same against wasm-opt itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include <unistd.h>

#include "closure.h"
#include "names_bn.h"
#include "paths.h"


#define INF UINT32_MAX

static void check_escape(const char *in, size_t len, const char *want)
{
    char out[64];
    fs_bn_escape(in, len, out);
    CHECK_MSG(!strcmp(out, want), "escape -> \"%s\", want \"%s\"", out, want);
}

static void check_parse(const char *text, size_t len, int want_st, uint32_t n, const char *first)
{
    fs_bn_list l;
    fs_error err;
    int st = fs_bn_list_parse(text, len, &l, &err);
    CHECK_MSG(st == want_st, "parse status %d, want %d (%s)", st, want_st, err.msg);
    if (st)
        return;
    CHECK_MSG(l.n == n, "parse gave %u entries, want %u", l.n, n);
    if (first && l.n)
        CHECK_MSG(!strcmp(l.items[0].text, first), "first entry \"%s\", want \"%s\"",
              l.items[0].text, first);
    fs_bn_list_free(&l);
}

static void names_unit(void)
{
    check_escape("a b", 3, "a\\20b");
    check_escape("x,y\"z", 5, "x\\2cy\\22z");
    check_escape("\xc3\xa9", 2, "\\,3\\*9");      /* Binaryen 108's garbled high bytes */
    check_escape("\x80\xff", 2, "\\(0\\/f");
    check_escape("a\\b", 3, "a\\5cb");
    check_escape("ok:<>*'|~", 9, "ok:<>*'|~");
    check_escape("semi;[]{}", 9, "semi\\3b\\5b\\5d\\7b\\7d");

    CHECK_MSG(fs_bn_wildcard("p*q", 3, "pXq", 3), "p*q ~ pXq");
    CHECK_MSG(fs_bn_wildcard("p*q", 3, "p*q", 3), "p*q ~ p*q");
    CHECK_MSG(fs_bn_wildcard("*", 1, "", 0), "* ~ empty");
    CHECK_MSG(fs_bn_wildcard("a*b*c", 5, "a\\2cb\\28c", 9), "a*b*c ~ a\\2cb\\28c");
    CHECK_MSG(fs_bn_wildcard("x*y", 3, "xy", 2), "x*y ~ xy");
    CHECK_MSG(!fs_bn_wildcard("x*y", 3, "xya", 3), "x*y !~ xya");
    CHECK_MSG(!fs_bn_wildcard("", 0, "a", 1), "empty !~ a");
    CHECK_MSG(fs_bn_wildcard("a**", 3, "a", 1), "a** ~ a");
    CHECK_MSG(!fs_bn_wildcard("*ab", 3, "aab b", 5), "*ab !~ aab b");

    check_parse("a\n,b", 4, FS_OK, 2, "a\n");           /* only the file's end is trimmed */
    check_parse("a\nb\n", 4, FS_OK, 1, "a\nb");         /* newlines do not separate */
    check_parse("f(int, double),a b\n", 19, FS_OK, 2, "f(int, double)");
    check_parse(",,a,,b,", 7, FS_OK, 2, "a");
    check_parse("a)b,c(d", 7, FS_OK, 1, "a)b,c(d");     /* negative nesting joins too */
    check_parse("operator<,a", 11, FS_ERR_MALFORMED, 0, NULL);
    check_parse("", 0, FS_OK, 0, NULL);
    check_parse(" \n\t", 3, FS_OK, 0, NULL);
    check_parse("a\0zz,b", 6, FS_OK, 2, "a");            /* cut at a NUL */
}

static int matches_type(const fs_wasm_module *m, uint32_t f, uint32_t site_type)
{
    return fs_wasm_type_matches(m, m->funcs[f].type, site_type);
}

/* Distances by relaxation.  Returns the number of rounds. */
static unsigned distances(const fs_wasm_module *m, const fs_closure *c, fs_policy policy,
                          uint32_t *dist)
{
    uint32_t n = m->nfuncs;
    uint32_t *mind = malloc(((size_t)m->ntypes + 1) * sizeof *mind);
    uint8_t *site_type = calloc((size_t)m->ntypes + 1, 1);
    for (uint32_t f = 0; f < n; f++)
        dist[f] = INF;
    for (uint32_t f = 0; f < n; f++) {
        if (c->runtime[f] == FS_RUNTIME_TOP)
            continue;
        if (c->is_root[f])
            dist[f] = 0;
        const fs_func *fn = &m->funcs[f];
        for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++) {
            uint8_t k = m->calls[s].kind;
            if (fs_call_is_indirect(k))
                site_type[m->calls[s].target] = 1;
            if (policy == FS_POLICY_ASYNCIFY && (k == FS_CALL_INDIRECT || k == FS_CALL_TAIL_INDIRECT))
                dist[f] = 0;
        }
    }
    unsigned rounds = 0;
    for (int changed = 1; changed; rounds++) {
        changed = 0;
        uint32_t minall = INF;
        for (uint32_t t = 0; t < m->ntypes; t++)
            mind[t] = INF;
        for (uint32_t f = 0; f < n; f++) {
            if (!(m->funcs[f].flags & FS_FUNC_ADDRESS_TAKEN) || dist[f] == INF)
                continue;
            if (dist[f] < minall)
                minall = dist[f];
            if (policy == FS_POLICY_TYPED)
                for (uint32_t t = 0; t < m->ntypes; t++)
                    if (site_type[t] && dist[f] < mind[t] && matches_type(m, f, t))
                        mind[t] = dist[f];
        }
        for (uint32_t f = m->nfunc_imports; f < n; f++) {
            if (c->runtime[f] == FS_RUNTIME_TOP)
                continue;
            const fs_func *fn = &m->funcs[f];
            for (uint32_t s = fn->calls; s < fn->calls + fn->ncalls; s++) {
                const fs_call *call = &m->calls[s];
                uint32_t d = INF;
                if (!fs_call_is_indirect(call->kind))
                    d = dist[call->target];
                else if (policy == FS_POLICY_TYPED)
                    d = mind[call->target];
                else if (policy == FS_POLICY_TABLE)
                    d = minall;
                if (d != INF && d + 1 < dist[f]) {
                    dist[f] = d + 1;
                    changed = 1;
                }
            }
        }
    }
    free(mind);
    free(site_type);
    return rounds;
}

static void check_closure(const char *path, const fs_wasm_module *m, const fs_graph *g,
                          const char *const *roots, unsigned nroots, fs_policy policy)
{
    fs_root_spec specs[8];
    fs_error err;
    for (unsigned i = 0; i < nroots; i++)
        fs_roots_parse(roots[i], &specs[i], &err);
    fs_closure c;
    if (fs_closure_compute(&c, g, specs, nroots, policy, &err)) {
        CHECK_MSG(0, "%s: closure failed: %s", path, err.msg);
        return;
    }
    uint32_t *dist = malloc(((size_t)m->nfuncs + 1) * sizeof *dist);
    distances(m, &c, policy, dist);
    uint32_t bad_members = 0, bad_paths = 0, checked = 0, longest = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        int want = dist[f] != INF && c.runtime[f] != FS_RUNTIME_BOTTOM;
        if (want != c.in[f]) {
            if (bad_members++ < 5)
                printf("  %s %s: function %u: closure says %d, distance %u\n", path,
                       fs_policy_name[policy], f, c.in[f], dist[f]);
            continue;
        }
        if (!c.in[f])
            continue;
        fs_path p;
        if (fs_path_find(&c, g, f, &p, &err)) {
            bad_paths++;
            continue;
        }
        checked++;
        const char *why = NULL;
        if (p.n - 1 != dist[f])
            why = "not shortest";
        for (uint32_t i = 0; i < p.n && !why; i++) {
            uint32_t u = p.steps[i].func, s = p.steps[i].site;
            const fs_func *fn = &m->funcs[u];
            if (s == UINT32_MAX) {
                if (i + 1 != p.n || !c.is_root[u])
                    why = "ends on a non-root";
                break;
            }
            if (s < fn->calls || s >= fn->calls + fn->ncalls) {
                why = "site outside its function";
                break;
            }
            const fs_call *call = &m->calls[s];
            if (i + 1 == p.n) {
                if (!p.policy_end || policy != FS_POLICY_ASYNCIFY ||
                    (call->kind != FS_CALL_INDIRECT && call->kind != FS_CALL_TAIL_INDIRECT))
                    why = "ends on a call that is not an asyncify source";
                break;
            }
            uint32_t v = p.steps[i + 1].func;
            if (!fs_call_is_indirect(call->kind))
                why = call->target == v ? NULL : "direct call to another function";
            else if (!(m->funcs[v].flags & FS_FUNC_ADDRESS_TAKEN))
                why = "indirect call to a function not address-taken";
            else if (policy == FS_POLICY_TYPED && !matches_type(m, v, call->target))
                why = "indirect call of another type";
            else if (policy != FS_POLICY_TYPED && policy != FS_POLICY_TABLE)
                why = "indirect edge under a policy without them";
        }
        if (why && bad_paths++ < 5)
            printf("  %s %s: function %u: path of %u calls, distance %u: %s\n", path,
                   fs_policy_name[policy], f, p.n - 1, dist[f], why);
        if (p.n - 1 > longest)
            longest = p.n - 1;
        fs_path_free(&p);
    }
    CHECK_MSG(!bad_members, "%s %s (%s...): %u functions in one set only", path,
          fs_policy_name[policy], roots[0], bad_members);
    CHECK_MSG(!bad_paths, "%s %s (%s...): %u bad paths", path, fs_policy_name[policy], roots[0],
          bad_paths);
    printf("  %-40s %-8s %-12s closure %6u, paths checked %6u, longest %u\n", path,
           fs_policy_name[policy], roots[0], c.size, checked, longest);
    free(dist);
    fs_closure_free(&c);
}

int main(int argc, char **argv)
{
    names_unit();
    static const char *const all[] = { "import:*" };
    for (int i = 1; i < argc; i++) {
        if (access(argv[i], R_OK) != 0) {
            CHECK_MSG(0, "%s is missing: run scripts/fetch-corpus.sh", argv[i]);
            continue;
        }
        fs_wasm_module m;
        fs_graph g;
        fs_error err;
        if (fs_wasm_load(&m, argv[i], &err) || fs_graph_build(&g, &m, &err)) {
            CHECK_MSG(0, "%s: %s", argv[i], err.msg);
            fs_wasm_free(&m);
            continue;
        }
        for (int p = 0; p < 4; p++) {
            check_closure(argv[i], &m, &g, all, 1, (fs_policy)p);
            check_closure(argv[i], &m, &g, fs_roots_default, fs_roots_ndefault, (fs_policy)p);
        }
        fs_graph_free(&g);
        fs_wasm_free(&m);
    }
    return t_summary();
}
