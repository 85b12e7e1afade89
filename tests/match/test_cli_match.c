/*
 * test_cli_match.c: `tessera match` end to end, as an employer's system
 * runs it. Run as `test_cli_match /path/to/tessera`.
 *
 * The trust bundle, with pathway entries, and the credentials are made
 * here with the core's writing side and testkit's keys (an issuer the
 * command has never seen, not `tessera issue`); the bundle is installed
 * with `tessera bundle install`, then the command matches the credentials
 * against a role written here and against a shipped one. The JSON is read
 * with cJSON; exit codes 0 (all required proven), 1 (not) and 2 (usage,
 * I/O, trust) are checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testkit.h"

#define FORK "esco:28cb374e-6261-4133-8371-f9a5470145da"
#define LIFT "esco:ab2bb44a-3956-4028-8715-8b70b1960b99"
#define SHEET "esco:1973c966-f236-40c9-b2d4-5d71a89019be"
#define ISS_OTHER "https://other.example"

static const char *tessera;
static char dir[64];
static char out[1 << 20], errout[1 << 16];

static void write_file(const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Runs tessera with argv (NULL-terminated) in dir, standard input from
 * the file `in` (NULL: /dev/null); stdout and stderr into out and errout.
 * Returns the exit code. */
static int run(const char *const *argv, const char *in)
{
    char o[128], e[128], i[128];
    snprintf(o, sizeof o, "%s/stdout", dir);
    snprintf(e, sizeof e, "%s/stderr", dir);
    snprintf(i, sizeof i, "%s/%s", dir, in ? in : "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        int fi = open(in ? i : "/dev/null", O_RDONLY);
        int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fi < 0 || fo < 0 || fe < 0)
            _exit(127);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        const char *args[64];
        size_t n = 0;
        args[n++] = tessera;
        for (size_t k = 0; argv[k] && n < 63; k++)
            args[n++] = argv[k];
        args[n] = NULL;
        execv(tessera, (char *const *)args);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    slurp(o, out, sizeof out);
    slurp(e, errout, sizeof errout);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static tk_world *w;
static char texts[8][8192];

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

static void issue(int slot, const tk_key *key, const char *iss, const char *title,
                  const char *ach, uint64_t exp, uint64_t eqf, const char *const *skills,
                  size_t n_skills, uint8_t cti0)
{
    tess_credential cr;
    tk_default_cred(&cr);
    uint8_t cti[16] = {cti0, 0x42};
    cr.cti = cti;
    cr.iss = sp(iss);
    cr.title = sp(title);
    cr.achievement = sp(ach);
    cr.holder = sp("Amaia Etxeberria");
    cr.exp = exp;
    if (!exp)
        cr.has &= ~(uint32_t)TESS_HAS_EXP;
    cr.has &= ~(uint32_t)TESS_HAS_EQF;
    if (eqf) {
        cr.has |= TESS_HAS_EQF;
        cr.eqf = eqf;
    }
    cr.n_skills = n_skills;
    for (size_t i = 0; i < n_skills; i++)
        cr.skills[i] = sp(skills[i]);
    tk_issue(&cr, key, texts[slot]);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_cli_match_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    w = tk_world_new();
    /* a second issuer, and pathways over both */
    tess_issuer_in issuers[2];
    memset(issuers, 0, sizeof issuers);
    issuers[0] = w->issuers[0];
    memcpy(issuers[1].pk, w->other.pk, 32);
    issuers[1].iss = ISS_OTHER;
    issuers[1].name = "Other Training Centre";
    issuers[1].not_before = 1577836800;
    issuers[1].not_after = 1893456000;
    size_t n_rev = 0;
    if (tess_bundle_sort(issuers, 2, NULL, &n_rev) != TESS_OK)
        return -1;
    static const char *const req_iss[] = {TK_ISS, ISS_OTHER, TK_ISS};
    static const char *const req_ach[] = {"FORK-L1", "FAW-3D", "DIG-BASICS"};
    tess_pathway_in pw = {"warehouse-ops", "Warehouse Operations Certificate", req_iss, req_ach,
                          3, false, 0};
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = 1;
    in.issued_at = TK_NOW - 3600;
    in.expires = TK_NOW + 90u * 86400u;
    in.publisher = "Job fair test fleet";
    in.issuers = issuers;
    in.n_issuers = 2;
    in.pathways = &pw;
    in.n_pathways = 1;
    static uint8_t payload[8192], file[16384];
    size_t plen, flen;
    uint8_t sks[2][64];
    memcpy(sks[0], w->root[0].sk, 64);
    memcpy(sks[1], w->root[1].sk, 64);
    if (tess_bundle_payload_encode(&in, payload, sizeof payload, &plen) != TESS_OK ||
        tess_bundle_sign(payload, plen, (const uint8_t(*)[64])sks, 2, w->scratch,
                         sizeof w->scratch, file, sizeof file, &flen) != TESS_OK)
        return -1;
    write_file("root.cbor", w->root_file, w->root_len);
    write_file("fair.tb1", file, flen);
    if (run((const char *const[]){"bundle", "install", "--root", "root.cbor", "--state", "state",
                                  "fair.tb1", NULL},
            NULL) != 0) {
        fprintf(stderr, "install: %s\n", errout);
        return -1;
    }
    const char *fork_skills[] = {FORK, LIFT};
    const char *aid_skills[] = {"x:first-aid-cpr-aed", "x:first-aid-assess-casualty"};
    const char *dig_skills[] = {SHEET};
    issue(0, &w->issuer, TK_ISS, "Forklift Safety, Level 1", "FORK-L1", TK_NOW + 86400u * 900,
          3, fork_skills, 2, 1);
    issue(1, &w->other, ISS_OTHER, "First Aid at Work", "FAW-3D", TK_NOW + 86400u * 400, 3,
          aid_skills, 2, 2);
    issue(2, &w->issuer, TK_ISS, "Digital Skills Basics", "DIG-BASICS", 0, 2, dig_skills, 1, 3);
    /* expired a month ago */
    issue(3, &w->other, ISS_OTHER, "First Aid at Work", "FAW-3D", TK_NOW - 86400u * 30, 3,
          aid_skills, 2, 4);
    /* signed by a key the bundle does not hold */
    tk_key stranger;
    tk_key_from_seed(&stranger, 77);
    issue(4, &stranger, TK_ISS, "Forklift Safety, Level 1", "FORK-L1", 0, 3, fork_skills, 2, 5);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    tk_world_free(w);
    return 0;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v)
        print_error("no '%s' in %s\n", k, out);
    assert_non_null(v);
    return v;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

#define AT "1767225600" /* TK_NOW */

static const char *own_role = "# a role the project has not seen\n"
                              "title: Forklift driver (nights)\n"
                              "id: fk-nights\n"
                              "min_eqf: 3\n"
                              "require: " FORK "\n"
                              "require: x:first-aid-assess-casualty | x:first-aid-cpr-aed\n"
                              "require: " SHEET "\n"
                              "desire: " LIFT "\n"
                              "desire: x:night-shift-ready\n";

static void test_match(void **state)
{
    (void)state;
    write_file("own.role", own_role, strlen(own_role));
    int code = run((const char *const[]){"match", "--role", "own.role", "--state", "state",
                                         "--at", AT, "--lang", "es", texts[0], texts[3], texts[1],
                                         texts[2], texts[0], texts[4], "not a credential", NULL},
                   NULL);
    cJSON *j = cJSON_Parse(out);
    if (!j)
        print_error("not JSON: %s\nstderr: %s\n", out, errout);
    assert_non_null(j);
    /* sheets comes from an EQF 2 badge: below min_eqf 3 */
    assert_int_equal(code, 1);
    const cJSON *role = get(j, "role");
    assert_string_equal(str(role, "title"), "Forklift driver (nights)");
    assert_string_equal(str(role, "id"), "fk-nights");
    assert_int_equal(num(role, "min_eqf"), 3);
    assert_int_equal(num(j, "judged_at"), TK_NOW);
    const cJSON *badges = get(j, "badges");
    /* 7 inputs: the second forklift is the same credential */
    assert_int_equal(cJSON_GetArraySize(badges), 6);
    const cJSON *dups = get(j, "duplicates");
    assert_int_equal(cJSON_GetArraySize(dups), 1);
    assert_int_equal(num(cJSON_GetArrayItem(dups, 0), "input"), 5);
    assert_int_equal(num(cJSON_GetArrayItem(dups, 0), "badge"), 0);
    const cJSON *b0 = cJSON_GetArrayItem(badges, 0);
    assert_string_equal(str(b0, "verdict"), "valid");
    assert_string_equal(str(b0, "issuer"), "Example Academy");
    assert_string_equal(str(b0, "holder"), "Amaia Etxeberria");
    const cJSON *s0 = cJSON_GetArrayItem(get(b0, "skills"), 0);
    assert_string_equal(str(s0, "label"), "manejar carretillas elevadoras");
    const cJSON *b1 = cJSON_GetArrayItem(badges, 1);
    assert_string_equal(str(b1, "reason"), "expired");
    assert_string_equal(str(b1, "refused_reason"), "expired");
    assert_true(cJSON_IsFalse(get(b1, "counts")));
    assert_string_equal(str(cJSON_GetArrayItem(badges, 4), "reason"), "unknown_issuer");
    assert_string_equal(str(cJSON_GetArrayItem(badges, 5), "reason"), "not_mc1");
    assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(badges, 5), "issuer")));
    const cJSON *refused = get(j, "refused");
    assert_int_equal(cJSON_GetArraySize(refused), 3);
    assert_int_equal(num(cJSON_GetArrayItem(refused, 0), "badge"), 1);
    assert_string_equal(str(cJSON_GetArrayItem(refused, 0), "reason"), "expired");

    const cJSON *req = get(j, "required");
    assert_int_equal(cJSON_GetArraySize(req), 3);
    const cJSON *r0 = cJSON_GetArrayItem(req, 0);
    assert_string_equal(str(r0, "state"), "proven");
    assert_true(cJSON_IsTrue(get(r0, "proven")));
    assert_int_equal(num(r0, "badge"), 0);
    assert_string_equal(str(r0, "issuer"), "Example Academy");
    assert_int_equal(num(r0, "valid_until"), TK_NOW + 86400.0 * 900);
    assert_string_equal(str(r0, "label"), "manejar carretillas elevadoras");
    const cJSON *r1 = cJSON_GetArrayItem(req, 1);
    /* the role's first alternative the badge holds, from the valid first-aid badge, not
     * the expired one */
    assert_string_equal(str(r1, "state"), "proven");
    assert_string_equal(str(r1, "code"), "x:first-aid-assess-casualty");
    assert_int_equal(num(r1, "badge"), 2);
    assert_string_equal(str(r1, "issuer"), "Other Training Centre");
    assert_string_equal(str(r1, "label"), "evaluar a una persona herida (primeros auxilios)");
    const cJSON *r2 = cJSON_GetArrayItem(req, 2);
    assert_string_equal(str(r2, "state"), "below_eqf");
    assert_true(cJSON_IsFalse(get(r2, "proven")));
    assert_int_equal(num(r2, "badge"), 3);
    assert_int_equal(num(r2, "badge_eqf"), 2);
    assert_true(cJSON_IsNull(get(r2, "valid_until")));
    /* no Spanish label known: the English one */
    assert_string_equal(str(r2, "label"), "use spreadsheets software");
    assert_int_equal(num(j, "score"), 66);
    assert_int_equal(num(j, "required_proven"), 2);
    const cJSON *des = get(j, "desirable");
    assert_string_equal(str(cJSON_GetArrayItem(des, 0), "state"), "proven");
    const cJSON *d1 = cJSON_GetArrayItem(des, 1);
    assert_string_equal(str(d1, "state"), "missing");
    /* a code the table does not know: no label, the caller shows the code */
    assert_true(cJSON_IsNull(get(d1, "label")));
    assert_true(cJSON_IsNull(get(d1, "badge")));
    assert_int_equal(num(j, "desirable_proven"), 1);

    const cJSON *pws = get(j, "pathways");
    assert_int_equal(cJSON_GetArraySize(pws), 1);
    const cJSON *pw = cJSON_GetArrayItem(pws, 0);
    assert_string_equal(str(pw, "id"), "warehouse-ops");
    assert_string_equal(str(pw, "title"), "Warehouse Operations Certificate");
    assert_int_equal(num(pw, "met"), 3);
    assert_int_equal(num(pw, "needed"), 3);
    assert_true(cJSON_IsTrue(get(pw, "complete")));
    assert_int_equal(cJSON_GetArraySize(get(pw, "missing")), 0);
    cJSON_Delete(j);
}

static void test_stdin_and_exit_codes(void **state)
{
    (void)state;
    /* the shipped warehouse role, texts on standard input, blank lines
     * and CRLF between them: forklift and a valid first aid prove all */
    char in[32768];
    snprintf(in, sizeof in, "%s\r\n\n  %s  \n", texts[0], texts[1]);
    write_file("in.txt", in, strlen(in));
    int code = run((const char *const[]){"match", "--role", TESS_ROLES_DIR "/warehouse_operative.role",
                                         "--state", "state", "--at", AT, "-", NULL},
                   "in.txt");
    cJSON *j = cJSON_Parse(out);
    if (!j || code != 0)
        print_error("exit %d\n%s\n%s\n", code, out, errout);
    assert_non_null(j);
    assert_int_equal(code, 0);
    assert_int_equal(num(j, "score"), 100);
    assert_true(cJSON_IsTrue(get(j, "all_required")));
    assert_string_equal(str(get(j, "role"), "title"), "Warehouse operative");
    assert_int_equal(cJSON_GetArraySize(get(j, "badges")), 2);
    /* English by default */
    assert_string_equal(str(cJSON_GetArrayItem(get(j, "required"), 0), "label"), "operate forklift");
    /* 2 of 3 toward the certificate, missing Digital Skills Basics, named
     * by the shipped template's title */
    const cJSON *pw = cJSON_GetArrayItem(get(j, "pathways"), 0);
    assert_int_equal(num(pw, "met"), 2);
    assert_true(cJSON_IsFalse(get(pw, "complete")));
    const cJSON *miss = cJSON_GetArrayItem(get(pw, "missing"), 0);
    assert_string_equal(str(miss, "achievement"), "DIG-BASICS");
    assert_string_equal(str(miss, "label"), "Digital Skills Basics");
    cJSON_Delete(j);

    /* only the expired first aid: refused, the skill missing, exit 1 */
    code = run((const char *const[]){"match", "--role", TESS_ROLES_DIR "/warehouse_operative.role",
                                     "--state", "state", "--at", AT, "--lang", "de", texts[3],
                                     NULL},
               NULL);
    j = cJSON_Parse(out);
    assert_non_null(j);
    assert_int_equal(code, 1);
    assert_int_equal(num(j, "score"), 0);
    assert_int_equal(cJSON_GetArraySize(get(j, "pathways")), 0);
    assert_string_equal(str(cJSON_GetArrayItem(get(j, "required"), 2), "label"),
                        "Herz-Lungen-Wiederbelebung und Defibrillator (Erste Hilfe)");
    cJSON_Delete(j);

    /* usage and I/O errors: exit 2, a message, no JSON */
    const struct {
        const char *const *argv;
        const char *want;
    } bad[] = {
        {(const char *const[]){"match", "--state", "state", texts[0], NULL}, "--role FILE is required"},
        {(const char *const[]){"match", "--role", "own.role", texts[0], NULL}, "--state DIR is required"},
        {(const char *const[]){"match", "--role", "own.role", "--state", "state", NULL},
         "give the candidate's credential texts"},
        {(const char *const[]){"match", "--role", "own.role", "--state", "state", "--lang", "pl",
                               texts[0], NULL},
         "--lang: give en, es, fr or de"},
        {(const char *const[]){"match", "--role", "bad.role", "--state", "state", texts[0], NULL},
         "bad.role:2: min_eqf: the EQF level is 1 to 8"},
        {(const char *const[]){"match", "--role", "missing.role", "--state", "state", texts[0], NULL},
         "missing.role: cannot open"},
        {(const char *const[]){"match", "--role", "own.role", "--state", "nostate", texts[0], NULL},
         "no trust bundle is installed"},
        {(const char *const[]){"match", "--role", "own.role", "--state", "state", "--esco",
                               "nothing.tsv", texts[0], NULL},
         "nothing.tsv: cannot open"},
        {(const char *const[]){"match", "--role", "own.role", "--state", "state", "--at",
                               "yesterday", texts[0], NULL},
         "--at: 'yesterday' is not a time"},
    };
    write_file("bad.role", "title: X\nmin_eqf: 12\n", 21);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        code = run(bad[i].argv, NULL);
        if (code != 2 || !strstr(errout, bad[i].want))
            print_error("case %zu: exit %d, stderr '%s', want '%s'\n", i, code, errout, bad[i].want);
        assert_int_equal(code, 2);
        assert_non_null(strstr(errout, bad[i].want));
        assert_string_equal(out, "");
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_cli_match /path/to/tessera\n");
        return 2;
    }
    tessera = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_stdin_and_exit_codes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
