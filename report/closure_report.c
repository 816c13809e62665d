/* closure_report.c - the closure list, --why and check-onlylist's report
 * (closure_report.h).  Names are shown as fs_bn_display shows them; paths
 * come from analyzer/paths.h. */
#include "closure_report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

static int nomem(fs_error *err)
{
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return FS_ERR_NOMEM;
}

static const char *via_word(uint8_t via)
{
    switch ((fs_via)via) {
    case FS_VIA_ROOT:     return "root";
    case FS_VIA_CALL:     return "call";
    case FS_VIA_INDIRECT: return "indirect";
    case FS_VIA_POLICY:   return "policy";
    default:              return "none";
    }
}

/* "indirect (type 3: (i32 i32) -> i32)" or "direct", for call site S. */
static void edge_text(const fs_wasm_module *m, uint32_t s, char *buf, size_t cap)
{
    const fs_call *call = &m->calls[s];
    if (!fs_call_is_indirect(call->kind)) {
        snprintf(buf, cap, "%s", fs_path_call_kind(call->kind));
        return;
    }
    char sig[256];
    fs_path_type_sig(m, call->target, sig, sizeof sig);
    snprintf(buf, cap, "%s (type %u: %s)", fs_path_call_kind(call->kind), call->target, sig);
}

/* The path on one line: "a -> [indirect (type 2: ...)] b -> env.fork". */
static void print_path_line(FILE *out, const fs_analysis *a, const fs_path *p)
{
    char name[512], edge[320];
    for (uint32_t i = 0; i < p->n; i++) {
        const fs_path_step *s = &p->steps[i];
        fs_bn_display(&a->m, s->func, name, sizeof name);
        fputs(name, out);
        if (s->site == UINT32_MAX)
            break;
        edge_text(&a->m, s->site, edge, sizeof edge);
        if (i + 1 == p->n) {    /* policy end */
            fprintf(out, " -> [%s, may unwind by itself under --indirect asyncify]", edge);
            break;
        }
        if (a->m.calls[s->site].kind == FS_CALL_DIRECT)
            fputs(" -> ", out);
        else
            fprintf(out, " -> [%s] ", edge);
    }
    fputc('\n', out);
}

/* The root specs that match function F, comma-separated. */
static void root_specs(const fs_analysis *a, uint32_t f, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    uint8_t *mark = calloc((size_t)a->m.nfuncs + 1, 1);
    if (!mark)
        return;
    for (unsigned i = 0; i < a->nroots && o < cap; i++) {
        fs_root_spec one;
        fs_roots_copy(&one, &a->roots[i], 1);
        memset(mark, 0, a->m.nfuncs);
        fs_roots_match(&a->m, &one, 1, mark);
        if (mark[f])
            o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", one.text);
    }
    free(mark);
}

/* ----------------------------------------------------------------- list */

int fs_closure_emit_list(const fs_analysis *a, const fs_bn_names *bn, fs_format fmt, FILE *out,
                         fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    if (fmt == FS_FMT_TEXT) {
        char name[4096];
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
            if (a->c.in[f]) {
                fs_bn_display(m, f, name, sizeof name);
                fprintf(out, "%s\n", name);
            }
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    if (fmt != FS_FMT_JSON) {
        snprintf(err->msg, sizeof err->msg, "closure writes text or json");
        return FS_ERR_USAGE;
    }
    cJSON *arr = cJSON_CreateArray();
    int st = !arr;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs && !st; f++) {
        if (!a->c.in[f])
            continue;
        cJSON *e = cJSON_CreateObject();
        char *entry = NULL, *raw = NULL;
        size_t elen;
        int pat;
        if (!e || fs_bn_entry(bn, f, &entry, &elen, &pat) || !cJSON_AddItemToArray(arr, e)) {
            cJSON_Delete(e);
            free(entry);
            st = 1;
            break;
        }
        const fs_func *fn = &m->funcs[f];
        if (fn->name && (raw = malloc((size_t)fn->name_len + 1))) {
            memcpy(raw, fn->name, fn->name_len);
            raw[fn->name_len] = 0;
        }
        uint8_t via = a->c.via[f];
        st = !cJSON_AddNumberToObject(e, "index", f) ||
             !(raw ? cJSON_AddStringToObject(e, "name", raw) : cJSON_AddNullToObject(e, "name")) ||
             !cJSON_AddStringToObject(e, "binaryen_name", fs_bn_name(bn, f)) ||
             !cJSON_AddStringToObject(e, "list_entry", entry) ||
             !cJSON_AddStringToObject(e, "via", via_word(via)) ||
             !(via == FS_VIA_CALL || via == FS_VIA_INDIRECT
                   ? cJSON_AddNumberToObject(e, "next", a->c.next[f])
                   : cJSON_AddNullToObject(e, "next"));
        free(raw);
        free(entry);
    }
    if (st) {
        cJSON_Delete(arr);
        arr = NULL;
    }
    return fs_json_print(arr, out, err);
}

/* ------------------------------------------------------------------ why */

int fs_closure_emit_why(const fs_analysis *a, uint32_t f, FILE *out, int *in_closure,
                        fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    const fs_closure *c = &a->c;
    char name[512], edge[320], specs[512];
    const char *policy = fs_policy_name[c->policy];
    fs_bn_display(m, f, name, sizeof name);
    *in_closure = c->in[f] != 0;
    if (!c->in[f]) {
        if (f < m->nfunc_imports)
            fprintf(out, "%s [%u] is an import, never instrumented: not in the closure%s\n", name,
                    f, c->is_root[f] ? " (it is a root)" : "");
        else if (c->runtime[f] == FS_RUNTIME_BOTTOM && c->unwinds[f])
            fprintf(out, "%s [%u] is not in the closure: it calls asyncify.start_unwind or "
                    "asyncify.stop_rewind, so it is Asyncify's runtime and never rewritten\n",
                    name, f);
        else
            fprintf(out, "%s [%u] is not in the fork-path closure (--indirect %s)\n", name, f,
                    policy);
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    fs_path p;
    int st = fs_path_find(c, &a->g, f, &p, err);
    if (st)
        return st;
    uint32_t calls = p.n - 1;
    fprintf(out, "%s [%u] is in the closure (--indirect %s): ", name, f, policy);
    if (p.policy_end && !calls)
        fprintf(out, "it holds an indirect call, which may unwind by itself\n");
    else if (p.policy_end)
        fprintf(out, "%u call%s to a function holding an indirect call, which may unwind by "
                "itself\n", calls, calls == 1 ? "" : "s");
    else if (calls)
        fprintf(out, "%u call%s from a root\n", calls, calls == 1 ? "" : "s");
    else
        fprintf(out, "it is a root\n");
    for (uint32_t i = 0; i < p.n; i++) {
        const fs_path_step *s = &p.steps[i];
        fs_bn_display(m, s->func, name, sizeof name);
        fprintf(out, "  %s [%u]", name, s->func);
        if (s->site == UINT32_MAX) {
            root_specs(a, s->func, specs, sizeof specs);
            fprintf(out, ": root (%s)\n", specs);
            break;
        }
        if (c->runtime[s->func] == FS_RUNTIME_BOTTOM)
            fprintf(out, " (Asyncify runtime, not rewritten)");
        edge_text(m, s->site, edge, sizeof edge);
        fprintf(out, "\n    -> %s at offset 0x%x%s\n", edge, m->calls[s->site].offset,
                i + 1 == p.n ? ": may unwind by itself under --indirect asyncify" : "");
    }
    fs_path_free(&p);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

/* ------------------------------------------------------- check-onlylist */

/* A list entry for people: control bytes (a line break in an entry that
 * spans lines, or in a name) as \XX, like names. */
static void print_bytes(FILE *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\%02x", c);
        else
            fputc(c, out);
    }
}

int fs_closure_emit_check(const fs_analysis *a, const fs_bn_names *bn, fs_bn_list *l,
                          const char *module, const char *list_path, FILE *out,
                          fs_list_verdict *verdict, fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    const fs_closure *c = &a->c;
    uint8_t *listed = calloc((size_t)m->nfuncs + 1, 1);
    if (!listed)
        return nomem(err);
    fs_bn_list_match(l, bn, listed);

    uint32_t missing = 0, outside = 0, unmatched = 0, imports = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        missing += c->in[f] && !listed[f];
        outside += listed[f] && !c->in[f];
    }
    for (uint32_t i = 0; i < l->n; i++) {
        unmatched += !l->items[i].nmatched && !l->items[i].import;
        imports += l->items[i].import;
    }
    fprintf(out, "module:  %s\n", module);
    fprintf(out, "list:    %s: %u entr%s, %u pattern%s\n", list_path, l->n,
            l->n == 1 ? "y" : "ies", l->npatterns, l->npatterns == 1 ? "" : "s");
    fprintf(out, "closure: %u function%s (--indirect %s; roots:", c->size,
            c->size == 1 ? "" : "s", fs_policy_name[c->policy]);
    for (unsigned i = 0; i < a->nroots; i++)
        fprintf(out, "%s %s", i ? "," : "", a->roots[i].text);
    fprintf(out, ")\n");
    if (!l->n)
        fprintf(out, "the list has no entry: wasm-opt 108 then ignores it and instruments every "
                "function\n");

    char name[512];
    fprintf(out, "missing from the list: %u\n", missing);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (!c->in[f] || listed[f])
            continue;
        char *entry = NULL;
        size_t elen;
        int pat = 0;
        fs_bn_display(m, f, name, sizeof name);
        fprintf(out, "  %s [%u]", name, f);
        if (!fs_bn_entry(bn, f, &entry, &elen, &pat)) {
            fprintf(out, "  list entry: ");
            print_bytes(out, entry, elen);
            fprintf(out, "%s", pat ? " (a pattern)" : "");
        }
        free(entry);
        fs_path p;
        if (fs_path_find(c, &a->g, f, &p, err)) {
            fprintf(out, "\n    (no path: %s)\n", err->msg);
            continue;
        }
        fprintf(out, "\n    ");
        print_path_line(out, a, &p);
        fs_path_free(&p);
    }
    fprintf(out, "entries matching no function: %u\n", unmatched);
    for (uint32_t i = 0; i < l->n; i++) {
        const fs_bn_item *it = &l->items[i];
        if (it->nmatched || it->import)
            continue;
        fprintf(out, "  line %u: ", it->line);
        print_bytes(out, it->text, it->len);
        fprintf(out, "%s\n", it->multiline ? "  (spans lines: wasm-opt 108 separates entries "
                                            "by commas only, never by newlines)" : "");
    }
    if (imports) {
        fprintf(out, "entries naming an import (wasm-opt 108 aborts on them): %u\n", imports);
        for (uint32_t i = 0; i < l->n; i++)
            if (l->items[i].import) {
                fprintf(out, "  line %u: ", l->items[i].line);
                print_bytes(out, l->items[i].text, l->items[i].len);
                fprintf(out, "\n");
            }
    }
    fprintf(out, "listed outside the closure: %u\n", outside);
    uint32_t shown = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs && outside; f++) {
        if (!listed[f] || c->in[f])
            continue;
        if (shown++ == 20) {
            fprintf(out, "  ... %u more\n", outside - 20);
            break;
        }
        fs_bn_display(m, f, name, sizeof name);
        fprintf(out, "  %s [%u]\n", name, f);
    }
    if (imports)
        fprintf(out, "result: unusable (wasm-opt would abort)\n");
    else if (missing)
        fprintf(out, "result: incomplete (%u closure function%s missing)\n", missing,
                missing == 1 ? "" : "s");
    else
        fprintf(out, "result: complete\n");
    free(listed);
    *verdict = imports ? FS_LIST_UNUSABLE : missing ? FS_LIST_INCOMPLETE : FS_LIST_COMPLETE;
    return ferror(out) ? FS_ERR_IO : FS_OK;
}

