/* dwarf_info.h - compile units and subprogram names from a module's DWARF.
 *
 * Read only when a command needs it (--group-by file|dir|cu, or names for
 * functions the name section does not name): the default --stats never
 * touches the .debug_* sections.  The reader walks .debug_info once, with
 * .debug_abbrev, and the string sections (.debug_str, .debug_line_str,
 * .debug_str_offsets) and .debug_addr where a DWARF 5 form points into
 * them.  It keeps, per defined function, the compile unit whose subprogram
 * has a DW_AT_low_pc equal to the body's offset (in wasm DWARF an address
 * is an offset into the code section's payload, and a function's low_pc is
 * its body after the size LEB), and that subprogram's linkage name or name.
 *
 * Zero-copy: every name points into the mapped module.  The only
 * allocations are one array per defined function, the abbreviation table
 * of the unit being read (grown as read, never sized from a count in the
 * file) and one joined path per compile unit.
 *
 * Malformed DWARF is not an error: the reader stops at the first bad byte,
 * keeps the units it had finished, and fills `warning` with the section and
 * the byte offset (in the file).  Only running out of memory fails.
 */
#ifndef FS_DWARF_INFO_H
#define FS_DWARF_INFO_H

#include "wasm.h"

typedef struct fs_dwarf_cu {
    const char *name;      uint32_t name_len;      /* DW_AT_name as written */
    const char *comp_dir;  uint32_t comp_dir_len;  /* DW_AT_comp_dir, or NULL */
    char       *file;      /* the unit's source file: its name up to a rustc "/@/"
                              suffix, joined to comp_dir when relative (malloc'd) */
    uint32_t    offset;    /* the unit's offset in .debug_info */
} fs_dwarf_cu;

typedef struct fs_dwarf_func {
    uint32_t    cu;        /* index into cus, or UINT32_MAX: no subprogram matched */
    const char *name;      /* linkage name, else name; NULL when neither */
    uint32_t    name_len;
} fs_dwarf_func;

typedef struct fs_dwarf_info {
    int            present;    /* the module has .debug_info */
    fs_dwarf_cu   *cus;        uint32_t ncus;
    fs_dwarf_func *funcs;      /* per defined function (index - nfunc_imports) */
    uint32_t       nfuncs;
    uint32_t       subprograms;   /* subprograms with an address */
    uint32_t       matched;       /* defined functions one of them starts */
    int            has_warning;
    char           warning[320];
    double         ms;            /* time spent reading */
} fs_dwarf_info;

/* Reads M's DWARF into D.  FS_OK also when M has no DWARF (present = 0) or
 * when it is malformed (has_warning); FS_ERR_NOMEM without memory. */
int  fs_dwarf_info_read(const fs_wasm_module *m, fs_dwarf_info *d, fs_error *err);
void fs_dwarf_info_free(fs_dwarf_info *d);

/* Names the functions that have no name from D (name_from_dwarf); returns
 * how many it named. */
uint32_t fs_dwarf_info_name(fs_wasm_module *m, const fs_dwarf_info *d);

#endif
