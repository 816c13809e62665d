/* paths.h - why a function is in the closure: a shortest call path from
 * it to a root, as data.
 *
 * The closure is computed breadth-first over the reversed graph from the
 * roots (closure.c: a FIFO worklist, every root and, under the asyncify
 * policy, every function holding a call_indirect entered before the loop;
 * each call edge and each indirect edge counts one).  A function's `next`
 * is the callee it was first reached from, so following `next` walks a
 * BFS tree: the path has as few calls as any path to a root (or to an
 * asyncify-policy source) can have.  tests/onlylist/test_paths.c checks
 * that claim against distances computed independently.
 */
#ifndef FS_PATHS_H
#define FS_PATHS_H

#include "closure.h"

typedef struct fs_path_step {
    uint32_t func;      /* function at this step (imports included) */
    uint32_t site;      /* call site in func taking the path on (index into
                           m->calls), or UINT32_MAX at the last step */
    uint8_t  via;       /* how func entered the closure: fs_via */
} fs_path_step;

typedef struct fs_path {
    fs_path_step *steps;
    uint32_t      n;         /* steps; calls = n - 1, plus one if policy_end */
    int           policy_end; /* ends on a call_indirect that may unwind by
                                 itself (--indirect asyncify): the last
                                 step's site is that call */
} fs_path;

/* The path from F (any function with c->unwinds[f]) to where its unwind
 * begins.  FS_ERR_USAGE when F is not reached at all. */
int  fs_path_find(const fs_closure *c, const fs_graph *g, uint32_t f, fs_path *out,
                  fs_error *err);
void fs_path_free(fs_path *p);

/* Kind of call site as a word: direct, tail, indirect, tail indirect, ref,
 * tail ref. */
const char *fs_path_call_kind(uint8_t kind);

/* A function type as "(i32 i32) -> i32": params in parentheses, then
 * "()" for no result, the result, or "(r1 r2)".  Cut to CAP. */
void fs_path_type_sig(const fs_wasm_module *m, uint32_t type, char *buf, size_t cap);

/* A value type's text form: i32 ... v128, funcref, (ref null 3), ... */
void fs_path_valtype(fs_valtype t, char *buf, size_t cap);

#endif
