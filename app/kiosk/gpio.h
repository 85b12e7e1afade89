/*
 * gpio.h: the kiosk's lights, buzzer and door relay on GPIO lines, through
 * libgpiod (the kernel's character device; the sysfs interface is gone).
 *
 * Four lines, each optional: a relay for a door or a turnstile, a green
 * and a red LED, and a buzzer. A verdict starts a pattern on them; the
 * kiosk's loop calls gpio_tick to move patterns on and gpio_due_in to know
 * when. Patterns (times in gpio_cfg):
 *   valid      green for hold_ms
 *   invalid    red for hold_ms, buzzer twice (150 ms, 100 ms apart)
 *   undecided  green and red for hold_ms (amber on a two-colour LED),
 *              buzzer once
 *   duplicate  red for hold_ms, buzzer once for 400 ms
 *   enter      the relay open for relay_ms, green for as long
 * A new verdict replaces the pattern on the lights and buzzer at once.
 *
 * The relay is safe by construction: only gpio_enter ever opens it, and
 * only the access decision (a valid badge of an allowed achievement) calls
 * it. A second enter while open extends the time; nothing else closes it
 * early or keeps it open. gpio_open drives every line to its off level
 * first (a kiosk restarted after a crash starts with the door shut), and
 * gpio_close shuts the door before letting the lines go.
 *
 * Backends: "gpiochipN" or a /dev path (libgpiod v1, Debian 12's 1.6), or
 * "sim:FILE", a simulated chip that appends "MS LINE VALUE" to FILE for
 * each change (tests, and boards without GPIO); the kernel here offers
 * neither gpio-sim nor gpio-mockup.
 */
#ifndef TESS_KIOSK_GPIO_H
#define TESS_KIOSK_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { GPIO_RELAY = 0, GPIO_GREEN, GPIO_RED, GPIO_BUZZER, GPIO_LINES } gpio_line;

typedef enum {
    GPIO_VALID = 0,
    GPIO_INVALID,
    GPIO_UNDECIDED,
    GPIO_DUPLICATE
} gpio_signal;

typedef struct {
    char chip[256];            /* "" = no GPIO */
    int pin[GPIO_LINES];       /* line offsets on the chip; -1 = not wired */
    bool relay_active_low;     /* most relay boards switch on a low level */
    uint32_t relay_ms;         /* how long the door stays open */
    uint32_t hold_ms;          /* how long a light stays on */
} gpio_cfg;

typedef struct kiosk_gpio kiosk_gpio;

/* "relay", "green", "red", "buzzer". */
const char *gpio_line_name(gpio_line l);

/* Opens the chip and asks for the wired lines as outputs, all off. NULL
 * with a message in err when the chip or a line cannot be had (the kiosk
 * then runs without lights: never a reason to stop). now_ms: the loop's
 * clock. */
kiosk_gpio *gpio_open(const gpio_cfg *cfg, uint32_t now_ms, char *err, size_t cap);
/* Starts the pattern of a verdict on the lights and the buzzer. */
void gpio_signal_verdict(kiosk_gpio *g, gpio_signal s, uint32_t now_ms);
/* Opens the door for relay_ms (or extends it), with the green light. */
void gpio_enter(kiosk_gpio *g, uint32_t now_ms);
/* Applies what is due by now_ms. */
void gpio_tick(kiosk_gpio *g, uint32_t now_ms);
/* Milliseconds until the next change (UINT32_MAX: none pending). */
uint32_t gpio_due_in(const kiosk_gpio *g, uint32_t now_ms);
/* Whether the relay is open now. */
bool gpio_door_open(const kiosk_gpio *g);
/* Shuts the door, turns everything off and lets the lines go (NULL is
 * fine). */
void gpio_close(kiosk_gpio *g, uint32_t now_ms);

#endif
