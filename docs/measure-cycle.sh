#!/bin/bash
# The whole firm cycle under load, as docs/PERFORMANCE.md records it: a fresh copy of a demo database, served by
# BINARY on loopback, `dxready load --clients 64 --duration 10s --phases survey --server-pid PID` against it (the
# tool reports each phase's wall-clock rate, p50/p95/p99, its own CPU and the server's per action, beside a bare
# net/http handler, a raw SQLite commit loop and the bare cycle of the same run), then the server's peak memory.
# usage: docs/measure-cycle.sh BINARY LABEL [more load flags, e.g. --scale 1000000]
#   SRC=demo.db    the database to copy (default /tmp/dxready-measure/d68.db, built with `BINARY demo` if missing;
#                  a 1M one: `BINARY demo --db d1m.db --demo-firms 1000000`, then SRC=d1m.db ... --scale 1000000)
#   SERVER_ENV="GOGC=100"   environment for the server only
#   LOADBIN=other-binary    the binary whose load tool drives the run (default BINARY): one tool for two servers
#                           compares the servers alone
# Runs under flock, so two measurements never share the machine. Loopback only; the copy is deleted at the end.
set -euo pipefail
BIN=$(realpath "$1"); LABEL=$2; shift 2
W=/tmp/dxready-measure; mkdir -p "$W"
SRC=${SRC:-$W/d68.db}
if [ ! -f "$SRC" ]; then
  echo "building the 68,000-firm demo at $SRC"
  "$BIN" demo --db "$SRC" > "$W/demo.log" 2>&1
fi
exec 9> "$W/lock"; flock 9
D=$W/run-$LABEL; rm -rf "$D"; mkdir -p "$D"
cp "$SRC" "$D/d.db"
sync "$D/d.db" # the copy on disk before the server starts: its writeback would stall the first reads
PORT=${PORT:-18080}
env ${SERVER_ENV:-} "$BIN" serve --db "$D/d.db" --addr 127.0.0.1:$PORT --trusted-proxies 127.0.0.1 > "$D/server.log" 2>&1 &
PID=$! # stopped by its id at the end
trap 'kill $PID 2>/dev/null || true; rm -f "$D"/d.db*' EXIT
for i in $(seq 1 150); do curl -s -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 0.2; done
"${LOADBIN:-$BIN}" load --target http://127.0.0.1:$PORT --db "$D/d.db" --clients 64 --duration 10s --phases survey --server-pid $PID "$@" | tee "$D/load.out"
grep VmHWM /proc/$PID/status | tee "$D/mem"
