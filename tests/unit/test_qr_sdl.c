/*
 * test_qr_sdl.c: the kiosk's QR texture, drawn by SDL's software renderer
 * off screen, read back pixel by pixel and decoded with ZBar: what a phone
 * would read off the kiosk's screen is exactly the credential's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "qr_sdl.h"
#include "scanner.h"
#include "testkit.h"

static void screen_reads_back(void **state)
{
    (void)state;
    tk_world *w = tk_world_new();
    tess_credential cr;
    tk_default_cred(&cr);
    static char text[8192];
    tk_issue(&cr, &w->issuer, text);
    qr_code q;
    assert_true(qr_encode(text, 'M', &q));

    /* An 800x480 screen, the kiosk's size, rendered in memory. */
    SDL_Surface *screen = SDL_CreateRGBSurfaceWithFormat(0, 800, 480, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(screen);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(screen);
    assert_non_null(r);
    const struct {
        int scale, margin, side;
    } cases[] = {{1, 4, 440}, {4, 4, 460}, {2, 2, 400}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qr_style st = {'M', cases[i].scale, cases[i].margin};
        int tw, th;
        SDL_Texture *t = qr_texture(r, &q, &st, &tw, &th);
        assert_non_null(t);
        assert_int_equal(tw, (q.width + 2 * cases[i].margin) * cases[i].scale);
        assert_int_equal(th, tw);
        SDL_SetRenderDrawColor(r, 30, 30, 60, 255);
        SDL_RenderClear(r);
        SDL_Rect dst = {(800 - cases[i].side) / 2, (480 - cases[i].side) / 2, cases[i].side,
                        cases[i].side};
        assert_int_equal(SDL_RenderCopy(r, t, NULL, &dst), 0);
        SDL_RenderPresent(r);
        static uint8_t argb[800 * 480 * 4], grey[800 * 480];
        assert_int_equal(SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, argb, 800 * 4), 0);
        for (int p = 0; p < 800 * 480; p++)
            grey[p] = (uint8_t)((argb[4 * p] + 2 * argb[4 * p + 1] + argb[4 * p + 2]) / 4);
        /* nearest-neighbour scaling: only black and white inside the code */
        int inner = dst.y + dst.h / 2;
        for (int x = dst.x; x < dst.x + dst.w; x++) {
            uint8_t v = grey[inner * 800 + x];
            assert_true(v == 0 || v == 255);
        }
        grey_frame f = {800, 480, 800, grey, 0, NULL};
        static scan_result res;
        assert_int_equal(scanner_scan_plain(&f, &res), 1);
        assert_int_equal(res.len[0], strlen(text));
        assert_memory_equal(res.text[0], text, res.len[0]);
        SDL_DestroyTexture(t);
    }
    /* a style out of range is refused, not drawn */
    qr_style bad = {'M', 1000, 4};
    int tw, th;
    assert_null(qr_texture(r, &q, &bad, &tw, &th));
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
    qr_free(&q);
    tk_world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(screen_reads_back)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
