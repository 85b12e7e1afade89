/*
 * checkin.h: the kiosk's log and check-in (app/store/store.h), as the
 * kiosk uses them.
 *
 * Every verdict is an audit row in DIR/store.db; in check-in mode a valid
 * badge is also checked in to the configured event (first, duplicate or
 * re-entry). The idle screen shows the event's running counts. When the
 * store cannot be written (full disk, read-only, corrupt file) the kiosk
 * says so on the idle screen and goes on verifying: the verdict is shown,
 * nothing is recorded, and the store is tried again every minute. Rows
 * already written are never touched.
 *
 * Retention: with retention_days set, rows older than that are purged at
 * start and once a day after (the purge is itself logged).
 */
#ifndef TESS_KIOSK_CHECKIN_H
#define TESS_KIOSK_CHECKIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "tessera/tess_verify.h"

struct kiosk;

/* Opens the store in the state directory and, in check-in mode, makes
 * sure the event exists (created when new, and said on stderr). Never
 * fails: a store that does not open is a problem shown on screen. */
void checkin_open(struct kiosk *k, uint64_t now);
/* Records verdict v judged at now; fills k->shown's check-in fields and
 * the counts. admit: whether the screen shows it valid (a valid verdict
 * that the stale policy makes amber or red is logged but not checked in:
 * "refused"). Call before the verdict is wiped. */
void checkin_record(struct kiosk *k, const tess_verdict *v, uint64_t now, bool admit);
/* Access mode: the verdict's audit row with the door's decision. */
void checkin_record_access(struct kiosk *k, const tess_verdict *v, uint64_t now, bool entered);
/* The check-in members of a verdict's JSON line ("event", "kiosk",
 * "checkin", and for a duplicate "first_time", "first_kiosk"), in an open
 * object; nothing outside check-in mode. */
void checkin_json(json *j, const struct kiosk *k);
/* Once a minute from the loop: retries a store that failed, purges daily. */
void checkin_tick(struct kiosk *k, uint64_t now);
/* Writes the event's log (every row of this store for the event, or of
 * every event outside check-in mode) as CSV to DIR/tessera/ on a USB stick
 * at mount: NAME-KIOSK-YYYYMMDD-HHMM.csv, written whole and synced. False
 * with why in msg; on success msg names the file and the row count. */
bool checkin_export(struct kiosk *k, const char *mount, uint64_t now, char *msg, size_t cap);
void checkin_close(struct kiosk *k);

#endif
