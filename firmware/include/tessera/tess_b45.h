/*
 * tess_b45.h: Base45 (RFC 9285), the text layer of an MC1 QR code.
 *
 * Accepts: the 45 characters of RFC 9285 section 4 (upper case only), in
 * groups of three with an optional final group of two.
 * Rejects (TESS_ERR_BAD_BASE45): any other character (lower case too), a
 * length that leaves a single trailing character, a triple above 65535
 * ("GGW") and a final pair above 255.
 * Does not check: what the bytes mean.
 */
#ifndef TESS_B45_H
#define TESS_B45_H

#include "tess_common.h"

/* Bytes that decoding n characters gives, or SIZE_MAX when n % 3 == 1. */
size_t tess_b45_decoded_len(size_t n);

/* Characters that encoding n bytes gives. */
size_t tess_b45_encoded_len(size_t n);

/*
 * Decodes text[0..n) into out (capacity cap). On success *out_len is set.
 * Returns TESS_OK, TESS_ERR_BAD_BASE45, or TESS_ERR_BUFFER when cap is
 * smaller than tess_b45_decoded_len(n). On error *out_len is 0.
 */
TESS_MUST_USE tess_status tess_b45_decode(const char *text, size_t n,
                                          uint8_t *out, size_t cap,
                                          size_t *out_len);

/* Encodes in[0..n) into out (capacity cap, no terminator written).
 * Returns TESS_OK or TESS_ERR_BUFFER. */
TESS_MUST_USE tess_status tess_b45_encode(const uint8_t *in, size_t n,
                                          char *out, size_t cap,
                                          size_t *out_len);

#endif
