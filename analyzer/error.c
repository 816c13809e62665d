/* error.c - filling an fs_error, the one way every layer reports a failure. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wasm.h"

int fs_error_setf(fs_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    memset(err, 0, sizeof *err);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}
