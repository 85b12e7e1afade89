/*
 * i18n.h: the kiosk's words in English, Spanish, French or German.
 *
 * Translations are GNU gettext catalogues (assets/locale/<lang>.po),
 * compiled by msgfmt at build time into
 * <localedir>/<lang>/LC_MESSAGES/tessera-kiosk.mo and looked up with
 * glibc's dgettext: no other runtime library.
 *
 * The language is chosen at run time without the system having that
 * locale installed (a kiosk has none): LANGUAGE picks the catalogue, and
 * LC_MESSAGES is set to C.UTF-8, which glibc always has (2.35 on), since
 * glibc ignores LANGUAGE under the plain "C" locale. Only LC_MESSAGES
 * changes: numbers, the JSON lines and the credential's own texts are
 * never translated.
 *
 * Does not: translate a credential's texts, or the JSON (reason words
 * there stay English, the format's names). A missing catalogue, or no
 * C.UTF-8, shows English: never an error that stops the kiosk.
 */
#ifndef TESS_KIOSK_I18N_H
#define TESS_KIOSK_I18N_H

#include "config.h"

#define I18N_DOMAIN "tessera-kiosk"

/* Marks a string for xgettext without translating it (tables). */
#define N_(s) s
/* The string in the language set by i18n_set_language. */
#define _(s) i18n_text(s)

/* Binds the domain to localedir, or to $TESSERA_LOCALEDIR when set (an
 * installed kiosk). False when no UTF-8 locale for messages exists: the
 * kiosk then shows English. */
bool i18n_init(const char *localedir);
/* Chooses the language of later lookups (cheap when unchanged). */
void i18n_set_language(kiosk_language l);
kiosk_language i18n_language(void);
/* The translation of msgid, or msgid itself when there is none. The
 * result stays valid for the life of the process. format_arg: a
 * translated format is checked as the English one is (and msgfmt --check
 * checks that each translation keeps the English one's arguments). */
const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));
/* The same for a text with a count: one for n == 1 in English. */
const char *i18n_plural(const char *one, const char *many, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));
/* The next language on screen: EN -> ES -> FR -> DE -> EN. */
kiosk_language i18n_next(kiosk_language l);
/* "en", "es", "fr", "de". */
const char *i18n_code(kiosk_language l);
/* The language's own name ("Español"), for the idle screen's label. */
const char *i18n_native_name(kiosk_language l);
/* The own name of the language a BCP 47 tag names ("de-AT": "Deutsch"),
 * for the four the kiosk knows; NULL for any other tag. */
const char *i18n_tag_name(const char *tag);
/* Parses en|es|fr|de; false otherwise. */
bool i18n_parse(const char *s, kiosk_language *out);

#endif
