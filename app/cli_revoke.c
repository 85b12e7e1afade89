/*
 * tessera revoke: adds a credential id to a revocation list, the file that
 * `tessera bundle create --revoked-file` reads: one cti (32 hex digits) a
 * line; blank lines and lines starting with '#' are skipped by that
 * reader, so a reason goes on a comment line above its id.
 *
 * The list is appended to (O_APPEND, then fsync): a list of a million ids
 * is not rewritten for one more. A power cut can at worst leave the last
 * line short, which bundle create then refuses by its line number; the
 * next revoke puts its id on a line of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"

/* The cti of row (or check that cti is in the manifest). */
static bool manifest_find(const char *path, uint64_t *row, const char *cti_in, char cti_out[33])
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    csv_reader *r = malloc(sizeof *r);
    if (!r) {
        fclose(f);
        fputs("tessera revoke: out of memory\n", stderr);
        return false;
    }
    csv_init(r, f);
    bool found = false, ok = true;
    csv_result res = csv_next(r);
    if (res != CSV_RECORD || r->n_fields < 2 || strcmp(r->fields[0], "row") != 0 ||
        strcmp(r->fields[1], "cti") != 0) {
        fprintf(stderr, "%s:1: not a batch manifest (its first line is row,cti,file)\n", path);
        ok = false;
    }
    while (ok && !found && (res = csv_next(r)) != CSV_END) {
        if (res == CSV_ERROR || r->n_fields < 2) {
            fprintf(stderr, "%s:%u: %s\n", path, res == CSV_ERROR ? r->err_line : r->record_line,
                    res == CSV_ERROR ? r->err : "expected row,cti,file");
            ok = false;
            break;
        }
        uint64_t n;
        uint8_t bin[16];
        if (!parse_u64(r->fields[0], &n) || !from_hex(r->fields[1], bin, sizeof bin)) {
            fprintf(stderr, "%s:%u: expected a row number and a 32-hex-digit cti\n", path,
                    r->record_line);
            ok = false;
            break;
        }
        if (cti_in ? strcasecmp(cti_in, r->fields[1]) == 0 : n == *row) {
            to_hex(bin, sizeof bin, cti_out);
            *row = n;
            found = true;
        }
    }
    if (ok && !found) {
        if (cti_in)
            fprintf(stderr, "%s: no credential with cti %s in this manifest\n", path, cti_in);
        else
            fprintf(stderr, "%s: no row %llu in this manifest (skipped rows were never issued)\n",
                    path, (unsigned long long)*row);
    }
    free(r);
    fclose(f);
    return ok && found;
}

int cmd_revoke(args *a)
{
    const char *manifest = NULL, *list = NULL, *row_s = NULL, *cti_s = NULL, *reason = NULL;
    bool bad = false;
    while (a->i < a->argc && !bad) {
        if (!arg_opt(a, "--manifest", &manifest, &bad) && !arg_opt(a, "--list", &list, &bad) &&
            !arg_opt(a, "--row", &row_s, &bad) && !arg_opt(a, "--cti", &cti_s, &bad) &&
            !arg_opt(a, "--reason", &reason, &bad) && !bad)
            return usage_error(a, "unknown argument '%s'", a->argv[a->i]);
    }
    if (bad)
        return EXIT_USAGE;
    if (!list)
        return usage_error(a, "--list FILE is required (the revocation list to add to)");
    if (!!row_s == !!cti_s)
        return usage_error(a, "give exactly one of --row N (with --manifest) and --cti HEX");
    if (row_s && !manifest)
        return usage_error(a, "--row needs --manifest FILE (the batch's manifest.csv)");
    uint64_t row = 0;
    uint8_t bin[16];
    if (row_s && (!parse_u64(row_s, &row) || row < 2))
        return usage_error(a, "--row: give the row number from the manifest (2 and up; row 1 is "
                              "the header), not '%s'", row_s);
    if (cti_s && !from_hex(cti_s, bin, sizeof bin))
        return usage_error(a, "--cti: give the credential id as 32 hex digits, not '%s'", cti_s);
    if (reason) {
        for (const char *p = reason; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                return usage_error(a, "--reason: one line of text, without control characters");
    }
    char cti[33];
    if (manifest) {
        if (!manifest_find(manifest, &row, cti_s, cti))
            return EXIT_USAGE;
    } else {
        to_hex(bin, sizeof bin, cti);
    }

    /* Already listed? The same reading as bundle create's: the first word
     * of each line that is not blank or a comment. */
    size_t len = 0;
    uint8_t *buf = NULL;
    if (access(list, F_OK) == 0) {
        if (!(buf = read_file(list, (size_t)1 << 30, &len)))
            return EXIT_USAGE;
    }
    bool ends_in_newline = len == 0 || buf[len - 1] == '\n';
    unsigned line_no = 0;
    for (char *line = (char *)buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        line += strspn(line, " \t");
        line[strcspn(line, " \t\r")] = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        if (strcasecmp(line, cti) == 0) {
            printf("%s is already in %s (line %u); nothing added\n", cti, list, line_no);
            free(buf);
            return EXIT_VALID;
        }
    }
    free(buf);

    char text[800], when[40], where[100] = "";
    format_time(now_seconds(), when, sizeof when);
    if (manifest)
        snprintf(where, sizeof where, ", row %llu of the batch", (unsigned long long)row);
    int n = snprintf(text, sizeof text, "%s# revoked %s%s%s%.400s\n%s\n", ends_in_newline ? "" : "\n",
                     when, where, reason ? ": " : "", reason ? reason : "", cti);
    if (n <= 0 || (size_t)n >= sizeof text)
        return usage_error(a, "--reason is too long");
    int fd = open(list, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot open for writing: %s\n", list, strerror(errno));
        return EXIT_USAGE;
    }
    ssize_t w = write(fd, text, (size_t)n);
    bool ok = w == n && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "%s: cannot write: %s\n", list, strerror(e ? e : EIO));
        return EXIT_USAGE;
    }
    printf("revoked %s: added to %s; publish it with `tessera bundle create ... --revoked-file %s`\n",
           cti, list, list);
    return EXIT_VALID;
}
