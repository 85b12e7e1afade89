/* Typed field look-ups over strict, already checked CBOR maps. */
#include "inner.h"

bool read_as(tess_cbor *c, uint8_t major, tess_cbor_item *it)
{
    return tess_cbor_read(c, it) == TESS_OK && it->major == major;
}

static field_result find(const tess_cbor *map, uint64_t n, int64_t key, uint8_t major,
                         tess_cbor *value, tess_cbor_item *it)
{
    bool found;
    if (tess_cbor_map_find(map, n, key, value, &found) != TESS_OK)
        return FIELD_BAD;
    if (!found)
        return FIELD_ABSENT;
    return read_as(value, major, it) ? FIELD_OK : FIELD_BAD;
}

field_result field_uint(const tess_cbor *map, uint64_t n, int64_t key, uint64_t *out)
{
    tess_cbor v;
    tess_cbor_item it;
    field_result r = find(map, n, key, TESS_CBOR_UINT, &v, &it);
    if (r == FIELD_OK)
        *out = it.val;
    return r;
}

field_result field_tstr(const tess_cbor *map, uint64_t n, int64_t key, tess_span *out)
{
    tess_cbor v;
    tess_cbor_item it;
    field_result r = find(map, n, key, TESS_CBOR_TSTR, &v, &it);
    if (r == FIELD_OK)
        *out = it.str;
    return r;
}

field_result field_bstr(const tess_cbor *map, uint64_t n, int64_t key, tess_span *out)
{
    tess_cbor v;
    tess_cbor_item it;
    field_result r = find(map, n, key, TESS_CBOR_BSTR, &v, &it);
    if (r == FIELD_OK)
        *out = it.str;
    return r;
}

field_result field_array(const tess_cbor *map, uint64_t n, int64_t key,
                         tess_cbor *items, uint64_t *count)
{
    tess_cbor_item it;
    field_result r = find(map, n, key, TESS_CBOR_ARRAY, items, &it);
    if (r == FIELD_OK)
        *count = it.val;
    return r;
}

field_result field_map(const tess_cbor *map, uint64_t n, int64_t key,
                       tess_cbor *inner, uint64_t *count)
{
    tess_cbor_item it;
    field_result r = find(map, n, key, TESS_CBOR_MAP, inner, &it);
    if (r == FIELD_OK)
        *count = it.val;
    return r;
}

bool tstr_items(tess_cbor items, uint64_t count, tess_span *all)
{
    const uint8_t *start = items.p;
    for (uint64_t i = 0; i < count; i++) {
        tess_cbor_item it;
        if (!read_as(&items, TESS_CBOR_TSTR, &it))
            return false;
    }
    all->ptr = start;
    all->len = (size_t)(items.p - start);
    return true;
}
