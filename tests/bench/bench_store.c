/*
 * bench_store.c: the store (app/store/store.h) on this machine's disk, in
 * one run:
 *   - durable check-ins per second: each tess_store_record is its own
 *     transaction committed with synchronous=FULL (target >= 500/s), the
 *     median of RUNS runs;
 *   - what a check-in adds to a verdict: p50 and p99 of tess_verify alone
 *     and of tess_verify followed by tess_store_record, in the same loop
 *     (target: under 5 ms added at p99);
 *   - duplicate look-up (tess_store_checkin_find: the keyed hash and one
 *     index look-up) with 100, 10,000 and 1,000,000 check-ins stored, as
 *     ratios to the 100 case (target: flat, O(log n)). The rows past the
 *     first hundred are inserted in one transaction straight with SQLite.
 * The store lives in a directory under /tmp: on this machine the same disk
 * as the project. The machine is shared and noisy: medians.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_kit.h"

enum { RUNS = 5, PER_RUN = 600, LAT_N = 2000, PROBES = 20000, N_BADGES = 4000 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)ceil(p * (double)n) - 1;
    return v[i < n ? i : n - 1];
}

static char *texts[N_BADGES + 1];
static tk_world *W;

static tess_store *fresh(char *dir, size_t cap, const char *event)
{
    sk_tempdir(dir, cap, "bench-store");
    tess_store *s = tess_store_open(dir, "bench");
    if (!s || tess_store_status_of(s) != TESS_STORE_OK) {
        fprintf(stderr, "bench_store: %s\n", s ? tess_store_error(s) : "out of memory");
        exit(1);
    }
    tess_event ev;
    tess_event_init(&ev, event, NULL);
    if (tess_store_event_add(s, &ev) != TESS_STORE_OK) {
        fprintf(stderr, "bench_store: %s\n", tess_store_error(s));
        exit(1);
    }
    return s;
}

static void record_or_die(tess_store *s, const char *event, const tess_verdict *v, uint64_t t)
{
    tess_checkin c;
    if (tess_store_record(s, event, v, t, &c) != TESS_STORE_OK) {
        fprintf(stderr, "bench_store: %s\n", tess_store_error(s));
        exit(1);
    }
}

/* The disk's own pace: 4 KiB written and fdatasync'ed, the least a durable
 * commit costs. The store cannot beat it; printed beside its numbers. */
static double disk_syncs_per_s(void)
{
    char path[] = "/tmp/tess-bench-sync-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    char page[4096];
    memset(page, 0x5a, sizeof page);
    const int n = 300;
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        if (pwrite(fd, page, sizeof page, (off_t)i * 4096) != (ssize_t)sizeof page ||
            fdatasync(fd) != 0)
            break;
    double dt = now_s() - t0;
    close(fd);
    unlink(path);
    return n / dt;
}

static void bench_throughput(void)
{
    double rates[RUNS];
    for (int r = 0; r < RUNS; r++) {
        char dir[256];
        tess_store *s = fresh(dir, sizeof dir, "fair");
        /* verdicts made beforehand: this is the store alone */
        double t0 = now_s();
        for (int i = 0; i < PER_RUN; i++) {
            uint32_t b = (uint32_t)(1 + (r * PER_RUN + i) % N_BADGES);
            if (tk_verify(W, texts[b], TK_NOW) != TESS_OK)
                exit(1);
            record_or_die(s, "fair", &W->verdict, TK_NOW + (uint64_t)i);
            tess_store_idle(s);
        }
        double dt = now_s() - t0;
        rates[r] = PER_RUN / dt;
        tess_store_close(s);
        sk_rmtree(dir);
    }
    double med = pct(rates, RUNS, 0.5);
    printf("durable check-ins (verify + one synchronous=FULL transaction each): %.0f/s median of "
           "%d runs of %d (min %.0f, max %.0f)   target >= 500/s  %s\n",
           med, RUNS, PER_RUN, rates[0], rates[RUNS - 1], med >= 500 ? "MET" : "MISSED");
}

static void bench_latency(void)
{
    char dir[256];
    tess_store *s = fresh(dir, sizeof dir, "fair");
    double *ver = malloc(LAT_N * sizeof *ver), *both = malloc(LAT_N * sizeof *both);
    for (int i = 0; i < LAT_N; i++) {
        uint32_t b = (uint32_t)(1 + i % N_BADGES);
        double t0 = now_s();
        if (tk_verify(W, texts[b], TK_NOW) != TESS_OK)
            exit(1);
        double t1 = now_s();
        record_or_die(s, "fair", &W->verdict, TK_NOW + (uint64_t)i);
        double t2 = now_s();
        ver[i] = (t1 - t0) * 1e3;
        both[i] = (t2 - t0) * 1e3;
        tess_store_idle(s);   /* as the kiosk does once the verdict is shown */
    }
    double v50 = pct(ver, LAT_N, 0.5), v99 = pct(ver, LAT_N, 0.99);
    double b50 = pct(both, LAT_N, 0.5), b99 = pct(both, LAT_N, 0.99);
    printf("verify alone:            p50 %.3f ms  p99 %.3f ms\n", v50, v99);
    printf("verify + check-in:       p50 %.3f ms  p99 %.3f ms  (x%.1f at p99)\n", b50, b99,
           b99 / v99);
    printf("a check-in adds:         p50 %.3f ms  p99 %.3f ms   target < 5 ms at p99  %s\n",
           b50 - v50, b99 - v99, b99 - v99 < 5.0 ? "MET" : "MISSED");
    free(ver);
    free(both);
    tess_store_close(s);
    sk_rmtree(dir);
}

/* Fills the store's check-ins of the event up to `total` rows with random
 * keyed hashes, in one transaction. */
static void fill_to(const char *path, long long have, long long total)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        exit(1);
    /* setup only: a big cache for the random inserts into the index */
    sqlite3_exec(db, "PRAGMA cache_size = -262144; BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO checkins(event, cti_hash, first_time, first_kiosk, first_seq,"
                       " last_time, entries) VALUES ('fair', randomblob(32), ?, 'filler', 0, ?, 1)",
                       -1, &st, NULL);
    for (long long i = have; i < total; i++) {
        sqlite3_bind_int64(st, 1, TK_NOW + i);
        sqlite3_bind_int64(st, 2, TK_NOW + i);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "bench_store: fill: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}

static double lookup_us(tess_store *s, int known)
{
    double *t = malloc(PROBES * sizeof *t);
    uint8_t cti[16];
    for (int round = 0; round < 3; round++) {   /* the first round warms the cache */
        for (int i = 0; i < PROBES; i++) {
            sk_cti((uint32_t)(1 + (i * 7919) % known), cti);
            bool found;
            tess_checkin first;
            double t0 = now_s();
            if (tess_store_checkin_find(s, "fair", cti, &found, &first) != TESS_STORE_OK ||
                !found)
                exit(1);
            t[i] = (now_s() - t0) * 1e6;
        }
    }
    double med = pct(t, PROBES, 0.5);
    free(t);
    return med;
}

static void bench_lookup(void)
{
    char dir[256], path[320];
    tess_store *s = fresh(dir, sizeof dir, "fair");
    snprintf(path, sizeof path, "%s/store.db", dir);
    const int known = 100;
    for (int b = 1; b <= known; b++) {
        if (tk_verify(W, texts[b], TK_NOW) != TESS_OK)
            exit(1);
        record_or_die(s, "fair", &W->verdict, TK_NOW + (uint64_t)b);
    }
    static const long long sizes[] = {100, 10000, 1000000};
    double base = 0;
    long long have = known;
    for (size_t i = 0; i < 3; i++) {
        double t0 = now_s();
        fill_to(path, have, sizes[i]);
        double fill_s = now_s() - t0;
        have = sizes[i];
        double us = lookup_us(s, known);
        if (i == 0)
            base = us;
        printf("duplicate look-up, %8lld stored: %.2f us median  x%.2f of 100   (fill %.1f s)%s\n",
               sizes[i], us, us / base, fill_s,
               i == 2 ? (us / base < 3.0 ? "   target flat (O(log n))  MET"
                                         : "   target flat (O(log n))  MISSED")
                      : "");
    }
    tess_store_close(s);
    sk_rmtree(dir);
}

int main(void)
{
    if (tess_crypto_init() != TESS_OK)
        return 1;
    W = tk_world_new();
    for (uint32_t b = 1; b <= N_BADGES; b++) {
        texts[b] = malloc(8192);
        sk_badge(b, texts[b]);
    }
    printf("== store (app/store): SQLite %s, WAL, synchronous=FULL, in /tmp\n",
           sqlite3_libversion());
    printf("this disk now: %.0f synchronous 4 KiB writes per second (write + fdatasync; "
           "the bound of any durable commit)\n",
           disk_syncs_per_s());
    bench_throughput();
    bench_latency();
    bench_lookup();
    for (uint32_t b = 1; b <= N_BADGES; b++)
        free(texts[b]);
    tk_world_free(W);
    return 0;
}
