/* fi_dline.c - .debug_line rewritten through the address map. */
#include <stdio.h>

#include "fi_debug.h"

int fi_dline_rewrite(const uint8_t *sec, uint32_t size, uint32_t file_off,
                     const fi_amap *amap, fi_buf *out, char *why, size_t why_size)
{
    (void)sec; (void)size; (void)file_off; (void)amap; (void)out;
    snprintf(why, why_size, "dropped: it holds code addresses, which forkinstr moved, and "
                            "forksize cannot rewrite this section yet");
    return FS_ERR_UNSUPPORTED;
}
