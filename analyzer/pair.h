/* pair.h - which function of one module is which function of another.
 *
 * `forksize diff` compares two builds of one program function by function,
 * so it must first know which functions correspond.  Function indices are
 * no key: one function added or removed early shifts every index after
 * it.  Pairing runs in stages, each pairing only what the earlier ones
 * left, and every pair records the stage that made it:
 *
 *   name         a name (name section or --symbols) that occurs exactly
 *                once on each side.
 *   body         identical body bytes (locals and code), the body occurring
 *                once on each side.  A body that occurs k > 1 times on both
 *                sides (stubs, thunks) pairs in index order, as
 *                "body_order": the functions are interchangeable byte for
 *                byte, but which is which is a guess.  Unequal counts stay
 *                for the next stage.
 *   fingerprint  the rest, by structure: same signature (params and
 *                results), then a score from body size, number of locals,
 *                the direct callees that are already paired, the imports
 *                called and the integer constants.  A pair is made only
 *                when each is the other's single best candidate, by a
 *                margin, above a threshold.  Each new pair can make the
 *                callee sets of others agree, so the stage repeats until
 *                a round pairs nothing (a fixpoint).
 *   index        the same function index.  Only when asked for: indices
 *                shift between builds.
 *
 * The body and fingerprint stages need the decoded modules; a side read
 * from a saved report has none, and those stages then pair nothing (the
 * result says so).  This file depends only on the decoded module (wasm.h),
 * which is why it lives in the analyzer: the report layer's diff turns its
 * result into rows, and any other command could use it.  Prints nothing.
 */
#ifndef FS_PAIR_H
#define FS_PAIR_H

#include <stdint.h>

#include "wasm.h"

typedef enum fs_pair_method {
    FS_PAIR_NONE,          /* unpaired (added or removed) */
    FS_PAIR_NAME,
    FS_PAIR_BODY,
    FS_PAIR_BODY_ORDER,
    FS_PAIR_FINGERPRINT,
    FS_PAIR_INDEX,
    FS_PAIR_NMETHODS
} fs_pair_method;

/* "name", "body", "body_order", "fingerprint", "index" ("none" for 0). */
extern const char *const fs_pair_method_name[FS_PAIR_NMETHODS];

/* The stages a user can ask for (--pair-by), in the order given. */
#define FS_PAIR_MAX_STAGES 4
typedef struct fs_pair_stages {
    uint8_t  stage[FS_PAIR_MAX_STAGES];   /* FS_PAIR_NAME, _BODY, _FINGERPRINT, _INDEX */
    unsigned n;
} fs_pair_stages;

/* The default: name, body, fingerprint. */
void fs_pair_stages_default(fs_pair_stages *s);

/* Parses "name,body,fingerprint,index" (any non-empty subset, each at most
 * once, in the order to run).  Returns FS_OK or FS_ERR_USAGE with err. */
int  fs_pair_stages_parse(fs_pair_stages *s, const char *text, fs_error *err);

/* One side: n functions (a module's defined functions, in index order, when
 * m is set), each with an optional name and its function index. */
typedef struct fs_pair_side {
    const fs_wasm_module *m;      /* NULL: no bodies (a saved report) */
    uint32_t              n;
    const char *const    *names;  /* n entries, NULL where unnamed */
    const uint32_t       *index;  /* n entries: function index */
} fs_pair_side;

typedef struct fs_pairing {
    uint32_t  nb, nn;
    uint32_t *b2n, *n2b;          /* partner position, or UINT32_MAX */
    uint8_t  *how_b;              /* fs_pair_method of each base function */
    uint32_t  count[FS_PAIR_NMETHODS];  /* pairs per method; [0] unused */
    uint32_t  unpaired_base, unpaired_new;
    int       no_bodies;          /* body/fingerprint asked for, a side had no module */
    /* the fingerprint stage */
    uint32_t  fp_rounds;          /* rounds run, the last pairing nothing */
    uint32_t  fp_ambiguous;       /* best candidate not unique (or not mutual) */
    uint32_t  fp_weak;            /* unique best below the threshold */
    uint32_t  fp_skipped;         /* functions in signature groups too large to score */
    uint32_t  body_dup_groups;    /* duplicate bodies with unequal counts, left over */
} fs_pairing;

/* Pairs B's functions with N's, stage by stage.  FS_OK, or FS_ERR_NOMEM. */
int  fs_pair_run(fs_pairing *p, const fs_pair_side *b, const fs_pair_side *n,
                 const fs_pair_stages *stages, fs_error *err);
void fs_pairing_free(fs_pairing *p);

#endif
