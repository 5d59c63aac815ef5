#!/usr/bin/env bash
# What recording the arrival stream costs pulsco-matchd (issue 20): the same
# wrk load (1000 connections creating tickets) on a server without and with
# --record, one after the other in the same run, each on a fresh data dir.
# CPU per created ticket is the server's user+system time (/proc/PID/stat)
# over the tickets it created (/metrics), steadier than a p95 on a shared
# machine:
#   BENCH record.create_cpu_overhead_pct  (CPU per ticket with - without) / without (target <= 5)
#   BENCH record.create_p95_ms_off / _on  wrk's create p95 without and with recording
#   BENCH record.cpu_us_per_ticket_off / _on
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/record.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
duration=${DURATION:-15}
connections=${CONNECTIONS:-1000}
threads=${THREADS:-2}

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

# run NAME [matchd flags...]: prints "<cpu seconds> <tickets> <p95 ms>"
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
  local tickets p95
  tickets=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^pulsco_tickets_total\{state="created"\}/ {print $2}')
  p95=$(awk '/^P95_MS/ {print $2}' "$tmp/$name.wrk")
  kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=
  echo "$(( after - before )) $tickets $p95"
}

read -r cpu_off tickets_off p95_off < <(run off)
read -r cpu_on tickets_on p95_on < <(run on --record "$tmp/arrivals.rec")
recorded=$(grep -c '^T ' "$tmp/arrivals.rec" 2>/dev/null || echo 0)
echo "record.sh: without: ${tickets_off} tickets, ${cpu_off} CPU ticks; with: ${tickets_on} tickets (${recorded} recorded), ${cpu_on} CPU ticks" >&2
python3 - "$cpu_off" "$tickets_off" "$p95_off" "$cpu_on" "$tickets_on" "$p95_on" "$ticks" <<'PY'
import sys
cpu_off, t_off, p95_off, cpu_on, t_on, p95_on, hz = sys.argv[1:8]
hz = float(hz)
off = float(cpu_off) / hz / float(t_off) * 1e6
on = float(cpu_on) / hz / float(t_on) * 1e6
print(f"BENCH record.cpu_us_per_ticket_off {off:.2f} us")
print(f"BENCH record.cpu_us_per_ticket_on {on:.2f} us")
print(f"BENCH record.create_cpu_overhead_pct {(on - off) / off * 100:.2f} %")
print(f"BENCH record.create_p95_ms_off {float(p95_off):.3f} ms")
print(f"BENCH record.create_p95_ms_on {float(p95_on):.3f} ms")
PY
