/*
 * test_store.c: the store (app/store/store.h) through its C API: schema
 * and migrations, check-ins (first, duplicate, re-entry, refused), names
 * kept only when the event says so, counts, the audit chain against
 * edits, deletions and reordering, purge, export, merge, event files, and
 * faults (read-only directory, a garbage file, a full disk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_kit.h"

static tk_world *world;

typedef struct {
    char dir[256];
    char path[320];
    tess_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    sk_tempdir(f->dir, sizeof f->dir, "store");
    snprintf(f->path, sizeof f->path, "%s/" TESS_STORE_FILE, f->dir);
    f->s = tess_store_open(f->dir, "door1");
    assert_non_null(f->s);
    assert_int_equal(tess_store_status_of(f->s), TESS_STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tess_store_close(f->s);
    sk_rmtree(f->dir);
    free(f);
    return 0;
}

static void add_event(tess_store *s, const char *id, bool keep_names, uint64_t reentry,
                      tess_event *out)
{
    tess_event ev;
    assert_true(tess_event_init(&ev, id, "Job Fair"));
    ev.keep_names = keep_names;
    ev.reentry_after = reentry;
    assert_int_equal(tess_store_event_add(s, &ev), TESS_STORE_OK);
    if (out)
        *out = ev;
}

static tess_checkin_kind record(tess_store *s, const char *event, uint32_t badge, uint64_t t)
{
    tess_checkin c;
    assert_int_equal(tess_store_record(s, event, sk_verdict(world, badge), t, &c), TESS_STORE_OK);
    return c.kind;
}

/* An SQL statement on the store file, as someone with the sqlite3 shell. */
static void sql(const char *path, const char *q)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, q, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", q, err ? err : "?");
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

static long long sql_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- schema ---- */

static void test_schema_and_pragmas(void **state)
{
    fixture *f = *state;
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), TESS_STORE_SCHEMA);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* the unique index that makes "none twice" hold by construction */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                      " AND name = 'checkins_badge' AND sql LIKE '%UNIQUE%'"),
                     1);
}

static void test_migrate_v0_file(void **state)
{
    (void)state;
    char dir[256], path[320];
    sk_tempdir(dir, sizeof dir, "v0");
    snprintf(path, sizeof path, "%s/" TESS_STORE_FILE, dir);
    FILE *fp = fopen(path, "w");   /* an empty file is an SQLite file at version 0 */
    assert_non_null(fp);
    fclose(fp);
    tess_store *s = tess_store_open(dir, "k");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_OK);
    tess_store_close(s);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), TESS_STORE_SCHEMA);
    /* a current file opens as it is: its rows stay, nothing is migrated twice */
    s = tess_store_open(dir, "k");
    add_event(s, "e1", false, 0, NULL);
    tess_store_close(s);
    s = tess_store_open(dir, "k");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_OK);
    tess_event ev;
    assert_int_equal(tess_store_event_get(s, "e1", &ev), TESS_STORE_OK);
    tess_store_close(s);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM meta WHERE key = 'verify_secret'"), 1);
    /* a file from a newer build is left alone, and said so */
    sql(path, "PRAGMA user_version = 7");
    s = tess_store_open(dir, "k");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_TOO_NEW);
    assert_non_null(strstr(tess_store_error(s), "newer"));
    tess_checkin c;
    assert_int_equal(tess_store_record(s, "e1", sk_verdict(world, 1), TK_NOW, &c),
                     TESS_STORE_TOO_NEW);
    assert_int_equal(c.kind, TESS_CHECKIN_ERROR);
    tess_store_close(s);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), 7);
    sk_rmtree(dir);
}

/* ---- credentials issued here (schema v2) ---- */

/* A v1 store (as a v1 build left it: the v1 tables, rows in them) gains
 * the issued table, keeps its rows, and records what is issued: cti in
 * the clear, no name unless given, one row per cti. */
static void test_issued_v1_migrated(void **state)
{
    (void)state;
    char dir[256], path[320];
    sk_tempdir(dir, sizeof dir, "v1");
    snprintf(path, sizeof path, "%s/" TESS_STORE_FILE, dir);
    tess_store *s = tess_store_open(dir, "kiosk-1");
    add_event(s, "e1", false, 0, NULL);
    tess_checkin c;
    assert_int_equal(tess_store_record(s, "e1", sk_verdict(world, 1), TK_NOW, &c),
                     TESS_STORE_OK);
    tess_store_close(s);
    /* back to what migration 0 -> 1 alone makes */
    sql(path, "DROP TABLE issued; DROP TABLE contacts; PRAGMA user_version = 1");
    assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'issued'"),
                     0);
    s = tess_store_open(dir, "kiosk-1");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_OK);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), TESS_STORE_SCHEMA);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM audit"), 1);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM checkins"), 1);
    uint8_t cti[16], cti2[16];
    sk_cti(7, cti);
    sk_cti(8, cti2);
    assert_int_equal(tess_store_issued_record(s, cti, TK_NOW, "forklift_safety.tmpl", NULL),
                     TESS_STORE_OK);
    assert_int_equal(tess_store_issued_record(s, cti2, TK_NOW + 60, "first_aid_at_work.tmpl",
                                              "Jos\xc3\xa9 M\xc3\xbcller"),
                     TESS_STORE_OK);
    /* the same cti twice: refused, nothing changed */
    assert_int_equal(tess_store_issued_record(s, cti, TK_NOW + 120, "x.tmpl", NULL),
                     TESS_STORE_CONFLICT);
    /* bad arguments: no template, a control character, bad UTF-8 */
    assert_int_equal(tess_store_issued_record(s, cti, TK_NOW, "", NULL), TESS_STORE_BAD_ARG);
    assert_int_equal(tess_store_issued_record(s, cti, TK_NOW, "a.tmpl", "a\nb"),
                     TESS_STORE_BAD_ARG);
    assert_int_equal(tess_store_issued_record(s, cti, TK_NOW, "a.tmpl", "\xc3"),
                     TESS_STORE_BAD_ARG);
    tess_store_close(s);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM issued"), 2);
    char q[256];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM issued WHERE hex(cti) = '%02X%02X%02X%02X%02X%02X%02X%02X"
             "%02X%02X%02X%02X%02X%02X%02X%02X' AND holder IS NULL AND kiosk = 'kiosk-1'"
             " AND template = 'forklift_safety.tmpl' AND time = %llu",
             cti[0], cti[1], cti[2], cti[3], cti[4], cti[5], cti[6], cti[7], cti[8], cti[9],
             cti[10], cti[11], cti[12], cti[13], cti[14], cti[15], (unsigned long long)TK_NOW);
    assert_int_equal(sql_int(path, q), 1);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM issued WHERE holder = "
                                   "'Jos\xc3\xa9 M\xc3\xbcller'"),
                     1);
    /* the audit chain is untouched by issued rows */
    s = tess_store_open(dir, "kiosk-1");
    tess_check_report rep;
    assert_int_equal(tess_store_check(s, &rep), TESS_STORE_OK);
    assert_true(rep.ok);
    tess_store_close(s);
    sk_rmtree(dir);
}

/* ---- check-ins ---- */

static void test_first_duplicate_refused(void **state)
{
    fixture *f = *state;
    add_event(f->s, "fair", false, 0, NULL);
    assert_int_equal(record(f->s, "fair", 1, TK_NOW), TESS_CHECKIN_FIRST);
    tess_checkin c;
    assert_int_equal(tess_store_record(f->s, "fair", sk_verdict(world, 1), TK_NOW + 60, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_DUPLICATE);
    assert_int_equal(c.first_time, TK_NOW);
    assert_string_equal(c.first_kiosk, "door1");
    assert_int_equal(record(f->s, "fair", 2, TK_NOW + 61), TESS_CHECKIN_FIRST);
    /* an invalid verdict: an audit row "refused", never a check-in */
    assert_int_equal(tk_verify(world, "MC1:NOT-A-BADGE", TK_NOW), TESS_ERR_BAD_BASE45);
    assert_int_equal(tess_store_record(f->s, "fair", &world->verdict, TK_NOW + 62, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_REFUSED);
    /* genuine but expired: refused too, though its id is known */
    char text[8192];
    uint8_t cti[16];
    sk_cti(3, cti);
    tess_credential cr;
    tk_default_cred(&cr);
    cr.cti = cti;
    cr.exp = TK_NOW - 86400;
    tk_issue(&cr, &world->issuer, text);
    assert_int_equal(tk_verify(world, text, TK_NOW), TESS_ERR_EXPIRED);
    assert_int_equal(tess_store_record(f->s, "fair", &world->verdict, TK_NOW + 63, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_REFUSED);

    tess_counts n;
    assert_int_equal(tess_store_counts(f->s, "fair", &n), TESS_STORE_OK);
    assert_int_equal(n.checked_in, 2);
    assert_int_equal(n.duplicates, 1);
    assert_int_equal(n.refused, 2);
    assert_int_equal(n.reentries, 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM checkins"), 2);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit"), 5);

    bool found;
    tess_checkin first;
    sk_cti(1, cti);
    assert_int_equal(tess_store_checkin_find(f->s, "fair", cti, &found, &first), TESS_STORE_OK);
    assert_true(found);
    assert_int_equal(first.first_time, TK_NOW);
    sk_cti(3, cti);
    assert_int_equal(tess_store_checkin_find(f->s, "fair", cti, &found, &first), TESS_STORE_OK);
    assert_false(found);
    /* an event that does not exist is not created by the library */
    assert_int_equal(tess_store_record(f->s, "nope", sk_verdict(world, 1), TK_NOW, &c),
                     TESS_STORE_NO_EVENT);
    assert_int_equal(c.kind, TESS_CHECKIN_ERROR);
}

static void test_reentry(void **state)
{
    fixture *f = *state;
    add_event(f->s, "gate", false, 3600, NULL);
    assert_int_equal(record(f->s, "gate", 1, TK_NOW), TESS_CHECKIN_FIRST);
    /* boundaries: 3599 s after is a duplicate, 3600 s a re-entry */
    assert_int_equal(record(f->s, "gate", 1, TK_NOW + 3599), TESS_CHECKIN_DUPLICATE);
    tess_checkin c;
    assert_int_equal(tess_store_record(f->s, "gate", sk_verdict(world, 1), TK_NOW + 3600, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_REENTRY);
    assert_int_equal(c.entries, 2);
    assert_int_equal(c.first_time, TK_NOW);
    /* counted from the last admission, not the first */
    assert_int_equal(record(f->s, "gate", 1, TK_NOW + 3601), TESS_CHECKIN_DUPLICATE);
    assert_int_equal(record(f->s, "gate", 1, TK_NOW + 7200), TESS_CHECKIN_REENTRY);
    tess_counts n;
    assert_int_equal(tess_store_counts(f->s, "gate", &n), TESS_STORE_OK);
    assert_int_equal(n.checked_in, 1);
    assert_int_equal(n.reentries, 2);
    assert_int_equal(n.duplicates, 2);
    assert_int_equal(sql_int(f->path, "SELECT entries FROM checkins"), 3);
}

static void test_names_only_when_kept(void **state)
{
    fixture *f = *state;
    add_event(f->s, "private", false, 0, NULL);
    add_event(f->s, "named", true, 0, NULL);
    record(f->s, "private", 1, TK_NOW);
    record(f->s, "named", 1, TK_NOW);
    tess_checkin c;
    assert_int_equal(tess_store_record(f->s, NULL, sk_verdict(world, 1), TK_NOW, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_NONE);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit WHERE holder IS NOT NULL"), 1);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit WHERE event = 'named' AND"
                                      " holder = 'Maria Garcia'"),
                     1);
    /* the credential id is never stored in the clear, and each event keys
     * its hash with its own secret */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit WHERE instr(cti_hash,"
                                      " x'c7c7c7c7c7c7c7c7c7c7c7c700000001') > 0"),
                     0);
    assert_int_equal(sql_int(f->path, "SELECT count(DISTINCT cti_hash) FROM audit"), 3);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit WHERE event IS NULL AND"
                                      " checkin IS NULL AND cti_hash IS NOT NULL"),
                     1);
}

/* ---- the chain ---- */

static void fill(tess_store *s)
{
    add_event(s, "fair", false, 0, NULL);
    for (uint32_t i = 1; i <= 6; i++)
        record(s, "fair", i, TK_NOW + i);
}

static void expect_broken(const fixture *f, uint64_t seq, const char *words)
{
    tess_check_report r;
    assert_int_equal(tess_store_check(f->s, &r), TESS_STORE_OK);
    if (r.ok || r.seq != seq || !strstr(r.what, words))
        print_error("check: ok %d seq %llu what '%s'; want seq %llu '%s'\n", r.ok,
                    (unsigned long long)r.seq, r.what, (unsigned long long)seq, words);
    assert_false(r.ok);
    assert_string_equal(r.kiosk, "door1");
    assert_int_equal(r.seq, seq);
    assert_non_null(strstr(r.what, words));
}

static void test_chain_ok(void **state)
{
    fixture *f = *state;
    fill(f->s);
    tess_check_report r;
    assert_int_equal(tess_store_check(f->s, &r), TESS_STORE_OK);
    assert_true(r.ok);
    assert_int_equal(r.rows, 6);
    assert_int_equal(r.kiosks, 1);
}

static void test_chain_edited(void **state)
{
    fixture *f = *state;
    fill(f->s);
    sql(f->path, "UPDATE audit SET verdict = 'invalid' WHERE seq = 3");
    expect_broken(f, 3, "does not match its hash");
}

static void test_chain_edited_time(void **state)
{
    fixture *f = *state;
    fill(f->s);
    sql(f->path, "UPDATE audit SET time = time - 3600 WHERE seq = 2");
    expect_broken(f, 2, "does not match its hash");
}

static void test_chain_deleted(void **state)
{
    fixture *f = *state;
    fill(f->s);
    sql(f->path, "DELETE FROM audit WHERE seq = 4");
    expect_broken(f, 4, "missing");
}

static void test_chain_deleted_last(void **state)
{
    fixture *f = *state;
    fill(f->s);
    sql(f->path, "DELETE FROM audit WHERE seq = 6");
    expect_broken(f, 6, "last rows were deleted");
}

static void test_chain_reordered(void **state)
{
    fixture *f = *state;
    fill(f->s);
    /* swap rows 2 and 3, renumbering them so the numbers look right */
    sql(f->path, "UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE"
                 " seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100");
    expect_broken(f, 2, "does not match its hash");
}

static void test_chain_deleted_and_renumbered(void **state)
{
    fixture *f = *state;
    fill(f->s);
    sql(f->path, "DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2;"
                 " UPDATE kiosk_head SET seq = 5");
    expect_broken(f, 2, "does not match its hash");
}

/* ---- purge ---- */

static void test_purge(void **state)
{
    fixture *f = *state;
    add_event(f->s, "fair", false, 0, NULL);
    for (uint32_t i = 1; i <= 4; i++)
        record(f->s, "fair", i, TK_NOW + i);               /* old */
    for (uint32_t i = 5; i <= 7; i++)
        record(f->s, "fair", i, TK_NOW + 40 * 86400 + i);  /* recent */
    uint64_t na, nc;
    /* no retention set: nothing happens */
    assert_int_equal(tess_store_purge(f->s, 0, TK_NOW + 45 * 86400, &na, &nc), TESS_STORE_OK);
    assert_int_equal(na, 0);
    assert_int_equal(tess_store_set_retention(f->s, 30), TESS_STORE_OK);
    uint32_t days;
    assert_int_equal(tess_store_retention(f->s, &days), TESS_STORE_OK);
    assert_int_equal(days, 30);
    assert_int_equal(tess_store_purge(f->s, 0, TK_NOW + 45 * 86400, &na, &nc), TESS_STORE_OK);
    assert_int_equal(na, 4);
    assert_int_equal(nc, 4);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM checkins"), 3);
    assert_int_equal(sql_int(f->path, "SELECT seq FROM chain_anchor WHERE kiosk = 'door1'"), 4);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit WHERE verdict = 'purge' AND"
                                      " detail LIKE '4 audit rows and 4 check-ins%'"),
                     1);
    tess_check_report r;
    assert_int_equal(tess_store_check(f->s, &r), TESS_STORE_OK);
    assert_true(r.ok);
    assert_int_equal(r.rows, 4);   /* 3 recent and the purge row */
    /* the chain goes on after a purge, and still catches an edit */
    record(f->s, "fair", 8, TK_NOW + 46 * 86400);
    assert_int_equal(tess_store_check(f->s, &r), TESS_STORE_OK);
    assert_true(r.ok);
    sql(f->path, "DELETE FROM audit WHERE seq = 5");
    expect_broken(f, 5, "missing");
}

/* ---- export ---- */

static char *export_text(tess_store *s, const char *event, tess_export_format fmt, uint64_t *rows)
{
    char *p = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&p, &n);
    assert_non_null(out);
    assert_int_equal(tess_store_export(s, event, fmt, out, rows), TESS_STORE_OK);
    fclose(out);
    return p;
}

static void test_export(void **state)
{
    fixture *f = *state;
    tess_event ev;
    assert_true(tess_event_init(&ev, "named", NULL));
    ev.keep_names = true;
    assert_int_equal(tess_store_event_add(f->s, &ev), TESS_STORE_OK);
    /* a holder with a comma and quotes: RFC 4180 quoting */
    char text[8192];
    uint8_t cti[16];
    sk_cti(9, cti);
    tess_credential cr;
    tk_default_cred(&cr);
    cr.cti = cti;
    cr.holder = (tess_span){(const uint8_t *)"Garcia, \"Maria\"", 15};
    tk_issue(&cr, &world->issuer, text);
    assert_int_equal(tk_verify(world, text, TK_NOW), TESS_OK);
    tess_checkin c;
    assert_int_equal(tess_store_record(f->s, "named", &world->verdict, TK_NOW + 5, &c),
                     TESS_STORE_OK);
    record(f->s, "named", 1, TK_NOW + 1);
    uint64_t rows;
    char *csv = export_text(f->s, "named", TESS_EXPORT_CSV, &rows);
    assert_int_equal(rows, 2);
    assert_true(strncmp(csv, "time,time_utc,kiosk,seq,event,verdict,reason,checkin,", 53) == 0);
    assert_non_null(strstr(csv, ",\"Garcia, \"\"Maria\"\"\","));
    /* ordered by time: the row recorded second comes first */
    char *first = strstr(csv, "\r\n") + 2;
    static const char want[] = "1767225601,2026-01-01T00:00:01Z,door1,2,named,valid,valid,first";
    assert_true(strncmp(first, want, sizeof want - 1) == 0);
    free(csv);
    char *jl = export_text(f->s, "named", TESS_EXPORT_JSONL, &rows);
    assert_int_equal(rows, 2);
    assert_non_null(strstr(jl, "\"holder\": \"Garcia, \\\"Maria\\\"\""));
    assert_non_null(strstr(jl, "\"seq\": 2"));
    free(jl);
    FILE *null = fopen("/dev/null", "w");
    assert_int_equal(tess_store_export(f->s, "absent", TESS_EXPORT_CSV, null, &rows),
                     TESS_STORE_NO_EVENT);
    fclose(null);
}

/* ---- merge ---- */

static void test_merge(void **state)
{
    fixture *f = *state;
    char dir2[256], path2[320];
    sk_tempdir(dir2, sizeof dir2, "store2");
    snprintf(path2, sizeof path2, "%s/" TESS_STORE_FILE, dir2);
    tess_store *b = tess_store_open(dir2, "door2");
    tess_event ev;
    add_event(f->s, "fair", false, 0, &ev);
    assert_int_equal(tess_store_event_add(b, &ev), TESS_STORE_OK);
    /* badge 2 first at door2 earlier than at door1: door2's wins */
    record(f->s, "fair", 1, TK_NOW + 10);
    record(f->s, "fair", 2, TK_NOW + 20);
    record(b, "fair", 2, TK_NOW + 15);
    record(b, "fair", 3, TK_NOW + 16);
    record(b, "fair", 3, TK_NOW + 17);
    tess_merge_stats ms;
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_OK);
    assert_int_equal(ms.audit_added, 3);
    assert_int_equal(ms.checkins_added, 1);
    assert_int_equal(ms.checkins_earlier, 1);
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_OK);   /* idempotent */
    assert_int_equal(ms.audit_added + ms.checkins_added + ms.checkins_earlier, 0);
    tess_counts n;
    assert_int_equal(tess_store_counts(f->s, "fair", &n), TESS_STORE_OK);
    assert_int_equal(n.checked_in, 3);
    assert_int_equal(n.duplicates, 2);
    bool found;
    tess_checkin first;
    uint8_t cti[16];
    sk_cti(2, cti);
    assert_int_equal(tess_store_checkin_find(f->s, "fair", cti, &found, &first), TESS_STORE_OK);
    assert_true(found);
    assert_int_equal(first.first_time, TK_NOW + 15);
    assert_string_equal(first.first_kiosk, "door2");
    /* after the merge door1 sees door2's badges as duplicates */
    tess_checkin c;
    assert_int_equal(tess_store_record(f->s, "fair", sk_verdict(world, 3), TK_NOW + 30, &c),
                     TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_DUPLICATE);
    assert_string_equal(c.first_kiosk, "door2");
    tess_check_report r;
    assert_int_equal(tess_store_check(f->s, &r), TESS_STORE_OK);
    assert_true(r.ok);
    assert_int_equal(r.kiosks, 2);

    /* the same event id with another secret: refused, nothing changed */
    tess_event other;
    assert_true(tess_event_init(&other, "second", NULL));
    assert_int_equal(tess_store_event_add(b, &other), TESS_STORE_OK);
    assert_true(tess_event_init(&other, "second", NULL));   /* a new secret */
    assert_int_equal(tess_store_event_add(f->s, &other), TESS_STORE_OK);
    record(b, "fair", 4, TK_NOW + 40);
    long long before = sql_int(f->path, "SELECT count(*) FROM audit");
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_SECRET_MISMATCH);
    assert_non_null(strstr(tess_store_error(f->s), "second"));
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit"), before);
    /* a broken chain on the other side: refused too */
    tess_store_close(b);
    sql(path2, "DELETE FROM events WHERE id = 'second'");
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_OK);
    sql(path2, "UPDATE audit SET checkin = 'first' WHERE seq = 3");
    before = sql_int(f->path, "SELECT count(*) FROM audit");
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_CHAIN_BROKEN);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM audit"), before);
    /* a file that is not a store, and one that is not there */
    assert_int_equal(tess_store_merge(f->s, "/etc/hostname", &ms), TESS_STORE_CORRUPT);
    assert_int_equal(tess_store_merge(f->s, "/nonexistent/store.db", &ms),
                     TESS_STORE_UNAVAILABLE);
    sk_rmtree(dir2);
}

static void test_merge_same_kiosk_id_conflict(void **state)
{
    fixture *f = *state;
    char dir2[256], path2[320];
    sk_tempdir(dir2, sizeof dir2, "store2");
    snprintf(path2, sizeof path2, "%s/" TESS_STORE_FILE, dir2);
    tess_store *b = tess_store_open(dir2, "door1");   /* the same id: a mistake */
    tess_event ev;
    add_event(f->s, "fair", false, 0, &ev);
    assert_int_equal(tess_store_event_add(b, &ev), TESS_STORE_OK);
    record(f->s, "fair", 1, TK_NOW);
    record(b, "fair", 2, TK_NOW);
    tess_store_close(b);
    tess_merge_stats ms;
    assert_int_equal(tess_store_merge(f->s, path2, &ms), TESS_STORE_CONFLICT);
    sk_rmtree(dir2);
}

/* ---- event files ---- */

static void test_event_file(void **state)
{
    fixture *f = *state;
    tess_event ev, back;
    assert_true(tess_event_init(&ev, "fair-2026", "Job Fair 2026, Hall B"));
    ev.start = TK_NOW;
    ev.end = TK_NOW + 86400;
    ev.keep_names = true;
    ev.reentry_after = 900;
    char path[400], err[1400];
    snprintf(path, sizeof path, "%s/fair.event", f->dir);
    assert_true(tess_event_write_file(path, &ev, err, sizeof err));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_true(tess_event_read_file(path, &back, err, sizeof err));
    assert_string_equal(back.id, ev.id);
    assert_string_equal(back.name, ev.name);
    assert_int_equal(back.start, ev.start);
    assert_int_equal(back.end, ev.end);
    assert_true(back.keep_names);
    assert_int_equal(back.reentry_after, 900);
    assert_memory_equal(back.secret, ev.secret, 32);
    /* bad files, each with its reason */
    static const struct {
        const char *text, *words;
    } bad[] = {
        {"", "needs the first line"},
        {"tessera-event 2\nid a\n", "not a Tessera event file"},
        {"tessera-event 1\nid a\n", "needs the first line"},
        {"tessera-event 1\nid a b\nsecret "
         "0000000000000000000000000000000000000000000000000000000000000000\n",
         "bad value for id"},
        {"tessera-event 1\nid a\nsecret 00\n", "bad value for secret"},
        {"tessera-event 1\nid a\nkeep_names 2\n", "bad value for keep_names"},
        {"tessera-event 1\nid a\ncolour red\n", "unknown key"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *fp = fopen(path, "w");
        fputs(bad[i].text, fp);
        fclose(fp);
        err[0] = '\0';
        assert_false(tess_event_read_file(path, &back, err, sizeof err));
        if (!strstr(err, bad[i].words))
            print_error("case %zu: '%s', want '%s'\n", i, err, bad[i].words);
        assert_non_null(strstr(err, bad[i].words));
    }
    /* importing twice is harmless; another secret under the id is refused */
    assert_int_equal(tess_store_event_add(f->s, &ev), TESS_STORE_OK);
    assert_int_equal(tess_store_event_add(f->s, &ev), TESS_STORE_OK);
    ev.secret[0] ^= 1;
    assert_int_equal(tess_store_event_add(f->s, &ev), TESS_STORE_SECRET_MISMATCH);
    assert_false(tess_event_init(&ev, "has space", NULL));
    assert_false(tess_event_init(&ev, "", NULL));
}

/* ---- the WAL, checkpointed off the check-in path ---- */

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static void test_wal_bounded(void **state)
{
    fixture *f = *state;
    add_event(f->s, "fair", false, 0, NULL);
    char wal[340];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    /* a WAL frame is a page (4096) and a 24-byte header */
    const long long frame = 4096 + 24;
    long long most = 0;
    for (uint32_t b = 1; b <= 400; b++) {   /* about 2,000 frames */
        record(f->s, "fair", b, TK_NOW + b);
        assert_int_equal(tess_store_idle(f->s), TESS_STORE_OK);
        long long n = file_size(wal);
        most = n > most ? n : most;
    }
    if (most > (TESS_STORE_WAL_IDLE + 64) * frame)
        print_error("the WAL grew to %lld bytes\n", most);
    assert_true(most <= (TESS_STORE_WAL_IDLE + 64) * frame);
    assert_true(most > 0);
    tess_counts n;
    assert_int_equal(tess_store_counts(f->s, "fair", &n), TESS_STORE_OK);
    assert_int_equal(n.checked_in, 400);
}

/* ---- faults ---- */

static void test_garbage_file_left_alone(void **state)
{
    (void)state;
    char dir[256], path[320];
    sk_tempdir(dir, sizeof dir, "garbage");
    snprintf(path, sizeof path, "%s/" TESS_STORE_FILE, dir);
    char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    FILE *fp = fopen(path, "wb");
    fwrite(junk, 1, sizeof junk, fp);
    fclose(fp);
    tess_store *s = tess_store_open(dir, "k");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_CORRUPT);
    assert_non_null(strstr(tess_store_error(s), "verify only"));
    tess_checkin c;
    assert_int_equal(tess_store_record(s, "fair", sk_verdict(world, 1), TK_NOW, &c),
                     TESS_STORE_CORRUPT);
    assert_int_equal(c.kind, TESS_CHECKIN_ERROR);
    assert_int_equal(tess_store_reopen(s), TESS_STORE_CORRUPT);
    tess_store_close(s);
    /* never deleted, truncated or rewritten */
    char back[sizeof junk + 1];
    fp = fopen(path, "rb");
    assert_int_equal(fread(back, 1, sizeof back, fp), sizeof junk);
    fclose(fp);
    assert_memory_equal(back, junk, sizeof junk);
    sk_rmtree(dir);
}

static void test_read_only_directory(void **state)
{
    (void)state;
    char dir[256];
    sk_tempdir(dir, sizeof dir, "ro");
    /* root ignores permissions: a read-only bind mount stops root too */
    char sub[300];
    snprintf(sub, sizeof sub, "%s/ro", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    bool mounted = mount(dir, sub, "none", MS_BIND, NULL) == 0 &&
                   mount("none", sub, "none", MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0;
    if (!mounted) {
        umount(sub);
        chmod(sub, 0555);
    }
    if (!mounted && geteuid() == 0) {
        print_message("read-only: no bind mount here and root ignores modes; skipped\n");
        sk_rmtree(dir);
        skip();
    }
    tess_store *s = tess_store_open(sub, "k");
    assert_int_not_equal(tess_store_status_of(s), TESS_STORE_OK);
    assert_true(tess_store_status_of(s) == TESS_STORE_READ_ONLY ||
                tess_store_status_of(s) == TESS_STORE_UNAVAILABLE);
    assert_true(strlen(tess_store_error(s)) > 0);
    tess_checkin c;
    assert_int_not_equal(tess_store_record(s, "fair", sk_verdict(world, 1), TK_NOW, &c),
                         TESS_STORE_OK);
    assert_int_equal(c.kind, TESS_CHECKIN_ERROR);
    tess_store_close(s);
    if (mounted)
        assert_int_equal(umount(sub), 0);
    sk_rmtree(dir);
}

static void test_disk_full(void **state)
{
    (void)state;
    char dir[256];
    sk_tempdir(dir, sizeof dir, "full");
    /* a real full disk: a 512 KiB tmpfs (we are root in the test machine) */
    if (mount("tmpfs", dir, "tmpfs", 0, "size=512k") != 0) {
        print_message("disk full: cannot mount a tmpfs here (%s); skipped\n", strerror(errno));
        sk_rmtree(dir);
        skip();
    }
    tess_store *s = tess_store_open(dir, "door1");
    assert_int_equal(tess_store_status_of(s), TESS_STORE_OK);
    add_event(s, "fair", true, 0, NULL);
    uint32_t acked = 0, badge = 1;
    tess_store_status st = TESS_STORE_OK;
    tess_checkin c;
    for (; badge < 20000; badge++) {
        st = tess_store_record(s, "fair", sk_verdict(world, badge), TK_NOW + badge, &c);
        if (st != TESS_STORE_OK)
            break;
        acked++;
    }
    assert_int_equal(st, TESS_STORE_FULL);
    assert_int_equal(c.kind, TESS_CHECKIN_ERROR);
    assert_non_null(strstr(tess_store_error(s), "disk is full"));
    assert_true(acked > 10);
    /* still answers reads: a badge already in is still a duplicate... */
    bool found;
    tess_checkin first;
    uint8_t cti[16];
    sk_cti(1, cti);
    assert_int_equal(tess_store_checkin_find(s, "fair", cti, &found, &first), TESS_STORE_OK);
    assert_true(found);
    tess_store_close(s);
    /* ...and every acknowledged row is there after closing */
    char path[320];
    snprintf(path, sizeof path, "%s/" TESS_STORE_FILE, dir);
    tess_store *again = tess_store_open(dir, "door1");
    if (tess_store_status_of(again) == TESS_STORE_OK) {
        tess_counts n;
        assert_int_equal(tess_store_counts(again, "fair", &n), TESS_STORE_OK);
        assert_int_equal(n.checked_in, acked);
        tess_check_report r;
        assert_int_equal(tess_store_check(again, &r), TESS_STORE_OK);
        assert_true(r.ok);
    } else {
        /* reopening may itself need a page; the file still reads */
        assert_int_equal(sql_int(path, "SELECT count(*) FROM checkins"), acked);
    }
    tess_store_close(again);
    assert_int_equal(umount(dir), 0);
    sk_rmtree(dir);
}

int main(void)
{
    if (tess_crypto_init() != TESS_OK)
        return 1;
    world = tk_world_new();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_schema_and_pragmas),
        cmocka_unit_test(test_migrate_v0_file),
        cmocka_unit_test(test_issued_v1_migrated),
        T(test_first_duplicate_refused),
        T(test_reentry),
        T(test_names_only_when_kept),
        T(test_chain_ok),
        T(test_chain_edited),
        T(test_chain_edited_time),
        T(test_chain_deleted),
        T(test_chain_deleted_last),
        T(test_chain_reordered),
        T(test_chain_deleted_and_renumbered),
        T(test_purge),
        T(test_export),
        T(test_merge),
        T(test_merge_same_kiosk_id_conflict),
        T(test_event_file),
        T(test_wal_bounded),
        cmocka_unit_test(test_garbage_file_left_alone),
        cmocka_unit_test(test_read_only_directory),
        cmocka_unit_test(test_disk_full),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tk_world_free(world);
    return rc;
}
