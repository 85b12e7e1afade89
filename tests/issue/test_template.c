/*
 * test_template.c: credential templates (app/template.h). The three
 * shipped templates parse and map onto the MC1 fields of FORMAT.md; a
 * table of bad templates, each with the line number and words expected;
 * validity periods by the calendar, at month ends and leap days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"

static void test_shipped(void **state)
{
    (void)state;
    static const struct {
        const char *file, *achievement;
        uint64_t eqf, workload;
        size_t n_skills;
        bool has_validity;
    } shipped[] = {
        {"forklift_safety.tmpl", "FORK-L1", 3, 8, 2, true},
        {"first_aid_at_work.tmpl", "FAW-3D", 3, 18, 4, true},
        {"digital_skills_basics.tmpl", "DIG-BASICS", 2, 2, 3, false},
    };
    for (size_t i = 0; i < 3; i++) {
        char path[512], err[600];
        snprintf(path, sizeof path, "%s/%s", TESS_TEMPLATES_DIR, shipped[i].file);
        tmpl t;
        bool loaded = tmpl_load(path, &t, err, sizeof err);
        if (!loaded)
            print_error("%s\n", err);
        assert_true(loaded);
        assert_string_equal(t.achievement, shipped[i].achievement);
        assert_int_equal(t.eqf, shipped[i].eqf);
        assert_int_equal(t.workload, shipped[i].workload);
        assert_int_equal(t.n_skills, shipped[i].n_skills);
        assert_int_equal(t.has_validity, shipped[i].has_validity);
        assert_true(t.has & TESS_HAS_ASSESSMENT);
        assert_true(t.has & TESS_HAS_PARTICIPATION);
        assert_int_equal(t.n_stacks, 1);
        /* Each issues into a credential that fits a QR code. */
        tess_credential cr;
        memset(&cr, 0, sizeof cr);
        assert_true(tmpl_apply(&t, 1795890302u, &cr));
        uint8_t cti[16] = {1}, seed[32] = {7}, sk[64], pk[32];
        assert_int_equal(tess_ed25519_keypair(pk, sk, seed), TESS_OK);
        cr.cti = cti;
        cr.iat = 1795890302u;
        cr.iss = (tess_span){(const uint8_t *)"https://academy.example", 23};
        cr.holder = (tess_span){(const uint8_t *)"Ada Lovelace", 12};
        char text[TESS_MAX_TEXT + 8];
        size_t len;
        assert_int_equal(tess_issue(&cr, sk, text, sizeof text, &len), TESS_OK);
        tmpl_free(&t);
    }
}

typedef struct {
    const char *name;
    const char *text;
    const char *want;   /* expected in the message, with the line: "t:LINE: ..." */
} bad_case;

#define HEAD "title: T\nachievement: A\nawarder: W\n"

static void test_bad(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"unknown key", HEAD "colour: blue\n", "t:4: unknown key 'colour'"},
        {"duplicate title", HEAD "# c\n\ntitle: again\n", "t:6: title given twice (first on line 1)"},
        {"duplicate eqf", HEAD "eqf: 3\neqf: 4\n", "t:5: eqf given twice"},
        {"no colon", HEAD "skill forklift\n", "t:4: expected 'key: value'"},
        {"empty value", HEAD "qa:\n", "t:4: qa: the value is empty"},
        {"eqf 0", HEAD "eqf: 0\n", "t:4: eqf: the EQF level is 1 to 8"},
        {"eqf 9", HEAD "eqf: 9\n", "t:4: eqf: the EQF level is 1 to 8"},
        {"eqf -1", HEAD "eqf: -1\n", "t:4: eqf:"},
        {"eqf 3.5", HEAD "eqf: 3.5\n", "t:4: eqf:"},
        {"bad assessment", HEAD "assessment: exam\n", "t:4: assessment: 'exam' is not one of none, self"},
        {"assessment by number", HEAD "assessment: 3\n", "t:4: assessment: '3'"},
        {"bad participation", HEAD "participation: remote\n", "t:4: participation: 'remote'"},
        {"bad type", HEAD "type: Diploma\n", "t:4: type: 'Diploma'"},
        {"country lower case", HEAD "country: ie\n", "t:4: country:"},
        {"country 3 letters", HEAD "country: IRL\n", "t:4: country:"},
        {"bad lang", HEAD "lang: english!\n", "t:4: lang:"},
        {"skill without framework", HEAD "skill: forklift\n", "t:4: skill: 'forklift': a skill is framework:code"},
        {"esco not a uuid", HEAD "skill: esco:operate-forklift\n", "t:4: skill: 'esco:operate-forklift': an ESCO skill"},
        {"esco upper case", HEAD "skill: esco:28CB374E-6261-4133-8371-F9A5470145DA\n", "t:4: skill:"},
        {"esco short", HEAD "skill: esco:28cb374e-6261-4133-8371-f9a5470145d\n", "t:4: skill:"},
        {"validity no unit", HEAD "validity: 3\n", "t:4: validity:"},
        {"validity fortnights", HEAD "validity: 2 fortnights\n", "t:4: validity:"},
        {"validity zero", HEAD "validity: 0 days\n", "t:4: validity:"},
        {"validity 100001", HEAD "validity: 100001 days\n", "t:4: validity:"},
        {"validity 2^32 + 1 (was 1 day)", HEAD "validity: 4294967297 days\n", "t:4: validity:"},
        {"validity 2^64 + 1", HEAD "validity: 18446744073709551617 days\n", "t:4: validity:"},
        {"validity -5", HEAD "validity: -5 days\n", "t:4: validity:"},
        {"validity +5", HEAD "validity: +5 days\n", "t:4: validity:"},
        {"validity 5 days!", HEAD "validity: 5 days!\n", "t:4: validity:"},
        {"validity upper case", HEAD "validity: 5 DAYS\n", "t:4: validity:"},
        {"validity 5 5 days", HEAD "validity: 5 5 days\n", "t:4: validity:"},
        {"validity 16 letters", HEAD "validity: 5 daysdaysdaysdays\n", "t:4: validity:"},
        {"validity no number", HEAD "validity: days\n", "t:4: validity:"},
        {"workload words", HEAD "workload: eight\n", "t:4: workload:"},
        {"missing title", "achievement: A\nawarder: W\n", "t: missing 'title:'"},
        {"missing awarder", "title: T\nachievement: A\n", "t: missing 'awarder:'"},
        {"control character", HEAD "qa: a\tb\n", "t:4: qa: the value is not one line of text (it holds a control character)"},
        {"bad UTF-8", HEAD "qa: caf\xe9\n", "t:4: qa: the value is not valid UTF-8"},
        {"overlong UTF-8", HEAD "qa: \xc0\xaf\n", "t:4: qa: the value is not valid UTF-8"},
        {"NUL byte", HEAD "qa: a\0b\n", "t: holds a NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tmpl t;
        char err[600] = "";
        size_t len = strlen(cases[i].text);
        if (strcmp(cases[i].name, "NUL byte") == 0)
            len = sizeof HEAD - 1 + 8;
        bool ok = tmpl_parse(cases[i].text, len, "t", &t, err, sizeof err);
        if (ok || !strstr(err, cases[i].want))
            print_error("case '%s': got '%s', want '%s'\n", cases[i].name, ok ? "(accepted)" : err,
                        cases[i].want);
        assert_false(ok);
        assert_non_null(strstr(err, cases[i].want));
    }
}

/* Boundaries: a 512-byte title is fine and 513 is not; 32 skills are fine
 * and 33 are not (FORMAT.md limits). */
static void test_limits(void **state)
{
    (void)state;
    char *text = malloc(40000), err[600];
    tmpl t;
    for (int n = 511; n <= 513; n++) {
        int o = sprintf(text, "title: ");
        memset(text + o, 'x', (size_t)n);
        o += n;
        o += sprintf(text + o, "\nachievement: A\nawarder: W\n");
        bool ok = tmpl_parse(text, (size_t)o, "t", &t, err, sizeof err);
        assert_int_equal(ok, n <= 512);
        if (ok)
            tmpl_free(&t);
        else
            assert_non_null(strstr(err, "t:1: title: the value is longer than 512 bytes"));
    }
    for (int n = 31; n <= 33; n++) {
        int o = sprintf(text, HEAD);
        for (int k = 0; k < n; k++)
            o += sprintf(text + o, "skill: x:s%d\npathway: p%d\n", k, k);
        bool ok = tmpl_parse(text, (size_t)o, "t", &t, err, sizeof err);
        assert_int_equal(ok, n <= 32);
        if (ok) {
            assert_int_equal(t.n_skills, (size_t)n);
            tmpl_free(&t);
        } else {
            assert_non_null(strstr(err, "t:68: skill: at most 32 skills"));
        }
    }
    /* validity: N from 1 to 100000, then the unit, with or without blanks
     * between (app/template.c, as the sscanf it replaced read them) */
    static const struct {
        const char *v;
        bool ok;
        unsigned n;
        tmpl_unit unit;
    } validity[] = {
        {"1 day", true, 1, TMPL_DAYS},           {"99999 days", true, 99999, TMPL_DAYS},
        {"100000 days", true, 100000, TMPL_DAYS}, {"100001 days", false, 0, TMPL_DAYS},
        {"0 days", false, 0, TMPL_DAYS},          {"5days", true, 5, TMPL_DAYS},
        {"5   weeks", true, 5, TMPL_WEEKS},       {"007 months", true, 7, TMPL_MONTHS},
        {"2 year", true, 2, TMPL_YEARS},          {"5 dayss", false, 0, TMPL_DAYS},
    };
    for (size_t i = 0; i < sizeof validity / sizeof *validity; i++) {
        int o = sprintf(text, HEAD "validity: %s\n", validity[i].v);
        bool ok = tmpl_parse(text, (size_t)o, "t", &t, err, sizeof err);
        if (ok != validity[i].ok)
            print_error("validity '%s': %s\n", validity[i].v, ok ? "accepted" : err);
        assert_int_equal(ok, validity[i].ok);
        if (ok) {
            assert_true(t.has_validity);
            assert_int_equal(t.validity_n, validity[i].n);
            assert_int_equal(t.validity_unit, validity[i].unit);
            tmpl_free(&t);
        }
    }
    free(text);
}

static void test_names_and_validity(void **state)
{
    (void)state;
    const char *text = "\xef\xbb\xbf# comment\r\n  title :  Café, niveau 1  \r\nachievement: A\r\n"
                       "awarder: W\r\nassessment: Practical-Demonstration\r\n"
                       "participation: ON-SITE\r\ntype: microcredential\r\nvalidity: 1 month\r\n";
    tmpl t;
    char err[600];
    assert_true(tmpl_parse(text, strlen(text), "t", &t, err, sizeof err));
    assert_string_equal(t.title, "Café, niveau 1");
    assert_int_equal(t.assessment, 4);
    assert_int_equal(t.participation, 1);
    assert_int_equal(t.type, 0);
    assert_true(t.has & TESS_HAS_TYPE);

    static const struct {
        unsigned n;
        tmpl_unit unit;
        uint64_t iat, want;
    } periods[] = {
        /* 2027-01-31 12:00 + 1 month = 2027-02-28 12:00 (clamped) */
        {1, TMPL_MONTHS, 1801396800u, 1803816000u},
        /* 2028-02-29 + 1 year = 2029-02-28 */
        {1, TMPL_YEARS, 1835395200u, 1866931200u},
        /* 2026-11-28 18:25:02 + 3 years = 2029-11-28 18:25:02 */
        {3, TMPL_YEARS, 1795890302u, 1890584702u},
        /* 2026-12-31 + 1 month = 2027-01-31 */
        {1, TMPL_MONTHS, 1798675200u, 1801353600u},
        {10, TMPL_DAYS, 1000u, 1000u + 864000u},
        {2, TMPL_WEEKS, 0u, 1209600u},
    };
    for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
        t.validity_n = periods[i].n;
        t.validity_unit = periods[i].unit;
        uint64_t exp;
        assert_true(tmpl_expiry(&t, periods[i].iat, &exp));
        if (exp != periods[i].want)
            print_error("period %zu: got %llu, want %llu\n", i, (unsigned long long)exp,
                        (unsigned long long)periods[i].want);
        assert_int_equal(exp, periods[i].want);
    }
    tmpl_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_names_and_validity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
