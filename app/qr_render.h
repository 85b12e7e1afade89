/*
 * qr_render.h: QR codes drawn with libqrencode for every surface: PNG
 * files, SVG files, the terminal, and a grey pixel buffer (what the kiosk
 * uploads as an SDL texture). Text that fits QR alphanumeric mode (every
 * MC1 text in upper case) is always encoded in that mode; anything else in
 * byte mode.
 *
 * Accepts: any non-empty NUL-terminated text up to what a version 40 code
 * holds at the chosen level. Rejects: empty or too long text (qr_encode
 * returns false, errno EINVAL or ERANGE), a style out of range (EINVAL).
 * Does not check: that the text is a credential; this file only draws.
 * This is the one file that includes <qrencode.h> and <png.h>.
 */
#ifndef TESS_QR_RENDER_H
#define TESS_QR_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits of a style: 64 pixels per module and a 64-module margin already
 * make a 19 000-pixel-wide version 40 image; beyond is a mistake. */
#define QR_MAX_SCALE 64
#define QR_MAX_MARGIN 64

typedef struct {
    char ecc;        /* 'L', 'M', 'Q' or 'H'; 0 means 'M' (only qr_encode reads it) */
    int scale;       /* pixels per module for PNG and pixels; 0 means 8 */
    int margin;      /* quiet zone in modules; 0 means 4, negative means none */
} qr_style;

/* The modules of a code: width * width bytes, 1 dark, 0 light. */
typedef struct {
    int version;
    int width;
    uint8_t *modules;
    bool alphanumeric;
} qr_code;

/* Encodes text at level ecc ('L', 'M', 'Q', 'H'; 0 means 'M'); false when
 * it does not fit any QR code at that level (errno ERANGE), when text is
 * NULL or empty or ecc unknown (EINVAL), or out of memory (ENOMEM). On
 * false *out is zeroed. qr_free releases the modules (a zeroed code too). */
bool qr_encode(const char *text, char ecc, qr_code *out);
void qr_free(qr_code *q);

/* An 8-bit grey image (0 black, 255 white) with the margin, scale pixels
 * per module. *w and *h are set; the caller frees the result. NULL (errno
 * EINVAL or ENOMEM) on a bad style or no memory. style may be NULL. */
uint8_t *qr_pixels(const qr_code *q, const qr_style *style, int *w, int *h);

/* Files, written to a temporary name beside path and renamed over it, so
 * that a reader never sees half a file: false with errno set on an I/O
 * error (nothing is left behind). The PNG is 8-bit grey, scale pixels per
 * module; the SVG's viewBox is in modules (width + 2 * margin). */
bool qr_write_png(const qr_code *q, const qr_style *style, const char *path);
bool qr_write_svg(const qr_code *q, const qr_style *style, const char *path);

/* Two modules per character cell, with a quiet zone of 2: dark modules are
 * the terminal's background, light modules are UTF-8 block characters. */
void qr_write_term(const qr_code *q, FILE *out);

#endif
