/*
 * fuzz_scan.c: ZBar to verifier (app/scanner.c, then tess_verify) under
 * libFuzzer.
 *
 * The input is a small grey image: two header bytes (width, 8..1024, from
 * the low 10 bits; bit 15 switches on the scanner's retry passes, ZXing-cpp
 * among them), then the pixels, row after row; the height is what the
 * bytes fill (at most 1024). The scanner scans it and every text it finds
 * goes to the verifier of fuzz_verify.c's world at TK_NOW.
 *
 * Crashes on: more codes than SCAN_MAX_CODES, a length past SCAN_MAX_TEXT
 * or past the text's own terminator, a reason outside FORMAT.md's list
 * or a verdict that disagrees with its own reason; and any
 * sanitizer report inside the pipeline (ZBar and ZXing themselves are not
 * instrumented, the pipeline around them is).
 */
#include "fuzz_common.h"
#include "scanner.h"

static tk_world *W;
static tk_key second;
static scanner *fast, *thorough;
static unsigned long images, texts, by_reason[128];
static bool show;

/* TESS_FUZZ_HISTOGRAM=1: at exit, how many images gave a text, and the
 * verdicts of those texts. */
static void print_histogram(void)
{
    if (!show)
        return;
    fprintf(stderr, "fuzz_scan: %lu images, %lu texts read; verdicts:", images, texts);
    for (int i = 0; i < 128; i++)
        if (by_reason[i])
            fprintf(stderr, " %s=%lu", tess_reason((tess_status)i), by_reason[i]);
    fprintf(stderr, "\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = fuzz_world_new(&second);
    scan_options o = {0, 0, 0, 0, false, false};
    fast = scanner_new(&o);
    o.retries = true;
    thorough = scanner_new(&o);
    CHECK(fast && thorough);
    const char *hist = getenv("TESS_FUZZ_HISTOGRAM");
    show = hist && *hist && strcmp(hist, "0") != 0;
    atexit(print_histogram);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int w = ((data[0] & 3) << 8 | data[1]);
    bool retries = data[0] & 0x80;
    if (w < 8)
        w = 8;
    size_t pixels = size - 2;
    int h = (int)(pixels / (size_t)w);
    if (h > 1024)
        h = 1024;
    if (h < 8)
        return 0;
    /* Exactly the image's bytes, so that an overread is ASan's to see. */
    size_t n = (size_t)w * (size_t)h;
    uint8_t *grey = malloc(n);
    CHECK(grey != NULL);
    memcpy(grey, data + 2, n);
    grey_frame f = {w, h, w, grey, 0, NULL};

    static scan_result r;
    int found = scanner_scan(retries ? thorough : fast, &f, &r);
    CHECK(found == r.n && found >= 0 && found <= SCAN_MAX_CODES);
    images++;
    texts += (unsigned long)found;
    for (int i = 0; i < r.n; i++) {
        CHECK(r.len[i] < SCAN_MAX_TEXT && r.text[i][r.len[i]] == '\0');
        tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
        tess_status st = tess_verify(&W->verifier, r.text[i], r.len[i], &W->bundle, &clock,
                                     &W->verdict);
        CHECK(st == W->verdict.reason && fuzz_reason_listed(st));
        by_reason[(unsigned)st & 127]++;
    }
    free(grey);
    return 0;
}
