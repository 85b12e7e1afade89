/*
 * keyseal.h: issuer secret keys sealed with a passphrase, for a kiosk or a
 * laptop that may be stolen. The app's one seam to libsodium's pwhash and
 * secretbox (the core's seam, tess_crypto.h, signs).
 *
 * A sealed key file is text, one field a line, in this order:
 *
 *     tessera-sealed-key v1
 *     kdf argon2id13 ops 2 mem 67108864
 *     salt  <32 hex digits: crypto_pwhash_SALTBYTES random bytes>
 *     nonce <48 hex digits: crypto_secretbox_NONCEBYTES random bytes>
 *     pk    <64 hex digits: the public key, in clear>
 *     box   <96 hex digits: crypto_secretbox_easy of the 32-byte seed>
 *
 * key = crypto_pwhash(32 bytes, passphrase, salt, ops, mem, Argon2id v1.3);
 * box = crypto_secretbox_easy(seed, nonce, key). The public key is in clear
 * so that tools can name the key (its kid) without the passphrase; after
 * opening, the seed must give that public key again, or the file is
 * refused as damaged. A change to ops, mem, salt or nonce changes the key
 * or the nonce, so the box no longer opens: the header needs no MAC of its
 * own.
 *
 * Limits written by keyseal_seal: crypto_pwhash_OPSLIMIT_INTERACTIVE (2)
 * and crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB). Why: a Raspberry Pi
 * Zero 2 has 512 MB of RAM shared with the kiosk's screen and a Pi 3 or 4
 * opens such a key in well under a second (about 0.15 s on this x86-64
 * machine), which staff pay once per session; MODERATE (256 MiB, about
 * 1 s here and several on a Pi) would risk running a small board out of
 * memory. Opening accepts ops 1..KEYSEAL_MAX_OPS and mem 8 KiB..
 * KEYSEAL_MAX_MEM, so that a crafted file cannot make the kiosk hash for
 * minutes or allocate gigabytes.
 *
 * Accepts: the format above with LF or CRLF line ends, hex in either case.
 * Rejects: KEYSEAL_ERR_FORMAT for anything else (wrong magic, a missing or
 * extra line, bad hex, limits out of range); KEYSEAL_ERR_PASSPHRASE when
 * the box does not open or the seed does not give pk (a wrong passphrase
 * and a damaged file look the same, by design of authenticated
 * encryption). Does not check: how strong the passphrase is.
 *
 * Secret material: the seed and the secret key live only in buffers from
 * keyseal_secret_alloc (sodium_malloc: guarded pages, locked where the
 * system lets it) and are wiped (sodium_memzero) before they are freed.
 * Passphrase buffers from keyseal_read_passphrase_* are sodium_malloc'ed
 * too; free them with keyseal_secret_free.
 */
#ifndef TESS_KEYSEAL_H
#define TESS_KEYSEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYSEAL_MAGIC "tessera-sealed-key v1"
#define KEYSEAL_MAX_FILE 4096u        /* a sealed or plain key file is ~300 bytes */
#define KEYSEAL_MAX_PASSPHRASE 1024u  /* bytes; longer is surely a wrong file */
#define KEYSEAL_MIN_PASSPHRASE 8u     /* bytes, when sealing */
#define KEYSEAL_MAX_OPS 10u           /* opening: 5x INTERACTIVE's passes */
#define KEYSEAL_MAX_MEM (1024u * 1024u * 1024u)   /* opening: 1 GiB */
#define KEYSEAL_SK_LEN 64u            /* libsodium's secret key: seed || pk */

typedef enum {
    KEYSEAL_OK = 0,
    KEYSEAL_ERR_IO,          /* cannot read or write the file (errno in the message) */
    KEYSEAL_ERR_FORMAT,      /* not a key file of either kind */
    KEYSEAL_ERR_PASSPHRASE,  /* wrong passphrase, or the sealed file is damaged */
    KEYSEAL_ERR_NOMEM,       /* sodium_malloc or the Argon2 memory failed */
    KEYSEAL_ERR_ARG          /* empty/too short passphrase, a bad argument */
} keyseal_status;

/* Must be called before the rest (calls sodium_init); false on failure. */
bool keyseal_init(void);

/* A 64-byte secret key buffer (sodium_malloc) or NULL; wipe-and-free with
 * keyseal_secret_free, which takes any keyseal buffer and NULL. */
uint8_t *keyseal_secret_alloc(void);
void keyseal_secret_free(void *p);

/* Whether the bytes of a key file start with KEYSEAL_MAGIC. */
bool keyseal_is_sealed(const uint8_t *file, size_t len);

/* Seals seed (32 bytes) under the passphrase into path, mode 0600.
 * exclusive: fail if path exists (keygen); otherwise replace it atomically
 * (temporary file beside it, fsync, rename, fsync of the folder), so that
 * a power cut leaves the old file or the new one. err gets "path: why". */
keyseal_status keyseal_seal(const char *path, const uint8_t seed[32], const char *pass,
                            size_t pass_len, bool exclusive, char *err, size_t err_cap);

/* Opens a sealed key file: sk (64 bytes, from keyseal_secret_alloc) gets
 * seed || pk. On any error sk is zeroed and err says
 * "path: wrong passphrase (or the file is damaged)" or why else. */
keyseal_status keyseal_open(const char *path, const char *pass, size_t pass_len, uint8_t *sk,
                            char *err, size_t err_cap);

/* The same for a sealed file already in memory (name is for messages). */
keyseal_status keyseal_open_bytes(const uint8_t *file, size_t len, const char *name,
                                  const char *pass, size_t pass_len, uint8_t *sk, char *err,
                                  size_t err_cap);

/* An unsealed key file as `tessera keygen` wrote it before sealing existed:
 * one line of 64 hex digits (the seed), or the 32 raw bytes. sk gets
 * seed || pk; zeroed on error. */
keyseal_status keyseal_load_plain(const uint8_t *file, size_t len, const char *name, uint8_t *sk,
                                  char *err, size_t err_cap);

/* Reads a key file into a sodium_malloc'ed buffer (*len bytes, NUL after
 * them); NULL with err set on error. Free with keyseal_secret_free. */
uint8_t *keyseal_read_file(const char *path, size_t *len, char *err, size_t err_cap);

/* The public key named in a sealed file, without the passphrase. */
keyseal_status keyseal_public_key(const uint8_t *file, size_t len, const char *name,
                                  uint8_t pk[32], char *err, size_t err_cap);

/* A passphrase from the first line of a file (the line end is not part of
 * it), into a sodium_malloc'ed NUL-terminated buffer; NULL with err set
 * when the file cannot be read, is empty or longer than
 * KEYSEAL_MAX_PASSPHRASE. */
char *keyseal_read_passphrase_file(const char *path, size_t *len, char *err, size_t err_cap);

/* A passphrase typed on the terminal (/dev/tty, echo off, restored even
 * on error), asked twice when confirm is set (they must match). NULL with
 * err set when there is no terminal, on end of input, or a mismatch. */
char *keyseal_read_passphrase_tty(const char *prompt, bool confirm, size_t *len, char *err,
                                  size_t err_cap);

#endif
