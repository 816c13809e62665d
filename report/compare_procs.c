/* compare_procs.c - compare's worker processes, for analyses that fork.
 *
 * --apply asyncify runs Binaryen in children forked from the analysis.
 * Forking while other threads of the same process are busy is unsafe: the
 * child gets a copy of every lock as it was, and a lock another thread
 * held (an allocator's, say; ASan's allocator hangs there) stays held in
 * the child forever.  So with several jobs, these analyses run in worker
 * processes forked here, from the one thread of the caller; each worker
 * analyzes one module at a time, on one thread, and forks Binaryen from
 * there.
 *
 * The workers take module indices from a counter in shared memory, as
 * the threads do, and write each row into its slot in a shared array
 * (a row is plain data apart from its warnings, which get room in the
 * slot).  A worker that dies (a crash, a signal) leaves its module's row
 * an error row that says so; the others go on.
 */
#include "compare_int.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { S_PENDING, S_RUNNING, S_DONE };

typedef struct slot {
    fs_compare_row row;                                /* warnings: see below */
    char           warnings[FS_REPORT_MAX_WARNINGS][320];
    pid_t          pid;                                /* the worker that took it */
    atomic_int     state;
} slot;

typedef struct shared {
    atomic_uint next, done;
} shared;

static void work(shared *sh, slot *slots, const fs_compare *c, const fs_analysis_opts *o)
{
    for (;;) {
        unsigned i = atomic_fetch_add(&sh->next, 1);
        if (i >= c->nrows)
            break;
        slot *s = &slots[i];
        s->pid = getpid();
        atomic_store(&s->state, S_RUNNING);
        fs_compare_row row = c->rows[i];
        fs_compare_run_one(o, &row);
        unsigned nw = row.nwarnings < FS_REPORT_MAX_WARNINGS ? row.nwarnings
                                                             : FS_REPORT_MAX_WARNINGS;
        if (nw)
            memcpy(s->warnings, row.warnings, nw * sizeof s->warnings[0]);
        free(row.warnings);
        row.warnings = NULL;
        row.nwarnings = nw;
        s->row = row;
        atomic_store(&s->state, S_DONE);
        atomic_fetch_add(&sh->done, 1);
    }
}

/* How worker PID ended, in words, from the statuses collected. */
static void died(fs_compare_row *row, pid_t pid, const pid_t *pids, const int *status,
                 unsigned n)
{
    char msg[160] = "its analysis process ended before finishing";
    for (unsigned k = 0; k < n; k++) {
        if (pids[k] != pid)
            continue;
        if (WIFSIGNALED(status[k]))
            snprintf(msg, sizeof msg, "its analysis process was killed by signal %d (%s)",
                     WTERMSIG(status[k]), strsignal(WTERMSIG(status[k])));
        else if (WIFEXITED(status[k]))
            snprintf(msg, sizeof msg, "its analysis process exited with status %d before "
                     "finishing", WEXITSTATUS(status[k]));
    }
    fs_compare_fail_row(row, FS_ERR_IO, msg);
}

unsigned fs_compare_run_procs(fs_compare *c, const fs_analysis_opts *o, unsigned jobs,
                              fs_compare_progress_fn progress, void *ctx)
{
    unsigned n = c->nrows;
    shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                      -1, 0);
    slot *slots = mmap(NULL, (size_t)n * sizeof *slots, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t *pids = calloc(jobs, sizeof *pids);
    int *status = calloc(jobs, sizeof *status);
    unsigned started = 0;
    if (sh != MAP_FAILED && slots != MAP_FAILED && pids && status) {
        atomic_init(&sh->next, 0);
        atomic_init(&sh->done, 0);
        for (unsigned i = 0; i < n; i++)
            atomic_init(&slots[i].state, S_PENDING);
        fflush(NULL);                  /* no buffered output written twice */
        for (unsigned k = 0; k < jobs; k++) {
            pid_t pid = fork();
            if (pid == 0) {
                work(sh, slots, c, o);
                _exit(0);
            }
            if (pid > 0)
                pids[started++] = pid;
        }
    }
    if (started == 0) {
        /* No shared memory or no process: one module after another here,
         * where nothing else runs while Binaryen is forked. */
        for (unsigned i = 0; i < n; i++) {
            fs_compare_run_one(o, &c->rows[i]);
            if (progress)
                progress(ctx, i + 1, n);
        }
    } else {
        unsigned alive = started, shown = 0;
        while (alive) {
            for (unsigned k = 0; k < started; k++) {
                if (pids[k] <= 0)
                    continue;
                int ws;
                pid_t r = waitpid(pids[k], &ws, WNOHANG);
                if (r == pids[k] || (r < 0 && errno != EINTR)) {
                    status[k] = r == pids[k] ? ws : 0;
                    pids[k] = -pids[k];    /* reaped; remembered for died() */
                    alive--;
                }
            }
            unsigned done = atomic_load(&sh->done);
            if (progress && done != shown)
                progress(ctx, shown = done, n);
            if (alive)
                nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
        }
        for (unsigned k = 0; k < started; k++)
            pids[k] = -pids[k];
        for (unsigned i = 0; i < n; i++) {
            slot *s = &slots[i];
            fs_compare_row *row = &c->rows[i];
            int state = atomic_load(&s->state);
            if (state == S_DONE) {
                const char *path = row->path;
                *row = s->row;
                row->path = path;
                row->warnings = row->nwarnings ? malloc(row->nwarnings * sizeof *row->warnings)
                                               : NULL;
                if (row->nwarnings && !row->warnings)
                    fs_compare_fail_row(row, FS_ERR_NOMEM, "out of memory");
                else if (row->nwarnings)
                    memcpy(row->warnings, s->warnings, row->nwarnings * sizeof *row->warnings);
            } else if (state == S_RUNNING) {
                died(row, s->pid, pids, status, started);
            } else {
                fs_compare_fail_row(row, FS_ERR_IO, "not analyzed: every analysis process ended "
                                    "early");
            }
        }
    }
    free(pids);
    free(status);
    if (sh != MAP_FAILED)
        munmap(sh, sizeof *sh);
    if (slots != MAP_FAILED)
        munmap(slots, (size_t)n * sizeof *slots);
    return started ? started : 1;
}
