/*
 * fuzz_esco.c: the table of skill labels (esco_parse, app/match/esco.h)
 * under libFuzzer.
 *
 * Crashes on: an error text not terminated or empty after a refusal; an
 * accepted table whose rows are not sorted by code, that repeats a code,
 * lacks an English label, or where looking a row's own code up does not
 * find that row (in every language, with the English fallback).
 */
#include "esco.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    esco_table t;
    char err[600];
    memset(err, 'x', sizeof err);
    if (!esco_parse(&t, (const char *)data, size, "fuzz.tsv", err, sizeof err)) {
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        return 0;
    }
    static const char *const tags[] = {"en", "es", "fr", "de", "it", NULL};
    for (size_t i = 0; i < t.n; i++) {
        const esco_row *row = &t.rows[i];
        CHECK(row->code && row->label[ESCO_EN] && row->label[ESCO_EN][0]);
        if (i > 0)
            CHECK(strcmp(t.rows[i - 1].code, row->code) < 0);
        CHECK(esco_find(&t, row->code) == row);
        for (size_t l = 0; l < sizeof tags / sizeof tags[0]; l++) {
            const char *label = esco_lookup(&t, row->code, tags[l]);
            int col = tags[l] ? esco_lang(tags[l]) : ESCO_EN;
            const char *want = col >= 0 && row->label[col] ? row->label[col] : row->label[ESCO_EN];
            CHECK(label == want);
        }
    }
    esco_free(&t);
    return 0;
}
