/* QR codes as SDL textures. */
#include "qr_sdl.h"

#include <stdlib.h>

SDL_Texture *qr_texture(SDL_Renderer *r, const qr_code *q, const qr_style *style, int *w,
                        int *h)
{
    int pw, ph;
    uint8_t *grey = qr_pixels(q, style, &pw, &ph);
    if (!grey) {
        SDL_SetError("the QR code cannot be drawn at this scale");
        return NULL;
    }
    uint8_t *rgb = malloc((size_t)pw * (size_t)ph * 3);
    SDL_Texture *t = NULL;
    if (rgb) {
        for (size_t i = 0; i < (size_t)pw * (size_t)ph; i++)
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        t = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STATIC, pw, ph);
        if (t && SDL_UpdateTexture(t, NULL, rgb, pw * 3) != 0) {
            SDL_DestroyTexture(t);
            t = NULL;
        }
        /* Stretched to the screen, modules stay sharp-edged squares. */
        if (t)
            SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    } else {
        SDL_OutOfMemory();
    }
    free(rgb);
    free(grey);
    if (t) {
        *w = pw;
        *h = ph;
    }
    return t;
}
