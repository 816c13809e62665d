/* fi_dlists.c - a DWARF 5 .debug_rnglists or .debug_loclists section
 * re-encoded through forkinstr's address map, and the .debug_addr entries
 * its lists name patched.
 *
 * A DWARF 5 list entry holds its addresses in many encodings: an index
 * into .debug_addr, an offset from a base (ULEB128), an address and a
 * ULEB128 length.  A mapped length or offset may need more bytes than the
 * original, so the lists cannot be patched in place as DWARF 4's are.
 * Each list is written anew instead, every bounded entry as one
 * DW_RLE_start_end / DW_LLE_start_end with both ends mapped (fi_dinfo_map:
 * the same choice as for DWARF 4, each range covering the same original
 * instructions, the bytes forkinstr inserted inside a range counted in
 * it), base-address entries left out (every new entry is absolute), a
 * location's expression copied byte for byte.  Entries move, so the
 * section records where each old entry went: the unit headers' offset
 * arrays (DW_FORM_rnglistx/loclistx), the DIEs' DW_FORM_sec_offset
 * references and DW_AT_rnglists_base/loclists_base are mapped through it
 * (fi_dl_map).
 *
 * An entry's meaning depends on its compile unit (DW_AT_addr_base for an
 * index, the unit's low_pc as the default base of an offset pair), which
 * only .debug_info tells: fi_dinfo.c registers each list a DIE names with
 * its unit (fi_dl_ref) before the section is rewritten.  A list no DIE
 * names takes the unit of the list before it in the same contribution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi_debug.h"

typedef struct rd {
    fi_dlsec *s;
    const fi_amap *a;
    const fi_dlcu *cus;  uint32_t ncus;
    const fi_daddr *addr;
    fs_error *err;
    int st;
} rd;

static int fail(rd *r, int code, uint64_t off, const char *msg)
{
    if (!r->st) {
        fs_error_setf(r->err, code, "%s", msg);
        r->err->has_offset = 1;
        r->err->offset = off;
        r->st = code;
    }
    return code;
}

static int uleb(const uint8_t *p, uint32_t end, uint32_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (*pos >= end || shift > 63)
            return -1;
        uint8_t b = p[(*pos)++];
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
    }
    *v = x;
    return 0;
}

int fi_dl_ref(fi_dlsec *s, uint32_t off, uint32_t cu)
{
    if (s->nrefs == s->rcap) {
        size_t cap = s->rcap ? s->rcap * 2 : 64;
        uint64_t *v = realloc(s->refs, cap * sizeof *v);
        if (!v)
            return FS_ERR_NOMEM;
        s->refs = v;
        s->rcap = cap;
    }
    s->refs[s->nrefs++] = (uint64_t)off << 32 | cu;
    return FS_OK;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Old offset OLD went to NOW (offsets ascend as written). */
static int moved(rd *r, uint32_t old, uint32_t now)
{
    fi_dlsec *s = r->s;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint32_t *o = realloc(s->old, cap * sizeof *o);
        if (!o)
            return r->st = FS_ERR_NOMEM;
        s->old = o;
        uint32_t *w = realloc(s->now, cap * sizeof *w);
        if (!w)
            return r->st = FS_ERR_NOMEM;
        s->now = w;
        s->cap = cap;
    }
    s->old[s->n] = old;
    s->now[s->n++] = now;
    return FS_OK;
}

uint32_t fi_dl_map(const fi_dlsec *s, uint32_t old)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->old[mid] < old)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->old[lo] == old ? s->now[lo] : FI_NONE;
}

/* The address at index IDX of CU's .debug_addr contribution (the entry is
 * a code address: it is patched too, through the same pure map, so every
 * user of a shared entry agrees).  -1 on a failure. */
static int addrx(rd *r, uint32_t cu, uint64_t idx, uint32_t at, uint64_t *v)
{
    const char *name = r->s->loc ? "a .debug_loclists" : "a .debug_rnglists";
    char msg[120];
    if (cu == FI_NONE || !r->cus[cu].has_addr_base) {
        snprintf(msg, sizeof msg, "%.20s entry indexes .debug_addr, but its unit has no "
                                  "DW_AT_addr_base", name);
        return fail(r, FS_ERR_UNSUPPORTED, r->s->file_off + at, msg), -1;
    }
    const fi_dlcu *c = &r->cus[cu];
    uint64_t pos = c->addr_base + idx * c->asz;
    if (!r->addr->in || idx > UINT32_MAX || pos > r->addr->size || r->addr->size - pos < c->asz) {
        snprintf(msg, sizeof msg, "%.20s entry's address index is past .debug_addr", name);
        return fail(r, FS_ERR_MALFORMED, r->s->file_off + at, msg), -1;
    }
    *v = fi_le_get(r->addr->in + pos, c->asz);
    fi_le_set(r->addr->out + pos, c->asz, fi_dinfo_map(r->a, *v));
    return 0;
}

/* One entry of the new list: [LO, HI) mapped, as start_end (6 / 7), or as
 * start_length when HI does not fit an address (a tombstone's range). */
static void put_range(fi_buf *o, int loc, unsigned asz, const fi_amap *a, uint64_t lo, uint64_t hi)
{
    uint64_t nlo = fi_dinfo_map(a, lo), nhi = lo == hi ? nlo : fi_dinfo_map(a, hi);
    uint8_t b[8];
    if (asz == 4 && nhi > UINT32_MAX && nhi >= nlo) {
        fi_put(o, loc ? 0x08 : 0x07);                  /* start_length */
        fi_le_set(b, asz, nlo);
        fi_put_bytes(o, b, asz);
        uint64_t len = nhi - nlo;
        do {
            uint8_t c = len & 0x7F;
            len >>= 7;
            fi_put(o, (uint8_t)(c | (len ? 0x80 : 0)));
        } while (len);
        return;
    }
    fi_put(o, loc ? 0x07 : 0x06);                      /* start_end */
    fi_le_set(b, asz, nlo);
    fi_put_bytes(o, b, asz);
    fi_le_set(b, asz, nhi);
    fi_put_bytes(o, b, asz);
}

/* The lists from P to END of one contribution (address size ASZ). */
static void lists(rd *r, uint32_t p, uint32_t end, unsigned asz, size_t *ref)
{
    fi_dlsec *s = r->s;
    const uint8_t *in = s->in;
    fi_buf *o = s->out;
    int loc = s->loc;
    uint32_t cu = FI_NONE;
    /* the unit of this contribution's first named list, for lists before it */
    for (size_t k = *ref; k < s->nrefs && (uint32_t)(s->refs[k] >> 32) < end; k++)
        if ((uint32_t)(s->refs[k] >> 32) >= p) {
            cu = (uint32_t)s->refs[k];
            break;
        }
    int start = 1, has_base = 0;
    uint64_t base = 0;
    while (p < end && !r->st) {
        uint32_t at = p;
        if (start) {
            while (*ref < s->nrefs && (uint32_t)(s->refs[*ref] >> 32) < p)
                ++*ref;
            if (*ref < s->nrefs && (uint32_t)(s->refs[*ref] >> 32) == p)
                cu = (uint32_t)s->refs[*ref];
            has_base = cu != FI_NONE && r->cus[cu].has_base;
            base = has_base ? r->cus[cu].base : 0;
            start = 0;
        }
        if (moved(r, at, (uint32_t)o->n))
            return;
        uint8_t kind = in[p++];
        uint64_t x = 0, y = 0, lo = 0, hi = 0;
        int bounded = 1, bad = 0;
        /* the DW_LLE_ codes past 4 are the DW_RLE_ ones plus one (5 is
         * default_location): fold them onto the range codes */
        unsigned k = kind;
        if (loc && kind == 5)
            k = 100;
        else if (loc && kind > 5)
            k = kind - 1;
        switch (k) {
        case 0:                                        /* end_of_list */
            fi_put(o, 0);
            start = 1;
            continue;
        case 1:                                        /* base_addressx */
            if (uleb(in, end, &p, &x)) { bad = 1; break; }
            if (addrx(r, cu, x, at, &base))
                return;
            has_base = 1;
            bounded = 0;
            break;
        case 2: case 3:                                /* startx_endx, startx_length */
            if (uleb(in, end, &p, &x) || uleb(in, end, &p, &y)) { bad = 1; break; }
            if (addrx(r, cu, x, at, &lo))
                return;
            if (k == 2 && addrx(r, cu, y, at, &hi))
                return;
            if (k == 3)
                hi = lo + y;
            break;
        case 4:                                        /* offset_pair */
            if (uleb(in, end, &p, &x) || uleb(in, end, &p, &y)) { bad = 1; break; }
            if (!has_base) {
                fail(r, FS_ERR_UNSUPPORTED, s->file_off + at,
                     "an offset pair with no base address (no unit names this list)");
                return;
            }
            lo = base + x;
            hi = base + y;
            break;
        case 5:                                        /* base_address */
            if (end - p < asz) { bad = 1; break; }
            base = fi_le_get(in + p, asz);
            p += asz;
            has_base = 1;
            bounded = 0;
            break;
        case 6:                                        /* start_end */
            if (end - p < 2 * asz) { bad = 1; break; }
            lo = fi_le_get(in + p, asz);
            hi = fi_le_get(in + p + asz, asz);
            p += 2 * asz;
            break;
        case 7:                                        /* start_length */
            if (end - p < asz) { bad = 1; break; }
            lo = fi_le_get(in + p, asz);
            p += asz;
            if (uleb(in, end, &p, &y)) { bad = 1; break; }
            hi = lo + y;
            break;
        case 100:                                      /* DW_LLE_default_location */
            fi_put(o, 5);
            bounded = 0;
            break;
        default:
            fail(r, FS_ERR_UNSUPPORTED, s->file_off + at,
                 loc ? "a .debug_loclists entry kind forksize does not rewrite"
                     : "a .debug_rnglists entry kind forksize does not rewrite");
            return;
        }
        if (bad) {
            fail(r, FS_ERR_MALFORMED, s->file_off + at,
                 loc ? "a .debug_loclists entry runs past its unit"
                     : "a .debug_rnglists entry runs past its unit");
            return;
        }
        if (bounded)
            put_range(o, loc, asz, r->a, lo, hi);
        if (loc && (bounded || k == 100)) {            /* the expression, as it was */
            uint32_t q = p;
            if (uleb(in, end, &p, &x) || x > end - p) {
                fail(r, FS_ERR_MALFORMED, s->file_off + q,
                     "a .debug_loclists expression runs past its unit");
                return;
            }
            fi_put_bytes(o, in + q, (size_t)(p - q) + (size_t)x);
            p += (uint32_t)x;
        }
    }
    if (!r->st && !start)
        fail(r, FS_ERR_MALFORMED, s->file_off + end,
             loc ? "a .debug_loclists list has no end_of_list"
                 : "a .debug_rnglists list has no end_of_list");
}

int fi_dl_rewrite(fi_dlsec *s, const fi_amap *a, const fi_dlcu *cus, uint32_t ncus,
                  const fi_daddr *addr, fs_error *err)
{
    rd r = { s, a, cus, ncus, addr, err, FS_OK };
    const char *name = s->loc ? ".debug_loclists" : ".debug_rnglists";
    char msg[120];
    qsort(s->refs, s->nrefs, sizeof *s->refs, cmp_u64);
    size_t ref = 0;
    fi_buf *o = s->out;
    for (uint32_t off = 0; off < s->size && !r.st; ) {
        const uint8_t *h = s->in + off;
        if (s->size - off < 12) {
            snprintf(msg, sizeof msg, "a %s unit header runs past the section", name);
            return fail(&r, FS_ERR_MALFORMED, s->file_off + off, msg);
        }
        uint64_t len = fi_le_get(h, 4);
        unsigned version = (unsigned)fi_le_get(h + 4, 2), asz = h[6], seg = h[7];
        if (len >= 0xfffffff0u) {
            snprintf(msg, sizeof msg, "64-bit DWARF in %s is not supported", name);
            return fail(&r, FS_ERR_UNSUPPORTED, s->file_off + off, msg);
        }
        uint64_t count = fi_le_get(h + 8, 4);
        if (len > s->size - off - 4 || len < 8 || count > (len - 8) / 4) {
            snprintf(msg, sizeof msg, "a %s unit's length or offset count runs past the section", name);
            return fail(&r, FS_ERR_MALFORMED, s->file_off + off, msg);
        }
        if (version != 5 || (asz != 4 && asz != 8) || seg) {
            snprintf(msg, sizeof msg, "a %s unit of a version, address or segment size "
                                      "forksize does not rewrite", name);
            return fail(&r, FS_ERR_UNSUPPORTED, s->file_off + off, msg);
        }
        uint32_t end = off + 4 + (uint32_t)len, first = off + 12 + 4 * (uint32_t)count;
        size_t nh = o->n;
        /* the header and the offset array (patched below), the base first:
         * DW_AT_rnglists_base / loclists_base name it */
        if (moved(&r, off, (uint32_t)o->n) || moved(&r, off + 12, (uint32_t)o->n + 12))
            return r.st;
        fi_put_bytes(o, h, 12 + 4 * (size_t)count);
        lists(&r, first, end, asz, &ref);
        if (r.st || o->oom)
            break;
        fi_le_set(o->p + nh, 4, o->n - nh - 4);               /* unit_length */
        for (uint32_t i = 0; i < count; i++) {
            uint64_t rel = fi_le_get(h + 12 + 4 * i, 4);
            uint32_t now = rel < len ? fi_dl_map(s, off + 12 + (uint32_t)rel) : FI_NONE;
            if (now == FI_NONE) {
                snprintf(msg, sizeof msg, "a %s offset names no list entry", name);
                return fail(&r, FS_ERR_MALFORMED, s->file_off + off + 12 + 4 * i, msg);
            }
            fi_le_set(o->p + nh + 12 + 4 * i, 4, now - (nh + 12));
        }
        off = end;
    }
    if (!r.st && moved(&r, s->size, (uint32_t)o->n))  /* the end, for a reference past the last list */
        return r.st;
    return o->oom ? FS_ERR_NOMEM : r.st;
}

void fi_dl_free(fi_dlsec *s)
{
    free(s->refs);
    free(s->old);
    free(s->now);
    s->refs = NULL;
    s->old = s->now = NULL;
    s->n = s->cap = s->nrefs = s->rcap = 0;
}
