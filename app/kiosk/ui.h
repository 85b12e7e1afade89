/*
 * ui.h: the kiosk's drawing kit for the screens of its modes (issue,
 * match), drawn by their own files through the same fonts, colours and
 * buttons as draw.c's. Everything here draws on the frame being made by
 * gfx_draw; nothing presents it.
 */
#ifndef TESS_KIOSK_UI_H
#define TESS_KIOSK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "kiosk.h"

/* The kiosk's fonts, largest first (sizes follow the screen's height). */
enum { UI_HUGE = 0, UI_HEAD, UI_BODY, UI_BODY_BOLD, UI_SMALL };
typedef enum { UI_LEFT = 0, UI_CENTRE } ui_align;

extern const SDL_Color UI_WHITE, UI_GREEN, UI_RED, UI_AMBER, UI_BLUE, UI_NAVY, UI_SOFT, UI_WARN,
    UI_KEY;

/* The frame's size in pixels, and its renderer (for textures). */
void ui_size(const kiosk_gfx *g, int *w, int *h);
SDL_Renderer *ui_renderer(kiosk_gfx *g);
/* Text with its top at y: wrapped at max_w when wrap, else shrunk to fit.
 * Returns the height drawn. */
int ui_text(kiosk_gfx *g, int font, const char *s, int x, int y, int max_w, ui_align a,
            SDL_Color c, bool wrap);
/* Width and height the text would take in font, unwrapped. */
void ui_text_size(kiosk_gfx *g, int font, const char *s, int *w, int *h);
void ui_fill(kiosk_gfx *g, SDL_Color c);
void ui_rect(kiosk_gfx *g, SDL_Color c, int x, int y, int w, int h);
/* A large button: a frame, the label centred (wrapped at blanks), and a
 * small key name in its corner (NULL: none). */
void ui_button(kiosk_gfx *g, SDL_Rect r, const char *label, const char *corner,
               SDL_Color ground);
/* "1 January 2025" in the kiosk's language. */
void ui_date(uint64_t t, char *out, size_t cap);

#endif
