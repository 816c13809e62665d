/* cliutil.c - see cliutil.h. */
#include "cliutil.h"

#include <stdio.h>
#include <string.h>

int fs_cli_fail(const char *path, const fs_error *err, int status)
{
    if (path && err->has_offset)
        fprintf(stderr, "forksize: %s: offset 0x%llx: %s\n", path,
                (unsigned long long)err->offset, err->msg);
    else if (path)
        fprintf(stderr, "forksize: %s: %s\n", path, err->msg);
    else
        fprintf(stderr, "forksize: %s\n", err->msg);
    return status;
}

int fs_cli_is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == 0 || arg[n] == '=');
}

const char *fs_cli_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(arg, name, n) && arg[n] == '=')
        return arg + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}
