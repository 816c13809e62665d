/* culprits_cmd.h - forksize culprits: see culprits_cmd.c. */
#ifndef FS_CULPRITS_CMD_H
#define FS_CULPRITS_CMD_H

/* argv[0] is "culprits".  Returns the process exit status. */
int fs_cmd_culprits(int argc, char **argv);

#endif
