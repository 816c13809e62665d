/* symbols.h - function names from a symbol map, for stripped modules.
 *
 * `emcc --emit-symbol-map` (and Binaryen's --print-function-map) write one
 * line per function, "INDEX:NAME", INDEX in the function index space
 * (imports first).  fs_symbols_apply gives each function that has no
 * name-section name the map's name, marked name_from_symbols (Binaryen
 * does not know these names, so its lists never use them).  A function the
 * name section already names keeps that name.  The names are kept raw
 * (mangled): the report demangles them for display (demangle.h), while
 * --root and Binaryen's lists match the raw names.
 */
#ifndef FS_SYMBOLS_H
#define FS_SYMBOLS_H

#include "wasm.h"

typedef struct fs_symbols {
    char     *buf;          /* the file, which the names point into */
    uint32_t  lines;        /* entries read */
    uint32_t  applied;      /* functions named by the map */
    uint32_t  kept;         /* entries for functions the name section names */
} fs_symbols;

/* Reads PATH and names M's functions from it.  A line that is not
 * INDEX:NAME, or an INDEX past the module's functions, is malformed input
 * (FS_ERR_MALFORMED, err naming the file and the line); an unreadable file
 * is FS_ERR_IO.  S must outlive M's use of the names. */
int  fs_symbols_apply(fs_wasm_module *m, const char *path, fs_symbols *s, fs_error *err);
void fs_symbols_free(fs_symbols *s);

#endif
