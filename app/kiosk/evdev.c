/*
 * evdev.c: keyboard-wedge QR scanner over Linux evdev (see evdev.h).
 *
 * Key tables: the standard key positions of xkeyboard-config's basic
 * layouts symbols/us, symbols/gb, symbols/de and symbols/fr, as Linux
 * keycodes (KEY_* name the US key in that position). Only the characters
 * of an MC1 text are mapped; anything else at those keys is 0 (unknown).
 */
#include "evdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Letter 'a' + i is on key letter_keys[i]; capitals are shift + key. */
static const uint16_t qwerty_letters[26] = {
    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
    KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
    KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};
/* QWERTZ: Y and Z swapped. */
static const uint16_t qwertz_letters[26] = {
    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
    KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
    KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Z, KEY_Y,
};
/* AZERTY: A<->Q, Z<->W, M on the US ';' key. */
static const uint16_t azerty_letters[26] = {
    KEY_Q, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
    KEY_J, KEY_K, KEY_L, KEY_SEMICOLON, KEY_N, KEY_O, KEY_P, KEY_A, KEY_R,
    KEY_S, KEY_T, KEY_U, KEY_V, KEY_Z, KEY_X, KEY_Y, KEY_W,
};

typedef struct {
    uint16_t code;
    char plain, shifted;
} key_row;

/* US and UK agree on every MC1 character (they differ at " @ # £ ~ \ |). */
static const key_row us_keys[] = {
    {KEY_1, '1', 0},   {KEY_2, '2', 0},   {KEY_3, '3', 0},
    {KEY_4, '4', '$'}, {KEY_5, '5', '%'}, {KEY_6, '6', 0},
    {KEY_7, '7', 0},   {KEY_8, '8', '*'}, {KEY_9, '9', 0},
    {KEY_0, '0', 0},   {KEY_MINUS, '-', 0}, {KEY_EQUAL, 0, '+'},
    {KEY_SEMICOLON, 0, ':'}, {KEY_DOT, '.', 0}, {KEY_SLASH, '/', 0},
    {KEY_KPDOT, '.', 0},
    {0, 0, 0},
};
static const key_row de_keys[] = {
    {KEY_1, '1', 0},   {KEY_2, '2', 0},   {KEY_3, '3', 0},
    {KEY_4, '4', '$'}, {KEY_5, '5', '%'}, {KEY_6, '6', 0},
    {KEY_7, '7', '/'}, {KEY_8, '8', 0},   {KEY_9, '9', 0},
    {KEY_0, '0', 0},   {KEY_RIGHTBRACE, '+', '*'}, {KEY_SLASH, '-', 0},
    {KEY_DOT, '.', ':'},
    /* KEY_KPDOT is ',' in de (kpdl(comma)): not an MC1 character. */
    {0, 0, 0},
};
/* AZERTY: digits are shifted; unshifted the top row is & é " ' ( - è _ ç à. */
static const key_row fr_keys[] = {
    {KEY_1, 0, '1'},   {KEY_2, 0, '2'},   {KEY_3, 0, '3'},
    {KEY_4, 0, '4'},   {KEY_5, 0, '5'},   {KEY_6, '-', '6'},
    {KEY_7, 0, '7'},   {KEY_8, 0, '8'},   {KEY_9, 0, '9'},
    {KEY_0, 0, '0'},   {KEY_EQUAL, 0, '+'}, {KEY_RIGHTBRACE, '$', 0},
    {KEY_APOSTROPHE, 0, '%'}, {KEY_BACKSLASH, '*', 0},
    {KEY_COMMA, 0, '.'}, {KEY_DOT, ':', '/'},
    {KEY_KPDOT, '.', 0},
    {0, 0, 0},
};
/* Every layout: space and the keypad with NumLock on (shift + keypad digit
 * is a cursor key then, so it maps to nothing). */
static const key_row common_keys[] = {
    {KEY_SPACE, ' ', ' '},
    {KEY_KP0, '0', 0}, {KEY_KP1, '1', 0}, {KEY_KP2, '2', 0},
    {KEY_KP3, '3', 0}, {KEY_KP4, '4', 0}, {KEY_KP5, '5', 0},
    {KEY_KP6, '6', 0}, {KEY_KP7, '7', 0}, {KEY_KP8, '8', 0},
    {KEY_KP9, '9', 0},
    {KEY_KPASTERISK, '*', '*'}, {KEY_KPMINUS, '-', '-'},
    {KEY_KPPLUS, '+', '+'}, {KEY_KPSLASH, '/', '/'},
    {0, 0, 0},
};

static const struct {
    const uint16_t *letters;
    const key_row *keys;
} layouts[WEDGE_LAYOUTS] = {
    [WEDGE_US] = {qwerty_letters, us_keys},
    [WEDGE_UK] = {qwerty_letters, us_keys},
    [WEDGE_DE] = {qwertz_letters, de_keys},
    [WEDGE_FR] = {azerty_letters, fr_keys},
};

enum { MOD_CTRL = 1, MOD_ALT = 2, MOD_META = 4 };

static unsigned mod_bit(uint16_t code)
{
    switch (code) {
    case KEY_LEFTCTRL: case KEY_RIGHTCTRL: return MOD_CTRL;
    case KEY_LEFTALT: case KEY_RIGHTALT: return MOD_ALT;
    case KEY_LEFTMETA: case KEY_RIGHTMETA: return MOD_META;
    default: return 0;
    }
}

static bool is_modifier(uint16_t code)
{
    return code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT || mod_bit(code);
}

static char row_char(const key_row *rows, uint16_t code, bool shift)
{
    for (; rows->code; rows++)
        if (rows->code == code)
            return shift ? rows->shifted : rows->plain;
    return 0;
}

/* 0 when the key gives no MC1 character in this layout. */
static char map_key(wedge_layout layout, uint16_t code, bool shift)
{
    const uint16_t *letters = layouts[layout].letters;
    for (int i = 0; i < 26; i++)
        if (letters[i] == code)
            return (char)((shift ? 'A' : 'a') + i);
    char c = row_char(layouts[layout].keys, code, shift);
    return c ? c : row_char(common_keys, code, shift);
}

void wedge_init(wedge_decoder *d, wedge_layout layout)
{
    memset(d, 0, sizeof *d);
    d->layout = (unsigned)layout < WEDGE_LAYOUTS ? layout : WEDGE_US;
}

static void end_text(wedge_decoder *d)
{
    d->len = 0;
    d->overflow = false;
    d->head_len = 0;
}

int wedge_feed(wedge_decoder *d, const struct input_event *ev, size_t n,
               wedge_text_fn on_text, void *ctx)
{
    int texts = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].type != EV_KEY)
            continue;
        uint16_t code = ev[i].code;
        bool down = ev[i].value != 0;  /* 1 press, 2 autorepeat */
        if (code == KEY_LEFTSHIFT) {
            d->shift_left = down;
            continue;
        }
        if (code == KEY_RIGHTSHIFT) {
            d->shift_right = down;
            continue;
        }
        unsigned bit = mod_bit(code);
        if (bit) {
            d->mods = down ? d->mods | bit : d->mods & ~bit;
            continue;
        }
        if (!down)
            continue;
        if (code == KEY_ENTER || code == KEY_KPENTER || code == KEY_TAB) {
            if (d->overflow) {
                d->too_long++;
            } else if (d->len > 0) {
                d->text[d->len] = '\0';
                d->texts++;
                texts++;
                if (on_text)
                    on_text(ctx, d->text, d->len);
            }
            end_text(d);
            continue;
        }
        if (d->head_len < WEDGE_HEAD_KEYS)
            d->head[d->head_len++] = code;
        /* With Ctrl/Alt/AltGr held a key is a command or a third-level
         * character, never the plain one: mapping it would forge text. */
        char c = d->mods ? 0 : map_key(d->layout, code, d->shift_left || d->shift_right);
        if (!c) {
            d->unknown++;
            continue;
        }
        if (d->overflow)
            continue;
        if (d->len == WEDGE_MAX_TEXT) {
            d->overflow = true;
            continue;
        }
        d->text[d->len++] = c;
    }
    return texts;
}

wedge_layout wedge_guess(const uint16_t *keycodes, size_t n)
{
    static const struct {
        uint16_t keys[4];
        wedge_layout layout;
    } heads[] = {
        {{KEY_M, KEY_C, KEY_1, KEY_SEMICOLON}, WEDGE_US},
        {{KEY_M, KEY_C, KEY_1, KEY_DOT}, WEDGE_DE},
        {{KEY_SEMICOLON, KEY_C, KEY_1, KEY_DOT}, WEDGE_FR},
    };
    uint16_t keys[4];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 4; i++)
        if (!is_modifier(keycodes[i]))
            keys[k++] = keycodes[i];
    if (k < 4)
        return WEDGE_US;
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++)
        if (memcmp(keys, heads[h].keys, sizeof keys) == 0)
            return heads[h].layout;
    return WEDGE_US;
}

int wedge_open(const char *path, bool grab, char *err, size_t cap)
{
    if (err && cap)
        err[0] = '\0';
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (err && cap)
            snprintf(err, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (grab && ioctl(fd, EVIOCGRAB, 1) != 0) {
        int e = errno;
        if (err && cap)
            snprintf(err, cap, "%s: cannot grab (EVIOCGRAB): %s", path, strerror(e));
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int wedge_read(int fd, wedge_decoder *d, wedge_text_fn on_text, void *ctx)
{
    struct input_event ev[WEDGE_READ_EVENTS];
    unsigned char *bytes = (unsigned char *)ev;
    const size_t size = sizeof ev[0];
    int texts = 0;
    for (;;) {
        size_t have = d->partial_len;
        memcpy(bytes, d->partial, have);
        ssize_t r = read(fd, bytes + have, sizeof ev - have);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return texts;
            return -1;
        }
        if (r == 0) {
            /* A pipe's writer gone, or a device that vanished mid-read:
             * to the caller both are "unplugged". */
            errno = ENODEV;
            return -1;
        }
        have += (size_t)r;
        size_t n = have / size;
        d->partial_len = have - n * size;
        memcpy(d->partial, bytes + n * size, d->partial_len);
        texts += wedge_feed(d, ev, n, on_text, ctx);
    }
}

void wedge_close(int fd)
{
    if (fd < 0)
        return;
    (void)ioctl(fd, EVIOCGRAB, 0);
    close(fd);
}

static bool contains_nocase(const char *s, const char *word)
{
    size_t w = strlen(word);
    for (; *s; s++) {
        size_t i = 0;
        while (i < w && s[i] && (s[i] | 0x20) == word[i])
            i++;
        if (i == w)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

int wedge_find_in(const char *dir, char *path, size_t cap)
{
    if (cap)
        path[0] = '\0';
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    char best[256] = "";
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        if (!ends_with(name, "-event-kbd") || len >= sizeof best)
            continue;
        /* Words are lower case: contains_nocase folds only the name. */
        if (!contains_nocase(name, "scanner") && !contains_nocase(name, "barcode")
            && !contains_nocase(name, "qr"))
            continue;
        if (!best[0] || strcmp(name, best) < 0)
            memcpy(best, name, len + 1);   /* len < sizeof best, checked above */
    }
    closedir(dp);
    if (!best[0])
        return 0;
    int w = snprintf(path, cap, "%s/%s", dir, best);
    if (w < 0 || (size_t)w >= cap) {
        if (cap)
            path[0] = '\0';
        return 0;
    }
    return 1;
}

int wedge_find(char *path, size_t cap)
{
    return wedge_find_in("/dev/input/by-id", path, cap);
}
