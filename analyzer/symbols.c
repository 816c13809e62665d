/* symbols.c - function names from a symbol map (see symbols.h). */
#include "symbols.h"

#include "file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(fs_error *err, int st, const char *path, uint32_t line, const char *why)
{
    snprintf(err->msg, sizeof err->msg, "%.150s: line %u: %.90s", path, line, why);
    return st;
}

int fs_symbols_apply(fs_wasm_module *m, const char *path, fs_symbols *s, fs_error *err)
{
    memset(s, 0, sizeof *s);
    char *b;
    size_t n;
    fs_error ferr;
    int st = fs_file_read(path, &b, &n, &ferr);
    if (st) {
        snprintf(err->msg, sizeof err->msg, "%.150s: cannot read the symbol map: %.70s", path, ferr.msg);
        return st;
    }
    s->buf = b;
    char *p = b, *end = b + n;
    for (uint32_t line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        if (e > p && e[-1] == '\r')
            e--;
        if (e == p) {                   /* an empty line */
            p = nl ? nl + 1 : end;
            continue;
        }
        char *colon = memchr(p, ':', (size_t)(e - p));
        unsigned long idx = 0;
        char *q = p;
        while (q < e && *q >= '0' && *q <= '9' && idx <= UINT32_MAX)
            idx = idx * 10 + (unsigned long)(*q++ - '0');
        if (!colon || q != colon || q == p || colon + 1 == e)
            return fail(err, FS_ERR_MALFORMED, path, line, "expected INDEX:NAME");
        if (idx >= m->nfuncs) {
            char why[96];
            snprintf(why, sizeof why, "function %lu does not exist (the module has %u)", idx,
                     m->nfuncs);
            return fail(err, FS_ERR_MALFORMED, path, line, why);
        }
        s->lines++;
        fs_func *fn = &m->funcs[idx];
        if (fn->name && !fn->name_from_symbols) {
            s->kept++;
        } else {
            s->applied += !fn->name;
            fn->name = colon + 1;
            fn->name_len = (uint32_t)(e - colon - 1);
            fn->name_from_symbols = FS_NAME_FROM_SYMBOLS;
        }
        p = nl ? nl + 1 : end;
    }
    return FS_OK;
}

void fs_symbols_free(fs_symbols *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}
