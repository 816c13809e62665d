/* opcode.h - the single opcode table, seen from C.
 *
 * Every instruction forksize understands is one row of opcodes.def:
 *
 *   FS_OP(ID, PREFIX, CODE, "mnemonic", IMM, "pops", "pushes", SAFE)
 *
 *   ID       C identifier suffix; the enum value is FS_OP_<ID>.
 *   PREFIX   0 for single-byte opcodes, else 0xFB (GC), 0xFC (misc),
 *            0xFD (SIMD), 0xFE (threads).  Prefixed codes are u32 LEBs.
 *   CODE     the opcode byte, or the LEB value after the prefix.
 *   IMM      an fs_imm kind suffix (FS_IMM_<IMM>): how to read the
 *            immediates that follow.
 *   pops /   the stack signature, one letter per value, bottom first:
 *   pushes     i i32   I i64   f f32   F f64   v v128
 *              r any reference  p address (i32, or i64 under memory64)
 *              t table index (i32, or i64 for table64)  x any one value
 *            "*" means the signature depends on the immediates or on
 *            the module (calls, locals, globals, branches, blocks,
 *            GC accesses) and is computed by the code that types the
 *            stack, keyed by ID.
 *   SAFE     1 when the instruction cannot trap and writes nothing but
 *            the operand stack, so running it again on stale inputs is
 *            harmless (forkinstr's rewind relies on it); else 0.
 *
 * Every user reads these rows: the decoder and forkinstr's stack typer
 * read instructions through one walker (walk.h) driven by PREFIX, CODE
 * and IMM; the typer takes the signatures and SAFE from here; and
 * forkinstr's encoder writes opcodes from PREFIX and CODE by id
 * (fi_put_op).  A proposal added here is added everywhere at once.
 */
#ifndef FS_OPCODE_H
#define FS_OPCODE_H

#include <stdint.h>

/* How the immediates after an opcode are encoded. */
typedef enum fs_imm {
    FS_IMM_NONE,
    FS_IMM_BLOCK,       /* blocktype: 0x40, a valtype, or s33 type index */
    FS_IMM_LABEL,       /* u32 label depth (br, br_if, br_on_null, rethrow, delegate) */
    FS_IMM_BR_TABLE,    /* vec(u32) + u32 default */
    FS_IMM_FUNC,        /* u32 function index (call, return_call, ref.func) */
    FS_IMM_CALL_IND,    /* u32 type index, u32 table index */
    FS_IMM_LOCAL,       /* u32 local index */
    FS_IMM_GLOBAL,      /* u32 global index */
    FS_IMM_TABLE,       /* u32 table index */
    FS_IMM_MEMARG,      /* u32 align (bit 6: memidx follows), [u32 memidx], u64 offset */
    FS_IMM_MEMARG_LANE, /* memarg, then u8 lane */
    FS_IMM_MEM,         /* u32 memory index (memory.size/grow/fill) */
    FS_IMM_I32,         /* s32 */
    FS_IMM_I64,         /* s64 */
    FS_IMM_F32,         /* 4 raw bytes */
    FS_IMM_F64,         /* 8 raw bytes */
    FS_IMM_V128,        /* 16 raw bytes (v128.const, i8x16.shuffle) */
    FS_IMM_LANE,        /* u8 lane index */
    FS_IMM_SELECT_T,    /* vec(valtype) */
    FS_IMM_HEAPTYPE,    /* s33 heap type (ref.null, ref.test, ref.cast) */
    FS_IMM_DATA,        /* u32 data index (data.drop) */
    FS_IMM_ELEM,        /* u32 elem index (elem.drop) */
    FS_IMM_MEMINIT,     /* u32 data index, u32 memory index */
    FS_IMM_MEMCOPY,     /* u32 dst memory, u32 src memory */
    FS_IMM_TABLEINIT,   /* u32 elem index, u32 table index */
    FS_IMM_TABLECOPY,   /* u32 dst table, u32 src table */
    FS_IMM_TAG,         /* u32 tag index (throw, catch) */
    FS_IMM_TRY_TABLE,   /* blocktype, vec(catch clause) */
    FS_IMM_TYPE,        /* u32 type index (call_ref, struct.new, array.*) */
    FS_IMM_TYPE_FIELD,  /* u32 type index, u32 field index */
    FS_IMM_TYPE_TYPE,   /* u32 type index, u32 type index (array.copy) */
    FS_IMM_TYPE_DATA,   /* u32 type index, u32 data index */
    FS_IMM_TYPE_ELEM,   /* u32 type index, u32 elem index */
    FS_IMM_TYPE_LEN,    /* u32 type index, u32 length (array.new_fixed) */
    FS_IMM_BR_ON_CAST,  /* u8 flags, u32 label, heaptype, heaptype */
    FS_IMM_ORDER,       /* one ordering byte (atomic.fence): 0 seqcst, 1 acqrel, 2 relaxed */
    FS_IMM_MEMARG_ORD,  /* atomic memarg: bit 4 of the alignment: an ordering byte
                         * (0, 1, 2) follows the memidx, before the offset */
    FS_IMM_MEMARG_RMW,  /* the same for read-modify-write: the byte holds the
                         * order twice (0x00, 0x11, 0x22) */
    FS_IMM_RESUME,      /* u32 type index, vec(handler) (resume, resume_throw_ref);
                         * a handler: 0x00 tag label | 0x01 tag */
    FS_IMM_RESUME_THROW,/* u32 type index, u32 tag, vec(handler) */
    FS_IMM_TYPE_TAG,    /* u32 type index, u32 tag (switch) */
    FS_IMM_STRING,      /* u32 string literal index (string.const) */
    FS_IMM_ORD_TYPE_FIELD,     /* order byte, u32 type, u32 field (struct.atomic.get/set) */
    FS_IMM_ORD_RMW_TYPE_FIELD, /* doubled order byte, u32 type, u32 field (struct.atomic.rmw.*) */
    FS_IMM_ORD_TYPE,           /* order byte, u32 type (array.atomic.get/set) */
    FS_IMM_ORD_RMW_TYPE,       /* doubled order byte, u32 type (array.atomic.rmw.*) */
    FS_IMM_COUNT
} fs_imm;

typedef enum fs_op_id {
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe) FS_OP_##id,
#include "opcodes.def"
#undef FS_OP
    FS_OP_COUNT
} fs_op_id;

typedef struct fs_op_info {
    uint16_t    prefix;   /* 0, 0xFB, 0xFC, 0xFD, 0xFE */
    uint16_t    code;
    uint8_t     imm;      /* fs_imm */
    const char *text;
    uint8_t     safe;     /* the SAFE column */
    uint8_t     npops;    /* strlen(pops), strlen(pushes): 1 for "*" */
    uint8_t     npushes;
    const char *pops;
    const char *pushes;
} fs_op_info;

/* Bytes of the binary format that are not opcodes, for the encoders. */
enum {
    FS_VT_I32 = 0x7F, FS_VT_I64 = 0x7E, FS_VT_F32 = 0x7D, FS_VT_F64 = 0x7C,
    FS_VT_V128 = 0x7B, FS_VT_FUNCREF = 0x70,
    FS_VT_REF = 0x64, FS_VT_REF_NULL = 0x63,   /* followed by a heap type */
    FS_BT_EMPTY_BYTE = 0x40,                   /* the empty block type */
    FS_FUNC_TYPE_FORM = 0x60                   /* a function type in the type section */
};
enum {
    FS_SEC_CUSTOM = 0, FS_SEC_TYPE = 1, FS_SEC_IMPORT = 2, FS_SEC_FUNCTION = 3,
    FS_SEC_TABLE = 4, FS_SEC_MEMORY = 5, FS_SEC_GLOBAL = 6, FS_SEC_EXPORT = 7,
    FS_SEC_START = 8, FS_SEC_ELEM = 9, FS_SEC_CODE = 10, FS_SEC_DATA = 11,
    FS_SEC_DATA_COUNT = 12, FS_SEC_TAG = 13, FS_SEC_STRINGS = 14
};

/* Slot ranges of the flat lookup array, per prefix; each range must
 * exceed the largest code in use (opcode.c asserts it at compile time). */
#define FS_OP_BASE_FB 256u
#define FS_OP_BASE_FC (FS_OP_BASE_FB + 192u)   /* stringref's run to 0xB6 */
#define FS_OP_BASE_FD (FS_OP_BASE_FC + 64u)
#define FS_OP_BASE_FE (FS_OP_BASE_FD + 512u)
#define FS_OP_SLOTS   (FS_OP_BASE_FE + 128u)

extern const fs_op_info fs_op_rows[FS_OP_COUNT];
extern const uint8_t    fs_op_imm[FS_OP_COUNT];     /* rows[id].imm, packed for the decoder */
extern const uint16_t   fs_op_slots[FS_OP_SLOTS];   /* id + 1, 0 = unknown */

/* Row for an id; never NULL for id < FS_OP_COUNT. */
static inline const fs_op_info *fs_op_info_of(fs_op_id id)
{
    return id < FS_OP_COUNT ? &fs_op_rows[id] : (const fs_op_info *)0;
}

/* Looks an opcode up; returns FS_OP_COUNT when the pair is unknown.
 * One array read: the decoder calls this for every instruction. */
static inline fs_op_id fs_op_lookup(unsigned prefix, uint32_t code)
{
    unsigned base, limit;
    switch (prefix) {
    case 0:    base = 0;             limit = 256; break;
    case 0xFB: base = FS_OP_BASE_FB; limit = 192; break;
    case 0xFC: base = FS_OP_BASE_FC; limit = 64;  break;
    case 0xFD: base = FS_OP_BASE_FD; limit = 512; break;
    case 0xFE: base = FS_OP_BASE_FE; limit = 128; break;
    default:   return FS_OP_COUNT;
    }
    if (code >= limit)
        return FS_OP_COUNT;
    unsigned v = fs_op_slots[base + code];
    return v ? (fs_op_id)(v - 1) : FS_OP_COUNT;
}

#endif
