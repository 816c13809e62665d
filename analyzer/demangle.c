/* demangle.c - fs_demangle: which mangling a name uses, the shared input
 * checks, and the namespace of a Rust path.  The parsers are
 * demangle_itanium.c and demangle_rust.c. */
#include "demangle.h"
#include "demangle_int.h"

int fs_is_mangled(const char *in, size_t len)
{
    /* _Z then a name, a special name or an operator; _R then a path or a version */
    return len >= 3 && in[0] == '_' && (in[1] == 'Z' || in[1] == 'R')
           && ((in[2] >= 'A' && in[2] <= 'Z') || (in[2] >= '0' && in[2] <= '9')
               || (in[1] == 'Z' && in[2] >= 'a' && in[2] <= 'z'));
}

/* A Rust path's namespace: everything before its last "::" outside
 * <...> ("<a::B as c::D>::f" -> "<a::B as c::D>", "a::b::<T>" -> "a"). */
static size_t rust_scope(const char *s, size_t n)
{
    size_t last = 0, depth = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '<') depth++;
        else if (s[i] == '>' && depth) depth--;
        else if (!depth && s[i] == ':' && s[i + 1] == ':') {
            if (i + 2 < n && s[i + 2] == '<')      /* the ::<args> of the last one */
                break;
            last = i;
            i++;
        }
    }
    return last;
}

fs_demangle_result fs_demangle_scope(const char *in, size_t len, char *out, size_t cap,
                                     size_t *outlen, size_t *scope_off, size_t *scope_len)
{
    *scope_off = *scope_len = 0;
    if (!fs_is_mangled(in, len))
        return FS_DEMANGLE_PLAIN;
    if (len > FS_DEMANGLE_MAX_IN || !cap)
        return FS_DEMANGLE_REFUSED;
    if (cap > FS_DEMANGLE_MAX_OUT)
        cap = FS_DEMANGLE_MAX_OUT;
    for (size_t i = 0; i < len; i++)      /* manglings are printable ASCII */
        if (in[i] <= ' ' || in[i] >= 0x7f)
            return FS_DEMANGLE_REFUSED;
    /* A legacy Rust name is also valid Itanium; a Rust name that does not
     * fit OUT (-1) is refused rather than tried as Itanium. */
    int ok = in[1] == 'R' ? fs_dm_rust_v0(in, len, out, cap, outlen)
                          : fs_dm_rust_legacy(in, len, out, cap, outlen);
    if (ok > 0)
        *scope_len = rust_scope(out, *outlen);
    else if (ok == 0)
        ok = in[1] == 'Z' && fs_dm_itanium(in, len, out, cap, outlen, scope_off, scope_len);
    else
        ok = 0;
    return ok ? FS_DEMANGLE_OK : FS_DEMANGLE_REFUSED;
}

fs_demangle_result fs_demangle(const char *in, size_t len, char *out, size_t cap,
                               size_t *outlen)
{
    size_t off, n;
    return fs_demangle_scope(in, len, out, cap, outlen, &off, &n);
}
