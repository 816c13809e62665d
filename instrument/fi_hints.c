/* fi_hints.c - see fi_hints.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi_hints.h"
#include "leb.h"

typedef struct hint {
    uint32_t func, off;     /* off: from the body's start, size LEB excluded */
    uint8_t  value;         /* 0 unlikely, 1 likely */
} hint;

static uint32_t find_section(const fs_wasm_module *m, uint32_t *count)
{
    uint32_t at = FI_NONE;
    size_t len = strlen(FI_HINT_SECTION);
    *count = 0;
    for (uint32_t i = 0; i < m->nsections; i++) {
        const fs_section *s = &m->sections[i];
        if (s->id == 0 && s->name_len == len && !memcmp(s->name, FI_HINT_SECTION, len)) {
            if (at == FI_NONE)
                at = i;
            ++*count;
        }
    }
    return at;
}

/* The input section's hints, checked: every function a defined one, in
 * increasing order, every offset inside its body and increasing, every
 * payload one byte of 0 or 1.  On a fault, -1 with WHY naming its file
 * offset. */
static int parse(const fs_wasm_module *m, const fs_section *s, hint **out, uint32_t *n,
                 char *why, size_t whylen)
{
    const uint8_t *p = (const uint8_t *)s->name + s->name_len, *end = m->bytes + s->offset + s->size;
    const uint8_t *at = p;
    uint32_t nf, cap = 0, last_f = 0;
    hint *v = NULL;
    *n = 0;
    const char *what = "the function count";
    if (fs_leb_u32_checked(&p, end, &nf))
        goto bad;
    for (uint32_t i = 0; i < nf; i++) {
        uint32_t f, nh, last_off = 0;
        at = p;
        what = "a function index";
        if (fs_leb_u32_checked(&p, end, &f))
            goto bad;
        what = "a function that is not a defined one, or out of order";
        if (f < m->nfunc_imports || f >= m->nfuncs || (i && f <= last_f))
            goto bad;
        last_f = f;
        at = p;
        what = "the hint count";
        if (fs_leb_u32_checked(&p, end, &nh) || nh > (uint32_t)(end - p) / 3)
            goto bad;
        for (uint32_t k = 0; k < nh; k++) {
            uint32_t off, size;
            at = p;
            what = "a hint (offset, size 1, value 0 or 1; offsets increasing, inside the body)";
            if (fs_leb_u32_checked(&p, end, &off) || fs_leb_u32_checked(&p, end, &size) ||
                size != 1 || p >= end || *p > 1 || off >= m->funcs[f].body_size ||
                (k && off <= last_off))
                goto bad;
            last_off = off;
            if (*n == cap) {
                cap = cap ? cap * 2 : 64;
                hint *g = realloc(v, cap * sizeof *g);
                if (!g) {
                    free(v);
                    return FS_ERR_NOMEM;
                }
                v = g;
            }
            v[(*n)++] = (hint){ f, off, *p++ };
        }
    }
    at = p;
    what = "bytes after the last function";
    if (p != end)
        goto bad;
    *out = v;
    return FS_OK;
bad:
    free(v);
    *n = 0;
    snprintf(why, whylen, "dropped: malformed at file offset 0x%x (%s); its offsets name "
             "instructions forkinstr moved", (unsigned)(at - m->bytes), what);
    return -1;
}

int fi_hints_prepare(fi_hints *h, const fs_wasm_module *m, const fi_module *fm,
                     const fi_amap *amap, fs_fi_result *r)
{
    memset(h, 0, sizeof *h);
    uint32_t copies;
    h->section = find_section(m, &copies);
    if (!amap) {                    /* nothing moved: the input's is copied */
        h->section = FI_NONE;
        return FS_OK;
    }
    if (h->section == FI_NONE && !fm->fhints)
        return FS_OK;
    const fs_section *s = h->section == FI_NONE ? NULL : &m->sections[h->section];
    hint *in = NULL;
    uint32_t nin = 0, lost = 0;
    char why[200] = "";
    if (s) {
        int st = copies > 1 ? -1 : parse(m, s, &in, &nin, why, sizeof why);
        if (copies > 1)
            snprintf(why, sizeof why, "dropped: the module has %u of them, the format allows one",
                     copies);
        if (st == FS_ERR_NOMEM)
            return st;
        if (st) {
            if ((st = fi_debug_note(r, s->name, s->name_len, FS_FI_DBG_DROPPED, why)))
                return st;
            if (!fm->fhints)
                return FS_OK;
        }
    }
    /* Each defined function in order: the input's hints moved to the same
     * instruction, merged with forkinstr's own (disjoint: those are on
     * bytes it added). */
    fi_buf body = { 0 };
    uint32_t nfunc = 0, k = 0;
    for (uint32_t i = 0; i < amap->nfuncs; i++) {
        uint32_t f = m->nfunc_imports + i;
        const fi_hintv *own = fm->fhints ? &fm->fhints[f] : NULL;
        uint32_t nown = own ? own->n : 0, j = 0;
        uint32_t k0 = k;
        while (k < nin && in[k].func == f)
            k++;
        if (k == k0 && !nown)
            continue;
        /* map the input's first, dropping any that no longer lands on its byte */
        uint32_t kept = 0;
        for (uint32_t q = k0; q < k; q++) {
            uint32_t out = fi_amap_lookup(amap, amap->fbeg[i] + in[q].off);
            if (out == FI_NONE || out < amap->obeg[i] || out >= amap->oend[i]) {
                lost++;
                continue;
            }
            in[k0 + kept] = in[q];
            in[k0 + kept++].off = out - amap->obeg[i];
        }
        if (!kept && !nown)
            continue;
        fi_put_u32(&body, f);
        fi_put_u32(&body, kept + nown);
        uint32_t q = k0;
        while (q < k0 + kept || j < nown) {
            int take_in = j == nown || (q < k0 + kept && in[q].off < own->v[j]);
            fi_put_u32(&body, take_in ? in[q].off : own->v[j]);
            fi_put(&body, 1);
            fi_put(&body, take_in ? in[q].value : 0);
            take_in ? q++ : j++;
        }
        h->moved += kept;
        h->added += nown;
        nfunc++;
    }
    free(in);
    if (nfunc) {
        size_t len = strlen(FI_HINT_SECTION);
        fi_put_u32(&h->payload, (uint32_t)len);
        fi_put_bytes(&h->payload, FI_HINT_SECTION, len);
        fi_put_u32(&h->payload, nfunc);
        fi_put_bytes(&h->payload, body.p, body.n);
    }
    free(body.p);
    if (body.oom || h->payload.oom)
        return FS_ERR_NOMEM;
    if (!nfunc && !s)
        return FS_OK;
    /* what was written: the input's hints (unless dropped above), ours */
    int n = 0;
    if (s && !why[0])
        n = snprintf(why, sizeof why, "%u hints moved with their instructions", h->moved);
    else
        why[0] = 0;
    if (lost)
        n += snprintf(why + n, sizeof why - (size_t)n, " (%u no longer on one, dropped)", lost);
    if (fm->fhints)
        n += snprintf(why + n, sizeof why - (size_t)n, "%s%u added by --branch-hints "
                      "(forkinstr's rewind tests, unlikely)", n ? ", " : "", h->added);
    snprintf(why + n, sizeof why - (size_t)n, "; %zu bytes", h->payload.n);
    const char *name = s ? s->name : FI_HINT_SECTION;
    uint32_t name_len = s ? s->name_len : (uint32_t)strlen(FI_HINT_SECTION);
    return fi_debug_note(r, name, name_len, FS_FI_DBG_REWRITTEN, why);
}

void fi_hints_free(fi_hints *h)
{
    free(h->payload.p);
    memset(h, 0, sizeof *h);
}
