/*
 * sound.c: the verdict cues (sound.h), and a player over SDL's audio queue.
 */
#include "sound.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <SDL.h>

/* Not M_PI: strict C11 with _POSIX_C_SOURCE does not declare it. */
#define PI 3.14159265358979323846
#define CUE_SEGMENTS 3
#define CUE_COUNT 4
#define CUE_CAP ((size_t)SOUND_RATE * SOUND_MAX_MS / 1000)

/* A tone, or silence when hz is 0. */
typedef struct {
    int hz;
    int ms;
} segment;

static const segment cues[CUE_COUNT][CUE_SEGMENTS] = {
    [SOUND_VALID] = {{660, 120}, {880, 120}, {0, 0}},
    [SOUND_INVALID] = {{440, 180}, {330, 180}, {0, 0}},
    [SOUND_UNDECIDED] = {{520, 120}, {0, 80}, {520, 120}},
    [SOUND_DUPLICATE] = {{392, 300}, {0, 0}, {0, 0}},
};

static bool known(kiosk_sound s, int rate)
{
    return (unsigned)s < CUE_COUNT && rate >= SOUND_MIN_RATE && rate <= SOUND_MAX_RATE;
}

static size_t segment_length(const segment *g, int rate)
{
    return (size_t)rate * (size_t)g->ms / 1000;
}

size_t sound_length(kiosk_sound s, int rate)
{
    if (!known(s, rate))
        return 0;
    size_t n = 0;
    for (int i = 0; i < CUE_SEGMENTS; i++)
        n += segment_length(&cues[s][i], rate);
    return n;
}

/* Raised-cosine ramps at both ends: a tone that starts or stops at full
 * amplitude is heard as a click. Zero at the first and last sample. */
static double envelope(size_t i, size_t n, size_t ramp)
{
    size_t edge = i < n - 1 - i ? i : n - 1 - i;
    if (edge >= ramp)
        return 1.0;
    return 0.5 - 0.5 * cos(PI * (double)edge / (double)ramp);
}

size_t sound_render(kiosk_sound s, int rate, int volume_0_100, int16_t *out, size_t cap)
{
    size_t total = sound_length(s, rate);
    if (total == 0 || out == NULL || cap < total)
        return 0;
    int volume = volume_0_100 < 0 ? 0 : volume_0_100 > 100 ? 100 : volume_0_100;
    double amp = SOUND_PEAK * volume / 100.0;
    size_t ramp = (size_t)rate * SOUND_RAMP_MS / 1000;

    size_t at = 0;
    for (int k = 0; k < CUE_SEGMENTS; k++) {
        const segment *g = &cues[s][k];
        size_t n = segment_length(g, rate);
        for (size_t i = 0; i < n; i++) {
            double v = 0.0;
            if (g->hz > 0)
                v = amp * envelope(i, n, ramp) * sin(2.0 * PI * g->hz * (double)i / rate);
            out[at + i] = (int16_t)lround(v);
        }
        at += n;
    }
    return total;
}

struct sound_player {
    SDL_AudioDeviceID dev;
    bool own_audio;              /* sound_open started SDL's audio */
    int16_t cue[CUE_COUNT][CUE_CAP];
    size_t len[CUE_COUNT];
};

sound_player *sound_open(int volume_0_100)
{
    bool own_audio = false;
    if (!SDL_WasInit(SDL_INIT_AUDIO)) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
            return NULL;
        own_audio = true;
    }
    sound_player *p = calloc(1, sizeof *p);
    if (p == NULL) {
        SDL_SetError("sound: out of memory");
        goto fail;
    }
    p->own_audio = own_audio;
    for (int s = 0; s < CUE_COUNT; s++)
        p->len[s] = sound_render((kiosk_sound)s, SOUND_RATE, volume_0_100, p->cue[s], CUE_CAP);

    SDL_AudioSpec want = {0}, have;
    want.freq = SOUND_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    want.callback = NULL;        /* queued: sound_play never waits */
    /* allowed_changes 0: SDL converts to what the device takes, so the
     * cues always play at SOUND_RATE, mono. */
    p->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (p->dev == 0)
        goto fail;
    SDL_PauseAudioDevice(p->dev, 0);
    return p;

fail:
    free(p);
    if (own_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return NULL;
}

void sound_play(sound_player *p, kiosk_sound s)
{
    if (p == NULL || (unsigned)s >= CUE_COUNT)
        return;
    /* A new verdict cuts the last cue: scans never queue up a backlog of
     * sounds. A failed queue leaves the kiosk silent, never stopped. */
    SDL_ClearQueuedAudio(p->dev);
    (void)SDL_QueueAudio(p->dev, p->cue[s], (Uint32)(p->len[s] * sizeof p->cue[s][0]));
}

void sound_close(sound_player *p)
{
    if (p == NULL)
        return;
    SDL_CloseAudioDevice(p->dev);
    if (p->own_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(p);
}
