/* test_srcmap.c - report/srcmap.c's reader on its own.
 *
 *   - the VLQ decoder against values worked out by hand (Binaryen 132's
 *     map of a three-function module, decoded digit by digit below);
 *   - the function-source rule on a module made in memory;
 *   - a fixed-seed mutation loop over a valid map: every mutant is either
 *     accepted, with every index in range and columns within 0..2^31-1, or
 *     refused with a message; never a crash, a hang or an allocation out
 *     of proportion (ASan builds run it too). */
#include "srcmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            passed++;                                                       \
        } else {                                                            \
            failed++;                                                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
    } while (0)

/* Binaryen 132, wasm-opt -osm, on a module whose first instruction is at
 * file offset 0x43.  By hand: "mEAEO" is m=38 (continuation, low bits 6),
 * E=4: 6 + 4*32 = 134, even, so +67 = 0x43; A=0 source 0; E=4 -> +2 line;
 * O=14 -> +7 column.  "EAAE": column +2, line +0, column +2.  "EAAJ":
 * +2, J=9 odd -> -4.  "C" (2): a one-field segment, +1.  "KCOG": K=10
 * -> +5, C=2 -> +1 source, O=14 -> +7 line, G=6 -> +3 column. */
static const char bn_map[] =
    "{\"version\":3,\"sources\":[\"leaf.c\",\"work.c\"],\"names\":[],"
    "\"mappings\":\"mEAEO,EAAE,EAAJ,C,KCOG\"}";

static void test_decode(void)
{
    fs_srcmap sm;
    fs_error err;
    int st = fs_srcmap_parse(&sm, bn_map, strlen(bn_map), &err);
    CHECK(st == FS_OK, "parse: %s", err.msg);
    if (st)
        return;
    static const fs_srcmap_seg want[] = {
        { 0x43, 4, 0, 2, 7, 0 }, { 0x45, 4, 0, 2, 9, 0 }, { 0x47, 4, 0, 2, 5, 0 },
        { 0x48, 1, 0, 0, 0, 0 }, { 0x4d, 4, 1, 9, 8, 0 },
    };
    CHECK(sm.nseg == 5, "segments %zu", sm.nseg);
    for (size_t i = 0; i < sm.nseg && i < 5; i++) {
        const fs_srcmap_seg *s = &sm.seg[i], *w = &want[i];
        CHECK(s->col == w->col && s->nf == w->nf &&
                  (s->nf == 1 || (s->src == w->src && s->line == w->line && s->scol == w->scol)),
              "segment %zu: col %u nf %u src %u line %u col %u", i, s->col, s->nf, s->src,
              s->line, s->scol);
    }
    CHECK(sm.nsources == 2 && !strcmp(fs_srcmap_source(&sm, 1), "work.c"), "sources");
    fs_srcmap_free(&sm);
}

/* Three defined functions after one import: bodies [0x43, 0x49), [0x4b,
 * 0x58), [0x5a, 0x60).  The first gets leaf.c (its lowest sourced
 * segment), the second work.c, the third nothing (no segment in it). */
static void test_sources(void)
{
    fs_func funcs[4];
    memset(funcs, 0, sizeof funcs);
    funcs[1].body_off = 0x43, funcs[1].body_size = 6;
    funcs[2].body_off = 0x4b, funcs[2].body_size = 13;
    funcs[3].body_off = 0x5a, funcs[3].body_size = 6;
    fs_wasm_module m;
    memset(&m, 0, sizeof m);
    m.funcs = funcs;
    m.nfuncs = 4;
    m.nfunc_imports = 1;
    fs_srcmap sm;
    fs_error err;
    if (fs_srcmap_parse(&sm, bn_map, strlen(bn_map), &err)) {
        CHECK(0, "parse: %s", err.msg);
        return;
    }
    uint32_t src[4];
    CHECK(fs_srcmap_func_sources(&sm, &m, src) == FS_OK, "func_sources");
    CHECK(src[1] == 0 && src[2] == 1 && src[3] == UINT32_MAX, "sources %u %u %u", src[1], src[2],
          src[3]);
    fs_dwarf_info d;
    CHECK(fs_srcmap_dwarf(&sm, &m, &d) == FS_OK, "dwarf");
    CHECK(d.nfuncs == 3 && d.funcs[0].cu == 0 && d.funcs[1].cu == 1 && d.funcs[2].cu == UINT32_MAX &&
              !strcmp(d.cus[1].file, "work.c") && !d.present,
          "units");
    fs_dwarf_info_free(&d);
    fs_srcmap_free(&sm);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void test_mutants(void)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                   "+/,;\"{}[]:0123456789-.e \\x!";
    size_t n = strlen(bn_map);
    char *buf = malloc(n + 64);
    unsigned accepted = 0, refused = 0;
    for (int k = 0; k < 50000 && buf; k++) {
        memcpy(buf, bn_map, n);
        size_t len = n;
        for (unsigned e = 1 + next() % 3; e--;) {
            size_t at = next() % len;
            switch (next() % 4) {
            case 0: buf[at] = alphabet[next() % (sizeof alphabet - 1)]; break;
            case 1: len = at + 1; break;
            case 2:
                if (len < n + 60) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = alphabet[next() % (sizeof alphabet - 1)];
                    len++;
                }
                break;
            default:
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
                break;
            }
            if (!len)
                len = 1;
        }
        fs_srcmap sm;
        fs_error err;
        int st = fs_srcmap_parse(&sm, buf, len, &err);
        if (st == FS_OK) {
            accepted++;
            int bad = 0;
            for (size_t i = 0; i < sm.nseg; i++) {
                const fs_srcmap_seg *s = &sm.seg[i];
                bad |= s->col > INT32_MAX || (s->nf != 1 && s->nf != 4 && s->nf != 5) ||
                       (s->nf >= 4 && s->src >= sm.nsources) || (s->nf == 5 && s->name >= sm.nnames);
            }
            if (bad)
                CHECK(0, "mutant %d accepted with a bad segment: %.*s", k, (int)len, buf);
            fs_srcmap_free(&sm);
        } else {
            refused++;
            if (!(st == FS_ERR_MALFORMED || st == FS_ERR_UNSUPPORTED) || !err.msg[0])
                CHECK(0, "mutant %d: status %d, message '%s'", k, st, err.msg);
        }
    }
    free(buf);
    /* the loop must explore both sides, or it tests nothing */
    CHECK(accepted > 100 && refused > 100, "accepted %u, refused %u", accepted, refused);
    printf("mutants: %u accepted, %u refused\n", accepted, refused);
}

int main(void)
{
    test_decode();
    test_sources();
    test_mutants();
    printf("test_srcmap: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
