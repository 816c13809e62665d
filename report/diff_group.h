/* diff_group.h - forksize diff --group-by: two sides' groups side by side.
 *
 * Groups pair by key (a file, a directory, a prefix ...), so this needs no
 * function pairing: each side is grouped on its own (group.h), from the
 * module analyzed now or from the "groups" member of a saved report made
 * with the same --group-by (and --depth).  A key on one side only is a
 * group that appeared or went away; its other side counts as zero.
 */
#ifndef FS_DIFF_GROUP_H
#define FS_DIFF_GROUP_H

#include "group.h"

typedef struct fs_diff_group_row {
    const fs_group *g[2];        /* base, new; NULL when absent on that side */
    int64_t         change;      /* new cost.total - base cost.total */
} fs_diff_group_row;

typedef struct fs_diff_groups {
    fs_groups          side[2];  /* owned */
    fs_diff_group_row *rows;     /* by |change|, then key */
    uint32_t           n;
} fs_diff_groups;

/* Reads the "groups" member of a saved forksize/stats@2 report into G.
 * FS_ERR_MALFORMED (err says why) when it has none for BY/DEPTH. */
int  fs_diff_groups_read_json(fs_groups *g, const char *path, const char *text, size_t len,
                              fs_group_by by, unsigned depth, fs_error *err);
/* Pairs D->side[0] and D->side[1] by key. */
int  fs_diff_groups_join(fs_diff_groups *d, fs_error *err);
void fs_diff_groups_free(fs_diff_groups *d);

/* Text or Markdown (MD), the TOP largest changes (0 = all). */
void fs_diff_groups_emit_text(const fs_diff_groups *d, unsigned top, int md, FILE *out);
struct cJSON *fs_diff_groups_json(const fs_diff_groups *d);

#endif
