/*
 * esco.h: human names for skill codes, offline (assets/esco/README.md).
 *
 * The table is a strict TSV file: UTF-8, a header line exactly
 * "code<TAB>en<TAB>es<TAB>fr<TAB>de", then one skill a line with five
 * columns: the skill code (role.h's form), its English label (required),
 * and the Spanish, French and German labels (empty when not known).
 * LF or CRLF line ends; no comments, no blank lines, no quoting.
 * Rejects, with "NAME:LINE: why": a wrong header, a line with other than
 * five columns, a bad skill code, an empty English label, a label that is
 * not UTF-8, holds control characters or is over 512 bytes, a code given
 * twice. A file over ESCO_MAX_FILE bytes is refused.
 *
 * Lookups are binary searches over the rows, sorted at load.
 */
#ifndef TESS_MATCH_ESCO_H
#define TESS_MATCH_ESCO_H

#include <stdbool.h>
#include <stddef.h>

/* All of ESCO's 13 939 skills in five languages is about 4 MB. */
#define ESCO_MAX_FILE (16u * 1024u * 1024u)

enum { ESCO_EN = 0, ESCO_ES, ESCO_FR, ESCO_DE, ESCO_N_LANGS };

typedef struct {
    const char *code;
    const char *label[ESCO_N_LANGS];   /* NULL when the column is empty */
} esco_row;

typedef struct {
    size_t n;
    esco_row *rows;     /* sorted by code */
    char *text;         /* owns the strings */
} esco_table;

bool esco_parse(esco_table *t, const char *text, size_t len, const char *name, char *err,
                size_t err_cap);
bool esco_load(esco_table *t, const char *path, char *err, size_t err_cap);
void esco_free(esco_table *t);

/* The language index of a tag ("de", "fr-BE": its first subtag), or -1
 * for a language the table has no column for. */
int esco_lang(const char *tag);

/* The label of code in lang (a BCP 47 tag; NULL means English): that
 * language's, else the English one, else NULL (the caller shows the raw
 * code). */
const char *esco_lookup(const esco_table *t, const char *code, const char *lang);

/* The row of a code, or NULL. */
const esco_row *esco_find(const esco_table *t, const char *code);

#endif
