/* tessera match: a candidate's badges against a role, as JSON for an
 * employer's own systems (app/match/match.h; the kiosk's skill-match mode
 * shows the same). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "esco.h"
#include "json.h"
#include "match.h"
#include "role.h"
#include "state.h"
#include "tessera/tess_verify.h"

#ifndef TESS_MATCH_ASSETS
#define TESS_MATCH_ASSETS "/usr/share/tessera"
#endif

/* Standard input: one text a line; a candidate's scans, not a library. */
#define MAX_STDIN (1024u * 1024u)
/* Texts on one command line or standard input. */
#define MAX_INPUTS 256u

typedef struct {
    const char *text;
    size_t len;
    match_add added;
    size_t badge;          /* the session's badge it became, or duplicated */
} input;

typedef struct {
    const esco_table *esco;
    const char *lang;
    const match_titles *titles;
} labels;

static const char *label_of(const labels *l, const char *code)
{
    return l->esco ? esco_lookup(l->esco, code, l->lang) : NULL;
}

static void json_str_or_null(json *j, const char *s)
{
    if (s)
        json_str(j, s);
    else
        json_null(j);
}

static void json_badge(json *j, const match_session *s, size_t i, size_t input_no,
                       uint64_t now, const labels *l)
{
    const match_badge *b = &s->badges[i];
    tess_status why;
    bool counts = match_badge_counts(b, now, &why);
    json_obj(j);
    json_key(j, "index");
    json_u64(j, i);
    json_key(j, "input");
    json_u64(j, input_no);
    json_key(j, "verdict");
    json_str(j, b->valid ? "valid" : "invalid");
    json_key(j, "reason");
    json_str(j, tess_reason(b->reason));
    json_key(j, "warnings");
    json_arr(j);
    if (b->warnings & TESS_WARN_TRUST_STALE)
        json_str(j, "trust_stale");
    if (b->warnings & TESS_WARN_CLOCK_UNCERTAIN)
        json_str(j, "clock_uncertain");
    json_end_arr(j);
    json_key(j, "counts");
    json_bool(j, counts);
    json_key(j, "refused_reason");
    json_str_or_null(j, counts ? NULL : tess_reason(why));
    json_key(j, "issuer");
    json_str_or_null(j, b->has_issuer ? match_badge_str(b, b->issuer_name) : NULL);
    if (b->has_cred) {
        json_key(j, "iss");
        json_str(j, match_badge_str(b, b->iss));
        json_key(j, "title");
        json_str(j, match_badge_str(b, b->title));
        json_key(j, "achievement");
        json_str(j, match_badge_str(b, b->achievement));
        json_key(j, "holder");
        json_str(j, match_badge_str(b, b->holder));
        json_key(j, "cti");
        json_hex(j, b->cti, TESS_CTI_LEN);
        json_key(j, "valid_until");
        if (b->has_exp)
            json_u64(j, b->exp);
        else
            json_null(j);
        json_key(j, "eqf");
        if (b->eqf)
            json_u64(j, b->eqf);
        else
            json_null(j);
        json_key(j, "skills");
        json_arr(j);
        for (size_t k = 0; k < b->n_skills; k++) {
            const char *code = match_badge_str(b, b->skills[k]);
            json_obj(j);
            json_key(j, "code");
            json_str(j, code);
            json_key(j, "label");
            json_str_or_null(j, label_of(l, code));
            json_end_obj(j);
        }
        json_end_arr(j);
        /* shown, not needed to count (docs/format-notes.md) */
        json_key(j, "stacks");
        json_arr(j);
        for (size_t k = 0; k < b->n_stacks; k++)
            json_str(j, match_badge_str(b, b->stacks[k]));
        json_end_arr(j);
    }
    json_end_obj(j);
}

static const char *state_name(match_state st)
{
    return st == MATCH_PROVEN ? "proven" : st == MATCH_BELOW_EQF ? "below_eqf" : "missing";
}

static void json_skills(json *j, const role_skill *sk, const match_skill *res, size_t n,
                        const match_session *s, const labels *l)
{
    json_arr(j);
    for (size_t k = 0; k < n; k++) {
        const match_skill *m = &res[k];
        /* the code that proved it, else the role's first alternative */
        const char *code = sk[k].codes[m->state == MATCH_MISSING ? 0 : m->alt];
        json_obj(j);
        json_key(j, "code");
        json_str(j, code);
        json_key(j, "label");
        json_str_or_null(j, label_of(l, code));
        json_key(j, "alternatives");
        json_arr(j);
        for (size_t a = 0; a < sk[k].n_codes; a++)
            json_str(j, sk[k].codes[a]);
        json_end_arr(j);
        json_key(j, "state");
        json_str(j, state_name(m->state));
        json_key(j, "proven");
        json_bool(j, m->state == MATCH_PROVEN);
        json_key(j, "badge");
        if (m->state == MATCH_MISSING) {
            json_null(j);
        } else {
            const match_badge *b = &s->badges[m->badge];
            json_u64(j, m->badge);
            json_key(j, "badge_title");
            json_str(j, match_badge_str(b, b->title));
            json_key(j, "issuer");
            json_str(j, match_badge_str(b, b->issuer_name));
            json_key(j, "iss");
            json_str(j, match_badge_str(b, b->iss));
            json_key(j, "valid_until");
            if (b->has_exp)
                json_u64(j, b->exp);
            else
                json_null(j);
            json_key(j, "badge_eqf");
            if (b->eqf)
                json_u64(j, b->eqf);
            else
                json_null(j);
        }
        json_end_obj(j);
    }
    json_end_arr(j);
}

static void json_pathways(json *j, const match_pathways_result *pw, const labels *l)
{
    json_arr(j);
    for (size_t k = 0; k < pw->n; k++) {
        const match_pathway *p = &pw->p[k];
        json_obj(j);
        json_key(j, "id");
        json_span(j, p->id);
        json_key(j, "title");
        json_span(j, p->title);
        json_key(j, "met");
        json_u64(j, p->met);
        json_key(j, "needed");
        json_u64(j, p->needed);
        json_key(j, "requirements");
        json_u64(j, p->n_requirements);
        json_key(j, "complete");
        json_bool(j, p->complete);
        json_key(j, "missing");
        json_arr(j);
        for (size_t q = 0; q < p->n_missing && q < MATCH_MAX_PATHWAY_REQS; q++) {
            json_obj(j);
            json_key(j, "iss");
            json_span(j, p->missing[q].iss);
            json_key(j, "achievement");
            json_span(j, p->missing[q].achievement);
            json_key(j, "label");
            const char *t = match_titles_find(l->titles, p->missing[q].achievement);
            if (t)
                json_str(j, t);
            else
                json_span(j, p->missing[q].achievement);
            json_end_obj(j);
        }
        json_end_arr(j);
        json_key(j, "missing_count");
        json_u64(j, p->n_missing);
        json_end_obj(j);
    }
    json_end_arr(j);
}

/* Splits standard input into texts, one a line; blank lines skipped. */
static size_t split_lines(char *buf, size_t len, input *in, size_t cap, bool *too_many)
{
    size_t n = 0;
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *s = p;
        p = nl ? nl + 1 : end;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
            t--;
        if (t == s)
            continue;
        if (n == cap) {
            *too_many = true;
            break;
        }
        *t = '\0';
        in[n].text = s;
        in[n++].len = (size_t)(t - s);
    }
    return n;
}

static int run(const char *role_path, const char *state, bool have_at, uint64_t at,
               uint64_t skew, const char *lang, const char *esco_path, bool esco_given,
               const char *templates, input *in, size_t n_in)
{
    char err[4400];
    role r;
    if (!role_load(role_path, &r, err, sizeof err)) {
        fprintf(stderr, "tessera match: %s\n", err);
        return EXIT_USAGE;
    }
    esco_table esco;
    bool have_esco = esco_load(&esco, esco_path, err, sizeof err);
    if (!have_esco && esco_given) {
        fprintf(stderr, "tessera match: %s\n", err);
        role_free(&r);
        return EXIT_USAGE;
    }
    if (!have_esco)
        fprintf(stderr, "tessera match: warning: %s: skills are shown by code\n", err);
    match_titles titles;
    if (!match_titles_load(&titles, templates, err, sizeof err))
        fprintf(stderr, "tessera match: warning: %s\n", err);
    kiosk_state ks;
    memset(&ks, 0, sizeof ks);
    int code = EXIT_USAGE;
    match_session *s = malloc(sizeof *s);
    tess_verifier *vf = calloc(1, sizeof *vf); /* zlib's arena starts zeroed */
    tess_verdict *v = malloc(sizeof *v);
    match_badge *b = malloc(sizeof *b);
    match_result *res = malloc(sizeof *res);
    match_pathways_result *pw = malloc(sizeof *pw);
    if (!s || !vf || !v || !b || !res || !pw) {
        fputs("tessera match: out of memory\n", stderr);
        goto out;
    }
    bool loaded = state_load(&ks, state, err, sizeof err);
    if (!loaded || ks.generation == 0) {
        if (loaded)
            fprintf(stderr,
                    "tessera match: %s: no trust bundle is installed here yet (tessera bundle "
                    "install --root ROOT --state DIR FILE)\n",
                    state);
        else
            fprintf(stderr, "tessera match: %s\n", err);
        goto out;
    }
    match_session_init(s);
    for (size_t i = 0; i < n_in; i++) {
        /* the result is in the verdict, which becomes the badge */
        (void)verify_judged(vf, in[i].text, in[i].len, &ks.bundle, state, ks.floor, have_at, at,
                            skew, v);
        match_badge_from_verdict(v, b);
        in[i].added = match_session_add(s, b, &in[i].badge);
    }
    uint64_t now = have_at ? at : now_seconds();
    if (!have_at && now < ks.floor)
        now = ks.floor;
    match_evaluate(&r, s, now, res);
    if (match_pathways(&ks.bundle, s, now, pw) != TESS_OK) {
        fprintf(stderr, "tessera match: %s: a pathway entry of the bundle cannot be read\n",
                state);
        goto out;
    }
    labels l = {have_esco ? &esco : NULL, lang, &titles};
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_key(&j, "role");
    json_obj(&j);
    json_key(&j, "title");
    json_str(&j, r.title);
    json_key(&j, "id");
    json_str_or_null(&j, r.id);
    json_key(&j, "employer");
    json_str_or_null(&j, r.employer);
    json_key(&j, "min_eqf");
    if (r.min_eqf)
        json_u64(&j, r.min_eqf);
    else
        json_null(&j);
    json_end_obj(&j);
    json_key(&j, "judged_at");
    json_u64(&j, now);
    json_key(&j, "lang");
    json_str(&j, lang ? lang : "en");
    json_key(&j, "badges");
    json_arr(&j);
    for (size_t i = 0; i < s->n; i++) {
        size_t first = 0;
        for (size_t k = 0; k < n_in; k++)
            if (in[k].added == MATCH_ADDED && in[k].badge == i) {
                first = k + 1;
                break;
            }
        json_badge(&j, s, i, first, now, &l);
    }
    json_end_arr(&j);
    json_key(&j, "duplicates");
    json_arr(&j);
    for (size_t k = 0; k < n_in; k++) {
        if (in[k].added != MATCH_DUPLICATE)
            continue;
        json_obj(&j);
        json_key(&j, "input");
        json_u64(&j, k + 1);
        json_key(&j, "badge");
        json_u64(&j, in[k].badge);
        json_end_obj(&j);
    }
    json_end_arr(&j);
    json_key(&j, "not_added");
    json_arr(&j);
    for (size_t k = 0; k < n_in; k++)
        if (in[k].added == MATCH_FULL)
            json_u64(&j, k + 1);
    json_end_arr(&j);
    json_key(&j, "refused");
    json_arr(&j);
    for (size_t k = 0; k < res->n_refused; k++) {
        json_obj(&j);
        json_key(&j, "badge");
        json_u64(&j, res->refused[k]);
        json_key(&j, "reason");
        json_str(&j, tess_reason(res->refused_reason[k]));
        json_end_obj(&j);
    }
    json_end_arr(&j);
    json_key(&j, "required");
    json_skills(&j, r.require, res->required, res->n_required, s, &l);
    json_key(&j, "desirable");
    json_skills(&j, r.desire, res->desired, res->n_desired, s, &l);
    json_key(&j, "score");
    json_u64(&j, res->score);
    json_key(&j, "required_proven");
    json_u64(&j, res->n_required_proven);
    json_key(&j, "required_count");
    json_u64(&j, res->n_required);
    json_key(&j, "desirable_proven");
    json_u64(&j, res->n_desired_proven);
    json_key(&j, "desirable_count");
    json_u64(&j, res->n_desired);
    json_key(&j, "all_required");
    json_bool(&j, res->n_required_proven == res->n_required);
    json_key(&j, "pathways");
    json_pathways(&j, pw, &l);
    json_end_obj(&j);
    json_done(&j);
    code = res->n_required_proven == res->n_required ? EXIT_VALID : EXIT_INVALID;
out:
    if (s)
        match_session_clear(s);
    free(s);
    free(vf);
    free(v);
    free(b);
    free(res);
    free(pw);
    state_close(&ks);
    match_titles_free(&titles);
    if (have_esco)
        esco_free(&esco);
    role_free(&r);
    return code;
}

int cmd_match(args *a)
{
    const char *role_path = NULL, *state = NULL, *lang = NULL, *esco_path = NULL,
               *templates = NULL, *v;
    bool bad = false, have_at = false, from_stdin = false;
    uint64_t at = 0, skew = TESS_DEFAULT_SKEW;
    static input in[MAX_INPUTS];
    size_t n_in = 0;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--role", &role_path, &bad) || arg_opt(a, "--state", &state, &bad) ||
            arg_opt(a, "--esco", &esco_path, &bad) || arg_opt(a, "--templates", &templates, &bad)) {
            continue;
        } else if (arg_opt(a, "--lang", &lang, &bad)) {
            if (esco_lang(lang) < 0)
                return usage_error(a, "--lang: give en, es, fr or de, not '%s'", lang);
        } else if (arg_opt(a, "--at", &v, &bad)) {
            if (!parse_time(v, &at))
                return usage_error(a, "--at: '%s' is not a time (Unix seconds or YYYY-MM-DD)", v);
            have_at = true;
        } else if (arg_opt(a, "--skew", &v, &bad)) {
            if (!parse_u64(v, &skew) || skew > 31536000u)
                return usage_error(a, "--skew: give seconds, 0 to 31536000, not '%s'", v);
        } else if (!bad) {
            const char *s = a->argv[a->i++];
            if (s[0] == '-' && s[1] == '-')
                return usage_error(a, "unknown option '%s'", s);
            if (strcmp(s, "-") == 0) {
                from_stdin = true;
            } else {
                if (n_in == MAX_INPUTS)
                    return usage_error(a, "at most %u credential texts", MAX_INPUTS);
                in[n_in].text = s;
                in[n_in++].len = strlen(s);
            }
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!role_path)
        return usage_error(a, "--role FILE is required (assets/roles/README.md)");
    if (!state)
        return usage_error(a, "--state DIR is required (the kiosk's installed trust)");
    if (from_stdin && n_in)
        return usage_error(a, "give the credential texts, or - to read them from standard "
                              "input, not both");
    if (!from_stdin && !n_in)
        return usage_error(a, "give the candidate's credential texts, or - to read one a line "
                              "from standard input");
    uint8_t *buf = NULL;
    if (from_stdin) {
        size_t len;
        if (!(buf = read_file("-", MAX_STDIN, &len)))
            return EXIT_USAGE;
        bool too_many = false;
        n_in = split_lines((char *)buf, len, in, MAX_INPUTS, &too_many);
        if (too_many) {
            free(buf);
            return usage_error(a, "standard input: at most %u credential texts", MAX_INPUTS);
        }
        if (!n_in) {
            free(buf);
            return usage_error(a, "standard input holds no credential text");
        }
    }
    int code = run(role_path, state, have_at, at, skew, lang,
                   esco_path ? esco_path : TESS_MATCH_ASSETS "/esco/skills.tsv", esco_path != NULL,
                   templates ? templates : TESS_MATCH_ASSETS "/templates", in, n_in);
    free(buf);
    return code;
}
