/*
 * test_admin: the kiosk's admin part (app/kiosk/admin.h), headless. A
 * state and credentials are made with the tessera command; a --keys
 * script types as staff would (Ctrl+Alt+A, the PIN, keys 1-4), and the
 * test reads the kiosk's JSON lines ({"admin":...} and verdicts) back.
 *
 * argv[1]: the kiosk, argv[2]: the tessera command.
 */
#include <errno.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "kiosk_harness.h"
#include <dirent.h>

static const char *kiosk_bin, *tessera_bin;
static char dir[256];

#define run(r, argv) kh_run(dir, (r), (argv))
#define put_file(name, text) kh_put_file(dir, (name), (text))


#define PIN "2468"
static char *cred_v2;        /* from an issuer only in bundle v2 */
static char hash_line[256];  /* "admin_pin_hash = ..." */

/* Runs argv with stdin from the file `in` (in dir). */
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

static void make_world(void)
{
    result r;
    const char *cmds[][32] = {
        {"keygen", "--out", "iss"},
        {"keygen", "--out", "iss2"},
        {"keygen", "--out", "r0"},
        {"root", "init", "--threshold", "1", "--key", "r0.pub", "--out", "root.cbor"},
        {"bundle", "create", "--root", "root.cbor", "--sign", "r0", "--version", "1",
         "--expires", "2030-01-01", "--issued-at", "2026-01-01", "--publisher", "Test Fleet",
         "--issuer", "iss.pub", "--iss", "https://academy.example", "--name",
         "Example Academy", "--out", "b1.tb1"},
        {"bundle", "install", "--root", "root.cbor", "--state", "state", "b1.tb1"},
        {"bundle", "create", "--root", "root.cbor", "--sign", "r0", "--version", "2",
         "--expires", "2030-01-01", "--issued-at", "2026-02-01", "--publisher", "Test Fleet",
         "--issuer", "iss.pub", "--iss", "https://academy.example", "--name",
         "Example Academy", "--issuer", "iss2.pub", "--iss", "https://college.example",
         "--name", "Example College", "--out", "usb/tessera/b2.tb1"},
        {"issue", "--key", "iss2", "--iss", "https://college.example", "--holder",
         "Grace Hopper", "--title", "Crane Operator", "--achievement", "CRANE-1", "--awarder",
         "Example College", "--iat", "2026-03-01"},
    };
    char usb[512];
    snprintf(usb, sizeof usb, "%s/usb", dir);
    assert_int_equal(mkdir(usb, 0755), 0);
    snprintf(usb, sizeof usb, "%s/usb/tessera", dir);
    assert_int_equal(mkdir(usb, 0755), 0);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        const char *argv[34] = {tessera_bin};
        size_t n = 1;
        for (size_t j = 0; cmds[i][j]; j++)
            argv[n++] = cmds[i][j];
        run(&r, argv);
        if (r.code != 0)
            fail_msg("tessera %s: exit %d: %s", argv[1], r.code, r.out);
        if (i + 1 == sizeof cmds / sizeof cmds[0]) {
            r.out[strcspn(r.out, "\n")] = '\0';
            assert_memory_equal(r.out, "MC1:", 4);
            cred_v2 = r.out;
        } else {
            free(r.out);
        }
    }
    /* the PIN's hash, as staff make it */
    put_file("pin.txt", PIN "\n");
    const char *argv[] = {kiosk_bin, "--hash-pin", NULL};
    run_in(&r, argv, "pin.txt");
    assert_int_equal(r.code, 0);
    assert_memory_equal(r.out, "admin_pin_hash = ", 17);
    snprintf(hash_line, sizeof hash_line, "%s", r.out);
    free(r.out);
    put_file("admin.conf", hash_line);
    put_file("noadmin.conf", "language = en\n");
}

static int setup(void **st)
{
    (void)st;
    kh_make_dir(dir, sizeof dir, "tess-admin");
    make_world();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    kh_remove_dir(dir);
    free(cred_v2);
    return 0;
}

/* The kiosk with settings conf, playing the key script keys; shots in
 * folder name. */
static result kiosk(const char *name, const char *conf, const char *keys)
{
    char path[512], keys_file[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(keys_file, sizeof keys_file, "%s.keys", name);
    put_file(keys_file, keys);
    const char *argv[] = {kiosk_bin, "--virtual-clock",
                          "--state", "state", "--config", conf, "--keys", keys_file,
                          "--usb-mount", "usb", "--pace", "60", "--verdict-ms", "100",
                          "--exit-when-done", "--screenshot-dir", name, "--at",
                          "2026-06-01", "--window", "--width", "640", "--height", "400",
                          "--mute", NULL};
    result r;
    run(&r, argv);
    return r;
}

/* The "admin" events of out (and "verdict:REASON" for a verdict), one
 * string, space-separated. */
static void events(const result *r, char *out, size_t cap)
{
    out[0] = '\0';
    char *copy = strdup(r->out);
    assert_non_null(copy);
    char *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        cJSON *v = cJSON_Parse(l);
        if (!v)
            fail_msg("not JSON: %s", l);
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(v, "admin");
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(v, "reason");
        size_t n = strlen(out);
        if (cJSON_IsString(a)) {
            snprintf(out + n, cap - n, "%s%s", n ? " " : "", a->valuestring);
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(v, "result");
            const cJSON *ver = cJSON_GetObjectItemCaseSensitive(v, "version");
            n = strlen(out);
            if (cJSON_IsString(res))
                snprintf(out + n, cap - n, ":%s", res->valuestring);
            n = strlen(out);
            if (cJSON_IsNumber(ver))
                snprintf(out + n, cap - n, ":v%d", ver->valueint);
        } else if (cJSON_IsString(reason)) {
            snprintf(out + n, cap - n, "%sverdict:%s", n ? " " : "", reason->valuestring);
        }
        cJSON_Delete(v);
    }
    free(copy);
}

static size_t count_shots(const char *sub, const char *kind)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    char want[64];
    snprintf(want, sizeof want, "-%s.png", kind);
    while ((e = readdir(d)) != NULL) {
        const char *dash = strchr(e->d_name, '-');
        if (dash && strcmp(dash, want) == 0)
            n++;
    }
    closedir(d);
    return n;
}

#define EXPECT(name, conf, keys, want)                                                       \
    do {                                                                                     \
        result r_ = kiosk(name, conf, keys);                                                 \
        char ev_[2048];                                                                      \
        events(&r_, ev_, sizeof ev_);                                                        \
        if (r_.code != 0 || strcmp(ev_, want) != 0)                                          \
            fail_msg("%s: exit %d, events \"%s\", expected \"%s\"", name, r_.code, ev_,      \
                     want);                                                                  \
        free(r_.out);                                                                        \
    } while (0)

/* A wrong PIN: no admin. The v2 issuer is not known yet. */
static void test_wrong_pin(void **st)
{
    (void)st;
    char keys[2048];
    snprintf(keys, sizeof keys, "type %s\nenter\nwait 300\nctrl+alt+a\ntype 1111\nenter\nesc\n",
             cred_v2);
    EXPECT("wrong", "admin.conf", keys, "verdict:unknown_issuer pin pin_wrong close");
    assert_int_equal(count_shots("wrong", "admin"), 0);
    assert_true(count_shots("wrong", "pin") >= 2);
}

/* The right PIN opens admin; the state; an install from the stick, then
 * a verdict that uses it; quit ends the kiosk with 0. */
static void test_install_and_quit(void **st)
{
    (void)st;
    char keys[2048];
    snprintf(keys, sizeof keys,
             "ctrl+alt+a\ntype " PIN "\nenter\nkey 3\nesc\nkey 1\nwait 300\nesc\n"
             "type %s\nenter\nwait 300\nctrl+alt+a\ntype 12\nbackspace\nbackspace\ntype " PIN
             "\nenter\nkey 2\nkey 4\nwait 5000\n",
             cred_v2);
    EXPECT("install", "admin.conf", keys,
           "pin open state install:installed:v2 close verdict:valid pin open language quit");
    assert_true(count_shots("install", "admin") >= 2);
    assert_int_equal(count_shots("install", "admin_state"), 1);
}

/* Installing again: the same version is a rollback, refused. */
static void test_install_refused(void **st)
{
    (void)st;
    EXPECT("again", "admin.conf", "ctrl+alt+a\ntype " PIN "\nenter\nkey 1\nesc\n",
           "pin open install:refused close");
}

/* No PIN configured: admin does not open; a key closes the notice. */
static void test_not_set_up(void **st)
{
    (void)st;
    EXPECT("nopin", "noadmin.conf", "ctrl+alt+a\ntype " PIN "\nenter\nwait 3500\n",
           "not_set_up close");
    assert_int_equal(count_shots("nopin", "notice"), 1);
    assert_int_equal(count_shots("nopin", "pin"), 0);
}

/* Five wrong PINs lock admin: the right one is then not even tried. */
static void test_lockout(void **st)
{
    (void)st;
    EXPECT("lock", "admin.conf",
           "ctrl+alt+a\ntype 1\nenter\ntype 2\nenter\ntype 3\nenter\ntype 4\nenter\n"
           "type 44\nbackspace\nenter\ntype " PIN "\nenter\nesc\nctrl+alt+a\n"
           "esc\n",
           "pin pin_wrong pin_wrong pin_wrong pin_wrong pin_wrong locked locked close locked "
           "close");
}

/* A press held 3 s on the idle screen opens the PIN screen; the keypad is
 * tapped (640x400: "2" at (480, 60), "4" (375, 160), "6" (585, 160),
 * "8" (480, 250), OK (585, 340)). A shorter press does nothing. */
static void test_long_press(void **st)
{
    (void)st;
    EXPECT("hold", "admin.conf",
           "down 100 300\nwait 1000\nup 100 300\ndown 100 300\nwait 3400\nup 100 300\n"
           "down 480 60\ndown 375 160\ndown 585 160\ndown 480 250\ndown 585 340\nesc\n",
           "pin open close");
}

/* The script's numbers (app/kiosk/admin.c script_point, script_wait): as
 * sscanf read them (blanks, a sign on a point), but an int overflow is
 * refused, not undefined, and a wait takes no sign ("wait -1" was 49
 * days). A refused line is said on stderr and played as nothing. */
static void test_script_numbers(void **st)
{
    (void)st;
    static const struct {
        const char *line;
        bool taken;
    } cases[] = {
        {"wait 0", true},           {"wait 1", true},           {"wait \t 2", true},
        {"wait 007", true},         {"wait -1", false},         {"wait +5", false},
        {"wait 4294967296", false}, {"wait 5x", false},         {"wait", false},
        {"wait 5 ", false},         {"down 1 1", true},         {"up 1 1", true},
        {"down  +2   +2", true},    {"up +2 +2", true},         {"down1 1", true},
        {"up1 1", true},            {"down -2147483648 -5", true},
        {"up -2147483648 -5", true},                            {"down 2147483647 1", true},
        {"up 2147483647 1", true},  {"down 2147483648 1", false},
        {"down 1 -2147483649", false},                          {"down 1", false},
        {"down 1 2 3", false},      {"down 1 2 ", false},       {"up x 1", false},
        {"downtown 1 2", false},
    };
    char keys[2048] = "";
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        n += (size_t)snprintf(keys + n, sizeof keys - n, "%s\n", cases[i].line);
    assert_true(n < sizeof keys);
    put_file("numbers.keys", keys);
    const char *argv[] = {"/bin/sh", "-c", "exec \"$@\" 2>numbers.err", "sh", kiosk_bin,
                          "--virtual-clock", "--state", "state", "--config", "admin.conf", "--keys",
                          "numbers.keys", "--pace", "20", "--exit-when-done", "--at",
                          "2026-06-01", "--window", "--width", "640", "--height", "400",
                          "--mute", NULL};
    result r;
    run(&r, argv);
    assert_int_equal(r.code, 0);
    free(r.out);
    char path[512];
    snprintf(path, sizeof path, "%s/numbers.err", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char err[16384];
    size_t len = fread(err, 1, sizeof err - 1, f);
    fclose(f);
    err[len] = '\0';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char said[256];
        snprintf(said, sizeof said, "not a key script line: %s\n", cases[i].line);
        if ((strstr(err, said) == NULL) != cases[i].taken)
            fail_msg("'%s': expected %s; stderr:\n%s", cases[i].line,
                     cases[i].taken ? "played" : "refused", err);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_admin KIOSK TESSERA\n");
        return 2;
    }
    kiosk_bin = argv[1];
    tessera_bin = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_pin),     cmocka_unit_test(test_install_and_quit),
        cmocka_unit_test(test_install_refused), cmocka_unit_test(test_not_set_up),
        cmocka_unit_test(test_lockout),       cmocka_unit_test(test_long_press),
        cmocka_unit_test(test_script_numbers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
