/*
 * fuzz_b45.c: Base45 decoding (tess_b45.h) under libFuzzer.
 *
 * The input is the text. Crashes only on what the header rules out: a code
 * it does not list, a length left set after an error, a decoded length that
 * is not tess_b45_decoded_len(n), text accepted that does not encode back
 * to itself (Base45 has one spelling per byte string), a short buffer not
 * refused as TESS_ERR_BUFFER, or lower case accepted.
 */
#include "fuzz_common.h"
#include "tessera/tess_b45.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t want = tess_b45_decoded_len(size);
    size_t cap = size; /* decoding never grows */
    uint8_t *out = malloc(cap ? cap : 1);
    CHECK(out != NULL);
    size_t len = 12345;
    tess_status st = tess_b45_decode(text, size, out, cap, &len);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_BASE45);
    if (st != TESS_OK) {
        CHECK(len == 0);
        free(out);
        return 0;
    }
    CHECK(want != SIZE_MAX && len == want);
    for (size_t i = 0; i < size; i++)
        CHECK(!(data[i] >= 'a' && data[i] <= 'z'));

    /* One spelling: encoding gives the text back. */
    size_t n = tess_b45_encoded_len(len);
    CHECK(n == size);
    char *again = malloc(n ? n : 1);
    CHECK(again != NULL);
    size_t got;
    CHECK(tess_b45_encode(out, len, again, n, &got) == TESS_OK && got == n);
    CHECK(memcmp(again, text, n) == 0);
    if (n > 0) {
        CHECK(tess_b45_encode(out, len, again, n - 1, &got) == TESS_ERR_BUFFER);
    }
    free(again);

    /* A buffer one short is refused, and says so. */
    if (len > 0) {
        size_t l2 = 7;
        CHECK(tess_b45_decode(text, size, out, len - 1, &l2) == TESS_ERR_BUFFER && l2 == 0);
    }
    free(out);
    return 0;
}
