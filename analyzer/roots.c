/* roots.c - parsing and matching root specifications. */
#include "roots.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Imports whose field ends in "fork" cover env.fork and __syscall_fork
 * style imports; the func: names cover libc's own fork entry points when
 * the fork path is implemented inside the module. */
const char *const fs_roots_default[] = {
    "import:*fork", "func:fork", "func:vfork", "func:_Fork", "func:__fork", "func:__syscall_fork",
};
const unsigned fs_roots_ndefault = sizeof fs_roots_default / sizeof fs_roots_default[0];

void fs_roots_copy(fs_root_spec *dst, const fs_root_spec *src, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        dst[i] = src[i];
        if (src[i].pattern)
            dst[i].pattern = dst[i].text + (src[i].pattern - src[i].text);
    }
}

int fs_roots_parse(const char *text, fs_root_spec *out, fs_error *err)
{
    static const struct { const char *prefix; fs_root_kind kind; } kinds[] = {
        { "import:", FS_ROOT_IMPORT }, { "func:", FS_ROOT_FUNC },
        { "export:", FS_ROOT_EXPORT }, { "index:", FS_ROOT_INDEX },
        { "call:", FS_ROOT_CALL },
    };
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    if (strlen(text) >= sizeof out->text) {
        snprintf(err->msg, sizeof err->msg, "root spec too long (at most %zu bytes)",
                 sizeof out->text - 1);
        return FS_ERR_USAGE;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(text, kinds[i].prefix, n) != 0)
            continue;
        strcpy(out->text, text);
        out->kind = kinds[i].kind;
        out->pattern = out->text + n;
        if (!*out->pattern) {
            snprintf(err->msg, sizeof err->msg, "root spec '%.160s' has an empty pattern", text);
            return FS_ERR_USAGE;
        }
        if (out->kind == FS_ROOT_INDEX) {
            char *end;
            unsigned long v = strtoul(out->pattern, &end, 10);
            if (*end || v > UINT32_MAX || out->pattern[0] == '-') {
                snprintf(err->msg, sizeof err->msg, "root spec '%.160s': index must be a number", text);
                return FS_ERR_USAGE;
            }
            out->index = (uint32_t)v;
        }
        if (out->kind == FS_ROOT_CALL) {
            const char *arrow = strstr(out->pattern, "->");
            if (!arrow || arrow == out->pattern || !arrow[2]) {
                snprintf(err->msg, sizeof err->msg,
                         "root spec '%.160s' must be call:CALLER->CALLEE", text);
                return FS_ERR_USAGE;
            }
            out->arrow = (uint32_t)(arrow - out->text);
        }
        return FS_OK;
    }
    snprintf(err->msg, sizeof err->msg,
             "root spec '%.160s' must start with import:, func:, export: or index: (or be "
             "call:CALLER->CALLEE)", text);
    return FS_ERR_USAGE;
}

int fs_glob_match(const char *pattern, const char *s, size_t len)
{
    char buf[512];
    if (len >= sizeof buf)
        len = sizeof buf - 1;   /* names longer than this are compared by prefix */
    memcpy(buf, s, len);
    buf[len] = 0;
    return fnmatch(pattern, buf, 0) == 0;
}

static int calls_import(const fs_wasm_module *m, uint32_t f)
{
    const fs_func *fn = &m->funcs[f];
    for (uint32_t c = fn->calls; c < fn->calls + fn->ncalls; c++) {
        const fs_call *call = &m->calls[c];
        if (!(call->kind >= FS_CALL_INDIRECT) && call->target < m->nfunc_imports)
            return 1;
    }
    return 0;
}

static int matches(const fs_wasm_module *m, const fs_root_spec *s, uint32_t f)
{
    const fs_func *fn = &m->funcs[f];
    switch (s->kind) {
    case FS_ROOT_IMPORT: {
        if (fn->import == UINT32_MAX)
            return 0;
        char buf[512];
        fs_wasm_import_name(m, f, buf, sizeof buf);
        return fnmatch(s->pattern, buf, 0) == 0;
    }
    case FS_ROOT_FUNC:
        return fn->name && fs_glob_match(s->pattern, fn->name, fn->name_len);
    case FS_ROOT_EXPORT:
    case FS_ROOT_CALL:
        return 0;                           /* the export list; call sites */
    case FS_ROOT_INDEX:
        return f == s->index;
    }
    return 0;
}

uint32_t fs_roots_match(const fs_wasm_module *m, fs_root_spec *specs, unsigned nspecs,
                        uint8_t *is_root)
{
    uint32_t total = 0;
    for (unsigned i = 0; i < nspecs; i++) {
        fs_root_spec *s = &specs[i];
        s->matched = s->matched_no_import_calls = 0;
        for (uint32_t f = 0; f < m->nfuncs; f++) {
            int hit = matches(m, s, f);
            if (s->kind == FS_ROOT_EXPORT && (m->funcs[f].flags & FS_FUNC_EXPORTED)) {
                for (uint32_t e = 0; e < m->nexports && !hit; e++) {
                    const fs_export *ex = &m->exports[e];
                    hit = ex->kind == FS_EXT_FUNC && ex->index == f &&
                          fs_glob_match(s->pattern, ex->name, ex->name_len);
                }
            }
            if (!hit)
                continue;
            s->matched++;
            if (f >= m->nfunc_imports && !calls_import(m, f))
                s->matched_no_import_calls++;
            if (!is_root[f])
                total++;
            is_root[f] = 1;
        }
    }
    return total;
}

/* Does function F answer to the glob P: an import by "module.field" or
 * its name-section name, a defined function by its name? */
static int callee_matches(const fs_wasm_module *m, const char *p, uint32_t f)
{
    const fs_func *fn = &m->funcs[f];
    if (fn->name && fs_glob_match(p, fn->name, fn->name_len))
        return 1;
    if (fn->import == UINT32_MAX)
        return 0;
    char buf[512];
    fs_wasm_import_name(m, f, buf, sizeof buf);
    return fnmatch(p, buf, 0) == 0;
}

uint32_t fs_roots_match_sites(const fs_wasm_module *m, fs_root_spec *specs, unsigned nspecs,
                              uint8_t *site_root)
{
    uint32_t total = 0;
    uint8_t *callee = NULL;
    for (unsigned i = 0; i < nspecs; i++) {
        fs_root_spec *s = &specs[i];
        if (s->kind != FS_ROOT_CALL)
            continue;
        s->matched = s->matched_no_import_calls = 0;
        char caller[sizeof s->text];
        size_t n = s->arrow - (size_t)(s->pattern - s->text);
        memcpy(caller, s->pattern, n);
        caller[n] = 0;
        const char *want = s->text + s->arrow + 2;
        /* Which functions the callee glob names, once per spec. */
        if (!callee && !(callee = calloc((size_t)m->nfuncs + 1, 1)))
            return UINT32_MAX;
        for (uint32_t f = 0; f < m->nfuncs; f++)
            callee[f] = (uint8_t)callee_matches(m, want, f);
        for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
            const fs_func *fn = &m->funcs[f];
            if (!fn->name || !fs_glob_match(caller, fn->name, fn->name_len))
                continue;
            for (uint32_t c = fn->calls; c < fn->calls + fn->ncalls; c++) {
                const fs_call *call = &m->calls[c];
                if (call->kind >= FS_CALL_INDIRECT || !callee[call->target])
                    continue;
                s->matched++;
                if (!site_root[c])
                    total++;
                site_root[c] = 1;
            }
        }
    }
    free(callee);
    return total;
}
