#!/bin/bash
# Measures Mobility Fund on PostgreSQL with N generated applications, as
# docs/PERFORMANCE.md reports: start-up, idle memory, a closed loop of 50
# clients, an open loop of 50 requests a second, and the follow-up alone.
#
#   docs/measure.sh N DATABASE [seed]    (seed: drop, create and generate the database first)
set -eu
N=$1; DB=$2; PORT=${PORT:-18081}
URL="postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable"
BIN=$(mktemp -d)
go build -o "$BIN/mobilityfund" ./cmd/mobilityfund
go build -o "$BIN/loadtest" ./cmd/loadtest
echo "== N=$N $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${3:-}" = seed ]; then
  psql -qh 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  /usr/bin/time -f "seed: %e s wall, %M kB max RSS" env DATABASE_URL="$URL" "$BIN/mobilityfund" seed --synthetic "$N" --seed 1
fi
psql -qh 127.0.0.1 -U postgres "$DB" -c "ANALYZE"
start=$(date +%s.%N)
APP_ENV=development DEV_LOGIN=1 DEMO_DATA=0 LISTEN_ADDR=127.0.0.1:$PORT DATABASE_URL="$URL" \
  "$BIN/mobilityfund" serve > "$BIN/serve.log" 2>&1 &
PID=$!
trap 'kill $PID; rm -rf "$BIN"' EXIT
until curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null; do sleep 0.025; done
echo "start-up to /readyz: $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 2
echo "idle RSS after start: $(grep VmRSS /proc/$PID/status)"
LT=("$BIN/loadtest" -url "http://127.0.0.1:$PORT" -db "$URL" -pid "$PID")
PAGES=start,list,next,search,detail,tasks
echo "-- closed loop, 50 clients, 10 s"
"${LT[@]}" -as syn-coordinator,syn-applicant -pages $PAGES -c 50 -d 10s
echo "-- open loop, 50 req/s, 10 s"
"${LT[@]}" -as syn-coordinator,syn-applicant -pages $PAGES -rate 50 -d 10s
echo "-- follow-up alone, 1 client, 10 s"
"${LT[@]}" -as syn-coordinator -pages followup -c 1 -d 10s
sleep 3
echo "idle RSS after the runs: $(grep VmRSS /proc/$PID/status)"
