/* compare_svg.c - the compare table as a self-contained SVG chart.
 *
 * One horizontal bar per module: its code growth in percent of the code
 * bytes before, split into the terms (fixed, call-site, local, and
 * forkinstr's dispatch) by their shares.  The chart states its labels in
 * words: the bar length is what the row's label says (estimated or
 * measured), the split is the model's estimate unless forkinstr measured
 * it.  No scripts, no external fonts or
 * styles: it opens in a browser and pastes into a document as it is.
 * Rows without a bar (no root, error) say why in the bar's place.
 */
#include "compare.h"

#include <math.h>
#include <string.h>

#define W        960.0
#define ROW_H    28.0
#define BAR_H    18.0
#define CHAR_W   7.0      /* average advance of the 12px sans-serif used */
#define FONT     "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\""

static const char *const term_name[4] = { "fixed", "call-site", "local", "dispatch" };
static const char *const term_what[4] = {
    "A per function", "B per unwind-capable call site", "C per saved local", "rewind re-entry",
};
static const char *const term_color[4] = { "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1" };

/* Text content or attribute value: XML-escaped, control bytes and bytes
 * that are not valid UTF-8 shown as '?', at most MAX characters (the
 * start is cut, keeping the end, when KEEP_END). */
static void xml_text(FILE *out, const char *s, size_t max, int keep_end)
{
    size_t len = strlen(s);
    if (len > max) {
        fputs(keep_end ? "..." : "", out);
        if (keep_end)
            s += len - (max - 3);
        len = max - 3;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int valid = n > 0 && (size_t)(end - p) >= n;
        for (size_t k = 1; valid && k < n; k++)
            valid = (p[k] & 0xC0) == 0x80;
        if (!valid || (n == 1 && c < 0x20)) {
            fputc('?', out);
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, out);
        } else {
            switch (c) {
            case '&': fputs("&amp;", out); break;
            case '<': fputs("&lt;", out); break;
            case '>': fputs("&gt;", out); break;
            case '"': fputs("&quot;", out); break;
            default:  fputc((int)c, out); break;
            }
        }
        p += n;
    }
    if (len < strlen(s) && !keep_end)
        fputs("...", out);
}

/* The name shown for a row: the file name, or the whole path when two
 * modules share a file name. */
static const char *shown_name(const fs_compare *c, unsigned i)
{
    const char *base = strrchr(c->rows[i].path, '/');
    base = base ? base + 1 : c->rows[i].path;
    for (unsigned j = 0; j < c->nrows; j++) {
        const char *o = strrchr(c->rows[j].path, '/');
        o = o ? o + 1 : c->rows[j].path;
        if (j != i && !strcmp(o, base) && strcmp(c->rows[j].path, c->rows[i].path))
            return c->rows[i].path;
    }
    return base;
}

/* A round step for about five ticks over RANGE (percent). */
static double tick_step(double range)
{
    double raw = range / 5.0, mag = pow(10.0, floor(log10(raw)));
    static const double nice[] = { 1, 2, 2.5, 5, 10 };
    for (int k = 0; k < 5; k++)
        if (nice[k] * mag >= raw)
            return nice[k] * mag;
    return 10 * mag;
}

static void fmt_pct(char *b, size_t cap, double v)
{
    /* Ticks are round: as few decimals as they need. */
    if (fabs(v - round(v)) < 1e-9)
        snprintf(b, cap, "%.0f%%", v);
    else
        snprintf(b, cap, "%g%%", v);
}

/* A label in capitals, so the chart cannot be misread: "ESTIMATED". */
static void shout(FILE *out, const char *label)
{
    for (; *label; label++)
        fputc(*label >= 'a' && *label <= 'z' ? *label - 'a' + 'A' : *label, out);
}

/* What the bar lengths and the split are, in words: the label the rows
 * share, or a pointer to the labels at the bars when they differ. */
static void bar_statement(FILE *out, const fs_compare *c, double y)
{
    const char *lab = NULL;
    int mixed = 0;
    for (unsigned i = 0; i < c->nrows; i++) {
        if (c->rows[i].status != FS_CMP_OK)
            continue;
        if (!lab)
            lab = c->rows[i].label;
        else if (strcmp(lab, c->rows[i].label))
            mixed = 1;
    }
    fprintf(out, "<text x=\"16\" y=\"%.0f\" fill=\"#222\">Bar length: code growth, ", y);
    if (!lab || mixed) {
        fputs("labelled at the end of each bar.", out);
    } else if (!strcmp(lab, "estimated")) {
        fputs("ESTIMATED by the cost model.", out);
    } else if (!strcmp(lab, "measured") && !strcmp(c->apply, "asyncify")) {
        fprintf(out, "MEASURED (Binaryen's Asyncify run for real, -O%d A/B).", c->opt_level);
    } else {
        shout(out, lab);
        fprintf(out, " (--apply %s).", c->apply);
    }
    fprintf(out, "</text>\n<text x=\"16\" y=\"%.0f\" fill=\"#222\">Split by term: each "
            "term's share of the added bytes, ", y + 18);
    const char *tl = fs_compare_terms_label(c);
    if (!strcmp(tl, "estimated")) {
        fputs("ESTIMATED (the model's split).", out);
    } else {
        shout(out, tl);
        fputc('.', out);
    }
    fputs("</text>\n", out);
}

int fs_compare_emit_svg(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    (void)err;
    /* Scale: from min(0, smallest growth) to the largest, in percent. */
    double gmin = 0, gmax = 0;
    size_t name_chars = 6;
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *r = &c->rows[i];
        size_t n = strlen(shown_name(c, i));
        if (n > name_chars)
            name_chars = n;
        if (r->status != FS_CMP_OK || !isfinite(r->growth))
            continue;
        gmin = fmin(gmin, 100.0 * r->growth);
        gmax = fmax(gmax, 100.0 * r->growth);
    }
    if (name_chars > 32)
        name_chars = 32;
    if (gmax - gmin <= 0)
        gmax = 10;
    double step = tick_step(gmax - gmin);
    gmin = floor(gmin / step + 1e-9) * step;
    gmax = ceil(gmax / step - 1e-9) * step;
    if (gmax <= gmin)
        gmax = gmin + step;
    double x0 = 16 + (double)name_chars * CHAR_W + 12, x1 = W - 150;
    double top = 136, plot_h = ROW_H * (c->nrows ? c->nrows : 1);
    double axis_y = top + plot_h + 6, h = axis_y + 64;
#define X(v) (x0 + ((v) - gmin) / (gmax - gmin) * (x1 - x0))

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" %s font-size=\"12\">\n", W, h, W, h, FONT);
    fprintf(out, "<title>forksize compare: code growth per module</title>\n");
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
            W, h);
    fprintf(out, "<text x=\"16\" y=\"26\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">"
            "Code growth from fork instrumentation, per module</text>\n");
    fprintf(out, "<text x=\"16\" y=\"46\" fill=\"#444\">forksize %s compare; roots ",
            c->tool_version);
    for (unsigned i = 0; i < c->nroots; i++) {
        fputs(i ? ", " : "", out);
        xml_text(out, c->roots[i], 60, 0);
    }
    fprintf(out, "; indirect %s; apply %s", c->policy, c->apply);
    if (!strcmp(c->apply, "asyncify"))
        fprintf(out, " -O%d", c->opt_level);
    fprintf(out, "; model A=%g B=%g C=%g</text>\n", c->profile.fixed, c->profile.callsite,
            c->profile.local_i32);
    bar_statement(out, c, 66);

    /* Legend. */
    double lx = 16;
    int nterms = fs_compare_has_dispatch(c) ? 4 : 3;
    for (int k = 0; k < nterms; k++) {
        fprintf(out, "<rect x=\"%.1f\" y=\"96\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"108\" fill=\"#222\">%s (%s)</text>\n", lx, term_color[k],
                lx + 20, term_name[k], term_what[k]);
        lx += 20 + CHAR_W * (double)(strlen(term_name[k]) + strlen(term_what[k]) + 3) + 18;
    }

    /* Grid, ticks and the axis. */
    fprintf(out, "<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
    for (int t = 0; gmin + t * step <= gmax + step / 2; t++)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                X(gmin + t * step), top - 6, X(gmin + t * step), axis_y);
    fprintf(out, "</g>\n");
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
            x0, axis_y, x1, axis_y);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
            X(0), top - 6, X(0), axis_y);
    char b[64];
    for (int t = 0; gmin + t * step <= gmax + step / 2; t++) {
        double v = gmin + t * step;
        fmt_pct(b, sizeof b, fabs(v) < step / 1e6 ? 0 : v);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#333\">%s</text>\n",
                X(v), axis_y, X(v), axis_y + 5, X(v), axis_y + 19, b);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#222\">code growth, "
            "%% of the code section bytes before instrumentation</text>\n", (x0 + x1) / 2,
            axis_y + 40);

    /* One row per module, in the order given. */
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_compare_row *r = &c->rows[i];
        double y = top + ROW_H * i, ty = y + ROW_H / 2 + 4;
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#222\">", x0 - 8,
                ty);
        xml_text(out, shown_name(c, i), name_chars, 1);
        fputs("</text>\n", out);
        if (r->status != FS_CMP_OK) {
            char note[320], e[300];
            if (r->status == FS_CMP_ERROR)
                snprintf(note, sizeof note, "error: %s", fs_compare_row_error(r, e, sizeof e));
            else
                fs_compare_no_root_text(c, note, sizeof note);
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\" fill=\"%s\">",
                    X(0) + 6, ty, r->status == FS_CMP_ERROR ? "#b00020" : "#666666");
            xml_text(out, note, (size_t)((W - X(0) - 12) / CHAR_W), 0);
            fputs("</text>\n", out);
            continue;
        }
        double g = 100.0 * r->growth, at = 0;
        int split = !isnan(r->share[0]);
        for (int k = 0; k < (split ? (r->has_dispatch ? 4 : 3) : 1); k++) {
            double v = split ? g * r->share[k] : g;
            double a = X(at), z = X(at + v);
            fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                    "fill=\"%s\"><title>", fmin(a, z), y + (ROW_H - BAR_H) / 2, fabs(z - a),
                    BAR_H, split ? term_color[k] : "#9e9e9e");
            xml_text(out, shown_name(c, i), 200, 1);
            if (split)
                fprintf(out, ": %s %.1f%% of the added bytes (%llu bytes, %s)</title></rect>\n",
                        term_name[k], 100.0 * r->share[k],
                        (unsigned long long)(k == 0 ? r->terms.fixed : k == 1 ? r->terms.callsite
                                             : k == 2 ? r->terms.local : r->terms.dispatch),
                        r->terms_label);
            else
                fprintf(out, ": no term split</title></rect>\n");
            at += v;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222\">%+.1f%% %s</text>\n",
                fmax(X(g), X(0)) + 6, ty, g, r->label);
    }
    if (timing)
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" "
                "fill=\"#888\">%u modules in %.2f s, %u job%s</text>\n", W - 8, h - 8, c->nrows,
                c->wall_seconds, c->jobs, c->jobs == 1 ? "" : "s");
    fprintf(out, "</svg>\n");
#undef X
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
