/* wasm.h - the decoded module: a zero-copy view over an mmap'd .wasm file.
 *
 * fs_wasm_load() maps the file, walks every section once and every
 * function body once, and fills an fs_wasm_module.  Names and strings point
 * into the mapping (they are not NUL-terminated; use the _len fields), so
 * the module must outlive every pointer taken from it.
 *
 * Nothing here prints or exits: failures come back as a status plus an
 * fs_error that carries the byte offset of the first bad byte.
 */
#ifndef FS_WASM_H
#define FS_WASM_H

#include <stddef.h>
#include <stdint.h>

#include "opcode.h"

/* Status values shared by every layer of forksize. */
enum {
    FS_OK = 0,
    FS_ERR_IO,          /* the file could not be opened, read or written */
    FS_ERR_MALFORMED,   /* the bytes are not a module we can decode */
    FS_ERR_NOMEM,
    FS_ERR_USAGE,       /* a caller-supplied option is invalid */
    FS_ERR_UNSUPPORTED  /* well-formed, but outside what forksize handles */
};

typedef struct fs_error {
    int      has_offset;
    uint64_t offset;      /* byte offset in the file of the first bad byte */
    char     msg[256];
} fs_error;

/* Clears ERR, writes the formatted message (no offset) and returns CODE,
 * so that a failure is one statement: return fs_error_setf(err, ...). */
__attribute__((format(printf, 3, 4)))
int fs_error_setf(fs_error *err, int code, const char *fmt, ...);

/* Value kinds used for local accounting; references are one kind since
 * none of them can be saved to linear memory. */
typedef enum fs_valkind {
    FS_VK_I32, FS_VK_I64, FS_VK_F32, FS_VK_F64, FS_VK_V128, FS_VK_REF,
    FS_VK_COUNT
} fs_valkind;

extern const char *const fs_valkind_name[FS_VK_COUNT];

/* A value type as encoded: code is the type byte (0x7F i32 ... 0x64/0x63
 * for (ref ht)/(ref null ht)); heap is the heap type for references: a
 * type index when >= 0, else the negative s33 of an abstract heap type.
 * hflags says which prefix the heap type had: FS_HT_EXACT (0x62, custom
 * descriptors: an exact type index) or FS_HT_SHARED (0x65,
 * shared-everything: a shared abstract type).  Code that re-encodes a
 * value type from code and heap alone must not meet a non-zero hflags. */
typedef struct fs_valtype {
    uint8_t code;
    int32_t heap;
    uint8_t hflags;
} fs_valtype;

enum { FS_HT_EXACT = 1u << 0, FS_HT_SHARED = 1u << 1 };

/* FS_COMP_CONT: a continuation type (stack switching, 0x5D); its
 * function type's index is in `params`. */
typedef enum fs_comp_kind { FS_COMP_FUNC, FS_COMP_STRUCT, FS_COMP_ARRAY, FS_COMP_CONT } fs_comp_kind;

typedef struct fs_type {
    uint8_t  kind;        /* fs_comp_kind */
    uint8_t  final;
    uint32_t super;       /* declared supertype index, or UINT32_MAX */
    uint32_t canon;       /* first type index that is iso-recursively equal */
    uint32_t rec_start;   /* index of the first type of its rec group */
    uint32_t params;      /* func: offset of params in fs_wasm_module.valtypes;
                           * struct, array: of its fields' storage types (a
                           * packed one as code 0x78 i8 or 0x77 i16), nparams
                           * of them (1 for an array);
                           * cont: the index of its function type */
    uint32_t nparams;
    uint32_t nresults;    /* results follow the params in valtypes */
} fs_type;

typedef enum fs_extern_kind {
    FS_EXT_FUNC = 0, FS_EXT_TABLE = 1, FS_EXT_MEMORY = 2, FS_EXT_GLOBAL = 3, FS_EXT_TAG = 4
} fs_extern_kind;

typedef struct fs_import {
    const char *module;  uint32_t module_len;
    const char *field;   uint32_t field_len;
    uint8_t     kind;    /* fs_extern_kind */
    uint32_t    index;   /* index in its own space (function index for funcs) */
    uint32_t    type;    /* type index, for function and tag imports */
} fs_import;

typedef struct fs_export {
    const char *name;  uint32_t name_len;
    uint8_t     kind;
    uint32_t    index;
} fs_export;

/* Call-site kinds, in the order the graph layer cares about them. */
typedef enum fs_call_kind {
    FS_CALL_DIRECT, FS_CALL_TAIL,            /* target = function index */
    FS_CALL_INDIRECT, FS_CALL_TAIL_INDIRECT, /* target = type index, table set */
    FS_CALL_REF, FS_CALL_TAIL_REF            /* target = type index */
} fs_call_kind;

typedef struct fs_call {
    uint32_t target;
    uint32_t offset;     /* file offset of the call opcode */
    uint32_t table;      /* table index for indirect calls, else 0 */
    uint8_t  kind;       /* fs_call_kind */
} fs_call;

enum {
    FS_FUNC_IMPORTED      = 1u << 0,
    FS_FUNC_EXPORTED      = 1u << 1,
    FS_FUNC_ADDRESS_TAKEN = 1u << 2,  /* elem segment, ref.func, or export+shared table */
    FS_FUNC_REF_FUNC      = 1u << 3,  /* named by ref.func somewhere */
    FS_FUNC_IN_ELEM       = 1u << 4,
    FS_FUNC_START         = 1u << 5
};

enum { FS_NAME_FROM_SECTION = 0, FS_NAME_FROM_SYMBOLS = 1, FS_NAME_FROM_DWARF = 2 };

/* One entry per function in the index space, imports first. */
typedef struct fs_func {
    uint32_t    type;          /* type index */
    uint32_t    flags;
    uint32_t    import;        /* index into imports, or UINT32_MAX */
    const char *name;          /* name-section name, or NULL */
    uint32_t    name_len;
    uint8_t     name_from_symbols; /* where the name came from when not the name section
                                      (Binaryen knows neither): FS_NAME_FROM_SYMBOLS, a
                                      symbol map (symbols.h), or FS_NAME_FROM_DWARF */
    /* Defined functions only: */
    uint32_t    body_off;      /* file offset of the body, after its size LEB */
    uint32_t    body_size;     /* bytes, excluding the size LEB */
    uint32_t    code_off;      /* file offset of the first instruction */
    uint32_t    locals_off;    /* file offset of the local declarations vec */
    uint32_t    nlocals;       /* params + declared locals */
    uint32_t    nlocals_kind[FS_VK_COUNT];
    uint32_t    calls;         /* first index into fs_wasm_module.calls */
    uint32_t    ncalls;
    uint32_t    local_names;   /* file offset of its local-name map, or 0 */
    uint32_t    features;      /* FS_FEAT_*: constructs the body uses */
} fs_func;

/* Constructs some instrumentations cannot handle, recorded per body. */
enum {
    FS_FEAT_EH       = 1u << 0,   /* try/catch/delegate/throw/rethrow/try_table/throw_ref */
    FS_FEAT_TAIL     = 1u << 1,   /* return_call, return_call_indirect, return_call_ref */
    FS_FEAT_CALL_REF = 1u << 2,   /* call_ref, return_call_ref */
    FS_FEAT_GC       = 1u << 3,   /* any 0xFB instruction */
    FS_FEAT_EXNREF   = 1u << 4,   /* try_table, throw_ref (FS_FEAT_EH is set too) */
    FS_FEAT_STACK_SWITCH = 1u << 5, /* cont.new, cont.bind, suspend, resume, resume_throw,
                                     * resume_throw_ref, switch */
    FS_FEAT_MEM_ORDER = 1u << 6,  /* an atomic with an explicit memory order (acquire/release) */
    FS_FEAT_XREF     = 1u << 7    /* an immediate names an exact or shared heap type */
};

/* Type-system extensions a module uses outside function bodies
 * (fs_wasm_module.ext_types).  FS_XT_EXACT and FS_XT_SHARED: a value type
 * with an exact or shared heap type (in a type, global, table, local or
 * constant expression), the ones that change how a value type is
 * spelled; FS_XT_DESC: a describes/descriptor clause; FS_XT_SHARED_COMP:
 * a shared composite type; FS_XT_EXACT_IMPORT: a function imported at
 * its exact type. */
enum {
    FS_XT_EXACT  = 1u << 0,
    FS_XT_SHARED = 1u << 1,
    FS_XT_DESC   = 1u << 2,
    FS_XT_SHARED_COMP = 1u << 3,
    FS_XT_EXACT_IMPORT = 1u << 4
};

/* The FS_XT_* bits a heap type's FS_HT_* flags stand for. */
static inline unsigned fs_xt_of_hflags(unsigned hflags)
{
    return (hflags & FS_HT_EXACT ? FS_XT_EXACT : 0u) | (hflags & FS_HT_SHARED ? FS_XT_SHARED : 0u);
}

typedef struct fs_section {
    uint8_t     id;
    uint32_t    offset;        /* file offset of the payload */
    uint32_t    size;          /* payload bytes */
    const char *name;          /* custom sections only */
    uint32_t    name_len;
} fs_section;

typedef struct fs_global {
    fs_valtype type;
    uint8_t    mutable_;
} fs_global;

typedef struct fs_table {
    fs_valtype elem;
    uint8_t    is64;
    uint8_t    imported;
} fs_table;

typedef struct fs_wasm_module {
    const char    *path;
    const uint8_t *bytes;       /* the whole file, mapped read-only */
    size_t         size;
    int            mapped;      /* bytes came from mmap (else malloc) */

    fs_section    *sections;    uint32_t nsections;
    fs_type       *types;       uint32_t ntypes;
    fs_valtype    *valtypes;    uint32_t nvaltypes;
    fs_import     *imports;     uint32_t nimports;
    fs_export     *exports;     uint32_t nexports;
    fs_func       *funcs;       uint32_t nfuncs;   /* imports + defined */
    uint32_t       nfunc_imports;
    fs_table      *tables;      uint32_t ntables;
    uint32_t       nmemories;
    uint8_t       *memory64;    /* per memory: 1 when indexed by i64 */
    uint32_t       nglobals;
    fs_global     *globals;     /* per global (imports first) */
    uint32_t       nglobal_types, globals_cap;
    uint32_t       ntags;
    uint32_t      *tag_types;   /* per tag (imports first): its function type */
    uint32_t       nstrings;    /* string literals (stringref's section 14) */
    uint32_t       tags_cap;
    uint32_t       start;       /* start function, or UINT32_MAX */
    int            table_shared; /* a table is imported or exported */
    unsigned       ext_types;   /* FS_XT_*: set while reading, outside the bodies */
    int            has_data_count, has_data;
    uint32_t       data_count, data_count_off;
    uint32_t       first_data_use;  /* offset of the first data index in code, or UINT32_MAX */

    fs_call       *calls;       uint32_t ncalls;  uint32_t calls_cap;

    uint32_t       code_section;  /* index into sections, or UINT32_MAX */
    const char    *module_name;   uint32_t module_name_len;
    int            has_names;     /* a usable "name" section was found */
    char           name_warning[320]; /* why names were ignored, if they were */

    uint32_t       const_ref_flags; /* extra flags ref.func sets in the current constant expression */
    void          *scratch[3];    /* decoder temporaries, freed by fs_wasm_free */
    uint64_t       op_counts[FS_OP_COUNT];       /* in function bodies, per opcode */
    uint64_t       const_op_counts[FS_OP_COUNT]; /* in constant expressions */
    uint64_t       byte_counts[256];  /* decoder fast path, folded into op_counts */
    uint64_t       ninstructions;                /* in function bodies */
    uint64_t       nconst_instructions;
} fs_wasm_module;

/* Maps PATH and decodes it.  On failure returns a status, fills err, and
 * leaves *m safe to pass to fs_wasm_free. */
int  fs_wasm_load(fs_wasm_module *m, const char *path, fs_error *err);

/* The two halves of fs_wasm_load: map the file, then decode it (so a
 * caller can start other work on the bytes in between). */
int  fs_wasm_map(fs_wasm_module *m, const char *path, fs_error *err);
int  fs_wasm_decode_loaded(fs_wasm_module *m, fs_error *err);

/* Decodes an in-memory image (not copied; must outlive m). */
int  fs_wasm_decode(fs_wasm_module *m, const uint8_t *bytes, size_t size,
                    const char *path, fs_error *err);

void fs_wasm_free(fs_wasm_module *m);

static inline uint32_t fs_wasm_ndefined(const fs_wasm_module *m)
{
    return m->nfuncs - m->nfunc_imports;
}

/* Writes "module.field" of a function import into buf (truncated to cap). */
void fs_wasm_import_name(const fs_wasm_module *m, uint32_t func, char *buf, size_t cap);

/* How every output shows a function: NAME (LEN bytes, not NUL-terminated)
 * when it has one, else "func[INDEX]".  Written to BUF (truncated to CAP,
 * which must be at least 1); returns BUF.  The one place that spells the
 * unnamed form, so that lists, reports and diffs agree on it. */
const char *fs_func_display_name(const char *name, size_t len, uint32_t index, char *buf,
                                 size_t cap);

/* Iso-recursive type equality with declared subtyping: may a function of
 * type SUB be called through a reference or table slot of type SUPER? */
int  fs_wasm_type_matches(const fs_wasm_module *m, uint32_t sub, uint32_t super);

/* Kind of a value type (i32 ... v128, or ref).  Inline: forkinstr's
 * stack typer asks for every value it pushes or pops. */
static inline fs_valkind fs_wasm_valkind(fs_valtype t)
{
    switch (t.code) {
    case FS_VT_I32:  return FS_VK_I32;
    case FS_VT_I64:  return FS_VK_I64;
    case FS_VT_F32:  return FS_VK_F32;
    case FS_VT_F64:  return FS_VK_F64;
    case FS_VT_V128: return FS_VK_V128;
    default:         return FS_VK_REF;
    }
}

/* Visits the declared local runs of a defined function: (first local
 * index, count, kind), in order.  Params come first as runs of one. */
typedef void (*fs_local_run_fn)(void *ctx, uint32_t first, uint32_t count, fs_valkind kind);
void fs_wasm_local_runs(const fs_wasm_module *m, uint32_t func, fs_local_run_fn fn, void *ctx);

#endif
