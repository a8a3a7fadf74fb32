#!/bin/bash
# Measures Mobility Fund on PostgreSQL with N generated applications, as
# docs/PERFORMANCE.md reports: start-up, idle memory, a closed loop of 50
# clients, an open loop of 50 requests a second, the follow-up alone, and
# every other page and export one client at a time with the server's peak
# memory during each.
#
#   docs/measure.sh N DATABASE [seed]    (seed: drop, create and generate the database first)
#
# EACH=0 skips the page-by-page runs, IDLE_WAIT=0 the wait for idle memory.
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
if [ "${EACH:-1}" != 0 ]; then
echo "-- every page and export, one client, 5 s each, as the role that sees it (peak RSS of each run)"
CALL=$(psql -qtAh 127.0.0.1 -U postgres "$DB" -c "SELECT MAX(id) FROM calls")
BATCH=$(psql -qtAh 127.0.0.1 -U postgres "$DB" -c "SELECT MAX(id) FROM finance_batches")
PLAN=$(psql -qtAh 127.0.0.1 -U postgres "$DB" -c "SELECT MAX(id) FROM plans")
while read -r AS PATHS; do
  for P in ${PATHS//,/ }; do
    "${LT[@]}" -as "$AS" -pages none -paths "$P" -c 1 -d 5s | grep -E "^app|memory" | tr '\n' ' '
    echo
  done
done <<EOP
syn-coordinator /,/plan,/calls/$CALL,/applications,/applications.csv,/tasks,/followup,/followup/yearly,/followup/export.csv,/followup/export.xlsx,/register,/register/export.csv,/admin/calls
syn-admin /admin/people,/admin/audit,/admin/audit.csv,/admin/units,/admin/units/export.csv,/admin/plans/$PLAN,/admin/mail
syn-applicant /me/data,/me/data.json,/applications/new
syn-finance /finance,/finance/reconciliation,/finance/reconciliation.csv,/finance/batches/$BATCH,/finance/batches/$BATCH/download/csv,/finance/batches/$BATCH/download/xlsx,/finance/batches/$BATCH/download/si,/api/finance/batches
EOP
fi
sleep 3
echo "idle RSS after the runs: $(grep VmRSS /proc/$PID/status)"
# The runtime returns freed memory to the system in the background, after
# the forced collection that follows two idle minutes.
if [ "${IDLE_WAIT:-150}" != 0 ]; then
  sleep "${IDLE_WAIT:-150}"
  echo "idle RSS ${IDLE_WAIT:-150} s later: $(grep VmRSS /proc/$PID/status)"
fi
