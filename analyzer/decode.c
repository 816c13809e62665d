/* decode.c - module structure: header, section order, every section.
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

int32_t fs_decode_heaptype(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    int64_t ht = fs_read_s33(r);
    if (ht >= 0) {
        if ((uint64_t)ht >= m->ntypes)
            fs_reader_fail(r, at, "heap type index %lld out of range", (long long)ht);
    } else if (!fs_abstract_heaptype_ok(ht, (size_t)(r->p - at))) {
        fs_reader_fail(r, at, "invalid heap type %lld", (long long)ht);
    }
    return (int32_t)ht;
}

fs_valtype fs_decode_valtype(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint8_t b = fs_read_u8(r);
    fs_valtype t = { b, 0 };
    switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B:
        return t;
    case 0x70: case 0x6F: case 0x6E: case 0x6D: case 0x6C: case 0x6B: case 0x6A:
    case 0x69: case 0x71: case 0x72: case 0x73: case 0x74:
    case 0x68: case 0x75:                  /* contref, nullcontref (stack switching) */
    case 0x67:                             /* stringref */
        t.heap = (int8_t)(b | 0x80);
        return t;
    case 0x63: case 0x64:
        t.heap = fs_decode_heaptype(r, m);
        return t;
    default:
        fs_reader_fail(r, at, "invalid value type 0x%02x", b);
    }
}

fs_valtype fs_decode_reftype(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    fs_valtype t = fs_decode_valtype(r, m);
    if (fs_wasm_valkind(t) != FS_VK_REF)
        fs_reader_fail(r, at, "element type 0x%02x is not a reference type", t.code);
    return t;
}

void fs_check_utf8(fs_reader *r, const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint8_t b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        /* lead byte: sequence length and the smallest code point it may
         * encode (anything smaller is an over-long form) */
        size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 :
                   b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        uint32_t cp = n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
        int ok = n != 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++) {
            ok = (s[i + k] & 0xC0) == 0x80;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (ok)
            ok = !(n == 3 && cp < 0x800) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                 !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!ok)
            fs_reader_fail(r, s + i, "name is not valid UTF-8 (byte 0x%02x)", b);
        i += n;
    }
}

/* A name: u32 length + bytes, returned as a pointer into the file. */
static const char *name(fs_reader *r, uint32_t *len)
{
    *len = fs_read_u32(r);
    const uint8_t *s = fs_read_bytes(r, *len);
    fs_check_utf8(r, s, *len);
    return (const char *)s;
}

/* Limits; returns the flags byte.  ALLOW are the flag bits permitted. */
static uint8_t limits(fs_reader *r, uint8_t allow)
{
    const uint8_t *at = r->p;
    uint8_t flags = fs_read_u8(r);
    if (flags & ~allow)
        fs_reader_fail(r, at, "invalid limits flags 0x%02x", flags);
    int is64 = flags & 0x04;
    if (is64) fs_read_u64(r); else fs_read_u32(r);
    if (flags & 0x01) {
        if (is64) fs_read_u64(r); else fs_read_u32(r);
    }
    if (flags & 0x08)                      /* custom page size: log2 */
        fs_read_u32(r);
    return flags;
}

static void table_type(fs_reader *r, fs_wasm_module *m, fs_table *t)
{
    t->elem = fs_decode_valtype(r, m);
    if (fs_wasm_valkind(t->elem) != FS_VK_REF)
        fs_reader_fail(r, r->p - 1, "table element type is not a reference type");
    t->is64 = (limits(r, 0x05) & 0x04) != 0;
}

/* Reads a global's type; RECORD appends it to m->globals (the import
 * section is read twice, the second time without recording). */
static void global_type(fs_reader *r, fs_wasm_module *m, int record)
{
    fs_valtype t = fs_decode_valtype(r, m);
    const uint8_t *at = r->p;
    uint8_t mut = fs_read_u8(r);
    if (mut > 1)
        fs_reader_fail(r, at, "invalid global mutability");
    if (!record)
        return;
    if (m->nglobal_types == m->globals_cap)
        m->globals = fs_decode_grow(r, m->globals, &m->globals_cap, sizeof *m->globals, 16);
    m->globals[m->nglobal_types].type = t;
    m->globals[m->nglobal_types++].mutable_ = mut;
}

static uint32_t type_ref(fs_reader *r, const fs_wasm_module *m, int want_func)
{
    const uint8_t *at = r->p;
    uint32_t t = fs_read_u32(r);
    if (t >= m->ntypes)
        fs_reader_fail(r, at, "type index %u out of range (%u types)", t, m->ntypes);
    if (want_func && m->types[t].kind != FS_COMP_FUNC)
        fs_reader_fail(r, at, "type %u is not a function type", t);
    return t;
}

/* A tag's type, kept because throw and catch take their operands from it.
 * The count grows with the tags read, never with a count in the file. */
static void add_tag(fs_reader *r, fs_wasm_module *m, uint32_t type)
{
    if (m->ntags == m->tags_cap)
        m->tag_types = fs_decode_grow(r, m->tag_types, &m->tags_cap, sizeof *m->tag_types, 8);
    m->tag_types[m->ntags++] = type;
}

/* The import section, in the classic encoding (module name, item name,
 * externtype) and the compact-import-section proposal's two group
 * encodings, which Binaryen 132 writes with --all-features: a module name,
 * an empty item name, then
 *   0x7F  list(item name, externtype)
 *   0x7E  externtype list(item name)   (one externtype shared by all).
 * walk_imports calls VISIT once per import, with a reader positioned at
 * that import's externtype (for 0x7E, a copy positioned at the shared one)
 * that VISIT must read to its end. */
typedef struct import_visit {
    void (*fn)(struct import_visit *v, fs_reader *d, fs_wasm_module *m, const char *mod,
               uint32_t mod_len, const char *field, uint32_t field_len, uint8_t kind,
               const uint8_t *kind_at);
    uint32_t ntables, nmems, n;
} import_visit;

enum { IMPORT_GROUP_LIST = 0x7F, IMPORT_GROUP_SHARED = 0x7E };

/* Reads one externtype of KIND for nothing: where the shared one of a
 * 0x7E group ends. */
static void skip_externtype(fs_reader *r, fs_wasm_module *m, uint8_t kind, const uint8_t *kind_at)
{
    fs_table t;
    switch (kind) {
    case FS_EXT_FUNC:   type_ref(r, m, 1); break;
    case FS_EXT_TABLE:  table_type(r, m, &t); break;
    case FS_EXT_MEMORY: limits(r, 0x0F); break;
    case FS_EXT_GLOBAL: global_type(r, m, 0); break;
    case FS_EXT_TAG:
        if (fs_read_u8(r) != 0)
            fs_reader_fail(r, r->p - 1, "invalid tag attribute");
        type_ref(r, m, 1);
        break;
    default:
        fs_reader_fail(r, kind_at, "invalid import kind 0x%02x", kind);
    }
}

static void walk_imports(fs_reader *r, fs_wasm_module *m, import_visit *v)
{
    uint32_t ngroups = fs_read_count(r, 4, "import");
    for (uint32_t g = 0; g < ngroups; g++) {
        uint32_t mod_len, field_len;
        const char *mod = name(r, &mod_len);
        const char *field = name(r, &field_len);
        const uint8_t *at = r->p;
        uint8_t k = fs_read_u8(r);
        if (field_len == 0 && k == IMPORT_GROUP_LIST) {
            uint32_t n = fs_read_count(r, 3, "compact import");
            for (uint32_t i = 0; i < n; i++) {
                field = name(r, &field_len);
                at = r->p;
                k = fs_read_u8(r);
                v->fn(v, r, m, mod, mod_len, field, field_len, k, at);
            }
        } else if (field_len == 0 && k == IMPORT_GROUP_SHARED) {
            at = r->p;
            k = fs_read_u8(r);
            const uint8_t *desc = r->p;
            skip_externtype(r, m, k, at);
            uint32_t n = fs_read_count(r, 1, "compact import");
            for (uint32_t i = 0; i < n; i++) {
                field = name(r, &field_len);
                fs_reader d = *r;
                d.p = desc;
                v->fn(v, &d, m, mod, mod_len, field, field_len, k, at);
            }
        } else {
            v->fn(v, r, m, mod, mod_len, field, field_len, k, at);
        }
    }
}

static void record_import(import_visit *v, fs_reader *d, fs_wasm_module *m, const char *mod,
                          uint32_t mod_len, const char *field, uint32_t field_len,
                          uint8_t kind, const uint8_t *kind_at)
{
    if (m->nimports == v->n)         /* grows with the bytes read: bounded */
        m->imports = fs_decode_grow(d, m->imports, &v->n, sizeof *m->imports, 16);
    fs_import *im = &m->imports[m->nimports++];
    memset(im, 0, sizeof *im);
    im->module = mod;
    im->module_len = mod_len;
    im->field = field;
    im->field_len = field_len;
    im->kind = kind;
    switch (kind) {
    case FS_EXT_FUNC:
        im->type = type_ref(d, m, 1);
        im->index = m->nfunc_imports++;
        break;
    case FS_EXT_TABLE: {
        fs_table t = { { 0, 0 }, 0, 1 };
        table_type(d, m, &t);
        im->index = v->ntables++;
        m->table_shared = 1;
        break;
    }
    case FS_EXT_MEMORY:
        limits(d, 0x0F);
        im->index = v->nmems++;
        break;
    case FS_EXT_GLOBAL:
        global_type(d, m, 1);
        im->index = m->nglobals++;
        break;
    case FS_EXT_TAG:
        if (fs_read_u8(d) != 0)
            fs_reader_fail(d, d->p - 1, "invalid tag attribute");
        im->type = type_ref(d, m, 1);
        add_tag(d, m, im->type);
        im->index = m->ntags - 1;
        break;
    default:
        fs_reader_fail(d, kind_at, "invalid import kind 0x%02x", kind);
    }
}

static void imports(fs_reader *r, fs_wasm_module *m)
{
    import_visit v = { record_import, 0, 0, 0 };
    m->nimports = 0;
    walk_imports(r, m, &v);
    m->ntables = v.ntables;
    m->nmemories = v.nmems;
}

/* Table and memory details of imports are read a second time here, into
 * arrays sized once both import and definition counts are known. */
static void detail_import(import_visit *v, fs_reader *d, fs_wasm_module *m, const char *mod,
                          uint32_t mod_len, const char *field, uint32_t field_len,
                          uint8_t kind, const uint8_t *kind_at)
{
    (void)mod, (void)mod_len, (void)field, (void)field_len;
    switch (kind) {
    case FS_EXT_TABLE:
        m->tables[v->ntables].imported = 1;
        table_type(d, m, &m->tables[v->ntables]);
        v->ntables++;
        break;
    case FS_EXT_MEMORY:
        m->memory64[v->nmems++] = (limits(d, 0x0F) & 0x04) != 0;
        break;
    default:
        skip_externtype(d, m, kind, kind_at);
    }
}

static void import_details(fs_reader *r, fs_wasm_module *m, const uint8_t *sec, const uint8_t *end)
{
    fs_reader rr = *r;
    rr.p = sec;
    rr.end = end;
    import_visit v = { detail_import, 0, 0, 0 };
    walk_imports(&rr, m, &v);
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
        m->funcs[i].type = type_ref(r, m, 1);
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
    case 2:  *import_sec = start; imports(r, m); break;
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
                table_type(r, m, d);
                fs_decode_expr(r, m, NULL, UINT32_MAX);
            } else {
                table_type(r, m, d);
            }
        }
        m->ntables += n;
        break;
    }
    case 5: {
        uint32_t n = fs_read_count(r, 2, "memory");
        m->memory64 = fs_decode_alloc(r, (size_t)m->nmemories + n, 1);
        for (uint32_t i = 0; i < n; i++)
            m->memory64[m->nmemories + i] = (limits(r, 0x0F) & 0x04) != 0;
        m->nmemories += n;
        break;
    }
    case 6: {
        uint32_t n = fs_read_count(r, 3, "global");
        for (uint32_t i = 0; i < n; i++) {
            global_type(r, m, 1);
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
            e->name = name(r, &e->name_len);
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
            add_tag(r, m, type_ref(r, m, 1));
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
            s.name = name(&r, &s.name_len);
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
            import_details(&r, m, import_sec, import_end);
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
