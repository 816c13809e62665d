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

/* A table-driven trampoline would enter each level with one
 * `local.get $idx; br_table` (about 4 bytes, plus one per item) and give
 * each item a plain block (2 bytes for block/end) holding the pushes,
 * instead of a test (2 to 6 bytes), a typed if (2 to 3), else and end per
 * wrap.  So it saves about 6 bytes a wrap, minus 4 a level: a model over
 * the counts the emitter reports, not an emission. */
static uint64_t trampoline(uint64_t dispatch, uint64_t wraps, uint64_t levels)
{
    uint64_t saved = wraps * 6, cost = levels * 4;
    if (saved <= cost)
        return dispatch;
    return dispatch > saved - cost ? dispatch - (saved - cost) : 0;
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
    const fs_whatif_step *last = &w->step[w->nsteps - 1];
    fs_whatif_step *t = &w->step[w->nsteps];
    *t = *last;
    snprintf(t->what, sizeof t->what, "table-driven trampoline");
    uint64_t disp = trampoline(last->term[FS_FI_DISPATCH], last->wraps, last->levels);
    t->added = last->added - last->term[FS_FI_DISPATCH] + disp;
    t->term[FS_FI_DISPATCH] = disp;
    t->label = "estimated";
    w->nsteps++;
    for (unsigned i = 0; i < w->nsteps; i++) {
        fs_whatif_step *s = &w->step[i];
        s->saving = i ? (int64_t)w->step[i - 1].added - (int64_t)s->added : 0;
        s->share = w->step[0].added ? (double)s->saving / (double)w->step[0].added : 0.0;
        s->growth = w->code_before ? (double)s->added / (double)w->code_before : 0.0;
    }
    return FS_OK;
}
