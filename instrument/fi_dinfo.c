/* fi_dinfo.c - the code addresses in .debug_info, .debug_ranges,
 * .debug_loc and .debug_aranges rewritten in place through forkinstr's
 * address map.
 *
 * In DWARF 2 to 4 every value that holds a code address has a fixed size
 * (DW_FORM_addr, DW_FORM_data4 for a high_pc length, the pairs of a range
 * or location list, an arange's tuple), so these sections are patched in
 * place: no offset into them moves, and the references between them
 * (DW_AT_ranges, location lists, aranges' debug_info_offset) stay right.
 * The one offset that moves is DW_AT_stmt_list, since .debug_line is
 * re-encoded: it is mapped to the unit's new offset.
 *
 * Addresses map so that every range covers the same original
 * instructions (see map()).  A form or version this file does not handle,
 * or malformed bytes, stop the rewrite, and then the whole family is
 * dropped, with the reason and the offset, rather than written half
 * right.  DWARF 5 units (forms indexing .debug_addr, .debug_rnglists,
 * .debug_loclists) are not rewritten yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi_debug.h"

typedef struct abbr {
    uint32_t code, tag;
    uint32_t attrs;            /* index into the pair pool */
    uint32_t nattrs;
} abbr;

typedef struct dw {
    const fi_amap *a;
    const fi_dline_offs *lines;
    uint8_t *info;   uint32_t info_size;   uint64_t info_base;   /* copy, patched */
    const uint8_t *abbrev;  uint32_t abbrev_size;
    uint8_t *ranges; uint32_t ranges_size;   uint64_t ranges_base;
    uint8_t *loc;    uint32_t loc_size;      uint64_t loc_base;
    uint8_t *rdone, *ldone;    /* per list offset: already rewritten */
    abbr    *ab;     uint32_t nab, abcap;
    uint64_t *pairs; uint32_t npairs, pcap;   /* attr << 32 | form; implicit consts aside */
    fs_error *err;
    int st;
    uint64_t addrs, lists;
} dw;

static int fail_at(dw *d, int code, uint64_t off, const char *msg)
{
    if (!d->st) {
        fs_error_setf(d->err, code, "%s", msg);
        d->err->has_offset = 1;
        d->err->offset = off;
        d->st = code;
    }
    return code;
}

static uint64_t get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void set(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int uleb(const uint8_t *p, uint32_t end, uint32_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    unsigned shift = 0;
    for (;;) {
        if (*pos >= end)
            return -1;
        uint8_t b = p[(*pos)++];
        if (shift < 64)
            r |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    *v = r;
    return 0;
}

/* ---- addresses ------------------------------------------------------ */

/* The new address of A.  Code addresses map so that every range keeps
 * the same whole instructions: an address inside original bytes maps to
 * the same byte (instruction starts to instruction starts), a function's
 * first byte to its new first byte, an address in bytes forkinstr
 * rewrote (local declarations, a branch's grown LEB) to the next
 * original byte of the function, and a function's end, or any address
 * between it and the next function (Binaryen-processed DWARF has such
 * ends), to the function's new end.  Addresses outside the code (a CU's
 * base 0, the linker's tombstones for discarded code) stay as they are. */
static uint64_t map(dw *d, uint64_t a)
{
    const fi_amap *m = d->a;
    if (a >= UINT32_MAX || !m->nfuncs || a < m->fbeg[0] || a > m->fend[m->nfuncs - 1])
        return a;
    uint32_t f = fi_amap_func(m, (uint32_t)a, 1);
    if (f == FI_NONE) {                       /* between two functions: the end of the first */
        uint32_t lo = 0, hi = m->nfuncs;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (m->fbeg[mid] <= a)
                lo = mid + 1;
            else
                hi = mid;
        }
        return m->oend[lo - 1];
    }
    d->addrs++;
    if (a == m->fbeg[f])
        return m->obeg[f];
    if (a >= m->fend[f])
        return m->oend[f];
    uint32_t o = fi_amap_lookup(m, (uint32_t)a);
    if (o != FI_NONE)
        return o;
    uint32_t next = fi_amap_next(m, (uint32_t)a);
    return next != FI_NONE && m->runs[next].orig < m->fend[f] ? m->runs[next].out : m->oend[f];
}

/* A range [lo, hi) (absolute), both ends mapped.  map() is monotonic, so
 * a range stays a range; one the input already has inverted (Binaryen's
 * output holds some) stays inverted, as garbage in, not made up. */
static void map_range(dw *d, uint64_t lo, uint64_t hi, uint64_t *nlo, uint64_t *nhi)
{
    *nlo = map(d, lo);
    *nhi = lo == hi ? *nlo : map(d, hi);
}

/* ---- range and location lists (DWARF 2-4) ----------------------------- */

/* Rewrites the list at OFF of SEC (loc: each pair is followed by a
 * 2-byte expression length and the expression), given the CU's base
 * address in the input and the output. */
static void list(dw *d, uint8_t *sec, uint32_t size, uint8_t *done, uint64_t sec_base,
                 uint32_t off, int loc, unsigned asz, uint64_t base, uint64_t nbase)
{
    if (off >= size) {
        fail_at(d, FS_ERR_MALFORMED, d->info_base, "a DIE names a list past its section's end");
        return;
    }
    if (done[off])
        return;
    done[off] = 1;
    d->lists++;
    uint64_t maxv = asz == 4 ? UINT32_MAX : UINT64_MAX;
    for (uint32_t p = off; !d->st; ) {
        if (size - p < 2 * asz) {
            fail_at(d, FS_ERR_MALFORMED, sec_base + p, "a list runs past its section's end");
            return;
        }
        uint64_t b = get(sec + p, asz), e = get(sec + p + asz, asz);
        uint32_t at = p;
        p += 2 * asz;
        if (!b && !e)
            return;                                   /* end of list */
        if (b == maxv) {                              /* base address selection */
            base = e;
            nbase = map(d, e);
            set(sec + at + asz, asz, nbase);
            continue;
        }
        if (loc) {
            if (size - p < 2) {
                fail_at(d, FS_ERR_MALFORMED, sec_base + p, "a location list runs past its end");
                return;
            }
            uint32_t len = (uint32_t)get(sec + p, 2);
            if (len > size - p - 2) {
                fail_at(d, FS_ERR_MALFORMED, sec_base + p, "a location expression runs past its end");
                return;
            }
            p += 2 + len;
        }
        if (b == maxv - 1 || base + b >= UINT32_MAX)
            continue;                                 /* tombstoned: discarded code */
        uint64_t nlo, nhi;
        map_range(d, base + b, base + e, &nlo, &nhi);
        if (nlo == nbase && nhi == nbase)
            nlo = nhi = nbase + 1;  /* empty, and (0, 0) would end the list: keep it empty */
        set(sec + at, asz, nlo - nbase);          /* >= 0: map() is monotonic */
        set(sec + at + asz, asz, nhi - nbase);
    }
}

/* ---- abbreviations and DIEs ------------------------------------------ */

static int read_abbrevs(dw *d, uint32_t off)
{
    d->nab = d->npairs = 0;
    uint32_t p = off;
    const uint8_t *s = d->abbrev;
    for (;;) {
        uint64_t code, tag, attr, form;
        if (uleb(s, d->abbrev_size, &p, &code))
            return fail_at(d, FS_ERR_MALFORMED, off, "abbreviation table runs past its end");
        if (!code)
            return FS_OK;
        if (uleb(s, d->abbrev_size, &p, &tag) || p >= d->abbrev_size)
            return fail_at(d, FS_ERR_MALFORMED, off, "abbreviation runs past its end");
        p++;                                          /* children */
        if (d->nab == d->abcap) {
            uint32_t cap = d->abcap ? d->abcap * 2 : 64;
            abbr *v = realloc(d->ab, cap * sizeof *v);
            if (!v)
                return d->st = FS_ERR_NOMEM;
            d->ab = v;
            d->abcap = cap;
        }
        abbr *ab = &d->ab[d->nab++];
        *ab = (abbr){ (uint32_t)code, (uint32_t)tag, d->npairs, 0 };
        for (;;) {
            if (uleb(s, d->abbrev_size, &p, &attr) || uleb(s, d->abbrev_size, &p, &form))
                return fail_at(d, FS_ERR_MALFORMED, off, "abbreviation runs past its end");
            if (!attr && !form)
                break;
            if (form == 0x21)                         /* implicit_const: DWARF 5 only */
                return fail_at(d, FS_ERR_UNSUPPORTED, off, "DW_FORM_implicit_const in DWARF 4");
            if (d->npairs == d->pcap) {
                uint32_t cap = d->pcap ? d->pcap * 2 : 256;
                uint64_t *v = realloc(d->pairs, cap * sizeof *v);
                if (!v)
                    return d->st = FS_ERR_NOMEM;
                d->pairs = v;
                d->pcap = cap;
            }
            d->pairs[d->npairs++] = attr << 32 | (form & 0xFFFFFFFFu);
            ab->nattrs++;
        }
    }
}

static const abbr *find_abbr(const dw *d, uint64_t code)
{
    if (code && code <= d->nab && d->ab[code - 1].code == code)
        return &d->ab[code - 1];                      /* the usual dense numbering */
    for (uint32_t i = 0; i < d->nab; i++)
        if (d->ab[i].code == code)
            return &d->ab[i];
    return NULL;
}

/* Size of a value of FORM at P (DWARF 2-4 and GNU forms); -1 unknown. */
static int64_t form_size(const dw *d, uint64_t form, uint32_t p, uint32_t end, unsigned asz,
                         unsigned version)
{
    uint64_t n;
    uint32_t q = p;
    switch (form) {
    case 0x01: return asz;                                       /* addr */
    case 0x03: return end - p < 2 ? -1 : 2 + (int64_t)get(d->info + p, 2);
    case 0x04: return end - p < 4 ? -1 : 4 + (int64_t)get(d->info + p, 4);
    case 0x05: case 0x12: return 2;
    case 0x06: case 0x0e: case 0x13: case 0x17: return 4;
    case 0x07: case 0x14: case 0x20: return 8;
    case 0x08:                                                   /* string */
        while (q < end && d->info[q])
            q++;
        return q < end ? (int64_t)(q + 1 - p) : -1;
    case 0x09: case 0x18:                                        /* block, exprloc */
        if (uleb(d->info, end, &q, &n) || n > end - q)
            return -1;
        return (int64_t)(q - p + n);
    case 0x0a: return end - p < 1 ? -1 : 1 + (int64_t)d->info[p];
    case 0x0b: case 0x0c: case 0x11: return 1;
    case 0x0d: case 0x0f: case 0x15:                             /* sdata, udata, ref_udata */
        if (uleb(d->info, end, &q, &n))
            return -1;
        return q - p;
    case 0x10: return version <= 2 ? asz : 4;                    /* ref_addr */
    case 0x19: return 0;                                         /* flag_present */
    case 0x1f20: case 0x1f21: return 4;                          /* GNU_ref_alt, strp_alt */
    default: return -1;
    }
}

/* Attributes whose sec_offset (v4) or data4 (v2-3) value is a location list. */
static int loclist_attr(uint64_t at)
{
    switch (at) {
    case 0x02: case 0x19: case 0x2a: case 0x2e: case 0x38: case 0x40: case 0x48:
    case 0x4a: case 0x4d:
        return 1;
    }
    return 0;
}

/* One compile unit: DIEs from P to END (version, address size, its
 * abbreviations read). */
static void unit(dw *d, uint32_t p, uint32_t end, unsigned version, unsigned asz)
{
    uint64_t base = 0, nbase = 0;       /* the CU's low_pc, for its lists */
    int first = 1;
    while (p < end && !d->st) {
        uint32_t die = p;
        uint64_t code;
        if (uleb(d->info, end, &p, &code)) {
            fail_at(d, FS_ERR_MALFORMED, d->info_base + die, "DIE runs past its unit");
            return;
        }
        if (!code)
            continue;                                 /* end of a child list */
        const abbr *ab = find_abbr(d, code);
        if (!ab) {
            fail_at(d, FS_ERR_MALFORMED, d->info_base + die, "DIE names no abbreviation");
            return;
        }
        uint32_t low_at = 0, high_at = 0, high_form = 0;
        int has_low = 0, has_high = 0;
        for (uint32_t i = 0; i < ab->nattrs && !d->st; i++) {
            uint64_t attr = d->pairs[ab->attrs + i] >> 32, form = d->pairs[ab->attrs + i] & 0xFFFFFFFFu;
            while (form == 0x16) {                    /* indirect */
                if (uleb(d->info, end, &p, &form)) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "DW_FORM_indirect runs past its unit");
                    return;
                }
            }
            int64_t sz = form_size(d, form, p, end, asz, version);
            if (sz < 0 || sz > end - p) {
                /* the forms form_size() reads: 0x01-0x19 but 0x02, and two GNU ones */
                int known = (form >= 0x01 && form <= 0x19 && form != 0x02) || form == 0x20 ||
                            form == 0x1f20 || form == 0x1f21;
                fail_at(d, known ? FS_ERR_MALFORMED : FS_ERR_UNSUPPORTED, d->info_base + p,
                        known ? "a DIE attribute runs past its unit"
                              : "a DIE uses a form forksize does not rewrite");
                return;
            }
            /* a section offset: sec_offset, or data4 as DWARF 2 and 3 have
             * it (and some producers for stmt_list and ranges in 4) */
            int off4 = (version >= 4 && form == 0x17) || (version < 4 && form == 0x06);
            int off4sr = form == 0x17 || form == 0x06;
            if (attr == 0x11 && form == 0x01) {                 /* low_pc */
                low_at = p;
                has_low = 1;
            } else if (attr == 0x12) {                           /* high_pc */
                high_at = p;
                high_form = (uint32_t)form;
                has_high = 1;
            } else if ((attr == 0x52 || attr == 0x7d || attr == 0x81) && form == 0x01) {
                set(d->info + p, asz, map(d, get(d->info + p, asz)));   /* entry_pc, call pcs */
            } else if (attr == 0x10 && off4sr && !d->lines) {
                ;               /* no .debug_line: it names nothing, before or after */
            } else if (attr == 0x10 && off4sr) {                /* stmt_list */
                uint64_t o = get(d->info + p, 4);
                size_t lo = 0, hi = d->lines->n;       /* old offsets ascend */
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (d->lines->old[mid] < o)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                size_t k = lo;
                if (k == d->lines->n || d->lines->old[k] != o) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "DW_AT_stmt_list names no line table");
                    return;
                }
                set(d->info + p, 4, d->lines->now[k]);
            } else if (attr == 0x55) {                         /* ranges: below, */
                ;                                               /* once the base is known */
            } else if (loclist_attr(attr) && off4 && d->loc) {
                list(d, d->loc, d->loc_size, d->ldone, d->loc_base, (uint32_t)get(d->info + p, 4), 1, asz,
                     base, nbase);
            } else if (loclist_attr(attr) && off4) {
                fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "a location list but no .debug_loc");
                return;
            }
            p += (uint32_t)sz;
        }
        if (d->st)
            return;
        uint64_t lo = has_low ? get(d->info + low_at, asz) : 0;
        uint64_t nlo = lo;
        if (has_low) {
            uint64_t hi = lo;
            unsigned hsz = 0;
            if (has_high) {
                hsz = high_form == 0x01 ? asz : high_form == 0x0b ? 1 : high_form == 0x05 ? 2 :
                      high_form == 0x06 ? 4 : high_form == 0x07 ? 8 : 0;
                if (!hsz) {
                    fail_at(d, FS_ERR_UNSUPPORTED, d->info_base + high_at, "DW_AT_high_pc of an unusual form");
                    return;
                }
                uint64_t v = get(d->info + high_at, hsz);
                hi = high_form == 0x01 ? v : lo + v;
            }
            uint64_t nhi;
            map_range(d, lo, hi, &nlo, &nhi);
            set(d->info + low_at, asz, nlo);
            if (has_high) {
                uint64_t v = high_form == 0x01 ? nhi : nhi - nlo;
                if (hsz < 8 && v >> (8 * hsz)) {
                    fail_at(d, FS_ERR_UNSUPPORTED, d->info_base + high_at, "a new high_pc does not fit its form");
                    return;
                }
                set(d->info + high_at, hsz, v);
            }
        }
        if (first) {                                  /* the CU: base of its lists */
            base = lo;
            nbase = nlo;
            first = 0;
        }
        /* DW_AT_ranges, now that the base is known: walk the attributes again */
        uint32_t q = die;
        uleb(d->info, end, &q, &code);
        for (uint32_t i = 0; i < ab->nattrs && !d->st; i++) {
            uint64_t attr = d->pairs[ab->attrs + i] >> 32, form = d->pairs[ab->attrs + i] & 0xFFFFFFFFu;
            while (form == 0x16)
                uleb(d->info, end, &q, &form);
            int64_t sz = form_size(d, form, q, end, asz, version);
            if (attr == 0x55 && (form == 0x17 || form == 0x06)) {
                if (!d->ranges) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + q, "DW_AT_ranges but no .debug_ranges");
                    return;
                }
                list(d, d->ranges, d->ranges_size, d->rdone, d->ranges_base, (uint32_t)get(d->info + q, 4), 0, asz,
                     base, nbase);
            }
            q += (uint32_t)sz;
        }
    }
}

int fi_dinfo_rewrite(fi_dinfo *io, const fi_amap *amap, const fi_dline_offs *lines,
                     char *why, size_t why_size)
{
    fs_error err;
    memset(&err, 0, sizeof err);
    dw d;
    memset(&d, 0, sizeof d);
    d.a = amap;
    d.lines = lines;
    d.err = &err;
    d.info = io->info;  d.info_size = io->info_size;  d.info_base = io->info_base;
    d.abbrev = io->abbrev;  d.abbrev_size = io->abbrev_size;
    d.ranges = io->ranges;  d.ranges_size = io->ranges_size;  d.ranges_base = io->ranges_base;
    d.loc = io->loc;  d.loc_size = io->loc_size;  d.loc_base = io->loc_base;
    d.rdone = calloc((size_t)io->ranges_size + 1, 1);
    d.ldone = calloc((size_t)io->loc_size + 1, 1);
    uint64_t units = 0;
    if (!d.rdone || !d.ldone)
        d.st = FS_ERR_NOMEM;
    for (uint32_t off = 0; off < d.info_size && !d.st; ) {
        if (d.info_size - off < 11) {
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + off, "compile unit header runs past the section");
            break;
        }
        uint64_t len = get(d.info + off, 4);
        if (len >= 0xfffffff0u) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off, "64-bit DWARF is not supported");
            break;
        }
        if (len > d.info_size - off - 4 || len < 7) {
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + off, "compile unit's length runs past the section");
            break;
        }
        unsigned version = (unsigned)get(d.info + off + 4, 2);
        if (version < 2 || version > 4) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off + 4,
                    "compile unit version not rewritten (only DWARF 2 to 4)");
            break;
        }
        uint32_t abbrev_off = (uint32_t)get(d.info + off + 6, 4);
        unsigned asz = d.info[off + 10];
        if (asz != 4 && asz != 8) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off + 10, "address size is not 4 or 8");
            break;
        }
        if (abbrev_off >= d.abbrev_size) {
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + off + 6, "abbreviation offset past .debug_abbrev");
            break;
        }
        if (read_abbrevs(&d, abbrev_off))
            break;
        unit(&d, off + 11, off + 4 + (uint32_t)len, version, asz);
        off += 4 + (uint32_t)len;
        units++;
    }
    /* .debug_aranges: (address, length) tuples after each set's header */
    for (uint32_t off = 0; io->aranges && off < io->aranges_size && !d.st; ) {
        uint8_t *s = io->aranges;
        if (io->aranges_size - off < 12) {
            fail_at(&d, FS_ERR_MALFORMED, io->aranges_base + off, "address range set runs past the section");
            break;
        }
        uint64_t len = get(s + off, 4);
        unsigned asz = s[off + 10], seg = s[off + 11];
        if (len >= 0xfffffff0u || len > io->aranges_size - off - 4 || get(s + off + 4, 2) != 2 ||
            (asz != 4 && asz != 8) || seg) {
            fail_at(&d, len > io->aranges_size - off - 4 ? FS_ERR_MALFORMED : FS_ERR_UNSUPPORTED,
                    io->aranges_base + off, "address range set of a form forksize does not rewrite");
            break;
        }
        uint32_t end = off + 4 + (uint32_t)len, p = off + 12;
        p = off + (p - off + 2 * asz - 1) / (2 * asz) * (2 * asz);   /* tuples are aligned */
        for (; p + 2 * asz <= end && !d.st; p += 2 * asz) {
            uint64_t a = get(s + p, asz), l = get(s + p + asz, asz), na, nh;
            if (!a && !l)
                break;
            if (a >= UINT32_MAX - 1)
                continue;
            map_range(&d, a, a + l, &na, &nh);
            set(s + p, asz, na);
            set(s + p + asz, asz, nh - na);
        }
        off = end;
    }
    free(d.rdone);
    free(d.ldone);
    free(d.ab);
    free(d.pairs);
    if (d.st == FS_ERR_NOMEM)
        return d.st;
    if (d.st) {
        char where[40] = "";
        if (err.has_offset)
            snprintf(where, sizeof where, " at file offset 0x%llx", (unsigned long long)err.offset);
        snprintf(why, why_size, "dropped: %s%s: %.120s",
                 d.st == FS_ERR_MALFORMED ? "malformed" : "forksize cannot rewrite it", where, err.msg);
        return d.st;
    }
    snprintf(why, why_size, "rewritten: %llu compile units, %llu range and location lists",
             (unsigned long long)units, (unsigned long long)d.lists);
    return FS_OK;
}
