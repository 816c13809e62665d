/* dmtool.c - the test driver for analyzer/demangle.c (tests/demangle/).
 *
 *   dmtool names            stdin: one name a line; stdout, a line each:
 *                           "OK<TAB>demangled", "REFUSED<TAB>raw" or
 *                           "PLAIN<TAB>raw"
 *   dmtool scope            stdin: names; stdout: "namespace<TAB>demangled"
 *                           for each demangled one (- for no namespace)
 *   dmtool mutate SEED N    stdin: mangled names; each is mutated N times
 *                           (bytes replaced, inserted, deleted, spans
 *                           duplicated) and demangled; any result must be
 *                           NUL-terminated and fit; exits 0 when all are
 *                           sane, and prints how many mutants were
 *                           demangled, refused and plain (run it under
 *                           ASan: a crash or a leak is the failure)
 *   dmtool mutate SEED N print   the same, and prints every mutant (for a
 *                           differential check against llvm-cxxfilt-14)
 *   dmtool hostile          built-in deep and long inputs: every one must
 *                           be refused (none may crash or take long)
 */
#include "demangle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char out[FS_DEMANGLE_MAX_OUT + 64];

static int names(void)
{
    static char line[FS_DEMANGLE_MAX_IN * 4];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n"), ol = 0;
        line[n] = 0;
        fs_demangle_result r = fs_demangle(line, n, out, sizeof out, &ol);
        if (r == FS_DEMANGLE_OK && (ol != strlen(out) || !ol)) {
            fprintf(stderr, "dmtool: bad length for %s\n", line);
            return 1;
        }
        printf("%s\t%s\n", r == FS_DEMANGLE_OK ? "OK" : r == FS_DEMANGLE_REFUSED ? "REFUSED" : "PLAIN",
               r == FS_DEMANGLE_OK ? out : line);
    }
    return 0;
}

static int scope(void)
{
    static char line[FS_DEMANGLE_MAX_IN * 4];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n"), ol = 0, off, len;
        line[n] = 0;
        if (fs_demangle_scope(line, n, out, sizeof out, &ol, &off, &len) == FS_DEMANGLE_OK)
            printf("%.*s\t%s\n", len ? (int)len : 1, len ? out + off : "-", out);
    }
    return 0;
}

static uint64_t rng;
static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const char alphabet[] = "_ZRNESTIJLXDpvicdfsjmlEKVPROFCDUtlB0123456789$.abcxyz";

/* llvm-cxxfilt splits its input at bytes outside these: only such
 * mutants can be compared with it. */
static int cxxfilt_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '$' || s[i] == '.'))
            return 0;
    return 1;
}

static int check_one(const char *m, size_t n, unsigned long counts[3])
{
    size_t ol = 0;
    memset(out, 'X', sizeof out);
    fs_demangle_result r = fs_demangle(m, n, out, FS_DEMANGLE_MAX_OUT, &ol);
    counts[r]++;
    if (r == FS_DEMANGLE_OK && (ol >= FS_DEMANGLE_MAX_OUT || out[ol] != 0 || memchr(out, 0, ol))) {
        fprintf(stderr, "dmtool: bad output for %.*s\n", (int)(n > 200 ? 200 : n), m);
        return 1;
    }
    /* A smaller buffer gives the same text, or a refusal when it does not
     * fit: never another reading of the name. */
    static char small[48];
    size_t sl = 0;
    fs_demangle_result rs = fs_demangle(m, n, small, sizeof small, &sl);
    if (r == FS_DEMANGLE_OK && (ol < sizeof small ? rs != FS_DEMANGLE_OK || sl != ol || memcmp(small, out, ol + 1)
                                                  : rs != FS_DEMANGLE_REFUSED)) {
        fprintf(stderr, "dmtool: another answer with a %zu-byte buffer for %.*s\n", sizeof small,
                (int)(n > 200 ? 200 : n), m);
        return 1;
    }
    return 0;
}

/* Names that once broke an invariant of check_one (found by fuzz_demangle). */
static const char *const regressions[] = {
    /* legacy Rust whose text overflowed a small buffer was then read as Itanium */
    "_ZN71_GLOBAL__N.ops..raoge..RangZ1fPPFrRFiThNK$GT$3gmt17h0123456t..Debug$GT$3gmt"
    "17h0123456789abcdefE",
};

static int mutate(unsigned long seed, unsigned long per, int print)
{
    static char line[FS_DEMANGLE_MAX_IN];
    static char buf[FS_DEMANGLE_MAX_IN * 2];
    unsigned long counts[3] = {0, 0, 0};
    rng = seed * 2654435761u + 1;
    for (size_t i = 0; i < sizeof regressions / sizeof regressions[0]; i++)
        if (check_one(regressions[i], strlen(regressions[i]), counts)) return 1;
    while (fgets(line, sizeof line, stdin)) {
        size_t n0 = strcspn(line, "\r\n");
        for (unsigned long k = 0; k < per; k++) {
            size_t n = n0;
            memcpy(buf, line, n);
            int edits = 1 + (int)(next() % 4);
            for (int e = 0; e < edits; e++) {
                size_t at = n ? next() % n : 0;
                switch (next() % 5) {
                case 0: if (n) buf[at] = alphabet[next() % (sizeof alphabet - 1)]; break;
                case 1: if (n) buf[at] = (char)(next() & 0xff); break;
                case 2: if (n + 1 < sizeof buf) {          /* insert */
                            memmove(buf + at + 1, buf + at, n - at);
                            buf[at] = alphabet[next() % (sizeof alphabet - 1)];
                            n++;
                        }
                        break;
                case 3: if (n > 3) {                       /* delete */
                            memmove(buf + at, buf + at + 1, n - at - 1);
                            n--;
                        }
                        break;
                default: {                                 /* duplicate a span */
                    size_t len = n ? 1 + next() % (n - at < 16 ? n - at : 16) : 0;
                    if (n && n + len < sizeof buf) {
                        memmove(buf + at + len, buf + at, n - at);
                        n += len;
                    }
                }
                }
            }
            if (check_one(buf, n, counts)) return 1;
            if (print && cxxfilt_word(buf, n))
                printf("%.*s\n", (int)n, buf);
        }
    }
    fprintf(print ? stderr : stdout, "demangled %lu refused %lu plain %lu\n", counts[FS_DEMANGLE_OK],
           counts[FS_DEMANGLE_REFUSED], counts[FS_DEMANGLE_PLAIN]);
    return 0;
}

/* Inputs built to hit the bounds: deep nesting, long runs, many
 * substitutions, an over-long name, backrefs pointing forward. */
static int hostile(void)
{
    static char buf[FS_DEMANGLE_MAX_IN * 4];
    unsigned long counts[3] = {0, 0, 0};
    int cases = 0, bad = 0;
#define RUN(len) do { size_t ol; cases++; \
        fs_demangle_result r = fs_demangle(buf, (len), out, FS_DEMANGLE_MAX_OUT, &ol); \
        if (r != FS_DEMANGLE_REFUSED) { bad++; fprintf(stderr, "dmtool: hostile case %d not refused\n", cases); } \
        (void)counts; } while (0)
    size_t n;
    /* pointer to pointer to ... int: depth */
    n = (size_t)sprintf(buf, "_Z1f");
    memset(buf + n, 'P', 1500); n += 1500; buf[n++] = 'i';
    RUN(n);
    /* nested template args A<A<A<...>>> */
    n = (size_t)sprintf(buf, "_Z1f");
    for (int i = 0; i < 300; i++) n += (size_t)sprintf(buf + n, "1AI");
    buf[n++] = 'i';
    for (int i = 0; i < 300; i++) buf[n++] = 'E';
    RUN(n);
    /* output blow-up: each S_ doubles the printed text */
    n = (size_t)sprintf(buf, "_Z1fPFvPFv1AE");
    for (int i = 0; i < 200; i++) n += (size_t)sprintf(buf + n, "S%d_", i % 10);
    buf[n++] = 'E';
    RUN(n);
    /* too long to try */
    n = (size_t)sprintf(buf, "_ZN");
    for (int i = 0; i < 1200; i++) n += (size_t)sprintf(buf + n, "1a");
    buf[n++] = 'E';
    RUN(n);
    /* a length past the end */
    n = (size_t)sprintf(buf, "_Z999999999999999999999f");
    RUN(n);
    /* a legacy ident's length running into the hash (fuzz_demangle found
     * the reader going past the end) */
    n = (size_t)sprintf(buf, "_ZN7mg423333417h1111222233334444E");
    RUN(n);
    /* v0 backrefs: to itself, forward, and deep */
    n = (size_t)sprintf(buf, "_RB_"); RUN(n);
    n = (size_t)sprintf(buf, "_RNvB9_3foo"); RUN(n);
    n = (size_t)sprintf(buf, "_R");
    for (int i = 0; i < 400; i++) buf[n++] = 'N', buf[n++] = 'v';
    n += (size_t)sprintf(buf + n, "C1a");
    for (int i = 0; i < 400; i++) n += (size_t)sprintf(buf + n, "1b");
    RUN(n);
    /* v0 tuples of slices of ... */
    n = (size_t)sprintf(buf, "_RINvC1a1fS");
    for (int i = 0; i < 500; i++) buf[n++] = 'S';
    buf[n++] = 'l'; buf[n++] = 'E';
    RUN(n);
#undef RUN
    printf("hostile %d cases, %d not refused\n", cases, bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "names") == 0)
        return names();
    if (argc >= 4 && strcmp(argv[1], "mutate") == 0)
        return mutate(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10), argc > 4);
    if (argc >= 2 && strcmp(argv[1], "scope") == 0)
        return scope();
    if (argc >= 2 && strcmp(argv[1], "hostile") == 0)
        return hostile();
    fprintf(stderr, "usage: dmtool names | mutate SEED N | hostile\n");
    return 2;
}
