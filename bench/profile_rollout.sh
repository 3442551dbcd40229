#!/usr/bin/env bash
# Smart charging at scale: N simulated chargers (ocpp-simulator) boot at ocpp-bench-rollout-cs, which sends each of
# them a TxDefaultProfile of 24 periods (SetChargingProfile, connector 0). Measures the time until the N-th Accepted
# and the simulator's memory per charger with the profile installed, against baseline runs at the same central system
# that sends no profile: RssAnon of the simulator 2 s after the last boot (or the last Accepted), minus the same
# figure for a 100-charger baseline run, divided by N - 100 (the method of bench/run.sh).
#
#   bench/profile_rollout.sh [BUILD_DIR] [CHARGERS]
set -euo pipefail
build="${1:-build}"
chargers="${2:-10000}"
bin="$build/bin"
for b in ocpp-simulator ocpp-bench-rollout-cs; do
    [[ -x "$bin/$b" ]] || { echo "profile_rollout: $bin/$b not built" >&2; exit 2; }
done

work="$(mktemp -d)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
rss_anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# run NAME CHARGERS WAIT_FOR CS_FLAGS... : one fleet against one central system; prints "NAME RSS_KIB LINE".
run() {
    local name=$1 n=$2 wait_for=$3
    shift 3
    "$bin/ocpp-bench-rollout-cs" --listen 127.0.0.1:0 --expect "$n" "$@" > "$work/$name.cs.out" \
        2> "$work/$name.cs.err" &
    local cs=$!
    for _ in $(seq 100); do [[ -s "$work/$name.cs.out" ]] && break; sleep 0.1; done
    local port
    port=$(head -1 "$work/$name.cs.out")
    "$bin/ocpp-simulator" run --url "ws://127.0.0.1:$port/ocpp" --chargers "$n" --threads 2 --ramp 5000 \
        --sessions-per-hour 0 --duration 600 --report "$work/$name.json" --log-level warn > "$work/$name.sim.out" 2>&1 &
    local sim=$!
    local line=""
    for _ in $(seq 1200); do
        line=$(grep "^$wait_for" "$work/$name.cs.out" || true)
        [[ -n "$line" ]] && break
        kill -0 "$sim" 2>/dev/null || break
        sleep 0.1
    done
    # run() runs in a command substitution, whose pids the EXIT trap does not see: stop both here on every path.
    if [[ -z "$line" ]]; then
        echo "$name: the central system never printed \"$wait_for\""
        tail -5 "$work/$name.sim.out"
        kill "$sim" "$cs" 2>/dev/null || true
        wait "$sim" "$cs" 2>/dev/null || true
        return 1
    fi
    sleep 2
    local rss
    rss=$(rss_anon_kib "$sim")
    kill -INT "$sim"
    wait "$sim" 2>/dev/null || true
    kill "$cs"
    wait "$cs" 2>/dev/null || true
    echo "$name $rss $line; $(sed 's/^ocpp-bench-rollout-cs: //' "$work/$name.cs.err")"
}

echo "smart charging roll-out: $chargers chargers, TxDefaultProfile of 24 periods each"
small=$(run small 100 booted) || { echo "$small"; exit 1; }
echo "$small"
base=$(run baseline "$chargers" booted) || { echo "$base"; exit 1; }
echo "$base"
with=$(run profile "$chargers" profiles --profile-periods 24) || { echo "$with"; exit 1; }
echo "$with"
python3 - "$chargers" "$small" "$base" "$with" "$work/profile.json" <<'PY'
import json, sys
n = int(sys.argv[1]) - 100
s = int(sys.argv[2].split()[1])
b = int(sys.argv[3].split()[1]) - s
w = int(sys.argv[4].split()[1]) - s
r = json.load(open(sys.argv[5]))
answered = r.get("calls_answered", {}).get("SetChargingProfile", 0)
print(f"simulator RssAnon per charger: baseline {b / n:.1f} KiB, with the profile {w / n:.1f} KiB "
      f"(+{(w - b) / n * 1024:.0f} B per charger); SetChargingProfile answered by the simulator {answered}; "
      f"simulator total errors {r['total_errors']}")
PY
