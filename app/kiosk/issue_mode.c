/*
 * issue_mode.c: issuing credentials at the kiosk (issue_mode.h): the
 * unlock, template, name, confirm and QR screens, their events, the idle
 * lock of the issuer key, and their drawing (with ui.h and the OSK's
 * layout from osk.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>

#include "i18n.h"
#include "issue_mode.h"
#include "json.h"
#include "keyseal.h"
#include "kiosk.h"
#include "qr_sdl.h"
#include "store.h"
#include "template.h"
#include "tessera/tess_crypto.h"
#include "tessera/tess_issue.h"
#include "typing.h"
#include "ui.h"

/* The templates of the source tree (a development build); an installed
 * kiosk names its folder in the settings (templates_dir). */
#ifndef TESS_TEMPLATES_DIR
#define TESS_TEMPLATES_DIR "/usr/share/tessera/templates"
#endif

/* memset through a volatile pointer: a wipe the compiler cannot drop. */
static void *(*volatile wipe)(void *, int, size_t) = memset;

static const char MSG_WRONG[] = N_("Wrong passphrase");
static const char MSG_LOCKED[] =
    N_("Too many wrong passphrases: unlocking is locked for a minute");
static const char MSG_UNSEALED[] =
    N_("This issuer key is not sealed with a passphrase. The kiosk refuses it: a stolen kiosk "
       "would give the key away. Seal it with: tessera key seal --key FILE");
static const char MSG_NO_KEY[] = N_("The issuer key file cannot be read");
static const char MSG_KEY_ERROR[] = N_("The issuer key could not be opened");
static const char MSG_NO_TEMPLATES[] = N_("No credential templates (*.tmpl) were found");
static const char MSG_BAD_TEMPLATE[] = N_("This template has an error and cannot be used");
static const char MSG_NAME_EMPTY[] = N_("Type the learner's name first");
static const char MSG_NOT_ISSUED[] = N_("The credential could not be made");
static const char MSG_NOT_TRUSTED[] =
    N_("Warning: this kiosk's trust bundle does not list this key for this issuer");

/* Buttons of the issue screens (not the keyboard's). */
enum { IB_T0 = 0, IB_BACK = ISSUE_PAGE, IB_PREV, IB_NEXT, IB_ISSUE, IB_DONE, IB_COUNT };

bool issue_screen(int s)
{
    return s >= SCREEN_ISSUE_UNLOCK && s <= SCREEN_ISSUE_QR;
}

bool issue_ready(const kiosk *k)
{
    return k->cfg.issue_key[0] != '\0' && k->cfg.issue_iss[0] != '\0';
}

/* {"issue_mode":EVENT} with a string field and a number field, each optional. */
static void emit(const char *event, const char *key, const char *sv, const char *nkey,
                 uint64_t nv)
{
    json_event_line("issue_mode", event, key, sv, nkey, nv);
}

/* Copies s into out (cap bytes), cut at a UTF-8 character boundary. */
static void copy_text(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

#define SET_TEXT(field, s) copy_text((field), sizeof(field), (s), strlen(s))

static const char *templates_dir(const kiosk *k)
{
    return k->cfg.templates_dir[0] ? k->cfg.templates_dir : TESS_TEMPLATES_DIR;
}

static uint32_t lock_ms(const kiosk *k)
{
    return k->issue.lock_ms ? k->issue.lock_ms : k->cfg.issue_lock_minutes * 60000u;
}

/* The credential on screen goes: the holder's name, the text, the code. */
static void wipe_credential(kiosk_issue *is)
{
    wipe(is->holder, 0, sizeof is->holder);
    wipe(is->title, 0, sizeof is->title);
    wipe(is->awarder, 0, sizeof is->awarder);
    wipe(is->text, 0, sizeof is->text);
    if (is->qr.modules)
        wipe(is->qr.modules, 0, (size_t)is->qr.width * (size_t)is->qr.width);
    qr_free(&is->qr);
    memset(&is->qr, 0, sizeof is->qr);
    is->has_exp = false;
    is->exp = 0;
    is->png = ISSUE_PNG_NO_STICK;
    is->png_note[0] = '\0';
    is->recorded = false;
}

static void drop_template(kiosk_issue *is)
{
    if (is->tpl)
        tmpl_free(is->tpl);
    free(is->tpl);
    is->tpl = NULL;
    is->chosen = -1;
}

static void drop_list(kiosk_issue *is)
{
    free(is->list);
    is->list = NULL;
    is->n_list = 0;
    is->page = 0;
}

/* Wipes and frees the key and every copy; says so when a key was held. */
static void lock_key(kiosk *k, const char *reason)
{
    kiosk_issue *is = &k->issue;
    bool held = is->sk != NULL;
    keyseal_secret_free(is->sk);
    is->sk = NULL;
    osk_clear(&is->kb);
    wipe_credential(is);
    drop_template(is);
    drop_list(is);
    is->msg = NULL;
    is->detail[0] = '\0';
    is->refused = false;
    if (held)
        emit("lock", "reason", reason, NULL, 0);
}

/* Leaves issue mode for admin (staff asked) or idle (time ran out). */
static void leave(kiosk *k, const char *reason, kiosk_screen to, uint32_t now_ms)
{
    lock_key(k, reason);
    k->admin.last_input_ms = now_ms;
    kiosk_set_screen(k, to, now_ms);
}

void issue_enter(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    kiosk_admin *a = &k->admin;
    k->dirty = true;
    if (!issue_ready(k)) {
        a->result_ok = false;
        a->result_title = N_("Issuing is not set up on this kiosk");
        snprintf(a->result, sizeof a->result,
                 "issue_key and issue_iss are not set in the settings file");
        emit("not_set_up", NULL, NULL, NULL, 0);
        return;
    }
    lock_key(k, "leave");
    osk_init(&is->kb, OSK_MAX_TEXT, true);
    is->last_input_ms = now_ms;
    /* the file is looked at now, so that an unsealed key is refused
     * before anyone types a passphrase for it */
    char err[600];
    size_t len = 0;
    uint8_t *file = keyseal_init() ? keyseal_read_file(k->cfg.issue_key, &len, err, sizeof err)
                                   : NULL;
    if (!file) {
        is->refused = true;
        is->msg = MSG_NO_KEY;
        SET_TEXT(is->detail, err);
        emit("refused", "reason", "unreadable", NULL, 0);
    } else if (!keyseal_is_sealed(file, len)) {
        is->refused = true;
        is->msg = MSG_UNSEALED;
        snprintf(is->detail, sizeof is->detail, "%s", k->cfg.issue_key);
        emit("refused", "reason", "unsealed", NULL, 0);
    } else {
        emit("unlock", NULL, NULL, NULL, 0);
    }
    keyseal_secret_free(file);
    if (is->locked)
        is->msg = MSG_LOCKED;
    kiosk_set_screen(k, SCREEN_ISSUE_UNLOCK, now_ms);
}

static int by_file(const void *a, const void *b)
{
    return strcmp(((const issue_template *)a)->file, ((const issue_template *)b)->file);
}

/* The *.tmpl files of the folder, by file name, each parsed for its title
 * (a bad one keeps its error). */
static void list_templates(kiosk *k)
{
    kiosk_issue *is = &k->issue;
    drop_list(is);
    const char *dir = templates_dir(k);
    DIR *d = opendir(dir);
    is->list = calloc(ISSUE_MAX_TEMPLATES, sizeof *is->list);
    if (!d || !is->list) {
        is->msg = MSG_NO_TEMPLATES;
        snprintf(is->detail, sizeof is->detail, "%s: %s", dir,
                 d ? "out of memory" : strerror(errno));
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && is->n_list < ISSUE_MAX_TEMPLATES) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 6 || n >= ISSUE_FIELD ||
            strcmp(e->d_name + n - 5, ".tmpl") != 0)
            continue;
        memcpy(is->list[is->n_list++].file, e->d_name, n + 1);
    }
    closedir(d);
    qsort(is->list, (size_t)is->n_list, sizeof *is->list, by_file);
    for (int i = 0; i < is->n_list; i++) {
        issue_template *t = &is->list[i];
        char path[CONFIG_MAX_PATH + ISSUE_FIELD + 2], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, t->file);
        tmpl p;
        if (tmpl_load(path, &p, err, sizeof err)) {
            copy_text(t->title, sizeof t->title, p.title, strlen(p.title));
            tmpl_free(&p);
        } else {
            snprintf(t->title, sizeof t->title, "%s", t->file);
            /* the message starts with the path: the file name is enough */
            const char *why = strstr(err, t->file);
            copy_text(t->error, sizeof t->error, why ? why : err, strlen(why ? why : err));
        }
    }
    if (is->n_list == 0) {
        is->msg = MSG_NO_TEMPLATES;
        snprintf(is->detail, sizeof is->detail, "%s", dir);
    }
}

static void try_unlock(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    k->dirty = true;
    if (is->locked) {
        /* nothing is tried while locked: guessing costs the full minute */
        osk_clear(&is->kb);
        is->msg = MSG_LOCKED;
        emit("locked", NULL, NULL, NULL, 0);
        return;
    }
    if (is->kb.len == 0)
        return;
    char err[600] = "";
    size_t len = 0;
    keyseal_status st = KEYSEAL_ERR_NOMEM;
    uint8_t *sk = keyseal_secret_alloc();
    uint8_t *file = keyseal_read_file(k->cfg.issue_key, &len, err, sizeof err);
    if (!file) {
        st = KEYSEAL_ERR_IO;
    } else if (!keyseal_is_sealed(file, len)) {
        /* the file changed since the screen opened */
        st = KEYSEAL_ERR_FORMAT;
        is->refused = true;
    } else if (sk) {
        st = keyseal_open_bytes(file, len, k->cfg.issue_key, is->kb.text, is->kb.len, sk, err,
                                sizeof err);
    }
    keyseal_secret_free(file);
    osk_clear(&is->kb);
    is->kb.password = true;
    if (st == KEYSEAL_OK) {
        is->sk = sk;
        is->wrong = 0;
        is->msg = NULL;
        is->detail[0] = '\0';
        emit("unlocked", NULL, NULL, NULL, 0);
        list_templates(k);
        /* a key the trust in force does not name for issue_iss issues
         * credentials that kiosks with this bundle call unknown_issuer or
         * issuer_mismatch: staff are told (a kiosk elsewhere may trust it) */
        uint8_t kid[8];
        tess_issuer in;
        tess_kid_of(kid, sk + 32);
        size_t il = strlen(k->cfg.issue_iss);
        bool trusted = tess_bundle_find_issuer(&k->ks.bundle, kid, &in) && in.iss.len == il &&
                       memcmp(in.iss.ptr, k->cfg.issue_iss, il) == 0;
        if (!trusted) {
            emit("warning", "reason", "not_in_bundle", NULL, 0);
            if (!is->msg) {
                is->msg = MSG_NOT_TRUSTED;
                SET_TEXT(is->detail, k->cfg.issue_iss);
            }
        }
        kiosk_set_screen(k, SCREEN_ISSUE_TEMPLATE, now_ms);
        return;
    }
    keyseal_secret_free(sk);
    is->detail[0] = '\0';
    if (st == KEYSEAL_ERR_PASSPHRASE) {
        is->wrong++;
        is->msg = MSG_WRONG;
        emit("wrong_passphrase", NULL, NULL, "tries", is->wrong);
        if (is->wrong >= ISSUE_MAX_TRIES) {
            is->wrong = 0;
            is->locked = true;
            is->locked_until_ms = now_ms + ISSUE_LOCK_MS;
            is->msg = MSG_LOCKED;
            emit("locked", NULL, NULL, NULL, 0);
        }
        return;
    }
    is->msg = is->refused ? MSG_UNSEALED : st == KEYSEAL_ERR_IO ? MSG_NO_KEY : MSG_KEY_ERROR;
    SET_TEXT(is->detail, err[0] ? err : k->cfg.issue_key);
    emit("error", "reason", err[0] ? err : "unsealed", NULL, 0);
}

static void choose(kiosk *k, int i, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    k->dirty = true;
    if (i < 0 || i >= is->n_list)
        return;
    issue_template *t = &is->list[i];
    if (t->error[0]) {
        is->msg = MSG_BAD_TEMPLATE;
        snprintf(is->detail, sizeof is->detail, "%s", t->error);
        emit("bad_template", "template", t->file, NULL, 0);
        return;
    }
    drop_template(is);
    char path[CONFIG_MAX_PATH + ISSUE_FIELD + 2], err[512];
    snprintf(path, sizeof path, "%s/%s", templates_dir(k), t->file);
    tmpl *tp = calloc(1, sizeof *tp);
    if (!tp || !tmpl_load(path, tp, err, sizeof err)) {
        free(tp);
        if (!tp)
            snprintf(err, sizeof err, "out of memory");
        /* changed since it was listed */
        SET_TEXT(t->error, err);
        is->msg = MSG_BAD_TEMPLATE;
        SET_TEXT(is->detail, err);
        emit("bad_template", "template", t->file, NULL, 0);
        return;
    }
    is->tpl = tp;
    is->chosen = i;
    is->msg = NULL;
    is->detail[0] = '\0';
    emit("template", "template", t->file, NULL, 0);
    osk_init(&is->kb, ISSUE_MAX_NAME, false);
    kiosk_set_screen(k, SCREEN_ISSUE_NAME, now_ms);
}

/* The name typed, without blanks at its ends; the confirm screen's copies. */
static void name_done(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    k->dirty = true;
    const char *s = is->kb.text;
    size_t n = is->kb.len;
    while (n > 0 && *s == ' ')
        s++, n--;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    const tmpl *tp = is->tpl;
    if (n == 0 || !tp) {
        is->msg = MSG_NAME_EMPTY;
        emit("name_empty", NULL, NULL, NULL, 0);
        return;
    }
    wipe_credential(is);
    memcpy(is->holder, s, n);
    is->holder[n] = '\0';
    copy_text(is->title, sizeof is->title, tp->title, strlen(tp->title));
    copy_text(is->awarder, sizeof is->awarder, tp->awarder, strlen(tp->awarder));
    is->has_exp = tmpl_expiry(tp, k->now, &is->exp);
    is->msg = NULL;
    is->detail[0] = '\0';
    kiosk_set_screen(k, SCREEN_ISSUE_CONFIRM, now_ms);
}

/* Whether a USB stick is at mount: a mount point (the folder's device
 * differs from its parent's), or a folder that already holds tessera/ (a
 * folder standing in for a stick, as in tests). An empty mount point on
 * the SD card is no stick: nothing is written there. */
static bool stick_present(const char *mount)
{
    struct stat m, up, t;
    char path[1200];
    if (!mount || stat(mount, &m) != 0 || !S_ISDIR(m.st_mode))
        return false;
    snprintf(path, sizeof path, "%s/..", mount);
    if (stat(path, &up) == 0 && up.st_dev != m.st_dev)
        return true;
    snprintf(path, sizeof path, "%s/tessera", mount);
    return stat(path, &t) == 0 && S_ISDIR(t.st_mode);
}

static bool make_dir(const char *path)
{
    return mkdir(path, 0755) == 0 || errno == EEXIST;
}

/* The QR code as PNG on the stick: MOUNT/tessera/issued/DATE-CTI8.png,
 * written whole to a temporary name, fsynced and renamed (qr_write_png),
 * then the folder fsynced so that the rename itself is on the stick. */
static void save_png(kiosk *k, const uint8_t cti[16], uint64_t iat, char *path, size_t cap)
{
    kiosk_issue *is = &k->issue;
    const char *mount = k->admin.usb_mount;
    path[0] = '\0';
    if (!stick_present(mount)) {
        is->png = ISSUE_PNG_NO_STICK;
        return;
    }
    char folder[1200];
    time_t tt = (time_t)iat;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
    snprintf(folder, sizeof folder, "%s/tessera", mount);
    bool ok = make_dir(folder);
    snprintf(folder, sizeof folder, "%s/tessera/issued", mount);
    ok = ok && make_dir(folder);
    snprintf(path, cap, "%s/%04d-%02d-%02d-%02x%02x%02x%02x.png", folder, tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, cti[0], cti[1], cti[2], cti[3]);
    /* ECC M as on screen; 10 pixels a module prints sharp at 300 dpi */
    qr_style style = {'M', 10, 4};
    ok = ok && qr_write_png(&is->qr, &style, path);
    if (ok) {
        int fd = open(folder, O_RDONLY | O_DIRECTORY);
        ok = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
    }
    if (ok) {
        is->png = ISSUE_PNG_SAVED;
        snprintf(is->png_note, sizeof is->png_note, "%s", path);
    } else {
        is->png = ISSUE_PNG_FAILED;
        snprintf(is->png_note, sizeof is->png_note, "%s", strerror(errno));
        path[0] = '\0';
    }
}

static void print_issued(const kiosk *k, const tess_credential *cr, const char *png)
{
    const kiosk_issue *is = &k->issue;
    json j;
    json_init(&j, stdout);
    json_obj(&j);
    json_key(&j, "issued");
    json_obj(&j);
    json_key(&j, "iss");
    json_span(&j, cr->iss);
    json_key(&j, "holder");
    json_span(&j, cr->holder);
    json_key(&j, "title");
    json_span(&j, cr->title);
    json_key(&j, "achievement");
    json_span(&j, cr->achievement);
    json_key(&j, "awarder");
    json_span(&j, cr->awarder);
    json_key(&j, "template");
    json_str(&j, is->list && is->chosen >= 0 ? is->list[is->chosen].file : "");
    json_key(&j, "cti");
    json_hex(&j, cr->cti, 16);
    json_key(&j, "iat");
    json_u64(&j, cr->iat);
    json_key(&j, "exp");
    if (cr->has & TESS_HAS_EXP)
        json_u64(&j, cr->exp);
    else
        json_null(&j);
    json_key(&j, "kiosk");
    json_str(&j, k->store ? tess_store_kiosk(k->store) : k->cfg.kiosk_id);
    json_key(&j, "text");
    json_str(&j, is->text);
    json_end_obj(&j);
    json_key(&j, "png");
    if (png && png[0])
        json_str(&j, png);
    else
        json_null(&j);
    json_key(&j, "recorded");
    json_bool(&j, is->recorded);
    json_end_obj(&j);
    json_done(&j);
    fflush(stdout);
}

static void issue_now(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    k->dirty = true;
    const tmpl *tp = is->tpl;
    if (!is->sk || !tp || !is->holder[0])
        return;
    uint64_t iat = k->now;
    tess_credential cr;
    memset(&cr, 0, sizeof cr);
    if (!tmpl_apply(tp, iat, &cr)) {
        is->msg = MSG_NOT_ISSUED;
        snprintf(is->detail, sizeof is->detail, "the template's validity runs past 9999");
        emit("error", "reason", "validity", NULL, 0);
        return;
    }
    uint8_t cti[16];
    tess_random(cti, sizeof cti);
    cr.cti = cti;
    cr.iat = iat;
    cr.iss.ptr = (const uint8_t *)k->cfg.issue_iss;
    cr.iss.len = strlen(k->cfg.issue_iss);
    cr.holder.ptr = (const uint8_t *)is->holder;
    cr.holder.len = strlen(is->holder);
    size_t len = 0;
    tess_status st = tess_issue(&cr, is->sk, is->text, sizeof is->text, &len);
    if (st != TESS_OK || !qr_encode(is->text, 'M', &is->qr)) {
        wipe(is->text, 0, sizeof is->text);
        is->msg = MSG_NOT_ISSUED;
        snprintf(is->detail, sizeof is->detail, "%s: a shorter name may fit",
                 st != TESS_OK ? tess_reason(st) : "too long for a QR code");
        emit("error", "reason", st != TESS_OK ? tess_reason(st) : "qr", NULL, 0);
        return;
    }
    char png[1400];
    save_png(k, cti, iat, png, sizeof png);
    const char *file = is->list[is->chosen].file;
    is->recorded = k->store && tess_store_issued_record(k->store, cti, iat, file,
                                                        k->cfg.issue_keep_names ? is->holder
                                                                                : NULL) ==
                                   TESS_STORE_OK;
    if (!is->recorded)
        fprintf(stderr, "tessera-kiosk: the issued credential was not recorded: %s\n",
                k->store ? tess_store_error(k->store) : "no store");
    print_issued(k, &cr, png);
    wipe(cti, 0, sizeof cti);
    is->issued++;
    is->msg = NULL;
    is->detail[0] = '\0';
    kiosk_set_screen(k, SCREEN_ISSUE_QR, now_ms);
}

/* Done on the QR screen: the name goes, the template stays. */
static void next_learner(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    wipe_credential(is);
    osk_init(&is->kb, ISSUE_MAX_NAME, false);
    kiosk_set_screen(k, SCREEN_ISSUE_NAME, now_ms);
}

/* ---- layout, shared by drawing and taps ---- */

static int pages(const kiosk_issue *is)
{
    return is->n_list == 0 ? 1 : (is->n_list + ISSUE_PAGE - 1) / ISSUE_PAGE;
}

/* The buttons of screen s on w x h (r[i].w == 0: none). */
static void buttons(int s, const kiosk_issue *is, int w, int h, SDL_Rect r[IB_COUNT])
{
    memset(r, 0, sizeof(SDL_Rect) * IB_COUNT);
    int gap = h / 60 + 2;
    SDL_Rect corner = {w / 30, h * 3 / 100, w * 24 / 100, h * 13 / 100};
    if (s == SCREEN_ISSUE_UNLOCK && is->refused) {
        r[IB_BACK] = corner;
    } else if (s == SCREEN_ISSUE_TEMPLATE) {
        r[IB_BACK] = corner;
        int ax = w / 30, aw = w - 2 * ax, ay = h * 19 / 100, ah = h * 62 / 100;
        int first = is->page * ISSUE_PAGE;
        int cols = w >= h ? 3 : 2, rows = ISSUE_PAGE / cols;
        for (int i = 0; i < ISSUE_PAGE && first + i < is->n_list; i++)
            r[IB_T0 + i] = (SDL_Rect){ax + (i % cols) * aw / cols + gap / 2,
                                      ay + (i / cols) * ah / rows + gap / 2, aw / cols - gap,
                                      ah / rows - gap};
        if (pages(is) > 1) {
            r[IB_PREV] = (SDL_Rect){w / 30, h * 84 / 100, w * 28 / 100, h * 13 / 100};
            r[IB_NEXT] = (SDL_Rect){w - w / 30 - w * 28 / 100, h * 84 / 100, w * 28 / 100,
                                    h * 13 / 100};
        }
    } else if (s == SCREEN_ISSUE_CONFIRM) {
        r[IB_BACK] = (SDL_Rect){w / 20, h * 78 / 100, w * 38 / 100, h * 17 / 100};
        r[IB_ISSUE] = (SDL_Rect){w - w / 20 - w * 38 / 100, h * 78 / 100, w * 38 / 100,
                                 h * 17 / 100};
    } else if (s == SCREEN_ISSUE_QR) {
        bool wide = w * 4 >= h * 5;
        if (wide)
            r[IB_DONE] = (SDL_Rect){w - w / 40 - w * 26 / 100, h * 80 / 100, w * 26 / 100,
                                    h * 16 / 100};
        else
            r[IB_DONE] = (SDL_Rect){w / 4, h - h / 40 - h * 10 / 100, w / 2, h * 10 / 100};
    }
}

/* The QR code's square and where the text goes: beside it on a wide
 * screen, below on a narrow one. The code takes all the height it can
 * (at least 70% of it on a landscape screen), in whole pixels a module
 * when that keeps it over 70%. */
static void qr_place(const kiosk_issue *is, int w, int h, SDL_Rect *code, SDL_Rect *text)
{
    int m = h / 40 + 2, modules = is->qr.width + 8;
    bool wide = w * 4 >= h * 5;
    int avail = wide ? (h - 2 * m < w * 62 / 100 ? h - 2 * m : w * 62 / 100)
                     : (w - 2 * m < h * 62 / 100 ? w - 2 * m : h * 62 / 100);
    int side = avail;
    if (modules > 8 && avail / modules * modules >= (wide ? h : w) * 70 / 100)
        side = avail / modules * modules;
    if (wide) {
        *code = (SDL_Rect){m + (avail - side) / 2, (h - side) / 2, side, side};
        int tx = m + avail + w / 30;
        *text = (SDL_Rect){tx, m, w - tx - w / 40, h - 2 * m};
    } else {
        *code = (SDL_Rect){(w - side) / 2, m, side, side};
        *text = (SDL_Rect){w / 20, m + side + m, w * 9 / 10, h - side - 3 * m};
    }
}

/* ---- events ---- */

/* A press as renderer pixels: a mouse button (not one SDL made from a
 * touch, which comes as a finger too) or a finger. */
static bool press_at(const kiosk *k, const SDL_Event *e, int *x, int *y)
{
    return kiosk_press_at(k, e, x, y);
}

static int button_at(const kiosk *k, int x, int y)
{
    SDL_Rect r[IB_COUNT];
    buttons((int)k->screen, &k->issue, k->screen_w, k->screen_h, r);
    SDL_Point p = {x, y};
    for (int i = 0; i < IB_COUNT; i++)
        if (r[i].w > 0 && SDL_PointInRect(&p, &r[i]))
            return i;
    return -1;
}

/* The unlock and name screens: the on-screen keyboard, or a USB one. */
static void keyboard_event(kiosk *k, const SDL_Event *e, SDL_Keycode key, bool pressed, int x,
                           int y, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    bool unlock = k->screen == SCREEN_ISSUE_UNLOCK;
    osk_result res = OSK_NONE;
    if (e->type == SDL_TEXTINPUT) {
        /* the digit or letter of the key that opened this screen comes
         * as text in the same turn: it is not typed */
        if (now_ms == k->screen_since_ms)
            return;
        if (!(unlock && is->locked) && osk_insert(&is->kb, e->text.text))
            res = OSK_TYPED;
    } else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        res = OSK_DONE;
    } else if (key == SDLK_BACKSPACE) {
        res = osk_backspace(&is->kb) ? OSK_TYPED : OSK_NONE;
    } else if (key == SDLK_ESCAPE) {
        res = OSK_CANCELLED;
    } else if (pressed) {
        osk_key keys[OSK_MAX_KEYS];
        int n = osk_layout(&is->kb, osk_area(k->screen_w, k->screen_h), keys);
        int i = osk_hit(keys, n, x, y);
        if (i >= 0 && !(unlock && is->locked && keys[i].kind == OSK_KEY_CHAR))
            res = osk_press(&is->kb, &keys[i]);
        k->dirty = true; /* shift and the layer show */
    }
    if (res == OSK_TYPED) {
        if (is->msg != MSG_LOCKED)
            is->msg = NULL, is->detail[0] = '\0';
        k->dirty = true;
    } else if (res == OSK_DONE) {
        if (unlock)
            try_unlock(k, now_ms);
        else
            name_done(k, now_ms);
    } else if (res == OSK_CANCELLED) {
        if (unlock) {
            leave(k, "leave", SCREEN_ADMIN, now_ms);
        } else {
            /* back to the templates; the name typed goes */
            osk_clear(&is->kb);
            is->msg = NULL;
            is->detail[0] = '\0';
            kiosk_set_screen(k, SCREEN_ISSUE_TEMPLATE, now_ms);
        }
    }
}

bool issue_event(kiosk *k, const SDL_Event *e, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    if (e->type == SDL_QUIT || e->type == SDL_WINDOWEVENT)
        return false;
    int x = 0, y = 0;
    bool pressed = press_at(k, e, &x, &y);
    SDL_Keycode key = e->type == SDL_KEYDOWN ? e->key.keysym.sym : SDLK_UNKNOWN;
    if (pressed || e->type == SDL_KEYDOWN || e->type == SDL_TEXTINPUT)
        is->last_input_ms = now_ms;
    if (e->type == SDL_KEYDOWN && (e->key.keysym.mod & (KMOD_CTRL | KMOD_ALT)))
        return true; /* Ctrl+Alt+A and the like: not typed */
    int b = pressed ? button_at(k, x, y) : -1;
    switch (k->screen) {
    case SCREEN_ISSUE_UNLOCK:
        if (is->refused) {
            if (pressed || key == SDLK_ESCAPE || key == SDLK_RETURN || key == SDLK_BACKSPACE)
                leave(k, "leave", SCREEN_ADMIN, now_ms);
            break;
        }
        keyboard_event(k, e, key, pressed, x, y, now_ms);
        break;
    case SCREEN_ISSUE_NAME: keyboard_event(k, e, key, pressed, x, y, now_ms); break;
    case SCREEN_ISSUE_TEMPLATE:
        if (key >= SDLK_1 && key < SDLK_1 + ISSUE_PAGE)
            choose(k, is->page * ISSUE_PAGE + (int)(key - SDLK_1), now_ms);
        else if (key >= SDLK_KP_1 && key < SDLK_KP_1 + ISSUE_PAGE)
            choose(k, is->page * ISSUE_PAGE + (int)(key - SDLK_KP_1), now_ms);
        else if (b >= IB_T0 && b < IB_T0 + ISSUE_PAGE)
            choose(k, is->page * ISSUE_PAGE + b - IB_T0, now_ms);
        else if ((key == SDLK_RIGHT || key == SDLK_PAGEDOWN || b == IB_NEXT) &&
                 is->page + 1 < pages(is))
            is->page++, is->msg = NULL, k->dirty = true;
        else if ((key == SDLK_LEFT || key == SDLK_PAGEUP || b == IB_PREV) && is->page > 0)
            is->page--, is->msg = NULL, k->dirty = true;
        else if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE || b == IB_BACK)
            leave(k, "leave", SCREEN_ADMIN, now_ms);
        break;
    case SCREEN_ISSUE_CONFIRM:
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER || b == IB_ISSUE) {
            issue_now(k, now_ms);
        } else if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE || b == IB_BACK) {
            /* the name is kept on the keyboard, to correct it */
            is->msg = NULL;
            kiosk_set_screen(k, SCREEN_ISSUE_NAME, now_ms);
        }
        break;
    case SCREEN_ISSUE_QR:
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER || key == SDLK_ESCAPE || b == IB_DONE)
            next_learner(k, now_ms);
        break;
    default: break;
    }
    return true;
}

void issue_update(kiosk *k, uint32_t now_ms)
{
    kiosk_issue *is = &k->issue;
    if (is->locked && (int32_t)(now_ms - is->locked_until_ms) >= 0) {
        is->locked = false;
        if (is->msg == MSG_LOCKED)
            is->msg = NULL;
        k->dirty = true;
    }
    if (issue_screen(k->screen) && now_ms - is->last_input_ms >= lock_ms(k)) {
        emit("timeout", NULL, NULL, NULL, 0);
        leave(k, "idle", SCREEN_IDLE, now_ms);
    } else if (is->sk && !issue_screen(k->screen)) {
        lock_key(k, "leave"); /* never held outside issue mode */
    }
}

uint32_t issue_due_in(const kiosk *k, uint32_t now_ms)
{
    const kiosk_issue *is = &k->issue;
    uint32_t w = UINT32_MAX;
    if (is->locked) {
        int32_t d = (int32_t)(is->locked_until_ms - now_ms);
        w = d <= 0 ? 0 : (uint32_t)d;
    }
    if (issue_screen(k->screen)) {
        uint32_t gone = now_ms - is->last_input_ms, span = lock_ms(k);
        uint32_t t = gone >= span ? 0 : span - gone;
        if (t < w)
            w = t;
    }
    return w;
}

void issue_close(kiosk *k)
{
    lock_key(k, "exit");
}

/* ---- drawing ---- */

unsigned long issue_shot_key(const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    /* FNV-1a over what the issue screens show */
    const unsigned long v[] = {(unsigned long)k->screen, is->kb.len, is->kb.shift, is->kb.accents,
                               (unsigned long)(uintptr_t)is->msg, is->wrong, is->locked,
                               (unsigned long)is->page, is->issued, is->refused};
    unsigned long h = 2166136261u;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        h = (h ^ v[i]) * 16777619u;
    return h | 1;
}

/* Whether every word of s fits max_w in font (so wrapping never cuts one). */
static bool words_fit(kiosk_gfx *g, int font, const char *s, int max_w)
{
    char word[ISSUE_FIELD];
    while (*s) {
        size_t n = strcspn(s, " ");
        if (n > 0) {
            copy_text(word, sizeof word, s, n);
            int tw, th;
            ui_text_size(g, font, word, &tw, &th);
            if (tw > max_w)
                return false;
        }
        s += n;
        while (*s == ' ')
            s++;
    }
    return true;
}

/* How high s is when wrapped between words at max_w in font: the words
 * packed greedily, as SDL_ttf wraps them. */
static int lines_height(kiosk_gfx *g, int font, const char *s, int max_w)
{
    int space_w, th, line_w = 0, lines = 1;
    ui_text_size(g, font, "a a", &space_w, &th);
    int a_w, a_h;
    ui_text_size(g, font, "aa", &a_w, &a_h);
    space_w -= a_w;
    char word[ISSUE_FIELD];
    while (*s) {
        size_t n = strcspn(s, " ");
        if (n > 0) {
            copy_text(word, sizeof word, s, n);
            int ww, wh;
            ui_text_size(g, font, word, &ww, &wh);
            if (line_w > 0 && line_w + space_w + ww > max_w) {
                lines++;
                line_w = ww;
            } else {
                line_w += (line_w > 0 ? space_w : 0) + ww;
            }
        }
        s += n;
        while (*s == ' ')
            s++;
    }
    return lines * th;
}

/* s wrapped at max_w in the largest of fonts (largest first, n of them)
 * that keeps every word whole and the whole under max_h; the smallest
 * shrinks to fit otherwise. Returns the height drawn. */
static int fit_text(kiosk_gfx *g, const int *fonts, int n, const char *s, int x, int y, int max_w,
                    int max_h, ui_align a, SDL_Color c)
{
    for (int i = 0; i < n; i++)
        if (words_fit(g, fonts[i], s, max_w) && lines_height(g, fonts[i], s, max_w) <= max_h)
            return ui_text(g, fonts[i], s, x, y, max_w, a, c, true);
    /* nothing fits: the smallest, wrapped between words if it can be */
    return ui_text(g, fonts[n - 1], s, x, y, max_w, a, c, words_fit(g, fonts[n - 1], s, max_w));
}

/* A template's button: its title as large as fits; a bad one greyed with
 * what is wrong under its file name. */
static void template_label(kiosk_gfx *g, SDL_Rect b, const issue_template *t, int number);

static void template_button(kiosk_gfx *g, SDL_Rect b, const issue_template *t, int number)
{
    SDL_Color off = {0x3a, 0x40, 0x48, 255};
    ui_rect(g, UI_SOFT, b.x, b.y, b.w, b.h);
    ui_rect(g, t->error[0] ? off : UI_KEY, b.x + 3, b.y + 3, b.w - 6, b.h - 6);
    /* a title too long for a small screen's button is cut at its edge */
    SDL_Rect clip = {b.x + 3, b.y + 3, b.w - 6, b.h - 6};
    SDL_RenderSetClipRect(ui_renderer(g), &clip);
    template_label(g, b, t, number);
    SDL_RenderSetClipRect(ui_renderer(g), NULL);
}

static void template_label(kiosk_gfx *g, SDL_Rect b, const issue_template *t, int number)
{
    char corner[4];
    snprintf(corner, sizeof corner, "%d", number);
    int pad = b.w / 14 + 4, cw, chh;
    ui_text_size(g, UI_SMALL, corner, &cw, &chh);
    ui_text(g, UI_SMALL, corner, b.x + 8, b.y + 6, b.w / 4, UI_LEFT, UI_SOFT, false);
    int top = b.y + 6 + chh * 3 / 4, inner_w = b.w - 2 * pad, inner_h = b.y + b.h - 6 - top;
    static const int big[] = {UI_BODY_BOLD, UI_BODY, UI_SMALL};
    if (!t->error[0]) {
        int th = 0;
        for (int i = 0; i < 3; i++)
            if (words_fit(g, big[i], t->title, inner_w) &&
                (th = lines_height(g, big[i], t->title, inner_w)) <= inner_h)
                break;
        int y = top + (inner_h - (th < inner_h ? th : inner_h)) / 2;
        fit_text(g, big, 3, t->title, b.x + pad, y, inner_w, inner_h, UI_CENTRE, UI_WHITE);
        return;
    }
    int y = top;
    y += ui_text(g, UI_SMALL, t->title, b.x + pad, y, inner_w, UI_CENTRE, UI_WHITE, false);
    size_t fl = strlen(t->file);
    const char *why = strncmp(t->error, t->file, fl) == 0 && t->error[fl] == ':'
                          ? t->error + fl + 1 + (t->error[fl + 1] == ' ')
                          : t->error;
    static const int small[] = {UI_SMALL};
    fit_text(g, small, 1, why, b.x + pad, y + 4, inner_w, b.y + b.h - 6 - y, UI_CENTRE, UI_WARN);
}

/* The typing screens: the field, the message or the template's title
 * under it, and the keyboard (typing.h). */
static void draw_typing(kiosk_gfx *g, const kiosk *k, const char *title, const char *hint)
{
    const kiosk_issue *is = &k->issue;
    const char *line = NULL;
    SDL_Color colour = UI_SOFT;
    if (is->msg) {
        line = _(is->msg);
        colour = UI_WARN;
    } else if (k->screen == SCREEN_ISSUE_NAME && is->chosen >= 0 && is->list) {
        line = is->list[is->chosen].title;
    }
    typing_draw(g, &is->kb, title, hint, line, colour,
                k->screen == SCREEN_ISSUE_UNLOCK && is->locked);
}

static void draw_refused(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    SDL_Rect r[IB_COUNT];
    buttons(SCREEN_ISSUE_UNLOCK, is, w, h, r);
    ui_button(g, r[IB_BACK], _("Back"), NULL, UI_KEY);
    int y = h * 22 / 100;
    y += ui_text(g, UI_HEAD, _("The issuer key cannot be used"), w / 20, y, w * 9 / 10, UI_LEFT,
                 UI_WHITE, false);
    y += h / 30;
    if (is->msg)
        y += ui_text(g, UI_BODY_BOLD, _(is->msg), w / 20, y, w * 9 / 10, UI_LEFT, UI_WARN, true);
    y += h / 30;
    ui_text(g, UI_SMALL, is->detail, w / 20, y, w * 9 / 10, UI_LEFT, UI_SOFT, true);
}

static void draw_templates(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    SDL_Rect r[IB_COUNT];
    buttons(SCREEN_ISSUE_TEMPLATE, is, w, h, r);
    /* TRANSLATORS: the button that locks the issuer key and leaves issuing */
    ui_button(g, r[IB_BACK], _("Lock"), NULL, UI_KEY);
    ui_text(g, UI_HEAD, _("Choose the credential"), r[IB_BACK].x + r[IB_BACK].w + w / 30,
            h * 5 / 100, w - r[IB_BACK].w - w / 10, UI_CENTRE, UI_WHITE, false);
    SDL_Color off = {0x3a, 0x40, 0x48, 255};
    int first = is->page * ISSUE_PAGE;
    for (int i = 0; i < ISSUE_PAGE && first + i < is->n_list; i++) {
        const issue_template *t = &is->list[first + i];
        template_button(g, r[IB_T0 + i], t, i + 1);
    }
    if (r[IB_PREV].w) {
        ui_button(g, r[IB_PREV], _("Previous"), NULL, is->page > 0 ? UI_KEY : off);
        ui_button(g, r[IB_NEXT], _("Next"), NULL, is->page + 1 < pages(is) ? UI_KEY : off);
        char page[64];
        /* TRANSLATORS: page 1 of 3 */
        snprintf(page, sizeof page, _("Page %d of %d"), is->page + 1, pages(is));
        ui_text(g, UI_SMALL, page, w * 35 / 100, h * 88 / 100, w * 30 / 100, UI_CENTRE, UI_SOFT,
                false);
    }
    if (is->msg) {
        int y = h * 82 / 100;
        if (r[IB_PREV].w)
            y = h * 80 / 100 - h / 12;
        y += ui_text(g, UI_BODY_BOLD, _(is->msg), w / 20, y, w * 9 / 10, UI_CENTRE, UI_WARN,
                     false);
        ui_text(g, UI_SMALL, is->detail, w / 20, y, w * 9 / 10, UI_CENTRE, UI_SOFT, false);
    }
}

static void draw_confirm(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    ui_text(g, UI_HEAD, _("Issue this credential?"), w / 20, h * 4 / 100, w * 9 / 10, UI_LEFT,
            UI_WHITE, false);
    char exp[96];
    if (is->has_exp)
        ui_date(is->exp, exp, sizeof exp);
    else
        snprintf(exp, sizeof exp, "%s", _("no expiry"));
    const struct { const char *label, *value; } rows[] = {
        {_("Name"), is->holder},
        {_("Credential"), is->title},
        {_("Awarded by"), is->awarder},
        {_("Expires"), exp},
    };
    int y = h * 20 / 100, lx = w / 20, vx = w * 30 / 100, vw = w - vx - w / 20;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ui_text(g, UI_BODY, rows[i].label, lx, y + h / 100, vx - lx - w / 40, UI_LEFT, UI_SOFT,
                false);
        int font = i == 0 ? UI_HEAD : UI_BODY_BOLD;
        ui_text(g, font, rows[i].value, vx, y, vw, UI_LEFT, UI_WHITE, false);
        y += i == 0 ? h * 16 / 100 : h * 12 / 100;
    }
    if (is->msg) {
        int my = h * 66 / 100;
        my += ui_text(g, UI_BODY_BOLD, _(is->msg), lx, my, w * 9 / 10, UI_LEFT, UI_WARN, false);
        ui_text(g, UI_SMALL, is->detail, lx, my, w * 9 / 10, UI_LEFT, UI_SOFT, false);
    }
    SDL_Rect r[IB_COUNT];
    buttons(SCREEN_ISSUE_CONFIRM, is, w, h, r);
    ui_button(g, r[IB_BACK], _("Back"), NULL, UI_KEY);
    /* TRANSLATORS: the button that signs and shows the credential */
    ui_button(g, r[IB_ISSUE], _("Issue"), NULL, UI_GREEN);
}

static void draw_qr(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    int w, h;
    ui_size(g, &w, &h);
    ui_fill(g, UI_NAVY);
    SDL_Rect code, text;
    qr_place(is, w, h, &code, &text);
    /* one texel a module; stretched without blur (qr_sdl.h) */
    qr_style style = {'M', 1, 4};
    int tw, th;
    SDL_Texture *t = qr_texture(ui_renderer(g), &is->qr, &style, &tw, &th);
    if (t) {
        SDL_RenderCopy(ui_renderer(g), t, NULL, &code);
        SDL_DestroyTexture(t);
    } else {
        ui_text(g, UI_BODY, SDL_GetError(), code.x, code.y, code.w, UI_LEFT, UI_WARN, true);
    }
    SDL_Rect r[IB_COUNT];
    buttons(SCREEN_ISSUE_QR, is, w, h, r);
    /* the texts above Done (beside it on a wide screen, where Done is in
     * the corner): the name large, wrapped only between words; a word too
     * long for the column makes the font smaller, never cut in two */
    bool wide = w * 4 >= h * 5;
    int y = text.y, end = wide ? text.y + text.h : r[IB_DONE].y - h / 60;
    static const int name_fonts[] = {UI_HEAD, UI_BODY_BOLD, UI_BODY, UI_SMALL};
    static const int title_fonts[] = {UI_BODY_BOLD, UI_BODY, UI_SMALL};
    static const int small_fonts[] = {UI_BODY, UI_SMALL};
    y += fit_text(g, name_fonts, 4, is->holder, text.x, y, text.w, (end - y) * 4 / 10, UI_LEFT,
                  UI_WHITE);
    y += h / 50;
    y += fit_text(g, title_fonts, 3, is->title, text.x, y, text.w, (end - y) / 2, UI_LEFT,
                  UI_WHITE);
    y += h / 80;
    y += fit_text(g, small_fonts, 2, is->awarder, text.x, y, text.w, (end - y) / 3, UI_LEFT,
                  UI_SOFT);
    y += h / 40;
    char note[800];
    SDL_Color c = UI_SOFT;
    if (is->png == ISSUE_PNG_SAVED) {
        const char *base = strrchr(is->png_note, '/');
        /* TRANSLATORS: the picture's file name follows */
        snprintf(note, sizeof note, _("Saved on the USB stick as %s"),
                 base ? base + 1 : is->png_note);
    } else if (is->png == ISSUE_PNG_FAILED) {
        snprintf(note, sizeof note, _("Not saved on the USB stick: %s"), is->png_note);
        c = UI_WARN;
    } else {
        snprintf(note, sizeof note, "%s",
                 _("No USB stick: photograph the code, it was not saved"));
    }
    /* under the texts and above Done, beside it when there is no room */
    int bottom = r[IB_DONE].y - h / 50;
    if (wide && y + lines_height(g, UI_SMALL, note, text.w) > bottom)
        text.w = r[IB_DONE].x - text.x - w / 40;
    static const int note_fonts[] = {UI_SMALL};
    y += fit_text(g, note_fonts, 1, note, text.x, y, text.w, bottom - y, UI_LEFT, c);
    if (!is->recorded)
        ui_text(g, UI_SMALL, _("Not recorded in this kiosk's list of issued credentials"),
                text.x, y + h / 80, text.w, UI_LEFT, UI_WARN, true);
    /* TRANSLATORS: on the QR screen: on to the next learner */
    ui_button(g, r[IB_DONE], _("Done"), NULL, UI_GREEN);
}

void issue_draw(kiosk_gfx *g, const kiosk *k)
{
    const kiosk_issue *is = &k->issue;
    switch (k->screen) {
    case SCREEN_ISSUE_UNLOCK:
        if (is->refused)
            draw_refused(g, k);
        else
            draw_typing(g, k, _("Unlock the issuer key"), _("Passphrase"));
        break;
    case SCREEN_ISSUE_TEMPLATE: draw_templates(g, k); break;
    case SCREEN_ISSUE_NAME:
        draw_typing(g, k, _("The learner's name"), _("Name as it will be shown"));
        break;
    case SCREEN_ISSUE_CONFIRM: draw_confirm(g, k); break;
    case SCREEN_ISSUE_QR: draw_qr(g, k); break;
    default: break;
    }
}
