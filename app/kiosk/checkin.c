/* checkin.c: the kiosk's log and check-in, as checkin.h says. */
#include "checkin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kiosk.h"

#define STORE_RETRY_S 60u
#define PURGE_EVERY_S 86400u

/* Seconds on the monotonic clock: retries wait in real time even when the
 * kiosk judges at a fixed time (--at). */
static uint64_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

static bool checkin_mode(const kiosk *k)
{
    return k->cfg.mode == MODE_CHECKIN && k->have_event;
}

/* The counts shown on the idle screen, read again after each change. */
static void refresh_counts(kiosk *k)
{
    if (!checkin_mode(k) || !k->store)
        return;
    tess_counts c;
    if (tess_store_counts(k->store, k->event.id, &c) == TESS_STORE_OK)
        k->counts = c;
}

/* The store's last error, for the idle screen: "Not recording: ...". */
static void set_problem(kiosk *k)
{
    const char *why = k->store ? tess_store_error(k->store) : "out of memory";
    snprintf(k->store_problem, sizeof k->store_problem, "%s", why[0] ? why : "the log cannot be written");
    fprintf(stderr, "tessera-kiosk: %s; verifying only, nothing is recorded\n", k->store_problem);
    k->dirty = true;
}

static void purge(kiosk *k, uint64_t now)
{
    k->purge_at = now + PURGE_EVERY_S;
    if (!k->cfg.retention_days || !k->store)
        return;
    uint64_t audit = 0, checkins = 0;
    if (tess_store_purge(k->store, k->cfg.retention_days, now, &audit, &checkins) !=
        TESS_STORE_OK)
        set_problem(k);
    else if (audit || checkins)
        fprintf(stderr, "tessera-kiosk: purged %llu log rows and %llu check-ins older than %u days\n",
                (unsigned long long)audit, (unsigned long long)checkins, k->cfg.retention_days);
}

/* In check-in mode: the configured event, created here when new. */
static bool ensure_event(kiosk *k)
{
    k->have_event = false;
    if (k->cfg.mode != MODE_CHECKIN)
        return true;
    if (!k->cfg.event[0]) {
        snprintf(k->store_problem, sizeof k->store_problem,
                 "check-in mode needs an event in the settings (event = ...)");
        return false;
    }
    tess_store_status st = tess_store_event_get(k->store, k->cfg.event, &k->event);
    if (st == TESS_STORE_NO_EVENT) {
        if (!tess_event_init(&k->event, k->cfg.event, NULL))
            return false;
        st = tess_store_event_add(k->store, &k->event);
        if (st == TESS_STORE_OK)
            fprintf(stderr,
                    "tessera-kiosk: event %s is new here: created with its own secret (for "
                    "kiosks whose logs merge, import one event file on each)\n",
                    k->event.id);
    }
    if (st != TESS_STORE_OK)
        return false;
    k->have_event = true;
    return true;
}

void checkin_open(kiosk *k, uint64_t now)
{
    k->store_problem[0] = '\0';
    if (!k->store)
        k->store = tess_store_open(k->state_dir, k->cfg.kiosk_id[0] ? k->cfg.kiosk_id : NULL);
    else
        tess_store_reopen(k->store);
    k->store_retry_at = mono_s() + STORE_RETRY_S;
    if (!k->store || tess_store_status_of(k->store) != TESS_STORE_OK) {
        set_problem(k);
        return;
    }
    if (!ensure_event(k)) {
        if (!k->store_problem[0])
            set_problem(k);
        else
            fprintf(stderr, "tessera-kiosk: %s\n", k->store_problem);
        return;
    }
    if (k->cfg.retention_days)
        tess_store_set_retention(k->store, k->cfg.retention_days);
    purge(k, now);
    refresh_counts(k);
    k->dirty = true;
}

void checkin_record(kiosk *k, const tess_verdict *v, uint64_t now, bool admit)
{
    kiosk_shown *s = &k->shown;
    s->checkin = TESS_CHECKIN_NONE;
    s->name_kept = false;
    if (!k->store || k->store_problem[0])
        return; /* verify only until the store is back */
    tess_checkin c;
    bool held_back = checkin_mode(k) && v->reason == TESS_OK && !admit;
    const char *event = checkin_mode(k) && !held_back ? k->event.id : NULL;
    if (tess_store_record(k->store, event, v, now, &c) != TESS_STORE_OK) {
        set_problem(k);
        if (checkin_mode(k))
            s->checkin = TESS_CHECKIN_ERROR;
        return;
    }
    if (!checkin_mode(k))
        return;
    if (held_back) {
        s->checkin = TESS_CHECKIN_REFUSED;
        return;
    }
    s->checkin = c.kind;
    s->first_time = c.first_time;
    snprintf(s->first_kiosk, sizeof s->first_kiosk, "%s", c.first_kiosk);
    s->name_kept = k->event.keep_names && v->reason == TESS_OK;
    refresh_counts(k);
}

void checkin_record_access(kiosk *k, const tess_verdict *v, uint64_t now, bool entered)
{
    if (!k->store || k->store_problem[0])
        return;
    if (tess_store_record_access(k->store, v, now, entered,
                                 k->cfg.door_name[0] ? k->cfg.door_name : NULL) != TESS_STORE_OK)
        set_problem(k);
}

void checkin_json(json *j, const kiosk *k)
{
    if (k->cfg.mode != MODE_CHECKIN)
        return;
    const kiosk_shown *s = &k->shown;
    json_key(j, "event");
    if (k->have_event)
        json_str(j, k->event.id);
    else
        json_null(j);
    json_key(j, "kiosk");
    json_str(j, k->store ? tess_store_kiosk(k->store) : "");
    json_key(j, "checkin");
    json_str(j, tess_checkin_name(s->checkin == TESS_CHECKIN_NONE ? TESS_CHECKIN_ERROR
                                                                  : s->checkin));
    if (s->checkin == TESS_CHECKIN_DUPLICATE || s->checkin == TESS_CHECKIN_REENTRY) {
        json_key(j, "first_time");
        json_u64(j, s->first_time);
        json_key(j, "first_kiosk");
        json_str(j, s->first_kiosk);
    }
    if (s->checkin == TESS_CHECKIN_ERROR || s->checkin == TESS_CHECKIN_NONE) {
        json_key(j, "store_error");
        json_str(j, k->store_problem);
    }
}

void checkin_tick(kiosk *k, uint64_t now)
{
    /* the WAL copied back off the verdict's path: on the idle screen */
    if (k->store && !k->store_problem[0] && k->screen == SCREEN_IDLE &&
        k->verdicts != k->store_idle_at) {
        k->store_idle_at = k->verdicts;
        if (tess_store_idle(k->store) != TESS_STORE_OK)
            set_problem(k);
    }
    if (k->store_problem[0] && mono_s() >= k->store_retry_at) {
        checkin_open(k, now);
        if (!k->store_problem[0])
            fprintf(stderr, "tessera-kiosk: the log is back: recording again\n");
    } else if (!k->store_problem[0] && now >= k->purge_at) {
        purge(k, now);
    }
}

/* A name for the export: letters, digits, '-', '_' and '.' kept, the rest
 * '_' (a kiosk id may hold blanks; a FAT stick refuses some characters). */
static void file_safe(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        char c = *in;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        out[n++] = ok ? c : '_';
    }
    out[n] = '\0';
}

/* Writes path whole on the stick before it is named: a stick pulled
 * midway leaves a .part file, never a short .csv. contacts: the booth's
 * contacts, else the log. */
static bool write_whole(kiosk *k, const char *path, bool contacts, uint64_t *rows, char *msg,
                        size_t cap)
{
    char tmp[1500];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(msg, cap, "%s: %s", tmp, strerror(errno));
        return false;
    }
    tess_store_status s =
        contacts ? tess_store_contacts_export(k->store, f, rows)
                 : tess_store_export(k->store, checkin_mode(k) ? k->event.id : NULL,
                                     TESS_EXPORT_CSV, f, rows);
    bool ok = s == TESS_STORE_OK && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(msg, cap, "The log could not be written to the stick (%s)",
                 s != TESS_STORE_OK ? tess_store_error(k->store) : strerror(errno));
        unlink(tmp);
        return false;
    }
    return true;
}

bool checkin_export(kiosk *k, const char *mount, uint64_t now, char *msg, size_t cap)
{
    if (!k->store || tess_store_status_of(k->store) != TESS_STORE_OK) {
        snprintf(msg, cap, "The log cannot be read: %s",
                 k->store ? tess_store_error(k->store) : "no store");
        return false;
    }
    struct stat st;
    if (stat(mount, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, cap, "No USB stick at %s", mount);
        return false;
    }
    char dir[1024], path[1400], name[80], kid[80], stamp[32];
    snprintf(dir, sizeof dir, "%s/tessera", mount);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(msg, cap, "%s: %s", dir, strerror(errno));
        return false;
    }
    time_t tt = (time_t)now;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(stamp, sizeof stamp, "%04d%02d%02d-%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min);
    file_safe(checkin_mode(k) ? k->event.id : "log", name, sizeof name);
    file_safe(tess_store_kiosk(k->store), kid, sizeof kid);
    snprintf(path, sizeof path, "%s/%s-%s-%s.csv", dir, name, kid, stamp);
    uint64_t rows = 0, contacts = 0;
    if (!write_whole(k, path, false, &rows, msg, cap))
        return false;
    /* the booth: the contacts candidates agreed to leave, beside it */
    if (k->cfg.mode == MODE_MATCH) {
        char cpath[1400];
        snprintf(cpath, sizeof cpath, "%s/contacts-%s-%s.csv", dir, kid, stamp);
        if (!write_whole(k, cpath, true, &contacts, msg, cap))
            return false;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    if (k->cfg.mode == MODE_MATCH)
        snprintf(msg, cap, "%llu rows and %llu contacts written to %s", (unsigned long long)rows,
                 (unsigned long long)contacts, dir);
    else
        snprintf(msg, cap, "%llu rows written to %s", (unsigned long long)rows, path);
    return true;
}

void checkin_close(kiosk *k)
{
    tess_store_close(k->store);
    k->store = NULL;
}
