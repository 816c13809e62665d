/* check_emit.c - forksize check as text or JSON: both read fs_check. */
#include "check.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char *fname(const fs_analysis *a, uint32_t f, char *buf, size_t cap)
{
    const fs_func *fn = &a->m.funcs[f];
    return fs_func_display_name(fn->name, fn->name_len, f, buf, cap);
}

/* One line an instrumenter: what happens to the module as a whole, then
 * the functions behind it. */
static void tool_line(FILE *out, const fs_check_tool *t, uint32_t closure)
{
    const uint32_t *n = t->count;
    fprintf(out, "%-14s", t->name);
    switch (t->module) {
    case FS_CK_OK:
        fprintf(out, "handles all %u closure functions", closure);
        break;
    case FS_CK_REFUSED:
        fprintf(out, "instruments %u, refuses %u (left unchanged, with trap guards)",
                n[FS_CK_OK], n[FS_CK_REFUSED]);
        break;
    case FS_CK_TRAPS:
        fprintf(out, "instruments all, but a fork from %u function%s fails on rewind",
                n[FS_CK_TRAPS], n[FS_CK_TRAPS] == 1 ? "" : "s");
        break;
    case FS_CK_ABORTS:
    case FS_CK_INVALID:
        fprintf(out, "%s: ", t->module == FS_CK_ABORTS ? "aborts" : "writes an invalid module");
        if (t->module_why[0])
            fprintf(out, "%s", t->module_why);
        else
            fprintf(out, "%u function%s it cannot instrument", n[FS_CK_ABORTS],
                    n[FS_CK_ABORTS] == 1 ? "" : "s");
        if (n[FS_CK_TRAPS])
            fprintf(out, "; %u more would fail on rewind", n[FS_CK_TRAPS]);
        break;
    }
    fprintf(out, "  [%s: %s]\n", t->label, t->source);
}

static int emit_text(const fs_check_view *v, FILE *out)
{
    const fs_analysis *a = v->a;
    const fs_check *ck = v->ck;
    fprintf(out, "check         %s: %u of %u defined functions in the closure, policy %s\n",
            v->module, a->c.size, fs_wasm_ndefined(&a->m), fs_policy_name[a->c.policy]);
    for (unsigned i = 0; i < ck->ntools; i++)
        tool_line(out, &ck->tools[i], a->c.size);
    for (unsigned j = 0; j < ck->nargs; j++)
        for (unsigned i = 1; i < ck->ntools; i++)
            if (ck->args[j].note[i])
                fprintf(out, "pass-arg      %s: %s: %s\n", ck->args[j].arg, ck->tools[i].name,
                        ck->args[j].note[i]);
    if (!ck->nrows) {
        fprintf(out, "every instrumenter handles every function\n");
        return 0;
    }
    uint32_t shown = v->top && ck->nrows > v->top ? v->top : ck->nrows;
    fprintf(out, "\n%u function%s some instrumenter cannot handle", ck->nrows,
            ck->nrows == 1 ? "" : "s");
    if (shown < ck->nrows)
        fprintf(out, " (first %u by index; --top 0 lists all)", shown);
    fprintf(out, ":\n");
    for (uint32_t k = 0; k < shown; k++) {
        const fs_check_row *r = &ck->rows[k];
        char nb[72];
        fprintf(out, "  %s%s\n", fname(a, r->func, nb, sizeof nb),
                r->in_closure ? "" : "  (not in the closure)");
        for (unsigned i = 0; i < ck->ntools; i++) {
            if (!r->in_closure && i == 0)
                continue;
            fprintf(out, "    %-14s%s%s%s\n", ck->tools[i].name, fs_ck_name[r->outcome[i]],
                    r->why[i] ? ": " : "", r->why[i] ? r->why[i] : "");
        }
    }
    return 0;
}

static cJSON *jnum(cJSON *o, const char *k, double v)
{
    return cJSON_AddNumberToObject(o, k, v);
}

static int emit_json(const fs_check_view *v, FILE *out, fs_error *err)
{
    const fs_analysis *a = v->a;
    const fs_check *ck = v->ck;
    cJSON *doc = cJSON_CreateObject();
    fs_json_head(doc, "forksize/check@1", v->tool_version);
    cJSON *opt = cJSON_AddObjectToObject(doc, "options");
    cJSON *ors = cJSON_AddArrayToObject(opt, "roots");
    for (unsigned i = 0; i < a->nroots; i++)
        cJSON_AddItemToArray(ors, cJSON_CreateString(a->roots[i].text));
    cJSON_AddBoolToObject(opt, "roots_default", a->report.roots_default);
    cJSON_AddStringToObject(opt, "indirect", fs_policy_name[a->c.policy]);
    cJSON *pa = cJSON_AddArrayToObject(opt, "pass_args");
    for (unsigned j = 0; j < ck->nargs; j++)
        cJSON_AddItemToArray(pa, cJSON_CreateString(ck->args[j].arg));
    cJSON *mod = cJSON_AddObjectToObject(doc, "module");
    cJSON_AddStringToObject(mod, "path", v->module);
    cJSON_AddStringToObject(mod, "sha256", a->report.sha256);
    jnum(mod, "functions", fs_wasm_ndefined(&a->m));
    jnum(mod, "closure_functions", a->c.size);
    cJSON *tools = cJSON_AddArrayToObject(doc, "instrumenters");
    for (unsigned i = 0; i < ck->ntools; i++) {
        const fs_check_tool *t = &ck->tools[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", t->name);
        if (t->version)
            jnum(o, "binaryen_version", t->version);
        else
            cJSON_AddNullToObject(o, "binaryen_version");
        cJSON_AddStringToObject(o, "source", t->source);
        cJSON_AddStringToObject(o, "label", t->label);
        cJSON_AddStringToObject(o, "outcome", fs_ck_name[t->module]);
        if (t->module_why[0])
            cJSON_AddStringToObject(o, "reason", t->module_why);
        else
            cJSON_AddNullToObject(o, "reason");
        cJSON *cnt = cJSON_AddObjectToObject(o, "functions");
        for (int k = 0; k < 5; k++)
            jnum(cnt, fs_ck_name[k], t->count[k]);
        cJSON *notes = cJSON_AddArrayToObject(o, "pass_args_without_effect");
        for (unsigned j = 0; j < ck->nargs; j++)
            if (ck->args[j].note[i]) {
                cJSON *n = cJSON_CreateObject();
                cJSON_AddStringToObject(n, "arg", ck->args[j].arg);
                cJSON_AddStringToObject(n, "why", ck->args[j].note[i]);
                cJSON_AddItemToArray(notes, n);
            }
        cJSON_AddItemToArray(tools, o);
    }
    /* Every row: a consumer filters; --top only trims the text. */
    cJSON *rows = cJSON_AddArrayToObject(doc, "functions");
    for (uint32_t k = 0; k < ck->nrows; k++) {
        const fs_check_row *r = &ck->rows[k];
        char nb[512];
        cJSON *o = cJSON_CreateObject();
        jnum(o, "index", r->func);
        cJSON_AddStringToObject(o, "name", fname(a, r->func, nb, sizeof nb));
        cJSON_AddBoolToObject(o, "in_closure", r->in_closure);
        cJSON *per = cJSON_AddArrayToObject(o, "outcomes");
        for (unsigned i = 0; i < ck->ntools; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "instrumenter", ck->tools[i].name);
            if (!r->in_closure && i == 0)
                cJSON_AddStringToObject(e, "outcome", "not instrumented");
            else
                cJSON_AddStringToObject(e, "outcome", fs_ck_name[r->outcome[i]]);
            if (r->why[i])
                cJSON_AddStringToObject(e, "reason", r->why[i]);
            else
                cJSON_AddNullToObject(e, "reason");
            cJSON_AddItemToArray(per, e);
        }
        cJSON_AddItemToArray(rows, o);
    }
    return fs_json_print(doc, out, err);
}

int fs_check_emit(const fs_check_view *v, fs_format fmt, FILE *out, fs_error *err)
{
    if (fmt == FS_FMT_JSON)
        return emit_json(v, out, err);
    emit_text(v, out);
    return FS_OK;
}
