/*
 * test_role.c: role files (app/match/role.h). Good files and what they
 * parse to; a table of bad files, each with the FILE:LINE and the words
 * expected; the limits at N and N+1 (64 skills, 8 alternatives); the
 * shipped roles load from their folder, sorted by title.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "role.h"

#define UA "esco:28cb374e-6261-4133-8371-f9a5470145da"
#define UB "esco:ab2bb44a-3956-4028-8715-8b70b1960b99"

static void test_good(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF# a comment\r\n"
                       "title:  Warehouse operative \r\n"
                       "\n"
                       "   # indented comment\n"
                       "id: wh-1\n"
                       "employer: Example Logistics\n"
                       "require: " UA "\n"
                       "require:" UB " |x:lift|  onet:53-7051.00 \n"
                       "desire: x:spreadsheets\n"
                       "min_eqf: 3\n"
                       "note: Nights: yes | weekends: no";
    role r;
    char err[512];
    bool ok = role_parse(text, strlen(text), "wh.role", &r, err, sizeof err);
    if (!ok)
        print_error("%s\n", err);
    assert_true(ok);
    assert_string_equal(r.title, "Warehouse operative");
    assert_string_equal(r.id, "wh-1");
    assert_string_equal(r.employer, "Example Logistics");
    assert_string_equal(r.note, "Nights: yes | weekends: no");
    assert_int_equal(r.min_eqf, 3);
    assert_int_equal(r.n_require, 2);
    assert_int_equal(r.require[0].n_codes, 1);
    assert_string_equal(r.require[0].codes[0], UA);
    assert_int_equal(r.require[0].line, 7);
    assert_int_equal(r.require[1].n_codes, 3);
    assert_string_equal(r.require[1].codes[0], UB);
    assert_string_equal(r.require[1].codes[1], "x:lift");
    assert_string_equal(r.require[1].codes[2], "onet:53-7051.00");
    assert_int_equal(r.require[1].len[2], strlen("onet:53-7051.00"));
    assert_int_equal(r.require[1].hash[1], match_code_hash("x:lift", 6));
    assert_int_equal(r.n_desire, 1);
    assert_string_equal(r.desire[0].codes[0], "x:spreadsheets");
    role_free(&r);

    /* Only the title is required; no skills at all is a role too. */
    ok = role_parse("title: Volunteer", 16, "v.role", &r, err, sizeof err);
    assert_true(ok);
    assert_null(r.id);
    assert_int_equal(r.min_eqf, 0);
    assert_int_equal(r.n_require + r.n_desire, 0);
    role_free(&r);
}

static void test_bad(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "f.role: missing 'title:'"},
        {"# only a comment\nrequire: x:a\n", "f.role: missing 'title:'"},
        {"title: A\nrequires: x:a\n", "f.role:2: unknown key 'requires'"},
        {"title: A\ntitle: B\n", "f.role:2: title given twice (first on line 1)"},
        {"title: A\nmin_eqf: 2\nmin_eqf: 3\n", "f.role:3: min_eqf given twice (first on line 2)"},
        {"title A\n", "f.role:1: expected 'key: value'"},
        {"title:\n", "f.role:1: title: the value is empty"},
        {"title: A\nrequire:   \n", "f.role:2: require: the value is empty"},
        {"title: A\nmin_eqf: 0\n", "f.role:2: min_eqf: the EQF level is 1 to 8, not '0'"},
        {"title: A\nmin_eqf: 9\n", "f.role:2: min_eqf: the EQF level is 1 to 8, not '9'"},
        {"title: A\nmin_eqf: 03\n", "f.role:2: min_eqf: the EQF level is 1 to 8"},
        {"title: A\nmin_eqf: three\n", "f.role:2: min_eqf: the EQF level is 1 to 8"},
        {"title: A\nrequire: forklift\n", "f.role:2: require: 'forklift': a skill is framework:code"},
        {"title: A\nrequire: esco:28CB374E-6261-4133-8371-F9A5470145DA\n",
         "f.role:2: require: 'esco:28CB374E-6261-4133-8371-F9A5470145DA': an ESCO skill is esco:<uuid>"},
        {"title: A\nrequire: esco:28cb374e\n", "an ESCO skill is esco:<uuid>"},
        {"title: A\nrequire: x :a\n", "the framework of a skill is letters and digits"},
        {"title: A\nrequire: :a\n", "a skill is framework:code"},
        {"title: A\nrequire: x:\n", "a skill is framework:code"},
        {"title: A\nrequire: x:a | \n", "f.role:2: require: an empty alternative"},
        {"title: A\ndesire: x:a || x:b\n", "f.role:2: desire: an empty alternative"},
        {"title: A\nrequire: | x:a\n", "f.role:2: require: an empty alternative"},
        {"title: A\nrequire: x:a | x:a\n", "f.role:2: require: 'x:a' given twice"},
        {"title: A\nrequire: x:a\ndesire: x:b | x:a\n",
         "f.role:3: desire: 'x:a' is already in the role (line 2)"},
        {"title: A\nrequire: x:a\nrequire: x:a\n", "f.role:3: require: 'x:a' is already in the role (line 2)"},
        {"title: A\nrequire: x:a\x01\n", "f.role:2: require: the value is not one line of text"},
        {"title: \xC3\x28\n", "f.role:1: title: the value is not valid UTF-8"},
        {"title: \xED\xA0\x80\n", "f.role:1: title: the value is not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        role r;
        char err[512] = "";
        bool ok = role_parse(cases[i].text, strlen(cases[i].text), "f.role", &r, err, sizeof err);
        if (ok || !strstr(err, cases[i].want))
            print_error("case %zu: got '%s', want '%s'\n", i, ok ? "(parsed)" : err, cases[i].want);
        assert_false(ok);
        assert_non_null(strstr(err, cases[i].want));
        assert_null(r.text);
    }
    /* A NUL byte is not text. */
    role r;
    char err[256];
    assert_false(role_parse("title: A\0B\n", 11, "nul.role", &r, err, sizeof err));
    assert_non_null(strstr(err, "nul.role: holds a NUL byte"));
    /* A string over 512 bytes is refused; 512 is fine. */
    char big[700];
    memset(big, 'a', sizeof big);
    memcpy(big, "title: ", 7);
    big[7 + 512] = '\0';
    assert_true(role_parse(big, strlen(big), "b.role", &r, err, sizeof err));
    role_free(&r);
    big[7 + 512] = 'a';
    big[7 + 513] = '\0';
    assert_false(role_parse(big, strlen(big), "b.role", &r, err, sizeof err));
    assert_non_null(strstr(err, "b.role:1: title: the value is longer than 512 bytes"));
}

/* A role with n required (or desired) skills x:s0..; alternatives on the
 * first line. */
static char *role_text(const char *key, size_t n, size_t alts)
{
    size_t cap = 64 + n * 32 + alts * 16;
    char *t = malloc(cap);
    size_t len = (size_t)snprintf(t, cap, "title: Limits\n%s: x:s0", key);
    for (size_t a = 1; a < alts; a++)
        len += (size_t)snprintf(t + len, cap - len, " | x:alt%zu", a);
    len += (size_t)snprintf(t + len, cap - len, "\n");
    for (size_t k = 1; k < n; k++)
        len += (size_t)snprintf(t + len, cap - len, "%s: x:s%zu\n", key, k);
    return t;
}

static void test_limits(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t n, alts;
        const char *want; /* NULL: parses */
    } cases[] = {
        {"require", ROLE_MAX_REQUIRE - 1, 1, NULL},
        {"require", ROLE_MAX_REQUIRE, 1, NULL},
        {"require", ROLE_MAX_REQUIRE + 1, 1, "l.role:66: require: at most 64 required skills"},
        {"desire", ROLE_MAX_DESIRE, 1, NULL},
        {"desire", ROLE_MAX_DESIRE + 1, 1, "l.role:66: desire: at most 64 desirable skills"},
        {"require", 1, ROLE_MAX_ALT - 1, NULL},
        {"require", 1, ROLE_MAX_ALT, NULL},
        {"require", 1, ROLE_MAX_ALT + 1, "l.role:2: require: at most 8 alternatives"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = role_text(cases[i].key, cases[i].n, cases[i].alts);
        role r;
        char err[512] = "";
        bool ok = role_parse(t, strlen(t), "l.role", &r, err, sizeof err);
        free(t);
        if (ok != (cases[i].want == NULL) || (cases[i].want && !strstr(err, cases[i].want)))
            print_error("case %zu: got '%s'\n", i, ok ? "(parsed)" : err);
        assert_int_equal(ok, cases[i].want == NULL);
        if (ok) {
            size_t n = strcmp(cases[i].key, "require") == 0 ? r.n_require : r.n_desire;
            assert_int_equal(n, cases[i].n);
            const role_skill *first = strcmp(cases[i].key, "require") == 0 ? r.require : r.desire;
            assert_int_equal(first[0].n_codes, cases[i].alts);
            role_free(&r);
        } else {
            assert_non_null(strstr(err, cases[i].want));
        }
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_dir(void **state)
{
    (void)state;
    role_set set;
    char err[1024];
    bool ok = role_load_dir(TESS_ROLES_DIR, &set, err, sizeof err);
    if (!ok)
        print_error("%s\n", err);
    assert_true(ok);
    assert_true(set.n >= 3);
    for (size_t i = 1; i < set.n; i++)
        assert_true(strcmp(set.roles[i - 1].title, set.roles[i].title) <= 0);
    bool min_eqf = false, alternatives = false;
    for (size_t i = 0; i < set.n; i++) {
        min_eqf |= set.roles[i].min_eqf != 0;
        for (size_t k = 0; k < set.roles[i].n_require; k++)
            alternatives |= set.roles[i].require[k].n_codes > 1;
        assert_non_null(strstr(set.roles[i].path, ".role"));
    }
    assert_true(min_eqf);
    assert_true(alternatives);
    role_set_free(&set);

    /* A folder of our own: sorted by title, other files ignored; one bad
     * file fails the load, naming its line. */
    char dir[] = "/tmp/test_role_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p1[128], p2[128], p3[128], p4[128];
    snprintf(p1, sizeof p1, "%s/b.role", dir);
    snprintf(p2, sizeof p2, "%s/a.role", dir);
    snprintf(p3, sizeof p3, "%s/notes.txt", dir);
    snprintf(p4, sizeof p4, "%s/c.role", dir);
    write_text(p1, "title: Alpha\n");
    write_text(p2, "title: Zulu\n");
    write_text(p3, "not a role\n");
    assert_true(role_load_dir(dir, &set, err, sizeof err));
    assert_int_equal(set.n, 2);
    assert_string_equal(set.roles[0].title, "Alpha");
    assert_string_equal(set.roles[1].title, "Zulu");
    role_set_free(&set);
    write_text(p4, "title: C\nmin_eqf: 10\n");
    assert_false(role_load_dir(dir, &set, err, sizeof err));
    assert_non_null(strstr(err, "c.role:2: min_eqf"));
    assert_int_equal(set.n, 0);
    remove(p1);
    remove(p2);
    remove(p3);
    remove(p4);
    rmdir(dir);
    assert_false(role_load_dir("/nonexistent/roles", &set, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/roles: cannot open"));
    role r;
    assert_false(role_load("/nonexistent/x.role", &r, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/x.role: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
