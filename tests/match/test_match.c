/*
 * test_match.c: the booth's session engine (app/match/match.h).
 *
 * A table of sessions against roles, each with the state expected for
 * every skill (proven by which badge, missing, below_eqf), the refused
 * badges and their reasons, and the score: alternatives, min_eqf at N-1,
 * N and N+1, a badge without an EQF level, an expired and a revoked
 * credential, a badge that expires during the session (a second either
 * side of exp + skew), the same cti twice, the badge valid longest, a full
 * session. Then 20 badges against 50-skill roles, compared with a
 * brute-force reference written here, over many random sessions. Then
 * pathways, from a bundle with pathway entries and real credentials
 * issued and verified through the core.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "role.h"
#include "testkit.h"

#define ISS_A "https://academy.example"
#define ISS_B "https://other.example"

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, s ? strlen(s) : 0};
    return r;
}

typedef struct {
    tess_status reason;   /* TESS_OK: valid */
    uint8_t cti;          /* first byte of the cti; 0: no credential at all */
    uint64_t exp;         /* 0: none */
    uint64_t eqf;         /* 0: none */
    const char *skills;   /* codes separated by spaces */
} badge_in;

/* A verdict as tess_verify leaves it, copied into a badge. */
static void make_badge(const badge_in *in, match_badge *out)
{
    tess_verdict v;
    memset(&v, 0, sizeof v);
    v.reason = in->reason;
    static uint8_t ctis[256][16];
    static char skill_text[256][512];
    if (in->cti) {
        v.has_issuer = true;
        v.issuer.iss = sp(ISS_A);
        v.issuer.name = sp("Example Academy");
        v.has_cred = true;
        tess_credential *cr = &v.cred;
        memset(ctis[in->cti], 0, 16);
        ctis[in->cti][0] = in->cti;
        cr->cti = ctis[in->cti];
        cr->iss = sp(ISS_A);
        cr->holder = sp("Maria Garcia");
        cr->title = sp("A badge");
        cr->achievement = sp("ACH");
        cr->awarder = sp("Example Academy");
        if (in->exp) {
            cr->has |= TESS_HAS_EXP;
            cr->exp = in->exp;
        }
        if (in->eqf) {
            cr->has |= TESS_HAS_EQF;
            cr->eqf = in->eqf;
        }
        char *t = skill_text[in->cti];
        snprintf(t, 512, "%s", in->skills ? in->skills : "");
        for (char *p = strtok(t, " "); p && cr->n_skills < TESS_MAX_LIST; p = strtok(NULL, " "))
            cr->skills[cr->n_skills++] = sp(p);
    }
    match_badge_from_verdict(&v, out);
}

#define NOW 1800000000u
#define SKEW TESS_DEFAULT_SKEW

typedef struct {
    const char *name;
    const char *role;          /* role file text */
    badge_in badges[6];
    size_t n_badges;
    uint64_t now;
    const char *required;      /* per required skill: 'P'roven, 'M'issing, 'B'elow eqf */
    int by[8];                 /* the badge index per required skill (-1: none) */
    const char *desired;
    unsigned score;
    const char *refused;       /* "index:reason ..." */
} engine_case;

static const engine_case cases[] = {
    {"one proven, one missing",
     "title: R\nrequire: x:a\nrequire: x:b\n",
     {{TESS_OK, 1, 0, 0, "x:a x:c"}}, 1, NOW, "PM", {0, -1}, "", 50, ""},
    {"an alternative proves it",
     "title: R\nrequire: x:a | x:b | x:c\n",
     {{TESS_OK, 1, 0, 0, "x:z x:c"}}, 1, NOW, "P", {0}, "", 100, ""},
    {"score rounds down: 1 of 3",
     "title: R\nrequire: x:a\nrequire: x:b\nrequire: x:c\n",
     {{TESS_OK, 1, 0, 0, "x:c"}}, 1, NOW, "MMP", {-1, -1, 0}, "", 33, ""},
    {"score rounds down: 2 of 3",
     "title: R\nrequire: x:a\nrequire: x:b\nrequire: x:c\n",
     {{TESS_OK, 1, 0, 0, "x:c x:a"}}, 1, NOW, "PMP", {0, -1, 0}, "", 66, ""},
    {"no required skills: 100",
     "title: R\ndesire: x:a\n",
     {{TESS_OK, 1, 0, 0, "x:b"}}, 1, NOW, "", {-1}, "M", 100, ""},
    {"min_eqf 3: EQF 2 is below",
     "title: R\nmin_eqf: 3\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 2, "x:a"}}, 1, NOW, "B", {0}, "", 0, ""},
    {"min_eqf 3: EQF 3 proves",
     "title: R\nmin_eqf: 3\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 3, "x:a"}}, 1, NOW, "P", {0}, "", 100, ""},
    {"min_eqf 3: EQF 4 proves",
     "title: R\nmin_eqf: 3\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 4, "x:a"}}, 1, NOW, "P", {0}, "", 100, ""},
    {"min_eqf: a badge without EQF is below",
     "title: R\nmin_eqf: 1\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 0, "x:a"}}, 1, NOW, "B", {0}, "", 0, ""},
    {"min_eqf: a low badge and a high one: the high one proves",
     "title: R\nmin_eqf: 4\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 2, "x:a"}, {TESS_OK, 2, NOW + 10, 5, "x:a"}}, 2, NOW, "P", {1}, "", 100, ""},
    {"min_eqf applies to required skills only",
     "title: R\nmin_eqf: 5\nrequire: x:a\ndesire: x:b\n",
     {{TESS_OK, 1, 0, 2, "x:a x:b"}}, 1, NOW, "B", {0}, "P", 0, ""},
    {"an expired credential is refused and proves nothing",
     "title: R\nrequire: x:a\n",
     {{TESS_ERR_EXPIRED, 1, NOW - 86400, 0, "x:a"}}, 1, NOW, "M", {-1}, "", 0, "0:expired"},
    {"a revoked credential is refused",
     "title: R\nrequire: x:a\nrequire: x:b\n",
     {{TESS_ERR_REVOKED, 1, 0, 0, "x:a"}, {TESS_OK, 2, 0, 0, "x:b"}}, 2, NOW, "MP", {-1, 1}, "",
     50, "0:revoked"},
    {"garbage is refused with its reason",
     "title: R\nrequire: x:a\n",
     {{TESS_ERR_NOT_MC1, 0, 0, 0, NULL}, {TESS_ERR_BAD_SIGNATURE, 0, 0, 0, NULL}}, 2, NOW, "M",
     {-1}, "", 0, "0:not_mc1 1:bad_signature"},
    {"valid when read, expired by now (exp + skew = now)",
     "title: R\nrequire: x:a\n",
     {{TESS_OK, 1, NOW - SKEW, 0, "x:a"}}, 1, NOW, "M", {-1}, "", 0, "0:expired"},
    {"still counts a second before (exp + skew = now + 1)",
     "title: R\nrequire: x:a\n",
     {{TESS_OK, 1, NOW - SKEW + 1, 0, "x:a"}}, 1, NOW, "P", {0}, "", 100, ""},
    {"the badge valid longest names the skill",
     "title: R\nrequire: x:a\n",
     {{TESS_OK, 1, NOW + 100, 0, "x:a"}, {TESS_OK, 2, NOW + 300, 0, "x:a"},
      {TESS_OK, 3, NOW + 200, 0, "x:a"}}, 3, NOW, "P", {1}, "", 100, ""},
    {"no expiry is longest",
     "title: R\nrequire: x:a\n",
     {{TESS_OK, 1, NOW + 100, 0, "x:a"}, {TESS_OK, 2, 0, 0, "x:a"},
      {TESS_OK, 3, NOW + 999999, 0, "x:a"}}, 3, NOW, "P", {1}, "", 100, ""},
    {"a tie goes to the first scanned",
     "title: R\nrequire: x:a\n",
     {{TESS_OK, 1, 0, 0, "x:b"}, {TESS_OK, 2, 0, 0, "x:a"}, {TESS_OK, 3, 0, 0, "x:a"}}, 3, NOW,
     "P", {1}, "", 100, ""},
    {"the same credential twice counts once",
     "title: R\nrequire: x:a\nrequire: x:b\n",
     {{TESS_OK, 7, 0, 0, "x:a"}, {TESS_OK, 7, 0, 0, "x:a x:b"}}, 2, NOW, "PM", {0, -1}, "", 50, ""},
    {"a code is compared whole (no prefix, no case folding)",
     "title: R\nrequire: x:ab\nrequire: x:A\n",
     {{TESS_OK, 1, 0, 0, "x:a x:abc x:a"}}, 1, NOW, "MM", {-1, -1}, "", 0, ""},
};

static const char *state_letters = "MPB";

static void run_case(const engine_case *c)
{
    role r;
    char err[256];
    bool parsed = role_parse(c->role, strlen(c->role), c->name, &r, err, sizeof err);
    if (!parsed)
        print_error("%s\n", err);
    assert_true(parsed);
    match_session *s = malloc(sizeof *s);
    match_badge *b = malloc(sizeof *b);
    match_result *res = malloc(sizeof *res);
    match_session_init(s);
    for (size_t i = 0; i < c->n_badges; i++) {
        make_badge(&c->badges[i], b);
        size_t at;
        match_add added = match_session_add(s, b, &at);
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= c->badges[i].cti && c->badges[k].cti == c->badges[i].cti;
        assert_int_equal(added, dup ? MATCH_DUPLICATE : MATCH_ADDED);
    }
    match_evaluate(&r, s, c->now, res);
    char got[16] = "", got_d[16] = "";
    for (size_t k = 0; k < res->n_required; k++)
        got[k] = state_letters[res->required[k].state];
    for (size_t k = 0; k < res->n_desired; k++)
        got_d[k] = state_letters[res->desired[k].state];
    char refused[256] = "";
    size_t n = 0;
    for (size_t k = 0; k < res->n_refused; k++)
        n += (size_t)snprintf(refused + n, sizeof refused - n, "%s%zu:%s", k ? " " : "",
                              res->refused[k], tess_reason(res->refused_reason[k]));
    if (strcmp(got, c->required) || strcmp(got_d, c->desired) || res->score != c->score ||
        strcmp(refused, c->refused))
        print_error("case '%s': required %s (want %s), desired %s (want %s), score %u (want "
                    "%u), refused '%s' (want '%s')\n",
                    c->name, got, c->required, got_d, c->desired, res->score, c->score, refused,
                    c->refused);
    assert_string_equal(got, c->required);
    assert_string_equal(got_d, c->desired);
    assert_int_equal(res->score, c->score);
    assert_string_equal(refused, c->refused);
    for (size_t k = 0; k < res->n_required; k++) {
        if (c->by[k] < 0) {
            assert_int_equal(res->required[k].state, MATCH_MISSING);
        } else {
            if ((int)res->required[k].badge != c->by[k])
                print_error("case '%s': skill %zu by badge %zu, want %d\n", c->name, k,
                            res->required[k].badge, c->by[k]);
            assert_int_equal(res->required[k].badge, c->by[k]);
        }
    }
    assert_int_equal(res->n_counted + res->n_refused, s->n);
    free(s);
    free(b);
    free(res);
    role_free(&r);
}

static void test_engine_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

static void test_badge_copy(void **state)
{
    (void)state;
    /* Which alternative proved it, and what the copy keeps. */
    role r;
    char err[256];
    const char *text = "title: R\nrequire: x:a | x:b\n";
    assert_true(role_parse(text, strlen(text), "r", &r, err, sizeof err));
    match_session *s = malloc(sizeof *s);
    match_badge *b = malloc(sizeof *b);
    match_result res;
    match_session_init(s);
    badge_in in = {TESS_OK, 9, NOW + 5, 3, "x:q x:b"};
    make_badge(&in, b);
    assert_true(b->valid && b->has_cred && b->has_issuer && b->has_exp);
    assert_string_equal(match_badge_str(b, b->iss), ISS_A);
    assert_string_equal(match_badge_str(b, b->issuer_name), "Example Academy");
    assert_string_equal(match_badge_str(b, b->holder), "Maria Garcia");
    assert_int_equal(b->eqf, 3);
    assert_int_equal(b->n_skills, 2);
    assert_string_equal(match_badge_str(b, b->skills[1]), "x:b");
    assert_int_equal(b->cti[0], 9);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    match_evaluate(&r, s, NOW, &res);
    assert_int_equal(res.required[0].state, MATCH_PROVEN);
    assert_int_equal(res.required[0].alt, 1);

    /* A verdict with nothing in it (garbage) copies to a refused badge;
     * two of them are two badges, not a duplicate. */
    tess_verdict v;
    memset(&v, 0, sizeof v);
    v.reason = TESS_ERR_BAD_BASE45;
    match_badge_from_verdict(&v, b);
    assert_false(b->valid);
    assert_false(b->has_cred);
    assert_string_equal(match_badge_str(b, b->iss), "");
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(s->n, 3);
    tess_status why;
    assert_false(match_badge_counts(b, NOW, &why));
    assert_int_equal(why, TESS_ERR_BAD_BASE45);

    /* A full session refuses the 33rd badge, and clear forgets all. */
    match_session_init(s);
    for (unsigned i = 0; i < MATCH_MAX_BADGES; i++) {
        badge_in k = {TESS_OK, (uint8_t)(i + 1), 0, 0, "x:a"};
        make_badge(&k, b);
        assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    }
    badge_in last = {TESS_OK, 200, 0, 0, "x:a"};
    make_badge(&last, b);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_FULL);
    badge_in again = {TESS_OK, 5, 0, 0, "x:a"};
    make_badge(&again, b);
    size_t at = 99;
    assert_int_equal(match_session_add(s, b, &at), MATCH_DUPLICATE);
    assert_int_equal(at, 4);
    match_session_clear(s);
    assert_int_equal(s->n, 0);
    assert_int_equal(s->badges[0].pool[1], 0);
    free(s);
    free(b);
    role_free(&r);

    /* The issuer's name is cut at 512 bytes on a character boundary. */
    memset(&v, 0, sizeof v);
    v.reason = TESS_ERR_UNKNOWN_ISSUER;
    v.has_issuer = true;
    static char name[700];
    for (size_t i = 0; i < 699; i += 2)
        memcpy(name + i, "\xC3\xA9", 2);   /* é */
    name[698] = '\0';
    memcpy(name, "a", 1);                  /* the boundaries are now odd */
    name[1] = 'b';
    v.issuer.name = sp(name);
    match_badge one;
    match_badge_from_verdict(&v, &one);
    const char *got = match_badge_str(&one, one.issuer_name);
    assert_true(strlen(got) <= TESS_MAX_STRING);
    assert_true(strlen(got) >= TESS_MAX_STRING - 1);
    assert_int_not_equal((unsigned char)got[strlen(got) - 1], 0xC3);
}

/* ---- 20 badges, 50 skills: against a brute-force reference ---- */

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

#define POOL 90

/* Reference: for each skill, the candidates listed, then ordered. Written
 * apart from match.c: codes compared as strings, badges as lists. */
static void reference(const role *r, const match_badge *bs, size_t n, uint64_t now,
                      match_state *state, int *by)
{
    for (size_t k = 0; k < r->n_require; k++) {
        int best = -1, low = -1;
        for (size_t i = 0; i < n; i++) {
            const match_badge *b = &bs[i];
            bool ok = b->valid && (!b->has_exp || b->exp + SKEW > now);
            if (!ok)
                continue;
            bool has = false;
            for (size_t a = 0; a < r->require[k].n_codes; a++)
                for (size_t j = 0; j < b->n_skills; j++)
                    has |= strcmp(r->require[k].codes[a], match_badge_str(b, b->skills[j])) == 0;
            if (!has)
                continue;
            int *slot = (r->min_eqf && b->eqf < r->min_eqf) ? &low : &best;
            if (*slot < 0) {
                *slot = (int)i;
                continue;
            }
            const match_badge *c = &bs[*slot];
            uint64_t eb = b->has_exp ? b->exp : UINT64_MAX, ec = c->has_exp ? c->exp : UINT64_MAX;
            if (eb > ec)
                *slot = (int)i;
        }
        state[k] = best >= 0 ? MATCH_PROVEN : low >= 0 ? MATCH_BELOW_EQF : MATCH_MISSING;
        by[k] = best >= 0 ? best : low;
    }
}

static void test_twenty_by_fifty(void **state)
{
    (void)state;
    static char codes[POOL][24];
    for (int i = 0; i < POOL; i++)
        snprintf(codes[i], sizeof codes[i], "x:skill-%02d", i);
    match_session *s = malloc(sizeof *s);
    match_badge *bs = malloc(20 * sizeof *bs);
    match_result *res = malloc(sizeof *res);
    static char role_buf[8192];
    static char skills[20][512];
    size_t proven_total = 0, below_total = 0, missing_total = 0;
    for (int round = 0; round < 300; round++) {
        /* a role of 50 required skills, 1 to 3 alternatives each, codes
         * drawn without repeats */
        bool used[POOL] = {false};
        size_t len = (size_t)snprintf(role_buf, sizeof role_buf, "title: Big\n");
        if (round % 3)
            len += (size_t)snprintf(role_buf + len, sizeof role_buf - len, "min_eqf: %u\n",
                                    (unsigned)(1 + next() % 8));
        int free_codes = POOL;
        for (int k = 0; k < 50; k++) {
            int alts = free_codes > 60 ? 1 + (int)(next() % 3) : 1;
            len += (size_t)snprintf(role_buf + len, sizeof role_buf - len, "require: ");
            for (int a = 0; a < alts; a++) {
                int c;
                do
                    c = (int)(next() % POOL);
                while (used[c]);
                used[c] = true;
                free_codes--;
                len += (size_t)snprintf(role_buf + len, sizeof role_buf - len, "%s%s",
                                        a ? " | " : "", codes[c]);
            }
            len += (size_t)snprintf(role_buf + len, sizeof role_buf - len, "\n");
        }
        role r;
        char err[256];
        bool parsed = role_parse(role_buf, len, "big", &r, err, sizeof err);
        if (!parsed)
            print_error("%s\n", err);
        assert_true(parsed);
        assert_int_equal(r.n_require, 50);
        match_session_init(s);
        for (int i = 0; i < 20; i++) {
            size_t n = 0;
            int ns = (int)(next() % 33);
            skills[i][0] = '\0';
            for (int j = 0; j < ns && n < 480; j++)
                n += (size_t)snprintf(skills[i] + n, sizeof skills[i] - n, "%s%s", j ? " " : "",
                                      codes[next() % POOL]);
            uint32_t kind = next() % 10;
            badge_in in = {kind == 0 ? TESS_ERR_EXPIRED : kind == 1 ? TESS_ERR_REVOKED : TESS_OK,
                           (uint8_t)(i + 1),
                           next() % 3 == 0 ? 0 : NOW - 1000 + next() % 100000,
                           next() % 4 == 0 ? 0 : 1 + next() % 8, skills[i]};
            make_badge(&in, &bs[i]);
            /* more than 32 codes cannot be in a credential: make_badge
             * keeps them all, so cap the text above */
            assert_int_equal(match_session_add(s, &bs[i], NULL), MATCH_ADDED);
        }
        match_evaluate(&r, s, NOW, res);
        match_state want[50];
        int by[50];
        reference(&r, bs, 20, NOW, want, by);
        size_t proven = 0;
        for (int k = 0; k < 50; k++) {
            if (res->required[k].state != want[k] ||
                (want[k] != MATCH_MISSING && (int)res->required[k].badge != by[k]))
                print_error("round %d skill %d: got %d by %zu, want %d by %d\n", round, k,
                            res->required[k].state, res->required[k].badge, want[k], by[k]);
            assert_int_equal(res->required[k].state, want[k]);
            if (want[k] != MATCH_MISSING)
                assert_int_equal(res->required[k].badge, by[k]);
            proven += want[k] == MATCH_PROVEN;
            proven_total += want[k] == MATCH_PROVEN;
            below_total += want[k] == MATCH_BELOW_EQF;
            missing_total += want[k] == MATCH_MISSING;
        }
        assert_int_equal(res->n_required_proven, proven);
        assert_int_equal(res->score, proven * 100 / 50);
        role_free(&r);
    }
    /* the random sessions reached every state */
    assert_true(proven_total > 100 && below_total > 100 && missing_total > 100);
    free(s);
    free(bs);
    free(res);
}

/* ---- pathways, through the core ---- */

typedef struct {
    tk_world *w;
    uint8_t file[65536];
    size_t len;
    uint32_t issuer_at[8];
    uint8_t scratch[65536 + 64];
    tess_bundle bundle;
} pw_world;

static void build_bundle(pw_world *p)
{
    tk_world *w = p->w;
    static const char *const wh_iss[] = {ISS_A, ISS_A, ISS_A};
    static const char *const wh_ach[] = {"FORK-L1", "FAW-3D", "DIG-BASICS"};
    static const char *const pair_iss[] = {ISS_B, ISS_A};
    static const char *const pair_ach[] = {"FAW-3D", "FAW-3D"};
    static const char *const un_iss[] = {ISS_A};
    static const char *const un_ach[] = {"NEVER-ISSUED"};
    tess_pathway_in pws[3] = {
        {"warehouse-cert", "Warehouse Operations Certificate", wh_iss, wh_ach, 3, false, 0},
        {"first-aider", "Workplace First Aider", pair_iss, pair_ach, 2, true, 1},
        {"unrelated", "Unrelated Pathway", un_iss, un_ach, 1, false, 0},
    };
    tess_issuer_in issuers[2];
    memset(issuers, 0, sizeof issuers);
    issuers[0] = w->issuers[0];
    memcpy(issuers[1].pk, w->other.pk, 32);
    issuers[1].iss = ISS_B;
    issuers[1].name = "Other Centre";
    issuers[1].not_before = 1577836800;
    issuers[1].not_after = 1893456000;
    size_t n_rev = 0;
    assert_int_equal(tess_bundle_sort(issuers, 2, NULL, &n_rev), TESS_OK);
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = 1;
    in.issued_at = TK_NOW - 3600;
    in.expires = TK_NOW + 90u * 86400u;
    in.publisher = "Tessera test fleet";
    in.issuers = issuers;
    in.n_issuers = 2;
    in.pathways = pws;
    in.n_pathways = 3;
    uint8_t payload[8192];
    size_t plen;
    assert_int_equal(tess_bundle_payload_encode(&in, payload, sizeof payload, &plen), TESS_OK);
    uint8_t sks[2][64];
    memcpy(sks[0], w->root[0].sk, 64);
    memcpy(sks[1], w->root[1].sk, 64);
    assert_int_equal(tess_bundle_sign(payload, plen, (const uint8_t(*)[64])sks, 2, p->scratch,
                                      sizeof p->scratch, p->file, sizeof p->file, &p->len),
                     TESS_OK);
    tess_span f = {p->file, p->len};
    assert_int_equal(tess_bundle_open(f, &w->trust_root, p->issuer_at, 8, p->scratch,
                                      sizeof p->scratch, &p->bundle),
                     TESS_OK);
    assert_int_equal(p->bundle.n_pathways, 3);
}

/* Issues a credential, verifies it against the bundle at TK_NOW and
 * copies the verdict into a badge. */
static tess_status scan(pw_world *p, const tk_key *key, const char *iss, const char *ach,
                        uint8_t cti0, uint64_t exp, const char *stack, match_badge *out)
{
    tess_credential cr;
    tk_default_cred(&cr);
    uint8_t cti[16] = {cti0, 0xA5};
    cr.cti = cti;
    cr.iss = sp(iss);
    cr.achievement = sp(ach);
    cr.exp = exp;
    if (!exp)
        cr.has &= ~(uint32_t)TESS_HAS_EXP;
    if (stack) {
        cr.has |= TESS_HAS_STACKS;
        cr.n_stacks = 1;
        cr.stacks[0] = sp(stack);
    }
    char text[8192];
    tk_issue(&cr, key, text);
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_status st = tess_verify(&p->w->verifier, text, strlen(text), &p->bundle, &clock,
                                 &p->w->verdict);
    match_badge_from_verdict(&p->w->verdict, out);
    /* nothing points into the verifier: wipe it as the kiosk does */
    memset(&p->w->verifier, 0xEE, sizeof p->w->verifier);
    memset(&p->w->verdict, 0xEE, sizeof p->w->verdict);
    return st;
}

static const match_pathway *find(const match_pathways_result *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->p[i].id.len == strlen(id) && memcmp(r->p[i].id.ptr, id, r->p[i].id.len) == 0)
            return &r->p[i];
    return NULL;
}

static bool span_eq(tess_span s, const char *t)
{
    return s.len == strlen(t) && memcmp(s.ptr, t, s.len) == 0;
}

static void test_pathways(void **state)
{
    (void)state;
    pw_world *p = calloc(1, sizeof *p);
    p->w = tk_world_new();
    build_bundle(p);
    match_session *s = malloc(sizeof *s);
    match_badge *b = malloc(sizeof *b);
    match_pathways_result *r = malloc(sizeof *r);
    match_session_init(s);
    uint64_t exp = TK_NOW + 365u * 86400u;

    /* Nothing scanned: nothing counts toward anything. */
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 0);

    /* Forklift, without any stacks claim: 1 of 3 toward the certificate,
     * missing First Aid at Work and Digital Skills Basics. */
    assert_int_equal(scan(p, &p->w->issuer, ISS_A, "FORK-L1", 1, exp, NULL, b), TESS_OK);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 1);
    const match_pathway *wh = find(r, "warehouse-cert");
    assert_non_null(wh);
    assert_true(span_eq(wh->title, "Warehouse Operations Certificate"));
    assert_int_equal(wh->met, 1);
    assert_int_equal(wh->needed, 3);
    assert_int_equal(wh->n_requirements, 3);
    assert_false(wh->complete);
    assert_int_equal(wh->n_missing, 2);
    assert_true(span_eq(wh->missing[0].achievement, "FAW-3D"));
    assert_true(span_eq(wh->missing[0].iss, ISS_A));
    assert_true(span_eq(wh->missing[1].achievement, "DIG-BASICS"));

    /* A stacks claim naming a pathway it does not meet counts for
     * nothing; the same achievement from another issuer meets nothing. */
    assert_int_equal(scan(p, &p->w->issuer, ISS_A, "FORK-L2", 2, exp, "unrelated", b), TESS_OK);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(scan(p, &p->w->other, ISS_B, "DIG-BASICS", 3, exp, NULL, b), TESS_OK);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 1);
    assert_null(find(r, "unrelated"));
    assert_int_equal(find(r, "warehouse-cert")->met, 1);

    /* An expired First Aid at Work meets nothing. */
    assert_int_equal(scan(p, &p->w->issuer, ISS_A, "FAW-3D", 4, TK_NOW - 86400, NULL, b),
                     TESS_ERR_EXPIRED);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 1);

    /* A valid one: 2 of 3, and the first-aider pathway (1 of 2 needed)
     * complete. */
    assert_int_equal(scan(p, &p->w->issuer, ISS_A, "FAW-3D", 5, exp, NULL, b), TESS_OK);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    match_badge *faw = malloc(sizeof *faw);
    *faw = *b;
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 2);
    wh = find(r, "warehouse-cert");
    assert_int_equal(wh->met, 2);
    assert_int_equal(wh->n_missing, 1);
    assert_true(span_eq(wh->missing[0].achievement, "DIG-BASICS"));
    const match_pathway *fa = find(r, "first-aider");
    assert_non_null(fa);
    assert_int_equal(fa->met, 1);
    assert_int_equal(fa->needed, 1);
    assert_true(fa->complete);
    assert_int_equal(fa->n_missing, 1);
    assert_true(span_eq(fa->missing[0].iss, ISS_B));

    /* The same session once those badges have expired (a second either
     * side of exp + skew): they count until then, and nothing after. */
    assert_int_equal(match_pathways(&p->bundle, s, exp + SKEW - 1, r), TESS_OK);
    assert_int_equal(r->n, 2);
    assert_int_equal(match_pathways(&p->bundle, s, exp + SKEW, r), TESS_OK);
    assert_int_equal(r->n, 0);

    /* Digital Skills Basics from the right issuer completes it. */
    assert_int_equal(scan(p, &p->w->issuer, ISS_A, "DIG-BASICS", 6, 0, NULL, b), TESS_OK);
    assert_int_equal(match_session_add(s, b, NULL), MATCH_ADDED);
    assert_int_equal(match_pathways(&p->bundle, s, TK_NOW, r), TESS_OK);
    wh = find(r, "warehouse-cert");
    assert_int_equal(wh->met, 3);
    assert_true(wh->complete);
    assert_int_equal(wh->n_missing, 0);

    /* Verify mode: what one badge contributes to. */
    assert_int_equal(match_badge_pathways(&p->bundle, faw, TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 2);
    assert_int_equal(find(r, "warehouse-cert")->met, 1);
    assert_true(find(r, "first-aider")->complete);
    assert_int_equal(match_badge_pathways(&p->bundle, &s->badges[1], TK_NOW, r), TESS_OK);
    assert_int_equal(r->n, 0);

    /* Titles for missing requirements come from the templates. */
    match_titles t;
    char err[512];
    assert_true(match_titles_load(&t, TESS_TEMPLATES_DIR, err, sizeof err));
    assert_string_equal(match_titles_find(&t, sp("FAW-3D")), "First Aid at Work");
    assert_string_equal(match_titles_find(&t, sp("FORK-L1")), "Forklift Safety, Level 1");
    assert_null(match_titles_find(&t, sp("FAW")));
    assert_null(match_titles_find(&t, sp("NEVER-ISSUED")));
    match_titles_free(&t);
    assert_true(match_titles_load(&t, "/nonexistent", err, sizeof err));
    assert_int_equal(t.n, 0);

    free(faw);
    free(s);
    free(b);
    free(r);
    tk_world_free(p->w);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_table),
        cmocka_unit_test(test_badge_copy),
        cmocka_unit_test(test_twenty_by_fifty),
        cmocka_unit_test(test_pathways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
