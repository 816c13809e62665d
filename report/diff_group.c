/* diff_group.c - two sides' groups paired by key (diff_group.h). */
#include "diff_group.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The CLI puts the path in front of the message. */
static int bad(fs_error *err, const char *path, const char *why)
{
    (void)path;
    return fs_error_setf(err, FS_ERR_MALFORMED, "%.250s", why);
}

static int rd_u64(const cJSON *o, const char *k, uint64_t *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 9007199254740992.0)
        return 0;
    *v = (uint64_t)x->valuedouble;
    return 1;
}

static int rd_group(const cJSON *o, fs_group *g, int with_key)
{
    uint64_t f = 0, c = 0;
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(o, "cost");
    if (!rd_u64(o, "functions", &f) || !rd_u64(o, "closure_functions", &c)
        || !rd_u64(o, "body_bytes", &g->body_bytes) || !cJSON_IsObject(cost)
        || !rd_u64(cost, "fixed", &g->cost.fixed) || !rd_u64(cost, "callsite", &g->cost.callsite)
        || !rd_u64(cost, "local", &g->cost.local) || !rd_u64(cost, "dispatch", &g->cost.dispatch)
        || !rd_u64(cost, "total", &g->cost.total) || f > UINT32_MAX || c > UINT32_MAX)
        return 0;
    g->functions = (uint32_t)f;
    g->closure = (uint32_t)c;
    const cJSON *share = cJSON_GetObjectItemCaseSensitive(o, "share");
    g->share = cJSON_IsNumber(share) ? share->valuedouble : 0.0;
    if (!with_key)
        return 1;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "group");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(o, "no_source");
    if (!cJSON_IsString(k) || !cJSON_IsBool(ns) || !(g->key = strdup(k->valuestring)))
        return 0;
    g->no_source = cJSON_IsTrue(ns);
    return 1;
}

int fs_diff_groups_read_json(fs_groups *g, const char *path, const char *text, size_t len,
                             fs_group_by by, unsigned depth, fs_error *err)
{
    memset(g, 0, sizeof *g);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!doc)
        return bad(err, path, "not JSON");
    const cJSON *gr = cJSON_GetObjectItemCaseSensitive(doc, "groups");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(gr, "by");
    const cJSON *dp = cJSON_GetObjectItemCaseSensitive(gr, "depth");
    unsigned d = cJSON_IsNumber(dp) ? (unsigned)dp->valuedouble : 0;
    char why[200];
    if (!cJSON_IsObject(gr) || !cJSON_IsString(b) || strcmp(b->valuestring, fs_group_by_name[by])
        || (by == FS_GROUP_DIR && d != depth)) {
        snprintf(why, sizeof why, "the saved report has no groups by %s%s; write it with "
                 "forksize --stats --group-by %s --format json", fs_group_by_name[by],
                 by == FS_GROUP_DIR ? " at this --depth" : "", fs_group_by_name[by]);
        cJSON_Delete(doc);
        return bad(err, path, why);
    }
    g->by = by;
    g->depth = d;
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(gr, "rows");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(gr, "total");
    int n = cJSON_GetArraySize(rows);
    int ok = cJSON_IsArray(rows) && cJSON_IsObject(total) && rd_group(total, &g->total, 0);
    if (ok && n > 0 && !(g->v = calloc((size_t)n, sizeof *g->v)))
        ok = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, rows) {
        if (!ok)
            break;
        ok = rd_group(it, &g->v[g->n], 1);
        if (g->v[g->n].key)
            g->n++;
    }
    cJSON_Delete(doc);
    if (!ok) {
        fs_groups_free(g);
        return bad(err, path, "its \"groups\" member is not as forksize writes it");
    }
    return FS_OK;
}

static int cmp_row(const void *a, const void *b)
{
    const fs_diff_group_row *x = a, *y = b;
    int64_t ax = x->change < 0 ? -x->change : x->change;
    int64_t ay = y->change < 0 ? -y->change : y->change;
    if (ax != ay)
        return ax > ay ? -1 : 1;
    const fs_group *gx = x->g[1] ? x->g[1] : x->g[0], *gy = y->g[1] ? y->g[1] : y->g[0];
    if (gx->cost.total != gy->cost.total)
        return gx->cost.total > gy->cost.total ? -1 : 1;
    return strcmp(gx->key, gy->key);
}

static int cmp_ptr_key(const void *a, const void *b)
{
    const fs_group *x = *(const fs_group *const *)a, *y = *(const fs_group *const *)b;
    if (x->no_source != y->no_source)
        return x->no_source - y->no_source;
    return strcmp(x->key, y->key);
}

int fs_diff_groups_join(fs_diff_groups *d, fs_error *err)
{
    uint32_t nb = d->side[0].n, nn = d->side[1].n;
    const fs_group **sb = malloc(((size_t)nb + 1) * sizeof *sb);
    const fs_group **sn = malloc(((size_t)nn + 1) * sizeof *sn);
    d->rows = calloc((size_t)nb + nn + 1, sizeof *d->rows);
    if (!sb || !sn || !d->rows) {
        free(sb);
        free(sn);
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory pairing groups");
    }
    for (uint32_t i = 0; i < nb; i++)
        sb[i] = &d->side[0].v[i];
    for (uint32_t i = 0; i < nn; i++)
        sn[i] = &d->side[1].v[i];
    qsort(sb, nb, sizeof *sb, cmp_ptr_key);
    qsort(sn, nn, sizeof *sn, cmp_ptr_key);
    uint32_t i = 0, j = 0;
    while (i < nb || j < nn) {                   /* a merge of the two sorted key lists */
        int c = i == nb ? 1 : j == nn ? -1 : cmp_ptr_key(&sb[i], &sn[j]);
        fs_diff_group_row *r = &d->rows[d->n++];
        r->g[0] = c <= 0 ? sb[i++] : NULL;
        r->g[1] = c >= 0 ? sn[j++] : NULL;
        r->change = (int64_t)(r->g[1] ? r->g[1]->cost.total : 0)
                    - (int64_t)(r->g[0] ? r->g[0]->cost.total : 0);
    }
    free(sb);
    free(sn);
    qsort(d->rows, d->n, sizeof *d->rows, cmp_row);
    return FS_OK;
}

void fs_diff_groups_free(fs_diff_groups *d)
{
    fs_groups_free(&d->side[0]);
    fs_groups_free(&d->side[1]);
    free(d->rows);
    memset(d, 0, sizeof *d);
}

static const char *key_of(const fs_diff_group_row *r)
{
    return (r->g[1] ? r->g[1] : r->g[0])->key;
}

void fs_diff_groups_emit_text(const fs_diff_groups *d, unsigned top, int md, FILE *out)
{
    uint32_t shown = top && top < d->n ? top : d->n;
    const char *by = fs_group_by_name[d->side[0].by];
    if (md)
        fprintf(out, "\n### groups by %s (%u of %u, largest change first)\n\n| group | "
                "functions base | functions new | in closure base | in closure new | total base "
                "| total new | change |\n|---|---:|---:|---:|---:|---:|---:|---:|\n", by, shown,
                d->n);
    else
        fprintf(out, "\ngroups by %s: %u of %u, largest change in total cost first\n"
                "  %-44s %7s %7s %6s %6s %10s %10s %10s\n", by, shown, d->n, "group",
                "funcs", "->", "in", "->", "total", "->", "change");
    for (uint32_t i = 0; i <= shown; i++) {
        const fs_group *b, *n;
        const char *k;
        int64_t change;
        if (i < shown) {
            b = d->rows[i].g[0];
            n = d->rows[i].g[1];
            k = key_of(&d->rows[i]);
            change = d->rows[i].change;
        } else {
            b = &d->side[0].total;
            n = &d->side[1].total;
            k = "(all groups)";
            change = (int64_t)n->cost.total - (int64_t)b->cost.total;
        }
        unsigned long long bt = b ? b->cost.total : 0, nt = n ? n->cost.total : 0;
        unsigned bf = b ? b->functions : 0, nf = n ? n->functions : 0;
        unsigned bc = b ? b->closure : 0, nc = n ? n->closure : 0;
        if (md) {
            fputs("| `", out);
            for (const char *s = k; *s; s++)
                if (*s == '|')
                    fputs("\\|", out);
                else
                    fputc(*s == '`' || *s == '\n' ? ' ' : *s, out);
            fprintf(out, "` | %u | %u | %u | %u | %llu | %llu | %+lld |\n", bf, nf, bc, nc, bt,
                    nt, (long long)change);
        } else {
            size_t kl = strlen(k);
            fprintf(out, "  %s%-*.*s %7u %7u %6u %6u %10llu %10llu %+10lld\n", kl > 44 ? "..." : "",
                    kl > 44 ? 41 : 44, kl > 44 ? 41 : 44, kl > 44 ? k + kl - 41 : k, bf, nf, bc,
                    nc, bt, nt, (long long)change);
        }
    }
}

static cJSON *side_obj(const fs_group *g)
{
    if (!g)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "functions", g->functions);
    cJSON_AddNumberToObject(o, "closure_functions", g->closure);
    cJSON_AddNumberToObject(o, "body_bytes", (double)g->body_bytes);
    cJSON *c = cJSON_AddObjectToObject(o, "cost");
    cJSON_AddNumberToObject(c, "fixed", (double)g->cost.fixed);
    cJSON_AddNumberToObject(c, "callsite", (double)g->cost.callsite);
    cJSON_AddNumberToObject(c, "local", (double)g->cost.local);
    cJSON_AddNumberToObject(c, "dispatch", (double)g->cost.dispatch);
    cJSON_AddNumberToObject(c, "total", (double)g->cost.total);
    return o;
}

cJSON *fs_diff_groups_json(const fs_diff_groups *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "by", fs_group_by_name[d->side[0].by]);
    if (d->side[0].by == FS_GROUP_DIR)
        cJSON_AddNumberToObject(o, "depth", d->side[0].depth);
    cJSON *t = cJSON_AddObjectToObject(o, "total");
    cJSON_AddItemToObject(t, "base", side_obj(&d->side[0].total));
    cJSON_AddItemToObject(t, "new", side_obj(&d->side[1].total));
    cJSON_AddNumberToObject(t, "change", (double)((int64_t)d->side[1].total.cost.total
                                                  - (int64_t)d->side[0].total.cost.total));
    cJSON *a = cJSON_AddArrayToObject(o, "rows");
    for (uint32_t i = 0; i < d->n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "group", key_of(&d->rows[i]));
        cJSON_AddBoolToObject(r, "no_source", (d->rows[i].g[1] ? d->rows[i].g[1]
                                                               : d->rows[i].g[0])->no_source);
        cJSON_AddItemToObject(r, "base", side_obj(d->rows[i].g[0]));
        cJSON_AddItemToObject(r, "new", side_obj(d->rows[i].g[1]));
        cJSON_AddNumberToObject(r, "change", (double)d->rows[i].change);
        cJSON_AddItemToArray(a, r);
    }
    return o;
}
