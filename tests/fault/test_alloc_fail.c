/*
 * test_alloc_fail.c: every allocation of the app layer fails in turn.
 *
 * malloc, calloc, realloc, strdup and strndup are wrapped at link time
 * (-Wl,--wrap, tests/CMakeLists.txt) for the objects of this program and
 * of the static libraries it links (tess_app, tess_store, tess_match,
 * tess_scan, app/kiosk/config.c): the app layer. Shared libraries (SQLite,
 * libpng, ZBar, cJSON) allocate as usual. Wrapping, rather than replacing
 * malloc as tests/unit/test_alloc.c does, works under AddressSanitizer and
 * valgrind too, so their leak checkers watch every failure path here.
 *
 * For each operation: the N-th allocation fails, for N = 1, 2, ... until
 * a run makes fewer than N allocations (it succeeded with none refused).
 * Every failed run must say why (false or NULL with a message, or the
 * documented status), leak nothing (LeakSanitizer in make asan, memcheck
 * in make valgrind), and leave no file half-written: the state still
 * loads, the store still opens and its chains check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "access.h"
#include "config.h"
#include "esco.h"
#include "frames.h"
#include "qr_render.h"
#include "role.h"
#include "scanner.h"
#include "state.h"
#include "store.h"
#include "store_kit.h"
#include "template.h"

/* ---- the wrapped allocators ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static unsigned long fail_at; /* 0: none fails */
static unsigned long calls;   /* allocations since the run was armed */
static bool injected;         /* the run's fail_at-th allocation was refused */

static bool refuse(void)
{
    if (fail_at == 0)
        return false;
    if (++calls != fail_at)
        return false;
    injected = true;
    errno = ENOMEM; /* as glibc's allocators do */
    return true;
}

void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
    return refuse() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t a, size_t b);
void *__wrap_calloc(size_t a, size_t b)
{
    return refuse() ? NULL : __real_calloc(a, b);
}

void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
    return refuse() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s);
char *__wrap_strdup(const char *s)
{
    return refuse() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n);
char *__wrap_strndup(const char *s, size_t n)
{
    return refuse() ? NULL : __real_strndup(s, n);
}

/* SQLite's own allocations go through the same count (sqlite3_config
 * before its first use), so that the store meets SQLITE_NOMEM at every
 * step of opening, migrating and writing. Each block carries its size in
 * front, as SQLite's default allocator does without malloc_usable_size. */
static void *sq_malloc(int n)
{
    if (refuse())
        return NULL;
    uint64_t *p = __real_malloc((size_t)n + 8);
    if (!p)
        return NULL;
    p[0] = (uint64_t)n;
    return p + 1;
}

static void sq_free(void *p)
{
    if (p)
        free((uint64_t *)p - 1);
}

static int sq_size(void *p)
{
    return p ? (int)((uint64_t *)p)[-1] : 0;
}

static void *sq_realloc(void *p, int n)
{
    if (refuse())
        return NULL;
    uint64_t *q = __real_realloc((uint64_t *)p - 1, (size_t)n + 8);
    if (!q)
        return NULL;
    q[0] = (uint64_t)n;
    return q + 1;
}

static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sq_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void sq_shutdown(void *app)
{
    (void)app;
}

static const sqlite3_mem_methods sq_methods = {sq_malloc, sq_free,  sq_realloc, sq_size,
                                               sq_roundup, sq_init, sq_shutdown, NULL};

/* ---- the sweep ---- */

/* One operation, run with the allocator armed: true when it succeeded.
 * On false it must have left a message in err (or said why otherwise). */
typedef bool (*operation)(char *err, size_t cap);
/* Run after every attempt with nothing armed: what must still hold. */
typedef void (*afterwards)(void);

/* Runs op with the N-th allocation refused, N = 1, 2, ..., until a run
 * refuses none; returns how many allocations the operation makes. */
static unsigned long sweep(const char *name, operation op, afterwards after)
{
    char last[2048] = "";
    for (unsigned long n = 1;; n++) {
        char err[2048] = "";
        calls = 0;
        injected = false;
        fail_at = n;
        bool ok = op(err, sizeof err);
        fail_at = 0;
        if (!injected) {
            if (!ok)
                fail_msg("%s: failed with no allocation refused: %s", name, err);
            if (after)
                after();
            print_message("%s: %lu allocations, each refused in turn: no crash, no leak, "
                          "a message each time\n",
                          name, n - 1);
            return n - 1;
        }
        if (!ok && err[0] == 0)
            fail_msg("%s: allocation %lu refused: failed without a message", name, n);
        /* each new message once, so that a reader can judge them */
        if (!ok && strcmp(err, last) != 0) {
            print_message("  %s, allocation %lu refused: %s\n", name, n, err);
            snprintf(last, sizeof last, "%s", err);
        }
        if (after)
            after();
        if (n > 100000)
            fail_msg("%s: more than 100000 allocations", name);
    }
}

/* ---- the world: a provisioned state, files, an image ---- */

static tk_world *world;
static char top[256], state_dir[300], root_path[300], v2_path[300], png_path[300];
static uint8_t v2_file[65536];
static size_t v2_len;
static uint64_t version_now; /* the version the state must have in force */

static void put(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &sq_methods) != SQLITE_OK)
        fail_msg("sqlite3_config(SQLITE_CONFIG_MALLOC) refused");
    world = tk_world_new();
    sk_tempdir(top, sizeof top, "allocfail");
    snprintf(state_dir, sizeof state_dir, "%s/state", top);
    snprintf(root_path, sizeof root_path, "%s/root.cbor", top);
    snprintf(v2_path, sizeof v2_path, "%s/v2.tb1", top);
    snprintf(png_path, sizeof png_path, "%s/badge.png", top);
    put(root_path, world->root_file, world->root_len);
    install_result r;
    state_install(state_dir, root_path, world->bundle_file, world->bundle_len, &r);
    if (r.reason != TESS_OK || r.error)
        fail_msg("provisioning: %s", r.message);
    version_now = 1;
    v2_len = tk_world_bundle_version(world, 2, v2_file, sizeof v2_file);
    put(v2_path, v2_file, v2_len);
    /* a badge as a QR code in a PNG, for the frame sources and the scanner */
    char text[8192];
    sk_badge(7, text);
    qr_code q;
    assert_true(qr_encode(text, 'M', &q));
    qr_style style = {'M', 4, 4};
    assert_true(qr_write_png(&q, &style, png_path));
    qr_free(&q);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sk_rmtree(top);
    tk_world_free(world);
    return 0;
}

/* ---- the trust state ---- */

static bool op_state_load(char *err, size_t cap)
{
    kiosk_state s;
    if (!state_load(&s, state_dir, err, cap))
        return false;
    bool ok = s.generation != 0 && s.bundle.version == version_now;
    state_close(&s);
    if (!ok)
        snprintf(err, cap, "loaded the wrong state");
    return ok;
}

/* The state in force is whole: it loads, with the version expected, and a
 * badge verifies against it. */
static void state_whole(void)
{
    kiosk_state s;
    char err[1400];
    if (!state_load(&s, state_dir, err, sizeof err))
        fail_msg("the state no longer loads: %s", err);
    assert_int_equal(s.bundle.version, version_now);
    char text[8192];
    sk_badge(3, text);
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_status st = tess_verify(&world->verifier, text, strlen(text), &s.bundle, &clock,
                                 &world->verdict);
    state_close(&s);
    assert_int_equal(st, TESS_OK);
}

static void test_state_load(void **state)
{
    (void)state;
    assert_true(sweep("state_load", op_state_load, state_whole) > 0);
}

/* state_install of version 2 over version 1: refused allocations are I/O
 * errors, and version 1 stays in force until the one run that succeeds. */
static bool op_state_install(char *err, size_t cap)
{
    install_result r;
    state_install(state_dir, NULL, v2_file, v2_len, &r);
    if (r.reason == TESS_OK && !r.error)
        return true;
    snprintf(err, cap, "%s", r.message);
    if (injected && !r.error)
        fail_msg("state_install: a refused allocation reported as a refused bundle (%s)",
                 r.message);
    return false;
}

static bool op_state_install_tracked(char *err, size_t cap)
{
    bool ok = op_state_install(err, cap);
    if (ok)
        version_now = 2;
    return ok;
}

static void test_state_install(void **state)
{
    (void)state;
    sweep("state_install", op_state_install_tracked, state_whole);
    assert_int_equal(version_now, 2);
}

/* ---- the store ---- */

static unsigned long records_acked;

static bool op_store_record(char *err, size_t cap)
{
    tess_store *s = tess_store_open(state_dir, "door1");
    if (!s) {
        snprintf(err, cap, "tess_store_open: out of memory (NULL)");
        return false;
    }
    if (tess_store_status_of(s) != TESS_STORE_OK) {
        snprintf(err, cap, "%s", tess_store_error(s));
        tess_store_close(s);
        return false;
    }
    tess_checkin c;
    /* sk_verdict allocates nothing of the app layer: tess_verify only */
    tess_store_status st = tess_store_record(s, NULL, sk_verdict(world, 1), TK_NOW, &c);
    if (st == TESS_STORE_OK) {
        records_acked++;
    } else {
        if (c.kind != TESS_CHECKIN_ERROR)
            fail_msg("tess_store_record failed but said %s", tess_checkin_name(c.kind));
        snprintf(err, cap, "%s", tess_store_error(s));
    }
    tess_store_close(s);
    return st == TESS_STORE_OK;
}

/* The store opens, its chains check, and it holds every acknowledged row
 * and no other. */
static void store_whole(void)
{
    tess_store *s = tess_store_open(state_dir, "door1");
    assert_non_null(s);
    if (tess_store_status_of(s) != TESS_STORE_OK)
        fail_msg("the store no longer opens: %s", tess_store_error(s));
    tess_check_report r;
    assert_int_equal(tess_store_check(s, &r), TESS_STORE_OK);
    if (!r.ok)
        fail_msg("the store's chain is broken: %s", r.what);
    assert_int_equal(r.rows, records_acked);
    tess_store_close(s);
}

static void test_store(void **state)
{
    (void)state;
    sweep("tess_store_open + tess_store_record", op_store_record, store_whole);
    assert_true(records_acked >= 1);
}

/* ---- the kiosk's settings, templates, roles, ESCO, access ---- */

static bool op_config(char *err, size_t cap)
{
    kiosk_config cfg;
    char path[600];
    snprintf(path, sizeof path, "%s/kiosk.conf", top);
    if (!config_load(path, &cfg, err, cap))
        return false;
    return cfg.mode == MODE_CHECKIN;
}

static void test_config(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/kiosk.conf", top);
    /* a settings file of a check-in kiosk, in Spanish */
    static const char conf[] = "mode = checkin\nevent = fair\nlanguage = es\n";
    put(path, conf, strlen(conf));
    sweep("config_load", op_config, NULL);
}

static bool op_template(char *err, size_t cap)
{
    tmpl t;
    if (!tmpl_load(TESS_SOURCE_DIR "/assets/templates/forklift_safety.tmpl", &t, err, cap))
        return false;
    bool ok = t.n_skills > 0;
    tmpl_free(&t);
    return ok;
}

static void test_template(void **state)
{
    (void)state;
    assert_true(sweep("tmpl_load", op_template, NULL) > 0);
}

static bool op_role(char *err, size_t cap)
{
    role r;
    if (!role_load(TESS_SOURCE_DIR "/assets/roles/warehouse_operative.role", &r, err, cap))
        return false;
    bool ok = r.n_require > 0;
    role_free(&r);
    return ok;
}

static bool op_role_dir(char *err, size_t cap)
{
    role_set s;
    if (!role_load_dir(TESS_SOURCE_DIR "/assets/roles", &s, err, cap))
        return false;
    bool ok = s.n == 3;
    role_set_free(&s);
    if (!ok)
        snprintf(err, cap, "not the 3 roles of assets/roles");
    return ok;
}

static void test_roles(void **state)
{
    (void)state;
    assert_true(sweep("role_load", op_role, NULL) > 0);
    assert_true(sweep("role_load_dir", op_role_dir, NULL) > 0);
}

static bool op_esco(char *err, size_t cap)
{
    esco_table t;
    if (!esco_load(&t, TESS_SOURCE_DIR "/assets/esco/skills.tsv", err, cap))
        return false;
    bool ok = t.n > 0;
    esco_free(&t);
    return ok;
}

static void test_esco(void **state)
{
    (void)state;
    assert_true(sweep("esco_load", op_esco, NULL) > 0);
}

static bool op_access(char *err, size_t cap)
{
    access_list l;
    if (!access_load(&l, TESS_SOURCE_DIR "/assets/roles/workshop_room.access", err, cap))
        return false;
    bool ok = l.n > 0;
    access_free(&l);
    return ok;
}

static void test_access(void **state)
{
    (void)state;
    assert_true(sweep("access_load", op_access, NULL) > 0);
}

/* ---- frames and the scanner ---- */

static bool op_frames(char *err, size_t cap)
{
    frame_source *src = frame_open(png_path, err, cap);
    if (!src)
        return false;
    grey_frame f;
    frame_result fr = frame_next(src, &f);
    bool ok = fr == FRAME_OK && f.width > 0 && f.height > 0;
    if (fr == FRAME_OK) {
        /* the one image, then the end */
        ok = ok && frame_next(src, &f) == FRAME_END;
    } else if (fr == FRAME_BAD) {
        snprintf(err, cap, "frame_next: FRAME_BAD (the image could not be decoded)");
    } else {
        fail_msg("frame_next on a PNG: result %d", (int)fr);
    }
    frame_close(src);
    return ok;
}

static void test_frames(void **state)
{
    (void)state;
    assert_true(sweep("frame_open + frame_next (PNG)", op_frames, NULL) > 0);
}

static grey_frame badge_frame;
static uint8_t *badge_pixels;

static bool op_scanner(char *err, size_t cap)
{
    scan_options opt = {0, 0, 0, 0, false, true};
    scanner *sc = scanner_new(&opt);
    if (!sc) {
        snprintf(err, cap, "scanner_new: NULL");
        return false;
    }
    scan_result *res = malloc(sizeof *res);
    if (!res) {
        scanner_free(sc);
        snprintf(err, cap, "the test's result: out of memory");
        return false;
    }
    int n = scanner_scan(sc, &badge_frame, res);
    char text[8192];
    sk_badge(7, text);
    bool ok = n == 1 && res->len[0] == strlen(text) && memcmp(res->text[0], text, res->len[0]) == 0;
    if (n != 0 && !ok)
        fail_msg("scanner_scan returned %d codes, not the badge", n);
    if (!ok)
        snprintf(err, cap, "scanner_scan: no code read (%d)", n);
    free(res);
    scanner_free(sc);
    return ok;
}

static void test_scanner(void **state)
{
    (void)state;
    char err[256];
    frame_source *src = frame_open(png_path, err, sizeof err);
    assert_non_null(src);
    grey_frame f;
    assert_int_equal(frame_next(src, &f), FRAME_OK);
    badge_pixels = malloc((size_t)f.stride * (size_t)f.height);
    assert_non_null(badge_pixels);
    memcpy(badge_pixels, f.grey, (size_t)f.stride * (size_t)f.height);
    badge_frame = f;
    badge_frame.grey = badge_pixels;
    badge_frame.name = NULL;
    frame_close(src);
    sweep("scanner_new + scanner_scan", op_scanner, NULL);
    free(badge_pixels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_load), cmocka_unit_test(test_state_install),
        cmocka_unit_test(test_store),      cmocka_unit_test(test_config),
        cmocka_unit_test(test_template),   cmocka_unit_test(test_roles),
        cmocka_unit_test(test_esco),       cmocka_unit_test(test_access),
        cmocka_unit_test(test_frames),     cmocka_unit_test(test_scanner),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
