/*
 * fuzz_role.c: the booth's role files (role_parse, app/match/role.h) under
 * libFuzzer.
 *
 * Crashes on: an error text not terminated or empty after a refusal; an
 * accepted role without a title, with more skills or alternatives than
 * its limits, a code role_check_code refuses, or min_eqf outside 0..8.
 */
#include "fuzz_common.h"
#include "role.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void check_skills(const role_skill *s, size_t n, size_t max)
{
    CHECK(n <= max);
    for (size_t i = 0; i < n; i++) {
        CHECK(s[i].n_codes >= 1 && s[i].n_codes <= ROLE_MAX_ALT);
        for (size_t j = 0; j < s[i].n_codes; j++) {
            CHECK(role_check_code(s[i].codes[j]) == NULL);
            CHECK(s[i].hash[j] == match_code_hash(s[i].codes[j], strlen(s[i].codes[j])));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    role r;
    char err[600];
    memset(err, 'x', sizeof err);
    if (!role_parse((const char *)data, size, "fuzz.role", &r, err, sizeof err)) {
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        return 0;
    }
    CHECK(r.title != NULL && r.min_eqf <= 8);
    check_skills(r.require, r.n_require, ROLE_MAX_REQUIRE);
    check_skills(r.desire, r.n_desire, ROLE_MAX_DESIRE);
    role_free(&r);
    return 0;
}
