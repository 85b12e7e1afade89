#!/usr/bin/env bash
# The door reader's sizes against its targets, read from the ELF and its
# link map: flash (.text + .rodata + .data), static RAM (.data + .bss),
# and what the parsers alone take (Base45, CBOR, COSE, claims, bundle,
# fields, verify, reason words: everything but libsodium, zlib and their
# two seams). Usage: sizes.sh door.elf door.map [stack-high-water]
# Exit code 1 if a target is missed.
set -euo pipefail
elf=$1 map=$2 stack=${3:-}
FLASH_MAX=$((64 * 1024)) RAM_MAX=$((16 * 1024)) PARSERS_MAX=$((24 * 1024))

read -r text data bss < <(arm-none-eabi-size -B "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
flash=$((text + data))
ram=$((data + bss))

# Bytes per part of the program, from the input sections the map lists
# under each output section (a long section name puts address, size and
# file on the next line).
parts=$(awk '
  /^Linker script and memory map/ { on = 1; next }
  !on { next }
  /^\.[A-Za-z_.]+/ { out = $1 }
  function hex(s,   i, n) {
    n = 0
    s = tolower(substr(s, 3))
    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return n
  }
  function add(size, file,   part) {
    if (out != ".text" && out != ".rodata" && out != ".data" && out != ".ARM.exidx" && out != ".bss")
      return
    part = "other"
    if (file ~ /libtess_core_m4\.a\((b45|cbor|fields|cose|bundle|claims|verify|reason)\.c\.obj\)/) part = "parsers"
    else if (file ~ /libtess_core_m4\.a\(inflate_small\.c\.obj\)/) part = "inflate_small"
    else if (file ~ /libtess_core_m4\.a/) part = "seams"
    else if (file ~ /libsodium_m4\.a/) part = "libsodium"
    else if (file ~ /libzlib_m4\.a/) part = "zlib"
    else if (file ~ /libboard_m4\.a/) part = "board"
    else if (file ~ /lib(c|c_nano|g|g_nano|gcc)\.a/) part = "newlib+libgcc"
    else if (file ~ /trust_m4\.c\.obj/) part = "trust_bundle"
    else if (file ~ /_main\.c\.obj|test_m4\.c\.obj/) part = "main"
    if (out == ".bss") ram[part] += hex(size); else flash[part] += hex(size)
    seen[part] = 1
  }
  /^ [.A-Za-z_][^ ]* *$/ { pending = 1; next }
  pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($2, $3); pending = 0; next }
  /^ [.A-Za-z_][^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($3, $4); pending = 0; next }
  { pending = 0 }
  END { for (p in seen) printf "%s %d %d\n", p, flash[p], ram[p] }
' "$map" | sort)
parsers=$(awk '$1 == "parsers" { print $2 }' <<<"$parts")

status=0
check() { # name value max
  local verdict=ok
  [ "$2" -lt "$3" ] || { verdict="OVER"; status=1; }
  printf '  %-34s %6d B  (target < %d B: %s)\n' "$1" "$2" "$3" "$verdict"
}
echo "door reader ($elf):"
check "flash (.text+.rodata+.data)" "$flash" "$FLASH_MAX"
check "static RAM (.data+.bss)" "$ram" "$RAM_MAX"
if [ -n "$stack" ]; then
  check "RAM with the stack's high-water" "$((ram + stack))" "$RAM_MAX"
fi
check "parsers alone (flash)" "${parsers:-0}" "$PARSERS_MAX"
echo "  by part (flash B, static RAM B):"
awk '{ printf "    %-16s %6d %6d\n", $1, $2, $3 }' <<<"$parts"
exit $status
