/* wasmopt.c - a wasm-opt the user names, as the peer (see binaryen.h).
 *
 * Where libbinaryen 108 runs in-process in the child, this child runs the
 * user's wasm-opt (a native binary, or npm's node script: exec follows
 * its #! line) as a grandchild, on files in a directory the parent made:
 *
 *   in.wasm                      the module, written by the parent
 *   only.txt, imports.txt        the Asyncify lists, as files (a pass
 *                                argument of @@FILE), since a closure's
 *                                list can pass the kernel's 128 KiB limit
 *                                on one argument
 *   out0.wasm, out1.wasm         each child's output
 *
 * The pipeline is the one binaryen.c runs: --all-features, names kept
 * (-g), Asyncify first when asked for, then -O N.  The baseline child
 * also asks wasm-opt for its own name of every input function
 * (--print-function-map), which the A/B match needs.  It then speaks the
 * same protocol on its pipe.  The parent removes the directory.
 */
#include "binaryen.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs ARGV with stdout to OUT_PATH (or inherited when NULL), stderr
 * inherited (the parent keeps its tail); exits the child on failure with
 * wasm-opt's own status, so the parent's message is wasm-opt's. */
static void run(char *const argv[], const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "cannot fork: %s\n", strerror(errno));
        _exit(5);
    }
    if (pid == 0) {
        /* stdout is forksize's own (the report): never wasm-opt's */
        int fd = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : dup(2);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(126);
        close(fd);
        execv(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(ws)) {
        fprintf(stderr, "%s was killed by signal %d\n", argv[0], WTERMSIG(ws));
        _exit(7);
    }
    if (WEXITSTATUS(ws))
        _exit(WEXITSTATUS(ws));
}

/* A whole file (malloc'd), or exits: this runs in the child. */
static char *slurp(const char *path, size_t *len)
{
    char *b;
    fs_error err;
    int st = fs_file_read(path, &b, len, &err);
    if (st) {
        fprintf(stderr, "wasm-opt's output %s: %s\n", path, err.msg);
        _exit(st == FS_ERR_NOMEM ? 4 : 8);
    }
    return b;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(s, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        _exit(5);
    }
}

/* --print-function-map's "index:name" lines, sent as the protocol's name
 * list (every index from 0, imports included). */
static void send_names(const char *map, size_t len, int fd)
{
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += map[i] == '\n';
    fs_peer_put(fd, &n, sizeof n);
    const char *p = map;
    for (uint32_t k = 0; k < n; k++) {
        const char *nl = strchr(p, '\n');
        const char *colon = memchr(p, ':', (size_t)(nl - p));
        char *end;
        unsigned long idx = strtoul(p, &end, 10);
        if (!colon || end != colon || idx != k) {
            fprintf(stderr, "wasm-opt's function map is not index:name at line %u\n", k + 1);
            _exit(9);
        }
        uint32_t l = (uint32_t)(nl - colon - 1);
        fs_peer_put(fd, &l, sizeof l);
        fs_peer_put(fd, colon + 1, l);
        p = nl + 1;
    }
}

_Noreturn void fs_peer_external_child(const fs_peer_opts *o, const char *dir, unsigned which,
                                      int fd)
{
    char in[4096], out[4096], only[4096], imports[4096], map[4096];
    snprintf(in, sizeof in, "%s/in.wasm", dir);
    snprintf(out, sizeof out, "%s/out%u.wasm", dir, which);
    snprintf(only, sizeof only, "%s/only%u.txt", dir, which);
    snprintf(imports, sizeof imports, "%s/imports%u.txt", dir, which);
    snprintf(map, sizeof map, "%s/map%u.txt", dir, which);
    char *wo = (char *)o->wasm_opt;
    if (!o->asyncify) {
        char *argv[] = { wo, "--all-features", "--print-function-map", in, NULL };
        run(argv, map);
        size_t len;
        char *m = slurp(map, &len);
        send_names(m, len, fd);
        free(m);
    } else {
        uint32_t none = 0;
        fs_peer_put(fd, &none, sizeof none);
    }
    char olevel[8], a_only[4200], a_imports[4200];
    snprintf(olevel, sizeof olevel, "-O%d", o->opt_level);
    char *argv[16];
    int n = 0;
    argv[n++] = wo;
    argv[n++] = in;
    argv[n++] = "--all-features";
    argv[n++] = "-g";
    if (o->asyncify) {
        argv[n++] = "--asyncify";
        if (o->imports) {
            write_file(imports, o->imports);
            snprintf(a_imports, sizeof a_imports, "--pass-arg=asyncify-imports@@%s", imports);
            argv[n++] = a_imports;
        }
        if (o->onlylist) {
            write_file(only, o->onlylist);
            snprintf(a_only, sizeof a_only, "--pass-arg=asyncify-onlylist@@%s", only);
            argv[n++] = a_only;
        }
        if (o->ignore_indirect)
            argv[n++] = "--pass-arg=asyncify-ignore-indirect";
    }
    if (o->opt_level > 0)
        argv[n++] = olevel;
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n] = NULL;
    run(argv, NULL);
    size_t len;
    char *w = slurp(out, &len);
    uint64_t size = len;
    fs_peer_put(fd, &size, sizeof size);
    fs_peer_put(fd, w, len);
    free(w);
    _exit(0);
}

/* ---- names for a module without them -------------------------------

   wasm-opt 132 writes a name (-g) only for a function that had one, so a
   stripped module's functions come out unnamed and cannot be matched.
   Such a module goes to it with a name section that calls function i
   "fs$i": no automatic name of Binaryen's looks like that, and '$' needs
   no escaping.  The code section is untouched. */

static void put_leb(uint8_t **p, uint32_t v)
{
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        *(*p)++ = v ? b | 0x80 : b;
    } while (v);
}

int fs_peer_named_copy(const fs_wasm_module *m, uint8_t **out, size_t *len)
{
    size_t names = 0;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        names += 5 + 1 + 3 + 10;        /* index LEB, length, "fs$", digits */
    size_t cap = m->size + names + 64;
    uint8_t *b = malloc(cap), *sub = malloc(names + 16);
    if (!b || !sub) {
        free(b);
        free(sub);
        return FS_ERR_NOMEM;
    }
    uint8_t *q = sub;
    put_leb(&q, m->nfuncs);
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        char nm[16];
        int n = snprintf(nm, sizeof nm, "fs$%u", f);
        put_leb(&q, f);
        put_leb(&q, (uint32_t)n);
        memcpy(q, nm, (size_t)n);
        q += n;
    }
    size_t sublen = (size_t)(q - sub);
    memcpy(b, m->bytes, m->size);
    uint8_t *p = b + m->size, hdr[16], *h = hdr;
    /* payload: "name", then subsection 1 (function names) */
    put_leb(&h, 4);
    memcpy(h, "name", 4);
    h += 4;
    *h++ = 1;
    put_leb(&h, (uint32_t)sublen);
    size_t hlen = (size_t)(h - hdr);
    *p++ = 0;                           /* a custom section */
    put_leb(&p, (uint32_t)(hlen + sublen));
    memcpy(p, hdr, hlen);
    p += hlen;
    memcpy(p, sub, sublen);
    p += sublen;
    free(sub);
    *out = b;
    *len = (size_t)(p - b);
    return FS_OK;
}

