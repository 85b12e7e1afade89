/*
 * bench_scan.c: a corpus of generated badge frames with the degradations
 * seen in the field, and the project's scanner against plain ZBar (QR
 * only, the whole frame, nothing else) on the same frames in the same run.
 *
 *   tess_bench_scan              the report
 *   tess_bench_scan --write DIR  also writes every frame (PGM) there
 *
 * Each frame holds a real MC1 text (issued with the test world's key); a
 * read counts only when the text comes back exactly. Per frame: success,
 * and CPU time (CLOCK_PROCESS_CPUTIME_ID), as medians. Degradations: blur,
 * noise, rotation, perspective, washed out, dark, glare, a phone screen's
 * moire, small printed codes, two codes in one frame; at 640x480 and
 * 1280x720. Targets (issue 4): >= 90% of degraded frames read; an empty
 * 1280x720 frame at most a fifth of plain ZBar's time; a clean frame read
 * in no more time than plain ZBar takes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qr_render.h"
#include "scanner.h"
#include "testkit.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static uint64_t rng = 0x2545F4914F6CDD1Du;

static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

typedef struct {
    int w, h;
    uint8_t *px;
} image;

static image blank(int w, int h)
{
    image im = {w, h, malloc((size_t)w * h)};
    /* a desk or a jacket behind the badge: soft texture, not flat */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            im.px[y * w + x] = (uint8_t)(150 + 30 * sin(x * 0.013) * cos(y * 0.017) +
                                         10 * urand());
    return im;
}

static double sample(const uint8_t *src, int sw, int sh, double x, double y, bool *inside)
{
    if (x < 0 || y < 0 || x > sw - 1 || y > sh - 1) {
        *inside = false;
        return 0;
    }
    *inside = true;
    int x0 = (int)x, y0 = (int)y;
    int x1 = x0 + 1 < sw ? x0 + 1 : x0, y1 = y0 + 1 < sh ? y0 + 1 : y0;
    double fx = x - x0, fy = y - y0;
    double a = src[y0 * sw + x0], b = src[y0 * sw + x1], c = src[y1 * sw + x0],
           d = src[y1 * sw + x1];
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/* Places the code image into the frame through a homography that maps the
 * code's corners to quad[4] (x, y pairs), bilinear sampling. */
static void place(image *dst, const uint8_t *src, int sw, int sh, const double quad[8])
{
    /* Solve the homography from the unit square to quad (Heckbert). */
    double x0 = quad[0], y0 = quad[1], x1 = quad[2], y1 = quad[3], x2 = quad[4], y2 = quad[5],
           x3 = quad[6], y3 = quad[7];
    double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
    double sx = x0 - x1 + x2 - x3, sy = y0 - y1 + y2 - y3;
    double g = 0, hh = 0, den = dx1 * dy2 - dx2 * dy1;
    if (fabs(sx) > 1e-9 || fabs(sy) > 1e-9) {
        g = (sx * dy2 - dx2 * sy) / den;
        hh = (dx1 * sy - sx * dy1) / den;
    }
    double a = x1 - x0 + g * x1, b = x3 - x0 + hh * x3, c = x0;
    double d = y1 - y0 + g * y1, e = y3 - y0 + hh * y3, f = y0;
    /* inverse of [[a b c][d e f][g h 1]] */
    double A = e - f * hh, B = c * hh - b, C = b * f - c * e;
    double D = f * g - d, E = a - c * g, F = c * d - a * f;
    double G = d * hh - e * g, H = b * g - a * hh, I = a * e - b * d;
    double minx = fmin(fmin(x0, x1), fmin(x2, x3)), maxx = fmax(fmax(x0, x1), fmax(x2, x3));
    double miny = fmin(fmin(y0, y1), fmin(y2, y3)), maxy = fmax(fmax(y0, y1), fmax(y2, y3));
    for (int y = (int)fmax(0, miny); y <= (int)fmin(dst->h - 1, maxy); y++) {
        for (int x = (int)fmax(0, minx); x <= (int)fmin(dst->w - 1, maxx); x++) {
            double u = A * x + B * y + C, v = D * x + E * y + F, wq = G * x + H * y + I;
            if (fabs(wq) < 1e-12)
                continue;
            u /= wq;
            v /= wq;
            bool inside;
            double val = sample(src, sw, sh, u * (sw - 1), v * (sh - 1), &inside);
            if (inside && u >= 0 && u <= 1 && v >= 0 && v <= 1)
                dst->px[y * dst->w + x] = (uint8_t)(val + 0.5);
        }
    }
}

static void box_blur(image *im, int r)
{
    uint8_t *tmp = malloc((size_t)im->w * im->h);
    for (int pass = 0; pass < 2; pass++) {
        for (int y = 0; y < im->h; y++)
            for (int x = 0; x < im->w; x++) {
                int sum = 0, n = 0;
                for (int k = -r; k <= r; k++) {
                    int xx = pass ? x : x + k, yy = pass ? y + k : y;
                    if (xx < 0 || yy < 0 || xx >= im->w || yy >= im->h)
                        continue;
                    sum += im->px[yy * im->w + xx];
                    n++;
                }
                tmp[y * im->w + x] = (uint8_t)(sum / n);
            }
        memcpy(im->px, tmp, (size_t)im->w * im->h);
    }
    free(tmp);
}

static uint8_t clamp(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)(v + 0.5);
}

typedef enum {
    D_CLEAN, D_BLUR, D_NOISE, D_ROTATE, D_PERSPECTIVE, D_WASHED, D_DARK, D_GLARE, D_MOIRE,
    D_SMALL, D_TWO, D_COUNT
} degradation;

static const char *const names[D_COUNT] = {"clean", "blur", "noise", "rotation",
                                           "perspective", "washed out", "dark", "glare",
                                           "moire", "small print", "two codes"};

/* One frame: the code(s) rendered, placed and degraded. */
static image make_frame(degradation d, int w, int h, const qr_code *q, const qr_code *q2)
{
    image im = blank(w, h);
    qr_style st = {'M', 1, 4};
    int cw, ch;
    uint8_t *code = qr_pixels(q, &st, &cw, &ch);
    double side = fmin(w, h) * (d == D_SMALL ? 0.28 : 0.62 + 0.1 * urand());
    double cx = w / 2.0 + (urand() - 0.5) * (w - side) * 0.3, cy = h / 2.0;
    double angle = d == D_ROTATE ? (20 + 25 * urand()) * M_PI / 180 : (urand() - 0.5) * 0.06;
    double quad[8];
    for (int k = 0; k < 4; k++) {
        double ux = (k == 1 || k == 2) ? 0.5 : -0.5, uy = k >= 2 ? 0.5 : -0.5;
        double px = ux * side, py = uy * side;
        quad[2 * k] = cx + px * cos(angle) - py * sin(angle);
        quad[2 * k + 1] = cy + px * sin(angle) + py * cos(angle);
    }
    if (d == D_PERSPECTIVE) {
        /* the badge tilted away: one side shorter */
        double k = 0.12 + 0.1 * urand();
        quad[0] += side * k;
        quad[6] += side * k;
        quad[1] += side * k * 0.6;
        quad[7] -= side * k * 0.6;
    }
    if (d == D_TWO) {
        /* two badges side by side */
        int cw2, ch2;
        uint8_t *code2 = qr_pixels(q2, &st, &cw2, &ch2);
        double s2 = fmin(w / 2.2, h * 0.8);
        double left[8] = {w * 0.03, h / 2.0 - s2 / 2, w * 0.03 + s2, h / 2.0 - s2 / 2,
                          w * 0.03 + s2, h / 2.0 + s2 / 2, w * 0.03, h / 2.0 + s2 / 2};
        double right[8];
        for (int k = 0; k < 8; k += 2) {
            right[k] = left[k] + w * 0.94 - s2 - w * 0.03;
            right[k + 1] = left[k + 1];
        }
        place(&im, code, cw, ch, left);
        place(&im, code2, cw2, ch2, right);
        free(code2);
    } else {
        place(&im, code, cw, ch, quad);
    }
    free(code);
    for (int i = 0; i < w * h; i++) {
        double v = im.px[i];
        int x = i % w, y = i / w;
        switch (d) {
        case D_NOISE: v += (urand() + urand() + urand() - 1.5) * 70; break;
        case D_WASHED: v = 150 + v * 0.35; break;
        case D_DARK: v = 8 + v * 0.22; break;
        case D_GLARE: {
            double gx = (x - w * 0.6) / (w * 0.25), gy = (y - h * 0.4) / (h * 0.3);
            v += 190 * exp(-(gx * gx + gy * gy));
            break;
        }
        case D_MOIRE: v = v * (0.75 + 0.25 * sin(x * 0.9 + y * 0.35)) + 20 * sin(y * 1.7); break;
        default: break;
        }
        im.px[i] = clamp(v);
    }
    if (d == D_BLUR)
        box_blur(&im, w > 800 ? 3 : 2);
    return im;
}

static bool found(const scan_result *r, const char *text)
{
    for (int i = 0; i < r->n; i++)
        if (r->len[i] == strlen(text) && memcmp(r->text[i], text, r->len[i]) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    const char *write_dir = argc > 2 && strcmp(argv[1], "--write") == 0 ? argv[2] : NULL;
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    static char text[8192], text2[8192];
    tk_issue(&cr, &w->issuer, text);
    cr.holder.ptr = (const uint8_t *)"Second Badge";
    cr.holder.len = 12;
    tk_issue(&cr, &w->issuer, text2);
    qr_code q, q2;
    if (!qr_encode(text, 'M', &q) || !qr_encode(text2, 'M', &q2))
        return 2;
    printf("Tessera bench: scanning (QR version %d, %zu characters, ECC M)\n", q.version,
           strlen(text));
    scan_options opt = {0, 0, 0, 0, false, true};
    scanner *sc = scanner_new(&opt);
    const int sizes[2][2] = {{640, 480}, {1280, 720}};
    enum { PER = 6 };
    int ok_p[D_COUNT] = {0}, ok_b[D_COUNT] = {0}, total[D_COUNT] = {0};
    static double tp[2][D_COUNT][PER], tb[2][D_COUNT][PER];
    int deg_total = 0, deg_ok_p = 0, deg_ok_b = 0;
    for (int s = 0; s < 2; s++) {
        for (int d = 0; d < D_COUNT; d++) {
            for (int k = 0; k < PER; k++) {
                image im = make_frame((degradation)d, sizes[s][0], sizes[s][1], &q, &q2);
                grey_frame f = {im.w, im.h, im.w, im.px, 0, NULL};
                if (write_dir) {
                    char path[512];
                    snprintf(path, sizeof path, "%s/%dx%d-%02d-%d.pgm", write_dir, im.w, im.h, d,
                             k);
                    FILE *out = fopen(path, "wb");
                    if (out) {
                        fprintf(out, "P5\n%d %d\n255\n", im.w, im.h);
                        fwrite(im.px, 1, (size_t)im.w * im.h, out);
                        fclose(out);
                    }
                }
                scan_result r;
                double t0 = cpu_now();
                scanner_scan(sc, &f, &r);
                tp[s][d][k] = cpu_now() - t0;
                bool got_p = found(&r, text) && (d != D_TWO || found(&r, text2));
                t0 = cpu_now();
                scanner_scan_plain(&f, &r);
                tb[s][d][k] = cpu_now() - t0;
                bool got_b = found(&r, text) && (d != D_TWO || found(&r, text2));
                ok_p[d] += got_p;
                ok_b[d] += got_b;
                total[d]++;
                if (d != D_CLEAN) {
                    deg_total++;
                    deg_ok_p += got_p;
                    deg_ok_b += got_b;
                }
                free(im.px);
            }
        }
    }
    printf("\n%-12s %14s %14s %12s %12s\n", "frames", "read: Tessera", "plain ZBar",
           "ms Tessera", "ms ZBar");
    for (int d = 0; d < D_COUNT; d++) {
        double a[2 * PER], b[2 * PER];
        for (int s = 0; s < 2; s++)
            for (int k = 0; k < PER; k++) {
                a[s * PER + k] = tp[s][d][k] * 1e3;
                b[s * PER + k] = tb[s][d][k] * 1e3;
            }
        printf("%-12s %9d/%-4d %9d/%-4d %12.2f %12.2f\n", names[d], ok_p[d], total[d], ok_b[d],
               total[d], median(a, 2 * PER), median(b, 2 * PER));
    }
    double rate_p = 100.0 * deg_ok_p / deg_total, rate_b = 100.0 * deg_ok_b / deg_total;
    printf("\ndegraded frames read: Tessera %.0f%%, plain ZBar %.0f%%   target >= 90%%   %s\n",
           rate_p, rate_b, rate_p >= 90 ? "PASS" : "FAIL");
    double clean_p = median(tp[1][D_CLEAN], PER), clean_b = median(tb[1][D_CLEAN], PER);
    printf("clean 1280x720 frame: Tessera %.2f ms, plain ZBar %.2f ms (%.2fx)   target <= 1x   %s\n",
           clean_p * 1e3, clean_b * 1e3, clean_p / clean_b, clean_p <= clean_b ? "PASS" : "FAIL");

    /* Frames with no code: the cost of watching an empty camera. */
    double ep[15], eb[15];
    for (int k = 0; k < 15; k++) {
        image im = blank(1280, 720);
        grey_frame f = {im.w, im.h, im.w, im.px, 0, NULL};
        scan_result r;
        scanner *fresh = scanner_new(&opt); /* no skipping of an unchanged frame here */
        double t0 = cpu_now();
        scanner_scan(fresh, &f, &r);
        ep[k] = cpu_now() - t0;
        t0 = cpu_now();
        scanner_scan_plain(&f, &r);
        eb[k] = cpu_now() - t0;
        scanner_free(fresh);
        free(im.px);
    }
    double mep = median(ep, 15), meb = median(eb, 15);
    printf("empty 1280x720 frame: Tessera %.2f ms, plain ZBar %.2f ms (%.2fx)   target <= 0.20x   %s\n",
           mep * 1e3, meb * 1e3, mep / meb, mep / meb <= 0.2 ? "PASS" : "FAIL");
    scanner_free(sc);
    qr_free(&q);
    qr_free(&q2);
    tk_world_free(w);
    return 0;
}
