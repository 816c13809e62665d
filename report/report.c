/* report.c - builds the row model from the analyses. */
#include "report.h"

#include "demangle.h"
#include "stackbound.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 2, 3)))
static void warn(fs_report *r, const char *fmt, ...)
{
    if (r->nwarnings == FS_REPORT_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings[r->nwarnings++], sizeof r->warnings[0], fmt, ap);
    va_end(ap);
}

/* The warnings a reader of any format must see, as data: the CLI prints
 * them on stderr and the JSON report carries them. */
/* Least squares over the measured closure members; labelled fitted.
 * An empty fit leaves has_fit 0, which collect_warnings reports. */
static int fit_measured(fs_report *r)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->nrows; i++)
        n += r->rows[i].in_closure && r->rows[i].measured;
    if (n == 0)
        return FS_OK;
    double *x1 = malloc((size_t)n * 3 * sizeof *x1);
    double *x2 = malloc((size_t)n * 7 * sizeof *x2);
    double *y = malloc((size_t)n * sizeof *y);
    r->fit_rows = malloc((size_t)n * sizeof *r->fit_rows);
    if (!x1 || !x2 || !y || !r->fit_rows) {
        free(x1);
        free(x2);
        free(y);
        return FS_ERR_NOMEM;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->nrows; i++) {
        const fs_row *row = &r->rows[i];
        if (!row->in_closure || !row->measured)
            continue;
        r->fit_rows[k] = i;
        y[k] = (double)row->delta;
        double *a = &x1[k * 3], *b = &x2[k * 7];
        a[0] = b[0] = 1.0;
        a[1] = b[1] = row->callsites;
        /* Reference locals cannot be saved by Asyncify; they are not a term. */
        a[2] = (double)(row->locals - row->locals_kind[FS_VK_REF]);
        for (int t = 0; t < 5; t++)
            b[2 + t] = row->locals_kind[t];
        k++;
    }
    fs_error err;
    int st = fs_fit_ols(x1, y, n, 3, &r->fit, &err);
    if (st == FS_OK)
        st = fs_fit_ols(x2, y, n, 7, &r->fit_typed, &err);
    free(x1);
    free(x2);
    free(y);
    r->has_fit = st == FS_OK;
    return st == FS_ERR_NOMEM ? st : FS_OK;
}

static void collect_warnings(fs_report *r, const fs_wasm_module *m, const fs_report_input *in)
{
    if (m->name_warning[0])
        warn(r, "%s", m->name_warning);
    if (in->dwarf_warning)
        warn(r, "%s", in->dwarf_warning);
    if (in->fallback)
        warn(r, "%s", in->fallback);
    for (unsigned i = 0; i < in->nspecs; i++) {
        const fs_root_spec *s = &in->specs[i];
        uint32_t n = s->matched_no_import_calls;
        /* A defined root with no import call has no unwind point of its
         * own: it is instrumented, but nothing in it can start an unwind. */
        if (s->kind != FS_ROOT_IMPORT && n)
            warn(r, "root %.200s matches %u function%s that call%s no import, so %s no unwind "
                 "point of %s own", s->text, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
                 n == 1 ? "it has" : "they have", n == 1 ? "its" : "their");
    }
    if (r->applied && !r->has_fit)
        warn(r, "no fit: no closure function survived -O%d in both builds to be measured",
             r->opt_level);
    else if (r->applied && r->fit.dof == 0)
        warn(r, "the fit has as many coefficients as measured functions (%u): it interpolates, "
             "and its standard errors are undefined", r->fit.nobs);
    if (in->c->ignored_ref_sites)
        warn(r, "%u call_ref site%s not treated as unwind points: --indirect asyncify follows "
             "Binaryen's Asyncify, which ignores call_ref; a fork through them would not "
             "rewind (--indirect typed or table counts them)", in->c->ignored_ref_sites,
             in->c->ignored_ref_sites == 1 ? " is" : "s are");
    if (r->unsaveable_functions)
        warn(r, "%u closure function%s reference-typed locals that linear memory cannot hold; "
             "the estimate does not price them", r->unsaveable_functions,
             r->unsaveable_functions == 1 ? " has" : "s have");
}

/* The stack bound, with row positions for the path and the cycle. */
static int stack_bound(fs_report *r, const fs_report_input *in)
{
    const fs_wasm_module *m = in->m;
    uint32_t *own = NULL;
    const uint32_t *frames = in->frames;
    r->stack_label = in->frames ? (in->frames_label ? in->frames_label : "measured") : "estimated";
    if (!frames) {
        own = malloc(((size_t)m->nfuncs + 1) * sizeof *own);
        if (!own)
            return FS_ERR_NOMEM;
        fs_stack_frames_estimate(m, in->c, own);
        frames = own;
    }
    fs_stack_bound b;
    fs_error err;
    int st = fs_stack_bound_compute(in->c, in->g, frames, &b, &err);
    free(own);
    if (st)
        return st;
    r->stack_unbounded = b.unbounded;
    r->stack_bytes = b.bytes;
    r->stack_entries = b.entries;
    /* Only defined functions are on a path: row position = index - imports. */
    for (uint32_t i = 0; i < b.npath; i++)
        b.path[i] -= m->nfunc_imports;
    for (uint32_t i = 0; i < b.ncycle; i++)
        b.cycle[i] -= m->nfunc_imports;
    r->stack_path = b.path;
    r->nstack_path = b.npath;
    r->stack_cycle = b.cycle;
    r->nstack_cycle = b.ncycle;
    return FS_OK;
}

int fs_format_parse(const char *s)
{
    static const char *const names[] = { "text", "json", "csv", "md" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

/* forkinstr: each instrumented function's cost is what the emitter
 * wrote for it, term by term; a refused one keeps the model's estimate
 * and says so.  The code section sizes are the emitter's own (real for
 * forkinstr, counted for simulate: the same numbers). */
static void apply_fi(fs_report *r, const fs_report_input *in)
{
    const fs_fi_result *fi = in->fi;
    const fs_wasm_module *m = in->m;
    r->fi_applied = 1;
    r->fi = fi;
    r->fi_stage = fs_fi_stage_name[fi->stage];
    r->mode = in->fi_dry ? "simulate" : "forkinstr";
    r->label = in->fi_dry ? "exact (dry run)" : "measured";
    memset(&r->terms, 0, sizeof r->terms);
    for (uint32_t i = 0; i < fi->nfuncs; i++) {
        const fs_fi_func *ff = &fi->funcs[i];
        fs_row *row = &r->rows[ff->func - m->nfunc_imports];
        row->frame_bytes = ff->frame_bytes;
        memcpy(row->np, ff->np, sizeof row->np);
        if (ff->refused) {
            row->refused = ff->refused;
            row->label = "estimated";
            r->refused_estimate += row->cost.total;
            continue;
        }
        row->label = r->label;
        row->cost.fixed = ff->term[FS_FI_FIXED];
        row->cost.callsite = ff->term[FS_FI_CALLSITE];
        row->cost.local = ff->term[FS_FI_LOCAL];
        row->cost.dispatch = ff->term[FS_FI_DISPATCH];
        row->cost.total = ff->total;
        r->terms.fixed += row->cost.fixed;
        r->terms.callsite += row->cost.callsite;
        r->terms.local += row->cost.local;
        r->terms.dispatch += row->cost.dispatch;
    }
    r->terms.total = r->terms.fixed + r->terms.callsite + r->terms.local + r->terms.dispatch;
    r->code_bytes_before = fi->code_before;
    r->code_bytes_after = fi->code_after;
}

static int demangle_rows(fs_report *r, int on);

int fs_report_build(fs_report *r, const fs_report_input *in, fs_error *err)
{
    const fs_wasm_module *m = in->m;
    const fs_closure *c = in->c;
    memset(r, 0, sizeof *r);
    memset(err, 0, sizeof *err);
    r->tool_version = in->tool_version;
    r->apply_requested = in->apply ? in->apply : "model";
    r->opt_level = in->opt_level;
    r->path = m->path;
    r->symbols_path = in->symbols_path;
    r->symbols_lines = in->symbols_lines;
    r->symbols_applied = in->symbols_applied;
    r->symbols_kept = in->symbols_kept;
    r->dwarf_read = in->dwarf_read;
    r->dwarf_named = in->dwarf_named;
    r->dwarf_cus = in->dwarf_cus;
    memcpy(r->sha256, in->sha256, sizeof r->sha256);
    r->bytes = m->size;
    r->code_section_bytes = m->code_section == UINT32_MAX ? 0 : m->sections[m->code_section].size;
    r->functions = fs_wasm_ndefined(m);
    r->imports = m->nfunc_imports;
    r->address_taken = in->g->naddress_taken;
    r->indirect_sites = in->g->nind;

    r->roots = calloc(in->nspecs ? in->nspecs : 1, sizeof *r->roots);
    r->rows = calloc(r->functions ? r->functions : 1, sizeof *r->rows);
    r->warnings = calloc(FS_REPORT_MAX_WARNINGS, sizeof *r->warnings);
    if (!r->roots || !r->rows || !r->warnings) {
        fs_report_free(r);
        snprintf(err->msg, sizeof err->msg, "out of memory building the report");
        return FS_ERR_NOMEM;
    }
    r->nroots = in->nspecs;
    r->roots_default = in->roots_default;
    for (unsigned i = 0; i < in->nspecs; i++) {
        r->roots[i].spec = in->specs[i].text;
        r->roots[i].matched = in->specs[i].matched;
        r->roots[i].no_import_calls = in->specs[i].matched_no_import_calls;
        r->roots[i].is_func_like = in->specs[i].kind != FS_ROOT_IMPORT;
    }
    r->roots_matched = c->nroots;

    r->policy = fs_policy_name[c->policy];
    r->closure_functions = c->size;
    r->closure_fraction = r->functions ? (double)c->size / r->functions : 0.0;
    r->mode = "model";
    r->label = "estimated";
    r->profile = *in->profile;
    for (int k = 0; k < FS_VK_COUNT; k++)
        r->local_bytes[k] = fs_cost_local_bytes(in->profile, (fs_valkind)k);

    r->nrows = r->functions;
    for (uint32_t i = 0; i < r->nrows; i++) {
        uint32_t f = m->nfunc_imports + i;
        const fs_func *fn = &m->funcs[f];
        fs_row *row = &r->rows[i];
        row->index = f;
        row->name = fn->name;
        row->name_len = fn->name_len;
        row->name_from_symbols = fn->name_from_symbols;
        row->body_bytes = fn->body_size;
        row->body_offset = fn->body_off;
        row->in_closure = c->in[f];
        row->calls = fn->ncalls;
        row->callsites = c->callsites[f];
        row->locals = fn->nlocals;
        memcpy(row->locals_kind, fn->nlocals_kind, sizeof row->locals_kind);
        row->cost = in->costs[f];
        if (row->in_closure) {
            row->label = r->label;
            row->unsaveable = in->unsaveable ? in->unsaveable[f] : 0;
            if (row->unsaveable)
                r->unsaveable_functions++;
            r->closure_callsites += row->callsites;
            r->closure_locals += row->locals;
            r->terms.fixed += row->cost.fixed;
            r->terms.callsite += row->cost.callsite;
            r->terms.local += row->cost.local;
        }
    }
    r->terms.total = r->terms.fixed + r->terms.callsite + r->terms.local;
    if (in->measure) {
        /* Measured: both sizes come from Binaryen's own outputs (A, B). */
        r->applied = 1;
        r->mode = "asyncify";
        r->label = "measured";
        r->opt_level = in->opt_level;
        r->binaryen_version = in->binaryen_version;
        r->wasm_opt = in->wasm_opt;
        r->peer_seconds[0] = in->peer_seconds[0];
        r->peer_seconds[1] = in->peer_seconds[1];
        r->m = *in->measure;
        r->code_bytes_before = in->measure->code_before;
        r->code_bytes_after = in->measure->code_after;
        for (uint32_t i = 0; i < r->nrows; i++) {
            fs_row *row = &r->rows[i];
            row->measured = in->measure->present[row->index];
            row->delta = row->measured ? in->measure->delta[row->index] : 0;
        }
        if (fit_measured(r) != FS_OK) {
            fs_report_free(r);
            snprintf(err->msg, sizeof err->msg, "out of memory fitting the measurements");
            return FS_ERR_NOMEM;
        }
    } else if (in->fi) {
        apply_fi(r, in);
    } else {
        /* The section's own count and sizes stay; the bodies grow by the
         * terms (the fixed term carries each body's size-LEB growth). */
        r->code_bytes_before = r->code_section_bytes;
        r->code_bytes_after = r->code_bytes_before + r->terms.total;
    }
    r->growth = r->code_bytes_before ? ((double)r->code_bytes_after - (double)r->code_bytes_before)
                                       / (double)r->code_bytes_before : 0.0;
    if (stack_bound(r, in) != FS_OK) {
        fs_report_free(r);
        snprintf(err->msg, sizeof err->msg, "out of memory computing the stack bound");
        return FS_ERR_NOMEM;
    }
    r->demangle = !in->no_demangle;
    if (demangle_rows(r, r->demangle)) {
        fs_report_free(r);
        snprintf(err->msg, sizeof err->msg, "out of memory demangling names");
        return FS_ERR_NOMEM;
    }
    collect_warnings(r, m, in);
    return FS_OK;
}

void fs_report_free(fs_report *r)
{
    for (uint32_t i = 0; r->rows && i < r->nrows; i++)
        free(r->rows[i].demangled);
    free(r->roots);
    free(r->rows);
    free(r->warnings);
    free(r->fit_rows);
    free(r->stack_path);
    free(r->stack_cycle);
    memset(r, 0, sizeof *r);
}

/* qsort has no context argument in C11: the report being sorted is
 * passed per thread, so parallel analyses (compare -j) cannot collide. */
static _Thread_local const fs_report *sort_report;

static int by_cost(const void *a, const void *b)
{
    const fs_row *x = &sort_report->rows[*(const uint32_t *)a];
    const fs_row *y = &sort_report->rows[*(const uint32_t *)b];
    if (x->cost.total != y->cost.total)
        return x->cost.total > y->cost.total ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

uint32_t *fs_report_order_by_cost(const fs_report *r)
{
    uint32_t *order = malloc(((size_t)r->nrows + 1) * sizeof *order);
    if (!order)
        return NULL;
    for (uint32_t i = 0; i < r->nrows; i++)
        order[i] = i;
    sort_report = r;
    qsort(order, r->nrows, sizeof *order, by_cost);
    sort_report = NULL;
    return order;
}

const char *fs_row_display_name(const fs_row *row, char *buf, size_t cap)
{
    if (row->demangled)
        return fs_func_display_name(row->demangled, row->demangled_len, row->index, buf, cap);
    return fs_func_display_name(row->name, row->name_len, row->index, buf, cap);
}

/* Counts the rows' mangled names and, when ON, demangles them (demangle.h).
 * The raw name stays in row->name: Binaryen's lists, --root and JSON's
 * "name" use it. */
static int demangle_rows(fs_report *r, int on)
{
    char out[FS_DEMANGLE_MAX_OUT];
    for (uint32_t i = 0; i < r->nrows; i++) {
        fs_row *row = &r->rows[i];
        size_t n;
        if (!row->name || !fs_is_mangled(row->name, row->name_len))
            continue;
        r->names_mangled++;
        if (!on || fs_demangle(row->name, row->name_len, out, sizeof out, &n) != FS_DEMANGLE_OK)
            continue;
        if (!(row->demangled = malloc(n + 1)))
            return -1;
        memcpy(row->demangled, out, n + 1);
        row->demangled_len = (uint32_t)n;
        r->names_demangled++;
    }
    return 0;
}

int fs_emit(const fs_report *r, fs_format fmt, unsigned top, FILE *out, fs_error *err)
{
    switch (fmt) {
    case FS_FMT_TEXT: return fs_emit_text(r, top, out, err);
    case FS_FMT_JSON: return fs_emit_json(r, out, err);
    case FS_FMT_CSV:  return fs_emit_csv(r, out, err);
    case FS_FMT_MD:   return fs_emit_md(r, out, err);
    }
    return FS_ERR_USAGE;
}
