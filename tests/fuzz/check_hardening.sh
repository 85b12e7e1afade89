#!/bin/sh
# check_hardening.sh BINARY...: what ships is hardened (TESS_HARDEN).
# For each ELF binary, with readelf:
#   PIE         ELF type DYN and the PIE flag (DT_FLAGS_1)
#   full RELRO  a GNU_RELRO segment and BIND_NOW (DT_FLAGS or DT_FLAGS_1)
#   NX stack    GNU_STACK without E
#   canaries    __stack_chk_fail imported (-fstack-protector-strong)
#   FORTIFY     at least one __*_chk function imported (_FORTIFY_SOURCE)
# Prints one line per binary; exits 1 when any check fails.
set -u
status=0
for bin in "$@"; do
    if ! head -c 4 "$bin" 2>/dev/null | grep -q 'ELF'; then
        echo "$bin: not an ELF file"
        status=1
        continue
    fi
    hdr=$(readelf -h -W "$bin")
    dyn=$(readelf -d -W "$bin")
    seg=$(readelf -l -W "$bin")
    syms=$(readelf --dyn-syms -W "$bin")
    fails=""
    echo "$hdr" | grep -q 'Type:[[:space:]]*DYN' || fails="$fails not-PIE(type)"
    echo "$dyn" | grep -q 'FLAGS_1.*PIE' || fails="$fails not-PIE(flag)"
    echo "$seg" | grep -q 'GNU_RELRO' || fails="$fails no-RELRO"
    echo "$dyn" | grep -Eq 'BIND_NOW|FLAGS.*[[:space:]]NOW' || fails="$fails no-BIND_NOW"
    echo "$seg" | grep 'GNU_STACK' | grep -q 'RWE' && fails="$fails exec-stack"
    echo "$syms" | grep -q '__stack_chk_fail' || fails="$fails no-stack-protector"
    nchk=$(echo "$syms" | grep -Ec ' __[a-z0-9_]+_chk(@|$)')
    [ "$nchk" -gt 0 ] || fails="$fails no-FORTIFY"
    if [ -z "$fails" ]; then
        echo "$bin: PIE, full RELRO, NX stack, stack protector, FORTIFY ($nchk _chk functions): ok"
    else
        echo "$bin: FAILED:$fails"
        status=1
    fi
done
exit $status
