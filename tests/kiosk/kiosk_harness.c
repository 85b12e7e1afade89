/* kiosk_harness.c: see kiosk_harness.h. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiosk_harness.h"
#include "testkit.h"

void kh_run(const char *dir, result *r, const char *const *argv)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        if (chdir(dir) != 0)
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    fcntl(fd[0], F_SETFL, O_NONBLOCK);
    r->out = calloc(1, MAX_OUT);
    r->len = 0;
    assert_non_null(r->out);
    time_t deadline = time(NULL) + 60 * (time_t)tk_slow();
    int status = 0;
    bool done = false;
    for (;;) {
        ssize_t n = read(fd[0], r->out + r->len, MAX_OUT - 1 - r->len);
        if (n > 0) {
            r->len += (size_t)n;
            continue;
        }
        if (n == 0 && done)
            break;
        if (!done && waitpid(pid, &status, WNOHANG) == pid)
            done = true;
        if (!done && time(NULL) > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            done = true;
        }
        if (n < 0 && errno == EAGAIN) {
            if (done)
                break;
            struct timespec ts = {0, 5000000};
            nanosleep(&ts, NULL);
        } else if (n < 0 && errno != EINTR) {
            break;
        }
    }
    close(fd[0]);
    r->out[r->len] = '\0';
    r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void kh_make_dir(char *dir, size_t cap, const char *name)
{
    assert_true((size_t)snprintf(dir, cap, "/tmp/%s-XXXXXX", name) < cap);
    assert_non_null(mkdtemp(dir));
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_RENDER_DRIVER", "software", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
}

void kh_remove_dir(const char *dir)
{
    if (getenv("TESS_KEEP"))
        return;
    result r;
    const char *argv[] = {"/bin/rm", "-rf", dir, NULL};
    kh_run("/", &r, argv);
    free(r.out);
}

void kh_put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}
