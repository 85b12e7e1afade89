/*
 * fuzz_root.c: the root file (tess_root_parse, tess_bundle.h) under
 * libFuzzer.
 *
 * Crashes on: a code other than ok and bad_root; fields left set after a
 * refusal; an accepted root whose threshold is not in 1..n_keys, whose
 * keys leave the file or repeat, or that holds more than TESS_MAX_ROOT_KEYS;
 * or an accepted root that tess_root_encode (the command's writer) does not
 * write back to bytes that parse to the same threshold and keys.
 */
#include "fuzz_common.h"
#include "tessera/tess_bundle.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tess_span file = {data, size};
    tess_root r;
    tess_status st = tess_root_parse(file, &r);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_ROOT);
    if (st != TESS_OK) {
        CHECK(r.n_keys == 0 && r.threshold == 0);
        return 0;
    }
    CHECK(r.n_keys >= 1 && r.n_keys <= TESS_MAX_ROOT_KEYS);
    CHECK(r.threshold >= 1 && r.threshold <= r.n_keys);
    uint8_t keys[TESS_MAX_ROOT_KEYS][32];
    for (size_t i = 0; i < r.n_keys; i++) {
        CHECK(r.keys[i] >= data && r.keys[i] + 32 <= data + size);
        for (size_t j = 0; j < i; j++)
            CHECK(memcmp(r.keys[i], r.keys[j], 32) != 0);
        memcpy(keys[i], r.keys[i], 32);
    }

    uint8_t out[1024];
    size_t len;
    CHECK(tess_root_encode(r.threshold, (const uint8_t(*)[32])keys, r.n_keys, out, sizeof out,
                           &len) == TESS_OK);
    tess_root back;
    CHECK(tess_root_parse((tess_span){out, len}, &back) == TESS_OK);
    CHECK(back.threshold == r.threshold && back.n_keys == r.n_keys);
    for (size_t i = 0; i < r.n_keys; i++)
        CHECK(memcmp(back.keys[i], keys[i], 32) == 0);
    return 0;
}
