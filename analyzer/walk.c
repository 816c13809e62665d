/* walk.c - the walker's delegate loop (fs_walk_body) and the local
 * declarations (fs_walk_locals).  The reading half, the only code that
 * decodes instruction immediates, is in walk_read.h.
 */
#include "walk_read.h"

#include <string.h>

/* The walk itself, with its own jump target; kept out of line so that no
 * caller's locals live across the setjmp. */
typedef struct walk_job {
    const fs_wasm_module *m;
    uint32_t              func;
    fs_walk_fn            fn;
    void                 *ctx;
} walk_job;

static void walk(fs_reader *r, const walk_job *j)
{
    const fs_func *f = &j->m->funcs[j->func];
    r->p = j->m->bytes + f->code_off;
    r->end = j->m->bytes + f->body_off + f->body_size;
    uint32_t depth = 0;                    /* open blocks, the function's own excluded */
    fs_instr in;
    memset(&in, 0, sizeof in);
    for (;;) {
        if (r->p >= r->end)
            fs_reader_fail(r, r->p, "function body ends before its final end");
        fs_instr_op(r, &in);
        fs_instr_imm(r, j->m, &in);
        int last = 0;
        switch (in.op) {
        case FS_OP_BLOCK: case FS_OP_LOOP: case FS_OP_IF: case FS_OP_TRY: case FS_OP_TRY_TABLE:
            depth++;
            break;
        case FS_OP_END:
            last = depth == 0;
            depth -= !last;
            break;
        case FS_OP_DELEGATE:
            if (depth == 0)
                fs_reader_fail(r, r->base + in.offset, "delegate outside a try block");
            depth--;
            break;
        default:
            break;
        }
        if (j->fn(j->ctx, &in) || last)
            return;
    }
}

__attribute__((noinline))
static int guarded_walk(const walk_job *j, fs_error *err)
{
    jmp_buf jb;
    fs_reader r = { j->m->bytes, NULL, NULL, err, &jb };
    int status = setjmp(jb);
    if (status == 0)
        walk(&r, j);
    return status;
}

int fs_walk_body(const fs_wasm_module *m, uint32_t func, fs_walk_fn fn, void *ctx,
                 fs_error *err)
{
    memset(err, 0, sizeof *err);
    walk_job j = { m, func, fn, ctx };
    return guarded_walk(&j, err) ? FS_ERR_MALFORMED : FS_OK;
}

static void locals(fs_reader *r, const fs_wasm_module *m, uint32_t func, fs_walk_local_fn fn,
                   void *ctx)
{
    const fs_func *f = &m->funcs[func];
    const fs_type *t = &m->types[f->type];
    uint32_t idx = t->nparams;
    uint32_t nruns = fs_read_u32(r);
    for (uint32_t j = 0; j < nruns; j++) {
        uint32_t cnt = fs_read_u32(r);
        fs_valtype v = fs_decode_valtype(r, m);
        if (cnt)
            fn(ctx, idx, cnt, v);
        idx += cnt;
    }
}

void fs_walk_locals(const fs_wasm_module *m, uint32_t func, fs_walk_local_fn fn, void *ctx)
{
    const fs_func *f = &m->funcs[func];
    const fs_type *t = &m->types[f->type];
    for (uint32_t p = 0; p < t->nparams; p++)
        fn(ctx, p, 1, m->valtypes[t->params + p]);
    /* Validated by the decoder, so this cannot fail; the jump target only
     * exists to satisfy the reader's contract. */
    fs_error err;
    jmp_buf jb;
    fs_reader r = { m->bytes, m->bytes + f->locals_off, m->bytes + f->body_off + f->body_size,
                    &err, &jb };
    if (setjmp(jb) == 0)
        locals(&r, m, func, fn, ctx);
}
