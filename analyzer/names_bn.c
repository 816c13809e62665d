/* names_bn.c - Binaryen 108's function names and Asyncify list files.
 *
 * The rules are in names_bn.h; each was checked against wasm-opt 108
 * (tests/onlylist/).  Everything here is byte strings: names may hold any
 * byte, and Binaryen's escaping works byte by byte.
 */
#include "names_bn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_bn_idchar(unsigned char c)
{
    if (c <= 0x20 || c >= 0x7f)
        return 0;
    return !strchr("\"(),;[\\]{}", c);
}

/* Binaryen formats a nibble as '0' + n or 'a' - 10 + n; for bytes >= 0x80
 * the high "nibble" is negative (a signed char shifted), so it lands on
 * '(' .. '/'.  Done explicitly rather than with a signed shift. */
static char nibble(int v)
{
    return (char)(v < 10 ? '0' + v : 'a' - 10 + v);
}

size_t fs_bn_escape(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fs_bn_idchar(c)) {
            out[o++] = (char)c;
            continue;
        }
        int hi = c >> 4;
        if (c >= 0x80)
            hi -= 16;
        out[o++] = '\\';
        out[o++] = nibble(hi);
        out[o++] = nibble(c & 15);
    }
    out[o] = 0;
    return o;
}

int fs_bn_wildcard(const char *pat, size_t plen, const char *s, size_t slen)
{
    /* Greedy with one backtrack point: the last '*' seen absorbs one more
     * byte whenever the rest fails.  Same answers as Binaryen's recursion
     * without its exponential worst case. */
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
    while (si < slen) {
        if (pi < plen && pat[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < plen && pat[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return 0;
        }
    }
    while (pi < plen && pat[pi] == '*')
        pi++;
    return pi == plen;
}

static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

uint32_t fs_bn_find(const fs_bn_names *bn, const char *name, size_t len)
{
    uint32_t mask = bn->tcap - 1;
    for (uint32_t i = hash(name, len) & mask;; i = (i + 1) & mask) {
        uint32_t e = bn->table[i];
        if (!e)
            return UINT32_MAX;
        uint32_t f = e - 1;
        if (bn->len[f] == len && !memcmp(bn->buf + bn->off[f], name, len))
            return f;
    }
}

/* Appends NAME as function F's name.  The table has room by construction
 * (at least twice the functions). */
static int add_name(fs_bn_names *bn, uint32_t f, const char *name, size_t len)
{
    if (bn->buflen + len + 1 > bn->bufcap || bn->buflen + len + 1 > UINT32_MAX) {
        size_t cap = bn->bufcap * 2 + len + 1024;
        if (cap > UINT32_MAX)
            cap = UINT32_MAX;
        if (bn->buflen + len + 1 > cap)
            return -1;
        char *nb = realloc(bn->buf, cap);
        if (!nb)
            return -1;
        bn->buf = nb;
        bn->bufcap = cap;
    }
    memcpy(bn->buf + bn->buflen, name, len);
    bn->buf[bn->buflen + len] = 0;
    bn->off[f] = (uint32_t)bn->buflen;
    bn->len[f] = (uint32_t)len;
    bn->buflen += len + 1;
    uint32_t mask = bn->tcap - 1;
    uint32_t i = hash(name, len) & mask;
    while (bn->table[i])
        i = (i + 1) & mask;
    bn->table[i] = f + 1;
    return 0;
}

static int nomem(fs_error *err)
{
    memset(err, 0, sizeof *err);
    snprintf(err->msg, sizeof err->msg, "out of memory naming functions as Binaryen does");
    return FS_ERR_NOMEM;
}

int fs_bn_names_build(fs_bn_names *bn, const fs_wasm_module *m, fs_error *err)
{
    memset(bn, 0, sizeof *bn);
    bn->m = m;
    uint32_t n = m->nfuncs;
    bn->off = calloc((size_t)n + 1, sizeof *bn->off);
    bn->len = calloc((size_t)n + 1, sizeof *bn->len);
    bn->suffix = calloc((size_t)n + 1, sizeof *bn->suffix);
    bn->automatic = calloc((size_t)n + 1, 1);
    bn->tcap = 64;
    while (bn->tcap < 2 * (uint64_t)n + 16)
        bn->tcap *= 2;
    bn->table = calloc(bn->tcap, sizeof *bn->table);
    size_t maxlen = 0;
    for (uint32_t f = 0; f < n; f++)
        if (m->funcs[f].name && !m->funcs[f].name_from_symbols && m->funcs[f].name_len > maxlen)
            maxlen = m->funcs[f].name_len;
    /* Escaped (3 bytes a byte) plus ".N" and the NUL. */
    char *esc = malloc(3 * maxlen + 32);
    if (!bn->off || !bn->len || !bn->suffix || !bn->automatic || !bn->table || !esc) {
        free(esc);
        fs_bn_names_free(bn);
        return nomem(err);
    }

    /* Name-section names first, in index order (the section's order). */
    for (uint32_t f = 0; f < n; f++) {
        const fs_func *fn = &m->funcs[f];
        if (!fn->name || fn->name_from_symbols) {  /* Binaryen reads no name for it */
            bn->automatic[f] = 1;
            continue;
        }
        if (memchr(fn->name, 0, fn->name_len) && !bn->unreadable) {
            bn->unreadable = 1;
            snprintf(bn->problem, sizeof bn->problem,
                     "the name of function %u holds a NUL byte, and Binaryen 108 refuses such "
                     "a module", f);
        }
        size_t base = fs_bn_escape(fn->name, fn->name_len, esc);
        size_t len = base;
        uint32_t k = 0;
        while (fs_bn_find(bn, esc, len) != UINT32_MAX)
            len = base + (size_t)snprintf(esc + base, 16, ".%u", ++k);
        bn->suffix[f] = k;
        if (add_name(bn, f, esc, len)) {
            free(esc);
            fs_bn_names_free(bn);
            return nomem(err);
        }
    }
    /* Then Binaryen's own names for the rest, which must not collide. */
    for (uint32_t f = 0; f < n; f++) {
        if (!bn->automatic[f])
            continue;
        char name[32];
        int len = f < m->nfunc_imports ? snprintf(name, sizeof name, "fimport$%u", f)
                                       : snprintf(name, sizeof name, "%u", f - m->nfunc_imports);
        uint32_t other = fs_bn_find(bn, name, (size_t)len);
        if (other != UINT32_MAX && !bn->unreadable) {
            bn->unreadable = 1;
            snprintf(bn->problem, sizeof bn->problem,
                     "function %u is named \"%s\", the name Binaryen gives unnamed function %u, "
                     "and Binaryen 108 aborts on such a module", other, name, f);
        }
        if (add_name(bn, f, name, (size_t)len)) {
            free(esc);
            fs_bn_names_free(bn);
            return nomem(err);
        }
    }
    free(esc);
    return FS_OK;
}

void fs_bn_names_free(fs_bn_names *bn)
{
    free(bn->buf);
    free(bn->off);
    free(bn->len);
    free(bn->suffix);
    free(bn->automatic);
    free(bn->table);
    memset(bn, 0, sizeof *bn);
}

/* ------------------------------------------------------------------ lists */

static int bracket(unsigned char c)
{
    switch (c) {
    case '(': case '<': case '[': case '{': return 1;
    case ')': case '>': case ']': case '}': return -1;
    default: return 0;
    }
}

static int trimmed(unsigned char c)
{
    return c == 0 || isspace(c);
}

/* Would Binaryen read S, alone in a list, back as exactly S?  Every part
 * between commas must be non-empty (empty parts are dropped, and their
 * comma with them) and the brackets must balance at the end and only
 * there. */
static int single_entry(const char *s, size_t len)
{
    if (!len)
        return 0;
    long depth = 0;
    size_t part = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',') {
            if (i == part || depth == 0)
                return 0;
            part = i + 1;
        } else {
            depth += bracket(c);
        }
    }
    return part < len && depth == 0;
}

/* S with the bytes KILL marks replaced by '*', runs of '*' folded (one
 * star matches what several do). */
static size_t starred(char *s, size_t len, const uint8_t *kill)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = kill[i] ? '*' : s[i];
        if (c == '*' && o && s[o - 1] == '*')
            continue;
        s[o++] = c;
    }
    s[o] = 0;
    return o;
}

int fs_bn_entry(const fs_bn_names *bn, uint32_t f, char **out, size_t *outlen, int *pattern)
{
    const fs_wasm_module *m = bn->m;
    const fs_func *fn = &m->funcs[f];
    size_t rawlen = bn->automatic[f] ? 0 : fn->name_len;
    char *s = malloc(rawlen + 32);
    uint8_t *kill = calloc(rawlen + 32, 1);
    if (!s || !kill) {
        free(s);
        free(kill);
        return FS_ERR_NOMEM;
    }
    size_t len;
    if (bn->automatic[f]) {
        /* Binaryen's own name is all identifier bytes: itself. */
        len = (size_t)bn->len[f];
        memcpy(s, fs_bn_name(bn, f), len + 1);
    } else {
        /* The raw name: Binaryen escapes an entry as it escaped the name
         * section.  The suffix is identifier bytes, kept as they are. */
        memcpy(s, fn->name, rawlen);
        len = rawlen;
        if (bn->suffix[f])
            len += (size_t)snprintf(s + len, 16, ".%u", bn->suffix[f]);
        s[len] = 0;
    }
    if (!single_entry(s, len)) {
        /* Commas outside brackets cannot be written: let '*' stand for them. */
        long depth = 0;
        for (size_t i = 0; i < len; i++) {
            depth += bracket((unsigned char)s[i]);
            kill[i] = s[i] == ',' && depth == 0;
        }
        char *t = malloc(len + 2);
        if (!t) {
            free(s);
            free(kill);
            return FS_ERR_NOMEM;
        }
        memcpy(t, s, len + 1);
        size_t tlen = starred(t, len, kill);
        if (!single_entry(t, tlen)) {
            /* Unbalanced brackets (or empty parts): star every comma and
             * bracket, which leaves nothing a list can misread. */
            for (size_t i = 0; i < len; i++)
                kill[i] = s[i] == ',' || bracket((unsigned char)s[i]);
            tlen = starred(s, len, kill);
            memcpy(t, s, tlen + 1);
        }
        if (!tlen) {
            /* An empty name: only "*" selects it (and everything else). */
            t[0] = '*';
            t[1] = 0;
            tlen = 1;
        }
        free(s);
        s = t;
        len = tlen;
    }
    free(kill);
    *out = s;
    *outlen = len;
    *pattern = memchr(s, '*', len) != NULL;
    return FS_OK;
}

static int push_item(fs_bn_list *l, uint32_t *cap, const char *text, size_t len,
                     uint32_t line)
{
    if (l->n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 64;
        fs_bn_item *ni = realloc(l->items, (size_t)nc * sizeof *ni);
        if (!ni)
            return -1;
        l->items = ni;
        *cap = nc;
    }
    fs_bn_item *it = &l->items[l->n];
    memset(it, 0, sizeof *it);
    /* Binaryen tests the whole entry for '*', but names only what comes
     * before a NUL (a C string). */
    it->pattern = memchr(text, '*', len) != NULL;
    const char *nul = memchr(text, 0, len);
    if (nul)
        len = (size_t)(nul - text);
    it->text = malloc(len + 1);
    it->escaped = malloc(3 * len + 1);
    if (!it->text || !it->escaped) {
        free(it->text);
        free(it->escaped);
        return -1;
    }
    memcpy(it->text, text, len);
    it->text[len] = 0;
    it->len = len;
    it->esc_len = fs_bn_escape(text, len, it->escaped);
    it->line = line;
    it->multiline = memchr(text, '\n', len) != NULL;
    it->func = UINT32_MAX;
    if (it->pattern)
        l->npatterns++;
    l->n++;
    return 0;
}

int fs_bn_list_parse(const char *text, size_t len, fs_bn_list *l, fs_error *err)
{
    memset(l, 0, sizeof *l);
    memset(err, 0, sizeof *err);
    while (len && trimmed((unsigned char)text[len - 1]))
        len--;
    char *acc = malloc(len + 1);      /* the entry being joined */
    if (!acc)
        return nomem(err);
    size_t alen = 0;
    uint32_t cap = 0, line = 1, aline = 1;
    long depth = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *comma = memchr(text + pos, ',', len - pos);
        size_t end = comma ? (size_t)(comma - text) : len;
        if (end > pos) {
            if (!alen)
                aline = line;
            else
                acc[alen++] = ',';
            memcpy(acc + alen, text + pos, end - pos);
            alen += end - pos;
            for (size_t i = pos; i < end; i++)
                depth += bracket((unsigned char)text[i]);
            if (depth == 0) {
                if (push_item(l, &cap, acc, alen, aline)) {
                    free(acc);
                    fs_bn_list_free(l);
                    return nomem(err);
                }
                alen = 0;
            }
        }
        for (size_t i = pos; i < end; i++)
            line += text[i] == '\n';
        pos = end + 1;
    }
    free(acc);
    if (depth != 0) {
        snprintf(err->msg, sizeof err->msg,
                 "brackets ( [ { < and ) ] } > do not balance from the entry at line %u to the "
                 "end of the list: wasm-opt 108 aborts (\"Asyncify: failed to parse lists\")",
                 aline);
        fs_bn_list_free(l);
        return FS_ERR_MALFORMED;
    }
    return FS_OK;
}

void fs_bn_list_free(fs_bn_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        free(l->items[i].text);
        free(l->items[i].escaped);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void fs_bn_list_match(fs_bn_list *l, const fs_bn_names *bn, uint8_t *listed)
{
    const fs_wasm_module *m = bn->m;
    for (uint32_t i = 0; i < l->n; i++) {
        fs_bn_item *it = &l->items[i];
        it->nmatched = 0;
        it->import = 0;
        it->func = UINT32_MAX;
        if (it->pattern) {
            /* Asyncify applies the list to defined functions only. */
            for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
                if (fs_bn_wildcard(it->escaped, it->esc_len, fs_bn_name(bn, f), bn->len[f])) {
                    listed[f] = 1;
                    it->nmatched++;
                }
            continue;
        }
        uint32_t f = fs_bn_find(bn, it->escaped, it->esc_len);
        it->func = f;
        if (f == UINT32_MAX)
            continue;
        if (f < m->nfunc_imports) {
            it->import = 1;
        } else {
            listed[f] = 1;
            it->nmatched = 1;
        }
    }
}

/* ---------------------------------------------------------- list writing */

int fs_bn_listing_build(const fs_bn_names *bn, const uint8_t *select, fs_bn_listing *out,
                        fs_error *err)
{
    const fs_wasm_module *m = bn->m;
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    uint32_t nsel = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        nsel += select[f] != 0;
    uint32_t *order = malloc(((size_t)nsel + 1) * sizeof *order);
    char **text = calloc((size_t)nsel + 1, sizeof *text);
    size_t *tlen = calloc((size_t)nsel + 1, sizeof *tlen);
    int st = FS_OK;
    if (!order || !text || !tlen) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    uint32_t k = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (select[f])
            order[k++] = f;

    /* An empty file would instrument everything, and the end of the file
     * is trimmed: a list selecting nothing, or whose every entry ends in
     * white space, ends on a name no function has (wasm-opt warns about it,
     * which is better than selecting too much or too little). */
    char decoy[64] = "forksize:no-such-function";
    for (unsigned i = 1; fs_bn_find(bn, decoy, strlen(decoy)) != UINT32_MAX; i++)
        snprintf(decoy, sizeof decoy, "forksize:no-such-function.%u", i);
    size_t total = 64 + strlen(decoy);
    for (uint32_t i = 0; i < nsel; i++) {
        int pat;
        if ((st = fs_bn_entry(bn, order[i], &text[i], &tlen[i], &pat)))
            goto done;
    }
    uint32_t lastok = nsel;
    for (uint32_t i = nsel; i-- > 0;)
        if (!trimmed((unsigned char)text[i][tlen[i] - 1])) {
            lastok = i;
            break;
        }
    if (lastok == nsel) {
        if (!(text[nsel] = strdup(decoy))) {
            st = FS_ERR_NOMEM;
            goto done;
        }
        tlen[nsel] = strlen(decoy);
        out->decoy = 1;
        k = nsel + 1;
    } else if (lastok != nsel - 1) {
        char *t = text[lastok];
        size_t l = tlen[lastok];
        memmove(&text[lastok], &text[lastok + 1], (nsel - 1 - lastok) * sizeof *text);
        memmove(&tlen[lastok], &tlen[lastok + 1], (nsel - 1 - lastok) * sizeof *tlen);
        text[nsel - 1] = t;
        tlen[nsel - 1] = l;
    }
    for (uint32_t i = 0; i < k; i++)
        total += tlen[i] + 1;
    out->text = malloc(total);
    if (!out->text) {
        st = FS_ERR_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < k; i++) {
        if (i)
            out->text[out->len++] = ',';
        memcpy(out->text + out->len, text[i], tlen[i]);
        out->len += tlen[i];
        out->patterns += memchr(text[i], '*', tlen[i]) != NULL;
    }
    out->text[out->len++] = '\n';
    out->text[out->len] = 0;
    out->entries = k;

    /* Read it back as Binaryen will: every selected function must be
     * selected, and whatever else a pattern selects is reported. */
    fs_bn_list l;
    if ((st = fs_bn_list_parse(out->text, out->len, &l, err)))
        goto done;
    uint8_t *listed = calloc((size_t)m->nfuncs + 1, 1);
    if (!listed) {
        fs_bn_list_free(&l);
        st = FS_ERR_NOMEM;
        goto done;
    }
    fs_bn_list_match(&l, bn, listed);
    fs_bn_list_free(&l);
    uint32_t nover = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (select[f] && !listed[f] && !bn->unreadable) {
            snprintf(err->msg, sizeof err->msg,
                     "internal error: the list written does not select function %u (%s)", f,
                     fs_bn_name(bn, f));
            free(listed);
            st = FS_ERR_UNSUPPORTED;
            goto done;
        }
        nover += listed[f] && !select[f];
    }
    out->over = malloc(((size_t)nover + 1) * sizeof *out->over);
    if (!out->over) {
        free(listed);
        st = FS_ERR_NOMEM;
        goto done;
    }
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (listed[f] && !select[f])
            out->over[out->nover++] = f;
    free(listed);

done:
    if (text)
        for (uint32_t i = 0; i < nsel + 1; i++)
            free(text[i]);
    free(text);
    free(tlen);
    free(order);
    if (st == FS_ERR_NOMEM)
        nomem(err);
    if (st)
        fs_bn_listing_free(out);
    return st;
}

void fs_bn_listing_free(fs_bn_listing *l)
{
    free(l->text);
    free(l->over);
    memset(l, 0, sizeof *l);
}

void fs_bn_display(const fs_wasm_module *m, uint32_t f, char *buf, size_t cap)
{
    if (!cap)
        return;
    if (f >= m->nfuncs) {
        fs_func_display_name(NULL, 0, f, buf, cap);
        return;
    }
    const fs_func *fn = &m->funcs[f];
    if (f < m->nfunc_imports) {
        fs_wasm_import_name(m, f, buf, cap);
        return;
    }
    if (!fn->name) {
        fs_func_display_name(NULL, 0, f, buf, cap);
        return;
    }
    size_t o = 0;
    for (uint32_t i = 0; i < fn->name_len && o + 4 < cap; i++) {
        unsigned char c = (unsigned char)fn->name[i];
        if (c < 0x20 || c == 0x7f) {
            snprintf(buf + o, cap - o, "\\%02x", c);
            o += 3;
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = 0;
}
