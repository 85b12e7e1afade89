/*
 * test_i18n.c: the kiosk's translations (app/kiosk/i18n.c and
 * assets/locale/). Every msgid of the .pot is translated in each .po; the
 * lookup returns what the .po says, in each language, switched at run
 * time with no system locale installed; and a headless kiosk run in
 * Spanish draws its verdict while its JSON line stays the English one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "i18n.h"

static const char *kiosk_bin, *tessera_bin;

/* ---- a .po reader for the files we write: one line per string ---- */

#define MAX_MSGS 512
#define MAX_STR 1024

typedef struct {
    char id[MAX_STR], str[MAX_STR];
    bool plural, fuzzy;
} po_msg;

static void unquote(const char *line, char *out)
{
    const char *p = strchr(line, '"');
    assert_non_null(p);
    size_t n = 0;
    for (p++; *p && *p != '"' && n < MAX_STR - 1; p++) {
        if (*p == '\\') {
            p++;
            out[n++] = *p == 'n' ? '\n' : *p;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* The messages of path, the header left out. */
static size_t po_read(const char *path, po_msg *m)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    size_t n = 0;
    bool fuzzy = false;
    po_msg *cur = NULL;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "#,", 2) == 0 && strstr(line, "fuzzy"))
            fuzzy = true;
        else if (strncmp(line, "msgid ", 6) == 0) {
            assert_true(n < MAX_MSGS);
            cur = &m[n++];
            memset(cur, 0, sizeof *cur);
            unquote(line, cur->id);
            cur->fuzzy = fuzzy;
            fuzzy = false;
        } else if (cur && strncmp(line, "msgid_plural ", 13) == 0) {
            cur->plural = true;
        } else if (cur && (strncmp(line, "msgstr ", 7) == 0 ||
                           strncmp(line, "msgstr[0] ", 10) == 0)) {
            unquote(line, cur->str);
        } else if (cur && strncmp(line, "msgstr[1] ", 10) == 0) {
            char s1[MAX_STR];
            unquote(line, s1);
            if (!s1[0])
                cur->str[0] = '\0'; /* both forms or it is untranslated */
        }
    }
    fclose(f);
    /* the header (msgid "") is not a message */
    if (n > 0 && !m[0].id[0]) {
        memmove(m, m + 1, (n - 1) * sizeof *m);
        n--;
    }
    return n;
}

static const po_msg *po_find(const po_msg *m, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].id, id) == 0)
            return &m[i];
    return NULL;
}

static const kiosk_language LANGS[] = {LANG_ES, LANG_FR, LANG_DE};

/* Every msgid of the .pot, translated (not fuzzy, not empty) in each .po,
 * and looked up as the .po says. */
static void test_po_complete(void **st)
{
    (void)st;
    static po_msg pot[MAX_MSGS], po[MAX_MSGS];
    size_t npot = po_read(TESS_LOCALE_SRC "/tessera-kiosk.pot", pot);
    assert_true(npot >= 40);
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++) {
        char path[512];
        snprintf(path, sizeof path, TESS_LOCALE_SRC "/%s.po", i18n_code(LANGS[l]));
        size_t n = po_read(path, po);
        i18n_set_language(LANGS[l]);
        for (size_t i = 0; i < npot; i++) {
            const po_msg *t = po_find(po, n, pot[i].id);
            if (!t || !t->str[0] || t->fuzzy)
                fail_msg("%s: \"%s\" is not translated", path, pot[i].id);
            if (!pot[i].plural)
                assert_string_equal(i18n_text(pot[i].id), t->str);
        }
        assert_int_equal(n, npot); /* and no message the .pot lacks */
    }
    i18n_set_language(LANG_EN);
}

/* The verdict's words, by language: each differs from English. */
static void test_lookup(void **st)
{
    (void)st;
    static const struct {
        kiosk_language lang;
        const char *id, *want;
    } cases[] = {
        {LANG_ES, "Valid", "Válido"},
        {LANG_ES, "Not valid", "No válido"},
        {LANG_ES, "Cannot decide", "No se puede decidir"},
        {LANG_ES, "This badge has expired", "Esta insignia ha caducado"},
        {LANG_ES, "This badge has been altered or forged", "Esta insignia ha sido alterada o falsificada"},
        {LANG_ES, "March", "marzo"},
        {LANG_FR, "Valid", "Valide"},
        {LANG_FR, "Not valid", "Non valide"},
        {LANG_FR, "Cannot decide", "Impossible de décider"},
        {LANG_FR, "This badge has expired", "Ce badge a expiré"},
        {LANG_FR, "This badge has been altered or forged", "Ce badge a été modifié ou falsifié"},
        {LANG_FR, "March", "mars"},
        {LANG_DE, "Valid", "Gültig"},
        {LANG_DE, "Not valid", "Ungültig"},
        {LANG_DE, "Cannot decide", "Keine Entscheidung möglich"},
        {LANG_DE, "This badge has expired", "Dieses Abzeichen ist abgelaufen"},
        {LANG_DE, "This badge has been altered or forged", "Dieses Abzeichen wurde verändert oder gefälscht"},
        {LANG_DE, "March", "März"},
        /* English: the msgid itself */
        {LANG_EN, "Valid", "Valid"},
        {LANG_EN, "This badge has expired", "This badge has expired"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        i18n_set_language(cases[i].lang);
        const char *got = i18n_text(cases[i].id);
        assert_string_equal(got, cases[i].want);
        if (cases[i].lang != LANG_EN)
            assert_string_not_equal(got, cases[i].id);
    }
    /* plurals: one and many, per language */
    i18n_set_language(LANG_FR);
    assert_non_null(strstr(i18n_plural("Trusted issuers from %s, updated %llu day ago",
                                       "Trusted issuers from %s, updated %llu days ago", 1),
                           "%llu jour"));
    assert_non_null(strstr(i18n_plural("Trusted issuers from %s, updated %llu day ago",
                                       "Trusted issuers from %s, updated %llu days ago", 5),
                           "%llu jours"));
    i18n_set_language(LANG_EN);
    assert_string_equal(i18n_plural("a day", "days", 2), "days");
}

static void test_parse_and_cycle(void **st)
{
    (void)st;
    kiosk_language l = LANG_EN;
    assert_true(i18n_parse("de", &l));
    assert_int_equal(l, LANG_DE);
    assert_false(i18n_parse("DE", &l));
    assert_false(i18n_parse("", &l));
    assert_false(i18n_parse("esp", &l));
    assert_int_equal(i18n_next(LANG_EN), LANG_ES);
    assert_int_equal(i18n_next(LANG_ES), LANG_FR);
    assert_int_equal(i18n_next(LANG_FR), LANG_DE);
    assert_int_equal(i18n_next(LANG_DE), LANG_EN);
}

/* ---- the kiosk, headless, in Spanish ---- */

static char dir[256];

static char *sh(const char *cmd)
{
    char full[4096];
    snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *out = calloc(1, cap);
    assert_non_null(out);
    size_t got;
    while ((got = fread(out + n, 1, cap - 1 - n, p)) > 0)
        n += got;
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("%s: exit %d", cmd, rc);
    return out;
}

/* The whole of a file, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0, got;
    char *b = malloc(cap);
    assert_non_null(b);
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
    }
    fclose(f);
    *len = n;
    return b;
}

/* The name of the nth (from 0) screenshot in sub/ whose name ends with
 * suffix ("-verdict.png"), in the order shown; fails when there is none. */
static void nth_shot(const char *sub, const char *suffix, int nth, char *path, size_t cap)
{
    for (unsigned i = 0; i < 100; i++) {
        char name[64];
        snprintf(name, sizeof name, "%04u%s", i, suffix);
        snprintf(path, cap, "%s/%s/%s", dir, sub, name);
        struct stat sb;
        if (stat(path, &sb) == 0 && nth-- == 0)
            return;
    }
    fail_msg("%s: no screenshot %d ending %s", sub, nth, suffix);
}

static bool same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    assert_non_null(x);
    assert_non_null(y);
    bool same = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* English, Spanish, and English switched to Spanish by a tap on the idle
 * screen's language label: the JSON lines never change; the screens do,
 * and the tapped kiosk draws exactly what one started in Spanish draws. */
static void test_kiosk_spanish(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/tess-i18n-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "T='%s' && $T keygen --out iss >/dev/null && $T keygen --out r0 >/dev/null && "
             "$T root init --threshold 1 --key r0.pub --out root.cbor >/dev/null && "
             "$T bundle create --root root.cbor --sign r0 --version 1 --expires 2030-01-01 "
             "--issued-at 2026-01-01 --publisher 'Test Fleet' --issuer iss.pub "
             "--iss https://academy.example --name 'Example Academy' --out b.tb1 >/dev/null && "
             "$T bundle install --root root.cbor --state state b.tb1 >/dev/null && "
             "echo 'not a badge' > texts.txt && "
             "$T issue --key iss --iss https://academy.example --holder 'Ada Lovelace' "
             "--title 'Forklift Operator L1' --achievement FORK-L1 --awarder 'Example Academy' "
             "--iat 2026-02-01 --exp 2026-03-01 --lang de-AT | head -n 1 >> texts.txt && "
             "printf 'wait 250\\ndown 636 6\\n' > tap.keys && mkdir en es tap",
             tessera_bin);
    free(sh(cmd));
    char *out[3];
    const char *runs[3] = {"en", "es", "tap"};
    const char *opts[3] = {"--lang en", "--lang es", "--lang en --keys tap.keys"};
    for (int i = 0; i < 3; i++) {
        /* the tap comes 250 ms after the first verdict left (pace 500,
         * shown 60 ms), well before the second at 1000 ms */
        snprintf(cmd, sizeof cmd,
                 "SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy "
                 "'%s' --virtual-clock --state state --texts texts.txt --pace 500 --verdict-ms 60 "
                 "--exit-when-done --screenshot-dir %s --at 2026-06-01 --window --width 640 "
                 "--height 400 %s",
                 kiosk_bin, runs[i], opts[i]);
        out[i] = sh(cmd);
    }
    /* the JSON lines are the same in any language: English reason words */
    assert_string_equal(out[0], out[1]);
    assert_string_equal(out[0], out[2]);
    assert_non_null(strstr(out[1], "\"reason\": \"expired\""));
    assert_non_null(strstr(out[1], "\"reason\": \"not_mc1\""));
    char en[512], es[512], tap[512], tap_idle[512], en_idle[512];
    for (int v = 0; v < 2; v++) {
        nth_shot("en", "-verdict.png", v, en, sizeof en);
        nth_shot("es", "-verdict.png", v, es, sizeof es);
        nth_shot("tap", "-verdict.png", v, tap, sizeof tap);
        /* Spanish is drawn differently from English */
        assert_false(same_file(en, es));
        /* before the tap the kiosk speaks English, after it Spanish */
        assert_true(same_file(tap, v == 0 ? en : es));
    }
    /* the idle screen was shot again in Spanish right after the tap */
    nth_shot("en", "-idle.png", 0, en_idle, sizeof en_idle);
    nth_shot("tap", "-idle.png", 2, tap_idle, sizeof tap_idle);
    assert_false(same_file(en_idle, tap_idle));
    nth_shot("es", "-idle.png", 0, es, sizeof es);
    assert_true(same_file(tap_idle, es));
    for (int i = 0; i < 3; i++)
        free(out[i]);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_i18n KIOSK TESSERA\n");
        return 2;
    }
    kiosk_bin = argv[1];
    tessera_bin = argv[2];
    unsetenv("TESSERA_LOCALEDIR");
    assert_true(i18n_init(TESS_LOCALEDIR));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_cycle),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_po_complete),
        cmocka_unit_test(test_kiosk_spanish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
