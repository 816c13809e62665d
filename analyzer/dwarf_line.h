/* dwarf_line.h - the DWARF line-number program (.debug_line), read.
 *
 * A .debug_line section is a run of units, each a header (version,
 * the opcode parameters, the directory and file tables) and a program
 * whose opcodes drive a state machine that emits rows (address, file,
 * line, column, flags).  This reader checks every bound, accepts DWARF
 * versions 2 to 5 in the 32-bit format with one operation per
 * instruction (what clang and Emscripten write for wasm), and hands each
 * row to a callback.  Everything else is refused with a reason and the
 * byte offset: FS_ERR_UNSUPPORTED for a version, format or opcode it
 * does not handle, FS_ERR_MALFORMED for bytes that break the format.
 * Nothing is allocated; the section must outlive the unit.
 */
#ifndef FS_DWARF_LINE_H
#define FS_DWARF_LINE_H

#include <stdint.h>

#include "wasm.h"

typedef struct fs_dline_row {
    uint64_t address;
    int64_t  line;
    uint32_t file, column, isa, discriminator;
    uint8_t  is_stmt, basic_block, end_sequence, prologue_end, epilogue_begin;
} fs_dline_row;

typedef struct fs_dline_unit {
    uint32_t off, end;        /* the unit, unit_length included, in the section */
    uint32_t hdr, prog;       /* after unit_length (the version); the program */
    uint16_t version;
    uint8_t  addr_size;       /* v5: from the header; else 0 (see the rows' set_address) */
    uint8_t  min_inst, default_is_stmt, line_range, opcode_base;
    int8_t   line_base;
} fs_dline_unit;

/* A row; a nonzero return stops the walk and is returned. */
typedef int (*fs_dline_row_fn)(void *ctx, const fs_dline_row *row);

/* Reads the header of the unit at OFF of section SEC (SIZE bytes).
 * BASE is the section's file offset, for the error's offset. */
int fs_dline_unit_read(const uint8_t *sec, uint32_t size, uint32_t off, uint64_t base,
                       fs_dline_unit *u, fs_error *err);

/* Runs U's program, calling FN for every row in order (end_sequence rows
 * included).  *ADDR_SIZE gets the operand size of its DW_LNE_set_address
 * (0 if none). */
int fs_dline_unit_rows(const uint8_t *sec, const fs_dline_unit *u, uint64_t base,
                       fs_dline_row_fn fn, void *ctx, uint8_t *addr_size, fs_error *err);

#endif
