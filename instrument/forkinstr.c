/* forkinstr.c - the driver: plan and emit every closure function, then
 * assemble the module around the new code section (see forkinstr.h for
 * the design).
 *
 * Existing functions, types and globals keep their indices: new types go
 * at the end of the type section, the two globals ($state, $data) at the
 * end of the global section, and the five runtime functions after the
 * last defined function.  Every other section is copied as it is, custom
 * sections (names, producers, ...) included, since no index they refer to
 * moves.  Debug sections are the exception: they hold code addresses, and
 * the code moved.  A module to be written (fs_fi_run_debug) gets them
 * rewritten, dropped or, on request, kept stale (fi_debug.c); the reports'
 * runs copy them as they are, since only their size matters there.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "fi_debug.h"
#include "fi_hints.h"

const char *const fs_fi_stage_name[FS_FI_NSTAGES] = { "naive", "cse", "live", "trampoline" };
const char *const fs_fi_term_name[FS_FI_NTERMS] = { "fixed", "callsite", "local", "dispatch" };
const char *const fs_fi_np_name[FS_FI_NNP] = { "entry", "sites", "loops" };

int fs_fi_stage_parse(const char *s)
{
    int stage = -1;
    while (*s) {
        size_t n = strcspn(s, ",");
        int found = -1;
        for (int i = 0; i < FS_FI_NSTAGES; i++)
            if (strlen(fs_fi_stage_name[i]) == n && !strncmp(s, fs_fi_stage_name[i], n))
                found = i;
        if (found < 0)
            return -1;
        if (found > stage)
            stage = found;
        s += n;
        if (*s == ',')
            s++;
    }
    return stage;
}

/* The ABI's exports, in the order the runtime functions are appended. */
static const char *const abi_export[5] = {
    "asyncify_start_unwind", "asyncify_stop_unwind", "asyncify_start_rewind",
    "asyncify_stop_rewind", "asyncify_get_state"
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the runtime functions -------------------------------------------- */

/* Traps when data.current has passed data.end, as Asyncify does at every
 * change of state. */
static void op_u32(fi_buf *b, fs_op_id op, uint32_t v)
{
    fi_put_op(b, op);
    fi_put_u32(b, v);
}

/* A header field (current, or end): an i32, or an i64 with memory64,
 * loaded with natural alignment. */
static void load_field(fi_buf *b, const fi_module *fm, int end)
{
    op_u32(b, fm->mem64 ? FS_OP_I64_LOAD : FS_OP_I32_LOAD,
           (fm->mem64 ? 3u : 2u) | (fm->savemem ? 0x40u : 0));   /* memarg as in emit.c */
    if (fm->savemem)
        fi_put_u32(b, fm->savemem);
    fi_put_u32(b, end ? (fm->mem64 ? 8 : 4) : 0);
}

static void bounds_check(fi_buf *b, const fi_module *fm)
{
    op_u32(b, FS_OP_GLOBAL_GET, fm->data_global);
    load_field(b, fm, 0);
    op_u32(b, FS_OP_GLOBAL_GET, fm->data_global);
    load_field(b, fm, 1);
    fi_put_op(b, fm->mem64 ? FS_OP_I64_GT_U : FS_OP_I32_GT_U);
    fi_put_op(b, FS_OP_IF);
    fi_put(b, FS_BT_EMPTY_BYTE);
    fi_put_op(b, FS_OP_UNREACHABLE);
    fi_put_op(b, FS_OP_END);
}

static void helper_body(fi_buf *out, const fi_module *fm, int which)
{
    fi_buf b = { 0 };
    b.count_only = out->count_only;
    fi_put_u32(&b, 0);                          /* no local declarations */
    static const int8_t state[4] = { 1, 0, 2, 0 };
    if (which < 4) {
        fi_put_op(&b, FS_OP_I32_CONST);
        fi_put_s64(&b, state[which]);
        op_u32(&b, FS_OP_GLOBAL_SET, fm->state_global);
        if (which == 0 || which == 2) {
            op_u32(&b, FS_OP_LOCAL_GET, 0);
            op_u32(&b, FS_OP_GLOBAL_SET, fm->data_global);
        }
        bounds_check(&b, fm);
    } else {
        op_u32(&b, FS_OP_GLOBAL_GET, fm->state_global);
    }
    fi_put_op(&b, FS_OP_END);
    fi_put_u32(out, (uint32_t)b.n);
    if (b.count_only)
        out->n += b.n;
    else
        fi_put_bytes(out, b.p, b.n);
    if (b.oom)
        out->oom = 1;
    free(b.p);
}

/* ---- sections ----------------------------------------------------------- */

static void section(fi_buf *out, uint8_t id, const fi_buf *payload)
{
    fi_put(out, id);
    fi_put_u32(out, (uint32_t)payload->n);
    if (out->count_only)
        out->n += payload->n;
    else
        fi_put_bytes(out, payload->p, payload->n);
    if (payload->oom)
        out->oom = 1;
}

/* Position of a section id in the order the binary format requires. */
static int rank(uint8_t id)
{
    static const int8_t r[14] = { -1, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6 };
    return id < 14 ? r[id] : -1;
}

/* An export of M that gives way to forkinstr's: a function named like the
 * ABI's (an already-asyncified module), or, when forkinstr names the save
 * memory, anything by that name. */
static int is_abi_export(const fs_wasm_module *m, uint8_t kind, const char *name, uint32_t len)
{
    for (int i = 0; i < 5; i++)
        if (kind == FS_EXT_FUNC && strlen(abi_export[i]) == len &&
            !memcmp(abi_export[i], name, len))
            return 1;
    return m->nmemories > 1 && strlen(FS_FI_SAVE_MEMORY_EXPORT) == len &&
           !memcmp(FS_FI_SAVE_MEMORY_EXPORT, name, len);
}

typedef struct build {
    const fs_wasm_module *m;
    fi_module *fm;
    const fi_buf *code;
    uint32_t helper_type[5];
    uint32_t tag_type;      /* forkinstr's own tag, FI_NONE when not needed */
    int dry;
    const fi_debug *dbg;    /* the fate of each debug section */
    uint32_t nref;          /* tables of the reference save area added (refsave.c) */
    const fi_hints *hints;  /* the branch hint section to write before the code */
    uint32_t ncopies;       /* hot functions' rewind copies (hot_plan) */
} build;

/* A section forkinstr changes, given its original payload (or NULL when
 * the module had none). */
static void changed(const build *bd, fi_buf *out, uint8_t id, const uint8_t *pl, uint32_t size)
{
    const fs_wasm_module *m = bd->m;
    const fi_module *fm = bd->fm;
    fi_buf b = { 0 };
    b.count_only = bd->dry;
    const uint8_t *q = pl;
    uint32_t n = pl ? fs_leb_u32(&q) : 0;
    size_t rest = pl ? size - (size_t)(q - pl) : 0;
    switch (id) {
    case FS_SEC_TYPE: {
        uint32_t added = fm->nsigs - fm->first_new;
        fi_put_u32(&b, n + added);
        fi_put_bytes(&b, q, rest);
        for (uint32_t t = fm->first_new; t < fm->nsigs; t++) {
            const struct fi_sig *s = &fm->sigs[t];
            const fs_valtype *v = fm->sigvals + s->off;
            fi_put(&b, FS_FUNC_TYPE_FORM);
            fi_put_u32(&b, s->np);
            for (uint32_t i = 0; i < s->np; i++)
                fi_put_valtype(&b, v[i].code, v[i].heap);
            fi_put_u32(&b, s->nr);
            for (uint32_t i = 0; i < s->nr; i++)
                fi_put_valtype(&b, v[s->np + i].code, v[s->np + i].heap);
        }
        break;
    }
    case FS_SEC_FUNCTION:
        fi_put_u32(&b, n + 5 + bd->ncopies);
        fi_put_bytes(&b, q, rest);
        for (int i = 0; i < 5; i++)
            fi_put_u32(&b, bd->helper_type[i]);
        for (uint32_t f = 0; bd->ncopies && f < m->nfuncs; f++)   /* the rewind copies */
            if (fm->hot_rw[f] != FI_NONE)
                fi_put_u32(&b, m->funcs[f].type);
        break;
    case FS_SEC_TABLE:                  /* the reference save area, after the module's */
        fi_put_u32(&b, n + bd->nref);
        fi_put_bytes(&b, q, rest);
        fi_refs_tables(&b, fm);
        break;
    case FS_SEC_GLOBAL:
        fi_put_u32(&b, n + 2 + bd->nref);
        fi_put_bytes(&b, q, rest);
        for (int i = 0; i < 2; i++) {   /* (mut i32) (i32.const 0); $data i64 with memory64 */
            int wide = i == 1 && fm->mem64;
            fi_put(&b, wide ? FS_VT_I64 : FS_VT_I32);
            fi_put(&b, 1);              /* mutable */
            fi_put_op(&b, wide ? FS_OP_I64_CONST : FS_OP_I32_CONST);
            fi_put_s64(&b, 0);
            fi_put_op(&b, FS_OP_END);
        }
        if (bd->nref)
            fi_refs_globals(&b, fm);
        break;
    case FS_SEC_EXPORT: {
        /* An already-asyncified module: its own asyncify_* exports give
         * way to ours (its old runtime stays, unexported and idle). */
        uint32_t kept = 0;
        for (uint32_t i = 0; i < m->nexports; i++)
            kept += !is_abi_export(m, m->exports[i].kind, m->exports[i].name,
                                   m->exports[i].name_len);
        fi_put_u32(&b, kept + 5 + (m->nmemories > 1) + 2 * bd->nref);
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *e0 = q;
            uint32_t len = fs_leb_u32(&q);
            const char *name = (const char *)q;
            q += len;
            uint8_t kind = *q++;
            fs_leb_u32(&q);
            if (!is_abi_export(m, kind, name, len))
                fi_put_bytes(&b, e0, (size_t)(q - e0));
        }
        for (int i = 0; i < 5; i++) {
            uint32_t len = (uint32_t)strlen(abi_export[i]);
            fi_put_u32(&b, len);
            fi_put_bytes(&b, abi_export[i], len);
            fi_put(&b, FS_EXT_FUNC);
            fi_put_u32(&b, m->nfuncs + (uint32_t)i);
        }
        if (m->nmemories > 1) {         /* which memory the data struct is in */
            uint32_t len = (uint32_t)strlen(FS_FI_SAVE_MEMORY_EXPORT);
            fi_put_u32(&b, len);
            fi_put_bytes(&b, FS_FI_SAVE_MEMORY_EXPORT, len);
            fi_put(&b, FS_EXT_MEMORY);
            fi_put_u32(&b, fm->savemem);
        }
        if (bd->nref)
            fi_refs_exports(&b, fm);
        break;
    }
    case FS_SEC_TAG:                    /* forkinstr's own tag, after the module's */
        fi_put_u32(&b, n + 1);
        fi_put_bytes(&b, q, rest);
        fi_put(&b, 0);                  /* attribute: exception */
        fi_put_u32(&b, bd->tag_type);
        break;
    case FS_SEC_CODE:
        /* engines read branch hints only before the code section */
        if (bd->hints->payload.n)
            section(out, 0, &bd->hints->payload);
        section(out, FS_SEC_CODE, bd->code);
        return;
    }
    section(out, id, &b);
    free(b.p);
}

static int assemble(const build *bd, fi_buf *out)
{
    const fs_wasm_module *m = bd->m;
    uint8_t want[7] = { FS_SEC_TYPE, FS_SEC_FUNCTION, FS_SEC_GLOBAL, FS_SEC_EXPORT,
                        FS_SEC_CODE };
    int nwant = 5;
    if (bd->tag_type != FI_NONE)
        want[nwant++] = FS_SEC_TAG;
    if (bd->nref)
        want[nwant++] = FS_SEC_TABLE;
    /* missing sections are added in the order the format wants them */
    for (int i = 1; i < nwant; i++)
        for (int j = i; j > 0 && rank(want[j]) < rank(want[j - 1]); j--) {
            uint8_t t = want[j];
            want[j] = want[j - 1];
            want[j - 1] = t;
        }
    int done[7] = { 0 };
    fi_put_bytes(out, m->bytes, 8);             /* magic and version */
    for (uint32_t s = 0; s <= m->nsections; s++) {
        const fs_section *sec = s < m->nsections ? &m->sections[s] : NULL;
        int r = sec ? rank(sec->id) : 99;
        /* sections the module lacks go where the format wants them */
        for (int k = 0; k < nwant; k++)
            if (!done[k] && r > rank(want[k]) && !(sec && sec->id == want[k]) && r >= 0) {
                changed(bd, out, want[k], NULL, 0);
                done[k] = 1;
            }
        if (!sec)
            break;
        int k = -1;
        for (int j = 0; j < nwant; j++)
            if (sec->id == want[j])
                k = j;
        if (k >= 0) {
            changed(bd, out, sec->id, m->bytes + sec->offset, sec->size);
            done[k] = 1;
        } else if (bd->dbg->sec && bd->dbg->sec[s].act == FI_DSEC_DROP) {
            continue;
        } else if (bd->hints->section != FI_NONE && sec->id == 0 &&
                   sec->name_len == strlen(FI_HINT_SECTION) &&
                   !memcmp(sec->name, FI_HINT_SECTION, sec->name_len)) {
            continue;       /* written anew before the code (fi_hints.c), or dropped */
        } else if (bd->dbg->sec && bd->dbg->sec[s].act == FI_DSEC_REWRITE) {
            /* the same name, a new payload */
            fi_buf pl = { 0 };
            fi_put_u32(&pl, sec->name_len);
            fi_put_bytes(&pl, sec->name, sec->name_len);
            fi_put_bytes(&pl, bd->dbg->sec[s].payload.p, bd->dbg->sec[s].payload.n);
            section(out, 0, &pl);
            free(pl.p);
        } else {
            /* copied as is, header included */
            const uint8_t *h = m->bytes + sec->offset;
            /* the header's size LEB may be padded: walk back to its id */
            const uint8_t *start = h - 1;
            while (start > m->bytes && (start[-1] & 0x80))
                start--;
            start--;
            fi_put_bytes(out, start, (size_t)(h - start) + sec->size);
        }
    }
    return out->oom ? FS_ERR_NOMEM : FS_OK;
}

/* ---- the driver ------------------------------------------------------------ */

static int run(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c, unsigned stage,
               uint32_t save_memory, int dry_run, unsigned threads, fs_fi_debug_mode dmode,
               int hints, const uint8_t *hot, fs_fi_result *r, fs_error *err);

int fs_fi_run(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c, unsigned stage,
              uint32_t save_memory, int dry_run, fs_fi_result *r, fs_error *err)
{
    return run(m, g, c, stage, save_memory, dry_run, 0, FS_FI_DEBUG_MEASURE, 0, NULL, r, err);
}

int fs_fi_run_threads(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c,
                      unsigned stage, uint32_t save_memory, int dry_run, unsigned threads,
                      fs_fi_result *r, fs_error *err)
{
    return run(m, g, c, stage, save_memory, dry_run, threads, FS_FI_DEBUG_MEASURE, 0, NULL, r, err);
}

int fs_fi_run_debug(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c,
                    unsigned stage, uint32_t save_memory, unsigned threads,
                    fs_fi_debug_mode mode, int branch_hints, const uint8_t *hot,
                    fs_fi_result *r, fs_error *err)
{
    return run(m, g, c, stage, save_memory, 0, threads, mode, branch_hints, hot, r, err);
}

/* HOT COPIES (forkinstr.h): which of the functions HOT names get a rewind
 * copy, and its index, after the five ABI functions.  A closure function
 * that is refused or has nothing to unwind gets none (r->hot_skipped). */
static int hot_plan(fi_module *fm, const uint8_t *hot, unsigned stage, fs_fi_result *r,
                    uint32_t *ncopies)
{
    const fs_wasm_module *m = fm->m;
    *ncopies = 0;
    if (!hot)
        return FS_OK;
    fm->hot_rw = malloc(((size_t)m->nfuncs + 1) * sizeof *fm->hot_rw);
    fm->hot_body = calloc((size_t)m->nfuncs + 1, sizeof *fm->hot_body);
    if (!fm->hot_rw || !fm->hot_body)
        return FS_ERR_NOMEM;
    fi_plan p;
    memset(&p, 0, sizeof p);
    int st = FS_OK;
    for (uint32_t f = 0; f < m->nfuncs && !st; f++) {
        fm->hot_rw[f] = FI_NONE;
        if (!hot[f] || f < m->nfunc_imports || !fm->c->in[f])
            continue;           /* nothing to copy outside the closure */
        if ((st = fi_plan_function(&p, fm, f, stage)) || p.refused || !p.nsites) {
            r->hot_skipped++;
            continue;
        }
        fm->hot_rw[f] = m->nfuncs + 5 + (*ncopies)++;
    }
    fi_plan_free(&p);
    return st;
}

static int run(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c, unsigned stage,
               uint32_t save_memory, int dry_run, unsigned threads, fs_fi_debug_mode dmode,
               int hints, const uint8_t *hot, fs_fi_result *r, fs_error *err)
{
    memset(r, 0, sizeof *r);
    memset(err, 0, sizeof *err);
    r->stage = stage;
    double t0 = now();
    if (!m->nmemories) {
        snprintf(err->msg, sizeof err->msg,
                 "forkinstr needs a linear memory for the unwind frames, and the module has none");
        return FS_ERR_UNSUPPORTED;
    }
    if (save_memory >= m->nmemories) {
        snprintf(err->msg, sizeof err->msg, "--save-memory %u: the module has %u memor%s "
                 "(indices 0 to %u)", save_memory, m->nmemories, m->nmemories == 1 ? "y" : "ies",
                 m->nmemories - 1);
        return FS_ERR_USAGE;
    }
    fi_module fm;
    if (fi_module_init(&fm, m, g, c))
        return FS_ERR_NOMEM;
    fm.savemem = save_memory;
    fm.mem64 = m->memory64[save_memory];
    fi_debug dbg = { 0 };
    fi_hints bh = { .section = FI_NONE };
    fi_amap amap = { 0 };
    int have_map = 0;
    int st = FS_OK;
    fi_buf code = { 0 };
    code.count_only = dry_run;
    fi_buf out = { 0 };
    out.count_only = dry_run;
    uint32_t ndef = fs_wasm_ndefined(m);
    r->funcs = calloc(c->size ? c->size : 1, sizeof *r->funcs);
    if (!r->funcs) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    uint32_t ncopies = 0;
    if ((st = hot_plan(&fm, hot, stage, r, &ncopies)))
        goto done;
    fi_put_u32(&code, ndef + 5 + ncopies);
    /* Only a module to be written pays for the address map: its DWARF,
     * or a source map the caller holds, is mapped through it. */
    int want_map = !dry_run && dmode != FS_FI_DEBUG_MEASURE && m->code_section != UINT32_MAX;
    if (want_map && !(fm.fruns = calloc((size_t)m->nfuncs + 1, sizeof *fm.fruns))) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    if (want_map && hints && !(fm.fhints = calloc((size_t)m->nfuncs + 1, sizeof *fm.fhints))) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    st = fi_run_funcs(&fm, stage, &code, r, threads);
    if (st)
        goto done;
    if (want_map) {
        st = fi_amap_build(&amap, m, fm.fruns, &code);
        for (uint32_t f = 0; f < m->nfuncs; f++)
            free(fm.fruns[f].v);
        free(fm.fruns);
        fm.fruns = NULL;
        if (st)
            goto done;
        have_map = 1;
    }
    /* The branch hints (fi_hints.h): only for a module to be written, as
     * the debug sections; the reports copy the input's as they are. */
    if (have_map && (st = fi_hints_prepare(&bh, m, &fm, &amap, r)))
        goto done;
    build bd = { m, &fm, &code, { 0 }, FI_NONE, dry_run, &dbg, 0, &bh, ncopies };
    /* the reference save area exists only when some frame holds a reference */
    for (uint32_t i = 0; i < r->nfuncs; i++)
        if (r->funcs[i].ref_slots)
            bd.nref = fm.nref;
    static const fs_valtype i32 = { .code = FS_VT_I32 }, i64 = { .code = FS_VT_I64 };
    uint32_t t_i32_void, t_void, t_void_i32;
    /* start_unwind and start_rewind take the data pointer: i64 with memory64 */
    if (fi_functype(&fm, fm.mem64 ? &i64 : &i32, 1, NULL, 0, &t_i32_void) ||
        fi_functype(&fm, NULL, 0, NULL, 0, &t_void) ||
        fi_functype(&fm, NULL, 0, &i32, 1, &t_void_i32)) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    uint32_t ht[5] = { t_i32_void, t_void, t_i32_void, t_void, t_void_i32 };
    /* A rewind into a catch_all arm throws a tag of forkinstr's own, which
     * no catch clause of the module names (index m->ntags, type [] -> []). */
    for (uint32_t i = 0; i < r->nfuncs; i++)
        if (r->funcs[i].private_tag)
            bd.tag_type = t_void;
    r->new_tags = bd.tag_type != FI_NONE;
    memcpy(bd.helper_type, ht, sizeof ht);
    size_t before_helpers = code.n;
    for (int i = 0; i < 5; i++)
        helper_body(&code, &fm, i);
    r->helper_bytes = code.n - before_helpers;
    for (uint32_t f = 0; ncopies && f < m->nfuncs; f++)     /* the rewind copies */
        if (fm.hot_rw[f] != FI_NONE) {
            if (code.count_only)
                code.n += fm.hot_body[f].n;
            else
                fi_put_bytes(&code, fm.hot_body[f].p, fm.hot_body[f].n);
        }
    if (code.oom) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    r->code_before = m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].size;
    r->code_after = code.n;
    if ((st = fi_debug_prepare(&dbg, m, dmode, have_map ? &amap : NULL, r)))
        goto done;
    if ((st = assemble(&bd, &out)))
        goto done;
    r->module_bytes = out.n - m->size;
    r->new_types = fm.nsigs - fm.first_new;
    r->new_globals = 2 + bd.nref;
    r->new_exports = 5 + (m->nmemories > 1) + 2 * bd.nref;
    r->new_tables = bd.nref;
    r->save_memory = save_memory;
    r->new_functions = 5 + ncopies;
    if (!dry_run) {
        r->out = out.p;
        r->out_size = out.n;
        out.p = NULL;
    }
    if (have_map) {
        if (!(r->amap = malloc(sizeof *r->amap))) {
            st = FS_ERR_NOMEM;
            goto done;
        }
        *r->amap = amap;            /* the result owns it now */
        memset(&amap, 0, sizeof amap);
    }
    r->seconds = now() - t0;
done:
    free(code.p);
    free(out.p);
    fi_debug_free(&dbg, m->nsections);
    fi_hints_free(&bh);
    fi_amap_free(&amap);
    if (fm.fhints) {
        for (uint32_t f = 0; f < m->nfuncs; f++)
            free(fm.fhints[f].v);
        free(fm.fhints);
        fm.fhints = NULL;
    }
    if (fm.fruns) {
        for (uint32_t f = 0; f < m->nfuncs; f++)
            free(fm.fruns[f].v);
        free(fm.fruns);
        fm.fruns = NULL;
    }
    if (fm.hot_body)
        for (uint32_t f = 0; f < m->nfuncs; f++)
            free(fm.hot_body[f].p);
    free(fm.hot_body);
    free(fm.hot_rw);
    fi_module_free(&fm);
    if (st == FS_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory while instrumenting");
    else if (st)
        snprintf(err->msg, sizeof err->msg, "forkinstr could not read a function body");
    return st;
}

void fs_fi_free(fs_fi_result *r)
{
    free(r->funcs);
    free(r->out);
    free(r->debug);
    if (r->amap)
        fi_amap_free(r->amap);
    free(r->amap);
    memset(r, 0, sizeof *r);
}
