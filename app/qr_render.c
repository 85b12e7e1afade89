/* QR codes with libqrencode, drawn to PNG (libpng), SVG, the terminal and
 * pixels. The one file that includes <qrencode.h> and <png.h>. */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qr_render.h"

/* Not isupper(): a locale could call more letters upper case than the QR
 * alphanumeric set holds, and libqrencode would then refuse the text. */
static const char an_set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static bool fits_alphanumeric(const char *s)
{
    for (; *s; s++)
        if (!memchr(an_set, *s, sizeof an_set - 1))
            return false;
    return true;
}

bool qr_encode(const char *text, char ecc, qr_code *out)
{
    memset(out, 0, sizeof *out);
    QRecLevel level;
    switch (ecc) {
    case 'L': level = QR_ECLEVEL_L; break;
    case 0:
    case 'M': level = QR_ECLEVEL_M; break;
    case 'Q': level = QR_ECLEVEL_Q; break;
    case 'H': level = QR_ECLEVEL_H; break;
    default: errno = EINVAL; return false;
    }
    if (!text || !*text) {
        errno = EINVAL;
        return false;
    }
    size_t len = strlen(text);
    if (len > 8000) {    /* above any version 40 capacity; also keeps the int cast exact */
        errno = ERANGE;
        return false;
    }
    bool an = fits_alphanumeric(text);
    QRinput *in = QRinput_new2(0, level);
    if (!in)
        return false;
    if (QRinput_append(in, an ? QR_MODE_AN : QR_MODE_8, (int)len, (const unsigned char *)text) != 0) {
        int err = errno;
        QRinput_free(in);
        errno = err;
        return false;
    }
    errno = 0;
    QRcode *qr = QRcode_encodeInput(in);
    int err = errno;
    QRinput_free(in);
    if (!qr) {
        errno = err ? err : ERANGE;
        return false;
    }
    size_t n = (size_t)qr->width * (size_t)qr->width;
    uint8_t *m = malloc(n);
    if (!m) {
        QRcode_free(qr);
        errno = ENOMEM;
        return false;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = qr->data[i] & 1;    /* bit 0 is dark; the others say what kind of module */
    out->version = qr->version;
    out->width = qr->width;
    out->modules = m;
    out->alphanumeric = an;
    QRcode_free(qr);
    return true;
}

void qr_free(qr_code *q)
{
    if (!q)
        return;
    free(q->modules);
    memset(q, 0, sizeof *q);
}

/* ---- geometry ---- */

typedef struct {
    int scale, margin;
    int side;    /* pixels per side */
} geometry;

static bool geometry_of(const qr_code *q, const qr_style *style, geometry *g)
{
    if (!q || !q->modules || q->width < 21 || q->width > 177) {
        errno = EINVAL;
        return false;
    }
    int scale = style && style->scale ? style->scale : 8;
    int margin = style && style->margin ? style->margin : 4;
    if (margin < 0)
        margin = 0;
    if (scale < 1 || scale > QR_MAX_SCALE || margin > QR_MAX_MARGIN) {
        errno = EINVAL;
        return false;
    }
    g->scale = scale;
    g->margin = margin;
    g->side = (q->width + 2 * margin) * scale;    /* at most 305 * 64: fits an int */
    return true;
}

static bool dark_at(const qr_code *q, int x, int y)
{
    return x >= 0 && y >= 0 && x < q->width && y < q->width && q->modules[y * q->width + x];
}

/* One row of pixels (the module row is y / scale - margin). */
static void pixel_row(const qr_code *q, const geometry *g, int y, uint8_t *row)
{
    int my = y / g->scale - g->margin;
    for (int x = 0; x < g->side; x++)
        row[x] = dark_at(q, x / g->scale - g->margin, my) ? 0 : 255;
}

uint8_t *qr_pixels(const qr_code *q, const qr_style *style, int *w, int *h)
{
    geometry g;
    if (!geometry_of(q, style, &g))
        return NULL;
    uint8_t *px = malloc((size_t)g.side * (size_t)g.side);
    if (!px) {
        errno = ENOMEM;
        return NULL;
    }
    for (int y = 0; y < g.side; y++) {
        if (y % g.scale == 0)
            pixel_row(q, &g, y, px + (size_t)y * (size_t)g.side);
        else    /* the rows of one module are alike */
            memcpy(px + (size_t)y * (size_t)g.side, px + (size_t)(y - 1) * (size_t)g.side,
                   (size_t)g.side);
    }
    if (w)
        *w = g.side;
    if (h)
        *h = g.side;
    return px;
}

/* ---- files: a temporary beside the target, then rename ---- */

typedef struct {
    char tmp[4096];
    FILE *f;
} atomic_file;

static bool atomic_open(atomic_file *a, const char *path)
{
    a->f = NULL;
    if (!path || !*path) {
        errno = EINVAL;
        return false;
    }
    if (snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof a->tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    int fd = mkstemp(a->tmp);
    if (fd < 0)
        return false;
    /* mkstemp makes 0600; an image is for others to read. */
    if (fchmod(fd, 0644) != 0 || !(a->f = fdopen(fd, "wb"))) {
        int err = errno;
        close(fd);
        unlink(a->tmp);
        errno = err;
        return false;
    }
    return true;
}

/* Closes and renames when ok; otherwise (or on any failure) removes the
 * temporary and keeps the first errno. */
static bool atomic_close(atomic_file *a, const char *path, bool ok, int err)
{
    if (ok && (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0)) {
        ok = false;
        err = errno ? errno : EIO;
    }
    if (fclose(a->f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    a->f = NULL;
    if (ok && rename(a->tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(a->tmp);
        errno = err ? err : EIO;
    }
    return ok;
}

/* ---- PNG ---- */

static void png_quiet(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

/* Everything libpng may longjmp out of, apart from the caller's locals. */
static bool png_rows(FILE *f, const qr_code *q, const geometry *g, uint8_t *row)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)g->side, (png_uint_32)g->side, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < g->side; y++) {
        pixel_row(q, g, y, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return true;
}

bool qr_write_png(const qr_code *q, const qr_style *style, const char *path)
{
    geometry g;
    if (!geometry_of(q, style, &g))
        return false;
    /* Row by row: a large scale needs no image-sized buffer. */
    uint8_t *row = malloc((size_t)g.side);
    if (!row) {
        errno = ENOMEM;
        return false;
    }
    atomic_file a;
    if (!atomic_open(&a, path)) {
        int err = errno;
        free(row);
        errno = err;
        return false;
    }
    errno = 0;
    bool ok = png_rows(a.f, q, &g, row);
    int err = errno ? errno : EIO;
    free(row);
    return atomic_close(&a, path, ok, err);
}

/* ---- SVG ---- */

bool qr_write_svg(const qr_code *q, const qr_style *style, const char *path)
{
    geometry g;
    if (!geometry_of(q, style, &g))
        return false;
    atomic_file a;
    if (!atomic_open(&a, path))
        return false;
    FILE *f = a.f;
    int view = q->width + 2 * g.margin;
    errno = 0;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
            "<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"",
            view, view, g.side, g.side, view, view);
    /* One rectangle per horizontal run of dark modules. */
    for (int y = 0; y < q->width; y++) {
        for (int x = 0; x < q->width;) {
            if (!q->modules[y * q->width + x]) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < q->width && q->modules[y * q->width + x + run])
                run++;
            fprintf(f, "M%d %dh%dv1h-%dz", x + g.margin, y + g.margin, run, run);
            x += run;
        }
        fputc('\n', f);
    }
    fputs("\"/>\n</svg>\n", f);
    return atomic_close(&a, path, true, 0);
}

/* ---- terminal ---- */

void qr_write_term(const qr_code *q, FILE *out)
{
    if (!q || !q->modules || !out)
        return;
    const int quiet = 2, w = q->width;
    /* Dark modules are the terminal's (usually dark) background; light
     * modules and the quiet zone are blocks in its (usually light) text
     * colour, so that a phone reads the code off the screen. */
    for (int y = -quiet; y < w + quiet; y += 2) {
        for (int x = -quiet; x < w + quiet; x++) {
            bool top = dark_at(q, x, y), bot = dark_at(q, x, y + 1);
            const char *cell = !top && !bot ? "\xe2\x96\x88"    /* full block */
                               : !top      ? "\xe2\x96\x80"    /* upper half */
                               : !bot      ? "\xe2\x96\x84"    /* lower half */
                                           : " ";
            fputs(cell, out);
        }
        fputc('\n', out);
    }
}
