/*
 * fuzz_roundtrip.c: the verifier against its own issuer, under libFuzzer.
 *
 * The input is read as the fields of a credential: a header of 24 bytes
 * (signer, which optional fields, times as offsets from TK_NOW, numbers,
 * the first byte of the cti), then the texts, separated by 0x00 bytes:
 * holder, title, achievement, awarder, sub, country, qa, lang, then skills
 * and stacks ('\x01' switches from skills to stacks). tess_issue writes it
 * with issuer key seed 1 (restricted to FORK- and WELD-) or seed 3 (any
 * achievement) of fuzz_verify.c's world.
 *
 * What the issuer writes, the verifier must judge exactly as a plain model
 * of FORMAT.md's checks says (issuer match, scope, key validity, nbf, exp,
 * revoked, in that order), field for field the same credential when
 * valid; and one changed bit anywhere in the text after "MC1:" must never
 * be valid. tess_issue may refuse only what the header says it refuses:
 * bad UTF-8 or over-long texts (arg), too large.
 */
#include "fuzz_common.h"
#include "tessera/tess_cred.h"

static tk_world *W;
static tk_key second;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = fuzz_world_new(&second);
    return 0;
}

static tess_span next_text(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *s = *p;
    while (*p < end && **p != 0 && **p != 1)
        (*p)++;
    tess_span t = {s, (size_t)(*p - s)};
    return t;
}

static uint64_t offset_time(uint8_t hi, uint8_t lo, uint64_t unit)
{
    int64_t d = (int64_t)(int16_t)(uint16_t)(hi << 8 | lo);
    return (uint64_t)((int64_t)TK_NOW + d * (int64_t)unit);
}

static bool same(tess_span a, tess_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* FORMAT.md's checks after the claims, the slow plain way. */
static tess_status model(const tess_credential *cr, bool any, uint64_t nb, uint64_t na)
{
    if (!any) {
        bool ok = (cr->achievement.len >= 5 && memcmp(cr->achievement.ptr, "FORK-", 5) == 0) ||
                  (cr->achievement.len >= 5 && memcmp(cr->achievement.ptr, "WELD-", 5) == 0);
        if (!ok)
            return TESS_ERR_OUT_OF_SCOPE;
    }
    if (cr->iat < nb || cr->iat > na)
        return TESS_ERR_KEY_NOT_VALID;
    if ((cr->has & TESS_HAS_NBF) && cr->nbf > TK_NOW + TESS_DEFAULT_SKEW)
        return TESS_ERR_NOT_YET_VALID;
    if ((cr->has & TESS_HAS_EXP) && cr->exp <= TK_NOW - TESS_DEFAULT_SKEW)
        return TESS_ERR_EXPIRED;
    for (size_t i = 0; i < W->n_revoked; i++)
        if (memcmp(W->revoked[i], cr->cti, 16) == 0)
            return TESS_ERR_REVOKED;
    return TESS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 24)
        return 0;
    const uint8_t *h = data;
    const uint8_t *p = data + 24, *end = data + size;
    bool college = h[0] & 1;
    const tk_key *k = college ? &second : &W->issuer;

    static tess_credential cr;
    memset(&cr, 0, sizeof cr);
    uint32_t opt = (uint32_t)h[1] << 8 | h[2];
    cr.has = opt & (TESS_HAS_SUB | TESS_HAS_EXP | TESS_HAS_NBF | TESS_HAS_TYPE |
                    TESS_HAS_COUNTRY | TESS_HAS_EQF | TESS_HAS_WORKLOAD | TESS_HAS_ASSESSMENT |
                    TESS_HAS_PARTICIPATION | TESS_HAS_QA | TESS_HAS_LANG);
    cr.iss = college ? (tess_span){(const uint8_t *)"https://college.example", 23}
                     : (tess_span){(const uint8_t *)TK_ISS, strlen(TK_ISS)};
    if (h[0] & 2) /* now and then, another iss: issuer_mismatch */
        cr.iss.len--;
    cr.iat = offset_time(h[3], h[4], 86400);
    cr.exp = offset_time(h[5], h[6], 3600);
    cr.nbf = offset_time(h[7], h[8], 60);
    cr.type = h[9] % 8;
    cr.eqf = 1 + h[10] % 8;
    cr.workload = (uint64_t)h[11] << 8 | h[12];
    cr.assessment = h[13] % 6;
    cr.participation = h[14] % 6;
    static uint8_t cti[16];
    memset(cti, h[15], 16);
    memcpy(cti, h + 16, 8); /* a revoked id (all 0xA5 or 0x11) now and then */
    if (h[0] & 4)
        memset(cti, h[15], 16);
    cr.cti = cti;
    cr.version = 1;

    tess_span *texts[] = {&cr.holder, &cr.title, &cr.achievement, &cr.awarder,
                          &cr.sub, &cr.country, &cr.qa, &cr.lang};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        *texts[i] = next_text(&p, end);
        if (p < end && *p == 0)
            p++;
    }
    bool stacks = false;
    while (p < end) {
        if (*p == 1) {
            stacks = true;
            p++;
            continue;
        }
        tess_span t = next_text(&p, end);
        if (p < end && *p == 0)
            p++;
        if (!stacks && cr.n_skills < TESS_MAX_LIST)
            cr.skills[cr.n_skills++] = t;
        else if (stacks && cr.n_stacks < TESS_MAX_LIST)
            cr.stacks[cr.n_stacks++] = t;
    }
    if (cr.n_skills)
        cr.has |= TESS_HAS_SKILLS;
    if (cr.n_stacks)
        cr.has |= TESS_HAS_STACKS;

    static char text[8192];
    size_t len;
    tess_status is = tess_issue(&cr, k->sk, text, sizeof text, &len);
    CHECK(is == TESS_OK || is == TESS_ERR_ARG || is == TESS_ERR_TOO_LARGE);
    if (is == TESS_ERR_ARG) {
        /* Only a text that is not UTF-8 or too long is refused. */
        bool bad = false;
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            bad |= texts[i]->len > TESS_MAX_STRING ||
                   !tess_utf8_valid(texts[i]->ptr, texts[i]->len);
        for (size_t i = 0; i < cr.n_skills; i++)
            bad |= cr.skills[i].len > TESS_MAX_STRING ||
                   !tess_utf8_valid(cr.skills[i].ptr, cr.skills[i].len);
        for (size_t i = 0; i < cr.n_stacks; i++)
            bad |= cr.stacks[i].len > TESS_MAX_STRING ||
                   !tess_utf8_valid(cr.stacks[i].ptr, cr.stacks[i].len);
        CHECK(bad);
        return 0;
    }
    if (is != TESS_OK)
        return 0;
    CHECK(len == strlen(text) && len <= TESS_MAX_TEXT);

    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_verdict *vd = &W->verdict;
    tess_status st = tess_verify(&W->verifier, text, len, &W->bundle, &clock, vd);
    tess_status want = (h[0] & 2) ? TESS_ERR_ISSUER_MISMATCH
                                  : model(&cr, college, college ? 1577836800u : W->issuers[0].not_before,
                                          college ? 1893456000u : W->issuers[0].not_after);
    if (st != want)
        fprintf(stderr, "fuzz_roundtrip: verified %s, the model says %s\n", tess_reason(st),
                tess_reason(want));
    CHECK(st == want);
    CHECK(vd->has_cred);
    const tess_credential *got = &vd->cred;
    CHECK(got->has == cr.has && got->iat == cr.iat && memcmp(got->cti, cr.cti, 16) == 0);
    CHECK(same(got->holder, cr.holder) && same(got->title, cr.title) &&
          same(got->achievement, cr.achievement) && same(got->awarder, cr.awarder));
    CHECK(got->n_skills == cr.n_skills && got->n_stacks == cr.n_stacks);
    for (size_t i = 0; i < cr.n_skills; i++)
        CHECK(same(got->skills[i], cr.skills[i]));
    for (size_t i = 0; i < cr.n_stacks; i++)
        CHECK(same(got->stacks[i], cr.stacks[i]));
    if (cr.has & TESS_HAS_SUB)
        CHECK(same(got->sub, cr.sub));
    if (cr.has & TESS_HAS_EXP)
        CHECK(got->exp == cr.exp);
    if (cr.has & TESS_HAS_EQF)
        CHECK(got->eqf == cr.eqf);

    /* One bit flipped after "MC1:": never valid. */
    size_t at = 4 + (size_t)h[17] * 257u % (len - 4);
    text[at] ^= (char)(1u << (h[18] % 7));
    CHECK(tess_verify(&W->verifier, text, len, &W->bundle, &clock, vd) != TESS_OK);
    return 0;
}
