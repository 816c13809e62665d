/* cliutil.c - see cliutil.h. */
#include "cliutil.h"
#include "forkinstr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "file.h"
#include "output.h"

int fs_cli_fail(const char *path, const fs_error *err, int status)
{
    if (path && err->has_offset)
        fprintf(stderr, "forksize: %s: offset 0x%llx: %s\n", path,
                (unsigned long long)err->offset, err->msg);
    else if (path)
        fprintf(stderr, "forksize: %s: %s\n", path, err->msg);
    else
        fprintf(stderr, "forksize: %s\n", err->msg);
    return status;
}

int fs_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("forksize: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(forksize %s --help)\n", cmd);
    return FS_EXIT_BAD;
}

int fs_cli_is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == 0 || arg[n] == '=');
}

const char *fs_cli_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(arg, name, n) && arg[n] == '=')
        return arg + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

void fs_cli_analysis_init(fs_cli_analysis *a)
{
    memset(a, 0, sizeof *a);
    a->policy = FS_POLICY_TYPED;
    a->profile = fs_cost_seed;
    /* forkinstr's dry run is exact and cheap: the default way to price. */
    a->apply = FS_APPLY_SIMULATE;
    a->apply_default = 1;
    a->opt_level = 2;
}

static int parse_uint(const char *s, unsigned *out);

const char *fs_cli_group_check(const fs_cli_analysis *a)
{
    if (a->source_map && a->group_by != FS_GROUP_FILE && a->group_by != FS_GROUP_DIR)
        return "--source-map goes with --group-by file or dir";
    return a->depth_given && a->group_by != FS_GROUP_DIR ? "--depth goes with --group-by dir"
                                                          : NULL;
}

/* an option error: -1, and the message in ERR */
#define bad(err, ...) fs_error_setf(err, -1, __VA_ARGS__)

int fs_cli_analysis_option(fs_cli_analysis *a, unsigned accept, int argc, char **argv, int *i,
                           fs_error *err)
{
    const char *arg = argv[*i], *v;
    if ((accept & FS_CLI_ROOTS) && fs_cli_is_opt(arg, "--root")) {
        if (!(v = fs_cli_value(argc, argv, i, "--root")))
            return bad(err, "--root needs a SPEC");
        if (a->nroots == FS_MAX_ROOTS)
            return bad(err, "too many --root options (at most %d)", FS_MAX_ROOTS);
        if (fs_roots_parse(v, &a->roots[a->nroots], err))
            return -1;
        a->nroots++;
        return 1;
    }
    if ((accept & FS_CLI_ROOTS) && fs_cli_is_opt(arg, "--symbols")) {
        if (!(v = fs_cli_value(argc, argv, i, "--symbols")) || !*v)
            return bad(err, "%s", "--symbols needs a FILE (INDEX:NAME lines, as emcc "
                       "--emit-symbol-map writes)");
        a->symbols = v;
        return 1;
    }
    if ((accept & FS_CLI_GROUP) && fs_cli_is_opt(arg, "--group-by")) {
        if (!(v = fs_cli_value(argc, argv, i, "--group-by")) || (a->group_by = fs_group_by_parse(v)) < 0)
            return bad(err, "%s", "--group-by needs file, dir, cu, namespace, prefix or none");
        return 1;
    }
    if ((accept & FS_CLI_GROUP) && fs_cli_is_opt(arg, "--source-map")) {
        if (!(v = fs_cli_value(argc, argv, i, "--source-map")) || !*v)
            return bad(err, "%s", "--source-map needs a FILE (a Source Map v3)");
        a->source_map = v;
        return 1;
    }
    if ((accept & FS_CLI_GROUP) && fs_cli_is_opt(arg, "--depth")) {
        if (!(v = fs_cli_value(argc, argv, i, "--depth")) || parse_uint(v, &a->group_depth))
            return bad(err, "%s", "--depth needs a whole number (directory components; 0 = all)");
        a->depth_given = 1;
        return 1;
    }
    if ((accept & FS_CLI_POLICY) && fs_cli_is_opt(arg, "--indirect")) {
        if (!(v = fs_cli_value(argc, argv, i, "--indirect")))
            return bad(err, "--indirect needs a POLICY");
        int p = fs_policy_parse(v);
        if (p < 0)
            return bad(err, "unknown --indirect policy '%.100s' (asyncify, table, typed or none)",
                       v);
        a->policy = (fs_policy)p;
        return 1;
    }
    if ((accept & FS_CLI_MODEL) && fs_cli_is_opt(arg, "--model")) {
        if (!(v = fs_cli_value(argc, argv, i, "--model")))
            return bad(err, "--model needs A,B,C");
        /* coefficients for the model: without --apply, price with it */
        if (a->apply_default)
            a->apply = FS_APPLY_MODEL;
        return fs_cost_parse_model(v, &a->profile, err) ? -1 : 1;
    }
    if ((accept & FS_CLI_APPLY) && fs_cli_is_opt(arg, "--apply")) {
        if (!(v = fs_cli_value(argc, argv, i, "--apply")))
            return bad(err, "--apply needs a MODE");
        a->apply_default = 0;
        if (!strcmp(v, "model"))
            a->apply = FS_APPLY_MODEL;
        else if (!strcmp(v, "asyncify"))
            a->apply = FS_APPLY_ASYNCIFY;
        else if (!strcmp(v, "forkinstr"))
            a->apply = FS_APPLY_FORKINSTR;
        else if (!strcmp(v, "simulate"))
            a->apply = FS_APPLY_SIMULATE;
        else
            return bad(err, "unknown --apply mode '%.100s' (model, asyncify, forkinstr or "
                       "simulate)", v);
        return 1;
    }
    if ((accept & FS_CLI_APPLY) && fs_cli_is_opt(arg, "--stages")) {
        if (!(v = fs_cli_value(argc, argv, i, "--stages")))
            return bad(err, "--stages needs a LIST");
        int s = fs_fi_stage_parse(v);
        if (s < 0)
            return bad(err, "unknown stage in '%.100s' (naive, cse, live, trampoline, or a list of them)", v);
        a->stage = (unsigned)s + 1;
        return 1;
    }
    if ((accept & (FS_CLI_APPLY | FS_CLI_SAVEMEM)) && fs_cli_is_opt(arg, "--save-memory")) {
        if (!(v = fs_cli_value(argc, argv, i, "--save-memory")) || parse_uint(v, &a->save_memory))
            return bad(err, "%s", "--save-memory needs a memory index (0, 1, ...)");
        return 1;
    }
    if ((accept & FS_CLI_APPLY) && fs_cli_is_opt(arg, "--wasm-opt")) {
        if (!(v = fs_cli_value(argc, argv, i, "--wasm-opt")) || !*v)
            return bad(err, "%s", "--wasm-opt needs the PATH of a wasm-opt");
        a->wasm_opt = v;
        return 1;
    }
    if ((accept & FS_CLI_APPLY) && !strncmp(arg, "-O", 2)) {
        /* -O2 or -O 2 */
        const char *lv = arg[2] ? arg + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
        if (!lv || lv[0] < '0' || lv[0] > '4' || lv[1])
            return bad(err, "-O needs a level from 0 to 4");
        a->opt_level = lv[0] - '0';
        return 1;
    }
    return 0;
}

static int parse_uint(const char *s, unsigned *out)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > 1000000000ul)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* "text, json or md" */
static void format_list(const fs_cli_out_spec *spec, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (unsigned k = 0; k < spec->nformats && o < cap; k++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s",
                              !k ? "" : k + 1 == spec->nformats ? " or " : ", ",
                              spec->formats[k].name);
}

int fs_cli_out_option(fs_cli_out_opts *o, const fs_cli_out_spec *spec, int argc, char **argv,
                      int *i, fs_error *err)
{
    const char *arg = argv[*i], *v;
    if (spec->formats && fs_cli_is_opt(arg, "--format")) {
        char list[128];
        format_list(spec, list, sizeof list);
        if (!(v = fs_cli_value(argc, argv, i, "--format")))
            return spec->cmd ? bad(err, "--format needs %s", list)
                             : bad(err, "%s needs a format", "--format");
        for (unsigned k = 0; k < spec->nformats; k++)
            if (!strcmp(v, spec->formats[k].name)) {
                o->format = spec->formats[k].value;
                return 1;
            }
        return spec->cmd ? bad(err, "%s writes %s, not '%.100s'", spec->cmd, list, v)
                         : bad(err, "unknown --format '%.100s' (%s)", v, list);
    }
    if (spec->output && (!strcmp(arg, "-o") || fs_cli_is_opt(arg, "--output"))) {
        if (!(v = fs_cli_value(argc, argv, i, "--output")))
            return bad(err, "%s needs a FILE", arg);
        o->output = v;
        return 1;
    }
    if (spec->top && fs_cli_is_opt(arg, "--top")) {
        if (!(v = fs_cli_value(argc, argv, i, "--top")) || parse_uint(v, &o->top))
            return bad(err, "%s", "--top needs a whole number (0 = all)");
        return 1;
    }
    return 0;
}

fs_analysis_opts fs_cli_analysis_opts(const fs_cli_analysis *a)
{
    fs_analysis_opts o = {
        .roots = a->roots, .nroots = a->nroots, .roots_default = a->roots_default,
        .policy = a->policy, .profile = &a->profile, .tool_version = FORKSIZE_VERSION,
        .apply = (fs_apply)a->apply, .opt_level = a->opt_level, .stage = a->stage,
        .save_memory = a->save_memory,
        .apply_default = a->apply_default, .wasm_opt = a->wasm_opt, .symbols = a->symbols,
        .source_map = a->source_map, .no_demangle = a->no_demangle,
        .group_by = (fs_group_by)a->group_by, .group_depth = a->group_depth,
    };
    return o;
}

void fs_cli_analysis_finish(fs_cli_analysis *a)
{
    const char *env = getenv("FORKSIZE_WASM_OPT");
    if (!a->wasm_opt && env && *env)
        a->wasm_opt = env;
    if (a->nroots)
        return;
    fs_error ignored;
    a->roots_default = 1;
    for (unsigned k = 0; k < fs_roots_ndefault; k++)
        fs_roots_parse(fs_roots_default[k], &a->roots[a->nroots++], &ignored);
}

int fs_cli_read_file(const char *path, char **text, size_t *len)
{
    fs_error err;
    if (fs_file_read(path, text, len, &err)) {
        fprintf(stderr, "forksize: %s: %s\n", path, err.msg);
        return 1;
    }
    return 0;
}

int fs_cli_analyze(fs_analysis *a, const char *path, const fs_analysis_opts *ao, int warn)
{
    fs_error err;
    int st = fs_analysis_run(a, path, ao, &err);
    if (ao->progress)
        fputs("\r\033[K", stderr);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", path, err.msg);
        return FS_EXIT_CANNOT_APPLY;
    }
    if (st)
        return fs_cli_fail(path, &err, FS_EXIT_BAD);
    for (unsigned i = 0; warn && i < a->report.nwarnings; i++)
        fprintf(stderr, "forksize: %s: warning: %s\n", path, a->report.warnings[i]);
    return -1;
}

int fs_cli_no_root(const char *path, const fs_analysis *a, int roots_default, const char *advice)
{
    fprintf(stderr, "forksize: %s: no root matched (", path);
    for (unsigned i = 0; i < a->nroots; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", a->roots[i].text);
    fprintf(stderr, "%s): %s\n", roots_default ? " are the defaults" : "", advice);
    return FS_EXIT_NO_ROOT;
}

int fs_cli_finish(fs_out *out, int st, const fs_error *err, const char *output)
{
    const char *where = output ? output : "stdout";
    if (st && st != FS_ERR_IO) {
        fs_out_abort(out);
        return fs_cli_fail(where, err, FS_EXIT_BAD);
    }
    fs_error e;
    if (fs_out_commit(out, &e))
        return fs_cli_fail(where, &e, FS_EXIT_BAD);
    return FS_EXIT_OK;
}
