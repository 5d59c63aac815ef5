#!/usr/bin/env bash
# What recording the arrival stream costs pulsco-matchd (issue 20): the same
# wrk load (1000 connections creating tickets) on a server without and with
# --record, alternating for ROUNDS rounds in the same run, each server on a
# fresh data dir. CPU per created ticket is the server's user+system time
# (/proc/PID/stat) over the tickets it created (/metrics); the medians of the
# rounds are compared, as one round on a busy 2-core machine varies by 10 %:
#   BENCH record.create_cpu_overhead_pct  (median CPU per ticket with - without) / without (target <= 5)
#   BENCH record.writer_cpu_us_per_ticket the recorder's own thread (pulsco-record) per ticket
#   BENCH record.cpu_us_per_ticket_off / _on
#   BENCH record.create_p95_ms_off / _on  wrk's create p95 (medians)
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/record.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS, ROUNDS)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
duration=${DURATION:-15}
connections=${CONNECTIONS:-1000}
threads=${THREADS:-2}
rounds=${ROUNDS:-3}

skip() { echo "record.sh: skipped: $*"; exit 0; }
[[ -x "$build/bin/pulsco-matchd" ]] || skip "$build/bin/pulsco-matchd not built (make bench builds it)"
command -v wrk >/dev/null || skip "wrk not installed (tools/install-deps.sh --bench)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
server=
cleanup() {
  [[ -n "$server" ]] && kill -TERM "$server" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
ticks=$(getconf CLK_TCK)

# run NAME [matchd flags...]: prints "<cpu ticks> <tickets> <p95 ms> <writer ticks>"
run() {
  local name=$1; shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$build/bin/pulsco-matchd" --data-dir "$tmp/$name" --listen "127.0.0.1:$port" \
    --max-connections 4000 "$@" >"$tmp/$name.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
    -s "$root/tests/bench/net/create_ticket.lua" "http://127.0.0.1:$port" >"$tmp/$name.wrk" 2>&1
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  local writer=0
  for task in /proc/"$server"/task/*; do
    [[ "$(cat "$task/comm" 2>/dev/null)" == pulsco-record ]] && writer=$(awk '{print $14 + $15}' "$task/stat")
  done
  local tickets p95
  tickets=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^pulsco_tickets_total\{state="created"\}/ {print $2}')
  p95=$(awk '/^P95_MS/ {print $2}' "$tmp/$name.wrk")
  kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=
  rm -rf "$tmp/$name" "$tmp/$name.rec"*
  echo "$(( after - before )) $tickets $p95 $writer"
}

results=()
for round in $(seq "$rounds"); do
  results+=("off $(run off)")
  results+=("on $(run on --record "$tmp/on.rec")")
  echo "record.sh: round $round: ${results[-2]} | ${results[-1]}" >&2
done
RESULTS=$(printf '%s\n' "${results[@]}") python3 - "$ticks" <<'PY'
import os, statistics, sys
hz = float(sys.argv[1])
rows = {"off": [], "on": []}
for line in os.environ["RESULTS"].split("\n"):
    if not line.strip():
        continue
    name, cpu, tickets, p95, writer = line.split()
    rows[name].append((float(cpu) / hz / float(tickets) * 1e6, float(p95), float(writer) / hz / float(tickets) * 1e6))
off = statistics.median(r[0] for r in rows["off"])
on = statistics.median(r[0] for r in rows["on"])
print(f"BENCH record.cpu_us_per_ticket_off {off:.2f} us")
print(f"BENCH record.cpu_us_per_ticket_on {on:.2f} us")
print(f"BENCH record.create_cpu_overhead_pct {(on - off) / off * 100:.2f} %")
print(f"BENCH record.writer_cpu_us_per_ticket {statistics.median(r[2] for r in rows['on']):.2f} us")
print(f"BENCH record.create_p95_ms_off {statistics.median(r[1] for r in rows['off']):.3f} ms")
print(f"BENCH record.create_p95_ms_on {statistics.median(r[1] for r in rows['on']):.3f} ms")
PY
