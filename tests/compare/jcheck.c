/* jcheck.c - cross-checks a `forksize compare --format json` document
 * against `forksize --stats --format json` reports of the same modules,
 * made with the same options: row i of the comparison must carry exactly
 * the numbers and labels of report i.
 *
 *   jcheck COMPARE.json STATS0.json STATS1.json ...
 *
 * Prints one line per mismatch and exits 1 if there was any; exits 2 when
 * a file cannot be read or parsed.
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

static cJSON *load(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "jcheck: cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0;) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    if (!buf) {
        fprintf(stderr, "jcheck: out of memory\n");
        exit(2);
    }
    buf[n] = 0;
    cJSON *doc = cJSON_Parse(buf);
    free(buf);
    if (!doc) {
        fprintf(stderr, "jcheck: %s does not parse as JSON\n", path);
        exit(2);
    }
    return doc;
}

/* Follows a dotted path ("a.b.c") through objects. */
static cJSON *at(cJSON *o, const char *path)
{
    char key[128];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        snprintf(key, sizeof key, "%.*s", (int)len, path);
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += len + (dot ? 1 : 0);
    }
    return o;
}

__attribute__((format(printf, 2, 3)))
static void bad(int row, const char *fmt, ...)
{
    va_list ap;
    printf("row %d: ", row);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fails++;
}

/* Two JSON values that must be the same number (or both null). */
static void same_num(int row, const char *what, cJSON *a, cJSON *b)
{
    if ((!a || cJSON_IsNull(a)) && (!b || cJSON_IsNull(b)))
        return;
    if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b)) {
        bad(row, "%s: not both numbers", what);
        return;
    }
    if (a->valuedouble != b->valuedouble)
        bad(row, "%s: compare %.17g, stats %.17g", what, a->valuedouble, b->valuedouble);
}

static void same_lit(int row, const char *what, cJSON *a, const char *want)
{
    if (!cJSON_IsString(a) || strcmp(a->valuestring, want))
        bad(row, "%s: '%s', want '%s'", what, cJSON_IsString(a) ? a->valuestring : "?", want);
}

static void same_str(int row, const char *what, cJSON *a, cJSON *b)
{
    if (!cJSON_IsString(b))
        bad(row, "%s: stats has no string", what);
    else
        same_lit(row, what, a, b->valuestring);
}

/* A labelled figure {value, label} of the comparison against a stats
 * value and the label it must carry.  Figures both documents print from
 * the same double are compared exactly; one computed here (a term's
 * share) within 4 ulp, because cJSON prints 15 significant digits when
 * they read back within its epsilon, not always the exact double. */
static void fig_near(int row, cJSON *m, const char *name, cJSON *stats_value, const char *label,
                     int near)
{
    cJSON *f = at(m, name);
    if (!cJSON_IsObject(f)) {
        bad(row, "%s: no figure object", name);
        return;
    }
    cJSON *v = at(f, "value");
    if (near && cJSON_IsNumber(v) && cJSON_IsNumber(stats_value)) {
        double a = v->valuedouble, b = stats_value->valuedouble;
        if (fabs(a - b) > 4 * DBL_EPSILON * fmax(fabs(a), fabs(b)))
            bad(row, "%s: compare %.17g, want %.17g", name, a, b);
    } else {
        same_num(row, name, v, stats_value);
    }
    cJSON *l = at(f, "label");
    if (!cJSON_IsString(l) || strcmp(l->valuestring, label))
        bad(row, "%s: label '%s', want '%s'", name, cJSON_IsString(l) ? l->valuestring : "?",
            label);
}

static void fig(int row, cJSON *m, const char *name, cJSON *stats_value, const char *label)
{
    fig_near(row, m, name, stats_value, label, 0);
}

static void check_row(int i, cJSON *m, cJSON *s)
{
    static const char *const terms[] = { "fixed", "callsite", "local", "dispatch", "total" };
    char name[64], sname[64];
    same_lit(i, "status", at(m, "status"), "ok");
    same_str(i, "path", at(m, "path"), at(s, "module.path"));
    same_str(i, "sha256", at(m, "sha256"), at(s, "module.sha256"));
    fig(i, m, "bytes", at(s, "module.bytes"), "measured");
    fig(i, m, "functions", at(s, "module.functions"), "measured");
    fig(i, m, "closure_functions", at(s, "closure.functions"), "analysis");
    fig(i, m, "closure_fraction", at(s, "closure.fraction"), "analysis");
    const char *label = cJSON_GetStringValue(at(s, "instrumentation.label"));
    if (!label) {
        bad(i, "stats report has no instrumentation.label");
        return;
    }
    same_str(i, "mode", at(m, "mode"), at(s, "instrumentation.mode"));
    fig(i, m, "code_bytes_before", at(s, "instrumentation.code_bytes_before"), "measured");
    fig(i, m, "code_bytes_after", at(s, "instrumentation.code_bytes_after"), label);
    fig(i, m, "growth", at(s, "instrumentation.growth"), label);
    double before = cJSON_GetNumberValue(at(s, "instrumentation.code_bytes_before"));
    double after = cJSON_GetNumberValue(at(s, "instrumentation.code_bytes_after"));
    cJSON *added = cJSON_CreateNumber(after - before);
    fig(i, m, "added_bytes", added, label);
    cJSON_Delete(added);
    /* The terms carry the stats report's label (the model's split:
     * estimated); a dispatch term only where the report has one. */
    const char *tl = cJSON_GetStringValue(at(s, "terms.label"));
    if (!tl) {
        bad(i, "stats report has no terms.label");
        return;
    }
    int dispatch = at(s, "terms.dispatch") != NULL;
    if (!dispatch && at(m, "terms.dispatch"))
        bad(i, "terms.dispatch in compare, not in stats");
    /* the stack bound is the stats report's */
    cJSON *mb = at(m, "stack_bound.bytes"), *sb = at(s, "stack_bound.bytes");
    if (!mb || !sb || cJSON_IsNull(mb) != cJSON_IsNull(sb) ||
        (!cJSON_IsNull(mb) && cJSON_GetNumberValue(mb) != cJSON_GetNumberValue(sb)))
        bad(i, "stack_bound.bytes differs from the stats report's");
    if (cJSON_IsTrue(at(m, "stack_bound.unbounded")) != cJSON_IsTrue(at(s, "stack_bound.unbounded")))
        bad(i, "stack_bound.unbounded differs from the stats report's");
    same_str(i, "stack_bound.label", at(m, "stack_bound.label"), at(s, "stack_bound.label"));
    for (int k = 0; k < 5; k++) {
        if (k == 3 && !dispatch)
            continue;
        snprintf(name, sizeof name, "terms.%s", terms[k]);
        fig(i, m, name, at(s, name), tl);
    }
    double total = cJSON_GetNumberValue(at(s, "terms.total"));
    for (int k = 0; k < 4; k++) {
        if (k == 3 && !dispatch)
            continue;
        snprintf(name, sizeof name, "term_shares.%s", terms[k]);
        snprintf(sname, sizeof sname, "terms.%s", terms[k]);
        cJSON *want = cJSON_CreateNumber(cJSON_GetNumberValue(at(s, sname)) / total);
        fig_near(i, m, name, want, tl, 1);
        cJSON_Delete(want);
    }
    cJSON *fit = at(m, "fit"), *sfit = at(s, "fit");
    if (!sfit) {
        if (!cJSON_IsNull(fit))
            bad(i, "fit: stats has none, compare has one");
    } else if (!cJSON_IsObject(fit)) {
        bad(i, "fit: stats has one, compare has none");
    } else {
        static const char *const coef[] = { "A", "B", "C" };
        static const char *const term3[] = { "fixed", "callsite", "local" };
        fig(i, fit, "observations", at(sfit, "observations"), "measured");
        for (int k = 0; k < 3; k++) {
            fig(i, fit, coef[k], at(sfit, coef[k]), "fitted");
            snprintf(name, sizeof name, "%s.se", coef[k]);
            snprintf(sname, sizeof sname, "se.%s", coef[k]);
            same_num(i, name, at(fit, name), at(sfit, sname));
            snprintf(name, sizeof name, "%s.share", coef[k]);
            snprintf(sname, sizeof sname, "share.%s", term3[k]);
            same_num(i, name, at(fit, name), at(sfit, sname));
        }
        fig(i, fit, "r2", at(sfit, "r2"), "fitted");
    }
    cJSON *w = at(m, "warnings"), *sw = at(s, "warnings");
    if (cJSON_GetArraySize(w) != cJSON_GetArraySize(sw))
        bad(i, "warnings: %d in compare, %d in stats", cJSON_GetArraySize(w),
            cJSON_GetArraySize(sw));
    for (int k = 0; k < cJSON_GetArraySize(w) && k < cJSON_GetArraySize(sw); k++)
        same_str(i, "warning", cJSON_GetArrayItem(w, k), cJSON_GetArrayItem(sw, k));
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: jcheck COMPARE.json STATS.json...\n");
        return 2;
    }
    cJSON *c = load(argv[1]);
    cJSON *mods = at(c, "modules");
    same_lit(-1, "schema", at(c, "schema"), "forksize/compare@1");
    if (cJSON_GetArraySize(mods) != argc - 2)
        bad(-1, "%d modules in compare, %d stats reports", cJSON_GetArraySize(mods), argc - 2);
    for (int i = 0; i + 2 < argc && i < cJSON_GetArraySize(mods); i++) {
        cJSON *s = load(argv[i + 2]);
        if (i == 0) {
            /* The options and the tool are the document's, once. */
            same_str(-1, "tool.version", at(c, "tool.version"), at(s, "tool.version"));
            same_str(-1, "options.indirect", at(c, "options.indirect"), at(s, "options.indirect"));
            /* options.apply is what was asked for; a report says what was
             * done (the default mode falls back to the model where
             * forkinstr refuses), which each row's mode is checked against. */
            same_num(-1, "options.opt_level", at(c, "options.opt_level"),
                     at(s, "options.opt_level"));
            char *a = cJSON_PrintUnformatted(at(c, "options.roots"));
            char *b = cJSON_PrintUnformatted(at(s, "options.roots"));
            char *x = cJSON_PrintUnformatted(at(c, "options.model"));
            char *y = cJSON_PrintUnformatted(at(s, "options.model"));
            if (!a || !b || strcmp(a, b))
                bad(-1, "options.roots: %s vs %s", a ? a : "?", b ? b : "?");
            if (!x || !y || strcmp(x, y))
                bad(-1, "options.model: %s vs %s", x ? x : "?", y ? y : "?");
            free(a), free(b), free(x), free(y);
        }
        check_row(i, cJSON_GetArrayItem(mods, i), s);
        cJSON_Delete(s);
    }
    cJSON_Delete(c);
    printf("jcheck: %d module%s, %d mismatch%s\n", argc - 2, argc == 3 ? "" : "s", fails,
           fails == 1 ? "" : "es");
    return fails ? 1 : 0;
}
