/*
 * test_gpio.c: the kiosk's lights, buzzer and door relay (app/kiosk/gpio.c)
 * on the simulated chip, whose log is the sequence of line levels. The
 * door opens only through gpio_enter, for exactly relay_ms after the last
 * enter; verdicts never move it; it starts and ends shut.
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

#include "gpio.h"

static char log_path[200];

typedef struct {
    unsigned ms;
    char line[16];
    int value;
} change;

/* The changes logged so far. */
static size_t read_log(change *c, size_t max)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    while (n < max && fscanf(f, "%u %15s %d", &c[n].ms, c[n].line, &c[n].value) == 3)
        n++;
    fclose(f);
    return n;
}

static gpio_cfg sim_cfg(void)
{
    gpio_cfg c;
    memset(&c, 0, sizeof c);
    snprintf(c.chip, sizeof c.chip, "sim:%s", log_path);
    c.pin[GPIO_RELAY] = 17;
    c.pin[GPIO_GREEN] = 22;
    c.pin[GPIO_RED] = 27;
    c.pin[GPIO_BUZZER] = 23;
    c.relay_active_low = true;
    c.relay_ms = 3000;
    c.hold_ms = 1500;
    return c;
}

static int fresh(void **st)
{
    (void)st;
    snprintf(log_path, sizeof log_path, "/tmp/tess-gpio-XXXXXX");
    int fd = mkstemp(log_path);
    assert_true(fd >= 0);
    close(fd);
    return 0;
}

static int gone(void **st)
{
    (void)st;
    unlink(log_path);
    return 0;
}

/* Whether the log has exactly this change. */
static bool has(const change *c, size_t n, unsigned ms, const char *line, int value)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].ms == ms && strcmp(c[i].line, line) == 0 && c[i].value == value)
            return true;
    return false;
}

static size_t count_line(const change *c, size_t n, const char *line)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcmp(c[i].line, line) == 0;
    return k;
}

static void test_open_shuts_everything(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 5, err, sizeof err);
    assert_non_null(g);
    change c[16];
    size_t n = read_log(c, 16);
    assert_int_equal(n, 4);
    assert_true(has(c, n, 5, "relay", 1)); /* active low: 1 is shut */
    assert_true(has(c, n, 5, "green", 0));
    assert_true(has(c, n, 5, "red", 0));
    assert_true(has(c, n, 5, "buzzer", 0));
    assert_false(gpio_door_open(g));
    gpio_close(g, 10);
}

static void test_enter_opens_for_relay_ms(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 0, err, sizeof err);
    assert_non_null(g);
    gpio_enter(g, 1000);
    assert_true(gpio_door_open(g));
    assert_int_equal(gpio_due_in(g, 1000), 3000);
    gpio_tick(g, 3999);
    assert_true(gpio_door_open(g));
    gpio_tick(g, 4000);
    assert_false(gpio_door_open(g));
    change c[32];
    size_t n = read_log(c, 32);
    assert_true(has(c, n, 1000, "relay", 0)); /* open: low */
    assert_true(has(c, n, 1000, "green", 1));
    assert_true(has(c, n, 4000, "relay", 1));
    assert_true(has(c, n, 4000, "green", 0));
    assert_int_equal(count_line(c, n, "red"), 1);    /* only the first "off" */
    assert_int_equal(count_line(c, n, "buzzer"), 1);
    assert_int_equal(gpio_due_in(g, 4000), UINT32_MAX);
    gpio_close(g, 5000);
}

static void test_invalid_never_opens(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 0, err, sizeof err);
    assert_non_null(g);
    gpio_signal_verdict(g, GPIO_INVALID, 5000);
    for (uint32_t t = 5000; t <= 8000; t += 10)
        gpio_tick(g, t);
    gpio_signal_verdict(g, GPIO_DUPLICATE, 9000);
    gpio_signal_verdict(g, GPIO_UNDECIDED, 9100);
    gpio_signal_verdict(g, GPIO_VALID, 9200);
    for (uint32_t t = 9200; t <= 12000; t += 10)
        gpio_tick(g, t);
    change c[64];
    size_t n = read_log(c, 64);
    assert_int_equal(count_line(c, n, "relay"), 1); /* shut at open, never moved */
    /* invalid: red for 1.5 s, the buzzer twice */
    assert_true(has(c, n, 5000, "red", 1));
    assert_true(has(c, n, 6500, "red", 0));
    assert_true(has(c, n, 5000, "buzzer", 1));
    assert_true(has(c, n, 5150, "buzzer", 0));
    assert_true(has(c, n, 5250, "buzzer", 1));
    assert_true(has(c, n, 5400, "buzzer", 0));
    /* a new verdict replaces the last one's lights at once */
    assert_true(has(c, n, 9100, "buzzer", 1));
    assert_true(has(c, n, 9200, "green", 1));
    assert_true(has(c, n, 9200, "red", 0));
    gpio_close(g, 13000);
}

/* Random verdicts and entries over a simulated hour, ticked at random
 * moments: at every tick the door is open exactly when an enter happened
 * less than relay_ms before. */
static void test_door_invariant(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    cfg.relay_ms = 2500;
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 0, err, sizeof err);
    assert_non_null(g);
    uint32_t rnd = 99, t = 1, last_enter = 0;
    bool entered = false;
    unsigned opens = 0;
    while (t < 3600u * 1000u) {
        rnd = rnd * 1664525u + 1013904223u;
        t += 1 + (rnd >> 20) % 900;
        gpio_tick(g, t);
        bool want = entered && t - last_enter < cfg.relay_ms;
        if (gpio_door_open(g) != want)
            fail_msg("at %u ms: door %s, last enter at %u", t,
                     gpio_door_open(g) ? "open" : "shut", last_enter);
        switch ((rnd >> 8) % 7) {
        case 0:
            opens += !gpio_door_open(g);
            gpio_enter(g, t);
            last_enter = t;
            entered = true;
            break;
        case 1: gpio_signal_verdict(g, GPIO_INVALID, t); break;
        case 2: gpio_signal_verdict(g, GPIO_DUPLICATE, t); break;
        case 3: gpio_signal_verdict(g, GPIO_UNDECIDED, t); break;
        case 4: gpio_signal_verdict(g, GPIO_VALID, t); break;
        default: break;
        }
    }
    assert_true(opens > 100);
    gpio_close(g, t);
}

static void test_close_shuts_the_door(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 0, err, sizeof err);
    gpio_enter(g, 100);
    gpio_close(g, 200);
    change c[32];
    size_t n = read_log(c, 32);
    assert_true(has(c, n, 200, "relay", 1));
    assert_true(has(c, n, 200, "green", 0));
    /* the last level of every line is "off" */
    const char *lines[] = {"relay", "green", "red", "buzzer"};
    const int off[] = {1, 0, 0, 0};
    for (size_t l = 0; l < 4; l++) {
        int last = -1;
        for (size_t i = 0; i < n; i++)
            if (strcmp(c[i].line, lines[l]) == 0)
                last = c[i].value;
        assert_int_equal(last, off[l]);
    }
}

static void test_unwired_and_missing(void **st)
{
    (void)st;
    gpio_cfg cfg = sim_cfg();
    cfg.pin[GPIO_RELAY] = -1;
    cfg.pin[GPIO_BUZZER] = -1;
    char err[256];
    kiosk_gpio *g = gpio_open(&cfg, 0, err, sizeof err);
    assert_non_null(g);
    gpio_enter(g, 10);
    gpio_signal_verdict(g, GPIO_INVALID, 20);
    gpio_tick(g, 5000);
    gpio_close(g, 6000);
    change c[32];
    size_t n = read_log(c, 32);
    assert_int_equal(count_line(c, n, "relay"), 0);
    assert_int_equal(count_line(c, n, "buzzer"), 0);
    assert_true(count_line(c, n, "red") >= 2);

    /* no such chip here: a message, never a crash */
    gpio_cfg real = sim_cfg();
    snprintf(real.chip, sizeof real.chip, "gpiochip9");
    assert_null(gpio_open(&real, 0, err, sizeof err));
    assert_non_null(strstr(err, "gpiochip9"));
    gpio_cfg none = sim_cfg();
    none.chip[0] = '\0';
    assert_null(gpio_open(&none, 0, err, sizeof err));
    gpio_cfg bad = sim_cfg();
    snprintf(bad.chip, sizeof bad.chip, "sim:/no/such/dir/log");
    assert_null(gpio_open(&bad, 0, err, sizeof err));
    /* NULL is fine everywhere */
    gpio_signal_verdict(NULL, GPIO_VALID, 0);
    gpio_enter(NULL, 0);
    gpio_tick(NULL, 0);
    assert_false(gpio_door_open(NULL));
    assert_int_equal(gpio_due_in(NULL, 0), UINT32_MAX);
    gpio_close(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_shuts_everything, fresh, gone),
        cmocka_unit_test_setup_teardown(test_enter_opens_for_relay_ms, fresh, gone),
        cmocka_unit_test_setup_teardown(test_invalid_never_opens, fresh, gone),
        cmocka_unit_test_setup_teardown(test_door_invariant, fresh, gone),
        cmocka_unit_test_setup_teardown(test_close_shuts_the_door, fresh, gone),
        cmocka_unit_test_setup_teardown(test_unwired_and_missing, fresh, gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
