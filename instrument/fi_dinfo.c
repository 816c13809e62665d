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
 * right.
 *
 * DWARF 5 units are walked the same way (the forms' sizes come from
 * analyzer/dwarf_form.c).  An address given as an index (DW_FORM_addrx*)
 * is patched where it lies, in a copy of .debug_addr: the map is a pure
 * function of the address (fi_dinfo_map), and in wasm no address is both
 * one function's end and the next one's start (a size LEB lies between),
 * so an entry several DIEs share maps right for each of them; a high_pc
 * given as a length is recomputed from the mapped ends.  Entries only
 * data addresses use (DW_OP_addrx in a location) are not touched.  The
 * lists of .debug_rnglists and .debug_loclists are re-encoded
 * (fi_dlists.c) and every offset naming them (sec_offset, the units'
 * bases) mapped; a rnglistx / loclistx index stays, since the offset
 * arrays it indexes are rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_form.h"
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
    uint64_t *av;    uint32_t avcap;          /* the DIE's attributes: attr, form << 32 | pos */
    fi_daddr addr;                             /* DWARF 5: .debug_addr, patched copy */
    fi_dlsec rl, ll;                           /* DWARF 5: .debug_rnglists, .debug_loclists */
    fi_dlcu *cus;    uint32_t ncus, ccap;      /* DWARF 5 units, in order */
    uint64_t *sites; uint32_t nsites, scap;    /* sec_offsets into them: pos << 1 | loc */
    fs_error *err;
    int st;
    uint64_t lists;
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
uint64_t fi_dinfo_map(const fi_amap *m, uint64_t a)
{
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

static uint64_t map(dw *d, uint64_t a)
{
    return fi_dinfo_map(d->a, a);
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
        uint64_t b = fi_le_get(sec + p, asz), e = fi_le_get(sec + p + asz, asz);
        uint32_t at = p;
        p += 2 * asz;
        if (!b && !e)
            return;                                   /* end of list */
        if (b == maxv) {                              /* base address selection */
            base = e;
            nbase = map(d, e);
            fi_le_set(sec + at + asz, asz, nbase);
            continue;
        }
        if (loc) {
            if (size - p < 2) {
                fail_at(d, FS_ERR_MALFORMED, sec_base + p, "a location list runs past its end");
                return;
            }
            uint32_t len = (uint32_t)fi_le_get(sec + p, 2);
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
        fi_le_set(sec + at, asz, nlo - nbase);          /* >= 0: map() is monotonic */
        fi_le_set(sec + at + asz, asz, nhi - nbase);
    }
}

/* ---- abbreviations and DIEs ------------------------------------------ */

static int read_abbrevs(dw *d, uint32_t off, unsigned version)
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
            if (form == 0x21 && version < 5)          /* implicit_const: DWARF 5 only */
                return fail_at(d, FS_ERR_UNSUPPORTED, off, "DW_FORM_implicit_const before DWARF 5");
            uint64_t skip;
            if (form == 0x21 && uleb(s, d->abbrev_size, &p, &skip))  /* its SLEB: no address */
                return fail_at(d, FS_ERR_MALFORMED, off, "abbreviation runs past its end");
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

/* Attributes whose sec_offset (v4, v5) or data4 (v2-3) value, or (v5)
 * loclistx index, is a location list. */
static int loclist_attr(uint64_t at)
{
    switch (at) {
    case 0x02: case 0x19: case 0x2a: case 0x2e: case 0x38: case 0x40: case 0x48:
    case 0x4a: case 0x4d:
        return 1;
    }
    return 0;
}

/* The value of an address-class attribute at P of FORM: DW_FORM_addr in
 * the DIE, or an index into the unit's .debug_addr contribution (DWARF 5),
 * whose entry is then what gets patched (*AT).  1: not an address form;
 * -1: a failure (noted). */
static int addr_of(dw *d, uint64_t form, uint32_t p, unsigned asz, uint64_t *v, uint8_t **at)
{
    uint64_t idx = 0;
    uint32_t q = p;
    switch (form) {
    case 0x01: *v = fi_le_get(d->info + p, asz); *at = d->info + p; return 0;
    case 0x1b: uleb(d->info, d->info_size, &q, &idx); break;
    case 0x29: case 0x2a: case 0x2b: case 0x2c: idx = fi_le_get(d->info + p, (unsigned)form - 0x28); break;
    default: return 1;
    }
    const fi_dlcu *c = d->ncus ? &d->cus[d->ncus - 1] : NULL;
    if (!c || !c->has_addr_base) {
        fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "an address index, but the unit has no DW_AT_addr_base");
        return -1;
    }
    uint64_t pos = c->addr_base + idx * asz;
    if (!d->addr.in || idx > UINT32_MAX || pos > d->addr.size || d->addr.size - pos < asz) {
        fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "an address index past the end of .debug_addr");
        return -1;
    }
    *v = fi_le_get(d->addr.in + pos, asz);
    *at = d->addr.out + pos;
    return 0;
}

/* A DWARF 5 list reference at P (DW_FORM_sec_offset into S, or an index
 * into its offset array at BASE, HAS_BASE 1 when the unit names it; -1:
 * P is the unit's DW_AT_*_base itself): registered for fi_dl_rewrite; a
 * sec_offset is patched once the list has moved. */
static void list5(dw *d, fi_dlsec *s, uint64_t form, uint32_t p, uint64_t base, int has_base)
{
    const char *name = s->loc ? "a location list, but no .debug_loclists"
                              : "DW_AT_ranges, but no .debug_rnglists";
    if (!s->in) {
        fail_at(d, FS_ERR_MALFORMED, d->info_base + p, name);
        return;
    }
    uint64_t off;
    if (form == 0x17) {
        off = fi_le_get(d->info + p, 4);
        if (d->nsites == d->scap) {
            uint32_t cap = d->scap ? d->scap * 2 : 64;
            uint64_t *v = realloc(d->sites, cap * sizeof *v);
            if (!v) {
                d->st = FS_ERR_NOMEM;
                return;
            }
            d->sites = v;
            d->scap = cap;
        }
        d->sites[d->nsites++] = (uint64_t)p << 1 | (unsigned)s->loc;
    } else {
        uint64_t idx = 0;
        uint32_t q = p;
        uleb(d->info, d->info_size, &q, &idx);
        /* the index must be inside the offset array that its unit's
         * header (the 12 bytes before BASE) counts */
        if (has_base <= 0 || base < 12 || base > s->size ||
            idx >= fi_le_get(s->in + base - 4, 4) || idx >= (s->size - base) / 4) {
            fail_at(d, FS_ERR_MALFORMED, d->info_base + p,
                    s->loc ? "a loclistx index past the unit's .debug_loclists offsets"
                           : "a rnglistx index past the unit's .debug_rnglists offsets");
            return;
        }
        off = base + fi_le_get(s->in + base + 4 * idx, 4);
    }
    if (off >= s->size) {
        fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "a DIE names a list past its section's end");
        return;
    }
    if (fi_dl_ref(s, (uint32_t)off, d->ncus - 1))
        d->st = FS_ERR_NOMEM;
    d->lists += has_base >= 0;          /* a list, not a unit's base */
}

/* One compile unit: DIEs from P to END (version, address size, its
 * abbreviations read).  Each DIE's attributes are located first, then
 * acted on: a DWARF 5 unit DIE names its .debug_addr and list bases after
 * the attributes that need them. */
static void unit(dw *d, uint32_t p, uint32_t end, unsigned version, unsigned asz)
{
    uint64_t base = 0, nbase = 0;       /* the CU's low_pc, for its lists */
    uint64_t rbase = 0, lbase = 0;      /* DWARF 5: the unit's list bases */
    int has_rbase = 0, has_lbase = 0, first = 1;
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
        if (ab->nattrs > d->avcap) {
            uint64_t *v = realloc(d->av, (size_t)ab->nattrs * 2 * sizeof *v);
            if (!v) {
                d->st = FS_ERR_NOMEM;
                return;
            }
            d->av = v;
            d->avcap = ab->nattrs;
        }
        for (uint32_t i = 0; i < ab->nattrs; i++) {   /* where each value lies */
            uint64_t form = d->pairs[ab->attrs + i] & 0xFFFFFFFFu;
            while (form == 0x16) {                    /* indirect */
                if (uleb(d->info, end, &p, &form) || form > 0xFFFF) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + p, "DW_FORM_indirect runs past its unit");
                    return;
                }
            }
            int64_t sz = fs_dwarf_form_size((uint32_t)form, d->info + p, end - p, version, asz, 4);
            if (sz < 0) {
                fail_at(d, sz == FS_DWARF_FORM_SHORT ? FS_ERR_MALFORMED : FS_ERR_UNSUPPORTED,
                        d->info_base + p, sz == FS_DWARF_FORM_SHORT ? "a DIE attribute runs past its unit"
                                                              : "a DIE uses a form forksize does not rewrite");
                return;
            }
            d->av[2 * i] = d->pairs[ab->attrs + i] >> 32;
            d->av[2 * i + 1] = form << 32 | p;
            p += (uint32_t)sz;
        }
        if (first && version >= 5) {                  /* the unit DIE: its bases */
            fi_dlcu c = { 0, 0, asz, 0, 0 };
            for (uint32_t i = 0; i < ab->nattrs; i++) {
                uint64_t attr = d->av[2 * i], form = d->av[2 * i + 1] >> 32;
                uint32_t at = (uint32_t)d->av[2 * i + 1];
                if (form != 0x17)
                    continue;
                if (attr == 0x73) {
                    c.addr_base = fi_le_get(d->info + at, 4);
                    c.has_addr_base = 1;
                } else if (attr == 0x74) {
                    rbase = fi_le_get(d->info + at, 4);
                    has_rbase = 1;
                } else if (attr == 0x8c) {
                    lbase = fi_le_get(d->info + at, 4);
                    has_lbase = 1;
                }
            }
            if (d->ncus == d->ccap) {
                uint32_t cap = d->ccap ? d->ccap * 2 : 16;
                fi_dlcu *v = realloc(d->cus, cap * sizeof *v);
                if (!v) {
                    d->st = FS_ERR_NOMEM;
                    return;
                }
                d->cus = v;
                d->ccap = cap;
            }
            d->cus[d->ncus++] = c;
        }
        uint64_t lo = 0, hi = 0, hform = 0;
        uint8_t *low_at = NULL, *high_at = NULL;
        for (uint32_t i = 0; i < ab->nattrs && !d->st; i++) {
            uint64_t attr = d->av[2 * i], form = d->av[2 * i + 1] >> 32, v;
            uint32_t at = (uint32_t)d->av[2 * i + 1];
            uint8_t *where;
            /* a section offset: sec_offset, or data4 as DWARF 2 and 3 have
             * it (and some producers for stmt_list and ranges in 4) */
            int off4 = (version >= 4 && form == 0x17) || (version < 4 && form == 0x06);
            int off4sr = form == 0x17 || form == 0x06;
            if (attr == 0x11) {                                 /* low_pc */
                int k = addr_of(d, form, at, asz, &lo, &low_at);
                if (k < 0)
                    return;
                if (k)
                    low_at = NULL;
            } else if (attr == 0x12) {                          /* high_pc */
                hform = form;
                high_at = d->info + at;
                int k = addr_of(d, form, at, asz, &hi, &high_at);
                if (k < 0)
                    return;
            } else if (attr == 0x52 || attr == 0x7d || attr == 0x81) {  /* entry_pc, call pcs */
                int k = addr_of(d, form, at, asz, &v, &where);
                if (k < 0)
                    return;
                if (!k)
                    fi_le_set(where, asz, map(d, v));
            } else if (attr == 0x10 && off4sr && !d->lines) {
                ;               /* no .debug_line: it names nothing, before or after */
            } else if (attr == 0x10 && off4sr) {                /* stmt_list */
                uint64_t o = fi_le_get(d->info + at, 4);
                size_t lo2 = 0, hi2 = d->lines->n;      /* old offsets ascend */
                while (lo2 < hi2) {
                    size_t mid = lo2 + (hi2 - lo2) / 2;
                    if (d->lines->old[mid] < o)
                        lo2 = mid + 1;
                    else
                        hi2 = mid;
                }
                if (lo2 == d->lines->n || d->lines->old[lo2] != o) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + at, "DW_AT_stmt_list names no line table");
                    return;
                }
                fi_le_set(d->info + at, 4, d->lines->now[lo2]);
            } else if (version >= 5 && (attr == 0x74 || attr == 0x8c) && form == 0x17) {
                list5(d, attr == 0x74 ? &d->rl : &d->ll, 0x17, at, 0, -1);  /* a base moves too */
            } else if (version >= 5 && attr == 0x55 && (form == 0x17 || form == 0x23)) {
                list5(d, &d->rl, form, at, rbase, has_rbase);
            } else if (version >= 5 && loclist_attr(attr) && (form == 0x17 || form == 0x22)) {
                list5(d, &d->ll, form, at, lbase, has_lbase);
            } else if (version >= 5) {
                ;
            } else if (attr == 0x55) {                         /* ranges: below, */
                ;                                               /* once the base is known */
            } else if (loclist_attr(attr) && off4 && d->loc) {
                list(d, d->loc, d->loc_size, d->ldone, d->loc_base, (uint32_t)fi_le_get(d->info + at, 4), 1, asz,
                     base, nbase);
            } else if (loclist_attr(attr) && off4) {
                fail_at(d, FS_ERR_MALFORMED, d->info_base + at, "a location list but no .debug_loc");
                return;
            }
        }
        if (d->st)
            return;
        uint64_t nlo = lo;
        if (low_at) {
            int addr_high = hform == 0x01 || hform == 0x1b || (hform >= 0x29 && hform <= 0x2c);
            unsigned hsz = 0;
            if (high_at && !addr_high) {
                hsz = hform == 0x0b ? 1 : hform == 0x05 ? 2 : hform == 0x06 ? 4 : hform == 0x07 ? 8 : 0;
                if (!hsz) {
                    fail_at(d, FS_ERR_UNSUPPORTED, d->info_base + (uint64_t)(high_at - d->info),
                            "DW_AT_high_pc of an unusual form");
                    return;
                }
                hi = lo + fi_le_get(high_at, hsz);
            } else if (!high_at) {
                hi = lo;
            }
            uint64_t nhi;
            map_range(d, lo, hi, &nlo, &nhi);
            fi_le_set(low_at, asz, nlo);
            if (high_at) {
                uint64_t v = addr_high ? nhi : nhi - nlo;
                if (hsz && hsz < 8 && v >> (8 * hsz)) {
                    fail_at(d, FS_ERR_UNSUPPORTED, d->info_base + (uint64_t)(high_at - d->info),
                            "a new high_pc does not fit its form");
                    return;
                }
                fi_le_set(high_at, addr_high ? asz : hsz, v);
            }
        }
        if (first) {                                  /* the CU: base of its lists */
            base = lo;
            nbase = nlo;
            if (version >= 5) {
                d->cus[d->ncus - 1].base = lo;
                d->cus[d->ncus - 1].has_base = low_at != NULL;
            }
            first = 0;
        }
        /* DWARF 4 DW_AT_ranges, now that the base is known */
        for (uint32_t i = 0; i < ab->nattrs && !d->st && version < 5; i++) {
            uint64_t form = d->av[2 * i + 1] >> 32;
            uint32_t at = (uint32_t)d->av[2 * i + 1];
            if (d->av[2 * i] == 0x55 && (form == 0x17 || form == 0x06)) {
                if (!d->ranges) {
                    fail_at(d, FS_ERR_MALFORMED, d->info_base + at, "DW_AT_ranges but no .debug_ranges");
                    return;
                }
                list(d, d->ranges, d->ranges_size, d->rdone, d->ranges_base, (uint32_t)fi_le_get(d->info + at, 4), 0, asz,
                     base, nbase);
            }
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
    d.addr = io->addr;
    d.rl = (fi_dlsec){ .in = io->rnglists, .size = io->rnglists_size, .file_off = io->rnglists_base,
                       .loc = 0, .out = io->rnglists_out };
    d.ll = (fi_dlsec){ .in = io->loclists, .size = io->loclists_size, .file_off = io->loclists_base,
                       .loc = 1, .out = io->loclists_out };
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
        uint64_t len = fi_le_get(d.info + off, 4);
        if (len >= 0xfffffff0u) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off, "64-bit DWARF is not supported");
            break;
        }
        if (len > d.info_size - off - 4 || len < 7) {
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + off, "compile unit's length runs past the section");
            break;
        }
        unsigned version = (unsigned)fi_le_get(d.info + off + 4, 2);
        if (version < 2 || version > 5) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off + 4,
                    "compile unit version not rewritten (only DWARF 2 to 5)");
            break;
        }
        /* 4: unit_length; then DWARF 2-4: version, abbrev_offset,
         * address_size; DWARF 5: version, unit_type, address_size,
         * abbrev_offset, and a skeleton's or split unit's 8-byte id */
        uint32_t abbrev_off = (uint32_t)fi_le_get(d.info + off + (version >= 5 ? 8 : 6), 4);
        unsigned asz = d.info[off + (version >= 5 ? 7 : 10)], hdr = 11;
        if (version >= 5) {
            unsigned type = d.info[off + 6];
            hdr = type == 1 || type == 3 ? 12 : type == 4 || type == 5 ? 20 : 0;
            if (!hdr || len < hdr - 4) {       /* type units (2, 6) hold no code, but */
                fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off + 6,  /* are not walked */
                        "a DWARF 5 unit type forksize does not rewrite (only compile, partial, skeleton)");
                break;
            }
        }
        if (asz != 4 && asz != 8) {
            fail_at(&d, FS_ERR_UNSUPPORTED, d.info_base + off + (version >= 5 ? 7 : 10),
                    "address size is not 4 or 8");
            break;
        }
        if (abbrev_off >= d.abbrev_size) {
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + off + 6, "abbreviation offset past .debug_abbrev");
            break;
        }
        if (read_abbrevs(&d, abbrev_off, version))
            break;
        unit(&d, off + hdr, off + 4 + (uint32_t)len, version, asz);
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
        uint64_t len = fi_le_get(s + off, 4);
        unsigned asz = s[off + 10], seg = s[off + 11];
        if (len >= 0xfffffff0u || len > io->aranges_size - off - 4 || fi_le_get(s + off + 4, 2) != 2 ||
            (asz != 4 && asz != 8) || seg) {
            fail_at(&d, len > io->aranges_size - off - 4 ? FS_ERR_MALFORMED : FS_ERR_UNSUPPORTED,
                    io->aranges_base + off, "address range set of a form forksize does not rewrite");
            break;
        }
        uint32_t end = off + 4 + (uint32_t)len, p = off + 12;
        p = off + (p - off + 2 * asz - 1) / (2 * asz) * (2 * asz);   /* tuples are aligned */
        for (; p + 2 * asz <= end && !d.st; p += 2 * asz) {
            uint64_t a = fi_le_get(s + p, asz), l = fi_le_get(s + p + asz, asz), na, nh;
            if (!a && !l)
                break;
            if (a >= UINT32_MAX - 1)
                continue;
            map_range(&d, a, a + l, &na, &nh);
            fi_le_set(s + p, asz, na);
            fi_le_set(s + p + asz, asz, nh - na);
        }
        off = end;
    }
    /* DWARF 5: the lists re-encoded, then the offsets DIEs hold into them */
    if (!d.st && d.rl.in)
        d.st = fi_dl_rewrite(&d.rl, amap, d.cus, d.ncus, &d.addr, &err);
    if (!d.st && d.ll.in)
        d.st = fi_dl_rewrite(&d.ll, amap, d.cus, d.ncus, &d.addr, &err);
    for (uint32_t i = 0; i < d.nsites && !d.st; i++) {
        uint32_t at = (uint32_t)(d.sites[i] >> 1);
        fi_dlsec *s = d.sites[i] & 1 ? &d.ll : &d.rl;
        uint32_t now = fi_dl_map(s, (uint32_t)fi_le_get(d.info + at, 4));
        if (now == FI_NONE)
            fail_at(&d, FS_ERR_MALFORMED, d.info_base + at,
                    s->loc ? "a DIE's offset into .debug_loclists names no list entry"
                           : "a DIE's offset into .debug_rnglists names no list entry");
        else
            fi_le_set(d.info + at, 4, now);
    }
    free(d.rdone);
    free(d.ldone);
    free(d.ab);
    free(d.pairs);
    free(d.av);
    free(d.cus);
    free(d.sites);
    fi_dl_free(&d.rl);
    fi_dl_free(&d.ll);
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
