/*
 * store_inner.h: what the store's files share (not for the kiosk or the
 * command: they use store.h).
 */
#ifndef TESS_STORE_INNER_H
#define TESS_STORE_INNER_H

#include <sqlite3.h>

#include "store.h"

/* The statements of the check-in path, prepared once per handle. */
enum {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_EVENT_GET, Q_HEAD_GET, Q_HEAD_SET, Q_AUDIT_ADD,
    Q_CHECKIN_GET, Q_CHECKIN_ADD, Q_CHECKIN_AGAIN, Q_COUNT
};

struct tess_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    tess_store_status state;
    char path[1100];
    char kiosk[TESS_KIOSK_ID_MAX + 1];
    uint8_t verify_secret[TESS_EVENT_SECRET_LEN];   /* keys verify-mode rows */
    char error[1400];
    int wal_frames;   /* frames in the WAL after the last commit (wal_hook) */
};

/* One audit row, as hashed, stored and exported. Strings are NUL-ended or
 * NULL (SQL NULL). */
typedef struct {
    const char *kiosk;
    uint64_t seq;
    uint64_t time;
    const char *event;
    const char *verdict;
    const char *reason;
    const char *checkin;
    const char *iss;
    const char *achievement;
    const uint8_t *cti_hash;     /* 32 bytes or NULL */
    const char *holder;
    const char *detail;
} store_row;

/* The chain: BLAKE2b-256 over a domain tag, the previous row's hash and
 * the row's fields, each length-prefixed (docs/store.md). */
void store_row_hash(uint8_t out[32], const uint8_t prev[32], const store_row *r);

/* Maps an SQLite result onto a status, writes "PATH: words (sqlite says)"
 * into s->error and keeps the status as the handle's state. */
tess_store_status store_fail(tess_store *s, int rc, const char *doing);
/* The same with a status and words of ours. */
tess_store_status store_failf(tess_store *s, tess_store_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clears the error: the call succeeded. */
tess_store_status store_ok(tess_store *s);
/* Runs SQL without results. */
int store_exec(sqlite3 *db, const char *sql);
/* Appends one audit row of this kiosk (inside an open transaction): the
 * next seq after the head, hashed onto the head's hash; moves the head. */
int store_append(tess_store *s, store_row *r);
/* Checks every chain of db (which may be another store's connection). */
int store_check_db(sqlite3 *db, tess_check_report *r);

#endif
