/* handmade.c - a module WABT 1.0.32 cannot assemble, written byte by byte.
 *
 * It covers the GC type forms (a rec group, open and final subtypes with
 * a declared supertype, struct, array, (ref ht) and (ref null ht) value
 * types), GC instructions (struct/array, casts, br_on_cast, i31), the
 * exnref proposal's try_table with all four catch-clause kinds and
 * throw_ref, call_ref/return_call_ref, a typed table with an initializer
 * expression (the 0x40 0x00 table form), a tag section, a data count
 * section, and a plain custom section.  The truncation and mutation
 * tests then walk over it like over the WABT-built fixtures.
 *
 * No tool at hand can check it (WABT 1.0.32 and Binaryen 108 predate the
 * final GC and exnref encodings), so it is only meant to be well formed
 * in the binary format; the operand types are plausible but forksize
 * decodes, it does not validate, so nothing here depends on them.
 */
#include "mf.h"

void mf_handmade_gc(mf_buf *out)
{
    mf_buf s = { 0 };
    mf_header(out);

    /* Type section: 5 entries, 6 types (the rec group is one entry). */
    MF_PUT(&s, 0x05,
           0x4E, 0x02,                    /* rec group of 2 types */
           0x50, 0x00,                    /*   type 0: sub (open), no supertype */
           0x5F, 0x01, 0x7F, 0x01,        /*     struct { (mut i32) } */
           0x50, 0x01, 0x00,              /*   type 1: sub of type 0 */
           0x5F, 0x02, 0x7F, 0x01,        /*     struct { (mut i32), */
           0x7E, 0x00,                    /*              i64 } */
           0x5E, 0x78, 0x01,              /* type 2: array (mut i8) */
           0x60, 0x01, 0x64, 0x00,        /* type 3: func (param (ref 0)) */
           0x01, 0x63, 0x01,              /*         (result (ref null 1)) */
           0x4F, 0x00, 0x60, 0x00, 0x00,  /* type 4: sub final, func [] -> [] */
           0x60, 0x00, 0x01, 0x7F);       /* type 5: func [] -> [i32] */
    mf_section(out, 1, &s);
    s.n = 0;

    /* Function section: three functions of types 3, 5 and 4. */
    MF_PUT(&s, 0x03, 0x03, 0x05, 0x04);
    mf_section(out, 3, &s);
    s.n = 0;

    /* Table section: one table in the initializer form. */
    MF_PUT(&s, 0x01,
           0x40, 0x00,                    /* table with an init expression */
           0x63, 0x04,                    /* (ref null 4) */
           0x00, 0x01,                    /* limits: min 1, no max */
           0xD0, 0x04, 0x0B);             /* ref.null 4; end */
    mf_section(out, 4, &s);
    s.n = 0;

    /* Memory section: one memory, min 1. */
    MF_PUT(&s, 0x01, 0x00, 0x01);
    mf_section(out, 5, &s);
    s.n = 0;

    /* Tag section (id 13, ordered between memory and global). */
    MF_PUT(&s, 0x01, 0x00, 0x04);         /* one tag: attribute 0, type 4 */
    mf_section(out, 13, &s);
    s.n = 0;

    /* Global section: two immutable GC globals. */
    MF_PUT(&s, 0x02,
           0x63, 0x01, 0x00,              /* (ref null 1), immutable */
           0xD0, 0x01, 0x0B,              /*   ref.null 1; end */
           0x64, 0x6C, 0x00,              /* (ref i31), immutable */
           0x41, 0x05, 0xFB, 0x1C, 0x0B); /*   i32.const 5; ref.i31; end */
    mf_section(out, 6, &s);
    s.n = 0;

    /* Export section: function 1 as "f". */
    MF_PUT(&s, 0x01, 0x01, 'f', 0x00, 0x01);
    mf_section(out, 7, &s);
    s.n = 0;

    /* Element section: declares function 2 for ref.func (flags 7, with a
     * typed reference type). */
    MF_PUT(&s, 0x01, 0x07, 0x64, 0x04, 0x01, 0xD2, 0x02, 0x0B);
    mf_section(out, 9, &s);
    s.n = 0;

    /* Data count section: one segment. */
    MF_PUT(&s, 0x01);
    mf_section(out, 12, &s);
    s.n = 0;

    /* Code section. */
    mf_buf b = { 0 };
    MF_PUT(&s, 0x03);
    /* func 0: GC instructions */
    MF_PUT(&b, 0x01, 0x01, 0x63, 0x02,    /* locals: 1 x (ref null 2) */
           0x41, 0x07,                    /* i32.const 7 */
           0xFB, 0x00, 0x00,              /* struct.new 0 */
           0xFB, 0x02, 0x00, 0x00,        /* struct.get 0 0 */
           0x41, 0x01,                    /* i32.const 1 */
           0xFB, 0x08, 0x02, 0x02,        /* array.new_fixed 2 2 */
           0x21, 0x01,                    /* local.set 1 */
           0x41, 0x00, 0x41, 0x01,        /* i32.const 0; i32.const 1 */
           0xFB, 0x09, 0x02, 0x00,        /* array.new_data 2 0 */
           0xFB, 0x0F, 0x1A,              /* array.len; drop */
           0x20, 0x00,                    /* local.get 0 */
           0xFB, 0x14, 0x6B, 0x1A,        /* ref.test (ref struct); drop */
           0x02, 0x63, 0x01,              /* block (result (ref null 1)) */
           0x20, 0x00,                    /*   local.get 0 */
           0xFB, 0x18,                    /*   br_on_cast */
           0x02, 0x00,                    /*     flags (target nullable), label 0 */
           0x00, 0x01,                    /*     heap types 0 -> 1 */
           0xFB, 0x17, 0x01,              /*   ref.cast (ref null 1) */
           0x0B,                          /* end block */
           0x0B);                         /* end */
    mf_body(&s, &b);
    b.n = 0;
    /* func 1: try_table with every catch-clause kind, call_ref */
    MF_PUT(&b, 0x00,                      /* no locals */
           0x02, 0x7F,                    /* block (result i32) */
           0x1F, 0x40,                    /*   try_table (no result) */
           0x04,                          /*     4 catch clauses: */
           0x00, 0x00, 0x00,              /*     catch tag 0 -> label 0 */
           0x01, 0x00, 0x00,              /*     catch_ref tag 0 -> label 0 */
           0x02, 0x00,                    /*     catch_all -> label 0 */
           0x03, 0x00,                    /*     catch_all_ref -> label 0 */
           0x10, 0x02,                    /*   call 2 */
           0x08, 0x00,                    /*   throw 0 */
           0x0B,                          /*   end try_table */
           0x41, 0x00,                    /*   i32.const 0 */
           0x0B,                          /* end block */
           0xD0, 0x69, 0x0A,              /* ref.null exn; throw_ref */
           0xD2, 0x02,                    /* ref.func 2 */
           0x14, 0x04,                    /* call_ref 4 */
           0x0B);                         /* end */
    mf_body(&s, &b);
    b.n = 0;
    /* func 2: a tail call through a reference */
    MF_PUT(&b, 0x00,
           0xD2, 0x02,                    /* ref.func 2 */
           0x15, 0x04,                    /* return_call_ref 4 */
           0x0B);
    mf_body(&s, &b);
    mf_section(out, 10, &s);
    s.n = 0;

    /* Data section: one passive segment "a". */
    MF_PUT(&s, 0x01, 0x01, 0x01, 'a');
    mf_section(out, 11, &s);
    s.n = 0;

    /* A custom section that is not "name". */
    MF_PUT(&s, 0x04, 'n', 'o', 't', 'e', 0x2A, 0x2A);
    mf_section(out, 0, &s);

    mf_buf_free(&b);
    mf_buf_free(&s);
}

/* What the decoder must have read from the module above, known from the
 * bytes as written: proof that they parse as intended, not merely that
 * some reading of them is well formed. */
void mf_handmade_check(void)
{
    mf_buf b = { 0 };
    mf_handmade_gc(&b);
    fs_wasm_module m;
    fs_error err;
    int st = fs_wasm_decode(&m, b.b, b.n, "handmade-gc", &err);
    if (!mf_check(st == FS_OK, "handmade-gc structure", "decode failed at 0x%llx: %s",
                  (unsigned long long)err.offset, err.msg)) {
        fs_wasm_free(&m);
        mf_buf_free(&b);
        return;
    }
    const fs_type *t = m.types;
    mf_check(m.ntypes == 6, "handmade-gc types", "%u types, expected 6", m.ntypes);
    if (m.ntypes == 6) {
        mf_check(t[0].kind == FS_COMP_STRUCT && t[1].kind == FS_COMP_STRUCT &&
                 t[2].kind == FS_COMP_ARRAY && t[3].kind == FS_COMP_FUNC &&
                 t[4].kind == FS_COMP_FUNC && t[5].kind == FS_COMP_FUNC,
                 "handmade-gc type kinds", "struct, struct, array, func x3 expected");
        mf_check(t[0].rec_start == 0 && t[1].rec_start == 0 && t[2].rec_start == 2 &&
                 t[5].rec_start == 5, "handmade-gc rec groups", "types 0-1 are one group");
        mf_check(t[1].super == 0 && t[0].super == UINT32_MAX && !t[0].final && !t[1].final &&
                 t[4].final && t[5].final, "handmade-gc subtypes",
                 "type 1 <: type 0, both open; type 4 declared final");
        mf_check(t[3].nparams == 1 && t[3].nresults == 1 &&
                 m.valtypes[t[3].params].code == 0x64 && m.valtypes[t[3].params].heap == 0 &&
                 m.valtypes[t[3].params + 1].code == 0x63 &&
                 m.valtypes[t[3].params + 1].heap == 1,
                 "handmade-gc type 3", "expected (param (ref 0)) (result (ref null 1))");
        mf_check(fs_wasm_type_matches(&m, 1, 0) && !fs_wasm_type_matches(&m, 0, 1),
                 "handmade-gc subtyping", "type 1 must match type 0, not the reverse");
    }
    mf_check(m.nfuncs == 3 && m.nfunc_imports == 0 && m.ntables == 1 && m.nmemories == 1 &&
             m.ntags == 1 && m.nglobals == 2 && m.nexports == 1 && m.nsections == 12,
             "handmade-gc counts", "funcs %u tables %u memories %u tags %u globals %u "
             "exports %u sections %u", m.nfuncs, m.ntables, m.nmemories, m.ntags, m.nglobals,
             m.nexports, m.nsections);
    if (m.ntables == 1)
        mf_check(m.tables[0].elem.code == 0x63 && m.tables[0].elem.heap == 4,
                 "handmade-gc table", "expected a (ref null 4) table");
    if (m.nfuncs == 3) {
        mf_check(m.funcs[0].nlocals == 2 && m.funcs[0].nlocals_kind[FS_VK_REF] == 2,
                 "handmade-gc locals", "function 0: a ref param and a ref local");
        mf_check((m.funcs[1].flags & FS_FUNC_EXPORTED) &&
                 (m.funcs[2].flags & FS_FUNC_REF_FUNC), "handmade-gc flags",
                 "function 1 exported, function 2 named by ref.func");
        mf_check(m.funcs[0].ncalls == 0 && m.funcs[1].ncalls == 2 && m.funcs[2].ncalls == 1,
                 "handmade-gc call sites", "0, 2 and 1 call sites expected");
    }
    if (m.ncalls == 3)
        mf_check(m.calls[0].kind == FS_CALL_DIRECT && m.calls[0].target == 2 &&
                 m.calls[1].kind == FS_CALL_REF && m.calls[1].target == 4 &&
                 m.calls[2].kind == FS_CALL_TAIL_REF && m.calls[2].target == 4,
                 "handmade-gc calls", "call 2; call_ref 4; return_call_ref 4 expected");
    else
        mf_check(0, "handmade-gc calls", "%u call sites, expected 3", m.ncalls);
    fs_wasm_free(&m);
    mf_buf_free(&b);
}
