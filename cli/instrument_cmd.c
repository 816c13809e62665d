/* instrument_cmd.c - forksize instrument: write the forkinstr-instrumented
 * module (atomically, never over its input) and say what it cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliutil.h"
#include "forkinstr.h"
#include "graph.h"
#include "instrument_cmd.h"
#include "output.h"

static const char usage[] =
"usage: forksize instrument MODULE.wasm -o OUT.wasm [--root SPEC]... [--indirect POLICY]\n"
"                          [--stages LIST] [-q]\n"
"\n"
"Rewrites every function of the fork-path closure so that it can unwind and\n"
"rewind (forkinstr; the Asyncify ABI: exports asyncify_start_unwind,\n"
"asyncify_stop_unwind, asyncify_start_rewind, asyncify_stop_rewind and\n"
"asyncify_get_state; docs/instrumentation.md) and writes the module to OUT.\n"
"\n"
"  -o, --output FILE   where to write it (required; written atomically, never\n"
"                      over MODULE)\n"
"  --root SPEC         where an unwind begins, as for --stats (repeatable)\n"
"  --indirect POLICY   asyncify, table, typed (default) or none\n"
"  --stages LIST       naive, cse or live, or a list of them (cumulative: the\n"
"                      last one counts); default live, i.e. all of them\n"
"  -q, --quiet         no summary on stderr\n"
"\n"
"Functions forkinstr cannot handle are left as they are, with a trap after\n"
"each call that could unwind, and listed on stderr.\n"
"exit status: 0 written, 2 bad input or usage, 3 no root matched,\n"
"             4 the module cannot be instrumented (no memory, memory64)\n";

int fs_cmd_instrument(int argc, char **argv)
{
    fs_cli_analysis an;
    fs_cli_analysis_init(&an);
    const char *module = NULL, *output = NULL;
    int stage = FS_FI_LIVE, quiet = 0;
    fs_error err;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        int r = fs_cli_analysis_option(&an, FS_CLI_ROOTS | FS_CLI_POLICY, argc, argv, &i, &err);
        if (r < 0)
            return fs_cli_usage("instrument", "%s", err.msg);
        if (r > 0)
            continue;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (fs_cli_is_opt(arg, "-o") || fs_cli_is_opt(arg, "--output")) {
            if (!(v = fs_cli_value(argc, argv, &i, arg[1] == 'o' ? "-o" : "--output")))
                return fs_cli_usage("instrument", "%s needs a FILE", arg);
            output = v;
        } else if (fs_cli_is_opt(arg, "--stages")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--stages")))
                return fs_cli_usage("instrument", "--stages needs a LIST");
            if ((stage = fs_fi_stage_parse(v)) < 0)
                return fs_cli_usage("instrument", "unknown stage in '%.100s' (naive, cse, live)", v);
        } else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            quiet = 1;
        } else if (arg[0] == '-' && arg[1]) {
            return fs_cli_usage("instrument", "unknown option '%.100s'", arg);
        } else if (!module) {
            module = arg;
        } else {
            return fs_cli_usage("instrument", "one MODULE only ('%.100s' is extra)", arg);
        }
    }
    if (!module)
        return fs_cli_usage("instrument", "no MODULE given");
    if (!output)
        return fs_cli_usage("instrument", "no -o OUT.wasm given");
    fs_cli_analysis_finish(&an);

    fs_wasm_module m;
    fs_graph g;
    fs_closure c;
    memset(&g, 0, sizeof g);
    memset(&c, 0, sizeof c);
    int status = 0;
    fs_fi_result r;
    memset(&r, 0, sizeof r);
    int st = fs_wasm_load(&m, module, &err);
    if (!st)
        st = fs_graph_build(&g, &m, &err);
    if (!st)
        st = fs_closure_compute(&c, &g, an.roots, an.nroots, an.policy, &err);
    if (st) {
        status = fs_cli_fail(module, &err, 2);
        goto out;
    }
    if (!c.nroots) {
        fprintf(stderr, "forksize: %s: no root matched: there is nothing to instrument\n", module);
        status = 3;
        goto out;
    }
    st = fs_fi_run(&m, &g, &c, (unsigned)stage, 0, &r, &err);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", module, err.msg);
        status = 4;
        goto out;
    }
    if (st) {
        status = fs_cli_fail(module, &err, 2);
        goto out;
    }
    fs_out o;
    if (fs_out_open(&o, output, module, &err)) {
        status = fs_cli_fail(output, &err, 2);
        goto out;
    }
    if (fwrite(r.out, 1, r.out_size, o.fp) != r.out_size) {
        fs_out_abort(&o);
        snprintf(err.msg, sizeof err.msg, "write failed");
        status = fs_cli_fail(output, &err, 2);
        goto out;
    }
    if (fs_out_commit(&o, &err)) {
        status = fs_cli_fail(output, &err, 2);
        goto out;
    }
    if (!quiet) {
        for (uint32_t i = 0; i < r.nfuncs; i++)
            if (r.funcs[i].refused) {
                char name[64];
                const fs_func *fn = &m.funcs[r.funcs[i].func];
                fs_func_display_name(fn->name, fn->name_len > 60 ? 60 : fn->name_len,
                                     r.funcs[i].func, name, sizeof name);
                fprintf(stderr, "forksize: %s: not instrumented: %s: %s\n", module, name,
                        r.funcs[i].refused);
            }
        uint64_t added = r.code_after - r.code_before;
        fprintf(stderr,
                "forksize: %s: forkinstr (%s): %u of %u closure functions instrumented, %u refused, "
                "%u with no site reached; code %llu -> %llu bytes (+%llu, +%.1f%%); wrote %s (%zu bytes) "
                "in %.3f s\n",
                module, fs_fi_stage_name[stage], r.instrumented, c.size, r.refused, r.untouched,
                (unsigned long long)r.code_before, (unsigned long long)r.code_after,
                (unsigned long long)added, r.code_before ? 100.0 * (double)added / (double)r.code_before : 0.0,
                output, r.out_size, r.seconds);
    }
out:
    fs_fi_free(&r);
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    return status;
}
