/* profile.c - fs_profile: a V8 CPU profile's self time per wasm function
 * (profile.h). */
#include "profile.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The defined function whose body starts at byte OFF, or UINT32_MAX. */
static uint32_t func_at(const fs_wasm_module *m, double off)
{
    if (off < 0 || off > (double)UINT32_MAX)
        return UINT32_MAX;
    uint32_t lo = m->nfunc_imports, hi = m->nfuncs, o = (uint32_t)off;
    while (lo < hi) {               /* bodies are in index order */
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->funcs[mid].body_off < o)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nfuncs && m->funcs[lo].body_off == o ? lo : UINT32_MAX;
}

static int fail(fs_error *err, const char *path, const char *what)
{
    snprintf(err->msg, sizeof err->msg, "--hot-profile %.100s: %s", path, what);
    return FS_ERR_MALFORMED;
}

int fs_profile_parse(fs_profile *p, const char *text, size_t len, const char *path,
                     const fs_wasm_module *m, fs_error *err)
{
    memset(p, 0, sizeof *p);
    memset(err, 0, sizeof *err);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!doc)
        return fail(err, path, "not JSON");
    const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(doc, "nodes");
    const cJSON *samples = cJSON_GetObjectItemCaseSensitive(doc, "samples");
    const cJSON *deltas = cJSON_GetObjectItemCaseSensitive(doc, "timeDeltas");
    int st = FS_OK;
    int nn = cJSON_GetArraySize(nodes), ns = cJSON_GetArraySize(samples);
    if (!cJSON_IsArray(nodes) || !cJSON_IsArray(samples) || !cJSON_IsArray(deltas) ||
        cJSON_GetArraySize(deltas) != ns) {
        cJSON_Delete(doc);
        return fail(err, path, "not a CPU profile (nodes, samples and timeDeltas of one length)");
    }
    /* Per node: its node id and function (UINT32_MAX: not a wasm frame of
     * the chosen module).  The module is the first url whose frames all
     * start a body of M. */
    struct nd { double id; uint32_t func; const char *url; int seen; } *v =
        calloc((size_t)nn + 1, sizeof *v);
    p->self_us = calloc((size_t)m->nfuncs + 1, sizeof *p->self_us);
    if (!v || !p->self_us) {
        free(v);
        cJSON_Delete(doc);
        fs_profile_free(p);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    const char *url = NULL, *bad = NULL;
    int k = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, nodes) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(n, "id");
        const cJSON *cf = cJSON_GetObjectItemCaseSensitive(n, "callFrame");
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(cf, "url");
        const cJSON *col = cJSON_GetObjectItemCaseSensitive(cf, "columnNumber");
        v[k].id = cJSON_IsNumber(id) ? id->valuedouble : -1;
        v[k].func = UINT32_MAX;
        /* V8's call wrappers (wasm-to-js:..., js-to-wasm:...) carry the
         * module's url and column 0, where no body starts: not functions */
        if (cJSON_IsString(u) && !strncmp(u->valuestring, "wasm://", 7) &&
            cJSON_IsNumber(col) && col->valuedouble > 0) {
            v[k].url = u->valuestring;
            v[k].func = func_at(m, col->valuedouble);
        }
        k++;
    }
    /* the module: the first wasm url none of whose frames misses; each url
     * is tried once (its frames are marked seen) */
    for (int i = 0; i < nn && !url; i++) {
        if (!v[i].url || v[i].seen)
            continue;
        int all = 1;
        for (int j = i; j < nn; j++)
            if (v[j].url && !strcmp(v[j].url, v[i].url)) {
                v[j].seen = 1;
                all &= v[j].func != UINT32_MAX;
            }
        if (all)
            url = v[i].url;
        else if (!bad)
            bad = v[i].url;
    }
    if (!url) {
        st = fail(err, path, bad ? "its wasm frames do not start function bodies of the module: "
                                   "was it taken on another build of it (an instrumented one)?"
                                 : "no wasm frames");
    } else {
        /* node ids are 1..nodes in V8's profiles: a table by id, bounded */
        uint32_t *byid = calloc((size_t)nn * 4 + 2, sizeof *byid);
        if (!byid) {
            st = FS_ERR_NOMEM;
            snprintf(err->msg, sizeof err->msg, "out of memory");
        }
        for (int j = 0; j < nn && !st; j++) {
            if (v[j].id < 1 || v[j].id > (double)nn * 4 || byid[(size_t)v[j].id])
                st = fail(err, path, "a node id is missing, repeated or out of range");
            else
                byid[(size_t)v[j].id] = (uint32_t)j + 1;
        }
        for (int i = 0; i < ns && !st; i++) {
            const cJSON *id = cJSON_GetArrayItem(samples, i), *dt = cJSON_GetArrayItem(deltas, i);
            if (!cJSON_IsNumber(id) || !cJSON_IsNumber(dt) || id->valuedouble < 1 ||
                id->valuedouble > (double)nn * 4 || !byid[(size_t)id->valuedouble]) {
                st = fail(err, path, "a sample names no node");
                break;
            }
            const struct nd *x = &v[byid[(size_t)id->valuedouble] - 1];
            if (x->url && !strcmp(x->url, url) && dt->valuedouble > 0)
                p->self_us[x->func] += (uint64_t)dt->valuedouble;
        }
        free(byid);
    }
    free(v);
    cJSON_Delete(doc);
    if (st)
        fs_profile_free(p);
    return st;
}

void fs_profile_free(fs_profile *p)
{
    free(p->self_us);
    memset(p, 0, sizeof *p);
}

uint32_t fs_profile_pick(const fs_profile *p, const fs_wasm_module *m, const uint8_t *in,
                         double share, uint8_t *hot, uint32_t *pick, uint32_t npick,
                         uint64_t *in_us)
{
    uint64_t total = 0;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (in[f])
            total += p->self_us[f];
    *in_us = total;
    uint64_t sum = 0;
    uint32_t n = 0;
    /* the next hottest not yet taken, until the share is reached */
    while (total && (n == 0 || (double)sum < share * (double)total)) {
        uint32_t best = UINT32_MAX;
        for (uint32_t f = 0; f < m->nfuncs; f++)
            if (in[f] && !hot[f] && p->self_us[f] &&
                (best == UINT32_MAX || p->self_us[f] > p->self_us[best]))
                best = f;
        if (best == UINT32_MAX)
            break;
        hot[best] = 1;
        sum += p->self_us[best];
        if (n < npick)
            pick[n] = best;
        n++;
    }
    return n;
}
