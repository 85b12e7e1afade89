/*
 * test_b45.c: Base45 (RFC 9285), tess_b45.h.
 *
 * Vectors: rfc9285-base45/base45_vectors.json (transcribed from RFC 9285
 * sections 4.3, 4.4 and 6, plus two strings from ehn-dcc-development's
 * base45-ansi-C test.c; see vectors/SOURCES.md). The rest are tables of our
 * own, with the exact status each case must give, and exhaustive runs over
 * every 1- and 2-byte input and every 2- and 3-character text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "tessera/tess_b45.h"
#include "testkit.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* ---- the RFC 9285 vectors ---- */

static void rfc9285_valid(void **state)
{
    (void)state;
    cJSON *j = tk_load_json("rfc9285-base45/base45_vectors.json");
    const cJSON *valid = cJSON_GetObjectItemCaseSensitive(j, "valid");
    assert_true(cJSON_IsArray(valid));
    size_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, valid)
    {
        const char *enc = tk_json_str(e, "encoded");
        const char *hex = tk_json_str(e, "bytes_hex");
        uint8_t want[256], got[256];
        size_t want_len = tk_unhex(hex, want, sizeof want);
        assert_true(want_len != (size_t)-1);

        size_t got_len = 99;
        TK_EXPECT_STATUS(tess_b45_decode(enc, strlen(enc), got, sizeof got, &got_len), TESS_OK, enc);
        assert_int_equal(got_len, want_len);
        assert_memory_equal(got, want, want_len);
        assert_int_equal(tess_b45_decoded_len(strlen(enc)), want_len);

        char text[512];
        size_t text_len = 99;
        TK_EXPECT_STATUS(tess_b45_encode(want, want_len, text, sizeof text, &text_len), TESS_OK, hex);
        assert_int_equal(text_len, strlen(enc));
        assert_memory_equal(text, enc, text_len);
        assert_int_equal(tess_b45_encoded_len(want_len), text_len);
        n++;
    }
    cJSON_Delete(j);
    assert_int_equal(n, 10);
    printf("b45 rfc9285 valid: %zu cases\n", n);
}

static void rfc9285_invalid(void **state)
{
    (void)state;
    cJSON *j = tk_load_json("rfc9285-base45/base45_vectors.json");
    const cJSON *invalid = cJSON_GetObjectItemCaseSensitive(j, "invalid");
    assert_true(cJSON_IsArray(invalid));
    size_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, invalid)
    {
        const char *enc = tk_json_str(e, "encoded");
        uint8_t out[64];
        size_t out_len = 99;
        TK_EXPECT_STATUS(tess_b45_decode(enc, strlen(enc), out, sizeof out, &out_len),
                      TESS_ERR_BAD_BASE45, enc);
        assert_int_equal(out_len, 0);
        n++;
    }
    cJSON_Delete(j);
    assert_int_equal(n, 7);
    printf("b45 rfc9285 invalid: %zu cases\n", n);
}

/* ---- our table: each text and the exact status ---- */

typedef struct {
    const char *text;
    const char *hex;     /* the bytes when TESS_OK */
    tess_status want;
    const char *why;
} b45_case;

static const b45_case decode_cases[] = {
    /* RFC 9285 section 6: the largest triple, and one past it */
    {"FGW", "ffff", TESS_OK, "65535 = 15 + 16*45 + 32*2025"},
    {"GGW", NULL, TESS_ERR_BAD_BASE45, "65536 has no preimage"},
    {"HGW", NULL, TESS_ERR_BAD_BASE45, "65537"},
    {":::", NULL, TESS_ERR_BAD_BASE45, "91124, the largest triple value"},
    {"000", "0000", TESS_OK, "zero"},
    /* the final pair: 255 and 256 */
    {"U5", "ff", TESS_OK, "255 = 30 + 5*45"},
    {"V5", NULL, TESS_ERR_BAD_BASE45, "256"},
    {"00", "00", TESS_OK, "zero"},
    {"::", NULL, TESS_ERR_BAD_BASE45, "2024"},
    {"BB8U5", "4142ff", TESS_OK, "triple then pair"},
    {"BB8V5", NULL, TESS_ERR_BAD_BASE45, "a bad final pair after a good triple"},
    {"GGWBB8", NULL, TESS_ERR_BAD_BASE45, "a bad first triple"},
    {"BB8GGW", NULL, TESS_ERR_BAD_BASE45, "a bad last triple"},
    /* upper case only */
    {"BB8", "4142", TESS_OK, "RFC 9285 4.3 example 1"},
    {"bb8", NULL, TESS_ERR_BAD_BASE45, "lower case"},
    {"Bb8", NULL, TESS_ERR_BAD_BASE45, "one lower-case letter"},
    {"BB8bb8", NULL, TESS_ERR_BAD_BASE45, "lower case in the second group"},
    {"qed8wex0", NULL, TESS_ERR_BAD_BASE45, "RFC 9285 4.4 example in lower case"},
    {"QED8WEX0", "6965746621", TESS_OK, "RFC 9285 4.4 example"},
    /* characters outside the alphabet */
    {"AB=", NULL, TESS_ERR_BAD_BASE45, "padding"},
    {"AB\n", NULL, TESS_ERR_BAD_BASE45, "newline"},
    {"AB\t", NULL, TESS_ERR_BAD_BASE45, "tab"},
    {"A_B", NULL, TESS_ERR_BAD_BASE45, "underscore"},
    {"#0", NULL, TESS_ERR_BAD_BASE45, "hash"},
    /* length n % 3 == 1 */
    {"A", NULL, TESS_ERR_BAD_BASE45, "n = 1"},
    {"BB8B", NULL, TESS_ERR_BAD_BASE45, "n = 4"},
    {"BB8BB8B", NULL, TESS_ERR_BAD_BASE45, "n = 7"},
    {"a", NULL, TESS_ERR_BAD_BASE45, "n = 1, lower case"},
    {"", "", TESS_OK, "empty"},
};

static void decode_table(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
        const b45_case *c = &decode_cases[i];
        uint8_t out[64];
        size_t out_len = 99;
        TK_EXPECT_STATUS(tess_b45_decode(c->text, strlen(c->text), out, sizeof out, &out_len),
                      c->want, c->why);
        if (c->want == TESS_OK) {
            uint8_t want[64];
            size_t want_len = tk_unhex(c->hex, want, sizeof want);
            assert_int_equal(out_len, want_len);
            assert_memory_equal(out, want, want_len);
        } else {
            assert_int_equal(out_len, 0);
        }
        n++;
    }
    printf("b45 decode table: %zu cases\n", n);
}

/* A NUL inside the text is a character like any other, not an end. */
static void embedded_nul(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t out_len = 99;
    TK_EXPECT_STATUS(tess_b45_decode("BB\0", 3, out, sizeof out, &out_len), TESS_ERR_BAD_BASE45,
                  "NUL");
    assert_int_equal(out_len, 0);
    printf("b45 embedded NUL: 1 case\n");
}

static void lengths(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t len = 0; len < 3000; len++) {
        size_t d = tess_b45_decoded_len(len);
        if (len % 3 == 1)
            assert_true(d == SIZE_MAX);
        else
            assert_int_equal(d, len / 3 * 2 + len % 3 / 2);
        assert_int_equal(tess_b45_encoded_len(len), len / 2 * 3 + len % 2 * 2);
        n++;
    }
    /* Every n % 3 == 1 length is refused, whatever its characters. */
    char text[16];
    memset(text, '0', sizeof text);
    for (size_t len = 1; len < sizeof text; len += 3) {
        uint8_t out[16];
        size_t out_len = 99;
        TK_EXPECT_STATUS(tess_b45_decode(text, len, out, sizeof out, &out_len),
                      TESS_ERR_BAD_BASE45, "n % 3 == 1");
        assert_int_equal(out_len, 0);
        n++;
    }
    printf("b45 lengths: %zu cases\n", n);
}

/* The caller's buffer: exactly enough (N), one byte short (N-1). */
static void buffers(void **state)
{
    (void)state;
    size_t n = 0;
    static const struct {
        const char *text;
        size_t need;
    } dec[] = {{"BB8", 2}, {"U5", 1}, {"%69 VD92EX0", 7}, {"QED8WEX0", 5}};
    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        uint8_t out[16];
        size_t out_len = 99;
        size_t len = strlen(dec[i].text);
        TK_EXPECT_STATUS(tess_b45_decode(dec[i].text, len, out, dec[i].need - 1, &out_len),
                      TESS_ERR_BUFFER, dec[i].text);
        assert_int_equal(out_len, 0);
        TK_EXPECT_STATUS(tess_b45_decode(dec[i].text, len, out, dec[i].need, &out_len), TESS_OK,
                      dec[i].text);
        assert_int_equal(out_len, dec[i].need);
        TK_EXPECT_STATUS(tess_b45_decode(dec[i].text, len, out, dec[i].need + 1, &out_len),
                      TESS_OK, dec[i].text);
        n += 3;
    }
    /* A bad length is bad_base45 even with no room at all. */
    size_t out_len = 99;
    TK_EXPECT_STATUS(tess_b45_decode("BB8B", 4, NULL, 0, &out_len), TESS_ERR_BAD_BASE45, "BB8B");
    n++;

    static const struct {
        const char *hex;
        size_t need;
    } enc[] = {{"4142", 3}, {"ff", 2}, {"48656c6c6f2121", 11}, {"6965746621", 8}};
    for (size_t i = 0; i < sizeof enc / sizeof enc[0]; i++) {
        uint8_t in[16];
        size_t in_len = tk_unhex(enc[i].hex, in, sizeof in);
        char out[32];
        out_len = 99;
        TK_EXPECT_STATUS(tess_b45_encode(in, in_len, out, enc[i].need - 1, &out_len),
                      TESS_ERR_BUFFER, enc[i].hex);
        assert_int_equal(out_len, 0);
        TK_EXPECT_STATUS(tess_b45_encode(in, in_len, out, enc[i].need, &out_len), TESS_OK,
                      enc[i].hex);
        assert_int_equal(out_len, enc[i].need);
        n += 2;
    }
    printf("b45 buffers: %zu cases\n", n);
}

/* Every 1- and 2-byte input survives encode then decode. */
static void round_trip_exhaustive(void **state)
{
    (void)state;
    size_t n = 0;
    for (unsigned v = 0; v < 256; v++) {
        uint8_t in[1] = {(uint8_t)v}, back[1];
        char text[2];
        size_t len, back_len;
        assert_int_equal(tess_b45_encode(in, 1, text, sizeof text, &len), TESS_OK);
        assert_int_equal(len, 2);
        assert_int_equal(tess_b45_decode(text, len, back, sizeof back, &back_len), TESS_OK);
        assert_int_equal(back_len, 1);
        assert_int_equal(back[0], in[0]);
        n++;
    }
    for (unsigned v = 0; v < 65536; v++) {
        uint8_t in[2] = {(uint8_t)(v >> 8), (uint8_t)v}, back[2];
        char text[3];
        size_t len, back_len;
        assert_int_equal(tess_b45_encode(in, 2, text, sizeof text, &len), TESS_OK);
        assert_int_equal(len, 3);
        /* The RFC's digit order: least significant first. */
        assert_int_equal(text[0], alphabet[v % 45]);
        assert_int_equal(text[2], alphabet[v / 2025]);
        assert_int_equal(tess_b45_decode(text, len, back, sizeof back, &back_len), TESS_OK);
        assert_int_equal(back_len, 2);
        assert_memory_equal(back, in, 2);
        n++;
    }
    assert_int_equal(n, 256 + 65536);
    printf("b45 round trip: %zu inputs\n", n);
}

/* Every text of 2 and 3 alphabet characters: accepted exactly when its value
 * fits, and then it is the one encoding of its bytes (no two texts for one
 * credential). */
static void texts_exhaustive(void **state)
{
    (void)state;
    size_t n = 0, ok = 0;
    for (unsigned a = 0; a < 45; a++)
        for (unsigned b = 0; b < 45; b++) {
            char text[2] = {alphabet[a], alphabet[b]}, again[2];
            uint8_t out[1];
            size_t len, again_len;
            unsigned v = a + 45 * b;
            tess_status st = tess_b45_decode(text, 2, out, sizeof out, &len);
            assert_int_equal(st, v <= 255 ? TESS_OK : TESS_ERR_BAD_BASE45);
            if (st == TESS_OK) {
                assert_int_equal(out[0], v);
                assert_int_equal(tess_b45_encode(out, 1, again, sizeof again, &again_len), TESS_OK);
                assert_memory_equal(again, text, 2);
                ok++;
            }
            n++;
        }
    for (unsigned a = 0; a < 45; a++)
        for (unsigned b = 0; b < 45; b++)
            for (unsigned c = 0; c < 45; c++) {
                char text[3] = {alphabet[a], alphabet[b], alphabet[c]}, again[3];
                uint8_t out[2];
                size_t len, again_len;
                unsigned v = a + 45 * b + 2025 * c;
                tess_status st = tess_b45_decode(text, 3, out, sizeof out, &len);
                assert_int_equal(st, v <= 65535 ? TESS_OK : TESS_ERR_BAD_BASE45);
                if (st == TESS_OK) {
                    assert_int_equal(out[0] << 8 | out[1], v);
                    assert_int_equal(tess_b45_encode(out, 2, again, sizeof again, &again_len),
                                     TESS_OK);
                    assert_memory_equal(again, text, 3);
                    ok++;
                }
                n++;
            }
    assert_int_equal(ok, 256 + 65536);
    printf("b45 texts: %zu texts, %zu accepted\n", n, ok);
}

/* Every byte value in every position of a triple: in the alphabet or not. */
static void every_character(void **state)
{
    (void)state;
    size_t n = 0;
    for (unsigned ch = 0; ch < 256; ch++) {
        bool in_alphabet = ch != 0 && strchr(alphabet, (int)ch) != NULL;
        for (unsigned pos = 0; pos < 3; pos++) {
            char text[3] = {'0', '0', '0'};
            text[pos] = (char)ch;
            uint8_t out[2];
            size_t len = 99;
            tess_status st = tess_b45_decode(text, 3, out, sizeof out, &len);
            /* "00x" with x = ':' is 44*2025 = 89100: too big in the last
             * position, however valid the character. */
            bool fits = pos < 2 || (in_alphabet && (strchr(alphabet, (int)ch) - alphabet) <= 32);
            assert_int_equal(st, in_alphabet && fits ? TESS_OK : TESS_ERR_BAD_BASE45);
            if (st != TESS_OK)
                assert_int_equal(len, 0);
            n++;
        }
    }
    printf("b45 every character: %zu cases\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc9285_valid),   cmocka_unit_test(rfc9285_invalid),
        cmocka_unit_test(decode_table),    cmocka_unit_test(embedded_nul),
        cmocka_unit_test(lengths),         cmocka_unit_test(buffers),
        cmocka_unit_test(round_trip_exhaustive), cmocka_unit_test(texts_exhaustive),
        cmocka_unit_test(every_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
