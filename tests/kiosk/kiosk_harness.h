/* kiosk_harness.h: what the kiosk's tests share: running a program in a
 * test folder with its output captured, and writing files there. */
#ifndef TESS_KIOSK_HARNESS_H
#define TESS_KIOSK_HARNESS_H

#include <stddef.h>

#define MAX_OUT (1u << 20)
typedef struct {
    int code;         /* exit code, or -1 killed */
    char *out;        /* stdout, NUL-terminated */
    size_t len;
} result;

/* Runs argv (NULL-terminated) in dir with stdout captured; killed after
 * 60 s, times tk_slow() (an SDL program that hangs must not hang the suite). */
void kh_run(const char *dir, result *r, const char *const *argv);
void kh_put_file(const char *dir, const char *name, const char *text);
/* A new test folder /tmp/NAME-XXXXXX into dir (cap bytes), with SDL set
 * to run headless (dummy video and audio, software rendering) unless the
 * environment says otherwise. */
void kh_make_dir(char *dir, size_t cap, const char *name);
/* Removes the test folder, unless TESS_KEEP is set (to look at it). */
void kh_remove_dir(const char *dir);

#endif
