/* imports.c - the import section, read once for the imports' kinds and
 * types and once more, after the table and memory sections, for the
 * details of imported tables and memories.
 */
#include "decode_int.h"

#include <string.h>

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

/* Custom descriptors: a function import whose kind byte has bit 5 set
 * (0x20) is imported at its exact type, as Binaryen 132 writes it.  The
 * bit means nothing on other kinds, which stay invalid with it. */
enum { IMPORT_EXACT = 0x20 };

static uint8_t import_kind(fs_wasm_module *m, uint8_t k)
{
    if (k != (FS_EXT_FUNC | IMPORT_EXACT))
        return k;
    m->ext_types |= FS_XT_EXACT_IMPORT;
    return FS_EXT_FUNC;
}

/* Reads one externtype of KIND for nothing: where the shared one of a
 * 0x7E group ends. */
static void skip_externtype(fs_reader *r, fs_wasm_module *m, uint8_t kind, const uint8_t *kind_at)
{
    fs_table t;
    switch (kind) {
    case FS_EXT_FUNC:   fs_decode_type_ref(r, m, 1); break;
    case FS_EXT_TABLE:  fs_decode_table_type(r, m, &t); break;
    case FS_EXT_MEMORY: fs_decode_limits(r, 0x0F); break;
    case FS_EXT_GLOBAL: fs_decode_global_type(r, m, 0); break;
    case FS_EXT_TAG:
        if (fs_read_u8(r) != 0)
            fs_reader_fail(r, r->p - 1, "invalid tag attribute");
        fs_decode_type_ref(r, m, 1);
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
        const char *mod = fs_decode_name(r, &mod_len);
        const char *field = fs_decode_name(r, &field_len);
        const uint8_t *at = r->p;
        uint8_t k = fs_read_u8(r);
        if (field_len == 0 && k == IMPORT_GROUP_LIST) {
            uint32_t n = fs_read_count(r, 3, "compact import");
            for (uint32_t i = 0; i < n; i++) {
                field = fs_decode_name(r, &field_len);
                at = r->p;
                k = import_kind(m, fs_read_u8(r));
                v->fn(v, r, m, mod, mod_len, field, field_len, k, at);
            }
        } else if (field_len == 0 && k == IMPORT_GROUP_SHARED) {
            at = r->p;
            k = import_kind(m, fs_read_u8(r));
            const uint8_t *desc = r->p;
            skip_externtype(r, m, k, at);
            uint32_t n = fs_read_count(r, 1, "compact import");
            for (uint32_t i = 0; i < n; i++) {
                field = fs_decode_name(r, &field_len);
                fs_reader d = *r;
                d.p = desc;
                v->fn(v, &d, m, mod, mod_len, field, field_len, k, at);
            }
        } else {
            k = import_kind(m, k);
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
        im->type = fs_decode_type_ref(d, m, 1);
        im->index = m->nfunc_imports++;
        break;
    case FS_EXT_TABLE: {
        fs_table t = { .imported = 1 };
        fs_decode_table_type(d, m, &t);
        im->index = v->ntables++;
        m->table_shared = 1;
        break;
    }
    case FS_EXT_MEMORY:
        fs_decode_limits(d, 0x0F);
        im->index = v->nmems++;
        break;
    case FS_EXT_GLOBAL:
        fs_decode_global_type(d, m, 1);
        im->index = m->nglobals++;
        break;
    case FS_EXT_TAG:
        if (fs_read_u8(d) != 0)
            fs_reader_fail(d, d->p - 1, "invalid tag attribute");
        im->type = fs_decode_type_ref(d, m, 1);
        fs_decode_add_tag(d, m, im->type);
        im->index = m->ntags - 1;
        break;
    default:
        fs_reader_fail(d, kind_at, "invalid import kind 0x%02x", kind);
    }
}

void fs_decode_imports(fs_reader *r, fs_wasm_module *m)
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
        fs_decode_table_type(d, m, &m->tables[v->ntables]);
        v->ntables++;
        break;
    case FS_EXT_MEMORY:
        m->memory64[v->nmems++] = (fs_decode_limits(d, 0x0F) & 0x04) != 0;
        break;
    default:
        skip_externtype(d, m, kind, kind_at);
    }
}

void fs_decode_import_details(fs_reader *r, fs_wasm_module *m, const uint8_t *sec, const uint8_t *end)
{
    fs_reader rr = *r;
    rr.p = sec;
    rr.end = end;
    import_visit v = { detail_import, 0, 0, 0 };
    walk_imports(&rr, m, &v);
}

