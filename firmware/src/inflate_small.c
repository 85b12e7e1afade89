/*
 * inflate_small.c: tess_inflate's contract (tess_inflate.h) without zlib,
 * for the door reader (board/cortex-m), written from RFC 1950 and 1951.
 *
 * Why a second inflate: zlib's inflate state is 7,120 bytes on a 32-bit
 * target. Beside FORMAT.md's limits (a 4,296-character text, C up to
 * 4,096 bytes) and libsodium's 3 KB of stack for Ed25519, it leaves a
 * verification no way into 16 KiB of RAM. This one keeps no state between
 * calls and no window (the output is the window: a distance may reach only
 * what was already inflated, which is what zlib checks too); its tables
 * live on the stack, about 1.2 KB, only while a block is read.
 *
 * It answers as the zlib seam does for every input: the same status, the
 * same bytes. tests/unit/test_inflate_diff.c and the fuzz_inflate_diff
 * harness hold it to that. Where zlib's rules are its own rather than the
 * RFC's, they are followed and said below (incomplete codes, the zeroed
 * distance code, the order in which a broken and a too-long stream are
 * told apart).
 *
 * Speed is not its point: codes are read a bit at a time (a credential's
 * few hundred bytes take well under a millisecond on a Cortex-M4).
 */
#include "tessera/tess_inflate.h"

#include <string.h>

#define MAX_BITS 15u  /* the longest Huffman code */
#define N_LITLEN 288u /* literal/length symbols, 286 and 287 never valid */
#define N_DIST 32u    /* distance symbols, 30 and 31 never valid */
#define N_CLEN 19u    /* code length symbols */

typedef struct {
    const uint8_t *in;
    size_t n, pos;   /* the input and the next byte to read */
    uint32_t bits;   /* bits read but not used, the next in bit 0 */
    unsigned nbits;  /* how many; under 8 between symbols */
    uint8_t *out;
    size_t cap, len; /* room and what was written */
    bool probe;      /* a byte past cap was inflated (and dropped) */
} bitstream;

/* A canonical Huffman code: how many codes of each length, and the
 * symbols in code order. */
typedef struct {
    uint16_t count[MAX_BITS + 1];
    uint16_t symbol[N_LITLEN];
    unsigned n; /* symbols with a code */
} huffman;

/* Makes sure k (<= 24) bits are at hand; false when the input ends first.
 * Bytes are taken only as needed, so that what is left after the final
 * block is exactly its padding bits. */
static bool need(bitstream *s, unsigned k)
{
    while (s->nbits < k) {
        if (s->pos == s->n)
            return false;
        s->bits |= (uint32_t)s->in[s->pos++] << s->nbits;
        s->nbits += 8;
    }
    return true;
}

static uint32_t take(bitstream *s, unsigned k)
{
    uint32_t v = s->bits & ((1u << k) - 1u);
    s->bits >>= k;
    s->nbits -= k;
    return v;
}

/* Reads k bits into *v; false when the input ends first. */
static bool read_bits(bitstream *s, unsigned k, uint32_t *v)
{
    if (!need(s, k))
        return false;
    *v = take(s, k);
    return true;
}

/*
 * Builds h from the code lengths of n symbols. zlib's rules, which are
 * stricter than "a prefix code": an over-subscribed set is refused; an
 * incomplete one is refused but for a single code of one bit (allowed for
 * the literal/length and distance codes, never for the code length code:
 * strict_complete); a set of zero lengths gives a code with no symbols,
 * which fails only when it is used. Returns false on a refused set.
 */
static bool build(huffman *h, const uint8_t *lengths, unsigned n, bool strict_complete)
{
    memset(h->count, 0, sizeof h->count);
    unsigned max = 0;
    for (unsigned i = 0; i < n; i++) {
        h->count[lengths[i]]++;
        if (lengths[i] > max)
            max = lengths[i];
    }
    h->n = n - h->count[0];
    h->count[0] = 0;
    if (max == 0)
        return !strict_complete;
    int left = 1;
    for (unsigned len = 1; len <= MAX_BITS; len++) {
        left = 2 * left - (int)h->count[len];
        if (left < 0)
            return false;
    }
    if (left > 0 && (strict_complete || max != 1))
        return false;
    uint16_t next[MAX_BITS + 1];
    next[1] = 0;
    for (unsigned len = 1; len < MAX_BITS; len++)
        next[len + 1] = (uint16_t)(next[len] + h->count[len]);
    for (unsigned i = 0; i < n; i++)
        if (lengths[i])
            h->symbol[next[lengths[i]]++] = (uint16_t)i;
    return true;
}

/* The next symbol of code h: 0 and up, -1 for a code h does not have
 * (an incomplete or empty code), -2 when the input ends first. A code
 * that is not there is known as soon as every symbol's code is passed, as
 * zlib knows it (after one bit for an empty or one-symbol code): reading
 * on could meet the input's end and say "cut short" instead. */
static int decode(bitstream *s, const huffman *h)
{
    unsigned code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= MAX_BITS; len++) {
        if (!need(s, 1))
            return -2;
        code |= take(s, 1);
        unsigned count = h->count[len];
        if (code - first < count)
            return h->symbol[index + (code - first)];
        index += count;
        if (index == h->n)
            return -1;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

/* RFC 1951 3.2.5: lengths 3..258 and distances 1..32768. */
static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145,  8193,  12289, 16385,
                                       24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/*
 * When a stream is too large, and when it is broken: zlib's seam (and so
 * this) tells them apart as zlib does with an output of cap bytes and then
 * one more, the probe (zlib_seam.c). Once cap bytes are out, inflating
 * goes on: the next byte goes into the probe, and the stream is read on
 * until a second byte wants out, the block ends, or the input does, each
 * of which is too large; a broken code met before then is broken. The
 * probe's byte is kept nowhere: nothing can copy from it, since the next
 * byte out ends the inflating.
 */
static tess_status broken(void)
{
    return TESS_ERR_BAD_COMPRESSION;
}

/* The input ended: broken, or too large once the probe was reached. */
static tess_status cut_short(const bitstream *s)
{
    return s->probe ? TESS_ERR_TOO_LARGE : TESS_ERR_BAD_COMPRESSION;
}

/* A decode() result below 0 as a status. */
static tess_status bad_symbol(const bitstream *s, int sym)
{
    return sym == -2 ? cut_short(s) : broken();
}

/* One byte out, into the probe past cap; too large after that. */
static tess_status put(bitstream *s, uint8_t b)
{
    if (s->len < s->cap) {
        s->out[s->len++] = b;
        return TESS_OK;
    }
    if (s->probe)
        return TESS_ERR_TOO_LARGE;
    s->probe = true;
    return TESS_OK;
}

/* The symbols of one Huffman block, to its end-of-block. Checks in zlib's
 * order: a length's symbol and bits, the distance's symbol and bits, the
 * distance against what was inflated, and only then the room for it (so a
 * match both too far back and too long is broken, not too large). */
static tess_status codes(bitstream *s, const huffman *lit, const huffman *dist)
{
    for (;;) {
        int sym = decode(s, lit);
        if (sym < 0)
            return bad_symbol(s, sym);
        if (sym < 256) {
            tess_status st = put(s, (uint8_t)sym);
            if (st != TESS_OK)
                return st;
            continue;
        }
        if (sym == 256)
            return TESS_OK;
        sym -= 257;
        if (sym >= 29)
            return broken(); /* 286, 287: only a fixed block can say them */
        uint32_t extra;
        if (!read_bits(s, len_extra[sym], &extra))
            return cut_short(s);
        size_t length = len_base[sym] + extra;
        int dsym = decode(s, dist);
        if (dsym < 0)
            return bad_symbol(s, dsym);
        if (dsym >= 30)
            return broken(); /* 30, 31: only a fixed block can say them */
        if (!read_bits(s, dist_extra[dsym], &extra))
            return cut_short(s);
        /* zlib looks at the distance only when a byte of the match can go
         * out: past the probe, the match is too large whatever it says */
        if (s->probe)
            return TESS_ERR_TOO_LARGE;
        size_t distance = dist_base[dsym] + extra;
        if (distance > s->len)
            return broken(); /* before the first byte: "too far back" */
        for (size_t i = 0; i < length; i++) {
            tess_status st = put(s, s->out[s->len - distance]);
            if (st != TESS_OK)
                return st;
        }
    }
}

/* A stored block: LEN and its complement, then LEN bytes. Byte by byte,
 * the input's end is looked at before the output's room (zlib's order). */
static tess_status stored(bitstream *s)
{
    take(s, s->nbits); /* to the byte boundary; these bits mean nothing */
    if (s->n - s->pos < 4)
        return broken();
    const uint8_t *p = s->in + s->pos;
    unsigned len = (unsigned)p[0] | (unsigned)p[1] << 8;
    unsigned nlen = (unsigned)p[2] | (unsigned)p[3] << 8;
    s->pos += 4;
    if (len != (~nlen & 0xFFFFu))
        return broken();
    for (unsigned i = 0; i < len; i++) {
        if (s->pos == s->n)
            return cut_short(s);
        tess_status st = put(s, s->in[s->pos]);
        if (st != TESS_OK)
            return st;
        s->pos++;
    }
    return TESS_OK;
}

static tess_status fixed(bitstream *s)
{
    uint8_t lengths[N_LITLEN];
    huffman lit, dist;
    memset(lengths, 8, 144);
    memset(lengths + 144, 9, 112);
    memset(lengths + 256, 7, 24);
    memset(lengths + 280, 8, 8);
    (void)build(&lit, lengths, N_LITLEN, false);
    memset(lengths, 5, N_DIST);
    (void)build(&dist, lengths, N_DIST, false);
    return codes(s, &lit, &dist);
}

/* The code lengths of a dynamic block (RFC 1951 3.2.7), into lengths:
 * HLIT literal/length ones, then HDIST distance ones. */
static tess_status dynamic_lengths(bitstream *s, uint8_t *lengths, unsigned *nlen,
                                   unsigned *ndist)
{
    static const uint8_t order[N_CLEN] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};
    uint32_t hlit, hdist, hclen;
    if (!read_bits(s, 5, &hlit) || !read_bits(s, 5, &hdist) || !read_bits(s, 4, &hclen))
        return broken();
    *nlen = hlit + 257;
    *ndist = hdist + 1;
    if (*nlen > 286 || *ndist > 30)
        return broken();
    uint8_t clen[N_CLEN] = {0};
    for (unsigned i = 0; i < hclen + 4; i++) {
        uint32_t v;
        if (!read_bits(s, 3, &v))
            return broken();
        clen[order[i]] = (uint8_t)v;
    }
    huffman cl;
    if (!build(&cl, clen, N_CLEN, true))
        return broken();
    unsigned total = *nlen + *ndist, have = 0;
    while (have < total) {
        int sym = decode(s, &cl);
        if (sym < 0)
            return broken();
        if (sym < 16) {
            lengths[have++] = (uint8_t)sym;
            continue;
        }
        uint8_t value = 0;
        uint32_t repeat;
        bool ok;
        if (sym == 16) {
            if (have == 0)
                return broken(); /* nothing to repeat */
            value = lengths[have - 1];
            ok = read_bits(s, 2, &repeat);
            repeat += 3;
        } else if (sym == 17) {
            ok = read_bits(s, 3, &repeat);
            repeat += 3;
        } else {
            ok = read_bits(s, 7, &repeat);
            repeat += 11;
        }
        if (!ok || have + repeat > total)
            return broken();
        memset(lengths + have, value, repeat);
        have += repeat;
    }
    return lengths[256] != 0 ? TESS_OK : broken(); /* a block must be able to end */
}

static tess_status dynamic(bitstream *s)
{
    uint8_t lengths[286 + 30];
    unsigned nlen, ndist;
    tess_status st = dynamic_lengths(s, lengths, &nlen, &ndist);
    if (st != TESS_OK)
        return st;
    huffman lit, dist;
    if (!build(&lit, lengths, nlen, false) || !build(&dist, lengths + nlen, ndist, false))
        return broken();
    return codes(s, &lit, &dist);
}

static uint32_t adler32_of(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return b << 16 | a;
}

tess_status tess_inflate_small(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                               size_t *out_len)
{
    *out_len = 0;
    tess_status st = tess_inflate_start(in, n, cap);
    if (st != TESS_OK)
        return st;
    bitstream s = {in, n, 2, 0, 0, out, cap, 0, false};
    uint32_t last, type;
    do {
        if (!read_bits(&s, 1, &last) || !read_bits(&s, 2, &type))
            return broken();
        st = type == 0   ? stored(&s)
                         : type == 1 ? fixed(&s)
                         : type == 2 ? dynamic(&s)
                                     : broken();
        if (st != TESS_OK)
            return st;
        if (s.probe)
            return TESS_ERR_TOO_LARGE; /* a block ended past cap */
    } while (!last);
    /* Padding bits after the final block must be zero (else a flipped bit
     * there gives a second text for one credential), and the Adler-32 of
     * the output must follow, and nothing after it. */
    if (s.bits != 0 || s.n - s.pos != 4)
        return broken();
    const uint8_t *t = in + s.pos;
    uint32_t want = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    if (adler32_of(out, s.len) != want)
        return broken();
    *out_len = s.len;
    return TESS_OK;
}
