/*
 * test_evdev: the keyboard-wedge QR scanner reader (app/kiosk/evdev.c).
 *
 * The layouts below are written here a second time, independently of
 * evdev.c, as the printed labels of each key row (xkeyboard-config basic
 * us, gb, de, fr; '#' stands for a label that is no MC1 character, such as
 * é or £). Scanner event sequences are generated from them, and every key
 * of every row is checked against the decoder both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "evdev.h"

/* ---- layouts as key rows ---------------------------------------------- */

static const uint16_t row_top[] = {KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7,
                                   KEY_8, KEY_9, KEY_0, KEY_MINUS, KEY_EQUAL};
static const uint16_t row_1[] = {KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U,
                                 KEY_I, KEY_O, KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE};
static const uint16_t row_2[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J,
                                 KEY_K, KEY_L, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_BACKSLASH};
static const uint16_t row_3[] = {KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B,
                                 KEY_N, KEY_M, KEY_COMMA, KEY_DOT, KEY_SLASH};
static const uint16_t *const rows[4] = {row_top, row_1, row_2, row_3};
static const size_t row_len[4] = {12, 12, 12, 10};

typedef struct {
    wedge_layout layout;
    const char *name;
    const char *plain[4], *shifted[4];
} layout_labels;

static const layout_labels labels[] = {
    {WEDGE_US, "us",
     {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'\\", "zxcvbnm,./"},
     {"!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"|", "ZXCVBNM<>?"}},
    {WEDGE_UK, "gb",
     {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'#", "zxcvbnm,./"},
     {"!\"#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:@~", "ZXCVBNM<>?"}},
    {WEDGE_DE, "de",
     {"1234567890##", "qwertzuiop#+", "asdfghjkl###", "yxcvbnm,.-"},
     {"!\"#$%&/()=?`", "QWERTZUIOP#*", "ASDFGHJKL##'", "YXCVBNM;:_"}},
    {WEDGE_FR, "fr",
     {"&#\"'(-#_##)=", "azertyuiop^$", "qsdfghjklm#*", "wxcvbn,;:!"},
     {"1234567890#+", "AZERTYUIOP##", "QSDFGHJKLM%#", "WXCVBN?./#"}},
};
#define N_LAYOUTS (sizeof labels / sizeof labels[0])

static const char mc1_chars[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz $%*+-./:";

static bool is_mc1(char c)
{
    return c && strchr(mc1_chars, c) != NULL;
}

/* The key and shift that type c in layout l (the inverse table). */
static void key_for(const layout_labels *l, char c, uint16_t *code, bool *shift)
{
    if (c == ' ') {
        *code = KEY_SPACE;
        *shift = false;
        return;
    }
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < 4; r++) {
            const char *p = strchr(s ? l->shifted[r] : l->plain[r], c);
            if (p) {
                *code = rows[r][p - (s ? l->shifted[r] : l->plain[r])];
                *shift = s;
                return;
            }
        }
    fail_msg("%s has no key for '%c'", l->name, c);
}

/* ---- event streams ------------------------------------------------------ */

#define MAX_EVENTS 120000
static struct input_event evs[MAX_EVENTS];
static size_t n_evs;

static void put(uint16_t type, uint16_t code, int32_t value)
{
    assert_true(n_evs < MAX_EVENTS);
    memset(&evs[n_evs], 0, sizeof evs[n_evs]);
    evs[n_evs].type = type;
    evs[n_evs].code = code;
    evs[n_evs].value = value;
    n_evs++;
}

/* What a scanner sends for one key: scan code, key, report. */
static void put_key(uint16_t code, int32_t value)
{
    put(EV_MSC, MSC_SCAN, 0x70000 + code);
    put(EV_KEY, code, value);
    put(EV_SYN, SYN_REPORT, 0);
}

static void put_tap(uint16_t code, bool shift, uint16_t shift_key)
{
    if (shift)
        put_key(shift_key, 1);
    put_key(code, 1);
    put_key(code, 0);
    if (shift)
        put_key(shift_key, 0);
}

/* Text as typed in layout l; shift alternates left and right. */
static void put_text(const layout_labels *l, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint16_t code = 0;
        bool shift = false;
        key_for(l, text[i], &code, &shift);
        put_tap(code, shift, i % 2 ? KEY_RIGHTSHIFT : KEY_LEFTSHIFT);
    }
}

/* ---- what the decoder hands on ------------------------------------------ */

typedef struct {
    int count;
    char last[WEDGE_MAX_TEXT + 1];
    size_t last_len;
    uint16_t head[WEDGE_HEAD_KEYS];
    size_t head_len;
    const wedge_decoder *d;
} sink;

static sink got;

static void on_text(void *ctx, const char *text, size_t len)
{
    sink *s = ctx;
    assert_true(len > 0 && len <= WEDGE_MAX_TEXT);
    assert_int_equal(strlen(text), len);
    s->count++;
    memcpy(s->last, text, len + 1);
    s->last_len = len;
    if (s->d) {
        memcpy(s->head, s->d->head, sizeof s->head);
        s->head_len = s->d->head_len;
    }
}

static void reset(wedge_decoder *d, wedge_layout layout)
{
    wedge_init(d, layout);
    memset(&got, 0, sizeof got);
    got.d = d;
    n_evs = 0;
}

static int feed_all(wedge_decoder *d)
{
    return wedge_feed(d, evs, n_evs, on_text, &got);
}

static const char *const texts[] = {
    "MC1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3DSPTLRR+%3",
    "MC1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
    "mc1:abcdefghijklmnopqrstuvwxyz",
    "MC1:ZY YZ AQ QA WM MW",
    ":",
};

/* Every layout, every text, each ending: exactly the text, nothing else. */
static void test_layout_texts(void **state)
{
    static const uint16_t ends[] = {KEY_ENTER, KEY_TAB, KEY_KPENTER};
    wedge_decoder d;
    for (size_t l = 0; l < N_LAYOUTS; l++)
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
            for (size_t e = 0; e < 3; e++) {
                reset(&d, labels[l].layout);
                put_text(&labels[l], texts[t], strlen(texts[t]));
                put_tap(ends[e], false, 0);
                assert_int_equal(feed_all(&d), 1);
                assert_int_equal(got.count, 1);
                assert_string_equal(got.last, texts[t]);
                assert_int_equal(d.unknown, 0);
                assert_int_equal(d.texts, 1);
            }
}

/* Every key of every row, plain and shifted: the MC1 character on its
 * label, or counted as unknown. */
static void test_every_key(void **state)
{
    wedge_decoder d;
    for (size_t l = 0; l < N_LAYOUTS; l++)
        for (int r = 0; r < 4; r++)
            for (size_t k = 0; k < row_len[r]; k++)
                for (int s = 0; s < 2; s++) {
                    char want = (s ? labels[l].shifted[r] : labels[l].plain[r])[k];
                    reset(&d, labels[l].layout);
                    put_tap(rows[r][k], s, KEY_LEFTSHIFT);
                    put_tap(KEY_ENTER, false, 0);
                    feed_all(&d);
                    if (is_mc1(want)) {
                        assert_int_equal(got.count, 1);
                        assert_int_equal(got.last[0], want);
                        assert_int_equal(d.unknown, 0);
                    } else {
                        assert_int_equal(got.count, 0);
                        assert_int_equal(d.unknown, 1);
                    }
                }
}

/* Keypad with NumLock on; the keypad '.' is ',' in de. */
static void test_keypad(void **state)
{
    static const uint16_t kp[] = {KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5,
                                  KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9, KEY_KP0,
                                  KEY_KPASTERISK, KEY_KPMINUS, KEY_KPPLUS,
                                  KEY_KPSLASH, KEY_KPDOT};
    wedge_decoder d;
    for (size_t l = 0; l < N_LAYOUTS; l++) {
        reset(&d, labels[l].layout);
        for (size_t i = 0; i < sizeof kp / sizeof kp[0]; i++)
            put_tap(kp[i], false, 0);
        put_tap(KEY_KPENTER, false, 0);
        feed_all(&d);
        assert_int_equal(got.count, 1);
        if (labels[l].layout == WEDGE_DE) {
            assert_string_equal(got.last, "1234567890*-+/");
            assert_int_equal(d.unknown, 1);
        } else {
            assert_string_equal(got.last, "1234567890*-+/.");
            assert_int_equal(d.unknown, 0);
        }
    }
}

/* Line ends: CR LF-like doubles, Enter then Tab, Enter alone. */
static void test_line_ends(void **state)
{
    static const struct {
        uint16_t first, second; /* 0: none */
        int texts;
    } cases[] = {
        {KEY_ENTER, 0, 1},         {KEY_ENTER, KEY_ENTER, 1},
        {KEY_ENTER, KEY_TAB, 1},   {KEY_KPENTER, KEY_ENTER, 1},
        {KEY_TAB, KEY_TAB, 1},     {0, 0, 0},
    };
    wedge_decoder d;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reset(&d, WEDGE_US);
        put_tap(KEY_ENTER, false, 0); /* an empty text first: not handed on */
        put_text(&labels[0], "MC1:AB", 6);
        if (cases[i].first)
            put_tap(cases[i].first, false, 0);
        if (cases[i].second)
            put_tap(cases[i].second, false, 0);
        assert_int_equal(feed_all(&d), cases[i].texts);
        assert_int_equal(got.count, cases[i].texts);
        if (cases[i].texts)
            assert_string_equal(got.last, "MC1:AB");
        else
            assert_int_equal(d.len, 6); /* waits for its end */
    }
}

/* Value 2 (autorepeat) is a press; shift repeat keeps shift held. */
static void test_autorepeat(void **state)
{
    wedge_decoder d;
    reset(&d, WEDGE_US);
    put_key(KEY_LEFTSHIFT, 1);
    put_key(KEY_LEFTSHIFT, 2);
    put_key(KEY_M, 1);
    put_key(KEY_M, 2);
    put_key(KEY_M, 2);
    put_key(KEY_M, 0);
    put_key(KEY_LEFTSHIFT, 0);
    put_key(KEY_1, 1);
    put_key(KEY_1, 2);
    put_key(KEY_1, 0);
    put_key(KEY_ENTER, 1);
    put_key(KEY_ENTER, 2); /* a repeated Enter: an empty text, dropped */
    put_key(KEY_ENTER, 0);
    assert_int_equal(feed_all(&d), 1);
    assert_string_equal(got.last, "MMM11");
}

/* Unknown keys are counted and dropped, the rest of the text is kept;
 * Ctrl/Alt/AltGr make any key unknown; releases alone do nothing. */
static void test_unknown_keys(void **state)
{
    wedge_decoder d;
    reset(&d, WEDGE_US);
    put_tap(KEY_M, true, KEY_LEFTSHIFT);
    put_tap(KEY_F1, false, 0);                 /* 1 */
    put_tap(KEY_1, true, KEY_RIGHTSHIFT);      /* 2: '!' */
    put_key(KEY_LEFTCTRL, 1);
    put_tap(KEY_C, false, 0);                  /* 3: Ctrl+C */
    put_key(KEY_LEFTCTRL, 0);
    put_key(KEY_RIGHTALT, 1);
    put_tap(KEY_Q, false, 0);                  /* 4: AltGr+Q ('@' in de) */
    put_key(KEY_RIGHTALT, 0);
    put_key(KEY_X, 0);                         /* a lone release */
    put_tap(KEY_C, true, KEY_LEFTSHIFT);
    put(EV_LED, LED_NUML, 1);
    put(EV_REL, REL_X, 5);
    put_tap(KEY_ENTER, false, 0);
    assert_int_equal(feed_all(&d), 1);
    assert_string_equal(got.last, "MC");
    assert_int_equal(d.unknown, 4);
}

/* Boundaries at WEDGE_MAX_TEXT - 1, N, N + 1, and 9000; a dropped text
 * does not spoil the next one. */
static void test_long_texts(void **state)
{
    static const struct {
        size_t len;
        int handed;
    } cases[] = {
        {WEDGE_MAX_TEXT - 1, 1}, {WEDGE_MAX_TEXT, 1},
        {WEDGE_MAX_TEXT + 1, 0}, {9000, 0},
    };
    static char text[9001];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = mc1_chars[i % (sizeof mc1_chars - 1)];
    wedge_decoder d;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reset(&d, WEDGE_FR);
        put_text(&labels[3], text, cases[i].len);
        put_tap(KEY_ENTER, false, 0);
        assert_int_equal(feed_all(&d), cases[i].handed);
        assert_int_equal(d.too_long, 1 - cases[i].handed);
        if (cases[i].handed) {
            assert_int_equal(got.last_len, cases[i].len);
            assert_memory_equal(got.last, text, cases[i].len);
        }
        n_evs = 0;
        put_text(&labels[3], "MC1:X", 5);
        put_tap(KEY_TAB, false, 0);
        assert_int_equal(feed_all(&d), 1);
        assert_string_equal(got.last, "MC1:X");
        assert_int_equal(d.unknown, 0);
    }
}

/* Each layout's "MC1:" keys give that layout (UK reads as US); anything
 * else gives US. Also from d->head inside on_text. */
static void test_guess(void **state)
{
    static const wedge_layout want[] = {WEDGE_US, WEDGE_US, WEDGE_DE, WEDGE_FR};
    wedge_decoder d;
    for (size_t l = 0; l < N_LAYOUTS; l++) {
        reset(&d, WEDGE_US); /* the kiosk's guess may be wrong */
        put_text(&labels[l], "MC1:6BF", 7);
        put_tap(KEY_ENTER, false, 0);
        uint16_t keys[64];
        size_t n = 0;
        for (size_t i = 0; i < n_evs && n < 64; i++)
            if (evs[i].type == EV_KEY && evs[i].value == 1)
                keys[n++] = evs[i].code; /* shift included: skipped */
        assert_int_equal(wedge_guess(keys, n), want[l]);
        feed_all(&d);
        if (labels[l].layout == WEDGE_FR)
            assert_int_equal(got.count, 1); /* garbage but a text */
        if (got.count == 1)
            assert_int_equal(wedge_guess(got.head, got.head_len), want[l]);
    }
    static const struct {
        uint16_t keys[4];
        size_t n;
    } others[] = {
        {{KEY_M, KEY_C, KEY_1}, 3},
        {{0}, 0},
        {{KEY_A, KEY_B, KEY_C, KEY_D}, 4},
        {{KEY_M, KEY_C, KEY_2, KEY_SEMICOLON}, 4},
        {{KEY_SEMICOLON, KEY_C, KEY_1, KEY_SEMICOLON}, 4},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(wedge_guess(others[i].keys, others[i].n), WEDGE_US);
    assert_int_equal(wedge_guess(NULL, 0), WEDGE_US);
}

/* ---- the device side, over a pipe --------------------------------------- */

static void nonblocking_pipe(int fds[2])
{
    assert_int_equal(pipe(fds), 0);
    int fl = fcntl(fds[0], F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fcntl(fds[0], F_SETFL, fl | O_NONBLOCK), 0);
}

static void write_all(int fd, const void *p, size_t len)
{
    const unsigned char *b = p;
    while (len) {
        ssize_t w = write(fd, b, len);
        assert_true(w > 0);
        b += w;
        len -= (size_t)w;
    }
}

/* The stream cut in two at every byte: the partial record is kept. */
static void test_split_every_byte(void **state)
{
    static const char text[] = "MC1:6BFOXN*TS0BI$ZD.P9/:";
    wedge_decoder d;
    int fds[2];
    nonblocking_pipe(fds);
    for (size_t l = 0; l < N_LAYOUTS; l++) {
        reset(&d, labels[l].layout);
        put_text(&labels[l], text, strlen(text));
        /* MSC_SCAN, then the Enter press itself. */
        size_t enter_done = (n_evs + 2) * sizeof evs[0];
        put_tap(KEY_ENTER, false, 0);
        const unsigned char *bytes = (const unsigned char *)evs;
        size_t total = n_evs * sizeof evs[0];
        assert_true(total < 65536); /* one pipe buffer */
        for (size_t cut = 0; cut <= total; cut++) {
            got.count = 0;
            write_all(fds[1], bytes, cut);
            int first = wedge_read(fds[0], &d, on_text, &got);
            /* The text ends once Enter's press record is whole. */
            assert_int_equal(first, cut >= enter_done);
            write_all(fds[1], bytes + cut, total - cut);
            assert_int_equal(wedge_read(fds[0], &d, on_text, &got), 1 - first);
            assert_int_equal(got.count, 1);
            assert_string_equal(got.last, text);
            assert_int_equal(d.partial_len, 0);
        }
        /* One byte at a time. */
        got.count = 0;
        for (size_t i = 0; i < total; i++) {
            write_all(fds[1], bytes + i, 1);
            assert_true(wedge_read(fds[0], &d, on_text, &got) >= 0);
        }
        assert_int_equal(got.count, 1);
        assert_string_equal(got.last, text);
        assert_int_equal(d.unknown, 0);
    }
    close(fds[0]);
    close(fds[1]);
}

/* Nothing to read: 0. Writer gone (a pipe's "unplugged"): texts already
 * sent are handed on, then -1 with ENODEV. */
static void test_eof_is_unplugged(void **state)
{
    wedge_decoder d;
    int fds[2];
    nonblocking_pipe(fds);
    reset(&d, WEDGE_DE);
    assert_int_equal(wedge_read(fds[0], &d, on_text, &got), 0);
    put_text(&labels[2], "MC1:ZY", 6);
    put_tap(KEY_ENTER, false, 0);
    write_all(fds[1], evs, n_evs * sizeof evs[0]);
    close(fds[1]);
    errno = 0;
    assert_int_equal(wedge_read(fds[0], &d, on_text, &got), -1);
    assert_int_equal(errno, ENODEV);
    assert_int_equal(got.count, 1);
    assert_string_equal(got.last, "MC1:ZY");
    wedge_close(fds[0]);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/test_evdev.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

/* Not an evdev device: grab fails with a message, no grab opens; a FIFO
 * then carries a scan end to end. */
static void test_open(void **state)
{
    char err[256];
    assert_int_equal(wedge_open("/nonexistent/event0", false, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/event0"));
    assert_int_equal(wedge_open("/dev/null", true, err, sizeof err), -1);
    assert_non_null(strstr(err, "EVIOCGRAB"));
    assert_int_equal(wedge_open("/dev/null", true, NULL, 0), -1);

    make_tmpdir();
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/event-fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(wedge_open(fifo, true, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    int fd = wedge_open(fifo, false, err, sizeof err);
    assert_true(fd >= 0);
    assert_string_equal(err, "");
    int w = open(fifo, O_WRONLY | O_CLOEXEC);
    assert_true(w >= 0);

    wedge_decoder d;
    reset(&d, WEDGE_UK);
    put_text(&labels[1], "MC1:$%*+-./", 11);
    put_tap(KEY_ENTER, false, 0);
    write_all(w, evs, n_evs * sizeof evs[0]);
    assert_int_equal(wedge_read(fd, &d, on_text, &got), 1);
    assert_string_equal(got.last, "MC1:$%*+-./");
    close(w);
    assert_int_equal(wedge_read(fd, &d, on_text, &got), -1);
    wedge_close(fd);
    wedge_close(-1);
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(rmdir(tmpdir), 0);
}

static void touch(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    close(fd);
}

static void remove_all(const char *const *names, size_t n)
{
    char p[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    assert_int_equal(rmdir(tmpdir), 0);
}

/* by-id names: a keyboard and a scanner's mouse node are skipped; of two
 * scanners the first by name; none: 0 and an empty path. */
static void test_find(void **state)
{
    static const char *const names[] = {
        "usb-Logitech_USB_Keyboard-event-kbd",
        "usb-Zebra_QR_Reader-if01-event-mouse",
        "usb-Newland_BARCODE_Scanner-event-kbd",
        "usb-Honeywell_Scanner-event-kbd",
    };
    char path[256];
    make_tmpdir();
    assert_int_equal(wedge_find_in(tmpdir, path, sizeof path), 0);
    assert_string_equal(path, "");
    touch(names[0]);
    touch(names[1]);
    assert_int_equal(wedge_find_in(tmpdir, path, sizeof path), 0);
    touch(names[2]);
    touch(names[3]);
    assert_int_equal(wedge_find_in(tmpdir, path, sizeof path), 1);
    char want[256];
    snprintf(want, sizeof want, "%s/%s", tmpdir, names[3]);
    assert_string_equal(path, want);
    char small[8] = "x";
    assert_int_equal(wedge_find_in(tmpdir, small, sizeof small), 0);
    assert_string_equal(small, "");
    remove_all(names, 4);

    /* This machine has no input devices; elsewhere one may be found. */
    int rc = wedge_find(path, sizeof path);
    assert_true(rc == 0 || rc == 1);
    if (rc == 0)
        assert_string_equal(path, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_texts),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_keypad),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_autorepeat),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_long_texts),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_split_every_byte),
        cmocka_unit_test(test_eof_is_unplugged),
        cmocka_unit_test(test_open),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
