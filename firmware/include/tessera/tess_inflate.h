/*
 * tess_inflate.h: the one seam to zlib (RFC 1950/1951), with the limits.
 *
 * Accepts: one complete zlib stream (header, deflate data, Adler-32) that
 * ends exactly at the end of the input and inflates to at most cap bytes.
 * Rejects: TESS_ERR_BAD_COMPRESSION for a broken, truncated, preset-
 * dictionary or checksum-failing stream, bytes after its end, or non-zero
 * padding bits after the final block (they would make the text malleable);
 * TESS_ERR_TOO_LARGE as soon as the output would pass cap (a zip bomb is
 * stopped after cap + 1 bytes of work, not after inflating it);
 * TESS_ERR_ARG for a cap above TESS_INFLATE_WINDOW.
 * zlib allocates from the caller's arena, never from the heap: its state
 * and a window of TESS_INFLATE_WINDOW bytes, not 32 KB.
 * Does not check: padding inside a stored block (issuers never emit one: a
 * stored block never makes Z shorter than C).
 */
#ifndef TESS_INFLATE_H
#define TESS_INFLATE_H

#include "tess_common.h"

/* The window: the smallest power of two >= TESS_MAX_C (zlib allows 256
 * bytes to 32 KB). Inflating raw deflate with it gives what a 32 KB window
 * gives for any output of at most TESS_MAX_C (+ 1) bytes; cap may not pass
 * it (TESS_ERR_ARG). */
#define TESS_INFLATE_WBITS                                                              \
    (TESS_MAX_C <= 256u ? 8 : TESS_MAX_C <= 512u ? 9 : TESS_MAX_C <= 1024u ? 10          \
     : TESS_MAX_C <= 2048u ? 11 : TESS_MAX_C <= 4096u ? 12 : TESS_MAX_C <= 8192u ? 13    \
     : TESS_MAX_C <= 16384u ? 14 : 15)
#define TESS_INFLATE_WINDOW (1u << TESS_INFLATE_WBITS)
_Static_assert(TESS_MAX_C <= 32768u, "zlib's window is at most 32 KB");

/* zlib's inflate state (7120 bytes on a 32-bit target, a little more on
 * 64-bit; test_alloc and board/cortex-m's test_m4 report the peak) and the
 * window. */
#define TESS_INFLATE_STATE ((unsigned)(sizeof(void *) > 4u ? 7424u : 7168u))
#define TESS_INFLATE_ARENA (TESS_INFLATE_STATE + TESS_INFLATE_WINDOW)

typedef struct {
    _Alignas(16) uint8_t mem[TESS_INFLATE_ARENA];
    size_t used;
    size_t peak;   /* the most ever used since the arena was zeroed, for tests
                      and sizing: zero the arena (or the tess_verifier holding
                      it) before its first use */
} tess_inflate_arena;

TESS_MUST_USE tess_status tess_inflate(tess_inflate_arena *arena,
                                       const uint8_t *in, size_t n,
                                       uint8_t *out, size_t cap,
                                       size_t *out_len);

/* The same contract and the same answer for every input, without zlib
 * (firmware/src/inflate_small.c): no arena, about 1.2 KB of stack. The
 * door reader (TESS_SMALL_INFLATE) inflates with it, where zlib's 7 KB
 * state does not fit beside FORMAT.md's limits in 16 KiB of RAM;
 * tests/unit/test_inflate_diff.c and fuzz_inflate_diff compare the two. */
TESS_MUST_USE tess_status tess_inflate_small(const uint8_t *in, size_t n, uint8_t *out,
                                             size_t cap, size_t *out_len);

/* What both inflates check first, in the contract's order: the sizes, the
 * cap, and the zlib header (RFC 1950) as zlib checks it (deflate, a window
 * of at most 32 KB, the check bits, no preset dictionary). */
static inline tess_status tess_inflate_start(const uint8_t *in, size_t n, size_t cap)
{
    if (n > UINT32_MAX || cap > UINT32_MAX)
        return TESS_ERR_TOO_LARGE;
    if (cap > TESS_INFLATE_WINDOW)
        return TESS_ERR_ARG;
    bool header = n >= 2 && (in[0] & 0x0Fu) == 8 && (in[0] >> 4) <= 7 &&
                  ((unsigned)in[0] << 8 | in[1]) % 31u == 0 && (in[1] & 0x20u) == 0;
    return header ? TESS_OK : TESS_ERR_BAD_COMPRESSION;
}

#endif
