/* measure.c - A/B matching and per-function growth (see measure.h). */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names_bn.h"
#include "reader.h"

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

/* Open-addressing map from Binaryen's names of the input functions to
 * their indices; names are unique within a Binaryen module. */
typedef struct namemap {
    uint32_t *slot;       /* index + 1, 0 = empty */
    size_t    mask;
    char    **names;
} namemap;

static int map_build(namemap *nm, char **names, uint32_t n)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    nm->slot = calloc(cap, sizeof *nm->slot);
    if (!nm->slot)
        return -1;
    nm->mask = cap - 1;
    nm->names = names;
    for (uint32_t i = 0; i < n; i++) {
        size_t s = hash(names[i], strlen(names[i])) & nm->mask;
        while (nm->slot[s])
            s = (s + 1) & nm->mask;
        nm->slot[s] = i + 1;
    }
    return 0;
}

static uint32_t map_find(const namemap *nm, const char *name, size_t len)
{
    size_t s = hash(name, len) & nm->mask;
    while (nm->slot[s]) {
        const char *cand = nm->names[nm->slot[s] - 1];
        if (strlen(cand) == len && !memcmp(cand, name, len))
            return nm->slot[s] - 1;
        s = (s + 1) & nm->mask;
    }
    return UINT32_MAX;
}

static uint64_t with_leb(uint32_t body)
{
    return (uint64_t)body + fs_leb_size(body);
}

static uint64_t code_size(const fs_wasm_module *m)
{
    return m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].size;
}

int fs_measure_ab(const fs_wasm_module *orig, const fs_peer_out *a, const fs_peer_out *b,
                  fs_measure *out, fs_error *err)
{
    memset(out, 0, sizeof *out);
    fs_wasm_module ma, mb;
    int st = fs_wasm_decode(&ma, a->wasm, a->size, "binaryen -O output", err);
    if (st == FS_OK)
        st = fs_wasm_decode(&mb, b->wasm, b->size, "binaryen asyncify output", err);
    else
        memset(&mb, 0, sizeof mb);
    if (st != FS_OK) {
        fs_wasm_free(&ma);
        fs_wasm_free(&mb);
        return FS_ERR_UNSUPPORTED;
    }
    namemap nm = { 0 };
    char *esc = NULL;               /* an output name, escaped as Binaryen escapes */
    size_t esc_cap = 0;
    out->delta = calloc((size_t)orig->nfuncs + 1, sizeof *out->delta);
    out->present = calloc((size_t)orig->nfuncs + 1, 1);
    if (!out->delta || !out->present || map_build(&nm, a->names, a->nnames) != 0) {
        snprintf(err->msg, sizeof err->msg, "out of memory measuring growth");
        st = FS_ERR_NOMEM;
        goto done;
    }
    /* Defined functions are matched by position among the defined ones:
     * the two builds can keep different imports (-O drops an import only
     * the asyncified build still calls), which shifts every index. */
    uint32_t na = fs_wasm_ndefined(&ma), nb = fs_wasm_ndefined(&mb);
    if (a->nnames != orig->nfuncs || nb < na || !ma.has_names || !mb.has_names) {
        snprintf(err->msg, sizeof err->msg,
                 "cannot match functions: Binaryen read %u functions (forksize %u); outputs "
                 "define %u and %u%s", a->nnames, orig->nfuncs, na, nb,
                 ma.has_names && mb.has_names ? "" : ", and lack names");
        st = FS_ERR_UNSUPPORTED;
        goto done;
    }
    out->code_before = code_size(&ma);
    out->code_after = code_size(&mb);
    int64_t owned = 0;
    for (uint32_t k = 0; k < na; k++) {
        const fs_func *fa = &ma.funcs[ma.nfunc_imports + k], *fb = &mb.funcs[mb.nfunc_imports + k];
        if (!fa->name || !fb->name || fa->name_len != fb->name_len ||
            memcmp(fa->name, fb->name, fa->name_len)) {
            snprintf(err->msg, sizeof err->msg, "cannot match functions: defined function %u "
                     "is named differently in the two builds", k);
            st = FS_ERR_UNSUPPORTED;
            goto done;
        }
        /* The output's name section holds raw names; Binaryen's names for
         * the input (the map) are escaped: compare escaped with escaped. */
        if ((size_t)fa->name_len * 3 + 1 > esc_cap) {
            esc_cap = (size_t)fa->name_len * 3 + 1;
            char *ne = realloc(esc, esc_cap);
            if (!ne) {
                snprintf(err->msg, sizeof err->msg, "out of memory measuring growth");
                st = FS_ERR_NOMEM;
                goto done;
            }
            esc = ne;
        }
        size_t elen = fs_bn_escape(fa->name, fa->name_len, esc);
        uint32_t o = map_find(&nm, esc, elen);
        if (o == UINT32_MAX || o < orig->nfunc_imports) {
            /* A function -O created (none at the levels we run): its
             * growth stays with the module. */
            continue;
        }
        int64_t d = (int64_t)with_leb(fb->body_size) - (int64_t)with_leb(fa->body_size);
        out->delta[o] = d;
        out->present[o] = 1;
        out->matched++;
        owned += d;
    }
    out->removed = fs_wasm_ndefined(orig) - out->matched;
    for (uint32_t k = na; k < nb; k++) {
        out->nhelpers++;
        out->helper_bytes += with_leb(mb.funcs[mb.nfunc_imports + k].body_size);
    }
    out->module_bytes = (int64_t)out->code_after - (int64_t)out->code_before - owned;
done:
    free(esc);
    free(nm.slot);
    fs_wasm_free(&ma);
    fs_wasm_free(&mb);
    if (st != FS_OK)
        fs_measure_free(out);
    return st;
}

void fs_measure_free(fs_measure *m)
{
    free(m->delta);
    free(m->present);
    memset(m, 0, sizeof *m);
}
