/* store.c: opening the store, its schema, events, verdicts and check-ins,
 * counts and retention (store.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_hash.h"
#include "tessera/tess_cbor.h"
#include "store_inner.h"

/* ---- statuses and errors ---- */

const char *tess_store_status_text(tess_store_status st)
{
    switch (st) {
    case TESS_STORE_OK: return "ok";
    case TESS_STORE_UNAVAILABLE: return "the store cannot be opened";
    case TESS_STORE_READ_ONLY: return "the store is read-only";
    case TESS_STORE_FULL: return "the disk is full";
    case TESS_STORE_CORRUPT: return "the store file is damaged or not a store";
    case TESS_STORE_TOO_NEW: return "the store was written by a newer Tessera";
    case TESS_STORE_BUSY: return "the store is locked by another process";
    case TESS_STORE_IO: return "the store could not be read or written";
    case TESS_STORE_NO_EVENT: return "no such event";
    case TESS_STORE_BAD_ARG: return "not allowed";
    case TESS_STORE_SECRET_MISMATCH: return "the event's secret differs";
    case TESS_STORE_CONFLICT: return "two different rows under one kiosk and number";
    case TESS_STORE_CHAIN_BROKEN: return "an audit chain does not check";
    }
    return "unknown";
}

const char *tess_checkin_name(tess_checkin_kind k)
{
    switch (k) {
    case TESS_CHECKIN_NONE: return "none";
    case TESS_CHECKIN_FIRST: return "first";
    case TESS_CHECKIN_DUPLICATE: return "duplicate";
    case TESS_CHECKIN_REENTRY: return "reentry";
    case TESS_CHECKIN_REFUSED: return "refused";
    case TESS_CHECKIN_ERROR: return "error";
    }
    return "error";
}

static tess_store_status status_of_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return TESS_STORE_OK;
    case SQLITE_FULL: return TESS_STORE_FULL;
    case SQLITE_READONLY: return TESS_STORE_READ_ONLY;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return TESS_STORE_CORRUPT;
    case SQLITE_BUSY: case SQLITE_LOCKED: return TESS_STORE_BUSY;
    case SQLITE_CANTOPEN: case SQLITE_PERM: case SQLITE_AUTH: return TESS_STORE_UNAVAILABLE;
    default: return TESS_STORE_IO;
    }
}

tess_store_status store_failf(tess_store *s, tess_store_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(s->error, sizeof s->error, "%s: ", s->path);
    if (n > 0 && (size_t)n < sizeof s->error)
        vsnprintf(s->error + n, sizeof s->error - (size_t)n, fmt, ap);
    va_end(ap);
    s->state = st;
    return st;
}

tess_store_status store_fail(tess_store *s, int rc, const char *doing)
{
    tess_store_status st = status_of_rc(rc);
    if (st == TESS_STORE_OK)
        st = TESS_STORE_IO;
    /* A directory that refuses the file (or its -wal and -shm) is read-only
     * to us, whatever SQLite calls it. */
    if (st == TESS_STORE_UNAVAILABLE || st == TESS_STORE_IO) {
        char dir[1100];
        snprintf(dir, sizeof dir, "%s", s->path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (access(dir, W_OK) != 0 && errno == EROFS)
            st = TESS_STORE_READ_ONLY;
        else if (access(dir, W_OK) != 0 && geteuid() != 0)
            st = TESS_STORE_READ_ONLY;
    }
    const char *detail = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    return store_failf(s, st, "%s while %s (%s)", tess_store_status_text(st), doing, detail);
}

tess_store_status store_ok(tess_store *s)
{
    s->error[0] = '\0';
    s->state = TESS_STORE_OK;
    return TESS_STORE_OK;
}

int store_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

tess_store_status tess_store_status_of(const tess_store *s)
{
    return s->state;
}

const char *tess_store_error(const tess_store *s)
{
    return s->error;
}

const char *tess_store_kiosk(const tess_store *s)
{
    return s->kiosk;
}

const char *tess_store_path(const tess_store *s)
{
    return s->path;
}

/* ---- the schema ---- */

/* Migration n takes a store from user_version n to n + 1, inside one
 * transaction with the version bump, so a power cut leaves the old schema
 * or the new one. Append, never edit: a store in the field may be at any
 * version. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE events(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " start_time INTEGER NOT NULL DEFAULT 0, end_time INTEGER NOT NULL DEFAULT 0,"
    " keep_names INTEGER NOT NULL DEFAULT 0, reentry_after INTEGER NOT NULL DEFAULT 0,"
    " secret BLOB NOT NULL CHECK (length(secret) = 32), created INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE checkins(id INTEGER PRIMARY KEY,"
    " event TEXT NOT NULL REFERENCES events(id), cti_hash BLOB NOT NULL,"
    " first_time INTEGER NOT NULL, first_kiosk TEXT NOT NULL, first_seq INTEGER NOT NULL,"
    " last_time INTEGER NOT NULL, entries INTEGER NOT NULL DEFAULT 1);"
    "CREATE UNIQUE INDEX checkins_badge ON checkins(event, cti_hash);"
    "CREATE TABLE audit(kiosk TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,"
    " event TEXT REFERENCES events(id), verdict TEXT NOT NULL, reason TEXT NOT NULL,"
    " checkin TEXT, iss TEXT, achievement TEXT, cti_hash BLOB, holder TEXT, detail TEXT,"
    " hash BLOB NOT NULL, PRIMARY KEY (kiosk, seq)) WITHOUT ROWID;"
    "CREATE INDEX audit_event ON audit(event, checkin);"
    "CREATE TABLE kiosk_head(kiosk TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
    " hash BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE chain_anchor(kiosk TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
    " hash BLOB NOT NULL) WITHOUT ROWID;",
    /* 1 -> 2: credentials issued at this kiosk (issue mode) */
    "CREATE TABLE issued(cti BLOB PRIMARY KEY CHECK (length(cti) = 16),"
    " time INTEGER NOT NULL, template TEXT NOT NULL, kiosk TEXT NOT NULL,"
    " holder TEXT) WITHOUT ROWID;"
    "CREATE INDEX issued_time ON issued(time);",
    /* 2 -> 3: contacts candidates left at a booth, with their consent */
    "CREATE TABLE contacts(id INTEGER PRIMARY KEY, consent_time INTEGER NOT NULL,"
    " kiosk TEXT NOT NULL, role TEXT NOT NULL, employer TEXT, contact TEXT NOT NULL,"
    " score INTEGER NOT NULL, proven TEXT NOT NULL);"
    "CREATE INDEX contacts_time ON contacts(consent_time);",
};
_Static_assert(sizeof migrations / sizeof migrations[0] == TESS_STORE_SCHEMA,
               "one migration per schema version");

static int user_version(sqlite3 *db, int *v)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *v = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int migrate(tess_store *s, int from)
{
    for (int v = from; v < TESS_STORE_SCHEMA; v++) {
        int rc = store_exec(s->db, "BEGIN IMMEDIATE");
        if (rc != SQLITE_OK)
            return rc;
        rc = store_exec(s->db, migrations[v]);
        if (rc == SQLITE_OK && v == 0) {
            /* the secret that keys credential ids of verify-mode rows */
            uint8_t secret[TESS_EVENT_SECRET_LEN];
            sqlite3_stmt *st;
            store_random(secret, sizeof secret);
            rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta VALUES ('verify_secret', ?)", -1,
                                    &st, NULL);
            if (rc == SQLITE_OK) {
                sqlite3_bind_blob(st, 1, secret, sizeof secret, SQLITE_TRANSIENT);
                rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
                sqlite3_finalize(st);
            }
        }
        if (rc == SQLITE_OK) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
            rc = store_exec(s->db, sql);
        }
        if (rc == SQLITE_OK)
            rc = store_exec(s->db, "COMMIT");
        if (rc != SQLITE_OK) {
            int keep = sqlite3_extended_errcode(s->db);
            store_exec(s->db, "ROLLBACK");
            return keep ? keep : rc;
        }
    }
    return SQLITE_OK;
}

static const char *const queries[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_EVENT_GET] = "SELECT id, name, start_time, end_time, keep_names, reentry_after, secret,"
                    " created FROM events WHERE id = ?",
    [Q_HEAD_GET] = "SELECT seq, hash FROM kiosk_head WHERE kiosk = ?",
    [Q_HEAD_SET] = "INSERT INTO kiosk_head VALUES (?1, ?2, ?3) ON CONFLICT(kiosk) DO UPDATE"
                   " SET seq = excluded.seq, hash = excluded.hash",
    [Q_AUDIT_ADD] = "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [Q_CHECKIN_GET] = "SELECT id, first_time, first_kiosk, last_time, entries FROM checkins"
                      " WHERE event = ? AND cti_hash = ?",
    [Q_CHECKIN_ADD] = "INSERT INTO checkins(event, cti_hash, first_time, first_kiosk, first_seq,"
                      " last_time, entries) VALUES (?, ?, ?, ?, ?, ?, 1)",
    [Q_CHECKIN_AGAIN] = "UPDATE checkins SET last_time = ?, entries = entries + 1 WHERE id = ?",
};

static void close_db(tess_store *s)
{
    for (int i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(s->q[i]);
        s->q[i] = NULL;
    }
    if (s->db)
        sqlite3_close_v2(s->db);
    s->db = NULL;
}

/* Replaces SQLite's automatic checkpoint (which runs inside the commit
 * that crosses its limit, a latency spike in a check-in): counts. */
static int wal_counted(void *ctx, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    ((tess_store *)ctx)->wal_frames = frames;
    return SQLITE_OK;
}

static int checkpoint(tess_store *s)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    /* a reader holding old pages lets only part through: the rest goes
     * next time */
    if (rc == SQLITE_OK && done == log)
        s->wal_frames = 0;
    return rc == SQLITE_BUSY ? SQLITE_OK : rc;
}

tess_store_status tess_store_idle(tess_store *s)
{
    if (!s->db || s->wal_frames <= TESS_STORE_WAL_IDLE)
        return s->state;
    int rc = checkpoint(s);
    return rc == SQLITE_OK ? s->state : store_fail(s, rc, "copying the WAL back");
}

static tess_store_status open_db(tess_store *s)
{
    close_db(s);
    /* SQLITE_OPEN_URI: so that a merge can ATTACH another file read-only. */
    int rc = sqlite3_open_v2(s->path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        tess_store_status st = store_fail(s, rc, "opening");
        close_db(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, TESS_STORE_BUSY_MS);
    /* our hook replaces SQLite's automatic checkpoint (sqlite3_wal_hook
     * overrides sqlite3_wal_autocheckpoint: nothing may set that after) */
    s->wal_frames = 0;
    sqlite3_wal_hook(s->db, wal_counted, s);
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        close_db(s);
        return store_failf(s, TESS_STORE_READ_ONLY, "%s (verify only: nothing is recorded)",
                           tess_store_status_text(TESS_STORE_READ_ONLY));
    }
    int v = 0;
    const char *doing = "reading the schema version";
    rc = user_version(s->db, &v);
    if (rc == SQLITE_OK) {
        doing = "switching to WAL";
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
            if (rc == SQLITE_ROW) {
                const char *mode = (const char *)sqlite3_column_text(st, 0);
                rc = mode && strcmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_READONLY;
            }
            sqlite3_finalize(st);
        }
    }
    if (rc == SQLITE_OK) {
        doing = "setting synchronous=FULL";
        rc = store_exec(s->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
    }
    if (rc == SQLITE_OK && v > TESS_STORE_SCHEMA) {
        close_db(s);
        return store_failf(s, TESS_STORE_TOO_NEW,
                           "schema version %d is newer than this build's %d (verify only)", v,
                           TESS_STORE_SCHEMA);
    }
    if (rc == SQLITE_OK && v < TESS_STORE_SCHEMA) {
        doing = "bringing the schema up to date";
        rc = migrate(s, v);
    }
    for (int i = 0; rc == SQLITE_OK && i < Q_COUNT; i++) {
        doing = "preparing its statements";
        rc = sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL);
    }
    if (rc == SQLITE_OK) {
        doing = "reading its secret";
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'verify_secret'", -1,
                                &st, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
            if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TESS_EVENT_SECRET_LEN) {
                memcpy(s->verify_secret, sqlite3_column_blob(st, 0), TESS_EVENT_SECRET_LEN);
                rc = SQLITE_OK;
            } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
                rc = SQLITE_CORRUPT;
            }
            sqlite3_finalize(st);
        }
    }
    if (rc != SQLITE_OK) {
        tess_store_status st = store_fail(s, rc, doing);
        /* never delete or rewrite it: the file stays for someone to look at */
        close_db(s);
        if (st == TESS_STORE_CORRUPT || st == TESS_STORE_FULL || st == TESS_STORE_READ_ONLY)
            store_failf(s, st, "%s (verify only: nothing is recorded; the file is left as it is)",
                        tess_store_status_text(st));
        return st;
    }
    return store_ok(s);
}

static bool kiosk_id_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > TESS_KIOSK_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] < 0x20 || k[i] == 0x7f)
            return false;
    return true;
}

tess_store *tess_store_open_file(const char *path, const char *kiosk_id)
{
    tess_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->path, sizeof s->path, "%s", path);
    if (kiosk_id) {
        snprintf(s->kiosk, sizeof s->kiosk, "%s", kiosk_id);
    } else if (gethostname(s->kiosk, sizeof s->kiosk - 1) != 0 || !s->kiosk[0]) {
        snprintf(s->kiosk, sizeof s->kiosk, "kiosk");
    }
    if (!kiosk_id_ok(s->kiosk) || (kiosk_id && strlen(kiosk_id) > TESS_KIOSK_ID_MAX)) {
        store_failf(s, TESS_STORE_BAD_ARG,
                    "the kiosk id must be 1 to %u printable characters", TESS_KIOSK_ID_MAX);
        return s;
    }
    if (strlen(path) >= sizeof s->path) {
        store_failf(s, TESS_STORE_UNAVAILABLE, "the path is too long");
        return s;
    }
    open_db(s);
    return s;
}

tess_store *tess_store_open(const char *dir, const char *kiosk_id)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, TESS_STORE_FILE);
    return tess_store_open_file(path, kiosk_id);
}

tess_store_status tess_store_reopen(tess_store *s)
{
    if (!kiosk_id_ok(s->kiosk))
        return s->state;
    return open_db(s);
}

void tess_store_close(tess_store *s)
{
    if (!s)
        return;
    close_db(s);
    free(s);
}

/* ---- events ---- */

bool tess_event_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > TESS_EVENT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == ':'))
            return false;
    }
    return true;
}

bool tess_event_init(tess_event *ev, const char *id, const char *name)
{
    memset(ev, 0, sizeof *ev);
    if (!tess_event_id_ok(id) || (name && strlen(name) > TESS_EVENT_NAME_MAX))
        return false;
    snprintf(ev->id, sizeof ev->id, "%s", id);
    snprintf(ev->name, sizeof ev->name, "%s", name ? name : id);
    store_random(ev->secret, sizeof ev->secret);
    return true;
}

static bool usable(tess_store *s)
{
    if (s->db)
        return true;
    if (!s->error[0])
        store_failf(s, s->state, "%s", tess_store_status_text(s->state));
    return false;
}

static void event_of_row(sqlite3_stmt *st, tess_event *ev)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->id, sizeof ev->id, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(ev->name, sizeof ev->name, "%s", (const char *)sqlite3_column_text(st, 1));
    ev->start = (uint64_t)sqlite3_column_int64(st, 2);
    ev->end = (uint64_t)sqlite3_column_int64(st, 3);
    ev->keep_names = sqlite3_column_int(st, 4) != 0;
    ev->reentry_after = (uint64_t)sqlite3_column_int64(st, 5);
    if (sqlite3_column_bytes(st, 6) == TESS_EVENT_SECRET_LEN)
        memcpy(ev->secret, sqlite3_column_blob(st, 6), TESS_EVENT_SECRET_LEN);
    ev->created = (uint64_t)sqlite3_column_int64(st, 7);
}

/* Looks the event up with the cached statement; SQLITE_ROW found,
 * SQLITE_DONE not found, else an error. */
static int event_lookup(tess_store *s, const char *id, tess_event *ev)
{
    sqlite3_stmt *st = s->q[Q_EVENT_GET];
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        event_of_row(st, ev);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

tess_store_status tess_store_event_get(tess_store *s, const char *id, tess_event *ev)
{
    if (!usable(s))
        return s->state;
    if (!tess_event_id_ok(id))
        return store_failf(s, TESS_STORE_BAD_ARG, "'%s' is not an event id", id ? id : "");
    int rc = event_lookup(s, id, ev);
    if (rc == SQLITE_DONE) {
        store_ok(s);
        snprintf(s->error, sizeof s->error, "%s: no event '%s'", s->path, id);
        return TESS_STORE_NO_EVENT;
    }
    return rc == SQLITE_ROW ? store_ok(s) : store_fail(s, rc, "reading an event");
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

tess_store_status tess_store_event_add(tess_store *s, const tess_event *ev)
{
    if (!usable(s))
        return s->state;
    if (!tess_event_id_ok(ev->id))
        return store_failf(s, TESS_STORE_BAD_ARG,
                           "'%s' is not an event id (1 to %u of A-Z a-z 0-9 . _ - :)", ev->id,
                           TESS_EVENT_ID_MAX);
    if (strnlen(ev->name, sizeof ev->name) > TESS_EVENT_NAME_MAX)
        return store_failf(s, TESS_STORE_BAD_ARG, "the event's name is too long");
    int rc = step_done(s->q[Q_BEGIN]);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "adding an event");
    tess_event old;
    rc = event_lookup(s, ev->id, &old);
    if (rc == SQLITE_ROW) {
        step_done(s->q[Q_ROLLBACK]);
        if (memcmp(old.secret, ev->secret, TESS_EVENT_SECRET_LEN) != 0)
            return store_failf(s, TESS_STORE_SECRET_MISMATCH,
                               "event '%s' is already here with another secret: these are two "
                               "different events under one id; nothing changed",
                               ev->id);
        return store_ok(s);
    }
    if (rc == SQLITE_DONE) {
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1,
                                &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, ev->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, (sqlite3_int64)ev->start);
            sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->end);
            sqlite3_bind_int(st, 5, ev->keep_names);
            sqlite3_bind_int64(st, 6, (sqlite3_int64)ev->reentry_after);
            sqlite3_bind_blob(st, 7, ev->secret, TESS_EVENT_SECRET_LEN, SQLITE_STATIC);
            sqlite3_bind_int64(st, 8, (sqlite3_int64)(ev->created ? ev->created
                                                                   : (uint64_t)time(NULL)));
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(s->db);
            sqlite3_finalize(st);
        }
        if (rc == SQLITE_OK)
            rc = step_done(s->q[Q_COMMIT]);
    }
    if (rc != SQLITE_OK) {
        tess_store_status st = store_fail(s, rc, "adding an event");
        step_done(s->q[Q_ROLLBACK]);
        return st;
    }
    return store_ok(s);
}

tess_store_status tess_store_event_list(tess_store *s, bool (*fn)(const tess_event *ev, void *ctx),
                                        void *ctx)
{
    if (!usable(s))
        return s->state;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT id, name, start_time, end_time, keep_names, reentry_after,"
                                " secret, created FROM events ORDER BY id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "listing events");
    tess_event ev;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        event_of_row(st, &ev);
        if (!fn(&ev, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? store_ok(s) : store_fail(s, rc, "listing events");
}

/* ---- verdicts and check-ins ---- */

int store_append(tess_store *s, store_row *r)
{
    sqlite3_stmt *st = s->q[Q_HEAD_GET];
    uint8_t prev[TESS_STORE_HASH_LEN] = {0}, hash[TESS_STORE_HASH_LEN];
    uint64_t seq = 0;
    sqlite3_bind_text(st, 1, s->kiosk, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == TESS_STORE_HASH_LEN)
            memcpy(prev, sqlite3_column_blob(st, 1), sizeof prev);
        else
            rc = SQLITE_CORRUPT;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rc;
    r->kiosk = s->kiosk;
    r->seq = seq + 1;
    store_row_hash(hash, prev, r);

    st = s->q[Q_AUDIT_ADD];
    sqlite3_bind_text(st, 1, r->kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->seq);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)r->time);
    const char *texts[] = {r->event, r->verdict, r->reason, r->checkin, r->iss, r->achievement};
    for (int i = 0; i < 6; i++) {
        if (texts[i])
            sqlite3_bind_text(st, 4 + i, texts[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 4 + i);
    }
    if (r->cti_hash)
        sqlite3_bind_blob(st, 10, r->cti_hash, TESS_STORE_HASH_LEN, SQLITE_STATIC);
    if (r->holder)
        sqlite3_bind_text(st, 11, r->holder, -1, SQLITE_STATIC);
    if (r->detail)
        sqlite3_bind_text(st, 12, r->detail, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 13, hash, sizeof hash, SQLITE_STATIC);
    rc = step_done(st);
    if (rc != SQLITE_OK)
        return rc;
    st = s->q[Q_HEAD_SET];
    sqlite3_bind_text(st, 1, s->kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->seq);
    sqlite3_bind_blob(st, 3, hash, sizeof hash, SQLITE_STATIC);
    return step_done(st);
}

/* The span as a C string in buf (truncated to cap - 1), or NULL when
 * empty. */
static const char *span_str(tess_span sp, char *buf, size_t cap)
{
    if (!sp.ptr || sp.len == 0)
        return NULL;
    size_t n = sp.len < cap - 1 ? sp.len : cap - 1;
    memcpy(buf, sp.ptr, n);
    buf[n] = '\0';
    return buf;
}

/* The check-in part of a record, inside the transaction. */
static int checkin_in_tx(tess_store *s, const tess_event *ev, const uint8_t hash[32],
                         uint64_t now, uint64_t seq, tess_checkin *out)
{
    sqlite3_stmt *st = s->q[Q_CHECKIN_GET];
    sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, TESS_STORE_HASH_LEN, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_int64 row = 0;
    if (rc == SQLITE_ROW) {
        row = sqlite3_column_int64(st, 0);
        out->first_time = (uint64_t)sqlite3_column_int64(st, 1);
        snprintf(out->first_kiosk, sizeof out->first_kiosk, "%s",
                 (const char *)sqlite3_column_text(st, 2));
        out->last_time = (uint64_t)sqlite3_column_int64(st, 3);
        out->entries = (uint64_t)sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE) {
        out->kind = TESS_CHECKIN_FIRST;
        out->first_time = now;
        snprintf(out->first_kiosk, sizeof out->first_kiosk, "%s", s->kiosk);
        out->last_time = now;
        out->entries = 1;
        st = s->q[Q_CHECKIN_ADD];
        sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, hash, TESS_STORE_HASH_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
        sqlite3_bind_text(st, 4, s->kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)seq);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
        return step_done(st);
    }
    if (rc != SQLITE_ROW)
        return rc;
    /* Re-entry counts from the last admission, so a badge passed back
     * through the fence at once is still a duplicate. */
    if (ev->reentry_after > 0 && now >= out->last_time + ev->reentry_after) {
        out->kind = TESS_CHECKIN_REENTRY;
        out->entries++;
        st = s->q[Q_CHECKIN_AGAIN];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
        sqlite3_bind_int64(st, 2, row);
        return step_done(st);
    }
    out->kind = TESS_CHECKIN_DUPLICATE;
    return SQLITE_OK;
}

static uint64_t peek_next_seq(tess_store *s, int *rc)
{
    sqlite3_stmt *st = s->q[Q_HEAD_GET];
    sqlite3_bind_text(st, 1, s->kiosk, -1, SQLITE_STATIC);
    *rc = sqlite3_step(st);
    uint64_t seq = *rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (*rc == SQLITE_ROW || *rc == SQLITE_DONE)
        *rc = SQLITE_OK;
    return seq + 1;
}

/* A verdict's audit row and, with an event, its check-in; decision and
 * detail, when given, are the row's outcome and detail instead (access). */
static tess_store_status record(tess_store *s, const char *event_id, const tess_verdict *v,
                                uint64_t now, const char *decision, const char *detail,
                                tess_checkin *out)
{
    memset(out, 0, sizeof *out);
    out->kind = TESS_CHECKIN_ERROR;
    if (!usable(s))
        return s->state;
    if (event_id && !tess_event_id_ok(event_id))
        return store_failf(s, TESS_STORE_BAD_ARG, "'%s' is not an event id", event_id);
    int rc = step_done(s->q[Q_BEGIN]);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "recording a verdict");
    tess_event ev;
    const uint8_t *key = s->verify_secret;
    if (event_id) {
        rc = event_lookup(s, event_id, &ev);
        if (rc == SQLITE_DONE) {
            step_done(s->q[Q_ROLLBACK]);
            return store_failf(s, TESS_STORE_NO_EVENT,
                               "no event '%s' (tessera event create or import)", event_id);
        }
        if (rc != SQLITE_ROW)
            goto fail;
        key = ev.secret;
    }
    const tess_credential *cr = v->has_cred ? &v->cred : NULL;
    uint8_t hash[TESS_STORE_HASH_LEN];
    char iss[256], ach[256], holder[256];
    store_row r;
    memset(&r, 0, sizeof r);
    r.time = now;
    r.event = event_id;
    r.verdict = v->reason == TESS_OK ? "valid" : "invalid";
    r.reason = tess_reason(v->reason);
    if (cr && cr->cti) {
        store_keyed_hash(hash, cr->cti, key);
        r.cti_hash = hash;
    }
    if (cr) {
        r.iss = span_str(cr->iss, iss, sizeof iss);
        r.achievement = span_str(cr->achievement, ach, sizeof ach);
        if (event_id && ev.keep_names)
            r.holder = span_str(cr->holder, holder, sizeof holder);
    } else if (v->has_issuer) {
        r.iss = span_str(v->issuer.iss, iss, sizeof iss);
    }
    uint64_t seq = peek_next_seq(s, &rc);
    if (rc != SQLITE_OK)
        goto fail;
    if (!event_id) {
        out->kind = TESS_CHECKIN_NONE;
    } else if (v->reason != TESS_OK || !r.cti_hash) {
        out->kind = TESS_CHECKIN_REFUSED;
    } else {
        rc = checkin_in_tx(s, &ev, hash, now, seq, out);
        if (rc != SQLITE_OK)
            goto fail;
    }
    r.checkin = event_id ? tess_checkin_name(out->kind) : NULL;
    if (decision) {
        r.checkin = decision;
        r.detail = detail;
    }
    rc = store_append(s, &r);
    if (rc == SQLITE_OK)
        rc = step_done(s->q[Q_COMMIT]);
    if (rc != SQLITE_OK)
        goto fail;
    out->seq = r.seq;
    /* the caller never idles: bound the WAL here (the row is already
     * durable; a failed checkpoint is tried again next time) */
    if (s->wal_frames > TESS_STORE_WAL_MAX)
        checkpoint(s);
    return store_ok(s);
fail:;
    tess_store_status st = store_fail(s, rc, "recording a verdict");
    step_done(s->q[Q_ROLLBACK]);
    memset(out, 0, sizeof *out);
    out->kind = TESS_CHECKIN_ERROR;
    return st;
}

tess_store_status tess_store_record(tess_store *s, const char *event_id, const tess_verdict *v,
                                    uint64_t now, tess_checkin *out)
{
    return record(s, event_id, v, now, NULL, NULL, out);
}

tess_store_status tess_store_record_access(tess_store *s, const tess_verdict *v, uint64_t now,
                                           bool entered, const char *door)
{
    tess_checkin c;
    if (door && strlen(door) > TESS_KIOSK_ID_MAX)
        return store_failf(s, TESS_STORE_BAD_ARG, "a door name of %zu bytes", strlen(door));
    return record(s, NULL, v, now, entered ? "enter" : "refused", door, &c);
}

tess_store_status tess_store_checkin_find(tess_store *s, const char *event_id,
                                          const uint8_t cti[16], bool *found,
                                          tess_checkin *first)
{
    *found = false;
    memset(first, 0, sizeof *first);
    tess_event ev;
    tess_store_status st = tess_store_event_get(s, event_id, &ev);
    if (st != TESS_STORE_OK)
        return st;
    uint8_t hash[TESS_STORE_HASH_LEN];
    store_keyed_hash(hash, cti, ev.secret);
    sqlite3_stmt *q = s->q[Q_CHECKIN_GET];
    sqlite3_bind_text(q, 1, event_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, hash, sizeof hash, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *found = true;
        first->kind = TESS_CHECKIN_FIRST;
        first->first_time = (uint64_t)sqlite3_column_int64(q, 1);
        snprintf(first->first_kiosk, sizeof first->first_kiosk, "%s",
                 (const char *)sqlite3_column_text(q, 2));
        first->last_time = (uint64_t)sqlite3_column_int64(q, 3);
        first->entries = (uint64_t)sqlite3_column_int64(q, 4);
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? store_ok(s)
                                                 : store_fail(s, rc, "looking a badge up");
}

/* A text of ours in the store: UTF-8 with no control character (it is
 * exported to CSV and shown on screens). */
static bool store_text_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || !tess_utf8_valid((const uint8_t *)t, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
            return false;
    return true;
}

tess_store_status tess_store_contact_record(tess_store *s, uint64_t consent_time,
                                            const char *role, const char *employer,
                                            const char *contact, unsigned score,
                                            const char *proven)
{
    if (!usable(s))
        return s->state;
    if (!role || !contact || !proven || !store_text_ok(role) || !store_text_ok(contact) ||
        !store_text_ok(proven) || (employer && !store_text_ok(employer)) || !contact[0])
        return store_failf(s, TESS_STORE_BAD_ARG, "a contact needs a role and text");
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO contacts(consent_time, kiosk, role, employer,"
                                " contact, score, proven) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "recording a contact");
    sqlite3_bind_int64(q, 1, (sqlite3_int64)consent_time);
    sqlite3_bind_text(q, 2, s->kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
    if (employer)
        sqlite3_bind_text(q, 4, employer, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 4);
    sqlite3_bind_text(q, 5, contact, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 6, (int)score);
    sqlite3_bind_text(q, 7, proven, -1, SQLITE_STATIC);
    /* one statement outside BEGIN is its own transaction (synchronous=FULL) */
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE)
        return store_ok(s);
    return store_fail(s, rc, "recording a contact");
}

/* A CSV field, quoted as RFC 4180 says when it must be. */
static void contact_csv_field(FILE *out, const char *v)
{
    if (!v)
        return;
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', out);
        fputc(*v, out);
    }
    fputc('"', out);
}

tess_store_status tess_store_contacts_export(tess_store *s, FILE *out, uint64_t *rows)
{
    *rows = 0;
    if (!usable(s))
        return s->state;
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT consent_time, kiosk, role, employer, contact, score,"
                                " proven FROM contacts ORDER BY consent_time, id",
                                -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the contacts");
    fputs("consent_time,kiosk,role,employer,contact,score,proven\r\n", out);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        fprintf(out, "%lld,", (long long)sqlite3_column_int64(q, 0));
        for (int c = 1; c <= 4; c++) {
            contact_csv_field(out, (const char *)sqlite3_column_text(q, c));
            fputc(',', out);
        }
        fprintf(out, "%d,", sqlite3_column_int(q, 5));
        contact_csv_field(out, (const char *)sqlite3_column_text(q, 6));
        fputs("\r\n", out);
        (*rows)++;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the contacts");
    if (ferror(out))
        return store_failf(s, TESS_STORE_IO, "the contacts could not be written");
    return store_ok(s);
}

tess_store_status tess_store_issued_record(tess_store *s, const uint8_t cti[16], uint64_t time,
                                           const char *template_file, const char *holder)
{
    if (!usable(s))
        return s->state;
    if (!cti || !template_file || !store_text_ok(template_file) ||
        (holder && !store_text_ok(holder)))
        return store_failf(s, TESS_STORE_BAD_ARG,
                           "an issued credential needs a template name and a text name");
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db, "INSERT INTO issued VALUES (?, ?, ?, ?, ?)", -1, &q,
                                NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "recording an issued credential");
    sqlite3_bind_blob(q, 1, cti, 16, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)time);
    sqlite3_bind_text(q, 3, template_file, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, s->kiosk, -1, SQLITE_STATIC);
    if (holder)
        sqlite3_bind_text(q, 5, holder, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 5);
    /* one statement outside BEGIN is its own transaction (synchronous=FULL) */
    rc = sqlite3_step(q);
    int ext = sqlite3_extended_errcode(s->db);
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE)
        return store_ok(s);
    if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return store_failf(s, TESS_STORE_CONFLICT, "this credential id is already recorded");
    return store_fail(s, rc, "recording an issued credential");
}

static int count_of(sqlite3 *db, const char *sql, const char *event, uint64_t *n)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, event, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *n = (uint64_t)sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

tess_store_status tess_store_counts(tess_store *s, const char *event_id, tess_counts *c)
{
    memset(c, 0, sizeof *c);
    tess_event ev;
    tess_store_status st = tess_store_event_get(s, event_id, &ev);
    if (st != TESS_STORE_OK)
        return st;
    uint64_t admitted = 0;
    /* one read transaction, so the four numbers agree with each other */
    int rc = store_exec(s->db, "BEGIN");
    if (rc == SQLITE_OK)
        rc = count_of(s->db, "SELECT count(*) FROM checkins WHERE event = ?", event_id,
                      &c->checked_in);
    if (rc == SQLITE_OK)
        rc = count_of(s->db,
                      "SELECT count(*) FROM audit WHERE event = ? AND checkin IN ('first',"
                      " 'duplicate')",
                      event_id, &admitted);
    if (rc == SQLITE_OK)
        rc = count_of(s->db, "SELECT count(*) FROM audit WHERE event = ? AND checkin = 'reentry'",
                      event_id, &c->reentries);
    if (rc == SQLITE_OK)
        rc = count_of(s->db, "SELECT count(*) FROM audit WHERE event = ? AND checkin = 'refused'",
                      event_id, &c->refused);
    store_exec(s->db, "COMMIT");
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "counting");
    /* Every accepted scan that was not a badge's first admission is a
     * duplicate, whichever door saw it first; after a purge the two sides
     * may not match, hence the floor at 0. */
    c->duplicates = admitted > c->checked_in ? admitted - c->checked_in : 0;
    return store_ok(s);
}

/* ---- retention ---- */

tess_store_status tess_store_set_retention(tess_store *s, uint32_t days)
{
    if (!usable(s))
        return s->state;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES ('retention_days', %u)", days);
    int rc = store_exec(s->db, sql);
    return rc == SQLITE_OK ? store_ok(s) : store_fail(s, rc, "setting the retention");
}

tess_store_status tess_store_retention(tess_store *s, uint32_t *days)
{
    *days = 0;
    if (!usable(s))
        return s->state;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'retention_days'", -1,
                                &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *days = (uint32_t)sqlite3_column_int64(st, 0);
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    return rc == SQLITE_OK ? store_ok(s) : store_fail(s, rc, "reading the retention");
}

static int purge_in_tx(tess_store *s, uint64_t cutoff, uint64_t *audit_n, uint64_t *checkin_n)
{
    /* Per kiosk, the rows up to the newest one older than the cutoff go:
     * always a prefix of the chain, so an anchor (the last purged row's seq
     * and hash) lets the rest check. */
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT a.kiosk, a.seq, a.hash FROM audit a JOIN (SELECT kiosk, max(seq) AS seq FROM audit"
        " WHERE time < ?1 GROUP BY kiosk) m ON a.kiosk = m.kiosk AND a.seq = m.seq",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_int64 cut = cutoff > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)cutoff;
    sqlite3_bind_int64(st, 1, cut);
    sqlite3_stmt *del = NULL, *anchor = NULL;
    rc = sqlite3_prepare_v2(s->db, "DELETE FROM audit WHERE kiosk = ? AND seq <= ?", -1, &del,
                            NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db,
                                "INSERT OR REPLACE INTO chain_anchor VALUES (?, ?, ?)", -1,
                                &anchor, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        sqlite3_int64 seq = sqlite3_column_int64(st, 1);
        sqlite3_bind_text(del, 1, k, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(del, 2, seq);
        rc = step_done(del);
        *audit_n += (uint64_t)sqlite3_changes(s->db);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(anchor, 1, k, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(anchor, 2, seq);
            sqlite3_bind_blob(anchor, 3, sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2),
                              SQLITE_TRANSIENT);
            rc = step_done(anchor);
        }
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    sqlite3_finalize(anchor);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_prepare_v2(s->db, "DELETE FROM checkins WHERE last_time < ?", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, cut);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(s->db);
    *checkin_n = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return rc;
    /* candidates' contacts are kept no longer than the log */
    rc = sqlite3_prepare_v2(s->db, "DELETE FROM contacts WHERE consent_time < ?", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, cut);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(s->db);
    sqlite3_finalize(st);
    return rc;
}

tess_store_status tess_store_purge(tess_store *s, uint32_t days, uint64_t now,
                                   uint64_t *audit_purged, uint64_t *checkins_purged)
{
    *audit_purged = *checkins_purged = 0;
    if (days == 0) {
        tess_store_status st = tess_store_retention(s, &days);
        if (st != TESS_STORE_OK || days == 0)
            return st;
    }
    if (!usable(s))
        return s->state;
    uint64_t span = (uint64_t)days * 86400u;
    uint64_t cutoff = now > span ? now - span : 0;
    int rc = step_done(s->q[Q_BEGIN]);
    if (rc == SQLITE_OK)
        rc = purge_in_tx(s, cutoff, audit_purged, checkins_purged);
    if (rc == SQLITE_OK) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "%llu audit rows and %llu check-ins older than %u days (before %llu)",
                 (unsigned long long)*audit_purged, (unsigned long long)*checkins_purged, days,
                 (unsigned long long)cutoff);
        store_row r;
        memset(&r, 0, sizeof r);
        r.time = now;
        r.verdict = "purge";
        r.reason = "retention";
        r.detail = detail;
        rc = store_append(s, &r);
    }
    if (rc == SQLITE_OK)
        rc = step_done(s->q[Q_COMMIT]);
    if (rc != SQLITE_OK) {
        tess_store_status st = store_fail(s, rc, "purging old rows");
        step_done(s->q[Q_ROLLBACK]);
        *audit_purged = *checkins_purged = 0;
        return st;
    }
    return store_ok(s);
}
