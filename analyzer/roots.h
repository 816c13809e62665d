/* roots.h - root specifications: where an unwind can begin.
 *
 *   import:GLOB   function imports whose "module.field" matches
 *   func:GLOB     functions whose name-section name matches
 *   export:GLOB   functions exported under a matching name
 *   index:N       the function with index N (imports first)
 *   call:CALLER->CALLEE
 *                 only the direct calls from a function named CALLER to a
 *                 function named CALLEE (an import's "module.field", or a
 *                 name-section name): both globs
 *
 * A matched import is an unwind point: every call to it can unwind.  A
 * matched defined function begins an unwind itself (its calls to imports
 * are its unwind points) and is instrumented with its callers.
 * A call-site root makes only its matched call sites unwind points: the
 * caller is instrumented with its callers, the callee is not (unless
 * something else puts it in the closure), and other calls to the callee
 * stay plain.  A syscall-multiplexing ABI, where every syscall goes
 * through one import, otherwise drags every function that makes any
 * syscall into the closure.
 */
#ifndef FS_ROOTS_H
#define FS_ROOTS_H

#include "wasm.h"

typedef enum fs_root_kind {
    FS_ROOT_IMPORT, FS_ROOT_FUNC, FS_ROOT_EXPORT, FS_ROOT_INDEX, FS_ROOT_CALL
} fs_root_kind;

typedef struct fs_root_spec {
    fs_root_kind kind;
    char         text[256];     /* the spec as given, e.g. "import:env.fork" */
    const char  *pattern;       /* points into text, after the colon */
    uint32_t     index;         /* for index: */
    uint32_t     arrow;         /* for call: offset of "->" in text */
    uint32_t     matched;       /* functions matched (filled by fs_roots_match;
                                   for call:, the call sites matched) */
    uint32_t     matched_no_import_calls; /* func:/export:/index: matches that call no import */
} fs_root_spec;

/* The defaults used when no --root is given. */
extern const char *const fs_roots_default[];
extern const unsigned fs_roots_ndefault;

/* Copies N specs.  A spec's pattern points into its own text, so each
 * copy's pattern is re-pointed into the copy. */
void fs_roots_copy(fs_root_spec *dst, const fs_root_spec *src, unsigned n);

/* Parses one spec; FS_ERR_USAGE with a message when it is not valid. */
int fs_roots_parse(const char *text, fs_root_spec *out, fs_error *err);

/* Marks roots: is_root[f] = 1 for every matched function (index space).
 * Fills each spec's counters.  Returns the number of matched functions. */
uint32_t fs_roots_match(const fs_wasm_module *m, fs_root_spec *specs, unsigned nspecs,
                        uint8_t *is_root);

/* Marks the call sites call: specs match: site_root[s] = 1 (m->ncalls
 * entries).  Fills those specs' counters (matched = sites).  Returns the
 * number of sites marked, or UINT32_MAX without memory. */
uint32_t fs_roots_match_sites(const fs_wasm_module *m, fs_root_spec *specs, unsigned nspecs,
                              uint8_t *site_root);

/* Shell-style glob match over a byte string (not NUL-terminated):
 * '*', '?', '[...]' and '\' escapes, as fnmatch(3) without flags. */
int fs_glob_match(const char *pattern, const char *s, size_t len);

#endif
