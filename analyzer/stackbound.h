/* stackbound.h - the worst-case unwind save area along one call path.
 *
 * When a fork unwinds, every instrumented frame between the entry point
 * the host called and the unwind point writes its state (call-site index
 * plus saved locals) into one save area that the host sized in advance
 * (Emscripten's default is 4096 bytes; overflowing it is a plain
 * `unreachable`).  The bound is the largest sum of frame sizes over call
 * paths entry -> ... -> unwind point that use only unwind-capable sites
 * (fs_closure_site_unwinds) between closure functions.
 *
 * Entries are the closure functions that are exported or the start
 * function, plus the closure functions that a runtime-top function
 * (Asyncify's host-side driver, closure.h) calls: the unwind stops there.
 * Indirect sites reach the address-taken closure functions whose type
 * (or a declared supertype) is the site's canonical type, whatever the
 * policy: a call_indirect of another type traps, so no path through it
 * exists at run time.  Tail calls are counted as ordinary calls (an upper
 * bound; Asyncify cannot instrument them anyway).
 *
 * A cycle among closure functions through unwind-capable sites that an
 * entry reaches makes the bound unbounded: recursion can unwind at any
 * depth.  The first such cycle found (depth-first from the entries in
 * index order, callees in site order) is named.
 *
 * The frame size per function is an input, so the same walk serves the
 * model's estimate (fs_stack_frames_estimate, labelled "estimated") and
 * exact per-function frames from an instrumentation (labelled measured).
 * One depth-first pass, O(functions + call sites + indirect targets).
 */
#ifndef FS_STACKBOUND_H
#define FS_STACKBOUND_H

#include "closure.h"

/* Emscripten's default ASYNCIFY_STACK_SIZE. */
#define FS_STACK_DEFAULT_LIMIT 4096u

typedef struct fs_stack_bound {
    int       unbounded;    /* recursion through unwind-capable sites */
    uint64_t  bytes;        /* worst-case save-area bytes (0 when unbounded) */
    uint32_t *path;         /* function indices, entry first; when unbounded,
                               entry ... cycle[0] */
    uint32_t  npath;
    uint32_t *cycle;        /* cycle[0] -> cycle[1] -> ... -> cycle[0] */
    uint32_t  ncycle;
    uint32_t  entries;      /* entry points in the closure */
} fs_stack_bound;

/* The estimated frame of every closure function: 4 bytes for the call-site
 * index plus 4 per i32/f32, 8 per i64/f64 and 16 per v128 local (params
 * included); reference locals cannot be saved and add nothing.  Other
 * functions get 0.  frame has m->nfuncs entries. */
void fs_stack_frames_estimate(const fs_wasm_module *m, const fs_closure *c, uint32_t *frame);

/* Computes the bound with FRAME[f] bytes per function (m->nfuncs entries;
 * only closure members are read).  Never prints. */
int  fs_stack_bound_compute(const fs_closure *c, const fs_graph *g, const uint32_t *frame,
                            fs_stack_bound *out, fs_error *err);
void fs_stack_bound_free(fs_stack_bound *b);

#endif
