/* fi_int.h - what the passes of forkinstr share (instrument/ only).
 *
 * forkinstr works on one function at a time, in two passes over the
 * original body bytes:
 *
 *   plan.c   types the operand stack instruction by instruction, numbers
 *            the unwind-capable call sites, records the structure the
 *            rewind needs (levels, items, the values each site must keep)
 *            and decides whether the function can be handled at all;
 *   live.c   (stage "live") finds the locals live across any site;
 *   emit.c   writes the new body, tagging every byte it adds with the
 *            term that caused it.
 *
 * module.c then assembles the output module around the new bodies.  See
 * forkinstr.h for the design as a whole.
 */
#ifndef FS_FI_INT_H
#define FS_FI_INT_H

#include <stddef.h>
#include <stdint.h>

#include "forkinstr.h"
#include "leb.h"

#define FI_NONE UINT32_MAX
/* A saved value's slot in the u32 pool that needs none: a nullable
 * reference of a bottom heap type (none, nofunc, noextern, noexn), whose
 * only value is null; a rewind pushes ref.null again. */
#define FI_NULL_SLOT 0xFFFFFFFEu

/* BASE + OFF for arrays that may still be NULL when empty (NULL + 0 is
 * undefined behaviour, and UBSan says so). */
#define AT(base, off) ((base) ? (base) + (off) : (base))

/* Value kinds for slots and frames: i32 i64 f32 f64 v128 and any
 * reference as fs_wasm_valkind numbers them, then unknown (a polymorphic
 * stack's values, type code 0). */
enum { FI_K_REF = FS_VK_REF, FI_K_UNKNOWN = FS_VK_COUNT };

static inline int fi_kind(uint8_t code)
{
    return code ? (int)fs_wasm_valkind((fs_valtype){ .code = code }) : FI_K_UNKNOWN;
}

/* ---- output buffer (or counting sink) ------------------------------ */

typedef struct fi_buf {
    uint8_t *p;
    size_t   n, cap;
    int      count_only;   /* dry run: sizes only, nothing stored */
    int      oom;
} fi_buf;

void fi_buf_reserve(fi_buf *b, size_t more);

static inline void fi_put(fi_buf *b, uint8_t v)
{
    if (!b->count_only) {
        if (b->n >= b->cap)
            fi_buf_reserve(b, 1);
        if (b->oom)
            return;
        b->p[b->n] = v;
    }
    b->n++;
}

void fi_put_bytes(fi_buf *b, const void *src, size_t n);
void fi_put_u32(fi_buf *b, uint32_t v);         /* unsigned LEB128 */
void fi_put_s64(fi_buf *b, int64_t v);          /* signed LEB128 */
void fi_put_valtype(fi_buf *b, uint8_t code, int32_t heap);

/* An opcode, encoded from its opcodes.def row: the byte, or the prefix
 * and the code as a u32 LEB. */
static inline void fi_put_op(fi_buf *b, fs_op_id id)
{
    const fs_op_info *o = &fs_op_rows[id];
    if (o->prefix) {
        fi_put(b, (uint8_t)o->prefix);
        fi_put_u32(b, o->code);
    } else {
        fi_put(b, (uint8_t)o->code);
    }
}

/* ---- the plan of one function -------------------------------------- */

/* A value on the typed operand stack. */
typedef struct fi_val {
    uint8_t  code;      /* value type byte; 0 = unknown (unreachable code) */
    int32_t  heap;      /* heap type, for references */
    uint32_t prod;      /* instruction that pushed it, or FI_NONE */
    uint8_t  top;       /* it was the top value right after prod */
    uint32_t below;     /* values of the same kind below it on the stack */
} fi_val;

/* Per-instruction flags set by the plan and read by the emitter. */
enum {
    FI_SITE      = 1u << 0,  /* an unwind-capable call: check after it */
    FI_ITEM      = 1u << 1,  /* closes a wrap before it (call or construct) */
    FI_TEE       = 1u << 2,  /* tee the value it pushes into tee_local */
    FI_TEE_TIDX  = 1u << 3,  /* call_indirect: tee its table index first */
    FI_BRANCH    = 1u << 4,  /* has label immediates to renumber */
    FI_LEVEL     = 1u << 5,  /* a level with items starts here */
    FI_GUARD     = 1u << 6,  /* refused function: trap if an unwind passes */
    FI_RESET     = 1u << 7,  /* a site in a loop: clear $idx right before it */
    FI_CATCHES   = 1u << 8,  /* a try whose catch arms hold sites: a rewind
                                aimed at one throws into it (site = the item) */
    FI_XSAVE     = 1u << 9,  /* a catch whose arm holds sites: its payload
                                goes to x-locals (see close_arm() in plan.c) */
    FI_TAIL      = 1u << 10, /* a tail call that can unwind: written as the
                                plain call, its check (or guard), return */
    FI_OBSERVE   = 1u << 11, /* a try whose catch_all arm holds sites and
                                rethrows: an observer try opens in its body
                                (xoff: the observer's x-locals) */
    FI_OBSEND    = 1u << 12, /* the first catch of such a try: the observer
                                closes before it */
    FI_TEE_NN    = 1u << 13  /* FI_TEE of a non-null reference: its slot is
                                nullable, so ref.as_non_null follows the tee */
};

typedef struct fi_ins {
    uint32_t off;        /* offset in the body, from the first instruction */
    uint32_t len;
    uint16_t op;         /* fs_op_id */
    uint16_t flags;
    uint32_t site;       /* FI_SITE: its number K, from 1; FI_CATCHES: the item */
    uint32_t tee_local;  /* FI_TEE: scratch slot */
    uint32_t xoff;       /* FI_XSAVE: its first x-local's position in the x list */
    uint32_t level;      /* FI_LEVEL: the level starting here */
    uint32_t idx;        /* the first index immediate (fs_instr.idx): the
                            local of local.*, the label of br, br_if, br_on_* */
    uint32_t cref;       /* FI_TEE_TIDX on a call_ref: its function reference's
                            local, as a position in the plan's cref list */
} fi_ins;

/* A level is the body of one construct arm (the function body, a block,
 * a loop, the then or else arm of an if) that holds reachable sites.
 * Its items are the sites directly in it and the child constructs that
 * hold sites, in order; wrap i covers from the level's start to item i. */
typedef struct fi_level {
    uint32_t nparams, params;   /* its input types, in the type pool */
    uint8_t  catch_arm;         /* a catch arm: its payload is in x-locals */
    uint32_t first_item, nitems;
} fi_level;

typedef enum { FI_ITEM_CALL, FI_ITEM_CALL_INDIRECT, FI_ITEM_BLOCK, FI_ITEM_IF,
               FI_ITEM_TRY, FI_ITEM_CALL_REF } fi_item_kind;

/* A catch arm of a legacy try that holds sites: a rewind aimed at K in
 * [a, next arm's a) enters the try and throws TAG (FI_NONE: catch_all, so
 * forkinstr's own tag) with the payload kept in the x-locals from XOFF
 * (FI_NONE: no payload).  OBS: a catch_all arm that rethrows, so the
 * rewind must throw the exception it caught: the observer's x-locals from
 * XOFF say which (fi_obs_off). */
typedef struct fi_arm {
    uint32_t a, tag, xoff, obs;
} fi_arm;

/* An observed try's x-locals: $k (an i32: 0, or 1 + the tag of the last
 * exception that left the try body), then the payload of each tag whose
 * parameters hold no reference, in tag order.  Returns where TAG's payload
 * starts (from the first of them), or FI_NONE for a tag with no slot; with
 * TAG = the module's tag count, the total. */
static inline uint32_t fi_obs_off(const fs_wasm_module *m, uint32_t tag)
{
    uint32_t off = 1;
    for (uint32_t t = 0; t <= tag && t < m->ntags; t++) {
        const fs_type *ty = &m->types[m->tag_types[t]];
        int ok = 1;
        for (uint32_t i = 0; i < ty->nparams; i++)
            ok &= fi_kind(m->valtypes[ty->params + i].code) < FI_K_REF;
        if (t == tag)
            return ok ? off : FI_NONE;
        if (ok)
            off += ty->nparams;
    }
    return off;
}

typedef struct fi_item {
    uint32_t cut;          /* where its wrap ends: the call or construct
                              opcode, or the start of the safe run computing
                              a direct call's arguments */
    uint8_t  elide;        /* first item, cut at the level's start: no wrap */
    uint8_t  kind;
    uint32_t a, b;         /* its sites: K in [a, b] */
    uint32_t split;        /* FI_ITEM_IF: sites <= split are in the then arm
                              (0: none there; b: none in the else arm) */
    uint32_t nt, t;        /* the level's stack at the cut (type pool) */
    uint32_t ns;           /* the bottom ns values are saved ones... */
    uint32_t slots;        /* ...restored from these locals (u32 pool) */
    uint8_t  refargs;      /* a call's non-nullable reference arguments have no
                              dummy: the pool goes on past ns, one entry per
                              argument, its slot or FI_NONE (a dummy) */
    uint32_t tidx_local;   /* FI_ITEM_CALL_INDIRECT: local holding the index;
                              FI_ITEM_CALL_REF: its cref position */
    uint32_t at;           /* a call item: the call instruction; else FI_NONE */
    uint8_t  clear;        /* a call in a loop with a wrap: its then arm clears
                              $idx (in place of FI_RESET on the normal path) */
    uint32_t arm0, narms;  /* FI_ITEM_TRY: its catch arms with sites (arms pool) */
    uint32_t next;         /* next item of the same level, or FI_NONE */
} fi_item;

typedef struct fi_plan {
    /* the function */
    uint32_t func;
    uint32_t nparams, nresults;
    uint32_t nlocals;               /* params + declared */
    uint8_t *local_code;            /* per local: value type byte */
    int32_t *local_heap;
    uint32_t locals_cap;            /* allocated entries of local_code, _heap, save */
    uint32_t body_off, body_size;   /* as in fs_func */
    uint32_t code_off;              /* first instruction (file offset) */
    uint32_t locals_bytes;          /* bytes of the local declarations */

    fi_ins  *ins;     uint32_t nins, ins_cap;
    fi_level *levels; uint32_t nlevels, levels_cap;
    fi_item *items;   uint32_t nitems, items_cap;
    fi_val  *tpool;   uint32_t ntpool, tpool_cap;     /* types of T vectors */
    uint32_t *upool;  uint32_t nupool, upool_cap;     /* slot locals */
    fi_arm  *arms;    uint32_t narms, arms_cap;       /* catch arms with sites */
    uint8_t *xcode;   uint32_t nx, x_cap;             /* x-locals: payload copies */
    uint32_t x_base;                                  /* the first x-local */
    int      has_try;                                 /* legacy try/catch in the body */
    uint8_t  tramp;                                   /* stage trampoline: levels of 2 or more
                                                         wraps get one dispatch (emit.c) */
    uint32_t ntail;                                   /* tail calls made plain (FI_TAIL) */
    uint32_t ncatch_arms;                             /* catch arms holding sites, counted
                                                         before any refusal (fs_fi_func) */
    uint32_t nsites;
    uint32_t max_depth;

    /* scratch locals: per kind (i32 i64 f32 f64 v128) how many; their
     * indices are assigned after the declared locals by the plan. */
    uint32_t nscratch[5];
    uint32_t scratch_base[5];
    uint32_t tidx_local;            /* FI_NONE when no indirect site */
    /* call_ref sites: one (ref null $t) local per type $t, after the
     * x-locals, holding the function reference for the rewind */
    int32_t *cref_heap;   uint32_t ncref, cref_cap;
    uint32_t cref_base;
    /* reference slots (kind FI_K_REF): (ref null heap) locals after the
     * cref locals, per heap type and references below (plan_ctl.c) */
    struct fi_rslot { int32_t heap; uint32_t below; } *rslot;
    uint32_t nrslot, rslot_cap, rslot_base;
    uint32_t idx_local, fp_local;   /* $idx and (cse) the frame pointer */
    uint32_t nnew_locals;

    /* live.c: per local, saved (1) or not; all 1 before stage live. */
    uint8_t *save;

    const char *refused;            /* why the function is left as it is */
} fi_plan;

/* Where one function's original bytes went (only when the module has
 * DWARF to rewrite; fi_debug.h builds the module's address map from it):
 * triples (orig, out, len), orig counted from the start of the input
 * body, out from the start of the output body (both after the size LEB),
 * in emission order, which is the original order. */
typedef struct fi_fruns {
    uint32_t *v;   uint32_t n, cap;   /* 3 * runs */
    int       oom;
} fi_fruns;

/* fi_debug.c: appends the run (ORIG, OUT, LEN), merged with the last one
 * when both sides continue it. */
void fi_fruns_add(fi_fruns *r, uint32_t orig, uint32_t out, uint32_t len);

/* Module facts the passes need beyond fs_wasm_module. */
/* Offsets of one function's hinted ifs, ascending (emission order). */
typedef struct fi_hintv {
    uint32_t *v;   uint32_t n, cap;
    int       oom;
} fi_hintv;

typedef struct fi_module {
    const fs_wasm_module *m;
    const fs_graph       *g;
    const fs_closure     *c;
    uint32_t    state_global, data_global;   /* indices of the new globals */
    uint32_t    savemem;     /* the memory that holds the frames (--save-memory) */
    int         mem64;       /* that memory is 64-bit: $data, $fp and the header are i64 */
    /* Function types by signature: the module's plain ones (reused) and
     * the ones forkinstr appends, in a hash table of type indices. */
    struct fi_sig { uint32_t np, nr, off; } *sigs;  /* per type index, FI_NONE off: unusable */
    uint32_t    nsigs, sigs_cap;
    fs_valtype *sigvals;  uint32_t nsigvals, sigvals_cap;
    uint32_t   *hash;     uint32_t hash_cap;         /* type index + 1, 0 = empty */
    uint32_t    first_new;                           /* = m->ntypes */
    /* Set while worker threads share the table: fi_functype does not
     * append a type that is not there yet but returns FI_MISSING. */
    int         frozen;
    /* refsave.c: the reference save area's tables (their nullable heap
     * types), the first new table and the first of their $sp globals */
    int32_t    *ref_heap;  uint32_t nref, ref_cap;
    uint32_t    ref_table0, ref_global0;
    int         oom_ref;
    /* Per function index: where its original bytes went, or NULL when no
     * address map is wanted.  Each slot is written only by the thread that
     * emits that function. */
    fi_fruns   *fruns;
    /* Per function index: the body offsets of the ifs the normal path never
     * takes (--branch-hints, fi_hints.c), or NULL when not asked for; each
     * written only by the thread that emits that function. */
    fi_hintv   *fhints;
    /* Per function index: its rewind copy's function index (HOT COPIES in
     * forkinstr.h) or FI_NONE, and that copy's body with its size LEB; NULL
     * when no function is hot.  hot_body[f] is written only by the thread
     * that emits f. */
    uint32_t   *hot_rw;
    fi_buf     *hot_body;
} fi_module;

#define FI_MISSING (-1)

/* Types a function needed while the table was frozen, in the order it
 * asked for them (funcs.c appends them afterwards, in function order).
 * Meanwhile the emitter writes the index the type would get if it were
 * the next one appended, so its bytes are final unless the real index
 * needs a longer LEB. */
typedef struct fi_miss {
    uint32_t func;
    uint32_t np, nr, vals;      /* the signature, in fi_misses.vals */
    uint32_t guess;             /* the index written meanwhile */
} fi_miss;

typedef struct fi_misses {
    uint32_t    func;           /* the function being emitted */
    fi_miss    *e;     uint32_t n, cap;
    fs_valtype *vals;  uint32_t nvals, vals_cap;
    int         oom;
} fi_misses;

int  fi_module_init(fi_module *fm, const fs_wasm_module *m, const fs_graph *g,
                    const fs_closure *c);
void fi_module_free(fi_module *fm);
/* The function type (params -> results), reused or appended. */
int  fi_functype(fi_module *fm, const fs_valtype *params, uint32_t np,
                 const fs_valtype *results, uint32_t nr, uint32_t *out);

/* plan.c: types and plans function F.  Returns FS_OK (the plan may still
 * carry a refusal), or FS_ERR_NOMEM. */
int  fi_plan_function(fi_plan *p, const fi_module *fm, uint32_t f, unsigned stages);
void fi_plan_free(fi_plan *p);

/* live.c: stage live: fills p->save with the locals live after a site. */
int  fi_live(fi_plan *p, const fi_module *fm);

/* emit.c: writes the instrumented body (size LEB included) into OUT and
 * the bytes added per term into FR.  Refused plans get guards only.  The
 * stage is already in the plan ($fp, the saved locals).  MISS: as for
 * fi_blocktype.  RW: FI_NONE for the usual body, else the normal-path copy
 * of a hot function whose rewind copy is function RW (HOT COPIES in
 * forkinstr.h). */
int  fi_emit_function(const fi_plan *p, fi_module *fm, fi_misses *miss, uint32_t rw, fi_buf *out,
                      fs_fi_func *fr);

/* module.c: a block type for params -> results, as an s33 (a value type
 * byte, 0x40, or an appended type index).  With the table frozen, a type
 * not there yet is recorded in MISS (not NULL) and guessed. */
int  fi_blocktype(fi_module *fm, fi_misses *miss, const fi_val *params, uint32_t np,
                  const fi_val *results, uint32_t nr, int64_t *out);

/* funcs.c: plans and emits every defined function in index order into
 * CODE (closure members instrumented, the others copied), filling
 * r->funcs and the per-function sums of R; on THREADS threads (0: one
 * per core), with results identical to a single-threaded run. */
int  fi_run_funcs(fi_module *fm, unsigned stage, fi_buf *code, fs_fi_result *r,
                  unsigned threads);

/* refsave.c: the reference save area (see its header). */
#define FI_REF_TABLE_EXPORT "forkinstr_ref_table_"
#define FI_REF_SP_EXPORT    "forkinstr_ref_sp_"
int      fi_refs_init(fi_module *fm);
void     fi_refs_free(fi_module *fm);
uint32_t fi_ref_table(const fi_module *fm, int32_t heap);   /* or FI_NONE */
void     fi_put_nullable(fi_buf *b, int32_t heap);
void     fi_refs_tables(fi_buf *b, const fi_module *fm);    /* section entries */
void     fi_refs_globals(fi_buf *b, const fi_module *fm);
void     fi_refs_exports(fi_buf *b, const fi_module *fm);

#endif
