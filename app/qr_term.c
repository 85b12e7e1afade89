/* QR codes in a terminal, two modules per character cell. */
#include <ctype.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool alphanumeric(const char *s)
{
    for (; *s; s++)
        if (!(isdigit((unsigned char)*s) || isupper((unsigned char)*s) || strchr(" $%*+-./:", *s)))
            return false;
    return true;
}

static QRecLevel ecc_level(char ecc)
{
    switch (ecc) {
    case 'L': return QR_ECLEVEL_L;
    case 'Q': return QR_ECLEVEL_Q;
    case 'H': return QR_ECLEVEL_H;
    default: return QR_ECLEVEL_M;
    }
}

bool qr_print(FILE *out, const char *text, char ecc)
{
    QRinput *in = QRinput_new2(0, ecc_level(ecc));
    if (!in)
        return false;
    QRencodeMode mode = alphanumeric(text) ? QR_MODE_AN : QR_MODE_8;
    if (QRinput_append(in, mode, (int)strlen(text), (const unsigned char *)text) != 0) {
        QRinput_free(in);
        return false;
    }
    QRcode *qr = QRcode_encodeInput(in);
    QRinput_free(in);
    if (!qr)
        return false;
    const int quiet = 2, w = qr->width;
    /* Dark modules are the terminal's (usually dark) background; light
     * modules and the quiet zone are blocks in its (usually light) text
     * colour, so that a phone reads the code off the screen. */
    for (int y = -quiet; y < w + quiet; y += 2) {
        for (int x = -quiet; x < w + quiet; x++) {
            bool top = y >= 0 && y < w && x >= 0 && x < w && (qr->data[y * w + x] & 1);
            bool bot = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w &&
                       (qr->data[(y + 1) * w + x] & 1);
            const char *cell = !top && !bot ? "\xe2\x96\x88"    /* full block */
                               : !top      ? "\xe2\x96\x80"    /* upper half */
                               : !bot      ? "\xe2\x96\x84"    /* lower half */
                                           : " ";
            fputs(cell, out);
        }
        fputc('\n', out);
    }
    fprintf(out, "QR version %d, ECC %c, %s mode, %zu characters\n", qr->version,
            ecc ? ecc : 'M', mode == QR_MODE_AN ? "alphanumeric" : "byte", strlen(text));
    QRcode_free(qr);
    return true;
}

int cmd_qr(args *a)
{
    char ecc = 'M';
    const char *text = NULL, *v;
    bool bad = false;
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--ecc", &v, &bad)) {
            if (strlen(v) != 1 || !strchr("LMQH", v[0]))
                return usage_error(a, "--ecc must be L, M, Q or H, not '%s'", v);
            ecc = v[0];
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
    bool ok = qr_print(stdout, text, ecc);
    if (!ok)
        fprintf(stderr, "tessera qr: the text does not fit in a QR code\n");
    free(buf);
    return ok ? EXIT_VALID : EXIT_INVALID;
}
