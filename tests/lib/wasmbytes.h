/* wasmbytes.h - the one byte builder of the C tests: modules written byte
 * by byte, so that every byte (and the offset of every corrupt one) is
 * known by construction, never read back from forksize.  Header only.
 *
 *   tb_buf b = { 0 };  tb_header(&b);  ...  tb_free(&b);
 */
#ifndef TESTLIB_WASMBYTES_H
#define TESTLIB_WASMBYTES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tb_buf {
    uint8_t *b;
    size_t   n, cap;
} tb_buf;

/* Appends N bytes; the test ends (exit 1) when memory runs out. */
static inline void tb_put(tb_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *nb = realloc(b->b, cap);
        if (!nb) {
            fprintf(stderr, "out of memory in the test itself\n");
            exit(1);
        }
        b->b = nb;
        b->cap = cap;
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static inline void tb_free(tb_buf *b)
{
    free(b->b);
    memset(b, 0, sizeof *b);
}

#define TB_BYTES(...) (const uint8_t[]){ __VA_ARGS__ }
#define TB_PUT(buf, ...) tb_put((buf), TB_BYTES(__VA_ARGS__), sizeof(TB_BYTES(__VA_ARGS__)))

static inline void tb_u8(tb_buf *b, uint8_t v) { tb_put(b, &v, 1); }

/* Minimal unsigned LEB128. */
static inline void tb_leb(tb_buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        if (v)
            byte |= 0x80;
        tb_put(b, &byte, 1);
    } while (v);
}

/* A name: its length, then its bytes. */
static inline void tb_str(tb_buf *b, const char *s)
{
    tb_leb(b, strlen(s));
    tb_put(b, s, strlen(s));
}

/* "\0asm" and version 1. */
static inline void tb_header(tb_buf *b)
{
    TB_PUT(b, 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00);
}

/* Appends section ID with PAYLOAD; returns the file offset of the payload
 * (payload position P is at file offset return + P). */
static inline size_t tb_section(tb_buf *out, uint8_t id, const tb_buf *payload)
{
    tb_put(out, &id, 1);
    tb_leb(out, payload->n);
    size_t at = out->n;
    tb_put(out, payload->b, payload->n);
    return at;
}

/* Appends one function body (its size, then BODY) to a code-section
 * payload; returns the position of BODY's first byte in that payload. */
static inline size_t tb_body(tb_buf *code, const tb_buf *body)
{
    tb_leb(code, body->n);
    size_t at = code->n;
    tb_put(code, body->b, body->n);
    return at;
}

#endif
