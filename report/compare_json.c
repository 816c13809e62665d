/* compare_json.c - the forksize/compare@1 document (docs/json-schema.md).
 *
 * Every figure is an object {"value": V, "label": L}, so a reader never
 * has to know which figures are estimates: the label travels with the
 * number (the kinds of docs/json-schema.md: measured, analysis,
 * estimated, fitted).  Counts and byte sizes are written as exact integers (raw
 * number text, as emit_json.c does); a figure a row does not have is
 * null.  Timing lives apart ("timing" objects) and is left out by
 * --no-timing, so the rest of the document is reproducible.
 */
#include "compare.h"
#include "group.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static const char M[] = "measured", AN[] = "analysis", F[] = "fitted";

static cJSON *fig_obj(cJSON *o, const char *k, const char *label)
{
    cJSON *f = cJSON_AddObjectToObject(o, k);
    return f && cJSON_AddStringToObject(f, "label", label) ? f : NULL;
}

/* An exact integer figure; the figure is null when the row does not
 * have it (an error row has no closure, a no-root row no growth). */
static void fig_u(cJSON *o, const char *k, uint64_t v, int have, const char *label)
{
    if (!have) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    cJSON *f = cJSON_CreateObject();
    if (!f)
        return;
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    cJSON_AddRawToObject(f, "value", buf);
    cJSON_AddStringToObject(f, "label", label);
    cJSON_AddItemToObject(o, k, f);
}

/* A real-valued figure; an undefined one (NAN, e.g. a share of nothing)
 * keeps its label with a null value. */
static void fig_d(cJSON *o, const char *k, double v, int have, const char *label)
{
    if (!have) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    cJSON *f = cJSON_CreateObject();
    if (!f)
        return;
    if (!isnan(v))
        cJSON_AddNumberToObject(f, "value", v);
    else
        cJSON_AddNullToObject(f, "value");
    cJSON_AddStringToObject(f, "label", label);
    cJSON_AddItemToObject(o, k, f);
}

static void numn(cJSON *o, const char *k, double v)
{
    if (isnan(v))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, v);
}

static cJSON *module_obj(const fs_compare *c, const fs_compare_row *r, int timing)
{
    static const char *const status[] = { "ok", "no_root", "error" };
    static const char *const term[4] = { "fixed", "callsite", "local", "dispatch" };
    int an = r->status != FS_CMP_ERROR, ok = r->status == FS_CMP_OK;
    char b[320];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "path", r->path);
    cJSON_AddStringToObject(o, "status", status[r->status]);
    if (r->status == FS_CMP_ERROR) {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "message", r->err.msg);
        if (r->err.has_offset) {
            snprintf(b, sizeof b, "%llu", (unsigned long long)r->err.offset);
            cJSON_AddRawToObject(e, "offset", b);
        } else {
            cJSON_AddNullToObject(e, "offset");
        }
        cJSON_AddStringToObject(e, "text", fs_compare_row_error(r, b, sizeof b));
    } else {
        cJSON_AddNullToObject(o, "error");
    }
    if (r->status == FS_CMP_NO_ROOT)
        cJSON_AddStringToObject(o, "note", fs_compare_no_root_text(c, b, sizeof b));
    else
        cJSON_AddNullToObject(o, "note");
    if (r->has_sha256)
        cJSON_AddStringToObject(o, "sha256", r->sha256);
    else
        cJSON_AddNullToObject(o, "sha256");
    fig_u(o, "bytes", r->bytes, r->has_sha256, M);
    fig_u(o, "functions", r->functions, an, M);
    fig_u(o, "roots_matched", r->roots_matched, an, AN);
    fig_u(o, "closure_functions", r->closure_functions, an, AN);
    fig_d(o, "closure_fraction", r->closure_fraction, an, AN);
    /* after and growth carry the report's label; without a root (or
     * without a report) there is nothing to label. */
    if (ok)
        cJSON_AddStringToObject(o, "mode", r->mode);
    else
        cJSON_AddNullToObject(o, "mode");
    fig_u(o, "code_bytes_before", r->code_before, ok, M);
    fig_u(o, "code_bytes_after", r->code_after, ok, r->label);
    if (ok && r->code_after < r->code_before)     /* measured shrinkage: negative */
        fig_d(o, "added_bytes", -(double)(r->code_before - r->code_after), 1, r->label);
    else
        fig_u(o, "added_bytes", r->code_after - r->code_before, ok, r->label);
    fig_d(o, "growth", r->growth, ok, r->label);
    /* the unwind stack bound: bytes, or null when recursion unbounds it */
    if (ok) {
        cJSON *sb = cJSON_AddObjectToObject(o, "stack_bound");
        if (r->stack_unbounded)
            cJSON_AddNullToObject(sb, "bytes");
        else
            cJSON_AddNumberToObject(sb, "bytes", (double)r->stack_bytes);
        cJSON_AddBoolToObject(sb, "unbounded", r->stack_unbounded);
        cJSON_AddStringToObject(sb, "label", r->stack_label);
    } else {
        cJSON_AddNullToObject(o, "stack_bound");
    }
    if (ok) {
        /* The model's split, or forkinstr's measured one (with dispatch). */
        const char *tl = r->terms_label;
        cJSON *t = cJSON_AddObjectToObject(o, "terms");
        fig_u(t, "fixed", r->terms.fixed, 1, tl);
        fig_u(t, "callsite", r->terms.callsite, 1, tl);
        fig_u(t, "local", r->terms.local, 1, tl);
        if (r->has_dispatch)
            fig_u(t, "dispatch", r->terms.dispatch, 1, tl);
        fig_u(t, "total", r->terms.total, 1, tl);
        cJSON *s = cJSON_AddObjectToObject(o, "term_shares");
        for (int k = 0; k < (r->has_dispatch ? 4 : 3); k++)
            fig_d(s, term[k], r->share[k], 1, tl);
        if (r->has_dispatch) {
            /* forkinstr's normal-path proxy, as --stats reports it */
            cJSON *np = cJSON_AddObjectToObject(o, "normal_path");
            for (int k = 0; k < FS_FI_NNP; k++)
                cJSON_AddNumberToObject(np, fs_fi_np_name[k], (double)r->np[k]);
            cJSON_AddNumberToObject(np, "total", (double)(r->np[0] + r->np[1] + r->np[2]));
            cJSON_AddStringToObject(np, "label", "exact");
            /* closure functions left unchanged: the growth leaves them out */
            fig_u(o, "refused_functions", r->refused, 1, "exact");
        }
    } else {
        cJSON_AddNullToObject(o, "terms");
        cJSON_AddNullToObject(o, "term_shares");
    }
    if (ok && r->has_fit) {
        static const char *const coef[3] = { "A", "B", "C" };
        cJSON *f = cJSON_AddObjectToObject(o, "fit");
        cJSON_AddStringToObject(f, "model", "delta_bytes = A + B*callsites + C*locals");
        fig_u(f, "observations", r->fit_nobs, 1, M);
        for (int k = 0; k < 3; k++) {
            cJSON *x = fig_obj(f, coef[k], F);
            if (x) {
                numn(x, "value", r->fit_coef[k]);
                numn(x, "se", r->fit_se[k]);
                numn(x, "share", r->fit_share[k]);
            }
        }
        fig_d(f, "r2", r->fit_r2, 1, F);
    } else {
        cJSON_AddNullToObject(o, "fit");
    }
    if (r->groups.v)                /* --group-by */
        cJSON_AddItemToObject(o, "groups", fs_groups_json(&r->groups));
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (unsigned i = 0; i < r->nwarnings; i++)
        cJSON_AddItemToArray(w, cJSON_CreateString(r->warnings[i]));
    if (timing) {
        cJSON *tm = cJSON_AddObjectToObject(o, "timing");
        cJSON_AddNumberToObject(tm, "seconds", r->seconds);
    }
    return o;
}

static cJSON *build(const fs_compare *c, int timing)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return NULL;
    fs_json_head(doc, FS_COMPARE_SCHEMA, c->tool_version);
    cJSON *opt = cJSON_AddObjectToObject(doc, "options");
    cJSON *roots = cJSON_AddArrayToObject(opt, "roots");
    for (unsigned i = 0; i < c->nroots; i++)
        cJSON_AddItemToArray(roots, cJSON_CreateString(c->roots[i]));
    cJSON_AddBoolToObject(opt, "roots_default", c->roots_default);
    cJSON_AddStringToObject(opt, "indirect", c->policy);
    cJSON_AddStringToObject(opt, "apply", c->apply);
    if (!strcmp(c->apply, "asyncify")) {
        cJSON_AddNumberToObject(opt, "opt_level", c->opt_level);
        if (fs_compare_binaryen(c))
            cJSON_AddStringToObject(opt, "binaryen_version", fs_compare_binaryen(c));
    }
    cJSON *mdl = cJSON_AddArrayToObject(opt, "model");
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(c->profile.fixed));
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(c->profile.callsite));
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(c->profile.local_i32));
    cJSON_AddStringToObject(opt, "profile", c->profile.name);
    cJSON *sum = cJSON_AddObjectToObject(doc, "summary");
    cJSON_AddNumberToObject(sum, "modules", c->nrows);
    cJSON_AddNumberToObject(sum, "ok", c->nok);
    cJSON_AddNumberToObject(sum, "no_root", c->nno_root);
    cJSON_AddNumberToObject(sum, "error", c->nerror);
    cJSON *mods = cJSON_AddArrayToObject(doc, "modules");
    for (unsigned i = 0; i < c->nrows; i++) {
        cJSON *m = module_obj(c, &c->rows[i], timing);
        if (!m || !cJSON_AddItemToArray(mods, m)) {
            cJSON_Delete(m);
            cJSON_Delete(doc);
            return NULL;
        }
    }
    if (timing) {
        cJSON *tm = cJSON_AddObjectToObject(doc, "timing");
        cJSON_AddNumberToObject(tm, "wall_seconds", c->wall_seconds);
        cJSON_AddNumberToObject(tm, "jobs", c->jobs);
    }
    return doc;
}

int fs_compare_emit_json(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    return fs_json_print(build(c, timing), out, err);
}
