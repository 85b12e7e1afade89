/* The kiosk's installed trust: generations switched by one rename. */
#include "state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tessera/tess_issue.h"

/* ---- durable steps, each one a place a power cut can fall ---- */

/* Test seam: TESSERA_TEST_KILL_AT=N makes the process SIGKILL itself just
 * before its N-th durable step, so that a test can cut the power at every
 * step of an install (tests/cli/test_install.c). */
static void step(void)
{
    static long kill_at = -1, count = 0;
    if (kill_at < 0) {
        /* a whole positive number, or the seam stays off */
        const char *e = getenv("TESSERA_TEST_KILL_AT");
        char *end = NULL;
        errno = 0;
        long n = e ? strtol(e, &end, 10) : 0;
        kill_at = e && end != e && *end == '\0' && errno == 0 && n > 0 ? n : 0;
    }
    if (kill_at > 0 && ++count == kill_at)
        raise(SIGKILL);
}

static int fsync_path(const char *path)
{
    step();
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* path written whole and fsynced; errno tells why not. */
static bool write_durable(const char *path, const uint8_t *data, size_t len)
{
    step();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    while (len > 0) {
        step();
        size_t chunk = len > 65536 ? 65536 : len;
        ssize_t w = write(fd, data, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            close(fd);
            errno = e;
            return false;
        }
        data += w;
        len -= (size_t)w;
    }
    step();
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return false;
    }
    step();
    return close(fd) == 0;
}

static void join(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Removes a generation directory and what is in it (best effort). */
static void remove_generation(const char *dir, unsigned gen)
{
    char path[1200], file[1300];
    snprintf(path, sizeof path, "%s/gen-%08u", dir, gen);
    static const char *const files[] = {"root.cbor", "bundle.cbor"};
    for (size_t i = 0; i < 2; i++) {
        join(file, sizeof file, path, files[i]);
        step();
        unlink(file);
    }
    step();
    rmdir(path);
}

/* The N of a name "gen-N" (N: blanks, then 1 to 8 digits, as sscanf's %8u
 * read it, but no sign: "gen--1" was 4294967295); with `whole`, nothing
 * may follow. */
static bool generation_of(const char *name, bool whole, unsigned *gen)
{
    if (strncmp(name, "gen-", 4) != 0)
        return false;
    const char *p = name + 4;
    while (isspace((unsigned char)*p))
        p++;
    unsigned v = 0, n = 0;
    for (; n < 8 && p[n] >= '0' && p[n] <= '9'; n++)
        v = v * 10 + (unsigned)(p[n] - '0');
    if (n == 0 || (whole && p[n] != '\0'))
        return false;
    *gen = v;
    return true;
}

/* Removes every generation but `keep`: what power cuts after a switch, or
 * during a write, left behind (best effort). */
static void remove_other_generations(const char *dir, unsigned keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    unsigned stale[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        unsigned gen;
        if (generation_of(e->d_name, true, &gen) && gen != keep)
            stale[n++] = gen;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        remove_generation(dir, stale[i]);
}

/* ---- the floor ---- */

static uint64_t read_floor(const char *dir)
{
    char path[1200], buf[64];
    join(path, sizeof path, dir, "floor");
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    uint64_t t = 0;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (!parse_u64(buf, &t))
            t = 0;
    }
    fclose(f);
    return t;
}

bool state_advance_floor(const char *dir, uint64_t t)
{
    if (t <= read_floor(dir))
        return true;
    char path[1200], tmp[1300], line[32];
    join(path, sizeof path, dir, "floor");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    snprintf(line, sizeof line, "%llu\n", (unsigned long long)t);
    if (!write_durable(tmp, (const uint8_t *)line, strlen(line))) {
        unlink(tmp);
        return false;
    }
    step();
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return false;
    }
    return fsync_path(dir) == 0;
}

/* ---- loading what is in force ---- */

static unsigned current_generation(const char *dir)
{
    char path[1200], target[256];
    join(path, sizeof path, dir, "current");
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = 0;
    unsigned gen = 0;
    if (!generation_of(target, false, &gen))
        return 0;
    return gen;
}

void state_close(kiosk_state *s)
{
    free(s->root_bytes);
    if (s->bundle_map)
        munmap(s->bundle_map, s->bundle_len);
    free(s->issuer_at);
    memset(s, 0, sizeof *s);
}

bool state_load(kiosk_state *s, const char *dir, char *err, size_t cap)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->floor = read_floor(dir);
    s->generation = current_generation(dir);
    if (s->generation == 0)
        return true;
    char gen[1200], path[1300];
    snprintf(gen, sizeof gen, "%s/gen-%08u", dir, s->generation);
    join(path, sizeof path, gen, "root.cbor");
    s->root_bytes = read_file(path, 65536, &s->root_len);
    tess_span rf = {s->root_bytes, s->root_len};
    if (!s->root_bytes || tess_root_parse(rf, &s->root) != TESS_OK) {
        /* out of memory is not damage: say which, so nobody reinstalls */
        snprintf(err, cap, "%s: the root set in force cannot be read: %s", path,
                 s->root_bytes ? "not a root set" : strerror(errno));
        state_close(s);
        return false;
    }
    join(path, sizeof path, gen, "bundle.cbor");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0 ||
        (uint64_t)st.st_size > TESS_MAX_BUNDLE_FILE) {
        snprintf(err, cap, "%s: the installed bundle cannot be read: %s", path,
                 fd < 0 ? strerror(errno) : "wrong size");
        if (fd >= 0)
            close(fd);
        state_close(s);
        return false;
    }
    /* Mapped, not read: a million revoked ids are searched where they lie,
     * and only the pages a search touches are ever loaded. */
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(err, cap, "%s: cannot map: %s", path, strerror(errno));
        state_close(s);
        return false;
    }
    s->bundle_map = map;
    s->bundle_len = (size_t)st.st_size;
    size_t table = s->bundle_len / 50 + 1;
    s->issuer_at = malloc(table * sizeof *s->issuer_at);
    tess_span bf = {s->bundle_map, s->bundle_len};
    if (!s->issuer_at) {
        snprintf(err, cap, "%s: out of memory for its issuer table", path);
        state_close(s);
        return false;
    }
    if (tess_bundle_open_installed(bf, s->issuer_at, table, &s->bundle) != TESS_OK) {
        snprintf(err, cap, "%s: the installed bundle is damaged; install a bundle again", path);
        state_close(s);
        return false;
    }
    if (s->bundle.issued_at > s->floor)
        s->floor = s->bundle.issued_at;
    return true;
}

/* ---- installing ---- */

static void refuse(install_result *r, tess_status why, const char *what)
{
    r->reason = why;
    snprintf(r->message, sizeof r->message, "%s", what);
}

static void fail_io(install_result *r, const char *what, int err)
{
    r->error = true;
    r->reason = TESS_ERR_ARG;
    snprintf(r->message, sizeof r->message,
             "%s: %s; nothing was changed, the bundle in force stays in force%s", what,
             strerror(err),
             err == ENOSPC   ? " (the state directory's disk is full: free some space)"
             : err == EROFS || err == EACCES || err == EPERM
                 ? " (the state directory is read-only or not ours)"
                 : "");
}

/* Writes generation `gen` holding root and bundle, then makes it the one
 * in force. */
static bool commit(const char *dir, unsigned gen, const uint8_t *root, size_t root_len,
                   const uint8_t *bundle, size_t bundle_len, install_result *r)
{
    char gdir[1200], path[1300], link_tmp[1300], link[1300], name[32];
    snprintf(name, sizeof name, "gen-%08u", gen);
    join(gdir, sizeof gdir, dir, name);
    remove_generation(dir, gen); /* what a cut-short install may have left */
    step();
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fail_io(r, dir, errno);
        return false;
    }
    step();
    if (mkdir(gdir, 0755) != 0) {
        fail_io(r, gdir, errno);
        return false;
    }
    join(path, sizeof path, gdir, "root.cbor");
    bool ok = write_durable(path, root, root_len);
    if (ok) {
        join(path, sizeof path, gdir, "bundle.cbor");
        ok = write_durable(path, bundle, bundle_len);
    }
    if (ok)
        ok = fsync_path(gdir) == 0;
    if (!ok) {
        int e = errno;
        remove_generation(dir, gen);
        fail_io(r, path, e);
        return false;
    }
    /* The one step that changes what is in force. */
    join(link_tmp, sizeof link_tmp, dir, "current.tmp");
    join(link, sizeof link, dir, "current");
    step();
    unlink(link_tmp);
    step();
    if (symlink(name, link_tmp) != 0) {
        int e = errno;
        remove_generation(dir, gen);
        fail_io(r, link_tmp, e);
        return false;
    }
    step();
    if (rename(link_tmp, link) != 0) {
        int e = errno;
        unlink(link_tmp);
        remove_generation(dir, gen);
        fail_io(r, link, e);
        return false;
    }
    fsync_path(dir);
    return true;
}

void state_install(const char *dir, const char *root_path, const uint8_t *file, size_t len,
                   install_result *r)
{
    memset(r, 0, sizeof *r);
    kiosk_state cur;
    char err[1400];
    if (!state_load(&cur, dir, err, sizeof err)) {
        r->error = true;
        r->reason = TESS_ERR_ARG;
        snprintf(r->message, sizeof r->message, "%s", err);
        return;
    }
    uint8_t *provisioned = NULL;
    size_t provisioned_len = 0;
    tess_root root = cur.root;
    const uint8_t *root_bytes = cur.root_bytes;
    size_t root_len = cur.root_len;
    if (cur.generation == 0) {
        /* Not yet provisioned: the root file given is the root of trust. */
        if (!root_path) {
            r->error = true;
            r->reason = TESS_ERR_ARG;
            snprintf(r->message, sizeof r->message,
                     "%s holds no trust yet: give the fleet's root file with --root", dir);
            state_close(&cur);
            return;
        }
        provisioned = read_file(root_path, 65536, &provisioned_len);
        tess_span rf = {provisioned, provisioned_len};
        if (!provisioned || tess_root_parse(rf, &root) != TESS_OK) {
            r->error = true;
            r->reason = TESS_ERR_BAD_ROOT;
            snprintf(r->message, sizeof r->message, "%s: not a root file", root_path);
            free(provisioned);
            state_close(&cur);
            return;
        }
        root_bytes = provisioned;
        root_len = provisioned_len;
    }
    r->old_version = cur.generation ? cur.bundle.version : 0;

    size_t table = len / 50 + 1, scratch_len = tess_bundle_scratch_size(len);
    uint32_t *issuer_at = malloc(table * sizeof *issuer_at);
    uint8_t *scratch = malloc(scratch_len);
    tess_bundle b;
    tess_span bf = {file, len};
    tess_status st = issuer_at && scratch
                         ? tess_bundle_open(bf, &root, issuer_at, table, scratch, scratch_len, &b)
                         : TESS_ERR_BUFFER;
    free(scratch);
    uint8_t new_root[1024];
    size_t new_root_len = 0;
    if (st == TESS_OK) {
        r->new_version = b.version;
        if (cur.generation && tess_bundle_check_version(&b, cur.bundle.version) != TESS_OK)
            st = TESS_ERR_ROLLBACK;
    }
    if (st == TESS_OK && b.has_new_roots) {
        /* From now on only the new roots count. */
        uint8_t keys[TESS_MAX_ROOT_KEYS][32];
        for (size_t i = 0; i < b.new_roots.n_keys; i++)
            memcpy(keys[i], b.new_roots.keys[i], 32);
        if (tess_root_encode(b.new_roots.threshold, (const uint8_t(*)[32])keys,
                             b.new_roots.n_keys, new_root, sizeof new_root,
                             &new_root_len) != TESS_OK)
            st = TESS_ERR_BAD_BUNDLE;
        root_bytes = new_root;
        root_len = new_root_len;
        r->rotated = true;
    }
    switch (st) {
    case TESS_OK:
        break;
    case TESS_ERR_ROLLBACK: {
        char what[256];
        snprintf(what, sizeof what,
                 "version %llu is not newer than version %llu in force (rollback): an old or "
                 "replayed bundle is never installed",
                 (unsigned long long)r->new_version, (unsigned long long)r->old_version);
        refuse(r, st, what);
        break;
    }
    case TESS_ERR_THRESHOLD:
        refuse(r, st, "not signed by enough of the root keys in force (threshold)");
        break;
    case TESS_ERR_ROTATION:
        refuse(r, st,
               "it names new root keys but is not signed by enough of them (rotation)");
        break;
    case TESS_ERR_BUFFER:
        r->error = true;
        refuse(r, st, "out of memory");
        break;
    default:
        refuse(r, TESS_ERR_BAD_BUNDLE, "not a well-formed TB1 trust bundle (bad_bundle)");
        break;
    }
    if (st == TESS_OK) {
        unsigned gen = cur.generation + 1;
        if (commit(dir, gen, root_bytes, root_len, file, len, r)) {
            r->generation = gen;
            state_advance_floor(dir, b.issued_at);
            remove_other_generations(dir, gen);
            snprintf(r->message, sizeof r->message, "installed version %llu%s%s",
                     (unsigned long long)b.version,
                     r->old_version ? " over an older version" : " (first bundle)",
                     r->rotated ? "; the new root keys are now the only ones that count" : "");
        }
    }
    free(issuer_at);
    free(provisioned);
    state_close(&cur);
}

/* ---- a USB stick ---- */

static bool ends_with_tb1(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".tb1") == 0;
}

typedef struct {
    char path[1400];
    uint64_t version;
} candidate;

static int by_version_desc(const void *a, const void *b)
{
    uint64_t x = ((const candidate *)a)->version, y = ((const candidate *)b)->version;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Adds the .tb1 files of dir (and, once, of its "tessera" folder, any case). */
static size_t scan(const char *dir, candidate *c, size_t n, size_t cap, bool descend)
{
    DIR *d = opendir(dir);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) && n < cap) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && descend && strcasecmp(e->d_name, "tessera") == 0) {
            n = scan(path, c, n, cap, false);
        } else if (S_ISREG(st.st_mode) && ends_with_tb1(e->d_name)) {
            snprintf(c[n].path, sizeof c[n].path, "%s", path);
            c[n].version = 0;
            n++;
        }
    }
    closedir(d);
    return n;
}

void state_import(const char *dir, const char *mount, install_result *r)
{
    memset(r, 0, sizeof *r);
    enum { MAX_CANDIDATES = 64 };
    candidate *c = calloc(MAX_CANDIDATES, sizeof *c);
    if (!c) {
        r->error = true;
        snprintf(r->message, sizeof r->message, "out of memory");
        return;
    }
    size_t n = scan(mount, c, 0, MAX_CANDIDATES, true);
    if (n == 0) {
        r->error = true;
        r->reason = TESS_ERR_ARG;
        snprintf(r->message, sizeof r->message,
                 "%s: no trust bundle found (looked for tessera/*.tb1 and *.tb1)", mount);
        free(c);
        return;
    }
    /* Newest first, by the version each file says it has; each is then
     * verified in full by the install. */
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *buf = read_file(c[i].path, TESS_MAX_BUNDLE_FILE, &len);
        if (!buf)
            continue;
        size_t table = len / 50 + 1;
        uint32_t *issuer_at = malloc(table * sizeof *issuer_at);
        tess_bundle b;
        tess_span bf = {buf, len};
        if (issuer_at && tess_bundle_open_installed(bf, issuer_at, table, &b) == TESS_OK)
            c[i].version = b.version;
        free(issuer_at);
        free(buf);
    }
    qsort(c, n, sizeof *c, by_version_desc);
    install_result first;
    memset(&first, 0, sizeof first);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *buf = read_file(c[i].path, TESS_MAX_BUNDLE_FILE, &len);
        if (!buf) {
            r->error = true;
            r->reason = TESS_ERR_ARG;
            snprintf(r->message, sizeof r->message,
                     "%s: cannot be read (was the stick pulled out?); nothing was changed",
                     c[i].path);
            if (i == 0)
                first = *r;
            continue;
        }
        state_install(dir, NULL, buf, len, r);
        free(buf);
        char msg[sizeof c[i].path + sizeof r->message + 4];
        snprintf(msg, sizeof msg, "%s: %s", c[i].path, r->message);
        memcpy(r->message, msg, sizeof r->message - 1);
        r->message[sizeof r->message - 1] = 0;
        if (i == 0)
            first = *r;
        if (r->reason == TESS_OK && !r->error)
            break;
    }
    if (r->reason != TESS_OK || r->error)
        *r = first; /* report why the newest was not installed */
    free(c);
}
