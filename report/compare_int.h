/* compare_int.h - shared by compare.c and compare_procs.c only. */
#ifndef FS_COMPARE_INT_H
#define FS_COMPARE_INT_H

#include "compare.h"

/* Monotonic clock, in seconds. */
double fs_compare_now(void);

/* Analyzes ROW->path with O into ROW (an error becomes an error row). */
void fs_compare_run_one(const fs_analysis_opts *o, fs_compare_row *row);

/* Turns ROW into an error row with status ST and message MSG. */
void fs_compare_fail_row(fs_compare_row *row, int st, const char *msg);

/* Analyzes every row of C on up to JOBS worker processes; returns the
 * number of workers used (rows no worker finished are error rows). */
unsigned fs_compare_run_procs(fs_compare *c, const fs_analysis_opts *o, unsigned jobs,
                              fs_compare_progress_fn progress, void *ctx);

#endif
