/* diff_cmd.c - `forksize diff BASE NEW`: what changed between two results.
 *
 * Each side is a module analyzed now (with this command's --root,
 * --indirect, --model, --apply options) or a saved `--format json`
 * report; report/diff.h compares them, this file shows the comparison and
 * turns the gates into an exit status.
 */
#include "diff_cmd.h"
#include "cliutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "diff.h"
#include "options.h"
#include "output.h"

enum { EXIT_GATE = 1, EXIT_BAD = 2, EXIT_NO_ROOT = 3, EXIT_CANNOT_APPLY = 4 };
enum { F_TEXT, F_JSON, F_MD };

static const char diff_usage[] =
"usage: forksize diff BASE NEW [options]\n"
"\n"
"BASE and NEW are each a module (.wasm, analyzed now) or a report saved with\n"
"forksize --stats --format json.  Shows the functions that entered or left the\n"
"closure, per-function cost changes (largest first), the change in totals and\n"
"cost terms, and how the --top set of most expensive functions moved.  The\n"
"cost is the measured delta_bytes when both sides ran --apply asyncify, else\n"
"the model's estimated cost.total.\n"
"\n"
"  --root SPEC, --indirect POLICY, --model A,B,C, --apply MODE, -O N\n"
"                        how a .wasm side is analyzed (as forksize --stats)\n"
"  --top N               size of the most-expensive set compared (default 20,\n"
"                        0 = every closure function)\n"
"  --format text|json|md output format (json: schema forksize/diff@1)\n"
"  -o FILE               write the output to FILE (atomically)\n"
"  --fail-above PCT      exit 1 when NEW's added bytes exceed BASE's by more\n"
"                        than PCT percent\n"
"  --fail-above-bytes N  exit 1 when NEW's added bytes exceed BASE's by more\n"
"                        than N bytes\n"
"  --force               compare results made with different options\n"
"  --allow-empty         go on when a side has no root matched (else exit 3)\n"
"  -q                    no warnings\n"
"Exit status: 0 ok, 1 a gate tripped, 2 bad input or different options,\n"
"3 no root matched, 4 --apply asyncify refused.\n";

typedef struct diff_opts {
    const char  *path[2], *output;
    int          format, force, allow_empty, quiet;
    unsigned     top;
    double       fail_pct;
    int64_t      fail_bytes;
    fs_cli_analysis an;     /* --root, --indirect (and for diff --model, --apply, -O) */
} diff_opts;

#define usage(...) fs_cli_usage("diff", __VA_ARGS__)

static int parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse(diff_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    fs_cli_analysis_init(&o->an);
    o->top = 20;
    o->fail_pct = -1;
    o->fail_bytes = -1;
    unsigned nfiles = 0;
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        double num;
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (nfiles == 2)
                return usage("unexpected argument '%.200s'", a);
            o->path[nfiles++] = a;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(diff_usage, stdout);
            return 0;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY | FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                 &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (fs_cli_is_opt(a, "--top")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--top")) || parse_num(v, &num) ||
                num != floor(num) || num > 1e9)
                return usage("%s", "--top needs a whole number (0 = all)");
            o->top = (unsigned)num;
        } else if (fs_cli_is_opt(a, "--fail-above")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--fail-above")) || parse_num(v, &num))
                return usage("%s", "--fail-above needs a non-negative PCT");
            o->fail_pct = num;
        } else if (fs_cli_is_opt(a, "--fail-above-bytes")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--fail-above-bytes")) ||
                parse_num(v, &num) || num != floor(num) || num > 9e15)
                return usage("%s", "--fail-above-bytes needs a whole number of bytes");
            o->fail_bytes = (int64_t)num;
        } else if (fs_cli_is_opt(a, "--format")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--format")))
                return usage("%s", "--format needs text, json or md");
            if (!strcmp(v, "text"))
                o->format = F_TEXT;
            else if (!strcmp(v, "json"))
                o->format = F_JSON;
            else if (!strcmp(v, "md"))
                o->format = F_MD;
            else
                return usage("diff writes text, json or md, not '%.100s'", v);
        } else if (!strcmp(a, "-o") || fs_cli_is_opt(a, "--output")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--output")))
                return usage("%s needs a FILE", a);
            o->output = v;
        } else {
            return usage("unknown option '%.200s' for diff", a);
        }
    }
    if (nfiles < 2)
        return usage("%s", "diff needs BASE and NEW (each a .wasm or a saved json report)");
    for (int k = 0; k < 2; k++)
        if (!strcmp(o->path[k], "-"))
            return usage("%s", "BASE and NEW must be files, not standard input");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

/* Is PATH a module?  By content: "\0asm" first; a report starts with '{'. */
static int sniff(const char *path, int *is_wasm)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "forksize: %s: cannot open: %s\n", path, strerror(errno));
        return EXIT_BAD;
    }
    unsigned char head[4] = { 0 };
    size_t got = fread(head, 1, 4, fp);
    int c = 0;
    if (got == 4 && !memcmp(head, "\0asm", 4)) {
        *is_wasm = 1;
    } else {
        rewind(fp);
        while ((c = fgetc(fp)) == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        *is_wasm = 0;
    }
    fclose(fp);
    if (!*is_wasm && c != '{') {
        fprintf(stderr, "forksize: %s: offset 0x0: neither a WebAssembly module (\\0asm) nor "
                "a forksize --format json report\n", path);
        return EXIT_BAD;
    }
    return -1;
}

static int load(const diff_opts *o, const char *path, fs_diff_side *s)
{
    int is_wasm = 0, st;
    fs_error err;
    if ((st = sniff(path, &is_wasm)) >= 0)
        return st;
    if (!is_wasm) {
        char *text;
        size_t len;
        if (fs_cli_read_file(path, &text, &len))
            return EXIT_BAD;
        st = fs_diff_side_from_json(s, path, text, len, &err);
        free(text);
        return st ? fs_cli_fail(path, &err, EXIT_BAD) : -1;
    }
    fs_analysis a;
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    st = fs_analysis_run(&a, path, &ao, &err);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", path, err.msg);
        fs_analysis_free(&a);
        return EXIT_CANNOT_APPLY;
    }
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(path, &err, EXIT_BAD);
    }
    if (!o->quiet)
        for (unsigned i = 0; i < a.report.nwarnings; i++)
            fprintf(stderr, "forksize: %s: warning: %s\n", path, a.report.warnings[i]);
    st = fs_diff_side_from_report(s, &a.report, &err);
    if (!st)
        s->roots_matched = a.c.nroots;
    fs_analysis_free(&a);
    return st ? fs_cli_fail(path, &err, EXIT_BAD) : -1;
}

/* ------------------------------------------------------------ text / md */

/* "name [3]", "name [3 -> 4]", "name [4] (new function)". */
static const char *fn_label(const fs_diff *d, fs_diff_fn f, char *buf, size_t cap)
{
    char nb[32];
    const char *name = fs_diff_fn_name(d, f, nb, sizeof nb);
    if (f.b == UINT32_MAX)
        snprintf(buf, cap, "%s [%u] (new function)", name, d->new_->rows[f.n].index);
    else if (f.n == UINT32_MAX)
        snprintf(buf, cap, "%s [%u] (removed)", name, d->base->rows[f.b].index);
    else if (d->base->rows[f.b].index != d->new_->rows[f.n].index)
        snprintf(buf, cap, "%s [%u -> %u]", name, d->base->rows[f.b].index,
                 d->new_->rows[f.n].index);
    else if (name == nb)    /* unnamed: "func[N]" already says N */
        snprintf(buf, cap, "%s", name);
    else
        snprintf(buf, cap, "%s [%u]", name, d->new_->rows[f.n].index);
    return buf;
}

static const char *after_label(const fs_diff *d, char *buf, size_t cap)
{
    if (!strcmp(d->base->label, d->new_->label))
        snprintf(buf, cap, "%s", d->base->label);
    else
        snprintf(buf, cap, "base %s, new %s", d->base->label, d->new_->label);
    return buf;
}

static void side_line(FILE *out, int md, const char *which, const fs_diff_side *s)
{
    fprintf(out, "%s%s %s  [%s, sha256 %s, forksize %s, %s]\n", md ? "- **" : "", which,
            s->path, s->from_json ? "report" : "wasm", s->sha256, s->tool_version, s->label);
}

static void options_line(FILE *out, const fs_diff_side *s)
{
    fprintf(out, "roots ");
    for (unsigned i = 0; i < s->nroots; i++)
        fprintf(out, "%s%s", i ? "," : "", s->roots[i]);
    fprintf(out, "; indirect %s; apply %s", s->indirect, s->apply);
    if (s->has_opt_level)
        fprintf(out, " -O%d", s->opt_level);
    fprintf(out, "; model %g,%g,%g", s->model[0], s->model[1], s->model[2]);
}

static void triple(FILE *out, int md, const char *what, int64_t b, int64_t n, const char *label)
{
    if (md)
        fprintf(out, "| %s | %lld | %lld | %+lld | %s |\n", what, (long long)b, (long long)n,
                (long long)(n - b), label);
    else
        fprintf(out, "%-22s %12lld %12lld %+10lld  %s\n", what, (long long)b, (long long)n,
                (long long)(n - b), label);
}

static void cost_cell(char *buf, size_t cap, const fs_diff *d, const fs_diff_change *c, int k)
{
    if (d->measured && !c->measured[k])
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%lld", (long long)c->cost[k]);
}

static void emit_text(FILE *out, const fs_diff *d, int md)
{
    const fs_diff_side *b = d->base, *n = d->new_;
    char lb[64], fb[600], c0[24], c1[24];
    const char *est = d->measured ? "measured" : d->cost_label;
    fprintf(out, md ? "# forksize diff\n\n" : "forksize diff\n");
    side_line(out, md, md ? "base**" : "base:", b);
    side_line(out, md, md ? "new**" : "new: ", n);
    if (md)
        fputc('\n', out);
    if (d->identical_input)
        fprintf(out, "identical input: both sides are the same module (sha256 %s)\n", b->sha256);
    fprintf(out, "options: ");
    options_line(out, b);
    fputc('\n', out);
    if (d->options_differ[0])
        fprintf(out, "warning: options differ (compared anyway, --force): %s\n",
                d->options_differ);
    if (d->tool_versions_differ)
        fprintf(out, "warning: tool versions differ: %s vs %s\n", b->tool_version,
                n->tool_version);
    fprintf(out, "cost per function: %s\n", d->measured
            ? "delta_bytes (measured: --apply asyncify on both sides)"
            : strcmp(d->cost_label, "estimated") ? "cost.total (forkinstr's exact bytes)"
                                                 : "cost.total (estimated by the model)");
    fprintf(out, "functions: %u paired by name, %u by index, %u added, %u removed\n\n",
            d->by_name, d->by_index, d->added, d->removed);

    after_label(d, lb, sizeof lb);
    if (md)
        fprintf(out, "| totals | base | new | change | label |\n|---|---:|---:|---:|---|\n");
    else
        fprintf(out, "%-22s %12s %12s %10s\n", "totals", "base", "new", "change");
    triple(out, md, "code bytes before", (int64_t)b->code_before, (int64_t)n->code_before,
           "measured");
    triple(out, md, "code bytes after", (int64_t)b->code_after, (int64_t)n->code_after, lb);
    triple(out, md, "added bytes", (int64_t)(b->code_after - b->code_before),
           (int64_t)(n->code_after - n->code_before), lb);
    if (md)
        fprintf(out, "| growth | %.2f%% | %.2f%% | %+.2f pp | %s |\n", b->growth * 100,
                n->growth * 100, (n->growth - b->growth) * 100, lb);
    else
        fprintf(out, "%-22s %11.2f%% %11.2f%% %+7.2f pp  %s\n", "growth", b->growth * 100,
                n->growth * 100, (n->growth - b->growth) * 100, lb);
    triple(out, md, "terms: fixed", (int64_t)b->terms.fixed, (int64_t)n->terms.fixed, d->cost_label);
    triple(out, md, "terms: callsite", (int64_t)b->terms.callsite, (int64_t)n->terms.callsite,
           d->cost_label);
    triple(out, md, "terms: local", (int64_t)b->terms.local, (int64_t)n->terms.local, d->cost_label);
    if (strcmp(d->cost_label, "estimated"))
        triple(out, md, "terms: dispatch", (int64_t)b->terms.dispatch, (int64_t)n->terms.dispatch,
               d->cost_label);
    triple(out, md, "terms: total", (int64_t)b->terms.total, (int64_t)n->terms.total, d->cost_label);

    fprintf(out, "\nclosure: %u -> %u functions (%+lld)\n", b->closure_functions,
            n->closure_functions, (long long)n->closure_functions - (long long)b->closure_functions);
    fprintf(out, "entered the closure: %u\n", d->nentered);
    for (uint32_t i = 0; i < d->nentered; i++)
        fprintf(out, "%s%s\n", md ? "- " : "  ", fn_label(d, d->entered[i], fb, sizeof fb));
    fprintf(out, "left the closure: %u\n", d->nleft);
    for (uint32_t i = 0; i < d->nleft; i++)
        fprintf(out, "%s%s\n", md ? "- " : "  ", fn_label(d, d->left[i], fb, sizeof fb));

    fprintf(out, "\ncost changes (%s %s; terms %s), largest first: %u\n",
            est, d->measured ? "delta_bytes" : "cost.total", d->cost_label,
            d->nchanges);
    if (d->nchanges) {
        if (md)
            fprintf(out, "\n| function | base | new | change | fixed | callsite | local |\n"
                    "|---|---:|---:|---:|---:|---:|---:|\n");
        else
            fprintf(out, "  %-30s %8s %8s %8s %8s %8s %8s\n", "function", "base", "new",
                    "change", "fixed", "callsite", "local");
    }
    for (uint32_t i = 0; i < d->nchanges; i++) {
        const fs_diff_change *c = &d->changes[i];
        cost_cell(c0, sizeof c0, d, c, 0);
        cost_cell(c1, sizeof c1, d, c, 1);
        long long df = (long long)c->est[1].fixed - (long long)c->est[0].fixed;
        long long dc = (long long)c->est[1].callsite - (long long)c->est[0].callsite;
        long long dl = (long long)c->est[1].local - (long long)c->est[0].local;
        long long dt = (long long)(c->cost[1] - c->cost[0]);
        fn_label(d, c->fn, fb, sizeof fb);
        if (md)
            fprintf(out, "| %s | %s | %s | %+lld | %+lld | %+lld | %+lld |\n", fb, c0, c1, dt,
                    df, dc, dl);
        else
            fprintf(out, "  %-30s %8s %8s %+8lld %+8lld %+8lld %+8lld\n", fb, c0, c1, dt, df,
                    dc, dl);
    }

    int changed = d->ntop_in || d->ntop_out || d->ntop_moved;
    fprintf(out, "\ntop ");
    if (d->top)
        fprintf(out, "%u", d->top);
    else
        fprintf(out, "(all)");
    fprintf(out, " by %s cost: %s\n", est, changed ? "changed" : "unchanged");
    for (uint32_t i = 0; i < d->ntop_in; i++)
        fprintf(out, "%sin:    %s at #%u\n", md ? "- " : "  ",
                fn_label(d, d->top_in[i].fn, fb, sizeof fb), d->top_in[i].new_rank);
    for (uint32_t i = 0; i < d->ntop_out; i++)
        fprintf(out, "%sout:   %s was #%u\n", md ? "- " : "  ",
                fn_label(d, d->top_out[i].fn, fb, sizeof fb), d->top_out[i].base_rank);
    for (uint32_t i = 0; i < d->ntop_moved; i++)
        fprintf(out, "%smoved: %s #%u -> #%u\n", md ? "- " : "  ",
                fn_label(d, d->top_moved[i].fn, fb, sizeof fb), d->top_moved[i].base_rank,
                d->top_moved[i].new_rank);
}

/* ----------------------------------------------------------------- json */

static void jtriple(cJSON *o, const char *k, double b, double n)
{
    cJSON *t = cJSON_AddObjectToObject(o, k);
    cJSON_AddNumberToObject(t, "base", b);
    cJSON_AddNumberToObject(t, "new", n);
    cJSON_AddNumberToObject(t, "change", n - b);
}

static cJSON *jfn(const fs_diff *d, fs_diff_fn f)
{
    cJSON *o = cJSON_CreateObject();
    const fs_diff_row *rb = f.b != UINT32_MAX ? &d->base->rows[f.b] : NULL;
    const fs_diff_row *rn = f.n != UINT32_MAX ? &d->new_->rows[f.n] : NULL;
    const char *name = rn && rn->name ? rn->name : rb && rb->name ? rb->name : NULL;
    if (name)
        cJSON_AddStringToObject(o, "name", name);
    else
        cJSON_AddNullToObject(o, "name");
    if (rb)
        cJSON_AddNumberToObject(o, "base_index", rb->index);
    else
        cJSON_AddNullToObject(o, "base_index");
    if (rn)
        cJSON_AddNumberToObject(o, "new_index", rn->index);
    else
        cJSON_AddNullToObject(o, "new_index");
    cJSON_AddStringToObject(o, "status", rb && rn ? "paired" : rb ? "removed" : "added");
    return o;
}

static void jside(cJSON *doc, const char *k, const fs_diff_side *s)
{
    cJSON *o = cJSON_AddObjectToObject(doc, k);
    cJSON_AddStringToObject(o, "source", s->from_json ? "report" : "wasm");
    cJSON_AddStringToObject(o, "path", s->path);
    cJSON_AddStringToObject(o, "sha256", s->sha256);
    cJSON_AddStringToObject(o, "tool_version", s->tool_version);
    cJSON_AddStringToObject(o, "mode", s->mode);
    cJSON_AddStringToObject(o, "label", s->label);
    cJSON_AddNumberToObject(o, "roots_matched", (double)s->roots_matched);
}

static void jranks(cJSON *top, const char *k, const fs_diff *d, const fs_diff_rank *r,
                   uint32_t n, int which)
{
    cJSON *a = cJSON_AddArrayToObject(top, k);
    for (uint32_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "fn", jfn(d, r[i].fn));
        if (which == 0)
            cJSON_AddNumberToObject(e, "rank", r[i].new_rank);
        else if (which == 1)
            cJSON_AddNumberToObject(e, "rank", r[i].base_rank);
        else {
            cJSON_AddNumberToObject(e, "base_rank", r[i].base_rank);
            cJSON_AddNumberToObject(e, "new_rank", r[i].new_rank);
        }
        cJSON_AddItemToArray(a, e);
    }
}

static char *emit_json(const fs_diff *d, const diff_opts *o, int tripped, const char *reason)
{
    const fs_diff_side *b = d->base, *n = d->new_;
    char lb[64];
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", FS_DIFF_SCHEMA);
    cJSON *tool = cJSON_AddObjectToObject(doc, "tool");
    cJSON_AddStringToObject(tool, "name", "forksize");
    cJSON_AddStringToObject(tool, "version", FORKSIZE_VERSION);
    jside(doc, "base", b);
    jside(doc, "new", n);
    cJSON_AddBoolToObject(doc, "identical_input", d->identical_input);
    cJSON *opt = cJSON_AddObjectToObject(doc, "options");
    cJSON *ors = cJSON_AddArrayToObject(opt, "roots");
    for (unsigned i = 0; i < b->nroots; i++)
        cJSON_AddItemToArray(ors, cJSON_CreateString(b->roots[i]));
    cJSON_AddStringToObject(opt, "indirect", b->indirect);
    cJSON_AddStringToObject(opt, "apply", b->apply);
    if (b->has_opt_level)
        cJSON_AddNumberToObject(opt, "opt_level", b->opt_level);
    cJSON *mdl = cJSON_AddArrayToObject(opt, "model");
    for (int k = 0; k < 3; k++)
        cJSON_AddItemToArray(mdl, cJSON_CreateNumber(b->model[k]));
    cJSON *od = cJSON_AddArrayToObject(doc, "options_differ");
    /* One entry per difference: the text is "a vs b; c vs d". */
    for (const char *p = d->options_differ; *p;) {
        const char *e = strstr(p, "; ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char one[1024];
        snprintf(one, sizeof one, "%.*s", (int)len, p);
        cJSON_AddItemToArray(od, cJSON_CreateString(one));
        p += len + (e ? 2 : 0);
    }
    cJSON *warn = cJSON_AddArrayToObject(doc, "warnings");
    if (d->tool_versions_differ) {
        char w[256];
        snprintf(w, sizeof w, "tool versions differ: %.100s vs %.100s", b->tool_version,
                 n->tool_version);
        cJSON_AddItemToArray(warn, cJSON_CreateString(w));
    }
    cJSON *cost = cJSON_AddObjectToObject(doc, "cost");
    cJSON_AddStringToObject(cost, "metric", d->measured ? "delta_bytes" : "cost.total");
    cJSON_AddStringToObject(cost, "label", d->measured ? "measured" : d->cost_label);
    cJSON *mt = cJSON_AddObjectToObject(doc, "matching");
    cJSON_AddNumberToObject(mt, "by_name", d->by_name);
    cJSON_AddNumberToObject(mt, "by_index", d->by_index);
    cJSON_AddNumberToObject(mt, "added", d->added);
    cJSON_AddNumberToObject(mt, "removed", d->removed);
    cJSON *tot = cJSON_AddObjectToObject(doc, "totals");
    cJSON_AddStringToObject(tot, "label", after_label(d, lb, sizeof lb));
    jtriple(tot, "code_bytes_before", (double)b->code_before, (double)n->code_before);
    jtriple(tot, "code_bytes_after", (double)b->code_after, (double)n->code_after);
    jtriple(tot, "added_bytes", (double)b->code_after - (double)b->code_before,
            (double)n->code_after - (double)n->code_before);
    jtriple(tot, "growth", b->growth, n->growth);
    cJSON *terms = cJSON_AddObjectToObject(doc, "terms");
    cJSON_AddStringToObject(terms, "label", d->cost_label);
    jtriple(terms, "fixed", (double)b->terms.fixed, (double)n->terms.fixed);
    jtriple(terms, "callsite", (double)b->terms.callsite, (double)n->terms.callsite);
    jtriple(terms, "local", (double)b->terms.local, (double)n->terms.local);
    jtriple(terms, "total", (double)b->terms.total, (double)n->terms.total);
    cJSON *cl = cJSON_AddObjectToObject(doc, "closure");
    jtriple(cl, "functions", b->closure_functions, n->closure_functions);
    cJSON *ent = cJSON_AddArrayToObject(cl, "entered"), *lft = cJSON_AddArrayToObject(cl, "left");
    for (uint32_t i = 0; i < d->nentered; i++)
        cJSON_AddItemToArray(ent, jfn(d, d->entered[i]));
    for (uint32_t i = 0; i < d->nleft; i++)
        cJSON_AddItemToArray(lft, jfn(d, d->left[i]));
    cJSON *ch = cJSON_AddArrayToObject(doc, "changes");
    for (uint32_t i = 0; i < d->nchanges; i++) {
        const fs_diff_change *c = &d->changes[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "fn", jfn(d, c->fn));
        jtriple(e, "cost", (double)c->cost[0], (double)c->cost[1]);
        cJSON *ms = cJSON_AddArrayToObject(e, "measured");
        cJSON_AddItemToArray(ms, cJSON_CreateBool(c->measured[0]));
        cJSON_AddItemToArray(ms, cJSON_CreateBool(c->measured[1]));
        jtriple(e, "total", (double)c->est[0].total, (double)c->est[1].total);
        jtriple(e, "fixed", (double)c->est[0].fixed, (double)c->est[1].fixed);
        jtriple(e, "callsite", (double)c->est[0].callsite, (double)c->est[1].callsite);
        jtriple(e, "local", (double)c->est[0].local, (double)c->est[1].local);
        cJSON_AddItemToArray(ch, e);
    }
    cJSON *top = cJSON_AddObjectToObject(doc, "top");
    cJSON_AddNumberToObject(top, "n", d->top);
    cJSON_AddBoolToObject(top, "changed", d->ntop_in || d->ntop_out || d->ntop_moved);
    jranks(top, "in", d, d->top_in, d->ntop_in, 0);
    jranks(top, "out", d, d->top_out, d->ntop_out, 1);
    jranks(top, "moved", d, d->top_moved, d->ntop_moved, 2);
    cJSON *gate = cJSON_AddObjectToObject(doc, "gate");
    if (o->fail_pct >= 0)
        cJSON_AddNumberToObject(gate, "fail_above_pct", o->fail_pct);
    else
        cJSON_AddNullToObject(gate, "fail_above_pct");
    if (o->fail_bytes >= 0)
        cJSON_AddNumberToObject(gate, "fail_above_bytes", (double)o->fail_bytes);
    else
        cJSON_AddNullToObject(gate, "fail_above_bytes");
    cJSON_AddBoolToObject(gate, "tripped", tripped);
    if (tripped)
        cJSON_AddStringToObject(gate, "reason", reason);
    else
        cJSON_AddNullToObject(gate, "reason");
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    return text;
}

/* ------------------------------------------------------------------ main */

static int no_root(const diff_opts *o, const fs_diff_side *s)
{
    if (s->roots_matched || o->allow_empty)
        return -1;
    fprintf(stderr, "forksize: %s: no root matched (", s->path);
    for (unsigned i = 0; i < s->nroots; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", s->roots[i]);
    fprintf(stderr, "): the fork path is not active in this module; name a root with --root, "
            "or pass --allow-empty\n");
    return EXIT_NO_ROOT;
}

static int run(const diff_opts *o, fs_diff_side side[2])
{
    int st;
    fs_error err;
    for (int k = 0; k < 2; k++)
        if ((st = load(o, o->path[k], &side[k])) >= 0)
            return st;
    for (int k = 0; k < 2; k++)
        if ((st = no_root(o, &side[k])) >= 0)
            return st;
    fs_diff d;
    if (fs_diff_compute(&d, &side[0], &side[1], o->top, &err))
        return fs_cli_fail(NULL, &err, EXIT_BAD);
    if (d.options_differ[0] && !o->force) {
        fprintf(stderr, "forksize: %s vs %s: options differ: %s (compare anyway with --force)\n",
                o->path[0], o->path[1], d.options_differ);
        fs_diff_free(&d);
        return EXIT_BAD;
    }
    if (!o->quiet && d.options_differ[0])
        fprintf(stderr, "forksize: warning: options differ: %s\n", d.options_differ);
    if (!o->quiet && d.tool_versions_differ)
        fprintf(stderr, "forksize: warning: tool versions differ: %s vs %s\n",
                side[0].tool_version, side[1].tool_version);
    char reason[512] = "";
    int tripped = fs_diff_gate(&d, o->fail_pct, o->fail_bytes, reason, sizeof reason);
    fs_out out;
    if (fs_out_open(&out, o->output, o->path[0], &err)) {
        fs_diff_free(&d);
        return fs_cli_fail(o->output, &err, EXIT_BAD);
    }
    if (o->output && !strcmp(o->output, o->path[1])) {
        fs_out_abort(&out);
        fs_diff_free(&d);
        fprintf(stderr, "forksize: %s: the output may not be an input\n", o->output);
        return EXIT_BAD;
    }
    st = 0;
    if (o->format == F_JSON) {
        char *text = emit_json(&d, o, tripped, reason);
        if (text)
            fprintf(out.fp, "%s\n", text);
        else
            st = 1;
        cJSON_free(text);
    } else {
        emit_text(out.fp, &d, o->format == F_MD);
    }
    fs_diff_free(&d);
    if (st) {
        fs_out_abort(&out);
        fprintf(stderr, "forksize: out of memory writing JSON\n");
        return EXIT_BAD;
    }
    if (fs_out_commit(&out, &err))
        return fs_cli_fail(o->output ? o->output : "stdout", &err, EXIT_BAD);
    if (tripped) {
        fprintf(stderr, "forksize: %s\n", reason);
        return EXIT_GATE;
    }
    return 0;
}

int fs_cmd_diff(int argc, char **argv)
{
    diff_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_diff_side side[2];
    memset(side, 0, sizeof side);
    st = run(&o, side);
    fs_diff_side_free(&side[0]);
    fs_diff_side_free(&side[1]);
    return st;
}
