/*
 * osk.c: the on-screen keyboard's layout, hit test and text (osk.h).
 * Nothing here draws.
 */
#include <string.h>

#include "osk.h"

/* memset through a volatile pointer: a wipe the compiler cannot drop. */
static void *(*volatile wipe)(void *, int, size_t) = memset;

/* Rows 1 and 2 have 10 keys; row 3 has 8 between Shift and backspace.
 * ' and - are on the letters; @ and . (an e-mail address: the booth's
 * contact) on the accents layer, whose key says so. */
static const char *const letters[2][3][OSK_COLS] = {
    {{"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"},
     {"a", "s", "d", "f", "g", "h", "j", "k", "l", "'"},
     {"z", "x", "c", "v", "b", "n", "m", "-"}},
    {{"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"},
     {"A", "S", "D", "F", "G", "H", "J", "K", "L", "'"},
     {"Z", "X", "C", "V", "B", "N", "M", "-"}},
};
static const char *const accents[2][3][OSK_COLS] = {
    {{"á", "é", "í", "ó", "ú", "ñ", "ü", "ç", "à", "è"},
     {"ê", "ë", "ï", "ô", "œ", "ß", "ä", "ö", "â", "î"},
     {"û", "ù", "ÿ", "æ", "¿", "¡", "@", "."}},
    {{"Á", "É", "Í", "Ó", "Ú", "Ñ", "Ü", "Ç", "À", "È"},
     {"Ê", "Ë", "Ï", "Ô", "Œ", "ß", "Ä", "Ö", "Â", "Î"},
     {"Û", "Ù", "Ÿ", "Æ", "¿", "¡", "@", "."}},
};
static const char *const digits[OSK_COLS] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};

void osk_init(osk *o, size_t max, bool password)
{
    wipe(o, 0, sizeof *o);
    o->max = max < 1 ? 1 : max > OSK_MAX_TEXT ? OSK_MAX_TEXT : max;
    o->password = password;
}

void osk_clear(osk *o)
{
    wipe(o->text, 0, sizeof o->text);
    o->len = 0;
    o->shift = false;
    o->accents = false;
}

osk_rect osk_area(int screen_w, int screen_h)
{
    int m = screen_w / 40;
    osk_rect r = {m, screen_h * 40 / 100, screen_w - 2 * m, screen_h * 58 / 100};
    return r;
}

/* A key of `units` tenths of the row, at column col (in tenths). */
static osk_key key_at(osk_rect a, int row, int col, int units, osk_key_kind kind,
                      const char *text)
{
    int rh = a.h / 5, gap = rh / 12 + 2;
    int x0 = a.x + a.w * col / OSK_COLS, x1 = a.x + a.w * (col + units) / OSK_COLS;
    osk_key k = {kind, text, {x0 + gap / 2, a.y + row * rh + gap / 2, x1 - x0 - gap, rh - gap}};
    return k;
}

int osk_layout(const osk *o, osk_rect a, osk_key keys[OSK_MAX_KEYS])
{
    const char *const(*rows)[OSK_COLS] = o->accents ? accents[o->shift] : letters[o->shift];
    int n = 0;
    for (int c = 0; c < OSK_COLS; c++)
        keys[n++] = key_at(a, 0, c, 1, OSK_KEY_CHAR, digits[c]);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < OSK_COLS; c++)
            keys[n++] = key_at(a, r + 1, c, 1, OSK_KEY_CHAR, rows[r][c]);
    keys[n++] = key_at(a, 3, 0, 1, OSK_KEY_SHIFT, NULL);
    for (int c = 0; c < 8; c++)
        keys[n++] = key_at(a, 3, c + 1, 1, OSK_KEY_CHAR, rows[2][c]);
    keys[n++] = key_at(a, 3, 9, 1, OSK_KEY_BACKSPACE, NULL);
    keys[n++] = key_at(a, 4, 0, 2, OSK_KEY_CANCEL, NULL);
    keys[n++] = key_at(a, 4, 2, 2, OSK_KEY_LAYER, NULL);
    keys[n++] = key_at(a, 4, 4, 4, OSK_KEY_SPACE, " ");
    keys[n++] = key_at(a, 4, 8, 2, OSK_KEY_DONE, NULL);
    return n;
}

int osk_hit(const osk_key *keys, int n, int x, int y)
{
    for (int i = 0; i < n; i++) {
        const osk_rect *r = &keys[i].r;
        if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
            return i;
    }
    return -1;
}

int osk_find(const osk_key *keys, int n, osk_key_kind kind, const char *text)
{
    for (int i = 0; i < n; i++)
        if (keys[i].kind == kind &&
            (kind != OSK_KEY_CHAR || (text && keys[i].text && strcmp(keys[i].text, text) == 0)))
            return i;
    return -1;
}

/* Length of the UTF-8 sequence starting at s (at most left bytes), or 0
 * when it is not a valid one: overlong forms, surrogates and code points
 * past U+10FFFF are refused, as the core's own UTF-8 check does. */
static size_t utf8_seq(const unsigned char *s, size_t left, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

bool osk_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = utf8_seq(p + i, len - i, &cp);
        /* control characters would move the cursor of a terminal that
         * shows the JSON line, or break a line of the store's export */
        if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return false;
        i += n;
    }
    return true;
}

bool osk_insert(osk *o, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || !osk_utf8_ok(s, n) || o->len + n > o->max)
        return false;
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len] = '\0';
    return true;
}

bool osk_backspace(osk *o)
{
    if (o->len == 0)
        return false;
    size_t n = o->len - 1;
    while (n > 0 && ((unsigned char)o->text[n] & 0xC0) == 0x80)
        n--;
    wipe(o->text + n, 0, o->len - n);
    o->len = n;
    return true;
}

size_t osk_chars(const osk *o)
{
    size_t c = 0;
    for (size_t i = 0; i < o->len; i++)
        c += ((unsigned char)o->text[i] & 0xC0) != 0x80;
    return c;
}

void osk_shown(const osk *o, char *out, size_t cap)
{
    if (cap == 0)
        return;
    if (!o->password) {
        size_t n = o->len < cap - 1 ? o->len : cap - 1;
        while (n > 0 && n < o->len && ((unsigned char)o->text[n] & 0xC0) == 0x80)
            n--;
        memcpy(out, o->text, n);
        out[n] = '\0';
        return;
    }
    static const char dot[] = "\xE2\x97\x8F"; /* U+25CF BLACK CIRCLE */
    size_t chars = osk_chars(o), n = 0;
    for (size_t i = 0; i < chars && n + 3 < cap; i++, n += 3)
        memcpy(out + n, dot, 3);
    out[n] = '\0';
}

osk_result osk_press(osk *o, const osk_key *key)
{
    switch (key->kind) {
    case OSK_KEY_CHAR:
    case OSK_KEY_SPACE:
        if (!osk_insert(o, key->text))
            return OSK_NONE;
        o->shift = false;
        return OSK_TYPED;
    case OSK_KEY_SHIFT: o->shift = !o->shift; return OSK_NONE;
    case OSK_KEY_LAYER: o->accents = !o->accents; return OSK_NONE;
    case OSK_KEY_BACKSPACE: return osk_backspace(o) ? OSK_TYPED : OSK_NONE;
    case OSK_KEY_CANCEL: return OSK_CANCELLED;
    case OSK_KEY_DONE: return OSK_DONE;
    }
    return OSK_NONE;
}
