#!/usr/bin/env bash
# Create-ticket latency through HAProxy against the same server direct, in the
# same run: tools/pulsco-staging's stack on free loopback ports (blue 100 /
# green 0, as shipped), wrk with 1000 connections posting unique tickets
# first straight to blue, then through HAProxy's API frontend. Prints:
#   BENCH rollout.haproxy_direct_p95_ms     create-ticket p95, straight to blue
#   BENCH rollout.haproxy_create_p95_ms     the same through HAProxy (the seed's bar: < 150)
#   BENCH rollout.haproxy_p95_overhead_ms   the difference (through - direct)
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/haproxy.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
duration=${DURATION:-20}
connections=${CONNECTIONS:-1000}
threads=${THREADS:-2}

skip() { echo "haproxy.sh: skipped: $*"; exit 0; }
[[ -x "$build/bin/pulsco-matchd" ]] || skip "$build/bin/pulsco-matchd not built (make bench builds it)"
command -v wrk >/dev/null || skip "wrk not installed (tools/install-deps.sh --bench)"
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
[[ -x "$haproxy" ]] || skip "haproxy not installed (tools/install-deps.sh)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

tmp=$(mktemp -d)
stack_pid=""
cleanup() {
  [[ -n "$stack_pid" ]] && kill -TERM "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Six free consecutive ports: api, blue, green, stats, runtime, spare.
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    b = random.randint(20000, 60000)
    socks = []
    try:
        for i in range(6):
            s = socket.socket(); s.bind(("127.0.0.1", b + i)); socks.append(s)
        print(b); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
)
[[ -n "$base" ]] || skip "no six free loopback ports"
PULSCO_MATCHD=$build/bin/pulsco-matchd "$root/tools/pulsco-staging" --dir "$tmp/stack" \
  --base-port "$base" --haproxy "$haproxy" >"$tmp/stack.out" 2>&1 &
stack_pid=$!
for _ in $(seq 300); do
  grep -q "pulsco-staging: ready" "$tmp/stack.out" && break
  kill -0 "$stack_pid" 2>/dev/null || { cat "$tmp/stack.out"; skip "pulsco-staging did not start"; }
  sleep 0.1
done
grep -q "pulsco-staging: ready" "$tmp/stack.out" || { cat "$tmp/stack.out"; skip "pulsco-staging not ready"; }

p95_of() {  # wrk with create_ticket.lua against URL; prints the p95 in ms
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
    -s "$root/tests/bench/net/create_ticket.lua" "$1" >"$tmp/wrk.txt" 2>&1
  sed 's/^/haproxy.sh: /' "$tmp/wrk.txt" | grep -E "Requests/sec|P95_MS|created|Non-2xx" >&2
  sed -n 's/^P95_MS \([0-9.]*\)/\1/p' "$tmp/wrk.txt"
}
echo "haproxy.sh: $threads threads, $connections connections, ${duration}s per run"
direct=$(p95_of "http://127.0.0.1:$((base + 1))")
through=$(p95_of "http://127.0.0.1:$base")
[[ -n "$direct" && -n "$through" ]] || skip "wrk gave no p95 (see above)"
echo "BENCH rollout.haproxy_direct_p95_ms $direct ms"
echo "BENCH rollout.haproxy_create_p95_ms $through ms"
echo "BENCH rollout.haproxy_p95_overhead_ms $(python3 -c "print(round($through - $direct, 3))") ms"
