/* The root file and the TB1 trust bundle. */
#include "tessera/tess_bundle.h"

#include <string.h>

#include "inner.h"
#include "tessera/tess_cose.h"
#include "tessera/tess_crypto.h"

/* {1: threshold, 2: [keys]} at c, shared by the root file and new_roots. */
static bool parse_roots(tess_cbor map, uint64_t n, tess_root *out)
{
    memset(out, 0, sizeof *out);
    uint64_t threshold, count;
    tess_cbor keys;
    if (field_uint(&map, n, 1, &threshold) != FIELD_OK ||
        field_array(&map, n, 2, &keys, &count) != FIELD_OK)
        return false;
    if (count == 0 || count > TESS_MAX_ROOT_KEYS || threshold == 0 || threshold > count)
        return false;
    for (uint64_t i = 0; i < count; i++) {
        tess_cbor_item it;
        if (!read_as(&keys, TESS_CBOR_BSTR, &it) || it.str.len != TESS_PK_LEN)
            return false;
        /* A key listed twice would let one signer count as two. */
        for (uint64_t j = 0; j < i; j++)
            if (memcmp(out->keys[j], it.str.ptr, TESS_PK_LEN) == 0)
                return false;
        out->keys[i] = it.str.ptr;
    }
    out->threshold = (unsigned)threshold;
    out->n_keys = (size_t)count;
    return true;
}

tess_status tess_root_parse(tess_span file, tess_root *out)
{
    memset(out, 0, sizeof *out);
    if (tess_cbor_check(file, NULL) != TESS_OK)
        return TESS_ERR_BAD_ROOT;
    tess_cbor c = tess_cbor_at(file);
    tess_cbor_item m;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return TESS_ERR_BAD_ROOT;
    return parse_roots(c, m.val, out) ? TESS_OK : TESS_ERR_BAD_ROOT;
}

size_t tess_bundle_scratch_size(size_t file_len)
{
    return file_len + 64;
}

/* One issuer entry at c (a map); every field typed, kid derived from key. */
static bool parse_issuer(tess_cbor c, tess_issuer *out)
{
    memset(out, 0, sizeof *out);
    tess_cbor_item m, k, v;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return false;
    /* One pass over the entry (a bundle may hold thousands): each known
     * key typed where it stands; the strict check refused repeated keys. */
    unsigned seen = 0;
    out->any_achievement = true;
    for (uint64_t i = 0; i < m.val; i++) {
        int64_t key = 0;
        tess_cbor at = c;
        if (tess_cbor_read(&at, &k) == TESS_OK && tess_cbor_int_value(&k, &key) && key >= 1 &&
            key <= 7) {
            c = at;
        } else {
            /* Two calls: the key, then its value. */
            /* NOLINTNEXTLINE(misc-redundant-expression) */
            if (tess_cbor_skip(&c) != TESS_OK || tess_cbor_skip(&c) != TESS_OK)
                return false;
            continue;
        }
        static const uint8_t want[8] = {0, TESS_CBOR_BSTR, TESS_CBOR_BSTR, TESS_CBOR_TSTR,
                                        TESS_CBOR_TSTR, TESS_CBOR_UINT, TESS_CBOR_UINT,
                                        TESS_CBOR_ARRAY};
        if (!read_as(&c, want[key], &v))
            return false;
        seen |= 1u << key;
        switch (key) {
        case 1:
            if (v.str.len != TESS_KID_LEN)
                return false;
            out->kid = v.str.ptr;
            break;
        case 2:
            if (v.str.len != TESS_PK_LEN)
                return false;
            out->pk = v.str.ptr;
            break;
        case 3: out->iss = v.str; break;
        case 4: out->name = v.str; break;
        case 5: out->not_before = v.val; break;
        case 6: out->not_after = v.val; break;
        default:
            if (!tstr_items(c, v.val, &out->allowed))
                return false;
            c.p = out->allowed.ptr + out->allowed.len;
            out->n_allowed = (size_t)v.val;
            out->any_achievement = false;
            break;
        }
    }
    return (seen & 0x7E) == 0x7E;
}

static bool kid_matches_key(const tess_issuer *is)
{
    uint8_t kid[TESS_KID_LEN];
    tess_kid_of(kid, is->pk);
    return memcmp(kid, is->kid, TESS_KID_LEN) == 0;
}

static bool parse_pathway(tess_cbor c, tess_pathway *out)
{
    memset(out, 0, sizeof *out);
    tess_cbor_item m;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return false;
    tess_cbor reqs;
    uint64_t n_reqs;
    if (field_tstr(&c, m.val, 1, &out->id) != FIELD_OK ||
        field_tstr(&c, m.val, 2, &out->title) != FIELD_OK ||
        field_array(&c, m.val, 3, &reqs, &n_reqs) != FIELD_OK)
        return false;
    out->requirements.ptr = reqs.p;
    for (uint64_t i = 0; i < n_reqs; i++) {
        tess_cbor_item pair, s;
        if (!read_as(&reqs, TESS_CBOR_ARRAY, &pair) || pair.val != 2 ||
            !read_as(&reqs, TESS_CBOR_TSTR, &s) || !read_as(&reqs, TESS_CBOR_TSTR, &s))
            return false;
    }
    out->requirements.len = (size_t)(reqs.p - out->requirements.ptr);
    out->n_requirements = (size_t)n_reqs;
    switch (field_uint(&c, m.val, 4, &out->needed)) {
    case FIELD_ABSENT:
        out->needed = n_reqs;
        return true;
    case FIELD_OK:
        /* A pathway that needs more than it lists can never be completed. */
        return out->needed <= n_reqs;
    default:
        return false;
    }
}

/* The payload's fields, typed and ordered. */
/* installed: the file is one this device verified in full when it
 * installed it; the checks that cost O(n) hashing or touch every revoked
 * id (kid derivation, the order of the revocation list) were made then. */
static tess_status parse_payload(tess_bundle *b, uint32_t *issuer_at, size_t issuer_cap,
                                 bool installed)
{
    if (tess_cbor_check(b->payload, NULL) != TESS_OK)
        return TESS_ERR_BAD_BUNDLE;
    tess_cbor c = tess_cbor_at(b->payload);
    tess_cbor_item m;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return TESS_ERR_BAD_BUNDLE;
    tess_cbor issuers, inner;
    uint64_t n_issuers, count;
    if (field_uint(&c, m.val, 1, &b->version) != FIELD_OK ||
        field_uint(&c, m.val, 2, &b->issued_at) != FIELD_OK ||
        field_uint(&c, m.val, 3, &b->expires) != FIELD_OK ||
        field_tstr(&c, m.val, 4, &b->publisher) != FIELD_OK ||
        field_array(&c, m.val, 5, &issuers, &n_issuers) != FIELD_OK ||
        field_bstr(&c, m.val, 6, &b->revoked) != FIELD_OK)
        return TESS_ERR_BAD_BUNDLE;

    if (n_issuers > issuer_cap)
        return TESS_ERR_BUFFER;
    const uint8_t *prev_kid = NULL;
    for (uint64_t i = 0; i < n_issuers; i++) {
        tess_issuer is;
        if (!parse_issuer(issuers, &is) || (!installed && !kid_matches_key(&is)))
            return TESS_ERR_BAD_BUNDLE;
        /* Binary search is only right over strictly sorted kids. */
        if (prev_kid && memcmp(prev_kid, is.kid, TESS_KID_LEN) >= 0)
            return TESS_ERR_BAD_BUNDLE;
        prev_kid = is.kid;
        issuer_at[i] = (uint32_t)(issuers.p - b->payload.ptr);
        if (tess_cbor_skip(&issuers) != TESS_OK)
            return TESS_ERR_BAD_BUNDLE;
    }
    b->n_issuers = (size_t)n_issuers;
    b->issuer_at = issuer_at;

    /* An unsorted list would let a revoked credential pass the search. */
    if (b->revoked.len % TESS_CTI_LEN != 0)
        return TESS_ERR_BAD_BUNDLE;
    b->n_revoked = b->revoked.len / TESS_CTI_LEN;
    for (size_t i = 1; i < b->n_revoked && !installed; i++)
        if (memcmp(b->revoked.ptr + (i - 1) * TESS_CTI_LEN, b->revoked.ptr + i * TESS_CTI_LEN,
                   TESS_CTI_LEN) >= 0)
            return TESS_ERR_BAD_BUNDLE;

    switch (field_map(&c, m.val, 7, &inner, &count)) {
    case FIELD_ABSENT:
        break;
    case FIELD_OK:
        if (!parse_roots(inner, count, &b->new_roots))
            return TESS_ERR_BAD_BUNDLE;
        b->has_new_roots = true;
        break;
    default:
        return TESS_ERR_BAD_BUNDLE;
    }

    switch (field_array(&c, m.val, 8, &inner, &count)) {
    case FIELD_ABSENT:
        break;
    case FIELD_OK:
        b->pathways.ptr = inner.p;
        for (uint64_t i = 0; i < count; i++) {
            tess_pathway pw;
            if (!parse_pathway(inner, &pw) || tess_cbor_skip(&inner) != TESS_OK)
                return TESS_ERR_BAD_BUNDLE;
        }
        b->pathways.len = (size_t)(inner.p - b->pathways.ptr);
        b->n_pathways = (size_t)count;
        break;
    default:
        return TESS_ERR_BAD_BUNDLE;
    }
    return TESS_OK;
}

/* How many distinct keys of `keys` made a valid signature on the bundle. */
static tess_status count_signed(const tess_cose_sign *msg, const tess_root *keys,
                                uint8_t *scratch, size_t scratch_cap, size_t *signed_by)
{
    uint32_t seen = 0;
    *signed_by = 0;
    uint8_t kids[TESS_MAX_ROOT_KEYS][TESS_KID_LEN];
    for (size_t k = 0; k < keys->n_keys; k++)
        tess_kid_of(kids[k], keys->keys[k]);
    for (size_t i = 0; i < msg->n_signers; i++) {
        tess_cose_signer s;
        if (tess_cose_sign_signer(msg, i, &s) != TESS_OK)
            return TESS_ERR_BAD_BUNDLE;
        /* A signature only counts for the key its protected kid names, with
         * an Ed25519 alg: the kid and alg are covered by the signature. */
        if (!tess_cose_alg_ok(&s.hdr) || s.hdr.kid_state != TESS_KID_BSTR ||
            s.hdr.kid.len != TESS_KID_LEN)
            continue;
        for (size_t k = 0; k < keys->n_keys; k++) {
            if (seen & (1u << k) || memcmp(kids[k], s.hdr.kid.ptr, TESS_KID_LEN) != 0)
                continue;
            tess_status st = tess_cose_sign_verify(msg, &s, keys->keys[k], scratch, scratch_cap);
            if (st == TESS_ERR_BUFFER)
                return st;
            if (st == TESS_OK) {
                seen |= 1u << k;
                ++*signed_by;
            }
        }
    }
    return TESS_OK;
}

tess_status tess_bundle_open(tess_span file, const tess_root *root, uint32_t *issuer_at,
                             size_t issuer_cap, uint8_t *scratch, size_t scratch_cap,
                             tess_bundle *out)
{
    memset(out, 0, sizeof *out);
    tess_bundle b;
    memset(&b, 0, sizeof b);
    tess_cose_sign msg;
    if (tess_cose_sign_parse(file, true, &msg) != TESS_OK)
        return TESS_ERR_BAD_BUNDLE;
    /* Each signature costs a hash of the whole payload. */
    if (msg.n_signers > TESS_MAX_BUNDLE_SIGS)
        return TESS_ERR_BAD_BUNDLE;
    b.payload = msg.payload;
    b.n_signers = msg.n_signers;
    tess_status st = parse_payload(&b, issuer_at, issuer_cap, false);
    if (st != TESS_OK)
        return st;
    if ((st = count_signed(&msg, root, scratch, scratch_cap, &b.n_root_signed)) != TESS_OK)
        return st;
    if (b.n_root_signed < root->threshold)
        return TESS_ERR_THRESHOLD;
    if (b.has_new_roots) {
        size_t new_signed;
        if ((st = count_signed(&msg, &b.new_roots, scratch, scratch_cap, &new_signed)) != TESS_OK)
            return st;
        if (new_signed < b.new_roots.threshold)
            return TESS_ERR_ROTATION;
    }
    *out = b;
    return TESS_OK;
}

tess_status tess_bundle_open_installed(tess_span file, uint32_t *issuer_at, size_t issuer_cap,
                                       tess_bundle *out)
{
    memset(out, 0, sizeof *out);
    tess_bundle b;
    memset(&b, 0, sizeof b);
    tess_cose_sign msg;
    if (tess_cose_sign_parse(file, true, &msg) != TESS_OK || msg.n_signers > TESS_MAX_BUNDLE_SIGS)
        return TESS_ERR_BAD_BUNDLE;
    b.payload = msg.payload;
    b.n_signers = msg.n_signers;
    tess_status st = parse_payload(&b, issuer_at, issuer_cap, true);
    if (st != TESS_OK)
        return st;
    *out = b;
    return TESS_OK;
}

tess_status tess_bundle_count_signed(tess_span file, const tess_root *keys, uint8_t *scratch,
                                     size_t scratch_cap, size_t *n_signed, size_t *n_signatures)
{
    *n_signed = 0;
    *n_signatures = 0;
    tess_cose_sign msg;
    if (tess_cose_sign_parse(file, true, &msg) != TESS_OK || msg.n_signers > TESS_MAX_BUNDLE_SIGS)
        return TESS_ERR_BAD_BUNDLE;
    *n_signatures = msg.n_signers;
    return count_signed(&msg, keys, scratch, scratch_cap, n_signed);
}

tess_status tess_bundle_check_version(const tess_bundle *b, uint64_t installed_version)
{
    return b->version > installed_version ? TESS_OK : TESS_ERR_ROLLBACK;
}

tess_status tess_bundle_issuer_at(const tess_bundle *b, size_t i, tess_issuer *out)
{
    if (i >= b->n_issuers) {
        memset(out, 0, sizeof *out);
        return TESS_ERR_ARG;
    }
    tess_cbor c = {b->payload.ptr + b->issuer_at[i], b->payload.ptr + b->payload.len};
    return parse_issuer(c, out) ? TESS_OK : TESS_ERR_BAD_BUNDLE;
}

/* The kid of the i-th issuer entry (checked at open: present, 8 bytes). */
static const uint8_t *kid_at(const tess_bundle *b, size_t i)
{
    tess_cbor c = {b->payload.ptr + b->issuer_at[i], b->payload.ptr + b->payload.len};
    tess_cbor_item m;
    tess_span kid;
    if (!read_as(&c, TESS_CBOR_MAP, &m) || field_bstr(&c, m.val, 1, &kid) != FIELD_OK ||
        kid.len != TESS_KID_LEN)
        return NULL;
    return kid.ptr;
}

bool tess_bundle_find_issuer(const tess_bundle *b, const uint8_t kid[8], tess_issuer *out)
{
    size_t lo = 0, hi = b->n_issuers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint8_t *mid_kid = kid_at(b, mid);
        if (!mid_kid)
            break;
        int cmp = memcmp(kid, mid_kid, TESS_KID_LEN);
        if (cmp == 0)
            return tess_bundle_issuer_at(b, mid, out) == TESS_OK;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    memset(out, 0, sizeof *out);
    return false;
}

bool tess_bundle_is_revoked(const tess_bundle *b, const uint8_t cti[16])
{
    size_t lo = 0, hi = b->n_revoked;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = memcmp(cti, b->revoked.ptr + mid * TESS_CTI_LEN, TESS_CTI_LEN);
        if (cmp == 0)
            return true;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

bool tess_issuer_allows(const tess_issuer *is, tess_span achievement)
{
    if (is->any_achievement)
        return true;
    tess_cbor c = tess_cbor_at(is->allowed);
    for (size_t i = 0; i < is->n_allowed; i++) {
        tess_cbor_item it;
        if (!read_as(&c, TESS_CBOR_TSTR, &it))
            return false;
        if (it.str.len <= achievement.len &&
            (it.str.len == 0 || memcmp(it.str.ptr, achievement.ptr, it.str.len) == 0))
            return true;
    }
    return false;
}

tess_status tess_bundle_pathway_at(const tess_bundle *b, size_t i, tess_pathway *out)
{
    memset(out, 0, sizeof *out);
    if (i >= b->n_pathways)
        return TESS_ERR_ARG;
    tess_cbor c = tess_cbor_at(b->pathways);
    for (size_t k = 0; k < i; k++)
        if (tess_cbor_skip(&c) != TESS_OK)
            return TESS_ERR_BAD_BUNDLE;
    return parse_pathway(c, out) ? TESS_OK : TESS_ERR_BAD_BUNDLE;
}
