/* closure.h - the fork-path closure under an indirect-call policy.
 *
 * The closure is every defined function from which a root can be reached
 * through direct calls, tail calls and the indirect calls the policy lets
 * reach a member.  It is computed once, as a worklist over the reversed
 * graph, so each call site and each canonical type is visited at most once.
 */
#ifndef FS_CLOSURE_H
#define FS_CLOSURE_H

#include "graph.h"
#include "roots.h"

typedef enum fs_policy {
    FS_POLICY_ASYNCIFY,   /* every function with an indirect call can unwind */
    FS_POLICY_TABLE,      /* an indirect call can reach any address-taken function */
    FS_POLICY_TYPED,      /* ... only those whose type matches (the default) */
    FS_POLICY_NONE        /* indirect calls never unwind */
} fs_policy;

extern const char *const fs_policy_name[4];

/* Parses a policy name; returns -1 when unknown. */
int fs_policy_parse(const char *s);

/* How a function entered the closure, for explanations (--why). */
typedef enum fs_via {
    FS_VIA_NONE,          /* not in the closure */
    FS_VIA_ROOT,          /* matched a root spec */
    FS_VIA_CALL,          /* calls `next` directly (or tail-calls it) */
    FS_VIA_INDIRECT,      /* an indirect site may reach `next` */
    FS_VIA_POLICY         /* asyncify policy: contains an indirect call */
} fs_via;

/* A function's role in Asyncify's own runtime (see closure.c). */
enum { FS_RUNTIME_NONE, FS_RUNTIME_BOTTOM, FS_RUNTIME_TOP };

typedef struct fs_closure {
    fs_policy  policy;
    uint8_t   *is_root;     /* per function: matched a root spec */
    uint8_t   *in;          /* per function: defined and in the closure */
    uint8_t   *unwinds;     /* per function: a call to it can unwind */
    uint8_t   *via;         /* per function: fs_via */
    uint32_t  *next;        /* per function: the callee it was reached from */
    uint32_t  *site;        /* per function: the call site (index into calls) */
    uint32_t  *callsites;   /* per function: call sites that can unwind */
    uint8_t   *type_live;   /* per canonical type: an indirect call of it can unwind */
    int        any_live;    /* some address-taken function can unwind */
    uint8_t   *runtime;     /* per function: FS_RUNTIME_* */
    uint8_t   *site_root;   /* per call site: a call: root matched it (begins an unwind) */
    uint32_t   nsite_roots; /* call sites matched by call: roots */
    uint32_t   ignored_ref_sites; /* call_ref sites the asyncify policy ignores */
    uint32_t   size;        /* defined functions in the closure */
    uint32_t   nroots;      /* functions matched by roots, plus the callers
                               of call: roots' sites */
} fs_closure;

/* Computes the closure.  specs/nspecs are matched here (their counters
 * are filled).  Never prints. */
int  fs_closure_compute(fs_closure *c, const fs_graph *g, fs_root_spec *specs, unsigned nspecs,
                        fs_policy policy, fs_error *err);
void fs_closure_free(fs_closure *c);

/* May call site CALL (index into m->calls) begin or continue an unwind? */
int  fs_closure_site_unwinds(const fs_closure *c, const fs_graph *g, uint32_t call);

#endif
