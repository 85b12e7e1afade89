/* match_mode.c: the booth, as match_mode.h says. */
#include "match_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "esco.h"
#include "i18n.h"
#include "kiosk.h"
#include "match.h"
#include "role.h"
#include "osk.h"
#include "typing.h"
#include "ui.h"

/* The skills table, the templates and the example roles: the source
 * tree's while it is there (a kiosk run from its build folder), else where
 * the package installs them. */
#define TESS_INSTALLED_ASSETS "/usr/share/tessera"
#ifndef TESS_ASSETS_DIR
#define TESS_ASSETS_DIR TESS_INSTALLED_ASSETS
#endif

/* memset through a volatile pointer: a wipe the compiler cannot drop. */
static void *(*volatile wipe)(void *, int, size_t) = memset;

typedef struct kiosk_match kiosk_match;
struct kiosk_match {
    role_set roles;
    bool have_roles;
    size_t role;                 /* chosen: an index, or SIZE_MAX */
    esco_table esco;
    bool have_esco;
    match_titles titles;
    match_session session;
    match_result result;
    match_pathways_result paths;
    uint32_t last_ms;            /* the last scan or tap */
    bool active;                 /* a candidate's session is open */
    unsigned changes;            /* for screenshots */
    /* the last scan, said at the top: added, refused, already here */
    char toast[300];
    bool toast_bad;
    /* the candidate's contact, typed after consent; wiped once stored */
    osk kb;
    uint64_t consent_time;
};

#define NO_ROLE ((size_t)-1)

static const char *assets_path(const char *setting, const char *rel, char *buf, size_t cap)
{
    if (setting[0])
        return setting;
    struct stat st;
    snprintf(buf, cap, "%s/%s", TESS_ASSETS_DIR, rel);
    if (stat(buf, &st) != 0)
        snprintf(buf, cap, "%s/%s", TESS_INSTALLED_ASSETS, rel);
    return buf;
}

const char *match_mode_skill_name(const kiosk *k, const char *code)
{
    const kiosk_match *m = k->match;
    const char *label =
        m && m->have_esco ? esco_lookup(&m->esco, code, i18n_code(k->lang)) : NULL;
    return label ? label : code;
}

bool match_mode_open(kiosk *k)
{
    kiosk_match *m = calloc(1, sizeof *m);
    if (!m) {
        fputs("tessera-kiosk: out of memory\n", stderr);
        return false;
    }
    m->role = NO_ROLE;
    k->match = m;
    char buf[512], err[1024];
    const char *skills = assets_path(k->cfg.skills_table, "esco/skills.tsv", buf, sizeof buf);
    m->have_esco = esco_load(&m->esco, skills, err, sizeof err);
    if (!m->have_esco)
        fprintf(stderr, "tessera-kiosk: %s; skills are shown by their codes\n", err);
    const char *tmpl = assets_path("", "templates", buf, sizeof buf);
    if (!match_titles_load(&m->titles, tmpl, err, sizeof err))
        fprintf(stderr, "tessera-kiosk: %s\n", err);
    if (k->cfg.mode != MODE_MATCH)
        return true;
    const char *dir = assets_path(k->cfg.roles_dir, "roles", buf, sizeof buf);
    m->have_roles = role_load_dir(dir, &m->roles, err, sizeof err);
    if (!m->have_roles || m->roles.n == 0) {
        fprintf(stderr, "tessera-kiosk: %s\n",
                m->have_roles ? "the booth has no roles (*.role files)" : err);
        return false;
    }
    if (m->roles.n == 1)
        m->role = 0;
    match_session_init(&m->session);
    return true;
}

void match_mode_close(kiosk *k)
{
    kiosk_match *m = k->match;
    if (!m)
        return;
    match_session_clear(&m->session);
    if (m->have_roles)
        role_set_free(&m->roles);
    if (m->have_esco)
        esco_free(&m->esco);
    match_titles_free(&m->titles);
    wipe(m, 0, sizeof *m);
    free(m);
    k->match = NULL;
}

static const role *chosen(const kiosk_match *m)
{
    return m->role != NO_ROLE && m->role < m->roles.n ? &m->roles.roles[m->role] : NULL;
}

static void evaluate(kiosk *k, uint64_t now)
{
    kiosk_match *m = k->match;
    const role *r = chosen(m);
    if (r)
        match_evaluate(r, &m->session, now, &m->result);
    else
        memset(&m->result, 0, sizeof m->result);
    if (match_pathways(&k->ks.bundle, &m->session, now, &m->paths) != TESS_OK)
        memset(&m->paths, 0, sizeof m->paths);
    m->changes++;
}

static void end_session(kiosk *k, const char *why)
{
    kiosk_match *m = k->match;
    match_session_clear(&m->session);
    match_session_init(&m->session);
    wipe(&m->result, 0, sizeof m->result);
    wipe(&m->paths, 0, sizeof m->paths);
    wipe(m->toast, 0, sizeof m->toast);
    osk_clear(&m->kb);
    m->active = false;
    m->changes++;
    printf("{\"match\": \"end\", \"why\": \"%s\"}\n", why);
    fflush(stdout);
}

void match_mode_verdict(kiosk *k, const tess_verdict *v, uint64_t now, uint32_t now_ms)
{
    kiosk_match *m = k->match;
    if (!m || k->cfg.mode != MODE_MATCH)
        return;
    match_badge *b = malloc(sizeof *b);
    if (!b)
        return;
    match_badge_from_verdict(v, b);
    size_t at = 0;
    match_add add = match_session_add(&m->session, b, &at);
    const char *title = match_badge_str(b, b->title);
    tess_status why = v->reason;
    bool counts = match_badge_counts(b, now, &why);
    if (add == MATCH_FULL)
        snprintf(m->toast, sizeof m->toast, "%s", _("This session is full: end it to start again"));
    else if (add == MATCH_DUPLICATE)
        snprintf(m->toast, sizeof m->toast, _("Already scanned: %s"), title);
    else if (counts)
        snprintf(m->toast, sizeof m->toast, _("Added: %s"), title);
    else
        snprintf(m->toast, sizeof m->toast, _("Not counted: %s"), _(kiosk_reason_words(why)));
    m->toast_bad = add != MATCH_ADDED || !counts;
    wipe(b, 0, sizeof *b);
    free(b);
    m->active = true;
    m->last_ms = now_ms;
    evaluate(k, now);
}

void match_mode_json(json *j, const kiosk *k)
{
    const kiosk_match *m = k->match;
    if (!m || k->cfg.mode != MODE_MATCH)
        return;
    const role *r = chosen(m);
    json_key(j, "match");
    json_obj(j);
    json_key(j, "role");
    if (r)
        json_str(j, r->id ? r->id : r->title);
    else
        json_null(j);
    json_key(j, "score");
    json_u64(j, m->result.score);
    json_key(j, "required");
    json_u64(j, m->result.n_required);
    json_key(j, "proven");
    json_u64(j, m->result.n_required_proven);
    json_key(j, "desired_proven");
    json_u64(j, m->result.n_desired_proven);
    json_key(j, "badges");
    json_u64(j, m->session.n);
    json_key(j, "refused");
    json_u64(j, m->result.n_refused);
    json_key(j, "pathways");
    json_arr(j);
    for (size_t i = 0; i < m->paths.n; i++) {
        const match_pathway *p = &m->paths.p[i];
        json_obj(j);
        json_key(j, "id");
        json_span(j, p->id);
        json_key(j, "met");
        json_u64(j, p->met);
        json_key(j, "needed");
        json_u64(j, p->needed);
        json_end_obj(j);
    }
    json_end_arr(j);
    json_end_obj(j);
}

void match_mode_badge_pathways(kiosk *k, const tess_verdict *v, uint64_t now)
{
    kiosk_shown *s = &k->shown;
    s->n_paths = 0;
    if (!k->match || v->reason != TESS_OK)
        return;
    match_badge *b = malloc(sizeof *b);
    match_pathways_result *res = malloc(sizeof *res);
    if (b && res) {
        match_badge_from_verdict(v, b);
        if (match_badge_pathways(&k->ks.bundle, b, now, res) == TESS_OK) {
            for (size_t i = 0; i < res->n && s->n_paths < K_PATHS; i++) {
                const match_pathway *p = &res->p[i];
                size_t n = p->title.len < K_FIELD - 1 ? p->title.len : K_FIELD - 1;
                if (n > 0)
                    memcpy(s->paths[s->n_paths].title, p->title.ptr, n);
                s->paths[s->n_paths].title[n] = '\0';
                s->paths[s->n_paths].met = (unsigned)p->met;
                s->paths[s->n_paths].needed = (unsigned)p->needed;
                s->n_paths++;
            }
        }
        wipe(b, 0, sizeof *b);
    }
    free(b);
    free(res);
}

void match_mode_update(kiosk *k, uint32_t now_ms)
{
    kiosk_match *m = k->match;
    if (!m || k->cfg.mode != MODE_MATCH)
        return;
    uint32_t limit = k->cfg.match_session_seconds * 1000u;
    if (m->active && now_ms - m->last_ms >= limit) {
        end_session(k, "timeout");
        kiosk_set_screen(k, SCREEN_IDLE, now_ms);
    }
    /* the booth shows the role picker until staff choose */
    if (k->screen == SCREEN_IDLE && !chosen(m))
        kiosk_set_screen(k, SCREEN_MATCH_ROLES, now_ms);
}

uint32_t match_mode_due_in(const kiosk *k, uint32_t now_ms)
{
    const kiosk_match *m = k->match;
    if (!m || !m->active)
        return UINT32_MAX;
    uint32_t limit = k->cfg.match_session_seconds * 1000u, gone = now_ms - m->last_ms;
    return gone >= limit ? 0 : limit - gone;
}

/* ---- the screens' buttons ---- */

enum { MB_END = 0, MB_ROLE, MB_CONTACT, MB_COUNT };
/* The consent screen's answers. */
enum { CB_YES = 0, CB_NO, CB_COUNT };
#define ROLES_PER_PAGE 6

static void match_buttons(int w, int h, SDL_Rect r[MB_COUNT])
{
    int bw = w * 30 / 100, bh = h * 12 / 100, y = h - bh - h / 50;
    r[MB_END] = (SDL_Rect){w - bw - w / 40, y, bw, bh};
    r[MB_ROLE] = (SDL_Rect){w - 2 * bw - 2 * (w / 40), y, bw, bh};
    r[MB_CONTACT] = (SDL_Rect){w - 3 * bw - 3 * (w / 40), y, bw, bh};
}

static void consent_buttons(int w, int h, SDL_Rect r[CB_COUNT])
{
    int bw = w * 40 / 100, bh = h * 16 / 100, y = h - bh - h / 20;
    r[CB_YES] = (SDL_Rect){w / 15, y, bw, bh};
    r[CB_NO] = (SDL_Rect){w - bw - w / 15, y, bw, bh};
}

static void role_buttons(int w, int h, SDL_Rect r[ROLES_PER_PAGE])
{
    int top = h * 20 / 100, gap = h / 60 + 2;
    int bw = (w - w / 15) / 2, bh = (h - top - h / 20) / 3;
    for (int i = 0; i < ROLES_PER_PAGE; i++)
        r[i] = (SDL_Rect){w / 30 + (i % 2) * bw + gap / 2, top + (i / 2) * bh + gap / 2,
                          bw - gap, bh - gap};
}

static bool press(const kiosk *k, const SDL_Event *e, int *x, int *y)
{
    return kiosk_press_at(k, e, x, y);
}

static void choose_role(kiosk *k, size_t i, uint32_t now_ms)
{
    kiosk_match *m = k->match;
    if (i >= m->roles.n)
        return;
    m->role = i;
    const role *r = chosen(m);
    printf("{\"match\": \"role\", \"role\": \"%s\"}\n", r->id ? r->id : "");
    fflush(stdout);
    evaluate(k, k->now);
    kiosk_set_screen(k, m->active ? SCREEN_MATCH : SCREEN_IDLE, now_ms);
}

/* The skills proven for the chosen role, as their codes, '|'-separated. */
static void proven_codes(const kiosk_match *m, char *out, size_t cap)
{
    const role *r = chosen(m);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; r && i < r->n_require; i++) {
        const match_skill *ms = &m->result.required[i];
        if (ms->state != MATCH_PROVEN)
            continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? "|" : "", r->require[i].codes[ms->alt]);
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
}

/* Stores the contact typed, with the consent's time; then back to the
 * session, the contact wiped from memory. */
static void store_contact(kiosk *k, uint32_t now_ms)
{
    kiosk_match *m = k->match;
    const role *r = chosen(m);
    char proven[2048];
    proven_codes(m, proven, sizeof proven);
    tess_store_status st =
        r && m->kb.len ? tess_store_contact_record(k->store, m->consent_time,
                                                   r->id ? r->id : r->title, r->employer,
                                                   m->kb.text, m->result.score, proven)
                       : TESS_STORE_BAD_ARG;
    osk_clear(&m->kb);
    if (st == TESS_STORE_OK)
        snprintf(m->toast, sizeof m->toast, _("Thank you: your contact is left with %s"),
                 r && r->employer ? r->employer : _("the employer"));
    else
        snprintf(m->toast, sizeof m->toast, "%s", _("Your contact could not be kept"));
    m->toast_bad = st != TESS_STORE_OK;
    printf("{\"match\": \"contact\", \"stored\": %s}\n", st == TESS_STORE_OK ? "true" : "false");
    fflush(stdout);
    m->changes++;
    kiosk_set_screen(k, SCREEN_MATCH, now_ms);
}

static bool contact_event(kiosk *k, const SDL_Event *e, bool pressed, SDL_Point p,
                          uint32_t now_ms)
{
    kiosk_match *m = k->match;
    SDL_Keycode key = e->type == SDL_KEYDOWN ? e->key.keysym.sym : SDLK_UNKNOWN;
    if (k->screen == SCREEN_MATCH_CONSENT) {
        SDL_Rect r[CB_COUNT];
        consent_buttons(k->screen_w, k->screen_h, r);
        if (key == SDLK_y || (pressed && SDL_PointInRect(&p, &r[CB_YES]))) {
            m->consent_time = k->now;
            osk_init(&m->kb, 160, false);
            kiosk_set_screen(k, SCREEN_MATCH_CONTACT, now_ms);
        } else if (key == SDLK_n || key == SDLK_ESCAPE ||
                   (pressed && SDL_PointInRect(&p, &r[CB_NO]))) {
            kiosk_set_screen(k, SCREEN_MATCH, now_ms);
        }
        return true;
    }
    osk_result res = OSK_NONE;
    if (e->type == SDL_TEXTINPUT)
        res = osk_insert(&m->kb, e->text.text) ? OSK_TYPED : OSK_NONE;
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER)
        res = OSK_DONE;
    else if (key == SDLK_BACKSPACE)
        res = osk_backspace(&m->kb) ? OSK_TYPED : OSK_NONE;
    else if (key == SDLK_ESCAPE)
        res = OSK_CANCELLED;
    else if (pressed) {
        osk_key keys[OSK_MAX_KEYS];
        int n = osk_layout(&m->kb, osk_area(k->screen_w, k->screen_h), keys);
        int i = osk_hit(keys, n, p.x, p.y);
        if (i >= 0)
            res = osk_press(&m->kb, &keys[i]);
    }
    k->dirty = true;
    m->changes++;
    if (res == OSK_DONE && m->kb.len > 0) {
        store_contact(k, now_ms);
    } else if (res == OSK_CANCELLED) {
        osk_clear(&m->kb);
        kiosk_set_screen(k, SCREEN_MATCH, now_ms);
    }
    return true;
}

bool match_mode_event(kiosk *k, const SDL_Event *e, uint32_t now_ms)
{
    kiosk_match *m = k->match;
    if (!m || k->screen < SCREEN_MATCH || k->screen > SCREEN_MATCH_CONTACT)
        return false;
    int x, y;
    bool pressed = press(k, e, &x, &y);
    SDL_Point p = {pressed ? x : -1, pressed ? y : -1};
    SDL_Keycode key = e->type == SDL_KEYDOWN ? e->key.keysym.sym : SDLK_UNKNOWN;
    if (k->screen == SCREEN_MATCH) {
        if (pressed || key != SDLK_UNKNOWN)
            m->last_ms = now_ms;
        SDL_Rect r[MB_COUNT];
        match_buttons(k->screen_w, k->screen_h, r);
        /* e and r only as a person's keys: never a letter inside a text a
         * keyboard-wedge scanner is typing, never a shifted one */
        bool plain = key != SDLK_UNKNOWN && k->keys_len == 0 &&
                     !(e->key.keysym.mod & (KMOD_SHIFT | KMOD_CTRL | KMOD_ALT | KMOD_CAPS));
        if (!plain)
            key = SDLK_UNKNOWN;
        if (key == SDLK_e || (pressed && SDL_PointInRect(&p, &r[MB_END]))) {
            end_session(k, "button");
            kiosk_set_screen(k, SCREEN_IDLE, now_ms);
            return true;
        }
        if (key == SDLK_r || (pressed && SDL_PointInRect(&p, &r[MB_ROLE]))) {
            kiosk_set_screen(k, SCREEN_MATCH_ROLES, now_ms);
            return true;
        }
        if ((key == SDLK_c || (pressed && SDL_PointInRect(&p, &r[MB_CONTACT]))) && chosen(m) &&
            k->store && !k->store_problem[0]) {
            kiosk_set_screen(k, SCREEN_MATCH_CONSENT, now_ms);
            return true;
        }
        /* other keys and taps: the scanner's text and Enter go on */
        return pressed;
    }
    if (k->screen == SCREEN_MATCH_CONSENT || k->screen == SCREEN_MATCH_CONTACT) {
        m->last_ms = now_ms;
        return contact_event(k, e, pressed, p, now_ms);
    }
    SDL_Rect r[ROLES_PER_PAGE];
    role_buttons(k->screen_w, k->screen_h, r);
    if (key >= SDLK_1 && key <= SDLK_6) {
        choose_role(k, (size_t)(key - SDLK_1), now_ms);
        return true;
    }
    for (int i = 0; pressed && i < ROLES_PER_PAGE; i++)
        if (SDL_PointInRect(&p, &r[i])) {
            choose_role(k, (size_t)i, now_ms);
            return true;
        }
    return pressed;
}

/* ---- drawing ---- */

static const char *lang_tag(const kiosk *k)
{
    return i18n_code(k->lang);
}

/* A skill's name: the label in the kiosk's language, else the code. */
static const char *skill_name(const kiosk *k, const role_skill *rs, size_t alt)
{
    const kiosk_match *m = k->match;
    const char *code = rs->codes[alt < rs->n_codes ? alt : 0];
    const char *label = m->have_esco ? esco_lookup(&m->esco, code, lang_tag(k)) : NULL;
    return label ? label : code;
}

/* A button with a one-line label in the body font (the session screen is
 * dense: ui_button's bold label would wrap). */
static void flat_button(kiosk_gfx *g, SDL_Rect r, const char *label, const char *corner,
                        SDL_Color ground)
{
    ui_rect(g, UI_SOFT, r.x, r.y, r.w, r.h);
    ui_rect(g, ground, r.x + 3, r.y + 3, r.w - 6, r.h - 6);
    int tw = 0, th = 0;
    ui_text_size(g, UI_BODY, label, &tw, &th);
    ui_text(g, UI_BODY, label, r.x + r.w / 10, r.y + (r.h - th) / 2, r.w * 8 / 10, UI_CENTRE,
            UI_WHITE, false);
    if (corner)
        ui_text(g, UI_SMALL, corner, r.x + 8, r.y + 6, r.w / 5, UI_LEFT, UI_SOFT, false);
}

static void draw_roles(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_match *m = k->match;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    ui_text(g, UI_HEAD, _("Choose the role for this booth"), w / 20, h * 5 / 100, w * 9 / 10,
            UI_CENTRE, UI_WHITE, false);
    SDL_Rect r[ROLES_PER_PAGE];
    role_buttons(w, h, r);
    for (size_t i = 0; i < m->roles.n && i < ROLES_PER_PAGE; i++) {
        char corner[4];
        snprintf(corner, sizeof corner, "%zu", i + 1);
        ui_button(g, r[i], m->roles.roles[i].title, corner, i == m->role ? UI_GREEN : UI_KEY);
    }
}

static void draw_session(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_match *m = k->match;
    const role *r = chosen(m);
    const match_result *res = &m->result;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    char line[600], day[64];
    /* the band: the role, the score */
    int band = h * 16 / 100;
    SDL_Color ground = res->score >= 100 ? UI_GREEN : res->score >= 50 ? UI_AMBER : UI_KEY;
    ui_rect(g, ground, 0, 0, w, band);
    snprintf(line, sizeof line, "%u%%", res->score);
    ui_text(g, UI_HUGE, line, w / 40, band / 8, w * 22 / 100, UI_LEFT, UI_WHITE, false);
    ui_text(g, UI_BODY_BOLD, r ? r->title : "", w * 26 / 100, band / 8, w * 72 / 100, UI_LEFT,
            UI_WHITE, false);
    snprintf(line, sizeof line, _("%zu of %zu required skills proven, %zu of %zu desirable"),
             res->n_required_proven, res->n_required, res->n_desired_proven, res->n_desired);
    ui_text(g, UI_SMALL, line, w * 26 / 100, band * 55 / 100, w * 72 / 100, UI_LEFT, UI_WHITE,
            false);
    /* the last scan */
    int y = band + h / 80;
    if (m->toast[0])
        y += ui_text(g, UI_SMALL, m->toast, w / 40, y, w * 95 / 100, UI_LEFT,
                     m->toast_bad ? UI_WARN : UI_SOFT, false);
    /* left: the required skills, as many as fit, missing ones first */
    int lx = w / 40, lw = w * 58 / 100, bottom = h - h * 15 / 100;
    int name_h = 0, line_h = 0, tmp;
    ui_text_size(g, UI_BODY_BOLD, "Ag", &tmp, &name_h);
    ui_text_size(g, UI_SMALL, "Ag", &tmp, &line_h);
    int row = name_h + line_h + h / 100;
    size_t shown = 0, total = r ? r->n_require : 0;
    for (int pass = 0; pass < 2 && r; pass++) {
        for (size_t i = 0; i < r->n_require; i++) {
            const match_skill *ms = &res->required[i];
            bool proven = ms->state == MATCH_PROVEN;
            if (proven != (pass == 1))
                continue;
            if (y + row > bottom - line_h)
                break;
            const char *name = skill_name(k, &r->require[i], proven ? ms->alt : 0);
            snprintf(line, sizeof line, "%s %s", proven ? "\u2713" : "\u2717", name);
            ui_text(g, UI_BODY_BOLD, line, lx, y, lw, UI_LEFT, proven ? UI_WHITE : UI_WARN, false);
            y += name_h;
            if (proven) {
                const match_badge *b = &m->session.badges[ms->badge];
                if (b->has_exp)
                    ui_date(b->exp, day, sizeof day);
                snprintf(line, sizeof line, b->has_exp ? _("%s, from %s, valid until %s")
                                                       : _("%s, from %s, no expiry"),
                         match_badge_str(b, b->title), match_badge_str(b, b->issuer_name), day);
            } else if (ms->state == MATCH_BELOW_EQF) {
                snprintf(line, sizeof line, _("below the EQF level this role needs (%u)"),
                         r->min_eqf);
            } else {
                snprintf(line, sizeof line, "%s", _("missing"));
            }
            ui_text(g, UI_SMALL, line, lx + w / 30, y, lw - w / 30, UI_LEFT, UI_SOFT, false);
            y += line_h + h / 100;
            shown++;
        }
    }
    if (shown < total) {
        snprintf(line, sizeof line, _("and %zu more"), total - shown);
        ui_text(g, UI_SMALL, line, lx, y, lw, UI_LEFT, UI_SOFT, false);
    }
    /* right: badges refused, then pathways */
    int rx = w * 62 / 100, rw = w - rx - w / 40, ry = band + h / 80 + (m->toast[0] ? line_h : 0);
    for (size_t i = 0; i < res->n_refused && ry + row < bottom; i++) {
        const match_badge *b = &m->session.badges[res->refused[i]];
        const char *t = match_badge_str(b, b->title);
        snprintf(line, sizeof line, "\u2717 %s: %s", t[0] ? t : _("a badge"),
                 _(kiosk_reason_words(res->refused_reason[i])));
        ry += ui_text(g, UI_SMALL, line, rx, ry, rw, UI_LEFT, UI_WARN, true) + h / 100;
    }
    for (size_t i = 0; i < m->paths.n && ry + row < bottom; i++) {
        const match_pathway *p = &m->paths.p[i];
        char title[200];
        snprintf(title, sizeof title, "%.*s", (int)p->title.len, (const char *)p->title.ptr);
        if (p->complete) {
            snprintf(line, sizeof line, _("Complete: %s"), title);
        } else if (p->n_missing > 0) {
            const char *t = match_titles_find(&m->titles, p->missing[0].achievement);
            char missing[200];
            if (t)
                snprintf(missing, sizeof missing, "%s", t);
            else
                snprintf(missing, sizeof missing, "%.*s", (int)p->missing[0].achievement.len,
                         (const char *)p->missing[0].achievement.ptr);
            /* TRANSLATORS: "2 of 3 toward Warehouse Operations Certificate:
             * missing First Aid at Work" */
            snprintf(line, sizeof line, _("%zu of %llu toward %s: missing %s"), p->met,
                     (unsigned long long)p->needed, title, missing);
        } else {
            snprintf(line, sizeof line, _("%zu of %llu toward %s"), p->met,
                     (unsigned long long)p->needed, title);
        }
        ry += ui_text(g, UI_SMALL, line, rx, ry, rw, UI_LEFT, p->complete ? UI_WHITE : UI_SOFT,
                      true) +
              h / 100;
    }
    SDL_Rect b[MB_COUNT];
    match_buttons(w, h, b);
    flat_button(g, b[MB_END], _("End session"), "E", UI_RED);
    flat_button(g, b[MB_ROLE], _("Change role"), "R", UI_KEY);
    if (k->store && !k->store_problem[0])
        flat_button(g, b[MB_CONTACT], _("Leave my contact"), "C", UI_BLUE);
}

/* What the candidate agrees to, in plain words, before typing anything. */
static void draw_consent(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_match *m = k->match;
    const role *r = chosen(m);
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    char line[600];
    const char *who = r && r->employer ? r->employer : _("the employer");
    int y = h * 6 / 100;
    snprintf(line, sizeof line, _("Leave your contact with %s?"), who);
    y += ui_text(g, UI_HEAD, line, w / 20, y, w * 9 / 10, UI_LEFT, UI_WHITE, true) + h / 30;
    snprintf(line, sizeof line,
             _("They will get what you type (your name and an e-mail or a phone number), the "
               "role (%s), your match score and the skills your badges proved. It stays on this "
               "kiosk until they take it away, and no longer than the kiosk keeps its log."),
             r ? r->title : "");
    y += ui_text(g, UI_SMALL, line, w / 20, y, w * 9 / 10, UI_LEFT, UI_SOFT, true) + h / 30;
    ui_text(g, UI_BODY_BOLD, _("If you say no, nothing about you is kept."), w / 20, y,
            w * 9 / 10, UI_LEFT, UI_WHITE, true);
    SDL_Rect b[CB_COUNT];
    consent_buttons(w, h, b);
    flat_button(g, b[CB_YES], _("Yes, I agree"), "Y", UI_GREEN);
    flat_button(g, b[CB_NO], _("No, thanks"), "N", UI_KEY);
}

void match_mode_draw(kiosk_gfx *g, const kiosk *k)
{
    if (k->screen == SCREEN_MATCH_ROLES)
        draw_roles(g, k);
    else if (k->screen == SCREEN_MATCH_CONSENT)
        draw_consent(g, k);
    else if (k->screen == SCREEN_MATCH_CONTACT)
        typing_draw(g, &k->match->kb, _("Your name and how to reach you"),
                    _("Name, e-mail or phone"), NULL, UI_SOFT, false);
    else
        draw_session(g, k);
}

int match_mode_draw_badge_pathways(kiosk_gfx *g, const kiosk *k, int x, int y, int w)
{
    const kiosk_shown *s = &k->shown;
    int drawn = 0;
    for (size_t i = 0; i < s->n_paths; i++) {
        char line[400];
        snprintf(line, sizeof line, _("%u of %u toward %s"), s->paths[i].met, s->paths[i].needed,
                 s->paths[i].title);
        drawn += ui_text(g, UI_SMALL, line, x, y + drawn, w, UI_LEFT, UI_SOFT, false);
    }
    return drawn;
}

unsigned long match_mode_shot_key(const kiosk *k)
{
    const kiosk_match *m = k->match;
    return m ? m->changes * 7ul + (m->role == NO_ROLE ? 0 : m->role + 1) : 0;
}
