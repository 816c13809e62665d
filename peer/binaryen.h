/* binaryen.h - running Binaryen (the peer instrumentation) safely.
 *
 * libbinaryen aborts the whole process on input it cannot handle (it
 * calls abort() on unsupported expressions, and Fatal() on features
 * Asyncify refuses), so every call into it happens in a forked child.
 * The child reads the module, runs the passes, and sends back the output
 * module and Binaryen's own name for every input function; the parent
 * survives any crash and reports it with the child's last words.
 */
#ifndef FS_PEER_BINARYEN_H
#define FS_PEER_BINARYEN_H

#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

typedef struct fs_peer_opts {
    int          asyncify;        /* run the asyncify pass before optimizing */
    int          opt_level;       /* -O N: 0..4 */
    const char  *imports;         /* asyncify-imports list, or NULL for all imports */
    const char  *onlylist;        /* asyncify-onlylist entries, comma-separated, or NULL:
                                     spelled as analyzer/names_bn.c writes them */
    int          ignore_indirect; /* asyncify-ignore-indirect */
    const char  *wasm_opt;        /* run this wasm-opt (wasmopt.c) in place of libbinaryen */
} fs_peer_opts;

typedef struct fs_peer_out {
    uint8_t  *wasm;               /* the output module (malloc'd) */
    size_t    size;
    char    **names;              /* Binaryen's name of each input function, by index */
    uint32_t  nnames;
    double    seconds;            /* wall time of the child */
} fs_peer_out;

/* Called about once a second while children run (the CLI shows
 * progress on a terminal; this layer never prints). */
typedef void (*fs_peer_progress_fn)(void *ctx, double elapsed_seconds);

/* Runs the pipelines for each of N (at most 4) option sets concurrently,
 * one child each, on the module bytes.  Fills out[i]; on failure of any
 * child returns FS_ERR_UNSUPPORTED with err naming what Binaryen said.
 * A child that runs past FS_PEER_TIME_LIMIT seconds (or the environment's
 * FORKSIZE_PEER_TIMEOUT) is killed with everything it started, and the
 * run fails the same way.  With opts[].wasm_opt set (the same for all),
 * that program runs the pipelines instead of libbinaryen. */
#define FS_PEER_TIME_LIMIT 1800
int  fs_peer_run(const uint8_t *bytes, size_t size, const fs_peer_opts *opts, unsigned n,
                 fs_peer_out *out, fs_peer_progress_fn progress, void *ctx, fs_error *err);
void fs_peer_out_free(fs_peer_out *o);

/* Binaryen's version: "108" for the libbinaryen forksize was built with
 * (PATH NULL), else the number `PATH --version` prints ("wasm-opt version
 * 132 (version_132)").  FS_ERR_USAGE when PATH cannot be run (missing,
 * not executable), FS_ERR_UNSUPPORTED when it fails, hangs past 60 s or
 * prints no version; err names PATH either way. */
int  fs_peer_version(const char *path, char *buf, size_t cap, fs_error *err);

/* wasmopt.c, in a child of fs_peer_run: runs pipeline WHICH in DIR; never
 * returns.  fs_peer_put writes the protocol (binaryen.c). */
_Noreturn void fs_peer_external_child(const fs_peer_opts *o, const char *dir, unsigned which,
                                      int fd);
void fs_peer_put(int fd, const void *p, size_t n);

/* A copy of M's bytes with a name section that names function i "fs$i"
 * (for a module without names: wasm-opt 132 keeps only names it read). */
int  fs_peer_named_copy(const fs_wasm_module *m, uint8_t **out, size_t *len);

#endif
