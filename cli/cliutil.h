/* cliutil.h - small pieces every forksize command shares (CLI layer). */
#ifndef FS_CLIUTIL_H
#define FS_CLIUTIL_H

#include "analysis.h"
#include "closure.h"
#include "cost.h"
#include "wasm.h"

#define FS_MAX_ROOTS 64

/* CMake passes the project version; a build without it says 0.0.0. */
#ifndef FORKSIZE_VERSION
#define FORKSIZE_VERSION "0.0.0"
#endif

/* The options that say how a module is analyzed, shared by stats, closure
 * and diff so that they mean the same everywhere. */
typedef struct fs_cli_analysis {
    fs_root_spec    roots[FS_MAX_ROOTS];
    unsigned        nroots;
    int             roots_default;   /* no --root: the defaults were used */
    fs_policy       policy;          /* --indirect, default typed */
    fs_cost_profile profile;         /* --model, default the seed */
    int             apply;           /* --apply: fs_apply, default simulate */
    int             apply_default;   /* no --apply: simulate may fall back to model */
    int             opt_level;       /* -O N, default 2 */
    unsigned        stage;           /* --stages: FS_FI_* + 1; 0 = default (live) */
} fs_cli_analysis;

/* Which of them a command takes. */
enum { FS_CLI_ROOTS = 1, FS_CLI_POLICY = 2, FS_CLI_MODEL = 4, FS_CLI_APPLY = 8 };

void fs_cli_analysis_init(fs_cli_analysis *a);

/* If argv[*i] is one of the options in ACCEPT, consumes it (and its value)
 * and returns 1; returns 0 for any other argument; returns -1 with
 * err->msg set when the option's value is wrong. */
int fs_cli_analysis_option(fs_cli_analysis *a, unsigned accept, int argc, char **argv, int *i,
                           fs_error *err);

/* After parsing: the default roots when no --root was given. */
void fs_cli_analysis_finish(fs_cli_analysis *a);

/* The pipeline options these mean (commands add progress, precheck...).
 * A points into the result (roots, profile): it must outlive it. */
fs_analysis_opts fs_cli_analysis_opts(const fs_cli_analysis *a);

/* Prints "forksize: PATH: offset 0x..: MSG" (or without offset / path)
 * on stderr and returns STATUS, the caller's exit status. */
int fs_cli_fail(const char *path, const fs_error *err, int status);

/* A usage error of subcommand CMD: "forksize: MSG" and a pointer to
 * "forksize CMD --help" on stderr; returns 2, the usage exit status. */
__attribute__((format(printf, 2, 3)))
int fs_cli_usage(const char *cmd, const char *fmt, ...);

/* Reads the whole of PATH (a list, a saved report) into a malloc'd
 * buffer.  On failure prints "forksize: PATH: cannot ..." and returns
 * nonzero. */
int fs_cli_read_file(const char *path, char **text, size_t *len);

/* Is ARG the option NAME, alone or as "NAME=value"? */
int fs_cli_is_opt(const char *arg, const char *name);

/* The value of option NAME at argv[*i]: "NAME=value", or the next
 * argument (advancing *i); NULL when there is none. */
const char *fs_cli_value(int argc, char **argv, int *i, const char *name);

#endif
