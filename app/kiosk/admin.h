/*
 * admin.h: the kiosk's admin part, for staff.
 *
 * Opened by Ctrl+Alt+A, or by a touch or mouse button held ADMIN_HOLD_MS
 * on the idle screen. A PIN screen asks for the admin PIN (digits typed or
 * tapped on its keypad; only dots are shown) and checks it with
 * config_pin_ok. ADMIN_MAX_TRIES wrong PINs in a row lock admin for
 * ADMIN_LOCK_MS, so that a PIN cannot be guessed at the kiosk. With no
 * admin_pin_hash set, admin does not open at all.
 *
 * The admin screen (buttons, or keys 1-4): install a trust bundle from a
 * USB stick (state_import from --usb-mount into the kiosk's state
 * folder; on success the trust in force is loaded again, so the next
 * verdict uses it), cycle the language, show the state, quit the kiosk.
 * Key 6 (or its button) opens issue mode (issue_mode.h), greyed until the
 * settings name the issuer key and id.
 * Esc (or Back) goes back; ADMIN_IDLE_MS without input goes back to idle.
 *
 * Every admin event is one JSON line on stdout: {"admin":"pin"},
 * {"admin":"pin_wrong","tries":N}, {"admin":"locked"}, {"admin":"open"},
 * {"admin":"not_set_up"}, {"admin":"install","result":"installed",
 * "version":V} (or "refused"/"error" with "reason"), {"admin":"language",
 * "language":"es"}, {"admin":"state"}, {"admin":"close"},
 * {"admin":"timeout"}, {"admin":"quit"}. The PIN is never printed.
 *
 * --keys FILE (for tests): a script of key presses, one a line, played
 * one line every --pace ms and injected as SDL events:
 *   ctrl+alt+a | enter | esc | backspace | key C (a key: 0-9, a-z)
 *   type TEXT (text typed) | down X Y | up X Y (mouse, renderer pixels)
 *   wait MS (the next line MS later instead of after the pace) | # comment
 * An unknown line is reported on stderr and skipped.
 */
#ifndef TESS_KIOSK_ADMIN_H
#define TESS_KIOSK_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL.h>

#include "config.h"

#define ADMIN_HOLD_MS 3000u
#define ADMIN_MAX_TRIES 5u
#define ADMIN_LOCK_MS 60000u
#define ADMIN_IDLE_MS 60000u
#define ADMIN_NOTICE_MS 3000u
#define ADMIN_DEFAULT_USB "/media/usb"

/* Buttons, by screen. PIN: 0-9 are the digits, then clear, OK, cancel. */
enum { PIN_CLEAR = 10, PIN_OK, PIN_CANCEL, PIN_BUTTONS };
enum {
    ADM_INSTALL = 0, ADM_LANGUAGE, ADM_STATE, ADM_QUIT, ADM_EXPORT,
    ADM_ISSUE,   /* key 6: issue mode (issue_mode.h) */
    ADM_BACK, ADM_BUTTONS
};
#define ADMIN_MAX_BUTTONS PIN_BUTTONS

typedef struct {
    const char *usb_mount;       /* --usb-mount */
    char pin[CONFIG_MAX_PIN + 1];
    size_t pin_len;
    unsigned wrong;              /* wrong PINs in a row */
    bool locked;
    uint32_t locked_until_ms;
    const char *msg;             /* English (a msgid): said on the screen */
    char result[2048];           /* the last install's or export's message (not translated) */
    bool result_ok;
    const char *result_title;    /* a msgid: what result is about */
    uint32_t last_input_ms;
    bool press_down;             /* a touch or button held on idle */
    uint32_t press_since_ms;
    /* --keys */
    const char *keys_path;
    FILE *keys;
    uint32_t keys_next_ms;
} kiosk_admin;

struct kiosk;

/* Opens the --keys script; false with a message on stderr. */
bool admin_open(struct kiosk *k);
void admin_close(struct kiosk *k);
/* Plays the --keys script's lines that are due (pushed as SDL events). */
void admin_keys_poll(struct kiosk *k, uint32_t now_ms);
/* True when the event was the admin part's (and so is not used further). */
bool admin_event(struct kiosk *k, const SDL_Event *e, uint32_t now_ms);
/* Time passes: the long press, the lock, the admin screens' timeouts. */
void admin_update(struct kiosk *k, uint32_t now_ms);
/* Milliseconds until admin_update or admin_keys_poll has work. */
uint32_t admin_due_in(const struct kiosk *k, uint32_t now_ms);
bool admin_keys_done(const struct kiosk *k);

/* The buttons of screen s on a w x h screen (the same for drawing and
 * taps): returns how many were written to r (at most ADMIN_MAX_BUTTONS). */
int admin_buttons(int s, int w, int h, SDL_Rect r[ADMIN_MAX_BUTTONS]);

#endif
