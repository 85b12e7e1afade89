/*
 * template.h: credential templates, the part of an MC1 credential that is
 * the same for every learner of a course (assets/templates/README.md).
 *
 * A template is UTF-8 text, one "key: value" a line; '#' starts a comment
 * line; blank lines are skipped; spaces around the key and the value are
 * trimmed. Keys (each once, except skill and pathway, which repeat):
 *
 *   title          mc 3, required          achievement   mc 4, required
 *   awarder        mc 6, required          type          mc 5: a type name
 *   country        mc 7: ISO 3166-1 alpha-2, upper case
 *   skill          mc 8: framework:code (esco:<uuid> in lower-case hex,
 *                  onet:<code>, x:<local>); up to 32
 *   eqf            mc 9: 1..8              workload      mc 10: hours
 *   assessment     mc 11: none, self, online proctored, on-site supervised,
 *                  practical demonstration
 *   participation  mc 12: online, on-site, blended
 *   qa             mc 13                   pathway       mc 14 (stacks); up to 32
 *   lang           mc 15: a BCP 47 tag
 *   validity       N days|weeks|months|years: exp = iat + the period, by
 *                  the calendar for months and years (a 3-year credential
 *                  issued on 2026-11-28 expires on 2029-11-28 at the same
 *                  time of day; a month later than 31 January is the last
 *                  day of February)
 *
 * Names of enumerations are matched ignoring case, with '-' or ' ' alike.
 * Rejects, with "NAME:LINE: why": an unknown key, a single key given
 * twice, a line without ':', an empty value, a bad enumeration name, an
 * EQF level outside 1..8, a text over TESS_MAX_STRING bytes (FORMAT.md),
 * more than TESS_MAX_LIST skills or pathways, a skill that is not
 * framework:code, bytes that are not UTF-8 or are control characters.
 * A missing required key is "NAME: missing 'title:'". A file over
 * TMPL_MAX_FILE bytes is refused.
 * Does not check: that an ESCO code exists, or that the credential fits a
 * QR code (tess_issue refuses what does not).
 */
#ifndef TESS_TEMPLATE_H
#define TESS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tessera/tess_cred.h"

#define TMPL_MAX_FILE 65536u

typedef enum { TMPL_DAYS = 0, TMPL_WEEKS, TMPL_MONTHS, TMPL_YEARS } tmpl_unit;

typedef struct {
    uint32_t has;            /* TESS_HAS_* of the optional mc fields set */
    const char *title, *achievement, *awarder, *country, *qa, *lang;
    uint64_t type, eqf, workload, assessment, participation;
    const char *skills[TESS_MAX_LIST];
    size_t n_skills;
    const char *stacks[TESS_MAX_LIST];
    size_t n_stacks;
    bool has_validity;
    unsigned validity_n;
    tmpl_unit validity_unit;
    char *text;              /* owns the strings above */
} tmpl;

/* Parses text (len bytes; need not be NUL-terminated). name is used in
 * messages. On false, out owns nothing and err holds the message. */
bool tmpl_parse(const char *text, size_t len, const char *name, tmpl *out, char *err,
                size_t err_cap);
/* Reads and parses a file. */
bool tmpl_load(const char *path, tmpl *out, char *err, size_t err_cap);
void tmpl_free(tmpl *t);

/* Fills the template's fields into cr (version 1; spans point into t,
 * valid while t is). Sets exp from the validity when the template has one:
 * false when that overflows (err says so). */
bool tmpl_apply(const tmpl *t, uint64_t iat, tess_credential *cr);

/* iat plus the template's validity period; false on overflow or when the
 * template has none. */
bool tmpl_expiry(const tmpl *t, uint64_t iat, uint64_t *exp);

/* Checks shared with the CSV columns: a text field (non-empty, UTF-8, no
 * control characters, at most TESS_MAX_STRING bytes), and a BCP 47 tag.
 * Return NULL when fine, else why. */
const char *tmpl_check_text(const char *s);
const char *tmpl_check_lang(const char *s);

#endif
