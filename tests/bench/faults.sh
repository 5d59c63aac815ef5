#!/usr/bin/env bash
# Fault benchmarks of pulsco-matchd (issue #9), from the long modes of the
# tests/hardening suites against the release pulsco-matchd:
#   BENCH faults.kill9_lost_tickets       acknowledged tickets lost over 20 kill -9
#                                         at random moments under load      target 0
#   BENCH faults.kill9_acknowledged_tickets  how many 201s the ledger held
#   BENCH faults.kill9_integrity_failures   PRAGMA integrity_check not ok    target 0
#   BENCH idle.p95_ms_without_crowd       p95 of 20 clients' mixed traffic alone
#   BENCH idle.p95_ms_with_10k_idle       the same beside 10 000 idle connections
# Never fails the build.
# By hand: tests/bench/faults.sh [BUILD_DIR]
#   env: KILL9_ROUNDS (20), KILL9_RATE tickets/s (1500), KILL9_MAX_LOAD_MS (3000)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
skip() { echo "faults.sh: skipped: $*"; exit 0; }
# shellcheck source=faults-hardening-build.inc
source "$root/tests/bench/faults-hardening-build.inc"
find_hardening_tests tst_kill9ledger
export PULSCO_KILL9_ROUNDS=${KILL9_ROUNDS:-20} PULSCO_KILL9_RATE=${KILL9_RATE:-1500}
export PULSCO_KILL9_MAX_LOAD_MS=${KILL9_MAX_LOAD_MS:-3000}
echo "faults.sh: $PULSCO_KILL9_ROUNDS kill -9 at up to ${PULSCO_KILL9_MAX_LOAD_MS} ms of" \
  "$PULSCO_KILL9_RATE tickets/s each, against $matchd"
"$hardening_tests/tst_kill9ledger" 2>&1 | grep -E '^(BENCH|QWARN|FAIL|Totals)'
echo "faults.sh: 10 000 idle connections"
"$hardening_tests/tst_idleconnections" 2>&1 | grep -E '^(BENCH|QINFO|QWARN|FAIL|Totals)' |
  sed -E 's/^QINFO  : [^ ]+ /faults.sh: /'
exit 0
