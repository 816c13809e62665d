/* stats_json_read.c - a saved forksize/stats document read back for
 * forksize diff (fs_diff_side_from_json), with the member names the writer
 * (stats_json.c) uses: stats_json_keys.h. */
#include "diff.h"
#include "report.h"
#include "stats_json_keys.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------- reading a saved report */

/* A saved report is read back (forksize diff) with the same member names
 * the writer above uses (the K_ constants); the paths in messages are
 * spelled from them too. */
typedef struct rd_ctx {
    const char *what;    /* the first missing or mistyped field */
} rd_ctx;

static const cJSON *rd_get(rd_ctx *c, const cJSON *o, const char *k, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v && !c->what)
        c->what = path;
    return v;
}

static char *rd_str(rd_ctx *c, const cJSON *o, const char *k, const char *path)
{
    const cJSON *v = rd_get(c, o, k, path);
    if (v && cJSON_IsString(v))
        return strdup(v->valuestring);
    if (!c->what)
        c->what = path;
    return NULL;
}

static double rd_num(rd_ctx *c, const cJSON *o, const char *k, const char *path)
{
    const cJSON *v = rd_get(c, o, k, path);
    if (v && cJSON_IsNumber(v))
        return v->valuedouble;
    if (!c->what)
        c->what = path;
    return 0;
}

static uint64_t rd_uint(rd_ctx *c, const cJSON *o, const char *k, const char *path)
{
    double v = rd_num(c, o, k, path);
    if (v < 0 || v != v || v > 9007199254740992.0) {
        if (!c->what)
            c->what = path;
        return 0;
    }
    return (uint64_t)v;
}

static void rd_cost(rd_ctx *c, const cJSON *o, fs_cost *out, const char *path)
{
    out->fixed = rd_uint(c, o, K_FIXED, path);
    out->callsite = rd_uint(c, o, K_CALLSITE, path);
    out->local = rd_uint(c, o, K_LOCAL, path);
    out->total = rd_uint(c, o, K_TOTAL, path);
    /* forkinstr's fourth term; absent from the model's reports */
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, K_DISPATCH);
    out->dispatch = cJSON_IsNumber(d) && d->valuedouble >= 0 &&
                    d->valuedouble <= 9007199254740992.0 ? (uint64_t)d->valuedouble : 0;
}

/* instrumentation.forkinstr.normal_path: optional (model and asyncify
 * reports have none), but when present each count must be one. */
static void rd_np(rd_ctx *c, const cJSON *ins, fs_diff_side *s)
{
    const cJSON *fi = cJSON_GetObjectItemCaseSensitive(ins, "forkinstr");
    const cJSON *np = cJSON_GetObjectItemCaseSensitive(fi, K_NORMAL_PATH);
    if (!cJSON_IsObject(np))
        return;
    for (int i = 0; i < FS_FI_NNP; i++)
        s->np[i] = rd_uint(c, np, fs_fi_np_name[i], K_INS ".forkinstr." K_NORMAL_PATH);
    s->has_np = 1;
}

#define ROW_PATH(k) K_FUNCTIONS "[]." k

static void rd_rows(rd_ctx *c, fs_diff_side *s, const cJSON *fns, int *nomem)
{
    int n = cJSON_GetArraySize(fns);
    if (!(s->rows = calloc((size_t)n + 1, sizeof *s->rows))) {
        *nomem = 1;
        return;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, fns) {
        fs_diff_row *d = &s->rows[s->nrows++];
        const cJSON *nm = rd_get(c, f, K_NAME, ROW_PATH(K_NAME));
        if (cJSON_IsString(nm)) {
            if (!(d->name = strdup(nm->valuestring)))
                *nomem = 1;
        } else if (!cJSON_IsNull(nm) && !c->what) {
            c->what = ROW_PATH(K_NAME);
        }
        uint64_t idx = rd_uint(c, f, K_INDEX, ROW_PATH(K_INDEX));
        if (idx > UINT32_MAX && !c->what)
            c->what = ROW_PATH(K_INDEX);
        d->index = (uint32_t)idx;
        d->in_closure = cJSON_IsTrue(rd_get(c, f, K_IN_CLOSURE, ROW_PATH(K_IN_CLOSURE)));
        const cJSON *cost = rd_get(c, f, K_COST, ROW_PATH(K_COST));
        if (cost)
            rd_cost(c, cost, &d->cost, ROW_PATH(K_COST));
        const cJSON *dl = cJSON_GetObjectItemCaseSensitive(f, K_DELTA);
        if (cJSON_IsNumber(dl)) {
            d->measured = 1;
            d->delta = (int64_t)dl->valuedouble;
        }
        if (c->what)
            return;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A report lists each function once; a repeated index would pair as an
 * added and a removed function (a report diffed against itself would show
 * changes).  Returns 1 and the index in *dup when one repeats. */
static int rd_repeated_index(const fs_diff_side *s, uint32_t *dup, int *nomem)
{
    uint32_t *v = malloc(((size_t)s->nrows + 1) * sizeof *v);
    int found = 0;
    if (!v) {
        *nomem = 1;
        return 0;
    }
    for (uint32_t i = 0; i < s->nrows; i++)
        v[i] = s->rows[i].index;
    qsort(v, s->nrows, sizeof *v, cmp_u32);
    for (uint32_t i = 1; i < s->nrows && !found; i++)
        if (v[i] == v[i - 1]) {
            *dup = v[i];
            found = 1;
        }
    free(v);
    return found;
}

#define rd_fail fs_error_setf

int fs_diff_side_from_json(fs_diff_side *s, const char *path, const char *text, size_t len,
                           fs_error *err)
{
    memset(s, 0, sizeof *s);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!doc || !cJSON_IsObject(doc)) {
        const char *at = cJSON_GetErrorPtr();
        int has = doc == NULL && at && at >= text && at <= text + len;
        cJSON_Delete(doc);
        int st = rd_fail(err, FS_ERR_MALFORMED, "not a JSON object (%s report)", FS_STATS_SCHEMA);
        if (has) {
            err->has_offset = 1;
            err->offset = (uint64_t)(at - text);
        }
        return st;
    }
    rd_ctx c = { NULL };
    int nomem = 0;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, K_SCHEMA);
    if (!cJSON_IsString(schema) || (strcmp(schema->valuestring, FS_STATS_SCHEMA)
                                     && strcmp(schema->valuestring, FS_STATS_SCHEMA_V1))) {
        int st = rd_fail(err, FS_ERR_MALFORMED, "not a %s report (schema %s%.60s%s)",
                         FS_STATS_SCHEMA, cJSON_IsString(schema) ? "\"" : "missing",
                         cJSON_IsString(schema) ? schema->valuestring : "",
                         cJSON_IsString(schema) ? "\"" : "");
        cJSON_Delete(doc);    /* after the message: it reads the schema string */
        return st;
    }
    s->from_json = 1;
    s->path = strdup(path);
    const cJSON *tool = rd_get(&c, doc, K_TOOL, K_TOOL);
    const cJSON *opt = rd_get(&c, doc, K_OPTIONS, K_OPTIONS);
    const cJSON *mod = rd_get(&c, doc, K_MODULE, K_MODULE);
    const cJSON *ins = rd_get(&c, doc, K_INS, K_INS);
    const cJSON *terms = rd_get(&c, doc, K_TERMS, K_TERMS);
    const cJSON *cl = rd_get(&c, doc, K_CLOSURE, K_CLOSURE);
    const cJSON *roots = rd_get(&c, doc, K_ROOTS, K_ROOTS);
    const cJSON *fns = rd_get(&c, doc, K_FUNCTIONS, K_FUNCTIONS);
    if (!c.what) {
        s->tool_version = rd_str(&c, tool, K_VERSION, K_TOOL "." K_VERSION);
        s->sha256 = rd_str(&c, mod, K_SHA256, K_MODULE "." K_SHA256);
        s->mode = rd_str(&c, ins, K_MODE, K_INS "." K_MODE);
        s->label = rd_str(&c, ins, K_LABEL, K_INS "." K_LABEL);
        s->code_before = rd_uint(&c, ins, K_BEFORE, K_INS "." K_BEFORE);
        s->code_after = rd_uint(&c, ins, K_AFTER, K_INS "." K_AFTER);
        s->growth = rd_num(&c, ins, K_GROWTH, K_INS "." K_GROWTH);
        rd_cost(&c, terms, &s->terms, K_TERMS);
        rd_np(&c, ins, s);
        s->closure_functions = (uint32_t)rd_uint(&c, cl, K_FUNCTIONS, K_CLOSURE "." K_FUNCTIONS);
        s->indirect = rd_str(&c, opt, K_INDIRECT, K_OPTIONS "." K_INDIRECT);
        s->apply = rd_str(&c, opt, K_APPLY, K_OPTIONS "." K_APPLY);
        const cJSON *ol = cJSON_GetObjectItemCaseSensitive(opt, K_OPT_LEVEL);
        if ((s->has_opt_level = cJSON_IsNumber(ol)))
            s->opt_level = ol->valueint;
        const cJSON *bv = cJSON_GetObjectItemCaseSensitive(opt, "binaryen_version");
        if (cJSON_IsString(bv))     /* absent in older reports: unknown */
            s->binaryen_version = strdup(bv->valuestring);
        const cJSON *mdl = rd_get(&c, opt, K_MODEL, K_OPTIONS "." K_MODEL);
        if (!cJSON_IsArray(mdl) || cJSON_GetArraySize(mdl) != 3) {
            if (!c.what)
                c.what = K_OPTIONS "." K_MODEL;
        } else {
            for (int k = 0; k < 3; k++)
                s->model[k] = cJSON_GetArrayItem(mdl, k)->valuedouble;
        }
        const cJSON *ors = rd_get(&c, opt, K_ROOTS, K_OPTIONS "." K_ROOTS);
        int nr = cJSON_GetArraySize(ors);
        if (!(s->roots = calloc((size_t)nr + 1, sizeof *s->roots)))
            nomem = 1;
        const cJSON *e;
        cJSON_ArrayForEach(e, ors) {
            if (nomem || !cJSON_IsString(e))
                break;
            if (!(s->roots[s->nroots++] = strdup(e->valuestring)))
                nomem = 1;
        }
        cJSON_ArrayForEach(e, roots)
            s->roots_matched += rd_uint(&c, e, K_MATCHED, K_ROOTS "[]." K_MATCHED);
        if (!cJSON_IsArray(fns) && !c.what)
            c.what = K_FUNCTIONS;
        if (!c.what && !nomem)
            rd_rows(&c, s, fns, &nomem);
    }
    cJSON_Delete(doc);
    uint32_t dup = 0;
    if (!c.what && !nomem && rd_repeated_index(s, &dup, &nomem)) {
        fs_diff_side_free(s);
        return rd_fail(err, FS_ERR_MALFORMED, "not a usable %s report: function index %u is "
                       "listed twice", FS_STATS_SCHEMA, dup);
    }
    if (nomem || (!c.what && !s->path)) {
        fs_diff_side_free(s);
        return rd_fail(err, FS_ERR_NOMEM, "out of memory");
    }
    if (c.what) {
        fs_diff_side_free(s);
        return rd_fail(err, FS_ERR_MALFORMED, "not a usable %s report: %s is missing or mistyped",
                       FS_STATS_SCHEMA, c.what);
    }
    return FS_OK;
}
