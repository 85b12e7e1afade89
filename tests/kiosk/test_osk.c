/*
 * test_osk: the on-screen keyboard's logic (app/kiosk/osk.h): the layout
 * and its hit test at 800x480 and 1920x1080, every layer's keys, UTF-8
 * editing (a backspace removes one whole character) and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "osk.h"

static const struct {
    int w, h;
} sizes[] = {{800, 480}, {1920, 1080}, {640, 400}, {480, 800}};

/* Every key is inside the keyboard's area, none overlaps another, each is
 * at least 30 px a side at 800x480 (a fingertip), and its centre hits it. */
static void test_layout_and_hits(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        osk o;
        osk_init(&o, 100, false);
        osk_rect a = osk_area(sizes[s].w, sizes[s].h);
        assert_true(a.x >= 0 && a.y >= 0 && a.x + a.w <= sizes[s].w && a.y + a.h <= sizes[s].h);
        for (int layer = 0; layer < 4; layer++) {
            o.accents = layer & 1;
            o.shift = layer & 2;
            osk_key k[OSK_MAX_KEYS];
            int n = osk_layout(&o, a, k);
            assert_int_equal(n, 44);
            for (int i = 0; i < n; i++) {
                const osk_rect *r = &k[i].r;
                assert_true(r->x >= a.x && r->y >= a.y);
                assert_true(r->x + r->w <= a.x + a.w && r->y + r->h <= a.y + a.h);
                if (sizes[s].w == 800)
                    assert_true(r->w >= 30 && r->h >= 30);
                int cx = r->x + r->w / 2, cy = r->y + r->h / 2;
                assert_int_equal(osk_hit(k, n, cx, cy), i);
                /* the edges: inside on the first pixel, outside one before */
                assert_int_equal(osk_hit(k, n, r->x, r->y), i);
                assert_int_equal(osk_hit(k, n, r->x + r->w - 1, r->y + r->h - 1), i);
                int before = osk_hit(k, n, r->x - 1, cy);
                assert_true(before != i);
                for (int j = 0; j < n; j++) {
                    if (j == i)
                        continue;
                    const osk_rect *q = &k[j].r;
                    bool apart = r->x + r->w <= q->x || q->x + q->w <= r->x ||
                                 r->y + r->h <= q->y || q->y + q->h <= r->y;
                    assert_true(apart);
                }
            }
            /* outside the keyboard: nothing */
            assert_int_equal(osk_hit(k, n, a.x - 1, a.y - 1), -1);
            assert_int_equal(osk_hit(k, n, sizes[s].w / 2, a.y / 2), -1);
            /* every kind once (CHAR apart) */
            for (int kind = OSK_KEY_SHIFT; kind <= OSK_KEY_DONE; kind++)
                assert_true(osk_find(k, n, (osk_key_kind)kind, NULL) >= 0);
        }
    }
}

/* Where a key is at the two screen sizes the kiosk is made for, worked out
 * by hand from osk_area: the keyboard's lower 58%, 10 columns, 5 rows. */
static void test_known_positions(void **state)
{
    (void)state;
    osk o;
    osk_init(&o, 100, false);
    osk_key k[OSK_MAX_KEYS];
    /* 800x480: area x 20, y 192, w 760, h 278; a row 55 px, a column 76 */
    int n = osk_layout(&o, osk_area(800, 480), k);
    assert_int_equal(k[osk_hit(k, n, 58, 220)].text[0], '1');
    assert_string_equal(k[osk_hit(k, n, 58, 275)].text, "q");
    assert_string_equal(k[osk_hit(k, n, 58 + 76 * 9, 330)].text, "'");
    assert_int_equal(k[osk_hit(k, n, 58, 385)].kind, OSK_KEY_SHIFT);
    assert_int_equal(k[osk_hit(k, n, 58 + 76 * 9, 385)].kind, OSK_KEY_BACKSPACE);
    assert_int_equal(k[osk_hit(k, n, 400, 440)].kind, OSK_KEY_SPACE);
    assert_int_equal(k[osk_hit(k, n, 740, 440)].kind, OSK_KEY_DONE);
    assert_int_equal(k[osk_hit(k, n, 60, 440)].kind, OSK_KEY_CANCEL);
    /* 1920x1080: area x 48, y 432, w 1824, h 626; a row 125, a column 182 */
    n = osk_layout(&o, osk_area(1920, 1080), k);
    assert_string_equal(k[osk_hit(k, n, 48 + 91, 432 + 62 + 125)].text, "q");
    assert_string_equal(k[osk_hit(k, n, 48 + 182 * 9 + 91, 432 + 62 + 125)].text, "p");
    assert_int_equal(k[osk_hit(k, n, 960, 432 + 62 + 500)].kind, OSK_KEY_SPACE);
    o.accents = true;
    n = osk_layout(&o, osk_area(1920, 1080), k);
    assert_string_equal(k[osk_hit(k, n, 48 + 91, 432 + 62 + 125)].text, "\xc3\xa1"); /* á */
}

/* The accents layer holds every letter of Spanish, French and German
 * names the issue asks for, lower case and (with Shift) capitals. */
static void test_accents_cover_languages(void **state)
{
    (void)state;
    static const char *const want[] = {
        "á", "é", "í", "ó", "ú", "ñ", "ü", "ç", "à", "è", "ê", "ë", "ï", "ô", "œ", "ß", "ä",
        "ö", "¿", "¡", "@", ".", "Á", "É", "Í", "Ó", "Ú", "Ñ", "Ü", "Ç", "À", "È", "Ê", "Ë",
        "Ï", "Ô", "Œ", "Ä", "Ö",
    };
    osk o;
    osk_init(&o, 100, false);
    osk_key k[2][OSK_MAX_KEYS];
    o.accents = true;
    int n0 = osk_layout(&o, osk_area(800, 480), k[0]);
    o.shift = true;
    int n1 = osk_layout(&o, osk_area(800, 480), k[1]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (osk_find(k[0], n0, OSK_KEY_CHAR, want[i]) < 0 &&
            osk_find(k[1], n1, OSK_KEY_CHAR, want[i]) < 0)
            fail_msg("no key types %s", want[i]);
}

/* Typing on keys: Shift holds for one character, the layer stays. */
static void test_typing(void **state)
{
    (void)state;
    osk o;
    osk_init(&o, 100, false);
    osk_key k[OSK_MAX_KEYS];
    osk_rect a = osk_area(800, 480);
    int n = osk_layout(&o, a, k);
    assert_int_equal(osk_press(&o, &k[osk_find(k, n, OSK_KEY_SHIFT, NULL)]), OSK_NONE);
    assert_true(o.shift);
    n = osk_layout(&o, a, k);
    assert_int_equal(osk_press(&o, &k[osk_find(k, n, OSK_KEY_CHAR, "J")]), OSK_TYPED);
    assert_false(o.shift);
    n = osk_layout(&o, a, k);
    osk_press(&o, &k[osk_find(k, n, OSK_KEY_CHAR, "o")]);
    osk_press(&o, &k[osk_find(k, n, OSK_KEY_CHAR, "s")]);
    osk_press(&o, &k[osk_find(k, n, OSK_KEY_LAYER, NULL)]);
    assert_true(o.accents);
    n = osk_layout(&o, a, k);
    osk_press(&o, &k[osk_find(k, n, OSK_KEY_CHAR, "é")]);
    osk_press(&o, &k[osk_find(k, n, OSK_KEY_SPACE, NULL)]);
    assert_string_equal(o.text, "José ");
    assert_int_equal(osk_chars(&o), 5);
    assert_int_equal(o.len, 6);
    assert_int_equal(osk_press(&o, &k[osk_find(k, n, OSK_KEY_DONE, NULL)]), OSK_DONE);
    assert_int_equal(osk_press(&o, &k[osk_find(k, n, OSK_KEY_CANCEL, NULL)]), OSK_CANCELLED);
    assert_string_equal(o.text, "José ");
}

/* A backspace removes one whole character of 1, 2, 3 or 4 bytes. */
static void test_utf8_backspace(void **state)
{
    (void)state;
    osk o;
    osk_init(&o, 100, false);
    assert_false(osk_backspace(&o));
    assert_true(osk_insert(&o, "a\xc3\xb1\xe2\x82\xac\xf0\x9f\x98\x80")); /* a ñ € 😀 */
    assert_int_equal(o.len, 10);
    assert_int_equal(osk_chars(&o), 4);
    static const size_t lens[] = {6, 3, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        assert_true(osk_backspace(&o));
        assert_int_equal(o.len, lens[i]);
        assert_int_equal(o.text[o.len], '\0');
        assert_true(osk_utf8_ok(o.text, o.len));
    }
    assert_false(osk_backspace(&o));
}

/* The limit in bytes, at N-1, N and N+1: a character that does not fit
 * whole is refused, never cut. */
static void test_limits(void **state)
{
    (void)state;
    osk o;
    osk_init(&o, 5, false);
    assert_true(osk_insert(&o, "abcd"));          /* 4 */
    assert_false(osk_insert(&o, "\xc3\xa9"));     /* 6: no */
    assert_int_equal(o.len, 4);
    assert_true(osk_insert(&o, "e"));             /* 5 */
    assert_false(osk_insert(&o, "f"));            /* 6: no */
    assert_string_equal(o.text, "abcde");
    osk_init(&o, 0, false);
    assert_int_equal(o.max, 1);
    osk_init(&o, 100000, false);
    assert_int_equal(o.max, OSK_MAX_TEXT);
    char big[OSK_MAX_TEXT + 2];
    memset(big, 'x', sizeof big);
    big[OSK_MAX_TEXT] = '\0';
    assert_true(osk_insert(&o, big));
    assert_false(osk_insert(&o, "x"));
    assert_int_equal(o.len, OSK_MAX_TEXT);
}

/* What a USB keyboard may send that is not text: refused whole. */
static void test_refused_input(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\n", "a\tb", "\x7f", "\xc2\x85" /* NEL, a C1 control */, "\xc3" /* cut */,
        "\xc0\xaf" /* overlong */, "\xed\xa0\x80" /* a surrogate */, "\xf4\x90\x80\x80",
        "\xff", "",
    };
    osk o;
    osk_init(&o, 100, false);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (osk_insert(&o, bad[i]))
            fail_msg("case %zu accepted", i);
        assert_int_equal(o.len, 0);
    }
    /* Müller-Ñúñez */
    assert_true(osk_insert(&o, "M\xc3\xbcller-\xc3\x91\xc3\xba\xc3\xb1" "ez"));
}

/* Password mode shows one dot a character, never the text; clear wipes. */
static void test_password(void **state)
{
    (void)state;
    osk o;
    osk_init(&o, 100, true);
    assert_true(osk_insert(&o, "s\xc3\xa9" "cret"));
    char shown[64];
    osk_shown(&o, shown, sizeof shown);
    assert_string_equal(shown, "\xe2\x97\x8f\xe2\x97\x8f\xe2\x97\x8f\xe2\x97\x8f\xe2\x97\x8f"
                               "\xe2\x97\x8f");
    assert_null(strstr(shown, "cret"));
    osk_shown(&o, shown, 8); /* room for two dots */
    assert_int_equal(strlen(shown), 6);
    osk_clear(&o);
    assert_int_equal(o.len, 0);
    for (size_t i = 0; i < sizeof o.text; i++)
        assert_int_equal(o.text[i], 0);
    o.password = false;
    assert_true(osk_insert(&o, "\xc3\xa9t\xc3\xa9"));
    osk_shown(&o, shown, 4); /* cut before the second é, not inside it */
    assert_string_equal(shown, "\xc3\xa9t");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_hits),  cmocka_unit_test(test_known_positions),
        cmocka_unit_test(test_accents_cover_languages), cmocka_unit_test(test_typing),
        cmocka_unit_test(test_utf8_backspace),   cmocka_unit_test(test_limits),
        cmocka_unit_test(test_refused_input),    cmocka_unit_test(test_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
