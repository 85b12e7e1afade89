/*
 * test_store_merge.c: two kiosks of one event, as separate processes.
 *
 * Kiosk A (door1) creates the event and writes its file; kiosk B (door2)
 * imports it. Each checks in badges with `tessera checkin` (overlapping
 * sets, at chosen times with --at, some of them as streams run in
 * parallel); then merges A<-B, B<-A and A<-B again: the counts agree, a
 * second merge changes nothing, the earliest first check-in of each badge
 * wins on both sides, and each kiosk now sees the other's badges as
 * duplicates. Then the refusals: an event of the same id with another
 * secret, and a store whose chain was edited (exit 1, nothing changed).
 * The export is read back as CSV, and the store with the sqlite3 shell.
 * Usage: test_store_merge TESSERA_BINARY.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_kit.h"

static const char *tessera;
static char dir_a[256], dir_b[256], db_a[320], db_b[320], event_file[320];
static char badges[12][8192];

static int checkin(const char *dir, const char *kiosk, int badge, unsigned at, cJSON **json)
{
    char when[32];
    snprintf(when, sizeof when, "%u", TK_NOW + at);
    char *out = NULL;
    int rc = sk_run((const char *const[]){tessera, "checkin", "--state", dir, "--event", "fair",
                                          "--kiosk", kiosk, "--at", when, "--json", badges[badge],
                                          NULL},
                    NULL, &out);
    if (json) {
        *json = cJSON_Parse(out);
        assert_non_null(*json);
    }
    free(out);
    return rc;
}

static int run(const char *const *argv, char **out)
{
    return sk_run(argv, NULL, out);
}

static cJSON *counts(const char *dir)
{
    char *out = NULL;
    assert_int_equal(run((const char *const[]){tessera, "log", "counts", "--state", dir,
                                               "--event", "fair", "--json", NULL},
                         &out),
                     0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    free(out);
    return j;
}

static double num(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    assert_non_null(v);
    return cJSON_GetNumberValue(v);
}

static void merge(const char *into, const char *from_db, int want)
{
    char *out = NULL;
    int rc = run((const char *const[]){tessera, "log", "merge", "--state", into, from_db, NULL},
                 &out);
    if (rc != want)
        fail_msg("merge %s <- %s: exit %d, want %d: %s", into, from_db, rc, want, out);
    free(out);
}

/* A shell pipeline's output (the sqlite3 shell, as a person would). */
static long long shell_int(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    long long v = -1;
    assert_int_equal(fscanf(p, "%lld", &v), 1);
    assert_int_equal(pclose(p), 0);
    return v;
}

/* Streams badges from..to to kiosk's store in a child process. */
static pid_t stream(const char *dir, const char *kiosk, int from, int to)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *input = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&input, &len);
        for (int b = from; b <= to; b++)
            fprintf(f, "%s\n", badges[b]);
        fclose(f);
        int rc = sk_run((const char *const[]){tessera, "checkin", "--state", dir, "--event",
                                              "fair", "--kiosk", kiosk, "--json", "-", NULL},
                        input, NULL);
        _exit(rc);
    }
    return pid;
}

static void test_two_kiosks(void **state)
{
    (void)state;
    tk_world *w = tk_world_new();
    sk_tempdir(dir_a, sizeof dir_a, "door1");
    sk_tempdir(dir_b, sizeof dir_b, "door2");
    sk_install_state(tessera, w, dir_a);
    sk_install_state(tessera, w, dir_b);
    snprintf(db_a, sizeof db_a, "%s/store.db", dir_a);
    snprintf(db_b, sizeof db_b, "%s/store.db", dir_b);
    snprintf(event_file, sizeof event_file, "%s/fair.event", dir_a);
    for (int b = 0; b < 12; b++)
        sk_badge((uint32_t)(100 + b), badges[b]);

    assert_int_equal(run((const char *const[]){tessera, "event", "create", "--state", dir_a,
                                               "--id", "fair", "--name", "Job Fair", "--out",
                                               event_file, NULL},
                         NULL),
                     0);
    assert_int_equal(run((const char *const[]){tessera, "event", "import", "--state", dir_b,
                                               event_file, NULL},
                         NULL),
                     0);
    /* badge 0 at door1 @100 and door2 @50: door2's is the first */
    cJSON *j;
    assert_int_equal(checkin(dir_a, "door1", 0, 100, NULL), 0);
    assert_int_equal(checkin(dir_b, "door2", 0, 50, NULL), 0);
    /* badge 1 at door1 only, twice (duplicate, exit 3) */
    assert_int_equal(checkin(dir_a, "door1", 1, 10, NULL), 0);
    assert_int_equal(checkin(dir_a, "door1", 1, 20, &j), 3);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "checkin")),
                        "duplicate");
    assert_int_equal(num(j, "first_time"), TK_NOW + 10);
    cJSON_Delete(j);
    /* badge 2 at door2 only */
    assert_int_equal(checkin(dir_b, "door2", 2, 30, NULL), 0);
    /* an invalid text at door2: refused, exit 1 */
    char *out = NULL;
    assert_int_equal(run((const char *const[]){tessera, "checkin", "--state", dir_b, "--event",
                                               "fair", "--kiosk", "door2", "MC1:NOPE", NULL},
                         &out),
                     1);
    free(out);
    /* and two streams at once, overlapping on badges 6..7 */
    pid_t p1 = stream(dir_a, "door1", 3, 7), p2 = stream(dir_b, "door2", 6, 9);
    int s1, s2;
    waitpid(p1, &s1, 0);
    waitpid(p2, &s2, 0);
    assert_int_equal(WEXITSTATUS(s1), 0);
    assert_int_equal(WEXITSTATUS(s2), 0);

    merge(dir_a, db_b, 0);
    merge(dir_b, db_a, 0);
    merge(dir_a, db_b, 0);   /* again: nothing new */
    cJSON *ca = counts(dir_a), *cb = counts(dir_b);
    /* badges 0..9 are in; accepted scans: door1 0,1,1,3..7 = 8, door2 0,2,6..9 = 6;
     * so 14 - 10 = 4 duplicates */
    assert_int_equal(num(ca, "checked_in"), 10);
    assert_int_equal(num(ca, "duplicates"), 4);
    assert_int_equal(num(ca, "refused"), 1);
    assert_int_equal(num(cb, "checked_in"), num(ca, "checked_in"));
    assert_int_equal(num(cb, "duplicates"), num(ca, "duplicates"));
    assert_int_equal(num(cb, "refused"), num(ca, "refused"));
    cJSON_Delete(ca);
    cJSON_Delete(cb);
    /* the same rows on both sides, with the sqlite3 shell */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"SELECT count(*) FROM audit\"", db_a);
    long long rows_a = shell_int(cmd);
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"SELECT count(*) FROM audit\"", db_b);
    assert_int_equal(shell_int(cmd), rows_a);
    assert_int_equal(rows_a, 15);
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"SELECT count(*) FROM checkins c JOIN checkins d USING (event,"
             " cti_hash) WHERE c.id < d.id\"",
             db_a);
    assert_int_equal(shell_int(cmd), 0);   /* none twice */

    /* the earliest first check-in won on both sides: badge 0 at door2 @50 */
    assert_int_equal(checkin(dir_a, "door1", 0, 200, &j), 3);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "first_kiosk")),
                        "door2");
    assert_int_equal(num(j, "first_time"), TK_NOW + 50);
    cJSON_Delete(j);
    assert_int_equal(checkin(dir_b, "door2", 0, 200, &j), 3);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "first_kiosk")),
                        "door2");
    cJSON_Delete(j);
    /* door2 now sees door1's badge 1 as a duplicate */
    assert_int_equal(checkin(dir_b, "door2", 1, 210, &j), 3);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "first_kiosk")),
                        "door1");
    assert_int_equal(num(j, "first_time"), TK_NOW + 10);
    cJSON_Delete(j);
    assert_int_equal(run((const char *const[]){tessera, "log", "check", "--state", dir_a, NULL},
                         NULL),
                     0);

    /* the export: a header and every row of the event, oldest first */
    char csv[400];
    snprintf(csv, sizeof csv, "%s/fair.csv", dir_a);
    assert_int_equal(run((const char *const[]){tessera, "log", "export", "--state", dir_a,
                                               "--event", "fair", "--csv", csv, NULL},
                         NULL),
                     0);
    size_t len;
    char *text = tk_read_file(csv, &len);
    assert_true(strncmp(text, "time,time_utc,kiosk,seq,", 24) == 0);
    unsigned lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 1 + rows_a + 1);   /* header, rows, and door1's duplicate since */
    free(text);

    /* another event under the same id: refused, nothing changed */
    char dir_c[256], db_c[320];
    sk_tempdir(dir_c, sizeof dir_c, "door3");
    sk_install_state(tessera, w, dir_c);
    snprintf(db_c, sizeof db_c, "%s/store.db", dir_c);
    assert_int_equal(checkin(dir_c, "door3", 11, 5, NULL), 0);   /* makes its own "fair" */
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT count(*) FROM audit\"", db_a);
    long long before = shell_int(cmd);
    merge(dir_a, db_c, 1);
    assert_int_equal(shell_int(cmd), before);
    /* a store whose chain was edited: refused */
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"UPDATE audit SET checkin = 'first' WHERE checkin = 'duplicate'\"",
             db_b);
    assert_int_equal(system(cmd), 0);
    merge(dir_a, db_b, 1);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT count(*) FROM audit\"", db_a);
    assert_int_equal(shell_int(cmd), before);
    assert_int_equal(run((const char *const[]){tessera, "log", "check", "--state", dir_b, NULL},
                         NULL),
                     1);
    /* JSON Lines to standard output: one object a row */
    out = NULL;
    assert_int_equal(run((const char *const[]){tessera, "log", "export", "--state", dir_a,
                                               "--event", "fair", "--jsonl", "-", NULL},
                         &out),
                     0);
    unsigned objects = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *o = cJSON_Parse(line);
        assert_non_null(o);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "event")),
                            "fair");
        cJSON_Delete(o);
        objects++;
    }
    assert_int_equal(objects, rows_a + 1);
    free(out);
    /* the events, listed */
    out = NULL;
    assert_int_equal(run((const char *const[]){tessera, "event", "list", "--state", dir_a, NULL},
                         &out),
                     0);
    assert_true(strncmp(out, "fair\tJob Fair\t", 14) == 0);
    free(out);
    /* a purge of everything a year on: logged, the chains still check */
    char later[32];
    snprintf(later, sizeof later, "%u", TK_NOW + 400u * 86400u);
    out = NULL;
    assert_int_equal(run((const char *const[]){tessera, "log", "purge", "--state", dir_a,
                                               "--days", "30", "--at", later, NULL},
                         &out),
                     0);
    assert_non_null(strstr(out, "purged 16 audit rows"));
    free(out);
    assert_int_equal(run((const char *const[]){tessera, "log", "check", "--state", dir_a, NULL},
                         NULL),
                     0);
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"SELECT count(*) FROM audit WHERE verdict = 'purge'\"", db_a);
    assert_int_equal(shell_int(cmd), 1);
    sk_rmtree(dir_a);
    sk_rmtree(dir_b);
    sk_rmtree(dir_c);
    tk_world_free(w);
}

/* A store that is not a database: the verdict still comes, with
 * "checkin": "error" and exit 2, and the file is left exactly as it was. */
static void test_cli_garbage_store(void **state)
{
    (void)state;
    tk_world *w = tk_world_new();
    char dir[256], path[320];
    sk_tempdir(dir, sizeof dir, "garbage");
    sk_install_state(tessera, w, dir);
    snprintf(path, sizeof path, "%s/store.db", dir);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 37 + 11);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    fclose(f);
    sk_badge(500, badges[0]);
    cJSON *j;
    assert_int_equal(checkin(dir, "door1", 0, 1, &j), 2);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "verdict")),
                        "valid");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "checkin")),
                        "error");
    assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j,
                                                                                 "store_error")),
                           "damaged"));
    cJSON_Delete(j);
    /* a stream goes on, every line answered "error", exit 2 at the end */
    char input[2 * 8192 + 4];
    snprintf(input, sizeof input, "%s\n%s\n", badges[0], badges[0]);
    char *out = NULL;
    assert_int_equal(sk_run((const char *const[]){tessera, "checkin", "--state", dir, "--event",
                                                  "fair", "--json", "-", NULL},
                            input, &out),
                     2);
    unsigned errors = 0;
    for (const char *p = out; (p = strstr(p, "\"checkin\": \"error\"")); p++)
        errors++;
    assert_int_equal(errors, 2);
    free(out);
    size_t len;
    char *back = tk_read_file(path, &len);
    assert_int_equal(len, sizeof junk);
    assert_memory_equal(back, junk, sizeof junk);
    free(back);
    sk_rmtree(dir);
    tk_world_free(w);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: test_store_merge TESSERA_BINARY\n", stderr);
        return 2;
    }
    tessera = argv[1];
    if (tess_crypto_init() != TESS_OK)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_two_kiosks),
                                       cmocka_unit_test(test_cli_garbage_store)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
