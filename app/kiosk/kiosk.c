/*
 * tessera-kiosk: the verify mode of the kiosk. One loop over one state:
 * poll the inputs, update the state, draw from the state.
 *
 * Every verdict is one JSON line on stdout (the fields of
 * `tessera verify --json`, plus "time" and "input"). A bad scan never ends
 * the process; a missing state, texts file or frames folder does, with
 * exit code 2, before any window opens.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>

#include "i18n.h"
#include "json.h"
#include "kiosk.h"
#include "checkin.h"
#include "gpio.h"
#include "match_mode.h"
#include "access_mode.h"
#include "notify.h"
#include "sound.h"

#define EXIT_USAGE 2

/* The compiled catalogues: the build folder's while it is there, else
 * where the package installs them (a kiosk built, installed, and its
 * build folder gone); $TESSERA_LOCALEDIR overrides both (i18n.h). */
#define TESS_INSTALLED_LOCALEDIR "/usr/share/locale"
#ifndef TESS_LOCALEDIR
#define TESS_LOCALEDIR TESS_INSTALLED_LOCALEDIR
#endif

static const char *locale_dir(void)
{
    struct stat st;
    return stat(TESS_LOCALEDIR "/es/LC_MESSAGES/tessera-kiosk.mo", &st) == 0
               ? TESS_LOCALEDIR
               : TESS_INSTALLED_LOCALEDIR;
}

/* memset through a volatile pointer: the compiler cannot drop a wipe of
 * memory it thinks is not read again. */
static void *(*volatile wipe)(void *, int, size_t) = memset;

static void usage(FILE *out)
{
    fputs("Usage: tessera-kiosk [--state DIR] [--texts FILE | --frames DIR | --camera DEV |\n"
          "         --camera-frames DIR] [--pace MS] [--run-ms MS]\n"
          "         [--verdict-ms MS] [--details] [--screenshot-dir DIR] [--exit-when-done]\n"
          "         [--volume 0-100] [--mute] [--config FILE] [--lang en|es|fr|de]\n"
          "         [--scanner DEV|auto] [--width W] [--height H] [--window] [--at T]\n"
          "         [--usb-mount DIR] [--keys FILE] [--gpio CHIP] [--virtual-clock]\n"
          "       tessera-kiosk --print-config | --hash-pin < PIN\n"
          "Shows a verdict for each credential read: from FILE (one text a line), from the\n"
          "images in DIR, or typed by a handheld scanner (Enter ends a text).\n"
          "--camera DEV reads a V4L2 camera (/dev/video0) and shows it on the idle screen;\n"
          "a Raspberry Pi CSI camera goes through libcamera's V4L2 compatibility layer:\n"
          "  libcamerify tessera-kiosk --camera /dev/video0 ...\n"
          "A camera that is not there is said on screen and tried again every second.\n"
          "--camera-frames DIR plays the images in DIR as a camera, one every --pace MS,\n"
          "looping (played once with --exit-when-done). --run-ms MS ends the run after MS.\n"
          "T is Unix seconds or YYYY-MM-DD (UTC); without --at, the system clock.\n"
          "--lang overrides the settings file's language; on screen, L or a tap on the\n"
          "language label cycles English, Spanish, French, German.\n"
          "Staff: Ctrl+Alt+A, or a touch held 3 s on the idle screen, asks for the admin\n"
          "PIN; admin installs a trust bundle from the USB stick at DIR (default\n"
          "/media/usb). --keys FILE plays a script of key presses (tests).\n"
          "--virtual-clock (tests): the kiosk's time moves only while it waits, so a\n"
          "script plays the same on a slow or emulated machine as on a fast one.\n"
          "--gpio CHIP drives the lights, buzzer and door relay of the settings file on\n"
          "CHIP (gpiochip0); sim:FILE logs their levels to FILE instead.\n",
          out);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Blanks, then 1 to `width` (at most 4) decimal digits at *p, then the
 * character `then` (0: the end of s); *p moves past them. As sscanf's
 * %<width>u was, but with no sign: it took '-' and wrapped, "-197" a year
 * past 4e9. */
static bool take_digits(const char **p, unsigned width, unsigned *out, char then)
{
    const char *q = *p;
    while (isspace((unsigned char)*q))
        q++;
    unsigned v = 0, n = 0;
    while (n < width && q[n] >= '0' && q[n] <= '9') {
        v = v * 10 + (unsigned)(q[n] - '0');
        n++;
    }
    if (n == 0 || q[n] != then)
        return false;
    *p = q + n + 1;
    *out = v;
    return true;
}

/* Unix seconds or YYYY-MM-DD (midnight UTC). */
static bool parse_time(const char *s, uint64_t *out)
{
    if (parse_u64(s, out))
        return true;
    unsigned y, m, d;
    const char *p = s;
    if (!s || !take_digits(&p, 4, &y, '-') || !take_digits(&p, 2, &m, '-') ||
        !take_digits(&p, 2, &d, '\0') || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *out = (uint64_t)days_from_civil(y, m, d) * 86400u;
    return true;
}

static bool parse_ms(const char *s, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(s, &v) || v > 3600000u)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Returns 0 on success, EXIT_USAGE (with a message) otherwise. */
static int parse_options(kiosk *k, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        uint64_t n;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(o, "--window") == 0) {
            k->window = true, takes = false;
        } else if (strcmp(o, "--exit-when-done") == 0) {
            k->exit_when_done = true, takes = false;
        } else if (strcmp(o, "--virtual-clock") == 0) {
            k->virtual_clock = true, takes = false;
        } else if (strcmp(o, "--details") == 0) {
            k->details = true, takes = false;
        } else if (strcmp(o, "--mute") == 0) {
            k->mute = true, takes = false;
        } else if (strcmp(o, "--print-config") == 0) {
            fputs(config_example, stdout);
            exit(0);
        } else if (strcmp(o, "--hash-pin") == 0) {
            /* The admin PIN's hash for the configuration file: the PIN is
             * read from standard input, never from the command line. */
            char pin[CONFIG_MAX_PIN + 2], hash[CONFIG_PIN_HASH_BYTES];
            bool ok = fgets(pin, sizeof pin, stdin) != NULL;
            if (ok)
                pin[strcspn(pin, "\r\n")] = '\0';
            ok = ok && pin[0] && config_pin_hash(pin, hash);
            wipe(pin, 0, sizeof pin);
            if (!ok) {
                fputs("tessera-kiosk: give a PIN of 1 to 64 characters on standard input\n",
                      stderr);
                exit(EXIT_USAGE);
            }
            printf("admin_pin_hash = %s\n", hash);
            exit(0);
        } else if (strcmp(o, "--config") == 0 && v) {
            k->config_path = v;
        } else if (!v) {
            fprintf(stderr, "tessera-kiosk: %s needs a value (or is unknown)\n", o);
            return EXIT_USAGE;
        } else if (strcmp(o, "--state") == 0) {
            k->state_dir = v;
        } else if (strcmp(o, "--texts") == 0) {
            k->texts_path = v;
        } else if (strcmp(o, "--frames") == 0) {
            k->frames_dir = v;
        } else if (strcmp(o, "--camera") == 0) {
            k->camera_path = v;
        } else if (strcmp(o, "--camera-frames") == 0) {
            k->camera_frames = v;
        } else if (strcmp(o, "--run-ms") == 0) {
            if (!parse_ms(v, &k->run_ms))
                goto bad;
        } else if (strcmp(o, "--usb-mount") == 0) {
            k->admin.usb_mount = v;
        } else if (strcmp(o, "--keys") == 0) {
            k->admin.keys_path = v;
        } else if (strcmp(o, "--scanner") == 0) {
            k->scanner_path = v;
        } else if (strcmp(o, "--screenshot-dir") == 0) {
            k->shot_dir = v;
        } else if (strcmp(o, "--pace") == 0) {
            if (!parse_ms(v, &k->pace_ms))
                goto bad;
        } else if (strcmp(o, "--verdict-ms") == 0) {
            if (!parse_ms(v, &k->verdict_ms))
                goto bad;
            k->set_verdict_ms = true;
        } else if (strcmp(o, "--width") == 0 || strcmp(o, "--height") == 0) {
            if (!parse_u64(v, &n) || n < 160 || n > 8192)
                goto bad;
            *(o[2] == 'w' ? &k->width : &k->height) = (int)n;
            k->set_size = true;
        } else if (strcmp(o, "--gpio") == 0) {
            k->gpio_chip = v;
        } else if (strcmp(o, "--issue-lock-ms") == 0) {
            /* for tests only (not in the usage): issue mode's idle lock in
             * ms instead of the settings' issue_lock_minutes */
            if (!parse_ms(v, &k->issue.lock_ms) || k->issue.lock_ms == 0)
                goto bad;
        } else if (strcmp(o, "--volume") == 0) {
            if (!parse_u64(v, &n) || n > 100)
                goto bad;
            k->volume = (int)n;
            k->set_volume = true;
        } else if (strcmp(o, "--lang") == 0) {
            if (!i18n_parse(v, &k->lang))
                goto bad;
            k->set_lang = true;
        } else if (strcmp(o, "--at") == 0) {
            if (!parse_time(v, &k->at))
                goto bad;
            k->have_at = true;
        } else {
            fprintf(stderr, "tessera-kiosk: unknown option '%s'\n", o);
            usage(stderr);
            return EXIT_USAGE;
        }
        if (takes)
            i++;
        continue;
    bad:
        fprintf(stderr, "tessera-kiosk: %s: '%s' is not a good value\n", o, v);
        return EXIT_USAGE;
    }
    if ((k->texts_path != NULL) + (k->frames_dir != NULL) + (k->camera_path != NULL) +
            (k->camera_frames != NULL) > 1) {
        fputs("tessera-kiosk: give one of --texts, --frames, --camera, --camera-frames\n",
              stderr);
        return EXIT_USAGE;
    }
    if (k->virtual_clock && !k->run_ms && !k->exit_when_done) {
        /* it never sleeps: without an end it would spin a core for ever */
        fputs("tessera-kiosk: --virtual-clock needs --run-ms or --exit-when-done\n", stderr);
        return EXIT_USAGE;
    }
    return 0;
}

static uint64_t wall_now(const kiosk *k)
{
    if (k->have_at)
        return k->at;
    time_t t = time(NULL);
    return t < 0 ? 0 : (uint64_t)t;
}

static void copy_span(char *dst, size_t cap, tess_span s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    /* cut at a character boundary, never inside a UTF-8 sequence */
    while (n > 0 && n < s.len && (s.ptr[n] & 0xC0) == 0x80)
        n--;
    if (n > 0) /* an absent field is an empty span with no pointer */
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static void print_verdict_json(const kiosk *k, const kiosk_input *in, uint64_t t)
{
    const tess_verdict *v = &k->verdict;
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_verdict_fields(&j, v);
    json_key(&j, "time");
    json_u64(&j, t);
    json_key(&j, "input");
    json_str(&j, in->name);
    checkin_json(&j, k);
    match_mode_json(&j, k);
    access_mode_json(&j, k);
    json_end_obj(&j);
    json_done(&j);
    fflush(stdout);
}

void kiosk_wipe_verdict(kiosk *k)
{
    wipe(&k->shown, 0, sizeof k->shown);
    wipe(&k->verdict, 0, sizeof k->verdict);
    wipe(&k->verifier, 0, sizeof k->verifier);
}

void kiosk_set_screen(kiosk *k, kiosk_screen s, uint32_t now_ms)
{
    k->screen = s;
    k->screen_since_ms = now_ms;
    k->dirty = true;
}

/* The 5 s rule: true when the same text was judged less than K_DEDUP_MS
 * ago (a QR code held in front of the camera is read on every frame). */
static bool seen_recently(kiosk *k, const char *text, size_t len, uint32_t now_ms)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)text[i]) * 1099511628211u;
    int free_slot = -1, oldest = 0;
    for (int i = 0; i < K_DEDUP_SLOTS; i++) {
        bool live = k->seen_used[i] && now_ms - k->seen_ms[i] < K_DEDUP_MS;
        if (live && k->seen_hash[i] == h) {
            k->seen_ms[i] = now_ms;
            return true;
        }
        if (!live && free_slot < 0)
            free_slot = i;
        if (k->seen_ms[i] < k->seen_ms[oldest])
            oldest = i;
    }
    int slot = free_slot >= 0 ? free_slot : oldest;
    k->seen_used[slot] = true;
    k->seen_hash[slot] = h;
    k->seen_ms[slot] = now_ms;
    return false;
}

static void judge(kiosk *k, const kiosk_input *in, uint32_t now_ms)
{
    if (k->unprovisioned) {
        fprintf(stderr, "tessera-kiosk: %s: not judged: no trust bundle is installed yet\n",
                in->name);
        return;
    }
    uint64_t t = wall_now(k);
    tess_clock clock = {t, k->have_at ? 0 : k->floor, TESS_DEFAULT_SKEW};
    kiosk_wipe_verdict(k);
    tess_status st = tess_verify(&k->verifier, in->text, in->len, &k->ks.bundle, &clock,
                                 &k->verdict);
    (void)st; /* the verdict holds the reason */

    /* The floor moves on with the clock (at most hourly: it is a write). */
    if (!k->have_at && !(k->verdict.warnings & TESS_WARN_CLOCK_UNCERTAIN) &&
        t > k->floor_written + 3600) {
        if (state_advance_floor(k->state_dir, t))
            k->floor_written = t;
        else
            fprintf(stderr, "tessera-kiosk: %s: the time floor could not be recorded\n",
                    k->state_dir);
    }

    kiosk_shown *s = &k->shown;
    const tess_verdict *v = &k->verdict;
    s->reason = v->reason;
    s->warnings = v->warnings;
    bool doubtful = v->warnings & (TESS_WARN_TRUST_STALE | TESS_WARN_CLOCK_UNCERTAIN);
    if (v->reason != TESS_OK)
        s->tone = TONE_INVALID;
    else if (doubtful && k->cfg.stale_policy == STALE_REFUSE)
        s->tone = TONE_INVALID;
    else if (doubtful && k->cfg.stale_policy == STALE_UNDECIDED)
        s->tone = TONE_UNDECIDED;
    else
        s->tone = TONE_VALID;
    /* access mode: the door's list decides, and the door opens or not */
    if (k->cfg.mode == MODE_ACCESS && k->access) {
        bool enter = s->tone == TONE_VALID && access_mode_decide(k, v, t, now_ms);
        if (s->tone == TONE_VALID && !enter)
            s->tone = TONE_INVALID;
        if (s->access == ACCESS_SHOWN_NONE)
            s->access = ACCESS_SHOWN_REFUSED; /* amber by policy: no entry */
        checkin_record_access(k, v, t, enter);
    } else {
        /* the log, and in check-in mode the check-in: a badge the kiosk
         * cannot decide on (or refuses by policy) is logged, never checked
         * in */
        checkin_record(k, v, t, s->tone == TONE_VALID);
    }
    if (s->checkin == TESS_CHECKIN_DUPLICATE)
        s->tone = TONE_DUPLICATE;
    /* the booth: the badge joins the candidate's session; elsewhere, the
     * pathways it counts toward for the details screen */
    if (k->cfg.mode == MODE_MATCH)
        match_mode_verdict(k, v, t, now_ms);
    else
        match_mode_badge_pathways(k, v, t);
    print_verdict_json(k, in, t);
    s->has_cred = v->has_cred;
    if (v->has_cred) {
        const tess_credential *cr = &v->cred;
        copy_span(s->holder, sizeof s->holder, cr->holder);
        copy_span(s->title, sizeof s->title, cr->title);
        copy_span(s->awarder, sizeof s->awarder, cr->awarder);
        copy_span(s->issuer, sizeof s->issuer, v->issuer.name);
        s->iat = cr->iat;
        s->has_exp = (cr->has & TESS_HAS_EXP) != 0;
        s->exp = cr->exp;
        s->n_skills = cr->n_skills < K_SKILLS ? cr->n_skills : K_SKILLS;
        s->more_skills = cr->n_skills - s->n_skills;
        for (size_t i = 0; i < s->n_skills; i++)
            copy_span(s->skills[i], K_SKILL, cr->skills[i]);
        s->has_eqf = (cr->has & TESS_HAS_EQF) != 0;
        s->eqf = cr->eqf;
        copy_span(s->lang, sizeof s->lang, cr->lang);
    }
    /* what the screen needs is copied: the verifier's copy goes now */
    wipe(&k->verdict, 0, sizeof k->verdict);
    wipe(&k->verifier, 0, sizeof k->verifier);
    k->verdicts++;
    /* an entry has its lights already (gpio_enter: green while open) */
    if (s->access != ACCESS_SHOWN_ENTER)
        gpio_signal_verdict(k->gpio, s->tone == TONE_VALID       ? GPIO_VALID
                                 : s->tone == TONE_INVALID   ? GPIO_INVALID
                                 : s->tone == TONE_DUPLICATE ? GPIO_DUPLICATE
                                                             : GPIO_UNDECIDED,
                        now_ms);
    kiosk_set_screen(k, k->cfg.mode == MODE_MATCH && k->match ? SCREEN_MATCH : SCREEN_VERDICT,
                     now_ms);
}

/* Window points to renderer pixels (a HiDPI screen has more), in 64 bits:
 * a scripted press far off the screen must not overflow. */
static int to_pixels(int v, int pixels, int points)
{
    int64_t p = points > 0 ? (int64_t)v * pixels / points : v;
    return p < INT_MIN ? INT_MIN : p > INT_MAX ? INT_MAX : (int)p;
}

bool kiosk_press_at(const kiosk *k, const SDL_Event *e, int *x, int *y)
{
    if (e->type == SDL_MOUSEBUTTONDOWN && e->button.which != SDL_TOUCH_MOUSEID) {
        int ww = k->screen_w, wh = k->screen_h;
        SDL_Window *win = SDL_GetWindowFromID(e->button.windowID);
        if (win)
            SDL_GetWindowSize(win, &ww, &wh);
        *x = to_pixels(e->button.x, k->screen_w, ww);
        *y = to_pixels(e->button.y, k->screen_h, wh);
        return true;
    }
    if (e->type == SDL_FINGERDOWN) {
        *x = (int)(e->tfinger.x * (float)k->screen_w);
        *y = (int)(e->tfinger.y * (float)k->screen_h);
        return true;
    }
    return false;
}

void kiosk_tap(kiosk *k, uint32_t now_ms)
{
    if (k->screen == SCREEN_VERDICT && k->shown.has_cred) {
        kiosk_set_screen(k, SCREEN_DETAILS, now_ms);
    } else if (k->screen != SCREEN_IDLE) {
        kiosk_wipe_verdict(k);
        kiosk_set_screen(k, SCREEN_IDLE, now_ms);
    }
}

bool kiosk_enqueue(kiosk *k, const char *text, size_t len, const char *name)
{
    if (k->q_count == K_QUEUE) {
        fprintf(stderr, "tessera-kiosk: %s: dropped, %d inputs already wait\n", name, K_QUEUE);
        return false;
    }
    kiosk_input *in = &k->queue[(k->q_head + k->q_count) % K_QUEUE];
    if (len > sizeof in->text - 1)
        len = sizeof in->text - 1; /* still longer than TESS_MAX_TEXT: too_large */
    memcpy(in->text, text, len);
    in->text[len] = '\0';
    in->len = len;
    snprintf(in->name, sizeof in->name, "%s", name);
    k->q_count++;
    return true;
}

/* The update step: time passes, queued inputs are judged. */
static void update(kiosk *k, uint32_t now_ms)
{
    uint64_t t = wall_now(k);
    if (t / 60 != k->now / 60)
        k->dirty = k->dirty || k->screen == SCREEN_IDLE; /* the idle clock line */
    k->now = t;
    bool behind = !k->have_at && t < k->floor;
    if (behind != k->clock_behind) {
        k->clock_behind = behind;
        k->dirty = true;
    }
    admin_update(k, now_ms);
    issue_update(k, now_ms);
    checkin_tick(k, t);
    /* not provisioned: the state is looked at again every 2 s */
    if (k->unprovisioned && (int32_t)(now_ms - k->provision_check_ms) >= 0) {
        k->provision_check_ms = now_ms + 2000;
        if (kiosk_load_trust(k)) {
            k->unprovisioned = false;
            k->dirty = true;
            fprintf(stderr, "tessera-kiosk: a trust bundle is installed: ready\n");
        }
    }
    match_mode_update(k, now_ms);
    /* a candidate typing a contact is not interrupted either */
    bool admin_open_now = k->screen >= SCREEN_PIN || k->screen == SCREEN_MATCH_CONSENT ||
                          k->screen == SCREEN_MATCH_CONTACT;
    /* while staff use admin, what is read waits in the queue */
    while (k->q_count > 0 && !admin_open_now) {
        kiosk_input *in = &k->queue[k->q_head];
        k->q_head = (k->q_head + 1) % K_QUEUE;
        k->q_count--;
        bool dup = seen_recently(k, in->text, in->len, now_ms);
        if (!dup)
            judge(k, in, now_ms);
        wipe(in, 0, sizeof *in);
        if (!dup)
            break; /* one verdict per turn: each is drawn */
    }
    if (k->screen == SCREEN_VERDICT && now_ms - k->screen_since_ms >= k->verdict_ms) {
        if (k->details && k->shown.has_cred) {
            kiosk_set_screen(k, SCREEN_DETAILS, now_ms);
        } else {
            kiosk_wipe_verdict(k);
            kiosk_set_screen(k, SCREEN_IDLE, now_ms);
        }
    } else if (k->screen == SCREEN_DETAILS && now_ms - k->screen_since_ms >= k->verdict_ms) {
        kiosk_wipe_verdict(k);
        kiosk_set_screen(k, SCREEN_IDLE, now_ms);
    }
    if (k->run_ms && now_ms - k->start_ms >= k->run_ms)
        k->running = false;
    /* done: every input judged and its screen out (in match mode the
     * session's screen is where the kiosk rests) */
    bool resting = k->screen == SCREEN_IDLE || (k->screen == SCREEN_MATCH && k->match);
    if (k->exit_when_done && k->sources_done && admin_keys_done(k) && k->q_count == 0 &&
        resting && !k->dirty)
        k->running = false;
}

/* Waits up to ms for an event. SDL_WaitEventTimeout cannot sleep on the
 * video drivers that have no event wait (dummy, and KMSDRM on a Pi, in SDL
 * 2.26): there it polls every millisecond, a few percent of a core while
 * the kiosk does nothing. Short sleeps between polls cost almost nothing
 * and add at most IDLE_SLICE_MS to a key or tap (SDL queues them). */
#define IDLE_SLICE_MS 20u

/* The kiosk's clock in ms: SDL's, or with --virtual-clock one that moves
 * only in idle_wait, by the whole wait, so that what a script shows does
 * not depend on how fast the machine draws, scans or verifies (valgrind,
 * qemu). The systemd watchdog keeps the real clock. */
static uint32_t ticks(const kiosk *k)
{
    return k->virtual_clock ? k->virtual_ms : SDL_GetTicks();
}

static void idle_wait(kiosk *k, uint32_t ms)
{
    if (k->virtual_clock) {
        SDL_PumpEvents();
        if (!SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            k->virtual_ms += ms;
        return;
    }
    uint32_t until = SDL_GetTicks() + ms;
    for (;;) {
        SDL_PumpEvents();
        if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            return;
        uint32_t now = SDL_GetTicks();
        if ((int32_t)(until - now) <= 0)
            return;
        uint32_t left = until - now;
        SDL_Delay(left < IDLE_SLICE_MS ? left : IDLE_SLICE_MS);
    }
}

static uint32_t wait_ms(const kiosk *k, uint32_t now_ms)
{
    uint32_t w = 1000; /* the idle screen's clock line */
    uint32_t in = inputs_due_in(k, now_ms);
    if (in < w)
        w = in;
    uint32_t adm = admin_due_in(k, now_ms);
    if (adm < w)
        w = adm;
    uint32_t iss = issue_due_in(k, now_ms);
    if (iss < w)
        w = iss;
    uint32_t mm = match_mode_due_in(k, now_ms);
    if (mm < w)
        w = mm;
    if (k->unprovisioned && w > 2000)
        w = 2000;
    if (k->run_ms) {
        uint32_t ran = now_ms - k->start_ms;
        uint32_t left = ran >= k->run_ms ? 0 : k->run_ms - ran;
        if (left < w)
            w = left;
    }
    if (k->screen == SCREEN_VERDICT || k->screen == SCREEN_DETAILS) {
        uint32_t shown = now_ms - k->screen_since_ms;
        uint32_t left = shown >= k->verdict_ms ? 0 : k->verdict_ms - shown;
        if (left < w)
            w = left;
    }
    return (k->q_count > 0 && k->screen < SCREEN_PIN) || k->dirty ? 0 : w;
}

bool kiosk_load_trust(kiosk *k)
{
    struct stat st;
    if (stat(k->state_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "tessera-kiosk: %s: no such state folder\n", k->state_dir);
        return false;
    }
    char err[1400];
    if (!state_load(&k->ks, k->state_dir, err, sizeof err)) {
        fprintf(stderr, "tessera-kiosk: %s\n", err);
        return false;
    }
    if (k->ks.generation == 0) {
        if (!k->unprovisioned)
            fprintf(stderr,
                    "tessera-kiosk: %s: no trust bundle is installed here yet (tessera bundle "
                    "install --root ROOT --state DIR FILE, or the provisioning stick)\n",
                    k->state_dir);
        state_close(&k->ks);
        k->no_bundle_yet = true;
        return false;
    }
    k->no_bundle_yet = false;
    copy_span(k->publisher, sizeof k->publisher, k->ks.bundle.publisher);
    k->bundle_issued_at = k->ks.bundle.issued_at;
    k->bundle_expires = k->ks.bundle.expires;
    k->floor = k->ks.floor;
    k->floor_written = k->ks.floor;
    return true;
}

/* The lights, buzzer and door relay of the settings file, on the chip of
 * --gpio or the file's; without them the kiosk runs on and says why. */
static void open_gpio(kiosk *k, uint32_t now_ms)
{
    const char *chip = k->gpio_chip ? k->gpio_chip : k->cfg.gpio_chip;
    if (!chip[0])
        return;
    gpio_cfg gc;
    memset(&gc, 0, sizeof gc);
    snprintf(gc.chip, sizeof gc.chip, "%s", chip);
    for (int i = 0; i < GPIO_LINES; i++)
        gc.pin[i] = k->cfg.gpio_line[i];
    gc.relay_active_low = k->cfg.relay_active_low;
    gc.relay_ms = k->cfg.door_open_seconds * 1000u;
    gc.hold_ms = k->verdict_ms < 1500 ? 1500 : k->verdict_ms;
    char err[512];
    k->gpio = gpio_open(&gc, now_ms, err, sizeof err);
    if (!k->gpio)
        fprintf(stderr, "tessera-kiosk: %s; no lights, buzzer or door relay\n", err);
}

/* The configuration file, under the command line: a bad file is reported
 * (stderr and the idle screen) and the kiosk goes on with safe defaults. */
static void apply_config(kiosk *k)
{
    if (k->config_path) {
        char problems[2048] = "";
        if (!config_load(k->config_path, &k->cfg, problems, sizeof problems)) {
            fprintf(stderr, "tessera-kiosk: configuration: %s", problems);
            if (problems[0] && problems[strlen(problems) - 1] != '\n')
                fputc('\n', stderr);
            size_t n = strcspn(problems, "\n");
            snprintf(k->config_problem, sizeof k->config_problem, "Settings: %.*s", (int)n,
                     problems);
        }
    }
    if (!k->set_verdict_ms)
        k->verdict_ms = k->cfg.verdict_seconds * 1000u;
    if (!k->set_volume)
        k->volume = (int)k->cfg.volume;
    if (!k->cfg.sounds)
        k->mute = true;
    if (!k->set_size && k->cfg.width && k->cfg.height) {
        k->width = k->cfg.width;
        k->height = k->cfg.height;
    }
    if (!k->cfg.fullscreen)
        k->window = true;
    if (!k->set_lang)
        k->lang = k->cfg.language;
}

/* A visitor changes the language on the idle screen: the L key, or a tap
 * on the language label. Taken out of the event queue before inputs.c
 * sees it (SDL calls this as events arrive), so that the key is not typed
 * into a scanner's text and the tap is not a tap. A handheld scanner
 * types base45, upper case, so it sends L with Shift (or Caps Lock): only
 * a bare l changes the language, and only when no text is being typed. */
typedef struct {
    kiosk *k;
    kiosk_gfx *g;
    bool eat_text; /* the "l" SDL_TEXTINPUT that follows the key */
} lang_switch;

static void next_language(kiosk *k)
{
    k->lang = i18n_next(k->lang);
    k->dirty = true;
}

static int language_filter(void *data, SDL_Event *e)
{
    lang_switch *ls = data;
    kiosk *k = ls->k;
    if (e->type == SDL_TEXTINPUT && ls->eat_text) {
        ls->eat_text = false;
        return strcmp(e->text.text, "l") != 0;
    }
    if (k->screen != SCREEN_IDLE)
        return 1;
    if (e->type == SDL_KEYDOWN && e->key.keysym.sym == SDLK_l && !e->key.repeat &&
        !(e->key.keysym.mod & (KMOD_SHIFT | KMOD_CAPS | KMOD_CTRL | KMOD_ALT | KMOD_GUI)) &&
        k->keys_len == 0) {
        next_language(k);
        ls->eat_text = true;
        return 0;
    }
    int x, y;
    if (kiosk_press_at(k, e, &x, &y) && gfx_hits_language(ls->g, x, y)) {
        next_language(k);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    kiosk *k = calloc(1, sizeof *k);
    if (!k) {
        fputs("tessera-kiosk: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    k->state_dir = TESS_DEFAULT_STATE;
    k->pace_ms = 1500;
    k->verdict_ms = 3000;
    k->width = 800;
    k->height = 480;
    k->volume = 70;
    k->admin.usb_mount = ADMIN_DEFAULT_USB;
    config_defaults(&k->cfg);
    int rc = parse_options(k, argc, argv);
    if (rc != 0) {
        free(k);
        return rc;
    }
    apply_config(k);
    if (!i18n_init(locale_dir()))
        fputs("tessera-kiosk: no C.UTF-8 locale: the screens stay in English\n", stderr);
    if (!kiosk_load_trust(k)) {
        /* A kiosk not provisioned yet waits, saying so on screen, for its
         * first bundle (board/rpi: tessera-provision installs it from a
         * stick); a run that must end (--exit-when-done) cannot wait. */
        if (!k->no_bundle_yet || k->exit_when_done) {
            state_close(&k->ks);
            free(k);
            return EXIT_USAGE;
        }
        k->unprovisioned = true;
    }
    if (!inputs_open(k) || !admin_open(k)) {
        admin_close(k);
        inputs_close(k);
        state_close(&k->ks);
        free(k);
        return EXIT_USAGE;
    }
    char err[512];
    kiosk_gfx *g = gfx_open(k, err, sizeof err);
    if (!g) {
        fprintf(stderr, "tessera-kiosk: %s\n", err);
        admin_close(k);
        inputs_close(k);
        state_close(&k->ks);
        free(k);
        return EXIT_USAGE;
    }
    gfx_size(g, &k->screen_w, &k->screen_h);

    /* A verdict comes with a distinct sound as well as colour, icon and
     * words; with no audio device the kiosk is silent, never stopped. */
    sound_player *sound = k->mute ? NULL : sound_open(k->volume);
    lang_switch ls = {k, g, false};
    SDL_SetEventFilter(language_filter, &ls);
    unsigned sounded = 0;
    /* systemd (board/rpi/): ready once the first screen is out, then fed
     * from every turn of the loop; a hung loop is restarted */
    kiosk_notify sd;
    notify_open(&sd);
    bool told_ready = false;
    k->virtual_ms = SDL_GetTicks();
    open_gpio(k, ticks(k));
    checkin_open(k, wall_now(k));
    if (!access_mode_open(k)) {
        snprintf(k->config_problem, sizeof k->config_problem,
                 "Settings: the door's access list cannot be loaded; verifying only");
        k->cfg.mode = MODE_VERIFY;
    }
    if (!match_mode_open(k) && k->cfg.mode == MODE_MATCH) {
        /* a booth without its roles: said on screen, and the kiosk verifies */
        snprintf(k->config_problem, sizeof k->config_problem,
                 "Settings: the booth's roles cannot be loaded; verifying only");
        k->cfg.mode = MODE_VERIFY;
    }

    uint32_t start = ticks(k);
    k->start_ms = start;
    /* a camera is read from the start; files one pace in */
    k->next_input_ms = start + (k->camera_path ? 0 : k->pace_ms);
    k->now = wall_now(k);
    k->clock_behind = !k->have_at && k->now < k->floor;
    k->screen_since_ms = start;
    k->dirty = true;
    k->running = true;
    while (k->running) {
        uint32_t now_ms = ticks(k);
        inputs_poll(k, now_ms);
        update(k, now_ms);
        if (k->verdicts != sounded) {
            sounded = k->verdicts;
            sound_play(sound, k->shown.tone == TONE_VALID       ? SOUND_VALID
                              : k->shown.tone == TONE_INVALID   ? SOUND_INVALID
                              : k->shown.tone == TONE_DUPLICATE ? SOUND_DUPLICATE
                                                                : SOUND_UNDECIDED);
        }
        if (k->dirty) {
            if (!gfx_draw(g, k))
                k->exit_code = 1;
            k->dirty = false;
            update(k, ticks(k)); /* exit-when-done once the last screen is out */
            if (!told_ready) {
                notify_send(&sd, "READY=1");
                told_ready = true;
            }
        }
        notify_watchdog(&sd, SDL_GetTicks64());
        gpio_tick(k->gpio, ticks(k));
        if (!k->running)
            break;
        uint32_t w = wait_ms(k, ticks(k));
        uint32_t wd = notify_wait_max(&sd), wg = gpio_due_in(k->gpio, ticks(k));
        if (w > wd)
            w = wd;
        if (w > wg)
            w = wg;
        if (w > 0)
            idle_wait(k, w);
    }
    notify_send(&sd, "STOPPING=1");
    notify_close(&sd);
    gpio_close(k->gpio, ticks(k));
    k->gpio = NULL;
    issue_close(k); /* the issuer key is wiped and freed */
    checkin_close(k);
    match_mode_close(k);
    access_mode_close(k);
    kiosk_wipe_verdict(k);
    sound_close(sound);
    SDL_SetEventFilter(NULL, NULL);
    gfx_close(g);
    admin_close(k);
    inputs_close(k);
    state_close(&k->ks);
    rc = k->exit_code;
    free(k);
    return rc;
}
