#!/bin/sh
# tests/fuzz/run.sh: build the libFuzzer harnesses, write the seeds, fuzz.
#
#   tests/fuzz/run.sh                 every harness for FUZZ_SECONDS (default 30)
#   FUZZ_SECONDS=300 tests/fuzz/run.sh
#   tests/fuzz/run.sh cose claims     only these harnesses
#
# The harnesses are the lines of tests/fuzz/harnesses.txt (name, max_len).
# Builds build-fuzz/ with clang (-DTESS_FUZZ=ON: ASan, UBSan, libFuzzer),
# writes the seeds with build-fuzz/fuzz_seeds into build-fuzz/corpus/<name>
# (the corpus then grows there from run to run), and for each harness first
# replays the inputs kept under tests/fuzz/crashes/<name>/, then fuzzes it
# with the dictionary tests/fuzz/mc1.dict. Prints the executions of each
# and whether it found anything; exits 1 when a harness crashed (its input
# is under build-fuzz/artifacts/<name>/), 2 when the build failed.
set -u

cd "$(dirname "$0")/../.." || exit 2
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${FUZZ_BUILD_JOBS:-2}
DICT=tests/fuzz/mc1.dict

# UBSan's checks are recoverable in this build: make any report fatal, so
# that libFuzzer keeps the input. Leaks are reported (ASan's default).
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

specs=$(sed -n 's/^\([a-z][a-z0-9_]*\)[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1:\2/p' tests/fuzz/harnesses.txt)
if [ $# -gt 0 ]; then
    wanted=""
    for n in "$@"; do
        s=$(printf '%s\n' $specs | grep "^$n:") || { echo "run.sh: no harness $n"; exit 2; }
        wanted="$wanted $s"
    done
    specs=$wanted
fi
targets="fuzz_seeds"
for spec in $specs; do targets="$targets fuzz_${spec%%:*}"; done

echo "== building build-fuzz (clang, libFuzzer, ASan, UBSan)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DTESS_FUZZ=ON >/dev/null || exit 2
# shellcheck disable=SC2086
cmake --build build-fuzz --target $targets -j "$JOBS" >/dev/null ||
    { cmake --build build-fuzz --target $targets; exit 2; }

echo "== writing seeds with build-fuzz/fuzz_seeds"
ASAN_OPTIONS=detect_leaks=0 ./build-fuzz/fuzz_seeds build-fuzz/corpus || exit 2

found=0
printf '\n%-20s %8s %12s %8s %9s  %s\n' harness max_len executions exec/s slowest result
for spec in $specs; do
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
    TESS_FUZZ_HISTOGRAM=1 "$bin" -max_len="$max" -max_total_time="$SECONDS_EACH" -timeout=25 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" -dict="$DICT" \
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
    printf '%-20s %8s %12s %8s %8ss  %s\n' "fuzz_$name" "$max" "${execs:-?}" "${rate:-?}" \
        "${slow:-?}" "$result"
    grep -E '^fuzz_[a-z_]+: [0-9]+ (inputs|images)' "$log" | tail -n 1 | sed 's/^/    /'
    if [ "$result" != "nothing found" ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|    #[0-9]+ |.*check failed)' "$log" | head -n 25 | sed 's/^/    /'
        echo "    input: $art/$(ls -t "$art" | head -n 1)   log: $log"
    fi
done

if [ "$found" -ne 0 ]; then
    echo
    echo "A harness crashed. Keep the input under tests/fuzz/crashes/<harness>/ once understood:"
    echo "replay_<harness> runs it in every make test."
    exit 1
fi
exit 0
