/* compare.h - `forksize compare`: one summary row per module, all of them
 * analyzed with the same options, in parallel.
 *
 * fs_compare_run runs fs_analysis_run (analysis.h) on every module on a
 * pool of threads and keeps only a plain summary of each report, so a
 * module's analysis is freed as soon as its row is taken.  A module that
 * cannot be analyzed becomes an error row (its message kept as data) and
 * the others still run; a module in which no root matched becomes a
 * no-root row.  Rows keep the order in which the modules were given.
 *
 * Labels are the report's: code after and growth carry the report's
 * instrumentation label ("estimated" from the model, "measured" from
 * --apply asyncify or forkinstr), with ", partial" added when forkinstr
 * refused some closure functions (the growth leaves them out); the term split is the model's
 * ("estimated") unless forkinstr measured it (then it has a fourth term,
 * dispatch);
 * A, B, C come from the least-squares fit ("fitted"); module facts read
 * from the bytes (sizes, counts, the closure) are "measured".
 *
 * Emitters (compare_emit.c, compare_json.c, compare_svg.c) only format.
 */
#ifndef FS_COMPARE_H
#define FS_COMPARE_H

#include <stdio.h>

#include "analysis.h"

#define FS_COMPARE_SCHEMA "forksize/compare@1"
#define FS_COMPARE_MAX_ROOTS 64

typedef enum fs_compare_status {
    FS_CMP_OK,        /* analyzed, at least one root matched */
    FS_CMP_NO_ROOT,   /* analyzed, but no root matched: nothing to instrument */
    FS_CMP_ERROR      /* could not be analyzed (err says why) */
} fs_compare_status;

typedef struct fs_compare_row {
    const char *path;              /* as given (the caller's string) */
    fs_compare_status status;
    int         err_status;        /* FS_ERR_* of an error row */
    fs_error    err;               /* an error row's message and byte offset */
    int         has_sha256;        /* the file could be read */
    char        sha256[FS_SHA256_HEX];
    uint64_t    bytes;             /* file size */
    /* From here on, only rows that were analyzed (ok and no-root). */
    uint32_t    functions;         /* defined */
    uint32_t    roots_matched;
    uint32_t    closure_functions;
    double      closure_fraction;  /* of the defined functions */
    uint64_t    code_before, code_after;
    double      growth;            /* (after - before) / before */
    char        label[32];         /* of after and growth: the report's label */
    char        mode[32];          /* the report's instrumentation mode */
    char        binaryen[16];      /* --apply asyncify: the Binaryen version that measured */
    fs_cost     terms;             /* the split of the added bytes into terms */
    char        terms_label[32];   /* "estimated" (the model's split) unless forkinstr measured it */
    int         has_dispatch;      /* the terms include forkinstr's dispatch term */
    double      share[4];          /* fixed, callsite, local, dispatch over terms.total (NAN if 0) */
    uint64_t    np[FS_FI_NNP];     /* has_dispatch: forkinstr's normal-path instructions added */
    uint32_t    refused;           /* has_dispatch: closure functions forkinstr left unchanged
                                      (guarded); when not 0, label ends in ", partial" */
    int         has_fit;           /* --apply asyncify with measured closure functions */
    unsigned    fit_nobs;
    double      fit_coef[3], fit_se[3], fit_share[3], fit_r2;  /* A, B, C (NAN: undefined) */
    char      (*warnings)[320];
    unsigned    nwarnings;
    double      seconds;           /* wall clock of this module's analysis */
    /* the worst-case unwind save area (stackbound.h), as the report has it */
    int         stack_unbounded;
    uint64_t    stack_bytes;       /* when bounded */
    char        stack_label[32];
    /* --group-by: the module's groups (group.h), taken from its analysis */
    fs_groups   groups;
} fs_compare_row;

typedef struct fs_compare {
    /* What the rows were made with (for the document header). */
    const char       *tool_version;
    const char       *roots[FS_COMPARE_MAX_ROOTS];   /* the specs as given */
    unsigned          nroots;
    int               roots_default;
    const char       *policy;
    char              apply[24];   /* the --apply mode asked for */
    int               opt_level;   /* meaningful with --apply asyncify */
    fs_cost_profile   profile;
    /* Results, in the order given. */
    fs_compare_row   *rows;
    unsigned          nrows;
    unsigned          nok, nno_root, nerror;
    unsigned          jobs;        /* threads actually used */
    unsigned          group_top;   /* --group-by: groups per module in text and Markdown
                                      (0 = all; CSV and JSON list all) */
    double            wall_seconds;
} fs_compare;

/* Called by a worker each time a module is done (serialized; may be NULL). */
typedef void (*fs_compare_progress_fn)(void *ctx, unsigned done, unsigned total);

/* Analyzes PATHS[0..n) with O on up to JOBS threads (0 = one per online
 * core).  Module failures become error rows, not a failure of the run;
 * returns non-FS_OK only when the run itself cannot proceed (memory).
 * o->progress must be NULL: several modules run at once. */
int  fs_compare_run(fs_compare *c, const char *const *paths, unsigned n,
                    const fs_analysis_opts *o, unsigned jobs,
                    fs_compare_progress_fn progress, void *ctx, fs_error *err);
void fs_compare_free(fs_compare *c);

/* An error row's message as the CLI prints it: "offset 0x1c: ..." or the
 * bare message. */
const char *fs_compare_row_error(const fs_compare_row *row, char *buf, size_t cap);

/* The no-root row's explanation ("no root matched (import:env.fork) ..."). */
const char *fs_compare_no_root_text(const fs_compare *c, char *buf, size_t cap);

/* The label of the term split over the analyzed rows: theirs when they
 * agree ("estimated" when there is none), else "estimated or measured". */
const char *fs_compare_terms_label(const fs_compare *c);

/* Does any row have forkinstr's dispatch term? */
int fs_compare_has_dispatch(const fs_compare *c);

/* The Binaryen version the analyzed rows were measured with (--apply
 * asyncify), or NULL when none was. */
const char *fs_compare_binaryen(const fs_compare *c);

typedef enum fs_compare_format {
    FS_CMP_FMT_TEXT, FS_CMP_FMT_MD, FS_CMP_FMT_CSV, FS_CMP_FMT_JSON, FS_CMP_FMT_SVG
} fs_compare_format;

/* Parses text|md|csv|json|svg; -1 when unknown. */
int fs_compare_format_parse(const char *s);

/* Emitters; TIMING 0 leaves every time figure out (for reproducible
 * output: the rest does not depend on timing or on the number of jobs). */
int fs_compare_emit_text(const fs_compare *c, int timing, FILE *out, fs_error *err);
int fs_compare_emit_md(const fs_compare *c, int timing, FILE *out, fs_error *err);
int fs_compare_emit_csv(const fs_compare *c, int timing, FILE *out, fs_error *err);
int fs_compare_emit_json(const fs_compare *c, int timing, FILE *out, fs_error *err);
int fs_compare_emit_svg(const fs_compare *c, int timing, FILE *out, fs_error *err);
int fs_compare_emit(const fs_compare *c, fs_compare_format fmt, int timing, FILE *out,
                    fs_error *err);

#endif
