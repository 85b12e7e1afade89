#!/bin/sh
# tests/fuzz/run.sh: build the libFuzzer harnesses, write the seeds, fuzz.
#
#   tests/fuzz/run.sh              each harness for FUZZ_SECONDS (default 30)
#   FUZZ_SECONDS=300 tests/fuzz/run.sh
#
# Builds build-fuzz/ with clang (-DTESS_FUZZ=ON: ASan, UBSan, libFuzzer) and
# the seed writer in the normal build/, writes the seeds into
# build-fuzz/corpus/{verify,bundle,cbor} (the corpus then grows there from
# run to run), replays any input kept under tests/fuzz/crashes/<harness>/,
# and runs fuzz_verify, fuzz_bundle and fuzz_cbor one after the other.
# Prints the executions of each and whether it found anything; exits 1 when
# a harness crashed (its input is under build-fuzz/artifacts/<harness>/),
# 2 when the build failed.
set -u

cd "$(dirname "$0")/../.." || exit 2
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${FUZZ_BUILD_JOBS:-2}

# UBSan's checks are recoverable in this build: make any report fatal, so
# that libFuzzer keeps the input.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

echo "== building build-fuzz (clang, libFuzzer, ASan, UBSan)"
CC=clang cmake -S . -B build-fuzz -DTESS_FUZZ=ON >/dev/null || exit 2
cmake --build build-fuzz --target fuzz_verify fuzz_bundle fuzz_cbor -j "$JOBS" >/dev/null ||
    { cmake --build build-fuzz --target fuzz_verify fuzz_bundle fuzz_cbor; exit 2; }

echo "== writing seeds with build/fuzz_seeds"
cmake -S . -B build >/dev/null || exit 2
cmake --build build --target fuzz_seeds -j "$JOBS" >/dev/null ||
    { cmake --build build --target fuzz_seeds; exit 2; }
./build/fuzz_seeds build-fuzz/corpus || exit 2

found=0
printf '\n%-12s %8s %12s %8s %9s  %s\n' harness max_len executions exec/s slowest result
for spec in verify:4500 bundle:70000 cbor:4096; do
    name=${spec%%:*}
    max=${spec#*:}
    bin=build-fuzz/fuzz_$name
    art=build-fuzz/artifacts/$name
    log=build-fuzz/fuzz_$name.log
    mkdir -p "$art"

    # Inputs that once crashed must not crash again.
    if [ -d "tests/fuzz/crashes/$name" ] && [ -n "$(ls -A "tests/fuzz/crashes/$name")" ]; then
        if ! "$bin" "tests/fuzz/crashes/$name"/* >"$log.replay" 2>&1; then
            echo "fuzz_$name: a kept crash input still crashes: see $log.replay"
            found=1
        fi
    fi

    before=$(ls "$art" | wc -l)
    "$bin" -max_len="$max" -max_total_time="$SECONDS_EACH" -timeout=25 \
        -print_final_stats=1 -artifact_prefix="$art/" \
        "build-fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    after=$(ls "$art" | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    slow=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ]; then
        result="nothing found"
    else
        result="FOUND (exit $rc): $(ls -t "$art" | head -n 1)"
        found=1
    fi
    printf '%-12s %8s %12s %8s %8ss  %s\n' "fuzz_$name" "$max" "${execs:-?}" "${rate:-?}" \
        "${slow:-?}" "$result"
    if [ "$result" != "nothing found" ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|    #[0-9]+ |fuzz_[a-z]+: )' "$log" | head -n 25 | sed 's/^/    /'
        echo "    input: $art/$(ls -t "$art" | head -n 1)   log: $log"
    fi
done

if [ "$found" -ne 0 ]; then
    echo
    echo "A harness crashed. Keep the input under tests/fuzz/crashes/<harness>/ once understood."
    exit 1
fi
exit 0
