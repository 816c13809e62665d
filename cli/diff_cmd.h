/* diff_cmd.h - the `diff` subcommand (CLI layer): two results compared.
 *
 * argv[0] is "diff"; returns the exit status: 0 no gate tripped, 1 a gate
 * (--fail-above, --fail-above-bytes) tripped, 2 bad input or usage or
 * reports made with different options (without --force), 3 no root
 * matched on a side (unless --allow-empty), 4 --apply asyncify refused.
 */
#ifndef FS_DIFF_CMD_H
#define FS_DIFF_CMD_H

int fs_cmd_diff(int argc, char **argv);

#endif
