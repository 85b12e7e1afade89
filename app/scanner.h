/*
 * scanner.h: grey frame in, QR texts out. ZBar, configured for QR only,
 * behind a pipeline for hard frames: a region of interest (the guide frame
 * the kiosk shows), scaling, contrast normalisation, a retry with another
 * binarisation or sharpening when the first pass finds nothing, and
 * skipping frames that have not changed or that hold nothing like a code
 * (a coarse grid of local contrast and flips decides, in well under a
 * millisecond, so an idle camera costs almost nothing). Texts are handed on exactly as
 * read (ZBar's bytes, no re-encoding).
 */
#ifndef TESS_SCANNER_H
#define TESS_SCANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "frames.h"

#define SCAN_MAX_CODES 4
#define SCAN_MAX_TEXT 8192

typedef struct {
    int roi_x, roi_y, roi_w, roi_h; /* 0,0,0,0: the whole frame */
    bool skip_unchanged;            /* a frame like the last one is not rescanned */
    bool retries;                   /* the extra passes for hard frames */
} scan_options;

typedef struct {
    int n;
    char text[SCAN_MAX_CODES][SCAN_MAX_TEXT];
    size_t len[SCAN_MAX_CODES];
    bool skipped;                   /* unchanged frame, not scanned */
    int passes;                     /* how many decode passes it took */
} scan_result;

typedef struct scanner scanner;

scanner *scanner_new(const scan_options *opt);
void scanner_free(scanner *s);
/* Scans one frame. Returns the number of codes found (0..SCAN_MAX_CODES). */
int scanner_scan(scanner *s, const grey_frame *f, scan_result *out);

/* Plain ZBar, QR only, no pipeline: the baseline the benchmark compares
 * against. */
int scanner_scan_plain(const grey_frame *f, scan_result *out);

#endif
