/* srcmap.c - Source Map v3 for wasm: read, checked, re-encoded
 * (srcmap.h).  Every segment is decoded to absolute values, so a map can
 * be re-encoded after segments moved, were reordered or left out. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srcmap.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

/* Checks the keys a wasm source map needs; the position is the key's name
 * (cJSON keeps no offsets for a valid document). */
static int check_keys(fs_srcmap *sm, cJSON **mappings, fs_error *err)
{
    if (!cJSON_IsObject(sm->json))
        return fs_error_setf(err, FS_ERR_MALFORMED, "not a source map: the JSON is not an object");
    cJSON *v = cJSON_GetObjectItemCaseSensitive(sm->json, "version");
    if (!cJSON_IsNumber(v))
        return fs_error_setf(err, FS_ERR_MALFORMED,
                             "key \"version\": missing or not a number (Source Map v3 has 3)");
    if (v->valuedouble != 3.0)
        return fs_error_setf(err, FS_ERR_MALFORMED, "key \"version\": %.6g, not 3 (Source Map v3)",
                             v->valuedouble);
    if (cJSON_GetObjectItemCaseSensitive(sm->json, "sections"))
        return fs_error_setf(err, FS_ERR_UNSUPPORTED,
                             "key \"sections\": an index map; forksize reads plain maps only");
    cJSON *s = cJSON_GetObjectItemCaseSensitive(sm->json, "sources");
    if (!cJSON_IsArray(s))
        return fs_error_setf(err, FS_ERR_MALFORMED, "key \"sources\": missing or not an array");
    int n = cJSON_GetArraySize(s), i = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, s) {
        if (!cJSON_IsString(e) && !cJSON_IsNull(e))
            return fs_error_setf(err, FS_ERR_MALFORMED,
                                 "key \"sources\": entry %d is neither a string nor null", i);
        i++;
    }
    sm->nsources = (uint32_t)n;
    cJSON *names = cJSON_GetObjectItemCaseSensitive(sm->json, "names");
    if (names && !cJSON_IsArray(names))
        return fs_error_setf(err, FS_ERR_MALFORMED, "key \"names\": not an array");
    sm->nnames = names ? (uint32_t)cJSON_GetArraySize(names) : 0;
    *mappings = cJSON_GetObjectItemCaseSensitive(sm->json, "mappings");
    if (!cJSON_IsString(*mappings))
        return fs_error_setf(err, FS_ERR_MALFORMED, "key \"mappings\": missing or not a string");
    return FS_OK;
}

/* Decodes the segments of "mappings" (TEXT). */
static int decode(fs_srcmap *sm, const char *text, fs_error *err)
{
    size_t len = strlen(text), nseg = 1;
    for (size_t i = 0; i < len; i++)
        nseg += text[i] == ',';
    sm->seg = calloc(nseg, sizeof *sm->seg);
    if (!sm->seg)
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory reading the source map");
    int64_t st[5] = { 0 };          /* the running values: column, source, line, column, name */
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        int64_t f[5];
        unsigned nf = 0;
        if (text[i] == ';') {
            while (i < len && text[i] == ';')
                i++;
            if (i < len)
                return fs_error_setf(err, FS_ERR_MALFORMED,
                                     "\"mappings\"[%zu]: a second generated line; a wasm "
                                     "source map has one", start);
            break;
        }
        while (i < len && text[i] != ',' && text[i] != ';') {
            if (nf == 5)
                return fs_error_setf(err, FS_ERR_MALFORMED,
                                     "\"mappings\"[%zu]: a segment of more than 5 fields", i);
            uint64_t v = 0;
            unsigned shift = 0;
            int d;
            size_t at = i;
            do {
                if (i >= len || text[i] == ',' || text[i] == ';')
                    return fs_error_setf(err, FS_ERR_MALFORMED,
                                         "\"mappings\"[%zu]: a VLQ value cut short", i);
                if ((d = b64_val(text[i])) < 0)
                    return fs_error_setf(err, FS_ERR_MALFORMED,
                                         "\"mappings\"[%zu]: '%c' is not a base64 digit", i,
                                         text[i] > ' ' && text[i] < 127 ? text[i] : '?');
                if (shift > 30)        /* a 32-bit value and its sign take 7 digits */
                    return fs_error_setf(err, FS_ERR_MALFORMED,
                                         "\"mappings\"[%zu]: a VLQ value longer than 32 bits",
                                         at);
                v |= (uint64_t)(d & 31) << shift;
                shift += 5;
                i++;
            } while (d & 32);
            int64_t x = (int64_t)(v >> 1);
            f[nf++] = v & 1 ? -x : x;
        }
        if (nf == 0)
            return fs_error_setf(err, FS_ERR_MALFORMED, "\"mappings\"[%zu]: an empty segment",
                                 start);
        if (nf != 1 && nf != 4 && nf != 5)
            return fs_error_setf(err, FS_ERR_MALFORMED,
                                 "\"mappings\"[%zu]: a segment of %u fields (1, 4 or 5)", start,
                                 nf);
        for (unsigned k = 0; k < nf; k++) {
            st[k] += f[k];
            if (st[k] < 0 || st[k] > INT32_MAX)
                return fs_error_setf(err, FS_ERR_MALFORMED,
                                     "\"mappings\"[%zu]: field %u comes to %lld, outside 0..2^31-1",
                                     start, k + 1, (long long)st[k]);
        }
        if (nf >= 4 && (uint64_t)st[1] >= sm->nsources)
            return fs_error_setf(err, FS_ERR_MALFORMED,
                                 "\"mappings\"[%zu]: source index %lld out of range (\"sources\" "
                                 "has %u)", start, (long long)st[1], sm->nsources);
        if (nf == 5 && (uint64_t)st[4] >= sm->nnames)
            return fs_error_setf(err, FS_ERR_MALFORMED,
                                 "\"mappings\"[%zu]: name index %lld out of range (\"names\" "
                                 "has %u)", start, (long long)st[4], sm->nnames);
        sm->seg[sm->nseg++] = (fs_srcmap_seg){ (uint32_t)st[0], nf, (uint32_t)st[1],
                                               (uint32_t)st[2], (uint32_t)st[3],
                                               (uint32_t)st[4] };
        if (i < len && text[i] == ',') {
            i++;
            if (i == len)
                return fs_error_setf(err, FS_ERR_MALFORMED,
                                     "\"mappings\"[%zu]: an empty segment", i);
        }
    }
    return FS_OK;
}

int fs_srcmap_parse(fs_srcmap *sm, const char *text, size_t len, fs_error *err)
{
    memset(sm, 0, sizeof *sm);
    memset(err, 0, sizeof *err);
    const char *end = NULL;
    sm->json = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    while (sm->json && end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' ||
                                            *end == '\r'))
        end++;
    if (sm->json && end != text + len) {       /* more than one JSON value */
        cJSON_Delete(sm->json);
        sm->json = NULL;
    }
    if (!sm->json) {
        /* cJSON names where it stopped; NULL end means no memory */
        if (!end)
            end = cJSON_GetErrorPtr();
        err->has_offset = end != NULL;
        err->offset = end && end >= text ? (uint64_t)(end - text) : 0;
        snprintf(err->msg, sizeof err->msg, "source map: bad JSON");
        return FS_ERR_MALFORMED;
    }
    cJSON *mappings = NULL;
    int st = check_keys(sm, &mappings, err);
    if (!st)
        st = decode(sm, mappings->valuestring, err);
    if (st) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "source map: %.230s", err->msg);
        memcpy(err->msg, msg, sizeof msg);
        fs_srcmap_free(sm);
    }
    return st;
}

void fs_srcmap_free(fs_srcmap *sm)
{
    cJSON_Delete(sm->json);
    free(sm->seg);
    memset(sm, 0, sizeof *sm);
}

const char *fs_srcmap_source(const fs_srcmap *sm, uint32_t src)
{
    cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sm->json, "sources"),
                                  (int)src);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* ---- writing -------------------------------------------------------- */

typedef struct sbuf {
    char *p;   size_t n, cap;   int oom;
} sbuf;

static void put_c(sbuf *b, char c)
{
    if (b->n + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static void put_vlq(sbuf *b, int64_t x)
{
    uint64_t v = x < 0 ? ((uint64_t)-x << 1) | 1 : (uint64_t)x << 1;
    do {
        unsigned d = v & 31;
        v >>= 5;
        put_c(b, b64[d | (v ? 32 : 0)]);
    } while (v);
}

/* A segment and its place in the input, so that sorting is stable. */
typedef struct oseg {
    fs_srcmap_seg s;   size_t ord;
} oseg;

static int by_col(const void *x, const void *y)
{
    const oseg *a = x, *b = y;
    if (a->s.col != b->s.col)
        return a->s.col < b->s.col ? -1 : 1;
    return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* The payload offset of the code section of MOD, or UINT32_MAX. */
static uint32_t code_payload(const uint8_t *mod, size_t size)
{
    size_t i = 8;
    while (i < size) {
        uint8_t id = mod[i++];
        uint64_t len = 0;
        unsigned shift = 0;
        while (i < size && shift < 35) {
            uint8_t b = mod[i++];
            len |= (uint64_t)(b & 127) << shift;
            shift += 7;
            if (!(b & 128))
                break;
        }
        if (id == 10)
            return i <= UINT32_MAX ? (uint32_t)i : UINT32_MAX;
        if (len > size - i)
            break;
        i += len;
    }
    return UINT32_MAX;
}

int fs_srcmap_instrumented(fs_srcmap *sm, const fs_wasm_module *m, const fs_fi_result *r,
                           const uint8_t *out, size_t out_size, char **text,
                           fs_srcmap_counts *c, fs_error *err)
{
    memset(c, 0, sizeof *c);
    *text = NULL;
    uint32_t in_base = m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].offset;
    uint32_t in_size = m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].size;
    uint32_t out_base = code_payload(out, out_size);
    if (!r->amap || out_base == UINT32_MAX)
        return fs_error_setf(err, FS_ERR_UNSUPPORTED,
                             "no address map: the module has no code to map a source map through");
    oseg *v = malloc((sm->nseg ? sm->nseg : 1) * sizeof *v);
    if (!v)
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory mapping the source map");
    size_t n = 0;
    for (size_t i = 0; i < sm->nseg; i++) {
        fs_srcmap_seg s = sm->seg[i];
        c->in++;
        uint32_t o, f;
        int how = s.col >= in_base && s.col - in_base < in_size
                      ? fs_fi_map_code(r, s.col - in_base, &o, &f) : FS_FI_AT_NONE;
        if (how == FS_FI_AT_NONE || (uint64_t)out_base + o > INT32_MAX) {
            c->dropped++;
            continue;
        }
        if (how == FS_FI_AT_SAME)
            c->same++;
        else
            c->near++;
        s.col = out_base + o;
        v[n] = (oseg){ s, n };
        n++;
    }
    qsort(v, n, sizeof *v, by_col);
    sbuf b = { 0 };
    put_c(&b, 0);
    b.n = 0;
    int64_t prev[5] = { 0 };
    for (size_t i = 0; i < n; i++) {
        const fs_srcmap_seg *s = &v[i].s;
        uint32_t nf = s->nf;
        int64_t now[5] = { s->col, s->src, s->line, s->scol, s->name };
        if (i)
            put_c(&b, ',');
        for (unsigned k = 0; k < nf; k++) {
            put_vlq(&b, now[k] - prev[k]);
            prev[k] = now[k];
        }
    }
    c->out = n;
    free(v);
    cJSON *js = b.oom ? NULL : cJSON_CreateString(b.p);
    free(b.p);
    if (!js || !cJSON_ReplaceItemInObjectCaseSensitive(sm->json, "mappings", js)) {
        cJSON_Delete(js);
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory writing the source map");
    }
    if (!(*text = cJSON_PrintUnformatted(sm->json)))
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory writing the source map");
    return FS_OK;
}

void fs_srcmap_text_free(char *text)
{
    cJSON_free(text);
}

/* ---- function sources (--group-by) ------------------------------------ */

int fs_srcmap_func_sources(const fs_srcmap *sm, const fs_wasm_module *m, uint32_t *src)
{
    uint32_t lo = m->nfunc_imports, n = m->nfuncs;
    uint32_t *best = malloc(((size_t)n + 1) * sizeof *best);
    if (!best)
        return FS_ERR_NOMEM;
    for (uint32_t f = 0; f < n; f++)
        src[f] = best[f] = UINT32_MAX;
    for (size_t i = 0; i < sm->nseg; i++) {
        const fs_srcmap_seg *s = &sm->seg[i];
        if (s->nf < 4)
            continue;
        uint32_t a = lo, b = n;      /* the last body starting at or before s->col */
        while (a < b) {
            uint32_t mid = a + (b - a) / 2;
            if (m->funcs[mid].body_off <= s->col)
                a = mid + 1;
            else
                b = mid;
        }
        if (a == lo)
            continue;
        const fs_func *fn = &m->funcs[a - 1];
        if (s->col - fn->body_off >= fn->body_size || s->col >= best[a - 1])
            continue;
        best[a - 1] = s->col;
        src[a - 1] = s->src;
    }
    free(best);
    return FS_OK;
}

int fs_srcmap_dwarf(const fs_srcmap *sm, const fs_wasm_module *m, fs_dwarf_info *d)
{
    memset(d, 0, sizeof *d);
    uint32_t lo = m->nfunc_imports, n = m->nfuncs;
    uint32_t *src = malloc(((size_t)n + 1) * sizeof *src);
    d->cus = calloc((size_t)sm->nsources + 1, sizeof *d->cus);
    d->funcs = calloc((size_t)(n - lo) + 1, sizeof *d->funcs);
    if (!src || !d->cus || !d->funcs || fs_srcmap_func_sources(sm, m, src)) {
        free(src);
        fs_dwarf_info_free(d);
        return FS_ERR_NOMEM;
    }
    d->ncus = sm->nsources;
    d->nfuncs = n - lo;
    cJSON *root = cJSON_GetObjectItemCaseSensitive(sm->json, "sourceRoot");
    const char *prefix = cJSON_IsString(root) ? root->valuestring : "";
    size_t plen = strlen(prefix);
    int st = FS_OK;
    for (uint32_t i = 0; i < sm->nsources && !st; i++) {
        const char *name = fs_srcmap_source(sm, i);
        if (!name)
            continue;
        size_t len = strlen(name);
        /* sourceRoot is a prefix, with a '/' between when it lacks one */
        int slash = plen && prefix[plen - 1] != '/';
        char *file = malloc(plen + (size_t)slash + len + 1);
        if (!file) {
            st = FS_ERR_NOMEM;
            break;
        }
        memcpy(file, prefix, plen);
        if (slash)
            file[plen] = '/';
        memcpy(file + plen + (size_t)slash, name, len + 1);
        d->cus[i].file = file;
    }
    for (uint32_t f = lo; f < n; f++) {
        uint32_t s = src[f];
        d->funcs[f - lo].cu = s < sm->nsources && d->cus[s].file ? s : UINT32_MAX;
    }
    free(src);
    if (st)
        fs_dwarf_info_free(d);
    return st;
}

/* ---- the sourceMappingURL section ------------------------------------ */

static void put_leb(uint8_t *p, size_t *n, uint64_t v)
{
    do {
        uint8_t b = v & 127;
        v >>= 7;
        p[(*n)++] = b | (v ? 128 : 0);
    } while (v);
}

int fs_srcmap_set_url(const uint8_t *mod, size_t size, const char *url, uint8_t **out,
                      size_t *out_size, fs_error *err)
{
    static const char name[] = "sourceMappingURL";
    size_t ulen = strlen(url), nlen = sizeof name - 1;
    uint8_t *p = malloc(size + ulen + nlen + 32);
    if (!p)
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory");
    size_t n = size < 8 ? size : 8, i = n;
    memcpy(p, mod, n);
    /* forkinstr's own output: its section headers are well formed */
    while (i < size) {
        size_t start = i++;
        uint64_t len = 0;
        unsigned shift = 0;
        while (i < size && shift < 35) {
            uint8_t b = mod[i++];
            len |= (uint64_t)(b & 127) << shift;
            shift += 7;
            if (!(b & 128))
                break;
        }
        if (len > size - i) {
            free(p);
            return fs_error_setf(err, FS_ERR_MALFORMED, "a section runs past the module");
        }
        int drop = 0;
        if (mod[start] == 0 && len > nlen && mod[i] == nlen && !memcmp(mod + i + 1, name, nlen))
            drop = 1;
        if (!drop) {
            memcpy(p + n, mod + start, i + len - start);
            n += i + len - start;
        }
        i += len;
    }
    uint8_t hdr[16];
    size_t h = 0;
    put_leb(hdr, &h, nlen);
    size_t plen = h + nlen;
    h = 0;
    put_leb(hdr, &h, ulen);
    plen += h + ulen;
    p[n++] = 0;
    put_leb(p, &n, plen);
    put_leb(p, &n, nlen);
    memcpy(p + n, name, nlen);
    n += nlen;
    put_leb(p, &n, ulen);
    memcpy(p + n, url, ulen);
    n += ulen;
    *out = p;
    *out_size = n;
    return FS_OK;
}
