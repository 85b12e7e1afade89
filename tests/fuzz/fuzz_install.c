/*
 * fuzz_install.c: the bundle install decision of a kiosk (state_install,
 * app/state.c) under libFuzzer.
 *
 * One state directory (under /dev/shm when there is one, so that the
 * fsyncs cost little) is provisioned once with the tk_world root and its
 * bundle version 1. Each input is offered as a candidate bundle against it.
 * A candidate whose only fault is its signatures (threshold) is signed
 * again by all three roots and offered again, so that the fuzzer's
 * payloads reach the version (rollback) and rotation decisions and, now
 * and then, an install. After an install the directory is provisioned
 * again from scratch, so that every input meets the same state.
 *
 * Crashes on: a reason install_result does not list; an error without a
 * message; an install that did not raise the version or the generation;
 * an install of something tess_bundle_open refuses; a refusal that changed
 * what state_load reads; an installed state that does not load.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "state.h"

static tk_world *W;
static char dir[256], state_dir[300], root_path[300];

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void provision(void)
{
    nftw(state_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    CHECK(mkdir(state_dir, 0700) == 0);
    install_result r;
    state_install(state_dir, root_path, W->bundle_file, W->bundle_len, &r);
    if (r.reason != TESS_OK)
        fprintf(stderr, "fuzz_install: provisioning: %s\n", r.message);
    CHECK(r.reason == TESS_OK && r.generation == 1);
}

static void cleanup(void)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    W = tk_world_new();
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/fuzz_install.XXXXXX", base);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(state_dir, sizeof state_dir, "%s/state", dir);
    snprintf(root_path, sizeof root_path, "%s/root.cbor", dir);
    FILE *f = fopen(root_path, "wb");
    CHECK(f && fwrite(W->root_file, 1, W->root_len, f) == W->root_len && fclose(f) == 0);
    provision();
    atexit(cleanup);
    return 0;
}

static bool listed(tess_status st)
{
    return st == TESS_OK || st == TESS_ERR_BAD_BUNDLE || st == TESS_ERR_THRESHOLD ||
           st == TESS_ERR_ROTATION || st == TESS_ERR_ROLLBACK || st == TESS_ERR_BUFFER ||
           st == TESS_ERR_ARG || st == TESS_ERR_BAD_ROOT;
}

static void offer(const uint8_t *file, size_t len, bool may_resign);

static void resign(const uint8_t *file, size_t len)
{
    tess_cose_sign m;
    CHECK(tess_cose_sign_parse((tess_span){file, len}, true, &m) == TESS_OK);
    uint8_t sks[3][64];
    for (int i = 0; i < 3; i++)
        memcpy(sks[i], W->root[i].sk, 64);
    size_t cap = m.payload.len + 1024, out_len;
    uint8_t *out = malloc(cap);
    size_t scratch_len = tess_bundle_scratch_size(cap);
    uint8_t *scratch = malloc(scratch_len);
    CHECK(out && scratch);
    CHECK(tess_bundle_sign(m.payload.ptr, m.payload.len, (const uint8_t(*)[64])sks, 3, scratch,
                           scratch_len, out, cap, &out_len) == TESS_OK);
    free(scratch);
    offer(out, out_len, false);
    free(out);
}

static void offer(const uint8_t *file, size_t len, bool may_resign)
{
    install_result r;
    state_install(state_dir, NULL, file, len, &r);
    CHECK(listed(r.reason));
    CHECK(r.message[0] != '\0' && memchr(r.message, '\0', sizeof r.message) != NULL);
    if (r.error) {
        /* Only memory may fail here: the directory is ours and sound. */
        CHECK(r.reason == TESS_ERR_BUFFER);
        return;
    }
    kiosk_state s;
    char err[1400];
    CHECK(state_load(&s, state_dir, err, sizeof err));
    if (r.reason == TESS_OK) {
        CHECK(r.generation == 2 && s.generation == 2);
        CHECK(r.old_version == 1 && r.new_version > 1 && s.bundle.version == r.new_version);
        CHECK(s.bundle_len == len && memcmp(s.bundle_map, file, len) == 0);
        state_close(&s);
        provision();
        return;
    }
    /* Refused: the state in force is the one provisioned. */
    CHECK(s.generation == 1 && s.bundle.version == 1 && s.bundle_len == W->bundle_len);
    state_close(&s);
    if (r.reason == TESS_ERR_ROLLBACK)
        CHECK(r.new_version <= 1);
    if (r.reason == TESS_ERR_THRESHOLD && may_resign)
        resign(file, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    offer(data, size, true);
    return 0;
}
