/* output.h - atomic output files (CLI layer).
 *
 * Output goes to a temporary file beside the target, which is renamed
 * over the target only once everything was written and flushed, so a
 * reader never sees half a report.  The target may never be the input.
 * Devices and FIFOs (e.g. /dev/null) are written in place instead.
 */
#ifndef FS_OUTPUT_H
#define FS_OUTPUT_H

#include <stdio.h>

#include "wasm.h"

typedef struct fs_out {
    FILE *fp;
    char  tmp[4096];      /* temporary path; empty for stdout */
    const char *target;
    int   direct;         /* an existing non-regular file, written in place */
} fs_out;

/* Opens PATH for writing (NULL or "-" means stdout).  Refuses when PATH
 * names the same file as INPUT. */
int  fs_out_open(fs_out *o, const char *path, const char *input, fs_error *err);

/* Flushes, syncs and renames into place; on failure removes the temp. */
int  fs_out_commit(fs_out *o, fs_error *err);

/* Drops the temporary file without touching the target. */
void fs_out_abort(fs_out *o);

#endif
