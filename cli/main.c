/* main.c - forksize's command line: the only place that prints or exits.
 *
 * One table of commands.  The first argument picks one; anything else
 * (a module, an option) runs stats, the default command.  Each command
 * parses its own options (the shared ones through cliutil.h) and returns
 * an exit status from fs_exit (cliutil.h, docs/cli.md "Exit status").
 */
#include <stdio.h>
#include <string.h>

#include "check_cmd.h"
#include "cliutil.h"
#include "closure_cmd.h"
#include "compare_cmd.h"
#include "culprits_cmd.h"
#include "diff_cmd.h"
#include "instrument_cmd.h"
#include "options.h"
#include "stats_cmd.h"

static int cmd_stats(int argc, char **argv);
static int cmd_opcodes(int argc, char **argv);

static const struct command {
    const char *name;
    const char *synopsis;                /* after "forksize " in --help */
    int (*run)(int argc, char **argv);   /* argv[0] is the command's word */
} commands[] = {
    { "stats", "[stats | --stats] MODULE.wasm [options]", cmd_stats },
    { "opcodes", "opcodes MODULE.wasm [--format text|json] [-o FILE]", cmd_opcodes },
    { "closure", "closure MODULE.wasm [--onlylist FILE | --why FUNC |\n"
      "                        --format text|json [-o FILE]] [options]", fs_cmd_closure },
    { "check-onlylist", "check-onlylist MODULE.wasm LIST [options]", fs_cmd_check_onlylist },
    { "diff", "diff BASE NEW [--fail-above PCT] [--fail-above-bytes N] [options]", fs_cmd_diff },
    { "compare", "compare MODULE.wasm... [-j N] [--format text|md|csv|json|svg] [options]",
      fs_cmd_compare },
    { "culprits", "culprits MODULE.wasm [--format text|json] [-o FILE] [--top N] [options]",
      fs_cmd_culprits },
    { "instrument", "instrument MODULE.wasm -o OUT.wasm [--stages LIST] [options]",
      fs_cmd_instrument },
    { "check", "check MODULE.wasm [--wasm-opt PATH] [--pass-arg KEY[@VALUE]]... [options]",
      fs_cmd_check },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void help(void)
{
    for (size_t k = 0; k < NCOMMANDS; k++)
        printf("%s forksize %s\n", k ? "      " : "usage:", commands[k].synopsis);
    printf("       forksize --help | --version\n");
    fputs(fs_usage_text, stdout);
}

/* stats and opcodes share one option parser (options.c). */
static int parsed(fs_command command, int argc, char **argv)
{
    fs_options o;
    fs_error err;
    if (fs_options_parse(&o, command, argc, argv, &err)) {
        fprintf(stderr, "forksize: %s\nusage: forksize [", err.msg);
        for (size_t k = 0; k < NCOMMANDS; k++)
            fprintf(stderr, "%s%s", k ? " | " : "", commands[k].name);
        fprintf(stderr, "] ARGS... [options]  (forksize --help)\n");
        return FS_EXIT_BAD;
    }
    switch (o.command) {
    case FS_CMD_HELP:
        help();
        return FS_EXIT_OK;
    case FS_CMD_VERSION:
        printf("forksize %s\n", FORKSIZE_VERSION);
        return FS_EXIT_OK;
    case FS_CMD_STATS:
        return fs_stats_run(&o);
    case FS_CMD_OPCODES:
        return fs_opcodes_run(&o);
    }
    return FS_EXIT_BAD;
}

static int cmd_stats(int argc, char **argv)
{
    return parsed(FS_CMD_STATS, argc, argv);
}

static int cmd_opcodes(int argc, char **argv)
{
    return parsed(FS_CMD_OPCODES, argc, argv);
}

int main(int argc, char **argv)
{
    for (size_t k = 0; argc > 1 && k < NCOMMANDS; k++)
        if (!strcmp(argv[1], commands[k].name))
            return commands[k].run(argc - 1, argv + 1);
    return cmd_stats(argc, argv);
}
