/* access_mode.c: the door, as access_mode.h says. */
#include "access_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "gpio.h"
#include "kiosk.h"
#include "match.h"

bool access_mode_open(kiosk *k)
{
    if (k->cfg.mode != MODE_ACCESS)
        return true;
    if (!k->cfg.access_list[0]) {
        fputs("tessera-kiosk: access mode needs access_list in the settings\n", stderr);
        return false;
    }
    access_list *l = calloc(1, sizeof *l);
    char err[1024];
    if (!l || !access_load(l, k->cfg.access_list, err, sizeof err)) {
        fprintf(stderr, "tessera-kiosk: %s\n", l ? err : "out of memory");
        free(l);
        return false;
    }
    k->access = l;
    return true;
}

void access_mode_close(kiosk *k)
{
    if (!k->access)
        return;
    access_free(k->access);
    free(k->access);
    k->access = NULL;
}

bool access_mode_decide(kiosk *k, const tess_verdict *v, uint64_t now, uint32_t now_ms)
{
    kiosk_shown *s = &k->shown;
    s->access = ACCESS_SHOWN_NONE;
    if (!k->access || k->cfg.mode != MODE_ACCESS)
        return false;
    match_badge *b = malloc(sizeof *b);
    if (!b) {
        s->access = ACCESS_SHOWN_REFUSED;
        return false;
    }
    match_badge_from_verdict(v, b);
    access_decision d = access_decide(k->access, b, now);
    memset(b, 0, sizeof *b);
    free(b);
    bool enter = d.verdict == ACCESS_ENTER;
    s->access = enter                      ? ACCESS_SHOWN_ENTER
                : d.why == ACCESS_NOT_LISTED ? ACCESS_SHOWN_NOT_LISTED
                                             : ACCESS_SHOWN_REFUSED;
    s->access_reason = d.why == ACCESS_INVALID ? d.reason : TESS_OK;
    if (enter)
        gpio_enter(k->gpio, now_ms);
    return enter;
}

void access_mode_json(json *j, const kiosk *k)
{
    const kiosk_shown *s = &k->shown;
    if (k->cfg.mode != MODE_ACCESS || !k->access)
        return;
    json_key(j, "access");
    json_obj(j);
    json_key(j, "decision");
    json_str(j, s->access == ACCESS_SHOWN_ENTER ? "enter" : "refuse");
    json_key(j, "why");
    json_str(j, s->access == ACCESS_SHOWN_ENTER        ? "ok"
                : s->access == ACCESS_SHOWN_NOT_LISTED ? "not_listed"
                                                       : "invalid");
    json_key(j, "door");
    json_str(j, k->cfg.door_name);
    json_end_obj(j);
}
