/* event_file.c: the event file that carries an event, and its secret, from
 * the kiosk that made it to the others (store.h, docs/store.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define EVENT_FILE_MAGIC "tessera-event 1"
/* An event file is a few lines; anything bigger is not one. */
#define EVENT_FILE_MAX 4096

bool tess_event_write_file(const char *path, const tess_event *ev, char *err, size_t cap)
{
    char text[EVENT_FILE_MAX], hex[2 * TESS_EVENT_SECRET_LEN + 1];
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < TESS_EVENT_SECRET_LEN; i++) {
        hex[2 * i] = digits[ev->secret[i] >> 4];
        hex[2 * i + 1] = digits[ev->secret[i] & 15];
    }
    hex[2 * TESS_EVENT_SECRET_LEN] = '\0';
    if (strchr(ev->name, '\n') || strchr(ev->name, '\r')) {
        snprintf(err, cap, "%s: the event's name must be one line", path);
        return false;
    }
    int n = snprintf(text, sizeof text,
                     EVENT_FILE_MAGIC "\n"
                     "# Keep this file secret: the secret lets whoever holds it link\n"
                     "# credential ids to this event's check-in logs.\n"
                     "id %s\nname %s\nstart %llu\nend %llu\nkeep_names %d\n"
                     "reentry_after %llu\nsecret %s\n",
                     ev->id, ev->name, (unsigned long long)ev->start, (unsigned long long)ev->end,
                     ev->keep_names ? 1 : 0, (unsigned long long)ev->reentry_after, hex);
    if (n < 0 || (size_t)n >= sizeof text) {
        snprintf(err, cap, "%s: the event does not fit an event file", path);
        return false;
    }
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    /* 0600 from the start: the secret is never readable by others, not even
     * for a moment */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, cap, "%s: %s", tmp, strerror(errno));
        return false;
    }
    bool ok = fchmod(fd, 0600) == 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        snprintf(err, cap, "%s: %s", path, strerror(e));
    }
    return ok;
}

static bool parse_num(const char *s, uint64_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool tess_event_read_file(const char *path, tess_event *ev, char *err, size_t cap)
{
    memset(ev, 0, sizeof *ev);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[EVENT_FILE_MAX];
    unsigned lineno = 0;
    bool magic = false, have_id = false, have_secret = false, ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (lineno == 1) {
            magic = strcmp(line, EVENT_FILE_MAGIC) == 0;
            if (!magic) {
                snprintf(err, cap, "%s: not a Tessera event file (no '" EVENT_FILE_MAGIC
                         "' line first)", path);
                ok = false;
            }
            continue;
        }
        if (n == 0 || line[0] == '#')
            continue;
        char *val = strchr(line, ' ');
        if (!val) {
            snprintf(err, cap, "%s:%u: expected 'key value'", path, lineno);
            ok = false;
            break;
        }
        *val++ = '\0';
        uint64_t num = 0;
        if (strcmp(line, "id") == 0) {
            ok = tess_event_id_ok(val);
            if (ok)
                snprintf(ev->id, sizeof ev->id, "%s", val);
            have_id = ok;
        } else if (strcmp(line, "name") == 0) {
            ok = strlen(val) <= TESS_EVENT_NAME_MAX;
            if (ok)
                snprintf(ev->name, sizeof ev->name, "%s", val);
        } else if (strcmp(line, "start") == 0) {
            ok = parse_num(val, &ev->start);
        } else if (strcmp(line, "end") == 0) {
            ok = parse_num(val, &ev->end);
        } else if (strcmp(line, "keep_names") == 0) {
            ok = parse_num(val, &num) && num <= 1;
            ev->keep_names = num == 1;
        } else if (strcmp(line, "reentry_after") == 0) {
            ok = parse_num(val, &ev->reentry_after);
        } else if (strcmp(line, "secret") == 0) {
            ok = strlen(val) == 2 * TESS_EVENT_SECRET_LEN;
            for (size_t i = 0; ok && i < TESS_EVENT_SECRET_LEN; i++) {
                int hi = hexval(val[2 * i]), lo = hexval(val[2 * i + 1]);
                ok = hi >= 0 && lo >= 0;
                ev->secret[i] = (uint8_t)(hi << 4 | lo);
            }
            have_secret = ok;
        } else {
            snprintf(err, cap, "%s:%u: unknown key '%s'", path, lineno, line);
            ok = false;
            break;
        }
        if (!ok)
            snprintf(err, cap, "%s:%u: bad value for %s", path, lineno, line);
    }
    if (ok && ferror(f)) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        ok = false;
    }
    fclose(f);
    if (ok && (!magic || !have_id || !have_secret)) {
        snprintf(err, cap, "%s: an event file needs the first line '" EVENT_FILE_MAGIC
                 "', an id and a secret", path);
        ok = false;
    }
    if (ok && !ev->name[0])
        snprintf(ev->name, sizeof ev->name, "%s", ev->id);
    if (!ok)
        memset(ev, 0, sizeof *ev);
    return ok;
}
