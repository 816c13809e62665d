/* stats_json.c - the forksize/stats@2 document (docs/json-schema.md),
 * written (fs_emit_json).  stats_json_read.c reads it back for forksize
 * diff; both spell the members they share from stats_json_keys.h.
 *
 * Everything is written by cJSON, but not as one tree: the summary is one
 * cJSON document, and each function row is printed by cJSON from a row
 * object on its own line, streamed after it.  A single tree for a module
 * with 20k functions held 600k nodes (~60 MB) and spent most of its time
 * in cJSON's double formatting; integers are therefore handed to cJSON as
 * raw number text, which is exact for every count we emit.
 *
 * Field names are the schema's contract with other tools: add fields
 * freely, never rename or retype one without bumping the schema version.
 */
#include "group.h"
#include "report.h"

#include "diff.h"
#include "stackbound.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stats_json_keys.h"

/* cJSON reports allocation failure by returning NULL from every adder;
 * one check at the end (and cJSON_Delete of the partial tree) covers it. */
static cJSON *num(cJSON *o, const char *k, double v)
{
    return cJSON_AddNumberToObject(o, k, v);
}

/* An exact unsigned integer, as raw JSON number text. */
static cJSON *juint(cJSON *o, const char *k, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return cJSON_AddRawToObject(o, k, buf);
}

/* A row's name in JSON: the raw one (its "demangled_name" is separate). */
static const char *json_name(const fs_row *row, char *buf, size_t cap)
{
    return fs_func_display_name(row->name, row->name_len, row->index, buf, cap);
}

/* The row object is built once per thread and refilled for each row
 * through cJSON's public item fields, then printed by cJSON: creating and
 * freeing 25 items per row was most of the cost of a 20k-row report. */
enum { R_INDEX, R_BODY, R_OFFSET, R_CALLSITES, R_CALLS, R_LOCALS, R_KIND0,
       R_FIXED = R_KIND0 + FS_VK_COUNT, R_CALLSITE, R_LOCAL, R_TOTAL, R_DELTA,
       R_DISPATCH, R_FRAME, R_NP0, R_NUMS = R_NP0 + FS_FI_NNP };

typedef struct row_tpl {
    cJSON *obj;
    cJSON *num[R_NUMS];        /* raw number items, each with room for 20 digits */
    cJSON *name, *in_closure, *label, *refused, *name_src;
    char  *name_own, *label_own, *refused_own, *name_src_own; /* cJSON's own strings,
                                                                 restored before delete */
    cJSON *dname;              /* "demangled_name", when the report demangled any */
    char  *dname_own;
    int    fi;                 /* forkinstr: dispatch, frame_bytes, refused */
    char  *namebuf;  size_t namecap;
    char  *print;    size_t printcap;
} row_tpl;

/* Room for any uint64 in a raw item's own buffer. */
static const char wide[] = "18446744073709551615";

static cJSON *raw(cJSON *o, const char *k)
{
    return cJSON_AddRawToObject(o, k, wide);
}

static int tpl_init(row_tpl *t, int fi, int symbols, int demangled)
{
    memset(t, 0, sizeof *t);
    t->fi = fi;
    cJSON *o = t->obj = cJSON_CreateObject();
    t->num[R_INDEX] = raw(o, K_INDEX);
    t->name = cJSON_AddStringToObject(o, K_NAME, "");
    /* with --symbols, or names from DWARF, only: where the name came from */
    if (symbols) {
        if (!(t->name_src = cJSON_AddStringToObject(o, "name_source", "")))
            return -1;
        t->name_src_own = t->name_src->valuestring;
    }
    /* when some name was demangled: the demangled name ("name" stays the
     * raw one, which Binaryen and --root know) */
    if (demangled) {
        if (!(t->dname = cJSON_AddStringToObject(o, "demangled_name", "")))
            return -1;
        t->dname_own = t->dname->valuestring;
    }
    t->num[R_BODY] = raw(o, "body_bytes");
    t->num[R_OFFSET] = raw(o, "body_offset");
    t->in_closure = cJSON_AddFalseToObject(o, K_IN_CLOSURE);
    t->num[R_CALLSITES] = raw(o, "callsites");
    t->num[R_CALLS] = raw(o, "calls");
    t->num[R_LOCALS] = raw(o, "locals");
    cJSON *k = cJSON_AddObjectToObject(o, "locals_by_type");
    for (int i = 0; i < FS_VK_COUNT; i++)
        t->num[R_KIND0 + i] = raw(k, fs_valkind_name[i]);
    cJSON *c = cJSON_AddObjectToObject(o, K_COST);
    t->num[R_FIXED] = raw(c, K_FIXED);
    t->num[R_CALLSITE] = raw(c, K_CALLSITE);
    t->num[R_LOCAL] = raw(c, K_LOCAL);
    if (fi)
        t->num[R_DISPATCH] = raw(c, K_DISPATCH);
    t->num[R_TOTAL] = raw(c, K_TOTAL);
    t->label = cJSON_AddStringToObject(o, "label", "");
    if (fi) {
        t->num[R_FRAME] = raw(o, "frame_bytes");
        cJSON *np = cJSON_AddObjectToObject(o, K_NORMAL_PATH);
        for (int i = 0; i < FS_FI_NNP; i++)
            t->num[R_NP0 + i] = raw(np, fs_fi_np_name[i]);
        t->refused = cJSON_AddStringToObject(o, "refused", "");
        if (!t->refused)
            return -1;
        t->refused_own = t->refused->valuestring;
    }
    /* measured growth (--apply asyncify), null when not measured; signed */
    t->num[R_DELTA] = cJSON_AddRawToObject(o, K_DELTA, "-9223372036854775808");
    for (int i = 0; i < R_NUMS; i++)
        if (!t->num[i] && (fi || i < R_DISPATCH))
            return -1;
    if (!t->name || !t->in_closure || !t->label)
        return -1;
    t->name_own = t->name->valuestring;
    t->label_own = t->label->valuestring;
    return 0;
}

static void tpl_free(row_tpl *t)
{
    if (t->obj) {
        t->name->valuestring = t->name_own;
        t->label->valuestring = t->label_own;
        if (t->refused)
            t->refused->valuestring = t->refused_own;
        if (t->name_src)
            t->name_src->valuestring = t->name_src_own;
        if (t->dname)
            t->dname->valuestring = t->dname_own;
        cJSON_Delete(t->obj);
    }
    free(t->namebuf);
    free(t->print);
    memset(t, 0, sizeof *t);
}

static void set_num(cJSON *item, uint64_t v)
{
    /* Digits by hand into the item's own 21-byte buffer: snprintf's format
     * parsing was a tenth of the time of a large report. */
    char tmp[24], *p = tmp + sizeof tmp - 1;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(item->valuestring, p, (size_t)(tmp + sizeof tmp - p));
}

static void set_type(cJSON *item, int type)
{
    item->type = (item->type & ~0xFF) | type;
}

/* Fills the template from ROW and prints it; returns the text or NULL. */
static const char *tpl_print(row_tpl *t, const fs_row *row)
{
    const uint64_t nums[R_NUMS] = {
        row->index, row->body_bytes, row->body_offset, row->callsites, row->calls, row->locals,
        row->locals_kind[0], row->locals_kind[1], row->locals_kind[2], row->locals_kind[3],
        row->locals_kind[4], row->locals_kind[5],
        row->cost.fixed, row->cost.callsite, row->cost.local, row->cost.total, 0,
        row->cost.dispatch, row->frame_bytes, row->np[0], row->np[1], row->np[2],
    };
    if (t->fi) {
        for (int i = R_DISPATCH; i < R_NUMS; i++)
            set_num(t->num[i], nums[i]);
        if (row->refused) {
            t->refused->valuestring = (char *)row->refused;   /* printed, never freed */
            set_type(t->refused, cJSON_String);
        } else {
            set_type(t->refused, cJSON_NULL);
        }
    }
    for (int i = 0; i < R_DELTA; i++)
        set_num(t->num[i], nums[i]);
    if (row->measured) {
        set_type(t->num[R_DELTA], cJSON_Raw);
        if (row->delta < 0) {
            set_num(t->num[R_DELTA], (uint64_t)(-row->delta));
            memmove(t->num[R_DELTA]->valuestring + 1, t->num[R_DELTA]->valuestring,
                    strlen(t->num[R_DELTA]->valuestring) + 1);
            t->num[R_DELTA]->valuestring[0] = '-';
        } else {
            set_num(t->num[R_DELTA], (uint64_t)row->delta);
        }
    } else {
        set_type(t->num[R_DELTA], cJSON_NULL);
    }
    if (row->name) {
        if (row->name_len + 1 > t->namecap) {
            char *nb = realloc(t->namebuf, (size_t)row->name_len + 64);
            if (!nb)
                return NULL;
            t->namebuf = nb;
            t->namecap = (size_t)row->name_len + 64;
        }
        memcpy(t->namebuf, row->name, row->name_len);
        t->namebuf[row->name_len] = 0;
        t->name->valuestring = t->namebuf;
        set_type(t->name, cJSON_String);
    } else {
        set_type(t->name, cJSON_NULL);
    }
    if (t->name_src && row->name) {
        t->name_src->valuestring = (char *)(row->name_from_symbols == FS_NAME_FROM_DWARF ? "dwarf"
                                            : row->name_from_symbols ? "symbol_map"
                                            : "name_section");
        set_type(t->name_src, cJSON_String);
    } else if (t->name_src) {
        set_type(t->name_src, cJSON_NULL);
    }
    if (t->dname && row->demangled) {
        t->dname->valuestring = row->demangled;        /* printed, never freed here */
        set_type(t->dname, cJSON_String);
    } else if (t->dname) {
        set_type(t->dname, cJSON_NULL);
    }
    set_type(t->in_closure, row->in_closure ? cJSON_True : cJSON_False);
    if (row->label) {
        t->label->valuestring = (char *)row->label;   /* printed, never freed */
        set_type(t->label, cJSON_String);
    } else {
        set_type(t->label, cJSON_NULL);
    }
    /* Worst case: every name byte escaped as \u00XX, plus the fixed part. */
    size_t need = 6 * ((size_t)row->name_len + row->demangled_len) + 1024;
    if (need > t->printcap) {
        char *nb = realloc(t->print, need);
        if (!nb)
            return NULL;
        t->print = nb;
        t->printcap = need;
    }
    if (need > INT32_MAX || !cJSON_PrintPreallocated(t->obj, t->print, (int)need, 0))
        return NULL;
    return t->print;
}

/* Rows [from, to) to OUT, each preceded by its separator. */
static int print_rows(const fs_report *r, uint32_t from, uint32_t to, FILE *out)
{
    row_tpl t;
    int st = tpl_init(&t, r->fi_applied, r->symbols_path != NULL || r->dwarf_named,
                      r->names_demangled != 0);
    for (uint32_t i = from; i < to && st == 0; i++) {
        const char *text = tpl_print(&t, &r->rows[i]);
        if (!text) {
            st = -1;
            break;
        }
        fputs(i ? ",\n\t\t" : "\n\t\t", out);
        fputs(text, out);
    }
    tpl_free(&t);
    return st;
}

typedef struct rows_job {
    const fs_report *r;
    uint32_t from, to;
    char    *buf;
    size_t   len;
    int      status;
} rows_job;

static void *rows_thread(void *p)
{
    rows_job *j = p;
    FILE *mem = open_memstream(&j->buf, &j->len);
    j->status = mem ? print_rows(j->r, j->from, j->to, mem) : -1;
    if (mem && fclose(mem) != 0)
        j->status = -1;
    return NULL;
}

/* NAN (an undefined standard error, say) is written as null. */
static void numn(cJSON *o, const char *k, double v)
{
    if (v != v)
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, v);
}

static void fit_obj(cJSON *doc, const fs_report *r)
{
    static const char *const coef3[3] = { "A", "B", "C" };
    static const char *const term3[3] = { "fixed", "callsite", "local" };
    const fs_fit *f = &r->fit, *g = &r->fit_typed;
    cJSON *o = cJSON_AddObjectToObject(doc, "fit");
    cJSON_AddStringToObject(o, "label", "fitted");
    cJSON_AddStringToObject(o, "model", "delta_bytes = A + B*callsites + C*locals");
    juint(o, "observations", f->nobs);
    cJSON *se = cJSON_CreateObject(), *share = cJSON_CreateObject();
    for (int k = 0; k < 3; k++) {
        numn(o, coef3[k], f->coef[k]);
        numn(se, coef3[k], f->se[k]);
        numn(share, term3[k], f->share[k]);
    }
    cJSON_AddItemToObject(o, "se", se);
    cJSON_AddItemToObject(o, "share", share);
    numn(o, "r2", f->r2);
    numn(o, "residual_median", f->resid_median);
    numn(o, "residual_p90", f->resid_p90);
    cJSON *worst = cJSON_AddArrayToObject(o, "worst");
    char nb[256];
    for (unsigned w = 0; w < f->nworst; w++) {
        const fs_row *row = &r->rows[r->fit_rows[f->worst[w]]];
        cJSON *e = cJSON_CreateObject();
        juint(e, "index", row->index);
        cJSON_AddStringToObject(e, "name", json_name(row, nb, sizeof nb));
        numn(e, "residual", f->worst_resid[w]);
        cJSON_AddItemToArray(worst, e);
    }
    cJSON *bt = cJSON_AddObjectToObject(o, "by_type");
    numn(bt, "A", g->coef[0]);
    numn(bt, "B", g->coef[1]);
    cJSON *c = cJSON_AddObjectToObject(bt, "C"), *cse = cJSON_AddObjectToObject(bt, "C_se");
    for (int k = 0; k < 5; k++) {
        numn(c, fs_valkind_name[k], g->coef[2 + k]);
        numn(cse, fs_valkind_name[k], g->se[2 + k]);
    }
    numn(bt, "r2", g->r2);
}

/* Names of row positions as a JSON array (raw names, as in "name"). */
static void name_array(cJSON *o, const char *k, const fs_report *r, const uint32_t *p, uint32_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    char nb[512];
    for (uint32_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(json_name(&r->rows[p[i]], nb, sizeof nb)));
}

static void stack_obj(cJSON *doc, const fs_report *r)
{
    cJSON *o = cJSON_AddObjectToObject(doc, "stack_bound");
    if (r->stack_unbounded)
        cJSON_AddNullToObject(o, "bytes");
    else
        juint(o, "bytes", r->stack_bytes);
    cJSON_AddBoolToObject(o, "unbounded", r->stack_unbounded);
    name_array(o, "cycle", r, r->stack_cycle, r->nstack_cycle);
    name_array(o, "path", r, r->stack_path, r->nstack_path);
    juint(o, "entries", r->stack_entries);
    juint(o, "default_limit", FS_STACK_DEFAULT_LIMIT);
    cJSON_AddBoolToObject(o, "fits_default",
                          !r->stack_unbounded && r->stack_bytes <= FS_STACK_DEFAULT_LIMIT);
    cJSON_AddStringToObject(o, "label", r->stack_label);
}

static cJSON *build(const fs_report *r)
{
    cJSON *doc = cJSON_CreateObject();
    fs_json_head(doc, FS_STATS_SCHEMA, r->tool_version);

    /* What produced these numbers: reports made with different options
     * are not comparable (forksize diff refuses them without --force). */
    cJSON *opt = cJSON_AddObjectToObject(doc, K_OPTIONS);
    cJSON *ors = cJSON_AddArrayToObject(opt, K_ROOTS);
    for (unsigned i = 0; i < r->nroots; i++)
        cJSON_AddItemToArray(ors, cJSON_CreateString(r->roots[i].spec));
    cJSON_AddStringToObject(opt, K_INDIRECT, r->policy);
    cJSON_AddStringToObject(opt, K_APPLY, r->apply_requested);
    if (!strcmp(r->apply_requested, "asyncify")) {
        num(opt, K_OPT_LEVEL, r->opt_level);
        /* which Binaryen measured: diff compares reports of one version only */
        if (r->binaryen_version)
            cJSON_AddStringToObject(opt, "binaryen_version", r->binaryen_version);
        if (r->wasm_opt)
            cJSON_AddStringToObject(opt, "wasm_opt", r->wasm_opt);
        else if (r->binaryen_version)
            cJSON_AddNullToObject(opt, "wasm_opt");
    }
    cJSON *mdl = cJSON_AddArrayToObject(opt, K_MODEL);
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(r->profile.fixed));
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(r->profile.callsite));
    cJSON_AddItemToArray(mdl, cJSON_CreateNumber(r->profile.local_i32));

    cJSON *mod = cJSON_AddObjectToObject(doc, K_MODULE);
    cJSON_AddStringToObject(mod, "path", r->path);
    cJSON_AddStringToObject(mod, K_SHA256, r->sha256);
    juint(mod, "bytes", r->bytes);
    juint(mod, "code_section_bytes", r->code_section_bytes);
    juint(mod, "functions", r->functions);
    juint(mod, "imports", r->imports);
    juint(mod, "address_taken", r->address_taken);
    juint(mod, "indirect_call_sites", r->indirect_sites);
    if (r->symbols_path) {          /* --symbols: where the other names came from */
        cJSON *sy = cJSON_AddObjectToObject(mod, "symbol_map");
        cJSON_AddStringToObject(sy, "path", r->symbols_path);
        juint(sy, "entries", r->symbols_lines);
        juint(sy, "named", r->symbols_applied);
        juint(sy, "already_named", r->symbols_kept);
    }
    if (r->names_mangled) {         /* C++/Rust mangled names, and how many were demangled */
        cJSON *dm = cJSON_AddObjectToObject(mod, "demangle");
        cJSON_AddBoolToObject(dm, "enabled", r->demangle);
        juint(dm, "mangled", r->names_mangled);
        juint(dm, "demangled", r->names_demangled);
    }
    if (r->dwarf_read) {            /* the .debug_* sections were read (names, --group-by) */
        cJSON *dw = cJSON_AddObjectToObject(mod, "dwarf");
        juint(dw, "compile_units", r->dwarf_cus);
        juint(dw, "named", r->dwarf_named);
    }

    cJSON *roots = cJSON_AddArrayToObject(doc, K_ROOTS);
    for (unsigned i = 0; i < r->nroots; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "spec", r->roots[i].spec);
        juint(o, K_MATCHED, r->roots[i].matched);
        cJSON_AddBoolToObject(o, "default", r->roots_default);
        cJSON_AddItemToArray(roots, o);
    }

    cJSON *cl = cJSON_AddObjectToObject(doc, K_CLOSURE);
    cJSON_AddStringToObject(cl, "policy", r->policy);
    juint(cl, K_FUNCTIONS, r->closure_functions);
    num(cl, "fraction", r->closure_fraction);
    juint(cl, "callsites", r->closure_callsites);
    juint(cl, "locals", r->closure_locals);

    cJSON *ins = cJSON_AddObjectToObject(doc, K_INS);
    cJSON_AddStringToObject(ins, K_MODE, r->mode);
    cJSON_AddStringToObject(ins, K_LABEL, r->label);
    juint(ins, K_BEFORE, r->code_bytes_before);
    juint(ins, K_AFTER, r->code_bytes_after);
    num(ins, K_GROWTH, r->growth);
    if (r->applied) {
        /* A/B through Binaryen: what was measured and how. */
        cJSON *p = cJSON_AddObjectToObject(ins, "binaryen");
        num(p, "opt_level", r->opt_level);
        num(p, "seconds_baseline", r->peer_seconds[0]);
        num(p, "seconds_asyncify", r->peer_seconds[1]);
        juint(p, "functions_measured", r->m.matched);
        juint(p, "functions_removed", r->m.removed);
        juint(p, "helpers", r->m.nhelpers);
        juint(p, "helper_bytes", r->m.helper_bytes);
        num(p, "module_bytes", (double)r->m.module_bytes);
    }
    if (r->fi_applied) {
        /* forkinstr: what was emitted (or counted) and what was not. */
        const fs_fi_result *fi = r->fi;
        cJSON *p = cJSON_AddObjectToObject(ins, "forkinstr");
        cJSON_AddStringToObject(p, "stage", r->fi_stage);
        juint(p, "save_memory", fi->save_memory);
        cJSON_AddBoolToObject(p, "dry_run", !strcmp(r->mode, "simulate"));
        juint(p, "instrumented", fi->instrumented);
        juint(p, "refused", fi->refused);
        juint(p, "no_reachable_site", fi->untouched);
        juint(p, "refused_estimate_bytes", r->refused_estimate);
        juint(p, "guard_bytes", fi->guard_bytes);
        cJSON *ml = cJSON_AddObjectToObject(p, "module_level");
        juint(ml, "types", fi->new_types);
        juint(ml, "globals", fi->new_globals);
        juint(ml, "functions", fi->new_functions);
        juint(ml, "function_bytes", fi->helper_bytes);
        juint(ml, "exports", fi->new_exports);
        num(ml, "module_bytes", (double)fi->module_bytes);
        cJSON *ft = cJSON_AddObjectToObject(p, "terms");
        juint(ft, "fixed", r->terms.fixed);
        juint(ft, "callsite", r->terms.callsite);
        juint(ft, "local", r->terms.local);
        juint(ft, "dispatch", r->terms.dispatch);
        juint(ft, "total", r->terms.total);
        cJSON_AddStringToObject(ft, "label", r->label);
        /* the static normal-path proxy (forkinstr.h), instrumented
         * functions only: exact in both modes, since it is read from
         * what the emitter writes */
        cJSON *np = cJSON_AddObjectToObject(p, K_NORMAL_PATH);
        uint64_t all = 0;
        for (int i = 0; i < FS_FI_NNP; i++) {
            juint(np, fs_fi_np_name[i], fi->np[i]);
            all += fi->np[i];
        }
        juint(np, "total", all);
        cJSON_AddStringToObject(np, "label", "exact");
    }

    cJSON *model = cJSON_AddObjectToObject(doc, "model");
    cJSON_AddStringToObject(model, "profile", r->profile.name);
    num(model, "A", r->profile.fixed);
    num(model, "B", r->profile.callsite);
    num(model, "C", r->local_bytes[FS_VK_I32]);
    cJSON *lb = cJSON_AddObjectToObject(model, "local_bytes");
    for (int k = 0; k < FS_VK_COUNT; k++)
        num(lb, fs_valkind_name[k], r->local_bytes[k]);
    cJSON_AddBoolToObject(model, "leb_aware", 1);
    cJSON_AddStringToObject(model, "label", "estimated");

    cJSON *terms = cJSON_AddObjectToObject(doc, K_TERMS);
    juint(terms, K_FIXED, r->terms.fixed);
    juint(terms, K_CALLSITE, r->terms.callsite);
    juint(terms, K_LOCAL, r->terms.local);
    juint(terms, K_TOTAL, r->terms.total);
    if (r->fi_applied)
        juint(terms, K_DISPATCH, r->terms.dispatch);
    /* the model's split in model and asyncify modes; forkinstr's own */
    cJSON_AddStringToObject(terms, "label", r->fi_applied ? r->label : "estimated");
    juint(terms, "unpriced_ref_local_functions", r->unsaveable_functions);

    stack_obj(doc, r);

    if (r->has_fit)
        fit_obj(doc, r);

    if (r->groups)                  /* --group-by: the rows rolled up (group.h) */
        cJSON_AddItemToObject(doc, "groups", fs_groups_json(r->groups));

    cJSON *warn = cJSON_AddArrayToObject(doc, "warnings");
    for (unsigned i = 0; i < r->nwarnings; i++)
        cJSON_AddItemToArray(warn, cJSON_CreateString(r->warnings[i]));

    /* --summary is a baseline to commit: only what is deterministic */
    if (r->summary)
        return doc;
    cJSON *timing = cJSON_AddObjectToObject(doc, "timing");
    num(timing, "analyze_ms", r->analyze_ms);
    num(timing, "decode_ms", r->decode_ms);
    num(timing, "hash_wait_ms", r->hash_wait_ms);
    num(timing, "graph_ms", r->graph_ms);
    if (r->fi_applied)
        num(timing, "forkinstr_ms", r->fi->seconds * 1000.0);
    if (r->dwarf_read)
        num(timing, "dwarf_ms", r->dwarf_ms);
    return doc;
}

void fs_json_head(cJSON *doc, const char *schema, const char *tool_version)
{
    cJSON_AddStringToObject(doc, K_SCHEMA, schema);
    cJSON *tool = cJSON_AddObjectToObject(doc, K_TOOL);
    cJSON_AddStringToObject(tool, "name", "forksize");
    cJSON_AddStringToObject(tool, K_VERSION, tool_version);
}

int fs_json_print(cJSON *doc, FILE *out, fs_error *err)
{
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (!text) {
        snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
        return FS_ERR_NOMEM;
    }
    fputs(text, out);
    fputc('\n', out);
    cJSON_free(text);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

/* Below this many rows a second printing thread is not worth starting. */
#define PARALLEL_ROWS 4096u

int fs_emit_json(const fs_report *r, FILE *out, fs_error *err)
{
    cJSON *doc = build(r);
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    size_t len = text ? strlen(text) : 0;
    /* A formatted cJSON object ends in "\n}": the rows array is spliced in
     * before that brace, as the document's last member. */
    if (!text || len < 2 || text[len - 1] != '}' || text[len - 2] != '\n') {
        cJSON_free(text);
        snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
        return FS_ERR_NOMEM;
    }
    fwrite(text, 1, len - 2, out);
    cJSON_free(text);
    if (r->summary) {
        /* --summary: the totals only (a baseline small enough to commit);
         * diff reads it like any report, with no function to pair */
        fputs(",\n\t\"summary\":\ttrue,\n\t\"" K_FUNCTIONS "\": []\n}\n", out);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    fputs(",\n\t\"" K_FUNCTIONS "\": [", out);
    /* Large reports print their second half on another thread into memory;
     * it is written after the first half, so the bytes are the same. */
    rows_job job = { r, r->nrows / 2, r->nrows, NULL, 0, 0 };
    pthread_t th;
    int threaded = r->nrows >= PARALLEL_ROWS && pthread_create(&th, NULL, rows_thread, &job) == 0;
    int st = print_rows(r, 0, threaded ? job.from : r->nrows, out);
    if (threaded) {
        pthread_join(th, NULL);
        if (st == 0 && job.status == 0)
            fwrite(job.buf, 1, job.len, out);
        else
            st = -1;
        free(job.buf);
    }
    if (st != 0) {
        snprintf(err->msg, sizeof err->msg, "out of memory writing JSON");
        return FS_ERR_NOMEM;
    }
    fputs(r->nrows ? "\n\t]\n}\n" : "]\n}\n", out);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
