/* targeted.c - one corruption at a time, each at an offset known by
 * construction: the builder records where the bad byte goes while it
 * writes it, and the decoder must report exactly that offset.
 *
 * Where the reader runs out of bytes for a string or a data segment, the
 * offset is that of the first missing byte's run (the string's start),
 * the decoder's convention for "N bytes needed, M left"; counts and
 * indices are reported at their own LEB.
 */
#include "mf.h"

#include <stdio.h>
#include <string.h>

/* Appends section ID whose payload is the given bytes; returns the file
 * offset of the payload. */
static size_t sec_put(mf_buf *out, uint8_t id, const uint8_t *p, size_t n)
{
    mf_buf s = { 0 };
    mf_put(&s, p, n);
    size_t at = mf_section(out, id, &s);
    mf_buf_free(&s);
    return at;
}
#define SEC(out, id, ...) sec_put((out), (id), MF_BYTES(__VA_ARGS__), sizeof(MF_BYTES(__VA_ARGS__)))

/* The standard module around one function body under test:
 *   types      0 = [] -> [],  1 = [i32] -> [i32]
 *   functions  0 : type 0 (BODY),  1 : type 1 (local.get 0)
 *   one funcref table (min 1), one memory (min 1), a passive data
 *   segment "d" (so memory.init/data.drop have something to name), and
 *   the data count section that goes with it.
 * Returns the file offset of BODY's first byte. */
static size_t std_module(mf_buf *out, const uint8_t *body, size_t n)
{
    mf_header(out);
    SEC(out, 1, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x01, 0x7F);
    SEC(out, 3, 0x02, 0x00, 0x01);
    SEC(out, 4, 0x01, 0x70, 0x00, 0x01);
    SEC(out, 5, 0x01, 0x00, 0x01);
    SEC(out, 12, 0x01);
    mf_buf code = { 0 }, b = { 0 };
    MF_PUT(&code, 0x02);
    mf_put(&b, body, n);
    size_t at = mf_body(&code, &b);
    b.n = 0;
    MF_PUT(&b, 0x00, 0x20, 0x00, 0x0B);
    mf_body(&code, &b);
    at += mf_section(out, 10, &code);
    SEC(out, 11, 0x01, 0x01, 0x01, 'd');
    mf_buf_free(&code);
    mf_buf_free(&b);
    return at;
}

/* BODY must be rejected at body position BAD. */
static void body_bad(const char *name, size_t bad, const uint8_t *body, size_t n)
{
    mf_buf m = { 0 };
    size_t at = std_module(&m, body, n);
    mf_expect_malformed_at(name, m.b, m.n, at + bad);
    mf_buf_free(&m);
}
#define BODY_BAD(name, bad, ...) \
    body_bad((name), (bad), MF_BYTES(__VA_ARGS__), sizeof(MF_BYTES(__VA_ARGS__)))

static void body_ok(const char *name, const uint8_t *body, size_t n)
{
    mf_buf m = { 0 };
    std_module(&m, body, n);
    mf_expect_ok(name, m.b, m.n);
    mf_buf_free(&m);
}
#define BODY_OK(name, ...) body_ok((name), MF_BYTES(__VA_ARGS__), sizeof(MF_BYTES(__VA_ARGS__)))

/* Expects FS_ERR_MALFORMED with an offset in [LO, HI]: for rules whose
 * violation has no single first bad byte (two counts that disagree). */
static void expect_malformed_in(const char *name, const mf_buf *m, uint64_t lo, uint64_t hi)
{
    fs_error err;
    fs_wasm_module mod;
    int st = mf_decode(name, m->b, m->n, &err, &mod);
    mf_check(st == FS_ERR_MALFORMED && err.has_offset && err.offset >= lo && err.offset <= hi,
             name, "expected FS_ERR_MALFORMED at 0x%llx..0x%llx, got status %d at 0x%llx: %s",
             (unsigned long long)lo, (unsigned long long)hi, st,
             (unsigned long long)err.offset, st == FS_OK ? "(accepted)" : err.msg);
}

static void header_tests(void)
{
    static const uint8_t body[] = { 0x00, 0x0B };
    mf_buf m = { 0 };
    std_module(&m, body, sizeof body);
    mf_expect_ok("standard module", m.b, m.n);

    struct { const char *name; size_t at; uint8_t byte; uint64_t want; } h[] = {
        { "bad magic byte 0", 0, 0x01, 0 },
        { "bad magic byte 1", 1, 0x62, 0 },
        { "bad magic byte 3", 3, 0x00, 0 },
        { "bad version 2", 4, 0x02, 4 },
        { "bad version byte 1", 5, 0x01, 4 },
        { "bad version byte 3", 7, 0x80, 4 },
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
        uint8_t save = m.b[h[i].at];
        m.b[h[i].at] = h[i].byte;
        mf_expect_malformed_at(h[i].name, m.b, m.n, h[i].want);
        m.b[h[i].at] = save;
    }
    /* A component (layer 1, version 0x0d) is not a module. */
    memcpy(m.b + 4, MF_BYTES(0x0D, 0x00, 0x01, 0x00), 4);
    mf_expect_malformed_at("component header", m.b, m.n, 4);
    memcpy(m.b, "\x7f" "ELF\x02\x01\x01\x00", 8);
    mf_expect_malformed_at("ELF header", m.b, m.n, 0);
    mf_expect_malformed_at("empty input", m.b, 0, 0);
    mf_buf_free(&m);

    mf_header(&m);
    mf_expect_ok("header only (an empty module)", m.b, m.n);
    mf_buf_free(&m);
}

static void framing_tests(void)
{
    mf_buf m = { 0 };
    /* Type section declaring 0x7F bytes with 3 present: the size LEB is
     * at offset 9 (the id at 8). */
    mf_header(&m);
    MF_PUT(&m, 0x01, 0x7F, 0x01, 0x60, 0x00);
    mf_expect_malformed_at("section size past end of file", m.b, m.n, 9);
    m.n = 8;
    MF_PUT(&m, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00);
    mf_expect_malformed_at("section size 0xFFFFFFFF", m.b, m.n, 9);
    m.n = 8;
    MF_PUT(&m, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00);
    mf_expect_malformed_at("section size as a 6-byte LEB", m.b, m.n, 9);
    m.n = 8;
    MF_PUT(&m, 0x01, 0x81, 0x80, 0x80, 0x80, 0x10, 0x00);
    mf_expect_malformed_at("section size LEB with bits above 32", m.b, m.n, 9);
    m.n = 8;
    MF_PUT(&m, 0x01, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00);
    mf_expect_ok("section size as a padded 5-byte LEB", m.b, m.n);
    m.n = 8;
    MF_PUT(&m, 0x01, 0x02, 0x00, 0x00);          /* count 0, then a stray byte */
    mf_expect_malformed_at("section longer than its contents", m.b, m.n, 11);
    m.n = 8;
    MF_PUT(&m, 0x01, 0x03, 0x01, 0x60, 0x00, 0x00); /* the type needs 4 bytes */
    mf_expect_malformed_at("section shorter than its contents", m.b, m.n, 13);

    static const uint8_t ids[] = { 15, 16, 0x7F, 0xFF };   /* 14: stringref's literals */
    for (size_t i = 0; i < sizeof ids; i++) {
        char name[64];
        m.n = 8;
        MF_PUT(&m, ids[i], 0x01, 0x00);
        snprintf(name, sizeof name, "unknown section id %u", ids[i]);
        mf_expect_malformed_at(name, m.b, m.n, 8);
    }

    /* The id is read, and is already wrong, before its size is. */
    m.n = 8;
    MF_PUT(&m, 0x0F, 0x7F, 0x00);
    mf_expect_malformed_at("unknown section id 15 with a size past the end", m.b, m.n, 8);

    /* Order and repetition. */
    m.n = 8;
    SEC(&m, 1, 0x00);
    size_t at = m.n;
    SEC(&m, 1, 0x00);
    mf_expect_malformed_at("type section repeated", m.b, m.n, at);
    m.n = 8;
    SEC(&m, 6, 0x00);
    at = m.n;
    SEC(&m, 5, 0x00);
    mf_expect_malformed_at("memory section after global section", m.b, m.n, at);
    m.n = 8;
    SEC(&m, 6, 0x00);
    at = m.n;
    SEC(&m, 13, 0x00);
    mf_expect_malformed_at("tag section after global section", m.b, m.n, at);
    m.n = 8;
    SEC(&m, 3, 0x00);
    at = m.n;
    SEC(&m, 2, 0x00);
    mf_expect_malformed_at("import section after function section", m.b, m.n, at);
    m.n = 8;
    SEC(&m, 10, 0x00);
    at = m.n;
    SEC(&m, 12, 0x00);
    mf_expect_malformed_at("data count section after code section", m.b, m.n, at);
    m.n = 8;
    SEC(&m, 11, 0x00);
    at = m.n;
    SEC(&m, 11, 0x00);
    mf_expect_malformed_at("data section repeated", m.b, m.n, at);

    /* Custom sections may go anywhere, but need a name. */
    m.n = 8;
    SEC(&m, 0, 0x01, 'x');
    SEC(&m, 1, 0x00);
    SEC(&m, 0, 0x00);
    SEC(&m, 3, 0x00);
    SEC(&m, 0, 0x02, 'x', 'y', 0xFF);
    mf_expect_ok("custom sections between known ones", m.b, m.n);
    m.n = 8;
    at = sec_put(&m, 0, NULL, 0);
    mf_expect_malformed_at("custom section without a name", m.b, m.n, at);
    m.n = 8;
    at = SEC(&m, 0, 0x05, 'a', 'b');
    mf_expect_malformed_at("custom section name past its end", m.b, m.n, at + 1);
    mf_buf_free(&m);
}

/* 0xFFFFFFFF as a 5-byte LEB: the largest count a u32 can hold. */
#define HUGE 0xFF, 0xFF, 0xFF, 0xFF, 0x0F

/* A count of 0xFFFFFFFF items in a section of a few bytes must be
 * refused at the count, before anything is allocated for it (main()
 * caps the address space, so allocating would fail the test as
 * FS_ERR_NOMEM instead of FS_ERR_MALFORMED). */
static void count_tests(void)
{
    mf_buf m = { 0 };
    size_t at;
#define HUGE_SECTION(name, id, ...)                            \
    do {                                                       \
        m.n = 0;                                               \
        mf_header(&m);                                         \
        at = SEC(&m, (id), HUGE, __VA_ARGS__);                 \
        mf_expect_malformed_at((name), m.b, m.n, at);          \
    } while (0)
    HUGE_SECTION("type count 0xFFFFFFFF", 1, 0x60, 0x00, 0x00);
    HUGE_SECTION("import count 0xFFFFFFFF", 2, 0x00);
    HUGE_SECTION("function count 0xFFFFFFFF", 3, 0x00);
    HUGE_SECTION("table count 0xFFFFFFFF", 4, 0x70, 0x00, 0x01);
    HUGE_SECTION("memory count 0xFFFFFFFF", 5, 0x00, 0x01);
    HUGE_SECTION("global count 0xFFFFFFFF", 6, 0x7F, 0x00, 0x41, 0x00, 0x0B);
    HUGE_SECTION("export count 0xFFFFFFFF", 7, 0x00);
    HUGE_SECTION("element segment count 0xFFFFFFFF", 9, 0x01, 0x00, 0x00);
    HUGE_SECTION("code body count 0xFFFFFFFF", 10, 0x02, 0x00, 0x0B);
    HUGE_SECTION("data segment count 0xFFFFFFFF", 11, 0x01, 0x00);
    HUGE_SECTION("tag count 0xFFFFFFFF", 13, 0x00, 0x00);
#undef HUGE_SECTION

    /* Counts nested inside an entry. */
    m.n = 0;
    mf_header(&m);
    at = SEC(&m, 1, 0x01, 0x60, HUGE, 0x00);
    mf_expect_malformed_at("parameter count 0xFFFFFFFF", m.b, m.n, at + 2);
    m.n = 0;
    mf_header(&m);
    at = SEC(&m, 1, 0x01, 0x4E, HUGE, 0x60, 0x00, 0x00);
    mf_expect_malformed_at("rec group member count 0xFFFFFFFF", m.b, m.n, at + 2);
    m.n = 0;
    mf_header(&m);
    at = SEC(&m, 1, 0x01, 0x5F, HUGE, 0x7F, 0x00);
    mf_expect_malformed_at("struct field count 0xFFFFFFFF", m.b, m.n, at + 2);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    SEC(&m, 3, 0x01, 0x00);
    SEC(&m, 4, 0x01, 0x70, 0x00, 0x01);
    at = SEC(&m, 9, 0x01, 0x00, 0x41, 0x00, 0x0B, HUGE, 0x00);
    mf_expect_malformed_at("element function-index count 0xFFFFFFFF", m.b, m.n, at + 5);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    SEC(&m, 3, 0x01, 0x00);
    SEC(&m, 4, 0x01, 0x70, 0x00, 0x01);
    at = SEC(&m, 9, 0x01, 0x04, 0x41, 0x00, 0x0B, HUGE, 0xD2, 0x00, 0x0B);
    mf_expect_malformed_at("element expression count 0xFFFFFFFF", m.b, m.n, at + 5);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 5, 0x01, 0x00, 0x01);
    at = SEC(&m, 11, 0x01, 0x01, HUGE, 'x');
    mf_expect_malformed_at("data segment length 0xFFFFFFFF", m.b, m.n, at + 7);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    at = SEC(&m, 2, 0x01, HUGE, 'e', 0x01, 'f', 0x00, 0x00);
    mf_expect_malformed_at("import module-name length 0xFFFFFFFF", m.b, m.n, at + 6);
    mf_buf_free(&m);

    /* Counts inside a function body. */
    BODY_BAD("local declaration count 0xFFFFFFFF", 0, HUGE, 0x01, 0x7F, 0x0B);
    BODY_BAD("one run of 0xFFFFFFFF locals", 1, 0x01, HUGE, 0x7F, 0x0B);
    /* 30000 + 30000 locals pass the 50000 limit in the second run. */
    BODY_BAD("60000 locals in two runs", 5, 0x02, 0xB0, 0xEA, 0x01, 0x7F,
             0xB0, 0xEA, 0x01, 0x7E, 0x0B);
    /* 50000 = 0xD0 0x86 0x03: the limit itself is allowed. */
    BODY_OK("50000 locals", 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B);
    BODY_BAD("50001 locals", 1, 0x01, 0xD1, 0x86, 0x03, 0x7F, 0x0B);
    BODY_BAD("br_table target count 0xFFFFFFFF", 4, 0x00, 0x41, 0x00, 0x0E, HUGE, 0x00, 0x0B);
    BODY_BAD("select type count 0xFFFFFFFF", 8, 0x00, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00,
             0x1C, HUGE, 0x7F, 0x1A, 0x0B);
    BODY_BAD("try_table catch count 0xFFFFFFFF", 3, 0x00, 0x1F, 0x40, HUGE, 0x0B, 0x0B);
}

static void leb_tests(void)
{
    mf_buf m = { 0 };
    size_t at;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    size_t base = m.n;
#define FUNC_COUNT(name, ok, ...)                                           \
    do {                                                                    \
        m.n = base;                                                         \
        at = SEC(&m, 3, __VA_ARGS__, 0x00);                                 \
        SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);                                \
        if (ok)                                                             \
            mf_expect_ok((name), m.b, m.n);                                 \
        else                                                                \
            mf_expect_malformed_at((name), m.b, m.n, at);                   \
    } while (0)
    FUNC_COUNT("function count as a 6-byte LEB", 0, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00);
    FUNC_COUNT("function count LEB with bit 32 set", 0, 0x81, 0x80, 0x80, 0x80, 0x10);
    FUNC_COUNT("function count LEB with bit 35 set", 0, 0x81, 0x80, 0x80, 0x80, 0x80 | 0x70);
    FUNC_COUNT("function count 1 as a padded 5-byte LEB", 1, 0x81, 0x80, 0x80, 0x80, 0x00);
#undef FUNC_COUNT
    mf_buf_free(&m);

    /* Immediates: the LEB starts right after the opcode. */
    BODY_BAD("local.get index LEB with bit 32 set", 2, 0x00, 0x20, 0x80, 0x80, 0x80, 0x80,
             0x10, 0x1A, 0x0B);
    BODY_BAD("local.get index as a 6-byte LEB", 2, 0x00, 0x20, 0x80, 0x80, 0x80, 0x80, 0x80,
             0x00, 0x1A, 0x0B);
    BODY_BAD("i32.const 0xFFFFFFFF (unsigned) as s32", 2, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xFF,
             0x0F, 0x1A, 0x0B);
    BODY_BAD("i32.const with unused bits not sign-extended", 2, 0x00, 0x41, 0x80, 0x80, 0x80,
             0x80, 0x70, 0x1A, 0x0B);
    BODY_BAD("i32.const as a 6-byte LEB", 2, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
             0x1A, 0x0B);
    BODY_OK("i32.const 0x7FFFFFFF and -2^31 in 5 bytes", 0x00,
            0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x1A,
            0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x1A, 0x0B);
    BODY_BAD("i64.const as an 11-byte LEB", 2, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
             0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B);
    BODY_BAD("i64.const 2^64-1 (unsigned) as s64", 2, 0x00, 0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
             0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x1A, 0x0B);
    BODY_OK("i64.const max and min in 10 bytes", 0x00,
            0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x1A,
            0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F, 0x1A, 0x0B);
    BODY_BAD("memarg offset as an 11-byte LEB", 5, 0x00, 0x41, 0x00, 0x28, 0x02, 0x80, 0x80,
             0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B);
    BODY_OK("memarg offset 2^64-1 in 10 bytes", 0x00, 0x41, 0x00, 0x28, 0x02, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x1A, 0x0B);
    BODY_BAD("memarg alignment 2^7", 4, 0x00, 0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A, 0x0B);
    BODY_BAD("block type s33 with unused bits set", 2, 0x00, 0x02, 0x80, 0x80, 0x80, 0x80,
             0x40, 0x0B, 0x0B);
}

static void opcode_tests(void)
{
    /* Single-byte opcodes that opcodes.def leaves unassigned. */
    static const uint8_t single[] = { 0xFF, 0x16, 0x17, 0x1D, 0x1E, 0x27, 0xC5, 0xCF, 0xD7 };
    for (size_t i = 0; i < sizeof single; i++) {
        char name[64];
        snprintf(name, sizeof name, "unknown opcode 0x%02X", single[i]);
        uint8_t body[] = { 0x00, 0x01, single[i], 0x0B };
        body_bad(name, 2, body, sizeof body);
    }
    /* Prefixed: the error points at the prefix byte. */
    BODY_BAD("unassigned 0xFD 0x9A (i16x8 gap)", 1, 0x00, 0xFD, 0x9A, 0x01, 0x0B);
    BODY_BAD("unassigned 0xFD 0xA2 (i32x4 gap)", 1, 0x00, 0xFD, 0xA2, 0x01, 0x0B);
    BODY_BAD("unassigned 0xFD 0xE2 (f32x4 gap)", 1, 0x00, 0xFD, 0xE2, 0x01, 0x0B);
    BODY_BAD("0xFD 0x114, past relaxed SIMD", 1, 0x00, 0xFD, 0x94, 0x02, 0x0B);
    BODY_BAD("0xFD 0xFFFFFFFF", 1, 0x00, 0xFD, HUGE, 0x0B);
    BODY_BAD("0xFC 18, past table.fill", 1, 0x00, 0xFC, 0x12, 0x0B);
    BODY_BAD("0xFB 0x7F, between GC and strings", 1, 0x00, 0xFB, 0xFF, 0x00, 0x0B);
    BODY_BAD("0xFE 0x08 (threads gap)", 1, 0x00, 0xFE, 0x08, 0x0B);
    BODY_BAD("0xFE 0x4F, past cmpxchg", 1, 0x00, 0xFE, 0x4F, 0x0B);
    /* ...but an overlong code after the prefix is a bad LEB, at the LEB. */
    BODY_BAD("0xFD code as a 6-byte LEB", 2, 0x00, 0xFD, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
             0x0B);
    BODY_OK("0xFD 0x0C (v128.const) with a padded code LEB", 0x00, 0xFD, 0x8C, 0x80, 0x00,
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x1A, 0x0B);
}

static void body_tests(void)
{
    BODY_BAD("body without its final end", 3, 0x00, 0x41, 0x2A);
    BODY_BAD("body ending inside a block", 4, 0x00, 0x02, 0x40, 0x0B);
    body_bad("empty body (no local count)", 0, NULL, 0);
    BODY_BAD("trailing byte after the final end", 2, 0x00, 0x0B, 0x01);
    BODY_BAD("second end after the final end", 2, 0x00, 0x0B, 0x0B);
    BODY_BAD("delegate outside a try", 1, 0x00, 0x18, 0x00, 0x0B);
    BODY_BAD("call of function 5 (2 exist)", 2, 0x00, 0x10, 0x05, 0x0B);
    BODY_BAD("call of function 0xFFFFFFFF", 2, 0x00, 0x10, HUGE, 0x0B);
    BODY_BAD("return_call of function 2", 2, 0x00, 0x12, 0x02, 0x0B);
    BODY_BAD("ref.func of function 2", 2, 0x00, 0xD2, 0x02, 0x1A, 0x0B);
    BODY_BAD("call_indirect of type 7 (2 exist)", 4, 0x00, 0x41, 0x00, 0x11, 0x07, 0x00, 0x0B);
    BODY_BAD("call_indirect through table 3 (1 exists)", 5, 0x00, 0x41, 0x00, 0x11, 0x00,
             0x03, 0x0B);
    BODY_BAD("return_call_indirect of type 2", 4, 0x00, 0x41, 0x00, 0x13, 0x02, 0x00, 0x0B);
    BODY_BAD("call_ref of type 9", 2, 0x00, 0x14, 0x09, 0x0B);
    BODY_BAD("block type index 5 (2 types)", 2, 0x00, 0x02, 0x05, 0x0B, 0x0B);
    BODY_BAD("block type: invalid value type 0x55", 2, 0x00, 0x02, 0x55, 0x0B, 0x0B);
    BODY_BAD("ref.null of type 5 (2 types)", 2, 0x00, 0xD0, 0x05, 0x1A, 0x0B);
    BODY_BAD("ref.null of heap type -192", 2, 0x00, 0xD0, 0xC0, 0x7E, 0x1A, 0x0B);
    BODY_BAD("local of value type 0x55", 2, 0x01, 0x01, 0x55, 0x0B);
    BODY_BAD("local of (ref 7), out of range", 3, 0x01, 0x01, 0x64, 0x07, 0x0B);
    BODY_BAD("typed select of value type 0x00", 9, 0x00, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00,
             0x1C, 0x01, 0x00, 0x1A, 0x0B);
    BODY_BAD("atomic.fence with memory order 3", 3, 0x00, 0xFE, 0x03, 0x03, 0x0B);
    /* custom descriptors and shared-everything heap types (Binaryen 132) */
    BODY_BAD("ref.null (exact 5), 2 types", 3, 0x00, 0xD0, 0x62, 0x05, 0x1A, 0x0B);
    BODY_BAD("ref.null (exact any)", 3, 0x00, 0xD0, 0x62, 0x6E, 0x1A, 0x0B);
    BODY_BAD("ref.null (shared (shared any))", 3, 0x00, 0xD0, 0x65, 0x65, 0x6E, 0x1A, 0x0B);
    BODY_BAD("ref.null exact, then the body ends", 3, 0x00, 0xD0, 0x62);
    BODY_BAD("ref.get_desc of type 9", 3, 0x00, 0xFB, 0x22, 0x09, 0x1A, 0x0B);
    BODY_BAD("struct.new_desc of type 9", 3, 0x00, 0xFB, 0x20, 0x09, 0x1A, 0x0B);
    BODY_BAD("ref.cast_desc_eq to heap type -192", 3, 0x00, 0xFB, 0x23, 0xC0, 0x7E, 0x0B);
    BODY_BAD("br_on_cast_desc_eq to (exact 7)", 7, 0x00, 0xFB, 0x25, 0x00, 0x00, 0x6E, 0x62,
             0x07, 0x0B);
    BODY_BAD("struct.wait of type 9", 3, 0x00, 0xFE, 0x05, 0x09, 0x00, 0x0B);
    BODY_BAD("local of (ref (shared 0))", 3, 0x01, 0x01, 0x64, 0x65, 0x00, 0x0B);
    BODY_BAD("try_table catch kind 4", 4, 0x00, 0x1F, 0x40, 0x01, 0x04, 0x00, 0x0B, 0x0B);
    BODY_OK("every standard-module body feature", 0x00,
            0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00,   /* memory.init 0 0 */
            0xFC, 0x09, 0x00,                                           /* data.drop 0 */
            0x41, 0x00, 0x11, 0x00, 0x00,                               /* call_indirect 0 0 */
            0x06, 0x40, 0x10, 0x00, 0x18, 0x00,                         /* try call 0 delegate 0 */
            0x0B);

    /* Nesting is counted, not recursed into: 200000 nested blocks must
     * decode quickly (mf_decode times every decode). */
    {
        enum { DEPTH = 200000 };
        mf_buf deep = { 0 };
        MF_PUT(&deep, 0x00);
        for (int i = 0; i < DEPTH; i++)
            MF_PUT(&deep, 0x02, 0x40);
        for (int i = 0; i <= DEPTH; i++)
            MF_PUT(&deep, 0x0B);
        body_ok("200000 nested blocks", deep.b, deep.n);
        deep.n--;                             /* drop the function's own end */
        body_bad("200000 nested blocks without the final end", deep.n, deep.b, deep.n);
        mf_buf_free(&deep);
    }

    /* Body size and body count against the section. */
    mf_buf m = { 0 };
    size_t at;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    SEC(&m, 3, 0x01, 0x00);
    size_t base = m.n;
    at = SEC(&m, 10, 0x01, 0x7F, 0x00, 0x0B);
    mf_expect_malformed_at("body size past the code section", m.b, m.n, at + 1);
    m.n = base;
    at = SEC(&m, 10, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B);
    mf_expect_malformed_at("2 bodies for 1 declared function", m.b, m.n, at);
    m.n = base;
    mf_expect_malformed_at("1 declared function and no code section", m.b, m.n, m.n);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    SEC(&m, 3, 0x02, 0x00, 0x00);
    at = SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);
    mf_expect_malformed_at("1 body for 2 declared functions", m.b, m.n, at);
    m.n = 0;
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    at = SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);
    mf_expect_malformed_at("a body without a function section", m.b, m.n, at);
    mf_buf_free(&m);
}

static void section_content_tests(void)
{
    mf_buf m = { 0 };
    size_t at;
    /* Types. */
    mf_header(&m);
    at = SEC(&m, 1, 0x01, 0x60, 0x01, 0x55, 0x00);
    mf_expect_malformed_at("parameter of value type 0x55", m.b, m.n, at + 3);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x55, 0x00, 0x00);
    mf_expect_malformed_at("type form 0x55", m.b, m.n, at + 1);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x50, 0x01, 0x00, 0x60, 0x00, 0x00);
    mf_expect_malformed_at("type 0 as its own supertype", m.b, m.n, at + 3);
    m.n = 8;
    at = SEC(&m, 1, 0x02, 0x60, 0x00, 0x00, 0x50, 0x02, 0x00, 0x00, 0x60, 0x00, 0x00);
    mf_expect_malformed_at("two supertypes", m.b, m.n, at + 5);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x60, 0x01, 0x63, 0x03, 0x00);
    mf_expect_malformed_at("parameter (ref null 3) with 1 type", m.b, m.n, at + 4);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x60, 0x01, 0x63, 0xC0, 0x7E, 0x00);
    mf_expect_malformed_at("parameter (ref null) of heap type -192", m.b, m.n, at + 4);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x5F, 0x01, 0x7F, 0x02);
    mf_expect_malformed_at("struct field mutability 2", m.b, m.n, at + 4);
    m.n = 8;
    at = SEC(&m, 1, 0x01, 0x5E, 0x7F, 0x02);
    mf_expect_malformed_at("array element mutability 2", m.b, m.n, at + 3);

    /* Imports: func type 0 exists. */
    m.n = 8;
    SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
    size_t base = m.n;
    at = SEC(&m, 2, 0x01, 0x01, 'e', 0x01, 'f', 0x05, 0x00);
    mf_expect_malformed_at("import kind 5", m.b, m.n, at + 5);
    m.n = base;
    at = SEC(&m, 2, 0x01, 0x01, 'e', 0x01, 'f', 0x00, 0x01);
    mf_expect_malformed_at("imported function of type 1 (1 type)", m.b, m.n, at + 6);
    m.n = base;
    at = SEC(&m, 2, 0x01, 0x01, 'e', 0x01, 'f', 0x04, 0x01, 0x00);
    mf_expect_malformed_at("imported tag with attribute 1", m.b, m.n, at + 6);
    m.n = base;
    at = SEC(&m, 2, 0x01, 0x01, 'e', 0x01, 'f', 0x02, 0x10, 0x01);
    mf_expect_malformed_at("imported memory with limits flags 0x10", m.b, m.n, at + 6);
    m.n = base;
    at = SEC(&m, 2, 0x01, 0x01, 'e', 0x01, 'f', 0x03, 0x7F, 0x02);
    mf_expect_malformed_at("imported global with mutability 2", m.b, m.n, at + 7);

    /* Tables, memories, globals. */
    m.n = base;
    at = SEC(&m, 4, 0x01, 0x7F, 0x00, 0x01);
    mf_expect_malformed_at("table of i32", m.b, m.n, at + 1);
    m.n = base;
    at = SEC(&m, 4, 0x01, 0x70, 0x02, 0x01);
    mf_expect_malformed_at("table with limits flags 0x02", m.b, m.n, at + 2);
    m.n = base;
    at = SEC(&m, 5, 0x01, 0x10, 0x01);
    mf_expect_malformed_at("memory with limits flags 0x10", m.b, m.n, at + 1);
    m.n = base;
    at = SEC(&m, 6, 0x01, 0x55, 0x00, 0x41, 0x00, 0x0B);
    mf_expect_malformed_at("global of value type 0x55", m.b, m.n, at + 1);
    m.n = base;
    at = SEC(&m, 6, 0x01, 0x7F, 0x00, 0x41, 0x00);
    mf_expect_malformed_at("global initializer without end", m.b, m.n, at + 5);

    /* Exports, start, elements, data: one function (index 0) exists. */
    m.n = base;
    SEC(&m, 3, 0x01, 0x00);
    SEC(&m, 4, 0x01, 0x70, 0x00, 0x01);
    SEC(&m, 5, 0x01, 0x00, 0x01);
    base = m.n;
#define WITH_CODE() SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B)
    at = SEC(&m, 6, 0x01, 0x7F, 0x00, 0x10, 0x00, 0x0B);
    WITH_CODE();
    mf_expect_malformed_at("call in a global initializer", m.b, m.n, at + 3);
    m.n = base;
    at = SEC(&m, 7, 0x01, 0x01, 'x', 0x05, 0x00);
    WITH_CODE();
    mf_expect_malformed_at("export kind 5", m.b, m.n, at + 3);
    m.n = base;
    at = SEC(&m, 7, 0x01, 0x01, 'x', 0x00, 0x01);
    WITH_CODE();
    mf_expect_malformed_at("export of function 1", m.b, m.n, at + 4);
    m.n = base;
    at = SEC(&m, 8, 0x01);
    WITH_CODE();
    mf_expect_malformed_at("start function 1", m.b, m.n, at);
    m.n = base;
    at = SEC(&m, 9, 0x01, 0x08, 0x41, 0x00, 0x0B, 0x01, 0x00);
    WITH_CODE();
    mf_expect_malformed_at("element segment flags 8", m.b, m.n, at + 1);
    m.n = base;
    at = SEC(&m, 9, 0x01, 0x01, 0x01, 0x01, 0x00);
    WITH_CODE();
    mf_expect_malformed_at("element kind 1 (only 0, funcref, exists)", m.b, m.n, at + 2);
    m.n = base;
    at = SEC(&m, 9, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x01);
    WITH_CODE();
    mf_expect_malformed_at("element naming function 1", m.b, m.n, at + 6);
    m.n = base;
    at = SEC(&m, 9, 0x01, 0x05, 0x70, 0x01, 0xD2, 0x01, 0x0B);
    WITH_CODE();
    mf_expect_malformed_at("element expression ref.func 1", m.b, m.n, at + 5);
    m.n = base;
    WITH_CODE();
    at = SEC(&m, 11, 0x01, 0x03, 0x00, 0x41, 0x00, 0x0B, 0x00);
    mf_expect_malformed_at("data segment flags 3", m.b, m.n, at + 1);
    m.n = base;
    WITH_CODE();
    at = SEC(&m, 11, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x03, 'a');
    mf_expect_malformed_at("data segment shorter than its length", m.b, m.n, at + 6);
#undef WITH_CODE

    /* The data count must equal the number of data segments (a binary
     * format rule, like the function/code count): there is no single
     * bad byte, so anywhere from the data count on is accepted. */
    m.n = base;
    size_t dc = SEC(&m, 12, 0x02);
    SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);
    SEC(&m, 11, 0x01, 0x01, 0x00);
    expect_malformed_in("data count 2 with 1 data segment", &m, dc, m.n);
    m.n = base;
    dc = SEC(&m, 12, 0x01);
    SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);
    expect_malformed_in("data count 1 and no data section", &m, dc, m.n);
    /* data.drop needs the data count section. */
    m.n = base;
    at = SEC(&m, 10, 0x01, 0x05, 0x00, 0xFC, 0x09, 0x00, 0x0B);
    SEC(&m, 11, 0x01, 0x01, 0x00);
    expect_malformed_in("data.drop without a data count section", &m, at, m.n);
    mf_buf_free(&m);
}

/* A bad "name" section never makes a module invalid.  A structurally
 * broken one is ignored with a warning and no names survive from it; an
 * entry for a function that does not exist (#1) is skipped with a
 * warning, as Binaryen does, and the rest of the section is kept. */
static void name_tests(void)
{
    static const uint8_t bad_names[][16] = {
        /* function names: index 9 does not exist */
        { 0x04, 'n', 'a', 'm', 'e', 0x01, 0x04, 0x01, 0x09, 0x01, 'f' },
        /* function name count 0xFFFFFFFF */
        { 0x04, 'n', 'a', 'm', 'e', 0x01, 0x08, HUGE, 0x00, 0x01, 'f' },
        /* subsection size past the section */
        { 0x04, 'n', 'a', 'm', 'e', 0x01, 0x7F, 0x01, 0x00, 0x01, 'f' },
        /* function names, then module name: out of order */
        { 0x04, 'n', 'a', 'm', 'e', 0x01, 0x04, 0x01, 0x00, 0x01, 'f', 0x00, 0x02, 0x01, 'm' },
    };
    static const size_t lens[] = { 11, 15, 11, 15 };
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "bad name section #%zu", i + 1);
        mf_buf m = { 0 };
        mf_header(&m);
        SEC(&m, 1, 0x01, 0x60, 0x00, 0x00);
        SEC(&m, 3, 0x01, 0x00);
        SEC(&m, 10, 0x01, 0x02, 0x00, 0x0B);
        mf_buf s = { 0 };
        mf_put(&s, bad_names[i], lens[i]);
        mf_section(&m, 0, &s);
        fs_error err;
        fs_wasm_module mod;
        uint8_t *copy = m.b;
        int st = fs_wasm_decode(&mod, copy, m.n, name, &err);
        int want_names = i == 0;
        mf_check(st == FS_OK && mod.has_names == want_names && mod.name_warning[0] &&
                 mod.funcs[0].name == NULL, name,
                 "expected FS_OK, has_names %d, a warning and no name, got status %d "
                 "has_names %d warning '%s'", want_names,
                 st, st == FS_OK ? mod.has_names : -1, st == FS_OK ? mod.name_warning : "");
        fs_wasm_free(&mod);
        mf_buf_free(&s);
        mf_buf_free(&m);
    }
}

/* An empty rec group is valid (rectype ::= 0x4E vec(subtype)); two of
 * them are iso-recursively equal. */
static void rec_group_tests(void)
{
    mf_buf m = { 0 };
    mf_header(&m);
    SEC(&m, 1, 0x01, 0x4E, 0x00);
    mf_expect_ok("empty rec group", m.b, m.n);
    m.n = 8;
    SEC(&m, 1, 0x02, 0x4E, 0x00, 0x4E, 0x00);
    mf_expect_ok("two empty rec groups", m.b, m.n);
    m.n = 8;
    SEC(&m, 1, 0x03, 0x4E, 0x00, 0x60, 0x00, 0x00, 0x4E, 0x00);
    mf_expect_ok("two empty rec groups around a type", m.b, m.n);
    mf_buf_free(&m);
}

const mf_group mf_targeted_groups[] = {
    { "header", header_tests },
    { "section framing and order", framing_tests },
    { "huge counts", count_tests },
    { "LEB128 limits", leb_tests },
    { "unknown opcodes", opcode_tests },
    { "function bodies", body_tests },
    { "section contents", section_content_tests },
    { "empty rec groups", rec_group_tests },
    { "name section", name_tests },
};
const unsigned mf_ntargeted_groups = sizeof mf_targeted_groups / sizeof mf_targeted_groups[0];
