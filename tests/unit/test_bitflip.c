/*
 * test_bitflip.c: every single-bit flip of a valid credential's bytes
 * (after Base45, so Z itself) is rejected, never valid: compressed and not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "testkit.h"
#include "tessera/tess_b45.h"

static void flips(tess_zlib_mode mode)
{
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    uint8_t payload[4096], prot[64], c[8192], z[8192];
    size_t plen, prot_len, c_len, z_len;
    assert_int_equal(tess_claims_encode(&cr, payload, sizeof payload, &plen), TESS_OK);
    assert_int_equal(tess_cose_protected(w->issuer.pk, prot, sizeof prot, &prot_len), TESS_OK);
    assert_int_equal(tess_cose_sign1_build(prot, prot_len, payload, plen, w->issuer.sk, c, sizeof c,
                                           &c_len),
                     TESS_OK);
    if (mode == TESS_ZLIB_ALWAYS) {
        assert_int_equal(tess_deflate(c, c_len, z, sizeof z, &z_len), TESS_OK);
    } else {
        memcpy(z, c, c_len);
        z_len = c_len;
    }
    char text[8192];
    memcpy(text, "MC1:", 4);
    size_t n;
    assert_int_equal(tess_b45_encode(z, z_len, text + 4, sizeof text - 5, &n), TESS_OK);
    text[4 + n] = 0;
    assert_int_equal(tk_verify(w, text, TK_NOW), TESS_OK);

    unsigned counts[128] = {0};
    size_t total = 0;
    for (size_t byte = 0; byte < z_len; byte++) {
        for (int bit = 0; bit < 8; bit++) {
            z[byte] ^= (uint8_t)(1u << bit);
            assert_int_equal(tess_b45_encode(z, z_len, text + 4, sizeof text - 5, &n), TESS_OK);
            text[4 + n] = 0;
            tess_status st = tk_verify(w, text, TK_NOW);
            if (st == TESS_OK)
                fail_msg("flipping bit %d of byte %zu gave a valid credential", bit, byte);
            counts[st < 128 ? st : 127]++;
            total++;
            z[byte] ^= (uint8_t)(1u << bit);
        }
    }
    printf("%s: %zu flips of %zu bytes, all rejected:", mode == TESS_ZLIB_ALWAYS ? "zlib" : "plain",
           total, z_len);
    for (int s = 0; s < 128; s++)
        if (counts[s])
            printf(" %s %u", tess_reason((tess_status)s), counts[s]);
    printf("\n");
    assert_int_equal(total, z_len * 8);
    tk_world_free(w);
}

static void flips_plain(void **st)
{
    (void)st;
    flips(TESS_ZLIB_NEVER);
}

static void flips_zlib(void **st)
{
    (void)st;
    flips(TESS_ZLIB_ALWAYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(flips_plain), cmocka_unit_test(flips_zlib)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
