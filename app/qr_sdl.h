/*
 * qr_sdl.h: a QR code as an SDL texture, for the kiosk's screens. The
 * texture is drawn module-exact (one texel per pixel of qr_pixels) and set
 * to nearest-neighbour scaling, so that the kiosk can stretch it to fill
 * the screen without blurring the modules.
 */
#ifndef TESS_QR_SDL_H
#define TESS_QR_SDL_H

#include <SDL.h>

#include "qr_render.h"

/* A static RGB texture of q drawn with style; *w and *h get its size.
 * NULL (with SDL_GetError() saying why) when SDL cannot make it. */
SDL_Texture *qr_texture(SDL_Renderer *r, const qr_code *q, const qr_style *style, int *w,
                        int *h);

#endif
