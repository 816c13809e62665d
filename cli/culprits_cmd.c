/* culprits_cmd.c - `forksize culprits`: the decisions that pull functions
 * into the closure, ranked by what they alone cost (analyzer/culprits.h),
 * each with the concrete change that would drop them.
 */
#include "culprits_cmd.h"
#include "cliutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "culprits_report.h"
#include "output.h"

static const char culprits_usage[] =
"usage: forksize culprits MODULE.wasm [--root SPEC]... [--indirect POLICY]\n"
"                         [--format text|json] [-o FILE] [--top N]\n"
"                         [--apply model|asyncify] [-O N] [--model A,B,C]\n"
"\n"
"Ranks the decisions that pull functions into the fork-path closure by the\n"
"bytes the functions they alone account for cost (the model's estimate; with\n"
"--apply asyncify also the measured growth of those functions):\n"
"  policies   each stricter --indirect policy, recomputed exactly\n"
"  roots      each root function, and each call: root spec: what leaves\n"
"             without it\n"
"  types      each call_indirect type: what leaves if its calls could not\n"
"             unwind\n"
"  edges      each caller->callee edge that is the only way some functions\n"
"             reach a root (dominator tree of the reversed call graph)\n"
"  call-site  call:CALLER->IMPORT roots instead of an import root, for callers\n"
"             named like fork (a syscall-multiplexing import otherwise pulls\n"
"             in every function that makes a syscall)\n"
"--top N lists N per section (default 10; 0 lists all), in text and JSON.\n"
"--root, --indirect, --apply, -O, --model: as for forksize --stats.\n"
"-o, --output FILE: write there atomically.  --allow-empty: go on when no root\n"
"matched (else exit 3).  -q, --quiet: no warnings.\n";

typedef struct cmd_opts {
    const char     *module;
    int             allow_empty, quiet;
    fs_cli_out_opts out;     /* --format text|json, -o, --top */
    fs_cli_analysis an;
} cmd_opts;

static const fs_cli_format formats[] = { { "text", FS_FMT_TEXT }, { "json", FS_FMT_JSON } };
static const fs_cli_out_spec out_spec = { "culprits", formats, 2, 1, 1 };

#define usage(...) fs_cli_usage("culprits", __VA_ARGS__)

/* Returns -1 to go on, else an exit status. */
static int parse(cmd_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->out.top = 10;
    fs_cli_analysis_init(&o->an);
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (!strcmp(a, "-") && !only_files)
                return usage("%s", "a module must be a file, not standard input");
            if (o->module)
                return usage("unexpected argument '%.200s'", a);
            o->module = a;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(culprits_usage, stdout);
            return FS_EXIT_OK;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY |
                                                FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                &err)) != 0 ||
                   (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i, &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else {
            return usage("unknown option '%.200s' for culprits", a);
        }
    }
    if (!o->module)
        return usage("%s", "no module given");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- command -------------------------------------------------------- */

static int run(const cmd_opts *o, fs_analysis *a)
{
    fs_error err;
    memset(&err, 0, sizeof err);
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    /* culprits prices with the model (and, with --apply asyncify, the
     * measured growth): the default dry run would only cost time. */
    if (o->an.apply_default) {
        ao.apply = FS_APPLY_MODEL;
        ao.apply_default = 0;
    }
    double t0 = now_ms();
    int st = fs_cli_analyze(a, o->module, &ao, !o->quiet);
    if (st < 0 && !a->c.nroots && !o->allow_empty)
        st = fs_cli_no_root(o->module, a, o->an.roots_default, FS_CLI_NO_ROOT_ADVICE);
    if (st >= 0)
        return st;
    double t1 = now_ms();
    fs_culprits cu;
    st = fs_culprits_of_analysis(a, &cu, &err);
    double t2 = now_ms();
    if (st)
        return fs_cli_fail(o->module, &err, FS_EXIT_BAD);
    if (cu.mismatch && !o->quiet)
        fprintf(stderr, "forksize: %s: warning: the culprit graph disagrees with the closure "
                "on %u functions (a bug: please report it)\n", o->module, cu.mismatch);
    fs_culprits_view v = { a, &cu, o->module, FORKSIZE_VERSION, o->out.top, t1 - t0, t2 - t1 };
    fs_out out;
    if (fs_out_open(&out, o->out.output, o->module, &err))
        st = fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    else
        st = fs_cli_finish(&out, fs_culprits_emit(&v, (fs_format)o->out.format, out.fp, &err),
                           &err, o->out.output);
    fs_culprits_free(&cu);
    return st;
}

int fs_cmd_culprits(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_analysis a;
    st = run(&o, &a);
    fs_analysis_free(&a);
    return st;
}
