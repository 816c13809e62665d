/* closure_cmd.h - the `closure` and `check-onlylist` subcommands (CLI layer).
 *
 * argv[0] is the subcommand's name; each returns the process exit status:
 * 0 success, 1 (check-onlylist) functions missing from the list or
 * (closure --why) the function is not in the closure, 2 bad input or
 * usage, 3 no root matched (unless --allow-empty).
 */
#ifndef FS_CLOSURE_CMD_H
#define FS_CLOSURE_CMD_H

int fs_cmd_closure(int argc, char **argv);
int fs_cmd_check_onlylist(int argc, char **argv);

#endif
