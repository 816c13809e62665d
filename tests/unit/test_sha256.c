/* test_sha256.c - checks analyzer/sha256.c.
 *
 *   cc -std=c11 -O2 tests/unit/test_sha256.c analyzer/sha256.c
 *
 * Three independent references: the published FIPS 180-4 example
 * digests, the portable C path against whichever path fs_sha256 picks
 * (SHA-NI where available), and the system's sha256sum.  Exits 0 only
 * if everything passes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L  /* mkstemp, popen, write */
#endif

#include "../../analyzer/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

static int passed, failed;

static void check(int ok, const char *what, size_t n)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s (n=%zu)\n", what, n);
    }
}

static void to_hex(const uint8_t d[32], char out[FS_SHA256_HEX])
{
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Every entry point must agree with the expected hex digest. */
static void vector(const char *name, const void *data, size_t len,
                   const char *want)
{
    uint8_t d[32];
    char hex[FS_SHA256_HEX];

    fs_sha256(data, len, d);
    to_hex(d, hex);
    check(strcmp(hex, want) == 0, name, len);

    fs_sha256_portable(data, len, d);
    to_hex(d, hex);
    check(strcmp(hex, want) == 0, name, len);

    memset(hex, 'x', sizeof hex);
    fs_sha256_hex(data, len, hex);
    check(strcmp(hex, want) == 0, name, len);
}

/* xorshift: fixed seed so failures reproduce. */
static void fill(uint8_t *p, size_t n)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 32);
    }
}

static void nist(void)
{
    static const char m448[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char m896[] =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    size_t mil = 1000000;
    char *a = malloc(mil);

    vector("empty", "", 0,
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    vector("empty NULL", NULL, 0,
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    vector("abc", "abc", 3,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    vector("448-bit", m448, sizeof m448 - 1,
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    vector("896-bit", m896, sizeof m896 - 1,
           "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    if (!a) {
        check(0, "malloc", mil);
        return;
    }
    memset(a, 'a', mil);
    vector("million a", a, mil,
           "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* 0..300 crosses every padding case (tail < 56, 56..63, exact blocks)
 * several times; the odd offset makes the SIMD loads unaligned. */
static void lengths(void)
{
    uint8_t buf[301 + 1];
    fill(buf, sizeof buf);
    for (size_t n = 0; n <= 300; n++) {
        uint8_t x[32], y[32];
        fs_sha256_portable(buf + 1, n, x);
        fs_sha256(buf + 1, n, y);
        check(memcmp(x, y, 32) == 0, "portable vs fs_sha256", n);
    }
}

/* Run sha256sum on the same bytes written to a temp file. */
static void system_tool(void)
{
    size_t n = 1u << 20;
    uint8_t *buf = malloc(n);
    char path[] = "/tmp/test_sha256.XXXXXX";
    char cmd[64], line[160] = "", hex[FS_SHA256_HEX];
    int fd = -1;
    FILE *f = NULL;
    int ok = 0;

    if (!buf || (fd = mkstemp(path)) < 0)
        goto done;
    fill(buf, n);
    if (write(fd, buf, n) != (ssize_t)n)
        goto done;
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    if (!(f = popen(cmd, "r")))
        goto done;
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    if (pclose(f) != 0)
        goto done;
    fs_sha256_hex(buf, n, hex);
    ok = strlen(line) > 64 && memcmp(line, hex, 64) == 0;
    if (!ok)
        printf("sha256sum: %.64s\nfs_sha256: %s\n", line, hex);
done:
    check(ok, "1 MB vs sha256sum", n);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(buf);
}

int main(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & bit_SHA))
        printf("note: no SHA-NI here; both paths are the portable one\n");
#endif
    nist();
    lengths();
    system_tool();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
