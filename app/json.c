/* A small JSON writer: strings escaped per RFC 8259. */
#include "json.h"

#include <inttypes.h>

#include "tessera/tess_cbor.h"
#include "tessera/tess_crypto.h"

void json_init(json *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->first[0] = true;
    j->after_key = false;
}

static void sep(json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (!j->first[j->depth])
        fputs(", ", j->out);
    j->first[j->depth] = false;
}

static void open_(json *j, char ch)
{
    sep(j);
    fputc(ch, j->out);
    if (j->depth < 31)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_(json *j, char ch)
{
    if (j->depth > 0)
        j->depth--;
    fputc(ch, j->out);
}

void json_obj(json *j) { open_(j, '{'); }
void json_end_obj(json *j) { close_(j, '}'); }
void json_arr(json *j) { open_(j, '['); }
void json_end_arr(json *j) { close_(j, ']'); }

void json_strn(json *j, const uint8_t *s, size_t n)
{
    sep(j);
    fputc('"', j->out);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s[i];
        switch (ch) {
        case '"': fputs("\\\"", j->out); break;
        case '\\': fputs("\\\\", j->out); break;
        case '\n': fputs("\\n", j->out); break;
        case '\r': fputs("\\r", j->out); break;
        case '\t': fputs("\\t", j->out); break;
        default:
            /* Control characters, and DEL, never reach a terminal raw. */
            if (ch < 0x20 || ch == 0x7f)
                fprintf(j->out, "\\u%04x", ch);
            else
                fputc(ch, j->out);
        }
    }
    fputc('"', j->out);
}

void json_key(json *j, const char *k)
{
    json_str(j, k);
    fputs(": ", j->out);
    j->after_key = true;
}

void json_key_span(json *j, tess_span k)
{
    json_span(j, k);
    fputs(": ", j->out);
    j->after_key = true;
}

void json_raw(json *j, const char *token)
{
    sep(j);
    fputs(token, j->out);
}

void json_str(json *j, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    json_strn(j, (const uint8_t *)s, n);
}

void json_span(json *j, tess_span s)
{
    json_strn(j, s.ptr, s.len);
}

void json_hex(json *j, const uint8_t *s, size_t n)
{
    sep(j);
    fputc('"', j->out);
    for (size_t i = 0; i < n; i++)
        fprintf(j->out, "%02x", s[i]);
    fputc('"', j->out);
}

void json_u64(json *j, uint64_t v)
{
    sep(j);
    fprintf(j->out, "%" PRIu64, v);
}

void json_i64(json *j, int64_t v)
{
    sep(j);
    fprintf(j->out, "%" PRId64, v);
}

void json_bool(json *j, bool v)
{
    sep(j);
    fputs(v ? "true" : "false", j->out);
}

void json_null(json *j)
{
    sep(j);
    fputs("null", j->out);
}

void json_done(json *j)
{
    fputc('\n', j->out);
    fflush(j->out);
}

static void kv_span(json *j, const char *k, tess_span s)
{
    json_key(j, k);
    json_span(j, s);
}

static void kv_u64(json *j, const char *k, uint64_t v)
{
    json_key(j, k);
    json_u64(j, v);
}

static void list(json *j, const char *k, const tess_span *items, size_t n)
{
    json_key(j, k);
    json_arr(j);
    for (size_t i = 0; i < n; i++)
        json_span(j, items[i]);
    json_end_arr(j);
}

void json_credential(json *j, const tess_credential *cr)
{
    uint32_t h = cr->has;
    json_obj(j);
    kv_span(j, "iss", cr->iss);
    if (h & TESS_HAS_SUB)
        kv_span(j, "sub", cr->sub);
    kv_u64(j, "iat", cr->iat);
    if (h & TESS_HAS_NBF)
        kv_u64(j, "nbf", cr->nbf);
    if (h & TESS_HAS_EXP)
        kv_u64(j, "exp", cr->exp);
    json_key(j, "cti");
    json_hex(j, cr->cti, 16);
    kv_u64(j, "version", cr->version);
    kv_span(j, "holder", cr->holder);
    kv_span(j, "title", cr->title);
    kv_span(j, "achievement", cr->achievement);
    kv_u64(j, "type", cr->type);
    json_key(j, "type_name");
    json_str(j, tess_type_name(cr->type));
    kv_span(j, "awarder", cr->awarder);
    if (h & TESS_HAS_COUNTRY)
        kv_span(j, "country", cr->country);
    if (h & TESS_HAS_SKILLS)
        list(j, "skills", cr->skills, cr->n_skills);
    if (h & TESS_HAS_EQF)
        kv_u64(j, "eqf", cr->eqf);
    if (h & TESS_HAS_WORKLOAD)
        kv_u64(j, "workload", cr->workload);
    if (h & TESS_HAS_ASSESSMENT) {
        kv_u64(j, "assessment", cr->assessment);
        json_key(j, "assessment_name");
        json_str(j, tess_assessment_name(cr->assessment));
    }
    if (h & TESS_HAS_PARTICIPATION) {
        kv_u64(j, "participation", cr->participation);
        json_key(j, "participation_name");
        json_str(j, tess_participation_name(cr->participation));
    }
    if (h & TESS_HAS_QA)
        kv_span(j, "qa", cr->qa);
    if (h & TESS_HAS_STACKS)
        list(j, "stacks", cr->stacks, cr->n_stacks);
    if (h & TESS_HAS_LANG)
        kv_span(j, "lang", cr->lang);
    json_end_obj(j);
}

void json_issuer(json *j, const tess_issuer *is)
{
    json_obj(j);
    json_key(j, "kid");
    json_hex(j, is->kid, TESS_KID_LEN);
    json_key(j, "public_key");
    json_hex(j, is->pk, TESS_PK_LEN);
    kv_span(j, "iss", is->iss);
    kv_span(j, "name", is->name);
    kv_u64(j, "not_before", is->not_before);
    kv_u64(j, "not_after", is->not_after);
    json_key(j, "allowed");
    if (is->any_achievement) {
        json_null(j);
    } else {
        tess_span items[64];
        size_t n = 0;
        tess_cbor c = tess_cbor_at(is->allowed);
        while (n < is->n_allowed && n < 64) {
            tess_cbor_item it;
            if (tess_cbor_read(&c, &it) != TESS_OK)
                break;
            items[n++] = it.str;
        }
        json_arr(j);
        for (size_t i = 0; i < n; i++)
            json_span(j, items[i]);
        json_end_arr(j);
    }
    json_end_obj(j);
}

void json_verdict_fields(json *j, const tess_verdict *v)
{
    json_key(j, "verdict");
    json_str(j, v->reason == TESS_OK ? "valid" : "invalid");
    json_key(j, "reason");
    json_str(j, tess_reason(v->reason));
    json_key(j, "warnings");
    json_arr(j);
    if (v->warnings & TESS_WARN_TRUST_STALE)
        json_str(j, "trust_stale");
    if (v->warnings & TESS_WARN_CLOCK_UNCERTAIN)
        json_str(j, "clock_uncertain");
    json_end_arr(j);
    json_key(j, "judged_at");
    json_u64(j, v->judged_at);
    json_key(j, "credential");
    if (v->has_cred)
        json_credential(j, &v->cred);
    else
        json_null(j);
    json_key(j, "issuer");
    if (v->has_cred)
        json_issuer(j, &v->issuer);
    else
        json_null(j);
}

void json_event_line(const char *kind, const char *event, const char *key, const char *sv,
                     const char *nkey, uint64_t nv)
{
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_key(&j, kind);
    json_str(&j, event);
    if (key) {
        json_key(&j, key);
        json_str(&j, sv);
    }
    if (nkey) {
        json_key(&j, nkey);
        json_u64(&j, nv);
    }
    json_end_obj(&j);
    json_done(&j);
    fflush(stdout);
}
