/*
 * state.h: a kiosk's installed trust, in a state directory.
 *
 *   DIR/current -> gen-00000007     the generation in force (a symlink)
 *   DIR/gen-00000007/root.cbor      the root set in force (new roots after
 *                                   a rotation)
 *   DIR/gen-00000007/bundle.cbor    the installed bundle, verified in full
 *                                   against root.cbor of the generation
 *                                   before it when it was installed
 *   DIR/floor                       the time floor: one line, Unix seconds
 *
 * An install writes a whole new generation (each file written, fsynced,
 * the directory fsynced), then switches `current` with one rename and
 * fsyncs DIR: a power cut at any moment leaves either the old generation
 * or the new one in force, never neither and never a mix. The highest
 * version seen is the version of the bundle in force: an install must be
 * newer. The floor is the later of DIR/floor and the bundle's issued_at,
 * and only moves forward.
 */
#ifndef TESS_STATE_H
#define TESS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tessera/tess_bundle.h"

#define TESS_DEFAULT_STATE "/var/lib/tessera"
/* No real bundle comes near this; an endless stream stops here. */
#define TESS_MAX_BUNDLE_FILE (64u * 1024u * 1024u)

typedef struct {
    char dir[1024];
    unsigned generation;        /* 0: nothing installed */
    uint8_t *root_bytes;
    size_t root_len;
    tess_root root;
    void *bundle_map;           /* the installed bundle, mapped PROT_READ; as mmap gave
                                 * it, for munmap (no cast back from an integer) */
    size_t bundle_len;
    uint32_t *issuer_at;
    tess_bundle bundle;
    uint64_t floor;             /* max(DIR/floor, bundle issued_at) */
} kiosk_state;

/* Loads what is in force. False with a message in err when DIR holds a
 * generation that cannot be read; true with generation 0 when DIR holds
 * none (a kiosk not yet provisioned). */
bool state_load(kiosk_state *s, const char *dir, char *err, size_t cap);
void state_close(kiosk_state *s);

typedef struct {
    tess_status reason;         /* TESS_OK or why the bundle was refused */
    bool error;                 /* an I/O error: nothing changed */
    uint64_t old_version;
    uint64_t new_version;
    bool rotated;
    unsigned generation;
    char message[2048];         /* what happened, for people */
} install_result;

/* Verifies `file` against the roots in force (or, on a kiosk not yet
 * provisioned, against root_path) and installs it. Refusals: bad_bundle,
 * threshold, rotation, rollback (a version not above the one in force,
 * the same version replayed included). */
void state_install(const char *dir, const char *root_path, const uint8_t *file, size_t len,
                   install_result *res);

/* Moves the floor forward to t (never back). False on an I/O error. */
bool state_advance_floor(const char *dir, uint64_t t);

/* Finds bundle files on a mounted stick (files ending in .tb1, any case,
 * in MOUNT or in its folder "tessera") and installs the newest that
 * installs. */
void state_import(const char *dir, const char *mount, install_result *res);

#endif
