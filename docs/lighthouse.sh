#!/bin/bash
# Lighthouse (mobile, performance only) on a demo firm's result page of a fresh
# 68,000-firm demo, three runs on one server (docs/PERFORMANCE.md).
# usage: docs/lighthouse.sh BINARY PORT LABEL [dashboard]   (loopback only; needs
# `npm install lighthouse@12` in /tmp/lh and Debian's chromium)
set -e
BIN=$1; PORT=$2; LABEL=$3
D=/tmp/lh/$LABEL; rm -rf $D; mkdir -p $D; cd $D
DXREADY_DEMO_PASSWORD='lh-demo-password-1' timeout 600 $BIN serve --addr 127.0.0.1:$PORT --metrics-addr 127.0.0.1:$((PORT+1)) --db $D/demo.db --demo-firms 68000 > serve.log 2>&1 &
SERVER=$! # stopped by its id at the end, not by a pattern that could match another's process
for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 1; done
# the first demo firm user whose firm has a result (which firms do depends on the demo's draw)
for n in $(seq 1 20); do
  rm -f jar; curl -s -c jar -b jar -o /dev/null -H "Origin: http://127.0.0.1:$PORT" -d "email=firm$n@demo.local&password=lh-demo-password-1" http://127.0.0.1:$PORT/login
  RES=$(curl -s -b jar http://127.0.0.1:$PORT/profile | grep -o '/assessment/[0-9]*/result' | head -1)
  [ -n "$RES" ] && break
done
[ -n "$RES" ] || { echo "no demo firm user has a result"; kill $SERVER; exit 1; }
if [ "$4" = dashboard ]; then # lead1's association dashboard instead of firm1's result
  rm -f jar; curl -s -c jar -b jar -o /dev/null -H "Origin: http://127.0.0.1:$PORT" -d "email=lead1@demo.local&password=lh-demo-password-1" http://127.0.0.1:$PORT/login
  RES=/associations/1
fi
COOKIE=$(awk '$6 ~ /session/ {print $6"="$7}' jar | head -1)
echo "result page $RES cookie ${COOKIE:0:20}…"
sleep 5
for n in 1 2 3; do
CHROME_PATH=/usr/bin/chromium /tmp/lh/node_modules/.bin/lighthouse "http://127.0.0.1:$PORT$RES" --quiet --chrome-flags="--headless=new --no-sandbox" \
  --only-categories=performance --extra-headers "{\"Cookie\": \"$COOKIE\"}" --output=json --output-path=$D/lh$n.json >/dev/null 2>&1 || true
node -e "const r=require('$D/lh$n.json'); const a=r.audits; console.log('$LABEL', 'score', Math.round(r.categories.performance.score*100), 'LCP', a['largest-contentful-paint'].displayValue, 'FCP', a['first-contentful-paint'].displayValue, 'TBT', a['total-blocking-time'].displayValue, 'bytes', a['total-byte-weight'].displayValue)"
done
kill $SERVER || true
