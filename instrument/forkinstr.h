/* forkinstr.h - forkinstr, forksize's own fork instrumentation.
 *
 * PURPOSE
 *
 * fork() in wasm needs every frame between the program's entry and the
 * fork import to be able to leave (unwind) and come back (rewind), since
 * a module cannot copy its own call stack.  forkinstr rewrites each
 * function of the fork-path closure so that it can, speaking the same ABI
 * as Binaryen's Asyncify (docs/instrumentation.md), and tags every byte it
 * adds with the term that caused it: fixed, per call site, per local, or
 * dispatch (the rewind re-entry).  So `--stats --apply forkinstr` reports
 * exact per-term costs, and `--apply simulate` runs the same emitter into
 * a counting sink and gets the same numbers without building a module.
 *
 * THE TRANSFORMED FUNCTION, in pseudo-wat (stage cse):
 *
 *   (func $f (param ...) (result R) (local ... $idx i32 $fp i32 $s... )
 *     (if (global.get $state) == 2              ;; rewinding: pop our frame
 *       (then $fp = data.current - SIZE; data.current = $fp
 *             $idx = load $fp[0]; each saved local/slot = load $fp[off]))
 *     (block $unwind
 *       (block $body (result R)
 *         ;; each level (construct arm) holding sites opens one wrap per
 *         ;; item (a site, or a child construct holding sites), the last
 *         ;; item's wrap outermost:
 *         (if (param P) (result T_n) ($idx >= a_n)
 *           (then drop P; push saved stack values; dummy arguments)
 *           (else
 *             ...  (if (param P) (result T_1) ($idx >= a_1) (then ...) (else
 *                    <original code up to item 1>))
 *             <item 1> <original code up to item n>))
 *         <item n = call K>                      ;; K numbers the sites 1..n
 *         (if (global.get $state)                ;; unwinding: leave
 *           (then $idx = K  (br $unwind)))
 *         <rest of the original body>)
 *       (return))
 *     ;; unwind epilogue: push our frame
 *     $fp = data.current; trap if $fp + SIZE > data.end
 *     store $idx, the saved locals and slots at $fp; data.current = $fp + SIZE
 *     (dummy values of R))
 *
 *   $idx is 0 until a rewind loads it in the prologue.  When that
 *   rewind has re-entered site K and the call returns, $idx stays K for
 *   the rest of the call.  That is harmless: a level entered later holds
 *   only sites above K, so its tests $idx >= a fail.  Inside a loop, where
 *   code before K runs again, $idx is cleared before the call on the way
 *   back: in the then arm of K's wrap (the rewind path only), or, for a
 *   site with no wrap, right before the call.  Only a level holding site 1
 *   tests a bare $idx (!= 0).  Because the wraps of a level are nested,
 *   the wrap of item i is only reached when $idx is not in a later item's
 *   range, so $idx >= a_i means "in item i".
 *   An if construct gets its condition from the range ($idx < first else
 *   site); a loop is simply entered.
 *
 *   DEFERRED WRAPS.  Inside a loop, a level whose first item is a plain
 *   block C at its very start (a switch's nest of case blocks) opens its
 *   wraps right after C's end, not at its start, so an iteration runs the
 *   tests of the case it takes, not of every case.  A rewind aimed past C
 *   leaves it by a branch to C's end, from an exit dispatch at the start
 *   of the innermost level of the chain of such blocks:
 *
 *     (block $C_1 (block $C_2 ... (block $C_m
 *       (if (local.get $idx)            ;; the normal path's only test
 *         (then (br_if $C_1 ($idx >= first site after $C_1)) ...
 *               (br_if $C_m ($idx >= first site after $C_m))))
 *       <the innermost level's own wraps and code>)
 *       <the wraps $C_(m-1)'s arm deferred: its items after $C_m> ...) ...
 *
 *   A level whose only item is a block or loop at its start lets the
 *   chain run through it.
 *
 *   Values that sit on the operand stack below a site (pending operands,
 *   as in `n + f()`) cannot be reached from inside the check, so each is
 *   copied into a scratch local right where it is pushed (local.tee); a
 *   call_indirect's table index likewise.  The slot of a value depends
 *   only on its kind and the values of that kind below it, so one value
 *   keeps one slot for every site it outlives.
 *
 * STATE VALUES: 0 normal, 1 unwinding, 2 rewinding (global $state, set
 * by the exported asyncify_start_unwind / stop_unwind / start_rewind /
 * stop_rewind, read by asyncify_get_state).
 *
 * FRAME LAYOUT: data is {i32 current, i32 end}.  Unwinding pushes one
 * frame per function at current: [0] i32 $idx, then each saved local of
 * a number type in index order, then the scratch slots, then the
 * x-locals, each at its natural size (i32/f32 4, i64/f64 8, v128 16),
 * unpadded.  Rewinding pops them LIFO.  Pushing past end traps
 * (unreachable).  References go to their own tables (REFERENCES below).
 *
 * STAGES (cumulative): naive reloads data.current for every frame access
 * and saves every local; cse loads it once per prologue/epilogue into
 * $fp; live saves only the locals live after some site (the default);
 * trampoline gives a level of two or more wraps plain blocks and one
 * dispatch (local.get $idx; if) instead, one test per level on the normal
 * path for more bytes (emit.c, open_table).
 *
 * BRANCH HINTS (forksize instrument --branch-hints): every if that only a
 * rewind takes (the prologue's state test, each wrap, the trampoline's and
 * the exit dispatches, a try's catch dispatch) gets an "unlikely" entry in
 * a metadata.code.branch_hint section written before the code section.
 * Engines that read it (V8 13.6+) lay those arms out of line; the code is
 * the same byte for byte.  The checks after sites get none.  A hint
 * section the input has is moved with its instructions, or dropped with a
 * warning when malformed (fi_hints.h); the reports (fs_fi_run) copy it.
 *
 * EXCEPTION HANDLING (legacy try): a try is a construct like a block,
 * and each catch or catch_all arm is a level.  A rewind aimed into a
 * catch arm must run as that arm's handler (a rethrow must work), so it
 * enters the try and, from the start of its body, throws what the arm
 * catches; the normal path pays one test per entry:
 *
 *   try                                  ;; catch arms hold sites a..b
 *     (if ($idx >= a) (then              ;; arms tried last first
 *       (if ($idx >= a_2) (then (throw $fi_rewind)))  ;; a catch_all arm
 *       (throw $e (local.get $x0))))                  ;; catch $e, sites a..
 *     <wraps, original code>
 *   catch $e  (local.set $x0)            ;; payload to an x-local
 *     <wraps; the original code starts with (local.get $x0)>
 *   catch_all <wraps, original code>
 *   end
 *
 *   The x-locals are in the frame, so the rewind throws the original
 *   payload and a rethrow carries it.  $fi_rewind is a tag forkinstr adds
 *   ([] -> [], after the module's tags) when a catch_all arm holds sites;
 *   no catch clause names it.  delegate's label is renumbered like a
 *   branch (one to the function's label keeps naming it).  A function with
 *   a try keeps every local at stage live (live.c has no exception edges).
 *
 *   A catch_all arm that holds sites and rethrows must be re-entered with
 *   the exception it caught: an observer try inside the try's body has a
 *   catch per tag that keeps the tag ($k = 1 + tag) and payload in
 *   x-locals and rethrows, and a catch_all that sets $k = 0.  The rewind
 *   throws tag $k - 1 with that payload, or traps when $k is 0 (an
 *   exception no tag names).  See "observed tries" in emit_eh.c.
 *
 * EXCEPTION HANDLING (exnref, try_table): a try_table is a block whose
 * catch clauses are branches to labels outside it, taken when something
 * is thrown in its body; a handler is ordinary code at the target label.
 * So it is instrumented as a block: the unwind leaves it by a branch, the
 * rewind enters it again and dispatches inside, and nothing is thrown on
 * either path.  Its clauses' labels are renumbered like a br's (they count
 * from outside the try_table).  An exnref local or pending operand is
 * saved like any reference (REFERENCES), in an exnref table.
 *
 * TAIL CALLS: a return_call, return_call_indirect or return_call_ref that
 * can unwind is written as the plain call, its unwind check, then return:
 * the caller's frame must survive for the rewind to come back through it.
 * A chain of such calls then uses stack.  In a refused function the guard follows
 * the call the same way.
 *
 * REFERENCES: a frame's references (saved reference locals, per
 * call_ref type the local keeping a call_ref site's function reference,
 * and the slots of pending reference operands: a (ref null ht) local per
 * heap type and references below) go to tables forkinstr adds, one per reference type made nullable, each
 * a stack with an i32 pointer global; both are exported for fork hosts
 * (forkinstr_ref_table_K, forkinstr_ref_sp_K), and only when some frame
 * holds a reference.  A non-nullable local is declared nullable and read
 * through ref.as_non_null.  call_ref is a site like call_indirect, its
 * reference kept in that local.  See refsave.c.
 *
 * GC instructions are typed exactly (plan_gc.c) and their references
 * saved like any other; a non-nullable reference argument of a site is
 * saved, as it has no dummy.
 *
 * LIMITS: a function is left unchanged and reported (its cost estimated)
 * when it uses stringref or custom descriptors' instructions or
 * shared-everything's atomics, when a fork can happen inside
 * a catch_all arm that rethrows of a try a delegate targets (the observer
 * would miss those), when a reference pending below a site has a type no
 * local or call_ref of the closure has (no table), when a non-nullable
 * reference is a block parameter there (no dummy), or when a
 * multi-value result stays on the stack across a site.
 * Its sites get a guard that traps if an unwind ever passes through it,
 * so the output is never silently wrong.  Modules without a memory are
 * refused whole.
 *
 * MEMORY64: when memory 0 is 64-bit, the frames stay there and every
 * pointer into the save area is an i64, as Asyncify has it for wasm64:
 * $data and $fp are i64, the header is {i64 current, i64 end}, and
 * asyncify_start_unwind/start_rewind take an i64.  The frames keep their
 * layout.  A module that already exports the asyncify_* names (it
 * was built with Asyncify) gets forkinstr's exports in their place; its
 * old runtime stays, unexported, and never leaves the normal state.
 *
 * MULTI-MEMORY: the frames go to one memory, memory 0 unless the caller
 * picks another (--save-memory N, as Asyncify's asyncify-memory).  Every
 * frame access and the runtime's header loads name that memory (a memarg
 * with bit 6 of its flags set and the index, only when it is not 0), and
 * its index type decides i32 or i64 pointers as above.  Any memory is
 * sound: forkinstr writes only inside [current, end) of the data struct
 * the host hands to start_unwind/start_rewind (and traps past end), so the
 * host's duty is to allocate that struct in the chosen memory, clear of
 * the program's data.  Memory 0 is the default because C toolchains keep
 * their stack and heap there and hosts know it.  An index the module
 * lacks is a usage error.  A module with more than one memory also gets an
 * export FS_FI_SAVE_MEMORY_EXPORT of the save memory, so a host finds it
 * without knowing the option (an export of that name the module had gives
 * way to it); a fork host copies every memory into the child.
 */
#ifndef FS_FORKINSTR_H
#define FS_FORKINSTR_H

#include <stddef.h>
#include <stdint.h>

#include "closure.h"

/* The export naming the memory that holds the frames (MULTI-MEMORY). */
#define FS_FI_SAVE_MEMORY_EXPORT "forkinstr_save_memory"

/* Stages, cumulative: each one includes the previous ones. */
enum { FS_FI_NAIVE = 0, FS_FI_CSE = 1, FS_FI_LIVE = 2, FS_FI_TRAMP = 3, FS_FI_NSTAGES = 4 };
extern const char *const fs_fi_stage_name[FS_FI_NSTAGES];

/* Parses "naive", "cse", "live", "trampoline" or a comma list of them (the
 * last one wins, since stages are cumulative); -1 when unknown. */
int fs_fi_stage_parse(const char *s);

/* The terms every added byte belongs to. */
enum { FS_FI_FIXED, FS_FI_CALLSITE, FS_FI_LOCAL, FS_FI_DISPATCH, FS_FI_NTERMS };
extern const char *const fs_fi_term_name[FS_FI_NTERMS];

/* The static normal-path proxy: instructions forkinstr adds to the path
 * that runs when nobody forks (structure markers block/else/end not
 * counted), by where they sit: outside loops and not tied to a site (the
 * entry test, the return, the wrap tests of levels outside loops), at
 * sites outside loops (unwind checks, local.tee copies), and anywhere
 * inside a loop (run once per iteration).  Exact: read from the emitter. */
enum { FS_FI_NP_ENTRY, FS_FI_NP_SITES, FS_FI_NP_LOOPS, FS_FI_NNP };
extern const char *const fs_fi_np_name[FS_FI_NNP];

typedef struct fs_fi_func {
    uint32_t    func;            /* function index */
    const char *refused;         /* NULL, or why it was left unchanged */
    uint64_t    term[FS_FI_NTERMS];
    uint64_t    total;           /* sum of the terms = real body growth */
    uint64_t    guard;           /* refused: bytes of the trap guards */
    uint32_t    sites;           /* unwind-capable sites instrumented */
    uint32_t    wraps, levels;   /* rewind wraps emitted, levels holding them */
    uint32_t    saved_locals;    /* locals in its frame */
    uint32_t    frame_bytes;     /* its frame size */
    uint32_t    ref_slots;       /* references it saves in the ref save area */
    uint32_t    np[FS_FI_NNP];   /* normal-path instructions added, by place */
    uint8_t     private_tag;     /* a rewind throws forkinstr's own tag (catch_all) */
    uint32_t    tail_calls;      /* tail calls that can unwind, made plain calls */
    uint32_t    catch_arms;      /* catch arms holding unwind-capable sites, refused or not
                                    (Asyncify skips catch bodies: forksize check) */
    uint32_t    body_before;     /* body bytes with the size LEB */
    uint32_t    body_after;      /* hot: the rewind copy's (HOT COPIES above) */
    uint64_t    hot_bytes;       /* hot: its normal-path copy, with the size LEB */
} fs_fi_func;

/* What happened to one debug custom section of the written module
 * (fs_fi_run_debug).  forkinstr moves almost every function body, so a
 * section that holds code addresses is either rewritten to the new
 * addresses (.debug_line: every row on its instruction's new address,
 * added bytes get no row of their own; .debug_info 2-5 and its lists
 * patched in place, DWARF 5's lists re-encoded) or, when forksize cannot do that,
 * dropped; never copied stale unless the caller asked for it
 * (FS_FI_DEBUG_KEEP_STALE), and then said.  docs/instrumentation.md,
 * "Debug info". */
typedef enum fs_fi_debug_action {
    FS_FI_DBG_DROPPED,     /* left out of the output */
    FS_FI_DBG_STALE,       /* kept as it was, on request: its addresses are stale */
    FS_FI_DBG_REWRITTEN,   /* its addresses now describe the output */
    FS_FI_DBG_MAP_STALE    /* sourceMappingURL / external_debug_info: the file it
                              names describes the input, not the output */
} fs_fi_debug_action;

typedef struct fs_fi_debug_note {
    char               section[48];   /* the custom section's name (cut at 47 bytes) */
    fs_fi_debug_action action;
    char               reason[200];
} fs_fi_debug_note;

/* HOT COPIES.  fs_fi_run_debug's HOT (per function index, or NULL) names
 * functions to give two copies, for a loop the profile says is hot.  The
 * function keeps its index with a normal-path copy: the same instrumented
 * body, but its entry sends a rewind to the other copy (local.get of the
 * parameters, call, return) and every rewind test reads i32.const 0, so
 * the engine folds the wraps away and only the unwind checks remain.  The
 * rewind copy, the body as usual, is a new function after the five ABI
 * functions.  Both save the same frame, so an unwind from either is
 * rewound by the rewind copy.  The terms stay those of the usual body
 * (the rewind copy's); the normal-path copy is hot_bytes, apart.  A frame
 * rewound stays in the rewind copy until it returns. */

/* How fs_fi_run_debug treats debug sections. */
typedef enum fs_fi_debug_mode {
    FS_FI_DEBUG_MEASURE,     /* copy every custom section as it is: sizes only, for
                                the reports (what fs_fi_run does; stale if written) */
    FS_FI_DEBUG_REWRITE,     /* rewrite what forksize can, drop the rest (the default
                                of forksize instrument) */
    FS_FI_DEBUG_KEEP_STALE   /* rewrite what forksize can, keep the rest as it is,
                                noting each stale one */
} fs_fi_debug_mode;

typedef struct fs_fi_result {
    unsigned    stage;
    fs_fi_func *funcs;   uint32_t nfuncs;   /* closure members, by index */
    uint64_t    code_before, code_after;   /* code section payloads */
    uint64_t    term[FS_FI_NTERMS];        /* sums over instrumented functions */
    uint64_t    guard_bytes;               /* sums over refused functions */
    uint32_t    instrumented, refused, untouched;  /* untouched: no reachable site */
    uint64_t    sites, wraps, levels;      /* sums over instrumented functions */
    uint64_t    tail_calls;                /* of the sites: tail calls made plain */
    uint64_t    np[FS_FI_NNP];
    /* module-level additions, apart from the per-function terms */
    uint64_t    module_bytes;      /* whole output minus whole input */
    uint64_t    helper_bytes;      /* the five runtime functions' bodies */
    uint32_t    new_types, new_globals, new_exports, new_functions, new_tags;
    uint32_t    save_memory;               /* the memory that holds the frames */
    uint32_t    new_tables;        /* the reference save area's (refsave.c) */
    /* fs_fi_run_debug with HOT: the functions given two copies, their
     * normal-path copies' bytes (outside the terms), and the closure
     * functions HOT named that got none (refused, or nothing to unwind) */
    uint32_t    hot_functions, hot_skipped;
    uint64_t    hot_bytes;
    /* the output module, unless dry run */
    uint8_t    *out;   size_t out_size;
    /* fs_fi_run_debug: one note per debug section dropped, kept stale or
     * rewritten, in section order */
    fs_fi_debug_note *debug;   uint32_t ndebug;
    /* fs_fi_run_debug: where the input's code went (fi_debug.h), for a
     * caller that maps addresses of its own (a source map, report/
     * srcmap.c) through fs_fi_map_code; NULL otherwise */
    struct fi_amap *amap;
    double      seconds;
} fs_fi_result;

/* How fs_fi_map_code placed an address. */
enum {
    FS_FI_AT_NONE,   /* in no function body (a size LEB, or no code at all) */
    FS_FI_AT_SAME,   /* the same byte of the same original instruction */
    FS_FI_AT_NEAR    /* a byte forkinstr rewrote (the local declarations, a
                        branch's grown LEB, a final end it wrote anew): the
                        function's new first byte for its first byte, else
                        the next original byte of the function, else its
                        new last byte (its end) */
};
/* The output code-section offset *OUT (offsets from the start of the code
 * section's payload, as DWARF counts them) of input offset ORIG, and the
 * defined function (0-based among defined functions) holding it in
 * *DEFINED; returns FS_FI_AT_*.  Needs r->amap. */
int fs_fi_map_code(const fs_fi_result *r, uint32_t orig, uint32_t *out, uint32_t *defined);

/* Instruments the closure C of module M (graph G) at STAGE, with the
 * frames in memory SAVE_MEMORY (0 by default; FS_ERR_USAGE when M has no
 * such memory).  With dry_run the emitter writes to a counting sink:
 * every number is the same and no module is built.  A module-level
 * refusal returns FS_ERR_UNSUPPORTED with err->msg saying why. */
int  fs_fi_run(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c, unsigned stage,
               uint32_t save_memory, int dry_run, fs_fi_result *r, fs_error *err);
/* The same on THREADS threads (0: one per core, or one for a small
 * closure).  Every number and byte is the same for any THREADS. */
int  fs_fi_run_threads(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c,
                       unsigned stage, uint32_t save_memory, int dry_run, unsigned threads,
                       fs_fi_result *r, fs_error *err);
/* The module to be written: as fs_fi_run_threads without a dry run, but
 * its debug custom sections (.debug_*, sourceMappingURL,
 * external_debug_info) are handled by MODE and each one is noted in
 * r->debug.  A branch hint section (metadata.code.branch_hint) is moved
 * with the code, and with BRANCH_HINTS forkinstr adds a hint to every if
 * the normal path never takes (BRANCH HINTS above); noted the same way.
 * fs_fi_run and fs_fi_run_threads copy them as they are
 * (FS_FI_DEBUG_MEASURE), which keeps the sizes of --stats and of the dry
 * run equal and costs no DWARF parsing; their r->out is for measuring. */
int  fs_fi_run_debug(const fs_wasm_module *m, const fs_graph *g, const fs_closure *c,
                     unsigned stage, uint32_t save_memory, unsigned threads,
                     fs_fi_debug_mode mode, int branch_hints, const uint8_t *hot,
                     fs_fi_result *r, fs_error *err);
void fs_fi_free(fs_fi_result *r);

#endif
