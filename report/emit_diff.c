/* emit_diff.c - forksize diff's output (diff.h): text, Markdown, and the
 * forksize/diff@1 JSON document.  Only formats: every figure and every
 * order comes from fs_diff_compute. */
#include "diff.h"
#include "diff_group.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

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

/* How the functions were paired: counts per method, what stayed unpaired,
 * and why the stages that could not run did not. */
static void pairing_lines(FILE *out, const fs_diff *d)
{
    const fs_pairing *p = &d->pairing;
    fprintf(out, "functions: %u paired (%u by name, %u by body, %u by body order, "
            "%u by fingerprint, %u by index); unpaired: %u base (removed), %u new (added)\n",
            d->paired, p->count[FS_PAIR_NAME], p->count[FS_PAIR_BODY],
            p->count[FS_PAIR_BODY_ORDER], p->count[FS_PAIR_FINGERPRINT],
            p->count[FS_PAIR_INDEX], d->removed, d->added);
    fprintf(out, "pairing: ");
    for (unsigned i = 0; i < d->stages.n; i++)
        fprintf(out, "%s%s", i ? ", " : "", fs_pair_method_name[d->stages.stage[i]]);
    if (d->identical_input)
        fprintf(out, " (same module: the rest by index)");
    if (p->no_bodies)
        fprintf(out, "; body and fingerprint skipped: a side is a saved report");
    if (p->body_dup_groups)
        fprintf(out, "; %u duplicated bodies with unequal counts left", p->body_dup_groups);
    if (p->fp_rounds)
        fprintf(out, "; fingerprint: %u round%s, left %u ambiguous, %u below the bar%s",
                p->fp_rounds, p->fp_rounds == 1 ? "" : "s", p->fp_ambiguous, p->fp_weak,
                p->fp_skipped ? "," : "");
    if (p->fp_skipped)
        fprintf(out, " %u in signature groups too large to score", p->fp_skipped);
    fputc('\n', out);
}

/* A list cut at --top (0: all), with how many more there are. */
static void fn_list(FILE *out, const fs_diff *d, int md, const char *what, const fs_diff_fn *v,
                    uint32_t n)
{
    char fb[600];
    uint32_t shown = d->top && n > d->top ? d->top : n;
    fprintf(out, "%s: %u", what, n);
    if (shown < n)
        fprintf(out, " (the %u costliest shown; --top 0 lists all)", shown);
    fputc('\n', out);
    for (uint32_t i = 0; i < shown; i++)
        fprintf(out, "%s%s\n", md ? "- " : "  ", fn_label(d, v[i], fb, sizeof fb));
    if (shown < n)
        fprintf(out, "%s... %u more\n", md ? "- " : "  ", n - shown);
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
    pairing_lines(out, d);
    fputc('\n', out);

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
    if (b->has_np && n->has_np) {
        static const char *const what[FS_FI_NNP] = { "normal path: entry", "normal path: sites",
                                                     "normal path: loops" };
        for (int i = 0; i < FS_FI_NNP; i++)
            triple(out, md, what[i], (int64_t)b->np[i], (int64_t)n->np[i], "exact");
    }
    triple(out, md, "terms: total", (int64_t)b->terms.total, (int64_t)n->terms.total, d->cost_label);

    fprintf(out, "\nclosure: %u -> %u functions (%+lld)\n", b->closure_functions,
            n->closure_functions, (long long)n->closure_functions - (long long)b->closure_functions);
    fn_list(out, d, md, "entered the closure", d->entered, d->nentered);
    fn_list(out, d, md, "left the closure", d->left, d->nleft);

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
    if (rb && rn)
        cJSON_AddStringToObject(o, "paired_by", fs_pair_method_name[f.how]);
    else
        cJSON_AddNullToObject(o, "paired_by");
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

static cJSON *build_json(const fs_diff *d, const fs_diff_gate_view *g, const char *tool_version)
{
    const fs_diff_side *b = d->base, *n = d->new_;
    char lb[64];
    cJSON *doc = cJSON_CreateObject();
    fs_json_head(doc, FS_DIFF_SCHEMA, tool_version);
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
    const fs_pairing *pr = &d->pairing;
    cJSON *mt = cJSON_AddObjectToObject(doc, "matching");
    for (int k = FS_PAIR_NAME; k < FS_PAIR_NMETHODS; k++) {
        char key[32];
        snprintf(key, sizeof key, "by_%s", fs_pair_method_name[k]);
        cJSON_AddNumberToObject(mt, key, pr->count[k]);
    }
    cJSON_AddNumberToObject(mt, "added", d->added);
    cJSON_AddNumberToObject(mt, "removed", d->removed);
    cJSON *stg = cJSON_AddArrayToObject(mt, "stages");
    for (unsigned i = 0; i < d->stages.n; i++)
        cJSON_AddItemToArray(stg, cJSON_CreateString(fs_pair_method_name[d->stages.stage[i]]));
    cJSON_AddBoolToObject(mt, "bodies", !pr->no_bodies);
    cJSON_AddNumberToObject(mt, "body_duplicate_groups", pr->body_dup_groups);
    if (pr->fp_rounds) {
        cJSON *fp = cJSON_AddObjectToObject(mt, "fingerprint");
        cJSON_AddNumberToObject(fp, "rounds", pr->fp_rounds);
        cJSON_AddNumberToObject(fp, "ambiguous", pr->fp_ambiguous);
        cJSON_AddNumberToObject(fp, "weak", pr->fp_weak);
        cJSON_AddNumberToObject(fp, "skipped", pr->fp_skipped);
    }
    cJSON *tot = cJSON_AddObjectToObject(doc, "totals");
    cJSON_AddStringToObject(tot, "label", after_label(d, lb, sizeof lb));
    jtriple(tot, "code_bytes_before", (double)b->code_before, (double)n->code_before);
    jtriple(tot, "code_bytes_after", (double)b->code_after, (double)n->code_after);
    jtriple(tot, "added_bytes", (double)b->code_after - (double)b->code_before,
            (double)n->code_after - (double)n->code_before);
    jtriple(tot, "growth", b->growth, n->growth);
    if (b->has_np && n->has_np) {
        cJSON *np = cJSON_AddObjectToObject(doc, "normal_path");
        cJSON_AddStringToObject(np, "label", "exact");
        double tb = 0, tn = 0;
        for (int i = 0; i < FS_FI_NNP; i++) {
            jtriple(np, fs_fi_np_name[i], (double)b->np[i], (double)n->np[i]);
            tb += (double)b->np[i];
            tn += (double)n->np[i];
        }
        jtriple(np, "total", tb, tn);
    }
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
    if (g->fail_pct >= 0)
        cJSON_AddNumberToObject(gate, "fail_above_pct", g->fail_pct);
    else
        cJSON_AddNullToObject(gate, "fail_above_pct");
    if (g->fail_bytes >= 0)
        cJSON_AddNumberToObject(gate, "fail_above_bytes", (double)g->fail_bytes);
    else
        cJSON_AddNullToObject(gate, "fail_above_bytes");
    cJSON_AddBoolToObject(gate, "tripped", g->tripped);
    if (g->tripped)
        cJSON_AddStringToObject(gate, "reason", g->reason);
    else
        cJSON_AddNullToObject(gate, "reason");
    return doc;
}

/* ------------------------------------------------------------ csv */

/* One line per function, paired or not: base order, then the added ones. */
static void emit_csv(FILE *out, const fs_diff *d)
{
    fprintf(out, "base_index,new_index,name,status,paired_by,base_in_closure,new_in_closure,"
            "base_cost,new_cost,change\n");
    for (uint32_t i = 0; i < d->nall; i++) {
        const fs_diff_change *c = &d->all[i];
        const fs_diff_row *rb = c->fn.b != UINT32_MAX ? &d->base->rows[c->fn.b] : NULL;
        const fs_diff_row *rn = c->fn.n != UINT32_MAX ? &d->new_->rows[c->fn.n] : NULL;
        char nb[32];
        if (rb)
            fprintf(out, "%u", rb->index);
        fputc(',', out);
        if (rn)
            fprintf(out, "%u", rn->index);
        fputc(',', out);
        const char *name = fs_diff_fn_name(d, c->fn, nb, sizeof nb);
        fs_csv_field(out, name, strlen(name));
        fprintf(out, ",%s,%s,%d,%d,%lld,%lld,%lld\n", rb && rn ? "paired" : rb ? "removed" : "added",
                rb && rn ? fs_pair_method_name[c->fn.how] : "", rb && rb->in_closure,
                rn && rn->in_closure, (long long)c->cost[0], (long long)c->cost[1],
                (long long)(c->cost[1] - c->cost[0]));
    }
}

/* ------------------------------------------------------------ emit */

int fs_diff_emit(const fs_diff *d, fs_format fmt, const fs_diff_gate_view *gate,
                 const char *tool_version, FILE *out, fs_error *err)
{
    switch (fmt) {
    case FS_FMT_TEXT:
    case FS_FMT_MD:
        emit_text(out, d, fmt == FS_FMT_MD);
        if (d->groups)
            fs_diff_groups_emit_text(d->groups, d->top, fmt == FS_FMT_MD, out);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    case FS_FMT_CSV:
        /* With --group-by the groups stand in for the function rows, as in
         * --stats: both sides' groups, one table, the module column says
         * which side. */
        if (d->groups) {
            fs_groups_emit_csv(&d->groups->side[0], d->base->path, 1, out);
            fs_groups_emit_csv(&d->groups->side[1], d->new_->path, 0, out);
        } else {
            emit_csv(out, d);
        }
        return ferror(out) ? FS_ERR_IO : FS_OK;
    case FS_FMT_JSON: {
        cJSON *doc = build_json(d, gate, tool_version);
        if (doc && d->groups)
            cJSON_AddItemToObject(doc, "groups", fs_diff_groups_json(d->groups));
        return fs_json_print(doc, out, err);
    }
    default:
        snprintf(err->msg, sizeof err->msg, "diff writes text, json, csv or md");
        return FS_ERR_USAGE;
    }
}
