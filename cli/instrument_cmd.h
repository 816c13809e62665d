/* instrument_cmd.h - forksize instrument: see instrument_cmd.c. */
#ifndef FS_INSTRUMENT_CMD_H
#define FS_INSTRUMENT_CMD_H

/* argv[0] is "instrument".  Returns the process exit status. */
int fs_cmd_instrument(int argc, char **argv);

#endif
