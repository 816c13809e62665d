/* test_analyzer.c - unit tests of the decoder, types, graph, closure and
 * cost layers on modules assembled byte by byte below, so every expected
 * value can be checked by reading this file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "closure.h"
#include "cost.h"
#include "reader.h"
#include "wasmbuild.h"

/* Validates a hand-assembled module with WABT's wasm-validate when the
 * test was given its path, so the fixtures are known to be real wasm. */
static const char *validator;


/* ---- LEB128 ------------------------------------------------------------ */

static int leb(const uint8_t *b, size_t n, int kind, int64_t *out, uint32_t *used)
{
    fs_error err;
    jmp_buf jb;
    fs_reader r = { b, b, b + n, &err, &jb };
    if (setjmp(jb))
        return -1;
    switch (kind) {
    case 0: *out = fs_read_u32(&r); break;
    case 1: *out = fs_read_s32(&r); break;
    case 2: *out = fs_read_s33(&r); break;
    default: *out = fs_read_s64(&r); break;
    }
    *used = (uint32_t)(r.p - b);
    return 0;
}

static void test_leb(void)
{
    static const struct { uint8_t b[11]; size_t n; int kind; int ok; int64_t v; } cases[] = {
        { { 0x00 }, 1, 0, 1, 0 },
        { { 0x7F }, 1, 0, 1, 127 },
        { { 0x80, 0x01 }, 2, 0, 1, 128 },
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, 5, 0, 1, 4294967295 },
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F }, 5, 0, 0, 0 },        /* unused bits set */
        { { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 6, 0, 0, 0 },  /* 6 bytes */
        { { 0x80, 0x80 }, 2, 0, 0, 0 },                          /* truncated */
        { { 0x80, 0x80, 0x80, 0x80, 0x00 }, 5, 0, 1, 0 },        /* padded zero is fine */
        { { 0x40 }, 1, 1, 1, -64 },
        { { 0x3F }, 1, 1, 1, 63 },
        { { 0xBF, 0x7F }, 2, 1, 1, -65 },
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }, 5, 1, 1, 2147483647 },
        { { 0x80, 0x80, 0x80, 0x80, 0x78 }, 5, 1, 1, -2147483648LL },
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, 5, 1, 0, 0 },        /* s32 overflow: sign bits differ */
        { { 0x70 }, 1, 2, 1, -16 },                              /* funcref heap type */
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, 5, 2, 1, 4294967295 }, /* s33 holds a u32 */
        { { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 }, 10, 3, 1,
          9223372036854775807LL },
        { { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F }, 10, 3, 1,
          (-9223372036854775807LL - 1) },
        { { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 }, 10, 3, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = 0;
        uint32_t used = 0;
        int ok = leb(cases[i].b, cases[i].n, cases[i].kind, &v, &used) == 0;
        CHECK_EQ(ok, cases[i].ok);
        if (ok && cases[i].ok) {
            CHECK_EQ(v, cases[i].v);
            CHECK_EQ(used, cases[i].n);
        }
    }
    CHECK_EQ(fs_leb_size(127), 1);
    CHECK_EQ(fs_leb_size(128), 2);
    CHECK_EQ(fs_leb_size(16383), 2);
    CHECK_EQ(fs_leb_size(16384), 3);
}

/* ---- types: iso-recursive canonical ids and subtyping ------------------- */

static void test_types(void)
{
    static const uint8_t types[] = {
        7,                                                   /* entries */
        0x4E, 2, 0x5F, 1, 0x63, 1, 1, 0x60, 1, 0x63, 0, 0,   /* t0 struct{ref null t1}, t1 func(ref null t0) */
        0x4E, 2, 0x5F, 1, 0x63, 3, 1, 0x60, 1, 0x63, 2, 0,   /* t2, t3: the same group again */
        0x50, 0, 0x60, 0, 0,                                 /* t4 sub (open) func */
        0x50, 1, 4, 0x60, 0, 0,                              /* t5 sub t4 func */
        0x60, 0, 0,                                          /* t6 func (final) */
        0x4F, 0, 0x60, 0, 0,                                 /* t7 sub final func == t6 */
        0x4E, 2, 0x5F, 1, 0x63, 9, 1, 0x60, 1, 0x63, 9, 0,   /* t8, t9: a different shape */
    };
    wb w = { 0 }, s = { 0 };
    wb_header(&w);
    wb_bytes(&s, types, sizeof types);
    wb_section(&w, 1, &s);
    /* Not passed to wasm-validate: WABT 1.0.32 predates the GC encoding
     * (rec groups, sub types) and rejects 0x4E as a type form. */
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_decode(&m, w.b, w.n, "types", &err);
    CHECK_EQ(st, FS_OK);
    if (st == FS_OK) {
        CHECK_EQ(m.ntypes, 10);
        CHECK_EQ(m.types[2].canon, 0);
        CHECK_EQ(m.types[3].canon, 1);
        CHECK_EQ(m.types[0].canon, 0);
        CHECK(m.types[4].canon != m.types[6].canon);   /* open vs final */
        CHECK(m.types[5].canon != m.types[4].canon);   /* has a supertype */
        CHECK_EQ(m.types[7].canon, m.types[6].canon);  /* shorthand is the same type */
        CHECK_EQ(m.types[8].canon, 8);
        CHECK_EQ(m.types[9].canon, 9);
        CHECK(fs_wasm_type_matches(&m, 5, 4));
        CHECK(!fs_wasm_type_matches(&m, 4, 5));
        CHECK(!fs_wasm_type_matches(&m, 6, 4));
        CHECK(fs_wasm_type_matches(&m, 3, 1));         /* equal across groups */
    } else {
        fprintf(stderr, "decode: %s at 0x%llx\n", err.msg, (unsigned long long)err.offset);
    }
    fs_wasm_free(&m);
    free(w.b);
}

/* ---- closure under each policy ------------------------------------------ *
 * imports: 0 env.fork ()->i32, 1 env.log (i32)->i32
 * 2 a    (t1)  call fork
 * 3 b    (t1)  call a
 * 4 ind1 (t1)  call_indirect (type t1)
 * 5 tgt  (t2)  nothing
 * 6 ind2 (t1)  call_indirect (type t2)
 * 7 lone (t1)  call log
 * 8 tail (t1)  return_call b
 * table 0 holds [TABLE0, 5].
 */
static void closure_module(wb *w, uint32_t table0)
{
    static const uint8_t types[] = { 3, 0x60, 0, 1, 0x7F, 0x60, 1, 0x7F, 1, 0x7F,
                                     0x60, 2, 0x7F, 0x7F, 0 };
    static const uint8_t a[] = { 0x10, 0, 0x1A, 0x20, 0, 0x0B };
    static const uint8_t b[] = { 0x20, 0, 0x10, 2, 0x0B };
    static const uint8_t ind1[] = { 0x20, 0, 0x41, 0, 0x11, 1, 0, 0x0B };
    static const uint8_t tgt[] = { 0x0B };
    static const uint8_t ind2[] = { 0x20, 0, 0x20, 0, 0x41, 1, 0x11, 2, 0, 0x20, 0, 0x0B };
    static const uint8_t lone[] = { 0x20, 0, 0x10, 1, 0x0B };
    static const uint8_t tail[] = { 0x20, 0, 0x12, 3, 0x0B };
    wb s = { 0 };
    wb_header(w);
    wb_bytes(&s, types, sizeof types);
    wb_section(w, 1, &s);
    wb_u32(&s, 2);
    wb_str(&s, "env"); wb_str(&s, "fork"); wb_u8(&s, 0); wb_u32(&s, 0);
    wb_str(&s, "env"); wb_str(&s, "log"); wb_u8(&s, 0); wb_u32(&s, 1);
    wb_section(w, 2, &s);
    static const uint8_t funcs[] = { 7, 1, 1, 1, 2, 1, 1, 1 };
    wb_bytes(&s, funcs, sizeof funcs);
    wb_section(w, 3, &s);
    static const uint8_t table[] = { 1, 0x70, 0x00, 2 };
    wb_bytes(&s, table, sizeof table);
    wb_section(w, 4, &s);
    wb_u32(&s, 1);                                  /* one segment, flags 0, offset 0 */
    wb_u32(&s, 0); wb_u8(&s, 0x41); wb_u8(&s, 0); wb_u8(&s, 0x0B);
    wb_u32(&s, 2); wb_u32(&s, table0); wb_u32(&s, 5);
    wb_section(w, 9, &s);
    wb_u32(&s, 7);
    wb_body(&s, NULL, 0, a, sizeof a);
    wb_body(&s, NULL, 0, b, sizeof b);
    wb_body(&s, NULL, 0, ind1, sizeof ind1);
    wb_body(&s, NULL, 0, tgt, sizeof tgt);
    wb_body(&s, NULL, 0, ind2, sizeof ind2);
    wb_body(&s, NULL, 0, lone, sizeof lone);
    wb_body(&s, NULL, 0, tail, sizeof tail);
    wb_section(w, 10, &s);
    /* name section: function names */
    static const char *const names[] = { "fork", "log", "a", "b", "ind1", "tgt", "ind2", "lone", "tail" };
    wb sub = { 0 };
    wb_u32(&sub, 9);
    for (uint32_t i = 0; i < 9; i++) {
        wb_u32(&sub, i);
        wb_str(&sub, names[i]);
    }
    wb_str(&s, "name");
    wb_u8(&s, 1);
    wb_u32(&s, (uint32_t)sub.n);
    wb_bytes(&s, sub.b, sub.n);
    free(sub.b);
    wb_section(w, 0, &s);
}

/* Closure members as a bit mask over function indices. */
static unsigned closure_mask(const uint8_t *bytes, size_t len, const char *root, fs_policy p,
                             uint32_t *callsites_of_4)
{
    fs_wasm_module m;
    fs_graph g;
    fs_closure c;
    fs_error err;
    fs_root_spec spec;
    unsigned mask = 0;
    if (fs_wasm_decode(&m, bytes, len, "closure", &err) != FS_OK) {
        fprintf(stderr, "decode: %s at 0x%llx\n", err.msg, (unsigned long long)err.offset);
        fs_wasm_free(&m);
        return 0xFFFFFFFFu;
    }
    fs_roots_parse(root, &spec, &err);
    fs_graph_build(&g, &m, &err);
    fs_closure_compute(&c, &g, &spec, 1, p, &err);
    for (uint32_t f = 0; f < m.nfuncs; f++)
        if (c.in[f])
            mask |= 1u << f;
    if (callsites_of_4)
        *callsites_of_4 = c.callsites[4];
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    return mask;
}

#define BIT(i) (1u << (i))

static void test_closure(void)
{
    wb w1 = { 0 }, w2 = { 0 };
    closure_module(&w1, 3);   /* table holds b, which reaches fork */
    closure_module(&w2, 7);   /* table holds lone, which reaches only log */
    wb_check_valid(&w1, validator, "closure");
    wb_check_valid(&w2, validator, "closure");
    unsigned base = BIT(2) | BIT(3) | BIT(8);
    uint32_t cs = 0;
    CHECK_EQ(closure_mask(w1.b, w1.n, "import:env.fork", FS_POLICY_NONE, NULL), base);
    CHECK_EQ(closure_mask(w1.b, w1.n, "import:env.fork", FS_POLICY_TYPED, &cs), base | BIT(4));
    CHECK_EQ(cs, 1);
    CHECK_EQ(closure_mask(w1.b, w1.n, "import:env.fork", FS_POLICY_TABLE, NULL),
             base | BIT(4) | BIT(6));
    CHECK_EQ(closure_mask(w1.b, w1.n, "import:env.fork", FS_POLICY_ASYNCIFY, NULL),
             base | BIT(4) | BIT(6));
    CHECK_EQ(closure_mask(w2.b, w2.n, "import:env.fork", FS_POLICY_TYPED, NULL), base);
    CHECK_EQ(closure_mask(w2.b, w2.n, "import:env.fork", FS_POLICY_TABLE, NULL), base);
    CHECK_EQ(closure_mask(w2.b, w2.n, "import:env.fork", FS_POLICY_ASYNCIFY, NULL),
             base | BIT(4) | BIT(6));
    /* Every import a root: lone joins, and through the table ind1 (typed). */
    CHECK_EQ(closure_mask(w2.b, w2.n, "import:*", FS_POLICY_TYPED, NULL),
             base | BIT(7) | BIT(4));
    CHECK_EQ(closure_mask(w2.b, w2.n, "import:*", FS_POLICY_TABLE, NULL),
             base | BIT(7) | BIT(4) | BIT(6));
    /* func: roots match name-section names; a defined root is a member. */
    CHECK_EQ(closure_mask(w1.b, w1.n, "func:b", FS_POLICY_NONE, NULL), BIT(3) | BIT(8));
    CHECK_EQ(closure_mask(w1.b, w1.n, "func:l*", FS_POLICY_NONE, NULL), BIT(7));
    CHECK_EQ(closure_mask(w1.b, w1.n, "index:5", FS_POLICY_NONE, NULL), BIT(5));
    CHECK_EQ(closure_mask(w1.b, w1.n, "import:env.nothing", FS_POLICY_ASYNCIFY, NULL),
             BIT(4) | BIT(6));
    free(w1.b);
    free(w2.b);
}

/* ---- the cost model ------------------------------------------------------ *
 * One function (v128) -> () with 200 declared i32 locals that calls fork:
 * nlocals 201, so the frame pointer local has index 201 (a 2-byte LEB).
 * Frame: call index at 0..3, the v128 at 4..19, i32 local k at 20+4(k-1).
 *   v128 param:       2*(1+2) + 2*(1+1) + 2*2 + 2 + 2*1 = 18
 *   i32 k = 1..27:    offsets < 128, index < 128:  2*3 + 2*2 + 2 + 2 + 2 = 16  (x27)
 *   i32 k = 28..127:  offsets >= 128:              2*3 + 2*2 + 2 + 2 + 4 = 18  (x100)
 *   i32 k = 128..200: index and offset 2-byte:     2*3 + 2*3 + 2 + 2 + 4 = 20  (x73)
 *   local = 18 + 432 + 1800 + 1460 = 3710; call sites 1 -> 27;
 *   fixed 110, +1 because the 8-byte body grows past 127 bytes.
 */
static void test_cost(void)
{
    wb w = { 0 }, s = { 0 };
    wb_header(&w);
    static const uint8_t types[] = { 2, 0x60, 0, 1, 0x7F, 0x60, 1, 0x7B, 0 };
    wb_bytes(&s, types, sizeof types);
    wb_section(&w, 1, &s);
    wb_u32(&s, 1);
    wb_str(&s, "env"); wb_str(&s, "fork"); wb_u8(&s, 0); wb_u32(&s, 0);
    wb_section(&w, 2, &s);
    wb_u32(&s, 1); wb_u32(&s, 1);
    wb_section(&w, 3, &s);
    static const uint8_t locals[] = { 200, 0x7F };
    static const uint8_t insns[] = { 0x10, 0, 0x1A, 0x0B };
    wb_u32(&s, 1);
    wb_body(&s, locals, 1, insns, sizeof insns);
    wb_section(&w, 10, &s);
    wb_check_valid(&w, validator, "cost");

    fs_wasm_module m;
    fs_graph g;
    fs_closure c;
    fs_error err;
    fs_root_spec spec;
    CHECK_EQ(fs_wasm_decode(&m, w.b, w.n, "cost", &err), FS_OK);
    fs_roots_parse("import:env.fork", &spec, &err);
    fs_graph_build(&g, &m, &err);
    fs_closure_compute(&c, &g, &spec, 1, FS_POLICY_TYPED, &err);
    fs_cost costs[2];
    uint32_t unpriced[2];
    fs_cost_estimate(&m, &c, &fs_cost_seed, costs, unpriced);
    CHECK_EQ(m.funcs[1].body_size, 8);
    CHECK_EQ(m.funcs[1].nlocals, 201);
    CHECK_EQ(m.funcs[1].nlocals_kind[FS_VK_V128], 1);
    CHECK_EQ(m.funcs[1].nlocals_kind[FS_VK_I32], 200);
    CHECK_EQ(costs[1].local, 3710);
    CHECK_EQ(costs[1].callsite, 27);
    CHECK_EQ(costs[1].fixed, 111);
    CHECK_EQ(costs[1].total, 3848);
    CHECK_EQ(costs[0].total, 0);                   /* the import */
    /* --model keeps the structure: C replaces the narrow i32 figure (14). */
    fs_cost_profile p;
    CHECK_EQ(fs_cost_parse_model("100,20,10", &p, &err), FS_OK);
    fs_cost_estimate(&m, &c, &p, costs, unpriced);
    CHECK_EQ(costs[1].local, 3710 - 201 * 4);
    CHECK_EQ(costs[1].callsite, 20);
    CHECK_EQ(costs[1].fixed, 101);
    CHECK(fs_cost_parse_model("1,2", &p, &err) == FS_ERR_USAGE);
    CHECK(fs_cost_parse_model("1,2,-3", &p, &err) == FS_ERR_USAGE);
    CHECK(fs_cost_parse_model("1,2,3x", &p, &err) == FS_ERR_USAGE);
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    free(w.b);
}

/* ---- roots ---------------------------------------------------------------- */

static void test_roots(void)
{
    fs_root_spec s;
    fs_error err;
    CHECK_EQ(fs_roots_parse("import:env.fork", &s, &err), FS_OK);
    CHECK_EQ(s.kind, FS_ROOT_IMPORT);
    CHECK_EQ(fs_roots_parse("index:12", &s, &err), FS_OK);
    CHECK_EQ(s.index, 12);
    CHECK_EQ(fs_roots_parse("index:-1", &s, &err), FS_ERR_USAGE);
    CHECK_EQ(fs_roots_parse("index:1x", &s, &err), FS_ERR_USAGE);
    CHECK_EQ(fs_roots_parse("fork", &s, &err), FS_ERR_USAGE);
    CHECK_EQ(fs_roots_parse("func:", &s, &err), FS_ERR_USAGE);
    CHECK(fs_glob_match("*fork", "env.__syscall_fork", 18));
    CHECK(!fs_glob_match("*fork", "env.forkx", 9));
    CHECK(fs_glob_match("env.?ork", "env.fork", 8));
    CHECK(fs_glob_match("_[Ff]ork", "_Fork", 5));
    CHECK(!fs_glob_match("fork", "fork_helper", 11));
}

int main(int argc, char **argv)
{
    validator = argc > 1 ? argv[1] : NULL;
    test_leb();
    test_types();
    test_closure();
    test_cost();
    test_roots();
    return t_summary();
}
