/*
 * test_config: the kiosk's settings file and admin PIN (app/kiosk/config.c).
 * Tables of files, each with what it must set or the line it must report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char dir[64];
static char path[128];

static void put_file(const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void put_text(const char *text)
{
    put_file(text, strlen(text));
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Field by field: memcmp would also compare padding. */
static void assert_same(const kiosk_config *a, const kiosk_config *b)
{
    assert_int_equal(a->mode, b->mode);
    assert_int_equal(a->language, b->language);
    assert_int_equal(a->stale_policy, b->stale_policy);
    assert_int_equal(a->verdict_seconds, b->verdict_seconds);
    assert_int_equal(a->sounds, b->sounds);
    assert_int_equal(a->volume, b->volume);
    assert_string_equal(a->admin_pin_hash, b->admin_pin_hash);
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
    assert_int_equal(a->fullscreen, b->fullscreen);
}

/* Expects exactly one problem, on line `line`, mentioning `what`. */
static void assert_one_problem(const char *problems, unsigned line, const char *what)
{
    char where[160];
    snprintf(where, sizeof where, "%s:%u: ", path, line);
    if (strncmp(problems, where, strlen(where)) != 0 || count_lines(problems) != 1 ||
        (what && !strstr(problems, what)))
        fail_msg("expected one problem at %s about '%s', got: %s", where, what ? what : "",
                 problems);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/tess-config-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/kiosk.conf", dir);
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    rmdir(dir);
    return 0;
}

static void test_defaults(void **state)
{
    kiosk_config c;
    memset(&c, 0xA5, sizeof c);
    config_defaults(&c);
    assert_int_equal(c.mode, MODE_VERIFY);
    assert_int_equal(c.language, LANG_EN);
    assert_int_equal(c.stale_policy, STALE_UNDECIDED);
    assert_int_equal(c.verdict_seconds, 5);
    assert_true(c.sounds);
    assert_int_equal(c.volume, 50);
    assert_string_equal(c.admin_pin_hash, "");
    assert_int_equal(c.width, 0);
    assert_int_equal(c.height, 0);
    assert_true(c.fullscreen);
    assert_false(config_pin_ok(&c, "1234"));
    assert_string_equal(c.issue_key, "");
    assert_string_equal(c.issue_iss, "");
    assert_string_equal(c.templates_dir, "");
    assert_int_equal(c.issue_lock_minutes, 10);
    assert_false(c.issue_keep_names);
}

/* Issue mode's settings: paths, the issuer's id, at their limits. */
static void test_issue_settings(void **state)
{
    (void)state;
    put_text("issue_key = /etc/tessera/issuer.key\n"
             "issue_iss = https://academy.example\n"
             "templates_dir = /usr/share/tessera/templates\n"
             "issue_lock_minutes = 240\n"
             "issue_keep_names = yes\n");
    kiosk_config c;
    char problems[512] = "";
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("%s", problems);
    assert_string_equal(c.issue_key, "/etc/tessera/issuer.key");
    assert_string_equal(c.issue_iss, "https://academy.example");
    assert_string_equal(c.templates_dir, "/usr/share/tessera/templates");
    assert_int_equal(c.issue_lock_minutes, 240);
    assert_true(c.issue_keep_names);
    /* a path of CONFIG_MAX_PATH - 1 bytes is taken, one more is not */
    char line[CONFIG_MAX_PATH + 32], text[CONFIG_MAX_PATH + 64];
    memset(line, 'k', sizeof line);
    line[0] = '/';
    line[CONFIG_MAX_PATH - 1] = '\0';
    snprintf(text, sizeof text, "issue_key = %s\n", line);
    put_text(text);
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("%s", problems);
    assert_int_equal(strlen(c.issue_key), CONFIG_MAX_PATH - 1);
    line[CONFIG_MAX_PATH - 1] = 'k';
    line[CONFIG_MAX_PATH] = '\0';
    snprintf(text, sizeof text, "issue_key = %s\n", line);
    put_text(text);
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_non_null(strstr(problems, "an absolute path"));
    assert_string_equal(c.issue_key, "");
}

/* A hash of "2468" at the interactive limits, made once with
 * config_pin_hash (crypto_pwhash_str, argon2id). */
#define HASH_2468 \
    "$argon2id$v=19$m=65536,t=2,p=1$APgnjb9LArt2cQG6QoTqxQ$HGOeRKME6EolqtaJ5HLYbH5DbLrcDFmXl6TCRkT4Qb0"

static void test_full_file(void **state)
{
    put_text("# every key, none at its default\n"
             "\n"
             "mode = verify\n"
             "language = de\n"
             "   stale_policy=refuse   \n"
             "verdict_seconds = 60\n"
             "\tsounds\t=\toff\n"
             "volume = 0\n"
             "admin_pin_hash = " HASH_2468 "\n"
             "width = 8192\n"
             "height = 160\n"
             "fullscreen = no"); /* no line end on the last line */
    kiosk_config c;
    char problems[1024];
    bool ok = config_load(path, &c, problems, sizeof problems);
    if (!ok)
        fail_msg("problems: %s", problems);
    assert_string_equal(problems, "");
    assert_int_equal(c.mode, MODE_VERIFY);
    assert_int_equal(c.language, LANG_DE);
    assert_int_equal(c.stale_policy, STALE_REFUSE);
    assert_int_equal(c.verdict_seconds, 60);
    assert_false(c.sounds);
    assert_int_equal(c.volume, 0);
    assert_string_equal(c.admin_pin_hash, HASH_2468);
    assert_int_equal(c.width, 8192);
    assert_int_equal(c.height, 160);
    assert_false(c.fullscreen);
    assert_true(config_pin_ok(&c, "2468"));
    assert_false(config_pin_ok(&c, "2469"));
}

/* Each good value, alone in a file: the setting it gives, read back. */
static const struct {
    const char *line;
    const char *field;
    long want;
} good[] = {
    {"mode = verify", "mode", MODE_VERIFY},
    {"language = en", "language", LANG_EN},
    {"language = es", "language", LANG_ES},
    {"language = fr", "language", LANG_FR},
    {"language = de", "language", LANG_DE},
    {"stale_policy = decide", "stale_policy", STALE_DECIDE},
    {"stale_policy = undecided", "stale_policy", STALE_UNDECIDED},
    {"stale_policy = refuse", "stale_policy", STALE_REFUSE},
    {"verdict_seconds = 1", "verdict_seconds", 1},
    {"verdict_seconds = 2", "verdict_seconds", 2},
    {"verdict_seconds = 59", "verdict_seconds", 59},
    {"verdict_seconds = 60", "verdict_seconds", 60},
    {"verdict_seconds = 007", "verdict_seconds", 7},
    {"sounds = on", "sounds", 1},
    {"sounds = off", "sounds", 0},
    {"volume = 0", "volume", 0},
    {"volume = 1", "volume", 1},
    {"volume = 99", "volume", 99},
    {"volume = 100", "volume", 100},
    {"width = 0", "width", 0},
    {"width = 160", "width", 160},
    {"width = 161", "width", 161},
    {"width = 8191", "width", 8191},
    {"width = 8192", "width", 8192},
    {"height = 0", "height", 0},
    {"height = 160", "height", 160},
    {"height = 8192", "height", 8192},
    {"fullscreen = yes", "fullscreen", 1},
    {"fullscreen = no", "fullscreen", 0},
    {"volume=7", "volume", 7},
    {"volume = 7 \t", "volume", 7},
    {"issue_lock_minutes = 1", "issue_lock_minutes", 1},
    {"issue_lock_minutes = 2", "issue_lock_minutes", 2},
    {"issue_lock_minutes = 239", "issue_lock_minutes", 239},
    {"issue_lock_minutes = 240", "issue_lock_minutes", 240},
    {"issue_keep_names = yes", "issue_keep_names", 1},
    {"issue_keep_names = no", "issue_keep_names", 0},
};

static long field_of(const kiosk_config *c, const char *field)
{
    if (!strcmp(field, "mode")) return c->mode;
    if (!strcmp(field, "language")) return c->language;
    if (!strcmp(field, "stale_policy")) return c->stale_policy;
    if (!strcmp(field, "verdict_seconds")) return (long)c->verdict_seconds;
    if (!strcmp(field, "sounds")) return c->sounds;
    if (!strcmp(field, "volume")) return (long)c->volume;
    if (!strcmp(field, "width")) return c->width;
    if (!strcmp(field, "height")) return c->height;
    if (!strcmp(field, "fullscreen")) return c->fullscreen;
    if (!strcmp(field, "issue_lock_minutes")) return (long)c->issue_lock_minutes;
    if (!strcmp(field, "issue_keep_names")) return c->issue_keep_names;
    fail_msg("no field %s", field);
    return -1;
}

static void test_good_values(void **state)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s\n", good[i].line);
        put_text(text);
        kiosk_config c;
        char problems[512];
        if (!config_load(path, &c, problems, sizeof problems))
            fail_msg("'%s': %s", good[i].line, problems);
        if (field_of(&c, good[i].field) != good[i].want)
            fail_msg("'%s': got %ld", good[i].line, field_of(&c, good[i].field));
    }
}

/* Each bad value, on line 3 after a comment and a blank line: the key keeps
 * its default and the line is reported. Boundaries at N-1 and N+1. */
static const char *const bad[] = {
    "mode = Verify",
    "mode = scan",
    "mode = verify checkin",
    "mode =",
    "mode = verify # the default",
    "language = EN",
    "language = it",
    "language = english",
    "language = ",
    "stale_policy = ignore",
    "stale_policy = Decide",
    "stale_policy = undecide",
    "verdict_seconds = 0",
    "verdict_seconds = 61",
    "verdict_seconds = -1",
    "verdict_seconds = +5",
    "verdict_seconds = 5s",
    "verdict_seconds = 5.0",
    "verdict_seconds = 1e1",
    "verdict_seconds = 0x05",
    "verdict_seconds = 4294967301",
    "verdict_seconds = 99999999999999999999",
    "verdict_seconds = 5 5",
    "verdict_seconds =",
    "sounds = yes",
    "sounds = ON",
    "sounds = 1",
    "sounds = true",
    "volume = 101",
    "volume = -1",
    "volume = 50%",
    "volume = loud",
    "admin_pin_hash = 2468",
    "admin_pin_hash = $argon2id$",
    "admin_pin_hash = $argon2id$v=19$m=65536,t=2,p=1$garbage",
    "admin_pin_hash = $argon2i$v=19$m=32768,t=4,p=1$a1VmR0VmSnJzc1NwVUpuSQ$RHdqSzgb2L4MO6kdMQxmrpmx5CGvMeZ5V4r7hLbLPD4",
    "admin_pin_hash = $7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D",
    "admin_pin_hash = " HASH_2468 "!",
    "admin_pin_hash = " HASH_2468 HASH_2468,
    "admin_pin_hash =",
    "width = 159",
    "width = 1",
    "width = 8193",
    "width = -800",
    "width = 800px",
    "height = 159",
    "height = 8193",
    "height = -1",
    "fullscreen = on",
    "fullscreen = true",
    "fullscreen = 1",
    "fullscreen = YES",
    "event = job fair",
    "event = jobfair/2026",
    "event = ",
    "event = 0123456789012345678901234567890123456789012345678901234567890123x",
    "event = f\xc3\xa9te",
    "kiosk_id = 01234567890123456789012345678901234567890123456789012345678901234",
    "retention_days = 36501",
    "retention_days = -1",
    "retention_days = 30d",
    "gpio_chip = chip0",
    "gpio_chip = gpiochip 0",
    "gpio_chip = gpiochipA",
    "gpio_relay = -1",
    "gpio_relay = 1024",
    "gpio_green = GPIO17",
    "relay_active_low = on",
    "door_open_seconds = 0",
    "door_open_seconds = 61",
    "roles_dir = roles",
    "skills_table = ../skills.tsv",
    "access_list = door.access",
    "match_session_seconds = 9",
    "match_session_seconds = 3601",
    "door_name = 01234567890123456789012345678901234567890123456789012345678901234",
    "issue_key = issuer.key",
    "templates_dir = templates",
    "issue_iss = academy example",
    "issue_iss = academy.example",
    "issue_lock_minutes = 0",
    "issue_lock_minutes = 241",
    "issue_keep_names = on",
};

static void test_bad_values(void **state)
{
    kiosk_config d;
    config_defaults(&d);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "# a comment\n\n%s\n", bad[i]);
        put_text(text);
        kiosk_config c;
        char problems[1024];
        if (config_load(path, &c, problems, sizeof problems))
            fail_msg("'%s' was accepted", bad[i]);
        assert_one_problem(problems, 3, "bad value");
        assert_same(&c, &d);
    }
}

/* Lines that are wrong whatever the key. */
static const struct {
    const char *text;
    unsigned line;
    const char *what;
} wrong[] = {
    {"colour = blue\n", 1, "unknown key 'colour'"},
    {"Mode = verify\n", 1, "unknown key 'Mode'"},
    {"volume 50\n", 1, "expected `key = value`"},
    {"= 50\n", 1, "unknown key ''"},
    {"volume = 20\nwidth = 800\nvolume = 30\n", 3, "duplicate key volume (first on line 1)"},
    {"volume = 101\nvolume = 30\n", 1, "bad value"}, /* and a duplicate on line 2 */
    {"volume = 20\r\nvol\x1b[2Jume = 30\n", 2, "control character 0x1b"},
    {"volume = 20\r\r\n", 1, "control character 0x0d"},
};

static void test_wrong_lines(void **state)
{
    kiosk_config d;
    config_defaults(&d);
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        put_text(wrong[i].text);
        kiosk_config c;
        char problems[1024];
        assert_false(config_load(path, &c, problems, sizeof problems));
        char where[160];
        snprintf(where, sizeof where, "%s:%u: ", path, wrong[i].line);
        if (strncmp(problems, where, strlen(where)) != 0 || !strstr(problems, wrong[i].what))
            fail_msg("case %zu: expected %s%s, got: %s", i, where, wrong[i].what, problems);
    }
}

static void test_duplicate_keeps_default(void **state)
{
    put_text("volume = 20\nfullscreen = no\nvolume = 30\nvolume = 40\n");
    kiosk_config c;
    char problems[1024];
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_int_equal(c.volume, 50); /* neither 20 nor 30 nor 40 */
    assert_false(c.fullscreen);     /* the other keys are kept */
    assert_int_equal(count_lines(problems), 2);
    char want[160];
    snprintf(want, sizeof want, "%s:3: ", path);
    assert_non_null(strstr(problems, want));
    snprintf(want, sizeof want, "%s:4: ", path);
    assert_non_null(strstr(problems, want));
}

static void test_missing_file(void **state)
{
    unlink(path);
    kiosk_config c, d;
    config_defaults(&d);
    memset(&c, 0x5A, sizeof c);
    char problems[512];
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_same(&c, &d);
    assert_non_null(strstr(problems, path));
    assert_non_null(strstr(problems, "cannot open"));
    /* A directory opens but cannot be read. */
    assert_false(config_load(dir, &c, problems, sizeof problems));
    assert_same(&c, &d);
}

static void test_crlf(void **state)
{
    put_text("\xEF\xBB\xBF# written on Windows\r\n\r\nlanguage = fr\r\nvolume = 75\r\n"
             "fullscreen = no\r\n");
    kiosk_config c;
    char problems[512];
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("problems: %s", problems);
    assert_int_equal(c.language, LANG_FR);
    assert_int_equal(c.volume, 75);
    assert_false(c.fullscreen);
}

/* CONFIG_MAX_LINE bytes pass, one more does not (with LF and CRLF). */
static void test_line_length(void **state)
{
    static const struct {
        size_t len;
        const char *end;
        bool ok;
    } cases[] = {
        {CONFIG_MAX_LINE - 1, "\n", true}, {CONFIG_MAX_LINE, "\n", true},
        {CONFIG_MAX_LINE + 1, "\n", false}, {CONFIG_MAX_LINE, "\r\n", true},
        {CONFIG_MAX_LINE + 1, "\r\n", false}, {CONFIG_MAX_LINE, "", true},
        {CONFIG_MAX_LINE + 1, "", false}, {10 * 1024, "\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* "volume = 70" padded with blanks to len bytes, after a good line. */
        static char text[12 * 1024];
        size_t n = (size_t)snprintf(text, sizeof text, "language = es\n");
        memcpy(text + n, "volume = 70", 11);
        memset(text + n + 11, ' ', cases[i].len - 11);
        n += cases[i].len;
        n += (size_t)snprintf(text + n, sizeof text - n, "%s", cases[i].end);
        if (*cases[i].end)
            n += (size_t)snprintf(text + n, sizeof text - n, "height = 480\n");
        put_file(text, n);
        kiosk_config c;
        char problems[512];
        bool ok = config_load(path, &c, problems, sizeof problems);
        if (ok != cases[i].ok)
            fail_msg("case %zu (%zu bytes): %s", i, cases[i].len, problems);
        assert_int_equal(c.language, LANG_ES);
        assert_int_equal(c.volume, cases[i].ok ? 70 : 50);
        if (*cases[i].end)
            assert_int_equal(c.height, 480); /* the next line is still read */
        if (!cases[i].ok)
            assert_one_problem(problems, 2, "line too long");
    }
}

static void test_binary(void **state)
{
    /* An image saved under the wrong name: a PNG header, then bytes. */
    static char bytes[4096];
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    memcpy(bytes, png, sizeof png - 1);
    for (size_t i = sizeof png - 1; i < sizeof bytes; i++)
        bytes[i] = (char)(i * 131 + 7);
    put_file(bytes, sizeof bytes);
    kiosk_config c, d;
    config_defaults(&d);
    char problems[512];
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_same(&c, &d);
    assert_one_problem(problems, 3, "not a text file"); /* after "\r\n" and "\x1a\n" */

    /* Good lines around a NUL: none of them is used. */
    static const char mixed[] = "volume = 10\r\nwidth\0 = 800\nheight = 600\n";
    put_file(mixed, sizeof mixed - 1);
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_same(&c, &d);
    assert_one_problem(problems, 2, "not a text file");

    /* A NUL on the last line, with no line end. */
    static const char last[] = "volume = 10\n\nvolume = 2\0";
    put_file(last, sizeof last - 1);
    assert_false(config_load(path, &c, problems, sizeof problems));
    assert_same(&c, &d);
    assert_one_problem(problems, 3, "not a text file");
}

static void test_modes_not_yet(void **state)
{
    /* every mode works but issue, which admin starts */
    static const struct {
        const char *name;
        kiosk_mode mode;
        bool warns;
    } modes[] = {{"verify", MODE_VERIFY, false},
                 {"checkin", MODE_CHECKIN, false},
                 {"match", MODE_MATCH, false},
                 {"access", MODE_ACCESS, false},
                 {"issue", MODE_ISSUE, true}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "\nmode = %s\n", modes[i].name);
        put_text(text);
        kiosk_config c;
        char problems[512] = "";
        assert_int_equal(config_load(path, &c, problems, sizeof problems), !modes[i].warns);
        assert_int_equal(c.mode, modes[i].mode);
        if (modes[i].warns)
            assert_one_problem(problems, 2, "admin");
        assert_string_equal(config_mode_name(c.mode), modes[i].name);
    }
}

/* Check-in mode works: its settings, at their limits. */
static void test_checkin_settings(void **state)
{
    put_text("mode = checkin\n"
             "event = 0123456789012345678901234567890123456789012345678901234567890123\n"
             "kiosk_id = door 2 (north entrance)\n"
             "retention_days = 36500\n");
    kiosk_config c;
    char problems[512] = "";
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("%s", problems);
    assert_int_equal(c.mode, MODE_CHECKIN);
    assert_int_equal(strlen(c.event), 64);
    assert_string_equal(c.kiosk_id, "door 2 (north entrance)");
    assert_int_equal(c.retention_days, 36500);
    put_text("gpio_chip = gpiochip0\ngpio_relay = 17\ngpio_green = 22\ngpio_red = none\n"
             "gpio_buzzer = 1023\nrelay_active_low = no\ndoor_open_seconds = 60\n");
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("%s", problems);
    assert_string_equal(c.gpio_chip, "gpiochip0");
    assert_int_equal(c.gpio_line[0], 17);
    assert_int_equal(c.gpio_line[1], 22);
    assert_int_equal(c.gpio_line[2], -1);
    assert_int_equal(c.gpio_line[3], 1023);
    assert_false(c.relay_active_low);
    assert_int_equal(c.door_open_seconds, 60);
    put_text("mode = match\nroles_dir = /srv/roles\nskills_table = /srv/skills.tsv\n"
             "match_session_seconds = 3600\naccess_list = /etc/tessera/door.access\n"
             "door_name = workshop room\n");
    problems[0] = '\0';
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("%s", problems);
    assert_string_equal(c.roles_dir, "/srv/roles");
    assert_string_equal(c.skills_table, "/srv/skills.tsv");
    assert_int_equal(c.match_session_seconds, 3600);
    assert_string_equal(c.access_list, "/etc/tessera/door.access");
    assert_string_equal(c.door_name, "workshop room");
    assert_true(config_event_id_ok("jobfair-2026:hall_B.1"));
    assert_false(config_event_id_ok("job fair"));
    assert_false(config_event_id_ok(""));
}

/* A small problems buffer is cut but always terminated; none at all is fine. */
static void test_small_problems_buffer(void **state)
{
    put_text("a = 1\nb = 2\nc = 3\n");
    kiosk_config c;
    char small[16];
    memset(small, 'x', sizeof small);
    assert_false(config_load(path, &c, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_false(config_load(path, &c, NULL, 0));
    char one[1] = {'x'};
    assert_false(config_load(path, &c, one, sizeof one));
    assert_int_equal(one[0], '\0');
}

static void test_pin(void **state)
{
    kiosk_config c;
    config_defaults(&c);
    /* No hash: no admin access, whatever the PIN. */
    assert_false(config_pin_ok(&c, "2468"));
    assert_false(config_pin_ok(&c, ""));

    char hash[CONFIG_PIN_HASH_BYTES];
    assert_true(config_pin_hash("2468", hash));
    assert_memory_equal(hash, "$argon2id$", 10);
    char line[256];
    snprintf(line, sizeof line, "admin_pin_hash = %s\n", hash);
    put_text(line);
    char problems[512];
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("problems: %s", problems);
    assert_string_equal(c.admin_pin_hash, hash);

    assert_true(config_pin_ok(&c, "2468"));
    assert_false(config_pin_ok(&c, "2467"));
    assert_false(config_pin_ok(&c, "24680"));
    assert_false(config_pin_ok(&c, "246"));
    assert_false(config_pin_ok(&c, ""));
    assert_false(config_pin_ok(&c, NULL));

    /* Empty and too long PINs are refused, never cut. */
    char long_pin[CONFIG_MAX_PIN + 2];
    memset(long_pin, '7', sizeof long_pin - 1);
    long_pin[sizeof long_pin - 1] = '\0';
    assert_false(config_pin_hash("", hash));
    assert_string_equal(hash, "");
    assert_false(config_pin_hash(long_pin, hash));
    long_pin[CONFIG_MAX_PIN] = '\0'; /* CONFIG_MAX_PIN bytes: accepted */
    assert_true(config_pin_hash(long_pin, hash));
    memcpy(c.admin_pin_hash, hash, sizeof hash);
    assert_true(config_pin_ok(&c, long_pin));
    long_pin[CONFIG_MAX_PIN] = '7';
    assert_false(config_pin_ok(&c, long_pin));
}

static void test_example(void **state)
{
    put_text(config_example);
    kiosk_config c, d;
    config_defaults(&d);
    char problems[1024];
    if (!config_load(path, &c, problems, sizeof problems))
        fail_msg("the example has problems: %s", problems);
    assert_same(&c, &d);
    /* Every key is documented. */
    static const char *const keys[] = {"mode",   "language",       "stale_policy", "verdict_seconds",
                                       "sounds", "volume",         "admin_pin_hash", "width",
                                       "height", "fullscreen"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n%s = ", keys[i]);
        char commented[64];
        snprintf(commented, sizeof commented, "\n# %s = ", keys[i]);
        if (!strstr(config_example, want) && !strstr(config_example, commented))
            fail_msg("the example lacks %s", keys[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_checkin_settings),
        cmocka_unit_test(test_issue_settings),
        cmocka_unit_test(test_wrong_lines),
        cmocka_unit_test(test_duplicate_keeps_default),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_line_length),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_modes_not_yet),
        cmocka_unit_test(test_small_problems_buffer),
        cmocka_unit_test(test_pin),
        cmocka_unit_test(test_example),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
