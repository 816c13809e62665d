/* measure.h - byte-for-byte growth from a peer instrumentation (A/B).
 *
 * A is the module through Binaryen's pipeline at -O N; B is the same with
 * Asyncify run first.  Growth is always B - A, never B - the original
 * file: re-encoding and -O change sizes by themselves.  Defined
 * functions are matched by position between A and B (the same pipeline
 * keeps the same functions in the same order, Asyncify appending its
 * helpers; imports may differ, so not by index) with their names
 * cross-checked, and to the original module by Binaryen's own names.
 */
#ifndef FS_PEER_MEASURE_H
#define FS_PEER_MEASURE_H

#include "binaryen.h"

typedef struct fs_measure {
    uint64_t  code_before, code_after;   /* code section payloads of A and B */
    int64_t  *delta;        /* per original function: body + size-LEB growth, B - A */
    uint8_t  *present;      /* per original function: survived -O in both builds */
    uint32_t  matched;      /* original defined functions present */
    uint32_t  removed;      /* original defined functions gone after -O (inlined or dead) */
    uint32_t  nhelpers;     /* functions B appends (asyncify_start_unwind, ...) */
    uint64_t  helper_bytes; /* their bodies with size LEBs */
    int64_t   module_bytes; /* code growth owned by no original function */
} fs_measure;

int  fs_measure_ab(const fs_wasm_module *orig, const fs_peer_out *a, const fs_peer_out *b,
                   fs_measure *out, fs_error *err);
void fs_measure_free(fs_measure *m);

#endif
