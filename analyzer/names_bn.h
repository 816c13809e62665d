/* names_bn.h - functions as Binaryen 108 names them, and Asyncify's lists.
 *
 * `wasm-opt --asyncify --pass-arg=asyncify-onlylist@@FILE` selects
 * functions by the names Binaryen gives them, which are not the bytes of
 * the name section.  What follows was verified against wasm-opt 108 (see
 * tests/onlylist/ and tests/binaryen/fixtures/names.wat).
 *
 * Naming, on reading a module:
 *   - a name-section name is escaped: every byte outside Binaryen's
 *     identifier set (printable ASCII except " ( ) , ; [ \ ] { }) becomes
 *     "\XX" in lowercase hex.  Bytes >= 0x80 come out garbled, because the
 *     high nibble is taken from a signed char: 0xc3 -> "\,3" (high nibbles
 *     8..f print as ( ) * + , - . /).
 *   - a name already taken (imports and defined functions share one set,
 *     in name-section order) gets the first free ".1", ".2", ... appended
 *     to its escaped form: dup, dup -> dup.1; then "dup.1" -> dup.1.1.
 *   - an unnamed import is "fimport$N" (N its function index), an unnamed
 *     defined function its ordinal among defined functions: "0", "1", ...
 *   - a name equal to such an automatic name makes Binaryen abort, and a
 *     NUL byte in a name makes it refuse the module.
 *
 * Asyncify's list files (asyncify-onlylist@@FILE and friends):
 *   - the whole file is one string: trailing white space and NULs are
 *     trimmed from the end of the file (not of each entry), then it is
 *     split at every ','.  Newlines do NOT separate entries.
 *   - parts are rejoined with ',' while the brackets ( [ { < and ) ] } >
 *     counted so far do not balance ("f(int, char)" is one entry); empty
 *     parts are dropped; brackets still unbalanced at the end of the file
 *     are fatal ("Asyncify: failed to parse lists").
 *   - an entry is cut at its first NUL, escaped as above and compared with
 *     the functions' names; an entry containing '*' is a pattern over the
 *     escaped names ('*' matches any run of bytes, nothing else is special).
 *   - an entry naming an import is fatal, one naming no function a warning,
 *     and a file with no entry at all is no list: every function is then
 *     instrumented.
 *
 * So a list names a function by its raw name (Binaryen escapes the entry
 * the way it escaped the name section) plus its ".N" suffix, or by
 * Binaryen's own name when it has none.  A name holding a comma outside
 * brackets, or brackets that do not balance, becomes a pattern with '*'
 * for the bytes a list cannot hold; a pattern may select more functions,
 * which fs_bn_listing_build reports.  (tests/onlylist/rules.list records
 * each rule with the list that shows it.)  Nothing here prints.
 */
#ifndef FS_NAMES_BN_H
#define FS_NAMES_BN_H

#include "wasm.h"

typedef struct fs_bn_names {
    const fs_wasm_module *m;
    char     *buf;          /* every name, each NUL-terminated */
    size_t    buflen, bufcap;
    uint32_t *off;          /* per function: offset of its name in buf */
    uint32_t *len;          /* per function: its length */
    uint32_t *suffix;       /* per function: N when ".N" was appended, else 0 */
    uint8_t  *automatic;    /* per function: no name-section name, so Binaryen's own */
    uint32_t *table;        /* hash of the names: function index + 1, 0 = free */
    uint32_t  tcap;         /* a power of two */
    int       unreadable;   /* Binaryen 108 would refuse the module (see problem) */
    char      problem[320];
} fs_bn_names;

/* Names every function of M as Binaryen 108 does.  M must outlive BN. */
int  fs_bn_names_build(fs_bn_names *bn, const fs_wasm_module *m, fs_error *err);
void fs_bn_names_free(fs_bn_names *bn);

static inline const char *fs_bn_name(const fs_bn_names *bn, uint32_t f)
{
    return bn->buf + bn->off[f];
}

/* The function Binaryen calls NAME, or UINT32_MAX. */
uint32_t fs_bn_find(const fs_bn_names *bn, const char *name, size_t len);

/* Is C in Binaryen 108's identifier set (kept as is by the escaping)? */
int fs_bn_idchar(unsigned char c);

/* Binaryen's escaping of S into OUT (room for 3 * len + 1); returns the
 * length written (OUT is NUL-terminated). */
size_t fs_bn_escape(const char *s, size_t len, char *out);

/* Binaryen's wildcard match: '*' matches any run of bytes (possibly
 * empty), every other byte itself; the whole of S must match. */
int fs_bn_wildcard(const char *pat, size_t plen, const char *s, size_t slen);

/* The list entry that selects defined function F: malloc'd into *out
 * (NUL-terminated, *outlen bytes).  *pattern is set when the entry holds
 * a '*' and so may select other functions too.  An entry ending in white
 * space must not end the file, which Binaryen trims. */
int fs_bn_entry(const fs_bn_names *bn, uint32_t f, char **out, size_t *outlen, int *pattern);

/* One entry of a list file, as Binaryen reads it. */
typedef struct fs_bn_item {
    char     *text;         /* the entry, cut at its first NUL */
    size_t    len;
    char     *escaped;      /* what Binaryen compares with the names */
    size_t    esc_len;
    int       pattern;      /* holds a '*' */
    uint32_t  line;         /* line of the file where it starts (1-based) */
    int       multiline;    /* holds a line break: newlines do not separate entries */
    uint32_t  func;         /* exact entry: the function it names, or UINT32_MAX */
    int       import;       /* exact entry naming an import: wasm-opt aborts */
    uint32_t  nmatched;     /* defined functions it selects */
} fs_bn_item;

typedef struct fs_bn_list {
    fs_bn_item *items;
    uint32_t    n;
    uint32_t    npatterns;
} fs_bn_list;

/* Splits a list file's contents as Binaryen 108 does.  When its brackets
 * never balance, Binaryen aborts: FS_ERR_MALFORMED with the reason. */
int  fs_bn_list_parse(const char *text, size_t len, fs_bn_list *l, fs_error *err);
void fs_bn_list_free(fs_bn_list *l);

/* Resolves every entry against BN; listed[f] = 1 for every defined
 * function some entry selects (LISTED has one byte per function). */
void fs_bn_list_match(fs_bn_list *l, const fs_bn_names *bn, uint8_t *listed);

/* A list file selecting exactly the defined functions with select[f] set,
 * when their names allow it (see over). */
typedef struct fs_bn_listing {
    char     *text;         /* the file's contents */
    size_t    len;
    uint32_t  entries, patterns;
    uint32_t *over;         /* unselected functions a pattern selects too */
    uint32_t  nover;
    int       decoy;        /* the list ends on a name no function has: when
                               nothing is selected (an empty list would select
                               every function), or when every entry ends in
                               white space (the file's end is trimmed) */
} fs_bn_listing;

int  fs_bn_listing_build(const fs_bn_names *bn, const uint8_t *select, fs_bn_listing *out,
                         fs_error *err);
void fs_bn_listing_free(fs_bn_listing *l);

/* A function's name for people: "module.field" for imports, the
 * name-section name (control bytes as \XX) or "func[N]"; cut to CAP. */
void fs_bn_display(const fs_wasm_module *m, uint32_t f, char *buf, size_t cap);

#endif
