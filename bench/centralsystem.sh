#!/usr/bin/env bash
# The central-system benchmark: the real ocpp-centralsystem (Release, SQLite, validation on) with ocpp-simulator as
# the chargers, both on 127.0.0.1. Builds nothing; prints a Markdown table. bench/run.sh calls it.
#
#   bash bench/centralsystem.sh [BUILD_DIR]        (default: build)
#
# Environment: CSB_CHARGERS (default 10000), CSB_STRETCH (default 19000; 0 skips the stretch run),
# CSB_TP_CHARGERS (default 200), CSB_KEEP=1 keeps the work directory.
# What it measures, in this order:
#   1. boot storm, first contact: CSB_CHARGERS chargers with a password connect to a central system that has never
#      seen them (--auto-register; each password hashed off the event loop); seconds until every boot was answered;
#   2. hold: the same chargers stay connected with heartbeats every 30 s for 40 s; RssAnon per charger;
#   3. restart storm, cold: a fresh process with CSB_CHARGERS operational chargers and their PBKDF2 hashes (the
#      product's iteration count) in the database, so every password goes through PBKDF2 once (on the hasher
#      threads, while the upgrade waits); seconds until every boot was answered (at most 60 s);
#   4. reconnect storm: the simulator stops and starts again against the same process (verified passwords are
#      remembered); boots answered within 10 s;
#   5. stretch: CSB_STRETCH chargers without passwords held by one process;
#   6. throughput with persistence: CSB_TP_CHARGERS operational chargers in throughput mode, each repeating StartTransaction,
#      3 MeterValues, StopTransaction; calls/s counted by the central system's /metrics, latency by the simulator.
# Every process started here is stopped by its PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/centralsystem.sh CSB_KEEP "${1:-}" ocpp-centralsystem ocpp-simulator
N=${CSB_CHARGERS:-10000}
STRETCH=${CSB_STRETCH:-19000}
TP_N=${CSB_TP_CHARGERS:-200}
TOKEN=bench-token-0123456789abcdef

say() { echo "csbench: $*" >&2; }
ROWS=$WORK/rows.md
: >"$ROWS"
row() { echo "| $1 | $2 | $3 | $4 |" >>"$ROWS"; } # measurement, value, target, status
# Two rows: the chargers the central system holds now (target: $2) and its memory per charger since BASE_RSS.
held() { # args: label, chargers, memory label
    local connected rss
    connected=$(metric ocpp_chargers_connected)
    rss=$(rss_kib "$CS_PID")
    row "$1" "${connected%.*}" "$2" "$(verdict "${connected%.*}" "$2" ge)"
    row "$3" "$(awk -v a="$rss" -v b="$BASE_RSS" -v n="$2" 'BEGIN {printf "%.1f KiB", (a - b) / n}')" "" ""
}
# Stops the simulator run NAME (its report: sim.NAME.json) and adds its errors as a row.
sim_done() { # args: name, label, target
    stop_pid "$SIM_PID"
    row "… simulator: $2" "$(sim_errors "$WORK/sim.$1.json")" "${3:-}" ""
}

PORT=0
start_cs() { # args: db extra options...
    local db=$1
    shift
    PORT=$(free_port)
    start_central_system "$PORT" "$db" "$WORK/cs.$PORT.log" --heartbeat-interval 30 "$@"
}

start_sim() { # args: tag options...
    local tag=$1
    shift
    "$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$PORT/ocpp" --report "$WORK/sim.$tag.json" "$@" \
        >"$WORK/sim.$tag.log" 2>&1 &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
}

# A value from the central system's /metrics (0 when absent, or when a busy loop does not answer within 2 s).
metric() { { curl -s --max-time 2 "http://127.0.0.1:$PORT/metrics" || true; } | awk -v k="$1" '$1 == k {print $2; f = 1} END {if (!f) print 0}'; }
boots() { metric 'ocpp_calls_total{direction="received",action="BootNotification",result="ok"}'; }
rss_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# Polls until `boots` reaches $1 or $2 seconds pass; prints the seconds taken (or "-" on timeout).
time_boots() {
    local want=$1 limit=$2 t0 now b
    t0=$(date +%s.%N)
    while :; do
        b=$(boots)
        now=$(date +%s.%N)
        if ((${b%.*} >= want)); then
            awk -v a="$t0" -v b="$now" 'BEGIN {printf "%.2f", b - a}'
            return
        fi
        if awk -v a="$t0" -v b="$now" -v l="$limit" 'BEGIN {exit !(b - a > l)}'; then
            echo "-"
            return
        fi
        sleep 0.2
    done
}

sim_errors() { # connection errors and call timeouts of a simulator report
    python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
errs = r["connections"]["errors"]
print(f'{sum(errs.values())} connection errors {json.dumps(errs)}, {r["all_actions"]["timeouts"]} call timeouts')
EOF
}

verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {if (v == "-") print "NOT met"; else if ((op == "le" && v <= t) || (op == "ge" && v >= t)) print "met"; else print "NOT met"}'; }

say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)

# ---- 1 and 2: first-contact boot storm, then the hold.
DB=$WORK/storm.db
start_cs "$DB" --auto-register
BASE_RSS=$(rss_kib "$CS_PID")
say "1. boot storm, first contact: $N chargers with passwords, --auto-register"
start_sim storm --chargers "$N" --id-prefix BS --password bench-password-1 --ramp 20000 --handshakes-in-flight 2000 \
    --heartbeat-interval 30 --sessions-per-hour 0 --threads 1 --duration 200
T=$(time_boots "$N" 60)
row "boot storm, first contact: $N chargers connect and boot (auto-register, password hashed off the loop)" "${T} s" "≤ 10 s" "$(verdict "$T" 10 le)"
say "2. hold for 40 s with heartbeats every 30 s"
sleep 40
HB=$(metric 'ocpp_calls_total{direction="received",action="Heartbeat",result="ok"}')
held "chargers held by one process after 40 s (heartbeats answered meanwhile: ${HB%.*})" "$N" \
    "central-system memory per connected charger (RssAnon delta / chargers)"
sim_done storm "storm and hold" "no handshake timeout"
stop_pid "$CS_PID"

# ---- 3: a restart: $N operational chargers with PBKDF2 hashes in the database, none verified yet by this process.
DB=$WORK/restart.db
start_cs "$DB"
stop_pid "$CS_PID" # the schema is there now
ITERATIONS=$(sed -n 's/.*kPasswordIterations = \([0-9]*\);.*/\1/p' "$ROOT/store/password.hpp")
python3 - "$DB" "$N" "$ITERATIONS" <<'EOF'
import base64, hashlib, os, sqlite3, sys
salt = os.urandom(16)
iterations = int(sys.argv[3])
dk = hashlib.pbkdf2_hmac("sha256", b"bench-password-1", salt, iterations, 32)
h = f"pbkdf2-sha256${iterations}$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(dk).decode()
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT INTO chargers(chargebox_id, password_hash, status, created_at) VALUES(?, ?, 'operational', "
               "'2026-01-01T00:00:00Z')", [(f"RS{i:06d}", h) for i in range(1, int(sys.argv[2]) + 1)])
db.commit()
EOF
start_cs "$DB"
say "3. restart storm, cold: $N known chargers with passwords against a fresh process"
start_sim cold --chargers "$N" --id-prefix RS --password bench-password-1 --ramp 20000 --handshakes-in-flight 2000 \
    --heartbeat-interval 30 --sessions-per-hour 0 --threads 1 --duration 75
T=$(time_boots "$N" 60)
B60=$(boots)
row "restart storm: $N known chargers boot again (each password through PBKDF2 once: $ITERATIONS iterations, off the event loop)" "${T} s" "≤ 10 s" "$(verdict "$T" 10 le)"
row "… boots answered when that was measured (within 60 s)" "${B60%.*} of $N" "" ""
sim_done cold "cold restart"

# ---- 4: the same chargers reconnect to the same process: the passwords verified in step 3 are remembered.
sleep 2
BEFORE=$(boots)
say "4. reconnect storm: the same $N chargers again, same process"
start_sim warm --chargers "$N" --id-prefix RS --password bench-password-1 --ramp 20000 --handshakes-in-flight 2000 \
    --heartbeat-interval 30 --sessions-per-hour 0 --threads 1 --duration 40
sleep 10
B10=$(boots)
row "reconnect storm, same process: boots answered within 10 s (passwords verified in step 3 are remembered)" "$((${B10%.*} - ${BEFORE%.*})) of $N" "$N" "$(verdict "$((${B10%.*} - ${BEFORE%.*}))" "$N" ge)"
sim_done warm "reconnect"
stop_pid "$CS_PID"

# ---- 5: stretch, no passwords.
if ((STRETCH > 0)); then
    start_cs "$WORK/stretch.db" --auto-register
    BASE_RSS=$(rss_kib "$CS_PID")
    say "5. stretch: $STRETCH chargers without passwords"
    start_sim stretch --chargers "$STRETCH" --id-prefix ST --ramp 20000 --handshakes-in-flight 2000 \
        --heartbeat-interval 30 --sessions-per-hour 0 --threads 1 --duration 200
    T=$(time_boots "$STRETCH" 120)
    sleep 10
    held "stretch: chargers held by one process (boots took ${T} s)" "$STRETCH" "… memory per charger"
    sim_done stretch stretch
    stop_pid "$CS_PID"
fi

# ---- 6: throughput with validation and persistence, on operational chargers (a planned one cannot charge); each
# simulated charger sends far more than the default message-rate limit allows one charger.
start_cs "$WORK/tp.db"
stop_pid "$CS_PID" # the schema is there now
python3 - "$WORK/tp.db" "$TP_N" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT INTO chargers(chargebox_id, password_hash, status, created_at) VALUES(?, '', 'operational', "
               "'2026-01-01T00:00:00Z')", [(f"TP{i:06d}",) for i in range(1, int(sys.argv[2]) + 1)])
db.commit()
EOF
start_cs "$WORK/tp.db" --max-message-rate 0
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/idtags" -H "Authorization: Bearer $TOKEN" \
    -d '{"idTag":"SIM-TAG-1","status":"Accepted"}' >/dev/null
say "6. throughput: $TP_N chargers, StartTransaction + 3 MeterValues + StopTransaction, back to back"
tx_calls() {
    local m
    m=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/metrics" || true)
    echo "$m" | awk '/^ocpp_calls_total\{direction="received",action="(StartTransaction|MeterValues|StopTransaction)",result="ok"\}/ {s += $2} END {print s + 0}'
}
start_sim tp --chargers "$TP_N" --id-prefix TP --ramp 2000 --mode throughput --action transactions --threads 1 \
    --sessions-per-hour 0 --duration 25
sleep 8
C0=$(tx_calls)
T0=$(date +%s.%N)
sleep 12
C1=$(tx_calls)
T1=$(date +%s.%N)
RATE=$(awk -v a="$C0" -v b="$C1" -v s="$T0" -v e="$T1" 'BEGIN {printf "%.0f", (b - a) / (e - s)}')
wait "$SIM_PID" 2>/dev/null || true
forget_pid "$SIM_PID"
read -r P50 P99 MAXMS ANSWERED <<<"$(python3 - "$WORK/sim.tp.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["all_actions"]["latency_ms"]
print(f'{l["p50"]:.1f} {l["p99"]:.1f} {l["max"]:.1f} {r["all_actions"]["ok"]}')
EOF
)"
STORED=$(python3 - "$WORK/tp.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
t = db.execute("SELECT count(*), count(stop_ts) FROM transactions").fetchone()
m = db.execute("SELECT count(*) FROM meter_values").fetchone()[0]
print(f"{t[0]} transactions ({t[1]} stopped), {m} meter samples")
EOF
)
row "throughput: Start/MeterValues/Stop calls answered per second (validated, committed before the answer), $TP_N chargers" "$RATE" "≥ 5,000" "$(verdict "$RATE" 5000 ge)"
row "… latency seen by the chargers, p50 / p99 / max (whole run, $ANSWERED calls answered)" "$P50 / $P99 / $MAXMS ms" "p99 < 50 ms" "$(verdict "$P99" 50 le)"
row "… stored in the database at the end" "$STORED" "" ""
COMMITS=$(metric ocpp_store_commits_total)
ALL_TX=$(tx_calls)
row "… store batches committed / transaction messages per batch (group commit)" "${COMMITS%.*} / $(awk -v t="$ALL_TX" -v c="$COMMITS" 'BEGIN {printf "%.1f", t / (c > 0 ? c : 1)}')" "" ""
stop_pid "$CS_PID"

echo "| measurement | value | target | |"
echo "|---|---|---|---|"
cat "$ROWS"
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); run took $(($(date +%s) - START)) s"
