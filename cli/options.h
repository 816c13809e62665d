/* options.h - command-line parsing for forksize (CLI layer). */
#ifndef FS_OPTIONS_H
#define FS_OPTIONS_H

#include "cliutil.h"
#include "report.h"

typedef enum fs_command { FS_CMD_STATS, FS_CMD_OPCODES, FS_CMD_HELP, FS_CMD_VERSION } fs_command;

typedef struct fs_options {
    fs_command      command;
    const char     *module;
    fs_cli_out_opts out;             /* --format (fs_format), -o FILE, --top */
    int             allow_empty;
    int             quiet;
    fs_cli_analysis an;              /* --root, --indirect, --model, --apply, -O */
    int             no_precheck;
    int             whatif;          /* --whatif: forkinstr's steps, measured */
    int             summary;         /* --summary: JSON without per-function rows */
} fs_options;

/* Fills o from argv for COMMAND (FS_CMD_STATS or FS_CMD_OPCODES); argv[0]
 * is the command's word or the program's name.  --help and --version
 * change o->command.  On a usage error returns FS_ERR_USAGE with err. */
int fs_options_parse(fs_options *o, fs_command command, int argc, char **argv, fs_error *err);

/* The --help text after the synopsis lines (cli/main.c prints those from
 * its command table). */
extern const char fs_usage_text[];

#endif
