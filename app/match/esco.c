/* Skill labels: a strict TSV table, binary searched. See esco.h. */
#include "esco.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "role.h"
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

static int by_code(const void *a, const void *b)
{
    return strcmp(((const esco_row *)a)->code, ((const esco_row *)b)->code);
}

static const char *const header = "code\ten\tes\tfr\tde";
static const char *const lang_names[ESCO_N_LANGS] = {"en", "es", "fr", "de"};

bool esco_parse(esco_table *t, const char *text, size_t len, const char *name, char *err,
                size_t err_cap)
{
    memset(t, 0, sizeof *t);
    if (len > ESCO_MAX_FILE)
        return fail(err, err_cap, "%s: larger than %u bytes", name, ESCO_MAX_FILE);
    if (memchr(text, 0, len))
        return fail(err, err_cap, "%s: holds a NUL byte: not a text file", name);
    size_t n_lines = 1;
    for (size_t i = 0; i < len; i++)
        n_lines += text[i] == '\n';
    char *copy = malloc(len + 1);
    esco_row *rows = calloc(n_lines, sizeof *rows);
    if (!copy || !rows) {
        free(copy);
        free(rows);
        return fail(err, err_cap, "%s: out of memory", name);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t n = 0;
    unsigned line = 0;
    bool ok = true;
    char *p = copy;
    while (ok && *p) {
        char *s = p, *nl = strchr(p, '\n');
        if (nl) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p += strlen(p);
        }
        line++;
        size_t l = strlen(s);
        if (l && s[l - 1] == '\r')
            s[--l] = '\0';
        if (line == 1) {
            if (strcmp(s, header) != 0)
                ok = fail(err, err_cap, "%s:1: the header must be 'code<TAB>en<TAB>es<TAB>fr<TAB>de'",
                          name);
            continue;
        }
        char *col[ESCO_N_LANGS + 1];
        size_t nc = 0;
        for (char *c = s;; c++) {
            if (nc <= ESCO_N_LANGS)
                col[nc] = c;
            nc++;
            c = strchr(c, '\t');
            if (!c)
                break;
            *c = '\0';
        }
        if (nc != ESCO_N_LANGS + 1) {
            ok = fail(err, err_cap, "%s:%u: %zu columns; a line is code, en, es, fr, de", name,
                      line, nc);
            break;
        }
        const char *why = role_check_code(col[0]);
        if (why) {
            ok = fail(err, err_cap, "%s:%u: '%s': %s", name, line, col[0], why);
            break;
        }
        esco_row *r = &rows[n];
        r->code = col[0];
        for (int k = 0; k < ESCO_N_LANGS && ok; k++) {
            if (!*col[k + 1]) {
                if (k == ESCO_EN)
                    ok = fail(err, err_cap, "%s:%u: %s: the English label is required", name,
                              line, col[0]);
                continue;
            }
            if ((why = tmpl_check_text(col[k + 1])))
                ok = fail(err, err_cap, "%s:%u: %s: the %s label is %s", name, line, col[0],
                          lang_names[k], why);
            r->label[k] = col[k + 1];
        }
        n += ok;
    }
    if (ok && line == 0)
        ok = fail(err, err_cap, "%s: empty (the header line is required)", name);
    if (ok) {
        qsort(rows, n, sizeof *rows, by_code);
        for (size_t i = 1; i < n && ok; i++)
            if (strcmp(rows[i - 1].code, rows[i].code) == 0)
                ok = fail(err, err_cap, "%s: '%s' is given twice", name, rows[i].code);
    }
    if (!ok) {
        free(copy);
        free(rows);
        return false;
    }
    t->n = n;
    t->rows = rows;
    t->text = copy;
    return true;
}

bool esco_load(esco_table *t, const char *path, char *err, size_t err_cap)
{
    memset(t, 0, sizeof *t);
    size_t len;
    char *text = lines_read_file(path, ESCO_MAX_FILE, &len, err, err_cap);
    if (!text)
        return false;
    bool ok = esco_parse(t, text, len, path, err, err_cap);
    free(text);
    return ok;
}

void esco_free(esco_table *t)
{
    free(t->rows);
    free(t->text);
    memset(t, 0, sizeof *t);
}

int esco_lang(const char *tag)
{
    if (!tag)
        return ESCO_EN;
    for (int k = 0; k < ESCO_N_LANGS; k++) {
        size_t n = strlen(lang_names[k]);
        if ((tag[0] | 0x20) == lang_names[k][0] && (tag[1] | 0x20) == lang_names[k][1] &&
            (tag[n] == '\0' || tag[n] == '-' || tag[n] == '_'))
            return k;
    }
    return -1;
}

const esco_row *esco_find(const esco_table *t, const char *code)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, t->rows[mid].code);
        if (c == 0)
            return &t->rows[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *esco_lookup(const esco_table *t, const char *code, const char *lang)
{
    const esco_row *r = esco_find(t, code);
    if (!r)
        return NULL;
    int k = esco_lang(lang);
    if (k >= 0 && r->label[k])
        return r->label[k];
    return r->label[ESCO_EN];
}
