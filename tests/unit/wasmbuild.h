/* wasmbuild.h - the unit tests' module assembler: tests/lib/wasmbytes.h
 * under the wb_ names the tests use, plus function bodies from raw
 * instruction bytes, and tests/lib/check.h's CHECK accounting. */
#ifndef WASMBUILD_H
#define WASMBUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "wasmbytes.h"

typedef tb_buf wb;

#define wb_bytes  tb_put
#define wb_u8     tb_u8
#define wb_u32    tb_leb
#define wb_str    tb_str
#define wb_header tb_header

/* Appends section ID with the contents of S (then frees S). */
static inline void wb_section(wb *w, uint8_t id, wb *s)
{
    tb_section(w, id, s);
    tb_free(s);
}

/* A function body from raw instruction bytes (ending with 0x0B) and local
 * runs given as (count, type) pairs. */
static inline void wb_body(wb *code, const uint8_t *locals, size_t nruns,
                           const uint8_t *insns, size_t ninsns)
{
    wb b = { 0 };
    tb_leb(&b, nruns);
    for (size_t i = 0; i < nruns; i++) {
        tb_leb(&b, locals[2 * i]);
        tb_u8(&b, locals[2 * i + 1]);
    }
    tb_put(&b, insns, ninsns);
    tb_body(code, &b);
    tb_free(&b);
}

/* Runs VALIDATOR (wasm-validate; NULL skips) with --enable-all on the
 * module W, which must validate: an assembled fixture that is not a valid
 * module would make its test prove nothing.  WHAT names it on failure. */
static inline void wb_check_valid(const wb *w, const char *validator, const char *what)
{
    if (!validator)
        return;
    char path[] = "/tmp/fs_unit_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, w->b, w->n) != (ssize_t)w->n) {
        CHECK(!"cannot write a temp module");
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' --enable-all '%s'", validator, path);
    int st = system(cmd);
    if (st != 0)
        fprintf(stderr, "wasm-validate rejected the %s fixture\n", what);
    CHECK_EQ(st, 0);
    unlink(path);
}

#endif
