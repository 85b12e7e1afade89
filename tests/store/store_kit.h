/*
 * store_kit.h: what the store's tests share: a state directory with the
 * test world's trust installed, badges with distinct ids, and running the
 * `tessera` command with input and captured output.
 */
#ifndef TESS_STORE_KIT_H
#define TESS_STORE_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testkit.h"

/* A fresh directory under /tmp (mkdtemp); aborts on error. */
void sk_tempdir(char *out, size_t cap, const char *tag);
/* Installs the world's root and bundle into DIR with `tessera bundle
 * install` (tessera: the binary). Aborts on failure. */
void sk_install_state(const char *tessera, const tk_world *w, const char *dir);
/* The 16-byte credential id of badge n. */
void sk_cti(uint32_t n, uint8_t cti[16]);
/* Badge n: the world's default credential with id sk_cti(n), signed by the
 * world's issuer; text has room for 8192. */
void sk_badge(uint32_t n, char *text);
/* Badge n verified at TK_NOW into w->verdict (valid). */
const tess_verdict *sk_verdict(tk_world *w, uint32_t n);

/* Runs argv (NULL-terminated) with `input` on standard input; the output
 * (malloc'd, NUL-ended) in *out unless out is NULL. Returns the exit code,
 * or 128 + signal. */
int sk_run(const char *const *argv, const char *input, char **out);

/* Removes a directory tree (best effort). */
void sk_rmtree(const char *path);

#endif
