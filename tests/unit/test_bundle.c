/*
 * test_bundle.c: the root file and the TB1 bundle: every refusal reason
 * (bad_bundle, threshold, rotation, rollback), the sorting rules that make
 * binary search right, and the look-ups at scale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "testkit.h"

static tk_world *W;
static uint8_t payload[1u << 20];
static size_t payload_len;
static uint8_t file[1u << 20];
static size_t file_len;
static uint8_t scratch[(1u << 20) + 64];
static uint32_t table[8192];
static tess_bundle B;

static tess_bundle_in base_in(void)
{
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = 7;
    in.issued_at = TK_NOW - 3600;
    in.expires = TK_NOW + 86400;
    in.publisher = "Test fleet";
    in.issuers = W->issuers;
    in.n_issuers = W->n_issuers;
    return in;
}

/* Signs payload[] with the given keys (indices into w->root, 10 = other,
 * 11 = issuer) and opens it with the world's root. */
static tess_status sign_open(const int *signers, size_t n, const tess_root *root)
{
    uint8_t sks[8][64];
    for (size_t i = 0; i < n; i++) {
        const tk_key *k = signers[i] == 10 ? &W->other : signers[i] == 11 ? &W->issuer
                                                                          : &W->root[signers[i]];
        memcpy(sks[i], k->sk, 64);
    }
    assert_int_equal(tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, n, scratch,
                                      sizeof scratch, file, sizeof file, &file_len),
                     TESS_OK);
    tess_span f = {file, file_len};
    return tess_bundle_open(f, root ? root : &W->trust_root, table, 8192, scratch, sizeof scratch,
                            &B);
}

static tess_status build_open(const tess_bundle_in *in, const int *signers, size_t n)
{
    assert_int_equal(tess_bundle_payload_encode(in, payload, sizeof payload, &payload_len), TESS_OK);
    return sign_open(signers, n, NULL);
}

static const int two[] = {0, 1};

static void opens(void **st)
{
    (void)st;
    tess_bundle_in in = base_in();
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    assert_int_equal(B.version, 7);
    assert_int_equal(B.n_issuers, 1);
    assert_int_equal(B.n_root_signed, 2);
    assert_int_equal(B.n_signers, 2);
    assert_memory_equal(B.publisher.ptr, "Test fleet", 10);
    tess_issuer is;
    uint8_t kid[8];
    tess_kid_of(kid, W->issuer.pk);
    assert_true(tess_bundle_find_issuer(&B, kid, &is));
    assert_memory_equal(is.pk, W->issuer.pk, 32);
    assert_true(is.any_achievement);
    tess_kid_of(kid, W->other.pk);
    assert_false(tess_bundle_find_issuer(&B, kid, &is));
    /* all three roots, and a stranger besides: still fine */
    const int three_plus[] = {0, 1, 2, 10};
    assert_int_equal(build_open(&in, three_plus, 4), TESS_OK);
    assert_int_equal(B.n_root_signed, 3);
    /* check_version: strictly greater */
    assert_int_equal(tess_bundle_check_version(&B, 6), TESS_OK);
    assert_int_equal(tess_bundle_check_version(&B, 7), TESS_ERR_ROLLBACK);
    assert_int_equal(tess_bundle_check_version(&B, 8), TESS_ERR_ROLLBACK);
    assert_int_equal(tess_bundle_check_version(&B, 0), TESS_OK);
}

static void threshold(void **st)
{
    (void)st;
    tess_bundle_in in = base_in();
    const struct {
        int signers[4];
        size_t n;
        tess_status want;
    } cases[] = {
        {{0}, 1, TESS_ERR_THRESHOLD},
        {{2}, 1, TESS_ERR_THRESHOLD},
        {{0, 0}, 2, TESS_ERR_THRESHOLD},          /* one key twice counts once */
        {{0, 10}, 2, TESS_ERR_THRESHOLD},         /* a stranger does not count */
        {{10, 11}, 2, TESS_ERR_THRESHOLD},
        {{0, 2}, 2, TESS_OK},
        {{2, 1}, 2, TESS_OK},
        {{0, 0, 1}, 3, TESS_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tess_status got = build_open(&in, cases[i].signers, cases[i].n);
        if (got != cases[i].want)
            fail_msg("case %zu: want %s got %s", i, tess_reason(cases[i].want), tess_reason(got));
    }
    /* a root signature under a wrong alg or the wrong kid does not count:
     * rewrite root 1's protected header in a valid 2-signature file */
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    for (int variant = 0; variant < 2; variant++) {
        uint8_t copy[1u << 16];
        memcpy(copy, file, file_len);
        /* the second signer's protected header {1: -8, 4: kid}: A2 01 27 04 48 */
        uint8_t *p = NULL;
        int seen = 0;
        for (size_t i = 0; i + 5 < file_len; i++)
            if (memcmp(copy + i, "\xA2\x01\x27\x04\x48", 5) == 0 && ++seen == 2)
                p = copy + i;
        assert_non_null(p);
        if (variant == 0)
            p[2] = 0x26;      /* alg -7 */
        else
            p[5] ^= 0x01;     /* kid of no root */
        tess_span f = {copy, file_len};
        assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch,
                                          &B),
                         TESS_ERR_THRESHOLD);
        size_t n_signed, n_sigs;
        assert_int_equal(tess_bundle_count_signed(f, &W->trust_root, scratch, sizeof scratch,
                                                  &n_signed, &n_sigs),
                         TESS_OK);
        assert_int_equal(n_signed, 1);
        assert_int_equal(n_sigs, 2);
    }
    /* a changed payload byte breaks every signature */
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    uint8_t *pub = NULL;
    for (size_t i = 0; i + 10 <= file_len && !pub; i++)
        if (memcmp(file + i, "Test fleet", 10) == 0)
            pub = file + i;
    assert_non_null(pub);
    pub[0] = 'B';
    tess_span f = {file, file_len};
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_THRESHOLD);
}

static void rotation(void **st)
{
    (void)st;
    tk_key n1, n2;
    tk_key_from_seed(&n1, 30);
    tk_key_from_seed(&n2, 31);
    uint8_t keys[2][32];
    memcpy(keys[0], n1.pk, 32);
    memcpy(keys[1], n2.pk, 32);
    tess_bundle_in in = base_in();
    in.has_new_roots = true;
    in.new_threshold = 2;
    in.new_roots = (const uint8_t(*)[32])keys;
    in.n_new_roots = 2;
    assert_int_equal(tess_bundle_payload_encode(&in, payload, sizeof payload, &payload_len), TESS_OK);
    /* signers: old roots only, old + one new, old + both new */
    uint8_t sks[4][64];
    memcpy(sks[0], W->root[0].sk, 64);
    memcpy(sks[1], W->root[1].sk, 64);
    memcpy(sks[2], n1.sk, 64);
    memcpy(sks[3], n2.sk, 64);
    const struct {
        size_t n;
        tess_status want;
    } cases[] = {{2, TESS_ERR_ROTATION}, {3, TESS_ERR_ROTATION}, {4, TESS_OK}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks,
                                          cases[i].n, scratch, sizeof scratch, file, sizeof file,
                                          &file_len),
                         TESS_OK);
        tess_span f = {file, file_len};
        assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch,
                                          &B),
                         cases[i].want);
    }
    assert_true(B.has_new_roots);
    assert_int_equal(B.new_roots.threshold, 2);
    /* only the new roots count after it: a bundle signed by the new roots
     * opens against them and not against the old root */
    tess_root new_root = B.new_roots;
    /* new_root points into the rotation bundle's bytes in `file`: copy them */
    static uint8_t rot_keys[2][32];
    memcpy(rot_keys[0], new_root.keys[0], 32);
    memcpy(rot_keys[1], new_root.keys[1], 32);
    new_root.keys[0] = rot_keys[0];
    new_root.keys[1] = rot_keys[1];
    in = base_in();
    in.version = 8;
    assert_int_equal(tess_bundle_payload_encode(&in, payload, sizeof payload, &payload_len), TESS_OK);
    assert_int_equal(tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])(sks + 2), 2,
                                      scratch, sizeof scratch, file, sizeof file, &file_len),
                     TESS_OK);
    tess_span f = {file, file_len};
    assert_int_equal(tess_bundle_open(f, &new_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_OK);
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_THRESHOLD);
}

/* Hand-written payloads: each breaks one rule. */
static void enc_issuer_entry(tess_enc *e, const uint8_t kid[8], const uint8_t pk[32])
{
    tess_enc_map(e, 6);
    tess_enc_uint(e, 1);
    tess_enc_bstr(e, kid, 8);
    tess_enc_uint(e, 2);
    tess_enc_bstr(e, pk, 32);
    tess_enc_uint(e, 3);
    tess_enc_text(e, TK_ISS);
    tess_enc_uint(e, 4);
    tess_enc_text(e, "Example Academy");
    tess_enc_uint(e, 5);
    tess_enc_uint(e, 0);
    tess_enc_uint(e, 6);
    tess_enc_uint(e, 4000000000u);
}

typedef enum {
    P_OK, P_NO_VERSION, P_VERSION_TEXT, P_NO_EXPIRES, P_PUBLISHER_NUM, P_ISSUERS_MAP,
    P_REVOKED_ARRAY, P_KID_NOT_DERIVED, P_KID_SHORT, P_KEY_SHORT, P_UNSORTED, P_KID_TWICE,
    P_REVOKED_UNSORTED, P_REVOKED_TWICE, P_REVOKED_RAGGED, P_DUP_KEY, P_NEG_VERSION,
    P_NEW_ROOTS_ZERO, P_NEW_ROOTS_SHORT, P_PATHWAY_PAIR, P_PATHWAY_NEED, P_ALLOWED_NUM,
    P_ISSUER_NO_ISS, P_UNKNOWN_KEY, P_COUNT
} payload_kind;

static size_t make_payload(payload_kind kind, uint8_t *out, size_t cap)
{
    tk_key a, b;
    tk_key_from_seed(&a, 40);
    tk_key_from_seed(&b, 41);
    uint8_t ka[8], kb[8];
    tess_kid_of(ka, a.pk);
    tess_kid_of(kb, b.pk);
    const tk_key *lo = memcmp(ka, kb, 8) < 0 ? &a : &b, *hi = lo == &a ? &b : &a;
    uint8_t klo[8], khi[8];
    tess_kid_of(klo, lo->pk);
    tess_kid_of(khi, hi->pk);
    uint8_t rev[3][16];
    memset(rev[0], 1, 16);
    memset(rev[1], 2, 16);
    memset(rev[2], 3, 16);

    tess_enc e;
    tess_enc_init(&e, out, cap);
    size_t n = 6 + (kind == P_DUP_KEY) + (kind == P_NEW_ROOTS_ZERO || kind == P_NEW_ROOTS_SHORT) +
               (kind == P_PATHWAY_PAIR || kind == P_PATHWAY_NEED) + (kind == P_UNKNOWN_KEY) -
               (kind == P_NO_VERSION) - (kind == P_NO_EXPIRES);
    tess_enc_map(&e, n);
    if (kind != P_NO_VERSION) {
        tess_enc_uint(&e, 1);
        if (kind == P_VERSION_TEXT)
            tess_enc_text(&e, "7");
        else if (kind == P_NEG_VERSION)
            tess_enc_int(&e, -7);
        else
            tess_enc_uint(&e, 7);
    }
    tess_enc_uint(&e, 2);
    tess_enc_uint(&e, TK_NOW);
    if (kind != P_NO_EXPIRES) {
        tess_enc_uint(&e, 3);
        tess_enc_uint(&e, TK_NOW + 86400);
    }
    tess_enc_uint(&e, 4);
    if (kind == P_PUBLISHER_NUM)
        tess_enc_uint(&e, 4);
    else
        tess_enc_text(&e, "fleet");
    tess_enc_uint(&e, 5);
    if (kind == P_ISSUERS_MAP) {
        tess_enc_map(&e, 0);
    } else {
        tess_enc_array(&e, 2);
        uint8_t bad_kid[8];
        memcpy(bad_kid, klo, 8);
        bad_kid[7] ^= 1;
        switch (kind) {
        case P_KID_NOT_DERIVED: enc_issuer_entry(&e, bad_kid, lo->pk); break;
        case P_KID_SHORT:
            tess_enc_map(&e, 6);
            tess_enc_uint(&e, 1); tess_enc_bstr(&e, klo, 7);
            tess_enc_uint(&e, 2); tess_enc_bstr(&e, lo->pk, 32);
            tess_enc_uint(&e, 3); tess_enc_text(&e, TK_ISS);
            tess_enc_uint(&e, 4); tess_enc_text(&e, "x");
            tess_enc_uint(&e, 5); tess_enc_uint(&e, 0);
            tess_enc_uint(&e, 6); tess_enc_uint(&e, 1);
            break;
        case P_KEY_SHORT:
            tess_enc_map(&e, 6);
            tess_enc_uint(&e, 1); tess_enc_bstr(&e, klo, 8);
            tess_enc_uint(&e, 2); tess_enc_bstr(&e, lo->pk, 31);
            tess_enc_uint(&e, 3); tess_enc_text(&e, TK_ISS);
            tess_enc_uint(&e, 4); tess_enc_text(&e, "x");
            tess_enc_uint(&e, 5); tess_enc_uint(&e, 0);
            tess_enc_uint(&e, 6); tess_enc_uint(&e, 1);
            break;
        case P_ISSUER_NO_ISS:
            tess_enc_map(&e, 5);
            tess_enc_uint(&e, 1); tess_enc_bstr(&e, klo, 8);
            tess_enc_uint(&e, 2); tess_enc_bstr(&e, lo->pk, 32);
            tess_enc_uint(&e, 4); tess_enc_text(&e, "x");
            tess_enc_uint(&e, 5); tess_enc_uint(&e, 0);
            tess_enc_uint(&e, 6); tess_enc_uint(&e, 1);
            break;
        case P_ALLOWED_NUM:
            tess_enc_map(&e, 7);
            tess_enc_uint(&e, 1); tess_enc_bstr(&e, klo, 8);
            tess_enc_uint(&e, 2); tess_enc_bstr(&e, lo->pk, 32);
            tess_enc_uint(&e, 3); tess_enc_text(&e, TK_ISS);
            tess_enc_uint(&e, 4); tess_enc_text(&e, "x");
            tess_enc_uint(&e, 5); tess_enc_uint(&e, 0);
            tess_enc_uint(&e, 6); tess_enc_uint(&e, 1);
            tess_enc_uint(&e, 7); tess_enc_array(&e, 1); tess_enc_uint(&e, 5);
            break;
        case P_UNSORTED: enc_issuer_entry(&e, khi, hi->pk); break;
        default: enc_issuer_entry(&e, klo, lo->pk); break;
        }
        if (kind == P_UNSORTED)
            enc_issuer_entry(&e, klo, lo->pk);
        else if (kind == P_KID_TWICE)
            enc_issuer_entry(&e, klo, lo->pk);
        else
            enc_issuer_entry(&e, khi, hi->pk);
    }
    tess_enc_uint(&e, 6);
    if (kind == P_REVOKED_ARRAY) {
        tess_enc_array(&e, 0);
    } else if (kind == P_REVOKED_UNSORTED) {
        uint8_t r[48];
        memcpy(r, rev[1], 16);
        memcpy(r + 16, rev[0], 16);
        memcpy(r + 32, rev[2], 16);
        tess_enc_bstr(&e, r, 48);
    } else if (kind == P_REVOKED_TWICE) {
        uint8_t r[48];
        memcpy(r, rev[0], 16);
        memcpy(r + 16, rev[1], 16);
        memcpy(r + 32, rev[1], 16);
        tess_enc_bstr(&e, r, 48);
    } else {
        tess_enc_bstr(&e, rev[0], kind == P_REVOKED_RAGGED ? 47 : 48);
    }
    if (kind == P_DUP_KEY) {
        tess_enc_uint(&e, 1);
        tess_enc_uint(&e, 8);
    }
    if (kind == P_NEW_ROOTS_ZERO || kind == P_NEW_ROOTS_SHORT) {
        tess_enc_uint(&e, 7);
        tess_enc_map(&e, 2);
        tess_enc_uint(&e, 1);
        tess_enc_uint(&e, kind == P_NEW_ROOTS_ZERO ? 0 : 1);
        tess_enc_uint(&e, 2);
        tess_enc_array(&e, 1);
        tess_enc_bstr(&e, a.pk, kind == P_NEW_ROOTS_SHORT ? 31 : 32);
    }
    if (kind == P_PATHWAY_PAIR || kind == P_PATHWAY_NEED) {
        tess_enc_uint(&e, 8);
        tess_enc_array(&e, 1);
        tess_enc_map(&e, kind == P_PATHWAY_NEED ? 4 : 3);
        tess_enc_uint(&e, 1);
        tess_enc_text(&e, "fork");
        tess_enc_uint(&e, 2);
        tess_enc_text(&e, "Forklift");
        tess_enc_uint(&e, 3);
        tess_enc_array(&e, 1);
        tess_enc_array(&e, kind == P_PATHWAY_PAIR ? 3 : 2);
        tess_enc_text(&e, TK_ISS);
        tess_enc_text(&e, "FORK-L1");
        if (kind == P_PATHWAY_PAIR)
            tess_enc_text(&e, "extra");
        if (kind == P_PATHWAY_NEED) {
            tess_enc_uint(&e, 4);
            tess_enc_uint(&e, 2);
        }
    }
    if (kind == P_UNKNOWN_KEY) {
        tess_enc_uint(&e, 99);
        tess_enc_text(&e, "later versions may add fields");
    }
    assert_false(e.overflow);
    return e.len;
}

static void bad_bundle(void **st)
{
    (void)st;
    for (int kind = 0; kind < P_COUNT; kind++) {
        payload_len = make_payload((payload_kind)kind, payload, sizeof payload);
        tess_status want =
            kind == P_OK || kind == P_UNKNOWN_KEY ? TESS_OK : TESS_ERR_BAD_BUNDLE;
        tess_status got = sign_open(two, 2, NULL);
        if (got != want)
            fail_msg("payload kind %d: want %s got %s", kind, tess_reason(want), tess_reason(got));
    }
    /* the envelope: a tag other than 98, none, trailing bytes, no signers */
    payload_len = make_payload(P_OK, payload, sizeof payload);
    assert_int_equal(sign_open(two, 2, NULL), TESS_OK);
    static uint8_t copy[1u << 16];
    tess_span f = {copy, file_len};
    memcpy(copy, file, file_len);
    assert_int_equal(copy[0], 0xD8);
    assert_int_equal(copy[1], 98);
    copy[1] = 18;
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_BAD_BUNDLE);
    f.ptr = file + 2;
    f.len = file_len - 2;
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_BAD_BUNDLE);
    memcpy(copy, file, file_len);
    copy[file_len] = 0;
    f.ptr = copy;
    f.len = file_len + 1;
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_BAD_BUNDLE);
    /* every truncation of a good bundle is refused, none crashes */
    for (size_t n = 0; n < file_len; n++) {
        f.ptr = file;
        f.len = n;
        tess_status got =
            tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B);
        assert_int_equal(got, TESS_ERR_BAD_BUNDLE);
    }
    /* the COSE WG COSE_Sign example is COSE, but not a TB1 bundle */
    char *json = tk_read_file("cose-wg-examples/eddsa-examples/eddsa-01.json", NULL);
    char *hex = strstr(json, "\"cbor\"");
    assert_non_null(hex);
    hex = strchr(hex + 6, '"');
    assert_non_null(hex);
    hex++;
    *strchr(hex, '"') = 0;
    size_t n = tk_unhex(hex, copy, sizeof copy);
    f.ptr = copy;
    f.len = n;
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, sizeof scratch, &B),
                     TESS_ERR_BAD_BUNDLE);
    free(json);
    /* buffers too small */
    payload_len = make_payload(P_OK, payload, sizeof payload);
    assert_int_equal(sign_open(two, 2, NULL), TESS_OK);
    f.ptr = file;
    f.len = file_len;
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 1, scratch, sizeof scratch, &B),
                     TESS_ERR_BUFFER);
    assert_int_equal(tess_bundle_open(f, &W->trust_root, table, 8192, scratch, 16, &B),
                     TESS_ERR_BUFFER);
}

static void root_file(void **st)
{
    (void)st;
    uint8_t keys[17][32], out[1024];
    for (int i = 0; i < 17; i++) {
        tk_key k;
        tk_key_from_seed(&k, (uint8_t)(50 + i));
        memcpy(keys[i], k.pk, 32);
    }
    size_t len;
    tess_root r;
    assert_int_equal(tess_root_encode(2, (const uint8_t(*)[32])keys, 3, out, sizeof out, &len),
                     TESS_OK);
    tess_span f = {out, len};
    assert_int_equal(tess_root_parse(f, &r), TESS_OK);
    assert_int_equal(r.threshold, 2);
    assert_int_equal(r.n_keys, 3);
    assert_int_equal(tess_root_encode(4, (const uint8_t(*)[32])keys, 3, out, sizeof out, &len),
                     TESS_ERR_ARG);
    /* hand-made: threshold 0, threshold > keys, a key twice, 31 bytes,
     * 16 keys (fine) and 17 (too many), not a map, trailing byte */
    struct {
        unsigned threshold;
        size_t n;
        int twice;
        size_t key_len;
        tess_status want;
    } cases[] = {
        {0, 3, 0, 32, TESS_ERR_BAD_ROOT},  {4, 3, 0, 32, TESS_ERR_BAD_ROOT},
        {1, 3, 1, 32, TESS_ERR_BAD_ROOT},  {1, 3, 0, 31, TESS_ERR_BAD_ROOT},
        {16, 16, 0, 32, TESS_OK},          {1, 17, 0, 32, TESS_ERR_BAD_ROOT},
        {1, 0, 0, 32, TESS_ERR_BAD_ROOT},  {3, 3, 0, 32, TESS_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tess_enc e;
        tess_enc_init(&e, out, sizeof out);
        tess_enc_map(&e, 2);
        tess_enc_uint(&e, 1);
        tess_enc_uint(&e, cases[i].threshold);
        tess_enc_uint(&e, 2);
        tess_enc_array(&e, cases[i].n);
        for (size_t k = 0; k < cases[i].n; k++)
            tess_enc_bstr(&e, keys[cases[i].twice && k == 1 ? 0 : k], cases[i].key_len);
        f.ptr = out;
        f.len = e.len;
        assert_int_equal(tess_root_parse(f, &r), cases[i].want);
    }
    const uint8_t not_map[] = {0x80};
    f.ptr = not_map;
    f.len = 1;
    assert_int_equal(tess_root_parse(f, &r), TESS_ERR_BAD_ROOT);
    f.len = 0;
    assert_int_equal(tess_root_parse(f, &r), TESS_ERR_BAD_ROOT);
}

/* Many issuers and revocations: every member found by binary search,
 * every non-member not. */
static void lookups_at_scale(void **st)
{
    (void)st;
    enum { N_ISSUERS = 300, N_REVOKED = 20000 };
    static tess_issuer_in issuers[N_ISSUERS];
    static tk_key keys[N_ISSUERS];
    static uint8_t revoked[N_REVOKED][16];
    for (int i = 0; i < N_ISSUERS; i++) {
        uint8_t seed[32];
        memset(seed, 0, sizeof seed);
        seed[0] = (uint8_t)i;
        seed[1] = (uint8_t)(i >> 8);
        seed[2] = 0x77;
        assert_int_equal(tess_ed25519_keypair(keys[i].pk, keys[i].sk, seed), TESS_OK);
        memset(&issuers[i], 0, sizeof issuers[i]);
        memcpy(issuers[i].pk, keys[i].pk, 32);
        issuers[i].iss = TK_ISS;
        issuers[i].name = "Issuer";
        issuers[i].not_after = 4000000000u;
    }
    for (int i = 0; i < N_REVOKED; i++)
        tess_random(revoked[i], 16);
    size_t n_rev = N_REVOKED;
    assert_int_equal(tess_bundle_sort(issuers, N_ISSUERS, revoked, &n_rev), TESS_OK);
    tess_bundle_in in = base_in();
    in.issuers = issuers;
    in.n_issuers = N_ISSUERS;
    in.revoked = (const uint8_t(*)[16])revoked;
    in.n_revoked = n_rev;
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    assert_int_equal(B.n_issuers, N_ISSUERS);
    assert_int_equal(B.n_revoked, n_rev);
    for (int i = 0; i < N_ISSUERS; i++) {
        uint8_t kid[8];
        tess_issuer is;
        tess_kid_of(kid, keys[i].pk);
        assert_true(tess_bundle_find_issuer(&B, kid, &is));
        assert_memory_equal(is.pk, keys[i].pk, 32);
        kid[7] ^= 0x55;
        assert_false(tess_bundle_find_issuer(&B, kid, &is));
    }
    for (size_t i = 0; i < n_rev; i++) {
        assert_true(tess_bundle_is_revoked(&B, revoked[i]));
        uint8_t other[16];
        memcpy(other, revoked[i], 16);
        other[15] ^= 0x01;
        if (!(i + 1 < n_rev && memcmp(other, revoked[i + 1], 16) == 0) &&
            !(i > 0 && memcmp(other, revoked[i - 1], 16) == 0))
            assert_false(tess_bundle_is_revoked(&B, other));
    }
    uint8_t zero[16] = {0}, ones[16];
    memset(ones, 0xFF, 16);
    assert_false(tess_bundle_is_revoked(&B, zero));
    assert_false(tess_bundle_is_revoked(&B, ones));
    /* the same issuer key twice is refused by the sorter */
    issuers[1] = issuers[0];
    n_rev = 0;
    assert_int_equal(tess_bundle_sort(issuers, N_ISSUERS, revoked, &n_rev), TESS_ERR_ARG);
}

static void pathways(void **st)
{
    (void)st;
    static const char *const iss[] = {TK_ISS, TK_ISS, TK_ISS};
    static const char *const ach[] = {"FORK-L1", "FORK-L2", "SAFE-1"};
    tess_pathway_in pw[2] = {
        {"forklift", "Forklift operator", iss, ach, 3, true, 2},
        {"safety", "Site safety", iss + 2, ach + 2, 1, false, 0},
    };
    tess_bundle_in in = base_in();
    in.pathways = pw;
    in.n_pathways = 2;
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    assert_int_equal(B.n_pathways, 2);
    tess_pathway p;
    assert_int_equal(tess_bundle_pathway_at(&B, 0, &p), TESS_OK);
    assert_memory_equal(p.id.ptr, "forklift", 8);
    assert_int_equal(p.n_requirements, 3);
    assert_int_equal(p.needed, 2);
    assert_int_equal(tess_bundle_pathway_at(&B, 1, &p), TESS_OK);
    assert_int_equal(p.needed, 1);   /* absent: all */
    assert_int_equal(tess_bundle_pathway_at(&B, 2, &p), TESS_ERR_ARG);
}

/* Opening what this device installed: structure checked again, signatures
 * and the O(n) order checks not (they were checked at install). */
static void open_installed(void **st)
{
    (void)st;
    tess_bundle_in in = base_in();
    assert_int_equal(build_open(&in, two, 2), TESS_OK);
    tess_span f = {file, file_len};
    tess_bundle b2;
    assert_int_equal(tess_bundle_open_installed(f, table, 8192, &b2), TESS_OK);
    assert_int_equal(b2.version, B.version);
    assert_int_equal(b2.n_issuers, B.n_issuers);
    uint8_t kid[8];
    tess_issuer is;
    tess_kid_of(kid, W->issuer.pk);
    assert_true(tess_bundle_find_issuer(&b2, kid, &is));
    /* every truncation and a trailing byte are still refused */
    for (size_t n = 0; n < file_len; n++) {
        f.len = n;
        assert_int_equal(tess_bundle_open_installed(f, table, 8192, &b2), TESS_ERR_BAD_BUNDLE);
    }
    for (int kind = 0; kind < P_COUNT; kind++) {
        payload_len = make_payload((payload_kind)kind, payload, sizeof payload);
        (void)sign_open(two, 2, NULL);
        f.len = file_len;
        tess_status got = tess_bundle_open_installed(f, table, 8192, &b2);
        /* the checks skipped here: kid derivation, revocation order */
        bool skipped = kind == P_KID_NOT_DERIVED || kind == P_REVOKED_UNSORTED ||
                       kind == P_REVOKED_TWICE;
        tess_status want =
            kind == P_OK || kind == P_UNKNOWN_KEY || skipped ? TESS_OK : TESS_ERR_BAD_BUNDLE;
        if (got != want)
            fail_msg("kind %d: want %s got %s", kind, tess_reason(want), tess_reason(got));
    }
}

static int setup(void **st)
{
    (void)st;
    W = tk_world_new();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    tk_world_free(W);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opens),     cmocka_unit_test(threshold),
        cmocka_unit_test(rotation),  cmocka_unit_test(bad_bundle),
        cmocka_unit_test(root_file), cmocka_unit_test(lookups_at_scale),
        cmocka_unit_test(pathways),  cmocka_unit_test(open_installed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
