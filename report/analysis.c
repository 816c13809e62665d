/* analysis.c - the pipeline, with the file hash computed on a second
 * thread while the first decodes: both read the same mapping, and on two
 * cores the hash then costs nothing. */
#include "analysis.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct hash_job {
    const uint8_t *bytes;
    size_t         size;
    char           hex[FS_SHA256_HEX];
} hash_job;

static void *hash_thread(void *p)
{
    hash_job *j = p;
    fs_sha256_hex(j->bytes, j->size, j->hex);
    return NULL;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int fs_analysis_run(fs_analysis *a, const char *path, const fs_analysis_opts *o, fs_error *err)
{
    memset(a, 0, sizeof *a);
    double t0 = now_ms();
    /* Map first (no decoding), so the hash thread can start at once. */
    int st = fs_wasm_map(&a->m, path, err);
    if (st)
        return st;
    hash_job job = { a->m.bytes, a->m.size, { 0 } };
    pthread_t th;
    int threaded = pthread_create(&th, NULL, hash_thread, &job) == 0;
    if (!threaded)
        hash_thread(&job);
    st = fs_wasm_decode_loaded(&a->m, err);
    double t_decoded = now_ms();
    if (threaded)
        pthread_join(th, NULL);
    if (st)
        return st;
    double t_hashed = now_ms();

    if (o->nroots > sizeof a->roots / sizeof a->roots[0]) {
        snprintf(err->msg, sizeof err->msg, "too many roots");
        return FS_ERR_USAGE;
    }
    memcpy(a->roots, o->roots, o->nroots * sizeof *o->roots);
    a->nroots = o->nroots;
    if ((st = fs_graph_build(&a->g, &a->m, err)))
        return st;
    if ((st = fs_closure_compute(&a->c, &a->g, a->roots, a->nroots, o->policy, err)))
        return st;
    a->costs = calloc((size_t)a->m.nfuncs + 1, sizeof *a->costs);
    a->unsaveable = calloc((size_t)a->m.nfuncs + 1, sizeof *a->unsaveable);
    if (!a->costs || !a->unsaveable) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    fs_cost_estimate(&a->m, &a->c, o->profile, a->costs, a->unsaveable);
    fs_report_input in = {
        &a->m, &a->g, &a->c, a->costs, a->unsaveable, o->profile,
        a->roots, a->nroots, o->roots_default, job.hex, o->tool_version,
    };
    if ((st = fs_report_build(&a->report, &in, err)))
        return st;
    double t_end = now_ms();
    a->report.analyze_ms = t_end - t0;
    a->report.decode_ms = t_decoded - t0;
    a->report.hash_wait_ms = t_hashed - t_decoded;
    a->report.graph_ms = t_end - t_hashed;
    return FS_OK;
}

void fs_analysis_free(fs_analysis *a)
{
    fs_report_free(&a->report);
    free(a->costs);
    free(a->unsaveable);
    fs_closure_free(&a->c);
    fs_graph_free(&a->g);
    fs_wasm_free(&a->m);
}
