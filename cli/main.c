/* main.c - forksize's command line: the only place that prints or exits.
 *
 * Exit status: 0 success; 2 malformed input, unreadable file or usage
 * error; 3 no root matched (the fork path is not active, and a 0%
 * overhead would be a lie) unless --allow-empty; 4 the instrumentation
 * cannot be applied (--apply asyncify on a module Binaryen refuses).
 * closure and check-onlylist add 1: something is missing from a list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "cliutil.h"
#include "closure_cmd.h"
#include "compare_cmd.h"
#include "culprits_cmd.h"
#include "diff_cmd.h"
#include "instrument_cmd.h"
#include "options.h"
#include "output.h"
#include "whatif.h"

enum { EXIT_BAD_INPUT = 2, EXIT_NO_ROOT = 3, EXIT_CANNOT_APPLY = 4 };

/* Binaryen at -O2 takes minutes on large modules: a live line on a
 * terminal says it is still working. */
static void progress(void *ctx, double seconds)
{
    fprintf(stderr, "\rforksize: %s: Binaryen running (baseline and asyncify), %.0f s ",
            (const char *)ctx, seconds);
    fflush(stderr);
}

static void warnings(const fs_options *o, const fs_analysis *a)
{
    for (unsigned i = 0; i < a->report.nwarnings; i++)
        fprintf(stderr, "forksize: %s: warning: %s\n", o->module, a->report.warnings[i]);
}

static int stats(const fs_options *o)
{
    fs_analysis a;
    fs_error err;
    const fs_cli_analysis *an = &o->an;
    fs_analysis_opts ao = fs_cli_analysis_opts(an);
    ao.no_precheck = o->no_precheck;
    ao.progress = isatty(2) && !o->quiet ? progress : NULL;
    ao.progress_ctx = (void *)o->module;
    int st = fs_analysis_run(&a, o->module, &ao, &err);
    if (ao.progress)
        fputs("\r\033[K", stderr);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", o->module, err.msg);
        fs_analysis_free(&a);
        return EXIT_CANNOT_APPLY;
    }
    if (st) {
        fs_analysis_free(&a);
        return fs_cli_fail(o->module, &err, EXIT_BAD_INPUT);
    }
    if (!o->quiet)
        warnings(o, &a);
    if (!a.c.nroots && !o->allow_empty) {
        fprintf(stderr, "forksize: %s: no root matched (", o->module);
        for (unsigned i = 0; i < a.nroots; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", a.roots[i].text);
        fprintf(stderr, "%s): the fork path is not active in this module, so there is nothing "
                "to instrument and a 0%% overhead would be meaningless; name a root with "
                "--root, or pass --allow-empty to report anyway\n",
                o->an.roots_default ? " are the defaults" : "");
        fs_analysis_free(&a);
        return EXIT_NO_ROOT;
    }
    fs_whatif w;
    if (o->whatif && (st = fs_whatif_run(&a.m, &a.g, a.roots, a.nroots, a.c.policy, &w, &err))) {
        fs_analysis_free(&a);
        if (st == FS_ERR_UNSUPPORTED) {
            fprintf(stderr, "forksize: %s: %s\n", o->module, err.msg);
            return EXIT_CANNOT_APPLY;
        }
        return fs_cli_fail(o->module, &err, EXIT_BAD_INPUT);
    }
    fs_out out;
    if ((st = fs_out_open(&out, o->output, o->module, &err))) {
        fs_analysis_free(&a);
        return fs_cli_fail(o->output, &err, EXIT_BAD_INPUT);
    }
    if (o->whatif)
        st = fs_emit_whatif(&w, &a.report, o->format, out.fp, &err);
    else
        st = fs_emit(&a.report, o->format, o->top, out.fp, &err);
    if (st) {
        /* The emitters see a failed write as ferror() and return FS_ERR_IO
         * without a message (-o /dev/full printed "forksize: /dev/full: "). */
        if (st == FS_ERR_IO)
            snprintf(err.msg, sizeof err.msg, "write error: %s", strerror(errno));
        fs_out_abort(&out);
        fs_analysis_free(&a);
        return fs_cli_fail(o->output ? o->output : "stdout", &err, EXIT_BAD_INPUT);
    }
    st = fs_out_commit(&out, &err);
    fs_analysis_free(&a);
    return st ? fs_cli_fail(o->output ? o->output : "stdout", &err, EXIT_BAD_INPUT) : 0;
}

static int opcodes(const fs_options *o)
{
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_load(&m, o->module, &err);
    if (st) {
        fs_wasm_free(&m);
        return fs_cli_fail(o->module, &err, EXIT_BAD_INPUT);
    }
    fs_out out;
    if ((st = fs_out_open(&out, o->output, o->module, &err))) {
        fs_wasm_free(&m);
        return fs_cli_fail(o->output, &err, EXIT_BAD_INPUT);
    }
    if ((st = fs_emit_opcodes(&m, o->format, out.fp, &err)))
        fs_out_abort(&out);
    else
        st = fs_out_commit(&out, &err);
    fs_wasm_free(&m);
    return st ? fs_cli_fail(o->output ? o->output : "stdout", &err, EXIT_BAD_INPUT) : 0;
}

int main(int argc, char **argv)
{
    /* closure, check-onlylist and diff parse their own options. */
    if (argc > 1 && !strcmp(argv[1], "diff"))
        return fs_cmd_diff(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "compare"))
        return fs_cmd_compare(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "culprits"))
        return fs_cmd_culprits(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "instrument"))
        return fs_cmd_instrument(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "closure"))
        return fs_cmd_closure(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "check-onlylist"))
        return fs_cmd_check_onlylist(argc - 1, argv + 1);
    fs_options o;
    fs_error err;
    if (fs_options_parse(&o, argc, argv, &err)) {
        fprintf(stderr, "forksize: %s\n", err.msg);
        fprintf(stderr, "usage: forksize [stats | opcodes | closure | check-onlylist | diff] "
                "MODULE.wasm [options]  (forksize --help)\n");
        return EXIT_BAD_INPUT;
    }
    switch (o.command) {
    case FS_CMD_HELP:
        fputs(fs_usage_text, stdout);
        return 0;
    case FS_CMD_VERSION:
        printf("forksize %s\n", FORKSIZE_VERSION);
        return 0;
    case FS_CMD_STATS:
        return stats(&o);
    case FS_CMD_OPCODES:
        return opcodes(&o);
    }
    return EXIT_BAD_INPUT;
}
