/*
 * osk.h: the kiosk's on-screen keyboard, as logic: the key layout, the hit
 * test and the text being typed. Nothing here draws or needs SDL, so that
 * the layout and the editing are unit-tested (tests/kiosk/test_osk.c) and a
 * test can compute where to tap; issue_mode.c draws it with ui.h.
 *
 * Layers: letters (lower case, or upper case with Shift, which holds for
 * one character), and accents (the letters and marks of Spanish, French
 * and German: á é í ó ú ñ ü ç à è ê ë ï ô œ ß ä ö â î û ù ÿ æ, ¿ ¡, and
 * @ . for an e-mail address, with their capitals under Shift; ' and - are
 * on the letters). Every layer keeps digits, space,
 * backspace, Shift, the layer key, Cancel and Done in the same places.
 *
 * The text is UTF-8, at most max bytes (OSK_MAX_TEXT at most). Accepts:
 * text typed on a key or given by a USB keyboard's SDL_TEXTINPUT (which
 * gives composed accents), only when it is valid UTF-8 without control
 * characters and fits whole. Rejects (osk_insert returns false, the text
 * unchanged): a control character, invalid UTF-8, or text that would pass
 * the limit; nothing is ever cut in the middle of a character. Backspace
 * removes one whole UTF-8 character.
 *
 * Password mode only changes what is shown (dots, osk_shown); the text is
 * wiped (osk_clear) through a volatile pointer when it is done with.
 */
#ifndef TESS_KIOSK_OSK_H
#define TESS_KIOSK_OSK_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of text: a passphrase of 200 bytes is more than anyone types on a
 * screen, and a name fits many times over. */
#define OSK_MAX_TEXT 255u
/* 10 keys on each of four rows, and the bottom row of 4. */
#define OSK_MAX_KEYS 48
#define OSK_COLS 10

typedef enum {
    OSK_KEY_CHAR = 0,   /* types its text */
    OSK_KEY_SHIFT,
    OSK_KEY_LAYER,      /* letters <-> accents */
    OSK_KEY_BACKSPACE,
    OSK_KEY_SPACE,
    OSK_KEY_CANCEL,
    OSK_KEY_DONE
} osk_key_kind;

typedef struct {
    int x, y, w, h;
} osk_rect;

typedef struct {
    osk_key_kind kind;
    const char *text;   /* CHAR: the UTF-8 it types (and shows); NULL otherwise */
    osk_rect r;
} osk_key;

typedef struct {
    char text[OSK_MAX_TEXT + 1];
    size_t len;         /* bytes */
    size_t max;         /* bytes, 1..OSK_MAX_TEXT */
    bool shift;         /* the next character is a capital */
    bool accents;       /* the accents layer is shown */
    bool password;      /* shown as dots */
} osk;

typedef enum { OSK_NONE = 0, OSK_TYPED, OSK_DONE, OSK_CANCELLED } osk_result;

/* An empty keyboard on the letters layer; max is cut to 1..OSK_MAX_TEXT. */
void osk_init(osk *o, size_t max, bool password);
/* Wipes the text (a passphrase, a name) and goes back to the letters. */
void osk_clear(osk *o);

/* Where the keyboard goes on a screen_w x screen_h screen: the lower part,
 * under the field and the title. The same for drawing, taps and tests. */
osk_rect osk_area(int screen_w, int screen_h);
/* The keys of o's current layer laid out in area; returns how many. */
int osk_layout(const osk *o, osk_rect area, osk_key keys[OSK_MAX_KEYS]);
/* The key at (x, y), or -1. */
int osk_hit(const osk_key *keys, int n, int x, int y);
/* The index of the key of kind (the first one with text, for CHAR), or -1. */
int osk_find(const osk_key *keys, int n, osk_key_kind kind, const char *text);

/* Presses key: types, shifts, changes layer, deletes, or says done or
 * cancelled. A typed character ends Shift. */
osk_result osk_press(osk *o, const osk_key *key);

/* Appends s (UTF-8), all or nothing; see the header comment. */
bool osk_insert(osk *o, const char *s);
/* Removes the last UTF-8 character; false when the text is empty. */
bool osk_backspace(osk *o);
/* What the field shows: the text, or one dot per character in password
 * mode. out gets at most cap - 1 bytes (cut at a character boundary). */
void osk_shown(const osk *o, char *out, size_t cap);
/* Characters (not bytes) in the text. */
size_t osk_chars(const osk *o);
/* Whether s is valid UTF-8 with no control character (C0, DEL, C1). */
bool osk_utf8_ok(const char *s, size_t len);

#endif
