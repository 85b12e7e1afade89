/* Base45, RFC 9285. */
#include "tessera/tess_b45.h"

static const char b45_alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static int b45_value(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 10;
    switch (ch) {
    case ' ': return 36;
    case '$': return 37;
    case '%': return 38;
    case '*': return 39;
    case '+': return 40;
    case '-': return 41;
    case '.': return 42;
    case '/': return 43;
    case ':': return 44;
    default: return -1;
    }
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
