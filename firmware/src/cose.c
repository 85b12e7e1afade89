/* COSE_Sign1 and COSE_Sign, parsed in place. */
#include "tessera/tess_cose.h"

#include <string.h>

#include "tessera/tess_cbor.h"
#include "tessera/tess_crypto.h"

static const char sig1_context[] = "Signature1";
static const char sign_context[] = "Signature";

bool tess_cose_alg_ok(const tess_cose_hdr *h)
{
    return h->alg_state == TESS_ALG_INT &&
           (h->alg == TESS_COSE_ALG_EDDSA || h->alg == TESS_COSE_ALG_ED25519);
}

static tess_status cbor_to_cose(tess_status st)
{
    if (st == TESS_OK)
        return TESS_OK;
    return st == TESS_ERR_CBOR_STRING_LIMIT ? TESS_ERR_TOO_LARGE : TESS_ERR_BAD_COSE;
}

/* A protected header: empty, or one strict map. */
static tess_status parse_hdr(tess_span prot, size_t max_string, tess_cose_hdr *h)
{
    memset(h, 0, sizeof *h);
    if (prot.len == 0)
        return TESS_OK;
    tess_cbor_rules rules = {0, max_string, NULL};
    tess_status st = tess_cbor_check(prot, &rules);
    if (st != TESS_OK)
        return cbor_to_cose(st);
    tess_cbor c = tess_cbor_at(prot);
    tess_cbor_item m;
    if (tess_cbor_read(&c, &m) != TESS_OK || m.major != TESS_CBOR_MAP)
        return TESS_ERR_BAD_COSE;
    tess_cbor v;
    bool found;
    tess_cbor_item it;
    if (tess_cbor_map_find(&c, m.val, 2, &v, &found) != TESS_OK || found)
        return TESS_ERR_BAD_COSE;
    if (tess_cbor_map_find(&c, m.val, 1, &v, &found) != TESS_OK)
        return TESS_ERR_BAD_COSE;
    if (found) {
        h->alg_state = TESS_ALG_OTHER;
        if (tess_cbor_read(&v, &it) == TESS_OK && it.major <= TESS_CBOR_NEGINT &&
            tess_cbor_int_value(&it, &h->alg))
            h->alg_state = TESS_ALG_INT;
    }
    if (tess_cbor_map_find(&c, m.val, 4, &v, &found) != TESS_OK)
        return TESS_ERR_BAD_COSE;
    if (found) {
        h->kid_state = TESS_KID_OTHER;
        if (tess_cbor_read(&v, &it) == TESS_OK && it.major == TESS_CBOR_BSTR) {
            h->kid_state = TESS_KID_BSTR;
            h->kid = it.str;
        }
    }
    return TESS_OK;
}

/* Reads the optional tag and the array head of a COSE message. */
static tess_status open_array(tess_cbor *c, uint64_t want_tag, bool require_tag,
                              uint64_t want_items, bool *tagged)
{
    tess_cbor_item it;
    if (tess_cbor_read(c, &it) != TESS_OK)
        return TESS_ERR_BAD_COSE;
    *tagged = false;
    if (it.major == TESS_CBOR_TAG) {
        /* Any other tag names another COSE structure (or none): reading a
         * COSE_Mac0 or a nested tag as a signature would be a confusion. */
        if (it.val != want_tag)
            return TESS_ERR_BAD_COSE;
        *tagged = true;
        if (tess_cbor_read(c, &it) != TESS_OK)
            return TESS_ERR_BAD_COSE;
    } else if (require_tag) {
        return TESS_ERR_BAD_COSE;
    }
    if (it.major != TESS_CBOR_ARRAY || it.val != want_items)
        return TESS_ERR_BAD_COSE;
    return TESS_OK;
}

static bool read_major(tess_cbor *c, uint8_t major, tess_cbor_item *it)
{
    return tess_cbor_read(c, it) == TESS_OK && it->major == major;
}

static bool take_map(tess_cbor *c, tess_span *out)
{
    tess_cbor peek = *c;
    tess_cbor_item it;
    if (!read_major(&peek, TESS_CBOR_MAP, &it))
        return false;
    return tess_cbor_take(c, out) == TESS_OK;
}

tess_status tess_cose_sign1_parse(tess_span msg, size_t max_string, tess_cose_sign1 *out)
{
    memset(out, 0, sizeof *out);
    tess_cose_sign1 m;
    memset(&m, 0, sizeof m);

    /* Find the payload's head first, so that the size limit on strings
     * spares the one string that is the whole credential. */
    const uint8_t *payload_head = NULL;
    tess_cbor c = tess_cbor_at(msg);
    bool tagged;
    if (open_array(&c, TESS_COSE_TAG_SIGN1, false, 4, &tagged) == TESS_OK) {
        tess_cbor probe = c;
        /* Two calls: the protected header, then the unprotected one. */
        /* NOLINTNEXTLINE(misc-redundant-expression) */
        if (tess_cbor_skip(&probe) == TESS_OK && tess_cbor_skip(&probe) == TESS_OK)
            payload_head = probe.p;
    }
    tess_cbor_rules rules = {0, max_string, payload_head};
    tess_status st = tess_cbor_check(msg, &rules);
    if (st != TESS_OK)
        return cbor_to_cose(st);

    c = tess_cbor_at(msg);
    if ((st = open_array(&c, TESS_COSE_TAG_SIGN1, false, 4, &m.tagged)) != TESS_OK)
        return st;
    tess_cbor_item it;
    if (!read_major(&c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    m.protected_hdr = it.str;
    if (!take_map(&c, &m.unprotected))
        return TESS_ERR_BAD_COSE;
    /* A nil payload is a detached one: there is nothing here to trust. */
    if (!read_major(&c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    m.payload = it.str;
    m.payload_head = it.head;
    if (!read_major(&c, TESS_CBOR_BSTR, &it) || it.str.len != TESS_SIG_LEN)
        return TESS_ERR_BAD_COSE;
    m.signature = it.str;
    if ((st = parse_hdr(m.protected_hdr, max_string, &m.hdr)) != TESS_OK)
        return st;
    *out = m;
    return TESS_OK;
}

/* Appends a head, then optionally bytes. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;
} tbs_writer;

static void put(tbs_writer *w, uint8_t major, uint64_t val, const uint8_t *bytes)
{
    if (w->overflow)
        return;
    size_t n = tess_cbor_put_head(w->buf + w->len, w->cap - w->len, major, val);
    if (n == 0) {
        w->overflow = true;
        return;
    }
    w->len += n;
    if (bytes) {
        if (val > w->cap - w->len) {
            w->overflow = true;
            return;
        }
        if (val)
            memcpy(w->buf + w->len, bytes, (size_t)val);
        w->len += (size_t)val;
    }
}

tess_status tess_cose_sign1_tbs(const tess_cose_sign1 *m, tess_span aad,
                                uint8_t *buf, size_t cap, size_t *len)
{
    tbs_writer w = {buf, cap, 0, false};
    static const uint8_t none[1] = {0};
    put(&w, TESS_CBOR_ARRAY, 4, NULL);
    put(&w, TESS_CBOR_TSTR, sizeof sig1_context - 1, (const uint8_t *)sig1_context);
    put(&w, TESS_CBOR_BSTR, m->protected_hdr.len, m->protected_hdr.len ? m->protected_hdr.ptr : none);
    put(&w, TESS_CBOR_BSTR, aad.len, aad.len ? aad.ptr : none);
    put(&w, TESS_CBOR_BSTR, m->payload.len, m->payload.len ? m->payload.ptr : none);
    *len = w.overflow ? 0 : w.len;
    return w.overflow ? TESS_ERR_BUFFER : TESS_OK;
}

tess_status tess_cose_sign1_verify(const tess_cose_sign1 *m, const uint8_t pk[32],
                                   uint8_t *buf, size_t cap)
{
    size_t len;
    tess_span none = {NULL, 0};
    tess_status st = tess_cose_sign1_tbs(m, none, buf, cap, &len);
    if (st != TESS_OK)
        return st;
    if (m->signature.len != TESS_SIG_LEN)
        return TESS_ERR_BAD_SIGNATURE;
    return tess_ed25519_verify(m->signature.ptr, buf, len, pk);
}

static tess_status parse_signer(tess_cbor *c, tess_cose_signer *s)
{
    memset(s, 0, sizeof *s);
    tess_cbor_item it;
    if (!read_major(c, TESS_CBOR_ARRAY, &it) || it.val != 3)
        return TESS_ERR_BAD_COSE;
    if (!read_major(c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    s->protected_hdr = it.str;
    if (!take_map(c, &s->unprotected))
        return TESS_ERR_BAD_COSE;
    if (!read_major(c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    s->signature = it.str;
    return parse_hdr(s->protected_hdr, 0, &s->hdr);
}

tess_status tess_cose_sign_parse(tess_span msg, bool require_tag, tess_cose_sign *out)
{
    memset(out, 0, sizeof *out);
    tess_status st = tess_cbor_check(msg, NULL);
    if (st != TESS_OK)
        return cbor_to_cose(st);
    tess_cose_sign m;
    memset(&m, 0, sizeof m);
    tess_cbor c = tess_cbor_at(msg);
    bool tagged;
    if ((st = open_array(&c, TESS_COSE_TAG_SIGN, require_tag, 4, &tagged)) != TESS_OK)
        return st;
    tess_cbor_item it;
    if (!read_major(&c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    m.protected_hdr = it.str;
    if (!take_map(&c, &m.unprotected))
        return TESS_ERR_BAD_COSE;
    if (!read_major(&c, TESS_CBOR_BSTR, &it))
        return TESS_ERR_BAD_COSE;
    m.payload = it.str;
    if (!read_major(&c, TESS_CBOR_ARRAY, &it) || it.val == 0)
        return TESS_ERR_BAD_COSE;
    m.n_signers = (size_t)it.val;
    m.signers.ptr = c.p;
    for (size_t i = 0; i < m.n_signers; i++) {
        tess_cose_signer s;
        if ((st = parse_signer(&c, &s)) != TESS_OK)
            return st;
    }
    m.signers.len = (size_t)(c.p - m.signers.ptr);
    tess_cose_hdr body;
    if ((st = parse_hdr(m.protected_hdr, 0, &body)) != TESS_OK)
        return st;
    *out = m;
    return TESS_OK;
}

tess_status tess_cose_sign_signer(const tess_cose_sign *m, size_t i, tess_cose_signer *out)
{
    memset(out, 0, sizeof *out);
    if (i >= m->n_signers)
        return TESS_ERR_ARG;
    tess_cbor c = tess_cbor_at(m->signers);
    for (size_t k = 0; k < i; k++)
        if (tess_cbor_skip(&c) != TESS_OK)
            return TESS_ERR_BAD_COSE;
    return parse_signer(&c, out);
}

tess_status tess_cose_sign_verify(const tess_cose_sign *m, const tess_cose_signer *s,
                                  const uint8_t pk[32], uint8_t *buf, size_t cap)
{
    tbs_writer w = {buf, cap, 0, false};
    static const uint8_t none[1] = {0};
    put(&w, TESS_CBOR_ARRAY, 5, NULL);
    put(&w, TESS_CBOR_TSTR, sizeof sign_context - 1, (const uint8_t *)sign_context);
    put(&w, TESS_CBOR_BSTR, m->protected_hdr.len, m->protected_hdr.len ? m->protected_hdr.ptr : none);
    put(&w, TESS_CBOR_BSTR, s->protected_hdr.len, s->protected_hdr.len ? s->protected_hdr.ptr : none);
    put(&w, TESS_CBOR_BSTR, 0, none);
    put(&w, TESS_CBOR_BSTR, m->payload.len, m->payload.len ? m->payload.ptr : none);
    if (w.overflow)
        return TESS_ERR_BUFFER;
    if (s->signature.len != TESS_SIG_LEN)
        return TESS_ERR_BAD_SIGNATURE;
    return tess_ed25519_verify(s->signature.ptr, buf, w.len, pk);
}
