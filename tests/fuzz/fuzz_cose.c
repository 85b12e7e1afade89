/*
 * fuzz_cose.c: COSE_Sign1 and COSE_Sign parsing (tess_cose.h) under
 * libFuzzer.
 *
 * Each input is parsed as a COSE_Sign1 (with and without a string limit)
 * and as a COSE_Sign (tag required and not). Crashes on: a code the header
 * does not list, spans outside the input, a signature that is not 64 bytes,
 * a limit that lets through what no limit refused (or the reverse for
 * shapes), a tagged COSE_Sign refused with the tag optional, a signer list
 * that does not walk to its count, a Sig_structure that does not fit the
 * size the header promises; and a COSE_Sign1 re-signed with the test key
 * (tess_cose_sign1_build over the parsed protected header and payload)
 * that does not parse back to the same parts and verify.
 */
#include "fuzz_common.h"
#include "tessera/tess_cose.h"

static tk_key key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tk_key_from_seed(&key, 1);
    return 0;
}

static bool within(tess_span outer, tess_span s)
{
    return s.len == 0 || (s.ptr >= outer.ptr && s.ptr <= outer.ptr + outer.len &&
                          s.len <= (size_t)(outer.ptr + outer.len - s.ptr));
}

static void check_hdr(const tess_cose_hdr *h, tess_span msg)
{
    CHECK(h->alg_state <= TESS_ALG_OTHER && h->kid_state <= TESS_KID_OTHER);
    if (h->kid_state == TESS_KID_BSTR)
        CHECK(within(msg, h->kid));
    if (tess_cose_alg_ok(h))
        CHECK(h->alg_state == TESS_ALG_INT &&
              (h->alg == TESS_COSE_ALG_EDDSA || h->alg == TESS_COSE_ALG_ED25519));
}

static void sign1(tess_span msg)
{
    tess_cose_sign1 m, lim;
    tess_status st = tess_cose_sign1_parse(msg, 0, &m);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_COSE);
    tess_status sl = tess_cose_sign1_parse(msg, TESS_MAX_STRING, &lim);
    CHECK(sl == TESS_OK || sl == TESS_ERR_BAD_COSE || sl == TESS_ERR_TOO_LARGE);
    if (sl == TESS_OK)
        CHECK(st == TESS_OK);
    if (st == TESS_ERR_BAD_COSE)
        CHECK(sl != TESS_OK);
    if (st != TESS_OK)
        return;
    CHECK(within(msg, m.protected_hdr) && within(msg, m.unprotected) &&
          within(msg, m.payload) && within(msg, m.signature));
    CHECK(m.signature.len == 64);
    CHECK(!m.tagged || (msg.ptr[0] & 0xE0) == 0xC0);
    check_hdr(&m.hdr, msg);

    size_t cap = m.protected_hdr.len + m.payload.len + TESS_COSE_TBS_OVERHEAD;
    uint8_t *tbs = malloc(cap);
    CHECK(tbs != NULL);
    size_t tlen;
    CHECK(tess_cose_sign1_tbs(&m, (tess_span){NULL, 0}, tbs, cap, &tlen) == TESS_OK);
    CHECK(tlen <= cap);
    tess_status vs = tess_cose_sign1_verify(&m, key.pk, tbs, cap);
    CHECK(vs == TESS_OK || vs == TESS_ERR_BAD_SIGNATURE);
    free(tbs);

    /* Signed again with the test key: the same parts, and it verifies. */
    size_t ocap = m.protected_hdr.len + m.payload.len + 128;
    uint8_t *again = malloc(ocap);
    CHECK(again != NULL);
    size_t alen;
    CHECK(tess_cose_sign1_build(m.protected_hdr.ptr, m.protected_hdr.len, m.payload.ptr,
                                m.payload.len, key.sk, again, ocap, &alen) == TESS_OK);
    tess_cose_sign1 m2;
    tess_span a = {again, alen};
    CHECK(tess_cose_sign1_parse(a, 0, &m2) == TESS_OK);
    CHECK(m2.tagged && m2.protected_hdr.len == m.protected_hdr.len &&
          memcmp(m2.protected_hdr.ptr, m.protected_hdr.ptr, m.protected_hdr.len) == 0);
    CHECK(m2.payload.len == m.payload.len &&
          memcmp(m2.payload.ptr, m.payload.ptr, m.payload.len) == 0);
    CHECK(m2.hdr.alg_state == m.hdr.alg_state && m2.hdr.kid_state == m.hdr.kid_state);
    uint8_t *tbs2 = malloc(cap);
    CHECK(tbs2 != NULL);
    CHECK(tess_cose_sign1_verify(&m2, key.pk, tbs2, cap) == TESS_OK);
    /* One bit of the signature changed: refused. */
    again[alen - 1 - (m.payload.len % 64)] ^= 0x01;
    CHECK(tess_cose_sign1_parse(a, 0, &m2) == TESS_OK);
    CHECK(tess_cose_sign1_verify(&m2, key.pk, tbs2, cap) == TESS_ERR_BAD_SIGNATURE);
    free(tbs2);
    free(again);
}

static void sign(tess_span msg)
{
    tess_cose_sign m, loose;
    tess_status st = tess_cose_sign_parse(msg, true, &m);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_COSE);
    tess_status sl = tess_cose_sign_parse(msg, false, &loose);
    CHECK(sl == TESS_OK || sl == TESS_ERR_BAD_COSE);
    if (st == TESS_OK)
        CHECK(sl == TESS_OK && loose.n_signers == m.n_signers);
    if (sl != TESS_OK)
        return;
    CHECK(within(msg, loose.protected_hdr) && within(msg, loose.unprotected) &&
          within(msg, loose.payload) && within(msg, loose.signers));
    CHECK(loose.n_signers >= 1);
    size_t cap = loose.payload.len + loose.protected_hdr.len + TESS_COSE_TBS_OVERHEAD;
    for (size_t i = 0; i < loose.n_signers; i++) {
        tess_cose_signer s;
        CHECK(tess_cose_sign_signer(&loose, i, &s) == TESS_OK);
        CHECK(within(loose.signers, s.protected_hdr) && within(loose.signers, s.signature) &&
              within(loose.signers, s.unprotected));
        check_hdr(&s.hdr, msg);
        if (i < 4) {
            size_t c = cap + s.protected_hdr.len;
            uint8_t *buf = malloc(c);
            CHECK(buf != NULL);
            tess_status vs = tess_cose_sign_verify(&loose, &s, key.pk, buf, c);
            CHECK(vs == TESS_OK || vs == TESS_ERR_BAD_SIGNATURE);
            free(buf);
        }
    }
    tess_cose_signer none;
    CHECK(tess_cose_sign_signer(&loose, loose.n_signers, &none) == TESS_ERR_ARG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tess_span msg = {data, size};
    sign1(msg);
    sign(msg);
    return 0;
}
