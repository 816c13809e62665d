/* walk.h - one walker over function bodies: each instruction with its
 * opcode id and decoded immediates.
 *
 * The split follows WABT's binary reader and its delegate: the walker
 * reads the bytes, driven by the rows of opcodes.def, and hands every
 * instruction, fully decoded, to a delegate that does whatever it is for
 * and never touches the encoding itself.  forkinstr's planner is such a
 * delegate (fs_walk_body).  The decoder's own body pass (body.c) runs
 * the same reading code one instruction at a time (fs_instr_op and
 * fs_instr_imm in decode_int.h), behind a fast path for the commonest
 * single-byte instructions, so immediates are decoded in one place only.
 *
 * Nothing is copied: vectors whose length is in the bytes (br_table's
 * labels, try_table's catch clauses) and constant bytes are given as
 * pointers into the module's bytes; read their LEBs with fs_leb_u32.
 */
#ifndef FS_WALK_H
#define FS_WALK_H

#include <stdint.h>

#include "leb.h"
#include "wasm.h"

/* How a block type was given. */
enum { FS_BT_EMPTY, FS_BT_VALUE, FS_BT_TYPE };

/* One instruction.  op, offset and len are always set; which other
 * fields are follows the row's immediate kind (fs_op_rows[op].imm), and
 * the rest keep what they held (nothing is cleared per instruction). */
typedef struct fs_instr {
    fs_op_id       op;
    uint32_t       offset;   /* file offset of the opcode */
    uint32_t       len;      /* bytes of the opcode and its immediates */
    /* The first index immediate (label, function, local, global, table,
     * memory, type, data, elem or tag index), or the vector length of
     * br_table (targets without the default), select t* and try_table. */
    uint32_t       idx;
    /* The second: call_indirect's table, memory.init's and the copies'
     * second index, a field index, array.new_fixed's length. */
    uint32_t       idx2;
    int64_t        value;    /* i32.const, i64.const */
    uint64_t       mem_offset;   /* memarg */
    uint32_t       align;        /* memarg: alignment exponent */
    uint32_t       memidx;       /* memarg: memory index (0 when absent) */
    uint8_t        lane;     /* lane index; br_on_cast's flags */
    uint8_t        order;    /* atomics: 0 seqcst (also when absent), 1 acqrel, 2 relaxed */
    uint8_t        has_order; /* the order was written (memarg bit 4, or a fence's non-zero byte) */
    uint8_t        bt;       /* FS_BT_*: block, loop, if, try, try_table */
    uint32_t       bt_type;  /* FS_BT_TYPE: the type index */
    /* FS_BT_VALUE: the result type; select t*: the last type ({i32}
     * when none); ref.null, ref.test, ref.cast, br_on_cast: heap type
     * in .heap */
    fs_valtype     type;
    int32_t        heap2;    /* br_on_cast: the second heap type */
    uint8_t        heap2_flags; /* its FS_HT_* prefix flags */
    uint8_t        xref;     /* FS_HT_* flags of every heap type in the immediates */
    /* br_table: the idx + 1 label LEBs (the default last); try_table:
     * its idx catch clauses; f32/f64/v128 constants and shuffles: the
     * raw bytes */
    const uint8_t *vec;
} fs_instr;

/* A delegate: called once per instruction, in order.  Returns 0 to go
 * on, anything else to stop the walk (fs_walk_body returns FS_OK).  It
 * may also longjmp out: the walker holds no resources. */
typedef int (*fs_walk_fn)(void *ctx, const fs_instr *in);

/* Walks the instructions of defined function FUNC of the decoded module
 * M, the final end included, calling FN for each.  Returns FS_OK, or
 * FS_ERR_MALFORMED with ERR filled when the bytes do not decode (never
 * for a module fs_wasm_decode accepted). */
int fs_walk_body(const fs_wasm_module *m, uint32_t func, fs_walk_fn fn, void *ctx,
                 fs_error *err);

/* Visits the local declarations of defined function FUNC, params first
 * (as runs of one): (first local index, count, value type), in order.
 * Runs past FS_MAX_LOCALS cannot occur: the decoder refused them. */
typedef void (*fs_walk_local_fn)(void *ctx, uint32_t first, uint32_t count, fs_valtype t);
void fs_walk_locals(const fs_wasm_module *m, uint32_t func, fs_walk_local_fn fn, void *ctx);

#endif
