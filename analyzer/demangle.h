/* demangle.h - C++ (Itanium) and Rust (legacy and v0) symbol demangling.
 *
 * Names from DWARF (DW_AT_linkage_name) and from symbol maps are the
 * linker's mangled names.  Reports show them demangled, the way
 * llvm-cxxfilt writes them (the tests use it as the oracle), and
 * --group-by namespace reads the namespace from the demangled form.
 *
 * The demangler covers what C++ and Rust compilers emit for ordinary code
 * (demangle_itanium.c and demangle_rust.c say which grammar they accept).
 * Anything outside that, or malformed, or longer than the internal
 * bounds, is refused as a whole: a caller never gets a half-demangled
 * name, it keeps the raw one and counts it.  The parse is bounded in depth
 * and in output, so hostile input costs a fixed amount of memory (one
 * heap block of about 55 KiB) and time bounded by those limits.
 */
#ifndef FS_DEMANGLE_H
#define FS_DEMANGLE_H

#include <stddef.h>

/* Longest mangled name, and longest demangled result, ever attempted. */
#define FS_DEMANGLE_MAX_IN  2048
#define FS_DEMANGLE_MAX_OUT 4096

typedef enum fs_demangle_result {
    FS_DEMANGLE_PLAIN   = 0,   /* not a mangled name: show it as it is */
    FS_DEMANGLE_OK      = 1,   /* OUT holds the demangled name */
    FS_DEMANGLE_REFUSED = 2    /* looks mangled but was not demangled */
} fs_demangle_result;

/* True when IN (LEN bytes) starts like a mangled name (_Z or _R). */
int fs_is_mangled(const char *in, size_t len);

/* Demangles IN (LEN bytes, need not be NUL-terminated).  On FS_DEMANGLE_OK
 * OUT holds the NUL-terminated result and *OUTLEN its length; if it does
 * not fit CAP the result is FS_DEMANGLE_REFUSED.  Pure: no global state. */
fs_demangle_result fs_demangle(const char *in, size_t len, char *out, size_t cap,
                               size_t *outlen);

/* fs_demangle, and where the name's namespace is in OUT: *SCOPE_LEN bytes
 * at *SCOPE_OFF, 0 when it has none.  The namespace is what encloses the
 * function: C++ namespaces and classes (geo::Vec for
 * "int geo::Vec::f(int) const"), for a local entity its function's,
 * for a thunk its target's; a Rust path less its last component. */
fs_demangle_result fs_demangle_scope(const char *in, size_t len, char *out, size_t cap,
                                     size_t *outlen, size_t *scope_off, size_t *scope_len);

#endif
