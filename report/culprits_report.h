/* culprits_report.h - forksize culprits over one analysis (report layer).
 *
 * analyzer/culprits.h ranks the decisions that pull functions into the
 * closure; this runs it over an analysis (each function weighted by its
 * cost, and by its measured growth after --apply asyncify) and writes the
 * ranking as text or as a forksize/culprits@1 document (docs/json-schema.md).
 * Prints nothing else.
 */
#ifndef FS_CULPRITS_REPORT_H
#define FS_CULPRITS_REPORT_H

#include <stdio.h>

#include "analysis.h"
#include "culprits.h"

/* Ranks the culprits of A's closure (A priced with its report's profile). */
int fs_culprits_of_analysis(const fs_analysis *a, fs_culprits *cu, fs_error *err);

typedef struct fs_culprits_view {
    const fs_analysis *a;
    const fs_culprits *cu;
    const char        *module;        /* the path as given */
    const char        *tool_version;
    unsigned           top;           /* items per section, 0 = all */
    double             analysis_ms, culprits_ms;
} fs_culprits_view;

/* FS_FMT_TEXT or FS_FMT_JSON to OUT. */
int fs_culprits_emit(const fs_culprits_view *v, fs_format fmt, FILE *out, fs_error *err);

#endif
