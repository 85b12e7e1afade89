/*
 * fuzz_cbor.c: the strict CBOR reader (tess_cbor.h) under libFuzzer, with
 * libcbor 0.8 as a second opinion.
 *
 * Crashes (abort) only on a real disagreement:
 *  - tess_cbor_check returns a code its header does not list, or a rule set
 *    that is looser than another rejects what the stricter one accepted;
 *  - an accepted item that tess_cbor_skip / tess_cbor_take do not cover
 *    exactly;
 *  - an accepted item that libcbor does not load entirely, or loads as a
 *    different value (same majors, integers, strings, counts, tags), unless
 *    it holds a head libcbor 0.8 refuses: tags 6..20 in the one-byte form
 *    (0xC6..0xD4, tag 18 among them) and simple values 0..19 and every
 *    two-byte simple value (0xE0..0xF3, 0xF8 xx);
 *  - an accepted item in whose libcbor tree a strict rule is broken: an
 *    indefinite length, a key twice (by value, RFC 8949 5.6.1), bad UTF-8,
 *    nesting deeper than 8;
 *  - an input libcbor loads entirely that we reject as malformed or
 *    trailing, or reject for a strict rule (indefinite, duplicate key,
 *    UTF-8, depth) that the libcbor tree shows is not broken;
 *  - tess_utf8_valid disagreeing with an independent UTF-8 check (the
 *    well-formed byte sequences of Unicode 15, table 3-7);
 *  - tess_cbor_put_head not reading back as what it wrote;
 *  - the claims (tess_claims_limits, tess_claims_parse, and the one-pass
 *    tess_claims_decode on any input) disagreeing with a reading of
 *    FORMAT.md's fields by tess_cbor_map_find look-ups: accepted or not,
 *    and every field when accepted (which of bad_claims and too_large a
 *    payload with both faults gets is not compared).
 */
#include <cbor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessera/tess_cbor.h"
#include "tessera/tess_cred.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "fuzz_cbor: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                          \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* ---- an independent UTF-8 check: Unicode table 3-7, byte by byte ---- */

static bool utf8_ref(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (b <= 0x7F) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b == 0xE0) {
            need = 2; lo = 0xA0;
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            need = 2;
        } else if (b == 0xED) {
            need = 2; hi = 0x9F;
        } else if (b == 0xF0) {
            need = 3; lo = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            need = 3;
        } else if (b == 0xF4) {
            need = 3; hi = 0x8F;
        } else {
            return false;
        }
        if (n - i - 1 < need)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += need + 1;
    }
    return true;
}

/* ---- libcbor tree helpers ---- */

/* Whether two items are the same value (RFC 8949 5.6.1, as tess_cbor.h
 * compares map keys), from libcbor's tree, in two modes:
 *  loose:  never says "different" where we would say "same" (any two NaNs
 *          alike), to confirm a duplicate key we reported;
 *  strict: never says "same" where we would say "different" (NaNs never
 *          alike), to find a duplicate key we let through.
 * Otherwise both: integers and strings by value, floats of any width by
 * numeric value (0.0 and -0.0 alike), simple values by number, tags by
 * number and content, arrays item by item, maps as sets of pairs. */
static bool lc_equal(cbor_item_t *a, cbor_item_t *b, bool strict);

static double lc_float(cbor_item_t *f)
{
    switch (cbor_float_get_width(f)) {
    case CBOR_FLOAT_64:
        return cbor_float_get_float8(f);
    case CBOR_FLOAT_32:
        return cbor_float_get_float4(f);
    default:
        return cbor_float_get_float2(f);
    }
}

static bool lc_float_equal(cbor_item_t *a, cbor_item_t *b, bool strict)
{
    bool ca = cbor_float_ctrl_is_ctrl(a), cb = cbor_float_ctrl_is_ctrl(b);
    if (ca || cb)
        return ca && cb && cbor_ctrl_value(a) == cbor_ctrl_value(b);
    double x = lc_float(a), y = lc_float(b);
    if (x != x || y != y)
        return !strict && x != x && y != y;
    return x == y;
}

/* Every pair of a has an equal pair in b (sizes already equal). */
static bool lc_pairs_in(cbor_item_t *a, cbor_item_t *b, bool strict)
{
    struct cbor_pair *pa = cbor_map_handle(a), *pb = cbor_map_handle(b);
    for (size_t i = 0; i < cbor_map_size(a); i++) {
        bool found = false;
        for (size_t j = 0; j < cbor_map_size(b) && !found; j++)
            found = lc_equal(pa[i].key, pb[j].key, strict) &&
                    lc_equal(pa[i].value, pb[j].value, strict);
        if (!found)
            return false;
    }
    return true;
}

static bool lc_equal(cbor_item_t *a, cbor_item_t *b, bool strict)
{
    if (cbor_typeof(a) != cbor_typeof(b))
        return false;
    switch (cbor_typeof(a)) {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
        return cbor_get_int(a) == cbor_get_int(b);
    case CBOR_TYPE_BYTESTRING:
        if (cbor_bytestring_is_indefinite(a) || cbor_bytestring_is_indefinite(b))
            return false;
        return cbor_bytestring_length(a) == cbor_bytestring_length(b) &&
               (cbor_bytestring_length(a) == 0 ||
                memcmp(cbor_bytestring_handle(a), cbor_bytestring_handle(b),
                       cbor_bytestring_length(a)) == 0);
    case CBOR_TYPE_STRING:
        if (cbor_string_is_indefinite(a) || cbor_string_is_indefinite(b))
            return false;
        return cbor_string_length(a) == cbor_string_length(b) &&
               (cbor_string_length(a) == 0 ||
                memcmp(cbor_string_handle(a), cbor_string_handle(b), cbor_string_length(a)) == 0);
    case CBOR_TYPE_ARRAY:
        if (cbor_array_size(a) != cbor_array_size(b))
            return false;
        for (size_t i = 0; i < cbor_array_size(a); i++)
            if (!lc_equal(cbor_array_handle(a)[i], cbor_array_handle(b)[i], strict))
                return false;
        return true;
    case CBOR_TYPE_MAP:
        return cbor_map_size(a) == cbor_map_size(b) && lc_pairs_in(a, b, strict);
    case CBOR_TYPE_TAG: {
        if (cbor_tag_value(a) != cbor_tag_value(b))
            return false;
        cbor_item_t *ia = cbor_tag_item(a), *ib = cbor_tag_item(b);
        bool eq = lc_equal(ia, ib, strict);
        cbor_decref(&ia);
        cbor_decref(&ib);
        return eq;
    }
    case CBOR_TYPE_FLOAT_CTRL:
        return lc_float_equal(a, b, strict);
    }
    return false;
}

typedef struct {
    bool indefinite;
    bool dup_key;        /* loose */
    bool dup_key_strict;
    bool bad_utf8;
    unsigned depth;   /* containers and tags nested, outermost counts 1 */
} lc_facts;

static void lc_scan(cbor_item_t *it, unsigned depth, lc_facts *f)
{
    switch (cbor_typeof(it)) {
    case CBOR_TYPE_BYTESTRING:
        if (cbor_bytestring_is_indefinite(it))
            f->indefinite = true;
        break;
    case CBOR_TYPE_STRING:
        if (cbor_string_is_indefinite(it)) {
            f->indefinite = true;
            /* Chunks may split a character: judge each chunk alone, as we do. */
            for (size_t i = 0; i < cbor_string_chunk_count(it); i++) {
                cbor_item_t *ch = cbor_string_chunks_handle(it)[i];
                if (!utf8_ref(cbor_string_handle(ch), cbor_string_length(ch)))
                    f->bad_utf8 = true;
            }
        } else if (!utf8_ref(cbor_string_handle(it), cbor_string_length(it))) {
            f->bad_utf8 = true;
        }
        break;
    case CBOR_TYPE_ARRAY:
        if (depth + 1 > f->depth)
            f->depth = depth + 1;
        if (cbor_array_is_indefinite(it))
            f->indefinite = true;
        for (size_t i = 0; i < cbor_array_size(it); i++)
            lc_scan(cbor_array_handle(it)[i], depth + 1, f);
        break;
    case CBOR_TYPE_MAP: {
        if (depth + 1 > f->depth)
            f->depth = depth + 1;
        if (cbor_map_is_indefinite(it))
            f->indefinite = true;
        struct cbor_pair *p = cbor_map_handle(it);
        for (size_t i = 0; i < cbor_map_size(it); i++) {
            for (size_t j = 0; j < i; j++) {
                if (lc_equal(p[i].key, p[j].key, false))
                    f->dup_key = true;
                if (lc_equal(p[i].key, p[j].key, true))
                    f->dup_key_strict = true;
            }
            lc_scan(p[i].key, depth + 1, f);
            lc_scan(p[i].value, depth + 1, f);
        }
        break;
    }
    case CBOR_TYPE_TAG: {
        if (depth + 1 > f->depth)
            f->depth = depth + 1;
        cbor_item_t *in = cbor_tag_item(it);
        lc_scan(in, depth + 1, f);
        cbor_decref(&in);
        break;
    }
    default:
        break;
    }
}

/* Walks our item at c and libcbor's `it` in step: they must be the same
 * value. Only called on an item tess_cbor_check accepted. */
static void same_value(tess_cbor *c, cbor_item_t *it)
{
    tess_cbor_item h;
    CHECK(tess_cbor_read(c, &h) == TESS_OK);
    switch (h.major) {
    case TESS_CBOR_UINT:
        CHECK(cbor_typeof(it) == CBOR_TYPE_UINT);
        CHECK(cbor_get_int(it) == h.val);
        break;
    case TESS_CBOR_NEGINT:
        CHECK(cbor_typeof(it) == CBOR_TYPE_NEGINT);
        CHECK(cbor_get_int(it) == h.val);
        break;
    case TESS_CBOR_BSTR:
        CHECK(cbor_typeof(it) == CBOR_TYPE_BYTESTRING && cbor_bytestring_is_definite(it));
        CHECK(cbor_bytestring_length(it) == h.str.len);
        CHECK(h.str.len == 0 || memcmp(cbor_bytestring_handle(it), h.str.ptr, h.str.len) == 0);
        break;
    case TESS_CBOR_TSTR:
        CHECK(cbor_typeof(it) == CBOR_TYPE_STRING && cbor_string_is_definite(it));
        CHECK(cbor_string_length(it) == h.str.len);
        CHECK(h.str.len == 0 || memcmp(cbor_string_handle(it), h.str.ptr, h.str.len) == 0);
        break;
    case TESS_CBOR_ARRAY:
        CHECK(cbor_typeof(it) == CBOR_TYPE_ARRAY && cbor_array_is_definite(it));
        CHECK(cbor_array_size(it) == h.val);
        for (size_t i = 0; i < cbor_array_size(it); i++)
            same_value(c, cbor_array_handle(it)[i]);
        break;
    case TESS_CBOR_MAP:
        CHECK(cbor_typeof(it) == CBOR_TYPE_MAP && cbor_map_is_definite(it));
        CHECK(cbor_map_size(it) == h.val);
        for (size_t i = 0; i < cbor_map_size(it); i++) {
            same_value(c, cbor_map_handle(it)[i].key);
            same_value(c, cbor_map_handle(it)[i].value);
        }
        break;
    case TESS_CBOR_TAG: {
        CHECK(cbor_typeof(it) == CBOR_TYPE_TAG);
        CHECK(cbor_tag_value(it) == h.val);
        cbor_item_t *in = cbor_tag_item(it);
        same_value(c, in);
        cbor_decref(&in);
        break;
    }
    default:
        CHECK(cbor_typeof(it) == CBOR_TYPE_FLOAT_CTRL);
        if (h.info < 24) {
            CHECK(cbor_float_ctrl_is_ctrl(it));
            CHECK(cbor_ctrl_value(it) == h.val);
        } else if (h.info == 25) {
            CHECK(cbor_float_get_width(it) == CBOR_FLOAT_16);
        } else if (h.info == 26) {
            CHECK(cbor_float_get_width(it) == CBOR_FLOAT_32);
            float f = cbor_float_get_float4(it);
            uint32_t bits;
            memcpy(&bits, &f, 4);
            CHECK(f != f || bits == (uint32_t)h.val);
        } else if (h.info == 27) {
            CHECK(cbor_float_get_width(it) == CBOR_FLOAT_64);
            double d = cbor_float_get_float8(it);
            uint64_t bits;
            memcpy(&bits, &d, 8);
            CHECK(d != d || bits == h.val);
        }
        break;
    }
}

/* Whether an accepted item holds a head that libcbor 0.8 refuses. */
static bool has_libcbor_refused_head(tess_span s)
{
    tess_cbor c = tess_cbor_at(s);
    tess_cbor_item it;
    while (c.p < c.end) {
        CHECK(tess_cbor_read(&c, &it) == TESS_OK);
        uint8_t ib = *it.head;
        if ((ib >= 0xC6 && ib <= 0xD4) || (ib >= 0xE0 && ib <= 0xF3) || ib == 0xF8)
            return true;
    }
    return false;
}

/* libcbor 0.8 allocates an array or map for its declared count before it
 * reads the items: a head claiming 0xbabababa pairs in a few bytes costs
 * gigabytes. Such an input fails to load anyway (not enough data), so it is
 * not given to libcbor at all. The walk reads heads in the order libcbor
 * does and stops where libcbor would. */
static bool libcbor_safe(const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    while (p < end) {
        uint8_t ib = *p++;
        uint8_t major = (uint8_t)(ib >> 5), info = (uint8_t)(ib & 31);
        uint64_t val = info;
        if (info == 31)
            continue; /* indefinite or break: no allocation by count */
        if (info >= 28)
            return true; /* reserved: libcbor stops here */
        if (info >= 24) {
            size_t k = (size_t)1 << (info - 24);
            if ((size_t)(end - p) < k)
                return true;
            val = 0;
            for (size_t i = 0; i < k; i++)
                val = val << 8 | *p++;
        }
        size_t left = (size_t)(end - p);
        if (major == TESS_CBOR_BSTR || major == TESS_CBOR_TSTR) {
            if (val > left)
                return true;
            p += val;
        } else if ((major == TESS_CBOR_ARRAY || major == TESS_CBOR_MAP) && val > left) {
            return false;
        }
    }
    return true;
}

/* ---- the cursor functions on anything ---- */

static void cursors(const uint8_t *data, size_t size)
{
    tess_span all = {data, size};

    /* Every head in turn: reads never leave the buffer (ASan says). */
    tess_cbor c = tess_cbor_at(all);
    tess_cbor_item it;
    while (c.p < c.end && tess_cbor_read(&c, &it) == TESS_OK) {
        CHECK(it.head >= data && it.head < data + size);
        CHECK(c.p <= c.end);
        if (it.major == TESS_CBOR_BSTR || it.major == TESS_CBOR_TSTR)
            CHECK(it.str.ptr + it.str.len <= data + size);
        int64_t v;
        if (it.major <= TESS_CBOR_NEGINT && tess_cbor_int_value(&it, &v))
            CHECK(it.major == TESS_CBOR_UINT ? (v >= 0 && (uint64_t)v == it.val)
                                             : (v < 0 && (uint64_t)(-(v + 1)) == it.val));
    }

    /* take agrees with skip. */
    tess_cbor a = tess_cbor_at(all), b = tess_cbor_at(all);
    tess_span taken;
    tess_status sa = tess_cbor_skip(&a);
    tess_status sb = tess_cbor_take(&b, &taken);
    CHECK(sa == sb);
    if (sa == TESS_OK) {
        CHECK(a.p == b.p && taken.ptr == data && taken.len == (size_t)(a.p - data));
        CHECK(a.p <= c.end);
    } else {
        CHECK(sa == TESS_ERR_CBOR_MALFORMED || sa == TESS_ERR_CBOR_INDEFINITE);
        CHECK(taken.ptr == NULL && taken.len == 0);
    }

    /* map_find on a map at the start, with a few keys and one from the input. */
    tess_cbor m = tess_cbor_at(all);
    if (tess_cbor_read(&m, &it) == TESS_OK && it.major == TESS_CBOR_MAP) {
        int64_t keys[8] = {0, 1, -1, 4, 24, -65537, INT64_MIN, 0};
        if (size >= 9)
            memcpy(&keys[7], data + size - 8, 8);
        for (size_t k = 0; k < 8; k++) {
            tess_cbor val;
            bool found = true;
            tess_status st = tess_cbor_map_find(&m, it.val, keys[k], &val, &found);
            CHECK(st == TESS_OK || st == TESS_ERR_CBOR_MALFORMED ||
                  st == TESS_ERR_CBOR_INDEFINITE);
            if (st == TESS_OK && found)
                CHECK(val.p >= data && val.p <= data + size && val.end == data + size);
            if (st != TESS_OK)
                CHECK(!found);
        }
    }

    /* put_head reads back as written, in shortest form. */
    if (size >= 9) {
        uint8_t major = (uint8_t)(data[0] >> 5);
        uint64_t val;
        memcpy(&val, data + 1, 8);
        val >>= (data[0] & 7) * 8; /* small values too */
        if (major == TESS_CBOR_SIMPLE)
            major = TESS_CBOR_TAG;
        uint8_t buf[9];
        size_t n = tess_cbor_put_head(buf, sizeof buf, major, val);
        CHECK(n >= 1 && n <= 9);
        size_t want = val < 24 ? 1 : val <= 0xFF ? 2 : val <= 0xFFFF ? 3 : val <= 0xFFFFFFFFu ? 5 : 9;
        CHECK(n == want);
        CHECK(tess_cbor_put_head(buf, n - 1, major, val) == 0);
        if (major != TESS_CBOR_BSTR && major != TESS_CBOR_TSTR &&
            major != TESS_CBOR_ARRAY && major != TESS_CBOR_MAP) {
            tess_span hs = {buf, n};
            tess_cbor hc = tess_cbor_at(hs);
            tess_cbor_item h;
            CHECK(tess_cbor_read(&hc, &h) == TESS_OK);
            CHECK(h.major == major && h.val == val && hc.p == buf + n);
        }
    }

    CHECK(tess_utf8_valid(data, size) == utf8_ref(data, size));
}

/* ---- the claims (tess_cred.h), against a reading by look-ups ---- */

typedef enum { REF_ABSENT, REF_OK, REF_BAD } ref_field;

static ref_field ref_find(const tess_cbor *map, uint64_t n, int64_t key, uint8_t major,
                          tess_cbor_item *it)
{
    tess_cbor v;
    bool found;
    if (tess_cbor_map_find(map, n, key, &v, &found) != TESS_OK)
        return REF_BAD;
    if (!found)
        return REF_ABSENT;
    return tess_cbor_read(&v, it) == TESS_OK && it->major == major ? REF_OK : REF_BAD;
}

/* Required (must be present) or optional; a present field must be typed. */
static bool ref_text(const tess_cbor *m, uint64_t n, int64_t key, bool required, tess_span *out,
                     uint32_t *has, uint32_t flag)
{
    tess_cbor_item it;
    ref_field r = ref_find(m, n, key, TESS_CBOR_TSTR, &it);
    if (r == REF_OK) {
        *out = it.str;
        *has |= flag;
    }
    return r == REF_OK || (r == REF_ABSENT && !required);
}

static bool ref_uint(const tess_cbor *m, uint64_t n, int64_t key, bool required, uint64_t *out,
                     uint32_t *has, uint32_t flag)
{
    tess_cbor_item it;
    ref_field r = ref_find(m, n, key, TESS_CBOR_UINT, &it);
    if (r == REF_OK) {
        *out = it.val;
        *has |= flag;
    }
    return r == REF_OK || (r == REF_ABSENT && !required);
}

static tess_status ref_list(const tess_cbor *m, uint64_t n, int64_t key, tess_span *out,
                            size_t *count, uint32_t *has, uint32_t flag)
{
    tess_cbor v;
    bool found;
    tess_cbor_item it;
    if (tess_cbor_map_find(m, n, key, &v, &found) != TESS_OK)
        return TESS_ERR_BAD_CLAIMS;
    if (!found)
        return TESS_OK;
    if (tess_cbor_read(&v, &it) != TESS_OK || it.major != TESS_CBOR_ARRAY)
        return TESS_ERR_BAD_CLAIMS;
    if (it.val > TESS_MAX_LIST)
        return TESS_ERR_TOO_LARGE;
    for (size_t i = 0; i < it.val; i++) {
        tess_cbor_item s;
        if (tess_cbor_read(&v, &s) != TESS_OK || s.major != TESS_CBOR_TSTR)
            return TESS_ERR_BAD_CLAIMS;
        out[i] = s.str;
    }
    *count = (size_t)it.val;
    *has |= flag;
    return TESS_OK;
}

/* FORMAT.md's claims, read field by field with tess_cbor_map_find. */
static tess_status ref_claims(tess_span p, tess_credential *cr)
{
    memset(cr, 0, sizeof *cr);
    const tess_cbor_rules rules = {0, TESS_MAX_STRING, NULL};
    tess_status st = tess_cbor_check(p, &rules);
    if (st != TESS_OK)
        return st == TESS_ERR_CBOR_STRING_LIMIT ? TESS_ERR_TOO_LARGE : TESS_ERR_BAD_CLAIMS;
    tess_cbor c = tess_cbor_at(p);
    tess_cbor_item m, it;
    if (tess_cbor_read(&c, &m) != TESS_OK || m.major != TESS_CBOR_MAP)
        return TESS_ERR_BAD_CLAIMS;
    uint32_t none = 0, *h = &cr->has;
    if (!ref_text(&c, m.val, 1, true, &cr->iss, &none, 0) ||
        !ref_uint(&c, m.val, 6, true, &cr->iat, &none, 0) ||
        ref_find(&c, m.val, 7, TESS_CBOR_BSTR, &it) != REF_OK || it.str.len != 16)
        return TESS_ERR_BAD_CLAIMS;
    cr->cti = it.str.ptr;
    if (!ref_text(&c, m.val, 2, false, &cr->sub, h, TESS_HAS_SUB) ||
        !ref_uint(&c, m.val, 4, false, &cr->exp, h, TESS_HAS_EXP) ||
        !ref_uint(&c, m.val, 5, false, &cr->nbf, h, TESS_HAS_NBF))
        return TESS_ERR_BAD_CLAIMS;
    tess_cbor mc;
    bool found;
    tess_cbor_item mh;
    if (tess_cbor_map_find(&c, m.val, TESS_CLAIM_MC, &mc, &found) != TESS_OK || !found ||
        tess_cbor_read(&mc, &mh) != TESS_OK || mh.major != TESS_CBOR_MAP)
        return TESS_ERR_BAD_CLAIMS;
    uint64_t n = mh.val;
    if (!ref_uint(&mc, n, 1, true, &cr->version, &none, 0) || cr->version != 1 ||
        !ref_text(&mc, n, 2, true, &cr->holder, &none, 0) ||
        !ref_text(&mc, n, 3, true, &cr->title, &none, 0) ||
        !ref_text(&mc, n, 4, true, &cr->achievement, &none, 0) ||
        !ref_text(&mc, n, 6, true, &cr->awarder, &none, 0) ||
        !ref_uint(&mc, n, 5, false, &cr->type, h, TESS_HAS_TYPE) ||
        !ref_text(&mc, n, 7, false, &cr->country, h, TESS_HAS_COUNTRY) ||
        !ref_uint(&mc, n, 9, false, &cr->eqf, h, TESS_HAS_EQF) ||
        !ref_uint(&mc, n, 10, false, &cr->workload, h, TESS_HAS_WORKLOAD) ||
        !ref_uint(&mc, n, 11, false, &cr->assessment, h, TESS_HAS_ASSESSMENT) ||
        !ref_uint(&mc, n, 12, false, &cr->participation, h, TESS_HAS_PARTICIPATION) ||
        !ref_text(&mc, n, 13, false, &cr->qa, h, TESS_HAS_QA) ||
        !ref_text(&mc, n, 15, false, &cr->lang, h, TESS_HAS_LANG))
        return TESS_ERR_BAD_CLAIMS;
    if ((cr->has & TESS_HAS_EQF) && (cr->eqf < 1 || cr->eqf > 8))
        return TESS_ERR_BAD_CLAIMS;
    if ((st = ref_list(&mc, n, 8, cr->skills, &cr->n_skills, h, TESS_HAS_SKILLS)) != TESS_OK)
        return st;
    return ref_list(&mc, n, 14, cr->stacks, &cr->n_stacks, h, TESS_HAS_STACKS);
}

static bool same_span(tess_span a, tess_span b)
{
    return a.len == b.len && (a.len == 0 || a.ptr == b.ptr);
}

static void claims(const uint8_t *data, size_t size)
{
    tess_span p = {data, size};
    tess_credential a, b, d;
    tess_status strict = TESS_OK;
    tess_status lim = tess_claims_limits(p, &strict);
    tess_status got = tess_claims_parse(p, &a);
    tess_status want = ref_claims(p, &b);
    /* Bounds-checked on any input, strict or not. */
    tess_status dec = tess_claims_decode(p, &d);
    CHECK(dec == TESS_OK || dec == TESS_ERR_BAD_CLAIMS || dec == TESS_ERR_TOO_LARGE);
    if (strict == TESS_OK)
        CHECK(dec == got);

    const tess_cbor_rules rules = {0, TESS_MAX_STRING, NULL};
    CHECK(strict == tess_cbor_check(p, &rules));
    CHECK(lim == TESS_OK || lim == TESS_ERR_TOO_LARGE);
    CHECK(got == TESS_OK || got == TESS_ERR_BAD_CLAIMS || got == TESS_ERR_TOO_LARGE);
    /* limits finds every too_large; after it, only bad_claims is left. */
    if (lim == TESS_OK)
        CHECK(got != TESS_ERR_TOO_LARGE);
    else
        CHECK(got != TESS_OK);
    if ((got == TESS_OK) != (want == TESS_OK))
        fprintf(stderr, "fuzz_cbor: claims: parse says %d, a reading by look-ups %d\n",
                (int)got, (int)want);
    CHECK((got == TESS_OK) == (want == TESS_OK));
    if (got != TESS_OK) {
        CHECK(a.has == 0 && a.cti == NULL && a.iss.ptr == NULL);
        return;
    }
    CHECK(a.has == b.has && a.iat == b.iat && a.exp == b.exp && a.nbf == b.nbf);
    CHECK(a.cti == b.cti && a.version == b.version && a.type == b.type && a.eqf == b.eqf);
    CHECK(a.workload == b.workload && a.assessment == b.assessment &&
          a.participation == b.participation);
    CHECK(same_span(a.iss, b.iss) && same_span(a.sub, b.sub) && same_span(a.holder, b.holder) &&
          same_span(a.title, b.title) && same_span(a.achievement, b.achievement) &&
          same_span(a.awarder, b.awarder) && same_span(a.country, b.country) &&
          same_span(a.qa, b.qa) && same_span(a.lang, b.lang));
    CHECK(a.n_skills == b.n_skills && a.n_stacks == b.n_stacks);
    for (size_t i = 0; i < a.n_skills; i++)
        CHECK(same_span(a.skills[i], b.skills[i]));
    for (size_t i = 0; i < a.n_stacks; i++)
        CHECK(same_span(a.stacks[i], b.stacks[i]));
}

static bool check_code_ok(tess_status st, bool limit)
{
    switch (st) {
    case TESS_OK:
    case TESS_ERR_CBOR_MALFORMED:
    case TESS_ERR_CBOR_INDEFINITE:
    case TESS_ERR_CBOR_DUP_KEY:
    case TESS_ERR_CBOR_UTF8:
    case TESS_ERR_CBOR_DEPTH:
    case TESS_ERR_CBOR_TRAILING:
        return true;
    case TESS_ERR_CBOR_STRING_LIMIT:
        return limit;
    default:
        return false;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nothing to set up; here so that replay_main.c links with every harness. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tess_span all = {data, size};

    const tess_cbor_rules shallow = {1, 0, NULL};
    const tess_cbor_rules small = {3, 16, NULL};
    const tess_cbor_rules exempt = {0, 512, data};
    const tess_cbor_rules deep = {64, 0, NULL};

    tess_status st0 = tess_cbor_check(all, NULL);
    tess_status st1 = tess_cbor_check(all, &shallow);
    tess_status st2 = tess_cbor_check(all, &small);
    tess_status st3 = tess_cbor_check(all, &exempt);
    tess_status st4 = tess_cbor_check(all, &deep);
    CHECK(check_code_ok(st0, false) && check_code_ok(st1, false) && check_code_ok(st4, false));
    CHECK(check_code_ok(st2, true) && check_code_ok(st3, true));
    /* Looser rules accept whatever stricter ones do. */
    if (st1 == TESS_OK || st2 == TESS_OK || st3 == TESS_OK)
        CHECK(st0 == TESS_OK);
    if (st0 == TESS_OK)
        CHECK(st4 == TESS_OK);
    /* Without a string limit, depth is the only difference. */
    if (st0 != TESS_OK && st0 != TESS_ERR_CBOR_DEPTH)
        CHECK(st4 == st0);

    cursors(data, size);
    claims(data, size);

    if (st4 == TESS_OK) {
        tess_cbor c = tess_cbor_at(all);
        CHECK(tess_cbor_skip(&c) == TESS_OK && c.p == data + size);
    }

    /* The second opinion. */
    struct cbor_load_result res;
    memset(&res, 0, sizeof res);
    cbor_item_t *item = size && libcbor_safe(data, size) ? cbor_load(data, size, &res) : NULL;
    bool lc_full = item && res.error.code == CBOR_ERR_NONE && res.read == size;
    if (st0 == TESS_OK) {
        if (!has_libcbor_refused_head(all)) {
            if (!lc_full)
                fprintf(stderr, "fuzz_cbor: libcbor refused (code %d, read %zu of %zu)\n",
                        (int)res.error.code, res.read, size);
            CHECK(lc_full);
            tess_cbor c = tess_cbor_at(all);
            same_value(&c, item);
            CHECK(c.p == data + size);
            /* And the strict rules, seen from libcbor's tree. */
            lc_facts f = {false, false, false, false, 0};
            lc_scan(item, 0, &f);
            CHECK(!f.indefinite && !f.dup_key_strict && !f.bad_utf8 && f.depth <= TESS_MAX_DEPTH);
        }
    } else if (lc_full) {
        lc_facts f = {false, false, false, false, 0};
        lc_scan(item, 0, &f);
        switch (st0) {
        case TESS_ERR_CBOR_INDEFINITE:
            CHECK(f.indefinite);
            break;
        case TESS_ERR_CBOR_DUP_KEY:
            CHECK(f.dup_key);
            break;
        case TESS_ERR_CBOR_UTF8:
            CHECK(f.bad_utf8);
            break;
        case TESS_ERR_CBOR_DEPTH:
            CHECK(f.depth > TESS_MAX_DEPTH);
            break;
        default:
            /* Malformed or trailing, yet libcbor read exactly all of it. */
            fprintf(stderr, "fuzz_cbor: we say %d, libcbor loads it all\n", (int)st0);
            CHECK(false);
        }
    }
    if (item)
        cbor_decref(&item);
    return 0;
}
