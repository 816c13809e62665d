/* dwarf_line.c - the .debug_line reader (see dwarf_line.h).
 *
 * The state machine follows DWARF 5, section 6.2, restricted to what a
 * wasm module can hold: one operation per instruction (max_ops == 1, so
 * op_index is always 0), 32-bit unit lengths, and addresses of 4 or 8
 * bytes.  Opcode lengths of the standard opcodes must be the standard
 * ones: a producer that redefines them would need opcodes this reader
 * cannot interpret safely.
 */
#include <string.h>

#include "dwarf_line.h"

typedef struct cur {
    const uint8_t *p;
    uint32_t pos, end;
    uint64_t base;        /* the section's file offset */
    fs_error *err;
    int st;               /* first failure */
} cur;

static int failv(cur *c, int code, uint32_t at, const char *what)
{
    if (!c->st) {
        fs_error_setf(c->err, code, "%s", what);
        c->err->has_offset = 1;
        c->err->offset = c->base + at;
        c->st = code;
    }
    return code;
}

static uint64_t rd(cur *c, unsigned n)
{
    if (c->st)
        return 0;
    if (n > c->end - c->pos) {
        failv(c, FS_ERR_MALFORMED, c->pos, "line table runs past its end");
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)c->p[c->pos + i] << (8 * i);
    c->pos += n;
    return v;
}

static uint64_t uleb(cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint32_t at = c->pos;
    while (!c->st) {
        if (c->pos >= c->end) {
            failv(c, FS_ERR_MALFORMED, at, "LEB128 runs past the line table's end");
            return 0;
        }
        uint8_t b = c->p[c->pos++];
        if (shift < 64)
            v |= (uint64_t)(b & 0x7F) << shift;
        else if (b & 0x7F)
            failv(c, FS_ERR_MALFORMED, at, "LEB128 too large");
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    return v;
}

static int64_t sleb(cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    uint32_t at = c->pos;
    while (!c->st) {
        if (c->pos >= c->end) {
            failv(c, FS_ERR_MALFORMED, at, "LEB128 runs past the line table's end");
            return 0;
        }
        b = c->p[c->pos++];
        if (shift < 64)
            v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

/* Argument counts of standard opcodes 1..12 (DW_LNS_copy .. set_isa). */
static const uint8_t std_len[13] = { 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1 };

int fs_dline_unit_read(const uint8_t *sec, uint32_t size, uint32_t off, uint64_t base,
                       fs_dline_unit *u, fs_error *err)
{
    memset(u, 0, sizeof *u);
    cur c = { sec, off, size, base, err, 0 };
    u->off = off;
    uint64_t len = rd(&c, 4);
    if (c.st)
        return c.st;
    if (len >= 0xfffffff0u)
        return failv(&c, FS_ERR_UNSUPPORTED, off, "64-bit DWARF line tables are not supported");
    if (len > size - c.pos)
        return failv(&c, FS_ERR_MALFORMED, off, "line table's unit_length runs past the section");
    c.end = c.pos + (uint32_t)len;
    u->end = c.end;
    u->hdr = c.pos;
    u->version = (uint16_t)rd(&c, 2);
    if (!c.st && (u->version < 2 || u->version > 5))
        return failv(&c, FS_ERR_UNSUPPORTED, u->hdr,
                     "line table version not supported (only 2 to 5)");
    if (u->version >= 5) {
        u->addr_size = (uint8_t)rd(&c, 1);
        uint8_t seg = (uint8_t)rd(&c, 1);
        if (!c.st && ((u->addr_size != 4 && u->addr_size != 8) || seg))
            return failv(&c, FS_ERR_UNSUPPORTED, c.pos - 2,
                         "line table address size is not 4 or 8, or it uses segments");
    }
    uint64_t hlen = rd(&c, 4);
    if (c.st)
        return c.st;
    if (hlen > c.end - c.pos)
        return failv(&c, FS_ERR_MALFORMED, c.pos - 4, "line table's header_length runs past it");
    u->prog = c.pos + (uint32_t)hlen;
    u->min_inst = (uint8_t)rd(&c, 1);
    uint8_t max_ops = u->version >= 4 ? (uint8_t)rd(&c, 1) : 1;
    u->default_is_stmt = (uint8_t)rd(&c, 1);
    u->line_base = (int8_t)rd(&c, 1);
    u->line_range = (uint8_t)rd(&c, 1);
    u->opcode_base = (uint8_t)rd(&c, 1);
    if (c.st)
        return c.st;
    if (c.pos > u->prog)
        return failv(&c, FS_ERR_MALFORMED, c.pos, "line table header longer than header_length");
    if (max_ops != 1 || u->min_inst != 1)
        return failv(&c, FS_ERR_UNSUPPORTED, u->hdr,
                     "line table with max_ops_per_inst or min_inst_length other than 1");
    if (!u->line_range || !u->opcode_base)
        return failv(&c, FS_ERR_MALFORMED, c.pos - 2, "line table with line_range or opcode_base 0");
    for (unsigned op = 1; op < u->opcode_base; op++) {
        uint8_t n = (uint8_t)rd(&c, 1);
        if (c.st)
            return c.st;
        if (c.pos > u->prog)
            return failv(&c, FS_ERR_MALFORMED, c.pos - 1, "line table header longer than header_length");
        if (op < 13 && n != std_len[op])
            return failv(&c, FS_ERR_UNSUPPORTED, c.pos - 1,
                         "line table redefines a standard opcode's length");
    }
    return FS_OK;
}

static void reset(fs_dline_row *r, const fs_dline_unit *u)
{
    memset(r, 0, sizeof *r);
    r->file = 1;
    r->line = 1;
    r->is_stmt = u->default_is_stmt != 0;
}

int fs_dline_unit_rows(const uint8_t *sec, const fs_dline_unit *u, uint64_t base,
                       fs_dline_row_fn fn, void *ctx, uint8_t *addr_size, fs_error *err)
{
    cur c = { sec, u->prog, u->end, base, err, 0 };
    fs_dline_row r;
    reset(&r, u);
    *addr_size = 0;
    int adj_range = (255 - u->opcode_base) / u->line_range;
    while (c.pos < c.end && !c.st) {
        uint32_t at = c.pos;
        uint8_t op = (uint8_t)rd(&c, 1);
        int emit = 0;
        if (op >= u->opcode_base) {                         /* special */
            int adj = op - u->opcode_base;
            r.address += (uint64_t)(adj / u->line_range);
            r.line += u->line_base + adj % u->line_range;
            emit = 1;
        } else if (op == 0) {                               /* extended */
            uint64_t len = uleb(&c);
            if (c.st)
                break;
            if (!len || len > c.end - c.pos)
                return failv(&c, FS_ERR_MALFORMED, at, "extended line opcode runs past the table");
            uint32_t next = c.pos + (uint32_t)len;
            uint8_t sub = (uint8_t)rd(&c, 1);
            switch (sub) {
            case 1:                                         /* DW_LNE_end_sequence */
                r.end_sequence = 1;
                emit = 1;
                break;
            case 2:                                         /* DW_LNE_set_address */
                if (len - 1 != 4 && len - 1 != 8)
                    return failv(&c, FS_ERR_UNSUPPORTED, at,
                                 "DW_LNE_set_address with an address of neither 4 nor 8 bytes");
                if (*addr_size && *addr_size != len - 1)
                    return failv(&c, FS_ERR_MALFORMED, at,
                                 "DW_LNE_set_address sizes differ within one line table");
                *addr_size = (uint8_t)(len - 1);
                r.address = rd(&c, (unsigned)(len - 1));
                break;
            case 4:                                         /* DW_LNE_set_discriminator */
                r.discriminator = (uint32_t)uleb(&c);
                break;
            default:   /* define_file (v2-4) or a vendor's: their meaning is unknown here */
                return failv(&c, FS_ERR_UNSUPPORTED, at, "line table uses an extended opcode "
                             "forksize does not rewrite (DW_LNE_define_file or a vendor's)");
            }
            if (!c.st && c.pos != next)
                return failv(&c, FS_ERR_MALFORMED, at, "extended line opcode's length is wrong");
        } else {
            switch (op) {
            case 1: emit = 1; break;                         /* copy */
            case 2: r.address += uleb(&c); break;            /* advance_pc */
            case 3: r.line += sleb(&c); break;               /* advance_line */
            case 4: r.file = (uint32_t)uleb(&c); break;      /* set_file */
            case 5: r.column = (uint32_t)uleb(&c); break;    /* set_column */
            case 6: r.is_stmt = !r.is_stmt; break;           /* negate_stmt */
            case 7: r.basic_block = 1; break;                /* set_basic_block */
            case 8: r.address += (uint64_t)adj_range; break; /* const_add_pc */
            case 9: r.address += rd(&c, 2); break;           /* fixed_advance_pc */
            case 10: r.prologue_end = 1; break;
            case 11: r.epilogue_begin = 1; break;
            case 12: r.isa = (uint32_t)uleb(&c); break;
            default:
                return failv(&c, FS_ERR_UNSUPPORTED, at,
                             "line table uses a standard opcode beyond DWARF 5's");
            }
        }
        if (c.st)
            break;
        if (emit) {
            int st = fn(ctx, &r);
            if (st)
                return st;
            if (r.end_sequence) {
                reset(&r, u);
            } else {
                r.discriminator = 0;
                r.basic_block = r.prologue_end = r.epilogue_begin = 0;
            }
        }
    }
    return c.st;
}
