/* diff_cmd.c - `forksize diff BASE NEW`: what changed between two results.
 *
 * Each side is a module analyzed now (with this command's --root,
 * --indirect, --model, --apply options) or a saved `--format json`
 * report; report/diff.h compares them, this file shows the comparison and
 * turns the gates into an exit status.
 */
#include "diff_cmd.h"
#include "cliutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "diff.h"
#include "diff_group.h"
#include "options.h"
#include "output.h"


static const char diff_usage[] =
"usage: forksize diff BASE NEW [options]\n"
"\n"
"BASE and NEW are each a module (.wasm, analyzed now) or a report saved with\n"
"forksize --stats --format json.  Pairs their functions (--pair-by) and shows\n"
"how, the functions that entered or left the closure, per-function cost\n"
"changes (largest first), the change in totals and cost terms, and how the\n"
"--top set of most expensive functions moved.  The\n"
"cost is the measured delta_bytes when both sides ran --apply asyncify, else\n"
"cost.total: forkinstr's exact bytes when both sides priced with forkinstr the\n"
"same way (the default), otherwise the model's estimate.\n"
"\n"
"  --root SPEC, --indirect POLICY, --model A,B,C, --apply MODE, -O N,\n"
"  --stages LIST         how a .wasm side is analyzed (as forksize --stats)\n"
"  --wasm-opt PATH       --apply asyncify with this wasm-opt (as forksize --stats)\n"
"  --symbols FILE        names for unnamed functions of each .wasm side, from a\n"
"                        symbol map (INDEX:NAME lines; as forksize --stats)\n"
"  --pair-by LIST        how functions are paired, stages in order, each on what\n"
"                        the earlier left: name, body (identical bytes),\n"
"                        fingerprint (structure), index (the same index: only\n"
"                        right when nothing moved); default name,body,fingerprint\n"
"  --top N               size of the most-expensive set compared, and of the\n"
"                        entered/left lists in text and md (default 20, 0 = all)\n"
"  --format text|json|csv|md  output format (json: schema forksize/diff@1; csv:\n"
"                        one line per function with how it was paired)\n"
"  -o, --output FILE     write the output to FILE (atomically)\n"
"  --fail-above PCT      exit 1 when NEW's added bytes exceed BASE's by more\n"
"                        than PCT percent, or (forkinstr on both sides) its\n"
"                        normal-path instructions do\n"
"  --fail-above-bytes N  exit 1 when NEW's added bytes exceed BASE's by more\n"
"                        than N bytes\n"
"  --group-by KEY, --depth N\n"
"                        also compare the costs rolled up by file, dir, cu,\n"
"                        namespace or prefix (groups pair by key); a saved\n"
"                        report must have been written with the same --group-by\n"
"  --source-map FILE     with --group-by file|dir: the source map of each .wasm\n"
"                        side without DWARF (as forksize --stats)\n"
"  --force               compare results made with different options\n"
"  --allow-empty         go on when a side has no root matched (else exit 3)\n"
"  -q, --quiet           no warnings\n"
"  -h, --help            this text\n"
"Exit status: 0 ok, 1 a gate tripped, 2 bad input or different options,\n"
"3 no root matched, 4 --apply asyncify refused.\n";

typedef struct diff_opts {
    const char  *path[2];
    int          force, allow_empty, quiet;
    fs_cli_out_opts out;    /* --format text|json|csv|md, -o, --top */
    double       fail_pct;
    int64_t      fail_bytes;
    fs_cli_analysis an;     /* --root, --indirect, --model, --apply, -O, --stages */
    fs_pair_stages pair_by; /* --pair-by */
} diff_opts;

static const fs_cli_format formats[] = {
    { "text", FS_FMT_TEXT }, { "json", FS_FMT_JSON }, { "csv", FS_FMT_CSV }, { "md", FS_FMT_MD },
};
static const fs_cli_out_spec out_spec = { "diff", formats, 4, 1, 1 };

#define usage(...) fs_cli_usage("diff", __VA_ARGS__)

static int parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse(diff_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    fs_cli_analysis_init(&o->an);
    o->out.top = 20;
    o->fail_pct = -1;
    o->fail_bytes = -1;
    fs_pair_stages_default(&o->pair_by);
    unsigned nfiles = 0;
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        double num;
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (nfiles == 2)
                return usage("unexpected argument '%.200s'", a);
            o->path[nfiles++] = a;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(diff_usage, stdout);
            return FS_EXIT_OK;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY | FS_CLI_GROUP |
                                                FS_CLI_MODEL | FS_CLI_APPLY, argc, argv, &i,
                                                &err)) != 0 ||
                   (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i, &err)) != 0) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (fs_cli_is_opt(a, "--pair-by")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--pair-by")) ||
                fs_pair_stages_parse(&o->pair_by, v, &err))
                return usage("%s", v ? err.msg : "--pair-by needs a LIST (name,body,fingerprint,index)");
        } else if (fs_cli_is_opt(a, "--fail-above")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--fail-above")) || parse_num(v, &num))
                return usage("%s", "--fail-above needs a non-negative PCT");
            o->fail_pct = num;
        } else if (fs_cli_is_opt(a, "--fail-above-bytes")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--fail-above-bytes")) ||
                parse_num(v, &num) || num != floor(num) || num > 9e15)
                return usage("%s", "--fail-above-bytes needs a whole number of bytes");
            o->fail_bytes = (int64_t)num;
        } else {
            return usage("unknown option '%.200s' for diff", a);
        }
    }
    if (nfiles < 2)
        return usage("%s", "diff needs BASE and NEW (each a .wasm or a saved json report)");
    for (int k = 0; k < 2; k++)
        if (!strcmp(o->path[k], "-"))
            return usage("%s", "BASE and NEW must be files, not standard input");
    if (fs_cli_group_check(&o->an))
        return usage("%s", fs_cli_group_check(&o->an));
    fs_cli_analysis_finish(&o->an);
    return -1;
}

/* Is PATH a module?  By content: "\0asm" first; a report starts with '{'. */
static int sniff(const char *path, int *is_wasm)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "forksize: %s: cannot open: %s\n", path, strerror(errno));
        return FS_EXIT_BAD;
    }
    unsigned char head[4] = { 0 };
    size_t got = fread(head, 1, 4, fp);
    int c = 0;
    if (got == 4 && !memcmp(head, "\0asm", 4)) {
        *is_wasm = 1;
    } else {
        rewind(fp);
        while ((c = fgetc(fp)) == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        *is_wasm = 0;
    }
    fclose(fp);
    if (!*is_wasm && c != '{') {
        fprintf(stderr, "forksize: %s: offset 0x0: neither a WebAssembly module (\\0asm) nor "
                "a forksize --format json report\n", path);
        return FS_EXIT_BAD;
    }
    return -1;
}

/* Loads one side, and with --group-by its groups into G.  A .wasm side's
 * analysis is freed before the other side is analyzed; pairing decodes the
 * module again if it needs the bodies. */
static int load(const diff_opts *o, const char *path, fs_diff_side *s, fs_groups *g)
{
    int is_wasm = 0, st;
    fs_error err;
    if ((st = sniff(path, &is_wasm)) >= 0)
        return st;
    if (!is_wasm) {
        char *text;
        size_t len;
        if (fs_cli_read_file(path, &text, &len))
            return FS_EXIT_BAD;
        st = fs_diff_side_from_json(s, path, text, len, &err);
        if (!st && o->an.group_by)
            st = fs_diff_groups_read_json(g, path, text, len, (fs_group_by)o->an.group_by,
                                          o->an.group_depth, &err);
        free(text);
        return st ? fs_cli_fail(path, &err, FS_EXIT_BAD) : -1;
    }
    fs_analysis a;
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    if ((st = fs_cli_analyze(&a, path, &ao, !o->quiet)) < 0) {
        if (fs_diff_side_from_report(s, &a.report, &err))
            st = fs_cli_fail(path, &err, FS_EXIT_BAD);
        else
            s->roots_matched = a.c.nroots;
        if (a.report.groups) {      /* the side's groups outlive its analysis */
            *g = a.groups;
            memset(&a.groups, 0, sizeof a.groups);
        }
    }
    fs_analysis_free(&a);
    return st;
}

/* ------------------------------------------------------------------ main */

static int no_root(const diff_opts *o, const fs_diff_side *s)
{
    if (s->roots_matched || o->allow_empty)
        return -1;
    fprintf(stderr, "forksize: %s: no root matched (", s->path);
    for (unsigned i = 0; i < s->nroots; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", s->roots[i]);
    fprintf(stderr, "): the fork path is not active in this module; name a root with --root, "
            "or pass --allow-empty\n");
    return FS_EXIT_NO_ROOT;
}

static int run(const diff_opts *o, fs_diff_side side[2], fs_diff_groups *dg)
{
    int st;
    fs_error err;
    for (int k = 0; k < 2; k++)
        if ((st = load(o, o->path[k], &side[k], &dg->side[k])) >= 0)
            return st;
    for (int k = 0; k < 2; k++)
        if ((st = no_root(o, &side[k])) >= 0)
            return st;
    fs_diff d;
    if (fs_diff_compute(&d, &side[0], &side[1], o->out.top, &o->pair_by, &err))
        return fs_cli_fail(NULL, &err, FS_EXIT_BAD);
    if (o->an.group_by) {
        if (fs_diff_groups_join(dg, &err)) {
            fs_diff_free(&d);
            return fs_cli_fail(NULL, &err, FS_EXIT_BAD);
        }
        d.groups = dg;
    }
    if (d.options_differ[0] && !o->force) {
        fprintf(stderr, "forksize: %s vs %s: options differ: %s (compare anyway with --force)\n",
                o->path[0], o->path[1], d.options_differ);
        fs_diff_free(&d);
        return FS_EXIT_BAD;
    }
    if (!o->quiet && d.options_differ[0])
        fprintf(stderr, "forksize: warning: options differ: %s\n", d.options_differ);
    if (!o->quiet && d.tool_versions_differ)
        fprintf(stderr, "forksize: warning: tool versions differ: %s vs %s\n",
                side[0].tool_version, side[1].tool_version);
    char reason[512] = "";
    int tripped = fs_diff_gate(&d, o->fail_pct, o->fail_bytes, reason, sizeof reason);
    const char *output = o->out.output;
    fs_out out;
    if (fs_out_open(&out, output, o->path[0], &err)) {
        fs_diff_free(&d);
        return fs_cli_fail(output, &err, FS_EXIT_BAD);
    }
    if (output && !strcmp(output, o->path[1])) {
        fs_out_abort(&out);
        fs_diff_free(&d);
        fprintf(stderr, "forksize: %s: the output may not be an input\n", output);
        return FS_EXIT_BAD;
    }
    fs_diff_gate_view gate = { o->fail_pct, o->fail_bytes, tripped, reason };
    st = fs_diff_emit(&d, (fs_format)o->out.format, &gate, FORKSIZE_VERSION, out.fp, &err);
    fs_diff_free(&d);
    if ((st = fs_cli_finish(&out, st, &err, output)) != FS_EXIT_OK)
        return st;
    if (tripped) {
        fprintf(stderr, "forksize: %s\n", reason);
        return FS_EXIT_GATE;
    }
    return FS_EXIT_OK;
}

int fs_cmd_diff(int argc, char **argv)
{
    diff_opts o;
    int st = parse(&o, argc, argv);
    if (st >= 0)
        return st;
    fs_diff_side side[2];
    memset(side, 0, sizeof side);
    fs_diff_groups dg;
    memset(&dg, 0, sizeof dg);
    st = run(&o, side, &dg);
    fs_diff_groups_free(&dg);
    fs_diff_side_free(&side[0]);
    fs_diff_side_free(&side[1]);
    return st;
}
