/*
 * bench_bundle.c: trust bundles at scale, through the kiosk's own code
 * (state_install, state_load, tess_verify), in one run:
 *   - load of an installed bundle with 10,000 issuers and 1,000,000 revoked
 *     ids: CPU time (target under 10 ms), beside the load of a 10-issuer
 *     bundle measured in the same run;
 *   - resident memory of a process that loads it and verifies 10,000
 *     credentials (target: at most the bundle's size plus 1 MiB);
 *   - verification against it, as a ratio to verification against the
 *     10-issuer bundle, alternating rounds (target >= 0.95).
 * Medians of repeated runs; the machine is shared and noisy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "testkit.h"

enum { BIG_ISSUERS = 10000, BIG_REVOKED = 1000000, ROUNDS = 15 };

static tk_world *W;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void die(const char *what)
{
    fprintf(stderr, "bench_bundle: %s\n", what);
    exit(2);
}

/* A bundle with the world's issuer and n_issuers - 1 others, n_revoked
 * random ids (never the credential's), installed into dir. */
static size_t make_state(const char *dir, size_t n_issuers, size_t n_revoked)
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
        revoked[i][0] |= 0x80; /* the test credential's cti starts 0x5e */
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
    double t0 = wall_now();
    state_install(dir, root_path, file, file_len, &r);
    if (r.reason != TESS_OK || r.error)
        die(r.message);
    printf("  installed %zu issuers, %zu revoked: %.1f MB in %.0f ms (signatures checked in full)\n",
           n_issuers, n_revoked, file_len / 1e6, (wall_now() - t0) * 1e3);
    free(issuers);
    free(revoked);
    free(payload);
    free(file);
    free(scratch);
    return file_len;
}

static double load_ms(const char *dir)
{
    kiosk_state s;
    char err[1400];
    double t0 = cpu_now();
    if (!state_load(&s, dir, err, sizeof err))
        die(err);
    double t = cpu_now() - t0;
    state_close(&s);
    return t * 1e3;
}

/* Verifications per second against the state in dir, over ~0.2 s. */
static double rate(kiosk_state *s, const char *text)
{
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    size_t len = strlen(text), n = 0;
    double t0 = wall_now(), t;
    do {
        for (int i = 0; i < 100; i++, n++)
            if (tess_verify(&W->verifier, text, len, &s->bundle, &clock, &W->verdict) != TESS_OK)
                die("verify");
    } while ((t = wall_now() - t0) < 0.2);
    return n / t;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2)
        die("statm");
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static const char *verdict(int ok)
{
    return ok ? "PASS" : "FAIL";
}

int main(void)
{
    W = tk_world_new();
    char small[] = "/tmp/tess-bench-small-XXXXXX", big[] = "/tmp/tess-bench-big-XXXXXX";
    if (!mkdtemp(small) || !mkdtemp(big))
        die("mkdtemp");
    /* the state directories are made by the install itself */
    rmdir(small);
    rmdir(big);
    printf("Tessera bench: trust bundles at scale\n");
    size_t small_len = make_state(small, 10, 0);
    size_t big_len = make_state(big, BIG_ISSUERS, BIG_REVOKED);
    (void)small_len;

    double ls[ROUNDS], lb[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        ls[i] = load_ms(small);
        lb[i] = load_ms(big);
    }
    double m_small = median(ls, ROUNDS), m_big = median(lb, ROUNDS);
    printf("\nLoad (state_load: map, check structure, index 10,000 issuers), CPU, median of %d\n",
           ROUNDS);
    printf("  10 issuers                     %8.3f ms\n", m_small);
    printf("  10,000 issuers, 1,000,000 ids  %8.3f ms   (%.1fx the small one)   target < 10 ms   %s\n",
           m_big, m_big / m_small, verdict(m_big < 10.0));

    /* Resident memory, in a child that loads the big state and verifies. */
    tess_credential cr;
    tk_default_cred(&cr);
    static char text[8192];
    tk_issue(&cr, &W->issuer, text);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        long before = rss_kb();
        kiosk_state s;
        char err[1400];
        if (!state_load(&s, big, err, sizeof err))
            _exit(2);
        tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
        for (int i = 0; i < 10000; i++) {
            /* a different cti each time: the searches touch many pages */
            uint8_t cti[16];
            tess_random(cti, 16);
            if (tess_bundle_is_revoked(&s.bundle, cti) && cti[0] < 0x80)
                _exit(3);
            if (tess_verify(&W->verifier, text, strlen(text), &s.bundle, &clock, &W->verdict) !=
                TESS_OK)
                _exit(4);
        }
        long grown = rss_kb() - before;
        double limit_kb = big_len / 1024.0 + 1024.0;
        printf("\nResident memory of a process that loads it and runs 10,000 verifications and "
               "10,000 look-ups of random ids\n");
        printf("  grew by %ld KiB; the bundle is %.0f KiB   (%.2f of bundle + 1 MiB)   target <= 1   %s\n",
               grown, big_len / 1024.0, grown / limit_kb, verdict(grown <= limit_kb));
        fflush(stdout);
        state_close(&s);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("resident-memory child failed");

    kiosk_state ss, sb;
    char err[1400];
    if (!state_load(&ss, small, err, sizeof err) || !state_load(&sb, big, err, sizeof err))
        die(err);
    double rs[ROUNDS], rb[ROUNDS], ratio[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        rs[i] = rate(&ss, text);
        rb[i] = rate(&sb, text);
        ratio[i] = rb[i] / rs[i];
    }
    double mr = median(ratio, ROUNDS);
    printf("\nVerification (tess_verify, text to verdict), %d alternating rounds of 0.2 s\n", ROUNDS);
    printf("  against 10 issuers             %8.0f /s\n", median(rs, ROUNDS));
    printf("  against 10,000 / 1,000,000     %8.0f /s\n", median(rb, ROUNDS));
    printf("  ratio (median of per-round ratios): %.3f   target >= 0.95   %s\n", mr,
           verdict(mr >= 0.95));
    state_close(&ss);
    state_close(&sb);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s.root' '%s.root'", small, big, small, big);
    if (system(cmd) != 0)
        die("cleanup");
    tk_world_free(W);
    return 0;
}
