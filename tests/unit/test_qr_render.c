/*
 * test_qr_render.c: QR codes drawn by qr_render.h, read back the way a
 * phone or the kiosk would: each PNG is read with libpng and decoded with
 * ZBar, and must give back exactly the text that went in. Then the mode
 * chosen, the versions per ECC level, the exact pixel size for a scale and
 * margin, the SVG's shape, capacity boundaries and I/O errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zbar.h>

#include "qr_render.h"
#include "testkit.h"

/* ---- helpers ---- */

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/tess_qr_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

/* Files left behind by a write: "NAME.tmp.XXXXXX". */
static size_t temporaries_in_dir(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static void path_in_dir(char *out, size_t cap, const char *name)
{
    assert_true(snprintf(out, cap, "%s/%s", dir, name) < (int)cap);
}

/* The default credential, issued as MC1 text (upper case only). */
static void mc1_text(char *text)
{
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    tk_issue(&cr, &w->issuer, text);
    tk_world_free(w);
    assert_true(strncmp(text, "MC1:", 4) == 0);
}

/* Reads an 8-bit grey PNG with libpng's simplified API. */
static uint8_t *read_png(const char *path, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        print_error("%s: %s\n", path, img.message);
        fail();
    }
    assert_int_equal(img.format & PNG_FORMAT_FLAG_COLOR, 0);
    img.format = PNG_FORMAT_GRAY;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(px);
    assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
    *w = (int)img.width;
    *h = (int)img.height;
    png_image_free(&img);
    return px;
}

/* The text of the one QR code ZBar finds in a grey image; caller frees. */
static char *zbar_decode(const uint8_t *px, int w, int h)
{
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    assert_non_null(scanner);
    zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, px, (unsigned long)w * (unsigned long)h, NULL);
    /* The count can be 0 with a QR code found: read the symbols anyway. */
    (void)zbar_scan_image(scanner, img);
    char *text = NULL;
    int n = 0;
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
        if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
            continue;
        n++;
        free(text);
        text = strdup(zbar_symbol_get_data(s));
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(scanner);
    assert_int_equal(n, 1);
    assert_non_null(text);
    return text;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *s = strdup(buf);
    assert_non_null(s);
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- PNG, read back and decoded ---- */

static void png_decodes_to_the_text(void **state)
{
    (void)state;
    static char mc1[8192];
    mc1_text(mc1);
    static const struct {
        const char *name;
        const char *text;    /* NULL: the MC1 text */
        char ecc;
        int scale, margin;
        bool alphanumeric;
    } cases[] = {
        {"MC1, defaults", NULL, 0, 0, 0, true},
        {"MC1, L", NULL, 'L', 4, 4, true},
        {"MC1, M", NULL, 'M', 3, 4, true},
        {"MC1, Q", NULL, 'Q', 4, 2, true},
        {"MC1, H", NULL, 'H', 5, 4, true},
        {"upper case and symbols", "HELLO WORLD $%*+-./: 0123456789", 'M', 6, 4, true},
        {"lower case", "hello, world", 'M', 6, 4, false},
        {"one lower-case letter", "MC1:ABCDEFx", 'Q', 6, 4, false},
        {"a single character", "A", 'H', 8, 4, true},
        {"punctuation outside the set", "A_B#C", 'L', 8, 4, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = cases[i].text ? cases[i].text : mc1;
        qr_code q;
        if (!qr_encode(text, cases[i].ecc, &q)) {
            print_error("case %s: qr_encode failed\n", cases[i].name);
            fail();
        }
        if (q.alphanumeric != cases[i].alphanumeric)
            print_error("case %s: alphanumeric %d\n", cases[i].name, q.alphanumeric);
        assert_int_equal(q.alphanumeric, cases[i].alphanumeric);
        assert_int_equal(q.width, 17 + 4 * q.version);
        char path[256];
        path_in_dir(path, sizeof path, "code.png");
        qr_style st = {cases[i].ecc, cases[i].scale, cases[i].margin};
        assert_true(qr_write_png(&q, &st, path));
        int w, h;
        uint8_t *px = read_png(path, &w, &h);
        int scale = cases[i].scale ? cases[i].scale : 8, margin = cases[i].margin ? cases[i].margin : 4;
        assert_int_equal(w, (q.width + 2 * margin) * scale);
        assert_int_equal(h, w);
        /* The PNG and the pixel buffer are the same image. */
        int pw, ph;
        uint8_t *pix = qr_pixels(&q, &st, &pw, &ph);
        assert_non_null(pix);
        assert_int_equal(pw, w);
        assert_int_equal(ph, h);
        assert_memory_equal(px, pix, (size_t)w * (size_t)h);
        free(pix);
        char *got = zbar_decode(px, w, h);
        if (strcmp(got, text) != 0)
            print_error("case %s: decoded '%s'\n", cases[i].name, got);
        assert_string_equal(got, text);
        free(got);
        free(px);
        qr_free(&q);
    }
    assert_int_equal(temporaries_in_dir(), 0);
}

/* ---- versions ---- */

static void ecc_levels_order_versions(void **state)
{
    (void)state;
    static char mc1[8192];
    mc1_text(mc1);
    static const char levels[] = "LMQH";
    int version[4];
    for (int i = 0; i < 4; i++) {
        qr_code q;
        assert_true(qr_encode(mc1, levels[i], &q));
        assert_true(q.alphanumeric);
        version[i] = q.version;
        if (i > 0)
            assert_true(version[i] >= version[i - 1]);
        qr_free(&q);
    }
    /* An MC1 text is hundreds of characters: H costs versions over L. */
    assert_true(version[3] > version[0]);
    /* 0 is M. */
    qr_code q;
    assert_true(qr_encode(mc1, 0, &q));
    assert_int_equal(q.version, version[1]);
    qr_free(&q);
}

/* ---- capacity: version 40 holds 4296 alphanumeric characters or 2953
 * bytes at L, 1852 alphanumeric characters or 1273 bytes at H (ISO/IEC
 * 18004 table 7) ---- */

static void capacity_boundaries(void **state)
{
    (void)state;
    static const struct {
        char fill;
        size_t len;
        char ecc;
        bool fits;
    } cases[] = {
        {'A', 4295, 'L', true}, {'A', 4296, 'L', true}, {'A', 4297, 'L', false},
        {'a', 2952, 'L', true}, {'a', 2953, 'L', true}, {'a', 2954, 'L', false},
        {'A', 1851, 'H', true}, {'A', 1852, 'H', true}, {'A', 1853, 'H', false},
        {'a', 1272, 'H', true}, {'a', 1273, 'H', true}, {'a', 1274, 'H', false},
        {'A', 8000, 'L', false}, {'A', 8001, 'L', false}, {'A', 100000, 'L', false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = malloc(cases[i].len + 1);
        assert_non_null(text);
        memset(text, cases[i].fill, cases[i].len);
        text[cases[i].len] = '\0';
        qr_code q;
        errno = 0;
        bool ok = qr_encode(text, cases[i].ecc, &q);
        if (ok != cases[i].fits)
            print_error("case %zu %c x %zu at %c: got %d\n", i, cases[i].fill, cases[i].len,
                        cases[i].ecc, ok);
        assert_int_equal(ok, cases[i].fits);
        if (ok) {
            assert_int_equal(q.version, 40);
        } else {
            assert_int_equal(errno, ERANGE);
            assert_null(q.modules);
        }
        qr_free(&q);
        free(text);
    }
}

static void bad_inputs(void **state)
{
    (void)state;
    qr_code q;
    errno = 0;
    assert_false(qr_encode("", 'M', &q));
    assert_int_equal(errno, EINVAL);
    assert_false(qr_encode(NULL, 'M', &q));
    assert_int_equal(errno, EINVAL);
    assert_false(qr_encode("HELLO", 'X', &q));
    assert_int_equal(errno, EINVAL);
    assert_false(qr_encode("HELLO", 'm', &q));
    qr_free(&q);    /* a zeroed code frees */
    qr_free(NULL);

    assert_true(qr_encode("HELLO", 'M', &q));
    static const struct {
        int scale, margin;
    } bad[] = {{-1, 4}, {QR_MAX_SCALE + 1, 4}, {8, QR_MAX_MARGIN + 1}};
    char path[256];
    path_in_dir(path, sizeof path, "bad.png");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qr_style st = {0, bad[i].scale, bad[i].margin};
        int w = -7, h = -7;
        errno = 0;
        assert_null(qr_pixels(&q, &st, &w, &h));
        assert_int_equal(errno, EINVAL);
        assert_false(qr_write_png(&q, &st, path));
        assert_false(qr_write_svg(&q, &st, path));
    }
    /* The largest style is drawn. */
    qr_style big = {0, QR_MAX_SCALE, QR_MAX_MARGIN};
    int w, h;
    uint8_t *px = qr_pixels(&q, &big, &w, &h);
    assert_non_null(px);
    assert_int_equal(w, (21 + 2 * QR_MAX_MARGIN) * QR_MAX_SCALE);
    free(px);
    qr_free(&q);
    qr_code empty = {0};
    assert_null(qr_pixels(&empty, NULL, &w, &h));
    assert_false(qr_write_png(&empty, NULL, path));
    assert_int_equal(temporaries_in_dir(), 0);
}

/* ---- pixels: size and placement ---- */

static void scale_and_margin_give_the_size(void **state)
{
    (void)state;
    qr_code q;
    assert_true(qr_encode("HELLO", 'M', &q));    /* version 1: 21 modules */
    assert_int_equal(q.width, 21);
    static const struct {
        int scale, margin;    /* as in the style */
        int side;             /* pixels */
        int m;                /* margin in modules, as drawn */
    } cases[] = {
        {0, 0, (21 + 8) * 8, 4},  {1, -1, 21, 0},        {1, 1, 23, 1},
        {2, 4, (21 + 8) * 2, 4},  {3, 2, (21 + 4) * 3, 2}, {8, -5, 21 * 8, 0},
        {QR_MAX_SCALE, 1, 23 * QR_MAX_SCALE, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qr_style st = {0, cases[i].scale, cases[i].margin};
        int w, h;
        uint8_t *px = qr_pixels(&q, &st, &w, &h);
        assert_non_null(px);
        assert_int_equal(w, cases[i].side);
        assert_int_equal(h, cases[i].side);
        int s = cases[i].side / (21 + 2 * cases[i].m), m = cases[i].m;
        /* The quiet zone is white; the finder's corner module is black,
         * across all its s x s pixels, and so is the opposite corner's. */
        if (m > 0) {
            assert_int_equal(px[0], 255);
            assert_int_equal(px[(size_t)w * (size_t)h - 1], 255);
            assert_int_equal(px[(size_t)(m * s - 1) * (size_t)w + (size_t)(m * s)], 255);
        }
        for (int dy = 0; dy < s; dy++)
            for (int dx = 0; dx < s; dx++) {
                assert_int_equal(px[(size_t)(m * s + dy) * (size_t)w + (size_t)(m * s + dx)], 0);
                assert_int_equal(px[(size_t)(m * s + dy) * (size_t)w + (size_t)((m + 20) * s + dx)], 0);
            }
        /* Only black and white. */
        for (size_t k = 0; k < (size_t)w * (size_t)h; k++)
            assert_true(px[k] == 0 || px[k] == 255);
        char path[256];
        path_in_dir(path, sizeof path, "size.png");
        assert_true(qr_write_png(&q, &st, path));
        int rw, rh;
        uint8_t *back = read_png(path, &rw, &rh);
        assert_int_equal(rw, w);
        assert_int_equal(rh, h);
        assert_memory_equal(back, px, (size_t)w * (size_t)h);
        free(back);
        free(px);
    }
    qr_free(&q);
}

/* ---- SVG ---- */

static void svg_is_well_formed(void **state)
{
    (void)state;
    static char mc1[8192];
    mc1_text(mc1);
    static const struct {
        const char *text;
        int margin, view_margin;
    } cases[] = {{NULL, 0, 4}, {NULL, 2, 2}, {"hello", -1, 0}, {"HELLO", 10, 10}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qr_code q;
        assert_true(qr_encode(cases[i].text ? cases[i].text : mc1, 'M', &q));
        qr_style st = {0, 0, cases[i].margin};
        char path[256];
        path_in_dir(path, sizeof path, "code.svg");
        assert_true(qr_write_svg(&q, &st, path));
        char *svg = read_text(path);
        assert_true(strncmp(svg, "<svg ", 5) == 0);
        char want[64];
        int view = q.width + 2 * cases[i].view_margin;
        snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", view, view);
        if (!strstr(svg, want))
            print_error("case %zu: no %s in %.200s\n", i, want, svg);
        assert_non_null(strstr(svg, want));
        assert_int_equal(count(svg, "<path"), 1);
        assert_int_equal(count(svg, "<rect"), 1);
        assert_int_equal(count(svg, "<svg"), 1);
        assert_int_equal(count(svg, "</svg>"), 1);
        assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
        assert_non_null(strstr(svg, "fill=\"#fff\""));
        size_t len = strlen(svg);
        assert_true(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0);
        /* The top-left finder starts at the margin: its first run is 7 wide. */
        char first[32];
        snprintf(first, sizeof first, "d=\"M%d %dh7v1h-7z", cases[i].view_margin,
                 cases[i].view_margin);
        assert_non_null(strstr(svg, first));
        free(svg);
        qr_free(&q);
    }
    assert_int_equal(temporaries_in_dir(), 0);
}

/* ---- the terminal ---- */

static void terminal_lines(void **state)
{
    (void)state;
    qr_code q;
    assert_true(qr_encode("HELLO", 'M', &q));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    qr_write_term(&q, f);
    qr_write_term(NULL, f);    /* nothing, no crash */
    fclose(f);
    /* 21 modules + a quiet zone of 2 each side: 25 columns, 13 lines. */
    size_t lines = 0;
    for (const char *s = buf; *s;) {
        size_t n = strcspn(s, "\n"), chars = 0;
        for (size_t b = 0; b < n; b++)
            chars += ((unsigned char)s[b] & 0xc0) != 0x80;
        assert_int_equal(chars, 25);
        assert_true(strncmp(s, "\xe2\x96\x88", 3) == 0);    /* the quiet zone */
        lines++;
        s += n + (s[n] == '\n');
    }
    assert_int_equal(lines, 13);
    free(buf);
    qr_free(&q);
}

/* ---- files: errors ---- */

static void write_errors(void **state)
{
    (void)state;
    qr_code q;
    assert_true(qr_encode("HELLO", 'M', &q));
    char missing[256];
    path_in_dir(missing, sizeof missing, "no/such/dir/code.png");
    errno = 0;
    assert_false(qr_write_png(&q, NULL, missing));
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_false(qr_write_svg(&q, NULL, missing));
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_false(qr_write_png(&q, NULL, ""));
    assert_int_equal(errno, EINVAL);
    /* The rename fails onto a directory: the temporary is removed. */
    char sub[256];
    path_in_dir(sub, sizeof sub, "sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    char inner[300];
    snprintf(inner, sizeof inner, "%s/x", sub);
    assert_int_equal(mkdir(inner, 0755), 0);
    errno = 0;
    assert_false(qr_write_png(&q, NULL, sub));
    assert_int_not_equal(errno, 0);
    errno = 0;
    assert_false(qr_write_svg(&q, NULL, sub));
    assert_int_not_equal(errno, 0);
    assert_int_equal(temporaries_in_dir(), 0);
    rmdir(inner);
    rmdir(sub);
    qr_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_decodes_to_the_text),
        cmocka_unit_test(ecc_levels_order_versions),
        cmocka_unit_test(capacity_boundaries),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(scale_and_margin_give_the_size),
        cmocka_unit_test(svg_is_well_formed),
        cmocka_unit_test(terminal_lines),
        cmocka_unit_test(write_errors),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
