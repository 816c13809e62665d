/* cost.c - the LEB-aware estimate described in cost.h. */
#include "cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* The seed figures from the first Asyncify measurements: about 110 bytes
 * of prologue/epilogue per function and 27 bytes per call site. */
const fs_cost_profile fs_cost_seed = { "seed", 110.0, 27.0, 14.0, 0 };

static const unsigned slot_bytes[FS_VK_COUNT] = { 4, 8, 4, 8, 16, 0 };
static const unsigned op_bytes[FS_VK_COUNT] = { 1, 1, 1, 1, 2, 0 };   /* v128 ops are 0xFD-prefixed */

/* Save + restore of one local, at the given LEB widths; see cost.h. */
static unsigned save_restore(fs_valkind k, unsigned idx_leb, unsigned fp_leb, unsigned off_leb)
{
    if (k == FS_VK_REF)
        return 0;
    return 2 * (1 + fp_leb)        /* local.get $fp, twice */
         + 2 * (1 + idx_leb)       /* local.get $x / local.set $x */
         + 2 * op_bytes[k]         /* T.store / T.load */
         + 2 * 1                   /* alignment hints */
         + 2 * off_leb;            /* frame offsets */
}

/* The profile's C replaces the narrow i32 figure; everything wider pays
 * its extra bytes on top, so --model keeps the LEB and type structure. */
static double priced(const fs_cost_profile *p, fs_valkind k, unsigned idx_leb, unsigned fp_leb,
                     unsigned off_leb)
{
    if (k == FS_VK_REF)
        return 0;
    return p->local_i32 + (double)save_restore(k, idx_leb, fp_leb, off_leb)
         - (double)save_restore(FS_VK_I32, 1, 1, 1);
}

double fs_cost_local_bytes(const fs_cost_profile *p, fs_valkind kind)
{
    return priced(p, kind, 1, 1, 1);
}

int fs_cost_parse_model(const char *text, fs_cost_profile *out, fs_error *err)
{
    double v[3];
    char tail;
    memset(err, 0, sizeof *err);
    if (sscanf(text, "%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &tail) != 3 ||
        !isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]) ||
        v[0] < 0 || v[1] < 0 || v[2] < 0) {
        snprintf(err->msg, sizeof err->msg,
                 "--model wants three non-negative numbers A,B,C, got '%.120s'", text);
        return FS_ERR_USAGE;
    }
    *out = fs_cost_seed;
    out->name = "custom";
    out->fixed = v[0];
    out->callsite = v[1];
    out->local_i32 = v[2];
    out->overridden = 1;
    return FS_OK;
}

typedef struct run_ctx {
    const fs_cost_profile *p;
    unsigned fp_leb;
    uint64_t offset;      /* frame offset of the next saved value */
    double   bytes;
    uint32_t refs;
} run_ctx;

static void run(void *ctx, uint32_t first, uint32_t count, fs_valkind k)
{
    run_ctx *r = ctx;
    if (k == FS_VK_REF) {
        r->refs += count;
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        r->bytes += priced(r->p, k, fs_leb_size(first + i), r->fp_leb, fs_leb_size(r->offset));
        r->offset += slot_bytes[k];
    }
}

void fs_cost_estimate(const fs_wasm_module *m, const fs_closure *c, const fs_cost_profile *p,
                      fs_cost *out, uint32_t *unsaveable)
{
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        fs_cost *o = &out[f];
        memset(o, 0, sizeof *o);
        if (unsaveable)
            unsaveable[f] = 0;
        if (!c->in[f])
            continue;
        const fs_func *fn = &m->funcs[f];
        /* The frame starts with the saved call index, an i32. */
        run_ctx rc = { p, fs_leb_size(fn->nlocals), 4, 0, 0 };
        fs_wasm_local_runs(m, f, run, &rc);
        o->callsite = (uint64_t)llround(p->callsite * c->callsites[f]);
        o->local = (uint64_t)llround(rc.bytes);
        o->fixed = (uint64_t)llround(p->fixed);
        /* A body that grows past a LEB boundary also grows its size prefix;
         * no other term owns those bytes, so the fixed term takes them. */
        uint64_t grown = fn->body_size + o->fixed + o->callsite + o->local;
        o->fixed += fs_leb_size(grown) - fs_leb_size(fn->body_size);
        o->total = o->fixed + o->callsite + o->local;
        if (unsaveable)
            unsaveable[f] = rc.refs;
    }
}
