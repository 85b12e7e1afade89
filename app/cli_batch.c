/*
 * tessera issue --template FILE --csv FILE --out DIR: batch issuance from a
 * spreadsheet. One credential per CSV record; a bad record is reported as
 * "FILE:LINE: why" and skipped, the others go on. DIR gets a PNG of each
 * QR code (NNNN.png, NNNN the row), manifest.csv (row,cti,file) for
 * revocation, and cards.pdf, A4 sheets of ten 85 x 54 mm cards to cut.
 *
 * The manifest holds no names: it is kept for as long as credentials may
 * need revoking, often beside the PNGs on a shared drive, and the row
 * number leads back to the spreadsheet the provider already keeps (and
 * protects) anyway. Less personal data in more places.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "cli.h"
#include "csv.h"
#include "keyseal.h"
#include "qr_render.h"
#include "template.h"
#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"

/* The columns a spreadsheet may have: only what the credential carries. */
enum { COL_NAME, COL_SUB, COL_LANG, COL_ISSUED_AT, COL_EXPIRES, N_COLS };
static const char *const col_names[N_COLS] = {"name", "sub", "lang", "issued_at", "expires"};

/* QR codes on printed cards use level Q (FORMAT.md: "Q for printed
 * badges"); the PNG is the same code. */
#define CARD_ECC 'Q'
#define PNG_SCALE 4

typedef struct {
    unsigned row;
    char *name;
    char *text;
    uint64_t iat;
    uint64_t exp;       /* 0: none */
    qr_code qr;         /* encoded once, for the PNG and the PDF */
} card;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool same_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 0x20) != (*b | 0x20))
            return false;
    return !*a && !*b;
}

static char *trimmed(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* ---- the PDF: A4 sheets of 85 x 54 mm cards ---- */

#define MM (72.0 / 25.4)
#define PAGE_W (210.0 * MM)
#define PAGE_H (297.0 * MM)
#define CARD_W (85.0 * MM)
#define CARD_H (54.0 * MM)
#define COLS 2
#define ROWS 5
#define GRID_X ((PAGE_W - COLS * CARD_W) / 2)
#define GRID_Y ((PAGE_H - ROWS * CARD_H) / 2)
#define QR_SIZE (46.0 * MM)   /* the code with its quiet zone */
#define PAD (4.0 * MM)

/* Dark modules as filled rectangles, one per horizontal run: vectors stay
 * crisp at any printer resolution. */
static void draw_qr(cairo_t *cr, const qr_code *q, double x, double y, double size)
{
    double m = size / (q->width + 8);
    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < q->width; r++) {
        int c = 0;
        while (c < q->width) {
            if (!q->modules[r * q->width + c]) {
                c++;
                continue;
            }
            int start = c;
            while (c < q->width && q->modules[r * q->width + c])
                c++;
            cairo_rectangle(cr, x + (4 + start) * m, y + (4 + r) * m, (c - start) * m, m);
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

/* Lays out text in at most max_lines lines of width w, shrinking the font
 * from size to min_size; the last line ends in "..." when even that does
 * not fit. Draws from the baseline of the first line at y; returns the y
 * below the last line. */
static double draw_text(cairo_t *cr, const char *text, double x, double y, double w,
                        int max_lines, double size, double min_size, bool bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    char lines[4][600];
    int n = 0;
    size_t len = strlen(text);
    if (len >= sizeof lines[0])
        len = sizeof lines[0] - 1;
    /* half a point smaller each turn: an integer counts the turns and the
     * size is derived from it, never a float loop counter */
    for (int half = 0;; half++) {
        double s = size - 0.5 * half;
        cairo_set_font_size(cr, s);
        n = 0;
        bool fits = true;
        size_t i = 0;
        while (i < len && fits) {
            if (n == max_lines) {
                fits = false;
                break;
            }
            /* the longest run of whole words from i that fits */
            size_t best = 0, j = i;
            char buf[600];
            while (j <= len) {
                if (j == len || text[j] == ' ') {
                    memcpy(buf, text + i, j - i);
                    buf[j - i] = '\0';
                    cairo_text_extents_t e;
                    cairo_text_extents(cr, buf, &e);
                    if (e.x_advance <= w)
                        best = j;
                    else
                        break;
                }
                j++;
            }
            if (best == 0) {
                fits = false;
                break;
            }
            memcpy(lines[n], text + i, best - i);
            lines[n][best - i] = '\0';
            n++;
            i = best;
            while (i < len && text[i] == ' ')
                i++;
        }
        if (fits || s - 0.5 < min_size) {
            if (!fits) {
                /* Force the rest into the last line, cut with "...". */
                n = n < max_lines ? n : max_lines - 1;
                size_t used = 0;
                for (int k = 0; k < n; k++)
                    used += strlen(lines[k]) + 1;
                char *last = lines[n++];
                size_t l = used < len ? len - used : 0;
                if (l > sizeof lines[0] - 4)
                    l = sizeof lines[0] - 4;
                memmove(last, used < len ? text + used : "", l);
                last[l] = '\0';
                cairo_text_extents_t e;
                char tmp[sizeof lines[0]];
                for (;;) {
                    memcpy(tmp, last, l);
                    memcpy(tmp + l, "...", 4);
                    cairo_text_extents(cr, tmp, &e);
                    if (e.x_advance <= w || l == 0) {
                        memcpy(last, tmp, l + 4);
                        break;
                    }
                    /* drop one UTF-8 character */
                    do
                        l--;
                    while (l > 0 && ((unsigned char)last[l] & 0xC0) == 0x80);
                    last[l] = '\0';
                }
            }
            break;
        }
    }
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    for (int k = 0; k < n; k++) {
        cairo_move_to(cr, x, y + k * fe.height);
        cairo_show_text(cr, lines[k]);
    }
    return y + (n > 0 ? n - 1 : 0) * fe.height + fe.descent;
}

static void cut_marks(cairo_t *cr)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25);
    double gap = 2 * MM, len = 6 * MM;
    for (int c = 0; c <= COLS; c++) {
        double x = GRID_X + c * CARD_W;
        cairo_move_to(cr, x, GRID_Y - gap);
        cairo_line_to(cr, x, GRID_Y - gap - len);
        cairo_move_to(cr, x, GRID_Y + ROWS * CARD_H + gap);
        cairo_line_to(cr, x, GRID_Y + ROWS * CARD_H + gap + len);
    }
    for (int r = 0; r <= ROWS; r++) {
        double y = GRID_Y + r * CARD_H;
        cairo_move_to(cr, GRID_X - gap, y);
        cairo_line_to(cr, GRID_X - gap - len, y);
        cairo_move_to(cr, GRID_X + COLS * CARD_W + gap, y);
        cairo_line_to(cr, GRID_X + COLS * CARD_W + gap + len, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_card(cairo_t *cr, const card *k, const qr_code *q, const tmpl *t, double x,
                      double y)
{
    /* a hairline frame, light, to see the card when cut a little off */
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 0.3);
    cairo_rectangle(cr, x, y, CARD_W, CARD_H);
    cairo_stroke(cr);
    cairo_restore(cr);

    double qx = x + CARD_W - QR_SIZE - PAD / 2, qy = y + (CARD_H - QR_SIZE) / 2;
    draw_qr(cr, q, qx, qy, QR_SIZE);

    double tx = x + PAD, tw = qx - tx - 1.0 * MM;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    double ty = draw_text(cr, t->awarder, tx, y + PAD + 6, tw, 2, 6.5, 5, false);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ty = draw_text(cr, k->name, tx, ty + 14, tw, 3, 12, 6, true);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    ty = draw_text(cr, t->title, tx, ty + 12, tw, 3, 9, 6, false);
    char facts[120] = "";
    if (t->has & TESS_HAS_EQF)
        snprintf(facts, sizeof facts, "EQF level %llu", (unsigned long long)t->eqf);
    if (t->has & TESS_HAS_WORKLOAD)
        snprintf(facts + strlen(facts), sizeof facts - strlen(facts), "%s%llu hours",
                 facts[0] ? ", " : "", (unsigned long long)t->workload);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    if (facts[0])
        draw_text(cr, facts, tx, ty + 10, tw, 1, 6.5, 5, false);

    char date[40], line[80];
    format_time(k->iat, date, sizeof date);
    date[10] = '\0';   /* YYYY-MM-DD */
    snprintf(line, sizeof line, "Issued %s", date);
    draw_text(cr, line, tx, y + CARD_H - PAD - 14, tw, 1, 6.5, 5, false);
    if (k->exp) {
        format_time(k->exp, date, sizeof date);
        date[10] = '\0';
        snprintf(line, sizeof line, "Valid until %s", date);
        draw_text(cr, line, tx, y + CARD_H - PAD - 7, tw, 1, 6.5, 5, false);
    }
    draw_text(cr, "Scan the code to verify", tx, y + CARD_H - PAD, tw, 1, 5.5, 4.5, false);
}

/* Writes the sheet to a temporary file beside path and renames it. */
static bool write_pdf(const char *path, const card *cards, size_t n, const tmpl *t)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        fprintf(stderr, "%s: path too long\n", path);
        return false;
    }
    cairo_surface_t *s = cairo_pdf_surface_create(tmp, PAGE_W, PAGE_H);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: cannot write: %s\n", path, cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        unlink(tmp);
        return false;
    }
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, t->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "tessera issue");
    cairo_t *cr = cairo_create(s);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t slot = i % (COLS * ROWS);
        if (slot == 0 && i > 0)
            cairo_show_page(cr);
        if (slot == 0)
            cut_marks(cr);
        size_t col = slot % COLS, row = slot / COLS;
        draw_card(cr, &cards[i], &cards[i].qr, t, GRID_X + (double)col * CARD_W,
                  GRID_Y + (double)row * CARD_H);
    }
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    /* cairo keeps font faces (and fontconfig's patterns) cached for the
     * life of the process; let them go, so that leak checkers see none. */
    cairo_debug_reset_static_data();
    if (ok && st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: cannot write: %s\n", path, cairo_status_to_string(st));
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    return ok;
}

/* ---- the PNGs ---- */

/* The code as a 1-bit PNG (cairo's A1 surface, written as 1-bit grey:
 * bit 1 is white), scale pixels per module, a 4-module quiet zone. One
 * bit per pixel makes the PNG cheap to compress: qr_write_png's 8-bit
 * grey and fsync per file cost 20 ms a code, most of a 1,000-row batch.
 * Written to a temporary name and renamed, so no half file is ever seen;
 * the batch syncs once, before the manifest that names the files. */
static bool write_png_1bit(const qr_code *q, int scale, const char *path)
{
    int side = (q->width + 8) * scale;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A1, side, side);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        errno = ENOMEM;
        return false;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    memset(data, 0xFF, (size_t)stride * (size_t)side);
    for (int y = 0; y < side; y++) {
        int r = y / scale - 4;
        if (r < 0 || r >= q->width)
            continue;
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < side; x++) {
            int c = x / scale - 4;
            if (c < 0 || c >= q->width || !q->modules[r * q->width + c])
                continue;
            /* A1 pixels are packed in native-endian 32-bit words: on a
             * little-endian host the first pixel is the lowest bit. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            row[x >> 5] &= ~(UINT32_C(0x80000000) >> (x & 31));
#else
            row[x >> 5] &= ~(UINT32_C(1) << (x & 31));
#endif
        }
    }
    cairo_surface_mark_dirty(s);
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    cairo_status_t st = cairo_surface_write_to_png(s, tmp);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS || rename(tmp, path) != 0) {
        int e = st != CAIRO_STATUS_SUCCESS ? EIO : errno;
        unlink(tmp);
        errno = e;
        return false;
    }
    return true;
}

static void fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* ---- progress ---- */

static void progress(bool tty, long pos, long size, size_t issued, size_t skipped)
{
    if (!tty)
        return;
    int width = 30, done = size > 0 ? (int)((double)pos / (double)size * width) : 0;
    if (done > width)
        done = width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < done ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r  [%s] %3d%%  %zu issued, %zu skipped", bar,
            size > 0 ? (int)(100.0 * (double)pos / (double)size) : 0, issued, skipped);
}

/* ---- the command ---- */

int cmd_issue_batch(args *a)
{
    const char *tmpl_path = NULL, *csv_path = NULL, *out_dir = NULL, *key = NULL, *iss = NULL,
               *pass_file = NULL, *pdf_arg = NULL, *v;
    bool bad = false, no_png = false, no_pdf = false, timings = false;
    uint64_t default_iat = now_seconds();
    while (a->i < a->argc && !bad) {
        if (arg_opt(a, "--template", &tmpl_path, &bad) || arg_opt(a, "--csv", &csv_path, &bad) ||
            arg_opt(a, "--out", &out_dir, &bad) || arg_opt(a, "--key", &key, &bad) ||
            arg_opt(a, "--iss", &iss, &bad) || arg_opt(a, "--passphrase-file", &pass_file, &bad) ||
            arg_opt(a, "--pdf", &pdf_arg, &bad))
            continue;
        if (arg_opt(a, "--iat", &v, &bad)) {
            if (!parse_time(v, &default_iat))
                return usage_error(a, "--iat: '%s' is not a time", v);
        } else if (arg_flag(a, "--no-png")) {
            no_png = true;
        } else if (arg_flag(a, "--no-pdf")) {
            no_pdf = true;
        } else if (arg_flag(a, "--timings")) {
            timings = true;
        } else if (!bad) {
            return usage_error(a, "unknown argument '%s' (with --template, the learner's data come "
                                  "from --csv)", a->argv[a->i]);
        }
    }
    if (bad)
        return EXIT_USAGE;
    const char *missing = !tmpl_path ? "--template" : !csv_path ? "--csv" : !out_dir ? "--out"
                        : !key ? "--key" : !iss ? "--iss" : NULL;
    if (missing)
        return usage_error(a, "%s is required for batch issuance", missing);
    const char *why = tmpl_check_text(iss);
    if (why)
        return usage_error(a, "--iss: the issuer id is %s", why);

    char err[600];
    tmpl t;
    if (!tmpl_load(tmpl_path, &t, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return EXIT_USAGE;
    }
    char manifest_path[4200], pdf_path[4200];
    snprintf(manifest_path, sizeof manifest_path, "%s/manifest.csv", out_dir);
    snprintf(pdf_path, sizeof pdf_path, "%s", pdf_arg ? pdf_arg : "");
    if (!pdf_arg)
        snprintf(pdf_path, sizeof pdf_path, "%s/cards.pdf", out_dir);
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create the folder: %s\n", out_dir, strerror(errno));
        tmpl_free(&t);
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(manifest_path, &st) == 0) {
        fprintf(stderr,
                "%s: already exists: this folder holds an earlier batch, whose manifest is needed "
                "to revoke it; choose another --out\n",
                manifest_path);
        tmpl_free(&t);
        return EXIT_USAGE;
    }
    FILE *f = fopen(csv_path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", csv_path, strerror(errno));
        tmpl_free(&t);
        return EXIT_USAGE;
    }
    long csv_size = 0;
    if (fstat(fileno(f), &st) == 0)
        csv_size = (long)st.st_size;
    csv_reader *r = malloc(sizeof *r);
    uint8_t *sk = NULL;
    int col_of[N_COLS];
    int rc = EXIT_USAGE;
    card *cards = NULL;
    size_t n_cards = 0, cap_cards = 0, skipped = 0;
    char *manifest = NULL;
    size_t man_len = 0, man_cap = 0;
    double t_sign = 0, t_qr = 0, t_png = 0, t_sync = 0, t_pdf = 0, t0 = now_mono();
    if (!r) {
        fputs("tessera issue: out of memory\n", stderr);
        goto done;
    }
    csv_init(r, f);

    /* The header: known columns only, each once, name required. */
    for (int c = 0; c < N_COLS; c++)
        col_of[c] = -1;
    csv_result res = csv_next(r);
    if (res != CSV_RECORD) {
        fprintf(stderr, "%s:%u: %s\n", csv_path, res == CSV_END ? 1u : r->err_line,
                res == CSV_END ? "empty: the first line must name the columns (name, and any of "
                                 "sub, lang, issued_at, expires)"
                               : r->err);
        goto done;
    }
    for (size_t i = 0; i < r->n_fields; i++) {
        char *h = trimmed(r->fields[i]);
        int c = -1;
        for (int k = 0; k < N_COLS; k++)
            if (same_ci(h, col_names[k]))
                c = k;
        if (c < 0) {
            fprintf(stderr,
                    "%s:%u: unknown column '%s' (known: name, sub, lang, issued_at, expires; "
                    "nothing else is read, so that no personal data the credential does not "
                    "carry is handled)\n",
                    csv_path, r->record_line, h);
            goto done;
        }
        if (col_of[c] >= 0) {
            fprintf(stderr, "%s:%u: column '%s' given twice\n", csv_path, r->record_line, h);
            goto done;
        }
        col_of[c] = (int)i;
    }
    if (col_of[COL_NAME] < 0) {
        fprintf(stderr, "%s:%u: no 'name' column: the learner's name is required\n", csv_path,
                r->record_line);
        goto done;
    }
    size_t n_cols = r->n_fields;

    /* The key last, after every check that needs no passphrase. */
    if (!(sk = load_secret_key(key, pass_file)))
        goto done;
    if (!no_png || !no_pdf) {
        if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "%s: cannot create: %s\n", out_dir, strerror(errno));
            goto done;
        }
    }
    bool tty = isatty(2);
    #define MAN_ADD(...)                                                                   \
        do {                                                                               \
            char line_[200];                                                               \
            int l_ = snprintf(line_, sizeof line_, __VA_ARGS__);                           \
            if (man_len + (size_t)l_ + 1 > man_cap) {                                      \
                size_t nc_ = man_cap ? man_cap * 2 : 4096;                                 \
                char *m_ = realloc(manifest, nc_);                                         \
                if (!m_) {                                                                 \
                    fputs("tessera issue: out of memory\n", stderr);                       \
                    goto done;                                                             \
                }                                                                          \
                manifest = m_;                                                             \
                man_cap = nc_;                                                             \
            }                                                                              \
            memcpy(manifest + man_len, line_, (size_t)l_ + 1);                             \
            man_len += (size_t)l_;                                                         \
        } while (0)
    MAN_ADD("row,cti,file\n");

    for (;;) {
        res = csv_next(r);
        if (res == CSV_END)
            break;
        progress(tty, ftell(f), csv_size, n_cards, skipped);
        if (tty && res == CSV_ERROR)
            fputc('\n', stderr);
        if (res == CSV_ERROR) {
            fprintf(stderr, "%s:%u: %s; row skipped\n", csv_path, r->err_line, r->err);
            skipped++;
            continue;
        }
        unsigned row = r->record_no, line = r->record_line;
        const char *problem = NULL;
        char detail[300];
        if (r->n_fields != n_cols) {
            snprintf(detail, sizeof detail, "%zu fields, but the header has %zu", r->n_fields,
                     n_cols);
            problem = detail;
        }
        const char *name = NULL, *sub = NULL, *lang = NULL;
        uint64_t iat = default_iat, exp = 0;
        bool has_exp = false;
        if (!problem) {
            name = trimmed(r->fields[col_of[COL_NAME]]);
            if ((why = tmpl_check_text(name))) {
                snprintf(detail, sizeof detail, "name: %s", why);
                problem = detail;
            }
        }
        if (!problem && col_of[COL_SUB] >= 0 && *(sub = trimmed(r->fields[col_of[COL_SUB]]))) {
            if ((why = tmpl_check_text(sub))) {
                snprintf(detail, sizeof detail, "sub: %s", why);
                problem = detail;
            }
        }
        if (!problem && col_of[COL_LANG] >= 0 && *(lang = trimmed(r->fields[col_of[COL_LANG]]))) {
            if ((why = tmpl_check_lang(lang))) {
                snprintf(detail, sizeof detail, "lang: '%.40s' is %s", lang, why);
                problem = detail;
            }
        }
        if (!problem && col_of[COL_ISSUED_AT] >= 0) {
            const char *s = trimmed(r->fields[col_of[COL_ISSUED_AT]]);
            if (*s && !parse_time(s, &iat)) {
                snprintf(detail, sizeof detail,
                         "issued_at: '%.40s' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or "
                         "Unix seconds)", s);
                problem = detail;
            }
        }
        if (!problem && col_of[COL_EXPIRES] >= 0) {
            const char *s = trimmed(r->fields[col_of[COL_EXPIRES]]);
            if (*s) {
                if (!parse_time(s, &exp)) {
                    snprintf(detail, sizeof detail, "expires: '%.40s' is not a time", s);
                    problem = detail;
                } else {
                    has_exp = true;
                }
            }
        }
        tess_credential cr;
        memset(&cr, 0, sizeof cr);
        if (!problem && !tmpl_apply(&t, iat, &cr)) {
            problem = "the template's validity period runs past the year 9999";
        }
        if (!problem && has_exp) {
            cr.exp = exp;
            cr.has |= TESS_HAS_EXP;
        }
        if (!problem && (cr.has & TESS_HAS_EXP) && cr.exp <= iat)
            problem = "expires is not after the time of issue";
        char text[TESS_MAX_TEXT + 8];
        size_t text_len = 0;
        uint8_t cti[16];
        if (!problem) {
            tess_random(cti, sizeof cti);
            cr.cti = cti;
            cr.iat = iat;
            cr.iss.ptr = (const uint8_t *)iss;
            cr.iss.len = strlen(iss);
            cr.holder.ptr = (const uint8_t *)name;
            cr.holder.len = strlen(name);
            if (sub && *sub) {
                cr.sub.ptr = (const uint8_t *)sub;
                cr.sub.len = strlen(sub);
                cr.has |= TESS_HAS_SUB;
            }
            if (lang && *lang) {
                cr.lang.ptr = (const uint8_t *)lang;
                cr.lang.len = strlen(lang);
                cr.has |= TESS_HAS_LANG;
            }
            double s0 = now_mono();
            tess_status ist = tess_issue(&cr, sk, text, sizeof text, &text_len);
            t_sign += now_mono() - s0;
            if (ist != TESS_OK) {
                snprintf(detail, sizeof detail,
                         "the credential does not fit a QR code (%s); shorten the name",
                         tess_reason(ist));
                problem = detail;
            }
        }
        char file[32] = "";
        qr_code q;
        memset(&q, 0, sizeof q);
        if (!problem) {
            double p0 = now_mono();
            if (!qr_encode(text, CARD_ECC, &q))
                problem = "the credential does not fit a QR code at level Q; shorten the name";
            t_qr += now_mono() - p0;
        }
        if (!problem && !no_png) {
            snprintf(file, sizeof file, "%04u.png", row);
            char path[4300];
            snprintf(path, sizeof path, "%s/%s", out_dir, file);
            double p0 = now_mono();
            if (!write_png_1bit(&q, PNG_SCALE, path)) {
                fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
                qr_free(&q);
                goto done;
            }
            t_png += now_mono() - p0;
        }
        if (problem) {
            qr_free(&q);
            if (tty)
                fputc('\n', stderr);
            fprintf(stderr, "%s:%u: %s; row skipped\n", csv_path, line, problem);
            skipped++;
            continue;
        }
        char cti_hex[33];
        to_hex(cti, sizeof cti, cti_hex);
        MAN_ADD("%u,%s,%s\n", row, cti_hex, file);
        if (n_cards == cap_cards) {
            size_t nc = cap_cards ? cap_cards * 2 : 64;
            card *more = realloc(cards, nc * sizeof *more);
            if (!more) {
                fputs("tessera issue: out of memory\n", stderr);
                qr_free(&q);
                goto done;
            }
            cards = more;
            cap_cards = nc;
        }
        card *k = &cards[n_cards];
        k->row = row;
        k->iat = iat;
        k->exp = (cr.has & TESS_HAS_EXP) ? cr.exp : 0;
        k->name = strdup(name);
        k->text = strdup(text);
        k->qr = q;
        if (!k->name || !k->text) {
            free(k->name);
            free(k->text);
            qr_free(&k->qr);
            fputs("tessera issue: out of memory\n", stderr);
            goto done;
        }
        n_cards++;
    }
    progress(tty, csv_size, csv_size, n_cards, skipped);
    if (tty)
        fputc('\n', stderr);
    keyseal_secret_free(sk);
    sk = NULL;
    if (n_cards == 0) {
        fprintf(stderr, "tessera issue: nothing issued (%zu row%s skipped)\n", skipped,
                skipped == 1 ? "" : "s");
        goto done;
    }
    /* The PNGs on disk before the manifest that names them (one sync for
     * the batch, not one per file); the manifest first of the rest:
     * without it the batch cannot be revoked. */
    double f0 = now_mono();
    for (size_t i = 0; !no_png && i < n_cards; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/%04u.png", out_dir, cards[i].row);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) {
            fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            goto done;
        }
        close(fd);
    }
    fsync_dir(out_dir);
    t_sync = now_mono() - f0;
    t_png += t_sync;
    /* The manifest first: without it the batch cannot be revoked. */
    if (!write_file(manifest_path, (const uint8_t *)manifest, man_len))
        goto done;
    if (!no_pdf) {
        double p0 = now_mono();
        bool ok = write_pdf(pdf_path, cards, n_cards, &t);
        t_pdf = now_mono() - p0;
        if (!ok)
            goto done;
    }
    printf("issued %zu credential%s from %s into %s (%zu row%s skipped)%s%s%s\n", n_cards,
           n_cards == 1 ? "" : "s", csv_path, out_dir, skipped, skipped == 1 ? "" : "s",
           no_pdf ? "" : "; cards: ", no_pdf ? "" : pdf_path, no_png ? "; no PNGs" : "");
    if (timings)
        fprintf(stderr,
                "timings: sign %.4f s, qr %.4f s, png %.4f s, pdf %.4f s, total %.4f s, %zu issued "
                "(png includes %.4f s of fsync)\n",
                t_sign, t_qr, t_png, t_pdf, now_mono() - t0, n_cards, t_sync);
    rc = skipped ? EXIT_INVALID : EXIT_VALID;
done:
    #undef MAN_ADD
    keyseal_secret_free(sk);
    for (size_t i = 0; i < n_cards; i++) {
        free(cards[i].name);
        free(cards[i].text);
        qr_free(&cards[i].qr);
    }
    free(cards);
    free(manifest);
    free(r);
    fclose(f);
    tmpl_free(&t);
    return rc;
}
