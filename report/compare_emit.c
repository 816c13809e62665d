/* compare_emit.c - the compare table as text, Markdown and CSV.
 *
 * Text and Markdown show the same cells: each figure is formatted once
 * (cell()), then laid out.  Every figure's label is stated: the column
 * group's in the header and the legend (before: measured; terms:
 * estimated, or measured by forkinstr; A, B, C: fitted), the row's own
 * for after and growth, which depend on --apply.
 */
#include "compare.h"
#include "group.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { C_MODULE, C_DEFINED, C_CLOSURE, C_SHARE, C_BEFORE, C_AFTER, C_GROWTH, C_LABEL,
       C_REFUSED, C_FIXED, C_CALLSITE, C_LOCAL, C_DISPATCH, C_NP, C_A, C_B, C_C, C_STACK, C_TIME, NCOL };

static const char *const text_head[NCOL] = {
    "module", "defined", "closure", "share", "before", "after", "growth", "label", "refused",
    "fixed", "call-site", "local", "dispatch", "normal path", "A", "B", "C", "stack", "time",
};
/* The terms' headers are "fixed [LABEL]" etc., built with the label of the
 * split (fs_compare_terms_label). */
static const char *const md_head[NCOL] = {
    "module", "defined functions", "closure", "closure share", "code before [measured]",
    "code after", "growth", "label (after, growth)", "refused [exact]", NULL, NULL, NULL, NULL,
    "normal-path instructions [exact]", "A [fitted]", "B [fitted]", "C [fitted]", "unwind stack bound", "time",
};

/* Which columns are shown: the fit's only when some row can have one,
 * the time only when asked for. */
static void shown_cols(const fs_compare *c, int timing, int show[NCOL])
{
    int fit = !strcmp(c->apply, "asyncify");
    for (unsigned i = 0; i < c->nrows; i++)
        fit |= c->rows[i].has_fit;
    for (int k = 0; k < NCOL; k++)
        show[k] = 1;
    show[C_A] = show[C_B] = show[C_C] = fit;
    show[C_DISPATCH] = show[C_NP] = show[C_REFUSED] = fs_compare_has_dispatch(c);
    show[C_TIME] = timing;
}

static void pct_cell(char *b, size_t cap, double v, int sign)
{
    if (isnan(v))
        snprintf(b, cap, "-");
    else
        snprintf(b, cap, sign ? "%+.1f%%" : "%.1f%%", 100.0 * v);
}

/* Formats column K of ROW; returns 0 when the row has no such figure
 * (no-root and error rows explain themselves in a note instead). */
static int cell(const fs_compare_row *row, int k, char *b, size_t cap)
{
    b[0] = 0;
    if (k == C_MODULE) {
        snprintf(b, cap, "%s", row->path);
        return 1;
    }
    if (k == C_TIME) {
        snprintf(b, cap, "%.2f s", row->seconds);
        return 1;
    }
    if (row->status == FS_CMP_ERROR)
        return 0;
    switch (k) {
    case C_DEFINED: snprintf(b, cap, "%u", row->functions); return 1;
    case C_CLOSURE: snprintf(b, cap, "%u", row->closure_functions); return 1;
    case C_SHARE:   pct_cell(b, cap, row->closure_fraction, 0); return 1;
    case C_BEFORE:
        if (row->status == FS_CMP_NO_ROOT)
            return 0;
        snprintf(b, cap, "%llu", (unsigned long long)row->code_before);
        return 1;
    default:
        break;
    }
    if (row->status != FS_CMP_OK)
        return 0;
    switch (k) {
    case C_AFTER:    snprintf(b, cap, "%llu", (unsigned long long)row->code_after); break;
    case C_GROWTH:   pct_cell(b, cap, row->growth, 1); break;
    case C_LABEL:    snprintf(b, cap, "%s", row->label); break;
    case C_REFUSED:
        if (row->has_dispatch)
            snprintf(b, cap, "%u", row->refused);
        else
            snprintf(b, cap, "-");
        break;
    case C_FIXED:    pct_cell(b, cap, row->share[0], 0); break;
    case C_CALLSITE: pct_cell(b, cap, row->share[1], 0); break;
    case C_LOCAL:    pct_cell(b, cap, row->share[2], 0); break;
    case C_DISPATCH: pct_cell(b, cap, row->has_dispatch ? row->share[3] : NAN, 0); break;
    case C_NP:
        if (row->has_dispatch)
            snprintf(b, cap, "%llu", (unsigned long long)(row->np[0] + row->np[1] + row->np[2]));
        else
            snprintf(b, cap, "-");
        break;
    case C_A: case C_B: case C_C:
        if (!row->has_fit || isnan(row->fit_coef[k - C_A]))
            snprintf(b, cap, "-");
        else
            snprintf(b, cap, "%.2f", row->fit_coef[k - C_A]);
        break;
    case C_STACK:
        if (row->stack_unbounded)
            snprintf(b, cap, "unbounded");
        else
            snprintf(b, cap, "%llu", (unsigned long long)row->stack_bytes);
        break;
    }
    return 1;
}

/* A no-root or error row's explanation. */
static const char *note(const fs_compare *c, const fs_compare_row *row, char *b, size_t cap)
{
    char e[300];
    if (row->status == FS_CMP_ERROR)
        snprintf(b, cap, "error: %s", fs_compare_row_error(row, e, sizeof e));
    else if (row->status == FS_CMP_NO_ROOT)
        fs_compare_no_root_text(c, b, cap);
    else
        b[0] = 0;
    return b;
}

static void options_text(FILE *out, const fs_compare *c, int md)
{
    const char *q = md ? "`" : "";
    fprintf(out, "roots %s", c->roots_default ? "(defaults) " : "");
    for (unsigned i = 0; i < c->nroots; i++)
        fprintf(out, "%s%s%s%s", i ? ", " : "", q, c->roots[i], q);
    fprintf(out, "; indirect %s; apply %s", c->policy, c->apply);
    if (!strcmp(c->apply, "asyncify")) {
        fprintf(out, " -O%d", c->opt_level);
        if (fs_compare_binaryen(c))
            fprintf(out, " (Binaryen %s)", fs_compare_binaryen(c));
    }
    fprintf(out, "; model %s A=%g B=%g C=%g [estimated]", c->profile.name, c->profile.fixed,
            c->profile.callsite, c->profile.local_i32);
}

/* One item per line, each line opened by LEAD. */
static void legend(FILE *out, const fs_compare *c, const int show[NCOL], const char *lead)
{
    fprintf(out, "%sdefined: functions defined in the module [measured]; closure, share: the "
            "functions instrumented and their share [analysis: exact for the roots and policy]\n",
            lead);
    fprintf(out, "%sbefore: code section bytes [measured]", lead);
    if (!strcmp(c->apply, "asyncify"))
        fprintf(out, " (of Binaryen's baseline build at -O%d)", c->opt_level);
    fputc('\n', out);
    fprintf(out, "%safter, growth: as the row's label says (the model's estimate, or what "
            "--apply measured or counted)\n", lead);
    if (show[C_REFUSED])
        fprintf(out, "%srefused: closure functions forkinstr left unchanged, with a guard that "
                "traps if an unwind passes (forksize --stats names them and why); when any are, "
                "after and growth leave them out and their label says partial [exact]\n", lead);
    const char *tl = fs_compare_terms_label(c);
    fprintf(out, "%sfixed, call-site, local%s: each term's share of the added bytes [%s]%s\n",
            lead, show[C_DISPATCH] ? ", dispatch" : "", tl,
            !strcmp(tl, "estimated") ? " (the model's split)" : "");
    if (show[C_NP])
        fprintf(out, "%snormal path: instructions forkinstr adds to the path that runs when "
                "nobody forks, at entries, sites and inside loops (forksize --stats shows the "
                "split) [exact]\n", lead);
    if (show[C_A])
        fprintf(out, "%sA, B, C: measured growth = A + B*callsites + C*locals, least squares over "
                "the measured closure functions [fitted]\n", lead);
    const char *sl = "estimated";
    for (unsigned i = c->nrows; i-- > 0;)
        if (c->rows[i].status == FS_CMP_OK && c->rows[i].stack_label[0])
            sl = c->rows[i].stack_label;
    fprintf(out, "%sstack: worst-case unwind save area in bytes from an entry point, or "
            "unbounded (recursion) [%s]\n", lead, sl);
    if (show[C_TIME])
        fprintf(out, "%stime: wall clock of the module's analysis\n", lead);
}

static void footer(FILE *out, const fs_compare *c, int timing)
{
    fprintf(out, "%u module%s: %u ok, %u without an active root, %u error%s", c->nrows,
            c->nrows == 1 ? "" : "s", c->nok, c->nno_root, c->nerror, c->nerror == 1 ? "" : "s");
    if (timing)
        fprintf(out, "; %.2f s wall clock, %u job%s", c->wall_seconds, c->jobs,
                c->jobs == 1 ? "" : "s");
    fputc('\n', out);
}

static void md_text(FILE *out, const char *s);

/* --group-by: each analyzed module's groups, after the table. */
static void groups_after(const fs_compare *c, FILE *out, int md)
{
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *row = &c->rows[i];
        if (!row->groups.v)
            continue;
        if (md) {
            fputs("\n## groups of `", out);
            md_text(out, row->path);
            fputs("`\n", out);
            fs_groups_emit_md(&row->groups, c->group_top, out);
        } else {
            fprintf(out, "\ngroups of %s", row->path);
            fs_groups_emit_text(&row->groups, c->group_top, out);
        }
    }
}

int fs_compare_emit_text(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    int show[NCOL];
    shown_cols(c, timing, show);
    /* Column widths from the header and every cell shown. */
    size_t w[NCOL];
    char b[320];
    for (int k = 0; k < NCOL; k++)
        w[k] = strlen(text_head[k]);
    for (unsigned i = 0; i < c->nrows; i++)
        for (int k = 0; k < NCOL; k++)
            if (show[k] && cell(&c->rows[i], k, b, sizeof b) && strlen(b) > w[k])
                w[k] = strlen(b);
    if (w[C_MODULE] > 60)
        w[C_MODULE] = 60;

    fprintf(out, "forksize %s compare: %u module%s\n", c->tool_version, c->nrows,
            c->nrows == 1 ? "" : "s");
    fprintf(out, "options  ");
    options_text(out, c, 0);
    fprintf(out, "\nlabels\n");
    legend(out, c, show, "  ");
    fputc('\n', out);
    for (int k = 0; k < NCOL; k++) {
        if (!show[k])
            continue;
        if (k == C_MODULE || k == C_LABEL)
            fprintf(out, "%s%-*s", k ? "  " : "", (int)w[k], text_head[k]);
        else
            fprintf(out, "%*s%*s", k == C_FIXED || k == C_A || k == C_TIME ? 2 : 1, "",
                    (int)w[k], text_head[k]);
    }
    fputc('\n', out);
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *row = &c->rows[i];
        /* A long path keeps its end, which names the module. */
        size_t len = strlen(row->path);
        if (len > w[C_MODULE])
            fprintf(out, "...%-*s", (int)w[C_MODULE] - 3, row->path + len - (w[C_MODULE] - 3));
        else
            fprintf(out, "%-*s", (int)w[C_MODULE], row->path);
        for (int k = 1; k < NCOL; k++) {
            if (!show[k])
                continue;
            if (!cell(row, k, b, sizeof b)) {
                fprintf(out, "  %s", note(c, row, b, sizeof b));
                break;
            }
            if (k == C_LABEL)
                fprintf(out, "  %-*s", (int)w[k], b);
            else
                fprintf(out, "%*s%*s", k == C_FIXED || k == C_A || k == C_TIME ? 2 : 1, "",
                        (int)w[k], b);
        }
        /* The label column is padded for the columns after it only. */
        fputc('\n', out);
    }
    fputc('\n', out);
    footer(out, c, timing);
    groups_after(c, out, 0);
    (void)err;
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

/* Markdown table cells cannot hold '|' or line breaks. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

int fs_compare_emit_md(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    int show[NCOL];
    shown_cols(c, timing, show);
    char b[320];
    fprintf(out, "# forksize compare\n\n- tool: forksize %s\n- options: ", c->tool_version);
    options_text(out, c, 1);
    fprintf(out, "\n- labels:\n");
    legend(out, c, show, "  - ");
    fprintf(out, "\n|");
    for (int k = 0; k < NCOL; k++) {
        if (!show[k])
            continue;
        fputc(' ', out);
        if (k >= C_FIXED && k <= C_DISPATCH)
            fprintf(out, "%s [%s]", text_head[k], fs_compare_terms_label(c));
        else
            fputs(md_head[k], out);
        fputs(" |", out);
    }
    fprintf(out, " note |\n|");
    for (int k = 0; k < NCOL; k++)
        if (show[k])
            fputs(k == C_MODULE || k == C_LABEL ? "---|" : "---:|", out);
    fputs("---|\n", out);
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *row = &c->rows[i];
        fputc('|', out);
        for (int k = 0; k < NCOL; k++) {
            if (!show[k])
                continue;
            fputc(' ', out);
            if (!cell(row, k, b, sizeof b))
                fputc('-', out);
            else if (k == C_MODULE)
                fputc('`', out), md_text(out, b), fputc('`', out);
            else
                md_text(out, b);
            fputs(" |", out);
        }
        fputc(' ', out);
        md_text(out, note(c, row, b, sizeof b));
        fputs(" |\n", out);
    }
    fputc('\n', out);
    footer(out, c, timing);
    groups_after(c, out, 1);
    (void)err;
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

static void csv_text(FILE *out, const char *s)
{
    fs_csv_field(out, s, strlen(s));
}

enum { N_INT, N_FRAC, N_REAL };

static void csv_num(FILE *out, int kind, double v, int have)
{
    fputc(',', out);
    if (!have || isnan(v))
        return;
    if (kind == N_INT)
        fprintf(out, "%.0f", v);
    else if (kind == N_FRAC)
        fprintf(out, "%.6f", v);
    else
        fprintf(out, "%.6g", v);
}

static const char *const csv_head =
    "module,status,sha256,bytes,functions,closure_functions,closure_fraction,"
    "code_bytes_before,code_bytes_before_label,code_bytes_after,growth,after_label,"
    "fixed_bytes,callsite_bytes,local_bytes,dispatch_bytes,fixed_share,callsite_share,"
    "local_share,dispatch_share,terms_label,fit_A,fit_B,fit_C,fit_label,"
    "stack_bound_bytes,stack_unbounded,stack_label,normal_path_entry,normal_path_sites,"
    "normal_path_loops,refused_functions";

/* --group-by: one line per module and group ("long" form), the columns of
 * the stats command's group CSV after the module's path. */
static int groups_csv(const fs_compare *c, FILE *out)
{
    int header = 1;
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].groups.v) {
            fs_groups_emit_csv(&c->rows[i].groups, c->rows[i].path, header, out);
            header = 0;
        }
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

int fs_compare_emit_csv(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    static const char *const status[] = { "ok", "no_root", "error" };
    char b[320];
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].groups.v) {
            (void)err;
            return groups_csv(c, out);
        }
    fprintf(out, "%s%s,message\n", csv_head, timing ? ",seconds" : "");
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *r = &c->rows[i];
        int an = r->status != FS_CMP_ERROR, ok = r->status == FS_CMP_OK;
        csv_text(out, r->path);
        fprintf(out, ",%s,%s", status[r->status], r->has_sha256 ? r->sha256 : "");
        csv_num(out, N_INT, (double)r->bytes, r->has_sha256);
        csv_num(out, N_INT, r->functions, an);
        csv_num(out, N_INT, r->closure_functions, an);
        csv_num(out, N_FRAC, r->closure_fraction, an);
        if (ok)
            fprintf(out, ",%llu,measured,%llu", (unsigned long long)r->code_before,
                    (unsigned long long)r->code_after);
        else
            fputs(",,,", out);
        csv_num(out, N_FRAC, r->growth, ok);
        fputc(',', out);
        csv_text(out, ok ? r->label : "");   /* ", partial" has a comma */
        if (ok)
            fprintf(out, ",%llu,%llu,%llu", (unsigned long long)r->terms.fixed,
                    (unsigned long long)r->terms.callsite, (unsigned long long)r->terms.local);
        else
            fputs(",,,", out);
        csv_num(out, N_INT, (double)r->terms.dispatch, ok && r->has_dispatch);
        for (int k = 0; k < 4; k++)
            csv_num(out, N_FRAC, r->share[k], ok && (k < 3 || r->has_dispatch));
        fprintf(out, ",%s", ok ? r->terms_label : "");
        for (int k = 0; k < 3; k++)
            csv_num(out, N_REAL, r->fit_coef[k], ok && r->has_fit);
        fprintf(out, ",%s", ok && r->has_fit ? "fitted" : "");
        csv_num(out, N_INT, (double)r->stack_bytes, ok && !r->stack_unbounded);
        fprintf(out, ",%s,%s", ok ? (r->stack_unbounded ? "true" : "false") : "",
                ok ? r->stack_label : "");
        for (int k = 0; k < FS_FI_NNP; k++)
            csv_num(out, N_INT, (double)r->np[k], ok && r->has_dispatch);
        csv_num(out, N_INT, (double)r->refused, ok && r->has_dispatch);
        if (timing)
            fprintf(out, ",%.3f", r->seconds);
        fputc(',', out);
        csv_text(out, note(c, r, b, sizeof b));
        fputc('\n', out);
    }
    (void)err;
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
