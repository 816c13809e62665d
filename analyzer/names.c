/* names.c - the "name" custom section: module, function and local names.
 *
 * A custom section cannot make a module invalid, so a malformed name
 * section is reported as a warning and ignored, never as an error.  An
 * entry for a function that does not exist is skipped (as Binaryen does),
 * keeping the others; only a structurally broken section is dropped.  Names
 * point into the mapped file.  Local names are indexed, not copied: each
 * function keeps the offset of its own local-name map.
 */
#include "decode_int.h"

#include <stdio.h>
#include <string.h>

static const char *str(fs_reader *r, uint32_t *len)
{
    *len = fs_read_u32(r);
    return (const char *)fs_read_bytes(r, *len);
}

static void func_names(fs_reader *r, fs_wasm_module *m)
{
    uint32_t n = fs_read_count(r, 2, "function name");
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *at = r->p;
        uint32_t idx = fs_read_u32(r);
        uint32_t len;
        const char *s = str(r, &len);
        /* Like Binaryen, keep the valid entries and skip one that names a
         * function the module does not have; the first is reported. */
        if (idx >= m->nfuncs) {
            if (!m->name_warning[0])
                snprintf(m->name_warning, sizeof m->name_warning,
                         "name section: offset 0x%x: entry for function %u, which does not "
                         "exist, skipped", fs_reader_off(r, at), idx);
            continue;
        }
        m->funcs[idx].name = s;
        m->funcs[idx].name_len = len;
    }
}

static void local_names(fs_reader *r, fs_wasm_module *m)
{
    uint32_t n = fs_read_count(r, 2, "local name map");
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *at = r->p;
        uint32_t idx = fs_read_u32(r);
        if (idx >= m->nfuncs)
            fs_reader_fail(r, at, "local names for function %u, which does not exist", idx);
        m->funcs[idx].local_names = fs_reader_off(r, r->p);
        uint32_t k = fs_read_count(r, 2, "local name");
        for (uint32_t j = 0; j < k; j++) {
            uint32_t len;
            fs_read_u32(r);
            str(r, &len);
        }
    }
}

void fs_decode_names(fs_wasm_module *m, const fs_section *s)
{
    fs_error err;
    jmp_buf jb;
    fs_reader r = { m->bytes, m->bytes + s->offset, m->bytes + s->offset + s->size, &err, &jb };
    memset(&err, 0, sizeof err);
    if (setjmp(jb)) {
        for (uint32_t i = 0; i < m->nfuncs; i++) {
            m->funcs[i].name = NULL;
            m->funcs[i].name_len = 0;
            m->funcs[i].local_names = 0;
        }
        m->module_name = NULL;
        m->has_names = 0;
        snprintf(m->name_warning, sizeof m->name_warning,
                 "name section ignored: offset 0x%llx: %s",
                 (unsigned long long)err.offset, err.msg);
        return;
    }
    uint32_t len;
    str(&r, &len);                          /* the section's own name, "name" */
    int last = -1;
    while (r.p < r.end) {
        const uint8_t *at = r.p;
        uint8_t id = fs_read_u8(&r);
        uint32_t size = fs_read_u32(&r);
        if (size > fs_reader_left(&r))
            fs_reader_fail(&r, at, "name subsection %u size %u exceeds the section", id, size);
        if ((int)id <= last)
            fs_reader_fail(&r, at, "name subsection %u out of order", id);
        last = id;
        const uint8_t *end = r.p + size;
        const uint8_t *outer = r.end;
        r.end = end;
        switch (id) {
        case 0: m->module_name = str(&r, &m->module_name_len); break;
        case 1: func_names(&r, m); break;
        case 2: local_names(&r, m); break;
        default: r.p = end; break;         /* labels, types, globals...: not needed */
        }
        if (r.p != end)
            fs_reader_fail(&r, r.p, "name subsection %u has %zu trailing bytes", id,
                           (size_t)(end - r.p));
        r.end = outer;
    }
    m->has_names = 1;
}

const char *fs_func_display_name(const char *name, size_t len, uint32_t index, char *buf,
                                 size_t cap)
{
    if (name)
        snprintf(buf, cap, "%.*s", (int)len, name);
    else
        snprintf(buf, cap, "func[%u]", index);
    return buf;
}
