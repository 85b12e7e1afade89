/*
 * fuzz_template.c: credential templates (tmpl_parse, app/template.h) under
 * libFuzzer.
 *
 * Crashes on: an error text not terminated or empty after a refusal; an
 * accepted template without its required keys, with more skills or
 * pathways than TESS_MAX_LIST, a string longer than TESS_MAX_STRING, or an
 * EQF level outside 1..8.
 */
#include "fuzz_common.h"
#include "template.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tmpl t;
    char err[600];
    memset(err, 'x', sizeof err);
    if (!tmpl_parse((const char *)data, size, "fuzz.tmpl", &t, err, sizeof err)) {
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        return 0;
    }
    CHECK(t.title && t.achievement && t.awarder);
    CHECK(strlen(t.title) <= TESS_MAX_STRING && strlen(t.achievement) <= TESS_MAX_STRING);
    CHECK(t.n_skills <= TESS_MAX_LIST && t.n_stacks <= TESS_MAX_LIST);
    for (size_t i = 0; i < t.n_skills; i++)
        CHECK(t.skills[i] && strchr(t.skills[i], ':') != NULL);
    if (t.has & TESS_HAS_EQF)
        CHECK(t.eqf >= 1 && t.eqf <= 8);
    tmpl_free(&t);
    return 0;
}
