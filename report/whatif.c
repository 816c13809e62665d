/* whatif.c - see whatif.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whatif.h"

static int one(const fs_wasm_module *m, const fs_graph *g, const fs_root_spec *specs,
               unsigned nspecs, fs_policy policy, int stage, fs_whatif_step *s, fs_error *err)
{
    /* the closure fills the specs' counters: work on a copy (the analysis
     * holds at most 64 specs, fs_analysis.roots) */
    fs_root_spec own[64];
    if (nspecs > 64)
        nspecs = 64;
    fs_roots_copy(own, specs, nspecs);
    fs_closure c;
    memset(&c, 0, sizeof c);
    int st = fs_closure_compute(&c, g, own, nspecs, policy, err);
    if (st) {
        fs_closure_free(&c);
        return st;
    }
    fs_fi_result r;
    st = fs_fi_run(m, g, &c, (unsigned)stage, 0, 0, &r, err);   /* frames in memory 0 */
    if (!st) {
        s->stage = stage;
        s->policy = policy;
        s->closure = c.size;
        s->instrumented = r.instrumented;
        s->refused = r.refused;
        s->added = r.code_after - r.code_before;
        memcpy(s->term, r.term, sizeof s->term);
        s->sites = r.sites;
        s->wraps = r.wraps;
        s->levels = r.levels;
        s->label = "measured";
    }
    fs_fi_free(&r);
    fs_closure_free(&c);
    return st;
}

int fs_whatif_run(const fs_wasm_module *m, const fs_graph *g, const fs_root_spec *specs,
                  unsigned nspecs, fs_policy policy, fs_whatif *w, fs_error *err)
{
    memset(w, 0, sizeof *w);
    w->code_before = m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].size;
    int st;
    for (int stage = FS_FI_NAIVE; stage <= FS_FI_LIVE; stage++) {
        fs_whatif_step *s = &w->step[w->nsteps];
        if ((st = one(m, g, specs, nspecs, policy, stage, s, err)))
            return st;
        if (stage == FS_FI_NAIVE)
            snprintf(s->what, sizeof s->what, "naive (--indirect %s)", fs_policy_name[policy]);
        else
            snprintf(s->what, sizeof s->what, "+ %s", fs_fi_stage_name[stage]);
        w->nsteps++;
    }
    /* Tighter selections, in the order of the policies' strictness. */
    static const fs_policy order[3] = { FS_POLICY_ASYNCIFY, FS_POLICY_TABLE, FS_POLICY_TYPED };
    int after = 0;
    for (int i = 0; i < 3; i++) {
        if (order[i] == policy) {
            after = 1;
            continue;
        }
        if (!after)
            continue;
        fs_whatif_step *s = &w->step[w->nsteps];
        if ((st = one(m, g, specs, nspecs, order[i], FS_FI_LIVE, s, err)))
            return st;
        snprintf(s->what, sizeof s->what, "+ --indirect %s", fs_policy_name[order[i]]);
        w->nsteps++;
    }
    /* The trampoline (stage trampoline) under the tightest policy
     * asked for: emitted and measured like every other step. */
    fs_whatif_step *t = &w->step[w->nsteps];
    if ((st = one(m, g, specs, nspecs, w->step[w->nsteps - 1].policy, FS_FI_TRAMP, t, err)))
        return st;
    snprintf(t->what, sizeof t->what, "+ %s", fs_fi_stage_name[FS_FI_TRAMP]);
    w->nsteps++;
    for (unsigned i = 0; i < w->nsteps; i++) {
        fs_whatif_step *s = &w->step[i];
        s->saving = i ? (int64_t)w->step[i - 1].added - (int64_t)s->added : 0;
        s->share = w->step[0].added ? (double)s->saving / (double)w->step[0].added : 0.0;
        s->growth = w->code_before ? (double)s->added / (double)w->code_before : 0.0;
    }
    return FS_OK;
}
