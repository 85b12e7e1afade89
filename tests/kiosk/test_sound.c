/*
 * test_sound: the verdict cues (app/kiosk/sound.c) as numbers: their
 * lengths, their pitches (zero crossings and Goertzel), their loudness and
 * their edges; then the player over SDL's dummy audio driver, and with no
 * audio at all.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>

#include "sound.h"

#define CAP ((size_t)SOUND_MAX_RATE * SOUND_MAX_MS / 1000 + 64)
#define TWO_PI 6.28318530717958647692
#define SENTINEL ((int16_t)0x5a5a)

/* What each cue should be: its segments, a tone or silence (hz 0). */
typedef struct {
    kiosk_sound cue;
    int n;
    struct {
        int hz;
        int ms;
    } seg[3];
} cue_case;

static const cue_case cases[] = {
    {SOUND_VALID, 2, {{660, 120}, {880, 120}}},
    {SOUND_INVALID, 2, {{440, 180}, {330, 180}}},
    {SOUND_UNDECIDED, 3, {{520, 120}, {0, 80}, {520, 120}}},
    {SOUND_DUPLICATE, 1, {{392, 300}}},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static const int rates[] = {SOUND_MIN_RATE, 44100, SOUND_RATE, SOUND_MAX_RATE};
#define N_RATES (sizeof rates / sizeof rates[0])

/* Every pitch used by any cue: each tone must stand out from the others. */
static const int pitches[] = {330, 440, 520, 660, 880};

static int16_t buf[CAP];

static size_t seg_len(int rate, int ms)
{
    return (size_t)rate * (size_t)ms / 1000;
}

static size_t expected_len(const cue_case *c, int rate)
{
    size_t n = 0;
    for (int i = 0; i < c->n; i++)
        n += seg_len(rate, c->seg[i].ms);
    return n;
}

/* Sign changes between non-zero samples: a sine of f Hz over d seconds
 * changes sign about 2 f d times. */
static double zero_crossing_hz(const int16_t *x, size_t n, int rate)
{
    int last = 0;
    size_t changes = 0;
    for (size_t i = 0; i < n; i++) {
        int sign = (x[i] > 0) - (x[i] < 0);
        if (sign != 0) {
            if (last != 0 && sign != last)
                changes++;
            last = sign;
        }
    }
    return (double)changes * rate / (2.0 * (double)n);
}

static double goertzel_power(const int16_t *x, size_t n, int rate, int hz)
{
    double coeff = 2.0 * cos(TWO_PI * hz / rate);
    double s1 = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s0 = x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

static int peak(const int16_t *x, size_t n)
{
    int p = 0;
    for (size_t i = 0; i < n; i++) {
        int a = abs(x[i]);
        if (a > p)
            p = a;
    }
    return p;
}

static void lengths(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++)
        for (size_t c = 0; c < N_CASES; c++) {
            size_t want = expected_len(&cases[c], rates[r]);
            assert_int_equal(sound_length(cases[c].cue, rates[r]), want);
            assert_int_equal(sound_render(cases[c].cue, rates[r], 80, buf, CAP), want);
        }
    /* 48 kHz, by hand: 240 ms, 360 ms, 320 ms. */
    assert_int_equal(sound_length(SOUND_VALID, 48000), 11520);
    assert_int_equal(sound_length(SOUND_INVALID, 48000), 17280);
    assert_int_equal(sound_length(SOUND_UNDECIDED, 48000), 15360);
    assert_int_equal(sound_length(SOUND_DUPLICATE, 48000), 14400);
}

static void pitches_right(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++)
        for (size_t c = 0; c < N_CASES; c++) {
            const cue_case *cc = &cases[c];
            int rate = rates[r];
            assert_true(sound_render(cc->cue, rate, 100, buf, CAP) > 0);
            size_t at = 0;
            for (int k = 0; k < cc->n; k++) {
                size_t n = seg_len(rate, cc->seg[k].ms);
                const int16_t *x = buf + at;
                int hz = cc->seg[k].hz;
                if (hz == 0) {
                    assert_int_equal(peak(x, n), 0);
                } else {
                    double est = zero_crossing_hz(x, n, rate);
                    assert_true(fabs(est - hz) <= 0.015 * hz);
                    double own = goertzel_power(x, n, rate, hz);
                    /* The peak is at hz, not beside it (main lobe: 1/d). */
                    assert_true(own > 2.0 * goertzel_power(x, n, rate, hz - 20));
                    assert_true(own > 2.0 * goertzel_power(x, n, rate, hz + 20));
                    for (size_t p = 0; p < sizeof pitches / sizeof pitches[0]; p++)
                        if (pitches[p] != hz)
                            assert_true(own > 100.0 * goertzel_power(x, n, rate, pitches[p]));
                }
                at += n;
            }
        }
}

static void cues_differ(void **state)
{
    (void)state;
    static int16_t a[CAP], b[CAP];
    for (size_t i = 0; i < N_CASES; i++)
        for (size_t j = i + 1; j < N_CASES; j++) {
            size_t na = sound_render(cases[i].cue, SOUND_RATE, 80, a, CAP);
            size_t nb = sound_render(cases[j].cue, SOUND_RATE, 80, b, CAP);
            assert_true(na > 0 && nb > 0);
            size_t n = na < nb ? na : nb;
            /* Not only in length: the samples they share differ too. */
            assert_true(memcmp(a, b, n * sizeof a[0]) != 0);
        }
}

static void volume(void **state)
{
    (void)state;
    static int16_t ref[CAP];
    for (size_t c = 0; c < N_CASES; c++) {
        kiosk_sound s = cases[c].cue;
        size_t n = sound_render(s, SOUND_RATE, 0, buf, CAP);
        assert_true(n > 0);
        assert_int_equal(peak(buf, n), 0);
        /* Below 0 is 0. */
        assert_int_equal(sound_render(s, SOUND_RATE, -5, buf, CAP), n);
        assert_int_equal(peak(buf, n), 0);

        assert_int_equal(sound_render(s, SOUND_RATE, 100, ref, CAP), n);
        int p100 = peak(ref, n);
        assert_true(p100 <= SOUND_PEAK);
        assert_true(p100 >= SOUND_PEAK * 99 / 100);
        assert_true(p100 < 32767);
        /* Above 100 is 100: still no clipping. */
        assert_int_equal(sound_render(s, SOUND_RATE, 1000, buf, CAP), n);
        assert_memory_equal(buf, ref, n * sizeof buf[0]);

        /* Louder is louder, in proportion. */
        assert_int_equal(sound_render(s, SOUND_RATE, 50, buf, CAP), n);
        int p50 = peak(buf, n);
        assert_true(abs(2 * p50 - p100) <= 2);
        assert_int_equal(sound_render(s, SOUND_RATE, 1, buf, CAP), n);
        assert_true(peak(buf, n) > 0);
    }
}

/* Each tone starts and ends at zero and ramps over SOUND_RAMP_MS: no
 * click at the ends of the cue, nor between its tones. */
static void no_clicks(void **state)
{
    (void)state;
    int rate = SOUND_RATE;
    size_t ms1 = (size_t)rate / 1000;
    int near = SOUND_PEAK * 3 / 100; /* 1 ms into a 10 ms ramp: 2.4 % */
    for (size_t c = 0; c < N_CASES; c++) {
        const cue_case *cc = &cases[c];
        size_t total = sound_render(cc->cue, rate, 100, buf, CAP);
        assert_true(total > 0);
        assert_int_equal(buf[0], 0);
        assert_int_equal(buf[total - 1], 0);
        size_t at = 0;
        for (int k = 0; k < cc->n; k++) {
            size_t n = seg_len(rate, cc->seg[k].ms);
            const int16_t *x = buf + at;
            assert_true(abs(x[0]) <= 1 && abs(x[n - 1]) <= 1);
            assert_true(peak(x, ms1) <= near);
            assert_true(peak(x + n - ms1, ms1) <= near);
            /* No jump anywhere larger than a full-scale sine can make at
             * the highest pitch: 2 pi f / rate of the peak, plus slack. */
            for (size_t i = 1; i < n; i++)
                assert_true(abs(x[i] - x[i - 1]) <= SOUND_PEAK * TWO_PI * 880 / rate + 2);
            at += n;
        }
    }
}

/* Buffers at N-1, N and N+1, and inputs that are refused. */
static void buffers(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_CASES; c++) {
        kiosk_sound s = cases[c].cue;
        size_t n = sound_length(s, SOUND_RATE);
        assert_true(n > 0 && n + 16 <= CAP);

        for (size_t i = 0; i < n + 16; i++)
            buf[i] = SENTINEL;
        assert_int_equal(sound_render(s, SOUND_RATE, 100, buf, n - 1), 0);
        for (size_t i = 0; i < n + 16; i++)
            assert_int_equal(buf[i], SENTINEL);
        assert_int_equal(sound_render(s, SOUND_RATE, 100, buf, 0), 0);
        assert_int_equal(buf[0], SENTINEL);

        assert_int_equal(sound_render(s, SOUND_RATE, 100, buf, n), n);
        for (size_t i = n; i < n + 16; i++)
            assert_int_equal(buf[i], SENTINEL);

        for (size_t i = 0; i < n + 16; i++)
            buf[i] = SENTINEL;
        assert_int_equal(sound_render(s, SOUND_RATE, 100, buf, n + 1), n);
        for (size_t i = n; i < n + 16; i++)
            assert_int_equal(buf[i], SENTINEL);

        assert_int_equal(sound_render(s, SOUND_RATE, 100, NULL, CAP), 0);
    }

    static const int bad_rates[] = {-48000, -1, 0, 1, SOUND_MIN_RATE - 1, SOUND_MAX_RATE + 1,
                                    INT32_MAX};
    for (size_t r = 0; r < sizeof bad_rates / sizeof bad_rates[0]; r++) {
        buf[0] = SENTINEL;
        assert_int_equal(sound_length(SOUND_VALID, bad_rates[r]), 0);
        assert_int_equal(sound_render(SOUND_VALID, bad_rates[r], 100, buf, CAP), 0);
        assert_int_equal(buf[0], SENTINEL);
    }
    kiosk_sound bad[] = {(kiosk_sound)(SOUND_DUPLICATE + 1), (kiosk_sound)-1};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(sound_length(bad[i], SOUND_RATE), 0);
        assert_int_equal(sound_render(bad[i], SOUND_RATE, 100, buf, CAP), 0);
        assert_int_equal(buf[0], SENTINEL);
    }
}

static void player_dummy(void **state)
{
    (void)state;
    assert_int_equal(setenv("SDL_AUDIODRIVER", "dummy", 1), 0);
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);

    sound_player *p = sound_open(70);
    if (p == NULL)
        fail_msg("sound_open: %s", SDL_GetError());
    assert_int_not_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
    SDL_ClearError();
    sound_play(p, SOUND_VALID);
    sound_play(p, SOUND_INVALID);
    sound_play(p, SOUND_UNDECIDED);
    /* Again, at once: each cuts the last, nothing waits. */
    for (int i = 0; i < 30; i++)
        sound_play(p, (kiosk_sound)(i % 3));
    assert_string_equal(SDL_GetError(), "");
    sound_play(p, (kiosk_sound)7); /* unknown: nothing */
    SDL_Delay(20);
    sound_close(p);
    /* sound_open started the audio, so sound_close stops it. */
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);

    /* When the kiosk started the audio itself, it stays started. */
    assert_int_equal(SDL_InitSubSystem(SDL_INIT_AUDIO), 0);
    p = sound_open(100);
    assert_non_null(p);
    sound_play(p, SOUND_VALID);
    sound_close(p);
    assert_int_not_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

static void player_no_audio(void **state)
{
    (void)state;
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
    assert_int_equal(setenv("SDL_AUDIODRIVER", "nonexistent", 1), 0);
    assert_int_equal(SDL_Init(0), 0);

    sound_player *p = sound_open(100);
    assert_null(p);
    assert_true(strlen(SDL_GetError()) > 0);
    /* Nothing left half open. */
    assert_int_equal(SDL_WasInit(SDL_INIT_AUDIO), 0);
    sound_play(NULL, SOUND_VALID);
    sound_play(NULL, SOUND_INVALID);
    sound_play(NULL, SOUND_UNDECIDED);
    sound_close(NULL);

    SDL_Quit();
    assert_int_equal(setenv("SDL_AUDIODRIVER", "dummy", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lengths),      cmocka_unit_test(pitches_right),
        cmocka_unit_test(cues_differ),  cmocka_unit_test(volume),
        cmocka_unit_test(no_clicks),    cmocka_unit_test(buffers),
        cmocka_unit_test(player_dummy), cmocka_unit_test(player_no_audio),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return failed;
}
