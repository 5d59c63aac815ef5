#!/usr/bin/env bash
# Runs every benchmark of a release build and prints its BENCH lines.
# Benchmarks never fail the build: a benchmark that cannot run says why.
set -uo pipefail
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
export PULSCO_BUILD_DIR=$root/$build
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
out=$(mktemp)
shopt -s nullglob
for b in "$root/$build"/bench/bench_* "$root"/tests/bench/*.sh; do
  [[ -x "$b" ]] || continue
  echo "== $(basename "$b")"
  "$b" 2>&1 | tee -a "$out" || echo "(benchmark $(basename "$b") exited non-zero)"
done
echo
echo "== Summary"
grep '^BENCH ' "$out" || echo "no BENCH lines"
rm -f "$out"
exit 0
