/* plan_int.h - what the two halves of forkinstr's plan share (plan.c
 * and plan_ctl.c, instrument/ only).
 *
 * plan.c walks the body and types each instruction; plan_ctl.c holds the
 * value stack, the control frames (block, loop, if, try and their arms)
 * and the sites, items and levels the rewind needs.  A refusal or running
 * out of memory leaves the walk by longjmp to plan.c's driver.
 */
#ifndef FS_PLAN_INT_H
#define FS_PLAN_INT_H

#include <setjmp.h>

#include "fi_int.h"
#include "walk.h"

/* The frame of the function itself (no construct opcode). */
#define FRAME_FUNC 0xFF

typedef struct frame {
    uint8_t  op;          /* FS_OP_BLOCK/LOOP/IF/TRY (ELSE after else, CATCH or
                             CATCH_ALL in a catch arm), or FRAME_FUNC */
    uint32_t ins;         /* the construct opcode */
    uint32_t base;        /* stack height where its values start (params included) */
    uint32_t np, nr;      /* params, results */
    uint32_t res;         /* results: offset in the walk's result pool */
    int      unreachable;
    int      dead;        /* opened in unreachable code: nothing in it runs */
    uint32_t k0;          /* sites before the construct */
    uint32_t arm_k0;      /* sites before the current arm */
    uint32_t level;       /* the current arm's level, or FI_NONE */
    uint32_t last_item;
    uint32_t nt, t, ns;   /* the parent's stack at the construct */
    uint32_t split;       /* if: sites up to the else */
    int      has_else;
    uint32_t arm_start;   /* first instruction of the current arm */
    /* a legacy try's current catch arm */
    uint32_t arm_tag;     /* its tag, FI_NONE for catch_all */
    uint32_t arm_np, arm_params;  /* its payload, the level's params (tpool) */
    uint32_t arm_ins;     /* the catch instruction */
    int      arm_rethrow; /* a rethrow targets it */
    uint32_t first_catch; /* a try: its first catch or catch_all, FI_NONE before */
    int      delegated;   /* a try: a delegate in its body targets it */
    uint32_t arms0;       /* its arms with sites so far start here in armbuf */
} frame;

typedef struct walk {
    fi_plan         *p;
    const fi_module *fm;
    jmp_buf          jb;
    fi_val          *st;   uint32_t nst, st_cap;
    frame           *fr;   uint32_t nfr, fr_cap;
    fi_val          *rp;   uint32_t nrp, rp_cap;  /* block result types */
    uint32_t         kcount[7];
    uint32_t         call;       /* next entry of m->calls for this function */
    uint32_t         cur;        /* current instruction */
    int              guard_only; /* refused up front: mark guards, no typing */
    /* The current run of safe instructions (see safe()) in the innermost
     * frame: where it started, the stack there, and how low it went. */
    uint32_t         low;        /* lowest stack height during this instruction */
    uint32_t         run_start, run_min;
    fi_val          *runbuf;  uint32_t nrunbuf, runbuf_cap;
    uint32_t         loops;      /* loop frames open */
    fi_arm          *armbuf;  uint32_t narmbuf, armbuf_cap;  /* open tries' arms */
    int              done;       /* the function's final end was typed */
} walk;

#define GROW(w, arr, n, cap, extra)                                                   \
    do {                                                                              \
        if ((n) + (extra) > (cap)) {                                                  \
            size_t nc_ = (cap) ? (size_t)(cap) * 2 : 64;                              \
            while (nc_ < (size_t)(n) + (extra)) nc_ *= 2;                             \
            void *np_ = realloc((arr), nc_ * sizeof *(arr));                          \
            if (!np_) fi_pw_nomem(w);                                                       \
            (arr) = np_;                                                              \
            (cap) = (uint32_t)nc_;                                                    \
        }                                                                             \
    } while (0)

/* plan_gc.c: types a GC instruction (0xFB); 0 for one it does not know */
int    fi_pw_gc(walk *w, const fs_instr *in);

/* plan_ctl.c: the value stack */
_Noreturn void fi_pw_nomem(walk *w);
_Noreturn void fi_pw_refuse(walk *w, const char *why);
void   fi_pw_push(walk *w, uint8_t code, int32_t heap, int top);
fi_val fi_pw_pop(walk *w);
void   fi_pw_pop_n(walk *w, uint32_t n);
void   fi_pw_set_unreachable(walk *w);
int    fi_pw_live(const walk *w);     /* the innermost frame's code runs */

/* plan_ctl.c: an unwind-capable call at the current instruction, NARGS
 * values its arguments (table index included) */
void   fi_pw_site(walk *w, uint32_t nargs, int indirect);

/* plan_ctl.c: control frames */
void   fi_pw_open_frame(walk *w, const fs_instr *in);   /* block loop if try */
void   fi_pw_else_arm(walk *w);
void   fi_pw_catch_arm(walk *w, const fs_instr *in);    /* catch, catch_all */
int    fi_pw_end_frame(walk *w);   /* end, delegate; 1 at the function's end */
const fs_type *fi_pw_tag_type(walk *w, uint32_t tag);   /* or refuses */

#endif
