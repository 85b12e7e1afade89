#!/usr/bin/env bash
# The demo: a fleet's root keys, a trust bundle with one issuer, a
# credential issued, shown as a QR code and verified offline; then what a
# forged, a revoked and an expired badge look like. Every key made here is
# a DEMO key, made fresh in the demo directory, and worthless outside it.
set -euo pipefail
tessera=$(realpath "${1:-./build/tessera}")
dir=${2:-build/demo}

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
t() { "$tessera" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Demo keys (DEMO ONLY): three fleet root keys and one issuer key, sealed with a passphrase"
# Secret keys are sealed (Argon2id + secretbox); a script gives the
# passphrase in a file, here the demo's own (DEMO ONLY).
printf 'demo passphrase, not for real keys\n' > demo-passphrase
chmod 600 demo-passphrase
export TESSERA_PASSPHRASE_FILE="$PWD/demo-passphrase"
for k in demo-root-1 demo-root-2 demo-root-3 demo-issuer; do
  t keygen --seal --out "$k" | sed -n 's/^kid: /  '"$k"' kid: /p'
done

say "The root of trust a kiosk is provisioned with: 2 of the 3 root keys"
t root init --threshold 2 --key demo-root-1.pub --key demo-root-2.pub --key demo-root-3.pub \
  --out root.cbor

# A credential that the bundle will list as revoked.
revoked_cti=0badc0ffee0000000000000000000001

cat > bundle.manifest <<MANIFEST
# DEMO trust bundle: one issuer, trusted for forklift and safety badges only
version 1
expires $(( $(date +%s) + 180 * 86400 ))
publisher Tessera demo job fair
issuer demo-issuer.pub
  iss https://academy.example
  name Example Training Academy (DEMO)
  allow FORK-
  allow SAFE-
revoke $revoked_cti
pathway warehouse-operator
  title Warehouse operator
  require https://academy.example FORK-L1
  require https://academy.example SAFE-1
MANIFEST

say "The trust bundle, signed by root keys 1 and 2"
t bundle create --root root.cbor --sign demo-root-1 --sign demo-root-2 \
  --manifest bundle.manifest --out bundle.cbor

issue() {
  t issue --key demo-issuer --iss https://academy.example \
    --holder "Ada Lovelace" --title "Forklift Safety, Level 1" --achievement FORK-L1 \
    --awarder "Example Training Academy" --country ES --type Certificate \
    --skill esco:28cb374e-6261-4133-8371-f9a5470145da \
    --skill esco:ab2bb44a-3956-4028-8715-8b70b1960b99 \
    --skill esco:f7464f30-662b-4177-85a0-3df9693e9e58 \
    --eqf 3 --hours 16 --assessment practical-demonstration "$@"
}

say "A credential, as its holder would carry it (the QR code's text)"
text=$(issue --exp "$(( $(date +%s) + 365 * 86400 ))")
echo "$text"
t qr "$text"

say "Verified offline against the bundle"
t verify --root root.cbor --bundle bundle.cbor "$text"

say "Saved as a PNG, then read back by the scanner and verified, as a kiosk's camera would"
t qr --png badge.png "$text"
t verify --root root.cbor --bundle bundle.cbor --image badge.png | head -3

say "The same, for machines (--json)"
t verify --root root.cbor --bundle bundle.cbor --json "$text"

say "A forged copy: one character changed"
forged="${text:0:40}$( [ "${text:40:1}" = "A" ] && echo B || echo A )${text:41}"
t verify --root root.cbor --bundle bundle.cbor "$forged" || true

say "A credential the issuer has revoked"
t verify --root root.cbor --bundle bundle.cbor "$(issue --cti $revoked_cti)" || true

say "An expired credential"
t verify --root root.cbor --bundle bundle.cbor "$(issue --iat 2024-01-01 --exp 2025-01-01)" || true

kiosk="$(dirname "$tessera")/tessera-kiosk"
if [ -x "$kiosk" ]; then
  say "The kiosk: the same badges shown at a door (screens saved in $PWD/screens)"
  t bundle install --root root.cbor --state state bundle.cbor
  { issue --exp "$(( $(date +%s) + 365 * 86400 ))"
    issue --cti $revoked_cti
    issue --iat 2024-01-01 --exp 2025-01-01
    echo "this is not a badge"; } > badges.txt
  mkdir -p screens
  # In a window where there is a display; off screen where there is none.
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
  fi
  "$kiosk" --state state --texts badges.txt --window --pace 1500 --verdict-ms 2500 \
    --exit-when-done --screenshot-dir screens |
    sed -E 's/.*"verdict": "([a-z]+)", "reason": "([a-z_0-9]+)".*"input": "([^"]*)".*/  \3: \1 (\2)/'
  ls screens | sed 's/^/  screens\//'
fi

say "Done. The demo's files are in $PWD"
