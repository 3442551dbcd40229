#!/usr/bin/env bash
# The central system on every core: the real ocpp-centralsystem (SQLite, strict validation, chargers registered on
# their first boot) under ocpp-simulator's closed-loop Heartbeats (the next CALL as soon as the answer arrives) from
# TH_CHARGERS chargers (default 1000), with --threads 1 and --threads TH_THREADS (default: the number of cores), in
# alternating rounds (TH_ROUNDS, default 3) so that other load hits both alike; in the same run the raw TCP
# request/response baseline of loopback_bench (1,000 connections, same message sizes) and the same simulator load
# against a strict ocpp-rpc central system on Node (bench/node_cs.js, when node and ocpp-rpc are installed).
# Rates are Heartbeats answered per second over a TH_WINDOW-second window (default 8) after TH_WARMUP seconds
# (default 4), counted by the central system itself (/metrics, Node's own counter); CPU is the central system's, and
# the simulator's beside it (the load generator shares the cores: what it spends per message bounds every rate here).
#
#   bash bench/threads.sh [BUILD_DIR]        (default: build)
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/threads.sh TH_KEEP "${1:-}" ocpp-centralsystem ocpp-simulator loopback_bench
N=${TH_CHARGERS:-1000}
THREADS=${TH_THREADS:-$(nproc)}
ROUNDS=${TH_ROUNDS:-3}
WARMUP=${TH_WARMUP:-4}
WINDOW=${TH_WINDOW:-8}
SIM_THREADS=${TH_SIM_THREADS:-1}
TOKEN=bench-token-0123456789abcdef
RESULTS=$WORK/results.txt
: >"$RESULTS"

say() { echo "threads: $*" >&2; }
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"; }
heartbeats() {
    { curl -s --max-time 2 "http://127.0.0.1:$PORT/metrics" || true; } |
        awk '$1 == "ocpp_calls_total{direction=\"received\",action=\"Heartbeat\",result=\"ok\"}" {print $2; f = 1} END {if (!f) print 0}'
}

start_sim() {
    "$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$PORT/ocpp" --chargers "$N" --ramp 2000 --mode throughput \
        --action Heartbeat --threads "$SIM_THREADS" --duration $((WARMUP + WINDOW + 3)) \
        --report "$WORK/sim.$1.json" >"$WORK/sim.$1.out" 2>&1 &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
}

# One round of our central system with --threads $1: prints "rate cpu_us_per_heartbeat".
ours() {
    local threads=$1 tag=cs$1.$2 h0 h1 c0 c1 t0 t1 s0 s1
    PORT=$(free_port)
    rm -f "$WORK/$tag.db"*
    start_central_system "$PORT" "$WORK/$tag.db" "$WORK/$tag.log" --auto-register --max-message-rate 0 \
        --heartbeat-interval 86400 --threads "$threads"
    start_sim "$tag"
    sleep "$WARMUP"
    h0=$(heartbeats) c0=$(cpu_us "$CS_PID") s0=$(cpu_us "$SIM_PID") t0=$(date +%s.%N)
    sleep "$WINDOW"
    h1=$(heartbeats) c1=$(cpu_us "$CS_PID") s1=$(cpu_us "$SIM_PID") t1=$(date +%s.%N)
    stop_pid "$SIM_PID"
    stop_pid "$CS_PID"
    awk -v a="$h0" -v b="$h1" -v c="$c0" -v d="$c1" -v s="$t0" -v e="$t1" -v f="$s0" -v g="$s1" \
        'BEGIN {n = b - a; printf "%.0f %.1f %.1f\n", n / (e - s), (n > 0 ? (d - c) / n : 0), (n > 0 ? (g - f) / n : 0)}'
}

node_round() {
    local tag=node.$1 l0 l1
    PORT=$(free_port)
    node "$ROOT/bench/node_cs.js" "$PORT" >"$WORK/$tag.out" 2>&1 &
    local node_pid=$!
    PIDS+=("$node_pid")
    sleep 1
    start_sim "$tag"
    sleep "$WARMUP"
    l0=$(tail -1 "$WORK/$tag.out")
    sleep "$WINDOW"
    l1=$(tail -1 "$WORK/$tag.out")
    stop_pid "$SIM_PID"
    stop_pid "$node_pid"
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(round((b["heartbeats"]-a["heartbeats"])*1000/(b["t"]-a["t"])))' "$l0" "$l1"
}

have_node=0
if command -v node >/dev/null && [[ -d $ROOT/tests/interop/node_modules/ocpp-rpc ]]; then
    have_node=1
    export NODE_PATH=$ROOT/tests/interop/node_modules
fi
say "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= ROUNDS; round++)); do
    say "round $round: --threads 1"
    echo "one $round $(ours 1 "$round")" >>"$RESULTS"
    say "round $round: --threads $THREADS"
    echo "many $round $(ours "$THREADS" "$round")" >>"$RESULTS"
    say "round $round: loopback_bench raw TCP baseline"
    "$BIN/loopback_bench" --benchmark_out="$WORK/loop.$round.json" --benchmark_out_format=json >/dev/null 2>&1
    echo "raw $round $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["benchmarks"][0]["raw_rt/s"]))' "$WORK/loop.$round.json")" >>"$RESULTS"
    if [[ $have_node == 1 ]]; then
        say "round $round: ocpp-rpc central system on Node"
        echo "node $round $(node_round "$round")" >>"$RESULTS"
    fi
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "$THREADS" "$N" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    kind, rnd, *vals = line.split()
    rows.setdefault(kind, []).append([float(v) for v in vals])
threads, n = sys.argv[2], sys.argv[3]
def col(kind, i=0):
    return [r[i] for r in rows.get(kind, [])]
one, many, raw, node = col("one"), col("many"), col("raw"), col("node")
print(f"| measurement ({n} chargers, closed-loop Heartbeats) | per round | median |")
print("|---|---|---|")
def line(name, vals, fmt="{:,.0f}"):
    if vals:
        print(f"| {name} | {' / '.join(fmt.format(v) for v in vals)} | {fmt.format(statistics.median(vals))} |")
line("central system --threads 1 (Heartbeats/s)", one)
line(f"central system --threads {threads} (Heartbeats/s)", many)
line("… CPU of the central system per Heartbeat, --threads 1 (µs)", col("one", 1), "{:.1f}")
line(f"… CPU of the central system per Heartbeat, --threads {threads} (µs)", col("many", 1), "{:.1f}")
line("… CPU of the simulator (the load) per Heartbeat, --threads 1 (µs)", col("one", 2), "{:.1f}")
line("raw TCP request/response, loopback_bench (round trips/s)", raw)
line("ocpp-rpc central system on Node, strict (Heartbeats/s)", node)
ratio = lambda a, b: [x / y for x, y in zip(a, b) if y]
line(f"--threads {threads} ÷ --threads 1", ratio(many, one), "{:.2f}×")
line(f"--threads {threads} ÷ raw TCP", ratio(many, raw), "{:.2f}")
line("--threads 1 ÷ raw TCP", ratio(one, raw), "{:.2f}")
line("--threads 1 ÷ Node", ratio(one, node), "{:.2f}×")
line(f"--threads {threads} ÷ Node", ratio(many, node), "{:.2f}×")
PY
