/* whatif.h - forkinstr's optimization steps, each emitted and measured.
 *
 * The cumulative steps of the review's what-if question, on one module:
 *   1. stage naive under the given policy;
 *   2. + cse (the frame pointer loaded once per prologue/epilogue);
 *   3. + live (only locals live after a site are saved);
 *   4. + each tighter indirect-call policy in turn (asyncify -> table ->
 *      typed), at stage live: tightening the selection is the policy.
 *   5. + trampoline (one dispatch per level instead of nested wraps), under the
 *      last step's policy.
 * Every step runs the emitter for real (not the dry run), so its bytes are
 * measured.
 */
#ifndef FS_WHATIF_H
#define FS_WHATIF_H

#include <stdio.h>

#include "forkinstr.h"
#include "graph.h"
#include "roots.h"

#define FS_WHATIF_MAX 8

typedef struct fs_whatif_step {
    char      what[64];        /* "naive (asyncify)", "+ cse", "+ typed", ... */
    int       stage;           /* FS_FI_* */
    fs_policy policy;
    uint32_t  closure;         /* functions in the closure */
    uint32_t  instrumented, refused;
    uint64_t  added;           /* code section growth */
    int64_t   saving;          /* bytes fewer than the previous step */
    double    share;           /* saving / the first step's bytes */
    double    growth;          /* added / code before */
    uint64_t  term[FS_FI_NTERMS];
    uint64_t  sites, wraps, levels;
    const char *label;         /* "measured" */
} fs_whatif_step;

typedef struct fs_whatif {
    fs_whatif_step step[FS_WHATIF_MAX];
    unsigned       nsteps;
    uint64_t       code_before;
} fs_whatif;

/* Runs the steps on M (graph G) from SPECS under POLICY.  Never prints. */
int fs_whatif_run(const fs_wasm_module *m, const fs_graph *g, const fs_root_spec *specs,
                  unsigned nspecs, fs_policy policy, fs_whatif *w, fs_error *err);

/* Prints W (the module's report R gives path, sha256, roots) as text,
 * md, csv or json (schema forksize/whatif@1). */
struct fs_report;
int fs_emit_whatif(const fs_whatif *w, const struct fs_report *r, int format, FILE *out,
                   fs_error *err);

#endif
