/* gpio.c: lights, buzzer and door relay, as gpio.h says. The one file
 * that includes <gpiod.h>. */
#include "gpio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpiod.h>

/* Per line: at most this many changes pending (a pattern is short). */
#define STEPS 6

typedef struct {
    uint32_t at;  /* loop ms */
    bool on;
} step;

struct kiosk_gpio {
    gpio_cfg cfg;
    /* libgpiod, or the simulated chip */
    struct gpiod_chip *chip;
    struct gpiod_line *line[GPIO_LINES];
    FILE *sim;
    bool on[GPIO_LINES];
    step steps[GPIO_LINES][STEPS];
    int n_steps[GPIO_LINES];
    uint32_t door_until;
};

const char *gpio_line_name(gpio_line l)
{
    static const char *const names[GPIO_LINES] = {"relay", "green", "red", "buzzer"};
    return (unsigned)l < GPIO_LINES ? names[l] : "?";
}

static bool wired(const kiosk_gpio *g, gpio_line l)
{
    return g->cfg.pin[l] >= 0;
}

/* The level that means "on" for line l. */
static int level(const kiosk_gpio *g, gpio_line l, bool on)
{
    bool low = l == GPIO_RELAY && g->cfg.relay_active_low;
    return on != low;
}

static void set(kiosk_gpio *g, gpio_line l, bool on, uint32_t now_ms)
{
    if (!wired(g, l))
        return;
    g->on[l] = on;
    int v = level(g, l, on);
    if (g->sim) {
        fprintf(g->sim, "%u %s %d\n", (unsigned)now_ms, gpio_line_name(l), v);
        fflush(g->sim);
    } else if (g->line[l] && gpiod_line_set_value(g->line[l], v) != 0) {
        fprintf(stderr, "tessera-kiosk: GPIO %s (line %d): %s\n", gpio_line_name(l),
                g->cfg.pin[l], strerror(errno));
    }
}

kiosk_gpio *gpio_open(const gpio_cfg *cfg, uint32_t now_ms, char *err, size_t cap)
{
    if (!cfg->chip[0]) {
        snprintf(err, cap, "no GPIO chip configured");
        return NULL;
    }
    kiosk_gpio *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    g->cfg = *cfg;
    if (strncmp(cfg->chip, "sim:", 4) == 0) {
        g->sim = fopen(cfg->chip + 4, "a");
        if (!g->sim) {
            snprintf(err, cap, "%s: %s", cfg->chip + 4, strerror(errno));
            free(g);
            return NULL;
        }
    } else {
        g->chip = gpiod_chip_open_lookup(cfg->chip);
        if (!g->chip) {
            snprintf(err, cap, "GPIO chip %s: %s", cfg->chip, strerror(errno));
            free(g);
            return NULL;
        }
        for (int l = 0; l < GPIO_LINES; l++) {
            if (!wired(g, (gpio_line)l))
                continue;
            g->line[l] = gpiod_chip_get_line(g->chip, (unsigned)cfg->pin[l]);
            if (!g->line[l] ||
                gpiod_line_request_output(g->line[l], "tessera-kiosk",
                                          level(g, (gpio_line)l, false)) != 0) {
                snprintf(err, cap, "GPIO %s: line %d of %s: %s", gpio_line_name((gpio_line)l),
                         cfg->pin[l], cfg->chip, strerror(errno));
                g->line[l] = NULL;
                gpio_close(g, now_ms);
                return NULL;
            }
        }
    }
    /* the door shut and the lights off, whatever the last run left */
    for (int l = 0; l < GPIO_LINES; l++)
        set(g, (gpio_line)l, false, now_ms);
    return g;
}

static void clear(kiosk_gpio *g, gpio_line l)
{
    g->n_steps[l] = 0;
}

static void add(kiosk_gpio *g, gpio_line l, uint32_t at, bool on)
{
    if (!wired(g, l) || g->n_steps[l] == STEPS)
        return;
    g->steps[l][g->n_steps[l]++] = (step){at, on};
}

/* Line l on from now for ms (a light, the buzzer). */
static void pulse(kiosk_gpio *g, gpio_line l, uint32_t now_ms, uint32_t from, uint32_t ms)
{
    add(g, l, now_ms + from, true);
    add(g, l, now_ms + from + ms, false);
}

void gpio_signal_verdict(kiosk_gpio *g, gpio_signal s, uint32_t now_ms)
{
    if (!g)
        return;
    uint32_t hold = g->cfg.hold_ms;
    /* the lights and the buzzer start again; the door is left as it is */
    for (int l = GPIO_GREEN; l < GPIO_LINES; l++) {
        clear(g, (gpio_line)l);
        if (g->on[l])
            set(g, (gpio_line)l, false, now_ms);
    }
    switch (s) {
    case GPIO_VALID:
        pulse(g, GPIO_GREEN, now_ms, 0, hold);
        break;
    case GPIO_INVALID:
        pulse(g, GPIO_RED, now_ms, 0, hold);
        pulse(g, GPIO_BUZZER, now_ms, 0, 150);
        pulse(g, GPIO_BUZZER, now_ms, 250, 150);
        break;
    case GPIO_UNDECIDED:
        pulse(g, GPIO_GREEN, now_ms, 0, hold);
        pulse(g, GPIO_RED, now_ms, 0, hold);
        pulse(g, GPIO_BUZZER, now_ms, 0, 150);
        break;
    case GPIO_DUPLICATE:
        pulse(g, GPIO_RED, now_ms, 0, hold);
        pulse(g, GPIO_BUZZER, now_ms, 0, 400);
        break;
    }
    gpio_tick(g, now_ms);
}

void gpio_enter(kiosk_gpio *g, uint32_t now_ms)
{
    if (!g)
        return;
    uint32_t ms = g->cfg.relay_ms;
    clear(g, GPIO_RELAY);
    clear(g, GPIO_GREEN);
    if (!g->on[GPIO_RELAY])
        set(g, GPIO_RELAY, true, now_ms);
    add(g, GPIO_RELAY, now_ms + ms, false);
    g->door_until = now_ms + ms;
    if (!g->on[GPIO_GREEN])
        set(g, GPIO_GREEN, true, now_ms);
    add(g, GPIO_GREEN, now_ms + ms, false);
}

void gpio_tick(kiosk_gpio *g, uint32_t now_ms)
{
    if (!g)
        return;
    for (int l = 0; l < GPIO_LINES; l++) {
        int kept = 0;
        for (int i = 0; i < g->n_steps[l]; i++) {
            step st = g->steps[l][i];
            if ((int32_t)(now_ms - st.at) >= 0) {
                if (g->on[l] != st.on)
                    set(g, (gpio_line)l, st.on, now_ms);
            } else {
                g->steps[l][kept++] = st;
            }
        }
        g->n_steps[l] = kept;
    }
}

uint32_t gpio_due_in(const kiosk_gpio *g, uint32_t now_ms)
{
    uint32_t best = UINT32_MAX;
    if (!g)
        return best;
    for (int l = 0; l < GPIO_LINES; l++)
        for (int i = 0; i < g->n_steps[l]; i++) {
            int32_t d = (int32_t)(g->steps[l][i].at - now_ms);
            uint32_t w = d <= 0 ? 0 : (uint32_t)d;
            if (w < best)
                best = w;
        }
    return best;
}

bool gpio_door_open(const kiosk_gpio *g)
{
    return g && g->on[GPIO_RELAY];
}

void gpio_close(kiosk_gpio *g, uint32_t now_ms)
{
    if (!g)
        return;
    for (int l = 0; l < GPIO_LINES; l++) {
        clear(g, (gpio_line)l);
        if (g->on[l] || l == GPIO_RELAY)
            set(g, (gpio_line)l, false, now_ms);
    }
    for (int l = 0; l < GPIO_LINES; l++)
        if (g->line[l])
            gpiod_line_release(g->line[l]);
    if (g->chip)
        gpiod_chip_close(g->chip);
    if (g->sim)
        fclose(g->sim);
    free(g);
}
