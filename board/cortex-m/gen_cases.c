/*
 * gen_cases: the door reader's verification cases, made on the host.
 *
 * It runs the host's verification tests themselves (tests/unit/
 * test_verify.c and test_bitflip.c, built here with -Dmain=... and linked
 * with testkit) and records, through the linker's --wrap, every
 * tess_verify they make and every trust bundle they open: the text, the
 * clock, the bundle file and its root keys, and the host's verdict. No
 * case is written by hand here: a case added to those tests is a case of
 * the firmware test at the next build.
 *
 * Usage: gen_cases OUTDIR DOOR_MAX_Z DOOR_MAX_C
 * Writes OUTDIR/cases_m4.c (every case and every bundle, for test_m4) and
 * OUTDIR/trust_m4.c (the test world's bundle and root: the door reader's
 * trust in flash). Exits 1 if a host test fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "tessera/tess_b45.h"

int test_verify_main(void);
int test_bitflip_main(void);

tess_status __real_tess_verify(tess_verifier *v, const char *text, size_t len,
                               const tess_bundle *trust, const tess_clock *clock,
                               tess_verdict *out);
tess_status __wrap_tess_verify(tess_verifier *v, const char *text, size_t len,
                               const tess_bundle *trust, const tess_clock *clock,
                               tess_verdict *out);
tess_status __real_tess_bundle_open(tess_span file, const tess_root *root, uint32_t *issuer_at,
                                    size_t issuer_cap, uint8_t *scratch, size_t scratch_cap,
                                    tess_bundle *out);
tess_status __wrap_tess_bundle_open(tess_span file, const tess_root *root, uint32_t *issuer_at,
                                    size_t issuer_cap, uint8_t *scratch, size_t scratch_cap,
                                    tess_bundle *out);

typedef struct {
    uint8_t *file;
    size_t len;
    unsigned threshold;
    size_t n_keys;
    uint8_t keys[TESS_MAX_ROOT_KEYS][32];
} trust_rec;

typedef struct {
    char *text;
    size_t len;
    size_t trust;
    uint64_t now, floor, skew;
    tess_verdict verdict;  /* spans not kept: only the scalars below */
    uint32_t fingerprint;
    int beyond;
    const char *origin;
    size_t seq;
    char holder[64];       /* a valid verdict's holder, as the door prints it */
} case_rec;

/* A bundle struct the tests opened: which trust it holds, as opened. */
typedef struct {
    const tess_bundle *where;
    tess_bundle as_opened;
    size_t trust;
} opened_rec;

static trust_rec *trusts;
static size_t n_trusts;
static case_rec *cases;
static size_t n_cases, cap_cases;
static opened_rec opened[32];
static size_t n_opened;
static const char *origin = "";
static size_t seq;
static size_t skipped;   /* verifications against a bundle changed after opening */
static size_t door_max_z, door_max_c;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "gen_cases: out of memory\n");
        exit(1);
    }
    return q;
}

static size_t trust_index(tess_span file, const tess_root *root)
{
    for (size_t i = 0; i < n_trusts; i++) {
        const trust_rec *t = &trusts[i];
        if (t->len != file.len || memcmp(t->file, file.ptr, file.len) != 0 ||
            t->threshold != root->threshold || t->n_keys != root->n_keys)
            continue;
        size_t k = 0;
        while (k < root->n_keys && memcmp(t->keys[k], root->keys[k], 32) == 0)
            k++;
        if (k == root->n_keys)
            return i;
    }
    trusts = xrealloc(trusts, (n_trusts + 1) * sizeof *trusts);
    trust_rec *t = &trusts[n_trusts];
    t->file = xrealloc(NULL, file.len);
    memcpy(t->file, file.ptr, file.len);
    t->len = file.len;
    t->threshold = root->threshold;
    t->n_keys = root->n_keys;
    for (size_t k = 0; k < root->n_keys; k++)
        memcpy(t->keys[k], root->keys[k], 32);
    return n_trusts++;
}

tess_status __wrap_tess_bundle_open(tess_span file, const tess_root *root, uint32_t *issuer_at,
                                    size_t issuer_cap, uint8_t *scratch, size_t scratch_cap,
                                    tess_bundle *out)
{
    tess_status st = __real_tess_bundle_open(file, root, issuer_at, issuer_cap, scratch,
                                             scratch_cap, out);
    if (st != TESS_OK)
        return st;
    size_t i = 0;
    while (i < n_opened && opened[i].where != out)
        i++;
    if (i == n_opened) {
        if (n_opened == sizeof opened / sizeof opened[0]) {
            fprintf(stderr, "gen_cases: more than %zu bundle structs\n", n_opened);
            exit(1);
        }
        n_opened++;
    }
    opened[i].where = out;
    opened[i].as_opened = *out;
    opened[i].trust = trust_index(file, root);
    return st;
}

/* What the door reader, with its lower Z and C limits, must say: the
 * host's reason, unless the text gets past the steps before "too_large
 * (Z)" and its Z or its C is larger than the door reader allows. The
 * steps are FORMAT.md's, done with the core's own functions. */
static int beyond_door(const char *text, size_t len)
{
    while (len > 0 && (text[0] == ' ' || text[0] == '\t' || text[0] == '\r' || text[0] == '\n')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
                       text[len - 1] == '\r' || text[len - 1] == '\n'))
        len--;
    if (len < 4 || (memcmp(text, "MC1:", 4) != 0 && memcmp(text, "mc1:", 4) != 0) ||
        len > TESS_MAX_TEXT)
        return 0;
    size_t z_len = tess_b45_decoded_len(len - 4);
    if (z_len == SIZE_MAX || z_len > TESS_MAX_Z)
        return 0;
    if (z_len > door_max_z)
        return 1;
    static uint8_t z[TESS_MAX_Z], c[TESS_MAX_C];
    static tess_inflate_arena arena;
    if (tess_b45_decode(text + 4, len - 4, z, sizeof z, &z_len) != TESS_OK)
        return 0;
    size_t c_len;
    return z_len > 0 && z[0] == 0x78 &&
           tess_inflate(&arena, z, z_len, c, door_max_c, &c_len) == TESS_ERR_TOO_LARGE;
}

tess_status __wrap_tess_verify(tess_verifier *v, const char *text, size_t len,
                               const tess_bundle *trust, const tess_clock *clock,
                               tess_verdict *out)
{
    tess_status st = __real_tess_verify(v, text, len, trust, clock, out);
    seq++;
    size_t i = 0;
    while (i < n_opened && opened[i].where != trust)
        i++;
    if (i == n_opened || memcmp(&opened[i].as_opened, trust, sizeof *trust) != 0) {
        skipped++;
        return st;
    }
    if (n_cases == cap_cases) {
        cap_cases = cap_cases ? 2 * cap_cases : 1024;
        cases = xrealloc(cases, cap_cases * sizeof *cases);
    }
    case_rec *c = &cases[n_cases++];
    c->text = xrealloc(NULL, len ? len : 1);
    memcpy(c->text, text, len);
    c->len = len;
    c->trust = opened[i].trust;
    c->now = clock->now;
    c->floor = clock->floor;
    c->skew = clock->skew;
    c->verdict = *out;
    c->fingerprint = m4_fingerprint(out);
    /* past the door reader's limits where the host says something else */
    c->beyond = out->reason != TESS_ERR_TOO_LARGE && beyond_door(text, len);
    c->origin = origin;
    c->seq = seq;
    size_t hn = out->has_cred ? out->cred.holder.len : 0;
    if (hn > sizeof c->holder - 1)
        hn = sizeof c->holder - 1;
    if (hn)
        memcpy(c->holder, out->cred.holder.ptr, hn);
    c->holder[hn] = '\0';
    return st;
}

static void put_bytes(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s0x%02x,", i % 16 == 0 ? "\n    " : " ", p[i]);
    fputc('\n', f);
}

static void put_trust(FILE *f, const char *name, const trust_rec *t)
{
    fprintf(f, "static const uint8_t %s_file[%zu] = {", name, t->len);
    put_bytes(f, t->file, t->len);
    fprintf(f, "};\nstatic const uint8_t %s_keys[%zu][32] = {\n", name, t->n_keys);
    for (size_t k = 0; k < t->n_keys; k++) {
        fprintf(f, "  {");
        put_bytes(f, t->keys[k], 32);
        fprintf(f, "  },\n");
    }
    fprintf(f, "};\n");
}

/* A C string literal of any bytes: octal escapes for all but plain
 * printable ASCII, cut into lines. */
static void put_text(FILE *f, const char *s, size_t n)
{
    fputs("\n      \"", f);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i && i % 96 == 0)
            fputs("\"\n      \"", f);
        if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' || ch == '?')
            fprintf(f, "\\%03o", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap, bool c_file)
{
    snprintf(path, cap, "%s/%s.tmp", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    if (c_file)
        fprintf(f, "/* Generated by board/cortex-m/gen_cases from the host's tests: do not "
                   "edit. */\n#include \"case.h\"\n\n");
    return f;
}

/* Whether two files hold the same bytes. */
static bool same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* Puts the new file in place, unless it is what is there already (so that
 * the target build does not compile the case table again for nothing). */
static void close_out(FILE *f, const char *dir, const char *name, const char *tmp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (ferror(f) | fclose(f)) {
        perror(tmp);
        exit(1);
    }
    if (same_file(tmp, path)) {
        remove(tmp);
        return;
    }
    if (rename(tmp, path) != 0) {
        perror(path);
        exit(1);
    }
}

static void write_cases(const char *dir)
{
    char tmp[4096];
    FILE *f = open_out(dir, "cases_m4.c", tmp, sizeof tmp, true);
    fprintf(f, "const uint32_t m4_door_max_z = %zuu, m4_door_max_c = %zuu;\n\n", door_max_z,
            door_max_c);
    for (size_t i = 0; i < n_trusts; i++) {
        char name[32];
        snprintf(name, sizeof name, "trust%zu", i);
        put_trust(f, name, &trusts[i]);
    }
    fprintf(f, "\nconst m4_trust m4_trusts[] = {\n");
    for (size_t i = 0; i < n_trusts; i++)
        fprintf(f, "    {%uu, %zuu, trust%zu_keys, trust%zu_file, %zuu},\n", trusts[i].threshold,
                trusts[i].n_keys, i, i, trusts[i].len);
    fprintf(f, "};\nconst uint32_t m4_n_trusts = %zuu;\n\n", n_trusts);
    /* The cases in .cases: external memory on the test board (test.ld),
     * as a door reader gets its texts from outside, one at a time. */
    fprintf(f, "#define CASES __attribute__((section(\".cases\")))\n");
    for (size_t i = 0; i < n_cases; i++) {
        fprintf(f, "CASES static const char text%zu[%zu] =", i, cases[i].len + 1);
        put_text(f, cases[i].text, cases[i].len);
        fprintf(f, ";\n");
    }
    fprintf(f, "\nCASES const m4_case m4_cases[] = {\n");
    for (size_t i = 0; i < n_cases; i++) {
        const case_rec *c = &cases[i];
        const tess_verdict *v = &c->verdict;
        fprintf(f, "  {text%zu, %zuu, %zuu, %uu, %du, %" PRIu64 "ull, %" PRIu64 "ull, %" PRIu64 "ull,"
                   " %" PRIu64 "ull, %uu, %zuu, %zuu, %d, %d, %d, 0x%08xu, \"%s #%zu\"},\n",
                i, c->len, c->trust, (unsigned)v->reason, c->beyond, c->now, c->floor, c->skew,
                v->judged_at, v->warnings, v->z_len, v->c_len, v->compressed, v->has_issuer,
                v->has_cred, c->fingerprint, c->origin, c->seq);
    }
    fprintf(f, "};\nconst uint32_t m4_n_cases = %zuu;\n", n_cases);
    close_out(f, dir, "cases_m4.c", tmp);

    f = open_out(dir, "trust_m4.c", tmp, sizeof tmp, true);
    put_trust(f, "door", &trusts[0]);
    fprintf(f, "\n/* The test world's bundle (tests/unit/testkit.h) and its root keys. */\n"
               "const m4_trust m4_door_trust = {%uu, %zuu, door_keys, door_file, %zuu};\n",
            trusts[0].threshold, trusts[0].n_keys, trusts[0].len);
    fprintf(f, "const tess_root m4_door_root = {%uu, %zuu, {", trusts[0].threshold,
            trusts[0].n_keys);
    for (size_t k = 0; k < trusts[0].n_keys; k++)
        fprintf(f, "%sdoor_keys[%zu]", k ? ", " : "", k);
    fprintf(f, "}};\n");
    close_out(f, dir, "trust_m4.c", tmp);
}

static bool one_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\0')
            return false;
    return true;
}

/* Lines for the door reader (door_main.c): "SECONDS TEXT" in, "REASON
 * [holder]" out; up to three cases of each reason that the door reader
 * can be given on one line against its bundle (trust 0, no floor). */
static void write_door_lines(const char *dir)
{
    char tmp_in[4096], tmp_out[4096];
    FILE *in = open_out(dir, "door_input.txt", tmp_in, sizeof tmp_in, false);
    FILE *out = open_out(dir, "door_expect.txt", tmp_out, sizeof tmp_out, false);
    /* door_main.c's line: for Z of door_max_z bytes, or (the small
     * inflate) FORMAT.md's text with room, whichever is shorter */
    size_t line_cap = 20 + 1 + 4 + (door_max_z / 2) * 3 + 2 + 4;
    if (line_cap > TESS_MAX_TEXT + 64)
        line_cap = TESS_MAX_TEXT + 64;
    unsigned per_reason[128] = {0};
    for (size_t i = 0; i < n_cases; i++) {
        const case_rec *c = &cases[i];
        unsigned r = (unsigned)c->verdict.reason & 127u;
        if (c->trust != 0 || c->floor != 0 || c->skew != TESS_DEFAULT_SKEW || c->beyond ||
            per_reason[r] >= 3 || c->len + 22 >= line_cap || !one_line(c->text, c->len) ||
            !one_line(c->holder, strlen(c->holder)))
            continue;
        per_reason[r]++;
        fprintf(in, "%" PRIu64 " %.*s\n", c->now, (int)c->len, c->text);
        fprintf(out, "%s%s%s\n", tess_reason(c->verdict.reason), r == TESS_OK ? " " : "",
                r == TESS_OK ? c->holder : "");
    }
    close_out(in, dir, "door_input.txt", tmp_in);
    close_out(out, dir, "door_expect.txt", tmp_out);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_cases OUTDIR DOOR_MAX_Z DOOR_MAX_C\n");
        return 2;
    }
    door_max_z = strtoul(argv[2], NULL, 10);
    door_max_c = strtoul(argv[3], NULL, 10);
    if (door_max_z == 0 || door_max_z > TESS_MAX_Z || door_max_c == 0 || door_max_c > TESS_MAX_C) {
        fprintf(stderr, "gen_cases: door limits must be 1..%u (Z) and 1..%u (C)\n", TESS_MAX_Z,
                TESS_MAX_C);
        return 2;
    }
    origin = "test_verify";
    if (test_verify_main() != 0) {
        fprintf(stderr, "gen_cases: test_verify fails on the host\n");
        return 1;
    }
    origin = "test_bitflip";
    seq = 0;
    if (test_bitflip_main() != 0) {
        fprintf(stderr, "gen_cases: test_bitflip fails on the host\n");
        return 1;
    }
    if (n_trusts == 0 || n_cases == 0) {
        fprintf(stderr, "gen_cases: the tests made no verification\n");
        return 1;
    }
    write_cases(argv[1]);
    write_door_lines(argv[1]);
    size_t beyond = 0, reasons[128] = {0};
    for (size_t i = 0; i < n_cases; i++) {
        beyond += (size_t)cases[i].beyond;
        reasons[cases[i].verdict.reason & 127]++;
    }
    printf("gen_cases: %zu cases (%zu beyond the door reader's limits), %zu bundles, "
           "%zu verifications against a bundle changed after opening left out\n",
           n_cases, beyond, n_trusts, skipped);
    printf("gen_cases: reasons:");
    for (int r = 0; r < 128; r++)
        if (reasons[r])
            printf(" %s=%zu", tess_reason((tess_status)r), reasons[r]);
    printf("\n");
    return 0;
}
