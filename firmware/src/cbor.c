/* The strict CBOR reader. Every read is bounds-checked against c->end. */
#include "tessera/tess_cbor.h"

#include <string.h>

tess_status tess_cbor_read(tess_cbor *c, tess_cbor_item *it)
{
    it->str.ptr = NULL;
    it->str.len = 0;
    it->val = 0;
    it->major = it->info = 0;
    it->head = c->p;
    if (c->p >= c->end)
        return TESS_ERR_CBOR_MALFORMED;
    uint8_t ib = *c->p++;
    it->major = (uint8_t)(ib >> 5);
    it->info = (uint8_t)(ib & 31);
    size_t avail = (size_t)(c->end - c->p);
    if (it->info < 24) {
        it->val = it->info;
    } else if (it->info <= 27) {
        size_t n = (size_t)1 << (it->info - 24);
        if (n > avail)
            return TESS_ERR_CBOR_MALFORMED;
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v << 8 | c->p[i];
        c->p += n;
        avail -= n;
        it->val = v;
    } else if (it->info == 31) {
        /* Indefinite lengths let one value have many encodings, and a break
         * outside them is not CBOR at all. */
        if (it->major >= 2 && it->major <= 5)
            return TESS_ERR_CBOR_INDEFINITE;
        return TESS_ERR_CBOR_MALFORMED;
    } else {
        return TESS_ERR_CBOR_MALFORMED;
    }
    switch (it->major) {
    case TESS_CBOR_BSTR:
    case TESS_CBOR_TSTR:
        if (it->val > avail)
            return TESS_ERR_CBOR_MALFORMED;
        it->str.ptr = c->p;
        it->str.len = (size_t)it->val;
        c->p += it->val;
        break;
    case TESS_CBOR_ARRAY:
    case TESS_CBOR_MAP:
        /* Every item takes a byte at least: a count past the bytes left is
         * a lie, refused before anyone loops over it. */
        if (it->val > avail || (it->major == TESS_CBOR_MAP && it->val > avail / 2))
            return TESS_ERR_CBOR_MALFORMED;
        break;
    case TESS_CBOR_SIMPLE:
        if (it->info == 24 && it->val < 32)
            return TESS_ERR_CBOR_MALFORMED;
        break;
    default:
        break;
    }
    return TESS_OK;
}

tess_status tess_cbor_skip(tess_cbor *c)
{
    uint64_t pending = 1;
    while (pending > 0) {
        tess_cbor_item it;
        tess_status st = tess_cbor_read(c, &it);
        if (st != TESS_OK)
            return st;
        pending--;
        if (it.major == TESS_CBOR_ARRAY)
            pending += it.val;
        else if (it.major == TESS_CBOR_MAP)
            pending += 2 * it.val;
        else if (it.major == TESS_CBOR_TAG)
            pending += 1;
    }
    return TESS_OK;
}

tess_status tess_cbor_take(tess_cbor *c, tess_span *item)
{
    const uint8_t *start = c->p;
    tess_status st = tess_cbor_skip(c);
    if (st != TESS_OK) {
        item->ptr = NULL;
        item->len = 0;
        return st;
    }
    item->ptr = start;
    item->len = (size_t)(c->p - start);
    return TESS_OK;
}

bool tess_cbor_int_value(const tess_cbor_item *it, int64_t *out)
{
    if (it->major > TESS_CBOR_NEGINT || it->val > (uint64_t)INT64_MAX)
        return false;
    *out = it->major == TESS_CBOR_UINT ? (int64_t)it->val : -1 - (int64_t)it->val;
    return true;
}

tess_status tess_cbor_map_find(const tess_cbor *map, uint64_t n, int64_t key,
                               tess_cbor *value, bool *found)
{
    tess_cbor c = *map;
    *found = false;
    for (uint64_t i = 0; i < n; i++) {
        tess_cbor at_key = c;
        tess_cbor_item k;
        tess_status st = tess_cbor_read(&at_key, &k);
        if (st != TESS_OK)
            return st;
        int64_t kv;
        if (k.major <= TESS_CBOR_NEGINT && tess_cbor_int_value(&k, &kv) && kv == key) {
            *value = at_key;
            *found = true;
            return TESS_OK;
        }
        /* Two calls: the key, then its value. */
        /* NOLINTNEXTLINE(misc-redundant-expression) */
        if ((st = tess_cbor_skip(&c)) != TESS_OK || (st = tess_cbor_skip(&c)) != TESS_OK)
            return st;
    }
    return TESS_OK;
}

bool tess_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((b & 0xE0) == 0xC0) {
            len = 2; cp = b & 0x1F; min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3; cp = b & 0x0F; min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4; cp = b & 0x07; min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        /* Overlong forms smuggle a '/' or a NUL past a filter that looks
         * at bytes; surrogates and values past U+10FFFF are not text. */
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* ---- the strict walk ---- */

typedef struct {
    unsigned max_depth;
    size_t max_string;
    const uint8_t *exempt;
    /* Key comparisons left. Comparing keys by value can take quadratic
     * time (thousands of text keys, or maps as keys in another order); an
     * unsigned bundle must not buy seconds of work before its signatures
     * are looked at, so the work is capped in proportion to the input. */
    size_t budget;
} check_rules;

static bool key_is_small_int(const tess_cbor_item *k, unsigned *bit)
{
    if (k->major > TESS_CBOR_NEGINT || k->val >= 256)
        return false;
    *bit = (unsigned)k->val + (k->major == TESS_CBOR_NEGINT ? 256u : 0u);
    return true;
}

/* A float head's value as the bits of a double: every half and single
 * converts exactly, so equal values give equal bits (NaNs by significand). */
static uint64_t float_bits(const tess_cbor_item *it)
{
    uint64_t sign, exp, man;
    if (it->info == 27)
        return it->val;
    if (it->info == 26) {
        sign = it->val >> 31;
        exp = (it->val >> 23) & 0xFF;
        man = it->val & 0x7FFFFF;
        man <<= 29;
        exp = exp == 0xFF ? 0x7FF : exp == 0 ? 0 : exp - 127 + 1023;
    } else {
        sign = it->val >> 15;
        exp = (it->val >> 10) & 0x1F;
        man = it->val & 0x3FF;
        man <<= 42;
        exp = exp == 0x1F ? 0x7FF : exp == 0 ? 0 : exp - 15 + 1023;
    }
    if (exp == 0 && man != 0) {
        /* subnormal in the narrow format: normal in a double */
        int shift = 0;
        while (!(man & ((uint64_t)1 << 52))) {
            man <<= 1;
            shift++;
        }
        man &= ((uint64_t)1 << 52) - 1;
        int biased = (it->info == 26 ? 1 - 127 : 1 - 15) + 1023 - shift + 1; /* > 0 */
        exp = (uint64_t)biased;
    }
    return sign << 63 | exp << 52 | man;
}

static bool value_equal(check_rules *r, tess_span a, tess_span b);

/* Whether the pair (key, value) at a's cursor has an equal pair in the map
 * whose n pairs start at b. */
static bool pair_in(check_rules *r, tess_span key, tess_span val, tess_cbor b, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        tess_span kb, vb;
        if (tess_cbor_take(&b, &kb) != TESS_OK || tess_cbor_take(&b, &vb) != TESS_OK)
            return false;
        if (value_equal(r, key, kb))
            return value_equal(r, val, vb);
    }
    return false;
}

/* RFC 8949 section 5.6.1: map keys are the same when their values are:
 * an integer in any width, the same string, floats of equal value (0.0 and
 * -0.0 too), equal tags, arrays element by element, maps in any order.
 * Both items were checked strict, so the recursion is bounded by depth. */
static bool value_equal(check_rules *r, tess_span a, tess_span b)
{
    if (r->budget == 0)
        return false;
    r->budget--;
    tess_cbor ca = tess_cbor_at(a), cb = tess_cbor_at(b);
    tess_cbor_item ka, kb;
    if (tess_cbor_read(&ca, &ka) != TESS_OK || tess_cbor_read(&cb, &kb) != TESS_OK ||
        ka.major != kb.major)
        return false;
    switch (ka.major) {
    case TESS_CBOR_UINT:
    case TESS_CBOR_NEGINT:
        return ka.val == kb.val;
    case TESS_CBOR_BSTR:
    case TESS_CBOR_TSTR:
        return ka.str.len == kb.str.len && memcmp(ka.str.ptr, kb.str.ptr, ka.str.len) == 0;
    case TESS_CBOR_SIMPLE: {
        bool fa = ka.info >= 25 && ka.info <= 27, fb = kb.info >= 25 && kb.info <= 27;
        if (fa != fb)
            return false;
        if (!fa)
            return ka.val == kb.val;
        uint64_t x = float_bits(&ka), y = float_bits(&kb);
        uint64_t no_sign = ~((uint64_t)1 << 63);
        return x == y || ((x & no_sign) == 0 && (y & no_sign) == 0);
    }
    case TESS_CBOR_TAG: {
        tess_span ia, ib;
        return ka.val == kb.val && tess_cbor_take(&ca, &ia) == TESS_OK &&
               tess_cbor_take(&cb, &ib) == TESS_OK && value_equal(r, ia, ib);
    }
    case TESS_CBOR_ARRAY:
        if (ka.val != kb.val)
            return false;
        for (uint64_t i = 0; i < ka.val; i++) {
            tess_span ia, ib;
            if (tess_cbor_take(&ca, &ia) != TESS_OK || tess_cbor_take(&cb, &ib) != TESS_OK ||
                !value_equal(r, ia, ib))
                return false;
        }
        return true;
    default: /* maps: the same pairs, in any order (keys are unique) */
        if (ka.val != kb.val)
            return false;
        for (uint64_t i = 0; i < ka.val; i++) {
            tess_span key, val;
            if (tess_cbor_take(&ca, &key) != TESS_OK || tess_cbor_take(&ca, &val) != TESS_OK ||
                !pair_in(r, key, val, cb, kb.val))
                return false;
        }
        return true;
    }
}

static tess_status check_item(tess_cbor *c, check_rules *r, unsigned depth);

static tess_status check_map(tess_cbor *c, check_rules *r, unsigned depth,
                             uint64_t n)
{
    /* Small integer keys, the usual case, are checked for repeats with a
     * bitmap; other keys against every earlier key of the map. */
    uint8_t seen[64];
    memset(seen, 0, sizeof seen);
    const uint8_t *first = c->p;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *key_start = c->p;
        tess_status st = check_item(c, r, depth);
        if (st != TESS_OK)
            return st;
        tess_span key = {key_start, (size_t)(c->p - key_start)};
        tess_cbor kc = tess_cbor_at(key);
        tess_cbor_item k;
        if (tess_cbor_read(&kc, &k) != TESS_OK)
            return TESS_ERR_CBOR_MALFORMED;
        unsigned bit;
        if (key_is_small_int(&k, &bit)) {
            if (seen[bit / 8] & (1u << (bit % 8)))
                return TESS_ERR_CBOR_DUP_KEY;
            seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
        } else {
            tess_cbor walk = {first, key_start};
            for (uint64_t j = 0; j < i; j++) {
                tess_span prev;
                if (tess_cbor_take(&walk, &prev) != TESS_OK || tess_cbor_skip(&walk) != TESS_OK)
                    return TESS_ERR_CBOR_MALFORMED;
                if (value_equal(r, prev, key))
                    return TESS_ERR_CBOR_DUP_KEY;
                if (r->budget == 0)
                    return TESS_ERR_CBOR_TOO_COMPLEX;
            }
        }
        if ((st = check_item(c, r, depth)) != TESS_OK)
            return st;
    }
    return TESS_OK;
}

static tess_status check_item(tess_cbor *c, check_rules *r, unsigned depth)
{
    tess_cbor_item it;
    tess_status st = tess_cbor_read(c, &it);
    if (st != TESS_OK)
        return st;
    switch (it.major) {
    case TESS_CBOR_BSTR:
    case TESS_CBOR_TSTR:
        if (r->max_string && it.str.len > r->max_string && it.head != r->exempt)
            return TESS_ERR_CBOR_STRING_LIMIT;
        if (it.major == TESS_CBOR_TSTR && !tess_utf8_valid(it.str.ptr, it.str.len))
            return TESS_ERR_CBOR_UTF8;
        return TESS_OK;
    case TESS_CBOR_ARRAY:
    case TESS_CBOR_MAP:
    case TESS_CBOR_TAG:
        if (depth + 1 > r->max_depth)
            return TESS_ERR_CBOR_DEPTH;
        if (it.major == TESS_CBOR_MAP)
            return check_map(c, r, depth + 1, it.val);
        if (it.major == TESS_CBOR_TAG)
            return check_item(c, r, depth + 1);
        for (uint64_t i = 0; i < it.val; i++)
            if ((st = check_item(c, r, depth + 1)) != TESS_OK)
                return st;
        return TESS_OK;
    default:
        return TESS_OK;
    }
}

tess_status tess_cbor_check(tess_span item, const tess_cbor_rules *rules)
{
    check_rules r = {TESS_MAX_DEPTH, 0, NULL, 0};
    r.budget = item.len * TESS_KEY_WORK_PER_BYTE + 4096;
    if (rules) {
        if (rules->max_depth)
            r.max_depth = rules->max_depth;
        r.max_string = rules->max_string;
        r.exempt = rules->exempt;
    }
    tess_cbor c = tess_cbor_at(item);
    tess_status st = check_item(&c, &r, 0);
    if (st != TESS_OK)
        return st;
    return c.p == c.end ? TESS_OK : TESS_ERR_CBOR_TRAILING;
}

size_t tess_cbor_put_head(uint8_t *out, size_t cap, uint8_t major, uint64_t val)
{
    uint8_t m = (uint8_t)(major << 5);
    size_t n;
    uint8_t ai;
    if (val < 24) {
        n = 0; ai = (uint8_t)val;
    } else if (val <= 0xFF) {
        n = 1; ai = 24;
    } else if (val <= 0xFFFF) {
        n = 2; ai = 25;
    } else if (val <= 0xFFFFFFFFu) {
        n = 4; ai = 26;
    } else {
        n = 8; ai = 27;
    }
    if (cap < n + 1)
        return 0;
    out[0] = (uint8_t)(m | ai);
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(val >> (8 * (n - 1 - i)));
    return n + 1;
}
