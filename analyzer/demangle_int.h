/* demangle_int.h - the demanglers behind fs_demangle (demangle.h).  Each
 * returns 1 with OUT (CAP bytes) holding the NUL-terminated result and
 * *OUTLEN its length, or 0 when it refuses the name. */
#ifndef FS_DEMANGLE_INT_H
#define FS_DEMANGLE_INT_H

#include <stddef.h>

/* *SCOPE_OFF, *SCOPE_LEN: the function's namespace within OUT. */
int fs_dm_itanium(const char *in, size_t len, char *out, size_t cap, size_t *outlen,
                  size_t *scope_off, size_t *scope_len);
/* fs_dm_rust_legacy also returns -1: a legacy Rust name whose text does
 * not fit OUT. */
int fs_dm_rust_legacy(const char *in, size_t len, char *out, size_t cap, size_t *outlen);
int fs_dm_rust_v0(const char *in, size_t len, char *out, size_t cap, size_t *outlen);

#endif
