/*
 * test_kiosk: the kiosk as it runs, headless (SDL's dummy video driver and
 * software renderer). A state and credentials are made with the tessera
 * command; the kiosk plays them from a texts file or a folder of images,
 * and the test reads its JSON lines and its screenshots back.
 *
 * argv[1]: the kiosk, argv[2]: the tessera command.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "kiosk_harness.h"
#include "testkit.h"
#include <dirent.h>
#include <png.h>

static const char *kiosk_bin, *tessera_bin;
static char dir[256];

#define run(r, argv) kh_run(dir, (r), (argv))
#define put_file(name, text) kh_put_file(dir, (name), (text))

static void tessera(result *r, ...)
{
    const char *argv[40] = {tessera_bin};
    size_t n = 1;
    va_list ap;
    va_start(ap, r);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(n < 39);
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    run(r, argv);
    if (r->code != 0)
        fail_msg("tessera %s: exit %d: %s", argv[1], r->code, r->out);
}
#define TESSERA(r, ...) tessera((r), __VA_ARGS__, (const char *)NULL)

/* The first line of a command's output: a credential's text. */
static char *issue(const char *holder, const char *exp, bool compress)
{
    result r;
    if (exp && compress)
        TESSERA(&r, "issue", "--key", "iss", "--iss", "https://academy.example", "--holder", holder,
                "--title", "Forklift Operator L1", "--achievement", "FORK-L1", "--awarder",
                "Example Academy", "--skill", "FORK-DRIVE", "--skill", "FORK-LOAD", "--eqf", "4",
                "--iat", "2026-02-01", "--exp", exp);
    else if (exp)
        TESSERA(&r, "issue", "--key", "iss", "--iss", "https://academy.example", "--holder", holder,
                "--title", "Forklift Operator L1", "--achievement", "FORK-L1", "--awarder",
                "Example Academy", "--iat", "2026-02-01", "--exp", exp, "--no-compress");
    else
        TESSERA(&r, "issue", "--key", "iss", "--iss", "https://academy.example", "--holder", holder,
                "--title", "First Aid at Work", "--achievement", "FA-1", "--awarder",
                "Example Academy", "--iat", "2026-02-01");
    r.out[strcspn(r.out, "\n")] = '\0';
    assert_memory_equal(r.out, "MC1:", 4);
    return r.out;
}

static const char B45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Changes one byte of the signature (the last 64 bytes of an
 * uncompressed text): the low digit of a Base45 triplet near the end,
 * moved by one, so the text stays well formed and only the signature
 * fails. */
static void tamper(char *text)
{
    size_t len = strlen(text), full = (len - 4) / 3;
    size_t pos = 4 + 3 * (full - 3);
    const char *c = strchr(B45, text[pos]);
    assert_non_null(c);
    text[pos] = c == B45 ? B45[1] : c[-1];
}

static void make_world(void)
{
    result r;
    TESSERA(&r, "keygen", "--out", "iss");
    free(r.out);
    TESSERA(&r, "keygen", "--out", "r0");
    free(r.out);
    TESSERA(&r, "root", "init", "--threshold", "1", "--key", "r0.pub", "--out", "root.cbor");
    free(r.out);
    TESSERA(&r, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--version", "1",
            "--expires", "2030-01-01", "--issued-at", "2026-01-01", "--publisher", "Test Fleet",
            "--issuer", "iss.pub", "--iss", "https://academy.example", "--name",
            "Example Academy", "--out", "b.tb1");
    free(r.out);
    TESSERA(&r, "bundle", "install", "--root", "root.cbor", "--state", "state", "b.tb1");
    free(r.out);
}

static int setup(void **st)
{
    kh_make_dir(dir, sizeof dir, "tess-kiosk");
    make_world();
    return 0;
}

static int teardown(void **st)
{
    kh_remove_dir(dir);
    return 0;
}

/* The JSON lines of out, parsed; *n set. */
static cJSON **lines(const result *r, size_t *n)
{
    static cJSON *v[32];
    *n = 0;
    char *save = NULL;
    for (char *l = strtok_r(r->out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        assert_true(*n < 32);
        v[*n] = cJSON_Parse(l);
        if (!v[*n])
            fail_msg("not JSON: %s", l);
        (*n)++;
    }
    return v;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(s) ? s->valuestring : "(none)";
}

/* The names of the screenshots in folder sub of kind ("verdict", ...), in
 * order. */
static size_t shots(const char *sub, const char *kind, char names[][300], size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    struct dirent **list;
    int n = scandir(path, &list, NULL, alphasort);
    assert_true(n >= 0);
    size_t found = 0;
    for (int i = 0; i < n; i++) {
        const char *dash = strchr(list[i]->d_name, '-');
        if (dash && strncmp(dash + 1, kind, strlen(kind)) == 0 &&
            strcmp(dash + 1 + strlen(kind), ".png") == 0 && found < cap)
            snprintf(names[found++], 300, "%s/%s", sub, list[i]->d_name);
        free(list[i]);
    }
    free(list);
    return found;
}

/* The colour at (w/20, h/2) of a screenshot: the verdict's ground, left
 * of its icon. */
static void pixel(const char *name, int rgb[3])
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&im, path));
    im.format = PNG_FORMAT_RGB;
    size_t size = PNG_IMAGE_SIZE(im);
    uint8_t *buf = malloc(size);
    assert_non_null(buf);
    assert_true(png_image_finish_read(&im, NULL, buf, 0, NULL));
    assert_int_equal(im.width, 640);
    assert_int_equal(im.height, 400);
    const uint8_t *p = buf + ((size_t)(im.height / 2) * im.width + im.width / 20) * 3;
    for (int i = 0; i < 3; i++)
        rgb[i] = p[i];
    free(buf);
}

static void expect_colour(const char *name, int r, int g, int b)
{
    int c[3];
    pixel(name, c);
    /* a few levels of tolerance (arm64 differs slightly) */
    if (abs(c[0] - r) > 6 || abs(c[1] - g) > 6 || abs(c[2] - b) > 6)
        fail_msg("%s: expected #%02x%02x%02x, got #%02x%02x%02x", name, r, g, b, c[0], c[1],
                 c[2]);
}

/* Under valgrind or qemu the kiosk runs many times slower: the tests
 * that keep the real clock stretch their times by this. */
static int slowdown(void)
{
    return (int)tk_slow();
}

static result kiosk(const char *input_opt, const char *input, const char *shots_dir,
                    const char *at)
{
    char shot_path[512];
    snprintf(shot_path, sizeof shot_path, "%s/%s", dir, shots_dir);
    assert_int_equal(mkdir(shot_path, 0755), 0);
    /* On the virtual clock: the same screens are drawn however slowly
     * the kiosk runs (valgrind, qemu) */
    const char *pace = "120", *verdict_ms = "60";
    const char *argv[] = {kiosk_bin,    "--virtual-clock",  "--state",    "state",
                          input_opt,    input,              "--pace",     pace,
                          "--verdict-ms", verdict_ms,       "--exit-when-done",
                          "--screenshot-dir", shots_dir,    "--at",       at,
                          "--window",   "--width",          "640",        "--height",
                          "400",        "--details",        NULL};
    result r;
    run(&r, argv);
    return r;
}

static void test_texts(void **st)
{
    char *valid = issue("Ada Lovelace", "2027-01-01", true);
    char *expired = issue("Bob Stone", "2026-03-01", true);
    char *tampered = issue("Eve Mallory", "2027-01-01", false);
    tamper(tampered);
    size_t cap = strlen(valid) * 2 + strlen(expired) + strlen(tampered) + 200;
    char *texts = malloc(cap);
    assert_non_null(texts);
    /* the valid text twice in a row: the second read counts once */
    snprintf(texts, cap, "%s\n%s\n%s\n\nthis is not a badge\n%s\n", valid, expired, tampered,
             valid);
    put_file("texts.txt", texts);

    result r = kiosk("--texts", "texts.txt", "shots", "2026-06-01");
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 4);
    const char *want[4][3] = {{"valid", "valid", "text:1"},
                              {"invalid", "expired", "text:2"},
                              {"invalid", "bad_signature", "text:3"},
                              {"invalid", "not_mc1", "text:5"}};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(jstr(v[i], "verdict"), want[i][0]);
        assert_string_equal(jstr(v[i], "reason"), want[i][1]);
        assert_string_equal(jstr(v[i], "input"), want[i][2]);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(v[i], "time");
        assert_true(cJSON_IsNumber(t) && t->valuedouble == 1780272000.0);
    }
    const cJSON *cred = cJSON_GetObjectItemCaseSensitive(v[0], "credential");
    assert_string_equal(jstr(cred, "holder"), "Ada Lovelace");
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v[1], "credential")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v[2], "credential")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v[3], "credential")));
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(v[i]);

    char names[16][300];
    assert_true(shots("shots", "idle", names, 16) >= 2); /* first and last */
    assert_int_equal(shots("shots", "details", names, 16), 2); /* the two with a credential */
    assert_int_equal(shots("shots", "verdict", names, 16), 4);
    expect_colour(names[0], 0x1b, 0x7f, 0x3b);
    expect_colour(names[1], 0xb3, 0x26, 0x1e);
    expect_colour(names[2], 0xb3, 0x26, 0x1e);
    expect_colour(names[3], 0xb3, 0x26, 0x1e);
    free(r.out);
    free(texts);
    free(valid);
    free(expired);
    free(tampered);
}

/* A valid credential under a bundle past its expiry: valid with
 * trust_stale, shown amber ("cannot decide"). */
static void test_stale_is_amber(void **st)
{
    char *text = issue("Grace Hopper", NULL, true);
    size_t cap = strlen(text) + 2;
    char *line = malloc(cap);
    assert_non_null(line);
    snprintf(line, cap, "%s\n", text);
    put_file("stale.txt", line);
    result r = kiosk("--texts", "stale.txt", "shots-stale", "2031-01-01");
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(v[0], "warnings");
    assert_int_equal(cJSON_GetArraySize(w), 1);
    assert_string_equal(cJSON_GetArrayItem(w, 0)->valuestring, "trust_stale");
    cJSON_Delete(v[0]);
    char names[4][300];
    assert_int_equal(shots("shots-stale", "verdict", names, 4), 1);
    expect_colour(names[0], 0xb2, 0x6a, 0x00);
    free(r.out);
    free(line);
    free(text);
}

/* A settings file: stale_policy = refuse shows a stale-trust verdict red;
 * a bad line in it is reported and the kiosk runs on with the default. */
static void test_config_policy(void **st)
{
    char *text = issue("Grace Hopper", NULL, true);
    size_t cap = strlen(text) + 2;
    char *line = malloc(cap);
    assert_non_null(line);
    snprintf(line, cap, "%s\n", text);
    put_file("policy.txt", line);
    put_file("kiosk.conf", "stale_policy = refuse\nvolume = 500\nsounds = off\n");
    char shot_path[512];
    snprintf(shot_path, sizeof shot_path, "%s/shots-policy", dir);
    assert_int_equal(mkdir(shot_path, 0755), 0);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--config", "kiosk.conf", "--state", "state", "--texts",
                          "policy.txt", "--pace", "120", "--verdict-ms", "60",
                          "--exit-when-done", "--screenshot-dir", "shots-policy", "--at",
                          "2031-01-01", "--window", "--width", "640", "--height", "400", NULL};
    result r;
    run(&r, argv);
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    cJSON_Delete(v[0]);
    char names[4][300];
    assert_int_equal(shots("shots-policy", "verdict", names, 4), 1);
    expect_colour(names[0], 0xb3, 0x26, 0x1e);
    free(r.out);
    free(line);
    free(text);
}

static void test_frames(void **st)
{
    char *text = issue("Ada Lovelace", "2027-01-01", true);
    char frames[512];
    snprintf(frames, sizeof frames, "%s/frames", dir);
    assert_int_equal(mkdir(frames, 0755), 0);
    result q;
    TESSERA(&q, "qr", "--png", "frames/badge.png", text);
    free(q.out);
    result r = kiosk("--frames", "frames", "shots-frames", "2026-06-01");
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    assert_string_equal(jstr(v[0], "input"), "badge.png");
    cJSON_Delete(v[0]);
    char names[4][300];
    assert_int_equal(shots("shots-frames", "verdict", names, 4), 1);
    expect_colour(names[0], 0x1b, 0x7f, 0x3b);
    free(r.out);
    free(text);
}

/* A screenshot's pixels (RGB, 640 x 400); the caller frees. */
static uint8_t *read_shot(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&im, path));
    im.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(im));
    assert_non_null(buf);
    assert_true(png_image_finish_read(&im, NULL, buf, 0, NULL));
    assert_int_equal(im.width, 640);
    assert_int_equal(im.height, 400);
    return buf;
}

/* Pixels within a few levels of (r, g, b). */
static size_t count_colour(const uint8_t *rgb, int r, int g, int b)
{
    size_t n = 0;
    for (size_t i = 0; i < 640u * 400u; i++) {
        const uint8_t *p = rgb + i * 3;
        n += abs(p[0] - r) <= 6 && abs(p[1] - g) <= 6 && abs(p[2] - b) <= 6;
    }
    return n;
}

/* --camera-frames: an empty scene, then the same badge in two frames,
 * played once as a camera. The preview shows the frame (not the idle
 * ground); the badge held over two frames gives one verdict. */
static void test_camera_frames(void **st)
{
    char *text = issue("Ada Lovelace", "2027-01-01", true);
    char frames[512];
    snprintf(frames, sizeof frames, "%s/camframes", dir);
    assert_int_equal(mkdir(frames, 0755), 0);
    result q;
    /* a wide quiet zone: the code sits in the centre the scanner looks at */
    TESSERA(&q, "qr", "--png", "camframes/1-badge.png", "--scale", "3", "--margin", "40", text);
    free(q.out);
    TESSERA(&q, "qr", "--png", "camframes/2-badge.png", "--scale", "3", "--margin", "40", text);
    free(q.out);
    /* the empty scene: light grey, the badge frame's size */
    char path[600];
    snprintf(path, sizeof path, "%s/1-badge.png", frames);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&im, path));
    png_image_free(&im);
    uint8_t *grey = malloc((size_t)im.width * im.height);
    assert_non_null(grey);
    memset(grey, 0xc0, (size_t)im.width * im.height);
    im.format = PNG_FORMAT_GRAY;
    snprintf(path, sizeof path, "%s/0-empty.png", frames);
    assert_true(png_image_write_to_file(&im, path, 0, grey, 0, NULL));
    free(grey);

    result r = kiosk("--camera-frames", "camframes", "shots-cam", "2026-06-01");
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    assert_string_equal(jstr(v[0], "input"), "1-badge.png");
    cJSON_Delete(v[0]);
    char names[8][300];
    assert_int_equal(shots("shots-cam", "verdict", names, 8), 1);
    assert_true(shots("shots-cam", "preview", names, 8) >= 1);
    /* the first preview is the empty scene: its grey fills the middle */
    uint8_t *rgb = read_shot(names[0]);
    size_t navy = count_colour(rgb, 0x10, 0x1c, 0x2c), scene = count_colour(rgb, 0xc0, 0xc0, 0xc0);
    if (navy > 640u * 400u * 3 / 4 || scene < 640u * 400u / 4)
        fail_msg("%s: %zu pixels of the idle ground, %zu of the frame", names[0], navy, scene);
    const uint8_t *mid = rgb + ((size_t)200 * 640 + 320) * 3;
    assert_true(abs(mid[0] - 0xc0) <= 6 && abs(mid[1] - 0xc0) <= 6 && abs(mid[2] - 0xc0) <= 6);
    free(rgb);
    free(r.out);
    free(text);
}

/* --camera with no such camera: the kiosk starts, says so on the idle
 * screen (in the warning colour), and with --exit-when-done ends once it
 * was shown. */
static void test_camera_missing(void **st)
{
    char shot_path[512];
    snprintf(shot_path, sizeof shot_path, "%s/shots-nocam", dir);
    assert_int_equal(mkdir(shot_path, 0755), 0);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--camera", "/dev/video99",
                          "--exit-when-done", "--screenshot-dir", "shots-nocam", "--at",
                          "2026-06-01", "--window", "--width", "640", "--height", "400", NULL};
    result r;
    run(&r, argv);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.len, 0);
    char names[4][300];
    assert_int_equal(shots("shots-nocam", "idle", names, 4), 1);
    assert_int_equal(shots("shots-nocam", "preview", names + 1, 3), 0);
    uint8_t *rgb = read_shot(names[0]);
    size_t warn = count_colour(rgb, 0xff, 0xc1, 0x4d);
    if (warn < 500)
        fail_msg("%s: %zu pixels say the camera is missing", names[0], warn);
    free(rgb);
    free(r.out);

    /* --run-ms ends a run that has no end of its own */
    const char *argv2[] = {kiosk_bin, "--virtual-clock",
                           "--state", "state", "--camera", "/dev/video99", "--run-ms",
                           "300", "--at", "2026-06-01", "--window", "--width", "640",
                           "--height", "400", NULL};
    run(&r, argv2);
    assert_int_equal(r.code, 0);
    free(r.out);
}

/* The lights and the buzzer follow the verdicts on the simulated chip;
 * in verify mode the door relay never moves from shut. */
static void test_gpio_lights(void **st)
{
    char *valid = issue("Ada Lovelace", "2027-01-01", true);
    size_t cap = strlen(valid) + 64;
    char *texts = malloc(cap);
    assert_non_null(texts);
    snprintf(texts, cap, "%s\nthis is not a badge\n", valid);
    put_file("gpio-texts.txt", texts);
    put_file("gpio.conf", "gpio_relay = 17\ngpio_green = 22\ngpio_red = 27\ngpio_buzzer = 23\n");
    char sim[340], logp[300];
    snprintf(logp, sizeof logp, "%s/gpio.log", dir);
    snprintf(sim, sizeof sim, "sim:%s", logp);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--texts", "gpio-texts.txt", "--pace",
                          "300", "--verdict-ms", "200", "--exit-when-done", "--config",
                          "gpio.conf", "--gpio", sim, "--at", "2026-06-01", "--window",
                          "--width", "640", "--height", "400", NULL};
    result r;
    run(&r, argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    FILE *f = fopen(logp, "r");
    assert_non_null(f);
    unsigned ms;
    char line[16];
    int value, relay_changes = 0, green_on = -1, red_on = -1, buzz = 0, i = 0;
    while (fscanf(f, "%u %15s %d", &ms, line, &value) == 3) {
        if (strcmp(line, "relay") == 0) {
            relay_changes++;
            assert_int_equal(value, 1); /* active low: shut */
        } else if (strcmp(line, "green") == 0 && value == 1 && green_on < 0) {
            green_on = i;
        } else if (strcmp(line, "red") == 0 && value == 1 && red_on < 0) {
            red_on = i;
        } else if (strcmp(line, "buzzer") == 0 && value == 1) {
            buzz++;
        }
        i++;
    }
    fclose(f);
    assert_true(relay_changes >= 2); /* shut at the start and at the end */
    assert_true(green_on >= 0 && red_on > green_on);
    assert_int_equal(buzz, 2); /* the invalid verdict's two beeps */
    free(valid);
    free(texts);
}

/* Check-in mode (issue 6): two badges in, a line that is no badge
 * refused, then the first badge again in another text (a new print of the
 * same credential id, so the 5 s rule does not hide it): "duplicate",
 * blue, with the first check-in's kiosk; the counts on the idle screen
 * come from the store. Then admin exports the log to a USB stick. */
static void test_checkin_mode(void **st)
{
    result r;
    const char *cti = "00112233445566778899aabbccddeeff";
    char *texts[3];
    const char *iat[3] = {"2026-02-01", "2026-02-02", "2026-02-03"};
    for (int i = 0; i < 3; i++) {
        TESSERA(&r, "issue", "--key", "iss", "--iss", "https://academy.example", "--holder",
                i == 1 ? "Bob Stone" : "Ada Lovelace", "--title", "Forklift Operator L1",
                "--achievement", "FORK-L1", "--awarder", "Example Academy", "--iat", iat[i],
                "--exp", "2027-01-01", "--cti",
                i == 1 ? "ffeeddccbbaa99887766554433221100" : cti);
        r.out[strcspn(r.out, "\n")] = '\0';
        texts[i] = r.out;
    }
    size_t cap = strlen(texts[0]) * 3 + 100;
    char *all = malloc(cap);
    assert_non_null(all);
    snprintf(all, cap, "%s\n%s\nnot a badge\n%s\n", texts[0], texts[1], texts[2]);
    put_file("checkin.txt", all);
    put_file("pin.txt", "2468\n");
    char sh[1024];
    snprintf(sh, sizeof sh, "'%s' --hash-pin < pin.txt > checkin.conf", kiosk_bin);
    const char *hash_argv[] = {"/bin/sh", "-c", sh, NULL};
    run(&r, hash_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    snprintf(sh, sizeof sh,
             "printf 'mode = checkin\\nevent = jobfair-2026\\nkiosk_id = door 2\\n' >> "
             "checkin.conf && mkdir -p shots-checkin usb");
    run(&r, hash_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--texts", "checkin.txt", "--pace",
                          "150", "--verdict-ms", "60", "--exit-when-done", "--config",
                          "checkin.conf", "--screenshot-dir", "shots-checkin", "--at",
                          "2026-06-01", "--window", "--width", "640", "--height", "400", NULL};
    run(&r, argv);
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 4);
    const char *want[4] = {"first", "first", "refused", "duplicate"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(jstr(v[i], "checkin"), want[i]);
        assert_string_equal(jstr(v[i], "event"), "jobfair-2026");
        assert_string_equal(jstr(v[i], "kiosk"), "door 2");
    }
    assert_string_equal(jstr(v[3], "first_kiosk"), "door 2");
    const cJSON *ft = cJSON_GetObjectItemCaseSensitive(v[3], "first_time");
    assert_true(cJSON_IsNumber(ft) && ft->valuedouble == 1780272000.0);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(v[i]);
    free(r.out);
    char names[8][300];
    assert_int_equal(shots("shots-checkin", "verdict", names, 8), 4);
    expect_colour(names[0], 0x1b, 0x7f, 0x3b); /* green: welcome */
    expect_colour(names[2], 0xb3, 0x26, 0x1e); /* red: refused */
    expect_colour(names[3], 0x1f, 0x4e, 0x9c); /* blue: already checked in */

    /* admin, key 5: the log to the stick */
    put_file("export.keys", "ctrl+alt+a\ntype 2468\nenter\nkey 5\nwait 200\nesc\n");
    const char *argv2[] = {kiosk_bin, "--virtual-clock",
                           "--state", "state", "--texts", "/dev/null", "--keys",
                           "export.keys", "--usb-mount", "usb", "--pace", "60",
                           "--exit-when-done", "--config", "checkin.conf", "--at", "2026-06-01",
                           "--window", "--width", "640", "--height", "400", NULL};
    run(&r, argv2);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\"admin\": \"export\", \"result\": \"written\""));
    free(r.out);
    snprintf(sh, sizeof sh, "cat usb/tessera/jobfair-2026-door_2-*.csv");
    run(&r, hash_argv);
    assert_int_equal(r.code, 0);
    /* a header, then the four verdicts, the holder's name never (this
     * event does not keep names) */
    size_t rows = 0;
    for (const char *p = r.out; *p; p++)
        rows += *p == '\n';
    assert_int_equal(rows, 5);
    assert_null(strstr(r.out, "Lovelace"));
    assert_non_null(strstr(r.out, "duplicate"));
    free(r.out);
    for (int i = 0; i < 3; i++)
        free(texts[i]);
    free(all);
}

/* A log that cannot be written (here a store.db of garbage): the kiosk
 * says so, goes on verifying, and leaves the file as it was. */
static void test_store_broken(void **st)
{
    result r;
    char sh[600];
    snprintf(sh, sizeof sh,
             "rm -rf state-bad && cp -r state state-bad && rm -f state-bad/store.db* && "
             "head -c 8192 /dev/urandom > state-bad/store.db && cp state-bad/store.db garbage.db && "
             "printf 'mode = checkin\\nevent = jf\\n' > broken.conf && mkdir -p shots-broken");
    const char *sh_argv[] = {"/bin/sh", "-c", sh, NULL};
    run(&r, sh_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    char *valid = issue("Ada Lovelace", "2027-01-01", true);
    put_file("broken.txt", valid);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state-bad", "--texts", "broken.txt", "--pace",
                          "100", "--verdict-ms", "60", "--exit-when-done", "--config",
                          "broken.conf", "--screenshot-dir", "shots-broken", "--at",
                          "2026-06-01", "--window", "--width", "640", "--height", "400", NULL};
    run(&r, argv);
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    assert_string_equal(jstr(v[0], "checkin"), "error");
    assert_true(strlen(jstr(v[0], "store_error")) > 5);
    cJSON_Delete(v[0]);
    free(r.out);
    char names[4][300];
    assert_true(shots("shots-broken", "idle", names, 4) >= 1);
    uint8_t *rgb = read_shot(names[0]);
    size_t warn = count_colour(rgb, 0xff, 0xc1, 0x4d);
    if (warn < 100)
        fail_msg("%s: %zu pixels say the log is not recorded", names[0], warn);
    free(rgb);
    snprintf(sh, sizeof sh, "cmp state-bad/store.db garbage.db");
    run(&r, sh_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    free(valid);
}

/* A credential of the forklift course with its two ESCO skills, or of
 * another course (first line of `tessera issue`). */
static char *issue_course(const char *holder, const char *title, const char *achievement,
                          const char *skill1, const char *skill2, const char *exp)
{
    result r;
    TESSERA(&r, "issue", "--key", "iss", "--iss", "https://academy.example", "--holder", holder,
            "--title", title, "--achievement", achievement, "--awarder", "Example Academy",
            "--iat", "2026-02-01", "--exp", exp, "--skill", skill1, "--skill", skill2);
    r.out[strcspn(r.out, "\n")] = '\0';
    return r.out;
}

#define ESCO_FORKLIFT "esco:28cb374e-6261-4133-8371-f9a5470145da"
#define ESCO_LIFT "esco:ab2bb44a-3956-4028-8715-8b70b1960b99"
#define ESCO_SHEETS "esco:1973c966-f236-40c9-b2d4-5d71a89019be"
#define ESCO_WORD "esco:81633a44-f1db-4a01-a940-804c6905e330"

/* The booth (issue 10): one role, so it is chosen; a forklift badge proves
 * two of the three required skills, an expired first-aid badge is refused
 * and proves nothing, a badge scanned again counts once; E ends the
 * session and forgets the candidate. */
static void test_match_mode(void **st)
{
    char *fork = issue_course("Ana", "Forklift Safety, Level 1", "FORK-L1", ESCO_FORKLIFT,
                              ESCO_LIFT, "2027-06-01");
    char *aid = issue_course("Ana", "First Aid at Work", "FAW-1", "x:first-aid-cpr-aed",
                             "x:first-aid-assess-casualty", "2026-03-01");
    size_t cap = 2 * strlen(fork) + strlen(aid) + 16;
    char *texts = malloc(cap);
    assert_non_null(texts);
    snprintf(texts, cap, "%s\n%s\n", fork, aid);
    put_file("match.txt", texts);
    result r;
    const char *sh = "mkdir -p roles shots-match && cp '" TESS_SOURCE_DIR
                     "/assets/roles/warehouse_operative.role' roles/ && "
                     "printf 'mode = match\\nroles_dir = %s/roles\\n' \"$PWD\" > match.conf && "
                     "printf 'wait 1200\\nkey c\\nkey y\\ntype Ana P\xc3\xa9rez, "
                     "ana@example.org\\nenter\\nwait 300\\nkey c\\nkey n\\nkey e\\n' > "
                     "match.keys";
    const char *sh_argv[] = {"/bin/sh", "-c", sh, NULL};
    run(&r, sh_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--texts", "match.txt", "--pace", "300",
                          "--exit-when-done", "--config", "match.conf", "--keys", "match.keys",
                          "--screenshot-dir", "shots-match", "--at", "2026-06-01", "--window",
                          "--width", "640", "--height", "400", NULL};
    run(&r, argv);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\"role\": \"warehouse-operative\", \"score\": 66, "
                                  "\"required\": 3, \"proven\": 2"));
    assert_non_null(strstr(r.out, "\"badges\": 2, \"refused\": 1"));
    assert_non_null(strstr(r.out, "{\"match\": \"end\", \"why\": \"button\"}"));
    /* the candidate agreed once (the second time, no): one contact kept */
    assert_non_null(strstr(r.out, "{\"match\": \"contact\", \"stored\": true}"));
    free(r.out);
    TESSERA(&r, "log", "export", "--state", "state", "--contacts", "--csv", "-");
    assert_non_null(strstr(r.out, "Ana P\xc3\xa9rez, ana@example.org"));
    assert_non_null(strstr(r.out, "warehouse-operative,Example Logistics,"));
    size_t rows = 0;
    for (const char *c = r.out; *c; c++)
        rows += *c == '\n';
    assert_int_equal(rows, 2); /* the header and the one contact */
    free(r.out);
    char names[8][300];
    assert_true(shots("shots-match", "match", names, 8) >= 2);
    free(fork);
    free(aid);
    free(texts);
}

/* A door (issue 10): the list lets FORK- badges of the academy in; the
 * relay opens once, for the one that may enter; the expired and the
 * unlisted badge are refused; every decision is an audit row. */
static void test_access_mode(void **st)
{
    char *fork = issue_course("Ana", "Forklift Safety, Level 1", "FORK-L1", ESCO_FORKLIFT,
                              ESCO_LIFT, "2027-06-01");
    char *old = issue_course("Bo", "Forklift Safety, Level 1", "FORK-L1", ESCO_FORKLIFT,
                             ESCO_LIFT, "2026-03-01");
    char *office = issue_course("Cy", "Office Software", "OFF-1", ESCO_SHEETS, ESCO_WORD,
                                "2027-06-01");
    size_t cap = strlen(fork) + strlen(old) + strlen(office) + 16;
    char *texts = malloc(cap);
    assert_non_null(texts);
    snprintf(texts, cap, "%s\n%s\n%s\n", fork, old, office);
    put_file("access.txt", texts);
    put_file("door.access", "# the workshop\nallow https://academy.example FORK-\n");
    result r;
    const char *sh = "printf 'mode = access\\naccess_list = %s/door.access\\n"
                     "door_name = workshop\\ngpio_relay = 17\\n' \"$PWD\" > access.conf && "
                     "rm -f door-gpio.log";
    const char *sh_argv[] = {"/bin/sh", "-c", sh, NULL};
    run(&r, sh_argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    char sim[340];
    snprintf(sim, sizeof sim, "sim:%s/door-gpio.log", dir);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--texts", "access.txt", "--pace", "200",
                          "--verdict-ms", "100", "--exit-when-done", "--config", "access.conf",
                          "--gpio", sim, "--at", "2026-06-01", "--window", "--width", "640",
                          "--height", "400", NULL};
    run(&r, argv);
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 3);
    const char *want[3][2] = {{"enter", "ok"}, {"refuse", "invalid"}, {"refuse", "not_listed"}};
    for (size_t i = 0; i < n; i++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(v[i], "access");
        assert_string_equal(jstr(a, "decision"), want[i][0]);
        assert_string_equal(jstr(a, "why"), want[i][1]);
        assert_string_equal(jstr(a, "door"), "workshop");
        cJSON_Delete(v[i]);
    }
    free(r.out);
    /* the relay (active low): shut, open once, shut */
    const char *cmd = "grep relay door-gpio.log | cut -d' ' -f3 | tr -d '\\n'";
    const char *cmd_argv[] = {"/bin/sh", "-c", cmd, NULL};
    run(&r, cmd_argv);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "101");
    free(r.out);
    /* the audit log: the three decisions, at the door */
    const char *q = "sqlite3 state/store.db \"select checkin from audit where detail = "
                    "'workshop' order by seq\" | tr '\\n' ' '";
    const char *q_argv[] = {"/bin/sh", "-c", q, NULL};
    run(&r, q_argv);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "enter refused refused ");
    free(r.out);
    free(fork);
    free(old);
    free(office);
    free(texts);
}

/* Not provisioned yet: the kiosk waits on a "not ready" screen, judges
 * nothing, and is ready by itself once a bundle is installed (here once
 * the "not ready" screen is out, as the provisioning stick's service
 * would). The kiosk keeps the real clock: another process acts on it. */
static void test_not_provisioned(void **st)
{
    char *valid = issue("Ada Lovelace", "2027-01-01", true);
    put_file("np.txt", valid);
    int f = slowdown();
    char sh[1400];
    /* The folders first (a "&" would put them in the background too, and
     * a kiosk started before them finds no state); then the kiosk in the
     * background, the install once its first screen is out (or it is
     * gone: nothing is left looping behind a dead kiosk), and the
     * kiosk's own exit code. */
    snprintf(sh, sizeof sh,
             "rm -rf state-np shots-np && mkdir state-np shots-np || exit 1; "
             "SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy "
             "'%s' --state state-np --texts np.txt --pace %d --run-ms %d "
             "--screenshot-dir shots-np --at 2026-06-01 --window --width 640 --height 400 & "
             "k=$!; "
             "while [ -z \"$(ls shots-np)\" ] && kill -0 $k 2>/dev/null; do sleep 0.1; done; "
             "'%s' bundle install --root root.cbor --state state-np b.tb1 >/dev/null; "
             "wait $k",
             kiosk_bin, 3500 * f, 5000 * f, tessera_bin);
    const char *argv[] = {"/bin/sh", "-c", sh, NULL};
    result r;
    run(&r, argv);
    assert_int_equal(r.code, 0);
    size_t n;
    cJSON **v = lines(&r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(jstr(v[0], "verdict"), "valid");
    cJSON_Delete(v[0]);
    free(r.out);
    char names[8][300];
    assert_true(shots("shots-np", "idle", names, 8) >= 2); /* not ready, then ready */
    uint8_t *rgb = read_shot(names[0]);
    size_t warn = count_colour(rgb, 0xff, 0xc1, 0x4d);
    if (warn < 500)
        fail_msg("%s: %zu pixels say the kiosk is not ready", names[0], warn);
    free(rgb);
    free(valid);
}

/* What a systemd stand-in heard: read as it comes, as systemd does (a
 * unix datagram queue holds only net.unix.max_dgram_qlen messages). */
typedef struct {
    int fd;
    int ready, pings, stopping, n, other;
    bool ready_first, stopping_last;
} sd_heard;

static void *sd_listen(void *arg)
{
    sd_heard *h = arg;
    char msg[256];
    for (;;) {
        ssize_t got = recv(h->fd, msg, sizeof msg - 1, 0);
        if (got <= 0)
            break; /* shut down by the test */
        msg[got] = '\0';
        h->stopping_last = false;
        if (strcmp(msg, "READY=1") == 0) {
            h->ready_first = h->n == 0;
            h->ready++;
        } else if (strcmp(msg, "WATCHDOG=1") == 0) {
            h->pings++;
        } else if (strcmp(msg, "STOPPING=1") == 0) {
            h->stopping++;
            h->stopping_last = true;
        } else {
            h->other++;
        }
        h->n++;
    }
    return NULL;
}

/* Under systemd (Type=notify, WatchdogSec=): READY=1 once, WATCHDOG=1
 * at least every quarter of WATCHDOG_USEC while the kiosk idles, and
 * STOPPING=1 last. */
static void test_systemd_notify(void **st)
{
    char sock_path[300];
    snprintf(sock_path, sizeof sock_path, "%s/notify", dir);
    sd_heard h;
    memset(&h, 0, sizeof h);
    h.fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(h.fd >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    assert_true(strlen(sock_path) < sizeof sa.sun_path);
    memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
    assert_int_equal(bind(h.fd, (struct sockaddr *)&sa, sizeof sa), 0);
    pthread_t listener;
    assert_int_equal(pthread_create(&listener, NULL, sd_listen, &h), 0);
    setenv("NOTIFY_SOCKET", sock_path, 1);
    /* 0.4 s: a ping at least every 0.1 s (under valgrind 4 s, 1 s) */
    char usec[32], run_ms[16];
    snprintf(usec, sizeof usec, "%d", 400000 * slowdown());
    snprintf(run_ms, sizeof run_ms, "%d", 1500 * slowdown());
    setenv("WATCHDOG_USEC", usec, 1);
    unsetenv("WATCHDOG_PID");
    const char *argv[] = {kiosk_bin, "--state", "state", "--camera", "/dev/video99", "--run-ms",
                          run_ms, "--at", "2026-06-01", "--window", "--width", "640",
                          "--height", "400", NULL};
    result r;
    run(&r, argv);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    struct timespec settle = {0, 100000000};
    nanosleep(&settle, NULL); /* the last datagrams are read */
    shutdown(h.fd, SHUT_RDWR);
    pthread_join(listener, NULL);
    close(h.fd);
    assert_int_equal(r.code, 0);
    free(r.out);
    assert_int_equal(h.other, 0);
    assert_int_equal(h.ready, 1);
    assert_true(h.ready_first);
    assert_int_equal(h.stopping, 1);
    assert_true(h.stopping_last);
    /* 1.5 s at a ping per 0.1 s at most: 15; a loop that slept through
     * the 1 s idle tick would give 2 */
    if (h.pings < 8)
        fail_msg("%d watchdog pings in %s ms with WATCHDOG_USEC=%s", h.pings, run_ms, usec);
}

/* What is missing is said on stderr, exit 2, no window. */
static void test_missing_inputs(void **st)
{
    const char *cases[][7] = {
        {"--state", "no-such-state", "--texts", "texts.txt", NULL},
        {"--state", "state", "--texts", "no-such-file.txt", NULL},
        {"--state", "state", "--frames", "no-such-folder", NULL},
        {"--state", "state", "--pace", "soon", NULL},
        {"--state", "state", "--camera-frames", "no-such-folder", NULL},
        {"--state", "state", "--camera", "/dev/video99", "--texts", "texts.txt", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[9] = {kiosk_bin};
        for (size_t j = 0; cases[i][j]; j++)
            argv[j + 1] = cases[i][j];
        result r;
        run(&r, argv);
        if (r.code != 2)
            fail_msg("case %zu: expected exit 2, got %d", i, r.code);
        assert_int_equal(r.len, 0);
        free(r.out);
    }
}

/* --at takes Unix seconds or YYYY-MM-DD from 1970; blanks before a field
 * are taken, as sscanf's %u took them, but not a sign ("-197" wrapped to a
 * year past 4e9). --print-config after it exits 0 once --at is read, and
 * a refused --at exits 2 before it. */
static void test_at_values(void **st)
{
    static const struct {
        const char *at;
        int code;
    } cases[] = {
        {"2026-06-01", 0},
        {"1970-01-01", 0},
        {"1969-12-31", 2},
        {"9999-12-31", 0},
        {"10000-01-01", 2},
        {"2026-1-1", 0},
        {"2026-001-01", 2},
        {"2026-01-001", 2},
        {"2026-12-01", 0},
        {"2026-13-01", 2},
        {"2026-00-10", 2},
        {"2026-01-31", 0},
        {"2026-01-32", 2},
        {"2026-01-00", 2},
        {"2026-01-01x", 2},
        {"2026-01-01T00:00", 2},
        {"2026-01", 2},
        {"-197-01-01", 2},
        {"2026-+1-01", 2},
        {"2026- 1-01", 0},
        {" 2026-01-01", 0},
        {"2026-01- 1", 0},
        {"1780000000", 0},
        {"18446744073709551615", 0},
        {"18446744073709551616", 2},
        {"", 2},
        {"yesterday", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {kiosk_bin, "--at", cases[i].at, "--print-config", NULL};
        result r;
        run(&r, argv);
        if (r.code != cases[i].code)
            fail_msg("--at '%s': expected exit %d, got %d", cases[i].at, cases[i].code, r.code);
        free(r.out);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_kiosk KIOSK TESSERA\n");
        return 2;
    }
    kiosk_bin = argv[1];
    tessera_bin = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_inputs),
        cmocka_unit_test(test_at_values),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_stale_is_amber),
        cmocka_unit_test(test_config_policy),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_camera_frames),
        cmocka_unit_test(test_camera_missing),
        cmocka_unit_test(test_systemd_notify),
        cmocka_unit_test(test_gpio_lights),
        cmocka_unit_test(test_checkin_mode),
        cmocka_unit_test(test_store_broken),
        cmocka_unit_test(test_match_mode),
        cmocka_unit_test(test_access_mode),
        cmocka_unit_test(test_not_provisioned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
