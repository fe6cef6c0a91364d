#!/bin/bash
# Issue 14's page targets at one scale, as docs/PERFORMANCE.md records them: a fresh copy of a demo database served
# by BINARY on loopback, then, with curl (time_total of each request, one client):
#   start        the server's start until /healthz answers, then lead1's first dashboard (its sign-in first);
#   dashboard    lead1's dashboard over 4 quarters x 10 filters (40 views);
#   members      lead1's member list: the first page and up to 39 more by their "next" links, twice (the first
#                pass reads pages no connection has cached since the start);
#   search       admin firm search (two-step sign-in set up on the way): 5 queries, each followed up to 8 pages
#                deep, twice;
#   result       firm2's latest result page, 30 views while another firm submits whole cycles beside it
#                (`BINARY load --clients 1 --phases survey`: its submit-rounds and cycle phases).
# Each line gives n, p50, p95 and max in ms; the server's peak memory (VmHWM) at the end.
# usage: docs/measure-pages.sh BINARY DEMO_DB PASSWORD [more load flags for the submitting firm, e.g. --scale 1000000]
#   PASSWORD is the demo accounts' password, printed when the demo was built.
# Needs curl and python3 (the admin's one-time codes). Loopback only; the copy is deleted at the end. Runs under the
# same lock as docs/measure-cycle.sh, so two measurements never share the machine.
set -euo pipefail
BIN=$(realpath "$1"); SRC=$2; PW=$3; shift 3
W=/tmp/dxready-measure; mkdir -p "$W"
exec 9> "$W/lock"; flock 9
D=$W/pages; rm -rf "$D"; mkdir -p "$D"
cp "$SRC" "$D/d.db"
sync "$D/d.db" # the copy on disk before the server starts: its writeback would stall the first reads
PORT=${PORT:-18081}; U=http://127.0.0.1:$PORT
LOADPID=
T0=$(date +%s%N)
"$BIN" serve --db "$D/d.db" --addr 127.0.0.1:$PORT > "$D/server.log" 2>&1 &
PID=$!
trap 'kill $PID $LOADPID 2>/dev/null || true; rm -f "$D"/d.db*' EXIT
for i in $(seq 1 300); do curl -s -o /dev/null "$U/healthz" && break; sleep 0.05; done
echo "start: the server answers /healthz after $(( ($(date +%s%N) - T0) / 1000000 )) ms"

# stats NAME: reads "seconds path" lines (from a file once they are all timed: a python3 started beside the
# first request, as at the head of a pipeline, took the CPU that request needed and doubled its time), prints n, p50, p95, max in ms (nearest rank) and the slowest path
stats() { python3 -c '
import sys, math
rows = sorted((float(l.split()[0]) * 1000, l.split()[1][:60]) for l in sys.stdin if l.strip())
t = [ms for ms, _ in rows]
r = lambda p: t[max(0, math.ceil(p * len(t)) - 1)]
print("%-16s n=%-3d p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms (%s)" % (sys.argv[1], len(t), r(.5), r(.95), t[-1], rows[-1][1]))' "$1"; }
signin() { # JAR EMAIL: signs in, prints where it led
  curl -s -c "$1" -b "$1" -H "Origin: $U" --data-urlencode "email=$2" --data-urlencode "password=$PW" -o /dev/null \
    -w '%{redirect_url}' "$U/login"; }
get() { # JAR PATH: fetches, prints the time and path; stops the run on any answer but 200
  local out; out=$(curl -s -b "$1" -o "$D/page.html" -w "%{http_code} %{time_total} $2" "$U$2")
  [ "${out%% *}" = 200 ] || { echo "measure-pages: $2 answered ${out%% *}, not 200" >&2; exit 1; }
  echo "${out#* }"; }
next() { # the page's "next page" link (rel="next"), none on the last page
  { grep -o '<a href="[^"]*" rel="next"' "$D/page.html" || true; } | head -1 | sed -e 's/^<a href="//' -e 's/" rel="next"$//' -e 's/&amp;/\&/g'; }

L=$D/lead; home=$(signin "$L" lead1@demo.local); home=${home#"$U"}
case $home in /associations/*) ;; *) echo "measure-pages: lead1 could not sign in (led to '$home'): is PASSWORD the demo's?" >&2; exit 1 ;; esac
echo "start: lead1's first dashboard ($home) in $(get "$L" "$home" | awk '{printf "%.1f", $1*1000}') ms"
sleep 1 # the views below are of a server that has started
ward=$(grep -o '<option value="[0-9]\{5\}"' "$D/page.html" | head -1 | grep -o '[0-9]\{5\}')
for q in "" 2026-Q3 2026-Q2 2025-Q4; do
  for f in "" section=C section=G size=micro size=small size=medium "ward=$ward" by=section by=size "section=C&size=small"; do
    get "$L" "$home?quarter=$q&$f"
  done
done > "$D/times"; stats dashboard < "$D/times"
for pass in first again; do # the first pass reads pages no connection has cached since the start
  { p="$home/members"; for i in $(seq 1 40); do get "$L" "$p"; p=$(next); [ -n "$p" ] || break; done; } > "$D/times"
  stats "members, $pass" < "$D/times"
done

A=$D/admin; signin "$A" admin@demo.local > /dev/null
curl -s -b "$A" -c "$A" -H "Origin: $U" -X POST -o /dev/null "$U/account/2fa/setup"
curl -s -b "$A" -o "$D/page.html" "$U/account/2fa/setup"
key=$(grep -o '[A-Z2-7]\{4\}\( [A-Z2-7]\{4\}\)\{3,\}' "$D/page.html" | head -1 | tr -d ' ')
code=$(python3 -c '
import base64, hmac, hashlib, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$key")
curl -s -b "$A" -c "$A" -H "Origin: $U" -d "code=$code" -o /dev/null "$U/account/2fa/confirm"
for pass in first again; do
  for q in cong an go "tan uyen" ""; do
    p="/admin/firms?q=${q// /+}"
    for i in $(seq 1 8); do get "$A" "$p"; p=$(next); [ -n "$p" ] || break; done
  done > "$D/times"; stats "search, $pass" < "$D/times"
done

F=$D/firm; signin "$F" firm2@demo.local > /dev/null
curl -s -b "$F" -o "$D/page.html" "$U/profile"
result=$(grep -o 'href="/assessment/[0-9]*/result"' "$D/page.html" | head -1 | sed -e 's/^href="//' -e 's/"$//')
"$BIN" load --target "$U" --db "$D/d.db" --clients 1 --duration 6s --phases survey "$@" > "$D/load.out" 2>&1 &
LOADPID=$!
until grep -q '^autosave: CPU' "$D/load.out"; do sleep 0.1; kill -0 $LOADPID 2>/dev/null || { cat "$D/load.out"; exit 1; }; done
for i in $(seq 1 30); do get "$F" "$result"; sleep 0.2; done > "$D/times"; stats result < "$D/times"
grep -h '^submit rounds: submits\|^cycle: whole' "$D/load.out" | sed 's/^/beside it: /' | cut -c1-110 || true
wait $LOADPID || true; LOADPID=
grep VmHWM /proc/$PID/status
