/*
 * test_issue_mode: issuing credentials at the kiosk (app/kiosk/issue_mode.h),
 * headless. A sealed issuer key and a trust bundle naming it are made with
 * the tessera command; a --keys script plays staff: admin, key 6, a wrong
 * passphrase then the right one, a template, a name with accents tapped on
 * the on-screen keyboard (taps computed from osk.c's layout, the same code
 * the kiosk uses) and another typed as a USB keyboard would, Issue, Done,
 * then nothing until the key locks itself. Checked: the JSON lines, that
 * each credential verifies with `tessera verify`, that the QR screenshots
 * and the PNGs on the fake USB stick decode (ZBar) to the same texts, the
 * store's issued rows (no names by default), the lock, and the refusal of
 * an unsealed key and of a kiosk not set up for issuing.
 *
 * argv[1]: the kiosk, argv[2]: the tessera command.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "frames.h"
#include "kiosk_harness.h"
#include "osk.h"
#include "scanner.h"

static const char *kiosk_bin, *tessera_bin;
static char dir[256];

#define run(r, argv) kh_run(dir, (r), (argv))
#define put_file(name, text) kh_put_file(dir, (name), (text))

#define PIN "2468"
#define PASS "correct horse battery"
#define ISS "https://academy.example"
#define NAME "Jos\xc3\xa9 M\xc3\xbcller-\xc3\x91\xc3\xba\xc3\xb1" "ez" /* José Müller-Ñúñez */
#define NAME2 "Fran\xc3\xa7oise L'\xc5\x92illet"                      /* Françoise L'Œillet */
#define AT "2026-06-01"
#define AT_SECONDS 1780272000ull
#define W 800
#define H 480

static char hash_line[256];

static void run_in(result *r, const char *const *argv, const char *in)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, in);
    int saved = dup(0);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, 0);
    close(fd);
    run(r, argv);
    dup2(saved, 0);
    close(saved);
}

static void tessera(const char *const *args)
{
    const char *argv[40] = {tessera_bin};
    size_t n = 1;
    for (size_t j = 0; args[j]; j++)
        argv[n++] = args[j];
    result r;
    run(&r, argv);
    if (r.code != 0)
        fail_msg("tessera %s: exit %d: %s", argv[1], r.code, r.out);
    free(r.out);
}

static void make_dir(const char *sub)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void make_world(void)
{
    put_file("pass.txt", PASS "\n");
    tessera((const char *[]){"keygen", "--seal", "--out", "iss.key", "--passphrase-file",
                             "pass.txt", NULL});
    tessera((const char *[]){"keygen", "--out", "plain.key", NULL});
    tessera((const char *[]){"keygen", "--out", "r0", NULL});
    tessera((const char *[]){"root", "init", "--threshold", "1", "--key", "r0.pub", "--out",
                             "root.cbor", NULL});
    tessera((const char *[]){"bundle", "create", "--root", "root.cbor", "--sign", "r0",
                             "--version", "1", "--expires", "2030-01-01", "--issued-at",
                             "2026-01-01", "--publisher", "Test Fleet", "--issuer",
                             "iss.key.pub", "--iss", ISS, "--name", "Example Academy", "--out",
                             "b1.tb1", NULL});
    tessera((const char *[]){"bundle", "install", "--root", "root.cbor", "--state", "state",
                             "b1.tb1", NULL});
    /* two templates: one good, one that does not parse (listed greyed) */
    make_dir("tmpl");
    put_file("tmpl/a_forklift.tmpl",
             "title: Forklift Safety, Level 1\nachievement: FORK-L1\n"
             "awarder: Example Training Centre\ntype: Certificate\neqf: 3\n"
             "validity: 3 years\n");
    put_file("tmpl/b_broken.tmpl", "achievement: X-1\nawarder: Nobody\n");
    make_dir("usb");
    make_dir("usb/tessera");
    put_file("pin.txt", PIN "\n");
    result r;
    const char *argv[] = {kiosk_bin, "--hash-pin", NULL};
    run_in(&r, argv, "pin.txt");
    assert_int_equal(r.code, 0);
    assert_memory_equal(r.out, "admin_pin_hash = ", 17);
    snprintf(hash_line, sizeof hash_line, "%s", r.out);
    free(r.out);
    char conf[2048];
    snprintf(conf, sizeof conf,
             "%sissue_key = %s/iss.key\nissue_iss = " ISS "\ntemplates_dir = %s/tmpl\n",
             hash_line, dir, dir);
    put_file("issue.conf", conf);
    snprintf(conf, sizeof conf,
             "%sissue_key = %s/plain.key\nissue_iss = " ISS "\ntemplates_dir = %s/tmpl\n",
             hash_line, dir, dir);
    put_file("plain.conf", conf);
    put_file("notset.conf", hash_line);
    snprintf(conf, sizeof conf,
             "%sissue_key = %s/iss.key\nissue_iss = " ISS "\ntemplates_dir = %s/tmpl\n"
             "issue_keep_names = yes\nkiosk_id = desk 1\n",
             hash_line, dir, dir);
    put_file("keep.conf", conf);
    snprintf(conf, sizeof conf,
             "%sissue_key = %s/iss.key\nissue_iss = https://other.example\n"
             "templates_dir = %s/tmpl\n",
             hash_line, dir, dir);
    put_file("other.conf", conf);
}

static int setup(void **st)
{
    (void)st;
    kh_make_dir(dir, sizeof dir, "tess-issue");
    make_world();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    kh_remove_dir(dir);
    return 0;
}

/* The kiosk with settings conf playing keys; screenshots in name/. */
static result kiosk(const char *name, const char *conf, const char *keys, int w, int h)
{
    char keys_file[300], ws[16], hs[16];
    make_dir(name);
    snprintf(keys_file, sizeof keys_file, "%s.keys", name);
    put_file(keys_file, keys);
    snprintf(ws, sizeof ws, "%d", w);
    snprintf(hs, sizeof hs, "%d", h);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--config", conf, "--keys", keys_file,
                          "--usb-mount", "usb", "--pace", "60", "--exit-when-done",
                          "--screenshot-dir", name, "--at", AT, "--window", "--width", ws,
                          "--height", hs, "--mute", "--issue-lock-ms", "3000", NULL};
    result r;
    run(&r, argv);
    return r;
}

/* Appends to script the taps that type one character c on the keyboard
 * o (kept in step with the kiosk's: the same osk.c), changing layer and
 * Shift as needed. */
static void tap_char(osk *o, const char *c, int w, int h, char *script, size_t cap)
{
    osk_rect a = osk_area(w, h);
    for (int tries = 0; tries < 4; tries++) {
        osk_key k[OSK_MAX_KEYS];
        int n = osk_layout(o, a, k);
        int i = osk_find(k, n, OSK_KEY_CHAR, c);
        if (i < 0 && strcmp(c, " ") == 0)
            i = osk_find(k, n, OSK_KEY_SPACE, NULL);
        osk_key_kind other = OSK_KEY_SHIFT;
        if (i < 0) {
            /* the other layer if it has c in this case, else Shift */
            osk probe = *o;
            probe.accents = !probe.accents;
            osk_key pk[OSK_MAX_KEYS];
            int pn = osk_layout(&probe, a, pk);
            if (osk_find(pk, pn, OSK_KEY_CHAR, c) >= 0 || tries == 2)
                other = OSK_KEY_LAYER;
            i = osk_find(k, n, other, NULL);
        }
        size_t len = strlen(script);
        snprintf(script + len, cap - len, "down %d %d\n", k[i].r.x + k[i].r.w / 2,
                 k[i].r.y + k[i].r.h / 2);
        osk_result res = osk_press(o, &k[i]);
        if (res == OSK_TYPED)
            return;
    }
    fail_msg("no key types '%s'", c);
}

/* The taps for text on a fresh keyboard. */
static void tap_text(const char *text, int w, int h, char *script, size_t cap)
{
    osk o;
    osk_init(&o, OSK_MAX_TEXT, false);
    for (const char *p = text; *p;) {
        size_t n = 1;
        while (((unsigned char)p[n] & 0xC0) == 0x80)
            n++;
        char c[8];
        memcpy(c, p, n);
        c[n] = '\0';
        tap_char(&o, c, w, h, script, cap);
        p += n;
    }
    assert_string_equal(o.text, text);
    size_t len = strlen(script);
    osk_key k[OSK_MAX_KEYS];
    int n = osk_layout(&o, osk_area(w, h), k);
    int done = osk_find(k, n, OSK_KEY_DONE, NULL);
    snprintf(script + len, cap - len, "down %d %d\n", k[done].r.x + k[done].r.w / 2,
             k[done].r.y + k[done].r.h / 2);
}

typedef struct {
    cJSON *issued[4];
    size_t n_issued;
    char events[2048];   /* issue_mode events, space-separated */
} outcome;

static void parse(const result *r, outcome *o)
{
    memset(o, 0, sizeof *o);
    char *copy = strdup(r->out);
    char *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        cJSON *v = cJSON_Parse(l);
        if (!v)
            fail_msg("not JSON: %s", l);
        const cJSON *ev = cJSON_GetObjectItemCaseSensitive(v, "issue_mode");
        size_t n = strlen(o->events);
        if (cJSON_IsString(ev)) {
            const cJSON *why = cJSON_GetObjectItemCaseSensitive(v, "reason");
            const cJSON *tries = cJSON_GetObjectItemCaseSensitive(v, "tries");
            snprintf(o->events + n, sizeof o->events - n, "%s%s", n ? " " : "",
                     ev->valuestring);
            n = strlen(o->events);
            if (cJSON_IsString(why))
                snprintf(o->events + n, sizeof o->events - n, ":%s", why->valuestring);
            if (cJSON_IsNumber(tries))
                snprintf(o->events + n, sizeof o->events - n, ":%d", tries->valueint);
        } else if (cJSON_GetObjectItemCaseSensitive(v, "issued")) {
            snprintf(o->events + n, sizeof o->events - n, "%sISSUED", n ? " " : "");
            assert_true(o->n_issued < 4);
            o->issued[o->n_issued++] = v;
            continue;
        }
        cJSON_Delete(v);
    }
    free(copy);
}

static void outcome_free(outcome *o)
{
    for (size_t i = 0; i < o->n_issued; i++)
        cJSON_Delete(o->issued[i]);
}

static const char *field(const cJSON *issued, const char *name)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(issued, "issued");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, name);
    if (!cJSON_IsString(f))
        fail_msg("issued.%s is not a string", name);
    return f->valuestring;
}

/* ZBar's reading of a PNG (the codes in it, the first one). */
static char *decode_png_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot be read", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    int w, h;
    uint8_t *grey = decode_png(data, (size_t)n, &w, &h);
    free(data);
    assert_non_null(grey);
    grey_frame fr = {w, h, w, grey, 0, path};
    static scan_result res;
    int found = scanner_scan_plain(&fr, &res);
    free(grey);
    if (found < 1)
        return NULL;
    return strndup(res.text[0], res.len[0]);
}

/* The screenshots of kind in sub, in the order shown. */
static size_t shots(const char *sub, const char *kind, char paths[][800], size_t max)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    struct dirent **list;
    int n = scandir(p, &list, NULL, alphasort);
    assert_true(n >= 0);
    size_t got = 0;
    char want[64];
    snprintf(want, sizeof want, "-%s.png", kind);
    for (int i = 0; i < n; i++) {
        const char *dash = strchr(list[i]->d_name, '-');
        if (dash && strcmp(dash, want) == 0 && got < max)
            snprintf(paths[got++], 800, "%s/%s", p, list[i]->d_name);
        free(list[i]);
    }
    free(list);
    return got;
}

static long long sql_int(const char *q)
{
    char path[512];
    snprintf(path, sizeof path, "%s/state/store.db", dir);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The credential's text verifies as valid with the tessera command, for
 * the holder given. */
static void verifies(const char *text, const char *holder)
{
    const char *argv[] = {tessera_bin, "verify", "--state", "state", "--at", AT, "--json",
                          text, NULL};
    result r;
    run(&r, argv);
    cJSON *v = cJSON_Parse(r.out);
    if (!v || r.code != 0)
        fail_msg("tessera verify: exit %d: %s", r.code, r.out);
    const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(v, "verdict");
    const cJSON *cred = cJSON_GetObjectItemCaseSensitive(v, "credential");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(cred, "holder");
    assert_true(cJSON_IsString(verdict) && cJSON_IsString(h));
    assert_string_equal(verdict->valuestring, "valid");
    assert_string_equal(h->valuestring, holder);
    cJSON_Delete(v);
    free(r.out);
}

static void issue_flow(const char *name, int w, int h)
{
    static char keys[32768];
    snprintf(keys, sizeof keys,
             "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\n"
             "type not the passphrase\nenter\nwait 900\n"
             "type " PASS "\nenter\nwait 900\n"
             "key 1\n");
    /* learner 1: tapped on the on-screen keyboard */
    tap_text(NAME, w, h, keys, sizeof keys);
    size_t len = strlen(keys);
    /* confirm (Enter), then Done on the QR screen (Enter) */
    snprintf(keys + len, sizeof keys - len,
             "wait 300\nenter\nwait 600\nenter\n"
             /* learner 2: typed on a USB keyboard, a typo corrected */
             "type " NAME2 "x\nbackspace\nenter\nwait 300\nenter\nwait 600\nenter\n"
             /* nobody comes: the key locks itself (--issue-lock-ms 3000) */
             "wait 4000\n");
    result r = kiosk(name, "issue.conf", keys, w, h);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 ||
        strcmp(o.events, "unlock wrong_passphrase:1 unlocked template ISSUED ISSUED timeout "
                         "lock:idle") != 0)
        fail_msg("%s: exit %d, events \"%s\"\n%s", name, r.code, o.events, r.out);
    free(r.out);
    const char *holders[2] = {NAME, NAME2};
    char qr[4][800], path[700];
    size_t n_qr = shots(name, "issue_qr", qr, 4);
    assert_int_equal(n_qr, 2);
    for (size_t i = 0; i < 2; i++) {
        const cJSON *is = o.issued[i];
        assert_string_equal(field(is, "holder"), holders[i]);
        assert_string_equal(field(is, "iss"), ISS);
        assert_string_equal(field(is, "title"), "Forklift Safety, Level 1");
        assert_string_equal(field(is, "template"), "a_forklift.tmpl");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(is, "issued");
        const cJSON *iat = cJSON_GetObjectItemCaseSensitive(c, "iat");
        const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "exp");
        assert_true(cJSON_IsNumber(iat) && cJSON_IsNumber(exp));
        assert_true((unsigned long long)iat->valuedouble == AT_SECONDS);
        /* three calendar years: 2029-06-01 */
        assert_true((unsigned long long)exp->valuedouble == 1874966400ull);
        const char *text = field(is, "text");
        const char *cti = field(is, "cti");
        assert_int_equal(strlen(cti), 32);
        verifies(text, holders[i]);
        /* the screen's code reads back to the same text */
        char *got = decode_png_file(qr[i]);
        if (!got || strcmp(got, text) != 0)
            fail_msg("%s: decoded '%s', issued '%s'", qr[i], got ? got : "(nothing)", text);
        free(got);
        /* and so does the PNG on the stick, under its name */
        const cJSON *png = cJSON_GetObjectItemCaseSensitive(is, "png");
        snprintf(path, sizeof path, "usb/tessera/issued/" AT "-%.8s.png", cti);
        assert_true(cJSON_IsString(png));
        assert_string_equal(png->valuestring, path);
        snprintf(path, sizeof path, "%s/usb/tessera/issued/" AT "-%.8s.png", dir, cti);
        got = decode_png_file(path);
        if (!got || strcmp(got, text) != 0)
            fail_msg("%s: decoded '%s'", path, got ? got : "(nothing)");
        free(got);
        /* the store: the cti in the clear, no name */
        char q[300];
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM issued WHERE lower(hex(cti)) = '%s' AND holder IS NULL"
                 " AND template = 'a_forklift.tmpl' AND time = %llu",
                 cti, AT_SECONDS);
        assert_int_equal(sql_int(q), 1);
    }
    outcome_free(&o);
    /* the last screen is idle: the key locked itself */
    char idle[64][800];
    assert_true(shots(name, "idle", idle, 64) >= 2);
    char pin[4][800];
    assert_true(shots(name, "issue_unlock", pin, 4) >= 1);
}

/* The whole flow at the Pi's 800x480 touch screen. */
static void test_issue_800x480(void **st)
{
    (void)st;
    issue_flow("small", W, H);
    assert_int_equal(sql_int("SELECT count(*) FROM issued"), 2);
}

/* The same at 1920x1080: the taps follow the layout. */
static void test_issue_1920x1080(void **st)
{
    (void)st;
    issue_flow("large", 1920, 1080);
    assert_int_equal(sql_int("SELECT count(*) FROM issued"), 4);
    assert_int_equal(sql_int("SELECT count(*) FROM issued WHERE holder IS NOT NULL"), 0);
}

/* The QR code on screen is at least 70% of the screen's height, with a
 * white quiet zone: the dark modules of the shot's code span most of it. */
static void test_qr_size(void **st)
{
    (void)st;
    char qr[4][800];
    assert_true(shots("small", "issue_qr", qr, 4) >= 1);
    FILE *f = fopen(qr[0], "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    int w, h;
    uint8_t *grey = decode_png(data, (size_t)n, &w, &h);
    free(data);
    assert_non_null(grey);
    /* the code's left quiet zone: the first white pixel of the middle row
     * from the left, and how high the white runs on that column */
    int y = h / 2, x0 = 0;
    while (x0 < w && grey[(size_t)y * (size_t)w + (size_t)x0] <= 240)
        x0++;
    assert_true(x0 < w / 2);
    int top = y, bottom = y, cx = x0 + 2;
    while (top > 0 && grey[(size_t)(top - 1) * (size_t)w + (size_t)cx] > 240)
        top--;
    while (bottom < h - 1 && grey[(size_t)(bottom + 1) * (size_t)w + (size_t)cx] > 240)
        bottom++;
    free(grey);
    int side = bottom - top + 1;
    if (side * 100 < h * 70)
        fail_msg("the code is %d px high on a %d px screen", side, h);
}

/* issue_keep_names = yes: the store keeps the name. Leaving issue mode
 * (Esc from the templates) locks the key at once. */
static void test_keep_names_and_leave(void **st)
{
    (void)st;
    result r = kiosk("keep", "keep.conf",
                     "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\ntype " PASS "\nenter\nwait 900\n"
                     "key 1\ntype " NAME2 "\nenter\nwait 300\nenter\nwait 600\nesc\nesc\nesc\n"
                     "esc\n",
                     W, H);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 || strcmp(o.events, "unlock unlocked template ISSUED lock:leave") != 0)
        fail_msg("exit %d, events \"%s\"\n%s", r.code, o.events, r.out);
    free(r.out);
    /* the name has an apostrophe: bound, not quoted into the SQL */
    char path[512];
    snprintf(path, sizeof path, "%s/state/store.db", dir);
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM issued WHERE lower(hex(cti)) = ?"
                                        " AND holder = ? AND kiosk = 'desk 1'",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, field(o.issued[0], "cti"), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, NAME2, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
    outcome_free(&o);
}

/* A key the trust bundle does not name for issue_iss: unlocked, with a
 * warning (its credentials would not verify at kiosks with this bundle). */
static void test_key_not_in_bundle(void **st)
{
    (void)st;
    result r = kiosk("other", "other.conf",
                     "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\ntype " PASS "\nenter\nwait 900\n"
                     "esc\nesc\n",
                     W, H);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 ||
        strcmp(o.events, "unlock unlocked warning:not_in_bundle lock:leave") != 0)
        fail_msg("exit %d, events \"%s\"", r.code, o.events);
    outcome_free(&o);
    free(r.out);
}

/* Five wrong passphrases lock unlocking: the right one is then not even
 * tried. */
static void test_passphrase_lockout(void **st)
{
    (void)st;
    result r = kiosk("lockout", "issue.conf",
                     "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\n"
                     "type wrong one\nenter\nwait 700\ntype wrong two\nenter\nwait 700\n"
                     "type wrong three\nenter\nwait 700\ntype wrong four\nenter\nwait 700\n"
                     "type wrong five\nenter\nwait 700\ntype " PASS "\nenter\nwait 700\n"
                     "esc\nesc\n",
                     W, H);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 ||
        strcmp(o.events, "unlock wrong_passphrase:1 wrong_passphrase:2 wrong_passphrase:3 "
                         "wrong_passphrase:4 wrong_passphrase:5 locked locked") != 0)
        fail_msg("exit %d, events \"%s\"", r.code, o.events);
    outcome_free(&o);
    free(r.out);
}

/* An unsealed key is refused on the kiosk, with words; nothing unlocks. */
static void test_unsealed_refused(void **st)
{
    (void)st;
    result r = kiosk("plain", "plain.conf",
                     "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\ntype " PASS "\nenter\nesc\nesc\n",
                     W, H);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 || strcmp(o.events, "refused:unsealed") != 0)
        fail_msg("exit %d, events \"%s\"", r.code, o.events);
    outcome_free(&o);
    free(r.out);
    char s[4][800];
    assert_int_equal(shots("plain", "issue_unlock", s, 4), 1);
}

/* Not set up (no issue_key): the button says so; issue mode never opens. */
static void test_not_set_up(void **st)
{
    (void)st;
    result r = kiosk("notset", "notset.conf", "ctrl+alt+a\ntype " PIN "\nenter\nkey 6\nesc\n",
                     W, H);
    outcome o;
    parse(&r, &o);
    if (r.code != 0 || strcmp(o.events, "not_set_up") != 0)
        fail_msg("exit %d, events \"%s\"", r.code, o.events);
    outcome_free(&o);
    free(r.out);
    char s[4][800];
    assert_int_equal(shots("notset", "issue_unlock", s, 4), 0);
    assert_true(shots("notset", "admin", s, 4) >= 2); /* the result shows */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_issue_mode KIOSK TESSERA\n");
        return 2;
    }
    kiosk_bin = argv[1];
    tessera_bin = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_800x480),   cmocka_unit_test(test_issue_1920x1080),
        cmocka_unit_test(test_qr_size),         cmocka_unit_test(test_unsealed_refused),
        cmocka_unit_test(test_not_set_up),      cmocka_unit_test(test_keep_names_and_leave),
        cmocka_unit_test(test_passphrase_lockout), cmocka_unit_test(test_key_not_in_bundle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
