/* decode_int.h - declarations shared by the decoder's .c files only. */
#ifndef FS_DECODE_INT_H
#define FS_DECODE_INT_H

#include "reader.h"
#include "walk.h"
#include "wasm.h"

/* Jumps out of the decoder with FS_ERR_NOMEM. */
_Noreturn void fs_decode_nomem(fs_reader *r);

/* Engines reject more locals than this (V8's limit); so do we, which also
 * keeps per-local arithmetic far from overflow. */
#define FS_MAX_LOCALS 50000u

/* calloc that jumps out with FS_ERR_NOMEM on failure. */
void *fs_decode_alloc(fs_reader *r, size_t n, size_t size);
/* P (an array of *CAP items of SIZE, possibly NULL) with its capacity
 * doubled (FIRST when 0), or the decode ends out of memory.  For arrays
 * that grow with what is read, so their size follows the input's. */
void *fs_decode_grow(fs_reader *r, void *p, uint32_t *cap, size_t size, uint32_t first);

/* Reads a value type (numeric, vector, or reference with heap type). */
fs_valtype fs_decode_valtype(fs_reader *r, const fs_wasm_module *m);

/* Abstract heap types are one-byte s7 values, 0x75 (nocont) down to 0x67
 * (string): -11 .. -25 as signed numbers (0x75 and 0x68 are stack
 * switching's, 0x67 stringref's, the rest GC's and exnref's), and
 * shared-everything's waitqueue 0x5C and nowaitqueue 0x5B (-36, -37).
 * LEN is how many bytes the s33 took: the binary format spells an
 * abstract heap type as that one byte, so a padded s33 of the same value
 * (f0 7f for func) is malformed. */
static inline int fs_abstract_heaptype_ok(int64_t ht, size_t len)
{
    return ((ht >= -25 && ht <= -11) || ht == -36 || ht == -37) && len == 1;
}

/* The one-byte prefixes a heap type may carry, as Binaryen 132 writes
 * them: exact (custom descriptors) before a type index, shared
 * (shared-everything) before an abstract heap type. */
enum { FS_HT_PREFIX_EXACT = 0x62, FS_HT_PREFIX_SHARED = 0x65 };

/* Reads a reference type (a value type that is a reference), as element
 * segments declare it. */
fs_valtype fs_decode_reftype(fs_reader *r, const fs_wasm_module *m);

/* Checks that a name (import, export, custom section) is UTF-8, as the
 * binary format requires: no over-long forms, surrogates or code points
 * past U+10FFFF.  Fails at the first byte of the bad sequence. */
void fs_check_utf8(fs_reader *r, const uint8_t *s, size_t len);

/* Reads a heap type: an s33, abstract (negative) or a type index below
 * NTYPES, after at most one prefix byte: 0x62 (exact; then a type index
 * must follow) or 0x65 (shared; then an abstract type must follow).
 * *HFLAGS gets FS_HT_EXACT, FS_HT_SHARED or 0. */
int32_t fs_decode_heaptype_prefixed(fs_reader *r, uint32_t ntypes, uint8_t *hflags);
/* The same with the module's type count. */
int32_t fs_decode_heaptype(fs_reader *r, const fs_wasm_module *m, uint8_t *hflags);

/* valtype.c: shared by the sections that read them.  fs_decode_name
 * returns a pointer into the file (u32 length + UTF-8 bytes);
 * fs_decode_limits returns the flags byte, ALLOW being the bits permitted;
 * fs_decode_global_type appends the type to m->globals when RECORD (the
 * import section is read twice, the second time without recording);
 * fs_decode_type_ref reads a type index, with WANT_FUNC a function type's;
 * fs_decode_add_tag keeps a tag's type, as throw and catch take their
 * operands from it (the count grows with the tags read). */
const char *fs_decode_name(fs_reader *r, uint32_t *len);
uint8_t fs_decode_limits(fs_reader *r, uint8_t allow);
void fs_decode_table_type(fs_reader *r, fs_wasm_module *m, fs_table *t);
void fs_decode_global_type(fs_reader *r, fs_wasm_module *m, int record);
uint32_t fs_decode_type_ref(fs_reader *r, const fs_wasm_module *m, int want_func);
void fs_decode_add_tag(fs_reader *r, fs_wasm_module *m, uint32_t type);

/* imports.c: the import section; then, once the table and memory arrays
 * exist, the imported tables' and memories' details from the section's
 * bytes [SEC, END). */
void fs_decode_imports(fs_reader *r, fs_wasm_module *m);
void fs_decode_import_details(fs_reader *r, fs_wasm_module *m, const uint8_t *sec,
                              const uint8_t *end);

/* types.c */
void fs_decode_types(fs_reader *r, fs_wasm_module *m);

/* Where a body walk puts what it finds.  Each decoding thread has its
 * own sink; code.c merges them in file order. */
typedef struct fs_body_sink {
    fs_call  *calls;   uint32_t ncalls, calls_cap;
    uint32_t *refs;    uint32_t nrefs, refs_cap;   /* functions named by ref.func */
    uint64_t  op_counts[FS_OP_COUNT];
    uint64_t  byte_counts[256];                    /* fast path, single-byte opcodes */
    uint32_t  first_data_use;                      /* offset, or UINT32_MAX */
} fs_body_sink;

/* body.c: walks one function body (func = its index, into SINK) or, with
 * func == UINT32_MAX, a constant expression (sink unused: ref.func marks
 * the module directly, counts go to const_op_counts).  Both stop after
 * their final end.  Only constant expressions write to M. */
void fs_decode_expr(fs_reader *r, fs_wasm_module *m, fs_body_sink *sink, uint32_t func);

/* code.c: the code section (locals, then every body, maybe in parallel). */
void fs_decode_code(fs_reader *r, fs_wasm_module *m);

/* names.c: reads the "name" custom section; never fails the module. */
void fs_decode_names(fs_wasm_module *m, const fs_section *s);

#endif
