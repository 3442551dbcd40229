#!/usr/bin/env bash
# Signing 1,000 CSRs at the real central system while other chargers keep talking to it. The central system starts
# with an operator CA of its own (made on first start, key sealed with a throwaway passphrase); ocpp-bench-csr-load
# connects CSR_SIGNERS chargers that each send CSR_PER_SIGNER SignCertificate requests one after another (the central
# system signs at most 5 an hour per charger) and CSR_HEARTBEATERS chargers that send Heartbeats closed-loop
# (CSR_PAUSE_MS after each answer). The heartbeats run alone for CSR_BASELINE seconds first (the baseline, same
# run), then during the signing. Builds nothing; prints a Markdown table.
#
#   bash bench/csr_signing.sh [BUILD_DIR]        (default: build)
#
# Environment: CSR_SIGNERS (default 200), CSR_PER_SIGNER (5), CSR_HEARTBEATERS (20), CSR_PAUSE_MS (20),
# CSR_BASELINE (10 s), CSR_KEEP=1 keeps the work directory.
# Measured: the signing phase's wall time per certificate (first SignCertificate sent to the last CertificateSigned
# received, divided by the certificates), the central system's CPU per certificate (user + system over the signing
# phase, everything it did meanwhile included), and the heartbeat latency (send to answer, at the charger) p50/p99/max
# with and without the signing. Target: p99 under 50 ms while signing. Every process started here is stopped by its
# PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/csr_signing.sh CSR_KEEP "${1:-}" ocpp-centralsystem ocpp-bench-csr-load
SIGNERS=${CSR_SIGNERS:-200}
PER_SIGNER=${CSR_PER_SIGNER:-5}
HEARTBEATERS=${CSR_HEARTBEATERS:-20}
PAUSE_MS=${CSR_PAUSE_MS:-20}
BASELINE=${CSR_BASELINE:-10}
TOKEN=bench-token-0123456789abcdef
CPO="Bench CPO"

say() { echo "csr_signing: $*" >&2; }
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000000 / hz}' "/proc/$1/stat"; }
value() { awk -v k="$1" '$1 == k {print $2}' "$WORK/load.out"; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {if (v == "-" || v == "") print "NOT met"; else if (v < t) print "met"; else print "NOT met"}'; }

say "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bench-passphrase-0123456789\n' >"$WORK/ca.pass"
PORT=$(free_port)
start_central_system "$PORT" "$WORK/cs.db" "$WORK/cs.log" --auto-register --heartbeat-interval 300 \
    --cpo-name "$CPO" --ca-passphrase-file "$WORK/ca.pass"

"$BIN/ocpp-bench-csr-load" --url "ws://127.0.0.1:$PORT/ocpp" --cpo-name "$CPO" --signers "$SIGNERS" \
    --csrs-per-signer "$PER_SIGNER" --heartbeaters "$HEARTBEATERS" --pause-ms "$PAUSE_MS" \
    --baseline-seconds "$BASELINE" >"$WORK/load.out" 2>"$WORK/load.err" &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
# Each thread's CPU (µs) of the central system: "tid µs" lines.
thread_cpu() {
    local t
    for t in /proc/"$CS_PID"/task/*; do
        echo "${t##*/}/nice$(awk '{print $19}' "$t/stat") $(cpu_us "$CS_PID/task/${t##*/}")"
    done
}
# The central system's CPU when the signing starts (the load generator says so on stderr) and when it ends.
cpu0=""
while kill -0 "$LOAD_PID" 2>/dev/null; do
    if [[ -z $cpu0 ]] && grep -q "signing" "$WORK/load.err"; then
        cpu0=$(cpu_us "$CS_PID")
        thread_cpu >"$WORK/threads0"
    fi
    sleep 0.05
done
wait "$LOAD_PID" || true
forget_pid "$LOAD_PID"
cpu1=$(cpu_us "$CS_PID")
thread_cpu >"$WORK/threads1"
# Where the signing phase's CPU went, per thread of the central system (the signing thread runs at nice 10).
threads=$(join "$WORK/threads0" "$WORK/threads1" | sort -k3,3nr |
    awk '$3 - $2 > 0 {printf "%s%s %.0f ms", sep, $1, ($3 - $2) / 1000; sep = ", "}')
[[ -n $cpu0 ]] || cpu0=$cpu1
stop_pid "$CS_PID"
cat "$WORK/load.err" >&2
say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

signed=$(value certificate_signed)
secs=$(value signing_seconds)
per_wall=$(awk -v s="$secs" -v n="$signed" 'BEGIN {if (n > 0) printf "%.2f", s * 1000 / n; else print "-"}')
per_cpu=$(awk -v a="$cpu1" -v b="$cpu0" -v n="$signed" 'BEGIN {if (n > 0) printf "%.0f", (a - b) / n; else print "-"}')
total=$((SIGNERS * PER_SIGNER))

echo "| Measurement | Value | Target | Status |"
echo "|---|---|---|---|"
echo "| CSRs signed and delivered (CertificateSigned received) of $total | $signed (Accepted $(value accepted), Rejected $(value rejected), no answer $(value failed)) | $total | $( [[ $signed == "$total" ]] && echo met || echo "NOT met") |"
echo "| signing phase: wall time; per certificate | $secs s; $per_wall ms | | |"
echo "| central system CPU per certificate during the signing (all its threads) | $per_cpu µs | | |"
echo "| … per thread over the signing phase (thread/nice: CPU) | $threads | | |"
echo "| heartbeats alone ($HEARTBEATERS chargers, closed loop, ${PAUSE_MS} ms pause): count; p50 / p99 / max | $(value baseline_heartbeats); $(value baseline_p50_ms) / $(value baseline_p99_ms) / $(value baseline_max_ms) ms | | |"
echo "| heartbeats while signing: count; p50 / p99 / max | $(value signing_heartbeats); $(value signing_p50_ms) / $(value signing_p99_ms) / $(value signing_max_ms) ms | p99 < 50 ms | $(verdict "$(value signing_p99_ms)" 50) |"
