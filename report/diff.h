/* diff.h - two forksize results compared, as data (no printing).
 *
 * A side is what one `forksize --stats` run knows, read either from a
 * module analyzed now (fs_diff_side_from_report) or from a saved
 * `--format json` report (fs_diff_side_from_json, schema forksize/stats@1).
 * fs_diff_compute pairs the functions of two sides and lists what changed;
 * fs_diff_emit (emit_diff.c) writes it as text, Markdown or JSON to the
 * FILE it is given; the CLI (cli/diff_cmd.c) decides what exit status a
 * gate yields.  The reader of saved reports lives beside their writer
 * (stats_json.c), so the stats@1 field names are spelled once.
 *
 * Pairing (analyzer/pair.h).  The stages asked for (--pair-by; by default
 * name, body, fingerprint) run in order, each on what the earlier ones
 * left; body and fingerprint need the decoded modules (fs_diff_side.module,
 * or the .wasm decoded again when names leave functions unpaired on both
 * sides) and pair nothing for a saved report.  When both sides are the same module
 * (equal sha256), what is left then pairs by index: there the indices are
 * the same functions.  Every pair keeps the method that made it; what no
 * stage paired is added (new only) or removed (base only).
 *
 * Cost.  When both sides are measured (--apply asyncify) the per-function
 * cost is the measured `delta_bytes` (a function Binaryen's -O removed in
 * either build has none and counts as 0, flagged unmeasured); otherwise it
 * is `cost.total`: forkinstr's exact bytes, with its label, when both sides
 * ran forkinstr (simulate or forkinstr) with the same label, else the
 * model's, labelled "estimated".
 *
 * JSON output, schema "forksize/diff@1" (written by emit_diff.c):
 *
 *   schema            "forksize/diff@1"
 *   tool              {name: "forksize", version}
 *   base, new         {source: "wasm"|"report", path, sha256, tool_version,
 *                      mode: "model"|"asyncify"|"forkinstr"|"simulate",
 *                      label: "estimated"|"measured"|"exact (dry run)",
 *                      roots_matched}
 *   identical_input   true when both sides have the same module sha256
 *   options           the base side's {roots[], indirect, apply, opt_level?,
 *                      model[A,B,C]}
 *   options_differ    ["indirect typed vs asyncify", ...]: empty unless --force
 *                      let different options through
 *   warnings          strings (e.g. different tool versions)
 *   cost              {metric: "cost.total"|"delta_bytes",
 *                      label: "measured" for delta_bytes; for cost.total
 *                      forkinstr's label ("exact (dry run)" or "measured") when
 *                      both sides ran it the same way, else "estimated"}
 *   matching          {by_name, by_body, by_body_order, by_fingerprint,
                     by_index, added, removed}: pair counts by method, and
                     the functions left unpaired on each side; stages
                     ["name", ...] as run; bodies: false when a side was a
                     saved report (no body or fingerprint pairing);
                     fingerprint {rounds, ambiguous, weak, skipped} when that
                     stage ran; body_duplicate_groups
 *   totals            {label (of code_bytes_after, added_bytes, growth: the
 *                      sides' instrumentation label when they agree, else
 *                      "base L1, new L2"), code_bytes_before,
 *                      code_bytes_after, added_bytes, growth}; each a triple
 *                      {base, new, change}; added_bytes = after - before;
 *                      growth is a fraction, its change in fraction points
 *   terms             {label: cost.total's label (above), fixed, callsite, local,
 *                      total}, triples
 *   normal_path       when both sides ran forkinstr (simulate or forkinstr):
 *                      {label: "exact", entry, sites, loops, total}, triples
 *                      of the instructions it adds when nobody forks; else
 *                      absent
 *   closure           {functions: triple, entered: [fn], left: [fn]}: every
                     function (--top limits only the text and Markdown
                     lists), the highest cost first (new cost for entered,
                     base cost for left), ties by name then index
 *   changes           [{fn, cost: triple, measured: [bool base, bool new],
 *                      total, fixed, callsite, local: triples}], the largest
 *                      |cost.change| first, ties by name then index; only rows
 *                      whose cost or any term changed
 *   top               {n, changed, in: [{fn, rank}], out: [{fn, rank}],
 *                      moved: [{fn, base_rank, new_rank}]}: the n closure
 *                      functions of highest cost on each side (ties by index),
 *                      ranks from 1; rank in "in" is the new rank, in "out" the
 *                      base rank
 *   gate              {fail_above_pct: number|null, fail_above_bytes: int|null,
 *                      tripped, reason: string|null}
 *
 *   fn is {name: string|null, base_index: int|null, new_index: int|null,
 *   status: "paired"|"added"|"removed", paired_by: "name"|"body"|
 *   "body_order"|"fingerprint"|"index"|null}; a triple's members are integers
 *   except for growth.
 */
#ifndef FS_DIFF_H
#define FS_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "pair.h"
#include "report.h"

#define FS_DIFF_SCHEMA "forksize/diff@1"

typedef struct fs_diff_row {
    uint32_t index;
    char    *name;          /* NUL-terminated copy, or NULL */
    int      in_closure;
    fs_cost  cost;
    int      measured;
    int64_t  delta;
} fs_diff_row;

typedef struct fs_diff_side {
    int       from_json;
    char     *path, *tool_version, *sha256, *mode, *label;
    /* options */
    char    **roots;  unsigned nroots;
    char     *indirect, *apply;
    int       has_opt_level, opt_level;
    char     *binaryen_version;   /* --apply asyncify: who measured; NULL if unknown */
    double    model[3];
    uint64_t  roots_matched;
    uint64_t  code_before, code_after;
    double    growth;
    fs_cost   terms;
    /* forkinstr's normal-path proxy (instrumentation.forkinstr.normal_path):
     * instructions added when nobody forks, by place; has_np when known */
    int       has_np;
    uint64_t  np[FS_FI_NNP];
    uint32_t  closure_functions;
    fs_diff_row *rows;  uint32_t nrows;
    /* A .wasm side's decoded module, borrowed, if the caller still has it
     * (its defined functions are the rows, in order); else NULL, and
     * fs_diff_compute decodes PATH again when pairing needs the bodies
     * (never for a saved report). */
    const fs_wasm_module *module;
} fs_diff_side;

/* One function as the diff names it: positions into each side's rows
 * (UINT32_MAX when absent on that side). */
typedef struct fs_diff_fn {
    uint32_t b, n;
    uint8_t  how;           /* fs_pair_method: FS_PAIR_NONE when unpaired */
} fs_diff_fn;

typedef struct fs_diff_change {
    fs_diff_fn fn;
    int64_t    cost[2];     /* the metric, base and new */
    fs_cost    est[2];      /* the model's terms, base and new */
    int        measured[2];
} fs_diff_change;

typedef struct fs_diff_rank {
    fs_diff_fn fn;
    uint32_t   base_rank, new_rank;   /* from 1; 0 = outside the top */
} fs_diff_rank;

typedef struct fs_diff {
    const fs_diff_side *base, *new_;
    int        measured;              /* metric is delta_bytes */
    const char *cost_label;           /* of cost.total and the terms */
    int        identical_input;
    char       options_differ[1024];  /* "a vs b; c vs d", empty when equal */
    int        tool_versions_differ;
    fs_pair_stages stages;            /* as run */
    fs_pairing pairing;               /* counts per method, the fingerprint's figures */
    uint32_t   paired, added, removed;
    /* every function, paired or not: base order, then the added ones */
    fs_diff_change *all;  uint32_t nall;
    fs_diff_fn *entered, *left;  uint32_t nentered, nleft;
    fs_diff_change *changes;  uint32_t nchanges;
    unsigned   top;
    fs_diff_rank *top_in, *top_out, *top_moved;
    uint32_t   ntop_in, ntop_out, ntop_moved;
    const struct fs_diff_groups *groups;  /* --group-by (diff_group.h), set by the caller */
} fs_diff;

/* A side from an analysis' report. */
int  fs_diff_side_from_report(fs_diff_side *s, const fs_report *r, fs_error *err);

/* A side from the text of a forksize/stats@1 document. */
int  fs_diff_side_from_json(fs_diff_side *s, const char *path, const char *text, size_t len,
                            fs_error *err);
void fs_diff_side_free(fs_diff_side *s);

/* STAGES NULL: the default (name, body, fingerprint). */
int  fs_diff_compute(fs_diff *d, const fs_diff_side *base, const fs_diff_side *new_,
                     unsigned top, const fs_pair_stages *stages, fs_error *err);
void fs_diff_free(fs_diff *d);

/* Display name of a diff function: its name, or "func[N]" (the new
 * side's index when present) in buf. */
const char *fs_diff_fn_name(const fs_diff *d, fs_diff_fn f, char *buf, size_t cap);

/* The gate as the output records it: the limits (< 0: not set) and what
 * fs_diff_gate decided. */
typedef struct fs_diff_gate_view {
    double      fail_pct;
    int64_t     fail_bytes;
    int         tripped;
    const char *reason;     /* when tripped */
} fs_diff_gate_view;

/* Writes D to OUT as FS_FMT_TEXT, FS_FMT_MD, FS_FMT_CSV (one line per
 * function) or FS_FMT_JSON (forksize/diff@1, with TOOL_VERSION and the
 * gate).  Prints nothing else. */
int  fs_diff_emit(const fs_diff *d, fs_format fmt, const fs_diff_gate_view *gate,
                  const char *tool_version, FILE *out, fs_error *err);

/* The gate.  Added bytes are code_after - code_before on each side.
 * fail_pct < 0 / fail_bytes < 0 mean "not set".  fail_pct also holds
 * forkinstr's normal-path instruction total when both sides have one.  Returns 1 when tripped
 * and writes the reason (without "forksize: "). */
int  fs_diff_gate(const fs_diff *d, double fail_pct, int64_t fail_bytes, char *reason,
                  size_t cap);

#endif
