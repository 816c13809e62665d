/* stats_cmd.c - `forksize [stats] MODULE.wasm` and `forksize opcodes`:
 * analyze, then hand the report (or the what-if steps, or the opcode
 * counts) to its emitter in report/. */
#include "stats_cmd.h"

#include <stdio.h>
#include <unistd.h>

#include "analysis.h"
#include "cliutil.h"
#include "output.h"
#include "whatif.h"

/* Binaryen at -O2 takes minutes on large modules: a live line on a
 * terminal says it is still working. */
static void progress(void *ctx, double seconds)
{
    fprintf(stderr, "\rforksize: %s: Binaryen running (baseline and asyncify), %.0f s ",
            (const char *)ctx, seconds);
    fflush(stderr);
}

int fs_stats_run(const fs_options *o)
{
    fs_analysis a;
    fs_error err;
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    ao.no_precheck = o->no_precheck;
    ao.progress = isatty(2) && !o->quiet ? progress : NULL;
    ao.progress_ctx = (void *)o->module;
    int st = fs_cli_analyze(&a, o->module, &ao, !o->quiet);
    if (st < 0 && !a.c.nroots && !o->allow_empty)
        st = fs_cli_no_root(o->module, &a, o->an.roots_default,
                            "the fork path is not active in this module, so there is nothing "
                            "to instrument and a 0% overhead would be meaningless; name a root "
                            "with --root, or pass --allow-empty to report anyway");
    fs_whatif w;
    int fst;
    if (st < 0 && o->whatif &&
        (fst = fs_whatif_run(&a.m, &a.g, a.roots, a.nroots, a.c.policy, &w, &err))) {
        if (fst == FS_ERR_UNSUPPORTED) {
            fprintf(stderr, "forksize: %s: %s\n", o->module, err.msg);
            st = FS_EXIT_CANNOT_APPLY;
        } else {
            st = fs_cli_fail(o->module, &err, FS_EXIT_BAD);
        }
    }
    fs_out out;
    if (st < 0 && fs_out_open(&out, o->out.output, o->module, &err))
        st = fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    a.report.summary = o->summary;
    if (st < 0) {
        fst = o->whatif ? fs_emit_whatif(&w, &a.report, (fs_format)o->out.format, out.fp, &err)
                        : fs_emit(&a.report, (fs_format)o->out.format, o->out.top, out.fp, &err);
        st = fs_cli_finish(&out, fst, &err, o->out.output);
    }
    fs_analysis_free(&a);
    return st;
}

int fs_opcodes_run(const fs_options *o)
{
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_load(&m, o->module, &err) ? fs_cli_fail(o->module, &err, FS_EXIT_BAD) : -1;
    fs_out out;
    if (st < 0 && fs_out_open(&out, o->out.output, o->module, &err))
        st = fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    if (st < 0)
        st = fs_cli_finish(&out, fs_emit_opcodes(&m, (fs_format)o->out.format, out.fp, &err),
                           &err, o->out.output);
    fs_wasm_free(&m);
    return st;
}
