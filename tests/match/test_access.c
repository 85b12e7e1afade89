/*
 * test_access.c: door access lists (app/match/access.h). A table of bad
 * lists with line numbers; a table of decisions: the issuer exact or *,
 * achievement prefixes, and every way a badge is refused, each with the
 * reason expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

static void test_parse(void **state)
{
    (void)state;
    const char *good = "\xEF\xBB\xBF# the workshop room\r\n"
                       "allow https://training.example FAW-\r\n"
                       "\n"
                       "  allow\thttps://academy.example  \n"
                       "allow * DIG-\n";
    access_list l;
    char err[256];
    assert_true(access_parse(&l, good, strlen(good), "door", err, sizeof err));
    assert_int_equal(l.n, 3);
    assert_string_equal(l.rules[0].iss, "https://training.example");
    assert_string_equal(l.rules[0].prefix, "FAW-");
    assert_int_equal(l.rules[0].line, 2);
    assert_string_equal(l.rules[1].iss, "https://academy.example");
    assert_null(l.rules[1].prefix);
    assert_int_equal(l.rules[1].line, 4);
    assert_null(l.rules[2].iss);
    assert_string_equal(l.rules[2].prefix, "DIG-");
    access_free(&l);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"", "door: no 'allow' line"},
        {"# nothing\n\n", "door: no 'allow' line"},
        {"allow\n", "door:1: allow: give the issuer's iss"},
        {"allow https://a.example\ndeny https://b.example\n",
         "door:2: expected 'allow ISS [ACHIEVEMENT_PREFIX]', not 'deny'"},
        {"Allow https://a.example\n", "door:1: expected 'allow ISS"},
        {"allow https://a.example FAW- extra\n", "door:1: allow: 'extra' is one word too many"},
        {"allow https://a.example \x01\n", "door:1: the line is not one line of text"},
        {"allow https://\xC3\x28.example\n", "door:1: the line is not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char e[256] = "";
        bool ok = access_parse(&l, bad[i].text, strlen(bad[i].text), "door", e, sizeof e);
        if (ok || !strstr(e, bad[i].want))
            print_error("case %zu: got '%s', want '%s'\n", i, ok ? "(parsed)" : e, bad[i].want);
        assert_false(ok);
        assert_non_null(strstr(e, bad[i].want));
        assert_null(l.text);
    }
    /* 256 lines are fine, 257 are not */
    size_t cap = 300 * 32;
    char *many = malloc(cap);
    size_t n = 0;
    for (int i = 0; i < 257; i++)
        n += (size_t)snprintf(many + n, cap - n, "allow https://i%d.example\n", i);
    assert_false(access_parse(&l, many, n, "door", err, sizeof err));
    assert_non_null(strstr(err, "door:257: at most 256 allow lines"));
    n -= strlen("allow https://i256.example\n");
    assert_true(access_parse(&l, many, n, "door", err, sizeof err));
    assert_int_equal(l.n, ACCESS_MAX_RULES);
    access_free(&l);
    free(many);
    /* the shipped example */
    bool shipped = access_load(&l, TESS_ROLES_DIR "/workshop_room.access", err, sizeof err);
    if (!shipped)
        print_error("%s\n", err);
    assert_true(shipped);
    assert_int_equal(l.n, 2);
    assert_null(l.rules[1].iss);
    access_free(&l);
    assert_false(access_load(&l, "/nonexistent/door.acl", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/door.acl: cannot open"));
}

#define NOW 1800000000u

static void badge(tess_status reason, const char *iss, size_t iss_len, const char *ach,
                  uint64_t exp, match_badge *out)
{
    tess_verdict v;
    memset(&v, 0, sizeof v);
    v.reason = reason;
    static const uint8_t cti[16] = {1};
    if (iss) {
        v.has_issuer = v.has_cred = true;
        v.issuer.name = sp("Centre");
        v.cred.iss = (tess_span){(const uint8_t *)iss, iss_len};
        v.cred.achievement = sp(ach);
        v.cred.cti = cti;
        v.cred.holder = sp("H");
        v.cred.title = sp("T");
        if (exp) {
            v.cred.has |= TESS_HAS_EXP;
            v.cred.exp = exp;
        }
    }
    match_badge_from_verdict(&v, out);
}

static void test_decide(void **state)
{
    (void)state;
    const char *text = "allow https://training.example FAW-\n"
                       "allow https://academy.example\n";
    const char *any = "allow * DIG-\n";
    access_list l, la;
    char err[256];
    assert_true(access_parse(&l, text, strlen(text), "door", err, sizeof err));
    assert_true(access_parse(&la, any, strlen(any), "any", err, sizeof err));
    static const struct {
        const char *name;
        int list;              /* 0: l, 1: la */
        tess_status reason;
        const char *iss;       /* NULL: no credential */
        size_t iss_len;        /* 0: strlen */
        const char *ach;
        uint64_t exp;
        uint64_t now;
        access_verdict want;
        access_why why;
        tess_status want_reason;
        size_t rule;
    } cases[] = {
        {"issuer and prefix", 0, TESS_OK, "https://training.example", 0, "FAW-3D", 0, NOW,
         ACCESS_ENTER, ACCESS_OK, TESS_OK, 0},
        {"the prefix exactly", 0, TESS_OK, "https://training.example", 0, "FAW-", 0, NOW,
         ACCESS_ENTER, ACCESS_OK, TESS_OK, 0},
        {"prefix one short", 0, TESS_OK, "https://training.example", 0, "FAW", 0, NOW,
         ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"prefix is case-sensitive", 0, TESS_OK, "https://training.example", 0, "faw-3d", 0, NOW,
         ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"issuer without prefix: any achievement", 0, TESS_OK, "https://academy.example", 0,
         "ANYTHING", 0, NOW, ACCESS_ENTER, ACCESS_OK, TESS_OK, 1},
        {"another issuer", 0, TESS_OK, "https://elsewhere.example", 0, "FAW-3D", 0, NOW,
         ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"an issuer that starts like a listed one", 0, TESS_OK, "https://academy.example.evil",
         0, "X", 0, NOW, ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"an iss with a NUL after a listed one", 0, TESS_OK, "https://academy.example\0x", 25,
         "X", 0, NOW, ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"* takes any trusted issuer", 1, TESS_OK, "https://elsewhere.example", 0, "DIG-BASICS",
         0, NOW, ACCESS_ENTER, ACCESS_OK, TESS_OK, 0},
        {"* still wants the prefix", 1, TESS_OK, "https://elsewhere.example", 0, "FORK-L1", 0,
         NOW, ACCESS_REFUSE, ACCESS_NOT_LISTED, TESS_OK, 0},
        {"expired", 0, TESS_ERR_EXPIRED, "https://training.example", 0, "FAW-3D", NOW - 9999,
         NOW, ACCESS_REFUSE, ACCESS_INVALID, TESS_ERR_EXPIRED, 0},
        {"revoked", 0, TESS_ERR_REVOKED, "https://training.example", 0, "FAW-3D", 0, NOW,
         ACCESS_REFUSE, ACCESS_INVALID, TESS_ERR_REVOKED, 0},
        {"out of scope", 1, TESS_ERR_OUT_OF_SCOPE, "https://a.example", 0, "DIG-1", 0, NOW,
         ACCESS_REFUSE, ACCESS_INVALID, TESS_ERR_OUT_OF_SCOPE, 0},
        {"unknown issuer", 1, TESS_ERR_UNKNOWN_ISSUER, NULL, 0, NULL, 0, NOW, ACCESS_REFUSE,
         ACCESS_INVALID, TESS_ERR_UNKNOWN_ISSUER, 0},
        {"garbage", 1, TESS_ERR_NOT_MC1, NULL, 0, NULL, 0, NOW, ACCESS_REFUSE, ACCESS_INVALID,
         TESS_ERR_NOT_MC1, 0},
        {"valid when read, expired at the door", 0, TESS_OK, "https://training.example", 0,
         "FAW-3D", NOW - TESS_DEFAULT_SKEW, NOW, ACCESS_REFUSE, ACCESS_INVALID,
         TESS_ERR_EXPIRED, 0},
        {"a second before that", 0, TESS_OK, "https://training.example", 0, "FAW-3D",
         NOW - TESS_DEFAULT_SKEW + 1, NOW, ACCESS_ENTER, ACCESS_OK, TESS_OK, 0},
    };
    match_badge *b = malloc(sizeof *b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t il = cases[i].iss ? (cases[i].iss_len ? cases[i].iss_len : strlen(cases[i].iss)) : 0;
        badge(cases[i].reason, cases[i].iss, il, cases[i].ach, cases[i].exp, b);
        access_decision d = access_decide(cases[i].list ? &la : &l, b, cases[i].now);
        if (d.verdict != cases[i].want || d.why != cases[i].why ||
            d.reason != cases[i].want_reason)
            print_error("case '%s': got %s/%s/%s\n", cases[i].name, access_verdict_name(d.verdict),
                        access_why_name(d.why), tess_reason(d.reason));
        assert_int_equal(d.verdict, cases[i].want);
        assert_int_equal(d.why, cases[i].why);
        assert_int_equal(d.reason, cases[i].want_reason);
        if (d.verdict == ACCESS_ENTER)
            assert_int_equal(d.rule, cases[i].rule);
    }
    assert_string_equal(access_verdict_name(ACCESS_ENTER), "enter");
    assert_string_equal(access_why_name(ACCESS_NOT_LISTED), "not_listed");
    free(b);
    access_free(&l);
    access_free(&la);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_decide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
