/* tessera root init, tessera bundle create. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "state.h"
#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"

#define MAX_ISSUERS 100000u
#define MAX_ALLOWED 64u
#define MAX_PATHWAYS 256u
#define MAX_REQUIREMENTS 64u

/* ---- root init ---- */

/* A public key given as a file or as 64 hex digits. */
static bool public_key_arg(const char *v, uint8_t pk[32], const char *base_dir)
{
    if (strlen(v) == 64 && from_hex(v, pk, 32))
        return true;
    char path[4096];
    if (base_dir && v[0] != '/')
        snprintf(path, sizeof path, "%s/%s", base_dir, v);
    else
        snprintf(path, sizeof path, "%s", v);
    return read_public_key(path, pk);
}

int cmd_root(args *a)
{
    if (a->i >= a->argc || strcmp(a->argv[a->i], "init") != 0)
        return usage_error(a, "the only subcommand is 'init'");
    a->i++;
    uint8_t keys[TESS_MAX_ROOT_KEYS][32];
    size_t n = 0;
    uint64_t threshold = 0;
    const char *out = NULL, *v;
    bool bad = false, have_threshold = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--out", &out, &bad)) {
            continue;
        } else if (arg_opt(a, "--threshold", &v, &bad)) {
            if (!parse_u64(v, &threshold) || threshold == 0)
                return usage_error(a, "--threshold: give a number of keys from 1 up, not '%s'", v);
            have_threshold = true;
        } else if (arg_opt(a, "--key", &v, &bad)) {
            if (n == TESS_MAX_ROOT_KEYS)
                return usage_error(a, "at most %u root keys", TESS_MAX_ROOT_KEYS);
            if (!public_key_arg(v, keys[n], NULL))
                return EXIT_USAGE;
            for (size_t k = 0; k < n; k++)
                if (memcmp(keys[k], keys[n], 32) == 0)
                    return usage_error(a, "%s: the same key is given twice", v);
            n++;
        } else if (!bad) {
            return usage_error(a, "unknown argument '%s'", a->argv[a->i]);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!have_threshold || n == 0 || !out)
        return usage_error(a, "--threshold N, at least one --key PUBFILE and --out FILE are required");
    if (threshold > n)
        return usage_error(a, "--threshold %llu is more than the %zu keys given",
                           (unsigned long long)threshold, n);
    uint8_t buf[1024];
    size_t len;
    if (tess_root_encode((unsigned)threshold, (const uint8_t(*)[32])keys, n, buf, sizeof buf,
                         &len) != TESS_OK) {
        fputs("tessera root init: could not encode the root file\n", stderr);
        return EXIT_USAGE;
    }
    if (!write_file(out, buf, len))
        return EXIT_USAGE;
    printf("wrote %s: %llu of %zu root keys must sign every bundle\n", out,
           (unsigned long long)threshold, n);
    return EXIT_VALID;
}

/* ---- bundle create ---- */

typedef struct {
    tess_issuer_in *issuers;         /* grown as issuers come */
    const char *(*allowed)[MAX_ALLOWED]; /* one table per issuer, beside it */
    size_t n_issuers, cap_issuers;
    tess_pathway_in pathways[MAX_PATHWAYS];
    const char *req_iss[MAX_PATHWAYS][MAX_REQUIREMENTS];
    const char *req_ach[MAX_PATHWAYS][MAX_REQUIREMENTS];
    size_t n_pathways;
    uint8_t (*revoked)[16];
    size_t n_revoked, cap_revoked;
    uint8_t new_roots[TESS_MAX_ROOT_KEYS][32];
    size_t n_new_roots;
    uint64_t new_threshold;
    uint64_t version, issued_at, expires;
    bool have_version, have_expires;
    const char *publisher;
    char **strings;        /* copies of manifest values, freed at the end */
    size_t n_strings, cap_strings;
    const char *base_dir;  /* of the manifest, for relative paths */
} builder;

static const char *keep(builder *b, const char *s)
{
    if (b->n_strings == b->cap_strings) {
        size_t cap = b->cap_strings ? b->cap_strings * 2 : 256;
        char **bigger = realloc(b->strings, cap * sizeof *bigger);
        if (!bigger)
            return NULL;
        b->strings = bigger;
        b->cap_strings = cap;
    }
    char *copy = strdup(s);
    if (copy)
        b->strings[b->n_strings++] = copy;
    return copy;
}

static bool set_time(const char *where, const char *key, const char *v, uint64_t *out)
{
    if (parse_time(v, out))
        return true;
    fprintf(stderr, "%s: %s: '%s' is not a time (Unix seconds or YYYY-MM-DD)\n", where, key, v);
    return false;
}

static bool builder_set(builder *b, const char *key, const char *v, const char *where);

/* A file of lines, each handed to fn without its leading blanks; '#'
 * starts a comment line. A relative path is taken from the manifest's
 * folder when one is being read. Errors name the file and line. With no
 * `what`, the file is a manifest. */
static bool each_line(builder *b, const char *path, const char *what,
                      bool (*fn)(builder *, char *, const char *))
{
    char full[4096];
    if (b->base_dir && path[0] != '/')
        snprintf(full, sizeof full, "%s/%s", b->base_dir, path);
    else
        snprintf(full, sizeof full, "%s", path);
    size_t len;
    uint8_t *buf = read_file(full, 512u * 1024u * 1024u, &len);
    if (!buf)
        return false;
    const char *outer_base = b->base_dir;
    if (!what) {
        /* A manifest: the files it names are found from its own folder. */
        char *slash = strrchr(full, '/');
        if (slash)
            *slash = '\0';
        b->base_dir = slash ? keep(b, full) : ".";
        if (slash)
            *slash = '/';
    }
    bool ok = true;
    unsigned line_no = 0;
    for (char *line = (char *)buf, *next; ok && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        line[strcspn(line, "\r")] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0' || *line == '#')
            continue;
        char where[4200];
        if (what)
            snprintf(where, sizeof where, "%s:%u (%s)", full, line_no, what);
        else
            snprintf(where, sizeof where, "%s:%u", full, line_no);
        ok = fn(b, line, where);
    }
    free(buf);
    b->base_dir = outer_base;
    return ok;
}

/* An issuers file line: PUBKEY<TAB>ISS<TAB>NAME[<TAB>NOT_BEFORE<TAB>NOT_AFTER
 * [<TAB>PREFIX,PREFIX...]]. */
static bool issuer_line(builder *b, char *line, const char *where)
{
    static const char *const keys[] = {"issuer", "iss", "name", "not_before", "not_after"};
    char *field = line;
    for (size_t k = 0; field; k++) {
        char *tab = strchr(field, '\t');
        if (tab)
            *tab++ = '\0';
        if (k < 5) {
            if (!builder_set(b, keys[k], field, where))
                return false;
        } else {
            for (char *p = field, *comma; p && *p; p = comma) {
                comma = strchr(p, ',');
                if (comma)
                    *comma++ = '\0';
                if (!builder_set(b, "allow", p, where))
                    return false;
            }
        }
        if (k == 0 && !tab) {
            fprintf(stderr, "%s: give PUBKEY, ISS and NAME separated by tabs\n", where);
            return false;
        }
        field = tab;
    }
    return true;
}

static bool revoked_line(builder *b, char *line, const char *where)
{
    while (*line == ' ' || *line == '\t')
        line++;
    line[strcspn(line, " \t")] = '\0';
    return builder_set(b, "revoke", line, where);
}

/* One setting, from the manifest or an option. Strings are kept by b. */
static bool builder_set(builder *b, const char *key, const char *v, const char *where)
{
    tess_issuer_in *is = b->n_issuers ? &b->issuers[b->n_issuers - 1] : NULL;
    tess_pathway_in *pw = b->n_pathways ? &b->pathways[b->n_pathways - 1] : NULL;
    uint64_t n;
    if (strcmp(key, "version") == 0) {
        if (!parse_u64(v, &b->version) || b->version == 0) {
            fprintf(stderr, "%s: version: give a whole number from 1 up, not '%s'\n", where, v);
            return false;
        }
        b->have_version = true;
    } else if (strcmp(key, "issued_at") == 0) {
        return set_time(where, key, v, &b->issued_at);
    } else if (strcmp(key, "expires") == 0) {
        b->have_expires = true;
        return set_time(where, key, v, &b->expires);
    } else if (strcmp(key, "publisher") == 0) {
        b->publisher = keep(b, v);
    } else if (strcmp(key, "issuer") == 0) {
        if (b->n_issuers == MAX_ISSUERS) {
            fprintf(stderr, "%s: at most %u issuers\n", where, MAX_ISSUERS);
            return false;
        }
        if (b->n_issuers == b->cap_issuers) {
            size_t cap = b->cap_issuers ? b->cap_issuers * 2 : 16;
            tess_issuer_in *more = realloc(b->issuers, cap * sizeof *more);
            if (more)
                b->issuers = more;
            const char *(*tables)[MAX_ALLOWED] = realloc(b->allowed, cap * sizeof *tables);
            if (tables)
                b->allowed = tables;
            if (!more || !tables)
                return false;
            /* The tables moved: point each issuer at its own again. */
            for (size_t i = 0; i < b->n_issuers; i++)
                b->issuers[i].allowed = b->allowed[i];
            b->cap_issuers = cap;
        }
        is = &b->issuers[b->n_issuers];
        memset(is, 0, sizeof *is);
        if (!public_key_arg(v, is->pk, b->base_dir))
            return false;
        is->not_after = 253402300799u; /* 9999-12-31 */
        is->allowed = b->allowed[b->n_issuers];
        b->n_issuers++;
    } else if (strcmp(key, "iss") == 0 || strcmp(key, "name") == 0 ||
               strcmp(key, "not_before") == 0 || strcmp(key, "not_after") == 0 ||
               strcmp(key, "allow") == 0) {
        if (!is) {
            fprintf(stderr, "%s: %s must follow an issuer (issuer PUBFILE)\n", where, key);
            return false;
        }
        if (strcmp(key, "iss") == 0)
            is->iss = keep(b, v);
        else if (strcmp(key, "name") == 0)
            is->name = keep(b, v);
        else if (strcmp(key, "not_before") == 0)
            return set_time(where, key, v, &is->not_before);
        else if (strcmp(key, "not_after") == 0)
            return set_time(where, key, v, &is->not_after);
        else {
            if (is->n_allowed == MAX_ALLOWED) {
                fprintf(stderr, "%s: at most %u allowed prefixes per issuer\n", where, MAX_ALLOWED);
                return false;
            }
            is->restricted = true;
            b->allowed[is - b->issuers][is->n_allowed++] = keep(b, v);
        }
    } else if (strcmp(key, "revoke") == 0) {
        if (b->n_revoked == b->cap_revoked) {
            size_t cap = b->cap_revoked ? b->cap_revoked * 2 : 64;
            uint8_t(*r)[16] = realloc(b->revoked, cap * sizeof *r);
            if (!r)
                return false;
            b->revoked = r;
            b->cap_revoked = cap;
        }
        if (!from_hex(v, b->revoked[b->n_revoked], 16)) {
            fprintf(stderr, "%s: revoke: give the credential id (cti) as 32 hex digits, not '%s'\n",
                    where, v);
            return false;
        }
        b->n_revoked++;
    } else if (strcmp(key, "pathway") == 0) {
        if (b->n_pathways == MAX_PATHWAYS) {
            fprintf(stderr, "%s: at most %u pathways\n", where, MAX_PATHWAYS);
            return false;
        }
        pw = &b->pathways[b->n_pathways];
        memset(pw, 0, sizeof *pw);
        pw->id = keep(b, v);
        pw->req_iss = b->req_iss[b->n_pathways];
        pw->req_achievement = b->req_ach[b->n_pathways];
        b->n_pathways++;
    } else if (strcmp(key, "title") == 0 || strcmp(key, "require") == 0 ||
               strcmp(key, "need") == 0) {
        if (!pw) {
            fprintf(stderr, "%s: %s must follow a pathway (pathway ID)\n", where, key);
            return false;
        }
        if (strcmp(key, "title") == 0) {
            pw->title = keep(b, v);
        } else if (strcmp(key, "need") == 0) {
            if (!parse_u64(v, &n)) {
                fprintf(stderr, "%s: need: '%s' is not a number\n", where, v);
                return false;
            }
            pw->has_needed = true;
            pw->needed = n;
        } else {
            size_t cut = strcspn(v, " \t");
            const char *ach = v + cut;
            while (*ach == ' ' || *ach == '\t')
                ach++;
            if (cut == 0 || !*ach || pw->n_req == MAX_REQUIREMENTS) {
                fprintf(stderr, "%s: require: give 'ISS ACHIEVEMENT' (at most %u per pathway)\n",
                        where, MAX_REQUIREMENTS);
                return false;
            }
            char *iss = strndup(v, cut);
            size_t k = pw - b->pathways;
            b->req_iss[k][pw->n_req] = iss ? keep(b, iss) : NULL;
            free(iss);
            b->req_ach[k][pw->n_req] = keep(b, ach);
            pw->n_req++;
        }
    } else if (strcmp(key, "issuers_file") == 0) {
        return each_line(b, v, "issuers file", issuer_line);
    } else if (strcmp(key, "revoked_file") == 0) {
        return each_line(b, v, "revoked file", revoked_line);
    } else if (strcmp(key, "new_root") == 0) {
        if (b->n_new_roots == TESS_MAX_ROOT_KEYS) {
            fprintf(stderr, "%s: at most %u new root keys\n", where, TESS_MAX_ROOT_KEYS);
            return false;
        }
        if (!public_key_arg(v, b->new_roots[b->n_new_roots], b->base_dir))
            return false;
        b->n_new_roots++;
    } else if (strcmp(key, "new_threshold") == 0) {
        if (!parse_u64(v, &b->new_threshold) || b->new_threshold == 0) {
            fprintf(stderr, "%s: new_threshold: give a number from 1 up, not '%s'\n", where, v);
            return false;
        }
    } else {
        fprintf(stderr, "%s: unknown setting '%s'\n", where, key);
        return false;
    }
    return true;
}

/* A manifest line: KEY VALUE, the value to the end of the line. */
static bool manifest_line(builder *b, char *line, const char *where)
{
    char *value = line + strcspn(line, " \t");
    if (*value)
        *value++ = '\0';
    while (isspace((unsigned char)*value))
        value++;
    size_t vl = strlen(value);
    while (vl > 0 && isspace((unsigned char)value[vl - 1]))
        value[--vl] = '\0';
    return builder_set(b, line, value, where);
}

static bool load_manifest(builder *b, const char *path)
{
    return each_line(b, path, NULL, manifest_line);
}

static bool builder_check(const builder *b, const char *where)
{
    if (!b->have_version || !b->have_expires) {
        fprintf(stderr, "%s: the bundle needs a version (--version N) and an expiry (--expires T)\n",
                where);
        return false;
    }
    for (size_t i = 0; i < b->n_issuers; i++) {
        if (!b->issuers[i].iss || !b->issuers[i].name) {
            fprintf(stderr, "%s: issuer %zu needs both an iss and a name\n", where, i + 1);
            return false;
        }
    }
    for (size_t i = 0; i < b->n_pathways; i++) {
        const tess_pathway_in *pw = &b->pathways[i];
        if (!pw->title || pw->n_req == 0 || (pw->has_needed && pw->needed > pw->n_req)) {
            fprintf(stderr,
                    "%s: pathway '%s' needs a title and at least one requirement, and cannot "
                    "need more than it lists\n",
                    where, pw->id ? pw->id : "?");
            return false;
        }
    }
    if (b->n_new_roots && (b->new_threshold == 0 || b->new_threshold > b->n_new_roots)) {
        fprintf(stderr, "%s: new root keys need --new-threshold between 1 and %zu\n", where,
                b->n_new_roots);
        return false;
    }
    if (!b->n_new_roots && b->new_threshold) {
        fprintf(stderr, "%s: --new-threshold without any --new-root\n", where);
        return false;
    }
    return true;
}

static void builder_free(builder *b)
{
    for (size_t i = 0; i < b->n_strings; i++)
        free(b->strings[i]);
    free(b->strings);
    free(b->issuers);
    free(b->allowed);
    free(b->revoked);
    free(b);
}

/* Options of `bundle create` that are settings, and their manifest names. */
static const struct {
    const char *opt;
    const char *key;
} setting_opts[] = {
    {"--version", "version"},   {"--issued-at", "issued_at"}, {"--expires", "expires"},
    {"--publisher", "publisher"}, {"--issuer", "issuer"},     {"--iss", "iss"},
    {"--name", "name"},         {"--not-before", "not_before"}, {"--not-after", "not_after"},
    {"--allow", "allow"},       {"--revoke", "revoke"},       {"--pathway", "pathway"},
    {"--pathway-title", "title"}, {"--need", "need"},         {"--new-root", "new_root"},
    {"--new-threshold", "new_threshold"}, {"--issuers-file", "issuers_file"},
    {"--revoked-file", "revoked_file"},
};

static int bundle_create(args *a)
{
    builder *b = calloc(1, sizeof *b);
    if (!b)
        return EXIT_USAGE;
    b->issued_at = now_seconds();
    b->publisher = "";
    const char *root_path = NULL, *out = NULL, *v;
    const char *sign_paths[TESS_MAX_BUNDLE_SIGS];
    size_t n_sign = 0;
    bool bad = false;
    int rc = EXIT_USAGE;
    while (a->i < a->argc && !bad) {
        bool matched = false;
        for (size_t k = 0; k < sizeof setting_opts / sizeof setting_opts[0] && !matched; k++) {
            if (arg_opt(a, setting_opts[k].opt, &v, &bad)) {
                matched = true;
                if (!builder_set(b, setting_opts[k].key, v, "tessera bundle create"))
                    bad = true;
            }
        }
        if (matched || bad)
            continue;
        if (arg_opt(a, "--root", &root_path, &bad) || arg_opt(a, "--out", &out, &bad)) {
            continue;
        } else if (arg_opt(a, "--sign", &v, &bad)) {
            if (n_sign == TESS_MAX_BUNDLE_SIGS) {
                usage_error(a, "at most %u signing keys", TESS_MAX_BUNDLE_SIGS);
                bad = true;
            } else {
                sign_paths[n_sign++] = v;
            }
        } else if (arg_opt(a, "--manifest", &v, &bad)) {
            if (!load_manifest(b, v))
                bad = true;
        } else if (arg_opt(a, "--require", &v, &bad)) {
            if (a->i >= a->argc) {
                usage_error(a, "--require needs ISS and ACHIEVEMENT");
                bad = true;
            } else {
                char pair[2048];
                snprintf(pair, sizeof pair, "%s %s", v, a->argv[a->i++]);
                if (!builder_set(b, "require", pair, "tessera bundle create"))
                    bad = true;
            }
        } else if (!bad) {
            usage_error(a, "unknown argument '%s'", a->argv[a->i]);
            bad = true;
        }
    }
    if (bad)
        goto done;
    if (!root_path || !out || n_sign == 0) {
        usage_error(a, "--root ROOT, at least one --sign KEY and --out FILE are required");
        goto done;
    }
    if (!builder_check(b, "tessera bundle create"))
        goto done;
    if (tess_bundle_sort(b->issuers, b->n_issuers, b->revoked, &b->n_revoked) != TESS_OK) {
        fputs("tessera bundle create: the same issuer key is listed twice\n", stderr);
        goto done;
    }
    /* Each issuer keeps its pointer to its own allowed-prefix table. */
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = b->version;
    in.issued_at = b->issued_at;
    in.expires = b->expires;
    in.publisher = b->publisher;
    in.issuers = b->issuers;
    in.n_issuers = b->n_issuers;
    in.revoked = (const uint8_t(*)[16])b->revoked;
    in.n_revoked = b->n_revoked;
    in.has_new_roots = b->n_new_roots > 0;
    in.new_threshold = (unsigned)b->new_threshold;
    in.new_roots = (const uint8_t(*)[32])b->new_roots;
    in.n_new_roots = b->n_new_roots;
    in.pathways = b->pathways;
    in.n_pathways = b->n_pathways;

    size_t cap = 4096 + b->n_issuers * 2048 + b->n_revoked * 16 + b->n_pathways * 8192;
    uint8_t *payload = malloc(cap), *file = malloc(cap + 4096), *scratch = malloc(cap + 4096);
    uint8_t(*sks)[64] = calloc(n_sign, 64);
    trust_files t;
    memset(&t, 0, sizeof t);
    size_t payload_len, file_len;
    bool ok = payload && file && scratch && sks;
    for (size_t i = 0; ok && i < n_sign; i++)
        ok = read_secret_key(sign_paths[i], sks[i]);
    if (ok && tess_bundle_payload_encode(&in, payload, cap, &payload_len) != TESS_OK) {
        fputs("tessera bundle create: a text in the bundle is not valid or too long\n", stderr);
        ok = false;
    }
    if (ok && tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, n_sign, scratch,
                               cap + 4096, file, cap + 4096, &file_len) != TESS_OK) {
        fputs("tessera bundle create: signing failed\n", stderr);
        ok = false;
    }
    if (sks)
        tess_wipe(sks, n_sign * 64);
    /* What is written must open on a kiosk provisioned with this root: it
     * is checked as a file beside --out, and only then takes its place, so
     * a refused bundle never replaces a good one. */
    char staged[4200];
    if (ok && snprintf(staged, sizeof staged, "%s.new", out) >= (int)sizeof staged) {
        fprintf(stderr, "%s: path too long\n", out);
        ok = false;
    }
    if (ok && write_file(staged, file, file_len)) {
        if (trust_open(&t, root_path, staged) && rename(staged, out) == 0) {
            char exp_text[64];
            format_time(t.bundle.expires, exp_text, sizeof exp_text);
            printf("wrote %s: version %llu, %zu issuer%s, %zu revoked, %zu pathway%s, signed by "
                   "%zu of %zu root keys (threshold %u)%s, expires %s\n",
                   out, (unsigned long long)t.bundle.version, t.bundle.n_issuers,
                   t.bundle.n_issuers == 1 ? "" : "s", t.bundle.n_revoked, t.bundle.n_pathways,
                   t.bundle.n_pathways == 1 ? "" : "s", t.bundle.n_root_signed, t.root.n_keys,
                   t.root.threshold, t.bundle.has_new_roots ? ", rotating to new roots" : "",
                   exp_text);
            rc = EXIT_VALID;
        } else {
            fprintf(stderr, "tessera bundle create: kiosks would refuse this bundle; %s is left "
                    "as it was\n", out);
            remove(staged);
        }
    }
    trust_close(&t);
    free(payload);
    free(file);
    free(scratch);
    free(sks);
done:
    builder_free(b);
    return rc;
}

/* ---- install, import, status ---- */

static int report_install(const install_result *r, bool as_json)
{
    const char *result = r->error ? "error" : r->reason == TESS_OK ? "installed" : "refused";
    const char *reason = r->reason == TESS_OK ? "ok"
                         : r->reason == TESS_ERR_ARG ? "io_error"
                                                     : tess_reason(r->reason);
    if (as_json) {
        json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "result");
        json_str(&j, result);
        json_key(&j, "reason");
        json_str(&j, reason);
        json_key(&j, "version");
        json_u64(&j, r->new_version);
        json_key(&j, "previous_version");
        json_u64(&j, r->old_version);
        json_key(&j, "rotated");
        json_bool(&j, r->rotated);
        json_key(&j, "generation");
        json_u64(&j, r->generation);
        json_key(&j, "message");
        json_str(&j, r->message);
        json_end_obj(&j);
        json_done(&j);
    } else if (r->reason == TESS_OK && !r->error) {
        printf("%s\n", r->message);
    } else {
        fprintf(stderr, "%s: %s\n", r->error ? "error" : reason, r->message);
    }
    return r->error ? EXIT_USAGE : r->reason == TESS_OK ? EXIT_VALID : EXIT_INVALID;
}

static int bundle_install(args *a, bool import)
{
    const char *root = NULL, *state = TESS_DEFAULT_STATE, *src = NULL;
    bool bad = false, as_json = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--root", &root, &bad) || arg_opt(a, "--state", &state, &bad))
            continue;
        if (arg_flag(a, "--json")) {
            as_json = true;
        } else if (!bad) {
            const char *s = a->argv[a->i];
            if (s[0] == '-' && s[1] == '-')
                return usage_error(a, "unknown option '%s'", s);
            if (src)
                return usage_error(a, "give one %s, not '%s' too", import ? "mount point" : "file", s);
            src = s;
            a->i++;
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!src)
        return usage_error(a, import ? "give the mount point of the USB stick"
                                     : "give the bundle file to install");
    install_result r;
    if (import) {
        state_import(state, src, &r);
    } else {
        size_t len;
        uint8_t *file = read_file(src, TESS_MAX_BUNDLE_FILE, &len);
        if (!file) {
            /* Over the size cap: no bundle is that large, refused. Not
             * readable: an error. Either way nothing changes. */
            int e = errno;
            memset(&r, 0, sizeof r);
            r.reason = e == EFBIG ? TESS_ERR_BAD_BUNDLE : TESS_ERR_ARG;
            r.error = e != EFBIG;
            if (e == EFBIG)
                snprintf(r.message, sizeof r.message,
                         "%s: larger than %u MiB, more than any trust bundle (bad_bundle); "
                         "nothing was changed", src, TESS_MAX_BUNDLE_FILE >> 20);
            else
                snprintf(r.message, sizeof r.message, "%s: cannot be read: %s; nothing was changed",
                         src, strerror(e));
            return report_install(&r, as_json);
        }
        state_install(state, root, file, len, &r);
        free(file);
    }
    return report_install(&r, as_json);
}

static void print_root_keys(json *j, const tess_root *root)
{
    json_arr(j);
    for (size_t i = 0; i < root->n_keys; i++) {
        uint8_t kid[TESS_KID_LEN];
        tess_kid_of(kid, root->keys[i]);
        json_obj(j);
        json_key(j, "kid");
        json_hex(j, kid, sizeof kid);
        json_key(j, "public_key");
        json_hex(j, root->keys[i], 32);
        json_end_obj(j);
    }
    json_end_arr(j);
}

static int bundle_status(args *a)
{
    const char *state = TESS_DEFAULT_STATE;
    bool bad = false, as_json = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad))
            continue;
        if (arg_flag(a, "--json"))
            as_json = true;
        else if (!bad)
            return usage_error(a, "unknown argument '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    kiosk_state s;
    char err[1400];
    if (!state_load(&s, state, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return EXIT_USAGE;
    }
    uint64_t now = now_seconds();
    const tess_bundle *b = &s.bundle;
    if (as_json) {
        json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "installed");
        json_bool(&j, s.generation != 0);
        json_key(&j, "state");
        json_str(&j, state);
        if (s.generation) {
            json_key(&j, "generation");
            json_u64(&j, s.generation);
            json_key(&j, "version");
            json_u64(&j, b->version);
            json_key(&j, "publisher");
            json_span(&j, b->publisher);
            json_key(&j, "issued_at");
            json_u64(&j, b->issued_at);
            json_key(&j, "expires");
            json_u64(&j, b->expires);
            json_key(&j, "stale");
            json_bool(&j, (now > s.floor ? now : s.floor) > b->expires);
            json_key(&j, "issuers");
            json_u64(&j, b->n_issuers);
            json_key(&j, "revoked");
            json_u64(&j, b->n_revoked);
            json_key(&j, "pathways");
            json_u64(&j, b->n_pathways);
            json_key(&j, "bytes");
            json_u64(&j, s.bundle_len);
            json_key(&j, "root_threshold");
            json_u64(&j, s.root.threshold);
            json_key(&j, "roots");
            print_root_keys(&j, &s.root);
        }
        json_key(&j, "floor");
        json_u64(&j, s.floor);
        json_key(&j, "clock");
        json_u64(&j, now);
        json_key(&j, "clock_uncertain");
        json_bool(&j, now < s.floor);
        json_end_obj(&j);
        json_done(&j);
    } else if (!s.generation) {
        printf("%s: no trust bundle installed yet (tessera bundle install --root ROOT ...)\n",
               state);
    } else {
        char issued[64], expires[64], floor[64];
        format_time(b->issued_at, issued, sizeof issued);
        format_time(b->expires, expires, sizeof expires);
        format_time(s.floor, floor, sizeof floor);
        /* the publisher is optional in TB1: a bundle without one says so */
        if (b->publisher.len)
            printf("trust bundle version %llu from %.*s (%s)\n", (unsigned long long)b->version,
                   (int)b->publisher.len, (const char *)b->publisher.ptr, state);
        else
            printf("trust bundle version %llu, no publisher named (%s)\n",
                   (unsigned long long)b->version, state);
        printf("  issued      %s\n  expires     %s%s\n", issued, expires,
               (now > s.floor ? now : s.floor) > b->expires ? "  (EXPIRED: verdicts say trust_stale)"
                                                           : "");
        printf("  issuers     %zu\n  revoked     %zu\n  pathways    %zu\n", b->n_issuers,
               b->n_revoked, b->n_pathways);
        printf("  roots       %u of %zu must sign:", s.root.threshold, s.root.n_keys);
        for (size_t i = 0; i < s.root.n_keys; i++) {
            uint8_t kid[TESS_KID_LEN];
            char hex[2 * TESS_KID_LEN + 1];
            tess_kid_of(kid, s.root.keys[i]);
            to_hex(kid, sizeof kid, hex);
            printf(" %s", hex);
        }
        printf("\n  time floor  %s%s\n", floor,
               now < s.floor ? "  (the clock is behind it: clock_uncertain)" : "");
    }
    state_close(&s);
    return EXIT_VALID;
}

int cmd_bundle(args *a)
{
    const char *sub = a->i < a->argc ? a->argv[a->i] : "";
    a->i++;
    if (strcmp(sub, "create") == 0)
        return bundle_create(a);
    if (strcmp(sub, "install") == 0)
        return bundle_install(a, false);
    if (strcmp(sub, "import") == 0)
        return bundle_install(a, true);
    if (strcmp(sub, "status") == 0)
        return bundle_status(a);
    a->i--;
    return usage_error(a, "the subcommands are create, install, import and status");
}
