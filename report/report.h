/* report.h - the row model every output format reads.
 *
 * fs_report_build turns the analyses (module, closure, costs) into plain
 * rows and totals; the emitters (text, json, csv, md) only format them.
 * Nothing here decides a number: if two formats disagree, the bug is in
 * an emitter.
 */
#ifndef FS_REPORT_H
#define FS_REPORT_H

#include <stdio.h>

#include "closure.h"
#include "cost.h"
#include "fit.h"
#include "forkinstr.h"
#include "measure.h"
#include "sha256.h"

#define FS_STATS_SCHEMA "forksize/stats@2"
/* The version before "groups" and "name_source": "dwarf"; diff still reads it. */
#define FS_STATS_SCHEMA_V1 "forksize/stats@1"

typedef struct fs_row {
    uint32_t    index;          /* function index, imports first */
    const char *name;           /* name-section name or NULL (not NUL-terminated) */
    uint32_t    name_len;
    uint8_t     name_from_symbols;  /* where a name not from the name section came
                                       from: FS_NAME_FROM_SYMBOLS or FS_NAME_FROM_DWARF */
    char       *demangled;      /* NAME demangled (malloc'd, NUL-terminated), or NULL
                                   when it is not mangled, was refused, or --no-demangle */
    uint32_t    demangled_len;
    uint32_t    body_bytes;
    uint32_t    body_offset;    /* file offset of the body, after its size LEB */
    int         in_closure;
    uint32_t    callsites;      /* unwind-capable call sites */
    uint32_t    calls;          /* all call sites */
    uint32_t    locals;         /* params + declared */
    uint32_t    locals_kind[FS_VK_COUNT];
    uint32_t    unsaveable;     /* reference-typed locals the model cannot price */
    fs_cost     cost;
    const char *label;          /* "estimated" for closure members, else NULL */
    int         measured;       /* --apply asyncify: the function survived -O in both builds */
    const char *refused;        /* --apply forkinstr/simulate: why it was left as is */
    uint32_t    frame_bytes;    /* --apply forkinstr/simulate: its frame size */
    uint32_t    np[FS_FI_NNP];  /* --apply forkinstr/simulate: normal-path instructions added */
    int64_t     delta;          /* its measured growth, B - A (bytes, with its size LEB) */
} fs_row;

typedef struct fs_report_root {
    const char *spec;
    uint32_t    matched;
    uint32_t    no_import_calls;
    int         is_func_like;   /* func:, export:, index: */
} fs_report_root;

typedef struct fs_report {
    const char *tool_version;
    /* module */
    const char *path;
    char        sha256[FS_SHA256_HEX];
    uint64_t    bytes;
    uint64_t    code_section_bytes;   /* code section payload */
    uint32_t    functions;            /* defined */
    uint32_t    imports;              /* function imports */
    uint32_t    address_taken;
    uint32_t    indirect_sites;
    /* roots */
    fs_report_root *roots;  unsigned nroots;
    int         roots_default;
    uint32_t    roots_matched;
    /* closure */
    const char *policy;
    uint32_t    closure_functions;
    double      closure_fraction;
    uint64_t    closure_callsites;
    uint64_t    closure_locals;
    /* instrumentation */
    const char *mode;                 /* "model", "asyncify", "forkinstr" or "simulate" */
    const char *label;                /* "estimated", "measured" or "exact (dry run)" */
    /* --apply asyncify (mode "asyncify"): the A/B measurement */
    int         applied;
    const char *apply_requested;      /* --apply as given (recorded in JSON options) */
    int         opt_level;
    double      peer_seconds[2];      /* baseline, asyncified */
    const char *binaryen_version;     /* which Binaryen measured ("108", "132", ...) */
    const char *wasm_opt;             /* its wasm-opt, or NULL for libbinaryen */
    fs_measure  m;                    /* shallow copy; arrays owned by the analysis */
    /* JSON only: totals without the per-function rows (--summary) */
    int         summary;
    /* --symbols FILE: names from a symbol map (symbols.h) */
    const char *symbols_path;
    uint32_t    symbols_lines, symbols_applied, symbols_kept;
    /* demangling (demangle.h): rows whose name is mangled, and of them
     * those shown demangled; the rest keep the raw name */
    int         demangle;             /* on (no --no-demangle) */
    uint32_t    names_mangled, names_demangled;
    /* names from DWARF (dwarf_info.h) for functions that had none */
    int         dwarf_read;           /* the .debug_* sections were read */
    uint32_t    dwarf_named, dwarf_cus;
    /* --group-by: the rows rolled up (group.h), owned by the analysis; NULL without */
    const struct fs_groups *groups;
    /* --apply forkinstr / simulate (mode "forkinstr" / "simulate") */
    int         fi_applied;
    const char *fi_stage;
    const struct fs_fi_result *fi;    /* owned by the analysis */
    uint64_t    refused_estimate;     /* the model's cost of the refused functions */
    /* The fit of measured growth over closure functions that survived -O:
     * delta = A + B*callsites + C*locals, and with C split by type. */
    int         has_fit;
    fs_fit      fit, fit_typed;       /* fit_typed: A, B, then i32 i64 f32 f64 v128 */
    uint32_t   *fit_rows;             /* observation -> row position */
    fs_cost_profile profile;
    double      local_bytes[FS_VK_COUNT];
    uint64_t    code_bytes_before, code_bytes_after;
    double      growth;               /* (after - before) / before */
    fs_cost     terms;
    uint32_t    unsaveable_functions; /* closure members with reference locals */
    /* Worst-case unwind save area along one call path (stackbound.h). */
    int         stack_unbounded;      /* recursion through unwind-capable sites */
    uint64_t    stack_bytes;          /* the bound when bounded, else 0 */
    const char *stack_label;          /* "estimated" (model frames) or the frames' label */
    uint32_t   *stack_path;           /* row positions, entry first (to the cycle when unbounded) */
    uint32_t    nstack_path;
    uint32_t   *stack_cycle;          /* row positions: the cycle, first node not repeated */
    uint32_t    nstack_cycle;
    uint32_t    stack_entries;        /* entry points (exports, start) in the closure */
    /* rows: every defined function, by index */
    fs_row     *rows;   uint32_t nrows;
    char      (*warnings)[320];       /* things the reader must know, in order */
    unsigned    nwarnings;
    double      analyze_ms;           /* map + decode + hash + analyses, wall clock */
    double      decode_ms;            /* map + decode */
    double      hash_wait_ms;         /* waiting for the sha256 thread after decoding */
    double      graph_ms;             /* graph, closure, cost, rows */
    double      dwarf_ms;             /* reading the DWARF (within graph_ms), when read */
} fs_report;

typedef struct fs_report_input {
    const fs_wasm_module  *m;
    const fs_graph        *g;
    const fs_closure      *c;
    const fs_cost         *costs;        /* per function (index space) */
    const uint32_t        *unsaveable;   /* per function */
    const fs_cost_profile *profile;
    const fs_root_spec    *specs;  unsigned nspecs;
    int                    roots_default;
    const char            *sha256;
    const char            *tool_version;
    const fs_measure      *measure;      /* --apply asyncify, else NULL */
    const struct fs_fi_result *fi;       /* --apply forkinstr/simulate, else NULL */
    int                    fi_dry;       /* simulate: a dry run */
    const char            *fallback;     /* why the default forkinstr gave way to the model */
    const char            *apply;        /* the --apply mode in effect: "model", "asyncify",
                                              "forkinstr" or "simulate" */
    int                    opt_level;
    double                 peer_seconds[2];
    const char            *binaryen_version;  /* --apply asyncify: "108", "132", ... */
    const char            *wasm_opt;     /* the wasm-opt that ran, NULL: libbinaryen */
    const char            *symbols_path; /* --symbols FILE, or NULL */
    int                    no_demangle;  /* --no-demangle: rows show raw names */
    uint32_t               symbols_lines, symbols_applied, symbols_kept;
    int                    dwarf_read;    /* the DWARF was read (names, --group-by) */
    uint32_t               dwarf_named, dwarf_cus;
    const char            *dwarf_warning; /* malformed DWARF, or NULL */
    /* Frame bytes per function for the stack bound (m->nfuncs entries) and
     * their label; NULL: the model's estimate (fs_stack_frames_estimate). */
    const uint32_t        *frames;
    const char            *frames_label;
} fs_report_input;

#define FS_REPORT_MAX_WARNINGS 80

int  fs_report_build(fs_report *r, const fs_report_input *in, fs_error *err);
void fs_report_free(fs_report *r);

typedef enum fs_format { FS_FMT_TEXT, FS_FMT_JSON, FS_FMT_CSV, FS_FMT_MD } fs_format;

/* Parses a format name; -1 when unknown. */
int fs_format_parse(const char *s);

/* Row order for reading: total cost descending, then index ascending.
 * Returns a malloc'd array of row positions, or NULL without memory. */
uint32_t *fs_report_order_by_cost(const fs_report *r);

/* Emitters.  `top` limits the text table (0 = all); machine formats
 * always list every function. */
int fs_emit_text(const fs_report *r, unsigned top, FILE *out, fs_error *err);
int fs_emit_json(const fs_report *r, FILE *out, fs_error *err);

/* Prints a whole cJSON document (and a newline) to OUT and deletes it;
 * for the small documents (compare, what-if, culprits, opcodes, diff,
 * closure).  A NULL DOC is out of memory. */
struct cJSON;
int fs_json_print(struct cJSON *doc, FILE *out, fs_error *err);
/* The opening every forksize JSON document shares: "schema": SCHEMA and
 * "tool": {"name": "forksize", "version": TOOL_VERSION}. */
void fs_json_head(struct cJSON *doc, const char *schema, const char *tool_version);
int fs_emit_csv(const fs_report *r, FILE *out, fs_error *err);
/* One CSV field of LEN bytes, quoted as RFC 4180 asks when it holds a
 * comma, quote or line break: every CSV forksize writes (stats, compare,
 * diff, groups) goes through it. */
void fs_csv_field(FILE *out, const char *s, size_t len);
int fs_emit_md(const fs_report *r, FILE *out, fs_error *err);

int fs_emit(const fs_report *r, fs_format fmt, unsigned top, FILE *out, fs_error *err);

/* Per-opcode instruction counts of a decoded module (text or json). */
int fs_emit_opcodes(const fs_wasm_module *m, fs_format fmt, FILE *out, fs_error *err);

/* Display name of a row: its demangled name when it has one, else its
 * name, or "func[N]" in buf. */
const char *fs_row_display_name(const fs_row *row, char *buf, size_t cap);

#endif
