/*
 * harness.h: what the command-line tests share: running output captured
 * in growing buffers, "@N" times, argument lists, JSON look-ups, and
 * removing a test's directory.
 */
#ifndef TESS_CLI_HARNESS_H
#define TESS_CLI_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define MAX_ARGS 128

typedef struct {
    char *p;
    size_t len, cap;
} buf;

typedef struct {
    int code; /* exit code; 128 + n when killed by signal n */
    buf out, err;
} result;

void buf_add(buf *b, const char *s, size_t n);
void result_clear(result *r);
/* Reads what fd has into b; closes it (and sets -1) at its end. */
void drain(int *fd, buf *b);
/* "@N" -> TK_NOW + N, for the arguments of the tables. */
const char *expand(const char *a, char *space, size_t cap);
/* Appends a NULL-terminated list to argv at *n. */
void push_args(const char **argv, size_t *n, const char *const *more);
const cJSON *jget(const cJSON *o, const char *key);
bool has_warning(const cJSON *j, const char *w);
void hex_of(const uint8_t *in, size_t n, char *out);
void remove_tree(const char *path);

#endif
