#!/usr/bin/env bash
# pulsco-matchd under wrk on loopback: 2 threads, 1000 connections, closed
# loop, DURATION seconds per run (30 by default). Prints:
#   BENCH matchd.create_ticket_rps      POST /v1/tickets, unique players, really queued/matched/stored
#   BENCH matchd.create_ticket_p95_ms   p95 latency of those requests as wrk saw it
#   BENCH matchd.create_ticket_cpu_us   server CPU (all threads) per created ticket
#   BENCH matchd.create_ticket_main_thread_cpu_us   of it, the matchmaking thread
#   BENCH matchd.create_ticket_server_p95_ms   p95 inside the server (request read to answer
#                                       written; a histogram bucket bound), from /metrics
#   BENCH matchd.create_ticket_commit_ms       mean store commit (one fsync) per batch
#   BENCH matchd.stats_rps              GET /v1/stats
#   BENCH matchd.vs_nginx_ratio         stats_rps / nginx serving a static file of the same size, same run
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/matchd.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS,
#          MATCHD_FLAGS, e.g. "--io-threads 1"; MATCHD_STORE=postgresql://... puts the
#          store in PostgreSQL instead of a temporary data dir; MATCHD_CREATE_ONLY=1 runs
#          the create run alone: tests/bench/postgres.sh uses both)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
bin=$build/bin/pulsco-matchd
duration=${DURATION:-30}
connections=${CONNECTIONS:-1000}
threads=${THREADS:-2}

skip() { echo "matchd.sh: skipped: $*"; exit 0; }
[[ -x "$bin" ]] || skip "$bin not built (make bench builds it)"
command -v wrk >/dev/null || skip "wrk not installed (tools/install-deps.sh --bench)"
command -v curl >/dev/null || skip "curl not installed"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
matchd_pid=""
nginx_pid=""
cleanup() {
  [[ -n "$matchd_pid" ]] && kill -TERM "$matchd_pid" 2>/dev/null && wait "$matchd_pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill -TERM "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2086  # MATCHD_FLAGS is a list of flags
store_flags=(--data-dir "$tmp/data")
[[ -n "${MATCHD_STORE:-}" ]] && store_flags=(--store "$MATCHD_STORE")
"$bin" --listen 127.0.0.1:0 "${store_flags[@]}" ${MATCHD_FLAGS:-} >"$tmp/matchd.out" 2>"$tmp/matchd.err" &
matchd_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$tmp/matchd.out")
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$tmp/matchd.err"; skip "pulsco-matchd did not start"; }
url=http://127.0.0.1:$port

# wrk's Requests/sec line, as a plain number.
rps_of() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }

# CPU time (user+sys, clock ticks) of one thread of the server, or of all.
cpu_ticks() {
  if [[ "$1" == all ]]; then
    cat /proc/"$matchd_pid"/task/*/stat 2>/dev/null | awk '{s += $14 + $15} END {print s + 0}'
  else
    awk '{print $14 + $15}' /proc/"$matchd_pid"/task/"$matchd_pid"/stat 2>/dev/null || echo 0
  fi
}
created_so_far() {
  curl -s "$url/metrics" | sed -n 's/^pulsco_tickets_total{state="created"} \([0-9.e+]*\)$/\1/p'
}

# Where a request's time goes, from the server's own /metrics before and after
# a run: its p95 from reading the request to writing the answer (the rest of
# what wrk sees is waiting in socket buffers and for CPU), the mean commit
# and batch size of the store, and the p95 of the matchmaker's tick.
server_side() {
  python3 - "$1" "$2" <<'PY'
import re, sys
def read(path):
    h, c = {}, {}
    for line in open(path):
        # A series' key is its name and its labels but le:
        # pulsco_http_request_duration_seconds{class="api",route="/v1/tickets",method="POST"}
        m = re.match(r'^(pulsco_\w+)_bucket\{(.*?)(?:,)?le="([^"]+)"\} (\S+)$', line)
        if m:
            key = m.group(1) + ('{' + m.group(2).rstrip(',') + '}' if m.group(2) else '')
            h.setdefault(key, {})[m.group(3)] = float(m.group(4))
            continue
        m = re.match(r'^(pulsco_store_\w+_total) (\S+)$', line)
        if m:
            c[m.group(1)] = float(m.group(2))
    return h, c
(h0, c0), (h1, c1) = read(sys.argv[1]), read(sys.argv[2])
def p95_ms(name):
    b1, b0 = h1.get(name, {}), h0.get(name, {})
    les = sorted(b1, key=lambda le: float('inf') if le == '+Inf' else float(le))
    total = b1.get('+Inf', 0) - b0.get('+Inf', 0)
    for le in les:
        if total > 0 and b1[le] - b0.get(le, 0) >= 0.95 * total:
            return 'inf' if le == '+Inf' else f'{float(le) * 1000:g}'
    return ''
d = {k: c1.get(k, 0) - c0.get(k, 0) for k in c1}
batches = d.get('pulsco_store_batches_total', 0)
create = 'pulsco_http_request_duration_seconds{class="api",route="/v1/tickets",method="POST"}'
print(p95_ms(create), p95_ms('pulsco_tick_duration_seconds'),
      f"{d.get('pulsco_store_commit_seconds_total', 0) * 1000 / batches:.2f}" if batches else '',
      f"{d.get('pulsco_store_writes_total', 0) / batches:.0f}" if batches else '')
PY
}

echo "matchd.sh: $threads threads, $connections connections, ${duration}s per run against $url"
curl -s "$url/metrics" >"$tmp/metrics-before.txt"
cpu_all_before=$(cpu_ticks all)
cpu_main_before=$(cpu_ticks main)
created_before=$(created_so_far)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$root/tests/bench/net/create_ticket.lua" \
  "$url" >"$tmp/create.txt" 2>&1
cat "$tmp/create.txt"
create_rps=$(rps_of "$tmp/create.txt")
create_p95=$(sed -n 's/^P95_MS \([0-9.]*\)/\1/p' "$tmp/create.txt")
# CPU per created ticket, whole server and its main (matchmaking) thread: a
# figure that stays comparable when other work shares the machine.
cpu_all=$(( $(cpu_ticks all) - cpu_all_before ))
cpu_main=$(( $(cpu_ticks main) - cpu_main_before ))
created_now=$(created_so_far)
hz=$(getconf CLK_TCK)
cpu_per_ticket() {
  python3 -c "c = float('$created_now' or 0) - float('$created_before' or 0); print(f'{$1 * 1e6 / $hz / c:.1f}' if c > 0 else '')"
}
cpu_all_us=$(cpu_per_ticket "$cpu_all")
cpu_main_us=$(cpu_per_ticket "$cpu_main")
curl -s "$url/metrics" >"$tmp/metrics-after.txt"
read -r server_p95 tick_p95 commit_ms batch_writes < <(server_side "$tmp/metrics-before.txt" "$tmp/metrics-after.txt")
echo "matchd.sh: server side of the create run: p95 ${server_p95:-?} ms from request read to" \
  "answer written (bucket bound), tick p95 ${tick_p95:-?} ms, commit ${commit_ms:-?} ms per batch" \
  "of ${batch_writes:-?} writes"
# The tickets are real: the server counted them, matched them and stored them.
sleep 1
curl -s "$url/metrics" | grep -E '^pulsco_(tickets_total|matches_total|store_writes_total|store_batches_total)' |
  sed 's/^/matchd.sh: server says /'

if [[ -n "${MATCHD_CREATE_ONLY:-}" ]]; then
  [[ -n "$create_rps" ]] && echo "BENCH matchd.create_ticket_rps $create_rps req/s"
  [[ -n "$create_p95" ]] && echo "BENCH matchd.create_ticket_p95_ms $create_p95 ms"
  [[ -n "$commit_ms" ]] && echo "BENCH matchd.create_ticket_commit_ms $commit_ms ms"
  exit 0
fi
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url/v1/stats" >"$tmp/stats.txt" 2>&1
cat "$tmp/stats.txt"
stats_rps=$(rps_of "$tmp/stats.txt")

# nginx serving a static file of exactly the size of /v1/stats: the HTTP
# ceiling of this machine, measured in the same run with the same settings.
nginx_rps=""
if [[ -x "$nginx_bin" ]]; then
  mkdir -p "$tmp/www" "$tmp/nginx"
  curl -s "$url/v1/stats" >"$tmp/www/stats.json"
  # nginx workers run as an unprivileged user: let them read the file.
  chmod 755 "$tmp" "$tmp/www" && chmod 644 "$tmp/www/stats.json"
  nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $tmp/www; default_type application/json; }
  }
}
CONF
  "$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp/nginx" -g 'daemon off;' 2>"$tmp/nginx/start.err" &
  nginx_pid=$!
  nginx_ok=""
  for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$nginx_port/stats.json" >/dev/null && nginx_ok=1 && break
    sleep 0.1
  done
  if [[ -z "$nginx_ok" ]]; then
    cat "$tmp/nginx/start.err" "$tmp/nginx/error.log" 2>/dev/null
    echo "matchd.sh: nginx did not serve the file, no ratio"
  else
  echo "matchd.sh: nginx serves $(stat -c %s "$tmp/www/stats.json") bytes, /v1/stats was $(curl -s "$url/v1/stats" | wc -c)"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$nginx_port/stats.json" \
    >"$tmp/nginx.txt" 2>&1
  cat "$tmp/nginx.txt"
  grep -q 'Non-2xx' "$tmp/nginx.txt" && tail -3 "$tmp/nginx/error.log"
  nginx_rps=$(rps_of "$tmp/nginx.txt")
  fi
else
  echo "matchd.sh: nginx not installed, no ratio (tools/install-deps.sh --bench)"
fi

[[ -n "$create_rps" ]] && echo "BENCH matchd.create_ticket_rps $create_rps req/s"
[[ -n "$create_p95" ]] && echo "BENCH matchd.create_ticket_p95_ms $create_p95 ms"
[[ -n "$cpu_all_us" ]] && echo "BENCH matchd.create_ticket_cpu_us $cpu_all_us us"
[[ -n "$cpu_main_us" ]] && echo "BENCH matchd.create_ticket_main_thread_cpu_us $cpu_main_us us"
[[ -n "$server_p95" ]] && echo "BENCH matchd.create_ticket_server_p95_ms $server_p95 ms"
[[ -n "$commit_ms" ]] && echo "BENCH matchd.create_ticket_commit_ms $commit_ms ms"
[[ -n "$stats_rps" ]] && echo "BENCH matchd.stats_rps $stats_rps req/s"
if [[ -n "$nginx_rps" && -n "$stats_rps" ]]; then
  echo "BENCH matchd.nginx_static_rps $nginx_rps req/s"
  echo "BENCH matchd.vs_nginx_ratio $(python3 -c "print(f'{$stats_rps / $nginx_rps:.3f}')") x"
fi
exit 0
