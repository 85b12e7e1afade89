/*
 * fuzz_bundle.c: the root file and the TB1 trust bundle (tess_bundle.h)
 * under libFuzzer.
 *
 * Each input is tried as a root file (tess_root_parse) and as a bundle file
 * (tess_bundle_open with the tk_world root: seeds 10, 11, 12, threshold 2).
 * A bundle whose payload passed every check but lacks good signatures
 * (threshold) is signed again by all three roots and opened again, so that
 * the fuzzer's payloads reach the look-ups too. An open bundle is walked
 * with tess_bundle_issuer_at, tess_bundle_find_issuer, tess_bundle_is_revoked,
 * tess_issuer_allows and tess_bundle_pathway_at, each checked against a
 * plain linear reading of the same data; tess_bundle_count_signed and
 * tess_bundle_open_installed must agree with what open decided.
 *
 * It crashes only on what the header says cannot happen: a code it does
 * not list, outputs left after a failure, an opened bundle whose entries do
 * not read back or break the rules open() enforces, a binary search that
 * disagrees with a linear one, or a re-signed bundle refused for its
 * signatures.
 */
#include <stdlib.h>
#include <string.h>

#include "testkit.h"
#include "tessera/tess_cbor.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_bundle: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                            \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* Issuer table entries given to open: more than a real kiosk needs, so
 * that TESS_ERR_BUFFER stays rare but reachable. */
#define ISSUER_CAP 512u

static tk_world *W;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = tk_world_new();
    return 0;
}

static bool within(tess_span outer, const uint8_t *p, size_t n)
{
    return n == 0 || (p >= outer.ptr && p <= outer.ptr + outer.len &&
                      n <= (size_t)(outer.ptr + outer.len - p));
}

static void check_root(const tess_root *r, tess_span where)
{
    CHECK(r->threshold >= 1 && r->threshold <= r->n_keys && r->n_keys <= TESS_MAX_ROOT_KEYS);
    for (size_t i = 0; i < r->n_keys; i++) {
        CHECK(within(where, r->keys[i], 32));
        for (size_t j = 0; j < i; j++)
            CHECK(memcmp(r->keys[i], r->keys[j], 32) != 0);
    }
}

/* tess_issuer_allows, read the slow way. */
static bool allows_ref(const tess_issuer *is, tess_span a)
{
    if (is->any_achievement)
        return true;
    tess_cbor c = tess_cbor_at(is->allowed);
    for (size_t i = 0; i < is->n_allowed; i++) {
        tess_cbor_item it;
        CHECK(tess_cbor_read(&c, &it) == TESS_OK && it.major == TESS_CBOR_TSTR);
        if (it.str.len <= a.len && memcmp(it.str.ptr, a.ptr, it.str.len) == 0)
            return true;
    }
    CHECK(c.p == c.end);
    return false;
}

static bool revoked_ref(const tess_bundle *b, const uint8_t id[16])
{
    for (size_t i = 0; i < b->n_revoked; i++)
        if (memcmp(b->revoked.ptr + 16 * i, id, 16) == 0)
            return true;
    return false;
}

static void exercise(const tess_bundle *b, tess_span file, const uint8_t *data, size_t size)
{
    tess_span pl = b->payload;
    CHECK(within(file, pl.ptr, pl.len));
    CHECK(b->n_signers >= 1 && b->n_signers <= TESS_MAX_BUNDLE_SIGS);
    CHECK(b->n_root_signed >= W->trust_root.threshold && b->n_root_signed <= b->n_signers);
    CHECK(within(pl, b->publisher.ptr, b->publisher.len));
    CHECK(tess_utf8_valid(b->publisher.ptr, b->publisher.len));
    CHECK(tess_bundle_check_version(b, b->version) == TESS_ERR_ROLLBACK);
    if (b->version > 0)
        CHECK(tess_bundle_check_version(b, b->version - 1) == TESS_OK);
    if (b->has_new_roots)
        check_root(&b->new_roots, pl);

    /* Fuzzer-chosen probes: the input's last bytes. */
    uint8_t probe[16];
    memset(probe, 0x5a, sizeof probe);
    memcpy(probe, data + (size > 16 ? size - 16 : 0), size > 16 ? 16 : size);
    tess_span probe_text = {probe, size % 17};

    /* Issuers: each reads back, strictly sorted, found by its own kid. */
    const uint8_t *prev = NULL;
    bool probe_listed = false;
    for (size_t i = 0; i < b->n_issuers; i++) {
        tess_issuer is, found;
        CHECK(tess_bundle_issuer_at(b, i, &is) == TESS_OK);
        CHECK(within(pl, is.kid, 8) && within(pl, is.pk, 32));
        CHECK(within(pl, is.iss.ptr, is.iss.len) && within(pl, is.name.ptr, is.name.len));
        CHECK(tess_utf8_valid(is.iss.ptr, is.iss.len) && tess_utf8_valid(is.name.ptr, is.name.len));
        uint8_t kid[8];
        tess_kid_of(kid, is.pk);
        CHECK(memcmp(kid, is.kid, 8) == 0);
        if (prev)
            CHECK(memcmp(prev, is.kid, 8) < 0);
        prev = is.kid;
        CHECK(tess_bundle_find_issuer(b, is.kid, &found));
        CHECK(found.kid == is.kid && found.pk == is.pk);
        if (memcmp(is.kid, probe, 8) == 0)
            probe_listed = true;
        if (!is.any_achievement)
            CHECK(within(pl, is.allowed.ptr, is.allowed.len));
        static const char *const ach[] = {"FORK-L1", "", "x"};
        for (size_t k = 0; k < 3; k++) {
            tess_span a = {(const uint8_t *)ach[k], strlen(ach[k])};
            CHECK(tess_issuer_allows(&is, a) == allows_ref(&is, a));
        }
        CHECK(tess_issuer_allows(&is, probe_text) == allows_ref(&is, probe_text));
    }
    tess_issuer none;
    CHECK(tess_bundle_issuer_at(b, b->n_issuers, &none) == TESS_ERR_ARG);
    CHECK(tess_bundle_find_issuer(b, probe, &none) == probe_listed);

    /* Revoked ids: strictly ascending, each found; probes agree with a scan. */
    CHECK(within(pl, b->revoked.ptr, b->revoked.len));
    CHECK(b->revoked.len == 16 * b->n_revoked);
    for (size_t i = 0; i < b->n_revoked; i++) {
        const uint8_t *id = b->revoked.ptr + 16 * i;
        if (i > 0)
            CHECK(memcmp(id - 16, id, 16) < 0);
        CHECK(tess_bundle_is_revoked(b, id));
        uint8_t near[16];
        memcpy(near, id, 16);
        near[15]++;
        CHECK(tess_bundle_is_revoked(b, near) == revoked_ref(b, near));
        near[15] = (uint8_t)(near[15] - 2);
        CHECK(tess_bundle_is_revoked(b, near) == revoked_ref(b, near));
    }
    CHECK(tess_bundle_is_revoked(b, probe) == revoked_ref(b, probe));

    /* Pathways: each reads back with [iss, achievement] pairs. pathway_at
     * walks from the first, so only the first and last few are read. */
    CHECK(within(pl, b->pathways.ptr, b->pathways.len));
    for (size_t i = 0; i < b->n_pathways; i++) {
        if (i >= 64 && i + 4 < b->n_pathways)
            continue;
        tess_pathway pw;
        CHECK(tess_bundle_pathway_at(b, i, &pw) == TESS_OK);
        CHECK(pw.needed <= pw.n_requirements);
        CHECK(within(pl, pw.id.ptr, pw.id.len) && within(pl, pw.title.ptr, pw.title.len));
        CHECK(within(pl, pw.requirements.ptr, pw.requirements.len));
        tess_cbor c = tess_cbor_at(pw.requirements);
        for (size_t k = 0; k < pw.n_requirements; k++) {
            tess_cbor_item it;
            CHECK(tess_cbor_read(&c, &it) == TESS_OK && it.major == TESS_CBOR_ARRAY &&
                  it.val == 2);
            CHECK(tess_cbor_read(&c, &it) == TESS_OK && it.major == TESS_CBOR_TSTR);
            CHECK(tess_cbor_read(&c, &it) == TESS_OK && it.major == TESS_CBOR_TSTR);
        }
        CHECK(c.p == c.end);
    }
    tess_pathway pw;
    CHECK(tess_bundle_pathway_at(b, b->n_pathways, &pw) == TESS_ERR_ARG);
}

static tess_status open_bundle(tess_span file, tess_bundle *b, uint32_t **table)
{
    /* Exact sizes, so that ASan sees any write past them. */
    *table = malloc(ISSUER_CAP * sizeof **table);
    size_t scratch_len = tess_bundle_scratch_size(file.len);
    uint8_t *scratch = malloc(scratch_len);
    CHECK(*table != NULL && scratch != NULL);
    tess_status st = tess_bundle_open(file, &W->trust_root, *table, ISSUER_CAP, scratch,
                                      scratch_len, b);
    free(scratch);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_BUNDLE || st == TESS_ERR_THRESHOLD ||
          st == TESS_ERR_ROTATION || st == TESS_ERR_BUFFER);
    if (st != TESS_OK)
        CHECK(b->payload.ptr == NULL && b->n_issuers == 0 && b->n_revoked == 0 &&
              b->n_pathways == 0 && !b->has_new_roots && b->issuer_at == NULL);
    return st;
}

/* A bundle from this device's own state (tess_bundle_open_installed): the
 * kids' derivation and the revoked order were not checked again, so only
 * what still holds is asserted; the look-ups must stay in bounds (ASan). */
static void exercise_installed(const tess_bundle *b, tess_span file, const uint8_t *data,
                               size_t size)
{
    CHECK(within(file, b->payload.ptr, b->payload.len));
    const uint8_t *prev = NULL;
    for (size_t i = 0; i < b->n_issuers; i++) {
        tess_issuer is, found;
        CHECK(tess_bundle_issuer_at(b, i, &is) == TESS_OK);
        CHECK(within(b->payload, is.kid, 8) && within(b->payload, is.pk, 32));
        if (prev)
            CHECK(memcmp(prev, is.kid, 8) < 0);
        prev = is.kid;
        CHECK(tess_bundle_find_issuer(b, is.kid, &found) && found.kid == is.kid);
    }
    uint8_t probe[16];
    memset(probe, 0xa5, sizeof probe);
    memcpy(probe, data, size < 16 ? size : 16);
    tess_issuer none;
    (void)tess_bundle_find_issuer(b, probe, &none);
    (void)tess_bundle_is_revoked(b, probe);
    for (size_t i = 0; i < b->n_revoked && i < 64; i++)
        (void)tess_bundle_is_revoked(b, b->revoked.ptr + 16 * i);
    for (size_t i = 0; i < b->n_pathways && i < 64; i++) {
        tess_pathway pw;
        CHECK(tess_bundle_pathway_at(b, i, &pw) == TESS_OK && pw.needed <= pw.n_requirements);
    }
}

/* The payload passed every check; only its signatures failed. */
static void resign(tess_span file, const uint8_t *data, size_t size)
{
    tess_cose_sign m;
    CHECK(tess_cose_sign_parse(file, true, &m) == TESS_OK);
    uint8_t sks[3][64];
    for (int i = 0; i < 3; i++)
        memcpy(sks[i], W->root[i].sk, 64);
    size_t cap = m.payload.len + 1024;
    uint8_t *out = malloc(cap);
    size_t scratch_len = tess_bundle_scratch_size(cap);
    uint8_t *scratch = malloc(scratch_len);
    CHECK(out != NULL && scratch != NULL);
    size_t len;
    CHECK(tess_bundle_sign(m.payload.ptr, m.payload.len, (const uint8_t(*)[64])sks, 3, scratch,
                           scratch_len, out, cap, &len) == TESS_OK);
    free(scratch);
    tess_span again = {out, len};
    tess_bundle b;
    uint32_t *table;
    tess_status st = open_bundle(again, &b, &table);
    CHECK(st == TESS_OK || (st == TESS_ERR_ROTATION && b.payload.ptr == NULL));
    if (st == TESS_OK)
        exercise(&b, again, data, size);
    free(table);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tess_span file = {data, size};

    tess_root r;
    tess_status st = tess_root_parse(file, &r);
    CHECK(st == TESS_OK || st == TESS_ERR_BAD_ROOT);
    if (st == TESS_OK)
        check_root(&r, file);
    else
        CHECK(r.n_keys == 0 && r.threshold == 0);

    tess_bundle b;
    uint32_t *table;
    st = open_bundle(file, &b, &table);
    if (st == TESS_OK)
        exercise(&b, file, data, size);
    free(table);

    /* The same file as if from this device's state: what open accepted,
     * this accepts, with the same fields. */
    tess_bundle ib;
    uint32_t *itable = malloc(ISSUER_CAP * sizeof *itable);
    CHECK(itable != NULL);
    tess_status is = tess_bundle_open_installed(file, itable, ISSUER_CAP, &ib);
    CHECK(is == TESS_OK || is == TESS_ERR_BAD_BUNDLE || is == TESS_ERR_BUFFER);
    if (st == TESS_OK || st == TESS_ERR_THRESHOLD || st == TESS_ERR_ROTATION)
        CHECK(is == TESS_OK);
    if (st == TESS_OK)
        CHECK(ib.payload.ptr == b.payload.ptr && ib.payload.len == b.payload.len &&
              ib.version == b.version && ib.expires == b.expires &&
              ib.n_issuers == b.n_issuers && ib.n_revoked == b.n_revoked &&
              ib.n_pathways == b.n_pathways && ib.has_new_roots == b.has_new_roots);
    if (is == TESS_OK)
        exercise_installed(&ib, file, data, size);
    else
        CHECK(ib.payload.ptr == NULL && ib.n_issuers == 0);
    free(itable);

    /* The count for messages about a refused bundle agrees with open. */
    size_t scratch_len = tess_bundle_scratch_size(size), n_signed, n_sigs;
    uint8_t *scratch = malloc(scratch_len);
    CHECK(scratch != NULL);
    tess_status cs = tess_bundle_count_signed(file, &W->trust_root, scratch, scratch_len,
                                              &n_signed, &n_sigs);
    free(scratch);
    CHECK(cs == TESS_OK || cs == TESS_ERR_BAD_BUNDLE);
    CHECK(n_signed <= n_sigs && n_sigs <= TESS_MAX_BUNDLE_SIGS);
    if (cs != TESS_OK)
        CHECK(st == TESS_ERR_BAD_BUNDLE && n_signed == 0 && n_sigs == 0);
    if (st == TESS_OK || st == TESS_ERR_ROTATION)
        CHECK(cs == TESS_OK && n_signed >= W->trust_root.threshold);
    if (st == TESS_OK)
        CHECK(n_signed == b.n_root_signed && n_sigs == b.n_signers);
    if (st == TESS_ERR_THRESHOLD)
        CHECK(cs == TESS_OK && n_signed < W->trust_root.threshold);
    if (st == TESS_ERR_THRESHOLD)
        resign(file, data, size);
    return 0;
}
