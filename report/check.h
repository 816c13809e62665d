/* check.h - forksize check: which instrumenter can handle which function,
 * said before anyone instruments (report layer).
 *
 * Teams learn what Binaryen's Asyncify cannot instrument from its aborts,
 * one construct at a time, after minutes of work on a large module.  This
 * says it up front, for every instrumenter at once:
 *   forkinstr     from its dry run: each closure function it refuses (left
 *                 unchanged, with trap guards: a fork through it traps) and
 *                 a refusal of the whole module.  [exact (dry run)]
 *   Asyncify N    from the rules below, read off Binaryen's Asyncify.cpp at
 *                 versions 108 and 132, checked against both on fixtures.
 *                 [predicted]: Binaryen is not run.
 *
 * The rules (fs_check_asyncify_func/_module; the --apply asyncify precheck
 * uses the same ones, so the two never disagree):
 *   every version  a return_call or return_call_indirect anywhere in the
 *                  module aborts ("tail calls not yet supported"): Asyncify
 *                  scans every function, in the closure or not;
 *                  a reference-typed local in an instrumented function
 *                  aborts ("non-number types");
 *   108            any exception handling in an instrumented function aborts
 *                  ("unexpected expression type"); a 64-bit memory gives an
 *                  invalid module (i32 pointers into it); more than one
 *                  memory cannot be read;
 *   later (132)    try_table aborts; legacy try is instrumented, but its
 *                  catch bodies are not, so a fork from a catch body fails
 *                  when the rewind reaches it; more than one memory aborts
 *                  unless asyncify-memory or asyncify-in-secondary-memory
 *                  says which one.
 * A version other than 108 takes the rules of 132, and says so.
 *
 * Pass arguments (--pass-arg KEY[@VALUE]) are checked against the keys
 * each version's Asyncify reads: one it never reads does nothing there.
 */
#ifndef FS_CHECK_H
#define FS_CHECK_H

#include <stdio.h>

#include "analysis.h"

typedef enum fs_ck {
    FS_CK_OK,        /* instrumented, or left alone because it need not be */
    FS_CK_REFUSED,   /* forkinstr: left unchanged with trap guards */
    FS_CK_TRAPS,     /* instrumented, but a fork from there fails on rewind */
    FS_CK_ABORTS,    /* the instrumenter stops: no module at all */
    FS_CK_INVALID    /* it writes a module that does not validate */
} fs_ck;

extern const char *const fs_ck_name[5];   /* "ok", "refused", "traps", "aborts", "invalid" */

#define FS_CHECK_MAXTOOLS 3

typedef struct fs_check_tool {
    char        name[40];        /* "forkinstr", "Asyncify 108", ... */
    unsigned    version;         /* Binaryen's; 0 for forkinstr */
    char        source[160];     /* where the answer comes from */
    const char *label;           /* "exact (dry run)" or "predicted" */
    fs_ck       module;          /* worst outcome over the module */
    char        module_why[240]; /* a module-wide reason, or "" */
    uint32_t    count[5];        /* closure functions (and, for an abort by
                                    a tail call, others) by outcome */
} fs_check_tool;

typedef struct fs_check_row {
    uint32_t    func;
    uint8_t     in_closure;
    uint8_t     outcome[FS_CHECK_MAXTOOLS];
    const char *why[FS_CHECK_MAXTOOLS];   /* static text or forkinstr's reason */
} fs_check_row;

typedef struct fs_check_arg {
    const char *arg;                       /* as given: KEY or KEY@VALUE */
    const char *note[FS_CHECK_MAXTOOLS];   /* NULL: read; else why it does nothing */
} fs_check_arg;

typedef struct fs_check {
    fs_check_tool  tools[FS_CHECK_MAXTOOLS];
    unsigned       ntools;
    fs_check_row  *rows;     /* functions some instrumenter cannot handle, by index */
    uint32_t       nrows;
    fs_check_arg  *args;
    unsigned       nargs;
} fs_check;

/* One Asyncify rule applied to function F (any defined function): the
 * outcome and, when not OK, the construct.  catch_arms: forkinstr's count
 * of catch arms holding sites in F (0 when unknown). */
fs_ck fs_check_asyncify_func(const fs_analysis *a, unsigned version, uint32_t f,
                             uint32_t catch_arms, const char **why);
/* The module-wide rules (memories); PASS_ARGS as given, for asyncify-memory. */
fs_ck fs_check_asyncify_module(const fs_analysis *a, unsigned version,
                               const char *const *pass_args, unsigned npass, const char **why);

/* A (analysed with the forkinstr dry run, or fi_refusal set) checked
 * against forkinstr and the Asyncify versions given; PEER_SOURCE[i] says
 * where version i came from. */
int  fs_check_build(fs_check *ck, const fs_analysis *a, const char *fi_refusal,
                    const unsigned *versions, const char *const *peer_source, unsigned nversions,
                    const char *const *pass_args, unsigned npass, fs_error *err);
void fs_check_free(fs_check *ck);

typedef struct fs_check_view {
    const fs_analysis *a;
    const fs_check    *ck;
    const char        *module;
    const char        *tool_version;
    unsigned           top;       /* rows shown in text, 0 = all */
} fs_check_view;

/* FS_FMT_TEXT or FS_FMT_JSON (forksize/check@1, docs/json-schema.md). */
int fs_check_emit(const fs_check_view *v, fs_format fmt, FILE *out, fs_error *err);

#endif
