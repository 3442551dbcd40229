#!/usr/bin/env bash
# The load-management benchmark: the real ocpp-centralsystem (SQLite) with LM_CHARGERS ocpp-simulator chargers on one
# site, both on 127.0.0.1. Builds nothing; prints a Markdown table.
#
#   bash bench/load_management.sh [BUILD_DIR]        (default: build)
#
# Environment: LM_CHARGERS (1000), LM_LIMIT (site limit, A per phase; 4000), LM_SECONDS (run time; 120),
# LM_KEEP=1 keeps the work directory.
# What it does: `ocpp-simulator flow` creates and commissions the chargers (one connector, 32 A) and charges one
# session on each; a site gets them all; then `ocpp-simulator run` charges on them (a session every two minutes per
# charger on average, 0.5 to 2 minutes long, MeterValues every 5 s) for LM_SECONDS. Every 0.5 s the site's live view
# is read: the sum of the limits in force must stay within the site's limit. At the end the central system's own
# figures: the highest sum of limits in force, the highest sum of the sessions' metered Power.Active.Import (the
# simulator draws what its profiles allow), and the time from each session change (start, stop) to the last new
# limit it caused sent (p50, p99, max; the target is 1 s).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/load_management.sh LM_KEEP "${1:-}" ocpp-centralsystem ocpp-simulator
N=${LM_CHARGERS:-1000}
LIMIT=${LM_LIMIT:-4000}
SECONDS_RUN=${LM_SECONDS:-120}
TOKEN=bench-token-0123456789abcdef
PASSWORD=lm-bench-password-1
say() { echo "lmbench: $*" >&2; }

PORT=$(free_port)
start_central_system "$PORT" "$WORK/cs.db" "$WORK/cs.log" --heartbeat-interval 300
CS=http://127.0.0.1:$PORT
api() { curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$@"; }

say "registering and commissioning $N chargers (ocpp-simulator flow)"
"$BIN/ocpp-simulator" flow --central "$CS" --api-token "$TOKEN" --chargers "$N" --id-prefix LM --password "$PASSWORD" \
    --connectors 1 --session-seconds 1 --concurrency 8 --timeout 300 --report "$WORK/flow.json" >"$WORK/flow.log" 2>&1 ||
    { say "the flow failed; see $WORK/flow.log"; exit 1; }

chargers=$(python3 -c 'import json,sys; print(json.dumps(["LM%06d" % i for i in range(1, int(sys.argv[1]) + 1)]))' "$N")
api -X POST "$CS/api/v1/sites" -d "{\"name\":\"Bench site\",\"limit\":$LIMIT,\"minSessionCurrent\":6,\"failsafeCurrent\":6,\"chargers\":$chargers}" \
    >"$WORK/site.json"
SITE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/site.json")

say "charging on $N chargers for $SECONDS_RUN s (site limit $LIMIT A per phase)"
"$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$PORT/ocpp" --chargers "$N" --connectors 1 --id-prefix LM \
    --password "$PASSWORD" --sessions-per-hour 30 --session-minutes 0.5,1,2 --meter-interval 5 --power-kw 22 \
    --heartbeat-interval 300 --duration "$SECONDS_RUN" --id-tags SIM-TAG-1 --seed 11 >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
PIDS+=("$SIM_PID")
api -X POST "$CS/api/v1/idtags" -d '{"idTag":"SIM-TAG-1","status":"Accepted"}' >/dev/null

# One poller for the whole run: every 0.5 s the sum of the limits in force against the site's limit.
read -r polls over most < <(python3 - "$CS/api/v1/sites/$SITE" "$TOKEN" "$LIMIT" "$SIM_PID" <<'PY'
import json, os, sys, time, urllib.request
url, token, limit, pid = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
polls = over = most = 0
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while alive():
    try:
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        live = json.load(urllib.request.urlopen(req, timeout=10)).get("live") or {}
        polls += 1
        over += live.get("limitsSumA", 0) > limit + 1e-6
        most = max(most, len(live.get("sessions", [])))
    except OSError:
        pass
    time.sleep(0.5)
print(polls, over, most)
PY
)
wait "$SIM_PID" 2>/dev/null || true
forget_pid "$SIM_PID"

api "$CS/api/v1/sites/$SITE" >"$WORK/final.json"
python3 - "$WORK/final.json" "$LIMIT" "$N" "$polls" "$over" "$most" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["live"]
limit, n, polls, over, most = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
lat = d["latency"]
limit_w = limit * 230 * 3
ok = lambda b: "ok" if b else "MISSED"
print("| measurement | value | target | status |")
print("|---|---|---|---|")
print(f"| chargers on the site / most sessions at once | {n} / {most} | | |")
print(f"| polls of the sum of limits in force above the limit | {over} of {polls} | 0 | {ok(over == 0)} |")
print(f"| peak sum of limits in force (A per phase) | {d['peakLimitsSumA']:.1f} | <= {limit:.0f} | {ok(d['peakLimitsSumA'] <= limit + 1e-6)} |")
print(f"| peak metered power of the site (kW) | {d['peakPowerW'] / 1000:.1f} | <= {limit_w / 1000:.0f} | {ok(d['peakPowerW'] <= limit_w * 1.01)} |")
print(f"| session change to last new limit sent, p50 / p99 / max (ms, {lat['count']} changes) | {lat['p50Ms']:.0f} / {lat['p99Ms']:.0f} / {lat['maxMs']:.0f} | <= 1000 | {ok(lat['maxMs'] <= 1000)} |")
PY
