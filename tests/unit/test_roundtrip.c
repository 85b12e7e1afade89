/*
 * test_roundtrip.c: what issuing makes, verifying accepts, field for
 * field, for random contents (random UTF-8 of every length up to the limit,
 * random optional fields, 0..32 skills and stacks); and the same through
 * the `tessera` command when its path is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testkit.h"

extern char **environ;

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random valid UTF-8 of at most max bytes, no NUL (for argv). */
static size_t random_text(char *out, size_t max)
{
    static const char *const pieces[] = {"a", "Z", " ", "-", ":", "\xc3\xa9", "\xc3\x9f",
                                         "\xe6\x9d\x8e", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                         "\xd0\x96", "\"", "\\", "\t", "9", ",", "\xf4\x8f\xbf\xbf"};
    size_t target = next() % (max + 1), n = 0;
    if (next() % 4 == 0)
        target = max - next() % 4;   /* near the limit often */
    while (n < target) {
        const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
        size_t len = strlen(p);
        if (n + len > target)
            break;
        memcpy(out + n, p, len);
        n += len;
    }
    out[n] = 0;
    return n;
}

typedef struct {
    char strings[80][TESS_MAX_STRING + 1];
    uint8_t cti[16];
    tess_credential cr;
} random_cred;

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

static void make_random(random_cred *r, size_t max_len)
{
    memset(&r->cr, 0, sizeof r->cr);
    size_t k = 0;
    tess_credential *cr = &r->cr;
    for (int i = 0; i < 16; i++)
        r->cti[i] = (uint8_t)next();
    cr->cti = r->cti;
    cr->iss = sp(TK_ISS);
    cr->iat = TK_NOW - next() % 100000;
#define TEXT(field)                                   \
    do {                                              \
        random_text(r->strings[k], max_len);          \
        cr->field = sp(r->strings[k++]);              \
    } while (0)
    TEXT(holder);
    TEXT(title);
    TEXT(achievement);
    TEXT(awarder);
    if (next() % 2) { TEXT(sub); cr->has |= TESS_HAS_SUB; }
    if (next() % 2) { TEXT(country); cr->has |= TESS_HAS_COUNTRY; }
    if (next() % 2) { TEXT(qa); cr->has |= TESS_HAS_QA; }
    if (next() % 2) { TEXT(lang); cr->has |= TESS_HAS_LANG; }
    if (next() % 2) { cr->exp = TK_NOW + 1 + next() % 1000000000u; cr->has |= TESS_HAS_EXP; }
    if (next() % 2) { cr->nbf = TK_NOW - next() % 1000000u; cr->has |= TESS_HAS_NBF; }
    if (next() % 2) { cr->type = next() % 10; cr->has |= TESS_HAS_TYPE; }
    if (next() % 2) { cr->eqf = 1 + next() % 8; cr->has |= TESS_HAS_EQF; }
    if (next() % 2) { cr->workload = next() % 100000; cr->has |= TESS_HAS_WORKLOAD; }
    if (next() % 2) { cr->assessment = next() % 6; cr->has |= TESS_HAS_ASSESSMENT; }
    if (next() % 2) { cr->participation = next() % 4; cr->has |= TESS_HAS_PARTICIPATION; }
    if (next() % 2) {
        cr->n_skills = next() % 33;
        cr->has |= TESS_HAS_SKILLS;
        for (size_t i = 0; i < cr->n_skills && k < 80; i++) {
            random_text(r->strings[k], max_len / 4);
            cr->skills[i] = sp(r->strings[k++]);
        }
    }
    if (next() % 2) {
        cr->n_stacks = next() % 33;
        cr->has |= TESS_HAS_STACKS;
        for (size_t i = 0; i < cr->n_stacks && k < 80; i++) {
            random_text(r->strings[k], max_len / 4);
            cr->stacks[i] = sp(r->strings[k++]);
        }
    }
#undef TEXT
}

static bool span_eq(tess_span a, tess_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void assert_same(const tess_credential *a, const tess_credential *b)
{
    assert_true(span_eq(a->iss, b->iss));
    assert_true(span_eq(a->holder, b->holder));
    assert_true(span_eq(a->title, b->title));
    assert_true(span_eq(a->achievement, b->achievement));
    assert_true(span_eq(a->awarder, b->awarder));
    assert_int_equal(a->has, b->has);
    assert_int_equal(a->iat, b->iat);
    assert_memory_equal(a->cti, b->cti, 16);
    if (a->has & TESS_HAS_SUB) assert_true(span_eq(a->sub, b->sub));
    if (a->has & TESS_HAS_COUNTRY) assert_true(span_eq(a->country, b->country));
    if (a->has & TESS_HAS_QA) assert_true(span_eq(a->qa, b->qa));
    if (a->has & TESS_HAS_LANG) assert_true(span_eq(a->lang, b->lang));
    if (a->has & TESS_HAS_EXP) assert_int_equal(a->exp, b->exp);
    if (a->has & TESS_HAS_NBF) assert_int_equal(a->nbf, b->nbf);
    assert_int_equal(a->type, b->type);
    if (a->has & TESS_HAS_EQF) assert_int_equal(a->eqf, b->eqf);
    if (a->has & TESS_HAS_WORKLOAD) assert_int_equal(a->workload, b->workload);
    if (a->has & TESS_HAS_ASSESSMENT) assert_int_equal(a->assessment, b->assessment);
    if (a->has & TESS_HAS_PARTICIPATION) assert_int_equal(a->participation, b->participation);
    assert_int_equal(a->n_skills, b->n_skills);
    for (size_t i = 0; i < a->n_skills; i++)
        assert_true(span_eq(a->skills[i], b->skills[i]));
    assert_int_equal(a->n_stacks, b->n_stacks);
    for (size_t i = 0; i < a->n_stacks; i++)
        assert_true(span_eq(a->stacks[i], b->stacks[i]));
}

static void core_roundtrip(void **st)
{
    (void)st;
    tk_world *w = tk_world_new();
    static random_cred r;
    static char text[16384];
    size_t valid = 0, too_large = 0;
    for (int i = 0; i < 3000; i++) {
        make_random(&r, i % 3 == 0 ? TESS_MAX_STRING : 40);
        size_t len;
        tess_status issued = tess_issue(&r.cr, w->issuer.sk, text, sizeof text, &len);
        if (issued == TESS_ERR_TOO_LARGE) {
            too_large++;   /* over a limit: refused at issuing, as verifying would */
            continue;
        }
        assert_int_equal(issued, TESS_OK);
        tess_status got = tk_verify(w, text, TK_NOW);
        if (got != TESS_OK)
            fail_msg("case %d: %s (text %zu chars)", i, tess_reason(got), len);
        assert_same(&r.cr, &w->verdict.cred);
        valid++;
    }
    printf("%zu random credentials verified field for field, %zu too large for a QR code\n", valid,
           too_large);
    assert_true(valid > 1500);
    tk_world_free(w);
}

/* ---- through the command ---- */

static const char *tessera;

/* Runs argv, returns exit status, stdout into out. */
static int run(char *const argv[], char *out, size_t cap)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    size_t n = 0;
    ssize_t got;
    while ((got = read(pipefd[0], out + n, cap - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = 0;
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void cli_roundtrip(void **st)
{
    (void)st;
    if (!tessera)
        skip();
    char dir[] = "/tmp/tess-rt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char key[256], root[256], bundle[256], out[65536];
    snprintf(key, sizeof key, "%s/issuer", dir);
    snprintf(root, sizeof root, "%s/root.cbor", dir);
    snprintf(bundle, sizeof bundle, "%s/bundle.cbor", dir);
    char r1[256];
    snprintf(r1, sizeof r1, "%s/root1", dir);
    char pub[300], r1pub[300];
    snprintf(pub, sizeof pub, "%s.pub", key);
    snprintf(r1pub, sizeof r1pub, "%s.pub", r1);
    char *kg1[] = {(char *)tessera, "keygen", "--out", key, NULL};
    char *kg2[] = {(char *)tessera, "keygen", "--out", r1, NULL};
    assert_int_equal(run(kg1, out, sizeof out), 0);
    assert_int_equal(run(kg2, out, sizeof out), 0);
    char *ri[] = {(char *)tessera, "root", "init", "--threshold", "1", "--key", r1pub, "--out",
                  root, NULL};
    assert_int_equal(run(ri, out, sizeof out), 0);
    char *bc[] = {(char *)tessera, "bundle", "create", "--root", root, "--sign", r1, "--version",
                  "1", "--expires", "4000000000", "--issuer", pub, "--iss", TK_ISS, "--name",
                  "Example Academy", "--out", bundle, NULL};
    assert_int_equal(run(bc, out, sizeof out), 0);
    static random_cred r;
    int verified = 0;
    for (int i = 0; i < 60; i++) {
        make_random(&r, 60);
        char *argv[200];
        int a = 0;
        char iat[32], exp[32], eqf[32];
        argv[a++] = (char *)tessera;
        argv[a++] = "issue";
        argv[a++] = "--key"; argv[a++] = key;
        argv[a++] = "--iss"; argv[a++] = TK_ISS;
        argv[a++] = "--holder"; argv[a++] = (char *)r.cr.holder.ptr;
        argv[a++] = "--title"; argv[a++] = (char *)r.cr.title.ptr;
        argv[a++] = "--achievement"; argv[a++] = (char *)r.cr.achievement.ptr;
        argv[a++] = "--awarder"; argv[a++] = (char *)r.cr.awarder.ptr;
        snprintf(iat, sizeof iat, "%llu", (unsigned long long)r.cr.iat);
        argv[a++] = "--iat"; argv[a++] = iat;
        if (r.cr.has & TESS_HAS_EXP) {
            snprintf(exp, sizeof exp, "%llu", (unsigned long long)r.cr.exp);
            argv[a++] = "--exp"; argv[a++] = exp;
        }
        if (r.cr.has & TESS_HAS_EQF) {
            snprintf(eqf, sizeof eqf, "%llu", (unsigned long long)r.cr.eqf);
            argv[a++] = "--eqf"; argv[a++] = eqf;
        }
        for (size_t k = 0; k < r.cr.n_skills && k < 8; k++) {
            argv[a++] = "--skill";
            argv[a++] = (char *)r.cr.skills[k].ptr;
        }
        argv[a] = NULL;
        /* a field starting with "--" would be read as an option: skip those */
        bool dashes = false;
        for (int k = 2; k < a; k += 2)
            dashes |= strncmp(argv[k + 1], "--", 2) == 0 && k + 1 < a;
        if (dashes)
            continue;
        assert_int_equal(run(argv, out, sizeof out), 0);
        out[strcspn(out, "\n")] = 0;
        static char text[sizeof out];
        memcpy(text, out, strlen(out) + 1);
        char *vf[] = {(char *)tessera, "verify", "--root", root, "--bundle", bundle, "--at",
                      iat, "--json", text, NULL};
        int rc = run(vf, out, sizeof out);
        if (rc != 0)
            fail_msg("verify exit %d: %s", rc, out);
        assert_non_null(strstr(out, "\"verdict\": \"valid\""));
        verified++;
    }
    printf("%d random credentials issued and verified through the command\n", verified);
    assert_true(verified > 40);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    tessera = getenv("TESSERA");
    const struct CMUnitTest tests[] = {cmocka_unit_test(core_roundtrip),
                                       cmocka_unit_test(cli_roundtrip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
