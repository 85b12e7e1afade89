#!/usr/bin/env bash
# make firmware-test: the door reader on an emulated Cortex-M4 (QEMU's
# mps2-an386, semihosting). 1. test_m4.elf verifies every case of the
# host's tests and must give the host's verdict for each (its exit code is
# the test's). 2. door.elf, the door reader itself, answers the lines of
# door_input.txt and must print door_expect.txt. Usage: firmware-test.sh
# BUILD_DIR (default build-m4).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build-m4}" && pwd)
target=$build/target gen=$build/gen/out
TIMEOUT=${FIRMWARE_TEST_TIMEOUT:-300}

qemu() { # ELF [INPUT]: runs it; its exit code is the program's. The
  # semihosting console is QEMU's stdout; the input is a file (QEMU drops
  # the first bytes of console input that arrive before they are read).
  local args=enable=on,target=native,chardev=out,arg=$(basename "$1")
  [ -z "${2:-}" ] || args=$args,arg=$2
  timeout -s KILL "$TIMEOUT" qemu-system-arm -M mps2-an386 -display none -monitor none \
    -serial none -chardev stdio,id=out,signal=off -semihosting-config "$args" \
    -kernel "$1" </dev/null
}

echo "== test_m4 on the emulated Cortex-M4 (timeout ${TIMEOUT}s)"
set +e
qemu "$target/test_m4.elf" | tee "$target/test_m4.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  echo "firmware-test: test_m4 failed (exit code $rc)"
  exit "$rc"
fi

echo "== door.elf: $(wc -l <"$gen/door_input.txt") lines from door_input.txt"
set +e
qemu "$target/door.elf" "$gen/door_input.txt" >"$target/door.out"
rc=$?
set -e
grep '^door: stack' "$target/door.out" || true
if [ "$rc" -ne 0 ]; then
  echo "firmware-test: door.elf failed (exit code $rc)"
  cat "$target/door.out"
  exit "$rc"
fi
if ! grep -v '^door: ' "$target/door.out" | diff -u "$gen/door_expect.txt" -; then
  echo "firmware-test: door.elf's answers differ from the host's"
  exit 1
fi
echo "door.elf: every answer is the host's"
stack=$(sed -n 's/^door: stack high-water \([0-9]*\) B.*/\1/p' "$target/door.out")
"$root/board/cortex-m/sizes.sh" "$target/door.elf" "$target/door.map" "$stack"
