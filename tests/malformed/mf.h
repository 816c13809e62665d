/* mf.h - shared helpers of the malformed-input tests.
 *
 * The targeted tests build their modules byte by byte with a small
 * builder, so that the offset of every corrupt byte is known by
 * construction (recorded while building, never read back from forksize).
 */
#ifndef MF_H
#define MF_H

#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasmbytes.h"

/* ---- pass/fail accounting ------------------------------------------ */
extern unsigned mf_passed, mf_failed;

/* Records one check; prints a line on failure.  Returns OK. */
int mf_check(int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- a growable byte buffer: tests/lib/wasmbytes.h under mf_ names
 * (this header stays the include of every malformed-input test) ---- */
typedef tb_buf mf_buf;
#define mf_put       tb_put
#define mf_buf_free  tb_free
#define mf_leb       tb_leb      /* minimal unsigned LEB128 */
#define mf_header    tb_header   /* "\0asm" + version 1 */
/* mf_section(out, id, payload): returns the file offset of the payload. */
#define mf_section   tb_section
/* mf_body(code, body): returns the position of BODY in the code payload. */
#define mf_body      tb_body
#define MF_BYTES     TB_BYTES
#define MF_PUT       TB_PUT

/* ---- decoding with the checks every test shares --------------------- */

/* Decodes BYTES; the status, and err, are returned.  Fails the check
 * (and says so) when one decode takes longer than a second: no input
 * this small may take that long. */
int mf_decode(const char *name, const uint8_t *bytes, size_t n, fs_error *err,
              fs_wasm_module *m);

/* Expects FS_ERR_MALFORMED with has_offset at exactly OFFSET. */
void mf_expect_malformed_at(const char *name, const uint8_t *bytes, size_t n, uint64_t offset);

/* Expects FS_OK. */
void mf_expect_ok(const char *name, const uint8_t *bytes, size_t n);

/* Invariants every successfully decoded module must satisfy, then the
 * rest of the analysis (graph, closure under each policy, cost) run on
 * it, which must not fail or crash.  Returns 1 when they all hold. */
int mf_check_accepted(const char *name, const fs_wasm_module *m);

/* ---- the modules and the test groups -------------------------------- */

/* Hand-assembled modules for what WABT 1.0.32 cannot write: GC types
 * (rec groups, subtypes, structs, arrays), GC instructions, try_table,
 * typed tables with an initializer, a plain custom section. */
void mf_handmade_gc(mf_buf *out);

/* Checks the decoded structure of that module against its bytes. */
void mf_handmade_check(void);

/* Targeted corruptions (targeted.c), in groups that main() runs one
 * process each, so that a crash costs one group and is reported as a
 * failure of that group. */
typedef struct mf_group {
    const char *name;
    void      (*run)(void);
} mf_group;
extern const mf_group mf_targeted_groups[];
extern const unsigned mf_ntargeted_groups;

#endif
