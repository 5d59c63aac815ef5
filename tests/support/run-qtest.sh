#!/usr/bin/env bash
# Runs one Qt Test executable for ctest (cmake/PulscoTargets.cmake).
#
# Qt Test exits 0 when a test QSKIPs, so ctest would show a skipped suite as
# "Passed". Under CI=true a skip therefore fails the run unless the skipped
# test function is on the allow-list (tests/support/skip-allowlist.txt, or
# $PULSCO_SKIP_ALLOWLIST), each entry with its reason; every allowed skip
# is printed with that reason. Outside CI the test runs as it is.
set -u
allowlist=${PULSCO_SKIP_ALLOWLIST:-$(dirname "$(readlink -f "$0")")/skip-allowlist.txt}

[[ "${CI:-}" == "true" ]] || exec "$@"

# Output goes to a file, not a pipe: a server a test leaves running must not
# hold ctest until its timeout by keeping a pipe open.
log=$(mktemp "${TMPDIR:-/tmp}/run-qtest.XXXXXX")
trap 'rm -f "$log"' EXIT
"$@" >"$log" 2>&1
rc=$?
cat "$log"

refused=0
while IFS= read -r line; do
    # "SKIP   : tst_suite::function(row) reason" (the row is optional)
    name=$(sed -E 's/^SKIP   : ([A-Za-z0-9_]+::[A-Za-z0-9_]+).*/\1/' <<<"$line")
    reason=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ +/, ""); print; exit }' "$allowlist" 2>/dev/null)
    if [[ -n "$reason" ]]; then
        echo "run-qtest: allowed skip: $name: $reason ($allowlist)"
    elif awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$allowlist" 2>/dev/null; then
        echo "run-qtest: FAIL: $name skipped under CI=true: its line in $allowlist gives no reason (write one after the name)"
        refused=1
    else
        echo "run-qtest: FAIL: $name skipped under CI=true and is not on $allowlist: ${line#SKIP   : }"
        refused=1
    fi
done < <(grep -E '^SKIP   : ' "$log")

if [[ $rc -eq 0 && $refused -ne 0 ]]; then
    exit 1
fi
exit "$rc"
