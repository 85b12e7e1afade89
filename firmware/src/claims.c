/* The CWT claims and the mc map. */
#include "tessera/tess_cred.h"

#include <string.h>

#include "inner.h"

static const tess_cbor_rules claim_rules = {0, TESS_MAX_STRING, NULL};

/* At the map's cursor, the count of the array under key, or 0. */
static uint64_t list_len(const tess_cbor *mc, uint64_t n, int64_t key)
{
    tess_cbor items;
    uint64_t count = 0;
    if (field_array(mc, n, key, &items, &count) != FIELD_OK)
        return 0;
    return count;
}

tess_status tess_claims_limits(tess_span payload, tess_status *strict)
{
    tess_status st = tess_cbor_check(payload, &claim_rules);
    *strict = st;
    if (st == TESS_ERR_CBOR_STRING_LIMIT)
        return TESS_ERR_TOO_LARGE;
    if (st != TESS_OK)
        return TESS_OK;
    tess_cbor c = tess_cbor_at(payload);
    tess_cbor_item m;
    tess_cbor mc;
    uint64_t n_mc;
    if (!read_as(&c, TESS_CBOR_MAP, &m) ||
        field_map(&c, m.val, TESS_CLAIM_MC, &mc, &n_mc) != FIELD_OK)
        return TESS_OK;
    if (list_len(&mc, n_mc, TESS_MC_SKILLS) > TESS_MAX_LIST ||
        list_len(&mc, n_mc, TESS_MC_STACKS) > TESS_MAX_LIST)
        return TESS_ERR_TOO_LARGE;
    return TESS_OK;
}

/* One pass over a map: each known key's value read and typed where it
 * stands (the strict check has already refused repeated keys). */

static bool read_uint(tess_cbor *c, uint64_t *out)
{
    tess_cbor_item it;
    if (!read_as(c, TESS_CBOR_UINT, &it))
        return false;
    *out = it.val;
    return true;
}

static bool read_tstr(tess_cbor *c, tess_span *out)
{
    tess_cbor_item it;
    if (!read_as(c, TESS_CBOR_TSTR, &it))
        return false;
    *out = it.str;
    return true;
}

/* An array of at most TESS_MAX_LIST texts. */
static tess_status read_list(tess_cbor *c, tess_span *out, size_t *count)
{
    tess_cbor_item it;
    if (!read_as(c, TESS_CBOR_ARRAY, &it))
        return TESS_ERR_BAD_CLAIMS;
    if (it.val > TESS_MAX_LIST)
        return TESS_ERR_TOO_LARGE;
    for (uint64_t i = 0; i < it.val; i++)
        if (!read_tstr(c, &out[i]))
            return TESS_ERR_BAD_CLAIMS;
    *count = (size_t)it.val;
    return TESS_OK;
}

/* The key of the next pair. A key that is not an integer is skipped and
 * reported as 0, which no claim uses, so that its value is skipped too. */
static bool read_key(tess_cbor *c, int64_t *key)
{
    tess_cbor_item k;
    tess_cbor at = *c;
    if (tess_cbor_read(&at, &k) == TESS_OK && tess_cbor_int_value(&k, key) && *key != 0) {
        *c = at;
        return true;
    }
    *key = 0;
    return tess_cbor_skip(c) == TESS_OK;
}

enum { NEED_VERSION = 1, NEED_HOLDER = 2, NEED_TITLE = 4, NEED_ACHIEVEMENT = 8, NEED_AWARDER = 16 };

static tess_status parse_mc(tess_cbor *c, uint64_t n, tess_credential *cr)
{
    unsigned seen = 0;
    for (uint64_t i = 0; i < n; i++) {
        int64_t key;
        if (!read_key(c, &key))
            return TESS_ERR_BAD_CLAIMS;
        bool ok = true;
        tess_status st = TESS_OK;
        switch (key) {
        case TESS_MC_VERSION: ok = read_uint(c, &cr->version) && cr->version == 1; seen |= NEED_VERSION; break;
        case TESS_MC_HOLDER: ok = read_tstr(c, &cr->holder); seen |= NEED_HOLDER; break;
        case TESS_MC_TITLE: ok = read_tstr(c, &cr->title); seen |= NEED_TITLE; break;
        case TESS_MC_ACHIEVEMENT: ok = read_tstr(c, &cr->achievement); seen |= NEED_ACHIEVEMENT; break;
        case TESS_MC_AWARDER: ok = read_tstr(c, &cr->awarder); seen |= NEED_AWARDER; break;
        case TESS_MC_TYPE: ok = read_uint(c, &cr->type); cr->has |= TESS_HAS_TYPE; break;
        case TESS_MC_COUNTRY: ok = read_tstr(c, &cr->country); cr->has |= TESS_HAS_COUNTRY; break;
        case TESS_MC_EQF:
            ok = read_uint(c, &cr->eqf) && cr->eqf >= 1 && cr->eqf <= 8;
            cr->has |= TESS_HAS_EQF;
            break;
        case TESS_MC_WORKLOAD: ok = read_uint(c, &cr->workload); cr->has |= TESS_HAS_WORKLOAD; break;
        case TESS_MC_ASSESSMENT: ok = read_uint(c, &cr->assessment); cr->has |= TESS_HAS_ASSESSMENT; break;
        case TESS_MC_PARTICIPATION:
            ok = read_uint(c, &cr->participation);
            cr->has |= TESS_HAS_PARTICIPATION;
            break;
        case TESS_MC_QA: ok = read_tstr(c, &cr->qa); cr->has |= TESS_HAS_QA; break;
        case TESS_MC_LANG: ok = read_tstr(c, &cr->lang); cr->has |= TESS_HAS_LANG; break;
        case TESS_MC_SKILLS: st = read_list(c, cr->skills, &cr->n_skills); cr->has |= TESS_HAS_SKILLS; break;
        case TESS_MC_STACKS: st = read_list(c, cr->stacks, &cr->n_stacks); cr->has |= TESS_HAS_STACKS; break;
        default: ok = tess_cbor_skip(c) == TESS_OK; break;
        }
        if (st != TESS_OK)
            return st;
        if (!ok)
            return TESS_ERR_BAD_CLAIMS;
    }
    unsigned need = NEED_VERSION | NEED_HOLDER | NEED_TITLE | NEED_ACHIEVEMENT | NEED_AWARDER;
    return (seen & need) == need ? TESS_OK : TESS_ERR_BAD_CLAIMS;
}

enum { NEED_ISS = 1, NEED_IAT = 2, NEED_CTI = 4, NEED_MC = 8 };

tess_status tess_claims_parse(tess_span payload, tess_credential *out)
{
    memset(out, 0, sizeof *out);
    tess_status st = tess_cbor_check(payload, &claim_rules);
    if (st != TESS_OK)
        return st == TESS_ERR_CBOR_STRING_LIMIT ? TESS_ERR_TOO_LARGE : TESS_ERR_BAD_CLAIMS;
    return tess_claims_decode(payload, out);
}

tess_status tess_claims_decode(tess_span payload, tess_credential *out)
{
    memset(out, 0, sizeof *out);
    tess_status st;
    tess_credential cr;
    memset(&cr, 0, sizeof cr);
    tess_cbor c = tess_cbor_at(payload);
    tess_cbor_item m;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return TESS_ERR_BAD_CLAIMS;
    unsigned seen = 0;
    for (uint64_t i = 0; i < m.val; i++) {
        int64_t key;
        if (!read_key(&c, &key))
            return TESS_ERR_BAD_CLAIMS;
        bool ok = true;
        tess_cbor_item it;
        switch (key) {
        case TESS_CLAIM_ISS: ok = read_tstr(&c, &cr.iss); seen |= NEED_ISS; break;
        case TESS_CLAIM_SUB: ok = read_tstr(&c, &cr.sub); cr.has |= TESS_HAS_SUB; break;
        case TESS_CLAIM_EXP: ok = read_uint(&c, &cr.exp); cr.has |= TESS_HAS_EXP; break;
        case TESS_CLAIM_NBF: ok = read_uint(&c, &cr.nbf); cr.has |= TESS_HAS_NBF; break;
        case TESS_CLAIM_IAT: ok = read_uint(&c, &cr.iat); seen |= NEED_IAT; break;
        case TESS_CLAIM_CTI:
            ok = read_as(&c, TESS_CBOR_BSTR, &it) && it.str.len == TESS_CTI_LEN;
            cr.cti = it.str.ptr;
            seen |= NEED_CTI;
            break;
        case TESS_CLAIM_MC:
            if (!read_as(&c, TESS_CBOR_MAP, &it))
                return TESS_ERR_BAD_CLAIMS;
            if ((st = parse_mc(&c, it.val, &cr)) != TESS_OK)
                return st;
            seen |= NEED_MC;
            break;
        default: ok = tess_cbor_skip(&c) == TESS_OK; break;
        }
        if (!ok)
            return TESS_ERR_BAD_CLAIMS;
    }
    if (seen != (NEED_ISS | NEED_IAT | NEED_CTI | NEED_MC))
        return TESS_ERR_BAD_CLAIMS;
    *out = cr;
    return TESS_OK;
}

const char *tess_type_name(uint64_t type)
{
    static const char *const names[] = {"MicroCredential", "Badge", "Certificate", "Course",
                                        "License", "Certification", "Competency", "Assessment"};
    return type < sizeof names / sizeof names[0] ? names[type] : "other";
}

const char *tess_assessment_name(uint64_t v)
{
    static const char *const names[] = {"none", "self", "online proctored",
                                        "on-site supervised", "practical demonstration"};
    return v < sizeof names / sizeof names[0] ? names[v] : "other";
}

const char *tess_participation_name(uint64_t v)
{
    static const char *const names[] = {"online", "on-site", "blended"};
    return v < sizeof names / sizeof names[0] ? names[v] : "other";
}
