/*
 * config.h: the kiosk's settings file.
 *
 * Accepts a text file of `key = value` lines; a line whose first non-blank
 * character is '#' is a comment, blank lines are skipped, a CRLF line end
 * is taken as LF and a UTF-8 byte order mark at the start is skipped. Keys
 * and values are lower case and exact; blanks around them are trimmed. A
 * '#' after a value is part of the value (and so makes it bad): comments
 * are whole lines, so that no value is ever cut in two by accident.
 *
 * Rejects, each with "FILE:LINE: what is wrong" appended to the problems
 * text, then goes on with the next line:
 *   - an unknown key, a line without '=', a bad value;
 *   - a key given twice: the key goes back to its default, since which of
 *     the two was meant cannot be known;
 *   - a line longer than CONFIG_MAX_LINE bytes, a control character;
 * A rejected line changes nothing: its key keeps its default (the safe
 * value). A file with a NUL byte anywhere is not text: the first NUL's
 * line is reported and nothing in the file is used. A missing or
 * unreadable file is a problem too. In these three cases every setting
 * stays at its default.
 *
 * Warns (also a problem): mode issue is accepted and kept, but issuing is
 * started from admin; the kiosk verifies meanwhile.
 *
 * Does not check: that the display can show width x height, or that the
 * PIN behind admin_pin_hash is a good one.
 */
#ifndef TESS_KIOSK_CONFIG_H
#define TESS_KIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line, without its line end: a PIN hash (under 128 bytes) with
 * its key and blanks fits twice over. */
#define CONFIG_MAX_LINE 255
/* crypto_pwhash_STRBYTES, checked in config.c: the one file that includes
 * <sodium.h> here (STYLE.md rule 6). */
#define CONFIG_PIN_HASH_BYTES 128
/* Longest PIN accepted; a longer one is refused, never cut. */
#define CONFIG_MAX_PIN 64
/* The same limits as --width and --height; 0 = the display's own size. */
#define CONFIG_MIN_SIDE 160
#define CONFIG_MAX_SIDE 8192
#define CONFIG_MAX_VERDICT_SECONDS 60
/* The store's limits (app/store/store.h: TESS_EVENT_ID_MAX,
 * TESS_KIOSK_ID_MAX), repeated so that config.c compiles alone. */
#define CONFIG_EVENT_ID_MAX 64
#define CONFIG_KIOSK_ID_MAX 64
#define CONFIG_MAX_RETENTION_DAYS 36500
#define CONFIG_MAX_GPIO_LINE 1023
/* An absolute path in the settings (shorter than a line). */
#define CONFIG_MAX_PATH 200
/* issue mode: the unlocked issuer key locks after 1..240 idle minutes */
#define CONFIG_MAX_LOCK_MINUTES 240

typedef enum {
    MODE_VERIFY = 0,
    MODE_CHECKIN,
    MODE_MATCH,
    MODE_ACCESS,
    MODE_ISSUE
} kiosk_mode;

typedef enum { LANG_EN = 0, LANG_ES, LANG_FR, LANG_DE } kiosk_language;

/* How a valid verdict that carries trust_stale or clock_uncertain is shown. */
typedef enum {
    STALE_UNDECIDED = 0, /* amber, "cannot decide" (the default) */
    STALE_DECIDE,        /* valid, with a warning line */
    STALE_REFUSE         /* red */
} kiosk_stale_policy;

typedef struct {
    kiosk_mode mode;
    kiosk_language language;
    kiosk_stale_policy stale_policy;
    unsigned verdict_seconds;    /* 1..60 */
    bool sounds;
    unsigned volume;             /* 0..100 */
    /* "" = no admin PIN, so no admin access */
    char admin_pin_hash[CONFIG_PIN_HASH_BYTES];
    int width, height;           /* 0, or CONFIG_MIN_SIDE..CONFIG_MAX_SIDE */
    bool fullscreen;
    char event[CONFIG_EVENT_ID_MAX + 1];       /* checkin: the event; "" none */
    char kiosk_id[CONFIG_KIOSK_ID_MAX + 1];    /* "" = the hostname */
    unsigned retention_days;                   /* 0 = keep everything */
    char gpio_chip[64];          /* "" = no GPIO; gpiochipN or a /dev path */
    int gpio_line[4];            /* relay, green, red, buzzer; -1 = none */
    bool relay_active_low;
    unsigned door_open_seconds;  /* 1..60 */
    /* match and access (match_mode.h, access mode); "" = the defaults */
    char roles_dir[CONFIG_MAX_PATH];
    char skills_table[CONFIG_MAX_PATH];
    unsigned match_session_seconds;          /* 10..3600 */
    char access_list[CONFIG_MAX_PATH];
    char door_name[CONFIG_KIOSK_ID_MAX + 1];
    /* issue mode (issue_mode.h); "" = not set */
    char issue_key[CONFIG_MAX_PATH];         /* the sealed issuer key file */
    char issue_iss[CONFIG_MAX_PATH];         /* the issuer's id (iss) */
    char templates_dir[CONFIG_MAX_PATH];     /* "" = the build's assets/templates */
    unsigned issue_lock_minutes;             /* 1..240: the key locks when idle */
    bool issue_keep_names;                   /* the store keeps issued names */
} kiosk_config;

/* Whether id is an allowed event id: 1..64 of A-Z a-z 0-9 . _ - : */
bool config_event_id_ok(const char *id);

/* The documented example file: every key, each with a comment. Parses
 * with no problem. */
extern const char config_example[];

/* verify, en, undecided, 5 s, sounds on at 50, no admin PIN, the
 * display's size, full screen. */
void config_defaults(kiosk_config *cfg);

/* Sets cfg to the defaults, then to what path says. problems (cap bytes,
 * may be NULL when cap is 0) receives one line per problem, cut to fit and
 * always terminated. True when the file was read with no problem. */
bool config_load(const char *path, kiosk_config *cfg, char *problems, size_t cap);

/* Argon2id hash of pin (1..CONFIG_MAX_PIN bytes) at the interactive
 * limits, as a crypto_pwhash_str string. False (out wiped to "") on an
 * empty or too long PIN or when libsodium fails.
 * The PIN is const here, so the caller wipes its buffer (sodium_memzero)
 * once the call returns; libsodium wipes its own working memory. */
bool config_pin_hash(const char *pin, char out[CONFIG_PIN_HASH_BYTES])
    __attribute__((warn_unused_result));

/* True only when a hash is set and pin matches it. No hash, an empty or
 * too long PIN: false. The caller wipes the PIN, as above. */
bool config_pin_ok(const kiosk_config *cfg, const char *pin)
    __attribute__((warn_unused_result));

const char *config_mode_name(kiosk_mode m);
const char *config_language_name(kiosk_language l);
const char *config_stale_name(kiosk_stale_policy s);

#endif
