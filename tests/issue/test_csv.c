/*
 * test_csv.c: the RFC 4180 reader (app/csv.h) against a table of inputs,
 * each with the records expected (fields joined by '|', records by ';',
 * "!N" for an error found on line N) and the line each record starts on.
 * Cases follow RFC 4180 section 2 rule by rule, then what spreadsheet
 * programs write (BOM, CR only, no final line end, blank rows), then the
 * limits at N-1, N and N+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

typedef struct {
    const char *name;
    const char *in;
    const char *want;    /* records: f|f;f|f  errors: !LINE */
    const char *lines;   /* the start line of each record, "1,2,4" */
} csv_case;

/* Reads all of in, describing it as the table does. */
static void describe(const char *in, size_t len, char *out, size_t cap, char *lines, size_t lcap)
{
    FILE *f = fmemopen((void *)in, len, "rb");
    assert_non_null(f);
    csv_reader *r = malloc(sizeof *r);
    csv_init(r, f);
    size_t o = 0, lo = 0;
    out[0] = lines[0] = '\0';
    csv_result res;
    while ((res = csv_next(r)) != CSV_END) {
        if (o)
            o += (size_t)snprintf(out + o, cap - o, ";");
        if (res == CSV_ERROR) {
            o += (size_t)snprintf(out + o, cap - o, "!%u", r->err_line);
            continue;
        }
        for (size_t i = 0; i < r->n_fields; i++)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "|" : "", r->fields[i]);
        lo += (size_t)snprintf(lines + lo, lcap - lo, "%s%u", lo ? "," : "", r->record_line);
    }
    free(r);
    fclose(f);
}

static void test_table(void **state)
{
    (void)state;
    static const csv_case cases[] = {
        /* RFC 4180 section 2 */
        {"1: CRLF records", "a,b\r\nc,d\r\n", "a|b;c|d", "1,2"},
        {"2: last record without a line end", "a,b\r\nc,d", "a|b;c|d", "1,2"},
        {"3: header like any record", "name,sub\r\nAda,1\r\n", "name|sub;Ada|1", "1,2"},
        {"4: spaces are part of a field", " a , b \r\n", " a | b ", "1"},
        {"4: empty fields", ",,\r\n", "||", "1"},
        {"5: quoted fields", "\"a\",\"b\"\r\n", "a|b", "1"},
        {"6: comma, CRLF and quotes in quotes", "\"a,b\",\"c\r\nd\",e\r\nf\r\n", "a,b|c\r\nd|e;f", "1,3"},
        {"6: LF inside quotes", "\"x\ny\"\nz\n", "x\ny;z", "1,3"},
        {"7: doubled quote", "\"say \"\"hi\"\"\",x\r\n", "say \"hi\"|x", "1"},
        {"7: only a quote", "\"\"\"\"\r\n", "\"", "1"},
        {"7: empty quoted field", "\"\",a\r\n", "|a", "1"},
        /* what spreadsheets write */
        {"LF only", "a,b\nc,d\n", "a|b;c|d", "1,2"},
        {"CR only (old Mac)", "a,b\rc,d\r", "a|b;c|d", "1,2"},
        {"BOM skipped", "\xef\xbb\xbfname\r\nAda\r\n", "name;Ada", "1,2"},
        {"BOM only once", "\xef\xbb\xbfname\r\n\xef\xbb\xbf" "Ada\r\n", "name;\xef\xbb\xbf" "Ada", "1,2"},
        {"blank lines skipped", "a\r\n\r\n\nb\r\n\r\n", "a;b", "1,4"},
        {"empty file", "", "", ""},
        {"UTF-8 names", "Émile Zoë,Łódź\n", "Émile Zoë|Łódź", "1"},
        {"trailing comma", "a,\n", "a|", "1"},
        /* errors, each on its line, and the reader goes on */
        {"quote inside unquoted field", "a,b\"c\nd\n", "!1;d", "2"},
        {"text after closing quote", "\"a\"b,c\nd\n", "!1;d", "2"},
        {"unterminated quote", "a\n\"b,c\nd\n", "a;!2", "1"},
        {"NUL byte", "a\n" "b\0c\n" "d\n", "a;!2;d", "1,3"},
        {"bad UTF-8", "a\ncaf\xe9,x\nd\n", "a;!2;d", "1,3"},
        {"overlong UTF-8", "\xc0\xaf\n", "!1", ""},
        {"surrogate in UTF-8", "\xed\xa0\x80\n", "!1", ""},
        {"error after a multi-line record", "\"a\nb\",c\nd\"e\nf\n", "a\nb|c;!3;f", "1,4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[4096], lines[256];
        size_t len = strlen(cases[i].in);
        if (strcmp(cases[i].name, "NUL byte") == 0)
            len = 8;
        describe(cases[i].in, len, out, sizeof out, lines, sizeof lines);
        if (strcmp(out, cases[i].want) != 0 || strcmp(lines, cases[i].lines) != 0)
            print_error("case '%s': got '%s' at lines '%s', want '%s' at '%s'\n", cases[i].name, out,
                        lines, cases[i].want, cases[i].lines);
        assert_string_equal(out, cases[i].want);
        assert_string_equal(lines, cases[i].lines);
    }
}

/* A field of CSV_MAX_FIELD - 1, CSV_MAX_FIELD and CSV_MAX_FIELD + 1
 * bytes, quoted and not; records of CSV_MAX_FIELDS +- 1 fields. */
static void test_limits(void **state)
{
    (void)state;
    size_t cap = 3 * CSV_MAX_RECORD;
    char *in = malloc(cap), *out = malloc(cap), lines[64];
    for (int quoted = 0; quoted <= 1; quoted++) {
        for (size_t n = CSV_MAX_FIELD - 1; n <= CSV_MAX_FIELD + 1; n++) {
            size_t o = 0;
            if (quoted)
                in[o++] = '"';
            memset(in + o, 'x', n);
            o += n;
            if (quoted)
                in[o++] = '"';
            memcpy(in + o, "\nnext\n", 6);
            o += 6;
            describe(in, o, out, cap, lines, sizeof lines);
            if (n <= CSV_MAX_FIELD) {
                assert_int_equal(strlen(out), n + 5);
                assert_string_equal(out + n, ";next");
            } else {
                assert_string_equal(out, quoted ? "!1;next" : "!1;next");
            }
        }
    }
    for (size_t n = CSV_MAX_FIELDS - 1; n <= CSV_MAX_FIELDS + 1; n++) {
        size_t o = 0;
        for (size_t k = 0; k < n; k++)
            o += (size_t)sprintf(in + o, "%sf", k ? "," : "");
        o += (size_t)sprintf(in + o, "\nnext\n");
        describe(in, o, out, cap, lines, sizeof lines);
        if (n <= CSV_MAX_FIELDS)
            assert_non_null(strstr(out, ";next"));
        else
            assert_string_equal(out, "!1;next");
    }
    free(in);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
