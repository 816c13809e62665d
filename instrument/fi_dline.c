/* fi_dline.c - .debug_line rewritten through forkinstr's address map.
 *
 * Each unit keeps its header byte for byte (the file and directory tables
 * hold no code address) and gets a new program.  The input's rows are
 * read by analyzer/dwarf_line.c, one sequence at a time; every row whose
 * address is an original instruction (or a function's first byte) is
 * written at that instruction's new address, and a sequence is cut where
 * its rows cross into another function, each piece ending exactly at its
 * function's new end.  So:
 *
 *   - every original row keeps its file, line, column and flags, inside
 *     the same function;
 *   - instrumentation bytes get no row of their own: a row covers the
 *     addresses up to the next row, so the bytes forkinstr inserted belong
 *     to the original instruction before them (the prologue to the
 *     function's opening row, an unwind check to the call it follows, the
 *     epilogue to the function's last row);
 *   - a row at an address in no function (a sequence of code the linker
 *     discarded, given a tombstone address) or inside no original
 *     instruction is left out, and counted in the summary.
 *
 * The program is re-encoded with DW_LNE_set_address at each sequence's
 * start, then special opcodes where they fit, else advance_line,
 * advance_pc and copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_line.h"
#include "fi_debug.h"

typedef struct rw {
    const fi_amap       *a;
    const fs_dline_unit *u;
    fi_buf              *out;
    fs_dline_row        *rows;   size_t n, cap;   /* the current sequence */
    uint8_t              addr_size;
    /* the encoder: the state machine's registers as the output has them */
    fs_dline_row         s;
    int                  open;
    uint32_t             fcur;        /* the function the open sequence is in */
    uint64_t             rows_in, rows_out, dropped, seqs;
    int                  oom;
} rw;

static void put_sleb(fi_buf *b, int64_t v)
{
    fi_put_s64(b, v);
}

static void put_uleb(fi_buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        fi_put(b, v ? byte | 0x80 : byte);
    } while (v);
}

static void state_reset(rw *w)
{
    memset(&w->s, 0, sizeof w->s);
    w->s.file = 1;
    w->s.line = 1;
    w->s.is_stmt = w->u->default_is_stmt != 0;
}

static void seq_open(rw *w, uint32_t addr, uint32_t f)
{
    unsigned asz = w->addr_size ? w->addr_size : (w->u->addr_size ? w->u->addr_size : 4);
    state_reset(w);
    fi_put(w->out, 0);
    fi_put(w->out, (uint8_t)(1 + asz));
    fi_put(w->out, 2);                          /* DW_LNE_set_address */
    for (unsigned i = 0; i < asz; i++)
        fi_put(w->out, i < 4 ? (uint8_t)(addr >> (8 * i)) : 0);
    w->s.address = addr;
    w->open = 1;
    w->fcur = f;
    w->seqs++;
}

static void seq_close(rw *w, uint32_t end)
{
    if (end > w->s.address) {
        fi_put(w->out, 2);                      /* DW_LNS_advance_pc */
        put_uleb(w->out, end - w->s.address);
    }
    fi_put(w->out, 0);
    fi_put(w->out, 1);
    fi_put(w->out, 1);                          /* DW_LNE_end_sequence */
    w->open = 0;
}

static void row_out(rw *w, const fs_dline_row *r, uint32_t addr)
{
    fi_buf *b = w->out;
    fs_dline_row *s = &w->s;
    if (r->file != s->file) {
        fi_put(b, 4);
        put_uleb(b, r->file);
    }
    if (r->column != s->column) {
        fi_put(b, 5);
        put_uleb(b, r->column);
    }
    if (r->is_stmt != s->is_stmt)
        fi_put(b, 6);
    if (r->isa != s->isa) {
        fi_put(b, 12);
        put_uleb(b, r->isa);
    }
    if (r->discriminator) {
        fi_buf tmp = { 0 };
        put_uleb(&tmp, r->discriminator);
        fi_put(b, 0);
        fi_put(b, (uint8_t)(1 + tmp.n));
        fi_put(b, 4);                           /* DW_LNE_set_discriminator */
        fi_put_bytes(b, tmp.p, tmp.n);
        if (tmp.oom)
            b->oom = 1;
        free(tmp.p);
    }
    if (r->basic_block)
        fi_put(b, 7);
    if (r->prologue_end)
        fi_put(b, 10);
    if (r->epilogue_begin)
        fi_put(b, 11);
    uint64_t da = addr - s->address;
    int64_t dl = r->line - s->line;
    const fs_dline_unit *u = w->u;
    if (dl >= u->line_base && dl < u->line_base + u->line_range &&
        da <= 255 && (uint64_t)(dl - u->line_base) + (uint64_t)u->line_range * da +
                     u->opcode_base <= 255) {
        fi_put(b, (uint8_t)((uint64_t)(dl - u->line_base) + (uint64_t)u->line_range * da +
                            u->opcode_base));
    } else {
        if (dl) {
            fi_put(b, 3);
            put_sleb(b, dl);
        }
        if (da) {
            fi_put(b, 2);
            put_uleb(b, da);
        }
        fi_put(b, 1);                           /* DW_LNS_copy */
    }
    uint32_t file = r->file, column = r->column, isa = r->isa;
    uint8_t is_stmt = r->is_stmt;
    int64_t line = r->line;
    state_reset(w);
    s->address = addr;
    s->file = file;
    s->column = column;
    s->isa = isa;
    s->is_stmt = is_stmt;
    s->line = line;
}

/* The sequence in w->rows (its last row ends it) written anew. */
static void flush(rw *w)
{
    const fi_amap *a = w->a;
    size_t n = w->n;
    for (size_t i = 0; i + 1 < n; i++) {
        const fs_dline_row *r = &w->rows[i];
        w->rows_in++;
        uint32_t f = r->address > UINT32_MAX ? FI_NONE : fi_amap_func(a, (uint32_t)r->address, 0);
        uint32_t o = FI_NONE;
        if (f != FI_NONE)
            o = r->address == a->fbeg[f] ? a->obeg[f] : fi_amap_lookup(a, (uint32_t)r->address);
        if (o == FI_NONE) {
            w->dropped++;
            continue;
        }
        if (w->open && (f != w->fcur || o < w->s.address))
            seq_close(w, w->fcur != f ? a->oend[w->fcur] : (uint32_t)w->s.address);
        if (!w->open)
            seq_open(w, o, f);
        row_out(w, r, o);
        w->rows_out++;
    }
    if (w->open) {
        /* its end: the instruction it names, if it is one in the same
         * function; else (normally) the end of the function */
        const fs_dline_row *e = &w->rows[n - 1];
        uint32_t end = a->oend[w->fcur];
        if (e->address < a->fend[w->fcur] && e->address >= a->fbeg[w->fcur]) {
            uint32_t o = fi_amap_lookup(a, (uint32_t)e->address);
            if (o != FI_NONE && o >= w->s.address)
                end = o;
        }
        seq_close(w, end);
    }
    w->n = 0;
}

static int on_row(void *ctx, const fs_dline_row *r)
{
    rw *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        fs_dline_row *v = realloc(w->rows, cap * sizeof *v);
        if (!v)
            return FS_ERR_NOMEM;
        w->rows = v;
        w->cap = cap;
    }
    w->rows[w->n++] = *r;
    if (r->end_sequence)
        flush(w);
    return w->out->oom ? FS_ERR_NOMEM : FS_OK;
}

int fi_dline_rewrite(const uint8_t *sec, uint32_t size, uint32_t file_off,
                     const fi_amap *amap, fi_buf *out, unsigned *version,
                     fi_dline_offs *offs, char *why, size_t why_size)
{
    *version = 0;
    rw w;
    memset(&w, 0, sizeof w);
    w.a = amap;
    w.out = out;
    fs_error err;
    memset(&err, 0, sizeof err);
    int st = FS_OK;
    uint64_t units = 0;
    for (uint32_t off = 0; off < size && !st; ) {
        fs_dline_unit u;
        if ((st = fs_dline_unit_read(sec, size, off, file_off, &u, &err)))
            break;
        w.u = &u;
        w.n = 0;
        if (u.version > *version)
            *version = u.version;
        w.open = 0;
        size_t len_at = out->n;
        if (offs->n == offs->cap) {
            size_t cap = offs->cap ? offs->cap * 2 : 64;
            uint32_t *o = realloc(offs->old, cap * sizeof *o);
            if (o)
                offs->old = o;
            uint32_t *nw = o ? realloc(offs->now, cap * sizeof *nw) : NULL;
            if (!o || !nw) {
                st = FS_ERR_NOMEM;
                break;
            }
            offs->now = nw;
            offs->cap = cap;
        }
        offs->old[offs->n] = off;
        offs->now[offs->n++] = (uint32_t)out->n;
        fi_put_bytes(out, "\0\0\0\0", 4);         /* unit_length, patched below */
        fi_put_bytes(out, sec + u.hdr, u.prog - u.hdr);
        st = fs_dline_unit_rows(sec, &u, file_off, on_row, &w, &w.addr_size, &err);
        if (!st && w.n) {
            fs_error_setf(&err, FS_ERR_MALFORMED, "the last sequence of a line table has no "
                          "DW_LNE_end_sequence");
            err.has_offset = 1;
            err.offset = (uint64_t)file_off + u.off;
            st = FS_ERR_MALFORMED;
        }
        if (!st && out->oom)
            st = FS_ERR_NOMEM;
        if (st)
            break;
        uint64_t len = out->n - len_at - 4;
        if (len > 0xfffffff0u) {
            fs_error_setf(&err, FS_ERR_UNSUPPORTED, "a rewritten line table outgrows 32-bit DWARF");
            st = FS_ERR_UNSUPPORTED;
            break;
        }
        for (int i = 0; i < 4; i++)
            out->p[len_at + (size_t)i] = (uint8_t)(len >> (8 * i));
        off = u.end;
        units++;
    }
    free(w.rows);
    if (st == FS_ERR_NOMEM)
        return st;
    if (st) {
        char where[40] = "";
        if (err.has_offset)
            snprintf(where, sizeof where, " at file offset 0x%llx",
                     (unsigned long long)err.offset);
        snprintf(why, why_size, "dropped: %s%s: %.120s",
                 st == FS_ERR_MALFORMED ? "malformed" : "forksize cannot rewrite it", where,
                 err.msg);
        return st;
    }
    snprintf(why, why_size,
             "rewritten: %llu line tables, %llu sequences, %llu of %llu rows mapped to the "
             "instrumented code%s",
             (unsigned long long)units, (unsigned long long)w.seqs,
             (unsigned long long)w.rows_out, (unsigned long long)w.rows_in,
             w.dropped ? " (the others lie in no function or in no original instruction)" : "");
    return FS_OK;
}
