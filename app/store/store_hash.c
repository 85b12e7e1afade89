/* store_hash.c: libsodium for the store (see store_hash.h). */
#include <sodium.h>
#include <string.h>

#include "store_hash.h"

_Static_assert(sizeof(store_hasher) >= sizeof(crypto_generichash_state),
               "store_hasher must hold libsodium's BLAKE2b state");

void store_keyed_hash(uint8_t out[32], const uint8_t cti[16], const uint8_t key[32])
{
    crypto_generichash(out, 32, cti, 16, key, 32);
}

void store_hash_init(store_hasher *h)
{
    crypto_generichash_init((crypto_generichash_state *)(void *)h->opaque, NULL, 0, 32);
}

void store_hash_update(store_hasher *h, const void *p, size_t n)
{
    crypto_generichash_update((crypto_generichash_state *)(void *)h->opaque, p, n);
}

void store_hash_final(store_hasher *h, uint8_t out[32])
{
    crypto_generichash_final((crypto_generichash_state *)(void *)h->opaque, out, 32);
    sodium_memzero(h, sizeof *h);
}

void store_random(uint8_t *out, size_t n)
{
    randombytes_buf(out, n);
}
