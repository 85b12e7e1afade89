/*
 * tess_issue.h: the writing side, for hosts (issuers, publishers, tests).
 * Not part of the verify path and not built for the door reader.
 *
 * Everything written is deterministic CBOR (RFC 8949 4.2.1): shortest
 * heads, definite lengths, map keys in bytewise order of their encodings.
 * The heads come from libcbor's buffer encoders (src/enc_libcbor.c, the one
 * file of the core that includes <cbor.h>).
 */
#ifndef TESS_ISSUE_H
#define TESS_ISSUE_H

#include "tess_bundle.h"
#include "tess_cred.h"

/* A CBOR writer into a caller buffer. After an overflow every call is a
 * no-op and .overflow stays set: check it once at the end. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;
} tess_enc;

void tess_enc_init(tess_enc *e, uint8_t *buf, size_t cap);
void tess_enc_uint(tess_enc *e, uint64_t v);
void tess_enc_int(tess_enc *e, int64_t v);
void tess_enc_bstr(tess_enc *e, const uint8_t *p, size_t n);
void tess_enc_tstr(tess_enc *e, const char *p, size_t n);
void tess_enc_text(tess_enc *e, const char *s);   /* NUL-terminated */
void tess_enc_array(tess_enc *e, size_t n);
void tess_enc_map(tess_enc *e, size_t n);
void tess_enc_tag(tess_enc *e, uint64_t tag);
void tess_enc_raw(tess_enc *e, const uint8_t *p, size_t n);

/* The claims map of a credential (the fields `has` marks, and the required
 * ones). Returns TESS_ERR_ARG for a credential that would not verify
 * (missing required text, version not 1, eqf out of range, too many
 * skills, a string over TESS_MAX_STRING), TESS_ERR_BUFFER when cap is
 * short. */
TESS_MUST_USE tess_status tess_claims_encode(const tess_credential *cr, uint8_t *out,
                                             size_t cap, size_t *len);

/* The protected header {1: -8, 4: kid(pk)}. */
TESS_MUST_USE tess_status tess_cose_protected(const uint8_t pk[32], uint8_t *out,
                                              size_t cap, size_t *len);

/* 18([protected, {}, payload, signature]) signed with sk (its public half
 * is sk + 32). The protected header is given as bytes so that tests can
 * sign any header they like. */
TESS_MUST_USE tess_status tess_cose_sign1_build(const uint8_t *prot, size_t prot_len,
                                                const uint8_t *payload, size_t payload_len,
                                                const uint8_t sk[64], uint8_t *out,
                                                size_t cap, size_t *len);

typedef enum { TESS_ZLIB_AUTO = 0, TESS_ZLIB_NEVER = 1, TESS_ZLIB_ALWAYS = 2 } tess_zlib_mode;

/* "MC1:" + Base45(Z), Z = zlib(C) when that is shorter (AUTO), NUL-terminated.
 * TESS_ERR_BUFFER when cap is short. */
TESS_MUST_USE tess_status tess_mc1_text(const uint8_t *c, size_t c_len, tess_zlib_mode mode,
                                        char *out, size_t cap, size_t *len);

/* zlib (RFC 1950) at the best compression; in the zlib seam. */
TESS_MUST_USE tess_status tess_deflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                                       size_t *out_len);

/* The whole of issuing: claims, COSE_Sign1 with sk, MC1 text.
 * TESS_ERR_TOO_LARGE when C would pass TESS_MAX_C or the text
 * TESS_MAX_TEXT: what no verifier accepts is not issued. */
TESS_MUST_USE tess_status tess_issue(const tess_credential *cr, const uint8_t sk[64],
                                     char *out, size_t cap, size_t *len);

/* ---- roots and bundles ---- */

TESS_MUST_USE tess_status tess_root_encode(unsigned threshold, const uint8_t (*keys)[32],
                                           size_t n_keys, uint8_t *out, size_t cap,
                                           size_t *len);

typedef struct {
    uint8_t pk[32];
    const char *iss;
    const char *name;
    uint64_t not_before;
    uint64_t not_after;
    bool restricted;            /* write field 7 (allowed prefixes) */
    const char *const *allowed;
    size_t n_allowed;
} tess_issuer_in;

typedef struct {
    const char *id;
    const char *title;
    const char *const *req_iss;         /* n_req each */
    const char *const *req_achievement;
    size_t n_req;
    bool has_needed;
    uint64_t needed;
} tess_pathway_in;

typedef struct {
    uint64_t version;
    uint64_t issued_at;
    uint64_t expires;
    const char *publisher;
    const tess_issuer_in *issuers;      /* must be sorted by kid (see below) */
    size_t n_issuers;
    const uint8_t (*revoked)[16];       /* must be sorted ascending */
    size_t n_revoked;
    bool has_new_roots;
    unsigned new_threshold;
    const uint8_t (*new_roots)[32];
    size_t n_new_roots;
    const tess_pathway_in *pathways;
    size_t n_pathways;
} tess_bundle_in;

/* The bundle payload map. */
TESS_MUST_USE tess_status tess_bundle_payload_encode(const tess_bundle_in *in, uint8_t *out,
                                                     size_t cap, size_t *len);

/* 98([h'', {}, payload, [signatures]]), one signature per secret key, each
 * with protected {1: -8, 4: kid}. scratch: tess_bundle_scratch_size bytes
 * of the result. */
TESS_MUST_USE tess_status tess_bundle_sign(const uint8_t *payload, size_t payload_len,
                                           const uint8_t (*sks)[64], size_t n_sks,
                                           uint8_t *scratch, size_t scratch_cap,
                                           uint8_t *out, size_t cap, size_t *len);

/* Sorts issuers by kid and revoked ids ascending, in place, dropping
 * repeated revoked ids (*n_revoked is updated). TESS_ERR_ARG when two
 * issuers have the same key. */
TESS_MUST_USE tess_status tess_bundle_sort(tess_issuer_in *issuers, size_t n_issuers,
                                           uint8_t (*revoked)[16], size_t *n_revoked);

#endif
