/*
 * frames.h: where grey frames come from, behind one interface: image files
 * (PNG, JPEG) and folders of them, raw grey frames, and V4L2 cameras (YUYV
 * and MJPEG; a Raspberry Pi's CSI camera through libcamera's V4L2
 * compatibility layer). Each frame is 8-bit grey with a timestamp.
 * A camera that disappears or stalls is reported (FRAME_LOST) and reopened
 * by the next frame_next (FRAME_LOST again until it is back); no source
 * ever ends the process.
 */
#ifndef TESS_FRAMES_H
#define TESS_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;
    int height;
    int stride;          /* bytes per row */
    const uint8_t *grey; /* valid until the next frame_next or frame_close */
    uint64_t t_us;       /* capture time, microseconds (monotonic) */
    const char *name;    /* the file it came from, or NULL */
} grey_frame;

typedef enum {
    FRAME_OK = 0,
    FRAME_END = 1,       /* no more frames (files, folders) */
    FRAME_AGAIN = 2,     /* none ready yet (camera) */
    FRAME_LOST = 3,      /* the camera went away or stalled; the next call
                            tries to reopen it */
    FRAME_BAD = 4        /* this input could not be decoded; the next may */
} frame_result;

typedef struct frame_source frame_source;

/* Opens a file (PNG or JPEG, by content), a folder of them (in name
 * order), "/dev/videoN", or raw grey "raw:WIDTHxHEIGHT:PATH". NULL with a
 * message in err on failure. */
frame_source *frame_open(const char *spec, char *err, size_t cap);
frame_result frame_next(frame_source *s, grey_frame *f);
/* How long frame_next waits for a camera's frame before FRAME_AGAIN, in ms
 * (0: only look; default and most 2000). A camera that gives no frame for
 * 2 s is FRAME_LOST whatever the wait. A loop that must keep drawing waits
 * a few ms at a time. Files and folders never wait. */
void frame_set_wait(frame_source *s, int wait_ms);
/* Why a camera's last FRAME_LOST came ("/dev/video0: taking a frame: No
 * such device", "...: Permission denied" from a reopen); "" before any. */
const char *frame_why(const frame_source *s);
void frame_close(frame_source *s);

/* Decoders for a buffer in memory (tests, cameras): a new grey image the
 * caller frees, or NULL. */
uint8_t *decode_png(const uint8_t *data, size_t len, int *w, int *h);
uint8_t *decode_jpeg(const uint8_t *data, size_t len, int *w, int *h);
/* YUYV (4:2:2) to grey: the Y samples. */
void yuyv_to_grey(const uint8_t *yuyv, int w, int h, int stride, uint8_t *grey);

#endif
