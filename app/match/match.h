/*
 * match.h: the booth's session: the badges a candidate scanned, matched
 * against a role's skills (role.h) and against the trust bundle's
 * pathways (FORMAT.md TB1 key 8).
 *
 * A badge enters as a copy of what its verdict said
 * (match_badge_from_verdict): nothing keeps a pointer into the verifier,
 * which is used again (and wiped) for the next scan. A session holds up
 * to MATCH_MAX_BADGES badges; the same credential (cti) scanned twice is
 * kept once.
 *
 * A badge counts (proves skills, meets pathway requirements) only when
 * its verdict was valid and it has not expired by `now` (exp > now - the
 * default skew, as tess_verify judges). For a role with min_eqf, a badge
 * proves a required skill only with an EQF level of at least min_eqf; a
 * badge without an EQF level does not meet it (the skill is then
 * "below_eqf", naming the badge, when no other badge proves it).
 * Refused badges are listed with their reason.
 *
 * Does not check: that the badges belong to one person or to the person
 * at the booth (holder names are shown for staff to compare; credentials
 * carry no photo), nor the verdict again (it is taken as the verifier
 * gave it), nor whether an ESCO code exists.
 *
 * Pure: no allocation, no clock (`now` is an argument), no I/O but for
 * match_titles_load. Results are fixed arrays in the caller's structs.
 * Spans in a pathway result point into the bundle's bytes and are valid
 * while the bundle is.
 */
#ifndef TESS_MATCH_MATCH_H
#define TESS_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "role.h"
#include "tessera/tess_bundle.h"
#include "tessera/tess_verify.h"

/* A candidate carries a handful of badges; 32 is more than a wallet. */
#define MATCH_MAX_BADGES 32u
/* Every string a credential holds lies inside its COSE message (at most
 * TESS_MAX_C bytes); the issuer's name comes from the bundle and is cut at
 * TESS_MAX_STRING; each string has its NUL. So the pool never overflows. */
#define MATCH_BADGE_POOL (TESS_MAX_C + TESS_MAX_STRING + 8u + 2u * TESS_MAX_LIST)
/* Pathways shown for one session, and requirements named per pathway. */
#define MATCH_MAX_PATHWAYS 32u
#define MATCH_MAX_PATHWAY_REQS 32u

/* A string of a badge: an offset into its pool (NUL-terminated there). */
typedef struct {
    uint16_t off;
    uint16_t len;
} match_str;

typedef struct {
    bool valid;                /* the verdict was valid (TESS_OK) */
    tess_status reason;        /* the verdict's reason */
    unsigned warnings;         /* TESS_WARN_* */
    bool has_cred;             /* signature and claims held: fields below */
    bool has_issuer;
    uint8_t cti[TESS_CTI_LEN];
    bool has_exp;
    uint64_t exp;
    uint64_t eqf;              /* 0 when absent */
    match_str iss, issuer_name, achievement, title, holder;
    size_t n_skills;
    match_str skills[TESS_MAX_LIST];
    uint32_t skill_hash[TESS_MAX_LIST];
    size_t n_stacks;           /* the credential's own `stacks` (mc 14) */
    match_str stacks[TESS_MAX_LIST];
    size_t used;
    char pool[MATCH_BADGE_POOL];
} match_badge;

/* Copies what the verdict says. Every verdict can be copied. */
void match_badge_from_verdict(const tess_verdict *v, match_badge *out);
/* A badge's string (never NULL: "" when absent). */
const char *match_badge_str(const match_badge *b, match_str s);
/* Whether the badge counts at `now` (valid, not expired since); when it
 * does not, *why (if given) is the reason: its verdict's, or expired. */
bool match_badge_counts(const match_badge *b, uint64_t now, tess_status *why);

typedef struct {
    size_t n;
    match_badge badges[MATCH_MAX_BADGES];
} match_session;

typedef enum { MATCH_ADDED = 0, MATCH_DUPLICATE, MATCH_FULL } match_add;

void match_session_init(match_session *s);
/* Adds a copy of b; MATCH_DUPLICATE (with the index of the first) when a
 * badge with the same cti is in the session, MATCH_FULL when it holds
 * MATCH_MAX_BADGES. */
match_add match_session_add(match_session *s, const match_badge *b, size_t *index);
/* Forgets the candidate: every byte of the session is wiped. */
void match_session_clear(match_session *s);

typedef enum { MATCH_MISSING = 0, MATCH_PROVEN, MATCH_BELOW_EQF } match_state;

typedef struct {
    match_state state;
    size_t badge;        /* PROVEN: the badge that proves it (valid longest);
                            BELOW_EQF: a valid badge with the skill, too low */
    size_t alt;          /* which of the role's alternatives it holds */
} match_skill;

typedef struct {
    size_t n_required, n_required_proven;
    unsigned score;                 /* proven required * 100 / required, floor;
                                       100 for a role without requirements */
    size_t n_desired, n_desired_proven;
    match_skill required[ROLE_MAX_REQUIRE];
    match_skill desired[ROLE_MAX_DESIRE];
    size_t n_counted;               /* badges that count */
    size_t n_refused;
    size_t refused[MATCH_MAX_BADGES];          /* badge indices */
    tess_status refused_reason[MATCH_MAX_BADGES];
} match_result;

/* Matches the session against the role at `now`. min_eqf applies to
 * required skills only; desirable skills take any counting badge. */
void match_evaluate(const role *r, const match_session *s, uint64_t now, match_result *out);

/* ---- pathways (stackable credentials) ---- */

typedef struct {
    tess_span iss, achievement;
} match_req;

typedef struct {
    tess_span id, title;
    size_t n_requirements;
    uint64_t needed;
    size_t met;                     /* requirements met by counting badges */
    bool complete;                  /* met >= needed */
    size_t n_missing;               /* requirements not met */
    match_req missing[MATCH_MAX_PATHWAY_REQS];   /* the first of them */
} match_pathway;

typedef struct {
    size_t n;
    match_pathway p[MATCH_MAX_PATHWAYS];
    size_t n_more;                  /* further pathways met, not listed */
} match_pathways_result;

/* For each of the bundle's pathways toward which the session's counting
 * badges meet at least one requirement (a badge meets a requirement when
 * its iss and its achievement id both equal the requirement's): met,
 * needed, complete and the missing requirements. The bundle's entries are
 * authoritative: a badge's own `stacks` claim is not needed to count
 * (docs/format-notes.md). TESS_ERR_BAD_BUNDLE when a pathway entry cannot
 * be read (tess_bundle_open has already refused such a bundle). */
TESS_MUST_USE tess_status match_pathways(const tess_bundle *b, const match_session *s,
                                         uint64_t now, match_pathways_result *out);
/* The same for one badge (verify mode): the pathways it contributes to. */
TESS_MUST_USE tess_status match_badge_pathways(const tess_bundle *b, const match_badge *badge,
                                               uint64_t now, match_pathways_result *out);

/* ---- names of achievements, for missing requirements ---- */

#define MATCH_MAX_TITLES 256u

typedef struct {
    size_t n;
    char *achievement[MATCH_MAX_TITLES];
    char *title[MATCH_MAX_TITLES];
} match_titles;

/* Reads (title, achievement) from every *.tmpl in dir (template.h). A
 * missing folder gives an empty table; a bad template is skipped with
 * its error in err (and false returned, the table still usable). */
bool match_titles_load(match_titles *t, const char *dir, char *err, size_t err_cap);
/* The title of an achievement id, or NULL (show the id). */
const char *match_titles_find(const match_titles *t, tess_span achievement);
void match_titles_free(match_titles *t);

#endif
