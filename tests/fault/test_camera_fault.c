/*
 * test_camera_fault.c: a V4L2 camera that vanishes, stalls or fails, under
 * app/frames.c (issue 9, item 6: a clear message, and nothing lost).
 *
 * There is no camera, nor v4l2loopback, on the build machines, so the
 * calls frames.c makes to reach one (stat, open, ioctl, mmap, munmap,
 * select, close) are wrapped at link time (-Wl,--wrap, tests/CMakeLists.txt).
 * On FAKE_PATH they reach a small simulated capture device with mmap
 * buffers; every other call goes straight to the C library, so files,
 * cmocka and libjpeg work as usual. Any step can be made to fail at its
 * N-th call with a chosen errno.
 *
 * Cases: frames flowing (the grey frame is exactly the Y samples the
 * device delivered); the camera unplugged mid-stream and plugged back; a
 * stall (FRAME_LOST 2 s after the last frame); each step of starting
 * failing in turn; bad buffers; MJPEG, good and corrupt. After each, the
 * device's descriptors and mappings are back to zero: every FRAME_LOST
 * and frame_close give back all they took.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <jpeglib.h>
#include <linux/videodev2.h>

#include "frames.h"
#include "testkit.h"

#define FAKE_PATH "/dev/video-fake"
#define FAKE_W 640
#define FAKE_H 480
#define FAKE_BUFS 4
/* QUERYBUF's m.offset for buffer i, which mmap is then given */
#define FAKE_OFFSET_STEP 0x100000

/* ---- the simulated device ---- */

typedef enum { OP_OPEN, OP_QUERYCAP, OP_S_FMT, OP_REQBUFS, OP_QUERYBUF, OP_MMAP, OP_QBUF,
               OP_DQBUF, OP_STREAMON, OP_SELECT, OP_NONE } fake_op;

/* The formats the device offers. */
enum { OFFER_YUYV = 1, OFFER_MJPEG = 2, OFFER_GREY = 4 };

/* A buffer is the application's, queued for the device to fill, or
 * filled and waiting for DQBUF; both queues are first in, first out. */
typedef enum { B_APP, B_QUEUED, B_DONE } buf_state;

typedef struct {
    buf_state state;
    unsigned long order;
    uint8_t *map; /* the application's mapping, or NULL */
    size_t map_len;
    uint32_t bytesused, flags;
    struct timeval ts;
} fake_buf;

static struct {
    /* the device as plugged in */
    bool present;
    uint32_t caps;
    unsigned offer;
    unsigned grant; /* the most buffers REQBUFS grants */
    unsigned pad;   /* bytes past 2 * width in each YUYV row */
    /* the open device */
    int fd, open_fds, maps;
    bool nonblock;
    uint32_t fourcc, bytesperline, sizeimage;
    unsigned n_bufs;
    fake_buf bufs[FAKE_BUFS];
    bool streaming;
    unsigned long order, sequence;
    uint64_t last_ts_us; /* the timestamp of the last frame delivered */
    unsigned opens, open_tries;
    /* the failure to inject: the at-th call of fail_op on (sticky: and
     * every call after it) fails with fail_errno */
    fake_op fail_op;
    unsigned fail_at;
    int fail_errno;
    bool fail_sticky;
    unsigned calls[OP_NONE];
} cam;

static int cam_reset(void **state)
{
    (void)state;
    memset(&cam, 0, sizeof cam);
    cam.present = true;
    cam.caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
    cam.offer = OFFER_YUYV | OFFER_MJPEG;
    cam.grant = FAKE_BUFS;
    cam.fd = -1;
    cam.fail_op = OP_NONE;
    return 0;
}

static void arm(fake_op op, unsigned at, int err, bool sticky)
{
    memset(cam.calls, 0, sizeof cam.calls);
    cam.fail_op = op;
    cam.fail_at = at;
    cam.fail_errno = err;
    cam.fail_sticky = sticky;
}

static void disarm(void)
{
    cam.fail_op = OP_NONE;
}

static bool injected(fake_op op)
{
    unsigned n = ++cam.calls[op];
    if (op != cam.fail_op || n < cam.fail_at || (!cam.fail_sticky && n != cam.fail_at))
        return false;
    errno = cam.fail_errno;
    return true;
}

static int fail_with(int err)
{
    errno = err;
    return -1;
}

static bool is_cam_fd(int fd)
{
    return fd >= 0 && cam.open_fds > 0 && fd == cam.fd;
}

/* The oldest buffer in state st, or NULL. */
static fake_buf *oldest(buf_state st)
{
    fake_buf *best = NULL;
    for (unsigned i = 0; i < cam.n_bufs; i++)
        if (cam.bufs[i].state == st && (!best || cam.bufs[i].order < best->order))
            best = &cam.bufs[i];
    return best;
}

static int fake_querycap(struct v4l2_capability *vc)
{
    memset(vc, 0, sizeof *vc);
    snprintf((char *)vc->driver, sizeof vc->driver, "fake");
    snprintf((char *)vc->card, sizeof vc->card, "Simulated camera");
    vc->capabilities = cam.caps | V4L2_CAP_DEVICE_CAPS;
    vc->device_caps = cam.caps;
    return 0;
}

/* As drivers do, a format the device does not have is not an error: it
 * answers with one it has. */
static int fake_s_fmt(struct v4l2_format *f)
{
    if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
        return fail_with(EINVAL);
    if (cam.streaming || cam.n_bufs)
        return fail_with(EBUSY);
    uint32_t want = f->fmt.pix.pixelformat;
    if (want == V4L2_PIX_FMT_YUYV && (cam.offer & OFFER_YUYV))
        cam.fourcc = want;
    else if (want == V4L2_PIX_FMT_MJPEG && (cam.offer & OFFER_MJPEG))
        cam.fourcc = want;
    else if (cam.offer & OFFER_YUYV)
        cam.fourcc = V4L2_PIX_FMT_YUYV;
    else if (cam.offer & OFFER_MJPEG)
        cam.fourcc = V4L2_PIX_FMT_MJPEG;
    else
        cam.fourcc = V4L2_PIX_FMT_GREY;
    cam.bytesperline = cam.fourcc == V4L2_PIX_FMT_YUYV   ? 2 * FAKE_W + cam.pad
                       : cam.fourcc == V4L2_PIX_FMT_GREY ? FAKE_W
                                                         : 0;
    cam.sizeimage = cam.bytesperline ? cam.bytesperline * FAKE_H : 2 * FAKE_W * FAKE_H;
    f->fmt.pix.pixelformat = cam.fourcc;
    f->fmt.pix.width = FAKE_W;
    f->fmt.pix.height = FAKE_H;
    f->fmt.pix.field = V4L2_FIELD_NONE;
    f->fmt.pix.bytesperline = cam.bytesperline;
    f->fmt.pix.sizeimage = cam.sizeimage;
    return 0;
}

static int fake_reqbufs(struct v4l2_requestbuffers *rb)
{
    if (rb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || rb->memory != V4L2_MEMORY_MMAP)
        return fail_with(EINVAL);
    if (cam.streaming || cam.maps)
        return fail_with(EBUSY); /* as the kernel: buffers still mapped */
    unsigned n = rb->count < cam.grant ? rb->count : cam.grant;
    cam.n_bufs = n < FAKE_BUFS ? n : FAKE_BUFS;
    for (unsigned i = 0; i < FAKE_BUFS; i++)
        cam.bufs[i].state = B_APP;
    rb->count = cam.n_bufs;
    return 0;
}

static bool buf_ok(const struct v4l2_buffer *b)
{
    return b->type == V4L2_BUF_TYPE_VIDEO_CAPTURE && b->memory == V4L2_MEMORY_MMAP &&
           b->index < cam.n_bufs;
}

static int fake_querybuf(struct v4l2_buffer *b)
{
    if (!buf_ok(b))
        return fail_with(EINVAL);
    b->length = cam.sizeimage;
    b->m.offset = b->index * FAKE_OFFSET_STEP;
    b->bytesused = cam.bufs[b->index].bytesused;
    b->flags = cam.bufs[b->index].map ? V4L2_BUF_FLAG_MAPPED : 0;
    return 0;
}

static int fake_qbuf(struct v4l2_buffer *b)
{
    if (!buf_ok(b) || cam.bufs[b->index].state != B_APP)
        return fail_with(EINVAL);
    cam.bufs[b->index].state = B_QUEUED;
    cam.bufs[b->index].order = ++cam.order;
    return 0;
}

static int fake_dqbuf(struct v4l2_buffer *b)
{
    if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP ||
        !cam.streaming)
        return fail_with(EINVAL);
    fake_buf *fb = oldest(B_DONE);
    if (!fb) {
        if (!cam.nonblock)
            fail_msg("DQBUF on a blocking descriptor with no frame would hang");
        return fail_with(EAGAIN);
    }
    fb->state = B_APP;
    b->index = (uint32_t)(fb - cam.bufs);
    b->bytesused = fb->bytesused;
    b->flags = fb->flags | V4L2_BUF_FLAG_MAPPED | V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
    b->field = V4L2_FIELD_NONE;
    b->timestamp = fb->ts;
    b->length = cam.sizeimage;
    b->m.offset = b->index * FAKE_OFFSET_STEP;
    return 0;
}

/* STREAMOFF gives every buffer back to the application, filled or not. */
static void fake_streamoff(void)
{
    cam.streaming = false;
    for (unsigned i = 0; i < FAKE_BUFS; i++)
        cam.bufs[i].state = B_APP;
}

static int fake_ioctl(unsigned long req, void *arg)
{
    fake_op op = req == VIDIOC_QUERYCAP ? OP_QUERYCAP
                 : req == VIDIOC_S_FMT  ? OP_S_FMT
                 : req == VIDIOC_REQBUFS ? OP_REQBUFS
                 : req == VIDIOC_QUERYBUF ? OP_QUERYBUF
                 : req == VIDIOC_QBUF    ? OP_QBUF
                 : req == VIDIOC_DQBUF   ? OP_DQBUF
                 : req == VIDIOC_STREAMON ? OP_STREAMON
                                          : OP_NONE;
    if (op != OP_NONE && injected(op))
        return -1;
    if (!cam.present)
        return fail_with(ENODEV); /* unplugged: the descriptor stays, the device is gone */
    switch (req) {
    case VIDIOC_QUERYCAP:
        return fake_querycap(arg);
    case VIDIOC_S_FMT:
        return fake_s_fmt(arg);
    case VIDIOC_REQBUFS:
        return fake_reqbufs(arg);
    case VIDIOC_QUERYBUF:
        return fake_querybuf(arg);
    case VIDIOC_QBUF:
        return fake_qbuf(arg);
    case VIDIOC_DQBUF:
        return fake_dqbuf(arg);
    case VIDIOC_STREAMON:
        if (*(const int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE || cam.n_bufs == 0)
            return fail_with(EINVAL);
        cam.streaming = true;
        return 0;
    case VIDIOC_STREAMOFF:
        fake_streamoff();
        return 0;
    default:
        return fail_with(ENOTTY);
    }
}

/* The device fills the oldest queued buffer with n bytes of data and
 * hands it over with bytesused and flags. False when it has no buffer to
 * fill (not streaming, unplugged, or all buffers with the application):
 * the frame is dropped, as drivers do. */
static bool deliver(const uint8_t *data, size_t n, uint32_t bytesused, uint32_t flags)
{
    fake_buf *b = cam.present && cam.streaming ? oldest(B_QUEUED) : NULL;
    if (!b)
        return false;
    assert_non_null(b->map);
    assert_true(n <= b->map_len);
    memcpy(b->map, data, n);
    b->bytesused = bytesused;
    b->flags = flags;
    cam.sequence++;
    b->ts.tv_sec = (time_t)(100 + cam.sequence);
    b->ts.tv_usec = (suseconds_t)(cam.sequence * 1000);
    cam.last_ts_us = (100 + cam.sequence) * 1000000u + cam.sequence * 1000u;
    b->state = B_DONE;
    b->order = ++cam.order;
    return true;
}

/* ---- the wrapped calls ---- */

int __real_stat(const char *path, struct stat *st);
int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __real_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv);
int __real_close(int fd);

int __wrap_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st)
{
    if (!path || strcmp(path, FAKE_PATH) != 0)
        return __real_stat(path, st);
    if (!cam.present)
        return fail_with(ENOENT); /* udev removed the node */
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0660;
    return 0;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    if (!path || strcmp(path, FAKE_PATH) != 0)
        return __real_open(path, flags, mode);
    cam.open_tries++;
    if (injected(OP_OPEN))
        return -1;
    if (!cam.present)
        return fail_with(ENOENT);
    if (cam.open_fds)
        fail_msg("the camera opened again while open: the first descriptor leaked");
    /* a real descriptor, so that its number is one no other file has */
    int fd = __real_open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    cam.fd = fd;
    cam.open_fds = 1;
    cam.opens++;
    cam.nonblock = (flags & O_NONBLOCK) != 0;
    cam.n_bufs = 0;
    cam.streaming = false;
    return fd;
}

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!is_cam_fd(fd))
        return __real_ioctl(fd, req, arg);
    return fake_ioctl(req, arg);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (!is_cam_fd(fd))
        return __real_mmap(addr, len, prot, flags, fd, off);
    if (injected(OP_MMAP))
        return MAP_FAILED;
    if (!cam.present) {
        errno = ENODEV;
        return MAP_FAILED;
    }
    unsigned i = (unsigned)(off / FAKE_OFFSET_STEP);
    if (off % FAKE_OFFSET_STEP || i >= cam.n_bufs || len != cam.sizeimage || cam.bufs[i].map ||
        !(flags & MAP_SHARED)) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    void *p = __real_mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return p;
    cam.bufs[i].map = p;
    cam.bufs[i].map_len = len;
    cam.maps++;
    return p;
}

int __wrap_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len)
{
    for (unsigned i = 0; i < FAKE_BUFS; i++) {
        if (addr && cam.bufs[i].map == addr) {
            assert_int_equal(len, cam.bufs[i].map_len);
            cam.bufs[i].map = NULL;
            cam.maps--;
            break;
        }
    }
    return __real_munmap(addr, len);
}

/* Ready when a frame waits, and when the device is gone (a real driver
 * reports POLLERR, which select counts as readable); otherwise the wait
 * passes, as it would. */
int __wrap_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv);
int __wrap_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    if (!rd || cam.open_fds == 0 || cam.fd >= n || !FD_ISSET(cam.fd, rd))
        return __real_select(n, rd, wr, ex, tv);
    if (injected(OP_SELECT))
        return -1;
    bool ready = !cam.present || !cam.streaming || oldest(B_DONE);
    if (!ready) {
        if (!tv)
            fail_msg("select with no timeout on a camera that gives nothing would hang");
        struct timespec ts = {tv->tv_sec, (long)tv->tv_usec * 1000};
        nanosleep(&ts, NULL);
    }
    int fd = cam.fd;
    FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    if (!ready)
        return 0;
    FD_SET(fd, rd);
    return 1;
}

int __wrap_close(int fd);
int __wrap_close(int fd)
{
    if (is_cam_fd(fd)) {
        /* the last close frees the queue; mappings outlive it */
        fake_streamoff();
        cam.n_bufs = 0;
        cam.open_fds = 0;
        cam.fd = -1;
    }
    return __real_close(fd);
}

/* ---- helpers ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Nothing of the device is held: no descriptor, no mapping. */
static void assert_balanced(void)
{
    assert_int_equal(cam.open_fds, 0);
    assert_int_equal(cam.maps, 0);
}

static frame_source *open_cam(void)
{
    char err[256];
    frame_source *s = frame_open(FAKE_PATH, err, sizeof err);
    if (!s)
        fail_msg("frame_open: %s", err);
    assert_int_equal(cam.open_fds, 1);
    assert_int_equal(cam.maps, (int)cam.n_bufs);
    assert_true(cam.streaming);
    assert_true(cam.nonblock);
    return s;
}

static uint8_t y_at(unsigned seed, int x, int y)
{
    return (uint8_t)(x * 3 + y * 7 + (int)seed * 31);
}

/* A YUYV frame of the current format whose Y samples are y_at(seed):
 * U and V (and any row padding) differ, so that reading them shows. */
static uint64_t ts_of_seed[64]; /* the timestamp each frame was sent with */

static bool deliver_yuyv_used(unsigned seed, uint32_t bytesused, uint32_t flags)
{
    static uint8_t frame[(2 * FAKE_W + 256) * FAKE_H];
    size_t stride = cam.bytesperline;
    assert_true(stride * FAKE_H <= sizeof frame);
    for (int y = 0; y < FAKE_H; y++) {
        uint8_t *row = frame + (size_t)y * stride;
        memset(row, 0xee, stride);
        for (int x = 0; x < FAKE_W; x++) {
            row[2 * x] = y_at(seed, x, y);
            row[2 * x + 1] = (uint8_t)((x & 1 ? 0xc0 : 0x40) ^ seed);
        }
    }
    if (!deliver(frame, stride * FAKE_H, bytesused, flags))
        return false;
    assert_true(seed < sizeof ts_of_seed / sizeof ts_of_seed[0]);
    ts_of_seed[seed] = cam.last_ts_us;
    return true;
}

static bool deliver_yuyv(unsigned seed)
{
    return deliver_yuyv_used(seed, cam.bytesperline * FAKE_H, 0);
}

/* frame_next gives the frame deliver_yuyv(seed) sent: every grey pixel
 * its Y sample, with the device's timestamp. */
static void expect_yuyv(frame_source *s, unsigned seed)
{
    grey_frame f;
    frame_result r = frame_next(s, &f);
    if (r != FRAME_OK)
        fail_msg("frame %u: result %d, want FRAME_OK", seed, (int)r);
    assert_int_equal(f.width, FAKE_W);
    assert_int_equal(f.height, FAKE_H);
    assert_int_equal(f.stride, FAKE_W);
    assert_non_null(f.grey);
    assert_null(f.name);
    assert_int_equal(f.t_us, ts_of_seed[seed]);
    for (int y = 0; y < FAKE_H; y++)
        for (int x = 0; x < FAKE_W; x++)
            if (f.grey[y * FAKE_W + x] != y_at(seed, x, y))
                fail_msg("frame %u: pixel (%d,%d) is %d, its Y sample %d", seed, x, y,
                         f.grey[y * FAKE_W + x], y_at(seed, x, y));
}

static void expect_result(frame_source *s, frame_result want)
{
    grey_frame f;
    frame_result r = frame_next(s, &f);
    if (r != want)
        fail_msg("frame_next: %d, want %d", (int)r, (int)want);
}

/* ---- 1. frames flow ---- */

static void test_frames_flow(void **state)
{
    for (unsigned pad = 0; pad <= 64; pad += 64) {
        cam_reset(state);
        cam.pad = pad; /* rows longer than the pixels: bytesperline counts */
        frame_source *s = open_cam();
        assert_int_equal(cam.fourcc, V4L2_PIX_FMT_YUYV);
        assert_int_equal(cam.n_bufs, FAKE_BUFS);
        for (unsigned seed = 1; seed <= 6; seed++) {
            assert_true(deliver_yuyv(seed));
            expect_yuyv(s, seed);
        }
        /* frames that pile up come out in order; a fifth, with every
         * buffer full, is the driver's to drop */
        for (unsigned seed = 10; seed < 14; seed++)
            assert_true(deliver_yuyv(seed));
        assert_false(deliver_yuyv(14));
        for (unsigned seed = 10; seed < 14; seed++)
            expect_yuyv(s, seed);
        /* an ioctl interrupted by a signal is retried */
        arm(OP_DQBUF, 1, EINTR, false);
        assert_true(deliver_yuyv(20));
        expect_yuyv(s, 20);
        disarm();
        frame_close(s);
        assert_balanced();
    }
}

/* ---- 2. unplugged mid-stream, then back ---- */

static void test_unplug(void **state)
{
    (void)state;
    char err[256];
    cam.present = false;
    assert_null(frame_open(FAKE_PATH, err, sizeof err));
    assert_string_equal(err, FAKE_PATH ": No such file or directory");
    cam.present = true;

    frame_source *s = open_cam();
    frame_set_wait(s, 10);
    assert_true(deliver_yuyv(1));
    expect_yuyv(s, 1);
    assert_string_equal(frame_why(s), "");
    assert_true(deliver_yuyv(2)); /* pending when the cable is pulled */
    cam.present = false;
    expect_result(s, FRAME_LOST); /* DQBUF: ENODEV */
    assert_string_equal(frame_why(s), FAKE_PATH ": taking a frame: No such device");
    assert_balanced();
    for (unsigned i = 1; i <= 3; i++) {
        unsigned tries = cam.open_tries;
        expect_result(s, FRAME_LOST); /* open: ENOENT */
        assert_string_equal(frame_why(s), FAKE_PATH ": No such file or directory");
        assert_int_equal(cam.open_tries, tries + 1);
        assert_balanced();
    }
    cam.present = true;
    expect_result(s, FRAME_AGAIN); /* reopened, nothing yet */
    assert_int_equal(cam.opens, 2);
    assert_int_equal(cam.open_fds, 1);
    for (unsigned seed = 3; seed <= 5; seed++) {
        assert_true(deliver_yuyv(seed));
        expect_yuyv(s, seed);
    }
    frame_close(s);
    assert_balanced();
}

/* ---- 3. a stall ---- */

static void test_stall(void **state)
{
    (void)state;
    frame_source *s = open_cam();
    frame_set_wait(s, 20);
    assert_true(deliver_yuyv(1));
    uint64_t t0 = now_ms(); /* before frames.c notes the frame's time */
    expect_yuyv(s, 1);
    uint64_t limit = 2000 + 1000 * (uint64_t)tk_slow();
    unsigned again = 0;
    grey_frame f;
    frame_result r;
    while ((r = frame_next(s, &f)) == FRAME_AGAIN) {
        again++;
        assert_int_equal(cam.open_fds, 1);
        if (now_ms() - t0 > limit)
            fail_msg("still FRAME_AGAIN %llu ms after the last frame",
                     (unsigned long long)(now_ms() - t0));
    }
    uint64_t lost_ms = now_ms() - t0;
    print_message("stall: %u x FRAME_AGAIN, then %d after %llu ms\n", again, (int)r,
                  (unsigned long long)lost_ms);
    assert_int_equal(r, FRAME_LOST);
    assert_string_equal(frame_why(s), FAKE_PATH ": no frame for 2 s");
    assert_true(lost_ms >= 2000);
    assert_true(lost_ms < limit);
    assert_true(again >= 10); /* the short wait was kept: the loop could draw */
    assert_balanced();
    /* the next call reopens the device, and frames flow again */
    expect_result(s, FRAME_AGAIN);
    assert_int_equal(cam.opens, 2);
    assert_true(deliver_yuyv(2));
    expect_yuyv(s, 2);

    /* a device that keeps waking select with nothing to dequeue is
     * stalled too: lost 2 s after its last frame, not never */
    assert_true(deliver_yuyv(3));
    t0 = now_ms();
    expect_yuyv(s, 3);
    assert_true(deliver_yuyv(4)); /* select is ready from now on */
    arm(OP_DQBUF, 1, EAGAIN, true);
    again = 0;
    while ((r = frame_next(s, &f)) == FRAME_AGAIN) {
        again++;
        if (now_ms() - t0 > limit)
            fail_msg("woken for nothing: still FRAME_AGAIN %llu ms after the last frame",
                     (unsigned long long)(now_ms() - t0));
        struct timespec nap = {0, 5000000}; /* a driver's spurious wake-ups */
        nanosleep(&nap, NULL);
    }
    disarm();
    lost_ms = now_ms() - t0;
    assert_int_equal(r, FRAME_LOST);
    assert_string_equal(frame_why(s), FAKE_PATH ": no frame for 2 s");
    assert_true(lost_ms >= 2000);
    assert_true(again >= 10);
    assert_balanced();
    frame_close(s);
    assert_balanced();
}

/* ---- 4. each step of starting fails ---- */

typedef struct {
    const char *name;
    fake_op op; /* the step to fail, or OP_NONE: the device is so */
    unsigned at;
    int err;
    bool sticky;
    uint32_t caps;  /* 0: capture and streaming */
    unsigned offer; /* 0: YUYV and MJPEG */
    unsigned grant; /* 0: FAKE_BUFS */
    const char *says;
} start_case;

static const start_case start_cases[] = {
    {"open refused", OP_OPEN, 1, EACCES, false, 0, 0, 0, FAKE_PATH ": Permission denied"},
    {"open busy", OP_OPEN, 1, EBUSY, false, 0, 0, 0, FAKE_PATH ": Device or resource busy"},
    {"QUERYCAP", OP_QUERYCAP, 1, ENOTTY, false, 0, 0, 0,
     FAKE_PATH ": not a V4L2 device (Inappropriate ioctl for device)"},
    {"no capture", OP_NONE, 0, 0, false, V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_STREAMING, 0, 0,
     FAKE_PATH ": not a streaming capture device"},
    {"no streaming", OP_NONE, 0, 0, false, V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE, 0, 0,
     FAKE_PATH ": not a streaming capture device"},
    {"S_FMT, both formats", OP_S_FMT, 1, EINVAL, true, 0, 0, 0,
     FAKE_PATH ": the camera offers neither YUYV nor MJPEG"},
    {"grey only", OP_NONE, 0, 0, false, 0, OFFER_GREY, 0,
     FAKE_PATH ": the camera offers neither YUYV nor MJPEG"},
    {"REQBUFS", OP_REQBUFS, 1, ENOMEM, false, 0, 0, 0,
     FAKE_PATH ": no capture buffers (Cannot allocate memory)"},
    {"one buffer", OP_NONE, 0, 0, false, 0, 0, 1, FAKE_PATH ": no capture buffers"},
    {"QUERYBUF, first", OP_QUERYBUF, 1, EINVAL, false, 0, 0, 0, FAKE_PATH ": Invalid argument"},
    {"QUERYBUF, last", OP_QUERYBUF, 4, EINVAL, false, 0, 0, 0, FAKE_PATH ": Invalid argument"},
    {"mmap, first", OP_MMAP, 1, ENOMEM, false, 0, 0, 0,
     FAKE_PATH ": mmap: Cannot allocate memory"},
    {"mmap, third", OP_MMAP, 3, ENOMEM, false, 0, 0, 0,
     FAKE_PATH ": mmap: Cannot allocate memory"},
    {"QBUF, first", OP_QBUF, 1, EIO, false, 0, 0, 0, FAKE_PATH ": Input/output error"},
    {"QBUF, last", OP_QBUF, 4, EIO, false, 0, 0, 0, FAKE_PATH ": Input/output error"},
    {"STREAMON", OP_STREAMON, 1, ENOSPC, false, 0, 0, 0,
     FAKE_PATH ": cannot start streaming (No space left on device)"},
};

static void apply(const start_case *c)
{
    if (c->op != OP_NONE)
        arm(c->op, c->at, c->err, c->sticky);
    if (c->caps)
        cam.caps = c->caps;
    if (c->offer)
        cam.offer = c->offer;
    if (c->grant)
        cam.grant = c->grant;
}

static void undo(void)
{
    disarm();
    cam.caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
    cam.offer = OFFER_YUYV | OFFER_MJPEG;
    cam.grant = FAKE_BUFS;
}

static void test_start_failures(void **state)
{
    for (size_t i = 0; i < sizeof start_cases / sizeof start_cases[0]; i++) {
        const start_case *c = &start_cases[i];
        /* frame_open says what failed */
        cam_reset(state);
        apply(c);
        char err[256] = "";
        frame_source *s = frame_open(FAKE_PATH, err, sizeof err);
        print_message("  %s: %s\n", c->name, err);
        if (s)
            fail_msg("%s: frame_open succeeded", c->name);
        if (!strstr(err, c->says))
            fail_msg("%s: the message does not say '%s': %s", c->name, c->says, err);
        assert_balanced();
        /* the same step failing when frame_next reopens the camera */
        cam_reset(state);
        s = open_cam();
        frame_set_wait(s, 10);
        cam.present = false;
        expect_result(s, FRAME_LOST);
        cam.present = true;
        apply(c);
        expect_result(s, FRAME_LOST);
        assert_balanced();
        undo();
        expect_result(s, FRAME_AGAIN);
        assert_true(deliver_yuyv(7));
        expect_yuyv(s, 7);
        frame_close(s);
        assert_balanced();
    }
}

/* ---- 5. bad buffers, and the queue failing ---- */

static void test_bad_buffers(void **state)
{
    (void)state;
    frame_source *s = open_cam();
    frame_set_wait(s, 10);
    const uint32_t full = 2 * FAKE_W * FAKE_H;
    assert_true(deliver_yuyv_used(1, full, V4L2_BUF_FLAG_ERROR));
    expect_result(s, FRAME_BAD);
    assert_true(deliver_yuyv(2));
    expect_yuyv(s, 2);
    /* a frame one byte short of its last row is bad; whole, it is good;
     * bytesused 0 (some drivers) means the whole buffer */
    assert_true(deliver_yuyv_used(3, 1000, 0));
    expect_result(s, FRAME_BAD);
    assert_true(deliver_yuyv_used(4, full - 1, 0));
    expect_result(s, FRAME_BAD);
    assert_true(deliver_yuyv_used(5, full, 0));
    expect_yuyv(s, 5);
    assert_true(deliver_yuyv_used(6, 0, 0));
    expect_yuyv(s, 6);
    /* the bad frames gave their buffers back: all four still cycle */
    for (unsigned seed = 10; seed < 14; seed++)
        assert_true(deliver_yuyv(seed));
    for (unsigned seed = 10; seed < 14; seed++)
        expect_yuyv(s, seed);
    assert_int_equal(cam.opens, 1);

    /* select woke for nothing, or was interrupted: try again */
    arm(OP_DQBUF, 1, EAGAIN, false);
    assert_true(deliver_yuyv(20));
    expect_result(s, FRAME_AGAIN);
    expect_yuyv(s, 20);
    arm(OP_SELECT, 1, EINTR, false);
    expect_result(s, FRAME_AGAIN);
    assert_int_equal(cam.open_fds, 1);
    disarm();

    /* the buffer cannot go back to the device: lost, then reopened */
    assert_true(deliver_yuyv(21));
    arm(OP_QBUF, 1, EIO, false);
    expect_result(s, FRAME_LOST);
    assert_balanced();
    disarm();
    expect_result(s, FRAME_AGAIN);
    assert_int_equal(cam.opens, 2);
    assert_true(deliver_yuyv(22));
    expect_yuyv(s, 22);

    /* DQBUF or select failing otherwise: lost, then reopened */
    static const struct {
        fake_op op;
        int err;
    } lost[] = {{OP_DQBUF, EIO}, {OP_DQBUF, EPIPE}, {OP_SELECT, EBADF}};
    for (size_t i = 0; i < sizeof lost / sizeof lost[0]; i++) {
        assert_true(deliver_yuyv(30));
        arm(lost[i].op, 1, lost[i].err, false);
        expect_result(s, FRAME_LOST);
        assert_balanced();
        disarm();
        expect_result(s, FRAME_AGAIN);
        assert_true(deliver_yuyv(31 + (unsigned)i));
        expect_yuyv(s, 31 + (unsigned)i);
    }
    frame_close(s);
    assert_balanced();
}

/* ---- 6. MJPEG ---- */

/* A colour JPEG, as webcams send: the left half grey level `left`, the
 * right half `right`. Caller frees. */
static unsigned char *make_jpeg(int w, int h, uint8_t left, uint8_t right, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long n = 0;
    jpeg_mem_dest(&c, &out, &n);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    jpeg_start_compress(&c, TRUE);
    JSAMPLE *row = malloc((size_t)w * 3);
    assert_non_null(row);
    for (int x = 0; x < w; x++)
        memset(row + 3 * x, x < w / 2 ? left : right, 3);
    while (c.next_scanline < c.image_height)
        jpeg_write_scanlines(&c, &row, 1);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *len = n;
    return out;
}

/* An OK frame of w x h: the left half near `left`, the right near
 * `right` (within a few levels, away from the edge between them). */
static void expect_jpeg(frame_source *s, int w, int h, uint8_t left, uint8_t right)
{
    grey_frame f;
    frame_result r = frame_next(s, &f);
    if (r != FRAME_OK)
        fail_msg("JPEG frame: result %d, want FRAME_OK", (int)r);
    assert_int_equal(f.width, w);
    assert_int_equal(f.height, h);
    assert_int_equal(f.stride, w);
    assert_int_equal(f.t_us, cam.last_ts_us);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (x >= w / 2 - 16 && x < w / 2 + 16)
                continue;
            int want = x < w / 2 ? left : right, got = f.grey[y * w + x];
            if (got < want - 3 || got > want + 3)
                fail_msg("JPEG pixel (%d,%d) is %d, want %d", x, y, got, want);
        }
}

static void run_mjpeg(frame_source *s)
{
    assert_int_equal(cam.fourcc, V4L2_PIX_FMT_MJPEG);
    frame_set_wait(s, 10);
    size_t len, len2;
    unsigned char *flat = make_jpeg(FAKE_W, FAKE_H, 100, 100, &len);
    unsigned char *two = make_jpeg(320, 240, 30, 220, &len2);
    assert_true(deliver(flat, len, (uint32_t)len, 0));
    expect_jpeg(s, FAKE_W, FAKE_H, 100, 100);
    assert_true(deliver(two, len2, (uint32_t)len2, 0));
    expect_jpeg(s, 320, 240, 30, 220);
    /* the headers without the scan: bad, and the next good */
    size_t sos = 0;
    for (size_t i = 2; i + 1 < len && !sos; i++)
        if (flat[i] == 0xff && flat[i + 1] == 0xda)
            sos = i;
    assert_true(sos > 0);
    assert_true(deliver(flat, sos, (uint32_t)sos, 0));
    expect_result(s, FRAME_BAD);
    assert_true(deliver(flat, len, (uint32_t)len, 0));
    expect_jpeg(s, FAKE_W, FAKE_H, 100, 100);
    /* not a JPEG at all; then a JPEG whose frame header says 0 x 0 */
    static uint8_t zeros[4096];
    assert_true(deliver(zeros, sizeof zeros, sizeof zeros, 0));
    expect_result(s, FRAME_BAD);
    unsigned char *broken = malloc(len);
    assert_non_null(broken);
    memcpy(broken, flat, len);
    size_t sof = 0;
    for (size_t i = 2; i + 1 < len && !sof; i++)
        if (broken[i] == 0xff && broken[i + 1] == 0xc0)
            sof = i;
    assert_true(sof > 0);
    memset(broken + sof + 5, 0, 4); /* height and width */
    assert_true(deliver(broken, len, (uint32_t)len, 0));
    expect_result(s, FRAME_BAD);
    assert_true(deliver(two, len2, (uint32_t)len2, 0));
    expect_jpeg(s, 320, 240, 30, 220);
    free(broken);
    free(two);
    free(flat);
}

static void test_mjpeg(void **state)
{
    /* a camera with MJPEG only answers YUYV with MJPEG */
    cam.offer = OFFER_MJPEG;
    frame_source *s = open_cam();
    run_mjpeg(s);
    frame_close(s);
    assert_balanced();
    /* one that refuses YUYV with an error */
    cam_reset(state);
    arm(OP_S_FMT, 1, EINVAL, false);
    s = open_cam();
    disarm();
    run_mjpeg(s);
    frame_close(s);
    assert_balanced();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_frames_flow, cam_reset),
        cmocka_unit_test_setup(test_unplug, cam_reset),
        cmocka_unit_test_setup(test_stall, cam_reset),
        cmocka_unit_test_setup(test_start_failures, cam_reset),
        cmocka_unit_test_setup(test_bad_buffers, cam_reset),
        cmocka_unit_test_setup(test_mjpeg, cam_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
