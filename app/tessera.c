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
    {"keygen", cmd_keygen, "keygen --out FILE",
     "Makes an Ed25519 key pair: FILE (the secret seed, mode 0600, never\n"
     "overwritten) and FILE.pub. Prints the public key and its kid.\n"},
    {"issue", cmd_issue,
     "issue --key FILE --iss ISS --holder NAME --title TITLE --achievement ID\n"
     "             --awarder NAME [--skill CODE]... [options]",
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
     "Times T are Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n"},
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
