/*
 * tess_inflate.h: the one seam to zlib (RFC 1950/1951), with the limits.
 *
 * Accepts: one complete zlib stream (header, deflate data, Adler-32) that
 * ends exactly at the end of the input and inflates to at most cap bytes.
 * Rejects: TESS_ERR_BAD_COMPRESSION for a broken, truncated, preset-
 * dictionary or checksum-failing stream, bytes after its end, or non-zero
 * padding bits after the final block (they would make the text malleable);
 * TESS_ERR_TOO_LARGE as soon as the output would pass cap (a zip bomb is
 * stopped after cap + 1 bytes of work, not after inflating it).
 * zlib allocates from the caller's arena, never from the heap.
 * Does not check: padding inside a stored block (issuers never emit one: a
 * stored block never makes Z shorter than C).
 */
#ifndef TESS_INFLATE_H
#define TESS_INFLATE_H

#include "tess_common.h"

/* zlib's inflate state (about 7 KB on 64-bit) and its 32 KB window. */
#define TESS_INFLATE_ARENA (44u * 1024u)

typedef struct {
    _Alignas(16) uint8_t mem[TESS_INFLATE_ARENA];
    size_t used;
    size_t peak;   /* the most ever used, for tests and sizing */
} tess_inflate_arena;

TESS_MUST_USE tess_status tess_inflate(tess_inflate_arena *arena,
                                       const uint8_t *in, size_t n,
                                       uint8_t *out, size_t cap,
                                       size_t *out_len);

#endif
