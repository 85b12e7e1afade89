#!/usr/bin/env bash
# Fetches Debian's libsodium and zlib SOURCE packages into $1/src (default
# build-m4/src) for the Cortex-M4 door-reader build. Idempotent: enables
# deb-src once, fetches each package once. Nothing fetched is committed.
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build-m4}/src"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# deb-src for the suites deb already uses (Debian 12 uses deb822 .sources).
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "fetch-deps: enabling deb-src"
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
    'Suites: bookworm bookworm-updates' 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    $SUDO tee /etc/apt/sources.list.d/tessera-deb-src.sources >/dev/null
  $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$out"
for pkg in libsodium zlib; do
  if [ -f "$pkg.stamp" ] && [ -d "$(cat "$pkg.stamp")" ]; then
    continue
  fi
  rm -rf "$pkg"-[0-9]* "$pkg"_*
  if ! apt-get source -qq "$pkg" >/dev/null 2>apt-source-$pkg.log; then
    # The package lists may predate deb-src: refresh once and retry.
    $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
    apt-get source -qq "$pkg" >/dev/null 2>apt-source-$pkg.log
  fi
  dir=$(find . -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n1)
  [ -n "$dir" ] || { echo "fetch-deps: no source tree for $pkg" >&2; exit 1; }
  echo "$out/${dir#./}" >"$pkg.stamp"
  echo "fetch-deps: $pkg in $out/${dir#./}"
done
# The source trees under stable names for the build.
ln -sfn "$(cat libsodium.stamp)" libsodium
ln -sfn "$(cat zlib.stamp)" zlib
