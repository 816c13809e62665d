/* sha256.h - SHA-256 (FIPS 180-4) of a whole in-memory buffer.
 *
 * Modules are mmap'd and hashed in one call, so there is no streaming
 * init/update/final API: one call per buffer keeps the fast path simple.
 * On x86-64 with GCC or Clang the SHA-NI instructions are used when the
 * CPU has them; everywhere else a portable C version runs.  Both give
 * identical output.
 */
#ifndef FS_SHA256_H
#define FS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* 64 hex digits plus the terminating NUL. */
#define FS_SHA256_HEX 65

/* Digest of data[0..len).  data may be NULL when len is 0. */
void fs_sha256(const void *data, size_t len, uint8_t out[32]);

/* Same digest as lowercase hex, NUL-terminated. */
void fs_sha256_hex(const void *data, size_t len, char out[FS_SHA256_HEX]);

/* Always the portable C path, whatever the CPU.  Exposed so tests can
 * check the accelerated path against an independent computation. */
void fs_sha256_portable(const void *data, size_t len, uint8_t out[32]);

#endif
