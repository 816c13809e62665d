/* cost.h - the estimated cost model: fixed + B*callsites + per-local bytes.
 *
 * This is a model, not a measurement: every figure it yields is labelled
 * "estimated".  Per local it charges the bytes of one save and one restore
 * as an Asyncify-style frame would spell them, LEB-aware:
 *
 *   save:    local.get $fp  local.get $x  T.store align offset
 *   restore: local.get $fp  T.load  align offset  local.set $x
 *
 * so a local whose index needs a two-byte LEB, or whose frame offset
 * does, costs more.  $fp is a new local appended after the existing ones.
 * Reference-typed locals cannot be stored to linear memory; they cost 0
 * here and are counted apart so the report can say so.
 */
#ifndef FS_COST_H
#define FS_COST_H

#include "closure.h"

typedef struct fs_cost_profile {
    const char *name;
    double      fixed;      /* A: bytes per instrumented function */
    double      callsite;   /* B: bytes per unwind-capable call site */
    double      local_i32;  /* C: bytes for a narrow i32 local (index and offset < 128) */
    int         overridden; /* set by --model */
} fs_cost_profile;

/* dispatch is forkinstr's rewind re-entry term; the model has none. */
typedef struct fs_cost {
    uint64_t fixed, callsite, local, total;
    uint64_t dispatch;
} fs_cost;

extern const fs_cost_profile fs_cost_seed;

/* Per-kind save+restore bytes at narrow LEB widths under PROFILE; kind
 * FS_VK_REF yields 0.  These are the per-local coefficients we report. */
double fs_cost_local_bytes(const fs_cost_profile *p, fs_valkind kind);

/* Parses "A,B,C" into a copy of the seed profile marked overridden. */
int fs_cost_parse_model(const char *text, fs_cost_profile *out, fs_error *err);

/* Estimates every defined function in the closure (others get zeros).
 * out has m->nfuncs entries.  unsaveable (optional) receives per-function
 * reference-typed locals that the model could not price. */
void fs_cost_estimate(const fs_wasm_module *m, const fs_closure *c, const fs_cost_profile *p,
                      fs_cost *out, uint32_t *unsaveable);

#endif
