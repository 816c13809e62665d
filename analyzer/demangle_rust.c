/* demangle_rust.c - Rust symbol names: rustc's legacy mangling and v0.
 *
 * Legacy: an Itanium-looking _ZN<len><id>...17h<16 hex>E whose idents use
 * rustc's $..$ escapes; the hash is dropped (it only tells apart
 * instances), the escapes are decoded and ".." becomes "::".
 *
 * v0 (_R): paths (crate roots, nested names including closures and shims,
 * inherent and trait impls, <T as Trait>), generic args (types, integer
 * and bool consts; lifetimes are refused), the basic types, references,
 * raw pointers, slices, arrays and tuples, and backrefs.  Crate
 * disambiguators are not shown, as llvm-cxxfilt does not show them.  Fn
 * pointers, dyn types, punycode idents, and anything else, are refused.
 */
#include "demangle_int.h"

#include <string.h>

#define RS_DEPTH 64

typedef struct rs {
    const char *s;        /* after "_R" */
    size_t      n, pos;
    char       *out;
    size_t      cap, len;
    int         depth, fail;
    int         mute;     /* parsing what is not shown: put() writes nothing */
} rs;

static void put(rs *r, const char *s, size_t n)
{
    if (r->mute) return;
    if (r->fail || n >= r->cap - r->len) { r->fail = 1; return; }
    memcpy(r->out + r->len, s, n);
    r->len += n;
}
static void puts_(rs *r, const char *s) { put(r, s, strlen(s)); }

static int rpeek(const rs *r) { return r->pos < r->n ? (unsigned char)r->s[r->pos] : 0; }
static int reat(rs *r, char c) { if (rpeek(r) == (unsigned char)c) { r->pos++; return 1; } return 0; }

/* <base-62-number> ::= {<0-9a-zA-Z>} "_"; "_" is 0, "0_" is 1. */
static int base62(rs *r, size_t *out)
{
    size_t v = 0;
    if (reat(r, '_')) { *out = 0; return 1; }
    for (;;) {
        int c = rpeek(r), k;
        if (c >= '0' && c <= '9') k = c - '0';
        else if (c >= 'a' && c <= 'z') k = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z') k = c - 'A' + 36;
        else if (c == '_') break;
        else return r->fail = 1, 0;
        if (v > ((size_t)1 << 40)) return r->fail = 1, 0;
        v = v * 62 + (size_t)k;
        r->pos++;
    }
    r->pos++;
    *out = v + 1;
    return 1;
}

/* <identifier> ::= [<disambiguator>] <undisambiguated-identifier> */
static int ident_d(rs *r, const char **s, size_t *n, size_t *dis)
{
    size_t v = 0;
    *dis = 0;
    if (reat(r, 's')) {
        if (!base62(r, &v)) return 0;
        *dis = v + 1;
        v = 0;
    }
    if (rpeek(r) == 'u') return r->fail = 1, 0;             /* punycode */
    if (!(rpeek(r) >= '0' && rpeek(r) <= '9')) return r->fail = 1, 0;
    if (rpeek(r) == '0' && r->pos + 1 < r->n && r->s[r->pos + 1] >= '0' && r->s[r->pos + 1] <= '9')
        return r->fail = 1, 0;
    while (rpeek(r) >= '0' && rpeek(r) <= '9') {
        if (v > 100000) return r->fail = 1, 0;
        v = v * 10 + (size_t)(r->s[r->pos++] - '0');
    }
    reat(r, '_');                          /* separates a length from a digit */
    if (v > r->n - r->pos) return r->fail = 1, 0;
    *s = r->s + r->pos;
    *n = v;
    for (size_t i = 0; i < v; i++) {        /* a Rust identifier, not punycode */
        char c = (*s)[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return r->fail = 1, 0;
    }
    r->pos += v;
    return 1;
}

static int ident(rs *r, const char **s, size_t *n)
{
    size_t dis;
    return ident_d(r, s, n, &dis);
}

static void path(rs *r, int in_value);
static void type(rs *r);

static void put_dec(rs *r, unsigned long long v)
{
    char buf[24];
    int k = 0;
    do { buf[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (k) put(r, &buf[--k], 1);
}

/* B <base-62-number>: re-read earlier text, which must lie before. */
static void backref(rs *r, void (*fn)(rs *, int), int arg)
{
    size_t v, at = r->pos - 1;
    if (!base62(r, &v)) return;
    if (v >= at) { r->fail = 1; return; }
    size_t save = r->pos;
    r->pos = v;
    fn(r, arg);
    r->pos = save;
}

static void type_fn(rs *r, int unused) { (void)unused; type(r); }

static const char *basic(int c)
{
    switch (c) {
    case 'a': return "i8";   case 'b': return "bool"; case 'c': return "char";
    case 'd': return "f64";  case 'e': return "str";  case 'f': return "f32";
    case 'h': return "u8";   case 'i': return "isize"; case 'j': return "usize";
    case 'l': return "i32";  case 'm': return "u32";  case 'n': return "i128";
    case 'o': return "u128"; case 's': return "i16";  case 't': return "u16";
    case 'u': return "()";   case 'v': return "...";  case 'x': return "i64";
    case 'y': return "u64";  case 'z': return "!";    case 'p': return "_";
    default:  return NULL;
    }
}

/* K <type> <value>: unsigned and signed integers (hex digits then "_")
 * and bools; "p" is a placeholder. */
static void konst(rs *r)
{
    int t = rpeek(r);
    if (t == 'p') { r->pos++; put(r, "_", 1); return; }
    if (t == 'B') { r->fail = 1; return; }
    r->pos++;
    if (!strchr("hjmtyoabilsxn", t) || !t) {
        if (t != 'b') { r->fail = 1; return; }
    }
    int neg = t != 'b' && reat(r, 'n');
    if (neg && strchr("hjmtyo", t)) { r->fail = 1; return; }
    unsigned long long v = 0;
    int digits = 0;
    if (rpeek(r) == '0' && r->pos + 1 < r->n && r->s[r->pos + 1] != '_') {
        r->fail = 1;                          /* no leading zeros */
        return;
    }
    while (rpeek(r) != '_') {
        int c = rpeek(r), k;
        if (c >= '0' && c <= '9') k = c - '0';
        else if (c >= 'a' && c <= 'f') k = c - 'a' + 10;
        else { r->fail = 1; return; }
        if (++digits > 16) { r->fail = 1; return; }
        v = v * 16 + (unsigned)k;
        r->pos++;
    }
    r->pos++;
    if (!digits) { r->fail = 1; return; }       /* zero is "0_", never "_" */
    if (t == 'b') {
        if (v > 1) { r->fail = 1; return; }
        puts_(r, v ? "true" : "false");
        return;
    }
    if (neg) put(r, "-", 1);
    put_dec(r, v);
}

static void generic_args(rs *r)
{
    int n = 0;
    while (!r->fail && !reat(r, 'E')) {
        if (!rpeek(r) || rpeek(r) == 'L') { r->fail = 1; return; }   /* lifetimes */
        if (n++) puts_(r, ", ");
        if (reat(r, 'K')) konst(r);
        else type(r);
    }
}

static void type(rs *r)
{
    int c = rpeek(r);
    const char *b;
    if (++r->depth > RS_DEPTH) { r->fail = 1; return; }
    if ((b = basic(c))) {
        r->pos++;
        puts_(r, b);
    } else switch (c) {
    case 'R': case 'Q':
        r->pos++;
        if (rpeek(r) == 'L') { r->fail = 1; break; }
        puts_(r, c == 'R' ? "&" : "&mut ");
        type(r);
        break;
    case 'P': case 'O':
        r->pos++;
        puts_(r, c == 'P' ? "*const " : "*mut ");
        type(r);
        break;
    case 'S': case 'A':
        r->pos++;
        puts_(r, "[");
        type(r);
        if (c == 'A') {               /* the length: a const, no K before it */
            puts_(r, "; ");
            konst(r);
        }
        puts_(r, "]");
        break;
    case 'T': {
        int n = 0;
        r->pos++;
        puts_(r, "(");
        while (!r->fail && !reat(r, 'E')) {
            if (!rpeek(r)) { r->fail = 1; break; }
            if (n++) puts_(r, ", ");
            type(r);
        }
        if (n == 1) puts_(r, ",");
        puts_(r, ")");
        break;
    }
    case 'B':
        r->pos++;
        backref(r, type_fn, 0);
        break;
    case 'C': case 'N': case 'M': case 'X': case 'Y': case 'I':
        path(r, 0);
        break;
    default:
        r->fail = 1;
    }
    r->depth--;
}

static void path(rs *r, int in_value)
{
    int c = rpeek(r);
    const char *s;
    size_t n;
    if (++r->depth > RS_DEPTH) { r->fail = 1; return; }
    r->pos++;
    switch (c) {
    case 'C':                               /* crate root */
        if (ident(r, &s, &n)) put(r, s, n);
        break;
    case 'N': {                             /* N <namespace> <path> <identifier> */
        int ns = rpeek(r);
        if (!((ns >= 'a' && ns <= 'z') || (ns >= 'A' && ns <= 'Z'))) { r->fail = 1; break; }
        size_t dis;
        r->pos++;
        path(r, in_value);
        if (!ident_d(r, &s, &n, &dis)) break;
        if (ns >= 'a' && ns <= 'z') {
            if (!n) { r->fail = 1; break; }
            puts_(r, "::");
            put(r, s, n);
            break;
        }
        /* an uppercase namespace is special: C closure, S shim */
        if (ns != 'C' && ns != 'S') { r->fail = 1; break; }
        puts_(r, ns == 'C' ? "::{closure" : "::{shim");
        if (n) { puts_(r, ":"); put(r, s, n); }
        puts_(r, "#");
        put_dec(r, dis);
        puts_(r, "}");
        break;
    }
    case 'M': case 'X': case 'Y': {          /* <T>, <T as Trait> */
        size_t v;
        if (c != 'Y') {                      /* impl-path: [disambiguator] path */
            if (reat(r, 's') && !base62(r, &v)) break;
            int mute = r->mute;              /* the impl's own path is not shown */
            r->mute = 1;
            path(r, 0);
            r->mute = mute;
        }
        puts_(r, "<");
        type(r);
        if (c != 'M') {
            puts_(r, " as ");
            path(r, 0);
        }
        puts_(r, ">");
        break;
    }
    case 'I':                               /* I <path> <generic-arg>* E */
        path(r, in_value);
        puts_(r, in_value ? "::<" : "<");
        generic_args(r);
        puts_(r, ">");
        break;
    case 'B':
        backref(r, path, in_value);
        break;
    default:
        r->fail = 1;
    }
    r->depth--;
}

int fs_dm_rust_v0(const char *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    rs r = { in + 2, len - 2, 0, out, cap, 0, 0, 0, 0 };
    if (!cap || (r.n && r.s[0] >= '0' && r.s[0] <= '9'))
        return 0;                                    /* an unknown encoding version */
    path(&r, 1);
    if (!r.fail && r.pos < r.n && r.s[r.pos] != '.') {   /* the instantiating crate */
        r.mute = 1;
        path(&r, 0);
        r.mute = 0;
    }
    if (!r.fail && r.pos < r.n && r.s[r.pos] != '.')
        r.fail = 1;
    if (!r.fail && r.pos < r.n) {                    /* ".llvm.123": llvm adds " (...)" */
        for (size_t i = r.pos; i < r.n; i++) {
            char c = r.s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                  || c == '.' || c == '_' || c == '$'))
                r.fail = 1;
        }
        puts_(&r, " (");
        put(&r, r.s + r.pos, r.n - r.pos);
        puts_(&r, ")");
    }
    if (r.fail || !r.len || r.len + 1 > cap) return 0;
    out[r.len] = 0;
    *outlen = r.len;
    return 1;
}

/* One legacy ident, rustc's escapes decoded. */
static int legacy_ident(rs *r, const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 2 && s[0] == '_' && s[1] == '$')
        i = 1;
    while (i < n && !r->fail) {
        if (s[i] == '.') {
            if (i + 1 < n && s[i + 1] == '.') { puts_(r, "::"); i += 2; }
            else { puts_(r, "."); i++; }
        } else if (s[i] == '$') {
            static const struct { const char *e, *t; } esc[] = {
                {"SP", "@"}, {"BP", "*"}, {"RF", "&"}, {"LT", "<"}, {"GT", ">"},
                {"LP", "("}, {"RP", ")"}, {"C", ","},
            };
            const char *close = memchr(s + i + 1, '$', n - i - 1);
            if (!close) return 0;
            size_t el = (size_t)(close - (s + i + 1));
            const char *e = s + i + 1;
            int done = 0;
            for (size_t k = 0; k < sizeof esc / sizeof esc[0]; k++)
                if (strlen(esc[k].e) == el && memcmp(esc[k].e, e, el) == 0) {
                    puts_(r, esc[k].t);
                    done = 1;
                }
            if (!done) {                 /* $u7e$: a char by hex code, ASCII only */
                unsigned v = 0;
                if (el < 2 || el > 3 || e[0] != 'u') return 0;
                for (size_t k = 1; k < el; k++) {
                    char c = e[k];
                    if (c >= '0' && c <= '9') v = v * 16 + (unsigned)(c - '0');
                    else if (c >= 'a' && c <= 'f') v = v * 16 + (unsigned)(c - 'a' + 10);
                    else return 0;
                }
                if (v < 0x20 || v > 0x7e) return 0;
                char ch = (char)v;
                put(r, &ch, 1);
            }
            i += el + 2;
        } else {
            put(r, s + i, 1);
            i++;
        }
    }
    return !r->fail;
}

static int is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* The idents after "_ZN" up to the hash, "::"-joined; 0 when they are
 * not a legacy Rust path, or (when writing) when OUT is too small. */
static int legacy_walk(rs *r)
{
    size_t len = r->n;
    int parts = 0;
    r->pos = 3;
    r->len = 0;
    r->fail = 0;
    while (r->pos < len - 20) {
        size_t v = 0;
        if (!(r->s[r->pos] >= '1' && r->s[r->pos] <= '9')) return 0;
        while (r->pos < len - 20 && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') {  /* not into the hash */
            if (v > 10000) return 0;
            v = v * 10 + (size_t)(r->s[r->pos++] - '0');
        }
        if (v > len - 20 - r->pos) return 0;
        if (parts++) puts_(r, "::");
        if (!legacy_ident(r, r->s + r->pos, v)) return 0;
        r->pos += v;
    }
    return parts && !r->fail;
}

int fs_dm_rust_legacy(const char *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    rs r = { in, len, 3, out, cap, 0, 0, 0, 0 };
    /* the last ident must be the hash: 17h<16 hex>E */
    if (len < 3 + 2 + 20 || memcmp(in + len - 20, "17h", 3) != 0 || in[len - 1] != 'E'
        || memcmp(in, "_ZN", 3) != 0)
        return 0;
    for (size_t i = len - 17; i < len - 1; i++)
        if (!is_hex(in[i])) return 0;
    /* First the syntax alone, so that a Rust name whose text does not fit
     * is refused (-1) and never read again as an Itanium name, which would
     * answer differently for a smaller buffer. */
    r.mute = 1;
    if (!legacy_walk(&r))
        return 0;
    r.mute = 0;
    if (!legacy_walk(&r))
        return -1;
    out[r.len] = 0;
    *outlen = r.len;
    return 1;
}
