/* typing.c: the typing screen, as typing.h says. */
#include "typing.h"

#include "i18n.h"

static void draw_keyboard(kiosk_gfx *g, const osk *o, int w, int h, bool locked)
{
    osk_key keys[OSK_MAX_KEYS];
    int n = osk_layout(o, osk_area(w, h), keys);
    SDL_Color shift_on = UI_BLUE, off = {0x1a, 0x29, 0x3b, 255};
    for (int i = 0; i < n; i++) {
        const osk_key *key = &keys[i];
        SDL_Rect r = {key->r.x, key->r.y, key->r.w, key->r.h};
        switch (key->kind) {
        case OSK_KEY_CHAR: ui_button(g, r, key->text, NULL, locked ? off : UI_KEY); break;
        case OSK_KEY_SHIFT:
            ui_button(g, r, "\xE2\x87\xA7", NULL, o->shift ? shift_on : UI_KEY); /* ⇧ */
            break;
        case OSK_KEY_LAYER:
            /* TRANSLATORS: the keyboard key back to plain letters */
            ui_button(g, r, o->accents ? _("abc") : "\xC3\xA0\xC3\xA9@", NULL,
                      o->accents ? shift_on : UI_KEY);
            break;
        case OSK_KEY_BACKSPACE: ui_button(g, r, "\xE2\x86\x90", NULL, UI_KEY); break; /* ← */
        /* TRANSLATORS: the keyboard's space bar */
        case OSK_KEY_SPACE: ui_button(g, r, _("space"), NULL, UI_KEY); break;
        case OSK_KEY_CANCEL: ui_button(g, r, _("Cancel"), NULL, UI_KEY); break;
        case OSK_KEY_DONE: ui_button(g, r, _("OK"), NULL, UI_GREEN); break;
        }
    }
}

/* The title, the field with what is typed (or dots) and a cursor, the
 * message, and the keyboard. */
void typing_draw(kiosk_gfx *g, const osk *kb, const char *title, const char *hint,
                 const char *line, SDL_Color line_colour, bool locked)
{
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    int x = w / 40, fw = w - 2 * x;
    ui_text(g, UI_HEAD, title, x, h * 2 / 100, fw, UI_LEFT, UI_WHITE, false);
    int fy = h * 16 / 100, fh = h * 13 / 100;
    ui_rect(g, UI_SOFT, x, fy, fw, fh);
    ui_rect(g, UI_WHITE, x + 3, fy + 3, fw - 6, fh - 6);
    char shown[OSK_MAX_TEXT * 3 + 1];
    osk_shown(kb, shown, sizeof shown);
    int tw = 0, th = 0;
    ui_text_size(g, UI_HEAD, shown[0] ? shown : "M", &tw, &th);
    int pad = fh / 6, inner = fw - 2 * pad - 8;
    if (shown[0])
        ui_text(g, UI_HEAD, shown, x + pad, fy + (fh - th) / 2, inner, UI_LEFT, UI_NAVY, false);
    else if (hint)
        ui_text(g, UI_BODY, hint, x + pad + 14, fy + fh / 4, inner - 14, UI_LEFT, UI_SOFT,
                false);
    int cx = x + pad + (shown[0] ? (tw < inner ? tw : inner) : 0) + 2;
    ui_rect(g, UI_BLUE, cx, fy + fh / 5, 4, fh * 3 / 5);
    if (line)
        ui_text(g, UI_BODY_BOLD, line, x, h * 30 / 100, fw, UI_LEFT, line_colour, false);
    draw_keyboard(g, kb, w, h, locked);
}
