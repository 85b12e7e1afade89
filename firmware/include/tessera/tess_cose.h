/*
 * tess_cose.h: COSE_Sign1 and COSE_Sign (RFC 9052) with Ed25519, parsed in
 * place and verified over the bytes as received (never re-encoded).
 *
 * tess_cose_sign1_parse accepts: tag 18 around a 4-array, or the bare array;
 * [protected bstr, unprotected map, payload bstr, signature bstr], the
 * whole message strict CBOR (tess_cbor.h), the protected header empty or a
 * single strict map.
 * It rejects with TESS_ERR_BAD_COSE: any other tag, any other shape, a nil
 * (detached) payload, a signature that is not 64 bytes, a protected header
 * that is not one complete map, a `crit` header (we understand no critical
 * extension, and RFC 9052 3.1 says to fail then); with TESS_ERR_TOO_LARGE a
 * string longer than max_string anywhere but the payload (0: no limit).
 * It does not check: alg and kid (it reports them; the caller decides),
 * and the unprotected header's content, which is never trusted.
 *
 * A parsed message points into the caller's bytes and is valid while they
 * are. Ed25519 hashes the whole message twice, so the Sig_structure is built
 * in a caller-supplied buffer: protected header(s) + payload +
 * TESS_COSE_TBS_OVERHEAD bytes is always enough.
 */
#ifndef TESS_COSE_H
#define TESS_COSE_H

#include "tess_common.h"

#define TESS_COSE_TAG_SIGN1 18u
#define TESS_COSE_TAG_SIGN 98u
#define TESS_COSE_ALG_EDDSA (-8)
#define TESS_COSE_ALG_ED25519 (-19)
/* Sig_structure bytes beyond the protected headers and the payload. */
#define TESS_COSE_TBS_OVERHEAD 48u

typedef enum {
    TESS_ALG_MISSING = 0,
    TESS_ALG_INT = 1,     /* alg is an integer, in .alg */
    TESS_ALG_OTHER = 2    /* alg is present but not an integer */
} tess_alg_state;

typedef enum {
    TESS_KID_MISSING = 0,
    TESS_KID_BSTR = 1,    /* kid is a byte string, in .kid */
    TESS_KID_OTHER = 2
} tess_kid_state;

/* What a protected header says. */
typedef struct {
    tess_alg_state alg_state;
    int64_t alg;
    tess_kid_state kid_state;
    tess_span kid;
} tess_cose_hdr;

typedef struct {
    bool tagged;
    tess_span protected_hdr;  /* the bstr's content, as signed */
    tess_span unprotected;    /* the whole map item */
    tess_span payload;        /* the bstr's content */
    const uint8_t *payload_head;
    tess_span signature;      /* 64 bytes */
    tess_cose_hdr hdr;
} tess_cose_sign1;

/* Whether alg names Ed25519: -8 (EdDSA) or -19 (Ed25519). */
bool tess_cose_alg_ok(const tess_cose_hdr *h);

TESS_MUST_USE tess_status tess_cose_sign1_parse(tess_span msg, size_t max_string,
                                                tess_cose_sign1 *out);

/* Builds ["Signature1", protected, external_aad, payload] in buf. */
TESS_MUST_USE tess_status tess_cose_sign1_tbs(const tess_cose_sign1 *m,
                                              tess_span external_aad,
                                              uint8_t *buf, size_t cap,
                                              size_t *len);

/* TESS_OK, TESS_ERR_BAD_SIGNATURE, or TESS_ERR_BUFFER. */
TESS_MUST_USE tess_status tess_cose_sign1_verify(const tess_cose_sign1 *m,
                                                 const uint8_t pk[32],
                                                 uint8_t *buf, size_t cap);

/*
 * COSE_Sign. tess_cose_sign_parse accepts tag 98 around
 * [protected bstr, unprotected map, payload bstr, [+ signer]], each signer
 * [protected bstr, unprotected map, signature bstr]; the tag is required
 * when require_tag is set. Rejects with TESS_ERR_BAD_COSE any other shape,
 * non-strict CBOR, a protected header (body or signer) that is not empty or
 * one map, or `crit`. A signer's signature may have any length here; one
 * that is not 64 bytes never verifies.
 */
typedef struct {
    tess_span protected_hdr;
    tess_span unprotected;
    tess_span payload;
    tess_span signers;        /* the signers array's items, back to back */
    size_t n_signers;
} tess_cose_sign;

typedef struct {
    tess_span protected_hdr;
    tess_span unprotected;
    tess_span signature;
    tess_cose_hdr hdr;
} tess_cose_signer;

TESS_MUST_USE tess_status tess_cose_sign_parse(tess_span msg, bool require_tag,
                                               tess_cose_sign *out);

/* The i-th signer (0-based), in order. TESS_ERR_ARG past the end. */
TESS_MUST_USE tess_status tess_cose_sign_signer(const tess_cose_sign *m, size_t i,
                                                tess_cose_signer *out);

/* Builds ["Signature", body_protected, sign_protected, external_aad,
 * payload] in buf and checks the signer's signature with pk. */
TESS_MUST_USE tess_status tess_cose_sign_verify(const tess_cose_sign *m,
                                                const tess_cose_signer *s,
                                                const uint8_t pk[32],
                                                uint8_t *buf, size_t cap);

#endif
