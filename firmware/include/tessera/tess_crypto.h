/*
 * tess_crypto.h: the one seam to the cryptography library (libsodium).
 *
 * Only src/crypto_sodium.c includes <sodium.h>. Verification is Ed25519 as
 * libsodium does it: it rejects non-canonical S (S >= L), small-order and
 * non-canonical public keys and R values (see the ed25519-speccheck cases).
 * No function here allocates.
 */
#ifndef TESS_CRYPTO_H
#define TESS_CRYPTO_H

#include "tess_common.h"

#define TESS_PK_LEN 32u
#define TESS_SK_LEN 64u   /* libsodium's secret key: seed || public key */
#define TESS_SEED_LEN 32u
#define TESS_SIG_LEN 64u
#define TESS_KID_LEN 8u

/* Must be called once before anything else here; safe to call again.
 * Returns TESS_OK or TESS_ERR_CRYPTO. */
TESS_MUST_USE tess_status tess_crypto_init(void);

/* TESS_OK when sig is a valid Ed25519 signature of msg by pk, else
 * TESS_ERR_BAD_SIGNATURE. */
TESS_MUST_USE tess_status tess_ed25519_verify(const uint8_t sig[64],
                                              const uint8_t *msg, size_t len,
                                              const uint8_t pk[32]);

/* kid = the first 8 bytes of SHA-256 over the raw public key (FORMAT.md). */
void tess_kid_of(uint8_t kid[8], const uint8_t pk[32]);

void tess_sha256(uint8_t out[32], const uint8_t *in, size_t len);

/* ---- signing side (issuers, bundle publishers, tests) ---- */

/* A key pair from a 32-byte seed (deterministic), or from the system's
 * randomness when seed is NULL. */
TESS_MUST_USE tess_status tess_ed25519_keypair(uint8_t pk[32], uint8_t sk[64],
                                               const uint8_t *seed);

TESS_MUST_USE tess_status tess_ed25519_sign(uint8_t sig[64], const uint8_t *msg,
                                            size_t len, const uint8_t sk[64]);

void tess_random(uint8_t *out, size_t len);

/* Overwrites secrets in a way the compiler keeps. */
void tess_wipe(void *p, size_t len);

#endif
