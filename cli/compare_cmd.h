/* compare_cmd.h - forksize compare: see compare_cmd.c. */
#ifndef FS_COMPARE_CMD_H
#define FS_COMPARE_CMD_H

/* argv[0] is "compare".  Returns the process exit status. */
int fs_cmd_compare(int argc, char **argv);

#endif
