/* The booth's session engine. See match.h. */
#include "match.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessera/tess_cbor.h"
#include "template.h"

/* Copies n bytes and a NUL into the pool. The pool is sized so that this
 * never fails for a verdict (match.h); a string that would not fit is
 * left empty rather than overrun. */
static match_str put(match_badge *b, const uint8_t *p, size_t n)
{
    match_str s = {0, 0};
    if (!p || b->used + n + 1 > sizeof b->pool)
        return s;
    s.off = (uint16_t)b->used;
    s.len = (uint16_t)n;
    memcpy(b->pool + b->used, p, n);
    b->pool[b->used + n] = '\0';
    b->used += n + 1;
    return s;
}

/* The longest start of s, at most max bytes, that ends on a UTF-8
 * character boundary. */
static size_t utf8_cut(tess_span s, size_t max)
{
    size_t n = s.len < max ? s.len : max;
    while (n < s.len && n > 0 && (s.ptr[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void match_badge_from_verdict(const tess_verdict *v, match_badge *out)
{
    memset(out, 0, sizeof *out);
    out->pool[0] = '\0';
    out->used = 1;   /* offset 0 is the empty string */
    out->reason = v->reason;
    out->valid = v->reason == TESS_OK && v->has_cred;
    out->warnings = v->warnings;
    if (v->has_issuer) {
        out->has_issuer = true;
        out->issuer_name = put(out, v->issuer.name.ptr, utf8_cut(v->issuer.name, TESS_MAX_STRING));
    }
    if (!v->has_cred)
        return;
    const tess_credential *cr = &v->cred;
    out->has_cred = true;
    if (cr->cti)
        memcpy(out->cti, cr->cti, TESS_CTI_LEN);
    out->has_exp = (cr->has & TESS_HAS_EXP) != 0;
    out->exp = cr->exp;
    out->eqf = (cr->has & TESS_HAS_EQF) ? cr->eqf : 0;
    out->iss = put(out, cr->iss.ptr, cr->iss.len);
    out->achievement = put(out, cr->achievement.ptr, cr->achievement.len);
    out->title = put(out, cr->title.ptr, cr->title.len);
    out->holder = put(out, cr->holder.ptr, cr->holder.len);
    size_t ns = cr->n_skills < TESS_MAX_LIST ? cr->n_skills : TESS_MAX_LIST;
    for (size_t i = 0; i < ns; i++) {
        out->skills[i] = put(out, cr->skills[i].ptr, cr->skills[i].len);
        out->skill_hash[i] = match_code_hash((const char *)cr->skills[i].ptr, cr->skills[i].len);
    }
    out->n_skills = ns;
    size_t nk = cr->n_stacks < TESS_MAX_LIST ? cr->n_stacks : TESS_MAX_LIST;
    for (size_t i = 0; i < nk; i++)
        out->stacks[i] = put(out, cr->stacks[i].ptr, cr->stacks[i].len);
    out->n_stacks = nk;
}

const char *match_badge_str(const match_badge *b, match_str s)
{
    return b->pool + s.off;
}

bool match_badge_counts(const match_badge *b, uint64_t now, tess_status *why)
{
    tess_status r = b->valid ? TESS_OK : (b->reason == TESS_OK ? TESS_ERR_BAD_CLAIMS : b->reason);
    /* a badge scanned early in a long session may expire before its end */
    if (r == TESS_OK && b->has_exp && !(b->exp + TESS_DEFAULT_SKEW > now))
        r = TESS_ERR_EXPIRED;
    if (why)
        *why = r;
    return r == TESS_OK;
}

void match_session_init(match_session *s)
{
    s->n = 0;
}

void match_session_clear(match_session *s)
{
    /* volatile: the wipe of a candidate's data must not be optimised away */
    volatile unsigned char *p = (volatile unsigned char *)s;
    for (size_t i = 0; i < sizeof *s; i++)
        p[i] = 0;
}

match_add match_session_add(match_session *s, const match_badge *b, size_t *index)
{
    if (b->has_cred) {
        for (size_t i = 0; i < s->n; i++) {
            if (s->badges[i].has_cred && memcmp(s->badges[i].cti, b->cti, TESS_CTI_LEN) == 0) {
                if (index)
                    *index = i;
                return MATCH_DUPLICATE;
            }
        }
    }
    if (s->n == MATCH_MAX_BADGES)
        return MATCH_FULL;
    s->badges[s->n] = *b;
    if (index)
        *index = s->n;
    s->n++;
    return MATCH_ADDED;
}

/* The alternative of sk that b holds, or -1. */
static int holds(const match_badge *b, const role_skill *sk)
{
    for (size_t a = 0; a < sk->n_codes; a++)
        for (size_t i = 0; i < b->n_skills; i++)
            if (b->skill_hash[i] == sk->hash[a] && b->skills[i].len == sk->len[a] &&
                memcmp(b->pool + b->skills[i].off, sk->codes[a], sk->len[a]) == 0)
                return (int)a;
    return -1;
}

/* Whether badge x stays valid longer than badge y (no expiry is longest). */
static bool longer(const match_badge *x, const match_badge *y)
{
    if (!x->has_exp)
        return y->has_exp;
    return y->has_exp && x->exp > y->exp;
}

static void match_one(const role_skill *sk, const match_session *s, const bool *counts,
                      unsigned min_eqf, match_skill *out)
{
    out->state = MATCH_MISSING;
    out->badge = 0;
    out->alt = 0;
    bool have_low = false;
    size_t low = 0, low_alt = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!counts[i])
            continue;
        const match_badge *b = &s->badges[i];
        int a = holds(b, sk);
        if (a < 0)
            continue;
        if (min_eqf && b->eqf < min_eqf) {
            if (!have_low || longer(b, &s->badges[low])) {
                have_low = true;
                low = i;
                low_alt = (size_t)a;
            }
            continue;
        }
        if (out->state != MATCH_PROVEN || longer(b, &s->badges[out->badge])) {
            out->state = MATCH_PROVEN;
            out->badge = i;
            out->alt = (size_t)a;
        }
    }
    if (out->state != MATCH_PROVEN && have_low) {
        out->state = MATCH_BELOW_EQF;
        out->badge = low;
        out->alt = low_alt;
    }
}

void match_evaluate(const role *r, const match_session *s, uint64_t now, match_result *out)
{
    memset(out, 0, sizeof *out);
    bool counts[MATCH_MAX_BADGES];
    for (size_t i = 0; i < s->n; i++) {
        tess_status why;
        counts[i] = match_badge_counts(&s->badges[i], now, &why);
        if (counts[i]) {
            out->n_counted++;
        } else {
            out->refused[out->n_refused] = i;
            out->refused_reason[out->n_refused++] = why;
        }
    }
    out->n_required = r->n_require;
    for (size_t k = 0; k < r->n_require; k++) {
        match_one(&r->require[k], s, counts, r->min_eqf, &out->required[k]);
        out->n_required_proven += out->required[k].state == MATCH_PROVEN;
    }
    out->n_desired = r->n_desire;
    for (size_t k = 0; k < r->n_desire; k++) {
        match_one(&r->desire[k], s, counts, 0, &out->desired[k]);
        out->n_desired_proven += out->desired[k].state == MATCH_PROVEN;
    }
    out->score = r->n_require ? (unsigned)(out->n_required_proven * 100u / r->n_require) : 100u;
}

/* ---- pathways ---- */

static bool span_is(tess_span s, const char *p, size_t n)
{
    return s.len == n && (n == 0 || memcmp(s.ptr, p, n) == 0);
}

/* Reads the next [iss, achievement] of a pathway's requirements. */
static tess_status next_req(tess_cbor *c, match_req *out)
{
    tess_cbor_item arr, iss, ach;
    if (tess_cbor_read(c, &arr) != TESS_OK || arr.major != TESS_CBOR_ARRAY || arr.val != 2 ||
        tess_cbor_read(c, &iss) != TESS_OK || iss.major != TESS_CBOR_TSTR ||
        tess_cbor_read(c, &ach) != TESS_OK || ach.major != TESS_CBOR_TSTR)
        return TESS_ERR_BAD_BUNDLE;
    out->iss = iss.str;
    out->achievement = ach.str;
    return TESS_OK;
}

static bool badge_meets(const match_badge *b, const match_req *q)
{
    return span_is(q->iss, b->pool + b->iss.off, b->iss.len) &&
           span_is(q->achievement, b->pool + b->achievement.off, b->achievement.len);
}

static tess_status pathways_of(const tess_bundle *bundle, const match_badge *badges, size_t n,
                               uint64_t now, match_pathways_result *out)
{
    memset(out, 0, sizeof *out);
    bool counts[MATCH_MAX_BADGES];
    for (size_t i = 0; i < n; i++)
        counts[i] = match_badge_counts(&badges[i], now, NULL);
    for (size_t k = 0; k < bundle->n_pathways; k++) {
        tess_pathway pw;
        if (tess_bundle_pathway_at(bundle, k, &pw) != TESS_OK)
            return TESS_ERR_BAD_BUNDLE;
        match_pathway r;
        memset(&r, 0, sizeof r);
        r.id = pw.id;
        r.title = pw.title;
        r.n_requirements = pw.n_requirements;
        r.needed = pw.needed;
        tess_cbor c = tess_cbor_at(pw.requirements);
        for (size_t q = 0; q < pw.n_requirements; q++) {
            match_req req;
            if (next_req(&c, &req) != TESS_OK)
                return TESS_ERR_BAD_BUNDLE;
            bool met = false;
            for (size_t i = 0; i < n && !met; i++)
                met = counts[i] && badge_meets(&badges[i], &req);
            if (met)
                r.met++;
            else if (r.n_missing++ < MATCH_MAX_PATHWAY_REQS)
                r.missing[r.n_missing - 1] = req;
        }
        if (r.met == 0)
            continue;
        r.complete = r.met >= r.needed;
        if (out->n == MATCH_MAX_PATHWAYS)
            out->n_more++;
        else
            out->p[out->n++] = r;
    }
    return TESS_OK;
}

tess_status match_pathways(const tess_bundle *b, const match_session *s, uint64_t now,
                           match_pathways_result *out)
{
    tess_status st = pathways_of(b, s->badges, s->n, now, out);
    if (st != TESS_OK)
        memset(out, 0, sizeof *out);
    return st;
}

tess_status match_badge_pathways(const tess_bundle *b, const match_badge *badge, uint64_t now,
                                 match_pathways_result *out)
{
    tess_status st = pathways_of(b, badge, 1, now, out);
    if (st != TESS_OK)
        memset(out, 0, sizeof *out);
    return st;
}

/* ---- achievement titles from the templates ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

bool match_titles_load(match_titles *t, const char *dir, char *err, size_t err_cap)
{
    memset(t, 0, sizeof *t);
    if (err_cap)
        err[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return true;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".tmpl"))
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        tmpl tp;
        char why[512];
        if (!tmpl_load(path, &tp, why, sizeof why)) {
            if (ok)
                snprintf(err, err_cap, "%s", why);
            ok = false;
            continue;
        }
        if (t->n < MATCH_MAX_TITLES && !match_titles_find(t, (tess_span){
                (const uint8_t *)tp.achievement, strlen(tp.achievement)})) {
            t->achievement[t->n] = strdup(tp.achievement);
            t->title[t->n] = strdup(tp.title);
            if (t->achievement[t->n] && t->title[t->n]) {
                t->n++;
            } else {
                free(t->achievement[t->n]);
                free(t->title[t->n]);
            }
        }
        tmpl_free(&tp);
    }
    closedir(d);
    return ok;
}

const char *match_titles_find(const match_titles *t, tess_span achievement)
{
    for (size_t i = 0; i < t->n; i++)
        if (span_is(achievement, t->achievement[i], strlen(t->achievement[i])))
            return t->title[i];
    return NULL;
}

void match_titles_free(match_titles *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->achievement[i]);
        free(t->title[i]);
    }
    memset(t, 0, sizeof *t);
}
