/*
 * csv.h: an RFC 4180 reader, one record at a time, for the spreadsheets
 * that batch issuance reads (and the manifests that revocation reads).
 *
 * Accepts: fields separated by ',', records ended by CRLF, LF or a lone
 * CR; fields in double quotes, which may hold commas, line ends and ""
 * (one quote); a UTF-8 byte order mark at the very start (skipped, as
 * spreadsheet programs write one); a last record without a line end;
 * blank lines between records (skipped: a spreadsheet's empty rows).
 * Rejects, as a CSV_ERROR with the line it was found on: a quote inside an
 * unquoted field, anything but a comma or line end after a closing quote,
 * a quoted field still open at the end of the file, a NUL byte, bytes
 * that are not UTF-8, a field over CSV_MAX_FIELD bytes, a record over
 * CSV_MAX_FIELDS fields or CSV_MAX_RECORD bytes.
 * After an error the reader skips to the end of that physical line (the
 * unterminated quote excepted: it swallowed the rest of the file) so that
 * the caller can report the row and go on with the next one.
 * Does not check: that records have the same number of fields (the
 * caller knows the header), nor what fields mean.
 */
#ifndef TESS_CSV_H
#define TESS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELD 4096u     /* a name or a date; 8x the FORMAT.md string limit */
#define CSV_MAX_FIELDS 64u      /* far more columns than batch issuance knows */
#define CSV_MAX_RECORD 65536u   /* bytes of one record, all fields */

typedef enum { CSV_END = 0, CSV_RECORD = 1, CSV_ERROR = -1 } csv_result;

typedef struct {
    FILE *f;
    unsigned line;              /* the physical line being read, from 1 */
    bool started;               /* the BOM check is done */
    bool eof;
    int pending;                /* a byte read ahead, or -1 */
    /* The current record: fields[i] points into buf, NUL-terminated. */
    char buf[CSV_MAX_RECORD + CSV_MAX_FIELDS];
    char *fields[CSV_MAX_FIELDS];
    size_t n_fields;
    unsigned record_line;       /* the line the record starts on */
    unsigned record_no;         /* records read so far, errors included */
    char err[160];              /* after CSV_ERROR: what was wrong */
    unsigned err_line;          /* and on which line */
} csv_reader;

/* Reads from f (not closed by the reader). The reader is large (~70 KB):
 * allocate it, don't put it on a small stack. */
void csv_init(csv_reader *r, FILE *f);

/* The next record into r->fields / r->n_fields. */
csv_result csv_next(csv_reader *r);

#endif
