/*
 * door: the door reader. The trust bundle and its root keys are in flash
 * (trust_m4.c, generated from the test world's bundle); it is opened and
 * fully checked at start. Then each line of input, "SECONDS TEXT" (the
 * time from the door controller: the reader has no clock), is verified
 * and answered with one line, "REASON [holder]". On the board the lines
 * come from the scanner's UART; here from semihosting's standard input.
 * Exit code 0 at the end of input, 1 if the bundle does not open.
 */
#include <string.h>

#include "case.h"
#include "m4.h"

extern const m4_trust m4_door_trust;
extern const tess_root m4_door_root;

#define MAX_ISSUERS 16u

static tess_verifier verifier;
static tess_verdict verdict;
static tess_bundle bundle;
static uint32_t issuer_at[MAX_ISSUERS];
#ifdef TESS_SMALL_INFLATE
/* The line is read straight into the verifier's z, where the core decodes
 * its Base45 in place (tess_verify.h): the time, a space, and a text of
 * FORMAT.md's 4296 characters with room for a scanner's CR and spaces. */
#define LINE_CAP sizeof verifier.z
static char *const line = (char *)verifier.z;
#else
/* The longest line: the time, a space, and the longest text whose Z fits
 * the door reader's limit ("MC1:" and Base45 of TESS_MAX_Z bytes), with
 * room for a scanner's CR and spaces. */
#define LINE_CAP (20u + 1u + 4u + (TESS_MAX_Z / 2u) * 3u + 2u + 4u)
static char line[LINE_CAP];
#endif

static void answer(const char *reason, const tess_span *holder)
{
    m4_write(reason);
    if (holder && holder->len) {
        /* The holder's name, cut to what fits a display line. */
        char name[64];
        size_t n = holder->len < sizeof name - 1 ? holder->len : sizeof name - 1;
        memcpy(name, holder->ptr, n);
        name[n] = '\0';
        m4_write(" ");
        m4_write(name);
    }
    m4_write("\n");
}

int main(void)
{
    tess_span f = {m4_door_trust.file, m4_door_trust.len};
    /* The verifier is the scratch of the bundle's signature check. */
    tess_status st = tess_bundle_open(f, &m4_door_root, issuer_at, MAX_ISSUERS, (uint8_t *)&verifier,
                                      sizeof verifier, &bundle);
    if (st != TESS_OK) {
        m4_write("door: the trust bundle in flash does not open: ");
        m4_write(tess_reason(st));
        m4_write("\n");
        return 1;
    }
    int cut;
    long n;
    while ((n = m4_read_line(line, LINE_CAP, &cut)) >= 0) {
        if (cut) {
            answer("too_large (longer than the door reader's line)", NULL);
            continue;
        }
        /* SECONDS, one space, TEXT */
        const char *p = line;
        uint64_t now = 0;
        while (*p >= '0' && *p <= '9' && now <= (UINT64_MAX - 9) / 10)
            now = now * 10 + (uint64_t)(*p++ - '0');
        if (p == line || *p != ' ') {
            answer("error: a line is SECONDS TEXT", NULL);
            continue;
        }
        p++;
        tess_clock clock = {now, 0, TESS_DEFAULT_SKEW};
        st = tess_verify(&verifier, p, (size_t)(n - (p - line)), &bundle, &clock, &verdict);
        answer(tess_reason(st), st == TESS_OK ? &verdict.cred.holder : NULL);
    }
    m4_write("door: stack high-water ");
    m4_write_u((uint32_t)m4_stack_used());
    m4_write(" B of ");
    m4_write_u((uint32_t)m4_stack_size());
    m4_write("\n");
    return 0;
}
