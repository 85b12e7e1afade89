/*
 * access_mode.h: a door that opens to a badge (issue 10): the settings'
 * access_list names who may enter (app/match/access.h); a valid badge on
 * the list is "Come in", the relay opens for door_open_seconds
 * (gpio.h) and the green light shows; anything else is "No entry" with
 * why, the relay never moving. Every decision is an audit row with the
 * door's name (tess_store_record_access).
 */
#ifndef TESS_KIOSK_ACCESS_MODE_H
#define TESS_KIOSK_ACCESS_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "tessera/tess_verify.h"

struct kiosk;

/* Loads the door's list in access mode; false (said on stderr) when there
 * is none or it does not parse: the kiosk then verifies only. */
bool access_mode_open(struct kiosk *k);
void access_mode_close(struct kiosk *k);
/* Decides for verdict v at now; k->shown.access says what, the door opens
 * on "enter". Returns whether the badge may enter. */
bool access_mode_decide(struct kiosk *k, const tess_verdict *v, uint64_t now, uint32_t now_ms);
/* The "access" member of the verdict's JSON line. */
void access_mode_json(json *j, const struct kiosk *k);

#endif
