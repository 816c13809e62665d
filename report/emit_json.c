/* emit_json.c - the forksize/stats@1 document (docs/json-schema.md).
 *
 * Built with cJSON as one tree and printed in one buffered pass.  Field
 * names are the schema's contract with other tools: add fields freely,
 * never rename or retype one without bumping the schema version.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* cJSON reports allocation failure by returning NULL from every adder;
 * one check at the end (and cJSON_Delete of the partial tree) covers it. */
static cJSON *num(cJSON *o, const char *k, double v)
{
    return cJSON_AddNumberToObject(o, k, v);
}

static void name_field(cJSON *o, const char *k, const char *s, uint32_t len)
{
    if (!s) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    char stack[256];
    char *buf = len < sizeof stack ? stack : malloc((size_t)len + 1);
    if (!buf)
        return;
    memcpy(buf, s, len);
    buf[len] = 0;
    cJSON_AddStringToObject(o, k, buf);
    if (buf != stack)
        free(buf);
}

static void cost_obj(cJSON *parent, const char *k, const fs_cost *c)
{
    cJSON *o = cJSON_AddObjectToObject(parent, k);
    num(o, "fixed", (double)c->fixed);
    num(o, "callsite", (double)c->callsite);
    num(o, "local", (double)c->local);
    num(o, "total", (double)c->total);
}

static void kinds_obj(cJSON *parent, const char *k, const uint32_t *v)
{
    cJSON *o = cJSON_AddObjectToObject(parent, k);
    for (int i = 0; i < FS_VK_COUNT; i++)
        num(o, fs_valkind_name[i], v[i]);
}

static cJSON *build(const fs_report *r)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", FS_STATS_SCHEMA);
    cJSON *tool = cJSON_AddObjectToObject(doc, "tool");
    cJSON_AddStringToObject(tool, "name", "forksize");
    cJSON_AddStringToObject(tool, "version", r->tool_version);

    cJSON *mod = cJSON_AddObjectToObject(doc, "module");
    cJSON_AddStringToObject(mod, "path", r->path);
    cJSON_AddStringToObject(mod, "sha256", r->sha256);
    num(mod, "bytes", (double)r->bytes);
    num(mod, "code_section_bytes", (double)r->code_section_bytes);
    num(mod, "functions", r->functions);
    num(mod, "imports", r->imports);
    num(mod, "address_taken", r->address_taken);
    num(mod, "indirect_call_sites", r->indirect_sites);

    cJSON *roots = cJSON_AddArrayToObject(doc, "roots");
    for (unsigned i = 0; i < r->nroots; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "spec", r->roots[i].spec);
        num(o, "matched", r->roots[i].matched);
        cJSON_AddBoolToObject(o, "default", r->roots_default);
        cJSON_AddItemToArray(roots, o);
    }

    cJSON *cl = cJSON_AddObjectToObject(doc, "closure");
    cJSON_AddStringToObject(cl, "policy", r->policy);
    num(cl, "functions", r->closure_functions);
    num(cl, "fraction", r->closure_fraction);
    num(cl, "callsites", (double)r->closure_callsites);
    num(cl, "locals", (double)r->closure_locals);

    cJSON *ins = cJSON_AddObjectToObject(doc, "instrumentation");
    cJSON_AddStringToObject(ins, "mode", r->mode);
    cJSON_AddStringToObject(ins, "label", r->label);
    num(ins, "code_bytes_before", (double)r->code_bytes_before);
    num(ins, "code_bytes_after", (double)r->code_bytes_after);
    num(ins, "growth", r->growth);

    cJSON *model = cJSON_AddObjectToObject(doc, "model");
    cJSON_AddStringToObject(model, "profile", r->profile.name);
    num(model, "A", r->profile.fixed);
    num(model, "B", r->profile.callsite);
    num(model, "C", r->local_bytes[FS_VK_I32]);
    cJSON *lb = cJSON_AddObjectToObject(model, "local_bytes");
    for (int k = 0; k < FS_VK_COUNT; k++)
        num(lb, fs_valkind_name[k], r->local_bytes[k]);
    cJSON_AddBoolToObject(model, "leb_aware", 1);
    cJSON_AddStringToObject(model, "label", "estimated");

    cJSON *terms = cJSON_AddObjectToObject(doc, "terms");
    num(terms, "fixed", (double)r->terms.fixed);
    num(terms, "callsite", (double)r->terms.callsite);
    num(terms, "local", (double)r->terms.local);
    num(terms, "total", (double)r->terms.total);
    cJSON_AddStringToObject(terms, "label", r->label);
    num(terms, "unpriced_ref_local_functions", r->unsaveable_functions);

    cJSON *warn = cJSON_AddArrayToObject(doc, "warnings");
    if (r->name_warning && r->name_warning[0])
        cJSON_AddItemToArray(warn, cJSON_CreateString(r->name_warning));

    cJSON *fns = cJSON_AddArrayToObject(doc, "functions");
    for (uint32_t i = 0; i < r->nrows; i++) {
        const fs_row *row = &r->rows[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        num(o, "index", row->index);
        name_field(o, "name", row->name, row->name_len);
        num(o, "body_bytes", row->body_bytes);
        cJSON_AddBoolToObject(o, "in_closure", row->in_closure);
        num(o, "callsites", row->callsites);
        num(o, "calls", row->calls);
        num(o, "locals", row->locals);
        kinds_obj(o, "locals_by_type", row->locals_kind);
        cost_obj(o, "cost", &row->cost);
        if (row->label)
            cJSON_AddStringToObject(o, "label", row->label);
        else
            cJSON_AddNullToObject(o, "label");
        cJSON_AddItemToArray(fns, o);
    }
    cJSON *timing = cJSON_AddObjectToObject(doc, "timing");
    num(timing, "analyze_ms", r->analyze_ms);
    return doc;
}

int fs_emit_json(const fs_report *r, FILE *out, fs_error *err)
{
    cJSON *doc = build(r);
    /* A generous first buffer avoids cJSON's repeated doubling on large
     * modules (about 250 bytes per function row, formatted). */
    char *text = doc ? cJSON_PrintBuffered(doc, (int)(4096 + 320 * (size_t)r->nrows), 1) : NULL;
    cJSON_Delete(doc);
    if (!text) {
        snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
        return FS_ERR_NOMEM;
    }
    fputs(text, out);
    fputc('\n', out);
    cJSON_free(text);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
