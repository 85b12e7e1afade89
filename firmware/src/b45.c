/* Base45, RFC 9285. */
#include "tessera/tess_b45.h"

static const char b45_alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Each character's value plus one; 0 for a character outside the
 * alphabet (lower case included). */
static const uint8_t b45_table[256] = {
    [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40, ['+'] = 41, ['-'] = 42, ['.'] = 43,
    ['/'] = 44, [':'] = 45,
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17,
    ['H'] = 18, ['I'] = 19, ['J'] = 20, ['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24,
    ['O'] = 25, ['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30, ['U'] = 31,
    ['V'] = 32, ['W'] = 33, ['X'] = 34, ['Y'] = 35, ['Z'] = 36,
};

static int b45_value(unsigned char ch)
{
    return (int)b45_table[ch] - 1;
}

size_t tess_b45_decoded_len(size_t n)
{
    if (n % 3 == 1)
        return SIZE_MAX;
    return n / 3 * 2 + (n % 3 == 2 ? 1 : 0);
}

size_t tess_b45_encoded_len(size_t n)
{
    return n / 2 * 3 + (n % 2 ? 2 : 0);
}

tess_status tess_b45_decode(const char *text, size_t n, uint8_t *out,
                            size_t cap, size_t *out_len)
{
    *out_len = 0;
    size_t need = tess_b45_decoded_len(n);
    if (need == SIZE_MAX)
        return TESS_ERR_BAD_BASE45;
    if (need > cap)
        return TESS_ERR_BUFFER;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        size_t group = n - i >= 3 ? 3 : 2;
        uint32_t v = 0, mul = 1;
        for (size_t k = 0; k < group; k++) {
            int d = b45_value((unsigned char)text[i + k]);
            if (d < 0)
                return TESS_ERR_BAD_BASE45;
            v += (uint32_t)d * mul;
            mul *= 45;
        }
        /* A value past what the group can carry has no preimage: accepting
         * it would give two texts for one credential. */
        if (group == 3) {
            if (v > 0xFFFF)
                return TESS_ERR_BAD_BASE45;
            out[o++] = (uint8_t)(v >> 8);
            out[o++] = (uint8_t)(v & 0xFF);
        } else {
            if (v > 0xFF)
                return TESS_ERR_BAD_BASE45;
            out[o++] = (uint8_t)v;
        }
    }
    *out_len = o;
    return TESS_OK;
}

tess_status tess_b45_encode(const uint8_t *in, size_t n, char *out, size_t cap,
                            size_t *out_len)
{
    *out_len = 0;
    if (tess_b45_encoded_len(n) > cap)
        return TESS_ERR_BUFFER;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 2) {
        if (n - i >= 2) {
            uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];
            out[o++] = b45_alphabet[v % 45];
            out[o++] = b45_alphabet[v / 45 % 45];
            out[o++] = b45_alphabet[v / 2025];
        } else {
            out[o++] = b45_alphabet[in[i] % 45];
            out[o++] = b45_alphabet[in[i] / 45];
        }
    }
    *out_len = o;
    return TESS_OK;
}
