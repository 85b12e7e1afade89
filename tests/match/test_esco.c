/*
 * test_esco.c: skill labels (app/match/esco.h). Lookups per language with
 * their fallbacks; a table of bad tables with line numbers; and the
 * shipped table parses and names every skill code that the shipped
 * templates and roles use (this test keeps the table complete).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esco.h"
#include "role.h"
#include "template.h"

#define HEAD "code\ten\tes\tfr\tde\n"

static void test_lookup(void **state)
{
    (void)state;
    const char *text = HEAD
        "x:b\tB en\tB es\tB fr\tB de\r\n"
        "x:a\tA en\t\tA fr\t\n"
        "esco:28cb374e-6261-4133-8371-f9a5470145da\toperate forklift\tmanejar carretillas elevadoras\t\t";
    esco_table t;
    char err[256];
    bool ok = esco_parse(&t, text, strlen(text), "t.tsv", err, sizeof err);
    if (!ok)
        print_error("%s\n", err);
    assert_true(ok);
    assert_int_equal(t.n, 3);
    static const struct {
        const char *code, *lang, *want;
    } cases[] = {
        {"x:b", "en", "B en"},  {"x:b", "es", "B es"},   {"x:b", "fr", "B fr"},
        {"x:b", "de", "B de"},  {"x:b", "fr-BE", "B fr"}, {"x:b", "DE", "B de"},
        {"x:b", "de_AT", "B de"}, {"x:b", NULL, "B en"},  {"x:b", "it", "B en"},
        {"x:b", "d", "B en"},   {"x:b", "", "B en"},     {"x:b", "deu", "B en"},
        /* an empty column falls back to English */
        {"x:a", "es", "A en"},  {"x:a", "fr", "A fr"},   {"x:a", "de", "A en"},
        {"esco:28cb374e-6261-4133-8371-f9a5470145da", "es", "manejar carretillas elevadoras"},
        {"esco:28cb374e-6261-4133-8371-f9a5470145da", "de", "operate forklift"},
        /* unknown: NULL, so that the caller shows the raw code */
        {"x:c", "en", NULL},    {"x:", "en", NULL},       {"", "en", NULL},
        {"x:a ", "en", NULL},   {"X:a", "en", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = esco_lookup(&t, cases[i].code, cases[i].lang);
        if (cases[i].want == NULL ? got != NULL : (!got || strcmp(got, cases[i].want) != 0))
            print_error("case %zu: %s in %s: got '%s'\n", i, cases[i].code,
                        cases[i].lang ? cases[i].lang : "(null)", got ? got : "(null)");
        if (cases[i].want)
            assert_string_equal(got, cases[i].want);
        else
            assert_null(got);
    }
    assert_int_equal(esco_lang("es"), ESCO_ES);
    assert_int_equal(esco_lang("pl"), -1);
    /* the Spanish column is empty for x:a */
    assert_null(esco_find(&t, "x:a")->label[ESCO_ES]);
    esco_free(&t);
}

static void test_bad(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "t.tsv: empty"},
        {"code\ten\tes\tfr\n", "t.tsv:1: the header must be"},
        {"code,en,es,fr,de\n", "t.tsv:1: the header must be"},
        {HEAD "x:a\tA\t\t\n", "t.tsv:2: 4 columns"},
        {HEAD "x:a\tA\t\t\t\t\n", "t.tsv:2: 6 columns"},
        {HEAD "x:a\tA\t\t\t\n\n", "t.tsv:3: 1 columns"},
        {HEAD "x:a\t\tes\t\t\n", "t.tsv:2: x:a: the English label is required"},
        {HEAD "forklift\tA\t\t\t\n", "t.tsv:2: 'forklift': a skill is framework:code"},
        {HEAD "esco:28CB\tA\t\t\t\n", "an ESCO skill is esco:<uuid>"},
        {HEAD "x:a\tA\t\xC3\x28\t\t\n", "t.tsv:2: x:a: the es label is not valid UTF-8"},
        {HEAD "x:a\tA\t\t\tB\x01\n", "t.tsv:2: x:a: the de label is not one line of text"},
        {HEAD "x:b\tB\t\t\t\nx:a\tA\t\t\t\nx:b\tC\t\t\t\n", "t.tsv: 'x:b' is given twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        esco_table t;
        char err[256] = "";
        bool ok = esco_parse(&t, cases[i].text, strlen(cases[i].text), "t.tsv", err, sizeof err);
        if (ok || !strstr(err, cases[i].want))
            print_error("case %zu: got '%s', want '%s'\n", i, ok ? "(parsed)" : err, cases[i].want);
        assert_false(ok);
        assert_non_null(strstr(err, cases[i].want));
        assert_null(t.rows);
    }
    esco_table t;
    char err[256];
    assert_false(esco_load(&t, "/nonexistent/skills.tsv", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/skills.tsv: cannot open"));
    /* a header alone is an empty table */
    assert_true(esco_parse(&t, HEAD, strlen(HEAD), "t.tsv", err, sizeof err));
    assert_int_equal(t.n, 0);
    assert_null(esco_lookup(&t, "x:a", "en"));
    esco_free(&t);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static void test_shipped_complete(void **state)
{
    (void)state;
    esco_table t;
    char err[1024];
    bool ok = esco_load(&t, TESS_ESCO_FILE, err, sizeof err);
    if (!ok)
        print_error("%s\n", err);
    assert_true(ok);
    size_t checked = 0, missing = 0;
    DIR *d = opendir(TESS_TEMPLATES_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!ends_with(e->d_name, ".tmpl"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", TESS_TEMPLATES_DIR, e->d_name);
        tmpl tp;
        assert_true(tmpl_load(path, &tp, err, sizeof err));
        for (size_t i = 0; i < tp.n_skills; i++, checked++) {
            if (!esco_find(&t, tp.skills[i])) {
                print_error("%s: skill %s has no label in %s\n", path, tp.skills[i],
                            TESS_ESCO_FILE);
                missing++;
            }
        }
        tmpl_free(&tp);
    }
    closedir(d);
    role_set roles;
    assert_true(role_load_dir(TESS_ROLES_DIR, &roles, err, sizeof err));
    for (size_t r = 0; r < roles.n; r++) {
        const role *ro = &roles.roles[r];
        const role_skill *lists[2] = {ro->require, ro->desire};
        size_t counts[2] = {ro->n_require, ro->n_desire};
        for (int l = 0; l < 2; l++)
            for (size_t k = 0; k < counts[l]; k++)
                for (size_t a = 0; a < lists[l][k].n_codes; a++, checked++)
                    if (!esco_find(&t, lists[l][k].codes[a])) {
                        print_error("%s: skill %s has no label in %s\n", ro->path,
                                    lists[l][k].codes[a], TESS_ESCO_FILE);
                        missing++;
                    }
    }
    role_set_free(&roles);
    assert_true(checked >= 8);
    assert_int_equal(missing, 0);
    /* every row has English; local x: codes have all four languages */
    for (size_t i = 0; i < t.n; i++) {
        assert_non_null(t.rows[i].label[ESCO_EN]);
        if (strncmp(t.rows[i].code, "x:", 2) == 0)
            for (int k = 0; k < ESCO_N_LANGS; k++)
                assert_non_null(t.rows[i].label[k]);
    }
    esco_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_shipped_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
