/* A door's access list. See access.h. */
#include "access.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "template.h"

static bool fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && cap)
        vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return false;
}

/* The next word of *p (spaces and tabs between words), or NULL. */
static char *word(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return NULL;
    char *e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (*e)
        *e++ = '\0';
    *p = e;
    return s;
}

bool access_parse(access_list *l, const char *text, size_t len, const char *name, char *err,
                  size_t err_cap)
{
    memset(l, 0, sizeof *l);
    if (len > ACCESS_MAX_FILE)
        return fail(err, err_cap, "%s: larger than %u bytes: not an access list", name,
                    ACCESS_MAX_FILE);
    if (memchr(text, 0, len))
        return fail(err, err_cap, "%s: holds a NUL byte: not a text file", name);
    char *copy = malloc(len + 1);
    if (!copy)
        return fail(err, err_cap, "%s: out of memory", name);
    memcpy(copy, text, len);
    copy[len] = '\0';
    lines rd;
    lines_init(&rd, copy);
    bool ok = true;
    char *s;
    while (ok && lines_next(&rd, &s)) {
        char *p = s;
        char *verb = word(&p), *iss = word(&p), *prefix = word(&p), *extra = word(&p);
        const char *words[4] = {verb, iss, prefix, extra}, *why = NULL;
        for (int k = 0; k < 4 && !why; k++)
            why = words[k] ? tmpl_check_text(words[k]) : NULL;
        if (why) {
            ok = fail(err, err_cap, "%s:%u: the line is %s", name, rd.line, why);
            break;
        }
        if (!verb || strcmp(verb, "allow") != 0) {
            ok = fail(err, err_cap, "%s:%u: expected 'allow ISS [ACHIEVEMENT_PREFIX]', not '%s'",
                      name, rd.line, verb ? verb : "");
            break;
        }
        if (!iss) {
            ok = fail(err, err_cap, "%s:%u: allow: give the issuer's iss, or * for any", name,
                      rd.line);
            break;
        }
        if (extra) {
            ok = fail(err, err_cap, "%s:%u: allow: '%s' is one word too many (ISS, then one "
                      "achievement prefix)", name, rd.line, extra);
            break;
        }
        if (l->n == ACCESS_MAX_RULES) {
            ok = fail(err, err_cap, "%s:%u: at most %u allow lines", name, rd.line,
                      ACCESS_MAX_RULES);
            break;
        }
        access_rule *r = &l->rules[l->n++];
        r->iss = strcmp(iss, "*") == 0 ? NULL : iss;
        r->prefix = prefix;
        r->line = rd.line;
    }
    if (ok && l->n == 0)
        ok = fail(err, err_cap, "%s: no 'allow' line: the door would open to nobody", name);
    if (!ok) {
        free(copy);
        memset(l, 0, sizeof *l);
        return false;
    }
    l->text = copy;
    return true;
}

bool access_load(access_list *l, const char *path, char *err, size_t err_cap)
{
    memset(l, 0, sizeof *l);
    size_t len;
    char *text = lines_read_file(path, ACCESS_MAX_FILE, &len, err, err_cap);
    if (!text)
        return false;
    bool ok = access_parse(l, text, len, path, err, err_cap);
    free(text);
    return ok;
}

void access_free(access_list *l)
{
    free(l->text);
    memset(l, 0, sizeof *l);
}

const char *access_verdict_name(access_verdict v)
{
    return v == ACCESS_ENTER ? "enter" : "refuse";
}

const char *access_why_name(access_why w)
{
    switch (w) {
    case ACCESS_OK: return "ok";
    case ACCESS_INVALID: return "invalid";
    case ACCESS_NOT_LISTED: return "not_listed";
    }
    return "invalid";
}

access_decision access_decide(const access_list *l, const match_badge *b, uint64_t now)
{
    access_decision d = {ACCESS_REFUSE, ACCESS_INVALID, TESS_OK, 0};
    if (!match_badge_counts(b, now, &d.reason))
        return d;
    const char *iss = match_badge_str(b, b->iss);
    const char *ach = match_badge_str(b, b->achievement);
    for (size_t i = 0; i < l->n; i++) {
        const access_rule *r = &l->rules[i];
        /* by length too: a text claim may hold a NUL, and "iss\0more" is
         * not "iss" */
        if (r->iss && (strlen(r->iss) != b->iss.len || memcmp(r->iss, iss, b->iss.len) != 0))
            continue;
        if (r->prefix && strncmp(ach, r->prefix, strlen(r->prefix)) != 0)
            continue;
        d.verdict = ACCESS_ENTER;
        d.why = ACCESS_OK;
        d.rule = i;
        return d;
    }
    d.why = ACCESS_NOT_LISTED;
    return d;
}
