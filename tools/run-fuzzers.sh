#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, from the
# seeds in tests/fuzz/corpus/<target>/; the grown corpus stays in
# BUILD/corpus/. The target list is the one tests/fuzz/CMakeLists.txt writes
# (BUILD/fuzz/targets.txt). A crash stops the run; its input is in
# BUILD/crashes/<target>/ and goes to tests/fuzz/regressions/<target>/ once
# understood (replayed by make test).   Usage: run-fuzzers.sh BUILD SECONDS
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD SECONDS}
seconds=${2:?usage: run-fuzzers.sh BUILD SECONDS}
list=$build/fuzz/targets.txt
[[ -s $list ]] || { echo "run-fuzzers: $list is missing or empty (configure with the fuzz preset)" >&2; exit 1; }
while read -r t; do
    mkdir -p "$build/corpus/$t" "$build/crashes/$t"
    echo "fuzz_$t: $seconds s"
    if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/crashes/$t/" \
        "$build/corpus/$t" "tests/fuzz/corpus/$t" >"$build/fuzz_$t.log" 2>&1; then
        tail -n 40 "$build/fuzz_$t.log"
        echo "fuzz_$t FAILED: see $build/crashes/$t/"
        exit 1
    fi
    grep -h "stat::number_of_executed_units" "$build/fuzz_$t.log"
done <"$list"
