/* fi_debug.c - what happens to the module's debug custom sections when
 * forkinstr writes a module (fs_fi_run_debug).
 *
 * forkinstr moves almost every function body, so any section holding
 * code addresses (DWARF for wasm counts them from the start of the code
 * section's payload) would name the wrong instruction if it were copied.
 * Each debug section therefore gets one of three fates, decided here
 * before the module is assembled:
 *
 *   rewritten  its addresses are mapped to the output (fi_dline.c for
 *              .debug_line);
 *   dropped    forksize cannot rewrite it (its kind, its DWARF version or
 *              form, or malformed bytes), or it only serves a section that
 *              was dropped (.debug_abbrev without .debug_info);
 *   kept       it holds no code address (.debug_str for a kept section),
 *              or the caller asked for stale sections (--keep-stale-debug).
 *
 * Every drop, every stale keep and every rewrite becomes a note in
 * r->debug, with the reason; the CLI prints them.  A sourceMappingURL or
 * external_debug_info section is kept (it is only a file name), with a
 * note that the file it names now describes other code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi_debug.h"

/* What a debug section holds, which decides its fate. */
enum {
    K_OTHER,     /* not debug info: copied as before */
    K_ADDR,      /* holds code addresses */
    K_INFO,      /* only read through .debug_info (abbreviations, indexes, ...) */
    K_STR,       /* strings read by .debug_info or .debug_line */
    K_UNKNOWN,   /* a .debug_* section forksize does not know */
    K_MAP        /* names an external file (source map, split DWARF) */
};

static const struct { const char *name; int kind; } known[] = {
    { ".debug_line", K_ADDR },      { ".debug_info", K_ADDR },
    { ".debug_ranges", K_ADDR },    { ".debug_rnglists", K_ADDR },
    { ".debug_aranges", K_ADDR },   { ".debug_loc", K_ADDR },
    { ".debug_loclists", K_ADDR },  { ".debug_addr", K_ADDR },
    { ".debug_frame", K_ADDR },
    { ".debug_abbrev", K_INFO },    { ".debug_str_offsets", K_INFO },
    { ".debug_types", K_INFO },     { ".debug_pubnames", K_INFO },
    { ".debug_pubtypes", K_INFO },  { ".debug_gnu_pubnames", K_INFO },
    { ".debug_gnu_pubtypes", K_INFO }, { ".debug_names", K_INFO },
    { ".debug_macinfo", K_INFO },   { ".debug_macro", K_INFO },
    { ".debug_cu_index", K_INFO },  { ".debug_tu_index", K_INFO },
    { ".debug_str", K_STR },        { ".debug_line_str", K_STR },
    { "sourceMappingURL", K_MAP },  { "external_debug_info", K_MAP },
};

static int name_is(const fs_section *s, const char *name)
{
    size_t n = strlen(name);
    return s->name_len == n && !memcmp(s->name, name, n);
}

static int kind_of(const fs_section *s)
{
    if (s->id != 0)
        return K_OTHER;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (name_is(s, known[i].name))
            return known[i].kind;
    if (s->name_len >= 7 && !memcmp(s->name, ".debug_", 7))
        return K_UNKNOWN;
    return K_OTHER;
}

int fi_debug_note(fs_fi_result *r, const char *name, uint32_t name_len,
                  fs_fi_debug_action act, const char *why)
{
    fs_fi_debug_note *n = realloc(r->debug, ((size_t)r->ndebug + 1) * sizeof *n);
    if (!n)
        return FS_ERR_NOMEM;
    r->debug = n;
    n += r->ndebug++;
    memset(n, 0, sizeof *n);
    size_t len = name_len < sizeof n->section - 1 ? name_len : sizeof n->section - 1;
    memcpy(n->section, name, len);
    n->action = act;
    snprintf(n->reason, sizeof n->reason, "%.199s", why);
    return FS_OK;
}

static int note(fs_fi_result *r, const fs_section *s, fs_fi_debug_action act, const char *why)
{
    return fi_debug_note(r, s->name, s->name_len, act, why);
}

/* The DWARF bytes of custom section S (after its name) and their file
 * offset. */
static const uint8_t *dwarf_of(const fs_wasm_module *m, const fs_section *s, uint32_t *size,
                               uint32_t *file_off)
{
    uint32_t data = (uint32_t)((const uint8_t *)s->name + s->name_len - m->bytes);
    *size = s->offset + s->size - data;
    *file_off = data;
    return m->bytes + data;
}

/* A copy of section I's DWARF into its payload, to be patched in place. */
static uint8_t *copy_of(fi_debug *d, const fs_wasm_module *m, uint32_t i, uint32_t *size,
                        uint64_t *base)
{
    uint32_t off;
    const uint8_t *p = dwarf_of(m, &m->sections[i], size, &off);
    *base = off;
    fi_buf *b = &d->sec[i].payload;
    fi_put_bytes(b, p, *size);
    return b->oom ? NULL : (b->p ? b->p : (uint8_t *)"");
}

static uint32_t find(const fs_wasm_module *m, const char *name)
{
    for (uint32_t i = 0; i < m->nsections; i++)
        if (m->sections[i].id == 0 && name_is(&m->sections[i], name))
            return i;
    return FI_NONE;
}

/* The sections rewritten with .debug_info (fi_dinfo.c): DWARF 2-4's
 * lists and aranges patched in place, DWARF 5's .debug_addr patched in
 * place and its lists re-encoded. */
static const char *const fam[] = { ".debug_info", ".debug_ranges", ".debug_loc",
                                   ".debug_aranges", ".debug_addr", ".debug_rnglists",
                                   ".debug_loclists" };
enum { NFAM = sizeof fam / sizeof fam[0] };

static int in_family(const fs_section *s)
{
    for (int k = 0; k < NFAM; k++)
        if (name_is(s, fam[k]))
            return 1;
    return 0;
}

/* .debug_info with its family, rewritten (fi_dinfo.c); *OK 1 when
 * rewritten, else each is dropped with WHY. */
static int info_family(fi_debug *d, const fs_wasm_module *m, const fi_amap *amap,
                       const fi_dline_offs *lines, int *ok, char *why, size_t why_size)
{
    uint32_t idx[NFAM], ab = find(m, ".debug_abbrev");
    for (int k = 0; k < NFAM; k++)
        idx[k] = find(m, fam[k]);
    fi_dinfo io;
    memset(&io, 0, sizeof io);
    uint32_t off;
    io.abbrev = dwarf_of(m, &m->sections[ab], &io.abbrev_size, &off);
    if (!(io.info = copy_of(d, m, idx[0], &io.info_size, &io.info_base)))
        return FS_ERR_NOMEM;
    if (idx[1] != FI_NONE && !(io.ranges = copy_of(d, m, idx[1], &io.ranges_size, &io.ranges_base)))
        return FS_ERR_NOMEM;
    if (idx[2] != FI_NONE && !(io.loc = copy_of(d, m, idx[2], &io.loc_size, &io.loc_base)))
        return FS_ERR_NOMEM;
    if (idx[3] != FI_NONE &&
        !(io.aranges = copy_of(d, m, idx[3], &io.aranges_size, &io.aranges_base)))
        return FS_ERR_NOMEM;
    if (idx[4] != FI_NONE) {
        io.addr.in = dwarf_of(m, &m->sections[idx[4]], &io.addr.size, &off);
        io.addr.file_off = off;
        if (!(io.addr.out = copy_of(d, m, idx[4], &io.addr.size, &io.addr.file_off)))
            return FS_ERR_NOMEM;
    }
    if (idx[5] != FI_NONE) {
        io.rnglists = dwarf_of(m, &m->sections[idx[5]], &io.rnglists_size, &off);
        io.rnglists_base = off;
        io.rnglists_out = &d->sec[idx[5]].payload;
    }
    if (idx[6] != FI_NONE) {
        io.loclists = dwarf_of(m, &m->sections[idx[6]], &io.loclists_size, &off);
        io.loclists_base = off;
        io.loclists_out = &d->sec[idx[6]].payload;
    }
    int st = fi_dinfo_rewrite(&io, amap, lines, why, why_size);
    if (st == FS_ERR_NOMEM)
        return st;
    *ok = st == FS_OK;
    for (int k = 0; k < NFAM; k++)
        if (idx[k] != FI_NONE) {
            d->sec[idx[k]].act = *ok ? FI_DSEC_REWRITE : FI_DSEC_DROP;
            if (!*ok) {
                free(d->sec[idx[k]].payload.p);
                memset(&d->sec[idx[k]].payload, 0, sizeof d->sec[idx[k]].payload);
            }
        }
    return FS_OK;
}

int fi_debug_prepare(fi_debug *d, const fs_wasm_module *m, fs_fi_debug_mode mode,
                     const fi_amap *amap, fs_fi_result *r)
{
    memset(d, 0, sizeof *d);
    d->mode = mode;
    if (mode == FS_FI_DEBUG_MEASURE)
        return FS_OK;
    d->sec = calloc(m->nsections ? m->nsections : 1, sizeof *d->sec);
    if (!d->sec)
        return FS_ERR_NOMEM;
    int st = FS_OK;
    int info_kept = 0, line_kept = 0;
    unsigned line_version = 0;     /* of the rewritten line tables: 5 may use .debug_str */
    char line_why[200] = "", info_why[200] = "";
    int line_done = 0, info_done = 0;
    fi_dline_offs offs;
    memset(&offs, 0, sizeof offs);
    /* The rewrites, when there is a map: .debug_line, then the .debug_info
     * family, whose DW_AT_stmt_list needs the line tables' new offsets. */
    uint32_t li = find(m, ".debug_line"), ii = find(m, ".debug_info");
    if (amap && li != FI_NONE) {
        uint32_t size, off;
        const uint8_t *p = dwarf_of(m, &m->sections[li], &size, &off);
        st = fi_dline_rewrite(p, size, off, amap, &d->sec[li].payload, &line_version, &offs,
                              line_why, sizeof line_why);
        line_done = 1;
        if (st == FS_OK) {
            d->sec[li].act = FI_DSEC_REWRITE;
            line_kept = 1;
        } else if (st == FS_ERR_MALFORMED || st == FS_ERR_UNSUPPORTED) {
            st = FS_OK;
            d->sec[li].act = FI_DSEC_DROP;
            free(d->sec[li].payload.p);
            memset(&d->sec[li].payload, 0, sizeof d->sec[li].payload);
        }
    }
    if (!st && amap && (line_kept || li == FI_NONE) &&
        ii != FI_NONE && find(m, ".debug_abbrev") != FI_NONE) {
        st = info_family(d, m, amap, li == FI_NONE ? NULL : &offs, &info_kept, info_why,
                         sizeof info_why);
        info_done = 1;
    }
    free(offs.old);
    free(offs.now);
    /* Then every section that holds addresses, in order: noted. */
    for (uint32_t i = 0; i < m->nsections && !st; i++) {
        const fs_section *s = &m->sections[i];
        int k = kind_of(s);
        if (k != K_ADDR && k != K_UNKNOWN)
            continue;
        int fam_member = in_family(s);
        char why[240];
        if (i == li && line_done) {
            snprintf(why, sizeof why, "%s", line_why);
        } else if (fam_member && info_done) {
            if (i == ii || info_kept)
                snprintf(why, sizeof why, "%s", i == ii ? info_why
                                 : name_is(s, ".debug_rnglists") || name_is(s, ".debug_loclists")
                                 ? "re-encoded with .debug_info" : "rewritten in place with .debug_info");
            else
                snprintf(why, sizeof why, "dropped with .debug_info (%.190s)",
                         info_why[0] == 'd' ? info_why + 9 : info_why);
        } else if (fam_member && ii != FI_NONE && li != FI_NONE && !line_kept) {
            snprintf(why, sizeof why, "dropped: it holds code addresses, which forkinstr "
                                      "moved, and forksize rewrites it only with .debug_line");
        } else if (k == K_UNKNOWN) {
            snprintf(why, sizeof why, "dropped: forksize does not know this debug section, so "
                                      "it cannot tell whether it holds code addresses");
        } else {
            snprintf(why, sizeof why, "dropped: it holds code addresses, which forkinstr "
                                      "moved, and forksize cannot rewrite this section yet");
        }
        if (d->sec[i].act != FI_DSEC_REWRITE && mode == FS_FI_DEBUG_KEEP_STALE) {
            /* asked for: the input's bytes, said to be stale, and kept
             * for what reads them */
            d->sec[i].act = FI_DSEC_COPY;
            free(d->sec[i].payload.p);
            memset(&d->sec[i].payload, 0, sizeof d->sec[i].payload);
            info_kept |= name_is(s, ".debug_info");
            if (name_is(s, ".debug_line")) {
                line_kept = 1;
                line_version = 5;       /* unread: assume it may use .debug_str */
            }
            const char *because = why;
            if (!strncmp(because, "dropped: ", 9))
                because += 9;
            else if (!strncmp(because, "dropped ", 8))
                because += 8;
            char stale[240];
            snprintf(stale, sizeof stale, "kept as it was, stale (--keep-stale-debug): %.190s",
                     because);
            st = note(r, s, FS_FI_DBG_STALE, stale);
        } else if (d->sec[i].act != FI_DSEC_REWRITE) {
            d->sec[i].act = FI_DSEC_DROP;
            st = note(r, s, FS_FI_DBG_DROPPED, why);
        } else {
            st = note(r, s, FS_FI_DBG_REWRITTEN, why);
        }
    }
    /* Then the sections that only serve them. */
    for (uint32_t i = 0; i < m->nsections && !st; i++) {
        const fs_section *s = &m->sections[i];
        int k = kind_of(s);
        if (k == K_INFO && !info_kept) {
            d->sec[i].act = FI_DSEC_DROP;
            st = note(r, s, FS_FI_DBG_DROPPED,
                      "dropped: only .debug_info reads it, and .debug_info was dropped");
        } else if (k == K_STR && !info_kept &&
                   !(line_kept && (name_is(s, ".debug_line_str") || line_version >= 5))) {
            /* A line table header names its files in .debug_line_str, or
             * (version 5) possibly in .debug_str; before 5 it holds them. */
            d->sec[i].act = FI_DSEC_DROP;
            st = note(r, s, FS_FI_DBG_DROPPED,
                      line_kept ? "dropped: only .debug_info reads it (the line tables are "
                                  "older than DWARF 5), and .debug_info was dropped"
                                : "dropped: only .debug_info and .debug_line read it, and "
                                  "both were dropped");
        } else if (k == K_MAP) {
            st = note(r, s, FS_FI_DBG_MAP_STALE,
                      name_is(s, "sourceMappingURL")
                          ? "kept, but the source map it names describes the input's code "
                            "addresses, which forkinstr moved: that map is now stale"
                          : "kept, but the debug file it names describes the input's code "
                            "addresses, which forkinstr moved: that file is now stale");
        }
    }
    return st;
}

void fi_debug_free(fi_debug *d, uint32_t nsections)
{
    if (d->sec)
        for (uint32_t i = 0; i < nsections; i++)
            free(d->sec[i].payload.p);
    free(d->sec);
    memset(d, 0, sizeof *d);
}


/* ---- the address map ------------------------------------------------ */

void fi_fruns_add(fi_fruns *r, uint32_t orig, uint32_t out, uint32_t len)
{
    if (r->n && r->v[r->n - 3] + r->v[r->n - 1] == orig && r->v[r->n - 2] + r->v[r->n - 1] == out) {
        r->v[r->n - 1] += len;
        return;
    }
    if (r->n + 3 > r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 48;
        uint32_t *v = realloc(r->v, (size_t)cap * sizeof *v);
        if (!v) {
            r->oom = 1;
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = orig;
    r->v[r->n++] = out;
    r->v[r->n++] = len;
}

static int push(fi_amap *a, uint32_t orig, uint32_t out, uint32_t len)
{
    if (a->nruns == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        fi_run *v = realloc(a->runs, cap * sizeof *v);
        if (!v)
            return FS_ERR_NOMEM;
        a->runs = v;
        a->cap = cap;
    }
    a->runs[a->nruns++] = (fi_run){ orig, out, len };
    return FS_OK;
}

int fi_amap_build(fi_amap *a, const fs_wasm_module *m, const fi_fruns *fruns,
                  const fi_buf *code)
{
    memset(a, 0, sizeof *a);
    uint32_t lo = m->nfunc_imports, n = m->nfuncs - lo;
    uint32_t base = m->sections[m->code_section].offset;
    a->nfuncs = n;
    a->fbeg = malloc(((size_t)n + 1) * 4 * sizeof *a->fbeg);
    if (!a->fbeg)
        return FS_ERR_NOMEM;
    a->fend = a->fbeg + n + 1;
    a->obeg = a->fend + n + 1;
    a->oend = a->obeg + n + 1;
    /* the output code section: count, then size LEB + body per function
     * (forkinstr's own bytes, so the unchecked reader is enough) */
    const uint8_t *q = code->p;
    fs_leb_u32(&q);
    for (uint32_t i = 0; i < n; i++) {
        const fs_func *fn = &m->funcs[lo + i];
        uint32_t size = fs_leb_u32(&q);
        a->fbeg[i] = fn->body_off - base;
        a->fend[i] = a->fbeg[i] + fn->body_size;
        a->obeg[i] = (uint32_t)(q - code->p);
        a->oend[i] = a->obeg[i] + size;
        q += size;
        const fi_fruns *r = &fruns[lo + i];
        int st = FS_OK;
        if (r->n) {
            for (uint32_t k = 0; k < r->n && !st; k += 3)
                st = push(a, a->fbeg[i] + r->v[k], a->obeg[i] + r->v[k + 1], r->v[k + 2]);
        } else if (size == fn->body_size) {
            st = push(a, a->fbeg[i], a->obeg[i], size);     /* copied whole */
        }
        if (st)
            return st;
    }
    return FS_OK;
}

void fi_amap_free(fi_amap *a)
{
    free(a->runs);
    free(a->fbeg);
    memset(a, 0, sizeof *a);
}

uint32_t fi_amap_lookup(const fi_amap *a, uint32_t orig)
{
    size_t lo = 0, hi = a->nruns;
    while (lo < hi) {           /* the first run starting after ORIG */
        size_t mid = lo + (hi - lo) / 2;
        if (a->runs[mid].orig <= orig)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return FI_NONE;
    const fi_run *r = &a->runs[lo - 1];
    return orig - r->orig < r->len ? r->out + (orig - r->orig) : FI_NONE;
}

uint32_t fi_amap_next(const fi_amap *a, uint32_t orig)
{
    size_t lo = 0, hi = a->nruns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->runs[mid].orig <= orig)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->nruns ? (uint32_t)lo : FI_NONE;
}

uint32_t fi_amap_func(const fi_amap *a, uint32_t orig, int end)
{
    size_t lo = 0, hi = a->nfuncs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->fbeg[mid] <= orig)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return FI_NONE;
    uint32_t f = (uint32_t)lo - 1;
    return orig < a->fend[f] || (end && orig == a->fend[f]) ? f : FI_NONE;
}

int fs_fi_map_code(const fs_fi_result *r, uint32_t orig, uint32_t *out, uint32_t *defined)
{
    const fi_amap *a = r->amap;
    uint32_t f = a ? fi_amap_func(a, orig, 0) : FI_NONE;
    *out = *defined = FI_NONE;
    if (f == FI_NONE)
        return FS_FI_AT_NONE;
    *defined = f;
    uint32_t o = fi_amap_lookup(a, orig);
    if (o != FI_NONE) {
        *out = o;
        return FS_FI_AT_SAME;
    }
    uint32_t next = orig == a->fbeg[f] ? FI_NONE : fi_amap_next(a, orig);
    if (orig == a->fbeg[f])
        *out = a->obeg[f];
    else if (next != FI_NONE && a->runs[next].orig < a->fend[f])
        *out = a->runs[next].out;
    else
        *out = a->oend[f] - 1;      /* a body is never empty: it ends with end */
    return FS_FI_AT_NEAR;
}
