/*
 * bench_kiosk.c: the kiosk as it runs, headless (SDL's dummy video driver,
 * software renderer): the real tessera-kiosk is spawned and timed from
 * outside, its JSON lines read from a pipe, its memory and CPU read from
 * /proc. In one run, each target beside its baseline from the same run:
 *   1. start to ready (spawn to the first verdict) with a 10,000-issuer,
 *      100,000-revoked-id state; baseline a 10-issuer state; target < 1 s;
 *   2. peak resident memory (VmHWM) verifying 2,000 texts against the big
 *      state, target < 64 MiB; then a compressed "24-hour replay" (43,200
 *      scans, or fewer when this machine is too slow, said so), VmRSS
 *      sampled every 1,000 verdicts: last <= the first quarter's + 1 MiB
 *      (the store's page cache and the font atlas fill first, bounded);
 *   3. per-frame processing time (scan -> verdict) of 1280x720 PNG frames
 *      played at --pace 1, target < 150 ms; baseline the same credentials
 *      as texts (no scanning);
 *   4. idle CPU over 3 s, target < 2%.
 * `tess_bench_kiosk --soak [CAMERA_SECONDS]` (make soak) runs instead a
 * day of mixed scans (badges, garbage, truncated, forged, oversized),
 * compressed, and then the camera path for CAMERA_SECONDS (default 120),
 * sampling memory and open descriptors: both must stay flat.
 *
 * KIOSK_BIN and TESSERA_BIN are set at build time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <png.h>

#include "qr_render.h"
#include "state.h"
#include "testkit.h"

#ifndef KIOSK_BIN
#error "KIOSK_BIN must be defined at build time"
#endif
#ifndef TESSERA_BIN
#define TESSERA_BIN ""
#endif

enum {
    BIG_ISSUERS = 10000,
    BIG_REVOKED = 100000,
    START_RUNS = 7,
    RSS_TEXTS = 2000,
    DISTINCT = 300,      /* distinct credentials cycled in the long runs */
    REPLAY_FULL = 43200, /* one scan every 2 s for 24 h */
    N_FRAMES = 40,
    FRAME_W = 1280,
    FRAME_H = 720,
};
#define REPLAY_BUDGET_S 90.0 /* the replay is scaled down to fit this */
#define AT_STR "1767225600"  /* TK_NOW */

static tk_world *W;
static char root_dir[256];
static char *texts[DISTINCT];

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void die(const char *what)
{
    fprintf(stderr, "bench_kiosk: %s\n", what);
    exit(2);
}

static const char *pf(bool ok)
{
    return ok ? "PASS" : "FAIL";
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", root_dir, name);
}

/* ---- the states ---------------------------------------------------- */

/* A bundle with the world's issuer and n_issuers - 1 others and n_revoked
 * random ids (never one of the bench's credentials: theirs start below
 * 0x80), installed into dir (as bench_bundle.c does). */
static void make_state(const char *dir, size_t n_issuers, size_t n_revoked)
{
    tess_issuer_in *issuers = calloc(n_issuers, sizeof *issuers);
    uint8_t(*revoked)[16] = malloc((n_revoked ? n_revoked : 1) * 16);
    if (!issuers || !revoked)
        die("out of memory");
    issuers[0] = W->issuers[0];
    for (size_t i = 1; i < n_issuers; i++) {
        tess_random(issuers[i].pk, 32);
        issuers[i].iss = "https://other.example";
        issuers[i].name = "Another issuer";
        issuers[i].not_after = 4102444800u;
    }
    for (size_t i = 0; i < n_revoked; i++) {
        tess_random(revoked[i], 16);
        revoked[i][0] |= 0x80;
    }
    if (tess_bundle_sort(issuers, n_issuers, revoked, &n_revoked) != TESS_OK)
        die("sort");
    tess_bundle_in in;
    memset(&in, 0, sizeof in);
    in.version = 1;
    in.issued_at = TK_NOW - 3600;
    in.expires = TK_NOW + 86400 * 90;
    in.publisher = "bench";
    in.issuers = issuers;
    in.n_issuers = n_issuers;
    in.revoked = (const uint8_t(*)[16])revoked;
    in.n_revoked = n_revoked;
    size_t cap = 4096 + n_issuers * 200 + n_revoked * 16;
    uint8_t *payload = malloc(cap), *file = malloc(cap + 4096), *scratch = malloc(cap + 4096);
    size_t payload_len, file_len;
    if (!payload || !file || !scratch ||
        tess_bundle_payload_encode(&in, payload, cap, &payload_len) != TESS_OK)
        die("encode");
    uint8_t sks[2][64];
    memcpy(sks[0], W->root[0].sk, 64);
    memcpy(sks[1], W->root[1].sk, 64);
    if (tess_bundle_sign(payload, payload_len, (const uint8_t(*)[64])sks, 2, scratch, cap + 4096,
                         file, cap + 4096, &file_len) != TESS_OK)
        die("sign");
    char root_path[512];
    snprintf(root_path, sizeof root_path, "%s.root", dir);
    FILE *f = fopen(root_path, "wb");
    if (!f || fwrite(W->root_file, 1, W->root_len, f) != W->root_len)
        die("root file");
    fclose(f);
    install_result r;
    state_install(dir, root_path, file, file_len, &r);
    if (r.reason != TESS_OK || r.error)
        die(r.message);
    printf("  state: %zu issuers, %zu revoked ids, bundle %.2f MB\n", n_issuers, n_revoked,
           file_len / 1e6);
    free(issuers);
    free(revoked);
    free(payload);
    free(file);
    free(scratch);
}

/* ---- the credentials ------------------------------------------------- */

/* DISTINCT credentials: three in four valid (the world's issuer), one in
 * four signed by a key the bundle does not hold (invalid: unknown
 * issuer). Each has its own holder and cti, so each text differs. */
static void make_texts(void)
{
    static char holders[DISTINCT][32];
    static uint8_t ctis[DISTINCT][16];
    for (int i = 0; i < DISTINCT; i++) {
        tess_credential cr;
        tk_default_cred(&cr);
        snprintf(holders[i], sizeof holders[i], "Holder %05d", i);
        cr.holder.ptr = (const uint8_t *)holders[i];
        cr.holder.len = strlen(holders[i]);
        memcpy(ctis[i], cr.cti, 16);
        ctis[i][0] = 0x5e;
        ctis[i][12] = (uint8_t)(i >> 8);
        ctis[i][13] = (uint8_t)i;
        cr.cti = ctis[i];
        texts[i] = malloc(8192);
        if (!texts[i])
            die("out of memory");
        tk_issue(&cr, i % 4 == 3 ? &W->other : &W->issuer, texts[i]);
    }
}

static bool text_valid(int i)
{
    return i % 4 != 3;
}

/* n lines: texts[first], texts[first + 1], ... cycled over DISTINCT. */
static void write_texts(const char *path, size_t n, size_t first)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("texts file");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", texts[(first + i) % DISTINCT]);
    if (fclose(f) != 0)
        die("texts file");
}

/* A 1280x720 grey frame: a softly varying background (a desk, a jacket)
 * with the credential's code in the middle, 4 pixels a module. */
static void write_frame(const char *path, const char *text, unsigned seed)
{
    qr_code q;
    if (!qr_encode(text, 'M', &q))
        die("qr_encode");
    qr_style st = {'M', 4, 4};
    int qw, qh;
    uint8_t *qp = qr_pixels(&q, &st, &qw, &qh);
    if (!qp || qw > FRAME_W || qh > FRAME_H)
        die("qr_pixels");
    uint8_t *px = malloc((size_t)FRAME_W * FRAME_H);
    if (!px)
        die("out of memory");
    uint32_t r = seed * 2654435761u + 1;
    for (int y = 0; y < FRAME_H; y++)
        for (int x = 0; x < FRAME_W; x++) {
            r = r * 1664525u + 1013904223u;
            px[y * FRAME_W + x] = (uint8_t)(140 + ((x / 40 + y / 40) & 1) * 20 + (r >> 28));
        }
    int ox = (FRAME_W - qw) / 2 + (int)(seed % 7) * 10 - 30, oy = (FRAME_H - qh) / 2;
    for (int y = 0; y < qh; y++)
        memcpy(px + (size_t)(oy + y) * FRAME_W + ox, qp + (size_t)y * qw, (size_t)qw);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = FRAME_W;
    im.height = FRAME_H;
    im.format = PNG_FORMAT_GRAY;
    if (!png_image_write_to_file(&im, path, 0, px, FRAME_W, NULL))
        die("png write");
    free(px);
    free(qp);
    qr_free(&q);
}

/* ---- running the kiosk ------------------------------------------------ */

typedef struct {
    pid_t pid;
    int fd;
    double t_spawn;
    /* lines */
    size_t n_lines, n_valid, cap;
    double *t_line;       /* when each line was read */
    bool first_valid;
    /* memory */
    long hwm_kb;          /* the largest VmHWM seen */
    size_t rss_every;     /* sample VmRSS every this many lines (0: never) */
    long *rss;
    long *fds;            /* open descriptors, sampled with rss */
    size_t n_rss;
    double sample_every_s; /* also sample every this many seconds (0: never) */
    double next_sample;
    int status;
    bool killed;
} run_t;

static long proc_status_kb(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* utime + stime, in seconds. */
static double proc_cpu_s(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    if (!p)
        return -1;
    unsigned long ut = 0, st = 0;
    /* after ")": state(3) ... utime is field 14, stime 15 */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* How many descriptors pid has open, or -1. */
static long proc_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void sample(run_t *r)
{
    r->rss = realloc(r->rss, (r->n_rss + 1) * sizeof *r->rss);
    r->fds = realloc(r->fds, (r->n_rss + 1) * sizeof *r->fds);
    if (!r->rss || !r->fds)
        die("out of memory");
    r->rss[r->n_rss] = proc_status_kb(r->pid, "VmRSS");
    r->fds[r->n_rss++] = proc_fds(r->pid);
}

static void spawn(run_t *r, const char *const *argv)
{
    memset(r, 0, sizeof *r);
    int fd[2];
    if (pipe(fd) != 0)
        die("pipe");
    char log[512];
    path_in(log, sizeof log, "kiosk-stderr.log");
    r->t_spawn = wall_now();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        dup2(fd[1], 1);
        int e = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (e >= 0)
            dup2(e, 2);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    r->pid = pid;
    r->fd = fd[0];
}

static void on_line(run_t *r, const char *line, double t)
{
    if (r->n_lines == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->t_line = realloc(r->t_line, r->cap * sizeof *r->t_line);
        if (!r->t_line)
            die("out of memory");
    }
    bool valid = strstr(line, "\"verdict\": \"valid\"") != NULL;
    if (r->n_lines == 0)
        r->first_valid = valid;
    r->t_line[r->n_lines++] = t;
    r->n_valid += valid;
    if (r->rss_every && r->n_lines % r->rss_every == 0)
        sample(r);
}

/* Reads lines until the kiosk closes its stdout (or max_lines have been
 * read, when max_lines > 0), polling VmHWM all along; killed after
 * timeout_s. */
static void pump(run_t *r, size_t max_lines, double timeout_s)
{
    static char buf[1 << 16];
    size_t have = 0;
    double deadline = r->t_spawn + timeout_s;
    for (;;) {
        long h = proc_status_kb(r->pid, "VmHWM");
        if (h > r->hwm_kb)
            r->hwm_kb = h;
        if (max_lines && r->n_lines >= max_lines)
            return;
        if (r->sample_every_s > 0 && wall_now() >= r->next_sample) {
            sample(r);
            r->next_sample = wall_now() + r->sample_every_s;
        }
        if (wall_now() > deadline) {
            kill(r->pid, SIGKILL);
            r->killed = true;
            return;
        }
        struct pollfd p = {r->fd, POLLIN, 0};
        int pr = poll(&p, 1, 5);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t n = read(r->fd, buf + have, sizeof buf - 1 - have);
        double t = wall_now();
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* end of output */
        have += (size_t)n;
        buf[have] = '\0';
        char *start = buf, *nl;
        while ((nl = strchr(start, '\n')) != NULL) {
            *nl = '\0';
            on_line(r, start, t);
            start = nl + 1;
        }
        have = (size_t)(buf + have - start);
        memmove(buf, start, have);
        if (have == sizeof buf - 1)
            have = 0; /* a line longer than the buffer: not a verdict */
    }
}

static void finish(run_t *r)
{
    close(r->fd);
    /* a kiosk asked to stop (SIGTERM: SDL's quit event) gets 3 s */
    int status = 0;
    double until = wall_now() + 3;
    while (waitpid(r->pid, &status, WNOHANG) == 0) {
        if (wall_now() > until) {
            kill(r->pid, SIGKILL);
            waitpid(r->pid, &status, 0);
            r->killed = true;
            break;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    r->status = status;
}

static void run_free(run_t *r)
{
    free(r->t_line);
    free(r->rss);
    free(r->fds);
}

static bool exited_ok(const run_t *r)
{
    return !r->killed && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* Runs the kiosk on a texts file or a frames folder to the end. */
static void run_to_end(run_t *r, const char *state, const char *opt, const char *input,
                       size_t rss_every, double timeout_s)
{
    const char *argv[] = {KIOSK_BIN,  "--state",          state,  opt,    input,
                          "--pace",   "1",                "--verdict-ms", "1",
                          "--exit-when-done", "--at",     AT_STR, NULL};
    spawn(r, argv);
    r->rss_every = rss_every;
    pump(r, 0, timeout_s);
    finish(r);
}

/* ---- the measures ------------------------------------------------------ */

/* 1. Spawn to the first verdict, seconds. */
static double start_to_ready(const char *state, const char *one)
{
    run_t r;
    run_to_end(&r, state, "--texts", one, 0, 30);
    if (r.n_lines < 1 || !r.first_valid || !exited_ok(&r))
        die("start-to-ready: the kiosk gave no valid verdict (see kiosk-stderr.log)");
    double t = r.t_line[0] - r.t_spawn;
    run_free(&r);
    return t;
}

/* Median time between consecutive verdicts, minus the pace (1 ms), in ms;
 * the first verdict (after start) is left out. *mean: the same as a mean
 * over the whole span (lines read together from the pipe share one time,
 * which pulls a median of fast inputs down). */
static double per_input_ms(const run_t *r, double *mean)
{
    *mean = -1;
    if (r->n_lines < 3)
        return -1;
    size_t n = r->n_lines - 1;
    double *d = malloc(n * sizeof *d);
    if (!d)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        d[i] = (r->t_line[i + 1] - r->t_line[i]) * 1e3 - 1.0;
        if (d[i] < 0)
            d[i] = 0;
    }
    double m = median(d, n);
    free(d);
    *mean = (r->t_line[r->n_lines - 1] - r->t_line[0]) * 1e3 / (double)n - 1.0;
    return m;
}

/* The decode of one of the PNG frames in this process, ms (a camera
 * delivers raw frames: this part of the kiosk's per-frame time is the
 * bench's, not the field's). */
static double png_decode_ms(const char *path)
{
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        double t0 = wall_now();
        png_image im;
        memset(&im, 0, sizeof im);
        im.version = PNG_IMAGE_VERSION;
        if (!png_image_begin_read_from_file(&im, path))
            die("png read");
        im.format = PNG_FORMAT_GRAY;
        uint8_t *buf = malloc(PNG_IMAGE_SIZE(im));
        if (!buf || !png_image_finish_read(&im, NULL, buf, 0, NULL))
            die("png read");
        free(buf);
        double t = (wall_now() - t0) * 1e3;
        if (t < best)
            best = t;
    }
    return best;
}

/* ---- the soak (`tess_bench_kiosk --soak`) ------------------------------ */

/* Median gap between verdicts (ms, minus the 1 ms pace) over lines
 * [from, to). */
static double gap_median_ms(const run_t *r, size_t from, size_t to)
{
    if (to > r->n_lines)
        to = r->n_lines;
    if (to < from + 3)
        return -1;
    size_t n = to - from - 1;
    double *d = malloc(n * sizeof *d);
    if (!d)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        d[i] = (r->t_line[from + i + 1] - r->t_line[from + i]) * 1e3 - 1.0;
    double m = median(d, n);
    free(d);
    return m;
}

/* A day at a door, compressed: of every 10 inputs, 6 badges (a quarter of
 * them from an issuer the bundle does not know), then garbage text, a
 * truncated badge, a badge with one character changed, and a line far
 * longer than any QR code holds. */
static void write_soak_texts(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("soak texts");
    uint32_t rnd = 12345;
    for (size_t i = 0; i < n; i++) {
        const char *t = texts[(i * 7) % DISTINCT];
        size_t len = strlen(t);
        rnd = rnd * 1664525u + 1013904223u;
        switch (i % 10) {
        case 6: /* garbage from another QR code, printable */
            for (size_t j = 0, m = 10 + (rnd >> 24) % 190; j < m; j++) {
                rnd = rnd * 1664525u + 1013904223u;
                fputc(33 + (int)((rnd >> 24) % 94), f);
            }
            break;
        case 7: /* cut short */
            fwrite(t, 1, 4 + (rnd >> 16) % (len - 4), f);
            break;
        case 8: { /* forged: one Base45 character changed */
            size_t at = 4 + (rnd >> 16) % (len - 4);
            fwrite(t, 1, at, f);
            fputc(t[at] == 'A' ? 'B' : 'A', f);
            fputs(t + at + 1, f);
            break;
        }
        case 9: /* oversized */
            fputs("MC1:", f);
            for (int j = 0; j < 9000; j++)
                fputc('0' + j % 10, f);
            break;
        default:
            fputs(t, f);
            break;
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        die("soak texts");
}

/* A grey 1280x720 frame with no code: flat (a wall) or noise (a sleeve). */
static void write_empty_frame(const char *path, unsigned seed, bool noise)
{
    uint8_t *px = malloc((size_t)FRAME_W * FRAME_H);
    if (!px)
        die("out of memory");
    uint32_t r = seed * 2654435761u + 1;
    for (size_t i = 0; i < (size_t)FRAME_W * FRAME_H; i++) {
        r = r * 1664525u + 1013904223u;
        px[i] = noise ? (uint8_t)(r >> 24) : (uint8_t)(120 + (r >> 29));
    }
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = FRAME_W;
    im.height = FRAME_H;
    im.format = PNG_FORMAT_GRAY;
    if (!png_image_write_to_file(&im, path, 0, px, FRAME_W, NULL))
        die("png write");
    free(px);
}

static void print_samples(const char *what, const run_t *r)
{
    size_t n = r->n_rss;
    if (n < 2)
        die("soak: too few samples");
    size_t q = n / 4;
    printf("   %s: %zu samples; VmRSS first / quarter / half / last: %ld / %ld / %ld / %ld KiB\n",
           what, n, r->rss[0], r->rss[q], r->rss[n / 2], r->rss[n - 1]);
    long fmin = r->fds[0], fmax = r->fds[0];
    for (size_t i = 0; i < n; i++) {
        fmin = r->fds[i] < fmin ? r->fds[i] : fmin;
        fmax = r->fds[i] > fmax ? r->fds[i] : fmax;
    }
    printf("   open descriptors min / max                    %5ld / %ld\n", fmin, fmax);
    /* growth is judged from the first quarter on: caches and the font
     * atlas fill in the first minutes */
    long growth = r->rss[n - 1] - r->rss[q];
    printf("   VmRSS growth, quarter -> last                 %+8ld KiB  target <= +1024 KiB %s\n",
           growth, pf(growth <= 1024));
    printf("   descriptors flat                              %8s           %s\n",
           fmin == fmax ? "yes" : "no", pf(fmin == fmax));
}

static int soak(double camera_s)
{
    char big[512];
    path_in(big, sizeof big, "state-big");
    make_state(big, BIG_ISSUERS, BIG_REVOKED);
    make_texts();
    printf("\nSoak 1: a day of scans, compressed: %d inputs (one every 2 s for 24 h), mixed:\n"
           "   6 in 10 badges (1 in 4 of them from an unknown issuer), garbage, truncated,\n"
           "   forged and oversized texts; 10,000-issuer state; --pace 1 --verdict-ms 1\n",
           REPLAY_FULL);
    fflush(stdout);
    char mixed[512];
    path_in(mixed, sizeof mixed, "soak.txt");
    write_soak_texts(mixed, REPLAY_FULL);
    run_t r;
    run_to_end(&r, big, "--texts", mixed, 1000, 1800);
    if (r.killed || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        die("soak: the kiosk did not end well (see kiosk-stderr.log)");
    printf("   %zu verdicts for %d inputs, %zu valid, in %.0f s\n", r.n_lines, REPLAY_FULL,
           r.n_valid, r.t_line[r.n_lines - 1] - r.t_spawn);
    print_samples("every 1,000 verdicts", &r);
    size_t tenth = r.n_lines / 10;
    double l0 = gap_median_ms(&r, 0, tenth), l1 = gap_median_ms(&r, r.n_lines - tenth, r.n_lines);
    printf("   time per input, first tenth / last tenth      %6.2f / %.2f ms (ratio %.2f)\n", l0,
           l1, l0 > 0 ? l1 / l0 : 0);
    bool ok1 = r.n_rss >= 2 && r.rss[r.n_rss - 1] - r.rss[r.n_rss / 4] <= 1024;
    run_free(&r);

    printf("\nSoak 2: the camera, %.0f s of 1280x720 frames (40 badges, 10 flat, 10 noise)\n"
           "   looped as a camera (--camera-frames, --pace 1), sampled every second\n",
           camera_s);
    fflush(stdout);
    char frames[512];
    path_in(frames, sizeof frames, "soak-frames");
    if (mkdir(frames, 0755) != 0 && errno != EEXIST)
        die("mkdir soak-frames");
    for (int i = 0; i < 60; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/frame-%03d.png", frames, i);
        if (i < 40)
            write_frame(p, texts[i], (unsigned)i);
        else
            write_empty_frame(p, (unsigned)i, i >= 50);
    }
    char run_ms[32];
    snprintf(run_ms, sizeof run_ms, "%.0f", camera_s * 1000);
    const char *argv[] = {KIOSK_BIN, "--state", big, "--camera-frames", frames, "--pace", "1",
                          "--verdict-ms", "1", "--run-ms", run_ms, "--at", AT_STR, NULL};
    spawn(&r, argv);
    r.sample_every_s = 1.0;
    r.next_sample = wall_now() + 1.0;
    pump(&r, 0, camera_s + 60);
    finish(&r);
    if (r.killed || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        die("soak: the camera run did not end well (see kiosk-stderr.log)");
    printf("   %zu verdicts\n", r.n_lines);
    print_samples("every second", &r);
    bool ok2 = r.rss[r.n_rss - 1] - r.rss[r.n_rss / 4] <= 1024;
    run_free(&r);
    printf("\nSoak: %s\n", ok1 && ok2 ? "flat" : "GROWTH (see above)");
    return ok1 && ok2 ? 0 : 1;
}

int main(int argc, char **argv)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    signal(SIGPIPE, SIG_IGN);
    if (access(KIOSK_BIN, X_OK) != 0)
        die("the kiosk binary is missing: " KIOSK_BIN);
    double t_begin = wall_now();
    W = tk_world_new();
    snprintf(root_dir, sizeof root_dir, "/tmp/tess-bench-kiosk-XXXXXX");
    if (!mkdtemp(root_dir))
        die("mkdtemp");
    printf("Tessera bench: the kiosk (%s), headless (SDL dummy video, software renderer)\n",
           KIOSK_BIN);
    if (argc > 1 && strcmp(argv[1], "--soak") == 0) {
        double camera_s = argc > 2 ? atof(argv[2]) : 120;
        int rc = soak(camera_s > 0 ? camera_s : 120);
        char rm[400];
        snprintf(rm, sizeof rm, "rm -rf '%s'", root_dir);
        if (system(rm) != 0)
            die("cleanup");
        for (int i = 0; i < DISTINCT; i++)
            free(texts[i]);
        tk_world_free(W);
        return rc;
    }
    char small[512], big[512];
    path_in(small, sizeof small, "state-small");
    path_in(big, sizeof big, "state-big");
    make_state(small, 10, 0);
    make_state(big, BIG_ISSUERS, BIG_REVOKED);
    make_texts();
    fflush(stdout);

    /* 1. start to ready */
    char one[512];
    path_in(one, sizeof one, "one.txt");
    write_texts(one, 1, 0);
    double ts[START_RUNS], tb[START_RUNS];
    for (int i = 0; i < START_RUNS; i++) {
        ts[i] = start_to_ready(small, one);
        tb[i] = start_to_ready(big, one);
    }
    double m_ts = median(ts, START_RUNS) * 1e3, m_tb = median(tb, START_RUNS) * 1e3;
    printf("\n1. Start to ready (spawn to the first verdict line, --pace 1), median of %d\n",
           START_RUNS);
    printf("   baseline: 10 issuers                          %8.1f ms\n", m_ts);
    printf("   10,000 issuers, 100,000 revoked ids           %8.1f ms   target < 1000 ms   %s\n",
           m_tb, pf(m_tb < 1000));
    fflush(stdout);

    /* 2a. peak resident memory over 2,000 verdicts */
    char rss_texts[512];
    path_in(rss_texts, sizeof rss_texts, "rss.txt");
    write_texts(rss_texts, RSS_TEXTS, 0);
    run_t r;
    run_to_end(&r, big, "--texts", rss_texts, 0, 120);
    if (!exited_ok(&r) || r.n_lines != RSS_TEXTS)
        die("2,000 texts: the kiosk did not give 2,000 verdicts (see kiosk-stderr.log)");
    double span = r.t_line[r.n_lines - 1] - r.t_line[0];
    double rate = span > 0 ? (r.n_lines - 1) / span : 1e3;
    long hwm = r.hwm_kb;
    size_t valid_2k = r.n_valid;
    run_free(&r);
    printf("\n2. Resident memory against the 10,000-issuer state\n");
    printf("   2,000 texts at --pace 1 (%zu valid): %.0f verdicts/s\n", valid_2k, rate);
    printf("   peak RSS (VmHWM, polled to the end)           %8.1f MiB  target < 64 MiB    %s\n",
           hwm / 1024.0, pf(hwm > 0 && hwm < 64 * 1024));
    fflush(stdout);

    /* 2b. the 24-hour replay, scaled down to the budget when needed */
    size_t n_replay = REPLAY_FULL;
    if (n_replay / rate > REPLAY_BUDGET_S) {
        n_replay = (size_t)(rate * REPLAY_BUDGET_S) / 1000 * 1000;
        if (n_replay < 3000)
            n_replay = 3000;
    }
    char replay[512];
    path_in(replay, sizeof replay, "replay.txt");
    write_texts(replay, n_replay, 7);
    run_to_end(&r, big, "--texts", replay, 1000, REPLAY_BUDGET_S * 3);
    if (!exited_ok(&r) || r.n_lines != n_replay || r.n_rss < 2)
        die("replay: the kiosk did not give every verdict (see kiosk-stderr.log)");
    /* judged from the first quarter on: SQLite's page cache (bounded, the
     * store's log) and the font atlas fill during the first verdicts */
    long first = r.rss[r.n_rss / 4], mid = r.rss[r.n_rss / 2], last = r.rss[r.n_rss - 1];
    long start = r.rss[0];
    double replay_s = r.t_line[r.n_lines - 1] - r.t_spawn;
    if (n_replay == REPLAY_FULL)
        printf("   24-hour replay: %zu scans (%d distinct texts cycled), %.0f s\n", n_replay,
               DISTINCT, replay_s);
    else
        printf("   24-hour replay SCALED DOWN: %zu of %d scans (%.1f h of one scan every 2 s; "
               "%d distinct texts cycled), %.0f s\n",
               n_replay, REPLAY_FULL, n_replay * 2 / 3600.0, DISTINCT, replay_s);
    printf("   VmRSS at verdict %zu / %zu / %zu / %zu:  %ld / %ld / %ld / %ld KiB  (peak %ld KiB)\n",
           r.rss_every, r.rss_every * (r.n_rss / 4 + 1), r.rss_every * (r.n_rss / 2 + 1),
           r.rss_every * r.n_rss, start, first, mid, last, r.hwm_kb);
    printf("   growth last - quarter                         %+8ld KiB  target <= +1024 KiB "
           "%s\n",
           last - first, pf(last <= first + 1024));
    run_free(&r);
    fflush(stdout);

    /* 3. per-frame processing time, frames vs texts of the same credentials */
    char frames[512], frame_texts[512];
    path_in(frames, sizeof frames, "frames");
    path_in(frame_texts, sizeof frame_texts, "frames.txt");
    if (mkdir(frames, 0755) != 0)
        die("mkdir frames");
    for (int i = 0; i < N_FRAMES; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/frame-%03d.png", frames, i);
        write_frame(p, texts[i], (unsigned)i);
    }
    write_texts(frame_texts, N_FRAMES, 0);
    size_t want_valid = 0;
    for (int i = 0; i < N_FRAMES; i++)
        want_valid += text_valid(i);
    char f0[600];
    snprintf(f0, sizeof f0, "%s/frame-000.png", frames);
    double dec = png_decode_ms(f0);
    run_to_end(&r, big, "--frames", frames, 0, 120);
    if (!exited_ok(&r))
        die("frames: the kiosk failed (see kiosk-stderr.log)");
    double mean_frame, mean_text;
    double per_frame = per_input_ms(&r, &mean_frame);
    size_t read_frames = r.n_lines, valid_frames = r.n_valid;
    run_free(&r);
    run_to_end(&r, big, "--texts", frame_texts, 0, 120);
    if (!exited_ok(&r) || r.n_lines != N_FRAMES)
        die("frame texts: the kiosk failed (see kiosk-stderr.log)");
    double per_text = per_input_ms(&r, &mean_text);
    run_free(&r);
    printf("\n3. Scan -> verdict, %d frames of %dx%d PNG at --pace 1 (median gap between "
           "verdicts - pace)\n",
           N_FRAMES, FRAME_W, FRAME_H);
    printf("   baseline: the same credentials as texts       %8.1f ms   (mean %.1f ms)\n",
           per_text, mean_text);
    printf("   frames (%zu/%d read, %zu valid of %zu expected)  %8.1f ms   target < 150 ms    %s"
           "   (mean %.1f ms)\n",
           read_frames, N_FRAMES, valid_frames, want_valid, per_frame,
           pf(read_frames == N_FRAMES && per_frame >= 0 && per_frame < 150), mean_frame);
    printf("   (of which PNG decoding, measured here: %.1f ms a frame; a camera has none)\n",
           dec);
    fflush(stdout);

    /* 4. idle CPU: one verdict, then 3 s on the idle screen */
    const char *idle_argv[] = {KIOSK_BIN, "--state", big,   "--texts", one, "--pace", "1",
                               "--verdict-ms", "100", "--at", AT_STR, NULL};
    spawn(&r, idle_argv);
    pump(&r, 1, 30);
    if (r.n_lines < 1)
        die("idle: no verdict");
    struct timespec settle = {0, 300000000};
    nanosleep(&settle, NULL); /* the verdict leaves, the idle screen is drawn */
    double c0 = proc_cpu_s(r.pid), w0 = wall_now();
    long v0 = proc_status_kb(r.pid, "voluntary_ctxt_switches");
    struct timespec three = {3, 0};
    nanosleep(&three, NULL);
    double c1 = proc_cpu_s(r.pid), w1 = wall_now();
    long v1 = proc_status_kb(r.pid, "voluntary_ctxt_switches");
    kill(r.pid, SIGTERM);
    finish(&r);
    run_free(&r);
    if (c0 < 0 || c1 < 0)
        die("idle: /proc/PID/stat");
    double cpu_pct = (c1 - c0) / (w1 - w0) * 100.0;
    printf("\n4. Idle CPU (utime+stime over %.2f s on the idle screen, after one verdict)\n",
           w1 - w0);
    printf("   CPU                                           %8.2f %%    target < 2 %%       %s\n",
           cpu_pct, pf(cpu_pct < 2.0));
    if (v0 >= 0 && v1 >= 0)
        printf("   wake-ups (voluntary context switches)         %8.0f /s\n",
               (double)(v1 - v0) / (w1 - w0));

    printf("\nSummary\n");
    printf("   %-34s %12s %12s %10s  %s\n", "measure", "baseline", "result", "target", "");
    printf("   %-34s %9.1f ms %9.1f ms %10s  %s\n", "1. start to ready (big state)", m_ts,
           m_tb, "< 1000 ms", pf(m_tb < 1000));
    printf("   %-34s %12s %8.1f MiB %10s  %s\n", "2. peak RSS, 2,000 texts", "-",
           hwm / 1024.0, "< 64 MiB", pf(hwm > 0 && hwm < 64 * 1024));
    printf("   %-34s %8ld KiB %8ld KiB %10s  %s\n",
           n_replay == REPLAY_FULL ? "2. replay RSS quarter -> last" : "2. replay (scaled) RSS",
           first, last, "+<=1 MiB", pf(last <= first + 1024));
    printf("   %-34s %9.1f ms %9.1f ms %10s  %s\n", "3. per-frame time (texts -> PNG)",
           per_text, per_frame, "< 150 ms",
           pf(read_frames == N_FRAMES && per_frame >= 0 && per_frame < 150));
    printf("   %-34s %12s %10.2f %% %10s  %s\n", "4. idle CPU", "-", cpu_pct, "< 2 %",
           pf(cpu_pct < 2.0));
    printf("   whole bench: %.0f s\n", wall_now() - t_begin);
    (void)TESSERA_BIN;

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root_dir);
    if (system(cmd) != 0)
        die("cleanup");
    for (int i = 0; i < DISTINCT; i++)
        free(texts[i]);
    tk_world_free(W);
    return 0;
}
