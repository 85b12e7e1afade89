#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "testkit.h"

static void smoke(void **state)
{
    (void)state;
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    char text[8192];
    tk_issue(&cr, &w->issuer, text);
    printf("%zu chars: %s\n", strlen(text), text);
    assert_int_equal(tk_verify(w, text, TK_NOW), TESS_OK);
    tk_world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(smoke)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
