/* tessera qr, and the QR code under `issue --qr`: the command's side of
 * qr_render.h (options, messages); the drawing is in qr_render.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qr_render.h"

static void print_summary(FILE *out, const qr_code *q, char ecc, const char *text)
{
    fprintf(out, "QR version %d, ECC %c, %s mode, %zu characters\n", q->version, ecc ? ecc : 'M',
            q->alphanumeric ? "alphanumeric" : "byte", strlen(text));
}

bool qr_print(FILE *out, const char *text, char ecc)
{
    qr_code q;
    if (!qr_encode(text, ecc, &q))
        return false;
    qr_write_term(&q, out);
    print_summary(out, &q, ecc, text);
    qr_free(&q);
    return true;
}

/* A whole number lo..hi, for --scale and --margin. */
static bool parse_range(const char *s, int lo, int hi, int *out)
{
    uint64_t v;
    if (!parse_u64(s, &v) || v < (uint64_t)lo || v > (uint64_t)hi)
        return false;
    *out = (int)v;
    return true;
}

int cmd_qr(args *a)
{
    enum { TERM, PNG, SVG } to = TERM;
    char ecc = 'M';
    int scale = 8, margin = 4;
    const char *text = NULL, *path = NULL, *v;
    bool bad = false, chose = false, styled = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--ecc", &v, &bad)) {
            if (strlen(v) != 1 || !strchr("LMQH", v[0]))
                return usage_error(a, "--ecc must be L, M, Q or H, not '%s'", v);
            ecc = v[0];
        } else if (!bad && arg_opt(a, "--scale", &v, &bad)) {
            styled = true;
            if (!parse_range(v, 1, QR_MAX_SCALE, &scale))
                return usage_error(a, "--scale must be 1..%d pixels per module, not '%s'",
                                   QR_MAX_SCALE, v);
        } else if (!bad && arg_opt(a, "--margin", &v, &bad)) {
            styled = true;
            if (!parse_range(v, 0, QR_MAX_MARGIN, &margin))
                return usage_error(a, "--margin must be 0..%d modules, not '%s'", QR_MAX_MARGIN, v);
        } else if (!bad && arg_opt(a, "--png", &v, &bad)) {
            if (chose)
                return usage_error(a, "choose one of --png, --svg and --term");
            chose = true;
            to = PNG;
            path = v;
        } else if (!bad && arg_opt(a, "--svg", &v, &bad)) {
            if (chose)
                return usage_error(a, "choose one of --png, --svg and --term");
            chose = true;
            to = SVG;
            path = v;
        } else if (!bad && arg_flag(a, "--term")) {
            if (chose)
                return usage_error(a, "choose one of --png, --svg and --term");
            chose = true;
            to = TERM;
        } else if (!bad) {
            const char *arg = a->argv[a->i];
            if (arg[0] == '-' && arg[1] == '-')
                return usage_error(a, "unknown option '%s'", arg);
            if (text)
                return usage_error(a, "give one text (or -), not '%s' too", arg);
            text = a->argv[a->i++];
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!text)
        return usage_error(a, "give the text to encode, or - for standard input");
    if (to == TERM && styled)
        return usage_error(a, "--scale and --margin are for --png and --svg");
    uint8_t *buf = NULL;
    if (strcmp(text, "-") == 0) {
        size_t len;
        if (!(buf = read_file("-", 8192, &len)))
            return EXIT_USAGE;
        char *s = (char *)buf;
        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
            s[--len] = '\0';
        text = s;
    }
    qr_code q;
    if (!qr_encode(text, ecc, &q)) {
        fprintf(stderr, "tessera qr: the text does not fit in a QR code\n");
        free(buf);
        return EXIT_INVALID;
    }
    int rc = EXIT_VALID;
    if (to == TERM) {
        qr_write_term(&q, stdout);
        print_summary(stdout, &q, ecc, text);
    } else {
        /* The style says "none" with a negative margin: 0 means the default. */
        qr_style st = {ecc, scale, margin ? margin : -1};
        bool ok = to == PNG ? qr_write_png(&q, &st, path) : qr_write_svg(&q, &st, path);
        if (ok) {
            int side = (q.width + 2 * margin) * scale;
            printf("%s: ", path);
            print_summary(stdout, &q, ecc, text);
            if (to == PNG)
                printf("%d x %d pixels\n", side, side);
        } else {
            fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
            rc = EXIT_USAGE;
        }
    }
    qr_free(&q);
    free(buf);
    return rc;
}
