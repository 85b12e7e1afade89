/*
 * test_install_fault.c: installing a trust bundle when the world fails.
 *
 *   - a full disk: the state on a small tmpfs, filled to leave 0, 1, 2...
 *     pages free, so that `tessera bundle install` meets ENOSPC at each of
 *     its writes in turn (root, bundle, the directory, the link);
 *   - a read-only state directory (a read-only bind mount: root ignores
 *     file modes);
 *   - a USB stick pulled during an import: state_import's reads of the
 *     stick (app/files.c read_file, wrapped with -Wl,--wrap) find, from
 *     the N-th read on, the stick gone (files removed), the file cut
 *     short, or EIO, for every N.
 *
 * Each time: a clear message, exit 2 from the command (an I/O error, not
 * a refusal), nothing installed, the bundle in force before still in force
 * (it loads and a badge verifies against it), no stray file in the state
 * directory, and `current` still names the old generation. The mounts
 * need root; without them those cases are skipped with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "state.h"
#include "store_kit.h"

static const char *tessera;
static tk_world *world;
static char top[256], root_path[300], v1_path[300], v2_path[300];
static uint8_t v2_file[65536];
static size_t v2_len;

static void put(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The state's entries, sorted, "name name ..." ("current" with its
 * target), to show that a failed install left nothing behind. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void listing(const char *dir, char *out, size_t cap)
{
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names[n] = malloc(600);
        assert_non_null(names[n]);
        char path[1400], target[256] = "";
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t t = readlink(path, target, sizeof target - 1);
        if (t > 0)
            target[t] = 0;
        snprintf(names[n], 600, "%s%s%s", e->d_name, t > 0 ? "->" : "", target);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s ", names[i]);
        free(names[i]);
    }
}

/* The bundle in force in dir is version v, whole: it loads and a badge
 * verifies against it. */
static void in_force(const char *dir, uint64_t v)
{
    kiosk_state s;
    char err[1400];
    if (!state_load(&s, dir, err, sizeof err))
        fail_msg("%s no longer loads: %s", dir, err);
    assert_int_equal(s.bundle.version, v);
    char text[8192];
    sk_badge(5, text);
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_status st = tess_verify(&world->verifier, text, strlen(text), &s.bundle, &clock,
                                 &world->verdict);
    state_close(&s);
    assert_int_equal(st, TESS_OK);
}

/* `tessera bundle install --state dir --json [--root root] file`: the exit
 * code; the JSON's result and message in res, msg. */
static int install_cli(const char *dir, const char *root, const char *file, char *res,
                       size_t res_cap, char *msg, size_t msg_cap)
{
    char *out = NULL;
    int code = root ? sk_run((const char *const[]){tessera, "bundle", "install", "--state", dir,
                                                   "--json", "--root", root, file, NULL},
                             NULL, &out)
                    : sk_run((const char *const[]){tessera, "bundle", "install", "--state", dir,
                                                   "--json", file, NULL},
                             NULL, &out);
    cJSON *j = cJSON_Parse(out);
    if (!j)
        fail_msg("bundle install: not JSON: %s", out);
    free(out);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "result");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    assert_true(cJSON_IsString(r) && cJSON_IsString(m));
    snprintf(res, res_cap, "%s", r->valuestring);
    snprintf(msg, msg_cap, "%s", m->valuestring);
    cJSON_Delete(j);
    return code;
}

static void provision(const char *dir)
{
    char res[32], msg[2048];
    int code = install_cli(dir, root_path, v1_path, res, sizeof res, msg, sizeof msg);
    if (code != 0)
        fail_msg("provisioning %s: exit %d: %s", dir, code, msg);
    in_force(dir, 1);
}

/* An install that must fail as an I/O error: exit 2, "error", a message
 * with `why` in it, and the state exactly as before. */
static void install_fails(const char *dir, const char *why)
{
    char before[4096], after[4096], res[32], msg[2048];
    listing(dir, before, sizeof before);
    int code = install_cli(dir, NULL, v2_path, res, sizeof res, msg, sizeof msg);
    print_message("  exit %d, %s: %s\n", code, res, msg);
    assert_int_equal(code, 2);
    assert_string_equal(res, "error");
    if (!strstr(msg, why))
        fail_msg("the message does not say '%s': %s", why, msg);
    assert_non_null(strstr(msg, "the bundle in force stays in force"));
    listing(dir, after, sizeof after);
    assert_string_equal(before, after);
    in_force(dir, 1);
}

static int setup(void **state)
{
    (void)state;
    world = tk_world_new();
    sk_tempdir(top, sizeof top, "instfault");
    snprintf(root_path, sizeof root_path, "%s/root.cbor", top);
    snprintf(v1_path, sizeof v1_path, "%s/v1.tb1", top);
    snprintf(v2_path, sizeof v2_path, "%s/v2.tb1", top);
    put(root_path, world->root_file, world->root_len);
    put(v1_path, world->bundle_file, world->bundle_len);
    v2_len = tk_world_bundle_version(world, 2, v2_file, sizeof v2_file);
    put(v2_path, v2_file, v2_len);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sk_rmtree(top);
    tk_world_free(world);
    return 0;
}

/* ---- a full disk ---- */

/* Fills the file system of dir, then frees `pages` pages of it. */
static void fill_leaving(const char *filler, unsigned pages)
{
    int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    static uint8_t block[4096];
    off_t size = 0;
    for (;;) {
        ssize_t w = write(fd, block, sizeof block);
        if (w <= 0)
            break;
        size += w;
    }
    assert_int_equal(errno, ENOSPC);
    off_t keep = size > (off_t)pages * 4096 ? size - (off_t)pages * 4096 : 0;
    assert_int_equal(ftruncate(fd, keep), 0);
    assert_int_equal(fsync(fd), 0);
    close(fd);
}

static void test_disk_full(void **state)
{
    (void)state;
    char mnt[400], dir[500], filler[500];
    snprintf(mnt, sizeof mnt, "%s/tiny", top);
    assert_int_equal(mkdir(mnt, 0755), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0) {
        print_message("disk full: cannot mount a tmpfs here (%s); skipped\n", strerror(errno));
        skip();
    }
    snprintf(dir, sizeof dir, "%s/state", mnt);
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    provision(dir);
    /* 0, 1, 2... pages free: each write of the install meets the full
     * disk in turn, until the install fits */
    unsigned pages = 0;
    for (;; pages++) {
        fill_leaving(filler, pages);
        char before[4096], res[32], msg[2048];
        listing(dir, before, sizeof before);
        int code = install_cli(dir, NULL, v2_path, res, sizeof res, msg, sizeof msg);
        if (code == 0)
            break;
        print_message("  %u pages free: exit %d, %s: %s\n", pages, code, res, msg);
        assert_int_equal(code, 2);
        assert_string_equal(res, "error");
        assert_non_null(strstr(msg, "disk is full"));
        assert_non_null(strstr(msg, "the bundle in force stays in force"));
        char after[4096];
        listing(dir, after, sizeof after);
        assert_string_equal(before, after);
        in_force(dir, 1);
        assert_true(pages < 32);
    }
    print_message("disk full: refused cleanly with 0..%u pages free; installed with %u\n",
                  pages ? pages - 1 : 0, pages);
    assert_true(pages > 0);
    in_force(dir, 2);
    assert_int_equal(umount(mnt), 0);
}

/* ---- a read-only state directory ---- */

static void test_read_only(void **state)
{
    (void)state;
    char dir[400], ro[400];
    snprintf(dir, sizeof dir, "%s/rw", top);
    snprintf(ro, sizeof ro, "%s/ro", top);
    provision(dir);
    assert_int_equal(mkdir(ro, 0755), 0);
    bool mounted = mount(dir, ro, "none", MS_BIND, NULL) == 0 &&
                   mount("none", ro, "none", MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0;
    if (!mounted) {
        umount(ro);
        print_message("read-only: cannot bind-mount read-only here (%s); skipped\n",
                      strerror(errno));
        skip();
    }
    install_fails(ro, "read-only");
    in_force(dir, 1);
    assert_int_equal(umount(ro), 0);
}

/* ---- a USB stick pulled during an import ---- */

uint8_t *__real_read_file(const char *path, size_t max, size_t *len);
uint8_t *__wrap_read_file(const char *path, size_t max, size_t *len);

typedef enum { PULL_NONE, PULL_GONE, PULL_CUT, PULL_EIO } pull_kind;
static const char *const pull_names[] = {"none", "the stick is gone", "the file is cut short",
                                         "reads fail with EIO"};
static pull_kind pull;
static unsigned pull_at, stick_reads;
static char stick[400];

/* From the pull_at-th read of a file on the stick on, the stick fails. */
uint8_t *__wrap_read_file(const char *path, size_t max, size_t *len)
{
    if (pull != PULL_NONE && strncmp(path, stick, strlen(stick)) == 0 &&
        ++stick_reads >= pull_at) {
        if (pull == PULL_GONE) {
            sk_rmtree(stick);
        } else if (pull == PULL_CUT && stick_reads == pull_at) {
            struct stat st;
            if (stat(path, &st) == 0)
                assert_int_equal(truncate(path, st.st_size / 2), 0);
        } else if (pull == PULL_EIO) {
            errno = EIO;
            return NULL;
        }
    }
    return __real_read_file(path, max, len);
}

static void make_stick(void)
{
    char sub[500], path[600];
    sk_rmtree(stick);
    assert_int_equal(mkdir(stick, 0755), 0);
    snprintf(sub, sizeof sub, "%s/tessera", stick);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/fleet-v2.tb1", sub);
    put(path, v2_file, v2_len);
}

static void test_stick_pulled(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/kiosk", top);
    snprintf(stick, sizeof stick, "%s/stick", top);
    provision(dir);
    /* the import reads the stick's bundle twice: its version, then to
     * install it; each kind of pull at each read (and one past them) */
    for (pull_kind k = PULL_GONE; k <= PULL_EIO; k++) {
        for (unsigned at = 1; at <= 3; at++) {
            make_stick();
            char before[4096], after[4096];
            listing(dir, before, sizeof before);
            install_result r;
            pull = k;
            pull_at = at;
            stick_reads = 0;
            state_import(dir, stick, &r);
            pull = PULL_NONE;
            bool installed = r.reason == TESS_OK && !r.error;
            print_message("  %s from read %u: %s: %s\n", pull_names[k], at,
                          installed ? "installed" : r.error ? "error" : "refused", r.message);
            assert_true(strlen(r.message) > 0);
            if (at <= 2 && k != PULL_CUT) {
                /* the stick failed before the install read it: nothing
                 * was installed, and the message says the stick failed */
                assert_false(installed);
                assert_true(r.error);
                assert_non_null(strstr(r.message, "was the stick pulled out?"));
            }
            if (k == PULL_CUT && at <= 2)
                assert_false(installed);
            if (installed) {
                /* the stick failed only after the install had read it */
                assert_int_equal(stick_reads, 2);
                in_force(dir, 2);
                /* back to version 1 for the next case */
                char res[32], msg[2048];
                sk_rmtree(dir);
                assert_int_equal(install_cli(dir, root_path, v1_path, res, sizeof res, msg,
                                             sizeof msg),
                                 0);
                continue;
            }
            listing(dir, after, sizeof after);
            assert_string_equal(before, after);
            in_force(dir, 1);
        }
    }
    sk_rmtree(stick);
}

/* The command, on a stick that is not there (pulled before the import). */
static void test_stick_missing_cli(void **state)
{
    (void)state;
    char dir[400], gone[400], before[4096], after[4096];
    snprintf(dir, sizeof dir, "%s/kiosk2", top);
    snprintf(gone, sizeof gone, "%s/no-stick", top);
    provision(dir);
    listing(dir, before, sizeof before);
    char *out = NULL;
    int code = sk_run((const char *const[]){tessera, "bundle", "import", "--state", dir, "--json",
                                            gone, NULL},
                      NULL, &out);
    cJSON *j = cJSON_Parse(out);
    free(out);
    assert_non_null(j);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    assert_true(cJSON_IsString(m));
    print_message("  exit %d: %s\n", code, m->valuestring);
    assert_int_equal(code, 2);
    assert_non_null(strstr(m->valuestring, "no trust bundle found"));
    cJSON_Delete(j);
    listing(dir, after, sizeof after);
    assert_string_equal(before, after);
    in_force(dir, 1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TESSERA\n", argv[0]);
        return 2;
    }
    tessera = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_stick_pulled),
        cmocka_unit_test(test_stick_missing_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
