/*
 * fuzz_claims_signed.c: structure-aware fuzzing of the whole verifier
 * past the signature. The input is the CLAIMS (the COSE_Sign1 payload);
 * its first byte picks the signer; the harness signs the rest with that
 * test key (tess_cose_protected + tess_cose_sign1_build), makes MC1 text
 * (tess_mc1_text, compressed or not by the input's length) and verifies it
 * in the world of fuzz_verify.c at TK_NOW. So every mutation the fuzzer
 * makes to the claims reaches the claims parser and the checks after it:
 * issuer match, scope, key validity, nbf, exp, and revocation last.
 *
 *   first byte & 3 == 0  issuer seed 1 (restricted to FORK- and WELD-)
 *                    1   issuer seed 3 (any achievement)
 *                    2   issuer seed 2 (not in the bundle: unknown_issuer)
 *                    3   issuer seed 1, then one bit of the text flipped
 *
 * Crashes on: a reason outside FORMAT.md's list; a correctly signed message
 * refused before the claims (anything below bad_claims but too_large); a
 * verdict that disagrees with tess_claims_parse on the same payload; a
 * valid verdict that breaks one of FORMAT.md's checks redone here; a
 * revoked verdict for an id that is not in the bundle; a flipped bit that
 * is still valid.
 *
 * TESS_FUZZ_HISTOGRAM=1 in the environment prints, at exit and every 2^k
 * inputs, how many inputs ended at each reason: the proof that mutated
 * claims reach `revoked` and `valid`.
 */
#include "fuzz_common.h"
#include "tessera/tess_cred.h"

static tk_world *W;
static tk_key second, stranger;
static unsigned long histogram[128];
static unsigned long total;
static bool show;

static void print_histogram(void)
{
    if (!show)
        return;
    fprintf(stderr, "fuzz_claims_signed: %lu inputs by reason:", total);
    for (int i = 0; i < 128; i++)
        if (histogram[i])
            fprintf(stderr, " %s=%lu", tess_reason((tess_status)i), histogram[i]);
    fprintf(stderr, "\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = fuzz_world_new(&second);
    tk_key_from_seed(&stranger, 2);
    const char *h = getenv("TESS_FUZZ_HISTOGRAM");
    show = h && *h && strcmp(h, "0") != 0;
    atexit(print_histogram);
    return 0;
}

static tess_status verify(const char *text, size_t len)
{
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_status st = tess_verify(&W->verifier, text, len, &W->bundle, &clock, &W->verdict);
    CHECK(st == W->verdict.reason && fuzz_reason_listed(st));
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > TESS_MAX_C)
        return 0;
    int who = data[0] & 3;
    const tk_key *k = who == 1 ? &second : who == 2 ? &stranger : &W->issuer;
    const uint8_t *payload = data + 1;
    size_t plen = size - 1;

    uint8_t prot[64];
    size_t prot_len;
    CHECK(tess_cose_protected(k->pk, prot, sizeof prot, &prot_len) == TESS_OK);
    static uint8_t cose[TESS_MAX_C + 256];
    static char text[8192];
    size_t cose_len, text_len;
    CHECK(tess_cose_sign1_build(prot, prot_len, payload, plen, k->sk, cose, sizeof cose,
                                &cose_len) == TESS_OK);
    tess_zlib_mode mode = (data[0] & 4) ? TESS_ZLIB_NEVER : TESS_ZLIB_AUTO;
    if (tess_mc1_text(cose, cose_len, mode, text, sizeof text, &text_len) != TESS_OK)
        return 0; /* too long for any QR code: nothing to scan */

    tess_status st = verify(text, text_len);
    histogram[(unsigned)st & 127]++;
    total++;
    if ((total & (total - 1)) == 0 && total >= 1024)
        print_histogram();

    /* The claims as the verifier's parser reads them alone. */
    static tess_credential cr;
    tess_status sp = tess_claims_parse((tess_span){payload, plen}, &cr);

    if (who == 2) {
        CHECK(st == TESS_ERR_UNKNOWN_ISSUER || st == TESS_ERR_TOO_LARGE);
        return 0;
    }
    /* Signed right: nothing before the claims may refuse it, but size. */
    CHECK(st == TESS_OK || st == TESS_ERR_TOO_LARGE || st >= TESS_ERR_BAD_CLAIMS);
    if (st >= TESS_ERR_ISSUER_MISMATCH || st == TESS_OK)
        CHECK(sp == TESS_OK);
    if (st == TESS_ERR_BAD_CLAIMS)
        CHECK(sp != TESS_OK);
    if (sp != TESS_OK)
        CHECK(st == TESS_ERR_BAD_CLAIMS || st == TESS_ERR_TOO_LARGE);

    const tess_verdict *vd = &W->verdict;
    if (st == TESS_OK || st == TESS_ERR_REVOKED) {
        CHECK(vd->has_cred && vd->has_issuer);
        const tess_credential *c = &vd->cred;
        const tess_issuer *is = &vd->issuer;
        CHECK(c->iss.len == is->iss.len && memcmp(c->iss.ptr, is->iss.ptr, is->iss.len) == 0);
        CHECK(tess_issuer_allows(is, c->achievement));
        CHECK(c->iat >= is->not_before && c->iat <= is->not_after);
        CHECK(!(c->has & TESS_HAS_NBF) || c->nbf <= TK_NOW + TESS_DEFAULT_SKEW);
        CHECK(!(c->has & TESS_HAS_EXP) || c->exp > TK_NOW - TESS_DEFAULT_SKEW);
        CHECK(tess_bundle_is_revoked(&W->bundle, c->cti) == (st == TESS_ERR_REVOKED));
    }

    if (who == 3 && st == TESS_OK) {
        /* One bit changed anywhere after "MC1:": never valid. */
        size_t at = 4 + (plen * 7919u) % (text_len - 4);
        text[at] ^= (char)(1u << (plen % 7));
        CHECK(verify(text, text_len) != TESS_OK);
    }
    return 0;
}
