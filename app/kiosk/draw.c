/*
 * draw.c: the screens, drawn purely from the kiosk state (nothing here
 * changes it), and screenshots read back from the renderer.
 *
 * Legible from a metre away: every size is a fraction of the screen
 * height, white on a strong colour or a dark ground. A verdict is never
 * told by colour alone: a drawn icon and words go with it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <png.h>

#include "i18n.h"
#include "kiosk.h"
#include "match_mode.h"
#include "ui.h"

#define FONT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

enum { F_HUGE, F_HEAD, F_BODY, F_BODY_BOLD, F_SMALL, F_COUNT };

struct kiosk_gfx {
    SDL_Window *win;
    SDL_Renderer *ren;
    TTF_Font *font[F_COUNT];
    int w, h;
    const char *shot_dir;
    /* the last screen written as a screenshot: one file per screen shown */
    kiosk_screen shot_screen;
    unsigned shot_verdicts;
    unsigned long shot_admin;   /* what admin shows: a new one is a new shot */
    bool shot_any;
    unsigned shot_no;
    /* the idle screen's language label, where a tap changes the language */
    SDL_Rect lang_label;
    /* the camera preview: one streaming texture, made again only when the
     * frame size changes; cam_seq is the frame it holds */
    SDL_Texture *cam;
    int cam_w, cam_h;
    uint32_t *cam_px;
    unsigned cam_seq;
    bool cam_loaded;
};

/* What the idle screen shows, for screenshots (one per kind shown). */
typedef enum { IDLE_PLAIN = 0, IDLE_PREVIEW, IDLE_NO_CAMERA } idle_kind;

static idle_kind idle_kind_of(const kiosk *k)
{
    if (!kiosk_has_camera(k))
        return IDLE_PLAIN;
    if (k->camera_lost)
        return IDLE_NO_CAMERA;
    return k->preview_seq > 0 ? IDLE_PREVIEW : IDLE_PLAIN;
}

static const SDL_Color WHITE = {255, 255, 255, 255};
static const SDL_Color GREEN = {0x1b, 0x7f, 0x3b, 255};
static const SDL_Color RED = {0xb3, 0x26, 0x1e, 255};
static const SDL_Color AMBER = {0xb2, 0x6a, 0x00, 255};
static const SDL_Color BLUE = {0x1f, 0x4e, 0x9c, 255}; /* already checked in */
static const SDL_Color NAVY = {0x10, 0x1c, 0x2c, 255};
static const SDL_Color SOFT = {0xc8, 0xd2, 0xdc, 255};
static const SDL_Color WARN = {0xff, 0xc1, 0x4d, 255};

const char *kiosk_screen_name(kiosk_screen s)
{
    switch (s) {
    case SCREEN_IDLE: return "idle";
    case SCREEN_VERDICT: return "verdict";
    case SCREEN_DETAILS: return "details";
    case SCREEN_MATCH: return "match";
    case SCREEN_MATCH_ROLES: return "roles";
    case SCREEN_MATCH_CONSENT: return "consent";
    case SCREEN_MATCH_CONTACT: return "contact";
    case SCREEN_PIN: return "pin";
    case SCREEN_ADMIN: return "admin";
    case SCREEN_ADMIN_STATE: return "admin_state";
    case SCREEN_NOTICE: return "notice";
    case SCREEN_ISSUE_UNLOCK: return "issue_unlock";
    case SCREEN_ISSUE_TEMPLATE: return "issue_template";
    case SCREEN_ISSUE_NAME: return "issue_name";
    case SCREEN_ISSUE_CONFIRM: return "issue_confirm";
    case SCREEN_ISSUE_QR: return "issue_qr";
    }
    return "screen";
}

/* English (N_: marked for the catalogues); the screens show _() of it. */
const char *kiosk_reason_words(tess_status reason)
{
    switch (reason) {
    case TESS_OK: return N_("This badge is genuine and valid");
    case TESS_ERR_NOT_MC1: return N_("This is not a badge we can read");
    case TESS_ERR_BAD_BASE45:
    case TESS_ERR_BAD_COMPRESSION:
    case TESS_ERR_CBOR_MALFORMED:
    case TESS_ERR_CBOR_INDEFINITE:
    case TESS_ERR_CBOR_DUP_KEY:
    case TESS_ERR_CBOR_UTF8:
    case TESS_ERR_CBOR_DEPTH:
    case TESS_ERR_CBOR_TRAILING:
    case TESS_ERR_CBOR_STRING_LIMIT:
    case TESS_ERR_CBOR_TYPE:
    case TESS_ERR_CBOR_TOO_COMPLEX:
    case TESS_ERR_BAD_COSE: return N_("This badge is damaged and cannot be read");
    case TESS_ERR_TOO_LARGE: return N_("This code is too large to be a badge");
    case TESS_ERR_BAD_ALG: return N_("This badge uses a signature we do not accept");
    case TESS_ERR_UNKNOWN_ISSUER: return N_("We don't recognise the issuer of this badge");
    case TESS_ERR_BAD_SIGNATURE: return N_("This badge has been altered or forged");
    case TESS_ERR_BAD_CLAIMS: return N_("This badge is incomplete or malformed");
    case TESS_ERR_ISSUER_MISMATCH: return N_("This badge names a different issuer than the one who signed it");
    case TESS_ERR_OUT_OF_SCOPE: return N_("The issuer is not trusted for this kind of badge");
    case TESS_ERR_KEY_NOT_VALID: return N_("The issuer's key was not valid when this badge was issued");
    case TESS_ERR_NOT_YET_VALID: return N_("This badge is not valid yet");
    case TESS_ERR_EXPIRED: return N_("This badge has expired");
    case TESS_ERR_REVOKED: return N_("This badge has been withdrawn by its issuer");
    default: return N_("This badge could not be checked");
    }
}

kiosk_gfx *gfx_open(const kiosk *k, char *err, size_t cap)
{
    kiosk_gfx *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    g->shot_dir = k->shot_dir;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        snprintf(err, cap, "SDL: %s", SDL_GetError());
        free(g);
        return NULL;
    }
    if (TTF_Init() != 0) {
        snprintf(err, cap, "SDL_ttf: %s", TTF_GetError());
        SDL_Quit();
        free(g);
        return NULL;
    }
    Uint32 flags = k->window ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    g->win = SDL_CreateWindow("Tessera", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              k->width, k->height, flags);
    if (g->win)
        g->ren = SDL_CreateRenderer(g->win, -1, 0);
    if (!g->ren) {
        snprintf(err, cap, "SDL: %s", SDL_GetError());
        gfx_close(g);
        return NULL;
    }
    if (SDL_GetRendererOutputSize(g->ren, &g->w, &g->h) != 0 || g->w <= 0 || g->h <= 0) {
        g->w = k->width;
        g->h = k->height;
    }
    if (!k->window)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput(); /* a handheld scanner types its text */
    /* sizes as fractions of the height: legible from a metre */
    const struct { const char *path; int div; } spec[F_COUNT] = {
        [F_HUGE] = {FONT_BOLD, 8},  [F_HEAD] = {FONT_BOLD, 12},
        [F_BODY] = {FONT_REGULAR, 17}, [F_BODY_BOLD] = {FONT_BOLD, 15},
        [F_SMALL] = {FONT_REGULAR, 24},
    };
    for (int i = 0; i < F_COUNT; i++) {
        int px = g->h / spec[i].div;
        g->font[i] = TTF_OpenFont(spec[i].path, px < 8 ? 8 : px);
        if (!g->font[i]) {
            snprintf(err, cap, "%s: %s", spec[i].path, TTF_GetError());
            gfx_close(g);
            return NULL;
        }
    }
    return g;
}

void gfx_close(kiosk_gfx *g)
{
    if (!g)
        return;
    for (int i = 0; i < F_COUNT; i++)
        if (g->font[i])
            TTF_CloseFont(g->font[i]);
    if (g->cam)
        SDL_DestroyTexture(g->cam);
    free(g->cam_px);
    if (g->ren)
        SDL_DestroyRenderer(g->ren);
    if (g->win)
        SDL_DestroyWindow(g->win);
    TTF_Quit();
    SDL_Quit();
    free(g);
}

/* ---- drawing helpers ---- */

typedef enum { ALIGN_LEFT, ALIGN_CENTRE } align;

/* Draws text with its top at y; wrapped at max_w when wrap, else shrunk to
 * fit max_w. Returns the height drawn. */
static int text_at(kiosk_gfx *g, int font, const char *s, int x, int y, int max_w, align a,
                   SDL_Color c, bool wrap)
{
    if (!s || !*s)
        return 0;
    TTF_Font *f = g->font[font];
    SDL_Surface *surf;
    if (wrap) {
        TTF_SetFontWrappedAlign(f, a == ALIGN_CENTRE ? TTF_WRAPPED_ALIGN_CENTER
                                                     : TTF_WRAPPED_ALIGN_LEFT);
        surf = TTF_RenderUTF8_Blended_Wrapped(f, s, c, (Uint32)max_w);
    } else {
        surf = TTF_RenderUTF8_Blended(f, s, c);
    }
    if (!surf)
        return 0;
    SDL_Texture *t = SDL_CreateTextureFromSurface(g->ren, surf);
    SDL_Rect r = {x, y, surf->w, surf->h};
    if (r.w > max_w) { /* shrink, keeping the shape */
        r.h = (int)((long long)r.h * max_w / r.w);
        r.w = max_w;
    }
    if (a == ALIGN_CENTRE)
        r.x = x + (max_w - r.w) / 2;
    if (t) {
        SDL_RenderCopy(g->ren, t, NULL, &r);
        SDL_DestroyTexture(t);
    }
    SDL_FreeSurface(surf);
    return r.h;
}

static void fill(kiosk_gfx *g, SDL_Color c)
{
    SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, 255);
    SDL_RenderClear(g->ren);
}

static void rect(kiosk_gfx *g, SDL_Color c, int x, int y, int w, int h)
{
    SDL_Rect r = {x, y, w, h};
    SDL_SetRenderDrawColor(g->ren, c.r, c.g, c.b, 255);
    SDL_RenderFillRect(g->ren, &r);
}

static void disc(kiosk_gfx *g, SDL_Color c, float cx, float cy, float rad)
{
    enum { N = 48 };
    SDL_Vertex v[N + 1];
    int idx[N * 3];
    v[0] = (SDL_Vertex){{cx, cy}, c, {0, 0}};
    for (int i = 0; i < N; i++) {
        float a = (float)i * 6.2831853f / N;
        v[i + 1] = (SDL_Vertex){{cx + rad * SDL_cosf(a), cy + rad * SDL_sinf(a)}, c, {0, 0}};
        idx[i * 3] = 0;
        idx[i * 3 + 1] = i + 1;
        idx[i * 3 + 2] = (i + 1) % N + 1;
    }
    SDL_RenderGeometry(g->ren, NULL, v, N + 1, idx, N * 3);
}

/* A thick stroke with round ends. */
static void stroke(kiosk_gfx *g, SDL_Color c, float x0, float y0, float x1, float y1, float th)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = SDL_sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * th / 2, ny = dx / len * th / 2;
    SDL_Vertex v[4] = {
        {{x0 + nx, y0 + ny}, c, {0, 0}}, {{x1 + nx, y1 + ny}, c, {0, 0}},
        {{x1 - nx, y1 - ny}, c, {0, 0}}, {{x0 - nx, y0 - ny}, c, {0, 0}},
    };
    const int idx[6] = {0, 1, 2, 0, 2, 3};
    SDL_RenderGeometry(g->ren, NULL, v, 4, idx, 6);
    disc(g, c, x0, y0, th / 2);
    disc(g, c, x1, y1, th / 2);
}

/* The verdict's icon: a white disc with a tick, a cross or "!" in the
 * ground colour. */
static void icon(kiosk_gfx *g, kiosk_tone tone, SDL_Color ground, float cx, float cy, float s)
{
    disc(g, WHITE, cx, cy, s / 2);
    float th = s * 0.13f;
    if (tone == TONE_VALID) {
        stroke(g, ground, cx - 0.24f * s, cy + 0.02f * s, cx - 0.07f * s, cy + 0.19f * s, th);
        stroke(g, ground, cx - 0.07f * s, cy + 0.19f * s, cx + 0.25f * s, cy - 0.17f * s, th);
    } else if (tone == TONE_INVALID) {
        stroke(g, ground, cx - 0.18f * s, cy - 0.18f * s, cx + 0.18f * s, cy + 0.18f * s, th);
        stroke(g, ground, cx + 0.18f * s, cy - 0.18f * s, cx - 0.18f * s, cy + 0.18f * s, th);
    } else if (tone == TONE_DUPLICATE) {
        /* a clock face: "already, at ..." */
        disc(g, ground, cx, cy, s * 0.3f);
        disc(g, WHITE, cx, cy, s * 0.3f - th * 0.7f);
        stroke(g, ground, cx, cy, cx, cy - 0.2f * s, th * 0.7f);
        stroke(g, ground, cx, cy, cx + 0.14f * s, cy + 0.06f * s, th * 0.7f);
    } else {
        stroke(g, ground, cx, cy - 0.26f * s, cx, cy + 0.06f * s, th);
        disc(g, ground, cx, cy + 0.24f * s, th * 0.6f);
    }
}

/* "1 January 2025" in the kiosk's language: our own month names through
 * the catalogue, never strftime's locale (a kiosk has no locales). */
static void date_text(uint64_t t, char *out, size_t cap)
{
    static const char *const month[12] = {
        N_("January"), N_("February"), N_("March"),     N_("April"),
        N_("May"),     N_("June"),     N_("July"),      N_("August"),
        N_("September"), N_("October"), N_("November"), N_("December"),
    };
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11) {
        snprintf(out, cap, "?");
        return;
    }
    /* TRANSLATORS: a date: day of the month, month's name, year */
    snprintf(out, cap, _("%d %s %d"), tm.tm_mday, _(month[tm.tm_mon]), tm.tm_year + 1900);
}

static SDL_Color tone_colour(kiosk_tone t)
{
    return t == TONE_VALID       ? GREEN
           : t == TONE_INVALID   ? RED
           : t == TONE_DUPLICATE ? BLUE
                                 : AMBER;
}

static const char *headline(const kiosk_shown *s)
{
    if (s->access == ACCESS_SHOWN_ENTER)
        return _("Come in");
    if (s->access != ACCESS_SHOWN_NONE)
        return _("No entry");
    if (s->tone == TONE_VALID && s->checkin == TESS_CHECKIN_REENTRY)
        return _("Welcome back");
    if (s->tone == TONE_VALID && s->checkin == TESS_CHECKIN_FIRST)
        return _("Welcome");
    return s->tone == TONE_VALID       ? _("Valid")
           : s->tone == TONE_INVALID   ? _("Not valid")
           : s->tone == TONE_DUPLICATE ? _("Already checked in")
                                       : _("Cannot decide");
}

/* "10:32" in the kiosk's own time zone (the system's). */
static void clock_text(uint64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        snprintf(out, cap, "?");
        return;
    }
    snprintf(out, cap, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static const char *subline(const kiosk_shown *s)
{
    static char line[256];
    if (s->tone == TONE_DUPLICATE) {
        char at[16];
        clock_text(s->first_time, at, sizeof at);
        /* TRANSLATORS: under "Already checked in": when the badge was first
         * checked in (10:32) and at which kiosk ("door 2") */
        snprintf(line, sizeof line, _("at %s (%s)"), at, s->first_kiosk);
        return line;
    }
    if (s->access == ACCESS_SHOWN_ENTER)
        return _("This badge opens this door");
    if (s->access == ACCESS_SHOWN_NOT_LISTED)
        return _("This badge is valid, but it does not open this door");
    if (s->access == ACCESS_SHOWN_REFUSED && s->tone == TONE_INVALID && s->reason == TESS_OK)
        return (s->warnings & TESS_WARN_TRUST_STALE)
                   ? _("The list of trusted issuers is out of date: ask staff")
                   : _("This kiosk's clock cannot be trusted: ask staff");
    if (s->tone == TONE_VALID && s->checkin == TESS_CHECKIN_FIRST)
        return _("Checked in: this badge is authentic and valid");
    if (s->tone == TONE_VALID && s->checkin == TESS_CHECKIN_REENTRY)
        return _("Checked in again: this badge is authentic and valid");
    if (s->tone == TONE_UNDECIDED)
        return (s->warnings & TESS_WARN_TRUST_STALE)
                   ? _("The list of trusted issuers is out of date: ask staff")
                   : _("This kiosk's clock cannot be trusted: ask staff");
    if (s->reason == TESS_ERR_EXPIRED && s->has_cred && s->has_exp) {
        /* say when: "This badge has expired (on 1 January 2025)" */
        char day[64];
        date_text(s->exp, day, sizeof day);
        /* TRANSLATORS: the reason, then the date it expired */
        snprintf(line, sizeof line, _("%s (on %s)"), _(kiosk_reason_words(s->reason)), day);
        return line;
    }
    return _(kiosk_reason_words(s->reason));
}

/* ---- the screens ---- */

/* The language label in the idle screen's top right corner: the
 * language's own name, boxed, so that it reads as something to tap. */
static void draw_language(kiosk_gfx *g, const kiosk *k)
{
    TTF_Font *f = g->font[F_SMALL];
    const char *name = i18n_native_name(k->lang);
    int tw = 0, th = 0;
    if (TTF_SizeUTF8(f, name, &tw, &th) != 0)
        return;
    int pad = th / 3, bw = tw + 2 * pad, bh = th + pad, m = g->h / 40;
    SDL_Rect r = {g->w - bw - m, m, bw, bh};
    rect(g, SOFT, r.x, r.y, r.w, r.h);
    rect(g, NAVY, r.x + 2, r.y + 2, r.w - 4, r.h - 4);
    text_at(g, F_SMALL, name, r.x + pad, r.y + pad / 2, tw, ALIGN_LEFT, WHITE, false);
    /* a finger is wider than the label: the whole corner counts */
    g->lang_label = (SDL_Rect){r.x - m, 0, r.w + 2 * m, r.h + 2 * m};
}

bool gfx_hits_language(const kiosk_gfx *g, int x, int y)
{
    SDL_Point p = {x, y};
    return g->lang_label.w > 0 && SDL_PointInRect(&p, &g->lang_label);
}

void gfx_size(const kiosk_gfx *g, int *w, int *h)
{
    *w = g->w;
    *h = g->h;
}

/* The camera guide: four corner brackets around (x0, y0, gw, gh); with
 * an outline (pad > 0), seen over a light frame as well as a dark one. */
static void brackets(kiosk_gfx *g, SDL_Color c, int x0, int y0, int gw, int gh, int pad)
{
    int side = gw < gh ? gw : gh, arm = side / 4, th = g->h / 60 + 2;
    for (int i = 0; i < 4; i++) {
        int x = i & 1 ? x0 + gw - arm : x0, y = i & 2 ? y0 + gh - th : y0;
        rect(g, c, x - pad, y - pad, arm + 2 * pad, th + 2 * pad);
        int vx = i & 1 ? x0 + gw - th : x0, vy = i & 2 ? y0 + gh - arm : y0;
        rect(g, c, vx - pad, vy - pad, th + 2 * pad, arm + 2 * pad);
    }
}

static void guide(kiosk_gfx *g, int x0, int y0, int gw, int gh, bool outline)
{
    if (outline)
        brackets(g, NAVY, x0, y0, gw, gh, 2);
    brackets(g, WHITE, x0, y0, gw, gh, 0);
}

/* The latest frame into the streaming texture, grey to ARGB: only a new
 * frame is uploaded; the texture and its buffer are made once per size. */
static bool upload_preview(kiosk_gfx *g, const kiosk *k)
{
    int fw = k->preview_w, fh = k->preview_h;
    if (!k->preview || fw <= 0 || fh <= 0)
        return false;
    if (!g->cam || g->cam_w != fw || g->cam_h != fh) {
        if (g->cam)
            SDL_DestroyTexture(g->cam);
        free(g->cam_px);
        g->cam_px = malloc((size_t)fw * (size_t)fh * sizeof *g->cam_px);
        g->cam = g->cam_px ? SDL_CreateTexture(g->ren, SDL_PIXELFORMAT_ARGB8888,
                                               SDL_TEXTUREACCESS_STREAMING, fw, fh)
                           : NULL;
        g->cam_w = fw;
        g->cam_h = fh;
        g->cam_loaded = false;
        if (!g->cam)
            return false;
    }
    if (!g->cam_loaded || g->cam_seq != k->preview_seq) {
        size_t n = (size_t)fw * (size_t)fh;
        for (size_t i = 0; i < n; i++)
            g->cam_px[i] = 0xff000000u | (uint32_t)k->preview[i] * 0x010101u;
        if (SDL_UpdateTexture(g->cam, NULL, g->cam_px, fw * (int)sizeof *g->cam_px) != 0)
            return false;
        g->cam_seq = k->preview_seq;
        g->cam_loaded = true;
    }
    return true;
}

/* The idle screen with a camera: the live frame scaled to fit, the guide
 * where the scanner looks (its region of interest), a hint line. */
static void draw_preview(kiosk_gfx *g, const kiosk *k)
{
    int w = g->w, h = g->h;
    fill(g, NAVY);
    int area_h = h * 86 / 100;
    int fw = k->preview_w, fh = k->preview_h;
    SDL_Rect r = {0, 0, w, area_h};
    if (fw > 0 && fh > 0) { /* fit, keeping the shape */
        if ((long long)w * fh <= (long long)area_h * fw) {
            r.h = (int)((long long)w * fh / fw);
        } else {
            r.w = (int)((long long)area_h * fw / fh);
        }
        r.x = (w - r.w) / 2;
        r.y = (area_h - r.h) / 2;
    }
    if (upload_preview(g, k))
        SDL_RenderCopy(g->ren, g->cam, NULL, &r);
    int gw = r.w * CAMERA_ROI_PCT / 100, gh = r.h * CAMERA_ROI_PCT / 100;
    guide(g, r.x + (r.w - gw) / 2, r.y + (r.h - gh) / 2, gw, gh, true);
    draw_language(g, k);
    text_at(g, F_SMALL, _("Hold your badge inside the frame"), w / 20, area_h + h / 50,
            w * 9 / 10, ALIGN_CENTRE, WHITE, false);
    if (k->config_problem[0])
        text_at(g, F_SMALL, k->config_problem, w / 20, h * 94 / 100, w * 9 / 10, ALIGN_CENTRE,
                WARN, false);
}

/* Check-in mode: the event and its running counts, across every kiosk
 * merged into this one's log; and, in any mode, a log that cannot be
 * written (the kiosk then verifies only). */
static void draw_checkin_counts(kiosk_gfx *g, const kiosk *k, int y)
{
    int w = g->w;
    char line[512];
    bool counts = k->cfg.mode == MODE_CHECKIN && k->have_event;
    if (counts) {
        /* TRANSLATORS: the event's name, then its counts */
        snprintf(line, sizeof line, _("%s: %llu checked in, %llu already in, %llu refused"),
                 k->event.name[0] ? k->event.name : k->event.id,
                 (unsigned long long)k->counts.checked_in,
                 (unsigned long long)k->counts.duplicates,
                 (unsigned long long)k->counts.refused);
        y += text_at(g, F_BODY_BOLD, line, w / 20, y, w * 9 / 10, ALIGN_CENTRE, WHITE, false);
        if (k->event.keep_names && !k->store_problem[0])
            text_at(g, F_SMALL, _("This event keeps visitors' names in its list"), w / 20, y,
                    w * 9 / 10, ALIGN_CENTRE, SOFT, false);
    }
    if (k->store_problem[0]) {
        snprintf(line, sizeof line, _("Not recording (%s): verifying only"), k->store_problem);
        text_at(g, F_SMALL, line, w / 20, y, w * 9 / 10, ALIGN_CENTRE, WARN, false);
    }
}

/* A kiosk with no trust bundle yet: what to do, for staff. */
static void draw_not_ready(kiosk_gfx *g, const kiosk *k)
{
    int w = g->w, h = g->h;
    fill(g, NAVY);
    int y = h * 20 / 100;
    y += text_at(g, F_HUGE, _("Not ready yet"), w / 20, y, w * 9 / 10, ALIGN_CENTRE, WARN, true);
    y += h / 30;
    y += text_at(g, F_BODY, _("This kiosk has no list of trusted issuers yet, so it cannot check badges."),
                 w / 20, y, w * 9 / 10, ALIGN_CENTRE, WHITE, true);
    y += h / 30;
    text_at(g, F_BODY_BOLD, _("Staff: insert the provisioning USB stick."), w / 20, y,
            w * 9 / 10, ALIGN_CENTRE, WHITE, true);
    text_at(g, F_SMALL, k->state_dir, w / 20, h * 90 / 100, w * 9 / 10, ALIGN_CENTRE, SOFT,
            false);
}

static void draw_idle(kiosk_gfx *g, const kiosk *k)
{
    if (k->unprovisioned) {
        draw_not_ready(g, k);
        return;
    }
    int w = g->w, h = g->h;
    fill(g, NAVY);
    int side = h * 30 / 100;
    guide(g, (w - side) / 2, h * 7 / 100, side, side, false);
    draw_language(g, k);
    /* with check-in counts or a log problem below it, the call is smaller */
    bool more = (k->cfg.mode == MODE_CHECKIN && k->have_event) || k->store_problem[0];
    int font = more ? F_HEAD : F_HUGE, y = h * 42 / 100;
    if (idle_kind_of(k) == IDLE_NO_CAMERA)
        y += text_at(g, font, _("Camera not available"), w / 20, y, w * 9 / 10, ALIGN_CENTRE,
                     WARN, true);
    else
        y += text_at(g, font, _("Show your badge to the camera"), w / 20, y, w * 9 / 10,
                     ALIGN_CENTRE, WHITE, true);

    char line[512], when[64];
    uint64_t age = k->now > k->bundle_issued_at ? (k->now - k->bundle_issued_at) / 86400 : 0;
    bool stale = k->now > k->bundle_expires;
    const char *from = k->publisher[0] ? k->publisher : _("(unnamed publisher)");
    if (stale)
        snprintf(line, sizeof line,
                 i18n_plural("Trusted issuers from %s, updated %llu day ago (expired)",
                             "Trusted issuers from %s, updated %llu days ago (expired)",
                             (unsigned long)age),
                 from, (unsigned long long)age);
    else
        snprintf(line, sizeof line,
                 i18n_plural("Trusted issuers from %s, updated %llu day ago",
                             "Trusted issuers from %s, updated %llu days ago",
                             (unsigned long)age),
                 from, (unsigned long long)age);
    text_at(g, F_SMALL, line, w / 20, h * 78 / 100, w * 9 / 10, ALIGN_CENTRE, stale ? WARN : SOFT,
            false);
    draw_checkin_counts(g, k, y + h / 40);
    date_text(k->now, when, sizeof when);
    if (k->have_at)
        snprintf(line, sizeof line, _("Clock: fixed at %s (test)"), when);
    else if (k->clock_behind)
        snprintf(line, sizeof line, "%s", _("Clock: behind the last known time, dates cannot be judged"));
    else
        snprintf(line, sizeof line, _("Clock OK, %s"), when);
    text_at(g, F_SMALL, line, w / 20, h * 87 / 100, w * 9 / 10, ALIGN_CENTRE,
            k->clock_behind || stale ? WARN : SOFT, false);
    /* a bad settings file is said on screen too, for staff to see */
    if (k->config_problem[0])
        text_at(g, F_SMALL, k->config_problem, w / 20, h * 94 / 100, w * 9 / 10, ALIGN_CENTRE,
                WARN, false);
}

static void draw_verdict(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_shown *s = &k->shown;
    int w = g->w, h = g->h;
    SDL_Color ground = tone_colour(s->tone);
    fill(g, ground);
    float size = (float)(h * 45 / 100 < w * 30 / 100 ? h * 45 / 100 : w * 30 / 100);
    icon(g, s->tone, ground, (float)w * 0.2f, (float)h * 0.42f, size);

    int x = w * 38 / 100, tw = w - x - w / 20, y = h * 12 / 100;
    y += text_at(g, F_HUGE, headline(s), x, y, tw, ALIGN_LEFT, WHITE, false);
    y += h / 40;
    y += text_at(g, F_BODY_BOLD, subline(s), x, y, tw, ALIGN_LEFT, WHITE, true);
    if (s->has_cred) {
        y += h / 20;
        y += text_at(g, F_HEAD, s->holder, x, y, tw, ALIGN_LEFT, WHITE, false);
        y += h / 80;
        text_at(g, F_BODY, s->title, x, y, tw, ALIGN_LEFT, WHITE, true);
        text_at(g, F_SMALL, _("Tap for details"), w / 20, h * 88 / 100, w * 9 / 10, ALIGN_CENTRE,
                WHITE, false);
    }
    /* the holder is told when this event keeps names (issue 6) */
    if (s->name_kept)
        text_at(g, F_SMALL, _("Your name is kept in this event's list of visitors"), w / 20,
                h * 80 / 100, w * 9 / 10, ALIGN_CENTRE, WHITE, false);
}

static void draw_details(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_shown *s = &k->shown;
    int w = g->w, h = g->h;
    fill(g, NAVY);
    SDL_Color band = tone_colour(s->tone);
    int band_h = h * 22 / 100;
    rect(g, band, 0, 0, w, band_h);
    float isz = (float)band_h * 0.8f;
    icon(g, s->tone, band, (float)w / 20 + isz / 2, (float)band_h / 2, isz);
    int hx = w / 20 + (int)isz + w / 30;
    text_at(g, F_HEAD, headline(s), hx, band_h / 2 - h / 16, w - hx - w / 20, ALIGN_LEFT, WHITE,
            false);
    text_at(g, F_SMALL, subline(s), hx, band_h / 2 + h / 60, w - hx - w / 20, ALIGN_LEFT, WHITE,
            false);

    char skills[K_SKILLS * (K_SKILL + 2) + 32] = "", iat[64], exp[64], eqf[64] = "";
    size_t used = 0;
    for (size_t i = 0; i < s->n_skills && used < sizeof skills; i++) {
        int wrote = snprintf(skills + used, sizeof skills - used, "%s%s", i ? ", " : "",
                             match_mode_skill_name(k, s->skills[i]));
        if (wrote < 0)
            break;
        used += (size_t)wrote;
    }
    if (s->more_skills) {
        size_t n = strlen(skills);
        snprintf(skills + n, sizeof skills - n, " ");
        n = strlen(skills);
        snprintf(skills + n, sizeof skills - n, _("and %zu more"), s->more_skills);
    }
    date_text(s->iat, iat, sizeof iat);
    if (s->has_exp)
        date_text(s->exp, exp, sizeof exp);
    else
        snprintf(exp, sizeof exp, "%s", _("no expiry"));
    if (s->has_eqf)
        snprintf(eqf, sizeof eqf, _("Level %llu"), (unsigned long long)s->eqf);
    /* The badge's own words are shown as written, never translated: say
     * in which language they are ("Deutsch", or the tag as given). */
    char lang[K_LANG + 64] = "";
    if (s->lang[0]) {
        const char *name = i18n_tag_name(s->lang);
        snprintf(lang, sizeof lang, "%s", name ? name : s->lang);
    }
    const struct { const char *label, *value; } rows[] = {
        {_("Holder"), s->holder},    {_("Badge"), s->title},  {_("Awarded by"), s->awarder},
        {_("Signed by"), s->issuer}, {_("Issued"), iat},      {_("Expires"), exp},
        {_("Skills"), skills},       {_("EQF"), eqf},         {_("Language"), lang},
    };
    int y = band_h + h / 30, lx = w / 20, vx = w * 30 / 100, vw = w - vx - w / 20;
    size_t shown = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        shown += rows[i].value[0] != '\0';
    int row_h = h / 12;
    if (shown && y + (int)shown * row_h > h - h / 50)
        row_h = (h - h / 50 - y) / (int)shown;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i].value[0])
            continue;
        text_at(g, F_BODY, rows[i].label, lx, y, vx - lx - w / 40, ALIGN_LEFT, SOFT, false);
        text_at(g, F_BODY_BOLD, rows[i].value, vx, y, vw, ALIGN_LEFT, WHITE, false);
        y += row_h;
    }
    /* the pathways this badge counts toward, where room is left */
    if (s->n_paths && y < h - h / 20)
        match_mode_draw_badge_pathways(g, k, lx, y, w - 2 * lx);
}

/* ---- admin (admin.h): large buttons, the PIN as dots ---- */

static void button(kiosk_gfx *g, SDL_Rect r, const char *label, const char *corner,
                   SDL_Color ground)
{
    rect(g, SOFT, r.x, r.y, r.w, r.h);
    rect(g, ground, r.x + 3, r.y + 3, r.w - 6, r.h - 6);
    TTF_Font *f = g->font[F_BODY_BOLD];
    int lh = TTF_FontLineSkip(f);
    /* wrapped in the button, centred on its middle */
    int pad = r.w / 12, tw = r.w - 2 * pad;
    int tw_one = 0, th_one = 0;
    TTF_SizeUTF8(f, label, &tw_one, &th_one);
    /* one word is shrunk to fit, never cut in two */
    bool wrap = strchr(label, ' ') != NULL;
    int lines = wrap && tw_one > tw ? (tw_one + tw - 1) / tw : 1;
    int y = r.y + (r.h - lines * lh) / 2;
    text_at(g, F_BODY_BOLD, label, r.x + pad, y, tw, ALIGN_CENTRE, WHITE, wrap);
    if (corner)
        text_at(g, F_SMALL, corner, r.x + r.w / 30 + 4, r.y + 6, r.w / 4, ALIGN_LEFT, SOFT,
                false);
}

static void draw_pin(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_admin *a = &k->admin;
    int w = g->w, h = g->h;
    fill(g, NAVY);
    SDL_Rect r[ADMIN_MAX_BUTTONS];
    admin_buttons(SCREEN_PIN, w, h, r);
    int lx = w / 20, lw = w * 40 / 100;
    text_at(g, F_HEAD, _("Admin PIN"), lx, h * 8 / 100, lw, ALIGN_CENTRE, WHITE, false);
    /* the PIN as dots, never its digits */
    float dot = (float)h / 30;
    size_t shown = a->pin_len < 10 ? a->pin_len : 10;
    float x0 = (float)lx + (float)lw / 2 - (float)shown * dot * 1.5f + dot * 0.75f;
    for (size_t i = 0; i < shown; i++)
        disc(g, WHITE, x0 + (float)i * dot * 3.0f, (float)h * 0.32f, dot);
    rect(g, SOFT, lx, h * 38 / 100, lw, 3);
    if (a->msg)
        text_at(g, F_BODY_BOLD, _(a->msg), lx, h * 44 / 100, lw, ALIGN_CENTRE, WARN, true);
    SDL_Color key = {0x24, 0x3b, 0x55, 255};
    for (int d = 0; d <= 9; d++) {
        char label[2] = {(char)('0' + d), '\0'};
        button(g, r[d], label, NULL, a->locked ? NAVY : key);
    }
    button(g, r[PIN_CLEAR], _("Clear"), NULL, key);
    button(g, r[PIN_OK], _("OK"), NULL, GREEN);
    button(g, r[PIN_CANCEL], _("Cancel"), NULL, key);
}

static void draw_admin(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_admin *a = &k->admin;
    int w = g->w, h = g->h;
    fill(g, NAVY);
    SDL_Rect r[ADMIN_MAX_BUTTONS];
    admin_buttons(SCREEN_ADMIN, w, h, r);
    SDL_Color key = {0x24, 0x3b, 0x55, 255};
    button(g, r[ADM_BACK], _("Back"), NULL, key);
    text_at(g, F_HEAD, _("Admin"), r[ADM_BACK].x + r[ADM_BACK].w + w / 30, h * 5 / 100,
            w - r[ADM_BACK].w - w / 10, ALIGN_CENTRE, WHITE, false);
    char lang[128];
    snprintf(lang, sizeof lang, "%s: %s", _("Language"), i18n_native_name(k->lang));
    button(g, r[ADM_INSTALL], _("Install a trust bundle from a USB stick"), "1", key);
    button(g, r[ADM_LANGUAGE], lang, "2", key);
    button(g, r[ADM_STATE], _("State"), "3", key);
    button(g, r[ADM_QUIT], _("Quit"), "4", RED);
    button(g, r[ADM_EXPORT], _("Export the log to the USB stick"), "5", key);
    /* greyed until the settings name the issuer key and id (a press says so) */
    SDL_Color off = {0x3a, 0x40, 0x48, 255};
    button(g, r[ADM_ISSUE], _("Issue credentials"), "6", issue_ready(k) ? key : off);
    if (a->result[0]) {
        int y = h * 83 / 100;
        y += text_at(g, F_SMALL, a->result_title ? _(a->result_title) : "", w / 20, y,
                     w * 9 / 10, ALIGN_CENTRE, a->result_ok ? WHITE : WARN, false);
        text_at(g, F_SMALL, a->result, w / 20, y, w * 9 / 10, ALIGN_CENTRE, SOFT, false);
    }
}

/* "1 January 2025, 14:05 UTC" */
static void when_text(uint64_t t, char *out, size_t cap)
{
    char day[64];
    date_text(t, day, sizeof day);
    snprintf(out, cap, "%s, %02u:%02u UTC", day, (unsigned)(t / 3600 % 24),
             (unsigned)(t / 60 % 60));
}

static void draw_admin_state(kiosk_gfx *g, const kiosk *k)
{
    int w = g->w, h = g->h;
    fill(g, NAVY);
    SDL_Rect r[ADMIN_MAX_BUTTONS];
    admin_buttons(SCREEN_ADMIN_STATE, w, h, r);
    SDL_Color key = {0x24, 0x3b, 0x55, 255};
    button(g, r[ADM_BACK], _("Back"), NULL, key);
    text_at(g, F_HEAD, _("State"), r[ADM_BACK].x + r[ADM_BACK].w + w / 30, h * 5 / 100,
            w - r[ADM_BACK].w - w / 10, ALIGN_CENTRE, WHITE, false);
    char version[32], issued[96], expires[96], issuers[32], revoked[32], floor[96], clock[96],
        verdicts[32];
    snprintf(version, sizeof version, "%llu", (unsigned long long)k->ks.bundle.version);
    date_text(k->bundle_issued_at, issued, sizeof issued);
    date_text(k->bundle_expires, expires, sizeof expires);
    snprintf(issuers, sizeof issuers, "%zu", k->ks.bundle.n_issuers);
    snprintf(revoked, sizeof revoked, "%zu", k->ks.bundle.n_revoked);
    when_text(k->floor, floor, sizeof floor);
    when_text(k->now, clock, sizeof clock);
    snprintf(verdicts, sizeof verdicts, "%u", k->verdicts);
    const struct { const char *label, *value; } rows[] = {
        {_("Bundle version"), version}, {_("Publisher"), k->publisher},
        {_("Issued"), issued},          {_("Expires"), expires},
        {_("Issuers"), issuers},        {_("Revoked badges"), revoked},
        {_("Time floor"), floor},       {_("Clock"), clock},
        {_("Verdicts since start"), verdicts},
    };
    int y = h * 20 / 100, lx = w / 20, vx = w * 42 / 100, vw = w - vx - w / 20;
    int row_h = h * 8 / 100;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        text_at(g, F_BODY, rows[i].label, lx, y, vx - lx - w / 40, ALIGN_LEFT, SOFT, false);
        text_at(g, F_BODY_BOLD, rows[i].value[0] ? rows[i].value : "-", vx, y, vw, ALIGN_LEFT,
                WHITE, false);
        y += row_h;
    }
}

static void draw_notice(kiosk_gfx *g, const kiosk *k)
{
    int w = g->w, h = g->h;
    fill(g, NAVY);
    if (k->admin.msg)
        text_at(g, F_HEAD, _(k->admin.msg), w / 10, h * 40 / 100, w * 8 / 10, ALIGN_CENTRE, WARN,
                true);
}

/* ---- the kit for the modes' screens (ui.h) ---- */

const SDL_Color UI_WHITE = {255, 255, 255, 255}, UI_GREEN = {0x1b, 0x7f, 0x3b, 255},
                UI_RED = {0xb3, 0x26, 0x1e, 255}, UI_AMBER = {0xb2, 0x6a, 0x00, 255},
                UI_BLUE = {0x1f, 0x4e, 0x9c, 255}, UI_NAVY = {0x10, 0x1c, 0x2c, 255},
                UI_SOFT = {0xc8, 0xd2, 0xdc, 255}, UI_WARN = {0xff, 0xc1, 0x4d, 255},
                UI_KEY = {0x24, 0x3b, 0x55, 255};

_Static_assert((int)UI_HUGE == (int)F_HUGE && (int)UI_HEAD == (int)F_HEAD &&
                   (int)UI_BODY == (int)F_BODY && (int)UI_BODY_BOLD == (int)F_BODY_BOLD &&
                   (int)UI_SMALL == (int)F_SMALL,
               "ui.h's fonts are draw.c's");

void ui_size(const kiosk_gfx *g, int *w, int *h)
{
    *w = g->w;
    *h = g->h;
}

SDL_Renderer *ui_renderer(kiosk_gfx *g)
{
    return g->ren;
}

int ui_text(kiosk_gfx *g, int font, const char *s, int x, int y, int max_w, ui_align a,
            SDL_Color c, bool wrap)
{
    return text_at(g, font, s, x, y, max_w, a == UI_CENTRE ? ALIGN_CENTRE : ALIGN_LEFT, c, wrap);
}

void ui_text_size(kiosk_gfx *g, int font, const char *s, int *w, int *h)
{
    *w = *h = 0;
    if (font >= 0 && font < F_COUNT && s && *s)
        TTF_SizeUTF8(g->font[font], s, w, h);
}

void ui_fill(kiosk_gfx *g, SDL_Color c)
{
    fill(g, c);
}

void ui_rect(kiosk_gfx *g, SDL_Color c, int x, int y, int w, int h)
{
    rect(g, c, x, y, w, h);
}

void ui_button(kiosk_gfx *g, SDL_Rect r, const char *label, const char *corner,
               SDL_Color ground)
{
    button(g, r, label, corner, ground);
}

void ui_date(uint64_t t, char *out, size_t cap)
{
    date_text(t, out, cap);
}

/* ---- screenshots ---- */

static bool write_png(const char *path, const uint8_t *rgb, int w, int h)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info || setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, info ? &info : NULL);
        fclose(f);
        remove(path);
        return false;
    }
    png_init_io(p, f);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(p, info);
    for (int y = 0; y < h; y++)
        png_write_row(p, rgb + (size_t)y * (size_t)w * 3);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    return fclose(f) == 0;
}

static bool screenshot(kiosk_gfx *g, const char *name)
{
    uint8_t *rgb = malloc((size_t)g->w * (size_t)g->h * 3);
    if (!rgb)
        return false;
    bool ok = SDL_RenderReadPixels(g->ren, NULL, SDL_PIXELFORMAT_RGB24, rgb, g->w * 3) == 0;
    if (ok) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%04u-%s.png", g->shot_dir, g->shot_no, name);
        ok = write_png(path, rgb, g->w, g->h);
        if (!ok)
            fprintf(stderr, "tessera-kiosk: %s: the screenshot could not be written\n", path);
        g->shot_no++;
    } else {
        fprintf(stderr, "tessera-kiosk: screenshot: %s\n", SDL_GetError());
    }
    /* a screenshot of a verdict holds the holder's name: wipe the copy */
    memset(rgb, 0, (size_t)g->w * (size_t)g->h * 3);
    free(rgb);
    return ok;
}

bool gfx_draw(kiosk_gfx *g, const kiosk *k)
{
    i18n_set_language(k->lang);
    g->lang_label = (SDL_Rect){0, 0, 0, 0}; /* only the idle screen has one */
    switch (k->screen) {
    case SCREEN_IDLE:
        if (idle_kind_of(k) == IDLE_PREVIEW)
            draw_preview(g, k);
        else
            draw_idle(g, k);
        break;
    case SCREEN_VERDICT: draw_verdict(g, k); break;
    case SCREEN_DETAILS: draw_details(g, k); break;
    case SCREEN_MATCH:
    case SCREEN_MATCH_ROLES:
    case SCREEN_MATCH_CONSENT:
    case SCREEN_MATCH_CONTACT: match_mode_draw(g, k); break;
    case SCREEN_PIN: draw_pin(g, k); break;
    case SCREEN_ADMIN: draw_admin(g, k); break;
    case SCREEN_ADMIN_STATE: draw_admin_state(g, k); break;
    case SCREEN_NOTICE: draw_notice(g, k); break;
    case SCREEN_ISSUE_UNLOCK:
    case SCREEN_ISSUE_TEMPLATE:
    case SCREEN_ISSUE_NAME:
    case SCREEN_ISSUE_CONFIRM:
    case SCREEN_ISSUE_QR: issue_draw(g, k); break;
    }
    bool ok = true;
    /* on the admin screens, a new dot, message or result is a new shot */
    unsigned long adm = 0;
    if (issue_screen(k->screen))
        adm = issue_shot_key(k) + (unsigned long)k->lang * 1000;
    else if (k->screen >= SCREEN_PIN)
        adm = 1 + k->admin.pin_len * 8 + (k->admin.msg != NULL) * 2 + (k->admin.locked ? 4 : 0) +
              (unsigned long)k->lang * 1000 + (k->admin.result[0] ? 10000 : 0) +
              (k->admin.result_ok ? 20000 : 0);
    else if (k->screen >= SCREEN_MATCH && k->screen <= SCREEN_MATCH_CONTACT)
        adm = match_mode_shot_key(k) + 1;
    else if (k->screen == SCREEN_IDLE)
        /* the preview, no camera, or a language tapped: a new shot */
        adm = idle_kind_of(k) + (unsigned long)k->lang * 1000 + (k->unprovisioned ? 10 : 0);
    bool new_screen = !g->shot_any || g->shot_screen != k->screen ||
                      g->shot_verdicts != k->verdicts || g->shot_admin != adm;
    if (g->shot_dir && new_screen) {
        bool preview = k->screen == SCREEN_IDLE && idle_kind_of(k) == IDLE_PREVIEW;
        ok = screenshot(g, preview ? "preview" : kiosk_screen_name(k->screen));
        g->shot_any = true;
        g->shot_screen = k->screen;
        g->shot_verdicts = k->verdicts;
        g->shot_admin = adm;
    }
    SDL_RenderPresent(g->ren);
    return ok;
}
