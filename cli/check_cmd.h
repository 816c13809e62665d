/* check_cmd.h - forksize check: see check_cmd.c. */
#ifndef FS_CHECK_CMD_H
#define FS_CHECK_CMD_H

/* argv[0] is "check".  Returns the process exit status. */
int fs_cmd_check(int argc, char **argv);

#endif
