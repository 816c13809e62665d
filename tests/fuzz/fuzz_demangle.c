/* fuzz_demangle.c - libFuzzer target for analyzer/demangle.c.
 *
 * Any bytes as a name: fs_demangle_scope must return, within its bounds,
 * a NUL-terminated result with no NUL inside, a namespace span inside it,
 * and the same answer for the same input with a smaller output buffer
 * (either the same text, or a refusal when it does not fit).  A result
 * that is not plain for bytes that do not start with _Z or _R, or plain
 * for bytes that do, is a failure too. */
#include "demangle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[FS_DEMANGLE_MAX_OUT], small[64];
    const char *in = (const char *)data;
    size_t n = 0, off = 0, len = 0, n2 = 0, off2, len2;
    fs_demangle_result r = fs_demangle_scope(in, size, out, sizeof out, &n, &off, &len);
    if ((r == FS_DEMANGLE_PLAIN) != !fs_is_mangled(in, size))
        abort();
    if (r == FS_DEMANGLE_OK) {
        if (!n || n >= sizeof out || out[n] != 0 || memchr(out, 0, n) || off + len > n)
            abort();
        fs_demangle_result r2 = fs_demangle_scope(in, size, small, sizeof small, &n2, &off2, &len2);
        if (n < sizeof small ? (r2 != FS_DEMANGLE_OK || n2 != n || memcmp(small, out, n + 1))
                             : r2 != FS_DEMANGLE_REFUSED)
            abort();
    }
    return 0;
}
