/* dwarf_info.c - compile units and subprograms from .debug_info (see dwarf_info.h).
 *
 * One pass over the units.  Each unit's abbreviation table is decoded into
 * a flat array (codes are dense in what compilers write, so a code indexes
 * it directly; a sparse table falls back to a search).  Every DIE is then
 * skipped form by form, and only compile units and subprograms have their
 * attributes kept.  A subprogram named only through DW_AT_specification or
 * DW_AT_abstract_origin (C++ out-of-line definitions) is named from the DIE
 * it points at, a few hops at most.
 *
 * Failure handling: the cursor records the first bad byte and the section
 * and reads zeros from then on, so the loops stay plain; the unit loop
 * checks the flag after every DIE.
 */
#include "dwarf_info.h"
#include "dwarf_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SEC_INFO, SEC_ABBREV, SEC_STR, SEC_LINE_STR, SEC_STR_OFFSETS, SEC_ADDR, NSEC };
static const char *const sec_names[NSEC] = {
    ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str",
    ".debug_str_offsets", ".debug_addr"
};

typedef struct dw_sec {
    const uint8_t *p;
    uint64_t       size;
    uint64_t       file_off;   /* where the payload starts in the file */
} dw_sec;

typedef struct dw_ctx {
    const fs_wasm_module *m;
    dw_sec         sec[NSEC];
    int            bad;          /* a malformed byte was met */
    char          *warning;      /* fs_dwarf_info.warning */
    size_t         warning_cap;
} dw_ctx;

typedef struct dw_cur {
    dw_ctx        *c;
    int            sec;
    const uint8_t *p, *end;
} dw_cur;

static void dw_fail(dw_cur *r, const uint8_t *at, const char *what)
{
    if (!r->c->bad) {
        const dw_sec *s = &r->c->sec[r->sec];
        uint64_t off = (uint64_t)(at - s->p);
        snprintf(r->c->warning, r->c->warning_cap,
                 "malformed DWARF in %s at byte %llu (file offset %llu): %.120s; "
                 "continuing without the rest of it", sec_names[r->sec],
                 (unsigned long long)off, (unsigned long long)(s->file_off + off), what);
    }
    r->c->bad = 1;
    r->p = r->end;
}

static uint64_t rd_fixed(dw_cur *r, unsigned n)
{
    if ((size_t)(r->end - r->p) < n) {
        dw_fail(r, r->p, "unexpected end of data");
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)          /* wasm DWARF is little-endian */
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    return v;
}

static uint64_t rd_uleb(dw_cur *r)
{
    uint64_t v = 0;
    unsigned shift = 0;
    const uint8_t *start = r->p;
    while (r->p < r->end) {
        uint8_t b = *r->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
        shift += 7;
        if (shift > 70) {
            dw_fail(r, start, "LEB128 longer than 10 bytes");
            return 0;
        }
    }
    dw_fail(r, start, "unexpected end of data in a LEB128");
    return 0;
}

static void skip(dw_cur *r, uint64_t n)
{
    if ((uint64_t)(r->end - r->p) < n)
        dw_fail(r, r->p, "a block runs past its unit");
    else
        r->p += n;
}

/* --- abbreviations ------------------------------------------------------ */

typedef struct dw_attr { uint32_t name, form; int64_t implicit; } dw_attr;
typedef struct dw_abbrev { uint64_t code; uint32_t tag, first, nattr; uint8_t children; } dw_abbrev;

typedef struct dw_abbrevs {
    dw_abbrev *v;  uint32_t n, cap;
    dw_attr   *a;  uint32_t na, acap;
    uint32_t  *direct;  uint64_t ndirect;   /* code -> index + 1, when dense */
    uint64_t   loaded_off;                  /* which table is loaded, or UINT64_MAX */
} dw_abbrevs;

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    uint32_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = nc;
    return 1;
}

/* Loads the table at OFF.  0 without memory; a malformed table sets bad. */
static int abbrevs_load(dw_ctx *c, dw_abbrevs *t, uint64_t off)
{
    if (t->loaded_off == off)
        return 1;
    t->n = t->na = 0;
    t->loaded_off = off;
    dw_cur r = { c, SEC_ABBREV, c->sec[SEC_ABBREV].p, c->sec[SEC_ABBREV].p + c->sec[SEC_ABBREV].size };
    if (off > c->sec[SEC_ABBREV].size) {
        dw_fail(&r, r.end, "a unit's abbreviation offset is past the section");
        return 1;
    }
    r.p += off;
    uint64_t maxcode = 0;
    for (;;) {
        uint64_t code = rd_uleb(&r);
        if (c->bad || code == 0)
            break;
        if (!grow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v))
            return 0;
        dw_abbrev *ab = &t->v[t->n++];
        ab->code = code;
        ab->tag = (uint32_t)rd_uleb(&r);
        ab->children = (uint8_t)rd_fixed(&r, 1);
        ab->first = t->na;
        ab->nattr = 0;
        for (;;) {
            uint64_t name = rd_uleb(&r), form = rd_uleb(&r);
            int64_t implicit = 0;
            if (form == 0x21) {                     /* DW_FORM_implicit_const: SLEB here */
                uint64_t u = 0; unsigned sh = 0; uint8_t b = 0x80;
                while ((b & 0x80) && !c->bad) {
                    b = (uint8_t)rd_fixed(&r, 1);
                    if (sh < 64)
                        u |= (uint64_t)(b & 0x7f) << sh;
                    sh += 7;
                }
                if (sh < 64 && (b & 0x40))
                    u |= ~(uint64_t)0 << sh;
                implicit = (int64_t)u;
            }
            if (c->bad || (name == 0 && form == 0))
                break;
            if (!grow((void **)&t->a, &t->acap, t->na + 1, sizeof *t->a))
                return 0;
            t->a[t->na++] = (dw_attr){ (uint32_t)name, (uint32_t)form, implicit };
            ab->nattr++;
        }
        if (code > maxcode)
            maxcode = code;
    }
    /* A direct index when the codes are dense enough that it costs little. */
    t->ndirect = 0;
    if (maxcode <= 4ull * t->n + 64) {
        uint32_t *d = realloc(t->direct, (size_t)(maxcode + 1) * sizeof *d);
        if (!d)
            return 0;
        t->direct = d;
        t->ndirect = maxcode + 1;
        memset(d, 0, (size_t)t->ndirect * sizeof *d);
        for (uint32_t i = 0; i < t->n; i++)
            if (!d[t->v[i].code])
                d[t->v[i].code] = i + 1;
    }
    return 1;
}

static const dw_abbrev *abbrev_find(const dw_abbrevs *t, uint64_t code)
{
    if (code < t->ndirect)
        return t->direct[code] ? &t->v[t->direct[code] - 1] : NULL;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->v[i].code == code)
            return &t->v[i];
    return NULL;
}

/* --- units and DIEs ----------------------------------------------------- */

typedef struct dw_unit {
    const uint8_t *start;     /* the unit's first byte (its length field) */
    const uint8_t *dies;      /* its first DIE */
    const uint8_t *end;
    unsigned       version, offsz, addrsz;
    uint64_t       str_offsets_base, addr_base;
} dw_unit;

/* What a DIE's attributes said, for the ones we keep. */
typedef struct dw_die {
    uint32_t tag;
    int      has_low_pc;
    uint64_t low_pc;               /* an address, or an index when low_pc_form is addrx */
    int      low_pc_indexed;
    uint32_t name_form, link_form, dir_form;
    uint64_t name_v, link_v, dir_v;
    const uint8_t *name_inline, *link_inline, *dir_inline;
    int      has_ref;
    uint64_t ref;                  /* .debug_info offset of a specification/origin */
    int      has_str_base, has_addr_base;
    uint64_t str_base, addr_base;
} dw_die;

enum { AT_name = 0x03, AT_low_pc = 0x11, AT_comp_dir = 0x1b, AT_abstract_origin = 0x31,
       AT_specification = 0x47, AT_linkage_name = 0x6e, AT_str_offsets_base = 0x72,
       AT_addr_base = 0x73, AT_MIPS_linkage_name = 0x2007 };
enum { TAG_compile_unit = 0x11, TAG_subprogram = 0x2e, TAG_partial_unit = 0x3c,
       TAG_skeleton_unit = 0x4a };

static int is_string_form(uint32_t f)
{
    return f == 0x08 || f == 0x0e || f == 0x1f || f == 0x1a || (f >= 0x25 && f <= 0x28)
           || f == 0x1f02;
}

/* Reads one attribute value of FORM, returning it (offsets, constants,
 * indices) and, for DW_FORM_string, where the inline string starts.  How
 * many bytes a form takes is dwarf_form.c's (shared with forkinstr's
 * rewriter); this only decodes the values it keeps. */
static uint64_t read_form(dw_cur *r, const dw_unit *u, uint32_t form, int64_t implicit,
                          const uint8_t **inline_str, int depth)
{
    if (form == 0x16) {                                                /* indirect */
        uint64_t f = rd_uleb(r);
        if (depth > 2 || f == 0x16 || f > 0xffff) {
            dw_fail(r, r->p, "DW_FORM_indirect names no usable form");
            return 0;
        }
        return read_form(r, u, (uint32_t)f, implicit, inline_str, depth + 1);
    }
    int64_t n = fs_dwarf_form_size(form, r->p, (size_t)(r->end - r->p), u->version, u->addrsz,
                                   u->offsz);
    if (n == FS_DWARF_FORM_UNKNOWN) {
        char why[64];
        snprintf(why, sizeof why, "unknown attribute form 0x%x", (unsigned)form);
        dw_fail(r, r->p, why);
        return 0;
    }
    if (n < 0) {
        int block = form == 0x03 || form == 0x04 || form == 0x09 || form == 0x0a || form == 0x18;
        dw_fail(r, r->p, form == 0x08 ? "an inline string has no terminating NUL"
                         : block ? "a block runs past its unit" : "unexpected end of data");
        return 0;
    }
    switch (form) {
    case 0x08:                                                         /* string */
        if (inline_str)
            *inline_str = r->p;
        r->p += n;
        return 0;
    case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23:  /* udata, ref_udata, */
    case 0x1f01: case 0x1f02:                                          /* strx, addrx, ...  */
        return rd_uleb(r);
    case 0x19: return 1;                                               /* flag_present */
    case 0x21: return (uint64_t)implicit;
    case 0x03: case 0x04: case 0x09: case 0x0a: case 0x18:             /* blocks, exprloc, */
    case 0x0d: case 0x1e:                                              /* sdata, data16: */
        r->p += n;                                                     /* skipped */
        return 0;
    default:                                                           /* fixed size */
        return rd_fixed(r, (unsigned)n);
    }
}

/* Reads the DIE at r->p (its abbreviation code first).  Returns its
 * abbreviation, or NULL for a null entry or a failure (r->c->bad). */
static const dw_abbrev *read_die(dw_cur *r, const dw_unit *u, const dw_abbrevs *t, dw_die *d,
                                 int keep)
{
    const uint8_t *at = r->p;
    uint64_t code = rd_uleb(r);
    if (code == 0 || r->c->bad)
        return NULL;
    const dw_abbrev *ab = abbrev_find(t, code);
    if (!ab) {
        dw_fail(r, at, "a DIE uses an abbreviation code its table does not define");
        return NULL;
    }
    keep = keep || ab->tag == TAG_subprogram || ab->tag == TAG_compile_unit
           || ab->tag == TAG_partial_unit || ab->tag == TAG_skeleton_unit;
    if (keep)
        memset(d, 0, sizeof *d);
    d->tag = ab->tag;
    for (uint32_t i = 0; i < ab->nattr && !r->c->bad; i++) {
        const dw_attr *a = &t->a[ab->first + i];
        const uint8_t *str = NULL;
        uint64_t v = read_form(r, u, a->form, a->implicit, &str, 0);
        if (!keep)
            continue;
        switch (a->name) {
        case AT_name:
            d->name_form = a->form; d->name_v = v; d->name_inline = str;
            break;
        case AT_linkage_name: case AT_MIPS_linkage_name:
            d->link_form = a->form; d->link_v = v; d->link_inline = str;
            break;
        case AT_comp_dir:
            d->dir_form = a->form; d->dir_v = v; d->dir_inline = str;
            break;
        case AT_low_pc:
            d->has_low_pc = 1;
            d->low_pc = v;
            d->low_pc_indexed = a->form == 0x1b || (a->form >= 0x29 && a->form <= 0x2c)
                                || a->form == 0x1f01;
            break;
        case AT_specification: case AT_abstract_origin:
            if (a->form == 0x10 || a->form == 0x1f20)   /* ref_addr: section-relative */
                d->ref = v;
            else if (a->form >= 0x11 && a->form <= 0x15)
                d->ref = (uint64_t)(u->start - r->c->sec[SEC_INFO].p) + v;
            else
                break;
            d->has_ref = 1;
            break;
        case AT_str_offsets_base: d->has_str_base = 1; d->str_base = v; break;
        case AT_addr_base: d->has_addr_base = 1; d->addr_base = v; break;
        default: break;
        }
    }
    return r->c->bad ? NULL : ab;
}

/* A string attribute's bytes, bounded by its section; NULL when absent
 * or out of range (which makes the DWARF malformed). */
static const char *form_string(dw_ctx *c, const dw_unit *u, uint32_t form, uint64_t v,
                               const uint8_t *inl, uint32_t *len)
{
    int sec = SEC_STR;
    if (form == 0x08) {
        *len = (uint32_t)strlen((const char *)inl);   /* read_form found its NUL */
        return (const char *)inl;
    }
    if (!is_string_form(form))
        return NULL;
    if (form == 0x1f)
        sec = SEC_LINE_STR;
    if (form == 0x1a || (form >= 0x25 && form <= 0x28) || form == 0x1f02) {
        /* strx: an index into this unit's contribution to .debug_str_offsets */
        const dw_sec *so = &c->sec[SEC_STR_OFFSETS];
        uint64_t at = u->str_offsets_base + v * u->offsz;
        dw_cur r = { c, SEC_STR_OFFSETS, so->p, so->p + so->size };
        if (at > so->size || so->size - at < u->offsz) {
            dw_fail(&r, r.end, "a string index is past .debug_str_offsets");
            return NULL;
        }
        r.p += at;
        v = rd_fixed(&r, u->offsz);
    }
    const dw_sec *s = &c->sec[sec];
    dw_cur r = { c, sec, s->p, s->p + s->size };
    if (v >= s->size) {
        dw_fail(&r, r.end, "a string offset is past the section");
        return NULL;
    }
    const uint8_t *z = memchr(s->p + v, 0, (size_t)(s->size - v));
    if (!z) {
        dw_fail(&r, s->p + v, "a string has no terminating NUL");
        return NULL;
    }
    if ((size_t)(z - (s->p + v)) > UINT32_MAX)
        return NULL;
    *len = (uint32_t)(z - (s->p + v));
    return (const char *)(s->p + v);
}

static uint64_t resolve_addr(dw_ctx *c, const dw_unit *u, const dw_die *d)
{
    if (!d->low_pc_indexed)
        return d->low_pc;
    const dw_sec *s = &c->sec[SEC_ADDR];
    uint64_t at = u->addr_base + d->low_pc * u->addrsz;
    dw_cur r = { c, SEC_ADDR, s->p, s->p + s->size };
    if (at > s->size || s->size - at < u->addrsz) {
        dw_fail(&r, r.end, "an address index is past .debug_addr");
        return UINT64_MAX;
    }
    r.p += at;
    return rd_fixed(&r, u->addrsz);
}

/* The name a subprogram goes by: its linkage name, else its name, else
 * that of the DIE its specification/origin points at (same unit only). */
static const char *die_name(dw_ctx *c, const dw_unit *u, const dw_abbrevs *t, const dw_die *d,
                            uint32_t *len, int hops)
{
    const char *s = NULL;
    if (d->link_form && (s = form_string(c, u, d->link_form, d->link_v, d->link_inline, len)))
        return s;
    if (d->name_form && (s = form_string(c, u, d->name_form, d->name_v, d->name_inline, len)))
        return s;
    if (!d->has_ref || hops >= 4 || c->bad)
        return NULL;
    const uint8_t *target = c->sec[SEC_INFO].p + d->ref;
    if (d->ref >= c->sec[SEC_INFO].size || target < u->dies || target >= u->end)
        return NULL;                       /* another unit's DIE: not followed */
    dw_cur r = { c, SEC_INFO, target, u->end };
    dw_die o;
    if (!read_die(&r, u, t, &o, 1))
        return NULL;
    return die_name(c, u, t, &o, len, hops + 1);
}

/* Reads the unit header at r->p.  0: stop (end, or a malformed header). */
static int read_unit_header(dw_cur *r, dw_unit *u, uint64_t *abbrev_off, int *skip_unit)
{
    const uint8_t *start = r->p;
    uint64_t len = rd_fixed(r, 4);
    u->offsz = 4;
    if (len == 0xffffffffu) {
        len = rd_fixed(r, 8);
        u->offsz = 8;
    } else if (len >= 0xfffffff0u) {
        dw_fail(r, start, "reserved unit length");
        return 0;
    }
    if (r->c->bad)
        return 0;
    if (len > (uint64_t)(r->end - r->p)) {
        dw_fail(r, start, "a unit's length runs past .debug_info");
        return 0;
    }
    u->start = start;
    u->end = r->p + len;
    const uint8_t *save_end = r->end;
    r->end = u->end;
    u->version = (unsigned)rd_fixed(r, 2);
    *skip_unit = 0;
    if (u->version >= 2 && u->version <= 4) {
        *abbrev_off = rd_fixed(r, u->offsz);
        u->addrsz = (unsigned)rd_fixed(r, 1);
    } else if (u->version == 5) {
        unsigned type = (unsigned)rd_fixed(r, 1);
        u->addrsz = (unsigned)rd_fixed(r, 1);
        *abbrev_off = rd_fixed(r, u->offsz);
        if (type == 4 || type == 5)                  /* skeleton, split: a dwo id */
            skip(r, 8);
        else if (type == 2 || type == 6)             /* type units hold no code */
            *skip_unit = 1;
        else if (type != 1 && type != 3) {
            dw_fail(r, start, "unknown DWARF 5 unit type");
            return 0;
        }
    } else {
        r->end = save_end;
        dw_fail(r, start + (u->offsz == 8 ? 12 : 4), "unsupported DWARF version");
        return 0;
    }
    if (!r->c->bad && u->addrsz != 4 && u->addrsz != 8)
        dw_fail(r, start, "address size is neither 4 nor 8");
    r->end = save_end;
    u->dies = r->p;
    return !r->c->bad;
}

static int find_sections(dw_ctx *c)
{
    static const char *const want[NSEC] = {
        ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str",
        ".debug_str_offsets", ".debug_addr"
    };
    /* A section the module lacks is empty, at a real address: every reader
     * bounds its reads by the size, and none does arithmetic on NULL (UBSan
     * found two that did, a missing .debug_abbrev and .debug_str). */
    for (int k = 0; k < NSEC; k++)
        c->sec[k] = (dw_sec){ c->m->bytes, 0, 0 };
    int any = 0;
    for (uint32_t i = 0; i < c->m->nsections; i++) {
        const fs_section *s = &c->m->sections[i];
        if (s->id != 0 || !s->name)
            continue;
        for (int k = 0; k < NSEC; k++) {
            if (s->name_len != strlen(want[k]) || memcmp(s->name, want[k], s->name_len))
                continue;
            /* a custom section's payload starts with its name */
            uint64_t data = (uint64_t)((const uint8_t *)s->name - c->m->bytes) + s->name_len;
            uint64_t end = (uint64_t)s->offset + s->size;
            if (data > end)
                continue;
            c->sec[k] = (dw_sec){ c->m->bytes + data, end - data, data };
            any |= k == SEC_INFO;
        }
    }
    return any;
}

static char *join_path(const char *dir, uint32_t dlen, const char *name, uint32_t nlen)
{
    /* rustc names a codegen unit "src/lib.rs/@/crate.hash-cgu.N": the file is before "/@/" */
    for (uint32_t i = 0; i + 3 <= nlen; i++)
        if (!memcmp(name + i, "/@/", 3)) {
            nlen = i;
            break;
        }
    int rel = nlen && name[0] != '/' && dir && dlen;
    size_t n = (rel ? dlen + 1 : 0) + nlen + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    size_t k = 0;
    if (rel) {
        memcpy(s, dir, dlen);
        k = dlen;
        if (dlen && dir[dlen - 1] != '/')
            s[k++] = '/';
    }
    memcpy(s + k, name, nlen);
    s[k + nlen] = 0;
    return s;
}

/* Defined function whose body starts at code-section offset PC, or -1. */
static int64_t func_at(const fs_wasm_module *m, uint32_t code_payload, uint64_t pc)
{
    uint32_t lo = m->nfunc_imports, hi = m->nfuncs;
    uint64_t want = pc + code_payload;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->funcs[mid].body_off < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nfuncs && m->funcs[lo].body_off == want ? (int64_t)lo : -1;
}

int fs_dwarf_info_read(const fs_wasm_module *m, fs_dwarf_info *d, fs_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(d, 0, sizeof *d);
    dw_ctx c = { .m = m, .warning = d->warning, .warning_cap = sizeof d->warning };
    if (!find_sections(&c) || m->code_section == UINT32_MAX)
        return FS_OK;
    d->present = 1;
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    uint32_t code_payload = m->sections[m->code_section].offset;
    d->funcs = calloc(ndef ? ndef : 1, sizeof *d->funcs);
    if (!d->funcs)
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory reading DWARF");
    d->nfuncs = ndef;
    for (uint32_t i = 0; i < ndef; i++)
        d->funcs[i].cu = UINT32_MAX;
    uint32_t cucap = 0;
    dw_abbrevs t = { .loaded_off = UINT64_MAX };
    dw_cur r = { &c, SEC_INFO, c.sec[SEC_INFO].p, c.sec[SEC_INFO].p + c.sec[SEC_INFO].size };
    int st = FS_OK;
    while (r.p < r.end && !c.bad) {
        dw_unit u = { 0 };
        uint64_t aoff = 0;
        int skip_unit = 0;
        if (!read_unit_header(&r, &u, &aoff, &skip_unit))
            break;
        if (skip_unit) {
            r.p = u.end;
            continue;
        }
        if (!abbrevs_load(&c, &t, aoff)) {
            st = FS_ERR_NOMEM;
            break;
        }
        if (c.bad)
            break;
        dw_cur dr = { &c, SEC_INFO, u.dies, u.end };
        dw_die die;
        uint32_t cu = UINT32_MAX;
        const dw_abbrev *ab = read_die(&dr, &u, &t, &die, 1);
        if (!ab || !(die.tag == TAG_compile_unit || die.tag == TAG_partial_unit
                     || die.tag == TAG_skeleton_unit)) {
            r.p = u.end;                /* no unit DIE first: nothing to attribute to */
            continue;
        }
        if (ab && (die.tag == TAG_compile_unit || die.tag == TAG_partial_unit
                   || die.tag == TAG_skeleton_unit)) {
            u.str_offsets_base = die.has_str_base ? die.str_base : 8;
            u.addr_base = die.has_addr_base ? die.addr_base : 8;
            if (!grow((void **)&d->cus, &cucap, d->ncus + 1, sizeof *d->cus)) {
                st = FS_ERR_NOMEM;
                break;
            }
            fs_dwarf_cu *k = &d->cus[d->ncus];
            memset(k, 0, sizeof *k);
            k->offset = (uint32_t)(u.start - c.sec[SEC_INFO].p);
            if (die.name_form)
                k->name = form_string(&c, &u, die.name_form, die.name_v, die.name_inline,
                                      &k->name_len);
            if (die.dir_form)
                k->comp_dir = form_string(&c, &u, die.dir_form, die.dir_v, die.dir_inline,
                                          &k->comp_dir_len);
            if (k->name && !(k->file = join_path(k->comp_dir, k->comp_dir_len, k->name,
                                                 k->name_len))) {
                st = FS_ERR_NOMEM;
                break;
            }
            cu = d->ncus++;
        }
        /* The unit's DIEs, flat: nesting does not matter for subprograms. */
        while (dr.p < dr.end && !c.bad) {
            const uint8_t *at = dr.p;
            if (*at == 0) {             /* a null entry closes a list of children */
                dr.p++;
                continue;
            }
            ab = read_die(&dr, &u, &t, &die, 0);
            if (!ab || die.tag != TAG_subprogram || !die.has_low_pc)
                continue;
            d->subprograms++;
            uint64_t pc = resolve_addr(&c, &u, &die);
            int64_t f = pc == UINT64_MAX ? -1 : func_at(m, code_payload, pc);
            if (f < 0)
                continue;               /* dead code (a tombstone), or not a body start */
            fs_dwarf_func *df = &d->funcs[(uint32_t)f - m->nfunc_imports];
            if (df->cu == UINT32_MAX)
                d->matched++;
            df->cu = cu;
            if (!df->name)
                df->name = die_name(&c, &u, &t, &die, &df->name_len, 0);
        }
        r.p = u.end;
    }
    free(t.v);
    free(t.a);
    free(t.direct);
    d->has_warning = c.bad;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    d->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (st != FS_OK) {
        fs_dwarf_info_free(d);
        return fs_error_setf(err, st, "out of memory reading DWARF");
    }
    return FS_OK;
}

void fs_dwarf_info_free(fs_dwarf_info *d)
{
    for (uint32_t i = 0; i < d->ncus; i++)
        free(d->cus[i].file);
    free(d->cus);
    free(d->funcs);
    memset(d, 0, sizeof *d);
}

uint32_t fs_dwarf_info_name(fs_wasm_module *m, const fs_dwarf_info *d)
{
    uint32_t named = 0;
    for (uint32_t i = 0; i < d->nfuncs && m->nfunc_imports + i < m->nfuncs; i++) {
        fs_func *fn = &m->funcs[m->nfunc_imports + i];
        if (fn->name || !d->funcs[i].name || !d->funcs[i].name_len)
            continue;
        fn->name = d->funcs[i].name;
        fn->name_len = d->funcs[i].name_len;
        fn->name_from_symbols = FS_NAME_FROM_DWARF;
        named++;
    }
    return named;
}
