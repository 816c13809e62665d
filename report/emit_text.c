/* emit_text.c - the human-readable report: a summary, then the costliest
 * functions.  Every figure carries its label. */
#include "report.h"

#include "group.h"
#include "stackbound.h"

#include <stdlib.h>
#include <string.h>

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Names of row positions P[0..n) joined by " -> " (with CLOSE, back to
 * the first), shortened in the middle when long: one line stays one line. */
static void name_chain(FILE *out, const fs_report *r, const uint32_t *p, uint32_t n, int close)
{
    char nb[64];
    uint32_t total = n + (close && n ? 1 : 0);
    for (uint32_t i = 0; i < total; i++) {
        if (total > 6 && i == 3) {
            fprintf(out, " -> ... (%u more)", total - 5);
            i = total - 3;
        }
        fprintf(out, "%s%s", i ? " -> " : "",
                fs_row_display_name(&r->rows[p[i < n ? i : 0]], nb, sizeof nb));
    }
}

/* One line: the worst-case unwind save area, or the recursion that makes
 * it unbounded, and whether Emscripten's default area holds it. */
static void stack_line(FILE *out, const fs_report *r)
{
    fprintf(out, "stack       ");
    if (r->stack_unbounded) {
        fprintf(out, "unbounded: recursion can unwind at any depth, cycle ");
        name_chain(out, r, r->stack_cycle, r->nstack_cycle, 1);
        fprintf(out, " (path from an entry: ");
        name_chain(out, r, r->stack_path, r->nstack_path, 0);
        fprintf(out, "); no fixed save area fits [%s]\n", r->stack_label);
    } else if (!r->nstack_path) {
        fprintf(out, "0 bytes: no entry point (export or start) in the closure [%s]\n",
                r->stack_label);
    } else {
        fprintf(out, "unwind save area <= %llu bytes along ", (unsigned long long)r->stack_bytes);
        name_chain(out, r, r->stack_path, r->nstack_path, 0);
        fprintf(out, " (%u frame%s); %s Emscripten's default %u [%s]\n", r->nstack_path,
                r->nstack_path == 1 ? "" : "s",
                r->stack_bytes <= FS_STACK_DEFAULT_LIMIT ? "fits" : "exceeds",
                FS_STACK_DEFAULT_LIMIT, r->stack_label);
    }
}

int fs_emit_text(const fs_report *r, unsigned top, FILE *out, fs_error *err)
{
    (void)err;
    fprintf(out, "forksize %s  %s\n", r->tool_version, r->path);
    fprintf(out, "module      %llu bytes, sha256 %.16s..., code section %llu bytes\n",
            (unsigned long long)r->bytes, r->sha256, (unsigned long long)r->code_section_bytes);
    fprintf(out, "functions   %u defined, %u imported, %u address-taken, %u indirect call sites\n",
            r->functions, r->imports, r->address_taken, r->indirect_sites);
    if (r->symbols_path)
        fprintf(out, "names       %u functions named by the symbol map %s (%u entries; %u for "
                "functions the name section names, which keep that name)\n",
                r->symbols_applied, r->symbols_path, r->symbols_lines, r->symbols_kept);
    if (r->dwarf_named)
        fprintf(out, "names       %u functions named from DWARF .debug_info (%u compile units)\n",
                r->dwarf_named, r->dwarf_cus);
    if (r->names_mangled)
        fprintf(out, "names       %u mangled: %u shown demangled, %u left as they are%s\n",
                r->names_mangled, r->names_demangled, r->names_mangled - r->names_demangled,
                r->demangle ? "" : " (--no-demangle)");
    fprintf(out, "roots      %s", r->roots_default ? " (defaults)" : "");
    for (unsigned i = 0; i < r->nroots; i++)
        fprintf(out, "%s %s=%u", i ? "," : "", r->roots[i].spec, r->roots[i].matched);
    fprintf(out, "\n");
    fprintf(out, "closure     %u of %u defined functions (%.1f%%), policy %s\n",
            r->closure_functions, r->functions, 100.0 * r->closure_fraction, r->policy);
    fprintf(out, "model       %s [estimated]: fixed A=%g, per call site B=%g, per local "
            "C=%g (i32; i64 %g, f32 %g, f64 %g, v128 %g; LEB-aware)\n",
            r->profile.name, r->profile.fixed, r->profile.callsite, r->local_bytes[FS_VK_I32],
            r->local_bytes[FS_VK_I64], r->local_bytes[FS_VK_F32], r->local_bytes[FS_VK_F64],
            r->local_bytes[FS_VK_V128]);
    if (r->applied) {
        fprintf(out, "asyncify    Binaryen %s (%s%s) -O%d: baseline %.1f s, asyncify %.1f s; %u "
                "functions measured, %u inlined or removed by -O%d; %u helpers added (%llu bytes) "
                "[measured]\n", r->binaryen_version ? r->binaryen_version : "?",
                r->wasm_opt ? "wasm-opt " : "libbinaryen", r->wasm_opt ? r->wasm_opt : "",
                r->opt_level, r->peer_seconds[0], r->peer_seconds[1], r->m.matched,
                r->m.removed, r->opt_level, r->m.nhelpers, (unsigned long long)r->m.helper_bytes);
        fprintf(out, "code        %llu -> %llu bytes (%+lld, %+.1f%%; %lld of it module-level) "
                "[measured, A/B at -O%d]\n", (unsigned long long)r->code_bytes_before,
                (unsigned long long)r->code_bytes_after,
                (long long)r->code_bytes_after - (long long)r->code_bytes_before,
                100.0 * r->growth, (long long)r->m.module_bytes, r->opt_level);
    } else if (r->fi_applied) {
        const fs_fi_result *fi = r->fi;
        char mem[40] = "";
        if (fi->save_memory)
            snprintf(mem, sizeof mem, ", frames in memory %u", fi->save_memory);
        fprintf(out, "forkinstr   %s, stage %s%s: %u functions instrumented, %u refused (estimated "
                "%llu bytes, guards %llu), %u with no reachable site; +%u types, +%u globals, "
                "+%u functions (%llu bytes), +%u exports; module %+lld bytes [%s]\n",
                !strcmp(r->mode, "forkinstr") ? "emitted" : "dry run",
                r->fi_stage, mem, fi->instrumented, fi->refused,
                (unsigned long long)r->refused_estimate, (unsigned long long)fi->guard_bytes,
                fi->untouched, fi->new_types, fi->new_globals, fi->new_functions,
                (unsigned long long)fi->helper_bytes, fi->new_exports,
                (long long)fi->module_bytes, r->label);
        fprintf(out, "code        %llu -> %llu bytes (%+lld, %+.1f%%; %llu of it module-level "
                "and guards) [%s]\n", (unsigned long long)r->code_bytes_before,
                (unsigned long long)r->code_bytes_after,
                (long long)r->code_bytes_after - (long long)r->code_bytes_before,
                100.0 * r->growth,
                (unsigned long long)(r->code_bytes_after - r->code_bytes_before - r->terms.total),
                r->label);
    } else {
        fprintf(out, "code        %llu -> %llu bytes (+%llu, +%.1f%%) [estimated]\n",
                (unsigned long long)r->code_bytes_before, (unsigned long long)r->code_bytes_after,
                (unsigned long long)r->terms.total, 100.0 * r->growth);
    }
    if (r->fi_applied) {
        fprintf(out, "terms       fixed %llu (%.1f%%), call-site %llu (%.1f%%), local %llu (%.1f%%), "
                "dispatch %llu (%.1f%%) [%s]\n",
                (unsigned long long)r->terms.fixed, pct(r->terms.fixed, r->terms.total),
                (unsigned long long)r->terms.callsite, pct(r->terms.callsite, r->terms.total),
                (unsigned long long)r->terms.local, pct(r->terms.local, r->terms.total),
                (unsigned long long)r->terms.dispatch, pct(r->terms.dispatch, r->terms.total),
                r->label);
        /* the static normal-path proxy (forkinstr.h) */
        const uint64_t *np = r->fi->np;
        fprintf(out, "normal path +%llu instructions when nobody forks: %llu at entries, %llu at "
                "sites, %llu inside loops [exact]\n",
                (unsigned long long)(np[0] + np[1] + np[2]), (unsigned long long)np[0],
                (unsigned long long)np[1], (unsigned long long)np[2]);
    } else
        fprintf(out, "terms       fixed %llu (%.1f%%), call-site %llu (%.1f%%), local %llu (%.1f%%) "
                "[estimated]\n",
                (unsigned long long)r->terms.fixed, pct(r->terms.fixed, r->terms.total),
                (unsigned long long)r->terms.callsite, pct(r->terms.callsite, r->terms.total),
                (unsigned long long)r->terms.local, pct(r->terms.local, r->terms.total));
    if (r->has_fit) {
        static const char *const what[3] = { "per function", "per call site", "per local" };
        static const char *const sym[3] = { "A", "B", "C" };
        const fs_fit *f = &r->fit;
        fprintf(out, "fit         measured delta = A + B*callsites + C*locals over %u measured "
                "closure function%s [fitted]\n", f->nobs, f->nobs == 1 ? "" : "s");
        for (int j = 0; j < 3; j++)
            fprintf(out, "            %s = %9.2f +- %.2f bytes %-13s (%.1f%% of the growth)\n",
                    sym[j], f->coef[j], f->se[j], what[j], 100.0 * f->share[j]);
        fprintf(out, "            R2 %.3f; |residual| median %.1f, p90 %.1f bytes; worst:",
                f->r2, f->resid_median, f->resid_p90);
        char nb[64];
        for (unsigned w = 0; w < f->nworst && w < 3; w++)
            fprintf(out, "%s %s (%+.0f)", w ? "," : "",
                    fs_row_display_name(&r->rows[r->fit_rows[f->worst[w]]], nb, sizeof nb),
                    f->worst_resid[w]);
        const fs_fit *g = &r->fit_typed;
        fprintf(out, "\n            by type: C i32 %.2f, i64 %.2f, f32 %.2f, f64 %.2f, v128 %.2f "
                "(R2 %.3f) [fitted]\n", g->coef[2], g->coef[3], g->coef[4], g->coef[5],
                g->coef[6], g->r2);
    }
    if (r->unsaveable_functions)
        fprintf(out, "unpriced    %u closure function%s reference-typed locals, which cannot "
                "be saved to linear memory; the local term counts only numeric locals\n",
                r->unsaveable_functions, r->unsaveable_functions == 1 ? " has" : "s have");

    stack_line(out, r);
    if (r->groups) {
        /* --group-by: the groups take the function table's place */
        fs_groups_emit_text(r->groups, top, out);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }

    uint32_t *order = fs_report_order_by_cost(r);
    if (!order) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    /* Every defined function can be listed; costly ones come first, so
     * the default cut shows the closure's most expensive members. */
    uint32_t shown = r->nrows;
    if (top && top < shown)
        shown = top;
    fprintf(out, "\n%s %u of %u functions (%u in the closure), by %s cost:\n",
            shown < r->nrows ? "top" : "all", shown, r->nrows, r->closure_functions,
            r->fi_applied ? "exact" : "estimated");
    /* The label column is padded only when the measured column follows it. */
    int lw = r->applied ? 9 : 0;
    if (r->fi_applied)
        fprintf(out, "%7s  %-32s %8s %3s %6s %6s %7s %9s %7s %8s %7s  %s\n", "index", "name",
                "body", "in", "sites", "locals", "fixed", "call-site", "local", "dispatch",
                "total", "label");
    else
        fprintf(out, "%7s  %-32s %8s %3s %6s %6s %7s %9s %7s %7s  %-*s", "index", "name", "body",
                "in", "sites", "locals", "fixed", "call-site", "local", "total", lw, "label");
    if (r->applied)
        fprintf(out, " %9s", "measured");
    if (!r->fi_applied)
        fputc('\n', out);
    char buf[64];
    for (uint32_t i = 0; i < shown; i++) {
        const fs_row *row = &r->rows[order[i]];
        fs_row_display_name(row, buf, sizeof buf);
        if (r->fi_applied) {
            fprintf(out, "%7u  %-32.32s %8u %3s %6u %6u %7llu %9llu %7llu %8llu %7llu  %s%s%s\n",
                    row->index, buf, row->body_bytes, row->in_closure ? "yes" : "no",
                    row->callsites, row->locals, (unsigned long long)row->cost.fixed,
                    (unsigned long long)row->cost.callsite, (unsigned long long)row->cost.local,
                    (unsigned long long)row->cost.dispatch, (unsigned long long)row->cost.total,
                    row->label ? row->label : "-", row->refused ? ": refused, " : "",
                    row->refused ? row->refused : "");
            continue;
        }
        fprintf(out, "%7u  %-32.32s %8u %3s %6u %6u %7llu %9llu %7llu %7llu  %-*s", row->index,
                buf, row->body_bytes, row->in_closure ? "yes" : "no", row->callsites,
                row->locals, (unsigned long long)row->cost.fixed,
                (unsigned long long)row->cost.callsite, (unsigned long long)row->cost.local,
                (unsigned long long)row->cost.total, lw, row->label ? row->label : "-");
        if (r->applied && row->measured)
            fprintf(out, " %+9lld", (long long)row->delta);
        else if (r->applied)
            fprintf(out, " %9s", "inlined");
        fputc('\n', out);
    }
    if (shown < r->nrows)
        fprintf(out, "(%u more; --top 0 shows all, --format json|csv lists every function)\n",
                r->nrows - shown);
    free(order);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
