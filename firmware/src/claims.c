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

tess_status tess_claims_limits(tess_span payload)
{
    tess_status st = tess_cbor_check(payload, &claim_rules);
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

/* Optional fields: absent is fine, present must be well typed. */
static bool opt_uint(const tess_cbor *m, uint64_t n, int64_t key, uint64_t *out,
                     uint32_t *has, uint32_t flag)
{
    field_result r = field_uint(m, n, key, out);
    if (r == FIELD_OK)
        *has |= flag;
    return r != FIELD_BAD;
}

static bool opt_tstr(const tess_cbor *m, uint64_t n, int64_t key, tess_span *out,
                     uint32_t *has, uint32_t flag)
{
    field_result r = field_tstr(m, n, key, out);
    if (r == FIELD_OK)
        *has |= flag;
    return r != FIELD_BAD;
}

/* An optional array of text: TESS_OK, TESS_ERR_BAD_CLAIMS or too large. */
static tess_status opt_list(const tess_cbor *m, uint64_t n, int64_t key, tess_span *out,
                            size_t *count, uint32_t *has, uint32_t flag)
{
    tess_cbor items;
    uint64_t k;
    field_result r = field_array(m, n, key, &items, &k);
    if (r == FIELD_ABSENT)
        return TESS_OK;
    if (r == FIELD_BAD)
        return TESS_ERR_BAD_CLAIMS;
    if (k > TESS_MAX_LIST)
        return TESS_ERR_TOO_LARGE;
    for (uint64_t i = 0; i < k; i++) {
        tess_cbor_item it;
        if (!read_as(&items, TESS_CBOR_TSTR, &it))
            return TESS_ERR_BAD_CLAIMS;
        out[i] = it.str;
    }
    *count = (size_t)k;
    *has |= flag;
    return TESS_OK;
}

static tess_status parse_mc(tess_cbor c, uint64_t n, tess_credential *cr)
{
    if (field_uint(&c, n, TESS_MC_VERSION, &cr->version) != FIELD_OK || cr->version != 1 ||
        field_tstr(&c, n, TESS_MC_HOLDER, &cr->holder) != FIELD_OK ||
        field_tstr(&c, n, TESS_MC_TITLE, &cr->title) != FIELD_OK ||
        field_tstr(&c, n, TESS_MC_ACHIEVEMENT, &cr->achievement) != FIELD_OK ||
        field_tstr(&c, n, TESS_MC_AWARDER, &cr->awarder) != FIELD_OK)
        return TESS_ERR_BAD_CLAIMS;
    uint32_t *h = &cr->has;
    if (!opt_uint(&c, n, TESS_MC_TYPE, &cr->type, h, TESS_HAS_TYPE) ||
        !opt_tstr(&c, n, TESS_MC_COUNTRY, &cr->country, h, TESS_HAS_COUNTRY) ||
        !opt_uint(&c, n, TESS_MC_EQF, &cr->eqf, h, TESS_HAS_EQF) ||
        !opt_uint(&c, n, TESS_MC_WORKLOAD, &cr->workload, h, TESS_HAS_WORKLOAD) ||
        !opt_uint(&c, n, TESS_MC_ASSESSMENT, &cr->assessment, h, TESS_HAS_ASSESSMENT) ||
        !opt_uint(&c, n, TESS_MC_PARTICIPATION, &cr->participation, h, TESS_HAS_PARTICIPATION) ||
        !opt_tstr(&c, n, TESS_MC_QA, &cr->qa, h, TESS_HAS_QA) ||
        !opt_tstr(&c, n, TESS_MC_LANG, &cr->lang, h, TESS_HAS_LANG))
        return TESS_ERR_BAD_CLAIMS;
    if ((cr->has & TESS_HAS_EQF) && (cr->eqf < 1 || cr->eqf > 8))
        return TESS_ERR_BAD_CLAIMS;
    tess_status st = opt_list(&c, n, TESS_MC_SKILLS, cr->skills, &cr->n_skills, h, TESS_HAS_SKILLS);
    if (st == TESS_OK)
        st = opt_list(&c, n, TESS_MC_STACKS, cr->stacks, &cr->n_stacks, h, TESS_HAS_STACKS);
    return st;
}

tess_status tess_claims_parse(tess_span payload, tess_credential *out)
{
    memset(out, 0, sizeof *out);
    tess_status st = tess_cbor_check(payload, &claim_rules);
    if (st != TESS_OK)
        return st == TESS_ERR_CBOR_STRING_LIMIT ? TESS_ERR_TOO_LARGE : TESS_ERR_BAD_CLAIMS;
    tess_credential cr;
    memset(&cr, 0, sizeof cr);
    tess_cbor c = tess_cbor_at(payload);
    tess_cbor_item m;
    if (!read_as(&c, TESS_CBOR_MAP, &m))
        return TESS_ERR_BAD_CLAIMS;
    tess_span cti;
    tess_cbor mc;
    uint64_t n_mc;
    if (field_tstr(&c, m.val, TESS_CLAIM_ISS, &cr.iss) != FIELD_OK ||
        field_uint(&c, m.val, TESS_CLAIM_IAT, &cr.iat) != FIELD_OK ||
        field_bstr(&c, m.val, TESS_CLAIM_CTI, &cti) != FIELD_OK || cti.len != 16 ||
        field_map(&c, m.val, TESS_CLAIM_MC, &mc, &n_mc) != FIELD_OK ||
        !opt_tstr(&c, m.val, TESS_CLAIM_SUB, &cr.sub, &cr.has, TESS_HAS_SUB) ||
        !opt_uint(&c, m.val, TESS_CLAIM_EXP, &cr.exp, &cr.has, TESS_HAS_EXP) ||
        !opt_uint(&c, m.val, TESS_CLAIM_NBF, &cr.nbf, &cr.has, TESS_HAS_NBF))
        return TESS_ERR_BAD_CLAIMS;
    cr.cti = cti.ptr;
    if ((st = parse_mc(mc, n_mc, &cr)) != TESS_OK)
        return st;
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
