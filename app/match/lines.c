/* The booth's line reader. See lines.h. */
#include "lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *lines_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

void lines_init(lines *r, char *text)
{
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        text += 3;
    r->p = text;
    r->line = 0;
}

bool lines_next(lines *r, char **out)
{
    while (*r->p) {
        char *s = r->p;
        char *nl = strchr(s, '\n');
        if (nl) {
            *nl = '\0';
            r->p = nl + 1;
        } else {
            r->p = s + strlen(s);
        }
        r->line++;
        size_t l = strlen(s);
        if (l && s[l - 1] == '\r')
            s[l - 1] = '\0';
        s = lines_trim(s);
        if (*s == '\0' || *s == '#')
            continue;
        *out = s;
        return true;
    }
    return false;
}

char *lines_read_file(const char *path, size_t max, size_t *len, char *err, size_t err_cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_cap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max + 2);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    if (!buf) {
        snprintf(err, err_cap, "%s: out of memory", path);
        return NULL;
    }
    const char *why = read_error ? "read error"
                      : n > max  ? "too large"
                      : memchr(buf, 0, n) ? "holds a NUL byte: not a text file"
                                          : NULL;
    if (why) {
        if (n > max)
            snprintf(err, err_cap, "%s: larger than %zu bytes", path, max);
        else
            snprintf(err, err_cap, "%s: %s", path, why);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
