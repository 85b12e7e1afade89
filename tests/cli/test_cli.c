/*
 * test_cli.c: the `tessera` command, as a user runs it.
 *
 * Run as `test_cli /path/to/tessera`. Every test gets a fresh directory
 * under /tmp (removed afterwards), runs the real binary there with
 * fork/execv (no shell, so no quoting), feeds standard input where a test
 * needs it, and checks the exit code and what was printed: 0 valid/done,
 * 1 invalid/refused, 2 usage, I/O or trust error.
 *
 * Keys come from testkit's one-byte seeds, written as key files the way
 * `tessera keygen` writes them, so that kids and bundles can be checked
 * in-process with the core's own parsers. In arguments, "@N" / "@-N" stands
 * for TK_NOW + N seconds (2026-01-01 + N), so the tables read as offsets.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "testkit.h"
#include "tessera/tess_b45.h"
#include "tessera/tess_bundle.h"

#define DAY 86400
#define NB_2020 1577836800u /* 2020-01-01: the issuer key's not_before */
#define NA_2030 1893456000u /* 2030-01-01: its not_after */
#define REVOKED_CTI "5e110c429a01773b1020304050607080"
#define OTHER_CTI "5e110c429a01773b1020304050607081"
#define HOLDER "Maria Garcia"
#define TITLE "Forklift Safety, Level 1"
#define SKILL1 "esco:0b4a9b1c-7d3e-4f2a-9c61-2f0e8d7b5a43"
#define SKILL2 "esco:6c2d1e7f-8a9b-4c3d-b2e1-0f9a8b7c6d5e"

/* Skills that share words, so that the issuer chooses zlib. */
#define COMPRESSIBLE "--skill", "x:forklift-safety-basics", "--skill", "x:forklift-safety-loading", \
                     "--skill", "x:forklift-safety-parking"


static char *tessera; /* absolute path of the binary under test */

/* ---- running the binary ---- */

typedef struct {
    char dir[64];
    char cmd[2048];    /* the last command line, for failure messages */
    const char *label; /* the table case being run */
    result r;
    cJSON *json;       /* the last stdout parsed as JSON */
    char text[8192];   /* the last credential issued */
    tk_key iss, other, root[3];
    void *owned[64];   /* freed by teardown, so that a failing check leaks nothing */
    size_t n_owned;
} cli;

/* Prints the failing check with the command and both outputs, then fails. */
static void failf(const cli *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void failf(const cli *c, int line, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fail_msg("test_cli.c:%d%s%s%s: %s\n  command: tessera %s\n  exit: %d\n  stdout: %.3000s\n"
             "  stderr: %.3000s",
             line, c->label ? " [" : "", c->label ? c->label : "", c->label ? "]" : "", why,
             c->cmd, c->r.code, c->r.out.p ? c->r.out.p : "", c->r.err.p ? c->r.err.p : "");
}

/* Runs tessera with args (NULL-terminated) in c->dir, with input on
 * standard input (NULL: /dev/null), and keeps the result in c->r. A crash
 * or a sanitizer report fails the test whatever the caller expects. */
static const result *run_at(cli *c, int line, const char *input, const char *const *args)
{
    const char *argv[MAX_ARGS + 2];
    static char times[MAX_ARGS][32];
    size_t n = 0, used = 0;
    argv[n++] = tessera;
    c->cmd[0] = '\0';
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
        if (poll(p, (nfds_t)np, -1) < 0) {
            assert_int_equal(errno, EINTR);
            continue;
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
    if (c->r.code >= 125)
        failf(c, line, "the command crashed or could not run (exit %d)", c->r.code);
    if (strstr(c->r.err.p, "Sanitizer") || strstr(c->r.err.p, "runtime error:"))
        failf(c, line, "a sanitizer reported an error");
    return &c->r;
}

#define RUN(c, ...) run_at((c), __LINE__, NULL, ARGS(__VA_ARGS__))
#define RUN_IN(c, input, ...) run_at((c), __LINE__, (input), ARGS(__VA_ARGS__))
#define RUNV(c, input, argv) run_at((c), __LINE__, (input), (argv))

/* ---- checks ---- */

static void expect_at(const cli *c, int line, int code, const char *out_has, const char *err_has)
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
#define EXPECT_OUT(c, s) expect_at((c), __LINE__, (c)->r.code, (s), NULL)
#define EXPECT_ERR(c, s) expect_at((c), __LINE__, (c)->r.code, NULL, (s))
#define CHECK(c, cond, ...)                 \
    do {                                    \
        if (!(cond))                        \
            failf((c), __LINE__, __VA_ARGS__); \
    } while (0)

/* stdout as exactly one JSON object (nothing but whitespace after it). */
static cJSON *json_at(cli *c, int line)
{
    const char *end = NULL;
    if (c->json)
        cJSON_Delete(c->json);
    c->json = cJSON_ParseWithOpts(c->r.out.p, &end, false);
    if (!c->json || !cJSON_IsObject(c->json))
        failf(c, line, "stdout is not a JSON object");
    while (end && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (!end || *end)
        failf(c, line, "stdout holds more than one JSON object: \"%.40s\"", end ? end : "");
    return c->json;
}
#define JSON(c) json_at((c), __LINE__)

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jstr_is(const cJSON *o, const char *key, const char *want)
{
    const char *s = jstr(o, key);
    return s && strcmp(s, want) == 0;
}

static bool jnum_is(const cJSON *o, const char *key, double want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble == want;
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

/* Whether any entry of the test directory starts with prefix: catches
 * leftover temp files like "out.tb1.tmp.1234". */
static bool any_file_starting(const cli *c, const char *prefix)
{
    DIR *d = opendir(c->dir);
    assert_non_null(d);
    bool found = false;
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            found = true;
    closedir(d);
    return found;
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

/* Opens a root file and a bundle file of the test directory with the core,
 * as a kiosk would. */
typedef struct {
    char *root_bytes, *bundle_bytes;
    tess_root root;
    tess_bundle bundle;
    uint32_t issuer_at[64];
} opened;

static tess_status open_bundle(cli *c, const char *root_name, const char *bundle_name,
                               opened *o)
{
    size_t rl, bl;
    memset(o, 0, sizeof *o);
    o->root_bytes = get_file(c, root_name, &rl);
    o->bundle_bytes = get_file(c, bundle_name, &bl);
    assert_non_null(o->root_bytes);
    assert_non_null(o->bundle_bytes);
    tess_span rf = {(const uint8_t *)o->root_bytes, rl};
    assert_int_equal(tess_root_parse(rf, &o->root), TESS_OK);
    size_t scratch_len = tess_bundle_scratch_size(bl);
    uint8_t *scratch = malloc(scratch_len);
    assert_non_null(scratch);
    tess_span bf = {(const uint8_t *)o->bundle_bytes, bl};
    tess_status st = tess_bundle_open(bf, &o->root, o->issuer_at, 64, scratch, scratch_len,
                                      &o->bundle);
    free(scratch);
    return st;
}

static bool span_is(tess_span s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

/* ---- the world: keys, a root of 2 of 3 keys, a bundle ---- */

/* Root keys r0 r1 r2 (threshold 2); issuer key `iss` (https://academy.
 * example, allowed FORK- and WELD-, key valid 2020..2030), key `other` in
 * no bundle; bundle.tb1 v1 revokes REVOKED_CTI and expires TK_NOW + 90 days.
 * Made with the command itself. */
static void make_world(cli *c)
{
    put_key(c, "iss", &c->iss);
    put_key(c, "other", &c->other);
    put_key(c, "r0", &c->root[0]);
    put_key(c, "r1", &c->root[1]);
    put_key(c, "r2", &c->root[2]);
    RUN(c, "root", "init", "--threshold", "2", "--key", "r0.pub", "--key", "r1.pub", "--key",
        "r2.pub", "--out", "root.cbor");
    EXPECT(c, 0, "wrote root.cbor: 2 of 3 root keys", NULL);
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r1", "--version",
        "1", "--issued-at", "@-3600", "--expires", "@7776000", "--publisher", "Test Fleet",
        "--issuer", "iss.pub", "--iss", TK_ISS, "--name", "Example Academy", "--not-before",
        "2020-01-01", "--not-after", "2030-01-01", "--allow", "FORK-", "--allow", "WELD-",
        "--revoke", REVOKED_CTI, "--out", "bundle.tb1");
    EXPECT(c, 0, "wrote bundle.tb1: version 1, 1 issuer, 1 revoked, 0 pathways, signed by 2 of 3 "
                 "root keys (threshold 2)", NULL);
}

/* Issues the typical credential (iat a day before TK_NOW, exp a year after)
 * with `extra` options appended (a later option wins) into c->text. */
static const char *issue_at(cli *c, int line, const char *const *extra)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    push_args(argv, &n,
              ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title", TITLE,
                   "--achievement", "FORK-L1", "--awarder", "Example Academy", "--iat", "@-86400",
                   "--exp", "@31536000", "--skill", SKILL1, "--skill", SKILL2, "--eqf", "4",
                   "--hours", "16", "--country", "ES"));
    push_args(argv, &n, extra);
    run_at(c, line, NULL, argv);
    expect_at(c, line, 0, "MC1:", NULL);
    size_t len = strcspn(c->r.out.p, "\n");
    if (len >= sizeof c->text || c->r.out.p[len] != '\n')
        failf(c, line, "issue should print one line of text");
    memcpy(c->text, c->r.out.p, len);
    c->text[len] = '\0';
    return c->text;
}
#define ISSUE(c, ...) issue_at((c), __LINE__, ARGS(__VA_ARGS__))
#define ISSUE_DEFAULT(c) issue_at((c), __LINE__, NULL)

/* verify --root root.cbor --bundle bundle.tb1 --at TK_NOW --json [extra] text;
 * returns the parsed JSON. */
static cJSON *verify_json_at(cli *c, int line, const char *text, const char *const *extra)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    push_args(argv, &n,
              ARGS("verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0", "--json"));
    push_args(argv, &n, extra);
    push_args(argv, &n, ARGS(text));
    run_at(c, line, NULL, argv);
    if (c->r.code != 0 && c->r.code != 1)
        failf(c, line, "verify should exit 0 or 1");
    return json_at(c, line);
}
#define VERIFY_JSON(c, text) verify_json_at((c), __LINE__, (text), NULL)
#define VERIFY_JSON_X(c, text, ...) verify_json_at((c), __LINE__, (text), ARGS(__VA_ARGS__))

/* The verdict of the last verify --json: exit code matches it, and the
 * credential is there exactly when the signature held. */
static void expect_verdict_at(cli *c, int line, const char *reason, bool has_cred)
{
    const cJSON *j = c->json ? c->json : json_at(c, line);
    bool valid = strcmp(reason, "valid") == 0;
    if (!jstr_is(j, "reason", reason))
        failf(c, line, "expected reason %s", reason);
    if (!jstr_is(j, "verdict", valid ? "valid" : "invalid"))
        failf(c, line, "expected verdict %s", valid ? "valid" : "invalid");
    if (c->r.code != (valid ? 0 : 1))
        failf(c, line, "expected exit %d for %s", valid ? 0 : 1, reason);
    if (!cJSON_IsArray(jget(j, "warnings")))
        failf(c, line, "warnings should be an array");
    const cJSON *cred = jget(j, "credential"), *is = jget(j, "issuer");
    if (has_cred && (!cJSON_IsObject(cred) || !cJSON_IsObject(is)))
        failf(c, line, "credential and issuer should be objects");
    if (!has_cred && (!cJSON_IsNull(cred) || !cJSON_IsNull(is)))
        failf(c, line, "credential and issuer should be null before the signature holds");
}
#define EXPECT_VERDICT(c, reason, has_cred) expect_verdict_at((c), __LINE__, (reason), (has_cred))

/* The credential's COSE bytes, decoded from MC1 text issued --no-compress. */
static size_t cose_of(const char *text, uint8_t *c, size_t cap)
{
    size_t len;
    assert_int_equal(strncmp(text, "MC1:", 4), 0);
    assert_int_equal(tess_b45_decode(text + 4, strlen(text + 4), c, cap, &len), TESS_OK);
    assert_int_not_equal(c[0], 0x78);
    return len;
}

static uint8_t *find_bytes(uint8_t *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
    cli *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    snprintf(c->dir, sizeof c->dir, "/tmp/tessera-cli-XXXXXX");
    if (!mkdtemp(c->dir)) {
        free(c);
        return -1;
    }
    tk_key_from_seed(&c->iss, 1);
    tk_key_from_seed(&c->other, 2);
    for (int i = 0; i < 3; i++)
        tk_key_from_seed(&c->root[i], (uint8_t)(10 + i));
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    cli *c = *state;
    remove_tree(c->dir);
    free(c->r.out.p);
    free(c->r.err.p);
    for (size_t i = 0; i < c->n_owned; i++)
        free(c->owned[i]);
    cJSON_Delete(c->json);
    free(c);
    return 0;
}

/* ==== keygen ==== */

static void keygen_creates_key_pair(void **state)
{
    cli *c = *state;
    RUN(c, "keygen", "--out", "issuer.key");
    EXPECT(c, 0, "secret key: issuer.key", NULL);
    EXPECT_OUT(c, "public key: issuer.key.pub");

    char p[512];
    struct stat st;
    path_of(c, "issuer.key", p, sizeof p);
    assert_int_equal(stat(p, &st), 0);
    CHECK(c, (st.st_mode & 07777) == 0600, "secret key mode is %o, not 600",
          (unsigned)(st.st_mode & 07777));

    size_t len;
    char *pub = get_file(c, "issuer.key.pub", &len);
    char *sec = get_file(c, "issuer.key", NULL);
    CHECK(c, pub && sec, "both files should exist");
    CHECK(c, len == 65 && pub[64] == '\n', "FILE.pub should be 64 hex digits and a newline");
    uint8_t pk[32], seed[32];
    pub[64] = '\0';
    CHECK(c, tk_unhex(pub, pk, 32) == 32 && strspn(pub, "0123456789abcdef") == 64,
          "FILE.pub is not lowercase hex: %s", pub);
    CHECK(c, strlen(sec) == 65 && sec[64] == '\n', "FILE should be 64 hex digits and a newline");
    sec[64] = '\0';
    CHECK(c, tk_unhex(sec, seed, 32) == 32, "FILE is not hex");

    /* The secret seed derives the public key that was written. */
    tk_key k;
    assert_int_equal(tess_ed25519_keypair(k.pk, k.sk, seed), TESS_OK);
    CHECK(c, memcmp(k.pk, pk, 32) == 0, "FILE.pub does not match the secret key in FILE");

    char line[128], kid[17];
    snprintf(line, sizeof line, "public key (hex): %s\n", pub);
    EXPECT_OUT(c, line);
    kid_hex(&k, kid);
    snprintf(line, sizeof line, "kid: %s\n", kid);
    EXPECT_OUT(c, line);
    CHECK(c, strstr(c->r.out.p, sec) == NULL, "the secret key must not be printed");

    /* A second key pair is a different one. */
    RUN(c, "keygen", "--out=second.key");
    EXPECT(c, 0, "kid: ", NULL);
    CHECK(c, strstr(c->r.out.p, kid) == NULL, "two keygens gave the same kid");
}

static void keygen_refuses_to_overwrite(void **state)
{
    cli *c = *state;
    static const struct {
        const char *existing; /* the file already there */
        const char *absent;   /* the file that must not appear */
    } cases[] = {
        {"k", "k.pub"},
        {"k.pub", "k"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].existing;
        remove_tree(c->dir);
        assert_int_equal(mkdir(c->dir, 0700), 0);
        put_file(c, cases[i].existing, "keep me\n", 8, 0600);
        RUN(c, "keygen", "--out", "k");
        EXPECT(c, 2, NULL, "already exists");
        EXPECT_ERR(c, cases[i].existing);
        char *kept = get_file(c, cases[i].existing, NULL);
        CHECK(c, kept && strcmp(kept, "keep me\n") == 0, "%s was changed", cases[i].existing);
        CHECK(c, !exists(c, cases[i].absent), "%s should not be left behind", cases[i].absent);
        CHECK(c, strstr(c->r.out.p, "kid:") == NULL, "no key should be announced");
    }
}

static void keygen_usage(void **state)
{
    cli *c = *state;
    RUN(c, "keygen");
    EXPECT(c, 2, NULL, "--out");
    CHECK(c, c->r.out.len == 0, "nothing on stdout");
    RUN(c, "keygen", "--out");
    EXPECT(c, 2, NULL, "--out needs a value");
    RUN(c, "keygen", "--out", "k", "--bits", "4096");
    EXPECT(c, 2, NULL, "unknown argument '--bits'");
    CHECK(c, !exists(c, "k") && !exists(c, "k.pub"), "no key on a usage error");
    RUN(c, "keygen", "--out", "no/such/dir/k");
    EXPECT(c, 2, NULL, "no/such/dir/k");
}

/* ==== root init ==== */

static void root_init_writes_root(void **state)
{
    cli *c = *state;
    put_key(c, "r0", &c->root[0]);
    put_key(c, "r1", &c->root[1]);
    char hex2[65];
    hex_of(c->root[2].pk, 32, hex2);
    /* A key as a file or as 64 hex digits on the command line. */
    RUN(c, "root", "init", "--threshold", "2", "--key", "r0.pub", "--key", "r1.pub", "--key", hex2,
        "--out", "root.cbor");
    EXPECT(c, 0, "wrote root.cbor: 2 of 3 root keys must sign every bundle", NULL);
    size_t len;
    char *file = get_file(c, "root.cbor", &len);
    assert_non_null(file);
    tess_root root;
    tess_span s = {(const uint8_t *)file, len};
    assert_int_equal(tess_root_parse(s, &root), TESS_OK);
    assert_int_equal(root.threshold, 2);
    assert_int_equal(root.n_keys, 3);
    for (int i = 0; i < 3; i++)
        assert_memory_equal(root.keys[i], c->root[i].pk, 32);

    RUN(c, "root", "init", "--threshold", "1", "--key", "r0.pub", "--out", "one.cbor");
    EXPECT(c, 0, "1 of 1 root keys", NULL);
    file = get_file(c, "one.cbor", &len);
    assert_non_null(file);
    tess_span s1 = {(const uint8_t *)file, len};
    assert_int_equal(tess_root_parse(s1, &root), TESS_OK);
    assert_int_equal(root.threshold, 1);
    assert_int_equal(root.n_keys, 1);
}

static void root_init_refusals(void **state)
{
    cli *c = *state;
    put_key(c, "r0", &c->root[0]);
    put_key(c, "r1", &c->root[1]);
    put_file(c, "junk.pub", "not a key\n", 10, 0644);
    static char hex0[65];
    hex_of(c->root[0].pk, 32, hex0);
    const struct {
        const char *name;
        const char *args[16];
        const char *err;
    } cases[] = {
        {"threshold above keys",
         {"--threshold", "3", "--key", "r0.pub", "--key", "r1.pub"},
         "--threshold 3 is more than the 2 keys given"},
        {"same key twice", {"--threshold", "1", "--key", "r0.pub", "--key", "r0.pub"}, "twice"},
        {"same key as file and hex", {"--threshold", "1", "--key", "r0.pub", "--key", hex0}, "twice"},
        {"threshold 0", {"--threshold", "0", "--key", "r0.pub"}, "--threshold"},
        {"threshold not a number", {"--threshold", "two", "--key", "r0.pub"}, "'two'"},
        {"no key", {"--threshold", "1"}, "--key"},
        {"no threshold", {"--key", "r0.pub"}, "--threshold"},
        {"missing key file", {"--threshold", "1", "--key", "nope.pub"}, "nope.pub"},
        {"not a key", {"--threshold", "1", "--key", "junk.pub"}, "junk.pub: not a public key"},
        {"unknown option", {"--threshold", "1", "--key", "r0.pub", "--force"}, "'--force'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        const char *argv[MAX_ARGS];
        size_t n = 0;
        push_args(argv, &n, ARGS("root", "init"));
        push_args(argv, &n, cases[i].args);
        push_args(argv, &n, ARGS("--out", "root.cbor"));
        RUNV(c, NULL, argv);
        EXPECT(c, 2, NULL, cases[i].err);
        CHECK(c, !exists(c, "root.cbor"), "no root file on a refusal");
    }
    c->label = NULL;
    RUN(c, "root", "create", "--threshold", "1");
    EXPECT(c, 2, NULL, "init");
    RUN(c, "root");
    EXPECT(c, 2, NULL, "init");
}

/* ==== bundle create ==== */

static void bundle_create_with_options(void **state)
{
    cli *c = *state;
    make_world(c);
    opened o;
    assert_int_equal(open_bundle(c, "root.cbor", "bundle.tb1", &o), TESS_OK);
    tess_bundle *b = &o.bundle;
    assert_int_equal(b->version, 1);
    assert_int_equal(b->issued_at, TK_NOW - 3600);
    assert_int_equal(b->expires, TK_NOW + 90u * DAY);
    assert_true(span_is(b->publisher, "Test Fleet"));
    assert_int_equal(b->n_issuers, 1);
    assert_int_equal(b->n_root_signed, 2);
    assert_int_equal(b->n_revoked, 1);
    uint8_t cti[16], kid[8];
    assert_int_equal(tk_unhex(REVOKED_CTI, cti, 16), 16);
    assert_true(tess_bundle_is_revoked(b, cti));
    cti[15] ^= 1;
    assert_false(tess_bundle_is_revoked(b, cti));
    tess_issuer is;
    tess_kid_of(kid, c->iss.pk);
    assert_true(tess_bundle_find_issuer(b, kid, &is));
    assert_memory_equal(is.pk, c->iss.pk, 32);
    assert_true(span_is(is.iss, TK_ISS));
    assert_true(span_is(is.name, "Example Academy"));
    assert_int_equal(is.not_before, NB_2020);
    assert_int_equal(is.not_after, NA_2030);
    assert_false(is.any_achievement);
    assert_int_equal(is.n_allowed, 2);
    tess_span fork = {(const uint8_t *)"FORK-L2", 7}, crane = {(const uint8_t *)"CRANE-1", 7};
    assert_true(tess_issuer_allows(&is, fork));
    assert_false(tess_issuer_allows(&is, crane));
    tess_kid_of(kid, c->other.pk);
    assert_false(tess_bundle_find_issuer(b, kid, &is));

    /* Also with --key=value spelling and a date-time for --expires; a
     * root file of 1 key then opens it with threshold 1. */
    RUN(c, "root", "init", "--threshold", "1", "--key", "r2.pub", "--out", "solo.cbor");
    EXPECT(c, 0, NULL, NULL);
    RUN(c, "bundle", "create", "--root=solo.cbor", "--sign=r2", "--version=3",
        "--expires=2026-03-01T12:00:00Z", "--out=solo.tb1");
    EXPECT(c, 0, "wrote solo.tb1: version 3, 0 issuers, 0 revoked", NULL);
    assert_int_equal(open_bundle(c, "solo.cbor", "solo.tb1", &o), TESS_OK);
    assert_int_equal(o.bundle.expires, 1772366400u);
    assert_int_equal(o.bundle.n_issuers, 0);
}

static void bundle_create_with_manifest(void **state)
{
    cli *c = *state;
    make_world(c);
    char p[512];
    path_of(c, "fleet", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    path_of(c, "fleet/keys", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    put_key(c, "fleet/keys/academy", &c->iss);
    put_key(c, "fleet/keys/college", &c->other);
    /* Issuers and revocations deliberately out of order; CRLF and trailing
     * blanks as an editor on another system leaves them. */
    static const char manifest[] =
        "# the test fleet's trust, version 7\n"
        "version 7\n"
        "issued_at 2025-12-31\n"
        "expires 2026-04-01\r\n"
        "publisher Test Fleet Board\n"
        "\n"
        "issuer keys/college.pub\n"
        "iss https://college.example\n"
        "name Example College   \n"
        "\n"
        "issuer keys/academy.pub\n"
        "  iss " TK_ISS "\n"
        "  name Example Academy\n"
        "  not_before 2020-01-01\n"
        "  not_after 2030-01-01\r\n"
        "  allow FORK-\n"
        "  allow WELD-\n"
        "\n"
        "revoke ffffffffffffffffffffffffffffffff\n"
        "revoke " REVOKED_CTI "\n"
        "revoke 00000000000000000000000000000001\n"
        "\n"
        "pathway warehouse-ready\n"
        "  title Warehouse Ready\n"
        "  require " TK_ISS " FORK-L1\n"
        "  require https://college.example SAFE-1\n"
        "  require https://college.example FIRST-AID\n"
        "  need 2\n"
        "pathway all-of-it\n"
        "  title Everything\n"
        "  require " TK_ISS " WELD-1\n";
    put_file(c, "fleet/trust.manifest", manifest, sizeof manifest - 1, 0644);
    /* Run from the test directory: keys/... resolve against fleet/. */
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r2", "--manifest",
        "fleet/trust.manifest", "--out", "fleet.tb1");
    EXPECT(c, 0, "wrote fleet.tb1: version 7, 2 issuers, 3 revoked, 2 pathways, signed by 2 of 3", NULL);

    opened o;
    assert_int_equal(open_bundle(c, "root.cbor", "fleet.tb1", &o), TESS_OK);
    tess_bundle *b = &o.bundle;
    assert_int_equal(b->version, 7);
    assert_int_equal(b->issued_at, TK_NOW - DAY);
    assert_int_equal(b->expires, 1775001600u);
    assert_true(span_is(b->publisher, "Test Fleet Board"));
    assert_int_equal(b->n_issuers, 2);
    assert_int_equal(b->n_revoked, 3);
    uint8_t cti[16], kid[8];
    assert_int_equal(tk_unhex(REVOKED_CTI, cti, 16), 16);
    assert_true(tess_bundle_is_revoked(b, cti));
    memset(cti, 0xff, 16);
    assert_true(tess_bundle_is_revoked(b, cti));
    tess_issuer is;
    tess_kid_of(kid, c->other.pk);
    assert_true(tess_bundle_find_issuer(b, kid, &is));
    assert_true(span_is(is.iss, "https://college.example"));
    assert_true(span_is(is.name, "Example College"));
    assert_true(is.any_achievement);
    tess_kid_of(kid, c->iss.pk);
    assert_true(tess_bundle_find_issuer(b, kid, &is));
    assert_true(span_is(is.name, "Example Academy"));
    assert_int_equal(is.not_before, NB_2020);
    assert_int_equal(is.not_after, NA_2030);
    assert_int_equal(is.n_allowed, 2);
    assert_int_equal(b->n_pathways, 2);
    tess_pathway pw;
    bool seen_ready = false, seen_all = false;
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(tess_bundle_pathway_at(b, i, &pw), TESS_OK);
        if (span_is(pw.id, "warehouse-ready")) {
            seen_ready = true;
            assert_true(span_is(pw.title, "Warehouse Ready"));
            assert_int_equal(pw.n_requirements, 3);
            assert_int_equal(pw.needed, 2);
        } else if (span_is(pw.id, "all-of-it")) {
            seen_all = true;
            assert_true(span_is(pw.title, "Everything"));
            assert_int_equal(pw.n_requirements, 1);
            assert_int_equal(pw.needed, 1); /* need absent: all of them */
        }
    }
    assert_true(seen_ready && seen_all);

    /* The manifest's bundle verifies what it says. */
    ISSUE(c, "--key", "other", "--iss", "https://college.example", "--achievement", "SAFE-1");
    VERIFY_JSON_X(c, c->text, "--bundle", "fleet.tb1");
    EXPECT_VERDICT(c, "valid", true);
    CHECK(c, jstr_is(jget(c->json, "issuer"), "name", "Example College"), "issuer name");
    ISSUE(c, "--achievement", "CRANE-1");
    VERIFY_JSON_X(c, c->text, "--bundle", "fleet.tb1");
    EXPECT_VERDICT(c, "out_of_scope", true);
    ISSUE(c, "--cti", "ffffffffffffffffffffffffffffffff");
    VERIFY_JSON_X(c, c->text, "--bundle", "fleet.tb1");
    EXPECT_VERDICT(c, "revoked", true);
}

static void bundle_create_manifest_errors(void **state)
{
    cli *c = *state;
    make_world(c);
    char p[512];
    path_of(c, "m", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    put_key(c, "m/academy", &c->iss);
    const struct {
        const char *name;
        const char *manifest;
        const char *err;
    } cases[] = {
        {"unknown setting", "version 2\nexpires 2027-01-01\ncolour blue\n",
         "m/bad.manifest:3: unknown setting 'colour'"},
        {"iss before issuer", "version 2\nexpires 2027-01-01\niss " TK_ISS "\n",
         "m/bad.manifest:3: iss must follow an issuer"},
        {"key path relative to the manifest", "version 2\nexpires 2027-01-01\nissuer iss.pub\n",
         "m/iss.pub"},
        {"bad revoke", "version 2\nexpires 2027-01-01\nrevoke 1234\n", "32 hex digits"},
        {"bad time", "version 2\nexpires soon\n", "m/bad.manifest:2: expires: 'soon'"},
        {"issuer without name",
         "version 2\nexpires 2027-01-01\nissuer academy.pub\niss " TK_ISS "\n", "needs both"},
        {"pathway needs more than it lists",
         "version 2\nexpires 2027-01-01\npathway p\ntitle P\nrequire " TK_ISS " FORK-L1\nneed 2\n",
         "cannot need more"},
        {"require without achievement",
         "version 2\nexpires 2027-01-01\npathway p\ntitle P\nrequire " TK_ISS "\n",
         "ISS ACHIEVEMENT"},
        {"no version", "expires 2027-01-01\n", "version"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        put_file(c, "m/bad.manifest", cases[i].manifest, strlen(cases[i].manifest), 0644);
        RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r1",
            "--manifest", "m/bad.manifest", "--out", "bad.tb1");
        EXPECT(c, 2, NULL, cases[i].err);
        CHECK(c, !exists(c, "bad.tb1"), "no bundle on an error");
    }
    c->label = NULL;
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r1",
        "--manifest", "m/none.manifest", "--out", "bad.tb1");
    EXPECT(c, 2, NULL, "m/none.manifest");
}

static void bundle_create_below_threshold(void **state)
{
    cli *c = *state;
    make_world(c);
    const struct {
        const char *name;
        const char *sign[6];
        const char *err;
    } cases[] = {
        {"one root key", {"--sign", "r0"},
         "not signed by 2 of the 3 root keys (threshold): it carries 1 signature, 1 of them valid"},
        {"a root key and a stranger", {"--sign", "r2", "--sign", "other"},
         "not signed by 2 of the 3 root keys (threshold): it carries 2 signatures, 1 of them valid"},
        {"one root key twice", {"--sign", "r1", "--sign", "r1"},
         "not signed by 2 of the 3 root keys (threshold): it carries 2 signatures, 1 of them valid"},
        {"no root key", {"--sign", "iss"},
         "not signed by 2 of the 3 root keys (threshold): it carries 1 signature, 0 of them valid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        const char *argv[MAX_ARGS];
        size_t n = 0;
        push_args(argv, &n, ARGS("bundle", "create", "--root", "root.cbor", "--version", "2",
                                 "--expires", "2027-01-01", "--issuer", "iss.pub", "--iss", TK_ISS,
                                 "--name", "Example Academy"));
        push_args(argv, &n, cases[i].sign);
        push_args(argv, &n, ARGS("--out", "refused.tb1"));
        RUNV(c, NULL, argv);
        EXPECT(c, 2, NULL, cases[i].err);
        EXPECT_ERR(c, "refused.tb1");
        CHECK(c, !any_file_starting(c, "refused.tb1"), "a refused bundle left a file");
    }
    c->label = NULL;
    RUN(c, "bundle", "create", "--root", "root.cbor", "--version", "2", "--expires", "2027-01-01",
        "--out", "x.tb1");
    EXPECT(c, 2, NULL, "--sign");
    RUN(c, "bundle", "create", "--sign", "r0", "--version", "2", "--expires", "2027-01-01",
        "--out", "x.tb1");
    EXPECT(c, 2, NULL, "--root");
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r1", "--expires",
        "2027-01-01", "--out", "x.tb1");
    EXPECT(c, 2, NULL, "version");
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--sign", "r1", "--version",
        "2", "--expires", "2027-01-01", "--issuer", "iss.pub", "--iss", TK_ISS, "--name", "A",
        "--issuer", "iss.pub", "--iss", TK_ISS, "--name", "B", "--out", "x.tb1");
    EXPECT(c, 2, NULL, "twice");
    RUN(c, "bundle", "sign");
    EXPECT(c, 2, NULL, "create");
    CHECK(c, !any_file_starting(c, "x.tb1"), "no bundle on an error");
}

/* A bundle the kiosks would refuse must not cost the operator the good
 * bundle already at --out ("checks it against ROOT before writing"). */
static void bundle_create_refused_keeps_existing(void **state)
{
    cli *c = *state;
    make_world(c);
    size_t before_len, after_len;
    char *before = get_file(c, "bundle.tb1", &before_len);
    assert_non_null(before);
    RUN(c, "bundle", "create", "--root", "root.cbor", "--sign", "r0", "--version", "2",
        "--expires", "2027-01-01", "--out", "bundle.tb1");
    EXPECT(c, 2, NULL, "not signed by 2 of the 3 root keys");
    char *after = get_file(c, "bundle.tb1", &after_len);
    CHECK(c, after != NULL, "the existing bundle.tb1 was deleted by a refused bundle create");
    CHECK(c, after_len == before_len && memcmp(before, after, before_len) == 0,
          "the existing bundle.tb1 was changed by a refused bundle create");
}

/* ==== issue and verify ==== */

static void issue_verify_round_trip(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "2026-01-01", text);
    EXPECT(c, 0, "VALID", NULL);
    EXPECT_OUT(c, "holder:       " HOLDER "\n");
    EXPECT_OUT(c, "title:        " TITLE "\n");
    EXPECT_OUT(c, "Example Academy <" TK_ISS ">");
    EXPECT_OUT(c, SKILL2);
    CHECK(c, strstr(c->r.out.p, "INVALID") == NULL && strstr(c->r.out.p, "warning") == NULL,
          "a valid verdict without warnings");
    CHECK(c, c->r.err.len == 0, "nothing on stderr");

    /* The real clock (no --at): issued a day before 2026, it expires in
     * 2027; a key valid until 2030. Only checked to be a verdict. */
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", text);
    CHECK(c, c->r.code == 0 || c->r.code == 1, "a verdict at the real time");

    /* Same credential with the time as a date-time and seconds. */
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at",
        "2026-01-01T00:00:00Z", "--json", text);
    EXPECT(c, 0, NULL, NULL);
    CHECK(c, jnum_is(JSON(c), "judged_at", TK_NOW), "judged_at should be TK_NOW");

    /* A text the issuer compressed verifies too. */
    ISSUE(c, COMPRESSIBLE);
    RUN(c, "inspect", c->text);
    CHECK(c, cJSON_IsTrue(jget(jget(JSON(c), "zlib"), "compressed")), "should be compressed");
    VERIFY_JSON(c, c->text);
    EXPECT_VERDICT(c, "valid", true);

    /* Uncompressed text verifies too, and issue --qr adds a QR code. */
    ISSUE(c, "--no-compress", "--qr");
    EXPECT_OUT(c, "\xe2\x96\x88");
    strcpy(text, c->text);
    VERIFY_JSON(c, text);
    EXPECT_VERDICT(c, "valid", true);
}

static void verify_json_fields(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE(c, "--sub", "learner-0042", "--nbf", "@-3600", "--cti", OTHER_CTI, "--type", "badge",
          "--skill", "x:forklift-basics", "--eqf", "5", "--hours", "40", "--assessment",
          "practical demonstration", "--participation", "blended", "--qa", "ISO 21001",
          "--stack", "warehouse-ready", "--stack", "logistics", "--lang", "es");
    cJSON *j = VERIFY_JSON(c, c->text);
    EXPECT_VERDICT(c, "valid", true);
    CHECK(c, cJSON_GetArraySize(jget(j, "warnings")) == 0, "no warnings");
    CHECK(c, jnum_is(j, "judged_at", TK_NOW), "judged_at");
    const cJSON *cr = jget(j, "credential");
    CHECK(c, jstr_is(cr, "iss", TK_ISS), "iss");
    CHECK(c, jstr_is(cr, "sub", "learner-0042"), "sub");
    CHECK(c, jnum_is(cr, "iat", TK_NOW - DAY), "iat");
    CHECK(c, jnum_is(cr, "nbf", TK_NOW - 3600), "nbf");
    CHECK(c, jnum_is(cr, "exp", TK_NOW + 365.0 * DAY), "exp");
    CHECK(c, jstr_is(cr, "cti", OTHER_CTI), "cti");
    CHECK(c, jnum_is(cr, "version", 1), "version");
    CHECK(c, jstr_is(cr, "holder", HOLDER), "holder");
    CHECK(c, jstr_is(cr, "title", TITLE), "title");
    CHECK(c, jstr_is(cr, "achievement", "FORK-L1"), "achievement");
    CHECK(c, jnum_is(cr, "type", 1) && jstr_is(cr, "type_name", "Badge"), "type");
    CHECK(c, jstr_is(cr, "awarder", "Example Academy"), "awarder");
    CHECK(c, jstr_is(cr, "country", "ES"), "country");
    CHECK(c, jnum_is(cr, "eqf", 5), "eqf");
    CHECK(c, jnum_is(cr, "workload", 40), "workload");
    CHECK(c, jnum_is(cr, "assessment", 4), "assessment");
    CHECK(c, jnum_is(cr, "participation", 2), "participation");
    CHECK(c, jstr_is(cr, "qa", "ISO 21001"), "qa");
    CHECK(c, jstr_is(cr, "lang", "es"), "lang");
    const cJSON *skills = jget(cr, "skills");
    static const char *const want_skills[] = {SKILL1, SKILL2, "x:forklift-basics"};
    CHECK(c, cJSON_IsArray(skills) && cJSON_GetArraySize(skills) == 3, "three skills");
    for (int i = 0; i < 3; i++) {
        const cJSON *s = cJSON_GetArrayItem(skills, i);
        CHECK(c, cJSON_IsString(s) && strcmp(s->valuestring, want_skills[i]) == 0, "skill %d", i);
    }
    const cJSON *stacks = jget(cr, "stacks");
    CHECK(c, cJSON_IsArray(stacks) && cJSON_GetArraySize(stacks) == 2 &&
                 strcmp(cJSON_GetArrayItem(stacks, 1)->valuestring, "logistics") == 0,
          "stacks");
    const cJSON *is = jget(j, "issuer");
    char kid[17], pk[65];
    kid_hex(&c->iss, kid);
    hex_of(c->iss.pk, 32, pk);
    CHECK(c, jstr_is(is, "kid", kid), "issuer kid should be %s", kid);
    CHECK(c, jstr_is(is, "public_key", pk), "issuer public key");
    CHECK(c, jstr_is(is, "iss", TK_ISS) && jstr_is(is, "name", "Example Academy"), "issuer");
    CHECK(c, jnum_is(is, "not_before", NB_2020) && jnum_is(is, "not_after", NA_2030), "key validity");
    const cJSON *allowed = jget(is, "allowed");
    CHECK(c, cJSON_IsArray(allowed) && cJSON_GetArraySize(allowed) == 2 &&
                 strcmp(cJSON_GetArrayItem(allowed, 0)->valuestring, "FORK-") == 0,
          "allowed prefixes");

    /* Texts that JSON must escape come back byte for byte. */
    static const char odd[] = "Zo\xc3\xab \"Z\" O'Brien\\ \t\x01 \xe6\x97\xa5\xe6\x9c\xac </script>";
    ISSUE(c, "--holder", odd, "--title", "Line one\nline two");
    j = VERIFY_JSON(c, c->text);
    EXPECT_VERDICT(c, "valid", true);
    CHECK(c, jstr_is(jget(j, "credential"), "holder", odd), "holder with quotes and controls");
    CHECK(c, jstr_is(jget(j, "credential"), "title", "Line one\nline two"), "title with a newline");
    RUN(c, "inspect", c->text);
    EXPECT(c, 0, NULL, NULL);
    CHECK(c, jstr_is(jget(jget(JSON(c), "claims"), "credential"), "holder", odd), "inspect holder");

    /* A minimal credential: the optional fields are absent, not empty. */
    RUN(c, "issue", "--key", "iss", "--iss", TK_ISS, "--holder", "Ana", "--title", "T",
        "--achievement", "FORK-0", "--awarder", "A", "--iat", "@0", "--type", "99");
    EXPECT(c, 0, "MC1:", NULL);
    char text[8192];
    snprintf(text, sizeof text, "%.*s", (int)strcspn(c->r.out.p, "\n"), c->r.out.p);
    j = VERIFY_JSON(c, text);
    EXPECT_VERDICT(c, "valid", true);
    cr = jget(j, "credential");
    static const char *const absent[] = {"sub", "nbf", "exp", "country", "skills", "eqf",
                                         "workload", "assessment", "qa", "stacks", "lang"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        CHECK(c, jget(cr, absent[i]) == NULL, "%s should be absent", absent[i]);
    CHECK(c, jnum_is(cr, "type", 99) && jstr_is(cr, "type_name", "other"),
          "an unknown type shows as other");
}

/* The credential is in the JSON exactly when the signature held. */
static void verify_json_credential_after_signature(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE(c, "--no-compress");
    uint8_t cose[4096];
    size_t len = cose_of(c->text, cose, sizeof cose);
    uint8_t *at = find_bytes(cose, len, HOLDER);
    assert_non_null(at);
    at[4] = 'o'; /* Maria -> Mario, in the signed payload */
    char tampered[8192];
    tk_text_of(cose, len, TESS_ZLIB_NEVER, tampered);

    VERIFY_JSON(c, tampered);
    EXPECT_VERDICT(c, "bad_signature", false);
    CHECK(c, strstr(c->r.out.p, "Mario") == NULL && strstr(c->r.out.p, "Maria") == NULL,
          "an unsigned holder must not be shown");
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0", tampered);
    EXPECT(c, 1, "INVALID (bad_signature)", NULL);
    CHECK(c, strstr(c->r.out.p, "Mario") == NULL, "an unsigned holder must not be shown");

    VERIFY_JSON(c, "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH");
    EXPECT_VERDICT(c, "not_mc1", false);
    CHECK(c, cJSON_GetArraySize(jget(c->json, "warnings")) == 0, "no warnings");

    ISSUE(c, "--key", "other");
    VERIFY_JSON(c, c->text);
    EXPECT_VERDICT(c, "unknown_issuer", false);

    ISSUE(c, "--exp", "@-3600");
    VERIFY_JSON(c, c->text);
    EXPECT_VERDICT(c, "expired", true);
    CHECK(c, jstr_is(jget(c->json, "credential"), "holder", HOLDER), "expired still shows the holder");
    CHECK(c, jnum_is(jget(c->json, "credential"), "exp", TK_NOW - 3600), "and its exp");
}

/* One row: what to issue (appended to the typical credential), how to
 * verify (appended after --at TK_NOW), and the verdict. */
typedef struct {
    const char *name;
    const char *issue[8];
    const char *verify[6];
    const char *reason;
    const char *warning; /* expected in warnings, or NULL for none */
} verdict_case;

static const verdict_case verdict_cases[] = {
    {"typical", {NULL}, {NULL}, "valid", NULL},
    /* expiry: exp > now - skew, skew 300 by default */
    {"expired an hour ago", {"--exp", "@-3600"}, {NULL}, "expired", NULL},
    {"exp = now - skew", {"--exp", "@-300"}, {NULL}, "expired", NULL},
    {"exp = now - skew + 1", {"--exp", "@-299"}, {NULL}, "valid", NULL},
    {"exp = now, skew 0", {"--exp", "@0"}, {"--skew", "0"}, "expired", NULL},
    {"exp = now + 1, skew 0", {"--exp", "@1"}, {"--skew", "0"}, "valid", NULL},
    {"exp = now - 60, skew 60", {"--exp", "@-60"}, {"--skew", "60"}, "expired", NULL},
    {"exp = now - 59, skew 60", {"--exp", "@-59"}, {"--skew", "60"}, "valid", NULL},
    {"--at after exp", {NULL}, {"--at", "2027-06-01"}, "expired", "trust_stale"},
    /* not before: nbf <= now + skew */
    {"nbf tomorrow", {"--nbf", "@86400"}, {NULL}, "not_yet_valid", NULL},
    {"nbf = now + skew + 1", {"--nbf", "@301"}, {NULL}, "not_yet_valid", NULL},
    {"nbf = now + skew", {"--nbf", "@300"}, {NULL}, "valid", NULL},
    {"nbf = now + 1, skew 0", {"--nbf", "@1"}, {"--skew", "0"}, "not_yet_valid", NULL},
    {"nbf = now, skew 0", {"--nbf", "@0"}, {"--skew", "0"}, "valid", NULL},
    {"--at before nbf", {"--nbf", "2026-02-01"}, {"--at", "2026-01-15"}, "not_yet_valid", NULL},
    /* revocation */
    {"revoked cti", {"--cti", REVOKED_CTI}, {NULL}, "revoked", NULL},
    {"neighbouring cti", {"--cti", OTHER_CTI}, {NULL}, "valid", NULL},
    {"revoked and expired: time first", {"--cti", REVOKED_CTI, "--exp", "@-3600"}, {NULL},
     "expired", NULL},
    /* who signed and for what */
    {"key not in the bundle", {"--key", "other"}, {NULL}, "unknown_issuer", NULL},
    {"iss differs", {"--iss", "https://evil.example"}, {NULL}, "issuer_mismatch", NULL},
    {"iss with a trailing slash", {"--iss", TK_ISS "/"}, {NULL}, "issuer_mismatch", NULL},
    {"achievement outside the prefixes", {"--achievement", "CRANE-1"}, {NULL}, "out_of_scope", NULL},
    {"achievement shorter than the prefix", {"--achievement", "FORK"}, {NULL}, "out_of_scope", NULL},
    {"prefix in another case", {"--achievement", "fork-l1"}, {NULL}, "out_of_scope", NULL},
    {"second prefix", {"--achievement", "WELD-2"}, {NULL}, "valid", NULL},
    {"out of scope before expired", {"--achievement", "CRANE-1", "--exp", "@-3600"}, {NULL},
     "out_of_scope", NULL},
    /* the issuer key's validity, against iat */
    {"iat before not_before", {"--iat", "1577836799"}, {NULL}, "key_not_valid", NULL},
    {"iat = not_before", {"--iat", "1577836800"}, {NULL}, "valid", NULL},
    {"iat = not_after", {"--iat", "1893456000"}, {NULL}, "valid", NULL},
    {"iat after not_after", {"--iat", "1893456001"}, {NULL}, "key_not_valid", NULL},
    /* the bundle's expiry: a warning, never a verdict */
    {"bundle expires = now", {NULL}, {"--at", "@7776000"}, "valid", NULL},
    {"bundle expired a second ago", {NULL}, {"--at", "@7776001"}, "valid", "trust_stale"},
    {"stale and revoked", {"--cti", REVOKED_CTI}, {"--at", "@8640000"}, "revoked", "trust_stale"},
    {"the end of time", {NULL}, {"--at", "18446744073709551615"}, "expired", "trust_stale"},
    {"exp at the end of time", {"--exp", "18446744073709551615"}, {"--at", "18446744073709551614"},
     "valid", "trust_stale"},
    {"largest skew", {"--exp", "@-31535999"}, {"--skew", "31536000"}, "valid", NULL},
};

static bool reason_has_cred(const char *reason)
{
    static const char *const before[] = {"not_mc1", "bad_base45", "bad_compression", "too_large",
                                         "bad_cose", "bad_alg", "unknown_issuer", "bad_signature",
                                         "bad_claims"};
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
        if (strcmp(reason, before[i]) == 0)
            return false;
    return true;
}

static void verify_reasons(void **state)
{
    cli *c = *state;
    make_world(c);
    for (size_t i = 0; i < sizeof verdict_cases / sizeof verdict_cases[0]; i++) {
        const verdict_case *vc = &verdict_cases[i];
        c->label = vc->name;
        issue_at(c, __LINE__, vc->issue);
        char text[8192];
        strcpy(text, c->text);
        cJSON *j = verify_json_at(c, __LINE__, text, vc->verify);
        EXPECT_VERDICT(c, vc->reason, reason_has_cred(vc->reason));
        int n_warn = cJSON_GetArraySize(jget(j, "warnings"));
        if (vc->warning)
            CHECK(c, n_warn == 1 && has_warning(j, vc->warning), "expected warning %s", vc->warning);
        else
            CHECK(c, n_warn == 0, "expected no warnings");
        if (reason_has_cred(vc->reason))
            CHECK(c, jstr_is(jget(j, "credential"), "holder", HOLDER), "holder shown");

        /* The human form agrees, with the same exit code. */
        const char *argv[MAX_ARGS];
        size_t n = 0;
        push_args(argv, &n, ARGS("verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0"));
        push_args(argv, &n, vc->verify);
        push_args(argv, &n, ARGS(text));
        RUNV(c, NULL, argv);
        char line[128];
        if (strcmp(vc->reason, "valid") == 0)
            snprintf(line, sizeof line, "VALID: ");
        else
            snprintf(line, sizeof line, "INVALID (%s): ", vc->reason);
        EXPECT(c, strcmp(vc->reason, "valid") == 0 ? 0 : 1, line, NULL);
        CHECK(c, strncmp(c->r.out.p, line, strlen(line)) == 0, "the verdict comes first");
        if (vc->warning)
            EXPECT_OUT(c, vc->warning);
    }
}

/* Texts that fail before any key is looked up. */
static void verify_transport_reasons(void **state)
{
    cli *c = *state;
    make_world(c);
    /* A real zlib stream of a good credential, then cut, then with a
     * byte after its end: both bad_compression. */
    ISSUE(c, "--no-compress");
    uint8_t cose[4096], z[4200];
    size_t cose_len = cose_of(c->text, cose, sizeof cose), z_len, n;
    assert_int_equal(tess_deflate(cose, cose_len, z, sizeof z - 1, &z_len), TESS_OK);
    static char zlib_cut[8192] = "MC1:", zlib_trailing[8192] = "MC1:", zlib_whole[8192] = "MC1:";
    assert_int_equal(tess_b45_encode(z, z_len, zlib_whole + 4, 8000, &n), TESS_OK);
    zlib_whole[4 + n] = '\0';
    assert_int_equal(tess_b45_encode(z, z_len - 4, zlib_cut + 4, 8000, &n), TESS_OK);
    zlib_cut[4 + n] = '\0';
    z[z_len] = 0;
    assert_int_equal(tess_b45_encode(z, z_len + 1, zlib_trailing + 4, 8000, &n), TESS_OK);
    zlib_trailing[4 + n] = '\0';
    static char big[6000];
    memset(big, 'A', sizeof big - 1);
    memcpy(big, "MC1:", 4);
    const struct {
        const char *name, *text, *reason;
    } cases[] = {
        {"other prefix", "HC1:6BFOXN%TS3DH", "not_mc1"},
        {"no prefix", "hello", "not_mc1"},
        {"empty", "", "not_mc1"},
        {"prefix without colon", "MC16BFOXN", "not_mc1"},
        {"lowercase Base45", "MC1:abc", "bad_base45"},
        {"one dangling character", "MC1:ABCD", "bad_base45"},
        {"outside the alphabet", "MC1:AB#", "bad_base45"},
        {"group over 65535", "MC1:GGW", "bad_base45"},
        {"zlib stream without its checksum", zlib_cut, "bad_compression"},
        {"a byte after the zlib stream", zlib_trailing, "bad_compression"},
        {"too long for a QR code", big, "too_large"},
        {"nothing after the prefix", "MC1:", "bad_cose"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        VERIFY_JSON(c, cases[i].text);
        EXPECT_VERDICT(c, cases[i].reason, false);
    }
    c->label = "the same zlib stream whole";
    VERIFY_JSON(c, zlib_whole);
    EXPECT_VERDICT(c, "valid", true);
}

static void verify_stdin(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char input[16500];
    snprintf(input, sizeof input, "mc1:%s\r\n", c->text + 4);
    RUN_IN(c, input, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0", "-");
    EXPECT(c, 0, "VALID", NULL);
    EXPECT_OUT(c, HOLDER);
    RUN_IN(c, input, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0",
           "--json", "-");
    EXPECT_VERDICT(c, "valid", true);
    CHECK(c, jstr_is(jget(c->json, "credential"), "holder", HOLDER), "holder from stdin");

    /* Blanks before, a bare LF after, as scanners differ. */
    snprintf(input, sizeof input, " \t%s\n", c->text);
    RUN_IN(c, input, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0",
           "--json", "-");
    EXPECT_VERDICT(c, "valid", true);

    /* Empty input is a verdict, not a hang or a crash. */
    RUN_IN(c, "", "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0",
           "--json", "-");
    EXPECT_VERDICT(c, "not_mc1", false);

    /* Two credentials on standard input are not one. */
    snprintf(input, sizeof input, "%s\n%s\n", c->text, c->text);
    RUN_IN(c, input, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "@0",
           "--json", "-");
    CHECK(c, c->r.code == 1 && jstr_is(JSON(c), "verdict", "invalid"), "two texts are invalid");
}

/* Any change to the text of a credential: never valid, never a crash. */
static void verify_tampered_never_valid(void **state)
{
    cli *c = *state;
    make_world(c);
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    ISSUE_DEFAULT(c);
    char text[8192], tampered[8192];
    strcpy(text, c->text);
    size_t len = strlen(text);
    for (size_t i = 4; i < len; i += 3) {
        strcpy(tampered, text);
        const char *at = strchr(alphabet, text[i]);
        assert_non_null(at);
        tampered[i] = alphabet[(size_t)(at - alphabet + 1 + i % 44) % 45];
        VERIFY_JSON(c, tampered);
        CHECK(c, c->r.code == 1 && jstr_is(c->json, "verdict", "invalid"),
              "a text changed at %zu was not refused", i);
    }
}

/* ==== usage and trust errors ==== */

static void usage_errors(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    static char text[8192];
    strcpy(text, c->text);
    const struct {
        const char *name;
        const char *args[14];
        const char *err;
    } cases[] = {
        {"no command", {NULL}, "Usage:"},
        {"unknown command", {"frobnicate"}, "unknown command 'frobnicate'"},
        {"unknown option",
         {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--colour", text},
         "unknown option '--colour'"},
        {"missing --root", {"verify", "--bundle", "bundle.tb1", text}, "--root FILE and --bundle FILE, are required"},
        {"missing --bundle", {"verify", "--root", "root.cbor", text}, "--root FILE and --bundle FILE, are required"},
        {"option without value", {"verify", "--bundle", "bundle.tb1", text, "--root"}, "--root needs a value"},
        {"bad --at", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "yesterday", text},
         "--at: 'yesterday' is not a time"},
        {"--at month 13", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "2026-13-01", text},
         "--at: '2026-13-01'"},
        {"--at hour 24", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "2026-01-01T24:00Z", text},
         "--at: '2026-01-01T24:00Z'"},
        {"negative --at", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", "-5", text},
         "--at: '-5'"},
        {"bad --skew", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--skew", "5m", text},
         "--skew: give seconds"},
        {"--skew over a year", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--skew", "31536001", text},
         "--skew"},
        {"two texts", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1", text, "MC1:ABC"},
         "give one credential text"},
        {"no text", {"verify", "--root", "root.cbor", "--bundle", "bundle.tb1"},
         "give the credential text"},
        {"inspect: two texts", {"inspect", text, "MC1:ABC"}, "give one credential text"},
        {"inspect: option", {"inspect", "--verbose", text}, "unknown option '--verbose'"},
        {"inspect: no text", {"inspect"}, "give the credential text"},
        {"qr: bad --ecc", {"qr", "--ecc", "X", "HELLO"}, "--ecc must be L, M, Q or H"},
        {"qr: no text", {"qr"}, "give the text"},
        {"issue: no key", {"issue", "--iss", TK_ISS}, "--key is required"},
        {"bundle: no subcommand", {"bundle"}, "create, install, import and status"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        RUNV(c, NULL, cases[i].args);
        EXPECT(c, 2, NULL, cases[i].err);
        CHECK(c, c->r.out.len == 0, "usage errors print nothing on stdout");
    }
    c->label = NULL;

    /* help: every command is listed; help for one; an unknown one is 2. */
    RUN(c, "help");
    EXPECT(c, 0, "tessera verify (--state DIR | --root FILE --bundle FILE)", NULL);
    static const char *const names[] = {"keygen", "issue", "root init", "bundle create", "verify",
                                        "inspect", "qr"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "tessera %s", names[i]);
        EXPECT_OUT(c, want);
    }
    RUN(c, "help", "verify");
    EXPECT(c, 0, "Usage: tessera verify", NULL);
    RUN(c, "verify", "--help");
    EXPECT(c, 0, "Usage: tessera verify", NULL);
    RUN(c, "help", "frobnicate");
    EXPECT(c, 2, NULL, NULL);
}

/* verify --json on a root or bundle that does not open: exit 2, and
 * stdout is still one JSON object, invalid, naming the reason and the
 * file, with no credential. */
static void expect_trust_error_at(cli *c, int line, const char *reason, const char *file)
{
    expect_at(c, line, 2, NULL, file);
    cJSON *j = json_at(c, line);
    if (!jstr_is(j, "verdict", "invalid") || !jstr_is(j, "reason", reason))
        failf(c, line, "expected verdict invalid, reason %s", reason);
    if (!cJSON_IsNull(jget(j, "credential")) || !cJSON_IsNull(jget(j, "issuer")))
        failf(c, line, "no credential without trust");
    const char *err = jstr(j, "error");
    if (!err || !strstr(err, file))
        failf(c, line, "\"error\" should name %s", file);
}
#define EXPECT_TRUST_ERROR(c, reason, file) expect_trust_error_at((c), __LINE__, (reason), (file))

static void verify_trust_file_errors(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);

    RUN(c, "verify", "--root", "root.cbor", "--bundle", "missing.tb1", "--at", "@0", text);
    EXPECT(c, 2, NULL, "missing.tb1");
    EXPECT_ERR(c, "cannot open");
    CHECK(c, c->r.out.len == 0, "no verdict without a bundle");
    RUN(c, "verify", "--root", "missing.cbor", "--bundle", "bundle.tb1", "--at", "@0", "--json", text);
    EXPECT_TRUST_ERROR(c, "io_error", "missing.cbor");
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "missing.tb1", "--at", "@0", "--json", text);
    EXPECT_TRUST_ERROR(c, "io_error", "missing.tb1");

    /* Garbage root files. */
    size_t blen;
    char *bundle = get_file(c, "bundle.tb1", &blen);
    assert_non_null(bundle);
    static const uint8_t empty_keys[] = {0xa2, 0x01, 0x01, 0x02, 0x80};
    static const uint8_t threshold_2_of_1[] = {0xa2, 0x01, 0x02, 0x02, 0x81, 0x58, 0x20};
    const struct {
        const char *name;
        const void *data;
        size_t len;
    } roots[] = {
        {"empty", "", 0},
        {"text", "this is not a root\n", 19},
        {"no keys", empty_keys, sizeof empty_keys},
        {"cut short", threshold_2_of_1, sizeof threshold_2_of_1},
        {"a public key file", NULL, 0},
        {"a bundle", bundle, blen},
    };
    char pub[80];
    hex_of(c->root[0].pk, 32, pub);
    strcat(pub, "\n");
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        c->label = roots[i].name;
        if (roots[i].data)
            put_file(c, "garbage.cbor", roots[i].data, roots[i].len, 0644);
        else
            put_file(c, "garbage.cbor", pub, strlen(pub), 0644);
        RUN(c, "verify", "--root", "garbage.cbor", "--bundle", "bundle.tb1", "--at", "@0", text);
        EXPECT(c, 2, NULL, "garbage.cbor: not a root file");
        CHECK(c, c->r.out.len == 0, "no verdict");
        RUN(c, "verify", "--root", "garbage.cbor", "--bundle", "bundle.tb1", "--at", "@0", "--json",
            text);
        EXPECT_TRUST_ERROR(c, "bad_root", "garbage.cbor");
    }
    c->label = NULL;

    /* The right root shape but other keys: the bundle is not theirs. */
    RUN(c, "root", "init", "--threshold", "1", "--key", "other.pub", "--out", "stranger.cbor");
    EXPECT(c, 0, NULL, NULL);
    RUN(c, "verify", "--root", "stranger.cbor", "--bundle", "bundle.tb1", "--at", "@0", text);
    EXPECT(c, 2, NULL, "bundle.tb1: not signed by 1 of the 1 root keys");
    EXPECT_ERR(c, "0 of them valid");
    CHECK(c, c->r.out.len == 0, "no verdict");
    RUN(c, "verify", "--root", "stranger.cbor", "--bundle", "bundle.tb1", "--at", "@0", "--json", text);
    EXPECT_TRUST_ERROR(c, "threshold", "bundle.tb1");

    /* A bundle that is not a bundle at all. */
    put_file(c, "text.tb1", "hello\n", 6, 0644);
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "text.tb1", "--at", "@0", text);
    EXPECT(c, 2, NULL, "text.tb1: not a well-formed TB1 trust bundle (bad_bundle)");
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "text.tb1", "--at", "@0", "--json", text);
    EXPECT_TRUST_ERROR(c, "bad_bundle", "text.tb1");
}

/* Every byte of the bundle flipped, then every length cut: exit 2 with a
 * reason each time, never a verdict. */
static void verify_corrupt_bundle(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);
    size_t len;
    char *good = get_file(c, "bundle.tb1", &len);
    assert_non_null(good);
    char *bad = own(c, malloc(len + 1));
    assert_non_null(bad);
    char label[64];
    c->label = label;
    for (size_t i = 0; i < len; i++) {
        memcpy(bad, good, len);
        bad[i] ^= (char)(1u << (i % 8));
        snprintf(label, sizeof label, "byte %zu ^ 0x%02x", i, 1u << (i % 8));
        put_file(c, "corrupt.tb1", bad, len, 0644);
        bool as_json = i % 2;
        if (as_json)
            RUN(c, "verify", "--root", "root.cbor", "--bundle", "corrupt.tb1", "--at", "@0", "--json",
                text);
        else
            RUN(c, "verify", "--root", "root.cbor", "--bundle", "corrupt.tb1", "--at", "@0", text);
        EXPECT(c, 2, NULL, "corrupt.tb1: ");
        bool malformed = strstr(c->r.err.p, "bad_bundle") != NULL;
        CHECK(c, malformed || strstr(c->r.err.p, "not signed by"),
              "the message should say bad_bundle or not signed by");
        if (as_json)
            EXPECT_TRUST_ERROR(c, malformed ? "bad_bundle" : "threshold", "corrupt.tb1");
        else
            CHECK(c, c->r.out.len == 0, "no verdict from a corrupt bundle");
    }
    for (size_t cut = 0; cut < len; cut += 7) {
        snprintf(label, sizeof label, "cut at %zu of %zu", cut, len);
        put_file(c, "corrupt.tb1", good, cut, 0644);
        RUN(c, "verify", "--root", "root.cbor", "--bundle", "corrupt.tb1", "--at", "@0", text);
        EXPECT(c, 2, NULL, "bad_bundle");
    }
    snprintf(label, sizeof label, "a byte appended");
    memcpy(bad, good, len);
    bad[len] = 0;
    put_file(c, "corrupt.tb1", bad, len + 1, 0644);
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "corrupt.tb1", "--at", "@0", text);
    EXPECT(c, 2, NULL, "bad_bundle");
    c->label = NULL;
}

/* ==== inspect ==== */

static void inspect_valid(void **state)
{
    cli *c = *state;
    put_key(c, "iss", &c->iss);
    ISSUE(c, COMPRESSIBLE);
    char text[8192];
    strcpy(text, c->text);
    RUN(c, "inspect", text);
    EXPECT(c, 0, NULL, NULL);
    cJSON *j = JSON(c);
    CHECK(c, cJSON_IsTrue(jget(j, "decoded")), "decoded should be true");
    CHECK(c, jstr_is(jget(j, "input"), "prefix", "MC1:"), "prefix");
    CHECK(c, cJSON_IsTrue(jget(jget(j, "zlib"), "compressed")) &&
                 jstr_is(jget(j, "zlib"), "result", "ok"),
          "compressed");
    const cJSON *cose = jget(j, "cose");
    char kid[17];
    kid_hex(&c->iss, kid);
    CHECK(c, jstr_is(cose, "kid", kid), "kid should be %s", kid);
    CHECK(c, jnum_is(cose, "alg", -8), "alg -8");
    CHECK(c, cJSON_IsFalse(jget(cose, "signature_checked")), "inspect checks no signature");
    const cJSON *cred = jget(jget(j, "claims"), "credential");
    CHECK(c, jstr_is(cred, "holder", HOLDER), "holder");
    CHECK(c, jnum_is(cred, "eqf", 4), "eqf");

    /* From standard input, lowercase, with CRLF. */
    char input[8300];
    snprintf(input, sizeof input, "mc1:%s\r\n", text + 4);
    RUN_IN(c, input, "inspect", "-");
    EXPECT(c, 0, NULL, NULL);
    CHECK(c, cJSON_IsTrue(jget(JSON(c), "decoded")), "decoded from stdin");

    /* inspect trusts nothing: a signature from anyone still decodes. */
    ISSUE(c, "--no-compress");
    uint8_t bytes[4096];
    size_t len = cose_of(c->text, bytes, sizeof bytes);
    bytes[len - 1] ^= 1; /* the signature's last byte */
    tk_text_of(bytes, len, TESS_ZLIB_NEVER, text);
    RUN(c, "inspect", text);
    EXPECT(c, 0, NULL, NULL);
    CHECK(c, cJSON_IsFalse(jget(jget(JSON(c), "zlib"), "compressed")), "not compressed");
    CHECK(c, jstr_is(jget(jget(c->json, "claims"), "credential"), "holder", HOLDER), "holder");
}

static void expect_inspect_refusal(cli *c, int line)
{
    expect_at(c, line, 1, NULL, NULL);
    cJSON *j = json_at(c, line);
    if (!cJSON_IsFalse(jget(j, "decoded")))
        failf(c, line, "decoded should be false");
}

static void inspect_garbage(void **state)
{
    cli *c = *state;
    static const uint8_t tagged_junk[] = {0xd2, 0x84, 0x40, 0xa0, 0x40};
    static const uint8_t deep[] = {0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81,
                                   0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81,
                                   0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x00};
    static const uint8_t indefinite[] = {0x9f, 0x9f, 0x9f, 0xff};
    static const uint8_t huge_len[] = {0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t bad_utf8[] = {0x84, 0x40, 0xa0, 0x62, 0xc3, 0x28, 0x40};
    static const uint8_t zlib_cut[] = {0x78, 0x9c, 0x01, 0x02};
    const struct {
        const char *name;
        const uint8_t *bytes;
        size_t len;
    } cbor[] = {
        {"COSE without payload", tagged_junk, sizeof tagged_junk},
        {"30 nested arrays", deep, sizeof deep},
        {"indefinite lengths", indefinite, sizeof indefinite},
        {"byte string of 2^64-1", huge_len, sizeof huge_len},
        {"invalid UTF-8", bad_utf8, sizeof bad_utf8},
        {"cut zlib", zlib_cut, sizeof zlib_cut},
    };
    for (size_t i = 0; i < sizeof cbor / sizeof cbor[0]; i++) {
        c->label = cbor[i].name;
        char text[256] = "MC1:";
        size_t n;
        assert_int_equal(tess_b45_encode(cbor[i].bytes, cbor[i].len, text + 4, sizeof text - 5, &n),
                         TESS_OK);
        text[4 + n] = '\0';
        RUN(c, "inspect", text);
        expect_inspect_refusal(c, __LINE__);
    }
    static const char *const texts[] = {"", "hello", "MC1:", "MC1:%%%%", "MC1:abc", "mc1",
                                        "MC1:A"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        c->label = texts[i];
        RUN(c, "inspect", texts[i]);
        expect_inspect_refusal(c, __LINE__);
    }
    c->label = "hello from stdin";
    RUN_IN(c, "hello\n", "inspect", "-");
    expect_inspect_refusal(c, __LINE__);
    CHECK(c, cJSON_IsNull(jget(jget(c->json, "input"), "prefix")), "no prefix");
}

/* Cut and flipped credentials: exit 0 or 1 with one JSON object, never a
 * crash; "decoded" agrees with the exit code. */
static void inspect_never_crashes(void **state)
{
    cli *c = *state;
    put_key(c, "iss", &c->iss);
    ISSUE(c, "--stack", "warehouse-ready", "--qa", "ISO 21001");
    char text[8192], cut[8192];
    strcpy(text, c->text);
    char label[64];
    c->label = label;
    size_t len = strlen(text);
    for (size_t n = 0; n < len; n += 5) {
        snprintf(label, sizeof label, "first %zu characters", n);
        memcpy(cut, text, n);
        cut[n] = '\0';
        RUN(c, "inspect", cut);
        expect_inspect_refusal(c, __LINE__);
    }
    ISSUE(c, "--no-compress", "--stack", "warehouse-ready");
    uint8_t bytes[4096], flipped[4096];
    size_t blen = cose_of(c->text, bytes, sizeof bytes);
    for (size_t i = 0; i < blen; i += 2) {
        memcpy(flipped, bytes, blen);
        flipped[i] ^= (uint8_t)(0x80u >> (i % 8));
        snprintf(label, sizeof label, "COSE byte %zu flipped", i);
        tk_text_of(flipped, blen, TESS_ZLIB_NEVER, text);
        RUN(c, "inspect", text);
        CHECK(c, c->r.code == 0 || c->r.code == 1, "inspect exits 0 or 1");
        cJSON *j = JSON(c);
        CHECK(c, cJSON_IsBool(jget(j, "decoded")) &&
                     cJSON_IsTrue(jget(j, "decoded")) == (c->r.code == 0),
              "decoded agrees with the exit code");
    }
    c->label = NULL;
}

/* ==== qr ==== */

static void qr_prints_code(void **state)
{
    cli *c = *state;
    put_key(c, "iss", &c->iss);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);
    static const struct {
        const char *ecc;
        const char *tail;
    } levels[] = {{NULL, "ECC M, alphanumeric mode"}, {"L", "ECC L"}, {"Q", "ECC Q"}, {"H", "ECC H"}};
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        c->label = levels[k].ecc ? levels[k].ecc : "default";
        if (levels[k].ecc)
            RUN(c, "qr", "--ecc", levels[k].ecc, text);
        else
            RUN(c, "qr", text);
        EXPECT(c, 0, levels[k].tail, NULL);
        /* Lines of block characters, all of the same width, then a summary. */
        size_t lines = 0, width = 0;
        for (const char *s = c->r.out.p; *s;) {
            size_t n = strcspn(s, "\n");
            if (strncmp(s, "QR version", 10) == 0)
                break;
            /* The quiet zone: every line starts with a full block. */
            CHECK(c, strncmp(s, "\xe2\x96\x88", 3) == 0, "a QR line should start with a block");
            size_t chars = 0;
            for (size_t b = 0; b < n; b++)
                chars += ((unsigned char)s[b] & 0xc0) != 0x80;
            if (lines == 0)
                width = chars;
            CHECK(c, chars == width, "QR lines should all be as wide (%zu, %zu)", chars, width);
            lines++;
            s += n + (s[n] == '\n');
        }
        CHECK(c, lines >= 12, "a QR code of at least version 1 (%zu lines)", lines);
    }
    c->label = NULL;
    char input[8300];
    snprintf(input, sizeof input, "%s\r\n", text);
    RUN_IN(c, input, "qr", "-");
    EXPECT(c, 0, "alphanumeric mode", NULL);
    char tail[64];
    snprintf(tail, sizeof tail, "%zu characters", strlen(text));
    EXPECT_OUT(c, tail);
    RUN(c, "qr", "lowercase text");
    EXPECT(c, 0, "byte mode", NULL);
}

/* ==== issue: field validation ==== */

static void issue_field_validation(void **state)
{
    cli *c = *state;
    put_key(c, "iss", &c->iss);
    put_file(c, "open.key", "0101010101010101010101010101010101010101010101010101010101010101\n",
             65, 0644);
    static char h512[513], h513[514], h600[601];
    memset(h512, 'a', 512);
    memset(h513, 'b', 513);
    memset(h600, 'c', 600);
    const char *argv[MAX_ARGS];
    size_t n;
    static char many_skills[33][16];
    const char *skills_args[70];
    size_t ns = 0;
    for (int i = 0; i < 33; i++) {
        snprintf(many_skills[i], sizeof many_skills[i], "x:s%d", i);
        skills_args[ns++] = "--skill";
        skills_args[ns++] = many_skills[i];
    }
    const struct {
        const char *name;
        const char *args[8];
        int code;
        const char *err; /* for exit 2 */
    } cases[] = {
        {"eqf 9", {"--eqf", "9"}, 2, "--eqf: the EQF level is 1 to 8, not '9'"},
        {"eqf 0", {"--eqf", "0"}, 2, "--eqf"},
        {"eqf 8", {"--eqf", "8"}, 0, NULL},
        {"eqf 1", {"--eqf", "1"}, 0, NULL},
        {"eqf word", {"--eqf", "four"}, 2, "'four'"},
        {"holder 600 bytes", {"--holder", h600}, 2, "too long (over 512 bytes)"},
        {"holder 513 bytes", {"--holder", h513}, 2, "over 512 bytes"},
        {"holder 512 bytes", {"--holder", h512}, 0, NULL},
        {"title 513 bytes", {"--title", h513}, 2, "over 512 bytes"},
        {"holder not UTF-8", {"--holder", "Mar\xed" "a"}, 2, "UTF-8"},
        {"holder UTF-8", {"--holder", "Mar\xc3\xad" "a Garc\xc3\xad" "a"}, 0, NULL},
        {"cti too short", {"--cti", "abcd"}, 2, "--cti: give 32 hex digits"},
        {"cti not hex", {"--cti", "zz110c429a01773b1020304050607080"}, 2, "--cti"},
        {"exp not a time", {"--exp", "soon"}, 2, "--exp: 'soon' is not a time"},
        {"nbf not a time", {"--nbf", "2026-02-30x"}, 2, "--nbf"},
        {"iat not a time", {"--iat", "now"}, 2, "--iat"},
        {"hours not a number", {"--hours", "1.5"}, 2, "'1.5'"},
        {"type unknown name", {"--type", "diploma"}, 2, "--type: 'diploma'"},
        {"assessment unknown", {"--assessment", "vibes"}, 2, "--assessment"},
        {"participation by name", {"--participation", "on-site"}, 0, NULL},
        {"missing key file", {"--key", "nope.key"}, 2, "nope.key"},
        {"assessment full name", {"--assessment", "on-site-supervised"}, 0, NULL},
        {"unknown option", {"--colour", "red"}, 2, "unknown argument '--colour'"},
        {"option without value", {"--holder"}, 2, "--holder needs a value"},
        {"secret key readable by others", {"--key", "open.key"}, 0, "readable by others"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c->label = cases[i].name;
        n = 0;
        push_args(argv, &n,
                  ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title",
                       TITLE, "--achievement", "FORK-L1", "--awarder", "Example Academy"));
        push_args(argv, &n, cases[i].args);
        RUNV(c, NULL, argv);
        EXPECT(c, cases[i].code, cases[i].code == 0 ? "MC1:" : NULL, cases[i].err);
        if (cases[i].code != 0)
            CHECK(c, c->r.out.len == 0, "no credential on a refusal");
    }
    c->label = "32 long skills";
    static char long_skill[300];
    memset(long_skill, 'k', 299);
    memcpy(long_skill, "x:", 2);
    n = 0;
    push_args(argv, &n, ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title",
                             TITLE, "--achievement", "FORK-L1", "--awarder", "Example Academy"));
    for (int i = 0; i < 32; i++)
        push_args(argv, &n, ARGS("--skill", long_skill));
    RUNV(c, NULL, argv);
    EXPECT(c, 2, NULL, "does not fit in a QR code");
    CHECK(c, c->r.out.len == 0, "no credential that does not fit");

    c->label = "33 skills";
    n = 0;
    push_args(argv, &n, ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title",
                             TITLE, "--achievement", "FORK-L1", "--awarder", "Example Academy"));
    skills_args[ns] = NULL;
    push_args(argv, &n, skills_args);
    RUNV(c, NULL, argv);
    EXPECT(c, 2, NULL, "at most 32 skills");
    c->label = "32 skills";
    skills_args[ns - 2] = NULL;
    n = 0;
    push_args(argv, &n, ARGS("issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title",
                             TITLE, "--achievement", "FORK-L1", "--awarder", "Example Academy"));
    push_args(argv, &n, skills_args);
    RUNV(c, NULL, argv);
    EXPECT(c, 0, "MC1:", NULL);
    c->label = NULL;
}

/* `tessera help issue` lists the names "--assessment N|NAME none self
 * online-proctored on-site-supervised practical"; each must be accepted. */
static void issue_enum_names_from_help(void **state)
{
    cli *c = *state;
    make_world(c);
    static const struct {
        const char *opt, *name, *field;
        int value;
    } names[] = {
        {"--assessment", "none", "assessment", 0},
        {"--assessment", "self", "assessment", 1},
        {"--assessment", "online-proctored", "assessment", 2},
        {"--assessment", "on-site-supervised", "assessment", 3},
        {"--assessment", "practical", "assessment", 4},
        {"--participation", "online", "participation", 0},
        {"--participation", "on-site", "participation", 1},
        {"--participation", "blended", "participation", 2},
        {"--type", "MicroCredential", "type", 0},
        {"--type", "certification", "type", 5},
        {"--type", "Assessment", "type", 7},
    };
    RUN(c, "help", "issue");
    EXPECT(c, 0, "practical-demonstration (or an unambiguous start)", NULL);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        c->label = names[i].name;
        ISSUE(c, names[i].opt, names[i].name);
        cJSON *j = VERIFY_JSON(c, c->text);
        EXPECT_VERDICT(c, "valid", true);
        CHECK(c, jnum_is(jget(j, "credential"), names[i].field, names[i].value), "%s should be %d",
              names[i].field, names[i].value);
    }
}

/* A date that does not exist is not a time: "2026-02-30" must not quietly
 * become 2 March (help: "Times T are Unix seconds, YYYY-MM-DD or ..."). */
static void impossible_dates_refused(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);
    /* and the edges of the form (app/files.c parse_time): 1 to 4 digits of
     * year from 1970, 1 or 2 of the rest; blanks before a field are taken,
     * as sscanf's %u took them, but not a sign ("-197" was a year past 4e9) */
    static const char *const good[] = {"2028-02-29", "2026-04-30", "2026-12-31T23:59:59Z",
                                       "1970-01-01", "9999-12-31T23:59:59Z", "2026-1-1",
                                       "2026-01-01 00:00", "2026-01-01T1:2:3Z", "2026-01-01T23:59",
                                       "2026- 1-01", " 2026-01-01", "2026-01-01T 1:00"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        c->label = good[i];
        RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", good[i], text);
        CHECK(c, c->r.code == 0 || c->r.code == 1, "%s is a time", good[i]);
    }
    static const char *const bad[] = {"2026-02-29", "2026-02-30", "2026-04-31", "2026-06-31T00:00Z",
                                      "1969-12-31", "10000-01-01", "2026-001-01", "2026-01-001",
                                      "2026-01-01T24:00", "2026-01-01T23:60", "2026-01-01T23:59:60",
                                      "2026-01-01T", "2026-01-01T12", "2026-01-01T12:00:",
                                      "2026-01-01T012:00", "2026-01-01Z", "2026-01-01T12:00ZZ",
                                      "-197-01-01", "2026-+1-01", "2026-01-01T+1:00",
                                      "2026-01-01T12:00:-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c->label = bad[i];
        RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--at", bad[i], text);
        EXPECT(c, 2, NULL, bad[i]);
        RUN(c, "issue", "--key", "iss", "--iss", TK_ISS, "--holder", HOLDER, "--title", TITLE,
            "--achievement", "FORK-L1", "--awarder", "Example Academy", "--exp", bad[i]);
        EXPECT(c, 2, NULL, bad[i]);
    }
}

/* qr, like verify and inspect, names an unknown option instead of taking
 * it for the text ("tessera qr --eco Q TEXT" said "not 'TEXT' too"). */
static void qr_unknown_option(void **state)
{
    cli *c = *state;
    RUN(c, "qr", "--eco", "Q", "HELLO");
    EXPECT(c, 2, NULL, "--eco");
    RUN(c, "qr", "--colour");
    EXPECT(c, 2, NULL, "--colour");
}

/* QR codes out and back in: a PNG and an SVG drawn by `qr`, the PNG read
 * by `scan` and by `verify --image`, exactly as a kiosk's camera would. */
static void qr_image_scan_verify(void **state)
{
    cli *c = *state;
    make_world(c);
    ISSUE_DEFAULT(c);
    char text[8192];
    strcpy(text, c->text);
    RUN(c, "qr", "--png", "badge.png", text);
    EXPECT(c, 0, NULL, NULL);
    RUN(c, "qr", "--svg", "badge.svg", "--scale", "4", text);
    EXPECT(c, 0, NULL, NULL);
    char path[512];
    path_of(c, "badge.svg", path, sizeof path);
    FILE *f = fopen(path, "r");
    CHECK(c, f != NULL, "qr --svg should write the file");
    char head[8] = {0};
    CHECK(c, f && fread(head, 1, 4, f) == 4 && memcmp(head, "<svg", 4) == 0,
          "an SVG file starts with <svg");
    if (f)
        fclose(f);

    /* scan prints exactly the text, one line */
    RUN(c, "scan", "badge.png");
    EXPECT(c, 0, NULL, NULL);
    char want[8200];
    snprintf(want, sizeof want, "%s\n", text);
    CHECK(c, strcmp(c->r.out.p, want) == 0, "scan should print exactly the text");
    RUN(c, "scan", "--json", "badge.png");
    EXPECT(c, 0, "\"found\"", NULL);

    /* verify --image gives the same verdict as verify with the text */
    cJSON *j = VERIFY_JSON_X(c, "badge.png", "--image");
    (void)j;
    EXPECT_VERDICT(c, "valid", true);
    CHECK(c, jstr_is(jget(c->json, "credential"), "holder", "Maria Garcia"),
          "the holder read from the image");

    /* an image with no code: scan exits 1, verify --image 2 (no_code) */
    static uint8_t blank[64 * 64];
    memset(blank, 255, sizeof blank);
    put_file(c, "blank.raw", blank, sizeof blank, 0644);
    RUN(c, "scan", "raw:64x64:blank.raw");
    EXPECT(c, 1, NULL, NULL);
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--json", "--image",
        "raw:64x64:blank.raw");
    EXPECT(c, 2, "no_code", NULL);

    /* a QR code that is not a credential */
    RUN(c, "qr", "--png", "hello.png", "HELLO WORLD");
    EXPECT(c, 0, NULL, NULL);
    RUN(c, "scan", "hello.png");
    EXPECT(c, 0, "HELLO WORLD", NULL);
    RUN(c, "verify", "--root", "root.cbor", "--bundle", "bundle.tb1", "--json", "--image",
        "hello.png");
    EXPECT(c, 2, "no_code", NULL);

    /* a file that is not an image, and one that is missing */
    put_file(c, "junk.png", "not an image", 12, 0644);
    RUN(c, "scan", "junk.png");
    EXPECT(c, 2, NULL, NULL);
    RUN(c, "scan", "missing.png");
    EXPECT(c, 2, NULL, NULL);
    RUN(c, "scan");
    EXPECT(c, 2, NULL, NULL);
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
        T(keygen_creates_key_pair),
        T(keygen_refuses_to_overwrite),
        T(keygen_usage),
        T(root_init_writes_root),
        T(root_init_refusals),
        T(bundle_create_with_options),
        T(bundle_create_with_manifest),
        T(bundle_create_manifest_errors),
        T(bundle_create_below_threshold),
        T(bundle_create_refused_keeps_existing),
        T(issue_verify_round_trip),
        T(verify_json_fields),
        T(verify_json_credential_after_signature),
        T(verify_reasons),
        T(verify_transport_reasons),
        T(verify_stdin),
        T(verify_tampered_never_valid),
        T(usage_errors),
        T(verify_trust_file_errors),
        T(verify_corrupt_bundle),
        T(inspect_valid),
        T(inspect_garbage),
        T(inspect_never_crashes),
        T(qr_prints_code),
        T(issue_field_validation),
        T(issue_enum_names_from_help),
        T(impossible_dates_refused),
        T(qr_unknown_option),
        T(qr_image_scan_verify),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
