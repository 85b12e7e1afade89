/* Reason words (FORMAT.md) and their explanations. */
#include "tessera/tess_common.h"

typedef struct {
    tess_status status;
    const char *word;
    const char *text;
} reason_entry;

static const reason_entry reasons[] = {
    {TESS_OK, "valid", "the credential is genuine, in force and not revoked"},
    {TESS_ERR_NOT_MC1, "not_mc1", "the text does not start with MC1: and is not a Tessera credential"},
    {TESS_ERR_BAD_BASE45, "bad_base45", "the text after MC1: is not valid Base45"},
    {TESS_ERR_BAD_COMPRESSION, "bad_compression", "the compressed data is broken or incomplete"},
    {TESS_ERR_TOO_LARGE, "too_large", "the credential is larger than any genuine one may be"},
    {TESS_ERR_CBOR_MALFORMED, "cbor_malformed", "the CBOR data is not well-formed"},
    {TESS_ERR_CBOR_INDEFINITE, "cbor_indefinite", "the CBOR data uses an indefinite length"},
    {TESS_ERR_CBOR_DUP_KEY, "cbor_duplicate_key", "a CBOR map has the same key twice"},
    {TESS_ERR_CBOR_UTF8, "cbor_bad_utf8", "a CBOR text string is not valid UTF-8"},
    {TESS_ERR_CBOR_DEPTH, "cbor_too_deep", "the CBOR data is nested too deeply"},
    {TESS_ERR_CBOR_TRAILING, "cbor_trailing_bytes", "there are bytes after the CBOR item"},
    {TESS_ERR_CBOR_STRING_LIMIT, "cbor_string_too_long", "a CBOR string is longer than allowed"},
    {TESS_ERR_CBOR_TYPE, "cbor_wrong_type", "a CBOR item has the wrong type"},
    {TESS_ERR_CBOR_TOO_COMPLEX, "cbor_too_complex",
     "the CBOR map keys would take too long to compare (a denial-of-service shape)"},
    {TESS_ERR_BAD_COSE, "bad_cose", "the signed envelope (COSE_Sign1) is malformed"},
    {TESS_ERR_BAD_ALG, "bad_alg", "the signature algorithm is missing or not Ed25519"},
    {TESS_ERR_UNKNOWN_ISSUER, "unknown_issuer", "the issuer's key is not in the trust bundle"},
    {TESS_ERR_BAD_SIGNATURE, "bad_signature", "the signature does not match: forged or altered"},
    {TESS_ERR_BAD_CLAIMS, "bad_claims", "the credential's contents are missing or malformed"},
    {TESS_ERR_ISSUER_MISMATCH, "issuer_mismatch", "the credential names another issuer than its key belongs to"},
    {TESS_ERR_OUT_OF_SCOPE, "out_of_scope", "this issuer is not trusted for this achievement"},
    {TESS_ERR_KEY_NOT_VALID, "key_not_valid", "it was issued outside the issuer key's validity period"},
    {TESS_ERR_NOT_YET_VALID, "not_yet_valid", "the credential is not valid yet"},
    {TESS_ERR_EXPIRED, "expired", "the credential has expired"},
    {TESS_ERR_REVOKED, "revoked", "the issuer has revoked this credential"},
    {TESS_ERR_BAD_BUNDLE, "bad_bundle", "the trust bundle is not a well-formed TB1 bundle"},
    {TESS_ERR_THRESHOLD, "threshold", "the trust bundle is not signed by enough root keys"},
    {TESS_ERR_ROTATION, "rotation", "the trust bundle's new root keys did not sign it"},
    {TESS_ERR_ROLLBACK, "rollback", "the trust bundle is not newer than the installed one"},
    {TESS_ERR_BAD_ROOT, "bad_root", "the root file is not a well-formed root of trust"},
    {TESS_ERR_BUFFER, "buffer", "a buffer given to the core is too small"},
    {TESS_ERR_ARG, "argument", "an argument is out of range"},
    {TESS_ERR_CRYPTO, "crypto", "the cryptography library failed"},
};

static const reason_entry *find(tess_status s)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == s)
            return &reasons[i];
    return NULL;
}

const char *tess_reason(tess_status s)
{
    const reason_entry *e = find(s);
    return e ? e->word : "unknown";
}

const char *tess_reason_text(tess_status s)
{
    const reason_entry *e = find(s);
    return e ? e->text : "unknown status";
}
