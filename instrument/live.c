/* live.c - stage live: which locals must a frame keep?
 *
 * A local needs saving only if some unwind-capable site can be followed,
 * on some path, by a read of it before any write: everything else is
 * either dead after the site or rewritten before use, and a rewind that
 * skips straight back to the site can leave it as it is.
 *
 * Classic backward liveness over a control-flow graph built from the
 * structured body.  Every control instruction (block, loop, if, else,
 * end, branches, return, unreachable) is a node of its own and so is
 * every site, so that branch targets (an end, the instruction after a
 * loop, after an else) always start a node; runs of other instructions
 * form one node each.  Bit sets over the locals are iterated to a fixed
 * point in reverse order, which needs one pass per loop nesting level.
 *
 * A function so large that its bit sets would pass FI_LIVE_MAX_WORDS
 * keeps every local (the answer of the cse stage): still correct, only
 * not smaller, and counted by the caller like any other function.
 */
#include <stdlib.h>
#include <string.h>

#include "fi_int.h"

#define FI_LIVE_MAX_WORDS (32u << 20)   /* 256 MiB of bit sets */

typedef uint64_t word;

static int is_control(uint16_t op)
{
    switch (op) {
    case FS_OP_BLOCK: case FS_OP_LOOP: case FS_OP_IF: case FS_OP_ELSE: case FS_OP_END:
    case FS_OP_BR: case FS_OP_BR_IF: case FS_OP_BR_TABLE: case FS_OP_RETURN:
    case FS_OP_UNREACHABLE: case FS_OP_RETURN_CALL: case FS_OP_RETURN_CALL_INDIRECT:
    case FS_OP_RETURN_CALL_REF: case FS_OP_BR_ON_NULL: case FS_OP_BR_ON_NON_NULL:
        return 1;
    default:
        return 0;
    }
}

/* The immediates after the opcode byte (label ops are one-byte opcodes). */
static const uint8_t *imm(const fi_plan *p, const fs_wasm_module *m, const fi_ins *in)
{
    return m->bytes + p->code_off + in->off + 1;
}

typedef struct graph {
    uint32_t  nb;
    uint32_t *node;       /* per instruction: its node */
    uint32_t *first;      /* per node: first instruction */
    uint32_t *succ;  uint32_t nsucc, succ_cap;
    uint32_t *soff;       /* per node: its successors, succ[soff[b] .. soff[b+1]) */
    uint32_t *target;     /* per construct opcode: branch target instruction */
    uint32_t *match;      /* per construct opcode: its end; per if: else or end */
} graph;

static int add_succ(graph *g, uint32_t to)
{
    if (g->nsucc == g->succ_cap) {
        uint32_t cap = g->succ_cap ? g->succ_cap * 2 : 256;
        uint32_t *n = realloc(g->succ, cap * sizeof *n);
        if (!n)
            return -1;
        g->succ = n;
        g->succ_cap = cap;
    }
    g->succ[g->nsucc++] = to;
    return 0;
}

/* Matches constructs with their else/end, sets branch targets. */
static int structure(const fi_plan *p, graph *g)
{
    uint32_t *stack = malloc((p->max_depth + 2) * sizeof *stack);
    if (!stack)
        return -1;
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nins; i++) {
        uint16_t op = p->ins[i].op;
        g->match[i] = g->target[i] = UINT32_MAX;
        if (op == FS_OP_BLOCK || op == FS_OP_LOOP || op == FS_OP_IF) {
            stack[n++] = i;
        } else if (op == FS_OP_ELSE && n) {
            g->match[stack[n - 1]] = i;     /* the if's false edge */
            g->match[i] = stack[n - 1];
        } else if (op == FS_OP_END && n) {
            uint32_t c = stack[--n];
            if (g->match[c] != UINT32_MAX)   /* if with else: the else jumps here */
                g->target[g->match[c]] = i;
            else
                g->match[c] = i;
            g->target[c] = p->ins[c].op == FS_OP_LOOP ? c + 1 : i;
        }
    }
    free(stack);
    return 0;
}

/* The instruction a branch of depth D goes to, or UINT32_MAX for the
 * function's exit (structure() gave every open construct its target). */
static uint32_t label_target(const graph *g, uint32_t d, const uint32_t *open, uint32_t nopen)
{
    return d >= nopen ? UINT32_MAX : g->target[open[nopen - 1 - d]];
}

static int build(const fi_plan *p, const fs_wasm_module *m, graph *g)
{
    uint32_t nins = p->nins;
    g->node = malloc(nins * sizeof *g->node);
    g->first = malloc((nins + 1) * sizeof *g->first);
    g->soff = malloc((nins + 2) * sizeof *g->soff);
    g->target = malloc(nins * sizeof *g->target);
    g->match = malloc(nins * sizeof *g->match);
    uint32_t *open = malloc((p->max_depth + 2) * sizeof *open);
    if (!g->node || !g->first || !g->soff || !g->target || !g->match || !open) {
        free(open);
        return -1;
    }
    if (structure(p, g)) {
        free(open);
        return -1;
    }
    /* nodes */
    uint32_t nb = 0;
    for (uint32_t i = 0; i < nins; i++) {
        int prev_ends = i == 0 || is_control(p->ins[i - 1].op) || (p->ins[i - 1].flags & FI_SITE);
        if (is_control(p->ins[i].op) || prev_ends)
            g->first[nb++] = i;
        g->node[i] = nb - 1;
    }
    g->first[nb] = nins;
    g->nb = nb;
    /* successors: the last instruction of each node decides */
    uint32_t nopen = 0;
    uint32_t b = 0;
    for (uint32_t i = 0; i < nins; i++) {
        const fi_ins *in = &p->ins[i];
        if (in->op == FS_OP_BLOCK || in->op == FS_OP_LOOP || in->op == FS_OP_IF)
            open[nopen++] = i;
        if (i + 1 != g->first[b + 1])
            continue;
        g->soff[b] = g->nsucc;
        int fall = 1;
        switch (in->op) {
        case FS_OP_IF: {
            uint32_t f = g->match[i];       /* else or end */
            if (f != UINT32_MAX && add_succ(g, p->ins[f].op == FS_OP_ELSE ? f + 1 : f))
                goto oom;
            break;
        }
        case FS_OP_ELSE: {
            /* the then arm falls out of the if: to its end */
            uint32_t e = g->target[i];
            if (e != UINT32_MAX && add_succ(g, e))
                goto oom;
            fall = 0;
            break;
        }
        case FS_OP_END:
            if (nopen)
                nopen--;
            if (i + 1 == nins)
                fall = 0;
            break;
        case FS_OP_BR: case FS_OP_BR_IF: case FS_OP_BR_ON_NULL: case FS_OP_BR_ON_NON_NULL: {
            uint32_t t = label_target(g, in->idx, open, nopen);
            if (t != UINT32_MAX && add_succ(g, t))
                goto oom;
            fall = in->op != FS_OP_BR;
            break;
        }
        case FS_OP_BR_TABLE: {
            const uint8_t *q = imm(p, m, in);
            uint32_t n = fs_leb_u32(&q);
            for (uint32_t k = 0; k <= n; k++) {
                uint32_t t = label_target(g, fs_leb_u32(&q), open, nopen);
                if (t != UINT32_MAX && add_succ(g, t))
                    goto oom;
            }
            fall = 0;
            break;
        }
        case FS_OP_RETURN: case FS_OP_UNREACHABLE: case FS_OP_RETURN_CALL:
        case FS_OP_RETURN_CALL_INDIRECT: case FS_OP_RETURN_CALL_REF:
            fall = 0;
            break;
        default:
            break;
        }
        if (fall && i + 1 < nins && add_succ(g, i + 1))
            goto oom;
        b++;
    }
    g->soff[nb] = g->nsucc;
    free(open);
    return 0;
oom:
    free(open);
    return -1;
}

int fi_live(fi_plan *p, const fi_module *fm)
{
    const fs_wasm_module *m = fm->m;
    graph g;
    memset(&g, 0, sizeof g);
    int st = FS_ERR_NOMEM;
    word *use = NULL, *def = NULL, *in = NULL;
    uint32_t *dense = NULL;
    if (build(p, m, &g))
        goto out;
    /* Only locals that are read somewhere can be live: the bit sets
     * range over those alone. */
    dense = malloc((p->nlocals + 1) * sizeof *dense);
    if (!dense)
        goto out;
    for (uint32_t l = 0; l < p->nlocals; l++)
        dense[l] = UINT32_MAX;
    uint32_t nd = 0;
    for (uint32_t i = 0; i < p->nins; i++) {
        if (p->ins[i].op != FS_OP_LOCAL_GET)
            continue;
        uint32_t l = p->ins[i].idx;
        if (l < p->nlocals && dense[l] == UINT32_MAX)
            dense[l] = nd++;
    }
    uint32_t nw = (nd + 63) / 64;
    if (!nw) {
        memset(p->save, 0, p->nlocals);
        st = FS_OK;
        goto out;
    }
    if ((uint64_t)g.nb * nw * 3 > FI_LIVE_MAX_WORDS) {
        memset(p->save, 1, p->nlocals);     /* too big: keep them all */
        st = FS_OK;
        goto out;
    }
    use = calloc((size_t)g.nb * nw, sizeof *use);
    def = calloc((size_t)g.nb * nw, sizeof *def);
    in = calloc((size_t)g.nb * nw, sizeof *in);
    if (!use || !def || !in)
        goto out;
    for (uint32_t i = 0; i < p->nins; i++) {
        uint16_t op = p->ins[i].op;
        if (op != FS_OP_LOCAL_GET && op != FS_OP_LOCAL_SET && op != FS_OP_LOCAL_TEE)
            continue;
        uint32_t l = p->ins[i].idx;
        if (l >= p->nlocals || dense[l] == UINT32_MAX)
            continue;                   /* never read: never live */
        l = dense[l];
        word *u = use + (size_t)g.node[i] * nw, *d = def + (size_t)g.node[i] * nw;
        word bit = (word)1 << (l % 64);
        if (op == FS_OP_LOCAL_GET) {
            if (!(d[l / 64] & bit))
                u[l / 64] |= bit;
        } else {
            d[l / 64] |= bit;
        }
    }
    /* in = use | (out & ~def), out = union of the successors' in.  A
     * node is recomputed only when a successor's in changed since it was
     * last computed (all nodes once at first); nodes come in reverse
     * order, so only a change that reaches a node already passed (a loop's
     * back edge) costs another sweep. */
    word *out = malloc(nw * sizeof *out);
    uint8_t *dirty = malloc(g.nb);
    uint32_t *poff = calloc((size_t)g.nb + 1, sizeof *poff);
    uint32_t *pred = malloc(((size_t)g.nsucc + 1) * sizeof *pred);
    if (!out || !dirty || !poff || !pred) {
        free(out);
        free(dirty);
        free(poff);
        free(pred);
        goto out;
    }
    for (uint32_t e = 0; e < g.nsucc; e++)
        poff[g.node[g.succ[e]] + 1]++;
    for (uint32_t b = 0; b < g.nb; b++)
        poff[b + 1] += poff[b];
    for (uint32_t b = 0; b < g.nb; b++)
        for (uint32_t e = g.soff[b]; e < g.soff[b + 1]; e++) {
            uint32_t t = g.node[g.succ[e]];
            pred[poff[t]++] = b;
        }
    for (uint32_t b = g.nb; b-- > 0;)      /* poff[t] now ends t's list: shift back */
        poff[b + 1] = poff[b];
    poff[0] = 0;
    memset(dirty, 1, g.nb);
    for (int again = 1; again;) {
        again = 0;
        for (uint32_t b = g.nb; b-- > 0;) {
            if (!dirty[b])
                continue;
            dirty[b] = 0;
            memset(out, 0, nw * sizeof *out);
            for (uint32_t s = g.soff[b]; s < g.soff[b + 1]; s++) {
                const word *si = in + (size_t)g.node[g.succ[s]] * nw;
                for (uint32_t k = 0; k < nw; k++)
                    out[k] |= si[k];
            }
            word *bi = in + (size_t)b * nw;
            const word *u = use + (size_t)b * nw, *d = def + (size_t)b * nw;
            int changed = 0;
            for (uint32_t k = 0; k < nw; k++) {
                word v = u[k] | (out[k] & ~d[k]);
                if (v != bi[k]) {
                    bi[k] = v;
                    changed = 1;
                }
            }
            if (!changed)
                continue;
            for (uint32_t e = poff[b]; e < poff[b + 1]; e++) {
                dirty[pred[e]] = 1;
                again |= pred[e] >= b;
            }
        }
    }
    free(dirty);
    free(poff);
    free(pred);
    free(out);
    /* what is live right after some site is what the frame keeps */
    word *any = calloc(nw, sizeof *any);
    if (!any)
        goto out;
    for (uint32_t i = 0; i + 1 < p->nins; i++) {
        /* after a tail call made plain only the return runs: nothing is live */
        if (!(p->ins[i].flags & FI_SITE) || (p->ins[i].flags & FI_TAIL))
            continue;
        const word *li = in + (size_t)g.node[i + 1] * nw;
        for (uint32_t k = 0; k < nw; k++)
            any[k] |= li[k];
    }
    for (uint32_t l = 0; l < p->nlocals; l++)
        p->save[l] = dense[l] != UINT32_MAX && (any[dense[l] / 64] >> (dense[l] % 64) & 1);
    free(any);
    st = FS_OK;
out:
    free(dense);
    free(use);
    free(def);
    free(in);
    free(g.node);
    free(g.first);
    free(g.succ);
    free(g.soff);
    free(g.target);
    free(g.match);
    return st;
}
