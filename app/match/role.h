/*
 * role.h: a job role at the booth: the skills an employer requires and
 * desires, as skill codes (assets/roles/README.md).
 *
 * A role file is UTF-8 text, one "key: value" a line, read as the
 * credential templates are (lines.h): '#' comment lines, blank lines,
 * trimmed keys and values, CRLF and a byte order mark accepted. Keys:
 *
 *   title     required, once     the role's name on the booth's screen
 *   id        once               a short name for employers' systems
 *   employer  once               who hires
 *   require   repeat, up to 64   a skill code, or alternatives any of
 *                                which proves it: "esco:A | esco:B | x:c"
 *                                (up to 8)
 *   desire    repeat, up to 64   the same, for desirable skills
 *   min_eqf   once, 1..8         the EQF level a badge must have to prove
 *                                a required skill
 *   note      once               a line for booth staff
 *
 * A skill code is framework:code as in a credential (FORMAT.md mc 8):
 * the framework letters, digits, '.', '_' or '-'; the code without spaces
 * or '|'; an esco: code is the lower-case UUID of the ESCO URI.
 * Rejects, with "NAME:LINE: why": an unknown key, a key other than
 * require or desire given twice, a line without ':', an empty value, text
 * that is not UTF-8 or holds control characters or is over 512 bytes, a
 * bad skill code, an empty alternative, more than 8 alternatives, a code
 * given twice in the role (in require or desire, as a skill or an
 * alternative), more than 64 required or desirable skills, min_eqf not in
 * 1..8. A missing title is "NAME: missing 'title:'"; a file over
 * ROLE_MAX_FILE bytes or holding a NUL is refused.
 * Does not check: that an ESCO code exists.
 */
#ifndef TESS_MATCH_ROLE_H
#define TESS_MATCH_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An employer's role lists its essentials; 64 is more than an ESCO
 * occupation's essential skills (rarely over 40). */
#define ROLE_MAX_REQUIRE 64u
#define ROLE_MAX_DESIRE 64u
/* Alternatives of one skill: an ESCO code, a narrower one, a local one. */
#define ROLE_MAX_ALT 8u
/* 128 skills of 8 alternatives of 512 bytes would be 512 KB; a real role
 * file is a few KB. */
#define ROLE_MAX_FILE 65536u
/* Roles in one booth's directory: a screen's list. */
#define ROLE_MAX_ROLES 64u

typedef struct {
    size_t n_codes;
    const char *codes[ROLE_MAX_ALT];
    size_t len[ROLE_MAX_ALT];      /* strlen of each code */
    uint32_t hash[ROLE_MAX_ALT];   /* match_code_hash of each code */
    unsigned line;                 /* where the file gives it */
} role_skill;

typedef struct {
    const char *title, *id, *employer, *note;   /* NULL when absent but title */
    unsigned min_eqf;                            /* 0: none */
    size_t n_require;
    role_skill require[ROLE_MAX_REQUIRE];
    size_t n_desire;
    role_skill desire[ROLE_MAX_DESIRE];
    char *text;                                  /* owns the strings */
    char *path;                                  /* the file, when loaded */
} role;

/* Parses text (len bytes, need not be NUL-terminated); name is used in
 * messages. On false, out owns nothing and err says why. */
bool role_parse(const char *text, size_t len, const char *name, role *out, char *err,
                size_t err_cap);
bool role_load(const char *path, role *out, char *err, size_t err_cap);
void role_free(role *r);

/* The booth's roles: every file ending in ".role" in a directory, sorted
 * by title (byte order of the UTF-8; then by file name). Any bad file
 * fails the whole load, naming it: a booth must not silently lose a role.
 * More than ROLE_MAX_ROLES files is refused. */
typedef struct {
    size_t n;
    role *roles;
} role_set;

bool role_load_dir(const char *dir, role_set *out, char *err, size_t err_cap);
void role_set_free(role_set *s);

/* The 32-bit FNV-1a hash of a skill code, so that matching compares
 * numbers first and strings only when they agree. */
uint32_t match_code_hash(const char *s, size_t n);

/* Whether s is a skill code as above (NULL) or why not. */
const char *role_check_code(const char *s);

#endif
