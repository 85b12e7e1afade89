/* tessera verify: a verdict for a person (short) or a machine (--json). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "state.h"
#include "tessera/tess_verify.h"

/* Standard input is read up to this much; anything longer is too large
 * for any QR code and the core says so. */
#define MAX_INPUT (64u * 1024u)

static void print_span(const char *label, tess_span s)
{
    printf("  %-13s %.*s\n", label, (int)s.len, (const char *)s.ptr);
}

void verdict_print_human(const tess_verdict *v)
{
    char when[64];
    if (v->reason == TESS_OK)
        printf("VALID: %s\n", tess_reason_text(TESS_OK));
    else
        printf("INVALID (%s): %s\n", tess_reason(v->reason), tess_reason_text(v->reason));
    if (v->warnings & TESS_WARN_TRUST_STALE)
        puts("  warning: the trust bundle has expired (trust_stale); install a newer one");
    if (v->warnings & TESS_WARN_CLOCK_UNCERTAIN)
        puts("  warning: the clock is behind the last known time (clock_uncertain)");
    if (!v->has_cred)
        return;
    const tess_credential *cr = &v->cred;
    print_span("title:", cr->title);
    print_span("holder:", cr->holder);
    printf("  %-13s %.*s (%s)\n", "achievement:", (int)cr->achievement.len,
           (const char *)cr->achievement.ptr, tess_type_name(cr->type));
    print_span("awarder:", cr->awarder);
    printf("  %-13s %.*s <%.*s>\n", "issuer:", (int)v->issuer.name.len,
           (const char *)v->issuer.name.ptr, (int)cr->iss.len, (const char *)cr->iss.ptr);
    format_time(cr->iat, when, sizeof when);
    printf("  %-13s %s\n", "issued:", when);
    if (cr->has & TESS_HAS_NBF) {
        format_time(cr->nbf, when, sizeof when);
        printf("  %-13s %s\n", "valid from:", when);
    }
    if (cr->has & TESS_HAS_EXP) {
        format_time(cr->exp, when, sizeof when);
        printf("  %-13s %s\n", "expires:", when);
    }
    for (size_t i = 0; i < cr->n_skills; i++)
        print_span(i == 0 ? "skills:" : "", cr->skills[i]);
    if (cr->has & TESS_HAS_EQF)
        printf("  %-13s %llu\n", "EQF level:", (unsigned long long)cr->eqf);
    if (cr->has & TESS_HAS_WORKLOAD)
        printf("  %-13s %llu\n", "hours:", (unsigned long long)cr->workload);
}

static void print_json(const tess_verdict *v)
{
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_verdict_fields(&j, v);
    json_end_obj(&j);
    json_done(&j);
}

/* With --json, a verification that could not take place is still one
 * object, so that a machine reads why: a trust failure (bad_root,
 * bad_bundle, threshold, rotation), a file that cannot be read (io_error),
 * an image with no credential's code (no_code). The exit code stays 2. */
static void print_error_object(const char *reason, const char *msg)
{
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_key(&j, "verdict");
    json_str(&j, "invalid");
    json_key(&j, "reason");
    json_str(&j, reason);
    json_key(&j, "warnings");
    json_arr(&j);
    json_end_arr(&j);
    json_key(&j, "credential");
    json_null(&j);
    json_key(&j, "issuer");
    json_null(&j);
    json_key(&j, "error");
    json_str(&j, msg);
    json_end_obj(&j);
    json_done(&j);
}

static void print_trust_error(const trust_files *t)
{
    char msg[4400];
    snprintf(msg, sizeof msg, "%s: %s", t->why_path ? t->why_path : "?",
             t->why == TESS_ERR_ARG ? "cannot be read" : tess_reason_text(t->why));
    print_error_object(t->why == TESS_ERR_ARG ? "io_error" : tess_reason(t->why), msg);
}

tess_status verify_judged(tess_verifier *vf, const char *text, size_t len,
                          const tess_bundle *trust, const char *state_dir, uint64_t floor,
                          bool have_at, uint64_t at, uint64_t skew, tess_verdict *out)
{
    /* With --at the caller names the time; otherwise it is the clock, never
     * judged earlier than the floor, and a verdict moves the floor on. */
    tess_clock clock = {have_at ? at : now_seconds(), have_at ? 0 : floor, skew};
    tess_status st = tess_verify(vf, text, len, trust, &clock, out);
    if (state_dir && !have_at && !(out->warnings & TESS_WARN_CLOCK_UNCERTAIN) &&
        !state_advance_floor(state_dir, clock.now))
        fprintf(stderr, "%s: warning: the time floor could not be recorded\n", state_dir);
    return st;
}

int cmd_verify(args *a)
{
    const char *root = NULL, *bundle = NULL, *state = NULL, *text = NULL, *image = NULL, *v;
    bool bad = false, as_json = false, have_at = false;
    uint64_t at = 0, skew = TESS_DEFAULT_SKEW;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--root", &root, &bad) || arg_opt(a, "--bundle", &bundle, &bad) ||
            arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--image", &image, &bad)) {
            continue;
        } else if (arg_opt(a, "--at", &v, &bad)) {
            if (!parse_time(v, &at))
                return usage_error(a, "--at: '%s' is not a time (Unix seconds or YYYY-MM-DD)", v);
            have_at = true;
        } else if (arg_opt(a, "--skew", &v, &bad)) {
            if (!parse_u64(v, &skew) || skew > 31536000u)
                return usage_error(a, "--skew: give seconds, 0 to 31536000, not '%s'", v);
        } else if (arg_flag(a, "--json")) {
            as_json = true;
        } else if (!bad) {
            const char *s = a->argv[a->i];
            if (s[0] == '-' && s[1] == '-')
                return usage_error(a, "unknown option '%s'", s);
            if (text)
                return usage_error(a, "give one credential text (or -), not '%s' too", s);
            text = s;
            a->i++;
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (state && (root || bundle))
        return usage_error(a, "give either --state DIR or --root FILE and --bundle FILE");
    if (!state && (!root || !bundle))
        return usage_error(a, "--state DIR, or --root FILE and --bundle FILE, are required");
    if (text && image)
        return usage_error(a, "give either the credential text or --image FILE, not both");
    if (!text && !image)
        return usage_error(a, "give the credential text, or - to read it from standard input");

    uint8_t *input = NULL;
    size_t len = text ? strlen(text) : 0;
    if (image) {
#ifdef TESS_HAVE_SCANNER
        char err[1400];
        if (!(input = malloc(MAX_INPUT))) {
            fputs("tessera verify: out of memory\n", stderr);
            return EXIT_USAGE;
        }
        /* the credential's code: the first text that is MC1, so that a
         * second code printed beside it (a link, a logo) is not taken */
        if (!scan_image_first(image, "MC1:", (char *)input, MAX_INPUT, &len, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            if (as_json)
                print_error_object(strncmp(err, "no QR code found", 16) == 0 ? "no_code" : "io_error",
                                   err);
            free(input);
            return EXIT_USAGE;
        }
        text = (const char *)input;
#else
        return usage_error(a, "--image: this build has no QR scanner (ZBar)");
#endif
    } else if (strcmp(text, "-") == 0) {
        if (!(input = read_file("-", MAX_INPUT, &len)))
            return EXIT_USAGE;
        text = (const char *)input;
    }
    trust_files t;
    kiosk_state ks;
    memset(&t, 0, sizeof t);
    memset(&ks, 0, sizeof ks);
    const tess_bundle *trust;
    uint64_t floor = 0;
    if (state) {
        char err[1400];
        bool loaded = state_load(&ks, state, err, sizeof err);
        if (!loaded || ks.generation == 0) {
            if (loaded)
                snprintf(err, sizeof err,
                         "%s: no trust bundle is installed here yet (tessera bundle install "
                         "--root ROOT --state DIR FILE)",
                         state);
            fprintf(stderr, "%s\n", err);
            t.why = TESS_ERR_BAD_BUNDLE;
            t.why_path = state;
            if (as_json)
                print_trust_error(&t);
            state_close(&ks);
            free(input);
            return EXIT_USAGE;
        }
        trust = &ks.bundle;
        floor = ks.floor;
    } else {
        if (!trust_open(&t, root, bundle)) {
            if (as_json)
                print_trust_error(&t);
            trust_close(&t);
            free(input);
            return EXIT_USAGE;
        }
        trust = &t.bundle;
    }
    tess_verifier *verifier = calloc(1, sizeof *verifier); /* zlib's arena starts zeroed */
    tess_verdict *verdict = malloc(sizeof *verdict);
    if (!verifier || !verdict) {
        fputs("tessera verify: out of memory\n", stderr);
        free(verifier);
        free(verdict);
        trust_close(&t);
        free(input);
        return EXIT_USAGE;
    }
    tess_status st = verify_judged(verifier, text, len, trust, state, floor, have_at, at, skew,
                                   verdict);
    if (as_json)
        print_json(verdict);
    else
        verdict_print_human(verdict);
    free(verifier);
    free(verdict);
    trust_close(&t);
    state_close(&ks);
    free(input);
    return st == TESS_OK ? EXIT_VALID : EXIT_INVALID;
}
