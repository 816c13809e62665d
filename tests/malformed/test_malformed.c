/* test_malformed.c - the decoder against broken input, in process.
 *
 *   test_malformed FIXTURE.wasm...
 *
 * For every fixture (plus two modules built here) it runs:
 *   a. every truncation bytes[0..k), k < size;
 *   b. the targeted corruptions of targeted.c (fixture-independent);
 *   c. a fixed-seed mutation loop over all of them.
 * A decode must return FS_OK or FS_ERR_MALFORMED with an offset inside
 * the input, never crash (the sanitizer build checks memory), never take
 * long (each decode is timed; the whole run has an alarm) and never
 * allocate in proportion to a count it read (the address space is capped
 * so that such an allocation fails as FS_ERR_NOMEM).
 * Prints "N passed, M failed"; exits 1 on any failure.
 */
#include "mf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    alarm(ALARM_S);
    cap_memory();
    setvbuf(stdout, NULL, _IOLBF, 0);

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

    double t0 = (double)clock() / CLOCKS_PER_SEC;
    phase = "fixtures decode";
    for (int i = 0; i < nfx; i++)
        mf_expect_ok(fx[i].name, fx[i].bytes, fx[i].n);

    printf("a. truncations\n");
    phase = "truncations";
    for (int i = 0; i < nfx; i++)
        truncations(fx[i].name, fx[i].bytes, fx[i].n);

    printf("b. targeted corruptions\n");
    phase = "targeted corruptions";
    unsigned before = mf_passed + mf_failed;
    mf_targeted();
    printf("  %u checks\n", mf_passed + mf_failed - before);

    printf("c. mutations (seed 0x%llx)\n", (unsigned long long)MUTATE_SEED);
    phase = "mutations";
    mutations(fx, nfx);

    printf("cpu time %.2f s\n", (double)clock() / CLOCKS_PER_SEC - t0);
    for (int i = 0; i < nfx; i++)
        if (fx[i].bytes != gc.b)
            free(fx[i].bytes);
    mf_buf_free(&gc);
    printf("%u passed, %u failed\n", mf_passed, mf_failed);
    return mf_failed ? 1 : 0;
}
