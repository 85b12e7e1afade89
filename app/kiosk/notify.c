/* notify.c: the sd_notify protocol, as notify.h says. */
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

void notify_open(kiosk_notify *n)
{
    memset(n, 0, sizeof *n);
    n->fd = -1;
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    if (!path || !path[0] || (path[0] != '/' && path[0] != '@') ||
        strlen(path) >= sizeof sa.sun_path)
        return;
    n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (n->fd < 0)
        return;
    uint64_t usec = 0, pid = 0;
    const char *wpid = getenv("WATCHDOG_PID");
    bool ours = !wpid || (parse_u64(wpid, &pid) && pid == (uint64_t)getpid());
    if (ours && parse_u64(getenv("WATCHDOG_USEC"), &usec) && usec > 0)
        n->watchdog_ms = usec / 1000 ? usec / 1000 : 1;
}

/* Never blocks: a datagram socket whose reader is slow (its queue holds
 * net.unix.max_dgram_qlen messages) would otherwise stop the loop. A ping
 * dropped then is sent again on the next turn of the loop. */
bool notify_send(kiosk_notify *n, const char *msg)
{
    if (n->fd < 0)
        return false;
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path)
        return false;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len >= sizeof sa.sun_path)
        return false;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* an abstract name: no terminating NUL */
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                               (path[0] == '@' ? 0 : 1));
    ssize_t r;
    do
        r = sendto(n->fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
                   (const struct sockaddr *)&sa, sl);
    while (r < 0 && errno == EINTR);
    return r == (ssize_t)strlen(msg);
}

void notify_watchdog(kiosk_notify *n, uint64_t now_ms)
{
    if (n->fd < 0 || n->watchdog_ms == 0)
        return;
    if (n->ping_once && now_ms - n->last_ping_ms < n->watchdog_ms / 4)
        return;
    if (!notify_send(n, "WATCHDOG=1"))
        return;
    n->last_ping_ms = now_ms;
    n->ping_once = true;
}

uint32_t notify_wait_max(const kiosk_notify *n)
{
    if (n->fd < 0 || n->watchdog_ms == 0)
        return UINT32_MAX;
    uint64_t q = n->watchdog_ms / 4;
    return q == 0 ? 1 : q > UINT32_MAX ? UINT32_MAX : (uint32_t)q;
}

void notify_close(kiosk_notify *n)
{
    if (n->fd >= 0)
        close(n->fd);
    n->fd = -1;
}
