/* opcode.c - the lookup arrays generated from opcodes.def.
 *
 * The lookup is a flat array indexed by (prefix base + code), filled by
 * designated initializers from the same table, so it costs one load per
 * instruction and needs no start-up work or locking.  A duplicate
 * (prefix, code) row is a compile error (-Woverride-init under -Werror).
 */
#include "opcode.h"

#define SLOT(pfx, code)                                                        \
    (((pfx) == 0 ? 0u : (pfx) == 0xFB ? FS_OP_BASE_FB : (pfx) == 0xFC ? FS_OP_BASE_FC \
      : (pfx) == 0xFD ? FS_OP_BASE_FD : FS_OP_BASE_FE) + (unsigned)(code))

const fs_op_info fs_op_rows[FS_OP_COUNT] = {
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe)                   \
    [FS_OP_##id] = { pfx, code, FS_IMM_##imm, text, safe, sizeof pops - 1,      \
                     sizeof pushes - 1, pops, pushes },
#include "opcodes.def"
#undef FS_OP
};

const uint8_t fs_op_imm[FS_OP_COUNT] = {
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe) [FS_OP_##id] = FS_IMM_##imm,
#include "opcodes.def"
#undef FS_OP
};

const uint16_t fs_op_slots[FS_OP_SLOTS] = {
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe) \
    [SLOT(pfx, code)] = FS_OP_##id + 1,
#include "opcodes.def"
#undef FS_OP
};

/* Compile-time guard: every code fits the slot range of its prefix. */
#define FS_OP(id, pfx, code, text, imm, pops, pushes, safe)                 \
    _Static_assert(((pfx) == 0 && (code) < 256) ||                          \
                   ((pfx) == 0xFB && (code) < 192) ||                       \
                   ((pfx) == 0xFC && (code) < 64) ||                        \
                   ((pfx) == 0xFD && (code) < 512) ||                       \
                   ((pfx) == 0xFE && (code) < 128), "opcode out of range: " text);
#include "opcodes.def"
#undef FS_OP
