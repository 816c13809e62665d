/* output.c - temp file + fsync + rename. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int fs_out_open(fs_out *o, const char *path, const char *input, fs_error *err)
{
    memset(o, 0, sizeof *o);
    memset(err, 0, sizeof *err);
    if (!path || !strcmp(path, "-")) {
        o->fp = stdout;
        return FS_OK;
    }
    o->target = path;
    if (input && same_file(path, input)) {
        snprintf(err->msg, sizeof err->msg, "refusing to write over the input module");
        return FS_ERR_USAGE;
    }
    /* Only a regular file (or a new one) is replaced atomically.  Renaming
     * over a device, FIFO or socket would replace the node itself: -o
     * /dev/null would turn /dev/null into a regular file.  Those are
     * written in place, as a shell redirection would. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err->msg, sizeof err->msg, "is a directory");
            return FS_ERR_USAGE;
        }
        o->fp = fopen(path, "w");
        if (!o->fp) {
            snprintf(err->msg, sizeof err->msg, "cannot open for writing: %s", strerror(errno));
            return FS_ERR_IO;
        }
        o->direct = 1;
        return FS_OK;
    }
    int n = snprintf(o->tmp, sizeof o->tmp, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof o->tmp) {
        snprintf(err->msg, sizeof err->msg, "output path too long");
        return FS_ERR_USAGE;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        snprintf(err->msg, sizeof err->msg, "cannot create a file beside the output: %s",
                 strerror(errno));
        o->tmp[0] = 0;
        return FS_ERR_IO;
    }
    /* mkstemp creates 0600; a report is an ordinary file. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        close(fd);
        unlink(o->tmp);
        snprintf(err->msg, sizeof err->msg, "cannot open the output: %s", strerror(errno));
        return FS_ERR_IO;
    }
    return FS_OK;
}

int fs_out_commit(fs_out *o, fs_error *err)
{
    memset(err, 0, sizeof *err);
    if (!o->tmp[0]) {
        int bad = fflush(o->fp) != 0 || ferror(o->fp);
        if (o->direct && fclose(o->fp) != 0)
            bad = 1;
        o->fp = NULL;
        if (bad) {
            snprintf(err->msg, sizeof err->msg, "write error: %s", strerror(errno));
            return FS_ERR_IO;
        }
        return FS_OK;
    }
    int bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
    int saved = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (!bad && rename(o->tmp, o->target) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(o->tmp);
        snprintf(err->msg, sizeof err->msg, "cannot write the output: %s", strerror(saved));
        return FS_ERR_IO;
    }
    o->tmp[0] = 0;
    return FS_OK;
}

void fs_out_abort(fs_out *o)
{
    if (o->direct && o->fp)
        fclose(o->fp);
    if (o->tmp[0]) {
        if (o->fp)
            fclose(o->fp);
        unlink(o->tmp);
        o->tmp[0] = 0;
    }
    o->fp = NULL;
}
