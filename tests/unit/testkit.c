#include "testkit.h"

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>

static const uint8_t default_cti[16] = {0x5e, 0x11, 0x0c, 0x42, 0x9a, 0x01, 0x77, 0x3b,
                                        0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};

static void die(const char *what, tess_status st)
{
    fprintf(stderr, "testkit: %s: %s\n", what, tess_reason(st));
    abort();
}

void tk_key_from_seed(tk_key *k, uint8_t seed)
{
    uint8_t s[32];
    memset(s, seed, sizeof s);
    if (tess_crypto_init() != TESS_OK || tess_ed25519_keypair(k->pk, k->sk, s) != TESS_OK)
        die("keypair", TESS_ERR_CRYPTO);
}

static tess_span sp(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

void tk_default_cred(tess_credential *cr)
{
    memset(cr, 0, sizeof *cr);
    cr->iss = sp(TK_ISS);
    cr->iat = TK_NOW - 86400;
    cr->has = TESS_HAS_EXP | TESS_HAS_EQF | TESS_HAS_WORKLOAD | TESS_HAS_COUNTRY |
              TESS_HAS_SKILLS;
    cr->exp = TK_NOW + 365u * 86400u;
    cr->cti = default_cti;
    cr->holder = sp("Maria Garcia");
    cr->title = sp("Forklift Safety, Level 1");
    cr->achievement = sp("FORK-L1");
    cr->awarder = sp("Example Academy");
    cr->country = sp("ES");
    cr->eqf = 4;
    cr->workload = 16;
    cr->n_skills = 3;
    cr->skills[0] = sp("esco:0b4a9b1c-7d3e-4f2a-9c61-2f0e8d7b5a43");
    cr->skills[1] = sp("esco:6c2d1e7f-8a9b-4c3d-b2e1-0f9a8b7c6d5e");
    cr->skills[2] = sp("esco:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
}

size_t tk_world_bundle_version(tk_world *w, uint64_t v, uint8_t *out, size_t cap)
{
    uint8_t payload[60000];
    size_t payload_len, len;
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = v;
    in.issued_at = TK_NOW - 3600 + v - 1;
    in.expires = w->bundle_expires;
    in.publisher = "Tessera test fleet";
    in.issuers = w->issuers;
    in.n_issuers = w->n_issuers;
    in.revoked = (const uint8_t(*)[16])w->revoked;
    in.n_revoked = w->n_revoked;
    tess_status st = tess_bundle_payload_encode(&in, payload, sizeof payload, &payload_len);
    if (st != TESS_OK)
        die("bundle payload", st);
    uint8_t sks[2][64];
    memcpy(sks[0], w->root[0].sk, 64);
    memcpy(sks[1], w->root[1].sk, 64);
    st = tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, 2, w->scratch,
                          sizeof w->scratch, out, cap, &len);
    if (st != TESS_OK)
        die("bundle sign", st);
    return len;
}

tess_status tk_world_rebundle(tk_world *w)
{
    w->bundle_len = tk_world_bundle_version(w, 1, w->bundle_file, sizeof w->bundle_file);
    tess_span f = {w->bundle_file, w->bundle_len};
    return tess_bundle_open(f, &w->trust_root, w->issuer_at, 64, w->scratch, sizeof w->scratch,
                            &w->bundle);
}

tk_world *tk_world_new(void)
{
    tk_world *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    for (int i = 0; i < 3; i++)
        tk_key_from_seed(&w->root[i], (uint8_t)(10 + i));
    tk_key_from_seed(&w->issuer, 1);
    tk_key_from_seed(&w->other, 2);
    uint8_t keys[3][32];
    for (int i = 0; i < 3; i++)
        memcpy(keys[i], w->root[i].pk, 32);
    tess_status st = tess_root_encode(2, (const uint8_t(*)[32])keys, 3, w->root_file,
                                      sizeof w->root_file, &w->root_len);
    if (st != TESS_OK)
        die("root", st);
    tess_span rf = {w->root_file, w->root_len};
    if ((st = tess_root_parse(rf, &w->trust_root)) != TESS_OK)
        die("root parse", st);
    memcpy(w->issuers[0].pk, w->issuer.pk, 32);
    w->issuers[0].iss = TK_ISS;
    w->issuers[0].name = "Example Academy";
    w->issuers[0].not_before = 1577836800;  /* 2020-01-01 */
    w->issuers[0].not_after = 1893456000;   /* 2030-01-01 */
    w->n_issuers = 1;
    w->bundle_expires = TK_NOW + 90u * 86400u;
    if ((st = tk_world_rebundle(w)) != TESS_OK)
        die("bundle open", st);
    return w;
}

void tk_world_free(tk_world *w)
{
    free(w);
}

void tk_text_of(const uint8_t *c, size_t c_len, tess_zlib_mode mode, char *text)
{
    size_t len;
    tess_status st = tess_mc1_text(c, c_len, mode, text, 8192, &len);
    if (st != TESS_OK)
        die("mc1 text", st);
}

void tk_sign_raw(const uint8_t *prot, size_t prot_len, const uint8_t *payload,
                 size_t payload_len, const tk_key *k, tess_zlib_mode mode, char *text)
{
    uint8_t c[8192];
    size_t c_len;
    tess_status st = tess_cose_sign1_build(prot, prot_len, payload, payload_len, k->sk, c,
                                           sizeof c, &c_len);
    if (st != TESS_OK)
        die("sign1", st);
    tk_text_of(c, c_len, mode, text);
}

void tk_issue(const tess_credential *cr, const tk_key *k, char *text)
{
    size_t len;
    tess_status st = tess_issue(cr, k->sk, text, 8192, &len);
    if (st != TESS_OK)
        die("issue", st);
}

tess_status tk_verify(tk_world *w, const char *text, uint64_t now)
{
    tess_clock clock = {now, 0, TESS_DEFAULT_SKEW};
    return tess_verify(&w->verifier, text, strlen(text), &w->bundle, &clock, &w->verdict);
}

const char *tk_vectors_dir(void)
{
    const char *env = getenv("TESS_VECTORS");
    return env ? env : TESS_VECTORS;
}

char *tk_read_file(const char *path, size_t *len)
{
    char full[1024];
    if (path[0] == '/')
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", tk_vectors_dir(), path);
    FILE *f = fopen(full, "rb");
    if (!f) {
        fprintf(stderr, "testkit: cannot open %s\n", full);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

size_t tk_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return (size_t)-1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return (size_t)-1;
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

size_t tk_unhex_all(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = tk_unhex(hex, out, cap);
    if (n == (size_t)-1) {
        fprintf(stderr, "testkit: not hex, or too long: %.40s\n", hex);
        abort();
    }
    return n;
}

cJSON *tk_load_json(const char *path)
{
    char *text = tk_read_file(path, NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j) {
        fprintf(stderr, "testkit: %s is not JSON\n", path);
        abort();
    }
    return j;
}

const char *tk_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v)) {
        fprintf(stderr, "testkit: member %s is not a string\n", key);
        abort();
    }
    return v->valuestring;
}

unsigned tk_slow(void)
{
    const char *s = getenv("TESS_SLOW");
    char *end;
    unsigned long v = s ? strtoul(s, &end, 10) : 0;
    return s && *s && !*end && v >= 1 && v <= 100 ? (unsigned)v : 1u;
}
