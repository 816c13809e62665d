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
 *
 * With --group-by the bar is split by group instead of by term.  Groups
 * differ between modules, so colours go to keys, not to positions: the
 * GC_N keys with the largest summed share over all modules get a colour
 * each (the same key has the same colour in every bar), the group of
 * functions with no source a grey of its own, and every other group of a
 * bar is one "other groups" segment at its end.
 */
#include "compare.h"
#include "group.h"

#include <math.h>
#include <stdlib.h>
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

#define GC_N 8
static const char *const group_color[GC_N] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
};
#define NOSRC_COLOR "#c7c7c7"
#define OTHER_COLOR "#8c6d5a"

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
static void bar_statement(FILE *out, const fs_compare *c, const fs_groups *groups, double y)
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
    if (groups)
        fprintf(out, "</text>\n<text x=\"16\" y=\"%.0f\" fill=\"#222\">Split by group "
                "(--group-by %s): each group's share of the added bytes, ", y + 18,
                fs_group_by_name[groups->by]);
    else
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


/* --group-by: a key and its share summed over the modules. */
typedef struct key_sum {
    const char *key;
    double      sum;
} key_sum;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const key_sum *)a)->key, ((const key_sum *)b)->key);
}

static int by_sum(const void *a, const void *b)
{
    const key_sum *x = a, *y = b;
    if (x->sum != y->sum)
        return x->sum < y->sum ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* The groups of the first analysed row that has them (the chart then
 * splits by group), or NULL. */
static const fs_groups *any_groups(const fs_compare *c)
{
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].status == FS_CMP_OK && c->rows[i].groups.v)
            return &c->rows[i].groups;
    return NULL;
}

/* The coloured keys, largest summed share first, into TOP (at most GC_N);
 * *nosrc is the no-source group's key when some bar has one (else NULL),
 * *other whether some bar has an uncoloured group.  FS_ERR_NOMEM. */
static int pick_keys(const fs_compare *c, const char **top, unsigned *ntop, const char **nosrc,
                     int *other)
{
    size_t n = 0;
    for (unsigned i = 0; i < c->nrows; i++)
        if (c->rows[i].status == FS_CMP_OK)
            n += c->rows[i].groups.n;
    key_sum *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return FS_ERR_NOMEM;
    size_t m = 0;
    *nosrc = NULL;
    *other = 0;
    for (unsigned i = 0; i < c->nrows; i++) {
        const fs_groups *g = &c->rows[i].groups;
        for (uint32_t k = 0; c->rows[i].status == FS_CMP_OK && k < g->n; k++) {
            if (!g->v[k].cost.total)
                continue;                   /* no segment: no colour either */
            if (g->v[k].no_source)
                *nosrc = g->v[k].key;
            else
                v[m++] = (key_sum){ g->v[k].key, g->v[k].share };
        }
    }
    qsort(v, m, sizeof *v, by_key);
    size_t u = 0;                           /* one entry per key, shares summed */
    for (size_t k = 0; k < m; k++) {
        if (u && !strcmp(v[u - 1].key, v[k].key))
            v[u - 1].sum += v[k].sum;
        else
            v[u++] = v[k];
    }
    qsort(v, u, sizeof *v, by_sum);
    *ntop = u < GC_N ? (unsigned)u : GC_N;
    for (unsigned k = 0; k < *ntop; k++)
        top[k] = v[k].key;
    *other = u > GC_N;
    free(v);
    return FS_OK;
}

/* One segment of a bar, from pixel A to Z, and its title: WHAT (at most
 * WHAT_MAX characters), its SHARE of the added bytes, BYTES and LABEL. */
static void segment(FILE *out, double a, double z, double y, const char *color,
                    const fs_compare *c, unsigned i, const char *what, size_t what_max,
                    double share, uint64_t bytes, const char *label)
{
    fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
            "fill=\"%s\"><title>", fmin(a, z), y + (ROW_H - BAR_H) / 2, fabs(z - a), BAR_H,
            color);
    xml_text(out, shown_name(c, i), 200, 1);
    fputs(": ", out);
    xml_text(out, what, what_max, 0);
    fprintf(out, " %.1f%% of the added bytes (%llu bytes, %s)</title></rect>\n",
            100.0 * share, (unsigned long long)bytes, label);
}

/* Row I's bar split by group: coloured keys in the legend's order, then
 * the other groups, then the no-source group.  PX pixels per percent. */
static void group_bar(FILE *out, const fs_compare *c, unsigned i, const char *const *top,
                      unsigned ntop, double y, double x0, double gmin, double px)
{
    const fs_compare_row *r = &c->rows[i];
    const fs_groups *g = &r->groups;
    double total = (double)g->total.cost.total, gr = 100.0 * r->growth, at = 0;
    uint64_t rest = 0;
    uint32_t nrest = 0;
    const fs_group *nosrc = NULL;
#define PX(v) (x0 + ((v) - gmin) * px)
    for (unsigned t = 0; t < ntop; t++)
        for (uint32_t k = 0; k < g->n; k++)
            if (!g->v[k].no_source && g->v[k].cost.total && !strcmp(g->v[k].key, top[t])) {
                double s = (double)g->v[k].cost.total / total;
                segment(out, PX(at), PX(at + gr * s), y, group_color[t], c, i, g->v[k].key,
                        120, s, g->v[k].cost.total, r->terms_label);
                at += gr * s;
            }
    for (uint32_t k = 0; k < g->n; k++) {
        int coloured = 0;
        for (unsigned t = 0; t < ntop && !coloured; t++)
            coloured = !strcmp(g->v[k].key, top[t]);
        if (g->v[k].no_source)
            nosrc = &g->v[k];
        else if (!coloured && g->v[k].cost.total) {
            rest += g->v[k].cost.total;
            nrest++;
        }
    }
    if (rest) {
        char what[48];
        snprintf(what, sizeof what, "%u other group%s", nrest, nrest == 1 ? "" : "s");
        segment(out, PX(at), PX(at + gr * (double)rest / total), y, OTHER_COLOR, c, i, what,
                sizeof what, (double)rest / total, rest, r->terms_label);
        at += gr * (double)rest / total;
    }
    if (nosrc && nosrc->cost.total) {
        double s = (double)nosrc->cost.total / total;
        segment(out, PX(at), PX(at + gr * s), y, NOSRC_COLOR, c, i, nosrc->key, 40, s,
                nosrc->cost.total, r->terms_label);
    }
#undef PX
}

/* The legend at Y: terms, or the coloured group keys; returns the y of its
 * last line.  OUT NULL only measures. */
static double legend(FILE *out, const fs_compare *c, const char *const *top, unsigned ntop,
                     const char *nosrc, int other, int by_group, double y)
{
    const char *name[GC_N + 2], *what[GC_N + 2], *color[GC_N + 2];
    unsigned n = 0;
    if (!by_group) {
        int nterms = fs_compare_has_dispatch(c) ? 4 : 3;
        for (int k = 0; k < nterms; k++, n++) {
            name[n] = term_name[k];
            what[n] = term_what[k];
            color[n] = term_color[k];
        }
    } else {
        for (unsigned k = 0; k < ntop; k++, n++) {
            name[n] = top[k];
            what[n] = NULL;
            color[n] = group_color[k];
        }
        if (other) {
            name[n] = "other groups";
            what[n] = NULL;
            color[n++] = OTHER_COLOR;
        }
        if (nosrc) {
            name[n] = nosrc;
            what[n] = NULL;
            color[n++] = NOSRC_COLOR;
        }
    }
    double lx = 16;
    for (unsigned k = 0; k < n; k++) {
        size_t len = strlen(name[k]) > 40 ? 40 : strlen(name[k]);
        double w = 20 + CHAR_W * (double)(len + (what[k] ? strlen(what[k]) + 3 : 0)) + 18;
        if (lx > 16 && lx + w > W - 16) {
            lx = 16;
            y += 18;
        }
        if (out) {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    "<text x=\"%.1f\" y=\"%.0f\" fill=\"#222\">", lx, y, color[k], lx + 20,
                    y + 12);
            xml_text(out, name[k], 40, 0);
            if (what[k])
                fprintf(out, " (%s)", what[k]);
            fputs("</text>\n", out);
        }
        lx += w;
    }
    return y;
}

int fs_compare_emit_svg(const fs_compare *c, int timing, FILE *out, fs_error *err)
{
    (void)err;
    const char *key[GC_N], *nosrc = NULL;
    unsigned nkeys = 0;
    int other = 0, by_group = any_groups(c) != NULL;
    if (by_group && pick_keys(c, key, &nkeys, &nosrc, &other))
        return FS_ERR_NOMEM;
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
    double top = legend(NULL, c, key, nkeys, nosrc, other, by_group, 96) + 40;
    double plot_h = ROW_H * (c->nrows ? c->nrows : 1);
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
    bar_statement(out, c, any_groups(c), 66);

    legend(out, c, key, nkeys, nosrc, other, by_group, 96);

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
        if (by_group && r->groups.v && r->groups.total.cost.total) {
            group_bar(out, c, i, key, nkeys, y, x0, gmin, (x1 - x0) / (gmax - gmin));
        } else {
            int split = !isnan(r->share[0]);
            for (int k = 0; k < (split ? (r->has_dispatch ? 4 : 3) : 1); k++) {
                double v = split ? g * r->share[k] : g;
                if (split) {
                    uint64_t bytes = k == 0 ? r->terms.fixed : k == 1 ? r->terms.callsite
                                     : k == 2 ? r->terms.local : r->terms.dispatch;
                    segment(out, X(at), X(at + v), y, term_color[k], c, i, term_name[k], 20,
                            r->share[k], bytes, r->terms_label);
                } else {
                    double a = X(at), z = X(at + v);
                    fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                            "fill=\"#9e9e9e\"><title>", fmin(a, z), y + (ROW_H - BAR_H) / 2,
                            fabs(z - a), BAR_H);
                    xml_text(out, shown_name(c, i), 200, 1);
                    fputs(": no term split</title></rect>\n", out);
                }
                at += v;
            }
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
