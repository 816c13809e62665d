/* compare_cmd.c - `forksize compare MODULE...`: one row per module, every
 * module analyzed with the same options, in parallel (report/compare.h).
 *
 * A module that fails becomes an error row and the others still finish;
 * the table is always written, then the exit status says whether every
 * row was analyzed: 0 yes (a module without an active root is a valid
 * row), 2 when any row is an error (or on a usage or output error).
 */
#include "compare_cmd.h"
#include "cliutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "compare.h"
#include "output.h"

#define MAX_JOBS 256

static const char compare_usage[] =
"usage: forksize compare MODULE.wasm... [options]\n"
"\n"
"Analyzes every MODULE with the same options and shows one row per module,\n"
"in the order given: defined functions; the closure (functions instrumented)\n"
"and its share; code section bytes before and after instrumentation and the\n"
"growth; each cost term's share (fixed, call-site, local, and dispatch where\n"
"forkinstr counts one); with --apply asyncify the fitted A, B, C; and the\n"
"time taken.  Every figure is labelled as forksize --stats labels it: before\n"
"is measured; after and growth say how they were obtained (estimated by the\n"
"model, measured by --apply asyncify, ...); the term split is the model's\n"
"estimate unless forkinstr counted it; A, B, C are fitted.\n"
"A module in which no root matched gets a row that says so; a module that\n"
"cannot be read or decoded, or that --apply refuses, gets an error row with\n"
"the message (also on stderr), and the other modules still finish.\n"
"\n"
"  --root SPEC, --indirect POLICY, --model A,B,C, --apply MODE, -O N,\n"
"  --stages LIST, --save-memory N, --no-precheck\n"
"                        how each module is analyzed (as forksize --stats)\n"
"  --wasm-opt PATH       --apply asyncify with this wasm-opt (as forksize --stats)\n"
"  --group-by KEY, --depth N\n"
"                        each module's costs rolled up by file, dir, cu,\n"
"                        namespace or prefix (as forksize --stats), after the\n"
"                        table; csv becomes one line per module and group,\n"
"                        svg splits each bar by group instead of by term\n"
"  --source-map FILE     with --group-by file|dir: the source map of each module\n"
"                        without DWARF (as forksize --stats; the same FILE for\n"
"                        every module, so it suits one module's variants)\n"
"  --top N               groups shown per module in text and md (default 10,\n"
"                        0 = all)\n"
"  -j, --jobs N          modules analyzed at once (default: one per online\n"
"                        core); the output does not depend on it\n"
"  --format FMT          text (default), md, csv, json (schema\n"
"                        forksize/compare@1) or svg (a bar chart of the growth\n"
"                        per module, split by term, for a browser or a document)\n"
"  -o, --output FILE     write the output to FILE (atomically)\n"
"  --no-timing           leave out every time figure (reproducible output)\n"
"  -q, --quiet           no warnings and no progress line on stderr\n"
"  -h, --help            this text\n"
"Exit status: 0 every row analyzed (rows without an active root included),\n"
"2 a module had an error row (the table is still written), or a usage or\n"
"output error.\n";

typedef struct compare_opts {
    const char    **paths;
    unsigned        npaths;
    fs_cli_out_opts out;     /* --format (fs_compare_format), -o */
    int             timing, quiet, no_precheck;
    unsigned        jobs;
    fs_cli_analysis an;
} compare_opts;

static const fs_cli_format formats[] = {
    { "text", FS_CMP_FMT_TEXT }, { "md", FS_CMP_FMT_MD }, { "csv", FS_CMP_FMT_CSV },
    { "json", FS_CMP_FMT_JSON }, { "svg", FS_CMP_FMT_SVG },
};
static const fs_cli_out_spec out_spec = { "compare", formats, 5, 1, 1 };

#define usage(...) fs_cli_usage("compare", __VA_ARGS__)

static int parse_jobs(const char *v, unsigned *out)
{
    char *end;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || n < 1 || n > MAX_JOBS)
        return -1;
    *out = (unsigned)n;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse(compare_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    fs_cli_analysis_init(&o->an);
    o->timing = 1;
    o->out.top = 10;        /* --group-by: each module's 10 costliest groups */
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    if (!o->paths) {
        fprintf(stderr, "forksize: out of memory\n");
        return FS_EXIT_BAD;
    }
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (!strcmp(a, "-"))
                return usage("%s", "modules must be files, not standard input");
            o->paths[o->npaths++] = a;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(compare_usage, stdout);
            return FS_EXIT_OK;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--no-timing")) {
            o->timing = 0;
        } else if (!strcmp(a, "--no-precheck")) {
            o->no_precheck = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY | FS_CLI_GROUP |
                                                FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                &err)) != 0 ||
                   (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i, &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (!strncmp(a, "-j", 2) && strncmp(a, "--", 2)) {
            /* -j N or -jN */
            v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (parse_jobs(v, &o->jobs))
                return usage("-j needs a number of jobs from 1 to %d", MAX_JOBS);
        } else if (fs_cli_is_opt(a, "--jobs")) {
            if (parse_jobs(fs_cli_value(argc, argv, &i, "--jobs"), &o->jobs))
                return usage("--jobs needs a number of jobs from 1 to %d", MAX_JOBS);
        } else {
            return usage("unknown option '%.200s' for compare", a);
        }
    }
    if (!o->npaths)
        return usage("%s", "compare needs at least one MODULE.wasm");
    if (fs_cli_group_check(&o->an))
        return usage("%s", fs_cli_group_check(&o->an));
    fs_cli_analysis_finish(&o->an);
    return -1;
}

/* -o may not name any of the modules (fs_out_open checks one input). */
static int output_is_input(const compare_opts *o)
{
    struct stat so, si;
    const char *output = o->out.output;
    if (!output || !strcmp(output, "-") || stat(output, &so) != 0)
        return 0;
    for (unsigned i = 0; i < o->npaths; i++)
        if (stat(o->paths[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            fprintf(stderr, "forksize: %s: refusing to write over the input module\n",
                    output);
            return 1;
        }
    return 0;
}

static void progress(void *ctx, unsigned done, unsigned total)
{
    (void)ctx;
    fprintf(stderr, "\rforksize: compare: %u of %u modules done ", done, total);
    fflush(stderr);
}

static int run(const compare_opts *o)
{
    if (output_is_input(o))
        return FS_EXIT_BAD;
    const fs_cli_analysis *an = &o->an;
    fs_analysis_opts ao = fs_cli_analysis_opts(an);
    ao.no_precheck = o->no_precheck;
    int live = !o->quiet && isatty(2);
    fs_compare c;
    fs_error err;
    int st = fs_compare_run(&c, o->paths, o->npaths, &ao, o->jobs, live ? progress : NULL,
                            NULL, &err);
    if (live)
        fputs("\r\033[K", stderr);
    if (st) {
        fs_compare_free(&c);
        return fs_cli_fail(NULL, &err, FS_EXIT_BAD);
    }
    /* Diagnostics in the order of the modules, whatever finished first. */
    for (unsigned i = 0; i < c.nrows; i++) {
        const fs_compare_row *row = &c.rows[i];
        if (row->status == FS_CMP_ERROR)
            fs_cli_fail(row->path, &row->err, FS_EXIT_BAD);
        for (unsigned w = 0; !o->quiet && w < row->nwarnings; w++)
            fprintf(stderr, "forksize: %s: warning: %s\n", row->path, row->warnings[w]);
    }
    fs_out out;
    if (fs_out_open(&out, o->out.output, o->paths[0], &err)) {
        fs_compare_free(&c);
        return fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    }
    c.group_top = o->out.top;
    st = fs_compare_emit(&c, (fs_compare_format)o->out.format, o->timing, out.fp, &err);
    unsigned nerror = c.nerror;
    fs_compare_free(&c);
    if ((st = fs_cli_finish(&out, st, &err, o->out.output)) != FS_EXIT_OK)
        return st;
    return nerror ? FS_EXIT_BAD : FS_EXIT_OK;
}

int fs_cmd_compare(int argc, char **argv)
{
    compare_opts o;
    int st = parse(&o, argc, argv);
    if (st < 0)
        st = run(&o);
    free(o.paths);
    return st;
}
