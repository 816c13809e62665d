/* srcmap.h - Source Map v3 files of a wasm module (docs/instrumentation.md,
 * "Source maps"): read and checked, mapped through forkinstr's address
 * map for `forksize instrument --source-map-out`, and asked which source a
 * function comes from for --group-by file|dir without DWARF.
 *
 * A wasm source map has one generated line, and a segment's generated
 * column is a byte offset in the whole module file (as Binaryen and
 * Emscripten write them), not in the code section. */
#ifndef FS_SRCMAP_H
#define FS_SRCMAP_H

#include <stddef.h>
#include <stdint.h>

#include "dwarf_info.h"
#include "forkinstr.h"
#include "wasm.h"

typedef struct fs_srcmap_seg {
    uint32_t col;                  /* generated column: a file offset */
    uint32_t nf;                   /* fields: 1 (no source here), 4 or 5 (a name) */
    uint32_t src, line, scol, name;   /* absolute, valid up to nf */
} fs_srcmap_seg;

typedef struct fs_srcmap {
    struct cJSON  *json;           /* the whole file: every other key is kept */
    fs_srcmap_seg *seg;   size_t nseg;   /* in the order of "mappings" */
    uint32_t       nsources, nnames;
} fs_srcmap;

/* Parses TEXT (LEN bytes).  FS_ERR_MALFORMED with the position in the
 * message: a byte offset of the JSON (err->offset, has_offset) or the
 * index of the character in "mappings"; FS_ERR_NOMEM.  Memory is bounded
 * by LEN: every segment takes at least one character. */
int  fs_srcmap_parse(fs_srcmap *sm, const char *text, size_t len, fs_error *err);
void fs_srcmap_free(fs_srcmap *sm);

/* What fs_srcmap_instrumented did with the segments. */
typedef struct fs_srcmap_counts {
    uint64_t in, out;
    uint64_t same;       /* on the same byte of the same instruction */
    uint64_t near;       /* in bytes forkinstr rewrote: see FS_FI_AT_NEAR */
    uint64_t dropped;    /* in no function body (outside the code, or a size LEB) */
} fs_srcmap_counts;

/* SM (the map of module M) mapped through R's address map onto the
 * output module OUT (OUT_SIZE bytes, r->out or a copy with another
 * sourceMappingURL): the new file's text in *TEXT (free with
 * fs_srcmap_text_free), every key but "mappings" as it was.  Segments
 * leave in order of their new column. */
int  fs_srcmap_instrumented(fs_srcmap *sm, const fs_wasm_module *m, const fs_fi_result *r,
                            const uint8_t *out, size_t out_size, char **text,
                            fs_srcmap_counts *c, fs_error *err);
void fs_srcmap_text_free(char *text);

/* Per function of M (by index, m->nfuncs entries): the source index of
 * the segment with a source at the lowest column inside its body (the
 * local declarations and instructions), or UINT32_MAX. */
int  fs_srcmap_func_sources(const fs_srcmap *sm, const fs_wasm_module *m, uint32_t *src);
/* The name of source SRC ("sourceRoot" not applied), or NULL when it is null. */
const char *fs_srcmap_source(const fs_srcmap *sm, uint32_t src);
/* For --group-by file|dir on a module without DWARF: D as if each source
 * were a compile unit whose file is "sourceRoot" + the source (name NULL,
 * so it says nothing about cu), each function in the unit of its source
 * (fs_srcmap_func_sources); a function with none, or a null source, in no
 * unit.  D->present stays 0: no DWARF was read.  FS_OK or FS_ERR_NOMEM. */
int fs_srcmap_dwarf(const fs_srcmap *sm, const fs_wasm_module *m, fs_dwarf_info *d);

/* MOD (SIZE bytes) with every sourceMappingURL custom section removed and
 * one naming URL appended, in *OUT (malloc'd). */
int  fs_srcmap_set_url(const uint8_t *mod, size_t size, const char *url, uint8_t **out,
                       size_t *out_size, fs_error *err);

#endif
