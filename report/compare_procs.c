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
 *
 * --group-by: a module's groups are not plain data (a key string each, and
 * any number of them), so a worker writes them to a file of its module's
 * index in a directory the caller made before forking, and the caller reads
 * them back once the worker is done.  The file is only ever read by the
 * same binary that wrote it, so a group is written as its struct followed
 * by its key; the reader still checks every length against the file.
 */
#include "compare_int.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
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
    int            has_groups;                         /* its groups are in the file */
    atomic_int     state;
} slot;

typedef struct shared {
    atomic_uint next, done;
} shared;

/* DIR/I, the file of module I's groups. */
static void groups_path(char *buf, size_t cap, const char *dir, unsigned i)
{
    snprintf(buf, cap, "%.*s/%u", (int)(cap - 16), dir, i);
}

static int put_group(FILE *f, const fs_group *x)
{
    fs_group copy = *x;
    uint32_t len = x->key ? (uint32_t)strlen(x->key) : 0;
    copy.key = NULL;
    return fwrite(&copy, sizeof copy, 1, f) == 1 && fwrite(&len, sizeof len, 1, f) == 1
           && (!len || fwrite(x->key, len, 1, f) == 1);
}

/* G into PATH; 0 when it could not be written (the caller then has none). */
static int write_groups(const char *path, const fs_groups *g)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(g, sizeof *g, 1, f) == 1 && put_group(f, &g->total);
    for (uint32_t i = 0; ok && i < g->n; i++)
        ok = put_group(f, &g->v[i]);
    return fclose(f) == 0 && ok;
}

static int get_group(FILE *f, fs_group *x, long *left)
{
    uint32_t len;
    if (*left < (long)(sizeof *x + sizeof len) || fread(x, sizeof *x, 1, f) != 1
        || fread(&len, sizeof len, 1, f) != 1)
        return 0;
    *left -= (long)(sizeof *x + sizeof len);
    x->key = NULL;
    if (len > (uint32_t)*left || !(x->key = malloc((size_t)len + 1))
        || (len && fread(x->key, len, 1, f) != 1))
        return 0;
    x->key[len] = 0;
    *left -= (long)len;
    return 1;
}

/* The groups a worker wrote to PATH into G; 0 (and G empty) on any fault. */
static int read_groups(const char *path, fs_groups *g)
{
    FILE *f = fopen(path, "rb");
    long left = 0;
    int ok = f && !fseek(f, 0, SEEK_END) && (left = ftell(f)) >= (long)sizeof *g
             && !fseek(f, 0, SEEK_SET) && fread(g, sizeof *g, 1, f) == 1;
    left -= (long)sizeof *g;
    uint32_t n = ok ? g->n : 0;
    g->v = NULL;
    g->n = 0;
    g->total.key = NULL;
    /* every group takes at least its struct: a count past that is a fault */
    ok = ok && n <= (uint64_t)left / sizeof(fs_group) && get_group(f, &g->total, &left);
    free(g->total.key);                 /* the total row has no key (fs_groups_free agrees) */
    g->total.key = NULL;
    ok = ok && (g->v = calloc(n ? n : 1, sizeof *g->v)) != NULL;
    for (; ok && g->n < n; g->n++)
        ok = get_group(f, &g->v[g->n], &left);
    if (f)
        fclose(f);
    if (!ok || left)
        fs_groups_free(g);
    return ok && !left;
}

static void work(shared *sh, slot *slots, const fs_compare *c, const fs_analysis_opts *o,
                 const char *dir)
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
        if (row.groups.v) {
            char path[PATH_MAX];
            groups_path(path, sizeof path, dir, i);
            s->has_groups = write_groups(path, &row.groups);
            fs_groups_free(&row.groups);    /* pointers into this process: not in the slot */
        }
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
    char dir[PATH_MAX] = "";
    if (o->group_by) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%.*s/forksize-groups-XXXXXX", PATH_MAX - 40,
                 t && *t ? t : "/tmp");
        if (!mkdtemp(dir))
            dir[0] = 0;               /* then this process analyzes them, below */
    }
    if (sh != MAP_FAILED && slots != MAP_FAILED && pids && status && (!o->group_by || dir[0])) {
        atomic_init(&sh->next, 0);
        atomic_init(&sh->done, 0);
        for (unsigned i = 0; i < n; i++)
            atomic_init(&slots[i].state, S_PENDING);
        fflush(NULL);                  /* no buffered output written twice */
        for (unsigned k = 0; k < jobs; k++) {
            pid_t pid = fork();
            if (pid == 0) {
                work(sh, slots, c, o, dir);
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
                memset(&row->groups, 0, sizeof row->groups);
                if (s->has_groups && row->status == FS_CMP_OK) {
                    char gpath[PATH_MAX];
                    groups_path(gpath, sizeof gpath, dir, i);
                    if (!read_groups(gpath, &row->groups))
                        fs_compare_fail_row(row, FS_ERR_IO, "its groups could not be read back "
                                            "from its analysis process");
                }
            } else if (state == S_RUNNING) {
                died(row, s->pid, pids, status, started);
            } else {
                fs_compare_fail_row(row, FS_ERR_IO, "not analyzed: every analysis process ended "
                                    "early");
            }
        }
    }
    if (dir[0]) {
        for (unsigned i = 0; i < n; i++) {
            char path[PATH_MAX];
            groups_path(path, sizeof path, dir, i);
            unlink(path);                 /* read or not (a worker that died) */
        }
        rmdir(dir);
    }
    free(pids);
    free(status);
    if (sh != MAP_FAILED)
        munmap(sh, sizeof *sh);
    if (slots != MAP_FAILED)
        munmap(slots, (size_t)n * sizeof *slots);
    return started ? started : 1;
}
