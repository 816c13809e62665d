/* emit_text.c - the human-readable report: a summary, then the costliest
 * functions.  Every figure carries its label. */
#include "report.h"

#include <stdlib.h>

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

int fs_emit_text(const fs_report *r, unsigned top, FILE *out, fs_error *err)
{
    (void)err;
    fprintf(out, "forksize %s  %s\n", r->tool_version, r->path);
    fprintf(out, "module      %llu bytes, sha256 %.16s..., code section %llu bytes\n",
            (unsigned long long)r->bytes, r->sha256, (unsigned long long)r->code_section_bytes);
    fprintf(out, "functions   %u defined, %u imported, %u address-taken, %u indirect call sites\n",
            r->functions, r->imports, r->address_taken, r->indirect_sites);
    fprintf(out, "roots      %s", r->roots_default ? " (defaults)" : "");
    for (unsigned i = 0; i < r->nroots; i++)
        fprintf(out, "%s %s=%u", i ? "," : "", r->roots[i].spec, r->roots[i].matched);
    fprintf(out, "\n");
    fprintf(out, "closure     %u of %u defined functions (%.1f%%), policy %s\n",
            r->closure_functions, r->functions, 100.0 * r->closure_fraction, r->policy);
    fprintf(out, "model       %s [estimated]: fixed A=%.0f, per call site B=%.0f, per local "
            "C=%.0f (i32; i64 %.0f, f32 %.0f, f64 %.0f, v128 %.0f; LEB-aware)\n",
            r->profile.name, r->profile.fixed, r->profile.callsite, r->local_bytes[FS_VK_I32],
            r->local_bytes[FS_VK_I64], r->local_bytes[FS_VK_F32], r->local_bytes[FS_VK_F64],
            r->local_bytes[FS_VK_V128]);
    if (r->applied) {
        fprintf(out, "asyncify    Binaryen -O%d: baseline %.1f s, asyncify %.1f s; %u functions "
                "measured, %u inlined or removed by -O%d; %u helpers added (%llu bytes) "
                "[measured]\n", r->opt_level, r->peer_seconds[0], r->peer_seconds[1], r->m.matched,
                r->m.removed, r->opt_level, r->m.nhelpers, (unsigned long long)r->m.helper_bytes);
        fprintf(out, "code        %llu -> %llu bytes (%+lld, %+.1f%%; %lld of it module-level) "
                "[measured, A/B at -O%d]\n", (unsigned long long)r->code_bytes_before,
                (unsigned long long)r->code_bytes_after,
                (long long)r->code_bytes_after - (long long)r->code_bytes_before,
                100.0 * r->growth, (long long)r->m.module_bytes, r->opt_level);
    } else {
        fprintf(out, "code        %llu -> %llu bytes (+%llu, +%.1f%%) [estimated]\n",
                (unsigned long long)r->code_bytes_before, (unsigned long long)r->code_bytes_after,
                (unsigned long long)r->terms.total, 100.0 * r->growth);
    }
    fprintf(out, "terms       fixed %llu (%.1f%%), call-site %llu (%.1f%%), local %llu (%.1f%%) "
            "[estimated]\n",
            (unsigned long long)r->terms.fixed, pct(r->terms.fixed, r->terms.total),
            (unsigned long long)r->terms.callsite, pct(r->terms.callsite, r->terms.total),
            (unsigned long long)r->terms.local, pct(r->terms.local, r->terms.total));
    if (r->unsaveable_functions)
        fprintf(out, "unpriced    %u closure function%s reference-typed locals, which cannot "
                "be saved to linear memory; the local term counts only numeric locals\n",
                r->unsaveable_functions, r->unsaveable_functions == 1 ? " has" : "s have");

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
    fprintf(out, "\n%s %u of %u functions (%u in the closure), by estimated cost:\n",
            shown < r->nrows ? "top" : "all", shown, r->nrows, r->closure_functions);
    fprintf(out, "%7s  %-32s %8s %3s %6s %6s %7s %9s %7s %7s  %-9s", "index", "name", "body",
            "in", "sites", "locals", "fixed", "call-site", "local", "total", "label");
    if (r->applied)
        fprintf(out, " %9s", "measured");
    fputc('\n', out);
    char buf[64];
    for (uint32_t i = 0; i < shown; i++) {
        const fs_row *row = &r->rows[order[i]];
        fs_row_display_name(row, buf, sizeof buf);
        fprintf(out, "%7u  %-32.32s %8u %3s %6u %6u %7llu %9llu %7llu %7llu  %-9s", row->index,
                buf, row->body_bytes, row->in_closure ? "yes" : "no", row->callsites,
                row->locals, (unsigned long long)row->cost.fixed,
                (unsigned long long)row->cost.callsite, (unsigned long long)row->cost.local,
                (unsigned long long)row->cost.total, row->label ? row->label : "-");
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
