#!/usr/bin/env bash
# The console read through Prometheus, against a real one (issue 18): blue
# and green pulsco-matchd on free loopback ports, a throw-away Prometheus
# scraping both every second, wrk posting tickets to blue for DURATION s
# (and to green for a quarter of it: two servers' data). Once Prometheus has
# scraped every request, the console's Prometheus source
# (bench/prom_refresh_probe) reads them as the Dashboard does:
#   BENCH prom.refresh_ms          all queries of one dashboard refresh, answers read, snapshot built (target <= 50)
#   BENCH prom.p95_agreement_pct   |console p95 through Prometheus - pulsco-matchd p95| / pulsco-matchd p95,
#                                  the same requests (target <= 10)
#   BENCH prom.histogram_quantile_agreement_pct   the same for Prometheus' own histogram_quantile
#   BENCH prom.create_p95_ms       the create-ticket p95 Prometheus computes (route="/v1/tickets")
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/prometheus.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
duration=${DURATION:-20}
connections=${CONNECTIONS:-200}
threads=${THREADS:-2}

skip() { echo "prometheus.sh: skipped: $*"; exit 0; }
[[ -x "$build/bin/pulsco-matchd" ]] || skip "$build/bin/pulsco-matchd not built (make bench builds it)"
command -v wrk >/dev/null || skip "wrk not installed (tools/install-deps.sh --bench)"
command -v prometheus >/dev/null || skip "prometheus not installed (tools/install-deps.sh)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

read -r blue green prom < <(python3 - <<'PY'
import socket
ports = []
socks = []
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s); ports.append(s.getsockname()[1])
for s in socks: s.close()
print(*ports)
PY
)
for color in blue green; do
  port=${!color}
  "$build/bin/pulsco-matchd" --data-dir "$tmp/$color" --color "$color" \
    --listen "127.0.0.1:$port" >"$tmp/$color.log" 2>&1 &
  pids+=($!)
done
cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: pulsco
    scrape_timeout: 900ms
    static_configs:
      - targets: ['127.0.0.1:$blue', '127.0.0.1:$green']
YML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="127.0.0.1:$prom" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
  curl -sf "http://127.0.0.1:$prom/-/ready" >/dev/null && curl -sf "http://127.0.0.1:$blue/readyz" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$prom/-/ready" >/dev/null || { cat "$tmp/prometheus.log"; skip "prometheus not ready"; }

echo "prometheus.sh: wrk $threads threads, $connections connections, ${duration}s on blue"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
  -s "$root/tests/bench/net/create_ticket.lua" "http://127.0.0.1:$blue" >"$tmp/wrk.txt" 2>&1
sed 's/^/prometheus.sh: /' "$tmp/wrk.txt" | grep -E "Requests/sec|P95_MS|Non-2xx" >&2
wrk -t1 -c"$((connections / 4 + 1))" -d"$((duration / 4 + 1))s" \
  -s "$root/tests/bench/net/create_ticket.lua" "http://127.0.0.1:$green" >"$tmp/wrk-green.txt" 2>&1

python3 - "$blue" "$prom" <<'PY'
import json, sys, time, urllib.parse, urllib.request
blue, prom = sys.argv[1:3]
def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)
def query(q):
    d = get(f"http://127.0.0.1:{prom}/api/v1/query?" + urllib.parse.urlencode({"query": q}))
    res = d["data"]["result"]
    return float(res[0]["value"][1]) if len(res) == 1 else None
inst = f'instance="127.0.0.1:{blue}"'
own = None
for _ in range(60):
    stats = get(f"http://127.0.0.1:{blue}/v1/stats")
    own = stats["total"]["api_latency_ms"]
    seen = query(f'sum(pulsco_http_request_duration_seconds_count{{class="api",{inst}}})')
    if seen is not None and seen == own["count"]:
        break
    time.sleep(0.5)
else:
    print("prometheus.sh: skipped: Prometheus never caught up with the server's count"); sys.exit(0)
p95 = query(f'histogram_quantile(0.95, sum by (le) (pulsco_http_request_duration_seconds_bucket{{class="api",{inst}}}))') * 1000
create = query(f'histogram_quantile(0.95, sum by (le) (pulsco_http_request_duration_seconds_bucket{{route="/v1/tickets",method="POST",{inst}}}))') * 1000
print(f"prometheus.sh: {own['count']} API requests on blue; p95 Prometheus {p95:.3f} ms, pulsco-matchd {own['p95']:.3f} ms", file=sys.stderr)
print(f"BENCH prom.histogram_quantile_agreement_pct {abs(p95 - own['p95']) / own['p95'] * 100:.2f} %")
print(f"BENCH prom.create_p95_ms {create:.3f} ms")

PY

# The console's reading of both servers through its Prometheus source.
[[ -x "$build/bench/prom_refresh_probe" ]] || skip "$build/bench/prom_refresh_probe not built"
"$build/bench/prom_refresh_probe" "http://127.0.0.1:$prom" "http://127.0.0.1:$blue" \
  "http://127.0.0.1:$green" || echo "prometheus.sh: prom_refresh_probe failed (above)"
