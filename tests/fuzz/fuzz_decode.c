/* fuzz_decode.c - libFuzzer target: any bytes through the whole `--stats`
 * pipeline, in memory (fs_analysis_run_bytes), then every report format.
 *
 * What it asserts beyond "no crash, leak or hang" (the sanitizers and
 * libFuzzer's -rss_limit_mb / -malloc_limit_mb watch those):
 *   - a malformed module is rejected with a byte offset inside the input;
 *   - the only statuses are OK, MALFORMED and UNSUPPORTED (forkinstr
 *     refusing a module whole): no I/O or usage error can come from bytes;
 *   - an accepted module's report can be emitted in every format.
 *
 * The roots and the indirect-call policy are picked from the input's size,
 * so one input always runs the same way and a reproducer replays exactly;
 * default roots alone would leave the closure empty for nearly every
 * mutated module and forkinstr unexercised. */
#include "analysis.h"
#include "roots.h"

#include <stdio.h>
#include <stdlib.h>

static FILE *sink;

static void die(const char *what, const fs_error *err, size_t size)
{
    fprintf(stderr, "fuzz_decode: %s (input %zu bytes): %s (has_offset %d, offset %llu)\n", what,
            size, err->msg, err->has_offset, (unsigned long long)err->offset);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const root_sets[3][3] = {
        { NULL },                                  /* the CLI's defaults */
        { "import:*", NULL },
        { "index:0", "func:*f*", "export:*" },
    };
    static const fs_policy policies[4] = { FS_POLICY_TYPED, FS_POLICY_TABLE, FS_POLICY_ASYNCIFY,
                                           FS_POLICY_NONE };
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    fs_root_spec roots[8];
    unsigned nroots = 0;
    fs_error err;
    const char *const *set = root_sets[size % 3];
    if (!set[0])
        for (unsigned k = 0; k < fs_roots_ndefault; k++)
            if (fs_roots_parse(fs_roots_default[k], &roots[nroots++], &err))
                die("default root does not parse", &err, size);
    for (unsigned k = 0; k < 3 && set[k]; k++)
        if (fs_roots_parse(set[k], &roots[nroots++], &err))
            die("root does not parse", &err, size);
    fs_analysis_opts o = {
        .roots = roots, .nroots = nroots, .roots_default = !set[0],
        .policy = policies[(size / 3) % 4], .profile = &fs_cost_seed, .tool_version = "fuzz",
        /* simulate is the CLI's default; forkinstr emits the real module */
        .apply = (size / 12) % 2 ? FS_APPLY_FORKINSTR : FS_APPLY_SIMULATE,
        .stage = (unsigned)((size / 24) % 4), .apply_default = 1, .opt_level = 2,
    };
    fs_analysis a;
    int st = fs_analysis_run_bytes(&a, data, size, "fuzz.wasm", &o, &err);
    if (st == FS_ERR_MALFORMED) {
        if (!err.has_offset || err.offset > size)
            die("rejection without an offset inside the input", &err, size);
    } else if (st == FS_OK) {
        for (int fmt = 0; fmt < 4; fmt++)
            if (fs_emit(&a.report, (fs_format)fmt, 20, sink, &err))
                die("emitting the report failed", &err, size);
    } else if (st != FS_ERR_UNSUPPORTED) {
        die("unexpected status", &err, size);
    }
    fs_analysis_free(&a);
    return 0;
}
