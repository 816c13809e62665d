/* stats_json_keys.h - the forksize/stats document's member names that
 * forksize both writes (stats_json.c) and reads back (stats_json_read.c,
 * for forksize diff): report/ only. */
#ifndef FS_STATS_JSON_KEYS_H
#define FS_STATS_JSON_KEYS_H

/* The members forksize itself reads back: the writer and the reader
 * both use these names, so neither can be renamed alone. */
#define K_SCHEMA     "schema"
#define K_TOOL       "tool"
#define K_VERSION    "version"
#define K_OPTIONS    "options"
#define K_ROOTS      "roots"          /* options.roots (specs) and roots[] (matches) */
#define K_INDIRECT   "indirect"
#define K_APPLY      "apply"
#define K_OPT_LEVEL  "opt_level"
#define K_MODEL      "model"
#define K_MODULE     "module"
#define K_SHA256     "sha256"
#define K_MATCHED    "matched"
#define K_CLOSURE    "closure"
#define K_FUNCTIONS  "functions"      /* closure.functions and the rows array */
#define K_INS        "instrumentation"
#define K_MODE       "mode"
#define K_LABEL      "label"
#define K_BEFORE     "code_bytes_before"
#define K_AFTER      "code_bytes_after"
#define K_GROWTH     "growth"
#define K_TERMS      "terms"
#define K_FIXED      "fixed"          /* terms and each row's cost */
#define K_CALLSITE   "callsite"
#define K_LOCAL      "local"
#define K_DISPATCH   "dispatch"
#define K_NORMAL_PATH "normal_path"
#define K_TOTAL      "total"
#define K_INDEX      "index"          /* a row's members */
#define K_NAME       "name"
#define K_IN_CLOSURE "in_closure"
#define K_COST       "cost"
#define K_DELTA      "delta_bytes"

#endif
