#!/usr/bin/env bash
# The handshake under attack: the real ocpp-centralsystem (Release, SQLite) while wrong-password guesses for one
# known Chargebox ID arrive 8 at a time (ocpp-bench-handshake-storm), right after a restart. Legitimate chargers
# connect meanwhile: HSB_COLD chargers once each (their passwords not yet verified by this process, so each costs a
# PBKDF2) and one charger every 100 ms (verified after its first connection, then answered from the memo). The
# baseline is the same legitimate traffic without the guesses, in this same script. PBKDF2 runs are read from
# /metrics (ocpp_password_hashes_total{kind="check"}). Builds nothing; prints a Markdown table. bench/run.sh calls it.
#
#   bash bench/handshake_attack.sh [BUILD_DIR]        (default: build)
#
# Environment: HSB_GUESSES (default 9000), HSB_SECONDS (default 60: the guesses spread over at least this long),
# HSB_COLD (default 40), HSB_KEEP=1 keeps the work directory. Only 127.0.0.1; every process started here is stopped
# by its PID when the script ends, however it ends.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/handshake_attack.sh HSB_KEEP "${1:-}" ocpp-centralsystem ocpp-bench-handshake-storm
GUESSES=${HSB_GUESSES:-9000}
WINDOW=${HSB_SECONDS:-60}
COLD=${HSB_COLD:-40}
TOKEN=bench-token-0123456789abcdef

say() { echo "hsbench: $*" >&2; }
DB=$WORK/attack.db
PORT=$(free_port)

start_cs() { start_central_system "$PORT" "$DB" "$WORK/cs.log"; }
metric() { { curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" || true; } | awk -v k="$1" '$1 == k {print $2; f = 1} END {if (!f) print 0}'; }
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
add_charger() {
    curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/chargers" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' -d "{\"chargeBoxId\":\"$1\",\"password\":\"$2\"}" >/dev/null
}
# Runs the storm program to its end; its "key value" lines into $WORK/$1.out.
storm() {
    local tag=$1
    shift
    "$BIN/ocpp-bench-handshake-storm" --port "$PORT" --cold "$COLD" "$@" >"$WORK/$tag.out" 2>"$WORK/$tag.err" &
    local pid=$!
    PIDS+=("$pid")
    wait "$pid"
    forget_pid "$pid"
}
val() { awk -v k="$2" '$1 == k {print $2; f = 1} END {if (!f) print 0}' "$WORK/$1.out"; }

say "machine: $(nproc) cores, $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_cs
add_charger CB-ATTACKED attacked-password-0123456789
add_charger CB-WARM CB-WARM-password-0123456789
for ((i = 1; i <= COLD; i++)); do
    add_charger "CB-COLD-$i" "CB-COLD-$i-password-0123456789"
done
stop_pid "$CS_PID"

say "baseline: the legitimate chargers alone for $((WINDOW / 3)) s, right after a restart"
start_cs
storm base --guesses 0 --seconds "$((WINDOW / 3))"
stop_pid "$CS_PID"

say "attack: $GUESSES wrong guesses for CB-ATTACKED, 8 at a time over at least $WINDOW s, right after a restart"
start_cs
RSS0=$(rss_mib "$CS_PID")
H0=$(metric 'ocpp_password_hashes_total{kind="check"}')
storm attack --guesses "$GUESSES" --concurrency 8 --seconds "$WINDOW"
H1=$(metric 'ocpp_password_hashes_total{kind="check"}')
RSS1=$(rss_mib "$CS_PID")
THROTTLED=$(metric 'ocpp_handshake_refusals_total{reason="throttled"}')
BUSY=$(metric 'ocpp_handshake_refusals_total{reason="check_in_progress"}')
WRONG=$(metric 'ocpp_handshake_refusals_total{reason="wrong_password"}')
stop_pid "$CS_PID"

# Each legitimate ID costs one check (its first connection); the rest of the checks were the guesses'.
LEGIT=$(($(val attack cold_status_101) + ($(val attack warm_status_101) > 0 ? 1 : 0)))
ATTACK_HASHES=$(awk -v a="$H0" -v b="$H1" -v l="$LEGIT" 'BEGIN {printf "%d", b - a - l}')
SECS=$(val attack attack_seconds)
PER_MIN=$(awk -v h="$ATTACK_HASHES" -v s="$SECS" 'BEGIN {printf "%.1f", h * 60 / (s < 60 ? 60 : s)}')
ms() { awk -v s="$1" 'BEGIN {printf "%.1f ms", s * 1000}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t) ? "met" : "NOT met"}'; }

echo "| measurement | baseline (no guesses) | under attack | target | |"
echo "|---|---|---|---|---|"
echo "| first connection of a charger not yet verified (PBKDF2): p50 / p99 / max | $(ms "$(val base cold_p50)") / $(ms "$(val base cold_p99)") / $(ms "$(val base cold_max)") | $(ms "$(val attack cold_p50)") / $(ms "$(val attack cold_p99)") / $(ms "$(val attack cold_max)") | p99 ≤ 1 s | $(verdict "$(val attack cold_p99)" 1) |"
echo "| … answered 101 | $(val base cold_status_101) of $(val base cold_n) | $(val attack cold_status_101) of $(val attack cold_n) | all | $( (($(val attack cold_status_101) == $(val attack cold_n))) && echo met || echo "NOT met") |"
echo "| reconnects of a verified charger every 100 ms (memo): p50 / p99 / max | $(ms "$(val base warm_p50)") / $(ms "$(val base warm_p99)") / $(ms "$(val base warm_max)") | $(ms "$(val attack warm_p50)") / $(ms "$(val attack warm_p99)") / $(ms "$(val attack warm_max)") | p99 ≤ 1 s | $(verdict "$(val attack warm_p99)" 1) |"
echo "| … answered 101 | $(val base warm_status_101) of $(val base warm_n) | $(val attack warm_status_101) of $(val attack warm_n) | all | $( (($(val attack warm_status_101) == $(val attack warm_n))) && echo met || echo "NOT met") |"
echo "| PBKDF2 runs for the guessed ID ($GUESSES guesses in $SECS s), per minute | | $ATTACK_HASHES ($PER_MIN per minute) | ≤ 10 per minute | $(verdict "$PER_MIN" 10) |"
echo "| guesses answered: 401 (checked) / 429 (backing off, no check) / none | | $(val attack guess_status_401) / $(val attack guess_status_429) / $(val attack guess_status_0) | | |"
echo "| … guess answer time p50 / p99 | | $(ms "$(val attack guess_p50)") / $(ms "$(val attack guess_p99)") | | |"
echo "| refusals counted in /metrics: wrong_password / throttled / check_in_progress | | ${WRONG%.*} / ${THROTTLED%.*} / ${BUSY%.*} | | |"
echo "| central-system memory (VmRSS) before → after the attack | | $RSS0 → $RSS1 MiB | | |"
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
