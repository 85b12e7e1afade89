/* Sealed issuer keys: Argon2id13 + XSalsa20-Poly1305 (libsodium). See keyseal.h. */
#include "keyseal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#define SEED_LEN 32u
#define BOX_LEN (SEED_LEN + crypto_secretbox_MACBYTES)

static void say(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

bool keyseal_init(void)
{
    return sodium_init() >= 0;
}

uint8_t *keyseal_secret_alloc(void)
{
    uint8_t *p = sodium_malloc(KEYSEAL_SK_LEN);
    if (p)
        sodium_memzero(p, KEYSEAL_SK_LEN);
    return p;
}

/* sodium_free wipes the whole allocation before unmapping it: the
 * allocation's size is known to libsodium, so no length is needed here. */
void keyseal_secret_free(void *p)
{
    if (p)
        sodium_free(p);
}

bool keyseal_is_sealed(const uint8_t *file, size_t len)
{
    size_t n = strlen(KEYSEAL_MAGIC);
    return file && len >= n && memcmp(file, KEYSEAL_MAGIC, n) == 0 &&
           (len == n || file[n] == '\n' || file[n] == '\r');
}

/* ---- reading files into guarded memory ---- */

static uint8_t *read_guarded(const char *path, size_t max, size_t *len, char *err, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        say(err, cap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        say(err, cap, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    uint8_t *buf = sodium_malloc(max + 1);
    if (!buf) {
        say(err, cap, "%s: out of memory", path);
        close(fd);
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        ssize_t got = read(fd, buf + n, max + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            say(err, cap, "%s: read error: %s", path, strerror(errno));
            sodium_free(buf);
            close(fd);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            say(err, cap, "%s: larger than %zu bytes: not a key or passphrase file", path, max);
            sodium_free(buf);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    buf[n] = 0;
    *len = n;
    return buf;
}

uint8_t *keyseal_read_file(const char *path, size_t *len, char *err, size_t err_cap)
{
    return read_guarded(path, KEYSEAL_MAX_FILE, len, err, err_cap);
}

char *keyseal_read_passphrase_file(const char *path, size_t *len, char *err, size_t err_cap)
{
    size_t n;
    uint8_t *buf = read_guarded(path, KEYSEAL_MAX_PASSPHRASE + 2, &n, err, err_cap);
    if (!buf)
        return NULL;
    size_t line = 0;
    while (line < n && buf[line] != '\n' && buf[line] != '\r')
        line++;
    /* The rest of the file is wiped, so that only the first line stays. */
    sodium_memzero(buf + line, n - line);
    if (line == 0 || line > KEYSEAL_MAX_PASSPHRASE || memchr(buf, 0, line)) {
        say(err, err_cap, "%s: %s", path,
            line == 0 ? "the first line is empty: write the passphrase on it"
                      : "not a passphrase file (a line of at most 1024 bytes)");
        sodium_free(buf);
        return NULL;
    }
    *len = line;
    return (char *)buf;
}

/* ---- the terminal ---- */

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
    got_signal = sig;
}

/* One line from fd with echo off; true when a line (possibly empty) came. */
static bool tty_line(int fd, const char *prompt, char *out, size_t cap, size_t *len)
{
    struct termios old, quiet;
    bool have_termios = tcgetattr(fd, &old) == 0;
    if (write(fd, prompt, strlen(prompt)) < 0)
        return false;
    if (have_termios) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSANOW, &quiet);
    }
    size_t n = 0;
    bool ok = false, too_long = false;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR && !got_signal)
            continue;
        if (got <= 0)
            break;
        if (c == '\n' || c == '\r') {
            ok = true;
            break;
        }
        if (n + 1 < cap)
            out[n++] = c;
        else
            too_long = true;
    }
    if (have_termios)
        tcsetattr(fd, TCSANOW, &old);
    if (write(fd, "\n", 1) < 0)
        ok = false;
    out[n] = '\0';
    *len = n;
    return ok && !too_long;
}

char *keyseal_read_passphrase_tty(const char *prompt, bool confirm, size_t *len, char *err,
                                  size_t err_cap)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        say(err, err_cap,
            "no terminal to ask the passphrase on; give --passphrase-file FILE");
        return NULL;
    }
    size_t cap = KEYSEAL_MAX_PASSPHRASE + 1;
    char *a = sodium_malloc(cap), *b = confirm ? sodium_malloc(cap) : NULL;
    /* Echo must come back even when staff press Ctrl+C at the prompt. */
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    got_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    size_t na = 0, nb = 0;
    bool ok = a && (!confirm || b);
    if (!ok)
        say(err, err_cap, "out of memory");
    if (ok && !tty_line(fd, prompt, a, cap, &na)) {
        say(err, err_cap, "no passphrase read");
        ok = false;
    }
    if (ok && confirm && !tty_line(fd, "Again, to be sure: ", b, cap, &nb)) {
        say(err, err_cap, "no passphrase read");
        ok = false;
    }
    if (ok && confirm && (na != nb || sodium_memcmp(a, b, na) != 0)) {
        say(err, err_cap, "the two passphrases differ; nothing was changed");
        ok = false;
    }
    if (ok && na == 0) {
        say(err, err_cap, "the passphrase is empty");
        ok = false;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    close(fd);
    if (b)
        sodium_free(b);
    if (got_signal) {
        if (a)
            sodium_free(a);
        raise(got_signal);
        return NULL;
    }
    if (!ok) {
        if (a)
            sodium_free(a);
        return NULL;
    }
    *len = na;
    return a;
}

/* ---- the format ---- */

static void put_hex(char *out, const uint8_t *in, size_t n)
{
    sodium_bin2hex(out, 2 * n + 1, in, n);
}

/* "name <hex>" on line, exactly n bytes. */
static bool field_hex(const char *line, const char *name, uint8_t *out, size_t n)
{
    size_t k = strlen(name);
    if (strncmp(line, name, k) != 0 || line[k] != ' ')
        return false;
    const char *p = line + k;
    while (*p == ' ')
        p++;
    size_t got = 0;
    const char *end;
    if (strlen(p) != 2 * n ||
        sodium_hex2bin(out, n, p, 2 * n, NULL, &got, &end) != 0 || got != n || *end != '\0')
        return false;
    return true;
}

/* `word` after any blanks at *p, which moves past it: a blank in the
 * sscanf format this replaces matched any run of blanks, none included. */
static bool take_word(const char **p, const char *word)
{
    const char *q = *p;
    while (isspace((unsigned char)*q))
        q++;
    size_t n = strlen(word);
    if (strncmp(q, word, n) != 0)
        return false;
    *p = q + n;
    return true;
}

/* Blanks, then a decimal number; *p moves past it. No sign (sscanf's %llu
 * took '-' and wrapped around) and nothing past ULLONG_MAX. */
static bool take_ull(const char **p, unsigned long long *out)
{
    const char *q = *p;
    while (isspace((unsigned char)*q))
        q++;
    if (*q < '0' || *q > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(q, &end, 10);
    if (errno != 0)
        return false;
    *p = end;
    *out = v;
    return true;
}

typedef struct {
    unsigned long long ops;
    size_t mem;
    uint8_t salt[crypto_pwhash_SALTBYTES];
    uint8_t nonce[crypto_secretbox_NONCEBYTES];
    uint8_t pk[32];
    uint8_t box[BOX_LEN];
} sealed;

/* Splits a copy of the file into its six lines and reads them. The copy is
 * on the stack: a sealed file holds nothing secret in clear. */
static keyseal_status parse_sealed(const uint8_t *file, size_t len, const char *name, sealed *s,
                                   char *err, size_t cap)
{
    char text[KEYSEAL_MAX_FILE + 1];
    if (len > KEYSEAL_MAX_FILE) {
        say(err, cap, "%s: too large for a sealed key", name);
        return KEYSEAL_ERR_FORMAT;
    }
    memcpy(text, file, len);
    text[len] = '\0';
    if (strlen(text) != len) {
        say(err, cap, "%s: not a sealed key file (a NUL byte in it)", name);
        return KEYSEAL_ERR_FORMAT;
    }
    char *lines[7] = {0};
    size_t n = 0;
    for (char *p = text; *p && n < 7;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[l - 1] = '\0';
        lines[n++] = p;
        p = nl ? nl + 1 : p + l;
    }
    static const char *what = "not a sealed key file of version 1 (damaged, or from a newer tessera)";
    if (n != 6 || strcmp(lines[0], KEYSEAL_MAGIC) != 0) {
        say(err, cap, "%s: %s", name, what);
        return KEYSEAL_ERR_FORMAT;
    }
    /* "kdf argon2id13 ops N mem N", as written by keyseal_seal */
    unsigned long long ops = 0, mem = 0;
    const char *kdf = lines[1];
    bool kdf_ok = strncmp(kdf, "kdf", 3) == 0;
    if (kdf_ok) {
        kdf += 3;
        kdf_ok = take_word(&kdf, "argon2id13") && take_word(&kdf, "ops") &&
                 take_ull(&kdf, &ops) && take_word(&kdf, "mem") && take_ull(&kdf, &mem) &&
                 *kdf == '\0';
    }
    if (!kdf_ok) {
        say(err, cap, "%s: %s", name, what);
        return KEYSEAL_ERR_FORMAT;
    }
    if (ops < 1 || ops > KEYSEAL_MAX_OPS || mem < 8192 || mem > KEYSEAL_MAX_MEM) {
        say(err, cap, "%s: key derivation limits out of range (ops %llu, mem %llu bytes)", name,
            ops, mem);
        return KEYSEAL_ERR_FORMAT;
    }
    s->ops = ops;
    s->mem = (size_t)mem;
    if (!field_hex(lines[2], "salt", s->salt, sizeof s->salt) ||
        !field_hex(lines[3], "nonce", s->nonce, sizeof s->nonce) ||
        !field_hex(lines[4], "pk", s->pk, sizeof s->pk) ||
        !field_hex(lines[5], "box", s->box, sizeof s->box)) {
        say(err, cap, "%s: %s", name, what);
        return KEYSEAL_ERR_FORMAT;
    }
    return KEYSEAL_OK;
}

keyseal_status keyseal_public_key(const uint8_t *file, size_t len, const char *name,
                                  uint8_t pk[32], char *err, size_t err_cap)
{
    sealed s;
    keyseal_status st = parse_sealed(file, len, name, &s, err, err_cap);
    if (st == KEYSEAL_OK)
        memcpy(pk, s.pk, 32);
    return st;
}

keyseal_status keyseal_open_bytes(const uint8_t *file, size_t len, const char *name,
                                  const char *pass, size_t pass_len, uint8_t *sk, char *err,
                                  size_t err_cap)
{
    sodium_memzero(sk, KEYSEAL_SK_LEN);
    if (!pass || pass_len == 0 || pass_len > KEYSEAL_MAX_PASSPHRASE) {
        say(err, err_cap, "%s: no passphrase given", name);
        return KEYSEAL_ERR_ARG;
    }
    sealed s;
    keyseal_status st = parse_sealed(file, len, name, &s, err, err_cap);
    if (st != KEYSEAL_OK)
        return st;
    uint8_t *key = sodium_malloc(crypto_secretbox_KEYBYTES);
    uint8_t *seed = sodium_malloc(SEED_LEN);
    if (!key || !seed) {
        keyseal_secret_free(key);
        keyseal_secret_free(seed);
        say(err, err_cap, "%s: out of memory", name);
        return KEYSEAL_ERR_NOMEM;
    }
    st = KEYSEAL_OK;
    if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, pass_len, s.salt, s.ops, s.mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        say(err, err_cap, "%s: out of memory deriving the key (%zu bytes needed)", name, s.mem);
        st = KEYSEAL_ERR_NOMEM;
    } else if (crypto_secretbox_open_easy(seed, s.box, sizeof s.box, s.nonce, key) != 0) {
        st = KEYSEAL_ERR_PASSPHRASE;
    } else {
        uint8_t pk[32];
        /* The pk line is in clear: a seed that does not give it back means
         * the file was pieced together from two keys. */
        if (crypto_sign_seed_keypair(pk, sk, seed) != 0 || sodium_memcmp(pk, s.pk, 32) != 0)
            st = KEYSEAL_ERR_PASSPHRASE;
    }
    if (st == KEYSEAL_ERR_PASSPHRASE)
        say(err, err_cap, "%s: wrong passphrase (or the file is damaged)", name);
    if (st != KEYSEAL_OK)
        sodium_memzero(sk, KEYSEAL_SK_LEN);
    sodium_free(key);
    sodium_free(seed);
    return st;
}

keyseal_status keyseal_open(const char *path, const char *pass, size_t pass_len, uint8_t *sk,
                            char *err, size_t err_cap)
{
    sodium_memzero(sk, KEYSEAL_SK_LEN);
    size_t len;
    uint8_t *file = keyseal_read_file(path, &len, err, err_cap);
    if (!file)
        return KEYSEAL_ERR_IO;
    keyseal_status st;
    if (!keyseal_is_sealed(file, len)) {
        say(err, err_cap, "%s: not a sealed key file (it does not start with \"%s\")", path,
            KEYSEAL_MAGIC);
        st = KEYSEAL_ERR_FORMAT;
    } else {
        st = keyseal_open_bytes(file, len, path, pass, pass_len, sk, err, err_cap);
    }
    sodium_free(file);
    return st;
}

keyseal_status keyseal_load_plain(const uint8_t *file, size_t len, const char *name, uint8_t *sk,
                                  char *err, size_t err_cap)
{
    sodium_memzero(sk, KEYSEAL_SK_LEN);
    uint8_t *seed = sodium_malloc(SEED_LEN);
    if (!seed) {
        say(err, err_cap, "%s: out of memory", name);
        return KEYSEAL_ERR_NOMEM;
    }
    bool ok = false;
    if (len == SEED_LEN) {
        memcpy(seed, file, SEED_LEN);
        ok = true;
    } else {
        size_t line = 0;
        while (line < len && file[line] != '\n' && file[line] != '\r')
            line++;
        size_t got = 0;
        const char *end;
        ok = line == 2 * SEED_LEN &&
             sodium_hex2bin(seed, SEED_LEN, (const char *)file, line, NULL, &got, &end) == 0 &&
             got == SEED_LEN && end == (const char *)file + line;
    }
    uint8_t pk[32];
    if (ok)
        ok = crypto_sign_seed_keypair(pk, sk, seed) == 0;
    sodium_free(seed);
    if (!ok) {
        sodium_memzero(sk, KEYSEAL_SK_LEN);
        say(err, err_cap,
            "%s: not a secret key (a sealed key file, or 64 hex digits as `tessera keygen` "
            "writes)",
            name);
        return KEYSEAL_ERR_FORMAT;
    }
    return KEYSEAL_OK;
}

/* ---- sealing ---- */

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void fsync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

keyseal_status keyseal_seal(const char *path, const uint8_t seed[32], const char *pass,
                            size_t pass_len, bool exclusive, char *err, size_t err_cap)
{
    if (!pass || pass_len < KEYSEAL_MIN_PASSPHRASE || pass_len > KEYSEAL_MAX_PASSPHRASE) {
        say(err, err_cap, "the passphrase must be %u to %u bytes long", KEYSEAL_MIN_PASSPHRASE,
            KEYSEAL_MAX_PASSPHRASE);
        return KEYSEAL_ERR_ARG;
    }
    sealed s;
    s.ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    s.mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    randombytes_buf(s.salt, sizeof s.salt);
    randombytes_buf(s.nonce, sizeof s.nonce);
    uint8_t *key = sodium_malloc(crypto_secretbox_KEYBYTES);
    uint8_t *sk = keyseal_secret_alloc();
    if (!key || !sk) {
        keyseal_secret_free(key);
        keyseal_secret_free(sk);
        say(err, err_cap, "out of memory");
        return KEYSEAL_ERR_NOMEM;
    }
    keyseal_status st = KEYSEAL_OK;
    if (crypto_sign_seed_keypair(s.pk, sk, seed) != 0) {
        say(err, err_cap, "key pair from the seed failed");
        st = KEYSEAL_ERR_ARG;
    } else if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, pass_len, s.salt, s.ops,
                             s.mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        say(err, err_cap, "out of memory deriving the key");
        st = KEYSEAL_ERR_NOMEM;
    } else {
        crypto_secretbox_easy(s.box, seed, SEED_LEN, s.nonce, key);
    }
    sodium_free(key);
    keyseal_secret_free(sk);
    if (st != KEYSEAL_OK)
        return st;

    char salt[2 * sizeof s.salt + 1], nonce[2 * sizeof s.nonce + 1], pk[65],
        box[2 * sizeof s.box + 1], text[512];
    put_hex(salt, s.salt, sizeof s.salt);
    put_hex(nonce, s.nonce, sizeof s.nonce);
    put_hex(pk, s.pk, sizeof s.pk);
    put_hex(box, s.box, sizeof s.box);
    int n = snprintf(text, sizeof text, "%s\nkdf argon2id13 ops %llu mem %zu\nsalt %s\nnonce %s\npk %s\nbox %s\n",
                     KEYSEAL_MAGIC, s.ops, s.mem, salt, nonce, pk, box);

    char tmp[PATH_MAX];
    const char *target = path;
    if (!exclusive) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
            say(err, err_cap, "%s: path too long", path);
            return KEYSEAL_ERR_IO;
        }
        target = tmp;
    }
    int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST && exclusive)
            say(err, err_cap, "%s: already exists; refusing to overwrite a key (choose another --out)",
                path);
        else
            say(err, err_cap, "%s: cannot create: %s", target, strerror(errno));
        return KEYSEAL_ERR_IO;
    }
    bool ok = fchmod(fd, 0600) == 0 && write_all(fd, text, (size_t)n) && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && !exclusive && rename(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        say(err, err_cap, "%s: cannot write: %s", path, strerror(e));
        unlink(target);
        return KEYSEAL_ERR_IO;
    }
    fsync_dir_of(path);
    return KEYSEAL_OK;
}
