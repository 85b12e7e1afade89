/* tessera scan: the QR texts in image files, as read (one per line), or
 * as JSON. Also the image reader behind `tessera verify --image`. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "frames.h"
#include "json.h"
#include "scanner.h"

bool scan_image_first(const char *path, const char *prefix, char *text, size_t cap,
                      size_t *len, char *err, size_t err_cap)
{
    *len = 0;
    frame_source *src = frame_open(path, err, err_cap);
    if (!src)
        return false;
    scan_options opt = {0, 0, 0, 0, false, true};
    scanner *sc = scanner_new(&opt);
    scan_result *r = malloc(sizeof *r);
    grey_frame f;
    frame_result fr;
    bool read_any = false, found = false, other = false;
    while (sc && r && !found && (fr = frame_next(src, &f)) != FRAME_END) {
        if (fr != FRAME_OK)
            continue;
        read_any = true;
        scanner_scan(sc, &f, r);
        other |= r->n > 0;
        for (int i = 0; i < r->n && !found; i++) {
            /* the credential, not any other code beside it (a URL, a
             * wallet's logo code) */
            if (prefix && (r->len[i] < strlen(prefix) ||
                           strncasecmp(r->text[i], prefix, strlen(prefix)) != 0))
                continue;
            if (r->len[i] >= cap)
                continue;
            memcpy(text, r->text[i], r->len[i]);
            text[r->len[i]] = '\0';
            *len = r->len[i];
            found = true;
        }
    }
    if (!sc || !r)
        snprintf(err, err_cap, "out of memory");
    else if (!read_any)
        snprintf(err, err_cap, "%s: not a PNG or JPEG image, or damaged", path);
    else if (!found && other)
        snprintf(err, err_cap, "no QR code found in %s with an %s text (only other codes)", path,
                 prefix ? prefix : "");
    else if (!found)
        snprintf(err, err_cap, "no QR code found in %s", path);
    free(r);
    scanner_free(sc);
    frame_close(src);
    return found;
}

int cmd_scan(args *a)
{
    bool as_json = false, files_only = false;
    int first = a->i, n_files = 0;
    for (int i = a->i; i < a->argc; i++) {
        const char *s = a->argv[i];
        if (!files_only && strcmp(s, "--") == 0)
            files_only = true;
        else if (!files_only && strcmp(s, "--json") == 0)
            as_json = true;
        else if (!files_only && s[0] == '-' && s[1] == '-')
            return usage_error(a, "unknown option '%s'", s);
        else
            n_files++;
    }
    if (n_files == 0)
        return usage_error(a, "give one or more image files (PNG or JPEG) or folders");

    scan_options opt = {0, 0, 0, 0, false, true};
    scanner *sc = scanner_new(&opt);
    scan_result *r = malloc(sizeof *r);
    if (!sc || !r) {
        fputs("tessera scan: out of memory\n", stderr);
        free(r);
        scanner_free(sc);
        return EXIT_USAGE;
    }
    json j;
    if (as_json) {
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "files");
        json_arr(&j);
    }
    int found = 0;
    bool unreadable = false;
    files_only = false;
    for (int i = first; i < a->argc; i++) {
        const char *path = a->argv[i];
        if (!files_only && (strcmp(path, "--") == 0 || strcmp(path, "--json") == 0)) {
            files_only = strcmp(path, "--") == 0;
            continue;
        }
        char err[1200];
        frame_source *src = frame_open(path, err, sizeof err);
        if (!src) {
            fprintf(stderr, "%s\n", err);
            unreadable = true;
            if (as_json) {
                json_obj(&j);
                json_key(&j, "file");
                json_str(&j, path);
                json_key(&j, "error");
                json_str(&j, err);
                json_end_obj(&j);
            }
            continue;
        }
        grey_frame f;
        frame_result fr;
        while ((fr = frame_next(src, &f)) != FRAME_END) {
            const char *name = f.name ? f.name : path;
            if (fr != FRAME_OK) {
                fprintf(stderr, "%s: not a PNG or JPEG image, or damaged\n", name);
                unreadable = true;
                if (as_json) {
                    json_obj(&j);
                    json_key(&j, "file");
                    json_str(&j, name);
                    json_key(&j, "error");
                    json_str(&j, "not a PNG or JPEG image, or damaged");
                    json_end_obj(&j);
                }
                if (fr == FRAME_LOST || fr == FRAME_AGAIN)
                    break; /* a camera: one try only */
                continue;
            }
            scanner_scan(sc, &f, r);
            found += r->n;
            if (as_json) {
                json_obj(&j);
                json_key(&j, "file");
                json_str(&j, name);
                json_key(&j, "codes");
                json_arr(&j);
                for (int k = 0; k < r->n; k++)
                    json_strn(&j, (const uint8_t *)r->text[k], r->len[k]);
                json_end_arr(&j);
                json_key(&j, "passes");
                json_u64(&j, (uint64_t)r->passes);
                json_end_obj(&j);
            } else {
                for (int k = 0; k < r->n; k++) {
                    fwrite(r->text[k], 1, r->len[k], stdout);
                    fputc('\n', stdout);
                }
            }
            if (!f.name)
                break; /* a camera: one frame */
        }
        frame_close(src);
    }
    if (as_json) {
        json_end_arr(&j);
        json_key(&j, "found");
        json_u64(&j, (uint64_t)found);
        json_end_obj(&j);
        json_done(&j);
    }
    free(r);
    scanner_free(sc);
    if (unreadable)
        return EXIT_USAGE;
    return found > 0 ? EXIT_VALID : EXIT_INVALID;
}
