/* valtype.c - what several sections read alike: value, heap and
 * reference types, names, limits, table and global types, type indices
 * and tags.  Each fails at the offset of the bad byte.
 */
#include "decode_int.h"

#include <stdio.h>

int32_t fs_decode_heaptype_prefixed(fs_reader *r, uint32_t ntypes, uint8_t *hflags)
{
    *hflags = 0;
    if (r->p < r->end && *r->p == FS_HT_PREFIX_EXACT) {
        r->p++;
        *hflags = FS_HT_EXACT;
    } else if (r->p < r->end && *r->p == FS_HT_PREFIX_SHARED) {
        r->p++;
        *hflags = FS_HT_SHARED;
    }
    const uint8_t *at = r->p;
    int64_t ht = fs_read_s33(r);
    if (ht >= 0) {
        if ((uint64_t)ht >= ntypes)
            fs_reader_fail(r, at, "heap type index %lld out of range", (long long)ht);
        if (*hflags & FS_HT_SHARED)        /* a defined type says itself if it is shared */
            fs_reader_fail(r, at - 1, "shared prefix before a type index");
    } else if (!fs_abstract_heaptype_ok(ht, (size_t)(r->p - at))) {
        fs_reader_fail(r, at, "invalid heap type %lld", (long long)ht);
    } else if (*hflags & FS_HT_EXACT) {    /* only a defined type can be exact */
        fs_reader_fail(r, at, "exact heap type %lld is not a type index", (long long)ht);
    }
    return (int32_t)ht;
}

int32_t fs_decode_heaptype(fs_reader *r, const fs_wasm_module *m, uint8_t *hflags)
{
    return fs_decode_heaptype_prefixed(r, m->ntypes, hflags);
}

fs_valtype fs_decode_valtype(fs_reader *r, const fs_wasm_module *m)
{
    const uint8_t *at = r->p;
    uint8_t b = fs_read_u8(r);
    fs_valtype t = { .code = b };
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
        t.heap = fs_decode_heaptype(r, m, &t.hflags);
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
const char *fs_decode_name(fs_reader *r, uint32_t *len)
{
    *len = fs_read_u32(r);
    const uint8_t *s = fs_read_bytes(r, *len);
    fs_check_utf8(r, s, *len);
    return (const char *)s;
}

/* Limits; returns the flags byte.  ALLOW are the flag bits permitted. */
uint8_t fs_decode_limits(fs_reader *r, uint8_t allow)
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

void fs_decode_table_type(fs_reader *r, fs_wasm_module *m, fs_table *t)
{
    t->elem = fs_decode_valtype(r, m);
    m->ext_types |= fs_xt_of_hflags(t->elem.hflags);
    if (fs_wasm_valkind(t->elem) != FS_VK_REF)
        fs_reader_fail(r, r->p - 1, "table element type is not a reference type");
    t->is64 = (fs_decode_limits(r, 0x05) & 0x04) != 0;
}

/* Reads a global's type; RECORD appends it to m->globals (the import
 * section is read twice, the second time without recording). */
void fs_decode_global_type(fs_reader *r, fs_wasm_module *m, int record)
{
    fs_valtype t = fs_decode_valtype(r, m);
    m->ext_types |= fs_xt_of_hflags(t.hflags);
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

uint32_t fs_decode_type_ref(fs_reader *r, const fs_wasm_module *m, int want_func)
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
void fs_decode_add_tag(fs_reader *r, fs_wasm_module *m, uint32_t type)
{
    if (m->ntags == m->tags_cap)
        m->tag_types = fs_decode_grow(r, m->tag_types, &m->tags_cap, sizeof *m->tag_types, 8);
    m->tag_types[m->ntags++] = type;
}
