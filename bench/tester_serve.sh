#!/usr/bin/env bash
# bench/tester_serve.sh - does `ocpp-tester serve` hold 1,000 chargers under test at once?
# Starts serve on 127.0.0.1, creates N tests over the REST API (IDs SRV000001...), runs ocpp-simulator with the
# returned passwords, polls until every test has passed (or a deadline), and prints the figures.
# Usage: bash bench/tester_serve.sh            (env: N=1000 BIN=build/bin DEADLINE=120 DURATION=90 RAMP=500)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
N=${N:-1000}
DEADLINE=${DEADLINE:-120}
DURATION=${DURATION:-90}
RAMP=${RAMP:-500}
WORK=$(mktemp -d /tmp/tester_serve.XXXXXX)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 2>/dev/null || true

PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/ocpp-tester" serve --listen "127.0.0.1:$PORT" --db "sqlite:$WORK/serve.db" --heartbeat-interval 30 \
    --max-tests 2000 --log-level warn >"$WORK/serve.log" 2>&1 &
SERVE=$!; PIDS+=("$SERVE")
echo "work dir $WORK, serve pid $SERVE on 127.0.0.1:$PORT, ulimit -n $(ulimit -n)"

python3 - "$PORT" "$SERVE" "$N" "$WORK" "$BIN" "$DEADLINE" "$DURATION" "$RAMP" <<'PY'
import json, os, subprocess, sys, time, urllib.request, urllib.error
from datetime import datetime
port, pid, n, work, binp, deadline, duration, ramp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], float(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
api = f"http://127.0.0.1:{port}"

def ts(x): return datetime.fromisoformat(x.replace("Z", "+00:00")).timestamp()
def rss_anon_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
def get(path):
    with urllib.request.urlopen(api + path, timeout=30) as r:
        return json.loads(r.read())
def post(path, body):
    req = urllib.request.Request(api + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read())

for _ in range(100):
    try: get("/healthz"); break
    except Exception: time.sleep(0.1)
else:
    sys.exit("serve did not answer /healthz")
time.sleep(0.5)
rss0 = rss_anon_kb()

t = time.monotonic()
ids, pw = [], []
for i in range(1, n + 1):
    cb = f"SRV{i:06d}"
    st, body = post("/api/v1/tests", {"chargeBoxId": cb})
    assert st == 201, (st, body)
    ids.append(body["id"]); pw.append((cb, body["password"]))
create_s = time.monotonic() - t
with open(f"{work}/pw.csv", "w") as f:
    f.writelines(f"{cb},{p}\n" for cb, p in pw)
time.sleep(0.5)
rss1 = rss_anon_kb()
print(f"created {n} tests in {create_s:.2f} s", flush=True)

sim = subprocess.Popen([f"{binp}/ocpp-simulator", "run", "--url", f"ws://127.0.0.1:{port}/ocpp",
    "--chargers", str(n), "--id-prefix", "SRV", "--password-file", f"{work}/pw.csv", "--ramp", ramp,
    "--sessions-per-hour", "0", "--duration", str(duration), "--report", f"{work}/sim.json"],
    stdout=open(f"{work}/sim.log", "w"), stderr=subprocess.STDOUT)
with open(f"{work}/sim.pid", "w") as f: f.write(str(sim.pid))
t_sim = time.monotonic()
max_conn, rss_all, rss_peak, t_all_conn, counts = 0, None, 0, None, {}
try:
    while time.monotonic() - t_sim < deadline:
        h = get("/healthz")
        r = rss_anon_kb(); rss_peak = max(rss_peak, r)
        c = h.get("connections", 0); max_conn = max(max_conn, c)
        if c >= n and rss_all is None:
            rss_all, t_all_conn = r, time.monotonic() - t_sim
        lst = get("/api/v1/tests")
        counts = {}
        for s in lst["tests"]:
            if s["chargeBoxId"].startswith("SRV"):
                counts[s["state"]] = counts.get(s["state"], 0) + 1
        if counts.get("passed", 0) >= n or sum(v for k, v in counts.items() if k not in ("waiting", "running")) >= n:
            break
        time.sleep(1)
    poll_s = time.monotonic() - t_sim
    # Per-test timings from the live states.
    # "First connection" = the first frame the tester saw (each charger's BootNotification follows its connection).
    first_frames, finished, per_test, failed = [], [], [], []
    for tid in ids:
        s = get(f"/api/v1/tests/{tid}")
        with urllib.request.urlopen(f"{api}/api/v1/tests/{tid}/capture.jsonl", timeout=30) as r:
            line = r.readline()
        ff = json.loads(line)["at"] if line.strip() else None
        if ff: first_frames.append(ff)
        if s["state"] == "passed" and s.get("finished"):
            finished.append(s["finished"])
            if ff: per_test.append(ts(s["finished"]) - ts(ff))
        if s["state"] not in ("passed",):
            failed.append((s["chargeBoxId"], s["state"], [(c["id"], c.get("verdict"), c.get("seen")) for c in s.get("checks", []) if c.get("verdict") not in ("pass", None)][:3]))
finally:
    sim.wait(timeout=duration + 60)

span = (max(map(ts, finished)) - min(map(ts, first_frames))) if first_frames and finished else float("nan")
per_test.sort()
try:
    rep = json.load(open(f"{work}/sim.json"))
except Exception as e:
    rep = {"_error": str(e)}
res = dict(tests=n, passed=counts.get("passed", 0), states=counts, first_connection_to_last_pass_s=round(span, 1),
           poll_s=round(poll_s, 1), all_connected_after_s=None if t_all_conn is None else round(t_all_conn, 1),
           max_connections=max_conn, create_s=round(create_s, 2),
           rss_anon_kb=dict(before=rss0, after_create=rss1, all_connected=rss_all, peak=rss_peak),
           per_test_kib=dict(created=round((rss1 - rss0) / n, 1),
                             connected=None if rss_all is None else round((rss_all - rss0) / n, 1)),
           first_frame_to_pass_s=None if not per_test else dict(p50=round(per_test[len(per_test)//2], 1), max=round(per_test[-1], 1)),
           simulator=dict(exit=sim.returncode, connections=rep.get("connections"), boots=rep.get("boots"),
                          call_errors=rep.get("all_actions", {}).get("call_errors"),
                          timeouts=rep.get("all_actions", {}).get("timeouts"), total_errors=rep.get("total_errors")),
           not_passed_sample=failed[:5])
json.dump(res, open(f"{work}/result.json", "w"), indent=1)
print(json.dumps(res, indent=1))
PY
echo "simulator report: $WORK/sim.json; serve log: $WORK/serve.log"
