/* RFC 4180 reader, streaming. See csv.h. */
#include "csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

void csv_init(csv_reader *r, FILE *f)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->line = 1;
    r->pending = -1;
}

static int get(csv_reader *r)
{
    if (r->pending >= 0) {
        int c = r->pending;
        r->pending = -1;
        return c;
    }
    if (r->eof)
        return EOF;
    int c = getc(r->f);
    if (c == EOF)
        r->eof = true;
    return c;
}

static void unget(csv_reader *r, int c)
{
    r->pending = c;
}

/* Consumes the rest of a line end that started with c ('\r' or '\n'). */
static void line_end(csv_reader *r, int c)
{
    if (c == '\r') {
        int d = get(r);
        if (d != '\n' && d != EOF)
            unget(r, d);
    }
    r->line++;
}

/* How to go on after an error: not at all (the rest is swallowed), to the
 * end of the line, or past the quoted field we are in, then to the end of
 * the line. */
enum { SKIP_NONE, SKIP_LINE, SKIP_QUOTED };

static csv_result error(csv_reader *r, int skip, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static csv_result error(csv_reader *r, int skip, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->err_line = r->line;
    r->n_fields = 0;
    int c;
    if (skip == SKIP_QUOTED) {
        while ((c = get(r)) != EOF) {
            if (c == '\n' || c == '\r') {
                line_end(r, c);
            } else if (c == '"') {
                int d = get(r);
                if (d != '"') {
                    unget(r, d);
                    break;
                }
            }
        }
    }
    if (skip != SKIP_NONE) {
        while ((c = get(r)) != EOF && c != '\n' && c != '\r')
            ;
        if (c != EOF)
            line_end(r, c);
    }
    return CSV_ERROR;
}

/* Valid UTF-8 (RFC 3629). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], min;
        size_t more;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0)
            more = 1, min = 0x80, c &= 0x1F;
        else if ((c & 0xF0) == 0xE0)
            more = 2, min = 0x800, c &= 0x0F;
        else if ((c & 0xF8) == 0xF0)
            more = 3, min = 0x10000, c &= 0x07;
        else
            return false;
        for (size_t k = 1; k <= more; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return false;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

csv_result csv_next(csv_reader *r)
{
    r->n_fields = 0;
    r->err[0] = '\0';
    if (!r->started) {
        r->started = true;
        int a = get(r);
        if (a == 0xEF) {
            int b = get(r), c = get(r);
            if (b != 0xBB || c != 0xBF) {
                /* Not a BOM: the bytes are the start of the data. Only two
                 * can be pushed back here, so refuse this rare case. */
                return error(r, SKIP_LINE, "starts with a byte 0xEF that is not a UTF-8 byte order mark");
            }
        } else if (a != EOF) {
            unget(r, a);
        }
    }
    int c;
    /* Skip blank lines between records. */
    for (;;) {
        c = get(r);
        if (c == '\r' || c == '\n') {
            line_end(r, c);
            continue;
        }
        break;
    }
    if (c == EOF)
        return CSV_END;
    r->record_line = r->line;
    r->record_no++;
    size_t used = 0, start = 0;
    bool quoted = false, after_quote = false, field_open = true;
    for (;;) {
        if (!field_open) {
            /* start a new field */
            field_open = true;
            quoted = after_quote = false;
            start = used;
        }
        if (used == start && !quoted && !after_quote && c == '"') {
            quoted = true;
            c = get(r);
            continue;
        }
        if (quoted) {
            if (c == EOF)
            {
                csv_result e = error(r, SKIP_NONE, "a quoted field is not closed before the end of the file");
                r->err_line = r->record_line;
                return e;
            }
            if (c == '"') {
                int d = get(r);
                if (d == '"') {
                    c = '"';
                } else {
                    quoted = false;
                    after_quote = true;
                    c = d;
                    continue;
                }
            } else if (c == '\r' || c == '\n') {
                /* A line end inside quotes is data; keep it as read
                 * ("\r\n" stays "\r\n") and count the line. */
                if (c == '\r') {
                    int d = get(r);
                    if (used + 2 > CSV_MAX_RECORD)
                        return error(r, SKIP_QUOTED, "record longer than %u bytes", CSV_MAX_RECORD);
                    r->buf[used++] = '\r';
                    if (d == '\n')
                        r->buf[used++] = '\n';
                    else
                        unget(r, d);
                    r->line++;
                    if (used - start > CSV_MAX_FIELD)
                        return error(r, SKIP_QUOTED, "field %zu is longer than %u bytes",
                                     r->n_fields + 1, CSV_MAX_FIELD);
                    c = get(r);
                    continue;
                }
                r->line++;
            }
        } else if (c == ',' || c == '\r' || c == '\n' || c == EOF) {
            if (r->n_fields == CSV_MAX_FIELDS)
                return error(r, c == ',' ? SKIP_LINE : SKIP_NONE,
                             "more than %u fields in a record", CSV_MAX_FIELDS);
            r->buf[used] = '\0';
            if (!utf8_ok((const unsigned char *)r->buf + start, used - start))
                return error(r, c == ',' ? SKIP_LINE : SKIP_NONE, "field %zu is not valid UTF-8 (save the sheet as CSV UTF-8)",
                             r->n_fields + 1);
            r->fields[r->n_fields++] = r->buf + start;
            used++;
            field_open = false;
            if (c == ',') {
                c = get(r);
                continue;
            }
            if (c != EOF)
                line_end(r, c);
            return CSV_RECORD;
        } else if (after_quote) {
            return error(r, SKIP_LINE, "field %zu: only a comma or a line end may follow a closing quote",
                         r->n_fields + 1);
        } else if (c == '"') {
            return error(r, SKIP_LINE, "field %zu: a quote inside an unquoted field (quote the whole field and double the quote)",
                         r->n_fields + 1);
        }
        if (c == 0)
            return error(r, quoted ? SKIP_QUOTED : SKIP_LINE, "a NUL byte in field %zu", r->n_fields + 1);
        if (used - start >= CSV_MAX_FIELD)
            return error(r, quoted ? SKIP_QUOTED : SKIP_LINE, "field %zu is longer than %u bytes", r->n_fields + 1,
                         CSV_MAX_FIELD);
        if (used + 1 >= CSV_MAX_RECORD)
            return error(r, quoted ? SKIP_QUOTED : SKIP_LINE, "record longer than %u bytes", CSV_MAX_RECORD);
        r->buf[used++] = (char)c;
        c = get(r);
    }
}
