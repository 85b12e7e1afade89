/* json.h: a small JSON writer for the command's --json output. */
#ifndef TESS_JSON_H
#define TESS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tessera/tess_bundle.h"
#include "tessera/tess_cred.h"
#include "tessera/tess_verify.h"

/* Writes JSON with commas placed for the caller; nesting up to 32. */
typedef struct {
    FILE *out;
    int depth;
    bool first[32];
    bool after_key;
} json;

void json_init(json *j, FILE *out);
void json_obj(json *j);
void json_end_obj(json *j);
void json_arr(json *j);
void json_end_arr(json *j);
void json_key(json *j, const char *k);
void json_key_span(json *j, tess_span k);
/* A token written as is (a number already formatted). */
void json_raw(json *j, const char *token);
void json_str(json *j, const char *s);
void json_strn(json *j, const uint8_t *s, size_t n);   /* UTF-8, escaped */
void json_span(json *j, tess_span s);
void json_hex(json *j, const uint8_t *s, size_t n);
void json_u64(json *j, uint64_t v);
void json_i64(json *j, int64_t v);
void json_bool(json *j, bool v);
void json_null(json *j);
void json_done(json *j);   /* newline */

/* The decoded fields of a credential, as an object. */
void json_credential(json *j, const tess_credential *cr);
/* The members of a verdict in an open object: verdict, reason, warnings,
 * judged_at, credential and issuer (null until the signature held), as
 * `tessera verify --json` and the kiosk print them. */
void json_verdict_fields(json *j, const tess_verdict *v);
/* One line on standard output, flushed: {KIND: EVENT} with a string
 * member (key, sv) and a number member (nkey, nv), each left out when its
 * key is NULL. The kiosk's admin and issue mode report their steps so. */
void json_event_line(const char *kind, const char *event, const char *key, const char *sv,
                     const char *nkey, uint64_t nv);
/* An issuer entry of the bundle, as an object. */
void json_issuer(json *j, const tess_issuer *is);

#endif
