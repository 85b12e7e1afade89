/* Credential templates: a strict "key: value" reader. See template.h. */
#include "template.h"

#include "match/lines.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Valid UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t more;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            more = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        for (size_t k = 1; k <= more; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return false;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

const char *tmpl_check_text(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return "empty";
    if (n > TESS_MAX_STRING)
        return "longer than 512 bytes (the FORMAT.md limit)";
    if (!utf8_ok((const unsigned char *)s, n))
        return "not valid UTF-8";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return "not one line of text (it holds a control character)";
    }
    return NULL;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* BCP 47 in its common shape: a 2-3 letter (or 4-8) language, then
 * subtags of 1-8 letters or digits, separated by '-'. */
const char *tmpl_check_lang(const char *s)
{
    size_t i = 0, first = 0;
    while (is_alpha(s[i]))
        i++;
    first = i;
    if (first < 2 || first > 8)
        return "not a BCP 47 language tag (e.g. en, fr-BE)";
    while (s[i] == '-') {
        size_t k = ++i;
        while (is_alpha(s[i]) || is_digit(s[i]))
            i++;
        if (i == k || i - k > 8)
            return "not a BCP 47 language tag (e.g. en, fr-BE)";
    }
    return s[i] ? "not a BCP 47 language tag (e.g. en, fr-BE)" : NULL;
}

/* esco:<uuid> must be a lower-case UUID (ESCO's URIs end in one). */
static bool esco_uuid(const char *u)
{
    static const int groups[5] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; g++) {
        for (int k = 0; k < groups[g]; k++, u++)
            if (!(is_digit(*u) || (*u >= 'a' && *u <= 'f')))
                return false;
        if (g < 4 && *u++ != '-')
            return false;
    }
    return *u == '\0';
}

static const char *check_skill(const char *s)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return "a skill is framework:code, e.g. esco:<uuid>, onet:<code>, x:<local>";
    for (const char *p = s; p < colon; p++)
        if (!(is_alpha(*p) || is_digit(*p) || *p == '-' || *p == '_' || *p == '.'))
            return "the framework of a skill is letters and digits (esco, onet, x)";
    if (strncmp(s, "esco:", 5) == 0 && !esco_uuid(s + 5))
        return "an ESCO skill is esco:<uuid>, the UUID at the end of its URI, in lower case";
    for (const char *p = colon + 1; *p; p++)
        if (*p == ' ')
            return "a skill code has no spaces";
    return NULL;
}

/* Whether s names `name`, ignoring case, with '-' and ' ' alike. */
static bool same_name(const char *s, const char *name)
{
    for (; *s && *name; s++, name++) {
        char x = *s == '-' ? ' ' : *s, y = *name == '-' ? ' ' : *name;
        if (x != y && (x | 0x20) != (y | 0x20))
            return false;
        if (x != y && !is_alpha(x))
            return false;
    }
    return !*s && !*name;
}

static bool enum_of(const char *s, const char *(*name_of)(uint64_t), uint64_t *out)
{
    for (uint64_t v = 0; v < 64 && strcmp(name_of(v), "other") != 0; v++) {
        if (same_name(s, name_of(v))) {
            *out = v;
            return true;
        }
    }
    return false;
}

static void list_names(char *out, size_t cap, const char *(*name_of)(uint64_t))
{
    size_t n = 0;
    out[0] = '\0';
    for (uint64_t v = 0; v < 64 && strcmp(name_of(v), "other") != 0 && n < cap; v++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", v ? ", " : "", name_of(v));
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!is_digit(*s))
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (!is_digit(*s) || v > max / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

enum { K_TITLE, K_ACH, K_AWARDER, K_TYPE, K_COUNTRY, K_SKILL, K_EQF, K_WORKLOAD, K_ASSESS,
       K_PART, K_QA, K_PATHWAY, K_LANG, K_VALIDITY, K_COUNT };
static const char *const key_names[K_COUNT] = {
    "title", "achievement", "awarder", "type", "country", "skill", "eqf", "workload",
    "assessment", "participation", "qa", "pathway", "lang", "validity"};

static bool set_field(tmpl *t, int k, char *v, const char *name, unsigned line, char *err,
                      size_t cap)
{
    const char *why = tmpl_check_text(v);
    if (why)
        return fail(err, cap, "%s:%u: %s: the value is %s", name, line, key_names[k], why);
    uint64_t n;
    char names[200];
    switch (k) {
    case K_TITLE: t->title = v; break;
    case K_ACH: t->achievement = v; break;
    case K_AWARDER: t->awarder = v; break;
    case K_QA: t->qa = v; t->has |= TESS_HAS_QA; break;
    case K_TYPE:
        if (!enum_of(v, tess_type_name, &t->type)) {
            list_names(names, sizeof names, tess_type_name);
            return fail(err, cap, "%s:%u: type: '%s' is not one of %s", name, line, v, names);
        }
        t->has |= TESS_HAS_TYPE;
        break;
    case K_ASSESS:
        if (!enum_of(v, tess_assessment_name, &t->assessment)) {
            list_names(names, sizeof names, tess_assessment_name);
            return fail(err, cap, "%s:%u: assessment: '%s' is not one of %s", name, line, v,
                        names);
        }
        t->has |= TESS_HAS_ASSESSMENT;
        break;
    case K_PART:
        if (!enum_of(v, tess_participation_name, &t->participation)) {
            list_names(names, sizeof names, tess_participation_name);
            return fail(err, cap, "%s:%u: participation: '%s' is not one of %s", name, line, v,
                        names);
        }
        t->has |= TESS_HAS_PARTICIPATION;
        break;
    case K_COUNTRY:
        if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
            return fail(err, cap, "%s:%u: country: '%s' is not an ISO 3166-1 alpha-2 code (DE, IE, ...)",
                        name, line, v);
        t->country = v;
        t->has |= TESS_HAS_COUNTRY;
        break;
    case K_LANG:
        if ((why = tmpl_check_lang(v)))
            return fail(err, cap, "%s:%u: lang: '%s' is %s", name, line, v, why);
        t->lang = v;
        t->has |= TESS_HAS_LANG;
        break;
    case K_EQF:
        if (!parse_uint(v, 8, &n) || n < 1)
            return fail(err, cap, "%s:%u: eqf: the EQF level is 1 to 8, not '%s'", name, line, v);
        t->eqf = n;
        t->has |= TESS_HAS_EQF;
        break;
    case K_WORKLOAD:
        if (!parse_uint(v, 1000000, &n))
            return fail(err, cap, "%s:%u: workload: give whole hours (0 to 1000000), not '%s'", name,
                        line, v);
        t->workload = n;
        t->has |= TESS_HAS_WORKLOAD;
        break;
    case K_SKILL:
        if (t->n_skills == TESS_MAX_LIST)
            return fail(err, cap, "%s:%u: skill: at most %u skills", name, line, TESS_MAX_LIST);
        if ((why = check_skill(v)))
            return fail(err, cap, "%s:%u: skill: '%s': %s", name, line, v, why);
        t->skills[t->n_skills++] = v;
        t->has |= TESS_HAS_SKILLS;
        break;
    case K_PATHWAY:
        if (t->n_stacks == TESS_MAX_LIST)
            return fail(err, cap, "%s:%u: pathway: at most %u pathways", name, line, TESS_MAX_LIST);
        t->stacks[t->n_stacks++] = v;
        t->has |= TESS_HAS_STACKS;
        break;
    case K_VALIDITY: {
        /* N from 1 to 100000, blanks, up to 15 letters a-z: the sscanf
         * "%u %15[a-z]" this was, but a count past an unsigned is refused
         * ("4294967297 days" was 1 day) */
        char unit[16];
        static const char *const units[] = {"day", "week", "month", "year"};
        char *end = NULL;
        errno = 0;
        unsigned long long count = is_digit(v[0]) ? strtoull(v, &end, 10) : 0;
        size_t ul = 0;
        if (count > 0 && errno == 0) {
            while (isspace((unsigned char)*end))
                end++;
            while (ul < sizeof unit - 1 && end[ul] >= 'a' && end[ul] <= 'z')
                ul++;
        }
        if (count == 0 || errno != 0 || count > 100000 || ul == 0 || end[ul] != '\0')
            return fail(err, cap, "%s:%u: validity: give N days, weeks, months or years, not '%s'",
                        name, line, v);
        memcpy(unit, end, ul);
        unit[ul] = '\0';
        if (ul > 1 && unit[ul - 1] == 's')
            unit[ul - 1] = '\0';
        int u = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(unit, units[i]) == 0)
                u = i;
        if (u < 0)
            return fail(err, cap, "%s:%u: validity: give N days, weeks, months or years, not '%s'",
                        name, line, v);
        t->has_validity = true;
        t->validity_n = (unsigned)count;
        t->validity_unit = (tmpl_unit)u;
        break;
    }
    }
    return true;
}

bool tmpl_parse(const char *text, size_t len, const char *name, tmpl *out, char *err,
                size_t err_cap)
{
    memset(out, 0, sizeof *out);
    if (len > TMPL_MAX_FILE)
        return fail(err, err_cap, "%s: larger than %u bytes: not a template", name, TMPL_MAX_FILE);
    if (memchr(text, 0, len))
        return fail(err, err_cap, "%s: holds a NUL byte: not a text template", name);
    tmpl t;
    memset(&t, 0, sizeof t);
    t.text = malloc(len + 1);
    if (!t.text)
        return fail(err, err_cap, "%s: out of memory", name);
    memcpy(t.text, text, len);
    t.text[len] = '\0';
    lines rd;   /* BOM, CRLF, trimming, comments and blank lines: lines.h */
    lines_init(&rd, t.text);
    unsigned seen[K_COUNT] = {0};
    unsigned line = 0;
    bool ok = true;
    char *s;
    while (ok && lines_next(&rd, &s)) {
        line = rd.line;
        char *colon = strchr(s, ':');
        if (!colon) {
            ok = fail(err, err_cap, "%s:%u: expected 'key: value'", name, line);
            break;
        }
        *colon = '\0';
        char *key = lines_trim(s), *v = lines_trim(colon + 1);
        int k = -1;
        for (int i = 0; i < K_COUNT; i++)
            if (strcmp(key, key_names[i]) == 0)
                k = i;
        if (k < 0) {
            ok = fail(err, err_cap,
                      "%s:%u: unknown key '%s' (known: title, achievement, awarder, type, "
                      "country, skill, eqf, workload, assessment, participation, qa, pathway, "
                      "lang, validity)",
                      name, line, key);
            break;
        }
        if (seen[k] && k != K_SKILL && k != K_PATHWAY) {
            ok = fail(err, err_cap, "%s:%u: %s given twice (first on line %u)", name, line, key,
                      seen[k]);
            break;
        }
        if (!seen[k])
            seen[k] = line;
        ok = set_field(&t, k, v, name, line, err, err_cap);
    }
    static const int required[] = {K_TITLE, K_ACH, K_AWARDER};
    for (size_t i = 0; ok && i < 3; i++)
        if (!seen[required[i]])
            ok = fail(err, err_cap, "%s: missing '%s:' (title, achievement and awarder are required)",
                      name, key_names[required[i]]);
    if (!ok) {
        free(t.text);
        return false;
    }
    *out = t;
    return true;
}

bool tmpl_load(const char *path, tmpl *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, err_cap, "%s: cannot open: %s", path, strerror(errno));
    char *buf = malloc(TMPL_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, TMPL_MAX_FILE + 1, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    if (!buf)
        return fail(err, err_cap, "%s: out of memory", path);
    if (read_error) {
        free(buf);
        return fail(err, err_cap, "%s: read error", path);
    }
    bool ok = tmpl_parse(buf, n, path, out, err, err_cap);
    free(buf);
    return ok;
}

void tmpl_free(tmpl *t)
{
    free(t->text);
    memset(t, 0, sizeof *t);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool tmpl_expiry(const tmpl *t, uint64_t iat, uint64_t *exp)
{
    if (!t->has_validity || iat > 253402300799u)
        return false;
    uint64_t n = t->validity_n;
    if (t->validity_unit == TMPL_DAYS || t->validity_unit == TMPL_WEEKS) {
        uint64_t days = n * (t->validity_unit == TMPL_WEEKS ? 7u : 1u);
        *exp = iat + days * 86400u;
        return *exp <= 253402300799u;
    }
    time_t tt = (time_t)iat;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return false;
    int64_t months = (int64_t)tm.tm_year + 1900;
    months = months * 12 + tm.tm_mon + (int64_t)n * (t->validity_unit == TMPL_YEARS ? 12 : 1);
    int64_t y = months / 12;
    unsigned m = (unsigned)(months % 12) + 1;
    if (y > 9999)
        return false;
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    unsigned last = mdays[m - 1] + (m == 2 && leap ? 1u : 0u);
    unsigned d = (unsigned)tm.tm_mday > last ? last : (unsigned)tm.tm_mday;
    int64_t days = days_from_civil(y, m, d);
    *exp = (uint64_t)days * 86400u + (uint64_t)(iat % 86400u);
    return true;
}

static tess_span span(const char *s)
{
    tess_span r = {(const uint8_t *)s, s ? strlen(s) : 0};
    return r;
}

bool tmpl_apply(const tmpl *t, uint64_t iat, tess_credential *cr)
{
    cr->version = 1;
    cr->title = span(t->title);
    cr->achievement = span(t->achievement);
    cr->awarder = span(t->awarder);
    cr->has |= t->has;
    cr->type = t->type;
    cr->country = span(t->country);
    cr->qa = span(t->qa);
    cr->lang = span(t->lang);
    cr->eqf = t->eqf;
    cr->workload = t->workload;
    cr->assessment = t->assessment;
    cr->participation = t->participation;
    cr->n_skills = t->n_skills;
    for (size_t i = 0; i < t->n_skills; i++)
        cr->skills[i] = span(t->skills[i]);
    cr->n_stacks = t->n_stacks;
    for (size_t i = 0; i < t->n_stacks; i++)
        cr->stacks[i] = span(t->stacks[i]);
    if (t->has_validity) {
        if (!tmpl_expiry(t, iat, &cr->exp))
            return false;
        cr->has |= TESS_HAS_EXP;
    }
    return true;
}
