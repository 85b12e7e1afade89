/*
 * test_checkin_kill.c: power pulled during a stream of check-ins.
 *
 * ROUNDS times: start `tessera checkin --state DIR --event fair --json -`,
 * feed it new badges with a few duplicates of badges acknowledged before,
 * SIGKILL it after a random delay, read every line it printed (a line is
 * an acknowledgement: it is printed only after its transaction
 * committed), then open the store with the sqlite3 C API and check:
 *   - every acknowledged first check-in is in the store exactly once
 *     (looked up by its keyed hash, computed here with libsodium);
 *   - the rows new this round are the acknowledged ones plus at most one
 *     (the one committed when the kill came, before its line went out),
 *     and that one is a badge fed this round;
 *   - every acknowledged duplicate said "duplicate" with door1 and the
 *     first check-in's time;
 *   - every acknowledged line has its audit row, and the audit chain checks.
 * The next round goes on with the same store. Usage: test_checkin_kill
 * TESSERA_BINARY.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_kit.h"

#define ROUNDS 30
#define PER_ROUND 40      /* new badges fed each round */
#define DUPS_PER_ROUND 4  /* acknowledged badges fed again */
#define N_BADGES (ROUNDS * PER_ROUND)

static const char *tessera;
static char *badge_text[N_BADGES + 1];
static uint64_t acked_time[N_BADGES + 1];  /* 0: no acknowledged first check-in */

static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* The badge number of a credential id made by sk_cti, or 0. */
static uint32_t badge_of(const char *cti_hex)
{
    uint8_t cti[16], want[16];
    if (!cti_hex || tk_unhex(cti_hex, cti, sizeof cti) != 16)
        return 0;
    uint32_t n = (uint32_t)cti[12] << 24 | (uint32_t)cti[13] << 16 | (uint32_t)cti[14] << 8 |
                 cti[15];
    sk_cti(n, want);
    return memcmp(cti, want, 16) == 0 && n >= 1 && n <= N_BADGES ? n : 0;
}

typedef struct {
    sqlite3 *db;
    uint8_t secret[32];
} store_view;

static void view_open(store_view *v, const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/store.db", dir);
    assert_int_equal(sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(v->db, "SELECT secret FROM events WHERE id = 'fair'", -1,
                                        &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), 32);
    memcpy(v->secret, sqlite3_column_blob(st, 0), 32);
    sqlite3_finalize(st);
}

static long long view_int(store_view *v, const char *q)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(v->db, q, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* How many check-in rows badge n has, and its first time. */
static int rows_of_badge(store_view *v, uint32_t n, uint64_t *first_time)
{
    uint8_t cti[16], hash[32];
    sk_cti(n, cti);
    crypto_generichash(hash, sizeof hash, cti, sizeof cti, v->secret, sizeof v->secret);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(v->db,
                                        "SELECT first_time FROM checkins WHERE event = 'fair'"
                                        " AND cti_hash = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        *first_time = (uint64_t)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rows;
}

/* One round: returns the number of acknowledged lines. */
static unsigned run_round(const char *dir, unsigned round, uint32_t *next_badge,
                          long long *rows_before, unsigned *extras, unsigned *dup_acks)
{
    uint32_t first_new = *next_badge;
    /* the stream: new badges, with acknowledged ones again here and there */
    char *input = NULL;
    size_t in_len = 0;
    FILE *in = open_memstream(&input, &in_len);
    uint32_t acked_pool[N_BADGES];
    unsigned n_pool = 0;
    for (uint32_t b = 1; b < first_new; b++)
        if (acked_time[b])
            acked_pool[n_pool++] = b;
    for (unsigned i = 0; i < PER_ROUND; i++) {
        fprintf(in, "%s\n", badge_text[(*next_badge)++]);
        if (n_pool && i % (PER_ROUND / DUPS_PER_ROUND) == 3)
            fprintf(in, "%s\n", badge_text[acked_pool[rnd() % n_pool]]);
    }
    fclose(in);

    int to[2], from[2];
    assert_int_equal(pipe(to), 0);
    assert_int_equal(pipe(from), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(to[1]);
        close(from[0]);
        execl(tessera, tessera, "checkin", "--state", dir, "--event", "fair", "--kiosk", "door1",
              "--json", "-", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    /* the whole round fits the pipe (under 64 KiB) */
    assert_true(in_len < 60000);
    assert_int_equal(write(to[1], input, in_len), (ssize_t)in_len);
    free(input);
    /* a random moment: from at once to after the whole stream */
    /* (every sixth round waits long enough for the stream to get far, so
     * that duplicates are fed and answered even on a slow, loaded disk) */
    unsigned delay_us = round % 6 == 5   ? 1500000 + rnd() % 500000
                        : round % 5 == 0 ? rnd() % 2000
                                         : rnd() % 120000;
    /* under valgrind or qemu the command starts and runs slower */
    delay_us *= tk_slow();
    struct timespec ts = {(time_t)(delay_us / 1000000u), (long)(delay_us % 1000000u) * 1000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(to[1]);
    /* every line it printed before it died is an acknowledgement */
    char *out = NULL;
    size_t out_len = 0, cap = 0;
    for (;;) {
        if (out_len + 65536 > cap) {
            cap = cap ? cap * 2 : 131072;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        ssize_t n = read(from[0], out + out_len, 65536);
        if (n <= 0)
            break;
        out_len += (size_t)n;
    }
    close(from[0]);
    if (!out)
        out = calloc(1, 1);
    out[out_len] = '\0';

    store_view v;
    view_open(&v, dir);
    unsigned acks = 0, firsts = 0;
    for (char *line = out, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (!nl)
            break;   /* a half line is no acknowledgement */
        *nl = '\0';
        cJSON *j = cJSON_Parse(line);
        if (!j)
            fail_msg("round %u: not JSON: %s", round, line);
        const cJSON *cred = cJSON_GetObjectItemCaseSensitive(j, "credential");
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "checkin"));
        uint32_t b = badge_of(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cred, "cti")));
        assert_true(b > 0);
        assert_non_null(kind);
        acks++;
        if (strcmp(kind, "first") == 0) {
            /* a badge acknowledged before is never "first" again */
            assert_int_equal(acked_time[b], 0);
            assert_true(b >= first_new);
            acked_time[b] = (uint64_t)cJSON_GetNumberValue(
                cJSON_GetObjectItemCaseSensitive(j, "judged_at"));
            firsts++;
        } else if (strcmp(kind, "duplicate") == 0) {
            if (acked_time[b]) {
                assert_int_equal((uint64_t)cJSON_GetNumberValue(
                                     cJSON_GetObjectItemCaseSensitive(j, "first_time")),
                                 acked_time[b]);
            } else {
                /* committed in a round killed before its line went out */
                assert_true(b < first_new);
            }
            assert_string_equal(cJSON_GetStringValue(
                                    cJSON_GetObjectItemCaseSensitive(j, "first_kiosk")),
                                "door1");
            (*dup_acks)++;
        } else {
            fail_msg("round %u: badge %u: checkin '%s'", round, b, kind);
        }
        cJSON_Delete(j);
    }
    free(out);

    /* every acknowledged first check-in, exactly once */
    for (uint32_t b = 1; b < *next_badge; b++) {
        uint64_t t = 0;
        int rows = rows_of_badge(&v, b, &t);
        if (acked_time[b]) {
            if (rows != 1)
                fail_msg("round %u: badge %u acknowledged but has %d rows", round, b, rows);
            assert_int_equal(t, acked_time[b]);
        } else {
            assert_true(rows <= 1);
        }
    }
    long long rows_now = view_int(&v, "SELECT count(*) FROM checkins");
    long long new_rows = rows_now - *rows_before;
    if (new_rows < (long long)firsts || new_rows > firsts + 1)
        fail_msg("round %u: %lld new rows for %u acknowledged", round, new_rows, firsts);
    *extras += (unsigned)(new_rows - firsts);
    *rows_before = rows_now;
    /* and every acknowledged line has its audit row (at most one more) */
    static long long audit_before;
    long long audit = view_int(&v, "SELECT count(*) FROM audit WHERE kiosk = 'door1'");
    if (audit - audit_before < (long long)acks || audit - audit_before > acks + 1)
        fail_msg("round %u: %lld new audit rows for %u acknowledged lines", round,
                 audit - audit_before, acks);
    audit_before = audit;
    sqlite3_close(v.db);
    return acks;
}

static void test_kill(void **state)
{
    (void)state;
    tk_world *w = tk_world_new();
    char dir[256];
    sk_tempdir(dir, sizeof dir, "kill");
    sk_install_state(tessera, w, dir);
    for (uint32_t b = 1; b <= N_BADGES; b++) {
        badge_text[b] = malloc(8192);
        sk_badge(b, badge_text[b]);
    }
    /* a new seed each run, printed; TESS_KILL_SEED=N replays one */
    const char *seed = getenv("TESS_KILL_SEED");
    rng_state = seed ? (uint32_t)strtoul(seed, NULL, 10) | 1u : (uint32_t)time(NULL) | 1u;
    print_message("seed %u (TESS_KILL_SEED replays it)\n", rng_state);
    /* the event first, so the first round can die before making it */
    assert_int_equal(sk_run((const char *const[]){tessera, "event", "create", "--state", dir,
                                                  "--id", "fair", "--name", "Fair", NULL},
                            NULL, NULL),
                     0);
    uint32_t next = 1;
    long long rows = 0;
    unsigned extras = 0, dup_acks = 0, acks = 0, zero_rounds = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned a = run_round(dir, r, &next, &rows, &extras, &dup_acks);
        acks += a;
        zero_rounds += a == 0;
        if (r % 10 == 9) {
            char *out = NULL;
            int rc = sk_run((const char *const[]){tessera, "log", "check", "--state", dir, NULL},
                            NULL, &out);
            if (rc != 0)
                fail_msg("log check after round %u: %s", r, out);
            free(out);
        }
    }
    unsigned firsts = 0;
    for (uint32_t b = 1; b <= N_BADGES; b++)
        firsts += acked_time[b] != 0;
    print_message("%u rounds killed: %u lines acknowledged (%u first, %u duplicates), "
                  "%u committed but not yet acknowledged, %u rounds killed before any line\n",
                  ROUNDS, acks, firsts, dup_acks, extras, zero_rounds);
    assert_true(firsts > 0);
    assert_true(dup_acks > 0);
    assert_true(extras <= ROUNDS);
    sk_rmtree(dir);
    for (uint32_t b = 1; b <= N_BADGES; b++)
        free(badge_text[b]);
    tk_world_free(w);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: test_checkin_kill TESSERA_BINARY\n", stderr);
        return 2;
    }
    tessera = argv[1];
    if (tess_crypto_init() != TESS_OK || sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_kill)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
