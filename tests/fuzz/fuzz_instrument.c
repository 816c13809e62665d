/* fuzz_instrument.c - libFuzzer target, differential: a module that
 * decodes goes through forkinstr at every stage (naive, cse, live, trampoline), both
 * as a dry run and for real, and the two must agree on every number.
 *
 * For each stage:
 *   - dry run == apply: the same totals, and per function the same terms,
 *     sizes, frames and refusals;
 *   - each function's terms add up to its growth (body bytes with the
 *     size LEB, after minus before), and a refused function's growth is
 *     its trap guards;
 *   - the output decodes again with forksize, its code section grew by
 *     exactly the per-function growth plus the five helpers (and the
 *     function count's LEB), and each instrumented body in it has the
 *     size the result claims.
 *
 * forksize is not a validator, so "decodes again" is as far as this
 * process goes.  With FUZZ_SAVE_DIR set, one output in FUZZ_SAVE_EVERY
 * (default 64), with its input, is written there; scripts/fuzz.sh then
 * runs `wasm-validate --enable-all` on each pair outside the hot loop and
 * fails when WABT accepts the input but not forkinstr's output. */
#include "closure.h"
#include "forkinstr.h"
#include "graph.h"
#include "leb.h"
#include "roots.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t input_size;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_instrument (input %zu bytes): ", input_size);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static unsigned leb_size(uint64_t v)
{
    unsigned n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Bytes of the size LEB before function F's body, as written in the file
 * (an over-long encoding is valid, so this is not leb_size(body_size)). */
static uint32_t size_leb_len(const fs_wasm_module *m, uint32_t f)
{
    uint32_t start;
    if (f == m->nfunc_imports) {
        const fs_section *s = &m->sections[m->code_section];
        start = s->offset;
        while (m->bytes[start] & 0x80)     /* the function count */
            start++;
        start++;
    } else {
        start = m->funcs[f - 1].body_off + m->funcs[f - 1].body_size;
    }
    return m->funcs[f].body_off - start;
}

static void same_result(const fs_fi_result *d, const fs_fi_result *a)
{
#define SAME(field) \
    if (d->field != a->field) \
        die("stage %u: dry run and apply differ in " #field ": %llu vs %llu", a->stage, \
            (unsigned long long)d->field, (unsigned long long)a->field)
    SAME(nfuncs); SAME(code_before); SAME(code_after); SAME(guard_bytes); SAME(instrumented);
    SAME(refused); SAME(untouched); SAME(sites); SAME(wraps); SAME(levels); SAME(module_bytes);
    SAME(helper_bytes); SAME(new_types); SAME(new_globals); SAME(new_exports);
    SAME(new_functions);
    for (int t = 0; t < FS_FI_NTERMS; t++)
        SAME(term[t]);
#undef SAME
    for (uint32_t i = 0; i < a->nfuncs; i++) {
        const fs_fi_func *x = &d->funcs[i], *y = &a->funcs[i];
        if (x->func != y->func || !x->refused != !y->refused ||
            (x->refused && strcmp(x->refused, y->refused)) || x->total != y->total ||
            x->guard != y->guard || x->sites != y->sites || x->wraps != y->wraps ||
            x->levels != y->levels || x->saved_locals != y->saved_locals ||
            x->frame_bytes != y->frame_bytes || x->body_before != y->body_before ||
            x->body_after != y->body_after || memcmp(x->term, y->term, sizeof x->term))
            die("stage %u: dry run and apply differ for function %u", a->stage, y->func);
    }
}

static void check_terms(const fs_wasm_module *m, const fs_fi_result *r)
{
    uint64_t growth = 0;
    for (uint32_t i = 0; i < r->nfuncs; i++) {
        const fs_fi_func *f = &r->funcs[i];
        uint64_t sum = 0;
        for (int t = 0; t < FS_FI_NTERMS; t++)
            sum += f->term[t];
        if (sum != f->total)
            die("stage %u: function %u: terms add up to %llu, total says %llu", r->stage,
                f->func, (unsigned long long)sum, (unsigned long long)f->total);
        uint32_t before = size_leb_len(m, f->func) + m->funcs[f->func].body_size;
        uint64_t grew = (uint64_t)f->body_after - before;
        uint64_t claimed = f->refused ? f->guard : f->total;
        if ((int64_t)grew != (int64_t)claimed)
            die("stage %u: function %u (%s): body grew %lld bytes (%u -> %u), the result says "
                "%llu", r->stage, f->func, f->refused ? f->refused : "instrumented",
                (long long)grew, before, f->body_after, (unsigned long long)claimed);
        growth += grew;
    }
    uint32_t ndef = fs_wasm_ndefined(m);
    uint64_t count_before = 0;   /* the function count LEB, as written */
    if (m->code_section != UINT32_MAX) {
        const fs_section *s = &m->sections[m->code_section];
        while (m->bytes[s->offset + count_before] & 0x80)
            count_before++;
        count_before++;
    }
    uint64_t want = r->code_before + growth + r->helper_bytes + leb_size(ndef + 5) - count_before;
    if (r->code_after != want)
        die("stage %u: code section %llu -> %llu bytes, but the functions grew %llu and the "
            "helpers take %llu", r->stage, (unsigned long long)r->code_before,
            (unsigned long long)r->code_after, (unsigned long long)growth,
            (unsigned long long)r->helper_bytes);
}

static void check_output(const fs_wasm_module *m, const fs_fi_result *r)
{
    fs_wasm_module o;
    fs_error err;
    if (fs_wasm_decode(&o, r->out, r->out_size, "out.wasm", &err))
        die("stage %u: forkinstr's output does not decode: offset %llu: %s", r->stage,
            (unsigned long long)err.offset, err.msg);
    if ((uint64_t)r->out_size != m->size + r->module_bytes)
        die("stage %u: output is %zu bytes, module_bytes says %llu more than %zu", r->stage,
            r->out_size, (unsigned long long)r->module_bytes, m->size);
    if (o.nfuncs != m->nfuncs + r->new_functions || o.code_section == UINT32_MAX ||
        o.sections[o.code_section].size != r->code_after)
        die("stage %u: output has %u functions and a %u-byte code section; expected %u and %llu",
            r->stage, o.nfuncs, o.code_section == UINT32_MAX ? 0 : o.sections[o.code_section].size,
            m->nfuncs + r->new_functions, (unsigned long long)r->code_after);
    for (uint32_t i = 0; i < r->nfuncs; i++) {
        const fs_fi_func *f = &r->funcs[i];
        uint32_t got = leb_size(o.funcs[f->func].body_size) + o.funcs[f->func].body_size;
        if (got != f->body_after)
            die("stage %u: function %u is %u bytes in the output, the result says %u", r->stage,
                f->func, got, f->body_after);
    }
    fs_wasm_free(&o);
}

static void save(const uint8_t *data, size_t size, const fs_fi_result *r)
{
    const char *dir = getenv("FUZZ_SAVE_DIR");
    if (!dir)
        return;
    static unsigned long every, seen;
    if (!every) {
        const char *e = getenv("FUZZ_SAVE_EVERY");
        every = e && atol(e) > 0 ? (unsigned long)atol(e) : 64;
    }
    if (seen++ % every)
        return;
    /* Named by a hash of the input, so a rerun overwrites instead of piling up. */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    char path[4096];
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%016llx-%u%s.%s.wasm", dir, (unsigned long long)h,
                 r->stage, r->hot_functions ? "hot" : "", k ? "out" : "in");
        FILE *fp = fopen(path, "wb");
        if (!fp)
            return;
        fwrite(k ? r->out : data, 1, k ? r->out_size : size, fp);
        fclose(fp);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input_size = size;
    fs_wasm_module m;
    fs_error err;
    if (fs_wasm_decode(&m, data, size, "fuzz.wasm", &err)) {
        fs_wasm_free(&m);
        return 0;
    }
    /* Every import is a root: the largest closure the module allows, so
     * forkinstr has the most to rewrite.  The policy comes from the size,
     * as in fuzz_decode.c. */
    static const fs_policy policies[4] = { FS_POLICY_TYPED, FS_POLICY_TABLE, FS_POLICY_ASYNCIFY,
                                           FS_POLICY_NONE };
    fs_root_spec roots[2];
    if (fs_roots_parse("import:*", &roots[0], &err) || fs_roots_parse("index:0", &roots[1], &err))
        die("root does not parse: %s", err.msg);
    fs_graph g;
    fs_closure c;
    memset(&g, 0, sizeof g);
    memset(&c, 0, sizeof c);
    if (fs_graph_build(&g, &m, &err) ||
        fs_closure_compute(&c, &g, roots, 2, policies[size % 4], &err))
        die("graph or closure failed on a decoded module: %s", err.msg);
    for (unsigned stage = FS_FI_NAIVE; stage <= FS_FI_TRAMP && c.nroots; stage++) {
        fs_fi_result dry, real;
        fs_error e1, e2;
        int s1 = fs_fi_run(&m, &g, &c, stage, 0, 1, &dry, &e1);
        int s2 = fs_fi_run(&m, &g, &c, stage, 0, 0, &real, &e2);
        if (s1 != s2 || (s1 && strcmp(e1.msg, e2.msg)))
            die("stage %u: dry run says %d (%s), apply says %d (%s)", stage, s1, e1.msg, s2,
                e2.msg);
        if (s1 && s1 != FS_ERR_UNSUPPORTED)
            die("stage %u: forkinstr failed: %s", stage, e1.msg);
        if (!s1) {
            same_result(&dry, &real);
            check_terms(&m, &real);
            check_output(&m, &real);
            save(data, size, &real);
            /* The module forksize instrument writes: debug sections read,
             * rewritten or dropped (a malformed one is a note, never a
             * failure); the code is the same, and the output decodes. */
            fs_fi_result dbg;
            fs_error e3;
            /* at stage trampoline every function is hot (two copies each) */
            uint8_t *hot = stage == FS_FI_TRAMP ? malloc((size_t)m.nfuncs + 1) : NULL;
            if (hot)
                memset(hot, 1, (size_t)m.nfuncs + 1);
            int s3 = fs_fi_run_debug(&m, &g, &c, stage, 0, 1, FS_FI_DEBUG_REWRITE,
                                     stage == FS_FI_LIVE, hot, &dbg, &e3);
            free(hot);
            if (s3)
                die("stage %u: the run that handles debug sections failed: %s", stage, e3.msg);
            /* the hot copies: their bytes, and the code section's count may
             * need a longer LEB */
            uint32_t ndef = fs_wasm_ndefined(&m);
            if (dbg.code_after != real.code_after + dbg.hot_bytes +
                                      fs_leb_size(ndef + 5 + dbg.hot_functions) -
                                      fs_leb_size(ndef + 5))
                die("stage %u: handling debug sections changed the code section", stage);
            if (hot && dbg.hot_functions + dbg.hot_skipped != dbg.instrumented + dbg.refused +
                                                             dbg.untouched)
                die("stage %u: %u hot copies and %u skipped for %u closure functions", stage,
                    dbg.hot_functions, dbg.hot_skipped, dbg.nfuncs);
            fs_wasm_module o;
            if (fs_wasm_decode(&o, dbg.out, dbg.out_size, "out.wasm", &e3))
                die("stage %u: the output with debug sections handled does not decode: %s", stage,
                    e3.msg);
            fs_wasm_free(&o);
            if (dbg.hot_functions)
                save(data, size, &dbg);
            fs_fi_free(&dbg);
        }
        fs_fi_free(&dry);
        fs_fi_free(&real);
        if (s1)
            break;
    }
    fs_closure_free(&c);
    fs_graph_free(&g);
    fs_wasm_free(&m);
    return 0;
}
