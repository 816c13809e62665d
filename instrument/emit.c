/* emit.c - pass 2 of forkinstr: write the instrumented body.
 *
 * The original instructions are copied byte for byte, except branch
 * depths, which are renumbered where wraps now sit between a branch and
 * its target.  Every byte added is counted against one term:
 *
 *   fixed     the prologue's state test and frame pop, the epilogue's
 *             bounds check and frame push, $idx's load and store, the
 *             $unwind/$body blocks, the dummy results, the declaration of
 *             $idx/$fp (the i32 run), growth of the locals-count and
 *             body-size LEBs;
 *   callsite  per site: the unwind check, the local.tee copies of pending
 *             operands and table indices, those slots' loads and stores
 *             in the frame, and the declarations of non-i32 slots;
 *   local     per saved local: its store in the epilogue and its load in
 *             the prologue;
 *   dispatch  the rewind re-entry: every wrap (test, if/else/end, then
 *             arm), the reset of $idx, and branch-depth LEBs that grew
 *             because of wraps.
 *
 * So the terms of a function always add up to its real body growth.
 */
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"

/* The original instruction at AT (LEN bytes) is written at output
 * position OUT_POS, OUT_LEN bytes long: recorded for the address map
 * (fi_debug.h).  A renumbered branch whose LEB changed size maps its
 * opcode byte only. */
static void mark_at(em *e, const uint8_t *at, uint32_t len, size_t out_pos, size_t out_len)
{
    if (e->runs)
        fi_fruns_add(e->runs, e->ins_base + (uint32_t)(at - (e->fm->m->bytes + e->p->code_off)),
                     (uint32_t)out_pos, len == out_len ? len : 1);
}

/* The same, the instruction unchanged and about to be written. */
static void mark(em *e, const uint8_t *at, uint32_t len)
{
    mark_at(e, at, len, e->b->n, len);
}

/* Frame accesses: opcode and natural alignment per kind. */
static const uint16_t load_op[5]  = { FS_OP_I32_LOAD, FS_OP_I64_LOAD, FS_OP_F32_LOAD,
                                      FS_OP_F64_LOAD, FS_OP_V128_LOAD };
static const uint16_t store_op[5] = { FS_OP_I32_STORE, FS_OP_I64_STORE, FS_OP_F32_STORE,
                                      FS_OP_F64_STORE, FS_OP_V128_STORE };
static const uint8_t kalign[5]   = { 2, 3, 2, 3, 4 };
static const uint8_t ksize[5]    = { 4, 8, 4, 8, 16 };

/* The memarg names the save memory only when it is not memory 0 (flag
 * bit 6 of the alignment field, then the index), so single-memory modules
 * keep the shorter encoding. */
static void mem_op(em *e, int kind, int store, uint32_t offset)
{
    put_op(e, (fs_op_id)(store ? store_op[kind] : load_op[kind]));
    put_u32(e, kalign[kind] | (e->fm->savemem ? 0x40u : 0));
    if (e->fm->savemem)
        put_u32(e, e->fm->savemem);
    put_u32(e, offset);
}

/* ---- locals and the frame -------------------------------------------- */

static uint8_t local_kind(const fi_plan *p, uint32_t l)
{
    if (l < p->nlocals)
        return (uint8_t)fi_kind(p->local_code[l]);
    if (l == p->idx_local || l == p->fp_local || l == p->tidx_local)
        return 0;
    for (int k = 4; k >= 0; k--)
        if (l >= p->scratch_base[k])
            return (uint8_t)k;
    return 0;
}

/* The frame: $idx, saved locals, then every slot local and x-local. */
typedef struct frame_entry { uint32_t local, offset; uint8_t kind, term; } frame_entry;

static uint32_t frame_layout(const fi_plan *p, frame_entry *fe, uint32_t *n)
{
    uint32_t off = 0, k = 0;
    fe[k++] = (frame_entry){ p->idx_local, off, 0, FS_FI_FIXED };
    off += 4;
    for (uint32_t l = 0; l < p->nlocals; l++) {
        uint8_t kd = local_kind(p, l);
        if (!p->save[l] || kd == FI_K_REF)     /* references: refsave.c */
            continue;
        fe[k++] = (frame_entry){ l, off, kd, FS_FI_LOCAL };
        off += ksize[kd];
    }
    if (p->tidx_local != FI_NONE) {
        fe[k++] = (frame_entry){ p->tidx_local, off, 0, FS_FI_CALLSITE };
        off += 4;
    }
    for (int kd = 0; kd < 5; kd++)
        for (uint32_t s = 0; s < p->nscratch[kd]; s++) {
            fe[k++] = (frame_entry){ p->scratch_base[kd] + s, off, (uint8_t)kd, FS_FI_CALLSITE };
            off += ksize[kd];
        }
    for (uint32_t x = 0; x < p->nx; x++) {
        uint8_t kd = (uint8_t)fi_kind(p->xcode[x]);
        fe[k++] = (frame_entry){ p->x_base + x, off, kd, FS_FI_CALLSITE };
        off += ksize[kd];
    }
    *n = k;
    return off;
}

/* Addresses in the save area's memory: i32, or i64 with memory64, where
 * the header is {i64 current, i64 end} as Asyncify has it for wasm64. */
static void hdr_load(em *e, int end)
{
    mem_op(e, e->fm->mem64 ? 1 : 0, 0, end ? (e->fm->mem64 ? 8 : 4) : 0);
}

static void hdr_store(em *e)
{
    mem_op(e, e->fm->mem64 ? 1 : 0, 1, 0);
}

static void ptr_const(em *e, int32_t v)
{
    put_op(e, e->fm->mem64 ? FS_OP_I64_CONST : FS_OP_I32_CONST);
    put_s64(e, v);
}

static void ptr_op(em *e, fs_op_id op32, fs_op_id op64)
{
    put_op(e, e->fm->mem64 ? op64 : op32);
}

/* The frame pointer: loaded once ($fp, stage cse) or every time. */
static void fp(em *e)
{
    if (e->p->fp_local != FI_NONE) {
        op_idx(e, FS_OP_LOCAL_GET, e->p->fp_local);
    } else {
        op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
        hdr_load(e, 0);
    }
}

void fi_em_unlikely(em *e)
{
    fi_hintv *h = e->hints;
    if (!h || e->b->count_only || h->oom)
        return;
    if (h->n == h->cap) {
        uint32_t cap = h->cap ? h->cap * 2 : 16;
        uint32_t *v = realloc(h->v, cap * sizeof *v);
        if (!v) {
            h->oom = 1;
            return;
        }
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (uint32_t)e->b->n;
}

static void prologue(em *e, const frame_entry *fe, uint32_t n, uint32_t size,
                     const fi_rent *re, uint32_t nre)
{
    const fi_plan *p = e->p;
    e->term = FS_FI_FIXED;
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->state_global);
    i32_const(e, 2);
    put_op(e, FS_OP_I32_EQ);
    fi_em_unlikely(e);
    if_void(e);
    np(e, 0, 4);
    if (e->rw != FI_NONE) {
        /* a hot function's normal-path copy: the rewind copy restores the
         * frame and runs the call to its end */
        const fs_wasm_module *m = e->fm->m;
        const fs_type *t = &m->types[m->funcs[p->func].type];
        for (uint32_t i = 0; i < t->nparams; i++)
            op_idx(e, FS_OP_LOCAL_GET, i);
        op_idx(e, FS_OP_CALL, e->rw);
        put_op(e, FS_OP_RETURN);
        put_op(e, FS_OP_END);
        return;
    }
    /* data.current -= size, and that is our frame */
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
    hdr_load(e, 0);
    ptr_const(e, (int32_t)size);
    ptr_op(e, FS_OP_I32_SUB, FS_OP_I64_SUB);
    if (p->fp_local != FI_NONE)
        op_idx(e, FS_OP_LOCAL_TEE, p->fp_local);
    hdr_store(e);
    for (uint32_t i = 0; i < n; i++) {
        e->term = fe[i].term;
        fp(e);
        mem_op(e, fe[i].kind, 0, fe[i].offset);
        op_idx(e, FS_OP_LOCAL_SET, fe[i].local);
    }
    fi_em_ref_pop(e, re, nre);
    e->term = FS_FI_FIXED;
    put_op(e, FS_OP_END);
}

static void epilogue(em *e, const frame_entry *fe, uint32_t n, uint32_t size,
                     const fi_rent *re, uint32_t nre)
{
    const fi_plan *p = e->p;
    e->term = FS_FI_FIXED;
    /* trap when current + size would pass end */
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
    hdr_load(e, 0);
    if (p->fp_local != FI_NONE)
        op_idx(e, FS_OP_LOCAL_TEE, p->fp_local);
    ptr_const(e, (int32_t)size);
    ptr_op(e, FS_OP_I32_ADD, FS_OP_I64_ADD);
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
    hdr_load(e, 1);
    ptr_op(e, FS_OP_I32_GT_U, FS_OP_I64_GT_U);
    if_void(e);
    put_op(e, FS_OP_UNREACHABLE);
    put_op(e, FS_OP_END);
    for (uint32_t i = 0; i < n; i++) {
        e->term = fe[i].term;
        fp(e);
        op_idx(e, FS_OP_LOCAL_GET, fe[i].local);
        mem_op(e, fe[i].kind, 1, fe[i].offset);
    }
    e->term = FS_FI_FIXED;
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->data_global);
    fp(e);
    ptr_const(e, (int32_t)size);
    ptr_op(e, FS_OP_I32_ADD, FS_OP_I64_ADD);
    hdr_store(e);
    fi_em_ref_push(e, re, nre);
    /* return zero values of the results */
    const fs_wasm_module *m = e->fm->m;
    const fs_type *t = &m->types[m->funcs[p->func].type];
    for (uint32_t i = 0; i < t->nresults; i++) {
        const fs_valtype *v = &m->valtypes[t->params + t->nparams + i];
        dummy(e, v->code, v->heap);
    }
}

/* A block type of PARAMS -> RESULTS: empty, one value type, or a type
 * index (reused or appended, fi_blocktype). */
void fi_em_blocktype(em *e, const fi_val *params, uint32_t np, const fi_val *results,
                      uint32_t nr)
{
    int64_t bt;
    if (fi_blocktype(e->fm, e->miss, params, np, results, nr, &bt)) {
        e->err = FS_ERR_NOMEM;
        bt = (int64_t)FS_BT_EMPTY_BYTE - 128;
    }
    put_s64(e, bt);
}

/* ---- instructions ---------------------------------------------------- */

static uint32_t renumber(em *e, uint32_t d)
{
    uint32_t k = e->norig - 1 - d;
    return e->ntop - 1 - e->opos[k];
}

/* Copies a branch with its depths renumbered; the growth of the LEBs is
 * the wraps' doing (dispatch). */
static void branch(em *e, const fi_ins *in, const uint8_t *at)
{
    const uint8_t *q = at + 1;          /* one-byte opcodes but br_on_cast's */
    size_t before = e->b->n;
    uint32_t len = in->len;
    if (in->op == FS_OP_BR_ON_CAST || in->op == FS_OP_BR_ON_CAST_FAIL) {
        /* 0xFB, its code, the flags byte, the label, two heap types */
        fs_leb_u32(&q);
        q++;
        fi_put_bytes(e->b, at, (size_t)(q - at));
        fi_put_u32(e->b, renumber(e, fs_leb_u32(&q)));
        fi_put_bytes(e->b, q, (size_t)(at + len - q));
        mark_at(e, at, len, before, e->b->n - before);
        e->cnt[FS_FI_DISPATCH] += (e->b->n - before) - len;
        return;
    }
    fi_put(e->b, at[0]);
    if (in->op == FS_OP_BR_TABLE) {
        uint32_t n = fs_leb_u32(&q);
        fi_put_u32(e->b, n);
        for (uint32_t i = 0; i <= n; i++)
            fi_put_u32(e->b, renumber(e, fs_leb_u32(&q)));
    } else if (in->op == FS_OP_DELEGATE && fs_leb_u32(&q) == e->norig - 1) {
        /* To the function's label: the exception goes to the caller.  A
         * branch there lands on $body's end, but a delegate must name the
         * function's own label (all the blocks forkinstr opened count), or
         * Binaryen cannot read it. */
        fi_put_u32(e->b, e->ntop);
    } else {
        q = at + 1;
        fi_put_u32(e->b, renumber(e, fs_leb_u32(&q)));
    }
    mark_at(e, at, len, before, e->b->n - before);
    e->cnt[FS_FI_DISPATCH] += (e->b->n - before) - len;
}

/* try_table: its block type as it is, then its catch clauses with their
 * labels renumbered like a branch's (they count from outside the
 * try_table, so before it is pushed); the LEBs' growth is dispatch. */
static void try_table_open(em *e, const fi_ins *in, const uint8_t *at)
{
    const uint8_t *q = at + 1;
    if (*q == FS_VT_REF_NULL || *q == FS_VT_REF) {     /* (ref null? ht) */
        q++;
        if (*q == 0x62 || *q == 0x65)   /* an exact or shared heap type's prefix */
            q++;
    }
    fs_leb_u32(&q);     /* skipped: empty, a one-byte type, a heap type or a type index */
    size_t before = e->b->n;
    fi_put_bytes(e->b, at, (size_t)(q - at));
    uint32_t n = fs_leb_u32(&q);
    fi_put_u32(e->b, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t kind = *q++;
        fi_put(e->b, kind);
        if (kind < 2)
            fi_put_u32(e->b, fs_leb_u32(&q));       /* the tag */
        fi_put_u32(e->b, renumber(e, fs_leb_u32(&q)));
    }
    mark_at(e, at, in->len, before, e->b->n - before);
    e->cnt[FS_FI_DISPATCH] += (e->b->n - before) - in->len;
}

static void unwind_check(em *e, uint32_t k)
{
    e->term = FS_FI_CALLSITE;
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->state_global);
    if_void(e);
    np(e, 1, 2);
    i32_const(e, (int32_t)k);
    op_idx(e, FS_OP_LOCAL_SET, e->p->idx_local);
    op_idx(e, FS_OP_BR, e->ntop);       /* br $unwind, from inside the if */
    put_op(e, FS_OP_END);
}

/* An instruction copied as it is, but a tail call that can unwind
 * (FI_TAIL) as the plain call: the same immediates after the opcode. */
static void copy(em *e, const fi_ins *in, const uint8_t *at)
{
    mark(e, at, in->len);
    if (!(in->flags & FI_TAIL)) {
        fi_put_bytes(e->b, at, in->len);
        return;
    }
    fs_op_id plain = in->op == FS_OP_RETURN_CALL ? FS_OP_CALL :
                     in->op == FS_OP_RETURN_CALL_INDIRECT ? FS_OP_CALL_INDIRECT : FS_OP_CALL_REF;
    fi_put_op(e->b, plain);                     /* one byte, as the tail call's */
    fi_put_bytes(e->b, at + 1, in->len - 1);
}

static void guard(em *e)
{
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->state_global);
    if_void(e);
    put_op(e, FS_OP_UNREACHABLE);
    put_op(e, FS_OP_END);
}

static void body(em *e, const uint8_t *code)
{
    const fi_plan *p = e->p;
    for (uint32_t i = 0; i + 1 < p->nins && !e->err; i++) {
        const fi_ins *in = &p->ins[i];
        uint32_t defer = FI_NONE;
        if (in->flags & FI_LEVEL) {
            if (fi_em_deferrable(e, in->level, i)) {
                defer = in->level;
            } else if (!fi_em_passthrough(e, in->level, i)) {
                fi_em_exit_dispatch(e);
                fi_em_open_wraps(e, in->level);
            }
        }
        if (i && (p->ins[i - 1].flags & FI_XSAVE))
            fi_em_xpayload(e, &p->ins[i - 1], 1);
        if (in->flags & FI_ITEM) {
            e->term = FS_FI_DISPATCH;
            put_op(e, FS_OP_END);
            e->ntop--;
        }
        if (in->flags & FI_TEE_TIDX) {
            e->term = FS_FI_CALLSITE;
            int ref = in->op == FS_OP_CALL_REF || in->op == FS_OP_RETURN_CALL_REF;
            op_idx(e, FS_OP_LOCAL_TEE, ref ? p->cref_base + in->cref : p->tidx_local);
            np(e, 1, 1);
        }
        if (in->flags & FI_RESET) {
            /* In a loop, code before this site runs again after a rewind
             * passed it: $idx must be back to 0 (it is 0 already on the
             * normal path, so this needs no test). */
            e->term = FS_FI_DISPATCH;
            i32_const(e, 0);
            op_idx(e, FS_OP_LOCAL_SET, p->idx_local);
            np(e, 1, 2);
        }
        const uint8_t *at = code + in->off;
        if (in->flags & FI_OBSEND)
            fi_em_observe_close(e);
        switch (in->op) {
        case FS_OP_BLOCK: case FS_OP_LOOP: case FS_OP_IF: case FS_OP_TRY:
        case FS_OP_TRY_TABLE:
            if (in->op == FS_OP_TRY_TABLE) {
                try_table_open(e, in, at);
            } else {
                mark(e, at, in->len);
                fi_put_bytes(e->b, at, in->len);
            }
            e->odefer[e->norig] = defer;
            if (defer != FI_NONE)
                e->pend[e->npend++] = (struct pend){ defer, e->norig };
            e->oloop[e->norig] = in->op == FS_OP_LOOP;
            e->loops += in->op == FS_OP_LOOP;
            e->opos[e->norig++] = e->ntop++;
            if (in->flags & FI_CATCHES)
                fi_em_catch_dispatch(e, &p->items[in->site]);
            if (in->flags & FI_OBSERVE)
                fi_em_observe_open(e, in, at);
            break;
        case FS_OP_END: case FS_OP_DELEGATE:
            e->norig--;
            e->loops -= e->oloop[e->norig];
            e->ntop--;
            if (in->op == FS_OP_DELEGATE) {  /* its label counts from outside the try */
                branch(e, in, at);
            } else {
                mark(e, at, in->len);
                fi_put_bytes(e->b, at, in->len);
            }
            if (e->odefer[e->norig] != FI_NONE)
                fi_em_open_wraps(e, e->odefer[e->norig]);
            break;
        default:
            if (in->flags & FI_BRANCH)
                branch(e, in, at);
            else
                copy(e, in, at);
            fi_em_ref_get(e, in);
        }
        if (in->flags & FI_XSAVE)
            fi_em_xpayload(e, in, 0);
        else if (in->flags & FI_TEE) {
            e->term = FS_FI_CALLSITE;
            op_idx(e, FS_OP_LOCAL_TEE, slot_local(p, in->tee_local));
            np(e, 1, 1);
            if (in->flags & FI_TEE_NN) {
                put_op(e, FS_OP_REF_AS_NON_NULL);
                np(e, 1, 1);
            }
        }
        if (in->flags & FI_SITE)
            unwind_check(e, in->site);
        if (in->flags & FI_TAIL) {      /* the tail call's own return */
            e->term = FS_FI_CALLSITE;
            put_op(e, FS_OP_RETURN);
            np(e, 1, 1);
        }
    }
}

/* Refused: the original body with a trap after each site that can
 * unwind.  The guards are real bytes but not the instrumentation's cost. */
static void guarded_body(em *e, const uint8_t *code)
{
    const fi_plan *p = e->p;
    for (uint32_t i = 0; i < p->nins; i++) {
        const fi_ins *in = &p->ins[i];
        copy(e, in, code + in->off);
        if (in->flags & FI_GUARD)
            guard(e);
        if (in->flags & FI_TAIL)
            put_op(e, FS_OP_RETURN);
    }
}

/* ---- the function ---------------------------------------------------- */

static void locals_decl(em *e, const uint8_t *decl, uint32_t decl_len)
{
    const fi_plan *p = e->p;
    const uint8_t *q = decl;
    uint32_t nruns = fs_leb_u32(&q);
    /* $idx, $fp, the table-index slot and the i32 slots share one i32 run,
     * unless $fp is an i64 (memory64): then it has a run between. */
    int fp64 = e->fm->mem64 && p->fp_local != FI_NONE;
    uint32_t rest_i32 = (p->tidx_local != FI_NONE) + p->nscratch[0];
    uint32_t n_i32 = fp64 ? 1 : 1 + (p->fp_local != FI_NONE) + rest_i32;
    uint32_t added = 1 + (fp64 ? 1 + (rest_i32 != 0) : 0);
    for (int k = 1; k < 5; k++)
        added += p->nscratch[k] != 0;
    added += p->nx + p->ncref + p->nrslot;  /* one run per x-local, cref and ref slot */
    size_t before = e->b->n;
    fi_put_u32(e->b, nruns + added);
    e->cnt[FS_FI_FIXED] += (e->b->n - before) - (size_t)(q - decl);
    fi_em_ref_decl(e, q, decl + decl_len);
    static const uint8_t code[5] = { FS_VT_I32, FS_VT_I64, FS_VT_F32, FS_VT_F64, FS_VT_V128 };
    e->term = FS_FI_FIXED;
    put_u32(e, n_i32);
    put(e, FS_VT_I32);
    if (fp64) {
        put_u32(e, 1);
        put(e, FS_VT_I64);
    }
    e->term = FS_FI_CALLSITE;
    if (fp64 && rest_i32) {
        put_u32(e, rest_i32);
        put(e, FS_VT_I32);
    }
    for (int k = 1; k < 5; k++)
        if (p->nscratch[k]) {
            put_u32(e, p->nscratch[k]);
            put(e, code[k]);
        }
    for (uint32_t x = 0; x < p->nx; x++) {
        put_u32(e, 1);
        put(e, p->xcode[x]);
    }
    for (uint32_t c = 0; c < p->ncref + p->nrslot; c++) {
        put_u32(e, 1);
        size_t n0 = e->b->n;
        fi_put_nullable(e->b, c < p->ncref ? p->cref_heap[c] : p->rslot[c - p->ncref].heap);
        e->cnt[e->term] += e->b->n - n0;
    }
}

int fi_emit_function(const fi_plan *p, fi_module *fm, fi_misses *miss, uint32_t rw, fi_buf *out,
                     fs_fi_func *fr)
{
    const fs_wasm_module *m = fm->m;
    const uint8_t *body_bytes = m->bytes + p->body_off;
    const uint8_t *code = m->bytes + p->code_off;
    memset(fr, 0, sizeof *fr);
    fr->func = p->func;
    fr->refused = p->refused;
    fr->sites = p->nsites;
    fr->catch_arms = p->ncatch_arms;
    fr->body_before = fs_leb_size(p->body_size) + p->body_size;

    if (!p->refused && !p->nsites) {        /* nothing can unwind through it */
        fi_put_u32(out, p->body_size);
        fi_put_bytes(out, body_bytes, p->body_size);
        fr->body_after = fr->body_before;
        return out->oom ? FS_ERR_NOMEM : FS_OK;
    }

    fi_buf tmp = { 0 };
    tmp.count_only = out->count_only;
    em e;
    memset(&e, 0, sizeof e);
    e.p = p;
    e.fm = fm;
    e.miss = miss;
    e.rw = rw;
    e.b = &tmp;
    if (fm->fruns) {
        e.runs = &fm->fruns[p->func];
        e.runs->n = 0;          /* a redo starts over */
        e.ins_base = p->code_off - p->body_off;
    }
    if (fm->fhints) {
        e.hints = &fm->fhints[p->func];
        e.hints->n = 0;
    }
    if (p->refused) {
        fi_put_bytes(&tmp, body_bytes, p->locals_bytes);
        guarded_body(&e, code);
        fr->guard = e.cnt[FS_FI_FIXED] + e.cnt[FS_FI_CALLSITE];
    } else {
        e.opos = malloc((p->max_depth + 2) * sizeof *e.opos);
        e.oloop = calloc(p->max_depth + 2, 1);
        e.odefer = malloc((p->max_depth + 2) * sizeof *e.odefer);
        e.pend = malloc((p->max_depth + 2) * sizeof *e.pend);
        uint32_t nfe = 0;
        uint32_t nslots = 2 + p->nlocals + p->nscratch[0] + p->nscratch[1] + p->nscratch[2] +
                          p->nscratch[3] + p->nscratch[4] + p->nx;
        frame_entry *fe = malloc(nslots * sizeof *fe);
        fi_rent *re = malloc((p->nlocals + p->ncref + p->nrslot + 1) * sizeof *re);
        if (!e.opos || !e.oloop || !e.odefer || !e.pend || !fe || !re) {
            free(re);
            free(e.opos);
            free(e.oloop);
            free(e.odefer);
            free(e.pend);
            free(e.obs);
            free(fe);
            return FS_ERR_NOMEM;
        }
        uint32_t size = frame_layout(p, fe, &nfe);
        uint32_t nre = fi_em_ref_layout(&e, re);
        locals_decl(&e, body_bytes, p->locals_bytes);
        prologue(&e, fe, nfe, size, re, nre);
        e.term = FS_FI_FIXED;
        put_op(&e, FS_OP_BLOCK);                      /* block $unwind */
        put(&e, FS_BT_EMPTY_BYTE);
        put_op(&e, FS_OP_BLOCK);                      /* block $body (result R) */
        {
            const fs_type *t = &m->types[m->funcs[p->func].type];
            fi_val rv[16];
            fi_val *r = t->nresults <= 16 ? rv : malloc(t->nresults * sizeof *r);
            if (!r) {
                e.err = FS_ERR_NOMEM;
            } else {
                for (uint32_t i = 0; i < t->nresults; i++) {
                    const fs_valtype *v = &m->valtypes[t->params + t->nparams + i];
                    r[i] = (fi_val){ v->code, v->heap, 0, 0, 0 };
                }
                fi_em_blocktype(&e, NULL, 0, r, t->nresults);
                if (r != rv)
                    free(r);
            }
        }
        e.ntop = 2;
        e.opos[0] = 1;                  /* the function's label is now $body's */
        e.norig = 1;
        body(&e, code);
        e.term = FS_FI_FIXED;
        put_op(&e, FS_OP_END);                        /* end $body */
        put_op(&e, FS_OP_RETURN);
        np(&e, 0, 1);
        put_op(&e, FS_OP_END);                        /* end $unwind */
        epilogue(&e, fe, nfe, size, re, nre);
        /* the function's own end, now after the epilogue */
        mark(&e, code + p->ins[p->nins - 1].off, 1);
        fi_put_op(&tmp, FS_OP_END);
        uint32_t saved = 0;
        for (uint32_t l = 0; l < p->nlocals; l++)
            saved += p->save[l];
        fr->saved_locals = saved;
        fr->frame_bytes = size;
        fr->ref_slots = nre;
        fr->private_tag = (uint8_t)e.private_tag;
        fr->tail_calls = p->ntail;
        fr->wraps = e.wraps;
        fr->levels = e.levels;
        memcpy(fr->np, e.np, sizeof fr->np);
        free(e.opos);
        free(e.oloop);
        free(e.odefer);
        free(e.pend);
        free(e.obs);
        free(fe);
        free(re);
    }
    if (tmp.oom || e.err || (e.runs && e.runs->oom) || (e.hints && e.hints->oom)) {
        free(tmp.p);
        return FS_ERR_NOMEM;
    }
    /* the body-size LEB: fixed for an instrumented function */
    uint64_t grow_leb = fs_leb_size(tmp.n) - fs_leb_size(p->body_size);
    fi_put_u32(out, (uint32_t)tmp.n);
    if (!out->count_only)
        fi_put_bytes(out, tmp.p, tmp.n);
    else
        out->n += tmp.n;
    free(tmp.p);
    fr->body_after = fs_leb_size(tmp.n) + (uint32_t)tmp.n;
    if (p->refused) {
        fr->guard += grow_leb;
    } else {
        e.cnt[FS_FI_FIXED] += grow_leb;
        uint64_t total = 0;
        for (int t = 0; t < FS_FI_NTERMS; t++) {
            fr->term[t] = e.cnt[t];
            total += e.cnt[t];
        }
        fr->total = total;
    }
    return out->oom ? FS_ERR_NOMEM : FS_OK;
}
