/* Arguments, times, files, hex and key files for the command line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tessera/tess_crypto.h"

/* ---- arguments ---- */

bool arg_opt(args *a, const char *name, const char **val, bool *bad)
{
    if (a->i >= a->argc)
        return false;
    const char *s = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(s, name, n) != 0)
        return false;
    if (s[n] == '=') {
        *val = s + n + 1;
        a->i++;
        return true;
    }
    if (s[n] != '\0')
        return false;
    if (a->i + 1 >= a->argc) {
        fprintf(stderr, "tessera %s: %s needs a value\n", a->cmd, name);
        *bad = true;
        a->i++;
        return false;
    }
    *val = a->argv[a->i + 1];
    a->i += 2;
    return true;
}

bool arg_flag(args *a, const char *name)
{
    if (a->i < a->argc && strcmp(a->argv[a->i], name) == 0) {
        a->i++;
        return true;
    }
    return false;
}

int usage_error(const args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tessera %s: ", a->cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see: tessera help %s)\n", a->cmd);
    va_end(ap);
    return EXIT_USAGE;
}

/* ---- numbers and times ---- */

bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * well-known civil-date arithmetic, written out here). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Blanks, then 1 to `width` (at most 4) decimal digits at *p, then the
 * character `then` unless it is 0; *p moves past them. As sscanf's %<width>u
 * was, but with no sign: it took '-' and wrapped, "-197" a year past 4e9. */
static bool take_digits(const char **p, unsigned width, unsigned *out, char then)
{
    const char *q = *p;
    while (isspace((unsigned char)*q))
        q++;
    unsigned v = 0, n = 0;
    while (n < width && q[n] >= '0' && q[n] <= '9') {
        v = v * 10 + (unsigned)(q[n] - '0');
        n++;
    }
    if (n == 0 || (then && q[n] != then))
        return false;
    *p = q + n + (then ? 1 : 0);
    *out = v;
    return true;
}

bool parse_time(const char *s, uint64_t *out)
{
    if (parse_u64(s, out))
        return true;
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    const char *rest = s;
    if (!s || !take_digits(&rest, 4, &y, '-') || !take_digits(&rest, 2, &mo, '-') ||
        !take_digits(&rest, 2, &d, 0))
        return false;
    if (*rest == 'T' || *rest == ' ') {
        rest++;
        if (!take_digits(&rest, 2, &h, ':') || !take_digits(&rest, 2, &mi, 0))
            return false;
        if (*rest == ':') {
            rest++;
            if (!take_digits(&rest, 2, &sec, 0))
                return false;
        }
        if (*rest == 'Z')
            rest++;
    }
    static const unsigned month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (*rest != '\0' || y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59)
        return false;
    if (d < 1 || d > month_days[mo - 1] + (mo == 2 && leap ? 1u : 0u))
        return false;
    int64_t days = days_from_civil(y, mo, d);
    *out = (uint64_t)days * 86400u + h * 3600u + mi * 60u + sec;
    return true;
}

void format_time(uint64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t > (uint64_t)253402300799u || !gmtime_r(&tt, &tm)) {
        snprintf(out, cap, "%llu (seconds)", (unsigned long long)t);
        return;
    }
    strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm);
}

uint64_t now_seconds(void)
{
    time_t t = time(NULL);
    return t < 0 ? 0 : (uint64_t)t;
}

/* ---- files ---- */

uint8_t *read_file(const char *path, size_t max, size_t *len)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = stdin;
    if (!is_stdin) {
        /* Non-blocking open, so that a FIFO nobody writes to reads as empty
         * instead of hanging; reads then block as usual. */
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            fd = -1;
            errno = EISDIR;
        }
        if (fd >= 0) {
            int flags = fcntl(fd, F_GETFL);
            if (flags >= 0)
                fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
            f = fdopen(fd, "rb");
            if (!f)
                close(fd);
        } else {
            f = NULL;
        }
    }
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap > max) {
                fprintf(stderr, "%s: larger than %zu bytes, refused\n", path, max);
                free(buf);
                buf = NULL;
                errno = EFBIG;
                break;
            }
            uint8_t *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno;
                fprintf(stderr, "%s: read error: %s\n", path, strerror(e));
                free(buf);
                buf = NULL;
                errno = e ? e : EIO;
            }
            break;
        }
    }
    if (!is_stdin) {
        int e = errno;
        fclose(f);
        errno = e;
    }
    if (buf && n > max) {
        fprintf(stderr, "%s: larger than %zu bytes, refused\n", path, max);
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    if (buf) {
        buf[n] = 0;
        *len = n;
    }
    return buf;
}

static bool write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += w;
        len -= (size_t)w;
    }
    return true;
}

bool write_file(const char *path, const uint8_t *data, size_t len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        fprintf(stderr, "%s: path too long\n", path);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = write_all(fd, data, len) && fsync(fd) == 0;
    int err = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0) {
        err = errno;
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(err));
        unlink(tmp);
    }
    return ok;
}

bool create_exclusive(const char *path, int mode, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(stderr, "%s: already exists; refusing to overwrite a key (choose another --out)\n", path);
        else
            fprintf(stderr, "%s: cannot create: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = write_all(fd, (const uint8_t *)data, len) && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        unlink(path);
    }
    return ok;
}

/* ---- hex and keys ---- */

void to_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool from_hex(const char *hex, uint8_t *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* 32 bytes from a key file: 64 hex digits on the first line, or raw. */
static bool read_key32(const char *path, uint8_t out[32], const char *what)
{
    size_t len;
    uint8_t *buf = read_file(path, 4096, &len);
    if (!buf)
        return false;
    bool ok = false;
    if (len == 32) {
        memcpy(out, buf, 32);
        ok = true;
    } else {
        char *text = (char *)buf;
        text[strcspn(text, "\r\n")] = '\0';
        ok = from_hex(text, out, 32);
    }
    tess_wipe(buf, len);
    free(buf);
    if (!ok)
        fprintf(stderr, "%s: not a %s (expected 64 hex digits, as `tessera keygen` writes)\n",
                path, what);
    return ok;
}

bool read_public_key(const char *path, uint8_t pk[32])
{
    return read_key32(path, pk, "public key");
}

/* read_secret_key is in cli_keys.c: it opens sealed keys too (keyseal.h). */

/* ---- the root and the bundle ---- */

#define MAX_ROOT_FILE 65536u
#define MAX_BUNDLE_FILE (64u * 1024u * 1024u)

void explain_bundle_error(const char *path, tess_status st, tess_span file,
                          const tess_root *root)
{
    size_t n_signed = 0, n_sigs = 0;
    switch (st) {
    case TESS_ERR_THRESHOLD: {
        size_t scratch_len = tess_bundle_scratch_size(file.len);
        uint8_t *scratch = malloc(scratch_len);
        if (scratch && tess_bundle_count_signed(file, root, scratch, scratch_len, &n_signed,
                                                &n_sigs) != TESS_OK)
            n_signed = n_sigs = 0;
        free(scratch);
        fprintf(stderr,
                "%s: not signed by %u of the %zu root keys (threshold): it carries %zu "
                "signature%s, %zu of them valid from a root key; have it signed by more root "
                "keys (tessera bundle create --sign), or check that --root is this fleet's "
                "root file\n",
                path, root->threshold, root->n_keys, n_sigs, n_sigs == 1 ? "" : "s", n_signed);
        break;
    }
    case TESS_ERR_ROTATION:
        fprintf(stderr,
                "%s: names new root keys (rotation) but not enough of them signed it; sign it "
                "with the new root keys too\n",
                path);
        break;
    case TESS_ERR_BAD_BUNDLE:
        fprintf(stderr,
                "%s: not a well-formed TB1 trust bundle (bad_bundle); get a fresh copy from "
                "the fleet's publisher\n",
                path);
        break;
    case TESS_ERR_BUFFER:
        fprintf(stderr, "%s: lists more issuers than this build can hold\n", path);
        break;
    default:
        fprintf(stderr, "%s: %s: %s\n", path, tess_reason(st), tess_reason_text(st));
    }
}

bool trust_open(trust_files *t, const char *root_path, const char *bundle_path)
{
    memset(t, 0, sizeof *t);
    size_t root_len, bundle_len;
    t->why = TESS_ERR_ARG;
    t->why_path = root_path;
    if (!(t->root_bytes = read_file(root_path, MAX_ROOT_FILE, &root_len)))
        return false;
    tess_span rf = {t->root_bytes, root_len};
    if (tess_root_parse(rf, &t->root) != TESS_OK) {
        t->why = TESS_ERR_BAD_ROOT;
        fprintf(stderr,
                "%s: not a root file ({1: threshold, 2: [32-byte keys]}, 1 <= threshold <= "
                "keys <= %u); make one with `tessera root init`\n",
                root_path, TESS_MAX_ROOT_KEYS);
        return false;
    }
    t->why_path = bundle_path;
    if (!(t->bundle_bytes = read_file(bundle_path, MAX_BUNDLE_FILE, &bundle_len)))
        return false;
    /* Every issuer entry takes well over 50 bytes. */
    size_t cap = bundle_len / 50 + 1;
    size_t scratch_len = tess_bundle_scratch_size(bundle_len);
    uint8_t *scratch = malloc(scratch_len);
    t->issuer_at = malloc(cap * sizeof *t->issuer_at);
    if (!scratch || !t->issuer_at) {
        free(scratch);
        fprintf(stderr, "%s: out of memory\n", bundle_path);
        return false;
    }
    tess_span bf = {t->bundle_bytes, bundle_len};
    tess_status st = tess_bundle_open(bf, &t->root, t->issuer_at, cap, scratch, scratch_len,
                                      &t->bundle);
    free(scratch);
    t->why = st;
    if (st != TESS_OK)
        explain_bundle_error(bundle_path, st, bf, &t->root);
    return st == TESS_OK;
}

void trust_close(trust_files *t)
{
    free(t->root_bytes);
    free(t->bundle_bytes);
    free(t->issuer_at);
    memset(t, 0, sizeof *t);
}
