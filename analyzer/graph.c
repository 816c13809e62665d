/* graph.c - builds the reversed call graph in two counting passes. */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_graph_build(fs_graph *g, const fs_wasm_module *m, fs_error *err)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    uint32_t n = m->nfuncs, nc = m->ncalls;
    g->owner = malloc(((size_t)nc + 1) * sizeof *g->owner);
    g->rev_off = calloc((size_t)n + 1, sizeof *g->rev_off);
    g->rev = malloc(((size_t)nc + 1) * sizeof *g->rev);
    g->ind_off = calloc((size_t)m->ntypes + 1, sizeof *g->ind_off);
    g->ind = malloc(((size_t)nc + 1) * sizeof *g->ind);
    if (!g->owner || !g->rev_off || !g->rev || !g->ind_off || !g->ind) {
        fs_graph_free(g);
        memset(err, 0, sizeof *err);
        snprintf(err->msg, sizeof err->msg, "out of memory building the call graph");
        return FS_ERR_NOMEM;
    }
    for (uint32_t f = m->nfunc_imports; f < n; f++)
        for (uint32_t c = m->funcs[f].calls; c < m->funcs[f].calls + m->funcs[f].ncalls; c++)
            g->owner[c] = f;
    for (uint32_t f = 0; f < n; f++)
        if (m->funcs[f].flags & FS_FUNC_ADDRESS_TAKEN)
            g->naddress_taken++;

    /* Counting sort: count per group, prefix-sum into offsets, then place
     * each site with a per-group fill cursor.  Sites stay in file order
     * within a group, which keeps every later result deterministic. */
    for (uint32_t c = 0; c < nc; c++) {
        const fs_call *call = &m->calls[c];
        if (fs_call_is_indirect(call->kind))
            g->ind_off[m->types[call->target].canon + 1]++;
        else
            g->rev_off[call->target + 1]++;
    }
    for (uint32_t f = 0; f < n; f++)
        g->rev_off[f + 1] += g->rev_off[f];
    for (uint32_t t = 0; t < m->ntypes; t++)
        g->ind_off[t + 1] += g->ind_off[t];
    g->nind = g->ind_off[m->ntypes];
    uint32_t *rfill = calloc((size_t)n + 1, sizeof *rfill);
    uint32_t *ifill = calloc((size_t)m->ntypes + 1, sizeof *ifill);
    if (!rfill || !ifill) {
        free(rfill);
        free(ifill);
        fs_graph_free(g);
        snprintf(err->msg, sizeof err->msg, "out of memory building the call graph");
        return FS_ERR_NOMEM;
    }
    for (uint32_t c = 0; c < nc; c++) {
        const fs_call *call = &m->calls[c];
        if (fs_call_is_indirect(call->kind)) {
            uint32_t t = m->types[call->target].canon;
            g->ind[g->ind_off[t] + ifill[t]++] = c;
        } else {
            g->rev[g->rev_off[call->target] + rfill[call->target]++] = c;
        }
    }
    free(rfill);
    free(ifill);
    return FS_OK;
}

void fs_graph_free(fs_graph *g)
{
    free(g->owner);
    free(g->rev_off);
    free(g->rev);
    free(g->ind_off);
    free(g->ind);
    memset(g, 0, sizeof *g);
}
