/*
 * inputs.c: where credential texts come from. A texts file (one a line),
 * a folder of images (scanned with the scanner), both played one every
 * --pace ms; a handheld scanner that types like a keyboard (Enter ends a
 * text); a camera (its frames kept for the preview and scanned); SDL's
 * quit, taps and keys. Everything read goes into the queue;
 * nothing here judges or draws.
 */
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "kiosk.h"
#include "match_mode.h"

bool kiosk_has_camera(const kiosk *k)
{
    return k->camera_path || k->camera_frames;
}

/* Opens the camera; on failure the kiosk runs on and says so (once on
 * stderr, and on the idle screen until it is back). */
static void camera_open(kiosk *k)
{
    char err[1400];
    k->camera = frame_open(k->camera_path ? k->camera_path : k->camera_frames, err, sizeof err);
    if (!k->camera && !k->camera_lost)
        fprintf(stderr, "tessera-kiosk: %s; the camera is tried again every second\n", err);
    if (!k->camera) {
        k->camera_lost = true;
        k->dirty = true;
    } else {
        frame_set_wait(k->camera, CAMERA_WAIT_MS);
    }
}

bool inputs_open(kiosk *k)
{
    if (k->texts_path) {
        k->texts = fopen(k->texts_path, "r");
        if (!k->texts) {
            fprintf(stderr, "tessera-kiosk: %s: cannot be read\n", k->texts_path);
            return false;
        }
    }
    if (k->frames_dir) {
        char err[1400];
        k->frames = frame_open(k->frames_dir, err, sizeof err);
        if (!k->frames) {
            fprintf(stderr, "tessera-kiosk: %s\n", err);
            return false;
        }
        scan_options opt = {0, 0, 0, 0, false, true};
        k->scan = scanner_new(&opt);
        if (!k->scan) {
            fputs("tessera-kiosk: the scanner could not start\n", stderr);
            return false;
        }
    }
    k->scanner_fd = -1;
    if (k->scanner_path) {
        /* A handheld scanner read from evdev and grabbed, so that its
         * keystrokes never reach a console; "auto" finds one by name. */
        char err[512];
        if (strcmp(k->scanner_path, "auto") == 0) {
            if (!wedge_find(k->scanner_dev, sizeof k->scanner_dev))
                fputs("tessera-kiosk: no handheld scanner found yet; it is looked for again "
                      "while the kiosk runs\n",
                      stderr);
        } else {
            snprintf(k->scanner_dev, sizeof k->scanner_dev, "%s", k->scanner_path);
        }
        wedge_init(&k->wedge, WEDGE_US);
        if (k->scanner_dev[0]) {
            k->scanner_fd = wedge_open(k->scanner_dev, true, err, sizeof err);
            if (k->scanner_fd < 0) {
                fprintf(stderr, "tessera-kiosk: %s\n", err);
                return false;
            }
        }
    }
    if (k->camera_frames) {
        /* a folder played as a camera is a file input: missing, it is an error */
        char err[1400];
        k->camera = frame_open(k->camera_frames, err, sizeof err);
        if (!k->camera) {
            fprintf(stderr, "tessera-kiosk: %s\n", err);
            return false;
        }
    } else if (k->camera_path) {
        camera_open(k);
    }
    k->sources_done = !k->texts && !k->frames && !kiosk_has_camera(k);
    /* a camera never ends; with --exit-when-done, one that is not there
     * is shown once and the run ends */
    if (k->camera_lost && k->exit_when_done)
        k->sources_done = true;
    return true;
}

static void on_scanner_text(void *ctx, const char *text, size_t len)
{
    kiosk_enqueue((kiosk *)ctx, text, len, "scanner");
}

/* The handheld scanner: what it typed, and, when it was unplugged, a
 * try to open it again once a second. */
static void poll_scanner(kiosk *k, uint32_t now_ms)
{
    if (!k->scanner_path)
        return;
    if (k->scanner_fd < 0) {
        if ((int32_t)(now_ms - k->scanner_retry_ms) < 0)
            return;
        k->scanner_retry_ms = now_ms + 1000;
        char err[512];
        if (strcmp(k->scanner_path, "auto") == 0 &&
            !wedge_find(k->scanner_dev, sizeof k->scanner_dev))
            return;
        k->scanner_fd = wedge_open(k->scanner_dev, true, err, sizeof err);
        return;
    }
    if (wedge_read(k->scanner_fd, &k->wedge, on_scanner_text, k) < 0) {
        fprintf(stderr, "tessera-kiosk: %s: the scanner went away; waiting for it\n",
                k->scanner_dev);
        wedge_close(k->scanner_fd);
        k->scanner_fd = -1;
        k->scanner_retry_ms = now_ms + 1000;
    }
}

void inputs_close(kiosk *k)
{
    if (k->texts)
        fclose(k->texts);
    if (k->frames)
        frame_close(k->frames);
    if (k->scan)
        scanner_free(k->scan);
    if (k->camera)
        frame_close(k->camera);
    k->camera = NULL;
    free(k->preview);
    k->preview = NULL;
    k->preview_cap = 0;
    if (k->scanner_path && k->scanner_fd >= 0)
        wedge_close(k->scanner_fd);
    k->scanner_fd = -1;
    k->texts = NULL;
    k->frames = NULL;
    k->scan = NULL;
}

/* The next non-empty line; false at the end of the file. A line longer
 * than the buffer is kept cut (still too long for the core: too_large)
 * and the rest of it skipped. */
static bool next_text(kiosk *k)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, k->texts)) >= 0) {
        k->text_line++;
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        char name[32];
        snprintf(name, sizeof name, "text:%u", k->text_line);
        kiosk_enqueue(k, line, len, name);
        memset(line, 0, cap);
        free(line);
        return true;
    }
    free(line);
    return false;
}

/* The first MC1 text of a scan (a second code beside the badge's, a link
 * or a logo, is not taken), else the first code; -1 with none. */
static int pick_code(const scan_result *res, int n)
{
    for (int i = 0; i < n; i++)
        if (res->len[i] >= 4 && SDL_strncasecmp(res->text[i], "MC1:", 4) == 0)
            return i;
    return n > 0 ? 0 : -1;
}

/* The next image; false at the end of the folder. An image with no code
 * (or that cannot be decoded) gives no verdict: a camera sees nothing most
 * of the time. */
static bool next_frame(kiosk *k)
{
    grey_frame f;
    frame_result r = frame_next(k->frames, &f);
    if (r == FRAME_END)
        return false;
    if (r != FRAME_OK) {
        fputs("tessera-kiosk: an image could not be read\n", stderr);
        return true;
    }
    static scan_result res; /* 32 KB: off the stack */
    memset(&res, 0, sizeof res);
    int n = scanner_scan(k->scan, &f, &res);
    const char *name = f.name ? f.name : "frame";
    const char *slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    int pick = pick_code(&res, n);
    if (pick >= 0)
        kiosk_enqueue(k, res.text[pick], res.len[pick], name);
    else
        fprintf(stderr, "tessera-kiosk: %s: no QR code found\n", name);
    memset(&res, 0, sizeof res);
    return true;
}

/* Keeps the frame for the preview; a new one is drawn on the idle screen. */
static void keep_preview(kiosk *k, const grey_frame *f)
{
    size_t need = (size_t)f->width * (size_t)f->height;
    if (need > k->preview_cap) {
        uint8_t *p = realloc(k->preview, need);
        if (!p)
            return;
        k->preview = p;
        k->preview_cap = need;
    }
    for (int y = 0; y < f->height; y++)
        memcpy(k->preview + (size_t)y * (size_t)f->width, f->grey + (size_t)y * (size_t)f->stride,
               (size_t)f->width);
    k->preview_w = f->width;
    k->preview_h = f->height;
    k->preview_seq++;
    if (k->screen == SCREEN_IDLE)
        k->dirty = true;
}

/* Scans a camera frame; the scanner's region of interest is the guide's,
 * so it is made again when the frame size changes. */
static void scan_camera_frame(kiosk *k, const grey_frame *f)
{
    /* while staff use admin, or inputs wait, frames are only shown */
    if (k->screen >= SCREEN_PIN || k->q_count > 0)
        return;
    if (!k->scan || k->scan_w != f->width || k->scan_h != f->height) {
        if (k->scan)
            scanner_free(k->scan);
        int rw = f->width * CAMERA_ROI_PCT / 100, rh = f->height * CAMERA_ROI_PCT / 100;
        scan_options opt = {(f->width - rw) / 2, (f->height - rh) / 2, rw, rh, true, true};
        k->scan = scanner_new(&opt);
        k->scan_w = f->width;
        k->scan_h = f->height;
        if (!k->scan) {
            fputs("tessera-kiosk: the scanner could not start\n", stderr);
            return;
        }
    }
    static scan_result res; /* 32 KB: off the stack */
    memset(&res, 0, sizeof res);
    int n = scanner_scan(k->scan, f, &res);
    int pick = pick_code(&res, n);
    if (pick >= 0) {
        const char *name = f->name ? f->name : "camera";
        const char *slash = strrchr(name, '/');
        kiosk_enqueue(k, res.text[pick], res.len[pick], slash ? slash + 1 : name);
    }
    memset(&res, 0, sizeof res);
}

/* Lost or back. Each new reason while lost goes to the log once (the
 * journal, on a Pi): "No such device" when it was unplugged, then
 * "Permission denied" tells staff that it is back but not the kiosk's. */
static void set_camera_lost(kiosk *k, bool lost)
{
    const char *why = lost ? frame_why(k->camera) : "";
    if (lost && strcmp(why, k->camera_why) != 0) {
        fprintf(stderr, "tessera-kiosk: the camera is not available (%s); trying again\n",
                why[0] ? why : "no reason given");
        snprintf(k->camera_why, sizeof k->camera_why, "%s", why);
    }
    if (!lost && k->camera_lost)
        fputs("tessera-kiosk: the camera is back\n", stderr);
    if (!lost)
        k->camera_why[0] = '\0';
    if (lost == k->camera_lost)
        return;
    k->camera_lost = lost;
    if (k->screen == SCREEN_IDLE)
        k->dirty = true;
}

/* The camera's next frame, when one is ready. A lost camera is tried
 * again every CAMERA_RETRY_MS (frame_next reopens it). frame_next waits at
 * most CAMERA_WAIT_MS for a frame, so a stalled camera never holds up the
 * screen or the other inputs; it is lost after 2 s without a frame. A folder played as a camera loops, at
 * the pace. */
static void poll_camera(kiosk *k, uint32_t now_ms)
{
    if (!k->camera) {
        camera_open(k);
        if (!k->camera) {
            k->next_input_ms = now_ms + CAMERA_RETRY_MS;
            return;
        }
    }
    grey_frame f;
    frame_result r = frame_next(k->camera, &f);
    switch (r) {
    case FRAME_OK:
        set_camera_lost(k, false);
        keep_preview(k, &f);
        scan_camera_frame(k, &f);
        k->next_input_ms = now_ms + (k->camera_frames ? k->pace_ms : 0);
        break;
    case FRAME_END:
        /* played once with --exit-when-done, else from the start again */
        if (k->exit_when_done) {
            k->sources_done = true;
        } else {
            frame_close(k->camera);
            k->camera = NULL;
            k->next_input_ms = now_ms + k->pace_ms;
        }
        break;
    case FRAME_AGAIN:
        /* frame_next already waited CAMERA_WAIT_MS: look again next turn */
        k->next_input_ms = now_ms + (k->camera_frames ? CAMERA_AGAIN_MS : 0);
        break;
    case FRAME_LOST:
        set_camera_lost(k, true);
        if (k->exit_when_done)
            k->sources_done = true;
        k->next_input_ms = now_ms + CAMERA_RETRY_MS;
        break;
    case FRAME_BAD:
        k->next_input_ms = now_ms + (k->camera_frames ? k->pace_ms : CAMERA_AGAIN_MS);
        break;
    }
}

uint32_t inputs_due_in(const kiosk *k, uint32_t now_ms)
{
    if (k->sources_done)
        return UINT32_MAX;
    int32_t d = (int32_t)(k->next_input_ms - now_ms);
    return d <= 0 ? 0 : (uint32_t)d;
}

static void on_key(kiosk *k, const SDL_KeyboardEvent *e, uint32_t now_ms)
{
    SDL_Keycode key = e->keysym.sym;
    if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        if (k->keys_len > 0) {
            kiosk_enqueue(k, k->keys, k->keys_len, "keyboard");
            memset(k->keys, 0, sizeof k->keys);
            k->keys_len = 0;
        } else {
            kiosk_tap(k, now_ms);
        }
    } else if (key == SDLK_ESCAPE) {
        /* back to idle sooner; only admin (or closing a developer's
         * window, or SIGTERM) ends the kiosk */
        kiosk_tap(k, now_ms);
    }
}

void inputs_poll(kiosk *k, uint32_t now_ms)
{
    poll_scanner(k, now_ms);
    admin_keys_poll(k, now_ms);
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (admin_event(k, &e, now_ms) || match_mode_event(k, &e, now_ms))
            continue;
        switch (e.type) {
        case SDL_QUIT:
            k->running = false;
            break;
        case SDL_TEXTINPUT: {
            size_t n = strlen(e.text.text);
            if (k->keys_len + n < sizeof k->keys) {
                memcpy(k->keys + k->keys_len, e.text.text, n);
                k->keys_len += n;
            }
            break;
        }
        case SDL_KEYDOWN:
            on_key(k, &e.key, now_ms);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_FINGERDOWN:
            kiosk_tap(k, now_ms);
            break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
                e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                k->dirty = true;
            break;
        default:
            break;
        }
    }
    if (k->sources_done || inputs_due_in(k, now_ms) > 0)
        return;
    if (kiosk_has_camera(k)) {
        poll_camera(k, now_ms);
        return;
    }
    bool more = k->texts ? next_text(k) : next_frame(k);
    if (more)
        k->next_input_ms = now_ms + k->pace_ms;
    else
        k->sources_done = true;
}
