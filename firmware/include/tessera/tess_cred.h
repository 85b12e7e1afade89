/*
 * tess_cred.h: the CWT claims of an MC1 credential and its `mc` map.
 *
 * tess_claims_parse accepts a strict CBOR map (tess_cbor.h) holding iss
 * (1, tstr), iat (6, uint), cti (7, 16-byte bstr) and mc (-65537, a map
 * with version 1 (1), holder (2), title (3), achievement (4) and awarder
 * (6), all tstr), and optionally sub (2), exp (4), nbf (5) and the other
 * mc fields of FORMAT.md. Unknown keys are skipped, in both maps.
 * Rejects: TESS_ERR_BAD_CLAIMS for non-strict CBOR, a missing required
 * claim, a known field of the wrong type (a uint must be major type 0:
 * not a float, a negative number or a tag), mc version other than 1, an
 * EQF level outside 1..8, a cti that is not 16 bytes, a skill or stack
 * that is not text; TESS_ERR_TOO_LARGE for a string over TESS_MAX_STRING or
 * more than TESS_MAX_LIST skills or stacks.
 * Does not check: signatures, time, trust (tess_verify.h does), nor the
 * form of country, lang or skill codes (they are shown, not trusted).
 * Unknown values of type, assessment and participation are accepted.
 *
 * A parsed credential points into the payload's bytes and is valid while
 * they are (for tess_verify: until the verifier is used again).
 */
#ifndef TESS_CRED_H
#define TESS_CRED_H

#include "tess_common.h"

/* Which optional fields are present. */
enum {
    TESS_HAS_SUB = 1u << 0,
    TESS_HAS_EXP = 1u << 1,
    TESS_HAS_NBF = 1u << 2,
    TESS_HAS_TYPE = 1u << 3,
    TESS_HAS_COUNTRY = 1u << 4,
    TESS_HAS_SKILLS = 1u << 5,
    TESS_HAS_EQF = 1u << 6,
    TESS_HAS_WORKLOAD = 1u << 7,
    TESS_HAS_ASSESSMENT = 1u << 8,
    TESS_HAS_PARTICIPATION = 1u << 9,
    TESS_HAS_QA = 1u << 10,
    TESS_HAS_STACKS = 1u << 11,
    TESS_HAS_LANG = 1u << 12
};

/* The claim keys and mc keys of FORMAT.md. */
enum {
    TESS_CLAIM_ISS = 1, TESS_CLAIM_SUB = 2, TESS_CLAIM_EXP = 4,
    TESS_CLAIM_NBF = 5, TESS_CLAIM_IAT = 6, TESS_CLAIM_CTI = 7
};
#define TESS_CLAIM_MC (-65537)
enum {
    TESS_MC_VERSION = 1, TESS_MC_HOLDER = 2, TESS_MC_TITLE = 3,
    TESS_MC_ACHIEVEMENT = 4, TESS_MC_TYPE = 5, TESS_MC_AWARDER = 6,
    TESS_MC_COUNTRY = 7, TESS_MC_SKILLS = 8, TESS_MC_EQF = 9,
    TESS_MC_WORKLOAD = 10, TESS_MC_ASSESSMENT = 11,
    TESS_MC_PARTICIPATION = 12, TESS_MC_QA = 13, TESS_MC_STACKS = 14,
    TESS_MC_LANG = 15
};

typedef struct {
    uint32_t has;              /* TESS_HAS_* */
    tess_span iss;
    tess_span sub;
    uint64_t exp;
    uint64_t nbf;
    uint64_t iat;
    const uint8_t *cti;        /* 16 bytes */
    uint64_t version;
    tess_span holder;
    tess_span title;
    tess_span achievement;
    uint64_t type;             /* 0 when absent */
    tess_span awarder;
    tess_span country;
    size_t n_skills;
    tess_span skills[TESS_MAX_LIST];
    uint64_t eqf;
    uint64_t workload;
    uint64_t assessment;
    uint64_t participation;
    tess_span qa;
    size_t n_stacks;
    tess_span stacks[TESS_MAX_LIST];
    tess_span lang;
} tess_credential;

/* Only the size limits of the payload: TESS_ERR_TOO_LARGE or TESS_OK.
 * A payload that is not strict CBOR passes here (and fails as bad_claims
 * after the signature); *strict says whether it is, so that the strict
 * walk is done once. */
TESS_MUST_USE tess_status tess_claims_limits(tess_span payload, tess_status *strict);

TESS_MUST_USE tess_status tess_claims_parse(tess_span payload, tess_credential *out);

/* tess_claims_parse without the strict walk, for a payload that
 * tess_claims_limits found strict. Bounds-checked on any input, but it
 * does not refuse repeated keys or bad UTF-8 by itself. */
TESS_MUST_USE tess_status tess_claims_decode(tess_span payload, tess_credential *out);

/* English names for the enumerations; "other" for values not yet known. */
const char *tess_type_name(uint64_t type);
const char *tess_assessment_name(uint64_t v);
const char *tess_participation_name(uint64_t v);

#endif
