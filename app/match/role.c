/* Roles at the booth: a strict "key: value" reader. See role.h. */
#include "role.h"

#include <dirent.h>
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

uint32_t match_code_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static bool hex_lower(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* 8-4-4-4-12 lower-case hex digits: the end of an ESCO concept URI. */
static bool is_uuid(const char *u)
{
    static const unsigned groups[5] = {8, 4, 4, 4, 12};
    for (unsigned g = 0; g < 5; g++) {
        for (unsigned k = 0; k < groups[g]; k++, u++)
            if (!hex_lower(*u))
                return false;
        if (g < 4 && *u++ != '-')
            return false;
    }
    return *u == '\0';
}

const char *role_check_code(const char *s)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return "a skill is framework:code, e.g. esco:<uuid>, onet:<code>, x:<local>";
    for (const char *p = s; p < colon; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return "the framework of a skill is letters and digits (esco, onet, x)";
    }
    if (strncmp(s, "esco:", 5) == 0 && !is_uuid(s + 5))
        return "an ESCO skill is esco:<uuid>, the UUID at the end of its URI, in lower case";
    for (const char *p = colon + 1; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '|')
            return "a skill code has no spaces";
    return NULL;
}

enum { K_TITLE, K_ID, K_EMPLOYER, K_REQUIRE, K_DESIRE, K_MIN_EQF, K_NOTE, K_COUNT };
static const char *const key_names[K_COUNT] = {"title",  "id",      "employer", "require",
                                               "desire", "min_eqf", "note"};

/* Where code already appears in the role: the line, or 0. A code twice
 * would make a role's score count one badge twice. */
static unsigned code_seen(const role *r, const char *code, uint32_t h)
{
    const role_skill *lists[2] = {r->require, r->desire};
    size_t counts[2] = {r->n_require, r->n_desire};
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < counts[l]; i++)
            for (size_t a = 0; a < lists[l][i].n_codes; a++)
                if (lists[l][i].hash[a] == h && strcmp(lists[l][i].codes[a], code) == 0)
                    return lists[l][i].line;
    return 0;
}

static bool parse_skill(role *r, bool required, char *v, const char *name, unsigned line,
                        char *err, size_t cap)
{
    const char *key = required ? "require" : "desire";
    size_t *n = required ? &r->n_require : &r->n_desire;
    size_t max = required ? ROLE_MAX_REQUIRE : ROLE_MAX_DESIRE;
    if (*n == max)
        return fail(err, cap, "%s:%u: %s: at most %zu %s skills", name, line, key, max,
                    required ? "required" : "desirable");
    role_skill sk;
    memset(&sk, 0, sizeof sk);
    sk.line = line;
    char *p = v;
    for (;;) {
        char *bar = strchr(p, '|');
        if (bar)
            *bar = '\0';
        char *code = lines_trim(p);
        if (!*code)
            return fail(err, cap, "%s:%u: %s: an empty alternative (write 'code | code')", name,
                        line, key);
        if (sk.n_codes == ROLE_MAX_ALT)
            return fail(err, cap, "%s:%u: %s: at most %u alternatives", name, line, key,
                        ROLE_MAX_ALT);
        const char *why = role_check_code(code);
        if (why)
            return fail(err, cap, "%s:%u: %s: '%s': %s", name, line, key, code, why);
        uint32_t h = match_code_hash(code, strlen(code));
        for (size_t a = 0; a < sk.n_codes; a++)
            if (sk.hash[a] == h && strcmp(sk.codes[a], code) == 0)
                return fail(err, cap, "%s:%u: %s: '%s' given twice", name, line, key, code);
        unsigned first = code_seen(r, code, h);
        if (first)
            return fail(err, cap, "%s:%u: %s: '%s' is already in the role (line %u)", name, line,
                        key, code, first);
        sk.codes[sk.n_codes] = code;
        sk.len[sk.n_codes] = strlen(code);
        sk.hash[sk.n_codes++] = h;
        if (!bar)
            break;
        p = bar + 1;
    }
    (required ? r->require : r->desire)[(*n)++] = sk;
    return true;
}

bool role_parse(const char *text, size_t len, const char *name, role *out, char *err,
                size_t err_cap)
{
    memset(out, 0, sizeof *out);
    if (len > ROLE_MAX_FILE)
        return fail(err, err_cap, "%s: larger than %u bytes: not a role file", name, ROLE_MAX_FILE);
    if (memchr(text, 0, len))
        return fail(err, err_cap, "%s: holds a NUL byte: not a text file", name);
    role *r = calloc(1, sizeof *r);
    char *copy = malloc(len + 1);
    if (!r || !copy) {
        free(r);
        free(copy);
        return fail(err, err_cap, "%s: out of memory", name);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    r->text = copy;
    lines rd;
    lines_init(&rd, copy);
    unsigned seen[K_COUNT] = {0};
    bool ok = true;
    char *s;
    while (ok && lines_next(&rd, &s)) {
        unsigned line = rd.line;
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
                      "%s:%u: unknown key '%s' (known: title, id, employer, require, desire, "
                      "min_eqf, note)",
                      name, line, key);
            break;
        }
        if (seen[k] && k != K_REQUIRE && k != K_DESIRE) {
            ok = fail(err, err_cap, "%s:%u: %s given twice (first on line %u)", name, line, key,
                      seen[k]);
            break;
        }
        if (!seen[k])
            seen[k] = line;
        const char *why = tmpl_check_text(v);
        if (why) {
            ok = fail(err, err_cap, "%s:%u: %s: the value is %s", name, line, key, why);
            break;
        }
        switch (k) {
        case K_TITLE: r->title = v; break;
        case K_ID: r->id = v; break;
        case K_EMPLOYER: r->employer = v; break;
        case K_NOTE: r->note = v; break;
        case K_MIN_EQF:
            if (v[0] < '1' || v[0] > '8' || v[1] != '\0')
                ok = fail(err, err_cap, "%s:%u: min_eqf: the EQF level is 1 to 8, not '%s'", name,
                          line, v);
            else
                r->min_eqf = (unsigned)(v[0] - '0');
            break;
        case K_REQUIRE:
        case K_DESIRE:
            ok = parse_skill(r, k == K_REQUIRE, v, name, line, err, err_cap);
            break;
        }
    }
    if (ok && !seen[K_TITLE])
        ok = fail(err, err_cap, "%s: missing 'title:' (a role needs a title)", name);
    if (!ok) {
        free(copy);
        free(r);
        return false;
    }
    *out = *r;
    free(r);
    return true;
}

bool role_load(const char *path, role *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = lines_read_file(path, ROLE_MAX_FILE, &len, err, err_cap);
    if (!text)
        return false;
    bool ok = role_parse(text, len, path, out, err, err_cap);
    free(text);
    if (ok && !(out->path = strdup(path))) {
        role_free(out);
        return fail(err, err_cap, "%s: out of memory", path);
    }
    return ok;
}

void role_free(role *r)
{
    free(r->text);
    free(r->path);
    memset(r, 0, sizeof *r);
}

static int by_title(const void *a, const void *b)
{
    const role *x = a, *y = b;
    int c = strcmp(x->title, y->title);
    return c ? c : strcmp(x->path, y->path);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

bool role_load_dir(const char *dir, role_set *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, err_cap, "%s: cannot open the roles folder", dir);
    role *roles = calloc(ROLE_MAX_ROLES, sizeof *roles);
    if (!roles) {
        closedir(d);
        return fail(err, err_cap, "%s: out of memory", dir);
    }
    size_t n = 0;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".role"))
            continue;
        if (n == ROLE_MAX_ROLES) {
            ok = fail(err, err_cap, "%s: more than %u role files", dir, ROLE_MAX_ROLES);
            break;
        }
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path) {
            ok = fail(err, err_cap, "%s/%s: path too long", dir, e->d_name);
            break;
        }
        if ((ok = role_load(path, &roles[n], err, err_cap)))
            n++;
    }
    closedir(d);
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            role_free(&roles[i]);
        free(roles);
        return false;
    }
    qsort(roles, n, sizeof *roles, by_title);
    out->n = n;
    out->roles = roles;
    return true;
}

void role_set_free(role_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        role_free(&s->roles[i]);
    free(s->roles);
    memset(s, 0, sizeof *s);
}
