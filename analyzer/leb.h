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

#endif
