/* stats_cmd.h - the default command (stats, with --whatif) and opcodes
 * (CLI layer), run on options parsed by fs_options_parse. */
#ifndef FS_STATS_CMD_H
#define FS_STATS_CMD_H

#include "options.h"

/* Each returns the process exit status (fs_exit). */
int fs_stats_run(const fs_options *o);
int fs_opcodes_run(const fs_options *o);

#endif
