/*
 * i18n.c: the one file that includes <libintl.h> (STYLE.md rule 6).
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

static kiosk_language current = LANG_EN;
static bool ready;

bool i18n_init(const char *localedir)
{
    const char *env = getenv("TESSERA_LOCALEDIR");
    if (env && *env)
        localedir = env;
    /* LANGUAGE is ignored under "C": a UTF-8 C locale is built into glibc,
     * so it exists on a kiosk with no locales installed. */
    ready = setlocale(LC_MESSAGES, "C.UTF-8") || setlocale(LC_MESSAGES, "C.utf8");
    bindtextdomain(I18N_DOMAIN, localedir);
    /* the catalogues are UTF-8, and so is what SDL_ttf draws, whatever
     * LC_CTYPE says */
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    i18n_set_language(current);
    return ready;
}

void i18n_set_language(kiosk_language l)
{
    static bool set;
    if (set && l == current)
        return;
    current = l;
    set = true;
    setenv("LANGUAGE", i18n_code(l), 1);
    /* glibc caches lookups: setting the domain again drops the cache */
    textdomain(textdomain(NULL));
}

kiosk_language i18n_language(void)
{
    return current;
}

const char *i18n_text(const char *msgid)
{
    if (current == LANG_EN || !ready)
        return msgid;
    return dgettext(I18N_DOMAIN, msgid);
}

const char *i18n_plural(const char *one, const char *many, unsigned long n)
{
    if (current == LANG_EN || !ready)
        return n == 1 ? one : many;
    return dngettext(I18N_DOMAIN, one, many, n);
}

kiosk_language i18n_next(kiosk_language l)
{
    switch (l) {
    case LANG_EN: return LANG_ES;
    case LANG_ES: return LANG_FR;
    case LANG_FR: return LANG_DE;
    default: return LANG_EN;
    }
}

const char *i18n_code(kiosk_language l)
{
    switch (l) {
    case LANG_ES: return "es";
    case LANG_FR: return "fr";
    case LANG_DE: return "de";
    default: return "en";
    }
}

const char *i18n_native_name(kiosk_language l)
{
    switch (l) {
    case LANG_ES: return "Español";
    case LANG_FR: return "Français";
    case LANG_DE: return "Deutsch";
    default: return "English";
    }
}

bool i18n_parse(const char *s, kiosk_language *out)
{
    const kiosk_language all[] = {LANG_EN, LANG_ES, LANG_FR, LANG_DE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (s && strcmp(s, i18n_code(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

const char *i18n_tag_name(const char *tag)
{
    if (!tag || !tag[0])
        return NULL;
    const kiosk_language all[] = {LANG_EN, LANG_ES, LANG_FR, LANG_DE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *c = i18n_code(all[i]);
        size_t n = strlen(c);
        /* "fr" or "fr-CA", any case; never "fra" or "fr_x" */
        if (strncasecmp(tag, c, n) == 0 && (tag[n] == '\0' || tag[n] == '-'))
            return i18n_native_name(all[i]);
    }
    return NULL;
}
