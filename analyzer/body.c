/* body.c - one pass over a function body or constant expression.
 *
 * Decoding is driven entirely by opcodes.def: the opcode picks a row, the
 * row's immediate kind says how many bytes follow.  Only the few opcodes
 * the call graph needs (calls, ref.func) and the structured-control ones
 * (to find the final `end`) are looked at by id.  Nothing is allocated
 * per instruction; call sites are appended to one module-wide array.
 *
 * This is the hot loop of forksize (millions of instructions for a large
 * module), so the cursor lives in a local that the compiler can keep in a
 * register, and immediates whose value we do not need are skipped rather
 * than decoded.  Skipping still enforces the LEB128 length and unused-bit
 * rules, so malformed input is rejected exactly as a full decode would.
 */
#include "decode_int.h"

#include <stdlib.h>
#include <string.h>

/* Cursor helpers over (p, end).  Slow and failing paths go through the
 * reader so that errors carry offsets; they write p back first. */
#define SYNC()    (r->p = p)
#define RELOAD()  (p = r->p)

static void add_call(fs_reader *r, fs_body_sink *s, const uint8_t *at,
                     uint8_t kind, uint32_t target, uint32_t table)
{
    if (s->ncalls == s->calls_cap) {
        uint32_t cap = s->calls_cap ? s->calls_cap * 2 : 1024;
        fs_call *nc = realloc(s->calls, (size_t)cap * sizeof *nc);
        if (!nc)
            fs_decode_nomem(r);
        s->calls = nc;
        s->calls_cap = cap;
    }
    fs_call *c = &s->calls[s->ncalls++];
    c->target = target;
    c->offset = fs_reader_off(r, at);
    c->table = table;
    c->kind = kind;
}

/* Skips a LEB128 of at most MAXLEN bytes whose last byte may use only
 * LASTBITS value bits (signed: the rest must repeat the sign bit). */
static inline const uint8_t *skip_leb(fs_reader *r, const uint8_t *p, const uint8_t *end,
                                      unsigned maxlen, unsigned lastbits, int is_signed)
{
    const uint8_t *at = p;
    for (unsigned i = 0; ; i++) {
        if (p >= end)
            fs_reader_fail(r, at, "unexpected end of data inside a LEB128 integer");
        uint8_t b = *p++;
        if (!(b & 0x80)) {
            if (i == maxlen - 1) {
                uint8_t rest = (uint8_t)(b >> lastbits);
                uint8_t want = is_signed && (b >> (lastbits - 1) & 1) ? (uint8_t)(0x7F >> lastbits) : 0;
                if (rest != want)
                    fs_reader_fail(r, at, "LEB128 integer overflows %u bits",
                                   (maxlen - 1) * 7 + lastbits);
            }
            return p;
        }
        if (i == maxlen - 1)
            fs_reader_fail(r, at, "LEB128 integer overflows %u bits", (maxlen - 1) * 7 + lastbits);
    }
}

#define SKIP_U32() (p = (p < end && *p < 0x80) ? p + 1 : skip_leb(r, p, end, 5, 4, 0))
#define SKIP_S32() (p = (p < end && *p < 0x80) ? p + 1 : skip_leb(r, p, end, 5, 4, 1))
#define SKIP_U64() (p = (p < end && *p < 0x80) ? p + 1 : skip_leb(r, p, end, 10, 1, 0))
#define SKIP_S64() (p = (p < end && *p < 0x80) ? p + 1 : skip_leb(r, p, end, 10, 1, 1))

static inline uint32_t read_u32(fs_reader *r, const uint8_t **pp)
{
    const uint8_t *p = *pp;
    if (p < r->end && *p < 0x80) {
        *pp = p + 1;
        return *p;
    }
    r->p = p;
    uint32_t v = fs_read_u32_slow(r);
    *pp = r->p;
    return v;
}

static inline const uint8_t *skip_bytes(fs_reader *r, const uint8_t *p, const uint8_t *end,
                                        size_t n)
{
    if ((size_t)(end - p) < n)
        fs_reader_fail(r, p, "unexpected end of data (%zu bytes needed, %zu left)", n,
                       (size_t)(end - p));
    return p + n;
}

static uint32_t index_in(fs_reader *r, const uint8_t **pp, uint32_t limit, const char *what)
{
    const uint8_t *at = *pp;
    uint32_t v = read_u32(r, pp);
    if (v >= limit)
        fs_reader_fail(r, at, "%s index %u out of range (%u %ss)", what, v, limit, what);
    return v;
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

static inline const uint8_t *memarg(fs_reader *r, const uint8_t *p, const uint8_t *end)
{
    const uint8_t *at = p;
    uint32_t align = read_u32(r, &p);
    if (align & 0x40)                      /* multi-memory: index follows */
        SKIP_U32();
    if ((align & ~0x40u) >= 64)
        fs_reader_fail(r, at, "invalid alignment exponent %u", align & ~0x40u);
    SKIP_U64();                            /* u64 offset under memory64 */
    return p;
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
#define FAST_ZERO_BYTE 0

/* Exception-handling opcodes always take the general path, where their
 * use is recorded per function (FS_FEAT_EH); so does delegate, which
 * closes a block. */
#define EH_BYTE(pfx, code) ((pfx) == 0 && (((code) >= 0x06 && (code) <= 0x0A) || \
                            (code) == 0x18 || (code) == 0x19 || (code) == 0x1F))

static const uint8_t fast_class[256 + FS_OP_COUNT] = {
#define FS_OP(id, pfx, code, text, imm, pops, pushes) \
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
    case FS_OP_THROW: case FS_OP_RETHROW: case FS_OP_TRY_TABLE: case FS_OP_THROW_REF:
        return FS_FEAT_EH;
    case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT:
        return FS_FEAT_TAIL;
    case FS_OP_CALL_REF:
        return FS_FEAT_CALL_REF;
    case FS_OP_RETURN_CALL_REF:
        return FS_FEAT_TAIL | FS_FEAT_CALL_REF;
    default:
        return first == 0xFB ? FS_FEAT_GC : 0;
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
        const uint8_t *at = p;
        if (p >= end)
            fs_reader_fail(r, at, body ? "function body ends before its final end"
                                       : "constant expression ends before its end");
        uint8_t b = *p++;
        fs_op_id id;
        if (b >= 0xFB && b <= 0xFE) {
            uint32_t code = read_u32(r, &p);
            id = fs_op_lookup(b, code);
            if (id == FS_OP_COUNT)
                fs_reader_fail(r, at, "unknown opcode 0x%02x 0x%x", b, code);
        } else {
            unsigned v = fs_op_slots[b];
            if (!v)
                fs_reader_fail(r, at, "unknown opcode 0x%02x", b);
            id = (fs_op_id)(v - 1);
        }
        counts[id]++;
        if (body)
            features |= feature_of(id, b);

        switch ((fs_imm)fs_op_imm[id]) {
        case FS_IMM_NONE:
            if (id == FS_OP_END) {
                if (depth == 0) {
                    r->p = p;
                    if (body)
                        m->funcs[func].features = features;
                    return;
                }
                depth--;
            }
            break;
        case FS_IMM_DATA:
            note_data_use(r, sink, at);
            SKIP_U32();
            break;
        case FS_IMM_LOCAL: case FS_IMM_GLOBAL: case FS_IMM_LABEL: case FS_IMM_TABLE:
        case FS_IMM_MEM: case FS_IMM_ELEM: case FS_IMM_TAG:
            SKIP_U32();
            if (id == FS_OP_DELEGATE) {    /* delegate closes its try */
                if (depth == 0)
                    fs_reader_fail(r, at, "delegate outside a try block");
                depth--;
            }
            break;
        case FS_IMM_MEMARG:
            p = memarg(r, p, end);
            break;
        case FS_IMM_I32:
            SKIP_S32();
            break;
        case FS_IMM_I64:
            SKIP_S64();
            break;
        case FS_IMM_BLOCK:
            SYNC();
            blocktype(r, m);
            RELOAD();
            depth++;
            break;
        case FS_IMM_FUNC: {
            uint32_t f = index_in(r, &p, m->nfuncs, "function");
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
        case FS_IMM_CALL_IND: {
            if (!body)
                fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
            uint32_t t = index_in(r, &p, m->ntypes, "type");
            uint32_t table = index_in(r, &p, m->ntables, "table");
            add_call(r, sink, at, id == FS_OP_CALL_INDIRECT ? FS_CALL_INDIRECT
                                                         : FS_CALL_TAIL_INDIRECT, t, table);
            break;
        }
        case FS_IMM_TYPE: {
            uint32_t t = index_in(r, &p, m->ntypes, "type");
            if (id == FS_OP_CALL_REF || id == FS_OP_RETURN_CALL_REF) {
                if (!body)
                    fs_reader_fail(r, at, "%s in a constant expression", fs_op_rows[id].text);
                add_call(r, sink, at, id == FS_OP_CALL_REF ? FS_CALL_REF : FS_CALL_TAIL_REF, t, 0);
            }
            break;
        }
        case FS_IMM_TRY_TABLE: {
            SYNC();
            blocktype(r, m);
            uint32_t n = fs_read_count(r, 2, "catch clause");
            for (uint32_t i = 0; i < n; i++) {
                const uint8_t *cat = r->p;
                uint8_t k = fs_read_u8(r);         /* a byte, not a LEB */
                if (k > 3)
                    fs_reader_fail(r, cat, "invalid catch clause kind %u", k);
                if (k < 2)
                    fs_read_u32(r);        /* tag */
                fs_read_u32(r);            /* label */
            }
            RELOAD();
            depth++;
            break;
        }
        case FS_IMM_BR_TABLE: {
            SYNC();
            uint32_t n = fs_read_count(r, 1, "br_table target");
            RELOAD();
            for (uint32_t i = 0; i <= n; i++)
                SKIP_U32();
            break;
        }
        case FS_IMM_MEMARG_LANE:
            p = memarg(r, p, end);
            p = skip_bytes(r, p, end, 1);
            break;
        case FS_IMM_F32:
            p = skip_bytes(r, p, end, 4);
            break;
        case FS_IMM_F64:
            p = skip_bytes(r, p, end, 8);
            break;
        case FS_IMM_V128:
            p = skip_bytes(r, p, end, 16);
            break;
        case FS_IMM_LANE:
            p = skip_bytes(r, p, end, 1);
            break;
        case FS_IMM_ZERO_BYTE:
            p = skip_bytes(r, p, end, 1);
            if (p[-1] != 0)
                fs_reader_fail(r, p - 1, "expected a zero byte after %s", fs_op_rows[id].text);
            break;
        case FS_IMM_SELECT_T: {
            SYNC();
            uint32_t n = fs_read_count(r, 1, "select type");
            for (uint32_t i = 0; i < n; i++)
                fs_decode_valtype(r, m);
            RELOAD();
            break;
        }
        case FS_IMM_HEAPTYPE:
            SYNC();
            fs_decode_heaptype(r, m);
            RELOAD();
            break;
        case FS_IMM_MEMINIT: case FS_IMM_TYPE_DATA:
            note_data_use(r, sink, at);
            SKIP_U32();
            SKIP_U32();
            break;
        case FS_IMM_MEMCOPY: case FS_IMM_TABLEINIT: case FS_IMM_TABLECOPY:
        case FS_IMM_TYPE_FIELD: case FS_IMM_TYPE_TYPE:
        case FS_IMM_TYPE_ELEM: case FS_IMM_TYPE_LEN:
            SKIP_U32();
            SKIP_U32();
            break;
        case FS_IMM_BR_ON_CAST:
            p = skip_bytes(r, p, end, 1);
            SKIP_U32();
            SYNC();
            fs_decode_heaptype(r, m);
            fs_decode_heaptype(r, m);
            RELOAD();
            break;
        case FS_IMM_COUNT:
            fs_reader_fail(r, at, "internal: opcode without an immediate kind");
        }
    }
}
