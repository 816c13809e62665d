/* test_walk.c - the walker (analyzer/walk.h) and the opcode table's
 * encode side (fi_put_op), on a module assembled byte by byte below and
 * on the bundled corpus/forksh.wasm.
 *
 * Every expected immediate is written next to the bytes that encode it,
 * and on forksh the walker's counts are checked against the decoder's
 * own per-opcode counts and call sites, which body.c's fast path
 * produces for most instructions without the walker. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fi_int.h"
#include "walk.h"
#include "wasmbuild.h"

static const char *validator;


/* One instruction of the fixture: its bytes and what the walker must say. */
typedef struct want {
    uint8_t  bytes[16];
    uint32_t n;
    fs_op_id op;
    uint32_t idx, idx2;
    int64_t  value;
} want;

static const want body0[] = {
    { { 0x41, 0xC0, 0xFB, 0x42 }, 4, FS_OP_I32_CONST, 0, 0, -1000000 },
    { { 0x1A }, 1, FS_OP_DROP, 0, 0, 0 },
    { { 0x02, 0x7F }, 2, FS_OP_BLOCK, 0, 0, 0 },            /* block (result i32) */
    { { 0x20, 0x00 }, 2, FS_OP_LOCAL_GET, 0, 0, 0 },
    { { 0x20, 0x00 }, 2, FS_OP_LOCAL_GET, 0, 0, 0 },
    { { 0x0E, 0x02, 0x00, 0x00, 0x00 }, 5, FS_OP_BR_TABLE, 2, 0, 0 },
    { { 0x0B }, 1, FS_OP_END, 0, 0, 0 },
    { { 0x28, 0x02, 0xAC, 0x02 }, 4, FS_OP_I32_LOAD, 0, 0, 0 },   /* align 2, offset 300 */
    { { 0x1A }, 1, FS_OP_DROP, 0, 0, 0 },
    { { 0x10, 0x01 }, 2, FS_OP_CALL, 1, 0, 0 },
    { { 0x41, 0x00 }, 2, FS_OP_I32_CONST, 0, 0, 0 },
    { { 0x11, 0x01, 0x00 }, 3, FS_OP_CALL_INDIRECT, 1, 0, 0 },
    { { 0x44, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F }, 9, FS_OP_F64_CONST, 0, 0, 0 },   /* 1.5 */
    { { 0x1A }, 1, FS_OP_DROP, 0, 0, 0 },
    { { 0x42, 0x89, 0xCF, 0x95, 0x9A, 0x12 }, 6, FS_OP_I64_CONST, 0, 0, 0x123456789 },
    { { 0x42, 0x00 }, 2, FS_OP_I64_CONST, 0, 0, 0 },
    { { 0x41, 0x01 }, 2, FS_OP_I32_CONST, 0, 0, 1 },
    { { 0x1C, 0x01, 0x7E }, 3, FS_OP_SELECT_T, 1, 0, 0 },   /* select (result i64) */
    { { 0x21, 0x01 }, 2, FS_OP_LOCAL_SET, 1, 0, 0 },
    { { 0x41, 0x00 }, 2, FS_OP_I32_CONST, 0, 0, 0 },
    { { 0x41, 0x00 }, 2, FS_OP_I32_CONST, 0, 0, 0 },
    { { 0x41, 0x00 }, 2, FS_OP_I32_CONST, 0, 0, 0 },
    { { 0xFC, 0x0B, 0x00 }, 3, FS_OP_MEMORY_FILL, 0, 0, 0 },
    { { 0x20, 0x00 }, 2, FS_OP_LOCAL_GET, 0, 0, 0 },
    { { 0x0B }, 1, FS_OP_END, 0, 0, 0 },
};
#define NBODY0 (sizeof body0 / sizeof body0[0])

static void build(wb *w)
{
    wb s = { 0 };
    wb_header(w);
    static const uint8_t types[] = { 0x02, 0x60, 0x01, 0x7F, 0x01, 0x7F, 0x60, 0x00, 0x00 };
    wb_bytes(&s, types, sizeof types);
    wb_section(w, 1, &s);
    static const uint8_t funcs[] = { 0x02, 0x00, 0x01 };
    wb_bytes(&s, funcs, sizeof funcs);
    wb_section(w, 3, &s);
    static const uint8_t table[] = { 0x01, 0x70, 0x00, 0x01 };
    wb_bytes(&s, table, sizeof table);
    wb_section(w, 4, &s);
    static const uint8_t mem[] = { 0x01, 0x00, 0x01 };
    wb_bytes(&s, mem, sizeof mem);
    wb_section(w, 5, &s);
    wb insns = { 0 };
    for (size_t i = 0; i < NBODY0; i++)
        wb_bytes(&insns, body0[i].bytes, body0[i].n);
    static const uint8_t locals[] = { 1, 0x7E };
    wb_u32(&s, 2);
    wb_body(&s, locals, 1, insns.b, insns.n);
    static const uint8_t end_only[] = { 0x0B };
    wb_body(&s, NULL, 0, end_only, 1);
    wb_section(w, 10, &s);
    free(insns.b);
}

typedef struct seen {
    fs_instr in[64];
    uint32_t n;
    uint32_t stop_after;     /* 0: never stop early */
} seen;

static int record(void *ctx, const fs_instr *in)
{
    seen *s = ctx;
    if (s->n < 64)
        s->in[s->n] = *in;
    s->n++;
    return s->stop_after && s->n == s->stop_after;
}

static void test_fixture(void)
{
    wb w = { 0 };
    build(&w);
    wb_check_valid(&w, validator, "walk");
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_decode(&m, w.b, w.n, "walk-fixture", &err);
    CHECK_EQ(st, FS_OK);
    if (st) {
        fprintf(stderr, "%s\n", err.msg);
        free(w.b);
        return;
    }
    seen s = { .n = 0 };
    CHECK_EQ(fs_walk_body(&m, 0, record, &s, &err), FS_OK);
    CHECK_EQ(s.n, NBODY0);
    uint32_t off = m.funcs[0].code_off;
    for (uint32_t i = 0; i < NBODY0 && i < s.n; i++) {
        const fs_instr *in = &s.in[i];
        const want *x = &body0[i];
        CHECK_EQ(in->op, x->op);
        CHECK_EQ(in->offset, off);
        CHECK_EQ(in->len, x->n);
        off += x->n;
        switch (x->op) {
        case FS_OP_I32_CONST: case FS_OP_I64_CONST:
            CHECK_EQ(in->value, x->value);
            break;
        case FS_OP_LOCAL_GET: case FS_OP_LOCAL_SET: case FS_OP_CALL:
            CHECK_EQ(in->idx, x->idx);
            break;
        case FS_OP_CALL_INDIRECT:
            CHECK_EQ(in->idx, 1);           /* type */
            CHECK_EQ(in->idx2, 0);          /* table */
            break;
        case FS_OP_BR_TABLE: {
            CHECK_EQ(in->idx, 2);
            const uint8_t *q = in->vec;
            for (int k = 0; k < 3; k++)
                CHECK_EQ(fs_leb_u32(&q), 0);
            CHECK(q == m.bytes + in->offset + in->len);
            break;
        }
        case FS_OP_BLOCK:
            CHECK_EQ(in->bt, FS_BT_VALUE);
            CHECK_EQ(in->type.code, FS_VT_I32);
            break;
        case FS_OP_I32_LOAD:
            CHECK_EQ(in->align, 2);
            CHECK_EQ(in->mem_offset, 300);
            CHECK_EQ(in->memidx, 0);
            break;
        case FS_OP_F64_CONST:
            CHECK(in->vec == m.bytes + in->offset + 1);
            CHECK_EQ(in->vec[7], 0x3F);
            break;
        case FS_OP_SELECT_T:
            CHECK_EQ(in->idx, 1);
            CHECK_EQ(in->type.code, FS_VT_I64);
            break;
        case FS_OP_MEMORY_FILL:
            CHECK_EQ(in->idx, 0);
            break;
        default:
            break;
        }
    }
    CHECK_EQ(off, m.funcs[0].body_off + m.funcs[0].body_size);

    /* The delegate can stop the walk. */
    seen early = { .n = 0, .stop_after = 3 };
    CHECK_EQ(fs_walk_body(&m, 0, record, &early, &err), FS_OK);
    CHECK_EQ(early.n, 3);

    /* A body that is only its end. */
    seen one = { .n = 0 };
    CHECK_EQ(fs_walk_body(&m, 1, record, &one, &err), FS_OK);
    CHECK_EQ(one.n, 1);
    CHECK_EQ(one.in[0].op, FS_OP_END);
    fs_wasm_free(&m);
    free(w.b);
}

/* ---- the walker against the decoder, on a real module ---------------- */

typedef struct tally {
    const fs_wasm_module *m;
    uint64_t counts[FS_OP_COUNT];
    uint32_t call;           /* next entry of m->calls */
    uint32_t call_mismatch;
    uint64_t bytes;
} tally;

static int count(void *ctx, const fs_instr *in)
{
    tally *t = ctx;
    t->counts[in->op]++;
    t->bytes += in->len;
    switch (in->op) {
    case FS_OP_CALL: case FS_OP_RETURN_CALL: case FS_OP_CALL_INDIRECT:
    case FS_OP_RETURN_CALL_INDIRECT: case FS_OP_CALL_REF: case FS_OP_RETURN_CALL_REF: {
        /* the target is the function or the type index: idx either way */
        const fs_call *c = &t->m->calls[t->call++];
        t->call_mismatch += c->offset != in->offset || c->target != in->idx;
        break;
    }
    default:
        break;
    }
    return 0;
}

static void test_forksh(void)
{
    /* __FILE__ is tests/unit/test_walk.c under the source tree */
    char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    if (!slash) {
        CHECK(!"no directory in __FILE__");
        return;
    }
    snprintf(slash, sizeof path - (size_t)(slash - path), "/../../corpus/forksh.wasm");
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_load(&m, path, &err);
    CHECK_EQ(st, FS_OK);
    if (st) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        return;
    }
    tally *t = calloc(1, sizeof *t);
    t->m = &m;
    uint64_t code_bytes = 0;
    for (uint32_t f = m.nfunc_imports; f < m.nfuncs; f++) {
        CHECK_EQ(fs_walk_body(&m, f, count, t, &err), FS_OK);
        code_bytes += m.funcs[f].body_off + m.funcs[f].body_size - m.funcs[f].code_off;
    }
    uint32_t differ = 0;
    uint64_t total = 0;
    for (uint32_t i = 0; i < FS_OP_COUNT; i++) {
        differ += t->counts[i] != m.op_counts[i];
        total += t->counts[i];
    }
    CHECK_EQ(differ, 0);
    CHECK_EQ(total, m.ninstructions);
    CHECK(total > 1000);                  /* forksh is a real program */
    CHECK_EQ(t->call, m.ncalls);
    CHECK_EQ(t->call_mismatch, 0);
    CHECK_EQ(t->bytes, code_bytes);
    free(t);
    fs_wasm_free(&m);
}

/* ---- the table's other columns ---------------------------------------- */

static void test_encode_roundtrip(void)
{
    /* Every row encodes to bytes that look up to the same row. */
    uint32_t bad = 0;
    for (uint32_t id = 0; id < FS_OP_COUNT; id++) {
        fi_buf b = { 0 };
        fi_put_op(&b, (fs_op_id)id);
        const uint8_t *q = b.p;
        unsigned prefix = 0;
        uint32_t code = *q++;
        if (code >= 0xFB && code <= 0xFE) {
            prefix = code;
            code = fs_leb_u32(&q);
        }
        bad += fs_op_lookup(prefix, code) != (fs_op_id)id || (size_t)(q - b.p) != b.n;
        free(b.p);
    }
    CHECK_EQ(bad, 0);
    /* A prefixed code above 127 takes a two-byte LEB. */
    fi_buf b = { 0 };
    fi_put_op(&b, FS_OP_I32X4_DOT_I16X8_S);
    CHECK_EQ(b.n, 3);
    if (b.n == 3) {
        CHECK_EQ(b.p[0], 0xFD);
        CHECK_EQ(b.p[1], 0xBA);
        CHECK_EQ(b.p[2], 0x01);
    }
    free(b.p);
    /* A counting sink counts the same bytes and stores none. */
    fi_buf c = { 0 };
    c.count_only = 1;
    fi_put_op(&c, FS_OP_I32X4_DOT_I16X8_S);
    CHECK_EQ(c.n, 3);
    CHECK(c.p == NULL);
}

static void test_safe_column(void)
{
    /* What forkinstr may run again on rewind: no trap, no side effect. */
    CHECK_EQ(fs_op_rows[FS_OP_I32_ADD].safe, 1);
    CHECK_EQ(fs_op_rows[FS_OP_LOCAL_GET].safe, 1);
    CHECK_EQ(fs_op_rows[FS_OP_F64_CONST].safe, 1);
    CHECK_EQ(fs_op_rows[FS_OP_I64_EXTEND32_S].safe, 1);
    CHECK_EQ(fs_op_rows[FS_OP_I32_DIV_S].safe, 0);       /* traps on zero */
    CHECK_EQ(fs_op_rows[FS_OP_I64_REM_U].safe, 0);
    CHECK_EQ(fs_op_rows[FS_OP_I32_TRUNC_F32_S].safe, 0); /* traps on overflow */
    CHECK_EQ(fs_op_rows[FS_OP_I32_LOAD].safe, 0);        /* traps out of bounds */
    CHECK_EQ(fs_op_rows[FS_OP_LOCAL_SET].safe, 0);       /* writes a local */
    CHECK_EQ(fs_op_rows[FS_OP_LOCAL_TEE].safe, 0);
    CHECK_EQ(fs_op_rows[FS_OP_CALL].safe, 0);
    CHECK_EQ(fs_op_rows[FS_OP_I32_TRUNC_SAT_F32_S].safe, 0);   /* prefixed: not claimed */
    uint32_t nsafe = 0;
    for (uint32_t id = 0; id < FS_OP_COUNT; id++)
        nsafe += fs_op_rows[id].safe;
    CHECK_EQ(nsafe, 125);
    /* the lengths the typer uses instead of strlen */
    CHECK_EQ(fs_op_rows[FS_OP_SELECT].npops, 3);
    CHECK_EQ(fs_op_rows[FS_OP_SELECT].npushes, 1);
    CHECK_EQ(fs_op_rows[FS_OP_NOP].npops, 0);
}

int main(int argc, char **argv)
{
    validator = argc > 1 ? argv[1] : NULL;
    test_fixture();
    test_forksh();
    test_encode_roundtrip();
    test_safe_column();
    return t_summary();
}
