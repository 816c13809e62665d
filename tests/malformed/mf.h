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

/* ---- pass/fail accounting ------------------------------------------ */
extern unsigned mf_passed, mf_failed;

/* Records one check; prints a line on failure.  Returns OK. */
int mf_check(int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- a growable byte buffer ----------------------------------------- */
typedef struct mf_buf {
    uint8_t *b;
    size_t   n, cap;
} mf_buf;

void mf_put(mf_buf *b, const void *p, size_t n);
void mf_buf_free(mf_buf *b);
#define MF_BYTES(...) (const uint8_t[]){ __VA_ARGS__ }
#define MF_PUT(buf, ...) \
    mf_put((buf), MF_BYTES(__VA_ARGS__), sizeof(MF_BYTES(__VA_ARGS__)))

void mf_leb(mf_buf *b, uint64_t v);      /* minimal unsigned LEB128 */
void mf_header(mf_buf *b);               /* "\0asm" + version 1 */

/* Appends section ID with PAYLOAD; returns the file offset of the payload
 * (so payload position P is at file offset return + P). */
size_t mf_section(mf_buf *out, uint8_t id, const mf_buf *payload);

/* Appends one function body (its size, then BODY) to a code-section
 * payload; returns the position of BODY's first byte in that payload. */
size_t mf_body(mf_buf *code, const mf_buf *body);

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
