/* culprits_cmd.c - `forksize culprits`: the decisions that pull functions
 * into the closure, ranked by what they alone cost (analyzer/culprits.h),
 * each with the concrete change that would drop them.
 */
#include "culprits_cmd.h"
#include "cliutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "culprits.h"
#include "output.h"
#include "paths.h"

enum { EXIT_BAD = 2, EXIT_NO_ROOT = 3, EXIT_CANNOT_APPLY = 4 };

static const char culprits_usage[] =
"usage: forksize culprits MODULE.wasm [--root SPEC]... [--indirect POLICY]\n"
"                         [--format text|json] [-o FILE] [--top N]\n"
"                         [--apply model|asyncify] [-O N] [--model A,B,C]\n"
"\n"
"Ranks the decisions that pull functions into the fork-path closure by the\n"
"bytes the functions they alone account for cost (the model's estimate; with\n"
"--apply asyncify also the measured growth of those functions):\n"
"  policies   each stricter --indirect policy, recomputed exactly\n"
"  roots      each root function, and each call: root spec: what leaves\n"
"             without it\n"
"  types      each call_indirect type: what leaves if its calls could not\n"
"             unwind\n"
"  edges      each caller->callee edge that is the only way some functions\n"
"             reach a root (dominator tree of the reversed call graph)\n"
"  call-site  call:CALLER->IMPORT roots instead of an import root, for callers\n"
"             named like fork (a syscall-multiplexing import otherwise pulls\n"
"             in every function that makes a syscall)\n"
"--top N lists N per section (default 10; 0 lists all), in text and JSON.\n"
"--root, --indirect, --apply, -O, --model: as for forksize --stats.\n"
"--allow-empty (go on when no root matched, else exit 3), -q (no warnings).\n";

typedef struct cmd_opts {
    const char *module, *output;
    int         json, allow_empty, quiet;
    unsigned    top;
    fs_cli_analysis an;
} cmd_opts;

#define usage(...) fs_cli_usage("culprits", __VA_ARGS__)

/* Returns -1 to go on, else an exit status. */
static int parse(cmd_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
    fs_cli_analysis_init(&o->an);
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (!strcmp(a, "-") && !only_files)
                return usage("%s", "a module must be a file, not standard input");
            if (o->module)
                return usage("unexpected argument '%.200s'", a);
            o->module = a;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(culprits_usage, stdout);
            return 0;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY |
                                                FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (fs_cli_is_opt(a, "--format")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--format")))
                return usage("%s", "--format needs text or json");
            if (strcmp(v, "text") && strcmp(v, "json"))
                return usage("culprits writes text or json, not '%.100s'", v);
            o->json = !strcmp(v, "json");
        } else if (!strcmp(a, "-o") || fs_cli_is_opt(a, "--output")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--output")))
                return usage("%s needs a FILE", a);
            o->output = v;
        } else if (fs_cli_is_opt(a, "--top")) {
            char *end;
            if (!(v = fs_cli_value(argc, argv, &i, "--top")))
                return usage("%s", "--top needs a number");
            unsigned long n = strtoul(v, &end, 10);
            if (!*v || *end || v[0] == '-' || n > 1000000)
                return usage("--top needs a number from 0 to 1000000, not '%.100s'", v);
            o->top = (unsigned)n;
        } else {
            return usage("unknown option '%.200s' for culprits", a);
        }
    }
    if (!o->module)
        return usage("%s", "no module given");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- words ---------------------------------------------------------- */

typedef struct view {
    const fs_analysis *a;
    const fs_culprits *cu;
    const cmd_opts    *o;
    double analysis_ms, culprits_ms;
} view;

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
static void suggestion(const view *v, const fs_culprit *x, char *buf, size_t cap)
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

static int emit_text(const view *v, FILE *out)
{
    const fs_analysis *a = v->a;
    const fs_culprits *cu = v->cu;
    char sz[48], line[1200];
    fprintf(out, "forksize %s culprits  %s\n", FORKSIZE_VERSION, v->o->module);
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
        if (v->o->top && v->o->top < shown)
            shown = v->o->top;
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

static cJSON *item_json(const view *v, const fs_culprit *x)
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

static int emit_json(const view *v, FILE *out, fs_error *err)
{
    const fs_analysis *a = v->a;
    const fs_culprits *cu = v->cu;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", "forksize/culprits@1");
    cJSON *tool = cJSON_AddObjectToObject(doc, "tool");
    cJSON_AddStringToObject(tool, "name", "forksize");
    cJSON_AddStringToObject(tool, "version", FORKSIZE_VERSION);
    cJSON *opt = cJSON_AddObjectToObject(doc, "options");
    cJSON *ors = cJSON_AddArrayToObject(opt, "roots");
    for (unsigned i = 0; i < a->nroots; i++)
        cJSON_AddItemToArray(ors, cJSON_CreateString(a->roots[i].text));
    cJSON_AddBoolToObject(opt, "roots_default", a->report.roots_default);
    cJSON_AddStringToObject(opt, "indirect", fs_policy_name[a->c.policy]);
    cJSON_AddStringToObject(opt, "apply", a->report.apply_requested);
    jnum(opt, "top", v->o->top);
    cJSON *mod = cJSON_AddObjectToObject(doc, "module");
    cJSON_AddStringToObject(mod, "path", v->o->module);
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
        if (v->o->top && to - from > v->o->top)
            to = from + v->o->top;
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

/* ---- command -------------------------------------------------------- */

int fs_cmd_culprits(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_error err;
    memset(&err, 0, sizeof err);
    fs_analysis a;
    fs_analysis_opts ao = fs_cli_analysis_opts(&o.an);
    /* culprits prices with the model (and, with --apply asyncify, the
     * measured growth): the default dry run would only cost time. */
    if (o.an.apply_default) {
        ao.apply = FS_APPLY_MODEL;
        ao.apply_default = 0;
    }
    double t0 = now_ms();
    st = fs_analysis_run(&a, o.module, &ao, &err);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", o.module, err.msg);
        fs_analysis_free(&a);
        return EXIT_CANNOT_APPLY;
    }
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(o.module, &err, EXIT_BAD);
    }
    if (!o.quiet)
        for (unsigned i = 0; i < a.report.nwarnings; i++)
            fprintf(stderr, "forksize: %s: warning: %s\n", o.module, a.report.warnings[i]);
    if (!a.c.nroots && !o.allow_empty) {
        fprintf(stderr, "forksize: %s: no root matched (", o.module);
        for (unsigned i = 0; i < a.nroots; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", a.roots[i].text);
        fprintf(stderr, "%s): the fork path is not active in this module; name a root with "
                "--root, or pass --allow-empty\n", o.an.roots_default ? " are the defaults" : "");
        fs_analysis_free(&a);
        return EXIT_NO_ROOT;
    }
    double t1 = now_ms();
    uint64_t *weight = malloc(((size_t)a.m.nfuncs + 1) * sizeof *weight);
    if (!weight) {
        fs_analysis_free(&a);
        snprintf(err.msg, sizeof err.msg, "out of memory");
        return fs_cli_fail(o.module, &err, EXIT_BAD);
    }
    for (uint32_t f = 0; f < a.m.nfuncs; f++)
        weight[f] = a.costs[f].total;
    fs_culprits cu;
    fs_culprits_input ci = {
        &a.g, &a.c, a.roots, a.nroots, weight, &o.an.profile,
        a.report.applied ? a.measure.present : NULL, a.report.applied ? a.measure.delta : NULL,
    };
    st = fs_culprits_compute(&ci, &cu, &err);
    free(weight);
    double t2 = now_ms();
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(o.module, &err, EXIT_BAD);
    }
    if (cu.mismatch && !o.quiet)
        fprintf(stderr, "forksize: %s: warning: the culprit graph disagrees with the closure "
                "on %u functions (a bug: please report it)\n", o.module, cu.mismatch);
    view v = { &a, &cu, &o, t1 - t0, t2 - t1 };
    fs_out out;
    if ((st = fs_out_open(&out, o.output, o.module, &err))) {
        fs_culprits_free(&cu);
        fs_analysis_free(&a);
        return fs_cli_fail(o.output, &err, EXIT_BAD);
    }
    memset(&err, 0, sizeof err);
    st = o.json ? emit_json(&v, out.fp, &err) : emit_text(&v, out.fp);
    if (st) {
        if (!err.msg[0])
            snprintf(err.msg, sizeof err.msg, "write error");
        fs_out_abort(&out);
    } else {
        st = fs_out_commit(&out, &err);
    }
    fs_culprits_free(&cu);
    fs_analysis_free(&a);
    return st ? fs_cli_fail(o.output ? o.output : "stdout", &err, EXIT_BAD) : 0;
}
