/* closure_cmd.c - `forksize closure` and `forksize check-onlylist`.
 *
 * Both run the usual analysis (report/analysis.h), then speak Binaryen's
 * language: the closure as an Asyncify only-list that wasm-opt 108 reads
 * back as exactly the closure (analyzer/names_bn.h has the rules), a list
 * checked against the closure, and why a function is in it (a shortest
 * call path to a root, analyzer/paths.h).
 */
#include "closure_cmd.h"
#include "cliutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "closure_report.h"
#include "names_bn.h"
#include "output.h"

static const char closure_usage[] =
"usage: forksize closure MODULE.wasm [--root SPEC]... [--indirect POLICY]\n"
"                        [--onlylist FILE | --why FUNC | --format text|json [-o FILE]]\n"
"       forksize check-onlylist MODULE.wasm LIST [--root SPEC]... [--indirect POLICY]\n"
"\n"
"closure: the fork-path closure (see forksize --help for --root and --indirect;\n"
"the defaults are the same).\n"
"  (no option)        one function per line, by index (\"func[N]\" when unnamed)\n"
"  --format json      [{index, name, binaryen_name, list_entry, via, next}...]\n"
"  -o FILE            write the list (text or json) to FILE, atomically\n"
"  --onlylist FILE    write FILE (atomically) for wasm-opt --asyncify\n"
"                     --pass-arg=asyncify-onlylist@@FILE: Binaryen 108 then\n"
"                     instruments exactly the closure.  The file is one line of\n"
"                     comma-separated names as Binaryen reads them (it does not\n"
"                     split at newlines); a name a list cannot hold (a comma\n"
"                     outside brackets, unbalanced brackets) becomes a pattern\n"
"                     with '*', and what else it selects is reported\n"
"  --why FUNC         a shortest call path from FUNC (a name, or index:N) to a\n"
"                     root, with each call's kind; exit 1 if FUNC is not in\n"
"                     the closure\n"
"check-onlylist: reports closure functions LIST does not select, each with a\n"
"shortest path to a root, and entries that select no function.  Exit 1 when\n"
"a function is missing, 0 when the list is complete.\n"
"both: --allow-empty (go on when no root matched, else exit 3), -q (no warnings).\n";

typedef struct cmd_opts {
    const char  *module, *list, *onlylist, *why;
    int          allow_empty, quiet;
    fs_cli_out_opts out;    /* --format text|json, -o (closure only) */
    fs_cli_analysis an;     /* --root, --indirect */
} cmd_opts;

static const fs_cli_format formats[] = { { "text", FS_FMT_TEXT }, { "json", FS_FMT_JSON } };
static const fs_cli_out_spec out_spec = { "closure", formats, 2, 1, 0 };

#define usage(...) fs_cli_usage("closure", __VA_ARGS__)

/* Returns -1 to go on, else an exit status. */
static int parse(cmd_opts *o, int argc, char **argv, int check)
{
    memset(o, 0, sizeof *o);
    fs_cli_analysis_init(&o->an);
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        fs_error err;
        if (only_files || a[0] != '-' || !a[1]) {
            if (!strcmp(a, "-") && !only_files)
                return usage("%s", "a module or list must be a file, not standard input");
            if (!o->module)
                o->module = a;
            else if (check && !o->list)
                o->list = a;
            else
                return usage("unexpected argument '%.200s'", a);
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(closure_usage, stdout);
            return FS_EXIT_OK;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY, argc, argv,
                                                &i, &err)) != 0 ||
                   (!check && (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i,
                                                      &err)) != 0)) {
            if (st < 0)
                return usage("%s", err.msg);
        } else if (!check && fs_cli_is_opt(a, "--onlylist")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--onlylist")))
                return usage("%s", "--onlylist needs a FILE");
            o->onlylist = v;
        } else if (!check && fs_cli_is_opt(a, "--why")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--why")))
                return usage("%s", "--why needs a function (a name, or index:N)");
            o->why = v;
        } else {
            return usage("unknown option '%.200s' for %s", a, argv[0]);
        }
    }
    if (!o->module)
        return usage("%s", "no module given");
    if (check && !o->list)
        return usage("%s", "check-onlylist needs a MODULE and a LIST file");
    if ((o->onlylist != NULL) + (o->why != NULL) +
        (o->out.format == FS_FMT_JSON || o->out.output) > 1)
        return usage("%s", "--onlylist, --why and --format/-o do not go together");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

/* Runs the analysis and applies the no-root rule.  -1: go on. */
static int analyze(const cmd_opts *o, fs_analysis *a)
{
    /* the closure needs no pricing: the model, with the seed profile */
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    ao.profile = &fs_cost_seed;
    ao.apply = FS_APPLY_MODEL;
    ao.apply_default = 0;
    int st = fs_cli_analyze(a, o->module, &ao, !o->quiet);
    if (st < 0 && !a->c.nroots && !o->allow_empty)
        st = fs_cli_no_root(o->module, a, o->an.roots_default, FS_CLI_NO_ROOT_ADVICE);
    return st;
}

static int names(const cmd_opts *o, const fs_analysis *a, fs_bn_names *bn)
{
    fs_error err;
    if (fs_bn_names_build(bn, &a->m, &err))
        return fs_cli_fail(o->module, &err, FS_EXIT_BAD);
    if (bn->unreadable && !o->quiet)
        fprintf(stderr, "forksize: %s: warning: %s\n", o->module, bn->problem);
    return -1;
}

/* Does function F answer to NAME (name section, Binaryen's name, or the
 * module.field of an import)? */
static int answers_to(const fs_wasm_module *m, const fs_bn_names *bn, uint32_t f,
                      const char *s, size_t len)
{
    const fs_func *fn = &m->funcs[f];
    if ((fn->name && fn->name_len == len && !memcmp(fn->name, s, len)) ||
        (bn->len[f] == len && !memcmp(fs_bn_name(bn, f), s, len)))
        return 1;
    if (f >= m->nfunc_imports)
        return 0;
    char imp[1024];
    fs_wasm_import_name(m, f, imp, sizeof imp);
    return !strcmp(imp, s);
}

/* FUNC as given to --why: index:N, func[N], or a name.  -1: go on. */
static int resolve(const fs_analysis *a, const fs_bn_names *bn, const char *s, uint32_t *out)
{
    const fs_wasm_module *m = &a->m;
    unsigned long v;
    char *end;
    if ((!strncmp(s, "index:", 6) && s[6] >= '0' && s[6] <= '9' &&
         (v = strtoul(s + 6, &end, 10), !*end)) ||
        (!strncmp(s, "func[", 5) && s[5] >= '0' && s[5] <= '9' &&
         (v = strtoul(s + 5, &end, 10), end[0] == ']' && !end[1]))) {
        if (v >= m->nfuncs) {
            fprintf(stderr, "forksize: %s: no function %s (the module has %u)\n", m->path, s,
                    m->nfuncs);
            return FS_EXIT_BAD;
        }
        *out = (uint32_t)v;
        return -1;
    }
    size_t len = strlen(s);
    uint32_t count = 0;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (answers_to(m, bn, f, s, len) && !count++)
            *out = f;
    if (count == 1)
        return -1;
    if (!count) {
        fprintf(stderr, "forksize: %s: no function named '%s' (try index:N)\n", m->path, s);
        return FS_EXIT_BAD;
    }
    fprintf(stderr, "forksize: %s: '%s' names %u functions:", m->path, s, count);
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (answers_to(m, bn, f, s, len))
            fprintf(stderr, " index:%u", f);
    fprintf(stderr, "; name one by its index\n");
    return FS_EXIT_BAD;
}

static int why(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    uint32_t f = 0;
    int in = 0, st = resolve(a, bn, o->why, &f);
    if (st >= 0)
        return st;
    fs_error err;
    if ((st = fs_closure_emit_why(a, f, stdout, &in, &err)) && st != FS_ERR_IO)
        return fs_cli_fail(o->module, &err, FS_EXIT_BAD);
    return in ? FS_EXIT_OK : FS_EXIT_MISSING;
}

static int write_onlylist(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    fs_bn_listing l;
    fs_error err;
    if (fs_bn_listing_build(bn, a->c.in, &l, &err))
        return fs_cli_fail(o->module, &err, FS_EXIT_BAD);
    fs_out out;
    if (fs_out_open(&out, o->onlylist, o->module, &err)) {
        fs_bn_listing_free(&l);
        return fs_cli_fail(o->onlylist, &err, FS_EXIT_BAD);
    }
    if (fwrite(l.text, 1, l.len, out.fp) != l.len) {
        fs_out_abort(&out);
        fs_bn_listing_free(&l);
        fprintf(stderr, "forksize: %s: write failed: %s\n", o->onlylist, strerror(errno));
        return FS_EXIT_BAD;
    }
    if (fs_out_commit(&out, &err)) {
        fs_bn_listing_free(&l);
        return fs_cli_fail(o->onlylist, &err, FS_EXIT_BAD);
    }
    if (!o->quiet && a->m.name_warning[0])
        fprintf(stderr, "forksize: %s: warning: the list names functions as Binaryen does "
                "without a name section, since forksize ignored it; if wasm-opt reads that "
                "section, the list will not match\n", o->onlylist);
    if (!o->quiet && l.decoy)
        fprintf(stderr, "forksize: %s: note: the list ends on a name no function has, so "
                "wasm-opt will warn about it: %s\n", o->onlylist,
                a->c.size ? "every name in the closure ends in white space, which would be "
                "trimmed at the end of the file"
                          : "the closure is empty, and an empty list would make Asyncify "
                "instrument every function");
    if (!o->quiet && l.nover) {
        char name[512];
        fprintf(stderr, "forksize: %s: warning: %u function%s outside the closure %s selected "
                "too, by patterns standing in for names a list cannot hold exactly:",
                o->onlylist, l.nover, l.nover == 1 ? "" : "s", l.nover == 1 ? "is" : "are");
        for (uint32_t i = 0; i < l.nover && i < 20; i++) {
            fs_bn_display(&a->m, l.over[i], name, sizeof name);
            fprintf(stderr, " %s [%u]", name, l.over[i]);
        }
        fprintf(stderr, "%s (instrumenting them is safe, only larger)\n",
                l.nover > 20 ? " ..." : "");
    }
    fs_bn_listing_free(&l);
    return FS_EXIT_OK;
}

static int print_list(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    fs_error err;
    fs_out out;
    if (fs_out_open(&out, o->out.output, o->module, &err))
        return fs_cli_fail(o->out.output, &err, FS_EXIT_BAD);
    int st = fs_closure_emit_list(a, bn, (fs_format)o->out.format, out.fp, &err);
    return fs_cli_finish(&out, st, &err, o->out.output);
}

int fs_cmd_closure(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv, 0);
    if (st >= 0)
        return st;
    fs_analysis a;
    fs_bn_names bn;
    memset(&bn, 0, sizeof bn);
    if ((st = analyze(&o, &a)) < 0 && (st = names(&o, &a, &bn)) < 0) {
        if (o.why)
            st = why(&o, &a, &bn);
        else if (o.onlylist)
            st = write_onlylist(&o, &a, &bn);
        else
            st = print_list(&o, &a, &bn);
    }
    fs_bn_names_free(&bn);
    fs_analysis_free(&a);
    return st;
}

/* ------------------------------------------------------- check-onlylist */

static int check(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    char *text;
    size_t len;
    if (fs_cli_read_file(o->list, &text, &len))
        return FS_EXIT_BAD;
    fs_bn_list l;
    fs_error err;
    int st = fs_bn_list_parse(text, len, &l, &err);
    free(text);
    if (st)
        return fs_cli_fail(o->list, &err, FS_EXIT_BAD);
    fs_list_verdict v = FS_LIST_COMPLETE;
    st = fs_closure_emit_check(a, bn, &l, o->module, o->list, stdout, &v, &err);
    fs_bn_list_free(&l);
    if (st && st != FS_ERR_IO)
        return fs_cli_fail(NULL, &err, FS_EXIT_BAD);
    return v == FS_LIST_UNUSABLE ? FS_EXIT_BAD : v == FS_LIST_INCOMPLETE ? FS_EXIT_MISSING
                                                                           : FS_EXIT_OK;
}

int fs_cmd_check_onlylist(int argc, char **argv)
{
    cmd_opts o;
    int st = parse(&o, argc, argv, 1);
    if (st >= 0)
        return st;
    fs_analysis a;
    fs_bn_names bn;
    memset(&bn, 0, sizeof bn);
    if ((st = analyze(&o, &a)) < 0 && (st = names(&o, &a, &bn)) < 0)
        st = check(&o, &a, &bn);
    fs_bn_names_free(&bn);
    fs_analysis_free(&a);
    return st;
}
