/* check_cmd.c - `forksize check`: before anyone instruments, which
 * closure functions forkinstr and each Binaryen's Asyncify can handle, and
 * which they refuse or abort on, with the construct (report/check.h).
 */
#include "check_cmd.h"
#include "cliutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "check.h"
#include "output.h"

static const char check_usage[] =
"usage: forksize check MODULE.wasm [--root SPEC]... [--indirect POLICY]\n"
"                      [--wasm-opt PATH] [--pass-arg KEY[@VALUE]]...\n"
"                      [--format text|json] [-o FILE] [--top N]\n"
"\n"
"Says, before anyone instruments, which functions each instrumenter can\n"
"handle and which it refuses or aborts on, and why:\n"
"  forkinstr      its dry run at stage live [exact (dry run)]: a refused\n"
"                 function is left unchanged with trap guards\n"
"  Asyncify 108   Binaryen 108's rules (the libbinaryen peer) [predicted]\n"
"  Asyncify N     the version --wasm-opt PATH (or FORKSIZE_WASM_OPT) reports,\n"
"                 else 132 [predicted]\n"
"Outcomes: ok; refused; traps (instrumented, but a fork from there fails on\n"
"rewind); aborts (no module at all); invalid (a module that does not\n"
"validate).  Binaryen is not run: the rules come from its Asyncify.cpp.\n"
"--pass-arg KEY[@VALUE]\n"
"                 an Asyncify pass argument you mean to use: each one a\n"
"                 version never reads is named (it does nothing there)\n"
"--top N          functions listed in text (default 20; 0 lists all); JSON\n"
"                 lists all\n"
"--root, --indirect: as for forksize --stats.  -o, --output FILE: write there\n"
"atomically.  --allow-empty: go on when no root matched (else exit 3).\n"
"-q, --quiet: no warnings.  Exit 0 when the check ran, whatever it found.\n";

#define MAX_PASS_ARGS 32

typedef struct cmd_opts {
    const char     *module;
    int             allow_empty, quiet;
    const char     *pass_args[MAX_PASS_ARGS];
    unsigned        npass;
    fs_cli_out_opts out;
    fs_cli_analysis an;
} cmd_opts;

static const fs_cli_format formats[] = { { "text", FS_FMT_TEXT }, { "json", FS_FMT_JSON } };
static const fs_cli_out_spec out_spec = { "check", formats, 2, 1, 1 };

#define usage(...) fs_cli_usage("check", __VA_ARGS__)

/* Returns -1 to go on, else an exit status. */
static int parse(cmd_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->out.top = 20;
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
            fputs(check_usage, stdout);
            return FS_EXIT_OK;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--wasm-opt") || !strcmp(a, "--pass-arg")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage("%s needs a value", a);
            const char *val = argv[++i];
            if (a[2] == 'w') {
                o->an.wasm_opt = val;
            } else {
                if (strncmp(val, "asyncify-", 9))
                    return usage("--pass-arg '%.200s': forksize check knows Asyncify's "
                                 "arguments only (asyncify-...)", val);
                if (o->npass == MAX_PASS_ARGS)
                    return usage("at most %d --pass-arg", MAX_PASS_ARGS);
                o->pass_args[o->npass++] = val;
            }
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY, argc, argv,
                                                &i, &err)) != 0 ||
                   (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i, &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else {
            return usage("unknown option '%.200s' for check", a);
        }
    }
    if (!o->module)
        return usage("%s", "no module given");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

static int run(const cmd_opts *o, fs_analysis *a)
{
    fs_error err;
    memset(&err, 0, sizeof err);
    /* The versions first: an unusable --wasm-opt is found before any work. */
    char v108[32], vopt[32], src108[64], srcopt[200];
    unsigned versions[2];
    const char *sources[2] = { src108, srcopt };
    if (fs_peer_version(NULL, v108, sizeof v108, &err))
        return fs_cli_fail("libbinaryen", &err, FS_EXIT_BAD);
    versions[0] = (unsigned)strtoul(v108, NULL, 10);
    snprintf(src108, sizeof src108, "libbinaryen %.30s", v108);
    if (o->an.wasm_opt) {
        if (fs_peer_version(o->an.wasm_opt, vopt, sizeof vopt, &err))
            return fs_cli_fail(o->module, &err, FS_EXIT_CANNOT_APPLY);
        versions[1] = (unsigned)strtoul(vopt, NULL, 10);
        snprintf(srcopt, sizeof srcopt, "--wasm-opt %.150s", o->an.wasm_opt);
    } else {
        versions[1] = 132;
        snprintf(srcopt, sizeof srcopt, "no --wasm-opt given");
    }
    unsigned nversions = versions[1] == versions[0] ? 1 : 2;
    if (nversions == 1)
        sources[0] = srcopt;

    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    ao.apply = FS_APPLY_SIMULATE;        /* forkinstr's dry run, falling back honestly */
    ao.apply_default = 1;
    ao.wasm_opt = NULL;
    int st = fs_cli_analyze(a, o->module, &ao, !o->quiet);
    if (st < 0 && !a->c.nroots && !o->allow_empty)
        st = fs_cli_no_root(o->module, a, o->an.roots_default, FS_CLI_NO_ROOT_ADVICE);
    if (st >= 0)
        return st;
    fs_check ck;
    if ((st = fs_check_build(&ck, a, a->fi_refusal[0] ? a->fi_refusal : NULL,
                             nversions == 1 ? &versions[1] : versions, sources, nversions,
                             o->pass_args, o->npass, &err)))
        return fs_cli_fail(o->module, &err, FS_EXIT_BAD);
    fs_check_view v = { a, &ck, o->module, FORKSIZE_VERSION, o->out.top };
    fs_out out;
    if (fs_out_open(&out, o->out.output, o->module, &err))
        st = fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    else
        st = fs_cli_finish(&out, fs_check_emit(&v, (fs_format)o->out.format, out.fp, &err),
                           &err, o->out.output);
    fs_check_free(&ck);
    return st;
}

int fs_cmd_check(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_analysis a;
    memset(&a, 0, sizeof a);      /* run may return before the analysis starts */
    st = run(&o, &a);
    fs_analysis_free(&a);
    return st;
}
