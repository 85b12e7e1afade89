/*
 * issue_mode.h: staff issue credentials on the kiosk (after a workshop,
 * with no internet), behind the admin PIN: admin's "Issue credentials"
 * (key 6) opens it.
 *
 * The screens, in order:
 *   SCREEN_ISSUE_UNLOCK    the issuer key's passphrase, on the on-screen
 *                          keyboard (dots) or a USB keyboard; the sealed key
 *                          file of the settings (issue_key) is opened with
 *                          keyseal into a sodium_malloc'ed buffer. A wrong
 *                          passphrase is said; ISSUE_MAX_TRIES wrong ones
 *                          lock unlocking for ISSUE_LOCK_MS. An unsealed key
 *                          file is refused: a stolen kiosk must not give
 *                          the key away.
 *   SCREEN_ISSUE_TEMPLATE  the *.tmpl files of templates_dir (the build's
 *                          assets/templates by default), as large buttons
 *                          by title, ISSUE_PAGE a page (keys 1-6, arrows
 *                          or the page buttons); a template that does not
 *                          parse is greyed, and a press shows its error.
 *   SCREEN_ISSUE_NAME      the learner's name on the on-screen keyboard
 *                          (accents) or a USB keyboard; empty is refused.
 *   SCREEN_ISSUE_CONFIRM   name, title, awarder, expiry; Issue (Enter) or
 *                          Back (Esc).
 *   SCREEN_ISSUE_QR        the credential's QR code (ECC M, quiet zone 4)
 *                          as large as the screen allows, the name and the
 *                          title beside it (below on a narrow screen), and
 *                          whether the PNG went to the USB stick; Done
 *                          goes back to the name for the next learner, the
 *                          template kept, and the name wiped.
 *
 * Issuing: tess_issue with iat = the kiosk's time (--at in tests), exp from
 * the template's validity, 16 random bytes of cti, holder = the name, iss =
 * issue_iss. Then, when a folder is at --usb-mount, the QR code as PNG in
 * MOUNT/tessera/issued/<YYYY-MM-DD>-<first 8 hex of cti>.png (written to a
 * temporary name, fsynced, renamed: a stick pulled mid-write leaves no
 * half file under that name), and the store's issued row
 * (tess_store_issued_record: no name unless issue_keep_names = yes).
 *
 * The secret key is wiped and freed (keyseal_secret_free) after
 * issue_lock_minutes without input (then the screen is idle), when issue
 * mode is left, and at exit (issue_close). For tests only, the kiosk's
 * hidden option --issue-lock-ms MS sets that idle time in milliseconds.
 *
 * JSON lines on stdout: {"issue_mode":EVENT} with EVENT one of "unlock",
 * "refused" (with "reason"), "wrong_passphrase" (with "tries"), "locked",
 * "unlocked", "template" (with "template"), "bad_template", "name_empty",
 * "error" (with "reason"), "lock" (with "reason": idle, leave, exit); and per
 * credential {"issued":{iss, holder, title, achievement, awarder, template,
 * cti (hex), iat, exp or null, kiosk, text}, "png": path or null}. The
 * passphrase is never printed.
 */
#ifndef TESS_KIOSK_ISSUE_MODE_H
#define TESS_KIOSK_ISSUE_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "osk.h"
#include "qr_render.h"
#include "tessera/tess_verify.h"

#define ISSUE_MAX_TRIES 5u
#define ISSUE_LOCK_MS 60000u
#define ISSUE_PAGE 6
/* Templates listed: a folder of a few dozen courses at most. */
#define ISSUE_MAX_TEMPLATES 60
/* Bytes of a learner's name (the format allows 512; a QR code that a
 * phone reads at arm's length wants it short). */
#define ISSUE_MAX_NAME 120u
#define ISSUE_FIELD 256

typedef struct {
    char file[ISSUE_FIELD];      /* the file name, in templates_dir */
    char title[ISSUE_FIELD];     /* its title, or the file name when bad */
    char error[ISSUE_FIELD];     /* "" when it parses */
} issue_template;

typedef struct {
    osk kb;                      /* the passphrase or the name */
    uint8_t *sk;                 /* NULL, or the unlocked key (sodium_malloc) */
    bool refused;                /* the key file is not usable here */
    unsigned wrong;              /* wrong passphrases in a row */
    bool locked;
    uint32_t locked_until_ms;
    const char *msg;             /* a msgid said on the screen, or NULL */
    char detail[512];            /* said under msg, as is (not translated) */
    uint32_t last_input_ms;
    uint32_t lock_ms;            /* --issue-lock-ms (tests); 0: the settings' */
    /* templates */
    issue_template *list;        /* n_list of them (malloc), NULL when not listed */
    int n_list, page, chosen;    /* chosen: -1 none */
    /* the chosen one, parsed: a tmpl (template.h) from malloc, or NULL;
     * opaque here, so that kiosk.h's readers do not get template.h's names */
    void *tpl;
    /* the credential on screen (confirm, QR): copies, wiped on leaving */
    char holder[ISSUE_MAX_NAME + 1];
    char title[ISSUE_FIELD], awarder[ISSUE_FIELD];
    bool has_exp;
    uint64_t exp;
    char text[TESS_MAX_TEXT + 8];
    qr_code qr;
    enum { ISSUE_PNG_NO_STICK = 0, ISSUE_PNG_SAVED, ISSUE_PNG_FAILED } png;
    char png_note[600];          /* the PNG's path, or why it failed (as is) */
    bool recorded;               /* the store has its row */
    unsigned issued;             /* so far, for screenshots */
} kiosk_issue;

struct kiosk;
struct kiosk_gfx;

/* Whether s is one of issue mode's screens. */
bool issue_screen(int s);
/* Whether the settings let issue mode open (issue_key and issue_iss set). */
bool issue_ready(const struct kiosk *k);
/* Admin's button: opens the unlock screen, or says in admin's result why
 * issue mode is not set up. */
void issue_enter(struct kiosk *k, uint32_t now_ms);
/* An event on an issue screen (always used). */
bool issue_event(struct kiosk *k, const SDL_Event *e, uint32_t now_ms);
/* Time passes: the idle lock and the passphrase lock. */
void issue_update(struct kiosk *k, uint32_t now_ms);
uint32_t issue_due_in(const struct kiosk *k, uint32_t now_ms);
/* Wipes and frees the key and every copy (exit). */
void issue_close(struct kiosk *k);
/* draw.c: draws the issue screen shown, and what makes a new screenshot. */
void issue_draw(struct kiosk_gfx *g, const struct kiosk *k);
unsigned long issue_shot_key(const struct kiosk *k);

#endif
