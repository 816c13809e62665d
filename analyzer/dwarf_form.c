/* dwarf_form.c - the size of a DWARF attribute value (see dwarf_form.h). */
#include "dwarf_form.h"

/* A ULEB128's length at P, or -1 when it runs past AVAIL. */
static int64_t uleb_len(const uint8_t *p, size_t avail)
{
    for (size_t i = 0; i < avail && i < 10; i++)
        if (!(p[i] & 0x80))
            return (int64_t)i + 1;
    return FS_DWARF_FORM_SHORT;
}

static uint64_t uleb_val(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0, shift = 0; i < 10; i++, shift += 7) {
        v |= (uint64_t)(p[i] & 0x7f) << shift;
        if (!(p[i] & 0x80))
            break;
    }
    return v;
}

/* A block: LEN_BYTES of length (0: a ULEB) then that many bytes. */
static int64_t block(const uint8_t *p, size_t avail, unsigned len_bytes)
{
    uint64_t n = 0;
    int64_t h;
    if (len_bytes) {
        if (avail < len_bytes)
            return FS_DWARF_FORM_SHORT;
        for (unsigned i = 0; i < len_bytes; i++)
            n |= (uint64_t)p[i] << (8 * i);
        h = len_bytes;
    } else {
        if ((h = uleb_len(p, avail)) < 0)
            return h;
        n = uleb_val(p);
    }
    return n > avail - (size_t)h ? FS_DWARF_FORM_SHORT : h + (int64_t)n;
}

int64_t fs_dwarf_form_size(uint32_t form, const uint8_t *p, size_t avail, unsigned version,
                           unsigned addrsz, unsigned offsz)
{
    int64_t n;
    switch (form) {
    case 0x01: n = addrsz; break;                                      /* addr */
    case 0x03: return block(p, avail, 2);                              /* block2 */
    case 0x04: return block(p, avail, 4);                              /* block4 */
    case 0x09: case 0x18: return block(p, avail, 0);                   /* block, exprloc */
    case 0x0a: return block(p, avail, 1);                              /* block1 */
    case 0x05: case 0x12: case 0x26: case 0x2a: n = 2; break;          /* data2 ref2 strx2 addrx2 */
    case 0x06: case 0x13: case 0x1c: case 0x28: case 0x2c: n = 4; break;
    case 0x07: case 0x14: case 0x20: case 0x24: n = 8; break;          /* data8 ref8 sig8 ref_sup8 */
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: n = 1; break;
    case 0x27: case 0x2b: n = 3; break;                                /* strx3 addrx3 */
    case 0x1e: n = 16; break;                                          /* data16 */
    case 0x08: {                                                       /* string */
        for (size_t i = 0; i < avail; i++)
            if (!p[i])
                return (int64_t)i + 1;
        return FS_DWARF_FORM_SHORT;
    }
    case 0x0d: case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23:
    case 0x1f01: case 0x1f02:            /* sdata udata ref_udata strx addrx loclistx rnglistx, GNU idx */
        return uleb_len(p, avail);
    case 0x10: n = version <= 2 ? addrsz : offsz; break;               /* ref_addr */
    case 0x0e: case 0x17: case 0x1d: case 0x1f: case 0x1f20: case 0x1f21:
        n = offsz; break;                        /* strp sec_offset strp_sup line_strp, GNU alt */
    case 0x19: case 0x21: return 0;                                    /* flag_present, implicit_const */
    default: return FS_DWARF_FORM_UNKNOWN;
    }
    return (size_t)n > avail ? FS_DWARF_FORM_SHORT : n;
}
