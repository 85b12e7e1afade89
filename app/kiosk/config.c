/*
 * config.c: reads the kiosk's settings file (see config.h), and hashes and
 * checks the admin PIN. The kiosk's one seam to libsodium's pwhash.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "config.h"

_Static_assert(CONFIG_PIN_HASH_BYTES == crypto_pwhash_STRBYTES,
               "CONFIG_PIN_HASH_BYTES must be crypto_pwhash_STRBYTES");

const char config_example[] =
    "# tessera-kiosk settings: one `key = value` a line.\n"
    "# A line starting with '#' is a comment; blank lines are skipped.\n"
    "# Comments are whole lines: nothing may follow a value.\n"
    "# A bad line is reported and its key keeps its default.\n"
    "\n"
    "# What the kiosk does: verify | checkin | match | access | issue.\n"
    "# verify and checkin work today; the others are accepted with a warning.\n"
    "mode = verify\n"
    "\n"
    "# checkin: the event badges are checked in to (letters, digits . _ - :,\n"
    "# up to 64). Kiosks at the doors of one event import the same event file\n"
    "# (tessera event create / import) so that their logs merge; an event\n"
    "# this kiosk has not seen is created. Needed in checkin mode.\n"
    "# event = jobfair-2026\n"
    "\n"
    "# This kiosk's name in the log and on the screen (\"door 2\"): up to 64\n"
    "# printable characters; empty = the machine's hostname.\n"
    "# kiosk_id = door 2\n"
    "\n"
    "# The log keeps verdicts and check-ins this many days, then purges them\n"
    "# (the purge is logged); 0 keeps everything.\n"
    "retention_days = 0\n"
    "\n"
    "# The language of the screens: en | es | fr | de.\n"
    "language = en\n"
    "\n"
    "# A valid credential checked with a stale trust bundle (trust_stale) or\n"
    "# a clock behind the last one seen (clock_uncertain) is shown as:\n"
    "#   decide    - valid, with a warning line\n"
    "#   undecided - amber, \"cannot decide\" (the default)\n"
    "#   refuse    - red\n"
    "stale_policy = undecided\n"
    "\n"
    "# How long a verdict stays on the screen, in seconds: 1..60.\n"
    "verdict_seconds = 5\n"
    "\n"
    "# A sound with each verdict: on | off; and its volume: 0..100.\n"
    "sounds = on\n"
    "volume = 50\n"
    "\n"
    "# The admin PIN, as an argon2id crypto_pwhash_str string (it starts\n"
    "# with $argon2id$); never the PIN itself. Without it, the kiosk has no\n"
    "# admin access at all.\n"
    "# admin_pin_hash = $argon2id$v=19$m=65536,t=2,p=1$...\n"
    "\n"
    "# The window's size in pixels, 160..8192; 0 = the display's own.\n"
    "width = 0\n"
    "height = 0\n"
    "\n"
    "# Take the whole screen: yes | no.\n"
    "fullscreen = yes\n"
    "\n"
    "# Lights, buzzer and door relay on GPIO (board/rpi/README.md has the\n"
    "# wiring). The chip: gpiochip0 on a Pi (empty = no GPIO). Each line is\n"
    "# its offset on the chip (the BCM number on a Pi) or none.\n"
    "# gpio_chip = gpiochip0\n"
    "gpio_relay = none\n"
    "gpio_green = none\n"
    "gpio_red = none\n"
    "gpio_buzzer = none\n"
    "# Most relay boards switch on a low level: yes | no.\n"
    "relay_active_low = yes\n"
    "# How long the door stays open for a badge that may enter: 1..60 s.\n"
    "door_open_seconds = 3\n"
    "\n"
    "# match: the booth's roles (a folder of *.role files, assets/roles/README.md),\n"
    "# the table of skill names (assets/esco/skills.tsv), and how long a\n"
    "# candidate's session lasts without a scan or a tap, in seconds (10..3600).\n"
    "# roles_dir = /usr/share/tessera/roles\n"
    "# skills_table = /usr/share/tessera/esco/skills.tsv\n"
    "match_session_seconds = 120\n"
    "\n"
    "# access: the list of badges that open this door (docs/access.md) and\n"
    "# the door's name in the log.\n"
    "# access_list = /etc/tessera/door.access\n"
    "# door_name = workshop room\n"
    "\n"
    "# issue: staff issue credentials from admin (\"Issue credentials\"). The\n"
    "# issuer's key file, sealed with a passphrase (tessera keygen --seal; an\n"
    "# unsealed key is refused), the issuer's id as in the trust bundle, and the\n"
    "# folder of *.tmpl credential templates (empty = the built-in one).\n"
    "# issue_key = /etc/tessera/issuer.key\n"
    "# issue_iss = https://academy.example\n"
    "# templates_dir = /usr/share/tessera/templates\n"
    "# The unlocked key locks again after this many minutes without input: 1..240.\n"
    "issue_lock_minutes = 10\n"
    "# Keep each learner's name in the store's list of issued credentials: yes | no.\n"
    "issue_keep_names = no\n";

typedef enum {
    KEY_MODE = 0,
    KEY_LANGUAGE,
    KEY_STALE_POLICY,
    KEY_VERDICT_SECONDS,
    KEY_SOUNDS,
    KEY_VOLUME,
    KEY_ADMIN_PIN_HASH,
    KEY_WIDTH,
    KEY_HEIGHT,
    KEY_FULLSCREEN,
    KEY_EVENT,
    KEY_KIOSK_ID,
    KEY_RETENTION_DAYS,
    KEY_GPIO_CHIP,
    KEY_GPIO_RELAY,
    KEY_GPIO_GREEN,
    KEY_GPIO_RED,
    KEY_GPIO_BUZZER,
    KEY_RELAY_ACTIVE_LOW,
    KEY_DOOR_OPEN_SECONDS,
    KEY_ROLES_DIR,
    KEY_SKILLS_TABLE,
    KEY_MATCH_SESSION_SECONDS,
    KEY_ACCESS_LIST,
    KEY_DOOR_NAME,
    KEY_ISSUE_KEY,
    KEY_ISSUE_ISS,
    KEY_TEMPLATES_DIR,
    KEY_ISSUE_LOCK_MINUTES,
    KEY_ISSUE_KEEP_NAMES,
    KEY_COUNT
} config_key;

static const char *const key_names[KEY_COUNT] = {
    "mode",   "language",       "stale_policy", "verdict_seconds", "sounds",
    "volume", "admin_pin_hash", "width",        "height",          "fullscreen",
    "event",  "kiosk_id",       "retention_days",
    "gpio_chip", "gpio_relay", "gpio_green", "gpio_red", "gpio_buzzer", "relay_active_low",
    "door_open_seconds", "roles_dir", "skills_table", "match_session_seconds", "access_list",
    "door_name", "issue_key", "issue_iss", "templates_dir", "issue_lock_minutes",
    "issue_keep_names",
};

static const char *const mode_names[] = {"verify", "checkin", "match", "access", "issue"};
static const char *const language_names[] = {"en", "es", "fr", "de"};
/* In the order of kiosk_stale_policy. */
static const char *const stale_names[] = {"undecided", "decide", "refuse"};
static const char *const on_off[] = {"off", "on"};
static const char *const no_yes[] = {"no", "yes"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *config_mode_name(kiosk_mode m)
{
    return (unsigned)m < COUNT(mode_names) ? mode_names[m] : "?";
}

const char *config_language_name(kiosk_language l)
{
    return (unsigned)l < COUNT(language_names) ? language_names[l] : "?";
}

const char *config_stale_name(kiosk_stale_policy s)
{
    return (unsigned)s < COUNT(stale_names) ? stale_names[s] : "?";
}

void config_defaults(kiosk_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = MODE_VERIFY;
    cfg->language = LANG_EN;
    cfg->stale_policy = STALE_UNDECIDED;
    cfg->verdict_seconds = 5;
    cfg->sounds = true;
    cfg->volume = 50;
    cfg->admin_pin_hash[0] = '\0';
    cfg->width = 0;
    cfg->height = 0;
    cfg->fullscreen = true;
    for (int i = 0; i < 4; i++)
        cfg->gpio_line[i] = -1;
    cfg->relay_active_low = true;
    cfg->door_open_seconds = 3;
    cfg->match_session_seconds = 120;
    cfg->issue_lock_minutes = 10;
    cfg->issue_keep_names = false;
}

bool config_event_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > CONFIG_EVENT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

/* Puts key k of cfg back to its default. */
static void reset_key(kiosk_config *cfg, config_key k)
{
    kiosk_config d;
    config_defaults(&d);
    switch (k) {
    case KEY_MODE: cfg->mode = d.mode; break;
    case KEY_LANGUAGE: cfg->language = d.language; break;
    case KEY_STALE_POLICY: cfg->stale_policy = d.stale_policy; break;
    case KEY_VERDICT_SECONDS: cfg->verdict_seconds = d.verdict_seconds; break;
    case KEY_SOUNDS: cfg->sounds = d.sounds; break;
    case KEY_VOLUME: cfg->volume = d.volume; break;
    case KEY_ADMIN_PIN_HASH: memcpy(cfg->admin_pin_hash, d.admin_pin_hash, sizeof d.admin_pin_hash); break;
    case KEY_WIDTH: cfg->width = d.width; break;
    case KEY_HEIGHT: cfg->height = d.height; break;
    case KEY_FULLSCREEN: cfg->fullscreen = d.fullscreen; break;
    case KEY_EVENT: memcpy(cfg->event, d.event, sizeof d.event); break;
    case KEY_KIOSK_ID: memcpy(cfg->kiosk_id, d.kiosk_id, sizeof d.kiosk_id); break;
    case KEY_RETENTION_DAYS: cfg->retention_days = d.retention_days; break;
    case KEY_GPIO_CHIP: memcpy(cfg->gpio_chip, d.gpio_chip, sizeof d.gpio_chip); break;
    case KEY_GPIO_RELAY:
    case KEY_GPIO_GREEN:
    case KEY_GPIO_RED:
    case KEY_GPIO_BUZZER:
        cfg->gpio_line[k - KEY_GPIO_RELAY] = d.gpio_line[k - KEY_GPIO_RELAY];
        break;
    case KEY_RELAY_ACTIVE_LOW: cfg->relay_active_low = d.relay_active_low; break;
    case KEY_DOOR_OPEN_SECONDS: cfg->door_open_seconds = d.door_open_seconds; break;
    case KEY_ROLES_DIR: memcpy(cfg->roles_dir, d.roles_dir, sizeof d.roles_dir); break;
    case KEY_SKILLS_TABLE: memcpy(cfg->skills_table, d.skills_table, sizeof d.skills_table); break;
    case KEY_MATCH_SESSION_SECONDS: cfg->match_session_seconds = d.match_session_seconds; break;
    case KEY_ACCESS_LIST: memcpy(cfg->access_list, d.access_list, sizeof d.access_list); break;
    case KEY_DOOR_NAME: memcpy(cfg->door_name, d.door_name, sizeof d.door_name); break;
    case KEY_ISSUE_KEY: memcpy(cfg->issue_key, d.issue_key, sizeof d.issue_key); break;
    case KEY_ISSUE_ISS: memcpy(cfg->issue_iss, d.issue_iss, sizeof d.issue_iss); break;
    case KEY_TEMPLATES_DIR:
        memcpy(cfg->templates_dir, d.templates_dir, sizeof d.templates_dir);
        break;
    case KEY_ISSUE_LOCK_MINUTES: cfg->issue_lock_minutes = d.issue_lock_minutes; break;
    case KEY_ISSUE_KEEP_NAMES: cfg->issue_keep_names = d.issue_keep_names; break;
    case KEY_COUNT: break;
    }
}

typedef struct {
    const char *path;
    char *out;
    size_t cap, len;
    bool any;
} problems;

/* Appends one line; a text that does not fit is cut, always terminated. */
static void report(problems *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(problems *p, unsigned line, const char *fmt, ...)
{
    p->any = true;
    if (!p->out || p->cap == 0 || p->len + 1 >= p->cap)
        return;
    int n = line ? snprintf(p->out + p->len, p->cap - p->len, "%s:%u: ", p->path, line)
                 : snprintf(p->out + p->len, p->cap - p->len, "%s: ", p->path);
    if (n > 0)
        p->len += (size_t)n < p->cap - p->len ? (size_t)n : p->cap - p->len - 1;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(p->out + p->len, p->cap - p->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n < p->cap - p->len ? (size_t)n : p->cap - p->len - 1;
    if (p->len + 1 < p->cap) {
        p->out[p->len++] = '\n';
        p->out[p->len] = '\0';
    }
}

/* Index of v in names, or -1. */
static int find_word(const char *v, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return (int)i;
    return -1;
}

/* Digits only: a sign, blanks, a unit or an exponent is refused rather than
 * half-read, and the length cap keeps the sum far from overflow. */
static bool parse_uint(const char *v, unsigned max, unsigned *out)
{
    size_t len = strlen(v);
    if (len == 0 || len > 9)
        return false;
    unsigned n = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        n = n * 10 + (unsigned)(v[i] - '0');
    }
    if (n > max)
        return false;
    *out = n;
    return true;
}

/* Only an argon2id string that libsodium can read: an argon2i or scrypt
 * hash, or a PIN pasted in clear, would otherwise lock out (or let in)
 * whoever the operator did not mean. */
static bool pin_hash_valid(const char *v)
{
    static const char prefix[] = "$argon2id$";
    if (strncmp(v, prefix, sizeof prefix - 1) != 0 || strlen(v) >= CONFIG_PIN_HASH_BYTES)
        return false;
    if (sodium_init() < 0)
        return false;
    return crypto_pwhash_str_needs_rehash(v, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) >= 0;
}

/* Sets key k from v; on a bad value, says what is expected and changes
 * nothing. */
static const char *set_key(kiosk_config *cfg, config_key k, const char *v, problems *p,
                           unsigned line)
{
    int i;
    unsigned n;
    switch (k) {
    case KEY_MODE:
        if ((i = find_word(v, mode_names, COUNT(mode_names))) < 0)
            return "verify, checkin, match, access or issue";
        cfg->mode = (kiosk_mode)i;
        if (cfg->mode == MODE_ISSUE)
            report(p, line, "warning: mode issue: issuing is started from admin; the kiosk "
                            "verifies meanwhile");
        return NULL;
    case KEY_LANGUAGE:
        if ((i = find_word(v, language_names, COUNT(language_names))) < 0)
            return "en, es, fr or de";
        cfg->language = (kiosk_language)i;
        return NULL;
    case KEY_STALE_POLICY:
        if ((i = find_word(v, stale_names, COUNT(stale_names))) < 0)
            return "decide, undecided or refuse";
        cfg->stale_policy = (kiosk_stale_policy)i;
        return NULL;
    case KEY_VERDICT_SECONDS:
        if (!parse_uint(v, CONFIG_MAX_VERDICT_SECONDS, &n) || n < 1)
            return "1..60";
        cfg->verdict_seconds = n;
        return NULL;
    case KEY_SOUNDS:
        if ((i = find_word(v, on_off, COUNT(on_off))) < 0)
            return "on or off";
        cfg->sounds = i == 1;
        return NULL;
    case KEY_VOLUME:
        if (!parse_uint(v, 100, &n))
            return "0..100";
        cfg->volume = n;
        return NULL;
    case KEY_ADMIN_PIN_HASH:
        if (!pin_hash_valid(v))
            return "an argon2id crypto_pwhash_str string";
        memcpy(cfg->admin_pin_hash, v, strlen(v) + 1);
        return NULL;
    case KEY_WIDTH:
    case KEY_HEIGHT:
        if (!parse_uint(v, CONFIG_MAX_SIDE, &n) || (n != 0 && n < CONFIG_MIN_SIDE))
            return "0 or 160..8192";
        *(k == KEY_WIDTH ? &cfg->width : &cfg->height) = (int)n;
        return NULL;
    case KEY_FULLSCREEN:
        if ((i = find_word(v, no_yes, COUNT(no_yes))) < 0)
            return "yes or no";
        cfg->fullscreen = i == 1;
        return NULL;
    case KEY_EVENT:
        if (!config_event_id_ok(v))
            return "1..64 of letters, digits and . _ - :";
        memcpy(cfg->event, v, strlen(v) + 1);
        return NULL;
    case KEY_KIOSK_ID:
        if (strlen(v) >= sizeof cfg->kiosk_id)
            return "up to 64 characters";
        memcpy(cfg->kiosk_id, v, strlen(v) + 1);
        return NULL;
    case KEY_RETENTION_DAYS:
        if (!parse_uint(v, CONFIG_MAX_RETENTION_DAYS, &n))
            return "0..36500";
        cfg->retention_days = n;
        return NULL;
    case KEY_GPIO_CHIP:
        /* gpiochipN, or a path under /dev */
        if (strlen(v) >= sizeof cfg->gpio_chip || strpbrk(v, " \t") ||
            !((strncmp(v, "gpiochip", 8) == 0 && parse_uint(v + 8, 1023, &n)) ||
              strncmp(v, "/dev/", 5) == 0))
            return "gpiochipN or a /dev path";
        memcpy(cfg->gpio_chip, v, strlen(v) + 1);
        return NULL;
    case KEY_GPIO_RELAY:
    case KEY_GPIO_GREEN:
    case KEY_GPIO_RED:
    case KEY_GPIO_BUZZER:
        if (strcmp(v, "none") == 0)
            n = (unsigned)-1;
        else if (!parse_uint(v, CONFIG_MAX_GPIO_LINE, &n))
            return "none or a line number 0..1023";
        cfg->gpio_line[k - KEY_GPIO_RELAY] = (int)n;
        return NULL;
    case KEY_RELAY_ACTIVE_LOW:
        if ((i = find_word(v, no_yes, COUNT(no_yes))) < 0)
            return "yes or no";
        cfg->relay_active_low = i == 1;
        return NULL;
    case KEY_DOOR_OPEN_SECONDS:
        if (!parse_uint(v, 60, &n) || n < 1)
            return "1..60";
        cfg->door_open_seconds = n;
        return NULL;
    case KEY_ROLES_DIR:
    case KEY_SKILLS_TABLE:
    case KEY_ACCESS_LIST: {
        char *dst = k == KEY_ROLES_DIR      ? cfg->roles_dir
                    : k == KEY_SKILLS_TABLE ? cfg->skills_table
                                            : cfg->access_list;
        if (v[0] != '/' || strlen(v) >= CONFIG_MAX_PATH)
            return "an absolute path";
        memcpy(dst, v, strlen(v) + 1);
        return NULL;
    }
    case KEY_MATCH_SESSION_SECONDS:
        if (!parse_uint(v, 3600, &n) || n < 10)
            return "10..3600";
        cfg->match_session_seconds = n;
        return NULL;
    case KEY_DOOR_NAME:
        if (strlen(v) > CONFIG_KIOSK_ID_MAX)
            return "up to 64 characters";
        memcpy(cfg->door_name, v, strlen(v) + 1);
        return NULL;
    case KEY_ISSUE_KEY:
    case KEY_TEMPLATES_DIR: {
        char *dst = k == KEY_ISSUE_KEY ? cfg->issue_key : cfg->templates_dir;
        if (v[0] != '/' || strlen(v) >= CONFIG_MAX_PATH)
            return "an absolute path";
        memcpy(dst, v, strlen(v) + 1);
        return NULL;
    }
    case KEY_ISSUE_ISS:
        /* it goes into every credential and must equal the bundle's iss:
         * printable ASCII, no blanks, so that a typo shows */
        for (const char *c = v; *c; c++)
            if (*c <= ' ' || *c > '~')
                return "the issuer's id, e.g. https://academy.example";
        if (!strchr(v, ':') || strlen(v) >= CONFIG_MAX_PATH)
            return "the issuer's id, e.g. https://academy.example";
        memcpy(cfg->issue_iss, v, strlen(v) + 1);
        return NULL;
    case KEY_ISSUE_LOCK_MINUTES:
        if (!parse_uint(v, CONFIG_MAX_LOCK_MINUTES, &n) || n < 1)
            return "1..240";
        cfg->issue_lock_minutes = n;
        return NULL;
    case KEY_ISSUE_KEEP_NAMES:
        if ((i = find_word(v, no_yes, COUNT(no_yes))) < 0)
            return "yes or no";
        cfg->issue_keep_names = i == 1;
        return NULL;
    case KEY_COUNT:
        break;
    }
    return "a known key";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks at both ends, in place. */
static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* text is one line, without its line end; it holds no NUL. */
static void parse_line(kiosk_config *cfg, char *text, unsigned line, unsigned first_seen[KEY_COUNT],
                       problems *p)
{
    /* A control character (an escape sequence, a stray CR) is refused:
     * problems are printed to a terminal and on the screen. */
    for (const char *c = text; *c; c++) {
        if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
            report(p, line, "control character 0x%02x; line ignored", (unsigned char)*c);
            return;
        }
    }
    char *s = trim(text);
    if (*s == '\0' || *s == '#')
        return;
    char *eq = strchr(s, '=');
    if (!eq) {
        report(p, line, "expected `key = value`");
        return;
    }
    *eq = '\0';
    char *key = trim(s);
    char *val = trim(eq + 1);
    int k = find_word(key, key_names, KEY_COUNT);
    if (k < 0) {
        report(p, line, "unknown key '%.40s'", key);
        return;
    }
    if (first_seen[k]) {
        /* Which of the two was meant cannot be known: back to the default. */
        report(p, line, "duplicate key %s (first on line %u); using its default", key,
               first_seen[k]);
        reset_key(cfg, (config_key)k);
        return;
    }
    first_seen[k] = line;
    const char *expected = set_key(cfg, (config_key)k, val, p, line);
    if (expected)
        report(p, line, "bad value '%.40s' for %s (expected %s); using its default", val, key,
               expected);
}

bool config_load(const char *path, kiosk_config *cfg, char *problems_out, size_t cap)
{
    config_defaults(cfg);
    problems p = {path, problems_out, cap, 0, false};
    if (problems_out && cap)
        problems_out[0] = '\0';

    FILE *f = fopen(path, "rb");
    if (!f) {
        report(&p, 0, "cannot open (%s); every setting at its default", strerror(errno));
        return false;
    }
    unsigned first_seen[KEY_COUNT] = {0};
    unsigned line = 1;
    int c;
    /* First pass: a NUL byte means the file is not text (an image, a
     * bundle saved under the wrong name); none of it is taken as settings. */
    while ((c = getc(f)) != EOF && c != 0)
        line += c == '\n' && line < UINT_MAX;
    if (c == 0) {
        report(&p, line, "not a text file (a NUL byte); nothing in it is used");
        fclose(f);
        return false;
    }
    if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
        report(&p, 0, "cannot read (%s); every setting at its default", strerror(errno));
        fclose(f);
        return false;
    }
    /* The line, its CR if any, and a NUL. */
    char buf[CONFIG_MAX_LINE + 2];
    size_t n = 0; /* bytes of this line, stored or not */
    line = 1;
    for (;;) {
        c = getc(f);
        if (c != EOF && c != '\n') {
            if (n < sizeof buf - 1)
                buf[n] = (char)c;
            n++;
            continue;
        }
        if (c == EOF && n == 0)
            break;
        /* One CR before the LF belongs to the line end (CRLF files). */
        size_t len = n;
        if (len > 0 && len <= sizeof buf - 1 && buf[len - 1] == '\r')
            len--;
        if (len > CONFIG_MAX_LINE) {
            report(&p, line, "line too long (over %d bytes); ignored", CONFIG_MAX_LINE);
        } else {
            buf[len] = '\0';
            char *text = buf;
            /* A UTF-8 byte order mark, as some editors write. */
            if (line == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
                text += 3;
            parse_line(cfg, text, line, first_seen, &p);
        }
        if (c == EOF)
            break;
        n = 0;
        if (line < UINT_MAX)
            line++;
    }
    if (ferror(f))
        report(&p, line, "cannot read (%s); the rest is ignored", strerror(errno));
    fclose(f);
    return !p.any;
}

bool config_pin_hash(const char *pin, char out[CONFIG_PIN_HASH_BYTES])
{
    sodium_memzero(out, CONFIG_PIN_HASH_BYTES);
    if (!pin || pin[0] == '\0' || strnlen(pin, CONFIG_MAX_PIN + 1) > CONFIG_MAX_PIN)
        return false;
    if (sodium_init() < 0)
        return false;
    if (crypto_pwhash_str_alg(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_memzero(out, CONFIG_PIN_HASH_BYTES);
        return false;
    }
    return true;
}

bool config_pin_ok(const kiosk_config *cfg, const char *pin)
{
    /* No hash set means no admin access: fail closed, never "any PIN". */
    if (!cfg || cfg->admin_pin_hash[0] == '\0')
        return false;
    if (strnlen(cfg->admin_pin_hash, CONFIG_PIN_HASH_BYTES) >= CONFIG_PIN_HASH_BYTES)
        return false;
    if (!pin || pin[0] == '\0' || strnlen(pin, CONFIG_MAX_PIN + 1) > CONFIG_MAX_PIN)
        return false;
    if (sodium_init() < 0)
        return false;
    return crypto_pwhash_str_verify(cfg->admin_pin_hash, pin, strlen(pin)) == 0;
}
