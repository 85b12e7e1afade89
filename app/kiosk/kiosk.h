/*
 * kiosk.h: the kiosk is one loop over one state (STYLE.md rule 9).
 *
 * Each turn of the loop polls the inputs (inputs.c), updates this state
 * (kiosk.c), and draws purely from it (draw.c). Nothing but this struct
 * says what is on the screen: draw.c reads it and never changes it.
 *
 * What is shown of a credential is a copy in fixed buffers, so that the
 * holder's data can be wiped (memset) when the verdict leaves the screen;
 * the verifier's own buffers are wiped at the same time.
 *
 * A camera (--camera /dev/videoN, or --camera-frames DIR: a folder played
 * as one) turns the idle screen into a live preview: the latest frame is
 * kept here (preview), every frame the loop keeps up with goes to the
 * scanner (region of interest: the centre CAMERA_ROI_PCT of the frame,
 * where the guide is drawn), and a code found is queued like a text. A
 * camera that cannot be opened or is lost is said on the idle screen and
 * tried again every CAMERA_RETRY_MS; it never ends the process.
 *
 * Does not: record check-ins, play sounds, drive GPIO (later modes).
 */
#ifndef TESS_KIOSK_H
#define TESS_KIOSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frames.h"
#include "scanner.h"
#include "config.h"
#include "evdev.h"
#include "state.h"
#include "store.h"
#include "access.h"
#include "admin.h"
#include "issue_mode.h"
#include "tessera/tess_verify.h"

/* Display limits: a longer field is cut (at a UTF-8 boundary) on screen;
 * the JSON line always carries the whole field. */
#define K_FIELD 160
#define K_SKILLS 6
#define K_SKILL 64
/* Pathways named on the details screen. */
#define K_PATHS 4
/* A BCP 47 tag as the credential gives it (RFC 5646: 35 is enough). */
#define K_LANG 36
#define K_INPUT_NAME 256
/* Inputs waiting for their verdict: a handheld scanner and the pace never
 * get near it; more are dropped, with a message. */
#define K_QUEUE 8
/* A line longer than any MC1 text is still judged (too_large): keep one
 * byte past TESS_MAX_TEXT so the core sees it is too long. */
#define K_TEXT (TESS_MAX_TEXT + 2)
/* The same credential read again within this time counts once. */
#define K_DEDUP_MS 5000u
#define K_DEDUP_SLOTS 8
/* The camera: the scanner looks at the centre of the frame (a badge held
 * at the guide), a lost camera is tried again once a second, and with no
 * frame ready the loop waits a few ms rather than spin. */
#define CAMERA_ROI_PCT 60
#define CAMERA_RETRY_MS 1000u
#define CAMERA_AGAIN_MS 5u
/* The most one look at the camera blocks the loop (under a 60 Hz frame). */
#define CAMERA_WAIT_MS 8

typedef enum {
    SCREEN_IDLE = 0,
    SCREEN_VERDICT,
    SCREEN_DETAILS,
    SCREEN_MATCH,        /* match: the candidate's session (match_mode.h) */
    SCREEN_MATCH_ROLES,  /* match: staff choose the role */
    SCREEN_MATCH_CONSENT, /* match: may the employer keep your contact? */
    SCREEN_MATCH_CONTACT, /* match: the candidate types it */
    SCREEN_PIN,          /* admin: the PIN is asked (admin.h) */
    SCREEN_ADMIN,        /* admin: the four buttons */
    SCREEN_ADMIN_STATE,  /* admin: the trust in force */
    SCREEN_NOTICE,       /* admin: a message, then idle by itself */
    SCREEN_ISSUE_UNLOCK,   /* issue: the issuer key's passphrase (issue_mode.h) */
    SCREEN_ISSUE_TEMPLATE, /* issue: the credential templates */
    SCREEN_ISSUE_NAME,     /* issue: the learner's name */
    SCREEN_ISSUE_CONFIRM,  /* issue: name, title, awarder, expiry */
    SCREEN_ISSUE_QR        /* issue: the credential's QR code */
} kiosk_screen;
/* DUPLICATE: check-in mode, a valid badge already checked in. */
typedef enum { TONE_VALID = 0, TONE_INVALID, TONE_UNDECIDED, TONE_DUPLICATE } kiosk_tone;

/* The last verdict, as shown: copies, wiped when it leaves the screen. */
typedef struct {
    tess_status reason;
    unsigned warnings;
    kiosk_tone tone;
    bool has_cred;               /* signature and claims held */
    char holder[K_FIELD];
    char title[K_FIELD];
    char awarder[K_FIELD];
    char issuer[K_FIELD];
    uint64_t iat;
    bool has_exp;
    uint64_t exp;
    size_t n_skills;             /* shown, at most K_SKILLS */
    size_t more_skills;          /* not shown */
    char skills[K_SKILLS][K_SKILL];
    bool has_eqf;
    uint64_t eqf;
    char lang[K_LANG];           /* the credential's lang, "" when none */
    /* check-in mode (checkin.h) */
    tess_checkin_kind checkin;   /* NONE outside check-in mode */
    uint64_t first_time;         /* a duplicate: the first check-in */
    char first_kiosk[TESS_KIOSK_ID_MAX + 1];
    bool name_kept;              /* this event keeps the holder's name */
    /* access mode (access_mode.h): the door's decision */
    enum { ACCESS_SHOWN_NONE = 0, ACCESS_SHOWN_ENTER, ACCESS_SHOWN_NOT_LISTED,
           ACCESS_SHOWN_REFUSED } access;
    tess_status access_reason;   /* REFUSED: why the badge does not count */
    /* verify mode: the bundle's pathways this badge counts toward */
    size_t n_paths;
    struct {
        char title[K_FIELD];
        unsigned met, needed;
    } paths[K_PATHS];
} kiosk_shown;

typedef struct {
    char text[K_TEXT];
    size_t len;
    char name[K_INPUT_NAME];     /* "text:LINE", an image's name, "keyboard" */
} kiosk_input;

typedef struct kiosk {
    /* configuration (options) */
    const char *state_dir, *texts_path, *frames_dir, *shot_dir;
    uint32_t pace_ms, verdict_ms;
    int width, height;
    bool window, exit_when_done, details, have_at, mute;
    uint64_t at;
    int volume;                  /* 0..100 */
    const char *config_path;
    kiosk_config cfg;            /* the file's settings, or safe defaults */
    char config_problem[256];    /* the first problem in the file, shown on idle */
    bool set_verdict_ms, set_volume, set_size;
    kiosk_language lang;         /* on screen: --lang, else the file's; L or a tap changes it */
    bool set_lang;

    /* trust in force */
    kiosk_state ks;
    char publisher[K_FIELD];
    uint64_t bundle_issued_at, bundle_expires, floor;
    uint64_t floor_written;

    /* input sources */
    FILE *texts;
    unsigned text_line;
    frame_source *frames;
    scanner *scan;
    bool sources_done;           /* every file and folder read to its end */
    uint32_t next_input_ms;
    const char *scanner_path;    /* --scanner: an evdev device, or "auto" */
    char scanner_dev[256];       /* the device in use */
    int scanner_fd;              /* -1: none (or lost, reopened by the poll) */
    uint32_t scanner_retry_ms;
    wedge_decoder wedge;
    char keys[K_TEXT];           /* a handheld scanner typing, up to Enter */
    size_t keys_len;
    /* the camera: --camera DEV, or --camera-frames DIR (looped; played
     * once with --exit-when-done) */
    const char *camera_path, *camera_frames;
    frame_source *camera;        /* NULL: not open (tried again) */
    bool camera_lost;            /* said on the idle screen */
    char camera_why[300];        /* the reason last logged while lost */
    int scan_w, scan_h;          /* the frame size the scanner's roi is for */
    uint8_t *preview;            /* the latest frame, grey, preview_w wide */
    size_t preview_cap;
    int preview_w, preview_h;
    unsigned preview_seq;        /* counts frames kept: a new one is drawn */

    /* the input queue: a ring */
    kiosk_input queue[K_QUEUE];
    unsigned q_head, q_count;

    /* recently seen texts (FNV-1a hashes), for the 5 s rule */
    uint64_t seen_hash[K_DEDUP_SLOTS];
    uint32_t seen_ms[K_DEDUP_SLOTS];
    bool seen_used[K_DEDUP_SLOTS];

    /* what is on screen */
    kiosk_screen screen;
    uint32_t screen_since_ms;
    kiosk_shown shown;
    uint64_t now;                /* the clock, Unix seconds, for the idle screen */
    bool clock_behind;           /* the clock is behind the state's floor */
    unsigned verdicts;           /* shown so far */
    bool dirty;                  /* the screen must be drawn again */
    unsigned shot_no;
    bool running;
    int exit_code;
    bool virtual_clock; /* --virtual-clock: ticks() moves only while waiting */
    uint32_t virtual_ms;
    uint32_t start_ms, run_ms;   /* --run-ms: the run ends after run_ms (0: never) */

    /* admin: the PIN screen, the admin screens, the --keys script */
    kiosk_admin admin;
    /* no bundle installed yet: "not ready" on screen, the state looked at
     * again every 2 s, nothing judged */
    bool unprovisioned, no_bundle_yet;
    uint32_t provision_check_ms;
    /* match mode (match_mode.h): roles, labels, the candidate's session */
    struct kiosk_match *match;
    /* access mode (access_mode.h): the door's list */
    access_list *access;
    /* the log and check-in (checkin.h) */
    tess_store *store;
    char store_problem[300];     /* "" while recording works */
    tess_event event;            /* check-in mode: the event */
    bool have_event;
    tess_counts counts;          /* the event's, for the idle screen */
    uint64_t store_retry_at, purge_at;
    unsigned store_idle_at;      /* verdicts when the WAL was last looked at */
    /* lights, buzzer, door relay (gpio.h); NULL without GPIO */
    struct kiosk_gpio *gpio;
    const char *gpio_chip;       /* --gpio CHIP (sim:FILE in tests), over the file's */
    int screen_w, screen_h;      /* the renderer's size, for taps on buttons */
    /* issue mode (issue_mode.h): the unlocked key, the screens' state */
    kiosk_issue issue;

    /* the verifier's working memory (about 60 KB), wiped with the copies */
    tess_verifier verifier;
    tess_verdict verdict;
} kiosk;

/* inputs.c */
/* Opens the texts file and the frames folder named by the options; false
 * with a message on stderr when one cannot be opened. */
bool inputs_open(kiosk *k);
void inputs_close(kiosk *k);
/* Polls SDL events and, when due at now_ms, the next text or frame: what
 * is read goes into the queue. Handles quit, and taps and keys that move
 * between screens. */
void inputs_poll(kiosk *k, uint32_t now_ms);
/* Milliseconds until inputs_poll has something to read (UINT32_MAX: never). */
uint32_t inputs_due_in(const kiosk *k, uint32_t now_ms);
bool kiosk_enqueue(kiosk *k, const char *text, size_t len, const char *name);
/* True with --camera or --camera-frames. */
bool kiosk_has_camera(const kiosk *k);
/* A tap or key on the verdict screen: the details (or back to idle). */
/* A press (a mouse button not made from a touch, or a finger) as renderer
 * pixels; false for any other event. */
bool kiosk_press_at(const kiosk *k, const SDL_Event *e, int *x, int *y);
void kiosk_tap(kiosk *k, uint32_t now_ms);

/* kiosk.c: loads the trust in force from state_dir into k (publisher,
 * dates, floor). False with a message on stderr; k->ks is then closed. */
bool kiosk_load_trust(kiosk *k);
void kiosk_set_screen(kiosk *k, kiosk_screen s, uint32_t now_ms);
/* Wipes the shown verdict and the verifier's memory. */
void kiosk_wipe_verdict(kiosk *k);

/* draw.c: resources (not state) and the screens. */
typedef struct kiosk_gfx kiosk_gfx;
kiosk_gfx *gfx_open(const kiosk *k, char *err, size_t cap);
void gfx_close(kiosk_gfx *g);
/* Draws the screen from k alone, then presents it; with a screenshot
 * folder, writes NNNN-<screen>.png of what was drawn first. False on a
 * screenshot that could not be written. */
bool gfx_draw(kiosk_gfx *g, const kiosk *k);
const char *kiosk_screen_name(kiosk_screen s);
/* True when (x, y), in renderer pixels, is on the idle screen's language
 * label as last drawn. */
bool gfx_hits_language(const kiosk_gfx *g, int x, int y);
/* The renderer's size in pixels. */
void gfx_size(const kiosk_gfx *g, int *w, int *h);
/* A sentence for people, for every reason, in English: the screens show
 * its translation (i18n.h). */
const char *kiosk_reason_words(tess_status reason);

#endif
