#!/usr/bin/env bash
# The TLS connection storm: N simulated chargers connect to the real central system over wss:// (an ECDSA P-256
# server certificate from a throwaway CA made here with openssl) at a high connect rate, beside the same run over
# plain ws:// as the baseline. Builds nothing; prints a Markdown table.
#
#   bash bench/tls_storm.sh [BUILD_DIR]        (default: build)
#
# Environment: TLS_CHARGERS (default 2000), TLS_RAMP (new connections per second asked of the simulator, default
# 20000), TLS_IN_FLIGHT (handshakes outstanding at once, default 250: more only queue behind the CPU and risk the
# central system's 10 s open-handshake timeout on a busy machine), TLS_KEEP=1 keeps the work directory, TLS_PERF=1
# records where each side's CPU goes during each storm (`perf record`, Debian's linux-perf) and prints the top
# shared objects and symbols of the central system and of the simulator after the table; TLS_CS_OPTIONS adds
# options to the central system's command line (e.g. "--threads 1").
# Per run it measures: chargers connected and booted per second (N divided by the seconds from the simulator's start
# until the central system counted N accepted BootNotifications), the simulator's connection errors by cause
# (handshake timeouts among them; 0 wanted), and the central system's anonymous RSS after the storm and 5 s of
# quiet minus before it, divided by N (memory per connection; target for TLS: at most 64 KiB).
# Beside the storms, the floor: `ocpp-bench-tls-floor` does the same handshake (TLS 1.3, the same certificates, the
# client verifying the chain) between OpenSSL's client and server in one process through memory, with nothing else;
# the table sets what each program's TLS charger costs over its plain one against what OpenSSL alone needs.
# Every process started here is stopped by its PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/tls_storm.sh TLS_KEEP "${1:-}" ocpp-centralsystem ocpp-simulator ocpp-bench-tls-floor
N=${TLS_CHARGERS:-2000}
RAMP=${TLS_RAMP:-20000}
IN_FLIGHT=${TLS_IN_FLIGHT:-250}
TOKEN=bench-token-0123456789abcdef

say() { echo "tls_storm: $*" >&2; }
ROWS=$WORK/rows.md
: >"$ROWS"
row() { echo "| $1 | $2 | $3 | $4 |" >>"$ROWS"; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {if (v == "-") print "NOT met"; else if ((op == "le" && v <= t) || (op == "ge" && v >= t)) print "met"; else print "NOT met"}'; }
rss_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }
# CPU time (user + system) a process has used so far, in microseconds.
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"; }

# The throwaway PKI: a P-256 root and a P-256 server certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.pem" \
    -subj "/O=Bench/CN=Bench Root" -days 2 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/server.key" \
    -out "$WORK/server.csr" -subj "/O=Bench/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$WORK/server.ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
    -extfile "$WORK/server.ext" -out "$WORK/server.pem" 2>/dev/null

SCHEME=http
PORT=0
CURL_OPTS=()
metric() { { curl -s "${CURL_OPTS[@]}" --max-time 2 "$SCHEME://127.0.0.1:$PORT/metrics" || true; } | awk -v k="$1" '$1 == k {print $2; f = 1} END {if (!f) print 0}'; }
boots() { metric 'ocpp_calls_total{direction="received",action="BootNotification",result="ok"}'; }

start_cs() { # args: log, extra options...
    local log=$1 i
    shift
    PORT=$(free_port)
    "$BIN/ocpp-centralsystem" --listen "127.0.0.1:$PORT" --db "sqlite:$WORK/cs.$PORT.db" --api-token "$TOKEN" \
        --log-level warn --auto-register --heartbeat-interval 300 ${TLS_CS_OPTIONS:-} "$@" >>"$log" 2>&1 &
    CS_PID=$!
    PIDS+=("$CS_PID")
    for ((i = 0; i < 100; i++)); do
        curl -sf "${CURL_OPTS[@]}" "$SCHEME://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    say "the central system did not come up; see $log"
    exit 1
}

# One storm: $1 = plain or tls.
storm() {
    local mode=$1 url base t0 now b secs rss per rate errs tls_opts=() cs_cpu0 cs_cpu sim_cpu refusals
    if [[ $mode == tls ]]; then
        SCHEME=https
        CURL_OPTS=(--cacert "$WORK/ca.pem")
        start_cs "$WORK/cs.$mode.log" --tls-cert "$WORK/server.pem" --tls-key "$WORK/server.key"
        url="wss://127.0.0.1:$PORT/ocpp"
        tls_opts=(--ca "$WORK/ca.pem")
    else
        SCHEME=http
        CURL_OPTS=()
        start_cs "$WORK/cs.$mode.log"
        url="ws://127.0.0.1:$PORT/ocpp"
    fi
    sleep 1
    base=$(rss_kib "$CS_PID")
    say "$mode: $N chargers to $url (ramp $RAMP/s, $IN_FLIGHT handshakes in flight)"
    cs_cpu0=$(cpu_us "$CS_PID")
    t0=$(date +%s.%N)
    "$BIN/ocpp-simulator" run --url "$url" "${tls_opts[@]}" --chargers "$N" --id-prefix "${mode^^}" \
        --ramp "$RAMP" --handshakes-in-flight "$IN_FLIGHT" --sessions-per-hour 0 --heartbeat-interval 300 \
        --threads 1 --duration 120 --report "$WORK/sim.$mode.json" >"$WORK/sim.$mode.log" 2>&1 &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
    local perf_pids=()
    if [[ ${TLS_PERF:-0} == 1 ]] && command -v perf >/dev/null; then
        for who in cs sim; do
            local target=$CS_PID
            [[ $who == sim ]] && target=$SIM_PID
            perf record -q -F 997 -g -p "$target" -o "$WORK/perf.$mode.$who.data" >/dev/null 2>&1 &
            perf_pids+=($!)
            PIDS+=($!)
        done
    fi
    secs=-
    while :; do
        b=$(boots)
        now=$(date +%s.%N)
        if ((${b%.*} >= N)); then
            secs=$(awk -v a="$t0" -v b="$now" 'BEGIN {printf "%.2f", b - a}')
            break
        fi
        if ! kill -0 "$SIM_PID" 2>/dev/null; then
            say "$mode: the simulator ended early; see $WORK/sim.$mode.log"
            break
        fi
        if awk -v a="$t0" -v b="$now" 'BEGIN {exit !(b - a > 60)}'; then
            say "$mode: only ${b%.*} of $N boots within 60 s"
            break
        fi
        sleep 0.05
    done
    local p
    for p in "${perf_pids[@]}"; do
        kill -INT "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
        forget_pid "$p"
    done
    # CPU per connection of both sides until the last boot: what the storm costs whatever else runs on the machine.
    cs_cpu=$(awk -v a="$(cpu_us "$CS_PID")" -v b="$cs_cpu0" -v n="$N" 'BEGIN {printf "%.0f", (a - b) / n}')
    sim_cpu=$(awk -v a="$(cpu_us "$SIM_PID")" -v n="$N" 'BEGIN {printf "%.0f", a / n}')
    sleep 5
    refusals=$({ curl -s "${CURL_OPTS[@]}" --max-time 5 "$SCHEME://127.0.0.1:$PORT/metrics" || true; } |
        awk '/^ocpp_handshake_refusals_total\{/ && $2 > 0 {sub(/^ocpp_handshake_refusals_total/, ""); printf "%s%s", sep, $0; sep = ", "}')
    rss=$(rss_kib "$CS_PID")
    per=$(awk -v a="$rss" -v b="$base" -v n="$N" 'BEGIN {printf "%.1f", (a - b) / n}')
    stop_pid "$SIM_PID"
    errs=$(python3 - "$WORK/sim.$mode.json" <<'PY'
import json, sys
try:
    e = json.load(open(sys.argv[1]))["connections"]["errors"]
except (OSError, ValueError, KeyError):
    e = {"no-report": 1}
# A handshake the central system gave up on (its 10 s open-handshake timeout) reaches the simulator as "other".
print(f'{sum(e.values())}|{json.dumps(e)}')
PY
)
    stop_pid "$CS_PID"
    if [[ $secs == - ]]; then rate=-; else rate=$(awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.0f", n / s}'); fi
    local target_rate="" target_mem="" timeouts=${errs%%|*}
    if [[ $mode == tls ]]; then
        row "wss:// storm: $N chargers connected and booted (s; chargers/s)" "$secs s; $rate/s" "≥ 1,000/s" "$(verdict "$rate" 1000 ge)"
        row "… failed handshakes, timeouts included (simulator by cause; central system refusals)" "$timeouts (${errs#*|}; ${refusals:-none})" "0" "$(verdict "$timeouts" 0 le)"
        row "… central system memory per TLS connection (RssAnon)" "$per KiB" "≤ 64 KiB" "$(verdict "$per" 64 le)"
        row "… CPU per TLS charger: central system; simulator" "$cs_cpu µs; $sim_cpu µs" "" ""
        row "… both on this machine's $(nproc) cores: 1e6 / (CPU of both per charger) × cores" "$(awk -v c="$cs_cpu" -v m="$sim_cpu" -v n="$(nproc)" 'BEGIN {printf "%.0f", 1e6 / (c + m) * n}')/s" "" ""
        TLS_CPU="$cs_cpu $sim_cpu"
        row "… central system alone on $(nproc) idle cores: 1e6 / CPU per charger × cores" "$(awk -v c="$cs_cpu" -v n="$(nproc)" 'BEGIN {printf "%.0f", 1e6 / c * n}')/s" "≥ 1,000/s" ""
    else
        row "ws:// baseline: $N chargers connected and booted (s; chargers/s)" "$secs s; $rate/s" "$target_rate" ""
        row "… failed handshakes, timeouts included (simulator by cause; central system refusals)" "$timeouts (${errs#*|}; ${refusals:-none})" "" ""
        row "… central system memory per plain connection (RssAnon)" "$per KiB" "$target_mem" ""
        row "… CPU per plain charger: central system; simulator" "$cs_cpu µs; $sim_cpu µs" "" ""
        PLAIN_CPU="$cs_cpu $sim_cpu"
    fi
}

say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The floor: OpenSSL's own TLS 1.3 handshake, both ends in this process, 2,000 times (µs of CPU per handshake).
FLOOR=$("$BIN/ocpp-bench-tls-floor" --cert "$WORK/server.pem" --key "$WORK/server.key" --ca "$WORK/ca.pem" \
    --count 2000 --version 1.3 | sed -n 's/.*client_us=\([0-9]*\) server_us=\([0-9]*\).*/\1 \2/p')
PLAIN_CPU="- -"
TLS_CPU="- -"
storm plain
storm tls
read -r floor_client floor_server <<<"$FLOOR"
read -r plain_cs plain_sim <<<"$PLAIN_CPU"
read -r tls_cs tls_sim <<<"$TLS_CPU"
row "OpenSSL alone (the floor): a TLS 1.3 handshake through memory, CPU of the server's side; the client's" "$floor_server µs; $floor_client µs" "" ""
if [[ $tls_cs != - && $plain_cs != - ]]; then
    row "… what a TLS charger costs over a plain one, central system; simulator" "$((tls_cs - plain_cs)) µs; $((tls_sim - plain_sim)) µs" "" ""
    row "… of which beyond OpenSSL's own handshake, central system; simulator" "$((tls_cs - plain_cs - floor_server)) µs; $((tls_sim - plain_sim - floor_client)) µs" "" ""
    row "… the most both programs could do on $(nproc) cores with nothing but the handshakes: 1e6 / floor × cores" "$(awk -v c="$floor_client" -v s="$floor_server" -v n="$(nproc)" 'BEGIN {printf "%.0f", 1e6 / (c + s) * n}')/s" "" ""
fi
say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "| Measurement | Value | Target | Status |"
echo "|---|---|---|---|"
cat "$ROWS"
if [[ ${TLS_PERF:-0} == 1 ]]; then
    for data in "$WORK"/perf.{plain,tls}.{cs,sim}.data; do
        [[ -s $data ]] || continue
        who=$(basename "$data" .data)
        echo
        echo "perf, ${who#perf.}, by shared object (self time):"
        perf report -q -i "$data" --no-children -g none --sort dso --percent-limit 1 2>/dev/null |
            awk 'NF && n++ < 15' || true
        echo "perf, ${who#perf.}, top symbols (self time):"
        perf report -q -i "$data" --no-children -g none --sort dso,sym --percent-limit 0.7 2>/dev/null |
            awk 'NF && n++ < 30' || true
    done
fi
