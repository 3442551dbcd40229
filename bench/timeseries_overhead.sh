#!/usr/bin/env bash
# What the per-second time series costs the simulator: ocpp-simulator --mode throughput against ocpp-bench-cs,
# rounds alternating --timeseries off and on (same chargers, same duration, one event loop each), answered calls per
# second from each run's JSON report, and the ratio on/off. Then the bounds of an hour-long series of 10,000
# chargers by a synthetic fill (simulator_report_tests' Series.AnHourOfTenThousandChargersFitsItsBounds): a real hour
# is too long for a benchmark run.
#
#   bench/timeseries_overhead.sh [BUILD_DIR]      (default build/; TS_ROUNDS=3 TS_SECONDS=15 TS_CHARGERS=200)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/timeseries_overhead.sh TS_KEEP "${1:-}" ocpp-bench-cs ocpp-simulator
ROUNDS=${TS_ROUNDS:-3}
SECONDS_PER_RUN=${TS_SECONDS:-15}
CHARGERS=${TS_CHARGERS:-200}
say() { echo "timeseries_overhead: $*" >&2; }

say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN/ocpp-bench-cs" --listen 127.0.0.1:0 --threads 1 --interval 86400 >"$WORK/cs.out" 2>"$WORK/cs.err" &
CS_PID=$!
PIDS+=("$CS_PID")
for ((i = 0; i < 100; i++)); do
    grep -Eq '^[0-9]+$' "$WORK/cs.out" 2>/dev/null && break
    sleep 0.05
done
PORT=$(head -1 "$WORK/cs.out")

for ((round = 1; round <= ROUNDS; round++)); do
    for mode in off on; do
        say "round $round, --timeseries $mode: $CHARGERS chargers for $SECONDS_PER_RUN s"
        "$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$PORT/ocpp" --chargers "$CHARGERS" --ramp 2000 \
            --threads 1 --mode throughput --action Heartbeat --duration "$SECONDS_PER_RUN" --timeseries "$mode" \
            --id-prefix "TS$round$mode" --report "$WORK/$mode.$round.json" >"$WORK/$mode.$round.out" 2>&1 &
        SIM_PID=$!
        PIDS+=("$SIM_PID")
        wait "$SIM_PID" || say "the simulator exited with $?; see $WORK/$mode.$round.out"
        forget_pid "$SIM_PID"
    done
done

python3 - "$WORK" "$ROUNDS" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
rate = {"off": [], "on": []}
for r in range(1, rounds + 1):
    for mode in rate:
        rep = json.load(open(f"{work}/{mode}.{r}.json"))
        rate[mode].append(rep["all_actions"]["ok"] / rep["duration_s"])
for mode, values in rate.items():
    print(f"--timeseries {mode:3}: " + ", ".join(f"{v:,.0f}" for v in values) + f" calls/s; mean {sum(values)/len(values):,.0f}")
off, on = sum(rate["off"]) / rounds, sum(rate["on"]) / rounds
print(f"ratio on/off: {on / off:.3f} ({(on / off - 1) * 100:+.1f} %)")
PY

if [[ -x $BIN/simulator_report_tests ]]; then
    "$BIN/simulator_report_tests" --gtest_filter=Series.AnHourOfTenThousandChargersFitsItsBounds 2>&1 |
        grep -E '^hour of|OK|FAILED' || true
else
    say "$BIN/simulator_report_tests is missing: no memory and JSON figures for the hour"
fi
