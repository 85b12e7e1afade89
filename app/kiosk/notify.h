/*
 * notify.h: telling systemd how the kiosk is (the sd_notify protocol),
 * without libsystemd: one datagram to $NOTIFY_SOCKET per message.
 *
 * Under a unit with Type=notify and WatchdogSec= (board/rpi/), the kiosk
 * says READY=1 once its first screen is drawn, WATCHDOG=1 from its loop
 * (at most every quarter of $WATCHDOG_USEC; the loop turns at least once
 * a second), and STOPPING=1 on its way out. A loop that hangs stops the
 * WATCHDOG=1 messages, and systemd restarts the kiosk.
 *
 * Accepts: $NOTIFY_SOCKET as a path ("/run/systemd/notify") or an
 * abstract name ("@name"); $WATCHDOG_USEC, honoured only when
 * $WATCHDOG_PID is unset or this process's pid.
 * Does nothing (and is never an error) when $NOTIFY_SOCKET is unset, too
 * long or unreachable: outside systemd the kiosk runs the same.
 */
#ifndef TESS_KIOSK_NOTIFY_H
#define TESS_KIOSK_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int fd;                  /* -1: no systemd to tell */
    uint64_t watchdog_ms;    /* 0: no watchdog */
    uint64_t last_ping_ms;
    bool ping_once;          /* a first WATCHDOG=1 went out */
} kiosk_notify;

/* Reads the environment and opens the socket. */
void notify_open(kiosk_notify *n);
/* Sends one message ("READY=1", "STATUS=..."); false when it could not
 * be sent or there is no systemd. */
bool notify_send(kiosk_notify *n, const char *msg);
/* WATCHDOG=1 when a quarter of the watchdog time has passed since the
 * last one (now_ms: any monotonic milliseconds). */
void notify_watchdog(kiosk_notify *n, uint64_t now_ms);
/* The longest the loop may sleep for the watchdog to be fed in time, in
 * ms (UINT32_MAX when there is no watchdog). */
uint32_t notify_wait_max(const kiosk_notify *n);
void notify_close(kiosk_notify *n);

#endif
