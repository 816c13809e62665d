/* instrument_cmd.c - forksize instrument: write the forkinstr-instrumented
 * module (atomically, never over its input) and say what it cost.  The
 * module comes out of the same analysis every command runs, with
 * --apply forkinstr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cliutil.h"
#include "forkinstr.h"
#include "instrument_cmd.h"
#include "output.h"
#include "srcmap.h"

static const char usage[] =
"usage: forksize instrument MODULE.wasm -o OUT.wasm [--root SPEC]... [--indirect POLICY]\n"
"                          [--stages LIST] [--save-memory N] [--branch-hints]\n"
"                          [--hot SPEC]... [--hot-profile FILE [--hot-share P]]\n"
"                          [--keep-stale-debug] [-q]\n"
"                          [--source-map IN.map --source-map-out OUT.map\n"
"                           [--source-map-url URL]]\n"
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
"  --stages LIST       naive, cse, live or trampoline, or a list of them\n"
"                      (cumulative: the last one counts); default live\n"
"  --save-memory N     the memory that holds the frames, in a multi-memory module\n"
"                      (default 0; the output then exports it as\n"
"                      forkinstr_save_memory; an index the module lacks exits 2)\n"
"  --branch-hints      mark every test that only a rewind takes as unlikely, in\n"
"                      a metadata.code.branch_hint section (engines that read\n"
"                      it, V8 13.6+ / Chrome 136+, keep those arms out of the\n"
"                      way; node 20 needs --experimental-wasm-branch-hinting);\n"
"                      costs that section's bytes, printed on stderr.  A hint\n"
"                      section MODULE has is moved with its code either way\n"
"  --hot SPEC          give the functions SPEC names (func:GLOB, export:GLOB or\n"
"                      index:N, as for --root, or all; repeatable) two copies: one for\n"
"                      the normal path, whose rewind tests are constants the\n"
"                      engine folds away, and one that a rewind enters.  For\n"
"                      the hot loops of a profile: it costs about one more\n"
"                      instrumented body per function, printed on stderr and\n"
"                      outside the per-term figures of --stats.  A SPEC that\n"
"                      matches nothing exits 2\n"
"  --hot-profile FILE  make hot the closure functions that take most of the\n"
"                      wasm self time in FILE, a `node --cpu-prof` profile\n"
"                      (.cpuprofile) of MODULE itself: the fewest, hottest\n"
"                      first, that reach P%% of the closure functions' time\n"
"                      (--hot-share P, 1 to 100, default 50); each is listed\n"
"                      with its share.  A profile of another build (its\n"
"                      frames start no body of MODULE) exits 2\n"
"  --keep-stale-debug  keep the debug sections forksize cannot rewrite as they\n"
"                      are (their code addresses are then stale; each is named\n"
"                      on stderr); without it they are dropped, with a warning;\n"
"                      those it can rewrite are rewritten either way\n"
"  --source-map FILE   MODULE's source map (Source Map v3), to be mapped onto\n"
"                      the output; needs --source-map-out\n"
"  --source-map-out FILE  where to write that map for OUT (atomically): every\n"
"                      segment on its instruction's new byte, other keys kept\n"
"  --source-map-url URL  the output's sourceMappingURL section names URL\n"
"                      (without it, the section is kept as it is, or absent)\n"
"  -q, --quiet         no summary on stderr (the debug warnings still appear)\n"
"  -h, --help          this text\n"
"\n"
"Functions forkinstr cannot handle are left as they are, with a trap after\n"
"each call that could unwind, and listed on stderr.  forkinstr moves the\n"
"code, so DWARF sections that hold code addresses are rewritten where\n"
"forksize can and otherwise dropped, each with a warning on stderr; a\n"
"sourceMappingURL is kept, with a warning that its map is now stale unless\n"
"--source-map-out wrote the map anew (docs/instrumentation.md, Debug info).\n"
"exit status: 0 written, 2 bad input (a malformed source map too) or usage,\n"
"             3 no root matched,\n"
"             4 the module cannot be instrumented (no memory)\n";

static const fs_cli_out_spec out_spec = { "instrument", NULL, 0, 1, 0 };

/* The source map options. */
typedef struct smap_opts {
    const char *in, *out, *url;
    fs_srcmap   map;
    char       *text;          /* the map for the output, once made */
    fs_srcmap_counts counts;
} smap_opts;

/* Writes LEN bytes of DATA to OUTPUT atomically (never over INPUT). */
static int write_file(const char *output, const char *input, const void *data, size_t len)
{
    fs_error err;
    fs_out o;
    if (fs_out_open(&o, output, input, &err))
        return fs_cli_fail(output, &err, FS_EXIT_BAD);
    if (fwrite(data, 1, len, o.fp) != len) {
        fs_out_abort(&o);
        snprintf(err.msg, sizeof err.msg, "write failed");
        return fs_cli_fail(output, &err, FS_EXIT_BAD);
    }
    if (fs_out_commit(&o, &err))
        return fs_cli_fail(output, &err, FS_EXIT_BAD);
    return FS_EXIT_OK;
}

/* The source map mapped onto the output module (BYTES, SIZE). */
static int make_map(const fs_analysis *a, smap_opts *sm, const uint8_t *bytes, size_t size)
{
    fs_error err;
    int st = fs_srcmap_instrumented(&sm->map, &a->m, &a->fi, bytes, size, &sm->text,
                                    &sm->counts, &err);
    if (st == FS_ERR_UNSUPPORTED) {
        fprintf(stderr, "forksize: %s: %s\n", sm->in, err.msg);
        return FS_EXIT_CANNOT_APPLY;
    }
    return st ? fs_cli_fail(sm->in, &err, FS_EXIT_BAD) : FS_EXIT_OK;
}

/* Writes the module (and the source map) and, unless QUIET, what was
 * left out and the totals. */
static int write_module(const fs_analysis *a, const char *module, const char *output,
                        int stage, int quiet, smap_opts *sm)
{
    const fs_fi_result *r = &a->fi;
    const uint8_t *bytes = r->out;
    size_t size = r->out_size;
    uint8_t *with_url = NULL;
    fs_error err;
    int st = FS_EXIT_OK;
    if (sm->url && fs_srcmap_set_url(r->out, r->out_size, sm->url, &with_url, &size, &err))
        return fs_cli_fail(output, &err, FS_EXIT_BAD);
    if (with_url)
        bytes = with_url;
    if (sm->in)
        st = make_map(a, sm, bytes, size);
    if (!st)
        st = write_file(output, module, bytes, size);
    free(with_url);
    if (!st && sm->in)
        st = write_file(sm->out, sm->in, sm->text, strlen(sm->text));
    if (st)
        return st;
    /* Never stale debug info silently: these print even with -q. */
    for (uint32_t i = 0; i < r->ndebug; i++) {
        const fs_fi_debug_note *d = &r->debug[i];
        if (d->action == FS_FI_DBG_MAP_STALE && sm->in && !strcmp(d->section, "sourceMappingURL")) {
            if (!quiet)
                fprintf(stderr, "forksize: %s: %s: %s; %.200s was written for the output\n",
                        module, d->section, sm->url ? "set by --source-map-url" : "kept",
                        sm->out);
        } else if (d->action != FS_FI_DBG_REWRITTEN)
            fprintf(stderr, "forksize: %s: warning: %s: %s\n", module, d->section, d->reason);
        else if (!quiet)
            fprintf(stderr, "forksize: %s: %s: %s\n", module, d->section, d->reason);
    }
    if (quiet)
        return FS_EXIT_OK;
    if (sm->in)
        fprintf(stderr, "forksize: %s: source map: %llu segments: %llu on the same instruction, "
                "%llu moved off bytes forkinstr rewrote, %llu in no function dropped; wrote %s\n",
                sm->in, (unsigned long long)sm->counts.in, (unsigned long long)sm->counts.same,
                (unsigned long long)sm->counts.near, (unsigned long long)sm->counts.dropped,
                sm->out);
    for (uint32_t i = 0; i < r->nfuncs; i++)
        if (r->funcs[i].refused) {
            char name[64];
            const fs_func *fn = &a->m.funcs[r->funcs[i].func];
            fs_func_display_name(fn->name, fn->name_len > 60 ? 60 : fn->name_len,
                                 r->funcs[i].func, name, sizeof name);
            fprintf(stderr, "forksize: %s: not instrumented: %s: %s\n", module, name,
                    r->funcs[i].refused);
        }
    if (r->tail_calls)
        fprintf(stderr, "forksize: %s: %llu tail calls that can unwind became plain calls "
                "followed by return (a chain of them now uses stack)\n", module,
                (unsigned long long)r->tail_calls);
    for (uint32_t i = 0; i < a->nhot_pick && i < 16; i++) {
        char name[64];
        const fs_func *fn = &a->m.funcs[a->hot_pick[i]];
        fs_func_display_name(fn->name, fn->name_len > 60 ? 60 : fn->name_len, a->hot_pick[i], name,
                             sizeof name);
        fprintf(stderr, "forksize: %s: --hot-profile: %s (index %u): %.1f%% of the closure "
                "functions' wasm self time (%.1f ms)\n", module, name, a->hot_pick[i],
                a->hot_closure_us ? 100.0 * (double)a->hot_pick_us[i] / (double)a->hot_closure_us
                                  : 0.0,
                (double)a->hot_pick_us[i] / 1000.0);
    }
    if (r->hot_functions || r->hot_skipped)
        fprintf(stderr, "forksize: %s: --hot: %u closure functions got a normal-path copy "
                "(+%llu bytes beside the terms); %u were not copied (refused, or nothing to "
                "unwind)\n", module, r->hot_functions, (unsigned long long)r->hot_bytes,
                r->hot_skipped);
    uint64_t added = r->code_after - r->code_before;
    fprintf(stderr,
            "forksize: %s: forkinstr (%s): %u of %u closure functions instrumented, %u refused, "
            "%u with no site reached; code %llu -> %llu bytes (+%llu, +%.1f%%); wrote %s (%zu "
            "bytes) in %.3f s\n",
            module, fs_fi_stage_name[stage], r->instrumented, a->c.size, r->refused,
            r->untouched, (unsigned long long)r->code_before, (unsigned long long)r->code_after,
            (unsigned long long)added,
            r->code_before ? 100.0 * (double)added / (double)r->code_before : 0.0, output,
            r->out_size, r->seconds);
    return FS_EXIT_OK;
}

int fs_cmd_instrument(int argc, char **argv)
{
    fs_cli_analysis an;
    fs_cli_analysis_init(&an);
    fs_cli_out_opts out = { 0, NULL, 0 };
    const char *module = NULL;
    int stage = FS_FI_LIVE, quiet = 0, keep_stale = 0, hints = 0;
    fs_root_spec hot[64];
    unsigned nhot = 0;
    int hot_all = 0;
    const char *hot_profile = NULL;
    double hot_share = 0.5;
    smap_opts sm;
    memset(&sm, 0, sizeof sm);
    fs_error err;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        int r = fs_cli_analysis_option(&an, FS_CLI_ROOTS | FS_CLI_POLICY | FS_CLI_SAVEMEM, argc,
                                       argv, &i, &err);
        if (!r)
            r = fs_cli_out_option(&out, &out_spec, argc, argv, &i, &err);
        if (r < 0)
            return fs_cli_usage("instrument", "%s", err.msg);
        if (r > 0)
            continue;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return FS_EXIT_OK;
        } else if (fs_cli_is_opt(arg, "--stages")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--stages")))
                return fs_cli_usage("instrument", "--stages needs a LIST");
            if ((stage = fs_fi_stage_parse(v)) < 0)
                return fs_cli_usage("instrument", "unknown stage in '%.100s' (naive, cse, live, trampoline)", v);
        } else if (fs_cli_is_opt(arg, "--source-map")) {
            if (!(sm.in = fs_cli_value(argc, argv, &i, "--source-map")))
                return fs_cli_usage("instrument", "--source-map needs a FILE");
        } else if (fs_cli_is_opt(arg, "--source-map-out")) {
            if (!(sm.out = fs_cli_value(argc, argv, &i, "--source-map-out")))
                return fs_cli_usage("instrument", "--source-map-out needs a FILE");
        } else if (fs_cli_is_opt(arg, "--source-map-url")) {
            if (!(sm.url = fs_cli_value(argc, argv, &i, "--source-map-url")))
                return fs_cli_usage("instrument", "--source-map-url needs a URL");
        } else if (!strcmp(arg, "--keep-stale-debug")) {
            keep_stale = 1;
        } else if (!strcmp(arg, "--branch-hints")) {
            hints = 1;
        } else if (fs_cli_is_opt(arg, "--hot-profile")) {
            if (!(hot_profile = fs_cli_value(argc, argv, &i, "--hot-profile")))
                return fs_cli_usage("instrument", "--hot-profile needs a FILE");
        } else if (fs_cli_is_opt(arg, "--hot-share")) {
            char *end;
            if (!(v = fs_cli_value(argc, argv, &i, "--hot-share")))
                return fs_cli_usage("instrument", "--hot-share needs a percentage");
            long pct = strtol(v, &end, 10);
            if (*end || end == v || pct < 1 || pct > 100)
                return fs_cli_usage("instrument", "--hot-share '%.50s': a whole percentage, 1 to 100", v);
            hot_share = (double)pct / 100.0;
        } else if (fs_cli_is_opt(arg, "--hot")) {
            if (!(v = fs_cli_value(argc, argv, &i, "--hot")))
                return fs_cli_usage("instrument", "--hot needs a SPEC");
            if (!strcmp(v, "all")) {
                hot_all = 1;
                continue;
            }
            if (nhot == sizeof hot / sizeof hot[0])
                return fs_cli_usage("instrument", "too many --hot (at most %u)", nhot);
            if (fs_roots_parse(v, &hot[nhot], &err))
                return fs_cli_usage("instrument", "--hot: %s", err.msg);
            nhot++;
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
    if (!out.output)
        return fs_cli_usage("instrument", "no -o OUT.wasm given");
    if (!sm.in != !sm.out)
        return fs_cli_usage("instrument", "--source-map and --source-map-out go together");
    if (sm.out && (!strcmp(sm.out, out.output) || !strcmp(sm.out, module)))
        return fs_cli_usage("instrument", "--source-map-out names the module '%.100s'", sm.out);
    if (sm.url && !sm.out)
        return fs_cli_usage("instrument", "--source-map-url needs --source-map-out");
    if (sm.in) {
        /* checked before the module is analyzed: a bad map writes nothing */
        char *text;
        size_t len;
        if (fs_cli_read_file(sm.in, &text, &len))
            return FS_EXIT_BAD;
        int st = fs_srcmap_parse(&sm.map, text, len, &err);
        free(text);
        if (st)
            return fs_cli_fail(sm.in, &err, FS_EXIT_BAD);
    }
    char *profile_text = NULL;
    if (hot_profile) {
        size_t plen;
        if (fs_cli_read_file(hot_profile, &profile_text, &plen)) {
            fs_srcmap_free(&sm.map);
            return FS_EXIT_BAD;
        }
    }
    fs_cli_analysis_finish(&an);

    fs_analysis_opts ao = fs_cli_analysis_opts(&an);
    ao.apply = FS_APPLY_FORKINSTR;
    ao.apply_default = 0;
    ao.stage = (unsigned)stage + 1;
    ao.keep_module = 1;
    ao.fi_debug = keep_stale ? FS_FI_DEBUG_KEEP_STALE : FS_FI_DEBUG_REWRITE;
    ao.branch_hints = hints;
    ao.hot = hot;
    ao.nhot = nhot;
    ao.hot_all = hot_all;
    ao.hot_profile = profile_text;
    ao.hot_profile_path = hot_profile;
    ao.hot_share = hot_share;
    fs_analysis a;
    int st = fs_cli_analyze(&a, module, &ao, 0);
    if (st < 0 && !a.c.nroots) {
        fprintf(stderr, "forksize: %s: no root matched: there is nothing to instrument\n", module);
        st = FS_EXIT_NO_ROOT;
    }
    if (st < 0)
        st = write_module(&a, module, out.output, stage, quiet, &sm);
    fs_analysis_free(&a);
    fs_srcmap_text_free(sm.text);
    fs_srcmap_free(&sm.map);
    free(profile_text);
    return st;
}
