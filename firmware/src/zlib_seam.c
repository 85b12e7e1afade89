/* The zlib seam: zlib's results become tess_status values here. */
#include "tessera/tess_inflate.h"
#include "tessera/tess_issue.h"

#include <string.h>
/* next_in is const: no cast needed to hand zlib our input. */
#define ZLIB_CONST
#include <zlib.h>

static voidpf arena_alloc(voidpf opaque, uInt items, uInt size)
{
    tess_inflate_arena *a = opaque;
    size_t n = (size_t)items * size;
    size_t at = (a->used + 15u) & ~(size_t)15u;
    if (items != 0 && n / items != size)
        return Z_NULL;
    if (at > sizeof a->mem || n > sizeof a->mem - at)
        return Z_NULL;
    a->used = at + n;
    if (a->used > a->peak)
        a->peak = a->used;
    return a->mem + at;
}

static void arena_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    (void)p;
}

tess_status tess_inflate(tess_inflate_arena *arena, const uint8_t *in, size_t n,
                         uint8_t *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    tess_status st = tess_inflate_start(in, n, cap);
    if (st != TESS_OK)
        return st;
    arena->used = 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    s.zalloc = arena_alloc;
    s.zfree = arena_free;
    s.opaque = arena;
    /* Raw deflate with a window of TESS_INFLATE_WINDOW >= cap bytes, not
     * the header's 32 KB: a distance reaches at most the bytes inflated so
     * far, which are never more than cap + 1 here, so every stream
     * inflates to the same bytes or fails at the same point as with 32 KB. */
    if (inflateInit2(&s, -TESS_INFLATE_WBITS) != Z_OK)
        return TESS_ERR_BUFFER;
    s.next_in = in + 2;
    s.avail_in = (uInt)(n - 2);
    s.next_out = out;
    s.avail_out = (uInt)cap;
    uint8_t probe;
    bool probing = false;
    st = TESS_ERR_BAD_COMPRESSION;
    /* Block by block, so that we stop exactly at the end of the last one
     * and can see the bits that pad its final byte. */
    for (;;) {
        int rc = inflate(&s, Z_BLOCK);
        if (rc == Z_MEM_ERROR) {
            st = TESS_ERR_BUFFER;
            goto done;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            goto done;
        if (probing && s.avail_out == 0) {
            st = TESS_ERR_TOO_LARGE;
            goto done;
        }
        if ((s.data_type & 0xC0) == 0xC0)
            break;
        if (s.avail_out == 0) {
            /* The output is full: one more byte tells a stream that ends
             * here from one that would go on (a zip bomb stops here). */
            s.next_out = &probe;
            s.avail_out = 1;
            probing = true;
            continue;
        }
        if (rc == Z_BUF_ERROR)
            goto done;   /* truncated: no progress is possible */
    }
    /* Padding bits after the final block are ignored by inflate: unless
     * they are zero, a flipped bit there gives a second text for the same
     * credential. */
    unsigned unused = (unsigned)s.data_type & 63u;
    if (unused > 7 || (unused && (s.next_in[-1] >> (8 - unused)) != 0))
        goto done;
    /* What is left must be exactly the Adler-32 of the output. */
    if (s.avail_in == 4) {
        uLong sum = adler32(adler32(0L, Z_NULL, 0), out, (uInt)s.total_out);
        const uint8_t *t = s.next_in;
        uLong want = ((uLong)t[0] << 24) | ((uLong)t[1] << 16) | ((uLong)t[2] << 8) | t[3];
        if (sum == want) {
            *out_len = (size_t)s.total_out;
            st = TESS_OK;
        }
    }
done:
    inflateEnd(&s);
    return st;
}

/* Issuing side: zlib with the default allocator (not the verify path). */

/* One zlib stream of `in` with one strategy; 0 when it does not fit. */
static size_t deflate_with(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int strategy)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    /* windowBits 15 keeps the first byte 0x78, which is how verifiers
     * tell a zlib stream from a bare COSE message. */
    if (deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 9, strategy) != Z_OK)
        return 0;
    s.next_in = in;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, Z_FINISH);
    size_t len = rc == Z_STREAM_END ? (size_t)s.total_out : 0;
    deflateEnd(&s);
    return len;
}

tess_status tess_deflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (n > UINT32_MAX || cap > UINT32_MAX)
        return TESS_ERR_ARG;
    /* Every byte saved is a smaller QR code: keep the shortest of zlib's
     * strategies (they differ by a few bytes on credential-sized data). */
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_FIXED, Z_RLE,
                                     Z_HUFFMAN_ONLY};
    uint8_t trial[8192];
    size_t best = 0;
    for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++) {
        size_t len = deflate_with(in, n, trial, sizeof trial, strategies[i]);
        if (len && len <= cap && (best == 0 || len < best)) {
            best = len;
            memcpy(out, trial, len);
        }
    }
    if (best == 0)
        return TESS_ERR_BUFFER;
    *out_len = best;
    return TESS_OK;
}
