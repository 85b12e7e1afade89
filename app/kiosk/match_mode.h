/*
 * match_mode.h: the booth (issue 10): a candidate scans badges one after
 * another; the screen shows, for the role booth staff chose, each required
 * skill as proven (by which badge, from which issuer, valid until when) or
 * missing, a match score, the badges refused and why, and the progress
 * toward the trust bundle's pathways. Also the pathways one badge counts
 * toward, for verify mode's details screen.
 *
 * Settings: mode = match, roles_dir (the booth's *.role files), skills
 * (the ESCO label table), templates_dir (achievement titles for missing
 * pathway steps), match_session_seconds (the session forgets the
 * candidate after that long without a scan or a tap; End does at once).
 *
 * Screens: SCREEN_MATCH (the session), SCREEN_MATCH_ROLES (staff pick a
 * role: a tap, or digits 1-9; shown first when no role is chosen yet).
 * Keys on SCREEN_MATCH: e ends the session, r picks the role.
 *
 * Memory: the session's badges are copies (match.h), wiped when the
 * session ends. Nothing of a candidate is written anywhere (the audit
 * log keeps its usual verdict rows).
 */
#ifndef TESS_KIOSK_MATCH_MODE_H
#define TESS_KIOSK_MATCH_MODE_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "tessera/tess_verify.h"

struct kiosk;
struct kiosk_gfx;

/* Loads the roles, labels and titles; false (said on stderr) when the
 * roles cannot be loaded in match mode. Any mode: the labels and titles
 * for the details screen's pathways. */
bool match_mode_open(struct kiosk *k);
void match_mode_close(struct kiosk *k);
/* A verdict in match mode: added to the session (before the verifier is
 * wiped), the result evaluated again. */
void match_mode_verdict(struct kiosk *k, const tess_verdict *v, uint64_t now, uint32_t now_ms);
/* The "match" member of the verdict's JSON line: role, score, required,
 * proven, badges. */
void match_mode_json(json *j, const struct kiosk *k);
/* In verify mode: the pathways the verdict's badge counts toward, kept in
 * k->shown for the details screen. */
void match_mode_badge_pathways(struct kiosk *k, const tess_verdict *v, uint64_t now);
/* The session's timeout; ends it. */
void match_mode_update(struct kiosk *k, uint32_t now_ms);
uint32_t match_mode_due_in(const struct kiosk *k, uint32_t now_ms);
/* Keys and taps on the match screens; true when taken. */
bool match_mode_event(struct kiosk *k, const SDL_Event *e, uint32_t now_ms);
void match_mode_draw(struct kiosk_gfx *g, const struct kiosk *k);
/* A skill code's name in the kiosk's language from the skills table (in
 * every mode: the details screen shows skills by name too), else the
 * code itself. */
const char *match_mode_skill_name(const struct kiosk *k, const char *code);
/* The details screen's lines of pathways ("2 of 3 toward ..."). */
int match_mode_draw_badge_pathways(struct kiosk_gfx *g, const struct kiosk *k, int x, int y,
                                   int w);
/* A number for screenshots: changes when what the match screens show
 * changes. */
unsigned long match_mode_shot_key(const struct kiosk *k);

#endif
