/* wasmbuild.h - a tiny module assembler for unit tests: enough to write
 * sections byte by byte, with every byte visible in the test itself. */
#ifndef WASMBUILD_H
#define WASMBUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct wb {
    uint8_t *b;
    size_t   len, cap;
} wb;

static inline void wb_bytes(wb *w, const void *p, size_t n)
{
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2 + 64;
        w->b = realloc(w->b, w->cap);
        if (!w->b)
            abort();
    }
    memcpy(w->b + w->len, p, n);
    w->len += n;
}

static inline void wb_u8(wb *w, uint8_t v) { wb_bytes(w, &v, 1); }

static inline void wb_u32(wb *w, uint32_t v)
{
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        wb_u8(w, (uint8_t)(b | (v ? 0x80 : 0)));
    } while (v);
}

static inline void wb_str(wb *w, const char *s)
{
    wb_u32(w, (uint32_t)strlen(s));
    wb_bytes(w, s, strlen(s));
}

/* Appends section ID with the contents of S (then frees S). */
static inline void wb_section(wb *w, uint8_t id, wb *s)
{
    wb_u8(w, id);
    wb_u32(w, (uint32_t)s->len);
    wb_bytes(w, s->b, s->len);
    free(s->b);
    memset(s, 0, sizeof *s);
}

static inline void wb_header(wb *w)
{
    static const uint8_t h[8] = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };
    wb_bytes(w, h, sizeof h);
}

/* A function body from raw instruction bytes (ending with 0x0B) and local
 * runs given as (count, type) pairs. */
static inline void wb_body(wb *code, const uint8_t *locals, size_t nruns,
                           const uint8_t *insns, size_t ninsns)
{
    wb b = { 0 };
    wb_u32(&b, (uint32_t)nruns);
    for (size_t i = 0; i < nruns; i++) {
        wb_u32(&b, locals[2 * i]);
        wb_u8(&b, locals[2 * i + 1]);
    }
    wb_bytes(&b, insns, ninsns);
    wb_u32(code, (uint32_t)b.len);
    wb_bytes(code, b.b, b.len);
    free(b.b);
}

static int t_pass, t_fail;

#define CHECK(cond) do { if (cond) t_pass++; else { t_fail++; \
    fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) t_pass++; else { t_fail++; \
    fprintf(stderr, "%s:%d: FAILED: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)

static inline int t_summary(void)
{
    printf("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}

#endif
