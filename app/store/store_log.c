/* store_log.c: the audit chain, its check, export and merge (store.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json.h"
#include "store_hash.h"
#include "store_inner.h"

/* ---- the chain ---- */

static void put_u64(store_hasher *h, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (56 - 8 * i));
    store_hash_update(h, b, sizeof b);
}

/* A field: 0 for NULL, or 1, its length (8 bytes) and its bytes, so that
 * no two rows encode alike ("ab","c" never hashes as "a","bc"). */
static void put_field(store_hasher *h, const void *p, size_t n)
{
    uint8_t tag = p ? 1 : 0;
    store_hash_update(h, &tag, 1);
    if (!p)
        return;
    put_u64(h, n);
    store_hash_update(h, p, n);
}

static void put_str(store_hasher *h, const char *s)
{
    put_field(h, s, s ? strlen(s) : 0);
}

void store_row_hash(uint8_t out[32], const uint8_t prev[32], const store_row *r)
{
    static const char tag[] = "tessera-audit-1";
    store_hasher h;
    store_hash_init(&h);
    store_hash_update(&h, tag, sizeof tag);   /* with its NUL */
    store_hash_update(&h, prev, 32);
    put_str(&h, r->kiosk);
    put_u64(&h, r->seq);
    put_u64(&h, r->time);
    put_str(&h, r->event);
    put_str(&h, r->verdict);
    put_str(&h, r->reason);
    put_str(&h, r->checkin);
    put_str(&h, r->iss);
    put_str(&h, r->achievement);
    put_field(&h, r->cti_hash, r->cti_hash ? 32 : 0);
    put_str(&h, r->holder);
    put_str(&h, r->detail);
    store_hash_final(&h, out);
}

#define AUDIT_COLUMNS                                                                       \
    "kiosk, seq, time, event, verdict, reason, checkin, iss, achievement, cti_hash, holder," \
    " detail, hash"

static const char *col_text(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL
                                                     : (const char *)sqlite3_column_text(st, i);
}

/* A row read with AUDIT_COLUMNS; false when its blobs have the wrong size. */
static bool row_of(sqlite3_stmt *st, store_row *r, const uint8_t **hash)
{
    memset(r, 0, sizeof *r);
    r->kiosk = col_text(st, 0);
    r->seq = (uint64_t)sqlite3_column_int64(st, 1);
    r->time = (uint64_t)sqlite3_column_int64(st, 2);
    r->event = col_text(st, 3);
    r->verdict = col_text(st, 4);
    r->reason = col_text(st, 5);
    r->checkin = col_text(st, 6);
    r->iss = col_text(st, 7);
    r->achievement = col_text(st, 8);
    bool ok = true;
    if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
        r->cti_hash = sqlite3_column_blob(st, 9);
        ok = sqlite3_column_bytes(st, 9) == 32;
    }
    r->holder = col_text(st, 10);
    r->detail = col_text(st, 11);
    *hash = sqlite3_column_blob(st, 12);
    return ok && sqlite3_column_bytes(st, 12) == 32 && r->kiosk;
}

static void __attribute__((format(printf, 4, 5)))
bad(tess_check_report *r, const char *kiosk, uint64_t seq, const char *fmt, ...)
{
    if (!r->ok)
        return;   /* the first bad row is the one to report */
    r->ok = false;
    snprintf(r->kiosk, sizeof r->kiosk, "%s", kiosk);
    r->seq = seq;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->what, sizeof r->what, fmt, ap);
    va_end(ap);
}

/* Looks up (seq, hash) of kiosk in table ("kiosk_head" or "chain_anchor"). */
static int mark_of(sqlite3 *db, const char *table, const char *kiosk, bool *found, uint64_t *seq,
                   uint8_t hash[32])
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT seq, hash FROM %s WHERE kiosk = ?", table);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found) {
        *seq = (uint64_t)sqlite3_column_int64(st, 0);
        memset(hash, 0, 32);
        if (sqlite3_column_bytes(st, 1) == 32)
            memcpy(hash, sqlite3_column_blob(st, 1), 32);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int check_kiosk(sqlite3 *db, const char *kiosk, tess_check_report *r)
{
    uint8_t prev[32] = {0}, head_hash[32];
    uint64_t expect = 1, head_seq = 0, anchor_seq = 0;
    bool has_anchor, has_head;
    int rc = mark_of(db, "chain_anchor", kiosk, &has_anchor, &anchor_seq, prev);
    if (rc == SQLITE_OK)
        rc = mark_of(db, "kiosk_head", kiosk, &has_head, &head_seq, head_hash);
    if (rc != SQLITE_OK)
        return rc;
    if (has_anchor)
        expect = anchor_seq + 1;
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(db, "SELECT " AUDIT_COLUMNS " FROM audit WHERE kiosk = ? ORDER BY seq",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_TRANSIENT);
    uint64_t last = expect - 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_row row;
        const uint8_t *stored;
        r->rows++;
        if (!row_of(st, &row, &stored)) {
            bad(r, kiosk, row.seq, "row %llu is malformed (a hash of the wrong size)",
                (unsigned long long)row.seq);
            break;
        }
        if (row.seq != expect) {
            bad(r, kiosk, expect,
                row.seq > expect ? "row %llu is missing (deleted)"
                                 : "row %llu is out of order or repeated",
                (unsigned long long)expect);
            break;
        }
        uint8_t h[32];
        store_row_hash(h, prev, &row);
        if (memcmp(h, stored, 32) != 0) {
            bad(r, kiosk, row.seq,
                "row %llu does not match its hash (edited, moved, or a row before it deleted)",
                (unsigned long long)row.seq);
            break;
        }
        memcpy(prev, h, 32);
        last = row.seq;
        expect++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return rc;
    if (!r->ok)
        return SQLITE_OK;
    if (!has_head && last > 0)
        bad(r, kiosk, last, "no head for this kiosk (the head table was edited; row %llu is last)",
            (unsigned long long)last);
    else if (has_head && head_seq != last)
        bad(r, kiosk, last + 1,
            head_seq > last ? "row %llu and after are missing (the last rows were deleted)"
                            : "the head is behind row %llu (the head table was edited)",
            (unsigned long long)last + 1);
    else if (has_head && memcmp(head_hash, prev, 32) != 0)
        bad(r, kiosk, last, "row %llu does not match the head's hash (the last row was replaced)",
            (unsigned long long)last);
    return SQLITE_OK;
}

int store_check_db(sqlite3 *db, tess_check_report *r)
{
    memset(r, 0, sizeof *r);
    r->ok = true;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT kiosk FROM kiosk_head UNION SELECT kiosk FROM audit"
                                " UNION SELECT kiosk FROM chain_anchor ORDER BY 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = store_exec(db, "BEGIN");
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char kiosk[TESS_KIOSK_ID_MAX * 4 + 1];
        snprintf(kiosk, sizeof kiosk, "%s", (const char *)sqlite3_column_text(st, 0));
        r->kiosks++;
        rc = check_kiosk(db, kiosk, r);
    }
    sqlite3_finalize(st);
    store_exec(db, "COMMIT");
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

tess_store_status tess_store_check(tess_store *s, tess_check_report *r)
{
    memset(r, 0, sizeof *r);
    if (!s->db)
        return s->state;
    int rc = store_check_db(s->db, r);
    return rc == SQLITE_OK ? store_ok(s) : store_fail(s, rc, "checking the audit chains");
}

/* ---- export ---- */

static void csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    /* RFC 4180: quoted, with quotes doubled */
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void iso_time(uint64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(out, 32, "?");
}

static const char *const export_names[] = {"time", "time_utc", "kiosk", "seq", "event",
                                           "verdict", "reason", "checkin", "iss", "achievement",
                                           "cti_hash", "holder", "detail", "hash"};

static void export_row(FILE *out, tess_export_format f, const store_row *r, const uint8_t *hash)
{
    char when[32], t[24], seq[24], cti[65], h[65];
    static const char digits[] = "0123456789abcdef";
    iso_time(r->time, when);
    snprintf(t, sizeof t, "%llu", (unsigned long long)r->time);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)r->seq);
    for (int i = 0; i < 32; i++) {
        if (r->cti_hash) {
            cti[2 * i] = digits[r->cti_hash[i] >> 4];
            cti[2 * i + 1] = digits[r->cti_hash[i] & 15];
        }
        h[2 * i] = digits[hash[i] >> 4];
        h[2 * i + 1] = digits[hash[i] & 15];
    }
    cti[64] = h[64] = '\0';
    const char *vals[] = {t, when, r->kiosk, seq, r->event, r->verdict, r->reason, r->checkin,
                          r->iss, r->achievement, r->cti_hash ? cti : NULL, r->holder, r->detail,
                          h};
    if (f == TESS_EXPORT_CSV) {
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            if (i)
                fputc(',', out);
            csv_field(out, vals[i]);
        }
        fputs("\r\n", out);
        return;
    }
    json j;
    json_init(&j, out);
    json_obj(&j);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        json_key(&j, export_names[i]);
        if (i == 0)
            json_u64(&j, r->time);
        else if (i == 3)
            json_u64(&j, r->seq);
        else if (vals[i])
            json_str(&j, vals[i]);
        else
            json_null(&j);
    }
    json_end_obj(&j);
    json_done(&j);
}

tess_store_status tess_store_export(tess_store *s, const char *event_id, tess_export_format f,
                                    FILE *out, uint64_t *rows)
{
    *rows = 0;
    if (!s->db)
        return s->state;
    if (event_id) {
        tess_event ev;
        tess_store_status st = tess_store_event_get(s, event_id, &ev);
        if (st != TESS_STORE_OK)
            return st;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                event_id ? "SELECT " AUDIT_COLUMNS " FROM audit WHERE event = ?"
                                           " ORDER BY time, kiosk, seq"
                                         : "SELECT " AUDIT_COLUMNS " FROM audit"
                                           " ORDER BY time, kiosk, seq",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "exporting");
    if (event_id)
        sqlite3_bind_text(st, 1, event_id, -1, SQLITE_STATIC);
    if (f == TESS_EXPORT_CSV) {
        for (size_t i = 0; i < sizeof export_names / sizeof export_names[0]; i++)
            fprintf(out, "%s%s", i ? "," : "", export_names[i]);
        fputs("\r\n", out);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_row r;
        const uint8_t *hash;
        if (!row_of(st, &r, &hash)) {
            rc = SQLITE_CORRUPT;
            break;
        }
        export_row(out, f, &r, hash);
        (*rows)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "exporting");
    if (fflush(out) != 0 || ferror(out))
        return store_failf(s, TESS_STORE_IO, "the export could not be written");
    return store_ok(s);
}

/* ---- merge ---- */

static int count_sql(sqlite3 *db, const char *sql, sqlite3_int64 *n, char *text, size_t cap)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    *n = 0;
    if (text)
        text[0] = '\0';
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        if (text && sqlite3_column_count(st) > 1)
            snprintf(text, cap, "%s", (const char *)sqlite3_column_text(st, 1));
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int run_changes(sqlite3 *db, const char *sql, uint64_t *changed)
{
    int rc = store_exec(db, sql);
    if (rc == SQLITE_OK && changed)
        *changed = (uint64_t)sqlite3_changes(db);
    return rc;
}

/* The other file, opened on its own to check its schema and chains before
 * anything of it comes in. */
static tess_store_status check_other(tess_store *s, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return store_failf(s, TESS_STORE_UNAVAILABLE, "%s: no such store file; nothing changed",
                           path);
    sqlite3 *db = NULL;
    /* read-write without create, so that SQLite can replay the other
     * file's WAL after a crash; nothing of it is changed */
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close_v2(db);
        db = NULL;
        rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    }
    tess_check_report rep;
    memset(&rep, 0, sizeof rep);
    rep.ok = true;
    int v = -1;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, TESS_STORE_BUSY_MS);
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
            if (rc == SQLITE_ROW) {
                v = sqlite3_column_int(st, 0);
                rc = SQLITE_OK;
            }
            sqlite3_finalize(st);
        }
    }
    if (rc == SQLITE_OK && v == TESS_STORE_SCHEMA)
        rc = store_check_db(db, &rep);
    char msg[300];
    snprintf(msg, sizeof msg, "%s", rc == SQLITE_OK ? "" : sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    if (rc != SQLITE_OK) {
        tess_store_status st = (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT
                                   ? TESS_STORE_CORRUPT
                                   : TESS_STORE_UNAVAILABLE;
        return store_failf(s, st, "%s: cannot be read as a store (%s); nothing changed", path,
                           msg);
    }
    if (v != TESS_STORE_SCHEMA)
        return store_failf(s, v > TESS_STORE_SCHEMA ? TESS_STORE_TOO_NEW : TESS_STORE_BAD_ARG,
                           "%s: schema version %d, not %d (open it with this build first); "
                           "nothing changed",
                           path, v, TESS_STORE_SCHEMA);
    if (!rep.ok)
        return store_failf(s, TESS_STORE_CHAIN_BROKEN,
                           "%s: kiosk %s: %s; nothing changed", path, rep.kiosk, rep.what);
    return TESS_STORE_OK;
}

tess_store_status tess_store_merge(tess_store *s, const char *other_path, tess_merge_stats *ms)
{
    memset(ms, 0, sizeof *ms);
    if (!s->db)
        return s->state;
    tess_store_status st = check_other(s, other_path);
    if (st != TESS_STORE_OK)
        return st;
    sqlite3_stmt *att;
    int rc = sqlite3_prepare_v2(s->db, "ATTACH DATABASE ? AS o", -1, &att, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(att, 1, other_path, -1, SQLITE_STATIC);
        rc = sqlite3_step(att) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(s->db);
        sqlite3_finalize(att);
    }
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "attaching the other store");
    sqlite3_int64 n = 0;
    char what[200] = "";
    rc = store_exec(s->db, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = count_sql(s->db,
                       "SELECT count(*), min(oe.id) FROM o.events oe JOIN main.events me"
                       " ON me.id = oe.id WHERE me.secret <> oe.secret",
                       &n, what, sizeof what);
    if (rc == SQLITE_OK && n > 0) {
        st = store_failf(s, TESS_STORE_SECRET_MISMATCH,
                         "%s: event '%s' has another secret there: the two stores hold different "
                         "events under one id (import the same event file on every kiosk); "
                         "nothing changed",
                         other_path, what);
        goto refuse;
    }
    if (rc == SQLITE_OK)
        rc = count_sql(s->db,
                       "SELECT count(*), min(oa.kiosk) FROM o.audit oa JOIN main.audit ma"
                       " ON ma.kiosk = oa.kiosk AND ma.seq = oa.seq WHERE ma.hash <> oa.hash",
                       &n, what, sizeof what);
    if (rc == SQLITE_OK && n > 0) {
        st = store_failf(s, TESS_STORE_CONFLICT,
                         "%s: kiosk '%s' has other rows there under the same numbers: two "
                         "kiosks share that id (give each its own --kiosk); nothing changed",
                         other_path, what);
        goto refuse;
    }
    if (rc == SQLITE_OK)
        rc = run_changes(s->db,
                         "INSERT INTO main.events SELECT * FROM o.events"
                         " WHERE id NOT IN (SELECT id FROM main.events)",
                         &ms->events_added);
    /* anchors: the later one wins, and rows it covers go (they were purged
     * on the other side) */
    if (rc == SQLITE_OK)
        rc = store_exec(s->db,
                        "INSERT INTO main.chain_anchor SELECT * FROM o.chain_anchor WHERE true"
                        " ON CONFLICT(kiosk) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
                        " WHERE excluded.seq > chain_anchor.seq;"
                        "DELETE FROM main.audit WHERE seq <= (SELECT c.seq FROM main.chain_anchor c"
                        " WHERE c.kiosk = audit.kiosk)");
    if (rc == SQLITE_OK)
        rc = run_changes(s->db,
                         "INSERT OR IGNORE INTO main.audit SELECT * FROM o.audit oa WHERE oa.seq >"
                         " coalesce((SELECT c.seq FROM main.chain_anchor c"
                         " WHERE c.kiosk = oa.kiosk), 0)",
                         &ms->audit_added);
    if (rc == SQLITE_OK)
        rc = store_exec(s->db,
                        "INSERT INTO main.kiosk_head SELECT * FROM o.kiosk_head WHERE true"
                        " ON CONFLICT(kiosk) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
                        " WHERE excluded.seq > kiosk_head.seq");
    if (rc == SQLITE_OK)
        rc = run_changes(s->db,
                         "INSERT OR IGNORE INTO main.checkins(event, cti_hash, first_time,"
                         " first_kiosk, first_seq, last_time, entries) SELECT event, cti_hash,"
                         " first_time, first_kiosk, first_seq, last_time, entries FROM o.checkins",
                         &ms->checkins_added);
    /* the earliest first check-in wins, whichever side it is on and
     * whichever merge comes first: ties go to the smaller kiosk id */
    if (rc == SQLITE_OK)
        rc = run_changes(s->db,
                         "UPDATE main.checkins SET first_time = oc.first_time,"
                         " first_kiosk = oc.first_kiosk, first_seq = oc.first_seq"
                         " FROM o.checkins oc WHERE oc.event = checkins.event"
                         " AND oc.cti_hash = checkins.cti_hash AND (oc.first_time, oc.first_kiosk,"
                         " oc.first_seq) < (checkins.first_time, checkins.first_kiosk,"
                         " checkins.first_seq)",
                         &ms->checkins_earlier);
    if (rc == SQLITE_OK)
        rc = store_exec(s->db,
                        "UPDATE main.checkins SET last_time = max(checkins.last_time, oc.last_time),"
                        " entries = max(checkins.entries, oc.entries) FROM o.checkins oc"
                        " WHERE oc.event = checkins.event AND oc.cti_hash = checkins.cti_hash"
                        " AND (oc.last_time > checkins.last_time OR oc.entries > checkins.entries)");
    if (rc == SQLITE_OK)
        rc = store_exec(s->db, "COMMIT");
    if (rc != SQLITE_OK) {
        st = store_fail(s, rc, "merging");
        goto refuse;
    }
    store_exec(s->db, "DETACH DATABASE o");
    return store_ok(s);
refuse:
    store_exec(s->db, "ROLLBACK");
    store_exec(s->db, "DETACH DATABASE o");
    memset(ms, 0, sizeof *ms);
    if (rc != SQLITE_OK && st == TESS_STORE_OK)
        st = store_fail(s, rc, "merging");
    return st;
}
