/* emit_table.c - CSV and Markdown: every defined function, one row each,
 * by index, with the same columns. */
#include "group.h"
#include "report.h"

#include <string.h>

static const char *const columns[] = {
    "index", "name", "body_bytes", "in_closure", "callsites", "calls", "locals",
    "locals_i32", "locals_i64", "locals_f32", "locals_f64", "locals_v128", "locals_ref",
    "fixed", "callsite", "local", "total", "label", "body_offset", "delta_bytes",
};
#define NCOLS (sizeof columns / sizeof columns[0])
/* forkinstr and simulate add these after the others (total includes
 * dispatch there), so the model's columns keep their positions. */
static const char *const fi_columns[] = { "dispatch", "frame_bytes", "refused",
                                         "np_entry", "np_sites", "np_loops" };
#define NFICOLS (sizeof fi_columns / sizeof fi_columns[0])

void fs_csv_field(FILE *out, const char *s, size_t len)
{
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
        !memchr(s, '\r', len)) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

/* Markdown table cells cannot hold '|' or line breaks. */
static void md_name(FILE *out, const char *s, size_t len)
{
    fputc('`', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '|')
            fputs("\\|", out);
        else if (s[i] == '\n' || s[i] == '\r' || s[i] == '`')
            fputc(' ', out);
        else
            fputc(s[i], out);
    }
    fputc('`', out);
}

static void row_fields(FILE *out, const fs_row *row, const char *sep, int md, int fi)
{
    char buf[32];
    fprintf(out, "%u%s", row->index, sep);
    if (row->demangled)
        (md ? md_name : fs_csv_field)(out, row->demangled, row->demangled_len);
    else if (row->name)
        (md ? md_name : fs_csv_field)(out, row->name, row->name_len);
    else
        fputs(fs_row_display_name(row, buf, sizeof buf), out);
    fprintf(out, "%s%u%s%s%s%u%s%u%s%u", sep, row->body_bytes, sep,
            row->in_closure ? "true" : "false", sep, row->callsites, sep, row->calls, sep,
            row->locals);
    for (int k = 0; k < FS_VK_COUNT; k++)
        fprintf(out, "%s%u", sep, row->locals_kind[k]);
    fprintf(out, "%s%llu%s%llu%s%llu%s%llu%s%s", sep, (unsigned long long)row->cost.fixed, sep,
            (unsigned long long)row->cost.callsite, sep, (unsigned long long)row->cost.local,
            sep, (unsigned long long)row->cost.total, sep, row->label ? row->label : "");
    fprintf(out, "%s%u%s", sep, row->body_offset, sep);
    if (row->measured)
        fprintf(out, "%lld", (long long)row->delta);
    if (fi) {
        fprintf(out, "%s%llu%s%u%s", sep, (unsigned long long)row->cost.dispatch, sep,
                row->frame_bytes, sep);
        if (row->refused)
            (md ? md_name : fs_csv_field)(out, row->refused, strlen(row->refused));
        for (int i = 0; i < FS_FI_NNP; i++)
            fprintf(out, "%s%u", sep, row->np[i]);
    }
}

int fs_emit_csv(const fs_report *r, FILE *out, fs_error *err)
{
    (void)err;
    if (r->groups) {            /* --group-by: one line a group */
        fs_groups_emit_csv(r->groups, NULL, 1, out);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    for (size_t i = 0; i < NCOLS; i++)
        fprintf(out, "%s%s", i ? "," : "", columns[i]);
    for (size_t i = 0; r->fi_applied && i < NFICOLS; i++)
        fprintf(out, ",%s", fi_columns[i]);
    fputc('\n', out);
    for (uint32_t i = 0; i < r->nrows; i++) {
        row_fields(out, &r->rows[i], ",", 0, r->fi_applied);
        fputc('\n', out);
    }
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

int fs_emit_md(const fs_report *r, FILE *out, fs_error *err)
{
    (void)err;
    fprintf(out, "## forksize: `%s`\n\n", r->path);
    fprintf(out, "| figure | value | label |\n|---|---|---|\n");
    fprintf(out, "| sha256 | `%s` | |\n", r->sha256);
    fprintf(out, "| defined functions | %u | |\n| function imports | %u | |\n", r->functions,
            r->imports);
    fprintf(out, "| closure (%s) | %u (%.1f%%) | |\n", r->policy, r->closure_functions,
            100.0 * r->closure_fraction);
    fprintf(out, "| code section before | %llu | measured |\n",
            (unsigned long long)r->code_bytes_before);
    fprintf(out, "| code section after | %llu | %s |\n", (unsigned long long)r->code_bytes_after,
            r->label);
    fprintf(out, "| growth | +%.1f%% | %s |\n", 100.0 * r->growth, r->label);
    if (r->fi_applied) {
        fprintf(out, "| fixed / call-site / local / dispatch | %llu / %llu / %llu / %llu | %s |\n",
                (unsigned long long)r->terms.fixed, (unsigned long long)r->terms.callsite,
                (unsigned long long)r->terms.local, (unsigned long long)r->terms.dispatch,
                r->label);
        fprintf(out, "| normal-path instructions added: entries / sites / loops | %llu / %llu / "
                "%llu | exact |\n\n", (unsigned long long)r->fi->np[0],
                (unsigned long long)r->fi->np[1], (unsigned long long)r->fi->np[2]);
    } else
        fprintf(out, "| fixed / call-site / local | %llu / %llu / %llu | estimated |\n\n",
                (unsigned long long)r->terms.fixed, (unsigned long long)r->terms.callsite,
                (unsigned long long)r->terms.local);
    if (r->groups) {
        fs_groups_emit_md(r->groups, 0, out);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    size_t ncols = NCOLS + (r->fi_applied ? NFICOLS : 0);
    for (size_t i = 0; i < ncols; i++)
        fprintf(out, "| %s ", i < NCOLS ? columns[i] : fi_columns[i - NCOLS]);
    fprintf(out, "|\n");
    for (size_t i = 0; i < ncols; i++)
        fprintf(out, "|---");
    fprintf(out, "|\n");
    for (uint32_t i = 0; i < r->nrows; i++) {
        fputs("| ", out);
        row_fields(out, &r->rows[i], " | ", 1, r->fi_applied);
        fputs(" |\n", out);
    }
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
