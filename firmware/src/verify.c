/* The verification order of FORMAT.md, step by step. */
#include "tessera/tess_verify.h"

#include <string.h>

#include "tessera/tess_b45.h"
#include "tessera/tess_crypto.h"

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Transport: text to the bytes of the COSE message. */
static tess_status unwrap(tess_verifier *v, const char *text, size_t len, tess_verdict *out,
                          tess_span *c)
{
    /* Handheld scanners add CR/LF and spaces around the code. A valid
     * Base45 text never ends in a space, so trimming the end is safe. */
    while (len > 0 && is_space(text[0])) {
        text++;
        len--;
    }
    while (len > 0 && is_space(text[len - 1]))
        len--;
    if (len < 4 || (memcmp(text, "MC1:", 4) != 0 && memcmp(text, "mc1:", 4) != 0))
        return TESS_ERR_NOT_MC1;
    if (len > TESS_MAX_TEXT)
        return TESS_ERR_TOO_LARGE;
    text += 4;
    len -= 4;
    size_t z_len = tess_b45_decoded_len(len);
    if (z_len == SIZE_MAX)
        return TESS_ERR_BAD_BASE45;
    if (z_len > TESS_MAX_Z)
        return TESS_ERR_TOO_LARGE;
    /* text may lie in v->z itself (the door reader's profile): Base45
     * writes two bytes for every three characters read, behind them. */
    tess_status st = tess_b45_decode(text, len, v->z, sizeof v->z, &z_len);
    if (st != TESS_OK)
        return st;
    out->z_len = z_len;
    if (z_len > 0 && v->z[0] == 0x78) {
        size_t c_len;
#ifdef TESS_SMALL_INFLATE
        st = tess_inflate_small(v->z, z_len, v->c, sizeof v->c, &c_len);
#else
        st = tess_inflate(&v->zlib, v->z, z_len, v->c, sizeof v->c, &c_len);
#endif
        if (st != TESS_OK)
            return st;
        out->compressed = true;
        c->ptr = v->c;
        c->len = c_len;
    } else {
        c->ptr = v->z;
        c->len = z_len;
    }
    out->c_len = c->len;
    return TESS_OK;
}

/* Everything after the signature held: claims, trust, time, revocation. */
static tess_status judge(const tess_cose_sign1 *msg, tess_status strict, const tess_bundle *trust,
                         const tess_issuer *is, uint64_t now, uint64_t skew, tess_verdict *out)
{
    tess_credential *cr = &out->cred;
    if (strict != TESS_OK)
        return TESS_ERR_BAD_CLAIMS;
    tess_status st = tess_claims_decode(msg->payload, cr);
    if (st != TESS_OK)
        return st;
    out->has_cred = true;
    if (cr->iss.len != is->iss.len || memcmp(cr->iss.ptr, is->iss.ptr, is->iss.len) != 0)
        return TESS_ERR_ISSUER_MISMATCH;
    if (!tess_issuer_allows(is, cr->achievement))
        return TESS_ERR_OUT_OF_SCOPE;
    if (cr->iat < is->not_before || cr->iat > is->not_after)
        return TESS_ERR_KEY_NOT_VALID;
    if ((cr->has & TESS_HAS_NBF) && cr->nbf > sat_add(now, skew))
        return TESS_ERR_NOT_YET_VALID;
    /* exp > now - skew; when now < skew, now - skew is before the epoch
     * and nothing has expired. */
    if ((cr->has & TESS_HAS_EXP) && now >= skew && cr->exp <= now - skew)
        return TESS_ERR_EXPIRED;
    if (tess_bundle_is_revoked(trust, cr->cti))
        return TESS_ERR_REVOKED;
    return TESS_OK;
}

static tess_status check(tess_verifier *v, const char *text, size_t len,
                         const tess_bundle *trust, const tess_clock *clock, tess_verdict *out)
{
    tess_span c;
    tess_status st = unwrap(v, text, len, out, &c);
    if (st != TESS_OK)
        return st;
    tess_cose_sign1 msg;
    if ((st = tess_cose_sign1_parse(c, TESS_MAX_STRING, &msg)) != TESS_OK)
        return st;
    tess_status strict;
    if ((st = tess_claims_limits(msg.payload, &strict)) != TESS_OK)
        return st;
    if (!tess_cose_alg_ok(&msg.hdr))
        return TESS_ERR_BAD_ALG;
    if (msg.hdr.kid_state != TESS_KID_BSTR || msg.hdr.kid.len != TESS_KID_LEN ||
        !tess_bundle_find_issuer(trust, msg.hdr.kid.ptr, &out->issuer))
        return TESS_ERR_UNKNOWN_ISSUER;
    out->has_issuer = true;
#ifdef TESS_SMALL_INFLATE
    uint8_t *tbs = out->compressed ? v->z : v->c;
    size_t tbs_cap = out->compressed ? sizeof v->z : sizeof v->c;
#else
    uint8_t *tbs = v->tbs;
    size_t tbs_cap = sizeof v->tbs;
#endif
    if ((st = tess_cose_sign1_verify(&msg, out->issuer.pk, tbs, tbs_cap)) != TESS_OK)
        return st;
    return judge(&msg, strict, trust, &out->issuer, out->judged_at, clock->skew, out);
}

tess_status tess_verify(tess_verifier *v, const char *text, size_t len,
                        const tess_bundle *trust, const tess_clock *clock, tess_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->judged_at = clock->now;
    if (clock->now < clock->floor) {
        /* A Pi without a battery boots in 1970: never judge before what we
         * know has already happened. */
        out->judged_at = clock->floor;
        out->warnings |= TESS_WARN_CLOCK_UNCERTAIN;
    }
    if (out->judged_at > trust->expires)
        out->warnings |= TESS_WARN_TRUST_STALE;
    tess_status st = check(v, text, len, trust, clock, out);
    if (st != TESS_OK && !out->has_cred) {
        unsigned warnings = out->warnings;
        uint64_t at = out->judged_at;
        memset(out, 0, sizeof *out);
        out->warnings = warnings;
        out->judged_at = at;
    }
    out->reason = st;
    return st;
}
