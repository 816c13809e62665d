/* plan_ctl.c - forkinstr's plan: the typed value stack, the control
 * frames, and the sites, items and levels the rewind needs (see plan.c
 * for the walk that drives them, fi_int.h for what they record).
 */
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"

_Noreturn void fi_pw_nomem(walk *w)
{
    longjmp(w->jb, 2);
}

_Noreturn void fi_pw_refuse(walk *w, const char *why)
{
    w->p->refused = why;
    longjmp(w->jb, 3);
}

/* ---- the value stack ------------------------------------------------ */

void fi_pw_push(walk *w, uint8_t code, int32_t heap, int top)
{
    GROW(w, w->st, w->nst, w->st_cap, 1);
    int k = fi_kind(code);
    fi_val v = { code, heap, w->cur, (uint8_t)top, w->kcount[k]++ };
    w->st[w->nst++] = v;
}

fi_val fi_pw_pop(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    if (w->nst == f->base) {
        if (!f->unreachable)
            fi_pw_refuse(w, "the body does not type-check (operand stack underflow)");
        fi_val u = { 0, 0, FI_NONE, 0, 0 };
        return u;
    }
    fi_val v = w->st[--w->nst];
    w->kcount[fi_kind(v.code)]--;
    if (w->nst < w->low)
        w->low = w->nst;
    return v;
}

void fi_pw_pop_n(walk *w, uint32_t n)
{
    while (n--)
        fi_pw_pop(w);
}

/* Drops the frame's values down to its base (end, else, branches). */
static void truncate_to(walk *w, uint32_t h)
{
    while (w->nst > h)
        w->kcount[fi_kind(w->st[--w->nst].code)]--;
    if (w->nst < w->low)
        w->low = w->nst;
}

void fi_pw_set_unreachable(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    truncate_to(w, f->base);
    f->unreachable = 1;
}

int fi_pw_live(const walk *w)
{
    const frame *f = &w->fr[w->nfr - 1];
    return !f->unreachable && !f->dead;
}

/* ---- pools ----------------------------------------------------------- */

static uint32_t tpool_add(walk *w, const fi_val *v, uint32_t n)
{
    fi_plan *p = w->p;
    GROW(w, p->tpool, p->ntpool, p->tpool_cap, n);
    uint32_t at = p->ntpool;
    if (n)
        memcpy(AT(p->tpool, at), v, n * sizeof *v);
    p->ntpool += n;
    return at;
}

/* The params and results of a block type, as the walker decoded it. */
static void blocktype(walk *w, const fs_instr *in, const fs_valtype **params, uint32_t *np,
                      const fs_valtype **results, uint32_t *nr)
{
    const fs_wasm_module *m = w->fm->m;
    *np = *nr = 0;
    *params = *results = NULL;
    if (in->bt == FS_BT_VALUE) {
        *results = &in->type;
        *nr = 1;
    } else if (in->bt == FS_BT_TYPE) {
        const fs_type *ty = &m->types[in->bt_type];
        *params = m->valtypes + ty->params;
        *np = ty->nparams;
        *results = m->valtypes + ty->params + ty->nparams;
        *nr = ty->nresults;
    }
}

/* ---- sites, items, levels ------------------------------------------- */

/* A scratch slot as (kind, values of that kind below); fi_slot_local in
 * emit.c turns it into a local index once the counts are known. */
#define SLOT(kind, below) (((uint32_t)(kind) << 24) | (below))

static uint32_t level_of(walk *w, frame *f)
{
    if (f->level != FI_NONE)
        return f->level;
    fi_plan *p = w->p;
    GROW(w, p->levels, p->nlevels, p->levels_cap, 1);
    fi_level *l = &p->levels[p->nlevels];
    l->first_item = FI_NONE;
    l->nitems = 0;
    l->nparams = f->np;
    l->params = 0;
    l->catch_arm = f->op == FS_OP_CATCH || f->op == FS_OP_CATCH_ALL;
    if (l->catch_arm) {
        l->nparams = 0;     /* its payload waits in x-locals: see close_arm() */
    } else if (f->op != FRAME_FUNC) {
        l->params = f->t + f->nt - f->np - (f->op == FS_OP_IF || f->op == FS_OP_ELSE);
    }
    f->level = p->nlevels++;
    p->ins[f->arm_start].flags |= FI_LEVEL;
    p->ins[f->arm_start].level = f->level;
    return f->level;
}

/* A reference's slot: one (ref null HEAP) local per heap type and number
 * of references below it, so one value keeps one slot (as for numbers).
 * Its frame entry goes to the save area's table of that type. */
static uint32_t ref_slot(walk *w, const fi_val *v)
{
    fi_plan *p = w->p;
    int32_t heap = v->code == FS_VT_REF || v->code == FS_VT_REF_NULL
                   ? v->heap : (int32_t)(int8_t)(v->code | 0x80);
    if (fi_ref_table(w->fm, heap) == FI_NONE)
        fi_pw_refuse(w, "a reference-typed value is on the operand stack at an unwind point "
                        "(of a type no local or call_ref of the closure has)");
    for (uint32_t r = 0; r < p->nrslot; r++)
        if (p->rslot[r].heap == heap && p->rslot[r].below == v->below)
            return r;
    GROW(w, p->rslot, p->nrslot, p->rslot_cap, 1);
    p->rslot[p->nrslot].heap = heap;
    p->rslot[p->nrslot].below = v->below;
    return p->nrslot++;
}

/* A value that must survive the unwind: copied into its slot where it is
 * pushed.  Returns the slot (FI_NULL_SLOT: none needed). */
static uint32_t save_value(walk *w, const fi_val *v)
{
    fi_plan *p = w->p;
    int k = fi_kind(v->code);
    /* ref.null none and its kin: null is the type's only value */
    if (k == FI_K_REF && v->code != FS_VT_REF && v->heap >= -15 && v->heap <= -11)
        return FI_NULL_SLOT;
    if (k == FI_K_UNKNOWN || v->prod == FI_NONE)
        fi_pw_refuse(w, "a loop parameter is on the operand stack at an unwind point");
    if (!v->top)
        fi_pw_refuse(w, "a multi-value result stays on the operand stack across an unwind point");
    uint32_t slot;
    if (k == FI_K_REF) {
        slot = SLOT(k, ref_slot(w, v));
        if (v->code == FS_VT_REF)       /* its slot is nullable */
            p->ins[v->prod].flags |= FI_TEE_NN;
    } else {
        slot = SLOT(k, v->below);
        if (v->below + 1 > p->nscratch[k])
            p->nscratch[k] = v->below + 1;
    }
    p->ins[v->prod].flags |= FI_TEE;
    p->ins[v->prod].tee_local = slot;
    return slot;
}

/* The NS values below a site.  Returns where their slots are listed. */
static uint32_t save_values(walk *w, const fi_val *s, uint32_t ns)
{
    fi_plan *p = w->p;
    GROW(w, p->upool, p->nupool, p->upool_cap, ns);
    uint32_t at = p->nupool;
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t slot = save_value(w, &s[i]);
        p->upool[p->nupool++] = slot;
    }
    return at;
}

/* A nullable reference's dummy is ref.null; a non-nullable one has none. */
static void check_dummies(walk *w, const fi_val *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (fi_kind(v[i].code) == FI_K_UNKNOWN || v[i].code == FS_VT_REF)
            fi_pw_refuse(w, "a reference-typed value is on the operand stack at an unwind point "
                      "(as an operand, argument or block parameter)");
}

static void add_item(walk *w, frame *f, const fi_item *it)
{
    fi_plan *p = w->p;
    uint32_t lv = level_of(w, f);
    GROW(w, p->items, p->nitems, p->items_cap, 1);
    uint32_t id = p->nitems++;
    p->items[id] = *it;
    p->items[id].next = FI_NONE;
    if (f->last_item == FI_NONE)
        p->levels[lv].first_item = id;
    else
        p->items[f->last_item].next = id;
    f->last_item = id;
    p->levels[lv].nitems++;
    /* The first item's wrap would be empty if nothing comes before its
     * cut: it is left out.  Not in a catch arm with a payload, whose wrap
     * takes it back from its x-locals on the normal path. */
    if (f->last_item == id && p->levels[lv].nitems == 1 && it->cut == f->arm_start &&
        !(p->levels[lv].catch_arm && f->arm_np))
        p->items[id].elide = 1;
    else
        p->ins[it->cut].flags |= FI_ITEM;
    /* A call in a loop must find $idx at 0 once it returns (code before it
     * runs again).  With a wrap, that wrap's then arm, on the rewind path
     * only, clears it; without one, FI_RESET clears it on every path. */
    fi_item *ni = &p->items[id];
    if (!ni->elide && ni->at != FI_NONE && (p->ins[ni->at].flags & FI_RESET)) {
        p->ins[ni->at].flags &= (uint8_t)~FI_RESET;
        ni->clear = 1;
    }
}

/* The cref position of call_ref's type TYPE: one local per type. */
static uint32_t cref_for(walk *w, uint32_t type)
{
    fi_plan *p = w->p;
    for (uint32_t c = 0; c < p->ncref; c++)
        if (p->cref_heap[c] == (int32_t)type)
            return c;
    GROW(w, p->cref_heap, p->ncref, p->cref_cap, 1);
    p->cref_heap[p->ncref] = (int32_t)type;
    return p->ncref++;
}

/* An unwind-capable call at the current instruction: NARGS values are
 * its arguments (table index or function reference included).
 * INDIRECT: 0 a direct call, 1 call_indirect, 2 call_ref. */
void fi_pw_site(walk *w, uint32_t nargs, int indirect)
{
    fi_plan *p = w->p;
    frame *f = &w->fr[w->nfr - 1];
    uint32_t nt = w->nst - f->base;
    if (nt < nargs)
        fi_pw_refuse(w, "the body does not type-check (call arguments)");
    fi_item it = { 0 };
    it.cut = w->cur;
    it.kind = indirect == 2 ? FI_ITEM_CALL_REF : indirect ? FI_ITEM_CALL_INDIRECT : FI_ITEM_CALL;
    it.a = it.b = ++p->nsites;
    it.ns = nt - nargs;
    /* The arguments of a direct call are ignored on rewind, so if they are
     * computed by a run of safe instructions, the wrap can end before that
     * run and let it compute them again (the values it reads may be stale,
     * but nothing it does can trap or write).  An indirect call's table
     * index is no dummy, so it keeps its own copy instead.  Nor is a
     * non-nullable reference computed before the run: then the cut stays
     * at the call, where such an argument is saved (below). */
    int run = !indirect && w->run_start < w->cur && w->run_min >= f->base + it.ns;
    for (uint32_t i = it.ns; run && i < w->nrunbuf; i++)
        run = w->runbuf[i].code != FS_VT_REF;
    if (run) {
        it.cut = w->run_start;
        it.nt = w->nrunbuf;
        it.t = tpool_add(w, w->runbuf, w->nrunbuf);
    } else {
        it.nt = nt;
        it.t = tpool_add(w, AT(w->st, f->base), nt);
    }
    /* call_ref's reference comes back from its nullable local: the wrap
     * yields the nullable type, which call_ref takes as well */
    if (indirect == 2 && p->tpool[it.t + it.nt - 1].code == FS_VT_REF)
        p->tpool[it.t + it.nt - 1].code = FS_VT_REF_NULL;
    /* The bottom ns values come back from their slots: no dummies.  The
     * arguments get dummies, but a non-nullable reference has none: such an
     * argument is saved as well (its slot is nullable; ref.as_non_null on
     * the way back), unless a safe run computes the arguments again. */
    uint32_t top = it.nt - (indirect != 0), nref = 0;
    int recomputed = it.cut != w->cur;
    for (uint32_t i = it.ns; i < top && !recomputed; i++)
        nref += p->tpool[it.t + i].code == FS_VT_REF;
    if (!nref)
        check_dummies(w, AT(p->tpool, it.t + it.ns), it.nt - it.ns - (indirect == 2));
    it.slots = save_values(w, AT(w->st, f->base), it.ns);
    if (nref) {
        it.refargs = 1;
        GROW(w, p->upool, p->nupool, p->upool_cap, top - it.ns);
        for (uint32_t i = it.ns; i < top; i++) {
            const fi_val *v = AT(w->st, f->base + i);
            uint32_t slot = FI_NONE;
            if (v->code == FS_VT_REF)
                slot = save_value(w, v);
            else
                check_dummies(w, v, 1);
            p->upool[p->nupool++] = slot;
        }
    }
    if (w->loops)
        p->ins[w->cur].flags |= FI_RESET;
    it.tidx_local = FI_NONE;
    it.at = w->cur;
    if (indirect == 2) {
        p->ins[w->cur].flags |= FI_TEE_TIDX;
        p->ins[w->cur].cref = it.tidx_local = cref_for(w, p->ins[w->cur].idx);
    } else if (indirect) {
        p->ins[w->cur].flags |= FI_TEE_TIDX;
        p->tidx_local = 0;   /* its index is assigned in assign_locals() */
    }
    p->ins[w->cur].flags |= FI_SITE;
    p->ins[w->cur].site = it.a;
    add_item(w, f, &it);
}

/* ---- control --------------------------------------------------------- */

void fi_pw_open_frame(walk *w, const fs_instr *in)
{
    fs_op_id op = in->op;
    const fs_valtype *pt, *rt;
    uint32_t np, nr;
    blocktype(w, in, &pt, &np, &rt, &nr);
    frame *parent = &w->fr[w->nfr - 1];
    int plive = fi_pw_live(w);
    uint32_t pbase = parent->base;
    frame nf = { 0 };
    nf.nt = plive ? w->nst - pbase : 0;
    nf.t = plive ? tpool_add(w, AT(w->st, pbase), nf.nt) : 0;
    nf.ns = plive ? nf.nt - np - (op == FS_OP_IF) : 0;
    if (plive && nf.nt < np + (op == FS_OP_IF))
        fi_pw_refuse(w, "the body does not type-check (block parameters)");
    if (op == FS_OP_IF)
        fi_pw_pop(w);
    /* The params stay where they are: they become the frame's values
     * (in unreachable code the polymorphic stack may not hold them). */
    while (w->nst - pbase < np)
        fi_pw_push(w, 0, 0, 0);
    /* A loop's params are refreshed by every branch back to it, so their
     * first producer is not theirs on later iterations. */
    if (op == FS_OP_LOOP)
        for (uint32_t i = w->nst - np; i < w->nst; i++)
            w->st[i].prod = FI_NONE;
    GROW(w, w->rp, w->nrp, w->rp_cap, nr);
    nf.res = w->nrp;
    for (uint32_t i = 0; i < nr; i++) {
        fi_val v = { rt[i].code, rt[i].heap, FI_NONE, 0, 0 };
        w->rp[w->nrp++] = v;
    }
    nf.op = (uint8_t)op;
    nf.ins = w->cur;
    w->loops += op == FS_OP_LOOP;
    nf.base = w->nst - np;
    nf.np = np;
    nf.nr = nr;
    nf.dead = !plive;
    nf.k0 = nf.arm_k0 = w->p->nsites;
    nf.level = nf.last_item = FI_NONE;
    nf.arm_start = w->cur + 1;
    nf.arm_tag = FI_NONE;
    nf.first_catch = FI_NONE;
    nf.arms0 = w->narmbuf;
    w->p->has_try |= op == FS_OP_TRY || op == FS_OP_TRY_TABLE;
    GROW(w, w->fr, w->nfr, w->fr_cap, 1);
    w->fr[w->nfr++] = nf;
    if (w->nfr > w->p->max_depth)
        w->p->max_depth = w->nfr;
}

void fi_pw_else_arm(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    if (f->op != FS_OP_IF)
        fi_pw_refuse(w, "the body does not type-check (else without if)");
    truncate_to(w, f->base);
    f->split = w->p->nsites;
    f->has_else = 1;
    f->op = FS_OP_ELSE;
    f->unreachable = 0;
    f->level = f->last_item = FI_NONE;
    f->arm_k0 = w->p->nsites;
    f->arm_start = w->cur + 1;
    /* The else arm starts from the same params the then arm got. */
    if (!f->dead && f->nt) {
        const fi_val *pv = AT(w->p->tpool, f->t + f->nt - 1 - f->np);
        for (uint32_t i = 0; i < f->np; i++) {
            uint32_t save = w->cur;
            w->cur = pv[i].prod;
            fi_pw_push(w, pv[i].code, pv[i].heap, pv[i].top);
            w->cur = save;
        }
    } else {
        for (uint32_t i = 0; i < f->np; i++)
            fi_pw_push(w, 0, 0, 0);
        for (uint32_t i = 0; i < f->np; i++)
            w->st[w->nst - 1 - i].prod = FI_NONE;
    }
}

/* The tag's function type, or a refusal when the index is out of range. */
const fs_type *fi_pw_tag_type(walk *w, uint32_t tag)
{
    const fs_wasm_module *m = w->fm->m;
    if (tag >= m->ntags)
        fi_pw_refuse(w, "the body does not type-check (tag index out of range)");
    return &m->types[m->tag_types[tag]];
}

/* Ends a try's catch arm: one holding sites is recorded, so that a rewind
 * aimed into it can throw there.  Such an arm moves its payload into
 * x-locals right after the catch and takes it back at the start of its
 * original code (inside its wraps): the wraps need no block parameters,
 * which Binaryen 108 cannot read, and the x-locals join the frame, so the
 * rewind throws the original payload and a later rethrow carries it.  A
 * catch_all arm has no payload, and its exception cannot be made again. */
static void close_arm(walk *w, frame *f)
{
    fi_plan *p = w->p;
    if ((f->op != FS_OP_CATCH && f->op != FS_OP_CATCH_ALL) || p->nsites == f->arm_k0)
        return;
    fi_arm a = { f->arm_k0 + 1, f->arm_tag, FI_NONE, 0 };
    p->ncatch_arms++;                     /* before a refusal: forksize check reads it */
    const fi_val *pv = AT(p->tpool, f->arm_params);
    if (f->arm_rethrow && f->op == FS_OP_CATCH_ALL) {
        /* The rewind must throw the very exception the arm caught.  An
         * observer try around the try's body records the tag and payload
         * of each exception that leaves it (see FI_OBSERVE); a delegate
         * to this try would hand exceptions past it. */
        if (f->delegated)
            fi_pw_refuse(w, "a fork inside a catch_all arm that rethrows, of a try that a "
                            "delegate targets");
        const fs_wasm_module *m = w->fm->m;
        uint32_t n = fi_obs_off(m, m->ntags);
        GROW(w, p->xcode, p->nx, p->x_cap, n);
        a.xoff = p->nx;
        a.obs = 1;
        p->xcode[p->nx++] = FS_VT_I32;
        for (uint32_t t = 0; t < m->ntags; t++) {
            if (fi_obs_off(m, t) == FI_NONE)
                continue;
            const fs_type *ty = &m->types[m->tag_types[t]];
            for (uint32_t i = 0; i < ty->nparams; i++)
                p->xcode[p->nx++] = m->valtypes[ty->params + i].code;
        }
        p->ins[f->ins].flags |= FI_OBSERVE;
        p->ins[f->ins].xoff = a.xoff;
        p->ins[f->first_catch].flags |= FI_OBSEND;
    }
    if (f->arm_np) {
        GROW(w, p->xcode, p->nx, p->x_cap, f->arm_np);
        a.xoff = p->nx;
        for (uint32_t i = 0; i < f->arm_np; i++) {
            if (fi_kind(pv[i].code) >= FI_K_REF)
                fi_pw_refuse(w, "a reference-typed exception payload in a catch arm that can fork");
            p->xcode[p->nx++] = pv[i].code;
        }
        p->ins[f->arm_ins].flags |= FI_XSAVE;
        p->ins[f->arm_ins].xoff = a.xoff;
    }
    GROW(w, w->armbuf, w->narmbuf, w->armbuf_cap, 1);
    w->armbuf[w->narmbuf++] = a;
}

/* catch TAG or catch_all: a new arm of the innermost try, which starts
 * from the exception's payload (none for catch_all). */
void fi_pw_catch_arm(walk *w, const fs_instr *in)
{
    fi_plan *p = w->p;
    frame *f = &w->fr[w->nfr - 1];
    if (f->op != FS_OP_TRY && f->op != FS_OP_CATCH)
        fi_pw_refuse(w, "the body does not type-check (catch outside a try, or after catch_all)");
    const fs_type *t = in->op == FS_OP_CATCH ? fi_pw_tag_type(w, in->idx) : NULL;
    close_arm(w, f);
    truncate_to(w, f->base);
    if (f->op == FS_OP_TRY)
        f->first_catch = w->cur;
    f->op = (uint8_t)in->op;
    f->unreachable = 0;
    f->level = f->last_item = FI_NONE;
    f->arm_k0 = p->nsites;
    f->arm_start = w->cur + 1;
    f->arm_tag = t ? in->idx : FI_NONE;
    f->arm_ins = w->cur;
    f->arm_rethrow = 0;
    f->arm_np = t ? t->nparams : 0;
    const fs_valtype *pt = t ? w->fm->m->valtypes + t->params : NULL;
    for (uint32_t i = 0; i < f->arm_np; i++)
        fi_pw_push(w, pt[i].code, pt[i].heap, i + 1 == f->arm_np);
    f->arm_params = tpool_add(w, AT(w->st, w->nst - f->arm_np), f->arm_np);
}

/* Returns 1 at the function's final end. */
int fi_pw_end_frame(walk *w)
{
    close_arm(w, &w->fr[w->nfr - 1]);
    frame f = w->fr[w->nfr - 1];
    if (f.op == FRAME_FUNC)
        return 1;
    w->nfr--;
    w->loops -= f.op == FS_OP_LOOP;
    truncate_to(w, f.base);
    for (uint32_t i = 0; i < f.nr; i++) {
        fi_val v = w->rp[f.res + i];
        fi_pw_push(w, v.code, v.heap, i + 1 == f.nr);
    }
    w->nrp = f.res;
    if (w->p->nsites > f.k0) {
        fi_item it = { 0 };
        it.cut = f.ins;
        it.kind = (f.op == FS_OP_IF || f.op == FS_OP_ELSE) ? FI_ITEM_IF : FI_ITEM_BLOCK;
        if (f.op == FS_OP_TRY || f.op == FS_OP_CATCH || f.op == FS_OP_CATCH_ALL) {
            fi_plan *p = w->p;
            it.kind = FI_ITEM_TRY;
            it.narms = w->narmbuf - f.arms0;
            GROW(w, p->arms, p->narms, p->arms_cap, it.narms);
            it.arm0 = p->narms;
            if (it.narms)
                memcpy(p->arms + p->narms, w->armbuf + f.arms0, it.narms * sizeof *p->arms);
            p->narms += it.narms;
        }
        it.a = f.k0 + 1;
        it.b = w->p->nsites;
        it.split = f.has_else ? f.split : it.b;
        it.at = FI_NONE;
        it.nt = f.nt;
        it.t = f.t;
        it.ns = f.ns;
        it.tidx_local = FI_NONE;
        check_dummies(w, AT(w->p->tpool, f.t + f.ns), f.nt - f.ns);
        /* save_values grows upool only, so the snapshot stays put. */
        it.slots = save_values(w, AT(w->p->tpool, f.t), f.ns);
        add_item(w, &w->fr[w->nfr - 1], &it);
        if (it.narms) {
            w->p->ins[f.ins].flags |= FI_CATCHES;
            w->p->ins[f.ins].site = w->p->nitems - 1;
        }
    }
    w->narmbuf = f.arms0;
    return 0;
}
