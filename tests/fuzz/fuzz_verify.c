/*
 * fuzz_verify.c: text in, verdict out (tess_verify), under libFuzzer.
 *
 * The input is taken two ways, chosen by its first byte:
 *  - 'M', 'm', space, tab, CR or LF: the bytes are the scanned text as is;
 *  - anything else: the bytes are Z, sent as "MC1:" + Base45(bytes), so that
 *    the fuzzer works on the zlib, CBOR and COSE layers directly (a seed
 *    starting 0xD2 is a COSE_Sign1, 0x78 a zlib stream).
 * A message whose only fault is its signature (bad_signature) is signed
 * again with the key its kid names and verified again, so that the claims
 * and everything after them are fuzzed too.
 *
 * The world is one fixed tk_world, built once: issuer seed 1 restricted to
 * the achievement prefixes "FORK-" and "WELD-", issuer seed 3 for any
 * achievement, two revoked ids; judged at TK_NOW. tests/fuzz/seeds.c builds
 * its seeds for the same world.
 *
 * It crashes only on what the headers say cannot happen: a reason outside
 * FORMAT.md's list, outputs left over after a failure, a "valid" verdict
 * that breaks one of its own checks, spans outside the verifier, a
 * different answer for the same text with spaces around it, or a re-signed
 * message failing before the claims.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "testkit.h"
#include "tessera/tess_b45.h"
#include "tessera/tess_cbor.h"

static tk_world *W;
static tk_key second;   /* issuer seed 3 */
static tess_inflate_arena arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = fuzz_world_new(&second); /* the same world as seeds.c's */
    return 0;
}

static bool in_verifier(tess_span s)
{
    const uint8_t *lo = (const uint8_t *)&W->verifier;
    const uint8_t *hi = lo + sizeof W->verifier;
    return s.len == 0 || (s.ptr >= lo && s.ptr <= hi && s.len <= (size_t)(hi - s.ptr));
}

static bool in_bundle(const uint8_t *p, size_t n)
{
    return p >= W->bundle_file && p + n <= W->bundle_file + W->bundle_len;
}

static bool text_ok(tess_span s)
{
    return in_verifier(s) && s.len <= TESS_MAX_STRING && tess_utf8_valid(s.ptr, s.len);
}


/* What every verdict must hold, whatever the input. */
static void check_verdict(tess_status st, const tess_verdict *vd)
{
    CHECK(st == vd->reason);
    CHECK(fuzz_reason_listed(st));
    CHECK(tess_reason(st) != NULL && tess_reason_text(st) != NULL);
    CHECK(vd->warnings == 0); /* clock after the floor, bundle fresh */
    if (st != TESS_OK && !vd->has_cred) {
        CHECK(vd->judged_at == TK_NOW || vd->judged_at == 0);
        /* Fail closed: nothing but the reason survives. */
        CHECK(!vd->has_issuer && !vd->compressed && vd->z_len == 0 && vd->c_len == 0);
        CHECK(vd->issuer.pk == NULL && vd->cred.cti == NULL && vd->cred.has == 0);
        return;
    }
    CHECK(vd->has_issuer && vd->has_cred && vd->judged_at == TK_NOW);
    CHECK(vd->z_len <= TESS_MAX_Z && vd->c_len <= TESS_MAX_C && vd->c_len > 0);
    const tess_issuer *is = &vd->issuer;
    CHECK(in_bundle(is->pk, 32) && in_bundle(is->kid, 8));
    const tess_credential *cr = &vd->cred;
    CHECK(text_ok(cr->iss) && text_ok(cr->holder) && text_ok(cr->title) &&
          text_ok(cr->achievement) && text_ok(cr->awarder));
    CHECK(text_ok(cr->sub) && text_ok(cr->country) && text_ok(cr->qa) && text_ok(cr->lang));
    tess_span cti = {cr->cti, 16};
    CHECK(cr->cti != NULL && in_verifier(cti));
    CHECK(cr->version == 1);
    CHECK(cr->n_skills <= TESS_MAX_LIST && cr->n_stacks <= TESS_MAX_LIST);
    for (size_t i = 0; i < cr->n_skills; i++)
        CHECK(text_ok(cr->skills[i]));
    for (size_t i = 0; i < cr->n_stacks; i++)
        CHECK(text_ok(cr->stacks[i]));
    if (cr->has & TESS_HAS_EQF)
        CHECK(cr->eqf >= 1 && cr->eqf <= 8);
    CHECK(tess_type_name(cr->type) && tess_assessment_name(cr->assessment) &&
          tess_participation_name(cr->participation));
    if (st == TESS_OK) {
        /* A valid verdict must hold each check of FORMAT.md, redone here. */
        CHECK(cr->iss.len == is->iss.len && memcmp(cr->iss.ptr, is->iss.ptr, is->iss.len) == 0);
        CHECK(tess_issuer_allows(is, cr->achievement));
        CHECK(cr->iat >= is->not_before && cr->iat <= is->not_after);
        CHECK(!(cr->has & TESS_HAS_NBF) || cr->nbf <= TK_NOW + TESS_DEFAULT_SKEW);
        CHECK(!(cr->has & TESS_HAS_EXP) || cr->exp > TK_NOW - TESS_DEFAULT_SKEW);
        CHECK(!tess_bundle_is_revoked(&W->bundle, cr->cti));
    }
}

static tess_status verify(const char *text, size_t len)
{
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    tess_status st = tess_verify(&W->verifier, text, len, &W->bundle, &clock, &W->verdict);
    check_verdict(st, &W->verdict);
    return st;
}

/* Z for a text the pipeline took to the signature step. */
static size_t z_of_text(const char *t, size_t n, uint8_t *z, size_t cap)
{
    while (n && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')) {
        t++;
        n--;
    }
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n'))
        n--;
    CHECK(n >= 4);
    size_t z_len;
    CHECK(tess_b45_decode(t + 4, n - 4, z, cap, &z_len) == TESS_OK);
    return z_len;
}

/* A message whose signature failed: sign it again, it must get further. */
static void resign(const char *text, size_t len)
{
    static uint8_t z[TESS_MAX_Z], cbuf[TESS_MAX_C], out[TESS_MAX_C + 256];
    static char text2[8192];
    size_t z_len = z_of_text(text, len, z, sizeof z);
    tess_span c = {z, z_len};
    if (z_len > 0 && z[0] == 0x78) {
        size_t c_len;
        CHECK(tess_inflate(&arena, z, z_len, cbuf, sizeof cbuf, &c_len) == TESS_OK);
        c.ptr = cbuf;
        c.len = c_len;
    }
    tess_cose_sign1 m;
    CHECK(tess_cose_sign1_parse(c, TESS_MAX_STRING, &m) == TESS_OK);
    CHECK(m.hdr.kid_state == TESS_KID_BSTR && m.hdr.kid.len == 8);
    tess_issuer is;
    CHECK(tess_bundle_find_issuer(&W->bundle, m.hdr.kid.ptr, &is));
    const tk_key *k = memcmp(is.pk, W->issuer.pk, 32) == 0 ? &W->issuer : &second;
    CHECK(memcmp(is.pk, k->pk, 32) == 0);
    size_t out_len, text_len;
    CHECK(tess_cose_sign1_build(m.protected_hdr.ptr, m.protected_hdr.len, m.payload.ptr,
                                m.payload.len, k->sk, out, sizeof out, &out_len) == TESS_OK);
    CHECK(tess_mc1_text(out, out_len, TESS_ZLIB_AUTO, text2, sizeof text2, &text_len) ==
          TESS_OK);
    tess_status st = verify(text2, text_len);
    CHECK(st == TESS_OK || st == TESS_ERR_TOO_LARGE || st >= TESS_ERR_BAD_CLAIMS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool as_text = data[0] == 'M' || data[0] == 'm' || data[0] == ' ' || data[0] == '\t' ||
                   data[0] == '\r' || data[0] == '\n';
    char *text;
    size_t len;
    if (as_text) {
        /* Exactly the input's bytes: an overread is ASan's to see. */
        text = malloc(size);
        CHECK(text != NULL);
        memcpy(text, data, size);
        len = size;
    } else {
        size_t n = tess_b45_encoded_len(size);
        text = malloc(4 + n);
        CHECK(text != NULL);
        memcpy(text, "MC1:", 4);
        size_t got;
        CHECK(tess_b45_encode(data, size, text + 4, n, &got) == TESS_OK && got == n);
        len = 4 + n;
    }

    tess_status st = verify(text, len);

    if (as_text) {
        /* Scanners add spaces and CR/LF: they never change the answer. */
        char *padded = malloc(len + 4);
        CHECK(padded != NULL);
        memcpy(padded, " \t", 2);
        memcpy(padded + 2, text, len);
        memcpy(padded + 2 + len, "\r\n", 2);
        tess_status st2 = verify(padded, len + 4);
        if (st2 != st)
            fprintf(stderr, "fuzz_verify: %s alone, %s with spaces\n", tess_reason(st),
                    tess_reason(st2));
        CHECK(st2 == st);
        free(padded);
    } else if (st != TESS_ERR_NOT_MC1) {
        /* Our own Base45 is never the fault. */
        CHECK(st != TESS_ERR_BAD_BASE45);
    }

    if (st == TESS_ERR_BAD_SIGNATURE)
        resign(text, len);
    free(text);
    return 0;
}
