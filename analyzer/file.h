/* file.h - a whole small file read into memory.
 *
 * Modules are mmap'd by the decoder; this is for the small text inputs
 * around them (symbol maps, --list files, wasm-opt's function maps), which
 * are parsed in place and so want a private, NUL-terminated copy.  One
 * reader serves every layer, so a short read, an I/O error and a failed
 * allocation are told apart the same way everywhere.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stddef.h>

#include "wasm.h"

/* Reads all of PATH into *BUF (malloc'd, NUL-terminated; *LEN excludes the
 * NUL).  On failure returns FS_ERR_IO or FS_ERR_NOMEM with a message that
 * does not repeat the path ("cannot open: ...", "cannot read: ..."), the
 * caller names the file, and leaves *BUF NULL. */
int fs_file_read(const char *path, char **buf, size_t *len, fs_error *err);

#endif
