/* emit_eh.c - forkinstr's emitter for legacy exception handling: the
 * catch dispatch a rewind throws from, catch payloads kept in x-locals, and
 * observed tries (see emit.c for the rest, forkinstr.h for the design). */
#include <stdlib.h>

#include "emit_int.h"

/* ---- observed tries ---------------------------------------------------

   A catch_all arm that holds sites and rethrows must, on rewind, be
   entered with the exception it caught, or the rethrow would carry
   another.  catch_all cannot name it, so an observer try around the try's
   body does: one catch per tag (fi_obs_off) keeps the payload and 1 + the
   tag in $k and rethrows the same exception; its catch_all sets $k to 0
   (a foreign exception, a JavaScript one say).  The rewind throws the tag
   in $k with the kept payload, or traps when $k is 0.  The original
   handlers then route it as they routed the original: a tag an earlier
   clause names never reached catch_all.

     try $bt                 ;; the original
       (catch dispatch)      ;; a rewind throws from here, past the observer
       try $bt               ;; the observer
         ...body...
       catch $t   (local.set $x_t...) (local.set $k (i32.const t+1)) rethrow 0
       catch_all  (local.set $k (i32.const 0)) rethrow 0
       end
     catch_all ... rethrow 0 ...
     end

   The normal path runs no added instruction: only a thrown exception
   enters the observer's arms. */

void fi_em_observe_open(em *e, const fi_ins *in, const uint8_t *at)
{
    e->term = FS_FI_CALLSITE;
    put_op(e, FS_OP_TRY);
    for (uint32_t i = 1; i < in->len; i++)      /* the original try's block type */
        put(e, at[i]);
    e->ntop++;
    if (e->nobs == e->obs_cap) {
        uint32_t cap = e->obs_cap ? e->obs_cap * 2 : 8;
        uint32_t *n = realloc(e->obs, cap * sizeof *n);
        if (!n) {
            e->err = FS_ERR_NOMEM;
            return;
        }
        e->obs = n;
        e->obs_cap = cap;
    }
    e->obs[e->nobs++] = in->xoff;
}

void fi_em_observe_close(em *e)
{
    const fi_plan *p = e->p;
    const fs_wasm_module *m = e->fm->m;
    if (!e->nobs)
        return;                                 /* out of memory at the open */
    uint32_t k = p->x_base + e->obs[--e->nobs];
    e->term = FS_FI_CALLSITE;
    for (uint32_t t = 0; t < m->ntags; t++) {
        uint32_t off = fi_obs_off(m, t);
        if (off == FI_NONE)
            continue;
        op_idx(e, FS_OP_CATCH, t);
        for (uint32_t i = m->types[m->tag_types[t]].nparams; i-- > 0;)
            op_idx(e, FS_OP_LOCAL_SET, k + off + i);
        i32_const(e, (int32_t)t + 1);
        op_idx(e, FS_OP_LOCAL_SET, k);
        op_idx(e, FS_OP_RETHROW, 0);
    }
    put_op(e, FS_OP_CATCH_ALL);
    i32_const(e, 0);
    op_idx(e, FS_OP_LOCAL_SET, k);
    op_idx(e, FS_OP_RETHROW, 0);
    put_op(e, FS_OP_END);
    e->ntop--;
}

/* The rewind into an observed catch_all arm: throw the tag in $k with its
 * kept payload; $k = 0 (an exception no tag names) cannot be made again. */
static void throw_observed(em *e, uint32_t xoff)
{
    const fi_plan *p = e->p;
    const fs_wasm_module *m = e->fm->m;
    uint32_t k = p->x_base + xoff;
    for (uint32_t t = 0; t < m->ntags; t++) {
        uint32_t off = fi_obs_off(m, t);
        if (off == FI_NONE)
            continue;
        op_idx(e, FS_OP_LOCAL_GET, k);
        i32_const(e, (int32_t)t + 1);
        put_op(e, FS_OP_I32_EQ);
        if_void(e);
        for (uint32_t i = 0; i < m->types[m->tag_types[t]].nparams; i++)
            op_idx(e, FS_OP_LOCAL_GET, k + off + i);
        op_idx(e, FS_OP_THROW, t);
        put_op(e, FS_OP_END);
    }
    put_op(e, FS_OP_UNREACHABLE);
}

/* Right after a try whose catch arms hold sites: a rewind aimed into
 * catch arm j throws that arm's tag from here, the try's body, so the
 * try's own handlers catch it as they caught the original.  Normal path:
 * the one test.  Arms are tried last first, as wraps are. */
void fi_em_catch_dispatch(em *e, const fi_item *it)
{
    const fi_plan *p = e->p;
    const fs_wasm_module *m = e->fm->m;
    const fi_arm *arm = AT(p->arms, it->arm0);
    e->term = FS_FI_DISPATCH;
    idx_get(e);
    if (arm[0].a > 1) {
        i32_const(e, (int32_t)arm[0].a);
        put_op(e, FS_OP_I32_GE_U);
    }
    fi_em_unlikely(e);
    if_void(e);
    np(e, 0, arm[0].a > 1 ? 4 : 2);
    for (uint32_t j = it->narms; j-- > 0;) {
        if (j) {
            op_idx(e, FS_OP_LOCAL_GET, p->idx_local);
            i32_const(e, (int32_t)arm[j].a);
            put_op(e, FS_OP_I32_GE_U);
            if_void(e);
        }
        if (arm[j].obs) {                       /* catch_all that rethrows: what it caught */
            throw_observed(e, arm[j].xoff);
        } else if (arm[j].tag == FI_NONE) {     /* catch_all: our own tag, no payload */
            op_idx(e, FS_OP_THROW, m->ntags);
            e->private_tag = 1;
        } else {
            const fs_type *t = &m->types[m->tag_types[arm[j].tag]];
            for (uint32_t i = 0; i < t->nparams; i++) {
                const fs_valtype *v = &m->valtypes[t->params + i];
                if (arm[j].xoff != FI_NONE)
                    op_idx(e, FS_OP_LOCAL_GET, p->x_base + arm[j].xoff + i);
                else
                    dummy(e, v->code, v->heap);
            }
            op_idx(e, FS_OP_THROW, arm[j].tag);
        }
        if (j)
            put_op(e, FS_OP_END);
    }
    put_op(e, FS_OP_END);
}

/* A catch whose arm can fork (FI_XSAVE): its payload goes into x-locals
 * right after the catch (TAKE 0), and comes back at the start of the
 * arm's original code, inside its wraps (TAKE 1), with the copy of a
 * value some site keeps below it (FI_TEE) made there.  Only a caught
 * exception runs either. */
void fi_em_xpayload(em *e, const fi_ins *in, int take)
{
    const fi_plan *p = e->p;
    const fs_wasm_module *m = e->fm->m;
    uint32_t n = m->types[m->tag_types[in->idx]].nparams;
    e->term = FS_FI_CALLSITE;
    for (uint32_t i = 0; i < n; i++)
        if (take)
            op_idx(e, FS_OP_LOCAL_GET, p->x_base + in->xoff + i);
        else
            op_idx(e, FS_OP_LOCAL_SET, p->x_base + in->xoff + n - 1 - i);
    if (take && (in->flags & FI_TEE))
        op_idx(e, FS_OP_LOCAL_TEE, slot_local(p, in->tee_local));
}

