/* store_kit.c: see store_kit.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_kit.h"

void sk_tempdir(char *out, size_t cap, const char *tag)
{
    snprintf(out, cap, "/tmp/tess-%s-XXXXXX", tag);
    if (!mkdtemp(out)) {
        perror("mkdtemp");
        abort();
    }
}

static void write_all(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

void sk_install_state(const char *tessera, const tk_world *w, const char *dir)
{
    char root[1100], bundle[1100];
    snprintf(root, sizeof root, "%s.root.cbor", dir);
    snprintf(bundle, sizeof bundle, "%s.bundle.cbor", dir);
    write_all(root, w->root_file, w->root_len);
    write_all(bundle, w->bundle_file, w->bundle_len);
    int rc = sk_run((const char *const[]){tessera, "bundle", "install", "--root", root, "--state",
                                          dir, bundle, NULL},
                    NULL, NULL);
    unlink(root);
    unlink(bundle);
    if (rc != 0) {
        fprintf(stderr, "bundle install into %s failed (%d)\n", dir, rc);
        abort();
    }
}

void sk_cti(uint32_t n, uint8_t cti[16])
{
    memset(cti, 0xc7, 16);
    cti[12] = (uint8_t)(n >> 24);
    cti[13] = (uint8_t)(n >> 16);
    cti[14] = (uint8_t)(n >> 8);
    cti[15] = (uint8_t)n;
}

void sk_badge(uint32_t n, char *text)
{
    static tk_key issuer;
    static bool have;
    if (!have) {
        tk_key_from_seed(&issuer, 1);
        have = true;
    }
    uint8_t cti[16];
    sk_cti(n, cti);
    tess_credential cr;
    tk_default_cred(&cr);
    cr.cti = cti;
    tk_issue(&cr, &issuer, text);
}

const tess_verdict *sk_verdict(tk_world *w, uint32_t n)
{
    char text[8192];
    sk_badge(n, text);
    tess_status st = tk_verify(w, text, TK_NOW);
    assert_int_equal(st, TESS_OK);
    return &w->verdict;
}

int sk_run(const char *const *argv, const char *input, char **out)
{
    int in[2], o[2];
    if (pipe(in) != 0 || pipe(o) != 0)
        abort();
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(o[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        close(in[0]);
        close(in[1]);
        close(o[0]);
        close(o[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(o[1]);
    signal(SIGPIPE, SIG_IGN);
    size_t left = input ? strlen(input) : 0;
    const char *p = input;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    struct pollfd fds[2] = {{o[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (left == 0) {
        close(in[1]);
        fds[1].fd = -1;
    }
    while (fds[0].fd >= 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].fd >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in[1], p, left);
            if (n > 0) {
                p += n;
                left -= (size_t)n;
            }
            if (n <= 0 || left == 0) {
                close(in[1]);
                fds[1].fd = -1;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (len + 4096 + 1 > cap) {
                cap = cap ? cap * 2 : 8192;
                buf = realloc(buf, cap);
                assert_non_null(buf);
            }
            ssize_t n = read(o[0], buf + len, 4096);
            if (n <= 0) {
                close(o[0]);
                fds[0].fd = -1;
            } else {
                len += (size_t)n;
            }
        }
    }
    if (fds[1].fd >= 0)
        close(in[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (out) {
        if (!buf)
            buf = malloc(1);
        buf[len] = '\0';
        *out = buf;
    } else {
        free(buf);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void sk_rmtree(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", path);
}
