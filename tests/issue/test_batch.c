/*
 * test_batch.c: batch issuance as a training provider runs it, with the
 * built `tessera`: a sealed issuer key, a trust bundle naming it, a
 * 25-row spreadsheet with 2 bad rows. Then: exit 1 and the two bad rows
 * reported by line; 23 PNGs, each decoded with ZBar and its text verified
 * by `tessera verify --root --bundle` (holder and cti as the manifest and
 * the spreadsheet say); the PDF renders (pdftoppm, poppler-utils) and a
 * card cut from page 1 at 150 dpi scans with ZBar to the same text as its
 * PNG; revoke by row, again (idempotent), a bundle with --revoked-file,
 * and verify says revoked for that one only.
 *
 * Usage: test_batch TESSERA TEMPLATES_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zbar.h>

static const char *tessera, *templates;
static char dir[64];

/* ---- running commands ---- */

typedef struct {
    int code;
    char out[1 << 16];
    char err[1 << 16];
} run_result;

static void read_into(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
}

/* Runs argv (argv[0] a path) with stdout and stderr captured. */
static void run(run_result *r, const char *const *argv)
{
    char out[128], err[128];
    snprintf(out, sizeof out, "%s/.out", dir);
    snprintf(err, sizeof err, "%s/.err", dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0)
            _exit(127);
        dup2(o, 1);
        dup2(e, 2);
        dup2(in, 0);
        /* No terminal: a sealed key without a passphrase file must fail,
         * not hang on a prompt. */
        setsid();
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    read_into(out, r->out, sizeof r->out);
    read_into(err, r->err, sizeof r->err);
}

#define T(...) ((const char *const[]){tessera, __VA_ARGS__, NULL})

static char *in_dir(const char *name)
{
    static char paths[16][256];
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- images ---- */

static uint8_t *read_png(const char *path, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        print_error("%s: %s\n", path, img.message);
        fail();
    }
    img.format = PNG_FORMAT_GRAY;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(px);
    assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
    *w = (int)img.width;
    *h = (int)img.height;
    png_image_free(&img);
    return px;
}

/* The texts of the QR codes ZBar finds in a PNG, one a line; caller frees. */
static char *zbar_png(const char *path, int *count)
{
    int w, h;
    uint8_t *px = read_png(path, &w, &h);
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, px, (unsigned long)w * (unsigned long)h, NULL);
    (void)zbar_scan_image(scanner, img);
    char *text = calloc(1, 1);
    *count = 0;
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
        if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
            continue;
        const char *d = zbar_symbol_get_data(s);
        char *more = malloc(strlen(text) + strlen(d) + 2);
        sprintf(more, "%s%s%s", text, *text ? "\n" : "", d);
        free(text);
        text = more;
        (*count)++;
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(scanner);
    free(px);
    return text;
}

/* ---- the spreadsheet ---- */

#define N_ROWS 25
static const char *name_of_row(unsigned row, char *buf)
{
    static const char *const special[] = {"Ada Lovelace", "Grace \"Amazing\" Hopper",
                                          "Émile Zoë Łódź", "Jean-Paul, Jr."};
    if (row - 2 < 4)
        return special[row - 2];
    sprintf(buf, "Learner %u", row);
    return buf;
}

/* One record a line, so row N is on line N. Rows 9 (no name) and 17
 * (issued_at not a date) are bad. */
static void write_csv(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xef\xbb\xbfname,sub,lang,issued_at\r\n", f);
    for (unsigned row = 2; row <= N_ROWS + 1; row++) {
        char buf[64], quoted[128];
        const char *name = name_of_row(row, buf);
        size_t o = 0;
        quoted[o++] = '"';
        for (const char *p = name; *p; p++) {
            if (*p == '"')
                quoted[o++] = '"';
            quoted[o++] = *p;
        }
        quoted[o++] = '"';
        quoted[o] = '\0';
        if (row == 9)
            fprintf(f, ",S%u,en,\r\n", row);
        else if (row == 17)
            fprintf(f, "%s,S%u,en,31/12/2026\r\n", quoted, row);
        else
            fprintf(f, "%s,S%u,%s,\r\n", quoted, row, row == 4 ? "fr" : "en");
    }
    fclose(f);
}

/* ---- the test ---- */

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/tess_batch_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *json_str(const char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p++;
    }
    out[n] = '\0';
    return out;
}

static void test_batch(void **state)
{
    (void)state;
    static run_result r;
    write_text(in_dir("pass"), "a long passphrase for the test\n");
    run(&r, T("keygen", "--out", in_dir("issuer"), "--seal", "--passphrase-file", in_dir("pass")));
    assert_int_equal(r.code, 0);
    run(&r, T("keygen", "--out", in_dir("r1")));
    assert_int_equal(r.code, 0);
    run(&r, T("root", "init", "--threshold", "1", "--key", in_dir("r1.pub"), "--out", in_dir("root.cbor")));
    assert_int_equal(r.code, 0);
    run(&r, T("bundle", "create", "--root", in_dir("root.cbor"), "--sign", in_dir("r1"), "--version", "1",
              "--expires", "2099-01-01", "--issuer", in_dir("issuer.pub"), "--iss",
              "https://academy.example", "--name", "Example Academy", "--out", in_dir("b1.cbor")));
    assert_int_equal(r.code, 0);

    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/forklift_safety.tmpl", templates);
    write_csv(in_dir("learners.csv"));

    /* Without the passphrase (no terminal): refused, nothing written. */
    run(&r, T("issue", "--template", tmpl, "--csv", in_dir("learners.csv"), "--out", in_dir("out"),
              "--key", in_dir("issuer"), "--iss", "https://academy.example"));
    assert_int_equal(r.code, 2);
    /* A wrong passphrase: the message of the brief, exit 2. */
    write_text(in_dir("wrong"), "not the passphrase\n");
    run(&r, T("issue", "--template", tmpl, "--csv", in_dir("learners.csv"), "--out", in_dir("out"),
              "--key", in_dir("issuer"), "--iss", "https://academy.example", "--passphrase-file",
              in_dir("wrong")));
    assert_int_equal(r.code, 2);
    char want[512];
    snprintf(want, sizeof want, "%s: wrong passphrase (or the file is damaged)", in_dir("issuer"));
    assert_non_null(strstr(r.err, want));
    assert_int_not_equal(access(in_dir("out/manifest.csv"), F_OK), 0);

    run(&r, T("issue", "--template", tmpl, "--csv", in_dir("learners.csv"), "--out", in_dir("out"),
              "--key", in_dir("issuer"), "--iss", "https://academy.example", "--passphrase-file",
              in_dir("pass")));
    if (r.code != 1)
        print_error("issue: %d\n%s\n%s\n", r.code, r.out, r.err);
    assert_int_equal(r.code, 1);
    snprintf(want, sizeof want, "%s:9: name: empty; row skipped", in_dir("learners.csv"));
    assert_non_null(strstr(r.err, want));
    snprintf(want, sizeof want, "%s:17: issued_at: '31/12/2026' is not a time", in_dir("learners.csv"));
    assert_non_null(strstr(r.err, want));
    assert_non_null(strstr(r.out, "issued 23 credentials"));

    /* A second run into the same folder is refused: its manifest stays. */
    static run_result r2;
    run(&r2, T("issue", "--template", tmpl, "--csv", in_dir("learners.csv"), "--out", in_dir("out"),
               "--key", in_dir("issuer"), "--iss", "https://academy.example", "--passphrase-file",
               in_dir("pass")));
    assert_int_equal(r2.code, 2);
    assert_non_null(strstr(r2.err, "already exists"));

    /* The manifest: a header and 23 rows, none of them 9 or 17. */
    FILE *m = fopen(in_dir("out/manifest.csv"), "r");
    assert_non_null(m);
    char line[256];
    assert_non_null(fgets(line, sizeof line, m));
    assert_string_equal(line, "row,cti,file\n");
    unsigned n = 0, rows[32];
    char ctis[32][33], files[32][32], texts[32][4400];
    while (fgets(line, sizeof line, m)) {
        assert_int_equal(sscanf(line, "%u,%32[0-9a-f],%31[^\n]", &rows[n], ctis[n], files[n]), 3);
        assert_true(rows[n] != 9 && rows[n] != 17);
        char f[16];
        snprintf(f, sizeof f, "%04u.png", rows[n]);
        assert_string_equal(files[n], f);
        n++;
    }
    fclose(m);
    assert_int_equal(n, 23);
    DIR *d = opendir(in_dir("out"));
    unsigned pngs = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        pngs += strstr(e->d_name, ".png") != NULL;
        assert_null(strstr(e->d_name, ".tmp."));
    }
    closedir(d);
    assert_int_equal(pngs, 23);

    /* Every PNG scans, and verifies as the right learner's credential. */
    for (unsigned i = 0; i < n; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/out/%s", dir, files[i]);
        int count;
        char *text = zbar_png(path, &count);
        assert_int_equal(count, 1);
        assert_true(strncmp(text, "MC1:", 4) == 0);
        snprintf(texts[i], sizeof texts[i], "%s", text);
        free(text);
        run(&r, T("verify", "--root", in_dir("root.cbor"), "--bundle", in_dir("b1.cbor"), "--json",
                  texts[i]));
        if (r.code != 0)
            print_error("row %u: %s %s\n", rows[i], r.out, r.err);
        assert_int_equal(r.code, 0);
        char got[256], buf[64];
        assert_non_null(json_str(r.out, "cti", got, sizeof got));
        assert_string_equal(got, ctis[i]);
        assert_non_null(json_str(r.out, "holder", got, sizeof got));
        assert_string_equal(got, name_of_row(rows[i], buf));
        assert_non_null(json_str(r.out, "achievement", got, sizeof got));
        assert_string_equal(got, "FORK-L1");
        assert_non_null(json_str(r.out, "lang", got, sizeof got));
        assert_string_equal(got, rows[i] == 4 ? "fr" : "en");
        assert_non_null(strstr(r.out, "\"esco:28cb374e-6261-4133-8371-f9a5470145da\""));
        assert_non_null(strstr(r.out, "\"exp\": "));
    }

    /* The PDF: a PDF, three pages' worth of cards (23 = 10 + 10 + 3). */
    FILE *pdf = fopen(in_dir("out/cards.pdf"), "rb");
    assert_non_null(pdf);
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 4, pdf), 4);
    fclose(pdf);
    assert_string_equal(head, "%PDF");
    assert_int_equal(access("/usr/bin/pdftoppm", X_OK), 0);   /* poppler-utils, in DEB_PACKAGES */
    /* The second card of page 1 (row 3), cut at its edges, at 150 dpi: the
     * printed size. Card 85 x 54 mm; the grid starts 20 mm from the left
     * and 13.5 mm from the top of an A4 page. */
    int x = (int)((20.0 + 85.0) / 25.4 * 150), y = (int)(13.5 / 25.4 * 150);
    int w = (int)(85.0 / 25.4 * 150), h = (int)(54.0 / 25.4 * 150);
    char xs[16], ys[16], ws[16], hs[16];
    snprintf(xs, sizeof xs, "%d", x);
    snprintf(ys, sizeof ys, "%d", y);
    snprintf(ws, sizeof ws, "%d", w);
    snprintf(hs, sizeof hs, "%d", h);
    const char *const pdftoppm[] = {"/usr/bin/pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",
                                    "-x", xs, "-y", ys, "-W", ws, "-H", hs, "-singlefile",
                                    in_dir("out/cards.pdf"), in_dir("card"), NULL};
    run(&r, pdftoppm);
    assert_int_equal(r.code, 0);
    int count;
    char *card_text = zbar_png(in_dir("card.png"), &count);
    assert_int_equal(count, 1);
    assert_string_equal(card_text, texts[1]);   /* row 3, the second issued */
    free(card_text);
    /* Page 3 exists (23 cards) and page 4 does not. */
    const char *const page3[] = {"/usr/bin/pdftoppm", "-png", "-r", "20", "-f", "3", "-l", "3",
                                 "-singlefile", in_dir("out/cards.pdf"), in_dir("p3"), NULL};
    run(&r, page3);
    assert_int_equal(r.code, 0);
    assert_int_equal(access(in_dir("p3.png"), F_OK), 0);

    /* Revoke row 5, twice; a bad row is an error. */
    run(&r, T("revoke", "--manifest", in_dir("out/manifest.csv"), "--row", "5", "--list",
              in_dir("revoked.txt"), "--reason", "left the course early"));
    assert_int_equal(r.code, 0);
    run(&r, T("revoke", "--manifest", in_dir("out/manifest.csv"), "--row", "5", "--list",
              in_dir("revoked.txt")));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "already in"));
    run(&r, T("revoke", "--manifest", in_dir("out/manifest.csv"), "--row", "9", "--list",
              in_dir("revoked.txt")));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "no row 9"));
    unsigned i5 = 0;
    while (rows[i5] != 5)
        i5++;
    /* by cti too: already there */
    run(&r, T("revoke", "--cti", ctis[i5], "--list", in_dir("revoked.txt")));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "already in"));
    char list[4096];
    read_into(in_dir("revoked.txt"), list, sizeof list);
    assert_non_null(strstr(list, "# revoked "));
    assert_non_null(strstr(list, "left the course early"));
    char *first = strstr(list, ctis[i5]);
    assert_non_null(first);
    assert_null(strstr(first + 1, ctis[i5]));   /* once */

    run(&r, T("bundle", "create", "--root", in_dir("root.cbor"), "--sign", in_dir("r1"), "--version", "2",
              "--expires", "2099-01-01", "--issuer", in_dir("issuer.pub"), "--iss",
              "https://academy.example", "--name", "Example Academy", "--revoked-file",
              in_dir("revoked.txt"), "--out", in_dir("b2.cbor")));
    if (r.code != 0)
        print_error("%s\n", r.err);
    assert_int_equal(r.code, 0);
    run(&r, T("verify", "--root", in_dir("root.cbor"), "--bundle", in_dir("b2.cbor"), "--json", texts[i5]));
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.out, "\"reason\": \"revoked\""));
    run(&r, T("verify", "--root", in_dir("root.cbor"), "--bundle", in_dir("b2.cbor"), "--json", texts[0]));
    assert_int_equal(r.code, 0);
}

/* Bad spreadsheets as a whole: exit 2, the reason on line 1. */
static void test_bad_headers(void **state)
{
    (void)state;
    static run_result r;
    write_text(in_dir("k2pass"), "another passphrase\n");
    run(&r, T("keygen", "--out", in_dir("k2"), "--seal", "--passphrase-file", in_dir("k2pass")));
    assert_int_equal(r.code, 0);
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/digital_skills_basics.tmpl", templates);
    static const struct {
        const char *csv, *want;
    } cases[] = {
        {"name,email\nAda,ada@example.org\n", ":1: unknown column 'email'"},
        {"sub,lang\nA1,en\n", ":1: no 'name' column"},
        {"name,Name\nA,B\n", ":1: column 'Name' given twice"},
        {"", ":1: empty"},
        {"name\n,\n\"\"\n", "nothing issued"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_text(in_dir("bad.csv"), cases[i].csv);
        char out[64];
        snprintf(out, sizeof out, "bad%zu", i);
        run(&r, T("issue", "--template", tmpl, "--csv", in_dir("bad.csv"), "--out", in_dir(out),
                  "--key", in_dir("k2"), "--iss", "https://academy.example", "--passphrase-file",
                  in_dir("k2pass")));
        if (r.code != 2 || !strstr(r.err, cases[i].want))
            print_error("case %zu: %d %s\n", i, r.code, r.err);
        assert_int_equal(r.code, 2);
        assert_non_null(strstr(r.err, cases[i].want));
    }
    /* An unsealed key still works, with the warning. */
    run(&r, T("keygen", "--out", in_dir("plain")));
    write_text(in_dir("ok.csv"), "name\nAda Lovelace\n");
    run(&r, T("issue", "--template", tmpl, "--csv", in_dir("ok.csv"), "--out", in_dir("okout"),
              "--key", in_dir("plain"), "--iss", "https://academy.example", "--no-pdf"));
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.err, "is not sealed with a passphrase; anyone who copies it can issue "
                                  "credentials; reseal with `tessera key seal`"));
    /* key seal, then the same key needs the passphrase. */
    run(&r, T("key", "seal", "--key", in_dir("plain"), "--passphrase-file", in_dir("k2pass")));
    assert_int_equal(r.code, 0);
    struct stat st;
    assert_int_equal(stat(in_dir("plain"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    run(&r, T("issue", "--key", in_dir("plain"), "--iss", "https://academy.example", "--holder", "A",
              "--title", "T", "--achievement", "X", "--awarder", "W", "--passphrase-file",
              in_dir("k2pass")));
    assert_int_equal(r.code, 0);
    assert_null(strstr(r.err, "not sealed"));
    run(&r, T("issue", "--key", in_dir("plain"), "--iss", "https://academy.example", "--holder", "A",
              "--title", "T", "--achievement", "X", "--awarder", "W", "--passphrase-file",
              in_dir("pass")));
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "wrong passphrase (or the file is damaged)"));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s TESSERA TEMPLATES_DIR\n", argv[0]);
        return 2;
    }
    tessera = argv[1];
    templates = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_bad_headers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
