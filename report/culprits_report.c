/* culprits_report.c - forksize culprits over one analysis: the ranking
 * (analyzer/culprits.h) weighted by the analysis' costs, and its text and
 * forksize/culprits@1 output, each decision with the concrete change that
 * would drop it.  Writes only to the FILE it is given. */
#include "culprits_report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

int fs_culprits_of_analysis(const fs_analysis *a, fs_culprits *cu, fs_error *err)
{
    uint64_t *weight = malloc(((size_t)a->m.nfuncs + 1) * sizeof *weight);
    if (!weight) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    for (uint32_t f = 0; f < a->m.nfuncs; f++)
        weight[f] = a->costs[f].total;
    fs_culprits_input ci = {
        &a->g, &a->c, a->roots, a->nroots, weight, &a->report.profile,
        a->report.applied ? a->measure.present : NULL, a->report.applied ? a->measure.delta : NULL,
    };
    int st = fs_culprits_compute(&ci, cu, err);
    free(weight);
    return st;
}

/* ---- words ---------------------------------------------------------- */

/* An import as "module.field", a defined function by name or func[N]. */
static const char *fname(const fs_wasm_module *m, uint32_t f, char *buf, size_t cap)
{
    const fs_func *fn = &m->funcs[f];
    if (fn->import != UINT32_MAX)
        fs_wasm_import_name(m, f, buf, cap);
    else
        fs_func_display_name(fn->name, fn->name_len, f, buf, cap);
    return buf;
}

/* A root function as a spec that names it alone (as far as names go). */
static const char *root_spec(const fs_wasm_module *m, uint32_t f, char *buf, size_t cap)
{
    char n[400];
    const fs_func *fn = &m->funcs[f];
    if (fn->import != UINT32_MAX)
        snprintf(buf, cap, "import:%.250s", fname(m, f, n, sizeof n));
    else if (fn->name)
        snprintf(buf, cap, "func:%.250s", fname(m, f, n, sizeof n));
    else
        snprintf(buf, cap, "index:%u", f);
    return buf;
}

/* "-180.3 KB": bytes saved, as a change. */
static const char *kb(int64_t saved, char *buf, size_t cap)
{
    double v = -(double)saved;
    double av = v < 0 ? -v : v;
    if (av < 1024)
        snprintf(buf, cap, "%+lld B", (long long)-saved);
    else if (av < 1024.0 * 1024)
        snprintf(buf, cap, "%+.1f KB", v / 1024);
    else
        snprintf(buf, cap, "%+.2f MB", v / (1024.0 * 1024));
    return buf;
}

/* A few closure functions holding indirect sites of canonical type K. */
static void type_examples(const fs_analysis *a, uint32_t k, const char **out, char (*bufs)[128],
                          unsigned *n)
{
    const fs_graph *g = &a->g;
    uint32_t last = UINT32_MAX;
    *n = 0;
    for (uint32_t i = a->g.ind_off[k]; i < g->ind_off[k + 1] && *n < 3; i++) {
        uint32_t f = g->owner[g->ind[i]];
        if (f == last || !a->c.in[f])
            continue;
        last = f;
        out[*n] = fname(&a->m, f, bufs[*n], sizeof bufs[0]);
        (*n)++;
    }
}

/* The one-sentence suggestion of culprit X (the text every format shows). */
static void suggestion(const fs_culprits_view *v, const fs_culprit *x, char *buf, size_t cap)
{
    const fs_wasm_module *m = &v->a->m;
    char n1[300], n2[300], sz[48], sig[200], drop[160];
    kb(x->bytes, sz, sizeof sz);
    snprintf(drop, sizeof drop, "drops %u function%s (%s)", x->functions,
             x->functions == 1 ? "" : "s", sz);
    switch ((fs_culprit_kind)x->kind) {
    case FS_CULPRIT_POLICY:
        if (x->joined)
            snprintf(buf, cap, "`--indirect %s` drops %u functions and adds %u (%s)",
                     fs_policy_name[x->a], x->functions, x->joined, sz);
        else
            snprintf(buf, cap, "`--indirect %s` %s", fs_policy_name[x->a], drop);
        break;
    case FS_CULPRIT_ROOT:
        snprintf(buf, cap, "without the root `%s` (%u call site%s) the closure %s",
                 root_spec(m, x->a, n1, sizeof n1), x->sites, x->sites == 1 ? "" : "s", drop);
        break;
    case FS_CULPRIT_CALLROOT:
        snprintf(buf, cap, "without the root `%s` (%u call site%s) the closure %s",
                 v->a->roots[x->a].text, x->sites, x->sites == 1 ? "" : "s", drop);
        break;
    case FS_CULPRIT_TYPE: {
        const char *ex[3];
        char exb[3][128];
        unsigned ne;
        type_examples(v->a, x->a, ex, exb, &ne);
        fs_path_type_sig(m, x->a, sig, sizeof sig);
        snprintf(buf, cap, "if indirect calls of type %u `%s` (%u site%s in %u closure "
                 "function%s, e.g. %s%s%s%s%s) could not unwind, the closure %s", x->a, sig,
                 x->sites, x->sites == 1 ? "" : "s", x->owners, x->owners == 1 ? "" : "s",
                 ne ? ex[0] : "-", ne > 1 ? ", " : "", ne > 1 ? ex[1] : "", ne > 2 ? ", " : "",
                 ne > 2 ? ex[2] : "", drop);
        break;
    }
    case FS_CULPRIT_EDGE:
        snprintf(buf, cap, "`%s -> %s` (%u site%s) is the only way these functions reach a "
                 "root: if it could not unwind, the closure %s", fname(m, x->a, n1, sizeof n1),
                 fname(m, x->b, n2, sizeof n2), x->sites, x->sites == 1 ? "" : "s", drop);
        break;
    case FS_CULPRIT_EDGE_TYPE:
        fs_path_type_sig(m, x->b, sig, sizeof sig);
        snprintf(buf, cap, "`%s`'s indirect calls of type %u `%s` (%u site%s) are the only "
                 "way these functions reach a root: if they could not unwind, the closure %s",
                 fname(m, x->a, n1, sizeof n1), x->b, sig, x->sites, x->sites == 1 ? "" : "s",
                 drop);
        break;
    case FS_CULPRIT_SITEROOT:
        fname(m, x->b, n2, sizeof n2);
        snprintf(buf, cap, "a call-site root `call:%s->%s` instead of `import:%s` %s",
                 fname(m, x->a, n1, sizeof n1), n2, n2, drop);
        break;
    default:
        snprintf(buf, cap, "?");
    }
}

static const char *const section_key[FS_CULPRIT_NKINDS] = {
    "policies", "roots", "roots", "types", "edges", "edges", "call_site_roots",
};
static const char *const section_title[FS_CULPRIT_NKINDS] = {
    "policy tightenings (closure and model recomputed: exact)",
    "roots (what leaves without each root)",
    "call-site roots (what leaves without each call: spec)",
    "indirect call types (what leaves if calls of the type could not unwind)",
    "edges (what leaves without one caller->callee edge: dominator tree)",
    "indirect edges (one caller's indirect calls of one type)",
    "call-site roots to try instead of an import root",
};

/* ---- text ----------------------------------------------------------- */

static int emit_text(const fs_culprits_view *v, FILE *out)
{
    const fs_analysis *a = v->a;
    const fs_culprits *cu = v->cu;
    char sz[48], line[1200];
    fprintf(out, "forksize %s culprits  %s\n", v->tool_version, v->module);
    fprintf(out, "closure     %u of %u defined functions, policy %s, estimated cost %llu bytes "
            "[estimated]\n", cu->closure, fs_wasm_ndefined(&a->m), fs_policy_name[a->c.policy],
            (unsigned long long)cu->closure_bytes);
    fprintf(out, "roots      %s", a->report.roots_default ? " (defaults)" : "");
    for (unsigned i = 0; i < a->nroots; i++)
        fprintf(out, "%s %s=%u", i ? "," : "", a->roots[i].text, a->roots[i].matched);
    fprintf(out, "\ntiming      analysis %.1f ms, culprits %.1f ms (%u nodes, %u edges)\n",
            v->analysis_ms, v->culprits_ms, cu->nodes, cu->edges);
    for (int k = 0; k < FS_CULPRIT_NKINDS; k++) {
        uint32_t from = cu->kind_off[k], to = cu->kind_off[k + 1];
        if (from == to)
            continue;
        uint32_t shown = to - from;
        if (v->top && v->top < shown)
            shown = v->top;
        fprintf(out, "\n%s, %s%u of %u:\n", section_title[k],
                shown < to - from ? "top " : "", shown, to - from);
        fprintf(out, "  %9s %11s%s  decision\n", "functions", "bytes",
                a->report.applied ? "    measured" : "");
        for (uint32_t i = from; i < from + shown; i++) {
            const fs_culprit *x = &cu->items[i];
            suggestion(v, x, line, sizeof line);
            fprintf(out, "  %9u %11s", x->functions, kb(x->bytes, sz, sizeof sz));
            if (a->report.applied)
                fprintf(out, " %11s", x->measured_functions ? kb(x->measured, sz, sizeof sz)
                                                            : "-");
            fprintf(out, "  %s\n", line);
        }
    }
    fprintf(out, "\nbytes: the model's cost.total of the functions that leave [estimated]%s; "
            "policy rows: the whole closure re-priced\n",
            a->report.applied ? ", measured: their measured growth [measured]" : "");
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

/* ---- json ----------------------------------------------------------- */

static void jnum(cJSON *o, const char *k, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    cJSON_AddRawToObject(o, k, buf);
}

static cJSON *item_json(const fs_culprits_view *v, const fs_culprit *x)
{
    const fs_wasm_module *m = &v->a->m;
    cJSON *e = cJSON_CreateObject();
    char n[400], sig[200], line[1200];
    switch ((fs_culprit_kind)x->kind) {
    case FS_CULPRIT_POLICY:
        cJSON_AddStringToObject(e, "policy", fs_policy_name[x->a]);
        jnum(e, "joined", x->joined);
        break;
    case FS_CULPRIT_ROOT:
        cJSON_AddStringToObject(e, "root", root_spec(m, x->a, n, sizeof n));
        jnum(e, "index", x->a);
        break;
    case FS_CULPRIT_CALLROOT:
        cJSON_AddStringToObject(e, "root", v->a->roots[x->a].text);
        cJSON_AddNullToObject(e, "index");
        break;
    case FS_CULPRIT_TYPE: {
        jnum(e, "type", x->a);
        fs_path_type_sig(m, x->a, sig, sizeof sig);
        cJSON_AddStringToObject(e, "signature", sig);
        jnum(e, "owners", x->owners);
        const char *ex[3];
        char exb[3][128];
        unsigned ne;
        type_examples(v->a, x->a, ex, exb, &ne);
        cJSON *arr = cJSON_AddArrayToObject(e, "examples");
        for (unsigned i = 0; i < ne; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(ex[i]));
        break;
    }
    case FS_CULPRIT_EDGE:
    case FS_CULPRIT_EDGE_TYPE:
        cJSON_AddStringToObject(e, "caller", fname(m, x->a, n, sizeof n));
        jnum(e, "caller_index", x->a);
        if (x->kind == FS_CULPRIT_EDGE) {
            cJSON_AddStringToObject(e, "kind", "direct");
            cJSON_AddStringToObject(e, "callee", fname(m, x->b, n, sizeof n));
            jnum(e, "callee_index", x->b);
        } else {
            cJSON_AddStringToObject(e, "kind", "indirect");
            jnum(e, "type", x->b);
            fs_path_type_sig(m, x->b, sig, sizeof sig);
            cJSON_AddStringToObject(e, "signature", sig);
        }
        break;
    case FS_CULPRIT_SITEROOT:
        fname(m, x->b, sig, sizeof sig);
        snprintf(line, sizeof line, "call:%s->%s", fname(m, x->a, n, sizeof n), sig);
        cJSON_AddStringToObject(e, "root", line);
        snprintf(line, sizeof line, "import:%s", sig);
        cJSON_AddStringToObject(e, "instead_of", line);
        break;
    default:
        break;
    }
    jnum(e, "sites", x->sites);
    jnum(e, "functions", x->functions);
    jnum(e, "bytes", x->bytes);
    if (v->a->report.applied) {
        jnum(e, "measured_bytes", x->measured);
        jnum(e, "measured_functions", x->measured_functions);
    } else {
        cJSON_AddNullToObject(e, "measured_bytes");
        jnum(e, "measured_functions", 0);
    }
    suggestion(v, x, line, sizeof line);
    cJSON_AddStringToObject(e, "suggestion", line);
    return e;
}

static int emit_json(const fs_culprits_view *v, FILE *out, fs_error *err)
{
    const fs_analysis *a = v->a;
    const fs_culprits *cu = v->cu;
    cJSON *doc = cJSON_CreateObject();
    fs_json_head(doc, "forksize/culprits@1", v->tool_version);
    cJSON *opt = cJSON_AddObjectToObject(doc, "options");
    cJSON *ors = cJSON_AddArrayToObject(opt, "roots");
    for (unsigned i = 0; i < a->nroots; i++)
        cJSON_AddItemToArray(ors, cJSON_CreateString(a->roots[i].text));
    cJSON_AddBoolToObject(opt, "roots_default", a->report.roots_default);
    cJSON_AddStringToObject(opt, "indirect", fs_policy_name[a->c.policy]);
    cJSON_AddStringToObject(opt, "apply", a->report.apply_requested);
    jnum(opt, "top", v->top);
    cJSON *mod = cJSON_AddObjectToObject(doc, "module");
    cJSON_AddStringToObject(mod, "path", v->module);
    cJSON_AddStringToObject(mod, "sha256", a->report.sha256);
    jnum(mod, "functions", fs_wasm_ndefined(&a->m));
    cJSON *cl = cJSON_AddObjectToObject(doc, "closure");
    jnum(cl, "functions", cu->closure);
    jnum(cl, "bytes", (long long)cu->closure_bytes);
    cJSON_AddStringToObject(cl, "label", "estimated");
    cJSON_AddStringToObject(doc, "bytes_label", "estimated");
    cJSON_AddStringToObject(doc, "measured_label", a->report.applied ? "measured" : "none");
    /* Roots and call: specs share one list, as do both kinds of edge;
     * totals count every candidate, the lists at most --top of each kind. */
    cJSON *tot = cJSON_CreateObject();
    for (int k = 0; k < FS_CULPRIT_NKINDS; k++) {
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, section_key[k]);
        if (!arr)
            arr = cJSON_AddArrayToObject(doc, section_key[k]);
        uint32_t from = cu->kind_off[k], to = cu->kind_off[k + 1];
        if (v->top && to - from > v->top)
            to = from + v->top;
        for (uint32_t i = from; i < to; i++)
            cJSON_AddItemToArray(arr, item_json(v, &cu->items[i]));
        if (k + 1 < FS_CULPRIT_NKINDS && !strcmp(section_key[k], section_key[k + 1]))
            continue;
        uint32_t first = (uint32_t)k;
        while (first > 0 && !strcmp(section_key[first - 1], section_key[k]))
            first--;
        jnum(tot, section_key[k], cu->kind_off[k + 1] - cu->kind_off[first]);
    }
    cJSON_AddItemToObject(doc, "totals", tot);
    cJSON *timing = cJSON_AddObjectToObject(doc, "timing");
    cJSON_AddNumberToObject(timing, "analysis_ms", v->analysis_ms);
    cJSON_AddNumberToObject(timing, "culprits_ms", v->culprits_ms);
    jnum(timing, "nodes", cu->nodes);
    jnum(timing, "edges", cu->edges);
    return fs_json_print(doc, out, err);
}

int fs_culprits_emit(const fs_culprits_view *v, fs_format fmt, FILE *out, fs_error *err)
{
    switch (fmt) {
    case FS_FMT_TEXT: return emit_text(v, out);
    case FS_FMT_JSON: return emit_json(v, out, err);
    default:
        snprintf(err->msg, sizeof err->msg, "culprits writes text or json");
        return FS_ERR_USAGE;
    }
}
