/* wasmbuild.h - the unit tests' module assembler: tests/lib/wasmbytes.h
 * under the wb_ names the tests use, plus function bodies from raw
 * instruction bytes, and tests/lib/check.h's CHECK accounting. */
#ifndef WASMBUILD_H
#define WASMBUILD_H

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

#endif
