/*
 * admin.c: the admin part's logic (admin.h): the PIN, its lock, the admin
 * actions, the timeouts, and the --keys script. draw.c draws its screens
 * from the state; nothing here draws.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "admin.h"
#include "checkin.h"
#include "i18n.h"
#include "json.h"
#include "kiosk.h"

/* memset through a volatile pointer: a wipe the compiler cannot drop. */
static void *(*volatile wipe)(void *, int, size_t) = memset;

static const char MSG_WRONG[] = N_("Wrong PIN");
static const char MSG_LOCKED[] = N_("Too many wrong PINs: admin is locked for a minute");
static const char MSG_NOT_SET_UP[] = N_("Admin is not set up on this kiosk");

static bool is_admin_screen(const kiosk *k)
{
    return k->screen == SCREEN_PIN || k->screen == SCREEN_ADMIN ||
           k->screen == SCREEN_ADMIN_STATE;
}

/* {"admin":EVENT} with one more field, a string (sv) or a number. */
static void emit(const char *event, const char *key, const char *sv, const char *nkey,
                 uint64_t nv)
{
    json_event_line("admin", event, key, sv, nkey, nv);
}

static void clear_pin(kiosk_admin *a)
{
    wipe(a->pin, 0, sizeof a->pin);
    a->pin_len = 0;
}

static void to_idle(kiosk *k, const char *event, uint32_t now_ms)
{
    clear_pin(&k->admin);
    k->admin.msg = NULL;
    k->admin.result[0] = '\0';
    emit(event, NULL, NULL, NULL, 0);
    kiosk_set_screen(k, SCREEN_IDLE, now_ms);
}

static void open_pin(kiosk *k, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    a->press_down = false;
    a->last_input_ms = now_ms;
    kiosk_wipe_verdict(k); /* a verdict on screen goes */
    clear_pin(a);
    if (!k->cfg.admin_pin_hash[0]) {
        a->msg = MSG_NOT_SET_UP;
        emit("not_set_up", NULL, NULL, NULL, 0);
        kiosk_set_screen(k, SCREEN_NOTICE, now_ms);
        return;
    }
    a->msg = a->locked ? MSG_LOCKED : NULL;
    emit(a->locked ? "locked" : "pin", NULL, NULL, NULL, 0);
    kiosk_set_screen(k, SCREEN_PIN, now_ms);
}

static void check_pin(kiosk *k, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    k->dirty = true;
    if (a->locked) {
        /* no PIN is tried while locked: guessing costs the full minute */
        clear_pin(a);
        a->msg = MSG_LOCKED;
        emit("locked", NULL, NULL, NULL, 0);
        return;
    }
    if (a->pin_len == 0)
        return;
    bool ok = config_pin_ok(&k->cfg, a->pin);
    clear_pin(a);
    if (ok) {
        a->wrong = 0;
        a->msg = NULL;
        a->result[0] = '\0';
        emit("open", NULL, NULL, NULL, 0);
        kiosk_set_screen(k, SCREEN_ADMIN, now_ms);
        return;
    }
    a->wrong++;
    a->msg = MSG_WRONG;
    emit("pin_wrong", NULL, NULL, "tries", a->wrong);
    if (a->wrong >= ADMIN_MAX_TRIES) {
        a->wrong = 0;
        a->locked = true;
        a->locked_until_ms = now_ms + ADMIN_LOCK_MS;
        a->msg = MSG_LOCKED;
        emit("locked", NULL, NULL, NULL, 0);
    }
}

static void pin_digit(kiosk_admin *a, char c)
{
    if (a->locked || a->pin_len >= CONFIG_MAX_PIN)
        return;
    a->pin[a->pin_len++] = c;
    a->pin[a->pin_len] = '\0';
    a->msg = NULL;
}

static void install(kiosk *k)
{
    kiosk_admin *a = &k->admin;
    install_result *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(a->result, sizeof a->result, "out of memory");
        a->result_ok = false;
        emit("install", "result", "error", NULL, 0);
        return;
    }
    state_import(k->state_dir, a->usb_mount, r);
    bool ok = r->reason == TESS_OK && !r->error;
    snprintf(a->result, sizeof a->result, "%s", r->message);
    a->result_ok = ok;
    a->result_title = ok ? N_("The trust bundle was installed") : N_("No trust bundle was installed");
    if (ok) {
        /* the trust in force, loaded again: the next verdict uses it */
        state_close(&k->ks);
        if (!kiosk_load_trust(k)) {
            a->result_ok = false;
            snprintf(a->result, sizeof a->result,
                     "installed, but the state could not be loaded again");
            emit("install", "result", "error", NULL, 0);
        } else {
            emit("install", "result", "installed", "version", k->ks.bundle.version);
        }
    } else {
        json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "admin");
        json_str(&j, "install");
        json_key(&j, "result");
        json_str(&j, r->error ? "error" : "refused");
        json_key(&j, "reason");
        json_str(&j, tess_reason(r->reason));
        json_end_obj(&j);
        json_done(&j);
        fflush(stdout);
    }
    wipe(r, 0, sizeof *r);
    free(r);
}

/* The log (every verdict, and the event's check-ins) as CSV on the USB
 * stick: the one thing besides a bundle that moves between a kiosk and a
 * stick, and only at admin's hand. */
static void export_log(kiosk *k)
{
    kiosk_admin *a = &k->admin;
    a->result_ok = checkin_export(k, a->usb_mount, k->now, a->result, sizeof a->result);
    a->result_title =
        a->result_ok ? N_("The log was written to the USB stick") : N_("The log was not written");
    emit("export", "result", a->result_ok ? "written" : "error", NULL, 0);
}

static void admin_action(kiosk *k, int b, uint32_t now_ms)
{
    k->dirty = true;
    switch (b) {
    case ADM_INSTALL: install(k); break;
    case ADM_EXPORT: export_log(k); break;
    case ADM_ISSUE: issue_enter(k, now_ms); break;
    case ADM_LANGUAGE:
        k->lang = i18n_next(k->lang);
        emit("language", "language", i18n_code(k->lang), NULL, 0);
        break;
    case ADM_STATE:
        emit("state", NULL, NULL, NULL, 0);
        kiosk_set_screen(k, SCREEN_ADMIN_STATE, now_ms);
        break;
    case ADM_QUIT:
        emit("quit", NULL, NULL, NULL, 0);
        k->running = false;
        break;
    case ADM_BACK: to_idle(k, "close", now_ms); break;
    default: break;
    }
}

int admin_buttons(int s, int w, int h, SDL_Rect r[ADMIN_MAX_BUTTONS])
{
    memset(r, 0, sizeof(SDL_Rect) * ADMIN_MAX_BUTTONS);
    int gap = h / 60 + 2;
    if (s == SCREEN_PIN) {
        /* the keypad on the right: 1 2 3 / 4 5 6 / 7 8 9 / clear 0 OK */
        int kx = w * 50 / 100, kw = w * 46 / 100, ky = h * 4 / 100, kh = h * 92 / 100;
        int cw = kw / 3, ch = kh / 4;
        static const int order[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, PIN_CLEAR, 0, PIN_OK};
        for (int i = 0; i < 12; i++)
            r[order[i]] = (SDL_Rect){kx + (i % 3) * cw + gap / 2, ky + (i / 3) * ch + gap / 2,
                                     cw - gap, ch - gap};
        r[PIN_CANCEL] = (SDL_Rect){w / 20, h * 78 / 100, w * 38 / 100, h * 16 / 100};
        return PIN_BUTTONS;
    }
    if (s == SCREEN_ADMIN || s == SCREEN_ADMIN_STATE) {
        r[ADM_BACK] = (SDL_Rect){w / 30, h * 3 / 100, w * 24 / 100, h * 13 / 100};
        if (s == SCREEN_ADMIN) {
            /* three columns, two rows: install, export, language / state,
             * issue credentials, quit (quit apart, in the corner) */
            static const int slot[ADM_ISSUE + 1] = {[ADM_INSTALL] = 0, [ADM_EXPORT] = 1,
                                                    [ADM_LANGUAGE] = 2, [ADM_STATE] = 3,
                                                    [ADM_ISSUE] = 4, [ADM_QUIT] = 5};
            int ax = w / 30, aw = w - 2 * ax, ay = h * 19 / 100, ah = h * 62 / 100;
            for (int i = 0; i <= ADM_ISSUE; i++)
                r[i] = (SDL_Rect){ax + (slot[i] % 3) * aw / 3 + gap / 2,
                                  ay + (slot[i] / 3) * ah / 2 + gap / 2, aw / 3 - gap,
                                  ah / 2 - gap};
        }
        return ADM_BUTTONS;
    }
    return 0;
}

/* The button at (x, y) in renderer pixels on the screen shown, or -1. */
static int hit(const kiosk *k, int x, int y)
{
    SDL_Rect r[ADMIN_MAX_BUTTONS];
    int n = admin_buttons((int)k->screen, k->screen_w, k->screen_h, r);
    SDL_Point p = {x, y};
    for (int i = 0; i < n; i++)
        if (r[i].w > 0 && SDL_PointInRect(&p, &r[i]))
            return i;
    return -1;
}

/* A press as renderer pixels: a mouse button (not one SDL made from a
 * touch, which comes as a finger too) or a finger. */
static bool press_at(const kiosk *k, const SDL_Event *e, int *x, int *y)
{
    return kiosk_press_at(k, e, x, y);
}

static void pin_button(kiosk *k, int b, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    if (b >= 0 && b <= 9)
        pin_digit(a, (char)('0' + b));
    else if (b == PIN_CLEAR)
        clear_pin(a);
    else if (b == PIN_OK)
        check_pin(k, now_ms);
    else if (b == PIN_CANCEL)
        to_idle(k, "close", now_ms);
    k->dirty = true;
}

bool admin_event(kiosk *k, const SDL_Event *e, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    /* issue mode's screens are its own (Ctrl+Alt+A there too) */
    if (issue_screen(k->screen))
        return issue_event(k, e, now_ms);
    if (e->type == SDL_KEYDOWN && e->key.keysym.sym == SDLK_a &&
        (e->key.keysym.mod & KMOD_CTRL) && (e->key.keysym.mod & KMOD_ALT)) {
        if (!e->key.repeat && !is_admin_screen(k) && k->screen != SCREEN_NOTICE)
            open_pin(k, now_ms);
        return true;
    }
    /* the screens of the public (and the booth's): admin stays out */
    if (k->screen == SCREEN_IDLE || k->screen == SCREEN_VERDICT ||
        k->screen == SCREEN_DETAILS || k->screen == SCREEN_MATCH ||
        k->screen == SCREEN_MATCH_ROLES || k->screen == SCREEN_MATCH_CONSENT ||
        k->screen == SCREEN_MATCH_CONTACT) {
        /* the long press: held on the idle screen, seen by admin_update */
        int x, y;
        if (k->screen == SCREEN_IDLE && press_at(k, e, &x, &y)) {
            a->press_down = true;
            a->press_since_ms = now_ms;
        } else if ((e->type == SDL_MOUSEBUTTONUP && e->button.which != SDL_TOUCH_MOUSEID) ||
                   e->type == SDL_FINGERUP) {
            a->press_down = false;
        }
        return false;
    }
    if (e->type == SDL_QUIT || e->type == SDL_WINDOWEVENT)
        return false;
    int x, y, b = -1;
    bool pressed = press_at(k, e, &x, &y);
    if (pressed)
        b = hit(k, x, y);
    SDL_Keycode key = e->type == SDL_KEYDOWN ? e->key.keysym.sym : SDLK_UNKNOWN;
    if (pressed || e->type == SDL_KEYDOWN || e->type == SDL_TEXTINPUT)
        a->last_input_ms = now_ms;
    switch (k->screen) {
    case SCREEN_PIN:
        if (e->type == SDL_TEXTINPUT) {
            for (const char *c = e->text.text; *c; c++)
                if (*c >= '0' && *c <= '9')
                    pin_digit(a, *c);
            k->dirty = true;
        } else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
            check_pin(k, now_ms);
        } else if (key == SDLK_BACKSPACE) {
            if (a->pin_len > 0)
                a->pin[--a->pin_len] = '\0';
            k->dirty = true;
        } else if (key == SDLK_ESCAPE) {
            to_idle(k, "close", now_ms);
        } else if (b >= 0) {
            pin_button(k, b, now_ms);
        }
        break;
    case SCREEN_ADMIN:
        if (key >= SDLK_1 && key <= SDLK_6)
            admin_action(k, (int)(key - SDLK_1), now_ms);
        else if (key >= SDLK_KP_1 && key <= SDLK_KP_6)
            admin_action(k, (int)(key - SDLK_KP_1), now_ms);
        else if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE)
            admin_action(k, ADM_BACK, now_ms);
        else if (b >= 0)
            admin_action(k, b, now_ms);
        break;
    case SCREEN_ADMIN_STATE:
        if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE || b == ADM_BACK)
            kiosk_set_screen(k, SCREEN_ADMIN, now_ms);
        break;
    case SCREEN_NOTICE:
        if (pressed || e->type == SDL_KEYDOWN)
            to_idle(k, "close", now_ms);
        break;
    default: break;
    }
    return true;
}

void admin_update(kiosk *k, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    if (a->locked && (int32_t)(now_ms - a->locked_until_ms) >= 0) {
        a->locked = false;
        if (a->msg == MSG_LOCKED)
            a->msg = NULL;
        k->dirty = true;
    }
    if (a->press_down && k->screen != SCREEN_IDLE)
        a->press_down = false;
    if (a->press_down && now_ms - a->press_since_ms >= ADMIN_HOLD_MS)
        open_pin(k, now_ms);
    if (is_admin_screen(k) && now_ms - a->last_input_ms >= ADMIN_IDLE_MS)
        to_idle(k, "timeout", now_ms);
    if (k->screen == SCREEN_NOTICE && now_ms - k->screen_since_ms >= ADMIN_NOTICE_MS) {
        a->msg = NULL;
        kiosk_set_screen(k, SCREEN_IDLE, now_ms);
    }
}

static uint32_t left(uint32_t since, uint32_t span, uint32_t now_ms)
{
    uint32_t gone = now_ms - since;
    return gone >= span ? 0 : span - gone;
}

uint32_t admin_due_in(const kiosk *k, uint32_t now_ms)
{
    const kiosk_admin *a = &k->admin;
    uint32_t w = UINT32_MAX, t;
    if (a->keys) {
        int32_t d = (int32_t)(a->keys_next_ms - now_ms);
        t = d <= 0 ? 0 : (uint32_t)d;
        w = t < w ? t : w;
    }
    if (a->press_down && (t = left(a->press_since_ms, ADMIN_HOLD_MS, now_ms)) < w)
        w = t;
    if (a->locked) {
        int32_t d = (int32_t)(a->locked_until_ms - now_ms);
        t = d <= 0 ? 0 : (uint32_t)d;
        w = t < w ? t : w;
    }
    if (is_admin_screen(k) && (t = left(a->last_input_ms, ADMIN_IDLE_MS, now_ms)) < w)
        w = t;
    if (k->screen == SCREEN_NOTICE && (t = left(k->screen_since_ms, ADMIN_NOTICE_MS, now_ms)) < w)
        w = t;
    return w;
}

/* ---- --keys: a script of key presses, for tests ---- */

bool admin_open(kiosk *k)
{
    kiosk_admin *a = &k->admin;
    if (!a->keys_path)
        return true;
    a->keys = fopen(a->keys_path, "r");
    if (!a->keys) {
        fprintf(stderr, "tessera-kiosk: %s: cannot be read\n", a->keys_path);
        return false;
    }
    a->keys_next_ms = 0; /* set on the first poll, once SDL runs */
    return true;
}

void admin_close(kiosk *k)
{
    kiosk_admin *a = &k->admin;
    if (a->keys)
        fclose(a->keys);
    a->keys = NULL;
    clear_pin(a);
}

bool admin_keys_done(const kiosk *k)
{
    return k->admin.keys == NULL;
}

static void push_key(SDL_Keycode sym, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.timestamp = SDL_GetTicks();
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    e.key.keysym.mod = mod;
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
}

static void push_text(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        e.text.timestamp = SDL_GetTicks();
        size_t c = n < sizeof e.text.text - 1 ? n : sizeof e.text.text - 1;
        memcpy(e.text.text, s, c);
        SDL_PushEvent(&e);
        s += c;
        n -= c;
    }
}

static void push_mouse(Uint32 type, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.button.timestamp = SDL_GetTicks();
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    SDL_PushEvent(&e);
}

/* "WORD X Y": the point of a "down" or "up" line. As sscanf's "WORD %d
 * %d%c" read it (blanks, a sign, nothing after), but a number past an int
 * is refused, not undefined. */
static bool script_point(const char *line, const char *word, int *x, int *y)
{
    size_t n = strlen(word);
    if (strncmp(line, word, n) != 0)
        return false;
    const char *p = line + n;
    long v[2];
    for (int i = 0; i < 2; i++) {
        char *end = NULL;
        errno = 0;
        v[i] = strtol(p, &end, 10);
        if (end == p || errno != 0 || v[i] < INT_MIN || v[i] > INT_MAX)
            return false;
        p = end;
    }
    if (*p != '\0')
        return false;
    *x = (int)v[0];
    *y = (int)v[1];
    return true;
}

/* "wait MS": blanks, then digits (no sign: sscanf's %u took "-1" for 49
 * days), at most UINT32_MAX, nothing after. */
static bool script_wait(const char *line, uint32_t *ms)
{
    if (strncmp(line, "wait", 4) != 0)
        return false;
    const char *p = line + 4;
    while (isspace((unsigned char)*p))
        p++;
    if (*p < '0' || *p > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno != 0 || v > UINT32_MAX || *end != '\0')
        return false;
    *ms = (uint32_t)v;
    return true;
}

/* One line of the script; returns the delay before the next. */
static uint32_t play_line(const kiosk *k, char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    int x, y;
    uint32_t ms;
    char c, tail;
    if (!line[0] || line[0] == '#')
        return 0;
    if (strcmp(line, "ctrl+alt+a") == 0)
        push_key(SDLK_a, KMOD_LCTRL | KMOD_LALT);
    else if (strcmp(line, "enter") == 0)
        push_key(SDLK_RETURN, KMOD_NONE);
    else if (strcmp(line, "esc") == 0)
        push_key(SDLK_ESCAPE, KMOD_NONE);
    else if (strcmp(line, "backspace") == 0)
        push_key(SDLK_BACKSPACE, KMOD_NONE);
    else if (sscanf(line, "key %c%c", &c, &tail) == 1 &&
             ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
        push_key((SDL_Keycode)c, KMOD_NONE);
    else if (strncmp(line, "type ", 5) == 0)
        push_text(line + 5);
    else if (script_point(line, "down", &x, &y))
        push_mouse(SDL_MOUSEBUTTONDOWN, x, y);
    else if (script_point(line, "up", &x, &y))
        push_mouse(SDL_MOUSEBUTTONUP, x, y);
    else if (script_wait(line, &ms))
        return ms;
    else
        fprintf(stderr, "tessera-kiosk: %s: not a key script line: %s\n", k->admin.keys_path,
                line);
    return k->pace_ms;
}

void admin_keys_poll(kiosk *k, uint32_t now_ms)
{
    kiosk_admin *a = &k->admin;
    if (!a->keys)
        return;
    if (a->keys_next_ms == 0)
        a->keys_next_ms = now_ms + k->pace_ms + 1;
    char line[1024];
    while (a->keys && (int32_t)(now_ms - a->keys_next_ms) >= 0) {
        if (!fgets(line, sizeof line, a->keys)) {
            fclose(a->keys);
            a->keys = NULL;
            break;
        }
        /* from now, not from the schedule: a slow turn (a PIN check)
         * does not bunch the lines after it */
        a->keys_next_ms = now_ms + play_line(k, line);
    }
}
