/* emit_int.h - what emit.c, emit_wraps.c and emit_eh.c share: the emitter's state and
 * the byte helpers that count every added byte against the current term
 * (see emit.c's header).  forkinstr-private. */
#ifndef FI_EMIT_INT_H
#define FI_EMIT_INT_H

#include "fi_int.h"

typedef struct em {
    const fi_plan   *p;
    fi_module       *fm;
    fi_misses       *miss;      /* frozen type table: where missing types go */
    fi_buf          *b;
    int              term;
    uint64_t         cnt[FS_FI_NTERMS];
    /* output control stack: for each entry, the original frame it is
     * (its ordinal) or FI_NONE for a frame forkinstr added */
    uint32_t        *opos;    uint32_t norig;   /* original frame -> output position */
    uint32_t         ntop;                      /* output frames open */
    uint32_t         wraps, levels;             /* counted for the what-if model */
    /* the normal-path proxy: original loops open around the output
     * position (per original frame: is it a loop), and the counts */
    uint8_t         *oloop;   uint32_t loops;
    /* deferred wraps: per original frame, the level whose wraps open at
     * its end (FI_NONE if none); the deferred levels whose exits the next
     * exit dispatch must route (see deferrable()) */
    uint32_t        *odefer;
    struct pend { uint32_t level, frame; } *pend;  uint32_t npend;
    uint32_t         np[FS_FI_NNP];
    int              private_tag;               /* forkinstr's own tag was thrown */
    uint32_t        *obs;     uint32_t nobs, obs_cap;  /* open observers' x-locals */
    int              err;
    fi_fruns        *runs;      /* where the original bytes go, or NULL */
    fi_hintv        *hints;     /* --branch-hints: this function's, or NULL */
    uint32_t         ins_base;  /* first instruction, from the body's start */
    uint32_t         rw;        /* a hot function's normal-path copy: its rewind
                                   copy's index (rewind tests read 0); else FI_NONE */
} em;

/* N instructions on the normal path: in a loop they run per iteration;
 * elsewhere they belong to the entry or to a site (AT_SITE). */
static inline void np(em *e, int at_site, uint32_t n)
{
    e->np[e->loops ? FS_FI_NP_LOOPS : at_site ? FS_FI_NP_SITES : FS_FI_NP_ENTRY] += n;
}

/* ---- byte helpers that count ----------------------------------------- */


static inline void put(em *e, uint8_t v)
{
    fi_put(e->b, v);
    e->cnt[e->term]++;
}

static inline void put_u32(em *e, uint32_t v)
{
    size_t n = e->b->n;
    fi_put_u32(e->b, v);
    e->cnt[e->term] += e->b->n - n;
}

static inline void put_s64(em *e, int64_t v)
{
    size_t n = e->b->n;
    fi_put_s64(e->b, v);
    e->cnt[e->term] += e->b->n - n;
}

/* An opcode from its opcodes.def row. */
static inline void put_op(em *e, fs_op_id id)
{
    size_t n = e->b->n;
    fi_put_op(e->b, id);
    e->cnt[e->term] += e->b->n - n;
}

static inline void op_idx(em *e, fs_op_id op, uint32_t idx)
{
    put_op(e, op);
    put_u32(e, idx);
}

static inline void i32_const(em *e, int32_t v)
{
    put_op(e, FS_OP_I32_CONST);
    put_s64(e, v);
}

/* $idx where a rewind test reads it: a constant 0 in a hot function's
 * normal-path copy, which no rewind enters, so the engine folds the test. */
static inline void idx_get(em *e)
{
    if (e->rw != FI_NONE)
        i32_const(e, 0);
    else
        op_idx(e, FS_OP_LOCAL_GET, e->p->idx_local);
}

/* if with the empty block type */
static inline void if_void(em *e)
{
    put_op(e, FS_OP_IF);
    put(e, FS_BT_EMPTY_BYTE);
}

/* A zero of the given type: const opcode, then zero bytes or LEB. */
static inline void dummy(em *e, uint8_t code, int32_t heap)
{
    switch (code) {
    case FS_VT_I32: put_op(e, FS_OP_I32_CONST); put_s64(e, 0); break;
    case FS_VT_I64: put_op(e, FS_OP_I64_CONST); put_s64(e, 0); break;
    case FS_VT_F32: put_op(e, FS_OP_F32_CONST); for (int i = 0; i < 4; i++) put(e, 0); break;
    case FS_VT_F64: put_op(e, FS_OP_F64_CONST); for (int i = 0; i < 8; i++) put(e, 0); break;
    case FS_VT_V128: put_op(e, FS_OP_V128_CONST); for (int i = 0; i < 16; i++) put(e, 0); break;
    default:   /* a nullable reference (the plan refused the others) */
        put_op(e, FS_OP_REF_NULL);
        if (code == FS_VT_REF_NULL)
            put_s64(e, heap);
        else
            put(e, code);   /* the abstract heap type has the type's byte */
        break;
    }
}

/* Where a slot (kind << 24 | position) lives. */
static inline uint32_t slot_local(const fi_plan *p, uint32_t slot)
{
    if ((slot >> 24) == FI_K_REF)
        return p->rslot_base + (slot & 0xFFFFFF);
    return p->scratch_base[slot >> 24] + (slot & 0xFFFFFF);
}

/* emit.c: a block type of PARAMS -> RESULTS (empty, one type, or an index) */
void fi_em_blocktype(em *e, const fi_val *params, uint32_t np, const fi_val *results,
                     uint32_t nr);

/* emit_wraps.c: a level's re-entry (wraps, or the trampoline's blocks and
 * dispatch); whether a level's wraps wait for its first block's end
 * (deferrable) or belong to a level further in (passthrough); the exit
 * dispatch of the deferred levels pending. */
void fi_em_open_wraps(em *e, uint32_t level);
int  fi_em_deferrable(const em *e, uint32_t level, uint32_t ins);
int  fi_em_passthrough(const em *e, uint32_t level, uint32_t ins);
void fi_em_exit_dispatch(em *e);

/* --branch-hints: the if written next is one the normal path never takes
 * (a rewind test); its offset goes to the function's hints. */
void fi_em_unlikely(em *e);

/* emit_eh.c: legacy exception handling */
void fi_em_observe_open(em *e, const fi_ins *in, const uint8_t *at);
void fi_em_observe_close(em *e);
void fi_em_catch_dispatch(em *e, const fi_item *it);
void fi_em_xpayload(em *e, const fi_ins *in, int take);

/* refsave.c: a frame's references, by table (see refsave.c) */
typedef struct fi_rent {
    uint32_t local, table;
    uint8_t  term;
    uint8_t  nonnull_param;     /* ref.as_non_null after the table.get */
} fi_rent;
uint32_t fi_em_ref_layout(const em *e, fi_rent *out);
void     fi_em_ref_pop(em *e, const fi_rent *r, uint32_t n);
void     fi_em_ref_push(em *e, const fi_rent *r, uint32_t n);
void     fi_em_ref_decl(em *e, const uint8_t *q, const uint8_t *end);
void     fi_em_ref_get(em *e, const fi_ins *in);

#endif
