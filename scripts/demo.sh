#!/usr/bin/env bash
# `make demo`: the operator's flow on the embedded default (one SQLite file), with the real programs.
#   1. ocpp-centralsystem and `ocpp-tester serve` start on free loopback ports, sharing one SQLite file.
#   2. A simulated charger passes the tester and gets a claiming code.
#   3. `ocpp-simulator flow` creates that charger in the central system from the code, puts it into operation,
#      connects it with its password and charges one session; the REST API must show the session and its energy.
#   4. `ocpp-simulator flow` does the same for DEMO_CHARGERS more chargers, which keep charging for DEMO_SECONDS.
#   5. The dashboard and today's statistics are printed; the central system stays up until Ctrl-C.
# Settings (environment): BIN (programs, default build/bin), DEMO_DIR (database and logs, default build/demo),
# DEMO_CHARGERS (default 100), DEMO_SECONDS (default 60), DEMO_WAIT (1: wait for Ctrl-C at the end, 0: stop).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-build/bin}
DEMO_DIR=${DEMO_DIR:-build/demo}
DEMO_CHARGERS=${DEMO_CHARGERS:-100}
DEMO_SECONDS=${DEMO_SECONDS:-60}
DEMO_WAIT=${DEMO_WAIT:-1}

say() { printf '\n\033[1m==> %s\033[0m  (%d s)\n' "$*" "$SECONDS"; }
fail() {
    printf '\ndemo: FAILED: %s\n' "$*" >&2
    exit 1
}
for program in ocpp-centralsystem ocpp-tester ocpp-simulator; do
    [[ -x $BIN/$program ]] || fail "$BIN/$program is missing: build first (make build)"
done
command -v curl >/dev/null || fail "curl is missing: run scripts/setup.sh"

# Everything this script starts, stopped by PID when it ends (normally, on error or on Ctrl-C).
pids=()
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]+"${pids[@]}"}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]+"${pids[@]}"}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
waiting=0 # Ctrl-C while waiting at the end is the normal way out; before that it interrupts the demo
trap 'echo; echo "demo: stopping"; ((waiting)) && exit 0; exit 130' INT TERM

# A port nobody listens on right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# JSON value at a path, e.g. json_get "$body" claim code
json_get() {
    python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v=v.get(k) if isinstance(v,dict) else None
print("" if v is None else v)' "$@"
}
# Waits up to $2 seconds for URL $1 to answer 200.
wait_http() {
    for _ in $(seq $(($2 * 10))); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"
DB="sqlite:$DEMO_DIR/ocppkit.db"
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
CS_PORT=$(free_port)
TESTER_PORT=$(free_port)
while [[ $TESTER_PORT == "$CS_PORT" ]]; do TESTER_PORT=$(free_port); done
CS="http://127.0.0.1:$CS_PORT"
TESTER="http://127.0.0.1:$TESTER_PORT"

say "1. Central system and tester on one SQLite file ($DEMO_DIR/ocppkit.db)"
"$BIN/ocpp-centralsystem" --listen "127.0.0.1:$CS_PORT" --db "$DB" --api-token "$TOKEN" \
    --heartbeat-interval 30 >"$DEMO_DIR/centralsystem.log" 2>&1 &
pids+=($!)
"$BIN/ocpp-tester" serve --listen "127.0.0.1:$TESTER_PORT" --db "$DB" --heartbeat-interval 3 --timeout 60 \
    >"$DEMO_DIR/tester.log" 2>&1 &
pids+=($!)
wait_http "$CS/healthz" 15 || fail "the central system did not start; see $DEMO_DIR/centralsystem.log"
wait_http "$TESTER/healthz" 15 || fail "the tester did not start; see $DEMO_DIR/tester.log"
echo "central system  $CS  (chargers: ws://127.0.0.1:$CS_PORT/ocpp/<ID>)"
echo "tester          $TESTER  (chargers: ws://127.0.0.1:$TESTER_PORT/ocpp/<ID>)"

say "2. The installer points a new charger (DEMO000001) at the tester"
test_json=$(curl -fsS --max-time 10 -X POST "$TESTER/api/v1/tests" -d '{"chargeBoxId":"DEMO000001"}') ||
    fail "POST $TESTER/api/v1/tests failed"
test_id=$(json_get "$test_json" id)
password=$(json_get "$test_json" password)
echo "test $test_id: configure the charger with $(json_get "$test_json" url) and the password the tester generated"
"$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$TESTER_PORT/ocpp" --chargers 1 --id-prefix DEMO \
    --password "$password" --heartbeat-interval 3 --sessions-per-hour 0 --duration 60 \
    >"$DEMO_DIR/charger-at-tester.log" 2>&1 &
sim_pid=$!
pids+=("$sim_pid")
state=waiting
for _ in $(seq 240); do # up to about two minutes
    live=$(curl -fsS --max-time 2 "$TESTER/api/v1/tests/$test_id" || echo '{}')
    state=$(json_get "$live" state)
    [[ $state == passed && $(json_get "$live" claimStatus) == issued ]] && break
    [[ $state == failed || $state == aborted ]] && break
    sleep 0.5
done
kill -INT "$sim_pid" 2>/dev/null || true
final=$(curl -fsS --max-time 5 "$TESTER/api/v1/tests/$test_id")
python3 -c 'import json,sys
marks={"pass":"✓","warn":"!","fail":"✗"}
for c in json.loads(sys.argv[1]).get("checks",[]):
    print("  %s %-24s %s" % (marks.get(c["verdict"],"-"), c["id"], c["seen"]))' "$final"
[[ $state == passed ]] || fail "the charger did not pass the tester (state $state); see $DEMO_DIR/tester.log"
code=$(json_get "$final" claim code)
[[ -n $code ]] || fail "the tester issued no claiming code; see $DEMO_DIR/tester.log"
echo "PASSED: claiming code $code"

say "3. The operator creates the charger from the code, puts it into operation; it connects and charges"
echo "$code,$password" >"$DEMO_DIR/claim-codes.txt"
connectors=$(json_get "$final" charger connectors)
"$BIN/ocpp-simulator" flow --central "$CS" --api-token "$TOKEN" --claim-codes "$DEMO_DIR/claim-codes.txt" \
    --connectors "${connectors:-1}" --price-per-kwh 0.39 --price-per-session 0.50 --session-seconds 5 \
    --report "$DEMO_DIR/flow-claimed.json" ||
    fail "the claimed charger's flow failed (report: $DEMO_DIR/flow-claimed.json)"

say "4. $DEMO_CHARGERS more chargers: created, put into operation, charging for $DEMO_SECONDS s"
FLEET_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(10))')
"$BIN/ocpp-simulator" flow --central "$CS" --api-token "$TOKEN" --chargers "$DEMO_CHARGERS" --id-prefix DEMO-FLEET- \
    --password "$FLEET_PASSWORD" --connectors 2 --price-per-kwh 0.39 --price-per-session 0.50 --session-seconds 10 \
    --duration "$DEMO_SECONDS" --sessions-per-hour 60 --report "$DEMO_DIR/flow-fleet.json" ||
    fail "the fleet's flow failed (report: $DEMO_DIR/flow-fleet.json)"

say "5. Dashboard and today's statistics"
# The fleet comes back online (and charges now and then) so that the dashboard shows live charge points.
"$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$CS_PORT/ocpp" --chargers "$DEMO_CHARGERS" --id-prefix DEMO-FLEET- \
    --password "$FLEET_PASSWORD" --connectors 2 --sessions-per-hour 4 --session-minutes 1,3,10 --meter-interval 30 \
    >"$DEMO_DIR/fleet.log" 2>&1 &
pids+=($!)
# The claimed charger comes back too, with the tester's password and the connectors the tester saw.
"$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$CS_PORT/ocpp" --chargers 1 --id-prefix DEMO --password "$password" \
    --connectors "${connectors:-1}" --sessions-per-hour 0 --meter-interval 30 >"$DEMO_DIR/claimed.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do # up to about 10 s until every charger is connected again
    connected=$(json_get "$(curl -fsS --max-time 2 "$CS/healthz" || echo '{}')" chargersConnected)
    [[ ${connected:-0} -ge $((DEMO_CHARGERS + 1)) ]] && break
    sleep 0.1
done
dashboard=$(curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "$CS/api/v1/dashboard") ||
    fail "GET $CS/api/v1/dashboard failed"
python3 -c 'import json,sys
d=json.loads(sys.argv[1])
cp, t = d["chargePoints"], d["today"]
money=", ".join("%.2f %s" % (m["amount"], m["currency"]) for m in t["revenue"]) or "none (no price sets)"
print("charge points   available %d  occupied %d  not available %d  inoperative %d"
      % (cp["available"], cp["occupied"], cp["notAvailable"], cp["inoperative"]))
print("today           sessions %d  energy %.1f kWh  revenue %s" % (t["sessions"], t["energyWh"] / 1000, money))
print("system status   " + "  ".join("%s %s" % (s["component"], "ok" if s["ok"] else "NOT OK")
                                      for s in d["systemStatus"]))
print()
print(json.dumps(d, indent=2))' "$dashboard"

site_size=$((DEMO_CHARGERS < 4 ? DEMO_CHARGERS : 4))
say "6. Load management: a site of $site_size chargers shares 40 A among their sessions"
site_chargers=$(python3 -c 'import json,sys; print(json.dumps(["DEMO-FLEET-%06d" % i for i in range(1, int(sys.argv[1]) + 1)]))' "$site_size")
site=$(curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" -X POST "$CS/api/v1/sites" \
    -d "{\"name\":\"Demo depot\",\"limit\":40,\"minSessionCurrent\":6,\"failsafeCurrent\":8,\"chargers\":$site_chargers}") ||
    fail "POST $CS/api/v1/sites failed"
site_id=$(json_get "$site" id)
for i in $(seq "$site_size"); do # a session on each (a connector already charging answers Rejected: fine)
    id=$(printf 'DEMO-FLEET-%06d' "$i")
    curl -fsS -o /dev/null --max-time 40 -H "Authorization: Bearer $TOKEN" -X POST \
        "$CS/api/v1/chargers/$id/commands/RemoteStartTransaction" -d "{\"connectorId\":1,\"idTag\":\"$id\"}" || true
done
sleep 4
python3 -c 'import json,sys
s=json.loads(sys.argv[1]); live=s.get("live") or {"sessions": [], "limitNowA": s["limit"], "limitsSumA": 0}
print("site %s: limit %.0f A per phase, %d sessions, limits accepted %.1f A in all"
      % (s["name"], live["limitNowA"], len(live["sessions"]), live["limitsSumA"]))
for x in live["sessions"]:
    print("  %-20s connector %d  limit %5.1f A  (share %5.1f A, %s)"
          % (x["chargeBoxId"], x["connectorId"], x["limitA"], x["targetA"], x["state"]))' \
    "$(curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "$CS/api/v1/sites/$site_id")" ||
    fail "GET $CS/api/v1/sites/$site_id failed"
echo "portal    $CS/#/sites?site=$site_id  (the site's power against its limit, live)"

if [[ $DEMO_WAIT == 1 ]]; then
    say "The central system stays up for you to explore"
else
    say "DEMO_WAIT=0: everything is stopped now; the database and logs stay for you to read"
fi
echo "URL       $CS            (REST API under $CS/api/v1/)"
echo "token     $TOKEN"
echo "try       curl -H 'Authorization: Bearer $TOKEN' $CS/api/v1/chargers"
echo "database  $DEMO_DIR/ocppkit.db, logs in $DEMO_DIR/"
if [[ $DEMO_WAIT == 1 ]]; then
    echo "The $DEMO_CHARGERS simulated chargers and DEMO000001 stay connected." \
        "Ctrl-C stops them, the central system and the tester."
    waiting=1
    while kill -0 "${pids[0]}" 2>/dev/null; do sleep 1; done
    fail "the central system exited; see $DEMO_DIR/centralsystem.log"
fi
echo "demo: done"
