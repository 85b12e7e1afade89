/* tessera checkin: verify, then record the check-in in the store
 * (app/store/store.h); one credential, or a stream of them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "state.h"
#include "store.h"

/* A line of the stream, or the one text: no QR code holds more. */
#define MAX_TEXT (64u * 1024u)

typedef struct {
    const char *state;
    const char *event;
    bool as_json, have_at;
    uint64_t at, skew;
    kiosk_state ks;
    tess_store *store;
    bool store_announced;   /* the store's trouble said once on stderr */
    tess_verifier *vf;
    tess_verdict *v;
} checkin_run;

static void print_result(const checkin_run *r, const tess_checkin *c, const char *store_error)
{
    char when[64];
    if (r->as_json) {
        json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_verdict_fields(&j, r->v);
        json_key(&j, "event");
        json_str(&j, r->event);
        json_key(&j, "kiosk");
        json_str(&j, tess_store_kiosk(r->store));
        json_key(&j, "checkin");
        json_str(&j, tess_checkin_name(c->kind));
        if (c->kind == TESS_CHECKIN_DUPLICATE || c->kind == TESS_CHECKIN_REENTRY) {
            json_key(&j, "first_time");
            json_u64(&j, c->first_time);
            json_key(&j, "first_kiosk");
            json_str(&j, c->first_kiosk);
            json_key(&j, "entries");
            json_u64(&j, c->entries);
        }
        if (c->kind == TESS_CHECKIN_ERROR) {
            json_key(&j, "store_error");
            json_str(&j, store_error);
        }
        json_end_obj(&j);
        json_done(&j);
    } else {
        verdict_print_human(r->v);
        switch (c->kind) {
        case TESS_CHECKIN_FIRST:
            printf("CHECKED IN to %s\n", r->event);
            break;
        case TESS_CHECKIN_DUPLICATE:
            format_time(c->first_time, when, sizeof when);
            printf("ALREADY CHECKED IN at %s (%s)\n", when, c->first_kiosk);
            break;
        case TESS_CHECKIN_REENTRY:
            format_time(c->first_time, when, sizeof when);
            printf("RE-ENTRY (entry %llu; first checked in at %s, %s)\n",
                   (unsigned long long)c->entries, when, c->first_kiosk);
            break;
        case TESS_CHECKIN_REFUSED:
            puts("NOT CHECKED IN: the credential is not valid");
            break;
        case TESS_CHECKIN_ERROR:
            printf("NOT RECORDED: %s\n", store_error);
            break;
        case TESS_CHECKIN_NONE:
            break;
        }
    }
    /* the line is the acknowledgement: it leaves now, never later */
    fflush(stdout);
}

static int exit_code(tess_checkin_kind k)
{
    switch (k) {
    case TESS_CHECKIN_FIRST: case TESS_CHECKIN_REENTRY: return EXIT_VALID;
    case TESS_CHECKIN_DUPLICATE: return EXIT_DUPLICATE;
    case TESS_CHECKIN_REFUSED: return EXIT_INVALID;
    default: return EXIT_USAGE;
    }
}

/* The event, created with a fresh secret when this store has none of that
 * id. False when the store cannot say. */
static bool ensure_event(checkin_run *r)
{
    tess_event ev;
    tess_store_status st = tess_store_event_get(r->store, r->event, &ev);
    if (st == TESS_STORE_NO_EVENT) {
        if (!tess_event_init(&ev, r->event, NULL))
            return false;
        st = tess_store_event_add(r->store, &ev);
        if (st == TESS_STORE_OK)
            fprintf(stderr,
                    "tessera checkin: created event '%s' with a new random secret; for other "
                    "kiosks to share it: tessera event export --state %s --id %s --out FILE, "
                    "then tessera event import on each\n",
                    r->event, r->state, r->event);
    } else if (st == TESS_STORE_OK && ev.keep_names) {
        fprintf(stderr, "tessera checkin: event '%s' keeps holders' names in its log\n",
                r->event);
    }
    return st == TESS_STORE_OK;
}

/* Verifies and records one text; prints the result; returns the exit
 * code for it. */
static int checkin_one(checkin_run *r, const char *text, size_t len)
{
    tess_status vs = verify_judged(r->vf, text, len, &r->ks.bundle, r->state, r->ks.floor,
                                   r->have_at, r->at, r->skew, r->v);
    (void)vs;   /* the verdict carries it */
    tess_checkin c;
    memset(&c, 0, sizeof c);
    c.kind = TESS_CHECKIN_ERROR;
    const char *why = tess_store_error(r->store);
    if (tess_store_status_of(r->store) != TESS_STORE_OK && tess_store_reopen(r->store) == TESS_STORE_OK)
        r->store_announced = false;
    if (tess_store_status_of(r->store) == TESS_STORE_OK) {
        uint64_t when = r->v->judged_at ? r->v->judged_at : now_seconds();
        tess_store_status st = tess_store_record(r->store, r->event, r->v, when, &c);
        if (st == TESS_STORE_NO_EVENT && ensure_event(r))
            st = tess_store_record(r->store, r->event, r->v, when, &c);
        /* acknowledged only when the rows are durable (store.h says the
         * same of c.kind; this does not lean on it) */
        if (st != TESS_STORE_OK)
            c.kind = TESS_CHECKIN_ERROR;
        why = tess_store_error(r->store);
    }
    if (c.kind == TESS_CHECKIN_ERROR && !r->store_announced) {
        fprintf(stderr, "tessera checkin: %s\n", why);
        r->store_announced = true;
    }
    print_result(r, &c, why);
    /* after the acknowledgement, never before it */
    if (c.kind != TESS_CHECKIN_ERROR)
        tess_store_idle(r->store);
    return exit_code(c.kind);
}

int cmd_checkin(args *a)
{
    checkin_run r;
    memset(&r, 0, sizeof r);
    r.skew = TESS_DEFAULT_SKEW;
    const char *text = NULL, *kiosk = NULL, *v;
    bool bad = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &r.state, &bad) || arg_opt(a, "--event", &r.event, &bad) ||
            arg_opt(a, "--kiosk", &kiosk, &bad)) {
            continue;
        } else if (arg_opt(a, "--at", &v, &bad)) {
            if (!parse_time(v, &r.at))
                return usage_error(a, "--at: '%s' is not a time (Unix seconds or YYYY-MM-DD)", v);
            r.have_at = true;
        } else if (arg_opt(a, "--skew", &v, &bad)) {
            if (!parse_u64(v, &r.skew) || r.skew > 31536000u)
                return usage_error(a, "--skew: give seconds, 0 to 31536000, not '%s'", v);
        } else if (arg_flag(a, "--json")) {
            r.as_json = true;
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
    if (!r.state || !r.event)
        return usage_error(a, "--state DIR and --event ID are required");
    if (!tess_event_id_ok(r.event))
        return usage_error(a, "--event: '%s' is not an event id (1 to %u of A-Z a-z 0-9 . _ - :)",
                           r.event, TESS_EVENT_ID_MAX);
    if (kiosk && (!*kiosk || strlen(kiosk) > TESS_KIOSK_ID_MAX))
        return usage_error(a, "--kiosk: give 1 to %u characters", TESS_KIOSK_ID_MAX);
    if (!text)
        return usage_error(a, "give the credential text, or - to read one a line from standard "
                              "input");

    char err[1400];
    bool loaded = state_load(&r.ks, r.state, err, sizeof err);
    if (!loaded || r.ks.generation == 0) {
        if (loaded)
            snprintf(err, sizeof err,
                     "%s: no trust bundle is installed here yet (tessera bundle install "
                     "--root ROOT --state DIR FILE)",
                     r.state);
        fprintf(stderr, "%s\n", err);
        state_close(&r.ks);
        return EXIT_USAGE;
    }
    r.store = tess_store_open(r.state, kiosk);
    r.vf = calloc(1, sizeof *r.vf); /* zlib's arena starts zeroed */
    r.v = malloc(sizeof *r.v);
    char *line = malloc(MAX_TEXT + 2);
    if (!r.store || !r.vf || !r.v || !line) {
        fputs("tessera checkin: out of memory\n", stderr);
        tess_store_close(r.store);
        free(r.vf);
        free(r.v);
        free(line);
        state_close(&r.ks);
        return EXIT_USAGE;
    }
    if (tess_store_status_of(r.store) == TESS_STORE_OK) {
        ensure_event(&r);
    }
    if (tess_store_status_of(r.store) != TESS_STORE_OK) {
        fprintf(stderr, "tessera checkin: %s\n", tess_store_error(r.store));
        r.store_announced = true;
    }
    int code;
    if (strcmp(text, "-") != 0) {
        code = checkin_one(&r, text, strlen(text));
    } else {
        /* One text a line, each answered only once its transaction has
         * committed; a store error is answered ("error") and the stream
         * goes on, ending with exit 2. */
        code = EXIT_VALID;
        bool any_error = false;
        while (fgets(line, MAX_TEXT + 2, stdin)) {
            size_t n = strlen(line);
            bool whole = n && line[n - 1] == '\n';
            while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
                line[--n] = '\0';
            if (!whole && !feof(stdin)) {
                /* longer than any QR code: the core says too_large */
                int ch;
                while ((ch = getchar()) != EOF && ch != '\n')
                    ;
            }
            if (n == 0)
                continue;
            if (checkin_one(&r, line, n) == EXIT_USAGE)
                any_error = true;
        }
        if (any_error)
            code = EXIT_USAGE;
    }
    tess_store_close(r.store);
    free(r.vf);
    free(r.v);
    free(line);
    state_close(&r.ks);
    return code;
}
