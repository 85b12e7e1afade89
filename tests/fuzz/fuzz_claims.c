/*
 * fuzz_claims.c: the CWT claims and the mc map (tess_cred.h) under
 * libFuzzer. The input is the payload of a COSE_Sign1.
 *
 * Crashes on: a code the header does not list; tess_claims_parse accepting
 * what tess_claims_limits finds too large or not strict; tess_claims_decode
 * (for a strict payload) disagreeing with tess_claims_parse; a parsed
 * credential whose spans leave the payload, whose texts are not UTF-8 or
 * longer than TESS_MAX_STRING, whose lists are longer than TESS_MAX_LIST,
 * whose EQF is outside 1..8 or whose version is not 1; or one that
 * tess_claims_encode writes (the issuer's side) but that does not parse
 * back to the same fields.
 */
#include "fuzz_common.h"
#include "tessera/tess_cred.h"

static tess_credential a, b, c;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static bool within(tess_span outer, tess_span s)
{
    return s.len == 0 || (s.ptr >= outer.ptr && s.ptr <= outer.ptr + outer.len &&
                          s.len <= (size_t)(outer.ptr + outer.len - s.ptr));
}

static bool text_ok(tess_span outer, tess_span s)
{
    return within(outer, s) && s.len <= TESS_MAX_STRING && tess_utf8_valid(s.ptr, s.len);
}

static bool same_span(tess_span x, tess_span y)
{
    return x.len == y.len && (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

/* The same fields, wherever their bytes are. */
static bool same_cred(const tess_credential *x, const tess_credential *y)
{
    bool ok = x->has == y->has && same_span(x->iss, y->iss) && x->iat == y->iat &&
              memcmp(x->cti, y->cti, 16) == 0 && x->version == y->version &&
              same_span(x->holder, y->holder) && same_span(x->title, y->title) &&
              same_span(x->achievement, y->achievement) && same_span(x->awarder, y->awarder) &&
              x->n_skills == y->n_skills && x->n_stacks == y->n_stacks;
    uint32_t h = x->has;
    ok = ok && (!(h & TESS_HAS_SUB) || same_span(x->sub, y->sub));
    ok = ok && (!(h & TESS_HAS_EXP) || x->exp == y->exp);
    ok = ok && (!(h & TESS_HAS_NBF) || x->nbf == y->nbf);
    ok = ok && (!(h & TESS_HAS_TYPE) || x->type == y->type);
    ok = ok && (!(h & TESS_HAS_COUNTRY) || same_span(x->country, y->country));
    ok = ok && (!(h & TESS_HAS_EQF) || x->eqf == y->eqf);
    ok = ok && (!(h & TESS_HAS_WORKLOAD) || x->workload == y->workload);
    ok = ok && (!(h & TESS_HAS_ASSESSMENT) || x->assessment == y->assessment);
    ok = ok && (!(h & TESS_HAS_PARTICIPATION) || x->participation == y->participation);
    ok = ok && (!(h & TESS_HAS_QA) || same_span(x->qa, y->qa));
    ok = ok && (!(h & TESS_HAS_LANG) || same_span(x->lang, y->lang));
    for (size_t i = 0; ok && i < x->n_skills; i++)
        ok = same_span(x->skills[i], y->skills[i]);
    for (size_t i = 0; ok && i < x->n_stacks; i++)
        ok = same_span(x->stacks[i], y->stacks[i]);
    return ok;
}

static void check_cred(const tess_credential *cr, tess_span pl)
{
    CHECK(text_ok(pl, cr->iss) && text_ok(pl, cr->holder) && text_ok(pl, cr->title) &&
          text_ok(pl, cr->achievement) && text_ok(pl, cr->awarder));
    CHECK(text_ok(pl, cr->sub) && text_ok(pl, cr->country) && text_ok(pl, cr->qa) &&
          text_ok(pl, cr->lang));
    CHECK(cr->cti != NULL && within(pl, (tess_span){cr->cti, 16}));
    CHECK(cr->version == 1);
    CHECK(cr->n_skills <= TESS_MAX_LIST && cr->n_stacks <= TESS_MAX_LIST);
    for (size_t i = 0; i < cr->n_skills; i++)
        CHECK(text_ok(pl, cr->skills[i]));
    for (size_t i = 0; i < cr->n_stacks; i++)
        CHECK(text_ok(pl, cr->stacks[i]));
    if (cr->has & TESS_HAS_EQF)
        CHECK(cr->eqf >= 1 && cr->eqf <= 8);
    CHECK(tess_type_name(cr->type) && tess_assessment_name(cr->assessment) &&
          tess_participation_name(cr->participation));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tess_span pl = {data, size};
    tess_status strict = TESS_ERR_ARG;
    tess_status lim = tess_claims_limits(pl, &strict);
    CHECK(lim == TESS_OK || lim == TESS_ERR_TOO_LARGE);

    memset(&a, 0, sizeof a);
    tess_status st = tess_claims_parse(pl, &a);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_CLAIMS || st == TESS_ERR_TOO_LARGE);
    if (st == TESS_OK)
        CHECK(lim == TESS_OK && strict == TESS_OK);
    if (lim == TESS_OK && strict == TESS_OK) {
        memset(&b, 0, sizeof b);
        tess_status sd = tess_claims_decode(pl, &b);
        CHECK(sd == st);
        if (sd == TESS_OK)
            CHECK(same_cred(&a, &b));
    }
    if (st != TESS_OK)
        return 0;
    check_cred(&a, pl);

    /* What the verifier read, the issuer writes the same way. */
    static uint8_t out[8192];
    size_t len;
    tess_status se = tess_claims_encode(&a, out, sizeof out, &len);
    CHECK(se == TESS_OK || se == TESS_ERR_BUFFER);
    if (se == TESS_OK) {
        memset(&c, 0, sizeof c);
        tess_status sp = tess_claims_parse((tess_span){out, len}, &c);
        CHECK(sp == TESS_OK || sp == TESS_ERR_TOO_LARGE);
        if (sp == TESS_OK)
            CHECK(same_cred(&a, &c));
    }
    return 0;
}
