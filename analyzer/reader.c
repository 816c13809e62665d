/* reader.c - LEB128 decoding and failure reporting for fs_reader. */
#include "reader.h"

#include <stdarg.h>
#include <stdio.h>

void fs_reader_fail(fs_reader *r, const uint8_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->msg, sizeof r->err->msg, fmt, ap);
    va_end(ap);
    r->err->has_offset = 1;
    r->err->offset = (uint64_t)(at - r->base);
    longjmp(*r->jump, FS_ERR_MALFORMED);
}

/* The spec bounds a uN LEB to ceil(N/7) bytes and requires the unused
 * bits of the last byte to be zero; both are checked so that a corrupt
 * count can never be read as a plausible one. */
uint32_t fs_read_u32_slow(fs_reader *r)
{
    const uint8_t *at = r->p;
    uint32_t v = 0;
    for (unsigned shift = 0, i = 0; ; shift += 7, i++) {
        if (r->p >= r->end)
            fs_reader_fail(r, at, "unexpected end of data inside a LEB128 integer");
        uint8_t b = *r->p++;
        if (i == 4 && (b & 0xF0))
            fs_reader_fail(r, at, "LEB128 integer overflows 32 bits");
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
}

uint64_t fs_read_u64(fs_reader *r)
{
    const uint8_t *at = r->p;
    uint64_t v = 0;
    for (unsigned shift = 0, i = 0; ; shift += 7, i++) {
        if (r->p >= r->end)
            fs_reader_fail(r, at, "unexpected end of data inside a LEB128 integer");
        uint8_t b = *r->p++;
        if (i == 9 && (b & 0xFE))
            fs_reader_fail(r, at, "LEB128 integer overflows 64 bits");
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
}

int64_t fs_read_sleb_slow(fs_reader *r, unsigned bits)
{
    const uint8_t *at = r->p;
    unsigned maxlen = (bits + 6) / 7;
    uint64_t v = 0;
    unsigned shift = 0;
    for (unsigned i = 0; ; i++) {
        if (r->p >= r->end)
            fs_reader_fail(r, at, "unexpected end of data inside a LEB128 integer");
        uint8_t b = *r->p++;
        if (i == maxlen - 1) {
            /* The last byte may only carry the top bits and their sign
             * extension: everything above bit (bits-1) must repeat it. */
            unsigned used = bits - shift;            /* value bits in this byte */
            int sign = (b >> (used - 1)) & 1;
            uint8_t rest = (uint8_t)(b & 0x7F) >> used;
            uint8_t want = sign ? (uint8_t)(0x7F >> used) : 0;
            if ((b & 0x80) || rest != want)
                fs_reader_fail(r, at, "LEB128 integer overflows %u bits", bits);
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            return (int64_t)v;
        }
    }
}

uint32_t fs_read_index(fs_reader *r, uint32_t limit, const char *what)
{
    const uint8_t *at = r->p;
    uint32_t v = fs_read_u32(r);
    if (v >= limit)
        fs_reader_fail(r, at, "%s index %u out of range (%u %ss)", what, v, limit, what);
    return v;
}

uint32_t fs_read_flags(fs_reader *r, uint32_t max, const char *what)
{
    const uint8_t *at = r->p;
    uint32_t v = fs_read_u32(r);
    if (v > max)
        fs_reader_fail(r, at, "invalid %s %u", what, v);
    return v;
}
