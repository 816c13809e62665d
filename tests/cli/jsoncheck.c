/* jsoncheck.c - checks a forksize/stats@2 report against the schema's
 * contract (docs/json-schema.md) and its own arithmetic:
 *   - every documented field exists with its type;
 *   - module.functions == number of rows, rows sorted by index;
 *   - closure.functions == rows in the closure, fraction matches;
 *   - terms == the sums of the rows' costs, total == fixed+callsite+local;
 *   - code_bytes_after - code_bytes_before == terms.total, growth matches;
 *   - every closure row is labelled "estimated", every other row null;
 *   - with --apply asyncify: module_bytes is the helpers' bytes plus the
 *     growth of the code section's function count LEB (each row's
 *     delta_bytes is checked against wasm-objdump's reading of wasm-opt's
 *     own outputs by tests/apply/apply.sh codesize, not here).
 * Usage: jsoncheck REPORT.json  (prints "N passed, M failed")
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pass, fail;

static void check(int ok, const char *what)
{
    if (ok) {
        pass++;
    } else {
        fail++;
        fprintf(stderr, "jsoncheck: FAILED: %s\n", what);
    }
}

static const cJSON *field(const cJSON *o, const char *path, int type)
{
    const cJSON *cur = o;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
    int ok = cur && (cur->type & 0xFF) == type;
    char msg[192];
    snprintf(msg, sizeof msg, "field %s present with the right type", path);
    check(ok, msg);
    return ok ? cur : NULL;
}

static double numv(const cJSON *o, const char *path)
{
    const cJSON *n = field(o, path, cJSON_Number);
    return n ? n->valuedouble : NAN;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jsoncheck REPORT.json\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "jsoncheck: cannot read %s\n", argv[1]);
        return 2;
    }
    text[len] = 0;
    fclose(f);
    cJSON *doc = cJSON_Parse(text);
    check(doc != NULL, "the report parses as JSON");
    if (!doc)
        return 1;

    const cJSON *schema = field(doc, "schema", cJSON_String);
    check(schema && !strcmp(schema->valuestring, "forksize/stats@2"), "schema is forksize/stats@2");
    field(doc, "module.path", cJSON_String);
    const cJSON *sha = field(doc, "module.sha256", cJSON_String);
    check(sha && strlen(sha->valuestring) == 64, "sha256 has 64 hex digits");
    double nfuncs = numv(doc, "module.functions");
    numv(doc, "module.bytes");
    numv(doc, "module.imports");
    double code = numv(doc, "module.code_section_bytes");
    const cJSON *roots = field(doc, "roots", cJSON_Array);
    const cJSON *r;
    cJSON_ArrayForEach(r, roots) {
        field(r, "spec", cJSON_String);
        numv(r, "matched");
    }
    field(doc, "closure.policy", cJSON_String);
    double csize = numv(doc, "closure.functions");
    double frac = numv(doc, "closure.fraction");
    const cJSON *mode = field(doc, "instrumentation.mode", cJSON_String);
    const cJSON *label = field(doc, "instrumentation.label", cJSON_String);
    int applied = mode && !strcmp(mode->valuestring, "asyncify");
    /* forkinstr (emitted) and simulate (dry run): exact per-term bytes */
    int fi = mode && (!strcmp(mode->valuestring, "forkinstr") ||
                      !strcmp(mode->valuestring, "simulate"));
    const char *fil = fi && !strcmp(mode->valuestring, "forkinstr") ? "measured"
                                                                      : "exact (dry run)";
    if (applied)
        check(label && !strcmp(label->valuestring, "measured"),
              "an applied instrumentation is labelled measured");
    else if (fi)
        check(label && !strcmp(label->valuestring, fil),
              "forkinstr is labelled measured, simulate exact (dry run)");
    else
        check(mode && label && !strcmp(mode->valuestring, "model") &&
              !strcmp(label->valuestring, "estimated"), "a model's figures are labelled estimated");
    const cJSON *tlabel = field(doc, "terms.label", cJSON_String);
    check(tlabel && !strcmp(tlabel->valuestring, fi ? fil : "estimated"),
          "the term split is the estimate, or forkinstr's own");
    double before = numv(doc, "instrumentation.code_bytes_before");
    double after = numv(doc, "instrumentation.code_bytes_after");
    double growth = numv(doc, "instrumentation.growth");
    double tf = numv(doc, "terms.fixed"), tc = numv(doc, "terms.callsite");
    double tl = numv(doc, "terms.local"), tt = numv(doc, "terms.total");
    double td = fi ? numv(doc, "terms.dispatch") : 0, sd = 0;
    numv(doc, "model.A");
    numv(doc, "model.B");
    numv(doc, "model.C");

    const cJSON *rows = field(doc, "functions", cJSON_Array);
    double n = 0, in = 0, sf = 0, sc = 0, sl = 0, st = 0, last = -1, nmeasured = 0;
    int sorted = 1, labels = 1, rowsums = 1;
    cJSON_ArrayForEach(r, rows) {
        n++;
        double idx = numv(r, "index");
        sorted &= idx > last;
        last = idx;
        const cJSON *inc = cJSON_GetObjectItemCaseSensitive(r, "in_closure");
        const cJSON *lab = cJSON_GetObjectItemCaseSensitive(r, "label");
        double cf = numv(r, "cost.fixed"), cc = numv(r, "cost.callsite");
        double cl = numv(r, "cost.local"), ct = numv(r, "cost.total");
        numv(r, "body_bytes");
        numv(r, "callsites");
        numv(r, "locals");
        double cd = fi ? numv(r, "cost.dispatch") : 0;
        rowsums &= ct == cf + cc + cl + cd;
        const cJSON *refused = fi ? cJSON_GetObjectItemCaseSensitive(r, "refused") : NULL;
        int is_refused = cJSON_IsString(refused);
        if (fi)
            check(is_refused || cJSON_IsNull(refused), "refused is a reason or null");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "delta_bytes");
        if (cJSON_IsNumber(d)) {
            nmeasured++;
        } else {
            check(cJSON_IsNull(d), "delta_bytes is a number or null");
        }
        if (cJSON_IsTrue(inc) && fi) {
            in++;
            /* a refused function keeps the model's estimate, apart */
            if (!is_refused) {
                sf += cf; sc += cc; sl += cl; st += ct; sd += cd;
            }
            labels &= cJSON_IsString(lab) &&
                      !strcmp(lab->valuestring, is_refused ? "estimated" : fil);
        } else if (cJSON_IsTrue(inc)) {
            in++;
            sf += cf; sc += cc; sl += cl; st += ct;
            labels &= cJSON_IsString(lab) && !strcmp(lab->valuestring, "estimated");
        } else {
            labels &= cJSON_IsNull(lab) && ct == 0;
        }
    }
    check(n == nfuncs, "module.functions equals the number of rows");
    check(sorted, "rows are sorted by index");
    check(rowsums, "each row's total is fixed + callsite + local (+ dispatch)");
    check(labels, "closure rows are estimated, the others null with zero cost");
    check(in == csize, "closure.functions equals the rows in the closure");
    check(nfuncs == 0 || fabs(frac - in / nfuncs) < 1e-12, "closure.fraction is members/functions");
    check(sf == tf && sc == tc && sl == tl && st == tt && sd == td,
          "terms are the sums of the (instrumented) rows");
    check(tt == tf + tc + tl + td, "terms.total is fixed + callsite + local (+ dispatch)");
    if (fi) {
        /* the rest of the growth is module-level: the five runtime
         * functions, refused functions' guards, the count LEB */
        double guard = numv(doc, "instrumentation.forkinstr.guard_bytes");
        double helpers = numv(doc, "instrumentation.forkinstr.module_level.function_bytes");
        double nf = n, lebgrow = 0;
        for (double v = nf + 5; v >= 128; v = floor(v / 128)) lebgrow++;
        for (double v = nf; v >= 128; v = floor(v / 128)) lebgrow--;
        check(before == code, "code_bytes_before is the code section size");
        check(after - before == tt + guard + helpers + lebgrow,
              "after - before is the terms plus guards, runtime functions and count LEB");
    } else if (applied) {
        /* module_bytes is defined as (after - before) - the deltas, so that
         * sum says nothing; what it must hold is known apart: Asyncify's
         * helper bodies, and the count LEB growing from A's functions (the
         * measured ones) to those plus the helpers. */
        double mod = numv(doc, "instrumentation.binaryen.module_bytes");
        double measured = numv(doc, "instrumentation.binaryen.functions_measured");
        double helpers = numv(doc, "instrumentation.binaryen.helpers");
        double hbytes = numv(doc, "instrumentation.binaryen.helper_bytes");
        double lebgrow = 0;
        for (double v = measured + helpers; v >= 128; v = floor(v / 128)) lebgrow++;
        for (double v = measured; v >= 128; v = floor(v / 128)) lebgrow--;
        check(mod == hbytes + lebgrow,
              "module_bytes is the helpers' bytes plus the function count LEB's growth");
        check(measured == nmeasured, "functions_measured equals the rows with a delta");
    } else {
        check(nmeasured == 0, "no delta_bytes without --apply asyncify");
        check(before == code, "code_bytes_before is the code section size");
        check(after - before == tt, "code_bytes_after - before equals terms.total");
    }
    check(before == 0 || fabs(growth - (after - before) / before) < 1e-12,
          "growth is (after - before) / before");
    cJSON_Delete(doc);
    free(text);
    printf("%d passed, %d failed\n", pass, fail);
    return fail ? 1 : 0;
}
