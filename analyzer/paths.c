/* paths.c - shortest paths to a root, read off the closure's BFS tree. */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_path_find(const fs_closure *c, const fs_graph *g, uint32_t f, fs_path *out,
                 fs_error *err)
{
    const fs_wasm_module *m = g->m;
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    if (f >= m->nfuncs || !c->unwinds[f] || c->via[f] == FS_VIA_NONE) {
        snprintf(err->msg, sizeof err->msg, "function %u is not reached from a root", f);
        return FS_ERR_USAGE;
    }
    /* A tree has no cycles, so n functions bound the walk; the bound only
     * guards against a closure that was not computed as a tree. */
    size_t cap = 16;
    out->steps = malloc(cap * sizeof *out->steps);
    if (!out->steps)
        goto nomem;
    for (uint32_t cur = f;;) {
        if (out->n > m->nfuncs) {
            snprintf(err->msg, sizeof err->msg, "the closure's path from function %u loops", f);
            fs_path_free(out);
            return FS_ERR_UNSUPPORTED;
        }
        if (out->n == cap) {
            cap *= 2;
            fs_path_step *ns = realloc(out->steps, cap * sizeof *ns);
            if (!ns)
                goto nomem;
            out->steps = ns;
        }
        fs_path_step *s = &out->steps[out->n++];
        s->func = cur;
        s->via = c->via[cur];
        s->site = UINT32_MAX;
        switch ((fs_via)c->via[cur]) {
        case FS_VIA_CALL:
        case FS_VIA_INDIRECT:
            s->site = c->site[cur];
            cur = c->next[cur];
            continue;
        case FS_VIA_POLICY:
            s->site = c->site[cur];
            out->policy_end = 1;
            return FS_OK;
        default:
            return FS_OK;
        }
    }
nomem:
    fs_path_free(out);
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return FS_ERR_NOMEM;
}

void fs_path_free(fs_path *p)
{
    free(p->steps);
    memset(p, 0, sizeof *p);
}

const char *fs_path_call_kind(uint8_t kind)
{
    switch ((fs_call_kind)kind) {
    case FS_CALL_DIRECT:        return "direct";
    case FS_CALL_TAIL:          return "tail";
    case FS_CALL_INDIRECT:      return "indirect";
    case FS_CALL_TAIL_INDIRECT: return "tail indirect";
    case FS_CALL_REF:           return "ref";
    case FS_CALL_TAIL_REF:      return "tail ref";
    }
    return "?";
}

/* Abstract heap types by their one-byte code (the s7 value + 0x80). */
static const char *abstract_heap(int32_t heap, int nullable_short)
{
    static const struct { uint8_t code; const char *name, *ref; } h[] = {
        { 0x70, "func", "funcref" },        { 0x6F, "extern", "externref" },
        { 0x6E, "any", "anyref" },          { 0x6D, "eq", "eqref" },
        { 0x6C, "i31", "i31ref" },          { 0x6B, "struct", "structref" },
        { 0x6A, "array", "arrayref" },      { 0x69, "exn", "exnref" },
        { 0x71, "none", "nullref" },        { 0x72, "noextern", "nullexternref" },
        { 0x73, "nofunc", "nullfuncref" },  { 0x74, "noexn", "nullexnref" },
        { 0x68, "cont", "contref" },        { 0x75, "nocont", "nullcontref" },
        { 0x67, "string", "stringref" },
        { 0x5C, "waitqueue", "waitqueue" }, { 0x5B, "nowaitqueue", "nowaitqueue" },
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if ((int32_t)h[i].code - 0x80 == heap)
            return nullable_short ? h[i].ref : h[i].name;
    return "?";
}

void fs_path_valtype(fs_valtype t, char *buf, size_t cap)
{
    switch (t.code) {
    case 0x7F: snprintf(buf, cap, "i32"); return;
    case 0x7E: snprintf(buf, cap, "i64"); return;
    case 0x7D: snprintf(buf, cap, "f32"); return;
    case 0x7C: snprintf(buf, cap, "f64"); return;
    case 0x7B: snprintf(buf, cap, "v128"); return;
    case 0x78: snprintf(buf, cap, "i8"); return;
    case 0x77: snprintf(buf, cap, "i16"); return;
    case 0x63:
    case 0x64:
        if (t.heap >= 0 && (t.hflags & FS_HT_EXACT))
            snprintf(buf, cap, "(ref %s(exact %d))", t.code == 0x63 ? "null " : "", t.heap);
        else if (t.heap >= 0)
            snprintf(buf, cap, "(ref %s%d)", t.code == 0x63 ? "null " : "", t.heap);
        else if (t.hflags & FS_HT_SHARED)
            snprintf(buf, cap, "(ref %s(shared %s))", t.code == 0x63 ? "null " : "",
                     abstract_heap(t.heap, 0));
        else
            snprintf(buf, cap, "(ref %s%s)", t.code == 0x63 ? "null " : "",
                     abstract_heap(t.heap, 0));
        return;
    default:
        snprintf(buf, cap, "%s", abstract_heap(t.heap, 1));
        return;
    }
}

/* Appends "(a b)" (or the single type, when ONE_BARE) to buf at *o. */
static void list(const fs_wasm_module *m, uint32_t first, uint32_t count, int one_bare,
                 char *buf, size_t cap, size_t *o)
{
    int paren = !(one_bare && count == 1);
    if (paren && *o < cap)
        *o += (size_t)snprintf(buf + *o, cap - *o, "(");
    for (uint32_t i = 0; i < count && *o < cap; i++) {
        char vt[48];
        fs_path_valtype(m->valtypes[first + i], vt, sizeof vt);
        *o += (size_t)snprintf(buf + *o, cap - *o, "%s%s", i ? " " : "", vt);
    }
    if (paren && *o < cap)
        *o += (size_t)snprintf(buf + *o, cap - *o, ")");
}

void fs_path_type_sig(const fs_wasm_module *m, uint32_t type, char *buf, size_t cap)
{
    if (!cap)
        return;
    buf[0] = 0;
    if (type >= m->ntypes || m->types[type].kind != FS_COMP_FUNC) {
        snprintf(buf, cap, "?");
        return;
    }
    const fs_type *t = &m->types[type];
    size_t o = 0;
    list(m, t->params, t->nparams, 0, buf, cap, &o);
    if (o < cap)
        o += (size_t)snprintf(buf + o, cap - o, " -> ");
    if (o < cap)
        list(m, t->params + t->nparams, t->nresults, 1, buf, cap, &o);
}
