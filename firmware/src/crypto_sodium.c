/* The libsodium seam: every libsodium result becomes a tess_status here. */
#include "tessera/tess_crypto.h"

#include <sodium.h>

tess_status tess_crypto_init(void)
{
    return sodium_init() < 0 ? TESS_ERR_CRYPTO : TESS_OK;
}

tess_status tess_ed25519_verify(const uint8_t sig[64], const uint8_t *msg,
                                size_t len, const uint8_t pk[32])
{
    return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? TESS_OK
                                                               : TESS_ERR_BAD_SIGNATURE;
}

void tess_sha256(uint8_t out[32], const uint8_t *in, size_t len)
{
    crypto_hash_sha256(out, in, len);
}

void tess_kid_of(uint8_t kid[8], const uint8_t pk[32])
{
    uint8_t h[32];
    crypto_hash_sha256(h, pk, 32);
    for (unsigned i = 0; i < TESS_KID_LEN; i++)
        kid[i] = h[i];
}

tess_status tess_ed25519_keypair(uint8_t pk[32], uint8_t sk[64], const uint8_t *seed)
{
    int rc = seed ? crypto_sign_seed_keypair(pk, sk, seed) : crypto_sign_keypair(pk, sk);
    return rc == 0 ? TESS_OK : TESS_ERR_CRYPTO;
}

tess_status tess_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
                              const uint8_t sk[64])
{
    return crypto_sign_detached(sig, NULL, msg, len, sk) == 0 ? TESS_OK : TESS_ERR_CRYPTO;
}

void tess_random(uint8_t *out, size_t len)
{
    randombytes_buf(out, len);
}

void tess_wipe(void *p, size_t len)
{
    sodium_memzero(p, len);
}
