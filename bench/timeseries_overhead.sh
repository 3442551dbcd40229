#!/usr/bin/env bash
# What the per-second time series costs the simulator: ocpp-simulator --mode throughput against ocpp-bench-cs,
# rounds of --timeseries off and on (which one goes first alternates; same chargers, same duration, one event loop
# each), answered calls per second and per CPU second from each run's JSON report, and the ratio on/off. Then the bounds of an hour-long series of 10,000
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
    order="off on"
    ((round % 2 == 0)) && order="on off" # alternate which goes first: the machine's load drifts
    for mode in $order; do
        say "round $round, --timeseries $mode: $CHARGERS chargers for $SECONDS_PER_RUN s"
        # Run through wait4 to get the simulator's CPU seconds: calls per CPU second are far less sensitive to
        # other programs on a shared machine than calls per wall-clock second.
        python3 -c 'import os, sys, resource
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
open(sys.argv[1], "w").write(f"{ru.ru_utime + ru.ru_stime}\n")
sys.exit(os.waitstatus_to_exitcode(status))' "$WORK/$mode.$round.cpu" "$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$PORT/ocpp" --chargers "$CHARGERS" --ramp 2000 \
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
per_cpu = {"off": [], "on": []}
for r in range(1, rounds + 1):
    for mode in rate:
        rep = json.load(open(f"{work}/{mode}.{r}.json"))
        cpu = float(open(f"{work}/{mode}.{r}.cpu").read())
        rate[mode].append(rep["all_actions"]["ok"] / rep["duration_s"])
        per_cpu[mode].append(rep["all_actions"]["ok"] / cpu)
mean = lambda v: sum(v) / len(v)
for mode in rate:
    print(f"--timeseries {mode:3}: " + ", ".join(f"{v:,.0f}" for v in rate[mode]) +
          f" calls/s (mean {mean(rate[mode]):,.0f}); " + ", ".join(f"{v:,.0f}" for v in per_cpu[mode]) +
          f" calls per CPU second (mean {mean(per_cpu[mode]):,.0f})")
for name, d in (("calls/s", rate), ("calls per CPU second", per_cpu)):
    ratio = mean(d["on"]) / mean(d["off"])
    print(f"ratio on/off, {name}: {ratio:.3f} ({(ratio - 1) * 100:+.1f} %)")
PY

if [[ -x $BIN/simulator_report_tests ]]; then
    "$BIN/simulator_report_tests" --gtest_filter=Series.AnHourOfTenThousandChargersFitsItsBounds 2>&1 |
        grep -E '^hour of|OK|FAILED' || true
else
    say "$BIN/simulator_report_tests is missing: no memory and JSON figures for the hour"
fi
