/* refsave.c - the reference save area of forkinstr.
 *
 * A reference cannot be stored in linear memory, so a frame's references
 * (saved locals of a reference type, and the function reference a
 * call_ref site needs back) go to tables forkinstr adds: one table per
 * reference type, of that type made nullable, so a value comes back with
 * its exact type and no cast (ref.cast would need GC).  Each table is a
 * stack with an i32 pointer in a global forkinstr adds; a frame's
 * references of one type sit in consecutive entries, in local order:
 *
 *   unwind (epilogue, per table T the frame uses, n_T entries):
 *     (if (i32.gt_u (i32.add (global.get $sp_T) (i32.const n_T)) (table.size $T))
 *       (then (if (i32.eq (table.grow $T (ref.null ht_T) (i32.const n_T)) (i32.const -1))
 *               (then unreachable))))
 *     (table.set $T (i32.add (global.get $sp_T) (i32.const i)) (local.get $x_i))  ;; each
 *     (global.set $sp_T (i32.add (global.get $sp_T) (i32.const n_T)))
 *   rewind (prologue):
 *     (global.set $sp_T (i32.sub (global.get $sp_T) (i32.const n_T)))
 *     (local.set $x_i (table.get $T (i32.add (global.get $sp_T) (i32.const i))))
 *
 * The table can only grow while $sp_T <= its size, which every push
 * keeps, so growing by n_T always makes room.  A non-nullable parameter
 * gets ref.as_non_null after the table.get; a non-nullable declared local
 * is declared nullable in the output instead (see fi_em_ref_decl), since
 * its initialization on the rewind path, inside the prologue's if, would
 * not count for the code after it.
 *
 * The set of tables is fixed before any function is planned (the bodies
 * name the tables by index, and functions are emitted in parallel): every
 * reference type of a local of a closure member, and (ref null $t) for
 * the type of every call_ref in one, in order of first appearance.  They
 * are added only when some function saves a reference, so a module
 * without one is written exactly as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"
#include "walk.h"

/* ---- the set of tables ------------------------------------------------ */

uint32_t fi_ref_table(const fi_module *fm, int32_t heap)
{
    for (uint32_t k = 0; k < fm->nref; k++)
        if (fm->ref_heap[k] == heap)
            return k;
    return FI_NONE;
}

static void add_heap(fi_module *fm, int32_t heap)
{
    if (fm->oom_ref || fi_ref_table(fm, heap) != FI_NONE)
        return;
    if (fm->nref == fm->ref_cap) {
        uint32_t cap = fm->ref_cap ? fm->ref_cap * 2 : 8;
        int32_t *h = realloc(fm->ref_heap, cap * sizeof *h);
        if (!h) {
            fm->oom_ref = 1;
            return;
        }
        fm->ref_heap = h;
        fm->ref_cap = cap;
    }
    fm->ref_heap[fm->nref++] = heap;
}

static void local_run(void *ctx, uint32_t first, uint32_t count, fs_valtype t)
{
    (void)first;
    if (count && fi_kind(t.code) == FI_K_REF)
        add_heap(ctx, t.heap);
}

int fi_refs_init(fi_module *fm)
{
    const fs_wasm_module *m = fm->m;
    fm->ref_table0 = m->ntables;
    fm->ref_global0 = m->nglobals + 2;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (!fm->c->in[f])
            continue;
        fs_walk_locals(m, f, local_run, fm);
        const fs_func *fn = &m->funcs[f];
        for (uint32_t i = fn->calls; i < fn->calls + fn->ncalls; i++)
            if (m->calls[i].kind == FS_CALL_REF || m->calls[i].kind == FS_CALL_TAIL_REF)
                add_heap(fm, (int32_t)m->calls[i].target);
    }
    return fm->oom_ref ? FS_ERR_NOMEM : FS_OK;
}

void fi_refs_free(fi_module *fm)
{
    free(fm->ref_heap);
    fm->ref_heap = NULL;
    fm->nref = fm->ref_cap = 0;
}

/* (ref null HEAP): the short form for an abstract heap type. */
void fi_put_nullable(fi_buf *b, int32_t heap)
{
    if (heap < 0) {
        fi_put(b, (uint8_t)(heap & 0x7F));
    } else {
        fi_put(b, FS_VT_REF_NULL);
        fi_put_s64(b, heap);
    }
}

void fi_refs_tables(fi_buf *b, const fi_module *fm)
{
    for (uint32_t k = 0; k < fm->nref; k++) {
        fi_put_nullable(b, fm->ref_heap[k]);
        fi_put(b, 0);           /* limits: min 0, no max */
        fi_put_u32(b, 0);
    }
}

void fi_refs_globals(fi_buf *b, const fi_module *fm)
{
    for (uint32_t k = 0; k < fm->nref; k++) {
        fi_put(b, FS_VT_I32);
        fi_put(b, 1);           /* mutable */
        fi_put_op(b, FS_OP_I32_CONST);
        fi_put_s64(b, 0);
        fi_put_op(b, FS_OP_END);
    }
}

static void export_one(fi_buf *b, const char *stem, uint32_t k, uint8_t kind, uint32_t idx)
{
    char name[48];
    int len = snprintf(name, sizeof name, "%.24s%u", stem, (unsigned)k);
    fi_put_u32(b, (uint32_t)len);
    fi_put_bytes(b, name, (size_t)len);
    fi_put(b, kind);
    fi_put_u32(b, idx);
}

void fi_refs_exports(fi_buf *b, const fi_module *fm)
{
    for (uint32_t k = 0; k < fm->nref; k++) {
        export_one(b, FI_REF_TABLE_EXPORT, k, FS_EXT_TABLE, fm->ref_table0 + k);
        export_one(b, FI_REF_SP_EXPORT, k, FS_EXT_GLOBAL, fm->ref_global0 + k);
    }
}

/* ---- one function's references --------------------------------------- */

uint32_t fi_em_ref_layout(const em *e, fi_rent *out)
{
    const fi_plan *p = e->p;
    uint32_t n = 0;
    /* by table, then in local order: each table's entries consecutive */
    for (uint32_t k = 0; k < e->fm->nref; k++) {
        int32_t h = e->fm->ref_heap[k];
        for (uint32_t l = 0; l < p->nlocals; l++)
            if (p->save[l] && fi_kind(p->local_code[l]) == FI_K_REF && p->local_heap[l] == h)
                out[n++] = (fi_rent){ l, k, FS_FI_LOCAL,
                                      l < p->nparams && p->local_code[l] == FS_VT_REF };
        for (uint32_t c = 0; c < p->ncref; c++)
            if (p->cref_heap[c] == h)
                out[n++] = (fi_rent){ p->cref_base + c, k, FS_FI_CALLSITE, 0 };
        for (uint32_t r = 0; r < p->nrslot; r++)
            if (p->rslot[r].heap == h)
                out[n++] = (fi_rent){ p->rslot_base + r, k, FS_FI_CALLSITE, 0 };
    }
    return n;
}

/* (global.get $sp_T) plus I */
static void sp_at(em *e, uint32_t table, uint32_t i)
{
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->ref_global0 + table);
    if (i) {
        i32_const(e, (int32_t)i);
        put_op(e, FS_OP_I32_ADD);
    }
}

static void sp_move(em *e, uint32_t table, uint32_t n, fs_op_id op)
{
    op_idx(e, FS_OP_GLOBAL_GET, e->fm->ref_global0 + table);
    i32_const(e, (int32_t)n);
    put_op(e, op);
    op_idx(e, FS_OP_GLOBAL_SET, e->fm->ref_global0 + table);
}

void fi_em_ref_pop(em *e, const fi_rent *r, uint32_t n)
{
    for (uint32_t i = 0; i < n;) {
        uint32_t t = r[i].table, j = i;
        while (j < n && r[j].table == t)
            j++;
        e->term = FS_FI_FIXED;
        sp_move(e, t, j - i, FS_OP_I32_SUB);
        for (uint32_t s = i; s < j; s++) {
            e->term = r[s].term;
            sp_at(e, t, s - i);
            op_idx(e, FS_OP_TABLE_GET, e->fm->ref_table0 + t);
            if (r[s].nonnull_param)
                put_op(e, FS_OP_REF_AS_NON_NULL);
            op_idx(e, FS_OP_LOCAL_SET, r[s].local);
        }
        i = j;
    }
    e->term = FS_FI_FIXED;
}

void fi_em_ref_push(em *e, const fi_rent *r, uint32_t n)
{
    for (uint32_t i = 0; i < n;) {
        uint32_t t = r[i].table, j = i;
        uint32_t tab = e->fm->ref_table0 + t;
        while (j < n && r[j].table == t)
            j++;
        e->term = FS_FI_FIXED;
        sp_at(e, t, 0);
        i32_const(e, (int32_t)(j - i));
        put_op(e, FS_OP_I32_ADD);
        op_idx(e, FS_OP_TABLE_SIZE, tab);
        put_op(e, FS_OP_I32_GT_U);
        if_void(e);
        put_op(e, FS_OP_REF_NULL);
        put_s64(e, e->fm->ref_heap[t]);
        i32_const(e, (int32_t)(j - i));
        op_idx(e, FS_OP_TABLE_GROW, tab);
        i32_const(e, -1);
        put_op(e, FS_OP_I32_EQ);
        if_void(e);
        put_op(e, FS_OP_UNREACHABLE);
        put_op(e, FS_OP_END);
        put_op(e, FS_OP_END);
        for (uint32_t s = i; s < j; s++) {
            e->term = r[s].term;
            sp_at(e, t, s - i);
            op_idx(e, FS_OP_LOCAL_GET, r[s].local);
            op_idx(e, FS_OP_TABLE_SET, tab);
        }
        e->term = FS_FI_FIXED;
        sp_move(e, t, j - i, FS_OP_I32_ADD);
        i = j;
    }
}

/* The local declarations after their count, with every non-nullable
 * reference declared nullable: (ref ht) and (ref null ht) have the same
 * size, so only the type byte changes. */
void fi_em_ref_decl(em *e, const uint8_t *q, const uint8_t *end)
{
    const uint8_t *from = q;
    while (q < end) {
        fs_leb_u32(&q);                 /* the run's count */
        if (q >= end)
            break;
        if (*q == FS_VT_REF) {
            fi_put_bytes(e->b, from, (size_t)(q - from));
            fi_put(e->b, FS_VT_REF_NULL);
            from = ++q;
        } else if (*q++ != FS_VT_REF_NULL) {
            continue;
        }
        fs_leb_u32(&q);                 /* the heap type: an s33 LEB, the same length */
    }
    fi_put_bytes(e->b, from, (size_t)(end - from));
}

/* After a local.get or local.tee of a non-nullable local declared
 * nullable: the value gets its type back. */
void fi_em_ref_get(em *e, const fi_ins *in)
{
    const fi_plan *p = e->p;
    if ((in->op != FS_OP_LOCAL_GET && in->op != FS_OP_LOCAL_TEE) || in->idx < p->nparams ||
        in->idx >= p->nlocals || p->local_code[in->idx] != FS_VT_REF)
        return;
    e->term = FS_FI_LOCAL;
    put_op(e, FS_OP_REF_AS_NON_NULL);
    np(e, 0, 1);
}
