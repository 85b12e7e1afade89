/*
 * bench_match.c: the booth's target (issue 10): adding a badge to a
 * session updates the match in under 100 ms, with 20 badges and a role of
 * 50 required skills.
 *
 * Measured, through the booth's own code (app/match/match.h), on real
 * credentials issued and verified through the core: copying the 20th
 * badge's verdict, adding it to a session holding 19, matching the
 * 50-skill role (each skill with up to 3 alternatives, each badge with 32
 * skills) and the bundle's pathways. The median of many runs, beside the
 * median time to verify one credential (tess_verify) in the same run, as
 * the baseline: the match should cost a small fraction of one scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match.h"
#include "role.h"
#include "testkit.h"

enum { BADGES = 20, SKILLS = 50, RUNS = 2001, POOL = 120 };

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp);
    return v[n / 2];
}

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

int main(void)
{
    tk_world *w = tk_world_new();
    static char codes[POOL][48];
    for (int i = 0; i < POOL; i++)
        snprintf(codes[i], sizeof codes[i], "esco:00000000-0000-4000-8000-%012d", i);

    /* a role of 50 required skills, alternatives on every third */
    static char role_text[16384];
    size_t len = (size_t)snprintf(role_text, sizeof role_text, "title: Bench role\nmin_eqf: 2\n");
    for (int k = 0; k < SKILLS; k++) {
        if (k % 3 == 0)
            len += (size_t)snprintf(role_text + len, sizeof role_text - len,
                                    "require: %s | %s | x:local-%d\n", codes[k], codes[SKILLS + k], k);
        else
            len += (size_t)snprintf(role_text + len, sizeof role_text - len, "require: %s\n",
                                    codes[k]);
    }
    role r;
    char err[256];
    if (!role_parse(role_text, len, "bench.role", &r, err, sizeof err)) {
        fprintf(stderr, "bench_match: %s\n", err);
        return 1;
    }

    /* 20 credentials of 32 skills each, issued and verified */
    static char texts[BADGES][8192];
    match_badge *badges = malloc(BADGES * sizeof *badges);
    for (int i = 0; i < BADGES; i++) {
        tess_credential cr;
        tk_default_cred(&cr);
        uint8_t cti[16] = {(uint8_t)(i + 1), 0xBE};
        cr.cti = cti;
        cr.achievement = sp(i % 2 ? "FORK-L1" : "FAW-3D");
        cr.n_skills = TESS_MAX_LIST;
        for (size_t k = 0; k < TESS_MAX_LIST; k++)
            cr.skills[k] = sp(codes[(i * 7 + (int)k * 3) % POOL]);
        tk_issue(&cr, &w->issuer, texts[i]);
        if (tk_verify(w, texts[i], TK_NOW) != TESS_OK) {
            fprintf(stderr, "bench_match: credential %d does not verify\n", i);
            return 1;
        }
        match_badge_from_verdict(&w->verdict, &badges[i]);
    }

    match_session *base = malloc(sizeof *base), *s = malloc(sizeof *s);
    match_result *res = malloc(sizeof *res);
    match_pathways_result *pw = malloc(sizeof *pw);
    match_session_init(base);
    for (int i = 0; i < BADGES - 1; i++)
        match_session_add(base, &badges[i], NULL);
    /* the 20th badge's verdict, fresh from the verifier */
    tess_verifier *vf = calloc(1, sizeof *vf);
    tess_verdict *v = malloc(sizeof *v);
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    if (tess_verify(vf, texts[BADGES - 1], strlen(texts[BADGES - 1]), &w->bundle, &clock, v) !=
        TESS_OK)
        return 1;

    static double add_us[RUNS], verify_us[RUNS];
    match_badge *b = malloc(sizeof *b);
    size_t proven = 0;
    for (int run = 0; run < RUNS; run++) {
        memcpy(s, base, sizeof *s);
        double t0 = now_us();
        match_badge_from_verdict(v, b);
        match_session_add(s, b, NULL);
        match_evaluate(&r, s, TK_NOW, res);
        if (match_pathways(&w->bundle, s, TK_NOW, pw) != TESS_OK)
            return 1;
        double t1 = now_us();
        add_us[run] = t1 - t0;
        proven = res->n_required_proven;

        tess_verdict scratch;
        t0 = now_us();
        tess_status st = tess_verify(&w->verifier, texts[run % BADGES], strlen(texts[run % BADGES]),
                                     &w->bundle, &clock, &scratch);
        t1 = now_us();
        if (st != TESS_OK)
            return 1;
        verify_us[run] = t1 - t0;
    }
    double m_add = median(add_us, RUNS), m_verify = median(verify_us, RUNS);
    double worst = add_us[RUNS - 1];
    printf("Tessera bench: the booth's skill match (issue 10)\n");
    printf("  session of %d badges x %zu skills, role of %zu required skills (%u proven), "
           "median of %d\n",
           BADGES, (size_t)TESS_MAX_LIST, r.n_require, (unsigned)proven, RUNS);
    printf("  add a badge and re-evaluate (copy, add, match, pathways)  %9.1f us   (slowest %.1f us)"
           "   target < 100 ms   %s\n",
           m_add, worst, m_add < 100000.0 ? "PASS" : "FAIL");
    printf("  verify one credential (tess_verify), the baseline         %9.1f us\n", m_verify);
    printf("  ratio: one match update = %.2f verifications\n", m_add / m_verify);
    free(badges);
    free(base);
    free(s);
    free(res);
    free(pw);
    free(vf);
    free(v);
    free(b);
    role_free(&r);
    tk_world_free(w);
    return m_add < 100000.0 ? 0 : 1;
}
