/*
 * access.h: a door's access list, and the decision for a badge
 * (assets/roles/README.md, "Door access lists").
 *
 * The list is UTF-8 text read as the booth's other files are (lines.h):
 * '#' comment lines, blank lines skipped, lines trimmed. Each other line
 * is
 *     allow ISS [ACHIEVEMENT_PREFIX]
 * words separated by spaces or tabs: the issuer's iss exactly as the trust
 * bundle gives it, or "*" for any issuer the bundle trusts; and optionally
 * a prefix that the badge's achievement id must start with (none: any
 * achievement of that issuer). Rejects, with "NAME:LINE: why": another
 * first word, a missing ISS, more than two words after allow, text that
 * is not UTF-8, holds control characters or is over 512 bytes, more than
 * ACCESS_MAX_RULES rules; an empty list (it would open to nobody, which
 * is surely a mistake) is "NAME: no 'allow' line".
 *
 * access_decide is pure: no allocation, no clock, no I/O. A badge that
 * does not count (match_badge_counts: invalid verdict, or expired by
 * now) is refused with its verdict's reason, whatever the list says.
 */
#ifndef TESS_MATCH_ACCESS_H
#define TESS_MATCH_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match.h"

/* A door's list names a few issuers and courses. */
#define ACCESS_MAX_RULES 256u
#define ACCESS_MAX_FILE 65536u

typedef struct {
    const char *iss;       /* NULL for "*" */
    const char *prefix;    /* NULL: any achievement */
    unsigned line;
} access_rule;

typedef struct {
    size_t n;
    access_rule rules[ACCESS_MAX_RULES];
    char *text;            /* owns the strings */
} access_list;

bool access_parse(access_list *l, const char *text, size_t len, const char *name, char *err,
                  size_t err_cap);
bool access_load(access_list *l, const char *path, char *err, size_t err_cap);
void access_free(access_list *l);

typedef enum { ACCESS_ENTER = 0, ACCESS_REFUSE = 1 } access_verdict;
typedef enum {
    ACCESS_OK = 0,          /* entered: `rule` says which line allowed it */
    ACCESS_INVALID,         /* the credential does not count: see reason */
    ACCESS_NOT_LISTED       /* valid, but no rule allows it */
} access_why;

typedef struct {
    access_verdict verdict;
    access_why why;
    tess_status reason;     /* ACCESS_INVALID: the verdict's reason (or expired) */
    size_t rule;            /* ACCESS_OK: the index of the allowing rule */
} access_decision;

/* Words for logs and JSON: "enter"/"refuse", "ok"/"invalid"/"not_listed". */
const char *access_verdict_name(access_verdict v);
const char *access_why_name(access_why w);

access_decision access_decide(const access_list *l, const match_badge *b, uint64_t now);

#endif
