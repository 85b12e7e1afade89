/*
 * case.h: one verification case for the door reader, as the host saw it.
 *
 * gen_cases (on the host) runs the host's own verification tests
 * (tests/unit/test_verify.c and test_bitflip.c) and records every
 * tess_verify they make: the text, the clock, the trust bundle and the
 * host's verdict. test_m4 (on the Cortex-M4) verifies each text again and
 * compares. A case whose Z or C is larger than the door reader's limits
 * (README.md) is marked: the door reader must say too_large for it.
 */
#ifndef TESS_M4_CASE_H
#define TESS_M4_CASE_H

#include "tessera/tess_verify.h"

typedef struct {
    uint32_t threshold;
    uint32_t n_keys;
    const uint8_t (*keys)[32];
    const uint8_t *file;     /* the TB1 bundle, signed by the root keys */
    uint32_t len;
} m4_trust;

typedef struct {
    const char *text;
    uint32_t len;
    uint16_t trust;          /* index into m4_trusts */
    uint8_t reason;          /* the host's tess_status */
    uint8_t beyond;          /* 1: past the door reader's Z or C limit */
    uint64_t now, floor, skew;
    /* the host's verdict beside the reason */
    uint64_t judged_at;
    uint32_t warnings;
    uint32_t z_len, c_len;
    uint8_t compressed, has_issuer, has_cred;
    uint32_t fingerprint;    /* m4_fingerprint of the verdict */
    const char *origin;      /* which host test made it */
} m4_case;

extern const m4_trust m4_trusts[];
extern const uint32_t m4_n_trusts;
extern const m4_case m4_cases[];
extern const uint32_t m4_n_cases;
/* The limits gen_cases judged "beyond" with; test_m4 checks they are its own. */
extern const uint32_t m4_door_max_z, m4_door_max_c;

static inline uint32_t m4_fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static inline uint32_t m4_fnv_u64(uint32_t h, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        h = m4_fnv(h, &b, 1);
    }
    return h;
}

static inline uint32_t m4_fnv_span(uint32_t h, tess_span s)
{
    h = m4_fnv_u64(h, s.len);
    return s.len ? m4_fnv(h, s.ptr, s.len) : h;
}

/* Everything the verdict says beside its flags and lengths: the issuer
 * and the credential's fields, by value (not by address). */
static inline uint32_t m4_fingerprint(const tess_verdict *v)
{
    uint32_t h = 2166136261u;
    if (v->has_issuer) {
        h = m4_fnv(h, v->issuer.kid, 8);
        h = m4_fnv(h, v->issuer.pk, 32);
        h = m4_fnv_span(h, v->issuer.iss);
        h = m4_fnv_span(h, v->issuer.name);
        h = m4_fnv_u64(h, v->issuer.not_before);
        h = m4_fnv_u64(h, v->issuer.not_after);
    }
    if (v->has_cred) {
        const tess_credential *c = &v->cred;
        h = m4_fnv_u64(h, c->has);
        const tess_span spans[] = {c->iss,   c->sub,     c->holder,  c->title, c->achievement,
                                   c->awarder, c->country, c->qa, c->lang};
        for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++)
            h = m4_fnv_span(h, spans[i]);
        const uint64_t nums[] = {c->exp,  c->nbf,      c->iat,        c->version,
                                 c->type, c->eqf,      c->workload,   c->assessment,
                                 c->participation, c->n_skills, c->n_stacks};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
            h = m4_fnv_u64(h, nums[i]);
        h = m4_fnv(h, c->cti, 16);
        for (size_t i = 0; i < c->n_skills && i < TESS_MAX_LIST; i++)
            h = m4_fnv_span(h, c->skills[i]);
        for (size_t i = 0; i < c->n_stacks && i < TESS_MAX_LIST; i++)
            h = m4_fnv_span(h, c->stacks[i]);
    }
    return h;
}

#endif
