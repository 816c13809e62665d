/* culprits_cmd.c - forksize culprits (being written; see issue 5). */
#include "culprits_cmd.h"
#include "cliutil.h"

int fs_cmd_culprits(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return fs_cli_usage("culprits", "not implemented yet");
}
