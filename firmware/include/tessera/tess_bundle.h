/*
 * tess_bundle.h: the root of trust and the TB1 trust bundle (FORMAT.md).
 *
 * tess_root_parse accepts {1: threshold, 2: [32-byte keys]} in strict CBOR,
 * 1 <= threshold <= keys <= TESS_MAX_ROOT_KEYS, no key twice; anything else
 * is TESS_ERR_BAD_ROOT.
 *
 * tess_bundle_open checks, in this order, and stops at the first failure:
 *   TESS_ERR_BAD_BUNDLE  not tag 98 around a COSE_Sign; non-strict CBOR; a
 *                        required field (1..6) missing or of the wrong type;
 *                        a kid not derived from its key; issuers not sorted
 *                        by kid or a kid twice; revoked not a whole number
 *                        of 16-byte ids, not ascending, or an id twice;
 *                        malformed new_roots or pathways; more than
 *                        TESS_MAX_BUNDLE_SIGS signatures
 *   TESS_ERR_THRESHOLD   fewer than root->threshold distinct root keys made
 *                        a valid signature (alg -8 or -19, kid of the key)
 *   TESS_ERR_ROTATION    new_roots present and fewer than its threshold of
 *                        its keys signed
 *   TESS_ERR_BUFFER      issuer table or scratch too small
 * It does not check: the version against an installed one (that is
 * tess_bundle_check_version, TESS_ERR_ROLLBACK) nor expires against the
 * clock (the verdict's trust_stale warning).
 *
 * Memory: the bundle's bytes stay the caller's and must outlive the
 * tess_bundle; the caller gives a table of one uint32_t per issuer
 * (the entries' offsets, so that lookups are binary searches over the
 * bundle's own sorted data), and scratch for the Sig_structure of
 * tess_bundle_scratch_size(file length) bytes, needed only during open.
 * Lookups (tess_bundle_find_issuer, tess_bundle_is_revoked) are O(log n),
 * copy nothing and allocate nothing.
 */
#ifndef TESS_BUNDLE_H
#define TESS_BUNDLE_H

#include "tess_common.h"

typedef struct {
    unsigned threshold;
    size_t n_keys;
    const uint8_t *keys[TESS_MAX_ROOT_KEYS]; /* 32 bytes each, in the file */
} tess_root;

TESS_MUST_USE tess_status tess_root_parse(tess_span file, tess_root *out);

typedef struct {
    const uint8_t *kid;     /* 8 bytes */
    const uint8_t *pk;      /* 32 bytes */
    tess_span iss;
    tess_span name;
    uint64_t not_before;
    uint64_t not_after;
    bool any_achievement;   /* field 7 absent */
    tess_span allowed;      /* the prefixes: tstr items back to back */
    size_t n_allowed;
} tess_issuer;

typedef struct {
    tess_span id;
    tess_span title;
    tess_span requirements; /* [iss, achievement] items back to back */
    size_t n_requirements;
    uint64_t needed;        /* n_requirements when field 4 is absent */
} tess_pathway;

typedef struct {
    tess_span payload;
    uint64_t version;
    uint64_t issued_at;
    uint64_t expires;
    tess_span publisher;
    size_t n_issuers;
    const uint32_t *issuer_at;  /* offsets into payload, in kid order */
    tess_span revoked;          /* 16-byte ids, ascending */
    size_t n_revoked;
    bool has_new_roots;
    tess_root new_roots;
    tess_span pathways;         /* pathway maps back to back */
    size_t n_pathways;
    size_t n_signers;           /* signatures present */
    size_t n_root_signed;       /* distinct current root keys that signed */
} tess_bundle;

size_t tess_bundle_scratch_size(size_t file_len);

TESS_MUST_USE tess_status tess_bundle_open(tess_span file, const tess_root *root,
                                           uint32_t *issuer_at, size_t issuer_cap,
                                           uint8_t *scratch, size_t scratch_cap,
                                           tess_bundle *out);

/*
 * Opens a bundle that this device verified in full (tess_bundle_open) when
 * it installed it, and has kept since in its own state: the strict CBOR,
 * the shape and every field's type are checked again, and the kids' order;
 * the signatures, each kid's derivation from its key and the order of the
 * revocation list are not (they cost O(n) hashing and would touch every
 * page of a large list). Never use it on a file from outside.
 * Returns TESS_OK, TESS_ERR_BAD_BUNDLE or TESS_ERR_BUFFER.
 */
TESS_MUST_USE tess_status tess_bundle_open_installed(tess_span file, uint32_t *issuer_at,
                                                     size_t issuer_cap, tess_bundle *out);

/* For messages about a refused bundle: how many signatures it carries and
 * how many distinct keys of `keys` made a valid one. TESS_ERR_BAD_BUNDLE
 * when it is not a COSE_Sign at all. */
TESS_MUST_USE tess_status tess_bundle_count_signed(tess_span file, const tess_root *keys,
                                                   uint8_t *scratch, size_t scratch_cap,
                                                   size_t *n_signed, size_t *n_signatures);

/* TESS_ERR_ROLLBACK unless b->version > installed_version. */
TESS_MUST_USE tess_status tess_bundle_check_version(const tess_bundle *b,
                                                    uint64_t installed_version);

/* Finds the issuer whose kid is kid. False when none is. */
bool tess_bundle_find_issuer(const tess_bundle *b, const uint8_t kid[8],
                             tess_issuer *out);

/* The i-th issuer in kid order. */
TESS_MUST_USE tess_status tess_bundle_issuer_at(const tess_bundle *b, size_t i,
                                                tess_issuer *out);

/* Whether cti is in the revocation list. */
bool tess_bundle_is_revoked(const tess_bundle *b, const uint8_t cti[16]);

/* Whether the issuer may issue this achievement id (one of its prefixes
 * starts it, or it has no list). */
bool tess_issuer_allows(const tess_issuer *is, tess_span achievement);

/* The i-th pathway. */
TESS_MUST_USE tess_status tess_bundle_pathway_at(const tess_bundle *b, size_t i,
                                                 tess_pathway *out);

#endif
