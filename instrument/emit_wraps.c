/* emit_wraps.c - pass 2's re-entry: the wraps a level opens (or, at stage
 * trampoline, its blocks and one dispatch), the values a rewind pushes at
 * an item, and the deferred wraps of a switch's case blocks with their
 * exit dispatch (docs/instrumentation.md, "An instrumented function" and
 * "The normal path").  Every byte is dispatch; emit.c calls in. */
#include <stdlib.h>

#include "emit_int.h"

/* What the stack holds at ITEM's cut on a rewind: the saved values, then
 * dummies for the rest, then what picks the way in (the table index of an
 * indirect call, the function reference of a call_ref, the condition of
 * an if).  A call in a loop first clears $idx (fi_item.clear). */
static void rewind_values(em *e, const fi_item *it)
{
    const fi_plan *p = e->p;
    const fi_val *t = AT(p->tpool, it->t);
    if (it->clear) {
        i32_const(e, 0);
        op_idx(e, FS_OP_LOCAL_SET, p->idx_local);
    }
    for (uint32_t i = 0; i < it->ns; i++) {
        if (p->upool[it->slots + i] == FI_NULL_SLOT) {     /* null is all it can be */
            dummy(e, t[i].code, t[i].heap);
            continue;
        }
        op_idx(e, FS_OP_LOCAL_GET, slot_local(p, p->upool[it->slots + i]));
        if (t[i].code == FS_VT_REF)         /* from a nullable slot */
            put_op(e, FS_OP_REF_AS_NON_NULL);
    }
    uint32_t top = it->nt;
    if (it->kind == FI_ITEM_IF || it->kind == FI_ITEM_CALL_INDIRECT ||
        it->kind == FI_ITEM_CALL_REF)
        top--;
    for (uint32_t i = it->ns; i < top; i++) {
        uint32_t s = it->refargs ? p->upool[it->slots + i] : FI_NONE;
        if (s != FI_NONE) {             /* a non-nullable reference argument */
            op_idx(e, FS_OP_LOCAL_GET, slot_local(p, s));
            put_op(e, FS_OP_REF_AS_NON_NULL);
        } else {
            dummy(e, t[i].code, t[i].heap);
        }
    }
    if (it->kind == FI_ITEM_CALL_INDIRECT) {
        op_idx(e, FS_OP_LOCAL_GET, p->tidx_local);
    } else if (it->kind == FI_ITEM_CALL_REF) {
        op_idx(e, FS_OP_LOCAL_GET, p->cref_base + it->tidx_local);
    } else if (it->kind == FI_ITEM_IF) {
        if (it->split >= it->b) {
            i32_const(e, 1);
        } else if (it->split < it->a) {
            i32_const(e, 0);
        } else {
            op_idx(e, FS_OP_LOCAL_GET, p->idx_local);
            i32_const(e, (int32_t)it->split + 1);
            put_op(e, FS_OP_I32_LT_U);
        }
    }
}

/* $idx >= a.  After a rewind finished at site K, $idx stays K for the rest
 * of the call; every level entered later (outside a loop) holds only sites
 * above K, so this test fails there as it must.  A bare $idx != 0 would
 * not: it is used only where a is 1. */
static void idx_at_least(em *e, uint32_t a)
{
    idx_get(e);
    if (a > 1) {
        i32_const(e, (int32_t)a);
        put_op(e, FS_OP_I32_GE_U);
    }
}

/* Stage trampoline: the level's items get plain blocks $seg_j in place of if
 * wraps, the last item's outermost, each ending at its item's cut as a
 * wrap's else arm did.  One dispatch inside the innermost block is all the
 * normal path runs (local.get $idx, if); a rewind picks its item there,
 * last first as the wraps were tried, pushes the item's values and
 * branches to the end of $seg_j.  So a level of n items costs the normal
 * path one test instead of n, and a few bytes more per item. */
static void open_table(em *e, const fi_level *l, const uint32_t *ids, uint32_t n,
                       uint32_t *pos)
{
    const fi_plan *p = e->p;
    const fi_val *pv = AT(p->tpool, l->params);
    for (uint32_t j = n; j-- > 0;) {
        const fi_item *it = &p->items[ids[j]];
        if (it->elide)
            continue;
        put_op(e, FS_OP_BLOCK);
        fi_em_blocktype(e, pv, l->nparams, AT(p->tpool, it->t), it->nt);
        pos[j] = e->ntop++;
    }
    idx_get(e);
    fi_em_unlikely(e);
    if_void(e);
    np(e, 0, 2);
    e->ntop++;
    for (uint32_t j = n; j-- > 0;) {
        const fi_item *it = &p->items[ids[j]];
        if (it->elide)
            continue;
        int test = it->a > 1;       /* else $idx != 0 is all it needs */
        if (test) {
            idx_at_least(e, it->a);
            if_void(e);
            e->ntop++;
        }
        rewind_values(e, it);
        op_idx(e, FS_OP_BR, e->ntop - 1 - pos[j]);
        if (test) {
            put_op(e, FS_OP_END);
            e->ntop--;
        }
    }
    put_op(e, FS_OP_END);
    e->ntop--;
}

void fi_em_open_wraps(em *e, uint32_t level)
{
    const fi_plan *p = e->p;
    const fi_level *l = &p->levels[level];
    uint32_t *ids = malloc((l->nitems ? l->nitems : 1) * 2 * sizeof *ids);
    if (!ids) {
        e->err = FS_ERR_NOMEM;
        return;
    }
    uint32_t n = 0, opened = 0;
    for (uint32_t it = l->first_item; it != FI_NONE; it = p->items[it].next) {
        ids[n++] = it;
        opened += !p->items[it].elide;
    }
    const fi_val *pv = AT(p->tpool, l->params);
    e->term = FS_FI_DISPATCH;
    /* Blocks with parameters are left to the wraps: Binaryen 108 reads
     * neither form, and LLVM writes none. */
    if (p->tramp && opened >= 2 && !l->nparams) {
        open_table(e, l, ids, n, ids + n);
    } else {
        for (uint32_t j = n; j-- > 0;) {
            const fi_item *it = &p->items[ids[j]];
            if (it->elide)
                continue;
            idx_at_least(e, it->a);
            fi_em_unlikely(e);
            put_op(e, FS_OP_IF);
            np(e, 0, it->a > 1 ? 4 : 2);      /* the test and the if; else is taken */
            fi_em_blocktype(e, pv, l->nparams, AT(p->tpool, it->t), it->nt);
            for (uint32_t i = 0; i < l->nparams; i++)
                put_op(e, FS_OP_DROP);
            rewind_values(e, it);
            put_op(e, FS_OP_ELSE);          /* else: the original code */
            e->ntop++;
        }
    }
    e->wraps += opened;
    e->levels += opened != 0;
    free(ids);
}

/* ---- deferred wraps ---------------------------------------------------

   A level whose first item is a plain block C (no block type) at the
   level's very start, with more items after it, would open its wraps at
   its start, so every entry runs their tests before C.  In a switch (a
   nest of such blocks around a br_table, in a loop) that is every wrap of
   every case on every iteration.  Such a level opens its wraps right after
   C's end instead: the normal path runs them only when control gets
   there.  A rewind aimed past C leaves C by a branch to its end, from an
   exit dispatch at the start of the innermost level of the chain of such
   blocks, entered only when $idx is not 0. */

int fi_em_deferrable(const em *e, uint32_t level, uint32_t ins)
{
    const fi_plan *p = e->p;
    const fi_level *l = &p->levels[level];
    if (!e->loops || l->nitems < 2 || l->first_item == FI_NONE)
        return 0;
    const fi_item *c = &p->items[l->first_item];
    const fi_ins *in = &p->ins[ins];
    return c->elide && c->kind == FI_ITEM_BLOCK && c->cut == ins && in->op == FS_OP_BLOCK &&
           in->len == 2 && e->fm->m->bytes[p->code_off + in->off + 1] == FS_BT_EMPTY_BYTE;
}

/* A level whose only item is a block or loop at its very start has no
 * wrap: a rewind enters the child unconditionally, so the pending exits
 * can wait for a level further in (one dispatch for the whole chain). */
int fi_em_passthrough(const em *e, uint32_t level, uint32_t ins)
{
    const fi_plan *p = e->p;
    const fi_level *l = &p->levels[level];
    if (l->nitems != 1 || l->first_item == FI_NONE)
        return 0;
    const fi_item *c = &p->items[l->first_item];
    return c->elide && c->kind == FI_ITEM_BLOCK && c->cut == ins;
}

/* $idx >= (first site after C) of each deferred level, outermost first
 * (its range is above the inner ones'): leave its C. */
void fi_em_exit_dispatch(em *e)
{
    const fi_plan *p = e->p;
    if (!e->npend)
        return;
    e->term = FS_FI_DISPATCH;
    idx_get(e);
    fi_em_unlikely(e);
    if_void(e);
    np(e, 0, 2);
    e->ntop++;
    for (uint32_t k = 0; k < e->npend; k++) {
        const fi_level *l = &p->levels[e->pend[k].level];
        const fi_item *second = &p->items[p->items[l->first_item].next];
        op_idx(e, FS_OP_LOCAL_GET, p->idx_local);
        i32_const(e, (int32_t)second->a);
        put_op(e, FS_OP_I32_GE_U);
        op_idx(e, FS_OP_BR_IF, e->ntop - 1 - e->opos[e->pend[k].frame]);
    }
    put_op(e, FS_OP_END);
    e->ntop--;
    e->npend = 0;
}

