/*
 * sound.h: the verdict cues, synthesised in code (DESIGN.md: "a verdict
 * ... comes with a distinct sound"). No sound files to ship or lose.
 *
 *   valid      two rising tones, 660 Hz then 880 Hz, 120 ms each
 *   invalid    two falling lower tones, 440 Hz then 330 Hz, 180 ms each
 *   undecided  one mid tone pulsed twice: 520 Hz 120 ms, 80 ms of
 *              silence, 520 Hz 120 ms
 *   duplicate  one long low tone, 392 Hz 300 ms (check-in: already in)
 *
 * Each tone rises and falls over SOUND_RAMP_MS (raised cosine), so a cue
 * starts and ends at zero and never clicks. The cues differ in pitch,
 * direction and rhythm, so they are told apart without the screen.
 *
 * sound_render is pure: the caller passes the buffer. The player keeps the
 * four cues rendered in advance; playing one only queues it, and a kiosk
 * without an audio device plays nothing and goes on (sound_open returns
 * NULL, and every call accepts NULL).
 *
 * Does not: mix cues (a new cue cuts the one playing), read the volume
 * again after sound_open, or load sound files.
 */
#ifndef TESS_KIOSK_SOUND_H
#define TESS_KIOSK_SOUND_H

#include <stddef.h>
#include <stdint.h>

typedef enum { SOUND_VALID, SOUND_INVALID, SOUND_UNDECIDED, SOUND_DUPLICATE } kiosk_sound;

/* The player's rate; sound_render accepts SOUND_MIN_RATE..SOUND_MAX_RATE
 * (below, 880 Hz would alias; above, no device needs it). */
#define SOUND_RATE 48000
#define SOUND_MIN_RATE 8000
#define SOUND_MAX_RATE 192000
/* The longest cue (invalid, 360 ms), with room to spare. */
#define SOUND_MAX_MS 400
#define SOUND_RAMP_MS 10
/* The peak at volume 100, below full scale: friendly, and no clipping. */
#define SOUND_PEAK 20000

/* Samples of cue s at rate, or 0 for an unknown cue or rate. */
size_t sound_length(kiosk_sound s, int rate);

/* Writes cue s as mono signed 16-bit PCM at rate into out, volume clamped
 * to 0..100 (0 is silence), and returns the samples written. Returns 0 and
 * writes nothing when the cue or rate is unknown, out is NULL, or cap is
 * smaller than sound_length(s, rate). */
size_t sound_render(kiosk_sound s, int rate, int volume_0_100, int16_t *out, size_t cap);

typedef struct sound_player sound_player;

/* Opens the default audio device (SOUND_RATE Hz, mono, S16), initialising
 * SDL's audio subsystem if needed. Returns NULL when there is no audio
 * (SDL_GetError says why); the kiosk then runs silent. */
sound_player *sound_open(int volume_0_100);

/* Cuts what is playing and queues cue s; never blocks. No-op on NULL. */
void sound_play(sound_player *p, kiosk_sound s);

/* Closes the device, and the audio subsystem if sound_open started it.
 * Accepts NULL. */
void sound_close(sound_player *p);

#endif
