/* tessera keygen, tessera key seal, tessera issue; secret keys, sealed or not. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "keyseal.h"
#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"

/* The passphrase for path: from pass_file, else from the file named by
 * TESSERA_PASSPHRASE_FILE (for scripts that call commands without the
 * option, such as bundle create --sign), else typed on the terminal. */
static char *get_passphrase(const char *path, const char *pass_file, bool confirm, size_t *len)
{
    char err[600], prompt[4200];
    if (!pass_file || !*pass_file)
        pass_file = getenv("TESSERA_PASSPHRASE_FILE");
    char *pass;
    if (pass_file && *pass_file) {
        pass = keyseal_read_passphrase_file(pass_file, len, err, sizeof err);
    } else {
        snprintf(prompt, sizeof prompt, "Passphrase for %s: ", path);
        pass = keyseal_read_passphrase_tty(prompt, confirm, len, err, sizeof err);
    }
    if (!pass)
        fprintf(stderr, "%s: %s\n", path, err);
    return pass;
}

uint8_t *load_secret_key(const char *path, const char *pass_file)
{
    char err[600];
    if (!keyseal_init()) {
        fputs("tessera: libsodium failed to initialise\n", stderr);
        return NULL;
    }
    size_t len;
    uint8_t *file = keyseal_read_file(path, &len, err, sizeof err);
    if (!file) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    uint8_t *sk = keyseal_secret_alloc();
    keyseal_status st = KEYSEAL_ERR_NOMEM;
    if (!sk) {
        snprintf(err, sizeof err, "%s: out of memory", path);
    } else if (keyseal_is_sealed(file, len)) {
        size_t pass_len;
        char *pass = get_passphrase(path, pass_file, false, &pass_len);
        if (!pass) {
            keyseal_secret_free(file);
            keyseal_secret_free(sk);
            return NULL;
        }
        st = keyseal_open_bytes(file, len, path, pass, pass_len, sk, err, sizeof err);
        keyseal_secret_free(pass);
    } else {
        st = keyseal_load_plain(file, len, path, sk, err, sizeof err);
        if (st == KEYSEAL_OK) {
            struct stat sb;
            if (stat(path, &sb) == 0 && (sb.st_mode & 077))
                fprintf(stderr, "%s: warning: secret key is readable by others (chmod 600 %s)\n",
                        path, path);
            fprintf(stderr,
                    "warning: %s is not sealed with a passphrase; anyone who copies it can issue "
                    "credentials; reseal with `tessera key seal`\n",
                    path);
        }
    }
    keyseal_secret_free(file);
    if (st != KEYSEAL_OK) {
        fprintf(stderr, "%s\n", err);
        keyseal_secret_free(sk);
        return NULL;
    }
    return sk;
}

bool read_secret_key(const char *path, uint8_t sk[64])
{
    uint8_t *guarded = load_secret_key(path, NULL);
    if (!guarded)
        return false;
    memcpy(sk, guarded, 64);
    keyseal_secret_free(guarded);
    return true;
}

/* tessera key seal --key FILE [--passphrase-file F]: seals an unsealed key
 * in place (atomically), or re-seals a sealed one under a new passphrase. */
int cmd_key(args *a)
{
    if (a->i >= a->argc || strcmp(a->argv[a->i], "seal") != 0)
        return usage_error(a, "give a subcommand: key seal --key FILE [--passphrase-file F]");
    a->i++;
    const char *key = NULL, *pass_file = NULL, *old_pass_file = NULL;
    bool bad = false;
    while (a->i < a->argc && !bad) {
        if (!arg_opt(a, "--key", &key, &bad) && !arg_opt(a, "--passphrase-file", &pass_file, &bad) &&
            !arg_opt(a, "--old-passphrase-file", &old_pass_file, &bad) && !bad)
            return usage_error(a, "unknown argument '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!key)
        return usage_error(a, "--key FILE is required (the secret key to seal in place)");
    uint8_t *sk = load_secret_key(key, old_pass_file);
    if (!sk)
        return EXIT_USAGE;
    size_t pass_len;
    char *pass = NULL;
    if (pass_file) {
        char err[600];
        pass = keyseal_read_passphrase_file(pass_file, &pass_len, err, sizeof err);
        if (!pass)
            fprintf(stderr, "%s\n", err);
    } else {
        char prompt[4200];
        char err[600];
        snprintf(prompt, sizeof prompt, "New passphrase for %s: ", key);
        pass = keyseal_read_passphrase_tty(prompt, true, &pass_len, err, sizeof err);
        if (!pass)
            fprintf(stderr, "%s: %s\n", key, err);
    }
    if (!pass) {
        keyseal_secret_free(sk);
        return EXIT_USAGE;
    }
    char err[600];
    keyseal_status st = keyseal_seal(key, sk, pass, pass_len, false, err, sizeof err);
    keyseal_secret_free(pass);
    keyseal_secret_free(sk);
    if (st != KEYSEAL_OK) {
        fprintf(stderr, "%s: %s\n", key, err);
        return EXIT_USAGE;
    }
    printf("sealed %s with a passphrase (Argon2id, mode 0600)\n", key);
    return EXIT_VALID;
}

int cmd_keygen(args *a)
{
    const char *out = NULL, *pass_file = NULL;
    bool bad = false, seal = false;
    while (a->i < a->argc && !bad) {
        if (arg_flag(a, "--seal")) {
            seal = true;
            continue;
        }
        if (!arg_opt(a, "--out", &out, &bad) && !arg_opt(a, "--passphrase-file", &pass_file, &bad) &&
            !bad)
            return usage_error(a, "unknown argument '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!out)
        return usage_error(a, "--out FILE is required (the secret key; FILE.pub gets the public key)");
    char pub_path[4096];
    if (snprintf(pub_path, sizeof pub_path, "%s.pub", out) >= (int)sizeof pub_path)
        return usage_error(a, "path too long");
    if (pass_file && !seal)
        return usage_error(a, "--passphrase-file goes with --seal");
    char *pass = NULL;
    size_t pass_len = 0;
    if (seal) {
        /* The passphrase before anything is written: a typo in it, or no
         * terminal, leaves nothing behind. */
        if (!keyseal_init())
            return usage_error(a, "libsodium failed to initialise");
        if (!(pass = get_passphrase(out, pass_file, true, &pass_len)))
            return EXIT_USAGE;
        if (pass_len < KEYSEAL_MIN_PASSPHRASE) {
            keyseal_secret_free(pass);
            return usage_error(a, "the passphrase must be at least %u bytes long",
                               KEYSEAL_MIN_PASSPHRASE);
        }
    }

    /* The secret only in guarded memory, wiped when freed. */
    uint8_t pk[32], *sk = keyseal_secret_alloc();
    if (!sk || tess_ed25519_keypair(pk, sk, NULL) != TESS_OK) {
        keyseal_secret_free(sk);
        fputs("tessera keygen: key generation failed\n", stderr);
        keyseal_secret_free(pass);
        return EXIT_USAGE;
    }
    char seed_hex[65], pk_hex[65], kid_hex[17], line[80];
    to_hex(sk, 32, seed_hex);
    to_hex(pk, 32, pk_hex);
    uint8_t kid[TESS_KID_LEN];
    tess_kid_of(kid, pk);
    to_hex(kid, sizeof kid, kid_hex);

    /* The public half first: if it cannot be written, no secret is left
     * behind without it. */
    snprintf(line, sizeof line, "%s\n", pk_hex);
    if (!create_exclusive(pub_path, 0644, line, strlen(line))) {
        keyseal_secret_free(sk);
        tess_wipe(seed_hex, sizeof seed_hex);
        keyseal_secret_free(pass);
        return EXIT_USAGE;
    }
    bool ok;
    if (seal) {
        char err[600];
        ok = keyseal_seal(out, sk, pass, pass_len, true, err, sizeof err) == KEYSEAL_OK;
        if (!ok)
            fprintf(stderr, "tessera keygen: %s\n", err);
        keyseal_secret_free(pass);
    } else {
        snprintf(line, sizeof line, "%s\n", seed_hex);
        ok = create_exclusive(out, 0600, line, strlen(line));
    }
    tess_wipe(line, sizeof line);
    tess_wipe(seed_hex, sizeof seed_hex);
    keyseal_secret_free(sk);
    if (!ok) {
        remove(pub_path);
        return EXIT_USAGE;
    }
    printf("secret key: %s (%s; mode 0600)\n", out,
           seal ? "sealed with your passphrase" : "NOT sealed: keep it safe, or seal it with `tessera key seal`");
    printf("public key: %s\n", pub_path);
    printf("public key (hex): %s\n", pk_hex);
    printf("kid: %s\n", kid_hex);
    return EXIT_VALID;
}

/* Whether s names `name`: case-insensitive, '-' for ' ', whole or as a
 * prefix (prefix says whether a prefix counts). */
static bool names(const char *s, const char *name, bool prefix)
{
    size_t i = 0;
    for (; s[i] && name[i]; i++) {
        char x = s[i] == '-' ? ' ' : s[i], y = name[i] == '-' ? ' ' : name[i];
        if (x != y && (x | 0x20) != (y | 0x20))
            return false;
    }
    return !s[i] && (prefix || !name[i]);
}

/* A number, or one of the names of an enumeration, or the start of exactly
 * one of them ("practical" for "practical demonstration"). */
static bool parse_enum(const char *s, const char *(*name_of)(uint64_t), uint64_t *out)
{
    if (parse_u64(s, out))
        return true;
    if (!*s)
        return false;
    int matches = 0;
    for (uint64_t v = 0; strcmp(name_of(v), "other") != 0; v++) {
        if (names(s, name_of(v), false)) {
            *out = v;
            return true;
        }
        if (names(s, name_of(v), true)) {
            *out = v;
            matches++;
        }
    }
    return matches == 1;
}

static tess_span span_of(const char *s)
{
    tess_span r = {(const uint8_t *)s, strlen(s)};
    return r;
}

int cmd_issue(args *a)
{
    for (int k = a->i; k < a->argc; k++)
        if (strncmp(a->argv[k], "--template", 10) == 0 &&
            (a->argv[k][10] == '\0' || a->argv[k][10] == '='))
            return cmd_issue_batch(a);
    tess_credential cr;
    memset(&cr, 0, sizeof cr);
    uint8_t cti[16];
    tess_random(cti, sizeof cti);
    cr.cti = cti;
    cr.iat = now_seconds();
    const char *key = NULL, *pass_file = NULL, *v;
    bool bad = false, qr = false;
    tess_zlib_mode mode = TESS_ZLIB_AUTO;
    const char *iss = NULL, *holder = NULL, *title = NULL, *ach = NULL, *awarder = NULL;

    while (a->i < a->argc && !bad) {
        const char *opt = a->argv[a->i];
        uint64_t n;
        if (arg_opt(a, "--key", &key, &bad) || arg_opt(a, "--iss", &iss, &bad) ||
            arg_opt(a, "--passphrase-file", &pass_file, &bad) ||
            arg_opt(a, "--holder", &holder, &bad) || arg_opt(a, "--title", &title, &bad) ||
            arg_opt(a, "--achievement", &ach, &bad) || arg_opt(a, "--awarder", &awarder, &bad)) {
            continue;
        } else if (arg_opt(a, "--skill", &v, &bad)) {
            if (cr.n_skills == TESS_MAX_LIST)
                return usage_error(a, "at most %u skills", TESS_MAX_LIST);
            cr.skills[cr.n_skills++] = span_of(v);
            cr.has |= TESS_HAS_SKILLS;
        } else if (arg_opt(a, "--stack", &v, &bad)) {
            if (cr.n_stacks == TESS_MAX_LIST)
                return usage_error(a, "at most %u stacks", TESS_MAX_LIST);
            cr.stacks[cr.n_stacks++] = span_of(v);
            cr.has |= TESS_HAS_STACKS;
        } else if (arg_opt(a, "--exp", &v, &bad)) {
            if (!parse_time(v, &cr.exp))
                return usage_error(a, "--exp: '%s' is not a time", v);
            cr.has |= TESS_HAS_EXP;
        } else if (arg_opt(a, "--nbf", &v, &bad)) {
            if (!parse_time(v, &cr.nbf))
                return usage_error(a, "--nbf: '%s' is not a time", v);
            cr.has |= TESS_HAS_NBF;
        } else if (arg_opt(a, "--iat", &v, &bad)) {
            if (!parse_time(v, &cr.iat))
                return usage_error(a, "--iat: '%s' is not a time", v);
        } else if (arg_opt(a, "--eqf", &v, &bad)) {
            if (!parse_u64(v, &n) || n < 1 || n > 8)
                return usage_error(a, "--eqf: the EQF level is 1 to 8, not '%s'", v);
            cr.eqf = n;
            cr.has |= TESS_HAS_EQF;
        } else if (arg_opt(a, "--hours", &v, &bad) || arg_opt(a, "--workload", &v, &bad)) {
            if (!parse_u64(v, &cr.workload))
                return usage_error(a, "%s: '%s' is not a whole number of hours", opt, v);
            cr.has |= TESS_HAS_WORKLOAD;
        } else if (arg_opt(a, "--type", &v, &bad)) {
            if (!parse_enum(v, tess_type_name, &cr.type))
                return usage_error(a, "--type: '%s' is not a number or a type name", v);
            cr.has |= TESS_HAS_TYPE;
        } else if (arg_opt(a, "--assessment", &v, &bad)) {
            if (!parse_enum(v, tess_assessment_name, &cr.assessment))
                return usage_error(a, "--assessment: '%s' is not a number or a name", v);
            cr.has |= TESS_HAS_ASSESSMENT;
        } else if (arg_opt(a, "--participation", &v, &bad)) {
            if (!parse_enum(v, tess_participation_name, &cr.participation))
                return usage_error(a, "--participation: '%s' is not a number or a name", v);
            cr.has |= TESS_HAS_PARTICIPATION;
        } else if (arg_opt(a, "--country", &v, &bad)) {
            cr.country = span_of(v);
            cr.has |= TESS_HAS_COUNTRY;
        } else if (arg_opt(a, "--sub", &v, &bad)) {
            cr.sub = span_of(v);
            cr.has |= TESS_HAS_SUB;
        } else if (arg_opt(a, "--qa", &v, &bad)) {
            cr.qa = span_of(v);
            cr.has |= TESS_HAS_QA;
        } else if (arg_opt(a, "--lang", &v, &bad)) {
            cr.lang = span_of(v);
            cr.has |= TESS_HAS_LANG;
        } else if (arg_opt(a, "--cti", &v, &bad)) {
            if (!from_hex(v, cti, sizeof cti))
                return usage_error(a, "--cti: give 32 hex digits (16 bytes), not '%s'", v);
        } else if (arg_flag(a, "--no-compress")) {
            mode = TESS_ZLIB_NEVER;
        } else if (arg_flag(a, "--qr")) {
            qr = true;
        } else if (!bad) {
            return usage_error(a, "unknown argument '%s'", opt);
        }
    }
    if (bad)
        return EXIT_USAGE;
    const char *missing = !key ? "--key" : !iss ? "--iss" : !holder ? "--holder" : !title ? "--title"
                        : !ach ? "--achievement" : !awarder ? "--awarder" : NULL;
    if (missing)
        return usage_error(a, "%s is required", missing);
    cr.iss = span_of(iss);
    cr.holder = span_of(holder);
    cr.title = span_of(title);
    cr.achievement = span_of(ach);
    cr.awarder = span_of(awarder);
    cr.version = 1;

    uint8_t *sk = load_secret_key(key, pass_file);
    if (!sk)
        return EXIT_USAGE;
    uint8_t payload[TESS_MAX_C], prot[32], c[TESS_MAX_C + 128];
    size_t payload_len, prot_len, c_len, text_len;
    char text[TESS_MAX_TEXT * 2];
    tess_status st = tess_claims_encode(&cr, payload, sizeof payload, &payload_len);
    if (st == TESS_ERR_ARG) {
        keyseal_secret_free(sk);
        return usage_error(a, "a field is too long (over %u bytes) or not valid UTF-8",
                           TESS_MAX_STRING);
    }
    if (st == TESS_OK)
        st = tess_cose_protected(sk + 32, prot, sizeof prot, &prot_len);
    if (st == TESS_OK)
        st = tess_cose_sign1_build(prot, prot_len, payload, payload_len, sk, c, sizeof c, &c_len);
    keyseal_secret_free(sk);
    if (st == TESS_OK && c_len > TESS_MAX_C)
        st = TESS_ERR_TOO_LARGE;
    if (st == TESS_OK)
        st = tess_mc1_text(c, c_len, mode, text, sizeof text, &text_len);
    if (st == TESS_OK && text_len > TESS_MAX_TEXT)
        st = TESS_ERR_TOO_LARGE;
    if (st != TESS_OK) {
        fprintf(stderr,
                "tessera issue: the credential does not fit in a QR code (%s); shorten the "
                "texts or give fewer skills\n",
                tess_reason(st));
        return EXIT_USAGE;
    }
    puts(text);
    if (qr && !qr_print(stdout, text, 'M'))
        fputs("tessera issue: could not draw the QR code\n", stderr);
    return EXIT_VALID;
}
