#!/usr/bin/env bash
# Line coverage per top-level folder of the project's own code (gcovr).
set -euo pipefail
build=${1:-build-coverage}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
json=$(mktemp)
gcovr --root "$root" --object-directory "$build" --exclude 'tests/' --exclude "$build/" \
      --exclude '.*_autogen/' --gcov-ignore-parse-errors --json-summary "$json" -s >/dev/null
python3 - "$json" <<'PY'
import json, sys, collections
data = json.load(open(sys.argv[1]))
per = collections.OrderedDict()
for f in data["files"]:
    top = f["filename"].split("/")[0]
    c, t = per.get(top, (0, 0))
    per[top] = (c + f["line_covered"], t + f["line_total"])
print(f"{'folder':<12}{'lines':>8}{'covered':>9}{'coverage':>10}")
for top, (c, t) in sorted(per.items()):
    print(f"{top + '/':<12}{t:>8}{c:>9}{(100.0 * c / t if t else 0):>9.1f}%")
print(f"{'total':<12}{data['line_total']:>8}{data['line_covered']:>9}{data['line_percent']:>9.1f}%")
PY
rm -f "$json"
