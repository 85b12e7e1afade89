/*
 * tess_cbor.h: the core's small strict CBOR reader (RFC 8949). No heap.
 *
 * Two steps. tess_cbor_check() walks one whole item and enforces the strict
 * rules of FORMAT.md; only then do callers navigate it with the cursor
 * functions, which stay bounds-checked whatever they are given.
 *
 * tess_cbor_check accepts: every well-formed item of definite length, with
 * integers in any (even non-shortest) form, map keys in any order, any tag,
 * any float or simple value.
 * It rejects, with the first problem found in document order:
 *   TESS_ERR_CBOR_MALFORMED     truncated, reserved additional info 28..30,
 *                               a stray break, simple(<32) in two bytes
 *   TESS_ERR_CBOR_INDEFINITE    any indefinite-length string, array or map
 *   TESS_ERR_CBOR_DUP_KEY       a key twice in one map, compared by value
 *                               (RFC 8949 5.6.1): 1 and 0x1801, 1.0 as
 *                               half and single, 0.0 and -0.0, maps with
 *                               the same pairs in another order
 *   TESS_ERR_CBOR_UTF8          a text string that is not valid UTF-8
 *                               (overlong forms and surrogates included)
 *   TESS_ERR_CBOR_DEPTH         more than max_depth arrays, maps and tags
 *                               nested (the outermost counts as 1)
 *   TESS_ERR_CBOR_TRAILING      bytes after the item
 *   TESS_ERR_CBOR_STRING_LIMIT  a string longer than max_string (except the
 *                               one whose head starts at `exempt`)
 *   TESS_ERR_CBOR_TOO_COMPLEX   map keys (other than small integers) that
 *                               would take more than TESS_KEY_WORK_PER_BYTE
 *                               comparisons per input byte to tell apart:
 *                               never so in real data, always so in a
 *                               quadratic-time attack
 * It does not check: the type of a tag's content (tag 0 holding a number is
 * accepted), nor what any value means.
 *
 * Stack use is bounded: recursion goes at most max_depth + 1 frames of under
 * 200 bytes each.
 */
#ifndef TESS_CBOR_H
#define TESS_CBOR_H

#include "tess_common.h"

enum {
    TESS_CBOR_UINT = 0,
    TESS_CBOR_NEGINT = 1,
    TESS_CBOR_BSTR = 2,
    TESS_CBOR_TSTR = 3,
    TESS_CBOR_ARRAY = 4,
    TESS_CBOR_MAP = 5,
    TESS_CBOR_TAG = 6,
    TESS_CBOR_SIMPLE = 7
};

typedef struct {
    unsigned max_depth;     /* 0 means TESS_MAX_DEPTH */
    size_t max_string;      /* 0 means no limit */
    const uint8_t *exempt;  /* a string head not held to max_string, or NULL */
} tess_cbor_rules;

TESS_MUST_USE tess_status tess_cbor_check(tess_span item,
                                          const tess_cbor_rules *rules);

/* A cursor over bytes. It points into the caller's buffer and is valid for
 * as long as that buffer is. */
typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} tess_cbor;

/* One head. For strings, str is the content; for arrays and maps, val is the
 * number of items or pairs; for tags, the tag number; for major 7, val is
 * the simple value (20 false .. 23 undefined) or, for floats (info 25..27),
 * the raw bits. head is where the item starts. */
typedef struct {
    uint8_t major;
    uint8_t info;
    uint64_t val;
    tess_span str;
    const uint8_t *head;
} tess_cbor_item;

static inline tess_cbor tess_cbor_at(tess_span s)
{
    tess_cbor c = {s.ptr, s.ptr + s.len};
    return c;
}

/* Reads one head and, for a string, its content. Leaves the cursor at the
 * first child of an array, map or tag. Returns TESS_OK,
 * TESS_ERR_CBOR_MALFORMED or TESS_ERR_CBOR_INDEFINITE. */
TESS_MUST_USE tess_status tess_cbor_read(tess_cbor *c, tess_cbor_item *it);

/* Skips one whole item, iteratively: safe on any input. */
TESS_MUST_USE tess_status tess_cbor_skip(tess_cbor *c);

/* The span of the next whole item, and the cursor moved past it. */
TESS_MUST_USE tess_status tess_cbor_take(tess_cbor *c, tess_span *item);

/* In a map whose head was just read (n pairs, cursor at its first key),
 * finds the integer key `key` (in any encoding form). On success *value
 * points at the value and *found is true; when the key is absent the
 * result is TESS_OK with *found false. Returns TESS_ERR_CBOR_MALFORMED on a
 * broken map. The map cursor is not moved. */
TESS_MUST_USE tess_status tess_cbor_map_find(const tess_cbor *map, uint64_t n,
                                             int64_t key, tess_cbor *value,
                                             bool *found);

/* The value of an integer head as a signed number, when it fits int64. */
bool tess_cbor_int_value(const tess_cbor_item *it, int64_t *out);

/* Whether s is valid UTF-8 (RFC 3629: no overlongs, no surrogates). */
bool tess_utf8_valid(const uint8_t *s, size_t n);

/* ---- writing the heads of the Sig_structure (core, no libcbor) ---- */

/* Writes a head of `major` with argument `val` in shortest form at out
 * (cap bytes). Returns its length, or 0 when it does not fit. */
size_t tess_cbor_put_head(uint8_t *out, size_t cap, uint8_t major,
                          uint64_t val);

#endif
