/* options.h - command-line parsing for forksize (CLI layer). */
#ifndef FS_OPTIONS_H
#define FS_OPTIONS_H

#include "closure.h"
#include "cost.h"
#include "cliutil.h"
#include "report.h"


typedef enum fs_command { FS_CMD_STATS, FS_CMD_OPCODES, FS_CMD_HELP, FS_CMD_VERSION } fs_command;

typedef struct fs_options {
    fs_command      command;
    const char     *module;
    const char     *output;          /* -o FILE, NULL or "-" for stdout */
    fs_format       format;
    unsigned        top;
    int             allow_empty;
    int             quiet;
    fs_cli_analysis an;              /* --root, --indirect, --model, --apply, -O */
    int             no_precheck;
    int             whatif;          /* --whatif: forkinstr's steps, measured */
} fs_options;

/* Fills o from argv.  On a usage error returns FS_ERR_USAGE with err. */
int fs_options_parse(fs_options *o, int argc, char **argv, fs_error *err);

extern const char fs_usage_text[];

#endif
