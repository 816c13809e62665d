/* body.c - one pass over a function body or constant expression.
 *
 * Decoding is driven entirely by opcodes.def: the opcode picks a row, the
 * row's immediate kind says how many bytes follow.  Only the few opcodes
 * the call graph needs (calls, ref.func) and the structured-control ones
 * (to find the final `end`) are looked at by id.  Nothing is allocated
 * per instruction; call sites are appended to one module-wide array.
 */
#include "decode_int.h"

#include <stdlib.h>

static void add_call(fs_reader *r, fs_wasm_module *m, const uint8_t *at,
                     uint8_t kind, uint32_t target, uint32_t table)
{
    if (m->ncalls == m->calls_cap) {
        uint32_t cap = m->calls_cap ? m->calls_cap * 2 : 1024;
        fs_call *nc = realloc(m->calls, (size_t)cap * sizeof *nc);
        if (!nc) 
            fs_decode_nomem(r);
        m->calls = nc;
        m->calls_cap = cap;
    }
    fs_call *c = &m->calls[m->ncalls++];
    c->target = target;
    c->offset = fs_reader_off(r, at);
    c->table = table;
    c->kind = kind;
}

static uint32_t func_index(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint32_t f = fs_read_u32(r);
    if (f >= m->nfuncs)
        fs_reader_fail(r, at, "function index %u out of range (%u functions)", f, m->nfuncs);
    return f;
}

static uint32_t type_index(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint32_t t = fs_read_u32(r);
    if (t >= m->ntypes)
        fs_reader_fail(r, at, "type index %u out of range (%u types)", t, m->ntypes);
    return t;
}

static void blocktype(fs_reader *r, const fs_wasm_module *m)
{
    if (r->p >= r->end)
        fs_reader_fail(r, r->p, "unexpected end of data (reading a block type)");
    uint8_t b = *r->p;
    if (b == 0x40) {
        r->p++;
        return;
    }
    if (b >= 0x40 && b < 0x80) {          /* a value type, possibly (ref ht) */
        fs_decode_valtype(r, m);
        return;
    }
    const uint8_t *at = r->p;
    int64_t t = fs_read_s33(r);
    if (t < 0 || (uint64_t)t >= m->ntypes)
        fs_reader_fail(r, at, "block type index %lld out of range", (long long)t);
}

static void memarg(fs_reader *r)
{
    const uint8_t *at = r->p;
    uint32_t align = fs_read_u32(r);
    if (align & 0x40)                      /* multi-memory: index follows */
        fs_read_u32(r);
    if ((align & ~0x40u) >= 64)
        fs_reader_fail(r, at, "invalid alignment exponent %u", align & ~0x40u);
    fs_read_u64(r);                        /* u64 offset under memory64 */
}

void fs_decode_expr(fs_reader *r, fs_wasm_module *m, uint32_t func)
{
    int body = func != UINT32_MAX;
    uint32_t depth = 0;                    /* open blocks, the function's own excluded */
    for (;;) {
        const uint8_t *at = r->p;
        if (at >= r->end)
            fs_reader_fail(r, at, body ? "function body ends before its final end"
                                       : "constant expression ends before its end");
        uint8_t b = *r->p++;
        fs_op_id id;
        if (b >= 0xFB && b <= 0xFE) {
            uint32_t code = fs_read_u32(r);
            id = fs_op_lookup(b, code);
            if (id == FS_OP_COUNT)
                fs_reader_fail(r, at, "unknown opcode 0x%02x 0x%x", b, code);
        } else {
            id = fs_op_lookup(0, b);
            if (id == FS_OP_COUNT)
                fs_reader_fail(r, at, "unknown opcode 0x%02x", b);
        }
        if (body)
            m->op_counts[id]++;

        switch ((fs_imm)fs_op_rows[id].imm) {
        case FS_IMM_NONE:
            if (id == FS_OP_END) {
                if (depth == 0)
                    return;
                depth--;
            }
            break;
        case FS_IMM_BLOCK:
            blocktype(r, m);
            depth++;
            break;
        case FS_IMM_TRY_TABLE: {
            blocktype(r, m);
            uint32_t n = fs_read_count(r, 2, "catch clause");
            for (uint32_t i = 0; i < n; i++) {
                const uint8_t *cat = r->p;
                uint8_t k = fs_read_u8(r);
                if (k > 3)
                    fs_reader_fail(r, cat, "invalid catch clause kind %u", k);
                if (k < 2)
                    fs_read_u32(r);        /* tag */
                fs_read_u32(r);            /* label */
            }
            depth++;
            break;
        }
        case FS_IMM_LABEL:
            fs_read_u32(r);
            if (id == FS_OP_DELEGATE) {    /* delegate closes its try */
                if (depth == 0)
                    fs_reader_fail(r, at, "delegate outside a try block");
                depth--;
            }
            break;
        case FS_IMM_BR_TABLE: {
            uint32_t n = fs_read_count(r, 1, "br_table target");
            for (uint32_t i = 0; i <= n; i++)
                fs_read_u32(r);
            break;
        }
        case FS_IMM_FUNC: {
            uint32_t f = func_index(r, m);
            if (!body && id != FS_OP_REF_FUNC)
                fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
            if (id == FS_OP_CALL)
                add_call(r, m, at, FS_CALL_DIRECT, f, 0);
            else if (id == FS_OP_RETURN_CALL)
                add_call(r, m, at, FS_CALL_TAIL, f, 0);
            else                           /* ref.func */
                m->funcs[f].flags |= FS_FUNC_REF_FUNC | FS_FUNC_ADDRESS_TAKEN;
            break;
        }
        case FS_IMM_CALL_IND: {
            if (!body)
                fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
            uint32_t t = type_index(r, m);
            const uint8_t *tat = r->p;
            uint32_t table = fs_read_u32(r);
            if (table >= m->ntables)
                fs_reader_fail(r, tat, "table index %u out of range (%u tables)", table, m->ntables);
            add_call(r, m, at, id == FS_OP_CALL_INDIRECT ? FS_CALL_INDIRECT
                                                         : FS_CALL_TAIL_INDIRECT, t, table);
            break;
        }
        case FS_IMM_TYPE: {
            uint32_t t = type_index(r, m);
            if (!body && (id == FS_OP_CALL_REF || id == FS_OP_RETURN_CALL_REF))
                fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
            if (id == FS_OP_CALL_REF)
                add_call(r, m, at, FS_CALL_REF, t, 0);
            else if (id == FS_OP_RETURN_CALL_REF)
                add_call(r, m, at, FS_CALL_TAIL_REF, t, 0);
            break;
        }
        case FS_IMM_LOCAL: case FS_IMM_GLOBAL: case FS_IMM_TABLE: case FS_IMM_MEM:
        case FS_IMM_DATA: case FS_IMM_ELEM: case FS_IMM_TAG:
            fs_read_u32(r);
            break;
        case FS_IMM_MEMARG:
            memarg(r);
            break;
        case FS_IMM_MEMARG_LANE:
            memarg(r);
            fs_read_u8(r);
            break;
        case FS_IMM_I32:
            fs_read_s32(r);
            break;
        case FS_IMM_I64:
            fs_read_s64(r);
            break;
        case FS_IMM_F32:
            fs_read_bytes(r, 4);
            break;
        case FS_IMM_F64:
            fs_read_bytes(r, 8);
            break;
        case FS_IMM_V128:
            fs_read_bytes(r, 16);
            break;
        case FS_IMM_LANE:
            fs_read_u8(r);
            break;
        case FS_IMM_ZERO_BYTE:
            if (fs_read_u8(r) != 0)
                fs_reader_fail(r, r->p - 1, "expected a zero byte after %s", fs_op_rows[id].text);
            break;
        case FS_IMM_SELECT_T: {
            uint32_t n = fs_read_count(r, 1, "select type");
            for (uint32_t i = 0; i < n; i++)
                fs_decode_valtype(r, m);
            break;
        }
        case FS_IMM_HEAPTYPE:
            fs_decode_heaptype(r, m);
            break;
        case FS_IMM_MEMINIT: case FS_IMM_MEMCOPY: case FS_IMM_TABLEINIT: case FS_IMM_TABLECOPY:
        case FS_IMM_TYPE_FIELD: case FS_IMM_TYPE_TYPE: case FS_IMM_TYPE_DATA:
        case FS_IMM_TYPE_ELEM: case FS_IMM_TYPE_LEN:
            fs_read_u32(r);
            fs_read_u32(r);
            break;
        case FS_IMM_BR_ON_CAST:
            fs_read_u8(r);
            fs_read_u32(r);
            fs_decode_heaptype(r, m);
            fs_decode_heaptype(r, m);
            break;
        case FS_IMM_COUNT:
            fs_reader_fail(r, at, "internal: opcode without an immediate kind");
        }
    }
}
