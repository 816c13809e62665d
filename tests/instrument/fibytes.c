/* fibytes.c - byte ranges of wasm files for tests/instrument/fi.sh, which
 * cannot read binary data with awk alone.
 *
 *   fibytes hex FILE      reads "ID OFFSET LENGTH" lines on stdin and prints
 *                         "ID HEX" per line (HEX: lowercase, two digits a byte)
 *   fibytes cmp A B       reads "ID OFFSET_A OFFSET_B LENGTH" lines and prints
 *                         the ID of every range whose bytes differ between
 *                         file A and file B
 *
 * Offsets are decimal.  A range past the end of a file is an error (exit 2):
 * the offsets come from the script's own walk of the code section, and a
 * range that does not fit means that walk went wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 20, len = 0;
    unsigned char *p = malloc(cap);
    for (;;) {
        if (!p) {
            fprintf(stderr, "fibytes: out of memory\n");
            exit(2);
        }
        len += fread(p + len, 1, cap - len, f);
        if (len < cap)
            break;
        cap *= 2;
        p = realloc(p, cap);
    }
    if (ferror(f)) {
        perror(path);
        exit(2);
    }
    fclose(f);
    *n = len;
    return p;
}

static void range_ok(const char *path, size_t size, unsigned long long off, unsigned long long len)
{
    if (off > size || len > size - off) {
        fprintf(stderr, "fibytes: %s: range %llu+%llu is past the end (%zu bytes)\n", path, off, len,
                size);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    char id[256];
    unsigned long long oa, ob, len;
    if (argc == 3 && !strcmp(argv[1], "hex")) {
        size_t n;
        unsigned char *p = slurp(argv[2], &n);
        while (scanf("%255s %llu %llu", id, &oa, &len) == 3) {
            range_ok(argv[2], n, oa, len);
            printf("%s ", id);
            for (unsigned long long i = 0; i < len; i++)
                printf("%02x", p[oa + i]);
            putchar('\n');
        }
        free(p);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "cmp")) {
        size_t na, nb;
        unsigned char *a = slurp(argv[2], &na);
        unsigned char *b = slurp(argv[3], &nb);
        while (scanf("%255s %llu %llu %llu", id, &oa, &ob, &len) == 4) {
            range_ok(argv[2], na, oa, len);
            range_ok(argv[3], nb, ob, len);
            if (memcmp(a + oa, b + ob, len))
                printf("%s\n", id);
        }
        free(a);
        free(b);
        return 0;
    }
    fprintf(stderr, "usage: fibytes hex FILE < 'ID OFF LEN' lines | fibytes cmp A B < 'ID OFFA OFFB LEN' lines\n");
    return 2;
}
