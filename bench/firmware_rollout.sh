#!/usr/bin/env bash
# Firmware roll-out benchmark: N simulated chargers (ocpp-simulator) boot at ocpp-bench-rollout-cs, which sends each
# of them UpdateFirmware for a file served by a local HTTP server (python3 -m http.server). Every charger downloads,
# installs, reboots and boots with the new version. Prints the statuses counted on both sides, the protocol errors
# and the time from the first UpdateFirmware to the last Installed.
#
#   bench/firmware_rollout.sh [BUILD_DIR] [CHARGERS] [DURATION_S]
set -euo pipefail
build="${1:-build}"
chargers="${2:-1000}"
duration="${3:-60}"
bin="$build/bin"
for b in ocpp-simulator ocpp-bench-rollout-cs; do
    [[ -x "$bin/$b" ]] || { echo "firmware_rollout: $bin/$b not built" >&2; exit 2; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The firmware file: its first line names the version the chargers boot with afterwards.
mkdir -p "$work/www"
{ echo "version=2.0.0"; head -c 262144 /dev/urandom | base64; } > "$work/www/fw-2.0.0.bin"
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$http_port" > "$work/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$http_port/fw-2.0.0.bin" && break
    sleep 0.1
done

"$bin/ocpp-bench-rollout-cs" --listen 127.0.0.1:0 --firmware "http://127.0.0.1:$http_port/fw-2.0.0.bin" \
    --version 2.0.0 --expect "$chargers" > "$work/cs.out" 2> "$work/cs.err" &
cs_pid=$!
pids+=($cs_pid)
for _ in $(seq 100); do [[ -s "$work/cs.out" ]] && break; sleep 0.1; done
port=$(head -1 "$work/cs.out")

echo "firmware roll-out: $chargers chargers, file $(stat -c %s "$work/www/fw-2.0.0.bin") bytes over HTTP"
"$bin/ocpp-simulator" run --url "ws://127.0.0.1:$port/ocpp" --chargers "$chargers" --threads 2 --ramp 500 \
    --sessions-per-hour 0 --duration "$duration" --report "$work/report.json" --log-level warn > "$work/sim.out" 2>&1 ||
    { tail -20 "$work/sim.out"; exit 1; }
kill "$cs_pid"
wait "$cs_pid" 2>/dev/null || true

python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fw = r["firmware"]
print("simulator: statuses", fw["statuses"], "roll-out", fw["rollout_s"], "s;",
      "total errors", r["total_errors"], "; FirmwareStatusNotification",
      {k: r["actions"]["FirmwareStatusNotification"][k] for k in ("sent", "ok", "call_errors", "timeouts", "failed")})
PY
grep "^installed" "$work/cs.out" || echo "central system: not every charger reported Installed"
cat "$work/cs.err"
