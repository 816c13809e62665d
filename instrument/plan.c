/* plan.c - pass 1 of forkinstr: type the operand stack, find the sites,
 * and record what the rewind needs.
 *
 * The body is walked once.  The typer follows the validation algorithm
 * of the spec (a control stack of frames over a value stack, with the
 * stack becoming polymorphic after an unconditional branch), driven by
 * the stack signatures of opcodes.def; the "*" rows are typed here by
 * opcode.  Each value remembers which instruction pushed it, so that a
 * value which must survive an unwind can be copied into its scratch
 * local right where it is made.  plan_ctl.c holds the stack, the frames
 * and the records of sites, items and levels; this file the walk.
 *
 * Sites in unreachable code, or inside constructs opened in unreachable
 * code, are never executed and are left alone.
 */
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"

/* ---- instructions ---------------------------------------------------- */

/* C's type; INDEX is the table ('t') or memory ('p') the instruction names. */
static uint8_t letter_type(walk *w, char c, uint32_t index)
{
    switch (c) {
    case 'i': return FS_VT_I32;
    case 'I': return FS_VT_I64;
    case 'f': return FS_VT_F32;
    case 'F': return FS_VT_F64;
    case 'v': return FS_VT_V128;
    case 'p': return index < w->fm->m->nmemories && w->fm->m->memory64[index] ? FS_VT_I64
                                                                                : FS_VT_I32;
    case 't': return index < w->fm->m->ntables && w->fm->m->tables[index].is64 ? FS_VT_I64 : FS_VT_I32;
    default:  return FS_VT_FUNCREF;   /* a reference: its exact type never matters here */
    }
}

/* The heap type of a reference value: an abstract one's is its type byte. */
static int32_t heap_of(uint8_t code, int32_t heap)
{
    return code == FS_VT_REF || code == FS_VT_REF_NULL ? heap : (int32_t)(int8_t)(code | 0x80);
}

/* Types an instruction with a fixed signature from opcodes.def. */
static void fixed(walk *w, const fs_op_info *oi, uint32_t table)
{
    uint8_t xcode = 0;
    int32_t xheap = 0;
    for (size_t i = oi->npops; i-- > 0;) {
        fi_val v = fi_pw_pop(w);
        if ((oi->pops[i] == 'x' || oi - fs_op_rows == FS_OP_REF_AS_NON_NULL) && v.code) {
            xcode = v.code;
            xheap = v.heap;
        }
    }
    size_t n = oi->npushes;
    for (size_t i = 0; i < n; i++) {
        char c = oi->pushes[i];
        if (c == 'x')
            fi_pw_push(w, xcode, xheap, i + 1 == n);
        else if (oi - fs_op_rows == FS_OP_REF_AS_NON_NULL)
            /* exact, as a nullable reference's dummy (ref.null) must be */
            fi_pw_push(w, FS_VT_REF, xcode ? heap_of(xcode, xheap) : -16, 1);
        else if (c == 'r' && oi - fs_op_rows == FS_OP_TABLE_GET && table < w->fm->m->ntables)
            fi_pw_push(w, w->fm->m->tables[table].elem.code, w->fm->m->tables[table].elem.heap, 1);
        else
            fi_pw_push(w, letter_type(w, c, table), 0, i + 1 == n);
    }
}

static void call_types(walk *w, uint32_t type, int extra_pops, int tail)
{
    const fs_wasm_module *m = w->fm->m;
    const fs_type *t = &m->types[type];
    fi_pw_pop_n(w, t->nparams + (uint32_t)extra_pops);
    if (tail) {
        fi_pw_set_unreachable(w);
        return;
    }
    for (uint32_t i = 0; i < t->nresults; i++) {
        const fs_valtype *v = &m->valtypes[t->params + t->nparams + i];
        fi_pw_push(w, v->code, v->heap, i + 1 == t->nresults);
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
        fi_pw_refuse(w, "internal: call sites out of step with the decoder");
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
    case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT: case FS_OP_RETURN_CALL_REF: {
        /* no guard can follow a tail call: it becomes call, guard, return */
        uint32_t c = next_call(w, in->offset);
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c))
            w->p->ins[w->cur].flags |= FI_GUARD | FI_TAIL;
        break;
    }
    default:
        break;
    }
}

/* A tail call that can unwind leaves no frame of its own, so a rewind
 * would re-run the caller from the top with dummy arguments.  It becomes
 * a plain call followed by return: a site like any other.  The price is
 * the tail call's promise: a loop of such calls now grows the stack. */
static void tail_site(walk *w, uint32_t type, int indirect)
{
    const fs_wasm_module *m = w->fm->m;
    fi_pw_site(w, m->types[type].nparams + (indirect != 0), indirect);
    w->p->ins[w->cur].flags |= FI_TAIL;
    w->p->ntail++;
    call_types(w, type, indirect != 0, 0);
    fi_pw_set_unreachable(w);           /* the return */
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
        fi_pw_refuse(w, "the body does not type-check (local or global index out of range)");
    uint32_t depth = oi->imm == FS_IMM_LABEL && id != FS_OP_DELEGATE ? idx : 0;
    if (oi->imm == FS_IMM_BR_TABLE) {
        const uint8_t *q = in->vec;
        for (uint32_t i = 0; i <= idx; i++) {
            uint32_t d = fs_leb_u32(&q);
            depth = d > depth ? d : depth;
        }
    }
    if (depth >= w->nfr)
        fi_pw_refuse(w, "the body does not type-check (branch depth out of range)");

    if (oi->prefix == 0xFB) {          /* plan_gc.c */
        if (fi_pw_gc(w, in))
            return 0;
        fi_pw_refuse(w, id >= FS_OP_STRING_CONST ? "stringref instructions"
                        : id >= FS_OP_STRUCT_NEW_DESC ? "custom descriptors' instructions"
                        : "shared-everything's GC instructions");
    }
    if (oi->pops[0] != '*') {
        uint32_t table = (oi->imm == FS_IMM_TABLE) ? idx : (oi->imm == FS_IMM_TABLEINIT ? in->idx2 : 0);
        if (oi->imm == FS_IMM_TABLECOPY)
            table = idx;
        /* An address's type is its memory's.  Only pushes need it (pops
         * are not checked): memory.size and memory.grow, whose memory is
         * their index immediate. */
        if (oi->imm == FS_IMM_MEM)
            table = idx;
        fixed(w, oi, table);
        if (id == FS_OP_UNREACHABLE || id == FS_OP_THROW_REF)
            fi_pw_set_unreachable(w);
        return 0;
    }

    int done = 0;
    switch (id) {
    case FS_OP_BLOCK: case FS_OP_LOOP: case FS_OP_IF: case FS_OP_TRY:
        fi_pw_open_frame(w, in);
        break;
    case FS_OP_ELSE:
        fi_pw_else_arm(w);
        break;
    case FS_OP_END:
        done = fi_pw_end_frame(w);
        break;
    case FS_OP_CATCH: case FS_OP_CATCH_ALL:
        fi_pw_catch_arm(w, in);
        break;
    case FS_OP_DELEGATE:
        /* ends the try; its label counts from outside it */
        if (w->fr[w->nfr - 1].op != FS_OP_TRY)
            fi_pw_refuse(w, "the body does not type-check (delegate outside a try body)");
        fi_pw_end_frame(w);
        if (idx >= w->nfr)
            fi_pw_refuse(w, "the body does not type-check (branch depth out of range)");
        if (w->fr[w->nfr - 1 - idx].op == FS_OP_TRY)
            w->fr[w->nfr - 1 - idx].delegated = 1;
        break;
    case FS_OP_THROW: {
        const fs_type *t = fi_pw_tag_type(w, idx);
        fi_pw_pop_n(w, t->nparams);
        fi_pw_set_unreachable(w);
        break;
    }
    case FS_OP_RETHROW: {
        frame *t = &w->fr[w->nfr - 1 - idx];
        if (t->op != FS_OP_CATCH && t->op != FS_OP_CATCH_ALL)
            fi_pw_refuse(w, "the body does not type-check (rethrow outside a catch arm)");
        t->arm_rethrow = 1;
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_pw_set_unreachable(w);
        break;
    }
    case FS_OP_BR:
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_pw_set_unreachable(w);
        break;
    case FS_OP_BR_IF:
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_pw_pop(w);
        break;
    case FS_OP_BR_TABLE:
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_pw_pop(w);
        fi_pw_set_unreachable(w);
        break;
    case FS_OP_RETURN:
        fi_pw_set_unreachable(w);
        break;
    case FS_OP_CALL: {
        uint32_t c = next_call(w, in->offset);
        uint32_t type = m->funcs[idx].type;
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && fi_pw_live(w))
            fi_pw_site(w, m->types[type].nparams, 0);
        call_types(w, type, 0, 0);
        break;
    }
    case FS_OP_CALL_INDIRECT: {
        uint32_t c = next_call(w, in->offset);
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && fi_pw_live(w))
            fi_pw_site(w, m->types[idx].nparams + 1, 1);
        call_types(w, idx, 1, 0);
        break;
    }
    case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT: {
        uint32_t c = next_call(w, in->offset);
        int ind = id == FS_OP_RETURN_CALL_INDIRECT;
        uint32_t type = ind ? idx : m->funcs[idx].type;
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && fi_pw_live(w))
            tail_site(w, type, ind);
        else
            call_types(w, type, ind, 1);
        break;
    }
    case FS_OP_CALL_REF: case FS_OP_RETURN_CALL_REF: {
        /* like call_indirect: the function reference is no dummy, so it
         * is kept in a local of its own (FI_ITEM_CALL_REF) */
        uint32_t c = next_call(w, in->offset);
        int tail = id == FS_OP_RETURN_CALL_REF;
        if (fs_closure_site_unwinds(w->fm->c, w->fm->g, c) && fi_pw_live(w)) {
            if (tail)
                tail_site(w, idx, 2);
            else
                fi_pw_site(w, m->types[idx].nparams + 1, 2);
            if (!tail)
                call_types(w, idx, 1, 0);
        } else {
            call_types(w, idx, 1, tail);
        }
        break;
    }
    case FS_OP_LOCAL_GET:
        fi_pw_push(w, p->local_code[idx], p->local_heap[idx], 1);
        break;
    case FS_OP_LOCAL_SET:
        fi_pw_pop(w);
        break;
    case FS_OP_LOCAL_TEE:
        fi_pw_pop(w);
        fi_pw_push(w, p->local_code[idx], p->local_heap[idx], 1);
        break;
    case FS_OP_GLOBAL_GET:
        fi_pw_push(w, m->globals[idx].type.code, m->globals[idx].type.heap, 1);
        break;
    case FS_OP_GLOBAL_SET:
        fi_pw_pop(w);
        break;
    case FS_OP_SELECT_T:
        fi_pw_pop_n(w, 3);
        fi_pw_push(w, in->type.code, in->type.heap, 1);
        break;
    case FS_OP_REF_NULL: {
        int32_t ht = in->type.heap;
        fi_pw_push(w, ht < 0 ? (uint8_t)(ht & 0x7F) : FS_VT_REF_NULL, ht, 1);
        break;
    }
    case FS_OP_REF_FUNC:
        /* (ref $t): non-null, so never a dummy; saved, it needs $t's table */
        fi_pw_push(w, FS_VT_REF, idx < m->nfuncs ? (int32_t)m->funcs[idx].type : -16, 1);
        break;
    case FS_OP_BR_ON_NULL: {
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_val v = fi_pw_pop(w);
        fi_pw_push(w, FS_VT_REF, v.code ? heap_of(v.code, v.heap) : -16, 1);
        break;
    }
    case FS_OP_BR_ON_NON_NULL:
        p->ins[w->cur].flags |= FI_BRANCH;
        fi_pw_pop(w);
        break;
    case FS_OP_TRY_TABLE: {
        /* A block whose catch clauses branch, when something is thrown in
         * it, to labels outside it: the emitter renumbers those labels as
         * it does a br's (they count from outside the try_table).  An
         * unwind leaves it by a branch and a rewind enters it again, like
         * any block, so nothing is thrown on either path. */
        const uint8_t *q = in->vec;
        for (uint32_t i = 0; i < idx; i++) {
            uint8_t kind = *q++;
            if (kind < 2)
                fs_leb_u32(&q);                 /* the tag */
            if (fs_leb_u32(&q) >= w->nfr)
                fi_pw_refuse(w, "the body does not type-check (catch clause label out of range)");
        }
        fi_pw_open_frame(w, in);
        break;
    }
    default:
        fi_pw_refuse(w, oi->prefix == 0xFE ? "shared-everything's struct and array atomics"
                                            : "an instruction the stack typer does not know");
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
    p->narms = p->nx = p->ntail = p->ncatch_arms = 0;
    p->has_try = 0;
    p->max_depth = 0;
    memset(p->nscratch, 0, sizeof p->nscratch);
    p->tidx_local = FI_NONE;
    p->ncref = 0;
    p->nrslot = 0;
}

/* Walks the body; 0 when done, 3 when refused (p->refused says why),
 * 2 when out of memory. */
static int run(walk *w, int guard_only)
{
    fi_plan *p = w->p;
    const fs_wasm_module *m = w->fm->m;
    reset(p);
    w->nst = w->nfr = w->nrp = w->narmbuf = 0;
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
        fi_pw_refuse(w, "internal: the body does not decode");
    if (!guard_only && !w->done)
        fi_pw_refuse(w, "the body does not type-check (no final end)");
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

/* A saved reference goes to the save area's table of its type, which
 * refsave.c made for every reference local of a closure member. */
static const char *check_saves(const fi_plan *p, const fi_module *fm)
{
    for (uint32_t i = 0; i < p->nlocals; i++)
        if (p->save[i] && fi_kind(p->local_code[i]) == FI_K_REF &&
            fi_ref_table(fm, p->local_heap[i]) == FI_NONE)
            return "internal: a reference local with no save table";
    return NULL;
}

/* New locals go after the declared ones: $idx, $fp, the table-index
 * slot, the scratch slots by kind, then the x-locals. */
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
    p->x_base = next;
    next += p->nx;
    p->cref_base = next;
    next += p->ncref;
    p->rslot_base = next;
    next += p->nrslot;
    p->nnew_locals = next - p->nlocals;
}

int fi_plan_function(fi_plan *p, const fi_module *fm, uint32_t f, unsigned stage)
{
    const fs_wasm_module *m = fm->m;
    const fs_func *fn = &m->funcs[f];
    p->func = f;
    p->refused = NULL;
    p->tramp = stage >= FS_FI_TRAMP;
    p->ncatch_arms = 0;               /* a GC refusal walks nothing before the guards */
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
    if (fn->features & FS_FEAT_STACK_SWITCH)
        /* Its frames may sit on a continuation's stack, which an unwind
         * into linear memory can neither reach nor save (closure.c). */
        p->refused = "stack switching (cont.new, cont.bind, suspend, resume, switch)";
    else if ((fn->features & FS_FEAT_XREF) || (m->ext_types & (FS_XT_EXACT | FS_XT_SHARED)))
        /* The stack typer keeps a value's type as code and heap type only,
         * without the exact or shared prefix: a dummy value or a signature
         * built from such a type would be spelled wrong.  Any such type in
         * the module may reach a body (a call's result, a global, a local),
         * so every function of that module is refused. */
        p->refused = "exact or shared reference types (custom descriptors, shared-everything)";
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
            /* live.c's graph has no exception edges: with a try, every
             * local is kept (the cse stage's answer). */
            if (stage >= FS_FI_LIVE && p->nsites && !p->has_try && fi_live(p, fm)) {
                st = 2;
            } else if (p->nsites) {
                p->refused = check_saves(p, fm);
            }
        }
        if (p->refused)
            st = 3;
    }
    if (st == 3) {
        uint32_t ncatch = p->ncatch_arms;      /* the guard-only walk resets it */
        st = run(&w, 1);
        p->ncatch_arms = ncatch;
    }
    free(w.st);
    free(w.fr);
    free(w.rp);
    free(w.runbuf);
    free(w.armbuf);
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
    free(p->arms);
    free(p->xcode);
    free(p->cref_heap);
    free(p->rslot);
    memset(p, 0, sizeof *p);
}
