/* graph.h - the call graph, seen from the callee side.
 *
 * The closure is reverse reachability, so the graph is stored reversed:
 * for every function, the call sites that call it directly (call and
 * return_call).  Indirect call sites (call_indirect, return_call_indirect,
 * call_ref, return_call_ref) are grouped by the canonical type they call
 * through, because that is how the policies decide what they can reach.
 */
#ifndef FS_GRAPH_H
#define FS_GRAPH_H

#include "wasm.h"

typedef struct fs_graph {
    const fs_wasm_module *m;
    uint32_t *owner;        /* per call site: the function containing it */
    uint32_t *rev_off;      /* nfuncs + 1 offsets into rev */
    uint32_t *rev;          /* direct call sites, grouped by callee */
    uint32_t *ind_off;      /* ntypes + 1 offsets into ind, by canonical type */
    uint32_t *ind;          /* indirect call sites, grouped by canonical type */
    uint32_t  nind;         /* indirect call sites in all */
    uint32_t  naddress_taken;
} fs_graph;

int  fs_graph_build(fs_graph *g, const fs_wasm_module *m, fs_error *err);
void fs_graph_free(fs_graph *g);

static inline int fs_call_is_indirect(uint8_t kind)
{
    return kind >= FS_CALL_INDIRECT;
}

#endif
