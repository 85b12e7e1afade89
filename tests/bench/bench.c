/*
 * bench.c: what the whole pipeline costs beside the signature check alone,
 * and how big the QR code gets beside a JSON Web Token of the same content.
 *
 *   tess_bench               throughput and sizes (about 7 s)
 *   tess_bench --callgrind   instructions per verification: runs itself
 *                            under valgrind --tool=callgrind (about 4 s)
 *   tess_bench --all         both
 *   tess_bench --iterations N [--only pipeline|bare]
 *                            just N verifications of each kind, e.g. for
 *                            valgrind --tool=callgrind by hand
 *                            (--toggle-collect=bench_pipeline_loop or
 *                            bench_bare_loop counts only the loop)
 * Exit 0 whatever the targets say (it is a report), 2 on an error.
 *
 * (a) pipeline: tess_verify, MC1 text to verdict, on tk_default_cred (holder,
 *     title, awarder, three ESCO skills, EQF, hours, expiry) issued as usual;
 * (b) bare: crypto_sign_verify_detached over the very Sig_structure the
 *     pipeline checks (tess_cose_sign1_tbs of the parsed message).
 * Rounds of about 0.2 s alternate between the two, so that both see the
 * same machine; the ratio of the medians is the result (target >= 0.90).
 * Under callgrind the same loops give instruction counts, which no other
 * process on the machine can disturb.
 *
 * QR: the MC1 text in alphanumeric mode and a JWT (EdDSA, the same claims
 * with readable names) in byte mode, both at ECC M; target MC1 version
 * <= 15 and at least 10 versions below the JWT.
 */
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testkit.h"
#include "tessera/tess_b45.h"

#define ROUNDS 15
#define ROUND_SECONDS 0.2
#define BATCH 16
#define CALLGRIND_N 200

static tk_world *W;
static tess_credential cred;
static char text[8192];
static size_t text_len;
static uint8_t c_buf[TESS_MAX_C];
static size_t c_len;
static bool compressed;
static size_t z_len;
static uint8_t tbs[TESS_MAX_C + TESS_COSE_TBS_OVERHEAD];
static size_t tbs_len;
static uint8_t sig[64];
static volatile unsigned sink;
static volatile bool failed;

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "tess_bench: %s\n", what);
    exit(2);
}

/* ---- the two loops (named, not inlined: callgrind counts inside them) ---- */

void bench_pipeline_loop(size_t n);
void bench_bare_loop(size_t n);

__attribute__((noinline)) void bench_pipeline_loop(size_t n)
{
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    for (size_t i = 0; i < n; i++) {
        tess_status st =
            tess_verify(&W->verifier, text, text_len, &W->bundle, &clock, &W->verdict);
        if (st != TESS_OK)
            failed = true;
        sink += (unsigned)W->verdict.cred.n_skills;
    }
}

__attribute__((noinline)) void bench_bare_loop(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (crypto_sign_verify_detached(sig, tbs, tbs_len, W->issuer.pk) != 0)
            failed = true;
        sink += 1;
    }
}

/* ---- set-up: the credential, its text, its Sig_structure ---- */

static void setup(void)
{
    if (sodium_init() < 0)
        die("sodium_init");
    W = tk_world_new();
    tk_default_cred(&cred);
    tk_issue(&cred, &W->issuer, text);
    text_len = strlen(text);

    static uint8_t z[TESS_MAX_Z];
    static tess_inflate_arena arena;
    if (tess_b45_decode(text + 4, text_len - 4, z, sizeof z, &z_len) != TESS_OK)
        die("base45");
    compressed = z_len > 0 && z[0] == 0x78;
    if (compressed) {
        if (tess_inflate(&arena, z, z_len, c_buf, sizeof c_buf, &c_len) != TESS_OK)
            die("inflate");
    } else {
        memcpy(c_buf, z, z_len);
        c_len = z_len;
    }
    tess_cose_sign1 m;
    tess_span c = {c_buf, c_len};
    tess_span none = {NULL, 0};
    if (tess_cose_sign1_parse(c, TESS_MAX_STRING, &m) != TESS_OK ||
        tess_cose_sign1_tbs(&m, none, tbs, sizeof tbs, &tbs_len) != TESS_OK)
        die("parse");
    memcpy(sig, m.signature.ptr, 64);

    /* Both must succeed before either is timed. */
    bench_pipeline_loop(1);
    bench_bare_loop(1);
    if (failed)
        die("the credential does not verify");
}

/* ---- timing ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run_rate(void (*loop)(size_t), double seconds)
{
    size_t done = 0;
    double t0 = now_s(), t;
    do {
        loop(BATCH);
        done += BATCH;
        t = now_s();
    } while (t - t0 < seconds);
    return (double)done / (t - t0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
    double s[ROUNDS];
    memcpy(s, v, n * sizeof *v);
    qsort(s, n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double min_of(const double *v, size_t n)
{
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

static double max_of(const double *v, size_t n)
{
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static const char *verdict(bool pass)
{
    return pass ? "PASS" : "FAIL";
}

static void timing_report(void)
{
    double pipe[ROUNDS], bare[ROUNDS], paired[ROUNDS];
    run_rate(bench_pipeline_loop, 0.1); /* warm-up: caches, frequency */
    run_rate(bench_bare_loop, 0.1);
    for (int r = 0; r < ROUNDS; r++) {
        /* Alternate which goes first, so that neither always follows. */
        if (r % 2 == 0) {
            pipe[r] = run_rate(bench_pipeline_loop, ROUND_SECONDS);
            bare[r] = run_rate(bench_bare_loop, ROUND_SECONDS);
        } else {
            bare[r] = run_rate(bench_bare_loop, ROUND_SECONDS);
            pipe[r] = run_rate(bench_pipeline_loop, ROUND_SECONDS);
        }
        paired[r] = pipe[r] / bare[r];
    }
    if (failed)
        die("a verification failed while timed");
    double mp = median(pipe, ROUNDS), mb = median(bare, ROUNDS);
    double ratio = mp / mb;
    printf("\nThroughput: %d alternating rounds of %.1f s each\n", ROUNDS, ROUND_SECONDS);
    printf("  %-38s %10s %10s %10s %9s\n", "", "median/s", "min/s", "max/s", "us/op");
    printf("  %-38s %10.0f %10.0f %10.0f %9.2f\n", "(a) pipeline: tess_verify, text->verdict",
           mp, min_of(pipe, ROUNDS), max_of(pipe, ROUNDS), 1e6 / mp);
    printf("  %-38s %10.0f %10.0f %10.0f %9.2f\n", "(b) bare: crypto_sign_verify_detached", mb,
           min_of(bare, ROUNDS), max_of(bare, ROUNDS), 1e6 / mb);
    printf("  pipeline/bare, ratio of medians:  %.3f   (median of per-round ratios %.3f)"
           "   target >= 0.90   %s\n",
           ratio, median(paired, ROUNDS), verdict(ratio >= 0.90));
    printf("  pipeline overhead beyond the signature: %.2f us per credential\n",
           1e6 / mp - 1e6 / mb);
}

/* ---- callgrind: instructions, deterministic ---- */

static bool have_valgrind(void)
{
    return system("command -v valgrind >/dev/null 2>&1") == 0;
}

/* Instructions executed inside `which`'s loop for n iterations, or -1. */
static double callgrind_count(const char *self, const char *which, int n)
{
    char out[256], cmd[1200];
    snprintf(out, sizeof out, "/tmp/tess_bench.%ld.%s.callgrind", (long)getpid(), which);
    snprintf(cmd, sizeof cmd,
             "valgrind --tool=callgrind --callgrind-out-file=%s --collect-atstart=no "
             "--toggle-collect=bench_%s_loop '%s' --iterations %d --only %s >/dev/null 2>&1",
             out, which, self, n, which);
    if (system(cmd) != 0) {
        remove(out);
        return -1;
    }
    FILE *f = fopen(out, "r");
    double total = -1;
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long v;
        if (sscanf(line, "totals: %llu", &v) == 1 || sscanf(line, "summary: %llu", &v) == 1)
            total = (double)v;
    }
    if (f)
        fclose(f);
    remove(out);
    return total;
}

static void callgrind_report(void)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || !have_valgrind()) {
        printf("\nInstructions: valgrind not found, skipped\n");
        return;
    }
    self[n] = '\0';
    double ip = callgrind_count(self, "pipeline", CALLGRIND_N);
    double ib = callgrind_count(self, "bare", CALLGRIND_N);
    if (ip <= 0 || ib <= 0)
        die("callgrind run failed");
    ip /= CALLGRIND_N;
    ib /= CALLGRIND_N;
    double ratio = ib / ip;
    printf("\nInstructions (valgrind --tool=callgrind, %d verifications of each kind)\n",
           CALLGRIND_N);
    printf("  (a) pipeline  %12.0f instructions per verification\n", ip);
    printf("  (b) bare      %12.0f instructions per verification\n", ib);
    printf("  pipeline/bare throughput by instructions (bare/pipeline): %.3f"
           "   target >= 0.90   %s\n",
           ratio, verdict(ratio >= 0.90));
    printf("  instructions beyond the signature: %.0f (%.1f%% of the pipeline)\n", ip - ib,
           100.0 * (ip - ib) / ip);
}

/* ---- sizes: MC1 against a JWT ---- */

static int qr_version(const char *s, QRencodeMode mode)
{
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    if (!in || QRinput_append(in, mode, (int)strlen(s), (const unsigned char *)s) != 0)
        die("QRinput");
    QRcode *q = QRcode_encodeInput(in);
    if (!q)
        die("QRcode_encodeInput (too long for any version?)");
    int v = q->version;
    QRcode_free(q);
    QRinput_free(in);
    return v;
}

static void b64url(char *out, size_t cap, const void *bin, size_t n)
{
    if (sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > cap)
        die("base64 buffer");
    sodium_bin2base64(out, cap, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Appends s as a JSON string. */
static void json_str(char *out, size_t cap, tess_span s)
{
    size_t o = strlen(out);
    if (o + 2 * s.len + 3 > cap)
        die("json buffer");
    out[o++] = '"';
    for (size_t i = 0; i < s.len; i++) {
        unsigned char ch = s.ptr[i];
        if (ch == '"' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (ch < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

static void cat(char *out, size_t cap, const char *s)
{
    if (strlen(out) + strlen(s) + 1 > cap)
        die("json buffer");
    strcat(out, s);
}

/* The same credential as a JWT: EdDSA over the same claims, readable names. */
static size_t make_jwt(char *jwt, size_t cap)
{
    const tess_credential *cr = &cred;
    char kid_b64[32], cti_b64[32], num[64];
    uint8_t kid[8];
    tess_kid_of(kid, W->issuer.pk);
    b64url(kid_b64, sizeof kid_b64, kid, sizeof kid);
    b64url(cti_b64, sizeof cti_b64, cr->cti, 16);

    char header[256];
    snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
             kid_b64);

    char p[4096] = "{\"iss\":";
    json_str(p, sizeof p, cr->iss);
    snprintf(num, sizeof num, ",\"iat\":%llu", (unsigned long long)cr->iat);
    cat(p, sizeof p, num);
    snprintf(num, sizeof num, ",\"exp\":%llu", (unsigned long long)cr->exp);
    cat(p, sizeof p, num);
    cat(p, sizeof p, ",\"jti\":\"");
    cat(p, sizeof p, cti_b64);
    cat(p, sizeof p, "\",\"version\":1,\"holder\":");
    json_str(p, sizeof p, cr->holder);
    cat(p, sizeof p, ",\"title\":");
    json_str(p, sizeof p, cr->title);
    cat(p, sizeof p, ",\"achievement\":");
    json_str(p, sizeof p, cr->achievement);
    cat(p, sizeof p, ",\"awarder\":");
    json_str(p, sizeof p, cr->awarder);
    cat(p, sizeof p, ",\"country\":");
    json_str(p, sizeof p, cr->country);
    cat(p, sizeof p, ",\"skills\":[");
    for (size_t i = 0; i < cr->n_skills; i++) {
        if (i)
            cat(p, sizeof p, ",");
        json_str(p, sizeof p, cr->skills[i]);
    }
    snprintf(num, sizeof num, "],\"eqfLevel\":%llu,\"workloadHours\":%llu}",
             (unsigned long long)cr->eqf, (unsigned long long)cr->workload);
    cat(p, sizeof p, num);

    static char signing_input[9000];
    char h64[512];
    static char p64[8192];
    b64url(h64, sizeof h64, header, strlen(header));
    b64url(p64, sizeof p64, p, strlen(p));
    int k = snprintf(signing_input, sizeof signing_input, "%s.%s", h64, p64);
    if (k < 0 || (size_t)k >= sizeof signing_input)
        die("jwt buffer");
    uint8_t s[64];
    char s64[128];
    crypto_sign_detached(s, NULL, (const unsigned char *)signing_input, strlen(signing_input),
                         W->issuer.sk);
    b64url(s64, sizeof s64, s, sizeof s);
    int n = snprintf(jwt, cap, "%s.%s", signing_input, s64);
    if (n < 0 || (size_t)n >= cap)
        die("jwt buffer");
    return (size_t)n;
}

/* Signs a JWT payload (JSON text) with the issuer key: header.payload.sig. */
static size_t sign_jwt(const char *header, const char *payload, char *jwt, size_t cap)
{
    static char signing_input[16384], p64[12288];
    char h64[512], s64[128];
    b64url(h64, sizeof h64, header, strlen(header));
    b64url(p64, sizeof p64, payload, strlen(payload));
    int k = snprintf(signing_input, sizeof signing_input, "%s.%s", h64, p64);
    if (k < 0 || (size_t)k >= sizeof signing_input)
        die("jwt buffer");
    uint8_t jws[64];
    crypto_sign_detached(jws, NULL, (const unsigned char *)signing_input, (size_t)k,
                         W->issuer.sk);
    b64url(s64, sizeof s64, jws, sizeof jws);
    int n = snprintf(jwt, cap, "%s.%s", signing_input, s64);
    if (n < 0 || (size_t)n >= cap)
        die("jwt buffer");
    return (size_t)n;
}

static void iso_time(char *out, size_t cap, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The same credential in the standard JWT form of a micro-credential: an
 * Open Badges 3.0 OpenBadgeCredential as a VC-JWT (OB 3.0 section 8.2),
 * with only the fields OB 3.0 requires plus the content MC1 carries
 * (skills as ESCO alignments, the EQF level and hours as results). */
static size_t make_ob3_jwt(char *jwt, size_t cap)
{
    const tess_credential *cr = &cred;
    char cti_hex[33], iat[32], exp[32], num[256];
    for (int i = 0; i < 16; i++)
        snprintf(cti_hex + 2 * i, 3, "%02x", cr->cti[i]);
    iso_time(iat, sizeof iat, cr->iat);
    iso_time(exp, sizeof exp, cr->exp);
    char header[256];
    snprintf(header, sizeof header,
             "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%.*s#key-1\"}",
             (int)cr->iss.len, (const char *)cr->iss.ptr);
    static char p[8192];
    p[0] = 0;
    cat(p, sizeof p, "{\"iss\":");
    json_str(p, sizeof p, cr->iss);
    snprintf(num, sizeof num, ",\"jti\":\"urn:uuid:%s\",\"nbf\":%llu,\"exp\":%llu", cti_hex,
             (unsigned long long)cr->iat, (unsigned long long)cr->exp);
    cat(p, sizeof p, num);
    cat(p, sizeof p,
        ",\"vc\":{\"@context\":[\"https://www.w3.org/2018/credentials/v1\","
        "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],");
    snprintf(num, sizeof num, "\"id\":\"urn:uuid:%s\",", cti_hex);
    cat(p, sizeof p, num);
    cat(p, sizeof p,
        "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],\"issuer\":{\"id\":");
    json_str(p, sizeof p, cr->iss);
    cat(p, sizeof p, ",\"type\":[\"Profile\"],\"name\":");
    json_str(p, sizeof p, cr->awarder);
    snprintf(num, sizeof num, "},\"issuanceDate\":\"%s\",\"expirationDate\":\"%s\",", iat, exp);
    cat(p, sizeof p, num);
    cat(p, sizeof p, "\"name\":");
    json_str(p, sizeof p, cr->title);
    cat(p, sizeof p, ",\"credentialSubject\":{\"type\":[\"AchievementSubject\"],\"name\":");
    json_str(p, sizeof p, cr->holder);
    cat(p, sizeof p, ",\"achievement\":{\"id\":\"");
    snprintf(num, sizeof num, "%.*s/achievements/%.*s\"", (int)cr->iss.len,
             (const char *)cr->iss.ptr, (int)cr->achievement.len, (const char *)cr->achievement.ptr);
    cat(p, sizeof p, num);
    cat(p, sizeof p, ",\"type\":[\"Achievement\"],\"achievementType\":\"MicroCredential\",\"name\":");
    json_str(p, sizeof p, cr->title);
    cat(p, sizeof p, ",\"description\":");
    json_str(p, sizeof p, cr->title);
    cat(p, sizeof p, ",\"criteria\":{\"narrative\":\"Assessed by the awarding body.\"},");
    cat(p, sizeof p, "\"alignment\":[");
    for (size_t i = 0; i < cr->n_skills; i++) {
        const char *code = (const char *)cr->skills[i].ptr + 5; /* after "esco:" */
        snprintf(num, sizeof num,
                 "%s{\"type\":[\"Alignment\"],\"targetName\":\"%.*s\",\"targetUrl\":"
                 "\"http://data.europa.eu/esco/skill/%.*s\",\"targetFramework\":\"ESCO\"}",
                 i ? "," : "", (int)cr->skills[i].len, (const char *)cr->skills[i].ptr,
                 (int)cr->skills[i].len - 5, code);
        cat(p, sizeof p, num);
    }
    snprintf(num, sizeof num,
             "]},\"result\":[{\"type\":[\"Result\"],\"value\":\"EQF %llu\"},"
             "{\"type\":[\"Result\"],\"value\":\"%llu hours\"}]}}}",
             (unsigned long long)cr->eqf, (unsigned long long)cr->workload);
    cat(p, sizeof p, num);
    return sign_jwt(header, p, jwt, cap);
}

static void size_report(void)
{
    static char jwt[8192], ob3[16384];
    size_t jwt_len = make_jwt(jwt, sizeof jwt);
    size_t ob3_len = make_ob3_jwt(ob3, sizeof ob3);
    int v_mc1 = qr_version(text, QR_MODE_AN);
    int v_jwt = qr_version(jwt, QR_MODE_8);
    int v_ob3 = qr_version(ob3, QR_MODE_8);
    printf("\nSize: the same credential, QR at error correction M\n");
    printf("  %-48s %7s %8s\n", "", "chars", "QR ver.");
    printf("  %-48s %7zu %8d\n", "MC1 text (alphanumeric mode)", text_len, v_mc1);
    printf("    (%s; Z %zu bytes, COSE %zu bytes)\n",
           compressed ? "zlib-compressed" : "not compressed: zlib would not shorten it",
           z_len, c_len);
    printf("  %-48s %7zu %8d\n", "Open Badges 3.0 VC-JWT, EdDSA (byte mode)", ob3_len, v_ob3);
    printf("  %-48s %7zu %8d\n", "flat JWT of the bare claims, readable names", jwt_len,
           v_jwt);
    printf("  MC1 QR version %d                        target <= 15   %s\n", v_mc1,
           verdict(v_mc1 <= 15));
    printf("  versions below the Open Badges 3.0 JWT: %d   target >= 10   %s\n", v_ob3 - v_mc1,
           verdict(v_ob3 - v_mc1 >= 10));
    printf("  versions below a flat JWT of the bare claims: %d (no standard defines that form;\n"
           "  shown as the floor of what a JWT could be)\n",
           v_jwt - v_mc1);
}

int main(int argc, char **argv)
{
    long iterations = -1;
    const char *only = NULL;
    bool do_timing = true, do_callgrind = false, do_sizes = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--callgrind") == 0) {
            do_timing = false;
            do_sizes = false;
            do_callgrind = true;
        } else if (strcmp(argv[i], "--all") == 0) {
            do_callgrind = true;
        } else {
            fprintf(stderr,
                    "usage: %s [--callgrind | --all | --iterations N "
                    "[--only pipeline|bare]]\n",
                    argv[0]);
            return 2;
        }
    }

    setup();

    if (iterations >= 0) {
        if (!only || strcmp(only, "pipeline") == 0)
            bench_pipeline_loop((size_t)iterations);
        if (!only || strcmp(only, "bare") == 0)
            bench_bare_loop((size_t)iterations);
        if (failed)
            die("a verification failed");
        printf("ran %ld verifications of %s\n", iterations, only ? only : "each kind");
        tk_world_free(W);
        return 0;
    }

    printf("Tessera bench: tk_default_cred (holder, title, awarder, 3 ESCO skills, EQF, "
           "hours, expiry)\n");
    if (do_timing)
        timing_report();
    if (do_callgrind)
        callgrind_report();
    if (do_sizes)
        size_report();
    if (!do_callgrind && have_valgrind())
        printf("\nInstruction counts, which repeat on a noisy machine: %s --callgrind\n",
               argv[0]);
    tk_world_free(W);
    return 0;
}
