/*
 * fuzz_access.c: a door's access list (access_parse, app/match/access.h)
 * under libFuzzer, and the decision for a badge with its fields taken from
 * the list itself.
 *
 * Crashes on: an error text not terminated or empty after a refusal; an
 * accepted list with no rule or more than ACCESS_MAX_RULES; a rule's
 * issuer that is empty; a valid badge whose issuer and achievement a rule
 * names exactly that is refused; any badge that is not valid let in.
 */
#include "access.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* A badge as match_badge_from_verdict would make it, with only what the
 * decision reads. */
static void badge(match_badge *b, bool valid, const char *iss, const char *achievement)
{
    memset(b, 0, sizeof *b);
    b->valid = valid;
    b->reason = valid ? TESS_OK : TESS_ERR_EXPIRED;
    b->has_cred = b->has_issuer = true;
    size_t n = strlen(iss), m = strlen(achievement);
    memcpy(b->pool, iss, n + 1);
    b->iss = (match_str){0, (uint16_t)n};
    memcpy(b->pool + n + 1, achievement, m + 1);
    b->achievement = (match_str){(uint16_t)(n + 1), (uint16_t)m};
    b->used = n + m + 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static access_list l;
    char err[600];
    memset(err, 'x', sizeof err);
    if (!access_parse(&l, (const char *)data, size, "fuzz.access", err, sizeof err)) {
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        return 0;
    }
    CHECK(l.n >= 1 && l.n <= ACCESS_MAX_RULES);
    static match_badge b;
    for (size_t i = 0; i < l.n; i++) {
        const access_rule *r = &l.rules[i];
        CHECK(!r->iss || r->iss[0]);
        const char *iss = r->iss ? r->iss : "https://any.example";
        const char *ach = r->prefix ? r->prefix : "ANY-1";
        if (strlen(iss) + strlen(ach) + 2 > sizeof b.pool)
            continue;
        badge(&b, true, iss, ach);
        CHECK(access_decide(&l, &b, 0).verdict == ACCESS_ENTER);
        badge(&b, false, iss, ach);
        CHECK(access_decide(&l, &b, 0).verdict == ACCESS_REFUSE);
    }
    access_free(&l);
    return 0;
}
