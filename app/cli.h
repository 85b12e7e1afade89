/*
 * cli.h: what the parts of the `tessera` command share. The command uses
 * only the core's public headers; it never parses a credential itself.
 */
#ifndef TESS_CLI_H
#define TESS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tessera/tess_bundle.h"
#include "tessera/tess_verify.h"

/* Exit codes: 0 done/valid, 1 invalid/refused, 2 usage or I/O error, 3 a
 * check-in of a badge already checked in (tessera checkin). */
enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_DUPLICATE = 3 };

/* ---- arguments ---- */

typedef struct {
    int argc;
    char **argv;
    int i;          /* next argument */
    const char *cmd;
} args;

/* Whether the next argument is the option `name` ("--at"); on a match with
 * a value, *val is set (from "--at=5" or the next argument) and the cursor
 * moves. Prints an error and returns false via *bad when the value is
 * missing. */
bool arg_opt(args *a, const char *name, const char **val, bool *bad);
/* A flag without a value ("--json"). */
bool arg_flag(args *a, const char *name);
int usage_error(const args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Numbers and times. A time is Unix seconds, or YYYY-MM-DD, or
 * YYYY-MM-DDTHH:MM[:SS]Z. Return false on anything else. */
bool parse_u64(const char *s, uint64_t *out);
bool parse_time(const char *s, uint64_t *out);
void format_time(uint64_t t, char *out, size_t cap);   /* "2026-01-01 00:00 UTC" */
uint64_t now_seconds(void);

/* ---- files ---- */

/* Reads at most max bytes of path ("-" is standard input) into a new
 * buffer. On error prints "path: why" and returns NULL with errno set
 * (EFBIG when the file is larger than max). */
uint8_t *read_file(const char *path, size_t max, size_t *len);
/* Writes a file whole (temp file, fsync, rename); mode 0644. */
bool write_file(const char *path, const uint8_t *data, size_t len);
/* Creates path with mode, failing if it exists. */
bool create_exclusive(const char *path, int mode, const char *data, size_t len);

/* Hex. */
void to_hex(const uint8_t *in, size_t n, char *out);   /* out: 2n+1 */
bool from_hex(const char *hex, uint8_t *out, size_t n);

/* Key files: one line of hex (64 chars for a public key or a secret seed),
 * or the 32 raw bytes. */
bool read_public_key(const char *path, uint8_t pk[32]);
bool read_secret_key(const char *path, uint8_t sk[64]);
/* A secret key file, sealed (keyseal.h) or not, opened into a 64-byte
 * sodium_malloc'ed buffer (free with keyseal_secret_free). A sealed key's
 * passphrase comes from pass_file (NULL: the file TESSERA_PASSPHRASE_FILE
 * names, else the terminal). An unsealed key loads with a warning. NULL
 * with the reason printed on error. read_secret_key is this, copied out. */
uint8_t *load_secret_key(const char *path, const char *pass_file);

/* The root and the bundle, opened and checked; errors printed as
 * "file: what is wrong and what to do". Buffers are owned by the struct. */
typedef struct {
    uint8_t *root_bytes;
    uint8_t *bundle_bytes;
    uint32_t *issuer_at;
    tess_root root;
    tess_bundle bundle;
    tess_status why;        /* after a failed open: bad_root, a bundle reason,
                               or TESS_ERR_ARG when a file could not be read */
    const char *why_path;   /* the file at fault */
} trust_files;

bool trust_open(trust_files *t, const char *root_path, const char *bundle_path);
void trust_close(trust_files *t);
/* Explains why a bundle does not open, in words. */
void explain_bundle_error(const char *path, tess_status st, tess_span file,
                          const tess_root *root);

/* ---- output ---- */

/* QR code of text in the terminal, with half-block characters. */
bool qr_print(FILE *out, const char *text, char ecc);

/* ---- subcommands ---- */
int cmd_keygen(args *a);
int cmd_issue(args *a);
int cmd_issue_batch(args *a);   /* issue --template: cli_batch.c */
int cmd_key(args *a);           /* key seal */
int cmd_revoke(args *a);
int cmd_root(args *a);
int cmd_bundle(args *a);
int cmd_verify(args *a);
int cmd_inspect(args *a);
int cmd_qr(args *a);
int cmd_scan(args *a);   /* built with the scanner (TESS_HAVE_SCANNER) only */
int cmd_checkin(args *a);   /* built with the store (app/store/) */
int cmd_event(args *a);
int cmd_log(args *a);
int cmd_match(args *a);   /* the job-fair booth's skill match: cli_match.c */

/* The first QR text in an image file (or the first image of a folder that
 * has one) that starts with prefix, compared ignoring case (NULL: any
 * text), copied with a NUL into text. False with a message in err ("no QR
 * code found in FILE", or why the file could not be read). Scanner builds
 * only. */
bool scan_image_first(const char *path, const char *prefix, char *text, size_t cap,
                      size_t *len, char *err, size_t err_cap);

/* ---- shared by verify and checkin (cli_verify.c) ---- */

/* The clock rules of `tessera verify`: judged at `at` when have_at, else at
 * the system clock but never before `floor`; then, with a state_dir and no
 * --at, a verdict without clock_uncertain moves the state's floor on (a
 * warning on stderr when it cannot be written). */
tess_status verify_judged(tess_verifier *vf, const char *text, size_t len,
                          const tess_bundle *trust, const char *state_dir, uint64_t floor,
                          bool have_at, uint64_t at, uint64_t skew, tess_verdict *out);
/* The verdict for people, as `tessera verify` prints it. */
void verdict_print_human(const tess_verdict *v);

#endif
