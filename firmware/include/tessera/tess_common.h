/*
 * tess_common.h: spans, the one status enum, and the limits of the core.
 *
 * Every function of the core returns a tess_status. The values are grouped
 * by the stage that rejects (transport, CBOR, COSE, trust, signature,
 * claims, time, revocation, bundle, caller), and tess_reason() gives the
 * reason word of FORMAT.md for each. CBOR-level codes never leave the core's
 * public verify functions: each stage turns them into its own reason
 * (bad_cose, bad_claims, bad_bundle) or into too_large.
 */
#ifndef TESS_COMMON_H
#define TESS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define TESS_MUST_USE __attribute__((warn_unused_result))
#else
#define TESS_MUST_USE
#endif

/* Bytes travel with their length. A span never owns what it points at. */
typedef struct {
    const uint8_t *ptr;
    size_t len;
} tess_span;

typedef enum {
    TESS_OK = 0,

    /* transport: the text, Base45, zlib and the size limits */
    TESS_ERR_NOT_MC1 = 10,
    TESS_ERR_BAD_BASE45 = 11,
    TESS_ERR_BAD_COMPRESSION = 12,
    TESS_ERR_TOO_LARGE = 13,

    /* CBOR well-formedness and the strict rules (internal to a stage) */
    TESS_ERR_CBOR_MALFORMED = 20,
    TESS_ERR_CBOR_INDEFINITE = 21,
    TESS_ERR_CBOR_DUP_KEY = 22,
    TESS_ERR_CBOR_UTF8 = 23,
    TESS_ERR_CBOR_DEPTH = 24,
    TESS_ERR_CBOR_TRAILING = 25,
    TESS_ERR_CBOR_STRING_LIMIT = 26,
    TESS_ERR_CBOR_TYPE = 27,
    TESS_ERR_CBOR_TOO_COMPLEX = 28,

    /* COSE */
    TESS_ERR_BAD_COSE = 30,
    TESS_ERR_BAD_ALG = 31,

    /* trust: who signed */
    TESS_ERR_UNKNOWN_ISSUER = 40,

    /* signature */
    TESS_ERR_BAD_SIGNATURE = 50,

    /* claims */
    TESS_ERR_BAD_CLAIMS = 60,
    TESS_ERR_ISSUER_MISMATCH = 61,
    TESS_ERR_OUT_OF_SCOPE = 62,

    /* time */
    TESS_ERR_KEY_NOT_VALID = 70,
    TESS_ERR_NOT_YET_VALID = 71,
    TESS_ERR_EXPIRED = 72,

    /* revocation */
    TESS_ERR_REVOKED = 80,

    /* trust bundle and root file */
    TESS_ERR_BAD_BUNDLE = 90,
    TESS_ERR_THRESHOLD = 91,
    TESS_ERR_ROTATION = 92,
    TESS_ERR_ROLLBACK = 93,
    TESS_ERR_BAD_ROOT = 94,

    /* the caller: a buffer too small, an argument out of range */
    TESS_ERR_BUFFER = 100,
    TESS_ERR_ARG = 101,
    TESS_ERR_CRYPTO = 102
} tess_status;

/* Warnings: beside a verdict, never changing it. */
enum {
    TESS_WARN_TRUST_STALE = 1u << 0,     /* the bundle is past its expires */
    TESS_WARN_CLOCK_UNCERTAIN = 1u << 1  /* the clock is behind the floor */
};

/*
 * The reason word of FORMAT.md ("valid", "not_mc1", ..., "rollback") for a
 * status; "bad_root", "buffer", "argument", "crypto" and the CBOR codes'
 * own words for the rest. Never NULL.
 */
const char *tess_reason(tess_status s);

/* A short English sentence saying what the reason means, for people. */
const char *tess_reason_text(tess_status s);

/* ---- limits (FORMAT.md "Limits"), each a rejection with too_large ---- */

/* The most characters a QR code holds in alphanumeric mode (version 40-L). */
#define TESS_MAX_TEXT 4296u
/* Base45 output, before inflating. (4296 characters give at most 2861.)
 * A board profile may set this and TESS_MAX_C lower, never higher, to fit
 * its RAM (board/cortex-m/README.md says what the door reader uses). */
#ifndef TESS_MAX_Z
#define TESS_MAX_Z 3000u
#endif
/* The COSE_Sign1 message after inflating: a zip bomb stops here. */
#ifndef TESS_MAX_C
#define TESS_MAX_C 4096u
#endif
/* Any text or byte string inside the credential, but for the COSE payload
 * wrapper itself, which C's limit bounds. */
#define TESS_MAX_STRING 512u
/* Entries in the skills (mc 8) and stacks (mc 14) arrays. */
#define TESS_MAX_LIST 32u
/* Containers and tags nested in one CBOR item, counting the outermost. */
#define TESS_MAX_DEPTH 8u

/* ---- limits of our own (not in FORMAT.md), each with its reason ---- */

/* Root keys in a root file or new_roots: a fleet has a handful. */
#define TESS_MAX_ROOT_KEYS 16u
/* Map-key comparisons a strict check may make per input byte (plus 4096):
 * keeps duplicate detection linear in the input, whatever the keys. */
#define TESS_KEY_WORK_PER_BYTE 16u
/* Signatures on one bundle: more than twice the root keys is an attack. */
#define TESS_MAX_BUNDLE_SIGS 32u

/* A credential id (cti) and each revoked id in a bundle. */
#define TESS_CTI_LEN 16u

/* Default clock skew tolerated for nbf and exp, seconds. */
#define TESS_DEFAULT_SKEW 300u

#endif
