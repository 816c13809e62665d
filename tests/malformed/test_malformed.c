/* test_malformed.c - the decoder against broken input, in process.
 *
 *   test_malformed FIXTURE.wasm...
 *
 * For every fixture (plus the module handmade.c builds) it runs:
 *   a. every truncation bytes[0..k), k < size;
 *   b. the targeted corruptions of targeted.c (fixture-independent);
 *   c. a fixed-seed mutation loop over all of them.
 * A decode must return FS_OK or FS_ERR_MALFORMED with an offset inside
 * the input, never crash (the sanitizer build checks memory), never take
 * long (each decode is timed; the whole run has an alarm) and never
 * allocate in proportion to a count it read (the address space is capped
 * so that such an allocation fails as FS_ERR_NOMEM).  Accepted inputs
 * also go through graph, closure and cost (mf_check_accepted).
 * Each phase runs in its own process, so a crash fails that phase only.
 * Prints "N passed, M failed"; exits 1 on any failure.
 */
#include "mf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define MF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MF_ASAN 1
#endif
#endif

#ifdef MF_ASAN
/* ASan reserves terabytes of address space, so RLIMIT_AS cannot be used;
 * instead its allocator refuses (returns NULL for) anything above 1 GiB. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}
#endif

#define MUTATIONS   20000u
#define MUTATE_SEED 0x5EED2024F0125123ull
#define ALARM_S     300

static const char *volatile phase = "start";

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: no progress for too long (a hang?) in phase: ";
    ssize_t w = write(2, msg, sizeof msg - 1);
    w = write(2, phase, strlen(phase));
    w = write(2, "\n", 1);
    (void)w;
    _exit(1);
}

/* Caps memory so that an allocation sized by a bogus count fails, and
 * checks that the cap works: otherwise the count tests could not fail. */
static void cap_memory(void)
{
#ifndef MF_ASAN
    struct rlimit rl = { (rlim_t)1 << 30, (rlim_t)1 << 30 };
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        perror("setrlimit");
#endif
#ifdef MF_ASAN
    printf("(ASan's warning about failing to allocate 0x80000000 bytes is this check)\n");
#endif
    void *volatile p = malloc((size_t)2 << 30);
    mf_check(p == NULL, "memory cap", "a 2 GiB allocation succeeded: the cap is not in force");
    free(p);
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    *n = len;
    return b;
}

/* ---- an independent view of the section layout ---------------------- */

typedef struct secinfo {
    uint8_t  id;
    size_t   payload, end;    /* payload offset, one past the payload */
    uint32_t first;           /* the payload's leading u32 (a count) */
} secinfo;

static int leb(const uint8_t *b, size_t n, size_t *pos, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (*pos >= n)
            return 0;
        uint8_t byte = b[(*pos)++];
        v |= (uint32_t)(byte & 0x7F) << (7 * i);
        if (!(byte & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

/* Walks the section headers of a well-formed module; returns the number
 * of sections (at most MAX), or -1 if the framing is broken. */
static int sections_of(const uint8_t *b, size_t n, secinfo *out, int max)
{
    size_t pos = 8;
    int k = 0;
    while (pos < n) {
        uint32_t size;
        if (k == max)
            return -1;
        out[k].id = b[pos++];
        if (!leb(b, n, &pos, &size) || size > n - pos)
            return -1;
        out[k].payload = pos;
        out[k].end = pos + size;
        size_t p2 = pos;
        out[k].first = 0;
        if (out[k].id != 0 && size)
            leb(b, out[k].end, &p2, &out[k].first);
        pos += size;
        k++;
    }
    return k;
}

/* ---- a. truncations -------------------------------------------------- */

/* A prefix that stops at a section boundary is itself a module, valid
 * unless it declares functions without their code section or a data
 * count without the data segments to match. */
static int prefix_valid(const secinfo *s, int nsec)
{
    uint32_t funcs = 0, datacount = 0, data = 0;
    int has_code = 0, has_dc = 0;
    for (int i = 0; i < nsec; i++) {
        switch (s[i].id) {
        case 3:  funcs = s[i].first; break;
        case 10: has_code = 1; break;
        case 11: data = s[i].first; break;
        case 12: has_dc = 1; datacount = s[i].first; break;
        default: break;
        }
    }
    return (funcs == 0 || has_code) && (!has_dc || datacount == data);
}

static void truncations(const char *name, const uint8_t *bytes, size_t n)
{
    secinfo s[256];
    int nsec = sections_of(bytes, n, s, 256);
    if (!mf_check(nsec >= 0, name, "fixture framing unreadable"))
        return;
    unsigned boundaries = 0;
    char label[160];
    for (size_t k = 0; k < n; k++) {
        int at_boundary = k == 8, included = 0;
        for (int i = 0; i < nsec; i++) {
            if (s[i].end <= k)
                included = i + 1;
            if (s[i].end == k)
                at_boundary = 1;
        }
        fs_error err;
        fs_wasm_module m;
        snprintf(label, sizeof label, "%s truncated to %zu bytes", name, k);
        int st = mf_decode(label, bytes, k, &err, &m);
        if (at_boundary && prefix_valid(s, included)) {
            boundaries++;
            mf_check(st == FS_OK, label, "a complete module (ends at a section boundary) "
                     "was rejected: status %d at 0x%llx: %s", st,
                     (unsigned long long)err.offset, err.msg);
            continue;
        }
        mf_check(st == FS_ERR_MALFORMED && err.has_offset && err.offset <= k, label,
                 "expected FS_ERR_MALFORMED at an offset <= %zu, got status %d%s at 0x%llx: %s",
                 k, st, err.has_offset ? "" : " (no offset)", (unsigned long long)err.offset,
                 st == FS_OK ? "(accepted)" : err.msg);
    }
    printf("  %s: %zu truncations (%u end at a boundary where the prefix is a module)\n",
           name, n, boundaries);
}

/* ---- c. mutations ---------------------------------------------------- */

static uint64_t rng_state = MUTATE_SEED;

static uint64_t rnd(void)           /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct fixture {
    const char *name;
    uint8_t    *bytes;
    size_t      n;
} fixture;

static void mutations(const fixture *fx, int nfx)
{
    /* Values that change a structure's meaning rather than just its
     * contents: LEB continuation, counts, opcodes, type bytes, prefixes. */
    static const uint8_t special[] = { 0x00, 0x01, 0x02, 0x0B, 0x40, 0x41, 0x60, 0x63, 0x64,
                                       0x70, 0x7F, 0x80, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF };
    unsigned ok = 0, malformed = 0;
    uint8_t *buf = NULL;
    size_t cap = 0;
    char label[160];
    for (unsigned i = 0; i < MUTATIONS; i++) {
        const fixture *f = &fx[i % (unsigned)nfx];
        if (f->n > cap) {
            free(buf);
            buf = malloc(cap = f->n);
            if (!buf)
                exit(1);
        }
        memcpy(buf, f->bytes, f->n);
        unsigned nbytes = 1 + (unsigned)(rnd() % 4);
        size_t first = 0;
        for (unsigned j = 0; j < nbytes; j++) {
            /* Mostly past the header (a bad header stops everything), and
             * half the time near the previous change, to hit one LEB or
             * one instruction with several changes. */
            size_t pos;
            if (j > 0 && (rnd() & 1))
                pos = (first + rnd() % 8) % f->n;
            else
                pos = f->n > 8 ? 8 + rnd() % (f->n - 8) : rnd() % f->n;
            if (j == 0)
                first = pos;
            uint64_t r = rnd();
            switch (r % 3) {
            case 0: buf[pos] = (uint8_t)(r >> 8); break;
            case 1: buf[pos] = special[(r >> 8) % sizeof special]; break;
            default: buf[pos] ^= (uint8_t)(1u << ((r >> 8) % 8)); break;
            }
        }
        snprintf(label, sizeof label, "%s mutation #%u", f->name, i);
        fs_error err;
        fs_wasm_module m;
        int st = mf_decode(label, buf, f->n, &err, &m);
        if (st == FS_OK)
            ok++;
        else if (st == FS_ERR_MALFORMED)
            malformed++;
        mf_check((st == FS_OK) ||
                 (st == FS_ERR_MALFORMED && err.has_offset && err.offset <= f->n), label,
                 "status %d%s at 0x%llx (size %zu): %s", st, err.has_offset ? "" : " (no offset)",
                 (unsigned long long)err.offset, f->n, err.msg);
    }
    free(buf);
    printf("  %u mutations: %u accepted (and analysed), %u malformed\n", MUTATIONS, ok,
           malformed);
}

/* ---- one process per phase ----------------------------------------- */

/* Runs FN(ARG) in a child process that sends back its pass/fail counts.
 * A child that dies (a sanitizer abort, a signal, the alarm) or exits
 * non-zero (LeakSanitizer) is one more failure, and the other phases
 * still run: one crash must not hide the rest of the results. */
static void run_phase(const char *name, void (*fn)(void *), void *arg)
{
    int fd[2];
    if (pipe(fd) != 0) {
        perror("pipe");
        exit(1);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        close(fd[0]);
        mf_passed = mf_failed = 0;
        phase = name;
        alarm(ALARM_S);                   /* alarms are not inherited */
        fn(arg);
        unsigned counts[2] = { mf_passed, mf_failed };
        if (write(fd[1], counts, sizeof counts) != (ssize_t)sizeof counts)
            _exit(3);
        close(fd[1]);
        fflush(stdout);
        exit(0);                          /* exit, not _exit: LSan checks at exit */
    }
    close(fd[1]);
    unsigned counts[2] = { 0, 0 };
    size_t got = 0;
    ssize_t r;
    while (got < sizeof counts &&
           (r = read(fd[0], (char *)counts + got, sizeof counts - got)) > 0)
        got += (size_t)r;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got == sizeof counts) {
        mf_passed += counts[0];
        mf_failed += counts[1];
    }
    if (WIFSIGNALED(status))
        mf_check(0, name, "the phase died of signal %d%s", WTERMSIG(status),
                 got == sizeof counts ? " after reporting" : "; its checks are lost");
    else if (WEXITSTATUS(status) != 0)
        mf_check(0, name, "the phase exited with status %d%s (a sanitizer report above?)",
                 WEXITSTATUS(status), got == sizeof counts ? "" : " before reporting");
}

static void truncations_phase(void *arg)
{
    const fixture *f = arg;
    truncations(f->name, f->bytes, f->n);
}

static void targeted_phase(void *arg)
{
    ((const mf_group *)arg)->run();
}

typedef struct fixtures {
    const fixture *fx;
    int            n;
} fixtures;

static void mutations_phase(void *arg)
{
    const fixtures *f = arg;
    mutations(f->fx, f->n);
}

static void structure_phase(void *arg)
{
    const fixtures *f = arg;
    for (int i = 0; i < f->n; i++)
        mf_expect_ok(f->fx[i].name, f->fx[i].bytes, f->fx[i].n);
    mf_handmade_check();
}

int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    setvbuf(stdout, NULL, _IOLBF, 0);
    cap_memory();

    fixture fx[16];
    int nfx = 0;
    for (int i = 1; i < argc && nfx < 14; i++) {
        fx[nfx].name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        fx[nfx].bytes = read_file(argv[i], &fx[nfx].n);
        if (!mf_check(fx[nfx].bytes != NULL, argv[i], "cannot read the fixture"))
            continue;
        nfx++;
    }
    mf_check(argc > 1, "arguments", "usage: test_malformed FIXTURE.wasm...");
    mf_buf gc = { 0 };
    mf_handmade_gc(&gc);
    fx[nfx++] = (fixture){ "handmade-gc", gc.b, gc.n };
    fixtures all = { fx, nfx };

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_phase("fixtures decode", structure_phase, &all);

    printf("a. truncations\n");
    for (int i = 0; i < nfx; i++)
        run_phase("truncations", truncations_phase, &fx[i]);

    printf("b. targeted corruptions\n");
    for (unsigned g = 0; g < mf_ntargeted_groups; g++) {
        unsigned before = mf_passed + mf_failed, failed = mf_failed;
        run_phase(mf_targeted_groups[g].name, targeted_phase, (void *)&mf_targeted_groups[g]);
        printf("  %-28s %u checks, %u failed\n", mf_targeted_groups[g].name,
               mf_passed + mf_failed - before, mf_failed - failed);
    }

    printf("c. mutations (seed 0x%llx)\n", (unsigned long long)MUTATE_SEED);
    run_phase("mutations", mutations_phase, &all);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("elapsed %.2f s\n", (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    for (int i = 0; i < nfx; i++)
        if (fx[i].bytes != gc.b)
            free(fx[i].bytes);
    mf_buf_free(&gc);
    printf("%u passed, %u failed\n", mf_passed, mf_failed);
    return mf_failed ? 1 : 0;
}
