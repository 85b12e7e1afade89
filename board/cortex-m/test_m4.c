/*
 * test_m4: the firmware test. On the emulated Cortex-M4 (QEMU mps2-an386,
 * semihosting), verifies every case gen_cases recorded from the host's
 * tests and checks that the door reader gives the host's verdict: the
 * same reason, warnings, judging time, lengths, flags, issuer and
 * credential fields. A case past the door reader's Z or C limit must be
 * too_large. Then reports the stack's high-water mark and static RAM.
 * Exit code 0 only if every case matches.
 */
#include <string.h>

#include "case.h"
#include "m4.h"

extern uint32_t __data_start[], __bss_end[];

static tess_verifier verifier;
static tess_verdict verdict;
static tess_bundle bundle;
static tess_root root;
#define MAX_ISSUERS 64u
static uint32_t issuer_at[MAX_ISSUERS];

/* Opens trust bundle i against its root keys; the verifier's memory is
 * the scratch (nothing is being verified meanwhile). */
static tess_status open_trust(uint32_t i)
{
    const m4_trust *t = &m4_trusts[i];
    memset(&root, 0, sizeof root);
    root.threshold = t->threshold;
    root.n_keys = t->n_keys;
    for (uint32_t k = 0; k < t->n_keys && k < TESS_MAX_ROOT_KEYS; k++)
        root.keys[k] = t->keys[k];
    tess_span f = {t->file, t->len};
    tess_status st = tess_bundle_open(f, &root, issuer_at, MAX_ISSUERS, (uint8_t *)&verifier,
                                      sizeof verifier, &bundle);
    memset(&verifier, 0, sizeof verifier);   /* zlib's peak counts verifications only */
    return st;
}

static bool same_verdict(const m4_case *c, tess_status st)
{
    const tess_verdict *v = &verdict;
    if (c->beyond)
        return st == TESS_ERR_TOO_LARGE && v->reason == st && v->warnings == c->warnings &&
               v->judged_at == c->judged_at && !v->has_cred && !v->has_issuer;
    return st == c->reason && v->reason == st && v->warnings == c->warnings &&
           v->judged_at == c->judged_at && v->z_len == c->z_len && v->c_len == c->c_len &&
           v->compressed == c->compressed && v->has_issuer == c->has_issuer &&
           v->has_cred == c->has_cred && m4_fingerprint(v) == c->fingerprint;
}

static void report_mismatch(const m4_case *c, tess_status st)
{
    m4_write("MISMATCH ");
    m4_write(c->origin);
    m4_write(": host ");
    m4_write(c->beyond ? "too_large (beyond the door limits)" : tess_reason(c->reason));
    m4_write(", door reader ");
    m4_write(tess_reason(st));
    m4_write(" (z_len ");
    m4_write_u((uint32_t)verdict.z_len);
    m4_write("/");
    m4_write_u(c->z_len);
    m4_write(", c_len ");
    m4_write_u((uint32_t)verdict.c_len);
    m4_write("/");
    m4_write_u(c->c_len);
    m4_write(")\n");
}

int main(void)
{
    if (m4_door_max_z != TESS_MAX_Z || m4_door_max_c != TESS_MAX_C) {
        m4_write("test_m4: the case table was made for other limits than this build's\n");
        return 2;
    }
    static uint32_t per_reason[128];
    uint32_t matched = 0, failed = 0, beyond = 0;
    uint32_t current = UINT32_MAX;
    for (uint32_t i = 0; i < m4_n_cases; i++) {
        const m4_case *c = &m4_cases[i];
        if (c->trust != current) {
            tess_status ost = open_trust(c->trust);
            if (ost != TESS_OK) {
                m4_write("test_m4: trust bundle ");
                m4_write_u(c->trust);
                m4_write(" does not open: ");
                m4_write(tess_reason(ost));
                m4_write("\n");
                return 1;
            }
            current = c->trust;
        }
        tess_clock clock = {c->now, c->floor, c->skew};
        const char *text = c->text;
#ifdef TESS_SMALL_INFLATE
        /* As the door reader does: the text in z, after a line's time and
         * space, decoded in place. */
        if (c->len <= sizeof verifier.z - 11u) {
            memcpy(verifier.z + 11, c->text, c->len);
            text = (const char *)verifier.z + 11;
        }
#endif
        tess_status st = tess_verify(&verifier, text, c->len, &bundle, &clock, &verdict);
        if (same_verdict(c, st)) {
            matched++;
            beyond += c->beyond;
            per_reason[st & 127u]++;
        } else {
            failed++;
            if (failed <= 20)
                report_mismatch(c, st);
        }
    }
    m4_write("test_m4: ");
    m4_write_u(matched);
    m4_write(" of ");
    m4_write_u(m4_n_cases);
    m4_write(" cases give the host's verdict on the Cortex-M4 (");
    m4_write_u(beyond);
    m4_write(" of them past the door reader's limits: too_large)\n  by reason:");
    for (uint32_t r = 0; r < 128; r++) {
        if (per_reason[r]) {
            m4_write(" ");
            m4_write(tess_reason((tess_status)r));
            m4_write("=");
            m4_write_u(per_reason[r]);
        }
    }
    size_t static_ram = (size_t)((uint8_t *)__bss_end - (uint8_t *)__data_start);
    size_t stack = m4_stack_used();
    m4_write("\n  RAM: static (.data+.bss) ");
    m4_write_u((uint32_t)static_ram);
    m4_write(" B + stack high-water ");
    m4_write_u((uint32_t)stack);
    m4_write(" B = ");
    m4_write_u((uint32_t)(static_ram + stack));
    m4_write(" B of 16384 (stack region ");
    m4_write_u((uint32_t)m4_stack_size());
    m4_write(" B)\n  sizeof: tess_verifier ");
    m4_write_u(sizeof verifier);
    m4_write(", tess_verdict ");
    m4_write_u(sizeof verdict);
#ifdef TESS_SMALL_INFLATE
    m4_write(" (the small inflate: no arena)\n");
#else
    m4_write(", zlib arena ");
    m4_write_u(TESS_INFLATE_ARENA);
    m4_write(" (");
    m4_write_u((uint32_t)verifier.zlib.peak);
    m4_write(" used at most)\n");
#endif
    if (failed) {
        m4_write("test_m4: FAILED: ");
        m4_write_u(failed);
        m4_write(" cases differ from the host\n");
        return 1;
    }
    m4_write("test_m4: all cases match\n");
    return 0;
}
