/* group.c - rows rolled up by source (group.h), and the groups' emitters.
 *
 * Keys are found per function (a slice of a DWARF path or of the
 * function's name; only a mangled name's namespace, from the demangler,
 * which allocates its one work block, is spelled out into a buffer), then
 * counted in an open-addressing hash table of groups.  The sums are checked against the report's own totals at the
 * end: a difference is a bug here, not a property of the module.
 */
#include "group.h"

#include "demangle.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

const char *const fs_group_by_name[] = { "none", "file", "dir", "cu", "namespace", "prefix" };

int fs_group_by_parse(const char *s)
{
    for (int i = 0; i < (int)(sizeof fs_group_by_name / sizeof *fs_group_by_name); i++)
        if (!strcmp(s, fs_group_by_name[i]))
            return i;
    return -1;
}

int fs_group_by_needs_dwarf(fs_group_by by)
{
    return by == FS_GROUP_FILE || by == FS_GROUP_DIR || by == FS_GROUP_CU;
}

static const char *const no_key[] = { "", "(no source)", "(no source)", "(no source)",
                                      "(no namespace)", "(no name)" };

/* The directory of PATH cut to DEPTH components (0: all of it). */
static size_t dir_len(const char *path, size_t len, unsigned depth)
{
    const char *slash = NULL;
    for (size_t i = len; i-- > 0;)
        if (path[i] == '/') {
            slash = path + i;
            break;
        }
    if (!slash)
        return 0;                                  /* a bare file name: no directory */
    size_t dl = slash == path ? 1 : (size_t)(slash - path);  /* "/x.c" is in "/" */
    if (!depth)
        return dl;
    unsigned comps = 0;
    for (size_t i = 0; i < dl; i++) {
        if (path[i] == '/' && i > 0 && path[i - 1] != '/' && ++comps == depth)
            return i;
    }
    return dl;
}

/* A mangled name's namespace, from the demangler (demangle.h), into BUF:
 * geo::Vec for _ZNK3geo3Vec3dotERKS0_, core::fmt for a rustc name.  0 when
 * the name has none or the demangler refused it: the caller puts it in the
 * no-namespace group.  Independent of --no-demangle, which only decides
 * how rows are shown. */
static size_t mangled_namespace(const char *s, size_t len, char *buf, size_t cap)
{
    char out[FS_DEMANGLE_MAX_OUT];
    size_t n, off, sl;
    if (fs_demangle_scope(s, len, out, sizeof out, &n, &off, &sl) != FS_DEMANGLE_OK
        || !sl || sl >= cap)
        return 0;
    memcpy(buf, out + off, sl);
    return sl;
}

/* "a::b::f(int)" -> "a::b"; the namespace ends at the last "::" outside
 * template arguments and before any parameter list. */
static size_t demangled_namespace(const char *s, size_t len)
{
    int angle = 0;
    size_t last = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == '<')
            angle++;
        else if (s[i] == '>' && angle)
            angle--;
        else if (s[i] == '(' && !angle)
            break;
        else if (!angle && s[i] == ':' && s[i + 1] == ':') {
            last = i;
            i++;
        }
    }
    return last;
}

/* A C name's prefix: leading underscores, then its first word, then the
 * digits after it.  A word is a run of lowercase letters (zend_hash ->
 * zend, sqlite3VdbeExec -> sqlite3, luaV_execute -> lua), a run of
 * capitals (ZEND_ASSIGN -> ZEND, XXH64_digest -> XXH64; PHPWasmFoo -> PHP,
 * the last capital starting the next word), or one capital and the
 * lowercase letters after it (RelinquishMemory -> Relinquish).
 * __wasm_call_ctors -> __wasm.  A name with no letter there is its own. */
static size_t c_prefix(const char *s, size_t len)
{
#define LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define UPPER(c) ((c) >= 'A' && (c) <= 'Z')
    size_t i = 0;
    while (i < len && s[i] == '_')
        i++;
    size_t start = i;
    if (i < len && LOWER(s[i])) {
        while (i < len && LOWER(s[i]))
            i++;
    } else if (i < len && UPPER(s[i])) {
        while (i < len && UPPER(s[i]))
            i++;
        if (i < len && LOWER(s[i])) {
            if (i - start == 1)                 /* Capitalized: the whole word */
                while (i < len && LOWER(s[i]))
                    i++;
            else                                /* PHPWasm: PHP */
                i--;
        }
    }
    if (i == start)
        return len;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
#undef LOWER
#undef UPPER
}

const char *fs_group_key(const fs_row *row, const fs_dwarf_info *d, uint32_t pos,
                         fs_group_by by, unsigned depth, char *buf, size_t cap, size_t *len,
                         int *no_source)
{
    *no_source = 0;
    const fs_dwarf_cu *cu = NULL;
    if (fs_group_by_needs_dwarf(by) && d && pos < d->nfuncs && d->funcs[pos].cu < d->ncus)
        cu = &d->cus[d->funcs[pos].cu];
    switch (by) {
    case FS_GROUP_FILE:
        if (cu && cu->file) {
            *len = strlen(cu->file);
            return cu->file;
        }
        break;
    case FS_GROUP_CU:
        if (cu && cu->name) {
            *len = cu->name_len;
            return cu->name;
        }
        break;
    case FS_GROUP_DIR:
        if (cu && cu->file) {
            size_t dl = dir_len(cu->file, strlen(cu->file), depth);
            if (!dl) {
                *len = 1;
                return ".";
            }
            *len = dl;
            return cu->file;
        }
        break;
    case FS_GROUP_NAMESPACE:
        if (row->name && fs_is_mangled(row->name, row->name_len)) {
            size_t n = mangled_namespace(row->name, row->name_len, buf, cap);
            if (n) {
                *len = n;
                return buf;
            }
        } else if (row->name) {
            size_t n;
            if ((n = demangled_namespace(row->name, row->name_len))) {
                *len = n;
                return row->name;
            }
        }
        break;
    case FS_GROUP_PREFIX:
        if (row->name && row->name_len) {
            *len = c_prefix(row->name, row->name_len);
            return row->name;
        }
        break;
    case FS_GROUP_NONE:
        *len = 5;
        return "(all)";
    }
    *no_source = 1;
    *len = strlen(no_key[by]);
    return no_key[by];
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static int cmp_group(const void *a, const void *b)
{
    const fs_group *x = a, *y = b;
    if (x->cost.total != y->cost.total)
        return x->cost.total > y->cost.total ? -1 : 1;
    if (x->body_bytes != y->body_bytes)
        return x->body_bytes > y->body_bytes ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Whether a row's cost is counted in the module's terms (fs_report_build):
 * closure members, less forkinstr's refusals (their estimate is apart). */
static int counts(const fs_row *row)
{
    return row->in_closure && !row->refused;
}

static void add_row(fs_group *g, const fs_row *row)
{
    g->functions++;
    g->closure += row->in_closure != 0;
    g->body_bytes += row->body_bytes;
    if (counts(row)) {
        g->cost.fixed += row->cost.fixed;
        g->cost.callsite += row->cost.callsite;
        g->cost.local += row->cost.local;
        g->cost.dispatch += row->cost.dispatch;
        g->cost.total += row->cost.total;
    }
    if (row->measured) {
        g->measured++;
        g->delta += row->delta;
    }
}

int fs_groups_build(fs_groups *g, const fs_report *r, const fs_dwarf_info *d, fs_group_by by,
                    unsigned depth, fs_error *err)
{
    memset(g, 0, sizeof *g);
    g->by = by;
    g->depth = by == FS_GROUP_DIR ? depth : 0;
    uint32_t cap = 64, mask = 63;
    uint32_t *slot = calloc(cap, sizeof *slot);   /* group index + 1, 0 = empty */
    uint32_t gcap = 16;
    g->v = malloc(gcap * sizeof *g->v);
    if (!slot || !g->v)
        goto nomem;
    for (uint32_t i = 0; i < r->nrows; i++) {
        const fs_row *row = &r->rows[i];
        char buf[FS_DEMANGLE_MAX_OUT];
        size_t len = 0;
        int nosrc = 0;
        const char *k = fs_group_key(row, d, i, by, depth, buf, sizeof buf, &len, &nosrc);
        uint64_t h = hash(k, len);
        uint32_t s = (uint32_t)h & mask;
        while (slot[s]) {
            const fs_group *x = &g->v[slot[s] - 1];
            if (strlen(x->key) == len && !memcmp(x->key, k, len) && x->no_source == nosrc)
                break;
            s = (s + 1) & mask;
        }
        if (!slot[s]) {
            if (g->n == gcap) {
                fs_group *nv = realloc(g->v, (size_t)gcap * 2 * sizeof *nv);
                if (!nv)
                    goto nomem;
                g->v = nv;
                gcap *= 2;
            }
            fs_group *ng = &g->v[g->n];
            memset(ng, 0, sizeof *ng);
            if (!(ng->key = malloc(len + 1)))
                goto nomem;
            memcpy(ng->key, k, len);
            ng->key[len] = 0;
            ng->no_source = nosrc;
            slot[s] = ++g->n;
            if (g->n * 2 > cap) {               /* rehash at half full */
                uint32_t ncap = cap * 2;
                uint32_t *ns = calloc(ncap, sizeof *ns);
                if (!ns)
                    goto nomem;
                for (uint32_t j = 0; j < g->n; j++) {
                    uint32_t t = (uint32_t)hash(g->v[j].key, strlen(g->v[j].key)) & (ncap - 1);
                    while (ns[t])
                        t = (t + 1) & (ncap - 1);
                    ns[t] = j + 1;
                }
                free(slot);
                slot = ns;
                cap = ncap;
                mask = ncap - 1;
            }
            add_row(ng, row);
        } else {
            add_row(&g->v[slot[s] - 1], row);
        }
        if (!nosrc)
            g->with_source++;
        add_row(&g->total, row);
    }
    free(slot);
    slot = NULL;
    for (uint32_t i = 0; i < g->n; i++)
        g->v[i].share = g->total.cost.total ? (double)g->v[i].cost.total
                                              / (double)g->total.cost.total : 0.0;
    g->total.share = g->total.cost.total ? 1.0 : 0.0;
    if (g->n)
        qsort(g->v, g->n, sizeof *g->v, cmp_group);
    /* The promise of group.h: the sums are the module's own figures. */
    if (g->total.functions != r->functions || g->total.closure != r->closure_functions
        || g->total.cost.fixed != r->terms.fixed || g->total.cost.callsite != r->terms.callsite
        || g->total.cost.local != r->terms.local || g->total.cost.dispatch != r->terms.dispatch
        || g->total.cost.total != r->terms.total) {
        fs_groups_free(g);
        return fs_error_setf(err, FS_ERR_UNSUPPORTED,
                             "internal error: the groups do not add up to the module's totals");
    }
    return FS_OK;
nomem:
    free(slot);
    fs_groups_free(g);
    return fs_error_setf(err, FS_ERR_NOMEM, "out of memory grouping functions");
}

void fs_groups_free(fs_groups *g)
{
    for (uint32_t i = 0; g->v && i < g->n; i++)
        free(g->v[i].key);
    free(g->v);
    memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------------- emitters */

static const char *by_label(const fs_groups *g, char *buf, size_t cap)
{
    if (g->by == FS_GROUP_DIR && g->depth)
        snprintf(buf, cap, "dir (depth %u)", g->depth);
    else
        snprintf(buf, cap, "%s", fs_group_by_name[g->by]);
    return buf;
}

void fs_groups_emit_text(const fs_groups *g, unsigned top, FILE *out)
{
    char lb[32];
    uint32_t shown = top && top < g->n ? top : g->n;
    fprintf(out, "\ntop %u of %u groups by %s (%s%u of %u functions have that information):\n",
            shown, g->n, by_label(g, lb, sizeof lb), g->from_map ? "from the source map; " : "",
            g->with_source, g->total.functions);
    fprintf(out, "  %-44s %6s %6s %10s %8s %9s %8s %8s %9s %6s\n", "group", "funcs", "in",
            "bytes", "fixed", "call-site", "local", "dispatch", "total", "share");
    for (uint32_t i = 0; i <= shown; i++) {
        const fs_group *x = i < shown ? &g->v[i] : &g->total;
        const char *k = i < shown ? x->key : "(all groups)";
        size_t kl = strlen(k);
        /* long paths keep their tail, the part that tells them apart */
        fprintf(out, "  %s%-*.*s %6u %6u %10llu %8llu %9llu %8llu %8llu %9llu %5.1f%%\n",
                kl > 44 ? "..." : "", kl > 44 ? 41 : 44, kl > 44 ? 41 : 44,
                kl > 44 ? k + kl - 41 : k, x->functions, x->closure,
                (unsigned long long)x->body_bytes, (unsigned long long)x->cost.fixed,
                (unsigned long long)x->cost.callsite, (unsigned long long)x->cost.local,
                (unsigned long long)x->cost.dispatch, (unsigned long long)x->cost.total,
                100.0 * x->share);
    }
    if (shown < g->n)
        fprintf(out, "(%u more groups; --top 0 shows all, --format json|csv lists every group)\n",
                g->n - shown);
}

static void row_cells(FILE *out, const fs_group *x, const char *sep, int measured)
{
    fprintf(out, "%s%u%s%u%s%llu%s%llu%s%llu%s%llu%s%llu%s%llu%s%.6f", sep, x->functions, sep,
            x->closure, sep, (unsigned long long)x->body_bytes, sep,
            (unsigned long long)x->cost.fixed, sep, (unsigned long long)x->cost.callsite, sep,
            (unsigned long long)x->cost.local, sep, (unsigned long long)x->cost.dispatch, sep,
            (unsigned long long)x->cost.total, sep, x->share);
    if (measured)
        fprintf(out, "%s%u%s%lld", sep, x->measured, sep, (long long)x->delta);
}

#define GROUP_COLUMNS "functions,closure_functions,body_bytes,fixed,callsite,local,dispatch," \
                      "total,share"

void fs_groups_emit_csv(const fs_groups *g, const char *module, int header, FILE *out)
{
    int meas = g->total.measured > 0;
    if (header)
        fprintf(out, "%sgroup,no_source," GROUP_COLUMNS "%s\n", module ? "module," : "",
                meas ? ",measured,delta_bytes" : "");
    for (uint32_t i = 0; i < g->n; i++) {
        if (module) {
            fs_csv_field(out, module, strlen(module));
            fputc(',', out);
        }
        fs_csv_field(out, g->v[i].key, strlen(g->v[i].key));
        fprintf(out, ",%s", g->v[i].no_source ? "true" : "false");
        row_cells(out, &g->v[i], ",", meas);
        fputc('\n', out);
    }
}

void fs_groups_emit_md(const fs_groups *g, unsigned top, FILE *out)
{
    char lb[32];
    int meas = g->total.measured > 0;
    uint32_t shown = top && top < g->n ? top : g->n;
    fprintf(out, "\n### by %s (%s%u groups)\n\n", by_label(g, lb, sizeof lb),
            g->from_map ? "from the source map; " : "", g->n);
    fprintf(out, "| group | functions | in closure | body bytes | fixed | call-site | local | "
            "dispatch | total | share |%s\n|---|---|---|---|---|---|---|---|---|---|%s\n",
            meas ? " measured | delta |" : "", meas ? "---|---|" : "");
    for (uint32_t i = 0; i <= shown; i++) {
        const fs_group *x = i < shown ? &g->v[i] : &g->total;
        fputs("| `", out);
        for (const char *s = i < shown ? x->key : "(all groups)"; *s; s++)
            if (*s == '|')
                fputs("\\|", out);
            else
                fputc(*s == '`' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
        fputs("`", out);
        row_cells(out, x, " | ", meas);
        fputs(" |\n", out);
    }
    if (shown < g->n)
        fprintf(out, "\n%u more groups (--top 0 shows all).\n", g->n - shown);
}

static cJSON *group_obj(const fs_group *x, int with_key)
{
    cJSON *o = cJSON_CreateObject();
    if (with_key) {
        cJSON_AddStringToObject(o, "group", x->key);
        cJSON_AddBoolToObject(o, "no_source", x->no_source);
    }
    cJSON_AddNumberToObject(o, "functions", x->functions);
    cJSON_AddNumberToObject(o, "closure_functions", x->closure);
    cJSON_AddNumberToObject(o, "body_bytes", (double)x->body_bytes);
    cJSON *c = cJSON_AddObjectToObject(o, "cost");
    cJSON_AddNumberToObject(c, "fixed", (double)x->cost.fixed);
    cJSON_AddNumberToObject(c, "callsite", (double)x->cost.callsite);
    cJSON_AddNumberToObject(c, "local", (double)x->cost.local);
    cJSON_AddNumberToObject(c, "dispatch", (double)x->cost.dispatch);
    cJSON_AddNumberToObject(c, "total", (double)x->cost.total);
    cJSON_AddNumberToObject(o, "share", x->share);
    if (x->measured) {
        cJSON_AddNumberToObject(o, "measured", x->measured);
        cJSON_AddNumberToObject(o, "delta_bytes", (double)x->delta);
    }
    return o;
}

cJSON *fs_groups_json(const fs_groups *g)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "by", fs_group_by_name[g->by]);
    if (g->by == FS_GROUP_DIR)
        cJSON_AddNumberToObject(o, "depth", g->depth);
    if (fs_group_by_needs_dwarf(g->by))   /* file, dir, cu: where the files came from */
        cJSON_AddStringToObject(o, "source", g->from_map ? "source_map" : "dwarf");
    cJSON_AddNumberToObject(o, "with_source", g->with_source);
    cJSON_AddItemToObject(o, "total", group_obj(&g->total, 0));
    cJSON *a = cJSON_AddArrayToObject(o, "rows");
    for (uint32_t i = 0; i < g->n; i++)
        cJSON_AddItemToArray(a, group_obj(&g->v[i], 1));
    return o;
}
