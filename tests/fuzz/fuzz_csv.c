/*
 * fuzz_csv.c: the spreadsheet reader of batch issuance (csv_next,
 * app/csv.h) under libFuzzer, reading the input as a file.
 *
 * Crashes on: a record with more than CSV_MAX_FIELDS fields or a field
 * that is not NUL-terminated inside the record buffer; an error without a
 * terminated message; line numbers that go backwards; more records than
 * the input has bytes (the reader must always move on).
 */
#include "csv.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
    CHECK(f != NULL);
    static csv_reader r;
    csv_init(&r, f);
    size_t records = 0;
    unsigned last_line = 0;
    csv_result res;
    while ((res = csv_next(&r)) != CSV_END) {
        CHECK(++records <= size + 1);
        if (res == CSV_ERROR) {
            CHECK(memchr(r.err, '\0', sizeof r.err) != NULL && r.err[0] != '\0');
            CHECK(r.err_line >= 1);
            continue;
        }
        CHECK(res == CSV_RECORD);
        CHECK(r.n_fields >= 1 && r.n_fields <= CSV_MAX_FIELDS);
        CHECK(r.record_line >= last_line);
        last_line = r.record_line;
        for (size_t i = 0; i < r.n_fields; i++) {
            CHECK(r.fields[i] >= r.buf && r.fields[i] < r.buf + sizeof r.buf);
            CHECK(memchr(r.fields[i], '\0', (size_t)(r.buf + sizeof r.buf - r.fields[i])));
        }
    }
    fclose(f);
    return 0;
}
