/* culprits.h - which decisions pull functions into the closure, and what
 * each one alone costs.
 *
 * The closure is reachability from the roots over the reversed call graph
 * (closure.h).  Here that reachability is made an explicit graph with a
 * few virtual nodes, so that every decision is one node:
 *
 *   S                 a virtual source
 *   E_r               one per root function r:           S -> E_r -> r
 *   E_i               one per call: root spec i:         S -> E_i -> caller
 *   T_k               one per canonical type k with indirect sites:
 *                       T_k -> every function holding such a site;
 *                       typed:    f -> T_k for an address-taken f whose
 *                                 type (or a declared supertype) is k;
 *                       table:    f -> ANY -> T_k for every k;
 *                       asyncify: S -> T_k (call_indirect sites only)
 *   v -> u            u calls v directly (call, return_call)
 *
 * Runtime-top functions get no edges in (closure.c never enters them).
 * Then the nodes reachable from S are exactly the functions that can
 * unwind (c->unwinds), which fs_culprits_compute checks.
 *
 * A node X dominates Y when every path S -> Y passes through X.  The
 * dominator tree (Lengauer-Tarjan, O(E log V)) gives for every decision
 * what leaves the closure without it:
 *
 *   - root r:         the dominator subtree of E_r (removing the root is
 *                     removing the edge S -> r, which E_r stands for);
 *   - call: spec i:   the subtree of E_i;
 *   - indirect type k: the subtree of T_k (if indirect calls of type k
 *                     could not unwind, T_k would be gone);
 *   - a call edge "u calls v" (reversed: v -> u): the edge is a cut for
 *     the subtree of u exactly when u has one predecessor outside its own
 *     subtree and it is v (then idom(u) = v).  Proof sketch: if every
 *     predecessor w != v of u is dominated by u, a path from S first
 *     reaches u from a node not dominated by u, which can only be v, so
 *     the edge is on every path to u and to everything u dominates;
 *     conversely a predecessor w != v that u does not dominate has a path
 *     from S avoiding u, and with w -> u and a path from u that does not
 *     revisit u it reaches all of u's subtree without the edge, and the
 *     edge dominates nothing outside u's subtree.  When v is T_k, the
 *     "edge" is u's indirect sites of type k.
 *
 * Bytes are the sum of the given per-function weights (the model's
 * cost.total: labelled estimated) over the functions that leave; the
 * remaining functions' own costs are not re-priced.  Policy tightenings
 * (asyncify -> table -> typed -> none) are computed exactly: the closure
 * and the model are recomputed under each stricter policy.  Call-site
 * root suggestions (call:CALLER->IMPORT instead of the import root, for
 * callers named like fork) recompute reachability once each.
 */
#ifndef FS_CULPRITS_H
#define FS_CULPRITS_H

#include "cost.h"

typedef enum fs_culprit_kind {
    FS_CULPRIT_POLICY,     /* a = the stricter policy */
    FS_CULPRIT_ROOT,       /* a = root function */
    FS_CULPRIT_CALLROOT,   /* a = index of a call: spec */
    FS_CULPRIT_TYPE,       /* a = canonical type of indirect sites */
    FS_CULPRIT_EDGE,       /* a = caller, b = callee: u's direct calls to v */
    FS_CULPRIT_EDGE_TYPE,  /* a = caller, b = canonical type: u's indirect sites of it */
    FS_CULPRIT_SITEROOT,   /* a = caller, b = import root: call:a->b instead of the import */
    FS_CULPRIT_NKINDS
} fs_culprit_kind;

typedef struct fs_culprit {
    uint8_t  kind;
    uint32_t a, b;
    uint32_t sites;        /* call sites the decision is about */
    uint32_t owners;       /* TYPE: closure functions holding its sites */
    uint32_t functions;    /* closure functions that leave */
    uint32_t joined;       /* POLICY: functions that join */
    int64_t  bytes;        /* weight that leaves (POLICY: exact total change, saved > 0) */
    int64_t  measured;     /* sum of measured deltas of the functions that leave */
    uint32_t measured_functions;
} fs_culprit;

typedef struct fs_culprits {
    fs_culprit *items;     /* by kind, then bytes descending, functions, a, b */
    uint32_t    n, cap;
    uint32_t    kind_off[FS_CULPRIT_NKINDS + 1]; /* items of kind k: [kind_off[k], kind_off[k+1]) */
    uint32_t    closure;   /* closure functions */
    uint64_t    closure_bytes;
    uint32_t    nodes, edges;
    uint32_t    mismatch;  /* functions whose reachability disagrees with c->unwinds (0) */
} fs_culprits;

typedef struct fs_culprits_input {
    const fs_graph        *g;
    const fs_closure      *c;
    const fs_root_spec    *specs;  unsigned nspecs;
    const uint64_t        *weight;     /* per function: the model's cost.total */
    const fs_cost_profile *profile;    /* to re-price the policy tightenings */
    const uint8_t         *measured;   /* per function: a measured delta exists (or NULL) */
    const int64_t         *delta;      /* per function: the measured delta */
} fs_culprits_input;

int  fs_culprits_compute(const fs_culprits_input *in, fs_culprits *out, fs_error *err);
void fs_culprits_free(fs_culprits *cu);

#endif
