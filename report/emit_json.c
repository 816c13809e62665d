/* emit_json.c - the forksize/stats@1 document (docs/json-schema.md).
 *
 * Everything is written by cJSON, but not as one tree: the summary is one
 * cJSON document, and each function row is its own small cJSON object
 * printed on one line and streamed after it.  A single tree for a module
 * with 20k functions held 600k nodes (~60 MB) and spent most of its time
 * in cJSON's double formatting; integers are therefore handed to cJSON as
 * raw number text, which is exact for every count we emit.
 *
 * Field names are the schema's contract with other tools: add fields
 * freely, never rename or retype one without bumping the schema version.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Row objects are built and dropped 20k times on a large module; their
 * nodes come from a per-thread bump arena that is reset after each row,
 * so cJSON's many small allocations cost almost nothing.  Outside a row
 * (arena off) and for anything too big, cJSON gets plain malloc. */
typedef struct arena {
    int    on;
    size_t used;
    _Alignas(16) char buf[32768];
} arena;

static _Thread_local arena rows_arena;

static void *arena_malloc(size_t n)
{
    arena *a = &rows_arena;
    size_t need = (n + 15) & ~(size_t)15;
    if (a->on && need <= sizeof a->buf - a->used) {
        void *p = a->buf + a->used;
        a->used += need;
        return p;
    }
    return malloc(n);
}

static void arena_free(void *p)
{
    arena *a = &rows_arena;
    if ((char *)p >= a->buf && (char *)p < a->buf + sizeof a->buf)
        return;                      /* released all at once by the reset */
    free(p);
}

static void install_hooks(void)
{
    cJSON_Hooks h = { arena_malloc, arena_free };
    cJSON_InitHooks(&h);
}

/* cJSON reports allocation failure by returning NULL from every adder;
 * one check at the end (and cJSON_Delete of the partial tree) covers it. */
static cJSON *num(cJSON *o, const char *k, double v)
{
    return cJSON_AddNumberToObject(o, k, v);
}

/* An exact unsigned integer, as raw JSON number text. */
static cJSON *juint(cJSON *o, const char *k, uint64_t v)
{
    /* Digits by hand: snprintf's format parsing was a tenth of the time
     * of writing a large report. */
    char buf[24], *p = buf + sizeof buf - 1;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return cJSON_AddRawToObject(o, k, p);
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
    juint(o, "fixed", c->fixed);
    juint(o, "callsite", c->callsite);
    juint(o, "local", c->local);
    juint(o, "total", c->total);
}

static void kinds_obj(cJSON *parent, const char *k, const uint32_t *v)
{
    cJSON *o = cJSON_AddObjectToObject(parent, k);
    for (int i = 0; i < FS_VK_COUNT; i++)
        juint(o, fs_valkind_name[i], v[i]);
}

static cJSON *row_obj(const fs_row *row)
{
    cJSON *o = cJSON_CreateObject();
    juint(o, "index", row->index);
    name_field(o, "name", row->name, row->name_len);
    juint(o, "body_bytes", row->body_bytes);
    cJSON_AddBoolToObject(o, "in_closure", row->in_closure);
    juint(o, "callsites", row->callsites);
    juint(o, "calls", row->calls);
    juint(o, "locals", row->locals);
    kinds_obj(o, "locals_by_type", row->locals_kind);
    cost_obj(o, "cost", &row->cost);
    if (row->label)
        cJSON_AddStringToObject(o, "label", row->label);
    else
        cJSON_AddNullToObject(o, "label");
    return o;
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
    juint(mod, "bytes", r->bytes);
    juint(mod, "code_section_bytes", r->code_section_bytes);
    juint(mod, "functions", r->functions);
    juint(mod, "imports", r->imports);
    juint(mod, "address_taken", r->address_taken);
    juint(mod, "indirect_call_sites", r->indirect_sites);

    cJSON *roots = cJSON_AddArrayToObject(doc, "roots");
    for (unsigned i = 0; i < r->nroots; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "spec", r->roots[i].spec);
        juint(o, "matched", r->roots[i].matched);
        cJSON_AddBoolToObject(o, "default", r->roots_default);
        cJSON_AddItemToArray(roots, o);
    }

    cJSON *cl = cJSON_AddObjectToObject(doc, "closure");
    cJSON_AddStringToObject(cl, "policy", r->policy);
    juint(cl, "functions", r->closure_functions);
    num(cl, "fraction", r->closure_fraction);
    juint(cl, "callsites", r->closure_callsites);
    juint(cl, "locals", r->closure_locals);

    cJSON *ins = cJSON_AddObjectToObject(doc, "instrumentation");
    cJSON_AddStringToObject(ins, "mode", r->mode);
    cJSON_AddStringToObject(ins, "label", r->label);
    juint(ins, "code_bytes_before", r->code_bytes_before);
    juint(ins, "code_bytes_after", r->code_bytes_after);
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
    juint(terms, "fixed", r->terms.fixed);
    juint(terms, "callsite", r->terms.callsite);
    juint(terms, "local", r->terms.local);
    juint(terms, "total", r->terms.total);
    cJSON_AddStringToObject(terms, "label", r->label);
    juint(terms, "unpriced_ref_local_functions", r->unsaveable_functions);

    cJSON *warn = cJSON_AddArrayToObject(doc, "warnings");
    if (r->name_warning && r->name_warning[0])
        cJSON_AddItemToArray(warn, cJSON_CreateString(r->name_warning));

    cJSON *timing = cJSON_AddObjectToObject(doc, "timing");
    num(timing, "analyze_ms", r->analyze_ms);
    num(timing, "decode_ms", r->decode_ms);
    num(timing, "hash_wait_ms", r->hash_wait_ms);
    num(timing, "graph_ms", r->graph_ms);
    return doc;
}

int fs_emit_json(const fs_report *r, FILE *out, fs_error *err)
{
    cJSON *doc = build(r);
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    size_t len = text ? strlen(text) : 0;
    /* A formatted cJSON object ends in "\n}": the rows array is spliced in
     * before that brace, as the document's last member. */
    if (!text || len < 2 || text[len - 1] != '}' || text[len - 2] != '\n') {
        cJSON_free(text);
        snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
        return FS_ERR_NOMEM;
    }
    fwrite(text, 1, len - 2, out);
    cJSON_free(text);
    fputs(",\n\t\"functions\": [", out);
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_hooks);
    char buf[1024];
    for (uint32_t i = 0; i < r->nrows; i++) {
        rows_arena.on = 1;
        rows_arena.used = 0;
        cJSON *o = row_obj(&r->rows[i]);
        /* Rows are small: print into a stack buffer, else let cJSON allocate. */
        int ok = o && cJSON_PrintPreallocated(o, buf, (int)sizeof buf, 0);
        char *heap = ok || !o ? NULL : cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        rows_arena.on = 0;
        if (!ok && !heap) {
            snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
            return FS_ERR_NOMEM;
        }
        fputs(i ? ",\n\t\t" : "\n\t\t", out);
        fputs(ok ? buf : heap, out);
        cJSON_free(heap);
    }
    fputs(r->nrows ? "\n\t]\n}\n" : "]\n}\n", out);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
