/*
 * testkit.h: a small world for tests: deterministic keys, a root, a bundle
 * and a verifier, and a typical credential to change one field at a time.
 * Test keys live here, under tests/, never under assets/.
 */
#ifndef TESTKIT_H
#define TESTKIT_H

#include <stdio.h>

#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"
#include "tessera/tess_verify.h"

/* 2026-01-01T00:00:00Z: the "now" of the tests. */
#define TK_NOW 1767225600u
#define TK_ISS "https://academy.example"

typedef struct {
    uint8_t pk[32];
    uint8_t sk[64];
} tk_key;

/* A key pair from a one-byte seed (the seed repeated 32 times). */
void tk_key_from_seed(tk_key *k, uint8_t seed);

/* A typical credential, signed by issuer key seed 1. */
void tk_default_cred(tess_credential *cr);

typedef struct {
    tk_key root[3];
    tk_key issuer;             /* seed 1 */
    tk_key other;              /* seed 2: not in the bundle */
    uint8_t root_file[256];
    size_t root_len;
    tess_root trust_root;
    uint8_t bundle_file[65536];
    size_t bundle_len;
    uint32_t issuer_at[64];
    uint8_t scratch[65536 + 64];
    tess_bundle bundle;
    tess_verifier verifier;
    tess_verdict verdict;
    tess_issuer_in issuers[4];
    size_t n_issuers;
    uint8_t revoked[8][16];
    size_t n_revoked;
    uint64_t bundle_expires;
} tk_world;

/* Root keys seeds 10, 11, 12 with threshold 2; bundle v1 with the issuer
 * (iss TK_ISS, any achievement, key valid 2020..2030), no revocations,
 * signed by roots 0 and 1, expiring at TK_NOW + 90 days. Aborts on error. */
tk_world *tk_world_new(void);
void tk_world_free(tk_world *w);

/* Rebuilds and reopens the bundle from w->issuers, w->revoked, and
 * w->bundle_expires. Returns the status of tess_bundle_open. */
tess_status tk_world_rebundle(tk_world *w);

/* The world's bundle file as version v (issued v - 1 seconds after an
 * hour before TK_NOW), signed by roots 0 and 1, into out; its length.
 * Aborts on error. w->scratch is used. */
size_t tk_world_bundle_version(tk_world *w, uint64_t v, uint8_t *out, size_t cap);

/* Issues cr with key k into text (cap 8192). Aborts on error. */
void tk_issue(const tess_credential *cr, const tk_key *k, char *text);

/* Signs any payload and protected header into MC1 text, compressing
 * per mode. */
void tk_sign_raw(const uint8_t *prot, size_t prot_len, const uint8_t *payload,
                 size_t payload_len, const tk_key *k, tess_zlib_mode mode, char *text);

/* C (the COSE bytes) straight into MC1 text. */
void tk_text_of(const uint8_t *c, size_t c_len, tess_zlib_mode mode, char *text);

/* Verifies text at `now` with the default skew. */
tess_status tk_verify(tk_world *w, const char *text, uint64_t now);

/* How many times slower than native this run is: TESS_SLOW, which
 * tests/CMakeLists.txt sets for make valgrind (10) and for the arm64 build
 * under qemu-aarch64 (8); 1 when unset or not a number from 1 to 100.
 * Only waits on the real clock that a test cannot avoid (another process
 * acting at a moment, a kill after a delay) are stretched by it. */
unsigned tk_slow(void);

/* Reads a whole file (from the vectors directory when relative); aborts
 * on error. Caller frees. */
char *tk_read_file(const char *path, size_t *len);

/* The shared vectors directory (TESS_VECTORS at build time). */
const char *tk_vectors_dir(void);

/* Hex to bytes; returns the length or (size_t)-1. */
size_t tk_unhex(const char *hex, uint8_t *out, size_t cap);
/* The same for hex that must be good (vectors): aborts otherwise. */
size_t tk_unhex_all(const char *hex, uint8_t *out, size_t cap);

/* A JSON vector file (relative to the vectors directory), parsed; aborts
 * when it is missing or broken. Free with cJSON_Delete. */
struct cJSON;
struct cJSON *tk_load_json(const char *path);
/* The string member key of obj; aborts when it is not a string. */
const char *tk_json_str(const struct cJSON *obj, const char *key);

/* In a cmocka test: a status, named by its reason words when it differs. */
#define TK_EXPECT_STATUS(got, want, name)                                                  \
    do {                                                                                   \
        tess_status got_ = (got);                                                          \
        if (got_ != (want))                                                                \
            print_error("case %s: got %s (%d), want %s (%d)\n", (name), tess_reason(got_),  \
                        (int)got_, tess_reason(want), (int)(want));                        \
        assert_int_equal(got_, (want));                                                    \
    } while (0)

#endif
