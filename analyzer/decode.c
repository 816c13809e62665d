/* decode.c - module structure: header, section order, the sections other
 * than types (types.c), imports (imports.c) and code (code.c).
 *
 * The whole file is mapped read-only and never copied.  Each section is
 * read through a reader whose end is the section's end, so a bad size or
 * count is caught where it lies, with its offset.  Counts are checked
 * against the bytes that remain before anything is allocated for them.
 */
#include "decode_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const fs_valkind_name[FS_VK_COUNT] = { "i32", "i64", "f32", "f64", "v128", "ref" };

void fs_decode_nomem(fs_reader *r)
{
    snprintf(r->err->msg, sizeof r->err->msg, "out of memory");
    r->err->has_offset = 0;
    longjmp(*r->jump, FS_ERR_NOMEM);
}

void *fs_decode_alloc(fs_reader *r, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        fs_decode_nomem(r);
    return p;
}

void *fs_decode_grow(fs_reader *r, void *p, uint32_t *cap, size_t size, uint32_t first)
{
    uint32_t n = *cap ? *cap * 2 : first;
    void *q = realloc(p, (size_t)n * size);
    if (!q)
        fs_decode_nomem(r);
    *cap = n;
    return q;
}

static void functions(fs_reader *r, fs_wasm_module *m, uint32_t ndef)
{
    m->nfuncs = m->nfunc_imports + ndef;
    m->funcs = fs_decode_alloc(r, m->nfuncs, sizeof *m->funcs);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const fs_import *im = &m->imports[i];
        if (im->kind == FS_EXT_FUNC) {
            fs_func *f = &m->funcs[im->index];
            f->type = im->type;
            f->import = i;
            f->flags = FS_FUNC_IMPORTED;
        }
    }
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        m->funcs[i].import = UINT32_MAX;
        m->funcs[i].type = fs_decode_type_ref(r, m, 1);
    }
}

static void elem_funcs(fs_reader *r, fs_wasm_module *m)
{
    uint32_t n = fs_read_count(r, 1, "element");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t f = fs_read_index(r, m->nfuncs, "function");
        m->funcs[f].flags |= FS_FUNC_ADDRESS_TAKEN | FS_FUNC_IN_ELEM;
    }
}

/* Element expressions name functions through ref.func, as code does;
 * while reading them, ref.func also marks IN_ELEM. */
static void elem_exprs(fs_reader *r, fs_wasm_module *m)
{
    uint32_t n = fs_read_count(r, 2, "element expression");
    m->const_ref_flags = FS_FUNC_IN_ELEM;
    for (uint32_t i = 0; i < n; i++)
        fs_decode_expr(r, m, NULL, UINT32_MAX);
    m->const_ref_flags = 0;
}

static void elems(fs_reader *r, fs_wasm_module *m)
{
    uint32_t n = fs_read_count(r, 2, "element segment");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t flags = fs_read_flags(r, 7, "element segment flags");
        if ((flags & 3) == 2)               /* explicit table index */
            fs_read_u32(r);
        if (!(flags & 1))                   /* active: offset expression */
            fs_decode_expr(r, m, NULL, UINT32_MAX);
        if (flags & 4) {
            if (flags & 3)
                fs_decode_reftype(r, m);
            elem_exprs(r, m);
        } else {
            if (flags & 3) {
                const uint8_t *kat = r->p;
                if (fs_read_u8(r) != 0)
                    fs_reader_fail(r, kat, "invalid element kind");
            }
            elem_funcs(r, m);
        }
    }
}

static void data(fs_reader *r, fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint32_t n = fs_read_count(r, 1, "data segment");
    if (m->has_data_count && n != m->data_count)
        fs_reader_fail(r, at, "data section has %u segments but the data count section says %u",
                       n, m->data_count);
    m->has_data = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t flags = fs_read_flags(r, 2, "data segment flags");
        if (flags == 2)
            fs_read_u32(r);
        if (flags != 1)
            fs_decode_expr(r, m, NULL, UINT32_MAX);
        uint32_t len = fs_read_u32(r);
        fs_read_bytes(r, len);
    }
}

/* Position of each known section id in the required order. */
static int rank(uint8_t id)
{
    /* 14, stringref's string literals, sits where Binaryen 132 writes it:
     * after the tags, before the globals that may use them. */
    static const int8_t ranks[15] = {
        [1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [13] = 6, [14] = 7, [6] = 8,
        [7] = 9, [8] = 10, [9] = 11, [12] = 12, [10] = 13, [11] = 14,
    };
    return id < 15 ? ranks[id] : 0;
}

static void add_section(fs_reader *r, fs_wasm_module *m, uint32_t *cap, fs_section s)
{
    if (m->nsections == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        fs_section *ns = realloc(m->sections, (size_t)*cap * sizeof *ns);
        if (!ns) 
            fs_decode_nomem(r);
        m->sections = ns;
    }
    m->sections[m->nsections++] = s;
}

static void section(fs_reader *r, fs_wasm_module *m, uint8_t id, const uint8_t **import_sec)
{
    const uint8_t *start = r->p;
    switch (id) {
    case 1:  fs_decode_types(r, m); break;
    case 2:  *import_sec = start; fs_decode_imports(r, m); break;
    case 3: {
        uint32_t n = fs_read_count(r, 1, "function");
        functions(r, m, n);
        break;
    }
    case 4: {
        uint32_t n = fs_read_count(r, 3, "table");
        fs_table *t = fs_decode_alloc(r, (size_t)m->ntables + n, sizeof *t);
        m->tables = t;
        for (uint32_t i = 0; i < n; i++) {
            fs_table *d = &t[m->ntables + i];
            if (r->p + 1 < r->end && r->p[0] == 0x40 && r->p[1] == 0x00) {
                r->p += 2;                  /* table with an initializer */
                fs_decode_table_type(r, m, d);
                fs_decode_expr(r, m, NULL, UINT32_MAX);
            } else {
                fs_decode_table_type(r, m, d);
            }
        }
        m->ntables += n;
        break;
    }
    case 5: {
        uint32_t n = fs_read_count(r, 2, "memory");
        m->memory64 = fs_decode_alloc(r, (size_t)m->nmemories + n, 1);
        for (uint32_t i = 0; i < n; i++)
            m->memory64[m->nmemories + i] = (fs_decode_limits(r, 0x0F) & 0x04) != 0;
        m->nmemories += n;
        break;
    }
    case 6: {
        uint32_t n = fs_read_count(r, 3, "global");
        for (uint32_t i = 0; i < n; i++) {
            fs_decode_global_type(r, m, 1);
            fs_decode_expr(r, m, NULL, UINT32_MAX);
        }
        m->nglobals += n;
        break;
    }
    case 7: {
        m->nexports = fs_read_count(r, 3, "export");
        m->exports = fs_decode_alloc(r, m->nexports, sizeof *m->exports);
        for (uint32_t i = 0; i < m->nexports; i++) {
            fs_export *e = &m->exports[i];
            e->name = fs_decode_name(r, &e->name_len);
            const uint8_t *at = r->p;
            e->kind = fs_read_u8(r);
            const uint8_t *iat = r->p;
            e->index = fs_read_u32(r);
            if (e->kind > FS_EXT_TAG)
                fs_reader_fail(r, at, "invalid export kind 0x%02x", e->kind);
            if (e->kind == FS_EXT_FUNC) {
                if (e->index >= m->nfuncs)
                    fs_reader_fail(r, iat, "exported function %u out of range", e->index);
                m->funcs[e->index].flags |= FS_FUNC_EXPORTED;
            } else if (e->kind == FS_EXT_TABLE) {
                m->table_shared = 1;
            }
        }
        break;
    }
    case 8: {
        const uint8_t *at = r->p;
        m->start = fs_read_u32(r);
        if (m->start >= m->nfuncs)
            fs_reader_fail(r, at, "start function %u out of range", m->start);
        m->funcs[m->start].flags |= FS_FUNC_START;
        break;
    }
    case 9:  elems(r, m); break;
    case 10: fs_decode_code(r, m); break;
    case 11: data(r, m); break;
    case 12:
        m->data_count_off = fs_reader_off(r, r->p);
        m->data_count = fs_read_u32(r);
        m->has_data_count = 1;
        break;
    case 13: {
        uint32_t n = fs_read_count(r, 2, "tag");
        for (uint32_t i = 0; i < n; i++) {
            if (fs_read_u8(r) != 0)
                fs_reader_fail(r, r->p - 1, "invalid tag attribute");
            fs_decode_add_tag(r, m, fs_decode_type_ref(r, m, 1));
        }
        break;
    }
    case 14: {
        /* A reserved 0, then the literals (WTF-8, which may encode lone
         * surrogates, so not checked as UTF-8; only counted, never copied). */
        const uint8_t *at = r->p;
        if (fs_read_u32(r) != 0)
            fs_reader_fail(r, at, "the strings section's reserved field is not 0");
        uint32_t n = fs_read_count(r, 1, "string");
        for (uint32_t i = 0; i < n; i++)
            fs_read_bytes(r, fs_read_u32(r));
        m->nstrings = n;
        break;
    }
    default:
        break;
    }
}

int fs_wasm_decode(fs_wasm_module *m, const uint8_t *bytes, size_t size,
                   const char *path, fs_error *err)
{
    memset(m, 0, sizeof *m);
    memset(err, 0, sizeof *err);
    m->path = path;
    m->bytes = bytes;
    m->size = size;
    m->start = UINT32_MAX;
    m->code_section = UINT32_MAX;
    m->first_data_use = UINT32_MAX;

    jmp_buf jb;
    fs_reader r = { bytes, bytes, bytes + size, err, &jb };
    int status = setjmp(jb);
    if (status)
        return status;

    if (size > UINT32_MAX)
        fs_reader_fail(&r, r.p, "file larger than 4 GiB");
    static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6D };
    if (size < 4)
        fs_reader_fail(&r, r.p, "file too short for a WebAssembly module (%zu bytes; the header "
                       "alone is 8)", size);
    const uint8_t *hdr = fs_read_bytes(&r, 4);
    if (memcmp(hdr, magic, 4) != 0)
        fs_reader_fail(&r, hdr, "not a WebAssembly module (bad magic)");
    const uint8_t *vat = r.p;
    const uint8_t *ver = fs_read_bytes(&r, 4);
    if (ver[0] != 1 || ver[1] || ver[2] || ver[3])
        fs_reader_fail(&r, vat, "unsupported binary version %u (components and other layers "
                       "are not modules)", ver[0] | ver[1] << 8);

    uint32_t cap = 0;
    int last = 0;
    const uint8_t *import_sec = NULL, *import_end = NULL;
    uint32_t name_section = UINT32_MAX;
    int have_funcs = 0;
    while (r.p < r.end) {
        const uint8_t *at = r.p;
        uint8_t id = fs_read_u8(&r);
        if (id > 14)
            fs_reader_fail(&r, at, "unknown section id %u", id);
        const uint8_t *sat = r.p;
        uint32_t len = fs_read_u32(&r);
        if (len > fs_reader_left(&r))
            fs_reader_fail(&r, sat, "section %u size %u exceeds the %zu bytes that remain",
                           id, len, fs_reader_left(&r));
        const uint8_t *file_end = r.end;
        r.end = r.p + len;
        fs_section s = { id, fs_reader_off(&r, r.p), len, NULL, 0 };
        if (id == 0) {
            s.name = fs_decode_name(&r, &s.name_len);
            if (s.name_len == 4 && !memcmp(s.name, "name", 4))
                name_section = m->nsections;
            r.p = r.end;
        } else {
            int k = rank(id);
            if (k <= last)
                fs_reader_fail(&r, at, "section %u is out of order or repeated", id);
            last = k;
            /* Function indices are needed from the export section on; a
             * module without a function section still has its imports. */
            if (!have_funcs && k > 3) {
                functions(&r, m, 0);
                have_funcs = 1;
            }
            if (id == 3)
                have_funcs = 1;
            if (id == 10)
                m->code_section = m->nsections;
            section(&r, m, id, &import_sec);
            if (id == 2)
                import_end = r.end;
            if (r.p != r.end)
                fs_reader_fail(&r, r.p, "section %u ends %zu bytes before its declared size",
                               id, (size_t)(r.end - r.p));
        }
        add_section(&r, m, &cap, s);
        r.end = file_end;
    }
    if (!have_funcs)
        functions(&r, m, 0);
    /* The data count section is how a one-pass decoder knows data indices
     * in code are valid: required when code uses them, and it must agree
     * with the data section. */
    if (m->has_data_count && !m->has_data && m->data_count)
        fs_reader_fail(&r, r.base + m->data_count_off,
                       "data count section says %u segments but there is no data section",
                       m->data_count);
    if (m->first_data_use != UINT32_MAX && !m->has_data_count)
        fs_reader_fail(&r, r.base + m->first_data_use,
                       "data index used in code without a data count section");
    if (fs_wasm_ndefined(m) && m->code_section == UINT32_MAX)
        fs_reader_fail(&r, r.p, "%u functions declared but there is no code section",
                       fs_wasm_ndefined(m));
    if (m->ntables || m->nmemories) {
        /* Imported tables and memories: fill in their details. */
        fs_table *t = m->tables;
        if (!t)
            m->tables = t = fs_decode_alloc(&r, m->ntables, sizeof *t);
        if (!m->memory64)
            m->memory64 = fs_decode_alloc(&r, m->nmemories, 1);
        if (import_sec)
            fs_decode_import_details(&r, m, import_sec, import_end);
    }
    /* The host may store an exported function in a shared table. */
    if (m->table_shared)
        for (uint32_t i = 0; i < m->nfuncs; i++)
            if (m->funcs[i].flags & FS_FUNC_EXPORTED)
                m->funcs[i].flags |= FS_FUNC_ADDRESS_TAKEN;
    for (unsigned b = 0; b < 256; b++)
        if (m->byte_counts[b])
            m->op_counts[fs_op_slots[b] - 1] += m->byte_counts[b];
    for (uint32_t i = 0; i < FS_OP_COUNT; i++) {
        m->ninstructions += m->op_counts[i];
        m->nconst_instructions += m->const_op_counts[i];
    }
    if (name_section != UINT32_MAX)
        fs_decode_names(m, &m->sections[name_section]);
    return FS_OK;
}

int fs_wasm_map(fs_wasm_module *m, const char *path, fs_error *err)
{
    memset(m, 0, sizeof *m);
    memset(err, 0, sizeof *err);
    m->path = path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
        return FS_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err->msg, sizeof err->msg, "not a regular file");
        close(fd);
        return FS_ERR_IO;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *bytes;
    static const uint8_t empty[1];
    if (size == 0) {
        bytes = empty;
    } else {
        void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(err->msg, sizeof err->msg, "cannot map: %s", strerror(errno));
            close(fd);
            return FS_ERR_IO;
        }
        /* One sequential pass: let the kernel read ahead aggressively. */
        madvise(p, size, MADV_SEQUENTIAL | MADV_WILLNEED);
        bytes = p;
    }
    close(fd);
    m->bytes = bytes;
    m->size = size;
    m->mapped = size != 0;
    return FS_OK;
}

int fs_wasm_decode_loaded(fs_wasm_module *m, fs_error *err)
{
    const uint8_t *bytes = m->bytes;
    size_t size = m->size;
    int mapped = m->mapped;
    int status = fs_wasm_decode(m, bytes, size, m->path, err);
    m->mapped = mapped;
    return status;
}

int fs_wasm_load(fs_wasm_module *m, const char *path, fs_error *err)
{
    int status = fs_wasm_map(m, path, err);
    return status ? status : fs_wasm_decode_loaded(m, err);
}

void fs_wasm_free(fs_wasm_module *m)
{
    for (int i = 0; i < 3; i++)
        free(m->scratch[i]);
    free(m->sections);
    free(m->types);
    free(m->valtypes);
    free(m->imports);
    free(m->exports);
    free(m->funcs);
    free(m->tables);
    free(m->memory64);
    free(m->calls);
    free(m->globals);
    free(m->tag_types);
    if (m->mapped)
        munmap((void *)m->bytes, m->size);
    memset(m, 0, sizeof *m);
}

void fs_wasm_import_name(const fs_wasm_module *m, uint32_t func, char *buf, size_t cap)
{
    if (func >= m->nfuncs || m->funcs[func].import == UINT32_MAX) {
        snprintf(buf, cap, "?");
        return;
    }
    const fs_import *im = &m->imports[m->funcs[func].import];
    snprintf(buf, cap, "%.*s.%.*s", (int)im->module_len, im->module,
             (int)im->field_len, im->field);
}

/* Local runs, from the declarations kept in the file. */
void fs_wasm_local_runs(const fs_wasm_module *m, uint32_t func, fs_local_run_fn fn, void *ctx)
{
    const fs_func *f = &m->funcs[func];
    const fs_type *t = &m->types[f->type];
    for (uint32_t p = 0; p < t->nparams; p++)
        fn(ctx, p, 1, fs_wasm_valkind(m->valtypes[t->params + p]));
    /* Already validated by the decoder, so this cannot fail; the jump
     * target only exists to satisfy the reader's contract. */
    fs_error err;
    jmp_buf jb;
    fs_reader r = { m->bytes, m->bytes + f->locals_off, m->bytes + f->body_off + f->body_size,
                    &err, &jb };
    if (setjmp(jb))
        return;
    uint32_t idx = t->nparams;
    uint32_t nruns = fs_read_u32(&r);
    for (uint32_t j = 0; j < nruns; j++) {
        uint32_t cnt = fs_read_u32(&r);
        fs_valkind k = fs_wasm_valkind(fs_decode_valtype(&r, m));
        if (cnt)
            fn(ctx, idx, cnt, k);
        idx += cnt;
    }
}
