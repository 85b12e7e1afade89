#!/bin/sh
# qemu-run.sh PROG [ARG...]: runs an arm64 program of the cross build under
# qemu-aarch64. toolchain.cmake makes it CTest's emulator.
#
# Some tests start the arm64 commands as children (execv of tessera or
# tessera-kiosk, named on their command line or in $TESSERA). Without a
# binfmt_misc handler for aarch64 (none in a container, nor in CI) the
# kernel cannot start those. So each argument that names an arm64
# executable, and $TESSERA, is swapped for a two-line shell script beside
# it (qemu-shims/NAME) that starts it under qemu-aarch64: what binfmt_misc
# would do. The script execs qemu, so a test's SIGKILL reaches qemu itself.
# qemu-aarch64 is run plain: with -L on a multiarch host it would mix the
# two C libraries.
set -eu

QEMU=${QEMU_AARCH64:-qemu-aarch64}

if [ $# -lt 1 ]; then
    echo "usage: qemu-run.sh PROG [ARG...]" >&2
    exit 2
fi
if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "qemu-run.sh: $QEMU not found (make deps-cross installs qemu-user)" >&2
    exit 2
fi

# True when $1 is an executable ELF file for AArch64 (e_machine 183).
is_arm64_exe() {
    [ -f "$1" ] && [ -x "$1" ] || return 1
    head=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n')
    # \x7fELF, 64-bit, little-endian ... e_machine at offset 18 = b7 00
    case $head in
        7f454c4602010*) [ "$(printf '%s' "$head" | cut -c37-40)" = b700 ] ;;
        *) return 1 ;;
    esac
}

# Prints the path of the shim that runs $1 under qemu, making it if needed.
shim_for() {
    abs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    dir=$(dirname "$abs")/qemu-shims
    shim=$dir/$(basename "$abs")
    body=$(printf '#!/bin/sh\nexec %s %s "$@"\n' "$QEMU" "'$abs'")
    if [ ! -x "$shim" ] || [ "$(cat "$shim")" != "$body" ]; then
        mkdir -p "$dir"
        # tests run in parallel: write aside, then rename into place
        printf '%s\n' "$body" >"$shim.$$"
        chmod 755 "$shim.$$"
        mv -f "$shim.$$" "$shim"
    fi
    printf '%s\n' "$shim"
}

prog=$1
shift
n=$#
while [ "$n" -gt 0 ]; do
    a=$1
    shift
    if is_arm64_exe "$a"; then
        a=$(shim_for "$a")
    fi
    set -- "$@" "$a"
    n=$((n - 1))
done
if [ -n "${TESSERA:-}" ] && is_arm64_exe "$TESSERA"; then
    TESSERA=$(shim_for "$TESSERA")
    export TESSERA
fi

exec "$QEMU" "$prog" "$@"
