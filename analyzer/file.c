/* file.c - a whole small file read into memory (see file.h). */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_file_read(const char *path, char **buf, size_t *len, fs_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return fs_error_setf(err, FS_ERR_IO, "cannot open: %s", strerror(errno));
    /* Grown by doubling rather than sized by fstat, so that pipes and
     * /dev/stdin-style paths read the same way as regular files. */
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap + 1);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = cap <= ((size_t)-1 - 1) / 2 ? realloc(b, cap * 2 + 1) : NULL;
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    int e = errno, bad = ferror(f);
    fclose(f);
    if (!b)
        return fs_error_setf(err, FS_ERR_NOMEM, "cannot read: out of memory");
    if (bad) {
        free(b);
        return fs_error_setf(err, FS_ERR_IO, "cannot read: %s", strerror(e));
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return FS_OK;
}
