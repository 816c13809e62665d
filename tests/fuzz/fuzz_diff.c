/* fuzz_diff.c - libFuzzer target: any bytes as the saved report `forksize
 * diff` reads (schema forksize/stats@1, report/diff.c).
 *
 * The reader must give a clear error (a message; an offset inside the
 * text when it has one) or a side; a side must diff against itself to
 * nothing (every row paired, no change, nothing entered or left the
 * closure, nothing moved in the top list), and against a fixed report,
 * both ways, pairing every row exactly once. */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const fs_error *err, size_t size)
{
    fprintf(stderr, "fuzz_diff: %s (input %zu bytes): %s\n", what, size, err ? err->msg : "");
    abort();
}

/* A fixed, valid report (three functions, two in the closure): every
 * accepted input is also diffed against it, both ways. */
static const char base_text[] =
    "{\"schema\":\"forksize/stats@1\",\"tool\":{\"name\":\"forksize\",\"version\":\"0.1.0\"},"
    "\"options\":{\"roots\":[\"import:*fork\"],\"indirect\":\"typed\",\"apply\":\"model\","
    "\"model\":[110,27,14]},\"module\":{\"path\":\"b.wasm\",\"sha256\":\"00\"},"
    "\"roots\":[{\"spec\":\"import:*fork\",\"matched\":1}],"
    "\"closure\":{\"functions\":2},\"instrumentation\":{\"mode\":\"model\","
    "\"label\":\"estimated\",\"code_bytes_before\":26,\"code_bytes_after\":316,"
    "\"growth\":11.15},\"terms\":{\"fixed\":222,\"callsite\":54,\"local\":14,\"total\":290},"
    "\"functions\":["
    "{\"index\":2,\"name\":\"do_fork\",\"in_closure\":true,\"cost\":{\"fixed\":111,"
    "\"callsite\":27,\"local\":0,\"total\":138},\"delta_bytes\":null},"
    "{\"index\":3,\"name\":\"main\",\"in_closure\":true,\"cost\":{\"fixed\":111,"
    "\"callsite\":27,\"local\":14,\"total\":152},\"delta_bytes\":null},"
    "{\"index\":4,\"name\":\"helper\",\"in_closure\":false,\"cost\":{\"fixed\":0,"
    "\"callsite\":0,\"local\":0,\"total\":0},\"delta_bytes\":null}]}";

static void diff_with(const fs_diff_side *b, const fs_diff_side *n)
{
    fs_diff d;
    fs_error err;
    char reason[256], nb[32];
    if (fs_diff_compute(&d, b, n, 5, NULL, &err) != FS_OK) {
        /* only memory can fail here */
        if (strstr(err.msg, "memory") == NULL)
            die("diff failed", &err, 0);
        return;
    }
    if (d.paired + d.removed != b->nrows || d.paired + d.added != n->nrows ||
        d.nall != d.paired + d.removed + d.added)
        die("pairing lost or invented rows", NULL, 0);
    for (uint32_t i = 0; i < d.nchanges; i++)
        fs_diff_fn_name(&d, d.changes[i].fn, nb, sizeof nb);
    fs_diff_gate(&d, 1.0, 10, reason, sizeof reason);
    fs_diff_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_diff_side s;
    fs_error err;
    memset(&err, 0, sizeof err);
    int st = fs_diff_side_from_json(&s, "fuzz.json", (const char *)data, size, &err);
    if (st) {
        if (!err.msg[0])
            die("rejected without a message", &err, size);
        if (err.has_offset && err.offset > size)
            die("rejection offset past the end of the input", &err, size);
        if (st != FS_ERR_MALFORMED && st != FS_ERR_NOMEM)
            die("unexpected status", &err, size);
        fs_diff_side_free(&s);
        return 0;
    }
    fs_diff d;
    if (fs_diff_compute(&d, &s, &s, 5, NULL, &err))
        die("a side does not diff against itself", &err, size);
    if (d.nchanges || d.nentered || d.nleft || d.added || d.removed || d.ntop_in ||
        d.ntop_out || d.ntop_moved || d.paired != s.nrows)
        die("a side diffed against itself shows changes", NULL, size);
    char reason[256];
    fs_diff_gate(&d, 0.0, 0, reason, sizeof reason);
    for (uint32_t i = 0; i < d.nchanges; i++) {
        char nb[32];
        fs_diff_fn_name(&d, d.changes[i].fn, nb, sizeof nb);
    }
    fs_diff_free(&d);
    static fs_diff_side base;
    static int have_base;
    if (!have_base) {
        if (fs_diff_side_from_json(&base, "b.json", base_text, sizeof base_text - 1, &err))
            die("the built-in base report does not read", &err, 0);
        have_base = 1;
    }
    diff_with(&base, &s);
    diff_with(&s, &base);
    fs_diff_side_free(&s);
    return 0;
}
