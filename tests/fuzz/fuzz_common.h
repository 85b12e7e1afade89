/*
 * fuzz_common.h: what the libFuzzer harnesses share: a CHECK that aborts
 * (so libFuzzer keeps the input), UBSan made fatal, and the world of
 * fuzz_verify.c (issuer seed 1 restricted to "FORK-" and "WELD-", issuer
 * seed 3 for any achievement, two revoked ids) that seeds.c writes for.
 *
 * Every harness defines LLVMFuzzerInitialize and LLVMFuzzerTestOneInput
 * and nothing else global: the same file links with libFuzzer's main
 * (build-fuzz/) or with replay_main.c (the regression tests of `make test`).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testkit.h"
#include "tessera/tess_cbor.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* The world of fuzz_verify.c and seeds.c; *second gets issuer seed 3. */
static inline tk_world *fuzz_world_new(tk_key *second)
{
    static const char *const prefixes[] = {"FORK-", "WELD-"};
    tk_world *w = tk_world_new();
    tk_key_from_seed(second, 3);
    w->issuers[0].restricted = true;
    w->issuers[0].allowed = prefixes;
    w->issuers[0].n_allowed = 2;
    memcpy(w->issuers[1].pk, second->pk, 32);
    w->issuers[1].iss = "https://college.example";
    w->issuers[1].name = "Example College";
    w->issuers[1].not_before = 1577836800;
    w->issuers[1].not_after = 1893456000;
    w->n_issuers = 2;
    memset(w->revoked[0], 0xA5, 16);
    memset(w->revoked[1], 0x11, 16);
    w->n_revoked = 2;
    if (tess_bundle_sort(w->issuers, w->n_issuers, w->revoked, &w->n_revoked) != TESS_OK ||
        tk_world_rebundle(w) != TESS_OK)
        abort();
    return w;
}

/* Whether st is one of FORMAT.md's verification reasons. */
static inline bool fuzz_reason_listed(tess_status st)
{
    switch (st) {
    case TESS_OK:
    case TESS_ERR_NOT_MC1:
    case TESS_ERR_BAD_BASE45:
    case TESS_ERR_BAD_COMPRESSION:
    case TESS_ERR_TOO_LARGE:
    case TESS_ERR_BAD_COSE:
    case TESS_ERR_BAD_ALG:
    case TESS_ERR_UNKNOWN_ISSUER:
    case TESS_ERR_BAD_SIGNATURE:
    case TESS_ERR_BAD_CLAIMS:
    case TESS_ERR_ISSUER_MISMATCH:
    case TESS_ERR_OUT_OF_SCOPE:
    case TESS_ERR_KEY_NOT_VALID:
    case TESS_ERR_NOT_YET_VALID:
    case TESS_ERR_EXPIRED:
    case TESS_ERR_REVOKED:
        return true;
    default:
        return false;
    }
}

#endif
