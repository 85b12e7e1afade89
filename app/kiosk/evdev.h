/*
 * evdev.h: a USB QR scanner that acts as a keyboard ("keyboard wedge"),
 * read from Linux evdev so that its keystrokes never reach a console.
 *
 * The decoder (wedge_init, wedge_feed) is pure: it turns input_event
 * records into texts, with no device, no heap and no clock. It accepts:
 *   - EV_KEY press (1), autorepeat (2, taken as a press: a scanner never
 *     repeats, and a lost character would spoil the text) and release (0);
 *   - left and right shift, held while the key is pressed;
 *   - the characters of an MC1 text (digits, A-Z, a-z, space and
 *     $ % * + - . / :) at their standard positions in the layout the
 *     scanner is set to: US, UK, German QWERTZ, French AZERTY, plus the
 *     keypad (NumLock assumed on);
 *   - KEY_ENTER, KEY_KPENTER or KEY_TAB as the end of a text; an empty text
 *     is not handed on, so CR LF or Enter Tab gives one text.
 * It ignores every event type other than EV_KEY (EV_SYN, EV_MSC, ...).
 * It rejects, counting each in the decoder:
 *   - a key it cannot map (also any key pressed with Ctrl, Alt, AltGr or
 *     Meta held): the key is dropped, the rest of the text is kept
 *     (`unknown`);
 *   - a text longer than WEDGE_MAX_TEXT characters: dropped whole, never
 *     cut, since a cut text would only fail later with a worse reason
 *     (`too_long`).
 * It does not check: that the text is an MC1 text, Caps Lock or NumLock
 * state (a scanner sends shift for capitals), Alt+keypad character codes.
 *
 * The device side (wedge_open, wedge_read, wedge_close, wedge_find) is the
 * one file of the kiosk that touches /dev/input.
 */
#ifndef TESS_KIOSK_EVDEV_H
#define TESS_KIOSK_EVDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/input.h>

/* Longest text handed on: an MC1 text fits in a version 40 QR code
 * (4296 alphanumeric characters), so this is twice that, rounded up. */
#define WEDGE_MAX_TEXT 8192
/* Keycodes of a text's first keys kept for wedge_guess ("MC1:" is 4). */
#define WEDGE_HEAD_KEYS 8
/* Events read per read(2) call in wedge_read. */
#define WEDGE_READ_EVENTS 64

typedef enum {
    WEDGE_US = 0, /* also the answer when a guess fails */
    WEDGE_UK,     /* the same keys as US for every MC1 character */
    WEDGE_DE,     /* QWERTZ */
    WEDGE_FR,     /* AZERTY */
    WEDGE_LAYOUTS
} wedge_layout;

/* Caller-owned; needs no free. Fields are read-only for the caller. */
typedef struct {
    wedge_layout layout;
    bool shift_left, shift_right;
    unsigned mods;                   /* Ctrl, Alt, AltGr, Meta held (bits) */
    char text[WEDGE_MAX_TEXT + 1];   /* NUL-terminated when handed on */
    size_t len;
    bool overflow;                   /* current text is past WEDGE_MAX_TEXT */
    /* Keycodes (no modifiers, no end key) of the current text's first keys:
     * valid inside on_text for the text being handed on. */
    uint16_t head[WEDGE_HEAD_KEYS];
    size_t head_len;
    unsigned long unknown;           /* keys dropped: not mappable */
    unsigned long too_long;          /* texts dropped: over WEDGE_MAX_TEXT */
    unsigned long texts;             /* texts handed on */
    /* wedge_read: bytes of an input_event not yet complete. */
    unsigned char partial[sizeof(struct input_event)];
    size_t partial_len;
} wedge_decoder;

typedef void (*wedge_text_fn)(void *ctx, const char *text, size_t len);

/* Clears all state and counters. A layout out of range is taken as US. */
void wedge_init(wedge_decoder *d, wedge_layout layout);

/* Feeds n events; calls on_text (if not NULL) for each complete non-empty
 * text. `text` is NUL-terminated and valid only during the call. Returns
 * the number of texts handed on. */
int wedge_feed(wedge_decoder *d, const struct input_event *ev, size_t n,
               wedge_text_fn on_text, void *ctx);

/* Which layout reads keycodes (modifiers are skipped) as "MC1:":
 *   US/UK  M C 1 ;    (UK cannot be told from US: returns US)
 *   DE     M C 1 .
 *   FR     ; C 1 .    (AZERTY M is the ';' key, ':' the '.' key)
 * Returns WEDGE_US when none matches or there are fewer than 4 keys. */
wedge_layout wedge_guess(const uint16_t *keycodes, size_t n);

/* Opens an event device, O_RDONLY | O_NONBLOCK | O_CLOEXEC; with grab,
 * takes it for this process alone (EVIOCGRAB) so its keystrokes reach no
 * console or other reader. Returns the fd, or -1 with a message in err
 * (if cap > 0), e.g. when the path is not an evdev device and grab is
 * asked for. */
int wedge_open(const char *path, bool grab, char *err, size_t cap);

/* Reads all events available on a non-blocking fd and feeds them to d,
 * keeping a trailing partial event in d for the next call. Returns the
 * number of texts handed on, or -1 with errno set when the device is gone
 * (ENODEV, or end of file, reported as ENODEV) or read fails otherwise:
 * the caller closes the fd and reopens. */
int wedge_read(int fd, wedge_decoder *d, wedge_text_fn on_text, void *ctx);

/* Ungrabs (an error is ignored: the fd may not be grabbed) and closes.
 * Does nothing for fd < 0. */
void wedge_close(int fd);

/* Looks in /dev/input/by-id for a "*-event-kbd" whose name contains
 * "scanner", "barcode" or "qr" (any case); of several, the first by name.
 * Returns 1 and the full path, or 0 and an empty path when none is found
 * (or its path does not fit in cap). */
int wedge_find(char *path, size_t cap);
/* The same over any directory (tests). */
int wedge_find_in(const char *dir, char *path, size_t cap);

#endif
