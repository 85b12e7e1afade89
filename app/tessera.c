/* tessera: the command-line tool. One subcommand per job. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"
#include "tessera/tess_crypto.h"

typedef struct {
    const char *name;
    int (*run)(args *a);
    const char *synopsis;
    const char *help;
} command;

static const command commands[] = {
    {"keygen", cmd_keygen, "keygen --out FILE [--seal [--passphrase-file F]]",
     "Makes an Ed25519 key pair: FILE (the secret seed, mode 0600, never\n"
     "overwritten) and FILE.pub. Prints the public key and its kid.\n"
     "--seal encrypts the secret with a passphrase (Argon2id, then\n"
     "XSalsa20-Poly1305), asked twice on the terminal or read from the first\n"
     "line of --passphrase-file F. Every command that takes a key then asks\n"
     "for it (or reads --passphrase-file, or the file TESSERA_PASSPHRASE_FILE\n"
     "names).\n"},
    {"key", cmd_key, "key seal --key FILE [--passphrase-file F] [--old-passphrase-file F]",
     "Seals an unsealed secret key in place with a passphrase, or re-seals a\n"
     "sealed one under a new passphrase. The file is replaced atomically: a\n"
     "power cut leaves the old file or the new one. Exit 0 sealed, 2 error.\n"},
    {"issue", cmd_issue,
     "issue --key FILE --iss ISS --holder NAME --title TITLE --achievement ID\n"
     "             --awarder NAME [--skill CODE]... [options]\n"
     "  tessera issue --template FILE --csv FILE --out DIR --key FILE --iss ISS [options]",
     "Issues an MC1 credential signed with the secret key FILE and prints its\n"
     "text (the QR code content). Options:\n"
     "  --sub ID            opaque holder id       --country CC   awarding body's country\n"
     "  --exp T --nbf T     expiry, not before     --iat T        issued at (default now)\n"
     "  --type N|NAME       0 MicroCredential 1 Badge 2 Certificate 3 Course 4 License\n"
     "                      5 Certification 6 Competency 7 Assessment\n"
     "  --eqf N             EQF level 1..8         --hours N      notional workload\n"
     "  --assessment N|NAME none, self, online-proctored, on-site-supervised,\n"
     "                      practical-demonstration (or an unambiguous start)\n"
     "  --participation N|NAME online on-site blended\n"
     "  --qa TEXT           quality assurance      --lang TAG     BCP 47 language\n"
     "  --stack ID          a pathway (repeat)     --cti HEX      the id (default random)\n"
     "  --no-compress       never zlib             --qr           also print the QR code\n"
     "  --passphrase-file F the passphrase of a sealed --key\n"
     "Times T are Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n"
     "\n"
     "tessera issue --template FILE --csv FILE --out DIR --key KEY --iss ISS\n"
     "             [--passphrase-file F] [--pdf FILE | --no-pdf] [--no-png] [--iat T]\n"
     "  issues one credential per row of a spreadsheet saved as CSV, with the\n"
     "  fields of a template (assets/templates/README.md). Columns: name\n"
     "  (required), sub, lang, issued_at, expires; nothing else is accepted.\n"
     "  DIR gets NNNN.png (the QR code of row NNNN), manifest.csv (row,cti,file:\n"
     "  keep it, to revoke) and cards.pdf (A4 sheets of ten 85 x 54 mm cards).\n"
     "  A bad row is reported as FILE:LINE and skipped. Exit 0 all issued,\n"
     "  1 some rows skipped, 2 nothing issued or a usage error.\n"},
    {"revoke", cmd_revoke,
     "revoke --list FILE (--manifest FILE (--row N | --cti HEX) | --cti HEX)\n"
     "             [--reason TEXT]",
     "Adds a credential's id (cti) to a revocation list, one id (32 hex\n"
     "digits) a line, as `tessera bundle create --revoked-file` reads it. The\n"
     "id is found by its row in a batch's manifest.csv, or given. The list is\n"
     "created if missing; an id already in it is not added twice. --reason\n"
     "goes into a # comment line above the id. Exit 0 done (or already\n"
     "there), 2 error.\n"},
    {"root", cmd_root, "root init --threshold N --key PUBFILE... --out FILE",
     "Writes the root of trust {1: threshold, 2: [keys]} that kiosks are\n"
     "provisioned with. A bundle must be signed by N of these keys.\n"},
    {"bundle", cmd_bundle,
     "bundle create --root ROOT --sign KEY... --version N --expires T --out FILE\n"
     "             [--manifest FILE] [--publisher P] [--issued-at T]\n"
     "             [--issuer PUBFILE --iss ISS --name NAME [--not-before T]\n"
     "              [--not-after T] [--allow PREFIX]...]...\n"
     "             [--revoke HEX]... [--new-root PUBFILE... --new-threshold N]\n"
     "             [--issuers-file FILE] [--revoked-file FILE]\n"
     "             [--pathway ID --pathway-title T --require ISS ACHIEVEMENT... [--need N]]...",
     "Writes a TB1 trust bundle signed by the secret keys KEY and checks it\n"
     "against ROOT before writing. A manifest holds the same as the options,\n"
     "one per line (`issuer demo.pub`, then `iss ...`, `name ...`), with paths\n"
     "relative to the manifest. Issuers and revocations are sorted for you.\n"
     "For large fleets: --issuers-file has one issuer a line, fields separated\n"
     "by tabs: PUBKEY_HEX ISS NAME [NOT_BEFORE NOT_AFTER [PREFIX,PREFIX...]];\n"
     "--revoked-file one credential id (32 hex digits) a line.\n"
     "\n"
     "tessera bundle install [--root ROOT] [--state DIR] [--json] FILE\n"
     "  installs FILE in the kiosk's state (default " TESS_DEFAULT_STATE "), or refuses\n"
     "  it: bad_bundle, threshold, rotation or rollback. --root is needed only\n"
     "  the first time; after that the roots in force are the state's.\n"
     "  Exit 0 installed, 1 refused, 2 error (nothing changed).\n"
     "tessera bundle import [--state DIR] [--json] MOUNTPOINT\n"
     "  installs the newest bundle on a USB stick: files named *.tb1 in its\n"
     "  top folder or in its folder tessera/.\n"
     "tessera bundle status [--state DIR] [--json]\n"
     "  the bundle in force, its roots and the time floor.\n"},
    {"verify", cmd_verify,
     "verify (--state DIR | --root FILE --bundle FILE) [--at T] [--skew S] [--json]\n"
     "             (TEXT | -)",
     "Verifies a credential's text (or standard input with -) offline against\n"
     "the bundle installed in DIR, or against a root and a bundle file.\n"
     "Exit 0 valid, 1 invalid, 2 usage, I/O or trust error.\n"
     "--at judges at time T instead of now; --skew tolerates S seconds of\n"
     "clock difference (default 300). With --state and no --at, the time is\n"
     "the system clock but never earlier than the state's time floor (the\n"
     "verdict then says clock_uncertain), and each verdict moves the floor on.\n"
#ifdef TESS_HAVE_SCANNER
     "--image FILE, instead of TEXT, reads the text from the first QR code in\n"
     "the image (PNG or JPEG) that holds an MC1 credential; no such code is\n"
     "exit 2 (with --json, reason no_code).\n"
#endif
     },
#ifdef TESS_HAVE_SCANNER
    {"scan", cmd_scan, "scan [--json] FILE...",
     "Prints the text of every QR code in the image files (PNG or JPEG, by\n"
     "content) or folders of them, one per line, exactly as read. With --json,\n"
     "one object: {\"files\": [{\"file\", \"codes\", \"passes\"} or {\"file\",\n"
     "\"error\"}], \"found\"}. Exit 0 when a code was found, 1 when none was,\n"
     "2 on usage error or a file that cannot be read as an image.\n"},
#endif
    {"checkin", cmd_checkin,
     "checkin --state DIR --event ID [--kiosk ID] [--at T] [--skew S] [--json]\n"
     "             (TEXT | -)",
     "Verifies a credential as `verify --state` does, then records it in the\n"
     "store DIR/store.db for the event ID in one durable transaction: the\n"
     "audit row and, for a valid credential, the check-in. An unknown event id\n"
     "is created with a new random secret (said on standard error).\n"
     "--json adds to verify's fields \"event\", \"kiosk\" and \"checkin\": \"first\",\n"
     "\"duplicate\" (with \"first_time\" and \"first_kiosk\" of the first check-in),\n"
     "\"reentry\" (the event allows re-entry after some seconds), \"refused\"\n"
     "(invalid), or \"error\" with \"store_error\" (the store cannot record:\n"
     "read-only, full or damaged; the verdict still stands).\n"
     "Exit 0 first or re-entry, 3 duplicate, 1 refused, 2 error.\n"
     "--kiosk names this kiosk in the log (default the hostname).\n"
     "With -, reads one credential text a line from standard input and prints\n"
     "one line per credential only after it is committed (the line is the\n"
     "acknowledgement); exit 0 at the end, or 2 when any could not be recorded.\n"},
    {"event", cmd_event,
     "event create --state DIR --id ID --name NAME [--start T --end T] [--keep-names]\n"
     "             [--reentry-after SECONDS] [--out FILE]",
     "Makes an event with a new random 32-byte secret, and with --out writes\n"
     "its event file (text, mode 0600, the secret in hex) for other kiosks.\n"
     "--keep-names keeps holders' names in the audit log (the kiosk tells\n"
     "them); otherwise no names are kept.\n"
     "\n"
     "tessera event import --state DIR FILE\n"
     "  installs an event file: the kiosks that share it see each other's\n"
     "  duplicates after a merge. The same id with another secret is refused.\n"
     "tessera event export --state DIR --id ID --out FILE\n"
     "  writes the event file of an event already here.\n"
     "tessera event list --state DIR\n"
     "  one event a line: id, name, start, end, names kept, re-entry.\n"},
    {"log", cmd_log,
     "log export --state DIR --event ID (--csv FILE | --jsonl FILE)",
     "Writes the audit rows of an event, ordered by time, kiosk and number:\n"
     "CSV (RFC 4180, a header row) or JSON Lines; - is standard output.\n"
     "\n"
     "tessera log merge --state DIR OTHER.db\n"
     "  merges another kiosk's store of the same events: idempotent, in any\n"
     "  order; the earliest first check-in of a badge wins. Refused, with\n"
     "  nothing changed, when an event's secret differs or OTHER.db's chains\n"
     "  do not check (exit 1).\n"
     "tessera log check --state DIR\n"
     "  recomputes every kiosk's hash chain; exit 1 naming the first row\n"
     "  edited, deleted or reordered.\n"
     "tessera log purge --state DIR [--days N]\n"
     "  deletes rows older than N days (N is kept as the retention setting),\n"
     "  and logs the purge.\n"
     "tessera log counts --state DIR --event ID [--json]\n"
     "  checked in, duplicates, re-entries and refused.\n"
     "tessera log export --state DIR --contacts --csv FILE\n"
     "  the contacts candidates agreed to leave at the booth (match mode), for\n"
     "  the employer: consent time, kiosk, role, employer, contact, score and\n"
     "  the skills proven.\n"},
    {"match", cmd_match,
     "match --role FILE --state DIR [--at T] [--skew S] [--lang en|es|fr|de]\n"
     "             [--esco FILE] [--templates DIR] (TEXT... | -)",
     "Verifies a candidate's credentials as `verify --state` does and matches\n"
     "them against a role (assets/roles/README.md): prints one JSON object with\n"
     "the role, each badge (refused ones with their reason; the same credential\n"
     "twice counts once), each required and desirable skill (proven, by which\n"
     "badge, issuer and valid until; missing; or below_eqf), the score (proven\n"
     "required skills in percent) and the trust bundle's pathways the badges\n"
     "count toward, with what is missing. With -, one text a line from\n"
     "standard input. Skills are labelled from --esco FILE (a TSV table, default\n"
     "the shipped assets/esco/skills.tsv) in --lang; pathway requirements are\n"
     "named from the templates in --templates DIR.\n"
     "Exit 0 every required skill proven, 1 not, 2 usage, I/O or trust error.\n"},
    {"inspect", cmd_inspect, "inspect (TEXT | -)",
     "Decodes every layer of a credential as JSON, trusting nothing: no\n"
     "signature is checked. Exit 0 when every layer decodes, 1 otherwise.\n"},
    {"qr", cmd_qr,
     "qr [--png FILE | --svg FILE | --term] [--ecc L|M|Q|H] [--scale N]\n"
     "             [--margin N] (TEXT | -)",
     "Draws TEXT (or standard input with -) as a QR code, in alphanumeric mode\n"
     "when it can (every MC1 text), else in byte mode:\n"
     "  --term        in the terminal, two modules per character (the default)\n"
     "  --png FILE    an 8-bit grey PNG image\n"
     "  --svg FILE    an SVG image, one path of the dark modules\n"
     "  --ecc L|M|Q|H error correction level (default M; H survives most damage)\n"
     "  --scale N     pixels per module, 1..64 (default 8; PNG and SVG size)\n"
     "  --margin N    quiet zone in modules, 0..64 (default 4; PNG and SVG)\n"
     "Exit 0 done, 1 when the text does not fit a QR code, 2 usage or I/O error.\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("tessera: verify and issue micro-credentials offline.\n\nUsage:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  tessera %s\n", commands[i].synopsis);
    fputs("  tessera help [COMMAND]\n", out);
}

static int help(const char *name)
{
    for (size_t i = 0; name && i < N_COMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            printf("Usage: tessera %s\n\n%s", commands[i].synopsis, commands[i].help);
            return EXIT_VALID;
        }
    }
    if (name) {
        fprintf(stderr, "tessera help: unknown command '%s'\n\n", name);
        usage(stderr);
        return EXIT_USAGE;
    }
    usage(stdout);
    return EXIT_VALID;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(argc > 2 ? argv[2] : NULL);
    if (tess_crypto_init() != TESS_OK) {
        fputs("tessera: libsodium failed to initialise\n", stderr);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            args a = {argc, argv, 2, name};
            if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
                return help(name);
            return commands[i].run(&a);
        }
    }
    fprintf(stderr, "tessera: unknown command '%s'\n\n", name);
    usage(stderr);
    return EXIT_USAGE;
}
