/* options.c - turns argv into fs_options; no I/O besides what it returns. */
#include "options.h"

#include "cliutil.h"

#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fs_usage_text[] =
"\n"
"Reports what fork-style (Asyncify-like unwind/rewind) instrumentation costs\n"
"MODULE in bytes, per function, split into fixed, per-call-site and per-local\n"
"terms.  The functions instrumented are the fork-path closure: every function\n"
"from which a root can be reached through calls, tail calls and indirect calls.\n"
"\n"
"commands (each but stats and opcodes has its own: forksize COMMAND --help):\n"
"  stats, --stats        report per-function cost (the default command; the\n"
"                        options below are its options)\n"
"  closure               list the closure, write it as an Asyncify onlylist\n"
"                        (--onlylist FILE), or show why a function is in it\n"
"                        (--why FUNC: a shortest path to a root, edge by edge);\n"
"                        see forksize closure --help\n"
"  check-onlylist        compare a hand-written Asyncify list with the closure:\n"
"                        missing functions with their paths (exit 1), unknown\n"
"                        entries\n"
"  diff                  compare two builds (.wasm or saved --format json reports):\n"
"                        closure entries and exits, cost changes, term totals,\n"
"                        top-N; --fail-above PCT / --fail-above-bytes N make it\n"
"                        a CI gate (exit 1); see forksize diff --help\n"
"  instrument            write the forkinstr-instrumented module (Asyncify ABI);\n"
"                        see forksize instrument --help\n"
"  compare               analyze several modules with the same options, in\n"
"                        parallel, one row each (text, md, csv, json or an SVG\n"
"                        chart); see forksize compare --help\n"
"  culprits              rank what pulls functions into the closure (roots,\n"
"                        indirect types, caller->callee edges, stricter\n"
"                        policies, call-site roots) by the bytes each alone\n"
"                        accounts for; see forksize culprits --help\n"
"  opcodes               count every instruction of the module (function bodies\n"
"                        and constant expressions) per opcode, as WABT's\n"
"                        wasm-opcodecnt does: a check of the decoder;\n"
"                        --format text|json and -o only\n"
"\n"
"options:\n"
"  --root SPEC           where an unwind begins; repeatable:\n"
"                          import:GLOB   imports whose \"module.field\" matches\n"
"                          func:GLOB     functions whose name-section name matches\n"
"                          export:GLOB   functions exported under a matching name\n"
"                          index:N       function N (imports are numbered first)\n"
"                          call:CALLER->CALLEE  only the direct calls from\n"
"                                        CALLER to CALLEE (both globs; CALLEE\n"
"                                        an import's module.field or a name)\n"
"                        default: import:*fork, func:fork, func:vfork, func:_Fork,\n"
"                                 func:__fork, func:__syscall_fork\n"
"  --symbols FILE        names for functions the name section does not name,\n"
"                        from a symbol map (INDEX:NAME lines, as emcc\n"
"                        --emit-symbol-map writes); before the roots match\n"
"  --no-demangle         show C++/Rust mangled names as they are (by default\n"
"                        the report's rows show them demangled)\n"
"  --indirect POLICY     how call_indirect/call_ref may unwind (default typed):\n"
"                          asyncify  any function containing one (Binaryen's rule)\n"
"                          table     may reach any address-taken function\n"
"                          typed     ...only those whose type matches (GC subtypes too)\n"
"                          none      never (Asyncify's ignore-indirect)\n"
"  --apply MODE          how to price the closure:\n"
"                          simulate   (default) forkinstr, forksize's own\n"
"                                     instrumentation, run into a counting sink:\n"
"                                     exact fixed/callsite/local/dispatch bytes\n"
"                                     per function (labelled exact (dry run));\n"
"                                     a module it refuses whole (no memory)\n"
"                                     falls back to model, with a warning\n"
"                          forkinstr  the same, emitted in memory (measured)\n"
"                          model      the coarse estimate below (estimated;\n"
"                                     implied by --model)\n"
"                          asyncify   run Binaryen's Asyncify for real\n"
"                                     (libbinaryen, in a child process) and measure\n"
"                                     each function's growth against the same\n"
"                                     pipeline without it (measured)\n"
"  --wasm-opt PATH       --apply asyncify with this wasm-opt (a native binary, or\n"
"                        npm binaryen's node script) in place of libbinaryen 108;\n"
"                        also the environment's FORKSIZE_WASM_OPT.  Reports name\n"
"                        the Binaryen version; a run past 1800 s is stopped\n"
"                        (FORKSIZE_PEER_TIMEOUT=SECONDS changes it)\n"
"  --stages LIST         forkinstr's stages, cumulative: naive, cse, live or\n"
"                        trampoline (default live; docs/instrumentation.md)\n"
"  --save-memory N       forkinstr keeps its frames in memory N of a multi-memory\n"
"                        module (default 0)\n"
"  --whatif              instead of the per-function report: forkinstr's steps\n"
"                        (naive, +cse, +live, +tighter --indirect, +trampoline),\n"
"                        each emitted and measured\n"
"  -O N                  Binaryen optimization level for --apply asyncify, 0-4\n"
"                        (default 2, what ships); also -O0 ... -O4\n"
"  --no-precheck         call Binaryen even where forksize predicts Asyncify will\n"
"                        refuse the module (to see Binaryen's own message)\n"
"  --model A,B,C         override the estimate's coefficients: bytes fixed per\n"
"                        function, per unwind-capable call site, and per i32\n"
"                        local at one-byte LEB widths; v128 locals and wider\n"
"                        local-index, frame-pointer or offset LEBs add their\n"
"                        extra bytes on top (docs/cost-model.md)\n"
"  --format FMT          text (default), json, csv or md\n"
"  -o, --output FILE     write there atomically instead of to stdout\n"
"  --top N               rows in the text table (default 20, 0 = all)\n"
"  --group-by KEY        roll every per-function column up by source, in place\n"
"                        of the function table (every format):\n"
"                          file       the DWARF compile unit's source file (or\n"
"                                     the source map's: --source-map)\n"
"                          dir        its directory (--depth N: the first N\n"
"                                     components)\n"
"                          cu         the compile unit's name as written\n"
"                          namespace  C++/Rust namespace (a::b::f, or a simple\n"
"                                     _ZN mangled name)\n"
"                          prefix     a C name's first word (zend, php, sqlite3)\n"
"                          none       no grouping (the default)\n"
"                        functions without that information form their own\n"
"                        group; the groups add up to the module's totals\n"
"  --depth N             with --group-by dir: directory components kept\n"
"                        (default 0 = the whole directory)\n"
"  --source-map FILE     with --group-by file or dir, for a module without\n"
"                        DWARF: each function's file is the source of the\n"
"                        first mapped byte of its body in FILE (Source Map v3;\n"
"                        \"sourceRoot\" + source); DWARF wins when present\n"
"  --summary             with --format json: the totals only, \"functions\": []\n"
"                        (a baseline for forksize diff small enough to commit)\n"
"  --allow-empty         report even when no root matches (otherwise exit 3)\n"
"  -q, --quiet           no warnings on stderr\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Every figure is labelled: the cost model's are \"estimated\"; what\n"
"--apply asyncify measures in Binaryen's output and what --apply forkinstr\n"
"emits are \"measured\"; --apply simulate's are \"exact (dry run)\" (the same\n"
"bytes as forkinstr's); the fit over measurements is \"fitted\".\n"
"\n"
"exit status: 0 success, 1 a finding (diff: a gate tripped; check-onlylist: a\n"
"closure function is missing from the list; closure --why: not in the closure),\n"
"2 bad input or usage, 3 no root matched, 4 the instrumentation cannot be\n"
"applied to this module (--apply asyncify, or an explicit --apply\n"
"forkinstr|simulate, or instrument, on a module without memory).\n";

#define usage(err, ...) fs_error_setf(err, FS_ERR_USAGE, __VA_ARGS__)

static const fs_cli_format formats[] = {
    { "text", FS_FMT_TEXT }, { "json", FS_FMT_JSON }, { "csv", FS_FMT_CSV }, { "md", FS_FMT_MD },
};
static const fs_cli_out_spec out_spec = { NULL, formats, 4, 1, 1 };

int fs_options_parse(fs_options *o, fs_command command, int argc, char **argv, fs_error *err)
{
    memset(o, 0, sizeof *o);
    o->command = command;
    o->out.format = FS_FMT_TEXT;
    o->out.top = 20;
    fs_cli_analysis_init(&o->an);
    int only_files = 0, st;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-') {
            if (o->module)
                return usage(err, "more than one module given ('%.200s'); %s takes one", a,
                             o->command == FS_CMD_OPCODES ? "opcodes" : "stats");
            o->module = a;
        } else if (!strcmp(a, "-")) {
            return usage(err, "%s", "a module must be a file: reading one from standard input "
                         "is not supported (the decoder maps the file)");
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            o->command = FS_CMD_HELP;
            return FS_OK;
        } else if (!strcmp(a, "--version")) {
            o->command = FS_CMD_VERSION;
            return FS_OK;
        } else if (!strcmp(a, "--stats")) {
            o->command = FS_CMD_STATS;
        } else if (!strcmp(a, "--no-precheck")) {
            o->no_precheck = 1;
        } else if (!strcmp(a, "--whatif")) {
            o->whatif = 1;
        } else if (!strcmp(a, "--summary") && command == FS_CMD_STATS) {
            o->summary = 1;
        } else if (!strcmp(a, "--no-demangle") && command == FS_CMD_STATS) {
            o->an.no_demangle = 1;              /* only --stats shows demangled names */
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if ((st = fs_cli_analysis_option(&o->an, FS_CLI_ROOTS | FS_CLI_POLICY | FS_CLI_GROUP |
                                                 FS_CLI_MODEL | FS_CLI_APPLY,
                                                 argc, argv, &i, err)) != 0 ||
                   (st = fs_cli_out_option(&o->out, &out_spec, argc, argv, &i, err)) != 0) {
            if (st < 0)
                return FS_ERR_USAGE;
        } else {
            return usage(err, "unknown option '%.200s' (see forksize --help)", a);
        }
    }
    if (!o->module)
        return usage(err, "%s", "no module given (see forksize --help)");
    if (o->summary && (o->out.format != FS_FMT_JSON || o->whatif))
        return usage(err, "%s", "--summary needs --format json (and no --whatif)");
    if (o->command == FS_CMD_OPCODES && o->out.format != FS_FMT_TEXT &&
        o->out.format != FS_FMT_JSON)
        return usage(err, "%s", "opcodes writes text or json");
    if (fs_cli_group_check(&o->an))
        return usage(err, "%s", fs_cli_group_check(&o->an));
    fs_cli_analysis_finish(&o->an);
    return FS_OK;
}
