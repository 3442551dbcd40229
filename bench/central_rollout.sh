#!/usr/bin/env bash
# Firmware roll-out from the central system: N simulated chargers (ocpp-simulator, auto-registered) connect to
# ocpp-centralsystem; a firmware file is uploaded through its REST API and one roll-out job over all chargers is
# started with a concurrency limit. The central system serves the file itself and sends UpdateFirmware to at most
# CONCURRENCY chargers at once. Prints the time from the job's start to the last Installed, the most chargers seen
# in progress at once, every status counted by the simulator, the firmware version booted, and the protocol errors.
#
#   bench/central_rollout.sh [BUILD_DIR] [CHARGERS] [CONCURRENCY] [DURATION_S]
set -euo pipefail
build="${1:-build}"
chargers="${2:-1000}"
concurrency="${3:-100}"
duration="${4:-120}"
bin="$build/bin"
for b in ocpp-simulator ocpp-centralsystem; do
    [[ -x "$bin/$b" ]] || { echo "central_rollout: $bin/$b not built" >&2; exit 2; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port/api/v1"
"$bin/ocpp-centralsystem" --listen "127.0.0.1:$port" --db "sqlite:$work/cs.db" --auto-register \
    --heartbeat-interval 300 --log-level warn > "$work/cs.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done

"$bin/ocpp-simulator" run --url "ws://127.0.0.1:$port/ocpp" --chargers "$chargers" --id-prefix CR --threads 2 \
    --ramp 500 --sessions-per-hour 0 --duration "$duration" --report "$work/report.json" --log-level warn \
    > "$work/sim.out" 2>&1 &
sim=$!
pids+=($sim)
for _ in $(seq 300); do
    n=$(curl -sf "$api/chargers?q=CR" | python3 -c 'import json,sys; print(sum(c["connected"] for c in json.load(sys.stdin)["chargers"]))')
    [[ "$n" == "$chargers" ]] && break
    sleep 0.2
done
echo "central roll-out: $chargers chargers connected, concurrency $concurrency"

{ echo "version=2.0.0"; head -c 262144 /dev/urandom | base64; } > "$work/fw-2.0.0.bin"
file=$(curl -sf --data-binary "@$work/fw-2.0.0.bin" "$api/rollouts/files?name=fw-2.0.0.bin" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["file"]["id"])')
body=$(python3 - "$chargers" "$file" "$concurrency" <<'PY'
import json, sys
n, f, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print(json.dumps({"fileId": f, "chargers": ["CR%06d" % i for i in range(1, n + 1)], "concurrency": k,
                  "retries": 2, "retryInterval": 2}))
PY
)
start=$(date +%s.%N)
job=$(curl -sf -d "$body" "$api/rollouts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollout"]["id"])')

# Poll the job: the most chargers in progress at once, and the end.
python3 - "$api" "$job" "$start" "$duration" <<'PY'
import json, sys, time, urllib.request
api, job, start, duration = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
most, last = 0, None
while time.time() - start < duration:
    j = json.load(urllib.request.urlopen(f"{api}/rollouts/{job}"))["rollout"]
    c = j["counts"]
    most = max(most, sum(c.get(s, 0) for s in ("sent", "Downloading", "Downloaded", "Installing")))
    last = j
    if j["state"] == "done":
        break
    time.sleep(0.2)
done = [x for x in last["chargers"] if x["status"] == "Installed"]
ends = max(time.mktime(time.strptime(x["updatedAt"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone for x in done) if done else 0
print(f"job {job}: state {last['state']}, counts {last['counts']}")
print(f"most in progress at once: {most}")
print(f"versions booted: { {v: sum(1 for x in last['chargers'] if x['firmwareVersion'] == v) for v in set(x['firmwareVersion'] for x in last['chargers'])} }")
print(f"job start -> last Installed: {ends - start:.1f} s (store timestamps, 1 s resolution); polled end {time.time() - start:.1f} s")
PY
wait "$sim" || true
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fw = r["firmware"]
print("simulator: statuses", fw["statuses"], "first UpdateFirmware -> last Installed", fw["rollout_s"], "s;",
      "total errors", r["total_errors"], "; FirmwareStatusNotification",
      {k: r["actions"]["FirmwareStatusNotification"][k] for k in ("sent", "ok", "call_errors", "timeouts", "failed")})
PY
grep -ci "error" "$work/cs.log" | sed 's/^/central system log lines with "error": /'
