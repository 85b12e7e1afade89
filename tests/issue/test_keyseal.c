/*
 * test_keyseal.c: sealed issuer keys (app/keyseal.h). A key sealed under a
 * passphrase opens to the same key pair; a wrong passphrase and every kind
 * of damage are refused with the reason expected (a table of mutations of
 * a real sealed file); outputs are zeroed on failure (fail closed); a
 * passphrase file's bytes after its first line are wiped; resealing in
 * place leaves a 0600 file and no temporary behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyseal.h"

static char dir[64];
static const char *PASS = "correct horse battery staple";

static void path_of(char *out, const char *name)
{
    snprintf(out, 256, "%s/%s", dir, name);
}

static int setup(void **state)
{
    (void)state;
    if (!keyseal_init())
        return -1;
    strcpy(dir, "/tmp/tess_keyseal_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    return rmdir(dir);
}

static void seed_of(uint8_t seed[32], uint8_t v)
{
    memset(seed, v, 32);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 8192);
    *len = fread(buf, 1, 8191, f);
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void test_seal_open(void **state)
{
    (void)state;
    char p[256];
    path_of(p, "k1");
    uint8_t seed[32], pk[32], want[64];
    seed_of(seed, 7);
    crypto_sign_seed_keypair(pk, want, seed);
    char err[600];
    assert_int_equal(keyseal_seal(p, seed, PASS, strlen(PASS), true, err, sizeof err), KEYSEAL_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    uint8_t *sk = keyseal_secret_alloc();
    assert_non_null(sk);
    assert_int_equal(keyseal_open(p, PASS, strlen(PASS), sk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(sk, want, 64);

    /* The public key is readable without the passphrase. */
    size_t len;
    char *file = slurp(p, &len);
    uint8_t got_pk[32];
    assert_int_equal(keyseal_public_key((uint8_t *)file, len, p, got_pk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(got_pk, pk, 32);
    assert_true(keyseal_is_sealed((uint8_t *)file, len));
    assert_true(strstr(file, "kdf argon2id13 ops 2 mem 67108864\n") != NULL);
    free(file);

    /* Sealing twice gives different salts and nonces (and boxes). */
    char p2[256];
    path_of(p2, "k1b");
    assert_int_equal(keyseal_seal(p2, seed, PASS, strlen(PASS), true, err, sizeof err), KEYSEAL_OK);
    size_t l1, l2;
    char *a = slurp(p, &l1), *b = slurp(p2, &l2);
    assert_true(strcmp(a, b) != 0);
    free(a);
    free(b);

    /* exclusive: never overwrites a key */
    assert_int_equal(keyseal_seal(p, seed, PASS, strlen(PASS), true, err, sizeof err), KEYSEAL_ERR_IO);
    assert_non_null(strstr(err, "already exists"));
    keyseal_secret_free(sk);
}

static void test_wrong_passphrase(void **state)
{
    (void)state;
    char p[256], err[600];
    path_of(p, "k2");
    uint8_t seed[32];
    seed_of(seed, 9);
    assert_int_equal(keyseal_seal(p, seed, PASS, strlen(PASS), true, err, sizeof err), KEYSEAL_OK);
    uint8_t *sk = keyseal_secret_alloc();
    memset(sk, 0xAA, 64);
    const char *wrong[] = {"correct horse battery stapl", "Correct horse battery staple",
                           "correct horse battery staple ", "x"};
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        memset(sk, 0xAA, 64);
        assert_int_equal(keyseal_open(p, wrong[i], strlen(wrong[i]), sk, err, sizeof err),
                         KEYSEAL_ERR_PASSPHRASE);
        assert_true(all_zero(sk, 64));   /* fail closed */
        char want[400];
        snprintf(want, sizeof want, "%s: wrong passphrase (or the file is damaged)", p);
        assert_string_equal(err, want);
    }
    assert_int_equal(keyseal_open(p, "", 0, sk, err, sizeof err), KEYSEAL_ERR_ARG);
    keyseal_secret_free(sk);
}

/* Mutations of a real sealed file and the status each must give. */
typedef struct {
    const char *name;
    const char *find;     /* a substring to replace (NULL: use edit) */
    const char *repl;
    keyseal_status want;
} mutation;

static void test_damaged(void **state)
{
    (void)state;
    char p[256], err[600];
    path_of(p, "k3");
    uint8_t seed[32];
    seed_of(seed, 3);
    assert_int_equal(keyseal_seal(p, seed, PASS, strlen(PASS), true, err, sizeof err), KEYSEAL_OK);
    size_t len;
    char *orig = slurp(p, &len);

    /* Field values of this file, to flip a digit in each. */
    char salt_line[80], nonce_line[80], pk_line[100], box_line[120];
    sscanf(strstr(orig, "salt "), "%79[^\n]", salt_line);
    sscanf(strstr(orig, "nonce "), "%79[^\n]", nonce_line);
    sscanf(strstr(orig, "pk "), "%99[^\n]", pk_line);
    sscanf(strstr(orig, "box "), "%119[^\n]", box_line);
    char salt_flip[80], nonce_flip[80], pk_flip[100], box_flip[120], box_short[120];
    strcpy(salt_flip, salt_line);
    salt_flip[5] = salt_flip[5] == '0' ? '1' : '0';
    strcpy(nonce_flip, nonce_line);
    nonce_flip[strlen(nonce_flip) - 1] = nonce_flip[strlen(nonce_flip) - 1] == '0' ? '1' : '0';
    strcpy(pk_flip, pk_line);
    pk_flip[3] = pk_flip[3] == '0' ? '1' : '0';
    strcpy(box_flip, box_line);
    box_flip[10] = box_flip[10] == '0' ? '1' : '0';
    strcpy(box_short, box_line);
    box_short[strlen(box_short) - 2] = '\0';

    const mutation cases[] = {
        {"untouched", "kdf", "kdf", KEYSEAL_OK},
        {"CRLF line ends", "\n", "\r\n", KEYSEAL_OK},
        {"upper-case hex", NULL, NULL, KEYSEAL_OK},
        {"box bit flipped (the MAC catches it)", box_line, box_flip, KEYSEAL_ERR_PASSPHRASE},
        {"salt changed (another key)", salt_line, salt_flip, KEYSEAL_ERR_PASSPHRASE},
        {"nonce changed", nonce_line, nonce_flip, KEYSEAL_ERR_PASSPHRASE},
        {"pk swapped for another", pk_line, pk_flip, KEYSEAL_ERR_PASSPHRASE},
        {"ops 2 -> 3 (another key)", "ops 2 ", "ops 3 ", KEYSEAL_ERR_PASSPHRASE},
        {"ops 0", "ops 2 ", "ops 0 ", KEYSEAL_ERR_FORMAT},
        {"ops 11 (over the limit)", "ops 2 ", "ops 11 ", KEYSEAL_ERR_FORMAT},
        {"mem 2^40 (a crafted file)", "mem 67108864", "mem 1099511627776", KEYSEAL_ERR_FORMAT},
        {"mem 1 GiB + 1", "mem 67108864", "mem 1073741825", KEYSEAL_ERR_FORMAT},
        {"mem 8191", "mem 67108864", "mem 8191", KEYSEAL_ERR_FORMAT},
        /* the kdf line's edges (app/keyseal.c take_word, take_ull): in range
         * it parses and derives another key; blanks between words are free
         * as in the sscanf it replaced; no sign, no overflow, nothing after */
        {"ops 1 (the least)", "ops 2 ", "ops 1 ", KEYSEAL_ERR_PASSPHRASE},
        {"ops 10 (the limit)", "ops 2 ", "ops 10 ", KEYSEAL_ERR_PASSPHRASE},
        {"mem 8192 (the least)", "mem 67108864", "mem 8192", KEYSEAL_ERR_PASSPHRASE},
        {"mem 8193", "mem 67108864", "mem 8193", KEYSEAL_ERR_PASSPHRASE},
        {"ops 02 (a leading zero)", "ops 2 ", "ops 02 ", KEYSEAL_OK},
        {"blanks between words", "kdf argon2id13 ops 2 mem", "kdf  argon2id13\tops  2  mem ",
         KEYSEAL_OK},
        {"no blanks between words", "kdf argon2id13 ops 2 mem", "kdfargon2id13ops2mem",
         KEYSEAL_OK},
        {"ops +2 (a sign)", "ops 2 ", "ops +2 ", KEYSEAL_ERR_FORMAT},
        {"ops -1 (wrapped before)", "ops 2 ", "ops -1 ", KEYSEAL_ERR_FORMAT},
        {"ops -18446744073709551615 (was 1)", "ops 2 ", "ops -18446744073709551615 ",
         KEYSEAL_ERR_FORMAT},
        {"ops 2^64 + 1 (overflow)", "ops 2 ", "ops 18446744073709551617 ", KEYSEAL_ERR_FORMAT},
        {"ops 2x", "ops 2 ", "ops 2x ", KEYSEAL_ERR_FORMAT},
        {"ops missing", "ops 2 ", "ops ", KEYSEAL_ERR_FORMAT},
        {"mem 67108864x", "mem 67108864", "mem 67108864x", KEYSEAL_ERR_FORMAT},
        {"a blank after mem", "mem 67108864", "mem 67108864 ", KEYSEAL_ERR_FORMAT},
        {"a blank before kdf", "kdf", " kdf", KEYSEAL_ERR_FORMAT},
        {"mem missing", " mem 67108864", "", KEYSEAL_ERR_FORMAT},
        {"another version", "v1", "v2", KEYSEAL_ERR_FORMAT},
        {"another kdf", "argon2id13", "scrypt", KEYSEAL_ERR_FORMAT},
        {"box one byte short", box_line, box_short, KEYSEAL_ERR_FORMAT},
        {"a line missing", salt_line, "", KEYSEAL_ERR_FORMAT},
        {"a line too many", "box ", "extra 00\nbox ", KEYSEAL_ERR_FORMAT},
        {"bad hex", "salt ", "salt zz", KEYSEAL_ERR_FORMAT},
    };
    uint8_t *sk = keyseal_secret_alloc();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const mutation *m = &cases[i];
        char text[2048];
        if (m->find) {
            /* replace every occurrence */
            size_t o = 0;
            const char *s = orig;
            const char *hit;
            while ((hit = strstr(s, m->find))) {
                memcpy(text + o, s, (size_t)(hit - s));
                o += (size_t)(hit - s);
                memcpy(text + o, m->repl, strlen(m->repl));
                o += strlen(m->repl);
                s = hit + strlen(m->find);
            }
            strcpy(text + o, s);
        } else {
            strcpy(text, orig);
            for (char *c = strstr(text, "salt ") + 5; *c && *c != '\n'; c++)
                if (*c >= 'a' && *c <= 'f')
                    *c = (char)(*c - 'a' + 'A');
        }
        memset(sk, 0x55, 64);
        keyseal_status got = keyseal_open_bytes((uint8_t *)text, strlen(text), "case", PASS,
                                                strlen(PASS), sk, err, sizeof err);
        if (got != m->want)
            print_error("case '%s': got %d, want %d (%s)\n", m->name, got, m->want, err);
        assert_int_equal(got, m->want);
        if (got != KEYSEAL_OK)
            assert_true(all_zero(sk, 64));
    }
    /* A truncated file, byte by byte from the end of the magic. */
    for (size_t n = 0; n < len; n += 7) {
        keyseal_status got = keyseal_open_bytes((uint8_t *)orig, n, "cut", PASS, strlen(PASS), sk,
                                                err, sizeof err);
        assert_int_not_equal(got, KEYSEAL_OK);
        assert_true(all_zero(sk, 64));
    }
    keyseal_secret_free(sk);
    free(orig);
}

static void test_reseal_in_place(void **state)
{
    (void)state;
    char p[256], err[600];
    path_of(p, "k4");
    uint8_t seed[32];
    seed_of(seed, 4);
    /* An old unsealed key, as keygen wrote them: hex, mode 0644 by mistake. */
    char hex[80];
    sodium_bin2hex(hex, 65, seed, 32);
    strcat(hex, "\n");
    write_text(p, hex, strlen(hex));
    chmod(p, 0644);

    size_t len;
    uint8_t *file = keyseal_read_file(p, &len, err, sizeof err);
    assert_non_null(file);
    assert_false(keyseal_is_sealed(file, len));
    uint8_t *sk = keyseal_secret_alloc(), want_pk[32], want[64];
    crypto_sign_seed_keypair(want_pk, want, seed);
    assert_int_equal(keyseal_load_plain(file, len, p, sk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(sk, want, 64);
    keyseal_secret_free(file);

    assert_int_equal(keyseal_seal(p, sk, PASS, strlen(PASS), false, err, sizeof err), KEYSEAL_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, ".tmp."));
    closedir(d);
    memset(sk, 0, 64);
    assert_int_equal(keyseal_open(p, PASS, strlen(PASS), sk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(sk, want, 64);

    /* Short passphrases are refused when sealing (8 bytes is the floor). */
    assert_int_equal(keyseal_seal(p, sk, "1234567", 7, false, err, sizeof err), KEYSEAL_ERR_ARG);
    assert_int_equal(keyseal_seal(p, sk, "12345678", 8, false, err, sizeof err), KEYSEAL_OK);
    keyseal_secret_free(sk);
}

static void test_plain_keys(void **state)
{
    (void)state;
    char err[600];
    uint8_t *sk = keyseal_secret_alloc();
    uint8_t seed[32], pk[32], want[64];
    seed_of(seed, 0x42);
    crypto_sign_seed_keypair(pk, want, seed);
    char hex[80];
    sodium_bin2hex(hex, 65, seed, 32);
    assert_int_equal(keyseal_load_plain((uint8_t *)hex, 64, "hex", sk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(sk, want, 64);
    strcat(hex, "\r\n");
    assert_int_equal(keyseal_load_plain((uint8_t *)hex, 66, "crlf", sk, err, sizeof err), KEYSEAL_OK);
    assert_int_equal(keyseal_load_plain(seed, 32, "raw", sk, err, sizeof err), KEYSEAL_OK);
    assert_memory_equal(sk, want, 64);
    /* 63 and 65 hex digits, and not hex */
    assert_int_equal(keyseal_load_plain((uint8_t *)hex, 63, "short", sk, err, sizeof err),
                     KEYSEAL_ERR_FORMAT);
    assert_true(all_zero(sk, 64));
    char longer[80];
    snprintf(longer, sizeof longer, "%.64s0", hex);
    assert_int_equal(keyseal_load_plain((uint8_t *)longer, 65, "long", sk, err, sizeof err),
                     KEYSEAL_ERR_FORMAT);
    hex[0] = 'g';
    assert_int_equal(keyseal_load_plain((uint8_t *)hex, 64, "nothex", sk, err, sizeof err),
                     KEYSEAL_ERR_FORMAT);
    assert_non_null(strstr(err, "not a secret key"));
    keyseal_secret_free(sk);
}

static void test_passphrase_file(void **state)
{
    (void)state;
    char p[256], err[600];
    path_of(p, "pass");
    const char *text = "s3cret pass phrase\r\nthe second line must not stay in memory\n";
    write_text(p, text, strlen(text));
    size_t len;
    char *pass = keyseal_read_passphrase_file(p, &len, err, sizeof err);
    assert_non_null(pass);
    assert_int_equal(len, 18);
    assert_memory_equal(pass, "s3cret pass phrase", 18);
    /* Wiped: everything the file held after the first line. */
    assert_true(all_zero((uint8_t *)pass + 18, strlen(text) - 18));
    keyseal_secret_free(pass);

    write_text(p, "\nsecond\n", 8);
    assert_null(keyseal_read_passphrase_file(p, &len, err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    char big[1100];
    memset(big, 'a', sizeof big);
    write_text(p, big, sizeof big);
    assert_null(keyseal_read_passphrase_file(p, &len, err, sizeof err));
    path_of(p, "missing");
    assert_null(keyseal_read_passphrase_file(p, &len, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_open),       cmocka_unit_test(test_wrong_passphrase),
        cmocka_unit_test(test_damaged),         cmocka_unit_test(test_reseal_in_place),
        cmocka_unit_test(test_plain_keys),      cmocka_unit_test(test_passphrase_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
