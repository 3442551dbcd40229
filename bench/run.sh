#!/usr/bin/env bash
# The load benchmark: runs every measurement against a Release build that already exists (make bench builds it into
# build/) and prints a Markdown table. Builds nothing. Every ratio is measured against a baseline in the same
# process or this same script; each measurement runs twice and the table shows both values and the better one.
#
#   bash bench/run.sh [BUILD_DIR]          (default: build)
#
# Environment: BENCH_REPEAT (default 2), BENCH_KEEP=1 keeps the work directory with every log and report.
# Only 127.0.0.1 is used. Every process started here is stopped by its PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/run.sh BENCH_KEEP "${1:-}" codec_bench password_bench loopback_bench ocpp-bench-cs \
    ocpp-bench-idle-clients ocpp-simulator
REPEAT=${BENCH_REPEAT:-2}
NODE_LOADGEN=$ROOT/bench/node_loadgen.js

# Sizes and durations (whole run: about 5 minutes on 2 cores).
IDLE_WARMUP=100       # connections opened before the first RSS reading
IDLE_CONNECTIONS=5000 # idle connections measured
FLEET=10000           # chargers for the scale, ramp and memory test
FLEET_BASE=100        # chargers of the baseline simulator run
RAMP=5000             # --ramp of the simulator (connections per second)
TP_CONNECTIONS=200    # connections of both load generators
TP_WARMUP=3           # seconds before the counting window opens
TP_WINDOW=10          # seconds counted

say() { echo "bench: $*" >&2; }
RESULTS=$WORK/results.txt
: >"$RESULTS"
result() { echo "$*" >>"$RESULTS"; } # key run value

# Starts a background process, remembers its PID in $LAST_PID and PIDS.
spawn() {
    local out=$1
    shift
    "$@" >"$out" 2>"$out.err" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# Runs a program to its end, in the background so that Ctrl-C reaches the trap at once (bash runs traps only
# between commands, and `wait` is interruptible); a failure ends the script.
run_wait() {
    spawn "$@"
    local pid=$LAST_PID rc=0
    wait "$pid" || rc=$?
    forget_pid "$pid"
    if ((rc != 0)); then
        say "$2 failed with status $rc; see $1.err"
        exit 1
    fi
}

# Waits until FILE has a line matching REGEX (extended), at most SECONDS; fails otherwise.
wait_line() {
    local file=$1 regex=$2 seconds=$3 i
    for ((i = 0; i < seconds * 20; i++)); do
        if grep -Eq "$regex" "$file" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    say "timed out after ${seconds}s waiting for /$regex/ in $file"
    return 1
}

# Starts ocpp-bench-cs with the given options; sets CS_PID, CS_PORT, CS_OUT.
start_cs() {
    CS_OUT=$WORK/cs.$RANDOM.out
    spawn "$CS_OUT" "$BIN/ocpp-bench-cs" --listen 127.0.0.1:0 "$@"
    CS_PID=$LAST_PID
    wait_line "$CS_OUT" '^[0-9]+$' 10
    CS_PORT=$(head -1 "$CS_OUT")
}

rss_anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# "SECONDS CALLS" of the last stats line of the central system.
cs_sample() { grep '^stats ' "$CS_OUT" | tail -1 | sed -E 's/^stats t=([0-9.]+) calls=([0-9]+).*/\1 \2/'; }

# Runs the Google Benchmark binary bench/<NAME>_bench for run RUN (CPU time per operation) and appends to the results
# what the Python lines on stdin print from its JSON output: there `t` maps each benchmark's name to its CPU time in
# UNIT (ns, us or ms) and `run` is the run's number.
micro() {
    local name=$1 run=$2 unit=$3 json=$WORK/$1.$2.json body
    body=$(cat)
    say "${name}_bench, run $run"
    run_wait "$WORK/$name.$run.out" "$BIN/${name}_bench" --benchmark_min_time=0.5 --benchmark_out="$json" \
        --benchmark_out_format=json
    python3 -c 'import json, sys
scale = {"ns": 1, "us": 1e3, "ms": 1e6}
t = {b["name"]: b["cpu_time"] * scale[b["time_unit"]] / scale[sys.argv[3]]
     for b in json.load(open(sys.argv[1]))["benchmarks"]}
run = sys.argv[2]
'"$body" "$json" "$run" "$unit" >>"$RESULTS"
}

# ---- 1. Codec micro benchmarks (CPU time per operation, and the parse-only baseline of the same run).
codec() {
    micro codec "$1" us <<'EOF'
print(f"codec_boot_receive_us {run} {t['BM_Receive_BootNotification']:.3f}")
print(f"codec_parse_only_us {run} {t['BM_Baseline_ParseOnly_BootNotification']:.3f}")
print(f"codec_boot_vs_parse {run} {t['BM_Receive_BootNotification'] / t['BM_Baseline_ParseOnly_BootNotification']:.2f}")
print(f"codec_boot_result_us {run} {t['BM_Serialize_BootNotificationConf']:.3f}")
print(f"codec_meter10_receive_us {run} {t['BM_Receive_MeterValues10']:.3f}")
EOF
}

# ---- 1b. PBKDF2 as a charger's first password check in a process derives it (store::pbkdf2_sha256 at the product's
# iteration count), beside OpenSSL's PKCS5_PBKDF2_HMAC with the same inputs (the baseline, same run).
password() {
    micro password "$1" ms <<'EOF'
print(f"pbkdf2_ms {run} {t['BM_Pbkdf2Ours']:.3f}")
print(f"pbkdf2_vs_openssl {run} {t['BM_Pbkdf2Ours'] / t['BM_Pbkdf2OpenSslBaseline']:.2f}")
EOF
}

# ---- 2. Loopback round trips: our Server + Client vs raw Asio TCP, 1,000 connections, one process.
loopback() {
    local run=$1 json=$WORK/loopback.$1.json
    say "loopback_bench (1,000 connections: OCPP, WebSocket only, raw TCP), run $run"
    run_wait "$WORK/loopback.$run.out" "$BIN/loopback_bench" --benchmark_out="$json" --benchmark_out_format=json
    python3 - "$json" "$run" >>"$RESULTS" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
run = sys.argv[2]
print(f"loop_ocpp {run} {b['ocpp_rt/s']:.0f}")
print(f"loop_raw {run} {b['raw_rt/s']:.0f}")
print(f"loop_ratio {run} {b['ocpp/raw']:.3f}")
print(f"loop_cpu_ratio {run} {b['cpu_ocpp/raw']:.3f}")
print(f"loop_ws {run} {b['ws_rt/s']:.0f}")
print(f"loop_ws_ratio {run} {b['ws/raw']:.3f}")
print(f"loop_failed {run} {b['failed']:.0f}")
print(f"loop_bytes {run} {b['req_B']:.0f}/{b['resp_B']:.0f}")
EOF
}

# ---- 3. Server memory per idle plain connection: ocpp-bench-cs in its own process, with a Peer per connection
# (what a central system holds) and, as a second figure, with bare sessions (the Server alone).
idle_memory() {
    local run=$1 no_peer=$2 key=$3
    say "server memory per idle connection ($IDLE_CONNECTIONS, --no-peer $no_peer), run $run"
    start_cs --no-peer "$no_peer"
    local url=ws://127.0.0.1:$CS_PORT/ocpp
    spawn "$WORK/idle-warm.$run.out" "$BIN/ocpp-bench-idle-clients" --url "$url" --connections "$IDLE_WARMUP"
    local warm=$LAST_PID
    wait_line "$WORK/idle-warm.$run.out" '^open' 30
    sleep 1
    local before after
    before=$(rss_anon_kib "$CS_PID")
    spawn "$WORK/idle.$run.out" "$BIN/ocpp-bench-idle-clients" --url "$url" --connections "$IDLE_CONNECTIONS"
    local idle=$LAST_PID
    wait_line "$WORK/idle.$run.out" '^open' 60
    sleep 2
    after=$(rss_anon_kib "$CS_PID")
    local opened
    opened=$(awk '/^open/ {print $2}' "$WORK/idle.$run.out")
    result "${key}_opened" "$run" "$opened"
    result "$key" "$run" "$(awk -v a="$after" -v b="$before" -v n="$opened" 'BEGIN {printf "%.2f", (a - b) / n}')"
    result idle_client_kib "$run" "$(awk -v a="$(rss_anon_kib "$idle")" -v n="$opened" 'BEGIN {printf "%.2f", a / n}')"
    stop_pid "$idle"
    stop_pid "$warm"
    stop_pid "$CS_PID"
}

# Runs the simulator (realistic mode, no sessions, heartbeats a day apart) with N chargers until the central
# system answered N boots; sets SIM_RSS (RssAnon KiB once all booted), SIM_BOOT_S, SIM_REPORT.
fleet_run() {
    local n=$1 tag=$2
    start_cs --interval 86400 --boots "$n" --stats-ms 1000 --threads 2
    SIM_REPORT=$WORK/sim.$tag.json
    spawn "$WORK/sim.$tag.out" "$BIN/ocpp-simulator" run --url "ws://127.0.0.1:$CS_PORT/ocpp" --chargers "$n" \
        --ramp "$RAMP" --sessions-per-hour 0 --duration 60 --report "$SIM_REPORT"
    local sim=$LAST_PID
    wait_line "$CS_OUT" '^boots ' 60
    SIM_BOOT_S=$(awk '/^boots / {print $4}' "$CS_OUT")
    sleep 2 # the StatusNotifications that follow each boot
    SIM_RSS=$(rss_anon_kib "$sim")
    kill -TERM "$sim" # the simulator stops gracefully and writes its report
    wait_line "$SIM_REPORT" 'thresholds' 30 || true
    stop_pid "$sim"
    stop_pid "$CS_PID"
}

# ---- 4. The simulator at scale: 10,000 chargers, the ramp, and its memory per charger against a small fleet.
fleet() {
    local run=$1
    say "simulator: $FLEET_BASE chargers (memory baseline), run $run"
    fleet_run "$FLEET_BASE" "base.$run"
    local base_rss=$SIM_RSS
    say "simulator: $FLEET chargers at --ramp $RAMP, run $run"
    fleet_run "$FLEET" "fleet.$run"
    result fleet_boot_s "$run" "$SIM_BOOT_S"
    result fleet_ramp "$run" "$(awk -v n="$FLEET" -v s="$SIM_BOOT_S" 'BEGIN {printf "%.0f", n / s}')"
    result fleet_kib "$run" "$(awk -v a="$SIM_RSS" -v b="$base_rss" -v n="$((FLEET - FLEET_BASE))" \
        'BEGIN {printf "%.2f", (a - b) / n}')"
    python3 - "$SIM_REPORT" "$run" >>"$RESULTS" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
run = sys.argv[2]
print(f"fleet_opened {run} {r['connections']['opened']}")
print(f"fleet_booted {run} {r['boots']['accepted']}")
print(f"fleet_conn_errors {run} {sum(r['connections']['errors'].values())}")
EOF
}

# Counts the central system's answered calls over the window while a load generator runs; prints calls/s.
window_rate() {
    sleep "$TP_WARMUP"
    local s0 s1
    s0=$(cs_sample)
    sleep "$TP_WINDOW"
    s1=$(cs_sample)
    awk -v a="$s0" -v b="$s1" 'BEGIN {split(a, x, " "); split(b, y, " "); printf "%.0f", (y[2] - x[2]) / (y[1] - x[1])}'
}

# ---- 5. Throughput: our simulator vs an ocpp-rpc load generator on Node, same central system and connections.
throughput() {
    local run=$1 duration=$((TP_WARMUP + TP_WINDOW + 2))
    start_cs --interval 86400 --stats-ms 250
    local url=ws://127.0.0.1:$CS_PORT/ocpp
    say "throughput: ocpp-simulator --mode throughput, $TP_CONNECTIONS connections, run $run"
    spawn "$WORK/tp-sim.$run.out" "$BIN/ocpp-simulator" run --url "$url" --chargers "$TP_CONNECTIONS" --ramp "$RAMP" \
        --mode throughput --action Heartbeat --threads 1 --duration "$duration" --report "$WORK/tp-sim.$run.json"
    local sim=$LAST_PID
    result tp_sim "$run" "$(window_rate)"
    wait "$sim" 2>/dev/null || true
    stop_pid "$sim"
    if command -v node >/dev/null && [[ -d $ROOT/tests/interop/node_modules/ocpp-rpc ]]; then
        say "throughput: node_loadgen.js (ocpp-rpc, strictMode), $TP_CONNECTIONS connections, run $run"
        spawn "$WORK/tp-node.$run.out" node "$NODE_LOADGEN" --url "$url" --clients "$TP_CONNECTIONS" \
            --warmup "$TP_WARMUP" --duration "$TP_WINDOW"
        local nodepid=$LAST_PID
        result tp_node "$run" "$(window_rate)"
        wait "$nodepid" 2>/dev/null || true
        stop_pid "$nodepid"
        result tp_node_own "$run" "$(sed -E 's/.*"calls_per_s":([0-9]+).*/\1/' "$WORK/tp-node.$run.out")"
    else
        say "throughput: node or tests/interop/node_modules/ocpp-rpc missing (make setup installs them); skipped"
    fi
    stop_pid "$CS_PID"
}

say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
for ((run = 1; run <= REPEAT; run++)); do
    codec "$run"
    password "$run"
    loopback "$run"
    idle_memory "$run" 0 idle_kib
    idle_memory "$run" 1 idle_server_kib
    fleet "$run"
    throughput "$run"
done
result load_end 0 "$(cut -d' ' -f1-3 /proc/loadavg)"
result elapsed 0 "$(($(date +%s) - START))"

# ---- The central system under load (its own table).
if [[ -x $BIN/ocpp-centralsystem ]]; then
    say "central system: boot storms, hold, throughput with persistence (bench/centralsystem.sh)"
    bash "$ROOT/bench/centralsystem.sh" "$BUILD" >"$WORK/centralsystem.md"
fi
if [[ -x $BIN/ocpp-centralsystem && -x $BIN/ocpp-bench-handshake-storm ]]; then
    say "central system: wrong-password guesses for one ID while other chargers connect (bench/handshake_attack.sh)"
    bash "$ROOT/bench/handshake_attack.sh" "$BUILD" >"$WORK/handshake.md"
fi

# ---- The table.
python3 - "$RESULTS" <<'EOF'
import collections, sys
vals = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    key, run, value = line.split(" ", 2)
    vals[key][run] = value.strip()

def runs(key):
    return [float(vals[key][r]) for r in sorted(vals.get(key, {}))]

rows = []
def row(name, key, target, better, fmt, met_fn):
    v = runs(key)
    if not v:
        rows.append((name, "not measured", "", target, "not measured"))
        return
    best = max(v) if better == "high" else min(v)
    status = "" if not target else "met" if met_fn(best) else "NOT met"
    rows.append((name, " / ".join(fmt(x) for x in v), fmt(best), target, status))

us = lambda x: f"{x:.3f} µs"
num = lambda x: f"{x:,.0f}"
kib = lambda x: f"{x:.1f} KiB"
ratio = lambda x: f"{x:.2f}"
row("parse + validate + convert BootNotification CALL (CPU time)", "codec_boot_receive_us", "≤ 3 µs", "low", us, lambda b: b <= 3)
row("… relative to RapidJSON parse alone (same run)", "codec_boot_vs_parse", "", "low", lambda x: f"{x:.2f}×", lambda b: True)
row("serialize BootNotification CALLRESULT (CPU time)", "codec_boot_result_us", "≤ 0.5 µs", "low", us, lambda b: b <= 0.5)
row("PBKDF2 of a first password check, 10,000 iterations (CPU time)", "pbkdf2_ms", "", "low", lambda x: f"{x:.3f} ms", lambda b: True)
row("… relative to OpenSSL's PKCS5_PBKDF2_HMAC (same run)", "pbkdf2_vs_openssl", "", "low", lambda x: f"{x:.2f}×", lambda b: True)
row("loopback OCPP CALL→CALLRESULT, 1,000 connections (round trips/s)", "loop_ocpp", "", "high", num, lambda b: True)
row("loopback raw TCP baseline, same sizes and threads (round trips/s)", "loop_raw", "", "high", num, lambda b: True)
row("loopback ratio OCPP / raw TCP", "loop_ratio", "≥ 0.50", "high", ratio, lambda b: b >= 0.5)
row("… the same ratio per CPU second of the process (less sensitive to other load)", "loop_cpu_ratio", "", "high", ratio, lambda b: True)
row("… our Server + Client without Peer (fixed texts echoed) / raw TCP", "loop_ws_ratio", "", "high", ratio, lambda b: True)
row("server memory per idle plain connection, Server + Peer (RssAnon delta / connections)", "idle_kib", "≤ 16 KiB", "low", kib, lambda b: b <= 16)
row("… the Server's sessions alone, no Peer", "idle_server_kib", "", "low", kib, lambda b: True)
row("chargers connected and booted by one simulator process", "fleet_booted", "10,000", "high", num, lambda b: b >= 10000)
row("ramp: connections + boots per second (10,000 chargers)", "fleet_ramp", "≥ 2,000/s", "high", num, lambda b: b >= 2000)
row("simulator memory per charger (RssAnon 10,000 − 100, divided)", "fleet_kib", "≤ 32 KiB", "low", kib, lambda b: b <= 32)
row("throughput: ocpp-simulator, 200 connections (calls/s at the CS)", "tp_sim", "", "high", num, lambda b: True)
row("throughput: ocpp-rpc on Node, 200 connections (calls/s at the CS)", "tp_node", "", "high", num, lambda b: True)
sim, node = runs("tp_sim"), runs("tp_node")
if sim and node and all(n > 0 for n in node):
    ratios = [s / n for s, n in zip(sim, node)]
    rows.append(("throughput ratio simulator / Node", " / ".join(f"{r:.2f}×" for r in ratios), f"{max(ratios):.2f}×",
                 "≥ 3×", "met" if max(ratios) >= 3 else "NOT met"))

print("| measurement | runs | reported | target | |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
extra = []
if "loop_bytes" in vals:
    extra.append("loopback frame sizes (request/response bytes): " + ", ".join(sorted(set(vals["loop_bytes"].values()))))
if "loop_failed" in vals:
    extra.append("loopback failed round trips: " + " / ".join(vals["loop_failed"][r] for r in sorted(vals["loop_failed"])))
if "idle_client_kib" in vals:
    extra.append("idle client process (our Client), RssAnon per connection: " +
                 " / ".join(vals["idle_client_kib"][r] + " KiB" for r in sorted(vals["idle_client_kib"])))
for key, what in (("idle_kib_opened", "idle connections opened in the Server + Peer measurement"),
                  ("fleet_boot_s", "10,000 boots took (first connection to last boot answered, s)"),
                  ("fleet_opened", "connections opened (simulator report)"),
                  ("fleet_conn_errors", "connection errors (simulator report)"),
                  ("tp_node_own", "Node generator's own count (calls/s)")):
    if key in vals:
        extra.append(what + ": " + " / ".join(vals[key][r] for r in sorted(vals[key])))
extra.append("load average at the end: " + vals["load_end"]["0"] + "; run took " + vals["elapsed"]["0"] + " s")
print()
for e in extra:
    print("- " + e)
EOF
if [[ -s $WORK/centralsystem.md ]]; then
    echo
    echo "Central system (bench/centralsystem.sh):"
    echo
    cat "$WORK/centralsystem.md"
fi
if [[ -s $WORK/handshake.md ]]; then
    echo
    echo "The handshake under attack (bench/handshake_attack.sh):"
    echo
    cat "$WORK/handshake.md"
fi
