#!/usr/bin/env bash
# The cluster benchmark: a throwaway PostgreSQL server, three ocpp-centralsystem nodes and HAProxy
# (deploy/haproxy.cfg) on 127.0.0.1, with ocpp-simulator chargers connecting through HAProxy and charging.
#
#   bash bench/cluster_failover.sh [BUILD_DIR]        (default: build)
#
# Environment: CF_CHARGERS (default 3000), CF_COMMANDS (remote commands per kind, default 300), CF_KEEP=1 keeps
# the work directory (logs, reports).
# What it measures:
#   1. remote command latency: GetConfiguration to chargers through the node that holds each (direct) and through a
#      node that does not (forwarded); the p99 of each and the difference (target: forwarded adds at most 20 ms);
#   2. failover: kill -9 of the node holding the most chargers; seconds until every charger is connected again
#      (to the two others; target 15 s); then, after the simulator's run, acknowledged transactions missing from
#      the database (target 0) and sessions stored twice (target 0).
# Every process started here is stopped by its PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/cluster_failover.sh CF_KEEP "${1:-}" ocpp-centralsystem ocpp-simulator
N=${CF_CHARGERS:-3000}
COMMANDS=${CF_COMMANDS:-300}
TOKEN=bench-token-0123456789abcdef
say() { echo "cluster: $*" >&2; }
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[[ -x $HAPROXY ]] || { say "haproxy is not installed (scripts/setup.sh installs it)"; exit 1; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $PG_BIN ]] || { say "PostgreSQL is not installed (scripts/setup.sh installs it)"; exit 1; }
say "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"

# ---- PostgreSQL, as the tests start it: initdb into the work directory, run as postgres when we are root.
AS_PG=()
if [[ $(id -u) == 0 ]]; then
    chown postgres "$WORK"
    AS_PG=(runuser -u postgres --)
fi
PG_PORT=$(free_port)
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg.log" \
    -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
pg_stop() { "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true; }
trap 'pg_stop; bench_cleanup' EXIT
"${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres ocppkit
DB="postgresql://postgres@127.0.0.1:$PG_PORT/ocppkit"
psql_q() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ocppkit -Atq -c "$1"; }

# ---- three nodes and HAProxy.
export OCPPKIT_CLUSTER_SECRET=bench-cluster-secret-0123456789
PORTS=()
NODE_PIDS=()
for i in 1 2 3; do
    port=$(free_port)
    "$BIN/ocpp-centralsystem" --listen "127.0.0.1:$port" --db "$DB" --api-token "$TOKEN" --log-level warn \
        --node-id "node$i" --node-lease 5 --heartbeat-interval 60 >"$WORK/node$i.log" 2>&1 &
    PIDS+=($!)
    NODE_PIDS+=($!)
    PORTS+=("$port")
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
psql_q "INSERT INTO chargers(chargebox_id, password_hash, status, created_at) SELECT 'CF' || lpad(g::text, 6, '0'), '',
        'operational', '2026-01-01T00:00:00Z' FROM generate_series(1, $N) g;
        INSERT INTO charge_points(chargebox_id, connector_id, evse_id) SELECT 'CF' || lpad(g::text, 6, '0'), c,
        'CF' || g || '*' || c FROM generate_series(1, $N) g, generate_series(1, 2) c;
        INSERT INTO id_tags(id_tag, status) VALUES('SIM-TAG-1', 'Accepted') ON CONFLICT DO NOTHING;" >/dev/null
sleep 3 # the nodes reload their credentials every 2 s
LB=$(free_port)
OCPPKIT_LB_BIND=127.0.0.1:$LB OCPPKIT_NODE1=127.0.0.1:${PORTS[0]} OCPPKIT_NODE2=127.0.0.1:${PORTS[1]} \
    OCPPKIT_NODE3=127.0.0.1:${PORTS[2]} "$HAPROXY" -db -f "$ROOT/deploy/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
sleep 1

connected() { curl -s --max-time 2 "http://127.0.0.1:$1/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chargersConnected"])' 2>/dev/null || echo 0; }
total_connected() { local t=0 p; for p in "$@"; do t=$((t + $(connected "$p"))); done; echo "$t"; }

say "$N chargers through HAProxy, sessions running"
"$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$LB/ocpp" --chargers "$N" --id-prefix CF --connectors 2 \
    --ramp 1000 --heartbeat-interval 60 --meter-interval 10 --sessions-per-hour 120 --session-minutes 0.1,0.3,0.6 \
    --threads 1 --duration 100 --report "$WORK/sim.json" >"$WORK/sim.log" 2>&1 &
SIM=$!
PIDS+=("$SIM")
for _ in $(seq 300); do
    [[ $(total_connected "${PORTS[@]}") -ge $N ]] && break
    sleep 0.2
done
say "connected: $(total_connected "${PORTS[@]}") of $N"

# ---- 1. remote command latency, direct and forwarded.
psql_q "SELECT o.chargebox_id, o.node_id FROM cluster_owners o WHERE o.connected = 1 ORDER BY random() LIMIT $COMMANDS" >"$WORK/owners.txt"
LAT=$(python3 - "$WORK/owners.txt" "$TOKEN" "${PORTS[@]}" <<'PY'
import http.client, sys, time
owners = [l.split("|") for l in open(sys.argv[1]).read().split()]
token, ports = sys.argv[2], [int(p) for p in sys.argv[3:]]
conns = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports}
def call(port, cid):
    t = time.perf_counter()
    conns[port].request("POST", f"/api/v1/chargers/{cid}/commands/GetConfiguration", body='{"key":["HeartbeatInterval"]}',
                        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = conns[port].getresponse(); r.read()
    return (time.perf_counter() - t) * 1000, r.status
direct, forwarded, bad = [], [], 0
for cid, node in owners:
    own = ports[int(node[-1]) - 1]
    other = ports[int(node[-1]) % 3]
    for port, out in ((own, direct), (other, forwarded)):
        ms, status = call(port, cid)
        out.append(ms); bad += status != 200
def p(v, q): v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
print(f"{p(direct,.5):.1f} {p(direct,.99):.1f} {p(forwarded,.5):.1f} {p(forwarded,.99):.1f} {len(direct)} {bad}")
PY
)
read -r D50 D99 F50 F99 NCMD BAD <<<"$LAT"
ADDED=$(awk -v a="$F99" -v b="$D99" 'BEGIN {printf "%.1f", a - b}')

# ---- 2. failover.
VICTIM=0
for i in 0 1 2; do
    (($(connected "${PORTS[i]}") > $(connected "${PORTS[VICTIM]}"))) && VICTIM=$i
done
MOVED=$(connected "${PORTS[VICTIM]}")
LIVE=()
for i in 0 1 2; do [[ $i == "$VICTIM" ]] || LIVE+=("${PORTS[i]}"); done
say "kill -9 of node$((VICTIM + 1)) holding $MOVED chargers"
T0=$(date +%s.%N)
kill -KILL "${NODE_PIDS[VICTIM]}"
BACK="-"
while :; do
    now=$(date +%s.%N)
    if [[ $(total_connected "${LIVE[@]}") -ge $N ]]; then
        BACK=$(awk -v a="$T0" -v b="$now" 'BEGIN {printf "%.1f", b - a}')
        break
    fi
    awk -v a="$T0" -v b="$now" 'BEGIN {exit !(b - a > 60)}' && break
    sleep 0.1
done
say "back after ${BACK} s; waiting for the simulator's run to end"
wait "$SIM" || true
forget_pid "$SIM"
read -r ACKED ACKED_STOPS <<<"$(python3 -c '
import json,sys; a = json.load(open(sys.argv[1]))["actions"]
print(a.get("StartTransaction", {}).get("ok", 0), a.get("StopTransaction", {}).get("ok", 0))' "$WORK/sim.json")"
STORED=$(psql_q "SELECT count(*) FROM transactions WHERE chargebox_id LIKE 'CF%'")
STOPS=$(psql_q "SELECT count(meter_stop) FROM transactions WHERE chargebox_id LIKE 'CF%'")
TWICE=$(psql_q "SELECT count(*) FROM (SELECT 1 FROM transactions WHERE chargebox_id LIKE 'CF%' GROUP BY chargebox_id, connector_id, start_ts HAVING count(*) > 1) d")
LOST=$((ACKED > STORED ? ACKED - STORED : 0))
LOST_STOPS=$((ACKED_STOPS > STOPS ? ACKED_STOPS - STOPS : 0))
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {print (v != "-" && v <= t) ? "met" : "NOT met"}'; }

echo "| measurement | value | target | status |"
echo "|---|---|---|---|"
echo "| remote command p50 / p99, through the charger's node ($NCMD GetConfiguration) | $D50 / $D99 ms | | |"
echo "| … through another node (forwarded) | $F50 / $F99 ms | | |"
echo "| p99 added by forwarding | $ADDED ms | ≤ 20 ms | $(verdict "$ADDED" 20) |"
echo "| failover: $MOVED chargers of the killed node (of $N) connected again to the two others | $BACK s | ≤ 15 s | $(verdict "$BACK" 15) |"
echo "| acknowledged starts ($ACKED) missing from the database ($STORED stored) | $LOST | 0 | $(verdict "$LOST" 0) |"
echo "| acknowledged stops ($ACKED_STOPS) missing ($STOPS stored) | $LOST_STOPS | 0 | $(verdict "$LOST_STOPS" 0) |"
echo "| sessions stored twice | $TWICE | 0 | $(verdict "$TWICE" 0) |"
echo "| commands answered other than 200 | $BAD | 0 | |"
