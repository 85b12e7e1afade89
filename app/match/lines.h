/*
 * lines.h: the line reader shared by the booth's text files (role files,
 * access lists): UTF-8 text, one entry a line, '#' starts a comment line,
 * blank lines skipped, spaces and tabs around a line trimmed, CRLF line
 * ends and a leading byte order mark accepted, as the credential templates
 * (assets/templates/README.md) are read.
 *
 * It works in place on a NUL-terminated copy that the caller owns (the
 * lines it gives out point into it). It does not check UTF-8 or control
 * characters: each file's parser checks its values (tmpl_check_text).
 */
#ifndef TESS_MATCH_LINES_H
#define TESS_MATCH_LINES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *p;          /* the rest of the text */
    unsigned line;    /* the number of the line last given out, from 1 */
} lines;

void lines_init(lines *r, char *text);
/* The next line that is neither blank nor a comment, trimmed, in *out.
 * False at the end of the text. */
bool lines_next(lines *r, char **out);
/* Trims spaces and tabs at both ends, in place. */
char *lines_trim(char *s);

/* Reads a whole text file of at most max bytes into a new NUL-terminated
 * buffer; refuses a larger file and one holding a NUL byte. NULL with
 * "PATH: why" in err. */
char *lines_read_file(const char *path, size_t max, size_t *len, char *err, size_t err_cap);

#endif
