/* body.c - one pass over a function body or constant expression.
 *
 * Decoding is driven entirely by opcodes.def: the opcode picks a row, the
 * row's immediate kind says how many bytes follow.  Instructions are read
 * by the walker (walk.c), the one reader of immediates; this file decides
 * what they mean for the rest of forksize.  Only the few opcodes the call
 * graph needs (calls, ref.func) and the structured-control ones (to find
 * the final `end`) are looked at by id.  Nothing is allocated per
 * instruction; call sites are appended to one module-wide array.
 *
 * This is the hot loop of forksize (millions of instructions for a large
 * module), so a fast path in front of the walker steps over the commonest
 * single-byte instructions with the cursor in a register: their
 * immediates are at most one short LEB or a plain memarg, whose length
 * alone proves them valid.  Everything else goes through the walker,
 * which enforces every LEB128 length and unused-bit rule.
 */
#include "walk_read.h"

#include <stdlib.h>
#include <string.h>

/* Cursor helpers over (p, end).  Slow and failing paths go through the
 * reader so that errors carry offsets; they write p back first. */
#define SYNC()    (r->p = p)
#define RELOAD()  (p = r->p)

static void add_call(fs_reader *r, fs_body_sink *s, const uint8_t *at,
                     uint8_t kind, uint32_t target, uint32_t table)
{
    if (s->ncalls == s->calls_cap)
        s->calls = fs_decode_grow(r, s->calls, &s->calls_cap, sizeof *s->calls, 1024);
    fs_call *c = &s->calls[s->ncalls++];
    c->target = target;
    c->offset = fs_reader_off(r, at);
    c->table = table;
    c->kind = kind;
}

/* Fast-path classes for single-byte opcodes, from the same table:
 * 1 = no immediate, 2 = one LEB128 (local, global, label, table, tag,
 * i32/i64 const), 3 = a memarg, 4 = a block type (block, loop, if, try).
 * 0 sends the opcode down the general path.  Indices of prefixed rows are
 * parked past 256 and never read. */
#define FAST_NONE 1
#define FAST_LOCAL 2
#define FAST_GLOBAL 2
#define FAST_LABEL 2
#define FAST_TABLE 2
#define FAST_TAG 2
#define FAST_I32 2
#define FAST_I64 2
#define FAST_MEMARG 3
#define FAST_BLOCK 4
#define FAST_BR_TABLE 0
#define FAST_FUNC 0
#define FAST_CALL_IND 0
#define FAST_MEMARG_LANE 0
#define FAST_MEM 0
#define FAST_F32 0
#define FAST_F64 0
#define FAST_V128 0
#define FAST_LANE 0
#define FAST_SELECT_T 0
#define FAST_HEAPTYPE 0
#define FAST_DATA 0
#define FAST_ELEM 0
#define FAST_MEMINIT 0
#define FAST_MEMCOPY 0
#define FAST_TABLEINIT 0
#define FAST_TABLECOPY 0
#define FAST_TRY_TABLE 0
#define FAST_TYPE 0
#define FAST_TYPE_FIELD 0
#define FAST_TYPE_TYPE 0
#define FAST_TYPE_DATA 0
#define FAST_TYPE_ELEM 0
#define FAST_TYPE_LEN 0
#define FAST_BR_ON_CAST 0
#define FAST_ORDER 0
#define FAST_MEMARG_ORD 0
#define FAST_MEMARG_RMW 0
#define FAST_RESUME 0
#define FAST_RESUME_THROW 0
#define FAST_TYPE_TAG 0
#define FAST_STRING 0
#define FAST_ORD_TYPE_FIELD 0
#define FAST_ORD_RMW_TYPE_FIELD 0
#define FAST_ORD_TYPE 0
#define FAST_ORD_RMW_TYPE 0

/* Exception-handling opcodes always take the general path, where their
 * use is recorded per function (FS_FEAT_EH); so does delegate, which
 * closes a block, and stack switching's (0xE0..0xE6: suspend's one tag
 * index would otherwise pass as a fast LEB), for FS_FEAT_STACK_SWITCH. */
#define EH_BYTE(pfx, code) ((pfx) == 0 && (((code) >= 0x06 && (code) <= 0x0A) || \
                            (code) == 0x18 || (code) == 0x19 || (code) == 0x1F || \
                            ((code) >= 0xE0 && (code) <= 0xE6)))

static const uint8_t fast_class[256 + FS_OP_COUNT] = {
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe) \
    [(pfx) == 0 ? (unsigned)(code) : 256u + FS_OP_##id] = EH_BYTE(pfx, code) ? 0 : FAST_##imm,
#include "opcodes.def"
#undef FS_OP
};

/* Length of the LEB128 at p, reading 8 bytes at once (the caller
 * guarantees they exist); 9 means "longer than 8". */
static inline unsigned leb_len(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    uint64_t stop = ~x & 0x8080808080808080ull;
    return stop ? (unsigned)(__builtin_ctzll(stop) >> 3) + 1 : 9;
}

/* A data index in code requires a data count section; remember where the
 * first one is so the module check can point at it. */
static void note_data_use(fs_reader *r, fs_body_sink *s, const uint8_t *at)
{
    if (s && s->first_data_use == UINT32_MAX)
        s->first_data_use = fs_reader_off(r, at);
}

static void add_ref(fs_reader *r, fs_body_sink *s, uint32_t f)
{
    if (s->nrefs == s->refs_cap) {
        uint32_t cap = s->refs_cap ? s->refs_cap * 2 : 256;
        uint32_t *nr = realloc(s->refs, (size_t)cap * sizeof *nr);
        if (!nr)
            fs_decode_nomem(r);
        s->refs = nr;
        s->refs_cap = cap;
    }
    s->refs[s->nrefs++] = f;
}

/* Which FS_FEAT_* an instruction shows.  None of these is on the fast
 * path, so this runs only for the general path. */
static uint32_t feature_of(fs_op_id id, uint8_t first)
{
    switch (id) {
    case FS_OP_TRY: case FS_OP_CATCH: case FS_OP_CATCH_ALL: case FS_OP_DELEGATE:
    case FS_OP_THROW: case FS_OP_RETHROW:
        return FS_FEAT_EH;
    case FS_OP_TRY_TABLE: case FS_OP_THROW_REF:
        return FS_FEAT_EH | FS_FEAT_EXNREF;
    case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT:
        return FS_FEAT_TAIL;
    case FS_OP_CALL_REF:
        return FS_FEAT_CALL_REF;
    case FS_OP_RETURN_CALL_REF:
        return FS_FEAT_TAIL | FS_FEAT_CALL_REF;
    case FS_OP_CONT_NEW: case FS_OP_CONT_BIND: case FS_OP_SUSPEND: case FS_OP_RESUME:
    case FS_OP_RESUME_THROW: case FS_OP_RESUME_THROW_REF: case FS_OP_SWITCH:
        return FS_FEAT_STACK_SWITCH;
    case FS_OP_STRUCT_WAIT: case FS_OP_WAITQUEUE_NOTIFY: case FS_OP_WAITQUEUE_NEW:
        return FS_FEAT_GC;                     /* shared-everything's waitqueues */
    default:
        switch ((fs_imm)fs_op_imm[id]) {       /* shared-everything's atomic GC accesses */
        case FS_IMM_ORD_TYPE_FIELD: case FS_IMM_ORD_RMW_TYPE_FIELD:
        case FS_IMM_ORD_TYPE: case FS_IMM_ORD_RMW_TYPE:
            return FS_FEAT_GC;
        default:
            return first == 0xFB ? FS_FEAT_GC : 0;
        }
    }
}

void fs_decode_expr(fs_reader *r, fs_wasm_module *m, fs_body_sink *sink, uint32_t func)
{
    const int body = func != UINT32_MAX;
    const uint8_t *p = r->p, *const end = r->end;
    uint32_t depth = 0;                    /* open blocks, the function's own excluded */
    uint32_t features = 0;                 /* FS_FEAT_* seen in this body */
    uint64_t *const counts = body ? sink->op_counts : m->const_op_counts;
    uint64_t *const bytes = body ? sink->byte_counts : NULL;   /* fast path is body-only */
    fs_instr in = { 0 };                   /* the general path's instruction */
    for (;;) {
        /* Fast path: the common single-byte instructions whose immediates
         * are at most one short LEB or a plain memarg.  Short (< 5 byte)
         * LEBs cannot overflow 32 bits, and an alignment byte below 0x40
         * is a valid exponent without a memory index, so nothing is left
         * unchecked; anything else takes the general path below.  `end`
         * (0x0B) and `delegate` (0x18) change the nesting depth: an inner
         * end is handled here, the function's last and delegate are not. */
        if (body && end - p >= 16) {
            uint8_t b = *p;
            unsigned k = fast_class[b], n;
            if (k == 1) {
                if (b != 0x0B) {
                    bytes[b]++;
                    p++;
                    continue;
                }
                if (depth) {                  /* an inner end; the last one is slow */
                    depth--;
                    bytes[b]++;
                    p++;
                    continue;
                }
            }
            /* Empty or single-byte numeric/vector block types only. */
            if (k == 4 && (p[1] == 0x40 || (p[1] >= 0x7B && p[1] <= 0x7F))) {
                depth++;
                bytes[b]++;
                p += 2;
                continue;
            }
            if (k == 2 && (n = leb_len(p + 1)) < 5) {
                bytes[b]++;
                p += 1 + n;
                continue;
            }
            if (k == 3 && p[1] < 0x40 && (n = leb_len(p + 2)) < 5) {
                bytes[b]++;
                p += 2 + n;
                continue;
            }
        }
        if (p >= end)
            fs_reader_fail(r, p, body ? "function body ends before its final end"
                                      : "constant expression ends before its end");
        /* The general path: the walker reads the instruction; what it
         * means for the call graph and the nesting is decided here. */
        const uint8_t *at = p;
        SYNC();
        fs_instr_op(r, &in);
        const fs_op_id id = in.op;
        counts[id]++;
        if (body)
            features |= feature_of(id, *p);
        else if (id == FS_OP_CALL_INDIRECT || id == FS_OP_RETURN_CALL_INDIRECT)
            fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
        fs_instr_imm(r, m, &in);
        RELOAD();
        if (body && in.has_order)
            features |= FS_FEAT_MEM_ORDER;
        if (in.xref) {                         /* an exact or shared heap type */
            if (body)
                features |= FS_FEAT_XREF;
            else                               /* constant expressions are read on one thread */
                m->ext_types |= fs_xt_of_hflags(in.xref);
        }

        switch ((fs_imm)fs_op_imm[id]) {
        case FS_IMM_NONE:
            if (id == FS_OP_END) {
                if (depth == 0) {
                    if (body)
                        m->funcs[func].features = features;
                    return;
                }
                depth--;
            }
            break;
        case FS_IMM_DATA: case FS_IMM_MEMINIT: case FS_IMM_TYPE_DATA:
            note_data_use(r, sink, at);
            break;
        case FS_IMM_LABEL:
            if (id == FS_OP_DELEGATE) {    /* delegate closes its try */
                if (depth == 0)
                    fs_reader_fail(r, at, "delegate outside a try block");
                depth--;
            }
            break;
        case FS_IMM_BLOCK: case FS_IMM_TRY_TABLE:
            depth++;
            break;
        case FS_IMM_FUNC: {
            uint32_t f = in.idx;
            if (!body && id != FS_OP_REF_FUNC)
                fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
            if (id == FS_OP_CALL)
                add_call(r, sink, at, FS_CALL_DIRECT, f, 0);
            else if (id == FS_OP_RETURN_CALL)
                add_call(r, sink, at, FS_CALL_TAIL, f, 0);
            else if (body)                 /* ref.func: marked when merged */
                add_ref(r, sink, f);
            else
                m->funcs[f].flags |= FS_FUNC_REF_FUNC | FS_FUNC_ADDRESS_TAKEN | m->const_ref_flags;
            break;
        }
        case FS_IMM_CALL_IND:
            add_call(r, sink, at, id == FS_OP_CALL_INDIRECT ? FS_CALL_INDIRECT
                                                         : FS_CALL_TAIL_INDIRECT, in.idx, in.idx2);
            break;
        case FS_IMM_TYPE:
            if (id == FS_OP_CALL_REF || id == FS_OP_RETURN_CALL_REF) {
                if (!body)
                    fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
                add_call(r, sink, at, id == FS_OP_CALL_REF ? FS_CALL_REF : FS_CALL_TAIL_REF,
                         in.idx, 0);
            }
            break;
        default:
            break;
        }
    }
}
