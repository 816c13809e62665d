/* types.c - the type section, recursive groups and canonical type ids.
 *
 * The `typed` indirect policy asks "may a call_indirect of type T reach a
 * function of type S?".  Under the GC proposal two type indices are the
 * same type when their recursion groups have the same shape (iso-recursive
 * equality), and S may also be a declared subtype of T.  We give every type
 * a canonical id - the first index with an equal group position - by
 * hashing a key per group in which references inside the group are
 * relative and references outside it use the target's canonical id.  MVP
 * modules (every type its own group) fall out as plain structural equality
 * of signatures.
 */
#include "decode_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct keybuf {
    uint8_t *b;
    size_t   len, cap;
} keybuf;

typedef struct group {
    uint32_t start, count;   /* first type index, number of types */
    size_t   key, key_len;   /* range in the key arena */
} group;

typedef struct typectx {
    fs_reader      *r;
    fs_wasm_module *m;
    keybuf          key;       /* arena of all group keys */
    uint32_t        gstart;    /* current group's first type index */
    uint32_t        gend;      /* one past its last */
} typectx;

static void put(typectx *c, const void *p, size_t n)
{
    keybuf *k = &c->key;
    if (k->len + n > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        while (cap < k->len + n)
            cap *= 2;
        uint8_t *nb = realloc(k->b, cap);
        if (!nb) 
            fs_decode_nomem(c->r);
        k->b = nb;
        k->cap = cap;
        c->m->scratch[2] = nb;   /* so a jump out of the decoder frees it */
    }
    memcpy(k->b + k->len, p, n);
    k->len += n;
}

static void put_u8(typectx *c, uint8_t v) { put(c, &v, 1); }

/* A reference to type index IDX, made independent of where the group
 * sits in this module. */
static void put_typeref(typectx *c, const uint8_t *at, int64_t idx)
{
    if (idx < 0 || (uint64_t)idx >= c->gend)
        fs_reader_fail(c->r, at, "type index %lld out of range", (long long)idx);
    uint32_t v;
    if ((uint32_t)idx >= c->gstart) {
        put_u8(c, 'R');
        v = (uint32_t)idx - c->gstart;
    } else {
        put_u8(c, 'C');
        v = c->m->types[idx].canon;
    }
    put(c, &v, sizeof v);
}

/* A value type, or with PACKED a storage type (i8 and i16 exist only in
 * struct and array fields); stored into OUT when given. */
static void valtype_key(typectx *c, fs_valtype *out, int packed)
{
    const uint8_t *at = c->r->p;
    uint8_t b = fs_read_u8(c->r);
    put_u8(c, b);
    fs_valtype t = { .code = b };
    switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B:   /* numeric, v128 */
        break;
    case 0x78: case 0x77:                                    /* packed i8, i16 */
        if (!packed)
            fs_reader_fail(c->r, at, "packed type 0x%02x outside a struct or array field", b);
        break;
    case 0x70: case 0x6F: case 0x6E: case 0x6D: case 0x6C: case 0x6B: case 0x6A:
    case 0x69: case 0x71: case 0x72: case 0x73: case 0x74:   /* abstract ref shorthands */
    case 0x68: case 0x75:                                    /* contref, nullcontref */
    case 0x67:                                               /* stringref */
        t.heap = (int32_t)(int8_t)(b | 0x80);   /* the byte read as s7 */
        break;
    case 0x63: case 0x64: {                                  /* (ref null? ht) */
        /* Read with INT32_MAX as the type limit, so that the index fits
         * the int32 heap field (the real limit, the group's end, is
         * checked by put_typeref); the exact/shared prefix is part of
         * the key. */
        const uint8_t *hat = c->r->p;
        t.heap = fs_decode_heaptype_prefixed(c->r, (uint32_t)INT32_MAX, &t.hflags);
        c->m->ext_types |= fs_xt_of_hflags(t.hflags);
        put_u8(c, t.hflags);
        if (t.hflags)
            hat++;                                           /* past the prefix byte */
        if (t.heap >= 0)
            put_typeref(c, hat, t.heap);
        else
            put_u8(c, (uint8_t)(t.heap & 0x7F));
        break;
    }
    default:
        fs_reader_fail(c->r, at, "invalid value type 0x%02x", b);
    }
    if (out)
        *out = t;
}

/* A field type (struct field or array element): storage type + mutability;
 * the storage type is kept in *OUT (a packed one as 0x78 or 0x77). */
static void field_key(typectx *c, fs_valtype *out)
{
    valtype_key(c, out, 1);
    uint8_t mut = fs_read_u8(c->r);
    if (mut > 1)
        fs_reader_fail(c->r, c->r->p - 1, "invalid mutability 0x%02x", mut);
    put_u8(c, mut);
}

/* A describes or descriptor clause: a u32 type index below the current
 * group's end, then the next form byte, which it returns (with its
 * offset in *AT). */
static uint8_t desc_clause(typectx *c, const char *what, const uint8_t **form_at)
{
    const uint8_t *at = c->r->p;
    uint32_t idx = fs_read_u32(c->r);
    if (idx >= c->gend)
        fs_reader_fail(c->r, at, "%s type index %u out of range (%u types so far)", what, idx,
                       c->gend);
    put_typeref(c, at, idx);
    c->m->ext_types |= FS_XT_DESC;
    *form_at = c->r->p;
    uint8_t form = fs_read_u8(c->r);
    put_u8(c, form);
    return form;
}

static void comptype(typectx *c, fs_type *t)
{
    fs_reader *r = c->r;
    fs_wasm_module *m = c->m;
    const uint8_t *at = r->p;
    uint8_t form = fs_read_u8(r);
    put_u8(c, form);
    if (form == 0x65) {                    /* shared-everything: (shared comptype) */
        at = r->p;                         /* kept in the key: shared != unshared */
        form = fs_read_u8(r);
        put_u8(c, form);
        m->ext_types |= FS_XT_SHARED_COMP;
    }
    /* Custom descriptors, in the order Binaryen 132 writes them: the type
     * this one describes (0x4C), then its own descriptor type (0x4D).
     * Both are type indices within the module's types so far or the
     * current group, and part of the key. */
    if (form == 0x4C)
        form = desc_clause(c, "described", &at);
    if (form == 0x4D)
        form = desc_clause(c, "descriptor", &at);
    switch (form) {
    case 0x60: {
        t->kind = FS_COMP_FUNC;
        for (int part = 0; part < 2; part++) {
            uint32_t n = fs_read_count(r, 1, part ? "result" : "parameter");
            put(c, &n, sizeof n);
            if (part == 0)
                t->params = m->nvaltypes;
            for (uint32_t i = 0; i < n; i++)
                valtype_key(c, &m->valtypes[m->nvaltypes++], 0);
            if (part == 0)
                t->nparams = n;
            else
                t->nresults = n;
        }
        break;
    }
    case 0x5F: {
        t->kind = FS_COMP_STRUCT;
        uint32_t n = fs_read_count(r, 2, "struct field");
        put(c, &n, sizeof n);
        t->params = m->nvaltypes;       /* the fields' storage types */
        t->nparams = n;
        for (uint32_t i = 0; i < n; i++)
            field_key(c, &m->valtypes[m->nvaltypes++]);
        break;
    }
    case 0x5E:
        t->kind = FS_COMP_ARRAY;
        t->params = m->nvaltypes;       /* the element's storage type */
        t->nparams = 1;
        field_key(c, &m->valtypes[m->nvaltypes++]);
        break;
    case 0x5D: {   /* stack switching: cont of a function type */
        const uint8_t *tat = r->p;
        int64_t ft = fs_read_s33(r);
        put_typeref(c, tat, ft);           /* fails when out of range */
        t->kind = FS_COMP_CONT;
        t->params = (uint32_t)ft;
        break;
    }
    default:
        fs_reader_fail(r, at, "invalid type form 0x%02x", form);
    }
}

/* One subtype: [sub [final] vec(super)] comptype. */
static void subtype(typectx *c, uint8_t lead, uint32_t idx)
{
    fs_reader *r = c->r;
    fs_type *t = &c->m->types[idx];
    t->super = UINT32_MAX;
    t->final = 1;
    t->rec_start = c->gstart;
    const uint8_t *sat = NULL;
    if (lead == 0x50 || lead == 0x4F) {
        r->p++;
        t->final = lead == 0x4F;
        uint32_t n = fs_read_count(r, 1, "supertype");
        if (n > 1)
            fs_reader_fail(r, r->p - 1, "at most one supertype is allowed, found %u", n);
        if (n == 1) {
            sat = r->p;
            uint32_t s = fs_read_u32(r);
            if (s >= idx)
                fs_reader_fail(r, sat, "supertype %u of type %u is not declared before it", s, idx);
            t->super = s;
        }
    }
    /* The key spells what the type is, not how it was written: a bare
     * composite type is shorthand for (sub final () ...), so both keys
     * start with the same final flag and supertype. */
    put_u8(c, t->final);
    if (t->super == UINT32_MAX)
        put_u8(c, 0);
    else
        put_typeref(c, sat, t->super);
    comptype(c, t);
}

static uint64_t hash(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;          /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

void fs_decode_types(fs_reader *r, fs_wasm_module *m)
{
    uint32_t nentries = fs_read_count(r, 2, "type");
    /* Every subtype takes at least two bytes and every value type one,
     * so the section size bounds both arrays. */
    size_t left = fs_reader_left(r);
    m->types = fs_decode_alloc(r, left / 2 + 1, sizeof *m->types);
    m->valtypes = fs_decode_alloc(r, left + 1, sizeof *m->valtypes);
    group *groups = fs_decode_alloc(r, (size_t)nentries + 1, sizeof *groups);
    size_t nslots = 16;
    while (nslots < 2 * (size_t)nentries)
        nslots *= 2;
    uint32_t *slots = calloc(nslots, sizeof *slots);   /* group index + 1 */
    typectx c = { r, m, { 0 }, 0, 0 };
    if (!slots) {
        free(groups);
        fs_decode_nomem(r);
    }
    /* Freed below on success; on a jump out of the decoder they are freed
     * by fs_wasm_free from the module's scratch slots. */
    m->scratch[0] = groups;
    m->scratch[1] = slots;

    for (uint32_t g = 0; g < nentries; g++) {
        uint32_t count = 1;
        if (r->p < r->end && *r->p == 0x4E) {
            r->p++;
            count = fs_read_count(r, 2, "recursive group member");
        }
        if ((uint64_t)m->ntypes + count > left / 2 + 1)
            fs_reader_fail(r, r->p, "too many types for the section size");
        c.gstart = m->ntypes;
        c.gend = m->ntypes + count;
        if (count == 0)                     /* (rec) is valid and defines nothing */
            continue;
        size_t key0 = c.key.len;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t idx = m->ntypes++;
            if (r->p >= r->end)
                fs_reader_fail(r, r->p, "unexpected end of the type section");
            subtype(&c, *r->p, idx);
        }
        /* Find an earlier group with the same key. */
        group *gr = &groups[g];
        gr->start = c.gstart;
        gr->count = count;
        gr->key = key0;
        gr->key_len = c.key.len - key0;
        uint64_t h = hash(c.key.b + key0, gr->key_len);
        size_t s = (size_t)h & (nslots - 1);
        uint32_t same = UINT32_MAX;
        while (slots[s]) {
            group *o = &groups[slots[s] - 1];
            if (o->count == count && o->key_len == gr->key_len &&
                !memcmp(c.key.b + o->key, c.key.b + key0, gr->key_len)) {
                same = o->start;
                break;
            }
            s = (s + 1) & (nslots - 1);
        }
        if (same == UINT32_MAX)
            slots[s] = g + 1;
        for (uint32_t i = 0; i < count; i++)
            m->types[c.gstart + i].canon = same == UINT32_MAX ? c.gstart + i : same + i;
    }
    free(groups);
    free(slots);
    free(c.key.b);
    m->scratch[0] = m->scratch[1] = m->scratch[2] = NULL;
}

int fs_wasm_type_matches(const fs_wasm_module *m, uint32_t sub, uint32_t super)
{
    if (sub >= m->ntypes || super >= m->ntypes)
        return 0;
    uint32_t want = m->types[super].canon;
    /* Supertypes are declared before their subtypes, so this terminates. */
    for (uint32_t t = sub; t != UINT32_MAX; t = m->types[t].super)
        if (m->types[t].canon == want)
            return 1;
    return 0;
}
