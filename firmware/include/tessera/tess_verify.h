/*
 * tess_verify.h: text in, verdict out. The whole of FORMAT.md's
 * "Verification, in order", and nothing else.
 *
 * tess_verify returns the first failing step's reason, exactly in the order
 * of FORMAT.md:
 *   not_mc1, too_large (text), bad_base45, too_large (Z), bad_compression,
 *   too_large (C), bad_cose / too_large (strings outside the payload),
 *   too_large (payload strings, skills, stacks), bad_alg, unknown_issuer,
 *   bad_signature, bad_claims, issuer_mismatch, out_of_scope,
 *   key_not_valid, not_yet_valid, expired, revoked; or TESS_OK (valid).
 * The text may have a lower-case prefix ("mc1:") and surrounding spaces,
 * tabs, CR and LF; the size limit counts the text without them.
 *
 * Time is an argument: the core never reads a clock. The judging time is
 * the later of clock->now and clock->floor; when now is behind the floor
 * the verdict carries TESS_WARN_CLOCK_UNCERTAIN. A bundle past its expires
 * gives TESS_WARN_TRUST_STALE. Warnings never change the reason.
 *
 * Fail closed: the result must be used. On any failure before the
 * signature held, the verdict holds nothing but the reason and warnings;
 * once signature and claims held, cred and issuer stay filled in (so that a
 * kiosk can say whose credential expired) while reason says why it is not
 * valid. A credential's spans point into the verifier and are valid until
 * the next tess_verify with it.
 *
 * Memory: a verification uses the tess_verifier the caller gives
 * (sizeof(tess_verifier), about 18 KB: Z, C, and zlib's arena, which the
 * Sig_structure reuses), a tess_verdict (about 1.5 KB) and under 10 KB of
 * stack, zlib's and libsodium's included (tests/unit/test_alloc.c
 * measures both, and counts zero heap allocations). One verifier serves
 * one verification at a time. board/cortex-m builds the door reader with
 * TESS_SMALL_INFLATE (below): 8.4 KB there, FORMAT.md's limits kept.
 */
#ifndef TESS_VERIFY_H
#define TESS_VERIFY_H

#include "tess_bundle.h"
#include "tess_cose.h"
#include "tess_cred.h"
#include "tess_inflate.h"

#ifndef TESS_SMALL_INFLATE
typedef struct {
    uint8_t z[TESS_MAX_Z];
    uint8_t c[TESS_MAX_C];
    /* zlib's arena is free once C is inflated: the Sig_structure reuses it. */
    union {
        tess_inflate_arena zlib;
        uint8_t tbs[TESS_MAX_C + TESS_COSE_TBS_OVERHEAD];
    };
} tess_verifier;
#else
/* The door reader's profile (board/cortex-m): inflated by
 * tess_inflate_small, which needs no arena, and with no byte spent twice.
 * z holds Z, and may first hold the text itself (tess_verify decodes
 * Base45 in place, front to back, when text lies in z: the door reader
 * reads its input line straight into it). Once C is out, the
 * Sig_structure goes where C is not: into z for a compressed text (Z is
 * spent), into c for one that was not (C is Z, in z, and c is unused). */
#define TESS_Z_ROOM                                                                        \
    (TESS_MAX_TEXT + 64u > TESS_MAX_C + TESS_COSE_TBS_OVERHEAD                             \
         ? TESS_MAX_TEXT + 64u                                                             \
         : TESS_MAX_C + TESS_COSE_TBS_OVERHEAD)
_Static_assert(TESS_MAX_C >= TESS_MAX_Z + TESS_COSE_TBS_OVERHEAD,
               "an uncompressed text's Sig_structure goes into c");
typedef struct {
    uint8_t z[TESS_Z_ROOM];
    uint8_t c[TESS_MAX_C];
} tess_verifier;
#endif

typedef struct {
    uint64_t now;     /* the caller's clock, seconds since the epoch */
    uint64_t floor;   /* the time floor, 0 when there is none */
    uint64_t skew;    /* tolerance for nbf and exp, seconds */
} tess_clock;

typedef struct {
    tess_status reason;
    unsigned warnings;        /* TESS_WARN_* */
    uint64_t judged_at;       /* the time the checks used */
    bool compressed;          /* Z was a zlib stream */
    size_t z_len;             /* bytes after Base45 */
    size_t c_len;             /* bytes of the COSE message */
    bool has_issuer;          /* issuer is filled in (kid was found) */
    tess_issuer issuer;
    bool has_cred;            /* signature and claims held: cred is filled in */
    tess_credential cred;
} tess_verdict;

TESS_MUST_USE tess_status tess_verify(tess_verifier *v, const char *text, size_t len,
                                      const tess_bundle *trust, const tess_clock *clock,
                                      tess_verdict *out);

#endif
