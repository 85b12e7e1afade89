/*
 * fuzz_inflate_diff.c: tess_inflate_small (no zlib) against tess_inflate
 * (zlib), tess_inflate.h, under libFuzzer.
 *
 * The first byte picks the cap as fuzz_inflate does (a power of two from 1
 * to TESS_MAX_C), less one from 0xD0 up (0, 1, 3 .. 4095: an output that
 * ends exactly at cap is found by smaller inputs too); the rest is the
 * stream. Crashes when the two give a different status, or different
 * lengths or bytes for an accepted stream, or a length other than 0 for a
 * refused one. The stream is copied to a buffer of its exact length and
 * the small inflater writes to one of exactly cap bytes, so that ASan sees
 * a read or write past either.
 */
#include "fuzz_common.h"
#include "tessera/tess_inflate.h"

static tess_inflate_arena arena;
static uint8_t want[TESS_MAX_C];

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
    if (data[0] >= 0xD0)
        cap--;
    size_t n = size - 1;
    /* malloc(0) is not NULL here (glibc, ASan), and ASan allows it no byte */
    uint8_t *in = malloc(n), *got = malloc(cap);
    CHECK(in != NULL && got != NULL);
    if (n)
        memcpy(in, data + 1, n);

    size_t want_len = 77777, got_len = 88888;
    tess_status want_st = tess_inflate(&arena, in, n, want, cap, &want_len);
    tess_status got_st = tess_inflate_small(in, n, got, cap, &got_len);
    if (want_st != got_st || want_len != got_len)
        fprintf(stderr, "cap %zu: zlib %s len %zu, small %s len %zu\n", cap,
                tess_reason(want_st), want_len, tess_reason(got_st), got_len);
    CHECK(want_st == got_st);
    CHECK(want_len == got_len);
    if (want_st == TESS_OK)
        CHECK(memcmp(want, got, want_len) == 0);
    free(in);
    free(got);
    return 0;
}
