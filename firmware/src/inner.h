/* inner.h: helpers shared by the core's modules; not a public interface. */
#ifndef TESS_INNER_H
#define TESS_INNER_H

#include "tessera/tess_cbor.h"

/* The outcome of looking up one typed field in a map. */
typedef enum { FIELD_ABSENT = 0, FIELD_OK = 1, FIELD_BAD = -1 } field_result;

/* Each looks up integer key `key` in the map at `map` (n pairs, cursor at its
 * first key) and checks the value's type. A uint is a plain major type 0
 * integer: not a float, a negative number or a tagged value. */
field_result field_uint(const tess_cbor *map, uint64_t n, int64_t key, uint64_t *out);
field_result field_tstr(const tess_cbor *map, uint64_t n, int64_t key, tess_span *out);
field_result field_bstr(const tess_cbor *map, uint64_t n, int64_t key, tess_span *out);
/* An array: *items at its first item, *count items. */
field_result field_array(const tess_cbor *map, uint64_t n, int64_t key,
                         tess_cbor *items, uint64_t *count);
/* A map: *inner at its first key, *count pairs. */
field_result field_map(const tess_cbor *map, uint64_t n, int64_t key,
                       tess_cbor *inner, uint64_t *count);

/* Reads a head that must be of `major`. */
bool read_as(tess_cbor *c, uint8_t major, tess_cbor_item *it);

/* Checks that `count` items at `items` are all text strings; returns the
 * span they cover. */
bool tstr_items(tess_cbor items, uint64_t count, tess_span *all);

#endif
