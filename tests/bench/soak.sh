#!/usr/bin/env bash
# Soak of pulsco-matchd (issue #9): 1000 concurrent keep-alive connections
# of mixed traffic (create, get, cancel tickets, stats, metrics, a few
# provoked 400/404) at 5 requests/s each, open model (latency from the
# intended send time), for 10 minutes after which it prints:
#   BENCH soak.p95_ms          p95 of every request's latency     target <= 150
#   BENCH soak.rss_growth_pct  server RSS growth after a 1-min warm-up  target <= 5
#   BENCH soak.error_responses answers other than planned, or none     target 0
# The load is tests/hardening/tst_soak in its long mode against the release
# pulsco-matchd. Never fails the build.
# By hand: tests/bench/soak.sh [BUILD_DIR]
#   env: SOAK_SECONDS (600), SOAK_CONNECTIONS (1000), SOAK_WARMUP_S (60), SOAK_RATE (5)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
skip() { echo "soak.sh: skipped: $*"; exit 0; }
# shellcheck source=faults-hardening-build.inc
source "$root/tests/bench/faults-hardening-build.inc"
find_hardening_tests tst_soak
export PULSCO_SOAK_SECONDS=${SOAK_SECONDS:-600} PULSCO_SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-1000}
export PULSCO_SOAK_WARMUP_S=${SOAK_WARMUP_S:-60} PULSCO_SOAK_RATE=${SOAK_RATE:-5}
echo "soak.sh: $PULSCO_SOAK_CONNECTIONS connections x $PULSCO_SOAK_RATE req/s for" \
  "${PULSCO_SOAK_SECONDS}s against $matchd"
"$hardening_tests/tst_soak" -maxwarnings 50 2>&1 | grep -E '^(BENCH|QINFO|QWARN|FAIL|Totals)' |
  sed -E 's/^QINFO  : [^ ]+ /soak.sh: /'
exit 0
