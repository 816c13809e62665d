/* analysis.h - one module through the whole pipeline:
 * decode -> graph -> closure -> cost -> report.  Returns data, prints
 * nothing; the CLI (and later compare/diff) decide what to show. */
#ifndef FS_ANALYSIS_H
#define FS_ANALYSIS_H

#include "report.h"

typedef struct fs_analysis_opts {
    const fs_root_spec    *roots;  unsigned nroots;
    int                    roots_default;
    fs_policy              policy;
    const fs_cost_profile *profile;
    const char            *tool_version;
} fs_analysis_opts;

typedef struct fs_analysis {
    fs_wasm_module m;
    fs_graph       g;
    fs_closure     c;
    fs_root_spec   roots[64];
    unsigned       nroots;
    fs_cost       *costs;
    uint32_t      *unsaveable;
    fs_report      report;
} fs_analysis;

/* Runs the pipeline on PATH.  On failure err names the problem (with the
 * byte offset for malformed input); a is always safe to free. */
int  fs_analysis_run(fs_analysis *a, const char *path, const fs_analysis_opts *o, fs_error *err);
void fs_analysis_free(fs_analysis *a);

#endif
