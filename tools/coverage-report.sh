#!/usr/bin/env bash
# Line coverage per top-level folder of the project's own code (lcov; gcovr
# 5.2 from Debian 12 asserts while merging this tree's inline functions).
set -euo pipefail
build=${1:-build-coverage}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
info=$(mktemp)
trap 'rm -f "$info"' EXIT
lcov --quiet --capture --directory "$build" \
     --output-file "$info" --rc lcov_branch_coverage=0 >/dev/null 2>&1
python3 - "$info" "$root" <<'PY'
import sys, collections
info, root = sys.argv[1], sys.argv[2].rstrip("/") + "/"
hits = {}  # (file, line) -> executed?  (a header can appear in several records)
name = None
for line in open(info):
    if line.startswith("SF:"):
        name = line[3:].strip()
    elif line.startswith("DA:"):
        number, count = line[3:].split(",")[:2]
        key = (name, int(number))
        hits[key] = hits.get(key, False) or int(count) > 0
per = collections.defaultdict(lambda: [0, 0])
for (name, _), hit in hits.items():
    if not name.startswith(root):
        continue
    rel = name[len(root):]
    if rel.startswith(("tests/", "build")) or "_autogen" in rel:
        continue
    top = rel.split("/")[0]
    per[top][0] += 1
    per[top][1] += hit
print(f"{'folder':<12}{'lines':>8}{'covered':>9}{'coverage':>10}")
T = H = 0
for top, (t, h) in sorted(per.items()):
    T += t; H += h
    print(f"{top + '/':<12}{t:>8}{h:>9}{(100.0 * h / t if t else 0):>9.1f}%")
print(f"{'total':<12}{T:>8}{H:>9}{(100.0 * H / T if T else 0):>9.1f}%")
PY
