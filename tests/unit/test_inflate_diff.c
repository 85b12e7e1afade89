/*
 * test_inflate_diff.c: tess_inflate_small (no zlib) held to tess_inflate
 * (zlib), tess_inflate.h: for every input and cap, the same status, and on
 * TESS_OK the same length and bytes; on an error both lengths are 0.
 *
 * Inputs, all deterministic (a seeded xorshift, not rand()):
 * - zlib's own deflate of data of several kinds and sizes 0..5000, at every
 *   level and strategy and memLevel 1 and 9, at caps around the length;
 * - every truncation and bit flip of small streams, and random edits of
 *   them, each also with its Adler-32 mended so that more of them inflate;
 * - hand-made deflate (the bit writer below) for the corner cases RFC 1951
 *   leaves to the decoder, each with the status zlib gives at TESS_MAX_C
 *   (so that a case that stops testing what it names fails too), at every
 *   cap from 0 to just past its length, and its truncations and bit flips;
 * - every input of up to 2 bytes, every 2-byte header and every 2-byte
 *   deflate body.
 * Each input is copied to a buffer of exactly its length and inflated into
 * one of exactly cap bytes: under ASan, a read or write past either is
 * caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tessera/tess_inflate.h"
#include "testkit.h"

/* ---- the comparison ---- */

static tess_inflate_arena arena;
static size_t n_compared, n_differ;

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02x", p[i]);
    fprintf(stderr, "\n");
}

/* Inflates in[0..n) at cap with both; counts and prints a disagreement.
 * Returns zlib's status. */
static tess_status compare(const uint8_t *in, size_t n, size_t cap, const char *what)
{
    /* malloc(0) is not NULL here (glibc, ASan), and ASan allows it no byte */
    uint8_t *in_copy = malloc(n);
    size_t room = cap <= TESS_INFLATE_WINDOW ? cap : 1;
    uint8_t *want = malloc(room), *got = malloc(room);
    assert_non_null(in_copy);
    assert_non_null(want);
    assert_non_null(got);
    if (n)
        memcpy(in_copy, in, n);
    size_t want_len = 77777, got_len = 88888;
    tess_status want_st = tess_inflate(&arena, in_copy, n, want, cap, &want_len);
    tess_status got_st = tess_inflate_small(in_copy, n, got, cap, &got_len);
    n_compared++;
    bool same = want_st == got_st && want_len == got_len &&
                (want_st != TESS_OK || memcmp(want, got, want_len) == 0);
    if (!same) {
        if (n_differ < 20) {
            fprintf(stderr, "DIFFER %s, cap %zu: zlib %s len %zu, small %s len %zu", what, cap,
                    tess_reason(want_st), want_len, tess_reason(got_st), got_len);
            if (want_st == TESS_OK && got_st == TESS_OK && want_len == got_len)
                fprintf(stderr, " (bytes differ)");
            fprintf(stderr, "\n  input (%zu bytes): ", n);
            print_hex(in, n);
        }
        n_differ++;
    }
    free(in_copy);
    free(want);
    free(got);
    return want_st;
}

/* The caps of part a for an output of len bytes. */
static void compare_caps(const uint8_t *in, size_t n, size_t len, const char *what)
{
    const size_t caps[] = {0, 1, 64, 1024, len, len - 1, TESS_MAX_C};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        if (caps[i] > TESS_MAX_C || (i == 5 && len == 0))
            continue;
        (void)compare(in, n, caps[i], what);
    }
}

static void expect_agreement(const char *part, size_t before_compared, size_t before_differ)
{
    printf("inflate_diff %s: %zu comparisons, %zu disagreements\n", part,
           n_compared - before_compared, n_differ - before_differ);
    assert_int_equal(n_differ - before_differ, 0);
}

/* ---- deterministic data ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Du) >> 32);
}

static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

enum { K_RANDOM, K_TEXT, K_RUNS, K_PATTERN, K_FAR, N_KINDS };

static void make_data(int kind, uint8_t *d, size_t n)
{
    static const char *const words[] = {"door", "badge", "welder", "forklift", "the", "a",
                                        "\"iss\":", "https://academy.example", "of", "2026"};
    size_t i = 0;
    uint8_t pat[16];
    size_t plen = 1 + below(16);
    for (size_t k = 0; k < sizeof pat; k++)
        pat[k] = (uint8_t)rnd();
    while (i < n) {
        switch (kind) {
        case K_RANDOM:
            d[i++] = (uint8_t)rnd();
            break;
        case K_TEXT: {
            const char *w = words[below(10)];
            for (size_t k = 0; w[k] && i < n; k++)
                d[i++] = (uint8_t)w[k];
            if (i < n)
                d[i++] = below(8) ? ' ' : '\n';
            break;
        }
        case K_RUNS: {
            uint8_t b = (uint8_t)rnd();
            for (size_t k = 1 + below(300); k && i < n; k--)
                d[i++] = b;
            break;
        }
        case K_PATTERN:
            /* A short pattern repeated, now and then changed by a byte. */
            d[i] = pat[i % plen];
            if (below(200) == 0)
                d[i] ^= (uint8_t)(1 + below(255));
            i++;
            break;
        default: {
            /* Copies from anywhere behind, up to 5000 back: distances past
             * 4096 as well as short ones. */
            if (i < 8 || below(4)) {
                d[i++] = (uint8_t)rnd();
                break;
            }
            size_t from = i - 1 - below((uint32_t)(i < 5000 ? i : 5000));
            for (size_t k = 3 + below(256); k && i < n; k--)
                d[i++] = d[from++];
            break;
        }
        }
    }
}

/* One zlib stream of d (windowBits 15); its length, 0 on failure. */
static size_t zlib_deflate(const uint8_t *d, size_t n, int level, int mem, int strategy,
                           uint8_t *z, size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, 15, mem, strategy), Z_OK);
    s.next_in = (Bytef *)(uintptr_t)d;
    s.avail_in = (uInt)n;
    s.next_out = z;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, Z_FINISH);
    size_t len = rc == Z_STREAM_END ? (size_t)s.total_out : 0;
    deflateEnd(&s);
    return len;
}

static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};

/* ---- a: zlib's deflate ---- */

static void zlib_streams(void **state)
{
    (void)state;
    static const size_t sizes[] = {0,   1,    2,    3,    4,    7,    16,   63,   255,
                                   256, 258,  259,  300,  1000, 1024, 2047, 3000, 4095,
                                   4096, 4097, 4200, 5000};
    static uint8_t d[5000], z[6000];
    size_t c0 = n_compared, d0 = n_differ;
    for (int level = 0; level <= 9; level++)
        for (size_t si = 0; si < sizeof strategies / sizeof strategies[0]; si++)
            for (int mem = 1; mem <= 9; mem += 8)
                for (int kind = 0; kind < N_KINDS; kind++)
                    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
                        size_t n = sizes[i];
                        make_data(kind, d, n);
                        size_t zl = zlib_deflate(d, n, level, mem, strategies[si], z, sizeof z);
                        assert_true(zl > 0);
                        char what[64];
                        snprintf(what, sizeof what, "level %d strategy %d mem %d kind %d size %zu",
                                 level, strategies[si], mem, kind, n);
                        compare_caps(z, zl, n, what);
                    }
    expect_agreement("zlib's deflate", c0, d0);
}

/* ---- b: truncations, bit flips, random edits ---- */

/* Mends a stream's Adler-32: when zlib reads the deflate data after the
 * 2-byte header to its end, what follows becomes the Adler-32 of the
 * output. Returns the new length, or 0 when zlib does not read it. */
static size_t mend_adler(uint8_t *z, size_t n, size_t cap)
{
    static uint8_t out[70000];
    if (n < 2)
        return 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    s.next_in = z + 2;
    s.avail_in = (uInt)(n - 2);
    s.next_out = out;
    s.avail_out = sizeof out;
    int rc = inflate(&s, Z_FINISH);
    size_t end = 2 + (size_t)s.total_in;
    uLong sum = adler32(adler32(0L, Z_NULL, 0), out, (uInt)s.total_out);
    inflateEnd(&s);
    if (rc != Z_STREAM_END || end + 4 > cap)
        return 0;
    for (int k = 0; k < 4; k++)
        z[end + (size_t)k] = (uint8_t)(sum >> (24 - 8 * k));
    return end + 4;
}

/* The original, and, when it reads further, the same with its Adler-32
 * mended. */
static void compare_both(const uint8_t *z, size_t n, size_t cap, const char *what)
{
    static uint8_t m[1024];
    (void)compare(z, n, cap, what);
    if (n + 8 > sizeof m)
        return;
    memcpy(m, z, n);
    size_t ml = mend_adler(m, n, sizeof m);
    if (ml && (ml != n || memcmp(m, z, n) != 0))
        (void)compare(m, ml, cap, what);
}

static void edits(void **state)
{
    (void)state;
    struct {
        int kind, level, mem, strategy;
        size_t n;
    } const streams[] = {
        {K_TEXT, 6, 8, Z_DEFAULT_STRATEGY, 600},  {K_TEXT, 9, 9, Z_FIXED, 300},
        {K_RANDOM, 9, 9, Z_DEFAULT_STRATEGY, 120}, {K_RUNS, 6, 1, Z_RLE, 900},
        {K_PATTERN, 1, 9, Z_DEFAULT_STRATEGY, 700}, {K_TEXT, 9, 1, Z_HUFFMAN_ONLY, 200},
        {K_RANDOM, 0, 9, Z_DEFAULT_STRATEGY, 150}, {K_FAR, 9, 9, Z_FILTERED, 500},
        {K_FAR, 4, 1, Z_DEFAULT_STRATEGY, 350},
    };
    static uint8_t d[1000], z[1200], m[1200];
    size_t c0 = n_compared, d0 = n_differ;
    for (size_t si = 0; si < sizeof streams / sizeof streams[0]; si++) {
        size_t len = streams[si].n;
        make_data(streams[si].kind, d, len);
        size_t zl = zlib_deflate(d, len, streams[si].level, streams[si].mem,
                                 streams[si].strategy, z, sizeof z);
        assert_true(zl > 0 && zl < 400);
        const size_t caps[] = {TESS_MAX_C, len, len - 1, 16};
        char what[64];
        for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
            size_t cap = caps[ci];
            snprintf(what, sizeof what, "stream %zu truncated", si);
            for (size_t k = 0; k < zl; k++)
                (void)compare(z, k, cap, what);
            snprintf(what, sizeof what, "stream %zu bit flipped", si);
            for (size_t bit = 0; bit < zl * 8; bit++) {
                memcpy(m, z, zl);
                m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                compare_both(m, zl, cap, what);
            }
        }
        /* A few thousand random edits: 1 to 4 changes, inserts or deletes. */
        snprintf(what, sizeof what, "stream %zu edited", si);
        for (int e = 0; e < 3000; e++) {
            size_t ml = zl;
            memcpy(m, z, zl);
            for (uint32_t k = 1 + below(4); k; k--) {
                size_t at = below((uint32_t)ml + 1);
                switch (below(3)) {
                case 0:
                    if (at < ml)
                        m[at] = (uint8_t)rnd();
                    break;
                case 1:
                    memmove(m + at + 1, m + at, ml - at);
                    m[at] = (uint8_t)rnd();
                    ml++;
                    break;
                default:
                    if (at < ml) {
                        memmove(m + at, m + at + 1, ml - at - 1);
                        ml--;
                    }
                    break;
                }
            }
            const size_t ecaps[] = {0, 1, 16, len - 1, len, len + 1, TESS_MAX_C};
            compare_both(m, ml, ecaps[below(7)], what);
        }
    }
    expect_agreement("truncations, bit flips and edits", c0, d0);
}

/* ---- c: hand-made deflate ---- */

/* Bits are written from the least significant of each byte (RFC 1951
 * 3.1.1); Huffman codes from their most significant bit. */
typedef struct {
    uint8_t b[12000];
    size_t nbits;
} bw;

static void bits(bw *w, uint32_t v, unsigned k)
{
    for (unsigned i = 0; i < k; i++, w->nbits++) {
        if (w->nbits % 8 == 0)
            w->b[w->nbits / 8] = 0;
        uint32_t bit = i < 32 ? (v >> i) & 1u : 0; /* k may pass 32: zeros */
        w->b[w->nbits / 8] |= (uint8_t)(bit << (w->nbits % 8));
    }
}

static void huff(bw *w, uint32_t code, unsigned len)
{
    while (len--)
        bits(w, (code >> len) & 1u, 1);
}

static void align(bw *w)
{
    w->nbits = (w->nbits + 7) / 8 * 8;
}

static size_t nbytes(const bw *w)
{
    return (w->nbits + 7) / 8;
}

static void start(bw *w)
{
    w->nbits = 0;
    bits(w, 0x78, 8);
    bits(w, 0x9C, 8);
}

/* Pads to a byte and appends the Adler-32 of what zlib (32 KB window, no
 * cap) inflates from the deflate data, so that the trailer is right
 * whatever the case tests; of what it inflated before failing otherwise. */
static size_t finish(bw *w)
{
    static uint8_t out[70000];
    align(w);
    size_t n = nbytes(w);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    s.next_in = w->b + 2;
    s.avail_in = (uInt)(n - 2);
    s.next_out = out;
    s.avail_out = sizeof out;
    (void)inflate(&s, Z_FINISH);
    uLong sum = adler32(adler32(0L, Z_NULL, 0), out, (uInt)s.total_out);
    inflateEnd(&s);
    bits(w, (uint32_t)(sum >> 24), 8);
    bits(w, (uint32_t)(sum >> 16) & 0xFF, 8);
    bits(w, (uint32_t)(sum >> 8) & 0xFF, 8);
    bits(w, (uint32_t)sum & 0xFF, 8);
    return nbytes(w);
}

static void stored(bw *w, bool final, const uint8_t *p, size_t len, uint32_t nlen_xor)
{
    bits(w, final, 1);
    bits(w, 0, 2);
    align(w);
    bits(w, (uint32_t)len & 0xFFFF, 16);
    bits(w, ((uint32_t)~len & 0xFFFF) ^ nlen_xor, 16);
    for (size_t i = 0; i < len; i++)
        bits(w, p ? p[i] : (uint8_t)(i * 7 + 1), 8);
}

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,   25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513,  769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* A canonical Huffman code (RFC 1951 3.2.2) from its lengths. */
typedef struct {
    uint8_t len[320];
    uint16_t code[320];
} hcode;

static void canon(hcode *h, size_t n)
{
    /* Length by length, each symbol of that length in order, the code
     * counting up and shifted one bit at each longer length. (The usual
     * form, next[len[i]]++ over a table of next codes, came out all zero
     * in the arm64 build under qemu-aarch64 7.2 at -O1 and above, right
     * at -O0, with -fno-ivopts and natively; board/rpi/README.md.) */
    unsigned code = 0;
    for (unsigned len = 1; len < 16; len++) {
        for (size_t i = 0; i < n; i++)
            if (h->len[i] == len)
                h->code[i] = (uint16_t)code++;
        code <<= 1;
    }
}

/* A literal/length symbol: with code h, or the fixed code when h is NULL. */
static void sym(bw *w, const hcode *h, unsigned s)
{
    if (h)
        huff(w, h->code[s], h->len[s]);
    else if (s < 144)
        huff(w, 0x30 + s, 8);
    else if (s < 256)
        huff(w, 0x190 + s - 144, 9);
    else if (s < 280)
        huff(w, s - 256, 7);
    else
        huff(w, 0xC0 + s - 280, 8);
}

static void lits(bw *w, const hcode *h, const char *s)
{
    while (*s)
        sym(w, h, (uint8_t)*s++);
}

/* A match of len (3..258) at distance dist (1..32768); fixed codes where
 * h or hd is NULL. */
static void match(bw *w, const hcode *h, const hcode *hd, unsigned len, unsigned dist)
{
    unsigned i = len == 258 ? 28 : 0;
    while (i < 27 && len_base[i + 1] <= len)
        i++;
    sym(w, h, 257 + i);
    bits(w, len - len_base[i], len_extra[i]);
    unsigned j = 0;
    while (j < 29 && dist_base[j + 1] <= dist)
        j++;
    if (hd)
        huff(w, hd->code[j], hd->len[j]);
    else
        huff(w, j, 5);
    bits(w, dist - dist_base[j], dist_extra[j]);
}

static void fixed_block(bw *w, bool final)
{
    bits(w, final, 1);
    bits(w, 1, 2);
}

/* The default code length code: all 19 symbols, 0..12 of 4 bits and 13..18
 * of 5 (complete). */
static const uint8_t cl_default[19] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5};
static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

/* A code length symbol with its repeat count in the high byte. */
#define CL(s, extra) ((uint16_t)((s) | (extra) << 8))

/* A dynamic block header, field by field: HLIT, HDIST and HCLEN as sent
 * (minus 257, 1 and 4), the code length code's lengths (in symbol order),
 * then the code length symbols seq. */
static void dyn_raw(bw *w, bool final, unsigned hlit, unsigned hdist, unsigned hclen,
                    const uint8_t cl[19], const uint16_t *seq, size_t nseq)
{
    bits(w, final, 1);
    bits(w, 2, 2);
    bits(w, hlit, 5);
    bits(w, hdist, 5);
    bits(w, hclen, 4);
    for (unsigned i = 0; i < hclen + 4; i++)
        bits(w, cl[cl_order[i]], 3);
    hcode c;
    memset(&c, 0, sizeof c);
    memcpy(c.len, cl, 19);
    canon(&c, 19);
    static const unsigned extra[19] = {[16] = 2, [17] = 3, [18] = 7};
    for (size_t i = 0; i < nseq; i++) {
        unsigned s = seq[i] & 0xFF;
        huff(w, c.code[s], c.len[s]);
        bits(w, seq[i] >> 8, extra[s]);
    }
}

/* A dynamic block header for the lengths of hl (nlit of them) and hd
 * (ndist), sent one by one, and the codes built from them. */
static void dyn(bw *w, bool final, hcode *hl, size_t nlit, hcode *hd, size_t ndist)
{
    uint16_t seq[320];
    for (size_t i = 0; i < nlit; i++)
        seq[i] = hl->len[i];
    for (size_t i = 0; i < ndist; i++)
        seq[nlit + i] = hd->len[i];
    dyn_raw(w, final, (unsigned)nlit - 257, (unsigned)ndist - 1, 15, cl_default, seq,
            nlit + ndist);
    canon(hl, nlit);
    canon(hd, ndist);
}

/* A small complete literal/length code: 'a'..'l', 256..259, 4 bits each;
 * and a distance code of symbols 0 and 1 (distances 1 and 2), 1 bit each. */
static void small_codes(hcode *hl, hcode *hd)
{
    memset(hl, 0, sizeof *hl);
    memset(hd, 0, sizeof *hd);
    for (unsigned s = 'a'; s <= 'l'; s++)
        hl->len[s] = 4;
    for (unsigned s = 256; s <= 259; s++)
        hl->len[s] = 4;
    hd->len[0] = hd->len[1] = 1;
}

typedef struct {
    const char *name;
    tess_status want; /* zlib's answer at cap TESS_MAX_C */
    uint8_t z[12000];
    size_t n;
} hand_case;

static size_t n_cases;

/* Compares case c at every cap from 0 to 2 past what zlib inflates (up to
 * TESS_MAX_C), and at the powers of two and TESS_MAX_C + 1. */
static void run_case(const hand_case *c)
{
    tess_status st = compare(c->z, c->n, TESS_MAX_C, c->name);
    if (st != c->want)
        print_error("case %s: zlib says %s, the case wants %s\n", c->name, tess_reason(st),
                    tess_reason(c->want));
    assert_int_equal(st, c->want);
    static uint8_t out[TESS_MAX_C];
    size_t len = 0;
    tess_status full = tess_inflate(&arena, c->z, c->n, out, TESS_MAX_C, &len);
    size_t top = full == TESS_OK ? len + 2 : 300;
    for (size_t cap = 0; cap <= top && cap < TESS_MAX_C; cap++)
        (void)compare(c->z, c->n, cap, c->name);
    for (size_t cap = 512; cap <= TESS_MAX_C + 1; cap *= 2)
        (void)compare(c->z, c->n, cap, c->name);
    (void)compare(c->z, c->n, TESS_MAX_C + 1, c->name);
    /* Its truncations and bit flips, at caps that end the output early,
     * on the last byte, and not at all. */
    if (c->n <= 600) {
        const size_t caps[] = {0, 1, 2, 3, len ? len - 1 : 0, len, TESS_MAX_C};
        static uint8_t m[600];
        for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
            for (size_t k = 0; k < c->n; k++)
                (void)compare(c->z, k, caps[i], c->name);
            if (i < 4)
                continue;
            for (size_t bit = 0; bit < c->n * 8; bit++) {
                memcpy(m, c->z, c->n);
                m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                compare_both(m, c->n, caps[i], c->name);
            }
        }
    }
    n_cases++;
}

static hand_case C;

static void done(bw *w, const char *name, tess_status want)
{
    C.name = name;
    C.want = want;
    C.n = finish(w);
    memcpy(C.z, w->b, C.n);
    run_case(&C);
}

/* The same without the Adler-32: a stream cut short. */
static void done_cut(bw *w, const char *name, tess_status want)
{
    align(w);
    C.name = name;
    C.want = want;
    C.n = nbytes(w);
    memcpy(C.z, w->b, C.n);
    run_case(&C);
}

static void stored_cases(void)
{
    static bw w;
    static const uint8_t hello[] = "Hello, door";
    static uint8_t big[4097];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13 + i / 7);

    start(&w), stored(&w, true, hello, 11, 0), done(&w, "stored", TESS_OK);
    start(&w), stored(&w, true, hello, 11, 1), done(&w, "stored LEN/NLEN mismatch",
                                                    TESS_ERR_BAD_COMPRESSION);
    start(&w), stored(&w, true, hello, 11, 0x8000), done(&w, "stored NLEN high bit",
                                                         TESS_ERR_BAD_COMPRESSION);
    /* LEN 100, 11 bytes there (and the 4 of the trailer). */
    start(&w), bits(&w, 1, 3), align(&w), bits(&w, 100, 16), bits(&w, 0xFFFF ^ 100, 16);
    for (size_t i = 0; i < 11; i++)
        bits(&w, hello[i], 8);
    done(&w, "stored block longer than the input", TESS_ERR_BAD_COMPRESSION);
    start(&w), bits(&w, 1, 3), align(&w), bits(&w, 0xFFFF, 16), bits(&w, 0, 16);
    done(&w, "stored LEN 65535 and no data", TESS_ERR_BAD_COMPRESSION);
    start(&w), bits(&w, 1, 3);
    done(&w, "stored header cut before LEN", TESS_ERR_BAD_COMPRESSION);
    start(&w), stored(&w, true, NULL, 300, 0), done(&w, "stored 300 bytes", TESS_OK);
    start(&w), stored(&w, true, big, 4096, 0), done(&w, "stored 4096 bytes", TESS_OK);
    start(&w), stored(&w, true, big, 4097, 0), done(&w, "stored 4097 bytes",
                                                    TESS_ERR_TOO_LARGE);
    start(&w), stored(&w, false, big, 4096, 0), stored(&w, true, big, 1, 0);
    done(&w, "stored 4096 then 1", TESS_ERR_TOO_LARGE);
    start(&w), stored(&w, false, big, 4096, 0), stored(&w, true, NULL, 0, 0);
    done(&w, "stored 4096 then an empty stored block", TESS_OK);
    start(&w), stored(&w, true, NULL, 0, 0), done(&w, "empty stored final block", TESS_OK);
    start(&w), stored(&w, false, NULL, 0, 0), stored(&w, false, hello, 5, 0);
    stored(&w, true, NULL, 0, 0), done(&w, "empty, 5, empty stored", TESS_OK);
    start(&w), stored(&w, false, NULL, 0, 0), fixed_block(&w, true), lits(&w, NULL, "abc");
    sym(&w, NULL, 256), done(&w, "empty stored, then fixed", TESS_OK);
    /* The bits before LEN are not checked (tess_inflate.h). */
    start(&w), bits(&w, 1, 3), bits(&w, 0x1F, 5), bits(&w, 3, 16), bits(&w, 0xFFFC, 16);
    bits(&w, 'x', 8), bits(&w, 'y', 8), bits(&w, 'z', 8);
    done(&w, "stored with padding bits set before LEN", TESS_OK);
    start(&w), stored(&w, false, hello, 11, 0);
    done(&w, "stored, not final, then the trailer", TESS_ERR_BAD_COMPRESSION);
}

static void fixed_cases(void)
{
    static bw w;
    static uint8_t big[4096];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 29 + i / 11);

    start(&w), fixed_block(&w, true), lits(&w, NULL, "abcdefghijklmnopqrstuvwxyz");
    sym(&w, NULL, 0xE9), sym(&w, NULL, 0), sym(&w, NULL, 255), sym(&w, NULL, 256);
    done(&w, "fixed literals", TESS_OK);
    start(&w), fixed_block(&w, true), sym(&w, NULL, 256), done(&w, "fixed empty", TESS_OK);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "a"), sym(&w, NULL, 286);
    done(&w, "fixed symbol 286", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "a"), sym(&w, NULL, 287);
    done(&w, "fixed symbol 287", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "ab"), sym(&w, NULL, 257), huff(&w, 30, 5);
    sym(&w, NULL, 256), done(&w, "fixed distance code 30", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "ab"), sym(&w, NULL, 257), huff(&w, 31, 5);
    sym(&w, NULL, 256), done(&w, "fixed distance code 31", TESS_ERR_BAD_COMPRESSION);
    start(&w), bits(&w, 1, 1), bits(&w, 3, 2), bits(&w, 0, 16);
    done(&w, "block type 3", TESS_ERR_BAD_COMPRESSION);
    start(&w), bits(&w, 0, 1), bits(&w, 3, 2), bits(&w, 0, 16);
    done(&w, "block type 3, not final", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "x"), match(&w, NULL, NULL, 258, 1);
    sym(&w, NULL, 256), done(&w, "length symbol 285 (258)", TESS_OK);
    /* 284 with extra bits 31 says 227 + 31 = 258: zlib takes it. */
    start(&w), fixed_block(&w, true), lits(&w, NULL, "x"), sym(&w, NULL, 284), bits(&w, 31, 5);
    huff(&w, 0, 5), sym(&w, NULL, 256), done(&w, "length 284 + 31 (258)", TESS_OK);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "x"), sym(&w, NULL, 284), bits(&w, 30, 5);
    huff(&w, 0, 5), sym(&w, NULL, 256), done(&w, "length 284 + 30 (257)", TESS_OK);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "a"), match(&w, NULL, NULL, 3, 2);
    sym(&w, NULL, 256), done(&w, "distance one byte too far back", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), match(&w, NULL, NULL, 3, 1), sym(&w, NULL, 256);
    done(&w, "a match before any output", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "ab"), match(&w, NULL, NULL, 3, 2);
    sym(&w, NULL, 256), done(&w, "distance exactly as far back", TESS_OK);
    start(&w), stored(&w, false, big, 1000, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 10, 1000), sym(&w, NULL, 256);
    done(&w, "distance 1000 after 1000 bytes", TESS_OK);
    start(&w), stored(&w, false, big, 1000, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 10, 1001), sym(&w, NULL, 256);
    done(&w, "distance 1001 after 1000 bytes", TESS_ERR_BAD_COMPRESSION);
    /* At the window: a match at output 4096 = cap is too large if it
     * reaches back no further than the output, broken if it does. */
    start(&w), stored(&w, false, big, 4090, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 6, 4090), match(&w, NULL, NULL, 3, 4096), sym(&w, NULL, 256);
    done(&w, "at 4096, distance 4096", TESS_ERR_TOO_LARGE);
    start(&w), stored(&w, false, big, 4090, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 6, 4090), match(&w, NULL, NULL, 3, 4097), sym(&w, NULL, 256);
    done(&w, "at 4096, distance 4097", TESS_ERR_BAD_COMPRESSION);
    start(&w), stored(&w, false, big, 4000, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 96, 4000), sym(&w, NULL, 256);
    done(&w, "ends at 4096 with distance 4000", TESS_OK);
    start(&w), stored(&w, false, big, 4000, 0), fixed_block(&w, true);
    match(&w, NULL, NULL, 100, 4000), sym(&w, NULL, 256);
    done(&w, "a match running past 4096", TESS_ERR_TOO_LARGE);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "ab"), match(&w, NULL, NULL, 258, 2);
    match(&w, NULL, NULL, 258, 1), match(&w, NULL, NULL, 100, 300), sym(&w, NULL, 256);
    done(&w, "overlapping matches", TESS_OK);
    /* Output ending exactly at cap (every cap is tried), then: */
    start(&w), fixed_block(&w, false), lits(&w, NULL, "hello"), sym(&w, NULL, 256);
    fixed_block(&w, true), sym(&w, NULL, 256);
    done(&w, "5 bytes, then an empty fixed block", TESS_OK);
    start(&w), fixed_block(&w, false), lits(&w, NULL, "hello"), sym(&w, NULL, 256);
    stored(&w, true, NULL, 0, 0), done(&w, "5 bytes, then an empty stored block", TESS_OK);
    start(&w), fixed_block(&w, false), lits(&w, NULL, "hello"), sym(&w, NULL, 256);
    fixed_block(&w, true), sym(&w, NULL, 286);
    done(&w, "5 bytes, then symbol 286", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "hello"), sym(&w, NULL, 287);
    done(&w, "5 bytes, then 287 in the same block", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "hello"), match(&w, NULL, NULL, 3, 6);
    done(&w, "5 bytes, then distance 6", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "hello"), sym(&w, NULL, 257), huff(&w, 30, 5);
    done(&w, "5 bytes, then distance code 30", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, true), lits(&w, NULL, "hello");
    done(&w, "5 bytes and no end of block", TESS_ERR_BAD_COMPRESSION);
    start(&w), fixed_block(&w, false), lits(&w, NULL, "hello"), sym(&w, NULL, 256);
    done(&w, "no final block", TESS_ERR_BAD_COMPRESSION);
}

static void dynamic_cases(void)
{
    static bw w;
    static hcode hl, hd;
    uint16_t seq[400];

    small_codes(&hl, &hd);
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abcabc");
    match(&w, &hl, &hd, 5, 2), match(&w, &hl, &hd, 5, 1), sym(&w, &hl, 256);
    done(&w, "dynamic", TESS_OK);
    small_codes(&hl, &hd);
    start(&w), dyn(&w, true, &hl, 286, &hd, 30), lits(&w, &hl, "abc"), match(&w, &hl, &hd, 4, 2);
    sym(&w, &hl, 256), done(&w, "dynamic HLIT 286, HDIST 30", TESS_OK);
    for (unsigned f = 30; f <= 31; f++) {
        small_codes(&hl, &hd);
        start(&w), dyn(&w, true, &hl, 257 + f, &hd, 2), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
        done(&w, f == 30 ? "HLIT 287" : "HLIT 288", TESS_ERR_BAD_COMPRESSION);
        small_codes(&hl, &hd);
        start(&w), dyn(&w, true, &hl, 260, &hd, 1 + f), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
        done(&w, f == 30 ? "HDIST 31" : "HDIST 32", TESS_ERR_BAD_COMPRESSION);
    }

    /* The code length code. */
    small_codes(&hl, &hd);
    for (size_t i = 0; i < 262; i++)
        seq[i] = i < 260 ? hl.len[i] : hd.len[i - 260];
    static const uint8_t cl_over[19] = {[0] = 1, [1] = 1, [4] = 1};
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_over, seq, 262);
    done(&w, "over-subscribed code length code", TESS_ERR_BAD_COMPRESSION);
    static const uint8_t cl_incomplete[19] = {[0] = 2, [1] = 2, [4] = 2};
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_incomplete, seq, 262);
    done(&w, "incomplete code length code", TESS_ERR_BAD_COMPRESSION);
    static const uint8_t cl_one[19] = {[0] = 1};
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_one, seq, 0), bits(&w, 0, 262);
    done(&w, "code length code of one symbol", TESS_ERR_BAD_COMPRESSION);
    static const uint8_t cl_none[19] = {0};
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_none, seq, 0), bits(&w, 0, 262);
    done(&w, "code length code all zero", TESS_ERR_BAD_COMPRESSION);
    /* HCLEN 4: only 16, 17, 18 and 0 sent; 2 bits each is complete. */
    static const uint8_t cl_four[19] = {[0] = 2, [16] = 2, [17] = 2, [18] = 2};
    start(&w), dyn_raw(&w, true, 0, 0, 0, cl_four, seq, 0), bits(&w, 0, 16);
    done(&w, "HCLEN 4, every length zero", TESS_ERR_BAD_COMPRESSION);

    /* Repeats. */
    small_codes(&hl, &hd);
    size_t k = 0;
    seq[k++] = CL(16, 0);
    for (size_t i = 3; i < 262; i++)
        seq[k++] = i < 260 ? hl.len[i] : hd.len[i - 260];
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_default, seq, k);
    done(&w, "repeat 16 with no previous length", TESS_ERR_BAD_COMPRESSION);
    /* 'a'..'l' (97..108) of 4 bits, 256..259 of 4, then the 2 distances
     * of 1: 97 zeros, 4 and a repeat of 11, 147 zeros, 4 and a repeat of 3,
     * 1 and 1. */
    k = 0;
    seq[k++] = CL(18, 97 - 11);
    seq[k++] = 4, seq[k++] = CL(16, 3), seq[k++] = CL(16, 2);
    seq[k++] = CL(18, 138 - 11), seq[k++] = CL(17, 9 - 3);
    seq[k++] = 4, seq[k++] = CL(16, 0), seq[k++] = 1, seq[k++] = 1;
    start(&w), dyn_raw(&w, true, 3, 1, 15, cl_default, seq, k), canon(&hl, 260), canon(&hd, 2);
    lits(&w, &hl, "lab"), match(&w, &hl, &hd, 3, 1), sym(&w, &hl, 256);
    done(&w, "repeats 16, 17 and 18", TESS_OK);
    /* 'a' and 256..258 of 2 bits: 97 zeros, 2, 158 zeros, 2, 2, 2; then
     * the distances. */
    memset(&hl, 0, sizeof hl), memset(&hd, 0, sizeof hd);
    hl.len['a'] = 2, hl.len[256] = 2, hl.len[257] = 2, hl.len[258] = 2;
    hd.len[0] = 1, hd.len[1] = 1;
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = 2, seq[k++] = 2;
    seq[k++] = 1, seq[k++] = 1;
    start(&w), dyn_raw(&w, true, 2, 1, 15, cl_default, seq, k), canon(&hl, 259), canon(&hd, 2);
    lits(&w, &hl, "aa"), match(&w, &hl, &hd, 4, 2), sym(&w, &hl, 256);
    done(&w, "literal/length code of 4 symbols of 2 bits", TESS_OK);
    /* The lengths are one sequence (RFC 1951 3.2.7): 256's 2 repeated 6
     * times, for 257, 258 and distances 0..3. */
    for (int i = 0; i < 4; i++)
        hd.len[i] = 2;
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = CL(16, 0), seq[k++] = CL(16, 0);
    start(&w), dyn_raw(&w, true, 2, 3, 15, cl_default, seq, k), canon(&hl, 259), canon(&hd, 4);
    lits(&w, &hl, "aaaa"), match(&w, &hl, &hd, 3, 4), sym(&w, &hl, 256);
    done(&w, "a repeat across HLIT", TESS_OK);
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = CL(16, 0);
    seq[k++] = CL(16, 1) /* 7: one too many */;
    start(&w), dyn_raw(&w, true, 2, 3, 15, cl_default, seq, k);
    done(&w, "repeat 16 past HLIT + HDIST", TESS_ERR_BAD_COMPRESSION);
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = 2, seq[k++] = 2, seq[k++] = 2;
    seq[k++] = CL(17, 4 - 3) /* 4 zeros for 3 distances */;
    start(&w), dyn_raw(&w, true, 2, 2, 15, cl_default, seq, k);
    done(&w, "repeat 17 past HLIT + HDIST", TESS_ERR_BAD_COMPRESSION);
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = 2, seq[k++] = 2;
    seq[k++] = CL(18, 0) /* 11 zeros for 1 distance */;
    start(&w), dyn_raw(&w, true, 2, 0, 15, cl_default, seq, k);
    done(&w, "repeat 18 past HLIT + HDIST", TESS_ERR_BAD_COMPRESSION);
    k = 0;
    seq[k++] = CL(18, 97 - 11), seq[k++] = 2, seq[k++] = CL(18, 138 - 11);
    seq[k++] = CL(18, 20 - 11), seq[k++] = 2, seq[k++] = 2, seq[k++] = 2;
    seq[k++] = CL(17, 0) /* 3 zeros for 3 distances */;
    start(&w), dyn_raw(&w, true, 2, 2, 15, cl_default, seq, k), canon(&hl, 259);
    lits(&w, &hl, "aaa"), sym(&w, &hl, 256);
    done(&w, "repeat 17 to exactly HLIT + HDIST", TESS_OK);

    /* The literal/length code. */
    memset(&hl, 0, sizeof hl), memset(&hd, 0, sizeof hd);
    for (unsigned s = 'a'; s < 'a' + 16; s++)
        hl.len[s] = 4;
    hd.len[0] = 1;
    start(&w), dyn(&w, true, &hl, 257, &hd, 1), lits(&w, &hl, "abc");
    done(&w, "no end-of-block symbol", TESS_ERR_BAD_COMPRESSION);
    small_codes(&hl, &hd);
    hl.len['m'] = 4;
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "over-subscribed literal/length code", TESS_ERR_BAD_COMPRESSION);
    small_codes(&hl, &hd);
    hl.len['l'] = 0;
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "incomplete literal/length code", TESS_ERR_BAD_COMPRESSION);
    memset(&hl, 0, sizeof hl), memset(&hd, 0, sizeof hd);
    hl.len[256] = 1, hd.len[0] = 1;
    start(&w), dyn(&w, true, &hl, 257, &hd, 1), sym(&w, &hl, 256);
    done(&w, "literal/length code of only 256, 1 bit", TESS_OK);
    start(&w), dyn(&w, true, &hl, 257, &hd, 1), bits(&w, 1, 1);
    done(&w, "only 256, its missing code used", TESS_ERR_BAD_COMPRESSION);
    hl.len[256] = 2;
    start(&w), dyn(&w, true, &hl, 257, &hd, 1), sym(&w, &hl, 256);
    done(&w, "literal/length code of only 256, 2 bits", TESS_ERR_BAD_COMPRESSION);
    memset(&hl, 0, sizeof hl);
    hl.len['a'] = 1, hl.len[256] = 1;
    start(&w), dyn(&w, true, &hl, 257, &hd, 1), lits(&w, &hl, "aaa"), sym(&w, &hl, 256);
    done(&w, "literal/length code of 'a' and 256", TESS_OK);
    /* Codes of 1 to 15 bits: longer than a first table level. */
    memset(&hl, 0, sizeof hl), memset(&hd, 0, sizeof hd);
    for (unsigned b = 1; b <= 14; b++)
        hl.len['a' + b - 1] = (uint8_t)b;
    hl.len[256] = 15, hl.len[257] = 15, hd.len[0] = 1, hd.len[1] = 1;
    start(&w), dyn(&w, true, &hl, 258, &hd, 2), lits(&w, &hl, "nmlkjihgfedcba");
    match(&w, &hl, &hd, 3, 2), lits(&w, &hl, "na"), sym(&w, &hl, 256);
    done(&w, "codes of 1 to 15 bits", TESS_OK);

    /* The distance code. */
    small_codes(&hl, &hd);
    hd.len[1] = 0;
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abc"), match(&w, &hl, &hd, 4, 1);
    sym(&w, &hl, 256), done(&w, "one distance code of 1 bit, used", TESS_OK);
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abc"), sym(&w, &hl, 257);
    bits(&w, 1, 1), sym(&w, &hl, 256);
    done(&w, "one distance code of 1 bit, the missing one used", TESS_ERR_BAD_COMPRESSION);
    /* zlib knows a code is missing after its first bit: with 'c' past a cap
     * of 2 and the input ending a few bits on, broken, not too large. */
    start(&w), dyn(&w, true, &hl, 260, &hd, 2), lits(&w, &hl, "abc"), sym(&w, &hl, 257);
    bits(&w, 1, 1);
    done_cut(&w, "the missing distance code, then the input ends", TESS_ERR_BAD_COMPRESSION);
    memset(&hd, 0, sizeof hd);
    hd.len[5] = 1;
    start(&w), dyn(&w, true, &hl, 260, &hd, 6), lits(&w, &hl, "abcdefghijkl");
    match(&w, &hl, &hd, 5, 8), sym(&w, &hl, 256);
    done(&w, "only distance symbol 5, 1 bit", TESS_OK);
    memset(&hd, 0, sizeof hd);
    hd.len[0] = 2;
    start(&w), dyn(&w, true, &hl, 260, &hd, 1), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "one distance code of 2 bits", TESS_ERR_BAD_COMPRESSION);
    memset(&hd, 0, sizeof hd);
    hd.len[0] = 1, hd.len[1] = 1, hd.len[2] = 1;
    start(&w), dyn(&w, true, &hl, 260, &hd, 3), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "over-subscribed distance code", TESS_ERR_BAD_COMPRESSION);
    memset(&hd, 0, sizeof hd);
    start(&w), dyn(&w, true, &hl, 260, &hd, 1), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "no distance codes, none used", TESS_OK);
    start(&w), dyn(&w, true, &hl, 260, &hd, 30), lits(&w, &hl, "abc"), sym(&w, &hl, 256);
    done(&w, "30 distance lengths of 0, none used", TESS_OK);
    start(&w), dyn(&w, true, &hl, 260, &hd, 1), lits(&w, &hl, "abc"), sym(&w, &hl, 257);
    bits(&w, 0, 1), sym(&w, &hl, 256);
    done(&w, "no distance codes, one used", TESS_ERR_BAD_COMPRESSION);
    start(&w), dyn(&w, true, &hl, 260, &hd, 1), lits(&w, &hl, "abc"), sym(&w, &hl, 257);
    bits(&w, 0, 1);
    done_cut(&w, "no distance codes, one used, then the input ends", TESS_ERR_BAD_COMPRESSION);
}

static void trailer_cases(void)
{
    static bw w;
    /* 3 + 8 + 7 bits: 6 bits of padding. */
    start(&w), fixed_block(&w, true), lits(&w, NULL, "a"), sym(&w, NULL, 256);
    done(&w, "padding zero", TESS_OK);
    for (unsigned b = 0; b < 6; b++) {
        start(&w), fixed_block(&w, true), lits(&w, NULL, "a"), sym(&w, NULL, 256);
        bits(&w, 1u << b, 6), done(&w, "a padding bit set", TESS_ERR_BAD_COMPRESSION);
    }
    /* A final block ending on a byte boundary (3 + 6 * 9 + 7 bits): no
     * padding. */
    start(&w), fixed_block(&w, true);
    for (int i = 0; i < 6; i++)
        sym(&w, NULL, 0xE9);
    sym(&w, NULL, 256), done(&w, "no padding", TESS_OK);

    start(&w), fixed_block(&w, true), lits(&w, NULL, "trailer"), sym(&w, NULL, 256);
    size_t n = finish(&w);
    const char *name = "trailer";
    C.want = TESS_ERR_BAD_COMPRESSION;
    for (int t = 0; t < 6; t++) {
        memcpy(C.z, w.b, n);
        C.n = n;
        switch (t) {
        case 0:
            C.n = n - 1, name = "3-byte trailer";
            break;
        case 1:
            C.z[n] = 0, C.n = n + 1, name = "5-byte trailer";
            break;
        case 2:
            C.z[n - 1] ^= 1, name = "Adler-32 wrong in its last bit";
            break;
        case 3:
            C.z[n - 4] ^= 0x80, name = "Adler-32 wrong in its first bit";
            break;
        case 4:
            C.n = n - 4, name = "no trailer";
            break;
        default:
            memmove(C.z + n - 3, C.z + n - 4, 4), C.z[n - 4] = 0, C.n = n + 1;
            name = "a zero byte before the trailer";
            break;
        }
        C.name = name;
        run_case(&C);
    }
}

static void header_cases(void)
{
    static bw w;
    start(&w), fixed_block(&w, true), lits(&w, NULL, "header"), sym(&w, NULL, 256);
    size_t n = finish(&w);
    static const struct {
        uint8_t b0, b1;
        tess_status want;
        const char *name;
    } heads[] = {
        {0x78, 0x9C, TESS_OK, "78 9c"},
        {0x78, 0x01, TESS_OK, "78 01"},
        {0x78, 0xDA, TESS_OK, "78 da"},
        {0x08, 0x1D, TESS_OK, "window 256 (CINFO 0)"},
        {0x78, 0xBB, TESS_ERR_BAD_COMPRESSION, "preset dictionary"},
        {0x78, 0x9D, TESS_ERR_BAD_COMPRESSION, "bad FCHECK"},
        {0x77, 0x85, TESS_ERR_BAD_COMPRESSION, "method 7"},
        {0x88, 0x98, TESS_ERR_BAD_COMPRESSION, "window 8 (CINFO 8)"},
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        memcpy(C.z, w.b, n);
        C.z[0] = heads[i].b0, C.z[1] = heads[i].b1;
        C.n = n, C.name = heads[i].name, C.want = heads[i].want;
        run_case(&C);
    }
}

static void hand_made(void **state)
{
    (void)state;
    size_t c0 = n_compared, d0 = n_differ;
    n_cases = 0;
    stored_cases();
    fixed_cases();
    dynamic_cases();
    trailer_cases();
    header_cases();
    printf("inflate_diff hand-made: %zu cases\n", n_cases);
    expect_agreement("hand-made streams", c0, d0);
}

/* ---- small inputs, exhaustively ---- */

static void exhaustive(void **state)
{
    (void)state;
    size_t c0 = n_compared, d0 = n_differ;
    uint8_t in[8] = {0};
    (void)compare(in, 0, TESS_MAX_C, "empty");
    for (unsigned v = 0; v < 256; v++) {
        in[0] = (uint8_t)v;
        (void)compare(in, 1, TESS_MAX_C, "1 byte");
    }
    for (unsigned v = 0; v < 65536; v++) {
        in[0] = (uint8_t)(v >> 8), in[1] = (uint8_t)v;
        (void)compare(in, 2, TESS_MAX_C, "2 bytes");
    }
    /* Every header before "fixed block 'a'", and every 2-byte body after
     * 78 9c, with the Adler-32 of "a" or of nothing. */
    static const uint8_t body[] = {0x4B, 0x04, 0x00, 0x00, 0x62, 0x00, 0x62};
    for (unsigned v = 0; v < 65536; v++) {
        uint8_t h[9];
        h[0] = (uint8_t)(v >> 8), h[1] = (uint8_t)v;
        memcpy(h + 2, body, sizeof body);
        (void)compare(h, sizeof h, TESS_MAX_C, "header");
        uint8_t b[8] = {0x78, 0x9C, (uint8_t)(v >> 8), (uint8_t)v, 0, 0, 0, 1};
        (void)compare(b, 8, TESS_MAX_C, "2-byte body");
        (void)compare(b, 8, 0, "2-byte body");
        const uint8_t a[8] = {0x78, 0x9C, (uint8_t)v, (uint8_t)(v >> 8), 0, 0x62, 0, 0x62};
        (void)compare(a, 8, 1, "2-byte body, Adler of 'a'");
    }
    expect_agreement("small inputs", c0, d0);
}

/* Caps out of range: TESS_ERR_ARG above the window; zlib's seam says
 * TESS_ERR_TOO_LARGE for a cap that does not fit 32 bits. */
static void caps(void **state)
{
    (void)state;
    size_t c0 = n_compared, d0 = n_differ;
    static const uint8_t z[] = {0x78, 0x9C, 0x4B, 0x04, 0x00, 0x00, 0x62, 0x00, 0x62};
    (void)compare(z, sizeof z, TESS_INFLATE_WINDOW, "cap the window");
    assert_int_equal(compare(z, sizeof z, TESS_INFLATE_WINDOW + 1, "cap past the window"),
                     TESS_ERR_ARG);
    (void)compare(z, 1, TESS_INFLATE_WINDOW + 1, "cap past the window, broken stream");
    (void)compare(z, sizeof z, (size_t)UINT32_MAX, "cap UINT32_MAX");
#if SIZE_MAX > UINT32_MAX
    (void)compare(z, sizeof z, (size_t)UINT32_MAX + 1, "cap 2^32");
#endif
    (void)compare(z, sizeof z, SIZE_MAX, "cap SIZE_MAX");
    expect_agreement("caps", c0, d0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_made), cmocka_unit_test(exhaustive), cmocka_unit_test(caps),
        cmocka_unit_test(edits),     cmocka_unit_test(zlib_streams),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("inflate_diff: %zu comparisons in all, %zu disagreements\n", n_compared, n_differ);
    return failed;
}
