/* compare_cmd.c - forksize compare (being written; see issue 5). */
#include "compare_cmd.h"
#include "cliutil.h"

int fs_cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return fs_cli_usage("compare", "not implemented yet");
}
