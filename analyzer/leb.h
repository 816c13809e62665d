/* leb.h - LEB128 helpers for bytes that need no checking.
 *
 * The decoder reads LEB128 through fs_reader (reader.h), which checks
 * every length and unused bit.  Code that comes back to bytes the decoder
 * has already accepted (forkinstr's planner, liveness and emitter), and
 * every encoder that needs a size, uses these two instead: one size
 * helper and one unchecked reader for the whole project.
 */
#ifndef FS_LEB_H
#define FS_LEB_H

#include <stdint.h>

/* Number of bytes the unsigned LEB128 encoding of V takes. */
static inline unsigned fs_leb_size(uint64_t v)
{
    unsigned n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Reads an unsigned LEB128 at *PP and moves *PP past it.  Only for bytes
 * the decoder has validated: nothing is bounds-checked. */
static inline uint32_t fs_leb_u32(const uint8_t **pp)
{
    const uint8_t *q = *pp;
    uint32_t v = 0;
    unsigned shift = 0;
    while (*q & 0x80) {
        v |= (uint32_t)(*q++ & 0x7F) << shift;
        shift += 7;
    }
    v |= (uint32_t)*q++ << shift;
    *pp = q;
    return v;
}

/* Reads an unsigned 32-bit LEB128 at *PP, before END, for bytes nobody
 * validated: 0 and *PP moved past it, or -1 when it runs past END, is
 * longer than 5 bytes or does not fit 32 bits. */
static inline int fs_leb_u32_checked(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
    const uint8_t *q = *pp;
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (q >= end)
            return -1;
        uint8_t b = *q++;
        if (shift == 28 && (b & 0x70))
            return -1;
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            *pp = q;
            return 0;
        }
    }
    return -1;
}

#endif
