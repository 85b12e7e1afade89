/*
 * store_hash.h: the store's one seam to libsodium (BLAKE2b through
 * crypto_generichash, and the system's randomness). Only store_hash.c
 * includes <sodium.h>.
 */
#ifndef TESS_STORE_HASH_H
#define TESS_STORE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* BLAKE2b-256 of a 16-byte credential id keyed with a 32-byte secret:
 * without the secret the hash says nothing of the id. */
void store_keyed_hash(uint8_t out[32], const uint8_t cti[16], const uint8_t key[32]);

/* An incremental BLAKE2b-256 (unkeyed), for the audit chain. The state is
 * libsodium's, held in opaque aligned bytes. */
typedef struct {
    _Alignas(64) unsigned char opaque[384];
} store_hasher;

void store_hash_init(store_hasher *h);
void store_hash_update(store_hasher *h, const void *p, size_t n);
void store_hash_final(store_hasher *h, uint8_t out[32]);

void store_random(uint8_t *out, size_t n);

#endif
