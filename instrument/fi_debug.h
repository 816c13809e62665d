/* fi_debug.h - debug sections of a written module (instrument/ only):
 * the address map the emitter records, and what becomes of each debug
 * custom section (fi_debug.c), .debug_line rewritten (fi_dline.c). */
#ifndef FS_FI_DEBUG_H
#define FS_FI_DEBUG_H

#include "fi_int.h"

/* Where the input's code went.  Offsets count from the start of the code
 * section's payload (the origin DWARF for wasm uses), in the input (orig)
 * and in the output (out).  One run: LEN bytes of original instructions
 * copied unchanged from ORIG to OUT.  Runs are sorted by orig and do not
 * overlap; every instruction of the input lies inside one run (a function
 * copied whole is one run).  Bytes forkinstr added belong to no run. */
typedef struct fi_run {
    uint32_t orig, out, len;
} fi_run;

typedef struct fi_amap {
    fi_run   *runs;   size_t nruns, cap;
    /* per defined function, in index order: its body (size LEB excluded)
     * in the input and in the output, as code-section offsets */
    uint32_t *fbeg, *fend, *obeg, *oend;   uint32_t nfuncs;   /* one allocation */
} fi_amap;

/* From the runs the emitter recorded per function (FRUNS, by function
 * index) and the output code section payload CODE. */
int  fi_amap_build(fi_amap *a, const fs_wasm_module *m, const fi_fruns *fruns,
                   const fi_buf *code);
void fi_amap_free(fi_amap *a);
/* The output offset of input offset ORIG: inside a run, the same byte;
 * FI_NONE when ORIG lies in no run. */
uint32_t fi_amap_lookup(const fi_amap *a, uint32_t orig);
/* The first run that starts after ORIG, or FI_NONE. */
uint32_t fi_amap_next(const fi_amap *a, uint32_t orig);
/* The defined function (0-based among defined functions) whose input
 * body holds ORIG, or FI_NONE; END also accepts its end offset. */
uint32_t fi_amap_func(const fi_amap *a, uint32_t orig, int end);

enum { FI_DSEC_COPY, FI_DSEC_DROP, FI_DSEC_REWRITE };

typedef struct fi_debug {
    fs_fi_debug_mode mode;
    struct fi_dsec { uint8_t act; fi_buf payload; } *sec;   /* per section; NULL: copy all */
} fi_debug;

/* Decides the fate of every debug section of M (notes into r->debug) and
 * builds the rewritten payloads, from AMAP (NULL: nothing is rewritten). */
int  fi_debug_prepare(fi_debug *d, const fs_wasm_module *m, fs_fi_debug_mode mode,
                      const fi_amap *amap, fs_fi_result *r);
void fi_debug_free(fi_debug *d, uint32_t nsections);
/* A little-endian unsigned of N bytes (1 to 8) at P, read or written:
 * DWARF's fixed-size fields, for the rewriters (fi_dinfo.c, fi_dlists.c). */
static inline uint64_t fi_le_get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline void fi_le_set(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends a note on the custom section NAME to r->debug. */
int  fi_debug_note(fs_fi_result *r, const char *name, uint32_t name_len,
                   fs_fi_debug_action act, const char *why);

/* Where each line table went: its old and new offset in .debug_line,
 * ascending (DW_AT_stmt_list is mapped through it). */
typedef struct fi_dline_offs {
    uint32_t *old, *now;   size_t n, cap;
} fi_dline_offs;

/* fi_dline.c: the .debug_line payload SEC (SIZE bytes, at file offset
 * FILE_OFF, for messages) rewritten through AMAP into OUT.  FS_OK with a
 * summary in WHY and the highest line-table version in *VERSION (from 5
 * on, a header may name strings in .debug_str); FS_ERR_UNSUPPORTED or
 * FS_ERR_MALFORMED with the reason (and the offset) in WHY; FS_ERR_NOMEM. */
int  fi_dline_rewrite(const uint8_t *sec, uint32_t size, uint32_t file_off,
                      const fi_amap *amap, fi_buf *out, unsigned *version,
                      fi_dline_offs *offs, char *why, size_t why_size);

/* The new address of code address A (fi_dinfo.c): a pure function of A,
 * so every user of one address (a shared .debug_addr entry) agrees. */
uint64_t fi_dinfo_map(const fi_amap *a, uint64_t addr);

/* fi_dlists.c: DWARF 5 lists.  Per compile unit, what its lists' entries
 * need: the unit's base address (its low_pc, input value) and its
 * .debug_addr contribution. */
typedef struct fi_dlcu {
    uint64_t base, addr_base;
    unsigned asz;
    int      has_base, has_addr_base;
} fi_dlcu;

/* .debug_addr: the input (IN) and its copy patched in place (OUT). */
typedef struct fi_daddr {
    const uint8_t *in;  uint8_t *out;  uint32_t size;  uint64_t file_off;
} fi_daddr;

/* One list section (LOC: .debug_loclists, else .debug_rnglists): the
 * input, the lists DIEs name (offset << 32 | unit), and, once rewritten
 * into OUT, where each old entry went. */
typedef struct fi_dlsec {
    const uint8_t *in;  uint32_t size;  uint64_t file_off;  int loc;
    fi_buf   *out;
    uint64_t *refs;  size_t nrefs, rcap;
    uint32_t *old, *now;  size_t n, cap;
} fi_dlsec;

int      fi_dl_ref(fi_dlsec *s, uint32_t off, uint32_t cu);
/* Rewrites S into S->out (every list of every unit), patching the
 * .debug_addr entries its entries index.  FS_OK, FS_ERR_MALFORMED or
 * FS_ERR_UNSUPPORTED (ERR: the reason and file offset), FS_ERR_NOMEM. */
int      fi_dl_rewrite(fi_dlsec *s, const fi_amap *a, const fi_dlcu *cus, uint32_t ncus,
                       const fi_daddr *addr, fs_error *err);
/* The new offset of the entry (or unit base) at OLD, or FI_NONE. */
uint32_t fi_dl_map(const fi_dlsec *s, uint32_t old);
void     fi_dl_free(fi_dlsec *s);

/* fi_dinfo.c: the sections of a .debug_info family (NULL: the module
 * lacks it), each with its payload's file offset for messages: copies
 * patched in place, and for DWARF 5's lists the input and a new payload. */
typedef struct fi_dinfo {
    uint8_t       *info;     uint32_t info_size;     uint64_t info_base;
    const uint8_t *abbrev;   uint32_t abbrev_size;
    uint8_t       *ranges;   uint32_t ranges_size;   uint64_t ranges_base;
    uint8_t       *loc;      uint32_t loc_size;      uint64_t loc_base;
    uint8_t       *aranges;  uint32_t aranges_size;  uint64_t aranges_base;
    fi_daddr       addr;                              /* .debug_addr */
    const uint8_t *rnglists; uint32_t rnglists_size; uint64_t rnglists_base;
    const uint8_t *loclists; uint32_t loclists_size; uint64_t loclists_base;
    fi_buf        *rnglists_out, *loclists_out;       /* re-encoded */
} fi_dinfo;

/* Every code address in IO's sections mapped through AMAP, and each
 * DW_AT_stmt_list through LINES (NULL: the module has no .debug_line, so
 * stmt_list names nothing and stays).  FS_OK with a summary in WHY; else
 * FS_ERR_UNSUPPORTED / FS_ERR_MALFORMED with the reason and offset in WHY
 * (the copies are then half patched: drop them), or FS_ERR_NOMEM. */
int  fi_dinfo_rewrite(fi_dinfo *io, const fi_amap *amap, const fi_dline_offs *lines,
                      char *why, size_t why_size);

#endif
