/*
 * test_install.c: the kiosk's installed trust, as an operator and an
 * attacker meet it: `tessera bundle install / import / status` and
 * `tessera verify --state` (FORMAT.md, TB1: threshold, rollback, rotation,
 * atomic install, time floor).
 *
 * Run as `test_install /path/to/tessera`. Like test_cli.c, every test gets
 * a fresh directory under /tmp, runs the real binary there with fork/execv
 * and checks exit code and --json output: install exits 0 installed,
 * 1 refused (reason bad_bundle, threshold, rotation or rollback), 2 error
 * (nothing changed). The state directory of the kiosk is "state" in the
 * test directory.
 *
 * Keys come from testkit's one-byte seeds: root keys r0 r1 r2 (seeds
 * 10..12, threshold 2), the roots of a rotation n0 n1 n2 (20..22),
 * strangers s0 s1 (30, 31) and the issuer (1). Bundles are signed
 * in-process with the core's tess_bundle_payload_encode/tess_bundle_sign,
 * so that a test can sign what `bundle create` refuses to write (one key
 * twice, too few keys, a rotation the new roots did not sign).
 *
 * Power cuts: the installer SIGKILLs itself just before its N-th durable
 * step when TESSERA_TEST_KILL_AT=N (app/state.c); the test cuts every step
 * of three kinds of install in turn, then kills installs from outside
 * after random delays, and checks each time that the old or the new
 * bundle is in force and that the next install works.
 *
 * Full disk and read-only state run only as root where a tmpfs can be
 * mounted; they are skipped, with the reason printed, elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "testkit.h"
#include "tessera/tess_bundle.h"

#define DAY 86400u
#define NB_2020 1577836800u /* 2020-01-01: the issuer key's not_before */
#define NA_2030 1893456000u /* 2030-01-01: its not_after */
#define REVOKED_CTI "5e110c429a01773b1020304050607080"
#define HOLDER "Maria Garcia"
#define TITLE "Forklift Safety, Level 1"
#define MIB (1024u * 1024u)
#define CAP_BYTES (64u * MIB) /* TESS_MAX_BUNDLE_FILE in app/state.h */

#define KILLED (128 + SIGKILL)
/* A run that takes longer than this is a hang: it is killed and fails. */
#define RUN_TIMEOUT_S 120

static char *tessera; /* absolute path of the binary under test */

/* For the final report: how many steps of each install were cut. */
static unsigned kill_points[3];

/* ---- running the binary (after test_cli.c) ---- */

typedef struct {
    char dir[64];
    char cmd[2048];    /* the last command line, for failure messages */
    const char *label; /* the table case being run */
    result r;
    cJSON *json;       /* the last stdout parsed as JSON */
    char text[8192];   /* the last credential issued */
    char cred[8192];   /* a credential valid at TK_NOW under every bundle */
    tk_key iss, root[3], next[3], stranger[2];
    void *owned[256];  /* freed by teardown, so that a failing check leaks nothing */
    size_t n_owned;
    bool soft;         /* in a table: a failed check is counted and the table goes on */
    unsigned failures;
    char mounted[512]; /* a tmpfs the teardown unmounts ("" when none) */
} cli;

/* Prints the failing check with the command and both outputs, then fails
 * (in a table, counts the failure and returns). */
static void failf(cli *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void failf(cli *c, int line, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (c->soft) {
        print_error("test_install.c:%d%s%s%s: %s\n  command: tessera %s\n  exit: %d\n"
                    "  stdout: %.1500s\n  stderr: %.1500s\n",
                    line, c->label ? " [" : "", c->label ? c->label : "", c->label ? "]" : "",
                    why, c->cmd, c->r.code, c->r.out.p ? c->r.out.p : "",
                    c->r.err.p ? c->r.err.p : "");
        c->failures++;
        return;
    }
    fail_msg("test_install.c:%d%s%s%s: %s\n  command: tessera %s\n  exit: %d\n  stdout: %.3000s\n"
             "  stderr: %.3000s",
             line, c->label ? " [" : "", c->label ? c->label : "", c->label ? "]" : "", why,
             c->cmd, c->r.code, c->r.out.p ? c->r.out.p : "", c->r.err.p ? c->r.err.p : "");
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* In the child: the environment of the run. TESSERA_TEST_KILL_AT is never
 * inherited by accident; env ("NAME=VALUE") adds one variable. */
static void child_env(const char *env)
{
    unsetenv("TESSERA_TEST_KILL_AT");
    if (env) {
        char name[128];
        const char *eq = strchr(env, '=');
        if (!eq || (size_t)(eq - env) >= sizeof name)
            _exit(124);
        memcpy(name, env, (size_t)(eq - env));
        name[eq - env] = '\0';
        setenv(name, eq + 1, 1);
    }
}

/* Runs tessera with args (NULL-terminated) in c->dir, with input on
 * standard input (NULL: /dev/null) and env added to its environment, and
 * keeps the result in c->r. A crash, a sanitizer report or a hang fails
 * the test whatever the caller expects; a SIGKILL is a result only when
 * may_die. */
static const result *run_full(cli *c, int line, const char *input, const char *env,
                              bool may_die, const char *const *args)
{
    const char *argv[MAX_ARGS + 2];
    static char times[MAX_ARGS][32];
    size_t n = 0, used = 0;
    argv[n++] = tessera;
    c->cmd[0] = '\0';
    if (env) {
        snprintf(c->cmd, sizeof c->cmd, "(%s) ", env);
        used = strlen(c->cmd);
    }
    for (; args[n - 1]; n++) {
        assert_true(n < MAX_ARGS);
        argv[n] = expand(args[n - 1], times[n], sizeof times[n]);
        size_t len = strlen(argv[n]);
        if (used + len + 2 < sizeof c->cmd) {
            snprintf(c->cmd + used, sizeof c->cmd - used, "%s%s", used ? " " : "", argv[n]);
            used += len + (used ? 1 : 0);
        }
    }
    argv[n] = NULL;
    if (c->json) {
        cJSON_Delete(c->json);
        c->json = NULL;
    }
    result_clear(&c->r);

    int in[2] = {-1, -1}, out[2], err[2];
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    if (input)
        assert_int_equal(pipe(in), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd0 = input ? in[0] : open("/dev/null", O_RDONLY);
        if (fd0 < 0 || dup2(fd0, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
            _exit(125);
        int fds[] = {in[0], in[1], out[0], out[1], err[0], err[1], fd0};
        for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
            if (fds[i] > 2)
                close(fds[i]);
        if (chdir(c->dir) != 0)
            _exit(126);
        child_env(env);
        execv(tessera, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    int wfd = -1;
    size_t in_len = input ? strlen(input) : 0, in_off = 0;
    if (input) {
        close(in[0]);
        wfd = in[1];
        fcntl(wfd, F_SETFL, fcntl(wfd, F_GETFL) | O_NONBLOCK);
        if (in_len == 0) {
            close(wfd);
            wfd = -1;
        }
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool hung = false;
    int rfd[2] = {out[0], err[0]};
    buf *sink[2] = {&c->r.out, &c->r.err};
    while (rfd[0] >= 0 || rfd[1] >= 0 || wfd >= 0) {
        struct pollfd p[3];
        int np = 0, idx[3];
        for (int i = 0; i < 2; i++)
            if (rfd[i] >= 0) {
                p[np].fd = rfd[i];
                p[np].events = POLLIN;
                idx[np++] = i;
            }
        if (wfd >= 0) {
            p[np].fd = wfd;
            p[np].events = POLLOUT;
            idx[np++] = 2;
        }
        int ready = poll(p, (nfds_t)np, 1000);
        if (ready < 0) {
            assert_int_equal(errno, EINTR);
            continue;
        }
        if (!hung && seconds_since(&t0) > RUN_TIMEOUT_S) {
            kill(pid, SIGKILL);
            hung = true;
        }
        for (int k = 0; k < np; k++) {
            if (!p[k].revents)
                continue;
            if (idx[k] < 2) {
                drain(&rfd[idx[k]], sink[idx[k]]);
                continue;
            }
            ssize_t w = write(wfd, input + in_off, in_len - in_off);
            if (w > 0)
                in_off += (size_t)w;
            if (in_off == in_len || (w < 0 && errno != EAGAIN && errno != EINTR)) {
                close(wfd);
                wfd = -1;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    c->r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (hung)
        failf(c, line, "still running after %d s: killed (a hang)", RUN_TIMEOUT_S);
    else if (c->r.code >= 125 && !(may_die && c->r.code == KILLED))
        failf(c, line, "the command crashed or could not run (exit %d)", c->r.code);
    if (strstr(c->r.err.p, "Sanitizer") || strstr(c->r.err.p, "runtime error:"))
        failf(c, line, "a sanitizer reported an error");
    return &c->r;
}

#define RUN(c, ...) run_full((c), __LINE__, NULL, NULL, false, ARGS(__VA_ARGS__))
#define RUNV(c, argv) run_full((c), __LINE__, NULL, NULL, false, (argv))

/* Starts tessera with args in c->dir, its output thrown away except
 * standard error, which goes to c->dir/async.err; returns the pid. */
static pid_t spawn_quiet(cli *c, const char *const *args)
{
    const char *argv[MAX_ARGS + 2];
    size_t n = 0;
    argv[n++] = tessera;
    for (; args[n - 1]; n++) {
        assert_true(n < MAX_ARGS);
        argv[n] = args[n - 1];
    }
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(c->dir) != 0)
            _exit(126);
        int null = open("/dev/null", O_RDWR);
        int err = open("async.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null < 0 || err < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err, 2) < 0)
            _exit(125);
        child_env(NULL);
        execv(tessera, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* ---- checks ---- */

static void expect_at(cli *c, int line, int code, const char *out_has, const char *err_has)
{
    if (c->r.code != code)
        failf(c, line, "expected exit %d, got %d", code, c->r.code);
    if (out_has && !strstr(c->r.out.p, out_has))
        failf(c, line, "stdout should contain \"%s\"", out_has);
    if (err_has && !strstr(c->r.err.p, err_has))
        failf(c, line, "stderr should contain \"%s\"", err_has);
}

/* EXPECT(c, exit code, text in stdout or NULL, text in stderr or NULL) */
#define EXPECT(c, code, out_has, err_has) expect_at((c), __LINE__, (code), (out_has), (err_has))
#define CHECK(c, cond, ...)                    \
    do {                                       \
        if (!(cond))                           \
            failf((c), __LINE__, __VA_ARGS__); \
    } while (0)

/* stdout as exactly one JSON object (nothing but whitespace after it). */
static cJSON *json_at(cli *c, int line)
{
    const char *end = NULL;
    if (c->json)
        cJSON_Delete(c->json);
    c->json = cJSON_ParseWithOpts(c->r.out.p, &end, false);
    if (!c->json || !cJSON_IsObject(c->json)) {
        failf(c, line, "stdout is not a JSON object");
        return c->json;
    }
    while (end && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (!end || *end)
        failf(c, line, "stdout holds more than one JSON object: \"%.40s\"", end ? end : "");
    return c->json;
}
#define JSON(c) json_at((c), __LINE__)

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *jstr_or(const cJSON *o, const char *key)
{
    const char *s = jstr(o, key);
    return s ? s : "(none)";
}

static bool jstr_is(const cJSON *o, const char *key, const char *want)
{
    const char *s = jstr(o, key);
    return s && strcmp(s, want) == 0;
}

static bool jnum_is(const cJSON *o, const char *key, double want)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsNumber(v) && v->valuedouble == want;
}

/* A whole number of the object, or -1 when it is not one. */
static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* ---- files in the test directory ---- */

static void path_of(const cli *c, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", c->dir, name);
}

static void put_file(const cli *c, const char *name, const void *data, size_t len, int mode)
{
    char p[512];
    path_of(c, name, p, sizeof p);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static void make_dir(const cli *c, const char *name)
{
    char p[512];
    path_of(c, name, p, sizeof p);
    assert_int_equal(mkdir(p, 0755), 0);
}

/* p, to be freed by teardown. */
static void *own(cli *c, void *p)
{
    assert_non_null(p);
    assert_true(c->n_owned < sizeof c->owned / sizeof c->owned[0]);
    c->owned[c->n_owned++] = p;
    return p;
}

/* The whole file, NUL-terminated (freed by teardown); NULL when it does
 * not exist. */
static char *get_file(cli *c, const char *name, size_t *len)
{
    char p[512];
    path_of(c, name, p, sizeof p);
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    buf b = {0};
    buf_add(&b, "", 0);
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    if (len)
        *len = b.len;
    return own(c, b.p);
}

static bool exists(const cli *c, const char *name)
{
    char p[512];
    struct stat st;
    path_of(c, name, p, sizeof p);
    return lstat(p, &st) == 0;
}

/* NAME (the seed in hex, mode 0600) and NAME.pub, as keygen writes them. */
static void put_key(const cli *c, const char *name, const tk_key *k)
{
    char line[80], pub[256];
    hex_of(k->sk, 32, line);
    strcat(line, "\n");
    put_file(c, name, line, strlen(line), 0600);
    hex_of(k->pk, 32, line);
    strcat(line, "\n");
    snprintf(pub, sizeof pub, "%s.pub", name);
    put_file(c, pub, line, strlen(line), 0644);
}

static void kid_hex(const tk_key *k, char out[17])
{
    uint8_t kid[8];
    tess_kid_of(kid, k->pk);
    hex_of(kid, 8, out);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* What the state directory holds, one level into each folder, sorted:
 * "current>gen-00000002 floor gen-00000002/ gen-00000002/bundle.cbor ...". */
static void state_listing(const cli *c, char *out, size_t cap)
{
    static char names[128][96];
    size_t n = 0;
    char top[512];
    path_of(c, "state", top, sizeof top);
    DIR *d = opendir(top);
    out[0] = '\0';
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) && n < 120;) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char p[1024], target[64];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", top, e->d_name);
        if (lstat(p, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            ssize_t len = readlink(p, target, sizeof target - 1);
            target[len > 0 ? len : 0] = '\0';
            snprintf(names[n++], sizeof names[0], "%.40s>%.40s", e->d_name, target);
        } else if (S_ISDIR(st.st_mode)) {
            snprintf(names[n++], sizeof names[0], "%.60s/", e->d_name);
            DIR *sub = opendir(p);
            for (struct dirent *f; sub && (f = readdir(sub)) && n < 120;)
                if (f->d_name[0] != '.')
                    snprintf(names[n++], sizeof names[0], "%.40s/%.40s", e->d_name, f->d_name);
            if (sub)
                closedir(sub);
        } else {
            snprintf(names[n++], sizeof names[0], "%.60s", e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    size_t used = 0;
    for (size_t i = 0; i < n && used + strlen(names[i]) + 2 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", names[i]);
}

/* Nothing but the generation in force and the floor: a refused or failed
 * install left nothing behind. */
static void expect_clean_state_at(cli *c, int line)
{
    char target[64], link[512], want[512], got[2048];
    path_of(c, "state/current", link, sizeof link);
    ssize_t len = readlink(link, target, sizeof target - 1);
    if (len <= 0) {
        failf(c, line, "state/current is not a symbolic link");
        return;
    }
    target[len] = '\0';
    snprintf(want, sizeof want, "current>%s floor %s/ %s/bundle.cbor %s/root.cbor", target,
             target, target, target);
    state_listing(c, got, sizeof got);
    if (strcmp(got, want) != 0)
        failf(c, line, "the state should hold only the generation in force:\n    want %s\n    got  %s",
              want, got);
}
#define EXPECT_CLEAN_STATE(c) expect_clean_state_at((c), __LINE__)

/* DIR/floor as written (0 when absent). */
static uint64_t floor_file(const cli *c)
{
    char p[512];
    path_of(c, "state/floor", p, sizeof p);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    unsigned long long t = 0;
    if (fscanf(f, "%llu", &t) != 1)
        t = 0;
    fclose(f);
    return t;
}

static void put_floor(const cli *c, uint64_t t)
{
    char line[32];
    snprintf(line, sizeof line, "%llu\n", (unsigned long long)t);
    put_file(c, "state/floor", line, strlen(line), 0644);
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* xorshift32: the same "random" numbers on every run. */
static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* ---- the world: keys, roots, bundles, a credential ---- */

static const tk_key *key_named(cli *c, const char *name)
{
    int i = strlen(name) == 2 ? name[1] - '0' : -1;
    if (strcmp(name, "iss") == 0)
        return &c->iss;
    if (i >= 0 && i < 3 && name[0] == 'r')
        return &c->root[i];
    if (i >= 0 && i < 3 && name[0] == 'n')
        return &c->next[i];
    if (i >= 0 && i < 2 && name[0] == 's')
        return &c->stranger[i];
    fail_msg("no key named '%s'", name);
    return NULL;
}

/* "r0 r1 n0" -> the keys, in order. */
static size_t keys_named(cli *c, const char *names, const tk_key **out, size_t cap)
{
    size_t n = 0;
    for (const char *p = names; p && *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        char name[8];
        assert_true(len < sizeof name && n < cap);
        memcpy(name, p, len);
        name[len] = '\0';
        out[n++] = key_named(c, name);
        p += len;
    }
    return n;
}

typedef struct {
    uint64_t version;
    const char *signers;     /* the keys that sign it, in order: "r0 r1" */
    const char *new_roots;   /* a rotation to these keys ("n0 n1 n2"), or NULL */
    unsigned new_threshold;
    uint64_t issued_at;      /* 0: TK_NOW - 3600 + 60 * version */
    uint64_t expires;        /* 0: TK_NOW + 90 days */
    size_t extra_revoked;    /* more revoked ids beside REVOKED_CTI, for size */
    const char *publisher;   /* NULL: "Test Fleet" */
} bspec;

/* Writes the bundle of s into the test directory as `name`: the issuer
 * (TK_ISS, "Example Academy", FORK- and WELD-, key valid 2020..2030) and
 * REVOKED_CTI, signed by s->signers. Returns its length. */
static size_t make_bundle(cli *c, const char *name, const bspec *s)
{
    static const char *const allowed[] = {"FORK-", "WELD-"};
    tess_issuer_in is;
    memset(&is, 0, sizeof is);
    memcpy(is.pk, c->iss.pk, 32);
    is.iss = TK_ISS;
    is.name = "Example Academy";
    is.not_before = NB_2020;
    is.not_after = NA_2030;
    is.restricted = true;
    is.allowed = allowed;
    is.n_allowed = 2;

    size_t n_rev = 1 + s->extra_revoked;
    uint8_t(*rev)[16] = calloc(n_rev, 16);
    assert_non_null(rev);
    assert_int_equal(tk_unhex(REVOKED_CTI, rev[0], 16), 16);
    for (size_t i = 1; i < n_rev; i++) {
        rev[i][0] = 0xa0;
        rev[i][12] = (uint8_t)(i >> 24);
        rev[i][13] = (uint8_t)(i >> 16);
        rev[i][14] = (uint8_t)(i >> 8);
        rev[i][15] = (uint8_t)i;
    }
    assert_int_equal(tess_bundle_sort(&is, 1, rev, &n_rev), TESS_OK);

    const tk_key *nk[TESS_MAX_ROOT_KEYS], *signer[TESS_MAX_BUNDLE_SIGS];
    uint8_t new_pk[TESS_MAX_ROOT_KEYS][32];
    size_t n_new = keys_named(c, s->new_roots, nk, TESS_MAX_ROOT_KEYS);
    for (size_t i = 0; i < n_new; i++)
        memcpy(new_pk[i], nk[i]->pk, 32);
    size_t n_sig = keys_named(c, s->signers, signer, TESS_MAX_BUNDLE_SIGS);
    assert_true(n_sig > 0);
    uint8_t(*sks)[64] = calloc(n_sig, 64);
    assert_non_null(sks);
    for (size_t i = 0; i < n_sig; i++)
        memcpy(sks[i], signer[i]->sk, 64);

    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = s->version;
    in.issued_at = s->issued_at ? s->issued_at : TK_NOW - 3600 + 60 * s->version;
    in.expires = s->expires ? s->expires : TK_NOW + 90 * DAY;
    in.publisher = s->publisher ? s->publisher : "Test Fleet";
    in.issuers = &is;
    in.n_issuers = 1;
    in.revoked = (const uint8_t(*)[16])rev;
    in.n_revoked = n_rev;
    in.has_new_roots = n_new > 0;
    in.new_threshold = s->new_threshold;
    in.new_roots = (const uint8_t(*)[32])new_pk;
    in.n_new_roots = n_new;

    size_t cap = 8192 + n_rev * 16, file_cap = cap + 4096 + n_sig * 128;
    size_t scratch_cap = tess_bundle_scratch_size(file_cap);
    uint8_t *payload = malloc(cap), *file = malloc(file_cap), *scratch = malloc(scratch_cap);
    assert_true(payload && file && scratch);
    size_t payload_len, len;
    assert_int_equal(tess_bundle_payload_encode(&in, payload, cap, &payload_len), TESS_OK);
    assert_int_equal(tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, n_sig,
                                      scratch, scratch_cap, file, file_cap, &len),
                     TESS_OK);
    put_file(c, name, file, len, 0644);
    free(payload);
    free(file);
    free(scratch);
    free(sks);
    free(rev);
    return len;
}

/* Issues the typical credential (FORK-L1, iat a day before TK_NOW, exp a
 * year after) with `extra` options appended (a later option wins) into
 * c->text. */
static const char *issue_at(cli *c, int line, const char *const *extra)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    push_args(argv, &n,
              ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title", TITLE,
                   "--achievement", "FORK-L1", "--awarder", "Example Academy", "--iat", "@-86400",
                   "--exp", "@31536000"));
    push_args(argv, &n, extra);
    run_full(c, line, NULL, NULL, false, argv);
    expect_at(c, line, 0, "MC1:", NULL);
    size_t len = strcspn(c->r.out.p, "\n");
    assert_true(len < sizeof c->text && c->r.out.p[len] == '\n');
    memcpy(c->text, c->r.out.p, len);
    c->text[len] = '\0';
    return c->text;
}
#define ISSUE(c, ...) issue_at((c), __LINE__, ARGS(__VA_ARGS__))

/* Root keys r0 r1 r2 (threshold 2) in root.cbor, made with `root init`;
 * the strangers' own root (s0 s1, threshold 2) in stranger-root.cbor;
 * v1.tb1 signed by r0 r1; c->cred, valid at TK_NOW under every bundle of
 * these tests (they all carry the same issuer). */
static void make_world(cli *c)
{
    put_key(c, "iss", &c->iss);
    put_key(c, "r0", &c->root[0]);
    put_key(c, "r1", &c->root[1]);
    put_key(c, "r2", &c->root[2]);
    RUN(c, "root", "init", "--threshold", "2", "--key", "r0.pub", "--key", "r1.pub", "--key",
        "r2.pub", "--out", "root.cbor");
    EXPECT(c, 0, "wrote root.cbor: 2 of 3 root keys", NULL);
    uint8_t keys[2][32], out[256];
    size_t len;
    memcpy(keys[0], c->stranger[0].pk, 32);
    memcpy(keys[1], c->stranger[1].pk, 32);
    assert_int_equal(tess_root_encode(2, (const uint8_t(*)[32])keys, 2, out, sizeof out, &len),
                     TESS_OK);
    put_file(c, "stranger-root.cbor", out, len, 0644);
    make_bundle(c, "v1.tb1", &(bspec){.version = 1, .signers = "r0 r1"});
    ISSUE(c, "--holder", HOLDER);
    strcpy(c->cred, c->text);
}

/* bundle install --state state --json [--root ROOT] FILE: checks the exit
 * code and the JSON's result and reason (NULL: not checked). */
static void install_at(cli *c, int line, const char *root, const char *file, int code,
                       const char *res, const char *reason)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    push_args(argv, &n, ARGS("bundle", "install", "--state", "state", "--json"));
    if (root)
        push_args(argv, &n, ARGS("--root", root));
    push_args(argv, &n, ARGS(file));
    run_full(c, line, NULL, NULL, false, argv);
    if (c->r.code != code)
        failf(c, line, "expected exit %d, got %d", code, c->r.code);
    const cJSON *j = json_at(c, line);
    if (res && !jstr_is(j, "result", res))
        failf(c, line, "expected result \"%s\", got \"%s\"", res, jstr_or(j, "result"));
    if (reason && !jstr_is(j, "reason", reason))
        failf(c, line, "expected reason \"%s\", got \"%s\"", reason, jstr_or(j, "reason"));
}
#define INSTALL(c, root, file, code, res, reason) \
    install_at((c), __LINE__, (root), (file), (code), (res), (reason))
#define INSTALLED(c, root, file) install_at((c), __LINE__, (root), (file), 0, "installed", "ok")

/* bundle status --state state --json; exit 0 and one object. */
static const cJSON *status_at(cli *c, int line)
{
    run_full(c, line, NULL, NULL, false,
             ARGS("bundle", "status", "--state", "state", "--json"));
    if (c->r.code != 0)
        failf(c, line, "bundle status should exit 0, got %d", c->r.code);
    return json_at(c, line);
}
#define STATUS(c) status_at((c), __LINE__)

/* The version in force per status (0: none installed). */
static uint64_t version_in_force(const cJSON *status)
{
    if (!cJSON_IsTrue(jget(status, "installed")))
        return 0;
    double v = jnum(status, "version");
    return v < 0 ? UINT64_MAX : (uint64_t)v;
}

/* verify --state state --json [extra] TEXT. */
static void verify_state_run(cli *c, int line, const char *text, const char *const *extra)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    push_args(argv, &n, ARGS("verify", "--state", "state", "--json"));
    push_args(argv, &n, extra);
    push_args(argv, &n, ARGS(text));
    run_full(c, line, NULL, NULL, false, argv);
}

/* The same, which must give a verdict (exit 0 or 1). */
static const cJSON *verify_state_at(cli *c, int line, const char *text,
                                    const char *const *extra)
{
    verify_state_run(c, line, text, extra);
    if (c->r.code != 0 && c->r.code != 1)
        failf(c, line, "verify should exit 0 or 1, got %d", c->r.code);
    return json_at(c, line);
}
#define VERIFY_STATE(c, text, ...) verify_state_at((c), __LINE__, (text), ARGS(__VA_ARGS__))

/* The verdict of the last verify: reason, and exit code to match. */
static void expect_verdict_at(cli *c, int line, const char *reason)
{
    const cJSON *j = c->json;
    bool valid = strcmp(reason, "valid") == 0;
    if (!jstr_is(j, "reason", reason))
        failf(c, line, "expected reason %s, got %s", reason, jstr_or(j, "reason"));
    if (!jstr_is(j, "verdict", valid ? "valid" : "invalid"))
        failf(c, line, "expected verdict %s", valid ? "valid" : "invalid");
    if (c->r.code != (valid ? 0 : 1))
        failf(c, line, "expected exit %d for %s", valid ? 0 : 1, reason);
}
#define EXPECT_VERDICT(c, reason) expect_verdict_at((c), __LINE__, (reason))

/* Status says `version` is in force (0: none), and verify --state at
 * TK_NOW finds c->cred valid (exit 2 when nothing is installed). */
static void expect_in_force_at(cli *c, int line, uint64_t version)
{
    const cJSON *j = status_at(c, line);
    uint64_t v = version_in_force(j);
    if (v != version)
        failf(c, line, "expected version %llu in force, status says %llu",
              (unsigned long long)version, (unsigned long long)v);
    verify_state_run(c, line, c->cred, ARGS("--at", "@0"));
    if (version == 0) {
        if (c->r.code != 2)
            failf(c, line, "verify --state with nothing installed should exit 2");
    } else if (json_at(c, line)) {
        expect_verdict_at(c, line, "valid");
    }
}
#define EXPECT_IN_FORCE(c, version) expect_in_force_at((c), __LINE__, (version))

/* Whether status lists exactly these root keys (kid and public key). */
static bool roots_are(const cJSON *status, const tk_key keys[3], size_t n)
{
    const cJSON *roots = jget(status, "roots");
    if (!cJSON_IsArray(roots) || (size_t)cJSON_GetArraySize(roots) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char kid[17], pk[65];
        kid_hex(&keys[i], kid);
        hex_of(keys[i].pk, 32, pk);
        bool found = false;
        const cJSON *it;
        cJSON_ArrayForEach(it, roots)
            found |= jstr_is(it, "kid", kid) && jstr_is(it, "public_key", pk);
        if (!found)
            return false;
    }
    return true;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
    cli *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    snprintf(c->dir, sizeof c->dir, "/tmp/tessera-install-XXXXXX");
    if (!mkdtemp(c->dir)) {
        free(c);
        return -1;
    }
    tk_key_from_seed(&c->iss, 1);
    for (int i = 0; i < 3; i++) {
        tk_key_from_seed(&c->root[i], (uint8_t)(10 + i));
        tk_key_from_seed(&c->next[i], (uint8_t)(20 + i));
    }
    tk_key_from_seed(&c->stranger[0], 30);
    tk_key_from_seed(&c->stranger[1], 31);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    cli *c = *state;
    if (c->mounted[0] && umount2(c->mounted, 0) != 0 && umount2(c->mounted, MNT_DETACH) != 0)
        print_error("could not unmount %s: %s\n", c->mounted, strerror(errno));
    remove_tree(c->dir);
    free(c->r.out.p);
    free(c->r.err.p);
    for (size_t i = 0; i < c->n_owned; i++)
        free(c->owned[i]);
    cJSON_Delete(c->json);
    free(c);
    return 0;
}

/* ==== 1. the attacks of TUF that apply, as a table ==== */

/* A file of `size` bytes that takes no disk (a hole). */
static void put_sparse(const cli *c, const char *name, off_t size)
{
    char p[512];
    path_of(c, name, p, sizeof p);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, size), 0);
    assert_int_equal(close(fd), 0);
}

/* A child that writes zeros into the FIFO `name` until nobody reads. */
static pid_t endless_writer(const cli *c, const char *name)
{
    static const char zeros[65536];
    char p[512];
    path_of(c, name, p, sizeof p);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int fd = open(p, O_WRONLY);
        while (fd >= 0 && write(fd, zeros, sizeof zeros) > 0)
            ;
        _exit(0);
    }
    return pid;
}

static void tuf_attacks(void **state)
{
    cli *c = *state;
    make_world(c);
    static const struct {
        const char *name;
        bspec s;
    } bundles[] = {
        {"v2.tb1", {.version = 2, .signers = "r0 r1"}},
        {"v3.tb1", {.version = 3, .signers = "r0 r1 r2"}},
        {"v2-strangers.tb1", {.version = 2, .signers = "s0 s1"}},
        {"v2-strangers-rot.tb1", {.version = 2, .signers = "s0 s1", .new_roots = "s0 s1",
                                  .new_threshold = 2}},
        {"v2-iss.tb1", {.version = 2, .signers = "iss"}},
        {"v2-r0-s0.tb1", {.version = 2, .signers = "r0 s0"}},
        {"v2-r0.tb1", {.version = 2, .signers = "r0"}},
        {"v2-r0-r0.tb1", {.version = 2, .signers = "r0 r0"}},
        {"v2-r1-r1-r1.tb1", {.version = 2, .signers = "r1 r1 r1"}},
        {"v2-rot-none.tb1", {.version = 2, .signers = "r0 r1", .new_roots = "n0 n1 n2",
                             .new_threshold = 2}},
        {"v2-rot-one.tb1", {.version = 2, .signers = "r0 r1 n0", .new_roots = "n0 n1 n2",
                            .new_threshold = 2}},
        {"v2-rot-twice.tb1", {.version = 2, .signers = "r0 r1 n0 n0", .new_roots = "n0 n1 n2",
                              .new_threshold = 2}},
        {"v4-rot.tb1", {.version = 4, .signers = "r0 r1 n0 n1", .new_roots = "n0 n1 n2",
                        .new_threshold = 2}},
        {"v5-old.tb1", {.version = 5, .signers = "r0 r1 r2"}},
        {"v5-old-n0.tb1", {.version = 5, .signers = "r0 r1 r2 n0"}},
        {"v5-n0.tb1", {.version = 5, .signers = "n0"}},
        {"v5-new.tb1", {.version = 5, .signers = "n1 n2"}},
    };
    for (size_t i = 0; i < sizeof bundles / sizeof bundles[0]; i++)
        make_bundle(c, bundles[i].name, &bundles[i].s);

    /* Broken copies of v2 (which installs as it is). */
    size_t len = 0;
    char *v2 = get_file(c, "v2.tb1", &len);
    assert_non_null(v2);
    put_file(c, "v2-half.tb1", v2, len / 2, 0644);
    put_file(c, "v2-short.tb1", v2, len - 1, 0644);
    char *more = own(c, malloc(2 * len));
    memcpy(more, v2, len);
    more[len] = 0;
    put_file(c, "v2-trail.tb1", more, len + 1, 0644);
    memcpy(more + len, v2, len);
    put_file(c, "v2-twice.tb1", more, 2 * len, 0644);
    memcpy(more, v2, len);
    char *pub = NULL;
    for (size_t k = 0; k + 10 <= len && !pub; k++)
        if (memcmp(more + k, "Test Fleet", 10) == 0)
            pub = more + k;
    assert_non_null(pub);
    pub[5] = 'f'; /* "Test fleet": the signatures no longer hold */
    put_file(c, "v2-tampered.tb1", more, len, 0644);
    uint8_t garbage[700];
    uint32_t rng = 0x5eed;
    for (size_t k = 0; k < sizeof garbage; k++)
        garbage[k] = (uint8_t)rng_next(&rng);
    put_file(c, "garbage.tb1", garbage, sizeof garbage, 0644);
    put_file(c, "empty.tb1", "", 0, 0644);
    put_sparse(c, "at-cap.tb1", CAP_BYTES);
    put_sparse(c, "cap-plus-1.tb1", CAP_BYTES + 1);
    put_sparse(c, "huge.tb1", 65 * MIB);
    char fifo[512];
    path_of(c, "endless.fifo", fifo, sizeof fifo);
    assert_int_equal(mkfifo(fifo, 0644), 0);

    INSTALLED(c, "root.cbor", "v1.tb1");
    EXPECT_IN_FORCE(c, 1);

    /* In order, on one kiosk: each row starts from the state the rows
     * before it left. */
    static const struct {
        const char *name;
        const char *file;
        const char *root;    /* --root given too: ignored once provisioned */
        int code;
        const char *res, *reason;
        const char *msg;     /* in the JSON message, or NULL */
        uint64_t in_force;   /* the version in force afterwards */
    } rows[] = {
        {"arbitrary: signed by two strangers", "v2-strangers.tb1", NULL, 1, "refused",
         "threshold", NULL, 1},
        {"arbitrary: strangers, with their own --root", "v2-strangers.tb1",
         "stranger-root.cbor", 1, "refused", "threshold", NULL, 1},
        {"arbitrary: strangers rotate the roots to themselves", "v2-strangers-rot.tb1", NULL, 1,
         "refused", "threshold", NULL, 1},
        {"arbitrary: signed by the issuer key, not a root", "v2-iss.tb1", NULL, 1, "refused",
         "threshold", NULL, 1},
        {"arbitrary: payload changed after signing", "v2-tampered.tb1", NULL, 1, "refused",
         "threshold", NULL, 1},
        {"threshold: a root key and a stranger", "v2-r0-s0.tb1", NULL, 1, "refused", "threshold",
         NULL, 1},
        {"threshold N-1: one root key of 2", "v2-r0.tb1", NULL, 1, "refused", "threshold", NULL,
         1},
        {"threshold: one root key counted twice", "v2-r0-r0.tb1", NULL, 1, "refused",
         "threshold", NULL, 1},
        {"threshold: one root key counted three times", "v2-r1-r1-r1.tb1", NULL, 1, "refused",
         "threshold", NULL, 1},
        {"bad_bundle: truncated to half", "v2-half.tb1", NULL, 1, "refused", "bad_bundle", NULL,
         1},
        {"bad_bundle: one byte short", "v2-short.tb1", NULL, 1, "refused", "bad_bundle", NULL, 1},
        {"bad_bundle: one trailing byte", "v2-trail.tb1", NULL, 1, "refused", "bad_bundle", NULL,
         1},
        {"bad_bundle: the bundle twice", "v2-twice.tb1", NULL, 1, "refused", "bad_bundle", NULL,
         1},
        {"bad_bundle: garbage", "garbage.tb1", NULL, 1, "refused", "bad_bundle", NULL, 1},
        {"bad_bundle: empty file", "empty.tb1", NULL, 1, "refused", "bad_bundle", NULL, 1},
        {"size cap N: 64 MiB of zeros", "at-cap.tb1", NULL, 1, "refused", "bad_bundle", NULL, 1},
        {"size cap N+1: 64 MiB + 1 byte", "cap-plus-1.tb1", NULL, 1, "refused", "bad_bundle",
         "64 MiB", 1},
        {"size cap: sparse 65 MiB file", "huge.tb1", NULL, 1, "refused", "bad_bundle", "64 MiB",
         1},
        {"size cap: /dev/zero", "/dev/zero", NULL, 1, "refused", "bad_bundle", "64 MiB", 1},
        {"size cap: a FIFO fed without end", "endless.fifo", NULL, 1, "refused", "bad_bundle",
         "64 MiB", 1},
        {"missing file: an error, not a refusal", "no-such.tb1", NULL, 2, "error", "io_error",
         "no-such.tb1", 1},
        {"rotation: no new root signed", "v2-rot-none.tb1", NULL, 1, "refused", "rotation", NULL,
         1},
        {"rotation N-1: one new root of threshold 2", "v2-rot-one.tb1", NULL, 1, "refused",
         "rotation", NULL, 1},
        {"rotation: one new root counted twice", "v2-rot-twice.tb1", NULL, 1, "refused",
         "rotation", NULL, 1},
        {"threshold N: two of three roots", "v2.tb1", NULL, 0, "installed", "ok", NULL, 2},
        {"rollback: the same version replayed", "v2.tb1", NULL, 1, "refused", "rollback", NULL,
         2},
        {"rollback: an older version", "v1.tb1", NULL, 1, "refused", "rollback", NULL, 2},
        {"threshold N+1: all three roots", "v3.tb1", NULL, 0, "installed", "ok", NULL, 3},
        {"rollback: older after newer", "v2.tb1", NULL, 1, "refused", "rollback", NULL, 3},
        {"rotation: the old and the new roots signed", "v4-rot.tb1", NULL, 0, "installed", "ok",
         "new root keys", 4},
        {"after rotation: the old roots only", "v5-old.tb1", NULL, 1, "refused", "threshold",
         NULL, 4},
        {"after rotation: the old roots and one new root", "v5-old-n0.tb1", NULL, 1, "refused",
         "threshold", NULL, 4},
        {"after rotation: one new root of threshold 2", "v5-n0.tb1", NULL, 1, "refused",
         "threshold", NULL, 4},
        {"after rotation: the old roots' own --root", "v5-old.tb1", "root.cbor", 1, "refused",
         "threshold", NULL, 4},
        {"after rotation: the rotation replayed", "v4-rot.tb1", NULL, 1, "refused", "rollback",
         NULL, 4},
        {"after rotation: two new roots", "v5-new.tb1", NULL, 0, "installed", "ok", NULL, 5},
    };
    c->soft = true;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        c->label = rows[i].name;
        unsigned before = c->failures;
        pid_t writer = strcmp(rows[i].file, "endless.fifo") == 0 ? endless_writer(c, rows[i].file)
                                                                 : -1;
        install_at(c, __LINE__, rows[i].root, rows[i].file, rows[i].code, rows[i].res,
                   rows[i].reason);
        if (rows[i].msg && !strstr(jstr_or(c->json, "message"), rows[i].msg))
            failf(c, __LINE__, "the message should mention \"%s\"", rows[i].msg);
        if (writer > 0) {
            kill(writer, SIGKILL);
            waitpid(writer, NULL, 0);
        }
        expect_in_force_at(c, __LINE__, rows[i].in_force);
        expect_clean_state_at(c, __LINE__);
        print_message("  %-4s %s\n", c->failures == before ? "ok" : "FAIL", rows[i].name);
    }
    /* Only the new roots count now, and the state says so. */
    c->label = "after the rotation";
    const cJSON *j = STATUS(c);
    CHECK(c, roots_are(j, c->next, 3), "status should list the new roots n0 n1 n2");
    CHECK(c, jnum_is(j, "root_threshold", 2), "the new root threshold is 2");
    c->soft = false;
    if (c->failures)
        fail_msg("%u checks of the table failed (see above)", c->failures);
}

/* ==== 2. a first install ==== */

static void first_install_errors(void **state)
{
    cli *c = *state;
    make_world(c);
    put_file(c, "garbage-root.cbor", "this is not a root\n", 19, 0644);
    static const struct {
        const char *name;
        const char *root;
        int code;
        const char *res, *reason, *msg;
    } rows[] = {
        {"no --root", NULL, 2, "error", "io_error", "--root"},
        {"a garbage root", "garbage-root.cbor", 2, "error", "bad_root", "garbage-root.cbor"},
        {"a bundle given as the root", "v1.tb1", 2, "error", "bad_root", "v1.tb1"},
        {"a root file that is not there", "no-such-root.cbor", 2, "error", NULL,
         "no-such-root.cbor"},
        {"the strangers' root", "stranger-root.cbor", 1, "refused", "threshold", NULL},
    };
    c->soft = true;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        c->label = rows[i].name;
        install_at(c, __LINE__, rows[i].root, "v1.tb1", rows[i].code, rows[i].res,
                   rows[i].reason);
        if (rows[i].msg && !strstr(jstr_or(c->json, "message"), rows[i].msg))
            failf(c, __LINE__, "the message should mention \"%s\"", rows[i].msg);
        expect_in_force_at(c, __LINE__, 0);
        if (exists(c, "state/current"))
            failf(c, __LINE__, "nothing should be in force");
    }
    /* For people, the missing --root is named on standard error. */
    c->label = "no --root, without --json";
    RUN(c, "bundle", "install", "--state", "state", "v1.tb1");
    EXPECT(c, 2, NULL, "--root");
    c->soft = false;
    if (c->failures)
        fail_msg("%u checks failed (see above)", c->failures);
    c->label = NULL;
    INSTALLED(c, "root.cbor", "v1.tb1");
    EXPECT_IN_FORCE(c, 1);
    EXPECT_CLEAN_STATE(c);
}

/* ==== 3. power cuts ==== */

typedef struct {
    const char *name;
    const char *root; /* --root, for a first install */
    const char *file; /* the install that is cut short */
    uint64_t from, to;
    const char *next; /* the normal install once `to` is in force */
    bool rotates;     /* `to` brings the new roots n0 n1 n2 */
} cut_case;

static const cut_case cuts[3] = {
    {"first install into an empty state", "root.cbor", "v1.tb1", 0, 1, "v2.tb1", false},
    {"version 2 over version 1", NULL, "v2.tb1", 1, 2, "v3.tb1", false},
    {"rotation over version 1", NULL, "v2-rot.tb1", 1, 2, "v3-new.tb1", true},
};

static void make_cut_world(cli *c)
{
    make_world(c);
    make_bundle(c, "v2.tb1", &(bspec){.version = 2, .signers = "r0 r1"});
    make_bundle(c, "v3.tb1", &(bspec){.version = 3, .signers = "r1 r2"});
    make_bundle(c, "v2-rot.tb1", &(bspec){.version = 2, .signers = "r0 r1 n0 n1",
                                          .new_roots = "n0 n1 n2", .new_threshold = 2});
    make_bundle(c, "v3-new.tb1", &(bspec){.version = 3, .signers = "n0 n2"});
}

/* The state before the install k: empty, or version 1 in force. */
static void cut_reset(cli *c, const cut_case *k)
{
    char p[512];
    path_of(c, "state", p, sizeof p);
    remove_tree(p);
    if (k->from)
        INSTALLED(c, "root.cbor", "v1.tb1");
}

static const char *const *cut_args(const cut_case *k, const char **argv)
{
    size_t n = 0;
    push_args(argv, &n, ARGS("bundle", "install", "--state", "state", "--json"));
    if (k->root)
        push_args(argv, &n, ARGS("--root", k->root));
    push_args(argv, &n, ARGS(k->file));
    return argv;
}

/* After an install of k was cut short: the old or the new version is in
 * force with its roots, the credential verifies, and the next normal
 * install works. Returns the version that was in force. */
static uint64_t cut_check_at(cli *c, int line, const cut_case *k)
{
    const cJSON *j = status_at(c, line);
    uint64_t v = version_in_force(j);
    if (v != k->from && v != k->to) {
        failf(c, line, "after a cut, version %llu or %llu should be in force, not %llu",
              (unsigned long long)k->from, (unsigned long long)k->to, (unsigned long long)v);
        return v;
    }
    if (v) {
        bool rotated = k->rotates && v == k->to;
        if (!roots_are(j, rotated ? c->next : c->root, 3))
            failf(c, line, "version %llu should have the %s roots in force",
                  (unsigned long long)v, rotated ? "new" : "old");
    }
    verify_state_run(c, line, c->cred, ARGS("--at", "@0"));
    if (v && json_at(c, line))
        expect_verdict_at(c, line, "valid");
    else if (c->r.code != 2)
        failf(c, line, "verify --state with nothing installed should exit 2");
    install_at(c, line, k->root, v == k->from ? k->file : k->next, 0, "installed", "ok");
    j = status_at(c, line);
    if (version_in_force(j) != v + 1)
        failf(c, line, "after the next install, version %llu should be in force",
              (unsigned long long)(v + 1));
    return v;
}

/* How many generation directories a state listing shows. */
static unsigned generations_in(const char *listing)
{
    unsigned n = 0;
    for (const char *p = listing; *p;) {
        size_t len = strcspn(p, " ");
        if (len > 0 && p[len - 1] == '/')
            n++;
        p += len;
        while (*p == ' ')
            p++;
    }
    return n;
}

static void power_cut_at_every_step(void **state)
{
    cli *c = *state;
    make_cut_world(c);
    for (size_t k = 0; k < 3; k++) {
        const cut_case *cut = &cuts[k];
        c->label = cut->name;
        unsigned killed = 0, left_old = 0, left_new = 0, leftovers = 0;
        bool completed = false;
        long n;
        for (n = 1; n <= 500 && !completed; n++) {
            cut_reset(c, cut);
            char env[48];
            const char *argv[MAX_ARGS];
            snprintf(env, sizeof env, "TESSERA_TEST_KILL_AT=%ld", n);
            run_full(c, __LINE__, NULL, env, true, cut_args(cut, argv));
            bool was_killed = c->r.code == KILLED;
            if (!was_killed) {
                EXPECT(c, 0, "\"installed\"", NULL);
                completed = true;
            }
            uint64_t v = cut_check_at(c, __LINE__, cut);
            if (was_killed) {
                killed++;
                if (v == cut->from)
                    left_old++;
                else
                    left_new++;
            } else {
                CHECK(c, v == cut->to, "an install that was not cut installs");
            }
            /* Not a failure: what a cut left and the next install did not
             * remove (an old generation directory), counted for the report. */
            char listing[1000];
            state_listing(c, listing, sizeof listing);
            if (generations_in(listing) > 1)
                leftovers++;
        }
        CHECK(c, completed, "an install with TESSERA_TEST_KILL_AT=%ld was still cut", n - 1);
        /* The seam works: the first cut keeps the old version and a late
         * one falls after the switch. */
        CHECK(c, left_old > 0 && left_new > 0,
              "cuts should fall both before and after the switch (%u before, %u after)",
              left_old, left_new);
        kill_points[k] = killed;
        CHECK(c, leftovers == 0, "%u cuts left an old generation that the next install kept",
              leftovers);
        print_message("  %s: %u kill points (%u left version %llu in force, %u version %llu; "
                      "after %u of them an old generation directory outlived the next "
                      "install)\n",
                      cut->name, killed, left_old, (unsigned long long)cut->from, left_new,
                      (unsigned long long)cut->to, leftovers);
    }
}

static void power_cut_from_outside(void **state)
{
    cli *c = *state;
    make_cut_world(c);
    enum { ROUNDS = 120 };
    static char seen[ROUNDS][1024];
    size_t n_seen = 0;
    unsigned killed = 0, finished = 0, leftovers = 0;
    uint32_t rng = 20261128u;
    /* 0..5 ms; up to the time of one install where that is longer (under
     * the sanitizers), so that kills still fall all along the install. */
    long max_delay = 5000;
    cut_reset(c, &cuts[1]);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    INSTALLED(c, NULL, "v2.tb1");
    long one = (long)(seconds_since(&t0) * 1e6);
    if (one > max_delay)
        max_delay = one;
    for (int i = 0; i < ROUNDS; i++) {
        const cut_case *cut = &cuts[i % 3];
        c->label = cut->name;
        cut_reset(c, cut);
        long delay = (long)(rng_next(&rng) % (uint32_t)(max_delay + 1));
        const char *argv[MAX_ARGS];
        pid_t pid = spawn_quiet(c, cut_args(cut, argv));
        sleep_us(delay);
        kill(pid, SIGKILL);
        int st;
        while (waitpid(pid, &st, 0) < 0)
            assert_int_equal(errno, EINTR);
        snprintf(c->cmd, sizeof c->cmd, "bundle install ... %s (SIGKILL after %ld us)", cut->file,
                 delay);
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
            killed++;
        } else {
            c->r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            CHECK(c, WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "an install that was not killed should install");
            finished++;
        }
        static char err[16384];
        char errp[512];
        path_of(c, "async.err", errp, sizeof errp);
        FILE *ef = fopen(errp, "r");
        size_t got = ef ? fread(err, 1, sizeof err - 1, ef) : 0;
        err[got] = '\0';
        if (ef)
            fclose(ef);
        CHECK(c, !strstr(err, "Sanitizer") && !strstr(err, "runtime error:"),
              "a sanitizer reported an error: %.2000s", err);
        char fp[1024], listing[1000];
        state_listing(c, listing, sizeof listing);
        snprintf(fp, sizeof fp, "%d:%s", i % 3, listing);
        size_t s;
        for (s = 0; s < n_seen && strcmp(seen[s], fp) != 0; s++)
            ;
        if (s == n_seen)
            snprintf(seen[n_seen++], sizeof seen[0], "%s", fp);
        cut_check_at(c, __LINE__, cut);
        /* What a cut left and the next install did not remove. */
        state_listing(c, listing, sizeof listing);
        if (generations_in(listing) > 1)
            leftovers++;
    }
    print_message("  %d installs killed from outside after 0..%ld us (one install: %ld us): %u "
                  "cut short, %u finished first; %zu distinct states left behind; %u times an "
                  "old generation directory outlived the next install\n",
                  ROUNDS, max_delay, one, killed, finished, n_seen, leftovers);
    CHECK(c, leftovers == 0, "%u cuts left an old generation that the next install kept",
          leftovers);
}

/* ==== 4. full disk, read-only state ==== */

static void full_disk_and_read_only(void **state)
{
    cli *c = *state;
    if (geteuid() != 0) {
        print_message("  skipped: mounting a tmpfs needs root (running as uid %u)\n",
                      (unsigned)geteuid());
        skip();
    }
    make_world(c);
    char p[512];
    make_dir(c, "state");
    path_of(c, "state", p, sizeof p);
    /* 16 KiB: four pages: root, v1 and the floor fit; a 33 KiB v2 never. */
    if (mount("tessera-test", p, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=0755") != 0) {
        print_message("  skipped: mount -t tmpfs -o size=16k failed: %s\n", strerror(errno));
        skip();
    }
    snprintf(c->mounted, sizeof c->mounted, "%s", p);
    make_bundle(c, "v2-big.tb1", &(bspec){.version = 2, .signers = "r0 r1",
                                          .extra_revoked = 2048});
    make_bundle(c, "v2.tb1", &(bspec){.version = 2, .signers = "r0 r1"});

    INSTALLED(c, "root.cbor", "v1.tb1");
    EXPECT_IN_FORCE(c, 1);

    c->label = "disk full";
    INSTALL(c, NULL, "v2-big.tb1", 2, "error", "io_error");
    CHECK(c, strstr(jstr_or(c->json, "message"), "full") != NULL,
          "the message should say the disk is full");
    EXPECT_IN_FORCE(c, 1);
    EXPECT_CLEAN_STATE(c);
    RUN(c, "bundle", "install", "--state", "state", "v2-big.tb1");
    EXPECT(c, 2, NULL, "full");

    c->label = "read-only";
    assert_int_equal(mount("tessera-test", p, "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID |
                                                           MS_NODEV, NULL),
                     0);
    INSTALL(c, NULL, "v2.tb1", 2, "error", "io_error");
    CHECK(c, strstr(jstr_or(c->json, "message"), "read-only") != NULL,
          "the message should say the state is read-only");
    EXPECT_IN_FORCE(c, 1);
    EXPECT_CLEAN_STATE(c);
    RUN(c, "bundle", "install", "--state", "state", "v2.tb1");
    EXPECT(c, 2, NULL, "read-only");
    /* The kiosk still verifies by the clock; only the floor is not kept. */
    VERIFY_STATE(c, c->cred, "--skew", "0");
    EXPECT_VERDICT(c, "valid");
}

/* ==== 5. the time floor ==== */

static void time_floor(void **state)
{
    cli *c = *state;
    make_world(c);
    uint64_t t0 = (uint64_t)time(NULL);
    /* Bundles around the real clock; f2 is newer but issued before f1. */
    make_bundle(c, "f1.tb1", &(bspec){.version = 1, .signers = "r0 r1", .issued_at = t0 - 3600,
                                      .expires = t0 + 90 * DAY});
    make_bundle(c, "f2.tb1", &(bspec){.version = 2, .signers = "r0 r1",
                                      .issued_at = t0 - 2 * DAY, .expires = t0 + 90 * DAY});
    make_bundle(c, "f3.tb1", &(bspec){.version = 3, .signers = "r0 r1",
                                      .issued_at = t0 + 2 * DAY, .expires = t0 + 90 * DAY});
    make_bundle(c, "f4.tb1", &(bspec){.version = 4, .signers = "r0 r1",
                                      .issued_at = t0 + 3 * DAY, .expires = t0 + 90 * DAY});
    char iat[32], exp[32], cred[8192];
    snprintf(iat, sizeof iat, "%llu", (unsigned long long)(t0 - DAY));
    snprintf(exp, sizeof exp, "%llu", (unsigned long long)(t0 + 365 * DAY));
    ISSUE(c, "--iat", iat, "--exp", exp);
    strcpy(cred, c->text);

    /* The floor starts at the bundle's issued_at. */
    INSTALLED(c, "root.cbor", "f1.tb1");
    CHECK(c, floor_file(c) == t0 - 3600, "the install should record issued_at as the floor");
    CHECK(c, jnum_is(STATUS(c), "floor", (double)(t0 - 3600)), "status floor is issued_at");

    /* --at names the time: judged then, and the floor stays. */
    char at[32];
    snprintf(at, sizeof at, "%llu", (unsigned long long)(t0 + 3650 * DAY));
    VERIFY_STATE(c, cred, "--at", at);
    EXPECT_VERDICT(c, "expired");
    CHECK(c, jnum_is(c->json, "judged_at", (double)(t0 + 3650 * DAY)), "judged at --at");
    CHECK(c, !has_warning(c->json, "clock_uncertain"), "--at is not the clock");
    CHECK(c, floor_file(c) == t0 - 3600, "verify --at later than the floor moved it");
    snprintf(at, sizeof at, "%llu", (unsigned long long)(t0 - 2 * DAY));
    VERIFY_STATE(c, cred, "--at", at);
    EXPECT_VERDICT(c, "valid");
    CHECK(c, jnum_is(c->json, "judged_at", (double)(t0 - 2 * DAY)), "judged at --at");
    CHECK(c, !has_warning(c->json, "clock_uncertain"), "--at is not the clock");
    CHECK(c, floor_file(c) == t0 - 3600, "verify --at earlier than the floor moved it");

    /* Without --at: the clock, and the floor records it. */
    uint64_t before = (uint64_t)time(NULL);
    VERIFY_STATE(c, cred, "--skew", "300");
    uint64_t after = (uint64_t)time(NULL);
    EXPECT_VERDICT(c, "valid");
    CHECK(c, !has_warning(c->json, "clock_uncertain"), "the clock is ahead of the floor");
    double judged = jnum(c->json, "judged_at");
    CHECK(c, judged >= (double)before && judged <= (double)after, "judged at the clock");
    uint64_t t1 = floor_file(c);
    CHECK(c, t1 >= before && t1 <= after, "verify should record now (%llu) as the floor",
          (unsigned long long)t1);

    /* A newer bundle issued earlier does not lower it. */
    INSTALLED(c, NULL, "f2.tb1");
    CHECK(c, floor_file(c) == t1, "an older issued_at lowered the floor file");
    CHECK(c, jnum_is(STATUS(c), "floor", (double)t1), "an older issued_at lowered the floor");

    /* A bundle issued ahead of the clock raises it: the clock is behind. */
    INSTALLED(c, NULL, "f3.tb1");
    CHECK(c, floor_file(c) == t0 + 2 * DAY, "the floor should advance to issued_at");
    CHECK(c, cJSON_IsTrue(jget(STATUS(c), "clock_uncertain")), "status: clock behind the floor");
    VERIFY_STATE(c, cred, "--skew", "300");
    EXPECT_VERDICT(c, "valid");
    CHECK(c, has_warning(c->json, "clock_uncertain"), "the clock is behind the floor");
    CHECK(c, jnum_is(c->json, "judged_at", (double)(t0 + 2 * DAY)), "judged at the floor");
    CHECK(c, floor_file(c) == t0 + 2 * DAY, "a verdict behind the floor moved it");

    /* A floor far ahead, as a kiosk that once saw 2029 keeps it: judged
     * at the floor, with the boundary a second either side (skew 0) and
     * at the default skew of 300 s. */
    uint64_t f = t0 + 1000 * DAY;
    put_floor(c, f);
    VERIFY_STATE(c, cred, "--skew", "300");
    EXPECT_VERDICT(c, "expired");
    CHECK(c, has_warning(c->json, "clock_uncertain"), "the clock is behind the floor");
    CHECK(c, jnum_is(c->json, "judged_at", (double)f), "judged at the floor");
    static const struct {
        long long exp; /* offset from the floor */
        const char *skew, *reason;
    } edge[] = {
        {-1, "0", "expired"},   {0, "0", "expired"},      {1, "0", "valid"},
        {-300, NULL, "expired"}, {-299, NULL, "valid"},
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        snprintf(exp, sizeof exp, "%llu", (unsigned long long)((long long)f + edge[i].exp));
        ISSUE(c, "--iat", iat, "--exp", exp);
        strcpy(cred, c->text);
        if (edge[i].skew)
            VERIFY_STATE(c, cred, "--skew", edge[i].skew);
        else
            verify_state_at(c, __LINE__, cred, NULL);
        c->label = exp;
        EXPECT_VERDICT(c, edge[i].reason);
        CHECK(c, has_warning(c->json, "clock_uncertain"), "the clock is behind the floor");
        CHECK(c, jnum_is(c->json, "judged_at", (double)f), "judged at the floor");
    }
    c->label = NULL;
    CHECK(c, floor_file(c) == f, "verdicts behind the floor moved it");
    snprintf(at, sizeof at, "%llu", (unsigned long long)t0);
    VERIFY_STATE(c, cred, "--at", at);
    EXPECT_VERDICT(c, "valid");
    CHECK(c, !has_warning(c->json, "clock_uncertain"), "--at is not the clock");
    CHECK(c, floor_file(c) == f, "verify --at moved the floor back");

    /* A bundle issued before the floor leaves it where it is. */
    INSTALLED(c, NULL, "f4.tb1");
    CHECK(c, floor_file(c) == f, "installing f4 lowered the floor file");
    CHECK(c, jnum_is(STATUS(c), "floor", (double)f), "installing f4 lowered the floor");

    /* A floor file behind the bundle in force: the bundle's issued_at
     * counts. */
    put_floor(c, 5);
    CHECK(c, jnum_is(STATUS(c), "floor", (double)(t0 + 3 * DAY)),
          "the floor is never earlier than the bundle's issued_at");
    VERIFY_STATE(c, cred, "--skew", "300");
    CHECK(c, has_warning(c->json, "clock_uncertain"), "the clock is behind issued_at");
    CHECK(c, jnum_is(c->json, "judged_at", (double)(t0 + 3 * DAY)), "judged at issued_at");
}

/* ==== 6. import from a USB stick ==== */

static void import_from_stick(void **state)
{
    cli *c = *state;
    make_world(c);
    INSTALLED(c, "root.cbor", "v1.tb1");
    make_dir(c, "stick");
    make_dir(c, "stick/TESSERA");
    make_dir(c, "stick/TESSERA/old");
    make_dir(c, "stick/other");
    make_bundle(c, "stick/v2.tb1", &(bspec){.version = 2, .signers = "r0 r1"});
    make_bundle(c, "stick/TESSERA/V3.TB1", &(bspec){.version = 3, .signers = "r0 r2"});
    put_file(c, "stick/broken.tb1", "\xd8\x62\x84garbage", 10, 0644);
    make_bundle(c, "stick/Stranger-v4.Tb1", &(bspec){.version = 4, .signers = "s0 s1"});
    /* Not where bundles are looked for: never installed. */
    make_bundle(c, "stick/other/v6.tb1", &(bspec){.version = 6, .signers = "r0 r1"});
    make_bundle(c, "stick/TESSERA/old/v7.tb1", &(bspec){.version = 7, .signers = "r0 r1"});
    make_bundle(c, "stick/v8.tb1.bak", &(bspec){.version = 8, .signers = "r0 r1"});
    put_file(c, "stick/README.txt", "kiosk trust\n", 12, 0644);

    c->label = "the newest that installs";
    RUN(c, "bundle", "import", "--state", "state", "--json", "stick");
    EXPECT(c, 0, NULL, NULL);
    const cJSON *j = JSON(c);
    CHECK(c, jstr_is(j, "result", "installed") && jstr_is(j, "reason", "ok"), "installed");
    CHECK(c, jnum_is(j, "version", 3), "version 3 should be the one installed");
    CHECK(c, strstr(jstr_or(j, "message"), "TESSERA/V3.TB1") != NULL,
          "the message should name the file installed");
    EXPECT_IN_FORCE(c, 3);
    EXPECT_CLEAN_STATE(c);

    c->label = "only older versions";
    make_dir(c, "old-stick");
    make_dir(c, "old-stick/tessera");
    make_bundle(c, "old-stick/v1.tb1", &(bspec){.version = 1, .signers = "r0 r1"});
    make_bundle(c, "old-stick/tessera/v2.tb1", &(bspec){.version = 2, .signers = "r0 r1"});
    RUN(c, "bundle", "import", "--state", "state", "--json", "old-stick");
    EXPECT(c, 1, NULL, NULL);
    j = JSON(c);
    CHECK(c, jstr_is(j, "result", "refused") && jstr_is(j, "reason", "rollback"),
          "refused as a rollback");
    EXPECT_IN_FORCE(c, 3);
    EXPECT_CLEAN_STATE(c);

    c->label = "only a stranger's bundle";
    make_dir(c, "evil-stick");
    make_bundle(c, "evil-stick/v9.tb1", &(bspec){.version = 9, .signers = "s0 s1"});
    RUN(c, "bundle", "import", "--state", "state", "--json", "evil-stick");
    EXPECT(c, 1, NULL, NULL);
    j = JSON(c);
    CHECK(c, jstr_is(j, "result", "refused") && jstr_is(j, "reason", "threshold"),
          "refused for threshold");
    EXPECT_IN_FORCE(c, 3);

    static const char *const empty[] = {"empty-stick", "folder-stick", "no-such-stick"};
    make_dir(c, "empty-stick");
    make_dir(c, "folder-stick");
    make_dir(c, "folder-stick/tessera");
    put_file(c, "folder-stick/tessera/notes.txt", "no bundle\n", 10, 0644);
    for (size_t i = 0; i < 3; i++) {
        c->label = empty[i];
        RUN(c, "bundle", "import", "--state", "state", "--json", empty[i]);
        EXPECT(c, 2, NULL, NULL);
        CHECK(c, jstr_is(JSON(c), "result", "error"), "no bundle on the stick is an error");
        CHECK(c, strstr(jstr_or(c->json, "message"), "no trust bundle") != NULL,
              "the message should say no bundle was found");
        EXPECT_IN_FORCE(c, 3);
    }
}

/* ==== 7. status ==== */

static void status_fields(void **state)
{
    cli *c = *state;
    make_world(c);
    const cJSON *j = STATUS(c);
    CHECK(c, cJSON_IsFalse(jget(j, "installed")), "nothing installed yet");
    CHECK(c, jnum_is(j, "floor", 0), "no floor yet");
    CHECK(c, jget(j, "version") == NULL, "no version before an install");
    RUN(c, "bundle", "status", "--state", "state");
    EXPECT(c, 0, "no trust bundle installed yet", NULL);

    size_t len = make_bundle(c, "s1.tb1", &(bspec){.version = 1, .signers = "r0 r1",
                                                   .issued_at = TK_NOW - 3600,
                                                   .expires = NA_2030, .extra_revoked = 2,
                                                   .publisher = "Job Fair North"});
    INSTALLED(c, "root.cbor", "s1.tb1");
    j = JSON(c);
    CHECK(c, jnum_is(j, "version", 1) && jnum_is(j, "previous_version", 0) &&
                 cJSON_IsFalse(jget(j, "rotated")),
          "install --json: version 1, none before, no rotation");
    j = STATUS(c);
    CHECK(c, cJSON_IsTrue(jget(j, "installed")), "installed");
    CHECK(c, jstr_is(j, "state", "state"), "state");
    CHECK(c, jnum_is(j, "version", 1), "version");
    CHECK(c, jstr_is(j, "publisher", "Job Fair North"), "publisher");
    CHECK(c, jnum_is(j, "issued_at", TK_NOW - 3600), "issued_at");
    CHECK(c, jnum_is(j, "expires", NA_2030), "expires");
    CHECK(c, cJSON_IsFalse(jget(j, "stale")), "not stale");
    CHECK(c, jnum_is(j, "issuers", 1), "issuers");
    CHECK(c, jnum_is(j, "revoked", 3), "revoked");
    CHECK(c, jnum_is(j, "pathways", 0), "pathways");
    CHECK(c, jnum_is(j, "bytes", (double)len), "bytes");
    CHECK(c, jnum_is(j, "root_threshold", 2), "root_threshold");
    CHECK(c, roots_are(j, c->root, 3), "roots: r0 r1 r2");
    CHECK(c, jnum_is(j, "floor", TK_NOW - 3600), "floor: issued_at");
    CHECK(c, cJSON_IsFalse(jget(j, "clock_uncertain")), "the clock is ahead of the floor");
    double clk = jnum(j, "clock");
    CHECK(c, clk >= (double)time(NULL) - 60 && clk <= (double)time(NULL), "clock");

    char kids[3][17], line[200];
    for (int i = 0; i < 3; i++)
        kid_hex(&c->root[i], kids[i]);
    RUN(c, "bundle", "status", "--state", "state");
    EXPECT(c, 0, "trust bundle version 1 from Job Fair North", NULL);
    snprintf(line, sizeof line, "roots       2 of 3 must sign: %s %s %s\n", kids[0], kids[1],
             kids[2]);
    EXPECT(c, 0, line, NULL);
    EXPECT(c, 0, "  revoked     3\n", NULL);

    /* A rotation to 3 of 3 new roots: the state records them. */
    make_bundle(c, "s2.tb1", &(bspec){.version = 2, .signers = "r0 r1 n0 n1 n2",
                                      .new_roots = "n0 n1 n2", .new_threshold = 3,
                                      .expires = NA_2030});
    INSTALLED(c, NULL, "s2.tb1");
    j = JSON(c);
    CHECK(c, jnum_is(j, "version", 2) && jnum_is(j, "previous_version", 1) &&
                 cJSON_IsTrue(jget(j, "rotated")),
          "install --json: version 2 over 1, rotated");
    j = STATUS(c);
    CHECK(c, jnum_is(j, "version", 2) && jnum_is(j, "root_threshold", 3) &&
                 roots_are(j, c->next, 3),
          "after the rotation: 3 of n0 n1 n2");
    CHECK(c, jstr_is(j, "publisher", "Test Fleet") && jnum_is(j, "revoked", 1), "bundle v2");

    /* Past its expires: installs, and says so. */
    make_bundle(c, "s3.tb1", &(bspec){.version = 3, .signers = "n0 n1 n2",
                                      .issued_at = TK_NOW - 2 * DAY, .expires = TK_NOW - DAY});
    INSTALLED(c, NULL, "s3.tb1");
    j = STATUS(c);
    CHECK(c, jnum_is(j, "version", 3) && cJSON_IsTrue(jget(j, "stale")), "v3 stale");
    VERIFY_STATE(c, c->cred, "--at", "@0");
    EXPECT_VERDICT(c, "valid");
    CHECK(c, has_warning(c->json, "trust_stale"), "a stale bundle gives trust_stale");
}

/* Generation names (app/state.c generation_of): "current" names gen-N, N
 * read as sscanf's %8u read it (blanks first, at most 8 digits) but with
 * no sign ("gen-+1" was generation 1, "gen--1" 4294967295); a target that
 * is not one is nothing installed. An install removes the generations
 * left behind and leaves other names alone. */
static void generation_names(void **state)
{
    cli *c = *state;
    make_world(c);
    INSTALLED(c, "root.cbor", "v1.tb1");
    char link[512], target[64];
    path_of(c, "state/current", link, sizeof link);
    ssize_t len = readlink(link, target, sizeof target - 1);
    assert_true(len > 4);
    target[len] = '\0';
    char *end = NULL;
    unsigned long gen = strtoul(target + 4, &end, 10);
    assert_true(strncmp(target, "gen-", 4) == 0 && *end == '\0' && gen >= 1 && gen <= 9);
    char n8[16], n9[16], n[16];   /* the generation in force, written 3 ways */
    snprintf(n8, sizeof n8, "%08lu", gen);
    snprintf(n9, sizeof n9, "%09lu", gen);
    snprintf(n, sizeof n, "%lu", gen);
    const struct {
        const char *head, *number;
        bool installed;
    } cases[] = {
        {"gen-", n8, true},   {"gen-", n, true},   {"gen- ", n, true},  {"gen-", n9, false},
        {"gen-+", n, false},  {"gen--", n, false}, {"gen-x", n, false}, {"gen-", "", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", cases[i].head, cases[i].number);
        c->label = name;
        assert_int_equal(unlink(link), 0);
        assert_int_equal(symlink(name, link), 0);
        const cJSON *j = STATUS(c);
        CHECK(c, version_in_force(j) == (cases[i].installed ? 1u : 0u),
              "current -> '%s': %s", name, cases[i].installed ? "version 1" : "nothing installed");
    }
    c->label = NULL;
    assert_int_equal(unlink(link), 0);
    assert_int_equal(symlink(target, link), 0);
    make_dir(c, "state/gen-00000099");
    make_dir(c, "state/gen-notes");
    make_bundle(c, "v2.tb1", &(bspec){.version = 2, .signers = "r0 r1"});
    INSTALLED(c, NULL, "v2.tb1");
    struct stat st;
    char p[512];
    path_of(c, "state/gen-00000099", p, sizeof p);
    CHECK(c, stat(p, &st) != 0 && errno == ENOENT, "a generation left behind is removed");
    path_of(c, "state/gen-notes", p, sizeof p);
    CHECK(c, stat(p, &st) == 0, "a name that is not a generation stays");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s /path/to/tessera\n", argv[0]);
        return 2;
    }
    static char abs_path[2 * PATH_MAX + 2];
    char cwd[PATH_MAX];
    if (argv[1][0] == '/' || !getcwd(cwd, sizeof cwd))
        snprintf(abs_path, sizeof abs_path, "%s", argv[1]);
    else
        snprintf(abs_path, sizeof abs_path, "%s/%s", cwd, argv[1]);
    tessera = abs_path;
    if (access(tessera, X_OK) != 0) {
        fprintf(stderr, "%s: not an executable\n", argv[1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(tuf_attacks),
        T(first_install_errors),
        T(power_cut_at_every_step),
        T(power_cut_from_outside),
        T(full_disk_and_read_only),
        T(time_floor),
        T(import_from_stick),
        T(status_fields),
        T(generation_names),
    };
#undef T
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("kill points (TESSERA_TEST_KILL_AT): first install %u, upgrade %u, rotation %u\n",
           kill_points[0], kill_points[1], kill_points[2]);
    return failed;
}
