/*
 * seeds.c: writes the seed corpora of the fuzz harnesses.
 *
 *   fuzz_seeds DIR
 *
 * makes DIR/verify, DIR/bundle and DIR/cbor and fills them:
 *  verify/  MC1 texts (the default credential compressed and not, one with
 *           every field, one with 32 skills, one of each FORMAT.md failure
 *           from not_mc1 to revoked), and the same messages as raw COSE bytes
 *           (fuzz_verify takes an input that does not start with 'M' or a
 *           space as Z), plus the COSE vectors of /work/shared/vectors;
 *  bundle/  the root file, valid bundles (revocations, pathways, new_roots,
 *           restricted issuers) and bundles each refused for one reason;
 *  cbor/    the .cbor vector files and each `encoded` item in them, the RFC
 *           7049/8949 hex vectors, the COSE examples, our own messages.
 * Everything is deterministic: the same tree gives the same files. The world
 * (keys, bundle) is the one fuzz_verify.c builds.
 */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "qr_render.h"
#include "fuzz_common.h"
#include "testkit.h"
#include "tessera/tess_cbor.h"

static char root_dir[512];
/* The corpora, one per harness: fuzz_<name> reads DIR/<name>. */
static const char *const subs[] = {"verify", "bundle", "cbor", "b45", "inflate", "cose",
                                   "claims", "claims_signed", "root", "install", "config",
                                   "scan", "roundtrip", "template", "csv", "role", "esco",
                                   "access", "inflate_diff"};
enum { S_VERIFY, S_BUNDLE, S_CBOR, S_B45, S_INFLATE, S_COSE, S_CLAIMS, S_CLAIMS_SIGNED,
       S_ROOT, S_INSTALL, S_CONFIG, S_SCAN, S_ROUNDTRIP, S_TEMPLATE, S_CSV, S_ROLE, S_ESCO,
       S_ACCESS, S_INFLATE_DIFF, N_SUBS };
static size_t n_written[N_SUBS];

static _Noreturn void fail(const char *what)
{
    fprintf(stderr, "fuzz_seeds: %s\n", what);
    exit(1);
}

static void must(tess_status st, const char *what)
{
    if (st != TESS_OK) {
        fprintf(stderr, "fuzz_seeds: %s: %s\n", what, tess_reason(st));
        exit(1);
    }
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

/* sub: 0 verify, 1 bundle, 2 cbor, or any S_* */
static void put(int sub, const char *name, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", root_dir, subs[sub], name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    n_written[sub]++;
    /* inflate_diff: the same streams, for the two inflaters to agree on. */
    if (sub == S_INFLATE)
        put(S_INFLATE_DIFF, name, p, n);
}

static void put_text(const char *name, const char *text)
{
    put(0, name, text, strlen(text));
}

/* ---- the world of fuzz_verify.c (fuzz_common.h) ---- */

static tk_world *W;
static tk_key second; /* issuer seed 3 */


/* ---- a map of fields, to write claims any way we like ---- */

typedef struct {
    int64_t key;
    int kind; /* 0 uint, 1 text, 2 bstr, 3 raw value bytes */
    uint64_t u;
    const uint8_t *p;
    size_t n;
} field;

typedef struct {
    field f[48];
    size_t n;
} fmap;

static void fm_add(fmap *m, int64_t key, int kind, uint64_t u, const void *p, size_t n)
{
    if (m->n == sizeof m->f / sizeof m->f[0])
        fail("fmap full");
    field x = {key, kind, u, p, n};
    m->f[m->n++] = x;
}

static void fm_uint(fmap *m, int64_t key, uint64_t v) { fm_add(m, key, 0, v, NULL, 0); }
static void fm_text(fmap *m, int64_t key, const char *s) { fm_add(m, key, 1, 0, s, strlen(s)); }
static void fm_bstr(fmap *m, int64_t key, const void *p, size_t n) { fm_add(m, key, 2, 0, p, n); }
static void fm_raw(fmap *m, int64_t key, const void *p, size_t n) { fm_add(m, key, 3, 0, p, n); }

static void fm_del(fmap *m, int64_t key)
{
    size_t w = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].key != key)
            m->f[w++] = m->f[i];
    m->n = w;
}

static field *fm_get(fmap *m, int64_t key)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].key == key)
            return &m->f[i];
    fail("fm_get");
    return NULL;
}

static size_t fm_encode(const fmap *m, uint8_t *out, size_t cap)
{
    tess_enc e;
    tess_enc_init(&e, out, cap);
    tess_enc_map(&e, m->n);
    for (size_t i = 0; i < m->n; i++) {
        const field *f = &m->f[i];
        tess_enc_int(&e, f->key);
        switch (f->kind) {
        case 0: tess_enc_uint(&e, f->u); break;
        case 1: tess_enc_tstr(&e, (const char *)f->p, f->n); break;
        case 2: tess_enc_bstr(&e, f->p, f->n); break;
        default: tess_enc_raw(&e, f->p, f->n); break;
        }
    }
    if (e.overflow)
        fail("fm_encode");
    return e.len;
}

static const uint8_t cti_default[16] = {0x5e, 0x11, 0x0c, 0x42, 0x9a, 0x01, 0x77, 0x3b,
                                        0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};
static uint8_t skills3[256];
static size_t skills3_len;

static void default_mc(fmap *m)
{
    m->n = 0;
    fm_uint(m, TESS_MC_VERSION, 1);
    fm_text(m, TESS_MC_HOLDER, "Maria Garcia");
    fm_text(m, TESS_MC_TITLE, "Forklift Safety, Level 1");
    fm_text(m, TESS_MC_ACHIEVEMENT, "FORK-L1");
    fm_text(m, TESS_MC_AWARDER, "Example Academy");
    fm_text(m, TESS_MC_COUNTRY, "ES");
    fm_raw(m, TESS_MC_SKILLS, skills3, skills3_len);
    fm_uint(m, TESS_MC_EQF, 4);
    fm_uint(m, TESS_MC_WORKLOAD, 16);
}

static void default_claims(fmap *c, const uint8_t *mc, size_t mc_len)
{
    c->n = 0;
    fm_text(c, TESS_CLAIM_ISS, TK_ISS);
    fm_uint(c, TESS_CLAIM_EXP, TK_NOW + 365u * 86400u);
    fm_uint(c, TESS_CLAIM_IAT, TK_NOW - 86400u);
    fm_bstr(c, TESS_CLAIM_CTI, cti_default, 16);
    fm_raw(c, TESS_CLAIM_MC, mc, mc_len);
}

/* ---- messages ---- */

static uint8_t prot_default[32];
static size_t prot_default_len;

static size_t sign1(const uint8_t *prot, size_t prot_len, const uint8_t *payload, size_t n,
                    const tk_key *k, uint8_t *out, size_t cap)
{
    size_t len;
    if (tess_cose_sign1_build(prot, prot_len, payload, n, k->sk, out, cap, &len) != TESS_OK)
        fail("sign1");
    return len;
}

/* A message as text (one compression mode) and as raw COSE bytes. */
static void put_message(const char *name, const uint8_t *c, size_t c_len, tess_zlib_mode mode,
                        bool raw_too)
{
    static char text[8192];
    size_t len;
    char fname[256];
    if (tess_mc1_text(c, c_len, mode, text, sizeof text, &len) != TESS_OK)
        fail("mc1 text");
    snprintf(fname, sizeof fname, "%s.txt", name);
    put(0, fname, text, len);
    if (raw_too) {
        snprintf(fname, sizeof fname, "%s.cose", name);
        put(0, fname, c, c_len);
        put(2, fname, c, c_len);
    }
}

static void put_payload(const char *name, const uint8_t *payload, size_t n, const tk_key *k)
{
    uint8_t c[8192], prot[32];
    size_t prot_len;
    must(tess_cose_protected(k->pk, prot, sizeof prot, &prot_len), "protected");
    size_t c_len = sign1(prot, prot_len, payload, n, k, c, sizeof c);
    put_message(name, c, c_len, TESS_ZLIB_AUTO, true);
    char fname[256];
    snprintf(fname, sizeof fname, "%s.payload", name);
    put(2, fname, payload, n);
}

/* Claims from mc and claims maps, signed by issuer seed 1. */
static void put_claims(const char *name, const fmap *mc, fmap *claims, const tk_key *k)
{
    uint8_t mcb[4096], payload[8192];
    size_t mc_len = fm_encode(mc, mcb, sizeof mcb);
    fm_get(claims, TESS_CLAIM_MC)->p = mcb;
    fm_get(claims, TESS_CLAIM_MC)->n = mc_len;
    size_t n = fm_encode(claims, payload, sizeof payload);
    put_payload(name, payload, n, k);
}

/* A COSE array put together by hand: [prot, unprot, payload, sig]. */
static size_t assemble(uint8_t *out, size_t cap, int tag, const uint8_t *prot, size_t prot_len,
                       const uint8_t *unprot, size_t unprot_len, const uint8_t *payload,
                       size_t payload_len, const uint8_t *sig, size_t sig_len)
{
    tess_enc e;
    tess_enc_init(&e, out, cap);
    if (tag >= 0)
        tess_enc_tag(&e, (uint64_t)tag);
    tess_enc_array(&e, 4);
    tess_enc_bstr(&e, prot, prot_len);
    tess_enc_raw(&e, unprot, unprot_len);
    tess_enc_bstr(&e, payload, payload_len);
    tess_enc_bstr(&e, sig, sig_len);
    if (e.overflow)
        fail("assemble");
    return e.len;
}

static void verify_seeds(void)
{
    static char text[8192];
    tess_credential cr;
    uint8_t payload[8192], c[8192], buf[16384];
    size_t payload_len, c_len, len;

    {
        tess_enc e;
        tess_enc_init(&e, skills3, sizeof skills3);
        tess_enc_array(&e, 3);
        tess_enc_text(&e, "esco:0b4a9b1c-7d3e-4f2a-9c61-2f0e8d7b5a43");
        tess_enc_text(&e, "esco:6c2d1e7f-8a9b-4c3d-b2e1-0f9a8b7c6d5e");
        tess_enc_text(&e, "esco:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
        skills3_len = e.len;
    }
    if (tess_cose_protected(W->issuer.pk, prot_default, sizeof prot_default,
                            &prot_default_len) != TESS_OK)
        fail("protected");

    /* The default credential, every way it can travel. */
    tk_default_cred(&cr);
    if (tess_claims_encode(&cr, payload, sizeof payload, &payload_len) != TESS_OK)
        fail("claims");
    c_len = sign1(prot_default, prot_default_len, payload, payload_len, &W->issuer, c, sizeof c);
    put_message("valid-default-auto", c, c_len, TESS_ZLIB_AUTO, true);
    put_message("valid-default-zlib", c, c_len, TESS_ZLIB_ALWAYS, false);
    put_message("valid-default-plain", c, c_len, TESS_ZLIB_NEVER, false);
    put(2, "valid-default.payload", payload, payload_len);
    if (tess_deflate(c, c_len, buf, sizeof buf, &len) != TESS_OK)
        fail("deflate");
    put(0, "valid-default.zlib", buf, len);
    must(tess_mc1_text(c, c_len, TESS_ZLIB_AUTO, text, sizeof text, &len), "text");
    {
        char padded[8300];
        snprintf(padded, sizeof padded, " \t%s\r\n", text);
        padded[2] = 'm';
        padded[3] = 'c';
        put_text("valid-lowercase-spaces.txt", padded);
        put_text("valid-crlf.txt", strcat(strcpy(padded, text), "\r\n"));
    }
    /* Untagged, and an unprotected header with things in it: both valid. */
    put_message("valid-untagged", c + 1, c_len - 1, TESS_ZLIB_AUTO, true);
    {
        tess_cose_sign1 m;
        if (tess_cose_sign1_parse((tess_span){c, c_len}, TESS_MAX_STRING, &m) != TESS_OK)
            fail("parse");
        static const uint8_t unprot[] = {0xA2, 0x01, 0x26, 0x04, 0x42, 0x31, 0x31};
        len = assemble(buf, sizeof buf, 18, m.protected_hdr.ptr, m.protected_hdr.len, unprot,
                       sizeof unprot, m.payload.ptr, m.payload.len, m.signature.ptr, 64);
        put_message("valid-unprotected-ignored", buf, len, TESS_ZLIB_AUTO, true);

        /* bad_cose, one shape at a time */
        static const uint8_t empty_map[] = {0xA0}, empty_array[] = {0x80};
        len = assemble(buf, sizeof buf, 17, m.protected_hdr.ptr, m.protected_hdr.len, empty_map,
                       1, m.payload.ptr, m.payload.len, m.signature.ptr, 64);
        put_message("bad_cose-tag17", buf, len, TESS_ZLIB_AUTO, true);
        len = assemble(buf, sizeof buf, 18, m.protected_hdr.ptr, m.protected_hdr.len, empty_map,
                       1, m.payload.ptr, m.payload.len, m.signature.ptr, 63);
        put_message("bad_cose-sig63", buf, len, TESS_ZLIB_AUTO, true);
        len = assemble(buf, sizeof buf, 18, m.protected_hdr.ptr, m.protected_hdr.len,
                       empty_array, 1, m.payload.ptr, m.payload.len, m.signature.ptr, 64);
        put_message("bad_cose-unprotected-array", buf, len, TESS_ZLIB_AUTO, true);
        memcpy(buf, c, c_len);
        buf[c_len] = 0x00;
        put_message("bad_cose-trailing", buf, c_len + 1, TESS_ZLIB_AUTO, true);
        memcpy(buf, c, c_len);
        buf[1] = 0x83;
        put_message("bad_cose-array3", buf, c_len - 66, TESS_ZLIB_AUTO, true);
        buf[0] = 0xD2;
        buf[1] = 0x9F;
        memcpy(buf + 2, c + 2, c_len - 2);
        buf[c_len] = 0xFF;
        put_message("bad_cose-indefinite", buf, c_len + 1, TESS_ZLIB_AUTO, true);
        /* A nil (detached) payload. */
        tess_enc e;
        tess_enc_init(&e, buf, sizeof buf);
        tess_enc_tag(&e, 18);
        tess_enc_array(&e, 4);
        tess_enc_bstr(&e, m.protected_hdr.ptr, m.protected_hdr.len);
        tess_enc_map(&e, 0);
        tess_enc_raw(&e, (const uint8_t[]){0xF6}, 1);
        tess_enc_bstr(&e, m.signature.ptr, 64);
        put_message("bad_cose-nil-payload", buf, e.len, TESS_ZLIB_AUTO, true);

        /* bad_signature: one bit of the signature, one of the payload */
        memcpy(buf, c, c_len);
        buf[c_len - 1] ^= 1;
        put_message("bad_signature-sig", buf, c_len, TESS_ZLIB_AUTO, true);
        memcpy(buf, c, c_len);
        buf[(size_t)(m.payload.ptr - c) + 20] ^= 0x20;
        put_message("bad_signature-payload", buf, c_len, TESS_ZLIB_AUTO, true);
    }

    /* Protected headers: each signed, so only the header is wrong. */
    {
        uint8_t kid[8];
        tess_kid_of(kid, W->issuer.pk);
        struct {
            const char *name;
            uint8_t hdr[40];
            size_t len;
        } hs[] = {
            {"valid-alg-19", {0xA2, 0x01, 0x32, 0x04, 0x48}, 5},
            {"bad_alg-es256", {0xA2, 0x01, 0x26, 0x04, 0x48}, 5},
            {"bad_alg-missing", {0xA1, 0x04, 0x48}, 3},
            {"bad_alg-text", {0xA2, 0x01, 0x65, 'E', 'd', 'D', 'S', 'A', 0x04, 0x48}, 10},
            {"bad_cose-crit", {0xA3, 0x01, 0x27, 0x02, 0x81, 0x01, 0x04, 0x48}, 8},
            {"bad_cose-dup-alg", {0xA3, 0x01, 0x27, 0x01, 0x27, 0x04, 0x48}, 7},
            {"unknown_issuer-no-kid", {0xA1, 0x01, 0x27}, 3},
            {"unknown_issuer-kid7", {0xA2, 0x01, 0x27, 0x04, 0x47}, 5},
            {"unknown_issuer-kid-text",
             {0xA2, 0x01, 0x27, 0x04, 0x68, 'a', 'c', 'a', 'd', 'e', 'm', 'y', '1'}, 13},
            {"valid-alg-long-form", {0xA2, 0x01, 0x38, 0x07, 0x04, 0x48}, 6},
        };
        for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
            size_t n = hs[i].len;
            uint8_t last = hs[i].hdr[n - 1];
            if (last == 0x48 || last == 0x47) {
                memcpy(hs[i].hdr + n, kid, last == 0x47 ? 7 : 8);
                n += last == 0x47 ? 7 : 8;
            }
            c_len = sign1(hs[i].hdr, n, payload, payload_len, &W->issuer, c, sizeof c);
            put_message(hs[i].name, c, c_len, TESS_ZLIB_AUTO, true);
        }
    }

    /* Transport failures. */
    tk_issue(&cr, &W->issuer, text);
    {
        char t[8300];
        strcpy(t, text);
        t[2] = '2';
        put_text("not_mc1-mc2.txt", t);
        t[0] = ' ';
        t[1] = 'H';
        t[2] = 'C';
        t[3] = '1';
        put_text("not_mc1-hc1.txt", t);
        put_text("not_mc1-short.txt", "MC1");
        strcpy(t, text);
        t[10] = 'a';
        put_text("bad_base45-lowercase.txt", t);
        strcpy(t, text);
        /* A body of 3k+1 characters has no Base45 reading. */
        strcat(t, (strlen(text) - 4) % 3 == 0 ? "0" : "00");
        put_text("bad_base45-length.txt", t);
        put_text("bad_base45-ggw.txt", "MC1:GGW");
        memset(t, '0', 4400);
        memcpy(t, "MC1:", 4);
        t[4400] = '\0';
        put_text("too_large-text.txt", t);
    }
    /* Z problems: raw Z files (fuzz_verify Base45-encodes them). */
    {
        tk_default_cred(&cr);
        must(tess_claims_encode(&cr, payload, sizeof payload, &payload_len), "c");
        c_len = sign1(prot_default, prot_default_len, payload, payload_len, &W->issuer, c,
                      sizeof c);
        must(tess_deflate(c, c_len, buf, sizeof buf, &len), "z");
        put(0, "bad_compression-truncated.zlib", buf, len - 4);
        buf[len] = 0;
        put(0, "bad_compression-trailing.zlib", buf, len + 1);
        buf[len - 1] ^= 1;
        put(0, "bad_compression-adler.zlib", buf, len);
        uint8_t zeros[6000];
        memset(zeros, 0, sizeof zeros);
        must(tess_deflate(zeros, sizeof zeros, buf, sizeof buf, &len), "bomb");
        put(0, "too_large-bomb.zlib", buf, len);
        must(tess_deflate(zeros, 4096, buf, sizeof buf, &len), "4096");
        put(0, "bad_cose-4096-zeros.zlib", buf, len);
    }

    /* Credentials: every field, many skills, the second issuer. */
    {
        static char skill_text[32][48];
        tk_default_cred(&cr);
        cr.has |= TESS_HAS_SUB | TESS_HAS_NBF | TESS_HAS_TYPE | TESS_HAS_ASSESSMENT |
                  TESS_HAS_PARTICIPATION | TESS_HAS_QA | TESS_HAS_STACKS | TESS_HAS_LANG;
        cr.sub = (tess_span){(const uint8_t *)"holder-7731", 11};
        cr.nbf = TK_NOW - 86400;
        cr.type = 5;
        cr.assessment = 4;
        cr.participation = 2;
        cr.qa = (tess_span){(const uint8_t *)"EQAVET", 6};
        cr.n_stacks = 2;
        cr.stacks[0] = (tess_span){(const uint8_t *)"logistics-basic", 15};
        cr.stacks[1] = (tess_span){(const uint8_t *)"warehouse-lead", 14};
        cr.lang = (tess_span){(const uint8_t *)"es-ES", 5};
        must(tess_claims_encode(&cr, payload, sizeof payload, &payload_len), "full");
        put_payload("valid-all-fields", payload, payload_len, &W->issuer);

        tk_default_cred(&cr);
        cr.n_skills = 32;
        for (int i = 0; i < 32; i++) {
            snprintf(skill_text[i], sizeof skill_text[i],
                     "esco:%08x-7d3e-4f2a-9c61-2f0e8d7b%04x", 0x0b4a9b1cu + (unsigned)i * 7919u,
                     (unsigned)i);
            cr.skills[i] = (tess_span){(const uint8_t *)skill_text[i], strlen(skill_text[i])};
        }
        must(tess_claims_encode(&cr, payload, sizeof payload, &payload_len), "32");
        c_len = sign1(prot_default, prot_default_len, payload, payload_len, &W->issuer, c,
                      sizeof c);
        put_message("valid-32-skills-auto", c, c_len, TESS_ZLIB_AUTO, true);
        put_message("valid-32-skills-plain", c, c_len, TESS_ZLIB_NEVER, false);
        put_message("valid-32-skills-zlib", c, c_len, TESS_ZLIB_ALWAYS, false);

        tk_default_cred(&cr);
        cr.iss = (tess_span){(const uint8_t *)"https://college.example", 23};
        cr.achievement = (tess_span){(const uint8_t *)"ANY-1", 5};
        tk_issue(&cr, &second, text);
        put_text("valid-second-issuer.txt", text);
    }

    /* The claims, one failure at a time (all signed by the right key). */
    {
        fmap mc, cl;
        char long_holder[601];
        memset(long_holder, 'a', 600);
        long_holder[600] = '\0';
        uint8_t skills33[2048];
        tess_enc e;
        tess_enc_init(&e, skills33, sizeof skills33);
        tess_enc_array(&e, 33);
        for (int i = 0; i < 33; i++)
            tess_enc_text(&e, "x:skill");
        size_t skills33_len = e.len;
        static const uint8_t float_iat[] = {0xFB, 0x41, 0xDA, 0x55, 0x6B, 0x54, 0x00, 0x00, 0x00};
        static const uint8_t tagged_exp[] = {0xC1, 0x1A, 0x6B, 0x34, 0x1E, 0x00};
        static const uint8_t skill_int[] = {0x82, 0x67, 'x', ':', 's', 'k', 'i', 'l', 'l', 0x01};
        static const uint8_t bad_utf8[] = {0x62, 0xC0, 0xAF};
        static const uint8_t long_uint[] = {0x1B, 0, 0, 0, 0, 0x69, 0x55, 0x3A, 0x00};
        uint8_t cti15[15], revoked[16];
        memset(cti15, 7, sizeof cti15);
        memset(revoked, 0xA5, sizeof revoked);

        default_mc(&mc); default_claims(&cl, NULL, 0);
        put_claims("valid-fmap", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_uint(&cl, 99, 1); fm_text(&cl, -70000, "later"); fm_uint(&mc, 77, 5);
        put_claims("valid-unknown-keys", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_IAT)->kind = 3;
        fm_get(&cl, TESS_CLAIM_IAT)->p = long_uint;
        fm_get(&cl, TESS_CLAIM_IAT)->n = sizeof long_uint;
        put_claims("valid-non-shortest-iat", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_uint(&mc, TESS_MC_TYPE, 99); fm_uint(&mc, TESS_MC_ASSESSMENT, 1000);
        put_claims("valid-unknown-enums", &mc, &cl, &W->issuer);

        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_HOLDER)->p = (const uint8_t *)long_holder;
        fm_get(&mc, TESS_MC_HOLDER)->n = 600;
        put_claims("too_large-holder", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_SKILLS)->p = skills33;
        fm_get(&mc, TESS_MC_SKILLS)->n = skills33_len;
        put_claims("too_large-33-skills", &mc, &cl, &W->issuer);

        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_del(&cl, TESS_CLAIM_IAT);
        put_claims("bad_claims-no-iat", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_EQF)->u = 9;
        put_claims("bad_claims-eqf9", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_VERSION)->u = 2;
        put_claims("bad_claims-version2", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_IAT)->kind = 3;
        fm_get(&cl, TESS_CLAIM_IAT)->p = float_iat;
        fm_get(&cl, TESS_CLAIM_IAT)->n = sizeof float_iat;
        put_claims("bad_claims-float-iat", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_EXP)->kind = 3;
        fm_get(&cl, TESS_CLAIM_EXP)->p = tagged_exp;
        fm_get(&cl, TESS_CLAIM_EXP)->n = sizeof tagged_exp;
        put_claims("bad_claims-tagged-exp", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_CTI)->p = cti15;
        fm_get(&cl, TESS_CLAIM_CTI)->n = 15;
        put_claims("bad_claims-cti15", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_SKILLS)->p = skill_int;
        fm_get(&mc, TESS_MC_SKILLS)->n = sizeof skill_int;
        put_claims("bad_claims-skill-int", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_uint(&cl, TESS_CLAIM_IAT, TK_NOW);
        put_claims("bad_claims-dup-iat", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_TITLE)->kind = 3;
        fm_get(&mc, TESS_MC_TITLE)->p = bad_utf8;
        fm_get(&mc, TESS_MC_TITLE)->n = sizeof bad_utf8;
        put_claims("bad_claims-utf8", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_del(&mc, TESS_MC_AWARDER);
        put_claims("bad_claims-no-awarder", &mc, &cl, &W->issuer);

        default_mc(&mc); default_claims(&cl, NULL, 0);
        put_claims("unknown_issuer-other-key", &mc, &cl, &W->other);

        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_ISS)->p = (const uint8_t *)"https://college.example";
        fm_get(&cl, TESS_CLAIM_ISS)->n = 23;
        put_claims("issuer_mismatch", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&mc, TESS_MC_ACHIEVEMENT)->p = (const uint8_t *)"CRANE-1";
        fm_get(&mc, TESS_MC_ACHIEVEMENT)->n = 7;
        put_claims("out_of_scope", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_IAT)->u = 1559347200; /* 2019-06-01 */
        put_claims("key_not_valid", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_uint(&cl, TESS_CLAIM_NBF, TK_NOW + 86400);
        put_claims("not_yet_valid", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_EXP)->u = TK_NOW - 86400;
        put_claims("expired", &mc, &cl, &W->issuer);
        default_mc(&mc); default_claims(&cl, NULL, 0);
        fm_get(&cl, TESS_CLAIM_CTI)->p = revoked;
        put_claims("revoked", &mc, &cl, &W->issuer);
    }
}

/* ---- bundles ---- */

static size_t sign_bundle(const tess_bundle_in *in, const int *roots, size_t n_roots,
                          const tk_key *extra, uint8_t *out, size_t cap)
{
    static uint8_t payload[65536], scratch[70000];
    size_t payload_len, len;
    uint8_t sks[8][64];
    if (tess_bundle_payload_encode(in, payload, sizeof payload, &payload_len) != TESS_OK)
        fail("bundle payload");
    size_t n = 0;
    for (size_t i = 0; i < n_roots; i++)
        memcpy(sks[n++], W->root[roots[i]].sk, 64);
    if (extra)
        memcpy(sks[n++], extra->sk, 64);
    if (tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, n, scratch,
                         sizeof scratch, out, cap, &len) != TESS_OK)
        fail("bundle sign");
    return len;
}

static void bundle_seeds(void)
{
    static uint8_t out[70000];
    size_t len;
    static const int r01[] = {0, 1}, r0[] = {0}, r012[] = {0, 1, 2};

    put(1, "root.cbor", W->root_file, W->root_len);
    put(2, "root.cbor", W->root_file, W->root_len);
    put(1, "fuzz-world.tb1", W->bundle_file, W->bundle_len);
    {
        tk_world *plain = tk_world_new();
        put(1, "tk-world.tb1", plain->bundle_file, plain->bundle_len);
        tk_world_free(plain);
    }

    tk_key ikeys[6];
    tess_issuer_in issuers[6];
    static const char *const prefixes[] = {"FORK-", "WELD-", "x:"};
    static const char *const names[] = {"https://academy.example", "https://college.example",
                                        "https://guild.example", "https://union.example",
                                        "https://city.example", "https://port.example"};
    memset(issuers, 0, sizeof issuers);
    for (int i = 0; i < 6; i++) {
        tk_key_from_seed(&ikeys[i], (uint8_t)(i == 0 ? 1 : 30 + i));
        memcpy(issuers[i].pk, ikeys[i].pk, 32);
        issuers[i].iss = names[i];
        issuers[i].name = names[i] + 8;
        issuers[i].not_before = 1577836800u + (uint64_t)i * 86400u;
        issuers[i].not_after = 1893456000u;
        issuers[i].restricted = i % 2 == 0;
        issuers[i].allowed = prefixes;
        issuers[i].n_allowed = (size_t)(i % 3 + 1);
    }
    uint8_t revoked[40][16];
    for (int i = 0; i < 40; i++)
        for (int k = 0; k < 16; k++)
            revoked[i][k] = (uint8_t)(i * 37 + k * 11);
    size_t n_revoked = 40;
    if (tess_bundle_sort(issuers, 6, revoked, &n_revoked) != TESS_OK)
        fail("sort");

    static const char *const req_iss[] = {"https://academy.example", "https://college.example",
                                          "https://guild.example"};
    static const char *const req_ach[] = {"FORK-L1", "ANY-1", "x:weld"};
    tess_pathway_in pws[3] = {
        {"logistics-basic", "Logistics, basic", req_iss, req_ach, 3, false, 0},
        {"warehouse-lead", "Warehouse lead", req_iss, req_ach, 2, true, 1},
        {"empty", "", req_iss, req_ach, 0, true, 0},
    };

    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = 7;
    in.issued_at = TK_NOW - 3600;
    in.expires = TK_NOW + 90u * 86400u;
    in.publisher = "Tessera fuzz fleet";
    in.issuers = issuers;
    in.n_issuers = 6;
    in.revoked = (const uint8_t(*)[16])revoked;
    in.n_revoked = n_revoked;
    in.pathways = pws;
    in.n_pathways = 3;
    len = sign_bundle(&in, r01, 2, NULL, out, sizeof out);
    put(1, "valid-full.tb1", out, len);
    len = sign_bundle(&in, r012, 3, NULL, out, sizeof out);
    put(1, "valid-three-sigs.tb1", out, len);

    /* new_roots: rotate to roots 1, 2 and a new key, signed by all. */
    tk_key fresh;
    tk_key_from_seed(&fresh, 13);
    uint8_t new_roots[3][32];
    memcpy(new_roots[0], W->root[1].pk, 32);
    memcpy(new_roots[1], W->root[2].pk, 32);
    memcpy(new_roots[2], fresh.pk, 32);
    in.has_new_roots = true;
    in.new_threshold = 2;
    in.new_roots = (const uint8_t(*)[32])new_roots;
    in.n_new_roots = 3;
    len = sign_bundle(&in, r012, 3, &fresh, out, sizeof out);
    put(1, "valid-new-roots.tb1", out, len);
    len = sign_bundle(&in, r0, 1, &fresh, out, sizeof out);
    put(1, "threshold-new-roots.tb1", out, len);
    /* Rotation to keys that did not sign. */
    tk_key stranger[2];
    tk_key_from_seed(&stranger[0], 20);
    tk_key_from_seed(&stranger[1], 21);
    memcpy(new_roots[0], stranger[0].pk, 32);
    memcpy(new_roots[1], stranger[1].pk, 32);
    in.n_new_roots = 2;
    len = sign_bundle(&in, r01, 2, &stranger[0], out, sizeof out);
    put(1, "rotation.tb1", out, len);
    in.has_new_roots = false;

    /* threshold: one root, or a stranger beside it */
    len = sign_bundle(&in, r0, 1, NULL, out, sizeof out);
    put(1, "threshold-one-root.tb1", out, len);
    len = sign_bundle(&in, r0, 1, &stranger[0], out, sizeof out);
    put(1, "threshold-stranger.tb1", out, len);

    /* bad_bundle: unsorted revocations, a cti list of 15 bytes, untagged */
    uint8_t swapped[2][16];
    memset(swapped[0], 0x22, 16);
    memset(swapped[1], 0x11, 16);
    tess_bundle_in bad = in;
    bad.revoked = (const uint8_t(*)[16])swapped;
    bad.n_revoked = 2;
    len = sign_bundle(&bad, r01, 2, NULL, out, sizeof out);
    put(1, "bad_bundle-unsorted-revoked.tb1", out, len);
    bad = in;
    tess_issuer_in unsorted[2] = {issuers[1], issuers[0]};
    bad.issuers = unsorted;
    bad.n_issuers = 2;
    len = sign_bundle(&bad, r01, 2, NULL, out, sizeof out);
    put(1, "bad_bundle-unsorted-issuers.tb1", out, len);
    len = sign_bundle(&in, r01, 2, NULL, out, sizeof out);
    put(1, "bad_bundle-untagged.tb1", out + 2, len - 2);
    put(2, "bundle.tb1", out, len);
    bad = in;
    pws[1].needed = 5;
    len = sign_bundle(&bad, r01, 2, NULL, out, sizeof out);
    put(1, "bad_bundle-needed.tb1", out, len);
    pws[1].needed = 1;

    /* Many issuers, no revocations. */
    bad = in;
    bad.n_revoked = 0;
    bad.n_pathways = 0;
    len = sign_bundle(&bad, r01, 2, NULL, out, sizeof out);
    put(1, "valid-no-revocations.tb1", out, len);
}

/* ---- CBOR vectors ---- */

/* Skips one item, indefinite lengths included (the vector files hold them). */
static const uint8_t *lax_skip(const uint8_t *p, const uint8_t *end, int depth)
{
    if (p >= end || depth > 100000)
        return NULL;
    uint8_t ib = *p++;
    uint8_t major = ib >> 5, info = ib & 31;
    uint64_t val = info;
    if (info == 31) {
        if (major < 2 || major == 6)
            return NULL;
        if (major == 7)
            return NULL; /* a stray break */
        while (p < end && *p != 0xFF)
            if (!(p = lax_skip(p, end, depth + 1)))
                return NULL;
        return p < end ? p + 1 : NULL;
    }
    if (info >= 28)
        return NULL;
    if (info >= 24) {
        size_t n = (size_t)1 << (info - 24);
        if ((size_t)(end - p) < n)
            return NULL;
        val = 0;
        for (size_t i = 0; i < n; i++)
            val = val << 8 | *p++;
    }
    switch (major) {
    case 2:
    case 3:
        if (val > (uint64_t)(end - p))
            return NULL;
        return p + val;
    case 4:
    case 5:
        for (uint64_t i = 0; i < (major == 5 ? 2 * val : val); i++)
            if (!(p = lax_skip(p, end, depth + 1)))
                return NULL;
        return p;
    case 6:
        return lax_skip(p, end, depth + 1);
    default:
        return p;
    }
}

static bool read_head(const uint8_t **pp, const uint8_t *end, uint8_t *major, uint64_t *val)
{
    tess_cbor c = {*pp, end};
    tess_cbor_item it;
    if (tess_cbor_read(&c, &it) != TESS_OK)
        return false;
    *major = it.major;
    *val = it.major == TESS_CBOR_BSTR || it.major == TESS_CBOR_TSTR ? it.str.len : it.val;
    *pp = it.major == TESS_CBOR_BSTR || it.major == TESS_CBOR_TSTR ? it.str.ptr : c.p;
    return true;
}

/* In a definite map at *pp (head not read), the value of text key `key`. */
static const uint8_t *map_text_key(const uint8_t *p, const uint8_t *end, const char *key)
{
    uint8_t major;
    uint64_t n;
    if (!read_head(&p, end, &major, &n) || major != TESS_CBOR_MAP)
        return NULL;
    for (uint64_t i = 0; i < n; i++) {
        uint8_t km;
        uint64_t klen;
        const uint8_t *k = p;
        if (!read_head(&k, end, &km, &klen))
            return NULL;
        const uint8_t *v = lax_skip(p, end, 0);
        if (!v)
            return NULL;
        if (km == TESS_CBOR_TSTR && klen == strlen(key) && memcmp(k, key, klen) == 0)
            return v;
        if (!(p = lax_skip(v, end, 0)))
            return NULL;
    }
    return NULL;
}

static void cbor_vector_file(const char *rel, const char *tag)
{
    size_t n;
    char *file = tk_read_file(rel, &n);
    const uint8_t *p = (const uint8_t *)file, *end = p + n;
    char name[256];
    snprintf(name, sizeof name, "file-%s.cbor", tag);
    put(2, name, file, n);
    const uint8_t *tests = map_text_key(p, end, "tests");
    uint8_t major;
    uint64_t count;
    if (!tests || !read_head(&tests, end, &major, &count) || major != TESS_CBOR_ARRAY)
        fail(rel);
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *enc = map_text_key(tests, end, "encoded");
        uint64_t len;
        if (enc && read_head(&enc, end, &major, &len) && major == TESS_CBOR_BSTR) {
            snprintf(name, sizeof name, "%s-%04u.cbor", tag, (unsigned)i);
            put(2, name, enc, (size_t)len);
        }
        if (!(tests = lax_skip(tests, end, 0)))
            fail(rel);
    }
    free(file);
}

static cJSON *json_file(const char *rel)
{
    char *text = tk_read_file(rel, NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j)
        fail(rel);
    return j;
}

static void put_hex(int sub, const char *name, const char *hex)
{
    uint8_t buf[16384];
    size_t n = tk_unhex(hex, buf, sizeof buf);
    if (n == (size_t)-1)
        fail(name);
    put(sub, name, buf, n);
}

static void cose_examples(void)
{
    static const char *const dirs[] = {"CWT", "RFC8152", "countersign", "countersign1",
                                       "eddsa-examples", "sign1-tests"};
    char rel[512], name[256];
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        snprintf(rel, sizeof rel, "%s/cose-wg-examples/%s", tk_vectors_dir(), dirs[d]);
        DIR *dir = opendir(rel);
        if (!dir)
            fail(rel);
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            size_t l = strlen(de->d_name);
            if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
                continue;
            snprintf(rel, sizeof rel, "cose-wg-examples/%s/%s", dirs[d], de->d_name);
            cJSON *j = json_file(rel);
            cJSON *out = cJSON_GetObjectItemCaseSensitive(j, "output");
            cJSON *hex = out ? cJSON_GetObjectItemCaseSensitive(out, "cbor") : NULL;
            if (cJSON_IsString(hex)) {
                snprintf(name, sizeof name, "cose-%s-%.*s.cbor", dirs[d], (int)(l - 5),
                         de->d_name);
                put_hex(2, name, hex->valuestring);
                put_hex(0, name, hex->valuestring);
            }
            cJSON_Delete(j);
            snprintf(rel, sizeof rel, "%s/cose-wg-examples/%s", tk_vectors_dir(), dirs[d]);
        }
        closedir(dir);
    }
}

static void cbor_seeds(void)
{
    static const struct {
        const char *rel, *tag;
    } files[] = {
        {"cbor-wg-cbor-test-vectors/rfc8949/good.cbor", "good"},
        {"cbor-wg-cbor-test-vectors/rfc8949/bad.cbor", "bad"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt0.cbor", "mt0"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt1.cbor", "mt1"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt2.cbor", "mt2"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt3.cbor", "mt3"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt4.cbor", "mt4"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt5.cbor", "mt5"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt6.cbor", "mt6"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt7-float.cbor", "mt7-float"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/mt7-simple.cbor", "mt7-simple"},
        {"cbor-wg-cbor-test-vectors/rfc8949-appendixA/streaming.cbor", "streaming"},
        {"cbor-wg-cbor-test-vectors/spike/spike.cbor", "spike"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cbor_vector_file(files[i].rel, files[i].tag);

    char name[256];
    cJSON *j = json_file("derived/cbor-rfc8949-bad.json");
    cJSON *list = cJSON_IsArray(j) ? j : NULL;
    if (!list) {
        /* An object holding the array under some key. */
        cJSON *it;
        cJSON_ArrayForEach(it, j) if (cJSON_IsArray(it)) list = it;
    }
    size_t k = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        cJSON *hex = cJSON_GetObjectItemCaseSensitive(it, "encoded_hex");
        if (cJSON_IsString(hex)) {
            snprintf(name, sizeof name, "rfc8949-bad-%03zu.cbor", k++);
            put_hex(2, name, hex->valuestring);
        }
    }
    cJSON_Delete(j);

    j = json_file("cbor-test-vectors/appendix_a.json");
    k = 0;
    cJSON_ArrayForEach(it, j)
    {
        cJSON *hex = cJSON_GetObjectItemCaseSensitive(it, "hex");
        if (cJSON_IsString(hex)) {
            snprintf(name, sizeof name, "appendix-a-%03zu.cbor", k++);
            put_hex(2, name, hex->valuestring);
        }
    }
    cJSON_Delete(j);

    j = json_file("derived/cose-eddsa-sign1-mutations.json");
    list = cJSON_IsArray(j) ? j : NULL;
    if (!list)
        cJSON_ArrayForEach(it, j) if (cJSON_IsArray(it)) list = it;
    k = 0;
    cJSON_ArrayForEach(it, list)
    {
        cJSON *hex = cJSON_GetObjectItemCaseSensitive(it, "cbor_hex");
        if (cJSON_IsString(hex)) {
            snprintf(name, sizeof name, "eddsa-mutation-%02zu.cbor", k++);
            put_hex(2, name, hex->valuestring);
            put_hex(0, name, hex->valuestring);
        }
    }
    cJSON_Delete(j);

    cose_examples();

    /* A few of our own corner cases. */
    static const struct {
        const char *name, *hex;
    } mine[] = {
        {"dup-key-wide.cbor", "a2011801"},       /* 1 and 0x1801: one key */
        {"dup-key-text.cbor", "a2616101616102"},
        {"depth8.cbor", "8181818181818181"},
        {"depth9.cbor", "818181818181818180"},
        {"tags-deep.cbor", "c1c1c1c1c1c1c1c100"},
        {"tag18-1byte.cbor", "d81280"},
        {"simple-32.cbor", "f820"},
        {"simple-2byte-low.cbor", "f818"},
        {"overlong-utf8.cbor", "62c0af"},
        {"surrogate.cbor", "63eda080"},
        {"map-neg-keys.cbor", "a3200120022003"},
        {"big-count.cbor", "9bffffffffffffffff"},
        {"float16.cbor", "f97c00"},
        {"dup-zero-signs.cbor", "a2 f90000 01 f98000 02"},          /* 0.0, -0.0 */
        {"dup-one-widths.cbor", "a2 f93c00 01 fa3f800000 02"},      /* 1.0 twice */
        {"dup-nan.cbor", "a2 f97e00 01 fb7ff8000000000000 02"},     /* NaN twice */
        {"dup-map-order.cbor", "a2 a201020304 00 a203040102 01"},   /* same pairs */
        {"dup-tagged.cbor", "a2 c101 00 c11801 01"},
        {"keys-arrays.cbor", "a2 820102 00 820201 01"},
    };
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        char hex[128];
        size_t o = 0;
        for (const char *h = mine[i].hex; *h && o + 1 < sizeof hex; h++)
            if (*h != ' ')
                hex[o++] = *h;
        hex[o] = '\0';
        put_hex(2, mine[i].name, hex);
    }
}

/* ---- the corpora of the other harnesses, from the ones above ---- */

static uint8_t *read_whole(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail(path);
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *more = realloc(buf, cap * 2);
            if (!more)
                break;
            buf = more;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        fail("memory");
    *n = len;
    return buf;
}

/* Calls fn on each file of root_dir/subs[sub] whose name ends in suffix,
 * in name order (the same seeds each time). */
static void each_file(int sub, const char *suffix,
                      void (*fn)(const char *name, const uint8_t *p, size_t n))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", root_dir, subs[sub]);
    struct dirent **list;
    int count = scandir(dir, &list, NULL, alphasort);
    if (count < 0)
        fail(dir);
    for (int i = 0; i < count; i++) {
        const char *name = list[i]->d_name;
        size_t l = strlen(name), sl = strlen(suffix);
        if (name[0] != '.' && l > sl && strcmp(name + l - sl, suffix) == 0) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            size_t n;
            uint8_t *p = read_whole(path, &n);
            fn(name, p, n);
            free(p);
        }
        free(list[i]);
    }
    free(list);
}

/* claims: every payload; claims_signed: the same with the signer byte
 * (0: issuer seed 1, 1: seed 3, 3: seed 1 and a flipped bit). */
static void claims_seed(const char *name, const uint8_t *p, size_t n)
{
    put(S_CLAIMS, name, p, n);
    uint8_t buf[8192];
    if (n + 1 > sizeof buf)
        return;
    memcpy(buf + 1, p, n);
    char fname[300];
    static const uint8_t who[] = {0, 3, 4};
    for (size_t i = 0; i < sizeof who; i++) {
        buf[0] = who[i];
        snprintf(fname, sizeof fname, "k%u-%s", (unsigned)who[i], name);
        put(S_CLAIMS_SIGNED, fname, buf, n + 1);
    }
}

/* cose: every message; inflate: its zlib stream at a few caps. */
static void cose_seed(const char *name, const uint8_t *p, size_t n)
{
    put(S_COSE, name, p, n);
    static uint8_t z[16384 + 1];
    size_t zl;
    if (tess_deflate(p, n, z + 1, sizeof z - 1, &zl) != TESS_OK)
        return;
    char fname[300];
    static const uint8_t caps[] = {12, 9, 0xF6}; /* 4096, 512; 4096 and deflate too */
    for (size_t i = 0; i < sizeof caps; i++) {
        z[0] = caps[i];
        snprintf(fname, sizeof fname, "cap%u-%s.zlib", (unsigned)caps[i], name);
        put(S_INFLATE, fname, z, zl + 1);
    }
}

static void zlib_seed(const char *name, const uint8_t *p, size_t n)
{
    static uint8_t z[16384 + 1];
    if (n + 1 > sizeof z)
        return;
    z[0] = 12;
    memcpy(z + 1, p, n);
    put(S_INFLATE, name, z, n + 1);
}

/* b45: the Base45 of every text (what follows "MC1:"), as is. */
static void text_seed(const char *name, const uint8_t *p, size_t n)
{
    const uint8_t *colon = memchr(p, ':', n < 8 ? n : 8);
    if (colon)
        put(S_B45, name, colon + 1, n - (size_t)(colon + 1 - p));
}

static void bundle_file_seed(const char *name, const uint8_t *p, size_t n)
{
    put(S_INSTALL, name, p, n);
    put(S_ROOT, name, p, n);
}

/* scan: a few texts as QR codes, 2 pixels a module, 2 modules of quiet
 * zone: two bytes of width, then the grey pixels. */
static void qr_seed(const char *name, const char *text, bool retries)
{
    qr_code q;
    if (!qr_encode(text, 'L', &q))
        fail("qr_encode");
    qr_style st = {'L', 2, 2};
    int w, h;
    uint8_t *px = qr_pixels(&q, &st, &w, &h);
    qr_free(&q);
    if (!px || w > 1023)
        fail("qr_pixels");
    size_t n = (size_t)w * (size_t)h;
    uint8_t *buf = malloc(n + 2);
    if (!buf)
        fail("memory");
    buf[0] = (uint8_t)((w >> 8) | (retries ? 0x80 : 0));
    buf[1] = (uint8_t)(w & 0xff);
    memcpy(buf + 2, px, n);
    put(S_SCAN, name, buf, n + 2);
    free(buf);
    free(px);
}

static void scan_text_seed(const char *name, const uint8_t *p, size_t n)
{
    /* The valid ones, the revoked one and a few refusals. */
    if (strncmp(name, "valid-default-auto", 18) != 0 && strncmp(name, "revoked", 7) != 0 &&
        strncmp(name, "expired", 7) != 0 && strncmp(name, "valid-second", 12) != 0 &&
        strncmp(name, "bad_base45-ggw", 14) != 0)
        return;
    char text[8300];
    if (n >= sizeof text)
        return;
    memcpy(text, p, n);
    text[n] = '\0';
    char fname[300];
    snprintf(fname, sizeof fname, "%s.grey", name);
    qr_seed(fname, text, false);
    snprintf(fname, sizeof fname, "retries-%s.grey", name);
    qr_seed(fname, text, true);
}

/* roundtrip: a header of 24 bytes, then texts separated by 0 (see
 * fuzz_roundtrip.c). */
static void roundtrip_seed(const char *name, uint8_t flags, uint16_t has, int16_t iat_days,
                           int16_t exp_hours, uint8_t cti_fill, const char *texts, size_t tl)
{
    uint8_t buf[1024];
    memset(buf, 0, 24);
    buf[0] = flags;
    buf[1] = (uint8_t)(has >> 8);
    buf[2] = (uint8_t)has;
    buf[3] = (uint8_t)((uint16_t)iat_days >> 8);
    buf[4] = (uint8_t)iat_days;
    buf[5] = (uint8_t)((uint16_t)exp_hours >> 8);
    buf[6] = (uint8_t)exp_hours;
    buf[7] = 0xff; /* nbf a minute before now */
    buf[8] = 0xff;
    buf[9] = 2;
    buf[10] = 3;
    buf[12] = 16;
    buf[15] = cti_fill;
    memset(buf + 16, cti_fill, 8);
    buf[17] = 0x31;
    buf[18] = 3;
    memcpy(buf + 24, texts, tl);
    put(S_ROUNDTRIP, name, buf, 24 + tl);
}

static void roundtrip_seeds(void)
{
    static const char full[] = "Maria Garcia\0Forklift Safety, Level 1\0FORK-L1\0Example Academy"
                               "\0holder-7731\0ES\0EQAVET\0es-ES\0esco:0b4a9b1c\0esco:6c2d1e7f"
                               "\1logistics-basic\0warehouse-lead";
    static const char any[] = "Ada\0Crane\0CRANE-2\0Example College";
    uint16_t all = TESS_HAS_SUB | TESS_HAS_EXP | TESS_HAS_NBF | TESS_HAS_TYPE |
                   TESS_HAS_COUNTRY | TESS_HAS_EQF | TESS_HAS_WORKLOAD | TESS_HAS_QA |
                   TESS_HAS_LANG;
    roundtrip_seed("valid-full", 0, all, -1, 24 * 365, 0x42, full, sizeof full - 1);
    roundtrip_seed("valid-college", 1, TESS_HAS_EXP, -30, 24, 0x43, any, sizeof any - 1);
    roundtrip_seed("out_of_scope", 0, 0, -1, 0, 0x44, any, sizeof any - 1);
    roundtrip_seed("revoked", 0, TESS_HAS_EXP, -1, 100, 0xA5, full, sizeof full - 1);
    roundtrip_seed("revoked-college", 1, 0, -1, 0, 0x11, any, sizeof any - 1);
    roundtrip_seed("expired", 0, TESS_HAS_EXP, -10, -48, 0x45, full, sizeof full - 1);
    roundtrip_seed("not_yet_valid", 0, TESS_HAS_NBF, -1, 0, 0x46, full, sizeof full - 1);
    roundtrip_seed("key_not_valid", 1, 0, -3000, 0, 0x47, any, sizeof any - 1);
    roundtrip_seed("issuer_mismatch", 2, 0, -1, 0, 0x48, full, sizeof full - 1);
    roundtrip_seed("bad-utf8", 0, 0, -1, 0, 0x49, "\xc0\xaf\0t\0FORK-1\0a", 13);
}

/* config: the documented example, and a few files with problems. */
static void config_seeds(void)
{
    put(S_CONFIG, "example.conf", config_example, strlen(config_example));
    static const struct {
        const char *name, *text;
    } files[] = {
        {"empty.conf", ""},
        {"comments.conf", "# nothing\n\n   # more\n"},
        {"mode-checkin.conf", "mode = checkin\nlanguage = fr\nstale_policy = refuse\n"},
        {"bad-value.conf", "verdict_seconds = 999\nvolume = -1\n"},
        {"unknown-key.conf", "colour = blue\n"},
        {"no-equals.conf", "mode door\n"},
        {"twice.conf", "mode = verify\nmode = verify\n"},
        {"size.conf", "width = 800\nheight = 480\nfullscreen = no\n"},
        {"pin.conf", "admin_pin_hash = $argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA\n"},
        {"crlf.conf", "sounds = off\r\nvolume = 10\r\n"},
        {"nul.conf", "mode = \0verify\n"},
        {"long-line.conf", "language = "
                           "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen"
                           "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen"
                           "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen"
                           "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        put(S_CONFIG, files[i].name, files[i].text,
            strcmp(files[i].name, "nul.conf") == 0 ? 16 : strlen(files[i].text));
}

static void b45_vector_seeds(void)
{
    cJSON *j = json_file("rfc9285-base45/base45_vectors.json");
    static const char *const lists[] = {"valid", "invalid"};
    char name[64];
    for (size_t l = 0; l < 2; l++) {
        cJSON *it;
        size_t k = 0;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, lists[l]))
        {
            cJSON *enc = cJSON_GetObjectItemCaseSensitive(it, "encoded");
            if (cJSON_IsString(enc)) {
                snprintf(name, sizeof name, "rfc9285-%s-%02zu", lists[l], k++);
                put(S_B45, name, enc->valuestring, strlen(enc->valuestring));
            }
        }
    }
    cJSON_Delete(j);
}

static void derived_seeds(void)
{
    each_file(S_CBOR, ".payload", claims_seed);
    each_file(S_VERIFY, ".cose", cose_seed);
    each_file(S_CBOR, ".cbor", cose_seed);
    each_file(S_VERIFY, ".zlib", zlib_seed);
    each_file(S_VERIFY, ".txt", text_seed);
    each_file(S_VERIFY, ".txt", scan_text_seed);
    each_file(S_BUNDLE, "", bundle_file_seed);
    b45_vector_seeds();
    roundtrip_seeds();
    config_seeds();
    /* Roots of every size, and broken ones. */
    static const int n_keys[] = {1, 2, 5, 16, 17};
    for (size_t i = 0; i < sizeof n_keys / sizeof n_keys[0]; i++) {
        uint8_t keys[17][32], out[1024];
        size_t len;
        for (int k = 0; k < n_keys[i]; k++)
            memset(keys[k], 0x20 + k, 32);
        unsigned t = (unsigned)(n_keys[i] + 1) / 2;
        if (tess_root_encode(t, (const uint8_t(*)[32])keys, (size_t)n_keys[i], out, sizeof out,
                             &len) == TESS_OK) {
            char name[64];
            snprintf(name, sizeof name, "root-%d-keys.cbor", n_keys[i]);
            put(S_ROOT, name, out, len);
            out[len - 1] ^= 1;
            snprintf(name, sizeof name, "root-%d-keys-flipped.cbor", n_keys[i]);
            put(S_ROOT, name, out, len);
        }
    }
}

/* ---- the text files of issuing and the booth: the shipped ones, and a
 * few broken on purpose ---- */

/* Every file in the source tree's dir ending with suffix, as seeds of sub. */
static void copy_assets(int sub, const char *dir, const char *suffix)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TESS_SOURCE_DIR, dir);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        exit(1);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name), m = strlen(suffix);
        if (n <= m || strcmp(e->d_name + n - m, suffix) != 0)
            continue;
        char file[1400];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        FILE *f = fopen(file, "rb");
        static uint8_t buf[1 << 16];
        size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f)
            fclose(f);
        put(sub, e->d_name, buf, got);
    }
    closedir(d);
}

static void put_str(int sub, const char *name, const char *text)
{
    put(sub, name, text, strlen(text));
}

static void text_seeds(void)
{
    copy_assets(S_TEMPLATE, "assets/templates", ".tmpl");
    put_str(S_TEMPLATE, "bad-eqf.tmpl", "title: T\nachievement: A\nawarder: W\neqf: 9\n");
    put_str(S_TEMPLATE, "dup.tmpl", "title: T\ntitle: U\n");
    copy_assets(S_ROLE, "assets/roles", ".role");
    put_str(S_ROLE, "alts.role", "title: R\nrequire: esco:a | x:b | onet:1.2\nmin_eqf: 3\n");
    copy_assets(S_ESCO, "assets/esco", ".tsv");
    copy_assets(S_ACCESS, "assets/roles", ".access");
    put_str(S_ACCESS, "any.access", "allow *\n");
    static const char *const csvs[] = {
        "name\r\nAda Lovelace\r\n",
        "\xef\xbb\xbfname,lang,expires\n\"Jos\xc3\xa9, M\xc3\xbcller\",es,2027-01-01\n",
        "name\n\"two\nlines\",\n\"a \"\"quote\"\"\"\n",
        "name,sub\n\"unterminated\n",
        "name\n\"x\"y\n",
    };
    for (size_t i = 0; i < sizeof csvs / sizeof csvs[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "case-%zu.csv", i);
        put(S_CSV, name, csvs[i], strlen(csvs[i]));
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    snprintf(root_dir, sizeof root_dir, "%s", argv[1]);
    char path[600];
    make_dir(root_dir);
    for (size_t i = 0; i < N_SUBS; i++) {
        snprintf(path, sizeof path, "%s/%s", root_dir, subs[i]);
        make_dir(path);
    }

    W = fuzz_world_new(&second);
    verify_seeds();
    bundle_seeds();
    cbor_seeds();
    derived_seeds();
    text_seeds();
    printf("fuzz_seeds:");
    for (size_t i = 0; i < N_SUBS; i++)
        printf(" %zu %s", n_written[i], subs[i]);
    printf(" seeds in %s\n", root_dir);
    tk_world_free(W);
    return 0;
}
