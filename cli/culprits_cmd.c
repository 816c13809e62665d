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

enum { EXIT_BAD = 2, EXIT_NO_ROOT = 3, EXIT_CANNOT_APPLY = 4 };

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
"--allow-empty (go on when no root matched, else exit 3), -q (no warnings).\n";

typedef struct cmd_opts {
    const char *module, *output;
    int         json, allow_empty, quiet;
    unsigned    top;
    fs_cli_analysis an;
} cmd_opts;

#define usage(...) fs_cli_usage("culprits", __VA_ARGS__)

/* Returns -1 to go on, else an exit status. */
static int parse(cmd_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
    fs_cli_analysis_init(&o->an);
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
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
            return 0;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY |
                                                FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (fs_cli_is_opt(a, "--format")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--format")))
                return usage("%s", "--format needs text or json");
            if (strcmp(v, "text") && strcmp(v, "json"))
                return usage("culprits writes text or json, not '%.100s'", v);
            o->json = !strcmp(v, "json");
        } else if (!strcmp(a, "-o") || fs_cli_is_opt(a, "--output")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--output")))
                return usage("%s needs a FILE", a);
            o->output = v;
        } else if (fs_cli_is_opt(a, "--top")) {
            char *end;
            if (!(v = fs_cli_value(argc, argv, &i, "--top")))
                return usage("%s", "--top needs a number");
            unsigned long n = strtoul(v, &end, 10);
            if (!*v || *end || v[0] == '-' || n > 1000000)
                return usage("--top needs a number from 0 to 1000000, not '%.100s'", v);
            o->top = (unsigned)n;
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

int fs_cmd_culprits(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_error err;
    memset(&err, 0, sizeof err);
    fs_analysis a;
    fs_analysis_opts ao = fs_cli_analysis_opts(&o.an);
    /* culprits prices with the model (and, with --apply asyncify, the
     * measured growth): the default dry run would only cost time. */
    if (o.an.apply_default) {
        ao.apply = FS_APPLY_MODEL;
        ao.apply_default = 0;
    }
    double t0 = now_ms();
    st = fs_analysis_run(&a, o.module, &ao, &err);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", o.module, err.msg);
        fs_analysis_free(&a);
        return EXIT_CANNOT_APPLY;
    }
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(o.module, &err, EXIT_BAD);
    }
    if (!o.quiet)
        for (unsigned i = 0; i < a.report.nwarnings; i++)
            fprintf(stderr, "forksize: %s: warning: %s\n", o.module, a.report.warnings[i]);
    if (!a.c.nroots && !o.allow_empty) {
        fprintf(stderr, "forksize: %s: no root matched (", o.module);
        for (unsigned i = 0; i < a.nroots; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", a.roots[i].text);
        fprintf(stderr, "%s): the fork path is not active in this module; name a root with "
                "--root, or pass --allow-empty\n", o.an.roots_default ? " are the defaults" : "");
        fs_analysis_free(&a);
        return EXIT_NO_ROOT;
    }
    double t1 = now_ms();
    fs_culprits cu;
    st = fs_culprits_of_analysis(&a, &cu, &err);
    double t2 = now_ms();
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(o.module, &err, EXIT_BAD);
    }
    if (cu.mismatch && !o.quiet)
        fprintf(stderr, "forksize: %s: warning: the culprit graph disagrees with the closure "
                "on %u functions (a bug: please report it)\n", o.module, cu.mismatch);
    fs_culprits_view v = { &a, &cu, o.module, FORKSIZE_VERSION, o.top, t1 - t0, t2 - t1 };
    fs_out out;
    if ((st = fs_out_open(&out, o.output, o.module, &err))) {
        fs_culprits_free(&cu);
        fs_analysis_free(&a);
        return fs_cli_fail(o.output, &err, EXIT_BAD);
    }
    memset(&err, 0, sizeof err);
    st = fs_culprits_emit(&v, o.json ? FS_FMT_JSON : FS_FMT_TEXT, out.fp, &err);
    if (st) {
        if (!err.msg[0])
            snprintf(err.msg, sizeof err.msg, "write error");
        fs_out_abort(&out);
    } else {
        st = fs_out_commit(&out, &err);
    }
    fs_culprits_free(&cu);
    fs_analysis_free(&a);
    return st ? fs_cli_fail(o.output ? o.output : "stdout", &err, EXIT_BAD) : 0;
}
