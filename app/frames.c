/*
 * frames.c: grey frames from PNG/JPEG files, folders of them, raw grey
 * files, and V4L2 cameras. Every decoder writes into a buffer the source
 * owns and grows, so a stream of frames allocates only when a frame is
 * bigger than any before it.
 *
 * Raspberry Pi CSI cameras: on current Raspberry Pi OS the CSI camera is
 * driven by libcamera, not by a plain V4L2 capture node. Run the command
 * under libcamera's V4L2 compatibility layer so that it appears as
 * /dev/videoN to this code:
 *     libcamerify tessera kiosk --camera /dev/video0
 * or, equivalently,
 *     LD_PRELOAD=/usr/lib/aarch64-linux-gnu/libcamera/v4l2-compat.so tessera ...
 * The layer offers YUYV (and other YUV formats); USB webcams give YUYV or
 * MJPEG directly.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>
#include <linux/videodev2.h>
#include <png.h>

#include "frames.h"

/* Larger images are refused before decoding: a hostile 65535x65535 PNG
 * header would otherwise ask for 4 GB. 8192x8192 is far above any camera
 * or QR screenshot the kiosk meets. */
#define FRAME_MAX_SIDE 8192
/* Files are read whole; an image file larger than this is refused. */
#define FRAME_MAX_FILE (64u * 1024u * 1024u)
/* A camera that delivers nothing for this long is reported as lost. */
#define FRAME_STALL_MS 2000
#define V4L2_BUFFERS 4

typedef enum { SRC_FILE, SRC_DIR, SRC_RAW, SRC_V4L2 } src_kind;

typedef struct {
    void *start;
    size_t len;
} mmap_buf;

struct frame_source {
    src_kind kind;
    char *path;
    bool done;
    /* the current frame, owned and grown */
    uint8_t *grey;
    size_t grey_cap;
    int w, h;
    /* whole-file reads, owned and grown */
    uint8_t *file;
    size_t file_cap;
    /* folder */
    char **names;
    int n_names, next_name;
    char cur_name[4096];
    /* raw */
    FILE *raw;
    int raw_w, raw_h;
    /* V4L2 */
    int fd;
    uint32_t fourcc;
    int stride;
    mmap_buf bufs[V4L2_BUFFERS];
    unsigned n_bufs;
    bool streaming;
    int wait_ms;            /* the most frame_next waits for a frame */
    char why[300];          /* why the camera was last lost (frame_why) */
    uint64_t last_frame_us; /* when the camera last gave one (or started) */
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    uint8_t *p = realloc(*buf, need);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

/* ---- PNG ---- */

/* Any colour type and depth to 8-bit grey; alpha is composited on white,
 * the paper a transparent QR image is meant to be shown on. */
static bool png_into(const uint8_t *data, size_t len, int *w, int *h, uint8_t **buf,
                     size_t *cap)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, len))
        return false;
    if (img.width == 0 || img.height == 0 || img.width > FRAME_MAX_SIDE ||
        img.height > FRAME_MAX_SIDE) {
        png_image_free(&img);
        return false;
    }
    img.format = PNG_FORMAT_GRAY;
    size_t need = (size_t)img.width * img.height;
    if (!grow(buf, cap, need)) {
        png_image_free(&img);
        return false;
    }
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&img, &white, *buf, (png_int_32)img.width, NULL)) {
        png_image_free(&img);
        return false;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return true;
}

uint8_t *decode_png(const uint8_t *data, size_t len, int *w, int *h)
{
    uint8_t *buf = NULL;
    size_t cap = 0;
    if (!data || !png_into(data, len, w, h, &buf, &cap)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- JPEG ---- */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
} jpeg_err;

static void jpeg_fail(j_common_ptr c)
{
    longjmp(((jpeg_err *)c->err)->jump, 1);
}

/* Corrupt-data warnings are not printed: a camera's broken frame is
 * dropped quietly and the next one read. */
static void jpeg_quiet(j_common_ptr c)
{
    (void)c;
}

/* libjpeg-turbo supplies the standard Huffman tables when an MJPEG frame
 * omits them, as many webcams do. */
static bool jpeg_into(const uint8_t *data, size_t len, int *w, int *h, uint8_t **buf,
                      size_t *cap)
{
    struct jpeg_decompress_struct c;
    jpeg_err err;
    if (!data || len < 4 || len > (size_t)0xffffffffu)
        return false;
    c.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    err.pub.output_message = jpeg_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, data, (unsigned long)len);
    if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK || c.image_width == 0 ||
        c.image_height == 0 || c.image_width > FRAME_MAX_SIDE ||
        c.image_height > FRAME_MAX_SIDE) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    c.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&c);
    if (c.output_components != 1 || !grow(buf, cap, (size_t)c.output_width * c.output_height)) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = *buf + (size_t)c.output_scanline * c.output_width;
        jpeg_read_scanlines(&c, &row, 1);
    }
    *w = (int)c.output_width;
    *h = (int)c.output_height;
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    return true;
}

uint8_t *decode_jpeg(const uint8_t *data, size_t len, int *w, int *h)
{
    uint8_t *buf = NULL;
    size_t cap = 0;
    if (!jpeg_into(data, len, w, h, &buf, &cap)) {
        free(buf);
        return NULL;
    }
    return buf;
}

void yuyv_to_grey(const uint8_t *yuyv, int w, int h, int stride, uint8_t *grey)
{
    for (int y = 0; y < h; y++) {
        const uint8_t *row = yuyv + (size_t)y * (size_t)stride;
        uint8_t *out = grey + (size_t)y * (size_t)w;
        for (int x = 0; x < w; x++)
            out[x] = row[2 * x];
    }
}

/* By content, not by name: a PNG signature or a JPEG start-of-image. */
static bool image_into(frame_source *s, const uint8_t *data, size_t len)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len >= 8 && memcmp(data, png_sig, 8) == 0)
        return png_into(data, len, &s->w, &s->h, &s->grey, &s->grey_cap);
    if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return jpeg_into(data, len, &s->w, &s->h, &s->grey, &s->grey_cap);
    return false;
}

static bool read_whole(frame_source *s, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = 0;
    bool ok = true;
    for (;;) {
        if (n == s->file_cap && !grow(&s->file, &s->file_cap, n ? 2 * n : 65536)) {
            ok = false;
            break;
        }
        size_t got = fread(s->file + n, 1, s->file_cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n > FRAME_MAX_FILE) {
            ok = false;
            break;
        }
    }
    if (ferror(f))
        ok = false;
    fclose(f);
    *len = n;
    return ok;
}

static frame_result file_frame(frame_source *s, const char *path, grey_frame *f)
{
    size_t len = 0;
    f->name = path;
    if (!read_whole(s, path, &len) || !image_into(s, s->file, len))
        return FRAME_BAD;
    f->width = s->w;
    f->height = s->h;
    f->stride = s->w;
    f->grey = s->grey;
    f->t_us = now_us();
    return FRAME_OK;
}

/* ---- folders ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool dir_list(frame_source *s)
{
    DIR *d = opendir(s->path);
    if (!d)
        return false;
    struct dirent *e;
    int cap = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (s->n_names == cap) {
            int ncap = cap ? 2 * cap : 64;
            char **p = realloc(s->names, (size_t)ncap * sizeof *p);
            if (!p)
                break;
            s->names = p;
            cap = ncap;
        }
        if (!(s->names[s->n_names] = strdup(e->d_name)))
            break;
        s->n_names++;
    }
    closedir(d);
    if (s->n_names > 0)
        qsort(s->names, (size_t)s->n_names, sizeof *s->names, name_cmp);
    return true;
}

static frame_result dir_frame(frame_source *s, grey_frame *f)
{
    while (s->next_name < s->n_names) {
        const char *n = s->names[s->next_name++];
        int k = snprintf(s->cur_name, sizeof s->cur_name, "%s/%s", s->path, n);
        if (k < 0 || (size_t)k >= sizeof s->cur_name)
            continue; /* a name too long for any file system path */
        struct stat st;
        if (stat(s->cur_name, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* subfolders and vanished files are not frames */
        return file_frame(s, s->cur_name, f);
    }
    return FRAME_END;
}

/* ---- raw grey: one or more WIDTHxHEIGHT frames back to back ---- */

static frame_result raw_frame(frame_source *s, grey_frame *f)
{
    size_t n = (size_t)s->raw_w * (size_t)s->raw_h;
    if (!grow(&s->grey, &s->grey_cap, n))
        return FRAME_BAD;
    size_t got = fread(s->grey, 1, n, s->raw);
    if (got == 0)
        return FRAME_END;
    if (got < n)
        return FRAME_BAD; /* a short last frame */
    f->width = s->raw_w;
    f->height = s->raw_h;
    f->stride = s->raw_w;
    f->grey = s->grey;
    f->t_us = now_us();
    f->name = s->path;
    return FRAME_OK;
}

/* ---- V4L2 ---- */

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do
        r = ioctl(fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static void v4l2_stop(frame_source *s)
{
    if (s->streaming) {
        enum v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(s->fd, VIDIOC_STREAMOFF, &t);
        s->streaming = false;
    }
    for (unsigned i = 0; i < s->n_bufs; i++)
        if (s->bufs[i].start && s->bufs[i].start != MAP_FAILED)
            munmap(s->bufs[i].start, s->bufs[i].len);
    s->n_bufs = 0;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static bool v4l2_start(frame_source *s, char *err, size_t cap)
{
    s->fd = open(s->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        snprintf(err, cap, "%s: %s", s->path, strerror(errno));
        return false;
    }
    struct v4l2_capability vc;
    memset(&vc, 0, sizeof vc);
    if (xioctl(s->fd, VIDIOC_QUERYCAP, &vc) != 0) {
        snprintf(err, cap, "%s: not a V4L2 device (%s)", s->path, strerror(errno));
        return false;
    }
    uint32_t caps = (vc.capabilities & V4L2_CAP_DEVICE_CAPS) ? vc.device_caps : vc.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        snprintf(err, cap, "%s: not a streaming capture device", s->path);
        return false;
    }
    /* YUYV first (no decoding: the Y samples are the grey frame), then
     * MJPEG; the driver answers with what it will actually deliver. */
    static const uint32_t wanted[] = {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG};
    struct v4l2_format fmt;
    bool ok = false;
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0] && !ok; i++) {
        memset(&fmt, 0, sizeof fmt);
        fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        fmt.fmt.pix.width = 640;
        fmt.fmt.pix.height = 480;
        fmt.fmt.pix.pixelformat = wanted[i];
        fmt.fmt.pix.field = V4L2_FIELD_NONE;
        ok = xioctl(s->fd, VIDIOC_S_FMT, &fmt) == 0 && fmt.fmt.pix.pixelformat == wanted[i];
    }
    if (!ok || fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0 ||
        fmt.fmt.pix.width > FRAME_MAX_SIDE || fmt.fmt.pix.height > FRAME_MAX_SIDE) {
        snprintf(err, cap, "%s: the camera offers neither YUYV nor MJPEG", s->path);
        return false;
    }
    s->fourcc = fmt.fmt.pix.pixelformat;
    s->w = (int)fmt.fmt.pix.width;
    s->h = (int)fmt.fmt.pix.height;
    s->stride = (int)fmt.fmt.pix.bytesperline;
    if (s->stride < 2 * s->w)
        s->stride = 2 * s->w;

    struct v4l2_requestbuffers rb;
    memset(&rb, 0, sizeof rb);
    rb.count = V4L2_BUFFERS;
    rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    rb.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_REQBUFS, &rb) != 0 || rb.count < 2) {
        snprintf(err, cap, "%s: no capture buffers (%s)", s->path, strerror(errno));
        return false;
    }
    if (rb.count > V4L2_BUFFERS)
        rb.count = V4L2_BUFFERS;
    for (unsigned i = 0; i < rb.count; i++) {
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(s->fd, VIDIOC_QUERYBUF, &b) != 0) {
            snprintf(err, cap, "%s: %s", s->path, strerror(errno));
            return false;
        }
        s->bufs[i].len = b.length;
        s->bufs[i].start =
            mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
        s->n_bufs = i + 1;
        if (s->bufs[i].start == MAP_FAILED) {
            snprintf(err, cap, "%s: mmap: %s", s->path, strerror(errno));
            return false;
        }
        if (xioctl(s->fd, VIDIOC_QBUF, &b) != 0) {
            snprintf(err, cap, "%s: %s", s->path, strerror(errno));
            return false;
        }
    }
    enum v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_STREAMON, &t) != 0) {
        snprintf(err, cap, "%s: cannot start streaming (%s)", s->path, strerror(errno));
        return false;
    }
    s->streaming = true;
    s->last_frame_us = now_us();
    return true;
}

/* FRAME_LOST, with why (what failed, and errno's words when with_errno). */
static frame_result lost(frame_source *s, const char *what, bool with_errno)
{
    if (with_errno)
        snprintf(s->why, sizeof s->why, "%s: %s: %s", s->path, what, strerror(errno));
    else
        snprintf(s->why, sizeof s->why, "%s: %s", s->path, what);
    return FRAME_LOST;
}

/* Waits up to s->wait_ms for a frame. No frame for FRAME_STALL_MS since
 * the last one (or since streaming started) is a stall: FRAME_LOST. */
static frame_result v4l2_frame(frame_source *s, grey_frame *f)
{
    if (s->fd < 0)
        return lost(s, "not open", false);
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(s->fd, &fds);
    struct timeval tv = {s->wait_ms / 1000, (s->wait_ms % 1000) * 1000};
    int r = select(s->fd + 1, &fds, NULL, NULL, &tv);
    if (r == -1 && errno == EINTR)
        return FRAME_AGAIN;
    if (r < 0)
        return lost(s, "select", true); /* the descriptor is gone */
    /* the stall clock runs from the last frame dequeued, not from the
     * last wake-up: a device that keeps waking select with nothing to
     * dequeue is a stalled one too */
    bool stalled = now_us() - s->last_frame_us >= (uint64_t)FRAME_STALL_MS * 1000u;
    if (r == 0)
        return stalled ? lost(s, "no frame for 2 s", false) : FRAME_AGAIN;
    struct v4l2_buffer b;
    memset(&b, 0, sizeof b);
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_DQBUF, &b) != 0) {
        if (errno == EAGAIN)
            return stalled ? lost(s, "no frame for 2 s", false) : FRAME_AGAIN;
        return lost(s, "taking a frame", true); /* ENODEV: unplugged */
    }
    s->last_frame_us = now_us();
    if (b.index >= s->n_bufs) {
        xioctl(s->fd, VIDIOC_QBUF, &b);
        return FRAME_BAD;
    }
    const uint8_t *data = s->bufs[b.index].start;
    size_t used = b.bytesused ? b.bytesused : s->bufs[b.index].len;
    if (used > s->bufs[b.index].len)
        used = s->bufs[b.index].len;
    frame_result res = FRAME_OK;
    if (b.flags & V4L2_BUF_FLAG_ERROR) {
        res = FRAME_BAD;
    } else if (s->fourcc == V4L2_PIX_FMT_YUYV) {
        if (used < (size_t)s->stride * (size_t)(s->h - 1) + 2u * (size_t)s->w ||
            !grow(&s->grey, &s->grey_cap, (size_t)s->w * (size_t)s->h))
            res = FRAME_BAD;
        else
            yuyv_to_grey(data, s->w, s->h, s->stride, s->grey);
    } else {
        int w = 0, h = 0;
        if (!jpeg_into(data, used, &w, &h, &s->grey, &s->grey_cap))
            res = FRAME_BAD;
        else
            s->w = w, s->h = h;
    }
    uint64_t t = (uint64_t)b.timestamp.tv_sec * 1000000u + (uint64_t)b.timestamp.tv_usec;
    if (xioctl(s->fd, VIDIOC_QBUF, &b) != 0)
        res = lost(s, "giving a buffer back", true);
    if (res != FRAME_OK)
        return res;
    f->width = s->w;
    f->height = s->h;
    f->stride = s->w;
    f->grey = s->grey;
    f->t_us = t ? t : now_us();
    f->name = NULL;
    return FRAME_OK;
}

/* ---- the interface ---- */

frame_source *frame_open(const char *spec, char *err, size_t cap)
{
    if (!spec || !*spec) {
        snprintf(err, cap, "no frame source given");
        return NULL;
    }
    frame_source *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    s->fd = -1;
    s->wait_ms = FRAME_STALL_MS;
    if (strncmp(spec, "raw:", 4) == 0) {
        /* strtol, not sscanf's %d: a long number is refused, not UB */
        const char *p = spec + 4;
        char *end = NULL;
        errno = 0;
        long w = strtol(p, &end, 10), h = 0;
        bool ok = end != p && *end == 'x';
        if (ok) {
            p = end + 1;
            h = strtol(p, &end, 10);
            ok = end != p && *end == ':';
        }
        if (!ok || errno != 0 || w <= 0 || h <= 0 || w > FRAME_MAX_SIDE || h > FRAME_MAX_SIDE ||
            !end[1]) {
            snprintf(err, cap, "%s: give raw:WIDTHxHEIGHT:PATH", spec);
            free(s);
            return NULL;
        }
        const char *file = end + 1;
        s->kind = SRC_RAW;
        s->raw_w = (int)w;
        s->raw_h = (int)h;
        s->path = strdup(file);
        if (!s->path || !(s->raw = fopen(s->path, "rb"))) {
            snprintf(err, cap, "%s: %s", file, strerror(errno));
            frame_close(s);
            return NULL;
        }
        return s;
    }
    s->path = strdup(spec);
    if (!s->path) {
        snprintf(err, cap, "out of memory");
        frame_close(s);
        return NULL;
    }
    struct stat st;
    if (stat(spec, &st) != 0) {
        snprintf(err, cap, "%s: %s", spec, strerror(errno));
        frame_close(s);
        return NULL;
    }
    if (S_ISCHR(st.st_mode)) {
        s->kind = SRC_V4L2;
        if (!v4l2_start(s, err, cap)) {
            frame_close(s);
            return NULL;
        }
    } else if (S_ISDIR(st.st_mode)) {
        s->kind = SRC_DIR;
        if (!dir_list(s)) {
            snprintf(err, cap, "%s: %s", spec, strerror(errno));
            frame_close(s);
            return NULL;
        }
    } else if (S_ISREG(st.st_mode)) {
        s->kind = SRC_FILE;
    } else {
        snprintf(err, cap, "%s: not a file, folder or camera", spec);
        frame_close(s);
        return NULL;
    }
    return s;
}

frame_result frame_next(frame_source *s, grey_frame *f)
{
    memset(f, 0, sizeof *f);
    if (!s)
        return FRAME_END;
    switch (s->kind) {
    case SRC_FILE:
        if (s->done)
            return FRAME_END;
        s->done = true;
        return file_frame(s, s->path, f);
    case SRC_DIR:
        return dir_frame(s, f);
    case SRC_RAW:
        return raw_frame(s, f);
    case SRC_V4L2: {
        if (s->fd < 0) {
            /* Lost before: reopen it (the camera plugged back in, or the
             * driver back from a stall); until then, lost it stays. */
            if (!v4l2_start(s, s->why, sizeof s->why)) {
                v4l2_stop(s);
                return FRAME_LOST;
            }
        }
        frame_result r = v4l2_frame(s, f);
        if (r == FRAME_LOST)
            v4l2_stop(s); /* the next call reopens it */
        return r;
    }
    }
    return FRAME_END;
}

const char *frame_why(const frame_source *s)
{
    return s ? s->why : "";
}

void frame_set_wait(frame_source *s, int wait_ms)
{
    if (s)
        s->wait_ms = wait_ms < 0 ? 0 : wait_ms > FRAME_STALL_MS ? FRAME_STALL_MS : wait_ms;
}

void frame_close(frame_source *s)
{
    if (!s)
        return;
    if (s->kind == SRC_V4L2)
        v4l2_stop(s);
    if (s->raw)
        fclose(s->raw);
    for (int i = 0; i < s->n_names; i++)
        free(s->names[i]);
    free(s->names);
    free(s->grey);
    free(s->file);
    free(s->path);
    free(s);
}
