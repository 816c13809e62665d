/* cliutil.h - small pieces every forksize command shares (CLI layer). */
#ifndef FS_CLIUTIL_H
#define FS_CLIUTIL_H

#include "wasm.h"

/* Prints "forksize: PATH: offset 0x..: MSG" (or without offset / path)
 * on stderr and returns STATUS, the caller's exit status. */
int fs_cli_fail(const char *path, const fs_error *err, int status);

/* Is ARG the option NAME, alone or as "NAME=value"? */
int fs_cli_is_opt(const char *arg, const char *name);

/* The value of option NAME at argv[*i]: "NAME=value", or the next
 * argument (advancing *i); NULL when there is none. */
const char *fs_cli_value(int argc, char **argv, int *i, const char *name);

#endif
