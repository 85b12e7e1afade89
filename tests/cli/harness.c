/* harness.c: shared by the command-line tests (see harness.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "testkit.h"

void buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        assert_non_null(p);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void result_clear(result *r)
{
    free(r->out.p);
    free(r->err.p);
    memset(r, 0, sizeof *r);
    buf_add(&r->out, "", 0);
    buf_add(&r->err, "", 0);
}

void drain(int *fd, buf *b)
{
    char tmp[4096];
    ssize_t n = read(*fd, tmp, sizeof tmp);
    if (n > 0) {
        buf_add(b, tmp, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

const char *expand(const char *a, char *space, size_t cap)
{
    if (a[0] != '@')
        return a;
    char *end;
    errno = 0;
    long long off = strtoll(a + 1, &end, 10);
    if (a[1] == '\0' || *end != '\0' || errno)
        return a;
    snprintf(space, cap, "%lld", (long long)TK_NOW + off);
    return space;
}

const cJSON *jget(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

void hex_of(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void push_args(const char **argv, size_t *n, const char *const *more)
{
    for (size_t i = 0; more && more[i]; i++) {
        assert_true(*n < MAX_ARGS - 1);
        argv[(*n)++] = more[i];
    }
    argv[*n] = NULL;
}

bool has_warning(const cJSON *j, const char *w)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, jget(j, "warnings"))
        if (cJSON_IsString(it) && strcmp(it->valuestring, w) == 0)
            return true;
    return false;
}

void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            for (struct dirent *e; (e = readdir(d));) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char sub[PATH_MAX];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
