/* walk_read.h - the reading half of the walker (analyzer only).
 *
 * This is the only code that decodes instruction immediates.  It checks
 * what the encoding itself requires (LEB lengths and unused bits, vector
 * counts against the bytes left, alignment exponents, block and heap
 * types, function, type and call_indirect table indices) and fails
 * through the reader with the offset of the bad byte.  What an
 * instruction means (call sites, nesting, constant-expression rules) is
 * left to the caller: body.c for the decoder, fs_walk_body's delegate
 * otherwise.  The functions are inline so that the decoder's general
 * path keeps the speed of hand-written code; walk.c and body.c are their
 * only includers.
 *
 * fs_instr_op reads the opcode at r->p (unknown ones fail) and sets
 * in->op and in->offset; fs_instr_imm then reads the immediates of
 * in->op and sets in->len.
 */
#ifndef FS_WALK_READ_H
#define FS_WALK_READ_H

#include "decode_int.h"

/* An index below LIMIT, as fs_read_index, with the one-byte case inline. */
static inline uint32_t fs_instr_index(fs_reader *r, uint32_t limit, const char *what)
{
    const uint8_t *at = r->p;
    uint32_t v = fs_read_u32(r);
    if (v >= limit)
        fs_reader_fail(r, at, "%s index %u out of range (%u %ss)", what, v, limit, what);
    return v;
}

static inline void fs_instr_op(fs_reader *r, fs_instr *in)
{
    const uint8_t *at = r->p;
    uint8_t b = fs_read_u8(r);
    fs_op_id id;
    if (b >= 0xFB && b <= 0xFE) {
        uint32_t code = fs_read_u32(r);
        id = fs_op_lookup(b, code);
        if (id == FS_OP_COUNT)
            fs_reader_fail(r, at, "unknown opcode 0x%02x 0x%x", b, code);
    } else {
        unsigned v = fs_op_slots[b];
        if (!v)
            fs_reader_fail(r, at, "unknown opcode 0x%02x", b);
        id = (fs_op_id)(v - 1);
    }
    in->op = id;
    in->offset = fs_reader_off(r, at);
}

/* A block type: 0x40, a value type (possibly (ref ht)), or an s33 type
 * index below the module's type count. */
static inline void fs_instr_blocktype(fs_reader *r, const fs_wasm_module *m, fs_instr *in)
{
    if (r->p >= r->end)
        fs_reader_fail(r, r->p, "unexpected end of data (reading a block type)");
    uint8_t b = *r->p;
    if (b == 0x40) {
        r->p++;
        in->bt = FS_BT_EMPTY;
        return;
    }
    if (b >= 0x40 && b < 0x80) {
        in->type = fs_decode_valtype(r, m);
        in->xref |= in->type.hflags;
        in->bt = FS_BT_VALUE;
        return;
    }
    const uint8_t *at = r->p;
    int64_t t = fs_read_s33(r);
    if (t < 0 || (uint64_t)t >= m->ntypes)
        fs_reader_fail(r, at, "block type index %lld out of range", (long long)t);
    in->bt = FS_BT_TYPE;
    in->bt_type = (uint32_t)t;
}

/* A memory order byte (acquire/release atomics, as Binaryen 132 writes
 * them): 0 seqcst, 1 acqrel, 2 relaxed.  A read-modify-write carries the
 * order of its read and of its write in the two nibbles, and Binaryen
 * accepts only equal ones (0x00, 0x11, 0x22); anything else is rejected
 * here, at the byte, rather than guessed at. */
static inline uint8_t fs_instr_order(fs_reader *r, int rmw)
{
    const uint8_t *at = fs_read_bytes(r, 1);
    uint8_t b = *at, o = rmw ? (uint8_t)(b & 0x0F) : b;
    if (o > 2 || (rmw && (b >> 4) != o))
        fs_reader_fail(r, at, "invalid memory order 0x%02x%s", b,
                       rmw ? " (a read-modify-write needs two equal orders)" : "");
    return o;
}

/* ORDERED: 0 for plain accesses; 1 (atomic) or 2 (atomic read-modify-
 * write) when bit 4 of the alignment field may announce an order byte,
 * which sits after the memory index and before the offset.  For a plain
 * access that bit stays part of the alignment exponent, as before. */
static inline void fs_instr_memarg(fs_reader *r, fs_instr *in, int ordered)
{
    const uint8_t *at = r->p;
    uint32_t align = fs_read_u32(r);
    uint32_t flags = 0x40u | (ordered ? 0x10u : 0u);
    in->memidx = 0;
    in->order = 0;
    in->has_order = ordered && (align & 0x10);
    if ((align & ~flags) >= 64)
        fs_reader_fail(r, at, "invalid alignment exponent %u", align & ~flags);
    if (align & 0x40)                      /* multi-memory: index follows */
        in->memidx = fs_read_u32(r);
    if (ordered && (align & 0x10))         /* acquire/release: order follows */
        in->order = fs_instr_order(r, ordered == 2);
    in->align = align & ~flags;
    in->mem_offset = fs_read_u64(r);       /* u64 under memory64 */
}

/* A stack-switching handler table (resume, resume_throw,
 * resume_throw_ref): a count, then per handler a kind byte, a tag and,
 * for kind 0 (on tag label), a label.  Each takes at least two bytes,
 * which bounds the count by the bytes left; nothing is copied (in->vec
 * points at the first handler, in->idx2 is the count). */
static inline void fs_instr_handlers(fs_reader *r, fs_instr *in)
{
    uint32_t n = fs_read_count(r, 2, "handler");
    in->idx2 = n;
    in->vec = r->p;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *hat = r->p;
        uint8_t k = fs_read_u8(r);             /* a byte, not a LEB */
        if (k > 1)
            fs_reader_fail(r, hat, "invalid handler kind %u (0 on-label, 1 on-switch)", k);
        fs_read_u32(r);                        /* tag */
        if (k == 0)
            fs_read_u32(r);                    /* label */
    }
}

static inline void fs_instr_imm(fs_reader *r, const fs_wasm_module *m, fs_instr *in)
{
    in->has_order = 0;                     /* set only by the ordered kinds below */
    in->xref = 0;                          /* set only where a heap type is read */
    switch ((fs_imm)fs_op_imm[in->op]) {
    case FS_IMM_NONE:
        break;
    case FS_IMM_LOCAL: case FS_IMM_GLOBAL: case FS_IMM_LABEL: case FS_IMM_TABLE:
    case FS_IMM_MEM: case FS_IMM_ELEM: case FS_IMM_TAG: case FS_IMM_DATA:
        in->idx = fs_read_u32(r);
        break;
    case FS_IMM_MEMARG:
        fs_instr_memarg(r, in, 0);
        break;
    case FS_IMM_MEMARG_ORD:
        fs_instr_memarg(r, in, 1);
        break;
    case FS_IMM_MEMARG_RMW:
        fs_instr_memarg(r, in, 2);
        break;
    case FS_IMM_I32:
        in->value = fs_read_s32(r);
        break;
    case FS_IMM_I64:
        in->value = fs_read_s64(r);
        break;
    case FS_IMM_BLOCK:
        fs_instr_blocktype(r, m, in);
        break;
    case FS_IMM_FUNC:
        in->idx = fs_instr_index(r, m->nfuncs, "function");
        break;
    case FS_IMM_CALL_IND:
        in->idx = fs_instr_index(r, m->ntypes, "type");
        in->idx2 = fs_instr_index(r, m->ntables, "table");
        break;
    case FS_IMM_TYPE:
        in->idx = fs_instr_index(r, m->ntypes, "type");
        break;
    case FS_IMM_RESUME:
        in->idx = fs_instr_index(r, m->ntypes, "type");
        fs_instr_handlers(r, in);
        break;
    case FS_IMM_RESUME_THROW:
        in->idx = fs_instr_index(r, m->ntypes, "type");
        in->value = fs_read_u32(r);            /* the tag thrown */
        fs_instr_handlers(r, in);
        break;
    case FS_IMM_ORD_TYPE_FIELD: case FS_IMM_ORD_RMW_TYPE_FIELD:
    case FS_IMM_ORD_TYPE: case FS_IMM_ORD_RMW_TYPE: {
        fs_imm k = (fs_imm)fs_op_imm[in->op];
        in->order = fs_instr_order(r, k == FS_IMM_ORD_RMW_TYPE_FIELD || k == FS_IMM_ORD_RMW_TYPE);
        in->idx = fs_instr_index(r, m->ntypes, "type");
        in->idx2 = 0;
        if (k == FS_IMM_ORD_TYPE_FIELD || k == FS_IMM_ORD_RMW_TYPE_FIELD)
            in->idx2 = fs_read_u32(r);         /* field */
        break;
    }
    case FS_IMM_STRING:
        in->idx = fs_instr_index(r, m->nstrings, "string");
        break;
    case FS_IMM_TYPE_TAG:
        in->idx = fs_instr_index(r, m->ntypes, "type");
        in->idx2 = fs_read_u32(r);             /* tag */
        break;
    case FS_IMM_TRY_TABLE: {
        fs_instr_blocktype(r, m, in);
        uint32_t n = fs_read_count(r, 2, "catch clause");
        in->idx = n;
        in->vec = r->p;
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *cat = r->p;
            uint8_t k = fs_read_u8(r);         /* a byte, not a LEB */
            if (k > 3)
                fs_reader_fail(r, cat, "invalid catch clause kind %u", k);
            if (k < 2)
                fs_read_u32(r);                /* tag */
            fs_read_u32(r);                    /* label */
        }
        break;
    }
    case FS_IMM_BR_TABLE: {
        uint32_t n = fs_read_count(r, 1, "br_table target");
        in->idx = n;
        in->vec = r->p;
        for (uint32_t i = 0; i <= n; i++)
            fs_read_u32(r);
        break;
    }
    case FS_IMM_MEMARG_LANE:
        fs_instr_memarg(r, in, 0);
        in->lane = *fs_read_bytes(r, 1);
        break;
    case FS_IMM_F32:
        in->vec = fs_read_bytes(r, 4);
        break;
    case FS_IMM_F64:
        in->vec = fs_read_bytes(r, 8);
        break;
    case FS_IMM_V128:
        in->vec = fs_read_bytes(r, 16);
        break;
    case FS_IMM_LANE:
        in->lane = *fs_read_bytes(r, 1);
        break;
    case FS_IMM_ORDER:                     /* atomic.fence: 0x00 before orderings */
        in->order = fs_instr_order(r, 0);
        in->has_order = in->order != 0;
        break;
    case FS_IMM_SELECT_T: {
        uint32_t n = fs_read_count(r, 1, "select type");
        in->idx = n;
        in->type = (fs_valtype){ .code = 0x7F };
        for (uint32_t i = 0; i < n; i++) {
            in->type = fs_decode_valtype(r, m);
            in->xref |= in->type.hflags;
        }
        break;
    }
    case FS_IMM_HEAPTYPE:
        in->type.heap = fs_decode_heaptype(r, m, &in->type.hflags);
        in->xref = in->type.hflags;
        break;
    case FS_IMM_TYPE_FIELD:                /* struct.get/set, struct.wait */
        in->idx = fs_instr_index(r, m->ntypes, "type");
        in->idx2 = fs_read_u32(r);
        break;
    case FS_IMM_MEMINIT: case FS_IMM_TYPE_DATA:
    case FS_IMM_MEMCOPY: case FS_IMM_TABLEINIT: case FS_IMM_TABLECOPY:
    case FS_IMM_TYPE_TYPE:
    case FS_IMM_TYPE_ELEM: case FS_IMM_TYPE_LEN:
        in->idx = fs_read_u32(r);
        in->idx2 = fs_read_u32(r);
        break;
    case FS_IMM_BR_ON_CAST:
        in->lane = *fs_read_bytes(r, 1);       /* flags */
        in->idx = fs_read_u32(r);
        in->type.heap = fs_decode_heaptype(r, m, &in->type.hflags);
        in->heap2 = fs_decode_heaptype(r, m, &in->heap2_flags);
        in->xref = in->type.hflags | in->heap2_flags;
        break;
    case FS_IMM_COUNT:
        fs_reader_fail(r, r->base + in->offset, "internal: opcode without an immediate kind");
    }
    in->len = fs_reader_off(r, r->p) - in->offset;
}

#endif
