/* Issuing credentials, roots and bundles (host side). */
#include "tessera/tess_issue.h"

#include <stdlib.h>
#include <string.h>

#include "tessera/tess_b45.h"
#include "tessera/tess_cbor.h"
#include "tessera/tess_cose.h"
#include "tessera/tess_crypto.h"

static bool text_ok(tess_span s, bool required)
{
    if (!s.ptr)
        return !required && s.len == 0;
    return s.len <= TESS_MAX_STRING && tess_utf8_valid(s.ptr, s.len);
}

static void enc_span(tess_enc *e, tess_span s)
{
    tess_enc_tstr(e, (const char *)s.ptr, s.len);
}

static void enc_list(tess_enc *e, const tess_span *items, size_t n)
{
    tess_enc_array(e, n);
    for (size_t i = 0; i < n; i++)
        enc_span(e, items[i]);
}

static bool credential_ok(const tess_credential *cr)
{
    uint32_t h = cr->has;
    if (!text_ok(cr->iss, true) || !text_ok(cr->holder, true) || !text_ok(cr->title, true) ||
        !text_ok(cr->achievement, true) || !text_ok(cr->awarder, true) || !cr->cti)
        return false;
    if (((h & TESS_HAS_SUB) && !text_ok(cr->sub, true)) ||
        ((h & TESS_HAS_COUNTRY) && !text_ok(cr->country, true)) ||
        ((h & TESS_HAS_QA) && !text_ok(cr->qa, true)) ||
        ((h & TESS_HAS_LANG) && !text_ok(cr->lang, true)))
        return false;
    if ((h & TESS_HAS_EQF) && (cr->eqf < 1 || cr->eqf > 8))
        return false;
    if (cr->n_skills > TESS_MAX_LIST || cr->n_stacks > TESS_MAX_LIST)
        return false;
    for (size_t i = 0; i < cr->n_skills; i++)
        if (!text_ok(cr->skills[i], true))
            return false;
    for (size_t i = 0; i < cr->n_stacks; i++)
        if (!text_ok(cr->stacks[i], true))
            return false;
    return true;
}

tess_status tess_claims_encode(const tess_credential *cr, uint8_t *out, size_t cap, size_t *len)
{
    *len = 0;
    if (!credential_ok(cr))
        return TESS_ERR_ARG;
    uint32_t h = cr->has;
    bool skills = (h & TESS_HAS_SKILLS) || cr->n_skills;
    bool stacks = (h & TESS_HAS_STACKS) || cr->n_stacks;
    tess_enc e;
    tess_enc_init(&e, out, cap);
    /* Keys in bytewise order of their encodings: 1..7 are one byte each,
     * -65537 (0x3A 00 01 00 00) sorts after them. */
    tess_enc_map(&e, 4 + !!(h & TESS_HAS_SUB) + !!(h & TESS_HAS_EXP) + !!(h & TESS_HAS_NBF));
    tess_enc_uint(&e, TESS_CLAIM_ISS);
    enc_span(&e, cr->iss);
    if (h & TESS_HAS_SUB) {
        tess_enc_uint(&e, TESS_CLAIM_SUB);
        enc_span(&e, cr->sub);
    }
    if (h & TESS_HAS_EXP) {
        tess_enc_uint(&e, TESS_CLAIM_EXP);
        tess_enc_uint(&e, cr->exp);
    }
    if (h & TESS_HAS_NBF) {
        tess_enc_uint(&e, TESS_CLAIM_NBF);
        tess_enc_uint(&e, cr->nbf);
    }
    tess_enc_uint(&e, TESS_CLAIM_IAT);
    tess_enc_uint(&e, cr->iat);
    tess_enc_uint(&e, TESS_CLAIM_CTI);
    tess_enc_bstr(&e, cr->cti, TESS_CTI_LEN);
    tess_enc_int(&e, TESS_CLAIM_MC);

    size_t n = 5 + !!(h & TESS_HAS_TYPE) + !!(h & TESS_HAS_COUNTRY) + skills +
               !!(h & TESS_HAS_EQF) + !!(h & TESS_HAS_WORKLOAD) + !!(h & TESS_HAS_ASSESSMENT) +
               !!(h & TESS_HAS_PARTICIPATION) + !!(h & TESS_HAS_QA) + stacks +
               !!(h & TESS_HAS_LANG);
    tess_enc_map(&e, n);
    tess_enc_uint(&e, TESS_MC_VERSION);
    tess_enc_uint(&e, 1);
    tess_enc_uint(&e, TESS_MC_HOLDER);
    enc_span(&e, cr->holder);
    tess_enc_uint(&e, TESS_MC_TITLE);
    enc_span(&e, cr->title);
    tess_enc_uint(&e, TESS_MC_ACHIEVEMENT);
    enc_span(&e, cr->achievement);
    if (h & TESS_HAS_TYPE) {
        tess_enc_uint(&e, TESS_MC_TYPE);
        tess_enc_uint(&e, cr->type);
    }
    tess_enc_uint(&e, TESS_MC_AWARDER);
    enc_span(&e, cr->awarder);
    if (h & TESS_HAS_COUNTRY) {
        tess_enc_uint(&e, TESS_MC_COUNTRY);
        enc_span(&e, cr->country);
    }
    if (skills) {
        tess_enc_uint(&e, TESS_MC_SKILLS);
        enc_list(&e, cr->skills, cr->n_skills);
    }
    const struct {
        uint32_t flag;
        int key;
        uint64_t val;
    } nums[] = {
        {TESS_HAS_EQF, TESS_MC_EQF, cr->eqf},
        {TESS_HAS_WORKLOAD, TESS_MC_WORKLOAD, cr->workload},
        {TESS_HAS_ASSESSMENT, TESS_MC_ASSESSMENT, cr->assessment},
        {TESS_HAS_PARTICIPATION, TESS_MC_PARTICIPATION, cr->participation},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (h & nums[i].flag) {
            tess_enc_uint(&e, (uint64_t)nums[i].key);
            tess_enc_uint(&e, nums[i].val);
        }
    }
    if (h & TESS_HAS_QA) {
        tess_enc_uint(&e, TESS_MC_QA);
        enc_span(&e, cr->qa);
    }
    if (stacks) {
        tess_enc_uint(&e, TESS_MC_STACKS);
        enc_list(&e, cr->stacks, cr->n_stacks);
    }
    if (h & TESS_HAS_LANG) {
        tess_enc_uint(&e, TESS_MC_LANG);
        enc_span(&e, cr->lang);
    }
    if (e.overflow)
        return TESS_ERR_BUFFER;
    *len = e.len;
    return TESS_OK;
}

tess_status tess_cose_protected(const uint8_t pk[32], uint8_t *out, size_t cap, size_t *len)
{
    uint8_t kid[TESS_KID_LEN];
    tess_kid_of(kid, pk);
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_map(&e, 2);
    tess_enc_uint(&e, 1);
    tess_enc_int(&e, TESS_COSE_ALG_EDDSA);
    tess_enc_uint(&e, 4);
    tess_enc_bstr(&e, kid, sizeof kid);
    *len = e.overflow ? 0 : e.len;
    return e.overflow ? TESS_ERR_BUFFER : TESS_OK;
}

tess_status tess_cose_sign1_build(const uint8_t *prot, size_t prot_len, const uint8_t *payload,
                                  size_t payload_len, const uint8_t sk[64], uint8_t *out,
                                  size_t cap, size_t *len)
{
    *len = 0;
    /* The Sig_structure goes where the message will, then is overwritten:
     * it is never longer than the message plus a few bytes of heads. */
    tess_cose_sign1 m;
    memset(&m, 0, sizeof m);
    m.protected_hdr.ptr = prot;
    m.protected_hdr.len = prot_len;
    m.payload.ptr = payload;
    m.payload.len = payload_len;
    tess_span none = {NULL, 0};
    size_t tbs_len;
    uint8_t sig[TESS_SIG_LEN];
    tess_status st = tess_cose_sign1_tbs(&m, none, out, cap, &tbs_len);
    if (st != TESS_OK)
        return st;
    if ((st = tess_ed25519_sign(sig, out, tbs_len, sk)) != TESS_OK)
        return st;
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_tag(&e, TESS_COSE_TAG_SIGN1);
    tess_enc_array(&e, 4);
    tess_enc_bstr(&e, prot, prot_len);
    tess_enc_map(&e, 0);
    tess_enc_bstr(&e, payload, payload_len);
    tess_enc_bstr(&e, sig, sizeof sig);
    if (e.overflow)
        return TESS_ERR_BUFFER;
    *len = e.len;
    return TESS_OK;
}

tess_status tess_mc1_text(const uint8_t *c, size_t c_len, tess_zlib_mode mode, char *out,
                          size_t cap, size_t *len)
{
    *len = 0;
    uint8_t z[TESS_MAX_C + 64];
    size_t z_len = 0;
    const uint8_t *body = c;
    size_t body_len = c_len;
    if (mode != TESS_ZLIB_NEVER && tess_deflate(c, c_len, z, sizeof z, &z_len) == TESS_OK &&
        (mode == TESS_ZLIB_ALWAYS || z_len < c_len)) {
        body = z;
        body_len = z_len;
    } else if (mode == TESS_ZLIB_ALWAYS) {
        return TESS_ERR_BUFFER;
    }
    if (cap < 5)
        return TESS_ERR_BUFFER;
    memcpy(out, "MC1:", 4);
    size_t n;
    tess_status st = tess_b45_encode(body, body_len, out + 4, cap - 5, &n);
    if (st != TESS_OK)
        return st;
    out[4 + n] = '\0';
    *len = 4 + n;
    return TESS_OK;
}

tess_status tess_issue(const tess_credential *cr, const uint8_t sk[64], char *out, size_t cap,
                       size_t *len)
{
    uint8_t payload[TESS_MAX_C], prot[32], c[TESS_MAX_C + 128];
    size_t payload_len, prot_len, c_len;
    tess_status st = tess_claims_encode(cr, payload, sizeof payload, &payload_len);
    if (st == TESS_OK)
        st = tess_cose_protected(sk + 32, prot, sizeof prot, &prot_len);
    if (st == TESS_OK)
        st = tess_cose_sign1_build(prot, prot_len, payload, payload_len, sk, c, sizeof c, &c_len);
    /* What no verifier would accept is not issued; our own buffers hold
     * more than any credential may be. */
    if (st == TESS_ERR_BUFFER || (st == TESS_OK && c_len > TESS_MAX_C))
        st = TESS_ERR_TOO_LARGE;
    if (st == TESS_OK)
        st = tess_mc1_text(c, c_len, TESS_ZLIB_AUTO, out, cap, len);
    if (st == TESS_OK && *len > TESS_MAX_TEXT)
        st = TESS_ERR_TOO_LARGE;
    tess_wipe(payload, sizeof payload);
    return st;
}

tess_status tess_root_encode(unsigned threshold, const uint8_t (*keys)[32], size_t n_keys,
                             uint8_t *out, size_t cap, size_t *len)
{
    *len = 0;
    if (threshold == 0 || threshold > n_keys || n_keys > TESS_MAX_ROOT_KEYS)
        return TESS_ERR_ARG;
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_map(&e, 2);
    tess_enc_uint(&e, 1);
    tess_enc_uint(&e, threshold);
    tess_enc_uint(&e, 2);
    tess_enc_array(&e, n_keys);
    for (size_t i = 0; i < n_keys; i++)
        tess_enc_bstr(&e, keys[i], 32);
    if (e.overflow)
        return TESS_ERR_BUFFER;
    *len = e.len;
    return TESS_OK;
}

static void enc_issuer(tess_enc *e, const tess_issuer_in *is)
{
    uint8_t kid[TESS_KID_LEN];
    tess_kid_of(kid, is->pk);
    tess_enc_map(e, 6 + (is->restricted ? 1 : 0));
    tess_enc_uint(e, 1);
    tess_enc_bstr(e, kid, sizeof kid);
    tess_enc_uint(e, 2);
    tess_enc_bstr(e, is->pk, 32);
    tess_enc_uint(e, 3);
    tess_enc_text(e, is->iss ? is->iss : "");
    tess_enc_uint(e, 4);
    tess_enc_text(e, is->name ? is->name : "");
    tess_enc_uint(e, 5);
    tess_enc_uint(e, is->not_before);
    tess_enc_uint(e, 6);
    tess_enc_uint(e, is->not_after);
    if (is->restricted) {
        tess_enc_uint(e, 7);
        tess_enc_array(e, is->n_allowed);
        for (size_t i = 0; i < is->n_allowed; i++)
            tess_enc_text(e, is->allowed[i]);
    }
}

static void enc_pathway(tess_enc *e, const tess_pathway_in *pw)
{
    tess_enc_map(e, 3 + (pw->has_needed ? 1 : 0));
    tess_enc_uint(e, 1);
    tess_enc_text(e, pw->id);
    tess_enc_uint(e, 2);
    tess_enc_text(e, pw->title);
    tess_enc_uint(e, 3);
    tess_enc_array(e, pw->n_req);
    for (size_t i = 0; i < pw->n_req; i++) {
        tess_enc_array(e, 2);
        tess_enc_text(e, pw->req_iss[i]);
        tess_enc_text(e, pw->req_achievement[i]);
    }
    if (pw->has_needed) {
        tess_enc_uint(e, 4);
        tess_enc_uint(e, pw->needed);
    }
}

tess_status tess_bundle_payload_encode(const tess_bundle_in *in, uint8_t *out, size_t cap,
                                       size_t *len)
{
    *len = 0;
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_map(&e, 6 + (in->has_new_roots ? 1 : 0) + (in->n_pathways ? 1 : 0));
    tess_enc_uint(&e, 1);
    tess_enc_uint(&e, in->version);
    tess_enc_uint(&e, 2);
    tess_enc_uint(&e, in->issued_at);
    tess_enc_uint(&e, 3);
    tess_enc_uint(&e, in->expires);
    tess_enc_uint(&e, 4);
    tess_enc_text(&e, in->publisher ? in->publisher : "");
    tess_enc_uint(&e, 5);
    tess_enc_array(&e, in->n_issuers);
    for (size_t i = 0; i < in->n_issuers; i++)
        enc_issuer(&e, &in->issuers[i]);
    tess_enc_uint(&e, 6);
    tess_enc_bstr(&e, in->n_revoked ? in->revoked[0] : NULL, in->n_revoked * TESS_CTI_LEN);
    if (in->has_new_roots) {
        tess_enc_uint(&e, 7);
        tess_enc_map(&e, 2);
        tess_enc_uint(&e, 1);
        tess_enc_uint(&e, in->new_threshold);
        tess_enc_uint(&e, 2);
        tess_enc_array(&e, in->n_new_roots);
        for (size_t i = 0; i < in->n_new_roots; i++)
            tess_enc_bstr(&e, in->new_roots[i], 32);
    }
    if (in->n_pathways) {
        tess_enc_uint(&e, 8);
        tess_enc_array(&e, in->n_pathways);
        for (size_t i = 0; i < in->n_pathways; i++)
            enc_pathway(&e, &in->pathways[i]);
    }
    if (e.overflow)
        return TESS_ERR_BUFFER;
    *len = e.len;
    return TESS_OK;
}

tess_status tess_bundle_sign(const uint8_t *payload, size_t payload_len,
                             const uint8_t (*sks)[64], size_t n_sks, uint8_t *scratch,
                             size_t scratch_cap, uint8_t *out, size_t cap, size_t *len)
{
    *len = 0;
    if (n_sks == 0 || n_sks > TESS_MAX_BUNDLE_SIGS)
        return TESS_ERR_ARG;
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_tag(&e, TESS_COSE_TAG_SIGN);
    tess_enc_array(&e, 4);
    tess_enc_bstr(&e, NULL, 0);
    tess_enc_map(&e, 0);
    tess_enc_bstr(&e, payload, payload_len);
    tess_enc_array(&e, n_sks);
    for (size_t i = 0; i < n_sks; i++) {
        uint8_t prot[32], sig[TESS_SIG_LEN];
        size_t prot_len;
        tess_status st = tess_cose_protected(sks[i] + 32, prot, sizeof prot, &prot_len);
        if (st != TESS_OK)
            return st;
        tess_enc t;
        tess_enc_init(&t, scratch, scratch_cap);
        tess_enc_array(&t, 5);
        tess_enc_text(&t, "Signature");
        tess_enc_bstr(&t, NULL, 0);
        tess_enc_bstr(&t, prot, prot_len);
        tess_enc_bstr(&t, NULL, 0);
        tess_enc_bstr(&t, payload, payload_len);
        if (t.overflow)
            return TESS_ERR_BUFFER;
        if ((st = tess_ed25519_sign(sig, scratch, t.len, sks[i])) != TESS_OK)
            return st;
        tess_enc_array(&e, 3);
        tess_enc_bstr(&e, prot, prot_len);
        tess_enc_map(&e, 0);
        tess_enc_bstr(&e, sig, sizeof sig);
    }
    if (e.overflow)
        return TESS_ERR_BUFFER;
    *len = e.len;
    return TESS_OK;
}

static int cmp_issuer(const void *a, const void *b)
{
    uint8_t ka[TESS_KID_LEN], kb[TESS_KID_LEN];
    tess_kid_of(ka, ((const tess_issuer_in *)a)->pk);
    tess_kid_of(kb, ((const tess_issuer_in *)b)->pk);
    return memcmp(ka, kb, TESS_KID_LEN);
}

static int cmp_cti(const void *a, const void *b)
{
    return memcmp(a, b, TESS_CTI_LEN);
}

tess_status tess_bundle_sort(tess_issuer_in *issuers, size_t n_issuers, uint8_t (*revoked)[16],
                             size_t *n_revoked)
{
    if (n_issuers > 1)
        qsort(issuers, n_issuers, sizeof *issuers, cmp_issuer);
    for (size_t i = 1; i < n_issuers; i++)
        if (cmp_issuer(&issuers[i - 1], &issuers[i]) == 0)
            return TESS_ERR_ARG;
    if (*n_revoked > 1) {
        qsort(revoked, *n_revoked, sizeof *revoked, cmp_cti);
        size_t w = 1;
        for (size_t i = 1; i < *n_revoked; i++)
            if (memcmp(revoked[w - 1], revoked[i], TESS_CTI_LEN) != 0)
                memcpy(revoked[w++], revoked[i], TESS_CTI_LEN);
        *n_revoked = w;
    }
    return TESS_OK;
}
