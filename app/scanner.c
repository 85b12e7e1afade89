/*
 * scanner.c: the one file that includes <zbar.h>. ZBar reads only QR codes
 * here (every other symbology off: they cost time on each frame and can
 * misread noise as a 1-D barcode). A frame with nothing like a code is
 * not scanned at all. The passes, cheapest first, stop at the first that
 * finds a code:
 *   1. ZBar, downscaled to at most SCAN_FAST_WIDTH wide, contrast stretched;
 *   2. ZXing-cpp (zxing_seam.cpp) at full resolution: codes at an angle;
 *      then ZXing-cpp after Otsu's global threshold (stripes, moire);
 *   3. ZBar at full resolution (when pass 1 was downscaled);
 *   4. ZBar after a local mean threshold (glare, shadows across the code);
 *   5. ZBar after an unsharp mask (a camera slightly out of focus);
 *   6. ZBar on a 2x upscale (modules one or two pixels wide).
 * Passes 2 to 6 run only with opt.retries. Measured on tess_bench_scan's
 * corpus: ZBar with passes 1 and 3-6 read 81% of degraded frames and none
 * seen in perspective; with ZXing as pass 2, 89% and 10 of 12; with the
 * thresholded ZXing pass too, 92% and 12 of 12.
 */
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "scanner.h"

#define SCAN_FAST_WIDTH 640
/* Upscaling a wide frame costs four times its area and helps only small
 * codes; past this width the code is not small. */
#define SCAN_UPSCALE_MAX_WIDTH 1280
/* The unchanged-frame test: a grid of samples, compared by mean absolute
 * difference. Sensor noise is a level or two; a hand moving a phone
 * changes far more. */
#define SKIP_GRID 32
#define SKIP_MAX_MAD 2
/* Percentile stretch: ignore this fraction of pixels at each end, so a
 * specular highlight or a black border does not flatten the stretch. */
#define STRETCH_CUT 100 /* 1/100 = 1% */

struct scanner {
    scan_options opt;
    zbar_image_scanner_t *zs;
    zbar_image_t *zimg;
    uint8_t *roi, *full, *work, *big;
    size_t roi_cap, full_cap, work_cap, big_cap;
    uint32_t *integral;
    size_t integral_cap;
    uint8_t prev[SKIP_GRID * SKIP_GRID];
    int prev_w, prev_h;
    bool have_prev;
};

static bool grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    uint8_t *p = realloc(*buf, need);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

static bool grow32(uint32_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    uint32_t *p = realloc(*buf, need * sizeof *p);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

static zbar_image_scanner_t *qr_only_scanner(void)
{
    zbar_image_scanner_t *zs = zbar_image_scanner_create();
    if (!zs)
        return NULL;
    zbar_image_scanner_set_config(zs, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    return zs;
}

/* One ZBar pass over a contiguous grey image; new texts are added to out
 * (identical texts once). ZBar's return value is not trusted: the symbols
 * are read from the image, as it can return 0 after decoding one. */
static void zbar_pass(zbar_image_scanner_t *zs, zbar_image_t *img, const uint8_t *grey, int w,
                      int h, scan_result *out)
{
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, grey, (unsigned long)w * (unsigned long)h, NULL);
    (void)zbar_scan_image(zs, img);
    out->passes++;
    for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); sym;
         sym = zbar_symbol_next(sym)) {
        if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
            continue;
        const char *d = zbar_symbol_get_data(sym);
        size_t n = zbar_symbol_get_data_length(sym);
        if (!d || n >= SCAN_MAX_TEXT)
            continue; /* longer than any credential: dropped, never cut */
        bool seen = false;
        for (int i = 0; i < out->n && !seen; i++)
            seen = out->len[i] == n && memcmp(out->text[i], d, n) == 0;
        if (seen || out->n >= SCAN_MAX_CODES)
            continue;
        memcpy(out->text[out->n], d, n);
        out->text[out->n][n] = '\0';
        out->len[out->n] = n;
        out->n++;
    }
    zbar_image_set_data(img, NULL, 0, NULL);
}

static void result_clear(scan_result *out)
{
    out->n = 0;
    out->skipped = false;
    out->passes = 0;
    for (int i = 0; i < SCAN_MAX_CODES; i++) {
        out->len[i] = 0;
        out->text[i][0] = '\0';
    }
}

static bool frame_ok(const grey_frame *f)
{
    return f && f->grey && f->width > 0 && f->height > 0 && f->stride >= f->width;
}

/* Copies rows into a contiguous w x h buffer (ZBar's Y800 has no stride). */
static void copy_rect(const grey_frame *f, int x0, int y0, int w, int h, uint8_t *dst)
{
    for (int y = 0; y < h; y++)
        memcpy(dst + (size_t)y * (size_t)w,
               f->grey + (size_t)(y0 + y) * (size_t)f->stride + (size_t)x0, (size_t)w);
}

/* The second decoder, in zxing_seam.cpp (the one file that includes it). */
int zxing_scan(const uint8_t *grey, int w, int h, int stride, scan_result *out);

int scanner_scan_plain(const grey_frame *f, scan_result *out)
{
    result_clear(out);
    if (!frame_ok(f))
        return 0;
    uint8_t *copy = NULL;
    const uint8_t *grey = f->grey;
    if (f->stride != f->width) {
        copy = malloc((size_t)f->width * (size_t)f->height);
        if (!copy)
            return 0;
        copy_rect(f, 0, 0, f->width, f->height, copy);
        grey = copy;
    }
    zbar_image_scanner_t *zs = qr_only_scanner();
    zbar_image_t *img = zbar_image_create();
    if (zs && img)
        zbar_pass(zs, img, grey, f->width, f->height, out);
    if (img)
        zbar_image_destroy(img);
    if (zs)
        zbar_image_scanner_destroy(zs);
    free(copy);
    return out->n;
}

scanner *scanner_new(const scan_options *opt)
{
    scanner *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opt)
        s->opt = *opt;
    s->zs = qr_only_scanner();
    s->zimg = zbar_image_create();
    if (!s->zs || !s->zimg) {
        scanner_free(s);
        return NULL;
    }
    return s;
}

void scanner_free(scanner *s)
{
    if (!s)
        return;
    if (s->zimg)
        zbar_image_destroy(s->zimg);
    if (s->zs)
        zbar_image_scanner_destroy(s->zs);
    free(s->roi);
    free(s->full);
    free(s->work);
    free(s->big);
    free(s->integral);
    free(s);
}

/* ---- the image operations: each reads src (w x h) into dst ---- */

/* Percentile min/max stretch to 0..255. A flat image is left as is. */
static void stretch(const uint8_t *src, int w, int h, uint8_t *dst)
{
    size_t n = (size_t)w * (size_t)h, hist[256] = {0};
    for (size_t i = 0; i < n; i++)
        hist[src[i]]++;
    size_t cut = n / STRETCH_CUT, acc = 0;
    int lo = 0, hi = 255;
    while (lo < 255 && (acc += hist[lo]) <= cut)
        lo++;
    acc = 0;
    while (hi > 0 && (acc += hist[hi]) <= cut)
        hi--;
    if (hi <= lo) {
        memmove(dst, src, n);
        return;
    }
    uint8_t lut[256];
    for (int v = 0; v < 256; v++) {
        int o = (v - lo) * 255 / (hi - lo);
        lut[v] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = lut[src[i]];
}

/* Box-filter downscale by an integer factor k. */
static void downscale(const uint8_t *src, int w, int h, int k, uint8_t *dst, int *ow, int *oh)
{
    int dw = w / k, dh = h / k;
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++) {
            unsigned sum = 0;
            for (int j = 0; j < k; j++) {
                const uint8_t *row = src + (size_t)(y * k + j) * (size_t)w + (size_t)(x * k);
                for (int i = 0; i < k; i++)
                    sum += row[i];
            }
            dst[(size_t)y * (size_t)dw + (size_t)x] = (uint8_t)(sum / (unsigned)(k * k));
        }
    *ow = dw;
    *oh = dh;
}

/* Integral image, (w+1) x (h+1). Sums wrap modulo 2^32; a window's sum is
 * below 2^32 for any frame we accept, so differences of wrapped sums are
 * exact. */
static void integrate(const uint8_t *src, int w, int h, uint32_t *ii)
{
    size_t iw = (size_t)w + 1;
    memset(ii, 0, iw * sizeof *ii);
    for (int y = 0; y < h; y++) {
        uint32_t row = 0;
        uint32_t *cur = ii + (size_t)(y + 1) * iw, *up = cur - iw;
        cur[0] = 0;
        for (int x = 0; x < w; x++) {
            row += src[(size_t)y * (size_t)w + (size_t)x];
            cur[x + 1] = up[x + 1] + row;
        }
    }
}

/* Local mean threshold: dark where a pixel is darker than the mean of a
 * window about 1/8 of the image around it, less a small margin so that
 * flat paper stays white. */
static void adaptive_threshold(const uint8_t *src, int w, int h, const uint32_t *ii, uint8_t *dst)
{
    int r = (w > h ? w : h) / 16;
    if (r < 4)
        r = 4;
    size_t iw = (size_t)w + 1;
    for (int y = 0; y < h; y++) {
        int y0 = y - r < 0 ? 0 : y - r, y1 = y + r + 1 > h ? h : y + r + 1;
        for (int x = 0; x < w; x++) {
            int x0 = x - r < 0 ? 0 : x - r, x1 = x + r + 1 > w ? w : x + r + 1;
            uint32_t sum = ii[(size_t)y1 * iw + (size_t)x1] - ii[(size_t)y0 * iw + (size_t)x1] -
                           ii[(size_t)y1 * iw + (size_t)x0] + ii[(size_t)y0 * iw + (size_t)x0];
            uint32_t area = (uint32_t)((x1 - x0) * (y1 - y0));
            uint32_t v = (uint32_t)src[(size_t)y * (size_t)w + (size_t)x] * area;
            dst[(size_t)y * (size_t)w + (size_t)x] = v + 6u * area < sum ? 0 : 255;
        }
    }
}

/* Unsharp mask: p + 1.5 (p - mean3x3), from the integral image. */
/* Otsu's global threshold: the level that best splits the histogram in
 * two. A screen's moire or stripes of light ride on top of the modules;
 * one well-placed cut keeps dark modules dark and light ones light. */
static void otsu(const uint8_t *src, int w, int h, uint8_t *dst)
{
    size_t n = (size_t)w * (size_t)h, hist[256] = {0};
    for (size_t i = 0; i < n; i++)
        hist[src[i]]++;
    double sum = 0, sum_b = 0, best = -1;
    for (int v = 0; v < 256; v++)
        sum += (double)v * (double)hist[v];
    size_t w_b = 0;
    int cut = 128;
    for (int v = 0; v < 256; v++) {
        w_b += hist[v];
        if (w_b == 0 || w_b == n)
            continue;
        sum_b += (double)v * (double)hist[v];
        double m_b = sum_b / (double)w_b, m_f = (sum - sum_b) / (double)(n - w_b);
        double between = (double)w_b * (double)(n - w_b) * (m_b - m_f) * (m_b - m_f);
        if (between > best) {
            best = between;
            cut = v;
        }
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] > cut ? 255 : 0;
}

static void unsharp(const uint8_t *src, int w, int h, const uint32_t *ii, uint8_t *dst)
{
    size_t iw = (size_t)w + 1;
    for (int y = 0; y < h; y++) {
        int y0 = y - 1 < 0 ? 0 : y - 1, y1 = y + 2 > h ? h : y + 2;
        for (int x = 0; x < w; x++) {
            int x0 = x - 1 < 0 ? 0 : x - 1, x1 = x + 2 > w ? w : x + 2;
            uint32_t sum = ii[(size_t)y1 * iw + (size_t)x1] - ii[(size_t)y0 * iw + (size_t)x1] -
                           ii[(size_t)y1 * iw + (size_t)x0] + ii[(size_t)y0 * iw + (size_t)x0];
            int area = (x1 - x0) * (y1 - y0);
            int p = src[(size_t)y * (size_t)w + (size_t)x];
            int o = p + (3 * (p * area - (int)sum)) / (2 * area);
            dst[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
        }
    }
}

/* Bilinear 2x upscale. */
static void upscale2(const uint8_t *src, int w, int h, uint8_t *dst)
{
    int dw = 2 * w;
    for (int y = 0; y < 2 * h; y++) {
        int sy = y / 2, sy1 = (y & 1) && sy + 1 < h ? sy + 1 : sy;
        for (int x = 0; x < dw; x++) {
            int sx = x / 2, sx1 = (x & 1) && sx + 1 < w ? sx + 1 : sx;
            unsigned a = src[(size_t)sy * (size_t)w + (size_t)sx],
                     b = src[(size_t)sy * (size_t)w + (size_t)sx1],
                     c = src[(size_t)sy1 * (size_t)w + (size_t)sx],
                     d = src[(size_t)sy1 * (size_t)w + (size_t)sx1];
            dst[(size_t)y * (size_t)dw + (size_t)x] = (uint8_t)((a + b + c + d + 2) / 4);
        }
    }
}

/* Whether the frame looks like the last one scanned: a grid of samples
 * compared by mean absolute difference. */
static bool unchanged(scanner *s, const uint8_t *g, int w, int h)
{
    uint8_t cur[SKIP_GRID * SKIP_GRID];
    for (int j = 0; j < SKIP_GRID; j++)
        for (int i = 0; i < SKIP_GRID; i++) {
            int x = (int)(((long)(2 * i + 1) * w) / (2 * SKIP_GRID));
            int y = (int)(((long)(2 * j + 1) * h) / (2 * SKIP_GRID));
            cur[j * SKIP_GRID + i] = g[(size_t)y * (size_t)w + (size_t)x];
        }
    bool same = false;
    if (s->have_prev && s->prev_w == w && s->prev_h == h) {
        unsigned diff = 0;
        for (int i = 0; i < SKIP_GRID * SKIP_GRID; i++)
            diff += (unsigned)abs((int)cur[i] - (int)s->prev[i]);
        same = diff <= (unsigned)(SKIP_MAX_MAD * SKIP_GRID * SKIP_GRID);
    }
    if (!same) {
        /* compared with the last frame scanned, so a slow drift is
         * eventually rescanned */
        memcpy(s->prev, cur, sizeof cur);
        s->prev_w = w;
        s->prev_h = h;
        s->have_prev = true;
    }
    return same;
}

/* Whether the frame has anything a QR code could be: cells of a coarse
 * sample grid with strong local contrast that flips many times, as rows
 * of modules do. A camera watching an empty scene sees smooth walls,
 * sensor noise and a few edges, and is not scanned at all: that is most
 * of a kiosk's frames, and ZBar's finder search over them is its cost.
 * Generous on purpose: any code ZBar can read covers dozens of cells. */
static bool looks_like_code(const uint8_t *g, int w, int h)
{
    /* Samples every `step` pixels, in cells of 32 samples a side that
     * overlap by half: at least four modules of any code smaller than the
     * frame. A cell is busy when it has strong contrast and at least four
     * rows that flip twice or more between dark and light (with a margin,
     * so that sensor noise does not flip): a code's modules do, a smooth
     * wall or a single edge never does. */
    int step = w / 320 > 1 ? w / 320 : 1;
    enum { CELL = 32, MIN_CELLS = 2, MIN_ROWS = 4 };
    int gw = w / step, gh = h / step;
    int busy = 0;
    for (int cy = 0; cy + CELL <= gh; cy += CELL / 2) {
        for (int cx = 0; cx + CELL <= gw; cx += CELL / 2) {
            int lo = 255, hi = 0;
            for (int y = 0; y < CELL; y += 2)
                for (int x = 0; x < CELL; x += 2) {
                    int v = g[(size_t)(cy + y) * step * w + (size_t)(cx + x) * step];
                    lo = v < lo ? v : lo;
                    hi = v > hi ? v : hi;
                }
            if (hi - lo < 32)
                continue;
            int mid = (hi + lo) / 2, margin = (hi - lo) / 5, rows = 0;
            for (int y = 0; y < CELL && rows < MIN_ROWS; y++) {
                const uint8_t *row = g + (size_t)(cy + y) * step * w + (size_t)cx * step;
                int state = 0, flips = 0;
                for (int x = 0; x < CELL; x++) {
                    int v = row[(size_t)x * step];
                    int now = v > mid + margin ? 1 : v < mid - margin ? -1 : state;
                    if (state && now != state)
                        flips++;
                    state = now;
                }
                rows += flips >= 2;
            }
            if (rows >= MIN_ROWS && ++busy >= MIN_CELLS)
                return true;
        }
    }
    return false;
}

int scanner_scan(scanner *s, const grey_frame *f, scan_result *out)
{
    result_clear(out);
    if (!s || !frame_ok(f))
        return 0;
    int x0 = 0, y0 = 0, w = f->width, h = f->height;
    if (s->opt.roi_w > 0 && s->opt.roi_h > 0) {
        x0 = s->opt.roi_x < 0 ? 0 : s->opt.roi_x;
        y0 = s->opt.roi_y < 0 ? 0 : s->opt.roi_y;
        if (x0 >= f->width || y0 >= f->height)
            return 0;
        w = s->opt.roi_w < f->width - x0 ? s->opt.roi_w : f->width - x0;
        h = s->opt.roi_h < f->height - y0 ? s->opt.roi_h : f->height - y0;
    }
    size_t n = (size_t)w * (size_t)h;
    if (!grow(&s->roi, &s->roi_cap, n) || !grow(&s->full, &s->full_cap, n) ||
        !grow(&s->work, &s->work_cap, n) ||
        !grow32(&s->integral, &s->integral_cap, ((size_t)w + 1) * ((size_t)h + 1)))
        return 0;
    copy_rect(f, x0, y0, w, h, s->roi);

    if (s->opt.skip_unchanged && unchanged(s, s->roi, w, h)) {
        out->skipped = true;
        return 0;
    }
    if (!looks_like_code(s->roi, w, h))
        return 0;

    /* 1: fast pass */
    int k = (w + SCAN_FAST_WIDTH - 1) / SCAN_FAST_WIDTH;
    if (k > 1) {
        int sw, sh;
        downscale(s->roi, w, h, k, s->work, &sw, &sh);
        stretch(s->work, sw, sh, s->work);
        zbar_pass(s->zs, s->zimg, s->work, sw, sh, out);
    } else {
        stretch(s->roi, w, h, s->full);
        zbar_pass(s->zs, s->zimg, s->full, w, h, out);
    }
    if (out->n > 0 || !s->opt.retries)
        return out->n;

    /* 2: ZXing-cpp at full resolution: it finds codes seen at an angle and
     * through moire, where ZBar's finder search gives up. */
    if (k > 1)
        stretch(s->roi, w, h, s->full);
    if (zxing_scan(s->full, w, h, w, out) > 0)
        return out->n;
    /* 2b: ZXing after Otsu's global threshold */
    otsu(s->full, w, h, s->work);
    if (zxing_scan(s->work, w, h, w, out) > 0)
        return out->n;
    /* 3: ZBar at full resolution */
    if (k > 1) {
        zbar_pass(s->zs, s->zimg, s->full, w, h, out);
        if (out->n > 0)
            return out->n;
    }
    /* 3: local threshold */
    integrate(s->full, w, h, s->integral);
    adaptive_threshold(s->full, w, h, s->integral, s->work);
    zbar_pass(s->zs, s->zimg, s->work, w, h, out);
    if (out->n > 0)
        return out->n;
    /* 4: unsharp mask */
    unsharp(s->full, w, h, s->integral, s->work);
    zbar_pass(s->zs, s->zimg, s->work, w, h, out);
    if (out->n > 0)
        return out->n;
    /* 5: 2x upscale, for small codes only */
    if (w <= SCAN_UPSCALE_MAX_WIDTH && grow(&s->big, &s->big_cap, 4 * n)) {
        upscale2(s->full, w, h, s->big);
        zbar_pass(s->zs, s->zimg, s->big, 2 * w, 2 * h, out);
    }
    return out->n;
}
