/* demangle_itanium.c - Itanium C++ demangling (fs_demangle: demangle.c).
 *
 * Accepted: <encoding> with nested, unscoped, std (St) and local (Z...E)
 * names; source names, (anonymous namespace), abi tags, operator names,
 * conversion operators, ctors and dtors, lambdas (Ul) and unnamed types
 * (Ut); template args (types, integer and bool literals, empty packs) and
 * template params (T_); substitutions (S_, S<seq>_) and the std
 * abbreviations; builtin types, cv-qualified types, pointers, lvalue and
 * rvalue references, function types; function parameter lists with cv and
 * ref qualifiers; special names (vtable, VTT, typeinfo, typeinfo name,
 * guard variable, thread-local wrappers, thunks); and a trailing ".suffix"
 * (.cold, .llvm.N, ._N).  Everything else (expressions, decltype, pointers
 * to members, arrays, packs with content, vendor qualifiers) is refused.
 *
 * The text follows llvm-cxxfilt-14 byte for byte, which the tests check.
 *
 * Design: every piece of output is a string in a fixed arena.  A type is a
 * pair of strings (left, right) so that a pointer to a function can put
 * its "(*" between the return type and the parameter list.  Substitutions
 * and template params keep such pairs.  Any failure (bad grammar, full
 * arena, too deep) sets d->fail and the whole name is refused.
 */
#include "demangle_int.h"

#include <stdlib.h>
#include <string.h>

#define DM_ARENA  16384
#define DM_SUBS   256
#define DM_TARGS  64
#define DM_DEPTH  96

typedef struct str { const char *s; size_t n; } str;
typedef struct ty {
    str l, r;
    int wrapped;       /* l already has "(*" */
    int pack;          /* a template parameter pack: l lists its types */
    int ref;           /* a reference (no reference to one: llvm collapses them) */
} ty;

typedef struct dm {
    const char *p, *end;
    char        arena[DM_ARENA];
    size_t      used;
    ty          subs[DM_SUBS];
    unsigned    nsubs;
    ty         *targs;                    /* what T_ refers to: in targstore */
    ty          targstore[4 * DM_TARGS];
    unsigned    targtop;
    ty          argstack[4 * DM_TARGS];   /* template args being read, nested */
    unsigned    argtop;
    unsigned    ntargs;
    int         have_targs;
    int         depth;
    int         fail;
    size_t      scope_off, scope_len; /* of the last encoding parsed, in its text */
} dm;

typedef struct nameinfo {
    str  name;
    str  base;          /* the last plain component, for a ctor/dtor */
    int  templated;     /* ends with template args */
    int  ctor_dtor_conv;
    int  abbrev;        /* base came from Ss/Si/So/Sd (llvm expands those) */
    size_t scope;       /* bytes of name before its last component ("a::b" of a::b::f) */
    int  local;         /* a local name: the scope is the enclosing function's */
    size_t local_off, local_len;   /* that scope, within name */
    str  cv;            /* " const" etc. of a nested member function */
    str  ref;           /* " &" or " &&" */
} nameinfo;

static const str EMPTY = { "", 0 };

static str S(const char *c) { str r = { c, strlen(c) }; return r; }

static str cat(dm *d, int n, const str *parts)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += parts[i].n;
    if (d->fail || total >= DM_ARENA - d->used) {
        d->fail = 1;
        return EMPTY;
    }
    char *o = d->arena + d->used;
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (parts[i].n)
            memcpy(o + k, parts[i].s, parts[i].n);
        k += parts[i].n;
    }
    d->used += total;
    str r = { o, total };
    return r;
}
#define CAT(d, ...) cat((d), (int)(sizeof((str[]){__VA_ARGS__}) / sizeof(str)), (str[]){__VA_ARGS__})

static int peek(const dm *d, size_t k) { return d->p + k < d->end ? (unsigned char)d->p[k] : 0; }
static int eat(dm *d, char c) { if (peek(d, 0) == (unsigned char)c) { d->p++; return 1; } return 0; }
static int bad(dm *d) { d->fail = 1; return 0; }

static ty plain(str s) { ty t = { s, EMPTY, 0, 0, 0 }; return t; }
static str full(dm *d, ty t) { return t.r.n ? CAT(d, t.l, t.r) : t.l; }

static void push_sub(dm *d, ty t)
{
    if (d->nsubs >= DM_SUBS) { d->fail = 1; return; }
    d->subs[d->nsubs++] = t;
}

static int number(dm *d, size_t *out)
{
    size_t v = 0; int any = 0;
    while (peek(d, 0) >= '0' && peek(d, 0) <= '9') {
        if (v > 100000) return bad(d);
        v = v * 10 + (size_t)(*d->p++ - '0');
        any = 1;
    }
    *out = v;
    return any || bad(d);
}

/* <seq-id> _ in base 36; S_ is 0, S0_ is 1. */
static int seq_id(dm *d, size_t *out)
{
    size_t v = 0;
    if (eat(d, '_')) { *out = 0; return 1; }
    while (peek(d, 0) && peek(d, 0) != '_') {
        int c = peek(d, 0), k;
        if (c >= '0' && c <= '9') k = c - '0';
        else if (c >= 'A' && c <= 'Z') k = c - 'A' + 10;
        else return bad(d);
        if (v > 100000) return bad(d);
        v = v * 36 + (size_t)k;
        d->p++;
    }
    if (!eat(d, '_')) return bad(d);
    *out = v + 1;
    return 1;
}

static ty  parse_type(dm *d);
static str parse_encoding(dm *d);
static str function_encoding(dm *d, const nameinfo *ni, str name, size_t *at);
static str parse_name(dm *d, nameinfo *ni, int encoding);

/* <source-name> ::= <length> <identifier> */
static str source_name(dm *d)
{
    size_t n;
    if (peek(d, 0) == '0') { bad(d); return EMPTY; }          /* no leading zero */
    if (!number(d, &n) || n == 0 || n > (size_t)(d->end - d->p)) { bad(d); return EMPTY; }
    str r = { d->p, n };
    d->p += n;
    if (n >= 10 && memcmp(r.s, "_GLOBAL__N", 10) == 0)
        return S("(anonymous namespace)");
    return r;
}

static const struct { char c[3]; const char *name; } operators[] = {
    {"nw", "operator new"}, {"na", "operator new[]"}, {"dl", "operator delete"},
    {"da", "operator delete[]"}, {"ps", "operator+"}, {"ng", "operator-"},
    {"ad", "operator&"}, {"de", "operator*"}, {"co", "operator~"}, {"pl", "operator+"},
    {"mi", "operator-"}, {"ml", "operator*"}, {"dv", "operator/"}, {"rm", "operator%"},
    {"an", "operator&"}, {"or", "operator|"}, {"eo", "operator^"}, {"aS", "operator="},
    {"pL", "operator+="}, {"mI", "operator-="}, {"mL", "operator*="}, {"dV", "operator/="},
    {"rM", "operator%="}, {"aN", "operator&="}, {"oR", "operator|="}, {"eO", "operator^="},
    {"ls", "operator<<"}, {"rs", "operator>>"}, {"lS", "operator<<="}, {"rS", "operator>>="},
    {"eq", "operator=="}, {"ne", "operator!="}, {"lt", "operator<"}, {"gt", "operator>"},
    {"le", "operator<="}, {"ge", "operator>="}, {"ss", "operator<=>"}, {"nt", "operator!"},
    {"aa", "operator&&"}, {"oo", "operator||"}, {"pp", "operator++"}, {"mm", "operator--"},
    {"cm", "operator,"}, {"pm", "operator->*"}, {"pt", "operator->"}, {"cl", "operator()"},
    {"ix", "operator[]"}, {"qu", "operator?"},
};

/* A number written after a lambda or unnamed type: "_" is the first,
 * "<n>_" the (n+2)th; llvm writes it as a suffix n+1 ('lambda0' is #2). */
static str discriminator_suffix(dm *d)
{
    if (eat(d, '_')) return EMPTY;
    const char *s = d->p;
    size_t n;
    if (!number(d, &n) || !eat(d, '_')) { bad(d); return EMPTY; }
    str r = { s, (size_t)(d->p - 1 - s) };
    return r;
}

static str param_list(dm *d);

/* <template-param> ::= T_ | T <number> _ */
static ty template_param(dm *d)
{
    size_t k = 0;
    d->p++;                                                  /* 'T' */
    if (!eat(d, '_')) {
        if (!number(d, &k) || !eat(d, '_')) { bad(d); return plain(EMPTY); }
        k++;
    }
    if (!d->have_targs || k >= d->ntargs) { bad(d); return plain(EMPTY); }
    return d->targs[k];
}

/* <unqualified-name>; sets *base for ctor/dtor naming. */
static str unqualified(dm *d, str *base, int *conv)
{
    int c = peek(d, 0);
    str r = EMPTY;
    if (c == 'L')                     /* internal linkage (GCC) */
        d->p++, c = peek(d, 0);
    if (c >= '0' && c <= '9') {
        r = source_name(d);
        *base = r;
    } else if (c == 'U' && peek(d, 1) == 't') {
        d->p += 2;
        str n = discriminator_suffix(d);
        r = CAT(d, S("'unnamed"), n, S("'"));
        *base = EMPTY;                /* llvm names no ctor after it */
    } else if (c == 'U' && peek(d, 1) == 'l') {
        d->p += 2;
        str params = param_list(d);
        if (!eat(d, 'E')) { bad(d); return EMPTY; }
        str n = discriminator_suffix(d);
        r = CAT(d, S("'lambda"), n, S("'("), params, S(")"));
        *base = EMPTY;                /* llvm names no ctor after it */
    } else if (c == 'c' && peek(d, 1) == 'v') {
        d->p += 2;
        ty t = parse_type(d);
        r = CAT(d, S("operator "), full(d, t));
        *conv = 1;
    } else if (c >= 'a' && c <= 'z') {
        for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
            if (operators[i].c[0] == c && operators[i].c[1] == peek(d, 1)) {
                d->p += 2;
                r = S(operators[i].name);
                break;
            }
        if (!r.n) { bad(d); return EMPTY; }
    } else {
        bad(d);
        return EMPTY;
    }
    if (peek(d, 0) == 'B')            /* llvm names no ctor after a tagged name */
        *base = EMPTY;
    while (peek(d, 0) == 'B') {       /* abi tags */
        d->p++;
        str tag = source_name(d);
        r = CAT(d, r, S("[abi:"), tag, S("]"));
    }
    return r;
}

/* <template-args> ::= I <template-arg>+ E.  ENCODING: these become the
 * params T_ refers to. */
static str template_args(dm *d, int encoding)
{
    unsigned base = d->argtop, n = 0;
    ty *args = d->argstack + base;
    str out = S("<");
    if (!eat(d, 'I')) { bad(d); return EMPTY; }
    if (encoding)                     /* no T_ inside a function's own args */
        d->have_targs = 0;
    while (!d->fail && !eat(d, 'E')) {
        if (!peek(d, 0) || n >= DM_TARGS || base + n >= 4 * DM_TARGS) { bad(d); return EMPTY; }
        ty a;
        if (eat(d, 'L')) {
            int k = peek(d, 0);
            d->p++;
            const char *s = d->p;
            int neg = eat(d, 'n');
            size_t v;
            if (!number(d, &v) || !eat(d, 'E')) { bad(d); return EMPTY; }
            str digits = { neg ? s + 1 : s, (size_t)(d->p - 1 - (neg ? s + 1 : s)) };
            str sign = neg ? S("-") : EMPTY;
            switch (k) {
            case 'b': if (neg || v > 1 || digits.n != 1) { bad(d); return EMPTY; }
                      a = plain(S(v ? "true" : "false")); break;
            case 'i': a = plain(CAT(d, sign, digits)); break;
            case 'j': a = plain(CAT(d, sign, digits, S("u"))); break;
            case 'l': a = plain(CAT(d, sign, digits, S("l"))); break;
            case 'm': a = plain(CAT(d, sign, digits, S("ul"))); break;
            case 'x': a = plain(CAT(d, sign, digits, S("ll"))); break;
            case 'y': a = plain(CAT(d, sign, digits, S("ull"))); break;
            default: bad(d); return EMPTY;
            }
        } else if (eat(d, 'J')) {      /* a pack: its types, as one argument */
            str list = EMPTY;
            int k = 0;
            while (!d->fail && !eat(d, 'E')) {
                if (!peek(d, 0) || peek(d, 0) == 'J' || peek(d, 0) == 'X' || peek(d, 0) == 'L')
                    return (void)bad(d), EMPTY;
                str one = full(d, parse_type(d));
                list = k++ ? CAT(d, list, S(", "), one) : one;
            }
            a = plain(list);
            a.pack = 1;
        } else if (peek(d, 0) == 'X') {
            bad(d);
            return EMPTY;
        } else {
            a = parse_type(d);
        }
        if (d->fail) return EMPTY;
        args[n++] = a;
        d->argtop = base + n;
        if (a.l.n)                    /* an empty pack adds no ", " */
            out = out.n > 1 ? CAT(d, out, S(", "), full(d, a)) : CAT(d, out, full(d, a));
    }
    d->argtop = base;
    if (!n) return (void)bad(d), EMPTY;
    if (encoding) {
        if (n > 4 * DM_TARGS - d->targtop) return (void)bad(d), EMPTY;
        d->targs = d->targstore + d->targtop;
        d->targtop += n;
        memcpy(d->targs, args, n * sizeof args[0]);
        d->ntargs = n;
        d->have_targs = 1;
    }
    /* llvm-cxxfilt-14 keeps C++03's "> >" */
    return out.n && out.s[out.n - 1] == '>' ? CAT(d, out, S(" >")) : CAT(d, out, S(">"));
}

static str substitution(dm *d, ty *t, int *abbrev)
{
    static const struct { char c; const char *s; int expands; } ab[] = {
        {'a', "std::allocator", 0}, {'b', "std::basic_string", 0}, {'s', "std::string", 1},
        {'i', "std::istream", 1}, {'o', "std::ostream", 1}, {'d', "std::iostream", 1},
    };
    d->p++;                                  /* 'S' */
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++)
        if (eat(d, ab[i].c)) {
            *t = plain(S(ab[i].s));
            *abbrev = ab[i].expands;
            return t->l;
        }
    size_t k;
    if (!seq_id(d, &k) || k >= d->nsubs) { bad(d); return EMPTY; }
    *t = d->subs[k];
    *abbrev = 0;
    return full(d, *t);
}

/* The last "::"-separated component of S, without template args. */
static str base_of(str s)
{
    size_t end = s.n, depth = 0;
    if (end && s.s[end - 1] == '>') {
        for (size_t i = end; i-- > 0;) {
            if (s.s[i] == '>') depth++;
            else if (s.s[i] == '<' && --depth == 0) { end = i; break; }
        }
    }
    size_t start = end;
    while (start >= 2 && !(s.s[start - 1] == ':' && s.s[start - 2] == ':'))
        start--;
    if (start < 2) start = 0;
    str r = { s.s + start, end - start };
    return r;
}

static str nested_name(dm *d, nameinfo *ni, int encoding)
{
    str sofar = EMPTY;
    str cv = EMPTY;
    d->p++;                                                  /* 'N' */
    if (eat(d, 'r')) cv = CAT(d, cv, S(" restrict"));
    if (eat(d, 'V')) cv = CAT(d, cv, S(" volatile"));
    if (eat(d, 'K')) cv = CAT(d, S(" const"), cv);
    ni->cv = cv;
    if (eat(d, 'R')) ni->ref = S(" &");
    else if (eat(d, 'O')) ni->ref = S(" &&");
    if (peek(d, 0) == 'S' && peek(d, 1) == 't') {
        d->p += 2;
        sofar = S("std");
    }
    while (!d->fail && !eat(d, 'E')) {
        int c = peek(d, 0);
        ni->templated = 0;
        if (!c || (ni->ctor_dtor_conv && c != 'I')) return (void)bad(d), EMPTY;
        if (c == 'I') {
            if (!sofar.n) return (void)bad(d), EMPTY;
            sofar = CAT(d, sofar, template_args(d, encoding));
            ni->templated = 1;
        } else if (c == 'S') {
            if (sofar.n) return (void)bad(d), EMPTY;
            ty t;
            sofar = substitution(d, &t, &ni->abbrev);
            ni->base = base_of(sofar);
            ni->scope = ni->base.s > sofar.s + 2 ? (size_t)(ni->base.s - sofar.s) - 2 : 0;
            continue;                 /* not a new candidate, even an abbreviation */
        } else if (c == 'T') {
            if (sofar.n) return (void)bad(d), EMPTY;
            ty tp = template_param(d);
            if (tp.pack) return (void)bad(d), EMPTY;
            sofar = full(d, tp);
            ni->base = base_of(sofar);
            ni->scope = ni->base.s > sofar.s + 2 ? (size_t)(ni->base.s - sofar.s) - 2 : 0;
        } else if (c == 'C' || (c == 'D' && peek(d, 1) >= '0' && peek(d, 1) <= '5')) {
            int k = peek(d, 1);
            if (!sofar.n || ni->abbrev || !ni->base.n || !strchr(c == 'C' ? "12345" : "01245", k) || !k)
                return (void)bad(d), EMPTY;
            d->p += 2;
            ni->scope = sofar.n;
            sofar = CAT(d, sofar, S("::"), c == 'D' ? S("~") : EMPTY, ni->base);
            ni->ctor_dtor_conv = 1;
            ni->base = EMPTY;                        /* nothing is named after it */
        } else {
            int conv = 0;
            str base = EMPTY;
            str u = unqualified(d, &base, &conv);
            ni->scope = sofar.n;
            sofar = sofar.n ? CAT(d, sofar, S("::"), u) : u;
            ni->base = base;
            ni->ctor_dtor_conv = conv;
            ni->abbrev = 0;
        }
        push_sub(d, plain(sofar));
    }
    if (d->fail || !sofar.n || !d->nsubs) return (void)bad(d), EMPTY;
    d->nsubs--;                      /* the whole name is not a candidate */
    return sofar;
}

/* <local-name> ::= Z <encoding> E <entity name> [<discriminator>]
 *              ::= Z <encoding> E s [<discriminator>] */
static str local_name(dm *d, nameinfo *ni, int encoding)
{
    d->p++;                                                  /* 'Z' */
    str fn = parse_encoding(d);
    size_t off = d->scope_off, len = d->scope_len;
    if (!eat(d, 'E')) return (void)bad(d), EMPTY;
    str entity;
    if (eat(d, 's')) {
        entity = S("string literal");
    } else if (peek(d, 0) == 'd') {
        return (void)bad(d), EMPTY;                           /* default arguments */
    } else {
        entity = parse_name(d, ni, encoding);
    }
    if (eat(d, '_')) {                /* discriminator: _<digit> or __<number>_ */
        size_t n;
        if (eat(d, '_')) {
            if (!number(d, &n) || !eat(d, '_')) return (void)bad(d), EMPTY;
        } else if (!(peek(d, 0) >= '0' && peek(d, 0) <= '9')) {
            return (void)bad(d), EMPTY;
        } else {
            d->p++;
        }
    }
    ni->local = 1;                    /* its namespace is the function's */
    ni->local_off = off;
    ni->local_len = len;
    return CAT(d, fn, S("::"), entity);
}

static str parse_name(dm *d, nameinfo *ni, int encoding)
{
    int c = peek(d, 0);
    if (++d->depth > DM_DEPTH) return (void)bad(d), EMPTY;
    str r;
    if (c == 'N') {
        r = nested_name(d, ni, encoding);
    } else if (c == 'Z') {
        r = local_name(d, ni, encoding);
    } else {
        int conv = 0, is_sub = 0;
        str base = EMPTY;
        if (c == 'S' && peek(d, 1) == 't') {
            d->p += 2;
            r = CAT(d, S("std::"), unqualified(d, &base, &conv));
            ni->scope = 3;
        } else if (c == 'S') {
            ty t;
            r = substitution(d, &t, &ni->abbrev);
            is_sub = 1;
            str b = base_of(r);
            ni->scope = b.s > r.s + 2 ? (size_t)(b.s - r.s) - 2 : 0;
            if (peek(d, 0) != 'I') return (void)bad(d), EMPTY;
        } else {
            r = unqualified(d, &base, &conv);
        }
        ni->base = base;
        ni->ctor_dtor_conv = conv;
        ni->templated = 0;
        if (peek(d, 0) == 'I') {
            /* an unscoped (or std::) template name is a candidate; a
             * substitution is not pushed again */
            if (!is_sub)
                push_sub(d, plain(r));
            r = CAT(d, r, template_args(d, encoding));
            ni->templated = 1;
        }
    }
    d->depth--;
    ni->name = r;
    return r;
}

static const char *builtin(int c)
{
    switch (c) {
    case 'v': return "void";        case 'w': return "wchar_t";
    case 'b': return "bool";        case 'c': return "char";
    case 'a': return "signed char"; case 'h': return "unsigned char";
    case 's': return "short";       case 't': return "unsigned short";
    case 'i': return "int";         case 'j': return "unsigned int";
    case 'l': return "long";        case 'm': return "unsigned long";
    case 'x': return "long long";   case 'y': return "unsigned long long";
    case 'n': return "__int128";    case 'o': return "unsigned __int128";
    case 'f': return "float";       case 'd': return "double";
    case 'e': return "long double"; case 'g': return "__float128";
    case 'z': return "...";
    default:  return NULL;
    }
}

static const char *builtin_d(int c)
{
    switch (c) {
    case 'n': return "std::nullptr_t"; case 'i': return "char32_t";
    case 's': return "char16_t";       case 'u': return "char8_t";
    case 'a': return "auto";           case 'c': return "decltype(auto)";
    default:  return NULL;
    }
}

/* <bare-function-type>: one type or more, printed separated by ", ", up
 * to (not eating) 'E', '.' or the end; "v" alone is the empty list. */
static str param_list(dm *d)
{
    str out = EMPTY;
    int n = 0, types = 0;
    if (peek(d, 0) == 'v' && (peek(d, 1) == 'E' || peek(d, 1) == '.' || !peek(d, 1))) {
        d->p++;
        return EMPTY;
    }
    while (!d->fail && peek(d, 0) && peek(d, 0) != 'E' && peek(d, 0) != '.') {
        if (peek(d, 0) == 'v') { bad(d); break; }      /* void only as the whole list */
        str t = full(d, parse_type(d));
        types++;
        if (!t.n)
            continue;                                /* an empty pack expansion */
        out = n++ ? CAT(d, out, S(", "), t) : t;
    }
    if (!types) bad(d);
    return out;
}

static ty pointer_like(dm *d, ty in, const char *sym)
{
    ty t = in;
    if (in.ref || in.pack) { bad(d); return t; }
    t.ref = sym[0] == '&';
    if (in.r.n && !in.wrapped) {                     /* to a function */
        t.l = CAT(d, in.l, S("("), S(sym));
        t.r = CAT(d, S(")"), in.r);
        t.wrapped = 1;
    } else {
        t.l = CAT(d, in.l, S(sym));
    }
    return t;
}

static ty parse_type(dm *d)
{
    ty t = plain(EMPTY);
    int c = peek(d, 0);
    const char *b;
    if (++d->depth > DM_DEPTH) { bad(d); return t; }
    if ((b = builtin(c))) {
        d->p++;
        t = plain(S(b));
        d->depth--;
        return t;                                    /* builtins are not candidates */
    }
    if (c == 'D' && peek(d, 1) == 'p') {            /* Dp T_: a pack's types */
        d->p += 2;
        if (peek(d, 0) != 'T') { bad(d); return t; }
        t = template_param(d);
        if (!t.pack) { bad(d); return t; }
        push_sub(d, t);               /* the parameter */
        t.pack = 0;
        push_sub(d, t);               /* the expansion */
        d->depth--;
        return t;
    }
    if (c == 'D' && (b = builtin_d(peek(d, 1)))) {
        d->p += 2;
        d->depth--;
        return plain(S(b));
    }
    switch (c) {
    case 'r': case 'V': case 'K': {
        int r = eat(d, 'r'), v = eat(d, 'V'), k = eat(d, 'K');
        ty in = parse_type(d);
        if ((in.r.n && !in.wrapped) || in.ref) { bad(d); break; }  /* a function or reference */
        t = in;
        t.l = CAT(d, in.l, S(k ? " const" : ""), S(v ? " volatile" : ""), S(r ? " restrict" : ""));
        push_sub(d, t);
        break;
    }
    case 'P': d->p++; t = pointer_like(d, parse_type(d), "*");  push_sub(d, t); break;
    case 'R': d->p++; t = pointer_like(d, parse_type(d), "&");  push_sub(d, t); break;
    case 'O': d->p++; t = pointer_like(d, parse_type(d), "&&"); push_sub(d, t); break;
    case 'F': {
        d->p++;
        eat(d, 'Y');
        ty ret = parse_type(d);
        if (ret.r.n) { bad(d); break; }
        str params = param_list(d);
        str ref = eat(d, 'R') ? S(" &") : eat(d, 'O') ? S(" &&") : EMPTY;
        if (!eat(d, 'E')) { bad(d); break; }
        t.l = CAT(d, ret.l, S(" "));
        t.r = CAT(d, S("("), params, S(")"), ref);
        t.wrapped = 0;
        push_sub(d, t);
        break;
    }
    case 'T':
        t = template_param(d);
        if (t.pack) { bad(d); break; }           /* a pack only under Dp */
        if (peek(d, 0) == 'I')      /* T_<args>: llvm-cxxfilt-14 makes one candidate */
            t = plain(CAT(d, full(d, t), template_args(d, 0)));
        push_sub(d, t);
        break;
    case 'S':
        if (peek(d, 1) != 't') {
            int abbrev;
            substitution(d, &t, &abbrev);
            if (peek(d, 0) == 'I') {
                t = plain(CAT(d, full(d, t), template_args(d, 0)));
                push_sub(d, t);
            }
        } else {                                     /* std::name is a class type */
            nameinfo ni;
            memset(&ni, 0, sizeof ni);
            t = plain(parse_name(d, &ni, 0));
            push_sub(d, t);
        }
        break;
    case 'N': case 'Z':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        nameinfo ni;
        memset(&ni, 0, sizeof ni);
        t = plain(parse_name(d, &ni, 0));
        push_sub(d, t);
        break;
    }
    default:
        bad(d);
    }
    d->depth--;
    return t;
}

/* <encoding> ::= <name> <bare-function-type> | <name> | <special-name> */
static str parse_encoding(dm *d)
{
    static const struct { const char *code, *text; int kind; } special[] = {
        {"TV", "vtable for ", 0},  {"TT", "VTT for ", 0}, {"TI", "typeinfo for ", 0},
        {"TS", "typeinfo name for ", 0}, {"GV", "guard variable for ", 1},
        {"TW", "thread-local wrapper routine for ", 1},
        {"TH", "thread-local initialization routine for ", 1},
        {"Th", "non-virtual thunk to ", 2}, {"Tv", "virtual thunk to ", 3},
        {"Tc", "covariant return thunk to ", 4},
    };
    if (++d->depth > DM_DEPTH) return (void)bad(d), EMPTY;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        if (peek(d, 0) != special[i].code[0] || peek(d, 1) != special[i].code[1])
            continue;
        d->p += special[i].kind == 2 || special[i].kind == 3 ? 1 : 2;  /* h, v open the offset */
        str what;
        nameinfo ni;
        memset(&ni, 0, sizeof ni);
        size_t n;
        int offsets = special[i].kind == 2 ? 1 : special[i].kind == 3 ? 1
                    : special[i].kind == 4 ? 2 : 0;
        for (int k = 0; k < offsets; k++) {   /* h <nv-offset> _ | v <offset> _ <offset> _ */
            int v = eat(d, 'v');
            if (!v && !eat(d, 'h')) return (void)bad(d), EMPTY;
            for (int j = 0; j < (v ? 2 : 1); j++) {
                eat(d, 'n');
                if (!number(d, &n) || !eat(d, '_')) return (void)bad(d), EMPTY;
            }
        }
        size_t off = 0, len = 0;
        if (special[i].kind == 0) {
            what = full(d, parse_type(d));
        } else if (special[i].kind == 1) {
            what = parse_name(d, &ni, 0);
        } else {                      /* a thunk: the namespace of its target */
            what = parse_encoding(d);
            off = strlen(special[i].text) + d->scope_off;
            len = d->scope_len;
        }
        d->depth--;
        d->scope_off = off;
        d->scope_len = len;
        return CAT(d, S(special[i].text), what);
    }
    nameinfo ni;
    memset(&ni, 0, sizeof ni);
    /* An encoding's template params are its own: the enclosing context's
     * come back after it (as in llvm-cxxfilt-14). */
    ty *saved = d->targs;
    unsigned saved_n = d->ntargs;
    int saved_have = d->have_targs;
    d->have_targs = 0;
    str name = parse_name(d, &ni, 1);
    int c = peek(d, 0);
    str r;
    size_t at = 0;                    /* where the name starts in r */
    if (d->fail || !c || c == 'E' || c == '.') {  /* data, or the end of a local name */
        r = name;
    } else {
        r = function_encoding(d, &ni, name, &at);
    }
    d->scope_off = at + (ni.local ? ni.local_off : 0);
    d->scope_len = ni.local ? ni.local_len : ni.scope;
    d->targs = saved;
    d->ntargs = saved_n;
    d->have_targs = saved_have;
    d->depth--;
    return r;
}

static str function_encoding(dm *d, const nameinfo *ni, str name, size_t *at)
{
    ty ret = plain(EMPTY);
    if (ni->templated && !ni->ctor_dtor_conv) {
        if (peek(d, 0) == 'D' && peek(d, 1) == 'p') return (void)bad(d), EMPTY;
        ret = parse_type(d);
        if (ret.r.n) return (void)bad(d), EMPTY;
    }
    str params = param_list(d);
    *at = ret.l.n ? ret.l.n + 1 : 0;
    return CAT(d, ret.l, ret.l.n ? S(" ") : EMPTY, name, S("("), params, S(")"), ni->cv, ni->ref);
}

/* ".cold", ".llvm.123", "._0": llvm shows them as " (.cold)". */
static int suffix_ok(const char *p, const char *end)
{
    if (p == end || *p != '.') return 0;
    for (; p < end; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
              || *p == '.' || *p == '_' || *p == '$'))
            return 0;
    return 1;
}

int fs_dm_itanium(const char *in, size_t len, char *out, size_t cap, size_t *outlen,
                  size_t *scope_off, size_t *scope_len)
{
    /* about 55 KiB: on the heap, not on a caller's stack */
    dm *d = malloc(sizeof *d);
    if (!d) return 0;
    d->used = 0; d->nsubs = 0; d->ntargs = 0; d->have_targs = 0; d->depth = 0; d->fail = 0;
    d->argtop = 0; d->targtop = 0; d->targs = NULL;
    d->p = in + 2;
    d->end = in + len;
    str r = parse_encoding(d);
    if (!d->fail && d->p < d->end) {
        if (suffix_ok(d->p, d->end)) {
            str sfx = { d->p, (size_t)(d->end - d->p) };
            r = CAT(d, r, S(" ("), sfx, S(")"));
        } else {
            d->fail = 1;
        }
    }
    int ok = !d->fail && r.n && r.n + 1 <= cap;
    if (ok) {
        memcpy(out, r.s, r.n);
        out[r.n] = 0;
        *outlen = r.n;
        *scope_off = d->scope_off <= r.n ? d->scope_off : 0;
        *scope_len = *scope_off + d->scope_len <= r.n ? d->scope_len : 0;
    }
    free(d);
    return ok;
}
