/*
 * test_verify.c: one case (at least) for every reason of FORMAT.md, each
 * limit and time edge at N-1, N and N+1, and the order of the checks.
 * Each case is a text made here and the exact reason expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "testkit.h"
#include "tessera/tess_b45.h"

/* ---- a claims map as a list of fields, so each case changes one ---- */

typedef enum { F_UINT, F_NINT, F_TSTR, F_BSTR, F_RAW, F_MC, F_LIST, F_NONE } fkind;

typedef struct {
    int64_t key;
    fkind kind;
    uint64_t u;
    const char *s;      /* TSTR, LIST items joined by '|' */
    size_t n;           /* BSTR/RAW/TSTR length (0: strlen) */
    const uint8_t *b;
} field;

typedef struct {
    field claims[24];
    size_t n_claims;
    field mc[40];
    size_t n_mc;
    const uint8_t *raw_key;   /* if set, a raw-encoded extra key (non-shortest) */
} spec;

static const uint8_t cti_default[16] = {0x5e, 0x11, 0x0c, 0x42, 0x9a, 0x01, 0x77, 0x3b,
                                        0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};

static void add(field *f, size_t *n, field v)
{
    f[(*n)++] = v;
}

static field fu(int64_t k, uint64_t u) { field f = {k, F_UINT, u, NULL, 0, NULL}; return f; }
static field ft(int64_t k, const char *s) { field f = {k, F_TSTR, 0, s, 0, NULL}; return f; }
static field fb(int64_t k, const uint8_t *b, size_t n) { field f = {k, F_BSTR, 0, NULL, n, b}; return f; }
static field fr(int64_t k, const uint8_t *b, size_t n) { field f = {k, F_RAW, 0, NULL, n, b}; return f; }
static field fl(int64_t k, const char *items) { field f = {k, F_LIST, 0, items, 0, NULL}; return f; }

static void spec_default(spec *s)
{
    memset(s, 0, sizeof *s);
    add(s->claims, &s->n_claims, ft(1, TK_ISS));
    add(s->claims, &s->n_claims, fu(4, TK_NOW + 86400));
    add(s->claims, &s->n_claims, fu(6, TK_NOW - 86400));
    add(s->claims, &s->n_claims, fb(7, cti_default, 16));
    field mc = {TESS_CLAIM_MC, F_MC, 0, NULL, 0, NULL};
    add(s->claims, &s->n_claims, mc);
    add(s->mc, &s->n_mc, fu(1, 1));
    add(s->mc, &s->n_mc, ft(2, "Maria Garcia"));
    add(s->mc, &s->n_mc, ft(3, "Forklift Safety, Level 1"));
    add(s->mc, &s->n_mc, ft(4, "FORK-L1"));
    add(s->mc, &s->n_mc, ft(6, "Example Academy"));
    add(s->mc, &s->n_mc, fl(8, "esco:a|esco:b|esco:c"));
    add(s->mc, &s->n_mc, fu(9, 4));
}

static field *find(field *f, size_t n, int64_t key)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].key == key)
            return &f[i];
    return NULL;
}

/* Sets or replaces a claim (mc == false) or an mc field. */
static void put(spec *s, bool mc, field v)
{
    field *arr = mc ? s->mc : s->claims;
    size_t *n = mc ? &s->n_mc : &s->n_claims;
    field *old = find(arr, *n, v.key);
    if (old)
        *old = v;
    else
        add(arr, n, v);
}

static void drop(spec *s, bool mc, int64_t key)
{
    field *old = find(mc ? s->mc : s->claims, mc ? s->n_mc : s->n_claims, key);
    assert_non_null(old);
    old->kind = F_NONE;
}

static size_t live(const field *f, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += f[i].kind != F_NONE;
    return k;
}

static void enc_fields(tess_enc *e, const spec *s, const field *f, size_t n)
{
    tess_enc_map(e, live(f, n));
    for (size_t i = 0; i < n; i++) {
        const field *x = &f[i];
        if (x->kind == F_NONE)
            continue;
        tess_enc_int(e, x->key);
        switch (x->kind) {
        case F_UINT: tess_enc_uint(e, x->u); break;
        case F_NINT: tess_enc_int(e, -(int64_t)x->u); break;
        case F_TSTR: tess_enc_tstr(e, x->s, x->n ? x->n : strlen(x->s)); break;
        case F_BSTR: tess_enc_bstr(e, x->b, x->n); break;
        case F_RAW: tess_enc_raw(e, x->b, x->n); break;
        case F_MC: enc_fields(e, s, s->mc, s->n_mc); break;
        case F_LIST: {
            size_t count = 0;
            const char *p = x->s;
            if (*p) {
                count = 1;
                for (const char *q = p; *q; q++)
                    count += *q == '|';
            }
            tess_enc_array(e, count);
            while (count--) {
                size_t len = strcspn(p, "|");
                tess_enc_tstr(e, p, len);
                p += len + (p[len] == '|');
            }
            break;
        }
        default: break;
        }
    }
}

static size_t payload_of(const spec *s, uint8_t *out, size_t cap)
{
    tess_enc e;
    tess_enc_init(&e, out, cap);
    enc_fields(&e, s, s->claims, s->n_claims);
    assert_false(e.overflow);
    return e.len;
}

/* ---- texts ---- */

static tk_world *W;
static char text[8192];

static size_t prot_of(const tk_key *k, uint8_t *out)
{
    size_t n;
    assert_int_equal(tess_cose_protected(k->pk, out, 64, &n), TESS_OK);
    return n;
}

/* The spec signed by the issuer, compressed when shorter. */
static void sign_spec(const spec *s, tess_zlib_mode mode)
{
    uint8_t payload[8192], prot[64];
    size_t plen = payload_of(s, payload, sizeof payload);
    size_t prot_len = prot_of(&W->issuer, prot);
    tk_sign_raw(prot, prot_len, payload, plen, &W->issuer, mode, text);
}

static tess_status verify_at(uint64_t now)
{
    return tk_verify(W, text, now);
}

static tess_status verify_text(const char *t)
{
    return tk_verify(W, t, TK_NOW);
}

static tess_status spec_verdict(const spec *s)
{
    sign_spec(s, TESS_ZLIB_AUTO);
    return verify_at(TK_NOW);
}

/* A COSE_Sign1 written by hand: tag (0: none), then the items as raw
 * encoded bytes. */
static tess_status cose_by_hand(uint64_t tag, const uint8_t *items, size_t n_items_bytes,
                                size_t n_items, const uint8_t *trailing, size_t n_trailing)
{
    uint8_t c[8192];
    tess_enc e;
    tess_enc_init(&e, c, sizeof c);
    if (tag)
        tess_enc_tag(&e, tag);
    tess_enc_array(&e, n_items);
    tess_enc_raw(&e, items, n_items_bytes);
    tess_enc_raw(&e, trailing, n_trailing);
    assert_false(e.overflow);
    tk_text_of(c, e.len, TESS_ZLIB_NEVER, text);
    return verify_at(TK_NOW);
}

/* The four items of a properly signed message, for hand-made variants. */
typedef struct {
    uint8_t prot[64];
    size_t prot_len;
    uint8_t payload[8192];
    size_t payload_len;
    uint8_t sig[64];
} parts;

static void parts_signed(parts *p, const uint8_t *prot, size_t prot_len)
{
    spec s;
    spec_default(&s);
    p->payload_len = payload_of(&s, p->payload, sizeof p->payload);
    memcpy(p->prot, prot, prot_len);
    p->prot_len = prot_len;
    uint8_t c[8192];
    size_t c_len;
    assert_int_equal(tess_cose_sign1_build(prot, prot_len, p->payload, p->payload_len,
                                           W->issuer.sk, c, sizeof c, &c_len),
                     TESS_OK);
    memcpy(p->sig, c + c_len - 64, 64);
}

/* Items: protected, unprotected (raw), payload, signature (length). */
static size_t items_of(const parts *p, const uint8_t *unprot, size_t unprot_len, size_t sig_len,
                       uint8_t *out)
{
    tess_enc e;
    tess_enc_init(&e, out, 8192);
    tess_enc_bstr(&e, p->prot, p->prot_len);
    tess_enc_raw(&e, unprot, unprot_len);
    tess_enc_bstr(&e, p->payload, p->payload_len);
    tess_enc_bstr(&e, p->sig, sig_len);
    return e.len;
}

static const uint8_t empty_map[] = {0xA0};

/* ---- the cases ---- */

static void valid_default(void **st)
{
    (void)st;
    tess_credential cr;
    tk_default_cred(&cr);
    tk_issue(&cr, &W->issuer, text);
    assert_int_equal(verify_at(TK_NOW), TESS_OK);
    assert_true(W->verdict.has_cred);
    assert_int_equal(W->verdict.cred.n_skills, 3);
    assert_memory_equal(W->verdict.cred.holder.ptr, "Maria Garcia", 12);
    assert_int_equal(W->verdict.warnings, 0);
    spec s;
    spec_default(&s);
    assert_int_equal(spec_verdict(&s), TESS_OK);
    sign_spec(&s, TESS_ZLIB_NEVER);
    assert_int_equal(verify_at(TK_NOW), TESS_OK);
    assert_false(W->verdict.compressed);
    sign_spec(&s, TESS_ZLIB_ALWAYS);
    assert_int_equal(verify_at(TK_NOW), TESS_OK);
    assert_true(W->verdict.compressed);
}

static void transport_prefix(void **st)
{
    (void)st;
    spec s;
    spec_default(&s);
    sign_spec(&s, TESS_ZLIB_AUTO);
    static char buf[sizeof text + 16];
    /* scanners add CR/LF, spaces, tabs; a lowercase prefix is accepted */
    snprintf(buf, sizeof buf, "  \t%s\r\n", text);
    assert_int_equal(verify_text(buf), TESS_OK);
    snprintf(buf, sizeof buf, "mc1:%s", text + 4);
    assert_int_equal(verify_text(buf), TESS_OK);
    const struct {
        const char *prefix;
        tess_status want;
    } cases[] = {
        {"HC1:", TESS_ERR_NOT_MC1}, {"MC2:", TESS_ERR_NOT_MC1}, {"MC1;", TESS_ERR_NOT_MC1},
        {"Mc1:", TESS_ERR_NOT_MC1}, {"MC1 :", TESS_ERR_NOT_MC1}, {"", TESS_ERR_NOT_MC1},
        {"xMC1:", TESS_ERR_NOT_MC1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", cases[i].prefix, text + 4);
        assert_int_equal(verify_text(buf), cases[i].want);
    }
    assert_int_equal(verify_text(""), TESS_ERR_NOT_MC1);
    assert_int_equal(verify_text("MC1"), TESS_ERR_NOT_MC1);
    assert_int_equal(verify_text("\r\n"), TESS_ERR_NOT_MC1);
    /* "MC1:" alone: empty Z, empty C */
    assert_int_equal(verify_text("MC1:"), TESS_ERR_BAD_COSE);
}

static void transport_base45(void **st)
{
    (void)st;
    spec s;
    spec_default(&s);
    sign_spec(&s, TESS_ZLIB_AUTO);
    static char buf[sizeof text + 16];
    size_t n = strlen(text);
    /* lowercase body, a character outside the alphabet, a length that
     * leaves one character, a triple above 65535, a pair above 255 */
    snprintf(buf, sizeof buf, "%s", text);
    buf[10] = (char)(buf[10] >= 'A' && buf[10] <= 'Z' ? buf[10] + 32 : 'a');
    assert_int_equal(verify_text(buf), TESS_ERR_BAD_BASE45);
    snprintf(buf, sizeof buf, "%s", text);
    buf[8] = '#';
    assert_int_equal(verify_text(buf), TESS_ERR_BAD_BASE45);
    snprintf(buf, sizeof buf, "%sA", text);
    assert_int_equal((n + 1 - 4) % 3 == 1 ? verify_text(buf) : TESS_ERR_BAD_BASE45,
                     TESS_ERR_BAD_BASE45);
    assert_int_equal(verify_text("MC1:GGW"), TESS_ERR_BAD_BASE45);
    assert_int_equal(verify_text("MC1:FGW"), TESS_ERR_BAD_COSE);  /* ff ff: valid Base45 */
    assert_int_equal(verify_text("MC1::6"), TESS_ERR_BAD_BASE45);  /* 44 + 6*45 = 314 > 255 */
    assert_int_equal(verify_text("MC1:A"), TESS_ERR_BAD_BASE45);
    assert_int_equal(verify_text("MC1:\xc3\xa9\xc3\xa9"), TESS_ERR_BAD_BASE45);
}

/* A credential whose C is exactly c_len bytes (payload padded with unknown
 * claims), issued with the given compression. */
static void sized_credential(size_t c_len, tess_zlib_mode mode, bool random_pad)
{
    static uint8_t pad[8][512];
    for (int k = 0; k < 8; k++)
        for (int i = 0; i < 512; i++)
            pad[k][i] = random_pad ? (uint8_t)(i * 131 + k * 71 + (i * i) % 251) : 'a';
    spec s;
    spec_default(&s);
    uint8_t payload[8192];
    size_t base = payload_of(&s, payload, sizeof payload);
    /* COSE overhead around the payload: tag, array, protected, {}, heads, sig */
    size_t overhead = 1 + 1 + 14 + 1 + 3 + 66;
    assert_true(c_len > base + overhead + 8);
    size_t want = c_len - overhead - base;
    /* each pad claim: key (3 bytes: 0x19 xx xx) + bstr head (3) + content */
    /* each pad claim: key 1000+k (3 bytes), a bstr head (1 to 3 bytes) and
     * its content; sizes 1..3, 28 and 261 cannot be made by one claim */
    size_t k = 0;
    while (want > 0) {
        size_t size = want, content;
        if (want > 506)
            size = (want - 506 == 28 || want - 506 == 261 || want - 506 < 4) ? 490 : 506;
        if (size >= 262)
            content = size - 6;
        else if (size >= 29)
            content = size - 5;
        else
            content = size - 4;
        put(&s, false, fb((int64_t)(1000 + k), pad[k % 8], content));
        want -= size;
        k++;
    }
    uint8_t check[8192];
    assert_int_equal(payload_of(&s, check, sizeof check) + overhead, c_len);
    sign_spec(&s, mode);
}

static void limit_text(void **st)
{
    (void)st;
    /* text of 4294, 4296 (the QR maximum) chars valid; 4297 too large */
    const struct {
        size_t c_len;
        size_t text_len;
        tess_status want;
    } cases[] = {
        {2860, 4294, TESS_OK},
        {2861, 4296, TESS_OK},
        {2862, 4297, TESS_ERR_TOO_LARGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sized_credential(cases[i].c_len, TESS_ZLIB_NEVER, true);
        assert_int_equal(strlen(text), cases[i].text_len);
        assert_int_equal(verify_at(TK_NOW), cases[i].want);
    }
    /* the limit counts the text, not the whitespace a scanner adds */
    sized_credential(2861, TESS_ZLIB_NEVER, true);
    static char buf[sizeof text + 16];
    snprintf(buf, sizeof buf, "\r\n  %s \r\n", text);
    assert_int_equal(verify_text(buf), TESS_OK);
}

static void limit_inflated(void **st)
{
    (void)st;
    const struct {
        size_t c_len;
        tess_status want;
    } cases[] = {
        {4095, TESS_OK},
        {4096, TESS_OK},
        {4097, TESS_ERR_TOO_LARGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sized_credential(cases[i].c_len, TESS_ZLIB_ALWAYS, false);
        assert_int_equal(verify_at(TK_NOW), cases[i].want);
        if (cases[i].want == TESS_OK)
            assert_int_equal(W->verdict.c_len, cases[i].c_len);
    }
    /* a zip bomb: 1 MB of zeros in a few hundred bytes */
    static uint8_t zeros[1u << 20];
    static uint8_t z[8192];
    size_t z_len;
    assert_int_equal(tess_deflate(zeros, sizeof zeros, z, sizeof z, &z_len), TESS_OK);
    char *b45 = text;
    memcpy(b45, "MC1:", 4);
    size_t n;
    assert_int_equal(tess_b45_encode(z, z_len, b45 + 4, sizeof text - 5, &n), TESS_OK);
    b45[4 + n] = 0;
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_TOO_LARGE);
}

static void limit_strings(void **st)
{
    (void)st;
    static char big[600];
    memset(big, 'x', sizeof big - 1);
    const size_t lens[] = {511, 512, 513};
    const tess_status want[] = {TESS_OK, TESS_OK, TESS_ERR_TOO_LARGE};
    for (size_t i = 0; i < 3; i++) {
        spec s;
        spec_default(&s);
        field f = ft(2, big);
        f.n = lens[i];
        put(&s, true, f);
        assert_int_equal(spec_verdict(&s), want[i]);
        /* an unknown claim's string counts too */
        spec_default(&s);
        field g = fb(99, (const uint8_t *)big, lens[i]);
        put(&s, false, g);
        assert_int_equal(spec_verdict(&s), want[i]);
    }
    /* a long string in the protected header, in the unprotected header */
    parts p;
    uint8_t prot[1024], items[8192];
    tess_enc e;
    tess_enc_init(&e, prot, sizeof prot);
    uint8_t kid[8];
    tess_kid_of(kid, W->issuer.pk);
    tess_enc_map(&e, 3);
    tess_enc_uint(&e, 1);
    tess_enc_int(&e, -8);
    tess_enc_uint(&e, 4);
    tess_enc_bstr(&e, kid, 8);
    tess_enc_uint(&e, 99);
    tess_enc_bstr(&e, (const uint8_t *)big, 513);
    /* the protected bstr is itself > 512 bytes here */
    parts_signed(&p, prot, e.len);
    size_t n = items_of(&p, empty_map, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_TOO_LARGE);
    uint8_t unprot[600];
    tess_enc_init(&e, unprot, sizeof unprot);
    tess_enc_map(&e, 1);
    tess_enc_uint(&e, 99);
    tess_enc_tstr(&e, big, 513);
    size_t prot_len = prot_of(&W->issuer, prot);
    parts_signed(&p, prot, prot_len);
    n = items_of(&p, unprot, e.len, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_TOO_LARGE);
    tess_enc_init(&e, unprot, sizeof unprot);
    tess_enc_map(&e, 1);
    tess_enc_uint(&e, 99);
    tess_enc_tstr(&e, big, 512);
    n = items_of(&p, unprot, e.len, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_OK);
    /* too_large comes before the signature: a forged oversized holder */
    spec s;
    spec_default(&s);
    field f = ft(2, big);
    f.n = 513;
    put(&s, true, f);
    uint8_t payload[8192];
    size_t plen = payload_of(&s, payload, sizeof payload);
    prot_len = prot_of(&W->issuer, prot);
    tk_sign_raw(prot, prot_len, payload, plen, &W->other, TESS_ZLIB_NEVER, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_TOO_LARGE);
}

static void limit_lists(void **st)
{
    (void)st;
    static char items[32 * 8 + 64];
    for (int key = 8; key <= 14; key += 6) {
        const size_t counts[] = {31, 32, 33};
        const tess_status want[] = {TESS_OK, TESS_OK, TESS_ERR_TOO_LARGE};
        for (size_t i = 0; i < 3; i++) {
            items[0] = 0;
            for (size_t k = 0; k < counts[i]; k++) {
                char one[32];
                snprintf(one, sizeof one, "%sx:%zu", k ? "|" : "", k);
                strcat(items, one);
            }
            spec s;
            spec_default(&s);
            put(&s, true, fl(key, items));
            assert_int_equal(spec_verdict(&s), want[i]);
            if (want[i] == TESS_OK)
                assert_int_equal(key == 8 ? W->verdict.cred.n_skills : W->verdict.cred.n_stacks,
                                 counts[i]);
        }
    }
}

static void compression(void **st)
{
    (void)st;
    spec s;
    spec_default(&s);
    uint8_t payload[8192], prot[64], c[8192], z[8192];
    size_t plen = payload_of(&s, payload, sizeof payload);
    size_t prot_len = prot_of(&W->issuer, prot);
    size_t c_len, z_len;
    assert_int_equal(tess_cose_sign1_build(prot, prot_len, payload, plen, W->issuer.sk, c,
                                           sizeof c, &c_len),
                     TESS_OK);
    assert_int_equal(tess_deflate(c, c_len, z, sizeof z, &z_len), TESS_OK);
    assert_int_equal(z[0], 0x78);
    struct {
        const char *what;
        size_t len;
        int flip;       /* byte to flip, -1 none */
        int extra;      /* a byte appended, -1 none */
    } cases[] = {
        {"truncated by one byte", z_len - 1, -1, -1},
        {"truncated to the header", 2, -1, -1},
        {"adler-32 broken", z_len, (int)z_len - 1, -1},
        {"header check broken", z_len, 1, -1},
        {"a byte after the stream", z_len, -1, 0},
        {"only 0x78", 1, -1, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t t[8192];
        memcpy(t, z, z_len);
        size_t n = cases[i].len;
        if (cases[i].flip >= 0)
            t[cases[i].flip] ^= 0x01;
        if (cases[i].extra >= 0)
            t[n++] = (uint8_t)cases[i].extra;
        memcpy(text, "MC1:", 4);
        size_t m;
        assert_int_equal(tess_b45_encode(t, n, text + 4, sizeof text - 5, &m), TESS_OK);
        text[4 + m] = 0;
        tess_status got = verify_at(TK_NOW);
        if (got != TESS_ERR_BAD_COMPRESSION)
            fail_msg("%s: got %s", cases[i].what, tess_reason(got));
    }
    /* a preset dictionary (FDICT) is refused */
    uint8_t fd[] = {0x78, 0xBB, 0, 0, 0, 1, 0x03, 0x00};
    memcpy(text, "MC1:", 4);
    size_t m;
    assert_int_equal(tess_b45_encode(fd, sizeof fd, text + 4, sizeof text - 5, &m), TESS_OK);
    text[4 + m] = 0;
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_COMPRESSION);
}

static void cose_shape(void **st)
{
    (void)st;
    parts p;
    uint8_t prot[64], items[8192];
    size_t prot_len = prot_of(&W->issuer, prot);
    parts_signed(&p, prot, prot_len);
    size_t n = items_of(&p, empty_map, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_OK);
    assert_int_equal(cose_by_hand(0, items, n, 4, NULL, 0), TESS_OK);   /* untagged */
    assert_int_equal(cose_by_hand(17, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    assert_int_equal(cose_by_hand(98, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    assert_int_equal(cose_by_hand(61, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    uint8_t zero = 0;
    assert_int_equal(cose_by_hand(18, items, n, 4, &zero, 1), TESS_ERR_BAD_COSE); /* trailing */
    assert_int_equal(cose_by_hand(18, items, n, 5, &zero, 1), TESS_ERR_BAD_COSE); /* 5 items */
    assert_int_equal(cose_by_hand(18, items, n, 3, NULL, 0), TESS_ERR_BAD_COSE);  /* count lies */
    /* signature of 63 and 65 bytes */
    n = items_of(&p, empty_map, 1, 63, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    /* unprotected not a map; unprotected with a duplicate key */
    const uint8_t arr[] = {0x80};
    n = items_of(&p, arr, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    const uint8_t dup[] = {0xA2, 0x04, 0x40, 0x04, 0x40};
    n = items_of(&p, dup, sizeof dup, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    const uint8_t indef[] = {0xBF, 0xFF};
    n = items_of(&p, indef, sizeof indef, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    const uint8_t bad_utf8[] = {0xA1, 0x63, 'a', 0xC0, 0xAF, 0x01};
    n = items_of(&p, bad_utf8, sizeof bad_utf8, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_COSE);
    /* unprotected header contents are ignored: a kid and alg there change nothing */
    const uint8_t liar[] = {0xA2, 0x01, 0x26, 0x04, 0x42, 0x31, 0x31};
    n = items_of(&p, liar, sizeof liar, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_OK);
    /* depth: tag 18 is depth 1, the array 2, the unprotected map 3: 5
     * more levels fit (8), 6 do not */
    uint8_t deep[16];
    for (int levels = 5; levels <= 6; levels++) {
        size_t k = 0;
        deep[k++] = 0xA1;
        deep[k++] = 0x18;
        deep[k++] = 99;
        for (int i = 1; i < levels; i++)
            deep[k++] = 0x81;
        deep[k++] = 0x80;
        n = items_of(&p, deep, k, 64, items);
        assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0),
                         levels == 5 ? TESS_OK : TESS_ERR_BAD_COSE);
    }
    /* the payload as nil (detached), the protected header as a map */
    tess_enc e;
    tess_enc_init(&e, items, sizeof items);
    tess_enc_bstr(&e, p.prot, p.prot_len);
    tess_enc_map(&e, 0);
    tess_enc_raw(&e, (const uint8_t *)"\xf6", 1);
    tess_enc_bstr(&e, p.sig, 64);
    assert_int_equal(cose_by_hand(18, items, e.len, 4, NULL, 0), TESS_ERR_BAD_COSE);
    tess_enc_init(&e, items, sizeof items);
    tess_enc_raw(&e, p.prot, p.prot_len);
    tess_enc_map(&e, 0);
    tess_enc_bstr(&e, p.payload, p.payload_len);
    tess_enc_bstr(&e, p.sig, 64);
    assert_int_equal(cose_by_hand(18, items, e.len, 4, NULL, 0), TESS_ERR_BAD_COSE);
    /* C that is not CBOR at all */
    const uint8_t junk[] = {0xFF, 0x00, 0x01};
    tk_text_of(junk, sizeof junk, TESS_ZLIB_NEVER, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_COSE);
}

/* Signs the default payload under a hand-written protected header. */
static tess_status with_protected(const uint8_t *prot, size_t len, const tk_key *signer)
{
    spec s;
    spec_default(&s);
    uint8_t payload[8192];
    size_t plen = payload_of(&s, payload, sizeof payload);
    tk_sign_raw(prot, len, payload, plen, signer, TESS_ZLIB_AUTO, text);
    return verify_at(TK_NOW);
}

static void cose_protected(void **st)
{
    (void)st;
    uint8_t kid[8], kid_other[8];
    tess_kid_of(kid, W->issuer.pk);
    tess_kid_of(kid_other, W->other.pk);
    uint8_t p[64];
#define PROT(...)                                                   \
    do {                                                            \
        const uint8_t head[] = {__VA_ARGS__};                       \
        memcpy(p, head, sizeof head);                               \
        n = sizeof head;                                            \
    } while (0)
#define KID(k) (memcpy(p + n, k, 8), n += 8)
    size_t n;
    /* {1: -8, 4: kid} and {1: -19, 4: kid}: valid */
    PROT(0xA2, 0x01, 0x27, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_OK);
    PROT(0xA2, 0x01, 0x32, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_OK);
    /* keys in the other order, alg in a non-shortest form: still what was signed */
    PROT(0xA2, 0x04, 0x48, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x27);
    memcpy(p + 3, kid, 8);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_OK);
    PROT(0xA2, 0x01, 0x38, 0x07, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_OK);
    /* bad_alg: ES256, missing, text, -18, a float */
    PROT(0xA2, 0x01, 0x26, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    PROT(0xA1, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    PROT(0xA2, 0x01, 0x65, 'E', 'd', 'D', 'S', 'A', 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    PROT(0xA2, 0x01, 0x31, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    PROT(0xA2, 0x01, 0xF9, 0xC8, 0x00, 0x04, 0x48); KID(kid);  /* -8.0 as a half float */
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    assert_int_equal(with_protected(NULL, 0, &W->issuer), TESS_ERR_BAD_ALG);  /* h'' */
    PROT(0xA0);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_ALG);
    /* unknown_issuer: no kid, 7 or 9 bytes, a text kid, a key not in the bundle */
    PROT(0xA1, 0x01, 0x27);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_UNKNOWN_ISSUER);
    PROT(0xA2, 0x01, 0x27, 0x04, 0x47); memcpy(p + n, kid, 7); n += 7;
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_UNKNOWN_ISSUER);
    PROT(0xA2, 0x01, 0x27, 0x04, 0x49); KID(kid); p[n++] = 0;
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_UNKNOWN_ISSUER);
    PROT(0xA2, 0x01, 0x27, 0x04, 0x68, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_UNKNOWN_ISSUER);
    PROT(0xA2, 0x01, 0x27, 0x04, 0x48); KID(kid_other);
    assert_int_equal(with_protected(p, n, &W->other), TESS_ERR_UNKNOWN_ISSUER);
    /* bad_cose: crit, a duplicate label (also as 0x18 0x01), trailing
     * bytes, not a map, indefinite */
    PROT(0xA3, 0x01, 0x27, 0x02, 0x81, 0x04, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    PROT(0xA3, 0x01, 0x27, 0x01, 0x27, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    PROT(0xA3, 0x01, 0x27, 0x18, 0x01, 0x27, 0x04, 0x48); KID(kid);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    PROT(0xA2, 0x01, 0x27, 0x04, 0x48); KID(kid); p[n++] = 0x00;
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    PROT(0x82, 0x01, 0x27);
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    PROT(0xBF, 0x01, 0x27, 0x04, 0x48); KID(kid); p[n++] = 0xFF;
    assert_int_equal(with_protected(p, n, &W->issuer), TESS_ERR_BAD_COSE);
    /* the alg check comes before the kid lookup */
    PROT(0xA2, 0x01, 0x26, 0x04, 0x48); KID(kid_other);
    assert_int_equal(with_protected(p, n, &W->other), TESS_ERR_BAD_ALG);
#undef PROT
#undef KID
}

static void signature(void **st)
{
    (void)st;
    uint8_t prot[64];
    size_t prot_len = prot_of(&W->issuer, prot);
    spec s;
    spec_default(&s);
    uint8_t payload[8192];
    size_t plen = payload_of(&s, payload, sizeof payload);
    /* signed by another key under the issuer's kid */
    tk_sign_raw(prot, prot_len, payload, plen, &W->other, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_SIGNATURE);
    /* a changed payload; a changed signature; S + L (malleability) */
    parts p;
    uint8_t items[8192];
    parts_signed(&p, prot, prot_len);
    p.payload[20] ^= 0x01;
    size_t n = items_of(&p, empty_map, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_SIGNATURE);
    parts_signed(&p, prot, prot_len);
    p.sig[5] ^= 0x80;
    n = items_of(&p, empty_map, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_SIGNATURE);
    parts_signed(&p, prot, prot_len);
    static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                  0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                  0,    0,    0,    0,    0,    0,    0,    0,
                                  0,    0,    0,    0,    0,    0,    0,    0x10};
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned v = p.sig[32 + i] + L[i] + carry;
        p.sig[32 + i] = (uint8_t)v;
        carry = v >> 8;
    }
    n = items_of(&p, empty_map, 1, 64, items);
    assert_int_equal(cose_by_hand(18, items, n, 4, NULL, 0), TESS_ERR_BAD_SIGNATURE);
    /* a bad signature hides bad claims: the signature comes first */
    spec_default(&s);
    drop(&s, false, 1);
    plen = payload_of(&s, payload, sizeof payload);
    tk_sign_raw(prot, prot_len, payload, plen, &W->other, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_SIGNATURE);
    assert_false(W->verdict.has_cred);
}

static void claims(void **st)
{
    (void)st;
    static const uint8_t f_float[] = {0xFB, 0x41, 0xDA, 0x53, 0x4D, 0x40, 0, 0, 0};
    static const uint8_t f_tag[] = {0xC1, 0x1A, 0x69, 0x55, 0xB8, 0x00};
    static const uint8_t f_neg[] = {0x20};
    static const uint8_t f_true[] = {0xF5};
    static const uint8_t f_long_int[] = {0x1B, 0, 0, 0, 0, 0x69, 0x55, 0xB8, 0x00};
    static const uint8_t f_list_int[] = {0x82, 0x61, 'a', 0x01};
    static const uint8_t f_bad_utf8[] = {0x62, 0xED, 0xA0};
    static const uint8_t f_surrogate[] = {0x63, 0xED, 0xA0, 0x80};
    static const uint8_t f_overlong[] = {0x62, 0xC0, 0xAF};
    static const uint8_t f_indef[] = {0x7F, 0x61, 'a', 0xFF};
    static const uint8_t cti15[15] = {1};
    static const uint8_t cti17[17] = {1};
    struct {
        const char *what;
        bool mc;
        field f;
        bool drop_it;
        tess_status want;
    } cases[] = {
        {"iss missing", false, fu(1, 0), true, TESS_ERR_BAD_CLAIMS},
        {"iss a number", false, fu(1, 5), false, TESS_ERR_BAD_CLAIMS},
        {"iat missing", false, fu(6, 0), true, TESS_ERR_BAD_CLAIMS},
        {"iat a float", false, fr(6, f_float, sizeof f_float), false, TESS_ERR_BAD_CLAIMS},
        {"iat tagged", false, fr(6, f_tag, sizeof f_tag), false, TESS_ERR_BAD_CLAIMS},
        {"iat negative", false, fr(6, f_neg, sizeof f_neg), false, TESS_ERR_BAD_CLAIMS},
        {"iat true", false, fr(6, f_true, sizeof f_true), false, TESS_ERR_BAD_CLAIMS},
        {"iat 8-byte form", false, fr(6, f_long_int, sizeof f_long_int), false, TESS_OK},
        {"exp a text", false, ft(4, "2030"), false, TESS_ERR_BAD_CLAIMS},
        {"exp absent", false, fu(4, 0), true, TESS_OK},
        {"nbf negative", false, fr(5, f_neg, sizeof f_neg), false, TESS_ERR_BAD_CLAIMS},
        {"sub a number", false, fu(2, 7), false, TESS_ERR_BAD_CLAIMS},
        {"sub text", false, ft(2, "holder-7"), false, TESS_OK},
        {"cti missing", false, fu(7, 0), true, TESS_ERR_BAD_CLAIMS},
        {"cti 15 bytes", false, fb(7, cti15, 15), false, TESS_ERR_BAD_CLAIMS},
        {"cti 17 bytes", false, fb(7, cti17, 17), false, TESS_ERR_BAD_CLAIMS},
        {"cti text", false, ft(7, "0123456789abcdef"), false, TESS_ERR_BAD_CLAIMS},
        {"mc missing", false, fu(TESS_CLAIM_MC, 0), true, TESS_ERR_BAD_CLAIMS},
        {"mc an array", false, fr(TESS_CLAIM_MC, f_list_int, sizeof f_list_int), false,
         TESS_ERR_BAD_CLAIMS},
        {"unknown claim", false, ft(99, "anything"), false, TESS_OK},
        {"unknown negative claim", false, fr(-70000, f_true, 1), false, TESS_OK},
        {"version missing", true, fu(1, 0), true, TESS_ERR_BAD_CLAIMS},
        {"version 2", true, fu(1, 2), false, TESS_ERR_BAD_CLAIMS},
        {"version 0", true, fu(1, 0), false, TESS_ERR_BAD_CLAIMS},
        {"holder missing", true, fu(2, 0), true, TESS_ERR_BAD_CLAIMS},
        {"holder bytes", true, fb(2, (const uint8_t *)"Maria", 5), false, TESS_ERR_BAD_CLAIMS},
        {"holder bad UTF-8", true, fr(2, f_bad_utf8, sizeof f_bad_utf8), false,
         TESS_ERR_BAD_CLAIMS},
        {"holder surrogate", true, fr(2, f_surrogate, sizeof f_surrogate), false,
         TESS_ERR_BAD_CLAIMS},
        {"holder overlong", true, fr(2, f_overlong, sizeof f_overlong), false,
         TESS_ERR_BAD_CLAIMS},
        {"holder indefinite", true, fr(2, f_indef, sizeof f_indef), false, TESS_ERR_BAD_CLAIMS},
        {"holder UTF-8", true, ft(2, "Zo\xc3\xab \xe6\x9d\x8e \xf0\x9f\x98\x80"), false, TESS_OK},
        {"title missing", true, fu(3, 0), true, TESS_ERR_BAD_CLAIMS},
        {"achievement missing", true, fu(4, 0), true, TESS_ERR_BAD_CLAIMS},
        {"awarder missing", true, fu(6, 0), true, TESS_ERR_BAD_CLAIMS},
        {"type text", true, ft(5, "Badge"), false, TESS_ERR_BAD_CLAIMS},
        {"type unknown value", true, fu(5, 99), false, TESS_OK},
        {"country number", true, fu(7, 34), false, TESS_ERR_BAD_CLAIMS},
        {"skills a text", true, ft(8, "esco:a"), false, TESS_ERR_BAD_CLAIMS},
        {"skills with a number", true, fr(8, f_list_int, sizeof f_list_int), false,
         TESS_ERR_BAD_CLAIMS},
        {"skills empty", true, fl(8, ""), false, TESS_OK},
        {"eqf 0", true, fu(9, 0), false, TESS_ERR_BAD_CLAIMS},
        {"eqf 1", true, fu(9, 1), false, TESS_OK},
        {"eqf 8", true, fu(9, 8), false, TESS_OK},
        {"eqf 9", true, fu(9, 9), false, TESS_ERR_BAD_CLAIMS},
        {"eqf negative", true, fr(9, f_neg, sizeof f_neg), false, TESS_ERR_BAD_CLAIMS},
        {"workload float", true, fr(10, f_float, sizeof f_float), false, TESS_ERR_BAD_CLAIMS},
        {"assessment unknown", true, fu(11, 42), false, TESS_OK},
        {"participation text", true, ft(12, "online"), false, TESS_ERR_BAD_CLAIMS},
        {"qa number", true, fu(13, 1), false, TESS_ERR_BAD_CLAIMS},
        {"stacks a map", true, fr(14, (const uint8_t *)"\xa0", 1), false, TESS_ERR_BAD_CLAIMS},
        {"lang number", true, fu(15, 1), false, TESS_ERR_BAD_CLAIMS},
        {"unknown mc field", true, fr(77, f_tag, sizeof f_tag), false, TESS_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spec s;
        spec_default(&s);
        if (cases[i].drop_it)
            drop(&s, cases[i].mc, cases[i].f.key);
        else
            put(&s, cases[i].mc, cases[i].f);
        tess_status got = spec_verdict(&s);
        if (got != cases[i].want)
            fail_msg("%s: want %s, got %s", cases[i].what, tess_reason(cases[i].want),
                     tess_reason(got));
    }
}

/* Payloads that break the strict rules, signed properly: bad_claims. */
static void claims_strict(void **st)
{
    (void)st;
    uint8_t prot[64];
    size_t prot_len = prot_of(&W->issuer, prot);
    spec s;
    spec_default(&s);
    uint8_t payload[8192], t[8192];
    size_t plen = payload_of(&s, payload, sizeof payload);
    /* trailing byte after the map; two maps */
    memcpy(t, payload, plen);
    t[plen] = 0x00;
    tk_sign_raw(prot, prot_len, t, plen + 1, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    /* the payload is not a map; is empty */
    tk_sign_raw(prot, prot_len, (const uint8_t *)"\x80", 1, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    tk_sign_raw(prot, prot_len, NULL, 0, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    /* a duplicate claim key, also in a longer form (6 and 0x18 0x06) */
    static const uint8_t dup_iat[] = {0x18, 0x06, 0x01};
    spec_default(&s);
    s.claims[s.n_claims++] = fr(99, NULL, 0);
    plen = payload_of(&s, payload, sizeof payload);
    /* rewrite: a map with one more entry, "0x18 0x06: 1" appended */
    memcpy(t, payload, plen);
    assert_true(t[0] >= 0xA0 && t[0] < 0xB7);
    t[0] = (uint8_t)(t[0]);
    spec_default(&s);
    plen = payload_of(&s, payload, sizeof payload);
    memcpy(t, payload, plen);
    t[0]++;
    memcpy(t + plen, dup_iat, sizeof dup_iat);
    tk_sign_raw(prot, prot_len, t, plen + sizeof dup_iat, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    /* the same with a key unknown to us but repeated */
    static const uint8_t dup_unknown[] = {0x18, 0x63, 0x01, 0x18, 0x63, 0x02};
    memcpy(t, payload, plen);
    t[0] = (uint8_t)(t[0] + 2);
    memcpy(t + plen, dup_unknown, sizeof dup_unknown);
    tk_sign_raw(prot, prot_len, t, plen + sizeof dup_unknown, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    /* an indefinite-length map as the payload */
    memcpy(t, payload, plen);
    t[0] = 0xBF;
    t[plen] = 0xFF;
    tk_sign_raw(prot, prot_len, t, plen + 1, &W->issuer, TESS_ZLIB_AUTO, text);
    assert_int_equal(verify_at(TK_NOW), TESS_ERR_BAD_CLAIMS);
    /* nesting: claims map 1, then 7 arrays fit (8); 8 do not */
    for (int arrays = 7; arrays <= 8; arrays++) {
        uint8_t deep[16];
        int k = 0;
        for (int i = 0; i < arrays - 1; i++)
            deep[k++] = 0x81;
        deep[k++] = 0x80;
        spec_default(&s);
        put(&s, false, fr(99, deep, (size_t)k));
        assert_int_equal(spec_verdict(&s), arrays == 7 ? TESS_OK : TESS_ERR_BAD_CLAIMS);
    }
    /* keys out of order and integers in long forms: accepted as signed */
    static const uint8_t iat_long[] = {0x1A, 0x69, 0x55, 0xB8, 0x00};
    spec_default(&s);
    field first = s.claims[0];
    s.claims[0] = s.claims[4];
    s.claims[4] = first;
    put(&s, false, fr(6, iat_long, sizeof iat_long));
    assert_int_equal(spec_verdict(&s), TESS_OK);
}

static void trust_checks(void **st)
{
    (void)st;
    spec s;
    /* issuer_mismatch */
    spec_default(&s);
    put(&s, false, ft(1, "https://evil.example"));
    assert_int_equal(spec_verdict(&s), TESS_ERR_ISSUER_MISMATCH);
    assert_true(W->verdict.has_cred);
    spec_default(&s);
    put(&s, false, ft(1, TK_ISS "/"));
    assert_int_equal(spec_verdict(&s), TESS_ERR_ISSUER_MISMATCH);
    /* out_of_scope: prefixes */
    static const char *const weld[] = {"WELD-"};
    static const char *const fork[] = {"WELD-", "FORK-"};
    static const char *const exact[] = {"FORK-L1"};
    static const char *const longer[] = {"FORK-L1X"};
    const struct {
        const char *const *allowed;
        size_t n;
        tess_status want;
    } cases[] = {
        {weld, 1, TESS_ERR_OUT_OF_SCOPE}, {fork, 2, TESS_OK},      {exact, 1, TESS_OK},
        {longer, 1, TESS_ERR_OUT_OF_SCOPE}, {NULL, 0, TESS_ERR_OUT_OF_SCOPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        W->issuers[0].restricted = true;
        W->issuers[0].allowed = cases[i].allowed;
        W->issuers[0].n_allowed = cases[i].n;
        assert_int_equal(tk_world_rebundle(W), TESS_OK);
        spec_default(&s);
        assert_int_equal(spec_verdict(&s), cases[i].want);
    }
    W->issuers[0].restricted = false;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
    /* issuer_mismatch comes before out_of_scope */
    W->issuers[0].restricted = true;
    W->issuers[0].allowed = weld;
    W->issuers[0].n_allowed = 1;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
    spec_default(&s);
    put(&s, false, ft(1, "https://evil.example"));
    assert_int_equal(spec_verdict(&s), TESS_ERR_ISSUER_MISMATCH);
    W->issuers[0].restricted = false;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
}

static void key_validity(void **st)
{
    (void)st;
    uint64_t nb = W->issuers[0].not_before, na = W->issuers[0].not_after;
    const struct {
        uint64_t iat;
        tess_status want;
    } cases[] = {
        {nb - 1, TESS_ERR_KEY_NOT_VALID}, {nb, TESS_OK}, {nb + 1, TESS_OK},
        {na - 1, TESS_OK}, {na, TESS_OK}, {na + 1, TESS_ERR_KEY_NOT_VALID},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spec s;
        spec_default(&s);
        put(&s, false, fu(6, cases[i].iat));
        drop(&s, false, 4);   /* no expiry, so that only the key's dates count */
        assert_int_equal(spec_verdict(&s), cases[i].want);
    }
}

static void time_edges(void **st)
{
    (void)st;
    const uint64_t now = TK_NOW, skew = TESS_DEFAULT_SKEW;
    const struct {
        int64_t key;
        uint64_t value;
        tess_status want;
    } cases[] = {
        {5, now + skew - 1, TESS_OK},
        {5, now + skew, TESS_OK},
        {5, now + skew + 1, TESS_ERR_NOT_YET_VALID},
        {4, now - skew - 1, TESS_ERR_EXPIRED},
        {4, now - skew, TESS_ERR_EXPIRED},
        {4, now - skew + 1, TESS_OK},
        {4, 0, TESS_ERR_EXPIRED},
        {5, 0, TESS_OK},
        {4, UINT64_MAX, TESS_OK},
        {5, UINT64_MAX, TESS_ERR_NOT_YET_VALID},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spec s;
        spec_default(&s);
        put(&s, false, fu(cases[i].key, cases[i].value));
        tess_status got = spec_verdict(&s);
        if (got != cases[i].want)
            fail_msg("case %zu: want %s got %s", i, tess_reason(cases[i].want), tess_reason(got));
    }
    /* the skew is the caller's: 0 makes the edges exact */
    spec s;
    spec_default(&s);
    put(&s, false, fu(4, now));
    sign_spec(&s, TESS_ZLIB_AUTO);
    tess_clock c0 = {now, 0, 0};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &c0, &W->verdict),
                     TESS_ERR_EXPIRED);
    tess_clock c1 = {now - 1, 0, 0};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &c1, &W->verdict),
                     TESS_OK);
    /* not_yet_valid comes before expired: nbf in the future, exp in the past */
    spec_default(&s);
    put(&s, false, fu(5, now + 10000));
    put(&s, false, fu(4, now - 10000));
    assert_int_equal(spec_verdict(&s), TESS_ERR_NOT_YET_VALID);
    /* near the top of the clock nothing wraps: exp > now - skew exactly */
    spec_default(&s);
    assert_int_equal(spec_verdict(&s), TESS_OK);
    tess_clock top = {UINT64_MAX, 0, UINT64_MAX};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &top, &W->verdict),
                     TESS_OK);
    tess_clock late = {UINT64_MAX, 0, 300};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &late, &W->verdict),
                     TESS_ERR_EXPIRED);
    spec_default(&s);
    put(&s, false, fu(4, UINT64_MAX));
    sign_spec(&s, TESS_ZLIB_AUTO);
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &late, &W->verdict),
                     TESS_OK);
    /* and at the bottom: a clock within the skew of the epoch */
    spec_default(&s);
    put(&s, false, fu(4, 0));
    put(&s, false, fu(6, 1577836800));
    sign_spec(&s, TESS_ZLIB_AUTO);
    tess_clock early = {299, 0, 300};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &early, &W->verdict),
                     TESS_OK);
    tess_clock edge = {300, 0, 300};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &edge, &W->verdict),
                     TESS_ERR_EXPIRED);
}

static void revocation(void **st)
{
    (void)st;
    /* the default cti revoked among others, sorted; its neighbours are not */
    uint8_t lo[16], hi[16];
    memcpy(lo, cti_default, 16);
    lo[15]--;
    memcpy(hi, cti_default, 16);
    hi[15]++;
    memset(W->revoked[0], 0x00, 16);
    memcpy(W->revoked[1], lo, 16);
    memcpy(W->revoked[2], cti_default, 16);
    memcpy(W->revoked[3], hi, 16);
    memset(W->revoked[4], 0xFF, 16);
    W->n_revoked = 5;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
    spec s;
    spec_default(&s);
    assert_int_equal(spec_verdict(&s), TESS_ERR_REVOKED);
    assert_true(W->verdict.has_cred);
    /* expired comes before revoked */
    put(&s, false, fu(4, TK_NOW - 100000));
    assert_int_equal(spec_verdict(&s), TESS_ERR_EXPIRED);
    /* not revoked when the list lacks it */
    memcpy(W->revoked[2], W->revoked[3], 16);
    memcpy(W->revoked[3], W->revoked[4], 16);
    W->n_revoked = 4;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
    spec_default(&s);
    assert_int_equal(spec_verdict(&s), TESS_OK);
    W->n_revoked = 0;
    assert_int_equal(tk_world_rebundle(W), TESS_OK);
}

static void warnings(void **st)
{
    (void)st;
    spec s;
    spec_default(&s);
    put(&s, false, fu(4, TK_NOW + 400u * 86400u));
    sign_spec(&s, TESS_ZLIB_AUTO);
    uint64_t exp = W->bundle.expires;
    const struct {
        uint64_t now, floor;
        unsigned warn;
        uint64_t judged;
    } cases[] = {
        {exp - 1, 0, 0, exp - 1},
        {exp, 0, 0, exp},
        {exp + 1, 0, TESS_WARN_TRUST_STALE, exp + 1},
        {TK_NOW, TK_NOW, 0, TK_NOW},
        {TK_NOW - 1, TK_NOW, TESS_WARN_CLOCK_UNCERTAIN, TK_NOW},
        {0, TK_NOW, TESS_WARN_CLOCK_UNCERTAIN, TK_NOW},
        {0, exp + 1, TESS_WARN_CLOCK_UNCERTAIN | TESS_WARN_TRUST_STALE, exp + 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tess_clock c = {cases[i].now, cases[i].floor, TESS_DEFAULT_SKEW};
        assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &c, &W->verdict),
                         TESS_OK);
        assert_int_equal(W->verdict.warnings, cases[i].warn);
        assert_int_equal(W->verdict.judged_at, cases[i].judged);
    }
    /* a 1970 clock with a floor judges at the floor: an expired credential
     * stays expired */
    spec_default(&s);
    put(&s, false, fu(4, TK_NOW - 1000));
    sign_spec(&s, TESS_ZLIB_AUTO);
    tess_clock c = {0, TK_NOW, TESS_DEFAULT_SKEW};
    assert_int_equal(tess_verify(&W->verifier, text, strlen(text), &W->bundle, &c, &W->verdict),
                     TESS_ERR_EXPIRED);
    assert_int_equal(W->verdict.warnings, TESS_WARN_CLOCK_UNCERTAIN);
    /* warnings are reported on invalid verdicts too */
    tess_clock stale = {exp + 10, 0, 0};
    assert_int_equal(tess_verify(&W->verifier, "HC1:x", 5, &W->bundle, &stale, &W->verdict),
                     TESS_ERR_NOT_MC1);
    assert_int_equal(W->verdict.warnings, TESS_WARN_TRUST_STALE);
}

static void fail_closed(void **st)
{
    (void)st;
    spec s;
    spec_default(&s);
    put(&s, false, ft(1, "https://evil.example"));
    assert_int_equal(spec_verdict(&s), TESS_ERR_ISSUER_MISMATCH);
    assert_true(W->verdict.has_cred);
    /* a later failure before the signature wipes what an earlier verdict held */
    assert_int_equal(verify_text("MC1:GGW"), TESS_ERR_BAD_BASE45);
    assert_false(W->verdict.has_cred);
    assert_false(W->verdict.has_issuer);
    assert_null(W->verdict.cred.holder.ptr);
    assert_int_equal(W->verdict.reason, TESS_ERR_BAD_BASE45);
    /* every reason has its FORMAT.md word */
    const struct {
        tess_status s;
        const char *word;
    } words[] = {
        {TESS_OK, "valid"}, {TESS_ERR_NOT_MC1, "not_mc1"}, {TESS_ERR_BAD_BASE45, "bad_base45"},
        {TESS_ERR_BAD_COMPRESSION, "bad_compression"}, {TESS_ERR_TOO_LARGE, "too_large"},
        {TESS_ERR_BAD_COSE, "bad_cose"}, {TESS_ERR_BAD_ALG, "bad_alg"},
        {TESS_ERR_UNKNOWN_ISSUER, "unknown_issuer"}, {TESS_ERR_BAD_SIGNATURE, "bad_signature"},
        {TESS_ERR_BAD_CLAIMS, "bad_claims"}, {TESS_ERR_ISSUER_MISMATCH, "issuer_mismatch"},
        {TESS_ERR_OUT_OF_SCOPE, "out_of_scope"}, {TESS_ERR_KEY_NOT_VALID, "key_not_valid"},
        {TESS_ERR_NOT_YET_VALID, "not_yet_valid"}, {TESS_ERR_EXPIRED, "expired"},
        {TESS_ERR_REVOKED, "revoked"}, {TESS_ERR_BAD_BUNDLE, "bad_bundle"},
        {TESS_ERR_THRESHOLD, "threshold"}, {TESS_ERR_ROTATION, "rotation"},
        {TESS_ERR_ROLLBACK, "rollback"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        assert_string_equal(tess_reason(words[i].s), words[i].word);
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
        cmocka_unit_test(valid_default),   cmocka_unit_test(transport_prefix),
        cmocka_unit_test(transport_base45), cmocka_unit_test(limit_text),
        cmocka_unit_test(limit_inflated),  cmocka_unit_test(limit_strings),
        cmocka_unit_test(limit_lists),     cmocka_unit_test(compression),
        cmocka_unit_test(cose_shape),      cmocka_unit_test(cose_protected),
        cmocka_unit_test(signature),       cmocka_unit_test(claims),
        cmocka_unit_test(claims_strict),   cmocka_unit_test(trust_checks),
        cmocka_unit_test(key_validity),    cmocka_unit_test(time_edges),
        cmocka_unit_test(revocation),      cmocka_unit_test(warnings),
        cmocka_unit_test(fail_closed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
