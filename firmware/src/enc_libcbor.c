/* The libcbor seam: heads written by libcbor's buffer encoders, which pick
 * the shortest form for every argument. */
#include <cbor.h>
#include <string.h>

#include "tessera/tess_issue.h"

void tess_enc_init(tess_enc *e, uint8_t *buf, size_t cap)
{
    e->buf = buf;
    e->cap = cap;
    e->len = 0;
    e->overflow = false;
}

static void advance(tess_enc *e, size_t n)
{
    if (n == 0)
        e->overflow = true;
    else
        e->len += n;
}

#define ENC_HEAD(call)                                                   \
    do {                                                                 \
        if (!e->overflow)                                                \
            advance(e, call(v, e->buf + e->len, e->cap - e->len));      \
    } while (0)

void tess_enc_uint(tess_enc *e, uint64_t v) { ENC_HEAD(cbor_encode_uint); }
void tess_enc_array(tess_enc *e, size_t v) { ENC_HEAD(cbor_encode_array_start); }
void tess_enc_map(tess_enc *e, size_t v) { ENC_HEAD(cbor_encode_map_start); }
void tess_enc_tag(tess_enc *e, uint64_t v) { ENC_HEAD(cbor_encode_tag); }

void tess_enc_int(tess_enc *e, int64_t v)
{
    if (v >= 0)
        tess_enc_uint(e, (uint64_t)v);
    else if (!e->overflow)
        advance(e, cbor_encode_negint((uint64_t)(-1 - v), e->buf + e->len, e->cap - e->len));
}

void tess_enc_raw(tess_enc *e, const uint8_t *p, size_t n)
{
    if (e->overflow)
        return;
    if (n > e->cap - e->len) {
        e->overflow = true;
        return;
    }
    if (n)
        memcpy(e->buf + e->len, p, n);
    e->len += n;
}

void tess_enc_bstr(tess_enc *e, const uint8_t *p, size_t v)
{
    ENC_HEAD(cbor_encode_bytestring_start);
    tess_enc_raw(e, p, v);
}

void tess_enc_tstr(tess_enc *e, const char *p, size_t v)
{
    ENC_HEAD(cbor_encode_string_start);
    tess_enc_raw(e, (const uint8_t *)p, v);
}

void tess_enc_text(tess_enc *e, const char *s)
{
    tess_enc_tstr(e, s, strlen(s));
}
