/* closure_report.h - the closure in Binaryen's terms, written out (report
 * layer): the list of closure functions (text or JSON), why one function
 * is in it (a shortest call path to a root), and a hand-written Asyncify
 * list checked against it.  Each writes only to the FILE it is given; the
 * CLI (cli/closure_cmd.c) reads the list, resolves --why's argument and
 * picks the exit status.
 */
#ifndef FS_CLOSURE_REPORT_H
#define FS_CLOSURE_REPORT_H

#include <stdio.h>

#include "analysis.h"
#include "names_bn.h"

/* The closure's defined functions by index: FS_FMT_TEXT one display name
 * a line, FS_FMT_JSON [{index, name, binaryen_name, list_entry, via,
 * next}...]. */
int fs_closure_emit_list(const fs_analysis *a, const fs_bn_names *bn, fs_format fmt, FILE *out,
                         fs_error *err);

/* Why function F is (or is not) in the closure.  *IN_CLOSURE says which. */
int fs_closure_emit_why(const fs_analysis *a, uint32_t f, FILE *out, int *in_closure,
                        fs_error *err);

typedef enum fs_list_verdict {
    FS_LIST_COMPLETE,       /* every closure function is selected */
    FS_LIST_INCOMPLETE,     /* some are missing */
    FS_LIST_UNUSABLE        /* an entry names an import: wasm-opt 108 aborts */
} fs_list_verdict;

/* The check of list L (read from LIST_PATH; matching fills its counts)
 * against A's closure: what is missing, each with a path to a root,
 * entries that select nothing or name an import, functions listed outside
 * the closure, and the verdict. */
int fs_closure_emit_check(const fs_analysis *a, const fs_bn_names *bn, fs_bn_list *l,
                          const char *module, const char *list_path, FILE *out,
                          fs_list_verdict *verdict, fs_error *err);

#endif
