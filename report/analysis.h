/* analysis.h - one module through the whole pipeline:
 * decode -> graph -> closure -> cost -> (asyncify | forkinstr) -> report.
 * Returns data, prints nothing; every command (stats, diff, compare,
 * culprits, closure, instrument) runs it and decides what to show. */
#ifndef FS_ANALYSIS_H
#define FS_ANALYSIS_H

#include "forkinstr.h"
#include "measure.h"
#include "report.h"
#include "dwarf_info.h"
#include "group.h"
#include "symbols.h"

typedef enum fs_apply {
    FS_APPLY_MODEL,      /* the labelled estimate (cost.h) */
    FS_APPLY_ASYNCIFY,   /* Binaryen's Asyncify, run and measured A/B */
    FS_APPLY_FORKINSTR,  /* forkinstr emitted in memory: measured per term */
    FS_APPLY_SIMULATE    /* forkinstr into a counting sink: the same numbers */
} fs_apply;

typedef struct fs_analysis_opts {
    const fs_root_spec    *roots;  unsigned nroots;
    int                    roots_default;
    fs_policy              policy;
    const fs_cost_profile *profile;
    const char            *tool_version;
    fs_apply               apply;
    int                    opt_level;       /* -O N for --apply asyncify */
    int                    no_precheck;     /* call Binaryen even when we predict a failure */
    const char            *wasm_opt;        /* --apply asyncify with this wasm-opt, not
                                               libbinaryen (NULL) */
    const char            *symbols;         /* --symbols FILE: names for unnamed functions */
    const char            *source_map;      /* --source-map FILE: --group-by file|dir from
                                               it when the module has no DWARF */
    int                    no_demangle;     /* --no-demangle: rows keep mangled names */
    fs_group_by            group_by;        /* --group-by (FS_GROUP_NONE: no groups) */
    unsigned               group_depth;     /* --depth N for dir, 0 = whole directory */
    unsigned               stage;           /* forkinstr: FS_FI_NAIVE..TRAMP plus 1; 0 = live */
    uint32_t               save_memory;     /* forkinstr: the memory holding the frames */
    int                    apply_default;   /* simulate was not asked for: a module
                                               forkinstr refuses falls back to model */
    int                    keep_module;     /* --apply forkinstr: keep the emitted module
                                               in fi.out (forksize instrument) */
    fs_fi_debug_mode       fi_debug;        /* keep_module: what becomes of the debug
                                               sections (0: copied, sizes only) */
    int                    branch_hints;    /* keep_module: --branch-hints */
    const fs_root_spec    *hot;             /* keep_module: --hot SPECs (HOT COPIES in */
    unsigned               nhot;            /* forkinstr.h); each must match a function */
    int                    hot_all;         /* --hot all: every function is hot */
    const char            *hot_profile;     /* --hot-profile FILE's text (NUL-terminated), */
    const char            *hot_profile_path;/* its name: the closure functions taking */
    double                 hot_share;       /* this share of its wasm self time are hot */
    fs_peer_progress_fn    progress;        /* while Binaryen runs (may be NULL) */
    void                  *progress_ctx;
} fs_analysis_opts;

typedef struct fs_analysis {
    fs_wasm_module m;
    fs_graph       g;
    fs_closure     c;
    fs_root_spec   roots[64];
    unsigned       nroots;
    fs_cost       *costs;
    uint32_t      *unsaveable;
    fs_measure     measure;       /* --apply asyncify */
    fs_peer_out    peer[2];       /* baseline, asyncified */
    char           peer_version[32];  /* Binaryen's version number, as fs_peer_version */
    fs_symbols     sym;           /* --symbols: the map the names point into */
    fs_dwarf_info  dwarf;         /* read only for --group-by file|dir|cu or unnamed functions */
    fs_dwarf_info  smap;          /* --source-map: its sources as units (srcmap.h) */
    fs_groups      groups;        /* --group-by */
    fs_fi_result   fi;            /* --apply forkinstr / simulate */
    uint32_t      *frames;        /* forkinstr's frame bytes per function */
    char           fi_refusal[240];  /* the default dry run: why forkinstr refused the
                                        whole module (then priced with the model) */
    /* --hot-profile: the functions it made hot, hottest first (up to 16
     * listed), their self time, and the closure functions' in all */
    uint32_t       hot_pick[16];
    uint64_t       hot_pick_us[16];
    uint32_t       nhot_pick;
    uint64_t       hot_closure_us;
    fs_report      report;
} fs_analysis;

/* Runs the pipeline on PATH.  On failure err names the problem (with the
 * byte offset for malformed input); a is always safe to free. */
int  fs_analysis_run(fs_analysis *a, const char *path, const fs_analysis_opts *o, fs_error *err);
/* The same on an in-memory image (not copied; must outlive a), for
 * callers that have no file, such as the fuzz targets (tests/fuzz/). */
int  fs_analysis_run_bytes(fs_analysis *a, const uint8_t *bytes, size_t size, const char *path,
                           const fs_analysis_opts *o, fs_error *err);
void fs_analysis_free(fs_analysis *a);

#endif
