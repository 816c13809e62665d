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

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "names_bn.h"
#include "options.h"
#include "output.h"
#include "paths.h"

enum { EXIT_MISSING = 1, EXIT_BAD = 2, EXIT_NO_ROOT = 3 };

static const char closure_usage[] =
"usage: forksize closure MODULE.wasm [--root SPEC]... [--indirect POLICY]\n"
"                        [--onlylist FILE | --why FUNC | --format text|json [-o FILE]]\n"
"       forksize check-onlylist MODULE.wasm LIST [--root SPEC]... [--indirect POLICY]\n"
"\n"
"closure: the fork-path closure (see forksize --help for --root and --indirect;\n"
"the defaults are the same).\n"
"  (no option)        one function per line, by index (\"func[N]\" when unnamed)\n"
"  --format json      [{index, name, binaryen_name, list_entry, via, next}...]\n"
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
    const char  *module, *list, *onlylist, *why, *output;
    int          json, allow_empty, quiet;
    fs_cli_analysis an;     /* --root, --indirect (and for diff --model, --apply, -O) */
} cmd_opts;

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
            return 0;
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY, argc, argv, &i,
                                                 &err)) != 0) {
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
        } else if (!check && fs_cli_is_opt(a, "--format")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--format")))
                return usage("%s", "--format needs text or json");
            if (strcmp(v, "text") && strcmp(v, "json"))
                return usage("closure writes text or json, not '%.100s'", v);
            o->json = !strcmp(v, "json");
        } else if (!check && (!strcmp(a, "-o") || fs_cli_is_opt(a, "--output"))) {
            if (!(v = fs_cli_value(argc, argv, &i, "--output")))
                return usage("%s needs a FILE", a);
            o->output = v;
        } else {
            return usage("unknown option '%.200s' for %s", a, argv[0]);
        }
    }
    if (!o->module)
        return usage("%s", "no module given");
    if (check && !o->list)
        return usage("%s", "check-onlylist needs a MODULE and a LIST file");
    if ((o->onlylist != NULL) + (o->why != NULL) + (o->json || o->output) > 1)
        return usage("%s", "--onlylist, --why and --format/-o do not go together");
    fs_cli_analysis_finish(&o->an);
    return -1;
}

/* Runs the analysis and applies the no-root rule.  -1: go on. */
static int analyze(const cmd_opts *o, fs_analysis *a)
{
    fs_error err;
    /* the closure needs no pricing: the model, with the seed profile */
    fs_analysis_opts ao = fs_cli_analysis_opts(&o->an);
    ao.profile = &fs_cost_seed;
    ao.apply = FS_APPLY_MODEL;
    ao.apply_default = 0;
    if (fs_analysis_run(a, o->module, &ao, &err))
        return fs_cli_fail(o->module, &err, EXIT_BAD);
    if (!o->quiet)
        for (unsigned i = 0; i < a->report.nwarnings; i++)
            fprintf(stderr, "forksize: %s: warning: %s\n", o->module, a->report.warnings[i]);
    if (!a->c.nroots && !o->allow_empty) {
        fprintf(stderr, "forksize: %s: no root matched (", o->module);
        for (unsigned i = 0; i < a->nroots; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", a->roots[i].text);
        fprintf(stderr, "%s): the fork path is not active in this module; name a root with "
                "--root, or pass --allow-empty\n", o->an.roots_default ? " are the defaults" : "");
        return EXIT_NO_ROOT;
    }
    return -1;
}

static int names(const cmd_opts *o, const fs_analysis *a, fs_bn_names *bn)
{
    fs_error err;
    if (fs_bn_names_build(bn, &a->m, &err))
        return fs_cli_fail(o->module, &err, EXIT_BAD);
    if (bn->unreadable && !o->quiet)
        fprintf(stderr, "forksize: %s: warning: %s\n", o->module, bn->problem);
    return -1;
}

static const char *via_word(uint8_t via)
{
    switch ((fs_via)via) {
    case FS_VIA_ROOT:     return "root";
    case FS_VIA_CALL:     return "call";
    case FS_VIA_INDIRECT: return "indirect";
    case FS_VIA_POLICY:   return "policy";
    default:              return "none";
    }
}

/* "indirect (type 3: (i32 i32) -> i32)" or "direct", for call site S. */
static void edge_text(const fs_wasm_module *m, uint32_t s, char *buf, size_t cap)
{
    const fs_call *call = &m->calls[s];
    if (!fs_call_is_indirect(call->kind)) {
        snprintf(buf, cap, "%s", fs_path_call_kind(call->kind));
        return;
    }
    char sig[256];
    fs_path_type_sig(m, call->target, sig, sizeof sig);
    snprintf(buf, cap, "%s (type %u: %s)", fs_path_call_kind(call->kind), call->target, sig);
}

/* The path on one line: "a -> [indirect (type 2: ...)] b -> env.fork". */
static void print_path_line(FILE *out, const fs_analysis *a, const fs_path *p)
{
    char name[512], edge[320];
    for (uint32_t i = 0; i < p->n; i++) {
        const fs_path_step *s = &p->steps[i];
        fs_bn_display(&a->m, s->func, name, sizeof name);
        fputs(name, out);
        if (s->site == UINT32_MAX)
            break;
        edge_text(&a->m, s->site, edge, sizeof edge);
        if (i + 1 == p->n) {    /* policy end */
            fprintf(out, " -> [%s, may unwind by itself under --indirect asyncify]", edge);
            break;
        }
        if (a->m.calls[s->site].kind == FS_CALL_DIRECT)
            fputs(" -> ", out);
        else
            fprintf(out, " -> [%s] ", edge);
    }
    fputc('\n', out);
}

/* The root specs that match function F, comma-separated. */
static void root_specs(const fs_analysis *a, uint32_t f, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    uint8_t *mark = calloc((size_t)a->m.nfuncs + 1, 1);
    if (!mark)
        return;
    for (unsigned i = 0; i < a->nroots && o < cap; i++) {
        fs_root_spec one = a->roots[i];
        /* analysis.c copied the specs: their pattern still points into ours. */
        one.pattern = strchr(one.text, ':') + 1;
        memset(mark, 0, a->m.nfuncs);
        fs_roots_match(&a->m, &one, 1, mark);
        if (mark[f])
            o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", one.text);
    }
    free(mark);
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
            return EXIT_BAD;
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
        return EXIT_BAD;
    }
    fprintf(stderr, "forksize: %s: '%s' names %u functions:", m->path, s, count);
    for (uint32_t f = 0; f < m->nfuncs; f++)
        if (answers_to(m, bn, f, s, len))
            fprintf(stderr, " index:%u", f);
    fprintf(stderr, "; name one by its index\n");
    return EXIT_BAD;
}

static int why(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    const fs_wasm_module *m = &a->m;
    const fs_closure *c = &a->c;
    uint32_t f = 0;
    int st = resolve(a, bn, o->why, &f);
    if (st >= 0)
        return st;
    char name[512], edge[320], specs[512];
    const char *policy = fs_policy_name[c->policy];
    fs_bn_display(m, f, name, sizeof name);
    if (!c->in[f]) {
        if (f < m->nfunc_imports)
            printf("%s [%u] is an import, never instrumented: not in the closure%s\n", name, f,
                   c->is_root[f] ? " (it is a root)" : "");
        else if (c->runtime[f] == FS_RUNTIME_BOTTOM && c->unwinds[f])
            printf("%s [%u] is not in the closure: it calls asyncify.start_unwind or "
                   "asyncify.stop_rewind, so it is Asyncify's runtime and never rewritten\n",
                   name, f);
        else
            printf("%s [%u] is not in the fork-path closure (--indirect %s)\n", name, f, policy);
        return EXIT_MISSING;
    }
    fs_path p;
    fs_error err;
    if (fs_path_find(c, &a->g, f, &p, &err))
        return fs_cli_fail(o->module, &err, EXIT_BAD);
    uint32_t calls = p.n - 1;
    printf("%s [%u] is in the closure (--indirect %s): ", name, f, policy);
    if (p.policy_end && !calls)
        printf("it holds an indirect call, which may unwind by itself\n");
    else if (p.policy_end)
        printf("%u call%s to a function holding an indirect call, which may unwind by itself\n",
               calls, calls == 1 ? "" : "s");
    else if (calls)
        printf("%u call%s from a root\n", calls, calls == 1 ? "" : "s");
    else
        printf("it is a root\n");
    for (uint32_t i = 0; i < p.n; i++) {
        const fs_path_step *s = &p.steps[i];
        fs_bn_display(m, s->func, name, sizeof name);
        printf("  %s [%u]", name, s->func);
        if (s->site == UINT32_MAX) {
            root_specs(a, s->func, specs, sizeof specs);
            printf(": root (%s)\n", specs);
            break;
        }
        if (c->runtime[s->func] == FS_RUNTIME_BOTTOM)
            printf(" (Asyncify runtime, not rewritten)");
        edge_text(m, s->site, edge, sizeof edge);
        printf("\n    -> %s at offset 0x%x%s\n", edge, m->calls[s->site].offset,
               i + 1 == p.n ? ": may unwind by itself under --indirect asyncify" : "");
    }
    fs_path_free(&p);
    return 0;
}

static int write_onlylist(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    fs_bn_listing l;
    fs_error err;
    if (fs_bn_listing_build(bn, a->c.in, &l, &err))
        return fs_cli_fail(o->module, &err, EXIT_BAD);
    fs_out out;
    if (fs_out_open(&out, o->onlylist, o->module, &err)) {
        fs_bn_listing_free(&l);
        return fs_cli_fail(o->onlylist, &err, EXIT_BAD);
    }
    if (fwrite(l.text, 1, l.len, out.fp) != l.len) {
        fs_out_abort(&out);
        fs_bn_listing_free(&l);
        fprintf(stderr, "forksize: %s: write failed: %s\n", o->onlylist, strerror(errno));
        return EXIT_BAD;
    }
    if (fs_out_commit(&out, &err)) {
        fs_bn_listing_free(&l);
        return fs_cli_fail(o->onlylist, &err, EXIT_BAD);
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
    return 0;
}

static int print_list(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    const fs_wasm_module *m = &a->m;
    fs_error err;
    fs_out out;
    if (fs_out_open(&out, o->output, o->module, &err))
        return fs_cli_fail(o->output, &err, EXIT_BAD);
    int st = 0;
    if (!o->json) {
        char name[4096];
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
            if (a->c.in[f]) {
                fs_bn_display(m, f, name, sizeof name);
                fprintf(out.fp, "%s\n", name);
            }
    } else {
        cJSON *arr = cJSON_CreateArray();
        st = !arr;
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs && !st; f++) {
            if (!a->c.in[f])
                continue;
            cJSON *e = cJSON_CreateObject();
            char *entry = NULL, *raw = NULL;
            size_t elen;
            int pat;
            if (!e || fs_bn_entry(bn, f, &entry, &elen, &pat) || !cJSON_AddItemToArray(arr, e)) {
                cJSON_Delete(e);
                free(entry);
                st = 1;
                break;
            }
            const fs_func *fn = &m->funcs[f];
            if (fn->name && (raw = malloc((size_t)fn->name_len + 1))) {
                memcpy(raw, fn->name, fn->name_len);
                raw[fn->name_len] = 0;
            }
            uint8_t via = a->c.via[f];
            st = !cJSON_AddNumberToObject(e, "index", f) ||
                 !(raw ? cJSON_AddStringToObject(e, "name", raw) : cJSON_AddNullToObject(e, "name")) ||
                 !cJSON_AddStringToObject(e, "binaryen_name", fs_bn_name(bn, f)) ||
                 !cJSON_AddStringToObject(e, "list_entry", entry) ||
                 !cJSON_AddStringToObject(e, "via", via_word(via)) ||
                 !(via == FS_VIA_CALL || via == FS_VIA_INDIRECT
                       ? cJSON_AddNumberToObject(e, "next", a->c.next[f])
                       : cJSON_AddNullToObject(e, "next"));
            free(raw);
            free(entry);
        }
        char *text = st ? NULL : cJSON_Print(arr);
        cJSON_Delete(arr);
        if (text)
            fprintf(out.fp, "%s\n", text);
        else
            st = 1;
        cJSON_free(text);
    }
    if (st) {
        fs_out_abort(&out);
        fprintf(stderr, "forksize: out of memory writing JSON\n");
        return EXIT_BAD;
    }
    if (fs_out_commit(&out, &err))
        return fs_cli_fail(o->output ? o->output : "stdout", &err, EXIT_BAD);
    return 0;
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

/* A list entry for people: control bytes (a line break in an entry that
 * spans lines, or in a name) as \XX, like names. */
static void print_bytes(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            printf("\\%02x", c);
        else
            putchar(c);
    }
}

static int check(const cmd_opts *o, const fs_analysis *a, const fs_bn_names *bn)
{
    const fs_wasm_module *m = &a->m;
    const fs_closure *c = &a->c;
    char *text;
    size_t len;
    if (fs_cli_read_file(o->list, &text, &len))
        return EXIT_BAD;
    int st;
    fs_bn_list l;
    fs_error err;
    st = fs_bn_list_parse(text, len, &l, &err);
    free(text);
    if (st)
        return fs_cli_fail(o->list, &err, EXIT_BAD);
    uint8_t *listed = calloc((size_t)m->nfuncs + 1, 1);
    if (!listed) {
        fs_bn_list_free(&l);
        fprintf(stderr, "forksize: out of memory\n");
        return EXIT_BAD;
    }
    fs_bn_list_match(&l, bn, listed);

    uint32_t missing = 0, outside = 0, unmatched = 0, imports = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        missing += c->in[f] && !listed[f];
        outside += listed[f] && !c->in[f];
    }
    for (uint32_t i = 0; i < l.n; i++) {
        unmatched += !l.items[i].nmatched && !l.items[i].import;
        imports += l.items[i].import;
    }
    printf("module:  %s\n", o->module);
    printf("list:    %s: %u entr%s, %u pattern%s\n", o->list, l.n, l.n == 1 ? "y" : "ies",
           l.npatterns, l.npatterns == 1 ? "" : "s");
    printf("closure: %u function%s (--indirect %s; roots:", c->size, c->size == 1 ? "" : "s",
           fs_policy_name[c->policy]);
    for (unsigned i = 0; i < a->nroots; i++)
        printf("%s %s", i ? "," : "", a->roots[i].text);
    printf(")\n");
    if (!l.n)
        printf("the list has no entry: wasm-opt 108 then ignores it and instruments every "
               "function\n");

    char name[512];
    printf("missing from the list: %u\n", missing);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (!c->in[f] || listed[f])
            continue;
        char *entry = NULL;
        size_t elen;
        int pat = 0;
        fs_bn_display(m, f, name, sizeof name);
        printf("  %s [%u]", name, f);
        if (!fs_bn_entry(bn, f, &entry, &elen, &pat)) {
            printf("  list entry: ");
            print_bytes(entry, elen);
            printf("%s", pat ? " (a pattern)" : "");
        }
        free(entry);
        fs_path p;
        if (fs_path_find(c, &a->g, f, &p, &err)) {
            printf("\n    (no path: %s)\n", err.msg);
            continue;
        }
        printf("\n    ");
        print_path_line(stdout, a, &p);
        fs_path_free(&p);
    }
    printf("entries matching no function: %u\n", unmatched);
    for (uint32_t i = 0; i < l.n; i++) {
        const fs_bn_item *it = &l.items[i];
        if (it->nmatched || it->import)
            continue;
        printf("  line %u: ", it->line);
        print_bytes(it->text, it->len);
        printf("%s\n", it->multiline ? "  (spans lines: wasm-opt 108 separates entries by "
                                       "commas only, never by newlines)" : "");
    }
    if (imports) {
        printf("entries naming an import (wasm-opt 108 aborts on them): %u\n", imports);
        for (uint32_t i = 0; i < l.n; i++)
            if (l.items[i].import) {
                printf("  line %u: ", l.items[i].line);
                print_bytes(l.items[i].text, l.items[i].len);
                printf("\n");
            }
    }
    printf("listed outside the closure: %u\n", outside);
    uint32_t shown = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs && outside; f++) {
        if (!listed[f] || c->in[f])
            continue;
        if (shown++ == 20) {
            printf("  ... %u more\n", outside - 20);
            break;
        }
        fs_bn_display(m, f, name, sizeof name);
        printf("  %s [%u]\n", name, f);
    }
    if (imports)
        printf("result: unusable (wasm-opt would abort)\n");
    else if (missing)
        printf("result: incomplete (%u closure function%s missing)\n", missing,
               missing == 1 ? "" : "s");
    else
        printf("result: complete\n");
    free(listed);
    fs_bn_list_free(&l);
    return imports ? EXIT_BAD : missing ? EXIT_MISSING : 0;
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
