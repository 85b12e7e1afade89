/*
 * fuzz_inflate.c: the zlib seam (tess_inflate.h) with its limits and its
 * arena, under libFuzzer.
 *
 * The first byte picks the output cap (a power of two up to TESS_MAX_C, so
 * that TESS_ERR_TOO_LARGE is reached by small inputs too); the rest is the
 * stream. Crashes on: a code the header does not list, the arena used past
 * its size, an accepted stream that inflates to more than cap, an accepted
 * stream that inflates differently with a larger cap, a stream refused as
 * too large that a larger cap does not take further, or one that zlib
 * itself (plain uncompress) reads to different bytes. A deflate of the
 * fuzzer's bytes must come back exactly (tess_deflate then tess_inflate)
 * for a first byte of 0xF0 and up.
 */
#include <zlib.h>

#include "fuzz_common.h"
#include "tessera/tess_inflate.h"
#include "tessera/tess_verify.h"

static tess_inflate_arena arena;
static uint8_t out[TESS_MAX_C], out2[TESS_MAX_C], ref[TESS_MAX_C + 1];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cap = (size_t)1 << (data[0] % 13); /* 1 .. 4096 */
    if (cap > TESS_MAX_C)
        cap = TESS_MAX_C;
    const uint8_t *in = data + 1;
    size_t n = size - 1;

    size_t len = 999999;
    tess_status st = tess_inflate(&arena, in, n, out, cap, &len);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_COMPRESSION || st == TESS_ERR_TOO_LARGE);
    CHECK(arena.peak <= TESS_INFLATE_ARENA && arena.used <= TESS_INFLATE_ARENA);
    if (st == TESS_OK) {
        CHECK(len <= cap);
        /* zlib, with no limits of ours, reads the same bytes. */
        uLongf rlen = sizeof ref;
        CHECK(uncompress(ref, &rlen, in, (uLong)n) == Z_OK);
        CHECK(rlen == len && memcmp(ref, out, len) == 0);
        /* A larger cap changes nothing. */
        size_t len2;
        CHECK(tess_inflate(&arena, in, n, out2, TESS_MAX_C, &len2) == TESS_OK);
        CHECK(len2 == len && memcmp(out, out2, len) == 0);
    } else if (st == TESS_ERR_TOO_LARGE && cap < TESS_MAX_C) {
        /* Too large for cap: with the largest cap, either it fits (and is
         * longer than cap), or it is still too large, or it is broken
         * further on. */
        size_t len2;
        tess_status st2 = tess_inflate(&arena, in, n, out2, TESS_MAX_C, &len2);
        CHECK(st2 != TESS_OK || len2 > cap);
    }

    /* Whatever the bytes, deflating and inflating them is the identity.
     * Deflating tries five strategies at level 9, slow next to the rest:
     * one input in 16 (first byte 0xF0 and up) does it. */
    static uint8_t z[TESS_MAX_C + 512];
    size_t zlen, back;
    size_t m = n < TESS_MAX_C ? n : TESS_MAX_C;
    if (m > 0 && data[0] >= 0xF0) {
        CHECK(tess_deflate(in, m, z, sizeof z, &zlen) == TESS_OK);
        CHECK(tess_inflate(&arena, z, zlen, out2, TESS_MAX_C, &back) == TESS_OK);
        CHECK(back == m && memcmp(out2, in, m) == 0);
    }
    return 0;
}
