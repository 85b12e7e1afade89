/* tessera log (export, merge, check, purge, counts) and tessera event
 * (create, import, export, list): the store's commands (app/store/store.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

/* Opens DIR's store; on failure says why and returns NULL. */
static tess_store *open_store(const args *a, const char *state, const char *kiosk)
{
    tess_store *s = tess_store_open(state, kiosk);
    if (!s) {
        fprintf(stderr, "tessera %s: out of memory\n", a->cmd);
        return NULL;
    }
    if (tess_store_status_of(s) != TESS_STORE_OK) {
        fprintf(stderr, "tessera %s: %s\n", a->cmd, tess_store_error(s));
        tess_store_close(s);
        return NULL;
    }
    return s;
}

/* A command whose only option is --state DIR: the store it names, or NULL
 * with *rc the exit code (a usage error, or a store that cannot open). */
static tess_store *open_state_only(args *a, const char *what, int *rc)
{
    const char *state = NULL;
    bool bad = false;
    *rc = EXIT_USAGE;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad))
            continue;
        if (!bad) {
            *rc = usage_error(a, "%s: unexpected '%s'", what, a->argv[a->i]);
            return NULL;
        }
    }
    if (bad)
        return NULL;
    if (!state) {
        *rc = usage_error(a, "%s: --state DIR is required", what);
        return NULL;
    }
    return open_store(a, state, NULL);
}

static int store_error(const args *a, tess_store *s, int code)
{
    fprintf(stderr, "tessera %s: %s\n", a->cmd, tess_store_error(s));
    tess_store_close(s);
    return code;
}

/* ---- tessera log ---- */

static int log_export(args *a)
{
    const char *state = NULL, *event = NULL, *csv = NULL, *jsonl = NULL;
    bool bad = false, contacts = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--event", &event, &bad) ||
            arg_opt(a, "--csv", &csv, &bad) || arg_opt(a, "--jsonl", &jsonl, &bad))
            continue;
        if (arg_flag(a, "--contacts")) {
            contacts = true;
            continue;
        }
        if (!bad)
            return usage_error(a, "log export: unexpected '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (contacts && (event || jsonl))
        return usage_error(a, "log export --contacts: give --csv FILE (no --event, no --jsonl)");
    if (!state || (!event && !contacts))
        return usage_error(a, "log export: --state DIR and --event ID (or --contacts) are "
                              "required");
    if (!csv == !jsonl)
        return usage_error(a, "log export: give one of --csv FILE or --jsonl FILE (- for "
                              "standard output)");
    const char *path = csv ? csv : jsonl;
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    bool to_stdout = strcmp(path, "-") == 0;
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = to_stdout ? stdout : fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, "tessera log: %s: %s\n", tmp, strerror(errno));
        tess_store_close(s);
        return EXIT_USAGE;
    }
    uint64_t rows = 0;
    tess_store_status st =
        contacts ? tess_store_contacts_export(s, out, &rows)
                 : tess_store_export(s, event, csv ? TESS_EXPORT_CSV : TESS_EXPORT_JSONL, out,
                                     &rows);
    bool ok = st == TESS_STORE_OK;
    if (!to_stdout) {
        /* whole or not at all: a stick pulled out mid-export leaves no
         * half file under the real name */
        ok = fflush(out) == 0 && fsync(fileno(out)) == 0 && ok;
        ok = fclose(out) == 0 && ok;
        if (ok && rename(tmp, path) != 0) {
            fprintf(stderr, "tessera log: %s: %s\n", path, strerror(errno));
            ok = false;
        }
        if (!ok)
            remove(tmp);
    }
    if (st != TESS_STORE_OK)
        return store_error(a, s, st == TESS_STORE_NO_EVENT ? EXIT_INVALID : EXIT_USAGE);
    tess_store_close(s);
    if (!ok)
        return EXIT_USAGE;
    if (!to_stdout)
        fprintf(stderr, "%s: %llu rows of event %s\n", path, (unsigned long long)rows, event);
    return EXIT_VALID;
}

/* "--state DIR FILE" in any order, for `what` ("log merge"); the file is
 * named `file_is` in the message when one is missing. EXIT_VALID when both
 * were given, else the usage error's exit code. */
static int state_and_file(args *a, const char *what, const char *file_is, const char **state,
                          const char **file)
{
    bool bad = false;
    *state = *file = NULL;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", state, &bad))
            continue;
        if (!bad) {
            if (*file || a->argv[a->i][0] == '-')
                return usage_error(a, "%s: unexpected '%s'", what, a->argv[a->i]);
            *file = a->argv[a->i++];
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!*state || !*file)
        return usage_error(a, "%s: --state DIR and %s are required", what, file_is);
    return EXIT_VALID;
}

static int log_merge(args *a)
{
    const char *state, *other;
    int rc = state_and_file(a, "log merge", "the other store file", &state, &other);
    if (rc != EXIT_VALID)
        return rc;
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    tess_merge_stats ms;
    tess_store_status st = tess_store_merge(s, other, &ms);
    if (st != TESS_STORE_OK) {
        bool refused = st == TESS_STORE_SECRET_MISMATCH || st == TESS_STORE_CONFLICT ||
                       st == TESS_STORE_CHAIN_BROKEN;
        return store_error(a, s, refused ? EXIT_INVALID : EXIT_USAGE);
    }
    printf("merged %s: %llu events, %llu audit rows and %llu check-ins new here, %llu first "
           "check-ins moved earlier\n",
           other, (unsigned long long)ms.events_added, (unsigned long long)ms.audit_added,
           (unsigned long long)ms.checkins_added, (unsigned long long)ms.checkins_earlier);
    tess_store_close(s);
    return EXIT_VALID;
}

static int log_check(args *a)
{
    int rc;
    tess_store *s = open_state_only(a, "log check", &rc);
    if (!s)
        return rc;
    tess_check_report r;
    if (tess_store_check(s, &r) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    tess_store_close(s);
    if (!r.ok) {
        printf("BROKEN: kiosk %s, row %llu: %s\n", r.kiosk, (unsigned long long)r.seq, r.what);
        return EXIT_INVALID;
    }
    printf("ok: %llu rows of %llu kiosks, every chain checks\n", (unsigned long long)r.rows,
           (unsigned long long)r.kiosks);
    return EXIT_VALID;
}

static int log_purge(args *a)
{
    const char *state = NULL, *kiosk = NULL, *v;
    bool bad = false, have_days = false, have_at = false;
    uint64_t days = 0, at = 0;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--kiosk", &kiosk, &bad))
            continue;
        if (arg_opt(a, "--days", &v, &bad)) {
            if (!parse_u64(v, &days) || days == 0 || days > 36500)
                return usage_error(a, "--days: give 1 to 36500, not '%s'", v);
            have_days = true;
        } else if (arg_opt(a, "--at", &v, &bad)) {
            if (!parse_time(v, &at))
                return usage_error(a, "--at: '%s' is not a time", v);
            have_at = true;
        } else if (!bad) {
            return usage_error(a, "log purge: unexpected '%s'", a->argv[a->i]);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!state)
        return usage_error(a, "log purge: --state DIR is required");
    tess_store *s = open_store(a, state, kiosk);
    if (!s)
        return EXIT_USAGE;
    uint32_t keep = 0;
    if (have_days && tess_store_set_retention(s, (uint32_t)days) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    if (tess_store_retention(s, &keep) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    if (keep == 0) {
        tess_store_close(s);
        return usage_error(a, "log purge: no retention is set here; give --days N");
    }
    uint64_t na = 0, nc = 0;
    if (tess_store_purge(s, keep, have_at ? at : now_seconds(), &na, &nc) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    printf("purged %llu audit rows and %llu check-ins older than %u days\n",
           (unsigned long long)na, (unsigned long long)nc, keep);
    tess_store_close(s);
    return EXIT_VALID;
}

static int log_counts(args *a)
{
    const char *state = NULL, *event = NULL;
    bool bad = false, as_json = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--event", &event, &bad))
            continue;
        if (arg_flag(a, "--json")) {
            as_json = true;
            continue;
        }
        if (!bad)
            return usage_error(a, "log counts: unexpected '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!state || !event)
        return usage_error(a, "log counts: --state DIR and --event ID are required");
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    tess_counts c;
    tess_store_status st = tess_store_counts(s, event, &c);
    if (st != TESS_STORE_OK)
        return store_error(a, s, st == TESS_STORE_NO_EVENT ? EXIT_INVALID : EXIT_USAGE);
    tess_store_close(s);
    if (as_json)
        printf("{\"event\":\"%s\",\"checked_in\":%llu,\"duplicates\":%llu,\"reentries\":%llu,"
               "\"refused\":%llu}\n",
               event, (unsigned long long)c.checked_in, (unsigned long long)c.duplicates,
               (unsigned long long)c.reentries, (unsigned long long)c.refused);
    else
        printf("%s: %llu checked in, %llu duplicates, %llu re-entries, %llu refused\n", event,
               (unsigned long long)c.checked_in, (unsigned long long)c.duplicates,
               (unsigned long long)c.reentries, (unsigned long long)c.refused);
    return EXIT_VALID;
}

int cmd_log(args *a)
{
    const char *sub = a->i < a->argc ? a->argv[a->i++] : "";
    if (strcmp(sub, "export") == 0)
        return log_export(a);
    if (strcmp(sub, "merge") == 0)
        return log_merge(a);
    if (strcmp(sub, "check") == 0)
        return log_check(a);
    if (strcmp(sub, "purge") == 0)
        return log_purge(a);
    if (strcmp(sub, "counts") == 0)
        return log_counts(a);
    return usage_error(a, "give export, merge, check, purge or counts, not '%s'", sub);
}

/* ---- tessera event ---- */

static int event_create(args *a)
{
    const char *state = NULL, *id = NULL, *name = NULL, *out = NULL, *v;
    bool bad = false, keep = false;
    uint64_t start = 0, end = 0, reentry = 0;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--id", &id, &bad) ||
            arg_opt(a, "--name", &name, &bad) || arg_opt(a, "--out", &out, &bad))
            continue;
        if (arg_opt(a, "--start", &v, &bad)) {
            if (!parse_time(v, &start))
                return usage_error(a, "--start: '%s' is not a time", v);
        } else if (arg_opt(a, "--end", &v, &bad)) {
            if (!parse_time(v, &end))
                return usage_error(a, "--end: '%s' is not a time", v);
        } else if (arg_opt(a, "--reentry-after", &v, &bad)) {
            if (!parse_u64(v, &reentry) || reentry > 31536000u)
                return usage_error(a, "--reentry-after: give seconds, 0 to 31536000, not '%s'",
                                   v);
        } else if (arg_flag(a, "--keep-names")) {
            keep = true;
        } else if (!bad) {
            return usage_error(a, "event create: unexpected '%s'", a->argv[a->i]);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!state || !id || !name)
        return usage_error(a, "event create: --state DIR, --id ID and --name NAME are required");
    if (end && start && end < start)
        return usage_error(a, "event create: --end is before --start");
    if (strchr(name, '\n') || strlen(name) > TESS_EVENT_NAME_MAX)
        return usage_error(a, "--name: one line of at most %u bytes", TESS_EVENT_NAME_MAX);
    tess_event ev;
    if (!tess_event_init(&ev, id, name))
        return usage_error(a, "--id: '%s' is not an event id (1 to %u of A-Z a-z 0-9 . _ - :)",
                           id, TESS_EVENT_ID_MAX);
    ev.start = start;
    ev.end = end;
    ev.keep_names = keep;
    ev.reentry_after = reentry;
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    tess_event old;
    if (tess_store_event_get(s, id, &old) == TESS_STORE_OK) {
        tess_store_close(s);
        fprintf(stderr, "tessera event: event '%s' exists already (tessera event export to "
                        "share it)\n", id);
        return EXIT_INVALID;
    }
    char err[1400];
    /* the file first: an event no other kiosk can join is worth less than
     * none */
    if (out && !tess_event_write_file(out, &ev, err, sizeof err)) {
        fprintf(stderr, "tessera event: %s\n", err);
        tess_store_close(s);
        return EXIT_USAGE;
    }
    if (tess_store_event_add(s, &ev) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    tess_store_close(s);
    printf("created event %s (%s)%s%s\n", ev.id, ev.name, out ? "; its file for other kiosks: " : "",
           out ? out : "");
    return EXIT_VALID;
}

static int event_import(args *a)
{
    const char *state, *file;
    int rc = state_and_file(a, "event import", "the event file", &state, &file);
    if (rc != EXIT_VALID)
        return rc;
    tess_event ev;
    char err[1400];
    if (!tess_event_read_file(file, &ev, err, sizeof err)) {
        fprintf(stderr, "tessera event: %s\n", err);
        return EXIT_INVALID;
    }
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    tess_store_status st = tess_store_event_add(s, &ev);
    if (st != TESS_STORE_OK)
        return store_error(a, s, st == TESS_STORE_SECRET_MISMATCH ? EXIT_INVALID : EXIT_USAGE);
    tess_store_close(s);
    printf("imported event %s (%s)\n", ev.id, ev.name);
    return EXIT_VALID;
}

static int event_export(args *a)
{
    const char *state = NULL, *id = NULL, *out = NULL;
    bool bad = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--state", &state, &bad) || arg_opt(a, "--id", &id, &bad) ||
            arg_opt(a, "--out", &out, &bad))
            continue;
        if (!bad)
            return usage_error(a, "event export: unexpected '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!state || !id || !out)
        return usage_error(a, "event export: --state DIR, --id ID and --out FILE are required");
    tess_store *s = open_store(a, state, NULL);
    if (!s)
        return EXIT_USAGE;
    tess_event ev;
    tess_store_status st = tess_store_event_get(s, id, &ev);
    if (st != TESS_STORE_OK)
        return store_error(a, s, st == TESS_STORE_NO_EVENT ? EXIT_INVALID : EXIT_USAGE);
    tess_store_close(s);
    char err[1400];
    if (!tess_event_write_file(out, &ev, err, sizeof err)) {
        fprintf(stderr, "tessera event: %s\n", err);
        return EXIT_USAGE;
    }
    return EXIT_VALID;
}

static bool list_one(const tess_event *ev, void *ctx)
{
    (void)ctx;
    char start[64] = "-", end[64] = "-";
    if (ev->start)
        format_time(ev->start, start, sizeof start);
    if (ev->end)
        format_time(ev->end, end, sizeof end);
    printf("%s\t%s\tstart %s\tend %s\t%s\treentry %llu s\n", ev->id, ev->name, start, end,
           ev->keep_names ? "keeps names" : "no names", (unsigned long long)ev->reentry_after);
    return true;
}

static int event_list(args *a)
{
    int rc;
    tess_store *s = open_state_only(a, "event list", &rc);
    if (!s)
        return rc;
    if (tess_store_event_list(s, list_one, NULL) != TESS_STORE_OK)
        return store_error(a, s, EXIT_USAGE);
    tess_store_close(s);
    return EXIT_VALID;
}

int cmd_event(args *a)
{
    const char *sub = a->i < a->argc ? a->argv[a->i++] : "";
    if (strcmp(sub, "create") == 0)
        return event_create(a);
    if (strcmp(sub, "import") == 0)
        return event_import(a);
    if (strcmp(sub, "export") == 0)
        return event_export(a);
    if (strcmp(sub, "list") == 0)
        return event_list(a);
    return usage_error(a, "give create, import, export or list, not '%s'", sub);
}
