/*
 * test_scan.c: frame sources (frames.h) and the QR scanner (scanner.h).
 *
 * Vectors: dgc-testdata (EU DCC test data, see vectors/SOURCES.md): every
 * saved PNG must decode to its case's PREFIX, exactly. The rest are frames
 * made here: MC1 credentials rendered with libqrencode (alphanumeric mode,
 * ECC M, 4 px modules, 4 module margin), then darkened, blurred, shrunk,
 * doubled, and PNG/JPEG files written with libpng and libjpeg.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <jpeglib.h>
#include <png.h>
#include <qrencode.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frames.h"
#include "scanner.h"
#include "testkit.h"

/* ---- helpers ---- */

typedef struct {
    int w, h;
    uint8_t *px;
} img;

static img img_new(int w, int h, uint8_t fill)
{
    img m = {w, h, malloc((size_t)w * (size_t)h)};
    assert_non_null(m.px);
    memset(m.px, fill, (size_t)w * (size_t)h);
    return m;
}

static grey_frame frame_of(const img *m)
{
    grey_frame f = {m->w, m->h, m->w, m->px, 0, NULL};
    return f;
}

/* Draws text as a QR code (alphanumeric mode, ECC M) at (x0, y0) with the
 * given module size and a 4 module quiet zone. */
static int draw_qr(img *m, const char *text, int scale, int x0, int y0)
{
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    assert_non_null(in);
    assert_int_equal(QRinput_append(in, QR_MODE_AN, (int)strlen(text), (const unsigned char *)text), 0);
    QRcode *qr = QRcode_encodeInput(in);
    assert_non_null(qr);
    int side = (qr->width + 8) * scale;
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                for (int j = 0; j < scale; j++)
                    for (int i = 0; i < scale; i++) {
                        int px = x0 + (x + 4) * scale + i, py = y0 + (y + 4) * scale + j;
                        assert_true(px < m->w && py < m->h);
                        m->px[(size_t)py * (size_t)m->w + (size_t)px] = 0;
                    }
    QRcode_free(qr);
    QRinput_free(in);
    return side;
}

static int qr_side(const char *text, int scale)
{
    img probe = img_new(4000, 4000, 255);
    int side = draw_qr(&probe, text, scale, 0, 0);
    free(probe.px);
    return side;
}

static img render(const char *text, int scale)
{
    int side = qr_side(text, scale);
    img m = img_new(side, side, 255);
    draw_qr(&m, text, scale, 0, 0);
    return m;
}

static char mc1[8192];

static const char *mc1_text(void)
{
    if (!mc1[0]) {
        tess_credential cr;
        tk_default_cred(&cr);
        tk_key k;
        tk_key_from_seed(&k, 1);
        tk_issue(&cr, &k, mc1);
    }
    return mc1;
}

static scan_result *result(void)
{
    static scan_result r;
    return &r;
}

static void expect_text(const scan_result *r, const char *want)
{
    assert_true(r->n >= 1);
    assert_int_equal(r->len[0], strlen(want));
    assert_memory_equal(r->text[0], want, strlen(want));
}

static int pipeline(const img *m, scan_result *r)
{
    if (getenv("TEST_SCAN_VERBOSE")) {
        grey_frame p = frame_of(m);
        printf("  plain scan: %d code(s)\n", scanner_scan_plain(&p, r));
    }
    scan_options o = {0, 0, 0, 0, false, true};
    scanner *s = scanner_new(&o);
    assert_non_null(s);
    grey_frame f = frame_of(m);
    int n = scanner_scan(s, &f, r);
    if (getenv("TEST_SCAN_VERBOSE"))
        printf("  pipeline: %d code(s) in %d pass(es)\n", n, r->passes);
    scanner_free(s);
    return n;
}

static void box3(img *m)
{
    uint8_t *o = malloc((size_t)m->w * (size_t)m->h);
    assert_non_null(o);
    for (int y = 0; y < m->h; y++)
        for (int x = 0; x < m->w; x++) {
            int sum = 0, cnt = 0;
            for (int j = -1; j <= 1; j++)
                for (int i = -1; i <= 1; i++) {
                    int xx = x + i, yy = y + j;
                    if (xx >= 0 && yy >= 0 && xx < m->w && yy < m->h) {
                        sum += m->px[yy * m->w + xx];
                        cnt++;
                    }
                }
            o[y * m->w + x] = (uint8_t)((sum + cnt / 2) / cnt);
        }
    free(m->px);
    m->px = o;
}

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char p[512];
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scan.XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
    }
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static uint8_t *png_of(const uint8_t *px, int w, int h, png_uint_32 format, size_t *len)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)w;
    pi.height = (png_uint_32)h;
    pi.format = format;
    png_alloc_size_t n = 0;
    assert_true(png_image_write_to_memory(&pi, NULL, &n, 0, px, 0, NULL));
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    assert_true(png_image_write_to_memory(&pi, buf, &n, 0, px, 0, NULL));
    *len = n;
    return buf;
}

static uint8_t *jpeg_of(const uint8_t *px, int w, int h, int comps, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long n = 0;
    jpeg_mem_dest(&c, &out, &n);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 95, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * (size_t)w * (size_t)comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *len = n;
    return out;
}

/* ---- dgc-testdata: every PNG to its PREFIX ---- */

static const struct {
    const char *png, *json;
} dgc[] = {
    {"AT/png/1.png", "AT/2DCode/raw/1.json"},
    {"AT/png/2.png", "AT/2DCode/raw/2.json"},
    {"AT/png/3.png", "AT/2DCode/raw/3.json"},
    {"AT/png/4.png", "AT/2DCode/raw/4.json"},
    {"DE/2DCode/png/1.png", "DE/2DCode/raw/1.json"},
    {"DE/2DCode/png/2.png", "DE/2DCode/raw/2.json"},
    {"DE/2DCode/png/3.png", "DE/2DCode/raw/3.json"},
    {"DE/2DCode/png/4.png", "DE/2DCode/raw/4.json"},
    {"PL/1.3.0/png/1.png", "PL/1.3.0/2DCode/raw/1.json"},
    {"PL/1.3.0/png/2.png", "PL/1.3.0/2DCode/raw/2.json"},
    {"PL/1.3.0/png/3.png", "PL/1.3.0/2DCode/raw/3.json"},
    {"PL/1.3.0/png/4.png", "PL/1.3.0/2DCode/raw/4.json"},
    {"PL/1.3.0/png/5.png", "PL/1.3.0/2DCode/raw/5.json"},
    {"PL/1.3.0/png/6.png", "PL/1.3.0/2DCode/raw/6.json"},
    {"PL/1.3.0/png/7.png", "PL/1.3.0/2DCode/raw/7.json"},
    {"PL/1.3.0/png/8.png", "PL/1.3.0/2DCode/raw/8.json"},
    {"PL/1.3.0/png/9.png", "PL/1.3.0/2DCode/raw/9.json"},
    {"PL/1.3.0/png/10.png", "PL/1.3.0/2DCode/raw/10.json"},
    {"PL/1.3.0/png/11.png", "PL/1.3.0/2DCode/raw/11.json"},
    {"PL/1.3.0/png/12.png", "PL/1.3.0/2DCode/raw/12.json"},
    {"PL/1.3.0/png/13.png", "PL/1.3.0/2DCode/raw/13.json"},
    {"PL/1.3.0/png/14.png", "PL/1.3.0/2DCode/raw/14.json"},
};

static void dgc_pngs(void **state)
{
    (void)state;
    size_t n_cases = sizeof dgc / sizeof dgc[0];
    for (size_t i = 0; i < n_cases; i++) {
        char path[256];
        snprintf(path, sizeof path, "dgc-testdata/%s", dgc[i].json);
        cJSON *j = tk_load_json(path);
        const char *prefix = tk_json_str(j, "PREFIX");
        assert_non_null(prefix);
        snprintf(path, sizeof path, "dgc-testdata/%s", dgc[i].png);
        size_t len = 0;
        char *data = tk_read_file(path, &len);
        img m;
        m.px = decode_png((const uint8_t *)data, len, &m.w, &m.h);
        free(data);
        assert_non_null(m.px);
        grey_frame f = frame_of(&m);
        scan_result *r = result();
        if (scanner_scan_plain(&f, r) != 1)
            fail_msg("%s: plain scan found %d codes", dgc[i].png, r->n);
        expect_text(r, prefix);
        if (pipeline(&m, r) != 1)
            fail_msg("%s: pipeline found %d codes", dgc[i].png, r->n);
        expect_text(r, prefix);
        free(m.px);
        cJSON_Delete(j);
    }
    printf("dgc-testdata: %zu PNGs decoded to their PREFIX by both scanners\n", n_cases);
}

/* ---- rendered MC1 frames ---- */

static void mc1_clean(void **state)
{
    (void)state;
    img m = render(mc1_text(), 4);
    grey_frame f = frame_of(&m);
    assert_int_equal(scanner_scan_plain(&f, result()), 1);
    expect_text(result(), mc1_text());
    assert_int_equal(pipeline(&m, result()), 1);
    expect_text(result(), mc1_text());
    assert_int_equal(result()->passes, 1);
    free(m.px);
}

/* Large modules aligned to the sample grid (a PNG drawn at scale 8 or 16,
 * as `tessera qr --png` does): the empty-scene check once missed these. */
static void mc1_large_modules(void **state)
{
    (void)state;
    const int scales[] = {6, 8, 12, 16};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        img m = render(mc1_text(), scales[i]);
        assert_int_equal(pipeline(&m, result()), 1);
        assert_int_equal(result()->len[0], strlen(mc1_text()));
        assert_memory_equal(result()->text[0], mc1_text(), result()->len[0]);
        free(m.px);
    }
}

static void mc1_hard(void **state)
{
    (void)state;
    const char *t = mc1_text();
    /* darkened and low contrast: 20..83 */
    img dark = render(t, 4);
    for (size_t i = 0; i < (size_t)dark.w * (size_t)dark.h; i++)
        dark.px[i] = (uint8_t)(dark.px[i] * 0.25 + 20);
    assert_int_equal(pipeline(&dark, result()), 1);
    expect_text(result(), t);
    free(dark.px);

    img blur = render(t, 4);
    box3(&blur);
    box3(&blur);
    assert_int_equal(pipeline(&blur, result()), 1);
    expect_text(result(), t);
    free(blur.px);

    img small = render(t, 2);
    assert_int_equal(pipeline(&small, result()), 1);
    expect_text(result(), t);
    free(small.px);

    /* in a camera-sized frame with stride padding and a region of interest */
    int side = qr_side(t, 4);
    img big = img_new(1280, side + 100, 200);
    draw_qr(&big, t, 4, 500, 50);
    grey_frame f = {1000, big.h, big.w, big.px, 0, NULL};
    scan_options o = {400, 0, side + 200, big.h, false, true};
    scanner *s = scanner_new(&o);
    assert_non_null(s);
    assert_int_equal(scanner_scan(s, &f, result()), 1);
    expect_text(result(), t);
    scanner_free(s);
    free(big.px);
}

/* A frame only the retries read: 3 px modules blurred three times. The
 * fast pass and plain ZBar miss it; the local threshold finds it. */
static void mc1_needs_retries(void **state)
{
    (void)state;
    const char *t = mc1_text();
    img m = render(t, 3);
    box3(&m);
    box3(&m);
    box3(&m);
    grey_frame f = frame_of(&m);
    assert_int_equal(scanner_scan_plain(&f, result()), 0);
    scan_options fast = {0, 0, 0, 0, false, false};
    scanner *s = scanner_new(&fast);
    assert_non_null(s);
    assert_int_equal(scanner_scan(s, &f, result()), 0);
    assert_int_equal(result()->passes, 1);
    scanner_free(s);
    assert_int_equal(pipeline(&m, result()), 1);
    expect_text(result(), t);
    assert_true(result()->passes > 1);
    free(m.px);
}

static void nothing_found(void **state)
{
    (void)state;
    /* An empty scene is not even handed to ZBar: no pass at all. */
    img white = img_new(320, 240, 255);
    assert_int_equal(pipeline(&white, result()), 0);
    assert_int_equal(result()->n, 0);
    assert_int_equal(result()->passes, 0);
    img wall = img_new(1280, 720, 0);
    for (int y = 0; y < wall.h; y++)
        for (int x = 0; x < wall.w; x++)
            wall.px[(size_t)y * (size_t)wall.w + (size_t)x] = (uint8_t)(90 + x / 20 + y / 30 + (x * 7 + y * 3) % 5);
    assert_int_equal(pipeline(&wall, result()), 0);
    assert_int_equal(result()->passes, 0);
    free(wall.px);
    grey_frame f = frame_of(&white);
    assert_int_equal(scanner_scan_plain(&f, result()), 0);
    free(white.px);

    img noise = img_new(640, 480, 0);
    uint32_t x = 12345;
    for (size_t i = 0; i < (size_t)noise.w * (size_t)noise.h; i++) {
        x = x * 1103515245u + 12345u;
        noise.px[i] = (uint8_t)(x >> 24);
    }
    /* Noise looks busy enough to be scanned, and holds nothing. */
    assert_int_equal(pipeline(&noise, result()), 0);
    assert_true(result()->passes >= 1);
    free(noise.px);

    /* a degenerate frame is not an error */
    grey_frame bad = {0, 0, 0, NULL, 0, NULL};
    assert_int_equal(scanner_scan_plain(&bad, result()), 0);
}

static void skip_unchanged(void **state)
{
    (void)state;
    scan_options o = {0, 0, 0, 0, true, true};
    scanner *s = scanner_new(&o);
    assert_non_null(s);
    img m = render(mc1_text(), 4);
    grey_frame f = frame_of(&m);
    assert_int_equal(scanner_scan(s, &f, result()), 1);
    assert_false(result()->skipped);
    assert_int_equal(scanner_scan(s, &f, result()), 0);
    assert_true(result()->skipped);
    assert_int_equal(result()->passes, 0);
    /* sensor noise of one level is still the same frame */
    for (size_t i = 0; i < (size_t)m.w * (size_t)m.h; i += 3)
        m.px[i] = m.px[i] ? (uint8_t)(m.px[i] - 1) : 1;
    assert_int_equal(scanner_scan(s, &f, result()), 0);
    assert_true(result()->skipped);
    /* a different frame is scanned */
    img blank = img_new(m.w, m.h, 255);
    grey_frame g = frame_of(&blank);
    assert_int_equal(scanner_scan(s, &g, result()), 0);
    assert_false(result()->skipped);
    assert_int_equal(scanner_scan(s, &f, result()), 1);
    assert_false(result()->skipped);
    scanner_free(s);
    free(m.px);
    free(blank.px);
}

static void two_codes(void **state)
{
    (void)state;
    const char *a = "MC1:FIRST CODE 123", *b = "MC1:SECOND CODE 456";
    int sa = qr_side(a, 4), sb = qr_side(b, 4);
    img m = img_new(sa + sb, sa > sb ? sa : sb, 255);
    draw_qr(&m, a, 4, 0, 0);
    draw_qr(&m, b, 4, sa, 0);
    assert_int_equal(pipeline(&m, result()), 2);
    scan_result *r = result();
    bool fa = false, fb = false;
    for (int i = 0; i < r->n; i++) {
        fa |= strcmp(r->text[i], a) == 0;
        fb |= strcmp(r->text[i], b) == 0;
    }
    assert_true(fa && fb);
    /* the same text twice is one result */
    img d = img_new(2 * sa, sa, 255);
    draw_qr(&d, a, 4, 0, 0);
    draw_qr(&d, a, 4, sa, 0);
    assert_int_equal(pipeline(&d, result()), 1);
    expect_text(result(), a);
    free(m.px);
    free(d.px);
}

/* ---- decoders ---- */

static void yuyv(void **state)
{
    (void)state;
    /* 4x2, stride 12 (4 bytes of padding per row) */
    const uint8_t in[24] = {10, 128, 20, 129, 30, 130, 40, 131, 9, 9, 9, 9,
                            50, 1,   60, 2,   70, 3,   80, 4,   9, 9, 9, 9};
    uint8_t out[8];
    memset(out, 0xee, sizeof out);
    yuyv_to_grey(in, 4, 2, 12, out);
    const uint8_t want[8] = {10, 20, 30, 40, 50, 60, 70, 80};
    assert_memory_equal(out, want, 8);

    /* a camera frame of a QR code: YUYV in, code out */
    img m = render(mc1_text(), 4);
    size_t stride = (size_t)m.w * 2;
    uint8_t *buf = malloc(stride * (size_t)m.h);
    assert_non_null(buf);
    for (size_t i = 0; i < (size_t)m.w * (size_t)m.h; i++) {
        buf[2 * i] = m.px[i];
        buf[2 * i + 1] = 128;
    }
    img g = img_new(m.w, m.h, 0);
    yuyv_to_grey(buf, m.w, m.h, (int)stride, g.px);
    assert_memory_equal(g.px, m.px, (size_t)m.w * (size_t)m.h);
    free(buf);
    free(g.px);
    free(m.px);
}

static void png_round_trip(void **state)
{
    (void)state;
    img m = render(mc1_text(), 4);
    size_t len;
    uint8_t *png = png_of(m.px, m.w, m.h, PNG_FORMAT_GRAY, &len);
    img d;
    d.px = decode_png(png, len, &d.w, &d.h);
    assert_non_null(d.px);
    assert_int_equal(d.w, m.w);
    assert_int_equal(d.h, m.h);
    assert_memory_equal(d.px, m.px, (size_t)m.w * (size_t)m.h);
    free(d.px);

    /* RGBA: colour to grey, transparent on white */
    uint8_t rgba[4 * 4] = {255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255};
    size_t l2;
    uint8_t *p2 = png_of(rgba, 2, 2, PNG_FORMAT_RGBA, &l2);
    d.px = decode_png(p2, l2, &d.w, &d.h);
    assert_non_null(d.px);
    assert_int_equal(d.px[0], 255);
    assert_int_equal(d.px[1], 0);
    assert_int_equal(d.px[2], 255);
    assert_true(d.px[3] > 20 && d.px[3] < 200);
    free(d.px);
    free(p2);

    /* through a file, named without an extension: by content */
    const char *path = tmp_path("code");
    write_bytes(path, png, len);
    char err[256];
    frame_source *s = frame_open(path, err, sizeof err);
    assert_non_null(s);
    grey_frame f;
    assert_int_equal(frame_next(s, &f), FRAME_OK);
    assert_int_equal(f.width, m.w);
    assert_string_equal(f.name, path);
    assert_int_equal(scanner_scan_plain(&f, result()), 1);
    expect_text(result(), mc1_text());
    assert_int_equal(frame_next(s, &f), FRAME_END);
    frame_close(s);
    unlink(path);
    free(png);
    free(m.px);
}

static void jpeg_round_trip(void **state)
{
    (void)state;
    img m = render(mc1_text(), 4);
    size_t len;
    uint8_t *jpg = jpeg_of(m.px, m.w, m.h, 1, &len);
    img d;
    d.px = decode_jpeg(jpg, len, &d.w, &d.h);
    assert_non_null(d.px);
    assert_int_equal(d.w, m.w);
    assert_int_equal(d.h, m.h);
    int worst = 0;
    for (size_t i = 0; i < (size_t)m.w * (size_t)m.h; i++) {
        int e = abs((int)d.px[i] - (int)m.px[i]);
        worst = e > worst ? e : worst;
    }
    assert_true(worst < 64);
    /* an MJPEG camera frame goes through the same decoder */
    grey_frame f = frame_of(&d);
    assert_int_equal(scanner_scan_plain(&f, result()), 1);
    expect_text(result(), mc1_text());
    free(d.px);

    /* colour (YCbCr) JPEG to grey */
    uint8_t rgb[8 * 8 * 3];
    for (size_t i = 0; i < sizeof rgb; i += 3) {
        rgb[i] = 200;
        rgb[i + 1] = 200;
        rgb[i + 2] = 200;
    }
    size_t l2;
    uint8_t *j2 = jpeg_of(rgb, 8, 8, 3, &l2);
    d.px = decode_jpeg(j2, l2, &d.w, &d.h);
    assert_non_null(d.px);
    assert_int_equal(d.w, 8);
    assert_true(abs((int)d.px[0] - 200) <= 3);
    free(d.px);
    free(j2);
    free(jpg);
    free(m.px);
}

static void corrupt_inputs(void **state)
{
    (void)state;
    img m = render("MC1:ABC", 2);
    size_t plen, jlen;
    uint8_t *png = png_of(m.px, m.w, m.h, PNG_FORMAT_GRAY, &plen);
    uint8_t *jpg = jpeg_of(m.px, m.w, m.h, 1, &jlen);
    int w, h;
    /* every truncation short of the image data's end (without IEND the
     * pixels are all there and may decode), and a flipped byte at many
     * places */
    for (size_t n = 0; n + 12 < plen; n++)
        assert_null(decode_png(png, n, &w, &h));
    for (size_t n = 0; n < jlen; n += (n < 400 ? 1 : 37)) {
        uint8_t *d = decode_jpeg(jpg, n, &w, &h);
        free(d); /* libjpeg pads a truncated scan: a picture or NULL, never a crash */
    }
    for (size_t i = 8; i < plen; i += 7) {
        png[i] ^= 0x5a;
        uint8_t *d = decode_png(png, plen, &w, &h);
        free(d);
        png[i] ^= 0x5a;
    }
    for (size_t i = 2; i < jlen; i += 5) {
        jpg[i] ^= 0x5a;
        uint8_t *d = decode_jpeg(jpg, jlen, &w, &h);
        free(d);
        jpg[i] ^= 0x5a;
    }
    assert_null(decode_png(NULL, 0, &w, &h));
    assert_null(decode_jpeg(NULL, 0, &w, &h));
    const uint8_t junk[] = {0xff, 0xd8, 0xff, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_null(decode_jpeg(junk, sizeof junk, &w, &h));

    /* a corrupt file is FRAME_BAD */
    const char *path = tmp_path("broken.png");
    write_bytes(path, png, plen / 2);
    char err[256];
    frame_source *s = frame_open(path, err, sizeof err);
    assert_non_null(s);
    grey_frame f;
    assert_int_equal(frame_next(s, &f), FRAME_BAD);
    assert_int_equal(frame_next(s, &f), FRAME_END);
    frame_close(s);
    unlink(path);
    free(png);
    free(jpg);
    free(m.px);
}

static void folder(void **state)
{
    (void)state;
    img m = render("MC1:FOLDER", 4);
    size_t plen, jlen;
    uint8_t *png = png_of(m.px, m.w, m.h, PNG_FORMAT_GRAY, &plen);
    uint8_t *jpg = jpeg_of(m.px, m.w, m.h, 1, &jlen);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", tmp_path("folder"));
    assert_int_equal(mkdir(dir, 0700), 0);
    char p[700];
    snprintf(p, sizeof p, "%s/a.png", dir);
    write_bytes(p, png, plen);
    snprintf(p, sizeof p, "%s/b.txt", dir);
    write_bytes(p, "not an image\n", 13);
    snprintf(p, sizeof p, "%s/c.jpg", dir);
    write_bytes(p, jpg, jlen);
    snprintf(p, sizeof p, "%s/d", dir);
    assert_int_equal(mkdir(p, 0700), 0);

    char err[256];
    frame_source *s = frame_open(dir, err, sizeof err);
    assert_non_null(s);
    grey_frame f;
    const frame_result want[] = {FRAME_OK, FRAME_BAD, FRAME_OK, FRAME_END, FRAME_END};
    const char *names[] = {"a.png", "b.txt", "c.jpg"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(frame_next(s, &f), want[i]);
        if (i < 3) {
            assert_non_null(f.name);
            assert_non_null(strstr(f.name, names[i]));
        }
        if (want[i] == FRAME_OK) {
            assert_int_equal(scanner_scan_plain(&f, result()), 1);
            expect_text(result(), "MC1:FOLDER");
        }
    }
    frame_close(s);
    rmdir(p);
    snprintf(p, sizeof p, "%s/a.png", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/b.txt", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/c.jpg", dir);
    unlink(p);
    rmdir(dir);
    free(png);
    free(jpg);
    free(m.px);
}

static void raw_and_missing(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(frame_open("/nonexistent/tessera/frame.png", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/tessera/frame.png"));
    err[0] = '\0';
    assert_null(frame_open("/dev/video99", err, sizeof err));
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(frame_open("raw:12:x", err, sizeof err));
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(frame_open("", err, sizeof err));
    assert_true(err[0] != '\0');

    /* two 3x2 frames and a short third */
    const uint8_t bytes[15] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const char *path = tmp_path("frames.raw");
    write_bytes(path, bytes, sizeof bytes);
    char spec[600];
    snprintf(spec, sizeof spec, "raw:3x2:%s", path);
    frame_source *s = frame_open(spec, err, sizeof err);
    assert_non_null(s);
    grey_frame f;
    assert_int_equal(frame_next(s, &f), FRAME_OK);
    assert_int_equal(f.width, 3);
    assert_int_equal(f.height, 2);
    assert_memory_equal(f.grey, bytes, 6);
    assert_int_equal(frame_next(s, &f), FRAME_OK);
    assert_memory_equal(f.grey, bytes + 6, 6);
    assert_int_equal(frame_next(s, &f), FRAME_BAD);
    assert_int_equal(frame_next(s, &f), FRAME_END);
    frame_close(s);

    /* raw:WxH: sides 1 to 8192 (FRAME_MAX_SIDE); a number too long for a
     * long is refused, not undefined (sscanf's %d); a sign and leading
     * blanks are taken, as they were */
    static const struct {
        const char *wh;
        bool opens;
    } sides[] = {
        {"8191x1", true},   {"8192x1", true},    {"8193x1", false},  {"1x8191", true},
        {"1x8192", true},   {"1x8193", false},   {"0x2", false},     {"3x0", false},
        {"-3x2", false},    {"3x-2", false},     {"+3x2", true},     {" 3x 2", true},
        {"99999999999999999999x2", false},       {"3x99999999999999999999", false},
        {"3x2", true},      {"3y2", false},      {"x2", false},      {"3x", false},
        {"3x2x", false},    {"3x2 ", false},     {"1x3x2", false},
    };
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(spec, sizeof spec, "raw:%s:%s", sides[i].wh, path);
        err[0] = '\0';
        s = frame_open(spec, err, sizeof err);
        if ((s != NULL) != sides[i].opens)
            fail_msg("%s: %s", spec, s ? "opened" : err);
        if (!s)
            assert_non_null(strstr(err, "give raw:WIDTHxHEIGHT:PATH"));
        frame_close(s);
    }
    err[0] = '\0';
    assert_null(frame_open("raw:3x2:", err, sizeof err));
    assert_non_null(strstr(err, "give raw:WIDTHxHEIGHT:PATH"));
    unlink(path);
    frame_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dgc_pngs),       cmocka_unit_test(mc1_clean),
        cmocka_unit_test(mc1_hard),       cmocka_unit_test(mc1_needs_retries),
        cmocka_unit_test(mc1_large_modules),
        cmocka_unit_test(nothing_found),
        cmocka_unit_test(skip_unchanged), cmocka_unit_test(two_codes),
        cmocka_unit_test(yuyv),           cmocka_unit_test(png_round_trip),
        cmocka_unit_test(jpeg_round_trip), cmocka_unit_test(corrupt_inputs),
        cmocka_unit_test(folder),         cmocka_unit_test(raw_and_missing),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (tmpdir[0])
        rmdir(tmpdir);
    return rc;
}
