/* tessera inspect: every layer of a credential, decoded, trusting nothing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "tessera/tess_b45.h"
#include "tessera/tess_cbor.h"
#include "tessera/tess_cose.h"
#include "tessera/tess_cred.h"
#include "tessera/tess_inflate.h"

#define MAX_JSON_DEPTH 24

static double half_to_double(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
}

static void json_float(json *j, const tess_cbor_item *it)
{
    double d;
    if (it->info == 25) {
        d = half_to_double((uint16_t)it->val);
    } else if (it->info == 26) {
        uint32_t bits = (uint32_t)it->val;
        float f;
        memcpy(&f, &bits, sizeof f);
        d = f;
    } else {
        uint64_t bits = it->val;
        memcpy(&d, &bits, sizeof d);
    }
    if (isnan(d) || isinf(d)) {
        json_str(j, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    json_raw(j, buf);
}

/* One item as JSON. Returns false (after writing an error marker) when
 * the bytes stop making sense. */
static bool item_json(json *j, tess_cbor *c, int depth)
{
    tess_cbor_item it;
    tess_status st = tess_cbor_read(c, &it);
    if (st != TESS_OK || depth > MAX_JSON_DEPTH) {
        json_obj(j);
        json_key(j, "error");
        json_str(j, st != TESS_OK ? tess_reason(st) : "too deep to show");
        json_end_obj(j);
        return false;
    }
    int64_t iv;
    switch (it.major) {
    case TESS_CBOR_UINT:
        json_u64(j, it.val);
        return true;
    case TESS_CBOR_NEGINT:
        if (tess_cbor_int_value(&it, &iv))
            json_i64(j, iv);
        else
            json_str(j, "(negative integer below -2^63)");
        return true;
    case TESS_CBOR_BSTR:
        json_obj(j);
        json_key(j, "bstr");
        json_hex(j, it.str.ptr, it.str.len);
        json_end_obj(j);
        return true;
    case TESS_CBOR_TSTR:
        if (tess_utf8_valid(it.str.ptr, it.str.len)) {
            json_span(j, it.str);
        } else {
            json_obj(j);
            json_key(j, "invalid_utf8");
            json_hex(j, it.str.ptr, it.str.len);
            json_end_obj(j);
        }
        return true;
    case TESS_CBOR_ARRAY: {
        json_arr(j);
        bool ok = true;
        for (uint64_t i = 0; i < it.val && ok; i++)
            ok = item_json(j, c, depth + 1);
        json_end_arr(j);
        return ok;
    }
    case TESS_CBOR_MAP: {
        /* Keys become strings: "1", "-65537", the text itself, or the hex
         * of anything else. */
        json_obj(j);
        bool ok = true;
        for (uint64_t i = 0; i < it.val && ok; i++) {
            tess_cbor_item k;
            tess_cbor at = *c;
            tess_span key_bytes;
            if (tess_cbor_read(&at, &k) != TESS_OK || tess_cbor_take(c, &key_bytes) != TESS_OK) {
                json_key(j, "error");
                json_str(j, "broken key");
                ok = false;
                break;
            }
            char name[64];
            if (tess_cbor_int_value(&k, &iv)) {
                snprintf(name, sizeof name, "%lld", (long long)iv);
                json_key(j, name);
            } else if (k.major == TESS_CBOR_TSTR) {
                json_key_span(j, k.str);
            } else {
                char hex[2 * 64 + 1];
                size_t n = key_bytes.len < 64 ? key_bytes.len : 64;
                to_hex(key_bytes.ptr, n, hex);
                json_key(j, hex);
            }
            ok = item_json(j, c, depth + 1);
        }
        json_end_obj(j);
        return ok;
    }
    case TESS_CBOR_TAG:
        json_obj(j);
        json_key(j, "tag");
        json_u64(j, it.val);
        json_key(j, "value");
        {
            bool ok = item_json(j, c, depth + 1);
            json_end_obj(j);
            return ok;
        }
    default:
        if (it.info >= 25 && it.info <= 27)
            json_float(j, &it);
        else if (it.val == 20 || it.val == 21)
            json_bool(j, it.val == 21);
        else if (it.val == 22)
            json_null(j);
        else {
            char name[32];
            snprintf(name, sizeof name, it.val == 23 ? "undefined" : "simple(%llu)",
                     (unsigned long long)it.val);
            json_str(j, name);
        }
        return true;
    }
}

static void cbor_json(json *j, tess_span s)
{
    tess_cbor c = tess_cbor_at(s);
    item_json(j, &c, 0);
}

static void strict_result(json *j, const char *key, tess_status st)
{
    json_key(j, key);
    json_str(j, st == TESS_OK ? "ok" : tess_reason(st));
}

/* The layers; returns whether all of them decoded. */
static bool inspect(json *j, const char *text, size_t len)
{
    bool ok = false;
    json_obj(j);
    json_key(j, "input");
    json_obj(j);
    json_key(j, "length");
    json_u64(j, len);
    while (len && strchr(" \t\r\n", text[0])) {
        text++;
        len--;
    }
    while (len && strchr(" \t\r\n", text[len - 1]))
        len--;
    bool prefixed = len >= 4 && (memcmp(text, "MC1:", 4) == 0 || memcmp(text, "mc1:", 4) == 0);
    json_key(j, "prefix");
    if (prefixed)
        json_strn(j, (const uint8_t *)text, 4);
    else
        json_null(j);
    json_end_obj(j);
    if (!prefixed)
        goto out;

    static uint8_t z[TESS_MAX_TEXT], c_buf[TESS_MAX_C];
    static tess_inflate_arena arena;
    size_t z_len = 0;
    tess_status st = TESS_ERR_TOO_LARGE;
    if (len - 4 <= TESS_MAX_TEXT)
        st = tess_b45_decode(text + 4, len - 4, z, sizeof z, &z_len);
    json_key(j, "base45");
    json_obj(j);
    strict_result(j, "result", st);
    json_key(j, "bytes");
    json_u64(j, z_len);
    json_end_obj(j);
    if (st != TESS_OK)
        goto out;

    tess_span c = {z, z_len};
    json_key(j, "zlib");
    json_obj(j);
    json_key(j, "compressed");
    json_bool(j, z_len > 0 && z[0] == 0x78);
    if (z_len > 0 && z[0] == 0x78) {
        size_t c_len = 0;
        st = tess_inflate(&arena, z, z_len, c_buf, sizeof c_buf, &c_len);
        strict_result(j, "result", st);
        json_key(j, "inflated");
        json_u64(j, c_len);
        c.ptr = c_buf;
        c.len = c_len;
    }
    json_end_obj(j);
    if (st != TESS_OK)
        goto out;

    json_key(j, "cose");
    json_obj(j);
    json_key(j, "bytes");
    json_u64(j, c.len);
    strict_result(j, "strict_cbor", tess_cbor_check(c, NULL));
    json_key(j, "diagnostic");
    cbor_json(j, c);
    tess_cose_sign1 m;
    st = tess_cose_sign1_parse(c, TESS_MAX_STRING, &m);
    strict_result(j, "result", st);
    if (st == TESS_OK) {
        json_key(j, "tagged");
        json_bool(j, m.tagged);
        json_key(j, "protected");
        if (m.protected_hdr.len)
            cbor_json(j, m.protected_hdr);
        else
            json_null(j);
        json_key(j, "alg");
        if (m.hdr.alg_state == TESS_ALG_INT)
            json_i64(j, m.hdr.alg);
        else
            json_null(j);
        json_key(j, "alg_ok");
        json_bool(j, tess_cose_alg_ok(&m.hdr));
        json_key(j, "kid");
        if (m.hdr.kid_state == TESS_KID_BSTR)
            json_hex(j, m.hdr.kid.ptr, m.hdr.kid.len);
        else
            json_null(j);
        json_key(j, "unprotected");
        cbor_json(j, m.unprotected);
        json_key(j, "payload_bytes");
        json_u64(j, m.payload.len);
        json_key(j, "signature");
        json_hex(j, m.signature.ptr, m.signature.len);
        json_key(j, "signature_checked");
        json_bool(j, false);
    }
    json_end_obj(j);
    if (st != TESS_OK)
        goto out;

    json_key(j, "claims");
    json_obj(j);
    tess_status strict;
    strict_result(j, "limits", tess_claims_limits(m.payload, &strict));
    strict_result(j, "strict_cbor", strict);
    json_key(j, "map");
    cbor_json(j, m.payload);
    static tess_credential cred;
    st = tess_claims_parse(m.payload, &cred);
    strict_result(j, "result", st);
    if (st == TESS_OK) {
        json_key(j, "credential");
        json_credential(j, &cred);
        ok = true;
    }
    json_end_obj(j);
out:
    json_key(j, "decoded");
    json_bool(j, ok);
    json_end_obj(j);
    json_done(j);
    return ok;
}

int cmd_inspect(args *a)
{
    const char *text = NULL;
    while (a->i < a->argc) {
        const char *s = a->argv[a->i++];
        if (s[0] == '-' && s[1] == '-')
            return usage_error(a, "unknown option '%s'", s);
        if (text)
            return usage_error(a, "give one credential text (or -), not '%s' too", s);
        text = s;
    }
    if (!text)
        return usage_error(a, "give the credential text, or - to read it from standard input");
    uint8_t *input = NULL;
    size_t len = strlen(text);
    if (strcmp(text, "-") == 0) {
        if (!(input = read_file("-", 64u * 1024u, &len)))
            return EXIT_USAGE;
        text = (const char *)input;
    }
    json j;
    json_init(&j, stdout);
    bool ok = inspect(&j, text, len);
    free(input);
    return ok ? EXIT_VALID : EXIT_INVALID;
}
