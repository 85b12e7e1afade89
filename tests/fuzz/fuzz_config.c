/*
 * fuzz_config.c: the kiosk's settings file (config_load, app/kiosk/config.c)
 * under libFuzzer. Each input is written to a file (under /dev/shm when
 * there is one) and loaded.
 *
 * Crashes on: a problems text not terminated within its buffer; a load
 * that reports no problem but leaves a problem line, or reports a problem
 * with an empty text; any setting outside its documented range (mode,
 * language, stale policy, verdict seconds 1..60, volume 0..100, size 0 or
 * within CONFIG_MIN_SIDE..CONFIG_MAX_SIDE, a PIN hash that is empty or a
 * terminated Argon2id string); and a small problems buffer that changes
 * the settings read.
 */
#include <unistd.h>

#include "config.h"
#include "fuzz_common.h"

static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/fuzz_config.%ld.conf", base, (long)getpid());
    return 0;
}

static void check_config(const kiosk_config *c)
{
    CHECK(strcmp(config_mode_name(c->mode), "?") != 0);
    CHECK(strcmp(config_language_name(c->language), "?") != 0);
    CHECK(strcmp(config_stale_name(c->stale_policy), "?") != 0);
    CHECK(c->verdict_seconds >= 1 && c->verdict_seconds <= 60);
    CHECK(c->volume <= 100);
    CHECK(c->width == 0 || (c->width >= CONFIG_MIN_SIDE && c->width <= CONFIG_MAX_SIDE));
    CHECK(c->height == 0 || (c->height >= CONFIG_MIN_SIDE && c->height <= CONFIG_MAX_SIDE));
    CHECK(memchr(c->admin_pin_hash, '\0', sizeof c->admin_pin_hash) != NULL);
    CHECK(c->admin_pin_hash[0] == '\0' ||
          strncmp(c->admin_pin_hash, "$argon2id$", 10) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0);

    static kiosk_config a, b;
    static char problems[4096], few[40];
    memset(problems, 'x', sizeof problems);
    bool ok = config_load(path, &a, problems, sizeof problems);
    CHECK(memchr(problems, '\0', sizeof problems) != NULL);
    if (ok)
        CHECK(problems[0] == '\0');
    else
        CHECK(problems[0] != '\0');
    check_config(&a);

    memset(few, 'x', sizeof few);
    bool ok2 = config_load(path, &b, few, sizeof few);
    CHECK(ok2 == ok && memchr(few, '\0', sizeof few) != NULL);
    CHECK(a.mode == b.mode && a.language == b.language && a.stale_policy == b.stale_policy &&
          a.verdict_seconds == b.verdict_seconds && a.sounds == b.sounds &&
          a.volume == b.volume && a.width == b.width && a.height == b.height &&
          a.fullscreen == b.fullscreen && strcmp(a.admin_pin_hash, b.admin_pin_hash) == 0);
    CHECK(config_load(path, &b, NULL, 0) == ok);
    unlink(path);
    return 0;
}
