/* cliutil.h - small pieces every forksize command shares (CLI layer). */
#ifndef FS_CLIUTIL_H
#define FS_CLIUTIL_H

#include "analysis.h"
#include "closure.h"
#include "cost.h"
#include "wasm.h"

#define FS_MAX_ROOTS 64

/* Every command's exit statuses, defined once (docs/cli.md, "Exit status").
 * 1 is a finding, not a failure: what it means depends on the command. */
typedef enum fs_exit {
    FS_EXIT_OK           = 0,
    FS_EXIT_GATE         = 1,   /* diff: --fail-above / --fail-above-bytes tripped */
    FS_EXIT_MISSING      = 1,   /* check-onlylist: functions missing; --why: not in it */
    FS_EXIT_BAD          = 2,   /* bad input, unreadable file, usage or output error */
    FS_EXIT_NO_ROOT      = 3,   /* no root matched (unless --allow-empty) */
    FS_EXIT_CANNOT_APPLY = 4    /* the instrumentation cannot be applied to the module */
} fs_exit;

/* CMake passes the project version; a build without it says 0.0.0. */
#ifndef FORKSIZE_VERSION
#define FORKSIZE_VERSION "0.0.0"
#endif

/* The options that say how a module is analyzed, shared by every command
 * that analyzes one, so that they mean the same everywhere. */
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
    unsigned        save_memory;     /* --save-memory N: forkinstr's frames, default 0 */
    const char     *wasm_opt;        /* --wasm-opt PATH or FORKSIZE_WASM_OPT; NULL: libbinaryen */
    const char     *symbols;         /* --symbols FILE: names for a stripped module */
    const char     *source_map;      /* --source-map FILE: --group-by file|dir without DWARF */
    int             no_demangle;     /* --no-demangle (--stats only: options.c) */
    int             group_by;        /* --group-by: fs_group_by, default none */
    unsigned        group_depth;     /* --depth N (with --group-by dir), 0 = all */
    int             depth_given;
} fs_cli_analysis;

/* Which of them a command takes. */
enum { FS_CLI_ROOTS = 1, FS_CLI_POLICY = 2, FS_CLI_MODEL = 4, FS_CLI_APPLY = 8,
       FS_CLI_GROUP = 16 /* --group-by, --depth */,
       FS_CLI_SAVEMEM = 32 /* --save-memory (FS_CLI_APPLY takes it too) */ };

void fs_cli_analysis_init(fs_cli_analysis *a);

/* What is wrong with the --group-by options together (--depth without
 * --group-by dir), or NULL. */
const char *fs_cli_group_check(const fs_cli_analysis *a);

/* If argv[*i] is one of the options in ACCEPT, consumes it (and its value)
 * and returns 1; returns 0 for any other argument; returns -1 with
 * err->msg set when the option's value is wrong. */
int fs_cli_analysis_option(fs_cli_analysis *a, unsigned accept, int argc, char **argv, int *i,
                           fs_error *err);

/* --format, -o and --top, parsed the same way by every command that takes
 * them.  A command lists the formats it writes, in the order its messages
 * name them; it sets the defaults (format, top) before parsing. */
typedef struct fs_cli_format {
    const char *name;
    int         value;
} fs_cli_format;

typedef struct fs_cli_out_spec {
    const char          *cmd;       /* "diff": "diff writes text, json or md, not 'x'";
                                       NULL: the default command's wording */
    const fs_cli_format *formats;   /* NULL: no --format */
    unsigned             nformats;
    int                  output;    /* takes -o FILE / --output FILE */
    int                  top;       /* takes --top N (0 = all, at most 1e9) */
} fs_cli_out_spec;

typedef struct fs_cli_out_opts {
    int         format;             /* the value of the format chosen */
    const char *output;             /* NULL or "-": stdout */
    unsigned    top;
} fs_cli_out_opts;

/* As fs_cli_analysis_option, for the options SPEC takes. */
int fs_cli_out_option(fs_cli_out_opts *o, const fs_cli_out_spec *spec, int argc, char **argv,
                      int *i, fs_error *err);

/* After parsing: the default roots when no --root was given. */
void fs_cli_analysis_finish(fs_cli_analysis *a);

/* The pipeline options these mean (commands add progress, precheck...).
 * A points into the result (roots, profile): it must outlive it. */
fs_analysis_opts fs_cli_analysis_opts(const fs_cli_analysis *a);

/* Runs the analysis of PATH and turns a failure into its diagnostic and
 * exit status (FS_ERR_UNSUPPORTED: 4, anything else: 2); with WARN, prints
 * the report's warnings.  Returns -1 when the analysis succeeded.  A is
 * always to be freed by the caller. */
int fs_cli_analyze(fs_analysis *a, const char *path, const fs_analysis_opts *ao, int warn);

/* "forksize: PATH: no root matched (SPECS[ are the defaults]): ADVICE" on
 * stderr; returns FS_EXIT_NO_ROOT. */
int fs_cli_no_root(const char *path, const fs_analysis *a, int roots_default, const char *advice);

/* The advice of every command but stats, which explains the 0% too. */
#define FS_CLI_NO_ROOT_ADVICE \
    "the fork path is not active in this module; name a root with --root, or pass --allow-empty"

/* Ends an output: an emitter's status ST (a write error is left to the
 * commit, which names it), then fs_out_commit.  Returns the exit status. */
struct fs_out;
int fs_cli_finish(struct fs_out *out, int st, const fs_error *err, const char *output);

/* Prints "forksize: PATH: offset 0x..: MSG" (or without offset / path)
 * on stderr and returns STATUS, the caller's exit status. */
int fs_cli_fail(const char *path, const fs_error *err, int status);

/* A usage error of subcommand CMD: "forksize: MSG" and a pointer to
 * "forksize CMD --help" on stderr; returns FS_EXIT_BAD. */
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
