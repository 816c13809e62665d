/* binaryen.c - libbinaryen in forked children (see binaryen.h).
 *
 * Child -> parent protocol on one pipe, all integers little-endian as
 * written by the same machine:
 *   u32 n, then n times (u32 len, len bytes)   Binaryen's function names
 *   u64 size, then size bytes                   the output module
 * The child's stderr goes to a second pipe, of which the parent keeps the
 * tail: that is where Binaryen explains an abort.
 */
#include "binaryen.h"

#include <binaryen-c.h>
#include <dlfcn.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FS_BINARYEN_LIB_VERSION
#define FS_BINARYEN_LIB_VERSION "unknown"
#endif

#define MAX_CHILDREN 4
#define TAIL 1024

void fs_peer_put(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(3);
        c += w;
        n -= (size_t)w;
    }
}

/* libbinaryen is loaded only here, in the child, with dlopen: a large
 * C++ library whose loading and relocation cost every run several
 * milliseconds and megabytes, though only --apply asyncify needs it. */
#define BINARYEN_FUNCS(X)                                                      \
    X(BinaryenModuleRead) X(BinaryenModuleSetFeatures) X(BinaryenFeatureAll)   \
    X(BinaryenGetNumFunctions) X(BinaryenGetFunctionByIndex)                   \
    X(BinaryenFunctionGetName) X(BinaryenSetDebugInfo)                         \
    X(BinaryenSetOptimizeLevel) X(BinaryenSetShrinkLevel)                      \
    X(BinaryenClearPassArguments) X(BinaryenSetPassArgument)                   \
    X(BinaryenModuleRunPasses) X(BinaryenModuleOptimize)                       \
    X(BinaryenModuleAllocateAndWrite)

#define DECLARE(name) static __typeof__(name) *p_##name;
BINARYEN_FUNCS(DECLARE)
#undef DECLARE
#define BN(name) p_##name

#ifndef FS_BINARYEN_LIB
#define FS_BINARYEN_LIB "libbinaryen.so"
#endif

static int load_binaryen(char *why, size_t cap)
{
    /* The library found at configure time first, then the loader's path. */
    void *h = dlopen(FS_BINARYEN_LIB, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        h = dlopen("libbinaryen.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, cap, "%.250s", dlerror());
        return -1;
    }
#define RESOLVE(name)                                                          \
    if (!(*(void **)&p_##name = dlsym(h, #name))) {                            \
        snprintf(why, cap, "no symbol %s", #name);                             \
        return -1;                                                             \
    }
    BINARYEN_FUNCS(RESOLVE)
#undef RESOLVE
    return 0;
}

/* The child: never returns. */
static void child(const uint8_t *bytes, size_t size, const fs_peer_opts *o, int fd)
{
    char why[300];
    if (load_binaryen(why, sizeof why) != 0) {
        fprintf(stderr, "cannot load libbinaryen: %s\n", why);
        _exit(6);
    }
    char *copy = malloc(size ? size : 1);
    if (!copy)
        _exit(4);
    memcpy(copy, bytes, size);
    BinaryenModuleRef mod = BN(BinaryenModuleRead)(copy, size);
    BN(BinaryenModuleSetFeatures)(mod, BN(BinaryenFeatureAll)());
    uint32_t n = BN(BinaryenGetNumFunctions)(mod);
    fs_peer_put(fd, &n, sizeof n);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = BN(BinaryenFunctionGetName)(BN(BinaryenGetFunctionByIndex)(mod, i));
        uint32_t len = (uint32_t)strlen(name);
        fs_peer_put(fd, &len, sizeof len);
        fs_peer_put(fd, name, len);
    }
    /* Names stay in the output so functions can be matched after -O
     * inlines and removes some; they do not change the code section. */
    BN(BinaryenSetDebugInfo)(true);
    BN(BinaryenSetOptimizeLevel)(o->opt_level);
    BN(BinaryenSetShrinkLevel)(0);
    BN(BinaryenClearPassArguments)();
    if (o->asyncify) {
        if (o->imports)
            BN(BinaryenSetPassArgument)("asyncify-imports", o->imports);
        if (o->onlylist)
            BN(BinaryenSetPassArgument)("asyncify-onlylist", o->onlylist);
        if (o->ignore_indirect)
            /* Not "": Binaryen 108 takes an empty value for "not given"
             * (the command line's bare --pass-arg sends "1"; 132 only asks
             * whether the argument is there). */
            BN(BinaryenSetPassArgument)("asyncify-ignore-indirect", "1");
        const char *passes[] = { "asyncify" };
        BN(BinaryenModuleRunPasses)(mod, passes, 1);
    }
    if (o->opt_level > 0)
        BN(BinaryenModuleOptimize)(mod);
    BinaryenModuleAllocateAndWriteResult res = BN(BinaryenModuleAllocateAndWrite)(mod, NULL);
    uint64_t out = res.binaryBytes;
    fs_peer_put(fd, &out, sizeof out);
    fs_peer_put(fd, res.binary, res.binaryBytes);
    _exit(0);
}

typedef struct kid {
    pid_t   pid;
    int     data, err;          /* read ends, -1 once closed */
    uint8_t *buf;
    size_t  len, cap;
    char    tail[TAIL];
    size_t  tail_len;
    double  start, end;         /* end: when its data pipe closed */
} kid;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int grow(kid *k, size_t need)
{
    if (k->len + need <= k->cap)
        return 0;
    size_t cap = k->cap ? k->cap : 1 << 20;
    while (cap < k->len + need)
        cap *= 2;
    uint8_t *nb = realloc(k->buf, cap);
    if (!nb)
        return -1;
    k->buf = nb;
    k->cap = cap;
    return 0;
}

/* Keeps the last TAIL bytes of what the child wrote on stderr. */
static void keep_tail(kid *k, const char *p, size_t n)
{
    if (n >= TAIL) {
        memcpy(k->tail, p + n - TAIL, TAIL);
        k->tail_len = TAIL;
        return;
    }
    if (k->tail_len + n > TAIL) {
        size_t drop = k->tail_len + n - TAIL;
        memmove(k->tail, k->tail + drop, k->tail_len - drop);
        k->tail_len -= drop;
    }
    memcpy(k->tail + k->tail_len, p, n);
    k->tail_len += n;
}

/* Parses a child's data stream into OUT; -1 when it is cut short. */
static int parse(const kid *k, fs_peer_out *out)
{
    size_t at = 0;
    uint32_t n;
    if (k->len < sizeof n)
        return -1;
    memcpy(&n, k->buf, sizeof n);
    at += sizeof n;
    out->names = calloc(n ? n : 1, sizeof *out->names);
    if (!out->names)
        return -1;
    out->nnames = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        if (k->len - at < sizeof len)
            return -1;
        memcpy(&len, k->buf + at, sizeof len);
        at += sizeof len;
        if (k->len - at < len || !(out->names[i] = malloc((size_t)len + 1)))
            return -1;
        memcpy(out->names[i], k->buf + at, len);
        out->names[i][len] = 0;
        at += len;
    }
    uint64_t size;
    if (k->len - at < sizeof size)
        return -1;
    memcpy(&size, k->buf + at, sizeof size);
    at += sizeof size;
    if (k->len - at != size || !(out->wasm = malloc(size ? size : 1)))
        return -1;
    memcpy(out->wasm, k->buf + at, size);
    out->size = size;
    return 0;
}

/* What went wrong, in one line: the signal or status and the last line
 * Binaryen printed. */
static void describe(const kid *k, int status, fs_error *err)
{
    char last[300] = "";
    size_t end = k->tail_len;
    while (end && (k->tail[end - 1] == '\n' || k->tail[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start && k->tail[start - 1] != '\n')
        start--;
    snprintf(last, sizeof last, "%.*s", (int)(end - start), k->tail + start);
    if (WIFSIGNALED(status))
        snprintf(err->msg, sizeof err->msg, "Binaryen crashed (signal %d, %.30s)%s%.180s",
                 WTERMSIG(status), strsignal(WTERMSIG(status)), last[0] ? ": " : "", last);
    else
        snprintf(err->msg, sizeof err->msg, "Binaryen failed (exit %d)%s%.200s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, last[0] ? ": " : "", last);
}

/* The directory an external wasm-opt works in (wasmopt.c), with the
 * module written into it; removed with everything in it afterwards. */
static int make_dir(char *dir, size_t cap, const uint8_t *bytes, size_t size, fs_error *err)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, cap, "%s/forksize-peer-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err->msg, sizeof err->msg, "cannot make a directory for wasm-opt in %.200s: %s",
                 t && *t ? t : "/tmp", strerror(errno));
        return FS_ERR_IO;
    }
    char in[4200];
    snprintf(in, sizeof in, "%s/in.wasm", dir);
    FILE *f = fopen(in, "wb");
    int ok = f && fwrite(bytes, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        snprintf(err->msg, sizeof err->msg, "cannot write %.200s: %s", in, strerror(errno));
        return FS_ERR_IO;
    }
    return FS_OK;
}

/* The scratch directory holds only files this process and its children
 * wrote (inputs, outputs, lists, maps), so every entry in it goes.  Reading
 * the directory, rather than a list of names, keeps this true when a peer
 * step adds a file. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        char p[4200];
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%.3000s/%.1000s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static double time_limit(void)
{
    const char *e = getenv("FORKSIZE_PEER_TIMEOUT");
    char *end;
    double v = e && *e ? strtod(e, &end) : 0;
    if (!(e && *e && !*end && v > 0))
        return FS_PEER_TIME_LIMIT;
    return v < 1e9 ? v : 1e9;          /* ~31 years: no limit, and fits an unsigned */
}

int fs_peer_version(const char *path, char *buf, size_t cap, fs_error *err)
{
    memset(err, 0, sizeof *err);
    if (!path) {
        snprintf(buf, cap, "%s", FS_BINARYEN_LIB_VERSION);
        return FS_OK;
    }
    if (access(path, X_OK) != 0) {
        snprintf(err->msg, sizeof err->msg, "--wasm-opt %.160s: cannot run it: %.60s", path,
                 strerror(errno));
        return FS_ERR_USAGE;
    }
    int pp[2];
    if (pipe(pp) != 0) {
        snprintf(err->msg, sizeof err->msg, "cannot create a pipe: %s", strerror(errno));
        return FS_ERR_IO;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        close(pp[0]);
        dup2(pp[1], 1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        execl(path, path, "--version", (char *)NULL);
        _exit(127);
    }
    close(pp[1]);
    if (pid < 0) {
        close(pp[0]);
        snprintf(err->msg, sizeof err->msg, "cannot fork: %s", strerror(errno));
        return FS_ERR_IO;
    }
    char text[256];
    size_t len = 0;
    double t0 = now();
    int timed_out = 0;
    for (;;) {
        struct pollfd pf = { pp[0], POLLIN, 0 };
        int r = poll(&pf, 1, 1000);
        if (now() - t0 > 60) {
            timed_out = 1;
            kill(-pid, SIGKILL);
            break;
        }
        if (r <= 0)
            continue;
        ssize_t got = read(pp[0], text + len, sizeof text - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
        if (len == sizeof text - 1)
            break;
    }
    close(pp[0]);
    text[len] = 0;
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    static const char key[] = "wasm-opt version ";
    const char *v = strstr(text, key);
    unsigned long num = 0;
    char *end = NULL;
    if (v)
        num = strtoul(v + sizeof key - 1, &end, 10);
    if (timed_out || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || !v || end == v + sizeof key - 1 ||
        !num) {
        snprintf(err->msg, sizeof err->msg, "--wasm-opt %.200s: %s", path,
                 timed_out ? "--version did not answer within 60 s"
                 : !WIFEXITED(ws) ? "--version crashed"
                 : WEXITSTATUS(ws) ? "--version failed"
                 : "--version printed no version number");
        return FS_ERR_UNSUPPORTED;
    }
    snprintf(buf, cap, "%lu", num);
    return FS_OK;
}

int fs_peer_run(const uint8_t *bytes, size_t size, const fs_peer_opts *opts, unsigned n,
                fs_peer_out *out, fs_peer_progress_fn progress, void *ctx, fs_error *err)
{
    memset(err, 0, sizeof *err);
    memset(out, 0, n * sizeof *out);
    if (n == 0 || n > MAX_CHILDREN) {
        snprintf(err->msg, sizeof err->msg, "internal: %u Binaryen runs requested", n);
        return FS_ERR_USAGE;
    }
    kid kids[MAX_CHILDREN];
    memset(kids, 0, sizeof kids);
    char dir[4096] = "";
    if (opts[0].wasm_opt) {
        int st = make_dir(dir, sizeof dir, bytes, size, err);
        if (st) {
            if (dir[0])
                remove_dir(dir);
            return st;
        }
    }
    fflush(NULL);                          /* no buffered output duplicated in children */
    int status = FS_OK;
    double limit = time_limit();
    int timed_out = 0;
    for (unsigned i = 0; i < n; i++) {
        int dp[2], ep[2];
        if (pipe(dp) != 0 || pipe(ep) != 0) {
            snprintf(err->msg, sizeof err->msg, "cannot create a pipe: %s", strerror(errno));
            status = FS_ERR_IO;
            n = i;
            break;
        }
        kids[i].start = now();
        pid_t pid = fork();
        if (pid == 0) {
            setpgid(0, 0);                 /* so a time-out kills what it started too */
            close(dp[0]);
            close(ep[0]);
            dup2(ep[1], 2);
            for (unsigned j = 0; j < i; j++) {
                close(kids[j].data);
                close(kids[j].err);
            }
            if (opts[i].wasm_opt)
                fs_peer_external_child(&opts[i], dir, i, dp[1]);
            child(bytes, size, &opts[i], dp[1]);
        }
        setpgid(pid, pid);
        close(dp[1]);
        close(ep[1]);
        if (pid < 0) {
            close(dp[0]);
            close(ep[0]);
            snprintf(err->msg, sizeof err->msg, "cannot fork: %s", strerror(errno));
            status = FS_ERR_IO;
            n = i;
            break;
        }
        kids[i].pid = pid;
        kids[i].data = dp[0];
        kids[i].err = ep[0];
    }

    /* Drain every pipe until all are closed; report progress meanwhile. */
    double t0 = now(), last = t0;
    for (;;) {
        struct pollfd fds[2 * MAX_CHILDREN];
        kid *owner[2 * MAX_CHILDREN];
        int which[2 * MAX_CHILDREN];
        nfds_t nf = 0;
        for (unsigned i = 0; i < n; i++) {
            if (kids[i].data >= 0) {
                fds[nf] = (struct pollfd){ kids[i].data, POLLIN, 0 };
                owner[nf] = &kids[i];
                which[nf++] = 0;
            }
            if (kids[i].err >= 0) {
                fds[nf] = (struct pollfd){ kids[i].err, POLLIN, 0 };
                owner[nf] = &kids[i];
                which[nf++] = 1;
            }
        }
        if (nf == 0)
            break;
        int r = poll(fds, nf, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (!timed_out && now() - t0 > limit) {
            timed_out = 1;
            for (unsigned i = 0; i < n; i++)
                kill(-kids[i].pid, SIGKILL);
        }
        if (progress && now() - last >= 1.0) {
            last = now();
            progress(ctx, last - t0);
        }
        for (nfds_t f = 0; r > 0 && f < nf; f++) {
            if (!fds[f].revents)
                continue;
            kid *k = owner[f];
            char chunk[65536];
            ssize_t got = read(fds[f].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(fds[f].fd);
                if (which[f]) {
                    k->err = -1;
                } else {
                    k->data = -1;
                    k->end = now();
                }
                continue;
            }
            if (which[f]) {
                keep_tail(k, chunk, (size_t)got);
            } else if (grow(k, (size_t)got) == 0) {
                memcpy(k->buf + k->len, chunk, (size_t)got);
                k->len += (size_t)got;
            } else if (status == FS_OK) {
                snprintf(err->msg, sizeof err->msg, "out of memory reading Binaryen's output");
                status = FS_ERR_NOMEM;
            }
        }
    }
    for (unsigned i = 0; i < n; i++) {
        int ws = 0;
        while (waitpid(kids[i].pid, &ws, 0) < 0 && errno == EINTR)
            ;
        out[i].seconds = (kids[i].end ? kids[i].end : now()) - kids[i].start;
        if (status == FS_OK && timed_out) {
            snprintf(err->msg, sizeof err->msg, "Binaryen%s%.120s ran past the time limit of "
                     "%u s and was stopped (FORKSIZE_PEER_TIMEOUT sets it)",
                     opts[i].wasm_opt ? " " : "", opts[i].wasm_opt ? opts[i].wasm_opt : "",
                     (unsigned)limit);
            status = FS_ERR_UNSUPPORTED;
        } else if (status == FS_OK) {
            if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
                describe(&kids[i], ws, err);
                status = FS_ERR_UNSUPPORTED;
            } else if (parse(&kids[i], &out[i]) != 0) {
                snprintf(err->msg, sizeof err->msg, "Binaryen's output was cut short");
                status = FS_ERR_UNSUPPORTED;
            }
        }
        free(kids[i].buf);
    }
    if (dir[0])
        remove_dir(dir);
    if (status != FS_OK)
        for (unsigned i = 0; i < n; i++)
            fs_peer_out_free(&out[i]);
    return status;
}

void fs_peer_out_free(fs_peer_out *o)
{
    for (uint32_t i = 0; i < o->nnames; i++)
        free(o->names[i]);
    free(o->names);
    free(o->wasm);
    memset(o, 0, sizeof *o);
}
