/* fi_hints.h - the branch hint section (metadata.code.branch_hint) of the
 * module forkinstr writes (forkinstr-private).
 *
 * A branch hint names an if or br_if by its byte offset in the function
 * body, so an input's hints go stale when forkinstr moves the code, as its
 * DWARF would.  forkinstr copies every original instruction byte for byte,
 * so each hint is mapped through the address map (fi_debug.h) to the same
 * instruction in the output.  A malformed section is dropped with a note.
 * With --branch-hints forkinstr adds its own: every if that the normal
 * path never takes (the prologue's rewind test, the wraps' tests, the
 * trampoline's and the exit dispatches, a try's catch dispatch), marked
 * unlikely.  An engine that honours hints (V8 from 13.6, Chrome 136;
 * node 20 with --experimental-wasm-branch-hinting) then lays the rewind
 * arms out of line; one that does not ignores the section.  The unwind
 * checks after sites get none: the time they cost was too small to
 * measure, and they are the most numerous (docs/instrumentation.md). */
#ifndef FI_HINTS_H
#define FI_HINTS_H

#include "fi_debug.h"

#define FI_HINT_SECTION "metadata.code.branch_hint"

typedef struct fi_hints {
    fi_buf   payload;   /* the whole custom section payload, name included;
                           empty when there is nothing to write */
    uint32_t section;   /* the input's section index, never copied; FI_NONE */
    uint32_t added, moved;
} fi_hints;

/* From the input M, the address map AMAP and the offsets the emitter
 * recorded (fm->fhints, NULL without --branch-hints); notes what became
 * of the section in r->debug. */
int  fi_hints_prepare(fi_hints *h, const fs_wasm_module *m, const fi_module *fm,
                      const fi_amap *amap, fs_fi_result *r);
void fi_hints_free(fi_hints *h);

#endif
