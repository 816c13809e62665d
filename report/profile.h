/* profile.h - a V8 CPU profile (`node --cpu-prof`'s .cpuprofile JSON)
 * read for forksize instrument --hot-profile: the self time of each
 * function of one wasm module, and the functions that take most of it.
 *
 * V8 names a wasm frame "wasm-function[N]" (or by its debug name) and
 * gives its body's byte offset in the module as the frame's
 * columnNumber.  forksize goes by the offset: a frame counts for function
 * N only when N's body starts exactly there, so a profile taken on another
 * build (an instrumented one, whose bodies moved) is refused rather than
 * read wrong.  Frames of other wasm modules in the same profile (another
 * url) are left out; if no module's frames all match, the profile is
 * refused.  V8's call wrappers (column 0) are no function's. */
#ifndef FS_PROFILE_H
#define FS_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

typedef struct fs_profile {
    uint64_t *self_us;      /* per function index (m->nfuncs entries) */
} fs_profile;

/* Reads TEXT (LEN bytes), named PATH in messages, against module M.
 * FS_ERR_MALFORMED with err->msg on a profile that is not one, or not of
 * M.  The library reads no file: the caller passes the text. */
int  fs_profile_parse(fs_profile *p, const char *text, size_t len, const char *path,
                      const fs_wasm_module *m, fs_error *err);
void fs_profile_free(fs_profile *p);

/* The hot set: among the functions with IN[f] set, the fewest of the
 * highest self time whose sum reaches SHARE (0..1) of theirs, at least one
 * when any has samples.  Marks them in HOT and returns how many; their
 * indices, by descending self time, go to PICK (up to NPICK), and the
 * self time of all the IN functions to *IN_US. */
uint32_t fs_profile_pick(const fs_profile *p, const fs_wasm_module *m, const uint8_t *in,
                         double share, uint8_t *hot, uint32_t *pick, uint32_t npick,
                         uint64_t *in_us);

#endif
