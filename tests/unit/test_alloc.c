/*
 * test_alloc.c: the verify path allocates nothing. malloc, calloc, realloc
 * and free are interposed here (shared libraries such as zlib and
 * libsodium call them through the same symbols) and counted while
 * tess_verify runs over valid, compressed and broken credentials.
 * Also measures the stack the verify path uses, by painting it.
 * Under AddressSanitizer, which owns malloc, the test is skipped: the
 * plain build runs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "testkit.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static volatile int counting;
static volatile unsigned long allocations;

#ifndef UNDER_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting)
        allocations++;
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (counting)
        allocations++;
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (counting)
        allocations++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    if (counting && p)
        allocations++;
    __libc_free(p);
}
#endif

static void no_heap(void **st)
{
    (void)st;
#ifdef UNDER_ASAN
    skip();
#else
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    static char texts[6][8192];
    tk_issue(&cr, &w->issuer, texts[0]);        /* compressed */
    uint8_t payload[4096], prot[64];
    size_t plen, prot_len;
    assert_int_equal(tess_claims_encode(&cr, payload, sizeof payload, &plen), TESS_OK);
    assert_int_equal(tess_cose_protected(w->issuer.pk, prot, sizeof prot, &prot_len), TESS_OK);
    tk_sign_raw(prot, prot_len, payload, plen, &w->issuer, TESS_ZLIB_NEVER, texts[1]);
    tk_sign_raw(prot, prot_len, payload, plen, &w->other, TESS_ZLIB_ALWAYS, texts[2]);
    snprintf(texts[3], sizeof texts[3], "%s", texts[0]);
    texts[3][strlen(texts[3]) - 3] = 'A';       /* broken zlib */
    snprintf(texts[4], sizeof texts[4], "MC1:GGW");
    snprintf(texts[5], sizeof texts[5], "not a credential");
    const tess_status want[] = {TESS_OK, TESS_OK, TESS_ERR_BAD_SIGNATURE,
                                TESS_ERR_BAD_COMPRESSION, TESS_ERR_BAD_BASE45, TESS_ERR_NOT_MC1};
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 6; i++) {
            size_t len = strlen(texts[i]);
            allocations = 0;
            counting = 1;
            tess_status got = tess_verify(&w->verifier, texts[i], len, &w->bundle, &clock,
                                          &w->verdict);
            counting = 0;
            assert_int_equal(got, want[i]);
            assert_int_equal(allocations, 0);
        }
    }
    /* the interposer works: a plain malloc is seen */
    allocations = 0;
    counting = 1;
    void *p = malloc(16);
    counting = 0;
    free(p);
    assert_int_equal(allocations, 1);
    printf("zlib arena: %zu of %u bytes used at most\n", w->verifier.zlib.peak,
           TESS_INFLATE_ARENA);
    assert_true(w->verifier.zlib.peak <= TESS_INFLATE_ARENA);
    printf("sizeof(tess_verifier) = %zu, sizeof(tess_verdict) = %zu\n", sizeof(tess_verifier),
           sizeof(tess_verdict));
    tk_world_free(w);
#endif
}

/* ---- stack: run tess_verify on a painted stack of our own ---- */

#ifndef UNDER_ASAN
#define STACK_BYTES (256u * 1024u)
#define PAINT 0xA5

static _Alignas(4096) uint8_t stack_area[STACK_BYTES];
static tk_world *stack_world;
static char stack_text[8192];
static tess_status stack_result;

static void *run_verify(void *arg)
{
    (void)arg;
    tess_clock clock = {TK_NOW, 0, TESS_DEFAULT_SKEW};
    stack_result = tess_verify(&stack_world->verifier, stack_text, strlen(stack_text),
                               &stack_world->bundle, &clock, &stack_world->verdict);
    return NULL;
}

#endif

static void stack_bound(void **st)
{
    (void)st;
#ifdef UNDER_ASAN
    skip();
#else
    stack_world = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    tk_issue(&cr, &stack_world->issuer, stack_text);
    memset(stack_area, PAINT, sizeof stack_area);
    pthread_attr_t attr;
    pthread_t thread;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstack(&attr, stack_area, sizeof stack_area), 0);
    assert_int_equal(pthread_create(&thread, &attr, run_verify, NULL), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    pthread_attr_destroy(&attr);
    size_t untouched = 0;
    while (untouched < sizeof stack_area && stack_area[untouched] == PAINT)
        untouched++;
    size_t used = sizeof stack_area - untouched;
    assert_int_equal(stack_result, TESS_OK);
    printf("stack touched by a thread running tess_verify (zlib, libsodium and the thread's "
           "own start-up included): %zu bytes\n",
           used);
    assert_true(used < 32u * 1024u);
    tk_world_free(stack_world);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(no_heap), cmocka_unit_test(stack_bound)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
