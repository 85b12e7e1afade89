/*
 * typing.h: a screen for typing with the on-screen keyboard (osk.h): a
 * title, the field with what is typed (or dots, or a grey hint) and a
 * cursor, a line under it, and the keyboard. Issue mode types a
 * passphrase and a learner's name on it; the booth, a candidate's contact.
 */
#ifndef TESS_KIOSK_TYPING_H
#define TESS_KIOSK_TYPING_H

#include <stdbool.h>

#include "osk.h"
#include "ui.h"

/* line: under the field (NULL: none), in line_colour. locked: the
 * character keys are shown dimmed (typing is locked for a while). */
void typing_draw(kiosk_gfx *g, const osk *kb, const char *title, const char *hint,
                 const char *line, SDL_Color line_colour, bool locked);

#endif
