/*
 * test_ed25519.c: the signature seam, tess_crypto.h.
 *
 * Vectors (see vectors/SOURCES.md):
 *   wycheproof/testvectors_v1/ed25519_test.json           C2SP Wycheproof, 151 tests
 *   wycheproof/legacy-google-testvectors/eddsa_test.json  google/wycheproof, 145 tests,
 *                                                         with private keys: the valid
 *                                                         ones are signing KATs too
 *   ed25519-speccheck/cases.json                          12 edge cases; libsodium
 *                                                         accepts only case 3
 * A Wycheproof signature that is not 64 bytes is an invalid case by itself:
 * it never reaches tess_ed25519_verify, whose sig is 64 bytes by prototype
 * (the COSE layer refuses such a signature as bad_cose before).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "tessera/tess_crypto.h"
#include "testkit.h"

static int setup(void **state)
{
    (void)state;
    return tess_crypto_init() == TESS_OK ? 0 : -1;
}

typedef struct {
    size_t tests, valid, invalid, wrong_length;
} wp_count;

/* One Wycheproof file; key_field is "publicKey" (v1) or "key" (legacy). */
static wp_count run_wycheproof(const char *path, const char *key_field)
{
    cJSON *j = tk_load_json(path);
    wp_count c = {0, 0, 0, 0};
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(j, "testGroups"))
    {
        uint8_t pk[32];
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(g, key_field);
        assert_int_equal(tk_unhex_all(tk_json_str(key, "pk"), pk, 32), 32);
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests"))
        {
            int id = cJSON_GetObjectItemCaseSensitive(t, "tcId")->valueint;
            const char *result = tk_json_str(t, "result");
            bool valid = strcmp(result, "valid") == 0;
            if (!valid && strcmp(result, "invalid") != 0)
                fail_msg("tcId %d: result \"%s\"", id, result);
            static uint8_t msg[2048];
            uint8_t sig[128];
            size_t msg_len = tk_unhex_all(tk_json_str(t, "msg"), msg, sizeof msg);
            const char *sig_hex = tk_json_str(t, "sig");
            char name[96];
            snprintf(name, sizeof name, "%s tcId %d (%s)", path, id, tk_json_str(t, "comment"));
            if (strlen(sig_hex) != 128) {
                /* not 64 bytes: invalid without asking the seam */
                if (valid)
                    fail_msg("%s: a valid signature of %zu hex digits", name, strlen(sig_hex));
                c.wrong_length++;
            } else {
                assert_int_equal(tk_unhex_all(sig_hex, sig, sizeof sig), 64);
                TK_EXPECT_STATUS(tess_ed25519_verify(sig, msg, msg_len, pk),
                              valid ? TESS_OK : TESS_ERR_BAD_SIGNATURE, name);
            }
            c.tests++;
            c.valid += valid;
            c.invalid += !valid;
        }
    }
    assert_int_equal(c.tests, cJSON_GetObjectItemCaseSensitive(j, "numberOfTests")->valueint);
    cJSON_Delete(j);
    return c;
}

static void wycheproof_v1(void **state)
{
    (void)state;
    wp_count c = run_wycheproof("wycheproof/testvectors_v1/ed25519_test.json", "publicKey");
    assert_int_equal(c.tests, 151);
    assert_int_equal(c.valid, 88);
    assert_int_equal(c.invalid, 63);
    assert_int_equal(c.wrong_length, 12);
    printf("ed25519 wycheproof v1: %zu cases (%zu valid, %zu invalid, %zu of them not 64 bytes)\n",
           c.tests, c.valid, c.invalid, c.wrong_length);
}

static void wycheproof_legacy(void **state)
{
    (void)state;
    wp_count c = run_wycheproof("wycheproof/legacy-google-testvectors/eddsa_test.json", "key");
    assert_int_equal(c.tests, 145);
    assert_int_equal(c.valid, 84);
    assert_int_equal(c.invalid, 61);
    assert_int_equal(c.wrong_length, 12);
    printf("ed25519 wycheproof legacy: %zu cases (%zu valid, %zu invalid, %zu of them not 64 "
           "bytes)\n",
           c.tests, c.valid, c.invalid, c.wrong_length);
}

/* The legacy file's valid cases as signing known answers: the key pair from
 * the seed sk, and the signature of msg, to the byte. */
static void signing_kats(void **state)
{
    (void)state;
    cJSON *j = tk_load_json("wycheproof/legacy-google-testvectors/eddsa_test.json");
    size_t groups = 0, kats = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(j, "testGroups"))
    {
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(g, "key");
        uint8_t seed[32], want_pk[32], pk[32], sk[64];
        assert_int_equal(tk_unhex_all(tk_json_str(key, "sk"), seed, 32), 32);
        assert_int_equal(tk_unhex_all(tk_json_str(key, "pk"), want_pk, 32), 32);
        assert_int_equal(tess_ed25519_keypair(pk, sk, seed), TESS_OK);
        assert_memory_equal(pk, want_pk, 32);
        groups++;
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests"))
        {
            if (strcmp(tk_json_str(t, "result"), "valid") != 0)
                continue;
            static uint8_t msg[2048];
            uint8_t want[64], sig[64];
            size_t msg_len = tk_unhex_all(tk_json_str(t, "msg"), msg, sizeof msg);
            assert_int_equal(tk_unhex_all(tk_json_str(t, "sig"), want, sizeof want), 64);
            assert_int_equal(tess_ed25519_sign(sig, msg, msg_len, sk), TESS_OK);
            if (memcmp(sig, want, 64) != 0)
                fail_msg("tcId %d: signature differs",
                         cJSON_GetObjectItemCaseSensitive(t, "tcId")->valueint);
            /* and what we sign, we verify */
            assert_int_equal(tess_ed25519_verify(sig, msg, msg_len, pk), TESS_OK);
            kats++;
        }
    }
    cJSON_Delete(j);
    assert_int_equal(kats, 84);
    printf("ed25519 signing KATs: %zu signatures over %zu keys\n", kats, groups);
}

/* Which speccheck cases libsodium accepts: exactly case 3 (mixed-order A and
 * R, verified cofactorless with canonical encodings). */
static const struct {
    tess_status want;
    const char *why;
} speccheck[12] = {
    {TESS_ERR_BAD_SIGNATURE, "0: small-order A and R"},
    {TESS_ERR_BAD_SIGNATURE, "1: small-order A"},
    {TESS_ERR_BAD_SIGNATURE, "2: small-order R"},
    {TESS_OK, "3: mixed-order A and R"},
    {TESS_ERR_BAD_SIGNATURE, "4: needs cofactored verification"},
    {TESS_ERR_BAD_SIGNATURE, "5: needs cofactored verification"},
    {TESS_ERR_BAD_SIGNATURE, "6: S >= L"},
    {TESS_ERR_BAD_SIGNATURE, "7: S >= L"},
    {TESS_ERR_BAD_SIGNATURE, "8: non-canonical R"},
    {TESS_ERR_BAD_SIGNATURE, "9: non-canonical R"},
    {TESS_ERR_BAD_SIGNATURE, "10: non-canonical A"},
    {TESS_ERR_BAD_SIGNATURE, "11: non-canonical A"},
};

static void speccheck_cases(void **state)
{
    (void)state;
    cJSON *j = tk_load_json("ed25519-speccheck/cases.json");
    assert_int_equal(cJSON_GetArraySize(j), 12);
    size_t n = 0, accepted = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, j)
    {
        uint8_t msg[256], pk[32], sig[64];
        size_t msg_len = tk_unhex_all(tk_json_str(c, "message"), msg, sizeof msg);
        assert_int_equal(tk_unhex_all(tk_json_str(c, "pub_key"), pk, 32), 32);
        assert_int_equal(tk_unhex_all(tk_json_str(c, "signature"), sig, 64), 64);
        TK_EXPECT_STATUS(tess_ed25519_verify(sig, msg, msg_len, pk), speccheck[n].want,
                      speccheck[n].why);
        accepted += speccheck[n].want == TESS_OK;
        n++;
    }
    cJSON_Delete(j);
    assert_int_equal(n, 12);
    assert_int_equal(accepted, 1);
    printf("ed25519 speccheck: %zu cases, %zu accepted\n", n, accepted);
}

/* kid = SHA-256(pk)[0..8], FORMAT.md; and SHA-256 itself on FIPS 180-2
 * examples. */
static void kid_and_sha256(void **state)
{
    (void)state;
    size_t n = 0;
    static const struct {
        const char *in;
        const char *hex;
    } sha[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof sha / sizeof sha[0]; i++) {
        uint8_t want[32], got[32];
        tk_unhex_all(sha[i].hex, want, 32);
        tess_sha256(got, (const uint8_t *)sha[i].in, strlen(sha[i].in));
        assert_memory_equal(got, want, 32);
        n++;
    }

    /* RFC 8032 section 7.1 TEST 1 */
    uint8_t pk[32], h[32], kid[8], want_kid[8];
    tk_unhex_all("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pk, 32);
    tess_sha256(h, pk, 32);
    memset(kid, 0xee, sizeof kid);
    tess_kid_of(kid, pk);
    assert_memory_equal(kid, h, 8);
    /* computed apart, with Python's hashlib */
    tk_unhex_all("21fe31dfa154a261", want_kid, 8);
    assert_memory_equal(kid, want_kid, 8);
    n += 2;

    /* and the kid of another key differs */
    uint8_t pk2[32], kid2[8];
    tk_unhex_all("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", pk2, 32);
    tess_kid_of(kid2, pk2);
    assert_memory_not_equal(kid, kid2, 8);
    n++;
    printf("ed25519 kid and sha256: %zu cases\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wycheproof_v1),   cmocka_unit_test(wycheproof_legacy),
        cmocka_unit_test(signing_kats),    cmocka_unit_test(speccheck_cases),
        cmocka_unit_test(kid_and_sha256),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
