/* reader.h - bounds-checked cursor over the mapped file (decoder-private).
 *
 * Every read checks the bytes that remain; on failure the reader records
 * the offset and a message in its fs_error and longjmps back to the entry
 * point of the decoder.  That keeps the hot loops free of status plumbing
 * while the public functions still return a status: the jump never leaves
 * the decoder.  Anything allocated before a jump is owned by the module
 * and released by fs_wasm_free.
 */
#ifndef FS_READER_H
#define FS_READER_H

#include <setjmp.h>
#include <stdint.h>
#include <stddef.h>

#include "leb.h"
#include "wasm.h"

typedef struct fs_reader {
    const uint8_t *base;   /* start of the file: offsets are relative to it */
    const uint8_t *p;
    const uint8_t *end;    /* end of the current section or body */
    fs_error      *err;
    jmp_buf       *jump;
} fs_reader;

_Noreturn void fs_reader_fail(fs_reader *r, const uint8_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline uint32_t fs_reader_off(const fs_reader *r, const uint8_t *at)
{
    return (uint32_t)(at - r->base);
}

static inline size_t fs_reader_left(const fs_reader *r)
{
    return (size_t)(r->end - r->p);
}

static inline uint8_t fs_read_u8(fs_reader *r)
{
    if (r->p >= r->end)
        fs_reader_fail(r, r->p, "unexpected end of data (reading a byte)");
    return *r->p++;
}

static inline const uint8_t *fs_read_bytes(fs_reader *r, size_t n)
{
    if (n > fs_reader_left(r))
        fs_reader_fail(r, r->p, "unexpected end of data (%zu bytes needed, %zu left)",
                       n, fs_reader_left(r));
    const uint8_t *at = r->p;
    r->p += n;
    return at;
}

uint32_t fs_read_u32_slow(fs_reader *r);
int64_t  fs_read_sleb_slow(fs_reader *r, unsigned bits);
uint64_t fs_read_u64(fs_reader *r);

/* Unsigned 32-bit LEB128; the one-byte case is inlined. */
static inline uint32_t fs_read_u32(fs_reader *r)
{
    if (r->p < r->end && *r->p < 0x80)
        return *r->p++;
    return fs_read_u32_slow(r);
}

static inline int32_t fs_read_s32(fs_reader *r)
{
    if (r->p < r->end && *r->p < 0x40)
        return *r->p++;
    return (int32_t)fs_read_sleb_slow(r, 32);
}

static inline int64_t fs_read_s64(fs_reader *r)
{
    return fs_read_sleb_slow(r, 64);
}

/* s33, as used by block types and heap types. */
static inline int64_t fs_read_s33(fs_reader *r)
{
    return fs_read_sleb_slow(r, 33);
}

/* A u32 count of items, each at least MIN_SIZE bytes: rejected when the
 * remaining bytes cannot hold that many, so a count in the file can never
 * make us allocate more than the file could describe. */
static inline uint32_t fs_read_count(fs_reader *r, size_t min_size, const char *what)
{
    const uint8_t *at = r->p;
    uint32_t n = fs_read_u32(r);
    if (min_size && (uint64_t)n * min_size > fs_reader_left(r))
        fs_reader_fail(r, at, "%s count %u exceeds the %zu bytes that remain", what, n,
                       fs_reader_left(r));
    return n;
}

/* An index that must be below LIMIT ("function index 7 out of range
 * (5 functions)"), reported at the index's own offset. */
uint32_t fs_read_index(fs_reader *r, uint32_t limit, const char *what);

/* A u32 flags or kind field whose valid values are 0..MAX. */
uint32_t fs_read_flags(fs_reader *r, uint32_t max, const char *what);

#endif
