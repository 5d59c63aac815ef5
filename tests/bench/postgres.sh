#!/usr/bin/env bash
# pulsco-matchd's store on PostgreSQL against SQLite, in the same run
# (issue #17), and the store's backup and recovery times. Prints:
#   BENCH matchd.create_ticket_rps           POST /v1/tickets, SQLite store (tests/bench/matchd.sh)
#   BENCH matchd.create_ticket_p95_ms
#   BENCH matchd.pg_create_ticket_rps        the same against a local PostgreSQL 15 (--store URL)
#   BENCH matchd.pg_create_ticket_p95_ms     target < 150 ms (the plan's bar)
#   BENCH matchd.pg_vs_sqlite_create_ratio   pg / sqlite rate, target >= 0.25 (PostgreSQL shares
#                                            the two cores with the server and the load)
#   BENCH store.backup_s_1m_tickets          pulsco-matchd backup of a store of 1 000 000 tickets
#   BENCH store.verify_s_1m_tickets          pulsco-matchd verify of that backup
#   BENCH store.pitr_base_backup_s           pg_basebackup of the test cluster (tst_postgres_pitr)
#   BENCH store.pitr_restore_s               recovery to T until pulsco-matchd serves on it
# Never fails the build: when something is missing it says why and exits 0.
# By hand: tests/bench/postgres.sh [BUILD_DIR]   (env: DURATION, CONNECTIONS, THREADS)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PULSCO_BUILD_DIR:-${1:-$root/build-release}}
[[ "$build" = /* ]] || build=$root/$build
bin=$build/bin/pulsco-matchd
pgbin=${PULSCO_PG_BINDIR:-/usr/lib/postgresql/15/bin}

skip() { echo "postgres.sh: skipped: $*"; exit 0; }
[[ -x "$bin" ]] || skip "$bin not built (make bench builds it)"
[[ -x "$pgbin/initdb" ]] || skip "PostgreSQL 15 not installed (tools/install-deps.sh)"
command -v python3 >/dev/null || skip "python3 not installed (tools/install-deps.sh --bench)"

tmp=$(mktemp -d)
pg_pid=""
# SIGINT is PostgreSQL's fast shutdown; it goes to the postmaster itself
# (runuser in between does not pass it on).
stop_pg() {
  [[ -z "$pg_pid" ]] && return
  kill -INT "$(head -1 "$tmp/pg/postmaster.pid" 2>/dev/null)" 2>/dev/null
  wait "$pg_pid" 2>/dev/null
  pg_pid=""
}
cleanup() {
  stop_pg
  rm -rf "$tmp"
}
trap cleanup EXIT

# A throw-away cluster on a free loopback port, as tests/support/PostgresProcess.h
# makes it: PostgreSQL refuses to run as root, so as root it runs as `postgres`.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || skip "no 'postgres' user to run PostgreSQL as"
  chown postgres:postgres "$tmp"
  chmod 755 "$tmp"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 --no-locale \
  --no-instructions --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; skip "initdb failed"; }
cat >>"$tmp/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$tmp'
max_connections = 50
fsync = on
synchronous_commit = on
CONF
"${as_pg[@]}" "$pgbin/postgres" -D "$tmp/pg" >"$tmp/pg.log" 2>&1 &
pg_pid=$!
for _ in $(seq 100); do
  "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.1
done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" || { cat "$tmp/pg.log"; skip "PostgreSQL did not start"; }
"${as_pg[@]}" "$pgbin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c 'CREATE DATABASE pulsco' \
  postgres >/dev/null || skip "cannot create the database"
url="postgresql://postgres@127.0.0.1:$port/pulsco"

echo "postgres.sh: create-ticket load on SQLite, then on $url (same settings, same run)"
MATCHD_CREATE_ONLY=1 "$root/tests/bench/matchd.sh" "$build" >"$tmp/sqlite.txt" 2>&1
MATCHD_CREATE_ONLY=1 MATCHD_STORE=$url "$root/tests/bench/matchd.sh" "$build" >"$tmp/pg.txt" 2>&1
grep -E '^(matchd.sh|Requests/sec|Non-2xx)' "$tmp/sqlite.txt" | sed 's/^/postgres.sh: sqlite: /'
grep -E '^(matchd.sh|Requests/sec|Non-2xx)' "$tmp/pg.txt" | sed 's/^/postgres.sh: postgresql: /'
bench_of() { sed -n "s/^BENCH $2 \([0-9.]*\) .*/\1/p" "$1"; }
sqlite_rps=$(bench_of "$tmp/sqlite.txt" matchd.create_ticket_rps)
sqlite_p95=$(bench_of "$tmp/sqlite.txt" matchd.create_ticket_p95_ms)
pg_rps=$(bench_of "$tmp/pg.txt" matchd.create_ticket_rps)
pg_p95=$(bench_of "$tmp/pg.txt" matchd.create_ticket_p95_ms)
[[ -n "$sqlite_rps" ]] && echo "BENCH matchd.create_ticket_rps $sqlite_rps req/s"
[[ -n "$sqlite_p95" ]] && echo "BENCH matchd.create_ticket_p95_ms $sqlite_p95 ms"
[[ -n "$pg_rps" ]] && echo "BENCH matchd.pg_create_ticket_rps $pg_rps req/s"
[[ -n "$pg_p95" ]] && echo "BENCH matchd.pg_create_ticket_p95_ms $pg_p95 ms"
if [[ -n "$sqlite_rps" && -n "$pg_rps" ]]; then
  echo "BENCH matchd.pg_vs_sqlite_create_ratio $(python3 -c "print(f'{$pg_rps / $sqlite_rps:.3f}')") x"
fi
stop_pg

# A SQLite store of 1 000 000 tickets: the schema from pulsco-matchd itself
# (started once, stopped), the rows written straight into it.
echo "postgres.sh: a SQLite store of 1 000 000 tickets for backup and verify"
"$bin" --listen 127.0.0.1:0 --data-dir "$tmp/big" >"$tmp/big.out" 2>&1 &
big_pid=$!
for _ in $(seq 100); do grep -q '^listening on' "$tmp/big.out" && break; sleep 0.1; done
kill -TERM "$big_pid"; wait "$big_pid" 2>/dev/null
python3 - "$tmp/big/matchd.sqlite" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
def rows():
    # A tenth searching (re-queued by verify's start of the store), the rest
    # finished; matched tickets would need their matches, so none here.
    for seq in range(1, 1_000_001):
        state = 'searching' if seq % 10 == 0 else ('expired' if seq % 10 < 6 else 'cancelled')
        players = '[{"id":"p%d","pings":{"eu-west":20},"rating":{"mu":25,"sigma":8}}]' % seq
        yield (seq, 'ranked-5v5', players, state, 0, now - seq, now - seq, 1000)
db.executemany('INSERT INTO tickets (seq, queue, players, state, match_seq, created_ms, updated_ms,'
               ' wait_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', rows())
db.commit()
PY
start=$(date +%s.%N)
"$bin" backup --data-dir "$tmp/big" --to "$tmp/big-backup.sqlite" | sed 's/^/postgres.sh: /'
backup_s=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
start=$(date +%s.%N)
"$bin" verify "$tmp/big-backup.sqlite" | sed 's/^/postgres.sh: /'
verify_s=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
echo "BENCH store.backup_s_1m_tickets $backup_s s"
echo "BENCH store.verify_s_1m_tickets $verify_s s"

# Point-in-time recovery: the test suite's own run, in its bench mode.
pitr=""
for dir in ${PULSCO_TEST_DIR:-} "$build/tests" "$root/build/tests"; do
  [[ -x "$dir/tst_postgres_pitr" ]] && pitr=$dir/tst_postgres_pitr && break
done
if [[ -n "$pitr" ]]; then
  PULSCO_MATCHD=$bin PULSCO_BENCH=1 "$pitr" 2>&1 | grep -E '^(BENCH|FAIL)'
else
  echo "postgres.sh: tst_postgres_pitr not built (make test builds it in build/): no PITR figures"
fi
exit 0
