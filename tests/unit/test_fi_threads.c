/* test_fi_threads.c - forkinstr gives the same bytes and numbers on any
 * number of threads.
 *
 * Each module is instrumented (dry run and real run; every stage for
 * forksh, the default one for the others) on one thread, then on 2 and 7
 * and one per core, and every field of the result, every
 * per-function row and every output byte must agree.  Several threads
 * freeze the shared type table and append the missing types afterwards
 * (instrument/funcs.c); one thread appends them as it goes, the way
 * forkinstr always did, so the comparison checks the first against the
 * second.  The modules: the bundled forksh and, when scripts/fetch-corpus.sh
 * has fetched them, lg2, lg2_async and sqlite3 (the real ones need types
 * forkinstr appends, which forksh does not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closure.h"
#include "forkinstr.h"
#include "wasmbuild.h"

static int same_result(const fs_fi_result *a, const fs_fi_result *b)
{
    int ok = a->nfuncs == b->nfuncs && a->code_before == b->code_before &&
             a->code_after == b->code_after && a->guard_bytes == b->guard_bytes &&
             a->instrumented == b->instrumented && a->refused == b->refused &&
             a->untouched == b->untouched && a->sites == b->sites && a->wraps == b->wraps &&
             a->levels == b->levels && a->module_bytes == b->module_bytes &&
             a->helper_bytes == b->helper_bytes && a->new_types == b->new_types &&
             a->out_size == b->out_size && !memcmp(a->term, b->term, sizeof a->term);
    for (uint32_t i = 0; ok && i < a->nfuncs; i++) {
        const fs_fi_func *x = &a->funcs[i], *y = &b->funcs[i];
        ok = x->func == y->func && x->refused == y->refused && x->total == y->total &&
             x->guard == y->guard && x->sites == y->sites && x->wraps == y->wraps &&
             x->levels == y->levels && x->saved_locals == y->saved_locals &&
             x->frame_bytes == y->frame_bytes && x->body_before == y->body_before &&
             x->body_after == y->body_after && !memcmp(x->term, y->term, sizeof x->term);
    }
    if (ok && a->out_size)
        ok = !memcmp(a->out, b->out, a->out_size);
    return ok;
}

/* Returns the number of types forkinstr appended on one thread (so the
 * caller knows the module exercised the frozen table), or -1. */
static int check_module(const char *path, unsigned first_stage)
{
    fs_wasm_module m;
    fs_error err;
    if (fs_wasm_load(&m, path, &err)) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        CHECK(!"module does not load");
        return -1;
    }
    fs_graph g;
    fs_closure c;
    fs_root_spec spec;
    CHECK_EQ(fs_roots_parse("import:*", &spec, &err), FS_OK);
    CHECK_EQ(fs_graph_build(&g, &m, &err), FS_OK);
    CHECK_EQ(fs_closure_compute(&c, &g, &spec, 1, FS_POLICY_TYPED, &err), FS_OK);
    CHECK(c.size > 0);
    int appended = 0;
    for (unsigned stage = first_stage; stage <= FS_FI_TRAMP; stage++)
        for (int dry = 0; dry <= 1; dry++) {
            fs_fi_result one;
            CHECK_EQ(fs_fi_run_threads(&m, &g, &c, stage, 0, dry, 1, &one, &err), FS_OK);
            CHECK_EQ(one.nfuncs, c.size);
            if (one.new_types > (uint32_t)appended)
                appended = (int)one.new_types;
            static const unsigned counts[] = { 2, 7 };
            for (unsigned i = 0; i < 2; i++) {
                fs_fi_result many;
                CHECK_EQ(fs_fi_run_threads(&m, &g, &c, stage, 0, dry, counts[i], &many, &err), FS_OK);
                if (!same_result(&one, &many))
                    fprintf(stderr, "%s: stage %u dry %d: %u threads differ from one\n", path,
                            stage, dry, counts[i]);
                CHECK(same_result(&one, &many));
                fs_fi_free(&many);
            }
            /* and the default (one per core) */
            fs_fi_result dflt;
            CHECK_EQ(fs_fi_run(&m, &g, &c, stage, 0, dry, &dflt, &err), FS_OK);
            CHECK(same_result(&one, &dflt));
            fs_fi_free(&dflt);
            fs_fi_free(&one);
        }
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    return appended;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    CHECK(check_module(FS_SOURCE_DIR "/corpus/forksh.wasm", FS_FI_NAIVE) >= 0);
    static const char *const real[] = { "lg2.wasm", "lg2_async.wasm", "sqlite3.wasm" };
    int fetched = 0, appended = 0;
    for (unsigned i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", FS_CORPUS_DIR, real[i]);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        fetched++;
        int n = check_module(path, FS_FI_LIVE);   /* the default stage: keeps it quick */
        if (n > 0)
            appended += n;
    }
    if (fetched)
        CHECK(appended > 0);     /* the frozen table's path was taken */
    else
        printf("corpus not fetched: only forksh checked\n");
    return t_summary();
}
