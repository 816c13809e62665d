/* group.h - per-function columns rolled up by source (--group-by).
 *
 * fs_groups_build turns a report's rows into one row per group: source
 * file, directory or compile unit (from DWARF, dwarf_info.h), namespace
 * (from C++/Rust-style names) or C name prefix.  Every function lands in
 * exactly one group (those with no source information in a group of their
 * own), so each column of the groups adds up to the module's figure: the
 * `total` group holds those sums and fs_groups_build checks them against
 * the report.  Emitters (text, JSON, CSV, Markdown, compare, diff) format
 * these rows; none of them computes a figure.
 */
#ifndef FS_GROUP_H
#define FS_GROUP_H

#include "dwarf_info.h"
#include "report.h"

typedef enum fs_group_by {
    FS_GROUP_NONE, FS_GROUP_FILE, FS_GROUP_DIR, FS_GROUP_CU, FS_GROUP_NAMESPACE,
    FS_GROUP_PREFIX
} fs_group_by;

extern const char *const fs_group_by_name[];   /* "none", "file", ... */

/* Parses a --group-by value; -1 when unknown. */
int fs_group_by_parse(const char *s);
/* Whether BY needs the module's DWARF. */
int fs_group_by_needs_dwarf(fs_group_by by);

typedef struct fs_group {
    char     *key;              /* the group's name (malloc'd) */
    int       no_source;        /* the group of functions with no such information */
    uint32_t  functions;        /* defined functions */
    uint32_t  closure;          /* of them in the closure */
    uint64_t  body_bytes;       /* their bodies before instrumentation */
    fs_cost   cost;             /* the costs counted in the module's terms */
    uint32_t  measured;         /* --apply asyncify: functions measured */
    int64_t   delta;            /* --apply asyncify: their measured growth */
    double    share;            /* cost.total / the module's total (0 when that is 0) */
} fs_group;

typedef struct fs_groups {
    fs_group_by by;
    unsigned    depth;          /* dir: directory components kept, 0 = all */
    fs_group   *v;   uint32_t n; /* by total cost, then body bytes, then key */
    fs_group    total;          /* the sums over all groups */
    uint32_t    with_source;    /* functions outside the no-source group */
    int         from_map;       /* file/dir came from a source map (--source-map) */
} fs_groups;

/* Builds R's groups.  D is the module's DWARF (needed for file, dir and cu;
 * NULL puts every function in the no-source group).  FS_ERR_NOMEM, or
 * FS_ERR_UNSUPPORTED if a sum does not match the report (a bug). */
int  fs_groups_build(fs_groups *g, const fs_report *r, const fs_dwarf_info *d, fs_group_by by,
                     unsigned depth, fs_error *err);
void fs_groups_free(fs_groups *g);

/* The key of one function's group, for callers that match groups across
 * modules (diff).  Writes into buf (cap bytes) when it must build it. */
const char *fs_group_key(const fs_row *row, const fs_dwarf_info *d, uint32_t pos,
                         fs_group_by by, unsigned depth, char *buf, size_t cap, size_t *len,
                         int *no_source);

/* Emitters of the groups alone (the stats emitters call them when the
 * report has groups).  TOP limits the text and Markdown rows (0 = all). */
void fs_groups_emit_text(const fs_groups *g, unsigned top, FILE *out);
/* CSV: MODULE (or NULL) is a first column on every line, for compare's
 * one table over many modules; HEADER 0 leaves out the header line. */
void fs_groups_emit_csv(const fs_groups *g, const char *module, int header, FILE *out);
void fs_groups_emit_md(const fs_groups *g, unsigned top, FILE *out);
struct cJSON;
struct cJSON *fs_groups_json(const fs_groups *g);

#endif
