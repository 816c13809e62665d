/* plan_gc.c - the stack typer's part for GC instructions (0xFB): what
 * each one pops and pushes, from its type immediates and the module's
 * struct and array types (their field types: analyzer/types.c).
 *
 * forkinstr needs exact types, not just kinds: a reference below a site is
 * saved in the save area's table of its heap type, a wrap's block type
 * names the values it carries, and a nullable one's dummy is a ref.null of
 * its heap type.  A type less precise than the value's would make a wrap
 * yield a supertype that a later instruction may not accept.  So every
 * push here is the type the validator gives, with its nullability.
 * Custom descriptors and stringref are left to the caller to refuse. */
#include "plan_int.h"

/* Abstract heap types as the negative s33 the decoder stores. */
enum { HT_EXTERN = -17, HT_ANY = -18, HT_I31 = -20 };

static void push_ref(walk *w, int nullable, int32_t heap)
{
    if (!nullable)
        fi_pw_push(w, FS_VT_REF, heap, 1);
    else if (heap < 0)          /* the shorthand byte, as ref.null pushes it */
        fi_pw_push(w, (uint8_t)(heap & 0x7F), heap, 1);
    else
        fi_pw_push(w, FS_VT_REF_NULL, heap, 1);
}

/* The struct or array type IDX of KIND, or a refusal. */
static const fs_type *comp(walk *w, uint32_t idx, uint8_t kind)
{
    const fs_wasm_module *m = w->fm->m;
    if (idx >= m->ntypes || m->types[idx].kind != kind)
        fi_pw_refuse(w, "the body does not type-check (struct or array type index)");
    return &m->types[idx];
}

/* A field's value on the stack: a packed field reads as an i32. */
static void push_field(walk *w, const fs_type *t, uint32_t field)
{
    if (field >= t->nparams)
        fi_pw_refuse(w, "the body does not type-check (field index out of range)");
    const fs_valtype *v = &w->fm->m->valtypes[t->params + field];
    if (v->code == 0x78 || v->code == 0x77)
        fi_pw_push(w, FS_VT_I32, 0, 1);
    else
        fi_pw_push(w, v->code, v->heap, 1);
}

static int nullable(const fi_val *v)
{
    return v->code != FS_VT_REF;
}

/* Instructions with a fixed shape once their type is known: the struct or
 * array type immediate, the values they pop, and whether they push a
 * (ref $t) of it. */
static const struct gc_shape {
    fs_op_id op;
    uint8_t  kind, pops, push_ref;
} shapes[] = {
    { FS_OP_STRUCT_NEW_DEFAULT, FS_COMP_STRUCT, 0, 1 },
    { FS_OP_STRUCT_SET,         FS_COMP_STRUCT, 2, 0 },
    { FS_OP_ARRAY_NEW,          FS_COMP_ARRAY,  2, 1 },
    { FS_OP_ARRAY_NEW_DATA,     FS_COMP_ARRAY,  2, 1 },
    { FS_OP_ARRAY_NEW_ELEM,     FS_COMP_ARRAY,  2, 1 },
    { FS_OP_ARRAY_NEW_DEFAULT,  FS_COMP_ARRAY,  1, 1 },
    { FS_OP_ARRAY_SET,          FS_COMP_ARRAY,  3, 0 },
    { FS_OP_ARRAY_FILL,         FS_COMP_ARRAY,  4, 0 },
    { FS_OP_ARRAY_INIT_DATA,    FS_COMP_ARRAY,  4, 0 },
    { FS_OP_ARRAY_INIT_ELEM,    FS_COMP_ARRAY,  4, 0 },
};

int fi_pw_gc(walk *w, const fs_instr *in)
{
    fi_plan *p = w->p;
    uint32_t idx = in->idx;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].op == in->op) {
            comp(w, idx, shapes[i].kind);
            fi_pw_pop_n(w, shapes[i].pops);
            if (shapes[i].push_ref)
                push_ref(w, 0, (int32_t)idx);
            return 1;
        }
    switch (in->op) {
    case FS_OP_STRUCT_NEW:
        fi_pw_pop_n(w, comp(w, idx, FS_COMP_STRUCT)->nparams);
        push_ref(w, 0, (int32_t)idx);
        return 1;
    case FS_OP_STRUCT_GET: case FS_OP_STRUCT_GET_S: case FS_OP_STRUCT_GET_U:
        fi_pw_pop(w);
        push_field(w, comp(w, idx, FS_COMP_STRUCT), in->idx2);
        return 1;
    case FS_OP_ARRAY_NEW_FIXED:
        comp(w, idx, FS_COMP_ARRAY);
        fi_pw_pop_n(w, in->idx2);
        push_ref(w, 0, (int32_t)idx);
        return 1;
    case FS_OP_ARRAY_GET: case FS_OP_ARRAY_GET_S: case FS_OP_ARRAY_GET_U:
        fi_pw_pop_n(w, 2);
        push_field(w, comp(w, idx, FS_COMP_ARRAY), 0);
        return 1;
    case FS_OP_ARRAY_COPY:
        comp(w, idx, FS_COMP_ARRAY);
        comp(w, in->idx2, FS_COMP_ARRAY);
        fi_pw_pop_n(w, 5);
        return 1;
    case FS_OP_ARRAY_LEN: case FS_OP_I31_GET_S: case FS_OP_I31_GET_U:
    case FS_OP_REF_TEST: case FS_OP_REF_TEST_NULL:
        fi_pw_pop(w);
        fi_pw_push(w, FS_VT_I32, 0, 1);
        return 1;
    case FS_OP_REF_I31:
        fi_pw_pop(w);
        push_ref(w, 0, HT_I31);
        return 1;
    case FS_OP_ANY_CONVERT_EXTERN: case FS_OP_EXTERN_CONVERT_ANY: {
        fi_val v = fi_pw_pop(w);
        push_ref(w, !v.code || nullable(&v),
                 in->op == FS_OP_ANY_CONVERT_EXTERN ? HT_ANY : HT_EXTERN);
        return 1;
    }
    case FS_OP_REF_CAST: case FS_OP_REF_CAST_NULL:
        fi_pw_pop(w);
        push_ref(w, in->op == FS_OP_REF_CAST_NULL, in->type.heap);
        return 1;
    case FS_OP_BR_ON_CAST: case FS_OP_BR_ON_CAST_FAIL:
        /* flags bit 0: the source type is nullable, bit 1: the target.
         * Falling through, br_on_cast leaves the source type, without null
         * when null was cast; br_on_cast_fail leaves the target type. */
        p->ins[w->cur].flags |= FI_BRANCH;
        if (idx >= w->nfr)
            fi_pw_refuse(w, "the body does not type-check (branch depth out of range)");
        fi_pw_pop(w);
        if (in->op == FS_OP_BR_ON_CAST)
            push_ref(w, (in->lane & 1) && !(in->lane & 2), in->type.heap);
        else
            push_ref(w, (in->lane & 2) != 0, in->heap2);
        return 1;
    default:
        return 0;
    }
}
