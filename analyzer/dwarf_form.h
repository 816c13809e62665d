/* dwarf_form.h - the size of a DWARF attribute value, by form.
 *
 * One table of form sizes (DWARF 2 to 5 and the GNU forms compilers
 * write for wasm), shared by the two DIE walkers: dwarf_info.c, which
 * decodes the values it keeps, and instrument/fi_dinfo.c, which patches
 * values in place and must step over every other one exactly as the
 * reader does.
 */
#ifndef FS_DWARF_FORM_H
#define FS_DWARF_FORM_H

#include <stddef.h>
#include <stdint.h>

enum { FS_DWARF_FORM_SHORT = -1,     /* the value runs past AVAIL bytes */
       FS_DWARF_FORM_UNKNOWN = -2 }; /* a form this table does not know */

/* The size in bytes of a value of FORM at P (AVAIL bytes readable), in a
 * unit of VERSION with ADDRSZ-byte addresses and OFFSZ-byte offsets (4 for
 * 32-bit DWARF).  DW_FORM_implicit_const takes no byte; DW_FORM_indirect
 * is the caller's (it names another form): FS_DWARF_FORM_UNKNOWN. */
int64_t fs_dwarf_form_size(uint32_t form, const uint8_t *p, size_t avail, unsigned version,
                           unsigned addrsz, unsigned offsz);

#endif
