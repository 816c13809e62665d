/* plan.c - pass 1 of forkinstr: type the operand stack, find the sites,
 * and record what the rewind needs.
 *
 * The body is walked once.  The typer follows the validation algorithm
 * of the spec (a control stack of frames over a value stack, with the
 * stack becoming polymorphic after an unconditional branch), driven by
 * the stack signatures of opcodes.def; the "*" rows are typed here by
 * opcode.  Each value remembers which instruction pushed it, so that a
 * value which must survive an unwind can be copied into its scratch
 * local right where it is made.
 *
 * Sites in unreachable code, or inside constructs opened in unreachable
 * code, are never executed and are left alone.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "fi_int.h"
#include "walk.h"


/* The frame of the function itself (no construct opcode). */
#define FRAME_FUNC 0xFF

typedef struct frame {
    uint8_t  op;          /* FS_OP_BLOCK/LOOP/IF (ELSE after else), or FRAME_FUNC */
    uint32_t ins;         /* the construct opcode */
    uint32_t base;        /* stack height where its values start (params included) */
    uint32_t np, nr;      /* params, results */
    uint32_t res;         /* results: offset in the walk's result pool */
    int      unreachable;
    int      dead;        /* opened in unreachable code: nothing in it runs */
    uint32_t k0;          /* sites before the construct */
    uint32_t arm_k0;      /* sites before the current arm */
    uint32_t level;       /* the current arm's level, or FI_NONE */
    uint32_t last_item;
    uint32_t nt, t, ns;   /* the parent's stack at the construct */
    uint32_t split;       /* if: sites up to the else */
    int      has_else;
    uint32_t arm_start;   /* first instruction of the current arm */
} frame;

typedef struct walk {
    fi_plan         *p;
    const fi_module *fm;
    jmp_buf          jb;
    fi_val          *st;   uint32_t nst, st_cap;
    frame           *fr;   uint32_t nfr, fr_cap;
    fi_val          *rp;   uint32_t nrp, rp_cap;  /* block result types */
    uint32_t         kcount[7];
    uint32_t         call;       /* next entry of m->calls for this function */
    uint32_t         cur;        /* current instruction */
    int              guard_only; /* refused up front: mark guards, no typing */
    /* The current run of safe instructions (see safe()) in the innermost
     * frame: where it started, the stack there, and how low it went. */
    uint32_t         low;        /* lowest stack height during this instruction */
    uint32_t         run_start, run_min;
    fi_val          *runbuf;  uint32_t nrunbuf, runbuf_cap;
    uint32_t         loops;      /* loop frames open */
    int              done;       /* the function's final end was typed */
} walk;

static _Noreturn void nomem(walk *w)
{
    longjmp(w->jb, 2);
}

static _Noreturn void refuse(walk *w, const char *why)
{
    w->p->refused = why;
    longjmp(w->jb, 3);
}

#define GROW(w, arr, n, cap, extra)                                                   \
    do {                                                                              \
        if ((n) + (extra) > (cap)) {                                                  \
            size_t nc_ = (cap) ? (size_t)(cap) * 2 : 64;                              \
            while (nc_ < (size_t)(n) + (extra)) nc_ *= 2;                             \
            void *np_ = realloc((arr), nc_ * sizeof *(arr));                          \
            if (!np_) nomem(w);                                                       \
            (arr) = np_;                                                              \
            (cap) = (uint32_t)nc_;                                                    \
        }                                                                             \
    } while (0)

/* ---- the value stack ------------------------------------------------ */

static void push(walk *w, uint8_t code, int32_t heap, int top)
{
    GROW(w, w->st, w->nst, w->st_cap, 1);
    int k = fi_kind(code);
    fi_val v = { code, heap, w->cur, (uint8_t)top, w->kcount[k]++ };
    w->st[w->nst++] = v;
}

static fi_val pop(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    if (w->nst == f->base) {
        if (!f->unreachable)
            refuse(w, "the body does not type-check (operand stack underflow)");
        fi_val u = { 0, 0, FI_NONE, 0, 0 };
        return u;
    }
    fi_val v = w->st[--w->nst];
    w->kcount[fi_kind(v.code)]--;
    if (w->nst < w->low)
        w->low = w->nst;
    return v;
}

static void pop_n(walk *w, uint32_t n)
{
    while (n--)
        pop(w);
}

/* Drops the frame's values down to its base (end, else, branches). */
static void truncate_to(walk *w, uint32_t h)
{
    while (w->nst > h)
        w->kcount[fi_kind(w->st[--w->nst].code)]--;
    if (w->nst < w->low)
        w->low = w->nst;
}

static void set_unreachable(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    truncate_to(w, f->base);
    f->unreachable = 1;
}

static int live(const walk *w)
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
    if (f->op != FRAME_FUNC)
        l->params = f->t + f->nt - f->np - (f->op == FS_OP_IF || f->op == FS_OP_ELSE);
    f->level = p->nlevels++;
    p->ins[f->arm_start].flags |= FI_LEVEL;
    p->ins[f->arm_start].level = f->level;
    return f->level;
}

/* Values below a site that must survive the unwind: each is copied into
 * its slot where it is pushed.  Returns where the slots are listed. */
static uint32_t save_values(walk *w, const fi_val *s, uint32_t ns)
{
    fi_plan *p = w->p;
    GROW(w, p->upool, p->nupool, p->upool_cap, ns);
    uint32_t at = p->nupool;
    for (uint32_t i = 0; i < ns; i++) {
        const fi_val *v = &s[i];
        int k = fi_kind(v->code);
        if (k == FI_K_REF)
            refuse(w, "a reference-typed value is on the operand stack at an unwind point");
        if (k == FI_K_UNKNOWN || v->prod == FI_NONE)
            refuse(w, "a loop parameter is on the operand stack at an unwind point");
        if (!v->top)
            refuse(w, "a multi-value result stays on the operand stack across an unwind point");
        uint32_t slot = SLOT(k, v->below);
        if (v->below + 1 > p->nscratch[k])
            p->nscratch[k] = v->below + 1;
        p->ins[v->prod].flags |= FI_TEE;
        p->ins[v->prod].tee_local = slot;
        p->upool[p->nupool++] = slot;
    }
    return at;
}

static void check_dummies(walk *w, const fi_val *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (fi_kind(v[i].code) >= FI_K_REF)
            refuse(w, "a reference-typed value is on the operand stack at an unwind point "
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
     * cut: it is left out. */
    if (f->last_item == id && p->levels[lv].nitems == 1 && it->cut == f->arm_start)
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

/* An unwind-capable call at the current instruction: NARGS values are
 * its arguments (table index included). */
static void site(walk *w, uint32_t nargs, int indirect)
{
    fi_plan *p = w->p;
    frame *f = &w->fr[w->nfr - 1];
    uint32_t nt = w->nst - f->base;
    if (nt < nargs)
        refuse(w, "the body does not type-check (call arguments)");
    fi_item it = { 0 };
    it.cut = w->cur;
    it.kind = indirect ? FI_ITEM_CALL_INDIRECT : FI_ITEM_CALL;
    it.a = it.b = ++p->nsites;
    it.ns = nt - nargs;
    /* The arguments of a direct call are ignored on rewind, so if they are
     * computed by a run of safe instructions, the wrap can end before that
     * run and let it compute them again (the values it reads may be stale,
     * but nothing it does can trap or write).  An indirect call's table
     * index is no dummy, so it keeps its own copy instead. */
    if (!indirect && w->run_start < w->cur && w->run_min >= f->base + it.ns) {
        it.cut = w->run_start;
        it.nt = w->nrunbuf;
        it.t = tpool_add(w, w->runbuf, w->nrunbuf);
    } else {
        it.nt = nt;
        it.t = tpool_add(w, AT(w->st, f->base), nt);
    }
    check_dummies(w, AT(p->tpool, it.t), it.nt);
    it.slots = save_values(w, AT(w->st, f->base), it.ns);
    if (w->loops)
        p->ins[w->cur].flags |= FI_RESET;
    it.tidx_local = FI_NONE;
    it.at = w->cur;
    if (indirect) {
        p->ins[w->cur].flags |= FI_TEE_TIDX;
        p->tidx_local = 0;   /* its index is assigned in assign_locals() */
    }
    p->ins[w->cur].flags |= FI_SITE;
    p->ins[w->cur].site = it.a;
    add_item(w, f, &it);
}

/* ---- control --------------------------------------------------------- */

static void open_frame(walk *w, const fs_instr *in)
{
    fs_op_id op = in->op;
    const fs_valtype *pt, *rt;
    uint32_t np, nr;
    blocktype(w, in, &pt, &np, &rt, &nr);
    frame *parent = &w->fr[w->nfr - 1];
    int plive = live(w);
    uint32_t pbase = parent->base;
    frame nf = { 0 };
    nf.nt = plive ? w->nst - pbase : 0;
    nf.t = plive ? tpool_add(w, AT(w->st, pbase), nf.nt) : 0;
    nf.ns = plive ? nf.nt - np - (op == FS_OP_IF) : 0;
    if (plive && nf.nt < np + (op == FS_OP_IF))
        refuse(w, "the body does not type-check (block parameters)");
    if (op == FS_OP_IF)
        pop(w);
    /* The params stay where they are: they become the frame's values
     * (in unreachable code the polymorphic stack may not hold them). */
    while (w->nst - pbase < np)
        push(w, 0, 0, 0);
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
    GROW(w, w->fr, w->nfr, w->fr_cap, 1);
    w->fr[w->nfr++] = nf;
    if (w->nfr > w->p->max_depth)
        w->p->max_depth = w->nfr;
}

static void else_arm(walk *w)
{
    frame *f = &w->fr[w->nfr - 1];
    if (f->op != FS_OP_IF)
        refuse(w, "the body does not type-check (else without if)");
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
            push(w, pv[i].code, pv[i].heap, pv[i].top);
            w->cur = save;
        }
    } else {
        for (uint32_t i = 0; i < f->np; i++)
            push(w, 0, 0, 0);
        for (uint32_t i = 0; i < f->np; i++)
            w->st[w->nst - 1 - i].prod = FI_NONE;
    }
}

/* Returns 1 at the function's final end. */
static int end_frame(walk *w)
{
    frame f = w->fr[w->nfr - 1];
    if (f.op == FRAME_FUNC)
        return 1;
    w->nfr--;
    w->loops -= f.op == FS_OP_LOOP;
    truncate_to(w, f.base);
    for (uint32_t i = 0; i < f.nr; i++) {
        fi_val v = w->rp[f.res + i];
        push(w, v.code, v.heap, i + 1 == f.nr);
    }
    w->nrp = f.res;
    if (w->p->nsites > f.k0) {
        fi_item it = { 0 };
        it.cut = f.ins;
        it.kind = (f.op == FS_OP_IF || f.op == FS_OP_ELSE) ? FI_ITEM_IF : FI_ITEM_BLOCK;
        it.a = f.k0 + 1;
        it.b = w->p->nsites;
        it.split = f.has_else ? f.split : it.b;
        it.at = FI_NONE;
        it.nt = f.nt;
        it.t = f.t;
        it.ns = f.ns;
        it.tidx_local = FI_NONE;
        check_dummies(w, AT(w->p->tpool, f.t), f.nt);
        /* save_values grows upool only, so the snapshot stays put. */
        it.slots = save_values(w, AT(w->p->tpool, f.t), f.ns);
        add_item(w, &w->fr[w->nfr - 1], &it);
    }
    return 0;
}

/* ---- instructions ---------------------------------------------------- */

static uint8_t letter_type(walk *w, char c, uint32_t table)
{
    switch (c) {
    case 'i': return FS_VT_I32;
    case 'I': return FS_VT_I64;
    case 'f': return FS_VT_F32;
    case 'F': return FS_VT_F64;
    case 'v': return FS_VT_V128;
    case 'p': return FS_VT_I32;   /* memory64 modules are refused whole */
    case 't': return table < w->fm->m->ntables && w->fm->m->tables[table].is64 ? FS_VT_I64 : FS_VT_I32;
    default:  return FS_VT_FUNCREF;   /* a reference: its exact type never matters here */
    }
}

/* Types an instruction with a fixed signature from opcodes.def. */
static void fixed(walk *w, const fs_op_info *oi, uint32_t table)
{
    uint8_t xcode = 0;
    int32_t xheap = 0;
    for (size_t i = oi->npops; i-- > 0;) {
        fi_val v = pop(w);
        if (oi->pops[i] == 'x' && v.code) {
            xcode = v.code;
            xheap = v.heap;
        }
    }
    size_t n = oi->npushes;
    for (size_t i = 0; i < n; i++) {
        char c = oi->pushes[i];
        if (c == 'x')
            push(w, xcode, xheap, i + 1 == n);
        else if (c == 'r' && oi - fs_op_rows == FS_OP_TABLE_GET && table < w->fm->m->ntables)
            push(w, w->fm->m->tables[table].elem.code, w->fm->m->tables[table].elem.heap, 1);
        else
            push(w, letter_type(w, c, table), 0, i + 1 == n);
    }
}

static void call_types(walk *w, uint32_t type, int extra_pops, int tail)
{
    const fs_wasm_module *m = w->fm->m;
    const fs_type *t = &m->types[type];
    pop_n(w, t->nparams + (uint32_t)extra_pops);
    if (tail) {
        set_unreachable(w);
        return;
    }
    for (uint32_t i = 0; i < t->nresults; i++) {
        const fs_valtype *v = &m->valtypes[t->params + t->nparams + i];
        push(w, v->code, v->heap, i + 1 == t->nresults);
    }
}

/* The call record of the call-like instruction at file offset OFF
 * (m->calls holds them in body order). */
static uint32_t next_call(walk *w, uint32_t off)
{
    const fs_wasm_module *m = w->fm->m;
    const fs_func *fn = &m->funcs[w->p->func];
    uint32_t i = w->call++;
    if (i >= fn->calls + fn->ncalls || m->calls[i].offset != off)
        refuse(w, "internal: call sites out of step with the decoder");
    return i;
}

/* No typing (a refused function): only the sites matter. */
static void guard_step(walk *w, const fs_instr *in)
{
    switch (in->op) {
    case FS_OP_CALL: case FS_OP_CALL_INDIRECT: case FS_OP_CALL_REF: {
        uint32_t c = next_call(w, in->offset);
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c))
            w->p->ins[w->cur].flags |= FI_GUARD;
        break;
    }
    case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT: case FS_OP_RETURN_CALL_REF:
        next_call(w, in->offset);
        break;
    default:
        break;
    }
}

/* Types one instruction.  Returns 1 after the function's final end. */
static int step1(walk *w, const fs_instr *in)
{
    const fs_wasm_module *m = w->fm->m;
    fi_plan *p = w->p;
    fs_op_id id = in->op;
    const fs_op_info *oi = &fs_op_rows[id];
    uint32_t idx = in->idx;

    /* The decoder skips local and global indices and branch depths
     * unchecked (it does not validate); the typed walk indexes its tables
     * with the first two, and the emitter renumbers the depths through its
     * label table.  A body that fails either does not type-check. */
    if ((oi->imm == FS_IMM_LOCAL && idx >= p->nlocals) ||
        (oi->imm == FS_IMM_GLOBAL && idx >= m->nglobal_types))
        refuse(w, "the body does not type-check (local or global index out of range)");
    uint32_t depth = oi->imm == FS_IMM_LABEL && id != FS_OP_DELEGATE ? idx : 0;
    if (oi->imm == FS_IMM_BR_TABLE) {
        const uint8_t *q = in->vec;
        for (uint32_t i = 0; i <= idx; i++) {
            uint32_t d = fs_leb_u32(&q);
            depth = d > depth ? d : depth;
        }
    }
    if (depth >= w->nfr)
        refuse(w, "the body does not type-check (branch depth out of range)");

    if (oi->pops[0] != '*') {
        uint32_t table = (oi->imm == FS_IMM_TABLE) ? idx : (oi->imm == FS_IMM_TABLEINIT ? in->idx2 : 0);
        if (oi->imm == FS_IMM_TABLECOPY)
            table = idx;
        fixed(w, oi, table);
        if (id == FS_OP_UNREACHABLE)
            set_unreachable(w);
        return 0;
    }

    int done = 0;
    switch (id) {
    case FS_OP_BLOCK: case FS_OP_LOOP: case FS_OP_IF:
        open_frame(w, in);
        break;
    case FS_OP_ELSE:
        else_arm(w);
        break;
    case FS_OP_END:
        done = end_frame(w);
        break;
    case FS_OP_BR:
        p->ins[w->cur].flags |= FI_BRANCH;
        set_unreachable(w);
        break;
    case FS_OP_BR_IF:
        p->ins[w->cur].flags |= FI_BRANCH;
        pop(w);
        break;
    case FS_OP_BR_TABLE:
        p->ins[w->cur].flags |= FI_BRANCH;
        pop(w);
        set_unreachable(w);
        break;
    case FS_OP_RETURN:
        set_unreachable(w);
        break;
    case FS_OP_CALL: {
        uint32_t c = next_call(w, in->offset);
        uint32_t type = m->funcs[idx].type;
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && live(w))
            site(w, m->types[type].nparams, 0);
        call_types(w, type, 0, 0);
        break;
    }
    case FS_OP_CALL_INDIRECT: {
        uint32_t c = next_call(w, in->offset);
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && live(w))
            site(w, m->types[idx].nparams + 1, 1);
        call_types(w, idx, 1, 0);
        break;
    }
    case FS_OP_RETURN_CALL:
        next_call(w, in->offset);
        call_types(w, m->funcs[idx].type, 0, 1);
        break;
    case FS_OP_RETURN_CALL_INDIRECT:
        next_call(w, in->offset);
        call_types(w, idx, 1, 1);
        break;
    case FS_OP_CALL_REF: case FS_OP_RETURN_CALL_REF: {
        uint32_t c = next_call(w, in->offset);
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c))
            refuse(w, "a call_ref that can unwind");
        call_types(w, idx, 1, id == FS_OP_RETURN_CALL_REF);
        break;
    }
    case FS_OP_LOCAL_GET:
        push(w, p->local_code[idx], p->local_heap[idx], 1);
        break;
    case FS_OP_LOCAL_SET:
        pop(w);
        break;
    case FS_OP_LOCAL_TEE:
        pop(w);
        push(w, p->local_code[idx], p->local_heap[idx], 1);
        break;
    case FS_OP_GLOBAL_GET:
        push(w, m->globals[idx].type.code, m->globals[idx].type.heap, 1);
        break;
    case FS_OP_GLOBAL_SET:
        pop(w);
        break;
    case FS_OP_SELECT_T:
        pop_n(w, 3);
        push(w, in->type.code, in->type.heap, 1);
        break;
    case FS_OP_REF_NULL: {
        int32_t ht = in->type.heap;
        push(w, ht < 0 ? (uint8_t)(ht & 0x7F) : FS_VT_REF_NULL, ht, 1);
        break;
    }
    case FS_OP_REF_FUNC:
        push(w, FS_VT_FUNCREF, 0, 1);
        break;
    case FS_OP_BR_ON_NULL: {
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_val v = pop(w);
        push(w, v.code ? v.code : FS_VT_FUNCREF, v.heap, 1);
        break;
    }
    case FS_OP_BR_ON_NON_NULL:
        p->ins[w->cur].flags |= FI_BRANCH;
        pop(w);
        break;
    case FS_OP_TRY_TABLE:
        refuse(w, "exception handling (try/catch/throw)");
    default:
        refuse(w, "exception handling or GC instructions");
    }
    return done;
}

static void start_run(walk *w)
{
    const frame *f = &w->fr[w->nfr - 1];
    uint32_t n = w->nst - f->base;
    GROW(w, w->runbuf, w->nrunbuf, w->runbuf_cap, n);
    if (n)
        memcpy(w->runbuf, AT(w->st, f->base), n * sizeof *w->runbuf);
    w->nrunbuf = n;
    w->run_start = w->cur + 1;
    w->run_min = w->nst;
}

/* The walker's delegate: records the instruction, then types it.  A run
 * of safe instructions (opcodes.def's SAFE column: they cannot trap and
 * write nothing but the stack, so running them again on rewind, on stale
 * inputs, is harmless) goes on until something else comes. */
static int step(void *ctx, const fs_instr *in)
{
    walk *w = ctx;
    fi_plan *p = w->p;
    GROW(w, p->ins, p->nins, p->ins_cap, 1);
    fi_ins *ins = &p->ins[p->nins];
    memset(ins, 0, sizeof *ins);
    ins->off = in->offset - p->code_off;
    ins->len = in->len;
    ins->op = (uint16_t)in->op;
    ins->idx = in->idx;
    w->cur = p->nins++;
    if (w->guard_only) {
        guard_step(w, in);
        return 0;
    }
    w->low = w->nst;
    if (step1(w, in)) {
        w->done = 1;
        return 1;
    }
    if (!(ins = &p->ins[w->cur], ins->flags & FI_SITE) && fs_op_rows[in->op].safe &&
        !w->fr[w->nfr - 1].unreachable) {
        if (w->low < w->run_min)
            w->run_min = w->low;
    } else {
        start_run(w);
    }
    return 0;
}

/* ---- the driver ------------------------------------------------------ */

static void reset(fi_plan *p)
{
    p->nins = p->nlevels = p->nitems = p->ntpool = p->nupool = p->nsites = 0;
    p->max_depth = 0;
    memset(p->nscratch, 0, sizeof p->nscratch);
    p->tidx_local = FI_NONE;
}

/* Walks the body; 0 when done, 3 when refused (p->refused says why),
 * 2 when out of memory. */
static int run(walk *w, int guard_only)
{
    fi_plan *p = w->p;
    const fs_wasm_module *m = w->fm->m;
    reset(p);
    w->nst = w->nfr = w->nrp = 0;
    memset(w->kcount, 0, sizeof w->kcount);
    w->call = m->funcs[p->func].calls;
    w->guard_only = guard_only;
    w->done = 0;
    int why = setjmp(w->jb);
    if (why)
        return why;
    if (!guard_only) {
        const fs_type *t = &m->types[m->funcs[p->func].type];
        frame f0 = { 0 };
        f0.op = FRAME_FUNC;
        f0.nr = t->nresults;
        f0.level = f0.last_item = FI_NONE;
        GROW(w, w->fr, w->nfr, w->fr_cap, 1);
        w->fr[w->nfr++] = f0;
        p->max_depth = 1;
        w->loops = 0;
        w->cur = (uint32_t)-1;
        start_run(w);
    }
    fs_error err;
    if (fs_walk_body(m, p->func, step, w, &err))
        refuse(w, "internal: the body does not decode");
    if (!guard_only && !w->done)
        refuse(w, "the body does not type-check (no final end)");
    return 0;
}

static void local_run(void *ctx, uint32_t first, uint32_t count, fs_valtype t)
{
    fi_plan *p = ctx;
    for (uint32_t k = 0; k < count && first + k < p->nlocals; k++) {
        p->local_code[first + k] = t.code;
        p->local_heap[first + k] = t.heap;
    }
}

static int read_locals(fi_plan *p, const fs_wasm_module *m)
{
    const fs_func *fn = &m->funcs[p->func];
    const fs_type *t = &m->types[fn->type];
    p->nparams = t->nparams;
    p->nresults = t->nresults;
    p->nlocals = fn->nlocals;
    /* the arrays are kept from one function to the next, grown as needed */
    if (p->nlocals + 1 > p->locals_cap) {
        free(p->local_code);
        free(p->local_heap);
        free(p->save);
        p->locals_cap = p->nlocals + 1;
        p->local_code = malloc(p->locals_cap);
        p->local_heap = malloc(p->locals_cap * sizeof *p->local_heap);
        p->save = malloc(p->locals_cap);
        if (!p->local_code || !p->local_heap || !p->save) {
            p->locals_cap = 0;
            return FS_ERR_NOMEM;
        }
    }
    fs_walk_locals(m, p->func, local_run, p);
    p->locals_bytes = fn->code_off - fn->locals_off;
    return FS_OK;
}

static const char *check_saves(const fi_plan *p)
{
    for (uint32_t i = 0; i < p->nlocals; i++)
        if (p->save[i] && fi_kind(p->local_code[i]) == FI_K_REF)
            return "a reference-typed local would have to be saved";
    return NULL;
}

/* New locals go after the declared ones: $idx, $fp, the table-index
 * slot, then the scratch slots by kind. */
static void assign_locals(fi_plan *p, unsigned stage)
{
    uint32_t next = p->nlocals;
    p->idx_local = next++;
    p->fp_local = stage >= FS_FI_CSE ? next++ : FI_NONE;
    if (p->tidx_local != FI_NONE)
        p->tidx_local = next++;
    for (int k = 0; k < 5; k++) {
        p->scratch_base[k] = next;
        next += p->nscratch[k];
    }
    p->nnew_locals = next - p->nlocals;
}

int fi_plan_function(fi_plan *p, const fi_module *fm, uint32_t f, unsigned stage)
{
    const fs_wasm_module *m = fm->m;
    const fs_func *fn = &m->funcs[f];
    p->func = f;
    p->refused = NULL;
    p->body_off = fn->body_off;
    p->body_size = fn->body_size;
    p->code_off = fn->code_off;
    if (read_locals(p, m))
        return FS_ERR_NOMEM;

    walk w;
    memset(&w, 0, sizeof w);
    w.p = p;
    w.fm = fm;
    int st = 3;
    if (fn->features & FS_FEAT_EH)
        p->refused = "exception handling (try/catch/throw)";
    else if (fn->features & FS_FEAT_GC)
        p->refused = "GC instructions";
    else
        st = run(&w, 0);
    if (st == 0) {
        const fs_type *t = &m->types[fn->type];
        for (uint32_t i = 0; i < t->nresults; i++)
            if (m->valtypes[t->params + t->nparams + i].code == FS_VT_REF)
                p->refused = "a non-nullable reference result (no dummy value to return "
                             "while unwinding)";
        if (!p->refused) {
            memset(p->save, 1, p->nlocals);
            if (stage >= FS_FI_LIVE && p->nsites && fi_live(p, fm)) {
                st = 2;
            } else if (p->nsites) {
                p->refused = check_saves(p);
            }
        }
        if (p->refused)
            st = 3;
    }
    if (st == 3)
        st = run(&w, 1);
    free(w.st);
    free(w.fr);
    free(w.rp);
    free(w.runbuf);
    if (st == 2)
        return FS_ERR_NOMEM;
    if (st)
        return FS_ERR_MALFORMED;
    if (!p->refused && p->nsites)
        assign_locals(p, stage);
    return FS_OK;
}

void fi_plan_free(fi_plan *p)
{
    free(p->local_code);
    free(p->local_heap);
    free(p->save);
    free(p->ins);
    free(p->levels);
    free(p->items);
    free(p->tpool);
    free(p->upool);
    memset(p, 0, sizeof *p);
}
