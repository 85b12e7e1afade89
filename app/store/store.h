/*
 * store.h: a kiosk's check-ins and audit log, in one SQLite file.
 *
 *   DIR/store.db      the store, beside the trust state of state.h (WAL
 *                     mode: DIR/store.db-wal and DIR/store.db-shm too)
 *
 * What it keeps (docs/store.md has the tables):
 *   - events: id, name, start, end, whether holders' names are kept,
 *     re-entry time, and a 32-byte secret shared by the kiosks of the event;
 *   - check-ins: one row per (event, keyed hash of the credential id), so a
 *     duplicate is found by one index look-up and no badge is in twice;
 *   - the audit log: one row per verdict (time, kiosk, event, verdict,
 *     reason, check-in outcome, issuer, achievement, keyed hash of the
 *     credential id; the holder's name only when the event keeps names),
 *     each row hashed and chained to the one before it of the same kiosk.
 *
 * Accepts: any verdict of tess_verify. Rejects: an event id that is empty,
 * longer than TESS_EVENT_ID_MAX or not printable ASCII; a merge of an event
 * whose secret differs, or of a file whose chains do not check, or that
 * holds other rows under the same (kiosk, seq).
 *
 * Durability: every write is one transaction committed with
 * synchronous=FULL in WAL mode; once a function here returned
 * TESS_STORE_OK the row survives a power cut. Nothing here ever deletes,
 * truncates or rewrites a store file that does not open (a corrupt file
 * stays as it is for someone to look at).
 *
 * Does not: sign anything. The chain shows rows edited, deleted or
 * reordered by someone who did not recompute the hashes after them; whoever
 * can write the file can recompute them all (it is not a signature). The
 * keyed hashes hide credential ids from whoever lacks the event's secret,
 * and the secret sits in the same file: a stolen store with its secret
 * lets a thief test a known credential id, not list them.
 *
 * A store handle is used by one thread at a time. Several processes may
 * share one file (SQLite locks it; a writer waits up to
 * TESS_STORE_BUSY_MS).
 */
#ifndef TESS_STORE_H
#define TESS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tessera/tess_verify.h"

#define TESS_STORE_FILE "store.db"
/* Event ids travel in file names and CSV: printable ASCII, no spaces. */
#define TESS_EVENT_ID_MAX 64u
#define TESS_EVENT_NAME_MAX 200u
/* A kiosk id: the hostname by default (HOST_NAME_MAX is 64). */
#define TESS_KIOSK_ID_MAX 64u
#define TESS_EVENT_SECRET_LEN 32u
/* BLAKE2b-256: the keyed hash of a credential id, and the chain hash. */
#define TESS_STORE_HASH_LEN 32u
/* How long a writer waits for another process's lock. */
#define TESS_STORE_BUSY_MS 5000
/* The schema this build writes (PRAGMA user_version). */
#define TESS_STORE_SCHEMA 3

typedef enum {
    TESS_STORE_OK = 0,
    TESS_STORE_UNAVAILABLE,     /* the file cannot be opened or created */
    TESS_STORE_READ_ONLY,       /* the file or its directory is read-only */
    TESS_STORE_FULL,            /* the disk (or the file's limit) is full */
    TESS_STORE_CORRUPT,         /* not a database, or a damaged one */
    TESS_STORE_TOO_NEW,         /* written by a newer schema than this build's */
    TESS_STORE_BUSY,            /* another process held the lock too long */
    TESS_STORE_IO,              /* any other I/O error of SQLite */
    TESS_STORE_NO_EVENT,        /* no such event */
    TESS_STORE_BAD_ARG,         /* an id that is not allowed, a bad file */
    TESS_STORE_SECRET_MISMATCH, /* the same event id with another secret */
    TESS_STORE_CONFLICT,        /* a merge found two different rows under one key */
    TESS_STORE_CHAIN_BROKEN     /* an audit chain does not check */
} tess_store_status;

/* A few words for people ("the disk is full"). */
const char *tess_store_status_text(tess_store_status st);

typedef struct tess_store tess_store;

/* ---- opening ---- */

/* Opens (creating when missing) DIR/store.db, in WAL mode with
 * synchronous=FULL, a busy timeout and foreign keys, and brings its schema
 * up to TESS_STORE_SCHEMA (each migration one transaction). kiosk_id names
 * this kiosk in the audit rows it writes (NULL: the hostname).
 *
 * Always returns a handle (NULL only when out of memory): when the file
 * cannot be used, the handle is in the "unavailable" state, every call
 * returns why, and tess_store_error says it in words; the kiosk goes on
 * verifying and may call tess_store_reopen later. Statuses: OK,
 * UNAVAILABLE, READ_ONLY, FULL, CORRUPT, TOO_NEW, BUSY, IO. */
tess_store *tess_store_open(const char *dir, const char *kiosk_id);
/* The same on an explicit file path (tests, merges, tools). */
tess_store *tess_store_open_file(const char *path, const char *kiosk_id);
/* Closes the file and tries again; the status of the new attempt. */
tess_store_status tess_store_reopen(tess_store *s);
/* OK when the store is usable; else why it is not. */
tess_store_status tess_store_status_of(const tess_store *s);
/* Why the last call failed, for people: "DIR/store.db: the disk is full
 * (verify only: nothing is recorded)". Empty after success. Valid until
 * the next call with s. */
const char *tess_store_error(const tess_store *s);
const char *tess_store_kiosk(const tess_store *s);
const char *tess_store_path(const tess_store *s);
/* Closes the handle (NULL is fine). Nothing acknowledged is lost. */
void tess_store_close(tess_store *s);

/* The WAL is copied back into the file (a checkpoint, two fsyncs) off the
 * check-in path: SQLite's automatic checkpoint is off, and the caller
 * calls tess_store_idle once a verdict is shown (the kiosk, when it goes
 * back to idle; the command, after each acknowledgement). It checkpoints
 * when the WAL holds more than TESS_STORE_WAL_IDLE pages. Should the caller
 * never call it, tess_store_record checkpoints by itself past
 * TESS_STORE_WAL_MAX pages, so the WAL stays bounded. A checkpoint changes
 * nothing of durability: a commit is on disk in the WAL already. */
#define TESS_STORE_WAL_IDLE 1000
#define TESS_STORE_WAL_MAX 8000
tess_store_status tess_store_idle(tess_store *s);

/* ---- events ---- */

typedef struct {
    char id[TESS_EVENT_ID_MAX + 1];
    char name[TESS_EVENT_NAME_MAX + 1];
    uint64_t start, end;           /* Unix seconds; 0 when not given */
    bool keep_names;               /* audit rows keep the holder's name */
    uint64_t reentry_after;        /* seconds; 0: no re-entry */
    uint8_t secret[TESS_EVENT_SECRET_LEN];
    uint64_t created;              /* when this store learnt of it */
} tess_event;

/* Whether id is an allowed event id: 1..64 of A-Z a-z 0-9 . _ - : */
bool tess_event_id_ok(const char *id);
/* Fills ev with id, name (id when NULL) and a fresh random secret. False
 * when the id is not allowed. */
bool tess_event_init(tess_event *ev, const char *id, const char *name);

/* Adds ev. When an event of that id exists: OK if its secret is the same
 * (nothing changes; importing one file twice is harmless), else
 * SECRET_MISMATCH. BAD_ARG for a bad id or name. */
tess_store_status tess_store_event_add(tess_store *s, const tess_event *ev);
/* The event id, or NO_EVENT. */
tess_store_status tess_store_event_get(tess_store *s, const char *id, tess_event *ev);
/* Calls fn for each event, ordered by id; stops when fn returns false. */
tess_store_status tess_store_event_list(tess_store *s, bool (*fn)(const tess_event *ev, void *ctx),
                                        void *ctx);

/* The event file (docs/store.md): text lines "tessera-event 1", then
 * "id ...", "name ...", "start N", "end N", "keep_names 0|1",
 * "reentry_after N", "secret HEX64". Written with mode 0600 (it holds the
 * secret), whole and synced. False with a message in err. */
bool tess_event_write_file(const char *path, const tess_event *ev, char *err, size_t cap);
bool tess_event_read_file(const char *path, tess_event *ev, char *err, size_t cap);

/* ---- verdicts and check-ins ---- */

typedef enum {
    TESS_CHECKIN_NONE = 0,   /* verify only: no event */
    TESS_CHECKIN_FIRST,      /* the badge's first check-in for the event */
    TESS_CHECKIN_DUPLICATE,  /* seen before (first_time, first_kiosk) */
    TESS_CHECKIN_REENTRY,    /* seen before, but longer ago than reentry_after */
    TESS_CHECKIN_REFUSED,    /* the verdict was invalid: no check-in */
    TESS_CHECKIN_ERROR       /* the store could not record it */
} tess_checkin_kind;

/* "first", "duplicate", "reentry", "refused", "error" ("none" for NONE). */
const char *tess_checkin_name(tess_checkin_kind k);

typedef struct {
    tess_checkin_kind kind;
    uint64_t first_time;                /* FIRST, DUPLICATE, REENTRY */
    char first_kiosk[TESS_KIOSK_ID_MAX + 1];
    uint64_t last_time;                 /* the entry before this scan (DUPLICATE, REENTRY) */
    uint64_t entries;                   /* admissions so far, this one included */
    uint64_t seq;                       /* the audit row's number for this kiosk */
} tess_checkin;

/* Records a verdict judged at `now`, in ONE transaction: the audit row and,
 * when event_id is not NULL and the verdict is valid, the check-in (first,
 * duplicate or re-entry). An invalid verdict is an audit row with outcome
 * "refused" and never a check-in. With event_id NULL it is an audit row of
 * verify mode (no names; the credential id hashed with the store's own
 * secret). The holder's name is kept only when the event says so.
 *
 * When OK is returned the rows are durable. Otherwise out->kind is ERROR,
 * nothing was written, and tess_store_error says why. Statuses: OK,
 * NO_EVENT, BAD_ARG, and those of tess_store_open. */
tess_store_status tess_store_record(tess_store *s, const char *event_id, const tess_verdict *v,
                                    uint64_t now, tess_checkin *out);

/* Access mode: the audit row of a verdict at a door, with the decision
 * ("enter" or "refused", in the row's checkin column) and the door's name
 * (its detail, up to TESS_KIOSK_ID_MAX bytes; NULL: none). No event, no
 * names; durable on OK as tess_store_record. */
tess_store_status tess_store_record_access(tess_store *s, const tess_verdict *v, uint64_t now,
                                           bool entered, const char *door);

/* Whether the credential with this 16-byte id is checked in for the event
 * (no row is written): found, and the first check-in. */
tess_store_status tess_store_checkin_find(tess_store *s, const char *event_id,
                                          const uint8_t cti[16], bool *found,
                                          tess_checkin *first);

typedef struct {
    uint64_t checked_in;   /* badges admitted (check-in rows) */
    uint64_t duplicates;   /* accepted scans of a badge already in, re-entries apart */
    uint64_t reentries;
    uint64_t refused;      /* invalid verdicts at this event */
} tess_counts;

/* The running counts of an event, across every kiosk merged into this
 * store. After a merge a "first" at a second door of a badge already in
 * counts as a duplicate. */
tess_store_status tess_store_counts(tess_store *s, const char *event_id, tess_counts *c);

/* ---- credentials issued at this kiosk (issue mode) ---- */

/* The booth: a candidate's contact, left with an employer after the
 * candidate agreed on screen (consent_time). Kept: the role and employer,
 * the contact text as typed (a name and an e-mail or a phone number), the
 * match score and the skills proven (codes, '|'-separated); never the
 * badges themselves. One transaction, durable on OK. BAD_ARG for an empty
 * contact or text that is not printable UTF-8. */
tess_store_status tess_store_contact_record(tess_store *s, uint64_t consent_time,
                                            const char *role, const char *employer,
                                            const char *contact, unsigned score,
                                            const char *proven);
/* The contacts as CSV (RFC 4180, CRLF, a header row), by consent time:
 * what the employer takes away. */
tess_store_status tess_store_contacts_export(tess_store *s, FILE *out, uint64_t *rows);

/* Records one credential issued here, at `time`, from the template file
 * named template_file (its name, not its path), in one transaction:
 * cti in the clear (the issuer's own id, needed to revoke it), time,
 * template, this kiosk's id, and the holder's name only when holder is not
 * NULL (issue_keep_names = yes). BAD_ARG for an empty template name or a
 * holder that is not valid UTF-8 text; CONFLICT when the cti is already
 * recorded (16 random bytes: never twice unless the caller repeats one).
 * Issued rows are the issuer's records, not part of the audit chain, and
 * are not purged by retention: they are how a credential is revoked.
 * Statuses: OK, BAD_ARG, CONFLICT, and those of open. */
tess_store_status tess_store_issued_record(tess_store *s, const uint8_t cti[16], uint64_t time,
                                           const char *template_file, const char *holder);

/* ---- export, merge, check, purge ---- */

typedef enum { TESS_EXPORT_CSV, TESS_EXPORT_JSONL } tess_export_format;

/* Writes the audit rows of one event (NULL: every row) to out, ordered by
 * time, then kiosk, then seq: CSV (RFC 4180, a header row) or JSON Lines.
 * *rows says how many. Statuses: OK, NO_EVENT, IO (a write to out failed),
 * and those of open. */
tess_store_status tess_store_export(tess_store *s, const char *event_id, tess_export_format f,
                                    FILE *out, uint64_t *rows);

typedef struct {
    uint64_t events_added;
    uint64_t audit_added;      /* rows new to this store */
    uint64_t checkins_added;   /* badges new to this store */
    uint64_t checkins_earlier; /* first check-ins moved to an earlier one */
} tess_merge_stats;

/* Merges another store file into this one, in one transaction: events,
 * other kiosks' audit rows copied verbatim (a row already here is
 * skipped), their chain heads and anchors, and check-ins keeping the
 * earliest first check-in of each badge (earliest time, then the smaller
 * kiosk id). Idempotent and order-free. Refuses, changing nothing:
 * SECRET_MISMATCH (an event of the same id with another secret), CHAIN_BROKEN
 * (the other file's chains do not check), CONFLICT (a different row under
 * a (kiosk, seq) already here: two kiosks with one id), CORRUPT or
 * UNAVAILABLE (the other file). tess_store_error says which. */
tess_store_status tess_store_merge(tess_store *s, const char *other_path, tess_merge_stats *st);

typedef struct {
    uint64_t kiosks;
    uint64_t rows;
    bool ok;
    char kiosk[TESS_KIOSK_ID_MAX + 1];   /* the first bad chain */
    uint64_t seq;                         /* its first bad row */
    char what[256];                       /* edited, deleted, reordered... */
} tess_check_report;

/* Recomputes every kiosk's chain from its anchor (or the start) to its
 * head. OK with r->ok false when a row was edited, deleted (the last one
 * included, through the head table) or reordered: r names the first bad
 * row. */
tess_store_status tess_store_check(tess_store *s, tess_check_report *r);

/* The retention setting: days (0: keep everything). */
tess_store_status tess_store_set_retention(tess_store *s, uint32_t days);
tess_store_status tess_store_retention(tess_store *s, uint32_t *days);

/* Deletes audit rows and check-ins older than `days` days before now (the
 * stored retention when days is 0; nothing when that is 0 too), keeps a
 * chain anchor per kiosk so the chains still check, and appends an audit
 * row "purge" with the counts. One transaction. The kiosk calls it daily. */
tess_store_status tess_store_purge(tess_store *s, uint32_t days, uint64_t now,
                                   uint64_t *audit_purged, uint64_t *checkins_purged);

#endif
